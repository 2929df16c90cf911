//! Metadata snapshots: `__cluster_metadata-0/<end offset>-<epoch>.checkpoint`, the image at a
//! committed offset written as records (`SnapshotGenerator`, `RecordsSnapshotWriter`), read by
//! `kafka-metadata-shell.sh --snapshot` and `kafka-dump-log.sh --cluster-metadata-decoder`, and
//! used on restart: a node's image starts from its latest snapshot and replays the log after it
//! (`KafkaRaftClient` loading the latest snapshot, then the log from its end offset).
//!
//! The file is record batches as in a log: a control batch with the `SnapshotHeaderRecord`
//! (control type 3) at offset 0, the metadata records, and a control batch with the
//! `SnapshotFooterRecord` (type 4) last; every batch carries the snapshot's epoch. The name is
//! the snapshot id: the offset after the last record it contains (20 digits) and that record's
//! epoch (10 digits), as `Snapshots.filenameFromSnapshotId` writes it.
//!
//! A node writes one when `metadata.log.max.record.bytes.between.snapshots` (20 MiB) of records
//! committed since its last, or when `metadata.log.max.snapshot.interval.ms` (1 hour, KIP-876)
//! passed and something committed since (checked as commits arrive: the playground's active
//! controller writes no `NoOpRecord`s, so an idle quorum commits nothing to check on).

use super::image::{self, MetadataImage};
use super::metadata_log;
use super::records::MetadataRecord;
use crate::engine::group::records::wire::Writer;
use crate::engine::record::{BatchOptions, RecordBatch, RecordBatchBuilder};
use crate::storage::FileStore;

/// `metadata.log.max.record.bytes.between.snapshots` (`MetadataLogConfig`, 20 MiB).
pub const MAX_BYTES_BETWEEN_SNAPSHOTS: i64 = 20 * 1024 * 1024;
/// `metadata.log.max.snapshot.interval.ms` (`MetadataLogConfig`, one hour; KIP-876).
pub const MAX_SNAPSHOT_INTERVAL_MS: i64 = 60 * 60 * 1000;

/// `ControlRecordType.SNAPSHOT_HEADER` and `SNAPSHOT_FOOTER`.
const CONTROL_SNAPSHOT_HEADER: i16 = 3;
const CONTROL_SNAPSHOT_FOOTER: i16 = 4;

/// What a node knows of its snapshots, to decide when the next is due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnapshotState {
    /// The end offset of the latest snapshot (0: none).
    pub end_offset: i64,
    /// When the latest was written, or when the node started.
    pub written_ms: i64,
    /// Bytes of metadata records committed since it.
    pub bytes_since: i64,
}

impl SnapshotState {
    /// A snapshot is due after this many committed bytes, or this long with any.
    pub fn is_due(&self, now: i64) -> bool {
        self.bytes_since >= MAX_BYTES_BETWEEN_SNAPSHOTS
            || (self.bytes_since > 0 && now - self.written_ms >= MAX_SNAPSHOT_INTERVAL_MS)
    }
}

/// The snapshot file's path in a log dir.
pub fn path(end_offset: i64, epoch: i32) -> String {
    format!(
        "{}/{end_offset:020}-{epoch:010}.checkpoint",
        metadata_log::dir()
    )
}

/// The latest snapshot in a log dir: its end offset, epoch and path.
pub fn latest(store: &FileStore) -> Option<(i64, i32, String)> {
    let dir = metadata_log::dir();
    store
        .list(&dir)
        .into_iter()
        .filter_map(|path| {
            let name = path.strip_prefix(&dir)?.strip_prefix('/')?;
            let (offset, epoch) = name.strip_suffix(".checkpoint")?.split_once('-')?;
            let valid = offset.len() == 20 && epoch.len() == 10;
            valid.then_some((offset.parse().ok()?, epoch.parse().ok()?, path.clone()))
        })
        .max_by_key(|&(offset, epoch, _)| (offset, epoch))
}

/// The snapshot of `image` at `epoch`, as its file's bytes.
pub fn encode(image: &MetadataImage, epoch: i32, last_timestamp: i64) -> Vec<u8> {
    let mut records = image::diff(&MetadataImage::default(), image);
    // The registrations keep their epochs (a new registration gets its offset; these are old).
    for record in &mut records {
        if let MetadataRecord::RegisterBroker {
            broker_id,
            broker_epoch,
            ..
        } = record
        {
            *broker_epoch = image.brokers.get(broker_id).map_or(-1, |b| b.epoch);
        }
    }
    let mut header = Writer::default();
    header.i16(0); // Version
    header.i64(last_timestamp);
    header.tagged_fields(Vec::new(), &[]);
    let mut footer = Writer::default();
    footer.i16(0);
    footer.tagged_fields(Vec::new(), &[]);
    let count = i64::try_from(records.len()).unwrap_or(0);
    let mut bytes = control_batch(
        0,
        epoch,
        CONTROL_SNAPSHOT_HEADER,
        header.out,
        last_timestamp,
    );
    if !records.is_empty() {
        let values = records.iter().map(MetadataRecord::encode).collect();
        bytes.extend(batch(1, epoch, false, values, None, last_timestamp));
    }
    bytes.extend(control_batch(
        1 + count,
        epoch,
        CONTROL_SNAPSHOT_FOOTER,
        footer.out,
        last_timestamp,
    ));
    bytes
}

fn control_batch(base: i64, epoch: i32, kind: i16, value: Vec<u8>, now: i64) -> Vec<u8> {
    let mut key = 0i16.to_be_bytes().to_vec();
    key.extend_from_slice(&kind.to_be_bytes());
    batch(base, epoch, true, vec![value], Some(key), now)
}

fn batch(
    base: i64,
    epoch: i32,
    control: bool,
    values: Vec<Vec<u8>>,
    key: Option<Vec<u8>>,
    now: i64,
) -> Vec<u8> {
    let options = BatchOptions {
        partition_leader_epoch: epoch,
        is_control: control,
        ..BatchOptions::default()
    };
    let Ok(mut builder) = RecordBatchBuilder::new(base, options) else {
        return Vec::new();
    };
    for value in values {
        if builder
            .append(now, key.clone(), Some(value), Vec::new())
            .is_err()
        {
            return Vec::new();
        }
    }
    builder.build().encode()
}

/// The image a snapshot file holds, or `None` when it is not a whole snapshot (no footer, or a
/// batch that does not decode): such a file is ignored, as Kafka deletes a partial snapshot.
pub fn decode(bytes: &[u8]) -> Option<MetadataImage> {
    let batches = RecordBatch::decode_all(bytes).ok()?;
    let mut image = MetadataImage::default();
    let mut footer = false;
    for batch in &batches {
        if batch.is_control() {
            let kind = batch.records().first().and_then(|r| r.key.as_deref());
            footer |=
                kind.and_then(|k| k.get(2..4)) == Some(&CONTROL_SNAPSHOT_FOOTER.to_be_bytes());
            continue;
        }
        for record in batch.records() {
            let decoded = MetadataRecord::decode(record.value.as_deref()?).ok()?;
            image.replay(record.offset, &decoded);
            if let MetadataRecord::RegisterBroker {
                broker_id,
                broker_epoch,
                ..
            } = decoded
            {
                if let Some(registration) = image.brokers.get_mut(&broker_id) {
                    registration.epoch = broker_epoch;
                }
            }
        }
    }
    footer.then_some(image)
}

/// Writes a snapshot of `image` at `end_offset` and `epoch` into a node's log dir, flushed as
/// the Raft client freezes it.
pub fn write(store: &mut FileStore, image: &MetadataImage, end_offset: i64, epoch: i32, now: i64) {
    let path = path(end_offset, epoch);
    if !store.exists(&path) {
        store.replace(&path, &encode(image, epoch, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cluster::{PartitionInfo, TopicInfo};
    use crate::engine::ids::Uuid;
    use crate::engine::kraft::image::BrokerRegistration;

    fn sample() -> MetadataImage {
        let mut image = MetadataImage::default();
        image.features.insert("metadata.version".to_string(), 27);
        image.brokers.insert(
            1,
            BrokerRegistration {
                incarnation_id: Uuid::new(1, 2),
                epoch: 2,
                fenced: false,
            },
        );
        let topic = TopicInfo {
            name: "t".to_string(),
            id: Uuid::new(3, 4),
            partitions: vec![PartitionInfo::new(0, vec![1])],
            configs: Default::default(),
        };
        image.topics.insert(topic.id, image::topic_image(&topic));
        image.configs.insert(
            (
                crate::engine::kraft::records::CONFIG_RESOURCE_TOPIC,
                "t".to_string(),
            ),
            [("retention.ms".to_string(), "1000".to_string())].into(),
        );
        image.producer_ids_end = 1000;
        image
    }

    #[test]
    fn a_snapshot_reads_back_as_the_image_it_was_written_from() {
        let image = sample();
        let bytes = encode(&image, 3, 1_735_689_600_000);
        assert_eq!(decode(&bytes), Some(image));
        // Without its footer it is not a snapshot.
        let batches = RecordBatch::decode_all(&bytes).expect("batches");
        let last = batches.last().expect("a footer").encode().len();
        assert_eq!(decode(&bytes[..bytes.len() - last]), None);
        for cut in 0..bytes.len() {
            let _ = decode(&bytes[..cut]);
        }
    }

    #[test]
    fn the_latest_snapshot_is_found_by_its_name() {
        let mut store = FileStore::default();
        assert_eq!(latest(&store), None);
        write(&mut store, &sample(), 12, 2, 0);
        write(&mut store, &sample(), 40, 3, 0);
        store.replace(&format!("{}/junk.checkpoint", metadata_log::dir()), b"");
        assert_eq!(
            latest(&store),
            Some((
                40,
                3,
                "__cluster_metadata-0/00000000000000000040-0000000003.checkpoint".to_string()
            ))
        );
    }

    #[test]
    fn a_snapshot_is_due_by_bytes_or_by_time_with_something_new() {
        let state = SnapshotState {
            end_offset: 0,
            written_ms: 0,
            bytes_since: 0,
        };
        assert!(!state.is_due(MAX_SNAPSHOT_INTERVAL_MS));
        let some = SnapshotState {
            bytes_since: 10,
            ..state
        };
        assert!(!some.is_due(MAX_SNAPSHOT_INTERVAL_MS - 1));
        assert!(some.is_due(MAX_SNAPSHOT_INTERVAL_MS));
        let full = SnapshotState {
            bytes_since: MAX_BYTES_BETWEEN_SNAPSHOTS,
            ..state
        };
        assert!(full.is_due(1));
    }
}
