//! Loading one segment of a partition log (`LogLoader.loadSegmentFiles`, `LogLoader.recoverLog`,
//! `LogSegment.recover`): the per-segment half of [`super`], kept apart so each file stays small.

use super::super::recovery::{self, Level, RecoveryReport};
use super::super::segment::{file_name, Segment};
use super::{
    read_indexes, rebuild_indexes, scan_batches, segment_parts, IndexProblem, LoadRequest, Scan,
    SegmentParts,
};
use crate::engine::log::index::{OffsetIndex, TimeIndex};
use crate::storage::FileStore;

/// One log's loading: where it is, what it asks for, and what it reports.
pub(super) struct Loader<'a, 'r> {
    pub(super) store: &'a mut FileStore,
    pub(super) dir: String,
    pub(super) request: &'a LoadRequest<'r>,
    pub(super) warnings: &'a mut Vec<String>,
    pub(super) report: RecoveryReport,
}

impl Loader<'_, '_> {
    /// Loads every segment, oldest first (`LogLoader.loadSegmentFiles` and `recoverLog`): after
    /// an unclean stop the segments from the recovery point on are recovered, and after one of
    /// them is truncated every later segment is deleted.
    pub(super) fn load_segments(
        &mut self,
        base_offsets: &[i64],
        roll_jitter: &mut dyn FnMut() -> i64,
    ) -> Vec<Segment> {
        let request = self.request;
        let first_unflushed = recovery::first_unflushed(base_offsets, request);
        let mut segments: Vec<Segment> = Vec::with_capacity(base_offsets.len());
        let mut truncated = false;
        for (i, &base_offset) in base_offsets.iter().enumerate() {
            if truncated {
                // LogLoader.recoverLog: after a truncation, every later segment goes.
                recovery::delete_segment(self.store, &self.dir, base_offset, &mut self.report);
                continue;
            }
            // (segments recovered so far, segments to recover) for LogLoader's progress line.
            let unflushed = first_unflushed
                .filter(|&first| i >= first)
                .map(|first| (i - first, base_offsets.len() - first));
            let lower_bound = segments.last().map_or(base_offset, |s| s.next_offset());
            let (parts, cut) = self.load_segment(base_offset, lower_bound, unflushed);
            truncated = cut;
            segments.push(Segment::from_parts(
                &self.dir,
                parts,
                roll_jitter(),
                request.now,
            ));
        }
        recovery::report_deleted_segments(&mut self.report, request.now);
        segments
    }

    /// Scans one segment, truncates a torn tail, and takes or rebuilds its indexes. An unflushed
    /// segment (`Some((recovered so far, to recover))`) is recovered as `LogSegment.recover`
    /// does; so is one whose index is missing or unreadable (`LogLoader.loadSegmentFiles`).
    /// Returns the segment and whether `LogLoader.recoverLog` truncated it.
    fn load_segment(
        &mut self,
        base_offset: i64,
        lower_bound: i64,
        unflushed: Option<(usize, usize)>,
    ) -> (SegmentParts, bool) {
        let dir = &self.dir;
        let log_path = format!("{dir}/{}", file_name(base_offset, ".log"));
        let index_path = format!("{dir}/{}", file_name(base_offset, ".index"));
        let time_index_path = format!("{dir}/{}", file_name(base_offset, ".timeindex"));
        if let Some((recovered, to_recover)) = unflushed {
            let message = format!(
                "Recovering unflushed segment {base_offset}. {} recovered for {}.",
                recovered / to_recover.max(1),
                self.report.topic_partition()
            );
            self.report.loader(Level::Info, message);
            self.report.segments_recovered.push(base_offset);
        }
        let bytes = self.store.contents(&log_path).unwrap_or_default();
        let file_len = bytes.len();
        let mut scan = scan_batches(bytes, base_offset, lower_bound, unflushed.is_some());
        let max_index_size = self.request.config.segment_index_bytes;
        let indexes = read_indexes(
            self.store,
            &index_path,
            &time_index_path,
            base_offset,
            max_index_size,
            &scan,
        );
        let recovered_on_open = self.index_problem_lines(&indexes, base_offset, &log_path);
        if recovered_on_open && unflushed.is_none() {
            let bytes = self.store.contents(&log_path).unwrap_or_default();
            scan = scan_batches(bytes, base_offset, lower_bound, true);
        }
        let recovered = recovered_on_open || unflushed.is_some();
        let mut cut = false;
        if scan.problem.is_some() {
            cut = self.truncate(&log_path, &scan, file_len, recovered);
            // A segment recovered on open is recovered again by recoverLog, which then finds
            // nothing to truncate: only recoverLog's own truncation deletes later segments.
            cut &= unflushed.is_some() && !recovered_on_open;
            if cut {
                let message = format!(
                    "Corruption found in segment {base_offset}, truncating to offset {}",
                    scan.next_offset
                );
                self.report.loader(Level::Warn, message);
            }
        }
        let (offset_index, time_index) = match indexes {
            Ok(indexes) if !recovered => indexes,
            result => {
                if let Err(problem) = result {
                    self.report.indexes_rebuilt.push(base_offset);
                    if !recovered {
                        self.warnings.push(format!(
                            "WARNING: Rebuilt the index files of log segment {}/{log_path}: {problem}.",
                            self.request.log_dir
                        ));
                    }
                }
                let (offset_index, time_index) = rebuild_indexes(
                    base_offset,
                    max_index_size,
                    self.request.config.index_interval_bytes,
                    &scan.batches,
                );
                replace_if_changed(self.store, &index_path, &offset_index.to_bytes());
                replace_if_changed(self.store, &time_index_path, &time_index.to_bytes());
                (offset_index, time_index)
            }
        };
        (
            segment_parts(base_offset, &scan, offset_index, time_index),
            cut,
        )
    }

    /// `LogLoader.loadSegmentFiles`' lines for a missing or corrupt index; true when the segment
    /// is recovered on open for it.
    fn index_problem_lines(
        &mut self,
        indexes: &Result<(OffsetIndex, TimeIndex), IndexProblem>,
        base_offset: i64,
        log_path: &str,
    ) -> bool {
        let absolute = self.report.absolute(log_path);
        match indexes {
            Err(IndexProblem::Missing(_)) => {
                if self.request.had_clean_shutdown || base_offset < self.request.recovery_point {
                    self.report.loader(Level::Error, format!(
                        "Could not find offset index file corresponding to log file {absolute}, recovering segment and rebuilding index files..."
                    ));
                }
                true
            }
            Err(IndexProblem::Corrupt(why)) => {
                self.report.loader(Level::Warn, format!(
                    "Found a corrupted index file corresponding to log file {absolute} due to {why}, recovering segment and rebuilding index files..."
                ));
                true
            }
            _ => false,
        }
    }

    /// Cuts the log at the end of the scan's last good batch; true if bytes were cut.
    fn truncate(&mut self, log_path: &str, scan: &Scan, file_len: usize, recovered: bool) -> bool {
        let removed = file_len - scan.valid_bytes;
        let problem = scan.problem.as_deref().unwrap_or_default();
        if recovered {
            // FileLogInputStream stops quietly at an incomplete batch; a bad one is logged.
            if !scan.torn {
                let message = format!(
                    "Found invalid messages in log segment {} at byte offset {}: {problem}. null",
                    self.report.absolute(log_path),
                    scan.valid_bytes
                );
                self.report.segment(Level::Warn, message);
            }
            let bytes = self.store.contents(log_path).unwrap_or_default();
            self.report.bytes_truncated += removed as u64;
            self.report.records_truncated +=
                recovery::count_records(bytes.get(scan.valid_bytes..).unwrap_or_default());
        } else {
            self.warnings.push(format!(
                "WARNING: Found a torn or invalid batch in log segment {}/{log_path} at byte offset {}: {problem}. Truncated the {removed} bytes after the last whole batch.",
                self.request.log_dir, scan.valid_bytes
            ));
        }
        self.store.truncate(log_path, scan.valid_bytes as u64);
        removed > 0
    }
}

/// A rebuilt index is written only when it differs, so a recovery that finds everything in
/// order leaves the files as they were.
fn replace_if_changed(store: &mut FileStore, path: &str, bytes: &[u8]) {
    if store.contents(path) != Some(bytes) {
        store.replace(path, bytes);
    }
}
