//! The records inside a v2 batch, read as `DefaultRecordBatch`'s uncompressed iterator and
//! `DefaultRecord.readFrom` read them — without checking the CRC, so a corrupt batch still shows
//! its records — and the `| offset: …` line DumpLogSegments prints for each record.
//!
//! The engine's own decoder ([`crate::engine::record::RecordBatch::decode`]) rejects a batch
//! whose CRC does not match; dump-log must not, and must fail with Kafka's messages where Kafka's
//! reader fails, so this module reads the bytes itself.

use super::batches::{checked_i32, compression_name, V2Header, RECORD_BATCH_OVERHEAD};
use super::java::{utf8, Failure, Outcome, BUFFER_UNDERFLOW, ILLEGAL_ARGUMENT, INVALID_RECORD};
use super::legacy::LegacyRecord;
use crate::engine::record::increment_sequence;

/// How a `ByteBuffer` read fails: past the limit, or a malformed varint / slice.
enum ReadError {
    Underflow,
    Illegal(String),
}

/// A `ByteBuffer` over a batch: reads advance, running out is `BufferUnderflowException`.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn get(&mut self) -> Result<u8, ReadError> {
        let byte = *self.buf.get(self.pos).ok_or(ReadError::Underflow)?;
        self.pos += 1;
        Ok(byte)
    }

    /// `ByteUtils.readVarint(ByteBuffer)`, with its message for a fifth byte that continues.
    fn varint(&mut self) -> Result<i32, ReadError> {
        let mut result: i32 = 0;
        for shift in [0, 7, 14, 21] {
            let byte = self.get()? as i8;
            if byte >= 0 {
                result |= i32::from(byte) << shift;
                return Ok(unzigzag(result));
            }
            result |= (i32::from(byte) & 0x7f) << shift;
        }
        let byte = self.get()? as i8;
        result |= i32::from(byte) << 28;
        if byte < 0 {
            return Err(ReadError::Illegal(format!(
                "Varint is too long, the most significant bit in the 5th byte is set, converted \
                 value: {:x}",
                result as u32
            )));
        }
        Ok(unzigzag(result))
    }

    /// `ByteUtils.readVarlong(ByteBuffer)`.
    fn varlong(&mut self) -> Result<i64, ReadError> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = self.get()?;
            value |= u64::from(byte & 0x7f).wrapping_shl(shift);
            if byte & 0x80 == 0 {
                return Ok(((value >> 1) as i64) ^ -((value & 1) as i64));
            }
        }
        Err(ReadError::Illegal("Varlong is too long".to_string()))
    }

    /// `Utils.readBytes(buffer, size)`: `None` for a negative size; a size past the limit is
    /// `IllegalArgumentException` from `Buffer.limit`.
    fn bytes(&mut self, size: i32) -> Result<Option<&'a [u8]>, ReadError> {
        let Ok(size) = usize::try_from(size) else {
            return Ok(None);
        };
        let capacity = self.remaining();
        if size > capacity {
            return Err(ReadError::Illegal(format!(
                "newLimit > capacity: ({size} > {capacity})"
            )));
        }
        let bytes = self.buf.get(self.pos..self.pos + size).unwrap_or_default();
        self.pos += size;
        Ok(Some(bytes))
    }
}

fn unzigzag(value: i32) -> i32 {
    (((value as u32) >> 1) as i32) ^ -(value & 1)
}

/// One record of a v2 batch, every field already read (reading is what fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct V2Record<'a> {
    pub(super) offset: i64,
    timestamp: i64,
    sequence: i32,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    header_keys: Vec<String>,
}

impl V2Record<'_> {
    /// `Record.timestamp`: the batch's max timestamp in a `LogAppendTime` batch.
    pub(super) fn timestamp(&self) -> i64 {
        self.timestamp
    }
}

/// `DefaultRecordBatch.uncompressedIterator`: `count` records, then nothing may remain.
pub(super) struct V2Records<'a> {
    cursor: Cursor<'a>,
    read: i32,
    count: i32,
    header: V2Header,
    log_append_time: Option<i64>,
}

impl<'a> V2Records<'a> {
    /// `DefaultRecordBatch.iterator` over the whole batch `full`.
    pub(super) fn new(full: &'a [u8], position: i32) -> Outcome<Self> {
        let count = checked_i32(full, 57)?;
        let header = V2Header::read(full);
        let mut records = V2Records {
            cursor: Cursor {
                buf: full,
                pos: RECORD_BATCH_OVERHEAD,
            },
            read: 0,
            count: 0,
            header,
            log_append_time: (header.timestamp_type() == "LogAppendTime")
                .then_some(header.max_timestamp),
        };
        if count == 0 {
            return Ok(records);
        }
        let codec = compression_name(header.codec_id())?;
        if codec != "none" {
            return Err(Failure::Playground(format!(
                "cannot read the records of the {codec}-compressed batch at position {position}: \
                 the playground has no {codec} codec"
            )));
        }
        if count < 0 {
            let text = format!(
                "Found invalid record count {count} in magic v{} batch",
                header.magic
            );
            return Err(Failure::java(INVALID_RECORD, text));
        }
        records.count = count;
        Ok(records)
    }

    /// `RecordIterator.next`: the next record, or `None` after `count` of them.
    pub(super) fn next_record(&mut self) -> Outcome<Option<V2Record<'a>>> {
        if self.read >= self.count {
            return Ok(None);
        }
        self.read += 1;
        let size = self.cursor.varint().map_err(|e| match e {
            ReadError::Underflow => Failure::java(
                INVALID_RECORD,
                "Incorrect declared batch size, premature EOF reached",
            ),
            ReadError::Illegal(message) => Failure::java(ILLEGAL_ARGUMENT, message),
        })?;
        let remaining = self.cursor.remaining();
        if i64::try_from(remaining).unwrap_or(i64::MAX) < i64::from(size) {
            let text = format!(
                "Invalid record size: expected {size} bytes in record payload, but instead the \
                 buffer has only {remaining} remaining bytes."
            );
            return Err(Failure::java(INVALID_RECORD, text));
        }
        let record = self.read_body(size)?;
        if self.read == self.count && self.cursor.remaining() > 0 {
            let text = "Incorrect declared batch size, records still remaining in file";
            return Err(Failure::java(INVALID_RECORD, text));
        }
        Ok(Some(record))
    }

    /// The body of `DefaultRecord.readFrom`: buffer and argument errors become "Found invalid
    /// record structure"; its own checks keep their messages.
    fn read_body(&mut self, size: i32) -> Outcome<V2Record<'a>> {
        let start = self.cursor.pos;
        let record = self.read_fields().map_err(|e| match e {
            Ok(message) => Failure::java(INVALID_RECORD, message),
            Err(_) => Failure::java(INVALID_RECORD, "Found invalid record structure"),
        })?;
        let read = self.cursor.pos - start;
        if i64::try_from(read).unwrap_or(i64::MAX) != i64::from(size) {
            let text = format!(
                "Invalid record size: expected to read {size} bytes in record payload, but instead \
                 read {read}"
            );
            return Err(Failure::java(INVALID_RECORD, text));
        }
        Ok(record)
    }

    /// The fields; `Err(Ok(message))` is an `InvalidRecordException`, `Err(Err(_))` a buffer error.
    fn read_fields(&mut self) -> Result<V2Record<'a>, Result<String, ReadError>> {
        let c = &mut self.cursor;
        let _attributes = c.get().map_err(Err)?;
        let timestamp_delta = c.varlong().map_err(Err)?;
        let offset_delta = c.varint().map_err(Err)?;
        let key_size = c.varint().map_err(Err)?;
        let key = c.bytes(key_size).map_err(Err)?;
        let value_size = c.varint().map_err(Err)?;
        let value = c.bytes(value_size).map_err(Err)?;
        let header_count = c.varint().map_err(Err)?;
        if header_count < 0 {
            return Err(Ok(format!(
                "Found invalid number of record headers {header_count}"
            )));
        }
        if usize::try_from(header_count).unwrap_or(usize::MAX) > c.remaining() {
            return Err(Ok(format!(
                "Found invalid number of record headers. {header_count} is larger than the \
                 remaining size of the buffer"
            )));
        }
        let mut header_keys = Vec::new();
        for _ in 0..header_count {
            let key_size = c.varint().map_err(Err)?;
            if key_size < 0 {
                return Err(Ok(format!("Invalid negative header key size {key_size}")));
            }
            let key = c.bytes(key_size).map_err(Err)?.unwrap_or_default();
            let value_size = c.varint().map_err(Err)?;
            c.bytes(value_size).map_err(Err)?;
            header_keys.push(utf8(key));
        }
        let h = &self.header;
        let base_sequence = h.base_sequence;
        Ok(V2Record {
            offset: h.base_offset.wrapping_add(i64::from(offset_delta)),
            timestamp: self
                .log_append_time
                .unwrap_or(h.base_timestamp.wrapping_add(timestamp_delta)),
            sequence: if base_sequence >= 0 {
                increment_sequence(base_sequence, offset_delta)
            } else {
                -1
            },
            key,
            value,
            header_keys,
        })
    }
}

/// A record of either kind, as the printing loop sees it.
pub(super) enum AnyRecord<'a> {
    V2(V2Record<'a>),
    Legacy(LegacyRecord<'a>),
}

impl<'a> AnyRecord<'a> {
    pub(super) fn offset(&self) -> i64 {
        match self {
            AnyRecord::V2(r) => r.offset,
            AnyRecord::Legacy(r) => r.offset(),
        }
    }

    pub(super) fn key(&self) -> Outcome<Option<&'a [u8]>> {
        match self {
            AnyRecord::V2(r) => Ok(r.key),
            AnyRecord::Legacy(r) => r.key(),
        }
    }

    pub(super) fn value(&self) -> Outcome<Option<&'a [u8]>> {
        match self {
            AnyRecord::V2(r) => Ok(r.value),
            AnyRecord::Legacy(r) => r.value(),
        }
    }

    /// `| offset: … sequence: … headerKeys: [...]` (v2) or the legacy form.
    pub(super) fn metadata(&self, timestamp_type: &str) -> Outcome<String> {
        let r = match self {
            AnyRecord::V2(r) => r,
            AnyRecord::Legacy(r) => return r.metadata(timestamp_type),
        };
        Ok(format!(
            "| offset: {} {timestamp_type}: {} keySize: {} valueSize: {} sequence: {} \
             headerKeys: [{}]",
            r.offset,
            r.timestamp,
            r.key.map_or(-1, len_i32),
            r.value.map_or(-1, len_i32),
            r.sequence,
            r.header_keys.join(","),
        ))
    }

    /// `DumpLogSegments.printControlRecord`'s text for a record of a control batch.
    pub(super) fn control(&self) -> Outcome<String> {
        let (key, value) = (self.key()?, self.value()?);
        control_text(key, value)
    }
}

fn len_i32(bytes: &[u8]) -> i32 {
    i32::try_from(bytes.len()).unwrap_or(i32::MAX)
}

/// `ControlRecordType.parseTypeId` and, for transaction markers, `EndTransactionMarker`.
fn control_text(key: Option<&[u8]>, value: Option<&[u8]>) -> Outcome<String> {
    let Some(key) = key else {
        return Err(Failure::bare(super::java::NULL_POINTER));
    };
    if key.len() < 4 {
        let text = format!(
            "Invalid value size found for end control record key. Must have at least 4 bytes, \
             but found only {}",
            key.len()
        );
        return Err(Failure::java(INVALID_RECORD, text));
    }
    let version = i16::from_be_bytes([key[0], key[1]]);
    if version < 0 {
        let text = format!(
            "Invalid version found for control record: {version}. May indicate data corruption"
        );
        return Err(Failure::java(INVALID_RECORD, text));
    }
    let type_id = i16::from_be_bytes([key[2], key[3]]);
    let name = match type_id {
        0 => "ABORT",
        1 => "COMMIT",
        2 => "LEADER_CHANGE",
        3 => "SNAPSHOT_HEADER",
        4 => "SNAPSHOT_FOOTER",
        5 => "KRAFT_VERSION",
        6 => "KRAFT_VOTERS",
        _ => "UNKNOWN",
    };
    if let Some(text) = super::metadata::kraft_control_text(type_id, value) {
        return text;
    }
    if type_id > 1 {
        return Ok(format!(" controlType: {name}({type_id})"));
    }
    let Some(value) = value else {
        return Err(Failure::bare(super::java::NULL_POINTER));
    };
    if value.len() < 6 {
        let text = format!(
            "Invalid value size found for end transaction marker. Must have at least 6 bytes, but \
             found only {}",
            value.len()
        );
        return Err(Failure::java(INVALID_RECORD, text));
    }
    let version = i16::from_be_bytes([value[0], value[1]]);
    if version < 0 {
        let text = format!(
            "Invalid version found for end transaction marker: {version}. May indicate data \
             corruption"
        );
        return Err(Failure::java(INVALID_RECORD, text));
    }
    let epoch = i32::from_be_bytes([value[2], value[3], value[4], value[5]]);
    Ok(format!(" endTxnMarker: {name} coordinatorEpoch: {epoch}"))
}

/// The `Decoder` a key or value goes through (`--key-decoder-class`, `--value-decoder-class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decoder {
    /// `org.apache.kafka.tools.api.StringDecoder`, the default: the bytes as UTF-8.
    String,
    /// `IntegerDecoder`: `ByteBuffer.wrap(bytes).getInt()`.
    Integer,
    /// `LongDecoder`: `ByteBuffer.wrap(bytes).getLong()`.
    Long,
}

impl Decoder {
    /// The decoder a class name names; other names are not on the playground's class path.
    pub(super) fn for_class(name: &str) -> Option<Decoder> {
        match name {
            "org.apache.kafka.tools.api.StringDecoder" => Some(Decoder::String),
            "org.apache.kafka.tools.api.IntegerDecoder" => Some(Decoder::Integer),
            "org.apache.kafka.tools.api.LongDecoder" => Some(Decoder::Long),
            _ => None,
        }
    }

    pub(super) fn decode(self, bytes: &[u8]) -> Outcome<String> {
        let underflow = || Failure::bare(BUFFER_UNDERFLOW);
        match self {
            Decoder::String => Ok(utf8(bytes)),
            Decoder::Integer => {
                let b: [u8; 4] = bytes
                    .get(..4)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(underflow)?;
                Ok(i32::from_be_bytes(b).to_string())
            }
            Decoder::Long => {
                let b: [u8; 8] = bytes
                    .get(..8)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(underflow)?;
                Ok(i64::from_be_bytes(b).to_string())
            }
        }
    }
}
