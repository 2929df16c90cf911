//! What can go wrong reading or building a record batch, each with a message a person can act on.
//!
//! Reading errors name the batch by its base offset (as Kafka's `CorruptRecordException` and
//! `InvalidRecordException` messages describe the batch) so dump-log and log recovery can print
//! them as they are. They are data, not panics: corrupt files are part of what the playground shows.

use super::varint::VarintError;
use super::CompressionType;

/// A batch that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Fewer bytes than even the base offset; no offset to name.
    #[error("record batch is truncated: {needed} bytes needed, {available} available")]
    HeaderTruncated { needed: u64, available: u64 },
    #[error(
        "batch at offset {base_offset} is truncated: {needed} bytes needed, {available} available"
    )]
    Truncated {
        base_offset: i64,
        needed: u64,
        available: u64,
    },
    /// Kafka: "Record batch is corrupt (the size N is smaller than the minimum allowed overhead 61)".
    #[error(
        "batch at offset {base_offset} is corrupt: its size {size} is smaller than the minimum \
         batch size 61"
    )]
    SizeTooSmall { base_offset: i64, size: i64 },
    #[error(
        "batch at offset {base_offset} has magic {magic}: only magic 2 (the v2 record batch of \
         Kafka 0.11 and later) is supported"
    )]
    UnsupportedMagic { base_offset: i64, magic: i8 },
    #[error("batch at offset {base_offset} has unknown compression codec id {id}")]
    UnknownCompression { base_offset: i64, id: u8 },
    /// Kafka: "Record is corrupt (stored crc = S, computed crc = C)".
    #[error(
        "batch at offset {base_offset} is corrupt: CRC mismatch: stored 0x{stored:08x}, computed \
         0x{computed:08x}"
    )]
    CrcMismatch {
        base_offset: i64,
        stored: u32,
        computed: u32,
    },
    #[error(
        "batch at offset {base_offset}: compression codec {codec} is not supported by the playground"
    )]
    UnsupportedCompression {
        base_offset: i64,
        codec: CompressionType,
    },
    /// Kafka: "Found invalid record count N in magic v2 batch".
    #[error("batch at offset {base_offset} has invalid record count {count}")]
    InvalidRecordCount { base_offset: i64, count: i32 },
    #[error("batch at offset {base_offset}, record {index}: {source}")]
    InvalidRecord {
        base_offset: i64,
        index: i32,
        source: RecordError,
    },
    /// Kafka: "Incorrect declared batch size, records still remaining in file".
    #[error(
        "batch at offset {base_offset} has {remaining} bytes left after its {count} records \
         (incorrect declared batch size)"
    )]
    TrailingBytes {
        base_offset: i64,
        count: i32,
        remaining: u64,
    },
}

impl BatchError {
    /// True when more bytes might complete the batch (a torn write at the end of a log), as
    /// opposed to bytes that are wrong whatever follows them.
    pub fn is_truncation(&self) -> bool {
        matches!(
            self,
            BatchError::HeaderTruncated { .. } | BatchError::Truncated { .. }
        )
    }
}

/// A record inside a batch that cannot be read (Kafka's `InvalidRecordException` messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("cannot read the {field}: {error}")]
    Varint {
        field: &'static str,
        error: VarintError,
    },
    #[error("invalid record size {size}")]
    NegativeSize { size: i32 },
    #[error(
        "invalid record size: expected {expected} bytes in record payload, but only {available} \
         remain in the batch"
    )]
    BodyTruncated { expected: i32, available: u64 },
    #[error("the {field} of {length} bytes runs past the end of the record ({available} left)")]
    FieldTruncated {
        field: &'static str,
        length: i32,
        available: u64,
    },
    #[error("the record ends before its attributes byte")]
    MissingAttributes,
    #[error("found invalid number of record headers {count}")]
    InvalidHeaderCount { count: i32 },
    #[error("invalid negative header key size {size}")]
    NegativeHeaderKeySize { size: i32 },
    #[error("header key is not valid UTF-8")]
    HeaderKeyNotUtf8,
    #[error(
        "invalid record size: expected to read {expected} bytes in record payload, but instead \
         read {read}"
    )]
    SizeMismatch { expected: i32, read: u64 },
}

/// A batch the builder refuses to make, with Kafka's `MemoryRecordsBuilder` messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("Illegal offset {offset} following previous offset {previous} (Offsets must increase monotonically).")]
    NonIncreasingOffset { offset: i64, previous: i64 },
    #[error(
        "offset {offset} is too far from the base offset {base_offset} for a 32-bit offset delta"
    )]
    OffsetDeltaOverflow { offset: i64, base_offset: i64 },
    #[error("Invalid negative timestamp {timestamp}")]
    NegativeTimestamp { timestamp: i64 },
    #[error("Cannot write transactional messages without a valid producer ID")]
    TransactionalWithoutProducerId,
    #[error("Invalid negative producer epoch")]
    NegativeProducerEpoch,
    #[error("Invalid negative sequence number used")]
    NegativeSequence,
    #[error("the batch would be {size} bytes, more than a batch can hold (2147483659 bytes)")]
    BatchTooLarge { size: u64 },
}
