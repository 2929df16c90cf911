//! The cluster as a pure, deterministic state machine.
//!
//! Nothing in here touches the web, the file system or a clock: time comes in as a value
//! ([`clock::SimTime`]), randomness from one seeded generator ([`rng::Rng`]), and every map that is
//! iterated is ordered. The same seed and the same commands give the same result natively and in wasm.

pub mod admin;
pub mod broker;
pub mod cleaner;
pub mod client;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod error;
pub mod event;
pub mod fetch;
pub mod flush;
pub mod group;
pub mod ids;
pub mod invariants;
pub mod java_random;
pub mod kraft;
pub mod log;
pub mod network;
pub mod partition_map;
pub mod partitioner;
pub mod persist;
pub mod placement;
pub mod produce;
pub mod record;
pub mod replication;
pub mod retention;
pub mod rng;
pub mod scheduler;
pub mod sorting;
pub mod topic;
pub mod trace;

pub use cluster::{Cluster, ClusterOptions, PartitionInfo, TopicInfo};
pub use error::{ApiError, ErrorCode};
