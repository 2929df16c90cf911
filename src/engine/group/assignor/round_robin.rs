//! The client-side `RoundRobinAssignor` (`org.apache.kafka.clients.consumer.RoundRobinAssignor`):
//! all subscribed topic-partitions sorted by topic then partition, dealt to the members in
//! `MemberInfo` order by a circular iterator that skips members not subscribed to the
//! partition's topic.

use super::{sorted_member_infos, Assignment, Subscription, TopicPartition};
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};

/// `RoundRobinAssignor.assign(partitionsPerTopic, subscriptions)`.
pub fn assign(
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> Assignment {
    let members = sorted_member_infos(subscriptions);
    let mut assignment: Assignment = subscriptions
        .keys()
        .map(|m| (m.clone(), Vec::new()))
        .collect_map();
    let subscribed: Vec<BTreeSet<&str>> = members
        .iter()
        .map(|m| {
            subscriptions[*m]
                .topics
                .iter()
                .map(String::as_str)
                .collect_set()
        })
        .collect();
    // `CircularIterator`: `peek` is members[next], `next()` returns it and advances.
    let mut next = 0usize;
    // `allPartitionsSorted`: a TreeSet of every subscribed topic, each with its partitions.
    for (topic, &num_partitions) in partitions_per_topic {
        // A topic no member subscribes to never reaches here (partitions_per_topic holds only
        // subscribed topics); the guard keeps a bad caller from looping forever.
        if !subscribed.iter().any(|s| s.contains(topic.as_str())) {
            continue;
        }
        for partition in 0..num_partitions {
            while !subscribed[next].contains(topic.as_str()) {
                next = (next + 1) % members.len();
            }
            let list = assignment.entry(members[next].to_owned()).or_default();
            list.push(TopicPartition::new(topic.clone(), partition));
            next = (next + 1) % members.len();
        }
    }
    assignment
}
