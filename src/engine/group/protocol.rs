//! The group requests a consumer sends its coordinator and the answers it gets: the fields of
//! Kafka's `JoinGroup`, `SyncGroup`, `Heartbeat`, `LeaveGroup`, `OffsetCommit` and `OffsetFetch`
//! messages that the playground's clients use (`clients/src/main/resources/common/message/`).
//! Clients reach their coordinator directly (no simulated network between client and broker),
//! but an answer can come later: a JoinGroup waits for the rebalance, a commit for its write to
//! `__consumer_offsets` to be replicated.

use super::assignor::TopicPartition;
use super::describe::CommittedOffset;
use crate::engine::error::ErrorCode;
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// `JoinGroupRequest` (v9): a member asks to be part of the next generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupRequest {
    pub group_id: String,
    pub session_timeout_ms: i32,
    pub rebalance_timeout_ms: i32,
    /// Empty for a member that has none yet (it gets one with `MEMBER_ID_REQUIRED`).
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocol_type: String,
    /// The assignors the member supports, preferred first, each with its subscription bytes
    /// (`ConsumerProtocolSubscription`).
    pub protocols: Vec<(String, Vec<u8>)>,
    pub client_id: String,
    pub reason: Option<String>,
}

/// One member as the leader sees it in its JoinGroup answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub metadata: Vec<u8>,
}

/// `JoinGroupResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupResponse {
    pub error: ErrorCode,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader: String,
    pub member_id: String,
    /// Every member with its metadata for the chosen protocol — for the leader only.
    pub members: Vec<JoinedMember>,
    /// KIP-814: the leader of an unchanged generation (a static leader that restarted) must
    /// not compute a new assignment.
    pub skip_assignment: bool,
}

impl JoinGroupResponse {
    pub fn error(error: ErrorCode, member_id: &str) -> Self {
        JoinGroupResponse {
            error,
            generation_id: -1,
            protocol_type: None,
            protocol_name: None,
            leader: String::new(),
            member_id: member_id.to_string(),
            members: Vec::new(),
            skip_assignment: false,
        }
    }
}

/// `SyncGroupRequest`: the leader sends the assignment; the others send none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncGroupRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    /// Member id to its `ConsumerProtocolAssignment` bytes.
    pub assignments: Vec<(String, Vec<u8>)>,
}

/// `SyncGroupResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncGroupResponse {
    pub error: ErrorCode,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub assignment: Vec<u8>,
}

impl SyncGroupResponse {
    pub fn error(error: ErrorCode) -> Self {
        SyncGroupResponse {
            error,
            protocol_type: None,
            protocol_name: None,
            assignment: Vec::new(),
        }
    }
}

/// `HeartbeatRequest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
}

/// `LeaveGroupRequest` (v3+: a batch of members).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveGroupRequest {
    pub group_id: String,
    /// (member id, group instance id, reason).
    pub members: Vec<(String, Option<String>, Option<String>)>,
}

/// `OffsetCommitRequest`: from a member (its generation) or from outside the group
/// (generation -1, empty member id: `Admin.alterConsumerGroupOffsets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub offsets: Vec<(TopicPartition, CommittedOffset)>,
}

/// `OffsetFetchRequest` for one group: the listed partitions, or every committed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetFetchRequest {
    pub group_id: String,
    pub partitions: Option<Vec<TopicPartition>>,
}

/// `ConsumerGroupHeartbeatRequest` (KIP-848): joins with epoch 0, leaves with -1; `None`
/// fields are "unchanged since the last heartbeat".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupHeartbeatRequest {
    pub group_id: String,
    /// Chosen by the client (a UUID, KIP-1082).
    pub member_id: String,
    pub member_epoch: i32,
    pub instance_id: Option<String>,
    pub rebalance_timeout_ms: i32,
    pub subscribed_topic_names: Option<Vec<String>>,
    /// `SubscribedTopicRegex`: matched by the broker (`subscribe(SubscriptionPattern)`); an
    /// empty string drops it, `None` leaves it as it was.
    pub subscribed_topic_regex: Option<String>,
    pub server_assignor: Option<String>,
    /// The partitions the member owns now.
    pub topic_partitions: Option<Vec<TopicPartition>>,
    pub client_id: String,
}

/// `ConsumerGroupHeartbeatResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupHeartbeatResponse {
    pub error: ErrorCode,
    /// `ErrorMessage`: Kafka's words for a refusal, when it has more than the code's.
    pub error_message: Option<String>,
    pub member_id: String,
    pub member_epoch: i32,
    pub heartbeat_interval_ms: i32,
    /// The member's assignment, when it changed.
    pub assignment: Option<Vec<TopicPartition>>,
}

impl ConsumerGroupHeartbeatResponse {
    pub fn error(error: ErrorCode, member_id: &str) -> Self {
        ConsumerGroupHeartbeatResponse {
            error,
            error_message: None,
            member_id: member_id.to_string(),
            member_epoch: -1,
            heartbeat_interval_ms: 0,
            assignment: None,
        }
    }

    /// The answer to a member leaving: its leave epoch back.
    pub fn left(member_id: &str, epoch: i32) -> Self {
        ConsumerGroupHeartbeatResponse {
            member_epoch: epoch,
            ..Self::error(ErrorCode::None, member_id)
        }
    }
}

/// A group request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupRequest {
    JoinGroup(JoinGroupRequest),
    SyncGroup(SyncGroupRequest),
    Heartbeat(HeartbeatRequest),
    LeaveGroup(LeaveGroupRequest),
    OffsetCommit(OffsetCommitRequest),
    OffsetFetch(OffsetFetchRequest),
    ConsumerGroupHeartbeat(ConsumerGroupHeartbeatRequest),
}

impl GroupRequest {
    pub fn group_id(&self) -> &str {
        match self {
            GroupRequest::JoinGroup(r) => &r.group_id,
            GroupRequest::SyncGroup(r) => &r.group_id,
            GroupRequest::Heartbeat(r) => &r.group_id,
            GroupRequest::LeaveGroup(r) => &r.group_id,
            GroupRequest::OffsetCommit(r) => &r.group_id,
            GroupRequest::OffsetFetch(r) => &r.group_id,
            GroupRequest::ConsumerGroupHeartbeat(r) => &r.group_id,
        }
    }

    /// The answer this request gets when it cannot be handled at all (`error` for the whole
    /// request, e.g. `NOT_COORDINATOR`).
    pub fn error_response(&self, error: ErrorCode) -> GroupResponse {
        match self {
            GroupRequest::JoinGroup(r) => {
                GroupResponse::JoinGroup(JoinGroupResponse::error(error, &r.member_id))
            }
            GroupRequest::SyncGroup(_) => GroupResponse::SyncGroup(SyncGroupResponse::error(error)),
            GroupRequest::Heartbeat(_) => GroupResponse::Heartbeat(error),
            GroupRequest::LeaveGroup(_) => GroupResponse::LeaveGroup {
                error,
                members: Vec::new(),
            },
            GroupRequest::OffsetCommit(r) => GroupResponse::OffsetCommit(
                r.offsets
                    .iter()
                    .map(|(tp, _)| (tp.clone(), error))
                    .collect_map(),
            ),
            GroupRequest::OffsetFetch(_) => GroupResponse::OffsetFetch {
                error,
                offsets: BTreeMap::new(),
            },
            GroupRequest::ConsumerGroupHeartbeat(r) => GroupResponse::ConsumerGroupHeartbeat(
                ConsumerGroupHeartbeatResponse::error(error, &r.member_id),
            ),
        }
    }
}

/// A group answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupResponse {
    JoinGroup(JoinGroupResponse),
    SyncGroup(SyncGroupResponse),
    Heartbeat(ErrorCode),
    LeaveGroup {
        error: ErrorCode,
        /// Each leaving member's own outcome.
        members: Vec<(String, ErrorCode)>,
    },
    /// Each partition's outcome.
    OffsetCommit(BTreeMap<TopicPartition, ErrorCode>),
    OffsetFetch {
        error: ErrorCode,
        offsets: BTreeMap<TopicPartition, CommittedOffset>,
    },
    ConsumerGroupHeartbeat(ConsumerGroupHeartbeatResponse),
}

impl GroupResponse {
    /// The same answer failed with `error` — what a request whose write to
    /// `__consumer_offsets` failed gets back.
    pub fn failed(self, error: ErrorCode) -> Self {
        match self {
            GroupResponse::JoinGroup(r) => {
                GroupResponse::JoinGroup(JoinGroupResponse::error(error, &r.member_id))
            }
            GroupResponse::SyncGroup(_) => {
                GroupResponse::SyncGroup(SyncGroupResponse::error(error))
            }
            GroupResponse::Heartbeat(_) => GroupResponse::Heartbeat(error),
            GroupResponse::LeaveGroup { members, .. } => {
                GroupResponse::LeaveGroup { error, members }
            }
            GroupResponse::OffsetCommit(partitions) => GroupResponse::OffsetCommit(
                partitions.into_keys().map(|tp| (tp, error)).collect_map(),
            ),
            GroupResponse::OffsetFetch { .. } => GroupResponse::OffsetFetch {
                error,
                offsets: BTreeMap::new(),
            },
            GroupResponse::ConsumerGroupHeartbeat(r) => GroupResponse::ConsumerGroupHeartbeat(
                ConsumerGroupHeartbeatResponse::error(error, &r.member_id),
            ),
        }
    }
}
