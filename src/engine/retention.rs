//! Retention as a broker runs it: the background jobs and `DeleteRecords`.
//!
//! Follows Kafka 4.1's `LogManager.startup`, which schedules on the broker's `KafkaScheduler`:
//!
//! - "kafka-log-retention" → `cleanupLogs`, first after `InitialTaskDelayMs` (30 s), then every
//!   `log.retention.check.interval.ms` (300 s): `UnifiedLog.deleteOldSegments` on every log that
//!   is **not** compacted. Compacted logs (`compact` and `compact,delete`) are left to the log
//!   cleaner's thread, which calls `deleteOldSegments` on them after each cleaning pass
//!   (`LogCleanerManager.deletableLogs`); [`Cluster::delete_old_segments_of_compacted_logs`] is
//!   that call, made by the cleaner after each wake (`engine::cleaner`).
//! - "kafka-log-start-offset-checkpoint" → `checkpointLogStartOffsets`, first after 30 s, then
//!   every `log.flush.start.offset.checkpoint.interval.ms` (60 s): `log-start-offset-checkpoint`
//!   lists each log whose start offset is past its first segment's base offset.
//! - "delete-file" (`LocalLog.deleteSegmentFiles`), once per deletion, `file.delete.delay.ms`
//!   (the topic's, 60 s by default) after the segments' files were renamed `.deleted`.
//!
//! At start-up, leftover `.deleted` files are removed at once, as `LogLoader` does
//! (`removeTempFilesAndCollectSwapFiles`): the delete jobs of the previous run are gone with it.
//!
//! `DeleteRecords` (`ReplicaManager.deleteRecordsOnLocalLog`, `Partition.deleteRecordsOnLeader`)
//! only moves the leader's log start offset; whole segments below it go at the next retention
//! check (`deleteLogStartOffsetBreachedSegments`).

use super::cluster::{roll_jitter, Cluster};
use super::error::{ApiError, ErrorCode};
use super::event::EventKind;
use super::log::checkpoint::{self, OffsetCheckpoint};
use super::log::retention::{LogStartOffsetIncrementReason, SegmentDeletion, DELETED_FILE_SUFFIX};
use super::scheduler::Task;
use super::topic;
use crate::engine::sorting::CollectBTree;
use crate::storage::FileStore;

/// `LogManager.InitialTaskDelayMs`: the first run of every periodic log job after start-up.
pub const INITIAL_TASK_DELAY_MS: i64 = 30_000;
/// `log.retention.check.interval.ms`' default, used if the broker configs cannot be resolved.
pub const DEFAULT_RETENTION_CHECK_INTERVAL_MS: i64 = 300_000;
/// `log.flush.start.offset.checkpoint.interval.ms` (a read-only broker config, default 60 s).
pub const LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS: i64 = 60_000;
/// `DeleteRecordsRequest.HIGH_WATERMARK`: delete up to the high watermark.
pub const HIGH_WATERMARK: i64 = -1;

impl Cluster {
    /// The retention jobs of `LogManager.startup`, and `LogLoader`'s removal of `.deleted` files.
    pub(crate) fn schedule_retention_jobs(&mut self) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id) {
                remove_deleted_files(&mut broker.store);
            }
        }
        self.schedule_in(INITIAL_TASK_DELAY_MS, Task::LogRetention);
        self.schedule_in(INITIAL_TASK_DELAY_MS, Task::LogStartOffsetCheckpoint);
    }

    /// `LogManager.cleanupLogs`: `deleteOldSegments` on every log that is not compacted, then
    /// the next check `log.retention.check.interval.ms` later.
    pub(crate) fn run_log_retention(&mut self) {
        for (broker, topic, partition) in self.hosted_logs(|compact| !compact) {
            self.delete_old_segments(broker, &topic, partition);
        }
        let interval = self
            .broker_configs()
            .resolve()
            .map_or(DEFAULT_RETENTION_CHECK_INTERVAL_MS, |c| {
                c.log_retention_check_interval_ms
            });
        self.schedule_in(interval.max(1), Task::LogRetention);
    }

    /// One broker's log cleaner's retention pass (`LogCleanerManager.deletableLogs`, then
    /// `deleteOldSegments` on each): every compacted log it hosts. Returns the segments deleted.
    pub fn delete_old_segments_of_compacted_logs(&mut self, node_id: i32) -> usize {
        self.hosted_logs(|compact| compact)
            .into_iter()
            .filter(|(broker, _, _)| *broker == node_id)
            .map(|(broker, topic, partition)| self.delete_old_segments(broker, &topic, partition))
            .sum()
    }

    /// Every log on every broker whose `cleanup.policy` compaction flag passes `filter`.
    fn hosted_logs(&self, filter: impl Fn(bool) -> bool) -> Vec<(i32, String, i32)> {
        self.brokers()
            .flat_map(|b| {
                b.logs()
                    .filter(|log| filter(log.config().cleanup_policy.compact))
                    .map(|log| (b.node_id, log.topic().to_string(), log.partition()))
            })
            .collect()
    }

    /// `UnifiedLog.deleteOldSegments` on one broker's log of a partition: events for what went,
    /// and a "delete-file" job `file.delete.delay.ms` later. Returns the segments deleted.
    pub fn delete_old_segments(&mut self, broker: i32, topic: &str, partition: i32) -> usize {
        let now = self.now().as_millis();
        // The new segment of a roll draws its jitter; the generator is lent and given back.
        let mut rng = self.rng().clone();
        let Some((log, store)) = self
            .broker_mut(broker)
            .and_then(|b| b.log_mut(topic, partition))
        else {
            return 0;
        };
        let config = log.config().clone();
        let mut jitter = || roll_jitter(&mut rng, &config);
        let deletions = log.delete_old_segments(store, now, &mut jitter);
        *self.rng() = rng;
        let mut deleted = 0;
        for deletion in deletions {
            deleted += deletion.segments.len();
            self.record_deletion(
                broker,
                topic,
                partition,
                deletion,
                config.file_delete_delay_ms,
            );
        }
        deleted
    }

    fn record_deletion(
        &mut self,
        broker: i32,
        topic: &str,
        partition: i32,
        deletion: SegmentDeletion,
        file_delete_delay_ms: i64,
    ) {
        if let Some((old_base_offset, new_base_offset)) = deletion.rolled {
            self.emit(EventKind::SegmentRolled {
                broker,
                topic: topic.to_string(),
                partition,
                old_base_offset,
                new_base_offset,
            });
        }
        if let Some((old, new)) = deletion.log_start_offset {
            self.emit(EventKind::LogStartOffsetIncremented {
                broker,
                topic: topic.to_string(),
                partition,
                old_log_start_offset: old,
                new_log_start_offset: new,
                reason: LogStartOffsetIncrementReason::SegmentDeletion,
            });
        }
        self.emit(EventKind::SegmentsDeleted {
            broker,
            topic: topic.to_string(),
            partition,
            reason: deletion.reason,
            segments: deletion.segments,
        });
        let files = deletion.deleted_files;
        if !files.is_empty() {
            self.schedule_in(
                file_delete_delay_ms,
                Task::DeleteSegmentFiles { broker, files },
            );
        }
    }

    /// The "delete-file" job: `LogSegment.deleteIfExists` for each `.deleted` file.
    pub(crate) fn run_delete_segment_files(&mut self, broker: i32, files: &[String]) {
        let Some(node) = self.broker_mut(broker) else {
            return;
        };
        let deleted: Vec<String> = files
            .iter()
            .filter(|path| node.store.delete(path))
            .cloned()
            .collect();
        if !deleted.is_empty() {
            self.emit(EventKind::SegmentFilesDeleted {
                broker,
                files: deleted,
            });
        }
    }

    /// `LogManager.checkpointLogStartOffsets`, then the next one 60 s later.
    pub(crate) fn run_log_start_offset_checkpoint(&mut self) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id) {
                let text = checkpoint::encode_offsets(&log_start_offsets(broker));
                let path = checkpoint::LOG_START_OFFSET_CHECKPOINT;
                // The same text again changes nothing on disk; skip it so an idle flush writes nothing.
                if broker.store.contents(path) != Some(text.as_bytes()) {
                    broker.store.replace(path, text.as_bytes());
                }
            }
        }
        self.schedule_in(
            LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS,
            Task::LogStartOffsetCheckpoint,
        );
    }

    /// `DeleteRecords` for one partition, on its leader: `offset` -1 means the high watermark.
    /// Returns the low watermark (the leader's new log start offset; with one replica per
    /// partition until replication lands, that is `lowWatermarkIfLeader`).
    pub fn delete_records(
        &mut self,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Result<i64, ApiError> {
        if topic::is_internal(topic) {
            return Err(ApiError::new(
                ErrorCode::InvalidTopicException,
                format!("Cannot delete records of internal topic {topic}"),
            ));
        }
        let leader = self.leader_of(topic, partition)?;
        let (log, _) = self
            .broker_mut(leader)
            .and_then(|b| b.log_mut(topic, partition))
            .ok_or_else(|| ApiError::bare(ErrorCode::NotLeaderOrFollower))?;
        if !log.config().cleanup_policy.delete {
            return Err(ApiError::new(
                ErrorCode::PolicyViolation,
                format!(
                    "Records of partition {topic}-{partition} can not be deleted due to the configured policy"
                ),
            ));
        }
        let converted = if offset == HIGH_WATERMARK {
            log.high_watermark()
        } else {
            offset
        };
        if converted < 0 {
            return Err(ApiError::new(
                ErrorCode::OffsetOutOfRange,
                format!("The offset {converted} for partition {topic}-{partition} is not valid"),
            ));
        }
        let old = log.log_start_offset();
        let moved = log.maybe_increment_log_start_offset(converted)?;
        let low_watermark = log.log_start_offset();
        if moved {
            self.emit(EventKind::LogStartOffsetIncremented {
                broker: leader,
                topic: topic.to_string(),
                partition,
                old_log_start_offset: old,
                new_log_start_offset: low_watermark,
                reason: LogStartOffsetIncrementReason::ClientRecordDeletion,
            });
        }
        Ok(low_watermark)
    }
}

/// `LogManager.checkpointLogStartOffsetsInDir`: only logs whose start is past their first segment.
pub fn log_start_offsets(broker: &super::broker::Broker) -> OffsetCheckpoint {
    broker
        .logs()
        .filter(|log| {
            let first_base_offset = log.segments().next().map_or(0, |s| s.base_offset);
            log.log_start_offset() > first_base_offset
        })
        .map(|log| {
            (
                (log.topic().to_string(), log.partition()),
                log.log_start_offset(),
            )
        })
        .collect_map()
}

/// Removes every `*.deleted` file in a log dir's partition directories.
fn remove_deleted_files(store: &mut FileStore) {
    for dir in store.dirs() {
        for path in store.list(&dir) {
            if path.ends_with(DELETED_FILE_SUFFIX) {
                store.delete(&path);
            }
        }
    }
}
