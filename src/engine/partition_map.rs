//! [`PartitionMap`]: values per topic-partition, looked up by `&str` and partition number.
//!
//! A `BTreeMap<(String, i32), V>` can only be searched with an owned `(String, i32)`, so every
//! lookup on a hot path (a follower's fetch, an append) built a `String` first. Keyed by topic,
//! then partition, a lookup borrows the name instead, and a topic's partitions are slots indexed
//! by partition number. Iteration is in `(topic, partition)` order, exactly the order of the flat
//! map, so anything iterated stays deterministic.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMap<V> {
    by_topic: BTreeMap<String, Partitions<V>>,
}

/// One topic's values, indexed by partition number: Kafka numbers a topic's partitions
/// 0..count, so a slot per number finds a partition without a search.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Partitions<V> {
    slots: Vec<Option<V>>,
    /// Slots that hold a value.
    len: usize,
}

impl<V> Default for Partitions<V> {
    fn default() -> Self {
        Partitions {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<V> Partitions<V> {
    fn get(&self, partition: i32) -> Option<&V> {
        self.slots.get(usize::try_from(partition).ok()?)?.as_ref()
    }

    fn get_mut(&mut self, partition: i32) -> Option<&mut V> {
        self.slots
            .get_mut(usize::try_from(partition).ok()?)?
            .as_mut()
    }

    /// Kafka's partition numbers are never negative; one that is has no slot and is not kept.
    fn insert(&mut self, partition: i32, value: V) -> Option<V> {
        let Ok(index) = usize::try_from(partition) else {
            return None;
        };
        if index >= self.slots.len() {
            self.slots.resize_with(index + 1, || None);
        }
        let old = self.slots[index].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    fn remove(&mut self, partition: i32) -> Option<V> {
        let removed = self.slots.get_mut(usize::try_from(partition).ok()?)?.take();
        if removed.is_some() {
            self.len -= 1;
        }
        removed
    }

    fn iter(&self) -> impl Iterator<Item = (i32, &V)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| Some((partition_number(index), slot.as_ref()?)))
    }

    fn values(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().flatten()
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.slots.iter_mut().flatten()
    }
}

/// A slot index back to its partition number (slots are only made for `i32` numbers).
fn partition_number(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

impl<V> Default for PartitionMap<V> {
    fn default() -> Self {
        PartitionMap {
            by_topic: BTreeMap::new(),
        }
    }
}

impl<V> PartitionMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, topic: &str, partition: i32) -> Option<&V> {
        self.by_topic.get(topic)?.get(partition)
    }

    pub fn get_mut(&mut self, topic: &str, partition: i32) -> Option<&mut V> {
        self.by_topic.get_mut(topic)?.get_mut(partition)
    }

    pub fn contains(&self, topic: &str, partition: i32) -> bool {
        self.get(topic, partition).is_some()
    }

    /// Sets the value of `topic`-`partition`, returning the one it replaced.
    pub fn insert(&mut self, topic: &str, partition: i32, value: V) -> Option<V> {
        match self.by_topic.get_mut(topic) {
            Some(partitions) => partitions.insert(partition, value),
            None => {
                let mut partitions = Partitions::default();
                partitions.insert(partition, value);
                if partitions.len > 0 {
                    self.by_topic.insert(topic.to_string(), partitions);
                }
                None
            }
        }
    }

    pub fn remove(&mut self, topic: &str, partition: i32) -> Option<V> {
        let partitions = self.by_topic.get_mut(topic)?;
        let removed = partitions.remove(partition);
        if partitions.len == 0 {
            self.by_topic.remove(topic);
        }
        removed
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, i32, &mut V) -> bool) {
        for (topic, partitions) in &mut self.by_topic {
            for (index, slot) in partitions.slots.iter_mut().enumerate() {
                let drop_it = slot
                    .as_mut()
                    .is_some_and(|value| !keep(topic, partition_number(index), value));
                if drop_it {
                    *slot = None;
                    partitions.len -= 1;
                }
            }
        }
        self.by_topic.retain(|_, partitions| partitions.len > 0);
    }

    pub fn clear(&mut self) {
        self.by_topic.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.by_topic.is_empty()
    }

    /// Every entry in `(topic, partition)` order.
    pub fn iter(&self) -> impl Iterator<Item = ((&str, i32), &V)> {
        self.by_topic.iter().flat_map(|(topic, partitions)| {
            partitions
                .iter()
                .map(move |(partition, value)| ((topic.as_str(), partition), value))
        })
    }

    /// Every key in `(topic, partition)` order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, i32)> {
        self.iter().map(|(key, _)| key)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.by_topic.values().flat_map(Partitions::values)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.by_topic.values_mut().flat_map(Partitions::values_mut)
    }

    /// The values of one topic's partitions, in partition order.
    pub fn topic_values_mut(&mut self, topic: &str) -> impl Iterator<Item = &mut V> {
        self.by_topic
            .get_mut(topic)
            .into_iter()
            .flat_map(Partitions::values_mut)
    }
}

impl<V> FromIterator<((String, i32), V)> for PartitionMap<V> {
    fn from_iter<I: IntoIterator<Item = ((String, i32), V)>>(entries: I) -> Self {
        let mut map = PartitionMap::new();
        for ((topic, partition), value) in entries {
            map.insert(&topic, partition, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_in_the_order_of_a_flat_map_and_forgets_empty_topics() {
        let entries = [("b", 0), ("a", 10), ("a", 2), ("ab", 1), ("a-", 3)];
        let mut map = PartitionMap::new();
        let mut flat = BTreeMap::new();
        for (i, (topic, partition)) in entries.into_iter().enumerate() {
            assert_eq!(map.insert(topic, partition, i), None);
            flat.insert((topic.to_string(), partition), i);
        }
        let flat_order: Vec<((&str, i32), &usize)> = flat
            .iter()
            .map(|((t, p), v)| ((t.as_str(), *p), v))
            .collect();
        assert_eq!(map.iter().collect::<Vec<_>>(), flat_order);
        assert_eq!(map.insert("a", 2, 9), Some(2));
        assert_eq!(map.get("a", -1), None);
        assert_eq!(map.get("a", 11), None);
        assert_eq!(map.remove("a", 7), None, "an empty slot below a value");
        assert_eq!(map.get("a", 2), Some(&9));
        assert_eq!(map.remove("b", 0), Some(0));
        assert_eq!(map.remove("b", 0), None);
        map.retain(|topic, _, _| topic != "ab");
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            vec![("a", 2), ("a", 10), ("a-", 3)]
        );
        let rebuilt: PartitionMap<usize> = flat.into_iter().collect();
        assert!(rebuilt.contains("ab", 1));
        map.clear();
        assert!(map.is_empty());
    }
}
