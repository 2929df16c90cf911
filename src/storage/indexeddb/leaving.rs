//! The write of a page being left: one transaction issued whole in the `pagehide` task.
//!
//! The page gets no later task, so the transaction reads nothing and waits for nothing: the
//! changes are whole files or deletions ([`WholeFiles`], folded from the flushes not yet saved),
//! every put and delete goes out at once, and the commit is asked for before the handler returns.
//! A flush still under way ([`Workspace::apply`](super::Workspace::apply) waiting for a read)
//! could never finish and would hold this one behind it; it is aborted first; the folded files
//! include what it was writing.

use super::{chunk_key, file_chunks, open_transaction, CHUNKS, FILES};
use crate::storage::chunks::split;
use crate::storage::whole_files::WholeFiles;
use crate::storage::{Change, StorageError};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::Uint8Array;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::JsValue;

/// The transaction a [`Workspace::apply`](super::Workspace::apply) has open, if any.
pub(super) type Running = Rc<RefCell<Option<web_sys::IdbTransaction>>>;

/// A way to write a workspace that does not need the [`Workspace`](super::Workspace) itself (a
/// flush under way holds it): the same database connection.
#[derive(Clone)]
pub struct Leaving {
    pub(super) db: Database,
    pub(super) name: String,
    pub(super) running: Running,
}

impl Leaving {
    /// Aborts the flush under way and writes `files` in one transaction, committed before this
    /// returns: its requests are all issued now. Refused (and nothing written) if a change is
    /// not a whole file or a deletion.
    pub fn write(&self, files: &WholeFiles) -> Result<(), StorageError> {
        if let Some(change) = files
            .changes
            .iter()
            .find(|c| !matches!(c, Change::Replace { .. } | Change::Delete { .. }))
        {
            return Err(StorageError::io(
                "write on leaving",
                change.path(),
                "only whole files and deletions can be written without reading",
            ));
        }
        if let Some(flush) = self.running.borrow_mut().take() {
            // It may be committing already (an InvalidStateError): then it finishes first, and
            // this transaction rewrites its files whole after it.
            let _ = flush.abort();
        }
        let fail = |e: indexed_db_futures::error::Error| {
            StorageError::io("write on leaving", &self.name, super::describe(&e))
        };
        let tx = open_transaction(&self.db, TransactionMode::Readwrite).map_err(fail)?;
        let files_store = tx.object_store(FILES).map_err(fail)?;
        let chunks = tx.object_store(CHUNKS).map_err(fail)?;
        if files.clear_first {
            files_store.clear().map_err(fail)?;
            chunks.clear().map_err(fail)?;
        }
        for change in &files.changes {
            let path = change.path();
            chunks
                .delete::<JsValue, _>(file_chunks(path, 0))
                .primitive()
                .map_err(fail)?;
            match change {
                Change::Replace { bytes, .. } => {
                    for (index, chunk) in split(bytes) {
                        let value: JsValue = Uint8Array::from(chunk).into();
                        chunks
                            .put(value)
                            .with_key(chunk_key(path, index, 0))
                            .primitive()
                            .map_err(fail)?;
                    }
                    files_store
                        .put(JsValue::from_f64(bytes.len() as f64))
                        .with_key(JsValue::from_str(path))
                        .primitive()
                        .map_err(fail)?;
                }
                _ => {
                    files_store
                        .delete(JsValue::from_str(path))
                        .primitive()
                        .map_err(fail)?;
                }
            }
        }
        drop((files_store, chunks));
        // Polled once: `commit()` is called on the first poll. Dropping the future afterwards
        // does not abort the transaction (it is marked done); its outcome is not awaited, as
        // the page will not be there to see it.
        let mut commit = std::pin::pin!(tx.commit());
        match commit
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(Err(e)) => Err(fail(e)),
            _ => Ok(()),
        }
    }
}
