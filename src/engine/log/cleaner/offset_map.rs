//! The cleaner's offset map: key → the latest offset of that key in the dirty section.
//!
//! Kafka's `SkimpyOffsetMap` is an open-addressing hash table in a fixed buffer of
//! `log.cleaner.dedupe.buffer.size / log.cleaner.threads` bytes, each entry an MD5 of the key plus
//! an 8-byte offset (24 bytes), filled to at most `log.cleaner.io.buffer.load.factor` (0.9) of its
//! slots (`Cleaner.buildOffsetMapForSegment`). Here the map is keyed by the key bytes themselves,
//! so two keys never collide (Kafka's MD5 makes that unlikely, not impossible), but it keeps
//! Kafka's capacity: once `max_entries` keys are in, the map is full and the clean covers only the
//! part of the dirty section that was mapped (docs/DEPARTURES.md).

use std::collections::HashMap;

/// `SkimpyOffsetMap` with the default hash (MD5, 16 bytes) plus the 8-byte offset.
pub const BYTES_PER_ENTRY: i64 = 24;

/// The offset map of one cleaning round.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    // Only looked up, never iterated, so the hash order cannot leak into any result.
    offsets: HashMap<Vec<u8>, i64>,
    slots: i64,
    max_entries: usize,
    latest_offset: i64,
}

impl OffsetMap {
    /// A map of `memory` bytes (`SkimpyOffsetMap(memory)`), filled to at most `load_factor_percent`
    /// of its slots (`maxDesiredMapSize = slots * dupBufferLoadFactor`).
    pub fn new(memory: i64, load_factor_percent: i64) -> Self {
        let slots = memory.max(0) / BYTES_PER_ENTRY;
        // Kafka asserts that at least one entry fits; a map that holds nothing could never make
        // progress, so it holds at least one here.
        let max_entries = usize::try_from(slots.saturating_mul(load_factor_percent) / 100)
            .unwrap_or(usize::MAX)
            .max(1);
        OffsetMap {
            offsets: HashMap::new(),
            slots,
            max_entries,
            latest_offset: -1,
        }
    }

    /// `OffsetMap.clear`: empty, latest offset -1.
    pub fn clear(&mut self) {
        self.offsets.clear();
        self.latest_offset = -1;
    }

    /// Whether another `put` is allowed: `map.size() < maxDesiredMapSize`, checked before every
    /// record with a key, even one already in the map (as `buildOffsetMapForSegment` does).
    pub fn has_room(&self) -> bool {
        self.offsets.len() < self.max_entries
    }

    /// `OffsetMap.put`: the key now maps to `offset`, which also becomes the latest offset.
    pub fn put(&mut self, key: &[u8], offset: i64) {
        match self.offsets.get_mut(key) {
            Some(existing) => *existing = offset,
            None => {
                self.offsets.insert(key.to_vec(), offset);
            }
        }
        self.latest_offset = offset;
    }

    /// `OffsetMap.get`: the key's offset, or -1 when it is not in the map.
    pub fn get(&self, key: &[u8]) -> i64 {
        self.offsets.get(key).copied().unwrap_or(-1)
    }

    /// `OffsetMap.updateLatestOffset`.
    pub fn update_latest_offset(&mut self, offset: i64) {
        self.latest_offset = offset;
    }

    /// The last offset mapped (or fast-forwarded to); -1 for an empty map.
    pub fn latest_offset(&self) -> i64 {
        self.latest_offset
    }

    /// Keys in the map (`OffsetMap.size`).
    pub fn size(&self) -> usize {
        self.offsets.len()
    }

    /// `OffsetMap.slots`.
    pub fn slots(&self) -> i64 {
        self.slots
    }

    /// `OffsetMap.utilization`: entries over slots, in parts per million.
    pub fn utilization_ppm(&self) -> i64 {
        if self.slots == 0 {
            return 0;
        }
        let entries = i64::try_from(self.offsets.len()).unwrap_or(i64::MAX);
        entries.saturating_mul(1_000_000) / self.slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_offset_per_key_and_fills_at_the_load_factor() {
        // 10 slots of 24 bytes, 90 % of them usable: 9 keys.
        let mut map = OffsetMap::new(240, 90);
        assert_eq!(
            (map.slots(), map.get(b"a"), map.latest_offset()),
            (10, -1, -1)
        );
        map.put(b"a", 3);
        map.put(b"a", 7);
        assert_eq!((map.get(b"a"), map.size(), map.latest_offset()), (7, 1, 7));
        for i in 0..8u8 {
            assert!(map.has_room());
            map.put(&[b'k', i], 10 + i64::from(i));
        }
        assert!(!map.has_room(), "9 keys is 90 % of 10 slots");
        assert_eq!(map.utilization_ppm(), 900_000);
        map.update_latest_offset(40);
        assert_eq!(map.latest_offset(), 40);
        map.clear();
        assert_eq!(
            (map.size(), map.latest_offset(), map.get(b"a")),
            (0, -1, -1)
        );
    }

    #[test]
    fn a_tiny_buffer_still_holds_one_key() {
        let map = OffsetMap::new(0, 90);
        assert!(map.has_room());
    }
}
