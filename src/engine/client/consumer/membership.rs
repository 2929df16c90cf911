//! A consumer's side of the classic group protocol (`AbstractCoordinator` and
//! `ConsumerCoordinator`): finding the coordinator, JoinGroup (with the `MEMBER_ID_REQUIRED`
//! round trip), the leader's assignment, SyncGroup, heartbeats and the errors that send a
//! member back to rejoin, leaving on close or when `max.poll.interval.ms` passed without a poll.
//! Rebalances are eager: before rejoining, the member commits (with auto-commit) and revokes
//! everything it owns.

use super::{Consumer, ConsumerEvent};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::group::assignor::sticky::{
    encode_cooperative_user_data, encode_sticky_user_data,
};
use crate::engine::group::assignor::{
    ClientAssignor, RebalanceProtocol, Subscription, TopicPartition,
};
use crate::engine::group::consumer_group::LEAVE_GROUP_STATIC_MEMBER_EPOCH;
use crate::engine::group::protocol::{
    GroupRequest, GroupResponse, HeartbeatRequest, JoinGroupRequest, JoinGroupResponse,
    LeaveGroupRequest, SyncGroupRequest,
};
use crate::engine::group::records::{ConsumerProtocolAssignment, ConsumerProtocolSubscription};
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// The versions of `ConsumerProtocolSubscription` / `Assignment` a Kafka 4.1 client writes.
const CONSUMER_PROTOCOL_VERSION: i16 = 3;

/// Where a member is in joining its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Not in a generation (or about to rejoin).
    Unjoined,
    /// Committing before the rejoin (`onJoinPrepare`), the commit's request id if one was sent.
    PreparingJoin(Option<u64>),
    /// JoinGroup sent.
    Joining(u64),
    /// SyncGroup sent.
    Syncing(u64),
    Stable,
}

/// A consumer's membership of its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub group_id: String,
    /// The coordinator's node id, once found.
    pub coordinator: Option<i32>,
    /// Don't look for the coordinator again before this.
    retry_at_ms: i64,
    pub member_id: String,
    /// -1 outside a generation (`Generation.NO_GENERATION`).
    pub generation_id: i32,
    pub protocol: Option<String>,
    pub leader_id: String,
    pub state: MemberState,
    /// Told a rebalance is in progress: rejoin at the next poll.
    pub rejoin_needed: bool,
    pub(super) heartbeat_in_flight: Option<u64>,
    pub(super) next_heartbeat_ms: i64,
    /// KIP-848: how often to heartbeat, as the coordinator said.
    pub(super) heartbeat_interval_ms: i64,
    /// KIP-848's protocol: the member heartbeats from the start, joining included.
    pub(super) consumer_protocol: bool,
    /// When the JoinGroup or SyncGroup in flight is given up (`request.timeout.ms`; for a
    /// JoinGroup at least the rebalance timeout plus 5 s, `joinGroupTimeoutMs`).
    request_deadline_ms: i64,
    /// The leader's `assignmentSnapshot`: the partition count of each subscribed topic it
    /// assigned from. When the cluster's counts differ at a metadata refresh, it rejoins.
    pub(super) assignment_snapshot: Option<BTreeMap<String, i32>>,
}

impl Membership {
    pub fn new(group_id: String) -> Self {
        Membership {
            group_id,
            coordinator: None,
            retry_at_ms: 0,
            member_id: String::new(),
            generation_id: -1,
            protocol: None,
            leader_id: String::new(),
            state: MemberState::Unjoined,
            rejoin_needed: true,
            heartbeat_in_flight: None,
            next_heartbeat_ms: i64::MAX,
            heartbeat_interval_ms: 5_000,
            consumer_protocol: false,
            request_deadline_ms: i64::MAX,
            assignment_snapshot: None,
        }
    }

    pub fn next_heartbeat_ms(&self) -> i64 {
        if self.state == MemberState::Stable || self.consumer_protocol {
            self.next_heartbeat_ms
        } else {
            i64::MAX
        }
    }

    /// `resetStateAndGeneration`: out of the generation, with no member id.
    fn reset_generation(&mut self) {
        self.assignment_snapshot = None;
        self.member_id.clear();
        self.generation_id = -1;
        self.protocol = None;
        self.state = MemberState::Unjoined;
        self.rejoin_needed = true;
    }
}

pub(super) fn is_coordinator_error(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::NotCoordinator
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::CoordinatorLoadInProgress
            | ErrorCode::NetworkException
            | ErrorCode::RequestTimedOut
    )
}

/// `request.timeout.ms`.
const REQUEST_TIMEOUT_MS: i64 = 30_000;

impl Consumer {
    /// Reacts to an error a group request got: coordinator errors send the member looking for
    /// the coordinator again; generation errors drop it out of the generation; a rebalance in
    /// progress makes it rejoin.
    pub(crate) fn on_group_error(&mut self, code: ErrorCode, now: i64) {
        let backoff = self.config.retry_backoff_ms;
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if is_coordinator_error(code) {
            membership.coordinator = None;
            membership.retry_at_ms = now + backoff;
            membership.heartbeat_in_flight = None;
        } else if code == ErrorCode::FencedInstanceId {
            // Another consumer took this group.instance.id: this one is done
            // (`FencedInstanceIdException` is fatal to the Java consumer).
            membership.reset_generation();
            membership.rejoin_needed = false;
            self.fatal = Some(ApiError::bare(code));
            self.lose_partitions(now);
        } else if matches!(
            code,
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration
        ) {
            membership.reset_generation();
            self.lose_partitions(now);
        } else if code == ErrorCode::RebalanceInProgress {
            membership.rejoin_needed = true;
        }
    }

    /// `onPartitionsLost`: the partitions go without a commit.
    pub(super) fn lose_partitions(&mut self, now: i64) {
        if self.assignment.is_empty() {
            return;
        }
        let lost = std::mem::take(&mut self.assignment);
        self.positions.clear();
        self.paused.clear();
        self.event(now, ConsumerEvent::Lost(lost));
    }

    /// Finds the coordinator if it is not known (`ensureCoordinatorReady`, without waiting).
    pub(super) fn ensure_coordinator(&mut self, cluster: &mut Cluster) -> Option<i32> {
        let now = cluster.now().as_millis();
        let backoff = self.config.retry_backoff_ms;
        let membership = self.membership.as_mut()?;
        if membership.coordinator.is_none() && now >= membership.retry_at_ms {
            match cluster.find_coordinator(&membership.group_id) {
                Ok(node) => membership.coordinator = Some(node),
                Err(_) => membership.retry_at_ms = now + backoff,
            }
        }
        membership.coordinator
    }

    /// The heartbeat thread's round: the poll-interval check, the last heartbeat's answer, and
    /// the next heartbeat when it is due.
    pub(super) fn heartbeat_tick(&mut self, cluster: &mut Cluster) {
        let now = cluster.now().as_millis();
        let max_poll = i64::from(self.config.max_poll_interval_ms);
        if self.is_member() && now - self.last_poll_ms > max_poll {
            // `maybeLeaveGroup("consumer poll timeout has expired.")`.
            self.leave_group(cluster, "consumer poll timeout has expired.");
            return;
        }
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if let Some(request_id) = membership.heartbeat_in_flight {
            match cluster.take_group_response(request_id) {
                None => return,
                Some(GroupResponse::Heartbeat(code)) => {
                    membership.heartbeat_in_flight = None;
                    if code != ErrorCode::None {
                        self.on_group_error(code, now);
                    }
                }
                Some(_) => membership.heartbeat_in_flight = None,
            }
        }
        let interval = self.config.heartbeat_interval_ms;
        let instance = self.config.group_instance_id.clone();
        if self.ensure_coordinator(cluster).is_none() {
            return;
        }
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.state != MemberState::Stable || now < membership.next_heartbeat_ms {
            return;
        }
        let Some(coordinator) = membership.coordinator else {
            return;
        };
        membership.next_heartbeat_ms = now + interval;
        let request = GroupRequest::Heartbeat(HeartbeatRequest {
            group_id: membership.group_id.clone(),
            generation_id: membership.generation_id,
            member_id: membership.member_id.clone(),
            group_instance_id: instance,
        });
        membership.heartbeat_in_flight = Some(cluster.send_group_request(coordinator, request));
    }

    /// `ensureActiveGroup` without blocking: moves the join one step at a time. True once the
    /// member is in a stable generation with its assignment.
    pub(super) fn ensure_active_group(&mut self, cluster: &mut Cluster) -> Result<bool, ApiError> {
        if self.uses_consumer_protocol() {
            // The heartbeat loop (`background`) does everything; a poll reads what it owns.
            let _ = cluster;
            return Ok(self.is_member());
        }
        for _ in 0..8 {
            let now = cluster.now().as_millis();
            let Some(state) = self.membership.as_ref().map(|m| m.state) else {
                return Ok(true);
            };
            match state {
                MemberState::Stable => {
                    if !self.membership.as_ref().is_some_and(|m| m.rejoin_needed) {
                        return Ok(true);
                    }
                    self.set_state(MemberState::Unjoined);
                }
                MemberState::Unjoined => {
                    if self.ensure_coordinator(cluster).is_none() {
                        return Ok(false);
                    }
                    // onJoinPrepare: an eager member commits and revokes everything first.
                    let commit = if self.config.enable_auto_commit && self.is_member() {
                        let offsets = self.consumed_offsets();
                        self.commit_async(cluster, offsets)
                    } else {
                        None
                    };
                    self.set_state(MemberState::PreparingJoin(commit));
                }
                MemberState::PreparingJoin(commit) => {
                    if let Some(id) = commit {
                        if self.commit_pending(id) {
                            self.collect_commits_now(cluster);
                            if self.commit_pending(id) {
                                return Ok(false);
                            }
                        }
                    }
                    // An eager member revokes everything; a cooperative one keeps what it owns
                    // (KIP-429) and gives up only what the new assignment moves.
                    if self.rebalance_protocol() == RebalanceProtocol::Eager
                        && !self.assignment.is_empty()
                    {
                        let revoked = std::mem::take(&mut self.assignment);
                        self.positions.clear();
                        self.paused.clear();
                        self.event(now, ConsumerEvent::Revoked(revoked));
                    }
                    self.send_join(cluster);
                }
                MemberState::Joining(id) | MemberState::Syncing(id)
                    if self.request_timed_out(now) && !cluster_has_answer(cluster, id) =>
                {
                    // The request timed out: the client drops the connection and looks for the
                    // coordinator again (`markCoordinatorUnknown`).
                    self.set_state(MemberState::Unjoined);
                    self.on_group_error(ErrorCode::RequestTimedOut, now);
                    return Ok(false);
                }
                MemberState::Joining(id) => match cluster.take_group_response(id) {
                    None => return Ok(false),
                    Some(GroupResponse::JoinGroup(response)) => {
                        self.on_join_response(cluster, response)?
                    }
                    Some(_) => self.set_state(MemberState::Unjoined),
                },
                MemberState::Syncing(id) => match cluster.take_group_response(id) {
                    None => return Ok(false),
                    Some(GroupResponse::SyncGroup(response)) => {
                        if response.error == ErrorCode::None {
                            self.on_assignment(now, &response.assignment);
                            return Ok(true);
                        }
                        self.set_state(MemberState::Unjoined);
                        self.on_group_error(response.error, now);
                    }
                    Some(_) => self.set_state(MemberState::Unjoined),
                },
            }
        }
        Ok(false)
    }

    fn request_timed_out(&self, now: i64) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| now >= m.request_deadline_ms)
    }

    fn set_state(&mut self, state: MemberState) {
        if let Some(membership) = self.membership.as_mut() {
            membership.state = state;
        }
    }

    fn commit_pending(&self, request_id: u64) -> bool {
        self.commits_in_flight
            .iter()
            .any(|(id, _)| *id == request_id)
    }

    fn collect_commits_now(&mut self, cluster: &mut Cluster) {
        self.background(cluster);
    }

    /// JoinGroup with every assignor of `partition.assignment.strategy` and the subscription.
    /// The rebalance protocol every configured assignor supports (`ConsumerCoordinator`):
    /// cooperative only when all of them are cooperative (`cooperative-sticky`), else eager.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        if self
            .config
            .assignors
            .iter()
            .all(|a| a.protocol() == RebalanceProtocol::Cooperative)
        {
            RebalanceProtocol::Cooperative
        } else {
            RebalanceProtocol::Eager
        }
    }

    /// The JoinGroup metadata for `assignor` (`ConsumerCoordinator.metadata`): the topics, the
    /// partitions still owned (none for an eager member, which revoked them), the generation,
    /// and the assignor's own user data — the sticky assignor's last assignment, the
    /// cooperative-sticky assignor's generation.
    fn subscription_for(&self, assignor: ClientAssignor) -> Vec<u8> {
        let generation = self.membership.as_ref().map_or(-1, |m| m.generation_id);
        let mut subscription = Subscription::new(self.topics.clone())
            .with_owned(self.assignment.clone())
            .with_generation(generation);
        match assignor {
            ClientAssignor::Sticky => {
                if let Some((partitions, generation)) = &self.last_assignment {
                    subscription = subscription
                        .with_user_data(encode_sticky_user_data(partitions, *generation));
                }
            }
            ClientAssignor::CooperativeSticky => {
                subscription =
                    subscription.with_user_data(encode_cooperative_user_data(generation));
            }
            ClientAssignor::Range | ClientAssignor::RoundRobin => {}
        }
        ConsumerProtocolSubscription::from_subscription(&subscription, None)
            .serialize(CONSUMER_PROTOCOL_VERSION)
            .unwrap_or_default()
    }

    /// JoinGroup with every assignor of `partition.assignment.strategy` and its subscription.
    fn send_join(&mut self, cluster: &mut Cluster) {
        let protocols = self
            .config
            .assignors
            .iter()
            .map(|&a| (a.name().to_string(), self.subscription_for(a)))
            .collect();
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        let Some(coordinator) = membership.coordinator else {
            membership.state = MemberState::Unjoined;
            return;
        };
        let request = GroupRequest::JoinGroup(JoinGroupRequest {
            group_id: membership.group_id.clone(),
            session_timeout_ms: self.config.session_timeout_ms,
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
            member_id: membership.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: "consumer".to_string(),
            protocols,
            client_id: self.config.client_id.clone(),
            reason: None,
        });
        membership.rejoin_needed = false;
        let now = cluster.now().as_millis();
        let timeout = REQUEST_TIMEOUT_MS.max(i64::from(self.config.max_poll_interval_ms) + 5_000);
        membership.request_deadline_ms = now + timeout;
        membership.state = MemberState::Joining(cluster.send_group_request(coordinator, request));
    }

    fn on_join_response(
        &mut self,
        cluster: &mut Cluster,
        response: JoinGroupResponse,
    ) -> Result<(), ApiError> {
        let now = cluster.now().as_millis();
        match response.error {
            ErrorCode::None => {}
            ErrorCode::MemberIdRequired => {
                if let Some(m) = self.membership.as_mut() {
                    m.member_id = response.member_id;
                }
                self.send_join(cluster);
                return Ok(());
            }
            ErrorCode::RebalanceInProgress => {
                self.send_join(cluster);
                return Ok(());
            }
            code if is_coordinator_error(code)
                || matches!(
                    code,
                    ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration
                ) =>
            {
                self.set_state(MemberState::Unjoined);
                self.on_group_error(code, now);
                return Ok(());
            }
            code => {
                // Fatal for the consumer (InconsistentGroupProtocol, InvalidSessionTimeout, …).
                self.set_state(MemberState::Unjoined);
                return Err(ApiError::bare(code));
            }
        }
        let leader = response.leader == response.member_id;
        let assigns = leader && !response.skip_assignment;
        let protocol = response.protocol_name.clone().unwrap_or_default();
        if let Some(m) = self.membership.as_mut() {
            m.member_id = response.member_id.clone();
            m.generation_id = response.generation_id;
            m.protocol = response.protocol_name.clone();
            m.leader_id = response.leader.clone();
        }
        self.event(
            now,
            ConsumerEvent::Joined {
                generation_id: response.generation_id,
                member_id: response.member_id.clone(),
                leader,
                protocol: protocol.clone(),
            },
        );
        let (assignments, snapshot) = if assigns {
            let (assignments, snapshot) = self.perform_assignment(cluster, &protocol, &response)?;
            (assignments, Some(snapshot))
        } else {
            (Vec::new(), None)
        };
        let Some(membership) = self.membership.as_mut() else {
            return Ok(());
        };
        membership.assignment_snapshot = snapshot;
        let Some(coordinator) = membership.coordinator else {
            membership.state = MemberState::Unjoined;
            return Ok(());
        };
        let request = GroupRequest::SyncGroup(SyncGroupRequest {
            group_id: membership.group_id.clone(),
            generation_id: membership.generation_id,
            member_id: membership.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: Some("consumer".to_string()),
            protocol_name: response.protocol_name,
            assignments,
        });
        membership.request_deadline_ms = cluster.now().as_millis() + REQUEST_TIMEOUT_MS;
        membership.state = MemberState::Syncing(cluster.send_group_request(coordinator, request));
        Ok(())
    }

    /// The leader's `onLeaderElected`: runs the chosen assignor over every member's subscription
    /// with the partition counts it knows, which it keeps as its assignment snapshot.
    #[allow(clippy::type_complexity)]
    fn perform_assignment(
        &self,
        cluster: &Cluster,
        protocol: &str,
        response: &JoinGroupResponse,
    ) -> Result<(Vec<(String, Vec<u8>)>, BTreeMap<String, i32>), ApiError> {
        let assignor = self
            .config
            .assignors
            .iter()
            .find(|a| a.name() == protocol)
            .copied()
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InconsistentGroupProtocol,
                    format!("Coordinator selected invalid assignment protocol: {protocol}"),
                )
            })?;
        let mut subscriptions = BTreeMap::new();
        for member in &response.members {
            let subscription = ConsumerProtocolSubscription::deserialize(&member.metadata)
                .map(|(_, s)| s.to_subscription())
                .unwrap_or_default();
            subscriptions.insert(member.member_id.clone(), subscription);
        }
        let partitions_per_topic: BTreeMap<String, i32> = subscriptions
            .values()
            .flat_map(|s| s.topics.iter())
            .filter_map(|t| {
                cluster
                    .topic(t)
                    .map(|info| (t.clone(), info.partitions.len() as i32))
            })
            .collect_map();
        let assignment = assignor
            .assign(&partitions_per_topic, &subscriptions)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
        let assignments = assignment
            .into_iter()
            .map(|(member, partitions)| {
                let bytes = ConsumerProtocolAssignment::from_partitions(&partitions, None)
                    .serialize(CONSUMER_PROTOCOL_VERSION)
                    .unwrap_or_default();
                (member, bytes)
            })
            .collect();
        Ok((assignments, partitions_per_topic))
    }

    /// SyncGroup answered (`onJoinComplete`): an eager member owns its new partitions; a
    /// cooperative one revokes those that moved away and, if it revoked any, rejoins at once so
    /// they can be handed out in a second rebalance (KIP-429).
    fn on_assignment(&mut self, now: i64, bytes: &[u8]) {
        let partitions: Vec<TopicPartition> = ConsumerProtocolAssignment::deserialize(bytes)
            .map(|(_, a)| a.partitions())
            .unwrap_or_default();
        let interval = self.config.heartbeat_interval_ms;
        let (revoked, added) = self.assignment_change(&partitions);
        let generation = self.membership.as_ref().map_or(-1, |m| m.generation_id);
        if let Some(m) = self.membership.as_mut() {
            m.state = MemberState::Stable;
            m.next_heartbeat_ms = now + interval;
            m.rejoin_needed = !revoked.is_empty();
        }
        if !revoked.is_empty() {
            self.event(now, ConsumerEvent::Revoked(revoked));
        }
        self.assignment = partitions.clone();
        self.positions.retain(|tp, _| partitions.contains(tp));
        self.paused.retain(|tp| partitions.contains(tp));
        self.last_assignment = Some((partitions, generation));
        self.event(now, ConsumerEvent::Assigned(added));
    }

    /// LeaveGroup (`maybeLeaveGroup`): sent without waiting; the member is out of the group.
    pub fn leave_group(&mut self, cluster: &mut Cluster, reason: &str) {
        let now = cluster.now().as_millis();
        if self.uses_consumer_protocol() {
            if self.is_member() {
                // `leaveGroupEpoch`: a static member leaves for now (-2), keeping its place.
                let epoch = if self.config.group_instance_id.is_some() {
                    LEAVE_GROUP_STATIC_MEMBER_EPOCH
                } else {
                    -1
                };
                self.send_consumer_heartbeat(cluster, Some(epoch));
            }
            if let Some(m) = self.membership.as_mut() {
                m.generation_id = 0;
                m.state = MemberState::Unjoined;
            }
            self.lose_partitions(now);
            self.event(now, ConsumerEvent::Left(reason.to_string()));
            return;
        }
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        // A static member sends no LeaveGroup: its session timeout (or an admin) removes it,
        // so a restart within the timeout causes no rebalance (KIP-345).
        let is_static = self.config.group_instance_id.is_some();
        if let (Some(coordinator), false, false) = (
            membership.coordinator,
            membership.member_id.is_empty(),
            is_static,
        ) {
            let request = GroupRequest::LeaveGroup(LeaveGroupRequest {
                group_id: membership.group_id.clone(),
                members: vec![(
                    membership.member_id.clone(),
                    self.config.group_instance_id.clone(),
                    Some(reason.to_string()),
                )],
            });
            let request_id = cluster.send_group_request(coordinator, request);
            // Nobody waits for the answer; collect it so it does not linger.
            let _ = cluster.take_group_response(request_id);
        }
        membership.reset_generation();
        self.lose_partitions(now);
        self.event(now, ConsumerEvent::Left(reason.to_string()));
    }
}

/// Whether the answer to `request_id` has arrived (it is taken on the next step).
fn cluster_has_answer(cluster: &Cluster, request_id: u64) -> bool {
    cluster.group_runtime().has_response(request_id)
}
