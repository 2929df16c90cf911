//! Skipping idle replication in simulated time. A replicated cluster with nothing to do still
//! talks: every follower's fetch is held by its leader for `replica.fetch.wait.max.ms`, answered
//! empty and sent again; the controller counts heartbeats every `broker.heartbeat.interval.ms`;
//! leaders check their ISRs every `replica.lag.time.max.ms / 2`. None of it changes anything
//! while every follower is caught up and every broker is where the controller thinks it is —
//! but a week of it is millions of steps.
//!
//! When the cluster is *quiescent* (below), [`Cluster::fast_forward_idle`] moves the clock
//! straight to the next job that can change something, leaving the state those idle rounds
//! would have left: each held fetch received again at the new time (so followers stay caught
//! up), heartbeats counted at the last tick, the periodic jobs keeping their phase. The result is
//! deterministic; the held fetches' phase restarts at the jump.

use super::BrokerState;
use crate::engine::cluster::Cluster;
use crate::engine::scheduler::Task;

/// The jobs of idle chatter: due, but changing nothing while the cluster is quiescent.
fn is_idle(task: &Task) -> bool {
    matches!(
        task,
        Task::ParkedFetchExpiry { .. }
            | Task::ControllerTick
            | Task::IsrExpiration { .. }
            | Task::ReplicaFetchTimeout { .. }
            | Task::RaftTimer { .. }
            | Task::RaftFetchExpiry { .. }
    )
}

/// Don't bother for less than this: a few rounds run as they are.
const MIN_SKIP_MS: i64 = 5_000;

impl Cluster {
    /// Jumps to the next busy job (or `limit_ms`) when nothing but idle chatter happens before
    /// it. Returns whether it jumped.
    pub(crate) fn fast_forward_idle(&mut self, limit_ms: i64) -> bool {
        // Runs before every step: the cheap signs of a busy cluster (messages in flight, a
        // producer) first, then the next busy job (a walk of the scheduler's heap), and only
        // then the full check.
        if self.network().next_delivery().is_some() || !self.background_producers().is_empty() {
            return false;
        }
        let now = self.now().as_millis();
        let next_busy = self
            .scheduler()
            .next_due_of(|task| !is_idle(task))
            .map_or(limit_ms, |due| due.min(limit_ms));
        if next_busy - now < MIN_SKIP_MS || !self.is_quiescent() {
            return false;
        }
        // Stop just before the busy job, so it still runs at its own time after the jump.
        self.jump_idle_to(next_busy - 1);
        true
    }

    /// Nothing in flight, no producer, every fetch held by its leader and caught up, every ISR
    /// member fetching, and the controller's view of every broker right.
    fn is_quiescent(&self) -> bool {
        if self.network().next_delivery().is_some() || !self.background_producers().is_empty() {
            return false;
        }
        self.fetchers_are_parked_and_caught_up()
            && self.controller_is_settled()
            && self.quorum_is_settled()
    }

    fn fetchers_are_parked_and_caught_up(&self) -> bool {
        for follower in self.brokers().filter(|b| b.is_running()) {
            for (&leader, fetcher) in &follower.replica.fetchers {
                let Some(id) = fetcher.in_flight else {
                    return false;
                };
                let Some(parked) = self
                    .broker(leader)
                    .filter(|b| b.is_running())
                    .and_then(|b| b.replica.parked.get(&id))
                else {
                    return false;
                };
                for fetch in &parked.request.partitions {
                    let (Some(info), Some(theirs), Some(mine)) = (
                        self.partition_info(&fetch.topic, fetch.partition),
                        self.broker(leader)
                            .and_then(|b| b.log(&fetch.topic, fetch.partition)),
                        follower.log(&fetch.topic, fetch.partition),
                    ) else {
                        return false;
                    };
                    let in_sync =
                        info.isr.contains(&follower.node_id) || !self.is_unfenced(follower.node_id);
                    let settled = info.leader == Some(leader)
                        && info.leader_epoch == fetch.current_leader_epoch
                        && fetch.fetch_offset == theirs.log_end_offset()
                        && mine.log_end_offset() == fetch.fetch_offset
                        && mine.high_watermark() == theirs.high_watermark()
                        && mine.log_start_offset() == theirs.log_start_offset()
                        && in_sync;
                    if !settled {
                        return false;
                    }
                }
            }
        }
        // Every ISR member of every led partition is among those held fetches.
        self.brokers().filter(|b| b.is_running()).all(|leader| {
            leader.replica.led.keys().all(|(topic, partition)| {
                self.partition_info(topic, partition).is_some_and(|info| {
                    info.isr.iter().filter(|&&m| m != leader.node_id).all(|&m| {
                        leader.replica.parked.values().any(|p| {
                            p.follower == m
                                && p.request
                                    .partitions
                                    .iter()
                                    .any(|f| &*f.topic == topic && f.partition == partition)
                        })
                    })
                })
            })
        })
    }

    /// The next controller tick would fence and unfence no one and keep the same controller.
    fn controller_is_settled(&self) -> bool {
        let active = self.controller().active;
        if self.choose_active_controller() != active {
            return false;
        }
        let Some(active) = active else {
            return true;
        };
        self.brokers().all(|b| {
            let reachable = self.reachable(b.node_id, active);
            if reachable {
                b.state != BrokerState::Running || self.is_unfenced(b.node_id)
            } else {
                !self.is_unfenced(b.node_id)
            }
        })
    }

    /// Moves the clock to `to`, leaving what the idle rounds up to it would have left.
    fn jump_idle_to(&mut self, to: i64) {
        let settings = self.replication_settings();
        let idle: Vec<(i64, Task)> = self
            .scheduler()
            .pending()
            .filter(|(_, task)| is_idle(task))
            .map(|(due, task)| (due, task.clone()))
            .collect();
        self.scheduler_mut().retain(|task| !is_idle(task));
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in &ids {
            if let Some(node) = self.broker_mut(*id) {
                for fetcher in node.replica.fetchers.values_mut() {
                    fetcher.timeout_scheduled = false;
                }
            }
        }
        let mut last_tick = None;
        for (due, task) in idle {
            let period = match task {
                Task::ControllerTick => settings.broker_heartbeat_interval_ms,
                Task::IsrExpiration { .. } => settings.replica_lag_time_max_ms / 2,
                // Held fetches and their timeouts restart at the jump, below.
                _ => continue,
            };
            let next = if due > to {
                due
            } else {
                due + ((to - due) / period.max(1) + 1) * period.max(1)
            };
            if task == Task::ControllerTick {
                last_tick = Some(next - period);
            }
            self.scheduler_mut().schedule(next, task);
        }
        self.clock_advance_to(to);
        self.rearm_quorum_after_jump(to);
        // Heartbeats as counted at the last tick before the jump.
        if let (Some(tick), Some(active)) = (last_tick, self.controller().active) {
            let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
            for id in ids {
                if self.reachable(id, active) && tick <= to {
                    self.controller_mut().last_heartbeat_ms.insert(id, tick);
                }
            }
        }
        // Each held fetch received again now: followers caught up now, deadline from now.
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for leader in ids {
            let Some(node) = self.broker_mut(leader) else {
                continue;
            };
            let mut expiries = Vec::new();
            for (&request_id, parked) in node.replica.parked.iter_mut() {
                parked.deadline_ms = to + settings.replica_fetch_wait_max_ms;
                expiries.push((request_id, parked.follower));
            }
            for led in node.replica.led.values_mut() {
                for (follower, state) in led.followers.iter_mut() {
                    if expiries.iter().any(|&(_, f)| f == *follower) {
                        state.last_fetch_ms = to;
                        state.last_caught_up_ms = to;
                    }
                }
            }
            for (request_id, follower) in expiries {
                self.schedule_in(
                    settings.replica_fetch_wait_max_ms,
                    Task::ParkedFetchExpiry {
                        broker: leader,
                        request_id,
                    },
                );
                if let Some(fetcher) = self
                    .broker_mut(follower)
                    .and_then(|b| b.replica.fetchers.get_mut(&leader))
                {
                    fetcher.sent_ms = to;
                    fetcher.timeout_scheduled = true;
                }
                self.schedule_in(
                    settings.replica_socket_timeout_ms,
                    Task::ReplicaFetchTimeout {
                        broker: follower,
                        leader,
                    },
                );
            }
        }
    }
}
