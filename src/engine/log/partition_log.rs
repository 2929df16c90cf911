//! One partition's log on one broker: sealed segments, the active segment, and the offsets that
//! bound them.
//!
//! Follows `UnifiedLog`/`LocalLog`: batches are appended to the active segment, which rolls — only
//! ever on append — when `LogSegment.shouldRoll` says so; the log start offset, log end offset
//! and high watermark bound what exists and what consumers may read. Reads go through the
//! segment's sparse offset index and then scan batch headers, as `LogSegment.read` does.

use super::epoch_cache::LeaderEpochCache;
use super::index::TimestampOffset;
use super::producer_state::ProducerState;
use super::segment::{BatchSummary, RollParams, RollReason, Segment};
use super::LogConfig;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::record::{BatchHeader, BatchRef, RecordBatch};
use crate::storage::FileStore;

/// A segment that rolled, for the trace and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rolled {
    pub old_base_offset: i64,
    pub new_base_offset: i64,
    pub reason: RollReason,
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendInfo {
    pub first_offset: i64,
    pub last_offset: i64,
    pub rolled: Option<Rolled>,
}

/// Batches read from the log: whole batches as they are stored, and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedBatches {
    pub bytes: Vec<u8>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLog {
    topic: String,
    partition: i32,
    pub(super) config: LogConfig,
    pub(super) sealed: Vec<Segment>,
    pub(super) active: Segment,
    pub(super) log_start_offset: i64,
    pub(super) high_watermark: i64,
    /// Every offset below this is on disk (`LocalLog.recoveryPoint`); moved only by a flush.
    pub(super) recovery_point: i64,
    /// When the log was last flushed (`LocalLog.lastFlushedTime`), for `flush.ms`.
    pub(super) last_flush_ms: i64,
    /// Which leader epoch began where (`leader-epoch-checkpoint`).
    pub(super) leader_epochs: LeaderEpochCache,
    /// Idempotent producers' last batches (`ProducerStateManager`).
    pub(super) producer_state: ProducerState,
}

/// `topic-partition`, the directory name Kafka gives a partition's log.
pub fn partition_dir(topic: &str, partition: i32) -> String {
    format!("{topic}-{partition}")
}

impl PartitionLog {
    /// A new, empty log with its first segment at offset 0.
    pub fn create(
        store: &mut FileStore,
        topic: &str,
        partition: i32,
        config: LogConfig,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Self {
        let dir = partition_dir(topic, partition);
        let active = Segment::create(
            store,
            &dir,
            0,
            config.segment_index_bytes,
            roll_jitter_ms,
            now,
        );
        PartitionLog {
            topic: topic.to_string(),
            partition,
            config,
            sealed: Vec::new(),
            active,
            log_start_offset: 0,
            high_watermark: 0,
            recovery_point: 0,
            last_flush_ms: now,
            leader_epochs: LeaderEpochCache::default(),
            producer_state: ProducerState::default(),
        }
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    pub fn partition(&self) -> i32 {
        self.partition
    }

    pub fn dir(&self) -> String {
        partition_dir(&self.topic, self.partition)
    }

    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    /// Applies changed topic configs to this log (they take effect from the next append).
    pub fn set_config(&mut self, config: LogConfig) {
        self.config = config;
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    /// The next offset to be written.
    pub fn log_end_offset(&self) -> i64 {
        self.active.next_offset()
    }

    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }

    /// Moves the high watermark (replication decides it; it never passes the log end offset).
    pub fn set_high_watermark(&mut self, offset: i64) {
        self.high_watermark = offset.clamp(self.log_start_offset, self.log_end_offset());
    }

    /// `UnifiedLog.recoveryPoint`: every offset below it is on disk (see `engine::flush`).
    pub fn recovery_point(&self) -> i64 {
        self.recovery_point
    }

    /// `LocalLog.lastFlushTime`.
    pub fn last_flush_ms(&self) -> i64 {
        self.last_flush_ms
    }

    /// `LocalLog.unflushedMessages`: offsets appended since the recovery point.
    pub fn unflushed_messages(&self) -> i64 {
        self.log_end_offset().saturating_sub(self.recovery_point)
    }

    /// `LocalLog.markFlushed`: the recovery point moves forward (never back, never past the end).
    pub(crate) fn mark_flushed(&mut self, offset: i64, now: i64) {
        let offset = offset.min(self.log_end_offset());
        if offset > self.recovery_point {
            self.recovery_point = offset;
        }
        self.last_flush_ms = now;
    }

    /// The recovery point a log loads with (`LogLoader`'s `newRecoveryPoint`), and its flush time.
    pub(crate) fn set_loaded_recovery_point(&mut self, offset: i64, now: i64) {
        self.recovery_point = offset.clamp(0, self.log_end_offset().max(0));
        self.last_flush_ms = now;
    }

    /// Every segment, oldest first; the last is the active one.
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.sealed.iter().chain(std::iter::once(&self.active))
    }

    pub fn active_segment(&self) -> &Segment {
        &self.active
    }

    /// The leader epoch cache (`UnifiedLog.leaderEpochCache`).
    pub fn leader_epochs(&self) -> &LeaderEpochCache {
        &self.leader_epochs
    }

    /// What the log remembers of idempotent producers.
    pub fn producer_state(&self) -> &ProducerState {
        &self.producer_state
    }

    pub fn producer_state_mut(&mut self) -> &mut ProducerState {
        &mut self.producer_state
    }

    /// The path of this log's `leader-epoch-checkpoint`.
    pub fn leader_epoch_checkpoint_path(&self) -> String {
        format!(
            "{}/{}",
            self.dir(),
            super::checkpoint::LEADER_EPOCH_CHECKPOINT
        )
    }

    /// Records that `epoch` began at `start_offset` (`LeaderEpochFileCache.assign`) and, when that
    /// changed the cache, rewrites `leader-epoch-checkpoint`. Returns whether it did.
    pub fn assign_leader_epoch(
        &mut self,
        store: &mut FileStore,
        epoch: i32,
        start_offset: i64,
    ) -> bool {
        if !self.leader_epochs.assign(epoch, start_offset) {
            return false;
        }
        self.write_leader_epoch_checkpoint(store);
        true
    }

    /// Writes the cache to `leader-epoch-checkpoint` (`LeaderEpochCheckpointFile.write`).
    pub fn write_leader_epoch_checkpoint(&self, store: &mut FileStore) {
        let text = super::checkpoint::encode_leader_epochs(self.leader_epochs.entries());
        let path = self.leader_epoch_checkpoint_path();
        if store.contents(&path) != Some(text.as_bytes()) {
            store.replace(&path, text.as_bytes());
        }
    }

    /// Replaces the cache with what a loaded `leader-epoch-checkpoint` said, keeping only epochs
    /// that start inside the log (`LogLoader`: `truncateFromEnd(logEndOffset)`, then
    /// `truncateFromStart(logStartOffset)`).
    pub(crate) fn set_loaded_leader_epochs(&mut self, entries: Vec<(i32, i64)>) {
        self.leader_epochs = LeaderEpochCache::from_entries(entries);
        let (start, end) = (self.log_start_offset, self.log_end_offset());
        self.leader_epochs.truncate_from_end(end);
        self.leader_epochs.truncate_from_start(start);
    }

    /// Bytes in all segments' `.log` files.
    pub fn size_in_bytes(&self) -> i64 {
        self.segments().map(|s| i64::from(s.size())).sum()
    }

    /// Appends one batch whose offsets the leader already assigned (they start at the log end
    /// offset), rolling first if the active segment has no room (`UnifiedLog.maybeRoll`).
    pub fn append(
        &mut self,
        store: &mut FileStore,
        batch: &BatchSummary,
        bytes: &[u8],
        roll_jitter_ms: i64,
        now: i64,
    ) -> Result<AppendInfo, ApiError> {
        if batch.base_offset != self.log_end_offset() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!(
                    "batch base offset {} is not the log end offset {} of {}",
                    batch.base_offset,
                    self.log_end_offset(),
                    self.dir()
                ),
            ));
        }
        if batch.size_in_bytes > self.config.max_message_bytes {
            return Err(ApiError::new(
                ErrorCode::MessageTooLarge,
                format!(
                    "The record batch size in the append to {} is {} bytes which exceeds the maximum configured value of {}.",
                    self.dir(),
                    batch.size_in_bytes,
                    self.config.max_message_bytes
                ),
            ));
        }
        let rolled = self.maybe_roll(store, batch, roll_jitter_ms, now);
        self.active
            .append(store, batch, bytes, self.config.index_interval_bytes);
        Ok(AppendInfo {
            first_offset: batch.base_offset,
            last_offset: batch.last_offset,
            rolled,
        })
    }

    fn maybe_roll(
        &mut self,
        store: &mut FileStore,
        batch: &BatchSummary,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Option<Rolled> {
        let params = RollParams {
            max_segment_ms: self.config.segment_ms,
            max_segment_bytes: self.config.segment_bytes,
            max_timestamp_in_messages: batch.max_timestamp,
            max_offset_in_messages: batch.last_offset,
            messages_size: batch.size_in_bytes,
            now,
        };
        let reason = self.active.should_roll(&params)?;
        // Kafka replaces an empty active segment with a new one at the same base offset; keeping
        // it is the same end state.
        if self.active.is_empty() {
            return None;
        }
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
        Some(Rolled {
            old_base_offset,
            new_base_offset,
            reason,
        })
    }

    /// The segment holding `offset`: the last one whose base offset is at or below it.
    fn segment_for(&self, offset: i64) -> Option<&Segment> {
        self.segments().filter(|s| s.base_offset <= offset).last()
    }

    /// `UnifiedLog.read`: whole batches from the one holding `fetch_offset`, up to `max_bytes`
    /// (but at least one batch, KIP-74) and below `max_offset` (the high watermark for consumers).
    pub fn read(
        &self,
        store: &FileStore,
        fetch_offset: i64,
        max_bytes: i32,
        max_offset: i64,
    ) -> Result<FetchedBatches, ApiError> {
        self.check_fetch_offset(fetch_offset)?;
        let mut bytes = Vec::new();
        self.read_batches(store, fetch_offset, max_bytes, max_offset, |batch| {
            bytes.extend_from_slice(batch);
        });
        Ok(FetchedBatches {
            bytes,
            high_watermark: self.high_watermark,
            log_start_offset: self.log_start_offset,
        })
    }

    /// OFFSET_OUT_OF_RANGE unless `fetch_offset` is from the log start to the log end.
    pub fn check_fetch_offset(&self, fetch_offset: i64) -> Result<(), ApiError> {
        if fetch_offset < self.log_start_offset || fetch_offset > self.log_end_offset() {
            return Err(ApiError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Received request for offset {fetch_offset} for partition {}, but we only have log segments in the range {} to {}.",
                    self.dir(),
                    self.log_start_offset,
                    self.log_end_offset()
                ),
            ));
        }
        Ok(())
    }

    /// [`PartitionLog::read`] without the copy: each whole batch is handed to `each` as it lies
    /// in the page cache, in offset order. The caller checked that `fetch_offset` is in range.
    pub fn read_batches<'s>(
        &self,
        store: &'s FileStore,
        fetch_offset: i64,
        max_bytes: i32,
        max_offset: i64,
        mut each: impl FnMut(&'s [u8]),
    ) {
        let mut read = 0;
        // A reader caught up with the end (a follower's usual fetch) gets nothing, at once.
        let mut segment = if fetch_offset < self.log_end_offset().min(max_offset) {
            self.segment_for(fetch_offset)
        } else {
            None
        };
        let limit = usize::try_from(max_bytes.max(0)).unwrap_or(0);
        while let Some(current) = segment {
            let Some(file) = store.contents(current.log_path_str()) else {
                break;
            };
            let start = usize::try_from(current.start_position(fetch_offset)).unwrap_or(0);
            if read_segment(
                file,
                start,
                fetch_offset,
                limit,
                max_offset,
                &mut read,
                &mut each,
            ) {
                break;
            }
            segment = self
                .segments()
                .find(|s| s.base_offset > current.base_offset);
        }
    }

    /// `UnifiedLog.fetchOffsetByTimestamp` for a real timestamp: the first offset whose record
    /// has a timestamp at or after `target`, found through the time index and then a scan.
    pub fn offset_for_timestamp(&self, store: &FileStore, target: i64) -> Option<TimestampOffset> {
        let segment = self
            .segments()
            .find(|s| s.max_timestamp_so_far() >= target)?;
        let from = segment.time_index().lookup(target).offset;
        let fetched = self
            .read(
                store,
                from.max(self.log_start_offset),
                i32::MAX,
                self.high_watermark,
            )
            .ok()?;
        let batches = RecordBatch::decode_all(&fetched.bytes).ok()?;
        batches.iter().find_map(|batch| {
            batch
                .records()
                .iter()
                .filter(|r| r.offset >= from && r.offset < self.high_watermark)
                .map(|r| TimestampOffset {
                    timestamp: batch.timestamp_of(r),
                    offset: r.offset,
                })
                .find(|t| t.timestamp >= target)
        })
    }

    /// ListOffsets `-3` (KIP-734) as `UnifiedLog.fetchOffsetByTimestamp` finds it: the segment
    /// with the largest timestamp (the first of equals), then, from its offset index entry for
    /// the batch that set it, the first batch with that max timestamp, and in it the first
    /// record with that timestamp (`DefaultRecordBatch.offsetOfMaxTimestamp`; the base offset
    /// for `LogAppendTime`).
    pub fn max_timestamp_offset(&self, store: &FileStore) -> Option<TimestampOffset> {
        let segment = self
            .segments()
            .fold(None, |best: Option<&Segment>, s| match best {
                Some(b) if b.max_timestamp_so_far() >= s.max_timestamp_so_far() => Some(b),
                _ => Some(s),
            })?;
        let max_timestamp = segment.max_timestamp_so_far();
        if max_timestamp < 0 {
            return None;
        }
        let file = store.contents(segment.log_path_str())?;
        let start = segment
            .offset_index()
            .lookup(segment.offset_of_max_timestamp_so_far())
            .position;
        let mut position = usize::try_from(start).ok()?;
        while let Ok(header) = BatchHeader::parse(file.get(position..)?) {
            if header.max_timestamp == max_timestamp {
                let (batch, _) = BatchRef::decode(file.get(position..)?).ok()?;
                if batch.timestamp_type() == crate::engine::record::TimestampType::LogAppendTime {
                    return Some(TimestampOffset {
                        timestamp: max_timestamp,
                        offset: batch.base_offset(),
                    });
                }
                return batch
                    .records()
                    .iter()
                    .find(|r| batch.timestamp_of(r) == max_timestamp)
                    .map(|r| TimestampOffset {
                        timestamp: max_timestamp,
                        offset: r.offset,
                    });
            }
            position += usize::try_from(header.size_in_bytes()).ok()?;
        }
        None
    }

    /// A log rebuilt from its segments by [`super::load`]: `sealed` oldest first, then `active`.
    /// The log start offset is kept within the segments' offsets and the high watermark between
    /// it and the log end offset.
    pub(crate) fn from_parts(
        topic: &str,
        partition: i32,
        config: LogConfig,
        sealed: Vec<Segment>,
        active: Segment,
        log_start_offset: i64,
        high_watermark: i64,
    ) -> Self {
        let first_base_offset = sealed.first().unwrap_or(&active).base_offset;
        let mut log = PartitionLog {
            topic: topic.to_string(),
            partition,
            config,
            sealed,
            active,
            log_start_offset: 0,
            high_watermark: 0,
            recovery_point: 0,
            last_flush_ms: 0,
            leader_epochs: LeaderEpochCache::default(),
            producer_state: ProducerState::default(),
        };
        // max then min, not clamp: clamp panics on bounds out of order.
        log.log_start_offset = log_start_offset
            .max(first_base_offset)
            .min(log.log_end_offset());
        log.set_high_watermark(high_watermark);
        log
    }

    /// The sealed segments, oldest first, for the cleaner's swap (`log::cleaner::swap`), which
    /// replaces a run of them with one cleaned segment.
    pub(super) fn sealed_segments_mut(&mut self) -> &mut Vec<Segment> {
        &mut self.sealed
    }

    /// `LogSegment.close` for the active segment on a clean shutdown: it writes the final
    /// time-index entry, so the largest timestamp can be read back from the `.timeindex`.
    pub(crate) fn close(&mut self, store: &mut FileStore) {
        self.active.on_become_inactive(store);
    }
}

/// Hands to `each` the batches of one segment's `.log` bytes, from `position`, that hold offsets
/// from `fetch_offset` to below `max_offset`, counting their bytes in `read`; true when the read
/// is complete (`limit` reached, or the end of what may be read). The first batch is handed over
/// whatever its size, as Kafka does, so a reader always makes progress.
fn read_segment<'s>(
    file: &'s [u8],
    mut position: usize,
    fetch_offset: i64,
    limit: usize,
    max_offset: i64,
    read: &mut usize,
    each: &mut impl FnMut(&'s [u8]),
) -> bool {
    while let Ok(header) = BatchHeader::parse(&file[position.min(file.len())..]) {
        let size = usize::try_from(header.size_in_bytes()).unwrap_or(usize::MAX);
        if header.base_offset >= max_offset || size > file.len() - position {
            return true;
        }
        if header.last_offset() >= fetch_offset {
            if *read > 0 && *read + size > limit {
                return true;
            }
            each(&file[position..position + size]);
            *read += size;
        }
        position += size;
    }
    false
}
