//! Loading a log back from the files its appends wrote: the same state, repairs reported.

use super::*;
use crate::engine::produce::summarize;
use crate::engine::record::RecordBatchBuilder;

const NOW: i64 = 1_735_689_600_000;
const DIR: &str = "/data/broker-1";

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 400,
        index_interval_bytes: 100,
        ..LogConfig::default()
    }
}

/// Appends one batch with a record per timestamp.
fn append(log: &mut PartitionLog, store: &mut FileStore, timestamps: &[i64]) {
    let mut builder = RecordBatchBuilder::with_base_offset(log.log_end_offset());
    for &timestamp in timestamps {
        builder
            .append(timestamp, None, Some(b"value".to_vec()), Vec::new())
            .expect("a record fits");
    }
    let batch = builder.build();
    log.append(store, &summarize(&batch), &batch.encode(), 0, NOW)
        .expect("appended");
}

/// A log of 12 batches over several segments, closed as on a clean shutdown.
fn written_log() -> (PartitionLog, FileStore) {
    let mut store = FileStore::new();
    let mut log = PartitionLog::create(&mut store, "t", 0, config(), 0, NOW);
    for i in 0..12 {
        // The largest timestamp is the first record's, so its offset is not the batch's last.
        append(&mut log, &mut store, &[NOW + 10 * i + 5, NOW + 10 * i]);
    }
    log.set_high_watermark(20);
    log.close(&mut store);
    (log, store)
}

fn load(store: &mut FileStore, warnings: &mut Vec<String>) -> PartitionLog {
    let request = LoadRequest {
        log_dir: DIR,
        topic: "t",
        partition: 0,
        config: config(),
        log_start_offset: None,
        high_watermark: Some(20),
        now: NOW + 1000,
        had_clean_shutdown: true,
        recovery_point: 0,
    };
    PartitionLog::load(store, request, &mut || 0, warnings)
}

/// What a segment shows of itself, everything but what Kafka resets on open.
fn shown(log: &PartitionLog) -> Vec<String> {
    log.segments()
        .map(|s| {
            format!(
                "{} {} {} {} {:?} {:?} {} {} {:?}",
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
        })
        .collect()
}

#[test]
fn a_clean_log_loads_as_it_was_written() {
    let (log, mut store) = written_log();
    assert!(log.segments().count() > 2, "the log rolled");
    assert!(log
        .segments()
        .any(|s| !s.offset_index().entries().is_empty()));
    let before = store.clone();
    let mut warnings = Vec::new();
    let loaded = load(&mut store, &mut warnings);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(store, before, "a clean load changes no file");
    assert_eq!(shown(&loaded), shown(&log));
    assert_eq!(loaded.log_end_offset(), 24);
    assert_eq!(loaded.high_watermark(), 20);
    assert_eq!(loaded.log_start_offset(), 0);
    let read = |l: &PartitionLog, s: &FileStore| l.read(s, 0, i32::MAX, 24).map(|f| f.bytes);
    assert_eq!(read(&loaded, &store), read(&log, &before));
}

#[test]
fn a_torn_tail_is_truncated_and_reported() {
    let (log, mut store) = written_log();
    let active = log.active_segment().log_path();
    let len = store.len(&active).expect("the active segment has a file");
    store.truncate(&active, len - 10);
    let mut warnings = Vec::new();
    let loaded = load(&mut store, &mut warnings);
    assert_eq!(loaded.log_end_offset(), 22, "the torn batch is gone");
    let size = u64::try_from(loaded.active_segment().size()).expect("a size");
    assert_eq!(store.len(&active), Some(size));
    assert!(
        warnings[0].starts_with(&format!(
            "WARNING: Found a torn or invalid batch in log segment {DIR}/{active} at byte offset {size}: batch at offset 22 is truncated"
        )),
        "{warnings:?}"
    );
    assert_eq!(loaded.high_watermark(), 20);
}

#[test]
fn garbage_and_overlaps_never_panic() {
    let (log, store) = written_log();
    let path = log.active_segment().log_path();
    let bytes = store.contents(&path).expect("bytes").to_vec();
    for cut in 0..bytes.len() {
        let mut store = store.clone();
        let mut broken = bytes.clone();
        broken[cut] ^= 0xFF;
        store.replace(&path, &broken);
        let loaded = load(&mut store, &mut Vec::new());
        let size = u64::try_from(loaded.active_segment().size()).expect("a size");
        assert_eq!(
            store.len(&path),
            Some(size),
            "the file ends with the last batch"
        );
    }
}

#[test]
fn bad_or_missing_indexes_are_rebuilt() {
    let (log, mut store) = written_log();
    let segment = log.segments().next().expect("a first segment");
    store.replace(&segment.index_path(), &[0; 7]);
    store.delete(&segment.time_index_path());
    let mut warnings = Vec::new();
    let request = LoadRequest {
        log_dir: DIR,
        topic: "t",
        partition: 0,
        config: config(),
        log_start_offset: None,
        high_watermark: Some(20),
        now: NOW + 1000,
        had_clean_shutdown: true,
        recovery_point: 0,
    };
    let (loaded, report) =
        PartitionLog::load_recovering(&mut store, request, &mut || 0, &mut warnings);
    assert_eq!(warnings, Vec::<String>::new());
    // LogLoader.loadSegmentFiles: a CorruptIndexException recovers the segment.
    assert_eq!(report.indexes_rebuilt, [0]);
    assert!(
        report.lines[0].message.contains(&format!(
            "Found a corrupted index file corresponding to log file {DIR}/t-0/00000000000000000000.log due to offset index: "
        )),
        "{:?}",
        report.lines
    );
    let first = loaded.segments().next().expect("a first segment");
    assert_eq!(first.offset_index(), segment.offset_index());
    // LogSegment.recover and (since Kafka 4.0) LogSegment.append both index the batch's last
    // offset: the rebuilt time index is the one written.
    assert_eq!(first.time_index(), segment.time_index());
    assert_eq!(
        store.contents(&segment.index_path()),
        Some(segment.offset_index().to_bytes().as_slice())
    );
}

#[test]
fn orphans_are_deleted_and_a_missing_dir_starts_empty() {
    let (_, mut store) = written_log();
    let orphan = "t-0/00000000000000000999.timeindex";
    store.append(orphan, &[0; 12]);
    let mut warnings = Vec::new();
    load(&mut store, &mut warnings);
    assert!(!store.exists(orphan));
    assert_eq!(
        warnings,
        [format!(
            "WARNING: Found an orphaned index file {DIR}/{orphan}, with no corresponding log file; deleted it."
        )]
    );
    let mut empty = FileStore::new();
    let mut warnings = Vec::new();
    let loaded = load(&mut empty, &mut warnings);
    assert_eq!(loaded.log_end_offset(), 0);
    assert!(empty.exists("t-0/00000000000000000000.log"));
    assert!(warnings[0].contains("t-0 is missing"), "{warnings:?}");
}
