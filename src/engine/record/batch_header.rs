//! The 61-byte header of a v2 batch, read without touching the records.
//!
//! Layout, from Kafka's `DefaultRecordBatch` (all big-endian):
//!
//! ```text
//! offset  field                 type   note
//!  0      baseOffset            i64    \ LOG_OVERHEAD (12 bytes): the batch length
//!  8      batchLength           i32    /   counts the bytes after it
//! 12      partitionLeaderEpoch  i32    not covered by the CRC: the leader stamps it on append
//! 16      magic                 i8     2
//! 17      crc                   u32    CRC-32C of everything from attributes to the end
//! 21      attributes            i16    codec 0-2, timestampType 3, transactional 4, control 5,
//!                                      hasDeleteHorizonMs 6 (KIP-534); the high byte is unused
//! 23      lastOffsetDelta       i32
//! 27      baseTimestamp         i64    first record's timestamp, or deleteHorizonMs if bit 6 is set
//! 35      maxTimestamp          i64
//! 43      producerId            i64
//! 51      producerEpoch         i16
//! 53      baseSequence          i32
//! 57      recordsCount          i32
//! 61      records…
//! ```
//!
//! Segment scans (log recovery, index rebuilding, dump-log) need only this much of each batch, as
//! Kafka's `FileLogInputStream` reads just the header of a `DefaultFileChannelRecordBatch`.

use super::crc32c::crc32c;
use super::error::BatchError;
use super::{CompressionType, TimestampType, LOG_OVERHEAD, MAGIC_VALUE_V2, RECORD_BATCH_OVERHEAD};

pub(super) const BASE_OFFSET_OFFSET: usize = 0;
pub(super) const LENGTH_OFFSET: usize = 8;
pub(super) const PARTITION_LEADER_EPOCH_OFFSET: usize = 12;
pub(super) const MAGIC_OFFSET: usize = 16;
pub(super) const CRC_OFFSET: usize = 17;
pub(super) const ATTRIBUTES_OFFSET: usize = 21;
const LAST_OFFSET_DELTA_OFFSET: usize = 23;
const BASE_TIMESTAMP_OFFSET: usize = 27;
pub(super) const MAX_TIMESTAMP_OFFSET: usize = 35;
const PRODUCER_ID_OFFSET: usize = 43;
const PRODUCER_EPOCH_OFFSET: usize = 51;
const BASE_SEQUENCE_OFFSET: usize = 53;
const RECORDS_COUNT_OFFSET: usize = 57;
pub(super) const RECORDS_OFFSET: usize = RECORD_BATCH_OVERHEAD as usize;

pub(super) const COMPRESSION_CODEC_MASK: i16 = 0x07;
pub(super) const TIMESTAMP_TYPE_MASK: i16 = 0x08;
pub(super) const TRANSACTIONAL_FLAG_MASK: i16 = 0x10;
pub(super) const CONTROL_FLAG_MASK: i16 = 0x20;
pub(super) const DELETE_HORIZON_FLAG_MASK: i16 = 0x40;

/// Every field of a v2 batch header, as stored, plus the attribute bits decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchHeader {
    pub base_offset: i64,
    /// Bytes after this field: the whole batch is `LOG_OVERHEAD + batch_length` bytes.
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    /// The CRC stored in the batch (not checked by [`BatchHeader::parse`]).
    pub crc: u32,
    /// The raw attributes field; the five fields below are decoded from it.
    pub attributes: i16,
    pub compression: CompressionType,
    pub timestamp_type: TimestampType,
    pub is_transactional: bool,
    pub is_control: bool,
    pub has_delete_horizon_ms: bool,
    pub last_offset_delta: i32,
    /// The first record's timestamp, or the delete horizon when `has_delete_horizon_ms`.
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub records_count: i32,
}

/// `N` bytes at `at`, or zeros if they are not there (callers check lengths first; this keeps the
/// reading code free of any path that could panic).
pub(super) fn array_at<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = bytes.get(at..at.saturating_add(N)) {
        out.copy_from_slice(src);
    }
    out
}

fn i64_at(bytes: &[u8], at: usize) -> i64 {
    i64::from_be_bytes(array_at(bytes, at))
}

fn i32_at(bytes: &[u8], at: usize) -> i32 {
    i32::from_be_bytes(array_at(bytes, at))
}

fn i16_at(bytes: &[u8], at: usize) -> i16 {
    i16::from_be_bytes(array_at(bytes, at))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(array_at(bytes, at))
}

impl BatchHeader {
    /// Reads the header of the batch that starts at `bytes[0]`.
    ///
    /// Needs the 61 header bytes only, not the whole batch; checks the magic, that the declared
    /// size is at least a header, and that the codec id is known. Use
    /// [`BatchHeader::size_in_bytes`] to find where the batch ends, and [`BatchHeader::verify_crc`]
    /// or [`super::RecordBatch::decode`] to check it.
    pub fn parse(bytes: &[u8]) -> Result<BatchHeader, BatchError> {
        let available = bytes.len() as u64;
        if bytes.len() < LENGTH_OFFSET {
            return Err(BatchError::HeaderTruncated {
                needed: u64::from(RECORD_BATCH_OVERHEAD),
                available,
            });
        }
        let base_offset = i64_at(bytes, BASE_OFFSET_OFFSET);
        let truncated = || BatchError::Truncated {
            base_offset,
            needed: u64::from(RECORD_BATCH_OVERHEAD),
            available,
        };
        if bytes.len() <= MAGIC_OFFSET {
            return Err(truncated());
        }
        // The magic decides how to read everything else (legacy v0/v1 message sets differ).
        let magic = i8::from_be_bytes(array_at(bytes, MAGIC_OFFSET));
        if magic != MAGIC_VALUE_V2 {
            return Err(BatchError::UnsupportedMagic { base_offset, magic });
        }
        let batch_length = i32_at(bytes, LENGTH_OFFSET);
        let size = i64::from(LOG_OVERHEAD) + i64::from(batch_length);
        if size < i64::from(RECORD_BATCH_OVERHEAD) {
            return Err(BatchError::SizeTooSmall { base_offset, size });
        }
        if bytes.len() < RECORDS_OFFSET {
            return Err(truncated());
        }
        let attributes = i16_at(bytes, ATTRIBUTES_OFFSET);
        let codec_id = (attributes & COMPRESSION_CODEC_MASK) as u8;
        let compression =
            CompressionType::from_id(codec_id).ok_or(BatchError::UnknownCompression {
                base_offset,
                id: codec_id,
            })?;
        Ok(BatchHeader {
            base_offset,
            batch_length,
            partition_leader_epoch: i32_at(bytes, PARTITION_LEADER_EPOCH_OFFSET),
            magic,
            crc: u32_at(bytes, CRC_OFFSET),
            attributes,
            compression,
            timestamp_type: if attributes & TIMESTAMP_TYPE_MASK == 0 {
                TimestampType::CreateTime
            } else {
                TimestampType::LogAppendTime
            },
            is_transactional: attributes & TRANSACTIONAL_FLAG_MASK != 0,
            is_control: attributes & CONTROL_FLAG_MASK != 0,
            has_delete_horizon_ms: attributes & DELETE_HORIZON_FLAG_MASK != 0,
            last_offset_delta: i32_at(bytes, LAST_OFFSET_DELTA_OFFSET),
            base_timestamp: i64_at(bytes, BASE_TIMESTAMP_OFFSET),
            max_timestamp: i64_at(bytes, MAX_TIMESTAMP_OFFSET),
            producer_id: i64_at(bytes, PRODUCER_ID_OFFSET),
            producer_epoch: i16_at(bytes, PRODUCER_EPOCH_OFFSET),
            base_sequence: i32_at(bytes, BASE_SEQUENCE_OFFSET),
            records_count: i32_at(bytes, RECORDS_COUNT_OFFSET),
        })
    }

    /// The whole batch's size, `LOG_OVERHEAD + batch_length` (Kafka's `sizeInBytes`); at least 61.
    pub fn size_in_bytes(&self) -> u64 {
        (i64::from(LOG_OVERHEAD) + i64::from(self.batch_length)).max(0) as u64
    }

    /// `base_offset + last_offset_delta` (Kafka's `lastOffset`, wrapping as Java's long does).
    pub fn last_offset(&self) -> i64 {
        self.base_offset
            .wrapping_add(i64::from(self.last_offset_delta))
    }

    /// The offset after this batch (`nextOffset`).
    pub fn next_offset(&self) -> i64 {
        self.last_offset().wrapping_add(1)
    }

    /// The delete horizon the cleaner set on this batch (KIP-534), if any.
    pub fn delete_horizon_ms(&self) -> Option<i64> {
        self.has_delete_horizon_ms.then_some(self.base_timestamp)
    }

    /// Kafka's `lastSequence`: `NO_SEQUENCE` when the batch has none.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence == super::NO_SEQUENCE {
            return super::NO_SEQUENCE;
        }
        super::increment_sequence(self.base_sequence, self.last_offset_delta)
    }

    /// Checks the stored CRC against the batch bytes `bytes` (starting with this header and at
    /// least `size_in_bytes` long; bytes after the batch are ignored).
    pub fn verify_crc(&self, bytes: &[u8]) -> Result<(), BatchError> {
        let size = self.size_in_bytes();
        let Some(batch) = usize::try_from(size).ok().and_then(|n| bytes.get(..n)) else {
            return Err(BatchError::Truncated {
                base_offset: self.base_offset,
                needed: size,
                available: bytes.len() as u64,
            });
        };
        let computed = crc32c(batch.get(ATTRIBUTES_OFFSET..).unwrap_or_default());
        if computed != self.crc {
            return Err(BatchError::CrcMismatch {
                base_offset: self.base_offset,
                stored: self.crc,
                computed,
            });
        }
        Ok(())
    }
}

/// Kafka's `DefaultRecordBatch.isValid`: the batch at `bytes[0]` is complete, at least a header
/// long and its CRC matches. Bytes after the batch are ignored.
pub fn is_valid(bytes: &[u8]) -> bool {
    BatchHeader::parse(bytes).is_ok_and(|header| header.verify_crc(bytes).is_ok())
}

fn header_prefix(bytes: &mut [u8], needed: usize) -> Result<&mut [u8], BatchError> {
    let available = bytes.len() as u64;
    if bytes.len() < needed {
        return Err(match bytes.get(..LENGTH_OFFSET) {
            Some(prefix) => BatchError::Truncated {
                base_offset: i64_at(prefix, 0),
                needed: needed as u64,
                available,
            },
            None => BatchError::HeaderTruncated {
                needed: needed as u64,
                available,
            },
        });
    }
    Ok(bytes)
}

/// Rewrites the base offset of the batch at `bytes[0]`, as the leader does when it assigns
/// offsets (Kafka's `setLastOffset`). The field is outside the CRC, so nothing else changes.
pub fn set_base_offset_in_place(bytes: &mut [u8], base_offset: i64) -> Result<(), BatchError> {
    let bytes = header_prefix(bytes, LENGTH_OFFSET)?;
    bytes[..LENGTH_OFFSET].copy_from_slice(&base_offset.to_be_bytes());
    Ok(())
}

/// Stamps the leader epoch on the batch at `bytes[0]` (`setPartitionLeaderEpoch`); outside the CRC.
pub fn set_partition_leader_epoch_in_place(bytes: &mut [u8], epoch: i32) -> Result<(), BatchError> {
    let bytes = header_prefix(bytes, MAGIC_OFFSET)?;
    bytes[PARTITION_LEADER_EPOCH_OFFSET..MAGIC_OFFSET].copy_from_slice(&epoch.to_be_bytes());
    Ok(())
}

/// Kafka's `setMaxTimestamp`: sets the timestamp type and max timestamp of the complete batch at
/// `bytes[0]` and recomputes its CRC (the leader does this for `LogAppendTime` topics). As in
/// Kafka, a batch that already has both values is left untouched.
pub fn set_max_timestamp_in_place(
    bytes: &mut [u8],
    timestamp_type: TimestampType,
    max_timestamp: i64,
) -> Result<(), BatchError> {
    let header = BatchHeader::parse(bytes)?;
    if header.timestamp_type == timestamp_type && header.max_timestamp == max_timestamp {
        return Ok(());
    }
    let size = header.size_in_bytes();
    let available = bytes.len() as u64;
    let Some(batch) = usize::try_from(size).ok().and_then(|n| bytes.get_mut(..n)) else {
        return Err(BatchError::Truncated {
            base_offset: header.base_offset,
            needed: size,
            available,
        });
    };
    let attributes = match timestamp_type {
        TimestampType::CreateTime => header.attributes & !TIMESTAMP_TYPE_MASK,
        TimestampType::LogAppendTime => header.attributes | TIMESTAMP_TYPE_MASK,
    };
    batch[ATTRIBUTES_OFFSET..LAST_OFFSET_DELTA_OFFSET].copy_from_slice(&attributes.to_be_bytes());
    batch[MAX_TIMESTAMP_OFFSET..PRODUCER_ID_OFFSET].copy_from_slice(&max_timestamp.to_be_bytes());
    let crc = crc32c(&batch[ATTRIBUTES_OFFSET..]);
    batch[CRC_OFFSET..ATTRIBUTES_OFFSET].copy_from_slice(&crc.to_be_bytes());
    Ok(())
}
