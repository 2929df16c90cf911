//! A consumer's side of KIP-848's consumer protocol (`group.protocol=consumer`, the
//! `ConsumerMembershipManager` of Kafka 4.1's `AsyncKafkaConsumer`): no JoinGroup or SyncGroup,
//! only ConsumerGroupHeartbeat every `group.consumer.heartbeat.interval.ms` (the coordinator
//! says how often). The member joins with epoch 0, reports what it owns, and reconciles each
//! assignment it is sent: it revokes what is gone (committing first with auto-commit) and
//! acknowledges at once with a heartbeat, then takes what is new. Fenced
//! (`FENCED_MEMBER_EPOCH`, `UNKNOWN_MEMBER_ID`), it loses everything and joins again with
//! epoch 0; leaving is a heartbeat with epoch -1.

use super::membership::{is_coordinator_error, MemberState};
use super::{Consumer, ConsumerEvent};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::protocol::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, GroupRequest, GroupResponse,
};
use crate::engine::ids::Uuid;
use crate::engine::sorting::CollectBTree;

/// `group.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupProtocol {
    Classic,
    /// KIP-848.
    Consumer,
}

impl Consumer {
    pub(super) fn uses_consumer_protocol(&self) -> bool {
        self.config.group_protocol == GroupProtocol::Consumer
    }

    /// The background round of a KIP-848 member: the poll-interval check, the last
    /// heartbeat's answer, and the next heartbeat when due (at once after a reconciliation).
    pub(super) fn consumer_protocol_tick(&mut self, cluster: &mut Cluster) {
        let now = cluster.now().as_millis();
        if self.is_member() && now - self.last_poll_ms > i64::from(self.config.max_poll_interval_ms)
        {
            self.leave_group(cluster, "consumer poll timeout has expired.");
            return;
        }
        if let Some(request_id) = self.membership.as_ref().and_then(|m| m.heartbeat_in_flight) {
            match cluster.take_group_response(request_id) {
                None => return,
                Some(GroupResponse::ConsumerGroupHeartbeat(response)) => {
                    if let Some(m) = self.membership.as_mut() {
                        m.heartbeat_in_flight = None;
                    }
                    self.on_consumer_heartbeat(response, now);
                }
                Some(_) => {}
            }
        }
        // A revocation is committed before it is acknowledged, at the epoch it happened in.
        self.flush_revocation_commit(cluster);
        if self.fatal.is_some() || self.ensure_coordinator(cluster).is_none() {
            return;
        }
        let due = self
            .membership
            .as_ref()
            .is_some_and(|m| m.heartbeat_in_flight.is_none() && now >= m.next_heartbeat_ms);
        if due {
            self.send_consumer_heartbeat(cluster, None);
        }
    }

    /// Sends a ConsumerGroupHeartbeat at the member's epoch (or `epoch` to leave) with its
    /// subscription and what it owns; an answer that is ready is handled at once.
    pub(super) fn send_consumer_heartbeat(&mut self, cluster: &mut Cluster, epoch: Option<i32>) {
        let now = cluster.now().as_millis();
        let needs_id = self
            .membership
            .as_ref()
            .is_some_and(|m| m.member_id.is_empty());
        if needs_id {
            // KIP-1082: the client makes its member id.
            let id = Uuid::random(cluster.rng()).to_string();
            if let Some(m) = self.membership.as_mut() {
                m.member_id = id;
            }
        }
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        let Some(coordinator) = membership.coordinator else {
            return;
        };
        let request = GroupRequest::ConsumerGroupHeartbeat(ConsumerGroupHeartbeatRequest {
            group_id: membership.group_id.clone(),
            member_id: membership.member_id.clone(),
            member_epoch: epoch.unwrap_or(membership.generation_id.max(0)),
            instance_id: self.config.group_instance_id.clone(),
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
            subscribed_topic_names: Some(self.topics.clone()),
            subscribed_topic_regex: self.subscription_pattern.clone(),
            server_assignor: self.config.remote_assignor.clone(),
            topic_partitions: Some(self.assignment.clone()),
            client_id: self.config.client_id.clone(),
        });
        // Until the answer, the next one is due an interval later.
        membership.next_heartbeat_ms = now + membership.heartbeat_interval_ms;
        let request_id = cluster.send_group_request(coordinator, request);
        if epoch.is_some() {
            let _ = cluster.take_group_response(request_id);
            return;
        }
        match cluster.take_group_response(request_id) {
            Some(GroupResponse::ConsumerGroupHeartbeat(response)) => {
                self.on_consumer_heartbeat(response, now)
            }
            Some(_) => {}
            None => {
                if let Some(m) = self.membership.as_mut() {
                    m.heartbeat_in_flight = Some(request_id);
                }
            }
        }
    }

    fn on_consumer_heartbeat(&mut self, response: ConsumerGroupHeartbeatResponse, now: i64) {
        match response.error {
            ErrorCode::None => {}
            ErrorCode::FencedMemberEpoch | ErrorCode::UnknownMemberId => {
                // Fenced: give everything up and join again with epoch 0.
                self.lose_partitions(now);
                if let Some(m) = self.membership.as_mut() {
                    m.generation_id = 0;
                    m.state = MemberState::Unjoined;
                    m.next_heartbeat_ms = now;
                }
                return;
            }
            code if is_coordinator_error(code) => return self.on_group_error(code, now),
            code => {
                self.fatal = Some(match response.error_message {
                    Some(message) => ApiError::new(code, message),
                    None => ApiError::bare(code),
                });
                self.lose_partitions(now);
                return;
            }
        }
        let Some(m) = self.membership.as_mut() else {
            return;
        };
        let joined = m.generation_id != response.member_epoch;
        m.generation_id = response.member_epoch;
        m.heartbeat_interval_ms = i64::from(response.heartbeat_interval_ms.max(1));
        m.state = if response.member_epoch > 0 {
            MemberState::Stable
        } else {
            MemberState::Unjoined
        };
        let member_id = m.member_id.clone();
        if joined {
            self.event(
                now,
                ConsumerEvent::Joined {
                    generation_id: response.member_epoch,
                    member_id,
                    leader: false,
                    protocol: self
                        .config
                        .remote_assignor
                        .clone()
                        .unwrap_or_else(|| "uniform".to_string()),
                },
            );
        }
        if let Some(assignment) = response.assignment {
            self.reconcile_assignment(assignment, now);
        }
    }

    /// Takes a new assignment: revokes what is gone (auto-commit first), adds what is new, and
    /// acknowledges with a heartbeat at once when anything changed.
    fn reconcile_assignment(&mut self, assignment: Vec<TopicPartition>, now: i64) {
        let (revoked, added) = self.assignment_change(&assignment);
        if revoked.is_empty() && added.is_empty() {
            return;
        }
        if !revoked.is_empty() {
            if self.config.enable_auto_commit {
                self.pending_revocation_commit = Some(
                    revoked
                        .iter()
                        .filter_map(|tp| self.positions.get(tp).map(|&o| (tp.clone(), o)))
                        .collect_map(),
                );
            }
            for tp in &revoked {
                self.positions.remove(tp);
                self.paused.remove(tp);
            }
            self.event(now, ConsumerEvent::Revoked(revoked));
        }
        self.assignment = assignment;
        if !added.is_empty() {
            self.event(now, ConsumerEvent::Assigned(added));
        }
        if let Some(m) = self.membership.as_mut() {
            m.next_heartbeat_ms = now;
        }
    }
}
