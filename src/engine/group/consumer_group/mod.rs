//! A consumer group of the KIP-848 protocol (`group.protocol=consumer`), as Kafka 4.1's
//! `ConsumerGroup` and `GroupMetadataManager.consumerGroupHeartbeat` keep it: the broker assigns.
//!
//! Three epochs drive it. The **group epoch** goes up whenever membership or a subscription
//! changes; the **target assignment** is recomputed by the server-side assignor (`uniform` by
//! default, `range`; `group.consumer.assignors`) when it is behind the group epoch, and takes
//! its epoch; each **member epoch** catches up with the target one member at a time
//! ([`reconcile`], `CurrentAssignmentBuilder`): a member first revokes what it must give up,
//! then gets what others have released — a partition never has two owners, and nobody stops
//! consuming what stays with it.
//!
//! States: `Empty` (no members), `Assigning` (the target is behind the group epoch),
//! `Reconciling` (some member is behind the target), `Stable`.

mod classic_member;
mod metadata_hash;
mod reconcile;
pub mod records;
mod regex;
mod static_member;

pub use regex::ResolvedRegex;
pub use static_member::LEAVE_GROUP_STATIC_MEMBER_EPOCH;

use super::assignor::server::{GroupSpec, MemberSpec, ServerAssignor};
use super::assignor::TopicPartition;
use super::describe::{GroupDescription, GroupState, GroupType, MemberDescription};
use super::protocol::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse};
use super::records::ClassicMemberMetadata;
use crate::engine::error::ErrorCode;
use crate::engine::sorting::CollectBTree;
use records::TopicIds;
use regex::check_regex;
use std::collections::{BTreeMap, BTreeSet};

/// `group.consumer.heartbeat.interval.ms`
pub const HEARTBEAT_INTERVAL_MS: i32 = 5_000;
/// `group.consumer.session.timeout.ms`
pub const SESSION_TIMEOUT_MS: i64 = 45_000;

/// `MemberState` of a KIP-848 member (`CurrentAssignmentBuilder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Owns its whole target assignment at the target epoch.
    Stable,
    /// Must revoke partitions first (it keeps its epoch until it has).
    UnrevokedPartitions,
    /// At the target epoch, but waiting for partitions another member has not released yet.
    UnreleasedPartitions,
}

impl MemberState {
    /// As `kafka-consumer-groups.sh` and the records name it.
    pub fn name(self) -> &'static str {
        match self {
            MemberState::Stable => "STABLE",
            MemberState::UnrevokedPartitions => "UNREVOKED_PARTITIONS",
            MemberState::UnreleasedPartitions => "UNRELEASED_PARTITIONS",
        }
    }
}

/// `ConsumerGroupMember`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub rebalance_timeout_ms: i32,
    pub subscribed_topics: BTreeSet<String>,
    /// `SubscribedTopicRegex`: the broker matches it with the topics ([`regex`]).
    pub subscribed_regex: Option<String>,
    pub member_epoch: i32,
    pub previous_member_epoch: i32,
    pub state: MemberState,
    /// The partitions it owns now.
    pub assigned: BTreeSet<TopicPartition>,
    /// The partitions it was asked to revoke and has not yet.
    pub pending_revocation: BTreeSet<TopicPartition>,
    pub session_deadline_ms: i64,
    /// Until when it may take to revoke (`rebalance.timeout.ms`).
    pub revocation_deadline_ms: Option<i64>,
    /// Set while the member speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) in
    /// this group: its `session.timeout.ms` and the assignors it offered.
    pub classic: Option<ClassicMemberMetadata>,
    /// A classic member told to rejoin must have done so by then (the join timeout).
    pub join_deadline_ms: Option<i64>,
    /// A classic member that joined must have sent its SyncGroup by then (the sync timeout).
    pub sync_deadline_ms: Option<i64>,
}

impl ConsumerMember {
    /// A member that has just joined: epoch 0, owning nothing, its session starting `now`.
    pub fn new(member_id: &str, now: i64) -> Self {
        ConsumerMember {
            member_id: member_id.to_string(),
            instance_id: None,
            client_id: String::new(),
            rebalance_timeout_ms: -1,
            subscribed_topics: BTreeSet::new(),
            subscribed_regex: None,
            member_epoch: 0,
            previous_member_epoch: -1,
            state: MemberState::Stable,
            assigned: BTreeSet::new(),
            pending_revocation: BTreeSet::new(),
            session_deadline_ms: now + SESSION_TIMEOUT_MS,
            revocation_deadline_ms: None,
            classic: None,
            join_deadline_ms: None,
            sync_deadline_ms: None,
        }
    }

    /// The session timeout: `group.consumer.session.timeout.ms`, or a classic member's own.
    pub fn session_timeout_ms(&self) -> i64 {
        self.classic
            .as_ref()
            .map_or(SESSION_TIMEOUT_MS, |c| i64::from(c.session_timeout_ms))
    }

    /// Its deadlines, any of which ends its membership when it passes.
    fn deadlines(&self) -> impl Iterator<Item = i64> {
        [
            Some(self.session_deadline_ms),
            self.revocation_deadline_ms,
            self.join_deadline_ms,
            self.sync_deadline_ms,
        ]
        .into_iter()
        .flatten()
    }
}

/// `ConsumerGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroup {
    pub group_id: String,
    pub group_epoch: i32,
    pub target_assignment_epoch: i32,
    pub target_assignment: BTreeMap<String, BTreeSet<TopicPartition>>,
    pub members: BTreeMap<String, ConsumerMember>,
    /// The hash of the subscribed topics' metadata at the group epoch (KIP-1101).
    pub metadata_hash: i64,
    /// What each subscribed regular expression matched ([`regex`]).
    pub resolved_regexes: BTreeMap<String, ResolvedRegex>,
    /// When the expressions were last resolved.
    pub last_regex_refresh_ms: i64,
    pub assignor: ServerAssignor,
}

impl ConsumerGroup {
    pub fn new(group_id: &str) -> Self {
        ConsumerGroup {
            group_id: group_id.to_string(),
            group_epoch: 0,
            target_assignment_epoch: 0,
            target_assignment: BTreeMap::new(),
            members: BTreeMap::new(),
            metadata_hash: 0,
            resolved_regexes: BTreeMap::new(),
            last_regex_refresh_ms: i64::MIN / 2,
            assignor: ServerAssignor::Uniform,
        }
    }

    /// `ConsumerGroup.state()`.
    pub fn state(&self) -> GroupState {
        if self.members.is_empty() {
            GroupState::Empty
        } else if self.group_epoch > self.target_assignment_epoch {
            GroupState::Assigning
        } else if self.members.values().any(|m| {
            m.member_epoch != self.target_assignment_epoch || m.state != MemberState::Stable
        }) {
            GroupState::Reconciling
        } else {
            GroupState::Stable
        }
    }

    /// The topics some member subscribes to, by name or by regular expression.
    pub fn subscribed_topics(&self) -> BTreeSet<String> {
        self.members
            .values()
            .flat_map(|m| self.member_topics(m))
            .collect_set()
    }

    /// ConsumerGroupHeartbeat (`consumerGroupHeartbeat`): join (epoch 0), leave (epoch -1),
    /// or a member's regular heartbeat with what it owns; the answer carries its epoch and, when
    /// it changed, its assignment.
    pub fn heartbeat(
        &mut self,
        request: &ConsumerGroupHeartbeatRequest,
        topics: &TopicIds,
        now: i64,
    ) -> ConsumerGroupHeartbeatResponse {
        let member_id = request.member_id.clone();
        if request.member_epoch < 0 {
            // -1: the member leaves; -2: a static member leaves for now, keeping its place.
            let static_leave = request.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH
                && self.leave_for_now(&member_id);
            if !static_leave && self.members.contains_key(&member_id) {
                self.remove_members(std::slice::from_ref(&member_id), topics);
            }
            return ConsumerGroupHeartbeatResponse::left(&member_id, request.member_epoch);
        }
        let mut is_new = !self.members.contains_key(&member_id);
        if let Some(instance) = &request.instance_id {
            let holder = self.static_member_id(instance);
            let result = if request.member_epoch == 0 {
                self.take_over_static_place(instance, &member_id, false)
            } else if holder.is_some_and(|h| h != member_id) {
                Err(ErrorCode::FencedInstanceId)
            } else {
                Ok(())
            };
            if let Err(error) = result {
                return ConsumerGroupHeartbeatResponse::error(error, &member_id);
            }
            // A member that took over a place is no newcomer: no new group epoch.
            is_new &= !self.members.contains_key(&member_id);
        }
        if !is_new {
            if let Err(error) = self.check_epoch(request) {
                return ConsumerGroupHeartbeatResponse::error(error, &member_id);
            }
        } else if request.member_epoch != 0 {
            return ConsumerGroupHeartbeatResponse::error(ErrorCode::UnknownMemberId, &member_id);
        }
        let new_regex = request.subscribed_topic_regex.as_ref().map(|r| {
            // An empty expression drops the member's one.
            Some(r.clone()).filter(|r| !r.is_empty())
        });
        if let Some(Err(message)) = new_regex
            .as_ref()
            .and_then(|r| r.as_deref().map(check_regex))
        {
            let mut response = ConsumerGroupHeartbeatResponse::error(
                ErrorCode::InvalidRegularExpression,
                &member_id,
            );
            response.error_message = Some(message);
            return response;
        }
        let member = self
            .members
            .entry(member_id.clone())
            .or_insert_with(|| ConsumerMember {
                instance_id: request.instance_id.clone(),
                client_id: request.client_id.clone(),
                rebalance_timeout_ms: request.rebalance_timeout_ms,
                ..ConsumerMember::new(&member_id, now)
            });
        member.session_deadline_ms = now + member.session_timeout_ms();
        if request.member_epoch == 0 && !is_new && member.member_epoch != 0 {
            // A member rejoining (after being fenced) starts over with nothing.
            member.assigned.clear();
            member.pending_revocation.clear();
            member.member_epoch = 0;
            member.state = MemberState::Stable;
        }
        let mut bump = is_new;
        if let Some(topics) = &request.subscribed_topic_names {
            let topics: BTreeSet<String> = topics.iter().cloned().collect_set();
            if topics != member.subscribed_topics {
                member.subscribed_topics = topics;
                bump = true;
            }
        }
        if let Some(regex) = new_regex {
            if regex != member.subscribed_regex {
                member.subscribed_regex = regex;
                bump = true;
            }
        }
        bump |= self.refresh_regexes(topics, now);
        if let Some(name) = &request.server_assignor {
            if let Ok(assignor) = ServerAssignor::from_name(name) {
                self.assignor = assignor;
            }
        }
        self.bump_epoch_if_changed(bump, topics);
        let before = self
            .members
            .get(&member_id)
            .map(|m| (m.member_epoch, m.assigned.clone()));
        self.reconcile(&member_id, request.topic_partitions.as_deref(), now);
        let Some(member) = self.members.get(&member_id) else {
            return ConsumerGroupHeartbeatResponse::error(ErrorCode::UnknownMemberId, &member_id);
        };
        let changed = before != Some((member.member_epoch, member.assigned.clone()))
            || request.member_epoch == 0
            || request.topic_partitions.is_some();
        ConsumerGroupHeartbeatResponse {
            error: ErrorCode::None,
            error_message: None,
            member_id,
            member_epoch: member.member_epoch,
            heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
            assignment: changed.then(|| member.assigned.iter().cloned().collect()),
        }
    }

    /// `throwIfMemberEpochIsInvalid`: a member's epoch must be its current one, or its previous
    /// one when it owns exactly what it was given (the last answer was lost).
    fn check_epoch(&self, request: &ConsumerGroupHeartbeatRequest) -> Result<(), ErrorCode> {
        let Some(member) = self.members.get(&request.member_id) else {
            return Err(ErrorCode::UnknownMemberId);
        };
        if request.member_epoch == 0 || request.member_epoch == member.member_epoch {
            return Ok(());
        }
        let owns_what_it_was_given = request
            .topic_partitions
            .as_ref()
            .is_some_and(|owned| owned.iter().cloned().collect_set() == member.assigned);
        if request.member_epoch == member.previous_member_epoch && owns_what_it_was_given {
            return Ok(());
        }
        Err(ErrorCode::FencedMemberEpoch)
    }

    /// Recomputes the target assignment when it is behind the group epoch (the assignor sees
    /// each member's current target, so it stays sticky).
    fn update_target(&mut self, partitions_per_topic: &BTreeMap<String, i32>) {
        if self.group_epoch <= self.target_assignment_epoch && !self.members.is_empty() {
            return;
        }
        if self.members.is_empty() {
            self.target_assignment.clear();
            self.target_assignment_epoch = self.group_epoch;
            return;
        }
        let spec: GroupSpec = self
            .members
            .values()
            .map(|m| {
                let mut spec = MemberSpec::new(self.member_topics(m));
                for tp in self
                    .target_assignment
                    .get(&m.member_id)
                    .into_iter()
                    .flatten()
                {
                    spec = spec.with_assignment(&tp.topic, [tp.partition]);
                }
                (m.member_id.clone(), spec)
            })
            .collect_map();
        if let Ok(assignment) = self.assignor.assign(&spec, partitions_per_topic) {
            self.target_assignment = assignment
                .into_iter()
                .map(|(member, topics)| {
                    let partitions = topics
                        .into_iter()
                        .flat_map(|(t, ps)| {
                            ps.into_iter()
                                .map(move |p| TopicPartition::new(t.clone(), p))
                        })
                        .collect_set();
                    (member, partitions)
                })
                .collect_map();
        }
        self.target_assignment_epoch = self.group_epoch;
    }

    /// The earliest deadline of any member.
    pub fn next_deadline(&self) -> Option<i64> {
        self.members.values().flat_map(|m| m.deadlines()).min()
    }

    /// Removes members whose session expired, who did not revoke in time, or (classic
    /// members) did not rejoin or sync in time. They are fenced: their next request is
    /// answered `UNKNOWN_MEMBER_ID`.
    pub fn on_timer(&mut self, topics: &TopicIds, now: i64) {
        let expired: Vec<String> = self
            .members
            .values()
            .filter(|m| m.deadlines().any(|d| d <= now))
            .map(|m| m.member_id.clone())
            .collect();
        if !expired.is_empty() {
            self.remove_members(&expired, topics);
        }
    }

    /// Fences members (`removeMember` with their tombstones): a new group epoch and target.
    fn remove_members(&mut self, ids: &[String], topics: &TopicIds) {
        for id in ids {
            self.members.remove(id);
            self.target_assignment.remove(id);
        }
        self.bump_epoch_if_changed(true, topics);
    }

    /// A new group epoch when membership or a subscription changed (`changed`) or the
    /// subscribed topics' metadata did (a new `MetadataHash`), then the target catches up.
    fn bump_epoch_if_changed(&mut self, changed: bool, topics: &TopicIds) {
        let hash = self.metadata_hash_of(topics);
        if changed || hash != self.metadata_hash {
            self.metadata_hash = hash;
            self.group_epoch += 1;
        }
        self.update_target(&topics.partitions);
    }

    /// Whether every member speaks the classic protocol (and there is one).
    pub fn only_classic_members(&self) -> bool {
        !self.members.is_empty() && self.members.values().all(|m| m.classic.is_some())
    }

    /// `ConsumerGroupDescribe` as the admin client shows it.
    pub fn describe(&self, node_id: i32) -> GroupDescription {
        GroupDescription {
            group_id: self.group_id.clone(),
            is_simple: false,
            members: self
                .members
                .values()
                .map(|m| MemberDescription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    host: super::classic::CLIENT_HOST.to_string(),
                    assignment: m.assigned.iter().cloned().collect(),
                    target_assignment: Some(
                        self.target_assignment
                            .get(&m.member_id)
                            .into_iter()
                            .flatten()
                            .cloned()
                            .collect(),
                    ),
                    member_epoch: Some(m.member_epoch),
                    // `MemberType`: 1 (consumer protocol) is "upgraded"; 0 (classic) is not.
                    upgraded: Some(m.classic.is_none()),
                })
                .collect(),
            partition_assignor: self.assignor.name().to_string(),
            group_type: GroupType::Consumer,
            state: self.state(),
            coordinator: node_id,
            group_epoch: Some(self.group_epoch),
            target_assignment_epoch: Some(self.target_assignment_epoch),
        }
    }
}
