//! What the admin side sees of groups: the shapes of Kafka's `Admin` results
//! (`ListGroups`, `DescribeConsumerGroups`, `ListConsumerGroupOffsets`), which
//! `kafka-consumer-groups.sh` prints — and how a coordinator lists and describes its groups.

use super::assignor::TopicPartition;
use super::coordinator::{GroupCoordinator, GroupEntry};
use std::fmt;

/// `org.apache.kafka.common.GroupType` as the tools print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupType {
    /// The classic protocol (JoinGroup/SyncGroup), or a group that only holds offsets.
    Classic,
    /// KIP-848's consumer protocol (ConsumerGroupHeartbeat).
    Consumer,
}

impl fmt::Display for GroupType {
    /// `GroupType.toString()`: `Classic`, `Consumer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupType::Classic => "Classic",
            GroupType::Consumer => "Consumer",
        })
    }
}

/// `org.apache.kafka.common.GroupState`: the classic states, KIP-848's, and `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupState {
    Unknown,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
    Empty,
    Assigning,
    Reconciling,
}

impl fmt::Display for GroupState {
    /// `GroupState.toString()`: the names the tools print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupState::Unknown => "Unknown",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
            GroupState::Empty => "Empty",
            GroupState::Assigning => "Assigning",
            GroupState::Reconciling => "Reconciling",
        })
    }
}

/// `GroupListing`: one group of `ListGroups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupListing {
    pub group_id: String,
    pub group_type: GroupType,
    /// `consumer` for consumer groups; empty for a group that only holds offsets.
    pub protocol_type: String,
    pub state: GroupState,
}

/// `MemberDescription`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDescription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    /// The client's address as the broker saw it, e.g. `/127.0.0.1`.
    pub host: String,
    /// The partitions the member holds now.
    pub assignment: Vec<TopicPartition>,
    /// KIP-848: where the member is heading (`None` for classic members).
    pub target_assignment: Option<Vec<TopicPartition>>,
    /// KIP-848: the member's epoch (`None` for classic members).
    pub member_epoch: Option<i32>,
    /// KIP-848: whether a classic member was upgraded to the consumer protocol.
    pub upgraded: Option<bool>,
}

/// `ConsumerGroupDescription`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDescription {
    pub group_id: String,
    /// A group without a protocol type: it only holds offsets (`isSimpleConsumerGroup`).
    pub is_simple: bool,
    pub members: Vec<MemberDescription>,
    /// The chosen assignor (classic: the protocol name, e.g. `range`; empty when none).
    pub partition_assignor: String,
    pub group_type: GroupType,
    pub state: GroupState,
    /// The coordinator's node id.
    pub coordinator: i32,
    /// KIP-848: the group epoch and the target assignment's epoch.
    pub group_epoch: Option<i32>,
    pub target_assignment_epoch: Option<i32>,
}

/// `OffsetAndMetadata`: a committed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedOffset {
    pub offset: i64,
    pub leader_epoch: Option<i32>,
    pub metadata: String,
}

impl GroupCoordinator {
    /// ListGroups: every group here.
    pub fn list(&self) -> Vec<GroupListing> {
        self.groups
            .values()
            .map(|entry| match &entry.consumer {
                Some(group) => GroupListing {
                    group_id: group.group_id.clone(),
                    group_type: GroupType::Consumer,
                    protocol_type: "consumer".to_string(),
                    state: group.state(),
                },
                None => GroupListing {
                    group_id: entry.group.group_id.clone(),
                    group_type: GroupType::Classic,
                    protocol_type: entry.group.protocol_type.clone().unwrap_or_default(),
                    state: entry.group.state.as_group_state(),
                },
            })
            .collect()
    }

    /// DescribeGroups for one group (`Dead` when unknown), coordinated by `node_id`.
    pub fn describe(&self, group_id: &str, node_id: i32) -> GroupDescription {
        match self.groups.get(group_id) {
            Some(GroupEntry {
                consumer: Some(group),
                ..
            }) => group.describe(node_id),
            Some(entry) => {
                let group = &entry.group;
                GroupDescription {
                    group_id: group_id.to_string(),
                    is_simple: group.protocol_type.is_none(),
                    members: group.describe_members(),
                    partition_assignor: group.protocol_name.clone().unwrap_or_default(),
                    group_type: GroupType::Classic,
                    state: group.state.as_group_state(),
                    coordinator: node_id,
                    group_epoch: None,
                    target_assignment_epoch: None,
                }
            }
            None => GroupDescription {
                group_id: group_id.to_string(),
                is_simple: false,
                members: Vec::new(),
                partition_assignor: String::new(),
                group_type: GroupType::Classic,
                state: GroupState::Dead,
                coordinator: node_id,
                group_epoch: None,
                target_assignment_epoch: None,
            },
        }
    }
}
