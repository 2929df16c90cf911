//! Log recovery after an unclean stop, as Kafka 4.1's `LogLoader` and `LogSegment.recover` do it,
//! and the report of what it did.
//!
//! [`PartitionLog::load_recovering`](super::PartitionLog::load_recovering) (in `load.rs`) drives
//! it; this module owns the parts that are recovery's alone:
//!
//! - **Temporary files first** (`LogLoader.removeTempFilesAndCollectSwapFiles` and the three
//!   passes of `LogLoader.load`): stray `.deleted` files are deleted; `.swap` files at or above
//!   the lowest `.cleaned` offset are deleted (an unfinished segment split, KAFKA-6264); every
//!   `.cleaned` file is deleted; the segment files a `.swap` segment replaces (base offsets from
//!   the lowest swap's base offset to below the highest swap's next offset) are deleted; every
//!   remaining `.swap` file is renamed into place. The cleaner writes `.cleaned` → `.swap` → final
//!   names, so a crash at any step leaves either the old segments or the new ones, never a mix.
//! - **Which segments are unflushed**: after an unclean stop (no [`CLEAN_SHUTDOWN_FILE`] in the
//!   log dir), every segment from the one holding the recovery point on
//!   (`LogSegments.values(recoveryPoint, Long.MAX_VALUE)`) is recovered batch by batch: CRC,
//!   sizes, magic, offsets within the segment. The first bad batch and everything after it is
//!   truncated, and — as `LogLoader.recoverLog` — every later segment is deleted.
//! - **The report**: what was truncated, deleted, rebuilt and swapped, with the log lines Kafka's
//!   broker writes for it (`kplay` prints them on stderr after an unclean stop; the UI can list
//!   them).
//!
//! Departure: Kafka renames the segments recovery deletes to `.deleted` and removes them after
//! `file.delete.delay.ms`; here they are removed at once (a later start would remove the
//! `.deleted` files anyway). Producer state and the transaction index are not modelled.

use super::load::LoadRequest;
use super::partition_dir;
use super::segment::file_name;
use crate::engine::record::{BatchError, BatchHeader};
use crate::storage::FileStore;

/// `CleanShutdownFileHandler.CLEAN_SHUTDOWN_FILE_NAME`: written in each log dir by a clean
/// shutdown, after every log is flushed and checkpointed; deleted when the log dir is loaded.
pub const CLEAN_SHUTDOWN_FILE: &str = ".kafka_cleanshutdown";
/// `LogFileUtils.SWAP_FILE_SUFFIX`.
pub const SWAP_FILE_SUFFIX: &str = ".swap";
/// `LogFileUtils.CLEANED_FILE_SUFFIX`.
pub const CLEANED_FILE_SUFFIX: &str = ".cleaned";
/// `LogFileUtils.DELETED_FILE_SUFFIX`.
pub const DELETED_FILE_SUFFIX: &str = ".deleted";

/// Kafka's loggers for the lines below (`[%d] %p %m (%c)`).
pub const LOG_LOADER: &str = "org.apache.kafka.storage.internals.log.LogLoader";
pub const LOG_SEGMENT: &str = "org.apache.kafka.storage.internals.log.LogSegment";
pub const LOG_MANAGER: &str = "kafka.log.LogManager";

/// The clean-shutdown file's contents: `CleanShutdownFileHandler.write` writes JSON with the
/// broker epoch (KIP-966). The playground has no broker registration yet, so the epoch is -1.
pub fn clean_shutdown_file_contents(broker_epoch: i64) -> String {
    format!("{{\"version\":0,\"brokerEpoch\":{broker_epoch}}}")
}

/// A log4j level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

/// One line a broker logs while loading a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub level: Level,
    pub logger: &'static str,
    pub message: String,
}

/// A segment recovery deleted because an earlier one was truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedSegment {
    pub base_offset: i64,
    pub size: u64,
    pub records: i64,
    /// The largest batch timestamp (`LogSegment.largestRecordTimestamp`; 0 when there is none,
    /// as `LogSegment.toString` prints it).
    pub largest_record_timestamp: i64,
}

/// What loading one partition's log did to its files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// The log dir as people see it (`DIR/broker-1`).
    pub log_dir: String,
    pub topic: String,
    pub partition: i32,
    pub had_clean_shutdown: bool,
    /// From `recovery-point-offset-checkpoint` (0 when the log is not listed, as `LogManager`).
    pub recovery_point: i64,
    /// The recovery point the log runs with: the log end offset after a clean shutdown, else the
    /// checkpointed one, at most the log end offset (`LogLoader.recoverLog`).
    pub new_recovery_point: i64,
    pub log_end_offset: i64,
    /// Base offsets of the segments revalidated batch by batch (`LogSegment.recover`).
    pub segments_recovered: Vec<i64>,
    /// Bytes cut from segment tails, and the records the cut batch headers declared.
    pub bytes_truncated: u64,
    pub records_truncated: i64,
    pub segments_deleted: Vec<DeletedSegment>,
    /// Base offsets of segments whose `.index`/`.timeindex` were missing or corrupt.
    pub indexes_rebuilt: Vec<i64>,
    /// Paths (in the log dir) that an interrupted swap's `.swap` files were renamed to.
    pub swaps_completed: Vec<String>,
    /// `.deleted`, `.cleaned` and invalid `.swap` files removed, and files a swap replaced.
    pub files_deleted: Vec<String>,
    pub lines: Vec<LogLine>,
}

impl RecoveryReport {
    pub(crate) fn new(request: &LoadRequest<'_>) -> Self {
        RecoveryReport {
            log_dir: request.log_dir.to_string(),
            topic: request.topic.to_string(),
            partition: request.partition,
            had_clean_shutdown: request.had_clean_shutdown,
            recovery_point: request.recovery_point,
            ..RecoveryReport::default()
        }
    }

    /// `topic-partition`.
    pub fn topic_partition(&self) -> String {
        partition_dir(&self.topic, self.partition)
    }

    /// Whether recovery changed any file (a clean load changes none).
    pub fn repaired_anything(&self) -> bool {
        self.bytes_truncated > 0
            || !self.segments_deleted.is_empty()
            || !self.indexes_rebuilt.is_empty()
            || !self.swaps_completed.is_empty()
            || !self.files_deleted.is_empty()
    }

    /// A file's path as Kafka prints it (`File.getAbsolutePath`).
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}/{path}", self.log_dir)
    }

    /// A `LogLoader` line, with its `[LogLoader partition=t-0, dir=DIR] ` prefix.
    pub(crate) fn loader(&mut self, level: Level, message: String) {
        let prefix = format!(
            "[LogLoader partition={}, dir={}] ",
            self.topic_partition(),
            self.log_dir
        );
        self.lines.push(LogLine {
            level,
            logger: LOG_LOADER,
            message: format!("{prefix}{message}"),
        });
    }

    /// A `LogSegment` line (no prefix).
    pub(crate) fn segment(&mut self, level: Level, message: String) {
        self.lines.push(LogLine {
            level,
            logger: LOG_SEGMENT,
            message,
        });
    }
}

/// What recovering one log dir found: its clean-shutdown state and each log's report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogDirRecovery {
    pub node_id: i32,
    pub log_dir: String,
    pub had_clean_shutdown: bool,
    pub logs: Vec<RecoveryReport>,
}

impl LogDirRecovery {
    /// `LogManager.loadLogs`'s line about the clean-shutdown file, then every log's lines.
    pub fn lines(&self) -> Vec<LogLine> {
        let message = if self.had_clean_shutdown {
            format!(
                "Skipping recovery of {} logs from {} since clean shutdown file was found",
                self.logs.len(),
                self.log_dir
            )
        } else {
            format!(
                "Attempting recovery for all logs in {} since no clean shutdown file was found",
                self.log_dir
            )
        };
        let mut lines = vec![LogLine {
            level: Level::Info,
            logger: LOG_MANAGER,
            message,
        }];
        lines.extend(self.logs.iter().flat_map(|log| log.lines.iter().cloned()));
        lines
    }
}

/// `LogFileUtils.offsetFromFileName`: the number before the first '.', if there is one.
pub(crate) fn offset_from_file_name(name: &str) -> Option<i64> {
    name.split('.').next().and_then(|n| n.parse().ok())
}

/// The files directly in the partition directory `dir`, by name.
fn names_in(store: &FileStore, dir: &str) -> Vec<String> {
    store
        .list(dir)
        .into_iter()
        .filter_map(|path| {
            let name = path.strip_prefix(dir)?.strip_prefix('/')?;
            (!name.contains('/')).then(|| name.to_string())
        })
        .collect()
}

/// `LogLoader.removeTempFilesAndCollectSwapFiles` and the swap passes of `LogLoader.load`.
pub(crate) fn complete_interrupted_swaps(
    store: &mut FileStore,
    dir: &str,
    report: &mut RecoveryReport,
) {
    let (mut swaps, mut cleaned) = (Vec::new(), Vec::new());
    let mut min_cleaned_offset = i64::MAX;
    for name in names_in(store, dir) {
        // KRaft snapshots' `.checkpoint.deleted` files are the metadata log's business.
        if name.ends_with(DELETED_FILE_SUFFIX) && !name.ends_with(".checkpoint.deleted") {
            delete_file(store, dir, &name, report, "Deleting stray temporary file");
        } else if name.ends_with(CLEANED_FILE_SUFFIX) {
            if let Some(offset) = offset_from_file_name(&name) {
                min_cleaned_offset = min_cleaned_offset.min(offset);
            }
            cleaned.push(name);
        } else if name.ends_with(SWAP_FILE_SUFFIX) {
            swaps.push(name);
        }
    }
    // KAFKA-6264: a .swap at or above the lowest .cleaned offset is part of an unfinished split.
    swaps.retain(|name| {
        let invalid = offset_from_file_name(name).is_some_and(|o| o >= min_cleaned_offset);
        if invalid {
            let path = format!("{dir}/{name}");
            store.delete(&path);
            let message = format!(
                "Deleting invalid swap file {} minCleanedFileOffset: {min_cleaned_offset}",
                report.absolute(&path)
            );
            report.loader(Level::Debug, message);
            report.files_deleted.push(path);
        }
        !invalid
    });
    for name in cleaned {
        delete_file(store, dir, &name, report, "Deleting stray .clean file");
    }
    let (mut min_swap, mut max_swap) = (i64::MAX, i64::MIN);
    for name in &swaps {
        let stem = &name[..name.len() - SWAP_FILE_SUFFIX.len()];
        let Some(base_offset) = stem.strip_suffix(".log").and_then(offset_from_file_name) else {
            continue;
        };
        let path = format!("{dir}/{name}");
        let next_offset = read_next_offset(store.contents(&path).unwrap_or_default(), base_offset);
        let message = format!(
            "Found log file {} from interrupted swap operation, which is recoverable from {SWAP_FILE_SUFFIX} files by renaming.",
            report.absolute(&path)
        );
        report.loader(Level::Info, message);
        min_swap = min_swap.min(base_offset);
        max_swap = max_swap.max(next_offset);
    }
    // The segments the swapped-in ones replace: compacted, but not yet renamed .deleted.
    for name in names_in(store, dir) {
        let replaced = !name.ends_with(SWAP_FILE_SUFFIX)
            && offset_from_file_name(&name).is_some_and(|o| o >= min_swap && o < max_swap);
        if replaced {
            store.delete(&format!("{dir}/{name}"));
            report.loader(
                Level::Info,
                format!(
                    "Deleting segment files {name} that is compacted but has not been deleted yet."
                ),
            );
            report.files_deleted.push(format!("{dir}/{name}"));
        }
    }
    for name in swaps {
        let stem = &name[..name.len() - SWAP_FILE_SUFFIX.len()];
        let (from, to) = (format!("{dir}/{name}"), format!("{dir}/{stem}"));
        if store.rename(&from, &to) {
            report.loader(
                Level::Info,
                format!("Recovering file {name} by renaming from {SWAP_FILE_SUFFIX} files."),
            );
            report.swaps_completed.push(to);
        }
    }
}

fn delete_file(
    store: &mut FileStore,
    dir: &str,
    name: &str,
    report: &mut RecoveryReport,
    what: &str,
) {
    let path = format!("{dir}/{name}");
    store.delete(&path);
    let message = format!("{what} {}", report.absolute(&path));
    report.loader(Level::Debug, message);
    report.files_deleted.push(path);
}

/// `LogSegment.readNextOffset` of a segment's bytes: after its last whole batch.
fn read_next_offset(bytes: &[u8], base_offset: i64) -> i64 {
    let mut next = base_offset;
    let mut position = 0usize;
    while let Ok(header) = BatchHeader::parse(&bytes[position.min(bytes.len())..]) {
        let size = usize::try_from(header.size_in_bytes()).unwrap_or(usize::MAX);
        if size > bytes.len() - position {
            break;
        }
        next = header.next_offset();
        position += size;
    }
    next
}

/// The records the batch headers in `bytes` declare (a torn last batch counts: its records are
/// lost too). Stops at the first header that cannot be read.
pub(crate) fn count_records(bytes: &[u8]) -> i64 {
    headers_summary(bytes).0
}

/// The records the readable batch headers in `bytes` declare, and their largest timestamp (0
/// when none has one).
fn headers_summary(bytes: &[u8]) -> (i64, i64) {
    let (mut records, mut largest, mut position) = (0i64, 0i64, 0usize);
    while let Ok(header) = BatchHeader::parse(&bytes[position.min(bytes.len())..]) {
        records += i64::from(header.records_count.max(0));
        largest = largest.max(header.max_timestamp);
        let size = usize::try_from(header.size_in_bytes()).unwrap_or(usize::MAX);
        if size > bytes.len() - position {
            break;
        }
        position += size;
    }
    (records, largest)
}

/// The index of the first segment `LogLoader.recoverLog` recovers: the one holding the recovery
/// point (or the first, if the recovery point is below every segment), none after a clean stop.
pub(crate) fn first_unflushed(base_offsets: &[i64], request: &LoadRequest<'_>) -> Option<usize> {
    if request.had_clean_shutdown || base_offsets.is_empty() {
        return None;
    }
    let above = base_offsets.partition_point(|&base| base <= request.recovery_point);
    Some(above.saturating_sub(1))
}

/// Deletes a segment's files after an earlier segment was truncated (`LogLoader.recoverLog`).
pub(crate) fn delete_segment(
    store: &mut FileStore,
    dir: &str,
    base_offset: i64,
    report: &mut RecoveryReport,
) {
    let log_path = format!("{dir}/{}", file_name(base_offset, ".log"));
    let bytes = store.contents(&log_path).unwrap_or_default();
    let (records, largest_record_timestamp) = headers_summary(bytes);
    report.segments_deleted.push(DeletedSegment {
        base_offset,
        size: bytes.len() as u64,
        records,
        largest_record_timestamp,
    });
    for suffix in [".log", ".index", ".timeindex", ".txnindex"] {
        store.delete(&format!("{dir}/{}", file_name(base_offset, suffix)));
    }
}

/// `LogLoader.removeAndDeleteSegmentsAsync`'s line, once for all deleted segments.
pub(crate) fn report_deleted_segments(report: &mut RecoveryReport, now: i64) {
    if report.segments_deleted.is_empty() {
        return;
    }
    let listed: Vec<String> = report
        .segments_deleted
        .iter()
        .map(|s| {
            format!(
                "LogSegment(baseOffset={}, size={}, lastModifiedTime={now}, largestRecordTimestamp={})",
                s.base_offset, s.size, s.largest_record_timestamp
            )
        })
        .collect();
    let message = format!(
        "Deleting segments as part of log recovery: {}",
        listed.join(", ")
    );
    report.loader(Level::Info, message);
}

/// The message of `CorruptRecordException`/`InvalidRecordException` for a bad batch, in Kafka's
/// words where it has them (`DefaultRecordBatch.ensureValid`).
pub(crate) fn kafka_message(error: &BatchError) -> String {
    match error {
        BatchError::CrcMismatch {
            stored, computed, ..
        } => format!("Record is corrupt (stored crc = {stored}, computed crc = {computed})"),
        BatchError::SizeTooSmall { size, .. } => format!(
            "Record batch is corrupt (the size {size} is smaller than the minimum allowed overhead 61)"
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_from_file_names_as_kafka_reads_them() {
        assert_eq!(offset_from_file_name("00000000000000000042.log"), Some(42));
        assert_eq!(
            offset_from_file_name("00000000000000000042.log.swap"),
            Some(42)
        );
        assert_eq!(offset_from_file_name("partition.metadata"), None);
        assert_eq!(offset_from_file_name("leader-epoch-checkpoint"), None);
    }

    fn request(clean: bool, recovery_point: i64) -> LoadRequest<'static> {
        LoadRequest {
            log_dir: "/d",
            topic: "t",
            partition: 0,
            config: super::super::LogConfig::default(),
            log_start_offset: None,
            high_watermark: None,
            now: 0,
            had_clean_shutdown: clean,
            recovery_point,
        }
    }

    #[test]
    fn unflushed_segments_start_at_the_one_holding_the_recovery_point() {
        // LogSegments.values(recoveryPoint, Long.MAX_VALUE) starts at floorKey(recoveryPoint).
        let bases = [0, 10, 20];
        assert_eq!(first_unflushed(&bases, &request(false, 0)), Some(0));
        assert_eq!(first_unflushed(&bases, &request(false, 15)), Some(1));
        assert_eq!(first_unflushed(&bases, &request(false, 20)), Some(2));
        assert_eq!(first_unflushed(&bases, &request(false, 99)), Some(2));
        assert_eq!(first_unflushed(&[5], &request(false, 0)), Some(0));
        assert_eq!(first_unflushed(&bases, &request(true, 0)), None);
        assert_eq!(first_unflushed(&[], &request(false, 0)), None);
    }

    #[test]
    fn swaps_at_or_above_the_lowest_cleaned_offset_are_an_unfinished_split() {
        // LogLoader.removeTempFilesAndCollectSwapFiles (KAFKA-6264).
        let mut store = FileStore::new();
        for name in [
            "00000000000000000000.log",
            "00000000000000000000.log.swap",
            "00000000000000000010.log",
            "00000000000000000010.log.cleaned",
            "00000000000000000020.log.swap",
            "00000000000000000020.log",
            "leader-epoch-checkpoint",
        ] {
            store.append(&format!("t-0/{name}"), b"");
        }
        let mut report = RecoveryReport::new(&request(false, 0));
        complete_interrupted_swaps(&mut store, "t-0", &mut report);
        assert_eq!(
            store.list("t-0"),
            [
                "t-0/00000000000000000000.log",
                "t-0/00000000000000000010.log",
                "t-0/00000000000000000020.log",
                "t-0/leader-epoch-checkpoint",
            ]
        );
        assert_eq!(report.swaps_completed, ["t-0/00000000000000000000.log"]);
        // An empty swap segment replaces no range (its next offset is its base offset); the
        // rename puts it over the old file.
        assert_eq!(
            report.files_deleted,
            [
                "t-0/00000000000000000020.log.swap",
                "t-0/00000000000000000010.log.cleaned",
            ]
        );
    }

    #[test]
    fn the_clean_shutdown_file_is_kafkas_json() {
        assert_eq!(
            clean_shutdown_file_contents(-1),
            r#"{"version":0,"brokerEpoch":-1}"#
        );
    }
}
