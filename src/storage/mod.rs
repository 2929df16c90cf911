//! Files: one broker's log dir as Kafka lays it out, kept in a page cache and flushed to a disk.
//!
//! The engine writes Kafka's files — `<topic>-<partition>/00000000000000000000.log`, `.index`,
//! `.timeindex`, `leader-epoch-checkpoint`, and at the top `meta.properties` and the offset
//! checkpoints — into a [`FileStore`], a pure in-memory map from paths (relative to the log dir,
//! `/`-separated) to bytes. Like an operating system's page cache it remembers what changed since the
//! last flush, and only [`FileStore::flush`] moves data to a [`Disk`]. A crash is simulated by
//! dropping the `FileStore` and reopening from its disk: exactly what was flushed comes back.
//!
//! | module | owns |
//! |---|---|
//! | `file_store` | [`FileStore`]: file operations and dirty tracking |
//! | `flush` | turning dirty state into an ordered list of [`Change`]s (the flush plan) |
//! | [`memory`] | [`MemoryDisk`]: a disk in memory (both targets; tests use it to simulate crashes) |
//! | `fs` | `DirDisk`: a real directory (native only), e.g. `DIR/broker-1` for `kplay --data-dir` |
//! | [`chunks`] | chunk arithmetic for back-ends that store files as fixed-size chunks |
//! | [`registry`] | workspace names: validation, listing, copies, which opens after a delete |
//! | [`tar`] | a workspace's files as a POSIX ustar archive (export and import) |
//! | [`whole_files`] | flushes not yet saved folded into whole-file writes (a page being left) |
//! | `indexeddb` | `Workspace`: a whole data dir in one IndexedDB database (wasm32 only, issue #9) |
//!
//! Back-ends hold only what was flushed and apply [`Change`]s synchronously. A browser back-end
//! (IndexedDB, issue #9) cannot be synchronous: it takes the changes with
//! [`FileStore::take_changes`] and commits them at the edge, batched into large chunks.

pub mod chunks;
mod file_store;
mod flush;
#[cfg(not(target_arch = "wasm32"))]
pub mod fs;
#[cfg(target_arch = "wasm32")]
pub mod indexeddb;
pub mod memory;
pub mod registry;
pub mod tar;
pub mod whole_files;

pub use file_store::{FileStore, MAX_FILE_BYTES};
#[cfg(not(target_arch = "wasm32"))]
pub use fs::DirDisk;
pub use memory::MemoryDisk;

use std::collections::BTreeMap;

/// One change a flush applies to a disk. Paths are relative to the log dir, `/`-separated.
///
/// Changes carry their bytes so that a back-end can apply them later and elsewhere (the browser
/// writes them to IndexedDB asynchronously). Their order within a flush matters: see
/// [`FileStore::flush`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Creates an empty file, or empties the file already at `path`.
    Create { path: String },
    /// Writes `bytes` at `position`, growing the file (with zeros over any gap) as needed.
    Write {
        path: String,
        position: u64,
        bytes: Vec<u8>,
    },
    /// Cuts the file to `len` bytes.
    Truncate { path: String, len: u64 },
    /// Makes the file hold exactly `bytes`, all at once: a crash leaves the old or the new file,
    /// never a mix (Kafka writes checkpoints and `meta.properties` to a `.tmp` file and renames it).
    Replace { path: String, bytes: Vec<u8> },
    /// Moves a file, replacing any file at `to` (as `rename(2)` and Kafka's `Utils.atomicMoveWithFallback`).
    Rename { from: String, to: String },
    /// Removes a file if it is there (as Kafka's `Files.deleteIfExists`).
    Delete { path: String },
}

impl Change {
    /// The path this change writes or removes; for a rename, its source.
    pub fn path(&self) -> &str {
        match self {
            Change::Create { path }
            | Change::Write { path, .. }
            | Change::Truncate { path, .. }
            | Change::Replace { path, .. }
            | Change::Delete { path } => path,
            Change::Rename { from, .. } => from,
        }
    }

    /// The second path a change touches: a rename's target.
    pub fn target(&self) -> Option<&str> {
        match self {
            Change::Rename { to, .. } => Some(to),
            _ => None,
        }
    }

    /// A [`Change::Write`] (tests build many).
    #[cfg(test)]
    pub(crate) fn write(path: &str, position: u64, bytes: &[u8]) -> Change {
        Change::Write {
            path: path.into(),
            position,
            bytes: bytes.to_vec(),
        }
    }

    /// Bytes of file data this change carries.
    pub fn data_len(&self) -> u64 {
        match self {
            Change::Write { bytes, .. } | Change::Replace { bytes, .. } => bytes.len() as u64,
            _ => 0,
        }
    }
}

/// What a flush covers. Kafka flushes per partition (`flush.messages`, `flush.ms`) and writes its
/// checkpoints one file at a time, so a flush can be limited to one directory or one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every file.
    All,
    /// One file, by its path.
    File(&'a str),
    /// Every file under a directory, e.g. `orders-0` (not `orders-01`).
    Dir(&'a str),
}

impl Scope<'_> {
    pub fn contains(&self, path: &str) -> bool {
        match *self {
            Scope::All => true,
            Scope::File(file) => path == file,
            Scope::Dir(dir) => is_under(path, dir),
        }
    }
}

/// Whether `path` lies under the directory `dir` (`""` is the log dir itself).
pub(crate) fn is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A back-end that holds what was flushed, and nothing else.
///
/// Object-safe and synchronous, so the engine can flush through `&mut dyn Disk`. Every back-end
/// refuses paths that [`validate_path`] refuses, before it applies anything.
pub trait Disk {
    /// Every file on the disk: path (relative to the log dir) to contents.
    fn load(&self) -> Result<BTreeMap<String, Vec<u8>>, StorageError>;

    /// Applies `changes` in order. On an error some changes may already be applied, as on a real
    /// disk; Kafka then takes the log dir offline (`LogDirFailureChannel`) and so should the caller.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StorageError>;
}

/// Why a disk refused or failed a change. Messages name the path and carry the system's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// A path that would leave the log dir, or that no file system could hold.
    #[error("invalid path '{path}' in the log dir: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    /// An operating-system or back-end failure.
    #[error("cannot {action} '{path}': {message}")]
    Io {
        action: &'static str,
        path: String,
        message: String,
    },
}

impl StorageError {
    pub(crate) fn io(action: &'static str, path: &str, message: impl ToString) -> Self {
        StorageError::Io {
            action,
            path: path.to_string(),
            message: message.to_string(),
        }
    }
}

/// Checks that `path` names a file inside the log dir: relative, `/`-separated, no empty, `.` or
/// `..` components, and none of the characters that mean something else on some file system
/// (`\`, `:`, NUL). Kafka's own names (topic names are `[a-zA-Z0-9._-]`) always pass.
pub fn validate_path(path: &str) -> Result<(), StorageError> {
    let refuse = |reason| {
        Err(StorageError::InvalidPath {
            path: path.to_string(),
            reason,
        })
    };
    if path.is_empty() {
        return refuse("the path is empty");
    }
    if path.starts_with('/') {
        return refuse("absolute paths are not allowed");
    }
    if path.contains(['\\', ':', '\0']) {
        return refuse("'\\', ':' and NUL are not allowed");
    }
    for component in path.split('/') {
        match component {
            "" => return refuse("empty path component"),
            "." | ".." => return refuse("'.' and '..' are not allowed"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_dir_matches_whole_components_only() {
        assert!(Scope::Dir("orders-0").contains("orders-0/00000000000000000000.log"));
        assert!(Scope::Dir("orders-0/").contains("orders-0/x"));
        assert!(!Scope::Dir("orders-0").contains("orders-01/x"));
        assert!(!Scope::Dir("orders-0").contains("orders-0"));
        assert!(Scope::Dir("").contains("meta.properties"));
        assert!(Scope::File("meta.properties").contains("meta.properties"));
        assert!(!Scope::File("meta.properties").contains("meta.properties.tmp"));
    }

    #[test]
    fn paths_that_escape_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/",
            "a\\b",
            "C:x",
            "a\0",
        ] {
            assert!(validate_path(bad).is_err(), "{bad:?} should be refused");
        }
        for good in [
            "meta.properties",
            "orders-0/00000000000000000000.log",
            "a.b_c-1/x.deleted",
        ] {
            assert_eq!(validate_path(good), Ok(()));
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let err = validate_path("../x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid path '../x' in the log dir: '.' and '..' are not allowed"
        );
        let err = StorageError::io(
            "write",
            "orders-0/x.log",
            "No space left on device (os error 28)",
        );
        assert_eq!(
            err.to_string(),
            "cannot write 'orders-0/x.log': No space left on device (os error 28)"
        );
    }
}
