//! A quorum node's role and how it changes (`KafkaRaftClient`, `QuorumState`, KIP-595 with
//! KIP-996's pre-vote):
//!
//! - a follower that hears nothing from its leader for `controller.quorum.fetch.timeout.ms`,
//!   and a voter that knows no leader when its election timer runs out, becomes *prospective*
//!   and asks the other voters for pre-votes (no epoch is bumped: a node cut off from the others
//!   cannot disturb them when it comes back);
//! - with a majority of pre-votes it becomes a *candidate*: epoch + 1, a vote for itself, and
//!   real votes asked; a majority makes it *leader*, which writes a `LeaderChangeMessage` and
//!   tells the voters (`BeginQuorumEpoch`);
//! - a voter grants one vote per epoch, to a candidate whose log is at least as up to date as
//!   its own; it refuses pre-votes while it still hears from a leader;
//! - a lost or timed-out election is retried after a random backoff;
//! - a leader that has not been fetched from by a majority within 1.5 × the fetch timeout
//!   resigns (check-quorum), and one shutting down sends `EndQuorumEpoch` so the others elect
//!   at once.

use super::messages::{RaftMessage, VoteRequest, VoteResponse};
use super::records::LeaderChange;
use super::{metadata_log, LeaderState, Role};
use crate::engine::cluster::Cluster;
use crate::engine::event::EventKind;
use crate::engine::replication::messages::Message;
use crate::engine::scheduler::Task;
use std::collections::BTreeSet;

impl Cluster {
    /// Sends a quorum message over the simulated network.
    pub(crate) fn send_raft(&mut self, from: i32, to: i32, message: RaftMessage) {
        self.send(from, to, Message::Raft(message));
    }

    /// Sets `node`'s timer `delay_ms` from now and schedules its wake.
    pub(crate) fn set_raft_timer(&mut self, node: i32, delay_ms: i64) {
        let deadline = self.now().as_millis() + delay_ms;
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.deadline_ms = deadline;
        }
        self.schedule_in(delay_ms, Task::RaftTimer { node });
    }

    /// A node's timer fired: what runs out depends on its role.
    pub(crate) fn run_raft_timer(&mut self, node: i32) {
        let now = self.now().as_millis();
        let running = self.broker(node).is_some_and(|b| b.is_running());
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if !running || n.deadline_ms > now {
            return; // an older timer, superseded
        }
        let voter = n.voter;
        let known_leader = n.leader_id.filter(|&l| l != node);
        match (&n.role, known_leader) {
            (Role::Leader(_), _) => self.check_quorum(node),
            (Role::Follower, _) if !voter => self.observer_lost_leader(node),
            // KIP-996: a prospective node that lost its election and knew a leader follows it
            // again (it may be reachable now); one that knew none tries again.
            (Role::Prospective { .. }, Some(leader)) => {
                let epoch = n.epoch;
                self.become_follower(node, epoch, leader)
            }
            _ if voter => self.become_prospective(node),
            _ => self.observer_lost_leader(node),
        }
    }

    /// Saves `node`'s epoch, vote and leader to its `quorum-state` file.
    pub(crate) fn write_quorum_state(&mut self, node: i32) {
        let voters = self.quorum().voters.clone();
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let text = metadata_log::quorum_state_text(n.leader_id, n.epoch, n.voted_id, &voters);
        if let Some(broker) = self.broker_mut(node) {
            broker
                .store
                .replace(&metadata_log::quorum_state_path(), text.as_bytes());
        }
    }

    /// Leaves whatever role `node` had for a new epoch with no leader known yet.
    pub(crate) fn become_unattached(&mut self, node: i32, epoch: i32) {
        let was_leader = self.is_raft_leader(node);
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.epoch = epoch;
            n.voted_id = None;
            n.leader_id = None;
            n.role = Role::Unattached;
            n.fetch_in_flight = None;
        }
        self.write_quorum_state(node);
        let timeout = self.quorum_mut().random_election_timeout();
        self.set_raft_timer(node, timeout);
        if was_leader {
            self.update_active_controller();
        }
    }

    /// `node` follows `leader` in `epoch` and starts fetching from it.
    pub(crate) fn become_follower(&mut self, node: i32, epoch: i32, leader: i32) {
        let was_leader = self.is_raft_leader(node);
        let fetch_timeout = self.quorum().settings.fetch_timeout_ms;
        if let Some(n) = self.quorum_mut().node_mut(node) {
            if epoch > n.epoch {
                n.voted_id = None;
            }
            n.epoch = epoch;
            n.leader_id = Some(leader);
            n.role = Role::Follower;
            n.fetch_in_flight = None;
        }
        self.write_quorum_state(node);
        self.set_raft_timer(node, fetch_timeout);
        if was_leader {
            self.update_active_controller();
        }
        self.send_raft_fetch(node);
    }

    fn is_raft_leader(&self, node: i32) -> bool {
        self.quorum()
            .node(node)
            .is_some_and(|n| matches!(n.role, Role::Leader(_)))
    }

    /// The last epoch in `node`'s log and its end offset, for votes.
    fn last_epoch_and_offset(&self, node: i32) -> (i32, i64) {
        self.quorum().node(node).map_or((-1, 0), |n| {
            (
                n.log.leader_epochs().latest_epoch().unwrap_or(-1),
                n.log.log_end_offset(),
            )
        })
    }

    /// Asks every other voter for a pre-vote (or wins at once when it is the only voter).
    pub(crate) fn become_prospective(&mut self, node: i32) {
        let timeout = self.quorum_mut().random_election_timeout();
        let Some(n) = self.quorum_mut().node_mut(node) else {
            return;
        };
        // The leader it lost stays known (`ProspectiveState`'s leader): answers naming it do not
        // make it follow that leader again before its election is over.
        n.role = Role::Prospective {
            granted: BTreeSet::from([node]),
        };
        n.fetch_in_flight = None;
        let epoch = n.epoch;
        self.emit(EventKind::QuorumElection {
            node,
            epoch,
            role: "Prospective",
        });
        self.set_raft_timer(node, timeout);
        self.ask_for_votes(node, epoch, true);
        self.maybe_won_votes(node);
    }

    fn become_candidate(&mut self, node: i32) {
        let timeout = self.quorum_mut().random_election_timeout();
        let Some(n) = self.quorum_mut().node_mut(node) else {
            return;
        };
        n.epoch += 1;
        n.voted_id = Some(node);
        n.leader_id = None;
        n.role = Role::Candidate {
            granted: BTreeSet::from([node]),
        };
        let epoch = n.epoch;
        self.write_quorum_state(node);
        self.emit(EventKind::QuorumElection {
            node,
            epoch,
            role: "Candidate",
        });
        self.set_raft_timer(node, timeout);
        self.ask_for_votes(node, epoch, false);
        self.maybe_won_votes(node);
    }

    fn ask_for_votes(&mut self, node: i32, epoch: i32, pre_vote: bool) {
        let (last_offset_epoch, last_offset) = self.last_epoch_and_offset(node);
        let voters: Vec<i32> = self.quorum().voters.clone();
        for voter in voters.into_iter().filter(|&v| v != node) {
            let request = VoteRequest {
                epoch,
                candidate_id: node,
                last_offset_epoch,
                last_offset,
                pre_vote,
            };
            self.send_raft(node, voter, RaftMessage::Vote(request));
        }
    }

    /// A voter answers a (pre-)vote request.
    pub(crate) fn handle_vote(&mut self, node: i32, request: VoteRequest) {
        let now = self.now().as_millis();
        let (my_epoch_offset, my_offset) = self.last_epoch_and_offset(node);
        let log_ok =
            (request.last_offset_epoch, request.last_offset) >= (my_epoch_offset, my_offset);
        if !request.pre_vote && request.epoch > self.quorum().node(node).map_or(0, |n| n.epoch) {
            self.become_unattached(node, request.epoch);
        }
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let granted = if request.epoch < n.epoch || !n.voter || n.role == Role::Resigned {
            false // ResignedState: it led this epoch, it votes for no one in it
        } else if request.pre_vote {
            // KIP-996: a voter still hearing from its leader (or leading) refuses.
            let has_leader = match n.role {
                Role::Leader(_) => true,
                Role::Follower => n.deadline_ms > now,
                _ => false,
            };
            log_ok && !has_leader
        } else {
            let free = n.voted_id.is_none_or(|v| v == request.candidate_id);
            log_ok && free && (n.leader_id.is_none() || matches!(n.role, Role::Prospective { .. }))
        };
        let response = VoteResponse {
            epoch: n.epoch,
            granted,
            pre_vote: request.pre_vote,
            leader_id: n.leader_id,
        };
        if granted && !request.pre_vote {
            if let Some(n) = self.quorum_mut().node_mut(node) {
                n.voted_id = Some(request.candidate_id);
            }
            self.write_quorum_state(node);
            let timeout = self.quorum_mut().random_election_timeout();
            self.set_raft_timer(node, timeout);
        }
        self.send_raft(
            node,
            request.candidate_id,
            RaftMessage::VoteResponse(response),
        );
    }

    /// A prospective or candidate node counts an answer.
    pub(crate) fn handle_vote_response(&mut self, node: i32, from: i32, response: VoteResponse) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if response.epoch > n.epoch {
            return self.learn_newer_epoch(node, response.epoch, response.leader_id);
        }
        let epoch = n.epoch;
        let role_matches = match n.role {
            Role::Prospective { .. } => response.pre_vote,
            Role::Candidate { .. } => !response.pre_vote,
            _ => false,
        };
        if !role_matches || response.epoch != epoch {
            return;
        }
        if !response.granted {
            // KIP-996: a prospective node told of a leader in its epoch follows it.
            // Only a leader it did not know (`!quorum.hasLeader()`): the one it lost contact with
            // is no news, and `node` itself (named by a voter that followed it before `node`
            // restarted) is none.
            if let (Role::Prospective { .. }, Some(leader), None) =
                (&n.role, response.leader_id, n.leader_id)
            {
                if leader != node {
                    self.become_follower(node, epoch, leader);
                }
            }
            return;
        }
        if let Some(n) = self.quorum_mut().node_mut(node) {
            if let Role::Prospective { granted } | Role::Candidate { granted } = &mut n.role {
                granted.insert(from);
            }
        }
        self.maybe_won_votes(node);
    }

    /// Moves on when a majority granted: prospective → candidate → leader.
    fn maybe_won_votes(&mut self, node: i32) {
        let majority = self.quorum().voters.len() / 2 + 1;
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        match &n.role {
            Role::Prospective { granted } if granted.len() >= majority => {
                self.become_candidate(node)
            }
            Role::Candidate { granted } if granted.len() >= majority => self.become_leader(node),
            _ => {}
        }
    }

    /// Won: writes the `LeaderChangeMessage`, tells the voters, takes over as controller.
    fn become_leader(&mut self, node: i32) {
        let now = self.now().as_millis();
        let voters = self.quorum().voters.clone();
        let check = self.quorum().settings.fetch_timeout_ms * 3 / 2;
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let (epoch, granting) = match &n.role {
            Role::Candidate { granted } => (n.epoch, granted.iter().copied().collect()),
            _ => return,
        };
        let change = LeaderChange {
            leader_id: node,
            voters: voters.clone(),
            granting_voters: granting,
        };
        let Some(broker) = self.broker_mut(node) else {
            return;
        };
        let mut store = std::mem::take(&mut broker.store);
        let Some(n) = self.quorum_mut().node_mut(node) else {
            return;
        };
        let start = metadata_log::append_leader_change(&mut n.log, &mut store, epoch, &change, now);
        n.role = Role::Leader(LeaderState {
            epoch_start_offset: start,
            elected_ms: now,
            ..LeaderState::default()
        });
        n.leader_id = Some(node);
        if let Some(broker) = self.broker_mut(node) {
            broker.store = store;
        }
        self.write_quorum_state(node);
        self.set_raft_timer(node, check);
        for voter in voters.into_iter().filter(|&v| v != node) {
            self.send_raft(
                node,
                voter,
                RaftMessage::BeginQuorumEpoch {
                    epoch,
                    leader_id: node,
                },
            );
        }
        self.emit(EventKind::QuorumElection {
            node,
            epoch,
            role: "Leader",
        });
        self.update_raft_high_watermark(node);
        self.take_over_as_controller(node);
    }

    /// Check-quorum: a leader not fetched from by a majority in 1.5 × the fetch timeout resigns.
    fn check_quorum(&mut self, node: i32) {
        let now = self.now().as_millis();
        let settings = self.quorum().settings;
        let window = settings.fetch_timeout_ms * 3 / 2;
        let voters = self.quorum().voters.clone();
        let Some(Role::Leader(state)) = self.quorum().node(node).map(|n| &n.role) else {
            return;
        };
        // A voter not heard from yet counts from the election (`LeaderState.checkQuorumTimer`).
        let mut heard: Vec<i64> = voters
            .iter()
            .filter(|&&v| v != node)
            .map(|v| {
                state
                    .last_fetch_ms
                    .get(v)
                    .copied()
                    .unwrap_or(state.elected_ms)
            })
            .filter(|&t| now - t < window)
            .collect();
        let needed = voters.len() / 2; // followers besides the leader itself
        if heard.len() >= needed {
            // Check again when the majority would lapse: the needed-th freshest fetch runs out.
            heard.sort_unstable_by(|a, b| b.cmp(a));
            let lapse = heard.get(needed.saturating_sub(1)).copied().unwrap_or(now);
            self.set_raft_timer(node, (lapse + window - now).clamp(1, window));
            return;
        }
        self.resign(node);
    }

    /// The leader gives up its epoch: it tells the voters, stops leading and waits for the
    /// election it leaves to the others.
    pub(crate) fn resign(&mut self, node: i32) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let epoch = n.epoch;
        let voters = self.quorum().voters.clone();
        for voter in voters.into_iter().filter(|&v| v != node) {
            self.send_raft(
                node,
                voter,
                RaftMessage::EndQuorumEpoch {
                    epoch,
                    leader_id: node,
                },
            );
        }
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.role = Role::Resigned;
        }
        self.emit(EventKind::QuorumElection {
            node,
            epoch,
            role: "Resigned",
        });
        let timeout = self.quorum_mut().random_election_timeout();
        self.set_raft_timer(node, timeout);
        self.update_active_controller();
    }

    /// A new leader announced its epoch.
    pub(crate) fn handle_begin_quorum_epoch(&mut self, node: i32, epoch: i32, leader: i32) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if epoch >= n.epoch && !(epoch == n.epoch && n.leader_id == Some(leader)) {
            self.become_follower(node, epoch, leader);
        }
    }

    /// The leader resigned: elect soon, after a short random backoff.
    pub(crate) fn handle_end_quorum_epoch(&mut self, node: i32, epoch: i32, leader: i32) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if epoch < n.epoch {
            // A leader from an older epoch (restarted and resigned): it learns the current
            // leader from the answer instead of waiting out an election timeout.
            let response = RaftMessage::EndQuorumEpochResponse {
                epoch: n.epoch,
                leader_id: n.leader_id,
            };
            self.send_raft(node, leader, response);
            return;
        }
        if n.epoch != epoch || n.leader_id != Some(leader) || !n.voter {
            return;
        }
        // FollowerState.overrideFetchTimeout: still following, but the fetch timer runs out
        // after a short random backoff instead of the fetch timeout.
        let backoff = self.quorum_mut().random_backoff(1);
        self.set_raft_timer(node, backoff.max(1));
    }

    /// Told of a higher epoch (and maybe its leader) in an answer: follow that leader, or wait
    /// unattached in that epoch (`KafkaRaftClient.maybeTransition`).
    pub(crate) fn learn_newer_epoch(&mut self, node: i32, epoch: i32, leader: Option<i32>) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if epoch <= n.epoch {
            return;
        }
        match leader.filter(|&l| l != node) {
            Some(leader) => self.become_follower(node, epoch, leader),
            None => self.become_unattached(node, epoch),
        }
    }
}
