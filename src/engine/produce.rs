//! The leader's side of a produce: `ReplicaManager.appendRecordsToLeader` for one partition.
//!
//! The leader validates the batch as `LogValidator` does (timestamps against
//! `message.timestamp.before/after.max.ms`, `LogAppendTime` stamping), assigns offsets from its
//! log end offset and its leader epoch, and appends. With one replica the high watermark follows
//! the log end offset at once; replication (issue #5) moves it through follower fetches.

use super::cluster::Cluster;
use super::config::TopicConfigs;
use super::error::{ApiError, ErrorCode, RecordError};
use super::log::segment::BatchSummary;
use super::log::AppendInfo;
use super::record::{RecordBatch, TimestampType};

impl Cluster {
    /// Appends `batch` (offsets relative to 0 as a producer sends them) to the leader's log of
    /// `topic`-`partition`.
    pub fn append_batch(
        &mut self,
        topic: &str,
        partition: i32,
        mut batch: RecordBatch,
    ) -> Result<AppendInfo, ApiError> {
        let now = self.now().as_millis();
        let leader = self.leader_of(topic, partition)?;
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
        validate_timestamps(&batch, config, now, topic, partition)?;
        if config.cleanup_policy.compact {
            validate_keys(&batch, topic, partition)?;
        }
        if config.message_timestamp_type == super::config::TimestampType::LogAppendTime {
            batch.set_max_timestamp(TimestampType::LogAppendTime, now);
        }
        let jitter = jitter_draw.map_or(0, |draw| {
            super::cluster::jitter_from_draw(draw, jitter_bound)
        });
        batch.set_base_offset(log.log_end_offset());
        batch.set_partition_leader_epoch(0);
        let summary = summarize(&batch);
        let bytes = batch.encode();
        let info = log.append(store, &summary, &bytes, jitter, now)?;
        let end = log.log_end_offset();
        log.set_high_watermark(end);
        let rolled_to = info.rolled.map(|r| r.new_base_offset);
        self.flush_after_append(leader, topic, partition, rolled_to);
        if let Some(rolled) = info.rolled {
            self.emit(super::event::EventKind::SegmentRolled {
                broker: leader,
                topic: topic.to_string(),
                partition,
                old_base_offset: rolled.old_base_offset,
                new_base_offset: rolled.new_base_offset,
            });
        }
        Ok(info)
    }

    /// The partition's leader, or Kafka's error for a missing topic or partition.
    pub fn leader_of(&self, topic: &str, partition: i32) -> Result<i32, ApiError> {
        let info = self
            .topic(topic)
            .and_then(|t| t.partitions.iter().find(|p| p.partition == partition))
            .ok_or_else(|| ApiError::bare(ErrorCode::UnknownTopicOrPartition))?;
        info.leader
            .ok_or_else(|| ApiError::bare(ErrorCode::LeaderNotAvailable))
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
