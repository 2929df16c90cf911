//! What the partition view shows, computed from the engine's public state: every replica's
//! log as segments (base offset, size, record count, time range, index entries, the active
//! one), its log start offset, high watermark and log end offset, a compacted log's clean tail
//! and dirty head, and any window of its records — read from that replica's own files, so a
//! follower that is behind shows exactly what it holds.

use crate::engine::record::RecordBatch;
use crate::engine::Cluster;

/// One segment of a replica's log (`LogSegment`): the `.log` file and its two indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRow {
    pub base_offset: i64,
    /// The offset after its last record (the next segment's base offset, or the log end).
    pub next_offset: i64,
    pub size_bytes: i32,
    pub record_count: i64,
    /// The timestamp `segment.ms` counts from (the first record's), and the largest one.
    pub first_timestamp: Option<i64>,
    pub max_timestamp: Option<i64>,
    /// Entries in `.index` and `.timeindex` (one per `index.interval.bytes` appended).
    pub offset_index_entries: usize,
    pub time_index_entries: usize,
    /// The segment being appended to; the others are sealed.
    pub active: bool,
}

/// A compacted log's halves, as the cleaner sees them (`LogCleanerManager.cleanableOffsets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanerMarks {
    /// Below it the clean tail (already compacted), from it the dirty head.
    pub first_dirty_offset: i64,
    /// The cleaner stops before this offset (the active segment, `min.compaction.lag.ms`).
    pub first_uncleanable_offset: i64,
    /// `dirty / total` in parts per million, against `min.cleanable.dirty.ratio`.
    pub dirty_ratio_ppm: u32,
    pub min_dirty_ratio_ppm: u32,
}

/// One replica of the partition on one broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaLog {
    pub node_id: i32,
    pub is_leader: bool,
    pub in_isr: bool,
    /// `None` while the broker is down: its log is closed (the files stay).
    pub log: Option<LogShape>,
}

/// The offsets and segments of an open log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogShape {
    pub log_start_offset: i64,
    pub high_watermark: i64,
    pub log_end_offset: i64,
    /// Offsets below it are flushed to the log dir (`recovery-point-offset-checkpoint`).
    pub recovery_point: i64,
    pub segments: Vec<SegmentRow>,
    pub cleaner: Option<CleanerMarks>,
}

/// The replicas of `topic`-`partition` in replica-list order; empty for an unknown partition.
pub fn replica_logs(cluster: &Cluster, topic: &str, partition: i32) -> Vec<ReplicaLog> {
    let Some(info) = cluster
        .topic(topic)
        .and_then(|t| t.partitions.iter().find(|p| p.partition == partition))
    else {
        return Vec::new();
    };
    info.replicas
        .iter()
        .map(|&node_id| ReplicaLog {
            node_id,
            is_leader: info.leader == Some(node_id),
            in_isr: info.isr.contains(&node_id),
            log: log_shape(cluster, node_id, topic, partition),
        })
        .collect()
}

fn log_shape(cluster: &Cluster, node_id: i32, topic: &str, partition: i32) -> Option<LogShape> {
    let log = cluster.broker(node_id)?.log(topic, partition)?;
    let active_base = log.active_segment().base_offset;
    let bases: Vec<i64> = log.segments().map(|s| s.base_offset).collect();
    let segments = log
        .segments()
        .enumerate()
        .map(|(i, segment)| SegmentRow {
            base_offset: segment.base_offset,
            next_offset: bases.get(i + 1).copied().unwrap_or(log.log_end_offset()),
            size_bytes: segment.size(),
            record_count: segment.record_count(),
            first_timestamp: segment.rolling_based_timestamp(),
            max_timestamp: (!segment.is_empty()).then(|| segment.max_timestamp_so_far()),
            offset_index_entries: segment.offset_index().entries().len(),
            time_index_entries: segment.time_index().entries().len(),
            active: segment.base_offset == active_base,
        })
        .collect();
    let cleaner = cluster
        .cleaner_status(node_id, topic, partition)
        .map(|status| CleanerMarks {
            first_dirty_offset: status.log.first_dirty_offset,
            first_uncleanable_offset: status.log.first_uncleanable_offset,
            dirty_ratio_ppm: ratio_ppm(status.log.cleanable_bytes, status.log.total_bytes),
            min_dirty_ratio_ppm: status.min_cleanable_dirty_ratio_ppm,
        });
    Some(LogShape {
        log_start_offset: log.log_start_offset(),
        high_watermark: log.high_watermark(),
        log_end_offset: log.log_end_offset(),
        recovery_point: log.recovery_point(),
        segments,
        cleaner,
    })
}

fn ratio_ppm(part: i64, total: i64) -> u32 {
    if total <= 0 {
        return 0;
    }
    u32::try_from(part.clamp(0, total) * 1_000_000 / total).unwrap_or(1_000_000)
}

/// One record as the records list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub offset: i64,
    pub timestamp: i64,
    /// `CreateTime` or `LogAppendTime`.
    pub timestamp_type: &'static str,
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: Vec<(String, Option<String>)>,
    /// Below the high watermark: consumers can read it. Above: only replicated so far.
    pub committed: bool,
    /// The leader epoch of its batch.
    pub leader_epoch: i32,
}

/// The longest key or value text a row shows; the rest is cut with `…`.
const SHOWN_BYTES: usize = 200;

/// Up to `count` records of the replica on `node_id` from `from_offset` on (offsets a
/// compaction removed are simply absent); empty when the broker is down or the offset is
/// outside the log. Reads that replica's files, as `kafka-dump-log.sh` would.
pub fn records_window(
    cluster: &Cluster,
    node_id: i32,
    topic: &str,
    partition: i32,
    from_offset: i64,
    count: usize,
) -> Vec<RecordRow> {
    let Some(broker) = cluster.broker(node_id) else {
        return Vec::new();
    };
    let Some(log) = broker.log(topic, partition) else {
        return Vec::new();
    };
    let (end, high_watermark) = (log.log_end_offset(), log.high_watermark());
    let mut rows = Vec::with_capacity(count);
    let mut next = from_offset.max(log.log_start_offset());
    while rows.len() < count && next < end {
        let Ok(fetched) = log.read(&broker.store, next, 64 * 1024, end) else {
            break;
        };
        let Ok(batches) = RecordBatch::decode_all(&fetched.bytes) else {
            break;
        };
        let Some(last) = batches.last() else {
            break;
        };
        let after = last.next_offset();
        for batch in &batches {
            for record in batch.records().iter().filter(|r| r.offset >= next) {
                if rows.len() == count {
                    break;
                }
                rows.push(RecordRow {
                    offset: record.offset,
                    timestamp: batch.timestamp_of(record),
                    timestamp_type: batch.timestamp_type().name(),
                    key: record.key.as_deref().map(shown),
                    value: record.value.as_deref().map(shown),
                    headers: record
                        .headers
                        .iter()
                        .map(|h| (h.key.clone(), h.value.as_deref().map(shown)))
                        .collect(),
                    committed: record.offset < high_watermark,
                    leader_epoch: batch.partition_leader_epoch(),
                });
            }
        }
        if after <= next {
            break;
        }
        next = after;
    }
    rows
}

/// Bytes as text (UTF-8, lossy), cut at [`SHOWN_BYTES`].
fn shown(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(SHOWN_BYTES)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > SHOWN_BYTES {
        text.push('…');
    }
    text
}
