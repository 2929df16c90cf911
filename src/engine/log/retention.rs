//! Retention on one partition log: which segments go, and how they go.
//!
//! Follows Kafka 4.1's `UnifiedLog.deleteOldSegments` and the three predicates it runs, in
//! Kafka's order: `deleteLogStartOffsetBreachedSegments` (always), then — only when
//! `cleanup.policy` contains `delete` — `deleteRetentionSizeBreachedSegments` and
//! `deleteRetentionMsBreachedSegments`. Each pass is `UnifiedLog.deletableSegments` (oldest
//! first, stopping at the first segment the predicate refuses, never a segment at or above the
//! high watermark, never an empty last segment) followed by `UnifiedLog.deleteSegments` (roll a
//! fresh active segment first when every segment goes, move the log start offset to the next
//! segment's base offset, then `LocalLog.deleteSegmentFiles`: rename the files to `.deleted`; the
//! caller removes them after `file.delete.delay.ms`).
//!
//! `UnifiedLog.maybeIncrementLogStartOffset` (used by `DeleteRecords`) is here too: it only moves
//! the log start offset; the segments below it go at the next retention check, through
//! `deleteLogStartOffsetBreachedSegments`.

use super::partition_log::PartitionLog;
use super::segment::Segment;
use crate::engine::error::{ApiError, ErrorCode};
use crate::storage::FileStore;

/// `LocalLog.DELETED_FILE_SUFFIX`.
pub const DELETED_FILE_SUFFIX: &str = ".deleted";

/// Why segments were deleted (`SegmentDeletionReason`'s three retention reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionReason {
    /// `deleteRetentionMsBreachedSegments`: the segment's largest timestamp is older than `retention.ms`.
    RetentionMs { retention_ms: i64 },
    /// `deleteRetentionSizeBreachedSegments`: the log is larger than `retention.bytes`.
    RetentionSize { retention_bytes: i64 },
    /// `deleteLogStartOffsetBreachedSegments`: the log start offset is at or past the next segment.
    LogStartOffset { log_start_offset: i64 },
}

/// Why the log start offset moved (`LogStartOffsetIncrementReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStartOffsetIncrementReason {
    SegmentDeletion,
    ClientRecordDeletion,
}

impl LogStartOffsetIncrementReason {
    /// Kafka's `toString` of the reason, as its log line prints it.
    pub fn name(self) -> &'static str {
        match self {
            LogStartOffsetIncrementReason::SegmentDeletion => "segment deletion",
            LogStartOffsetIncrementReason::ClientRecordDeletion => "client delete records request",
        }
    }
}

/// One deleted segment, as the trace and the UI show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedSegment {
    pub base_offset: i64,
    /// One past its last offset.
    pub next_offset: i64,
    pub size_in_bytes: i32,
    /// `LogSegment.largestTimestamp` when it was deleted (-1 without a record timestamp).
    pub largest_timestamp: i64,
}

/// What one `deleteSegments` call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentDeletion {
    pub reason: DeletionReason,
    pub segments: Vec<DeletedSegment>,
    /// The base offsets of the active segment before and after the roll that came first, when
    /// every segment was deletable.
    pub rolled: Option<(i64, i64)>,
    /// The log start offset before and after, when it moved.
    pub log_start_offset: Option<(i64, i64)>,
    /// The `.deleted` files left for the delayed delete, relative to the log dir.
    pub deleted_files: Vec<String>,
}

impl PartitionLog {
    /// `UnifiedLog.deleteOldSegments`: every retention pass that applies, in Kafka's order.
    /// `roll_jitter` draws the new segment's `segment.jitter.ms` share when a roll is needed.
    pub fn delete_old_segments(
        &mut self,
        store: &mut FileStore,
        now: i64,
        roll_jitter: &mut dyn FnMut() -> i64,
    ) -> Vec<SegmentDeletion> {
        let mut done = Vec::new();
        let start = self.log_start_offset;
        let breached =
            |_: &Segment, next: Option<&Segment>| next.is_some_and(|n| n.base_offset <= start);
        let reason = DeletionReason::LogStartOffset {
            log_start_offset: start,
        };
        done.extend(self.delete_where(store, now, roll_jitter, reason, breached));
        if self.config.cleanup_policy.delete {
            done.extend(self.delete_retention_size_breached(store, now, roll_jitter));
            done.extend(self.delete_retention_ms_breached(store, now, roll_jitter));
        }
        done
    }

    /// `deleteRetentionSizeBreachedSegments`: with `diff` = log size − `retention.bytes`, the
    /// oldest segments go while `diff − segment size ≥ 0`, so the log never drops below
    /// `retention.bytes`.
    fn delete_retention_size_breached(
        &mut self,
        store: &mut FileStore,
        now: i64,
        roll_jitter: &mut dyn FnMut() -> i64,
    ) -> Option<SegmentDeletion> {
        let retention_bytes = self.config.retention_bytes;
        let log_size = self.size_in_bytes();
        if retention_bytes < 0 || log_size < retention_bytes {
            return None;
        }
        let mut diff = log_size - retention_bytes;
        let predicate = |segment: &Segment, _: Option<&Segment>| {
            let size = i64::from(segment.size());
            let delete = diff - size >= 0;
            if delete {
                diff -= size;
            }
            delete
        };
        let reason = DeletionReason::RetentionSize { retention_bytes };
        self.delete_where(store, now, roll_jitter, reason, predicate)
    }

    /// `deleteRetentionMsBreachedSegments`: a segment goes when `now − largestTimestamp >
    /// retention.ms` (strictly greater); a segment with a timestamp in the future never does.
    fn delete_retention_ms_breached(
        &mut self,
        store: &mut FileStore,
        now: i64,
        roll_jitter: &mut dyn FnMut() -> i64,
    ) -> Option<SegmentDeletion> {
        let retention_ms = self.config.retention_ms;
        if retention_ms < 0 {
            return None;
        }
        let predicate = |segment: &Segment, _: Option<&Segment>| {
            now.saturating_sub(largest_timestamp(segment, now)) > retention_ms
        };
        let reason = DeletionReason::RetentionMs { retention_ms };
        self.delete_where(store, now, roll_jitter, reason, predicate)
    }

    /// `UnifiedLog.deleteOldSegments(predicate, reason)`: the deletable prefix, then its deletion.
    fn delete_where(
        &mut self,
        store: &mut FileStore,
        now: i64,
        roll_jitter: &mut dyn FnMut() -> i64,
        reason: DeletionReason,
        predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
    ) -> Option<SegmentDeletion> {
        let count = self.deletable_segments(predicate);
        if count == 0 {
            return None;
        }
        Some(self.delete_segments(store, now, roll_jitter, reason, count))
    }

    /// `UnifiedLog.deletableSegments`: how many segments, oldest first, the predicate lets go.
    /// The predicate is asked only about segments wholly below the high watermark (so the log
    /// start offset can never pass it), and an empty last segment is never deletable.
    pub fn deletable_segments(
        &self,
        mut predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
    ) -> usize {
        let segments: Vec<&Segment> = self.segments().collect();
        let mut count = 0;
        for (i, segment) in segments.iter().enumerate() {
            let next = segments.get(i + 1).copied();
            let is_last_segment_and_empty = next.is_none() && segment.is_empty();
            let upper_bound_offset = next.map_or(self.log_end_offset(), |n| n.base_offset);
            let deletable = self.high_watermark >= upper_bound_offset && predicate(segment, next);
            if !deletable || is_last_segment_and_empty {
                break;
            }
            count += 1;
        }
        count
    }

    /// `UnifiedLog.deleteSegments` for the `count` oldest segments: roll first when they are all
    /// of them (a log always has a segment), move the log start offset to the base offset of the
    /// segment after them, and rename their files to `.deleted`.
    fn delete_segments(
        &mut self,
        store: &mut FileStore,
        now: i64,
        roll_jitter: &mut dyn FnMut() -> i64,
        reason: DeletionReason,
        count: usize,
    ) -> SegmentDeletion {
        let rolled = if count == self.sealed.len() + 1 {
            Some(self.roll(store, roll_jitter(), now))
        } else {
            None
        };
        let deleted: Vec<Segment> = self.sealed.drain(..count.min(self.sealed.len())).collect();
        let next_base_offset = self.sealed.first().unwrap_or(&self.active).base_offset;
        let old_start = self.log_start_offset;
        // maybeIncrementLogStartOffset cannot fail here: the segments were below the high watermark.
        let log_start_offset = (next_base_offset > old_start).then(|| {
            self.log_start_offset = next_base_offset;
            self.leader_epochs.truncate_from_start(next_base_offset);
            (old_start, next_base_offset)
        });
        let mut deleted_files = Vec::new();
        let segments = deleted
            .iter()
            .map(|segment| {
                deleted_files.extend(change_file_suffixes(store, segment));
                DeletedSegment {
                    base_offset: segment.base_offset,
                    next_offset: segment.next_offset(),
                    size_in_bytes: segment.size(),
                    largest_timestamp: segment.max_timestamp_so_far(),
                }
            })
            .collect();
        SegmentDeletion {
            reason,
            segments,
            rolled,
            log_start_offset,
            deleted_files,
        }
    }

    /// `UnifiedLog.roll()`: a new active segment at the log end offset; the old one gets its
    /// final time-index entry (`onBecomeInactiveSegment`). Returns the old and new base offsets.
    fn roll(&mut self, store: &mut FileStore, roll_jitter_ms: i64, now: i64) -> (i64, i64) {
        let new_base_offset = self.log_end_offset();
        let fresh = Segment::create(
            store,
            &self.dir(),
            new_base_offset,
            self.config.segment_index_bytes,
            roll_jitter_ms,
            now,
        );
        let mut old = std::mem::replace(&mut self.active, fresh);
        old.on_become_inactive(store);
        let old_base_offset = old.base_offset;
        self.sealed.push(old);
        (old_base_offset, new_base_offset)
    }

    /// `UnifiedLog.maybeIncrementLogStartOffset`: refuses an offset past the high watermark
    /// (`OffsetOutOfRangeException`); moves the start only forwards. True when it moved.
    pub fn maybe_increment_log_start_offset(
        &mut self,
        new_log_start_offset: i64,
    ) -> Result<bool, ApiError> {
        if new_log_start_offset > self.high_watermark {
            return Err(ApiError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Cannot increment the log start offset to {new_log_start_offset} of partition {} since it is larger than the high watermark {}",
                    self.dir(),
                    self.high_watermark
                ),
            ));
        }
        if new_log_start_offset > self.log_start_offset {
            self.log_start_offset = new_log_start_offset;
            self.leader_epochs.truncate_from_start(new_log_start_offset);
            return Ok(true);
        }
        Ok(false)
    }
}

/// `LogSegment.largestTimestamp`: the largest record timestamp, or — for a segment without one —
/// the file's last-modified time, which the page cache does not keep; `now` stands in for it, so
/// such a segment is never old enough (a departure, in docs/DEPARTURES.md).
fn largest_timestamp(segment: &Segment, now: i64) -> i64 {
    match segment.max_timestamp_so_far() {
        t if t >= 0 => t,
        _ => now,
    }
}

/// `LogSegment.changeFileSuffixes("", ".deleted")`: the `.log`, `.index` and `.timeindex` files
/// that exist get the suffix. Returns the new names.
pub(super) fn change_file_suffixes(store: &mut FileStore, segment: &Segment) -> Vec<String> {
    [
        segment.log_path(),
        segment.index_path(),
        segment.time_index_path(),
    ]
    .into_iter()
    .filter_map(|path| {
        let to = format!("{path}{DELETED_FILE_SUFFIX}");
        store.rename(&path, &to).then_some(to)
    })
    .collect()
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
