//! A `.log` file read as Kafka's tools read it: `FileRecords` (a view of the file), the
//! `FileLogInputStream` that cuts it into batches, and a batch's accessors
//! (`FileChannelRecordBatch`), each loading only the bytes it needs and failing as Kafka fails when
//! they are not there. Nothing here trusts a length or checks a CRC unless Kafka does: a corrupt
//! batch prints as Kafka prints it (`isvalid: false`), it does not stop the dump.

use super::java::{
    optional_long, Failure, Outcome, CORRUPT_RECORD, ILLEGAL_ARGUMENT, INDEX_OUT_OF_BOUNDS, KAFKA,
};
use super::legacy;
use crate::engine::record::crc32c::crc32c;
use crate::engine::record::increment_sequence;

/// `Records.LOG_OVERHEAD`: base offset and length.
pub(super) const LOG_OVERHEAD: i32 = 12;
/// `Records.HEADER_SIZE_UP_TO_MAGIC`.
const HEADER_SIZE_UP_TO_MAGIC: i32 = 17;
/// `LegacyRecord.RECORD_OVERHEAD_V0`: the smallest size `FileLogInputStream` accepts.
const RECORD_OVERHEAD_V0: i32 = 14;
/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`.
pub(super) const RECORD_BATCH_OVERHEAD: usize = 61;

/// `FileRecords`: bytes `[start, end)` of a file. An unsliced view ends at `Integer.MAX_VALUE`,
/// as `FileRecords.open` leaves it.
#[derive(Debug, Clone, Copy)]
pub(super) struct FileRecords<'a> {
    data: &'a [u8],
    /// The file as `FileRecords.toString` names it.
    file: &'a str,
    start: i32,
    end: i32,
    is_slice: bool,
}

impl<'a> FileRecords<'a> {
    pub(super) fn open(data: &'a [u8], file: &'a str) -> Self {
        FileRecords {
            data,
            file,
            start: 0,
            end: i32::MAX,
            is_slice: false,
        }
    }

    fn file_len(&self) -> i32 {
        i32::try_from(self.data.len()).unwrap_or(i32::MAX)
    }

    pub(super) fn size_in_bytes(&self) -> i32 {
        if self.is_slice {
            self.end.wrapping_sub(self.start)
        } else {
            self.file_len().min(self.end).wrapping_sub(self.start)
        }
    }

    /// `FileRecords.toString`, which Kafka's messages quote.
    pub(super) fn describe(&self) -> String {
        format!(
            "FileRecords(size={}, file={}, start={}, end={})",
            self.size_in_bytes(),
            self.file,
            self.start,
            self.end
        )
    }

    /// `FileRecords.slice` with the checks of `availableBytes` (Java's int arithmetic).
    pub(super) fn slice(&self, position: i32, size: i32) -> Outcome<FileRecords<'a>> {
        let current = self.size_in_bytes();
        if position < 0 {
            let text = format!(
                "Invalid position: {position} in read from {}",
                self.describe()
            );
            return Err(Failure::java(ILLEGAL_ARGUMENT, text));
        }
        if position > current.wrapping_sub(self.start) {
            let text = format!(
                "Slice from position {position} exceeds end position of {}",
                self.describe()
            );
            return Err(Failure::java(ILLEGAL_ARGUMENT, text));
        }
        if size < 0 {
            let text = format!("Invalid size: {size} in read from {}", self.describe());
            return Err(Failure::java(ILLEGAL_ARGUMENT, text));
        }
        let mut end = self.start.wrapping_add(position).wrapping_add(size);
        if end < 0 || end > self.start.wrapping_add(current) {
            end = self.start.wrapping_add(current);
        }
        let start = self.start.wrapping_add(position);
        Ok(FileRecords {
            start,
            end,
            is_slice: true,
            ..*self
        })
    }

    /// `FileRecords.batches`: a `FileLogInputStream` over the view.
    pub(super) fn batches(&self) -> Batches<'a> {
        let end = if self.is_slice {
            self.end
        } else {
            self.size_in_bytes()
        };
        Batches {
            data: self.data,
            file: self.file,
            source: self.describe(),
            position: self.start,
            end,
        }
    }
}

/// `FileLogInputStream`: one batch at a time, reading only its log header until asked for more.
#[derive(Debug)]
pub(super) struct Batches<'a> {
    data: &'a [u8],
    file: &'a str,
    source: String,
    position: i32,
    end: i32,
}

impl<'a> Batches<'a> {
    /// `FileLogInputStream.nextBatch`: `None` where fewer bytes remain than a batch needs.
    pub(super) fn next_batch(&mut self) -> Outcome<Option<FileBatch<'a>>> {
        let (position, end) = (i64::from(self.position), i64::from(self.end));
        if position >= end - i64::from(HEADER_SIZE_UP_TO_MAGIC) {
            return Ok(None);
        }
        let at = usize::try_from(self.position).unwrap_or(usize::MAX);
        let Some(header) = self.data.get(at..at.saturating_add(17)) else {
            // RecordBatchIterator turns the EOFException of readFullyOrFail into this.
            let text = "Unexpected EOF while attempting to read the next batch";
            return Err(Failure::java(CORRUPT_RECORD, text));
        };
        let offset = be_i64(header, 0);
        let size = be_i32(header, 8);
        if size < RECORD_OVERHEAD_V0 {
            let text = format!(
                "Found record size {size} smaller than minimum record overhead \
                 ({RECORD_OVERHEAD_V0}) in file {}.",
                self.file
            );
            return Err(Failure::java(CORRUPT_RECORD, text));
        }
        if position > end - i64::from(LOG_OVERHEAD) - i64::from(size) {
            return Ok(None);
        }
        let batch = FileBatch {
            data: self.data,
            source: self.source.clone(),
            offset,
            magic: header[16] as i8,
            position: self.position,
            batch_size: size,
        };
        self.position = self.position.wrapping_add(batch.size_in_bytes());
        Ok(Some(batch))
    }
}

/// `FileChannelRecordBatch`: a batch known by its log header, loaded on demand.
#[derive(Debug, Clone)]
pub(super) struct FileBatch<'a> {
    data: &'a [u8],
    /// `FileRecords.toString` of the view it came from, for `loadBatchWithSize`'s message.
    source: String,
    pub(super) offset: i64,
    pub(super) magic: i8,
    pub(super) position: i32,
    batch_size: i32,
}

impl<'a> FileBatch<'a> {
    pub(super) fn size_in_bytes(&self) -> i32 {
        LOG_OVERHEAD.wrapping_add(self.batch_size)
    }

    pub(super) fn is_v2(&self) -> bool {
        self.magic >= 2
    }

    /// `loadBatchWithSize`: `size` bytes from the batch's position (the file, not the view).
    pub(super) fn load(&self, size: usize) -> Outcome<&'a [u8]> {
        let at = usize::try_from(self.position).unwrap_or(usize::MAX);
        self.data.get(at..at.saturating_add(size)).ok_or_else(|| {
            let text = format!(
                "Failed to load record batch at position {} from {}",
                self.position, self.source
            );
            Failure::java(KAFKA, text)
        })
    }

    /// `loadFullBatch`: the whole batch, `LOG_OVERHEAD + size` bytes.
    pub(super) fn full(&self) -> Outcome<&'a [u8]> {
        self.load(usize::try_from(self.size_in_bytes()).unwrap_or(0))
    }

    /// The v2 header (`loadBatchHeader` of a `DefaultFileChannelRecordBatch`).
    pub(super) fn v2_header(&self) -> Outcome<V2Header> {
        self.load(RECORD_BATCH_OVERHEAD).map(V2Header::read)
    }

    /// `lastOffset`, which `find(_.lastOffset >= …)` and the index checks use.
    pub(super) fn last_offset(&self) -> Outcome<i64> {
        if self.is_v2() {
            Ok(self.v2_header()?.last_offset())
        } else {
            Ok(self.offset)
        }
    }

    /// `DumpLogSegments.printBatchLevel`: the `baseOffset: …` (v2) or `offset: …` line. The
    /// first half is printed before the second is evaluated, as Scala's `print` then `println`.
    pub(super) fn print_batch_level(
        &self,
        console: &mut super::java::Console<'_>,
        accumulative_bytes: i64,
    ) -> Outcome {
        if !self.is_v2() {
            console.print(&format!("offset: {}", self.offset));
            let rest = legacy::batch_level_rest(self, accumulative_bytes)?;
            console.println(&rest);
            return Ok(());
        }
        let header = self.v2_header()?;
        console.print(&header.first_half(self.offset));
        let codec = compression_name(header.codec_id())?;
        let valid = is_valid_v2(self.full()?);
        console.println(&format!(
            " position: {accumulative_bytes} {}: {} size: {} magic: {} compresscodec: {codec} \
             crc: {} isvalid: {valid}",
            header.timestamp_type(),
            header.max_timestamp,
            self.size_in_bytes(),
            self.magic,
            header.crc,
        ));
        Ok(())
    }
}

/// `DefaultRecordBatch.isValid`: a whole header, and the CRC-32C of attributes..end matches.
pub(super) fn is_valid_v2(full: &[u8]) -> bool {
    full.len() >= RECORD_BATCH_OVERHEAD
        && be_u32(full, 17) == crc32c(full.get(21..).unwrap_or_default())
}

/// `CompressionType.forId(id).name`.
pub(super) fn compression_name(id: u8) -> Outcome<&'static str> {
    match id {
        0 => Ok("none"),
        1 => Ok("gzip"),
        2 => Ok("snappy"),
        3 => Ok("lz4"),
        4 => Ok("zstd"),
        _ => Err(Failure::java(
            ILLEGAL_ARGUMENT,
            format!("Unknown compression type id: {id}"),
        )),
    }
}

/// The fields of a v2 batch header as `DefaultRecordBatch` reads them: no checks at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct V2Header {
    pub(super) base_offset: i64,
    pub(super) partition_leader_epoch: i32,
    pub(super) magic: i8,
    pub(super) crc: u32,
    pub(super) attributes: i16,
    pub(super) last_offset_delta: i32,
    pub(super) base_timestamp: i64,
    pub(super) max_timestamp: i64,
    pub(super) producer_id: i64,
    pub(super) producer_epoch: i16,
    pub(super) base_sequence: i32,
    pub(super) count: i32,
}

impl V2Header {
    /// Reads the 61 header bytes (callers give at least that many; missing bytes read as 0).
    pub(super) fn read(bytes: &[u8]) -> Self {
        V2Header {
            base_offset: be_i64(bytes, 0),
            partition_leader_epoch: be_i32(bytes, 12),
            magic: bytes.get(16).map_or(0, |b| *b as i8),
            crc: be_u32(bytes, 17),
            attributes: be_i16(bytes, 21),
            last_offset_delta: be_i32(bytes, 23),
            base_timestamp: be_i64(bytes, 27),
            max_timestamp: be_i64(bytes, 35),
            producer_id: be_i64(bytes, 43),
            producer_epoch: be_i16(bytes, 51),
            base_sequence: be_i32(bytes, 53),
            count: be_i32(bytes, 57),
        }
    }

    pub(super) fn last_offset(&self) -> i64 {
        self.base_offset
            .wrapping_add(i64::from(self.last_offset_delta))
    }

    pub(super) fn codec_id(&self) -> u8 {
        (self.attributes & 0x07) as u8
    }

    pub(super) fn timestamp_type(&self) -> &'static str {
        if self.attributes & 0x08 == 0 {
            "CreateTime"
        } else {
            "LogAppendTime"
        }
    }

    pub(super) fn is_control(&self) -> bool {
        self.attributes & 0x20 != 0
    }

    fn last_sequence(&self) -> i32 {
        if self.base_sequence == -1 {
            return -1;
        }
        increment_sequence(self.base_sequence, self.last_offset_delta)
    }

    /// `baseOffset: … deleteHorizonMs: …`, the v2 half of `printBatchLevel`.
    fn first_half(&self, base_offset: i64) -> String {
        let delete_horizon = (self.attributes & 0x40 != 0).then_some(self.base_timestamp);
        format!(
            "baseOffset: {base_offset} lastOffset: {} count: {} baseSequence: {} lastSequence: {} \
             producerId: {} producerEpoch: {} partitionLeaderEpoch: {} isTransactional: {} \
             isControl: {} deleteHorizonMs: {}",
            self.last_offset(),
            self.count,
            self.base_sequence,
            self.last_sequence(),
            self.producer_id,
            self.producer_epoch,
            self.partition_leader_epoch,
            self.attributes & 0x10 != 0,
            self.is_control(),
            optional_long(delete_horizon),
        )
    }
}

/// `ByteBuffer.getInt(index)` on a buffer that may be too short.
pub(super) fn checked_i32(bytes: &[u8], at: usize) -> Outcome<i32> {
    match bytes.get(at..at.saturating_add(4)) {
        Some(_) => Ok(be_i32(bytes, at)),
        None => Err(Failure::bare(INDEX_OUT_OF_BOUNDS)),
    }
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = bytes.get(at..at.saturating_add(N)) {
        out.copy_from_slice(src);
    }
    out
}

pub(super) fn be_i64(bytes: &[u8], at: usize) -> i64 {
    i64::from_be_bytes(array(bytes, at))
}

pub(super) fn be_i32(bytes: &[u8], at: usize) -> i32 {
    i32::from_be_bytes(array(bytes, at))
}

pub(super) fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(array(bytes, at))
}

pub(super) fn be_i16(bytes: &[u8], at: usize) -> i16 {
    i16::from_be_bytes(array(bytes, at))
}
