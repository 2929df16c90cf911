//! KRaft: the controller quorum and the metadata log `__cluster_metadata-0`.
//!
//! | module | owns |
//! |---|---|
//! | [`records`] | the metadata records and the `LeaderChangeMessage` control record, in Kafka's bytes |
//! | [`image`] | the metadata image replay builds, and the records between two images |
//! | [`metadata_log`] | a node's copy of the log: batches written, read and decoded |
//! | [`messages`] | Vote, BeginQuorumEpoch, EndQuorumEpoch and Fetch between nodes (KIP-595) |
//! | [`election`] | a node's role and its transitions: pre-vote (KIP-996), candidate, leader, resignation |
//! | [`replication`] | followers and observers fetching the log, the high watermark, divergence |
//! | [`journal`] | the active controller writing its decisions as records, nodes applying what is committed |
//! | [`node`] | messages delivered to a node, and a node stopping, crashing and starting |
//! | [`idle`] | a settled quorum in a long `time advance`: idle fetch rounds skipped |
//! | [`restore`] | a restart: each node's log and `quorum-state` loaded, roles as after a restart |
//! | [`snapshot`] | `<offset>-<epoch>.checkpoint` snapshots of the image, written and read back |
//!
//! Voters are nodes `1..=voters` (the largest odd number ≤ min(3, N)); every node is a broker
//! and keeps the log in its log dir; the others fetch it as observers. A new cluster starts as
//! one whose first election is over: node 1 leads epoch 1 and the bootstrap records
//! (`metadata.version`, the brokers' registrations) are committed everywhere. A restarted
//! cluster loads each node's log and `quorum-state` from its log dir and elects ([`restore`]). From then on,
//! leadership moves only by elections over the simulated network, with Kafka's timeouts and
//! the quorum's own seeded generator (so they never disturb the cluster's other draws).

pub mod election;
pub mod idle;
pub mod image;
pub mod journal;
pub mod messages;
pub mod metadata_log;
pub mod node;
pub mod records;
pub mod replication;
pub mod restore;
pub mod snapshot;

use crate::engine::log::PartitionLog;
use crate::engine::rng::Rng;
use image::MetadataImage;
use std::collections::{BTreeMap, BTreeSet};

/// `__cluster_metadata`, the metadata log's topic name (`Topic.CLUSTER_METADATA_TOPIC_NAME`).
pub const METADATA_TOPIC: &str = "__cluster_metadata";

/// How many of `brokers` nodes are controller voters: the largest odd number ≤ min(3, N).
pub fn voters_for(brokers: i32) -> i32 {
    let n = brokers.clamp(1, 3);
    if n % 2 == 0 {
        n - 1
    } else {
        n
    }
}

/// Kafka 4.1's quorum settings (`QuorumConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuorumSettings {
    /// `controller.quorum.election.timeout.ms`: a candidate's election lasts this plus a random
    /// share of it.
    pub election_timeout_ms: i64,
    /// `controller.quorum.fetch.timeout.ms`: a follower that hears nothing from its leader this
    /// long starts an election; a leader without fetches from a majority for 1.5 × this resigns.
    pub fetch_timeout_ms: i64,
    /// `controller.quorum.election.backoff.max.ms`: the most a lost election waits to retry.
    pub election_backoff_max_ms: i64,
    /// `controller.quorum.request.timeout.ms`.
    pub request_timeout_ms: i64,
    /// `KafkaRaftClient`'s fetch `MaxWaitMs`: how long a leader holds a caught-up fetch.
    pub fetch_max_wait_ms: i64,
}

impl Default for QuorumSettings {
    fn default() -> Self {
        QuorumSettings {
            election_timeout_ms: 1_000,
            fetch_timeout_ms: 2_000,
            election_backoff_max_ms: 1_000,
            request_timeout_ms: 2_000,
            fetch_max_wait_ms: 500,
        }
    }
}

/// A node's place in the quorum (`EpochState` and its kinds in `QuorumState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// No leader known in this epoch (after a restart, or a higher epoch seen).
    Unattached,
    /// Asking for pre-votes before starting an election (KIP-996).
    Prospective {
        granted: BTreeSet<i32>,
    },
    Candidate {
        granted: BTreeSet<i32>,
    },
    Follower,
    Leader(LeaderState),
    /// A leader that gave up (check-quorum failed, or it is shutting down).
    Resigned,
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Unattached => "Unattached",
            Role::Prospective { .. } => "Prospective",
            Role::Candidate { .. } => "Candidate",
            Role::Follower => "Follower",
            Role::Leader(_) => "Leader",
            Role::Resigned => "Resigned",
        }
    }
}

/// What a leader tracks of the others (`LeaderState`'s `ReplicaState`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaderState {
    /// Each node's log end offset from its last fetch (voters and observers).
    pub end_offsets: BTreeMap<i32, i64>,
    /// When each node last fetched (unknown until it does).
    pub last_fetch_ms: BTreeMap<i32, i64>,
    /// When this leader was elected: check-quorum counts from here at first.
    pub elected_ms: i64,
    /// When each node last fetched from the leader's log end (`lastCaughtUpTimestamp`).
    pub last_caught_up_ms: BTreeMap<i32, i64>,
    /// The offset this epoch's first record (the `LeaderChangeMessage`) took: nothing commits
    /// below the high watermark until it does.
    pub epoch_start_offset: i64,
    /// Fetches held until new records arrive or `fetch_max_wait_ms` passes, by requester.
    pub parked: BTreeMap<i32, messages::RaftFetch>,
}

/// One node's quorum state and its copy of the metadata log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumNode {
    pub id: i32,
    pub voter: bool,
    pub epoch: i32,
    pub voted_id: Option<i32>,
    pub leader_id: Option<i32>,
    pub role: Role,
    /// Committed: the log below it is on a majority of voters.
    pub high_watermark: i64,
    /// When the current timer (election, fetch or check-quorum) runs out.
    pub deadline_ms: i64,
    /// A fetch sent and not answered, by request id.
    pub fetch_in_flight: Option<u64>,
    pub log: PartitionLog,
    /// The committed records replayed (`MetadataLoader`).
    pub image: MetadataImage,
    /// The next offset to replay into the image.
    pub applied_offset: i64,
    /// When the next snapshot is due.
    pub snapshot: snapshot::SnapshotState,
}

/// The quorum: every node's state, the image the active controller's decisions were last
/// written from, and the quorum's own generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    pub settings: QuorumSettings,
    pub voters: Vec<i32>,
    pub nodes: BTreeMap<i32, QuorumNode>,
    /// What the metadata log holds once everything journaled so far is replayed.
    pub journaled: MetadataImage,
    /// Something the controller decides changed since the last journal.
    pub dirty: bool,
    pub rng: Rng,
}

impl Quorum {
    /// No nodes yet (a cluster being put together; `Cluster::bootstrap_quorum` fills it).
    pub fn empty() -> Self {
        Quorum {
            settings: QuorumSettings::default(),
            voters: Vec::new(),
            nodes: BTreeMap::new(),
            journaled: MetadataImage::default(),
            dirty: false,
            rng: Rng::from_seed(0),
        }
    }

    /// The node leading the highest epoch, if any believes it leads.
    pub fn leader(&self) -> Option<&QuorumNode> {
        self.nodes
            .values()
            .filter(|n| matches!(n.role, Role::Leader(_)))
            .max_by_key(|n| n.epoch)
    }

    pub fn node(&self, id: i32) -> Option<&QuorumNode> {
        self.nodes.get(&id)
    }

    pub fn node_mut(&mut self, id: i32) -> Option<&mut QuorumNode> {
        self.nodes.get_mut(&id)
    }

    pub fn is_voter(&self, id: i32) -> bool {
        self.voters.contains(&id)
    }

    /// A random share of the election timeout (`QuorumState.randomElectionTimeoutMs`).
    pub(crate) fn random_election_timeout(&mut self) -> i64 {
        let timeout = self.settings.election_timeout_ms;
        timeout + (self.rng.next_u64() % timeout.max(1) as u64) as i64
    }

    /// A lost election's backoff: random, growing with the attempts, at most the maximum
    /// (`RaftUtil.binaryExponentialElectionBackoffMs`).
    pub(crate) fn random_backoff(&mut self, retries: u32) -> i64 {
        let max = self.settings.election_backoff_max_ms.max(1);
        let bound = (50i64 << retries.min(10)).min(max);
        (self.rng.next_u64() % bound as u64) as i64
    }
}
