//! One flush inside one IndexedDB transaction: each [`Change`] becomes chunk puts and deletes.
//!
//! Requests go out in order and IndexedDB runs them in order within a transaction, so a read
//! issued after a write sees it. Only reads are awaited (a partly overwritten chunk, a renamed
//! file's chunks); a failed put or delete aborts the transaction, which the commit reports.
//! The last, partly filled chunk of each file written is kept in a cache so that a run of appends
//! to one file reads it from the database at most once.

use super::{chunk_key, file_chunks, ApplyStats};
use crate::storage::chunks::{
    chunk_count, chunks_touched, needs_old_bytes, overlay, split, CHUNK_BYTES,
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
    /// Every file's length once the changes so far are applied.
    lens: BTreeMap<String, u64>,
    /// Partly filled chunks written in this batch, by (path, index).
    tails: BTreeMap<(String, u64), Vec<u8>>,
    stats: ApplyStats,
}

impl<'a> Batch<'a> {
    pub(super) fn new(
        files: &'a ObjectStore<'a>,
        chunks: &'a ObjectStore<'a>,
        lens: BTreeMap<String, u64>,
    ) -> Self {
        Batch {
            files,
            chunks,
            lens,
            tails: BTreeMap::new(),
            stats: ApplyStats::default(),
        }
    }

    pub(super) fn finish(self) -> (BTreeMap<String, u64>, ApplyStats) {
        (self.lens, self.stats)
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
                    self.put_chunk(path, index, chunk.to_vec())?;
                }
                self.set_len(path, bytes.len() as u64)
            }
            Change::Rename { from, to } => self.rename(from, to).await,
            Change::Delete { path } => {
                if self.lens.remove(path).is_some() {
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
            let old = if needs_old_bytes(index, old_len, position, len) {
                self.take_chunk(path, index).await?
            } else {
                Vec::new()
            };
            self.put_chunk(path, index, overlay(index, &old, position, bytes))?;
        }
        self.set_len(path, old_len.max(position.saturating_add(len)))
    }

    async fn truncate(&mut self, path: &str, len: u64) -> Applied {
        let old_len = self.existing_len(path)?;
        if len < old_len {
            self.delete_chunks(path, chunk_count(len))?;
            if len % CHUNK_BYTES != 0 {
                let index = len / CHUNK_BYTES;
                let mut chunk = self.take_chunk(path, index).await?;
                chunk.truncate(usize::try_from(len % CHUNK_BYTES).unwrap_or(usize::MAX));
                self.put_chunk(path, index, chunk)?;
            }
        }
        self.set_len(path, len)
    }

    async fn rename(&mut self, from: &str, to: &str) -> Applied {
        let Some(&len) = self.lens.get(from) else {
            return Err(Failure::Storage(StorageError::io(
                "rename",
                from,
                "No such file",
            )));
        };
        self.check_no_dir_conflict(to)?;
        let range = file_chunks(from, 0);
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
        self.stats.chunks_read += keys.len() as u64;
        self.delete_chunks(to, 0)?;
        self.delete_chunks(from, 0)?;
        for (key, value) in keys.iter().zip(values) {
            let index = key
                .dyn_ref::<Array>()
                .and_then(|k| k.get(1).as_f64())
                .unwrap_or(0.0);
            self.stats.chunks_put += 1;
            if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
                self.stats.bytes_put += u64::from(bytes.length());
            }
            self.chunks
                .put(value)
                .with_key(chunk_key(to, index))
                .primitive()?;
        }
        self.lens.remove(from);
        self.files.delete(JsValue::from_str(from)).primitive()?;
        self.set_len(to, len)
    }

    /// The length of the file at `path`, or 0 for a new file (which must not meet a directory).
    fn existing_len(&self, path: &str) -> Result<u64, Failure> {
        match self.lens.get(path) {
            Some(&len) => Ok(len),
            None => {
                self.check_no_dir_conflict(path)?;
                Ok(0)
            }
        }
    }

    /// A chunk's current bytes (empty if it has none); a cached tail leaves the cache, since the
    /// caller writes it back changed.
    async fn take_chunk(&mut self, path: &str, index: u64) -> Result<Vec<u8>, Failure> {
        if let Some(chunk) = self.tails.remove(&(path.to_string(), index)) {
            return Ok(chunk);
        }
        self.stats.chunks_read += 1;
        let value: Option<JsValue> = self
            .chunks
            .get::<JsValue, JsValue, _>(chunk_key(path, index as f64))
            .primitive()?
            .await?;
        Ok(value
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|a| a.to_vec())
            .unwrap_or_default())
    }

    fn put_chunk(&mut self, path: &str, index: u64, bytes: Vec<u8>) -> Applied {
        self.stats.chunks_put += 1;
        self.stats.bytes_put += bytes.len() as u64;
        let value: JsValue = Uint8Array::from(bytes.as_slice()).into();
        self.chunks
            .put(value)
            .with_key(chunk_key(path, index as f64))
            .primitive()?;
        let key = (path.to_string(), index);
        if (bytes.len() as u64) < CHUNK_BYTES {
            self.tails.insert(key, bytes);
        } else {
            self.tails.remove(&key);
        }
        Ok(())
    }

    /// Deletes `path`'s chunks from `from` on.
    fn delete_chunks(&mut self, path: &str, from: u64) -> Applied {
        self.tails
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
        self.lens.insert(path.to_string(), len);
        Ok(())
    }

    /// As [`MemoryDisk`](crate::storage::MemoryDisk): a new file needs every parent to be a
    /// directory, and `path` not to be one.
    fn check_no_dir_conflict(&self, path: &str) -> Applied {
        let parent_is_file = path
            .match_indices('/')
            .any(|(at, _)| self.lens.contains_key(&path[..at]));
        if parent_is_file {
            return Err(Failure::Storage(StorageError::io(
                "create",
                path,
                "Not a directory",
            )));
        }
        let prefix = format!("{path}/");
        if self
            .lens
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
