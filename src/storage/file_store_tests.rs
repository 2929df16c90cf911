//! Unit tests of [`FileStore`]'s file operations and dirty tracking.

use super::*;
use crate::storage::{Disk, MemoryDisk};

fn flushed(files: &[(&str, &[u8])]) -> (FileStore, MemoryDisk) {
    let mut disk = MemoryDisk::new();
    let mut store = FileStore::new();
    for (path, bytes) in files {
        store.append(path, bytes);
    }
    store.flush(&mut disk, Scope::All).unwrap();
    (store, disk)
}

fn reopened(disk: &MemoryDisk) -> BTreeMap<String, Vec<u8>> {
    let store = FileStore::open(disk).unwrap();
    store
        .list("")
        .into_iter()
        .map(|path| {
            let bytes = store.contents(&path).unwrap().to_vec();
            (path, bytes)
        })
        .collect()
}

#[test]
fn append_returns_where_the_bytes_start() {
    let mut store = FileStore::new();
    assert_eq!(store.append("p-0/a.log", b"abc"), 0);
    assert_eq!(store.append("p-0/a.log", b"de"), 3);
    assert_eq!(store.append("p-0/a.log", b""), 5);
    assert_eq!(store.contents("p-0/a.log"), Some(&b"abcde"[..]));
    assert_eq!(store.len("p-0/a.log"), Some(5));
}

#[test]
fn create_keeps_an_existing_file() {
    let mut store = FileStore::new();
    assert!(store.create("a"));
    store.append("a", b"x");
    assert!(!store.create("a"));
    assert_eq!(store.contents("a"), Some(&b"x"[..]));
}

#[test]
fn read_is_clamped_at_the_end_and_never_panics() {
    let mut store = FileStore::new();
    store.append("a", b"hello");
    assert_eq!(store.read("a", 1, 3), Some(&b"ell"[..]));
    assert_eq!(store.read("a", 3, 100), Some(&b"lo"[..]));
    assert_eq!(store.read("a", 5, 1), Some(&b""[..]));
    assert_eq!(store.read("a", 6, 1), None);
    assert_eq!(store.read("a", u64::MAX, u64::MAX), None);
    assert_eq!(store.read("a", 0, u64::MAX), Some(&b"hello"[..]));
    assert_eq!(store.read("missing", 0, 1), None);
}

#[test]
fn write_at_fills_gaps_with_zeros_and_refuses_huge_files() {
    let mut store = FileStore::new();
    assert!(store.write_at("a", 2, b"xy"));
    assert_eq!(store.contents("a"), Some(&[0, 0, b'x', b'y'][..]));
    assert!(store.write_at("a", 1, b"Q"));
    assert_eq!(store.contents("a"), Some(&[0, b'Q', b'x', b'y'][..]));
    assert!(!store.write_at("a", MAX_FILE_BYTES, b"z"));
    assert!(!store.write_at("a", u64::MAX, b"z"));
    assert!(store.write_at("a", u64::MAX, b""));
    assert_eq!(store.len("a"), Some(4));
}

#[test]
fn truncate_only_shortens() {
    let mut store = FileStore::new();
    store.append("a", b"hello");
    assert!(store.truncate("a", 10));
    assert_eq!(store.len("a"), Some(5));
    assert!(store.truncate("a", 2));
    assert_eq!(store.contents("a"), Some(&b"he"[..]));
    assert!(!store.truncate("missing", 0));
}

#[test]
fn list_and_dirs_are_sorted_and_match_whole_directories() {
    let mut store = FileStore::new();
    for path in [
        "orders-1/b",
        "orders-10/a",
        "meta.properties",
        "orders-1/a",
        "orders-0/a",
    ] {
        store.create(path);
    }
    assert_eq!(store.list("orders-1"), vec!["orders-1/a", "orders-1/b"]);
    assert_eq!(store.list("").len(), 5);
    assert_eq!(store.dirs(), vec!["orders-0", "orders-1", "orders-10"]);
}

#[test]
fn dirty_bytes_count_what_a_flush_writes() {
    let (mut store, mut disk) = flushed(&[("p-0/a.log", b"0123456789"), ("p-1/a.log", b"x")]);
    assert_eq!(store.dirty_bytes(), 0);
    assert!(store.dirty_paths().is_empty());
    store.append("p-0/a.log", b"abc");
    assert_eq!(store.dirty_bytes(), 3);
    store.write_at("p-0/a.log", 4, b"Z");
    assert_eq!(store.dirty_bytes_in(Scope::File("p-0/a.log")), 9);
    store.replace("p-1/a.log", b"whole");
    assert_eq!(store.dirty_bytes_in(Scope::Dir("p-1")), 5);
    assert_eq!(store.dirty_paths(), vec!["p-0/a.log", "p-1/a.log"]);
    assert_eq!(store.flush(&mut disk, Scope::All), Ok(14));
    assert_eq!(store.dirty_bytes(), 0);
}

#[test]
fn a_truncation_alone_is_dirty_but_writes_no_bytes() {
    let (mut store, mut disk) = flushed(&[("a", b"hello")]);
    store.truncate("a", 2);
    assert!(store.is_dirty(Scope::All));
    assert_eq!(store.dirty_bytes(), 0);
    assert_eq!(store.flush(&mut disk, Scope::All), Ok(0));
    assert_eq!(disk.file("a"), Some(&b"he"[..]));
}

#[test]
fn rename_over_a_flushed_file_from_an_unflushed_one() {
    let (mut store, mut disk) = flushed(&[("p-0/a.log", b"old contents")]);
    store.append("p-0/a.log.swap", b"new");
    assert!(store.rename("p-0/a.log.swap", "p-0/a.log"));
    store.flush(&mut disk, Scope::All).unwrap();
    assert_eq!(disk.file("p-0/a.log"), Some(&b"new"[..]));
    assert_eq!(disk.files().len(), 1);
}

#[test]
fn delete_then_recreate_the_same_path() {
    let (mut store, mut disk) = flushed(&[("a", b"first life")]);
    assert!(store.delete("a"));
    assert!(!store.delete("a"));
    store.append("a", b"second");
    store.flush(&mut disk, Scope::All).unwrap();
    assert_eq!(disk.file("a"), Some(&b"second"[..]));
}

#[test]
fn rename_of_a_missing_file_changes_nothing() {
    let mut store = FileStore::new();
    store.append("b", b"x");
    assert!(!store.rename("a", "b"));
    assert!(store.rename("b", "b"));
    assert_eq!(store.contents("b"), Some(&b"x"[..]));
}

#[test]
fn rename_dir_and_delete_dir_move_whole_partitions() {
    let (mut store, mut disk) =
        flushed(&[("t-0/a.log", b"a"), ("t-0/a.index", b""), ("t-01/x", b"")]);
    assert_eq!(store.rename_dir("t-0", "t-0.abc-delete"), 2);
    assert_eq!(store.dirs(), vec!["t-0.abc-delete", "t-01"]);
    store.flush(&mut disk, Scope::All).unwrap();
    assert_eq!(disk.file("t-0.abc-delete/a.log"), Some(&b"a"[..]));
    assert_eq!(store.rename_dir("", "x"), 0);
    assert_eq!(store.delete_dir("t-0.abc-delete"), 2);
    store.flush(&mut disk, Scope::All).unwrap();
    assert_eq!(disk.files().keys().collect::<Vec<_>>(), vec!["t-01/x"]);
}

#[test]
fn unflushed_changes_are_lost_on_reopen() {
    let (mut store, disk) = flushed(&[("a", b"kept")]);
    store.append("a", b" and lost");
    store.create("b");
    drop(store);
    let files = reopened(&disk);
    assert_eq!(files.len(), 1);
    assert_eq!(files["a"], b"kept");
}

#[test]
fn open_gives_a_clean_store() {
    let (_, disk) = flushed(&[("p-0/a", b"abc"), ("top", b"")]);
    let store = FileStore::open(&disk).unwrap();
    assert!(!store.is_dirty(Scope::All));
    assert_eq!(store.len("p-0/a"), Some(3));
    assert_eq!(disk.load().unwrap().len(), 2);
}

#[test]
fn debug_shows_sizes_not_bytes() {
    let mut store = FileStore::new();
    store.append("a", &[7; 1000]);
    let shown = format!("{store:?}");
    assert_eq!(shown, r#"{"a": 1000 bytes, none on disk, 1000 dirty}"#);
}
