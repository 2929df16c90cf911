//! What quorum nodes send each other (KIP-595's RPCs, with KIP-996's pre-vote flag): a
//! prospective or candidate voter's `Vote`, a new leader's `BeginQuorumEpoch`, a resigning
//! leader's `EndQuorumEpoch`, and the followers' and observers' `Fetch` of the metadata log.

use crate::engine::error::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RaftMessage {
    Vote(VoteRequest),
    VoteResponse(VoteResponse),
    BeginQuorumEpoch {
        epoch: i32,
        leader_id: i32,
    },
    EndQuorumEpoch {
        epoch: i32,
        leader_id: i32,
    },
    /// The answer to an `EndQuorumEpoch` from an older epoch: the epoch and leader the
    /// receiver knows (`EndQuorumEpochResponse` with `FENCED_LEADER_EPOCH`).
    EndQuorumEpochResponse {
        epoch: i32,
        leader_id: Option<i32>,
    },
    Fetch(RaftFetch),
    FetchResponse(RaftFetchResponse),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRequest {
    /// The candidate's epoch (for a pre-vote: the epoch it would start, minus one).
    pub epoch: i32,
    pub candidate_id: i32,
    pub last_offset_epoch: i32,
    pub last_offset: i64,
    pub pre_vote: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteResponse {
    pub epoch: i32,
    pub granted: bool,
    pub pre_vote: bool,
    /// The leader the voter knows in its epoch, if any.
    pub leader_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaftFetch {
    pub request_id: u64,
    pub replica_id: i32,
    pub epoch: i32,
    pub fetch_offset: i64,
    pub last_fetched_epoch: i32,
    /// The fetcher's high watermark (`FetchPartition.HighWatermark`, KIP-1166): a leader
    /// answers at once when its own is ahead, so followers learn commits without waiting.
    pub high_watermark: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaftFetchResponse {
    pub request_id: u64,
    pub error: ErrorCode,
    pub epoch: i32,
    pub leader_id: Option<i32>,
    pub high_watermark: i64,
    /// Where the fetcher's last epoch ends on the leader, when its log diverged.
    pub diverging_epoch: Option<(i32, i64)>,
    pub records: Vec<u8>,
}
