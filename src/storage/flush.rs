//! Flushing: turning the page cache's dirty state into an ordered list of [`Change`]s, and marking
//! it clean once a disk has them.
//!
//! A flush emits its changes in this order, so that a crash part-way (a real directory can fail
//! between two system calls) leaves files Kafka's recovery copes with:
//!
//! 1. **Renames and deletions**, in the order the engine made them. Data changes name files by
//!    their current paths, so the disk's files must carry those names first. A rename never
//!    publishes data the disk has not seen: Kafka flushes a `.cleaned` segment before renaming it
//!    to `.swap` (`LogCleaner`, `LogSegment.changeFileSuffixes`), and the engine does the same by
//!    flushing the file before renaming it.
//! 2. **Creations** of new files, empty: a crash here leaves an empty segment, which recovery
//!    accepts.
//! 3. **Truncations**, before any write: a crash then leaves a file too short — a torn tail, which
//!    Kafka's recovery truncates away — and never stale bytes beyond a region a later write
//!    rewrote, which could still parse as old batches.
//! 4. **Writes**: appended tails, and rewrites from the lowest position written.
//! 5. **Whole-file replaces** last: these are the checkpoints and `meta.properties`, and they
//!    describe the data (the recovery point says "everything below this offset is on disk"). Written
//!    after the data, they never claim more than the disk holds, which is Kafka's order too:
//!    `LogManager.checkpointLogRecoveryOffsets` runs after `UnifiedLog.flush`.
//!
//! A scoped flush takes the journal entries that touch its scope, and every earlier entry that
//! shares a path with one taken (a file renamed `a` → `b` → `c` cannot arrive at `c` without
//! passing `b`). Entries left behind touch other paths only, so applying them later, in order,
//! gives the same disk.

use super::file_store::{CachedFile, FileStore};
use super::{Change, Disk, Scope, StorageError};
use std::collections::BTreeSet;

/// Changes of one flush, grouped in the order they are applied.
#[derive(Default)]
struct Groups {
    creates: Vec<Change>,
    truncates: Vec<Change>,
    writes: Vec<Change>,
    replaces: Vec<Change>,
}

/// What a flush of one scope applies, and which journal entries it consumes.
struct FlushPlan {
    journal_taken: Vec<bool>,
    changes: Vec<Change>,
}

impl FileStore {
    /// Writes every change in `scope` to `disk`, in a crash-safe order (see the module docs), and
    /// marks it clean. Returns the bytes of file data written.
    ///
    /// On an error nothing is marked clean; the disk may hold some of the changes, as a real disk
    /// may after a failed write. Kafka takes such a log dir offline, and so should the caller.
    pub fn flush(&mut self, disk: &mut dyn Disk, scope: Scope<'_>) -> Result<u64, StorageError> {
        let plan = self.plan(scope);
        if plan.changes.is_empty() {
            return Ok(0);
        }
        disk.apply(&plan.changes)?;
        self.commit(&plan.journal_taken, scope);
        Ok(plan.changes.iter().map(Change::data_len).sum())
    }

    /// The changes a flush of `scope` would apply, in order, without marking anything clean.
    pub fn pending_changes(&self, scope: Scope<'_>) -> Vec<Change> {
        self.plan(scope).changes
    }

    /// The changes a flush of `scope` would apply, marking them clean now: the caller takes on
    /// writing them (the browser commits them to IndexedDB asynchronously, in chunks). Applied in
    /// order to the disk the store was opened from, they give the same result as [`Self::flush`].
    pub fn take_changes(&mut self, scope: Scope<'_>) -> Vec<Change> {
        let plan = self.plan(scope);
        self.commit(&plan.journal_taken, scope);
        plan.changes
    }

    fn plan(&self, scope: Scope<'_>) -> FlushPlan {
        let journal_taken = self.journal_in(scope);
        let mut changes: Vec<Change> = self
            .journal
            .iter()
            .zip(&journal_taken)
            .filter(|(_, &taken)| taken)
            .map(|(change, _)| change.clone())
            .collect();
        let mut groups = Groups::default();
        for (path, file) in self.files.iter().filter(|(path, _)| scope.contains(path)) {
            file_changes(path, file, &mut groups);
        }
        changes.extend(groups.creates);
        changes.extend(groups.truncates);
        changes.extend(groups.writes);
        changes.extend(groups.replaces);
        FlushPlan {
            journal_taken,
            changes,
        }
    }

    /// Which journal entries a flush of `scope` takes: those touching the scope, and, walking
    /// back, every earlier entry sharing a path with one taken.
    fn journal_in(&self, scope: Scope<'_>) -> Vec<bool> {
        let mut taken = vec![false; self.journal.len()];
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        for (index, change) in self.journal.iter().enumerate().rev() {
            let paths: Vec<&str> = std::iter::once(change.path())
                .chain(change.target())
                .collect();
            if paths
                .iter()
                .any(|path| scope.contains(path) || touched.contains(path))
            {
                taken[index] = true;
                touched.extend(paths);
            }
        }
        taken
    }

    fn commit(&mut self, journal_taken: &[bool], scope: Scope<'_>) {
        let mut taken = journal_taken.iter();
        self.journal
            .retain(|_| !taken.next().copied().unwrap_or(false));
        for (_, file) in self
            .files
            .iter_mut()
            .filter(|(path, _)| scope.contains(path))
        {
            file.mark_clean();
        }
    }
}

/// What one file needs for the disk to match it (the journal already applied).
fn file_changes(path: &str, file: &CachedFile, groups: &mut Groups) {
    let path = path.to_string();
    if file.replaced {
        groups.replaces.push(Change::Replace {
            path,
            bytes: file.bytes.clone(),
        });
        return;
    }
    let Some(disk_len) = file.disk_len else {
        if !file.bytes.is_empty() {
            groups.writes.push(Change::Write {
                path: path.clone(),
                position: 0,
                bytes: file.bytes.clone(),
            });
        }
        groups.creates.push(Change::Create { path });
        return;
    };
    let len = file.len();
    if len < disk_len {
        groups.truncates.push(Change::Truncate {
            path: path.clone(),
            len,
        });
    }
    // Bytes past the disk's end are new even if no write marked them.
    let from = file.dirty_from.unwrap_or(len).min(disk_len);
    if from < len {
        // from < len = bytes.len(), so it is a valid index.
        let start = usize::try_from(from).unwrap_or(file.bytes.len());
        groups.writes.push(Change::Write {
            path,
            position: from,
            bytes: file.bytes[start..].to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryDisk;

    #[test]
    fn a_flush_orders_structure_creates_truncates_writes_replaces() {
        let mut disk = MemoryDisk::new();
        let mut store = FileStore::new();
        store.append("p-0/a.log", b"0123456789");
        store.append("p-0/old.log", b"old");
        store.flush(&mut disk, Scope::All).unwrap();

        store.replace("recovery-point-offset-checkpoint", b"0\n0\n");
        store.append("p-0/a.log", b"AB");
        store.truncate("p-0/a.log", 4);
        store.append("p-0/a.log", b"xy");
        store.rename("p-0/old.log", "p-0/old.log.deleted");
        store.create("p-0/b.index");
        assert_eq!(
            store.pending_changes(Scope::All),
            vec![
                Change::Rename {
                    from: "p-0/old.log".into(),
                    to: "p-0/old.log.deleted".into()
                },
                Change::Create {
                    path: "p-0/b.index".into()
                },
                Change::Truncate {
                    path: "p-0/a.log".into(),
                    len: 6
                },
                Change::write("p-0/a.log", 4, b"xy"),
                Change::Replace {
                    path: "recovery-point-offset-checkpoint".into(),
                    bytes: b"0\n0\n".to_vec()
                },
            ]
        );
        assert_eq!(store.flush(&mut disk, Scope::All), Ok(6));
        assert!(store.pending_changes(Scope::All).is_empty());
        assert_eq!(disk.file("p-0/a.log"), Some(&b"0123xy"[..]));
    }

    #[test]
    fn an_append_flushes_only_the_tail() {
        let mut disk = MemoryDisk::new();
        let mut store = FileStore::new();
        store.append("p-0/a.log", b"first");
        store.flush(&mut disk, Scope::All).unwrap();
        store.append("p-0/a.log", b"second");
        assert_eq!(store.dirty_bytes(), 6);
        assert_eq!(
            store.pending_changes(Scope::All),
            vec![Change::write("p-0/a.log", 5, b"second")]
        );
    }

    #[test]
    fn a_scoped_flush_takes_the_renames_its_files_came_through() {
        let mut disk = MemoryDisk::new();
        let mut store = FileStore::new();
        store.append("a/x", b"x");
        store.append("b/y", b"y");
        store.flush(&mut disk, Scope::All).unwrap();
        store.rename("a/x", "b/x");
        store.rename("b/x", "c/x");
        store.rename("b/y", "d/y");
        let changes = store.take_changes(Scope::Dir("c"));
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(store.journal.len(), 1);
        assert_eq!(store.pending_changes(Scope::All).len(), 1);
    }

    #[test]
    fn take_changes_marks_clean_and_flush_on_error_does_not() {
        struct Broken;
        impl Disk for Broken {
            fn load(&self) -> Result<std::collections::BTreeMap<String, Vec<u8>>, StorageError> {
                Ok(Default::default())
            }
            fn apply(&mut self, _: &[Change]) -> Result<(), StorageError> {
                Err(StorageError::io("write", "x", "disk on fire"))
            }
        }
        let mut store = FileStore::new();
        store.append("x", b"data");
        assert!(store.flush(&mut Broken, Scope::All).is_err());
        assert_eq!(store.dirty_bytes(), 4);
        assert_eq!(store.take_changes(Scope::All).len(), 2);
        assert_eq!(store.dirty_bytes(), 0);
        assert!(!store.is_dirty(Scope::All));
    }
}
