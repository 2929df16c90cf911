//! The leader's side of reads: Fetch (`ReplicaManager.fetchMessages` for a consumer, reading up to
//! the high watermark) and ListOffsets (`UnifiedLog.fetchOffsetByTimestamp`).

use super::cluster::Cluster;
use super::error::{ApiError, ErrorCode};
use super::log::PartitionLog;
use super::record::RecordBatch;

/// ListOffsets' special timestamps (`ListOffsetsRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetSpec {
    /// `-1`: the high watermark for a `read_uncommitted` client.
    Latest,
    /// `-2`: the log start offset.
    Earliest,
    /// `-3`: the record with the largest timestamp (KIP-734).
    MaxTimestamp,
    /// `-4`: the earliest offset in local storage (KIP-405; all storage is local here).
    EarliestLocal,
    /// `-5`: the latest tiered offset (KIP-1005; nothing is tiered here, so none).
    LatestTiered,
    /// The first record with a timestamp at or after this one.
    Timestamp(i64),
}

/// A ListOffsets answer: the offset, and the timestamp when the spec asked for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetAndTimestamp {
    pub offset: i64,
    pub timestamp: Option<i64>,
}

/// Batches a consumer fetched, with the partition's bounds at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResult {
    pub batches: Vec<RecordBatch>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
}

impl Cluster {
    fn leader_log(
        &self,
        topic: &str,
        partition: i32,
    ) -> Result<(&PartitionLog, &crate::storage::FileStore), ApiError> {
        let leader = self.leader_of(topic, partition)?;
        let broker = self
            .broker(leader)
            .ok_or_else(|| ApiError::bare(ErrorCode::LeaderNotAvailable))?;
        if !self.is_serving(leader) {
            return Err(ApiError::bare(ErrorCode::NotLeaderOrFollower));
        }
        let log = broker
            .log(topic, partition)
            .ok_or_else(|| ApiError::bare(ErrorCode::NotLeaderOrFollower))?;
        Ok((log, &broker.store))
    }

    /// A consumer's Fetch of one partition from `offset`, up to `max_bytes` (at least one
    /// batch) and never past the high watermark. Batches are whole, so the first may start
    /// before `offset`; the consumer skips those records, as Kafka's does.
    pub fn fetch(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        max_bytes: i32,
    ) -> Result<FetchResult, ApiError> {
        let (log, store) = self.leader_log(topic, partition)?;
        log.check_fetch_offset(offset)?;
        // Decoded where they lie in the page cache: a consumer's fetch copies nothing first.
        let mut batches = Vec::new();
        let mut corrupt = None;
        log.read_batches(store, offset, max_bytes, log.high_watermark(), |bytes| {
            if corrupt.is_none() {
                match RecordBatch::decode(bytes) {
                    Ok((batch, _)) => batches.push(batch),
                    Err(error) => corrupt = Some(error),
                }
            }
        });
        if let Some(error) = corrupt {
            return Err(ApiError::new(ErrorCode::CorruptMessage, error.to_string()));
        }
        Ok(FetchResult {
            batches,
            high_watermark: log.high_watermark(),
            log_start_offset: log.log_start_offset(),
        })
    }

    /// A consumer's Fetch sent to `broker` because its metadata cache names it the leader
    /// (`engine::client::metadata_cache`): a broker that does not lead the partition refuses
    /// it with NOT_LEADER_OR_FOLLOWER (`ReplicaManager.readFromLocalLog`), one that is down
    /// never answers.
    pub fn fetch_from(
        &self,
        broker: i32,
        topic: &str,
        partition: i32,
        offset: i64,
        max_bytes: i32,
    ) -> Result<FetchResult, ApiError> {
        if !self.broker(broker).is_some_and(|b| b.is_running()) {
            return Err(ApiError::bare(ErrorCode::NetworkException));
        }
        match self.leader_of(topic, partition) {
            Ok(leader) if leader == broker => self.fetch(topic, partition, offset, max_bytes),
            Ok(_) => Err(ApiError::bare(ErrorCode::NotLeaderOrFollower)),
            Err(error) if error.code == ErrorCode::LeaderNotAvailable => {
                Err(ApiError::bare(ErrorCode::NotLeaderOrFollower))
            }
            Err(error) => Err(error),
        }
    }

    /// ListOffsets for one partition; `None` when no offset matches (Kafka's -1).
    pub fn list_offset(
        &self,
        topic: &str,
        partition: i32,
        spec: OffsetSpec,
    ) -> Result<Option<OffsetAndTimestamp>, ApiError> {
        let (log, store) = self.leader_log(topic, partition)?;
        let plain = |offset| {
            Some(OffsetAndTimestamp {
                offset,
                timestamp: None,
            })
        };
        Ok(match spec {
            OffsetSpec::Latest => plain(log.high_watermark()),
            OffsetSpec::Earliest | OffsetSpec::EarliestLocal => plain(log.log_start_offset()),
            OffsetSpec::LatestTiered => None,
            OffsetSpec::MaxTimestamp => {
                log.max_timestamp_offset(store).map(|t| OffsetAndTimestamp {
                    offset: t.offset,
                    timestamp: Some(t.timestamp),
                })
            }
            OffsetSpec::Timestamp(target) => {
                log.offset_for_timestamp(store, target)
                    .map(|t| OffsetAndTimestamp {
                        offset: t.offset,
                        timestamp: Some(t.timestamp),
                    })
            }
        })
    }
}
