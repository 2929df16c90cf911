//! Replication between brokers: followers fetching from leaders over the simulated network,
//! the ISR, the high watermark, leader epochs and truncation, and the controller's elections.
//!
//! | module | owns |
//! |---|---|
//! | [`messages`] | what brokers send each other: `Fetch` and its response |
//! | [`follower`] | a follower's fetcher (`ReplicaFetcherThread`): fetch, append, truncate by epoch |
//! | [`leader`] | a leader's side (`Partition`): follower fetch state, ISR expand and shrink, the high watermark, parked fetches (`DelayedFetch`) |
//! | [`runtime`] | messages and jobs run in time order; a broker stopped, killed and started |
//! | [`partition_change`] | the controller's rule for leader, ISR and ELR changes (`PartitionChangeBuilder`, KIP-966) |
//! | [`quiescence`] | skipping idle fetch, heartbeat and ISR rounds in a long `time advance` |
//! | [`election`] | elections on request (`kafka-leader-election.sh`) and the automatic preferred-leader balance |
//! | [`reassignment`] | partition reassignment: adding replicas catch up, then the removed ones go (`kafka-reassign-partitions.sh`, KIP-455) |
//! | [`controller`] | the controller's decisions: fencing, leader election (clean and unclean), controlled shutdown, broker start |
//!
//! Brokers talk only through [`crate::engine::network`]; what a broker knows of leaders and
//! ISRs is the controller's table in [`crate::engine::Cluster`] (metadata reaches every broker at
//! once until the KRaft metadata log of issue #6 carries it).

pub mod controller;
pub mod election;
pub mod follower;
pub mod leader;
pub mod messages;
pub mod partition_change;
pub mod quiescence;
pub mod reassignment;
pub mod runtime;

use super::config::BrokerConfigs;
use super::partition_map::PartitionMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Kafka 4.1's replication settings (`ReplicationConfigs`, `KRaftConfigs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicationSettings {
    /// `replica.lag.time.max.ms`: a follower this long behind leaves the ISR.
    pub replica_lag_time_max_ms: i64,
    /// `replica.fetch.wait.max.ms`: how long a leader holds a fetch that finds no new data.
    pub replica_fetch_wait_max_ms: i64,
    /// `replica.fetch.backoff.ms`: a fetcher's pause after an error.
    pub replica_fetch_backoff_ms: i64,
    /// `replica.fetch.max.bytes`: the most one partition returns in a follower fetch.
    pub replica_fetch_max_bytes: i32,
    /// `replica.socket.timeout.ms`: a follower fetch with no answer this long is given up.
    pub replica_socket_timeout_ms: i64,
    /// `broker.heartbeat.interval.ms`.
    pub broker_heartbeat_interval_ms: i64,
    /// `broker.session.timeout.ms`: a broker silent this long is fenced.
    pub broker_session_timeout_ms: i64,
    /// `auto.leader.rebalance.enable`: the controller moves leadership back to preferred replicas.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` (300), in ms.
    pub leader_imbalance_check_interval_ms: i64,
}

impl ReplicationSettings {
    /// The broker's settings; those without a broker config here yet take Kafka's defaults.
    pub fn from_configs(configs: &BrokerConfigs) -> Self {
        ReplicationSettings {
            replica_lag_time_max_ms: configs.replica_lag_time_max_ms,
            ..Self::default()
        }
    }
}

impl Default for ReplicationSettings {
    fn default() -> Self {
        ReplicationSettings {
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_backoff_ms: 1_000,
            replica_fetch_max_bytes: 1_048_576,
            replica_socket_timeout_ms: 30_000,
            broker_heartbeat_interval_ms: 2_000,
            broker_session_timeout_ms: 9_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_ms: 300_000,
        }
    }
}

/// Whether a broker's process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BrokerState {
    Running,
    /// Stopped by a controlled shutdown (`broker stop`): everything flushed, leadership moved.
    Stopped,
    /// Killed (`broker kill`): what was not flushed is lost; recovery runs at the next start.
    Crashed,
}

impl BrokerState {
    pub fn name(self) -> &'static str {
        match self {
            BrokerState::Running => "running",
            BrokerState::Stopped => "stopped",
            BrokerState::Crashed => "crashed",
        }
    }
}

/// A follower as its leader sees it (`Replica`'s `ReplicaState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerState {
    pub log_end_offset: i64,
    /// The last time the follower had fetched up to the leader's log end offset.
    pub last_caught_up_ms: i64,
    pub last_fetch_ms: i64,
    /// The leader's log end offset at the follower's last fetch.
    pub last_fetch_leader_log_end_offset: i64,
}

/// A fetch a leader holds until data arrives or `replica.fetch.wait.max.ms` passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedFetch {
    pub follower: i32,
    pub request: messages::FetchRequest,
    pub deadline_ms: i64,
}

/// One fetcher thread of a follower: the partitions it copies from one leader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetcher {
    /// Its partitions, each name shared with the requests (`messages::FetchPartition`).
    pub partitions: BTreeSet<(Arc<str>, i32)>,
    /// The request waiting for its answer.
    pub in_flight: Option<u64>,
    /// When it was sent, for `replica.socket.timeout.ms`.
    pub sent_ms: i64,
    /// A timeout check is scheduled (one per fetcher, not one per request).
    pub timeout_scheduled: bool,
    /// A fetch is scheduled (so a second wake-up does not send a second request).
    pub scheduled: bool,
}

/// A broker's replication state (`ReplicaManager`): as leader, its followers; as follower, its
/// fetchers; and the fetches it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaManager {
    /// Per partition led here: each follower's state, and the log end offset when this broker
    /// became leader (`leaderEpochStartOffsetOpt`).
    pub led: PartitionMap<LedPartition>,
    /// One fetcher per leader broker (`num.replica.fetchers` = 1).
    pub fetchers: BTreeMap<i32, Fetcher>,
    /// Fetches held here, by request id.
    pub parked: BTreeMap<u64, ParkedFetch>,
}

/// A partition this broker leads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedPartition {
    pub leader_epoch: i32,
    pub epoch_start_offset: i64,
    pub followers: BTreeMap<i32, FollowerState>,
}
