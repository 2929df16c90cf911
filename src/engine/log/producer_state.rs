//! What a log remembers of idempotent producers (`ProducerStateManager`, KIP-98): per producer id
//! the sequence ranges and offsets of its last five batches, so a retried batch is answered with
//! its original offsets instead of being written twice, and a gap in the sequence is refused
//! with `OUT_OF_ORDER_SEQUENCE_NUMBER`. Leaders and followers both keep it, so a new leader
//! knows what its predecessor accepted. (Kafka also snapshots it in `.snapshot` files at each
//! roll; here it starts empty after a restart — docs/DEPARTURES.md.)

use std::collections::{BTreeMap, VecDeque};

/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`.
const BATCHES_TO_RETAIN: usize = 5;

/// One remembered batch: sequence range and offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchMetadata {
    pub first_sequence: i32,
    pub last_sequence: i32,
    pub first_offset: i64,
    pub last_offset: i64,
}

/// What a batch's sequence numbers say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// The next batch in order (or the producer's first here): append it.
    Append,
    /// Already written: answer with where it went (`DuplicateSequenceException` handled).
    Duplicate(BatchMetadata),
    /// A gap or a regression: `OUT_OF_ORDER_SEQUENCE_NUMBER`, with the sequence expected.
    OutOfOrder { expected: i32 },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerState {
    producers: BTreeMap<i64, VecDeque<BatchMetadata>>,
}

impl ProducerState {
    /// `ProducerAppendInfo.checkSequence` and `findDuplicateBatch` for a leader's append.
    pub fn check(
        &self,
        producer_id: i64,
        first_sequence: i32,
        last_sequence: i32,
    ) -> SequenceCheck {
        if producer_id < 0 {
            return SequenceCheck::Append;
        }
        let Some(batches) = self.producers.get(&producer_id) else {
            return SequenceCheck::Append;
        };
        if let Some(&dup) = batches
            .iter()
            .find(|b| b.first_sequence == first_sequence && b.last_sequence == last_sequence)
        {
            return SequenceCheck::Duplicate(dup);
        }
        let expected = batches.back().map_or(0, |b| {
            crate::engine::record::increment_sequence(b.last_sequence, 1)
        });
        if first_sequence == expected {
            SequenceCheck::Append
        } else {
            SequenceCheck::OutOfOrder { expected }
        }
    }

    /// Remembers an appended batch (leader or follower).
    pub fn record(&mut self, producer_id: i64, batch: BatchMetadata) {
        if producer_id < 0 {
            return;
        }
        let batches = self.producers.entry(producer_id).or_default();
        batches.push_back(batch);
        while batches.len() > BATCHES_TO_RETAIN {
            batches.pop_front();
        }
    }

    /// Forgets batches at or past `end_offset` (a truncation; Kafka rebuilds from the log).
    pub fn truncate_from(&mut self, end_offset: i64) {
        for batches in self.producers.values_mut() {
            batches.retain(|b| b.last_offset < end_offset);
        }
        self.producers.retain(|_, batches| !batches.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(first: i32, last: i32, offset: i64) -> BatchMetadata {
        BatchMetadata {
            first_sequence: first,
            last_sequence: last,
            first_offset: offset,
            last_offset: offset + i64::from(last - first),
        }
    }

    #[test]
    fn duplicates_and_gaps() {
        let mut state = ProducerState::default();
        assert_eq!(state.check(7, 0, 2), SequenceCheck::Append);
        state.record(7, batch(0, 2, 10));
        assert_eq!(
            state.check(7, 0, 2),
            SequenceCheck::Duplicate(batch(0, 2, 10))
        );
        assert_eq!(state.check(7, 3, 3), SequenceCheck::Append);
        assert_eq!(
            state.check(7, 5, 5),
            SequenceCheck::OutOfOrder { expected: 3 }
        );
        assert_eq!(state.check(-1, 9, 9), SequenceCheck::Append);
        for i in 1..=6 {
            state.record(7, batch(i * 3, i * 3 + 2, 10 + i64::from(i) * 3));
        }
        // Only the last five batches are remembered.
        assert_eq!(
            state.check(7, 0, 2),
            SequenceCheck::OutOfOrder { expected: 21 }
        );
        state.truncate_from(22);
        assert_eq!(state.check(7, 12, 14), SequenceCheck::Append);
    }
}
