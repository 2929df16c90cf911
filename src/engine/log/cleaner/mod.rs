//! Log compaction: what of a compacted log can be cleaned, and the cleaning itself.
//!
//! Follows Kafka 4.1's `org.apache.kafka.storage.internals.log` cleaner classes:
//!
//! | here | Kafka | owns |
//! |---|---|---|
//! | [`PartitionLog::cleanable_offsets`] | `LogCleanerManager.cleanableOffsets` | the first dirty offset and the first uncleanable offset |
//! | [`PartitionLog::log_to_clean`], [`LogToClean`] | `LogToClean`, `LogCleanerManager.calculateCleanableBytes`, `maxCompactionDelay` | clean bytes, cleanable bytes, the dirty ratio, `max.compaction.lag.ms` |
//! | [`offset_map`] | `SkimpyOffsetMap` | key → latest offset over the dirty section |
//! | [`grouping`] | `Cleaner.groupSegmentsBySize` | which segments merge into one |
//! | [`clean`] | `Cleaner.doClean`, `buildOffsetMap`, `cleanSegments`, `cleanInto`, `MemoryRecords.filterTo` | rewriting segments, tombstones and the KIP-534 delete horizon |
//! | [`swap`] | `LocalLog.replaceSegments` | `.cleaned` → `.swap` → final names, old files to `.deleted` |
//!
//! The log is split at the first dirty offset: below it the *clean tail* (already cleaned, each key
//! at most once), from it to the first uncleanable offset the *dirty head* that the next clean
//! covers, and beyond that what may not be cleaned yet (the active segment, records above the high
//! watermark, segments younger than `min.compaction.lag.ms`). The cluster's cleaner job
//! (`engine::cleaner`) picks the log with the highest dirty ratio and keeps the first dirty offsets
//! in `cleaner-offset-checkpoint`.

pub mod clean;
pub mod grouping;
pub mod offset_map;
pub mod swap;

pub use clean::{CleanParams, CleanResult, CleanerStats};

use super::segment::Segment;
use super::PartitionLog;

/// `LogCleanerManager.OffsetsToClean`: the range of dirty offsets that can be cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetsToClean {
    /// Where cleaning starts: the checkpointed offset, or the log start offset.
    pub first_dirty_offset: i64,
    /// Where it stops (exclusive), never below the first dirty offset.
    pub first_uncleanable_dirty_offset: i64,
    /// The checkpoint was outside the log and must be rewritten with `first_dirty_offset`.
    pub force_update_checkpoint: bool,
}

/// `LogToClean`: a compacted log's clean tail, dirty head and whether it must be cleaned now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogToClean {
    pub first_dirty_offset: i64,
    /// The base offset of the first segment that cannot be cleaned: the clean stops there.
    pub first_uncleanable_offset: i64,
    /// Bytes of the segments below the first dirty offset (the clean tail).
    pub clean_bytes: i64,
    /// Bytes of the segments from the first dirty offset to the first uncleanable one.
    pub cleanable_bytes: i64,
    pub total_bytes: i64,
    /// How long past `max.compaction.lag.ms` the oldest dirty segment is (0 if it is not).
    pub max_compaction_delay_ms: i64,
}

impl LogToClean {
    /// `needCompactionNow`: a dirty record is older than `max.compaction.lag.ms`.
    pub fn need_compaction_now(&self) -> bool {
        self.max_compaction_delay_ms > 0
    }

    /// `cleanableRatio` (cleanable / total bytes) in parts per million, rounded down.
    pub fn dirty_ratio_ppm(&self) -> i64 {
        if self.total_bytes <= 0 {
            return 0;
        }
        let ratio = i128::from(self.cleanable_bytes) * 1_000_000 / i128::from(self.total_bytes);
        i64::try_from(ratio).unwrap_or(i64::MAX)
    }

    /// `cleanableRatio > minCleanableRatio`, compared exactly: Kafka's test is strictly greater.
    pub fn ratio_exceeds(&self, min_cleanable_dirty_ratio_ppm: u32) -> bool {
        i128::from(self.cleanable_bytes) * 1_000_000
            > i128::from(min_cleanable_dirty_ratio_ppm) * i128::from(self.total_bytes)
    }

    /// The filter of `grabFilthiestCompactedLog`: past `max.compaction.lag.ms` with something to
    /// clean, or dirtier than `min.cleanable.dirty.ratio`.
    pub fn is_cleanable(&self, min_cleanable_dirty_ratio_ppm: u32) -> bool {
        (self.need_compaction_now() && self.cleanable_bytes > 0)
            || self.ratio_exceeds(min_cleanable_dirty_ratio_ppm)
    }

    /// Orders two logs by dirty ratio, exactly (`LogToClean.compareTo`).
    pub fn cmp_ratio(&self, other: &LogToClean) -> std::cmp::Ordering {
        let mine = i128::from(self.cleanable_bytes) * i128::from(other.total_bytes.max(1));
        let theirs = i128::from(other.cleanable_bytes) * i128::from(self.total_bytes.max(1));
        mine.cmp(&theirs)
    }
}

impl PartitionLog {
    /// `LogSegments.values(from, to)`: the segment holding `from` (or the first one after it)
    /// and every later segment whose base offset is below `to`.
    pub fn log_segments(&self, from: i64, to: i64) -> impl Iterator<Item = &Segment> {
        let floor = self
            .segments()
            .filter(|s| s.base_offset <= from)
            .last()
            .map_or(i64::MIN, |s| s.base_offset);
        self.segments()
            .filter(move |s| from < to && s.base_offset >= floor && s.base_offset < to)
    }

    /// `LocalLog.nonActiveLogSegmentsFrom`.
    pub fn non_active_log_segments_from(&self, from: i64) -> impl Iterator<Item = &Segment> {
        let active = self.active_segment().base_offset;
        let to = if from > active { from } else { active };
        self.log_segments(from, to)
    }

    /// `LogCleanerManager.cleanableOffsets`: the first dirty offset is the checkpointed one, reset
    /// to the log start offset when it lies outside the log; the first uncleanable offset is the
    /// least of the high watermark (the last stable offset, with no transactions), the active
    /// segment's base offset, and the first dirty segment whose largest timestamp is within
    /// `min.compaction.lag.ms` of `now`.
    pub fn cleanable_offsets(&self, last_clean_offset: Option<i64>, now: i64) -> OffsetsToClean {
        let log_start_offset = self.log_start_offset();
        let checkpoint = last_clean_offset.unwrap_or(log_start_offset);
        let (first_dirty_offset, force_update_checkpoint) =
            if checkpoint < log_start_offset || checkpoint > self.log_end_offset() {
                (log_start_offset, true)
            } else {
                (checkpoint, false)
            };
        let min_lag = self.config().min_compaction_lag_ms.max(0);
        let young = (min_lag > 0)
            .then(|| {
                self.non_active_log_segments_from(first_dirty_offset)
                    .find(|s| s.max_timestamp_so_far() > now.saturating_sub(min_lag))
                    .map(|s| s.base_offset)
            })
            .flatten();
        let first_uncleanable = [
            Some(self.high_watermark()),
            Some(self.active_segment().base_offset),
            young,
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(first_dirty_offset);
        OffsetsToClean {
            first_dirty_offset,
            first_uncleanable_dirty_offset: first_uncleanable.max(first_dirty_offset),
            force_update_checkpoint,
        }
    }

    /// `new LogToClean(log, firstDirtyOffset, uncleanableOffset, needCompactionNow)`.
    pub fn log_to_clean(&self, offsets: &OffsetsToClean, now: i64) -> LogToClean {
        let first_dirty = offsets.first_dirty_offset;
        let clean_bytes = sizes(self.log_segments(-1, first_dirty));
        // calculateCleanableBytes: the clean stops at the base of the segment holding the
        // uncleanable offset.
        let first_uncleanable_offset = self
            .non_active_log_segments_from(offsets.first_uncleanable_dirty_offset)
            .next()
            .unwrap_or(self.active_segment())
            .base_offset;
        let cleanable_bytes = sizes(self.log_segments(
            first_dirty.min(first_uncleanable_offset),
            first_uncleanable_offset,
        ));
        LogToClean {
            first_dirty_offset: first_dirty,
            first_uncleanable_offset,
            clean_bytes,
            cleanable_bytes,
            total_bytes: clean_bytes + cleanable_bytes,
            max_compaction_delay_ms: self.max_compaction_delay(first_dirty, now),
        }
    }

    /// `LogCleanerManager.maxCompactionDelay`: how far the earliest first-batch timestamp of the
    /// dirty sealed segments is past `now - max.compaction.lag.ms`.
    fn max_compaction_delay(&self, first_dirty_offset: i64, now: i64) -> i64 {
        let earliest = self
            .non_active_log_segments_from(first_dirty_offset)
            .filter_map(Segment::rolling_based_timestamp)
            .filter(|&t| t > 0)
            .min()
            .unwrap_or(i64::MAX);
        let clean_until = now.saturating_sub(self.config().max_compaction_lag_ms.max(0));
        if earliest < clean_until {
            clean_until - earliest
        } else {
            0
        }
    }
}

fn sizes<'a>(segments: impl Iterator<Item = &'a Segment>) -> i64 {
    segments.map(|s| i64::from(s.size())).sum()
}
