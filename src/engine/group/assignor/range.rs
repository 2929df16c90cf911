//! The client-side `RangeAssignor` (`org.apache.kafka.clients.consumer.RangeAssignor`), the Java
//! client's first default: per topic, the members subscribed to it in `MemberInfo` order
//! (static members by `group.instance.id`, then member id) each take a contiguous range; the
//! first `partitions % members` take one extra. The rack-aware variant of KIP-881 only applies when
//! consumers and replicas have racks, which the playground does not model.

use super::{sorted_member_infos, Assignment, Subscription, TopicPartition};
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// `RangeAssignor.assignPartitions` without racks (`assignRanges` for every topic).
pub fn assign(
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> Assignment {
    let members = sorted_member_infos(subscriptions);
    let mut assignment: Assignment = subscriptions
        .keys()
        .map(|m| (m.clone(), Vec::new()))
        .collect_map();
    for (topic, &num_partitions) in partitions_per_topic {
        let consumers: Vec<&str> = members
            .iter()
            .copied()
            .filter(|m| subscriptions[*m].topics.iter().any(|t| t == topic))
            .collect();
        if consumers.is_empty() || num_partitions <= 0 {
            continue;
        }
        let n = consumers.len() as i32;
        let per_consumer = num_partitions / n;
        let with_extra = num_partitions % n;
        for (i, consumer) in consumers.iter().enumerate() {
            let i = i as i32;
            let start = per_consumer * i + i.min(with_extra);
            let length = per_consumer + i32::from(i < with_extra);
            let list = assignment.entry((*consumer).to_owned()).or_default();
            list.extend((start..start + length).map(|p| TopicPartition::new(topic.clone(), p)));
        }
    }
    assignment
}
