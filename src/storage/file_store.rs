//! [`FileStore`]: the files of one broker's log dir in memory, and what changed since the last flush.
//!
//! Each file knows how it differs from the disk: whether the disk has it at all, how long it is
//! there, and the lowest position written since (so an append flushes only the new tail, while a
//! write or truncation further down flushes from there). Renames and deletions of files the disk
//! holds are kept in order in a journal, because their order matters (`a` renamed to `a.deleted`
//! and a new `a` created is not the same as the other way round).
//!
//! Invariant: once the journal is applied, the disk holds a file at a path exactly when this store
//! does and `CachedFile::disk_len` is `Some`, and that file is `disk_len` bytes long.

use super::{is_under, Change, Scope};
use std::collections::BTreeMap;
use std::fmt;

/// The largest file the store holds: Kafka sizes its files with Java `int`s (`FileRecords`,
/// `segment.bytes`), and a browser tab could not hold more anyway.
pub const MAX_FILE_BYTES: u64 = i32::MAX as u64;

/// One file in the page cache.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct CachedFile {
    pub(super) bytes: Vec<u8>,
    /// The file's length on disk at this path once the journal is applied; `None` if the disk
    /// has no file here.
    pub(super) disk_len: Option<u64>,
    /// The lowest position written since the last flush; bytes from here to the end are dirty.
    pub(super) dirty_from: Option<u64>,
    /// Rewritten whole with [`FileStore::replace`]: flushes as one atomic [`Change::Replace`].
    pub(super) replaced: bool,
}

impl CachedFile {
    fn new() -> Self {
        CachedFile {
            bytes: Vec::new(),
            disk_len: None,
            dirty_from: None,
            replaced: false,
        }
    }

    fn clean(bytes: Vec<u8>) -> Self {
        CachedFile {
            disk_len: Some(bytes.len() as u64),
            bytes,
            dirty_from: None,
            replaced: false,
        }
    }

    pub(super) fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn mark_dirty_from(&mut self, position: u64) {
        self.dirty_from = Some(self.dirty_from.map_or(position, |d| d.min(position)));
    }

    pub(super) fn is_dirty(&self) -> bool {
        self.replaced || self.disk_len != Some(self.len()) || self.dirty_bytes() > 0
    }

    /// Bytes a flush of this file writes.
    pub(super) fn dirty_bytes(&self) -> u64 {
        if self.replaced || self.disk_len.is_none() {
            return self.len();
        }
        self.dirty_from.map_or(0, |d| self.len().saturating_sub(d))
    }

    pub(super) fn mark_clean(&mut self) {
        self.disk_len = Some(self.len());
        self.dirty_from = None;
        self.replaced = false;
    }
}

/// The page cache of one broker's log dir: paths relative to the log dir, `/`-separated, in order.
///
/// Every operation is infallible and deterministic; data reaches a [`Disk`](super::Disk) only
/// through [`FileStore::flush`] (or [`FileStore::take_changes`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileStore {
    pub(super) files: BTreeMap<String, CachedFile>,
    /// Renames and deletions of files the disk holds, not yet flushed, in the order they happened.
    pub(super) journal: Vec<Change>,
}

impl FileStore {
    /// An empty log dir with nothing on disk.
    pub fn new() -> Self {
        FileStore::default()
    }

    /// A clean page cache over everything `disk` holds.
    pub fn open(disk: &dyn super::Disk) -> Result<Self, super::StorageError> {
        let files = disk
            .load()?
            .into_iter()
            .map(|(path, bytes)| (path, CachedFile::clean(bytes)))
            .collect();
        Ok(FileStore {
            files,
            journal: Vec::new(),
        })
    }

    /// A clean page cache over files a disk holds, already read (the browser reads its
    /// IndexedDB workspace asynchronously and hands the files over here).
    pub fn from_disk_files(files: BTreeMap<String, Vec<u8>>) -> Self {
        // Inserted one by one, not `collect()`ed: std's `BTreeMap::from_iter` would sort the
        // (already sorted) pairs with one more copy of the sort (`engine::sorting`).
        let mut cached = BTreeMap::new();
        cached.extend(
            files
                .into_iter()
                .map(|(path, bytes)| (path, CachedFile::clean(bytes))),
        );
        FileStore {
            files: cached,
            journal: Vec::new(),
        }
    }

    /// Creates an empty file unless one is there; true if it created one.
    pub fn create(&mut self, path: &str) -> bool {
        if self.files.contains_key(path) {
            return false;
        }
        self.files.insert(path.to_string(), CachedFile::new());
        true
    }

    /// Runs `change` on the file at `path`, created empty if missing. Appends hit existing
    /// files: one lookup by `&str`, so the hot path neither allocates nor searches twice.
    fn with_file<R>(&mut self, path: &str, change: impl FnOnce(&mut CachedFile) -> R) -> R {
        if let Some(file) = self.files.get_mut(path) {
            return change(file);
        }
        change(
            self.files
                .entry(path.to_string())
                .or_insert_with(CachedFile::new),
        )
    }

    /// Appends `bytes` (creating the file if needed) and returns the position where they start.
    pub fn append(&mut self, path: &str, bytes: &[u8]) -> u64 {
        self.with_file(path, |file| {
            let position = file.len();
            if !bytes.is_empty() {
                file.bytes.extend_from_slice(bytes);
                file.mark_dirty_from(position);
            }
            position
        })
    }

    /// Writes `bytes` at `position` (creating the file, and zeros over any gap, as a sparse file
    /// reads). False, and nothing written, if the file would grow past [`MAX_FILE_BYTES`].
    pub fn write_at(&mut self, path: &str, position: u64, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            // FileChannel.write of nothing does not grow the file, even past its end.
            self.with_file(path, |_| ());
            return true;
        }
        let Some(end) = position.checked_add(bytes.len() as u64) else {
            return false;
        };
        let (Ok(start), Ok(end)) = (usize::try_from(position), usize::try_from(end)) else {
            return false;
        };
        if end as u64 > MAX_FILE_BYTES {
            return false;
        }
        self.with_file(path, |file| {
            let old_len = file.bytes.len();
            if end > old_len {
                file.bytes.resize(end, 0);
            }
            file.bytes[start..end].copy_from_slice(bytes);
            // A gap of zeros is new data too.
            file.mark_dirty_from(start.min(old_len) as u64);
        });
        true
    }

    /// Cuts the file to `len` bytes; a longer `len` changes nothing (as `FileChannel.truncate`).
    /// False if there is no such file.
    pub fn truncate(&mut self, path: &str, len: u64) -> bool {
        let Some(file) = self.files.get_mut(path) else {
            return false;
        };
        if len < file.len() {
            // len < file.len() <= usize::MAX, so it fits.
            file.bytes
                .truncate(usize::try_from(len).unwrap_or(usize::MAX));
            file.dirty_from = file.dirty_from.map(|d| d.min(len));
        }
        true
    }

    /// Rewrites the whole file (creating it if needed). It flushes as one [`Change::Replace`], so a
    /// crash leaves the old or the new contents, as Kafka's write-to-`.tmp`-then-rename does for
    /// checkpoints (`CheckpointFile.write`) and `meta.properties` (`PropertiesUtils.writePropertiesFile`).
    pub fn replace(&mut self, path: &str, bytes: &[u8]) {
        self.with_file(path, |file| {
            file.bytes = bytes.to_vec();
            file.replaced = true;
        });
    }

    /// Moves a file, replacing any file at `to` (Kafka renames segments to `.deleted`, `.cleaned`,
    /// `.swap`). False, and nothing changed, if there is no file at `from`.
    pub fn rename(&mut self, from: &str, to: &str) -> bool {
        if from == to {
            return self.exists(from);
        }
        let Some(mut file) = self.files.remove(from) else {
            return false;
        };
        let replaced_on_disk = self.files.remove(to).and_then(|old| old.disk_len);
        if file.disk_len.is_some() {
            self.journal.push(Change::Rename {
                from: from.to_string(),
                to: to.to_string(),
            });
        } else if replaced_on_disk.is_some() {
            // The disk never saw this file: it will be created at `to`, so the file the disk has
            // there must go first.
            self.journal.push(Change::Delete {
                path: to.to_string(),
            });
            file.disk_len = None;
        }
        self.files.insert(to.to_string(), file);
        true
    }

    /// Removes a file; false if there was none.
    pub fn delete(&mut self, path: &str) -> bool {
        let Some(file) = self.files.remove(path) else {
            return false;
        };
        if file.disk_len.is_some() {
            self.journal.push(Change::Delete {
                path: path.to_string(),
            });
        }
        true
    }

    /// Puts the file's unflushed bytes into the journal now, so the next flush writes them before
    /// any rename or deletion made after this call: Kafka forces a `.cleaned` segment to disk
    /// before renaming it to `.swap` (`Cleaner.cleanSegments`: `cleaned.flush()`), so a crash in
    /// the middle of the swap always leaves a whole segment behind. False if there is no such file.
    pub fn sync(&mut self, path: &str) -> bool {
        let Some(file) = self.files.get_mut(path) else {
            return false;
        };
        let (len, owned) = (file.len(), path.to_string());
        let mut changes = Vec::new();
        match file.disk_len {
            None => {
                changes.push(Change::Create {
                    path: owned.clone(),
                });
                if len > 0 {
                    changes.push(Change::Write {
                        path: owned,
                        position: 0,
                        bytes: file.bytes.clone(),
                    });
                }
            }
            Some(_) if file.replaced => {
                changes.push(Change::Replace {
                    path: owned,
                    bytes: file.bytes.clone(),
                });
            }
            Some(disk_len) => {
                if len < disk_len {
                    changes.push(Change::Truncate {
                        path: owned.clone(),
                        len,
                    });
                }
                let from = file.dirty_from.unwrap_or(len).min(disk_len);
                if from < len {
                    let start = usize::try_from(from).unwrap_or(file.bytes.len());
                    let bytes = file.bytes[start..].to_vec();
                    changes.push(Change::Write {
                        path: owned,
                        position: from,
                        bytes,
                    });
                }
            }
        }
        file.mark_clean();
        self.journal.extend(changes);
        true
    }

    /// Moves every file under directory `from` to the same place under `to` (Kafka renames a
    /// deleted partition's directory to `<topic>-<partition>.<id>-delete`). Returns how many moved.
    pub fn rename_dir(&mut self, from: &str, to: &str) -> u64 {
        let (from, to) = (from.trim_end_matches('/'), to.trim_end_matches('/'));
        if from.is_empty() || to.is_empty() {
            // The log dir itself cannot move into or out of itself.
            return 0;
        }
        let mut moved = 0;
        for path in self.list(from) {
            let target = format!("{to}{}", &path[from.len()..]);
            if self.rename(&path, &target) {
                moved += 1;
            }
        }
        moved
    }

    /// Deletes every file under directory `dir`; returns how many.
    pub fn delete_dir(&mut self, dir: &str) -> u64 {
        let mut deleted = 0;
        for path in self.list(dir) {
            if self.delete(&path) {
                deleted += 1;
            }
        }
        deleted
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The file's length in bytes.
    pub fn len(&self, path: &str) -> Option<u64> {
        self.files.get(path).map(CachedFile::len)
    }

    /// Every file's length, summed (what a copy of this store copies).
    pub fn total_bytes(&self) -> u64 {
        self.files.values().map(CachedFile::len).sum()
    }

    /// True when the log dir holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The whole file.
    pub fn contents(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|f| f.bytes.as_slice())
    }

    /// Up to `len` bytes from `position`, fewer at the end of the file (as `FileRecords.slice`).
    /// `None` if there is no such file or `position` is past its end.
    pub fn read(&self, path: &str, position: u64, len: u64) -> Option<&[u8]> {
        let bytes = self.contents(path)?;
        let start = usize::try_from(position)
            .ok()
            .filter(|&s| s <= bytes.len())?;
        let available = bytes.len() - start;
        let take = usize::try_from(len).map_or(available, |l| l.min(available));
        Some(&bytes[start..start + take])
    }

    /// Every path under directory `dir` (all paths for `""`), sorted.
    pub fn list(&self, dir: &str) -> Vec<String> {
        self.files
            .keys()
            .filter(|path| is_under(path, dir))
            .cloned()
            .collect()
    }

    /// The directories at the top of the log dir (one per partition replica), sorted.
    pub fn dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = Vec::new();
        for path in self.files.keys() {
            if let Some((dir, _)) = path.split_once('/') {
                if dirs.last().map(String::as_str) != Some(dir) {
                    dirs.push(dir.to_string());
                }
            }
        }
        dirs
    }

    /// Bytes the next full flush writes.
    pub fn dirty_bytes(&self) -> u64 {
        self.dirty_bytes_in(Scope::All)
    }

    /// Bytes a flush of `scope` writes (per file with [`Scope::File`]).
    pub fn dirty_bytes_in(&self, scope: Scope<'_>) -> u64 {
        let files: u64 = self
            .files
            .iter()
            .filter(|(path, _)| scope.contains(path))
            .map(|(_, file)| file.dirty_bytes())
            .sum();
        // Bytes a `sync` put in the journal are still to be written.
        let journal: u64 = self
            .journal
            .iter()
            .filter(|change| scope.contains(change.path()))
            .map(Change::data_len)
            .sum();
        files + journal
    }

    /// Whether a flush of `scope` would change the disk at all.
    pub fn is_dirty(&self, scope: Scope<'_>) -> bool {
        !self.pending_changes(scope).is_empty()
    }

    /// Paths whose contents differ from the disk (renames and deletions aside), sorted.
    pub fn dirty_paths(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, file)| file.is_dirty())
            .map(|(path, _)| path.clone())
            .collect()
    }
}

/// Paths with their size and dirty state, not their bytes (a log dir can hold megabytes).
impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (path, file) in &self.files {
            map.entry(
                path,
                &format_args!(
                    "{} bytes, {} on disk, {} dirty",
                    file.len(),
                    file.disk_len.map_or("none".to_string(), |l| l.to_string()),
                    file.dirty_bytes()
                ),
            );
        }
        map.finish()?;
        if !self.journal.is_empty() {
            write!(f, " journal: {:?}", self.journal)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "file_store_tests.rs"]
mod tests;
