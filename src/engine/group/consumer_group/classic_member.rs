//! Classic-protocol members of a consumer group: the online migration of KIP-848, where a
//! consumer still on JoinGroup / SyncGroup / Heartbeat belongs to a group the broker assigns.
//! Kafka 4.1's `classicGroupJoinToConsumerGroup`, `classicGroupSyncToConsumerGroup`,
//! `classicGroupHeartbeatToConsumerGroup`, `classicGroupLeaveToConsumerGroup` and
//! `ConsumerGroup.fromClassicGroup`.
//!
//! Such a member's JoinGroup carries its subscription and what it owns in the embedded consumer
//! protocol; the broker reconciles it like any member ([`ConsumerGroup::reconcile`]) and answers
//! with its member epoch as the generation and no leader, so the member only syncs to collect
//! its assignment. When it must revoke, or has more partitions waiting for it, its heartbeat is
//! answered `REBALANCE_IN_PROGRESS` and it joins again — this is how a classic consumer follows
//! the broker's incremental reconciliation.

use super::records::TopicIds;
use super::{ConsumerGroup, ConsumerMember, MemberState};
use crate::engine::error::ErrorCode;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::classic::ClassicGroup;
use crate::engine::group::protocol::{
    HeartbeatRequest, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, SyncGroupRequest,
    SyncGroupResponse,
};
use crate::engine::group::records::{
    ClassicMemberMetadata, ClassicProtocol, ConsumerProtocolAssignment,
    ConsumerProtocolSubscription,
};
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeSet;

/// The embedded protocol's type.
const CONSUMER: &str = "consumer";

impl ClassicMemberMetadata {
    /// A classic member's session timeout and protocols (preferred first).
    pub fn new(session_timeout_ms: i32, protocols: &[(String, Vec<u8>)]) -> Self {
        ClassicMemberMetadata {
            session_timeout_ms,
            supported_protocols: protocols
                .iter()
                .map(|(name, metadata)| ClassicProtocol {
                    name: name.clone(),
                    metadata: metadata.clone(),
                    unknown_tagged_fields: Vec::new(),
                })
                .collect(),
            unknown_tagged_fields: Vec::new(),
        }
    }

    /// The version of the member's embedded subscription, which its assignment is written in
    /// (`prepareAssignment`).
    pub fn subscription_version(&self) -> i16 {
        self.supported_protocols
            .first()
            .and_then(|p| ConsumerProtocolSubscription::deserialize(&p.metadata).ok())
            .map_or(0, |(version, _)| {
                version.min(ConsumerProtocolAssignment::HIGHEST_SUPPORTED_VERSION)
            })
    }

    /// The protocols as a JoinGroup lists them.
    pub fn protocols(&self) -> Vec<(String, Vec<u8>)> {
        self.supported_protocols
            .iter()
            .map(|p| (p.name.clone(), p.metadata.clone()))
            .collect()
    }

    /// The protocol the member is answered with: its first (`supportedClassicProtocols`).
    pub fn protocol_name(&self) -> &str {
        self.supported_protocols
            .first()
            .map_or("", |p| p.name.as_str())
    }
}

impl ConsumerGroup {
    /// `supportsClassicProtocols`: the consumer protocol type, and (unless the group has no
    /// classic member) an assignor every classic member offers too.
    pub fn supports_classic_protocols(
        &self,
        protocol_type: &str,
        protocols: &[(String, Vec<u8>)],
    ) -> bool {
        if protocol_type != CONSUMER || protocols.is_empty() {
            return false;
        }
        let classic: Vec<&ClassicMemberMetadata> = self
            .members
            .values()
            .filter_map(|m| m.classic.as_ref())
            .collect();
        protocols.iter().any(|(name, _)| {
            classic
                .iter()
                .all(|c| c.supported_protocols.iter().any(|p| &p.name == name))
        })
    }

    /// JoinGroup of a classic member with a known member id (`member_id`; a new dynamic member
    /// was first sent back with `MEMBER_ID_REQUIRED`): update its subscription, bump the
    /// group epoch when it changed, reconcile it against the target with the partitions it
    /// says it owns, and answer with its member epoch as the generation.
    pub fn classic_join(
        &mut self,
        request: &JoinGroupRequest,
        member_id: &str,
        topics: &TopicIds,
        now: i64,
    ) -> Result<JoinGroupResponse, ErrorCode> {
        let subscription = request
            .protocols
            .first()
            .and_then(|(_, bytes)| ConsumerProtocolSubscription::deserialize(bytes).ok())
            .map(|(_, s)| s.to_subscription())
            .ok_or(ErrorCode::InconsistentGroupProtocol)?;
        let member_id = self.take_static_place(request, member_id)?;
        let is_new = !self.members.contains_key(&member_id);
        let member = self
            .members
            .entry(member_id.clone())
            .or_insert_with(|| ConsumerMember::new(&member_id, now));
        let before = (member.subscribed_topics.clone(), is_new);
        member.instance_id = request.group_instance_id.clone();
        member.client_id = request.client_id.clone();
        member.rebalance_timeout_ms = request.rebalance_timeout_ms;
        member.subscribed_topics = subscription.topics.iter().cloned().collect_set();
        member.classic = Some(ClassicMemberMetadata::new(
            request.session_timeout_ms,
            &request.protocols,
        ));
        let changed = before != (member.subscribed_topics.clone(), false);
        self.bump_epoch_if_changed(changed, topics);
        self.reconcile(&member_id, Some(&subscription.owned_partitions), now);
        let member = self
            .members
            .get_mut(&member_id)
            .ok_or(ErrorCode::UnknownMemberId)?;
        member.join_deadline_ms = None;
        member.session_deadline_ms = now + member.session_timeout_ms();
        member.sync_deadline_ms = Some(now + i64::from(request.rebalance_timeout_ms));
        let protocol = member
            .classic
            .as_ref()
            .map(|c| c.protocol_name().to_string());
        Ok(JoinGroupResponse {
            error: ErrorCode::None,
            generation_id: member.member_epoch,
            protocol_type: Some(CONSUMER.to_string()),
            protocol_name: protocol,
            // No leader: the broker assigns; every classic member only syncs.
            leader: String::new(),
            member_id,
            members: Vec::new(),
            skip_assignment: false,
        })
    }

    /// A static member's place: a new member id for a held `group.instance.id` takes over the
    /// old member; a known member id that is not the holder's is fenced.
    fn take_static_place(
        &mut self,
        request: &JoinGroupRequest,
        member_id: &str,
    ) -> Result<String, ErrorCode> {
        if let Some(instance) = &request.group_instance_id {
            let holder = self.static_member_id(instance);
            if !request.member_id.is_empty() && holder.is_some_and(|h| h != member_id) {
                return Err(ErrorCode::FencedInstanceId);
            }
            self.take_over_static_place(instance, member_id, true)?;
        }
        Ok(member_id.to_string())
    }

    /// `validateConsumerGroupMember` and `throwIfMemberDoesNotUseClassicProtocol`: the member
    /// (by `group.instance.id` when given), at this generation.
    fn classic_member(
        &mut self,
        member_id: &str,
        instance_id: Option<&str>,
        generation_id: i32,
    ) -> Result<&mut ConsumerMember, ErrorCode> {
        let id = match instance_id {
            Some(instance) => {
                let holder = self
                    .static_member_id(instance)
                    .ok_or(ErrorCode::UnknownMemberId)?;
                if holder != member_id {
                    return Err(ErrorCode::FencedInstanceId);
                }
                holder
            }
            None => member_id.to_string(),
        };
        let member = self
            .members
            .get_mut(&id)
            .filter(|m| m.classic.is_some())
            .ok_or(ErrorCode::UnknownMemberId)?;
        if member.member_epoch != generation_id {
            return Err(ErrorCode::IllegalGeneration);
        }
        Ok(member)
    }

    /// Whether the member must join again: the group moved on, it has partitions to revoke, or
    /// what it waits for has been released (`classicGroupHeartbeatToConsumerGroup`).
    fn classic_member_must_rejoin(&self, member: &ConsumerMember) -> bool {
        member.member_epoch < self.group_epoch
            || member.state == MemberState::UnrevokedPartitions
            || (member.state == MemberState::UnreleasedPartitions
                && !self.waiting_on_unreleased_partition(member))
    }

    /// `waitingOnUnreleasedPartition`: a partition of its target still held by someone else.
    fn waiting_on_unreleased_partition(&self, member: &ConsumerMember) -> bool {
        let target = self.target_assignment.get(&member.member_id);
        target.into_iter().flatten().any(|tp| {
            !member.assigned.contains(tp)
                && self.members.values().any(|other| {
                    other.member_id != member.member_id
                        && (other.assigned.contains(tp) || other.pending_revocation.contains(tp))
                })
        })
    }

    /// SyncGroup of a classic member: its current assignment, unless it must rejoin first.
    pub fn classic_sync(
        &mut self,
        request: &SyncGroupRequest,
        now: i64,
    ) -> Result<SyncGroupResponse, ErrorCode> {
        let group_epoch = self.group_epoch;
        let member = self.classic_member(
            &request.member_id,
            request.group_instance_id.as_deref(),
            request.generation_id,
        )?;
        let protocol = member
            .classic
            .as_ref()
            .map(|c| c.protocol_name().to_string())
            .unwrap_or_default();
        let type_differs = request
            .protocol_type
            .as_deref()
            .is_some_and(|t| t != CONSUMER);
        let name_differs = request
            .protocol_name
            .as_deref()
            .is_some_and(|n| n != protocol);
        if type_differs || name_differs {
            return Err(ErrorCode::InconsistentGroupProtocol);
        }
        // `throwIfRebalanceInProgress`: a member still revoking finishes that first.
        if group_epoch > member.member_epoch && member.state != MemberState::UnrevokedPartitions {
            let timeout = i64::from(member.rebalance_timeout_ms);
            member.join_deadline_ms.get_or_insert(now + timeout);
            return Err(ErrorCode::RebalanceInProgress);
        }
        member.sync_deadline_ms = None;
        member.session_deadline_ms = now + member.session_timeout_ms();
        let partitions: Vec<TopicPartition> = member.assigned.iter().cloned().collect();
        let assignment = ConsumerProtocolAssignment::from_partitions(&partitions, None)
            .serialize(
                member
                    .classic
                    .as_ref()
                    .map_or(0, |c| c.subscription_version()),
            )
            .unwrap_or_default();
        Ok(SyncGroupResponse {
            error: ErrorCode::None,
            protocol_type: Some(CONSUMER.to_string()),
            protocol_name: Some(protocol),
            assignment,
        })
    }

    /// Heartbeat of a classic member: keeps its session; `REBALANCE_IN_PROGRESS` when it must
    /// join again (it then has its rebalance timeout to do so).
    pub fn classic_heartbeat(&mut self, request: &HeartbeatRequest, now: i64) -> ErrorCode {
        let must_rejoin = match self.classic_member(
            &request.member_id,
            request.group_instance_id.as_deref(),
            request.generation_id,
        ) {
            Err(error) => return error,
            Ok(member) => {
                member.session_deadline_ms = now + member.session_timeout_ms();
                member.clone()
            }
        };
        if !self.classic_member_must_rejoin(&must_rejoin) {
            return ErrorCode::None;
        }
        if let Some(member) = self.members.get_mut(&must_rejoin.member_id) {
            let timeout = i64::from(member.rebalance_timeout_ms);
            member.join_deadline_ms.get_or_insert(now + timeout);
        }
        ErrorCode::RebalanceInProgress
    }

    /// LeaveGroup of classic members: each one found (by instance id or member id) is fenced;
    /// each one not found is `UNKNOWN_MEMBER_ID`.
    pub fn classic_leave(
        &mut self,
        request: &LeaveGroupRequest,
        topics: &TopicIds,
    ) -> Vec<(String, ErrorCode)> {
        let mut leaving = Vec::new();
        let results = request
            .members
            .iter()
            .map(|(member_id, instance_id, _reason)| {
                let found = match instance_id {
                    Some(instance) => self
                        .static_member_id(instance)
                        .filter(|holder| member_id.is_empty() || holder == member_id),
                    None => self
                        .members
                        .contains_key(member_id)
                        .then(|| member_id.clone()),
                };
                let error = match found {
                    Some(id) => {
                        leaving.push(id);
                        ErrorCode::None
                    }
                    None => ErrorCode::UnknownMemberId,
                };
                (member_id.clone(), error)
            })
            .collect();
        if !leaving.is_empty() {
            self.remove_members(&leaving, topics);
        }
        results
    }

    /// `ConsumerGroup.fromClassicGroup`: the classic group's members, each at the group's
    /// generation owning what its last assignment gave it, and that assignment as the target.
    /// Refused when an assignment carries user data (a custom assignor the broker cannot
    /// continue), with Kafka's message.
    pub fn from_classic_group(classic: &ClassicGroup, now: i64) -> Result<ConsumerGroup, String> {
        let mut group = ConsumerGroup::new(&classic.group_id);
        group.group_epoch = classic.generation_id;
        group.target_assignment_epoch = classic.generation_id;
        for m in classic.members.values() {
            let assignment = ConsumerProtocolAssignment::deserialize(&m.assignment)
                .map(|(_, a)| a)
                .unwrap_or_else(|_| ConsumerProtocolAssignment::from_partitions(&[], None));
            if assignment.user_data.as_ref().is_some_and(|d| !d.is_empty()) {
                return Err(format!(
                    "Cannot upgrade classic group {} to consumer group because an unsupported \
                     custom assignor is in use. Please refer to the documentation or switch to a \
                     default assignor before re-attempting the upgrade.",
                    classic.group_id
                ));
            }
            let assigned: BTreeSet<TopicPartition> =
                assignment.partitions().into_iter().collect_set();
            let member = ConsumerMember {
                instance_id: m.group_instance_id.clone(),
                client_id: m.client_id.clone(),
                rebalance_timeout_ms: m.rebalance_timeout_ms,
                subscribed_topics: m.subscribed_topics().into_iter().collect_set(),
                member_epoch: classic.generation_id,
                previous_member_epoch: classic.generation_id,
                assigned: assigned.clone(),
                classic: Some(ClassicMemberMetadata::new(
                    m.session_timeout_ms,
                    &m.protocols,
                )),
                session_deadline_ms: now + i64::from(m.session_timeout_ms),
                ..ConsumerMember::new(&m.member_id, now)
            };
            group
                .target_assignment
                .insert(m.member_id.clone(), assigned);
            group.members.insert(m.member_id.clone(), member);
        }
        Ok(group)
    }
}
