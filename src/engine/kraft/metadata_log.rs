//! A node's copy of `__cluster_metadata-0` in its log dir (`KafkaMetadataLog`): batches of
//! metadata records in the v2 format with the Raft epoch as their partition leader epoch, the
//! leader's `LeaderChangeMessage` control batches, the `quorum-state` file, and decoding the
//! committed records back. The log is flushed as it is written (the Raft client flushes before
//! it acknowledges), so a crash loses none of it.

use super::records::{LeaderChange, MetadataRecord};
use super::METADATA_TOPIC;
use crate::engine::log::{partition_dir, LogConfig, PartitionLog};
use crate::engine::produce::summarize;
use crate::engine::produce::summarize_header;
use crate::engine::record::{BatchHeader, BatchOptions, RecordBatch, RecordBatchBuilder};
use crate::storage::FileStore;

/// The metadata log's directory in a log dir.
pub fn dir() -> String {
    partition_dir(METADATA_TOPIC, 0)
}

/// `quorum-state`'s path (`FileQuorumStateStore`).
pub fn quorum_state_path() -> String {
    format!("{}/quorum-state", dir())
}

/// The metadata log's settings: `metadata.log.segment.bytes` (1 GiB), `metadata.log.segment.ms`
/// (7 days), no retention by time or size (snapshots bound it).
pub fn config() -> LogConfig {
    LogConfig {
        retention_ms: -1,
        max_message_bytes: 8 * 1024 * 1024,
        ..LogConfig::default()
    }
}

/// A new, empty metadata log.
pub fn create(store: &mut FileStore, now: i64) -> PartitionLog {
    PartitionLog::create(store, METADATA_TOPIC, 0, config(), 0, now)
}

/// Appends `records` as one batch of `epoch` at the log end; returns the first offset.
pub fn append_records(
    log: &mut PartitionLog,
    store: &mut FileStore,
    epoch: i32,
    records: &[MetadataRecord],
    now: i64,
) -> i64 {
    let values = records.iter().map(|r| (Vec::new(), r.encode())).collect();
    append_batch(log, store, epoch, false, values, now)
}

/// Appends the `LeaderChangeMessage` a new leader writes first in its epoch; returns its offset.
pub fn append_leader_change(
    log: &mut PartitionLog,
    store: &mut FileStore,
    epoch: i32,
    change: &LeaderChange,
    now: i64,
) -> i64 {
    append_batch(
        log,
        store,
        epoch,
        true,
        vec![(LeaderChange::key(), change.encode())],
        now,
    )
}

/// One batch (keys empty means null keys), appended and flushed.
fn append_batch(
    log: &mut PartitionLog,
    store: &mut FileStore,
    epoch: i32,
    control: bool,
    records: Vec<(Vec<u8>, Vec<u8>)>,
    now: i64,
) -> i64 {
    let base = log.log_end_offset();
    let options = BatchOptions {
        partition_leader_epoch: epoch,
        is_control: control,
        ..BatchOptions::default()
    };
    let Ok(mut builder) = RecordBatchBuilder::new(base, options) else {
        return base;
    };
    for (key, value) in records {
        let key = (!key.is_empty()).then_some(key);
        if builder.append(now, key, Some(value), Vec::new()).is_err() {
            return base;
        }
    }
    let batch: RecordBatch = builder.build();
    let bytes = batch.encode();
    log.assign_leader_epoch(store, epoch, base);
    if log
        .append(store, &summarize(&batch), &bytes, 0, now)
        .is_ok()
    {
        let end = log.log_end_offset();
        log.mark_flushed(end, now);
    }
    base
}

/// Appends whole batches fetched from the leader (each must start at the log end); returns
/// how many batches were appended.
pub fn append_fetched(
    log: &mut PartitionLog,
    store: &mut FileStore,
    bytes: &[u8],
    now: i64,
) -> usize {
    let mut position = 0;
    let mut appended = 0;
    while let Ok(header) = BatchHeader::parse(&bytes[position..]) {
        let Ok(size) = usize::try_from(header.size_in_bytes()) else {
            break;
        };
        if size == 0 || position + size > bytes.len() || header.base_offset != log.log_end_offset()
        {
            break;
        }
        let batch = &bytes[position..position + size];
        log.assign_leader_epoch(store, header.partition_leader_epoch, header.base_offset);
        if log
            .append(store, &summarize_header(&header), batch, 0, now)
            .is_err()
        {
            break;
        }
        position += size;
        appended += 1;
    }
    let end = log.log_end_offset();
    log.mark_flushed(end, now);
    appended
}

/// The metadata records from `from` up to (not including) `to`, with their offsets; control
/// records and anything undecodable are skipped (the caller's log was written by this code).
pub fn read_records(
    log: &PartitionLog,
    store: &FileStore,
    from: i64,
    to: i64,
) -> Vec<(i64, MetadataRecord)> {
    let mut out = Vec::new();
    let mut offset = from;
    while offset < to {
        let Ok(fetched) = log.read(store, offset, 1 << 20, to) else {
            break;
        };
        let Ok(batches) = RecordBatch::decode_all(&fetched.bytes) else {
            break;
        };
        if batches.is_empty() {
            break;
        }
        for batch in &batches {
            offset = offset.max(batch.next_offset());
            if batch.is_control() {
                continue;
            }
            for record in batch.records() {
                if record.offset < from || record.offset >= to {
                    continue;
                }
                if let Some(Ok(decoded)) = record.value.as_deref().map(MetadataRecord::decode) {
                    out.push((record.offset, decoded));
                }
            }
        }
    }
    out
}

/// The text of `quorum-state` (`QuorumStateData` as `FileQuorumStateStore` writes it).
pub fn quorum_state_text(
    leader_id: Option<i32>,
    epoch: i32,
    voted_id: Option<i32>,
    voters: &[i32],
) -> String {
    let voters: Vec<String> = voters
        .iter()
        .map(|v| format!("{{\"voterId\":{v}}}"))
        .collect();
    format!(
        "{{\"clusterId\":\"\",\"leaderId\":{},\"leaderEpoch\":{epoch},\"votedId\":{},\"appliedOffset\":0,\"currentVoters\":[{}],\"data_version\":0}}",
        leader_id.unwrap_or(-1),
        voted_id.unwrap_or(-1),
        voters.join(",")
    )
}
