//! Rebuilding a partition's log from its files, as Kafka's `LogLoader` does at startup.
//!
//! For each `<base offset>.log` in the partition directory (oldest first), the loader scans the
//! batch headers ([`BatchHeader::parse`], as `FileLogInputStream` reads only the header of each
//! batch) to find the segment's size, next offset, record count, largest timestamp and first
//! batch's timestamp (`LogSegment.loadFirstBatchTimestamp`). The `.index` and `.timeindex` are
//! used when they are present and agree with the batches; otherwise both are rebuilt as
//! `LogSegment.recover` rebuilds them. Index files without a `.log` are deleted, as `LogLoader`
//! deletes orphaned index files. The log start offset is the checkpointed one but at least the
//! first segment's base offset (`LogLoader.load`); the high watermark is the checkpointed one.
//!
//! After an unclean stop (`had_clean_shutdown` false) the segments from the recovery point on
//! are recovered batch by batch, and interrupted cleaner swaps are finished first: see
//! [`super::recovery`], which also holds the report. A torn tail in a segment that is not
//! recovered — the header scan finds it — is truncated with a `WARNING:` line, never a panic.
//! Nothing here fails: every problem becomes a `WARNING:` line or a report line.

use super::index::{OffsetIndex, TimeIndex};
use super::recovery::{self, RecoveryReport};
use super::segment::{file_name, Segment};
use super::{partition_dir, LogConfig, PartitionLog};
use crate::engine::record::BatchHeader;
use crate::engine::sorting;
use crate::storage::FileStore;

/// What the files say about one segment; [`Segment::from_parts`] adds what Kafka resets on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SegmentParts {
    pub base_offset: i64,
    pub size: i32,
    pub next_offset: i64,
    pub record_count: i64,
    pub offset_index: OffsetIndex,
    pub time_index: TimeIndex,
    pub max_timestamp_so_far: i64,
    pub offset_of_max_timestamp_so_far: i64,
    pub rolling_based_timestamp: Option<i64>,
}

/// Which log to load, and what the log dir's checkpoints say about it.
#[derive(Debug, Clone)]
pub struct LoadRequest<'a> {
    /// The log dir as people see it (`DIR/broker-1`), for messages only.
    pub log_dir: &'a str,
    pub topic: &'a str,
    pub partition: i32,
    pub config: LogConfig,
    /// From `log-start-offset-checkpoint`; Kafka lists only logs whose start moved past their
    /// first segment.
    pub log_start_offset: Option<i64>,
    /// From `replication-offset-checkpoint`.
    pub high_watermark: Option<i64>,
    /// Simulated time of loading (a loaded segment's `created`).
    pub now: i64,
    /// Whether the log dir held the clean-shutdown file ([`recovery::CLEAN_SHUTDOWN_FILE`]).
    pub had_clean_shutdown: bool,
    /// From `recovery-point-offset-checkpoint`; 0 when the log is not listed (`LogManager`).
    pub recovery_point: i64,
}

/// One batch as the header scan saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ScannedBatch {
    position: i32,
    last_offset: i64,
    max_timestamp: i64,
    records_count: i32,
}

/// The whole batches at the start of a `.log`, and why the scan stopped early, if it did.
#[derive(Debug, Default)]
struct Scan {
    batches: Vec<ScannedBatch>,
    valid_bytes: usize,
    next_offset: i64,
    problem: Option<String>,
    /// The scan stopped at an incomplete batch (a torn write), not at a bad one.
    torn: bool,
}

/// Why a segment's index files cannot be used as they are.
enum IndexProblem {
    /// The offset index is missing (`LogSegment.sanityCheck` throws `NoSuchFileException`).
    Missing(&'static str),
    /// A file cannot be read as an index (`CorruptIndexException`; Kafka 4.1 skips these checks
    /// at load, the playground makes them and recovers the segment as Kafka 3 did).
    Corrupt(String),
    /// Readable, but it disagrees with the batches, or the time index is missing: rebuilt
    /// without recovering the segment (Kafka does not look).
    Mismatch(String),
}

impl std::fmt::Display for IndexProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexProblem::Missing(what) => f.write_str(what),
            IndexProblem::Corrupt(why) | IndexProblem::Mismatch(why) => f.write_str(why),
        }
    }
}

impl PartitionLog {
    /// Loads a partition's log from `store`, repairing what a clean load can repair and pushing
    /// a `WARNING:` line to `warnings` for each repair. `roll_jitter` draws each loaded segment's
    /// share of `segment.jitter.ms`, as `LogSegment.open` does.
    pub fn load(
        store: &mut FileStore,
        request: LoadRequest<'_>,
        roll_jitter: &mut dyn FnMut() -> i64,
        warnings: &mut Vec<String>,
    ) -> PartitionLog {
        Self::load_recovering(store, request, roll_jitter, warnings).0
    }

    /// [`Self::load`], with log recovery after an unclean stop (`LogLoader.load`): interrupted
    /// swaps finished, unflushed segments revalidated, and a report of what changed.
    pub fn load_recovering(
        store: &mut FileStore,
        request: LoadRequest<'_>,
        roll_jitter: &mut dyn FnMut() -> i64,
        warnings: &mut Vec<String>,
    ) -> (PartitionLog, RecoveryReport) {
        let dir = partition_dir(request.topic, request.partition);
        let mut loader = Loader {
            report: RecoveryReport::new(&request),
            store,
            dir,
            request: &request,
            warnings,
        };
        recovery::complete_interrupted_swaps(loader.store, &loader.dir, &mut loader.report);
        let files = loader.store.list(&loader.dir);
        let base_offsets = segment_base_offsets(
            loader.store,
            &loader.dir,
            &files,
            request.log_dir,
            loader.warnings,
        );
        let segments = loader.load_segments(&base_offsets, roll_jitter);
        let Loader {
            store,
            dir,
            mut report,
            warnings,
            ..
        } = loader;
        let mut segments = segments;
        let active = match segments.pop() {
            Some(active) => active,
            None => {
                // LogLoader.recoverLog: no segment, so a new one at the checkpointed log start.
                if files.is_empty() {
                    warnings.push(format!(
                        "WARNING: The log directory {}/{dir} is missing; starting the partition with an empty log.",
                        request.log_dir
                    ));
                }
                Segment::create(
                    store,
                    &dir,
                    request.log_start_offset.unwrap_or(0).max(0),
                    request.config.segment_index_bytes,
                    roll_jitter(),
                    request.now,
                )
            }
        };
        let first_base_offset = segments.first().unwrap_or(&active).base_offset;
        let log_start_offset = request
            .log_start_offset
            .map_or(first_base_offset, |o| o.max(first_base_offset));
        let high_watermark = request.high_watermark.unwrap_or(log_start_offset);
        let mut log = PartitionLog::from_parts(
            request.topic,
            request.partition,
            request.config.clone(),
            segments,
            active,
            log_start_offset,
            high_watermark,
        );
        // LogLoader.recoverLog: the recovery point moves only with a flush, or to the end after
        // a clean shutdown.
        let log_end_offset = log.log_end_offset();
        let new_recovery_point = if request.had_clean_shutdown {
            log_end_offset
        } else {
            request.recovery_point.min(log_end_offset)
        };
        log.set_loaded_recovery_point(new_recovery_point, request.now);
        report.new_recovery_point = log.recovery_point();
        report.log_end_offset = log_end_offset;
        (log, report)
    }
}

/// The base offsets of the `.log` files in `dir`, in order; orphaned index files are deleted.
fn segment_base_offsets(
    store: &mut FileStore,
    dir: &str,
    files: &[String],
    log_dir: &str,
    warnings: &mut Vec<String>,
) -> Vec<i64> {
    let mut logs = Vec::new();
    let mut indexes = Vec::new();
    for path in files {
        let Some(name) = path.strip_prefix(dir).and_then(|n| n.strip_prefix('/')) else {
            continue;
        };
        if let Some(base) = name.strip_suffix(".log").and_then(parse_base_offset) {
            logs.push(base);
        }
        let index_stem = name
            .strip_suffix(".index")
            .or_else(|| name.strip_suffix(".timeindex"));
        if let Some(base) = index_stem.and_then(parse_base_offset) {
            indexes.push((base, path.clone()));
        }
    }
    let mut bases = logs;
    sorting::sort(&mut bases);
    for (base, path) in indexes {
        if bases.binary_search(&base).is_err() {
            store.delete(&path);
            warnings.push(format!(
                "WARNING: Found an orphaned index file {log_dir}/{path}, with no corresponding log file; deleted it."
            ));
        }
    }
    bases
}

/// `LogFileUtils.offsetFromFileName` for the names Kafka writes: exactly 20 digits.
fn parse_base_offset(stem: &str) -> Option<i64> {
    if stem.len() == 20 && stem.bytes().all(|b| b.is_ascii_digit()) {
        stem.parse().ok()
    } else {
        None
    }
}

/// Reads batch headers from the start of `bytes` while each is whole and its offsets follow on.
/// With `verify_crc`, each batch's CRC is checked too (`DefaultRecordBatch.ensureValid`).
fn scan_batches(bytes: &[u8], base_offset: i64, lower_bound: i64, verify_crc: bool) -> Scan {
    let mut scan = Scan {
        next_offset: lower_bound.max(base_offset),
        ..Scan::default()
    };
    while scan.valid_bytes < bytes.len() {
        let rest = &bytes[scan.valid_bytes..];
        let header = match BatchHeader::parse(rest) {
            Ok(header) => header,
            Err(error) => {
                scan.torn = error.is_truncation();
                scan.problem = Some(recovery::kafka_message(&error));
                break;
            }
        };
        if let Some(problem) = batch_problem(&header, rest.len(), base_offset, scan.next_offset) {
            scan.torn = header.size_in_bytes() > rest.len() as u64;
            scan.problem = Some(problem);
            break;
        }
        if verify_crc {
            if let Err(error) = header.verify_crc(rest) {
                scan.problem = Some(recovery::kafka_message(&error));
                break;
            }
        }
        let (Ok(position), Ok(size)) = (
            i32::try_from(scan.valid_bytes),
            usize::try_from(header.size_in_bytes()),
        ) else {
            scan.problem = Some("the segment is larger than 2 GiB".to_string());
            break;
        };
        scan.batches.push(ScannedBatch {
            position,
            last_offset: header.last_offset(),
            max_timestamp: header.max_timestamp,
            records_count: header.records_count,
        });
        scan.next_offset = header.last_offset().saturating_add(1);
        scan.valid_bytes += size;
    }
    scan
}

/// Why a parsed header cannot be taken as the next batch of the segment, if it cannot.
fn batch_problem(
    header: &BatchHeader,
    available: usize,
    base_offset: i64,
    next_offset: i64,
) -> Option<String> {
    let needed = header.size_in_bytes();
    if needed > available as u64 {
        return Some(format!(
            "batch at offset {} is truncated: {needed} bytes needed, {available} available",
            header.base_offset
        ));
    }
    // A last offset below the base offset is a negative delta, or one that wrapped past i64::MAX.
    if header.last_offset() < header.base_offset || header.records_count < 0 {
        return Some(format!(
            "batch at offset {} has a negative last offset delta or record count",
            header.base_offset
        ));
    }
    if header.base_offset < next_offset {
        return Some(format!(
            "batch at offset {} does not follow offset {}",
            header.base_offset,
            next_offset - 1
        ));
    }
    // AbstractIndex.relativeOffset: every offset must fit in an int32 above the base offset.
    if header.last_offset().saturating_sub(base_offset) > i64::from(i32::MAX) {
        return Some(format!(
            "offset {} overflows the segment's base offset {base_offset}",
            header.last_offset()
        ));
    }
    None
}

/// The segment's index files, if both are there and agree with the scanned batches.
fn read_indexes(
    store: &FileStore,
    index_path: &str,
    time_index_path: &str,
    base_offset: i64,
    max_index_size: i32,
    scan: &Scan,
) -> Result<(OffsetIndex, TimeIndex), IndexProblem> {
    if base_offset > i64::MAX - i64::from(i32::MAX) {
        return Err(IndexProblem::Corrupt(
            "the base offset leaves no room for relative offsets".to_string(),
        ));
    }
    let index_bytes = store
        .contents(index_path)
        .ok_or(IndexProblem::Missing("the offset index is missing"))?;
    let offset_index = OffsetIndex::from_bytes(base_offset, max_index_size, index_bytes)
        .map_err(|e| IndexProblem::Corrupt(format!("offset index: {e}")))?;
    // Kafka creates a missing time index empty (`LogSegment.sanityCheck`); it is rebuilt here.
    let time_bytes = store
        .contents(time_index_path)
        .ok_or(IndexProblem::Mismatch(
            "the time index is missing".to_string(),
        ))?;
    let time_index = TimeIndex::from_bytes(base_offset, max_index_size, time_bytes)
        .map_err(|e| IndexProblem::Corrupt(format!("time index: {e}")))?;
    for entry in offset_index.entries() {
        let found = scan
            .batches
            .binary_search_by_key(&entry.position, |b| b.position)
            .ok()
            .and_then(|i| scan.batches.get(i));
        if found.is_none_or(|b| b.last_offset != entry.offset) {
            return Err(IndexProblem::Mismatch(format!(
                "offset index entry ({}, {}) does not point at a batch ending at that offset",
                entry.offset, entry.position
            )));
        }
    }
    let max_timestamp = scan.batches.iter().map(|b| b.max_timestamp).max();
    for entry in time_index.entries() {
        if entry.offset >= scan.next_offset || max_timestamp.is_none_or(|m| entry.timestamp > m) {
            return Err(IndexProblem::Mismatch(format!(
                "time index entry ({}, {}) is past the segment's records",
                entry.timestamp, entry.offset
            )));
        }
    }
    Ok((offset_index, time_index))
}

/// `LogSegment.recover`'s index building: an offset-index entry for a batch that starts more
/// than `index.interval.bytes` after the last indexed one, a time-index entry with it, and a
/// final time-index entry for the largest timestamp, as a closed segment has.
fn rebuild_indexes(
    base_offset: i64,
    max_index_size: i32,
    index_interval_bytes: i32,
    batches: &[ScannedBatch],
) -> (OffsetIndex, TimeIndex) {
    let mut offset_index = OffsetIndex::new(base_offset, max_index_size);
    let mut time_index = TimeIndex::new(base_offset, max_index_size);
    let (mut max_timestamp, mut offset_of_max) = (-1, -1);
    let mut last_index_entry = 0;
    for batch in batches {
        if batch.max_timestamp > max_timestamp {
            (max_timestamp, offset_of_max) = (batch.max_timestamp, batch.last_offset);
        }
        if batch.position - last_index_entry > index_interval_bytes {
            offset_index.append(batch.last_offset, batch.position);
            if max_timestamp >= 0 {
                time_index.maybe_append(max_timestamp, offset_of_max, false);
            }
            last_index_entry = batch.position;
        }
    }
    if max_timestamp >= 0 {
        time_index.maybe_append(max_timestamp, offset_of_max, true);
    }
    (offset_index, time_index)
}

/// The segment's state from its batches. The largest timestamp comes from the batch headers;
/// its offset from the time index's last entry when that entry holds it (a closed segment's
/// does, with the exact record), else the batch's last offset, as `LogSegment.recover` uses.
fn segment_parts(
    base_offset: i64,
    scan: &Scan,
    offset_index: OffsetIndex,
    time_index: TimeIndex,
) -> SegmentParts {
    let (mut max_timestamp, mut offset_of_max) = (-1, -1);
    for batch in &scan.batches {
        if batch.max_timestamp > max_timestamp {
            (max_timestamp, offset_of_max) = (batch.max_timestamp, batch.last_offset);
        }
    }
    if let Some(last) = time_index.last_entry() {
        if last.timestamp == max_timestamp {
            offset_of_max = last.offset;
        }
    }
    SegmentParts {
        base_offset,
        size: i32::try_from(scan.valid_bytes).unwrap_or(i32::MAX),
        next_offset: scan
            .batches
            .last()
            .map_or(base_offset, |b| b.last_offset.saturating_add(1)),
        record_count: scan
            .batches
            .iter()
            .map(|b| i64::from(b.records_count))
            .sum(),
        offset_index,
        time_index,
        max_timestamp_so_far: max_timestamp,
        offset_of_max_timestamp_so_far: offset_of_max,
        rolling_based_timestamp: scan.batches.first().map(|b| b.max_timestamp),
    }
}

#[path = "load_segment.rs"]
mod load_segment;
use load_segment::Loader;

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;

/// A segment re-read from its `.log` after the file was cut short at a batch boundary (a
/// follower's truncation, `LogSegment.truncateTo`): indexes rebuilt and rewritten to match.
pub(super) fn reopen_truncated_segment(
    store: &mut FileStore,
    dir: &str,
    base_offset: i64,
    config: &LogConfig,
    roll_jitter_ms: i64,
    now: i64,
) -> Segment {
    let log_path = format!("{dir}/{}", file_name(base_offset, ".log"));
    let bytes = store.contents(&log_path).unwrap_or_default();
    let scan = scan_batches(bytes, base_offset, base_offset, false);
    let (offset_index, time_index) = rebuild_indexes(
        base_offset,
        config.segment_index_bytes,
        config.index_interval_bytes,
        &scan.batches,
    );
    let index_path = format!("{dir}/{}", file_name(base_offset, ".index"));
    let time_index_path = format!("{dir}/{}", file_name(base_offset, ".timeindex"));
    store.replace(&index_path, &offset_index.to_bytes());
    store.replace(&time_index_path, &time_index.to_bytes());
    let parts = segment_parts(base_offset, &scan, offset_index, time_index);
    Segment::from_parts(dir, parts, roll_jitter_ms, now)
}
