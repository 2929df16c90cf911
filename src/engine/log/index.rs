//! A segment's two sparse indexes, in Kafka's file formats.
//!
//! `OffsetIndex` (`.index`): 8-byte entries of (offset − base offset) as int32 and the batch's
//! physical position in the `.log` as int32. `TimeIndex` (`.timeindex`): 12-byte entries of a
//! timestamp as int64 and (offset − base offset) as int32. Both big-endian, both append-only with
//! increasing keys, both holding at most `segment.index.bytes / entry size` entries
//! (`AbstractIndex.maxEntries`). Follows `org.apache.kafka.storage.internals.log.OffsetIndex` and
//! `TimeIndex`. Kafka preallocates the files to `segment.index.bytes` and trims them when the
//! segment rolls; here the files only ever hold the entries written (docs/DEPARTURES.md).

/// One `.index` entry: the batch whose last offset is `offset` starts at `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetPosition {
    pub offset: i64,
    pub position: i32,
}

/// One `.timeindex` entry: records up to `offset` have timestamps up to `timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampOffset {
    pub timestamp: i64,
    pub offset: i64,
}

/// `OffsetIndex.ENTRY_SIZE`.
pub const OFFSET_ENTRY_SIZE: i32 = 8;
/// `TimeIndex.ENTRY_SIZE`.
pub const TIME_ENTRY_SIZE: i32 = 12;

/// A malformed index file (a corrupt index is rebuilt from the log, as `LogLoader` does).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("index file size {size} is not a multiple of the entry size {entry_size}")]
    PartialEntry { size: usize, entry_size: i32 },
    #[error("index entry {entry} goes backwards (offset {offset} after {previous})")]
    NotIncreasing {
        entry: usize,
        offset: i64,
        previous: i64,
    },
}

/// The sparse offset index of one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetIndex {
    base_offset: i64,
    max_entries: usize,
    entries: Vec<OffsetPosition>,
}

impl OffsetIndex {
    pub fn new(base_offset: i64, max_index_size: i32) -> Self {
        OffsetIndex {
            base_offset,
            max_entries: max_entries(max_index_size, OFFSET_ENTRY_SIZE),
            entries: Vec::new(),
        }
    }

    pub fn entries(&self) -> &[OffsetPosition] {
        &self.entries
    }

    /// `AbstractIndex.isFull`: no room for another entry.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= self.max_entries
    }

    /// Appends an entry and returns its bytes for the `.index` file; `None` when the entry would
    /// not be larger than the last one or the index is full (Kafka throws there; the log never
    /// asks, because it rolls first).
    pub fn append(&mut self, offset: i64, position: i32) -> Option<[u8; 8]> {
        if self.is_full()
            || self
                .entries
                .last()
                .is_some_and(|last| offset <= last.offset)
        {
            return None;
        }
        let relative = relative_offset(self.base_offset, offset)?;
        self.entries.push(OffsetPosition { offset, position });
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&relative.to_be_bytes());
        bytes[4..].copy_from_slice(&position.to_be_bytes());
        Some(bytes)
    }

    /// `OffsetIndex.lookup`: the last entry at or below `target`, or (base offset, 0).
    pub fn lookup(&self, target: i64) -> OffsetPosition {
        let index = self.entries.partition_point(|e| e.offset <= target);
        match index {
            0 => OffsetPosition {
                offset: self.base_offset,
                position: 0,
            },
            i => self.entries[i - 1],
        }
    }

    /// The whole file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.entries.len() * 8);
        for e in &self.entries {
            let relative = (e.offset - self.base_offset) as i32;
            bytes.extend_from_slice(&relative.to_be_bytes());
            bytes.extend_from_slice(&e.position.to_be_bytes());
        }
        bytes
    }

    /// Reads an `.index` file; entries must increase (`OffsetIndex.sanityCheck`).
    pub fn from_bytes(
        base_offset: i64,
        max_index_size: i32,
        bytes: &[u8],
    ) -> Result<Self, IndexError> {
        let mut index = OffsetIndex::new(base_offset, max_index_size);
        for (entry, chunk) in entry_chunks(bytes, OFFSET_ENTRY_SIZE)?.enumerate() {
            let offset = base_offset + i64::from(be_i32(&chunk[..4]));
            let position = be_i32(&chunk[4..8]);
            if let Some(previous) = index.entries.last() {
                if offset <= previous.offset {
                    return Err(IndexError::NotIncreasing {
                        entry,
                        offset,
                        previous: previous.offset,
                    });
                }
            }
            index.entries.push(OffsetPosition { offset, position });
        }
        Ok(index)
    }
}

/// The time index of one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeIndex {
    base_offset: i64,
    max_entries: usize,
    entries: Vec<TimestampOffset>,
}

impl TimeIndex {
    pub fn new(base_offset: i64, max_index_size: i32) -> Self {
        TimeIndex {
            base_offset,
            max_entries: max_entries(max_index_size, TIME_ENTRY_SIZE),
            entries: Vec::new(),
        }
    }

    pub fn entries(&self) -> &[TimestampOffset] {
        &self.entries
    }

    pub fn last_entry(&self) -> Option<TimestampOffset> {
        self.entries.last().copied()
    }

    /// `TimeIndex.isFull`: one slot short of `maxEntries`, because the last slot is kept for the
    /// entry written when the segment rolls (`onBecomeInactiveSegment`).
    pub fn is_full(&self) -> bool {
        self.entries.len() + 1 >= self.max_entries
    }

    /// `TimeIndex.maybeAppend`: appends only a timestamp larger than the last entry's, and
    /// returns the entry's bytes for the `.timeindex` file. `skip_full_check` is for the final
    /// entry written when the segment stops being active.
    pub fn maybe_append(
        &mut self,
        timestamp: i64,
        offset: i64,
        skip_full_check: bool,
    ) -> Option<[u8; 12]> {
        if !skip_full_check && self.is_full() {
            return None;
        }
        // An empty index's last entry is (NO_TIMESTAMP, base offset): only a larger timestamp is
        // ever written.
        let last = self.entries.last().copied().unwrap_or(TimestampOffset {
            timestamp: -1,
            offset: self.base_offset,
        });
        if timestamp <= last.timestamp || offset < last.offset {
            return None;
        }
        let relative = relative_offset(self.base_offset, offset)?;
        self.entries.push(TimestampOffset { timestamp, offset });
        let mut bytes = [0u8; 12];
        bytes[..8].copy_from_slice(&timestamp.to_be_bytes());
        bytes[8..].copy_from_slice(&relative.to_be_bytes());
        Some(bytes)
    }

    /// `TimeIndex.lookup`: the last entry whose timestamp is at or below `target`, or
    /// (-1, base offset) when there is none.
    pub fn lookup(&self, target: i64) -> TimestampOffset {
        let index = self.entries.partition_point(|e| e.timestamp <= target);
        match index {
            0 => TimestampOffset {
                timestamp: -1,
                offset: self.base_offset,
            },
            i => self.entries[i - 1],
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.entries.len() * 12);
        for e in &self.entries {
            bytes.extend_from_slice(&e.timestamp.to_be_bytes());
            bytes.extend_from_slice(&((e.offset - self.base_offset) as i32).to_be_bytes());
        }
        bytes
    }

    /// Reads a `.timeindex` file. Kafka's time index may end with zero entries from
    /// preallocation; those (timestamp 0, relative offset 0 after the first) end the index.
    pub fn from_bytes(
        base_offset: i64,
        max_index_size: i32,
        bytes: &[u8],
    ) -> Result<Self, IndexError> {
        let mut index = TimeIndex::new(base_offset, max_index_size);
        for (entry, chunk) in entry_chunks(bytes, TIME_ENTRY_SIZE)?.enumerate() {
            let timestamp = be_i64(&chunk[..8]);
            let offset = base_offset + i64::from(be_i32(&chunk[8..12]));
            if let Some(previous) = index.entries.last() {
                if offset < previous.offset || timestamp <= previous.timestamp {
                    return Err(IndexError::NotIncreasing {
                        entry,
                        offset,
                        previous: previous.offset,
                    });
                }
            }
            index.entries.push(TimestampOffset { timestamp, offset });
        }
        Ok(index)
    }
}

fn max_entries(max_index_size: i32, entry_size: i32) -> usize {
    usize::try_from(max_index_size.max(0) / entry_size).unwrap_or(0)
}

/// `AbstractIndex.relativeOffset`: `None` when the offset does not fit in an int32 above the base.
fn relative_offset(base_offset: i64, offset: i64) -> Option<i32> {
    i32::try_from(offset.checked_sub(base_offset)?)
        .ok()
        .filter(|r| *r >= 0)
}

fn entry_chunks(
    bytes: &[u8],
    entry_size: i32,
) -> Result<std::slice::ChunksExact<'_, u8>, IndexError> {
    let size = entry_size as usize;
    if bytes.len() % size != 0 {
        return Err(IndexError::PartialEntry {
            size: bytes.len(),
            entry_size,
        });
    }
    Ok(bytes.chunks_exact(size))
}

fn be_i32(bytes: &[u8]) -> i32 {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&bytes[..4]);
    i32::from_be_bytes(buf)
}

fn be_i64(bytes: &[u8]) -> i64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[..8]);
    i64::from_be_bytes(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_index_lookup_and_bytes() {
        let mut index = OffsetIndex::new(100, 24);
        assert_eq!(
            index.lookup(150),
            OffsetPosition {
                offset: 100,
                position: 0
            }
        );
        assert_eq!(index.append(110, 4096), Some([0, 0, 0, 10, 0, 0, 16, 0]));
        assert!(index.append(110, 5000).is_none(), "offsets must increase");
        index.append(120, 8192);
        index.append(130, 12288);
        assert!(index.is_full(), "24 bytes hold 3 entries");
        assert!(index.append(140, 16384).is_none());
        assert_eq!(
            index.lookup(125),
            OffsetPosition {
                offset: 120,
                position: 8192
            }
        );
        assert_eq!(index.lookup(99).position, 0);
        let copy = OffsetIndex::from_bytes(100, 24, &index.to_bytes()).expect("reads back");
        assert_eq!(copy, index);
        assert!(OffsetIndex::from_bytes(100, 24, &[0; 7]).is_err());
    }

    #[test]
    fn time_index_keeps_only_increasing_timestamps() {
        let mut index = TimeIndex::new(0, 10 * 1024 * 1024);
        assert!(index.maybe_append(1000, 5, false).is_some());
        assert!(
            index.maybe_append(1000, 9, false).is_none(),
            "same timestamp"
        );
        assert!(
            index.maybe_append(900, 9, false).is_none(),
            "older timestamp"
        );
        assert!(index.maybe_append(2000, 9, false).is_some());
        assert_eq!(
            index.lookup(1500),
            TimestampOffset {
                timestamp: 1000,
                offset: 5
            }
        );
        assert_eq!(index.lookup(10).timestamp, -1);
        let copy = TimeIndex::from_bytes(0, 10 * 1024 * 1024, &index.to_bytes()).expect("reads");
        assert_eq!(copy, index);
    }
}
