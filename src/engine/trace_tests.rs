//! Pins the exact trace line of every event kind (docs/TRACE.md shows the same lines) and the
//! hash's algorithm.

use super::*;
use crate::engine::log::retention::{DeletedSegment, LogStartOffsetIncrementReason};
use crate::engine::replication::BrokerState;

const AT: i64 = 1_735_689_630_146;

fn line(kind: EventKind) -> String {
    Event { at_ms: AT, kind }.trace_line()
}

fn segment(base_offset: i64, next_offset: i64) -> DeletedSegment {
    DeletedSegment {
        base_offset,
        next_offset,
        size_in_bytes: 100,
        largest_timestamp: AT,
    }
}

#[test]
fn log_events() {
    assert_eq!(
        line(EventKind::SegmentRolled {
            broker: 1,
            topic: "s".into(),
            partition: 0,
            old_base_offset: 0,
            new_base_offset: 12,
        }),
        "1735689630146 b1 s-0 roll 0->12"
    );
    assert_eq!(
        line(EventKind::LogFlushed {
            broker: 3,
            topic: "orders.v2".into(),
            partition: 11,
            recovery_point: 40,
        }),
        "1735689630146 b3 orders.v2-11 flushed recovery_point=40"
    );
    assert_eq!(
        line(EventKind::LogCleaned {
            broker: 1,
            topic: "users".into(),
            partition: 0,
            first_dirty_offset: 0,
            end_offset: 12,
            bytes_before: 1000,
            bytes_after: 420,
            records_removed: 7,
            tombstones_removed: 1,
        }),
        "1735689630146 b1 users-0 cleaned [0,12) bytes=1000->420 records_removed=7 tombstones_removed=1"
    );
}

#[test]
fn retention_events() {
    let deleted = |reason| {
        line(EventKind::SegmentsDeleted {
            broker: 2,
            topic: "s".into(),
            partition: 1,
            reason,
            segments: vec![segment(0, 5), segment(5, 9)],
        })
    };
    assert_eq!(
        deleted(DeletionReason::RetentionMs {
            retention_ms: 60_000
        }),
        "1735689630146 b2 s-1 retention deleted=[0,5] (retention.ms=60000 breached)"
    );
    assert_eq!(
        deleted(DeletionReason::RetentionSize {
            retention_bytes: 1024
        }),
        "1735689630146 b2 s-1 retention deleted=[0,5] (retention.bytes=1024 breached)"
    );
    assert_eq!(
        deleted(DeletionReason::LogStartOffset {
            log_start_offset: 9
        }),
        "1735689630146 b2 s-1 retention deleted=[0,5] (log start offset 9 breached)"
    );
    assert_eq!(
        line(EventKind::LogStartOffsetIncremented {
            broker: 2,
            topic: "s".into(),
            partition: 1,
            old_log_start_offset: 0,
            new_log_start_offset: 9,
            reason: LogStartOffsetIncrementReason::SegmentDeletion,
        }),
        "1735689630146 b2 s-1 log-start 0->9 (segment deletion)"
    );
    assert_eq!(
        line(EventKind::LogStartOffsetIncremented {
            broker: 2,
            topic: "s".into(),
            partition: 1,
            old_log_start_offset: 9,
            new_log_start_offset: 11,
            reason: LogStartOffsetIncrementReason::ClientRecordDeletion,
        }),
        "1735689630146 b2 s-1 log-start 9->11 (client delete records request)"
    );
    assert_eq!(
        line(EventKind::SegmentFilesDeleted {
            broker: 2,
            files: vec![
                "s-1/00000000000000000000.log.deleted".into(),
                "s-1/00000000000000000000.index.deleted".into(),
            ],
        }),
        "1735689630146 b2 files deleted \
         [s-1/00000000000000000000.log.deleted,s-1/00000000000000000000.index.deleted]"
    );
}

#[test]
fn broker_and_controller_events() {
    let state = |state, messages_lost| {
        line(EventKind::BrokerStateChanged {
            broker: 2,
            state,
            messages_lost,
        })
    };
    assert_eq!(
        state(BrokerState::Crashed, 3),
        "1735689630146 b2 process crashed lost=3"
    );
    assert_eq!(
        state(BrokerState::Stopped, 0),
        "1735689630146 b2 process stopped lost=0"
    );
    assert_eq!(
        state(BrokerState::Running, 0),
        "1735689630146 b2 process running lost=0"
    );
    assert_eq!(
        line(EventKind::BrokerFenced {
            broker: 2,
            reason: "session timed out",
        }),
        "1735689630146 ctl b2 fenced (session timed out)"
    );
    assert_eq!(
        line(EventKind::BrokerUnfenced { broker: 2 }),
        "1735689630146 ctl b2 unfenced"
    );
    assert_eq!(
        line(EventKind::ControllerChanged {
            old: None,
            new: Some(1),
        }),
        "1735689630146 ctl quorum controller none->1"
    );
    assert_eq!(
        line(EventKind::ControllerChanged {
            old: Some(1),
            new: None,
        }),
        "1735689630146 ctl quorum controller 1->none"
    );
    assert_eq!(
        line(EventKind::NetworkChanged {
            description: "partition 1 2".into(),
        }),
        "1735689630146 user network partition 1 2"
    );
}

#[test]
fn partition_replication_events() {
    let leader = |old_leader, new_leader, unclean| {
        line(EventKind::LeaderChanged {
            topic: "s".into(),
            partition: 0,
            old_leader,
            new_leader,
            leader_epoch: 1,
            unclean,
        })
    };
    assert_eq!(
        leader(Some(1), Some(2), false),
        "1735689630146 ctl s-0 leader 1->2 epoch=1"
    );
    assert_eq!(
        leader(Some(2), None, false),
        "1735689630146 ctl s-0 leader 2->none epoch=1"
    );
    assert_eq!(
        leader(None, Some(3), true),
        "1735689630146 ctl s-0 leader none->3 epoch=1 unclean"
    );
    assert_eq!(
        line(EventKind::IsrChanged {
            topic: "s".into(),
            partition: 0,
            old_isr: vec![1, 2, 3],
            new_isr: vec![2, 3],
            reason: "broker fenced",
        }),
        "1735689630146 ctl s-0 isr [1,2,3]->[2,3] (broker fenced)"
    );
    assert_eq!(
        line(EventKind::IsrChanged {
            topic: "s".into(),
            partition: 0,
            old_isr: vec![2],
            new_isr: vec![2, 1],
            reason: "",
        }),
        "1735689630146 ctl s-0 isr [2]->[2,1]"
    );
    assert_eq!(
        line(EventKind::ElrChanged {
            topic: "s".into(),
            partition: 0,
            old_elr: vec![],
            new_elr: vec![2, 3],
            last_known_elr: vec![4],
        }),
        "1735689630146 ctl s-0 elr []->[2,3] lastKnownElr=[4]"
    );
    assert_eq!(
        line(EventKind::ReassignmentChanged {
            topic: "s".into(),
            partition: 0,
            action: "started",
            replicas: vec![2, 3, 4, 1],
            adding: vec![4],
            removing: vec![1],
        }),
        "1735689630146 ctl s-0 reassignment started replicas=[2,3,4,1] adding=[4] removing=[1]"
    );
    assert_eq!(
        line(EventKind::HighWatermarkAdvanced {
            broker: 2,
            topic: "s".into(),
            partition: 0,
            old_high_watermark: 0,
            new_high_watermark: 2,
        }),
        "1735689630146 b2 s-0 hw 0->2"
    );
    assert_eq!(
        line(EventKind::ReplicaTruncated {
            broker: 2,
            topic: "s".into(),
            partition: 0,
            old_log_end_offset: 7,
            new_log_end_offset: 5,
            reason: "crash before flush",
        }),
        "1735689630146 b2 s-0 truncated 7->5 (crash before flush)"
    );
}

/// FNV-1a 64's published test vectors (Fowler, Noll, Vo: "FNV test vectors", fnv_test.c).
#[test]
fn client_metadata_events() {
    assert_eq!(
        line(EventKind::ClientError {
            client: "producer-1".into(),
            topic: "s".into(),
            partition: 0,
            broker: 2,
            error: "NOT_LEADER_OR_FOLLOWER",
        }),
        "1735689630146 producer-1 s-0 error NOT_LEADER_OR_FOLLOWER from=b2"
    );
    assert_eq!(
        line(EventKind::MetadataRefreshed {
            client: "producer-1".into(),
            broker: 1,
            changed: vec![
                crate::engine::event::LeaderLearned {
                    topic: "s".into(),
                    partition: 0,
                    old_leader: Some(2),
                    new_leader: Some(1),
                    leader_epoch: 3,
                },
                crate::engine::event::LeaderLearned {
                    topic: "s".into(),
                    partition: 1,
                    old_leader: Some(1),
                    new_leader: None,
                    leader_epoch: 2,
                },
            ],
            reason: "NOT_LEADER_OR_FOLLOWER",
        }),
        "1735689630146 producer-1 metadata refresh via=b1 leaders=[s-0:2->1,s-1:1->none] (NOT_LEADER_OR_FOLLOWER)"
    );
    assert_eq!(
        line(EventKind::MetadataRefreshed {
            client: "c1".into(),
            broker: 3,
            changed: vec![],
            reason: "metadata.max.age.ms",
        }),
        "1735689630146 c1 metadata refresh via=b3 leaders=[] (metadata.max.age.ms)"
    );
    assert_eq!(
        line(EventKind::ClientRetry {
            client: "c1".into(),
            topic: "s".into(),
            partition: 0,
            broker: 1,
            attempt: 2,
        }),
        "1735689630146 c1 s-0 retry to=b1 attempt=2"
    );
}

#[test]
fn hash_is_fnv1a_64() {
    let of = |bytes: &[u8]| {
        let mut hasher = TraceHasher::new();
        hasher.write(bytes);
        hasher.finish()
    };
    assert_eq!(of(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(of(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(of(b"foobar"), 0x8594_4171_f739_67e8);
}

/// The hash of events is the hash of the trace file's bytes: lines ended by `\n`.
#[test]
fn hash_covers_the_trace_file() {
    let events = [
        Event {
            at_ms: AT,
            kind: EventKind::BrokerUnfenced { broker: 2 },
        },
        Event {
            at_ms: AT + 5,
            kind: EventKind::ControllerChanged {
                old: Some(1),
                new: Some(2),
            },
        },
    ];
    let file = "1735689630146 ctl b2 unfenced\n1735689630151 ctl quorum controller 1->2\n";
    let mut hasher = TraceHasher::new();
    hasher.write(file.as_bytes());
    assert_eq!(trace_hash(&events), hasher.finish());
    assert_ne!(trace_hash(&events), trace_hash(&events[..1]));
    assert_eq!(trace_hash([]), 0xcbf2_9ce4_8422_2325);
}
