//! Batches whose magic byte is below 2: Kafka's message formats v0 and v1, where each batch is one
//! `LegacyRecord` (`crc`, `magic`, `attributes`, [`timestamp`], `key`, `value`) guarded by a
//! CRC-32 (not CRC-32C). The playground never writes them, but a flipped magic byte makes any
//! batch one, so dump-log reads them as `LegacyFileChannelRecordBatch` and
//! `ByteBufferLegacyRecordBatch` do, with the exceptions they throw.

use super::batches::{be_i64, be_u32, checked_i32, compression_name, FileBatch, LOG_OVERHEAD};
use super::java::{Failure, Outcome, ILLEGAL_ARGUMENT, INDEX_OUT_OF_BOUNDS};

/// `LegacyRecord.HEADER_SIZE_V0` and `HEADER_SIZE_V1`: crc, magic, attributes, [timestamp].
fn header_size(magic: i8) -> Outcome<usize> {
    match magic {
        0 => Ok(6),
        1 => Ok(14),
        _ => Err(Failure::java(
            ILLEGAL_ARGUMENT,
            format!("Invalid magic used in LegacyRecord: {magic}"),
        )),
    }
}

/// The record inside the batch (after its log header), as `LegacyRecord` sees it.
fn record_of(batch: &[u8]) -> &[u8] {
    batch.get(LOG_OVERHEAD as usize..).unwrap_or_default()
}

fn timestamp_type(record: &[u8]) -> &'static str {
    match (record.get(4), record.get(5)) {
        (Some(0), _) => "NoTimestampType",
        (_, Some(attributes)) if attributes & 0x08 != 0 => "LogAppendTime",
        _ => "CreateTime",
    }
}

fn timestamp(record: &[u8]) -> i64 {
    if record.get(4) == Some(&0) {
        -1
    } else {
        be_i64(record, 6)
    }
}

/// `LegacyRecord.isValid`: at least `RECORD_OVERHEAD_V0` bytes and a matching CRC-32.
fn is_valid(record: &[u8]) -> bool {
    record.len() >= 14 && be_u32(record, 0) == crc32(record.get(4..).unwrap_or_default())
}

/// The part of `printBatchLevel` after `offset: N` for a legacy batch.
pub(super) fn batch_level_rest(batch: &FileBatch<'_>, accumulative_bytes: i64) -> Outcome<String> {
    let header = batch.load(LOG_OVERHEAD as usize + header_size(batch.magic)?)?;
    let record = record_of(header);
    let codec = compression_name(record.get(5).map_or(0, |a| a & 0x07))?;
    let valid = is_valid(record_of(batch.full()?));
    Ok(format!(
        " position: {accumulative_bytes} {}: {} size: {} magic: {} compresscodec: {codec} crc: {} \
         isvalid: {valid}",
        timestamp_type(record),
        timestamp(record),
        batch.size_in_bytes(),
        batch.magic,
        be_u32(record, 0),
    ))
}

/// The one record of an uncompressed legacy batch (the batch itself, as Kafka iterates it).
#[derive(Debug, Clone, Copy)]
pub(super) struct LegacyRecord<'a> {
    batch: &'a [u8],
}

impl<'a> LegacyRecord<'a> {
    /// `AbstractLegacyRecordBatch.iterator`: the batch itself, unless it is compressed.
    pub(super) fn of(batch: &FileBatch<'a>) -> Outcome<LegacyRecord<'a>> {
        let full = batch.full()?;
        let codec = compression_name(record_of(full).get(5).map_or(0, |a| a & 0x07))?;
        if codec != "none" {
            return Err(Failure::Playground(format!(
                "cannot read the records of the {codec}-compressed batch at position {}: the \
                 playground has no {codec} codec",
                batch.position
            )));
        }
        Ok(LegacyRecord { batch: full })
    }

    fn record(&self) -> &'a [u8] {
        record_of(self.batch)
    }

    pub(super) fn offset(&self) -> i64 {
        be_i64(self.batch, 0)
    }

    pub(super) fn timestamp(&self) -> i64 {
        timestamp(self.record())
    }

    /// `batch.timestampType` (`NoTimestampType` for magic 0).
    pub(super) fn timestamp_type(&self) -> &'static str {
        timestamp_type(self.record())
    }

    fn key_size_offset(&self) -> usize {
        if self.record().get(4) == Some(&0) {
            6
        } else {
            14
        }
    }

    fn key_size(&self) -> Outcome<i32> {
        checked_i32(self.record(), self.key_size_offset())
    }

    fn value_size_offset(&self) -> Outcome<usize> {
        let key_size = usize::try_from(self.key_size()?.max(0)).unwrap_or(usize::MAX);
        Ok((self.key_size_offset() + 4).saturating_add(key_size))
    }

    fn value_size(&self) -> Outcome<i32> {
        checked_i32(self.record(), self.value_size_offset()?)
    }

    /// `| offset: … keySize: … valueSize: …` and the `isValid … crc …}` that DumpLogSegments
    /// prints for a legacy record (the stray `}` is Kafka's).
    pub(super) fn metadata(&self, timestamp_type: &str) -> Outcome<String> {
        let record = self.record();
        Ok(format!(
            "| offset: {} {timestamp_type}: {} keySize: {} valueSize: {} isValid: {} crc: {}}}",
            self.offset(),
            timestamp(record),
            self.key_size()?,
            self.value_size()?,
            is_valid(record),
            be_u32(record, 0),
        ))
    }

    /// `Utils.readBytes(record.key)`, or `None` for a null key.
    pub(super) fn key(&self) -> Outcome<Option<&'a [u8]>> {
        size_delimited(self.record(), self.key_size_offset())
    }

    pub(super) fn value(&self) -> Outcome<Option<&'a [u8]>> {
        size_delimited(self.record(), self.value_size_offset()?)
    }
}

/// `Utils.sizeDelimited`: an int size then that many bytes; a negative size is null.
fn size_delimited(buffer: &[u8], start: usize) -> Outcome<Option<&[u8]>> {
    let size = checked_i32(buffer, start)?;
    let Ok(size) = usize::try_from(size) else {
        return Ok(None);
    };
    let from = start + 4;
    let capacity = buffer.len().saturating_sub(from);
    if size > capacity {
        return Err(Failure::java(
            ILLEGAL_ARGUMENT,
            format!("newLimit > capacity: ({size} > {capacity})"),
        ));
    }
    buffer
        .get(from..from + size)
        .map(Some)
        .ok_or(Failure::bare(INDEX_OUT_OF_BOUNDS))
}

/// CRC-32 (IEEE 802.3, reflected, as `java.util.zip.CRC32`), which legacy records use.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut crc = i as u32;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            table[i] = crc;
            i += 1;
        }
        table
    };
    let crc = bytes.iter().fold(!0u32, |crc, &b| {
        TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    });
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
