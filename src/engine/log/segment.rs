//! One log segment: a `.log` file of record batches and its `.index` and `.timeindex`.
//!
//! Follows `org.apache.kafka.storage.internals.log.LogSegment`: batches are appended whole; after
//! more than `index.interval.bytes` since the last index entry, a batch gets an offset-index entry
//! (its last offset → its position) and the time index gets the largest timestamp so far; when the
//! segment stops being active it writes a final time-index entry. The bytes live in the broker's
//! [`FileStore`]; this struct keeps what Kafka keeps in memory about them.

use super::index::{OffsetIndex, TimeIndex};
use crate::storage::FileStore;

/// What the log needs to know about a batch it appends or reads past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSummary {
    pub base_offset: i64,
    pub last_offset: i64,
    pub max_timestamp: i64,
    pub size_in_bytes: i32,
    pub record_count: i32,
}

/// The file name of a segment file: the base offset as 20 digits (`LogFileUtils.filenamePrefixFromOffset`).
pub fn file_name(base_offset: i64, suffix: &str) -> String {
    format!("{base_offset:020}{suffix}")
}

/// `RollParams`: what `shouldRoll` compares against.
#[derive(Debug, Clone, Copy)]
pub struct RollParams {
    pub max_segment_ms: i64,
    pub max_segment_bytes: i32,
    pub max_timestamp_in_messages: i64,
    pub max_offset_in_messages: i64,
    pub messages_size: i32,
    pub now: i64,
}

/// Why a segment rolled, for the UI and the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollReason {
    Size,
    Time,
    OffsetIndexFull,
    TimeIndexFull,
    OffsetOverflow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// `<partition dir>/<base offset>.log`, `.index` and `.timeindex`, kept because reads and appends name
    /// them every time (formatting a path cost more than the index entry written to it).
    log_path: String,
    index_path: String,
    time_index_path: String,
    pub base_offset: i64,
    size: i32,
    next_offset: i64,
    record_count: i64,
    offset_index: OffsetIndex,
    time_index: TimeIndex,
    max_timestamp_so_far: i64,
    offset_of_max_timestamp_so_far: i64,
    /// The first batch's max timestamp: what `segment.ms` counts from (`rollingBasedTimestamp`).
    rolling_based_timestamp: Option<i64>,
    bytes_since_last_index_entry: i32,
    /// This segment's share of `segment.jitter.ms`, drawn when it was created.
    roll_jitter_ms: i64,
    /// (base offset, position) of the last batches appended since it was opened: followers
    /// fetch right behind the log end, so a read can start there instead of scanning from the
    /// last index entry (an in-memory shortcut; the files are unchanged).
    recent: std::collections::VecDeque<(i64, i32)>,
    created_ms: i64,
}

/// A segment's `.log`, `.index` and `.timeindex` paths in `dir`.
fn file_paths(dir: &str, base_offset: i64) -> [String; 3] {
    [".log", ".index", ".timeindex"]
        .map(|suffix| format!("{dir}/{}", file_name(base_offset, suffix)))
}

impl Segment {
    /// Creates an empty segment and its three (empty) files.
    pub fn create(
        store: &mut FileStore,
        dir: &str,
        base_offset: i64,
        max_index_size: i32,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Self {
        let [log_path, index_path, time_index_path] = file_paths(dir, base_offset);
        let segment = Segment {
            log_path,
            index_path,
            time_index_path,
            base_offset,
            size: 0,
            next_offset: base_offset,
            record_count: 0,
            offset_index: OffsetIndex::new(base_offset, max_index_size),
            time_index: TimeIndex::new(base_offset, max_index_size),
            max_timestamp_so_far: -1,
            offset_of_max_timestamp_so_far: -1,
            rolling_based_timestamp: None,
            bytes_since_last_index_entry: 0,
            recent: std::collections::VecDeque::new(),
            roll_jitter_ms,
            created_ms: now,
        };
        for path in [
            segment.log_path(),
            segment.index_path(),
            segment.time_index_path(),
        ] {
            store.create(&path);
        }
        segment
    }

    pub fn log_path(&self) -> String {
        self.log_path.clone()
    }

    /// [`Self::log_path`] without a copy, for the hot paths.
    pub fn log_path_str(&self) -> &str {
        &self.log_path
    }

    pub fn index_path(&self) -> String {
        self.index_path.clone()
    }

    pub fn time_index_path(&self) -> String {
        self.time_index_path.clone()
    }

    /// Bytes in the `.log` file.
    pub fn size(&self) -> i32 {
        self.size
    }

    /// One past the last offset in this segment (the base offset when empty).
    pub fn next_offset(&self) -> i64 {
        self.next_offset
    }

    pub fn record_count(&self) -> i64 {
        self.record_count
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn max_timestamp_so_far(&self) -> i64 {
        self.max_timestamp_so_far
    }

    pub fn offset_of_max_timestamp_so_far(&self) -> i64 {
        self.offset_of_max_timestamp_so_far
    }

    /// The first batch's max timestamp, if there is a batch.
    pub fn rolling_based_timestamp(&self) -> Option<i64> {
        self.rolling_based_timestamp
    }

    /// Where a read of `fetch_offset` starts scanning: a recent batch at or below it when the
    /// recent ones reach back that far, else the offset index's entry.
    pub fn start_position(&self, fetch_offset: i64) -> i32 {
        if self
            .recent
            .front()
            .is_some_and(|&(base, _)| base <= fetch_offset)
        {
            if let Some(&(_, position)) =
                self.recent.iter().rev().find(|&&(b, _)| b <= fetch_offset)
            {
                return position;
            }
        }
        self.offset_index.lookup(fetch_offset).position
    }

    pub fn offset_index(&self) -> &OffsetIndex {
        &self.offset_index
    }

    pub fn time_index(&self) -> &TimeIndex {
        &self.time_index
    }

    /// `LogSegment.append`: writes the batch's bytes and maintains both indexes.
    pub fn append(
        &mut self,
        store: &mut FileStore,
        batch: &BatchSummary,
        bytes: &[u8],
        index_interval_bytes: i32,
    ) {
        let position = self.size;
        store.append(&self.log_path, bytes);
        const RECENT_BATCHES: usize = 64;
        if self.recent.len() == RECENT_BATCHES {
            self.recent.pop_front();
        }
        self.recent.push_back((batch.base_offset, position));
        if self.rolling_based_timestamp.is_none() {
            self.rolling_based_timestamp = Some(batch.max_timestamp);
        }
        if batch.max_timestamp > self.max_timestamp_so_far {
            self.max_timestamp_so_far = batch.max_timestamp;
            // Kafka 4.1's `LogSegment.append`: the batch's last offset, not the record's (the
            // time index points at batches; ListOffsets -3 finds the record in the batch).
            self.offset_of_max_timestamp_so_far = batch.last_offset;
        }
        if self.bytes_since_last_index_entry > index_interval_bytes {
            if let Some(entry) = self.offset_index.append(batch.last_offset, position) {
                store.append(&self.index_path, &entry);
            }
            self.append_time_index_entry(store, false);
            self.bytes_since_last_index_entry = 0;
        }
        self.size = self.size.saturating_add(batch.size_in_bytes);
        self.bytes_since_last_index_entry = self
            .bytes_since_last_index_entry
            .saturating_add(batch.size_in_bytes);
        self.next_offset = batch.last_offset + 1;
        self.record_count += i64::from(batch.record_count);
    }

    fn append_time_index_entry(&mut self, store: &mut FileStore, skip_full_check: bool) {
        let (timestamp, offset) = (
            self.max_timestamp_so_far,
            self.offset_of_max_timestamp_so_far,
        );
        if timestamp < 0 {
            return;
        }
        if let Some(entry) = self
            .time_index
            .maybe_append(timestamp, offset, skip_full_check)
        {
            store.append(&self.time_index_path, &entry);
        }
    }

    /// `LogSegment.onBecomeInactiveSegment`: the final time-index entry.
    pub fn on_become_inactive(&mut self, store: &mut FileStore) {
        self.append_time_index_entry(store, true);
    }

    /// `LogSegment.shouldRoll`: the segment is too full, too old or out of index room for a batch.
    pub fn should_roll(&self, params: &RollParams) -> Option<RollReason> {
        let waited = match self.rolling_based_timestamp {
            Some(first) => params.max_timestamp_in_messages - first,
            None => params.now - self.created_ms,
        };
        let reached_roll_ms = waited > params.max_segment_ms - self.roll_jitter_ms;
        // Widened so that a batch larger than segment.bytes cannot overflow the comparison.
        if i64::from(self.size)
            > i64::from(params.max_segment_bytes) - i64::from(params.messages_size)
        {
            Some(RollReason::Size)
        } else if self.size > 0 && reached_roll_ms {
            Some(RollReason::Time)
        } else if self.offset_index.is_full() {
            Some(RollReason::OffsetIndexFull)
        } else if self.time_index.is_full() {
            Some(RollReason::TimeIndexFull)
        } else if params.max_offset_in_messages - self.base_offset > i64::from(i32::MAX) {
            Some(RollReason::OffsetOverflow)
        } else {
            None
        }
    }

    /// A segment rebuilt from its files by [`super::load`], as `LogSegment.open` leaves an existing
    /// segment: the bytes towards the next index entry count from zero again and `created` is the
    /// time of loading (both as in Kafka), and `roll_jitter_ms` is a fresh draw.
    pub(crate) fn from_parts(
        dir: &str,
        parts: super::load::SegmentParts,
        roll_jitter_ms: i64,
        now: i64,
    ) -> Self {
        let [log_path, index_path, time_index_path] = file_paths(dir, parts.base_offset);
        Segment {
            log_path,
            index_path,
            time_index_path,
            base_offset: parts.base_offset,
            size: parts.size,
            next_offset: parts.next_offset,
            record_count: parts.record_count,
            offset_index: parts.offset_index,
            time_index: parts.time_index,
            max_timestamp_so_far: parts.max_timestamp_so_far,
            offset_of_max_timestamp_so_far: parts.offset_of_max_timestamp_so_far,
            rolling_based_timestamp: parts.rolling_based_timestamp,
            bytes_since_last_index_entry: 0,
            recent: std::collections::VecDeque::new(),
            roll_jitter_ms,
            created_ms: now,
        }
    }
}
