//! [`BatchRef`] and [`RecordRef`]: a v2 batch and its records read in place, borrowing keys,
//! values and headers from the batch's bytes (as Kafka's `DefaultRecord` slices the fetched
//! `ByteBuffer` instead of copying).
//!
//! Readers that only look at records (a consumer's fetch, the bench's sequential read, the
//! cleaner's offset map) use these and allocate once per batch (the record list), not once per
//! key and value. [`super::RecordBatch::decode`] goes through the same checks and turns each
//! view into an owned [`Record`] where ownership is needed (appends, the cleaner's rebuilds).
//!
//! A `BatchRef` exists only after every check of [`super::RecordBatch::decode`] passed: header,
//! size, CRC-32C, the record count and every record's fields and lengths. So a corrupt or
//! truncated batch is an error here too, never a panic.

use super::batch_header::{BatchHeader, RECORDS_OFFSET};
use super::default_record::read_record_ref;
use super::error::BatchError;
use super::{increment_sequence, CompressionType, Header, Record, TimestampType, NO_SEQUENCE};

/// The smallest possible record: length, attributes, two deltas, two null lengths, no headers.
const MIN_RECORD_SIZE: usize = 7;

/// One record header as it lies in the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderRef<'a> {
    pub key: &'a str,
    pub value: Option<&'a [u8]>,
}

impl HeaderRef<'_> {
    pub fn to_header(&self) -> Header {
        Header::new(self.key, self.value.map(<[u8]>::to_vec))
    }
}

/// A record's headers, checked but not yet split: [`HeadersRef::iter`] walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HeadersRef<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) count: u32,
}

impl HeadersRef<'_> {
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Owned copies, for a [`Record`].
    pub fn to_headers(&self) -> Vec<Header> {
        self.iter().map(|h| h.to_header()).collect()
    }
}

/// One record read in place: what [`Record`] holds, with key, value and headers borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordRef<'a> {
    pub offset: i64,
    /// The batch's base timestamp plus the record's delta (see [`Record::timestamp`]).
    pub timestamp: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: HeadersRef<'a>,
}

impl RecordRef<'_> {
    /// The owned record, copying key, value and headers.
    pub fn to_record(&self) -> Record {
        Record {
            offset: self.offset,
            timestamp: self.timestamp,
            key: self.key.map(<[u8]>::to_vec),
            value: self.value.map(<[u8]>::to_vec),
            headers: self.headers.to_headers(),
        }
    }
}

/// The parts every decoder of a whole batch shares: the checked header, the records as
/// `each` maps them, the batch's size as stored, and whether it re-encodes to the same bytes.
pub(super) struct Decoded<T> {
    pub header: BatchHeader,
    pub records: Vec<T>,
    pub size: usize,
    pub canonical: bool,
}

/// `DefaultRecordBatch.ensureValid` plus its record iterator: decodes the batch at `bytes[0]`,
/// mapping every record view through `each`. Bytes after the batch are left alone.
pub(super) fn decode_batch<'a, T>(
    bytes: &'a [u8],
    mut each: impl FnMut(RecordRef<'a>) -> T,
) -> Result<Decoded<T>, BatchError> {
    let header = BatchHeader::parse(bytes)?;
    header.verify_crc(bytes)?;
    let base_offset = header.base_offset;
    if header.compression != CompressionType::None {
        return Err(BatchError::UnsupportedCompression {
            base_offset,
            codec: header.compression,
        });
    }
    let count = header.records_count;
    if count < 0 {
        return Err(BatchError::InvalidRecordCount { base_offset, count });
    }
    // verify_crc succeeded, so the whole batch is present and its size fits in memory.
    let size = header.size_in_bytes() as usize;
    let data = bytes.get(RECORDS_OFFSET..size).unwrap_or_default();
    // The count comes from the input: never reserve more than the bytes could hold.
    let mut records = Vec::with_capacity((count as usize).min(data.len() / MIN_RECORD_SIZE));
    let mut pos = 0;
    let mut canonical = true;
    for index in 0..count {
        let (record, exact) = read_record_ref(data, &mut pos, base_offset, header.base_timestamp)
            .map_err(|source| BatchError::InvalidRecord {
            base_offset,
            index,
            source,
        })?;
        canonical &= exact;
        records.push(each(record));
    }
    if pos != data.len() {
        return Err(BatchError::TrailingBytes {
            base_offset,
            count,
            remaining: (data.len() - pos) as u64,
        });
    }
    Ok(Decoded {
        header,
        records,
        size,
        canonical,
    })
}

/// A checked v2 batch whose records borrow from its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRef<'a> {
    header: BatchHeader,
    records: Vec<RecordRef<'a>>,
    size: usize,
    canonical: bool,
}

impl<'a> BatchRef<'a> {
    /// Decodes the batch at `bytes[0]` with every check of [`super::RecordBatch::decode`];
    /// returns it with the number of bytes it took.
    pub fn decode(bytes: &'a [u8]) -> Result<(BatchRef<'a>, usize), BatchError> {
        let decoded = decode_batch(bytes, |record| record)?;
        let size = decoded.size;
        let batch = BatchRef {
            header: decoded.header,
            records: decoded.records,
            size,
            canonical: decoded.canonical,
        };
        Ok((batch, size))
    }

    /// The batch's header fields as stored.
    pub fn header(&self) -> &BatchHeader {
        &self.header
    }

    pub fn records(&self) -> &[RecordRef<'a>] {
        &self.records
    }

    pub fn base_offset(&self) -> i64 {
        self.header.base_offset
    }

    pub fn last_offset(&self) -> i64 {
        self.header.last_offset()
    }

    pub fn next_offset(&self) -> i64 {
        self.header.next_offset()
    }

    pub fn partition_leader_epoch(&self) -> i32 {
        self.header.partition_leader_epoch
    }

    pub fn timestamp_type(&self) -> TimestampType {
        self.header.timestamp_type
    }

    pub fn max_timestamp(&self) -> i64 {
        self.header.max_timestamp
    }

    /// The bytes the batch takes where it lies (Kafka's `FileChannelRecordBatch.sizeInBytes`).
    pub fn size_in_bytes(&self) -> u32 {
        u32::try_from(self.size).unwrap_or(u32::MAX)
    }

    /// The timestamp Kafka reports for `record` (see [`super::RecordBatch::timestamp_of`]).
    pub fn timestamp_of(&self, record: &RecordRef<'_>) -> i64 {
        match self.header.timestamp_type {
            TimestampType::CreateTime => record.timestamp,
            TimestampType::LogAppendTime => self.header.max_timestamp,
        }
    }

    /// The producer sequence of `record` (see [`super::RecordBatch::sequence_of`]).
    pub fn sequence_of(&self, record: &RecordRef<'_>) -> i32 {
        if self.header.base_sequence < 0 {
            return NO_SEQUENCE;
        }
        let offset_delta = record.offset.wrapping_sub(self.header.base_offset) as i32;
        increment_sequence(self.header.base_sequence, offset_delta)
    }

    /// The owned batch, exactly what [`super::RecordBatch::decode`] gives for the same bytes.
    pub fn to_batch(&self) -> super::RecordBatch {
        super::RecordBatch::from_decoded(Decoded {
            header: self.header,
            records: self.records.iter().map(RecordRef::to_record).collect(),
            size: self.size,
            canonical: self.canonical,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::{RecordBatch, RecordBatchBuilder};

    fn sample() -> Vec<u8> {
        let mut builder = RecordBatchBuilder::with_base_offset(40);
        builder
            .append(
                7,
                Some(b"k".to_vec()),
                Some(b"value".to_vec()),
                vec![
                    Header::new("h", Some(b"1".to_vec())),
                    Header::new("n", None),
                ],
            )
            .expect("append");
        builder
            .append(9, None, None, vec![])
            .expect("append tombstone");
        builder.build().encode()
    }

    #[test]
    fn views_borrow_what_the_owned_decoder_copies() {
        let bytes = sample();
        let (view, used) = BatchRef::decode(&bytes).expect("valid batch");
        let (owned, owned_used) = RecordBatch::decode(&bytes).expect("valid batch");
        assert_eq!(used, owned_used);
        assert_eq!(view.to_batch(), owned);
        let first = view.records()[0];
        assert_eq!(first.key, Some(&b"k"[..]));
        assert_eq!(first.value, Some(&b"value"[..]));
        let headers: Vec<HeaderRef<'_>> = first.headers.iter().collect();
        assert_eq!(
            headers,
            [
                HeaderRef {
                    key: "h",
                    value: Some(&b"1"[..])
                },
                HeaderRef {
                    key: "n",
                    value: None
                }
            ]
        );
        assert_eq!(view.records()[1].value, None);
        assert_eq!(view.records()[1].offset, 41);
        assert_eq!(view.timestamp_of(&view.records()[1]), 9);
        assert_eq!(view.size_in_bytes() as usize, bytes.len());
        // The key points into the batch's own bytes: nothing was copied.
        let key = first.key.expect("key");
        assert!(bytes.as_ptr_range().contains(&key.as_ptr()));
    }

    #[test]
    fn every_cut_and_every_bit_flip_is_the_same_error_as_the_owned_decoder() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            let view = BatchRef::decode(&bytes[..cut]).map(|(b, n)| (b.to_batch(), n));
            assert_eq!(view, RecordBatch::decode(&bytes[..cut]), "cut at {cut}");
            assert!(view.is_err());
        }
        for at in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[at] ^= 1 << bit;
                let view = BatchRef::decode(&flipped).map(|(b, n)| (b.to_batch(), n));
                assert_eq!(
                    view,
                    RecordBatch::decode(&flipped),
                    "bit {bit} of byte {at}"
                );
            }
        }
    }
}
