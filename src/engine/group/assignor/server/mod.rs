//! Server-side assignors of the KIP-848 consumer protocol (`group.consumer.assignors`, default
//! `uniform,range`): the group coordinator computes each member's target assignment from the
//! members' subscriptions and the current target assignment (`GroupSpec`), sticky toward it.
//! Ports of `org.apache.kafka.coordinator.group.assignor.UniformAssignor` and `RangeAssignor`.
//!
//! Topics are named, not `Uuid`s: the coordinator resolves subscribed names to the topics that
//! exist, so names that are not in the metadata are dropped before assigning, as there.

pub mod range;
pub mod uniform;
pub mod uniform_heterogeneous;

use super::AssignorError;
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};

/// Topic → partitions, as `MemberAssignment.partitions()` (`Map<Uuid, Set<Integer>>`).
pub type MemberAssignment = BTreeMap<String, BTreeSet<i32>>;

/// `MemberSubscriptionSpec` plus the member's current target assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberSpec {
    pub subscribed_topics: BTreeSet<String>,
    /// The member's assignment in the current target assignment (`GroupSpec.memberAssignment`).
    pub assignment: MemberAssignment,
}

impl MemberSpec {
    pub fn new<S: Into<String>>(topics: impl IntoIterator<Item = S>) -> Self {
        MemberSpec {
            subscribed_topics: topics.into_iter().map(Into::into).collect(),
            assignment: MemberAssignment::new(),
        }
    }

    pub fn with_assignment(
        mut self,
        topic: &str,
        partitions: impl IntoIterator<Item = i32>,
    ) -> Self {
        self.assignment
            .entry(topic.to_owned())
            .or_default()
            .extend(partitions);
        self
    }
}

/// `GroupSpec`: the members by member id.
pub type GroupSpec = BTreeMap<String, MemberSpec>;

/// `SubscriptionType`: HOMOGENEOUS when every member subscribes to the same topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionType {
    Homogeneous,
    Heterogeneous,
}

/// The server-side assignors by their `name()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServerAssignor {
    Uniform,
    Range,
}

impl ServerAssignor {
    pub fn name(self) -> &'static str {
        match self {
            ServerAssignor::Uniform => "uniform",
            ServerAssignor::Range => "range",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, AssignorError> {
        match name {
            "uniform" | "org.apache.kafka.coordinator.group.assignor.UniformAssignor" => {
                Ok(ServerAssignor::Uniform)
            }
            "range" | "org.apache.kafka.coordinator.group.assignor.RangeAssignor" => {
                Ok(ServerAssignor::Range)
            }
            _ => Err(AssignorError::UnknownAssignor(name.to_owned())),
        }
    }

    /// The new target assignment: every member of `group` gets an entry (empty when it gets
    /// nothing). `partitions_per_topic` is the topic metadata.
    pub fn assign(
        self,
        group: &GroupSpec,
        partitions_per_topic: &BTreeMap<String, i32>,
    ) -> Result<BTreeMap<String, MemberAssignment>, AssignorError> {
        if group.is_empty() {
            return Err(AssignorError::NoMembers);
        }
        let group = existing_topics_only(group, partitions_per_topic);
        let mut out = match self {
            ServerAssignor::Uniform => uniform::assign(&group, partitions_per_topic)?,
            ServerAssignor::Range => range::assign(&group, partitions_per_topic)?,
        };
        for member in group.keys() {
            out.entry(member.clone()).or_default();
        }
        for assignment in out.values_mut() {
            assignment.retain(|_, parts| !parts.is_empty());
        }
        Ok(out)
    }
}

/// Subscriptions and assignments restricted to topics in the metadata, as the coordinator's
/// `SubscribedTopicDescriberImpl` sees them.
fn existing_topics_only(
    group: &GroupSpec,
    partitions_per_topic: &BTreeMap<String, i32>,
) -> GroupSpec {
    group
        .iter()
        .map(|(id, spec)| {
            let spec = MemberSpec {
                subscribed_topics: spec
                    .subscribed_topics
                    .iter()
                    .filter(|t| partitions_per_topic.contains_key(*t))
                    .cloned()
                    .collect(),
                assignment: spec
                    .assignment
                    .iter()
                    .filter_map(|(t, parts)| {
                        let count = *partitions_per_topic.get(t)?;
                        let parts: BTreeSet<i32> = parts
                            .iter()
                            .copied()
                            .filter(|p| (0..count).contains(p))
                            .collect_set();
                        Some((t.clone(), parts))
                    })
                    .collect_map(),
            };
            (id.clone(), spec)
        })
        .collect_map()
}

/// `GroupSpec.subscriptionType()`.
pub fn subscription_type(group: &GroupSpec) -> SubscriptionType {
    let mut specs = group.values();
    let first = specs.next().map(|s| &s.subscribed_topics);
    if specs.all(|s| Some(&s.subscribed_topics) == first) {
        SubscriptionType::Homogeneous
    } else {
        SubscriptionType::Heterogeneous
    }
}

/// The order Java walks `GroupSpec.memberIds()`: the coordinator's `TargetAssignmentBuilder`
/// puts the members in a `HashMap`, so which members get the extra partitions follows
/// [`java_hash_map_order`](super::java_hash_map_order) of their ids.
pub(crate) fn member_order(group: &GroupSpec) -> Vec<&str> {
    let ids: Vec<&str> = group.keys().map(String::as_str).collect();
    super::java_hash_map_order(&ids)
        .into_iter()
        .map(|i| ids[i])
        .collect()
}

/// `GroupSpec.isPartitionAssigned`: in anyone's current target assignment.
pub(crate) fn assigned_partitions(group: &GroupSpec) -> BTreeSet<(&str, i32)> {
    group
        .values()
        .flat_map(|spec| {
            spec.assignment
                .iter()
                .flat_map(|(t, parts)| parts.iter().map(move |&p| (t.as_str(), p)))
        })
        .collect()
}
