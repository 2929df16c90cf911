//! `.index`, `.timeindex` and `.txnindex` files, dumped and checked as DumpLogSegments'
//! `dumpIndex`, `dumpTimeIndex` and `dumpTxnIndex` do: every entry is looked up in the segment's
//! `.log`, and what does not match is collected for the report printed at the end of the run.
//!
//! Index files are opened as `AbstractIndex` opens them (read-only, `maxIndexSize` -1): a missing
//! index file is created empty by `File.createNewFile` before Kafka notices -1 is no size at all,
//! so the first run fails and the next one finds the file empty. Entries are read as `OffsetIndex`
//! and `TimeIndex` read them (`entries = length / entrySize`), looked up with their binary search.

use super::batches::{be_i32, be_i64, FileBatch, FileRecords};
use super::java::{
    parse_long, Console, Failure, JavaFile, Outcome, CORRUPT_INDEX, ILLEGAL_ARGUMENT, KAFKA,
    NO_SUCH_ELEMENT, NO_SUCH_FILE,
};
use super::legacy::LegacyRecord;
use super::records::V2Records;
use std::collections::BTreeMap;

/// Where dump-log reads files from, and where `createNewFile` makes one.
pub(super) trait Disk {
    fn read(&self, file: &JavaFile) -> Option<Vec<u8>>;
    /// `File.createNewFile`: `Ok(true)` when it made an empty file, `Ok(false)` when one exists,
    /// `Err` when its directory does not exist.
    fn create_new(&mut self, file: &JavaFile) -> Result<bool, ()>;
}

/// Problems found on the way, printed on stderr once every file is dumped (by absolute path).
#[derive(Debug, Default)]
pub(super) struct Findings {
    /// `misMatchesForIndexFilesMap`: (index offset, log offset), newest first as Scala's `::=`.
    pub(super) index_mismatches: BTreeMap<String, Vec<(i64, i64)>>,
    pub(super) time_mismatches: BTreeMap<String, Vec<(i64, i64)>>,
    pub(super) out_of_order: BTreeMap<String, Vec<(i64, i64)>>,
    pub(super) shallow_not_found: BTreeMap<String, Vec<(i64, i64)>>,
    /// `nonConsecutivePairsForLogFilesMap`, newest first.
    pub(super) non_consecutive: BTreeMap<String, Vec<(i64, i64)>>,
}

impl Findings {
    /// The end of `DumpLogSegments.main`, all on stderr.
    pub(super) fn print(&self, console: &mut Console<'_>) {
        for (file, pairs) in &self.index_mismatches {
            console.err(format!("Mismatches in :{file}"));
            for (index, log) in pairs {
                console.err(format!("  Index offset: {index}, log offset: {log}"));
            }
        }
        for (file, pairs) in &self.time_mismatches {
            console.err(format!("Found timestamp mismatch in :{file}"));
            for (index, log) in pairs {
                console.err(format!("  Index timestamp: {index}, log timestamp: {log}"));
            }
        }
        for (file, pairs) in &self.out_of_order {
            console.err(format!("Found out of order timestamp in :{file}"));
            for (index, previous) in pairs {
                console.err(format!(
                    "  Index timestamp: {index}, Previously indexed timestamp: {previous}"
                ));
            }
        }
        for pairs in self.shallow_not_found.values() {
            console.err("The following indexed offsets are not found in the log.");
            for (index, log) in pairs {
                console.err(format!("Indexed offset: {index}, found log offset: {log}"));
            }
        }
        for (file, pairs) in &self.non_consecutive {
            console.err(format!("Non-consecutive offsets in {file}"));
            for (first, second) in pairs {
                console.err(format!("  {first} is followed by {second}"));
            }
        }
    }
}

/// `--index-sanity-check` and `--verify-index-only`.
#[derive(Debug, Clone, Copy)]
pub(super) struct IndexSettings {
    pub(super) sanity_only: bool,
    pub(super) verify_only: bool,
}

const OFFSET_ENTRY: usize = 8;
const TIME_ENTRY: usize = 12;

/// The segment's `.log`, opened as `FileRecords.open(logFile, false)`.
fn open_log(disk: &dyn Disk, file: &JavaFile) -> Outcome<(JavaFile, Vec<u8>)> {
    let log_file = file.sibling(&format!("{}.log", file.stem()));
    match disk.read(&log_file) {
        Some(data) => Ok((log_file, data)),
        None => Err(Failure::java(NO_SUCH_FILE, log_file.path())),
    }
}

/// `new OffsetIndex(file, startOffset, -1, false)` / `new TimeIndex(…)`: the file's bytes.
fn open_index(disk: &mut dyn Disk, file: &JavaFile) -> Outcome<Vec<u8>> {
    match disk.create_new(file) {
        Ok(true) => Err(Failure::java(
            ILLEGAL_ARGUMENT,
            "Invalid max index size: -1",
        )),
        Ok(false) => Ok(disk.read(file).unwrap_or_default()),
        Err(()) => Err(Failure::java(
            "java.io.IOException",
            "No such file or directory",
        )),
    }
}

/// Entry `n` of an offset index: (base + relative offset, position).
fn offset_entry(index: &[u8], base: i64, n: usize) -> (i64, i32) {
    let at = n * OFFSET_ENTRY;
    (
        base.wrapping_add(i64::from(be_i32(index, at))),
        be_i32(index, at + 4),
    )
}

/// Entry `n` of a time index: (timestamp, base + relative offset).
fn time_entry(index: &[u8], base: i64, n: usize) -> (i64, i64) {
    let at = n * TIME_ENTRY;
    (
        be_i64(index, at),
        base.wrapping_add(i64::from(be_i32(index, at + 8))),
    )
}

/// `DumpLogSegments.dumpIndex`.
pub(super) fn dump_index(
    disk: &mut dyn Disk,
    file: &JavaFile,
    settings: IndexSettings,
    max_message_size: i32,
    console: &mut Console<'_>,
    findings: &mut Findings,
) -> Outcome {
    let base = parse_long(file.stem())?;
    let (log_file, log) = open_log(disk, file)?;
    let index = open_index(disk, file)?;
    let entries = index.len() / OFFSET_ENTRY;
    if entries == 0 {
        console.println(&format!("{} is empty.", file.path()));
        return Ok(());
    }
    if settings.sanity_only {
        offset_sanity_check(&index, base, file)?;
        console.println(&format!("{} passed sanity check.", file.path()));
        return Ok(());
    }
    let records = FileRecords::open(&log, log_file.path());
    for n in 0..entries {
        let (offset, position) = offset_entry(&index, base, n);
        if offset == base && n > 0 {
            return Ok(());
        }
        let slice = records.slice(position, max_message_size)?;
        let first = slice
            .batches()
            .next_batch()?
            .ok_or(Failure::bare(NO_SUCH_ELEMENT))?;
        let last_offset = first.last_offset()?;
        if last_offset != offset {
            let list = findings.index_mismatches.entry(file.absolute());
            list.or_default().insert(0, (offset, last_offset));
        }
        if !settings.verify_only {
            console.println(&format!("offset: {offset} position: {position}"));
        }
    }
    Ok(())
}

/// `OffsetIndex.sanityCheck`.
fn offset_sanity_check(index: &[u8], base: i64, file: &JavaFile) -> Outcome {
    let entries = index.len() / OFFSET_ENTRY;
    let last_offset = match entries {
        0 => base,
        n => offset_entry(index, base, n - 1).0,
    };
    let path = file.absolute();
    if entries != 0 && last_offset < base {
        let text = format!(
            "Corrupt index found, index file {path} has non-zero size but the last offset is \
             {last_offset} which is less than the base offset {base}"
        );
        return Err(Failure::java(CORRUPT_INDEX, text));
    }
    if index.len() % OFFSET_ENTRY != 0 {
        let text = format!(
            "Index file {path} is corrupt, found {} bytes which is neither positive nor a \
             multiple of {OFFSET_ENTRY}",
            index.len()
        );
        return Err(Failure::java(CORRUPT_INDEX, text));
    }
    Ok(())
}

/// `TimeIndex.sanityCheck`.
fn time_sanity_check(index: &[u8], base: i64, file: &JavaFile) -> Outcome {
    let entries = index.len() / TIME_ENTRY;
    let path = file.absolute();
    if entries != 0 {
        let (last_timestamp, last_offset) = time_entry(index, base, entries - 1);
        let first_timestamp = time_entry(index, base, 0).0;
        if last_timestamp < first_timestamp {
            let text = format!(
                "Corrupt time index found, time index file ({path}) has non-zero size but the last \
                 timestamp is {last_timestamp} which is less than the first timestamp \
                 {first_timestamp}"
            );
            return Err(Failure::java(CORRUPT_INDEX, text));
        }
        if last_offset < base {
            let text = format!(
                "Corrupt time index found, time index file ({path}) has non-zero size but the last \
                 offset is {last_offset} which is less than the first offset {base}"
            );
            return Err(Failure::java(CORRUPT_INDEX, text));
        }
    }
    if index.len() % TIME_ENTRY != 0 {
        let text = format!(
            "Time index file {path} is corrupt, found {} bytes which is neither positive nor a \
             multiple of {TIME_ENTRY}",
            index.len()
        );
        return Err(Failure::java(CORRUPT_INDEX, text));
    }
    Ok(())
}

/// `OffsetIndex.lookup`: the entry with the largest offset at or below `target`, found with
/// `AbstractIndex`'s search (the last 1024 entries first), or (base, 0).
fn lookup(index: &[u8], base: i64, target: i64) -> (i64, i32) {
    let entries = index.len() / OFFSET_ENTRY;
    if entries == 0 {
        return (base, 0);
    }
    let key = |n: usize| offset_entry(index, base, n).0;
    let search = |mut lo: usize, mut hi: usize| {
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let found = key(mid);
            if found > target {
                hi = mid - 1;
            } else if found < target {
                lo = mid;
            } else {
                return mid;
            }
        }
        lo
    };
    let first_hot = entries.saturating_sub(1 + 8192 / OFFSET_ENTRY);
    let slot = if key(first_hot) < target {
        search(first_hot, entries - 1)
    } else if key(0) > target {
        return (base, 0);
    } else {
        search(0, first_hot)
    };
    offset_entry(index, base, slot)
}

/// `DumpLogSegments.dumpTimeIndex`.
pub(super) fn dump_time_index(
    disk: &mut dyn Disk,
    file: &JavaFile,
    settings: IndexSettings,
    console: &mut Console<'_>,
    findings: &mut Findings,
) -> Outcome {
    let base = parse_long(file.stem())?;
    let (log_file, log) = open_log(disk, file)?;
    let index = open_index(disk, &file.sibling(&format!("{}.index", file.stem())))?;
    let time_index = open_index(disk, file)?;
    if settings.sanity_only {
        time_sanity_check(&time_index, base, file)?;
        console.println(&format!("{} passed sanity check.", file.path()));
        return Ok(());
    }
    let records = FileRecords::open(&log, log_file.path());
    let path = file.absolute();
    let mut previous = -1;
    for n in 0..time_index.len() / TIME_ENTRY {
        let (timestamp, offset) = time_entry(&time_index, base, n);
        if offset == base && n > 0 {
            return Ok(());
        }
        let position = lookup(&index, base, offset).1;
        let slice = records.slice(position, i32::MAX)?;
        match find_batch(&slice, offset)? {
            None => push(&mut findings.shallow_not_found, &path, (offset, -1)),
            Some((_, last)) if last != offset => {
                push(&mut findings.shallow_not_found, &path, (offset, last));
            }
            Some((batch, _)) => {
                let max_timestamp = max_record_timestamp(&batch)?;
                if max_timestamp != timestamp {
                    push(
                        &mut findings.time_mismatches,
                        &path,
                        (timestamp, max_timestamp),
                    );
                }
                if previous >= timestamp {
                    push(&mut findings.out_of_order, &path, (timestamp, previous));
                }
            }
        }
        if !settings.verify_only {
            console.println(&format!("timestamp: {timestamp} offset: {offset}"));
        }
        previous = timestamp;
    }
    Ok(())
}

fn push(map: &mut BTreeMap<String, Vec<(i64, i64)>>, path: &str, pair: (i64, i64)) {
    map.entry(path.to_string()).or_default().push(pair);
}

/// `batches.find(_.lastOffset >= offset)`, with the batch's last offset.
fn find_batch<'a>(slice: &FileRecords<'a>, offset: i64) -> Outcome<Option<(FileBatch<'a>, i64)>> {
    let mut batches = slice.batches();
    while let Some(batch) = batches.next_batch()? {
        let last = batch.last_offset()?;
        if last >= offset {
            return Ok(Some((batch, last)));
        }
    }
    Ok(None)
}

/// The largest `record.timestamp` in the batch (its records read as dump-log reads them).
fn max_record_timestamp(batch: &FileBatch<'_>) -> Outcome<i64> {
    let mut max = -1;
    if batch.is_v2() {
        let mut records = V2Records::new(batch.full()?, batch.position)?;
        while let Some(record) = records.next_record()? {
            max = max.max(record.timestamp());
        }
    } else {
        max = max.max(LegacyRecord::of(batch)?.timestamp());
    }
    Ok(max)
}

/// `DumpLogSegments.dumpTxnIndex`: the aborted transactions, 34 bytes each.
pub(super) fn dump_txn_index(
    disk: &dyn Disk,
    file: &JavaFile,
    console: &mut Console<'_>,
) -> Outcome {
    let name = file.name();
    parse_long(name.split('.').next().unwrap_or_default())?;
    let Some(bytes) = disk.read(file) else {
        return Ok(());
    };
    for entry in bytes.chunks_exact(34) {
        let version = i16::from_be_bytes([entry[0], entry[1]]);
        if version > 0 {
            let text = format!(
                "Unexpected aborted transaction version {version} in transaction index {}, \
                 current version is 0",
                file.absolute()
            );
            return Err(Failure::java(KAFKA, text));
        }
        console.println(&format!(
            "version: {version} producerId: {} firstOffset: {} lastOffset: {} lastStableOffset: {}",
            be_i64(entry, 2),
            be_i64(entry, 10),
            be_i64(entry, 18),
            be_i64(entry, 26),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Output;

    pub(super) fn index(entries: &[(i32, i32)]) -> Vec<u8> {
        entries
            .iter()
            .flat_map(|(r, p)| r.to_be_bytes().into_iter().chain(p.to_be_bytes()))
            .collect()
    }

    /// Files by absolute path.
    struct MemDisk(BTreeMap<String, Vec<u8>>);

    impl Disk for MemDisk {
        fn read(&self, file: &JavaFile) -> Option<Vec<u8>> {
            self.0.get(&file.absolute()).cloned()
        }

        fn create_new(&mut self, file: &JavaFile) -> Result<bool, ()> {
            let fresh = !self.0.contains_key(&file.absolute());
            self.0.entry(file.absolute()).or_default();
            Ok(fresh)
        }
    }

    /// Batches of offsets 0-2 (timestamps 10-30), 3 (40) and 4-5 (50, 60), the offset index
    /// `index`, and the time index `time`; returns what the dumps printed.
    fn dump(index: &[(i32, i32)], time: &[(i64, i32)], verify_only: bool) -> Output {
        use crate::engine::record::RecordBatchBuilder;
        let (mut log, mut positions) = (Vec::new(), Vec::new());
        for (base, count) in [(0, 3), (3, 1), (4, 2)] {
            positions.push(log.len() as i32);
            let mut builder = RecordBatchBuilder::with_base_offset(base);
            for offset in base..base + count {
                builder
                    .append((offset + 1) * 10, None, None, vec![])
                    .expect("record");
            }
            builder.build().encode_into(&mut log);
        }
        let index: Vec<(i32, i32)> = index
            .iter()
            .map(|(o, b)| (*o, positions[*b as usize]))
            .collect();
        let time: Vec<u8> = time
            .iter()
            .flat_map(|(t, o)| t.to_be_bytes().into_iter().chain(o.to_be_bytes()))
            .collect();
        let files = [
            (".log", log),
            (".index", super::tests::index(&index)),
            (".timeindex", time),
        ];
        let disk = files.map(|(suffix, bytes)| (format!("/d/00000000000000000000{suffix}"), bytes));
        let mut disk = MemDisk(disk.into_iter().collect());
        let (mut output, mut findings) = (Output::default(), Findings::default());
        let mut console = Console::new(&mut output);
        let settings = IndexSettings {
            sanity_only: false,
            verify_only,
        };
        let index_file = JavaFile::new("/d/00000000000000000000.index");
        dump_index(
            &mut disk,
            &index_file,
            settings,
            i32::MAX,
            &mut console,
            &mut findings,
        )
        .expect("index dumped");
        let time_file = JavaFile::new("/d/00000000000000000000.timeindex");
        dump_time_index(&mut disk, &time_file, settings, &mut console, &mut findings)
            .expect("time index dumped");
        findings.print(&mut console);
        output
    }

    #[test]
    fn entries_are_checked_against_the_log() {
        let output = dump(&[(3, 1), (5, 2)], &[(40, 3), (60, 5)], false);
        let position = |line: usize| output.stdout().lines().nth(line).map(str::to_string);
        assert_eq!(position(0).as_deref(), Some("offset: 3 position: 82"));
        assert_eq!(output.stdout().lines().count(), 4);
        assert_eq!(output.stderr(), "");
        // An index entry on the wrong batch (which the time index lookup then lands on too), and
        // a time-index offset inside a batch.
        let output = dump(&[(3, 2), (5, 2)], &[(45, 3), (20, 1), (60, 5)], true);
        assert_eq!(output.stdout(), "");
        assert_eq!(
            output.stderr(),
            "Mismatches in :/d/00000000000000000000.index\n  Index offset: 3, log offset: 5\n\
             The following indexed offsets are not found in the log.\n\
             Indexed offset: 3, found log offset: 5\nIndexed offset: 1, found log offset: 2\n"
        );
        let output = dump(&[(3, 1), (5, 2)], &[(60, 5), (50, 5)], true);
        assert_eq!(
            output.stderr(),
            "Found timestamp mismatch in :/d/00000000000000000000.timeindex\n  Index timestamp: \
             50, log timestamp: 60\nFound out of order timestamp in \
             :/d/00000000000000000000.timeindex\n  Index timestamp: 50, Previously indexed \
             timestamp: 60\n"
        );
    }

    #[test]
    fn lookup_finds_the_largest_lower_bound() {
        let bytes = index(&[(3, 100), (7, 300), (12, 500)]);
        assert_eq!(lookup(&bytes, 100, 99), (100, 0));
        assert_eq!(lookup(&bytes, 100, 103), (103, 100));
        assert_eq!(lookup(&bytes, 100, 110), (107, 300));
        assert_eq!(lookup(&bytes, 100, 1_000), (112, 500));
        assert_eq!(lookup(&[], 100, 1_000), (100, 0));
        let many: Vec<(i32, i32)> = (1..3000).map(|i| (i * 2, i * 10)).collect();
        let bytes = index(&many);
        assert_eq!(lookup(&bytes, 0, 4001), (4000, 20_000));
        assert_eq!(lookup(&bytes, 0, 5999), (5998, 29_990));
    }
}
