//! The leader epoch cache of one partition log: which leader epoch began at which offset
//! (`LeaderEpochFileCache`, KIP-101), kept in `leader-epoch-checkpoint`.
//!
//! A leader stamps every batch it appends with its epoch and, on its first append in a new epoch,
//! records `(epoch, start offset)`; a follower records the epochs of the batches it copies. After a
//! leader change a follower asks where its last epoch ended on the leader (KIP-279's diverging
//! epoch in the Fetch response) and truncates what the new leader does not have.

/// `(epoch, start offset)` entries, epochs and offsets both strictly increasing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaderEpochCache {
    entries: Vec<(i32, i64)>,
}

/// `UNDEFINED_EPOCH` and `UNDEFINED_EPOCH_OFFSET` of `OffsetsForLeaderEpoch`.
pub const UNDEFINED_EPOCH: i32 = -1;
pub const UNDEFINED_EPOCH_OFFSET: i64 = -1;

impl LeaderEpochCache {
    pub fn from_entries(entries: Vec<(i32, i64)>) -> Self {
        let mut cache = LeaderEpochCache::default();
        for (epoch, start_offset) in entries {
            cache.assign(epoch, start_offset);
        }
        cache
    }

    pub fn entries(&self) -> &[(i32, i64)] {
        &self.entries
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|&(epoch, _)| epoch)
    }

    /// `LeaderEpochFileCache.assign`: records that `epoch` began at `start_offset`, dropping
    /// entries it contradicts (an epoch not below it, or a start offset not below it). Returns
    /// whether anything changed, so the caller knows to write the checkpoint.
    pub fn assign(&mut self, epoch: i32, start_offset: i64) -> bool {
        if epoch < 0 {
            return false;
        }
        let update_needed = match self.entries.last() {
            None => true,
            Some(&(latest, latest_start)) => epoch != latest || start_offset < latest_start,
        };
        if !update_needed {
            return false;
        }
        // maybeTruncateNonMonotonicEntries
        self.entries
            .retain(|&(e, offset)| e < epoch && offset < start_offset);
        self.entries.push((epoch, start_offset));
        true
    }

    /// `LeaderEpochFileCache.endOffsetFor`: the epoch at or below `requested` and the offset
    /// where it ended — the next epoch's start, or `log_end_offset` for the latest epoch.
    pub fn end_offset_for(&self, requested: i32, log_end_offset: i64) -> (i32, i64) {
        if requested == UNDEFINED_EPOCH {
            return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        }
        if self.latest_epoch() == Some(requested) {
            return (requested, log_end_offset);
        }
        let Some(&(_, higher_start)) = self.entries.iter().find(|&&(e, _)| e > requested) else {
            // The requested epoch is larger than any known epoch.
            return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        };
        match self.entries.iter().rev().find(|&&(e, _)| e <= requested) {
            Some(&(floor, _)) => (floor, higher_start),
            // The requested epoch is smaller than any known epoch.
            None => (requested, higher_start),
        }
    }

    /// `truncateFromEndAsyncFlush`: forgets epochs that start at or after `end_offset`.
    pub fn truncate_from_end(&mut self, end_offset: i64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|&(_, start)| start < end_offset);
        self.entries.len() != before
    }

    /// `truncateFromStartAsyncFlush`: entries wholly before `start_offset` go, and the last of
    /// them moves up to `start_offset` (its epoch still holds the records there).
    pub fn truncate_from_start(&mut self, start_offset: i64) -> bool {
        let below = self
            .entries
            .iter()
            .take_while(|&&(_, start)| start <= start_offset)
            .count();
        if below == 0 || (below == 1 && self.entries[0].1 == start_offset) {
            return false;
        }
        let (epoch, _) = self.entries[below - 1];
        self.entries.drain(..below);
        self.entries.insert(0, (epoch, start_offset));
        true
    }
}

#[cfg(test)]
mod tests {
    //! Cases from Kafka's `LeaderEpochFileCacheTest`.
    use super::*;

    #[test]
    fn assign_keeps_epochs_and_offsets_monotonic() {
        let mut cache = LeaderEpochCache::default();
        assert!(cache.assign(2, 6));
        assert!(!cache.assign(2, 7), "same epoch, later offset: no update");
        assert!(cache.assign(3, 8));
        assert_eq!(cache.entries(), &[(2, 6), (3, 8)]);
        // shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned — a lower start for the
        // latest epoch replaces it; a lower epoch than the latest truncates the later ones.
        assert!(cache.assign(1, 7));
        assert_eq!(cache.entries(), &[(1, 7)]);
        assert!(!cache.assign(-1, 9));
    }

    #[test]
    fn end_offset_for_known_unknown_and_latest_epochs() {
        let cache = LeaderEpochCache::from_entries(vec![(2, 6), (3, 8), (5, 11)]);
        // shouldReturnLogEndOffsetIfLatestEpochRequested
        assert_eq!(cache.end_offset_for(5, 20), (5, 20));
        // shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested
        assert_eq!(cache.end_offset_for(4, 20), (3, 11));
        assert_eq!(cache.end_offset_for(2, 20), (2, 8));
        // shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch
        assert_eq!(cache.end_offset_for(1, 20), (1, 6));
        // shouldReturnUnsupportedIfRequestedEpochHigherThanAnyKnown
        assert_eq!(cache.end_offset_for(6, 20), (-1, -1));
        assert_eq!(cache.end_offset_for(-1, 20), (-1, -1));
    }

    #[test]
    fn truncation_from_both_ends() {
        let mut cache = LeaderEpochCache::from_entries(vec![(2, 6), (3, 8), (4, 11)]);
        // shouldUpdateSavedOffsetWhenOffsetToClearToIsBetweenEpochs
        assert!(cache.truncate_from_start(9));
        assert_eq!(cache.entries(), &[(3, 9), (4, 11)]);
        assert!(!cache.truncate_from_start(9));
        assert!(!cache.truncate_from_start(1));
        // shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries
        assert!(cache.truncate_from_end(11));
        assert_eq!(cache.entries(), &[(3, 9)]);
        assert!(!cache.truncate_from_end(12));
        assert!(cache.truncate_from_end(0));
        assert_eq!(cache.latest_epoch(), None);
    }
}
