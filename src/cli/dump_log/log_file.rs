//! `DumpLogSegments.dumpLog`: a `.log` segment (or a KRaft `.checkpoint` snapshot) batch by
//! batch, and with deep iteration record by record.

use super::batches::FileRecords;
use super::java::STRING_INDEX;
use super::java::{parse_int, parse_long, Console, Failure, JavaFile, Outcome, NO_SUCH_FILE};
use super::legacy::LegacyRecord;
use super::metadata;
use super::offsets;
use super::records::{AnyRecord, Decoder, V2Records};

/// What `dumpLog` is asked to do.
#[derive(Debug, Clone, Copy)]
pub(super) struct LogSettings {
    /// `--print-data-log` (or a decoder option): keys and payloads.
    pub(super) print_contents: bool,
    /// `--deep-iteration` (or printing contents): one line per record.
    pub(super) deep: bool,
    pub(super) skip_record_metadata: bool,
    /// How keys and payloads are printed.
    pub(super) parser: Parser,
    /// `--max-bytes`: only the batches within this many bytes.
    pub(super) max_bytes: i32,
}

/// `DumpLogSegmentsOptions.messageParser`: which `MessageParser` prints keys and payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Parser {
    /// `DecoderMessageParser` with the key and value decoders.
    Decoders(Decoder, Decoder),
    /// `--offsets-decoder`: `__consumer_offsets` records.
    Offsets,
    /// `--cluster-metadata-decoder`: KRaft metadata records.
    ClusterMetadata,
}

/// `DumpLogSegments.dumpLog`; `data` is `None` when the file does not exist. Offsets that do not
/// follow each other are added to `non_consecutive`, newest first.
pub(super) fn dump_log(
    file: &JavaFile,
    data: Option<&[u8]>,
    settings: &LogSettings,
    console: &mut Console<'_>,
    non_consecutive: &mut Vec<(i64, i64)>,
) -> Outcome {
    let name = file.name();
    if name.ends_with(".log") {
        let start = parse_long(file.stem())?;
        console.println(&format!("Log starting offset: {start}"));
    } else if name.ends_with(".checkpoint") {
        console.println(&snapshot_header(name)?);
    }
    let data = data.ok_or_else(|| Failure::java(NO_SUCH_FILE, file.path()))?;
    let records = FileRecords::open(data, file.path()).slice(0, settings.max_bytes)?;
    let mut valid_bytes: i64 = 0;
    let mut last_offset: i64 = -1;
    let mut batches = records.batches();
    while let Some(batch) = batches.next_batch()? {
        batch.print_batch_level(console, valid_bytes)?;
        if settings.deep {
            let mut printer = RecordPrinter {
                settings,
                console: &mut *console,
                last_offset: &mut last_offset,
                non_consecutive: &mut *non_consecutive,
            };
            if batch.is_v2() {
                let header = batch.v2_header()?;
                let (timestamp_type, control) = (header.timestamp_type(), header.is_control());
                let mut records = V2Records::new(batch.full()?, batch.position)?;
                while let Some(record) = records.next_record()? {
                    printer.print(&AnyRecord::V2(record), timestamp_type, control)?;
                }
            } else {
                let record = LegacyRecord::of(&batch)?;
                let timestamp_type = record.timestamp_type();
                printer.print(&AnyRecord::Legacy(record), timestamp_type, false)?;
            }
        }
        valid_bytes += i64::from(batch.size_in_bytes());
    }
    let trailing = i64::from(records.size_in_bytes()) - valid_bytes;
    if trailing > 0 && settings.max_bytes == i32::MAX {
        console.println(&format!(
            "Found {trailing} invalid bytes at the end of {name}"
        ));
    }
    Ok(())
}

/// The first line for a snapshot: `Snapshots.parse` reads `<20-digit offset>-<10-digit
/// epoch>.checkpoint` (and `.get()` of its result), `bootstrap.checkpoint` is special.
fn snapshot_header(name: &str) -> Outcome<String> {
    if name == "bootstrap.checkpoint" {
        return Ok("KRaft bootstrap snapshot".to_string());
    }
    let units: Vec<u16> = name.encode_utf16().collect();
    let substring = |begin: usize, end: usize| {
        units
            .get(begin..end)
            .map(String::from_utf16_lossy)
            .ok_or_else(|| {
                let text = format!("begin {begin}, end {end}, length {}", units.len());
                Failure::java(STRING_INDEX, text)
            })
    };
    let offset = parse_long(&substring(0, 20)?)?;
    let epoch = parse_int(&substring(21, 31)?)?;
    Ok(format!("Snapshot end offset: {offset}, epoch: {epoch}"))
}

/// The per-record part of `dumpLog`.
struct RecordPrinter<'p, 'c> {
    settings: &'p LogSettings,
    console: &'p mut Console<'c>,
    last_offset: &'p mut i64,
    non_consecutive: &'p mut Vec<(i64, i64)>,
}

impl RecordPrinter<'_, '_> {
    /// One record: `| offset: …` unless `--skip-record-metadata`, then `key: …` and
    /// ` payload: …` when printing contents (never for a control batch).
    fn print(&mut self, record: &AnyRecord<'_>, timestamp_type: &str, control: bool) -> Outcome {
        let offset = record.offset();
        if *self.last_offset == -1 {
            *self.last_offset = offset;
        } else if offset != self.last_offset.wrapping_add(1) {
            self.non_consecutive.insert(0, (*self.last_offset, offset));
        }
        *self.last_offset = offset;
        let mut prefix = "| ";
        if !self.settings.skip_record_metadata {
            self.console.print(&record.metadata(timestamp_type)?);
            prefix = " ";
            if control {
                self.console.print(&record.control()?);
            }
        }
        if self.settings.print_contents && !control {
            let (key, payload) = self.parse(record, offset)?;
            if let Some(key) = key {
                self.console.print(&format!("{prefix}key: {key}"));
            }
            if let Some(payload) = payload {
                self.console.print(&format!(" payload: {payload}"));
            }
        }
        self.console.println("");
        Ok(())
    }

    /// `MessageParser.parse`: an internal topic's parser, or the key and value decoders.
    fn parse(
        &self,
        record: &AnyRecord<'_>,
        offset: i64,
    ) -> Outcome<(Option<String>, Option<String>)> {
        let (key, value) = (record.key()?, record.value()?);
        let (key_decoder, value_decoder) = match self.settings.parser {
            Parser::Offsets => return offsets::parse(offset, key, value),
            Parser::ClusterMetadata => return Ok(metadata::parse(offset, value)),
            Parser::Decoders(key_decoder, value_decoder) => (key_decoder, value_decoder),
        };
        let key = match key {
            Some(bytes) => Some(key_decoder.decode(bytes)?),
            None => None,
        };
        let payload = match value {
            Some(bytes) => Some(value_decoder.decode(bytes)?),
            None => None,
        };
        Ok((key, payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Output;
    use crate::engine::record::{Record, RecordBatchBuilder};

    const PATH: &str = "/logs/c-0/00000000000000000000.log";
    const INVALID: &str = "org.apache.kafka.common.InvalidRecordException";

    /// Two batches: one record, then two; and where the second starts.
    fn segment() -> (Vec<u8>, usize) {
        let mut bytes = Vec::new();
        for (base, values) in [(0, &["v1"][..]), (1, &["v2", "v3"][..])] {
            let mut builder = RecordBatchBuilder::with_base_offset(base);
            for value in values {
                let (key, value) = (Some(b"k".to_vec()), Some(value.as_bytes().to_vec()));
                builder.append(1, key, value, vec![]).expect("record");
            }
            builder.build().encode_into(&mut bytes);
        }
        let first = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        (bytes, first as usize + 12)
    }

    fn dump(bytes: &[u8], deep: bool) -> (Output, Outcome, Vec<(i64, i64)>) {
        let settings = LogSettings {
            print_contents: false,
            deep,
            skip_record_metadata: false,
            parser: Parser::Decoders(Decoder::String, Decoder::String),
            max_bytes: i32::MAX,
        };
        let (mut output, mut pairs) = (Output::default(), Vec::new());
        let mut console = Console::new(&mut output);
        let file = JavaFile::new(PATH);
        let result = dump_log(&file, Some(bytes), &settings, &mut console, &mut pairs);
        console.flush();
        (output, result, pairs)
    }

    #[test]
    fn corrupt_headers_end_the_dump_with_kafkas_exceptions() {
        let (pristine, second) = segment();
        let too_small = "Found record size 5 smaller than minimum record overhead (14) in file";
        let cases: [(usize, &[u8], bool, &str, String); 5] = [
            // A length below LegacyRecord.RECORD_OVERHEAD_V0 (FileLogInputStream.nextBatch).
            (
                8,
                &5i32.to_be_bytes(),
                false,
                super::super::java::CORRUPT_RECORD,
                format!("{too_small} {PATH}."),
            ),
            // More records than the batch holds; fewer; a negative count (RecordIterator).
            (
                57,
                &3i32.to_be_bytes(),
                true,
                INVALID,
                "Incorrect declared batch size, premature EOF reached".into(),
            ),
            (
                57,
                &1i32.to_be_bytes(),
                true,
                INVALID,
                "Incorrect declared batch size, records still remaining in file".into(),
            ),
            (
                57,
                &(-1i32).to_be_bytes(),
                true,
                INVALID,
                "Found invalid record count -1 in magic v2 batch".into(),
            ),
            // An unknown codec id (CompressionType.forId), after half the batch line is out.
            (
                22,
                &[5],
                false,
                super::super::java::ILLEGAL_ARGUMENT,
                "Unknown compression type id: 5".into(),
            ),
        ];
        for (at, patch, deep, class, message) in cases {
            let mut bytes = pristine.clone();
            bytes[second + at..second + at + patch.len()].copy_from_slice(patch);
            let (output, result, _) = dump(&bytes, deep);
            assert_eq!(result, Err(Failure::java(class, message)));
            assert!(
                output.stdout().contains(" position: 0 "),
                "the first batch is out"
            );
        }
        let mut bytes = pristine.clone();
        bytes[second + 22] = 5;
        let stdout = dump(&bytes, false).0.stdout();
        let last = stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with("deleteHorizonMs: OptionalLong.empty"),
            "{last}"
        );
        // A record whose length (63) runs past the batch: DefaultRecord.readFrom.
        let mut bytes = pristine.clone();
        bytes[second + 61] = 0x7e;
        let remaining = pristine.len() - second - 62;
        let message = format!(
            "Invalid record size: expected 63 bytes in record payload, but instead the buffer has \
             only {remaining} remaining bytes."
        );
        assert_eq!(dump(&bytes, true).1, Err(Failure::java(INVALID, message)));
    }

    #[test]
    fn offsets_with_gaps_are_collected_newest_first() {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for offset in [0, 2, 3, 7] {
            let record = Record {
                offset,
                timestamp: 1,
                key: None,
                value: None,
                headers: vec![],
            };
            builder.append_record(record).expect("record");
        }
        let (_, result, pairs) = dump(&builder.build().encode(), true);
        assert_eq!(result, Ok(()));
        assert_eq!(pairs, [(3, 7), (0, 2)]);
    }
}
