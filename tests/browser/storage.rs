//! Storage conformance for the IndexedDB back-end (issue #9), in headless Chromium.
//!
//! `tests/storage_conformance.rs` runs its cases natively against `MemoryDisk` and `DirDisk`,
//! whose `Disk` trait is synchronous; IndexedDB is not. Here the same kinds of cases run
//! differentially: every flush's changes go to a `MemoryDisk` (the reference meaning of a
//! `Change`) and to an IndexedDB `Workspace`, and after each flush and each "crash" (a new
//! connection loading the database afresh) both must hold exactly the same files — including
//! refusing the same bad changes. A seeded random sequence of operations does the same.

use kafka_playground::engine::persist::workspace::{restore_workspace, take_workspace_changes};
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::storage::indexeddb::{
    ApplyStats, Workspace, CHANGES_PER_TASK, INDEXEDDB_CHUNK_BYTES, MAX_FRAGMENTS,
};
use kafka_playground::storage::{Change, Disk, FileStore, MemoryDisk, Scope};
use std::collections::BTreeMap;
use wasm_bindgen_test::*;

type Files = BTreeMap<String, Vec<u8>>;

/// A fresh, empty workspace for one test (cleared, not deleted: deleting waits for every
/// connection an earlier test left open).
async fn fresh(name: &str) -> Workspace {
    let mut workspace = Workspace::open(name).await.expect("IndexedDB opens");
    workspace.clear().await.expect("clear");
    workspace
}

/// The reference disk and the IndexedDB workspace, side by side.
struct Pair {
    memory: MemoryDisk,
    idb: Workspace,
    name: String,
}

impl Pair {
    async fn new(name: &str) -> Self {
        Pair {
            memory: MemoryDisk::new(),
            idb: fresh(&format!("conformance-{name}")).await,
            name: format!("conformance-{name}"),
        }
    }

    /// Flushes `scope` of `store` to both; both must agree on success or failure.
    async fn flush(&mut self, store: &mut FileStore, scope: Scope<'_>) -> Result<(), String> {
        let changes = store.pending_changes(scope);
        let reference = self.memory.apply(&changes);
        let idb = self.idb.apply(&changes, false).await;
        match (&reference, &idb) {
            (Ok(()), Ok(_)) => {
                store.take_changes(scope);
                Ok(())
            }
            (Err(a), Err(b)) => {
                // The reference may have applied part; IndexedDB applied none. Rebuild the
                // reference from what IndexedDB kept, so the next steps compare like with like.
                self.memory = MemoryDisk::new();
                let files = self.idb.load().await.expect("load");
                let replay: Vec<Change> = files
                    .into_iter()
                    .map(|(path, bytes)| Change::Replace { path, bytes })
                    .collect();
                self.memory.apply(&replay).expect("replay");
                Err(format!("{a} / {b}"))
            }
            _ => panic!("memory said {reference:?}, IndexedDB said {idb:?} for {changes:?}"),
        }
    }

    /// A crash: a new connection reads the database; it must hold what the reference holds.
    async fn reopen(&mut self) -> FileStore {
        let mut again = Workspace::open(&self.name).await.expect("reopen");
        let files = again.load().await.expect("load");
        assert_eq!(
            &files,
            self.memory.files(),
            "IndexedDB differs from the reference"
        );
        self.idb = again;
        FileStore::from_disk_files(files)
    }
}

fn files_of(store: &FileStore) -> Files {
    store
        .list("")
        .into_iter()
        .map(|p| {
            let bytes = store.contents(&p).unwrap_or_default().to_vec();
            (p, bytes)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn written_renamed_truncated_and_deleted_files_come_back_equal() {
    let mut pair = Pair::new("basic").await;
    let mut store = FileStore::new();
    store.append("orders-0/00000000000000000000.log", b"batch one");
    store.create("orders-0/00000000000000000000.index");
    store.write_at("orders-0/00000000000000000000.timeindex", 4, b"tail");
    store.append("orders-1/00000000000000000000.log", &[0xFF; 5000]);
    store.replace("meta.properties", b"#\nnode.id=1\n");
    store.append("gone", b"x");
    pair.flush(&mut store, Scope::All).await.expect("flush");
    assert_eq!(files_of(&pair.reopen().await), files_of(&store));

    store.truncate("orders-1/00000000000000000000.log", 40);
    store.append("orders-1/00000000000000000000.log", &[2; 10]);
    store.write_at("orders-1/00000000000000000000.log", 5, &[3; 2]);
    store.rename(
        "orders-0/00000000000000000000.log",
        "orders-0/00000000000000000000.log.deleted",
    );
    store.rename_dir("orders-1", "orders-1.AAAAAAAAAAAAAAAAAAAAAQ-delete");
    store.delete("gone");
    pair.flush(&mut store, Scope::All).await.expect("flush");
    assert_eq!(files_of(&pair.reopen().await), files_of(&store));

    // Unflushed changes are lost; flushed ones stay.
    let flushed = files_of(&store);
    store.append("orders-0/00000000000000000000.index", b"lost");
    store.replace("meta.properties", b"lost");
    assert_eq!(files_of(&pair.reopen().await), flushed);
}

/// A page being left (`pagehide`) gets no later task: its last write folds the unsaved flushes
/// into whole files (`storage::whole_files`) and issues them at once (`Leaving::write`). A flush
/// still waiting for a read (a rename reads the file's chunks) is aborted, and the whole files
/// include what it was writing.
#[wasm_bindgen_test]
async fn a_page_being_left_writes_whole_files_past_a_flush_waiting_for_a_read() {
    use kafka_playground::storage::whole_files;
    use std::future::Future;
    use std::task::{Context, Waker};

    let mut pair = Pair::new("leaving").await;
    let mut store = FileStore::new();
    store.append("orders-0/00000000000000000000.log", &[1; 3000]);
    store.append("orders-1/00000000000000000000.log", b"short");
    store.replace("meta.properties", b"#\nnode.id=1\n");
    pair.flush(&mut store, Scope::All).await.expect("flush");

    store.rename_dir("orders-0", "orders-0.AAAAAAAAAAAAAAAAAAAAAQ-delete");
    store.truncate("orders-1/00000000000000000000.log", 2);
    store.append("orders-1/00000000000000000000.log", b"ok");
    store.create(".kafka_cleanshutdown");
    let changes = store.take_changes(Scope::All);
    // The tab deletes the marker again once it is queued (`take_shutdown_changes`).
    store.delete(".kafka_cleanshutdown");
    store.take_changes(Scope::All);
    pair.memory.apply(&changes).expect("reference");

    let leaving = pair.idb.leaving();
    let whole = whole_files::fold([(false, changes.as_slice())], |path| {
        store.contents(path).map(<[u8]>::to_vec)
    });
    let stuck_flush = {
        let mut stuck = std::pin::pin!(pair.idb.apply(&changes, false));
        assert!(stuck
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending());
        leaving.write(&whole).expect("issued");
        stuck.await
    };
    assert!(
        stuck_flush.is_err(),
        "the flush waiting for a read is aborted"
    );
    let mut expected = files_of(&store);
    expected.insert(".kafka_cleanshutdown".into(), Vec::new());
    assert_eq!(pair.memory.files(), &expected);
    pair.reopen().await;

    // Only whole files and deletions can be written without reading.
    let refused = whole_files::WholeFiles {
        clear_first: false,
        changes: vec![Change::Truncate {
            path: "meta.properties".into(),
            len: 1,
        }],
    };
    assert!(leaving.write(&refused).is_err());
    pair.reopen().await;
}

/// A flush of more changes than one task issues (`CHANGES_PER_TASK`, 64) gives the main thread
/// back between slices and is still one transaction: all of it comes back, and a refusal found
/// after the first slices leaves nothing.
#[wasm_bindgen_test]
async fn a_flush_over_several_tasks_is_still_all_or_nothing() {
    let mut pair = Pair::new("sliced").await;
    let mut store = FileStore::new();
    for partition in 0..100 {
        store.append(
            &format!("t-{partition}/00000000000000000000.log"),
            &[7; 300],
        );
        store.create(&format!("t-{partition}/00000000000000000000.index"));
    }
    let changes = store.pending_changes(Scope::All);
    let stats = pair.idb.apply(&changes, false).await.expect("flush");
    assert_eq!(
        stats.yields,
        (changes.len() / CHANGES_PER_TASK) as u64,
        "{} changes",
        changes.len()
    );
    pair.memory.apply(&changes).expect("reference");
    store.take_changes(Scope::All);
    assert_eq!(files_of(&pair.reopen().await), files_of(&store));

    let mut refused = FileStore::new();
    for partition in 0..100 {
        refused.append(&format!("u-{partition}/00000000000000000000.log"), b"x");
    }
    // A file where a directory is: found when the change is applied, past the first slices.
    refused.append("v", b"file");
    refused.append("v/under-a-file.log", b"y");
    assert!(pair.flush(&mut refused, Scope::All).await.is_err());
    assert_eq!(
        files_of(&pair.reopen().await),
        files_of(&store),
        "nothing applied"
    );
}

#[wasm_bindgen_test]
async fn a_scoped_flush_only_flushes_its_scope() {
    let mut pair = Pair::new("scoped").await;
    let mut store = FileStore::new();
    store.append("a-0/x.log", b"a1");
    store.append("a-01/x.log", b"b1");
    pair.flush(&mut store, Scope::All).await.expect("flush");
    store.append("a-0/x.log", b"a2");
    store.append("a-01/x.log", b"b2");
    pair.flush(&mut store, Scope::Dir("a-0"))
        .await
        .expect("flush");
    let on_disk = files_of(&pair.reopen().await);
    assert_eq!(on_disk["a-0/x.log"], b"a1a2");
    assert_eq!(on_disk["a-01/x.log"], b"b1");
}

#[wasm_bindgen_test]
async fn bad_changes_are_refused_whole() {
    let mut pair = Pair::new("refused").await;
    let mut store = FileStore::new();
    store.append("fine.log", b"ok");
    store.append("../broker-2/meta.properties", b"escape");
    assert!(pair.flush(&mut store, Scope::All).await.is_err());
    assert!(pair.reopen().await.list("").is_empty(), "nothing applied");

    let mut store = FileStore::new();
    store.append("fine.log", b"ok");
    store.create("t-0");
    store.create("t-0/a.log");
    let err = pair
        .flush(&mut store, Scope::All)
        .await
        .expect_err("a file and a directory share a name");
    assert!(
        err.contains("Is a directory") || err.contains("Not a directory"),
        "{err}"
    );
    // IndexedDB refused the whole flush: not even fine.log is there.
    assert!(pair.reopen().await.list("").is_empty());

    let rename = Change::Rename {
        from: "missing".into(),
        to: "b".into(),
    };
    let err = pair
        .idb
        .apply(&[rename], false)
        .await
        .expect_err("no such file");
    assert_eq!(err.to_string(), "cannot rename 'missing': No such file");
}

/// A small seeded generator (xorshift64*), so the sequence is the same in every run.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

const PATHS: [&str; 6] = [
    "p-0/a.log",
    "p-0/a.index",
    "p-0/b.log",
    "p-1/a.log",
    "p-1/a.log.deleted",
    "recovery-point-offset-checkpoint",
];

#[wasm_bindgen_test]
async fn random_operations_agree_with_the_reference() {
    let big = INDEXEDDB_CHUNK_BYTES;
    let mut pair = Pair::new("random").await;
    let mut store = FileStore::new();
    let mut rng = Seeded(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let path = PATHS[rng.below(PATHS.len() as u64) as usize];
        // Sizes and positions straddle chunk boundaries.
        let len = [0, 3, 100, big - 1, big + 7][rng.below(5) as usize] as usize;
        let at = [0, 5, big - 2, big, 2 * big + 1][rng.below(5) as usize];
        let fill = rng.below(250) as u8 + 1;
        match rng.below(11) {
            0 => {
                let _ = store.create(path);
            }
            1..=3 => drop(store.append(path, &vec![fill; len])),
            4 => drop(store.write_at(path, at, &vec![fill; len.min(64)])),
            5 => {
                let _ = store.truncate(path, at + rng.below(3));
            }
            6 => store.replace(path, &vec![fill; len.min(300)]),
            7 => {
                let to = PATHS[rng.below(PATHS.len() as u64) as usize];
                let _ = store.rename(path, to);
            }
            8 => {
                let _ = store.delete(path);
            }
            9 => pair.flush(&mut store, Scope::All).await.expect("flush all"),
            _ => {
                pair.flush(&mut store, Scope::Dir("p-0"))
                    .await
                    .expect("flush p-0");
                if rng.below(3) == 0 {
                    store = pair.reopen().await;
                }
            }
        }
    }
    pair.flush(&mut store, Scope::All).await.expect("flush");
    assert_eq!(files_of(&pair.reopen().await), files_of(&store));
}

/// Raw changes, as a back-end may receive them from any caller: gaps, truncations below and
/// past the end, writes into the middle of chunks. One change per flush, so an error refuses
/// only that change in both.
#[wasm_bindgen_test]
async fn random_raw_changes_agree_with_the_reference() {
    let big = INDEXEDDB_CHUNK_BYTES;
    let mut pair = Pair::new("raw").await;
    let mut rng = Seeded(0xD1B5_4A32_D192_ED03);
    let positions = [0, 1, 40, big - 3, big, big + 5, 2 * big - 1, 3 * big + 2];
    for step in 0..600 {
        let path = PATHS[rng.below(3) as usize].to_string();
        let position = positions[rng.below(positions.len() as u64) as usize];
        let len = [1, 7, 300, big][rng.below(4) as usize] as usize;
        let fill = (step % 250) as u8 + 1;
        let end = pair.memory.file(&path).map_or(0, |f| f.len() as u64);
        let change = match rng.below(8) {
            // Appends, most of them small: fragments, and the append that fills a chunk.
            6 | 7 => Change::Write {
                path,
                position: end,
                bytes: vec![fill; [3, 100, 5000, big as usize][rng.below(4) as usize]],
            },
            0 => Change::Create { path },
            1 | 2 => Change::Write {
                path,
                position,
                bytes: vec![fill; len],
            },
            3 => Change::Truncate {
                path,
                len: position,
            },
            4 => Change::Rename {
                from: path,
                to: PATHS[rng.below(3) as usize].to_string(),
            },
            _ => Change::Delete { path },
        };
        let reference = pair.memory.apply(std::slice::from_ref(&change));
        let idb = pair.idb.apply(std::slice::from_ref(&change), false).await;
        assert_eq!(
            reference.is_ok(),
            idb.is_ok(),
            "{change:?}: {reference:?} / {idb:?}"
        );
        if rng.below(10) == 0 {
            pair.reopen().await;
        }
    }
    pair.reopen().await;
}

#[wasm_bindgen_test]
async fn a_one_mebibyte_file_is_four_chunk_records_not_one_per_record() {
    let mut idb = fresh("chunking").await;
    let mebibyte = vec![7u8; 1 << 20];
    let write = |path: &str, position, bytes: &[u8]| Change::Write {
        path: path.into(),
        position,
        bytes: bytes.to_vec(),
    };
    let stats: ApplyStats = idb
        .apply(&[write("t-0/a.log", 0, &mebibyte)], false)
        .await
        .expect("write");
    assert_eq!(stats.chunks_put, 4);
    assert_eq!(idb.chunk_records("t-0/a.log").await.expect("count"), 4);
    assert_eq!(idb.record_counts().await.expect("count"), (1, 4));

    // Flushes of 10 KB each (100 records of 100 bytes, one `Write` per file per flush, as a
    // FileStore flush gives): each writes what it appends, as a fragment of the last chunk, and
    // reads nothing back.
    let mut end = 1 << 20;
    for round in 0..10u64 {
        let stats = idb
            .apply(&[write("t-0/a.log", end, &[round as u8; 10_000])], false)
            .await
            .expect("append");
        assert_eq!(
            (stats.bytes_put, stats.chunks_read),
            (10_000, 0),
            "{stats:?}"
        );
        end += 10_000;
    }
    assert_eq!(idb.chunk_records("t-0/a.log").await.expect("count"), 4 + 10);
    // The append that fills the chunk merges it: one read, one whole chunk, no fragments left.
    let fill = INDEXEDDB_CHUNK_BYTES - 100_000;
    let stats = idb
        .apply(
            &[write("t-0/a.log", end, &vec![9; fill as usize + 10])],
            false,
        )
        .await
        .expect("fill");
    assert_eq!(stats.chunks_read, 1, "{stats:?}");
    assert_eq!(stats.bytes_put, INDEXEDDB_CHUNK_BYTES + 10, "{stats:?}");
    assert_eq!(idb.chunk_records("t-0/a.log").await.expect("count"), 6);
    let files = idb.load().await.expect("load");
    assert_eq!(
        files["t-0/a.log"].len() as u64,
        (1 << 20) + INDEXEDDB_CHUNK_BYTES + 10
    );
    assert_eq!(files["t-0/a.log"][(1 << 20) + 10_000], 1);

    let truncate = Change::Truncate {
        path: "t-0/a.log".into(),
        len: 100,
    };
    idb.apply(&[truncate], false).await.expect("truncate");
    assert_eq!(idb.chunk_records("t-0/a.log").await.expect("count"), 1);
    let files = idb.load().await.expect("load");
    assert_eq!(files["t-0/a.log"], vec![7u8; 100]);
}

#[wasm_bindgen_test]
async fn a_chunk_that_fills_slowly_is_merged_after_max_fragments_appends() {
    let mut idb = fresh("fragments").await;
    let write = |position: u64, bytes: &[u8]| Change::Write {
        path: "t-0/a.log".into(),
        position,
        bytes: bytes.to_vec(),
    };
    idb.apply(&[write(0, b"a")], false).await.expect("first");
    for i in 0..u64::from(MAX_FRAGMENTS) {
        idb.apply(&[write(1 + i, b"b")], false)
            .await
            .expect("append");
    }
    let records = idb.chunk_records("t-0/a.log").await.expect("count");
    assert_eq!(records, 1 + MAX_FRAGMENTS);
    let end = 1 + u64::from(MAX_FRAGMENTS);
    let stats = idb.apply(&[write(end, b"c")], false).await.expect("merge");
    assert_eq!((stats.chunks_read, stats.chunks_put), (1, 1), "{stats:?}");
    assert_eq!(idb.chunk_records("t-0/a.log").await.expect("count"), 1);
    let mut expected = b"a".to_vec();
    expected.extend(std::iter::repeat_n(b'b', MAX_FRAGMENTS as usize));
    expected.push(b'c');
    assert_eq!(idb.load().await.expect("load")["t-0/a.log"], expected);
}

fn cluster_with_records(records: u64) -> Cluster {
    use kafka_playground::engine::cluster::NewTopic;
    use kafka_playground::engine::record::RecordBatchBuilder;
    // One broker, as when these figures were first taken; a restore keeps the saved count.
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    });
    for name in ["orders", "audit"] {
        let created = cluster.create_topic(NewTopic {
            name: name.to_string(),
            partitions: Some(2),
            ..NewTopic::default()
        });
        assert!(created.is_ok());
    }
    let timestamp = cluster.now().as_millis();
    let mut written = 0;
    while written < records {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for _ in 0..100.min(records - written) {
            let _ = builder.append(timestamp, None, Some(vec![b'v'; 100]), Vec::new());
            written += 1;
        }
        let partition = i32::try_from(written / 100 % 2).unwrap_or(0);
        assert!(cluster
            .append_batch("orders", partition, builder.build())
            .is_ok());
    }
    cluster
}

/// The files of every broker and the metadata file, as the workspace should hold them.
/// Every file of every broker with its size — but `__cluster_metadata-0`: a restart rebuilds the
/// metadata log from the metadata file (docs/DEPARTURES.md, "cluster metadata on disk").
fn summary(cluster: &Cluster) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = cluster
        .brokers()
        .flat_map(|b| {
            b.store
                .list("")
                .into_iter()
                .filter(|p| !p.starts_with("__cluster_metadata-0/"))
                .map(|p| {
                    let len = b.store.len(&p).unwrap_or(0) as usize;
                    (p, len)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out
}

#[wasm_bindgen_test]
async fn a_cluster_written_behind_comes_back_from_indexeddb() {
    let mut idb = fresh("cluster").await;
    let mut cluster = cluster_with_records(3_000);
    idb.apply(&take_workspace_changes(&mut cluster), false)
        .await
        .expect("save");
    // More records, a second write-behind: only what changed.
    let mut builder = kafka_playground::engine::record::RecordBatchBuilder::with_base_offset(0);
    let _ = builder.append(
        cluster.now().as_millis(),
        None,
        Some(b"late".to_vec()),
        Vec::new(),
    );
    assert!(cluster.append_batch("orders", 1, builder.build()).is_ok());
    let second = take_workspace_changes(&mut cluster);
    let stats = idb.apply(&second, false).await.expect("save again");
    assert!(
        stats.bytes_put < 2 * INDEXEDDB_CHUNK_BYTES + 4096,
        "{stats:?}"
    );

    let mut reopened = Workspace::open("cluster").await.expect("open");
    let files = reopened.load().await.expect("load");
    let restored = restore_workspace(&ClusterOptions::default(), files)
        .expect("restore")
        .expect("a cluster");
    let back = restored.cluster;
    let ids = |c: &Cluster| -> Vec<String> { c.topics().map(|t| t.id.to_string()).collect() };
    assert_eq!(ids(&back), ids(&cluster));
    assert_eq!(summary(&back), summary(&cluster));
    for partition in 0..2 {
        let leo = |c: &Cluster| {
            c.broker(1)
                .and_then(|b| b.log("orders", partition))
                .map(|l| l.log_end_offset())
        };
        assert_eq!(leo(&back), leo(&cluster));
    }
    assert_eq!(back.now(), cluster.now());
    assert_eq!(back.to_metadata_file(), cluster.to_metadata_file());
}

/// Persist and load times for a cluster of 100-byte records (reported, never asserted).
#[wasm_bindgen_test]
async fn benchmark_persist_and_load() {
    let sizes: &[u64] = if cfg!(debug_assertions) {
        &[2_000]
    } else {
        &[100_000, 1_000_000]
    };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut rows = Vec::new();
    let mut incremental = None;
    for &records in sizes {
        let mut cluster = cluster_with_records(records);
        let mut idb = fresh("benchmark").await;
        let start = performance.now();
        let changes = take_workspace_changes(&mut cluster);
        let stats = idb.apply(&changes, false).await.expect("persist");
        let persisted = performance.now() - start;
        drop(idb);
        let start = performance.now();
        let mut idb = Workspace::open("benchmark").await.expect("open");
        let files = idb.load().await.expect("load");
        let loaded = performance.now() - start;
        let restored = restore_workspace(&ClusterOptions::default(), files)
            .expect("restore")
            .expect("cluster");
        let restarted = performance.now() - start;
        let (_, chunks) = idb.record_counts().await.expect("count");
        assert_eq!(summary(&restored.cluster), summary(&cluster));
        let mb = stats.bytes_put as f64 / 1e6;
        rows.push(format!(
            "| {records} | {mb:.1} | {chunks} | {:.1} | {persisted:.0} | {:.0} | {loaded:.0} | {restarted:.0} |",
            stats.bytes_put as f64 / records as f64,
            mb / (persisted / 1000.0).max(1e-9),
        ));
        if records == sizes[0] {
            incremental = Some(write_behind_rounds(&mut cluster, &mut idb, &performance).await);
        }
        idb.clear().await.expect("clear");
    }
    if let Some(line) = incremental {
        console_log!("{line}");
    }
    console_log!(
        "IndexedDB in Chromium (relaxed durability, {} KiB chunks)\n\
         | records | MB written | chunk records | bytes/record | persist ms | persist MB/s | load ms | load + restore ms |\n\
         |---|---|---|---|---|---|---|---|\n{}",
        INDEXEDDB_CHUNK_BYTES / 1024,
        rows.join("\n")
    );
}

/// Write-behind in small steps: 20 flushes of one 100-record batch each onto a persisted log.
/// Each rewrites the partly filled tail chunk of the segment (write amplification).
async fn write_behind_rounds(
    cluster: &mut Cluster,
    idb: &mut Workspace,
    performance: &web_sys::Performance,
) -> String {
    use kafka_playground::engine::record::RecordBatchBuilder;
    const ROUNDS: u64 = 20;
    let (mut bytes, mut log_bytes, mut millis) = (0, 0, 0.0);
    for _ in 0..ROUNDS {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for _ in 0..100 {
            let _ = builder.append(
                cluster.now().as_millis(),
                None,
                Some(vec![b'v'; 100]),
                Vec::new(),
            );
        }
        let size = |c: &Cluster| {
            c.broker(1)
                .and_then(|b| b.log("orders", 0))
                .map_or(0, |log| u64::try_from(log.size_in_bytes()).unwrap_or(0))
        };
        let before = size(cluster);
        assert!(cluster.append_batch("orders", 0, builder.build()).is_ok());
        log_bytes += size(cluster) - before;
        let start = performance.now();
        let changes = take_workspace_changes(cluster);
        let stats = idb.apply(&changes, false).await.expect("flush");
        millis += performance.now() - start;
        bytes += stats.bytes_put;
    }
    format!(
        "write-behind of one 100-record batch ({} bytes of log): {:.1} ms and {} bytes written per flush (×{:.1})",
        log_bytes / ROUNDS,
        millis / ROUNDS as f64,
        bytes / ROUNDS,
        bytes as f64 / log_bytes as f64
    )
}
