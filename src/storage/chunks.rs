//! Chunk arithmetic for back-ends that store a file as fixed-size chunks (IndexedDB, issue #9).
//!
//! A file of `len` bytes is chunks `0..chunk_count(len)`, chunk `i` holding bytes
//! `[i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)`. A chunk is stored as a base record (its bytes from
//! offset 0) and, after appends, up to [`MAX_FRAGMENTS`] fragments: records holding the bytes
//! appended at an offset within the chunk, so a small flush writes only what it appended instead
//! of rewriting the chunk. A chunk may be missing or shorter than its share (a sparse file's gap
//! reads as zeros), but never holds bytes past the file's end: a truncation trims the chunk it
//! cuts, so a later write past the end finds zeros there, as on a real disk.
//! Target-independent so that it is unit-tested natively.

use std::collections::BTreeMap;

/// Bytes per chunk: large enough that a segment is a few records in the database (IndexedDB's
/// cost is per record and per transaction, not per byte), small enough that rewriting a
/// partly written tail chunk on each flush stays cheap.
pub const CHUNK_BYTES: u64 = 256 * 1024;

/// Appends a chunk takes as fragments before the next one rewrites it whole (merging them). The
/// append that fills a chunk merges it too, so a full chunk is one record, and every byte is
/// written about twice however small the flushes (once in a fragment, once merged); the cap
/// bounds the records of a chunk that fills slowly.
pub const MAX_FRAGMENTS: u32 = 128;

/// How many chunks a file of `len` bytes has.
pub fn chunk_count(len: u64) -> u64 {
    len.div_ceil(CHUNK_BYTES)
}

/// The chunks a write of `len` bytes at `position` touches (empty for an empty write).
pub fn chunks_touched(position: u64, len: u64) -> std::ops::Range<u64> {
    if len == 0 {
        return 0..0;
    }
    let end = position.saturating_add(len);
    position / CHUNK_BYTES..end.div_ceil(CHUNK_BYTES)
}

/// Whether rewriting chunk `index` of a file `old_len` bytes long with a write of
/// `[position, position + len)` needs the chunk's old bytes: true when some byte the chunk
/// holds (below `old_len`) lies outside the write.
pub fn needs_old_bytes(index: u64, old_len: u64, position: u64, len: u64) -> bool {
    let start = index * CHUNK_BYTES;
    let old_end = old_len.min(start + CHUNK_BYTES);
    if old_end <= start {
        return false;
    }
    let write_end = position.saturating_add(len);
    !(position <= start && write_end >= old_end)
}

/// Lays `bytes` written at `position` over chunk `index` whose old contents are `old`: the new
/// chunk, as long as the old one or as far as the write reaches, whichever is longer.
pub fn overlay(index: u64, old: &[u8], position: u64, bytes: &[u8]) -> Vec<u8> {
    let start = index * CHUNK_BYTES;
    let end = start + CHUNK_BYTES;
    let write_end = position + bytes.len() as u64;
    let (from, to) = (position.max(start), write_end.min(end));
    let mut chunk = old.to_vec();
    if from >= to {
        return chunk;
    }
    let (at, until) = (to_usize(from - start), to_usize(to - start));
    if chunk.len() < until {
        chunk.resize(until, 0);
    }
    let source = to_usize(from - position);
    chunk[at..until].copy_from_slice(&bytes[source..source + (until - at)]);
    chunk
}

/// Splits a whole file into its chunks.
pub fn split(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    bytes
        .chunks(to_usize(CHUNK_BYTES))
        .enumerate()
        .map(|(index, chunk)| (index as u64, chunk))
}

/// A file put together from its length and the records found, by (chunk index, offset within
/// the chunk): missing bytes are zeros; bytes past `len` or past their chunk are ignored.
pub fn assemble(len: u64, records: &BTreeMap<(u64, u64), Vec<u8>>) -> Vec<u8> {
    let mut bytes = vec![0; to_usize(len)];
    for (&(index, offset), record) in records.range(..(chunk_count(len), 0)) {
        merge_into(&mut bytes, index * CHUNK_BYTES, offset, record);
    }
    bytes
}

/// One chunk put together from its records, by offset (a base record at 0 and fragments).
pub fn merge_chunk(records: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let len = records
        .iter()
        .map(|(&offset, r)| (offset + r.len() as u64).min(CHUNK_BYTES))
        .max()
        .unwrap_or(0);
    let mut chunk = vec![0; to_usize(len)];
    for (&offset, record) in records {
        merge_into(&mut chunk, 0, offset, record);
    }
    chunk
}

/// Copies `record`, found at `offset` of the chunk starting at `chunk_start`, into `bytes`
/// (which start at `chunk_start`'s file position 0), within the chunk and within `bytes`.
fn merge_into(bytes: &mut [u8], chunk_start: u64, offset: u64, record: &[u8]) {
    if offset >= CHUNK_BYTES {
        return;
    }
    let start = chunk_start + offset;
    let room = (CHUNK_BYTES - offset).min((bytes.len() as u64).saturating_sub(start));
    let take = to_usize(room).min(record.len());
    let start = to_usize(start);
    bytes[start..start + take].copy_from_slice(&record[..take]);
}

/// Chunk positions fit in `usize` on wasm32 because files stop at `MAX_FILE_BYTES` (2 GiB).
fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    const C: u64 = CHUNK_BYTES;

    #[test]
    fn counts_and_touched_ranges() {
        assert_eq!(chunk_count(0), 0);
        assert_eq!(chunk_count(1), 1);
        assert_eq!(chunk_count(C), 1);
        assert_eq!(chunk_count(C + 1), 2);
        assert_eq!(chunks_touched(0, 0), 0..0);
        assert_eq!(chunks_touched(C - 1, 2), 0..2);
        assert_eq!(chunks_touched(C, C), 1..2);
        assert_eq!(chunk_count(1 << 20), 4, "a 1 MiB file is four chunks");
    }

    #[test]
    fn an_append_to_a_partial_chunk_needs_its_old_bytes_and_a_whole_overwrite_does_not() {
        assert!(needs_old_bytes(0, 10, 10, 5), "append after 10 bytes");
        assert!(!needs_old_bytes(1, 10, C, 5), "a chunk past the end");
        assert!(!needs_old_bytes(0, 10, 0, 10), "overwrites all old bytes");
        assert!(needs_old_bytes(0, C, 1, C), "keeps byte 0");
        assert!(!needs_old_bytes(0, C + 5, 0, C), "covers the chunk's share");
    }

    #[test]
    fn overlay_writes_its_part_of_a_write_that_spans_chunks() {
        let bytes: Vec<u8> = (0..10).collect();
        let first = overlay(0, b"abc", C - 4, &bytes);
        assert_eq!(first.len() as u64, C);
        assert_eq!(&first[..3], b"abc");
        assert_eq!(&first[to_usize(C - 4)..], &[0, 1, 2, 3]);
        let second = overlay(1, b"", C - 4, &bytes);
        assert_eq!(second, vec![4, 5, 6, 7, 8, 9]);
        assert_eq!(overlay(0, b"xyz", 1, b"Q"), b"xQz");
    }

    #[test]
    fn assemble_zero_fills_gaps_and_ignores_bytes_past_the_end() {
        let mut chunks = BTreeMap::new();
        chunks.insert((1, 0), vec![7; 4]);
        let file = assemble(C + 2, &chunks);
        assert_eq!(file.len() as u64, C + 2);
        assert!(file[..to_usize(C)].iter().all(|&b| b == 0));
        assert_eq!(&file[to_usize(C)..], &[7, 7]);
        let parts: Vec<(u64, usize)> = split(&file).map(|(i, c)| (i, c.len())).collect();
        assert_eq!(parts, vec![(0, to_usize(C)), (1, 2)]);
    }

    #[test]
    fn fragments_land_at_their_offsets_and_never_past_their_chunk() {
        let mut records = BTreeMap::new();
        records.insert((0, 0), b"abc".to_vec());
        records.insert((0, 3), b"de".to_vec());
        records.insert((0, C - 1), b"XY".to_vec());
        records.insert((1, 0), b"z".to_vec());
        let file = assemble(C + 1, &records);
        assert_eq!(&file[..5], b"abcde");
        assert_eq!(file[to_usize(C - 1)], b'X', "Y would spill into chunk 1");
        assert_eq!(file[to_usize(C)], b'z');
        let mut chunk = BTreeMap::new();
        chunk.insert(0, b"ab".to_vec());
        chunk.insert(4, b"cd".to_vec());
        assert_eq!(merge_chunk(&chunk), b"ab\0\0cd");
    }
}
