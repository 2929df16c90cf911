//! [`RecordBatch`]: a decoded v2 batch, and its encoder and decoder (Kafka's `DefaultRecordBatch`).
//!
//! A `RecordBatch` is always valid to encode: it is made only by [`super::RecordBatchBuilder`] or
//! by [`RecordBatch::decode`], so every record's offset delta fits an `i32` and the whole batch fits
//! the `i32` length field. That is why its fields are private and [`RecordBatch::encode`] cannot
//! fail. It holds decoded records, so it is always uncompressed.

use super::batch_header::{
    array_at, BatchHeader, ATTRIBUTES_OFFSET, CONTROL_FLAG_MASK, CRC_OFFSET,
    DELETE_HORIZON_FLAG_MASK, LENGTH_OFFSET, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK,
};
use super::batch_ref::{decode_batch, Decoded};
use super::crc32c::crc32c;
use super::default_record::write_record;
use super::error::BatchError;
use super::RECORD_BATCH_OVERHEAD;
use super::{increment_sequence, CompressionType, Record, TimestampType, LOG_OVERHEAD};
use super::{MAGIC_VALUE_V2, NO_SEQUENCE};

/// What a partition leader stamps on a batch it appends (`LogValidator`,
/// `Partition.appendRecordsToLeader`): its offsets from the log end, its leader epoch, and on a
/// `LogAppendTime` topic the append time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderStamp {
    pub base_offset: i64,
    pub partition_leader_epoch: i32,
    pub log_append_time: Option<i64>,
}

/// A v2 record batch with its records decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordBatch {
    pub(super) base_offset: i64,
    pub(super) partition_leader_epoch: i32,
    pub(super) timestamp_type: TimestampType,
    pub(super) is_transactional: bool,
    pub(super) is_control: bool,
    pub(super) has_delete_horizon_ms: bool,
    pub(super) last_offset_delta: i32,
    pub(super) base_timestamp: i64,
    pub(super) max_timestamp: i64,
    pub(super) producer_id: i64,
    pub(super) producer_epoch: i16,
    pub(super) base_sequence: i32,
    pub(super) records: Vec<Record>,
    /// The encoded size, kept up to date by the builder and the decoder.
    pub(super) size_in_bytes: u32,
}

impl RecordBatch {
    pub fn base_offset(&self) -> i64 {
        self.base_offset
    }

    pub fn partition_leader_epoch(&self) -> i32 {
        self.partition_leader_epoch
    }

    pub fn magic(&self) -> i8 {
        MAGIC_VALUE_V2
    }

    /// Always `None`: compressed batches can be parsed as a [`BatchHeader`] but not decoded.
    pub fn compression(&self) -> CompressionType {
        CompressionType::None
    }

    pub fn timestamp_type(&self) -> TimestampType {
        self.timestamp_type
    }

    pub fn is_transactional(&self) -> bool {
        self.is_transactional
    }

    pub fn is_control(&self) -> bool {
        self.is_control
    }

    pub fn has_delete_horizon_ms(&self) -> bool {
        self.has_delete_horizon_ms
    }

    /// The delete horizon set by the cleaner (KIP-534); it is stored in the base timestamp field.
    pub fn delete_horizon_ms(&self) -> Option<i64> {
        self.has_delete_horizon_ms.then_some(self.base_timestamp)
    }

    /// The attributes field as encoded (codec bits are always 0 here).
    pub fn attributes(&self) -> i16 {
        let mut attributes = 0;
        if self.timestamp_type == TimestampType::LogAppendTime {
            attributes |= TIMESTAMP_TYPE_MASK;
        }
        if self.is_transactional {
            attributes |= TRANSACTIONAL_FLAG_MASK;
        }
        if self.is_control {
            attributes |= CONTROL_FLAG_MASK;
        }
        if self.has_delete_horizon_ms {
            attributes |= DELETE_HORIZON_FLAG_MASK;
        }
        attributes
    }

    pub fn last_offset_delta(&self) -> i32 {
        self.last_offset_delta
    }

    /// `base_offset + last_offset_delta`; after compaction this may be past the last record.
    pub fn last_offset(&self) -> i64 {
        self.base_offset
            .wrapping_add(i64::from(self.last_offset_delta))
    }

    pub fn next_offset(&self) -> i64 {
        self.last_offset().wrapping_add(1)
    }

    /// The base of the records' timestamp deltas: the first record's timestamp, or the delete
    /// horizon if one is set, or `NO_TIMESTAMP` for an empty batch.
    pub fn base_timestamp(&self) -> i64 {
        self.base_timestamp
    }

    /// The largest record timestamp (`CreateTime`) or the time the leader appended the batch.
    pub fn max_timestamp(&self) -> i64 {
        self.max_timestamp
    }

    pub fn producer_id(&self) -> i64 {
        self.producer_id
    }

    pub fn producer_epoch(&self) -> i16 {
        self.producer_epoch
    }

    pub fn base_sequence(&self) -> i32 {
        self.base_sequence
    }

    /// Kafka's `lastSequence`: `NO_SEQUENCE` when the batch has none.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            return NO_SEQUENCE;
        }
        increment_sequence(self.base_sequence, self.last_offset_delta)
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn into_records(self) -> Vec<Record> {
        self.records
    }

    /// The records count field (a batch holds at most `i32::MAX` records by construction).
    pub fn record_count(&self) -> i32 {
        i32::try_from(self.records.len()).unwrap_or(i32::MAX)
    }

    /// The encoded size: header plus records (Kafka's `sizeInBytes`).
    pub fn size_in_bytes(&self) -> u32 {
        self.size_in_bytes
    }

    /// The timestamp Kafka reports for `record` (`Record.timestamp()`): the batch's max timestamp
    /// in a `LogAppendTime` batch, the record's own otherwise.
    pub fn timestamp_of(&self, record: &Record) -> i64 {
        match self.timestamp_type {
            TimestampType::CreateTime => record.timestamp,
            TimestampType::LogAppendTime => self.max_timestamp,
        }
    }

    /// The producer sequence number of `record` (Kafka's `Record.sequence()`): the base sequence
    /// plus the record's offset delta, wrapping at `i32::MAX`, or `NO_SEQUENCE`.
    pub fn sequence_of(&self, record: &Record) -> i32 {
        if self.base_sequence < 0 {
            return NO_SEQUENCE;
        }
        let offset_delta = record.offset.wrapping_sub(self.base_offset) as i32;
        increment_sequence(self.base_sequence, offset_delta)
    }

    /// Moves the batch (and every record's offset) so it starts at `base_offset`, as the leader
    /// does when it assigns offsets on append.
    pub fn set_base_offset(&mut self, base_offset: i64) {
        let shift = base_offset.wrapping_sub(self.base_offset);
        for record in &mut self.records {
            record.offset = record.offset.wrapping_add(shift);
        }
        self.base_offset = base_offset;
    }

    /// Stamps an idempotent producer's id, epoch and first sequence on a batch it is about to
    /// send (`ProducerBatch.setProducerState`); they live in the fixed-size header, so the size
    /// stays. False, and nothing changed, when the fields are ones Kafka's `MemoryRecordsBuilder`
    /// refuses.
    pub fn set_producer_state(
        &mut self,
        producer_id: i64,
        producer_epoch: i16,
        base_sequence: i32,
    ) -> bool {
        if producer_epoch < 0 || base_sequence < 0 {
            return false;
        }
        self.producer_id = producer_id;
        self.producer_epoch = producer_epoch;
        self.base_sequence = base_sequence;
        true
    }

    /// Stamps the leader's epoch on the batch (`setPartitionLeaderEpoch`).
    pub fn set_partition_leader_epoch(&mut self, epoch: i32) {
        self.partition_leader_epoch = epoch;
    }

    /// Kafka's `setMaxTimestamp`, used by a leader of a `LogAppendTime` topic.
    pub fn set_max_timestamp(&mut self, timestamp_type: TimestampType, max_timestamp: i64) {
        self.timestamp_type = timestamp_type;
        self.max_timestamp = max_timestamp;
    }

    /// The header this batch encodes to (the CRC is computed, which costs an encode).
    pub fn header(&self) -> BatchHeader {
        let bytes = self.encode();
        BatchHeader {
            base_offset: self.base_offset,
            batch_length: (self.size_in_bytes - LOG_OVERHEAD) as i32,
            partition_leader_epoch: self.partition_leader_epoch,
            magic: MAGIC_VALUE_V2,
            crc: u32::from_be_bytes(array_at(&bytes, CRC_OFFSET)),
            attributes: self.attributes(),
            compression: CompressionType::None,
            timestamp_type: self.timestamp_type,
            is_transactional: self.is_transactional,
            is_control: self.is_control,
            has_delete_horizon_ms: self.has_delete_horizon_ms,
            last_offset_delta: self.last_offset_delta,
            base_timestamp: self.base_timestamp,
            max_timestamp: self.max_timestamp,
            producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            base_sequence: self.base_sequence,
            records_count: self.record_count(),
        }
    }

    /// The batch's bytes, exactly as Kafka writes them.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_in_bytes as usize);
        self.encode_into(&mut out);
        out
    }

    /// Appends the batch's bytes to `out` (e.g. a segment's buffer).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let stamp = LeaderStamp {
            base_offset: self.base_offset,
            partition_leader_epoch: self.partition_leader_epoch,
            log_append_time: None,
        };
        self.encode_stamped_into(stamp, out);
    }

    /// The bytes of this batch as a leader appends it with `stamp`, neither changing nor
    /// copying it: the bytes [`RecordBatch::set_base_offset`], `set_partition_leader_epoch`,
    /// (with a log append time) `set_max_timestamp` and then [`RecordBatch::encode`] give. A
    /// producer keeps its batch for retries, so the leader encodes it as it stamps it.
    pub fn encode_stamped(&self, stamp: LeaderStamp) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_in_bytes as usize);
        self.encode_stamped_into(stamp, &mut out);
        out
    }

    fn encode_stamped_into(&self, stamp: LeaderStamp, out: &mut Vec<u8>) {
        let (attributes, max_timestamp) = match stamp.log_append_time {
            Some(now) => (self.attributes() | TIMESTAMP_TYPE_MASK, now),
            None => (self.attributes(), self.max_timestamp),
        };
        let start = out.len();
        out.reserve(self.size_in_bytes as usize);
        out.extend_from_slice(&stamp.base_offset.to_be_bytes());
        out.extend_from_slice(&0i32.to_be_bytes()); // length, patched below
        out.extend_from_slice(&stamp.partition_leader_epoch.to_be_bytes());
        out.push(MAGIC_VALUE_V2 as u8);
        out.extend_from_slice(&0u32.to_be_bytes()); // crc, patched below
        out.extend_from_slice(&attributes.to_be_bytes());
        out.extend_from_slice(&self.last_offset_delta.to_be_bytes());
        out.extend_from_slice(&self.base_timestamp.to_be_bytes());
        out.extend_from_slice(&max_timestamp.to_be_bytes());
        out.extend_from_slice(&self.producer_id.to_be_bytes());
        out.extend_from_slice(&self.producer_epoch.to_be_bytes());
        out.extend_from_slice(&self.base_sequence.to_be_bytes());
        out.extend_from_slice(&self.record_count().to_be_bytes());
        for record in &self.records {
            write_record(record, self.base_offset, self.base_timestamp, out);
        }
        let batch = &mut out[start..];
        let length = i32::try_from(batch.len() - LOG_OVERHEAD as usize).unwrap_or(i32::MAX);
        batch[LENGTH_OFFSET..LENGTH_OFFSET + 4].copy_from_slice(&length.to_be_bytes());
        let crc = crc32c(&batch[ATTRIBUTES_OFFSET..]);
        batch[CRC_OFFSET..ATTRIBUTES_OFFSET].copy_from_slice(&crc.to_be_bytes());
    }

    /// Decodes the batch at `bytes[0]`, checking its size, CRC and every record; returns it with
    /// the number of bytes it took. Bytes after the batch are left for the next call.
    pub fn decode(bytes: &[u8]) -> Result<(RecordBatch, usize), BatchError> {
        let decoded = decode_batch(bytes, |record| record.to_record())?;
        let size = decoded.size;
        Ok((RecordBatch::from_decoded(decoded), size))
    }

    /// The batch [`decode_batch`] checked, with owned records.
    pub(super) fn from_decoded(decoded: Decoded<Record>) -> RecordBatch {
        let Decoded {
            header,
            records,
            size,
            canonical,
        } = decoded;
        // The size this batch re-encodes to: the same as `size` unless the input used longer
        // varints than needed or lengths below -1, which Kafka reads but never writes.
        let canonical_size = if canonical {
            size as u64
        } else {
            records
                .iter()
                .fold(u64::from(RECORD_BATCH_OVERHEAD), |sum, r| {
                    sum + r.size_in_bytes(header.base_offset, header.base_timestamp)
                })
        };
        RecordBatch {
            base_offset: header.base_offset,
            partition_leader_epoch: header.partition_leader_epoch,
            timestamp_type: header.timestamp_type,
            is_transactional: header.is_transactional,
            is_control: header.is_control,
            has_delete_horizon_ms: header.has_delete_horizon_ms,
            last_offset_delta: header.last_offset_delta,
            base_timestamp: header.base_timestamp,
            max_timestamp: header.max_timestamp,
            producer_id: header.producer_id,
            producer_epoch: header.producer_epoch,
            base_sequence: header.base_sequence,
            records,
            size_in_bytes: u32::try_from(canonical_size).unwrap_or(u32::MAX),
        }
    }

    /// Decodes consecutive batches filling `bytes` (a fetch response or a whole segment).
    pub fn decode_all(bytes: &[u8]) -> Result<Vec<RecordBatch>, BatchError> {
        let mut batches = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let (batch, used) = RecordBatch::decode(rest)?;
            batches.push(batch);
            rest = rest.get(used..).unwrap_or_default();
        }
        Ok(batches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::{Header, RecordBatchBuilder};

    /// Sarama's `record_test.go` "uncompressed record" batch: bytes from an independent client.
    const SARAMA_UNCOMPRESSED: [u8; 82] = [
        0, 0, 0, 0, 0, 0, 0, 0, // base offset
        0, 0, 0, 70, // length
        0, 0, 0, 0, // partition leader epoch
        2, // magic
        84, 121, 97, 253, // crc
        0, 0, // attributes
        0, 0, 0, 0, // last offset delta
        0, 0, 1, 88, 141, 205, 89, 56, // base timestamp 1479847795000
        0, 0, 0, 0, 0, 0, 0, 0, // max timestamp
        0, 0, 0, 0, 0, 0, 0, 0, // producer id
        0, 0, // producer epoch
        0, 0, 0, 0, // base sequence
        0, 0, 0, 1, // records
        40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12,
    ];

    #[test]
    fn decodes_and_re_encodes_an_independent_clients_batch() {
        let (batch, used) = RecordBatch::decode(&SARAMA_UNCOMPRESSED).expect("valid batch");
        assert_eq!(used, SARAMA_UNCOMPRESSED.len());
        assert_eq!(batch.base_timestamp(), 1_479_847_795_000);
        let expected = Record {
            offset: 0,
            timestamp: 1_479_847_795_005,
            key: Some(vec![1, 2, 3, 4]),
            value: Some(vec![5, 6, 7]),
            headers: vec![Header::new("\u{8}\t\n", Some(vec![11, 12]))],
        };
        assert_eq!(batch.records(), [expected]);
        assert_eq!(batch.encode(), SARAMA_UNCOMPRESSED);
        assert_eq!(batch.size_in_bytes() as usize, SARAMA_UNCOMPRESSED.len());
        assert_eq!(
            batch.header(),
            BatchHeader::parse(&SARAMA_UNCOMPRESSED).expect("header")
        );
    }

    #[test]
    fn errors_name_the_batch_and_the_numbers() {
        let mut bytes = SARAMA_UNCOMPRESSED;
        bytes[..8].copy_from_slice(&17i64.to_be_bytes());
        let err = RecordBatch::decode(&bytes[..40]).expect_err("truncated");
        assert_eq!(
            err.to_string(),
            "batch at offset 17 is truncated: 61 bytes needed, 40 available"
        );
        let err = RecordBatch::decode(&bytes[..70]).expect_err("truncated");
        assert_eq!(
            err.to_string(),
            "batch at offset 17 is truncated: 82 bytes needed, 70 available"
        );
        bytes[70] ^= 1;
        let err = RecordBatch::decode(&bytes).expect_err("corrupt");
        assert!(
            err.to_string().starts_with(
                "batch at offset 17 is corrupt: CRC mismatch: stored 0x547961fd, computed 0x"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_stamped_encode_is_the_stamped_batch_encoded() {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for ts in [10, 30, 20] {
            builder
                .append(ts, Some(vec![b'k']), Some(vec![b'v']), vec![])
                .expect("append");
        }
        let mut batch = builder.build();
        assert!(batch.set_producer_state(7, 0, 3), "producer state");
        for log_append_time in [None, Some(99)] {
            let stamp = LeaderStamp {
                base_offset: 1_000,
                partition_leader_epoch: 4,
                log_append_time,
            };
            let mut stamped = batch.clone();
            if let Some(now) = log_append_time {
                stamped.set_max_timestamp(TimestampType::LogAppendTime, now);
            }
            stamped.set_base_offset(1_000);
            stamped.set_partition_leader_epoch(4);
            assert_eq!(batch.encode_stamped(stamp), stamped.encode());
        }
        let mut unchanged = batch.clone();
        assert!(!unchanged.set_producer_state(7, 0, -1));
        assert_eq!(unchanged, batch);
    }

    #[test]
    fn set_base_offset_moves_records_and_matches_in_place_rewrite() {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for ts in [10, 20, 30] {
            builder
                .append(ts, None, Some(vec![b'v']), vec![])
                .expect("append");
        }
        let mut batch = builder.build();
        let mut bytes = batch.encode();
        batch.set_base_offset(1_000);
        batch.set_partition_leader_epoch(4);
        crate::engine::record::set_base_offset_in_place(&mut bytes, 1_000).expect("header");
        crate::engine::record::set_partition_leader_epoch_in_place(&mut bytes, 4).expect("header");
        assert_eq!(batch.encode(), bytes);
        assert_eq!(batch.records()[2].offset, 1_002);
        assert_eq!(batch.sequence_of(&batch.records()[2]), NO_SEQUENCE);
        batch.set_max_timestamp(TimestampType::LogAppendTime, 99);
        crate::engine::record::set_max_timestamp_in_place(
            &mut bytes,
            TimestampType::LogAppendTime,
            99,
        )
        .expect("complete batch");
        assert_eq!(batch.encode(), bytes);
        assert!(crate::engine::record::is_valid(&bytes));
    }

    #[test]
    fn decode_all_reads_consecutive_batches() {
        let mut bytes = Vec::new();
        for base in [0, 3] {
            let mut builder = RecordBatchBuilder::with_base_offset(base);
            for i in 0..3 {
                builder
                    .append(i, Some(vec![i as u8]), None, vec![])
                    .expect("append");
            }
            builder.build().encode_into(&mut bytes);
        }
        let batches = RecordBatch::decode_all(&bytes).expect("two batches");
        let offsets: Vec<i64> = batches
            .iter()
            .flat_map(|b| b.records())
            .map(|r| r.offset)
            .collect();
        assert_eq!(offsets, [0, 1, 2, 3, 4, 5]);
    }
}
