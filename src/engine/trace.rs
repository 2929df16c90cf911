//! The trace: one line of text per [`Event`], and a hash over those lines.
//!
//! Every line has the same columns, separated by single spaces (docs/TRACE.md is the legend):
//!
//! ```text
//! AT_MS NODE SUBJECT WHAT [DETAIL…] [(REASON)]
//! 1735689630146 ctl s-0 leader 1->2 epoch=1
//! 1735689630146 ctl s-0 isr [1,2,3]->[2,3] (broker fenced)
//! 1735689630151 b2 s-0 hw 0->2
//! 1735689641000 b2 s-0 truncated 7->5 (crash before flush)
//! ```
//!
//! `AT_MS` is sim time; `NODE` is who acted — `b<N>` a broker, `ctl` the KRaft controller,
//! `user` a fault a command injected, or a client's `client.id` (a producer or a consumer);
//! `SUBJECT` is what it acted on — `<topic>-<partition>` as Kafka's `TopicPartition.toString`,
//! `b<N>` a broker, `process` a broker's own process, `files` a log dir's files, `quorum` the
//! controller quorum, `network` the links, `metadata` a client's metadata cache; `WHAT` is one keyword
//! per kind of event, so `grep ' isr '` finds every ISR change. A change is `OLD->NEW`, a list is
//! `[a,b]`, a missing value is `none`, and a reason is last, in parentheses. None of the tokens
//! holds a space except the reason (topic names cannot: `Topic.validate`).
//!
//! The lines are stable: tests pin each form, and [`trace_hash`] — FNV-1a 64 over the lines, each
//! ended by `\n` — is the same natively and in wasm for the same seed and commands (DESIGN.md,
//! principle 3), so it equals the FNV-1a of a `kplay --trace FILE` file.

use std::fmt;

use super::event::{Event, EventKind};
use super::log::retention::DeletionReason;

impl fmt::Display for Event {
    /// The event's one-line trace form, without a newline (docs/TRACE.md).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.at_ms)?;
        write_kind(f, &self.kind)
    }
}

impl Event {
    /// The event's one-line trace form, without a newline (the same as `to_string`).
    pub fn trace_line(&self) -> String {
        self.to_string()
    }
}

/// `NODE SUBJECT WHAT …` of one event. The match names every variant, so a new one does not
/// compile until it has a form here (and a line in docs/TRACE.md).
fn write_kind(f: &mut fmt::Formatter<'_>, kind: &EventKind) -> fmt::Result {
    match kind {
        EventKind::SegmentRolled { .. }
        | EventKind::SegmentsDeleted { .. }
        | EventKind::LogStartOffsetIncremented { .. }
        | EventKind::SegmentFilesDeleted { .. }
        | EventKind::LogCleaned { .. }
        | EventKind::LogFlushed { .. } => write_log(f, kind),
        EventKind::NetworkChanged { .. }
        | EventKind::BrokerStateChanged { .. }
        | EventKind::BrokerFenced { .. }
        | EventKind::BrokerUnfenced { .. }
        | EventKind::ControllerChanged { .. }
        | EventKind::QuorumElection { .. }
        | EventKind::LeaderChanged { .. }
        | EventKind::IsrChanged { .. }
        | EventKind::ElrChanged { .. }
        | EventKind::ReassignmentChanged { .. }
        | EventKind::HighWatermarkAdvanced { .. }
        | EventKind::ReplicaTruncated { .. } => write_replication(f, kind),
        EventKind::GroupRebalanced {
            broker,
            group,
            protocol,
            generation,
        } => {
            // A group id may hold spaces (Kafka allows any string): they are escaped so the
            // line keeps its columns.
            let group = group.replace('%', "%25").replace(' ', "%20");
            let what = if *protocol == "classic" {
                "generation"
            } else {
                "epoch"
            };
            write!(
                f,
                "b{broker} group:{group} rebalanced {what}={generation} ({protocol})"
            )
        }
        EventKind::ClientError { .. }
        | EventKind::MetadataRefreshed { .. }
        | EventKind::ClientRetry { .. } => write_client(f, kind),
    }
}

/// The forms of the client events (issue #6, item 5): `NODE` is the client's id.
fn write_client(f: &mut fmt::Formatter<'_>, kind: &EventKind) -> fmt::Result {
    match kind {
        EventKind::ClientError {
            client,
            topic,
            partition,
            broker,
            error,
        } => write!(
            f,
            "{client} {topic}-{partition} error {error} from=b{broker}"
        ),
        EventKind::MetadataRefreshed {
            client,
            broker,
            changed,
            reason,
        } => {
            let changes: Vec<String> = changed
                .iter()
                .map(|c| {
                    format!(
                        "{}-{}:{}->{}",
                        c.topic,
                        c.partition,
                        Node(c.old_leader),
                        Node(c.new_leader)
                    )
                })
                .collect();
            write!(
                f,
                "{client} metadata refresh via=b{broker} leaders={}",
                List(&changes)
            )?;
            write_reason(f, reason)
        }
        EventKind::ClientRetry {
            client,
            topic,
            partition,
            broker,
            attempt,
        } => write!(
            f,
            "{client} {topic}-{partition} retry to=b{broker} attempt={attempt}"
        ),
        // `write_kind` hands over only the client events.
        _ => Ok(()),
    }
}

/// The forms of the log events: rolls, retention, cleaning, flushes.
fn write_log(f: &mut fmt::Formatter<'_>, kind: &EventKind) -> fmt::Result {
    match kind {
        EventKind::SegmentRolled {
            broker,
            topic,
            partition,
            old_base_offset,
            new_base_offset,
        } => write!(
            f,
            "b{broker} {topic}-{partition} roll {old_base_offset}->{new_base_offset}"
        ),
        EventKind::SegmentsDeleted {
            broker,
            topic,
            partition,
            reason,
            segments,
        } => {
            let bases: Vec<i64> = segments.iter().map(|s| s.base_offset).collect();
            write!(
                f,
                "b{broker} {topic}-{partition} retention deleted={} ({})",
                List(&bases),
                Breach(reason)
            )
        }
        EventKind::LogStartOffsetIncremented {
            broker,
            topic,
            partition,
            old_log_start_offset,
            new_log_start_offset,
            reason,
        } => write!(
            f,
            "b{broker} {topic}-{partition} log-start {old_log_start_offset}->{new_log_start_offset} ({})",
            reason.name()
        ),
        EventKind::SegmentFilesDeleted { broker, files } => {
            write!(f, "b{broker} files deleted {}", List(files))
        }
        EventKind::LogCleaned {
            broker,
            topic,
            partition,
            first_dirty_offset,
            end_offset,
            bytes_before,
            bytes_after,
            records_removed,
            tombstones_removed,
        } => write!(
            f,
            "b{broker} {topic}-{partition} cleaned [{first_dirty_offset},{end_offset}) \
             bytes={bytes_before}->{bytes_after} records_removed={records_removed} \
             tombstones_removed={tombstones_removed}"
        ),
        EventKind::LogFlushed {
            broker,
            topic,
            partition,
            recovery_point,
        } => write!(
            f,
            "b{broker} {topic}-{partition} flushed recovery_point={recovery_point}"
        ),
        // `write_kind` hands over only the log events.
        _ => Ok(()),
    }
}

/// The forms of the replication and fault events (issue #5).
fn write_replication(f: &mut fmt::Formatter<'_>, kind: &EventKind) -> fmt::Result {
    match kind {
        EventKind::NetworkChanged { description } => write!(f, "user network {description}"),
        EventKind::BrokerStateChanged {
            broker,
            state,
            messages_lost,
        } => write!(f, "b{broker} process {} lost={messages_lost}", state.name()),
        EventKind::BrokerFenced { broker, reason } => {
            write!(f, "ctl b{broker} fenced")?;
            write_reason(f, reason)
        }
        EventKind::BrokerUnfenced { broker } => write!(f, "ctl b{broker} unfenced"),
        EventKind::ControllerChanged { old, new } => {
            write!(f, "ctl quorum controller {}->{}", Node(*old), Node(*new))
        }
        EventKind::QuorumElection { node, epoch, role } => {
            write!(f, "ctl quorum n{node} {role} epoch={epoch}")
        }
        EventKind::LeaderChanged {
            topic,
            partition,
            old_leader,
            new_leader,
            leader_epoch,
            unclean,
        } => {
            write!(
                f,
                "ctl {topic}-{partition} leader {}->{} epoch={leader_epoch}",
                Node(*old_leader),
                Node(*new_leader)
            )?;
            if *unclean {
                f.write_str(" unclean")?;
            }
            Ok(())
        }
        EventKind::ElrChanged {
            topic,
            partition,
            old_elr,
            new_elr,
            last_known_elr,
        } => write!(
            f,
            "ctl {topic}-{partition} elr {}->{} lastKnownElr={}",
            List(old_elr),
            List(new_elr),
            List(last_known_elr)
        ),
        EventKind::IsrChanged {
            topic,
            partition,
            old_isr,
            new_isr,
            reason,
        } => {
            write!(
                f,
                "ctl {topic}-{partition} isr {}->{}",
                List(old_isr),
                List(new_isr)
            )?;
            write_reason(f, reason)
        }
        EventKind::ReassignmentChanged {
            topic,
            partition,
            action,
            replicas,
            adding,
            removing,
        } => write!(
            f,
            "ctl {topic}-{partition} reassignment {action} replicas={} adding={} removing={}",
            List(replicas),
            List(adding),
            List(removing)
        ),
        EventKind::HighWatermarkAdvanced {
            broker,
            topic,
            partition,
            old_high_watermark,
            new_high_watermark,
        } => write!(
            f,
            "b{broker} {topic}-{partition} hw {old_high_watermark}->{new_high_watermark}"
        ),
        EventKind::ReplicaTruncated {
            broker,
            topic,
            partition,
            old_log_end_offset,
            new_log_end_offset,
            reason,
        } => {
            write!(
                f,
                "b{broker} {topic}-{partition} truncated {old_log_end_offset}->{new_log_end_offset}"
            )?;
            write_reason(f, reason)
        }
        // `write_kind` hands over only the replication events.
        _ => Ok(()),
    }
}

/// ` (reason)`, or nothing for an empty reason.
fn write_reason(f: &mut fmt::Formatter<'_>, reason: &str) -> fmt::Result {
    if reason.is_empty() {
        Ok(())
    } else {
        write!(f, " ({reason})")
    }
}

/// `[a,b,c]`: a list without spaces, so it stays one token.
struct List<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for List<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{item}")?;
        }
        f.write_str("]")
    }
}

/// A node id, or `none` (a partition without a leader, a quorum without a controller).
struct Node(Option<i32>);

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "{id}"),
            None => f.write_str("none"),
        }
    }
}

/// Which retention limit a deletion breached, as Kafka's `SegmentDeletionReason` classes
/// (`RetentionMsBreach`, `RetentionSizeBreach`, `StartOffsetBreach`) name it, with the limit.
struct Breach<'a>(&'a DeletionReason);

impl fmt::Display for Breach<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            DeletionReason::RetentionMs { retention_ms } => {
                write!(f, "retention.ms={retention_ms} breached")
            }
            DeletionReason::RetentionSize { retention_bytes } => {
                write!(f, "retention.bytes={retention_bytes} breached")
            }
            DeletionReason::LogStartOffset { log_start_offset } => {
                write!(f, "log start offset {log_start_offset} breached")
            }
        }
    }
}

/// FNV-1a 64 (Fowler–Noll–Vo): a fixed, seedless hash, so the same bytes give the same value on
/// every target and every run — unlike `std`'s `RandomState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceHasher(u64);

impl TraceHasher {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub fn new() -> Self {
        TraceHasher(Self::OFFSET_BASIS)
    }

    /// Goes on from a value [`TraceHasher::finish`] returned (a saved session's hash: FNV's
    /// whole state is that value).
    pub fn resume(state: u64) -> Self {
        TraceHasher(state)
    }

    /// Hashes `bytes` as they come: hashing a file in pieces gives its whole hash.
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// Hashes one event's trace line and its `\n`, as a trace file holds it.
    pub fn add(&mut self, event: &Event) {
        self.write(event.trace_line().as_bytes());
        self.write(b"\n");
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for TraceHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// FNV-1a 64 of the events' trace lines, each ended by `\n`: the hash of the trace file
/// `kplay --trace FILE` writes for them.
pub fn trace_hash<'a>(events: impl IntoIterator<Item = &'a Event>) -> u64 {
    let mut hasher = TraceHasher::new();
    for event in events {
        hasher.add(event);
    }
    hasher.finish()
}

#[cfg(test)]
#[path = "trace_tests.rs"]
mod tests;
