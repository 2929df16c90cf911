//! The leader's side of a produce: `ReplicaManager.appendRecordsToLeader` for one partition.
//!
//! The leader validates the batch as `LogValidator` does (timestamps against
//! `message.timestamp.before/after.max.ms`, `LogAppendTime` stamping), assigns offsets from its
//! log end offset and its leader epoch, and appends. The high watermark moves when every ISR
//! member has the records (at once with one replica in the ISR; through follower fetches
//! otherwise, `engine::replication`). With `acks=all` the leader first checks the ISR against
//! `min.insync.replicas`, and the answer waits for the high watermark ([`Cluster::produce_outcome`],
//! `DelayedProduce`).

use super::cluster::Cluster;
use super::config::TopicConfigs;
use super::error::{ApiError, ErrorCode, RecordError};
use super::log::producer_state::{BatchMetadata, SequenceCheck};
use super::log::segment::BatchSummary;
use super::log::AppendInfo;
use super::record::{LeaderStamp, RecordBatch};

impl Cluster {
    /// Appends `batch` (offsets relative to 0 as a producer sends them) to the leader's log of
    /// `topic`-`partition`.
    pub fn append_batch(
        &mut self,
        topic: &str,
        partition: i32,
        batch: RecordBatch,
    ) -> Result<AppendInfo, ApiError> {
        self.produce(topic, partition, &batch, RequiredAcks::Leader)
            .map(|p| p.info)
    }

    /// A Produce of one batch (`ReplicaManager.appendRecords`, `Partition.appendRecordsToLeader`):
    /// refused when the leader's process is down (the connection fails), or — with
    /// `acks=all` — when the ISR is smaller than `min.insync.replicas`. The batch is the
    /// producer's, offsets from 0, kept as it is for a retry; the leader stamps what it writes.
    pub fn produce(
        &mut self,
        topic: &str,
        partition: i32,
        batch: &RecordBatch,
        acks: RequiredAcks,
    ) -> Result<Produced, ApiError> {
        let now = self.now().as_millis();
        let leader = self.leader_of(topic, partition)?;
        if !self.broker(leader).is_some_and(|b| b.is_running()) {
            return Err(ApiError::bare(ErrorCode::NetworkException));
        }
        // Back from a crash and not yet registered: it leads nothing until the controller says.
        if !self.is_serving(leader) {
            return Err(ApiError::bare(ErrorCode::NotLeaderOrFollower));
        }
        let (isr_len, leader_epoch, replication_factor) = self
            .partition_info(topic, partition)
            .map(|p| (p.isr.len(), p.leader_epoch, p.replicas.len()))
            .unwrap_or_default();
        // A new segment's share of `segment.jitter.ms` is drawn only when there is one, so the
        // generator's sequence does not depend on appends to topics without jitter.
        let jitter_bound = self
            .broker(leader)
            .and_then(|b| b.log(topic, partition))
            .map_or(0, |log| super::cluster::jitter_bound(log.config()));
        let jitter_draw = (jitter_bound > 0).then(|| self.rng().next_u64());
        let broker = self
            .broker_mut(leader)
            .ok_or_else(|| ApiError::bare(ErrorCode::LeaderNotAvailable))?;
        let (log, store) = broker
            .log_mut(topic, partition)
            .ok_or_else(|| ApiError::bare(ErrorCode::NotLeaderOrFollower))?;
        // The log's configs are the topic's, resolved when they last changed: resolving them from
        // the config layers on every append would cost more than the append.
        let config = log.config();
        // Partition.effectiveMinIsr: min.insync.replicas, capped at the replication factor.
        let min_isr = usize::try_from(config.min_insync_replicas)
            .unwrap_or(usize::MAX)
            .min(replication_factor);
        if acks == RequiredAcks::All && isr_len < min_isr {
            let isr: Vec<String> = self
                .partition_info(topic, partition)
                .map_or(&[][..], |p| &p.isr)
                .iter()
                .map(i32::to_string)
                .collect();
            return Err(ApiError::new(
                ErrorCode::NotEnoughReplicas,
                format!(
                    "The size of the current ISR Set({}) is insufficient to satisfy the min.isr requirement of {min_isr} for partition {topic}-{partition}",
                    isr.join(", ")
                ),
            ));
        }
        validate_timestamps(batch, config, now, topic, partition)?;
        if config.cleanup_policy.compact {
            validate_keys(batch, topic, partition)?;
        }
        let log_append_time = (config.message_timestamp_type
            == super::config::TimestampType::LogAppendTime)
            .then_some(now);
        let jitter = jitter_draw.map_or(0, |draw| {
            super::cluster::jitter_from_draw(draw, jitter_bound)
        });
        let producer_id = batch.producer_id();
        match log
            .producer_state()
            .check(producer_id, batch.base_sequence(), batch.last_sequence())
        {
            SequenceCheck::Append => {}
            SequenceCheck::Duplicate(written) => {
                // A retry of a batch already written: its original offsets, nothing appended.
                let info = AppendInfo {
                    first_offset: written.first_offset,
                    last_offset: written.last_offset,
                    rolled: None,
                };
                return Ok(Produced {
                    info,
                    leader,
                    leader_epoch,
                });
            }
            SequenceCheck::OutOfOrder { expected } => {
                return Err(ApiError::new(
                    ErrorCode::OutOfOrderSequenceNumber,
                    format!(
                        "Out of order sequence number for producer {producer_id} at offset {} in partition {topic}-{partition}: {} (incoming seq. number), {} (current end sequence number)",
                        log.log_end_offset(),
                        batch.base_sequence(),
                        expected.wrapping_sub(1)
                    ),
                ))
            }
        }
        let stamp = LeaderStamp {
            base_offset: log.log_end_offset(),
            partition_leader_epoch: leader_epoch,
            log_append_time,
        };
        let summary = summarize_stamped(batch, stamp);
        let bytes = batch.encode_stamped(stamp);
        let info = log.append(store, &summary, &bytes, jitter, now)?;
        log.producer_state_mut().record(
            producer_id,
            BatchMetadata {
                first_sequence: batch.base_sequence(),
                last_sequence: batch.last_sequence(),
                first_offset: info.first_offset,
                last_offset: info.last_offset,
            },
        );
        // UnifiedLog.append assigns the epoch's start once the batch is valid.
        if log.assign_leader_epoch(store, leader_epoch, summary.base_offset) {
            let path = log.leader_epoch_checkpoint_path();
            if let Some(broker) = self.broker_mut(leader) {
                broker.request_flush(&path);
            }
        }
        self.maybe_increment_high_watermark(leader, topic, partition);
        let rolled_to = info.rolled.map(|r| r.new_base_offset);
        self.flush_after_append(leader, topic, partition, rolled_to);
        self.wake_parked_fetches(leader, topic, partition);
        if let Some(rolled) = info.rolled {
            self.emit(super::event::EventKind::SegmentRolled {
                broker: leader,
                topic: topic.to_string(),
                partition,
                old_base_offset: rolled.old_base_offset,
                new_base_offset: rolled.new_base_offset,
            });
        }
        Ok(Produced {
            info,
            leader,
            leader_epoch,
        })
    }

    /// What became of an appended batch, as `DelayedProduce` decides it: `None` while the high
    /// watermark has not passed it; `NOT_LEADER_OR_FOLLOWER` once the leader changed; with
    /// `acks=all`, `NOT_ENOUGH_REPLICAS_AFTER_APPEND` when the ISR shrank below
    /// `min.insync.replicas` on the way (`Partition.checkEnoughReplicasReachOffset`).
    pub fn produce_outcome(
        &self,
        topic: &str,
        partition: i32,
        produced: &Produced,
    ) -> Option<Result<(), ApiError>> {
        let info = self.partition_info(topic, partition)?;
        if info.leader != Some(produced.leader) || info.leader_epoch != produced.leader_epoch {
            return Some(Err(ApiError::bare(ErrorCode::NotLeaderOrFollower)));
        }
        if !self.is_serving(produced.leader) {
            return None;
        }
        let log = self.broker(produced.leader)?.log(topic, partition)?;
        if log.high_watermark() <= produced.info.last_offset {
            return None;
        }
        let min_isr = usize::try_from(log.config().min_insync_replicas)
            .unwrap_or(usize::MAX)
            .min(info.replicas.len());
        if info.isr.len() < min_isr {
            return Some(Err(ApiError::bare(ErrorCode::NotEnoughReplicasAfterAppend)));
        }
        Some(Ok(()))
    }

    /// The partition's leader, or Kafka's error for a missing topic or partition.
    /// A Produce sent to `broker` because the client's metadata cache names it the leader
    /// (`engine::client::metadata_cache`): a broker that does not lead the partition (any
    /// more) refuses it with NOT_LEADER_OR_FOLLOWER (`Partition.appendRecordsToLeader`), and a
    /// broker that is down never answers (the client sees a disconnect).
    pub fn produce_to(
        &mut self,
        broker: i32,
        topic: &str,
        partition: i32,
        batch: &RecordBatch,
        acks: RequiredAcks,
    ) -> Result<Produced, ApiError> {
        if !self.broker(broker).is_some_and(|b| b.is_running()) {
            return Err(ApiError::bare(ErrorCode::NetworkException));
        }
        match self.leader_of(topic, partition) {
            Ok(leader) if leader == broker => self.produce(topic, partition, batch, acks),
            Ok(_) => Err(ApiError::bare(ErrorCode::NotLeaderOrFollower)),
            Err(error) if error.code == ErrorCode::LeaderNotAvailable => {
                Err(ApiError::bare(ErrorCode::NotLeaderOrFollower))
            }
            Err(error) => Err(error),
        }
    }

    pub fn leader_of(&self, topic: &str, partition: i32) -> Result<i32, ApiError> {
        let info = self
            .partition_info(topic, partition)
            .ok_or_else(|| ApiError::bare(ErrorCode::UnknownTopicOrPartition))?;
        info.leader
            .ok_or_else(|| ApiError::bare(ErrorCode::LeaderNotAvailable))
    }
}

/// How many replicas must have a batch before the producer hears back (`acks`; 0 never asks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredAcks {
    Leader,
    All,
}

/// A batch the leader appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Produced {
    pub info: AppendInfo,
    pub leader: i32,
    pub leader_epoch: i32,
}

/// What the log keeps about a batch, from its header alone (a follower's append).
pub fn summarize_header(header: &crate::engine::record::BatchHeader) -> BatchSummary {
    BatchSummary {
        base_offset: header.base_offset,
        last_offset: header.last_offset(),
        max_timestamp: header.max_timestamp,
        size_in_bytes: i32::try_from(header.size_in_bytes()).unwrap_or(i32::MAX),
        record_count: header.records_count,
    }
}

/// What the log keeps about `batch` as the leader appends it with `stamp`.
fn summarize_stamped(batch: &RecordBatch, stamp: LeaderStamp) -> BatchSummary {
    BatchSummary {
        base_offset: stamp.base_offset,
        last_offset: stamp
            .base_offset
            .wrapping_add(i64::from(batch.last_offset_delta())),
        max_timestamp: stamp.log_append_time.unwrap_or(batch.max_timestamp()),
        ..summarize(batch)
    }
}

/// What the log keeps about a batch (`LogAppendInfo`).
pub fn summarize(batch: &RecordBatch) -> BatchSummary {
    BatchSummary {
        base_offset: batch.base_offset(),
        last_offset: batch.last_offset(),
        max_timestamp: batch.max_timestamp(),
        size_in_bytes: i32::try_from(batch.size_in_bytes()).unwrap_or(i32::MAX),
        record_count: batch.record_count(),
    }
}

/// `LogValidator.validateTimestamp` for `CreateTime` topics (KIP-937 bounds).
fn validate_timestamps(
    batch: &RecordBatch,
    config: &TopicConfigs,
    now: i64,
    topic: &str,
    partition: i32,
) -> Result<(), ApiError> {
    if config.message_timestamp_type != super::config::TimestampType::CreateTime {
        return Ok(());
    }
    let earliest = now.saturating_sub(config.message_timestamp_before_max_ms);
    let latest = now.saturating_add(config.message_timestamp_after_max_ms);
    for record in batch.records() {
        let timestamp = batch.timestamp_of(record);
        if timestamp < earliest || timestamp > latest {
            return Err(ApiError::new(
                ErrorCode::InvalidTimestamp,
                format!(
                    "Timestamp {timestamp} of message with offset {} is out of range. The timestamp should be within [{earliest}, {latest}] in {topic}-{partition}",
                    record.offset
                ),
            ));
        }
    }
    Ok(())
}

/// `LogValidator.validateKey` for a compacted topic: every record needs a key. The whole batch is
/// refused with a record error per keyless record (`processRecordErrors`).
fn validate_keys(batch: &RecordBatch, topic: &str, partition: i32) -> Result<(), ApiError> {
    let record_errors: Vec<RecordError> = batch
        .records()
        .iter()
        .enumerate()
        .filter(|(_, record)| record.key.is_none())
        .map(|(index, _)| RecordError {
            batch_index: i32::try_from(index).unwrap_or(i32::MAX),
            message: Some(format!(
                "Compacted topic cannot accept message without key in topic partition {topic}-{partition}."
            )),
        })
        .collect();
    if record_errors.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = record_errors
        .iter()
        .take(3)
        .map(ToString::to_string)
        .collect();
    let mut error = ApiError::new(
        ErrorCode::InvalidRecord,
        format!(
            "One or more records have been rejected due to {} record errors in total, and only showing the first three errors at most: [{}]",
            record_errors.len(),
            shown.join(", ")
        ),
    );
    error.record_errors = record_errors;
    Err(error)
}
