//! [`MemoryDisk`]: a disk that lives in memory, on both targets.
//!
//! It is the reference meaning of a [`Change`], and the way tests simulate a crash: drop the
//! [`FileStore`](super::FileStore), reopen one from the `MemoryDisk`, and only what was flushed is
//! there. It behaves as a real directory does where that shows: a file and a directory cannot
//! share a name, renaming a missing file fails, deleting one does not.

use super::{validate_path, Change, Disk, StorageError};
use std::collections::BTreeMap;

/// Files that were flushed, by path, and how much was written to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryDisk {
    files: BTreeMap<String, Vec<u8>>,
    bytes_written: u64,
    changes_applied: u64,
}

impl MemoryDisk {
    pub fn new() -> Self {
        MemoryDisk::default()
    }

    /// Every file, by path.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// One file's contents.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Bytes of file data written since the disk was made (what a benchmark or the UI reports).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Changes applied since the disk was made.
    pub fn changes_applied(&self) -> u64 {
        self.changes_applied
    }

    fn apply_one(&mut self, change: &Change) -> Result<(), StorageError> {
        match change {
            Change::Create { path } => {
                self.check_no_dir_conflict(path)?;
                self.files.insert(path.clone(), Vec::new());
            }
            Change::Write {
                path,
                position,
                bytes,
            } => self.write(path, *position, bytes)?,
            Change::Truncate { path, len } => {
                let len = to_index(*len, "truncate", path)?;
                self.file_mut(path)?.resize(len, 0);
            }
            Change::Replace { path, bytes } => {
                self.check_no_dir_conflict(path)?;
                self.files.insert(path.clone(), bytes.clone());
            }
            Change::Rename { from, to } => {
                if !self.files.contains_key(from) {
                    return Err(StorageError::io("rename", from, "No such file"));
                }
                self.check_no_dir_conflict(to)?;
                if let Some(bytes) = self.files.remove(from) {
                    self.files.insert(to.clone(), bytes);
                }
            }
            Change::Delete { path } => {
                self.files.remove(path);
            }
        }
        self.bytes_written += change.data_len();
        self.changes_applied += 1;
        Ok(())
    }

    fn write(&mut self, path: &str, position: u64, bytes: &[u8]) -> Result<(), StorageError> {
        let start = to_index(position, "write", path)?;
        let end = start
            .checked_add(bytes.len())
            .ok_or_else(|| StorageError::io("write", path, "position out of range"))?;
        let file = self.file_mut(path)?;
        if end > file.len() {
            file.resize(end, 0);
        }
        file[start..end].copy_from_slice(bytes);
        Ok(())
    }

    /// The file at `path`, created empty if missing (as opening for writing does).
    fn file_mut(&mut self, path: &str) -> Result<&mut Vec<u8>, StorageError> {
        if !self.files.contains_key(path) {
            self.check_no_dir_conflict(path)?;
        }
        Ok(self.files.entry(path.to_string()).or_default())
    }

    /// A new file at `path` needs every parent to be a directory, and `path` not to be one.
    fn check_no_dir_conflict(&self, path: &str) -> Result<(), StorageError> {
        let parent_is_file = path
            .match_indices('/')
            .any(|(at, _)| self.files.contains_key(&path[..at]));
        if parent_is_file {
            return Err(StorageError::io("create", path, "Not a directory"));
        }
        let prefix = format!("{path}/");
        if self
            .files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&prefix))
        {
            return Err(StorageError::io("create", path, "Is a directory"));
        }
        Ok(())
    }
}

fn to_index(value: u64, action: &'static str, path: &str) -> Result<usize, StorageError> {
    usize::try_from(value).map_err(|_| StorageError::io(action, path, "position out of range"))
}

impl Disk for MemoryDisk {
    fn load(&self) -> Result<BTreeMap<String, Vec<u8>>, StorageError> {
        Ok(self.files.clone())
    }

    fn apply(&mut self, changes: &[Change]) -> Result<(), StorageError> {
        for change in changes {
            validate_path(change.path())?;
            if let Some(target) = change.target() {
                validate_path(target)?;
            }
        }
        changes.iter().try_for_each(|change| self.apply_one(change))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(disk: &mut MemoryDisk, change: Change) -> Result<(), StorageError> {
        disk.apply(&[change])
    }

    #[test]
    fn writes_grow_with_zeros_and_truncates_cut() {
        let mut disk = MemoryDisk::new();
        let write = Change::Write {
            path: "a".into(),
            position: 2,
            bytes: b"xy".to_vec(),
        };
        apply(&mut disk, write).unwrap();
        assert_eq!(disk.file("a"), Some(&[0, 0, b'x', b'y'][..]));
        apply(
            &mut disk,
            Change::Truncate {
                path: "a".into(),
                len: 3,
            },
        )
        .unwrap();
        assert_eq!(disk.file("a"), Some(&[0, 0, b'x'][..]));
        assert_eq!(disk.bytes_written(), 2);
        assert_eq!(disk.changes_applied(), 2);
    }

    #[test]
    fn rename_replaces_and_needs_a_source() {
        let mut disk = MemoryDisk::new();
        let replace = |path: &str, bytes: &[u8]| Change::Replace {
            path: path.into(),
            bytes: bytes.to_vec(),
        };
        apply(&mut disk, replace("a", b"new")).unwrap();
        apply(&mut disk, replace("b", b"old")).unwrap();
        let rename = Change::Rename {
            from: "a".into(),
            to: "b".into(),
        };
        apply(&mut disk, rename.clone()).unwrap();
        assert_eq!(disk.files().len(), 1);
        assert_eq!(disk.file("b"), Some(&b"new"[..]));
        let err = apply(&mut disk, rename).unwrap_err();
        assert_eq!(err.to_string(), "cannot rename 'a': No such file");
        apply(&mut disk, Change::Delete { path: "a".into() }).unwrap();
    }

    #[test]
    fn a_file_and_a_directory_cannot_share_a_name() {
        let mut disk = MemoryDisk::new();
        apply(&mut disk, Change::Create { path: "d/f".into() }).unwrap();
        assert!(apply(&mut disk, Change::Create { path: "d".into() }).is_err());
        assert!(apply(
            &mut disk,
            Change::Create {
                path: "d/f/g".into()
            }
        )
        .is_err());
        assert!(apply(&mut disk, Change::Create { path: "d/g".into() }).is_ok());
    }

    #[test]
    fn bad_paths_are_refused_before_anything_is_applied() {
        let mut disk = MemoryDisk::new();
        let changes = [
            Change::Create { path: "ok".into() },
            Change::Create {
                path: "../escape".into(),
            },
        ];
        assert!(matches!(
            disk.apply(&changes),
            Err(StorageError::InvalidPath { .. })
        ));
        assert!(disk.files().is_empty());
    }
}
