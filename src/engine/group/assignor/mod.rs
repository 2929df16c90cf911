//! Partition assignors: who in a consumer group reads which partition.
//!
//! Two families, both pure and deterministic:
//!
//! - **Client-side** ([`ClientAssignor`], the classic protocol): the group leader runs the assignor
//!   named by `partition.assignment.strategy` over every member's [`Subscription`] (topics,
//!   `ownedPartitions`, generation and user data from `ConsumerProtocolSubscription`) and sends the
//!   result back in SyncGroup. Ports of the Java client's `RangeAssignor`, `RoundRobinAssignor`,
//!   `StickyAssignor` and `CooperativeStickyAssignor` (`org.apache.kafka.clients.consumer`).
//! - **Server-side** ([`server::ServerAssignor`], KIP-848 `group.consumer.assignors`): the group
//!   coordinator computes a target assignment from the members' subscriptions and the current
//!   target assignment. Ports of `UniformAssignor` and `RangeAssignor` from
//!   `org.apache.kafka.coordinator.group.assignor`.
//!
//! Where the outcome depends on the order Java iterates the members' `HashMap` (the sticky
//! assignors and the server-side ones), [`java_hash_map_order`] reproduces it; other `HashMap`/`HashSet` walks (topic ids,
//! partition sets) are in sorted order, and docs/DEPARTURES.md lists where that can change which
//! of two equally good answers is chosen. Rack-aware assignment (KIP-881) is not modelled:
//! the playground has no racks, and without racks Kafka takes the same non-rack paths ported here.

pub mod range;
pub mod round_robin;
pub mod server;
pub mod sticky;

use crate::engine::sorting;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// `org.apache.kafka.common.TopicPartition`. Orders by topic, then partition, as the assignors'
/// `Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    /// `TopicPartition.toString()`: `topic-partition`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// `ConsumerPartitionAssignor.Subscription`: what one member sent in JoinGroup
/// (`ConsumerProtocolSubscription` v3: topics, user data, owned partitions, generation id, rack).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscription {
    pub topics: Vec<String>,
    /// The assignor's own bytes (`StickyAssignor`: `StickyAssignorUserData`; cooperative-sticky:
    /// the generation, for protocol versions before v2).
    pub user_data: Option<Vec<u8>>,
    /// `ownedPartitions` (ConsumerProtocolSubscription v1+): what the member holds now. Empty for
    /// eager members, which revoke everything before they join.
    pub owned_partitions: Vec<TopicPartition>,
    /// `generationId` (v2+): the generation the owned partitions are from; `None` is Kafka's -1
    /// "not present".
    pub generation_id: Option<i32>,
    /// `group.instance.id` (KIP-345): static members sort before dynamic ones in range and
    /// round-robin (`AbstractPartitionAssignor.MemberInfo.compareTo`).
    pub group_instance_id: Option<String>,
}

impl Subscription {
    pub fn new<S: Into<String>>(topics: impl IntoIterator<Item = S>) -> Self {
        Subscription {
            topics: topics.into_iter().map(Into::into).collect(),
            ..Subscription::default()
        }
    }

    pub fn with_owned(mut self, owned: impl IntoIterator<Item = TopicPartition>) -> Self {
        self.owned_partitions = owned.into_iter().collect();
        self
    }

    pub fn with_generation(mut self, generation_id: i32) -> Self {
        self.generation_id = Some(generation_id);
        self
    }

    pub fn with_user_data(mut self, user_data: Vec<u8>) -> Self {
        self.user_data = Some(user_data);
        self
    }

    pub fn with_instance_id(mut self, group_instance_id: impl Into<String>) -> Self {
        self.group_instance_id = Some(group_instance_id.into());
        self
    }
}

/// Member id to the partitions it gets, in the order the assignor produced them.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// Why an assignor could not produce an assignment. Kafka throws `IllegalStateException` for
/// the sticky builders' internal checks and `PartitionAssignorException` on the server; here
/// they are values, so a broken group never panics the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignorError {
    /// `IllegalStateException` from a sticky assignment builder (a bug or impossible input).
    #[error("IllegalStateException: {0}")]
    IllegalState(String),
    /// `PartitionAssignorException` (server side), with Kafka's message.
    #[error("PartitionAssignorException: {0}")]
    PartitionAssignor(String),
    /// The group has no members.
    #[error("cannot assign partitions to a group without members")]
    NoMembers,
    /// An assignor name that is not one of Kafka's.
    #[error("unknown assignor {0:?}")]
    UnknownAssignor(String),
}

/// The client-side assignors of `partition.assignment.strategy`, by Kafka's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientAssignor {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

/// The client's rebalance protocol (`ConsumerPartitionAssignor.RebalanceProtocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebalanceProtocol {
    Eager,
    Cooperative,
}

impl ClientAssignor {
    pub const ALL: [ClientAssignor; 4] = [
        ClientAssignor::Range,
        ClientAssignor::RoundRobin,
        ClientAssignor::Sticky,
        ClientAssignor::CooperativeSticky,
    ];

    /// `ConsumerPartitionAssignor.name()`, the protocol name in JoinGroup.
    pub fn name(self) -> &'static str {
        match self {
            ClientAssignor::Range => "range",
            ClientAssignor::RoundRobin => "roundrobin",
            ClientAssignor::Sticky => "sticky",
            ClientAssignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// By protocol name (`range`) or Java class name (`org.apache.kafka.clients.consumer.RangeAssignor`).
    pub fn from_name(name: &str) -> Result<Self, AssignorError> {
        let short = name.rsplit('.').next().unwrap_or(name);
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name || a.class_name() == short)
            .ok_or_else(|| AssignorError::UnknownAssignor(name.to_owned()))
    }

    fn class_name(self) -> &'static str {
        match self {
            ClientAssignor::Range => "RangeAssignor",
            ClientAssignor::RoundRobin => "RoundRobinAssignor",
            ClientAssignor::Sticky => "StickyAssignor",
            ClientAssignor::CooperativeSticky => "CooperativeStickyAssignor",
        }
    }

    /// The first of `supportedProtocols()`: only cooperative-sticky supports COOPERATIVE.
    pub fn protocol(self) -> RebalanceProtocol {
        match self {
            ClientAssignor::CooperativeSticky => RebalanceProtocol::Cooperative,
            _ => RebalanceProtocol::Eager,
        }
    }

    /// `AbstractPartitionAssignor.assign(Cluster, GroupSubscription)`: `partitions_per_topic` is the
    /// leader's metadata (topic → partition count); topics a member subscribes to that are not
    /// in it are skipped, as Java logs "Skipping assignment for topic … since no metadata is
    /// available". Every member gets an entry, empty if it gets nothing.
    pub fn assign(
        self,
        partitions_per_topic: &BTreeMap<String, i32>,
        subscriptions: &BTreeMap<String, Subscription>,
    ) -> Result<Assignment, AssignorError> {
        if subscriptions.is_empty() {
            return Err(AssignorError::NoMembers);
        }
        let partitions = subscribed_partitions_per_topic(partitions_per_topic, subscriptions);
        match self {
            ClientAssignor::Range => Ok(range::assign(&partitions, subscriptions)),
            ClientAssignor::RoundRobin => Ok(round_robin::assign(&partitions, subscriptions)),
            ClientAssignor::Sticky => sticky::assign(&partitions, subscriptions, false),
            ClientAssignor::CooperativeSticky => sticky::assign(&partitions, subscriptions, true),
        }
    }
}

/// The subscribed topics that exist in the metadata, with their partition counts (negative
/// counts are treated as 0).
pub(crate) fn subscribed_partitions_per_topic(
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, i32> {
    let mut out = BTreeMap::new();
    for subscription in subscriptions.values() {
        for topic in &subscription.topics {
            if let Some(&count) = partitions_per_topic.get(topic) {
                out.insert(topic.clone(), count.max(0));
            }
        }
    }
    out
}

/// Java's `String.compareTo`: UTF-16 code unit order (differs from Rust's `str` order only for
/// characters above U+FFFF against U+E000..U+FFFF).
pub fn java_string_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java's `String.hashCode`.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The order a `java.util.HashMap<String, _>` built by `put`s of `keys` (in that order) iterates
/// them: by bucket (`(h ^ h >>> 16) & (capacity - 1)`, the capacity the default load factor 0.75
/// grows to), then insertion order within a bucket. The sticky assignor's outcome depends on
/// the order it walks the members' `Map`, so following it makes Kafka's own test cases come out
/// the same. The real leader inserts members in JoinGroup response order; callers pass the
/// members in id order, which only matters for ids that share a bucket.
pub fn java_hash_map_order(keys: &[&str]) -> Vec<usize> {
    let mut capacity = 16usize;
    while keys.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |k: &str| {
        let h = java_string_hash(k) as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    sorting::sort_by_key(&mut order, |&i| (bucket(keys[i]), i));
    order
}

/// Members in `AbstractPartitionAssignor.MemberInfo` order: static members (by
/// `group.instance.id`) first, then dynamic members by member id.
pub(crate) fn sorted_member_infos(subscriptions: &BTreeMap<String, Subscription>) -> Vec<&str> {
    let mut members: Vec<(&str, Option<&str>)> = subscriptions
        .iter()
        .map(|(id, s)| (id.as_str(), s.group_instance_id.as_deref()))
        .collect();
    sorting::sort_by(
        &mut members,
        |(a_id, a_instance), (b_id, b_instance)| match (a_instance, b_instance) {
            (Some(a), Some(b)) => java_string_cmp(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => java_string_cmp(a_id, b_id),
        },
    );
    members.into_iter().map(|(id, _)| id).collect()
}

/// `ConsumerCoordinator.validateCooperativeAssignment`'s rule and the follow-up of KIP-429: the
/// partitions each member must revoke (owned but no longer assigned). A cooperative member that
/// revokes anything rejoins at once, and the revoked partitions are handed out in that second
/// rebalance.
pub fn revoked_partitions(
    subscriptions: &BTreeMap<String, Subscription>,
    assignment: &Assignment,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut out = BTreeMap::new();
    for (member, subscription) in subscriptions {
        let assigned = assignment.get(member).map(Vec::as_slice).unwrap_or(&[]);
        let revoked: Vec<TopicPartition> = subscription
            .owned_partitions
            .iter()
            .filter(|tp| !assigned.contains(tp))
            .cloned()
            .collect();
        if !revoked.is_empty() {
            out.insert(member.clone(), revoked);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_class_names_resolve() {
        for a in ClientAssignor::ALL {
            assert_eq!(ClientAssignor::from_name(a.name()), Ok(a));
        }
        assert_eq!(
            ClientAssignor::from_name(
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            ),
            Ok(ClientAssignor::CooperativeSticky)
        );
        assert!(ClientAssignor::from_name("uniform").is_err());
    }

    #[test]
    fn static_members_sort_first_as_member_info_does() {
        let mut subs = BTreeMap::new();
        subs.insert("a".to_owned(), Subscription::new(["t"]));
        subs.insert(
            "b".to_owned(),
            Subscription::new(["t"]).with_instance_id("z"),
        );
        subs.insert(
            "c".to_owned(),
            Subscription::new(["t"]).with_instance_id("y"),
        );
        assert_eq!(sorted_member_infos(&subs), vec!["c", "b", "a"]);
    }

    #[test]
    fn hash_map_order_follows_java_buckets() {
        // "consumer1".hashCode() lands in bucket 12 of 16, "consumer2" in 11, "consumer3" in 10.
        assert_eq!(java_string_hash("consumer1"), -421_004_549);
        assert_eq!(
            java_hash_map_order(&["consumer1", "consumer2", "consumer3"]),
            vec![2, 1, 0]
        );
    }

    #[test]
    fn java_order_is_utf16_order() {
        // U+FF61 sorts after U+1F600 in UTF-8 byte order but before it in UTF-16.
        assert_eq!(java_string_cmp("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF61}"), Ordering::Greater);
    }
}
