//! Log compaction (`cleanup.policy=compact`), checked against Kafka 4.1's cleaner:
//! `LogCleaner`/`Cleaner` (storage/.../internals/log/Cleaner.java), `LogCleanerManager`
//! (`cleanableOffsets`, `grabFilthiestCompactedLog`), `MemoryRecords.filterTo`, KIP-354
//! (`max.compaction.lag.ms`) and KIP-534 (the delete horizon). Cases follow Kafka's
//! `LogCleanerTest`, `LogCleanerManagerTest` and `LogCleanerIntegrationTest` where they apply.
#![cfg(not(target_arch = "wasm32"))]
mod support;

use kafka_playground::engine::event::EventKind;
use kafka_playground::engine::record::BatchHeader;
use kafka_playground::engine::Cluster;
use std::collections::BTreeMap;
use support::compaction::*;

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
    let (mut last_offset, mut gaps) = (-1, 0);
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
        gaps += usize::from(offset > last_offset + 1);
        last_offset = offset;
        seen.insert(key.to_string(), value.to_string());
    }
    assert_eq!(seen, finals, "{stdout}");
    assert!(
        gaps > 0,
        "removed records leave gaps in the offsets: {stdout}"
    );
    assert!(
        stdout.lines().count() < 48,
        "compaction removed records: {stdout}"
    );
}

/// `LogManager.asyncDelete` removes a deleted partition from `cleaner-offset-checkpoint`: a topic
/// created again under the same name is cleaned from its start, not from the old first dirty
/// offset.
#[test]
fn a_deleted_topic_leaves_the_cleaner_checkpoint() {
    let mut cluster = compacted(&[("segment.bytes", "200")]);
    updates(&mut cluster, 10);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    assert!(checkpoint(&cluster).contains_key(&("t".to_string(), 0)));
    cluster.delete_topic("t").expect("deleted");
    assert!(checkpoint(&cluster).is_empty());
    cluster
        .create_topic(kafka_playground::engine::cluster::NewTopic {
            name: "t".into(),
            configs: [("cleanup.policy", "compact"), ("segment.bytes", "200")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        })
        .expect("created again");
    updates(&mut cluster, 3);
    let status = cluster.cleaner_status(1, "t", 0).expect("compacted");
    assert_eq!(status.log.first_dirty_offset, 0);
}
