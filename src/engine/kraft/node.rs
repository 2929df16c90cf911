//! A quorum node as a process: the messages it receives, and what stopping, crashing and
//! starting do to its quorum state. The epoch, the vote and the log survive (they are in
//! `quorum-state` and the flushed log); the role, the known leader and fetches in flight don't.

use super::messages::RaftMessage;
use super::Role;
use crate::engine::cluster::Cluster;

impl Cluster {
    /// A quorum message arrives at `to`.
    pub(crate) fn deliver_raft(&mut self, to: i32, from: i32, message: RaftMessage) {
        match message {
            RaftMessage::Vote(request) => self.handle_vote(to, request),
            RaftMessage::VoteResponse(response) => self.handle_vote_response(to, from, response),
            RaftMessage::BeginQuorumEpoch { epoch, leader_id } => {
                self.handle_begin_quorum_epoch(to, epoch, leader_id)
            }
            RaftMessage::EndQuorumEpoch { epoch, leader_id } => {
                self.handle_end_quorum_epoch(to, epoch, leader_id)
            }
            RaftMessage::EndQuorumEpochResponse { epoch, leader_id } => {
                self.learn_newer_epoch(to, epoch, leader_id)
            }
            RaftMessage::Fetch(fetch) => self.handle_raft_fetch(to, fetch),
            RaftMessage::FetchResponse(response) => {
                self.handle_raft_fetch_response(to, from, response)
            }
        }
    }

    /// `node` goes down. A leader stopping cleanly resigns first (`EndQuorumEpoch`), so the
    /// others elect at once instead of waiting out their fetch timeout.
    pub(crate) fn stop_quorum_node(&mut self, node: i32, graceful: bool) {
        let leading = self
            .quorum()
            .node(node)
            .is_some_and(|n| matches!(n.role, Role::Leader(_)));
        if leading && graceful {
            self.resign(node);
        }
        for n in self.quorum_mut().nodes.values_mut() {
            if let Role::Leader(state) = &mut n.role {
                state.parked.remove(&node);
            }
        }
        // The known leader stays: it is in `quorum-state`, and a leader coming back must know
        // it led.
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.role = Role::Unattached;
            n.fetch_in_flight = None;
        }
        self.update_active_controller();
    }

    /// `node` starts again: resigned if it was the leader, else it follows the leader its
    /// `quorum-state` names, or waits out an election timeout.
    pub(crate) fn restart_quorum_node(&mut self, node: i32) {
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let (epoch, voter) = (n.epoch, n.voter);
        if voter && n.leader_id == Some(node) {
            // QuorumState.initialize: a leader that restarts is resigned in its epoch (it must
            // not vote in it, and what it lost unflushed may not come back under the same
            // epoch), and tells the others to elect.
            self.resign(node);
            return;
        }
        let leader = self
            .quorum()
            .leader()
            .filter(|l| l.epoch >= epoch && l.id != node)
            .map(|l| (l.epoch, l.id));
        match leader {
            // It learns the current leader from its first fetch's answer (modelled by asking the
            // leader that node's quorum-state or a voter would point it to).
            Some((epoch, leader)) => self.become_follower(node, epoch, leader),
            None if voter => {
                let timeout = self.quorum_mut().random_election_timeout();
                if let Some(n) = self.quorum_mut().node_mut(node) {
                    n.role = Role::Unattached;
                }
                self.set_raft_timer(node, timeout);
            }
            None => self.observer_lost_leader(node),
        }
    }
}
