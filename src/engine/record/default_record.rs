//! One record inside a v2 batch, following Kafka's `DefaultRecord`:
//!
//! ```text
//! length          varint   bytes after this field
//! attributes      i8       unused, written as 0
//! timestampDelta  varlong  from the batch's baseTimestamp
//! offsetDelta     varint   from the batch's baseOffset
//! keyLength       varint   -1 for a null key
//! key             bytes
//! valueLength     varint   -1 for a null value
//! value           bytes
//! headerCount     varint
//! headers         [keyLength varint, key utf8, valueLength varint (-1 null), value bytes]
//! ```
//!
//! Reading follows `DefaultRecord.readFrom`: any negative key or value length reads as null (as
//! Kafka's `Utils.readBytes` does), a negative header count or header key length is an error, and
//! the fields must use exactly the declared length. One departure, on the strict side: a header
//! key that is not UTF-8 is an error here, where Java would substitute U+FFFD when the key is
//! read. That way a decoded batch always re-encodes to at most its original size.

use super::batch_ref::{HeaderRef, HeadersRef, RecordRef};
use super::error::RecordError;
use super::varint::{
    read_unsigned_varint_minimal, read_unsigned_varlong_minimal, size_of_varint, size_of_varlong,
    unzigzag_u32, unzigzag_u64, write_varint, write_varlong,
};
use super::{Header, Record};

/// A length as the `i32` the wire carries. Callers keep batches within `i32::MAX` bytes (the
/// builder refuses more), so saturation never shows in encoded output; it only keeps size
/// arithmetic on absurd inputs from wrapping into a small number.
#[inline]
pub(super) fn wire_len(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

#[inline]
fn size_of_bytes(bytes: Option<&[u8]>) -> u64 {
    match bytes {
        None => u64::from(size_of_varint(-1)),
        Some(b) => u64::from(size_of_varint(wire_len(b.len()))) + b.len() as u64,
    }
}

#[inline(always)]
fn size_of_body(
    offset_delta: i32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> u64 {
    let mut size = 1 // attributes
        + u64::from(size_of_varint(offset_delta))
        + u64::from(size_of_varlong(timestamp_delta))
        + size_of_bytes(key)
        + size_of_bytes(value)
        + u64::from(size_of_varint(wire_len(headers.len())));
    for header in headers {
        size += size_of_bytes(Some(header.key.as_bytes())) + size_of_bytes(header.value.as_deref());
    }
    size
}

/// Bytes one record takes in a batch, length prefix included (Kafka's `DefaultRecord.sizeInBytes`).
///
/// Returned as `u64` so that no input can overflow it; anything above `i32::MAX` cannot be encoded.
#[inline]
pub fn record_size_in_bytes(
    offset_delta: i32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> u64 {
    let body = size_of_body(offset_delta, timestamp_delta, key, value, headers);
    body + u64::from(size_of_varint(i32::try_from(body).unwrap_or(i32::MAX)))
}

impl Record {
    /// This record's size in a batch with the given base offset and base timestamp.
    #[inline]
    pub fn size_in_bytes(&self, base_offset: i64, base_timestamp: i64) -> u64 {
        record_size_in_bytes(
            self.offset.wrapping_sub(base_offset) as i32,
            self.timestamp.wrapping_sub(base_timestamp),
            self.key.as_deref(),
            self.value.as_deref(),
            &self.headers,
        )
    }
}

#[inline]
fn write_bytes(bytes: Option<&[u8]>, out: &mut Vec<u8>) {
    match bytes {
        None => write_varint(-1, out),
        Some(b) => {
            write_varint(wire_len(b.len()), out);
            out.extend_from_slice(b);
        }
    }
}

/// Appends `record` as Kafka's `DefaultRecord.writeTo` does. The deltas fit by the batch's
/// invariant (the builder checked them); timestamps wrap as Java's `long` subtraction does.
#[inline]
pub(super) fn write_record(
    record: &Record,
    base_offset: i64,
    base_timestamp: i64,
    out: &mut Vec<u8>,
) {
    let offset_delta = record.offset.wrapping_sub(base_offset) as i32;
    let timestamp_delta = record.timestamp.wrapping_sub(base_timestamp);
    let key = record.key.as_deref();
    let value = record.value.as_deref();
    let body = size_of_body(offset_delta, timestamp_delta, key, value, &record.headers);
    write_varint(i32::try_from(body).unwrap_or(i32::MAX), out);
    out.push(0); // attributes: none are defined for v2 records
    write_varlong(timestamp_delta, out);
    write_varint(offset_delta, out);
    write_bytes(key, out);
    write_bytes(value, out);
    write_varint(wire_len(record.headers.len()), out);
    for header in &record.headers {
        write_bytes(Some(header.key.as_bytes()), out);
        write_bytes(header.value.as_deref(), out);
    }
}

/// A cursor over one record's body: reads never go past the declared record length.
struct BodyReader<'a> {
    body: &'a [u8],
    pos: usize,
    /// Every varint so far was as short as it could be and no length was below -1: the body
    /// re-encodes to exactly the bytes read.
    canonical: bool,
}

impl<'a> BodyReader<'a> {
    fn remaining(&self) -> u64 {
        self.body.len().saturating_sub(self.pos) as u64
    }

    #[inline(always)]
    fn varint(&mut self, field: &'static str) -> Result<i32, RecordError> {
        let (value, minimal) = read_unsigned_varint_minimal(self.body, &mut self.pos)
            .map_err(|error| RecordError::Varint { field, error })?;
        self.canonical &= minimal;
        Ok(unzigzag_u32(value))
    }

    #[inline(always)]
    fn varlong(&mut self, field: &'static str) -> Result<i64, RecordError> {
        let (value, minimal) = read_unsigned_varlong_minimal(self.body, &mut self.pos)
            .map_err(|error| RecordError::Varint { field, error })?;
        self.canonical &= minimal;
        Ok(unzigzag_u64(value))
    }

    #[inline(always)]
    fn take(&mut self, field: &'static str, length: i32) -> Result<&'a [u8], RecordError> {
        let slice = usize::try_from(length)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .and_then(|end| self.body.get(self.pos..end))
            .ok_or_else(|| RecordError::FieldTruncated {
                field,
                length,
                available: self.remaining(),
            })?;
        self.pos += slice.len();
        Ok(slice)
    }

    /// Kafka's nullable bytes: a negative length is null. Borrowed from the batch's bytes.
    #[inline(always)]
    fn nullable_bytes(&mut self, field: &'static str) -> Result<Option<&'a [u8]>, RecordError> {
        let length = self.varint(field)?;
        if length < 0 {
            // Kafka reads any negative length as null but writes only -1.
            self.canonical &= length == -1;
            return Ok(None);
        }
        Ok(Some(self.take(field, length)?))
    }

    /// One header: a UTF-8 key and nullable value bytes, both borrowed.
    #[inline]
    fn header(&mut self) -> Result<HeaderRef<'a>, RecordError> {
        let key_size = self.varint("header key length")?;
        if key_size < 0 {
            return Err(RecordError::NegativeHeaderKeySize { size: key_size });
        }
        let key = std::str::from_utf8(self.take("header key", key_size)?)
            .map_err(|_| RecordError::HeaderKeyNotUtf8)?;
        let value = self.nullable_bytes("header value")?;
        Ok(HeaderRef { key, value })
    }

    /// Checks every header and returns them as the slice they fill, to be walked again lazily
    /// by [`HeadersRef::iter`]: no allocation for a record's headers until someone asks.
    #[inline(always)]
    fn headers(&mut self) -> Result<HeadersRef<'a>, RecordError> {
        let count = self.varint("header count")?;
        if count == 0 {
            // The usual case, kept inline: the walk below is out of line.
            return Ok(HeadersRef::default());
        }
        self.some_headers(count)
    }

    #[inline(never)]
    fn some_headers(&mut self, count: i32) -> Result<HeadersRef<'a>, RecordError> {
        // Each header needs at least two bytes, so a count beyond the bytes left is corrupt.
        if count < 0 || count as u64 > self.remaining() {
            return Err(RecordError::InvalidHeaderCount { count });
        }
        let start = self.pos;
        for _ in 0..count {
            self.header()?;
        }
        Ok(HeadersRef {
            bytes: self.body.get(start..self.pos).unwrap_or_default(),
            count: count as u32,
        })
    }
}

impl<'a> HeadersRef<'a> {
    /// The headers in order. They were checked when the record was read, so the walk cannot
    /// fail; were the bytes ever wrong, it would end early rather than panic.
    pub fn iter(&self) -> impl Iterator<Item = HeaderRef<'a>> + 'a {
        let mut reader = BodyReader {
            body: self.bytes,
            pos: 0,
            canonical: true,
        };
        (0..self.count).map_while(move |_| reader.header().ok())
    }
}

/// Reads the record at `data[*pos]`, advancing `*pos` past it (`DefaultRecord.readFrom`).
#[cfg(test)]
pub(super) fn read_record(
    data: &[u8],
    pos: &mut usize,
    base_offset: i64,
    base_timestamp: i64,
) -> Result<Record, RecordError> {
    read_record_ref(data, pos, base_offset, base_timestamp).map(|(record, _)| record.to_record())
}

/// Reads the record at `data[*pos]` as a view of those bytes, advancing `*pos` past it
/// (`DefaultRecord.readFrom`, every check included), and whether the record re-encodes to
/// exactly the bytes read (what [`Record::size_in_bytes`] would say, without a second pass).
#[inline(always)]
pub(super) fn read_record_ref<'a>(
    data: &'a [u8],
    pos: &mut usize,
    base_offset: i64,
    base_timestamp: i64,
) -> Result<(RecordRef<'a>, bool), RecordError> {
    let (size, minimal) =
        read_unsigned_varint_minimal(data, pos).map_err(|error| RecordError::Varint {
            field: "record length",
            error,
        })?;
    let size = unzigzag_u32(size);
    let available = data.len().saturating_sub(*pos) as u64;
    if size < 0 {
        return Err(RecordError::NegativeSize { size });
    }
    let end = pos
        .checked_add(size as usize)
        .filter(|&end| end <= data.len())
        .ok_or(RecordError::BodyTruncated {
            expected: size,
            available,
        })?;
    let mut body = BodyReader {
        body: data.get(*pos..end).unwrap_or_default(),
        pos: 0,
        canonical: minimal,
    };
    body.take("attributes", 1)
        .map_err(|_| RecordError::MissingAttributes)?;
    let timestamp_delta = body.varlong("timestamp delta")?;
    let offset_delta = body.varint("offset delta")?;
    let key = body.nullable_bytes("key")?;
    let value = body.nullable_bytes("value")?;
    let headers = body.headers()?;
    if body.pos != body.body.len() {
        return Err(RecordError::SizeMismatch {
            expected: size,
            read: body.pos as u64,
        });
    }
    *pos = end;
    let record = RecordRef {
        offset: base_offset.wrapping_add(i64::from(offset_delta)),
        timestamp: base_timestamp.wrapping_add(timestamp_delta),
        key,
        value,
        headers,
    };
    Ok((record, body.canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            offset: 105,
            timestamp: 1_735_689_600_500,
            key: Some(b"k".to_vec()),
            value: None,
            headers: vec![
                Header::new("h", Some(b"v".to_vec())),
                Header::new("n", None),
            ],
        }
    }

    #[test]
    fn writes_kafka_layout() {
        let mut out = Vec::new();
        write_record(&sample(), 100, 1_735_689_600_000, &mut out);
        let expected = [
            0x1e, // length 15
            0x00, // attributes
            0xe8, 0x07, // timestamp delta 500
            0x0a, // offset delta 5
            0x02, b'k', // key
            0x01, // null value
            0x04, // 2 headers
            0x02, b'h', 0x02, b'v', // h=v
            0x02, b'n', 0x01, // n=null
        ];
        assert_eq!(out, expected);
        assert_eq!(
            sample().size_in_bytes(100, 1_735_689_600_000),
            expected.len() as u64
        );
    }

    #[test]
    fn reads_back_what_it_writes() {
        let mut out = Vec::new();
        write_record(&sample(), 100, 1_735_689_600_000, &mut out);
        let mut pos = 0;
        let record = read_record(&out, &mut pos, 100, 1_735_689_600_000).expect("valid record");
        assert_eq!(record, sample());
        assert_eq!(pos, out.len());
    }

    #[test]
    fn any_negative_key_length_is_null_as_in_kafka() {
        // length 5: attributes, ts 0, offset 0, key length -3, value length -1, no headers
        let bytes = [0x0c, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00];
        let mut pos = 0;
        let record = read_record(&bytes, &mut pos, 0, 0).expect("valid record");
        assert_eq!(record.key, None);
    }

    #[test]
    fn declared_length_must_match_the_fields() {
        // length 7 declares one byte more than the fields use.
        let bytes = [0x0e, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00];
        let mut pos = 0;
        let err = read_record(&bytes, &mut pos, 0, 0).expect_err("size mismatch");
        assert_eq!(
            err,
            RecordError::SizeMismatch {
                expected: 7,
                read: 6
            }
        );
        assert!(err.to_string().contains("expected to read 7 bytes"));
    }

    #[test]
    fn hostile_lengths_are_errors_not_allocations() {
        // A key claiming i32::MAX bytes.
        let bytes = [0x12, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00];
        let mut pos = 0;
        let err = read_record(&bytes, &mut pos, 0, 0).expect_err("key too long");
        assert!(matches!(
            err,
            RecordError::FieldTruncated { field: "key", .. }
        ));
        // A header count of one million in an eight-byte record.
        let bytes = [0x10, 0x00, 0x00, 0x00, 0x01, 0x01, 0x80, 0x89, 0x7a];
        let mut pos = 0;
        let err = read_record(&bytes, &mut pos, 0, 0).expect_err("bad count");
        assert_eq!(err, RecordError::InvalidHeaderCount { count: 1_000_000 });
        // A record claiming more bytes than the batch has left.
        let mut pos = 0;
        let err = read_record(&bytes[..5], &mut pos, 0, 0).expect_err("short body");
        assert_eq!(
            err,
            RecordError::BodyTruncated {
                expected: 8,
                available: 4
            }
        );
    }
}
