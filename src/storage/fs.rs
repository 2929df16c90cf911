//! [`DirDisk`]: a real directory, natively (`kplay --data-dir DIR` keeps broker N in `DIR/broker-N`).
//!
//! Paths are checked with [`validate_path`] before anything is touched, so no change can reach
//! outside the root. Parent directories are made as needed and removed when a rename or deletion
//! leaves them empty (Kafka's log dir has no empty partition directories). `load` reads regular
//! files only; symbolic links and other special files are skipped.
//!
//! By default nothing is `fsync`ed: the playground's crashes are process crashes, which the
//! operating system's own page cache survives. [`DirDisk::with_fsync`] syncs written files and the
//! directories of renames, as Kafka does, for durability across power loss.

use super::{validate_path, Change, Disk, StorageError};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A log dir on the native file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirDisk {
    root: PathBuf,
    fsync: bool,
}

impl DirDisk {
    /// A disk rooted at `root`. Nothing is touched until the first change; a missing root loads
    /// as an empty log dir.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirDisk {
            root: root.into(),
            fsync: false,
        }
    }

    /// Whether to `fsync` written files and renamed-into directories.
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file-system path of a log-dir path, if it is one that stays inside the root.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, StorageError> {
        validate_path(path)?;
        Ok(path
            .split('/')
            .fold(self.root.clone(), |full, part| full.join(part)))
    }

    fn apply_one(&self, change: &Change) -> Result<(), StorageError> {
        match change {
            Change::Create { path } => {
                let full = self.prepare(path)?;
                File::create(&full).map_err(|e| StorageError::io("create", path, e))?;
            }
            Change::Write {
                path,
                position,
                bytes,
            } => self.write_at(path, *position, bytes)?,
            Change::Truncate { path, len } => {
                let file = self.open_for_write(path, "truncate")?;
                file.set_len(*len)
                    .map_err(|e| StorageError::io("truncate", path, e))?;
            }
            Change::Replace { path, bytes } => self.replace(path, bytes)?,
            Change::Rename { from, to } => {
                let target = self.prepare(to)?;
                fs::rename(self.resolve(from)?, &target)
                    .map_err(|e| StorageError::io("rename", from, format!("to '{to}': {e}")))?;
                self.sync_parent(to)?;
                self.prune_empty_parents(from);
            }
            Change::Delete { path } => {
                match fs::remove_file(self.resolve(path)?) {
                    Err(e) if e.kind() != ErrorKind::NotFound => {
                        return Err(StorageError::io("delete", path, e));
                    }
                    _ => {}
                }
                self.prune_empty_parents(path);
            }
        }
        Ok(())
    }

    /// Resolves `path` and makes its parent directories.
    fn prepare(&self, path: &str) -> Result<PathBuf, StorageError> {
        let full = self.resolve(path)?;
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| StorageError::io("create a directory for", path, e))?;
        }
        Ok(full)
    }

    fn open_for_write(&self, path: &str, action: &'static str) -> Result<File, StorageError> {
        let full = self.prepare(path)?;
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(full)
            .map_err(|e| StorageError::io(action, path, e))
    }

    fn write_at(&self, path: &str, position: u64, bytes: &[u8]) -> Result<(), StorageError> {
        let mut file = self.open_for_write(path, "write")?;
        let fail = |e: std::io::Error| {
            StorageError::io("write", path, format!("at position {position}: {e}"))
        };
        file.seek(SeekFrom::Start(position)).map_err(fail)?;
        file.write_all(bytes).map_err(fail)?;
        self.sync(&file, path)
    }

    /// `CheckpointFile.write`: the whole file to `<path>.tmp`, then an atomic rename over `path`.
    /// The `.tmp` name is Kafka's; the engine never keeps a file of its own by that name.
    fn replace(&self, path: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let full = self.prepare(path)?;
        let tmp_path = format!("{path}.tmp");
        let tmp = self.resolve(&tmp_path)?;
        let mut file = File::create(&tmp).map_err(|e| StorageError::io("create", &tmp_path, e))?;
        file.write_all(bytes)
            .map_err(|e| StorageError::io("write", &tmp_path, e))?;
        self.sync(&file, &tmp_path)?;
        fs::rename(&tmp, &full)
            .map_err(|e| StorageError::io("rename", &tmp_path, format!("to '{path}': {e}")))?;
        self.sync_parent(path)
    }

    fn sync(&self, file: &File, path: &str) -> Result<(), StorageError> {
        if self.fsync {
            file.sync_all()
                .map_err(|e| StorageError::io("fsync", path, e))?;
        }
        Ok(())
    }

    /// Makes a rename durable: on Unix the directory entry is data of the directory.
    fn sync_parent(&self, path: &str) -> Result<(), StorageError> {
        if !self.fsync || !cfg!(unix) {
            return Ok(());
        }
        let full = self.resolve(path)?;
        let Some(parent) = full.parent() else {
            return Ok(());
        };
        File::open(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| StorageError::io("fsync the directory of", path, e))
    }

    /// Removes the directories above `path` that are now empty, up to (not including) the root.
    /// Best effort: a directory that is not empty, or cannot be removed, simply stays.
    fn prune_empty_parents(&self, path: &str) {
        let Ok(full) = self.resolve(path) else {
            return;
        };
        let mut dir = full.parent();
        while let Some(current) = dir {
            if current == self.root
                || !current.starts_with(&self.root)
                || fs::remove_dir(current).is_err()
            {
                return;
            }
            dir = current.parent();
        }
    }
}

impl Disk for DirDisk {
    fn load(&self) -> Result<BTreeMap<String, Vec<u8>>, StorageError> {
        let mut files = BTreeMap::new();
        if !self.root.exists() {
            return Ok(files);
        }
        let mut pending = vec![(self.root.clone(), String::new())];
        while let Some((dir, prefix)) = pending.pop() {
            let shown = if prefix.is_empty() {
                "."
            } else {
                prefix.as_str()
            };
            let entries = fs::read_dir(&dir).map_err(|e| StorageError::io("list", shown, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| StorageError::io("list", shown, e))?;
                let name = entry.file_name().into_string().map_err(|name| {
                    StorageError::io(
                        "load",
                        &format!("{prefix}{}", name.to_string_lossy()),
                        "file name is not UTF-8",
                    )
                })?;
                let path = format!("{prefix}{name}");
                let kind = entry
                    .file_type()
                    .map_err(|e| StorageError::io("load", &path, e))?;
                if kind.is_dir() {
                    pending.push((entry.path(), format!("{path}/")));
                } else if kind.is_file() {
                    let bytes =
                        fs::read(entry.path()).map_err(|e| StorageError::io("read", &path, e))?;
                    files.insert(path, bytes);
                }
            }
        }
        Ok(files)
    }

    fn apply(&mut self, changes: &[Change]) -> Result<(), StorageError> {
        for change in changes {
            self.resolve(change.path())?;
            if let Some(target) = change.target() {
                self.resolve(target)?;
            }
        }
        changes.iter().try_for_each(|change| self.apply_one(change))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_root() {
        let disk = DirDisk::new("/data/broker-1");
        assert_eq!(
            disk.resolve("orders-0/00000000000000000000.log").unwrap(),
            PathBuf::from("/data/broker-1/orders-0/00000000000000000000.log")
        );
        for bad in [
            "../broker-2/meta.properties",
            "/etc/passwd",
            "a/../../b",
            "",
        ] {
            assert!(disk.resolve(bad).is_err(), "{bad:?}");
        }
    }
}
