//! Flush policy: when a partition's bytes become durable, and the seam to the back-ends that
//! make them so.
//!
//! Kafka leaves flushing to the operating system by default and fsyncs only when told to
//! (`UnifiedLog`, `LogManager`):
//!
//! - **`flush.messages`** (broker `log.flush.interval.messages`, default `Long.MAX_VALUE`): after
//!   an append, a log with at least that many offsets past its recovery point is flushed
//!   (`UnifiedLog.append`: `unflushedMessages >= flushInterval`). `flush.messages=1` makes every
//!   append durable.
//! - **`flush.ms`** (broker `log.flush.interval.ms`, falling back to
//!   `log.flush.scheduler.interval.ms`, default `Long.MAX_VALUE`): the `kafka-log-flusher` job
//!   (`LogManager.flushDirtyLogs`, first 30 s after start-up, then every
//!   `log.flush.scheduler.interval.ms`) flushes a log last flushed at least `flush.ms` ago.
//! - **A roll** flushes the segments before the new one (`UnifiedLog.roll` schedules
//!   `flushUptoOffsetExclusive(newSegment.baseOffset)` at once; done synchronously here).
//! - **`log.flush.offset.checkpoint.interval.ms`** (60 s): the `kafka-recovery-point-checkpoint`
//!   job writes every log's recovery point to `recovery-point-offset-checkpoint`
//!   (`LogManager.checkpointLogRecoveryOffsets`).
//!
//! A flush up to offset `o` makes durable every segment from the one holding the recovery point
//! to the last one starting below `o` — their `.log`, `.index` and `.timeindex`
//! (`LocalLog.flush`, `LogSegment.flush`) — and then moves the recovery point to `o`
//! (`LocalLog.markFlushed`).
//!
//! **The seam.** The engine has no disk: it decides *what* is durable and records it in each
//! broker's [`FlushQueue`], a list of file paths in the log dir, in the order they must reach the
//! disk. A back-end drains it: [`crate::engine::broker::Broker::flush_requested`] applies it with
//! [`FileStore::flush`] and `Scope::File` for each path (`kplay --data-dir` does this after each
//! command, with a `DirDisk`); an asynchronous back-end (IndexedDB, issue #9) takes the paths with
//! [`crate::engine::broker::Broker::take_flush_requests`] and [`FileStore::take_changes`]. Data
//! files keep their first place in the queue and checkpoint files (at the top of the log dir)
//! move to its end, so a checkpoint never reaches the disk before the data it describes; the
//! queue never holds a path twice, so it stays as small as the log dir.
//!
//! What the operating system would write back on its own is not modelled: an unclean stop keeps
//! exactly what was flushed — Kafka's worst case, a power loss before the page cache was written.
//! A clean shutdown flushes everything and then writes the clean-shutdown file.

use super::broker::Broker;
use super::cluster::Cluster;
use super::event::EventKind;
use super::log::checkpoint::{self, OffsetCheckpoint};
use super::log::recovery::{clean_shutdown_file_contents, CLEAN_SHUTDOWN_FILE};
use super::scheduler::Task;
use crate::storage::{Disk, Scope, StorageError};

/// `LogManager.InitialTaskDelayMs`: the log manager's jobs first run 30 s after start-up.
pub const INITIAL_TASK_DELAY_MS: i64 = 30_000;
/// The broker config for the recovery-point checkpoint job's period.
pub const LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS: &str = "log.flush.offset.checkpoint.interval.ms";

/// The log manager's flush jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushTask {
    /// `kafka-log-flusher`: `LogManager.flushDirtyLogs`.
    FlushDirtyLogs,
    /// `kafka-recovery-point-checkpoint`: `LogManager.checkpointLogRecoveryOffsets`.
    CheckpointRecoveryPoints,
}

/// Paths in a broker's log dir that must reach its disk, in order (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlushQueue {
    paths: Vec<String>,
}

impl FlushQueue {
    /// A segment file: keeps its place if already queued (a later flush of it writes the newer
    /// bytes anyway, and earlier is safe).
    pub(crate) fn push_data(&mut self, path: String) {
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
    }

    /// A checkpoint: always last, after the data it describes.
    fn push_checkpoint(&mut self, path: &str) {
        self.paths.retain(|p| p != path);
        self.paths.push(path.to_string());
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

impl Broker {
    /// Asks for `path` (a data file in this log dir) to be made durable, for engine code that
    /// needs a file on disk, as the cleaner needs its new segments before the old ones go. The
    /// queue is drained between commands (a simulated crash falls between commands too), so ask
    /// under the name the file has once the command is done.
    pub(crate) fn request_flush(&mut self, path: &str) {
        self.flush_queue.push_data(path.to_string());
    }

    /// The paths the engine made durable since the last call, in the order to flush them.
    pub fn take_flush_requests(&mut self) -> Vec<String> {
        self.queue_metadata_log();
        std::mem::take(&mut self.flush_queue.paths)
    }

    /// The metadata log and `quorum-state` are durable once written: the Raft client flushes
    /// before it acknowledges (`KafkaRaftClient` `flushLeaderLog`, `FileQuorumStateStore`), so
    /// a crash keeps every record and vote a restart rebuilds the cluster from.
    fn queue_metadata_log(&mut self) {
        let prefix = format!("{}/", crate::engine::kraft::metadata_log::dir());
        for path in self.store.dirty_paths() {
            if path.starts_with(&prefix) {
                self.flush_queue.push_data(path);
            }
        }
    }

    /// Writes what the engine made durable to `disk` (a synchronous back-end's side of the seam).
    /// Returns the bytes of file data written. On an error the remaining paths stay queued.
    pub fn flush_requested(&mut self, disk: &mut dyn Disk) -> Result<u64, StorageError> {
        self.queue_metadata_log();
        let mut written = 0;
        while let Some(path) = self.flush_queue.paths.first().cloned() {
            written += self.store.flush(disk, Scope::File(&path))?;
            self.flush_queue.paths.remove(0);
        }
        Ok(written)
    }
}

impl Cluster {
    /// `LogManager.startup`'s flush jobs.
    pub(crate) fn schedule_flush_jobs(&mut self) {
        self.schedule_in(
            INITIAL_TASK_DELAY_MS,
            Task::Flush(FlushTask::FlushDirtyLogs),
        );
        self.schedule_in(
            INITIAL_TASK_DELAY_MS,
            Task::Flush(FlushTask::CheckpointRecoveryPoints),
        );
    }

    /// Runs a flush job and schedules its next run (`KafkaScheduler.schedule` with a period; a
    /// period of `Long.MAX_VALUE` never comes round again).
    pub(crate) fn run_flush_task(&mut self, task: FlushTask) {
        let period = match task {
            FlushTask::FlushDirtyLogs => {
                self.flush_dirty_logs();
                self.broker_configs()
                    .resolve()
                    .map_or(i64::MAX, |c| c.log_flush_scheduler_interval_ms)
            }
            FlushTask::CheckpointRecoveryPoints => {
                self.checkpoint_recovery_points();
                self.broker_configs()
                    .value(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS)
                    .ok()
                    .flatten()
                    .and_then(|v| v.as_number())
                    .unwrap_or(60_000)
            }
        };
        if period < i64::MAX - self.now().as_millis() {
            self.schedule_in(period.max(1), Task::Flush(task));
        }
    }

    /// After an append to the leader's log: the roll's flush of the older segments, then
    /// `flush.messages` (`UnifiedLog.roll`, `UnifiedLog.append`).
    pub(crate) fn flush_after_append(
        &mut self,
        broker: i32,
        topic: &str,
        partition: i32,
        rolled_to: Option<i64>,
    ) {
        if let Some(new_base_offset) = rolled_to {
            self.flush_log(broker, topic, partition, Some(new_base_offset));
        }
        let due = self
            .broker(broker)
            .and_then(|b| b.log(topic, partition))
            .is_some_and(|log| log.unflushed_messages() >= log.config().flush_messages);
        if due {
            self.flush_log(broker, topic, partition, None);
        }
    }

    /// One log flushed (see [`flush_log`]), and the event for the timeline.
    fn flush_log(&mut self, broker: i32, topic: &str, partition: i32, upto: Option<i64>) {
        let now = self.now().as_millis();
        let flushed = self
            .broker_mut(broker)
            .and_then(|b| flush_log(b, topic, partition, upto, now));
        if let Some(recovery_point) = flushed {
            self.emit(EventKind::LogFlushed {
                broker,
                topic: topic.to_string(),
                partition,
                recovery_point,
            });
        }
    }

    /// `LogManager.flushDirtyLogs`: every log last flushed at least `flush.ms` ago.
    fn flush_dirty_logs(&mut self) {
        let now = self.now().as_millis();
        let due: Vec<(i32, String, i32)> = self
            .brokers()
            .flat_map(|b| {
                b.logs()
                    .filter(|log| now.saturating_sub(log.last_flush_ms()) >= log.config().flush_ms)
                    .map(|log| (b.node_id, log.topic().to_string(), log.partition()))
            })
            .collect();
        for (broker, topic, partition) in due {
            self.flush_log(broker, &topic, partition, None);
        }
    }

    /// `LogManager.checkpointLogRecoveryOffsets`: each log dir's `recovery-point-offset-checkpoint`.
    pub fn checkpoint_recovery_points(&mut self) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id).filter(|b| b.is_running()) {
                let mut points = OffsetCheckpoint::new();
                for log in broker.logs() {
                    let key = (log.topic().to_string(), log.partition());
                    points.insert(key, log.recovery_point());
                }
                let name = checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT;
                let text = checkpoint::encode_offsets(&points);
                if broker.store.contents(name) != Some(text.as_bytes()) {
                    broker.store.replace(name, text.as_bytes());
                }
                broker.flush_queue.push_checkpoint(name);
            }
        }
    }

    /// The first half of a clean shutdown (`LogManager.shutdown`): every log flushed, its last
    /// segment closed, every checkpoint written. Flush each broker's store with `Scope::All`
    /// afterwards, then call [`Cluster::write_clean_shutdown_files`]. Only running brokers shut
    /// down: a crashed one stays crashed (the next start recovers it).
    pub fn prepare_clean_shutdown(&mut self) {
        let now = self.now().as_millis();
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id).filter(|b| b.is_running()) {
                let keys: Vec<(String, i32)> = broker
                    .logs()
                    .map(|log| (log.topic().to_string(), log.partition()))
                    .collect();
                for (topic, partition) in keys {
                    if let Some((log, _)) = broker.log_mut(&topic, partition) {
                        let end = log.log_end_offset();
                        log.mark_flushed(end, now);
                    }
                }
                // Everything is flushed with Scope::All next; nothing is left to ask for.
                broker.flush_queue = FlushQueue::default();
            }
        }
        self.checkpoint_log_dirs();
    }

    /// The last step of a clean shutdown: `CleanShutdownFileHandler.write` in every log dir.
    /// Flush it (`Scope::File(CLEAN_SHUTDOWN_FILE)`) after everything else is on disk.
    pub fn write_clean_shutdown_files(&mut self) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id).filter(|b| b.is_running()) {
                let contents = clean_shutdown_file_contents(-1);
                broker
                    .store
                    .replace(CLEAN_SHUTDOWN_FILE, contents.as_bytes());
            }
        }
    }
}

/// `UnifiedLog.flushUptoOffsetExclusive` (to the log end offset when `upto` is `None`): the new
/// recovery point, or `None` when there was nothing to flush.
fn flush_log(
    broker: &mut Broker,
    topic: &str,
    partition: i32,
    upto: Option<i64>,
    now: i64,
) -> Option<i64> {
    let (log, _) = broker.log_mut(topic, partition)?;
    let upto = upto.unwrap_or_else(|| log.log_end_offset());
    let recovery_point = log.recovery_point();
    if upto <= recovery_point {
        return None;
    }
    // LogSegments.values(recoveryPoint, upto): from the segment holding the recovery point to
    // the last one starting below `upto`.
    let bases: Vec<i64> = log.segments().map(|s| s.base_offset).collect();
    let first = bases
        .partition_point(|&b| b <= recovery_point)
        .saturating_sub(1);
    let mut paths = Vec::new();
    for segment in log.segments().skip(first) {
        if segment.base_offset >= upto {
            break;
        }
        paths.push(segment.log_path());
        paths.push(segment.index_path());
        paths.push(segment.time_index_path());
    }
    log.mark_flushed(upto, now);
    let recovery_point = log.recovery_point();
    for path in paths {
        broker.flush_queue.push_data(path);
    }
    Some(recovery_point)
}

#[cfg(test)]
#[path = "flush_tests.rs"]
mod tests;
