//! Retention as Kafka 4.1 runs it: `LogManager.cleanupLogs` 30 s after start-up
//! (`InitialTaskDelayMs`) and then every `log.retention.check.interval.ms` (300 s), calling
//! `UnifiedLog.deleteOldSegments` (`deleteRetentionMsBreachedSegments`,
//! `deleteRetentionSizeBreachedSegments`, `deleteLogStartOffsetBreachedSegments`) on every log
//! that is not compacted; `.deleted` files removed after `file.delete.delay.ms`
//! (`LocalLog.deleteSegmentFiles`); `log-start-offset-checkpoint` written every 60 s
//! (`LogManager.checkpointLogStartOffsets`); `kafka-delete-records.sh` (`DeleteRecordsCommand`,
//! `Partition.deleteRecordsOnLeader`) and `kafka-log-dirs.sh --describe` (`LogDirsCommand`).
//! The Kafka documentation's "Log Retention" (`retention.ms`, `retention.bytes`) is the contract.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::event::EventKind;
use kafka_playground::engine::log::retention::{DeletionReason, LogStartOffsetIncrementReason};
use kafka_playground::engine::Cluster;
use support::{log, run, run_ok, segment_bases};

const START: i64 = 1_735_689_600_000;

/// One console-producer run: one batch, so with a small `segment.bytes` one segment each.
fn produce(cluster: &mut Cluster, topic: &str, value: &str) {
    run_ok(
        cluster,
        &format!("kafka-console-producer.sh --topic {topic} <<EOF\n{value}\nEOF\n"),
    );
}

/// A cluster with topic `t` of the given configs and `records` produced one batch each
/// (`key:value` lines, keys parsed, for the compacted topics that need them).
fn topic_with(configs: &str, records: &[&str]) -> Cluster {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        &format!("kafka-topics.sh --create --topic t --config segment.bytes=100 {configs}\n"),
    );
    for record in records {
        let keyed = if record.contains(':') {
            " --property parse.key=true --property key.separator=:"
        } else {
            ""
        };
        run_ok(
            &mut cluster,
            &format!("kafka-console-producer.sh --topic t{keyed} <<EOF\n{record}\nEOF\n"),
        );
    }
    cluster
}

fn bases(cluster: &Cluster) -> Vec<i64> {
    segment_bases(log(cluster, "t", 0))
}

fn files(cluster: &Cluster) -> Vec<String> {
    cluster.broker(1).expect("broker 1").store.list("t-0")
}

fn deleted_files(cluster: &Cluster) -> Vec<String> {
    files(cluster)
        .into_iter()
        .filter(|f| f.ends_with(".deleted"))
        .collect()
}

#[test]
fn time_retention_first_runs_30_s_after_start_then_every_300_s() {
    let mut cluster = topic_with("--config retention.ms=10000", &["a", "b"]);
    assert_eq!(bases(&cluster), vec![0, 1]);
    run_ok(&mut cluster, "time advance 29s\n");
    assert_eq!(bases(&cluster), vec![0, 1], "no check before 30 s");
    cluster.drain_events();
    run_ok(&mut cluster, "time advance 1s\n");
    // Both segments are older than 10 s: every segment is deletable, so a fresh active segment
    // is rolled first (UnifiedLog.deleteSegments) and the log start offset moves to it.
    assert_eq!(bases(&cluster), vec![2]);
    assert_eq!(log(&cluster, "t", 0).log_start_offset(), 2);
    let events: Vec<EventKind> = cluster.drain_events().into_iter().map(|e| e.kind).collect();
    assert!(matches!(
        &events[0],
        EventKind::SegmentRolled {
            old_base_offset: 1,
            new_base_offset: 2,
            ..
        }
    ));
    assert!(matches!(
        &events[1],
        EventKind::LogStartOffsetIncremented {
            old_log_start_offset: 0,
            new_log_start_offset: 2,
            reason: LogStartOffsetIncrementReason::SegmentDeletion,
            ..
        }
    ));
    match &events[2] {
        EventKind::SegmentsDeleted {
            reason, segments, ..
        } => {
            assert_eq!(
                *reason,
                DeletionReason::RetentionMs {
                    retention_ms: 10_000
                }
            );
            let deleted: Vec<i64> = segments.iter().map(|s| s.base_offset).collect();
            assert_eq!(deleted, vec![0, 1]);
            assert!(segments.iter().all(|s| s.largest_timestamp == START));
        }
        other => panic!("{other:?}"),
    }
    // The next check is 300 s (log.retention.check.interval.ms) after the first.
    produce(&mut cluster, "t", "c");
    produce(&mut cluster, "t", "d");
    assert_eq!(bases(&cluster), vec![2, 3]);
    run_ok(&mut cluster, "time advance 299s\n");
    assert_eq!(
        bases(&cluster),
        vec![2, 3],
        "no check between 30 s and 330 s"
    );
    run_ok(&mut cluster, "time advance 1s\n");
    assert_eq!(bases(&cluster), vec![4]);
}

#[test]
fn a_segment_exactly_retention_ms_old_stays() {
    // deleteRetentionMsBreachedSegments: now − largestTimestamp > retention.ms, strictly.
    let mut cluster = topic_with("--config retention.ms=30000", &["a", "b"]);
    run_ok(&mut cluster, "time advance 30s\n");
    assert_eq!(bases(&cluster), vec![0, 1]);
    run_ok(&mut cluster, "time advance 300s\n");
    assert_eq!(bases(&cluster), vec![2]);
}

#[test]
fn deleted_files_stay_until_file_delete_delay_ms_has_passed() {
    let mut cluster = topic_with(
        "--config retention.ms=1000 --config file.delete.delay.ms=5000",
        &["a", "b", "c"],
    );
    assert_eq!(bases(&cluster), vec![0, 1, 2]);
    run_ok(&mut cluster, "time advance 30s\n");
    assert_eq!(bases(&cluster), vec![3]);
    // LocalLog.deleteSegmentFiles renamed each segment's files to `.deleted`.
    let mut expected: Vec<String> = [0, 1, 2]
        .iter()
        .flat_map(|base| {
            [".index", ".log", ".timeindex"].map(|suffix| format!("t-0/{base:020}{suffix}.deleted"))
        })
        .collect();
    expected.sort();
    assert_eq!(deleted_files(&cluster), expected);
    cluster.drain_events();
    run_ok(&mut cluster, "time advance 4999ms\n");
    assert_eq!(deleted_files(&cluster).len(), 9, "still there before 5 s");
    run_ok(&mut cluster, "time advance 1ms\n");
    assert_eq!(deleted_files(&cluster), Vec::<String>::new());
    let events: Vec<EventKind> = cluster.drain_events().into_iter().map(|e| e.kind).collect();
    assert!(
        matches!(&events[..], [EventKind::SegmentFilesDeleted { broker: 1, files }] if files.len() == 9),
        "{events:?}"
    );
    assert_eq!(
        files(&cluster),
        vec![
            "t-0/00000000000000000003.index",
            "t-0/00000000000000000003.log",
            "t-0/00000000000000000003.timeindex",
            // Written with the first append (LeaderEpochFileCache.assign).
            "t-0/leader-epoch-checkpoint",
            "t-0/partition.metadata",
        ]
    );
}

#[test]
fn size_retention_never_lets_the_log_drop_below_retention_bytes() {
    let mut cluster = topic_with("", &["v0", "v1", "v2", "v3", "v4"]);
    let batch = log(&cluster, "t", 0).size_in_bytes() / 5;
    let retention_bytes = batch * 5 / 2;
    run_ok(
        &mut cluster,
        &format!("kafka-configs.sh --alter --entity-type topics --entity-name t --add-config retention.bytes={retention_bytes}\ntime advance 30s\n"),
    );
    let log = log(&cluster, "t", 0);
    // 5 batches over 2.5 batches of retention: deleting a third would leave 2 < 2.5.
    assert_eq!(segment_bases(log), vec![2, 3, 4]);
    assert!(log.size_in_bytes() >= retention_bytes);
    assert!(log.size_in_bytes() - batch < retention_bytes);
    assert_eq!(log.log_start_offset(), 2);
    // A consumer from the beginning starts at the new log start offset.
    let output = run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --topic t --from-beginning --property print.offset=true\n",
    );
    assert_eq!(
        output.stdout(),
        "Offset:2\tv2\nOffset:3\tv3\nOffset:4\tv4\n"
    );
    // Exactly retention.bytes may remain: `diff − segment size ≥ 0` deletes down to it.
    run_ok(
        &mut cluster,
        &format!("kafka-configs.sh --alter --entity-type topics --entity-name t --add-config retention.bytes={}\ntime advance 300s\n", batch * 2),
    );
    assert_eq!(bases(&cluster), vec![3, 4]);
    assert_eq!(support::log(&cluster, "t", 0).size_in_bytes(), batch * 2);
}

#[test]
fn retention_never_deletes_at_or_above_the_high_watermark() {
    let mut cluster = topic_with("--config retention.ms=1000", &["a", "b", "c"]);
    // As if replication had not yet acknowledged offsets 1 and 2.
    let (log_1, _) = cluster
        .broker_mut(1)
        .and_then(|b| b.log_mut("t", 0))
        .expect("the log");
    log_1.set_high_watermark(1);
    run_ok(&mut cluster, "time advance 30s\n");
    // Segment 1 ends at offset 2 > HW 1: only segment 0 may go (UnifiedLog.deletableSegments).
    assert_eq!(bases(&cluster), vec![1, 2]);
    assert_eq!(log(&cluster, "t", 0).log_start_offset(), 1);
}

#[test]
fn compact_alone_never_deletes_by_time_and_refuses_delete_records() {
    let mut cluster = topic_with(
        "--config cleanup.policy=compact --config retention.ms=1000 --config retention.bytes=1",
        &["k:a", "k:b"],
    );
    run_ok(&mut cluster, "time advance 2h\n");
    assert_eq!(bases(&cluster), vec![0, 1]);
    // The cleaner's retention pass (LogCleanerManager.deletableLogs), which ran at every
    // log.cleaner.backoff.ms wake above, does only the log start offset breach on a compact-only log.
    assert_eq!(cluster.delete_old_segments_of_compacted_logs(1), 0);
    let output = run_ok(
        &mut cluster,
        "kafka-delete-records.sh --bootstrap-server localhost:9092 --offset-json-file /dev/stdin <<EOF\n{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"offset\":1}],\"version\":1}\nEOF\n",
    );
    assert_eq!(
        output.stdout(),
        "Executing records delete operation\nRecords delete operation completed:\npartition: t-0\terror: org.apache.kafka.common.errors.PolicyViolationException: Request parameters do not satisfy the configured policy.\n"
    );
}

#[test]
fn compact_delete_logs_are_left_to_the_cleaner() {
    // LogManager.cleanupLogs skips compacted logs; the cleaner thread runs deleteOldSegments on
    // them after each wake (LogCleaner.cleanFilthiestLog, LogCleanerManager.deletableLogs), where
    // retention.ms applies: the first wake is log.cleaner.backoff.ms (15 s) after start-up.
    let mut cluster = topic_with(
        "--config cleanup.policy=compact,delete --config retention.ms=1000",
        &["k:a", "k:b"],
    );
    run_ok(&mut cluster, "time advance 14s\n");
    assert_eq!(bases(&cluster), vec![0, 1], "the cleaner has not woken yet");
    run_ok(&mut cluster, "time advance 1s\n");
    assert_eq!(
        bases(&cluster),
        vec![2],
        "deleted at the cleaner's first wake, not at 30 s"
    );
    assert_eq!(cluster.delete_old_segments_of_compacted_logs(1), 0);
}

const DELETE_TO_1: &str = "kafka-delete-records.sh --bootstrap-server localhost:9092 --offset-json-file /dev/stdin <<EOF\n{\"partitions\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1}], \"version\": 1}\nEOF\n";

#[test]
fn delete_records_prints_the_low_watermark_and_consumers_start_there() {
    let mut cluster = support::cluster();
    run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    support::produce_n(&mut cluster, "t", 3, false);
    cluster.drain_events();
    let output = run_ok(&mut cluster, DELETE_TO_1);
    assert_eq!(
        output.stdout(),
        "Executing records delete operation\nRecords delete operation completed:\npartition: t-0\tlow_watermark: 1\n"
    );
    assert!(matches!(
        &cluster.drain_events()[..],
        [e] if matches!(e.kind, EventKind::LogStartOffsetIncremented {
            new_log_start_offset: 1,
            reason: LogStartOffsetIncrementReason::ClientRecordDeletion,
            ..
        })
    ));
    let output = run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --topic t --from-beginning --property print.offset=true\nkafka-get-offsets.sh --topic t --time -2\n",
    );
    assert_eq!(
        output.stdout(),
        "Offset:1\tvalue-1\nOffset:2\tvalue-2\nt:0:1\n"
    );
    // -1 means the high watermark (DeleteRecordsRequest.HIGH_WATERMARK).
    let output = run_ok(
        &mut cluster,
        &DELETE_TO_1.replace("\"offset\": 1", "\"offset\": -1"),
    );
    assert!(output
        .stdout()
        .ends_with("partition: t-0\tlow_watermark: 3\n"));
    // A lower offset than the start changes nothing and reports the current start.
    let output = run_ok(&mut cluster, DELETE_TO_1);
    assert!(output
        .stdout()
        .ends_with("partition: t-0\tlow_watermark: 3\n"));
}

#[test]
fn delete_records_errors_are_kafkas() {
    let mut cluster = support::cluster();
    run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    support::produce_n(&mut cluster, "t", 3, false);
    let delete = |offsets: &str| {
        format!("kafka-delete-records.sh --bootstrap-server localhost:9092 --offset-json-file /dev/stdin <<EOF\n{{\"partitions\": [{offsets}], \"version\": 1}}\nEOF\n")
    };
    let result = |cluster: &mut Cluster, offsets: &str| {
        let output = run_ok(cluster, &delete(offsets));
        let stdout = output.stdout();
        stdout
            .strip_prefix(
                "Executing records delete operation\nRecords delete operation completed:\n",
            )
            .expect("the tool's first lines")
            .to_string()
    };
    // Past the high watermark (UnifiedLog.maybeIncrementLogStartOffset): the response carries
    // only the code, so the client's exception has the code's default message.
    assert_eq!(
        result(&mut cluster, r#"{"topic": "t", "partition": 0, "offset": 4}"#),
        "partition: t-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n"
    );
    assert_eq!(
        result(&mut cluster, r#"{"topic": "t", "partition": 0, "offset": -2}"#),
        "partition: t-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n"
    );
    assert_eq!(
        log(&cluster, "t", 0).log_start_offset(),
        0,
        "nothing changed"
    );
    // An unknown partition: the admin client looks for its leader until default.api.timeout.ms.
    let before = cluster.now().as_millis();
    assert_eq!(
        result(&mut cluster, r#"{"topic": "t", "partition": 3, "offset": 1}"#),
        "partition: t-3\terror: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: deleteRecords(api=METADATA)\n"
    );
    assert_eq!(cluster.now().as_millis() - before, 60_000);
}

#[test]
fn delete_records_input_problems_end_the_tool_like_kafkas_exceptions() {
    let cases: &[(&str, &str)] = &[
        ("{\"partitions\": [", "org.apache.kafka.server.common.AdminOperationException: The input string is not a valid JSON"),
        ("{\"version\": 2, \"partitions\": []}", "org.apache.kafka.server.common.AdminOperationException: Not supported version field value 2"),
        ("{\"version\": 1}", "org.apache.kafka.server.common.AdminOperationException: Missing partitions field"),
        ("{\"partitions\": [{\"partition\": 0, \"offset\": 1}]}", "com.fasterxml.jackson.databind.JsonMappingException: No such field exists: `topic`"),
        ("{\"partitions\": [{\"topic\": \"t\", \"partition\": \"0\", \"offset\": 1}]}", "com.fasterxml.jackson.databind.JsonMappingException: Expected `int` value, received \"0\""),
        (
            "{\"partitions\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1}, {\"topic\": \"t\", \"partition\": 0, \"offset\": 2}]}",
            "org.apache.kafka.server.common.AdminCommandFailedException: Offset json file contains duplicate topic partitions: t-0",
        ),
    ];
    for (json, exception) in cases {
        let (output, cluster) = run(&format!(
            "kafka-topics.sh --create --topic t\nkafka-delete-records.sh --bootstrap-server localhost:9092 --offset-json-file /dev/stdin <<EOF\n{json}\nEOF\n"
        ));
        assert!(output.failed, "{json}");
        assert_eq!(output.stdout(), "Created topic t.\n", "{json}");
        assert_eq!(
            output.stderr(),
            format!("Exception in thread \"main\" {exception}\n"),
            "{json}"
        );
        assert_eq!(log(&cluster, "t", 0).log_start_offset(), 0);
    }
    let (output, _) = run("kafka-delete-records.sh --bootstrap-server localhost:9092 --offset-json-file offsets.json\n");
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" java.nio.file.NoSuchFileException: offsets.json\n"
    );
    let (output, _) = run("kafka-delete-records.sh --bootstrap-server localhost:9092\n");
    assert_eq!(
        output.stderr(),
        "Missing required argument \"[offset-json-file]\"\n"
    );
}

#[test]
fn log_dirs_describe_prints_kafkas_json() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic a --partitions 2\nkafka-topics.sh --create --topic b\n",
    );
    support::produce_n(&mut cluster, "b", 3, false);
    let size = log(&cluster, "b", 0).size_in_bytes();
    let output = run_ok(
        &mut cluster,
        "kafka-log-dirs.sh --bootstrap-server localhost:9092 --describe\n",
    );
    // Jackson writes LogDirsCommand's HashMaps in their order; partitions in TopicPartition
    // hash order (a-1: 1089 → bucket 1; a-0: 1058 → 2; b-0: 1059 → 3).
    assert_eq!(
        output.stdout(),
        format!(
            "Querying brokers for log directories information\n\
             Received log directory information from brokers 1\n\
             {{\"brokers\":[{{\"broker\":1,\"logDirs\":[{{\"partitions\":[\
             {{\"partition\":\"a-1\",\"size\":0,\"offsetLag\":0,\"isFuture\":false}},\
             {{\"partition\":\"a-0\",\"size\":0,\"offsetLag\":0,\"isFuture\":false}},\
             {{\"partition\":\"b-0\",\"size\":{size},\"offsetLag\":0,\"isFuture\":false}}],\
             \"error\":null,\"logDir\":\"/tmp/kraft-combined-logs/broker-1\"}}]}}],\"version\":1}}\n"
        )
    );
    let output = run_ok(
        &mut cluster,
        "kafka-log-dirs.sh --bootstrap-server localhost:9092 --describe --topic-list b --broker-list 1\n",
    );
    assert!(output.stdout().contains(&format!(
        "\"partitions\":[{{\"partition\":\"b-0\",\"size\":{size},\"offsetLag\":0,\"isFuture\":false}}]"
    )));
    let output = run_script(
        &mut cluster,
        "kafka-log-dirs.sh --bootstrap-server localhost:9092 --describe --broker-list 1,4\nkafka-log-dirs.sh --bootstrap-server localhost:9092\n",
    );
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "ERROR: The given brokers do not exist from --broker-list: 4. Current existent brokers: 1\nMissing required argument \"[describe]\"\n"
    );
    assert_eq!(output.stdout(), "");
}

#[test]
fn log_dirs_size_drops_when_retention_deletes() {
    let mut cluster = topic_with("--config retention.ms=1000", &["a", "b"]);
    let size = |cluster: &mut Cluster| {
        let output = run_ok(cluster, "kafka-log-dirs.sh --describe --topic-list t\n");
        let json = output
            .stdout()
            .lines()
            .nth(2)
            .expect("the JSON line")
            .to_string();
        let start = json.find("\"size\":").expect("a size") + 7;
        json[start..]
            .split(',')
            .next()
            .expect("digits")
            .parse::<i64>()
            .expect("a number")
    };
    assert!(size(&mut cluster) > 0);
    run_ok(&mut cluster, "time advance 30s\n");
    assert_eq!(size(&mut cluster), 0);
}

#[test]
fn the_log_start_offset_checkpoint_is_written_every_60_s_from_30_s() {
    let mut cluster = support::cluster();
    run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    support::produce_n(&mut cluster, "t", 3, false);
    run_ok(&mut cluster, DELETE_TO_1);
    let checkpoint = |cluster: &Cluster| {
        cluster
            .broker(1)
            .and_then(|b| b.store.contents("log-start-offset-checkpoint"))
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    };
    run_ok(&mut cluster, "time advance 29s\n");
    assert_eq!(checkpoint(&cluster), None);
    run_ok(&mut cluster, "time advance 1s\n");
    // OffsetCheckpointFile: version 0, one entry, `topic partition offset`.
    assert_eq!(checkpoint(&cluster).as_deref(), Some("0\n1\nt 0 1\n"));
    run_ok(
        &mut cluster,
        &DELETE_TO_1.replace("\"offset\": 1", "\"offset\": 2"),
    );
    run_ok(&mut cluster, "time advance 59s\n");
    assert_eq!(checkpoint(&cluster).as_deref(), Some("0\n1\nt 0 1\n"));
    run_ok(&mut cluster, "time advance 1s\n");
    assert_eq!(checkpoint(&cluster).as_deref(), Some("0\n1\nt 0 2\n"));
}

// ---- with kplay --data-dir: the files on disk, and a second run that continues ----

#[test]
fn a_data_dir_keeps_the_log_start_offset_and_drops_leftover_deleted_files() {
    let dir = support::TempDir::new("retention");
    let first = support::kplay(
        &["--brokers", "1", "--data-dir", dir.arg()],
        &format!(
            "kafka-topics.sh --create --topic t --config segment.bytes=100 --config retention.ms=60000\n\
             kafka-console-producer.sh --topic t <<EOF\na\nEOF\n\
             kafka-console-producer.sh --topic t <<EOF\nb\nEOF\n\
             time advance 2m\n\
             kafka-console-producer.sh --topic t <<EOF\nc\nd\nEOF\n\
             {DELETE_TO_1}"
        )
        .replace("\"offset\": 1", "\"offset\": 3"),
    );
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    // Retention at 30 s kept both (not yet 60 s old); the records are deleted by the next check
    // only. The delete-records moved the start into the segment holding c and d.
    let checkpoint = std::fs::read_to_string(dir.join("broker-1/log-start-offset-checkpoint"))
        .expect("the checkpoint");
    assert_eq!(checkpoint, "0\n1\nt 0 3\n");
    let second = support::kplay(
        &["--brokers", "1", "--data-dir", dir.arg()],
        "kafka-get-offsets.sh --topic t --time -2\n\
         kafka-console-consumer.sh --topic t --from-beginning --property print.offset=true\n\
         time advance 30s\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "t:0:3\nOffset:3\td\n"
    );
    // The first check of the second run (30 s after its start) deleted segments 0 and 1 by
    // time; their `.deleted` files went to disk with the clean exit.
    let names = |dir: &support::TempDir| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("broker-1/t-0"))
            .expect("the partition dir")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    };
    let deleted: Vec<String> = names(&dir)
        .into_iter()
        .filter(|n| n.ends_with(".deleted"))
        .collect();
    assert_eq!(deleted.len(), 6, "{deleted:?}");
    // A third run removes them at start-up, as LogLoader does.
    let third = support::kplay(
        &["--brokers", "1", "--data-dir", dir.arg()],
        "kafka-get-offsets.sh --topic t --time -2\n",
    );
    assert_eq!(String::from_utf8_lossy(&third.stdout), "t:0:3\n");
    assert!(
        names(&dir).iter().all(|n| !n.ends_with(".deleted")),
        "{:?}",
        names(&dir)
    );
}
