//! What brokers send each other on the simulated network: a follower's `Fetch` (version 12+,
//! with `LastFetchedEpoch` and the `DivergingEpoch` answer of KIP-320/KIP-595) and its response.

use crate::engine::error::ErrorCode;
use std::sync::Arc;

/// Everything that travels between nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Fetch(FetchRequest),
    FetchResponse(FetchResponse),
    /// Between quorum nodes (`engine::kraft`).
    Raft(crate::engine::kraft::messages::RaftMessage),
}

/// A follower's fetch of every partition it copies from one leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    pub request_id: u64,
    pub replica_id: i32,
    pub partitions: Vec<FetchPartition>,
}

/// A topic's name is shared (`Arc<str>`) by the fetcher, its requests and their answers: a
/// follower fetches every few milliseconds, and a name copied per partition per fetch cost more
/// than the rest of a caught-up partition's fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPartition {
    pub topic: Arc<str>,
    pub partition: i32,
    /// The leader epoch the follower believes current (`CurrentLeaderEpoch`).
    pub current_leader_epoch: i32,
    pub fetch_offset: i64,
    /// The epoch of the follower's last batch (`LastFetchedEpoch`), if it has one.
    pub last_fetched_epoch: Option<i32>,
    pub log_start_offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResponse {
    pub request_id: u64,
    pub partitions: Vec<FetchedPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedPartition {
    pub topic: Arc<str>,
    pub partition: i32,
    pub error: ErrorCode,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    /// Where the follower's last epoch ends on the leader, when the follower's log diverged.
    pub diverging_epoch: Option<(i32, i64)>,
    /// Whole batches, as stored in the leader's log.
    pub records: Vec<u8>,
}

impl FetchedPartition {
    /// An answer with `error` and nothing else. Its topic is left empty: the leader names each
    /// answer after the request's partition only when it sends them (a fetch that finds
    /// nothing is held instead, and its answers dropped, `leader::handle_fetch`).
    pub fn unnamed(partition: i32, error: ErrorCode) -> Self {
        FetchedPartition {
            topic: Arc::default(),
            partition,
            error,
            high_watermark: -1,
            log_start_offset: -1,
            diverging_epoch: None,
            records: Vec::new(),
        }
    }
}
