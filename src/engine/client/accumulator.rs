//! The producer's accumulator (`RecordAccumulator`): one open batch per partition, filled by
//! `send` and handed to the sender when it is full or `linger.ms` runs out.
//!
//! A producer holds a handful of open batches at a time and empties them all every `linger.ms`,
//! so they live in a `Vec` sorted by `(topic, partition)` — the order they are sent in — and
//! searched by `&str`: a record costs no key `String`, and the memory stays between rounds (an
//! ordered map frees and reallocates its nodes every round).

use crate::engine::record::RecordBatchBuilder;

#[derive(Debug, Clone)]
pub(super) struct OpenBatch {
    pub(super) builder: RecordBatchBuilder,
    /// The send indexes of the records in the batch, with their timestamps.
    pub(super) sends: Vec<(usize, i64)>,
}

impl OpenBatch {
    fn new() -> Self {
        OpenBatch {
            builder: RecordBatchBuilder::with_base_offset(0),
            sends: Vec::new(),
        }
    }
}

/// The open batches, in `(topic, partition)` order.
#[derive(Debug, Clone, Default)]
pub(super) struct OpenBatches {
    batches: Vec<((String, i32), OpenBatch)>,
}

impl OpenBatches {
    /// Where the partition's batch is: a scan comparing partition numbers first is cheaper
    /// than ordered string comparisons for the few batches there are.
    fn find(&self, topic: &str, partition: i32) -> Option<usize> {
        self.batches
            .iter()
            .position(|((t, p), _)| *p == partition && t == topic)
    }

    pub(super) fn get(&self, topic: &str, partition: i32) -> Option<&OpenBatch> {
        let i = self.find(topic, partition)?;
        self.batches.get(i).map(|(_, batch)| batch)
    }

    /// The partition's open batch, a new empty one if it had none; true when it is new.
    pub(super) fn get_or_open(&mut self, topic: &str, partition: i32) -> (&mut OpenBatch, bool) {
        let (i, new) = match self.find(topic, partition) {
            Some(i) => (i, false),
            None => {
                let i = self
                    .batches
                    .partition_point(|((t, p), _)| (t.as_str(), *p) < (topic, partition));
                let key = (topic.to_string(), partition);
                self.batches.insert(i, (key, OpenBatch::new()));
                (i, true)
            }
        };
        (&mut self.batches[i].1, new)
    }

    /// Takes the partition's open batch, with its key.
    pub(super) fn remove(
        &mut self,
        topic: &str,
        partition: i32,
    ) -> Option<((String, i32), OpenBatch)> {
        let i = self.find(topic, partition)?;
        Some(self.batches.remove(i))
    }

    /// Takes every open batch, in order.
    pub(super) fn take_all(&mut self) -> Vec<((String, i32), OpenBatch)> {
        std::mem::take(&mut self.batches)
    }

    /// Gives back what [`OpenBatches::take_all`] returned, emptied, so its memory serves the
    /// next round (unless a batch was opened meanwhile).
    pub(super) fn recycle(&mut self, mut emptied: Vec<((String, i32), OpenBatch)>) {
        emptied.clear();
        if self.batches.is_empty() {
            self.batches = emptied;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_stay_in_topic_then_partition_order() {
        let mut open = OpenBatches::default();
        for (topic, partition) in [("b", 0), ("a", 10), ("a", 2), ("ab", 1), ("a", 2)] {
            let (batch, _) = open.get_or_open(topic, partition);
            batch.sends.push((0, 0));
        }
        assert_eq!(open.get("a", 2).map(|b| b.sends.len()), Some(2));
        assert!(open.get("a", 3).is_none());
        assert!(open.remove("ab", 1).is_some());
        assert!(open.get_or_open("ab", 1).1);
        assert!(!open.get_or_open("ab", 1).1);
        let taken = open.take_all();
        let keys: Vec<(String, i32)> = taken.iter().map(|(key, _)| key.clone()).collect();
        open.recycle(taken);
        let expected: Vec<(String, i32)> = [("a", 2), ("a", 10), ("ab", 1), ("b", 0)]
            .map(|(t, p)| (t.to_string(), p))
            .to_vec();
        assert_eq!(keys, expected);
        assert!(open.get("b", 0).is_none());
    }
}
