//! `UniformHeterogeneousAssignmentBuilder` (Kafka 4.x): the uniform assignor for a group whose
//! members subscribe to different topics.
//!
//! 1. Keep each member's current partitions of topics it still subscribes to.
//! 2. Hand out the unassigned partitions topic by topic (most partitions per subscriber first),
//!    each to the least loaded subscriber (`MemberAssignmentBalancer.nextLeastLoadedMember`).
//! 3. Rebalance each topic with two or more subscribers, moving partitions from its most loaded
//!    subscribers to its least loaded ones, round the topics until a full pass moves nothing
//!    (at most `MAX_ITERATION_COUNT` passes).
//!
//! Members are numbered in Java's `HashMap` order of their ids ([`member_order`]); topics are
//! compared by name where Kafka compares topic `Uuid`s.

use super::{member_order, GroupSpec, MemberAssignment};
use crate::engine::sorting::{self, CollectBTree};
use std::collections::BTreeMap;

/// `MAX_ITERATION_COUNT`: passes over the topics in the final balancing phase.
const MAX_ITERATION_COUNT: usize = 16;

/// `UniformHeterogeneousAssignmentBuilder.build()`.
pub(crate) fn assign(
    group: &GroupSpec,
    partitions_per_topic: &BTreeMap<String, i32>,
) -> BTreeMap<String, MemberAssignment> {
    let members: Vec<&str> = member_order(group);
    let mut topics: Vec<&str> = Vec::new();
    let mut subscribers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, member) in members.iter().enumerate() {
        for topic in &group[*member].subscribed_topics {
            if !partitions_per_topic.contains_key(topic) {
                continue;
            }
            let list = subscribers.entry(topic.as_str()).or_default();
            if list.is_empty() {
                topics.push(topic);
            }
            list.push(index);
        }
    }
    if topics.is_empty() {
        return BTreeMap::new();
    }
    sorting::sort(&mut topics);
    let mut b = Builder {
        members: members.clone(),
        partitions: topics
            .iter()
            .map(|t| (*t, partitions_per_topic[*t].max(0) as usize))
            .collect_map(),
        subscribers,
        target: BTreeMap::new(),
        sizes: vec![0; members.len()],
        owners: topics
            .iter()
            .map(|t| (*t, vec![None; partitions_per_topic[*t].max(0) as usize]))
            .collect_map(),
    };
    b.maybe_revoke_partitions(group);
    let unassigned = b.unassigned_partitions();
    b.assign_remaining_partitions(unassigned);
    b.balance();
    b.target
}

struct Builder<'a> {
    members: Vec<&'a str>,
    partitions: BTreeMap<&'a str, usize>,
    /// `topicSubscribers`: member indices, ascending.
    subscribers: BTreeMap<&'a str, Vec<usize>>,
    target: BTreeMap<String, MemberAssignment>,
    /// `memberTargetAssignmentSizes`.
    sizes: Vec<i64>,
    /// `targetAssignmentPartitionOwners`.
    owners: BTreeMap<&'a str, Vec<Option<usize>>>,
}

impl<'a> Builder<'a> {
    /// `topicComparator`: partitions per subscriber descending, then subscriber count
    /// ascending, then the topic.
    fn sort_topics(&self, topics: &mut [&'a str]) {
        sorting::sort_by(topics, |a, b| {
            let (pa, sa) = (self.partitions[a] as u64, self.subscribers[a].len() as u64);
            let (pb, sb) = (self.partitions[b] as u64, self.subscribers[b].len() as u64);
            // pb / sb against pa / sa, exactly.
            (pb * sa).cmp(&(pa * sb)).then(sa.cmp(&sb)).then(a.cmp(b))
        });
    }

    /// `maybeRevokePartitions`: keep what members still subscribe to.
    fn maybe_revoke_partitions(&mut self, group: &GroupSpec) {
        for (index, member) in self.members.clone().into_iter().enumerate() {
            let spec = &group[member];
            let mut kept = MemberAssignment::new();
            for (topic, parts) in &spec.assignment {
                if !spec.subscribed_topics.contains(topic) {
                    continue;
                }
                let Some(owners) = self.owners.get_mut(topic.as_str()) else {
                    continue;
                };
                self.sizes[index] += parts.len() as i64;
                for &p in parts {
                    owners[p as usize] = Some(index);
                }
                kept.insert(topic.clone(), parts.clone());
            }
            self.target.insert(member.to_owned(), kept);
        }
    }

    /// `computeUnassignedPartitions`.
    fn unassigned_partitions(&self) -> BTreeMap<&'a str, Vec<usize>> {
        self.owners
            .iter()
            .filter_map(|(t, owners)| {
                let free: Vec<usize> = (0..owners.len()).filter(|&p| owners[p].is_none()).collect();
                (!free.is_empty()).then_some((*t, free))
            })
            .collect_map()
    }

    /// `assignRemainingPartitions`.
    fn assign_remaining_partitions(&mut self, unassigned: BTreeMap<&'a str, Vec<usize>>) {
        let mut topics: Vec<&str> = unassigned.keys().copied().collect();
        self.sort_topics(&mut topics);
        let mut balancer = Balancer::default();
        for topic in topics {
            balancer.initialize(&self.subscribers[topic], &self.sizes);
            for &p in &unassigned[topic] {
                let member = balancer.next_least_loaded(&self.sizes);
                self.assign_partition(topic, p, member);
            }
        }
    }

    /// `balance` and `balanceTopics`.
    fn balance(&mut self) {
        let mut topics: Vec<&str> = self
            .subscribers
            .iter()
            .filter(|(_, s)| s.len() >= 2)
            .map(|(t, _)| *t)
            .collect();
        if topics.is_empty() {
            return;
        }
        self.sort_topics(&mut topics);
        let mut last_rebalanced: Option<usize> = None;
        let mut balancer = Balancer::default();
        for _ in 0..MAX_ITERATION_COUNT {
            for (i, topic) in topics.iter().enumerate() {
                if last_rebalanced == Some(i) {
                    return;
                }
                let moved = self.balance_topic(topic, &mut balancer);
                if moved > 0 || last_rebalanced.is_none() {
                    last_rebalanced = Some(i);
                }
            }
        }
    }

    /// `balanceTopic`: from the topic's most loaded subscribers to its least loaded ones.
    fn balance_topic(&mut self, topic: &'a str, balancer: &mut Balancer) -> usize {
        let mut moved = 0;
        if balancer.initialize(&self.subscribers[topic], &self.sizes) <= 1 {
            return moved;
        }
        let owners = &self.owners[topic];
        // Partitions grouped by owner (unowned first, as -1 sorts first in Java), then number.
        let mut partitions: Vec<usize> = (0..owners.len()).collect();
        sorting::sort_by_key(&mut partitions, |&p| {
            (owners[p].map_or(-1, |m| m as i64), p)
        });
        let mut start: BTreeMap<usize, usize> = BTreeMap::new();
        let mut end: BTreeMap<usize, usize> = BTreeMap::new();
        for (i, &p) in partitions.iter().enumerate() {
            if let Some(owner) = owners[p] {
                start.entry(owner).or_insert(i);
                end.insert(owner, i + 1);
            }
        }
        while !balancer.is_balanced() {
            let most_loaded = loop {
                match balancer.next_most_loaded(&self.sizes) {
                    None => break None,
                    Some(m)
                        if end.get(&m).copied().unwrap_or(0)
                            <= start.get(&m).copied().unwrap_or(0) =>
                    {
                        balancer.exclude_most_loaded();
                    }
                    Some(m) => break Some(m),
                }
            };
            let Some(most_loaded) = most_loaded else {
                break;
            };
            let Some(last) = end.get_mut(&most_loaded) else {
                break;
            };
            *last -= 1;
            let partition = partitions[*last];
            let least_loaded = balancer.next_least_loaded(&self.sizes);
            if balancer.is_balanced() {
                break;
            }
            self.assign_partition(topic, partition, least_loaded);
            moved += 1;
        }
        moved
    }

    /// `assignPartition`: moves the partition from its owner, if any.
    fn assign_partition(&mut self, topic: &str, partition: usize, member: usize) {
        let Some(owners) = self.owners.get_mut(topic) else {
            return;
        };
        if let Some(old) = owners[partition].replace(member) {
            self.sizes[old] -= 1;
            if let Some(a) = self.target.get_mut(self.members[old]) {
                if let Some(parts) = a.get_mut(topic) {
                    parts.remove(&(partition as i32));
                    if parts.is_empty() {
                        a.remove(topic);
                    }
                }
            }
        }
        self.sizes[member] += 1;
        self.target
            .entry(self.members[member].to_owned())
            .or_default()
            .entry(topic.to_owned())
            .or_default()
            .insert(partition as i32);
    }
}

/// `MemberAssignmentBalancer`: a range of least loaded members that grows rightwards and a
/// range of most loaded members that grows leftwards, over the members sorted by load.
#[derive(Default)]
struct Balancer {
    sorted: Vec<usize>,
    least_loaded_end: usize,
    least_loaded_count: i64,
    next_least_loaded: usize,
    most_loaded_start: usize,
    most_loaded_end: usize,
    most_loaded_count: i64,
    /// `nextMostLoadedMember`; -1 when exhausted.
    next_most_loaded: isize,
}

impl Balancer {
    /// `initialize`: returns the spread between the most and least loaded members.
    fn initialize(&mut self, members: &[usize], sizes: &[i64]) -> i64 {
        self.sorted.clear();
        self.sorted.extend_from_slice(members);
        sorting::sort_by(&mut self.sorted, |&a, &b| {
            sizes[a].cmp(&sizes[b]).then(a.cmp(&b))
        });
        let (Some(&first), Some(&last)) = (self.sorted.first(), self.sorted.last()) else {
            return 0;
        };
        self.least_loaded_end = 0;
        self.least_loaded_count = sizes[first] - 1;
        self.next_least_loaded = 0;
        self.most_loaded_start = self.sorted.len();
        self.most_loaded_end = self.sorted.len();
        self.most_loaded_count = sizes[last] + 1;
        self.next_most_loaded = self.sorted.len() as isize - 1;
        sizes[last] - sizes[first]
    }

    /// `nextLeastLoadedMember`.
    fn next_least_loaded(&mut self, sizes: &[i64]) -> usize {
        if self.next_least_loaded >= self.least_loaded_end {
            self.least_loaded_count += 1;
            while self.least_loaded_end < self.sorted.len()
                && sizes[self.sorted[self.least_loaded_end]] == self.least_loaded_count
            {
                self.least_loaded_end += 1;
            }
            self.next_least_loaded = 0;
        }
        let member = self.sorted[self.next_least_loaded];
        self.next_least_loaded += 1;
        member
    }

    /// `nextMostLoadedMember`; `None` for Java's -1.
    fn next_most_loaded(&mut self, sizes: &[i64]) -> Option<usize> {
        if self.next_most_loaded < self.most_loaded_start as isize {
            if self.most_loaded_end <= self.most_loaded_start && self.most_loaded_start > 0 {
                self.most_loaded_count = sizes[self.sorted[self.most_loaded_start - 1]];
            } else {
                self.most_loaded_count -= 1;
            }
            while self.most_loaded_start > 0
                && sizes[self.sorted[self.most_loaded_start - 1]] == self.most_loaded_count
            {
                self.most_loaded_start -= 1;
            }
            self.next_most_loaded = self.most_loaded_end as isize - 1;
        }
        if self.next_most_loaded < 0 {
            return None;
        }
        let member = self.sorted[self.next_most_loaded as usize];
        self.next_most_loaded -= 1;
        Some(member)
    }

    /// `excludeMostLoadedMember`: swap the last returned member to the end of the range and
    /// shrink the range.
    fn exclude_most_loaded(&mut self) {
        let i = (self.next_most_loaded + 1) as usize;
        self.sorted.swap(i, self.most_loaded_end - 1);
        self.most_loaded_end -= 1;
    }

    /// `isBalanced`.
    fn is_balanced(&self) -> bool {
        self.most_loaded_count - self.least_loaded_count <= 1
    }
}
