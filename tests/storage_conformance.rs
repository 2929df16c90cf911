#![cfg(not(target_arch = "wasm32"))]
//! Storage conformance: one set of cases, run against every disk back-end.
//!
//! Each case gets a [`Backend`]: a disk, and a way to "crash" — drop the page cache and reopen
//! one from what the disk holds (for a real directory, through a new `DirDisk` on the same root).
//! The IndexedDB back-end (issue #9) is asynchronous, so its cases run in the browser tests
//! (`tests/browser/storage.rs`), differentially against `MemoryDisk`.

use kafka_playground::storage::{
    Change, DirDisk, Disk, FileStore, MemoryDisk, Scope, StorageError,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

type Files = BTreeMap<String, Vec<u8>>;

/// A disk under test.
trait Backend {
    fn disk(&mut self) -> &mut dyn Disk;
    /// What a process starting afresh would find.
    fn reopen(&mut self) -> FileStore;
}

struct Memory(MemoryDisk);

impl Backend for Memory {
    fn disk(&mut self) -> &mut dyn Disk {
        &mut self.0
    }
    fn reopen(&mut self) -> FileStore {
        FileStore::open(&self.0).expect("a memory disk always loads")
    }
}

/// A `DirDisk` in a fresh directory under the system's temp dir, removed when dropped.
struct Dir {
    root: PathBuf,
    disk: DirDisk,
}

impl Dir {
    fn new(case: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir()
            .join(format!(
                "kplay-storage-{}-{case}-{unique}",
                std::process::id()
            ))
            .join("broker-1");
        let _ = std::fs::remove_dir_all(&root);
        Dir {
            disk: DirDisk::new(&root),
            root,
        }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if let Some(parent) = self.root.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

impl Backend for Dir {
    fn disk(&mut self) -> &mut dyn Disk {
        &mut self.disk
    }
    fn reopen(&mut self) -> FileStore {
        self.disk = DirDisk::new(&self.root);
        FileStore::open(&self.disk).expect("the directory loads")
    }
}

/// Every file of a store, with its contents.
fn files_of(store: &FileStore) -> Files {
    store
        .list("")
        .into_iter()
        .map(|path| {
            let bytes = store.contents(&path).unwrap_or_default().to_vec();
            (path, bytes)
        })
        .collect()
}

fn flush_all(store: &mut FileStore, backend: &mut dyn Backend) -> u64 {
    store.flush(backend.disk(), Scope::All).expect("flush")
}

/// Runs each case once per back-end: `memory::<case>` and `dir::<case>`.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $case() { super::$case(&mut super::Memory(Default::default())); })*
        }
        mod dir {
            $(#[test] fn $case() { super::$case(&mut super::Dir::new(stringify!($case))); })*
        }
    };
}

conformance!(
    written_and_flushed_files_come_back_equal,
    unflushed_data_is_lost_and_flushed_data_stays,
    truncate_below_the_flushed_length_then_flush,
    renames_and_deletes_survive_reopen,
    a_scoped_flush_only_flushes_its_scope,
    a_crash_between_two_flushes_leaves_exactly_the_first,
    paths_that_escape_the_log_dir_are_refused,
    replace_rewrites_the_whole_file,
    changes_taken_and_applied_later_equal_a_flush,
    a_file_and_a_directory_cannot_share_a_name,
);

fn written_and_flushed_files_come_back_equal(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("orders-0/00000000000000000000.log", b"batch one");
    store.append("orders-0/00000000000000000000.log", b", batch two");
    store.create("orders-0/00000000000000000000.index");
    store.write_at("orders-0/00000000000000000000.timeindex", 4, b"tail");
    store.append("orders-1/00000000000000000000.log", &[0xFF; 5000]);
    store.replace("meta.properties", b"#\nnode.id=1\n");
    let written = flush_all(&mut store, backend);
    assert_eq!(written, 20 + 8 + 5000 + 12);
    assert_eq!(store.dirty_bytes(), 0);
    assert!(!store.is_dirty(Scope::All));

    let reopened = backend.reopen();
    assert_eq!(files_of(&reopened), files_of(&store));
    assert_eq!(
        reopened.contents("orders-0/00000000000000000000.timeindex"),
        Some(&b"\0\0\0\0tail"[..])
    );
    assert_eq!(reopened.dirs(), vec!["orders-0", "orders-1"]);
}

fn unflushed_data_is_lost_and_flushed_data_stays(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("t-0/a.log", b"flushed");
    store.create("t-0/empty.index");
    flush_all(&mut store, backend);
    let flushed = files_of(&store);

    store.append("t-0/a.log", b" but not this");
    store.write_at("t-0/a.log", 0, b"F");
    store.create("t-0/new.log");
    store.delete("t-0/empty.index");
    store.replace("recovery-point-offset-checkpoint", b"0\n0\n");
    drop(store);

    assert_eq!(files_of(&backend.reopen()), flushed);
}

fn truncate_below_the_flushed_length_then_flush(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("t-0/a.log", &[1; 100]);
    flush_all(&mut store, backend);
    store.truncate("t-0/a.log", 40);
    store.append("t-0/a.log", &[2; 10]);
    store.write_at("t-0/a.log", 5, &[3; 2]);
    assert_eq!(flush_all(&mut store, backend), 45);

    let reopened = backend.reopen();
    let mut expected = vec![1u8; 40];
    expected[5..7].copy_from_slice(&[3, 3]);
    expected.extend_from_slice(&[2; 10]);
    assert_eq!(reopened.contents("t-0/a.log"), Some(expected.as_slice()));

    // A truncation alone writes no bytes but still reaches the disk.
    let mut store = reopened;
    store.truncate("t-0/a.log", 3);
    assert_eq!(flush_all(&mut store, backend), 0);
    assert_eq!(backend.reopen().len("t-0/a.log"), Some(3));
}

fn renames_and_deletes_survive_reopen(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    for (path, bytes) in [
        ("t-0/00000000000000000000.log", &b"old segment"[..]),
        ("t-0/00000000000000000005.log", b"active"),
        ("t-0/00000000000000000005.log.swap", b"cleaned"),
        ("t-1/00000000000000000000.log", b"doomed partition"),
        ("gone", b"x"),
    ] {
        store.append(path, bytes);
    }
    flush_all(&mut store, backend);

    store.rename(
        "t-0/00000000000000000000.log",
        "t-0/00000000000000000000.log.deleted",
    );
    store.rename(
        "t-0/00000000000000000005.log.swap",
        "t-0/00000000000000000005.log",
    );
    store.append("t-0/00000000000000000005.log", b" and more");
    store.rename_dir("t-1", "t-1.AAAAAAAAAAAAAAAAAAAAAQ-delete");
    store.delete("gone");
    store.append("t-2/unflushed-then-renamed", b"new");
    store.rename("t-2/unflushed-then-renamed", "t-2/renamed");
    flush_all(&mut store, backend);

    let reopened = backend.reopen();
    assert_eq!(files_of(&reopened), files_of(&store));
    assert_eq!(
        reopened.list(""),
        vec![
            "t-0/00000000000000000000.log.deleted",
            "t-0/00000000000000000005.log",
            "t-1.AAAAAAAAAAAAAAAAAAAAAQ-delete/00000000000000000000.log",
            "t-2/renamed",
        ]
    );
    assert_eq!(
        reopened.contents("t-0/00000000000000000005.log"),
        Some(&b"cleaned and more"[..])
    );
    assert_eq!(
        reopened.dirs(),
        vec!["t-0", "t-1.AAAAAAAAAAAAAAAAAAAAAQ-delete", "t-2"]
    );
}

fn a_scoped_flush_only_flushes_its_scope(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("a-0/x.log", b"a1");
    store.append("a-01/x.log", b"b1");
    store.replace("recovery-point-offset-checkpoint", b"v1");
    flush_all(&mut store, backend);

    store.append("a-0/x.log", b"a2");
    store.append("a-01/x.log", b"b2");
    store.create("a-0/y.index");
    store.replace("recovery-point-offset-checkpoint", b"v2");
    assert_eq!(store.dirty_bytes_in(Scope::Dir("a-0")), 2);
    assert_eq!(store.flush(backend.disk(), Scope::Dir("a-0")), Ok(2));
    assert!(!store.is_dirty(Scope::Dir("a-0")));
    assert!(store.is_dirty(Scope::All));

    let on_disk = files_of(&backend.reopen());
    assert_eq!(on_disk["a-0/x.log"], b"a1a2");
    assert!(on_disk.contains_key("a-0/y.index"));
    assert_eq!(on_disk["a-01/x.log"], b"b1");
    assert_eq!(on_disk["recovery-point-offset-checkpoint"], b"v1");

    let checkpoint = Scope::File("recovery-point-offset-checkpoint");
    assert_eq!(store.flush(backend.disk(), checkpoint), Ok(2));
    let on_disk = files_of(&backend.reopen());
    assert_eq!(on_disk["recovery-point-offset-checkpoint"], b"v2");
    assert_eq!(on_disk["a-01/x.log"], b"b1");
    assert_eq!(store.dirty_bytes(), 2);
}

fn a_crash_between_two_flushes_leaves_exactly_the_first(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("t-0/a.log", b"one");
    store.append("t-0/b.log", b"two");
    flush_all(&mut store, backend);
    store.append("t-0/a.log", b"-more");
    store.rename("t-0/b.log", "t-0/b.log.deleted");
    flush_all(&mut store, backend);
    let first = files_of(&store);

    store.append("t-0/a.log", b"-lost");
    store.delete("t-0/b.log.deleted");
    store.rename("t-0/a.log", "t-0/c.log");
    store.replace("checkpoint", b"lost");
    drop(store);

    let mut reopened = backend.reopen();
    assert_eq!(files_of(&reopened), first);
    // Life goes on from what the disk held.
    reopened.append("t-0/a.log", b"-again");
    flush_all(&mut reopened, backend);
    assert_eq!(
        backend.reopen().contents("t-0/a.log"),
        Some(&b"one-more-again"[..])
    );
}

fn paths_that_escape_the_log_dir_are_refused(backend: &mut dyn Backend) {
    for bad in [
        "../broker-2/meta.properties",
        "/etc/kplay-escape",
        "a/../../x",
        "a//b",
    ] {
        let mut store = FileStore::new();
        store.append("fine.log", b"ok");
        store.append(bad, b"escape");
        let err = store
            .flush(backend.disk(), Scope::All)
            .expect_err("an escaping path must be refused");
        assert!(
            matches!(err, StorageError::InvalidPath { .. }),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(bad), "{err}");
        // Refused before anything was applied, and still dirty.
        assert!(files_of(&backend.reopen()).is_empty(), "{bad}");
        assert_eq!(store.dirty_bytes(), 8);
    }
    let rename = Change::Rename {
        from: "a".into(),
        to: "../a".into(),
    };
    assert!(backend.disk().apply(&[rename]).is_err());
}

fn replace_rewrites_the_whole_file(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.replace(
        "replication-offset-checkpoint",
        b"0\n1\nlong-topic-name 0 123456\n",
    );
    flush_all(&mut store, backend);
    store.replace("replication-offset-checkpoint", b"0\n0\n");
    assert_eq!(
        store.pending_changes(Scope::All),
        vec![Change::Replace {
            path: "replication-offset-checkpoint".into(),
            bytes: b"0\n0\n".to_vec()
        }]
    );
    flush_all(&mut store, backend);
    // No `.tmp` file is left behind.
    assert_eq!(files_of(&backend.reopen()), files_of(&store));
}

fn changes_taken_and_applied_later_equal_a_flush(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.append("t-0/a.log", b"abc");
    store.rename("t-0/a.log", "t-0/b.log");
    store.replace("cp", b"1");
    let changes = store.take_changes(Scope::All);
    assert!(!store.is_dirty(Scope::All));
    backend.disk().apply(&changes).expect("apply");
    store.append("t-0/b.log", b"def");
    let changes = store.take_changes(Scope::All);
    assert_eq!(
        changes,
        vec![Change::Write {
            path: "t-0/b.log".into(),
            position: 3,
            bytes: b"def".to_vec()
        }]
    );
    backend.disk().apply(&changes).expect("apply");
    assert_eq!(files_of(&backend.reopen()), files_of(&store));
}

fn a_file_and_a_directory_cannot_share_a_name(backend: &mut dyn Backend) {
    let mut store = FileStore::new();
    store.create("t-0");
    store.create("t-0/a.log");
    assert!(store.flush(backend.disk(), Scope::All).is_err());
}

// ---- Random operation sequences against a simple model ----

const PATHS: [&str; 7] = [
    "p-0/a.log",
    "p-0/a.index",
    "p-0/b.log",
    "p-1/a.log",
    "p-1/a.log.deleted",
    "meta.properties",
    "recovery-point-offset-checkpoint",
];
const DIRS: [&str; 2] = ["p-0", "p-1"];

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Append(usize, Vec<u8>),
    WriteAt(usize, u64, Vec<u8>),
    Truncate(usize, u64),
    Replace(usize, Vec<u8>),
    Rename(usize, usize),
    Delete(usize),
    FlushAll,
    FlushDir(usize),
    FlushFile(usize),
    Crash,
}

fn op() -> impl Strategy<Value = Op> {
    let path = 0..PATHS.len();
    let bytes = proptest::collection::vec(any::<u8>(), 0..24);
    prop_oneof![
        1 => path.clone().prop_map(Op::Create),
        4 => (path.clone(), bytes.clone()).prop_map(|(p, b)| Op::Append(p, b)),
        2 => (path.clone(), 0..48u64, bytes.clone()).prop_map(|(p, at, b)| Op::WriteAt(p, at, b)),
        2 => (path.clone(), 0..48u64).prop_map(|(p, len)| Op::Truncate(p, len)),
        1 => (path.clone(), bytes).prop_map(|(p, b)| Op::Replace(p, b)),
        2 => (path.clone(), path.clone()).prop_map(|(from, to)| Op::Rename(from, to)),
        1 => path.clone().prop_map(Op::Delete),
        2 => Just(Op::FlushAll),
        1 => (0..DIRS.len()).prop_map(Op::FlushDir),
        1 => path.prop_map(Op::FlushFile),
        1 => Just(Op::Crash),
    ]
}

/// The model: what the files should hold, by the plainest possible rules.
fn apply_to_model(files: &mut Files, op: &Op) {
    match op {
        Op::Create(p) => {
            files.entry(PATHS[*p].to_string()).or_default();
        }
        Op::Append(p, bytes) => files
            .entry(PATHS[*p].to_string())
            .or_default()
            .extend(bytes),
        Op::WriteAt(p, at, bytes) => {
            let file = files.entry(PATHS[*p].to_string()).or_default();
            let (at, end) = (*at as usize, *at as usize + bytes.len());
            if !bytes.is_empty() {
                file.resize(file.len().max(end), 0);
                file[at..end].copy_from_slice(bytes);
            }
        }
        Op::Truncate(p, len) => {
            if let Some(file) = files.get_mut(PATHS[*p]) {
                file.truncate(*len as usize);
            }
        }
        Op::Replace(p, bytes) => {
            files.insert(PATHS[*p].to_string(), bytes.clone());
        }
        Op::Rename(from, to) => {
            if let Some(bytes) = files.remove(PATHS[*from]) {
                files.insert(PATHS[*to].to_string(), bytes);
            }
        }
        Op::Delete(p) => {
            files.remove(PATHS[*p]);
        }
        Op::FlushAll | Op::FlushDir(_) | Op::FlushFile(_) | Op::Crash => {}
    }
}

fn apply_to_store(store: &mut FileStore, op: &Op) {
    match op {
        Op::Create(p) => {
            store.create(PATHS[*p]);
        }
        Op::Append(p, bytes) => {
            store.append(PATHS[*p], bytes);
        }
        Op::WriteAt(p, at, bytes) => assert!(store.write_at(PATHS[*p], *at, bytes)),
        Op::Truncate(p, len) => {
            store.truncate(PATHS[*p], *len);
        }
        Op::Replace(p, bytes) => store.replace(PATHS[*p], bytes),
        Op::Rename(from, to) => {
            store.rename(PATHS[*from], PATHS[*to]);
        }
        Op::Delete(p) => {
            store.delete(PATHS[*p]);
        }
        Op::FlushAll | Op::FlushDir(_) | Op::FlushFile(_) | Op::Crash => {}
    }
}

/// Runs `ops`, checking after each that the store equals the model, that every flush puts its
/// scope on disk (everything for a full flush), and that a crash brings back exactly the disk.
fn run_against_model(backend: &mut dyn Backend, ops: &[Op]) {
    let mut store = backend.reopen();
    let mut model = files_of(&store);
    for op in ops {
        apply_to_store(&mut store, op);
        apply_to_model(&mut model, op);
        let scope = match op {
            Op::FlushAll => Scope::All,
            Op::FlushDir(d) => Scope::Dir(DIRS[*d]),
            Op::FlushFile(p) => Scope::File(PATHS[*p]),
            Op::Crash => {
                let on_disk = files_of(&backend.reopen());
                store = backend.reopen();
                model = on_disk;
                assert_eq!(files_of(&store), model);
                continue;
            }
            _ => {
                assert_eq!(files_of(&store), model, "after {op:?}");
                continue;
            }
        };
        let dirty = store.dirty_bytes_in(scope);
        assert_eq!(store.flush(backend.disk(), scope), Ok(dirty), "{op:?}");
        assert!(
            !store.is_dirty(scope),
            "{op:?} left {:?}",
            store.pending_changes(scope)
        );
        let on_disk = files_of(&backend.reopen());
        let in_scope = |files: &Files| -> Files {
            files
                .iter()
                .filter(|(path, _)| scope.contains(path))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect()
        };
        assert_eq!(in_scope(&on_disk), in_scope(&model), "after {op:?}");
    }
    store
        .flush(backend.disk(), Scope::All)
        .expect("final flush");
    assert_eq!(files_of(&backend.reopen()), model);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn memory_random_operations_match_the_model(ops in proptest::collection::vec(op(), 0..60)) {
        run_against_model(&mut Memory(MemoryDisk::new()), &ops);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn dir_random_operations_match_the_model(ops in proptest::collection::vec(op(), 0..40)) {
        run_against_model(&mut Dir::new("random"), &ops);
    }
}
