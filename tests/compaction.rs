//! Log compaction (`cleanup.policy=compact`), checked against Kafka 4.1's cleaner:
//! `LogCleaner`/`Cleaner` (storage/.../internals/log/Cleaner.java), `LogCleanerManager`
//! (`cleanableOffsets`, `grabFilthiestCompactedLog`), `MemoryRecords.filterTo`, KIP-354
//! (`max.compaction.lag.ms`) and KIP-534 (the delete horizon). Cases follow Kafka's
//! `LogCleanerTest`, `LogCleanerManagerTest` and `LogCleanerIntegrationTest` where they apply.
#![cfg(not(target_arch = "wasm32"))]

#[path = "python/runner.rs"]
mod python;
mod support;

use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::event::EventKind;
use kafka_playground::engine::log::checkpoint::{parse_offsets, CLEANER_OFFSET_CHECKPOINT};
use kafka_playground::engine::record::{BatchHeader, RecordBatch, RecordBatchBuilder};
use kafka_playground::engine::Cluster;
use std::collections::BTreeMap;

const SECOND: i64 = 1_000;
/// `log.cleaner.backoff.ms`: the cleaner's first wake is one back-off after start-up.
const BACKOFF: i64 = 15 * SECOND;

/// A compacted topic `t` (one partition) with `configs` on top of `cleanup.policy=compact`.
fn compacted(configs: &[(&str, &str)]) -> Cluster {
    let mut cluster = support::cluster();
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    all.insert("cleanup.policy".into(), "compact".into());
    for (k, v) in configs {
        all.insert((*k).into(), (*v).into());
    }
    cluster
        .create_topic(NewTopic {
            name: "t".into(),
            configs: all,
            ..NewTopic::default()
        })
        .expect("topic created");
    cluster
}

/// Appends one batch of `(key, value)` records (value `None` is a tombstone), stamped now, as a
/// non-idempotent producer sends it.
fn append(cluster: &mut Cluster, records: &[(&str, Option<&str>)]) {
    let now = cluster.now().as_millis();
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    for (key, value) in records {
        builder
            .append(
                now,
                Some(key.as_bytes().to_vec()),
                value.map(|v| v.as_bytes().to_vec()),
                vec![],
            )
            .expect("record");
    }
    cluster
        .append_batch("t", 0, builder.build())
        .expect("append");
}

/// Every segment's batches, by base offset, read from the broker's files.
fn segments(cluster: &Cluster) -> Vec<(i64, Vec<RecordBatch>)> {
    let broker = cluster.broker(1).expect("broker 1");
    support::log(cluster, "t", 0)
        .segments()
        .map(|s| {
            let bytes = broker.store.contents(&s.log_path()).expect("segment file");
            (
                s.base_offset,
                RecordBatch::decode_all(bytes).expect("valid batches"),
            )
        })
        .collect()
}

/// (offset, key, value) of every record in the log, in order.
fn records(cluster: &Cluster) -> Vec<(i64, String, Option<String>)> {
    let text = |b: &Option<Vec<u8>>| b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned());
    segments(cluster)
        .into_iter()
        .flat_map(|(_, batches)| batches)
        .flat_map(|b| b.into_records())
        .map(|r| (r.offset, text(&r.key).unwrap_or_default(), text(&r.value)))
        .collect()
}

fn cleaned_events(cluster: &mut Cluster) -> Vec<EventKind> {
    cluster
        .drain_events()
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| matches!(k, EventKind::LogCleaned { .. }))
        .collect()
}

fn checkpoint(cluster: &Cluster) -> BTreeMap<(String, i32), i64> {
    let store = &cluster.broker(1).expect("broker").store;
    let bytes = store
        .contents(CLEANER_OFFSET_CHECKPOINT)
        .expect("the cleaner wrote its checkpoint");
    parse_offsets(CLEANER_OFFSET_CHECKPOINT, bytes).expect("a valid checkpoint")
}

/// Ten rounds of updates of keys k0..k4, one record per batch, so segments of 200 bytes roll
/// every two or three batches; then one more batch to leave a fresh active segment.
fn updates(cluster: &mut Cluster, rounds: usize) {
    for round in 0..rounds {
        for k in 0..5 {
            let value = format!("v{round}");
            append(cluster, &[(&format!("k{k}"), Some(&value))]);
        }
    }
}

/// LogCleanerTest.testCleanSegments / LogCleanerIntegrationTest: after a clean, every key below
/// the clean point appears once, with its latest value; offsets keep their order, with gaps.
#[test]
fn updates_are_compacted_to_the_latest_value_per_key() {
    let mut cluster = compacted(&[("segment.bytes", "200")]);
    updates(&mut cluster, 10);
    let before = records(&cluster);
    let log_end = support::log(&cluster, "t", 0).log_end_offset();
    let active_base = support::log(&cluster, "t", 0).active_segment().base_offset;
    assert!(support::segment_bases(support::log(&cluster, "t", 0)).len() > 10);

    cluster.advance_time(BACKOFF - 1);
    assert!(
        cleaned_events(&mut cluster).is_empty(),
        "not before the first wake"
    );
    cluster.advance_time(1);
    let events = cleaned_events(&mut cluster);
    let [EventKind::LogCleaned {
        first_dirty_offset,
        end_offset,
        bytes_before,
        bytes_after,
        records_removed,
        ..
    }] = events.as_slice()
    else {
        panic!("one clean: {events:?}");
    };
    assert_eq!((*first_dirty_offset, *end_offset), (0, active_base));
    assert!(
        bytes_after < bytes_before,
        "{bytes_before} -> {bytes_after}"
    );

    let after = records(&cluster);
    assert_eq!(after.len(), before.len() - *records_removed as usize);
    let offsets: Vec<i64> = after.iter().map(|r| r.0).collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
    let cleaned: Vec<_> = after.iter().filter(|r| r.0 < active_base).collect();
    let mut keys: Vec<&str> = cleaned.iter().map(|r| r.1.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(
        keys.len(),
        cleaned.len(),
        "each key at most once: {cleaned:?}"
    );
    // The latest value of every key survives, at its original offset.
    for key in ["k0", "k1", "k2", "k3", "k4"] {
        let last = before.iter().rev().find(|r| r.1 == key).expect("key");
        assert!(after.contains(last), "{last:?} kept");
    }
    let log = support::log(&cluster, "t", 0);
    assert_eq!(log.log_end_offset(), log_end, "the log end never moves");
    assert_eq!(
        checkpoint(&cluster).get(&("t".to_string(), 0)),
        Some(&active_base),
        "cleaner-offset-checkpoint holds the first dirty offset"
    );
}

/// The active segment is never cleaned (`cleanableOffsets`: "the active segment is always
/// uncleanable"): its bytes are untouched, duplicates in it stay.
#[test]
fn the_active_segment_is_untouched() {
    let mut cluster = compacted(&[("segment.bytes", "400")]);
    updates(&mut cluster, 4);
    let active = support::log(&cluster, "t", 0).active_segment().log_path();
    let store = |c: &Cluster| {
        c.broker(1)
            .expect("broker")
            .store
            .contents(&active)
            .expect("active segment")
            .to_vec()
    };
    let before = store(&cluster);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    assert_eq!(store(&cluster), before);
    let log = support::log(&cluster, "t", 0);
    assert_eq!(log.active_segment().log_path(), active);
}

/// LogCleanerTest.testSegmentGrouping: segments are merged into groups no larger than
/// `segment.bytes`, each named after its first segment's base offset. Full segments cannot
/// merge; the segments a first clean shrank merge on the next clean.
#[test]
fn small_segments_merge_into_groups() {
    let mut cluster = compacted(&[("segment.bytes", "200")]);
    updates(&mut cluster, 10);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    updates(&mut cluster, 10);
    let bases_before = support::segment_bases(support::log(&cluster, "t", 0));
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let log = support::log(&cluster, "t", 0);
    let bases_after = support::segment_bases(log);
    assert!(
        bases_after.len() < bases_before.len(),
        "{bases_before:?} -> {bases_after:?}"
    );
    assert!(bases_after.iter().all(|b| bases_before.contains(b)));
    for segment in log.segments() {
        assert!(
            segment.size() <= 200,
            "segment {} is {}",
            segment.base_offset,
            segment.size()
        );
    }
    // No file is left over but the old segments' `.deleted` files, gone after file.delete.delay.ms.
    let listed = |c: &Cluster| c.broker(1).expect("broker").store.list("t-0");
    assert!(listed(&cluster).iter().any(|p| p.ends_with(".log.deleted")));
    assert!(!listed(&cluster)
        .iter()
        .any(|p| p.ends_with(".cleaned") || p.ends_with(".swap")));
    cluster.advance_time(60 * SECOND);
    assert!(
        !listed(&cluster).iter().any(|p| p.ends_with(".deleted")),
        "{:?}",
        listed(&cluster)
    );
    for base in &bases_after {
        for suffix in [".log", ".index", ".timeindex"] {
            let path = format!("t-0/{base:020}{suffix}");
            assert!(listed(&cluster).contains(&path), "{path}");
        }
    }
}

/// `grabFilthiestCompactedLog`: a log is cleaned only when its dirty ratio is above
/// `min.cleanable.dirty.ratio` (Kafka compares with `>`).
#[test]
fn below_the_dirty_ratio_nothing_is_cleaned() {
    let mut cluster = compacted(&[("segment.bytes", "200")]);
    updates(&mut cluster, 10);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    // A little more: the dirty head is now small next to the clean tail.
    append(&mut cluster, &[("k0", Some("late"))]);
    append(&mut cluster, &[("k1", Some("late"))]);
    append(&mut cluster, &[("k2", Some("late"))]);
    let status = cluster.cleaner_status(1, "t", 0).expect("compacted log");
    assert!(status.log.cleanable_bytes > 0);
    assert!(status.log.dirty_ratio_ppm() <= 500_000, "{status:?}");
    assert!(!status.cleanable);
    cluster.advance_time(10 * BACKOFF);
    assert!(cleaned_events(&mut cluster).is_empty());
    // Many more updates push the ratio past 0.5, and the next wake cleans.
    updates(&mut cluster, 10);
    let status = cluster.cleaner_status(1, "t", 0).expect("compacted log");
    assert!(status.log.dirty_ratio_ppm() > 500_000, "{status:?}");
    assert!(status.cleanable);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    assert!(cluster
        .cleaner_status(1, "t", 0)
        .is_some_and(|s| !s.cleanable));
}

/// LogCleanerManagerTest.testCleanableOffsetsForTime: segments whose largest timestamp is
/// within `min.compaction.lag.ms` of now are not cleaned yet.
#[test]
fn min_compaction_lag_holds_young_segments_back() {
    let mut cluster = compacted(&[
        ("segment.bytes", "200"),
        ("min.compaction.lag.ms", "3600000"),
    ]);
    updates(&mut cluster, 10);
    cluster.advance_time(30 * 60 * SECOND);
    assert!(
        cleaned_events(&mut cluster).is_empty(),
        "younger than an hour"
    );
    let status = cluster.cleaner_status(1, "t", 0).expect("compacted");
    assert_eq!(status.log.first_uncleanable_offset, 0);
    cluster.advance_time(31 * 60 * SECOND);
    assert_eq!(
        cleaned_events(&mut cluster).len(),
        1,
        "an hour old: cleaned"
    );
}

/// KIP-354 (`maxCompactionDelay`): a dirty segment older than `max.compaction.lag.ms` is
/// cleaned even when the dirty ratio would never allow it.
#[test]
fn max_compaction_lag_forces_a_clean_below_the_ratio() {
    let mut cluster = compacted(&[
        ("segment.bytes", "200"),
        ("min.cleanable.dirty.ratio", "1"),
        ("max.compaction.lag.ms", "60000"),
    ]);
    updates(&mut cluster, 10);
    cluster.advance_time(BACKOFF);
    assert!(
        cleaned_events(&mut cluster).is_empty(),
        "ratio 1 is never exceeded"
    );
    let status = cluster.cleaner_status(1, "t", 0).expect("compacted");
    assert!(!status.log.need_compaction_now());
    cluster.advance_time(60 * SECOND);
    assert_eq!(
        cleaned_events(&mut cluster).len(),
        1,
        "past max.compaction.lag.ms"
    );
}

/// LogCleanerTest.testCleaningWithDeletes and KIP-534: the first clean keeps a tombstone and
/// stamps its batch with a delete horizon (clean time + `delete.retention.ms`, attribute bit 6,
/// in the base timestamp); a clean before the horizon keeps it; a clean after it drops it.
#[test]
fn tombstones_live_until_the_delete_horizon() {
    let mut cluster = compacted(&[("segment.bytes", "200"), ("delete.retention.ms", "100000")]);
    append(&mut cluster, &[("gone", Some("1"))]);
    updates(&mut cluster, 3);
    append(&mut cluster, &[("gone", None)]);
    updates(&mut cluster, 3);
    append(&mut cluster, &[("gone", None), ("k9", Some("x"))]);
    updates(&mut cluster, 1);
    let first_clean = cluster.now().as_millis() + BACKOFF;
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let horizon = first_clean + 100_000;
    let tombstone_batch = |c: &Cluster| {
        segments(c).into_iter().flat_map(|(_, b)| b).find(|b| {
            b.records()
                .iter()
                .any(|r| r.key.as_deref() == Some(b"gone") && r.value.is_none())
        })
    };
    let batch = tombstone_batch(&cluster).expect("the latest tombstone of `gone` is kept");
    assert_eq!(batch.delete_horizon_ms(), Some(horizon));
    assert_eq!(
        batch.base_timestamp(),
        horizon,
        "the horizon is the base timestamp"
    );
    assert_eq!(batch.attributes() & 0x40, 0x40, "DELETE_HORIZON_FLAG_MASK");
    let tombstones = records(&cluster)
        .into_iter()
        .filter(|r| r.1 == "gone")
        .count();
    assert_eq!(
        tombstones, 1,
        "the value and the superseded tombstone went at once"
    );
    // The record keeps its own timestamp: the delta is taken from the horizon.
    let header = BatchHeader::parse(&batch.encode()).expect("header");
    assert!(header.has_delete_horizon_ms);

    // Dirty again before the horizon: the tombstone stays.
    updates(&mut cluster, 6);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    assert!(cluster.now().as_millis() < horizon);
    assert!(tombstone_batch(&cluster).is_some());

    // Past the horizon, the next clean drops it (and keeps k9, written with it).
    cluster.advance_time(horizon - cluster.now().as_millis());
    updates(&mut cluster, 8);
    cluster.advance_time(BACKOFF);
    let events = cleaned_events(&mut cluster);
    let [EventKind::LogCleaned {
        tombstones_removed, ..
    }] = events.as_slice()
    else {
        panic!("one clean: {events:?}");
    };
    assert_eq!(*tombstones_removed, 1);
    assert!(tombstone_batch(&cluster).is_none());
    assert!(records(&cluster).iter().any(|r| r.1 == "k9"));
    assert!(!records(&cluster).iter().any(|r| r.1 == "gone"));
}

/// A consumer reading from offset 0 sees at least the final value of every key, offsets
/// increasing with gaps (the Kafka documentation's compaction guarantee).
#[test]
fn a_consumer_from_the_beginning_sees_every_final_value() {
    let mut cluster = compacted(&[]);
    support::run_ok(
        &mut cluster,
        "kafka-configs.sh --alter --entity-type topics --entity-name t --add-config segment.bytes=300",
    );
    let mut finals = BTreeMap::new();
    for run in 0..6 {
        let lines: String = (0..8)
            .map(|k| {
                finals.insert(format!("key{k}"), format!("value{run}-{k}"));
                format!("key{k}:value{run}-{k}\n")
            })
            .collect();
        support::run_ok(
            &mut cluster,
            &format!(
                "kafka-console-producer.sh --topic t --property parse.key=true \
                 --property key.separator=: <<EOF\n{lines}EOF\n"
            ),
        );
    }
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let out = support::run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --topic t --from-beginning --property print.key=true \
         --property print.offset=true",
    );
    let mut last_offset = -1;
    let mut seen = BTreeMap::new();
    let stdout = out.stdout();
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [offset, key, value] = fields.as_slice() else {
            panic!("{line}");
        };
        let offset: i64 = offset
            .trim_start_matches("Offset:")
            .parse()
            .expect("offset");
        assert!(offset > last_offset, "offsets increase: {stdout}");
        last_offset = offset;
        seen.insert(key.to_string(), value.to_string());
    }
    assert_eq!(seen, finals, "{stdout}");
    assert!(
        stdout.lines().count() < 48,
        "compaction removed records: {stdout}"
    );
}

/// Every cleaned segment decodes record for record in kafka-python (an independent decoder of
/// Kafka's v2 batches), including rebuilt batches with a delete horizon, offset gaps and the
/// empty batches the cleaner keeps for active producers.
#[test]
fn cleaned_segments_read_back_in_kafka_python() {
    let Some(()) = python::require_kafka_python("cleaned_segments_read_back_in_kafka_python")
    else {
        return;
    };
    let mut cluster = compacted(&[("segment.bytes", "300")]);
    for run in 0..5 {
        let lines: String = (0..6)
            .map(|k| match (run + k) % 4 {
                0 => format!("key{k}:NULL\n"),
                _ => format!("key{k}:value{run}\n"),
            })
            .collect();
        support::run_ok(
            &mut cluster,
            &format!(
                "kafka-console-producer.sh --topic t --property parse.key=true \
                 --property key.separator=: --property null.marker=NULL <<EOF\n{lines}EOF\n"
            ),
        );
    }
    updates(&mut cluster, 2);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let store = &cluster.broker(1).expect("broker").store;
    let dir = python::scratch_dir("compaction");
    let (mut horizons, mut gaps) = (0, 0);
    for segment in support::log(&cluster, "t", 0).segments() {
        let bytes = store.contents(&segment.log_path()).expect("segment");
        let batches = RecordBatch::decode_all(bytes).expect("our decoder");
        horizons += batches.iter().filter(|b| b.has_delete_horizon_ms()).count();
        gaps += batches
            .iter()
            .filter(|b| b.records().len() as i64 != i64::from(b.last_offset_delta()) + 1)
            .count();
        let bin = dir.join(format!("{:020}.bin", segment.base_offset));
        let json = dir.join(format!("{:020}.json", segment.base_offset));
        std::fs::write(&bin, bytes).expect("write segment");
        std::fs::write(&json, python::describe_all(&batches, &[])).expect("write expectation");
        python::run_script(
            "crosscheck_batches.py",
            &[
                "verify",
                bin.to_str().expect("utf-8"),
                json.to_str().expect("utf-8"),
            ],
        );
    }
    assert!(horizons > 0, "a batch with a delete horizon was checked");
    assert!(gaps > 0, "a batch with removed records was checked");
}

/// `kafka-dump-log.sh` on a cleaned segment: the delete horizon, the gaps and the tombstones
/// print as DumpLogSegments prints them.
#[test]
fn dump_log_shows_a_cleaned_segment() {
    let mut cluster = compacted(&[("segment.bytes", "200"), ("delete.retention.ms", "100000")]);
    append(
        &mut cluster,
        &[("a", Some("1")), ("b", Some("1")), ("a", None)],
    );
    append(&mut cluster, &[("b", Some("2"))]);
    append(&mut cluster, &[("c", Some("1"))]);
    append(&mut cluster, &[("d", Some("1"))]);
    let clean_time = cluster.now().as_millis() + BACKOFF;
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let out = support::run_ok(
        &mut cluster,
        "kafka-dump-log.sh --print-data-log --files \
         /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.log",
    );
    let stdout = out.stdout();
    let horizon = clean_time + 100_000;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Dumping /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.log"
    );
    assert!(
        lines[2].starts_with("baseOffset: 0 lastOffset: 2 count: 1 ")
            && lines[2].contains(&format!("deleteHorizonMs: OptionalLong[{horizon}]"))
            && lines[2].ends_with("isvalid: true"),
        "{stdout}"
    );
    assert!(
        lines[3].starts_with("| offset: 2 CreateTime: 1735689600000 keySize: 1 valueSize: -1 ")
            && lines[3].ends_with("key: a"),
        "{stdout}"
    );
    assert!(
        lines[4].starts_with("baseOffset: 3 lastOffset: 3 count: 1 ")
            && lines[4].contains("deleteHorizonMs: OptionalLong.empty"),
        "{stdout}"
    );
}

/// `MemoryRecords.filterTo` with `BatchRetention.RETAIN_EMPTY`: the last batch of a cleaning
/// round keeps its header even when every record in it is gone (here a keyless record, which a
/// compacted log drops as `CleanerStats.invalidMessage`), so the offsets it covered stay known.
#[test]
fn the_last_batch_of_a_round_is_kept_empty() {
    // Every batch is larger than a segment, so each rolls a segment of its own.
    let mut cluster = compacted(&[("segment.bytes", "60")]);
    append(&mut cluster, &[("a", Some("1")), ("b", Some("1"))]);
    let now = cluster.now().as_millis();
    let mut keyless = RecordBatchBuilder::with_base_offset(0);
    keyless
        .append(now, None, Some(b"no key".to_vec()), vec![])
        .expect("record");
    cluster
        .append_batch("t", 0, keyless.build())
        .expect("append");
    append(&mut cluster, &[("c", Some("1"))]);
    let active_base = support::log(&cluster, "t", 0).active_segment().base_offset;
    assert_eq!(
        active_base,
        3,
        "{:?}",
        support::segment_bases(support::log(&cluster, "t", 0))
    );
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let batches: Vec<RecordBatch> = segments(&cluster)
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    let empty = batches
        .iter()
        .find(|b| b.base_offset() == 2)
        .expect("the last batch of the round is kept");
    assert_eq!((empty.records().len(), empty.last_offset()), (0, 2));
    assert_eq!(empty.base_timestamp(), -1, "writeEmptyHeader: NO_TIMESTAMP");
    assert_eq!(empty.max_timestamp(), now, "the original max timestamp");
}

/// Idempotent producers' batches (the console producer's default): a batch that held a
/// producer's last sequence is kept, empty, while the producer is active (`Cleaner.cleanInto`:
/// "retain the batch that contains this offset since it also contains the last sequence number").
#[test]
fn an_active_producers_last_batch_is_kept_empty() {
    let mut cluster = compacted(&[("segment.bytes", "100")]);
    let produce = |cluster: &mut Cluster, line: &str| {
        support::run_ok(
            cluster,
            &format!(
                "kafka-console-producer.sh --topic t --property parse.key=true \
                 --property key.separator=: <<EOF\n{line}\nEOF\n"
            ),
        );
    };
    produce(&mut cluster, "k:1");
    produce(&mut cluster, "k:2");
    produce(&mut cluster, "other:1");
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let first = segments(&cluster)
        .into_iter()
        .flat_map(|(_, b)| b)
        .find(|b| b.base_offset() == 0)
        .expect("producer 0's only batch is kept");
    assert_eq!(first.records().len(), 0);
    assert_eq!((first.producer_id(), first.last_sequence()), (0, 0));
}

/// `kplay --data-dir`: the cleaner writes `cleaner-offset-checkpoint` into the log dir in
/// Kafka's `OffsetCheckpointFile` format, the swap leaves no `.cleaned`/`.swap` file, and a later
/// run continues from the checkpoint (nothing new to clean, so nothing changes).
#[test]
fn the_cleaner_checkpoint_survives_a_restart() {
    let dir = python::scratch_dir("compaction-data-dir");
    let data_dir = dir.to_str().expect("utf-8");
    let lines: String = (0..30).map(|i| format!("k{}:v{i}\n", i % 3)).collect();
    let first = support::kplay(
        &["--data-dir", data_dir],
        &format!(
            "kafka-topics.sh --create --topic t --config cleanup.policy=compact \
             --config segment.bytes=120\n\
             kafka-console-producer.sh --topic t --producer-property batch.size=80 \
             --property parse.key=true --property key.separator=: <<EOF\n{lines}EOF\n\
             time advance 15s\n"
        ),
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let checkpoint_path = dir.join("broker-1/cleaner-offset-checkpoint");
    let text = std::fs::read_to_string(&checkpoint_path).expect("checkpoint on disk");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(&lines[..2], ["0", "1"], "{text}");
    assert!(lines[2].starts_with("t 0 "), "{text}");
    let names: Vec<String> = std::fs::read_dir(dir.join("broker-1/t-0"))
        .expect("partition dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".cleaned") || n.ends_with(".swap")),
        "{names:?}"
    );
    let second = support::kplay(
        &["--data-dir", data_dir],
        "time advance 15s\n\
         kafka-console-consumer.sh --topic t --from-beginning --property print.key=true\n",
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let consumed = String::from_utf8_lossy(&second.stdout);
    for key in ["k0\tv27", "k1\tv28", "k2\tv29"] {
        assert!(consumed.contains(key), "{consumed}");
    }
    assert!(consumed.lines().count() < 30, "compacted: {consumed}");
    assert_eq!(
        std::fs::read_to_string(&checkpoint_path).expect("checkpoint"),
        text
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cleaned segments' `.index` and `.timeindex` are rebuilt as `LogSegment.append` builds them
/// (an entry after every `index.interval.bytes`, the time index at each batch's last offset), and
/// the files on "disk" say the same as the log in memory: loading the partition from its files
/// (`LogLoader`) gives the same segments and indexes.
#[test]
fn cleaned_indexes_are_rebuilt_and_match_the_files() {
    use kafka_playground::engine::log::load::LoadRequest;
    use kafka_playground::engine::log::PartitionLog;
    let mut cluster = compacted(&[("segment.bytes", "1000"), ("index.interval.bytes", "100")]);
    updates(&mut cluster, 20);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let log = support::log(&cluster, "t", 0).clone();
    let mut store = cluster.broker(1).expect("broker").store.clone();
    let mut indexed = 0;
    for segment in log.segments() {
        let bytes = store
            .contents(&segment.log_path())
            .expect("segment")
            .to_vec();
        for entry in segment.offset_index().entries() {
            let at = usize::try_from(entry.position).expect("position");
            let header = BatchHeader::parse(&bytes[at..]).expect("an entry points at a batch");
            assert_eq!(header.last_offset(), entry.offset);
            indexed += 1;
        }
    }
    assert!(indexed > 0, "the cleaned segments have index entries");
    let request = LoadRequest {
        log_dir: "/tmp/kraft-combined-logs/broker-1",
        topic: "t",
        partition: 0,
        config: log.config().clone(),
        log_start_offset: None,
        high_watermark: Some(log.high_watermark()),
        now: cluster.now().as_millis(),
    };
    let mut warnings = Vec::new();
    let loaded = PartitionLog::load(&mut store, request, &mut || 0, &mut warnings);
    assert!(warnings.is_empty(), "{warnings:?}");
    let summary = |l: &PartitionLog| -> Vec<_> {
        l.segments()
            .map(|s| {
                (
                    s.base_offset,
                    s.size(),
                    s.next_offset(),
                    s.offset_index().entries().to_vec(),
                    s.time_index().entries().to_vec(),
                )
            })
            .collect()
    };
    assert_eq!(summary(&loaded), summary(&log));
}
