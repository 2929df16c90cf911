//! What happened inside the cluster, for the trace, the UI's timeline and tests.
//!
//! The engine appends an [`Event`] whenever something a person would want to see happens on its
//! own (a segment deleted by retention, a log cleaned, a tail truncated by recovery); commands'
//! direct results are returned to their callers instead. Events carry sim time so a timeline can
//! place them; [`crate::engine::Cluster::drain_events`] hands them out once.

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
    /// A log was flushed up to its new recovery point (`engine::flush`).
    LogFlushed {
        broker: i32,
        topic: String,
        partition: i32,
        recovery_point: i64,
    },
}
