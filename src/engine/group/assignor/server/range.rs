//! The server-side `RangeAssignor` (`org.apache.kafka.coordinator.group.assignor.RangeAssignor`):
//! per topic, its members each get `partitions / members` partitions and the first
//! `partitions % members` one more, in ranges so that co-partitioned topics line up; members keep
//! (the lowest of) the partitions they already have, up to their quota.
//!
//! Java iterates members in `HashMap` order (reproduced by [`member_order`]) and topic `Uuid`s in
//! hash order; here topics are in name order.

use super::{member_order, GroupSpec, MemberAssignment};
use crate::engine::group::assignor::AssignorError;
use std::collections::{BTreeMap, BTreeSet};

/// `RangeAssignor.assign(GroupSpec, SubscribedTopicDescriber)`.
pub(crate) fn assign(
    group: &GroupSpec,
    partitions_per_topic: &BTreeMap<String, i32>,
) -> Result<BTreeMap<String, MemberAssignment>, AssignorError> {
    let mut target: BTreeMap<String, MemberAssignment> = BTreeMap::new();
    for (topic, members) in members_per_topic(group) {
        let Some(&num_partitions) = partitions_per_topic.get(topic) else {
            return Err(AssignorError::PartitionAssignor(
                "Member is subscribed to a non-existent topic".to_owned(),
            ));
        };
        let num_partitions = num_partitions.max(0) as usize;
        let min_quota = num_partitions / members.len();
        let mut with_extra = num_partitions % members.len();
        let mut sticky: BTreeSet<usize> = BTreeSet::new();
        let mut potentially_unfilled: Vec<(&str, isize)> = Vec::new();
        for member in members {
            let current: Vec<usize> = group[member]
                .assignment
                .get(topic)
                .map(|ps| ps.iter().map(|&p| p as usize).collect())
                .unwrap_or_default();
            // Retain the lowest partitions, up to the minimum quota.
            for &p in current.iter().take(min_quota) {
                sticky.insert(p);
                keep(&mut target, member, topic, p);
            }
            let remaining = min_quota as isize - current.len() as isize;
            if remaining < 0 && with_extra > 0 {
                with_extra -= 1;
                sticky.insert(current[min_quota]);
                keep(&mut target, member, topic, current[min_quota]);
            } else {
                potentially_unfilled.push((member, remaining));
            }
        }
        let unassigned: Vec<usize> = (0..num_partitions)
            .filter(|p| !sticky.contains(p))
            .collect();
        let mut start = 0usize;
        for (member, mut remaining) in potentially_unfilled {
            if with_extra > 0 {
                remaining += 1;
                with_extra -= 1;
            }
            if remaining > 0 {
                let end = start + remaining as usize;
                let Some(range) = unassigned.get(start..end) else {
                    return Err(AssignorError::IllegalState(format!(
                        "range assignor ran out of partitions of {topic}"
                    )));
                };
                for &p in range {
                    keep(&mut target, member, topic, p);
                }
                start = end;
            }
        }
    }
    Ok(target)
}

fn keep(target: &mut BTreeMap<String, MemberAssignment>, member: &str, topic: &str, p: usize) {
    target
        .entry(member.to_owned())
        .or_default()
        .entry(topic.to_owned())
        .or_default()
        .insert(p as i32);
}

/// `membersPerTopic`: each topic's subscribers (for a homogeneous group, every member for every
/// topic, which is the same thing).
fn members_per_topic(group: &GroupSpec) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for member in member_order(group) {
        for topic in &group[member].subscribed_topics {
            out.entry(topic.as_str()).or_default().push(member);
        }
    }
    out
}
