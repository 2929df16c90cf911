//! `UnifiedLog.deleteOldSegments` on one log: the predicates, the high-watermark bound, the roll
//! when every segment goes, and the `.deleted` renames (cf. Kafka's `UnifiedLogTest`
//! `testLogDeletionAfterDeleteRecords`, `testDeleteOldSegments`, `shouldDeleteSizeBasedSegments`).

use super::*;
use crate::engine::log::LogConfig;
use crate::engine::produce::summarize;
use crate::engine::record::RecordBatchBuilder;

const NOW: i64 = 1_735_689_600_000;
const HOUR: i64 = 3_600_000;

/// One record per batch and `segment.bytes` small enough that every batch gets its own segment.
fn config(retention_ms: i64, retention_bytes: i64) -> LogConfig {
    LogConfig {
        segment_bytes: 100,
        retention_ms,
        retention_bytes,
        ..LogConfig::default()
    }
}

fn append(log: &mut PartitionLog, store: &mut FileStore, timestamp: i64) -> i32 {
    let mut builder = RecordBatchBuilder::with_base_offset(log.log_end_offset());
    builder
        .append(timestamp, None, Some(b"value".to_vec()), Vec::new())
        .expect("a record fits");
    let batch = builder.build();
    let summary = summarize(&batch);
    log.append(store, &summary, &batch.encode(), 0, timestamp)
        .expect("appended");
    log.set_high_watermark(log.log_end_offset());
    summary.size_in_bytes
}

/// A log with one record per segment, at `NOW`, `NOW + 1h`, …: `count` segments, the last active.
fn log_of(count: i64, config: LogConfig) -> (PartitionLog, FileStore) {
    let mut store = FileStore::new();
    let mut log = PartitionLog::create(&mut store, "t", 0, config, 0, NOW);
    for i in 0..count {
        append(&mut log, &mut store, NOW + i * HOUR);
    }
    (log, store)
}

fn bases(log: &PartitionLog) -> Vec<i64> {
    log.segments().map(|s| s.base_offset).collect()
}

fn run(log: &mut PartitionLog, store: &mut FileStore, now: i64) -> Vec<SegmentDeletion> {
    log.delete_old_segments(store, now, &mut || 0)
}

#[test]
fn time_retention_is_strictly_older_than_retention_ms() {
    let (mut log, mut store) = log_of(4, config(2 * HOUR, -1));
    // now − largestTimestamp must be > retention.ms: segment 0 is exactly 2 h old at NOW + 2h.
    assert!(run(&mut log, &mut store, NOW + 2 * HOUR).is_empty());
    let done = run(&mut log, &mut store, NOW + 2 * HOUR + 1);
    assert_eq!(done.len(), 1);
    assert_eq!(
        done[0].reason,
        DeletionReason::RetentionMs {
            retention_ms: 2 * HOUR
        }
    );
    assert_eq!(bases(&log), vec![1, 2, 3]);
    assert_eq!(log.log_start_offset(), 1);
    assert_eq!(done[0].log_start_offset, Some((0, 1)));
    assert_eq!(
        done[0].deleted_files,
        vec![
            "t-0/00000000000000000000.log.deleted",
            "t-0/00000000000000000000.index.deleted",
            "t-0/00000000000000000000.timeindex.deleted",
        ]
    );
    assert!(store.exists("t-0/00000000000000000000.log.deleted"));
    assert!(!store.exists("t-0/00000000000000000000.log"));
}

#[test]
fn when_every_segment_is_deletable_a_fresh_active_segment_is_rolled_first() {
    let (mut log, mut store) = log_of(3, config(HOUR, -1));
    let done = run(&mut log, &mut store, NOW + 10 * HOUR);
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].rolled, Some((2, 3)));
    assert_eq!(
        done[0]
            .segments
            .iter()
            .map(|s| s.base_offset)
            .collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(bases(&log), vec![3]);
    assert!(log.active_segment().is_empty());
    assert_eq!((log.log_start_offset(), log.log_end_offset()), (3, 3));
    // The empty active segment is never deleted: a second check does nothing.
    assert!(run(&mut log, &mut store, NOW + 20 * HOUR).is_empty());
}

#[test]
fn never_a_segment_at_or_above_the_high_watermark() {
    let (mut log, mut store) = log_of(4, config(HOUR, -1));
    // Segment 1 holds offset 1, so its upper bound (2) is above a high watermark of 1.
    log.set_high_watermark(1);
    let done = run(&mut log, &mut store, NOW + 10 * HOUR);
    assert_eq!(done.len(), 1);
    assert_eq!(bases(&log), vec![1, 2, 3]);
    assert_eq!(log.log_start_offset(), 1);
    log.set_high_watermark(3);
    run(&mut log, &mut store, NOW + 10 * HOUR);
    assert_eq!(
        bases(&log),
        vec![3],
        "the active segment is above the high watermark"
    );
}

#[test]
fn size_retention_never_drops_below_retention_bytes() {
    let (log, _) = log_of(1, config(-1, -1));
    let batch = log.size_in_bytes();
    // Five segments of one batch each; keep at least 2.5 batches: three must stay.
    let (mut log, mut store) = log_of(5, config(-1, batch * 5 / 2));
    let done = run(&mut log, &mut store, NOW);
    assert_eq!(done.len(), 1);
    assert_eq!(bases(&log), vec![2, 3, 4]);
    assert!(log.size_in_bytes() >= batch * 5 / 2);
    // Exactly retention.bytes left over: diff − size ≥ 0 deletes down to it, not below.
    let (mut log, mut store) = log_of(5, config(-1, batch * 2));
    run(&mut log, &mut store, NOW);
    assert_eq!(log.size_in_bytes(), batch * 2);
    assert_eq!(bases(&log), vec![3, 4]);
    // A log smaller than retention.bytes is left alone.
    let (mut log, mut store) = log_of(2, config(-1, batch * 3));
    assert!(run(&mut log, &mut store, NOW).is_empty());
}

#[test]
fn compact_alone_never_deletes_by_time_or_size() {
    let mut config = config(1, 1);
    config.cleanup_policy.delete = false;
    config.cleanup_policy.compact = true;
    let (mut log, mut store) = log_of(4, config);
    assert!(run(&mut log, &mut store, NOW + 100 * HOUR).is_empty());
    assert_eq!(bases(&log), vec![0, 1, 2, 3]);
}

#[test]
fn log_start_offset_breach_deletes_whole_segments_below_it_for_any_policy() {
    let mut config = config(-1, -1);
    config.cleanup_policy.delete = false;
    let (mut log, mut store) = log_of(4, config);
    assert_eq!(log.maybe_increment_log_start_offset(2), Ok(true));
    assert_eq!(log.maybe_increment_log_start_offset(1), Ok(false));
    let done = run(&mut log, &mut store, NOW);
    assert_eq!(
        done[0].reason,
        DeletionReason::LogStartOffset {
            log_start_offset: 2
        }
    );
    assert_eq!(bases(&log), vec![2, 3]);
    assert_eq!(done[0].log_start_offset, None, "it had already moved");
    // A start inside a segment keeps that segment.
    log.maybe_increment_log_start_offset(3)
        .expect("below the HW");
    run(&mut log, &mut store, NOW);
    assert_eq!(bases(&log), vec![3]);
}

#[test]
fn log_start_offset_cannot_pass_the_high_watermark() {
    let (mut log, _) = log_of(3, config(-1, -1));
    log.set_high_watermark(2);
    let error = log.maybe_increment_log_start_offset(3).unwrap_err();
    assert_eq!(error.code, ErrorCode::OffsetOutOfRange);
    assert_eq!(
        error.message(),
        "Cannot increment the log start offset to 3 of partition t-0 since it is larger than the high watermark 2"
    );
    assert_eq!(log.log_start_offset(), 0);
}

#[test]
fn a_future_timestamp_keeps_its_segment_and_the_ones_after_it() {
    let (mut log, mut store) = log_of(1, config(HOUR, -1));
    append(&mut log, &mut store, NOW + 50 * HOUR);
    append(&mut log, &mut store, NOW + HOUR);
    run(&mut log, &mut store, NOW + 10 * HOUR);
    // Segment 1's timestamp is in the future: deletion stops there, segment 2 stays too.
    assert_eq!(bases(&log), vec![1, 2]);
}
