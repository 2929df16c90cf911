//! The quorum's part in skipping idle time (`engine::replication::quiescence`): a settled
//! quorum — one leader, everyone else following it, caught up, its fetch held by the leader,
//! nothing uncommitted or unjournaled — only repeats fetches that change nothing. A jump
//! leaves what those rounds would have left: every fetch received again at the new time.

use super::Role;
use crate::engine::cluster::Cluster;
use crate::engine::scheduler::Task;

impl Cluster {
    /// Whether the quorum is settled (above).
    pub(crate) fn quorum_is_settled(&self) -> bool {
        let quorum = self.quorum();
        let Some(leader) = quorum.leader() else {
            return false;
        };
        let Role::Leader(state) = &leader.role else {
            return false;
        };
        if quorum.dirty
            || self.active_controller() != Some(leader.id)
            || leader.high_watermark != leader.log.log_end_offset()
        {
            return false;
        }
        quorum
            .nodes
            .values()
            .filter(|n| n.id != leader.id)
            .all(|n| {
                let running = self.broker(n.id).is_some_and(|b| b.is_running());
                !running
                    || (matches!(n.role, Role::Follower)
                        && n.leader_id == Some(leader.id)
                        && n.epoch == leader.epoch
                        && n.log.log_end_offset() == leader.log.log_end_offset()
                        && n.high_watermark == leader.high_watermark
                        && n.fetch_in_flight.is_some_and(|id| {
                            state.parked.get(&n.id).is_some_and(|f| f.request_id == id)
                        }))
            })
    }

    /// After a jump to `to` (the quorum's timers were dropped as idle): every held fetch
    /// arrives again now, so every timer starts from now.
    pub(crate) fn rearm_quorum_after_jump(&mut self, to: i64) {
        let settings = self.quorum().settings;
        let Some(leader) = self.quorum().leader().map(|n| n.id) else {
            return;
        };
        let mut parked = Vec::new();
        if let Some(Role::Leader(state)) = self.quorum_mut().node_mut(leader).map(|n| &mut n.role) {
            for (&replica, fetch) in &state.parked {
                parked.push((replica, fetch.request_id));
            }
            for last in state.last_fetch_ms.values_mut() {
                *last = to;
            }
            for last in state.last_caught_up_ms.values_mut() {
                *last = to;
            }
        }
        let ids: Vec<i32> = self.quorum().nodes.keys().copied().collect();
        for id in ids {
            let running = self.broker(id).is_some_and(|b| b.is_running());
            if !running {
                continue;
            }
            if id == leader {
                self.set_raft_timer(id, settings.fetch_timeout_ms * 3 / 2);
            } else {
                self.set_raft_timer(id, settings.fetch_timeout_ms);
            }
        }
        for (replica, request_id) in parked {
            self.schedule_in(
                settings.fetch_max_wait_ms,
                Task::RaftFetchExpiry {
                    leader,
                    replica,
                    request_id,
                },
            );
        }
    }
}
