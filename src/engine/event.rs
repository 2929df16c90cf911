//! What happened inside the cluster, for the trace, the UI's timeline and tests.
//!
//! The engine appends an [`Event`] whenever something a person would want to see happens on its
//! own (a segment deleted by retention, a log cleaned, a tail truncated by recovery); commands'
//! direct results are returned to their callers instead. Events carry sim time so a timeline can
//! place them; [`crate::engine::Cluster::drain_events`] hands them out once.

use super::log::retention::{DeletedSegment, DeletionReason, LogStartOffsetIncrementReason};
use super::replication::BrokerState;

/// Something that happened at `at_ms` on a broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at_ms: i64,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A segment rolled on append.
    SegmentRolled {
        broker: i32,
        topic: String,
        partition: i32,
        old_base_offset: i64,
        new_base_offset: i64,
    },
    /// Retention deleted segments (`UnifiedLog.deleteSegments`); their files are now `.deleted`.
    SegmentsDeleted {
        broker: i32,
        topic: String,
        partition: i32,
        reason: DeletionReason,
        segments: Vec<DeletedSegment>,
    },
    /// The log start offset moved (`UnifiedLog.maybeIncrementLogStartOffset`).
    LogStartOffsetIncremented {
        broker: i32,
        topic: String,
        partition: i32,
        old_log_start_offset: i64,
        new_log_start_offset: i64,
        reason: LogStartOffsetIncrementReason,
    },
    /// `.deleted` files removed after `file.delete.delay.ms` (`LogSegment.deleteIfExists`).
    SegmentFilesDeleted { broker: i32, files: Vec<String> },
    /// The log cleaner cleaned a log (`engine::cleaner`): sizes before and after, records and
    /// tombstones removed, and the dirty section `[first_dirty_offset, end_offset)` it covered.
    LogCleaned {
        broker: i32,
        topic: String,
        partition: i32,
        first_dirty_offset: i64,
        end_offset: i64,
        bytes_before: i64,
        bytes_after: i64,
        records_removed: i64,
        tombstones_removed: i64,
    },
    /// A log was flushed up to its new recovery point (`engine::flush`).
    LogFlushed {
        broker: i32,
        topic: String,
        partition: i32,
        recovery_point: i64,
    },
    /// A user changed the network (`network partition|heal|delay|drop`).
    NetworkChanged { description: String },
    /// A broker's process started, stopped cleanly or crashed; `messages_lost` were in flight
    /// to or from it.
    BrokerStateChanged {
        broker: i32,
        state: BrokerState,
        messages_lost: usize,
    },
    /// The controller fenced a broker (its session timed out, or it shut down).
    BrokerFenced { broker: i32, reason: &'static str },
    /// The controller unfenced a (re)registered broker.
    BrokerUnfenced { broker: i32 },
    /// Another node became the active controller, or none could.
    ControllerChanged { old: Option<i32>, new: Option<i32> },
    /// A quorum node changed role in an election (`Prospective`, `Candidate`, `Leader`,
    /// `Resigned`) at `epoch`.
    QuorumElection {
        node: i32,
        epoch: i32,
        role: &'static str,
    },
    /// A partition got a new leader (or lost it: `new_leader: None`) in a new leader epoch.
    LeaderChanged {
        topic: String,
        partition: i32,
        old_leader: Option<i32>,
        new_leader: Option<i32>,
        leader_epoch: i32,
        /// Elected from outside the ISR: records only the old ISR had are lost.
        unclean: bool,
    },
    /// A partition's ISR changed.
    IsrChanged {
        topic: String,
        partition: i32,
        old_isr: Vec<i32>,
        new_isr: Vec<i32>,
        reason: &'static str,
    },
    /// A partition's Eligible Leader Replicas changed (KIP-966).
    ElrChanged {
        topic: String,
        partition: i32,
        old_elr: Vec<i32>,
        new_elr: Vec<i32>,
        last_known_elr: Vec<i32>,
    },
    /// The controller started, completed or cancelled a partition reassignment
    /// (`ReplicationControlManager.alterPartitionReassignments`, `PartitionChangeBuilder`):
    /// the replica list it left, and the replicas still being added and removed.
    ReassignmentChanged {
        topic: String,
        partition: i32,
        /// `started`, `completed` or `cancelled`.
        action: &'static str,
        replicas: Vec<i32>,
        adding: Vec<i32>,
        removing: Vec<i32>,
    },
    /// A leader's high watermark moved: records below it are committed and readable.
    HighWatermarkAdvanced {
        broker: i32,
        topic: String,
        partition: i32,
        old_high_watermark: i64,
        new_high_watermark: i64,
    },
    /// A group coordinator finished a rebalance: a classic group's new generation (its
    /// `GroupMetadata` record, written when a rebalance completes or the last member leaves), or
    /// a consumer group's new group epoch (`ConsumerGroupMetadata`, KIP-848).
    GroupRebalanced {
        broker: i32,
        group: String,
        /// `classic` or `consumer`.
        protocol: &'static str,
        /// The generation (classic) or the group epoch (consumer).
        generation: i32,
    },
    /// A replica's log lost its tail: a follower's truncation to its new leader's log, or a
    /// crash losing what was never flushed. The records in between are gone from this replica.
    ReplicaTruncated {
        broker: i32,
        topic: String,
        partition: i32,
        old_log_end_offset: i64,
        new_log_end_offset: i64,
        reason: &'static str,
    },
    /// A client (producer or consumer, by client id) got a retriable error for a partition
    /// from `broker` (`Sender.completeBatch`'s "Got error produce response … retrying").
    ClientError {
        client: String,
        topic: String,
        partition: i32,
        broker: i32,
        error: &'static str,
    },
    /// A client refreshed its metadata cache from `broker`'s metadata image
    /// (`engine::client::metadata_cache`): the leaders it learned that differ from what it had,
    /// and why it refreshed (an error's name, or `metadata.max.age.ms`).
    MetadataRefreshed {
        client: String,
        broker: i32,
        changed: Vec<LeaderLearned>,
        reason: &'static str,
    },
    /// A client sent a partition's request again, to the leader its cache now names.
    ClientRetry {
        client: String,
        topic: String,
        partition: i32,
        broker: i32,
        /// The try this is (2 for the first retry), `ProducerBatch.attempts` + 1.
        attempt: u32,
    },
}

/// A partition leader a client's metadata refresh learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderLearned {
    pub topic: String,
    pub partition: i32,
    pub old_leader: Option<i32>,
    pub new_leader: Option<i32>,
    pub leader_epoch: i32,
}
