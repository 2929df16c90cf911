//! The controller's decisions about brokers and partitions (KRaft's `ReplicationControlManager`,
//! `PartitionChangeBuilder`, `BrokerHeartbeatManager`), as one deterministic component until
//! issue #6 makes it a Raft quorum:
//!
//! - **Liveness**: a running broker that can reach the active controller heartbeats every
//!   `broker.heartbeat.interval.ms`; one silent for `broker.session.timeout.ms` is fenced. A
//!   (re)started broker registers and is unfenced.
//! - **The active controller** is the leader of the KRaft quorum (`engine::kraft`, nodes
//!   `1..=voters`) while it reaches a majority of the voters; with none, nothing is decided (no
//!   fencing, no ISR change).
//! - **Leader and ISR changes** follow Kafka 4.1's `PartitionChangeBuilder` with Eligible Leader
//!   Replicas (`engine::replication::partition_change`): the ISR may become empty, the ELR keeps
//!   who may still lead, and a partition with no acceptable ISR or ELR member has no leader
//!   (`Leader: none`) unless `unclean.leader.election.enable` allows an unclean election. A
//!   leader change bumps the leader epoch; any change bumps the partition epoch.

use crate::engine::cluster::{Cluster, PartitionInfo};
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::event::EventKind;
use crate::engine::replication::partition_change::{self, Change, ChangeRequest, Election};
use crate::engine::replication::BrokerState;
use crate::engine::scheduler::Task;
use std::collections::{BTreeMap, BTreeSet};

/// What the controller keeps about brokers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControllerState {
    pub fenced: BTreeSet<i32>,
    pub last_heartbeat_ms: BTreeMap<i32, i64>,
    pub active: Option<i32>,
    /// How many times each broker registered after its first start (its incarnation).
    pub incarnations: BTreeMap<i32, u32>,
    /// Brokers back from a crash while no controller could register them: they serve nothing
    /// (no leading, no fetching) until one does (`BrokerLifecycleManager` waits to register).
    pub pending_registration: BTreeSet<i32>,
}

/// Why the controller fences a broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FenceReason {
    /// No heartbeat for `broker.session.timeout.ms`.
    SessionTimedOut,
    /// `broker stop`.
    ControlledShutdown,
    /// It re-registered after a crash (`handleBrokerUncleanShutdown`): it also leaves the ELR.
    UncleanShutdown,
}

impl FenceReason {
    /// As the trace prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            FenceReason::SessionTimedOut => "session timed out",
            FenceReason::ControlledShutdown => "controlled shutdown",
            FenceReason::UncleanShutdown => "unclean shutdown",
        }
    }
}

impl Cluster {
    /// The number of controller voters: the largest odd number ≤ min(3, brokers).
    pub fn voter_count(&self) -> i32 {
        crate::engine::kraft::voters_for(self.options().brokers)
    }

    /// Whether `a` and `b` are running and can talk.
    pub fn reachable(&self, a: i32, b: i32) -> bool {
        let running = |id| self.broker(id).is_some_and(|b| b.is_running());
        running(a) && running(b) && (a == b || !self.network().is_partitioned(a, b))
    }

    /// The active controller now, if a voter can reach a majority.
    pub fn active_controller(&self) -> Option<i32> {
        self.controller().active
    }

    /// The Raft leader of the highest epoch, while it reaches a majority of the voters: a
    /// leader cut off from them decides nothing (what it wrote could not commit).
    pub(crate) fn choose_active_controller(&self) -> Option<i32> {
        let voters = self.voter_count();
        let majority = voters / 2 + 1;
        let can_lead =
            |v: i32| (1..=voters).filter(|&o| self.reachable(v, o)).count() as i32 >= majority;
        self.quorum()
            .leader()
            .map(|n| n.id)
            .filter(|&leader| can_lead(leader))
    }

    /// Whether `broker` runs and has registered (a broker back from a crash waits for a
    /// controller to register it before it leads or follows anything).
    pub fn is_serving(&self, broker: i32) -> bool {
        self.broker(broker).is_some_and(|b| b.is_running())
            && !self.controller().pending_registration.contains(&broker)
    }

    /// The active controller registers the brokers that came back from a crash while there
    /// was none: each leaves every ISR and ELR first (`handleBrokerUncleanShutdown`).
    pub(crate) fn register_pending_brokers(&mut self) {
        if self.controller().active.is_none() {
            return;
        }
        // A broker that stopped again before any controller registered it stays pending: it
        // registers (as after an unclean shutdown — its crash lost what it never flushed) when
        // it next starts.
        let pending = std::mem::take(&mut self.controller_mut().pending_registration);
        for broker in pending {
            if self.broker(broker).is_some_and(|b| b.is_running()) {
                self.fence(broker, FenceReason::UncleanShutdown);
            } else {
                self.controller_mut().pending_registration.insert(broker);
            }
        }
        self.sync_replication();
    }

    /// Whether the controller counts `broker` as alive (registered and not fenced).
    pub fn is_unfenced(&self, broker: i32) -> bool {
        !self.controller().fenced.contains(&broker)
    }

    /// The controller's periodic work: heartbeats in, sessions expired, restarted brokers in.
    pub(crate) fn run_controller_tick(&mut self) {
        let settings = self.replication_settings();
        self.schedule_in(settings.broker_heartbeat_interval_ms, Task::ControllerTick);
        self.update_active_controller();
        let Some(active) = self.controller().active else {
            return;
        };
        self.register_pending_brokers();
        let now = self.now().as_millis();
        self.count_heartbeats(active);
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if !self.reachable(id, active) && self.is_unfenced(id) {
                let last = self
                    .controller()
                    .last_heartbeat_ms
                    .get(&id)
                    .copied()
                    .unwrap_or(now);
                if now - last > settings.broker_session_timeout_ms {
                    self.fence(id, FenceReason::SessionTimedOut);
                }
            }
        }
    }

    /// Every running broker that reaches the controller heartbeats now; a fenced one among
    /// them (back from a stop, a crash or a partition) is unfenced.
    fn count_heartbeats(&mut self, active: i32) {
        let now = self.now().as_millis();
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if self.reachable(id, active) {
                self.controller_mut().last_heartbeat_ms.insert(id, now);
                if !self.is_unfenced(id) {
                    self.unfence(id);
                }
            }
        }
    }

    pub(crate) fn update_active_controller(&mut self) {
        let chosen = self.choose_active_controller();
        if chosen != self.controller().active {
            let old = self.controller().active;
            self.controller_mut().active = chosen;
            self.emit(EventKind::ControllerChanged { old, new: chosen });
        }
    }

    /// `BrokerHeartbeatManager.fence` and `ReplicationControlManager.handleBrokerFenced`: the
    /// broker leaves every ISR (but never empties one) and loses every leadership.
    pub(crate) fn fence(&mut self, broker: i32, reason: FenceReason) {
        self.controller_mut().fenced.insert(broker);
        self.mark_metadata_dirty();
        // Leaders forget what they knew of its log: a new registration starts from nothing, so
        // a fetch of its old incarnation cannot bring it back into an ISR (KIP-903).
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(leader) = self.broker_mut(id) {
                for led in leader.replica.led.values_mut() {
                    if let Some(state) = led.followers.get_mut(&broker) {
                        *state = super::FollowerState {
                            log_end_offset: -1,
                            last_caught_up_ms: 0,
                            last_fetch_ms: 0,
                            last_fetch_leader_log_end_offset: -1,
                        };
                    }
                }
            }
        }
        self.emit(EventKind::BrokerFenced {
            broker,
            reason: reason.as_str(),
        });
        self.remove_from_partitions(broker, reason == FenceReason::UncleanShutdown);
    }

    fn unfence(&mut self, broker: i32) {
        self.controller_mut().fenced.remove(&broker);
        self.mark_metadata_dirty();
        let now = self.now().as_millis();
        self.controller_mut().last_heartbeat_ms.insert(broker, now);
        self.emit(EventKind::BrokerUnfenced { broker });
        self.elect_leaderless();
        self.sync_replication();
    }

    /// Every partition of `broker`: it leaves the ISR (and, after an unclean shutdown, the ELR),
    /// and where it led, another replica is elected.
    fn remove_from_partitions(&mut self, broker: i32, unclean_shutdown: bool) {
        let shutdown = [broker];
        let unclean: &[i32] = if unclean_shutdown { &shutdown } else { &[] };
        let reason = if unclean_shutdown {
            "unclean shutdown"
        } else {
            "broker fenced"
        };
        for (topic, info) in self.partitions_of(broker) {
            let target_isr = info.isr.iter().copied().filter(|&m| m != broker).collect();
            self.apply_change(&topic, &info, target_isr, unclean, reason);
        }
        self.sync_replication();
    }

    /// Elects a leader for every partition without one, when a replica can lead.
    pub(crate) fn elect_leaderless(&mut self) {
        let leaderless: Vec<(String, PartitionInfo)> = self
            .topics()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|p| p.leader.is_none())
                    .map(|p| (t.name.clone(), p.clone()))
            })
            .collect();
        for (topic, info) in leaderless {
            self.apply_change(&topic, &info, info.isr.clone(), &[], "election");
        }
    }

    /// The topic's `min.insync.replicas`, capped at its replication factor
    /// (`getTopicEffectiveMinIsr`, `Partition.effectiveMinIsr`).
    pub fn effective_min_isr(&self, topic: &str, replication_factor: usize) -> usize {
        let configured = self
            .topic_configs(topic)
            .map_or(1, |c| usize::try_from(c.min_insync_replicas).unwrap_or(1));
        configured.min(replication_factor)
    }

    /// Runs the controller's change rule (`engine::replication::partition_change`) for one
    /// partition and applies the result. Returns whether anything changed.
    fn apply_change(
        &mut self,
        topic: &str,
        info: &PartitionInfo,
        target_isr: Vec<i32>,
        unclean_shutdown: &[i32],
        reason: &'static str,
    ) -> bool {
        let unclean_allowed = self
            .topic_configs(topic)
            .is_some_and(|c| c.unclean_leader_election_enable);
        let request = ChangeRequest {
            info,
            target_isr,
            min_isr: self.effective_min_isr(topic, info.replicas.len()),
            unclean_shutdown,
            unclean_allowed,
            preferred: false,
        };
        self.build_and_apply(topic, &request, reason)
    }

    /// An election an operator or the leader balance asked for (`electLeader`): the preferred
    /// replica, or — `unclean` — any replica when no clean leader exists. Returns whether the
    /// partition changed.
    pub(crate) fn apply_election(
        &mut self,
        topic: &str,
        info: &PartitionInfo,
        unclean: bool,
        reason: &'static str,
    ) -> bool {
        let request = ChangeRequest {
            info,
            target_isr: info.isr.clone(),
            min_isr: self.effective_min_isr(topic, info.replicas.len()),
            unclean_shutdown: &[],
            unclean_allowed: unclean,
            preferred: !unclean,
        };
        self.build_and_apply(topic, &request, reason)
    }

    fn build_and_apply(
        &mut self,
        topic: &str,
        request: &ChangeRequest<'_>,
        reason: &'static str,
    ) -> bool {
        let change = partition_change::build(request, |r| self.is_acceptable_leader(r));
        self.change_partition(topic, request.info.partition, change, reason)
    }

    /// `ClusterControlManager.isActive`: registered, unfenced, and not shutting down.
    pub(crate) fn is_acceptable_leader(&self, broker: i32) -> bool {
        self.is_unfenced(broker)
            && self
                .broker(broker)
                .is_some_and(|b| b.state != BrokerState::Stopped)
    }

    /// A leader's AlterPartition: accepted when the controller is reachable and the leader
    /// still leads; a fenced or stopped broker cannot join (KIP-841). Returns whether the ISR
    /// changed.
    pub(crate) fn alter_partition(
        &mut self,
        leader: i32,
        topic: &str,
        partition: i32,
        isr: Vec<i32>,
        reason: &'static str,
    ) -> bool {
        let Some(active) = self.controller().active else {
            return false;
        };
        if !self.reachable(leader, active) {
            return false;
        }
        let Some(info) = self.partition_info(topic, partition).cloned() else {
            return false;
        };
        if info.leader != Some(leader) || isr.is_empty() {
            return false;
        }
        let joining_unacceptable = isr
            .iter()
            .any(|&m| !info.isr.contains(&m) && !self.is_acceptable_leader(m));
        if joining_unacceptable {
            return false;
        }
        self.apply_change(topic, &info, isr, &[], reason);
        self.partition_info(topic, partition)
            .is_some_and(|p| p.isr != info.isr)
    }

    /// Applies a change of leader, ISR and ELR to the table, with its events.
    fn change_partition(
        &mut self,
        topic: &str,
        partition: i32,
        change: Change,
        reason: &'static str,
    ) -> bool {
        let Some(info) = self
            .topics_mut()
            .get_mut(topic)
            .and_then(|t| t.partitions.iter_mut().find(|p| p.partition == partition))
        else {
            return false;
        };
        let leader_changed = info.leader != change.leader;
        let isr_changed = info.isr != change.isr;
        let elr_changed = info.elr != change.elr || info.last_known_elr != change.last_known_elr;
        if !leader_changed && !isr_changed && !elr_changed {
            return false;
        }
        let old_isr = std::mem::replace(&mut info.isr, change.isr.clone());
        let old_leader = std::mem::replace(&mut info.leader, change.leader);
        let old_elr = std::mem::replace(&mut info.elr, change.elr.clone());
        info.last_known_elr = change.last_known_elr.clone();
        if leader_changed {
            info.leader_epoch += 1;
        }
        info.partition_epoch += 1;
        let leader_epoch = info.leader_epoch;
        if leader_changed {
            self.emit(EventKind::LeaderChanged {
                topic: topic.to_string(),
                partition,
                old_leader,
                new_leader: change.leader,
                leader_epoch,
                unclean: change.election == Election::Unclean,
            });
        }
        if isr_changed {
            self.emit(EventKind::IsrChanged {
                topic: topic.to_string(),
                partition,
                old_isr,
                new_isr: change.isr,
                reason,
            });
        }
        if elr_changed {
            self.emit(EventKind::ElrChanged {
                topic: topic.to_string(),
                partition,
                old_elr,
                new_elr: change.elr,
                last_known_elr: change.last_known_elr,
            });
        }
        true
    }

    fn partitions_of(&self, broker: i32) -> Vec<(String, PartitionInfo)> {
        self.topics()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|p| p.replicas.contains(&broker))
                    .map(|p| (t.name.clone(), p.clone()))
            })
            .collect()
    }

    /// `broker stop`: a controlled shutdown (`BrokerLifecycleManager`, KIP-631): the
    /// controller moves every leadership away and takes the broker out of every ISR, then the
    /// broker flushes everything and writes its clean-shutdown file.
    pub fn stop_broker(&mut self, broker: i32) -> Result<(), ApiError> {
        self.require_running(broker)?;
        // A controlled shutdown needs a controller that knows this incarnation; without one
        // (none active, unreachable, or the broker never registered since a crash) the broker
        // gives up waiting and stops, and the controller learns of it from its session.
        let registered = !self.controller().pending_registration.contains(&broker);
        let controller_reachable = self
            .controller()
            .active
            .is_some_and(|c| self.reachable(broker, c));
        if registered && controller_reachable {
            self.fence(broker, FenceReason::ControlledShutdown);
        }
        self.shut_down_broker(broker, BrokerState::Stopped);
        self.update_active_controller();
        Ok(())
    }

    /// `broker kill`: the process dies (and, as with a power loss, what it never flushed is
    /// gone). The controller notices only when its session times out.
    pub fn kill_broker(&mut self, broker: i32) -> Result<(), ApiError> {
        self.require_running(broker)?;
        self.shut_down_broker(broker, BrokerState::Crashed);
        self.update_active_controller();
        Ok(())
    }

    /// `broker start`: the broker loads its logs (recovering them after a crash), registers,
    /// and is unfenced; partitions waiting for it get their leader back.
    pub fn start_broker(&mut self, broker: i32) -> Result<super::runtime::BrokerStart, ApiError> {
        let state = self
            .broker(broker)
            .map(|b| b.state)
            .ok_or_else(|| unknown_broker(broker))?;
        if state == BrokerState::Running {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("Broker {broker} is already running."),
            ));
        }
        let start = self.reload_broker(broker);
        *self
            .controller_mut()
            .incarnations
            .entry(broker)
            .or_default() += 1;
        self.mark_metadata_dirty();
        self.restart_quorum_node(broker);
        self.update_active_controller();
        // ReplicationControlManager.handleBrokerUncleanShutdown (KIP-966): a broker that comes
        // back from a crash before its session expired re-registers with a new epoch and is
        // first taken out of every ISR — its log may have lost what the ISR promised.
        // (So is one whose crash no controller has heard of yet: it stopped again unregistered.)
        let unclean = state == BrokerState::Crashed
            || self.controller_mut().pending_registration.remove(&broker);
        if unclean {
            if self.controller().active.is_some() {
                self.fence(broker, FenceReason::UncleanShutdown);
            } else {
                self.controller_mut().pending_registration.insert(broker);
            }
        }
        if self.controller().active.is_some() {
            self.unfence(broker);
        }
        // Elections may wait for a controller that came back with this broker.
        self.run_controller_membership();
        Ok(start)
    }

    /// Heartbeats of every reachable broker, at once (after a start or a heal).
    pub(crate) fn run_controller_membership(&mut self) {
        self.update_active_controller();
        let Some(active) = self.controller().active else {
            return;
        };
        self.register_pending_brokers();
        self.count_heartbeats(active);
        self.elect_leaderless();
        self.sync_replication();
    }

    fn require_running(&self, broker: i32) -> Result<(), ApiError> {
        match self.broker(broker).map(|b| b.state) {
            None => Err(unknown_broker(broker)),
            Some(BrokerState::Running) => Ok(()),
            Some(state) => Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("Broker {broker} is {}.", state.name()),
            )),
        }
    }
}

fn unknown_broker(broker: i32) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidRequest,
        format!("There is no broker {broker} in this cluster."),
    )
}
