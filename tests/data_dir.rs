//! `kplay --data-dir DIR`: a run continues the cluster a previous run left in DIR (../shared/DESIGN.md,
//! "Files"), with Kafka's log dir layout in `DIR/broker-N` (`LogManager`, `LogLoader`,
//! `MetaProperties`, `CheckpointFile`) and the cluster's metadata in one file. Through the built
//! binary, and through the library for what the console tools cannot show.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::persist::{PersistError, METADATA_FILE};
use kafka_playground::engine::record::RecordBatchBuilder;
use kafka_playground::engine::{Cluster, ClusterOptions};
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kplay-data-dir-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }

    fn join(&self, path: &str) -> PathBuf {
        self.0.join(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

use support::data_dir::{save, stores};
use support::kplay;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs kplay with one broker on `dir` and expects exit status 0 (these tests are about one
/// broker's log dir; a later run without `--brokers` keeps the saved count).
fn run_ok(dir: &TempDir, script: &str) -> Output {
    let output = kplay(&["--brokers", "1", "--data-dir", dir.arg()], script);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{}stderr:\n{}",
        stdout(&output),
        stderr(&output)
    );
    output
}

fn produce(topic: &str, lines: &[&str]) -> String {
    format!(
        "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic {topic} <<EOF\n{}\nEOF\n",
        lines.join("\n")
    )
}

const CONSUME: &str = "kafka-console-consumer.sh --topic t --from-beginning --property print.timestamp=true --property print.offset=true\n";
const START: i64 = 1_735_689_600_000;
const HOUR: i64 = 3_600_000;

#[test]
fn a_second_run_continues_with_topics_configs_records_and_clock() {
    // retention.ms (2 h) is longer than the hour that passes, so retention keeps every record.
    let dir = TempDir::new("continue");
    let describe = "kafka-topics.sh --describe --topic t\n";
    let first = run_ok(
        &dir,
        &format!(
            "kafka-topics.sh --create --topic t --config retention.ms=7200000\n{}time advance 1h\n{describe}",
            produce("t", &["a", "b"])
        ),
    );
    let described = stdout(&first).replacen("Created topic t.\n", "", 1);
    assert!(
        described.contains("\tConfigs: retention.ms=7200000\n"),
        "{described}"
    );
    let second = run_ok(
        &dir,
        &format!("{describe}{}{CONSUME}", produce("t", &["c"])),
    );
    // The same topic, id, assignment, leader and configs; the clock resumed at 01:00.
    assert_eq!(
        stdout(&second),
        format!(
            "{described}CreateTime:{START}\tOffset:0\ta\nCreateTime:{START}\tOffset:1\tb\nCreateTime:{}\tOffset:2\tc\n",
            START + HOUR
        )
    );
    let metadata = std::fs::read_to_string(dir.join(METADATA_FILE)).expect("metadata");
    assert!(
        metadata.contains(&format!(" nowMs={} ", START + HOUR)),
        "{metadata}"
    );
    let third = run_ok(&dir, "time advance 30m\nkafka-get-offsets.sh --topic t\n");
    assert_eq!(stdout(&third), "t:0:3\n");
    let metadata = std::fs::read_to_string(dir.join(METADATA_FILE)).expect("metadata");
    assert!(metadata.contains(&format!(" nowMs={} ", START + HOUR + HOUR / 2)));
}

#[test]
fn topic_and_broker_configs_survive_a_restart() {
    let dir = TempDir::new("configs");
    let alter = "kafka-configs.sh --bootstrap-server localhost:9092 --alter";
    let describe = "kafka-configs.sh --bootstrap-server localhost:9092 --describe";
    let describe_all = format!(
        "{describe} --entity-type brokers --entity-default
\
         {describe} --entity-type brokers --entity-name 1
\
         {describe} --entity-type topics --entity-name t
"
    );
    let first = run_ok(
        &dir,
        &format!(
            "kafka-topics.sh --create --topic t
\
             {alter} --entity-type brokers --entity-default --add-config log.retention.ms=60000
\
             {alter} --entity-type brokers --entity-name 1 --add-config log.cleaner.threads=2
\
             {alter} --entity-type topics --entity-name t --add-config 'retention.ms=5000,cleanup.policy=compact'
\
             {describe_all}"
        ),
    );
    let second = run_ok(&dir, &describe_all);
    let first = stdout(&first);
    let described = first.split_once("for topic t.\n").expect("altered").1;
    assert!(described.contains("log.cleaner.threads=2"), "{described}");
    assert!(described.contains("cleanup.policy=compact"), "{described}");
    assert_eq!(stdout(&second), described);
}

#[test]
fn a_script_split_over_two_runs_draws_the_same_ids_as_one_run() {
    let (first, second) = (
        "kafka-topics.sh --create --topic a --partitions 2\ntime advance 1h\n",
        "kafka-topics.sh --create --topic b\nkafka-topics.sh --describe\n",
    );
    let whole = kplay(&["--seed", "42"], &format!("{first}{second}"));
    let dir = TempDir::new("split");
    kplay(&["--seed", "42", "--data-dir", dir.arg()], first);
    let split = kplay(&["--data-dir", dir.arg()], second);
    assert_eq!(
        stdout(&split),
        stdout(&whole).replacen("Created topic a.\n", "", 1)
    );
    assert_eq!(stderr(&split), "");
}

fn listing(path: PathBuf) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .expect("a directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn the_log_dir_has_kafkas_layout_and_files() {
    let dir = TempDir::new("layout");
    run_ok(
        &dir,
        &format!(
            "kafka-topics.sh --create --topic t\n{}",
            produce("t", &["x"])
        ),
    );
    assert_eq!(listing(dir.0.clone()), ["broker-1", METADATA_FILE]);
    assert_eq!(
        listing(dir.join("broker-1")),
        [
            ".kafka_cleanshutdown",
            "__cluster_metadata-0",
            "cleaner-offset-checkpoint",
            "log-start-offset-checkpoint",
            "meta.properties",
            "recovery-point-offset-checkpoint",
            "replication-offset-checkpoint",
            "t-0"
        ]
    );
    assert_eq!(
        listing(dir.join("broker-1/t-0")),
        [
            "00000000000000000000.index",
            "00000000000000000000.log",
            "00000000000000000000.timeindex",
            "leader-epoch-checkpoint",
            "partition.metadata"
        ]
    );
    // The KRaft metadata log lives in the (first) log dir of a combined node, beside the
    // partitions, but is not one of them: no partition.metadata, no checkpoints list it.
    assert_eq!(
        listing(dir.join("broker-1/__cluster_metadata-0")),
        [
            "00000000000000000000.index",
            "00000000000000000000.log",
            "00000000000000000000.timeindex",
            "leader-epoch-checkpoint",
            "quorum-state"
        ]
    );
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).expect(path);
    let meta = read("broker-1/meta.properties");
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!(
        lines[..3],
        ["#", "#Wed Jan 01 00:00:00 UTC 2025", "node.id=1"]
    );
    assert!(lines[3].starts_with("directory.id=") && lines[3].len() == 35);
    assert_eq!(lines[4], "version=1");
    assert!(read(METADATA_FILE).contains(&format!("clusterId={} ", &lines[5][11..])));
    assert_eq!(
        read("broker-1/recovery-point-offset-checkpoint"),
        "0\n1\nt 0 1\n"
    );
    assert_eq!(
        read("broker-1/replication-offset-checkpoint"),
        "0\n1\nt 0 1\n"
    );
    assert_eq!(read("broker-1/log-start-offset-checkpoint"), "0\n0\n");
    assert_eq!(read("broker-1/cleaner-offset-checkpoint"), "");
    assert_eq!(read("broker-1/t-0/leader-epoch-checkpoint"), "0\n1\n0 0\n");
    // The active segment's final time-index entry, written on close: (timestamp, offset 0).
    let time_index = std::fs::read(dir.join("broker-1/t-0/00000000000000000000.timeindex"));
    let mut expected = START.to_be_bytes().to_vec();
    expected.extend_from_slice(&[0; 4]);
    assert_eq!(time_index.expect("a time index"), expected);
}

#[test]
fn corrupt_or_newer_metadata_is_a_clear_error() {
    let dir = TempDir::new("corrupt");
    run_ok(&dir, "kafka-topics.sh --create --topic t\n");
    let path = dir.join(METADATA_FILE);
    let good = std::fs::read_to_string(&path).expect("metadata");
    let cases = [
        (
            good.replace("nextProducerId=0", "nextProducerId=x"),
            "playground-metadata.properties line 6: ProducerIdsRecord nextProducerId: 'x' is not a number",
        ),
        (
            format!("{good}TopicRecord name=t topicId=AAAAAAAAAAAAAAAAAAAAAg\n"),
            "playground-metadata.properties line 7: TopicRecord: since version 3 the controller's tables are in the KRaft metadata log (__cluster_metadata-0), not in this file",
        ),
        (
            good.replace("version=3", "version=7"),
            "playground-metadata.properties has version 7, from a newer Kafka Playground; this one reads version 3 and older",
        ),
        (
            "\u{0}\u{1}binary".to_string(),
            "playground-metadata.properties does not start with a 'version=' line",
        ),
    ];
    for (text, message) in cases {
        std::fs::write(&path, text).expect("written");
        let output = kplay(&["--data-dir", dir.arg()], "kafka-topics.sh --list\n");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(
            err.starts_with(&format!(
                "kplay: cannot use --data-dir {}: {message}",
                dir.arg()
            )),
            "{err}"
        );
        assert!(!err.contains("panicked"));
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn log_dirs_of_another_cluster_shape_are_refused() {
    let dir = TempDir::new("brokers");
    std::fs::create_dir_all(dir.join("broker-2")).expect("made");
    let output = kplay(
        &["--brokers", "1", "--data-dir", dir.arg()],
        "kafka-topics.sh --list\n",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "kplay: cannot use --data-dir {}: the data dir holds log dirs of brokers 2, but --brokers is 1\n",
            dir.arg()
        )
    );
    std::fs::remove_dir(dir.join("broker-2")).expect("removed");
    std::fs::create_dir_all(dir.join("broker-4")).expect("made");
    let output = kplay(&["--data-dir", dir.arg()], "kafka-topics.sh --list\n");
    assert_eq!(
        stderr(&output),
        format!(
            "kplay: cannot use --data-dir {}: the data dir holds log dirs of brokers 4, but --brokers is 3\n",
            dir.arg()
        )
    );
    std::fs::remove_dir(dir.join("broker-4")).expect("removed");
    std::fs::create_dir_all(dir.join("broker-1")).expect("made");
    std::fs::write(dir.join("broker-1/meta.properties"), "version=1\n").expect("written");
    let output = kplay(&["--data-dir", dir.arg()], "kafka-topics.sh --list\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("holds log dirs but no playground-metadata.properties"));
}

#[test]
fn a_torn_log_tail_is_truncated_with_a_warning() {
    let dir = TempDir::new("torn");
    run_ok(
        &dir,
        &format!(
            "kafka-topics.sh --create --topic t\n{}{}",
            produce("t", &["one", "two"]),
            produce("t", &["three"])
        ),
    );
    let log = dir.join("broker-1/t-0/00000000000000000000.log");
    let len = std::fs::metadata(&log).expect("a log").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .expect("opened");
    file.set_len(len - 7).expect("torn");
    let output = run_ok(&dir, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(stdout(&output), "t:0:2\n");
    let err = stderr(&output);
    assert!(
        err.starts_with(&format!(
            "WARNING: Found a torn or invalid batch in log segment {}/broker-1/t-0/00000000000000000000.log at byte offset ",
            dir.arg()
        )),
        "{err}"
    );
    assert!(err.contains("batch at offset 2 is truncated"), "{err}");
    let whole = std::fs::metadata(&log).expect("a log").len();
    assert!(whole < len - 7, "the file ends with the last whole batch");
    let again = run_ok(&dir, &format!("{}{CONSUME}", produce("t", &["four"])));
    assert_eq!(stderr(&again), "Processed a total of 3 messages\n");
    assert!(stdout(&again).ends_with("\tOffset:2\tfour\n"));
}

fn append(cluster: &mut Cluster, values: &[&str]) -> (i64, i64) {
    let now = cluster.now().as_millis();
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    for value in values {
        let value = Some(value.as_bytes().to_vec());
        builder
            .append(now, None, value, Vec::new())
            .expect("a record");
    }
    let info = cluster
        .append_batch("t", 0, builder.build())
        .expect("appended");
    (info.first_offset, info.last_offset)
}

/// Every segment's state that survives a restart, as text.
fn segments(cluster: &Cluster) -> Vec<String> {
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    let mut shown = vec![format!(
        "start {} end {} hw {}",
        log.log_start_offset(),
        log.log_end_offset(),
        log.high_watermark()
    )];
    shown.extend(log.segments().map(|s| {
        format!(
            "{} size {} next {} records {} index {:?} time {:?} max {} at {} first {:?}",
            s.base_offset,
            s.size(),
            s.next_offset(),
            s.record_count(),
            s.offset_index().entries(),
            s.time_index().entries(),
            s.max_timestamp_so_far(),
            s.offset_of_max_timestamp_so_far(),
            s.rolling_based_timestamp()
        )
    }));
    shown
}

/// The library tests restore one broker's log dir.
fn one_broker() -> ClusterOptions {
    ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    }
}

fn cluster_with_records() -> Cluster {
    let mut cluster = Cluster::new(one_broker());
    let configs = [("segment.bytes", "300"), ("index.interval.bytes", "80")];
    let request = NewTopic {
        name: "t".to_string(),
        configs: configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..NewTopic::default()
    };
    cluster.create_topic(request).expect("created");
    for i in 0..10 {
        cluster.advance_time(1000);
        let value = format!("value-{i}");
        append(&mut cluster, &[&value, "x", "y"]);
    }
    cluster
}

#[test]
fn the_library_restores_segments_offsets_and_indexes() {
    let mut cluster = cluster_with_records();
    let (metadata, disks) = save(&mut cluster);
    let before = segments(&cluster);
    assert!(before.len() > 3, "the log rolled: {before:?}");
    assert!(
        before.iter().any(|s| s.contains("index [OffsetPosition")),
        "{before:#?}"
    );
    let options = one_broker();
    let restored = Cluster::restore(&options, &metadata, stores(&disks), None).expect("restored");
    assert_eq!(restored.warnings, Vec::<String>::new());
    let mut again = restored.cluster;
    assert_eq!(segments(&again), before);
    assert_eq!(again.now(), cluster.now());
    assert_eq!(again.cluster_id(), cluster.cluster_id());
    assert_eq!(
        again.topics().collect::<Vec<_>>(),
        cluster.topics().collect::<Vec<_>>()
    );
    assert_eq!(again.broker_configs(), cluster.broker_configs());
    let broker = again.broker(1).expect("broker 1");
    assert_eq!(broker.log_dir, "/tmp/kraft-combined-logs/broker-1");
    let read = |c: &Cluster| {
        let b = c.broker(1).expect("broker 1");
        b.log("t", 0)
            .expect("t-0")
            .read(&b.store, 0, i32::MAX, i64::MAX)
            .map(|f| f.bytes)
    };
    assert_eq!(read(&again), read(&cluster));
    // Both go on the same way: same offsets, same next producer id and generator.
    assert_eq!(append(&mut again, &["z"]), append(&mut cluster, &["z"]));
    assert_eq!(again.init_producer_id(), cluster.init_producer_id());
    assert_eq!(again.rng().next_u64(), cluster.rng().next_u64());
    // And both save the same state.
    let (metadata2, _) = save(&mut again);
    assert_eq!(metadata2, save(&mut cluster).0);
}

#[test]
fn the_library_refuses_log_dirs_that_do_not_match() {
    let mut cluster = cluster_with_records();
    let (metadata, disks) = save(&mut cluster);
    let three = ClusterOptions {
        brokers: 3,
        ..ClusterOptions::default()
    };
    let error = Cluster::restore(&three, &metadata, stores(&disks), None).expect_err("refused");
    assert_eq!(
        error,
        PersistError::BrokerCount {
            found: 1,
            expected: 3
        }
    );
    let options = one_broker();
    let mut other = stores(&disks);
    let store = other.get_mut(&1).expect("broker 1");
    store.replace(
        "t-0/partition.metadata",
        b"version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAg\n",
    );
    let error = Cluster::restore(&options, &metadata, other, Some("/d")).expect_err("refused");
    let id = cluster.topic("t").expect("t").id;
    assert_eq!(
        error.to_string(),
        format!("/d/broker-1/t-0/partition.metadata: Tried to assign topic ID {id} to log for topic partition t-0, but log already contained topic ID AAAAAAAAAAAAAAAAAAAAAg")
    );
    let foreign = Cluster::new(ClusterOptions {
        seed: 9,
        ..one_broker()
    });
    let error = Cluster::restore(&options, &foreign.to_metadata_file(), stores(&disks), None)
        .expect_err("refused");
    assert!(
        error.to_string().starts_with("/tmp/kraft-combined-logs/broker-1/meta.properties: Invalid cluster.id in: /tmp/kraft-combined-logs/broker-1. Expected "),
        "{error}"
    );
}

/// Without `--brokers`, a saved cluster keeps the brokers it has (kplay's default became 3 with
/// issue #5, and a data dir made with one broker must still open); a different count is refused.
#[test]
fn a_data_dir_keeps_its_broker_count() {
    let dir = TempDir::new("broker-count");
    run_ok(&dir, "kafka-topics.sh --create --topic t\n");
    let output = kplay(&["--data-dir", dir.arg()], "kafka-log-dirs.sh --describe\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("from brokers 1\n"),
        "{}",
        stdout(&output)
    );
    let output = kplay(
        &["--brokers", "3", "--data-dir", dir.arg()],
        "kafka-topics.sh --list\n",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "kplay: cannot use --data-dir {}: the data dir holds a cluster of 1 broker(s), but --brokers is 3\n",
            dir.arg()
        )
    );
}

/// A broker that was down when a run ended is down in the next run, and comes back only with
/// `broker start`. Restarting it with the others would be wrong twice over: a killed broker
/// lost its unflushed tail, and, still the partition's leader in the metadata (the controller
/// had not yet seen its session expire), it would make the ISR truncate to what it kept — the
/// acknowledged records gone. Left down, the controller fences it when its session expires and
/// elects a leader from the rest of the ISR; at `broker start` it recovers and registers as after
/// an unclean shutdown (KIP-966), as it would have without the restart.
#[test]
fn a_broker_down_when_a_run_ends_stays_down_and_loses_no_acknowledged_record() {
    let dir = TempDir::new("down");
    let run = |script: &str| {
        let output = kplay(&["--brokers", "3", "--data-dir", dir.arg()], script);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    let metadata = || std::fs::read_to_string(dir.join(METADATA_FILE)).expect("metadata");
    let offsets = "kafka-get-offsets.sh --topic orders\n";
    let describe = "kafka-topics.sh --describe --topic orders\n";
    let first = run(&format!(
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
         kafka-console-producer.sh --topic orders --property parse.key=true <<EOF\n\
         user-0\ta\nuser-0\tb\nuser-0\tc\nuser-1\td\nEOF\n\
         time advance 5s\n{offsets}broker kill 2\n"
    ));
    let acknowledged: String = first
        .lines()
        .filter(|l| l.starts_with("orders:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(acknowledged.lines().count(), 3, "{first}");
    assert!(metadata().contains("BrokerState nodeId=2 state=crashed\n"));

    let second = run(&format!("time advance 30s\n{describe}{offsets}"));
    assert!(
        second.contains("Isr: 3,1\t") && !second.contains("Leader: 2\t"),
        "fenced when its session expired, leaders from the rest of the ISR:\n{second}"
    );
    assert!(second.ends_with(&acknowledged), "{second}");
    assert!(metadata().contains("BrokerState nodeId=2 state=crashed\n"));

    let third = run(&format!(
        "broker start 2\ntime advance 30s\n{describe}{offsets}"
    ));
    assert!(third.contains("Broker 2 started."), "{third}");
    assert!(third.contains("Isr: 3,1,2\t"), "{third}");
    assert!(third.ends_with(&acknowledged), "{third}");
    assert!(!metadata().contains("BrokerState"));
}
