//! The IndexedDB back-end (wasm32 only): a workspace's files — every broker's log dir and the
//! cluster's metadata file, laid out as `kplay --data-dir` lays out a directory — kept in one
//! IndexedDB database, `kafka-playground/<workspace>`.
//!
//! Two object stores (schema version [`SCHEMA_VERSION`]):
//!
//! | store | key | value |
//! |---|---|---|
//! | `files` | the path, e.g. `broker-1/orders-0/00000000000000000000.log` | the file's length (a number) |
//! | `chunks` | `[path, index, offset]` | a `Uint8Array`: the file's bytes from `index * CHUNK_BYTES + offset`, within chunk `index` |
//!
//! Each chunk of `CHUNK_BYTES` (256 KiB) is a base record (offset 0) and, after small appends, up to
//! [`MAX_FRAGMENTS`] fragments holding just what each flush appended (`storage::chunks`).
//!
//! A flush is never one IndexedDB entry per record: [`Workspace::apply`] turns a list of
//! [`Change`]s (from [`FileStore::take_changes`](crate::storage::FileStore::take_changes)) into
//! chunk puts and range deletes inside ONE readwrite transaction with relaxed durability. The
//! transaction is atomic, so a crash, a closed tab or a full disk leaves the workspace as it was
//! before the flush or after it, never in between (stronger than a real directory; Kafka's
//! recovery is still there for what was never flushed). An append is written as a fragment of
//! the file's last chunk; a chunk is read back only to merge its fragments or to rewrite part of
//! it.
//!
//! The engine stays synchronous: everything here is `async` and runs at the edge
//! (`wasm_bindgen_futures::spawn_local` in the UI). Every failure is a [`StorageError`] whose
//! message says what happened in words a person can act on (quota exceeded, IndexedDB
//! unavailable, blocked); nothing panics.

mod batch;
mod leaving;

use super::chunks::assemble;
use super::{validate_path, Change, StorageError};
use batch::Batch;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::KeyRange;
use js_sys::{Array, Uint8Array};
pub use leaving::Leaving;
use leaving::Running;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

pub use super::chunks::{CHUNK_BYTES as INDEXEDDB_CHUNK_BYTES, MAX_FRAGMENTS};

/// Every workspace's database name starts with this.
pub const DATABASE_PREFIX: &str = "kafka-playground";
/// The workspace the page opens.
pub const DEFAULT_WORKSPACE: &str = "default";
/// The object stores' layout; a later layout migrates from this one in `upgradeneeded`.
pub const SCHEMA_VERSION: u32 = 1;

/// Changes whose requests go out in one task before a write gives the main thread back to the
/// browser (`Batch::yield_to_browser`): a consumer group's first flush creates the 790 files of
/// `__consumer_offsets`, and issuing them all at once was a 140 ms task (docs/PERFORMANCE.md).
pub const CHANGES_PER_TASK: usize = 64;

const FILES: &str = "files";
const CHUNKS: &str = "chunks";

/// What one [`Workspace::apply`] wrote: chunk records put and their bytes (write amplification),
/// and how many times it gave the main thread back on the way ([`CHANGES_PER_TASK`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyStats {
    pub chunks_put: u64,
    pub bytes_put: u64,
    pub chunks_read: u64,
    pub yields: u64,
}

/// One workspace's database, open. Applying takes `&mut self`, so one flush runs at a time.
pub struct Workspace {
    db: Database,
    name: String,
    /// What the stores hold, read at open and kept after each commit.
    state: State,
    /// The transaction [`Self::apply`] has open, for a page being left to abort ([`Leaving`]).
    running: Running,
}

/// What a workspace's stores hold, in brief: every file's length, and how many fragments each
/// chunk that has any has.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub(crate) lens: BTreeMap<String, u64>,
    pub(crate) fragments: BTreeMap<(String, u64), u32>,
}

/// The database name of a workspace.
pub fn database_name(workspace: &str) -> String {
    format!("{DATABASE_PREFIX}/{workspace}")
}

impl Workspace {
    /// Opens (creating if needed) the database of `workspace`.
    pub async fn open(workspace: &str) -> Result<Self, StorageError> {
        Self::open_database(&database_name(workspace)).await
    }

    /// Opens (creating if needed) the database called `name`.
    pub async fn open_database(name: &str) -> Result<Self, StorageError> {
        let db = Database::open(name)
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Version 0 → 1: the two stores. Later versions add their migrations here.
                if event.old_version() < 1.0 {
                    db.create_object_store(FILES).build()?;
                    db.create_object_store(CHUNKS).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| open_error(name, &e))?;
        let mut workspace = Workspace {
            db,
            name: name.to_string(),
            state: State::default(),
            running: Running::default(),
        };
        workspace.state = workspace.read_state().await?;
        Ok(workspace)
    }

    /// Every file's length, by path, as the stores hold them (storage used, without reading a
    /// chunk).
    pub fn file_lengths(&self) -> &BTreeMap<String, u64> {
        &self.state.lens
    }

    /// A writer for the page's last moment, usable while a flush holds this workspace.
    pub fn leaving(&self) -> Leaving {
        Leaving {
            db: self.db.clone(),
            name: self.name.clone(),
            running: self.running.clone(),
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every file, by path, put together from its chunks.
    pub async fn load(&mut self) -> Result<BTreeMap<String, Vec<u8>>, StorageError> {
        let tx = self.transaction(TransactionMode::Readonly)?;
        let fail = |e: indexed_db_futures::error::Error| self.error("read", &e);
        let files = tx.object_store(FILES).map_err(fail)?;
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        let lens = read_lens_from(&files).await.map_err(fail)?;
        let keys = collect(chunks.get_all_keys::<JsValue>().await).map_err(fail)?;
        let values = collect(chunks.get_all::<JsValue>().await).map_err(fail)?;
        let mut by_path: BTreeMap<String, BTreeMap<(u64, u64), Vec<u8>>> = BTreeMap::new();
        let mut fragments = BTreeMap::new();
        for (key, value) in keys.into_iter().zip(values) {
            let Some((path, index, offset)) = parse_chunk_key(&key) else {
                continue;
            };
            if offset > 0 {
                *fragments.entry((path.clone(), index)).or_insert(0) += 1;
            }
            let bytes = value
                .dyn_into::<Uint8Array>()
                .map(|a| a.to_vec())
                .unwrap_or_default();
            by_path
                .entry(path)
                .or_default()
                .insert((index, offset), bytes);
        }
        let empty = BTreeMap::new();
        // Inserted, not `collect()`ed: `BTreeMap::from_iter` sorts with its own copy of std's
        // sort (`engine::sorting`), and `lens` is in order already.
        let mut loaded = BTreeMap::new();
        loaded.extend(lens.iter().map(|(path, &len)| {
            let records = by_path.get(path).unwrap_or(&empty);
            (path.clone(), assemble(len, records))
        }));
        drop(tx);
        self.state = State { lens, fragments };
        Ok(loaded)
    }

    /// Applies `changes` in order, in one relaxed-durability transaction: all of them or (on an
    /// error) none. With `clear_first`, the workspace is emptied first, in the same transaction.
    pub async fn apply(
        &mut self,
        changes: &[Change],
        clear_first: bool,
    ) -> Result<ApplyStats, StorageError> {
        for change in changes {
            validate_path(change.path())?;
            if let Some(target) = change.target() {
                validate_path(target)?;
            }
        }
        let tx = self.transaction(TransactionMode::Readwrite)?;
        let _running = RunningGuard::set(&self.running, &tx);
        let fail = |e: indexed_db_futures::error::Error| self.error("write", &e);
        let files = tx.object_store(FILES).map_err(fail)?;
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        let state = if clear_first {
            files.clear().map_err(fail)?;
            chunks.clear().map_err(fail)?;
            State::default()
        } else {
            self.state.clone()
        };
        let mut batch = Batch::new(&files, &chunks, state);
        for (done, change) in changes.iter().enumerate() {
            let mut applied = batch.apply(change).await;
            if applied.is_ok() && (done + 1) % CHANGES_PER_TASK == 0 {
                applied = batch.yield_to_browser().await;
            }
            applied.map_err(|e| match e {
                batch::Failure::Storage(e) => e,
                batch::Failure::Idb(e) => self.error("write", &e),
            })?;
        }
        let (state, stats) = batch.finish();
        tx.commit().await.map_err(|e| self.error("commit", &e))?;
        self.state = state;
        Ok(stats)
    }

    /// Removes every file (the page's "Reset cluster").
    pub async fn clear(&mut self) -> Result<(), StorageError> {
        self.apply(&[], true).await.map(|_| ())
    }

    /// How many records each store holds: `(files, chunks)`.
    pub async fn record_counts(&self) -> Result<(u32, u32), StorageError> {
        let tx = self.transaction(TransactionMode::Readonly)?;
        let fail = |e: indexed_db_futures::error::Error| self.error("count", &e);
        let files = tx.object_store(FILES).map_err(fail)?;
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        let file_count = files.count().await.map_err(fail)?;
        let chunk_count = chunks.count().await.map_err(fail)?;
        Ok((file_count, chunk_count))
    }

    /// How many chunk records one file has.
    pub async fn chunk_records(&self, path: &str) -> Result<u32, StorageError> {
        let tx = self.transaction(TransactionMode::Readonly)?;
        let fail = |e: indexed_db_futures::error::Error| self.error("count", &e);
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        chunks
            .count()
            .with_query::<JsValue, _>(file_chunks(path, 0))
            .await
            .map_err(fail)
    }

    /// Closes the connection (so the database can be deleted or upgraded elsewhere).
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes a workspace's database.
    pub async fn delete(workspace: &str) -> Result<(), StorageError> {
        let name = database_name(workspace);
        Database::delete_by_name(&name)
            .map_err(|e| open_error(&name, &e))?
            .await
            .map_err(|e| StorageError::io("delete", &name, describe(&e)))
    }

    fn transaction(&self, mode: TransactionMode) -> Result<Transaction<'_>, StorageError> {
        open_transaction(&self.db, mode).map_err(|e| self.error("open a transaction on", &e))
    }

    /// The lengths and the fragment counts (keys only: no chunk's bytes are read).
    async fn read_state(&self) -> Result<State, StorageError> {
        let tx = self.transaction(TransactionMode::Readonly)?;
        let fail = |e: indexed_db_futures::error::Error| self.error("read", &e);
        let files = tx.object_store(FILES).map_err(fail)?;
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        let lens = read_lens_from(&files).await.map_err(fail)?;
        let keys = collect(chunks.get_all_keys::<JsValue>().await).map_err(fail)?;
        let mut fragments = BTreeMap::new();
        for (path, index, offset) in keys.iter().filter_map(parse_chunk_key) {
            if offset > 0 {
                *fragments.entry((path, index)).or_insert(0) += 1;
            }
        }
        Ok(State { lens, fragments })
    }

    fn error(
        &self,
        action: &'static str,
        error: &indexed_db_futures::error::Error,
    ) -> StorageError {
        StorageError::io(action, &self.name, describe(error))
    }
}

/// A transaction over both stores, with relaxed durability.
fn open_transaction(
    db: &Database,
    mode: TransactionMode,
) -> indexed_db_futures::Result<Transaction<'_>> {
    let relaxed = TransactionOptions::new().with_durability(TransactionDurability::Relaxed);
    db.transaction([FILES, CHUNKS])
        .with_mode(mode)
        .with_options(relaxed)
        .build()
}

/// Keeps [`Workspace::apply`]'s transaction in [`Workspace::running`] while the apply runs.
struct RunningGuard<'a>(&'a Running);

impl<'a> RunningGuard<'a> {
    fn set(running: &'a Running, tx: &Transaction<'_>) -> Self {
        use indexed_db_futures::internals::SystemRepr;
        let sys: &web_sys::IdbTransaction = tx.as_sys();
        *running.borrow_mut() = Some(sys.clone());
        RunningGuard(running)
    }
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.borrow_mut().take();
    }
}

/// The `files` store as a map from path to length.
async fn read_lens_from(
    files: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> indexed_db_futures::Result<BTreeMap<String, u64>> {
    let keys = collect(files.get_all_keys::<JsValue>().await)?;
    let values = collect(files.get_all::<JsValue>().await)?;
    // Inserted, not `collect()`ed: see `load`.
    let mut lens = BTreeMap::new();
    lens.extend(
        keys.into_iter()
            .zip(values)
            .filter_map(|(key, value)| Some((key.as_string()?, value.as_f64()? as u64))),
    );
    Ok(lens)
}

fn collect<I>(result: indexed_db_futures::Result<I>) -> indexed_db_futures::Result<Vec<JsValue>>
where
    I: Iterator<Item = indexed_db_futures::Result<JsValue>>,
{
    result?.collect()
}

/// `[path, index, offset]`, a chunk record's key.
fn chunk_key(path: &str, index: u64, offset: u64) -> JsValue {
    Array::of3(
        &JsValue::from_str(path),
        &JsValue::from_f64(index as f64),
        &JsValue::from_f64(offset as f64),
    )
    .into()
}

/// Every record of `path`'s chunks from `from` on (`[path, i, …]` sorts after `[path, i]`).
fn file_chunks(path: &str, from: u64) -> KeyRange<JsValue> {
    let bound = |index: f64| -> JsValue {
        Array::of2(&JsValue::from_str(path), &JsValue::from_f64(index)).into()
    };
    KeyRange::Bound(bound(from as f64), false, bound(f64::INFINITY), false)
}

/// Every record (base and fragments) of one chunk.
fn one_chunk(path: &str, index: u64) -> KeyRange<JsValue> {
    let bound = |offset: f64| -> JsValue {
        Array::of3(
            &JsValue::from_str(path),
            &JsValue::from_f64(index as f64),
            &JsValue::from_f64(offset),
        )
        .into()
    };
    KeyRange::Bound(bound(0.0), false, bound(f64::INFINITY), false)
}

fn parse_chunk_key(key: &JsValue) -> Option<(String, u64, u64)> {
    let array = key.dyn_ref::<Array>()?;
    let path = array.get(0).as_string()?;
    let index = array.get(1).as_f64()?;
    let offset = array.get(2).as_f64()?;
    Some((path, index as u64, offset as u64))
}

/// Words for an IndexedDB failure that tell a person what to do about it.
fn describe(error: &indexed_db_futures::error::Error) -> String {
    use indexed_db_futures::error::{DomException, Error};
    let Error::DomException(dom) = error else {
        return error.to_string();
    };
    let sys: web_sys::DomException = dom.clone().into();
    let (name, message) = (sys.name(), sys.message());
    let message = message.trim_end_matches('.');
    match (dom, name.as_str()) {
        (_, "QuotaExceededError") => format!(
            "the browser's storage quota is exceeded ({name}: {message}); nothing of this flush was written. Free space by resetting the cluster, deleting old segments or deleting other workspaces"
        ),
        // Opening at a version below the stored one: a newer page upgraded the database.
        (_, "VersionError") => format!(
            "it was saved by a newer version of the playground (its schema is newer than version {SCHEMA_VERSION}, which this page reads; {name}: {message}); it is left untouched: reload to get the newer page"
        ),
        (DomException::AbortError(_), _) => format!(
            "the transaction was aborted ({name}: {message}); nothing of this flush was written"
        ),
        _ => format!("{name}: {message}"),
    }
}

fn open_error(name: &str, error: &indexed_db_futures::error::OpenDbError) -> StorageError {
    use indexed_db_futures::error::OpenDbError;
    let message = match error {
        OpenDbError::NullFactory | OpenDbError::UnsupportedEnvironment => {
            "IndexedDB is not available in this browser (a private window or a disabled setting?); the cluster runs in memory only".to_string()
        }
        OpenDbError::Base(e) => describe(e),
        other => other.to_string(),
    };
    StorageError::io("open", name, message)
}
