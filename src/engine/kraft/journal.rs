//! The active controller's decisions as metadata records, and every node's image built from
//! what is committed (`QuorumController` writing through the Raft client, `MetadataLoader`
//! replaying on each node).
//!
//! The controller's tables (topics, partitions, configs, fencing) are its in-memory state, as
//! `QuorumController`'s are: a decision changes them at once and is written to the log as the
//! records [`image::diff`] finds between what was journaled and the tables. A new leader starts
//! from the image of its own log and writes what the tables hold beyond it — a decision its
//! predecessor made but could not commit is made again (docs/DEPARTURES.md).

use super::image::{self, BrokerRegistration, MetadataImage, METADATA_VERSION_LEVEL};
use super::records::{LeaderChange, CONFIG_RESOURCE_TOPIC};
use super::restore::quorum_seed;
use super::snapshot::{self, SnapshotState};
use super::{metadata_log, LeaderState, Quorum, QuorumNode, QuorumSettings, Role};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::ids::Uuid;
use crate::engine::rng::Rng;
use std::collections::BTreeMap;

impl Cluster {
    /// What the controller's tables say, as an image (broker epochs left at -1).
    pub fn controller_view(&self) -> MetadataImage {
        let mut view = MetadataImage::default();
        view.features
            .insert("metadata.version".to_string(), METADATA_VERSION_LEVEL);
        for broker in self.brokers() {
            let id = broker.node_id;
            let incarnation = self
                .controller()
                .incarnations
                .get(&id)
                .copied()
                .unwrap_or(0);
            view.brokers.insert(
                id,
                BrokerRegistration {
                    incarnation_id: incarnation_id(id, incarnation),
                    epoch: -1,
                    fenced: !self.is_unfenced(id),
                },
            );
        }
        for topic in self.topics() {
            view.topics.insert(topic.id, image::topic_image(topic));
            if !topic.configs.is_empty() {
                view.configs.insert(
                    (CONFIG_RESOURCE_TOPIC, topic.name.clone()),
                    topic.configs.clone(),
                );
            }
        }
        let dynamic_default = &self.broker_configs().dynamic_default;
        if !dynamic_default.is_empty() {
            view.configs
                .insert(image::broker_config_key(None), dynamic_default.clone());
        }
        for (&id, configs) in self.broker_dynamic_configs() {
            if !configs.is_empty() {
                view.configs
                    .insert(image::broker_config_key(Some(id)), configs.clone());
            }
        }
        let next = self.next_producer_id();
        view.producer_ids_end = if next == 0 {
            0
        } else {
            let block = image::PRODUCER_ID_BLOCK_SIZE;
            (next + block - 1) / block * block
        };
        view
    }

    /// Something the controller decides about changed: the next journal writes it.
    pub(crate) fn mark_metadata_dirty(&mut self) {
        self.quorum_mut().dirty = true;
    }

    /// Writes the controller's decisions since the last journal to the active controller's
    /// log. Without an active controller nothing is written (and nothing was decided).
    pub(crate) fn journal_metadata(&mut self) {
        if !self.quorum().dirty {
            return;
        }
        let Some(leader) = self.active_controller() else {
            return;
        };
        self.quorum_mut().dirty = false;
        let view = self.controller_view();
        let mut records = image::diff(&self.quorum().journaled, &view);
        if records.is_empty() {
            return;
        }
        let next_offset = self
            .quorum()
            .node(leader)
            .map_or(0, |n| n.log.log_end_offset());
        image::stamp_broker_epochs(&mut records, next_offset);
        let now = self.now().as_millis();
        let Some(broker) = self.broker_mut(leader) else {
            return;
        };
        let mut store = std::mem::take(&mut broker.store);
        let quorum = self.quorum_mut();
        let Some(n) = quorum.nodes.get_mut(&leader) else {
            return;
        };
        let base = metadata_log::append_records(&mut n.log, &mut store, n.epoch, &records, now);
        for (offset, record) in (base..).zip(&records) {
            quorum.journaled.replay(offset, record);
        }
        if let Some(broker) = self.broker_mut(leader) {
            broker.store = store;
        }
        self.update_raft_high_watermark(leader);
        self.complete_parked_raft_fetches(leader);
    }

    /// `node` replays what became committed into its image.
    pub(crate) fn apply_committed(&mut self, node: i32) {
        let Some(broker) = self.broker(node) else {
            return;
        };
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        if n.applied_offset >= n.high_watermark {
            return;
        }
        let records =
            metadata_log::read_records(&n.log, &broker.store, n.applied_offset, n.high_watermark);
        let now = self.now().as_millis();
        let Some(n) = self.quorum_mut().node_mut(node) else {
            return;
        };
        for (offset, record) in &records {
            n.image.replay(*offset, record);
            let size = i64::try_from(record.encode().len()).unwrap_or(0);
            n.snapshot.bytes_since += size;
        }
        n.applied_offset = n.high_watermark;
        if !n.snapshot.is_due(now) {
            return;
        }
        // SnapshotGenerator: the image at the committed offset, named by the epoch of the last
        // record it holds.
        let end = n.high_watermark;
        let epoch = n
            .log
            .leader_epochs()
            .entries()
            .iter()
            .rev()
            .find(|&&(_, start)| start < end)
            .map_or(0, |&(epoch, _)| epoch);
        let image = n.image.clone();
        n.snapshot = SnapshotState {
            end_offset: end,
            written_ms: now,
            bytes_since: 0,
        };
        if let Some(broker) = self.broker_mut(node) {
            snapshot::write(&mut broker.store, &image, end, epoch, now);
        }
    }

    /// A new leader becomes the active controller: its image is its whole log, brokers start
    /// new heartbeat sessions (`ClusterControlManager.activate`), and what the tables hold
    /// beyond its log is written.
    pub(crate) fn take_over_as_controller(&mut self, node: i32) {
        let Some(broker) = self.broker(node) else {
            return;
        };
        let Some(n) = self.quorum().node(node) else {
            return;
        };
        let mut journaled = MetadataImage::default();
        for (offset, record) in
            metadata_log::read_records(&n.log, &broker.store, 0, n.log.log_end_offset())
        {
            journaled.replay(offset, &record);
        }
        self.quorum_mut().journaled = journaled;
        self.quorum_mut().dirty = true;
        let now = self.now().as_millis();
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            self.controller_mut().last_heartbeat_ms.insert(id, now);
        }
        // Brokers whose heartbeats to the old controller failed find the new one at once:
        // restarted brokers register, reachable fenced ones are unfenced, leaderless
        // partitions get leaders.
        self.run_controller_membership();
        self.journal_metadata();
    }

    /// Builds the quorum of a cluster whose first election is over: node 1 leads epoch 1 and
    /// every node's log holds the committed bootstrap records. An existing metadata log in a
    /// restored log dir is set aside: this runs only for a new cluster, or one migrated from a
    /// metadata file of version 1 or 2, whose tables are the truth (`Cluster::restore`).
    pub(crate) fn bootstrap_quorum(&mut self) {
        let now = self.now().as_millis();
        let brokers = self.options().brokers.max(1);
        let voters: Vec<i32> = (1..=self.voter_count()).collect();
        let mut nodes = BTreeMap::new();
        for id in 1..=brokers {
            let Some(broker) = self.broker_mut(id) else {
                continue;
            };
            broker.store.delete_dir(&metadata_log::dir());
            let log = metadata_log::create(&mut broker.store, now);
            nodes.insert(
                id,
                QuorumNode {
                    id,
                    voter: voters.contains(&id),
                    epoch: 1,
                    voted_id: None,
                    leader_id: Some(1),
                    role: Role::Follower,
                    high_watermark: 0,
                    deadline_ms: 0,
                    fetch_in_flight: None,
                    log,
                    image: MetadataImage::default(),
                    applied_offset: 0,
                    snapshot: SnapshotState {
                        written_ms: now,
                        ..SnapshotState::default()
                    },
                },
            );
        }
        *self.quorum_mut() = Quorum {
            settings: QuorumSettings::default(),
            voters: voters.clone(),
            nodes,
            journaled: MetadataImage::default(),
            dirty: false,
            rng: Rng::from_seed(quorum_seed(self.options().seed)),
        };
        self.write_bootstrap_log(&voters, now);
        // Registering counts as the first heartbeat (`BrokerHeartbeatManager.register`).
        for id in 1..=brokers {
            self.controller_mut().last_heartbeat_ms.insert(id, now);
        }
        let fetch_timeout = self.quorum().settings.fetch_timeout_ms;
        let check = fetch_timeout * 3 / 2;
        for id in 1..=brokers {
            self.write_quorum_state(id);
            self.set_raft_timer(id, if id == 1 { check } else { fetch_timeout });
            self.send_raft_fetch(id);
        }
    }

    /// Node 1's `LeaderChangeMessage` and the bootstrap records, the same bytes in every log.
    fn write_bootstrap_log(&mut self, voters: &[i32], now: i64) {
        let view = self.controller_view();
        let mut records = image::diff(&MetadataImage::default(), &view);
        // After the one-record LeaderChange batch at offset 0.
        image::stamp_broker_epochs(&mut records, 1);
        let change = LeaderChange {
            leader_id: 1,
            voters: voters.to_vec(),
            granting_voters: voters.to_vec(),
        };
        let Some(broker) = self.broker_mut(1) else {
            return;
        };
        let mut store = std::mem::take(&mut broker.store);
        let mut bytes = Vec::new();
        if let Some(n) = self.quorum_mut().node_mut(1) {
            metadata_log::append_leader_change(&mut n.log, &mut store, 1, &change, now);
            metadata_log::append_records(&mut n.log, &mut store, 1, &records, now);
            bytes = n
                .log
                .read(&store, 0, i32::MAX, n.log.log_end_offset())
                .map(|f| f.bytes)
                .unwrap_or_default();
            n.role = Role::Leader(LeaderState {
                epoch_start_offset: 0,
                elected_ms: now,
                ..LeaderState::default()
            });
        }
        if let Some(broker) = self.broker_mut(1) {
            broker.store = store;
        }
        let ids: Vec<i32> = self.quorum().nodes.keys().copied().collect();
        for id in ids {
            let Some(broker) = self.broker_mut(id) else {
                continue;
            };
            let mut store = std::mem::take(&mut broker.store);
            if let Some(n) = self.quorum_mut().node_mut(id) {
                if id != 1 {
                    metadata_log::append_fetched(&mut n.log, &mut store, &bytes, now);
                }
                n.high_watermark = n.log.log_end_offset();
            }
            if let Some(broker) = self.broker_mut(id) {
                broker.store = store;
            }
            self.apply_committed(id);
        }
        let end = self.quorum().node(1).map_or(0, |n| n.log.log_end_offset());
        if let Some(Role::Leader(state)) = self.quorum_mut().node_mut(1).map(|n| &mut n.role) {
            state.end_offsets = voters.iter().map(|&v| (v, end)).collect();
        }
        self.quorum_mut().journaled = self
            .quorum()
            .node(1)
            .map(|n| n.image.clone())
            .unwrap_or_default();
        self.update_active_controller();
    }
}

/// A broker process's incarnation id: fixed per (node, start count), so registering draws
/// nothing from any generator.
pub fn incarnation_id(node: i32, incarnation: u32) -> Uuid {
    Uuid::new(
        0x4b50_4c41_5900_4000 | node as u64, // "KPLAY", version 4 bits
        0x8000_0000_0000_0000 | u64::from(incarnation),
    )
}

/// `default.api.timeout.ms`: how long an admin call waits for an answer.
pub const DEFAULT_API_TIMEOUT_MS: i64 = 60_000;
/// `request.timeout.ms` of the admin client: each attempt's limit.
const ADMIN_REQUEST_TIMEOUT_MS: i64 = 30_000;
/// `retry.backoff.ms` of the admin client.
const ADMIN_RETRY_BACKOFF_MS: i64 = 100;

impl Cluster {
    /// An admin call the brokers forward to the controller waits, in simulated time, until
    /// there is an active controller to decide it — or fails as the admin client does when
    /// `default.api.timeout.ms` runs out (`KafkaAdminClient.Call`: "… timed out at … after N
    /// attempt(s)", each attempt ending at `request.timeout.ms` with REQUEST_TIMED_OUT).
    pub fn await_active_controller(&mut self, call_name: &str) -> Result<(), ApiError> {
        let start = self.now().as_millis();
        let deadline = start + DEFAULT_API_TIMEOUT_MS;
        while self.active_controller().is_none() && self.now().as_millis() < deadline {
            if self.fast_forward_idle(deadline) {
                continue;
            }
            if !self.step(deadline) {
                break;
            }
        }
        if self.active_controller().is_some() {
            return Ok(());
        }
        self.clock_advance_to(deadline);
        let tries = DEFAULT_API_TIMEOUT_MS / ADMIN_REQUEST_TIMEOUT_MS;
        Err(ApiError::new(
            ErrorCode::RequestTimedOut,
            format!(
                "Call(callName={call_name}, deadlineMs={deadline}, tries={tries}, nextAllowedTryMs={}) timed out at {deadline} after {tries} attempt(s)",
                deadline + ADMIN_RETRY_BACKOFF_MS
            ),
        ))
    }
}
