//! `StickyAssignor` and `CooperativeStickyAssignor`: ports of the Java client's
//! `AbstractStickyAssignor` (Kafka ≥ 2.8 structure, as in 4.1): balanced to within one partition,
//! as sticky as balance allows, never a partition to two members.
//!
//! - [`constrained`]: `ConstrainedAssignmentBuilder`, the fast path when every member subscribes
//!   to the same topics.
//! - [`general`]: `GeneralAssignmentBuilder`, the general path (different subscriptions), with
//!   `PartitionMovements` to avoid moving partitions back and forth.
//!
//! This module reads each member's previous assignment the way each assignor does
//! (`memberData`: `StickyAssignorUserData` for the eager sticky assignor, `ownedPartitions` and
//! the generation for cooperative-sticky), resolves conflicting claims by generation
//! (`allSubscriptionsEqual`), and for cooperative-sticky removes every partition that changes
//! owner from this round (`CooperativeStickyAssignor.adjustAssignment`): its old owner revokes it
//! first, and it is handed out in the follow-up rebalance (KIP-429).
//!
//! Internally topics and members are indices: topics in name order, members in Java
//! `String.compareTo` order of their ids, so index order is the order Java sorts by.

pub mod constrained;
pub mod general;
mod user_data;

pub use user_data::{
    decode_cooperative_user_data, decode_sticky_user_data, encode_cooperative_user_data,
    encode_sticky_user_data,
};

use super::{java_string_cmp, Assignment, AssignorError, Subscription, TopicPartition};
use crate::engine::sorting::{self, CollectBTree};
use std::collections::{BTreeMap, BTreeSet};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`.
pub const DEFAULT_GENERATION: i32 = -1;

/// A topic-partition by topic index (name order) and partition number.
pub(crate) type Tp = (u32, i32);

/// `AbstractStickyAssignor.MemberData`: the partitions a member says it had, and from which
/// generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberData {
    pub partitions: Vec<TopicPartition>,
    pub generation: Option<i32>,
}

/// `StickyAssignor.memberData`: always from the user data, since an eager member has revoked
/// everything (its `ownedPartitions` is empty) before it joins.
pub fn sticky_member_data(subscription: &Subscription) -> MemberData {
    match subscription.user_data.as_deref() {
        None | Some([]) => MemberData {
            partitions: Vec::new(),
            generation: None,
        },
        Some(bytes) => decode_sticky_user_data(bytes),
    }
}

/// `CooperativeStickyAssignor.memberData`: `ownedPartitions`, with the generation from the
/// subscription (ConsumerProtocolSubscription v2+) or else from the user data.
pub fn cooperative_member_data(subscription: &Subscription) -> MemberData {
    let generation = match (
        subscription.generation_id,
        subscription.user_data.as_deref(),
    ) {
        (Some(g), _) => Some(g),
        (None, None) => None,
        (None, Some(bytes)) => Some(decode_cooperative_user_data(bytes)),
    };
    MemberData {
        partitions: subscription.owned_partitions.clone(),
        generation,
    }
}

/// The group as indices, shared by both builders.
pub(crate) struct Group {
    pub topics: Vec<String>,
    pub counts: Vec<i32>,
    pub members: Vec<String>,
    /// Per member, the subscribed topics that exist (`consumer2AllPotentialTopics`).
    pub member_topics: Vec<BTreeSet<u32>>,
    /// Per member, what it claims (`memberData`), restricted to existing partitions.
    pub member_data: Vec<(Vec<Tp>, Option<i32>)>,
    /// Per member, `Subscription.generationId` (read by `allSubscriptionsEqual` for the other
    /// claimant of a partition).
    pub subscription_generation: Vec<i32>,
    /// The order Java's `HashMap<String, Subscription>` walks the members.
    pub hash_order: Vec<usize>,
}

impl Group {
    fn new(
        partitions_per_topic: &BTreeMap<String, i32>,
        subscriptions: &BTreeMap<String, Subscription>,
        cooperative: bool,
    ) -> Group {
        let topics: Vec<String> = partitions_per_topic.keys().cloned().collect();
        let counts: Vec<i32> = partitions_per_topic.values().copied().collect();
        let topic_index: BTreeMap<&str, u32> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect_map();
        let mut members: Vec<&String> = subscriptions.keys().collect();
        sorting::sort_by(&mut members, |a, b| java_string_cmp(a, b));
        let mut group = Group {
            topics: topics.clone(),
            counts,
            members: members.iter().map(|m| (*m).clone()).collect(),
            member_topics: Vec::new(),
            member_data: Vec::new(),
            subscription_generation: Vec::new(),
            hash_order: Vec::new(),
        };
        let ids: Vec<&str> = members.iter().map(|m| m.as_str()).collect();
        group.hash_order = super::java_hash_map_order(&ids);
        for member in members {
            let subscription = &subscriptions[member];
            let subscribed = subscription
                .topics
                .iter()
                .filter_map(|t| topic_index.get(t.as_str()).copied())
                .collect();
            let data = if cooperative {
                cooperative_member_data(subscription)
            } else {
                sticky_member_data(subscription)
            };
            // Partitions of topics that no longer exist are dropped, as `allSubscriptionsEqual`
            // filters by `allTopics`; so are partition numbers beyond the topic's count, which
            // Kafka never sees but a bad caller could send.
            let partitions = data
                .partitions
                .iter()
                .filter_map(|tp| {
                    let t = *topic_index.get(tp.topic.as_str())?;
                    (0..group.counts[t as usize])
                        .contains(&tp.partition)
                        .then_some((t, tp.partition))
                })
                .collect();
            group.member_topics.push(subscribed);
            group.member_data.push((partitions, data.generation));
            group
                .subscription_generation
                .push(subscription.generation_id.unwrap_or(DEFAULT_GENERATION));
        }
        group
    }

    pub fn tp(&self, tp: Tp) -> TopicPartition {
        TopicPartition::new(self.topics[tp.0 as usize].clone(), tp.1)
    }

    pub fn total_partitions(&self) -> usize {
        self.counts.iter().map(|&c| c.max(0) as usize).sum()
    }
}

/// What `allSubscriptionsEqual` works out besides its answer.
pub(crate) struct OwnedPartitions {
    /// `consumerToOwnedPartitions`: each member's still-valid claims.
    pub owned: Vec<Vec<Tp>>,
    /// `partitionsWithMultiplePreviousOwners`: claimed twice in the same generation.
    pub multiple_owners: BTreeSet<Tp>,
    pub max_generation: i32,
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`: whether every member subscribes to the same
/// topics, and who may keep which partition. Two claims from the same generation invalidate the
/// partition; otherwise the higher generation wins.
fn all_subscriptions_equal(
    group: &Group,
    subscriptions: &BTreeMap<String, Subscription>,
) -> (bool, OwnedPartitions) {
    let mut equal = true;
    let first: BTreeSet<&String> = subscriptions[&group.members[0]].topics.iter().collect_set();
    let mut result = OwnedPartitions {
        owned: vec![Vec::new(); group.members.len()],
        multiple_owners: BTreeSet::new(),
        max_generation: DEFAULT_GENERATION,
    };
    let mut previous_owner: BTreeMap<Tp, usize> = BTreeMap::new();
    for &m in &group.hash_order {
        let member = &group.members[m];
        let topics: BTreeSet<&String> = subscriptions[member].topics.iter().collect_set();
        if topics != first {
            equal = false;
        }
        let (partitions, generation) = &group.member_data[m];
        let member_generation = generation.unwrap_or(DEFAULT_GENERATION);
        result.max_generation = result.max_generation.max(member_generation);
        for &tp in partitions {
            let Some(&other) = previous_owner.get(&tp) else {
                result.owned[m].push(tp);
                previous_owner.insert(tp, m);
                continue;
            };
            let other_generation = group.subscription_generation[other];
            if member_generation == other_generation {
                result.multiple_owners.insert(tp);
                remove_first(&mut result.owned[other], tp);
                previous_owner.insert(tp, m);
            } else if member_generation > other_generation {
                result.owned[m].push(tp);
                remove_first(&mut result.owned[other], tp);
                previous_owner.insert(tp, m);
            }
        }
    }
    (equal, result)
}

pub(crate) fn remove_first(list: &mut Vec<Tp>, tp: Tp) -> bool {
    match list.iter().position(|&x| x == tp) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// What `AbstractStickyAssignor.assignPartitions` leaves behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickyAssignment {
    /// The balanced, sticky assignment (before any cooperative adjustment).
    pub assignment: Assignment,
    /// `partitionsTransferringOwnership`: computed by the constrained builder; `None` after
    /// the general builder (Java sets it to `null` there).
    pub partitions_transferring_ownership: Option<BTreeMap<TopicPartition, String>>,
}

/// `AbstractStickyAssignor.assignPartitions`, reading member data as `StickyAssignor` does
/// (`cooperative == false`) or as `CooperativeStickyAssignor` does. Topics nobody subscribes to
/// are ignored, as in [`ClientAssignor::assign`](super::ClientAssignor::assign).
pub fn assign_partitions(
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
    cooperative: bool,
) -> Result<StickyAssignment, AssignorError> {
    if subscriptions.is_empty() {
        return Err(AssignorError::NoMembers);
    }
    let partitions_per_topic =
        super::subscribed_partitions_per_topic(partitions_per_topic, subscriptions);
    let group = Group::new(&partitions_per_topic, subscriptions, cooperative);
    let (equal, owned) = all_subscriptions_equal(&group, subscriptions);
    let (assignment, transferring) = if equal {
        let (assignment, transferring) = constrained::assign(&group, &owned)?;
        (assignment, Some(transferring))
    } else {
        (general::assign(&group, owned), None)
    };
    let named = |tp: Tp, m: usize| (group.tp(tp), group.members[m].clone());
    Ok(StickyAssignment {
        assignment: group
            .members
            .iter()
            .zip(assignment)
            .map(|(m, list)| (m.clone(), list.into_iter().map(|tp| group.tp(tp)).collect()))
            .collect_map(),
        partitions_transferring_ownership: transferring
            .map(|t| t.into_iter().map(|(tp, m)| named(tp, m)).collect_map()),
    })
}

/// `StickyAssignor.assign`, or `CooperativeStickyAssignor.assign`: the sticky assignment, minus
/// (cooperative) every partition changing owner (`adjustAssignment`): its new owner waits for
/// the follow-up rebalance.
pub(crate) fn assign(
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
    cooperative: bool,
) -> Result<Assignment, AssignorError> {
    let result = assign_partitions(partitions_per_topic, subscriptions, cooperative)?;
    let mut assignment = result.assignment;
    if cooperative {
        let transferring = match result.partitions_transferring_ownership {
            Some(t) => t,
            None => partitions_transferring_ownership(subscriptions, &assignment),
        };
        for (tp, member) in transferring {
            if let Some(list) = assignment.get_mut(&member) {
                if let Some(i) = list.iter().position(|x| *x == tp) {
                    list.remove(i);
                }
            }
        }
    }
    Ok(assignment)
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership` (general path): partitions
/// assigned to a member that did not own them, and that some other member owned and loses.
fn partitions_transferring_ownership(
    subscriptions: &BTreeMap<String, Subscription>,
    assignment: &Assignment,
) -> BTreeMap<TopicPartition, String> {
    let mut added: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut revoked: BTreeSet<&TopicPartition> = BTreeSet::new();
    for (member, assigned) in assignment {
        let owned: BTreeSet<&TopicPartition> = subscriptions
            .get(member)
            .map(|s| s.owned_partitions.iter().collect_set())
            .unwrap_or_default();
        let assigned: BTreeSet<&TopicPartition> = assigned.iter().collect_set();
        added.extend(
            assigned
                .difference(&owned)
                .map(|&tp| (tp.clone(), member.clone())),
        );
        revoked.extend(owned.difference(&assigned).copied());
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}
