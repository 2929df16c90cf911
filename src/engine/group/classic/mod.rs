//! A classic consumer group (the JoinGroup/SyncGroup protocol) as Kafka 4.1's group coordinator
//! keeps it: `ClassicGroup`, `ClassicGroupMember` and the classic paths of
//! `GroupMetadataManager` (`classicGroupJoin`, `classicGroupSync`, `classicGroupHeartbeat`,
//! `classicGroupLeave`, the join, sync and session timers).
//!
//! States (`ClassicGroupState`): `Empty` → (a member joins) `PreparingRebalance` → (every known
//! member rejoined, or the rebalance timeout ran out) `CompletingRebalance` → (the leader sent
//! the assignment) `Stable`; a member joining, leaving or timing out sends a `Stable` or
//! `CompletingRebalance` group back to `PreparingRebalance`. `Dead` once deleted.
//!
//! [`join`] holds the join phase, [`sync`] the sync phase, heartbeats, leaving and the timers.
//! Every handler returns [`Effects`]: answers, and records for `__consumer_offsets`.

mod join;
mod static_member;
mod sync;

use super::consumer_group::ConsumerGroup;
use super::describe::{GroupState, MemberDescription};
use super::effects::Effects;
use super::protocol::JoinGroupRequest;
use super::records::{
    ConsumerProtocolAssignment, ConsumerProtocolSubscription, CoordinatorRecord,
    GroupMetadataValue, MemberMetadata,
};
use std::collections::{BTreeMap, BTreeSet};

/// The broker's classic-group settings, with Kafka 4.1's defaults (`GroupCoordinatorConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassicGroupConfig {
    /// `group.min.session.timeout.ms`
    pub min_session_timeout_ms: i32,
    /// `group.max.session.timeout.ms`
    pub max_session_timeout_ms: i32,
    /// `group.initial.rebalance.delay.ms`: how long the first rebalance of an empty group waits
    /// for more members.
    pub initial_rebalance_delay_ms: i32,
    /// `group.max.size`
    pub max_size: usize,
    /// How long a new member may take to rejoin after `MEMBER_ID_REQUIRED` or during its first
    /// rebalance (`classicGroupNewMemberJoinTimeoutMs`, 5 minutes).
    pub new_member_join_timeout_ms: i32,
}

impl Default for ClassicGroupConfig {
    fn default() -> Self {
        ClassicGroupConfig {
            min_session_timeout_ms: 6_000,
            max_session_timeout_ms: 1_800_000,
            initial_rebalance_delay_ms: 3_000,
            max_size: i32::MAX as usize,
            new_member_join_timeout_ms: 300_000,
        }
    }
}

/// `ClassicGroupState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassicState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl ClassicState {
    pub fn as_group_state(self) -> GroupState {
        match self {
            ClassicState::Empty => GroupState::Empty,
            ClassicState::PreparingRebalance => GroupState::PreparingRebalance,
            ClassicState::CompletingRebalance => GroupState::CompletingRebalance,
            ClassicState::Stable => GroupState::Stable,
            ClassicState::Dead => GroupState::Dead,
        }
    }
}

/// `ClassicGroupMember`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub rebalance_timeout_ms: i32,
    pub session_timeout_ms: i32,
    pub protocol_type: String,
    /// Supported protocols, preferred first, with their metadata.
    pub protocols: Vec<(String, Vec<u8>)>,
    /// The member's assignment of the current generation (`ConsumerProtocolAssignment` bytes).
    pub assignment: Vec<u8>,
    /// The JoinGroup waiting for the join phase to end (its request id).
    pub awaiting_join: Option<u64>,
    /// The SyncGroup waiting for the leader's assignment.
    pub awaiting_sync: Option<u64>,
    /// Joined during the current rebalance (`isNew`): its session is the new-member timeout.
    pub is_new: bool,
    /// When the session ends unless the member is heard from.
    pub session_deadline_ms: i64,
}

impl ClassicMember {
    pub(super) fn from_join(request: &JoinGroupRequest, member_id: &str) -> Self {
        ClassicMember {
            member_id: member_id.to_string(),
            group_instance_id: request.group_instance_id.clone(),
            client_id: request.client_id.clone(),
            client_host: CLIENT_HOST.to_string(),
            rebalance_timeout_ms: request.rebalance_timeout_ms,
            session_timeout_ms: request.session_timeout_ms,
            protocol_type: request.protocol_type.clone(),
            protocols: request.protocols.clone(),
            assignment: Vec::new(),
            awaiting_join: None,
            awaiting_sync: None,
            is_new: false,
            session_deadline_ms: i64::MAX,
        }
    }

    /// The member's metadata for `protocol`.
    pub fn metadata(&self, protocol: &str) -> Vec<u8> {
        self.protocols
            .iter()
            .find(|(name, _)| name == protocol)
            .map(|(_, metadata)| metadata.clone())
            .unwrap_or_default()
    }

    /// Whether the session timer runs (`hasSatisfiedHeartbeat` is false): a member waiting in a
    /// rebalance is kept alive by it, except a new one, which has the new-member timeout.
    pub fn session_runs(&self) -> bool {
        self.is_new || (self.awaiting_join.is_none() && self.awaiting_sync.is_none())
    }

    /// The topics the member subscribes to, read from its first protocol's metadata.
    pub fn subscribed_topics(&self) -> Vec<String> {
        self.protocols
            .first()
            .and_then(|(_, bytes)| ConsumerProtocolSubscription::deserialize(bytes).ok())
            .map(|(_, s)| s.topics)
            .unwrap_or_default()
    }
}

/// Where every playground client connects from, as the broker prints it.
pub const CLIENT_HOST: &str = "/127.0.0.1";

/// `ClassicGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicGroup {
    pub group_id: String,
    pub state: ClassicState,
    pub generation_id: i32,
    /// `consumer` once a consumer joined; `None` for a group that only holds offsets.
    pub protocol_type: Option<String>,
    /// The chosen assignor of the current generation.
    pub protocol_name: Option<String>,
    pub leader_id: Option<String>,
    pub members: BTreeMap<String, ClassicMember>,
    /// Member ids handed out with `MEMBER_ID_REQUIRED`, each with the time it must rejoin by.
    pub pending_members: BTreeMap<String, i64>,
    /// Static members (KIP-345): `group.instance.id` to the member id that holds it now.
    pub static_members: BTreeMap<String, String>,
    /// Members of the new generation that have not sent their SyncGroup yet.
    pending_sync: BTreeSet<String>,
    /// When the join phase ends at the latest (rebalance timeout or initial delay).
    join_deadline_ms: Option<i64>,
    /// The initial rebalance's remaining budget, while its delay runs
    /// (`InitialDelayedJoin`'s `remainingMs`), and whether a member joined meanwhile.
    initial_delay: Option<(i64, bool)>,
    /// When the members of the new generation must have synced.
    sync_deadline_ms: Option<i64>,
    pub state_timestamp_ms: i64,
    pub config: ClassicGroupConfig,
}

impl ClassicGroup {
    pub fn new(group_id: &str, now: i64, config: ClassicGroupConfig) -> Self {
        ClassicGroup {
            group_id: group_id.to_string(),
            state: ClassicState::Empty,
            generation_id: 0,
            protocol_type: None,
            protocol_name: None,
            leader_id: None,
            members: BTreeMap::new(),
            pending_members: BTreeMap::new(),
            static_members: BTreeMap::new(),
            pending_sync: BTreeSet::new(),
            join_deadline_ms: None,
            initial_delay: None,
            sync_deadline_ms: None,
            state_timestamp_ms: now,
            config,
        }
    }

    /// The group as a `GroupMetadataValue` record loaded it back: `Stable` with its members,
    /// or `Empty` (`ClassicGroup.fromRecord`). Sessions start now.
    pub fn from_record(
        group_id: &str,
        value: &GroupMetadataValue,
        now: i64,
        config: ClassicGroupConfig,
    ) -> Self {
        let mut group = ClassicGroup::new(group_id, now, config);
        group.generation_id = value.generation;
        group.protocol_type = Some(value.protocol_type.clone()).filter(|t| !t.is_empty());
        group.protocol_name = value.protocol.clone();
        group.leader_id = value.leader.clone();
        for m in &value.members {
            let member = ClassicMember {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                client_id: m.client_id.clone(),
                client_host: m.client_host.clone(),
                rebalance_timeout_ms: m.rebalance_timeout,
                session_timeout_ms: m.session_timeout,
                protocol_type: value.protocol_type.clone(),
                protocols: vec![(
                    value.protocol.clone().unwrap_or_default(),
                    m.subscription.clone(),
                )],
                assignment: m.assignment.clone(),
                awaiting_join: None,
                awaiting_sync: None,
                is_new: false,
                session_deadline_ms: now + i64::from(m.session_timeout),
            };
            group.add_settled_member(member);
        }
        group.state = if group.members.is_empty() {
            ClassicState::Empty
        } else {
            ClassicState::Stable
        };
        group
    }

    /// `ClassicGroup.fromConsumerGroup` (the downgrade): the members of a consumer group that
    /// all speak the classic protocol, at generation = its group epoch, each holding its target
    /// assignment — then a rebalance, so they join again as a classic group.
    pub fn from_consumer_group(
        group: &ConsumerGroup,
        now: i64,
        config: ClassicGroupConfig,
    ) -> (Self, Effects) {
        let mut classic = ClassicGroup::new(&group.group_id, now, config);
        classic.generation_id = group.group_epoch;
        classic.protocol_type = Some("consumer".to_string());
        for m in group.members.values() {
            let Some(metadata) = &m.classic else {
                continue;
            };
            let target: Vec<_> = group
                .target_assignment
                .get(&m.member_id)
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            let member = ClassicMember {
                member_id: m.member_id.clone(),
                group_instance_id: m.instance_id.clone(),
                client_id: m.client_id.clone(),
                client_host: CLIENT_HOST.to_string(),
                rebalance_timeout_ms: m.rebalance_timeout_ms,
                session_timeout_ms: metadata.session_timeout_ms,
                protocol_type: "consumer".to_string(),
                protocols: metadata.protocols(),
                assignment: ConsumerProtocolAssignment::from_partitions(&target, None)
                    .serialize(metadata.subscription_version())
                    .unwrap_or_default(),
                awaiting_join: None,
                awaiting_sync: None,
                is_new: false,
                session_deadline_ms: now + i64::from(metadata.session_timeout_ms),
            };
            classic.leader_id.get_or_insert(member.member_id.clone());
            classic.add_settled_member(member);
        }
        classic.protocol_name = classic.select_protocol();
        classic.state = ClassicState::Stable;
        let effects = classic.prepare_rebalance(now);
        (classic, effects)
    }

    /// Adds a member of an existing generation (loaded or converted), with its static place.
    fn add_settled_member(&mut self, member: ClassicMember) {
        if let Some(instance) = &member.group_instance_id {
            self.static_members
                .insert(instance.clone(), member.member_id.clone());
        }
        self.members.insert(member.member_id.clone(), member);
    }

    pub fn is(&self, state: ClassicState) -> bool {
        self.state == state
    }

    fn transition(&mut self, state: ClassicState, now: i64) {
        self.state = state;
        self.state_timestamp_ms = now;
    }

    /// The group's state as a `GroupMetadataValue` record (`createGroupMetadataRecord`).
    pub fn metadata_record(&self, now: i64) -> CoordinatorRecord {
        let protocol = self.protocol_name.clone();
        let members = self
            .members
            .values()
            .map(|m| MemberMetadata {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                client_id: m.client_id.clone(),
                client_host: m.client_host.clone(),
                rebalance_timeout: m.rebalance_timeout_ms,
                session_timeout: m.session_timeout_ms,
                subscription: protocol
                    .as_deref()
                    .map(|p| m.metadata(p))
                    .unwrap_or_default(),
                assignment: m.assignment.clone(),
                unknown_tagged_fields: Vec::new(),
            })
            .collect();
        CoordinatorRecord::group_metadata(
            &self.group_id,
            GroupMetadataValue {
                protocol_type: self.protocol_type.clone().unwrap_or_default(),
                generation: self.generation_id,
                protocol,
                leader: self.leader_id.clone(),
                current_state_timestamp: now,
                members,
                unknown_tagged_fields: Vec::new(),
            },
        )
    }

    /// The topics some member subscribes to (`ClassicGroup.subscribedTopics`), when the group
    /// speaks the consumer protocol.
    pub fn subscribed_topics(&self) -> BTreeSet<String> {
        if self.protocol_type.as_deref() != Some("consumer") {
            return BTreeSet::new();
        }
        self.members
            .values()
            .flat_map(ClassicMember::subscribed_topics)
            .collect()
    }

    /// The members as `DescribeGroups` shows them (assignments only once `Stable`).
    pub fn describe_members(&self) -> Vec<MemberDescription> {
        self.members
            .values()
            .map(|m| MemberDescription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                client_id: m.client_id.clone(),
                host: m.client_host.clone(),
                assignment: if self.is(ClassicState::Stable) {
                    ConsumerProtocolAssignment::deserialize(&m.assignment)
                        .map(|(_, a)| a.partitions())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
                target_assignment: None,
                member_epoch: None,
                upgraded: None,
            })
            .collect()
    }

    /// The earliest time a timer of this group is due.
    pub fn next_deadline(&self) -> Option<i64> {
        let sessions = self
            .members
            .values()
            .filter(|m| m.session_runs())
            .map(|m| m.session_deadline_ms);
        sessions
            .chain(self.pending_members.values().copied())
            .chain(self.join_deadline_ms)
            .chain(self.sync_deadline_ms)
            .min()
    }

    /// Runs every timer due at `now`: the join phase's end, the sync deadline, expired
    /// sessions and pending members.
    pub fn on_timer(&mut self, now: i64) -> Effects {
        let mut effects = Effects::default();
        if self.join_deadline_ms.is_some_and(|d| d <= now) {
            self.join_deadline_ms = None;
            effects.extend(self.on_join_deadline(now));
        }
        if self.sync_deadline_ms.is_some_and(|d| d <= now) {
            self.sync_deadline_ms = None;
            effects.extend(self.on_sync_deadline(now));
        }
        let expired: Vec<String> = self
            .pending_members
            .iter()
            .filter(|(_, &deadline)| deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        if !expired.is_empty() {
            for id in expired {
                self.pending_members.remove(&id);
            }
            effects.extend(self.maybe_complete_join_phase(now));
        }
        let expired: Vec<String> = self
            .members
            .values()
            .filter(|m| m.session_runs() && m.session_deadline_ms <= now)
            .map(|m| m.member_id.clone())
            .collect();
        for id in expired {
            effects.extend(self.remove_member_and_update(&id, now));
        }
        effects
    }
}
