//! `AbstractStickyAssignor.GeneralAssignmentBuilder`: members subscribe to different topics.
//!
//! 1. Keep every still-valid owned partition (dropping those the owner no longer subscribes to).
//! 2. Give each unassigned partition (topics with the fewest potential consumers first) to the
//!    subscribed member with the fewest partitions.
//! 3. Move partitions from members with at least two more than another potential owner, first
//!    only the newly assigned ones, then all, until balanced; a partition goes back to its
//!    previous-generation owner when that helps, and `PartitionMovements` turns a move that would
//!    reverse an earlier one into moving that earlier partition back instead.
//! 4. Keep the result only if it is more balanced than before step 3 (unless initializing).

use super::{remove_first, Group, OwnedPartitions, Tp, DEFAULT_GENERATION};
use crate::engine::sorting::{self, CollectBTree};
use std::collections::{BTreeMap, BTreeSet};

/// `GeneralAssignmentBuilder.build()`: the assignment per member, index order.
pub(crate) fn assign(group: &Group, owned: OwnedPartitions) -> Vec<Vec<Tp>> {
    let members = group.members.len();
    let mut topic_consumers: Vec<Vec<usize>> = vec![Vec::new(); group.topics.len()];
    for (m, topics) in group.member_topics.iter().enumerate() {
        for &t in topics {
            topic_consumers[t as usize].push(m);
        }
    }
    // `sortedAllPartitions`: topics by number of potential consumers, then name (TopicComparator).
    let mut topic_order: Vec<u32> = (0..group.topics.len() as u32).collect();
    sorting::sort_by_key(&mut topic_order, |&t| {
        (topic_consumers[t as usize].len(), t)
    });
    let sorted_all: Vec<Tp> = topic_order
        .iter()
        .flat_map(|&t| (0..group.counts[t as usize]).map(move |p| (t, p)))
        .collect();
    let mut b = Builder {
        group,
        topic_consumers,
        current: owned.owned,
        owner: group
            .counts
            .iter()
            .map(|&c| vec![None; c.max(0) as usize])
            .collect(),
        participating: vec![true; members],
        sorted: BTreeSet::new(),
        movements: Movements::default(),
        revocation_required: false,
    };
    for (m, list) in b.current.iter().enumerate() {
        for &(t, p) in list {
            b.owner[t as usize][p as usize] = Some(m);
        }
    }
    let prev = prev_assignment(group, owned.max_generation);
    let assigned = b.assign_owned_partitions();
    let unassigned: Vec<Tp> = sorted_all
        .iter()
        .copied()
        .filter(|tp| !assigned.contains(tp))
        .collect();
    b.sorted = (0..members).map(|m| (b.current[m].len(), m)).collect_set();
    b.balance(&prev, sorted_all, unassigned);
    b.current
}

/// `prepopulateCurrentAssignments`: for members behind the highest generation, what they owned
/// then (the latest such generation wins per partition).
fn prev_assignment(group: &Group, max_generation: i32) -> BTreeMap<Tp, (usize, i32)> {
    let mut prev: BTreeMap<Tp, (usize, i32)> = BTreeMap::new();
    for (m, (partitions, generation)) in group.member_data.iter().enumerate() {
        let generation = match *generation {
            Some(g) if g < max_generation => g,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for &tp in partitions {
            match prev.get(&tp) {
                Some(&(_, g)) if generation <= g => {}
                _ => {
                    prev.insert(tp, (m, generation));
                }
            }
        }
    }
    prev
}

struct Builder<'a> {
    group: &'a Group,
    topic_consumers: Vec<Vec<usize>>,
    /// `currentAssignment`; members not `participating` are set aside while balancing.
    current: Vec<Vec<Tp>>,
    /// `currentPartitionConsumer`, by topic then partition.
    owner: Vec<Vec<Option<usize>>>,
    participating: Vec<bool>,
    /// `sortedCurrentSubscriptions`: (assignment size, member), SubscriptionComparator order.
    sorted: BTreeSet<(usize, usize)>,
    movements: Movements,
    revocation_required: bool,
}

impl Builder<'_> {
    fn subscribed(&self, member: usize, topic: u32) -> bool {
        self.group.member_topics[member].contains(&topic)
    }

    fn owner_of(&self, (t, p): Tp) -> Option<usize> {
        self.owner[t as usize][p as usize]
    }

    fn size(&self, member: usize) -> usize {
        self.current[member].len()
    }

    /// `assignOwnedPartitions`: drop what a member no longer subscribes to.
    fn assign_owned_partitions(&mut self) -> BTreeSet<Tp> {
        let mut assigned = BTreeSet::new();
        for m in 0..self.current.len() {
            let before = self.current[m].len();
            let topics = &self.group.member_topics[m];
            self.current[m].retain(|(t, _)| topics.contains(t));
            // The owner map keeps the stale entry, as Java's does, until the partition is given.
            self.revocation_required |= self.current[m].len() != before;
            assigned.extend(self.current[m].iter().copied());
        }
        assigned
    }

    fn balance(
        &mut self,
        prev: &BTreeMap<Tp, (usize, i32)>,
        mut sorted_all: Vec<Tp>,
        mut unassigned: Vec<Tp>,
    ) {
        let initializing = self
            .sorted
            .last()
            .is_none_or(|&(_, m)| self.current[m].is_empty());
        for &tp in &unassigned {
            self.maybe_assign_partition(tp);
        }
        // Partitions of topics with one potential consumer, and members that cannot gain or
        // lose anything, stay as they are.
        let fixed_topic = |t: u32, tc: &Vec<Vec<usize>>| tc[t as usize].len() < 2;
        sorted_all.retain(|&(t, _)| !fixed_topic(t, &self.topic_consumers));
        unassigned.retain(|&(t, _)| !fixed_topic(t, &self.topic_consumers));
        for m in 0..self.current.len() {
            if !self.can_participate(m) {
                self.sorted.remove(&(self.size(m), m));
                self.participating[m] = false;
            }
        }
        let pre_balance = (self.current.clone(), self.owner.clone());
        let pre_score = self.balance_score();
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, prev);
        }
        let performed = self.perform_reassignments(&sorted_all, prev);
        if !initializing && performed && self.balance_score() >= pre_score {
            (self.current, self.owner) = pre_balance;
        }
        for m in 0..self.current.len() {
            if !self.participating[m] {
                self.participating[m] = true;
                self.sorted.insert((self.size(m), m));
            }
        }
    }

    /// `maybeAssignPartition`: to the subscribed member with the fewest partitions.
    fn maybe_assign_partition(&mut self, tp: Tp) {
        let Some(&(size, m)) = self.sorted.iter().find(|&&(_, m)| self.subscribed(m, tp.0)) else {
            return;
        };
        self.sorted.remove(&(size, m));
        self.current[m].push(tp);
        self.owner[tp.0 as usize][tp.1 as usize] = Some(m);
        self.sorted.insert((size + 1, m));
    }

    fn max_assignment_size(&self, member: usize) -> usize {
        self.group.member_topics[member]
            .iter()
            .map(|&t| self.group.counts[t as usize].max(0) as usize)
            .sum()
    }

    /// `canConsumerParticipateInReassignment`.
    fn can_participate(&self, member: usize) -> bool {
        self.size(member) < self.max_assignment_size(member)
            || self.current[member]
                .iter()
                .any(|&(t, _)| self.topic_consumers[t as usize].len() >= 2)
    }

    /// `getBalanceScore`: the sum of size differences over all pairs of participating members.
    fn balance_score(&self) -> i64 {
        let mut sizes: Vec<i64> = (0..self.current.len())
            .filter(|&m| self.participating[m])
            .map(|m| self.size(m) as i64)
            .collect();
        sorting::sort(&mut sizes);
        let n = sizes.len() as i64;
        sizes
            .iter()
            .enumerate()
            .map(|(i, s)| s * (2 * i as i64 - n + 1))
            .sum()
    }

    /// `isBalanced`: sizes within one, or no partition could move to a member with two fewer.
    fn is_balanced(&self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        for &(size, m) in &self.sorted {
            if size == self.max_assignment_size(m) {
                continue;
            }
            for &t in &self.group.member_topics[m] {
                for p in 0..self.group.counts[t as usize] {
                    match self.owner_of((t, p)) {
                        Some(other) if other != m && size + 1 < self.size(other) => return false,
                        _ => {}
                    }
                }
            }
        }
        true
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[Tp],
        prev: &BTreeMap<Tp, (usize, i32)>,
    ) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for &tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.owner_of(tp) else {
                    continue;
                };
                // Back to the previous-generation owner if that helps. Unlike Java, only to one
                // that still subscribes to the topic and takes part (Java would hand a partition
                // to a member that no longer subscribes to it).
                if let Some(&(prev_owner, _)) = prev.get(&tp) {
                    if self.participating[prev_owner]
                        && self.subscribed(prev_owner, tp.0)
                        && self.size(consumer) > self.size(prev_owner) + 1
                    {
                        self.reassign_partition_to(tp, prev_owner);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better = self.topic_consumers[tp.0 as usize]
                    .iter()
                    .any(|&other| self.size(consumer) > self.size(other) + 1);
                if better {
                    self.reassign_partition(tp);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    /// `reassignPartition(partition)`: to the least loaded subscribed member.
    fn reassign_partition(&mut self, tp: Tp) {
        if let Some(&(_, m)) = self.sorted.iter().find(|&&(_, m)| self.subscribed(m, tp.0)) {
            self.reassign_partition_to(tp, m);
        }
    }

    /// `reassignPartition(partition, newConsumer)`. Java moves the partition
    /// `getTheActualPartitionToBeMoved` names even when its owner is not the overloaded member
    /// (it looks up moves from the partition's first owner), which can swap a partition back and
    /// forth between two other members forever; here the substitute is used only when it sits
    /// with the overloaded member, so every move makes the assignment more balanced.
    fn reassign_partition_to(&mut self, tp: Tp, new_consumer: usize) {
        let Some(consumer) = self.owner_of(tp) else {
            return;
        };
        let mut to_move = self
            .movements
            .actual_partition_to_move(tp, consumer, new_consumer);
        if self.owner_of(to_move) != Some(consumer) {
            to_move = tp;
        }
        self.process_partition_movement(to_move, new_consumer);
    }

    fn process_partition_movement(&mut self, tp: Tp, new_consumer: usize) {
        let Some(old) = self.owner_of(tp) else { return };
        self.sorted.remove(&(self.size(old), old));
        self.sorted.remove(&(self.size(new_consumer), new_consumer));
        self.movements.move_partition(tp, old, new_consumer);
        remove_first(&mut self.current[old], tp);
        self.current[new_consumer].push(tp);
        self.owner[tp.0 as usize][tp.1 as usize] = Some(new_consumer);
        self.sorted.insert((self.size(new_consumer), new_consumer));
        self.sorted.insert((self.size(old), old));
    }
}

/// `AbstractStickyAssignor.PartitionMovements`: the moves made so far, so a move from A to B of
/// a topic that already moved a partition from B to A moves that partition back instead.
#[derive(Default)]
struct Movements {
    by_topic: BTreeMap<u32, BTreeMap<(usize, usize), BTreeSet<Tp>>>,
    of_partition: BTreeMap<Tp, (usize, usize)>,
}

impl Movements {
    fn remove_record(&mut self, tp: Tp) -> Option<(usize, usize)> {
        let pair = self.of_partition.remove(&tp)?;
        if let Some(topic) = self.by_topic.get_mut(&tp.0) {
            if let Some(set) = topic.get_mut(&pair) {
                set.remove(&tp);
                if set.is_empty() {
                    topic.remove(&pair);
                }
            }
            if topic.is_empty() {
                self.by_topic.remove(&tp.0);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, tp: Tp, pair: (usize, usize)) {
        self.of_partition.insert(tp, pair);
        self.by_topic
            .entry(tp.0)
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp);
    }

    fn move_partition(&mut self, tp: Tp, old: usize, new: usize) {
        match self.remove_record(tp) {
            // Moving back to where it came from erases the record.
            Some((src, _)) if src == new => {}
            Some((src, _)) => self.add_record(tp, (src, new)),
            None => self.add_record(tp, (old, new)),
        }
    }

    /// `getTheActualPartitionToBeMoved`. Java takes the first element of a `HashSet`; this
    /// takes the lowest partition.
    fn actual_partition_to_move(&self, tp: Tp, old: usize, new: usize) -> Tp {
        let Some(topic) = self.by_topic.get(&tp.0) else {
            return tp;
        };
        let old = self.of_partition.get(&tp).map_or(old, |&(src, _)| src);
        topic
            .get(&(new, old))
            .and_then(|set| set.first().copied())
            .unwrap_or(tp)
    }
}
