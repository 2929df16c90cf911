//! A lesson's checks: one predicate per line over the cluster's state — never over clicks or UI
//! progress — that turns green when it holds. Each reads the engine's public state only (no
//! requests, no `&mut`), so the page can evaluate every check on every render.
//!
//! ```text
//! topic orders exists                     topic orders absent
//! topic orders partitions = 3             topic orders replication-factor = 3
//! topic orders records >= 10              topic orders key user-1 partitions = 1
//! topic orders key user-1 records = 1     topic orders config retention.ms = 60000
//! partition orders-0 leader != 1          partition orders-0 isr = 2
//! partition orders-0 log-end-offset >= 5  (also high-watermark, log-start-offset,
//!                                          recovery-point, segments)
//! record orders-0 3 key = user-1          record orders-0 3 header source = web
//! broker 2 state = crashed                broker 2 fenced = true
//! controller active != 1                  time elapsed >= 30s
//! quorum leader != 1                      quorum epoch >= 2
//! quorum node 2 role = Follower           (more in src/lessons/quorum.rs)
//! group shop state = Stable               group shop members = 3
//! group shop generation >= 2              (a classic group's generation, a KIP-848 group's epoch)
//! group shop lag = 0                      group shop committed orders-0 >= 5
//! ```
//! `topic … records` counts offsets below the high watermark from the log start (what
//! `kafka-get-offsets.sh` adds up); `key … records` reads the records themselves, so it sees
//! what compaction removed.
//! Operators: `=`, `!=`, `<`, `<=`, `>`, `>=` (numbers), `=` and `!=` (words).

use super::quorum::QuorumProperty;
use crate::cli::parse_duration_ms;
use crate::engine::Cluster;

/// One parsed check line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The line as written (shown beside its state).
    pub text: String,
    subject: Subject,
    op: Op,
    expected: Expected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    TopicExists(String),
    TopicPartitions(String),
    TopicReplicationFactor(String),
    TopicRecords(String),
    TopicKeyPartitions(String, String),
    TopicKeyRecords(String, String),
    TopicConfig(String, String),
    PartitionLeader(String, i32),
    PartitionIsr(String, i32),
    PartitionOffset(String, i32, OffsetKind),
    RecordField(String, i32, i64, RecordField),
    BrokerState(i32),
    BrokerFenced(i32),
    ActiveController,
    Quorum(QuorumProperty),
    Group(String, GroupProperty),
    TimeElapsed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum GroupProperty {
    State,
    Members,
    Generation,
    Lag,
    Committed(String, i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetKind {
    HighWatermark,
    LogEndOffset,
    LogStartOffset,
    RecoveryPoint,
    Segments,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RecordField {
    Key,
    Value,
    Header(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A value a check compares (and what it found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expected {
    Number(i64),
    Word(String),
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub holds: bool,
    /// The value now, as the check would write it (`2`, `crashed`, `absent`).
    pub actual: String,
}

impl Check {
    /// Parses one line; the error says what is wrong in it.
    pub fn parse(line: &str) -> Result<Check, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = |why: &str| Err(format!("check '{line}': {why}"));
        let (subject, rest) = match words.as_slice() {
            ["topic", name, "exists"] => {
                return Ok(Self::word(
                    line,
                    Subject::TopicExists(name.to_string()),
                    Op::Eq,
                    "exists",
                ))
            }
            ["topic", name, "absent"] => {
                return Ok(Self::word(
                    line,
                    Subject::TopicExists(name.to_string()),
                    Op::Eq,
                    "absent",
                ))
            }
            ["topic", name, "partitions", rest @ ..] => {
                (Subject::TopicPartitions(name.to_string()), rest)
            }
            ["topic", name, "replication-factor", rest @ ..] => {
                (Subject::TopicReplicationFactor(name.to_string()), rest)
            }
            ["topic", name, "records", rest @ ..] => {
                (Subject::TopicRecords(name.to_string()), rest)
            }
            ["topic", name, "key", key, "partitions", rest @ ..] => (
                Subject::TopicKeyPartitions(name.to_string(), key.to_string()),
                rest,
            ),
            ["topic", name, "key", key, "records", rest @ ..] => (
                Subject::TopicKeyRecords(name.to_string(), key.to_string()),
                rest,
            ),
            ["topic", name, "config", key, rest @ ..] => (
                Subject::TopicConfig(name.to_string(), key.to_string()),
                rest,
            ),
            ["partition", tp, property, rest @ ..] => {
                let Some((topic, partition)) = split_partition(tp) else {
                    return bad("a partition is written topic-N, e.g. orders-0");
                };
                let subject = match *property {
                    "leader" => Subject::PartitionLeader(topic, partition),
                    "isr" => Subject::PartitionIsr(topic, partition),
                    "high-watermark" => Subject::PartitionOffset(topic, partition, OffsetKind::HighWatermark),
                    "log-end-offset" => Subject::PartitionOffset(topic, partition, OffsetKind::LogEndOffset),
                    "recovery-point" => Subject::PartitionOffset(
                        topic,
                        partition,
                        OffsetKind::RecoveryPoint,
                    ),
                    "log-start-offset" => Subject::PartitionOffset(topic, partition, OffsetKind::LogStartOffset),
                    "segments" => Subject::PartitionOffset(topic, partition, OffsetKind::Segments),
                    _ => return bad("a partition has leader, isr, high-watermark, log-end-offset, log-start-offset, recovery-point or segments"),
                };
                (subject, rest)
            }
            ["record", tp, offset, field, rest @ ..] => {
                let (Some((topic, partition)), Ok(offset)) = (split_partition(tp), offset.parse())
                else {
                    return bad("a record is written topic-N OFFSET, e.g. orders-0 3");
                };
                let (field, rest) = match (*field, rest) {
                    ("key", rest) => (RecordField::Key, rest),
                    ("value", rest) => (RecordField::Value, rest),
                    ("header", [name, rest @ ..]) => (RecordField::Header(name.to_string()), rest),
                    _ => return bad("a record has key, value or header NAME"),
                };
                (Subject::RecordField(topic, partition, offset, field), rest)
            }
            ["broker", id, "state", rest @ ..] => match id.parse() {
                Ok(id) => (Subject::BrokerState(id), rest),
                Err(_) => return bad("a broker is its node id, e.g. broker 2"),
            },
            ["broker", id, "fenced", rest @ ..] => match id.parse() {
                Ok(id) => (Subject::BrokerFenced(id), rest),
                Err(_) => return bad("a broker is its node id, e.g. broker 2"),
            },
            ["controller", "active", rest @ ..] => (Subject::ActiveController, rest),
            ["quorum", rest @ ..] => match super::quorum::parse(rest) {
                Ok((property, rest)) => (Subject::Quorum(property), rest),
                Err(why) => return bad(why),
            },
            ["group", id, "committed", tp, rest @ ..] => match split_partition(tp) {
                Some((topic, partition)) => (
                    Subject::Group(id.to_string(), GroupProperty::Committed(topic, partition)),
                    rest,
                ),
                None => return bad("a partition is written topic-N, e.g. orders-0"),
            },
            ["group", id, property, rest @ ..] => {
                let property = match *property {
                    "state" => GroupProperty::State,
                    "members" => GroupProperty::Members,
                    "generation" => GroupProperty::Generation,
                    "lag" => GroupProperty::Lag,
                    _ => {
                        return bad(
                            "a group has state, members, generation, lag or committed TOPIC-N",
                        )
                    }
                };
                (Subject::Group(id.to_string(), property), rest)
            }
            ["time", "elapsed", rest @ ..] => (Subject::TimeElapsed, rest),
            _ => return bad("unknown check (see src/lessons/check.rs for the forms)"),
        };
        let [op, value] = rest else {
            return bad("expected OPERATOR VALUE at the end, e.g. '= 3'");
        };
        let op = match *op {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return bad("the operator is one of = != < <= > >="),
        };
        let expected = match subject {
            Subject::TimeElapsed => match parse_duration_ms(value) {
                Some(ms) => Expected::Number(ms),
                None => return bad("a duration is like 500ms, 10s, 15m, 2h"),
            },
            _ => match value.parse() {
                Ok(n) => Expected::Number(n),
                Err(_) => Expected::Word(value.to_string()),
            },
        };
        if matches!(expected, Expected::Word(_)) && !matches!(op, Op::Eq | Op::Ne) {
            return bad("only = and != compare words");
        }
        Ok(Check {
            text: line.trim().to_string(),
            subject,
            op,
            expected,
        })
    }

    fn word(line: &str, subject: Subject, op: Op, word: &str) -> Check {
        Check {
            text: line.trim().to_string(),
            subject,
            op,
            expected: Expected::Word(word.to_string()),
        }
    }

    /// Whether the check holds on `cluster` now, and what it found.
    pub fn evaluate(&self, cluster: &Cluster) -> Evaluation {
        // A config value is text; "400" compares with 400 as a number.
        let actual = self.actual(cluster).map(|a| match a {
            Expected::Word(w) => w.parse().map_or(Expected::Word(w), Expected::Number),
            number => number,
        });
        let holds = match (&actual, &self.expected) {
            (Some(Expected::Number(a)), Expected::Number(e)) => self.op.compare(a.cmp(e)),
            (Some(Expected::Word(a)), Expected::Word(e)) => match self.op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                _ => false,
            },
            (Some(Expected::Word(_)), Expected::Number(_)) => self.op == Op::Ne,
            (Some(Expected::Number(a)), Expected::Word(e)) => match self.op {
                Op::Eq => a.to_string() == *e,
                _ => a.to_string() != *e,
            },
            (None, _) => false,
        };
        Evaluation {
            holds,
            actual: match actual {
                Some(Expected::Number(n)) if self.subject == Subject::TimeElapsed => {
                    format!("{}s", n / 1000)
                }
                Some(Expected::Number(n)) => n.to_string(),
                Some(Expected::Word(w)) => w,
                None => "unknown".to_string(),
            },
        }
    }

    fn actual(&self, cluster: &Cluster) -> Option<Expected> {
        use Expected::{Number, Word};
        let count = |n: usize| Number(i64::try_from(n).unwrap_or(i64::MAX));
        Some(match &self.subject {
            Subject::TopicExists(name) => Word(
                if cluster.topic(name).is_some() {
                    "exists"
                } else {
                    "absent"
                }
                .to_string(),
            ),
            Subject::TopicPartitions(name) => count(cluster.topic(name)?.partitions.len()),
            Subject::TopicReplicationFactor(name) => {
                count(cluster.topic(name)?.replication_factor())
            }
            Subject::TopicRecords(name) => {
                let topic = cluster.topic(name)?;
                let mut total = 0;
                for p in &topic.partitions {
                    total += leader_offsets(cluster, name, p.partition)
                        .map_or(0, |o| o.high_watermark - o.log_start_offset);
                }
                Number(total)
            }
            Subject::TopicKeyPartitions(name, key) => {
                count(super::state::partitions_holding_key(cluster, name, key)?)
            }
            Subject::TopicKeyRecords(name, key) => {
                count(super::state::records_with_key(cluster, name, key)?)
            }
            Subject::TopicConfig(name, key) => Word(cluster.topic(name)?.configs.get(key)?.clone()),
            Subject::PartitionLeader(topic, partition) => {
                match cluster.partition_info(topic, *partition)?.leader {
                    Some(leader) => Number(i64::from(leader)),
                    None => Word("none".to_string()),
                }
            }
            Subject::PartitionIsr(topic, partition) => {
                count(cluster.partition_info(topic, *partition)?.isr.len())
            }
            Subject::PartitionOffset(topic, partition, kind) => {
                let offsets = leader_offsets(cluster, topic, *partition)?;
                Number(match kind {
                    OffsetKind::HighWatermark => offsets.high_watermark,
                    OffsetKind::LogEndOffset => offsets.log_end_offset,
                    OffsetKind::LogStartOffset => offsets.log_start_offset,
                    OffsetKind::RecoveryPoint => offsets.recovery_point,
                    OffsetKind::Segments => offsets.segments,
                })
            }
            Subject::RecordField(topic, partition, offset, field) => Word(
                super::state::record_field(cluster, topic, *partition, *offset, field_name(field))?,
            ),
            Subject::BrokerState(id) => Word(cluster.broker(*id)?.state.name().to_string()),
            Subject::BrokerFenced(id) => {
                cluster.broker(*id)?;
                Word((!cluster.is_unfenced(*id)).to_string())
            }
            Subject::Group(id, property) => group_property(cluster, id, property)?,
            Subject::ActiveController => match cluster.active_controller() {
                Some(id) => Number(i64::from(id)),
                None => Word("none".to_string()),
            },
            Subject::Quorum(property) => super::quorum::actual(cluster, property)?,
            Subject::TimeElapsed => {
                Number(cluster.now().as_millis() - cluster.options().start_time.as_millis())
            }
        })
    }
}

impl Op {
    fn compare(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Op::Eq => ordering == Equal,
            Op::Ne => ordering != Equal,
            Op::Lt => ordering == Less,
            Op::Le => ordering != Greater,
            Op::Gt => ordering == Greater,
            Op::Ge => ordering != Less,
        }
    }
}

fn field_name(field: &RecordField) -> super::state::Field<'_> {
    match field {
        RecordField::Key => super::state::Field::Key,
        RecordField::Value => super::state::Field::Value,
        RecordField::Header(name) => super::state::Field::Header(name),
    }
}

/// A group's property from the coordinators' state (`Cluster::group_overviews`); a group no
/// coordinator knows is `Dead` with no members, as `kafka-consumer-groups.sh` describes it.
fn group_property(cluster: &Cluster, id: &str, property: &GroupProperty) -> Option<Expected> {
    let overviews = cluster.group_overviews();
    let group = overviews.iter().find(|g| g.group_id == id);
    let count = |n: usize| Expected::Number(i64::try_from(n).unwrap_or(i64::MAX));
    Some(match (property, group) {
        (GroupProperty::State, None) => Expected::Word("Dead".to_string()),
        (GroupProperty::Members, None) => count(0),
        (_, None) => return None,
        (GroupProperty::State, Some(g)) => Expected::Word(g.state.to_string()),
        (GroupProperty::Members, Some(g)) => count(g.members.len()),
        (GroupProperty::Generation, Some(g)) => {
            Expected::Number(i64::from(g.generation_id.or(g.group_epoch)?))
        }
        (GroupProperty::Lag, Some(g)) => Expected::Number(g.total_lag()),
        (GroupProperty::Committed(topic, partition), Some(g)) => Expected::Number(
            g.partitions
                .iter()
                .find(|p| p.partition.topic == *topic && p.partition.partition == *partition)?
                .committed?,
        ),
    })
}

/// `orders-0` → (`orders`, 0); topic names may contain '-'.
fn split_partition(text: &str) -> Option<(String, i32)> {
    let (topic, partition) = text.rsplit_once('-')?;
    Some((topic.to_string(), partition.parse().ok()?))
}

/// A partition's offsets on its leader.
struct LeaderOffsets {
    log_start_offset: i64,
    high_watermark: i64,
    log_end_offset: i64,
    recovery_point: i64,
    segments: i64,
}

fn leader_offsets(cluster: &Cluster, topic: &str, partition: i32) -> Option<LeaderOffsets> {
    let leader = cluster.partition_info(topic, partition)?.leader?;
    let log = cluster.broker(leader)?.log(topic, partition)?;
    Some(LeaderOffsets {
        log_start_offset: log.log_start_offset(),
        high_watermark: log.high_watermark(),
        log_end_offset: log.log_end_offset(),
        recovery_point: log.recovery_point(),
        segments: i64::try_from(log.segments().count()).unwrap_or(i64::MAX),
    })
}
