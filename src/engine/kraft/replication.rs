//! The metadata log moving from the leader to everyone else (`KafkaRaftClient`'s fetch path):
//! followers and observers fetch from where their log ends, sending the epoch of their last
//! batch; the leader answers with records, or with where their log diverged (they truncate and
//! fetch again), or holds a caught-up fetch for up to `MaxWaitMs`. The leader's high watermark
//! is the largest offset a majority of voters has, once its own epoch's first record is among
//! them; a follower's is the leader's, capped at its own log end. Every node replays what is
//! committed into its image.

use super::messages::{RaftFetch, RaftFetchResponse, RaftMessage};
use super::{metadata_log, Role};
use crate::engine::cluster::Cluster;
use crate::engine::error::ErrorCode;
use crate::engine::scheduler::Task;

/// The most a fetch returns (`KafkaRaftClient`'s `MAX_FETCH_SIZE_BYTES`, 8 MiB).
const MAX_FETCH_BYTES: i32 = 8 * 1024 * 1024;

impl Cluster {
    /// `node` sends its next fetch to the leader it knows (an observer without one asks a voter).
    pub(crate) fn send_raft_fetch(&mut self, node: i32) {
        let running = self.broker(node).is_some_and(|b| b.is_running());
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if !running || n.fetch_in_flight.is_some() || matches!(n.role, Role::Leader(_)) {
            return;
        }
        let Some(leader) = n.leader_id.or_else(|| (!n.voter).then_some(1)) else {
            return;
        };
        let request = RaftFetch {
            request_id: 0,
            replica_id: node,
            epoch: n.epoch,
            fetch_offset: n.log.log_end_offset(),
            last_fetched_epoch: n.log.leader_epochs().latest_epoch().unwrap_or(-1),
            high_watermark: n.high_watermark,
        };
        let request_id = self.next_request_id();
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.fetch_in_flight = Some(request_id);
        }
        self.send_raft(
            node,
            leader,
            RaftMessage::Fetch(RaftFetch {
                request_id,
                ..request
            }),
        );
    }

    /// The leader answers a fetch, or holds it when there is nothing new.
    pub(crate) fn handle_raft_fetch(&mut self, node: i32, fetch: RaftFetch) {
        let now = self.now().as_millis();
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let epoch = n.epoch;
        if !matches!(n.role, Role::Leader(_)) || fetch.epoch != epoch {
            let error = if fetch.epoch > epoch {
                ErrorCode::UnknownLeaderEpoch
            } else if fetch.epoch < epoch {
                ErrorCode::FencedLeaderEpoch
            } else {
                ErrorCode::NotLeaderOrFollower
            };
            let response = self.raft_fetch_error(node, &fetch, error);
            self.send_raft(node, fetch.replica_id, RaftMessage::FetchResponse(response));
            return;
        }
        // Divergence: the fetcher's last epoch ends earlier here, or is not ours at all.
        let leo = n.log.log_end_offset();
        if fetch.last_fetched_epoch >= 0 {
            let (end_epoch, end_offset) = n
                .log
                .leader_epochs()
                .end_offset_for(fetch.last_fetched_epoch, leo);
            if end_epoch != fetch.last_fetched_epoch || end_offset < fetch.fetch_offset {
                let mut response = self.raft_fetch_error(node, &fetch, ErrorCode::None);
                response.diverging_epoch = Some((end_epoch, end_offset));
                self.send_raft(node, fetch.replica_id, RaftMessage::FetchResponse(response));
                return;
            }
        }
        if let Some(Role::Leader(state)) = self.quorum_mut().node_mut(node).map(|n| &mut n.role) {
            state
                .end_offsets
                .insert(fetch.replica_id, fetch.fetch_offset);
            state.last_fetch_ms.insert(fetch.replica_id, now);
            if fetch.fetch_offset >= leo {
                state.last_caught_up_ms.insert(fetch.replica_id, now);
            }
        }
        self.update_raft_high_watermark(node);
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        // KafkaRaftClient.handleFetchRequest replies at once with records, an error, a
        // divergence, or a high watermark the fetcher has not seen (isHighWatermarkUpdated).
        let caught_up = fetch.fetch_offset >= n.log.log_end_offset();
        let knows_high_watermark = fetch.high_watermark >= n.high_watermark;
        if caught_up && knows_high_watermark {
            // Held until new records or a new high watermark, or MaxWaitMs.
            let wait = self.quorum().settings.fetch_max_wait_ms;
            if let Some(Role::Leader(state)) = self.quorum_mut().node_mut(node).map(|n| &mut n.role)
            {
                state.parked.insert(fetch.replica_id, fetch.clone());
            }
            self.schedule_in(
                wait,
                Task::RaftFetchExpiry {
                    leader: node,
                    replica: fetch.replica_id,
                    request_id: fetch.request_id,
                },
            );
            return;
        }
        self.answer_raft_fetch(node, &fetch);
    }

    fn raft_fetch_error(
        &self,
        node: i32,
        fetch: &RaftFetch,
        error: ErrorCode,
    ) -> RaftFetchResponse {
        let n = self.quorum().node(node);
        RaftFetchResponse {
            request_id: fetch.request_id,
            error,
            epoch: n.map_or(0, |n| n.epoch),
            leader_id: n.and_then(|n| n.leader_id),
            high_watermark: n.map_or(0, |n| n.high_watermark),
            diverging_epoch: None,
            records: Vec::new(),
        }
    }

    /// Answers a fetch with what the leader's log holds from its offset.
    fn answer_raft_fetch(&mut self, node: i32, fetch: &RaftFetch) {
        let Some(broker) = self.broker(node) else {
            return;
        };
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let records = n
            .log
            .read(
                &broker.store,
                fetch.fetch_offset,
                MAX_FETCH_BYTES,
                n.log.log_end_offset(),
            )
            .map(|f| f.bytes)
            .unwrap_or_default();
        let mut response = self.raft_fetch_error(node, fetch, ErrorCode::None);
        response.records = records;
        self.send_raft(node, fetch.replica_id, RaftMessage::FetchResponse(response));
    }

    /// A held fetch's `MaxWaitMs` ran out: it is answered (empty, or with what arrived).
    pub(crate) fn run_raft_fetch_expiry(&mut self, leader: i32, replica: i32, request_id: u64) {
        let parked = match self.quorum_mut().node_mut(leader).map(|n| &mut n.role) {
            Some(Role::Leader(state)) => match state.parked.get(&replica) {
                Some(f) if f.request_id == request_id => state.parked.remove(&replica),
                _ => None,
            },
            _ => None,
        };
        if let Some(fetch) = parked {
            self.answer_raft_fetch(leader, &fetch);
        }
    }

    /// Answers every held fetch (new records, or a new high watermark).
    pub(crate) fn complete_parked_raft_fetches(&mut self, leader: i32) {
        let parked = match self.quorum_mut().node_mut(leader).map(|n| &mut n.role) {
            Some(Role::Leader(state)) => std::mem::take(&mut state.parked),
            _ => return,
        };
        for fetch in parked.into_values() {
            self.answer_raft_fetch(leader, &fetch);
        }
    }

    /// The leader's high watermark: the largest offset a majority of voters holds, counted
    /// only once it covers this epoch's first record.
    pub(crate) fn update_raft_high_watermark(&mut self, node: i32) {
        let voters = self.quorum().voters.clone();
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let Role::Leader(state) = &n.role else {
            return;
        };
        let mut ends: Vec<i64> = voters
            .iter()
            .map(|&v| {
                if v == node {
                    n.log.log_end_offset()
                } else {
                    state.end_offsets.get(&v).copied().unwrap_or(0)
                }
            })
            .collect();
        ends.sort_unstable_by(|a, b| b.cmp(a));
        let majority_end = ends[voters.len() / 2];
        if majority_end <= state.epoch_start_offset || majority_end <= n.high_watermark {
            return;
        }
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.high_watermark = majority_end;
        }
        self.apply_committed(node);
        self.complete_parked_raft_fetches(node);
    }

    /// A follower or observer takes the leader's answer.
    pub(crate) fn handle_raft_fetch_response(
        &mut self,
        node: i32,
        from: i32,
        response: RaftFetchResponse,
    ) {
        let now = self.now().as_millis();
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if n.fetch_in_flight != Some(response.request_id) {
            return;
        }
        let (my_epoch, voter, known_leader) = (n.epoch, n.voter, n.leader_id);
        if let Some(n) = self.quorum_mut().node_mut(node) {
            n.fetch_in_flight = None;
        }
        if response.error != ErrorCode::None {
            // A leader it did not know (a higher epoch, or another in this one); the leader it
            // fetches from answering that it leads no longer is left to the fetch timer.
            let news = response.epoch > my_epoch || known_leader != response.leader_id;
            match response.leader_id {
                Some(leader) if news && response.epoch >= my_epoch && leader != node => {
                    self.become_follower(node, response.epoch, leader)
                }
                _ if !voter => self.observer_lost_leader(node),
                _ => {} // the fetch timer decides
            }
            return;
        }
        if response.epoch > my_epoch {
            self.become_follower(node, response.epoch, from);
            return;
        }
        let fetch_timeout = self.quorum().settings.fetch_timeout_ms;
        let Some(broker) = self.broker_mut(node) else {
            return;
        };
        let mut store = std::mem::take(&mut broker.store);
        if let Some(n) = self.quorum_mut().node_mut(node) {
            if let Some((_, end_offset)) = response.diverging_epoch {
                let target = end_offset.min(n.log.log_end_offset());
                n.log.truncate_to(&mut store, target, 0, now);
                n.high_watermark = n.high_watermark.min(target);
            } else {
                metadata_log::append_fetched(&mut n.log, &mut store, &response.records, now);
                let hw = response.high_watermark.min(n.log.log_end_offset());
                n.high_watermark = n.high_watermark.max(hw);
            }
            n.leader_id = Some(from);
        }
        if let Some(broker) = self.broker_mut(node) {
            broker.store = store;
        }
        self.apply_committed(node);
        self.set_raft_timer(node, fetch_timeout);
        self.send_raft_fetch(node);
    }

    /// An observer lost its leader: it asks the voters in turn until one answers with a leader.
    pub(crate) fn observer_lost_leader(&mut self, node: i32) {
        let voters = self.quorum().voters.clone();
        let fetch_timeout = self.quorum().settings.fetch_timeout_ms;
        let Some(n) = self.quorum_mut().node_mut(node) else {
            return;
        };
        let next = n
            .leader_id
            .and_then(|l| voters.iter().position(|&v| v == l))
            .map_or(voters[0], |i| voters[(i + 1) % voters.len()]);
        n.leader_id = Some(next);
        n.role = Role::Follower;
        n.fetch_in_flight = None;
        self.set_raft_timer(node, fetch_timeout);
        self.send_raft_fetch(node);
    }
}
