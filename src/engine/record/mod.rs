//! Records and record batches in Kafka's v2 format (magic 2), byte for byte.
//!
//! This module owns the bytes that go into a partition's `.log` files and over the simulated
//! network: [`RecordBatch`] (Kafka's `DefaultRecordBatch`), the records inside it (Kafka's
//! `DefaultRecord`), the zig-zag [`varint`]s they use and the [`crc32c`] that guards them.
//!
//! | type / function          | Kafka                                              | use |
//! |--------------------------|----------------------------------------------------|-----|
//! | [`RecordBatchBuilder`]   | `MemoryRecordsBuilder`                             | the producer and the cleaner build batches |
//! | [`RecordBatch::encode`]  | `DefaultRecordBatch.writeHeader` + `DefaultRecord.writeTo` | bytes for the log and the wire |
//! | [`RecordBatch::decode`]  | `DefaultRecordBatch.iterator` + `ensureValid`      | consumers, replication, dump-log |
//! | [`BatchRef::decode`]     | the same, records slicing the batch's bytes        | reads that only look: fetch, bench, cleaner map |
//! | [`BatchHeader::parse`]   | `FileLogInputStream` / `DefaultFileChannelRecordBatch` | segment scans, recovery, indexes |
//! | [`is_valid`]             | `DefaultRecordBatch.isValid`                       | log recovery |
//!
//! Decoding never trusts a length: every length and count is checked against the bytes present
//! before anything is allocated for it, so corrupt or hostile input gives a [`BatchError`] with a
//! message naming the batch's offset, never a panic and never a huge allocation. Batches the
//! playground produces are uncompressed; a compressed batch (written by a real client) still
//! parses as a [`BatchHeader`], and asking for its records says which codec is missing.

mod batch;
mod batch_header;
mod batch_ref;
mod builder;
pub mod crc32c;
mod default_record;
mod error;
pub mod varint;

pub use batch::{LeaderStamp, RecordBatch};
pub use batch_header::{
    is_valid, set_base_offset_in_place, set_max_timestamp_in_place,
    set_partition_leader_epoch_in_place, BatchHeader,
};
pub use batch_ref::{BatchRef, HeaderRef, HeadersRef, RecordRef};
pub use builder::{BatchOptions, RecordBatchBuilder};
pub use default_record::record_size_in_bytes;
pub use error::{BatchError, BuildError, RecordError};

/// The only record format the playground writes and reads (`RecordBatch.MAGIC_VALUE_V2`).
pub const MAGIC_VALUE_V2: i8 = 2;
/// A batch or record without a timestamp (`RecordBatch.NO_TIMESTAMP`).
pub const NO_TIMESTAMP: i64 = -1;
/// A batch from a producer without an id, i.e. not idempotent (`RecordBatch.NO_PRODUCER_ID`).
pub const NO_PRODUCER_ID: i64 = -1;
/// `RecordBatch.NO_PRODUCER_EPOCH`.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `RecordBatch.NO_SEQUENCE`.
pub const NO_SEQUENCE: i32 = -1;
/// What producers write; the leader stamps its epoch on append (`RecordBatch.NO_PARTITION_LEADER_EPOCH`).
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;
/// Base offset and length, the part of a batch outside its length (`Records.LOG_OVERHEAD`).
pub const LOG_OVERHEAD: u32 = 12;
/// The fixed header of a v2 batch (`DefaultRecordBatch.RECORD_BATCH_OVERHEAD`).
pub const RECORD_BATCH_OVERHEAD: u32 = 61;

/// One record header: a UTF-8 key and a nullable value (Kafka's `RecordHeader`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    pub key: String,
    pub value: Option<Vec<u8>>,
}

impl Header {
    pub fn new(key: impl Into<String>, value: Option<Vec<u8>>) -> Self {
        Header {
            key: key.into(),
            value,
        }
    }
}

/// One record, with its absolute offset and timestamp.
///
/// `timestamp` is the batch's base timestamp plus the record's stored delta, i.e. the create time
/// the producer gave it. In a `LogAppendTime` batch Kafka reports the batch's max timestamp
/// instead; [`RecordBatch::timestamp_of`] gives that, so nothing stored is lost here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

/// Which time a batch's timestamps mean (attributes bit 3; Kafka's `TimestampType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimestampType {
    /// Set by the producer (`message.timestamp.type=CreateTime`, the default).
    CreateTime,
    /// Set by the leader when it appended the batch.
    LogAppendTime,
}

impl TimestampType {
    /// Kafka's spelling, as the console consumer and dump-log print it.
    pub const fn name(self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }
}

impl std::fmt::Display for TimestampType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The codec of a batch's records (attributes bits 0-2; Kafka's `CompressionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompressionType {
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

impl CompressionType {
    /// The id stored in the attributes (`CompressionType.id`).
    pub const fn id(self) -> u8 {
        match self {
            CompressionType::None => 0,
            CompressionType::Gzip => 1,
            CompressionType::Snappy => 2,
            CompressionType::Lz4 => 3,
            CompressionType::Zstd => 4,
        }
    }

    /// The codec for an id; ids 5 to 7 are not assigned (`CompressionType.forId` throws).
    pub const fn from_id(id: u8) -> Option<Self> {
        match id {
            0 => Some(CompressionType::None),
            1 => Some(CompressionType::Gzip),
            2 => Some(CompressionType::Snappy),
            3 => Some(CompressionType::Lz4),
            4 => Some(CompressionType::Zstd),
            _ => None,
        }
    }

    /// Kafka's name, as `compression.type` takes it and dump-log prints it.
    pub const fn name(self) -> &'static str {
        match self {
            CompressionType::None => "none",
            CompressionType::Gzip => "gzip",
            CompressionType::Snappy => "snappy",
            CompressionType::Lz4 => "lz4",
            CompressionType::Zstd => "zstd",
        }
    }
}

impl std::fmt::Display for CompressionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Kafka's `DefaultRecordBatch.incrementSequence`: sequences wrap from `i32::MAX` to 0.
///
/// Java's int arithmetic wraps, and the increment comes from a batch on disk (hostile input may
/// make it negative), so this wraps too rather than panic.
pub const fn increment_sequence(sequence: i32, increment: i32) -> i32 {
    if sequence > i32::MAX.wrapping_sub(increment) {
        increment
            .wrapping_sub(i32::MAX.wrapping_sub(sequence))
            .wrapping_sub(1)
    } else {
        sequence.wrapping_add(increment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_ids_round_trip_and_unknown_ids_are_none() {
        for id in 0..5 {
            assert_eq!(
                CompressionType::from_id(id).map(CompressionType::id),
                Some(id)
            );
        }
        for id in 5..8 {
            assert_eq!(CompressionType::from_id(id), None);
        }
        assert_eq!(CompressionType::Zstd.to_string(), "zstd");
        assert_eq!(TimestampType::LogAppendTime.to_string(), "LogAppendTime");
    }

    #[test]
    fn sequences_wrap_as_in_kafka() {
        assert_eq!(increment_sequence(5, 3), 8);
        assert_eq!(increment_sequence(i32::MAX, 1), 0);
        assert_eq!(increment_sequence(i32::MAX - 1, 3), 1);
    }
}
