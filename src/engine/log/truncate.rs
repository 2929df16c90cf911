//! Truncating a log's tail: a follower removing what the new leader does not have
//! (`UnifiedLog.truncateTo`, `LocalLog.truncateTo`, `LogSegment.truncateTo`), and a crashed
//! broker losing what it never flushed.

use super::load::reopen_truncated_segment;
use super::retention::change_file_suffixes;
use super::segment::Segment;
use super::PartitionLog;
use crate::engine::record::BatchHeader;
use crate::storage::FileStore;

/// What a truncation removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    /// The log end offset before and after.
    pub old_log_end_offset: i64,
    pub new_log_end_offset: i64,
    /// The removed segments' files, renamed `.deleted` for the delayed delete job.
    pub deleted_files: Vec<String>,
}

impl PartitionLog {
    /// Removes every record at or after `target` (a batch holding `target` goes whole, as
    /// `LogSegment.truncateTo` cuts at batch boundaries). Segments starting after `target` are
    /// renamed `.deleted`; the one holding it becomes the active segment. The high watermark,
    /// the recovery point and the leader epoch cache follow the new end. `None` when nothing
    /// is past `target` (an epoch entry starting at the end still goes).
    pub fn truncate_to(
        &mut self,
        store: &mut FileStore,
        target: i64,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Option<Truncation> {
        let old_log_end_offset = self.log_end_offset();
        if target >= old_log_end_offset {
            // UnifiedLog.truncateTo: "Always truncate epoch cache since we may have a conflicting
            // epoch entry at the end of the log from the leader" — a leader that assigned its
            // epoch's start offset and was replaced before it appended anything.
            self.leader_epochs.truncate_from_end(old_log_end_offset);
            return None;
        }
        let target = target.max(0);
        let mut deleted_files = Vec::new();
        let mut segments: Vec<Segment> = std::mem::take(&mut self.sealed);
        segments.push(self.active.clone());
        // Keep at least the first segment: a target before it empties it (truncateFullyAndStartAt
        // would start a new one at the target; an empty first segment is the same log).
        let keep = segments
            .iter()
            .skip(1)
            .take_while(|s| s.base_offset <= target)
            .count()
            + 1;
        for removed in segments.drain(keep..) {
            deleted_files.extend(change_file_suffixes(store, &removed));
        }
        let last = segments.pop()?;
        let cut = cut_position(store, &last, target);
        store.truncate(&last.log_path(), cut);
        self.active = reopen_truncated_segment(
            store,
            &self.dir(),
            last.base_offset,
            &self.config,
            roll_jitter_ms,
            now,
        );
        self.sealed = segments;
        let end = self.log_end_offset();
        self.high_watermark = self.high_watermark.min(end);
        self.recovery_point = self.recovery_point.min(end);
        self.log_start_offset = self.log_start_offset.min(end);
        self.leader_epochs.truncate_from_end(end);
        self.producer_state.truncate_from(end);
        Some(Truncation {
            old_log_end_offset,
            new_log_end_offset: end,
            deleted_files,
        })
    }
}

impl PartitionLog {
    /// `UnifiedLog.truncateFullyAndStartAt`: every segment goes (renamed `.deleted`) and the log
    /// starts empty at `offset` — a follower whose log ends before its leader's log start
    /// (`OFFSET_OUT_OF_RANGE`, `AbstractFetcherThread.fetchOffsetAndTruncate`), e.g. a replica
    /// added by a reassignment after records were deleted.
    pub fn truncate_fully_and_start_at(
        &mut self,
        store: &mut FileStore,
        offset: i64,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Truncation {
        let old_log_end_offset = self.log_end_offset();
        let mut deleted_files = Vec::new();
        let mut segments: Vec<Segment> = std::mem::take(&mut self.sealed);
        segments.push(self.active.clone());
        for removed in &segments {
            deleted_files.extend(change_file_suffixes(store, removed));
        }
        self.active = Segment::create(
            store,
            &self.dir(),
            offset,
            self.config.segment_index_bytes,
            roll_jitter_ms,
            now,
        );
        self.log_start_offset = offset;
        self.high_watermark = offset;
        self.recovery_point = offset;
        // leaderEpochCache.clearAndFlush, producerStateManager.truncateFullyAndStartAt.
        self.leader_epochs = Default::default();
        self.producer_state.truncate_from(i64::MIN);
        Truncation {
            old_log_end_offset,
            new_log_end_offset: offset,
            deleted_files,
        }
    }
}

/// The byte position of the first batch in `segment` holding an offset at or after `target`
/// (`LogSegment.translateOffset`), or the file's length when there is none.
fn cut_position(store: &FileStore, segment: &Segment, target: i64) -> u64 {
    let Some(file) = store.contents(&segment.log_path()) else {
        return 0;
    };
    let start = segment.offset_index().lookup(target).position;
    let mut position = usize::try_from(start).unwrap_or(0);
    while let Ok(header) = BatchHeader::parse(&file[position.min(file.len())..]) {
        if header.last_offset() >= target {
            break;
        }
        let Ok(size) = usize::try_from(header.size_in_bytes()) else {
            break;
        };
        if size == 0 || position + size > file.len() {
            break;
        }
        position += size;
    }
    position.min(file.len()) as u64
}
