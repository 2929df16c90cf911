//! Kafka's background jobs as deadlines in simulated time.
//!
//! A broker runs its housekeeping on `KafkaScheduler` threads: `LogManager` checks retention every
//! `log.retention.check.interval.ms` (first 30 s after start-up), the cleaner wakes after
//! `log.cleaner.backoff.ms`, deleted files go after `file.delete.delay.ms`, and logs flush on
//! their `flush.*` settings. Here each of those is a [`Task`] due at a time; the cluster runs the
//! due ones in time order as the clock moves ([`crate::engine::Cluster::advance_time`]), so a
//! long `time advance` plays out exactly as the same time would on a broker. Ties run in the
//! order they were scheduled, which keeps every run deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A job that falls due at a simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// `LogManager.cleanupLogs` ("kafka-log-retention"): every `log.retention.check.interval.ms`.
    LogRetention,
    /// `LocalLog.deleteSegmentFiles`' "delete-file" job: one broker's `.deleted` files go.
    DeleteSegmentFiles { broker: i32, files: Vec<String> },
    /// `LogManager.checkpointLogStartOffsets` ("kafka-log-start-offset-checkpoint").
    LogStartOffsetCheckpoint,
    /// A wake of every broker's log cleaner (`engine::cleaner`).
    LogCleaner,
    /// The log manager's flush jobs (`engine::flush`).
    Flush(crate::engine::flush::FlushTask),
    /// A follower's fetcher sends its next fetch to `leader` (`engine::replication::follower`).
    ReplicaFetch { broker: i32, leader: i32 },
    /// A follower's fetch got no answer within `replica.socket.timeout.ms`.
    ReplicaFetchTimeout { broker: i32, leader: i32 },
    /// A fetch a leader held (`DelayedFetch`) reaches `replica.fetch.wait.max.ms`.
    ParkedFetchExpiry { broker: i32, request_id: u64 },
    /// `ReplicaManager`'s "isr-expiration" job, every `replica.lag.time.max.ms / 2`.
    IsrExpiration { broker: i32 },
    /// The controller's heartbeat round (`engine::replication::controller`).
    ControllerTick,
    /// The controller's preferred-leader balance (`engine::replication::election`).
    LeaderBalance,
    /// A background producer's `linger.ms` ran out (`engine::client::background`).
    ProducerTick { name: String },
    /// A group's next deadline at its coordinator: a session, the join or sync phase
    /// (`engine::group::runtime`).
    GroupTimer { broker: i32, group_id: String },
    /// A background consumer's next wake (`engine::client::background_consumer`).
    ConsumerTick { name: String },
    /// A console consumer job's next wake (`engine::client::console_job`).
    ConsoleJobTick { number: u32 },
    /// A quorum node's election, fetch or check-quorum timer (`engine::kraft::election`).
    RaftTimer { node: i32 },
    /// A metadata-log fetch the leader held reaches its `MaxWaitMs` (`engine::kraft::replication`).
    RaftFetchExpiry {
        leader: i32,
        replica: i32,
        request_id: u64,
    },
}

/// A task in the queue. Its key — due time, then the order it was scheduled — is unique, so the
/// queue's order is total and the same however the tasks were stored.
#[derive(Debug, Clone)]
struct Queued {
    due_ms: i64,
    seq: u64,
    task: Task,
}

impl Queued {
    fn key(&self) -> (i64, u64) {
        (self.due_ms, self.seq)
    }
}

/// Reversed, so the standard max-heap gives the earliest key first.
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Queued {}

/// Tasks ordered by due time, then by the order they were scheduled. A binary heap: a busy
/// cluster schedules and runs a task per held fetch, and only the earliest is ever needed in
/// the hot path (the ordered walk of [`Scheduler::pending`] sorts on demand).
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    queue: BinaryHeap<Queued>,
    next_seq: u64,
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `task` to run at `due_ms`.
    pub fn schedule(&mut self, due_ms: i64, task: Task) {
        self.queue.push(Queued {
            due_ms,
            seq: self.next_seq,
            task,
        });
        self.next_seq += 1;
    }

    /// The earliest task due at or before `until_ms`, taken off the queue, with its due time.
    pub fn pop_due(&mut self, until_ms: i64) -> Option<(i64, Task)> {
        if self.queue.peek()?.due_ms > until_ms {
            return None;
        }
        self.queue.pop().map(|q| (q.due_ms, q.task))
    }

    /// When the next task is due, if any.
    pub fn next_due(&self) -> Option<i64> {
        self.queue.peek().map(|q| q.due_ms)
    }

    /// When the earliest task that `wanted` accepts is due, if any.
    pub fn next_due_of(&self, mut wanted: impl FnMut(&Task) -> bool) -> Option<i64> {
        self.queue
            .iter()
            .filter(|q| wanted(&q.task))
            .map(|q| q.due_ms)
            .min()
    }

    /// Every pending task with its due time, earliest first (for the UI and tests).
    pub fn pending(&self) -> impl Iterator<Item = (i64, &Task)> {
        let mut queued: Vec<&Queued> = self.queue.iter().collect();
        super::sorting::sort_by_key(&mut queued, |q| q.key());
        queued.into_iter().map(|q| (q.due_ms, &q.task))
    }

    /// Drops every pending task that `keep` refuses (e.g. a deleted topic's).
    pub fn retain(&mut self, mut keep: impl FnMut(&Task) -> bool) {
        self.queue.retain(|q| keep(&q.task));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_tasks_come_out_in_time_then_schedule_order() {
        let mut scheduler = Scheduler::new();
        scheduler.schedule(30, Task::LogRetention);
        scheduler.schedule(10, Task::LogRetention);
        scheduler.schedule(10, Task::LogRetention);
        assert_eq!(scheduler.next_due(), Some(10));
        assert_eq!(scheduler.pop_due(5), None);
        assert_eq!(scheduler.pop_due(10), Some((10, Task::LogRetention)));
        assert_eq!(scheduler.pop_due(10), Some((10, Task::LogRetention)));
        assert_eq!(scheduler.pop_due(29), None);
        assert_eq!(scheduler.pop_due(100), Some((30, Task::LogRetention)));
        assert_eq!(scheduler.next_due(), None);
    }
}
