//! The leader's side of reads: Fetch (`ReplicaManager.fetchMessages` for a consumer, reading up to
//! the high watermark) and ListOffsets (`UnifiedLog.fetchOffsetByTimestamp`).

use super::cluster::Cluster;
use super::error::{ApiError, ErrorCode};
use super::log::PartitionLog;
use super::record::{BatchRef, RecordBatch};

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

/// [`FetchResult`] read in place: the batches' records borrow from the leader's page cache, so
/// a reader that only looks (prints, counts, maps keys) copies no key or value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRef<'a> {
    pub batches: Vec<BatchRef<'a>>,
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
        let mut batches = Vec::new();
        let (high_watermark, log_start_offset) =
            self.fetch_each(topic, partition, offset, max_bytes, |bytes| {
                RecordBatch::decode(bytes).map(|(batch, _)| batches.push(batch))
            })?;
        Ok(FetchResult {
            batches,
            high_watermark,
            log_start_offset,
        })
    }

    /// [`Cluster::fetch`] without copying: the same batches, the same checks and errors, each
    /// record's key, value and headers borrowed from the leader's log.
    pub fn fetch_ref(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        max_bytes: i32,
    ) -> Result<FetchRef<'_>, ApiError> {
        let mut batches = Vec::new();
        let (high_watermark, log_start_offset) =
            self.fetch_each(topic, partition, offset, max_bytes, |bytes| {
                BatchRef::decode(bytes).map(|(batch, _)| batches.push(batch))
            })?;
        Ok(FetchRef {
            batches,
            high_watermark,
            log_start_offset,
        })
    }

    /// The read both fetches share: each whole batch handed to `decode` where it lies in the
    /// page cache (nothing copied first); the first corrupt batch ends the read as
    /// CORRUPT_MESSAGE. Returns the high watermark and log start offset.
    fn fetch_each<'s>(
        &'s self,
        topic: &str,
        partition: i32,
        offset: i64,
        max_bytes: i32,
        mut decode: impl FnMut(&'s [u8]) -> Result<(), crate::engine::record::BatchError>,
    ) -> Result<(i64, i64), ApiError> {
        let (log, store) = self.leader_log(topic, partition)?;
        log.check_fetch_offset(offset)?;
        let mut corrupt = None;
        log.read_batches(store, offset, max_bytes, log.high_watermark(), |bytes| {
            if corrupt.is_none() {
                corrupt = decode(bytes).err();
            }
        });
        if let Some(error) = corrupt {
            return Err(ApiError::new(ErrorCode::CorruptMessage, error.to_string()));
        }
        Ok((log.high_watermark(), log.log_start_offset()))
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
