//! One flush inside one IndexedDB transaction: each [`Change`] becomes chunk puts and deletes.
//!
//! Requests go out in order and IndexedDB runs them in order within a transaction, so a read
//! issued after a write sees it. Only reads are awaited (a chunk to merge or partly rewrite, a
//! renamed file's records); a failed put or delete aborts the transaction, which the commit
//! reports.
//!
//! An append that starts where its chunk's bytes end and stays inside the chunk is put as a
//! fragment: only the appended bytes, nothing read. Any other write to a chunk that holds bytes —
//! a rewrite in the middle, a truncation, the append that fills the chunk or would be its
//! `MAX_FRAGMENTS + 1`th fragment — reads the chunk (base and fragments), merges, and puts it back
//! as one base record. Chunks whose contents this batch knows are cached, so a run of writes to
//! one file reads each chunk at most once.

use super::{chunk_key, file_chunks, one_chunk, ApplyStats, State};
use crate::storage::chunks::{
    chunk_count, chunks_touched, merge_chunk, needs_old_bytes, overlay, split, CHUNK_BYTES,
    MAX_FRAGMENTS,
};
use crate::storage::{Change, StorageError};
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use js_sys::{Array, Uint8Array};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// Why a change could not be applied.
pub(super) enum Failure {
    /// Refused as a directory would refuse it (no such file, a file in the way).
    Storage(StorageError),
    /// IndexedDB failed.
    Idb(indexed_db_futures::error::Error),
}

impl From<indexed_db_futures::error::Error> for Failure {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        Failure::Idb(error)
    }
}

type Applied = Result<(), Failure>;

pub(super) struct Batch<'a> {
    files: &'a ObjectStore<'a>,
    chunks: &'a ObjectStore<'a>,
    /// The stores' state once the changes so far are applied.
    state: State,
    /// Whole contents of partly filled chunks this batch has written, by (path, index).
    known: BTreeMap<(String, u64), Vec<u8>>,
    stats: ApplyStats,
}

impl<'a> Batch<'a> {
    pub(super) fn new(
        files: &'a ObjectStore<'a>,
        chunks: &'a ObjectStore<'a>,
        state: State,
    ) -> Self {
        Batch {
            files,
            chunks,
            state,
            known: BTreeMap::new(),
            stats: ApplyStats::default(),
        }
    }

    pub(super) fn finish(self) -> (State, ApplyStats) {
        (self.state, self.stats)
    }

    /// Waits for one cheap request: the transaction stays open while it is pending, the browser
    /// gets its main thread back meanwhile, and the requests that follow go out from its
    /// completion.
    pub(super) async fn yield_to_browser(&mut self) -> Applied {
        self.stats.yields += 1;
        self.files
            .count()
            .with_query::<JsValue, _>(JsValue::from_str(""))
            .await?;
        Ok(())
    }

    /// Applies one change with the meaning [`MemoryDisk`](crate::storage::MemoryDisk) gives it.
    pub(super) async fn apply(&mut self, change: &Change) -> Applied {
        match change {
            Change::Create { path } => {
                self.check_no_dir_conflict(path)?;
                self.delete_chunks(path, 0)?;
                self.set_len(path, 0)
            }
            Change::Write {
                path,
                position,
                bytes,
            } => self.write(path, *position, bytes).await,
            Change::Truncate { path, len } => self.truncate(path, *len).await,
            Change::Replace { path, bytes } => {
                self.check_no_dir_conflict(path)?;
                self.delete_chunks(path, 0)?;
                for (index, chunk) in split(bytes) {
                    self.put_base(path, index, chunk.to_vec())?;
                }
                self.set_len(path, bytes.len() as u64)
            }
            Change::Rename { from, to } => self.rename(from, to).await,
            Change::Delete { path } => {
                if self.state.lens.remove(path).is_some() {
                    self.delete_chunks(path, 0)?;
                    self.files.delete(JsValue::from_str(path)).primitive()?;
                }
                Ok(())
            }
        }
    }

    async fn write(&mut self, path: &str, position: u64, bytes: &[u8]) -> Applied {
        let old_len = self.existing_len(path)?;
        let len = bytes.len() as u64;
        for index in chunks_touched(position, len) {
            let start = index * CHUNK_BYTES;
            let held = old_len.saturating_sub(start).min(CHUNK_BYTES);
            let end = position.saturating_add(len).min(start + CHUNK_BYTES);
            let key = (path.to_string(), index);
            let fragments = self.state.fragments.get(&key).copied().unwrap_or(0);
            let appends = held > 0 && position.max(start) == start + held;
            if appends && end < start + CHUNK_BYTES && fragments < MAX_FRAGMENTS {
                let from = start + held;
                let part = &bytes[to_usize(from - position)..to_usize(end - position)];
                self.put_fragment(path, index, held, part)?;
                continue;
            }
            let old = if needs_old_bytes(index, old_len, position, len) {
                self.read_chunk(path, index).await?
            } else {
                Vec::new()
            };
            self.put_base(path, index, overlay(index, &old, position, bytes))?;
        }
        self.set_len(path, old_len.max(position.saturating_add(len)))
    }

    async fn truncate(&mut self, path: &str, len: u64) -> Applied {
        let old_len = self.existing_len(path)?;
        if len < old_len {
            self.delete_chunks(path, chunk_count(len))?;
            if len % CHUNK_BYTES != 0 {
                let index = len / CHUNK_BYTES;
                let mut chunk = self.read_chunk(path, index).await?;
                chunk.truncate(to_usize(len % CHUNK_BYTES));
                self.put_base(path, index, chunk)?;
            }
        }
        self.set_len(path, len)
    }

    async fn rename(&mut self, from: &str, to: &str) -> Applied {
        let Some(&len) = self.state.lens.get(from) else {
            return Err(Failure::Storage(StorageError::io(
                "rename",
                from,
                "No such file",
            )));
        };
        self.check_no_dir_conflict(to)?;
        let (keys, values) = self.read_records(file_chunks(from, 0)).await?;
        self.delete_chunks(to, 0)?;
        self.delete_chunks(from, 0)?;
        for (key, value) in keys.iter().zip(values) {
            let Some((index, offset)) = index_and_offset(key) else {
                continue;
            };
            if offset > 0 {
                *self
                    .state
                    .fragments
                    .entry((to.to_string(), index))
                    .or_insert(0) += 1;
            }
            self.stats.chunks_put += 1;
            if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
                self.stats.bytes_put += u64::from(bytes.length());
            }
            let key = chunk_key(to, index, offset);
            self.chunks.put(value).with_key(key).primitive()?;
        }
        self.state.lens.remove(from);
        self.files.delete(JsValue::from_str(from)).primitive()?;
        self.set_len(to, len)
    }

    /// The length of the file at `path`, or 0 for a new file (which must not meet a directory).
    fn existing_len(&self, path: &str) -> Result<u64, Failure> {
        match self.state.lens.get(path) {
            Some(&len) => Ok(len),
            None => {
                self.check_no_dir_conflict(path)?;
                Ok(0)
            }
        }
    }

    /// A chunk's whole contents, its fragments merged (empty if it has no records).
    async fn read_chunk(&mut self, path: &str, index: u64) -> Result<Vec<u8>, Failure> {
        if let Some(chunk) = self.known.get(&(path.to_string(), index)) {
            return Ok(chunk.clone());
        }
        let (keys, values) = self.read_records(one_chunk(path, index)).await?;
        // Inserted, not `collect()`ed: `BTreeMap::from_iter` sorts with its own copy of std's
        // sort (`engine::sorting`), and the records come in key order already.
        let mut records: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        records.extend(keys.iter().zip(values).filter_map(|(key, value)| {
            let (_, offset) = index_and_offset(key)?;
            let bytes = value.dyn_into::<Uint8Array>().ok()?.to_vec();
            Some((offset, bytes))
        }));
        Ok(merge_chunk(&records))
    }

    /// Keys and values of the records in `range`, in key order.
    async fn read_records(
        &mut self,
        range: indexed_db_futures::KeyRange<JsValue>,
    ) -> Result<(Vec<JsValue>, Vec<JsValue>), Failure> {
        self.stats.chunks_read += 1;
        let keys = self
            .chunks
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(range.clone())
            .await?;
        let keys: Vec<JsValue> = keys.collect::<Result<_, _>>()?;
        let values = self
            .chunks
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(range)
            .await?;
        let values: Vec<JsValue> = values.collect::<Result<_, _>>()?;
        Ok((keys, values))
    }

    /// Puts a chunk whole, as its one record.
    fn put_base(&mut self, path: &str, index: u64, bytes: Vec<u8>) -> Applied {
        let key = (path.to_string(), index);
        if self.state.fragments.remove(&key).is_some() {
            self.chunks
                .delete::<JsValue, _>(one_chunk(path, index))
                .primitive()?;
        }
        self.put(path, index, 0, &bytes)?;
        // Only a partly filled chunk is likely to be written again in this batch.
        if (bytes.len() as u64) < CHUNK_BYTES {
            self.known.insert(key, bytes);
        } else {
            self.known.remove(&key);
        }
        Ok(())
    }

    /// Puts bytes appended at `offset` of a chunk that holds exactly `offset` bytes.
    fn put_fragment(&mut self, path: &str, index: u64, offset: u64, bytes: &[u8]) -> Applied {
        let key = (path.to_string(), index);
        *self.state.fragments.entry(key.clone()).or_insert(0) += 1;
        self.put(path, index, offset, bytes)?;
        if let Some(known) = self.known.get_mut(&key) {
            known.extend_from_slice(bytes);
        }
        Ok(())
    }

    fn put(&mut self, path: &str, index: u64, offset: u64, bytes: &[u8]) -> Applied {
        self.stats.chunks_put += 1;
        self.stats.bytes_put += bytes.len() as u64;
        let value: JsValue = Uint8Array::from(bytes).into();
        let key = chunk_key(path, index, offset);
        self.chunks.put(value).with_key(key).primitive()?;
        Ok(())
    }

    /// Deletes `path`'s chunks from `from` on.
    fn delete_chunks(&mut self, path: &str, from: u64) -> Applied {
        self.known
            .retain(|(p, index), _| !(p == path && *index >= from));
        self.state
            .fragments
            .retain(|(p, index), _| !(p == path && *index >= from));
        self.chunks
            .delete::<JsValue, _>(file_chunks(path, from))
            .primitive()?;
        Ok(())
    }

    fn set_len(&mut self, path: &str, len: u64) -> Applied {
        self.files
            .put(JsValue::from_f64(len as f64))
            .with_key(JsValue::from_str(path))
            .primitive()?;
        self.state.lens.insert(path.to_string(), len);
        Ok(())
    }

    /// As [`MemoryDisk`](crate::storage::MemoryDisk): a new file needs every parent to be a
    /// directory, and `path` not to be one.
    fn check_no_dir_conflict(&self, path: &str) -> Applied {
        let lens = &self.state.lens;
        let parent_is_file = path
            .match_indices('/')
            .any(|(at, _)| lens.contains_key(&path[..at]));
        if parent_is_file {
            return Err(Failure::Storage(StorageError::io(
                "create",
                path,
                "Not a directory",
            )));
        }
        let prefix = format!("{path}/");
        if lens
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&prefix))
        {
            return Err(Failure::Storage(StorageError::io(
                "create",
                path,
                "Is a directory",
            )));
        }
        Ok(())
    }
}

/// A record key's chunk index and offset.
fn index_and_offset(key: &JsValue) -> Option<(u64, u64)> {
    let array = key.dyn_ref::<Array>()?;
    Some((array.get(1).as_f64()? as u64, array.get(2).as_f64()? as u64))
}

/// Positions within a file fit in `usize` on wasm32: files stop at `MAX_FILE_BYTES` (2 GiB).
fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}
