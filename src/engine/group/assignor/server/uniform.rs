//! `UniformAssignor` (KIP-848's default): partitions spread evenly over the members, sticky toward
//! the current target assignment. Homogeneous groups use `UniformHomogeneousAssignmentBuilder`
//! (called `OptimizedUniformAssignmentBuilder` before Kafka 4.0):
//!
//! 1. Quotas: `total / members` each, one more for the first `total % members` members.
//! 2. Each member keeps its current partitions of subscribed topics up to its quota; the excess,
//!    and partitions nobody holds, are unassigned.
//! 3. The unassigned partitions fill the members below quota, in order.
//!
//! Java iterates members in `HashMap` order (reproduced), topic `Uuid`s and partitions in
//! `HashSet` order; here topics are in name order and partitions ascending. Groups whose members
//! subscribe to different topics go to `UniformHeterogeneousAssignmentBuilder`
//! (`uniform_heterogeneous`).

use super::{
    assigned_partitions, member_order, subscription_type, GroupSpec, MemberAssignment,
    SubscriptionType,
};
use crate::engine::group::assignor::AssignorError;
use std::collections::BTreeMap;

pub(crate) fn assign(
    group: &GroupSpec,
    partitions_per_topic: &BTreeMap<String, i32>,
) -> Result<BTreeMap<String, MemberAssignment>, AssignorError> {
    match subscription_type(group) {
        SubscriptionType::Homogeneous => homogeneous(group, partitions_per_topic),
        SubscriptionType::Heterogeneous => Ok(super::uniform_heterogeneous::assign(
            group,
            partitions_per_topic,
        )),
    }
}

/// `UniformHomogeneousAssignmentBuilder.build()`.
fn homogeneous(
    group: &GroupSpec,
    partitions_per_topic: &BTreeMap<String, i32>,
) -> Result<BTreeMap<String, MemberAssignment>, AssignorError> {
    let Some(first) = group.values().next() else {
        return Err(AssignorError::NoMembers);
    };
    let subscribed = &first.subscribed_topics;
    if subscribed.is_empty() {
        return Ok(BTreeMap::new());
    }
    let assigned = assigned_partitions(group);
    let mut unassigned: Vec<(String, i32)> = Vec::new();
    let mut total = 0usize;
    for topic in subscribed {
        let Some(&count) = partitions_per_topic.get(topic) else {
            return Err(AssignorError::PartitionAssignor(format!(
                "Members are subscribed to topic {topic} which doesn't exist in the topic metadata."
            )));
        };
        for p in 0..count {
            if !assigned.contains(&(topic.as_str(), p)) {
                unassigned.push((topic.clone(), p));
            }
        }
        total += count.max(0) as usize;
    }
    let min_quota = total / group.len();
    let mut extra = total % group.len();
    let mut target: BTreeMap<String, MemberAssignment> = BTreeMap::new();
    let mut unfilled: Vec<(&str, usize)> = Vec::new();
    // `maybeRevokePartitions`, members in Java's `HashMap` order.
    for member in member_order(group) {
        let spec = &group[member];
        let mut quota = min_quota;
        if extra > 0 {
            quota += 1;
            extra -= 1;
        }
        let mut kept = MemberAssignment::new();
        for (topic, partitions) in &spec.assignment {
            if !subscribed.contains(topic) {
                continue;
            }
            if partitions.len() <= quota {
                quota -= partitions.len();
                kept.insert(topic.clone(), partitions.clone());
                continue;
            }
            let mut keep = partitions.clone();
            for &p in partitions {
                if quota > 0 {
                    quota -= 1;
                } else {
                    keep.remove(&p);
                    unassigned.push((topic.clone(), p));
                }
            }
            kept.insert(topic.clone(), keep);
        }
        if quota > 0 {
            unfilled.push((member, quota));
        }
        target.insert(member.to_owned(), kept);
    }
    // `assignRemainingPartitions`.
    let mut next = 0;
    for (member, quota) in unfilled {
        let assignment = target.entry(member.to_owned()).or_default();
        for (topic, p) in unassigned.iter().skip(next).take(quota) {
            assignment.entry(topic.clone()).or_default().insert(*p);
        }
        next = (next + quota).min(unassigned.len());
    }
    if next < unassigned.len() {
        return Err(AssignorError::PartitionAssignor(
            "Partitions were left unassigned".to_owned(),
        ));
    }
    Ok(target)
}
