//! What the files view shows of a broker's log dir, as `ls -l /tmp/kraft-combined-logs/broker-N`
//! would: the checkpoint files and `meta.properties` at the top (with their text), a folder per
//! topic-partition replica with its segments, indexes and checkpoints, each file's size and how
//! much of it is still only in the page cache (not yet flushed to the disk back-end).

use crate::engine::Cluster;
use crate::storage::{FileStore, Scope};

/// One file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The name inside its folder, e.g. `00000000000000000000.log`.
    pub name: String,
    /// The full path `kafka-dump-log.sh --files` takes.
    pub path: String,
    pub size: u64,
    /// Bytes written but not yet flushed (the page cache's dirty part).
    pub unflushed_bytes: u64,
    /// The contents of a small text file (checkpoints, `meta.properties`).
    pub text: Option<String>,
    /// A segment or index `kafka-dump-log.sh` reads.
    pub dumpable: bool,
}

/// One topic-partition folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirRow {
    pub name: String,
    /// A folder of an internal topic (`__consumer_offsets-N`).
    pub internal: bool,
    pub files: Vec<FileRow>,
}

/// A broker's whole log dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogDirListing {
    pub node_id: i32,
    pub log_dir: String,
    pub running: bool,
    pub top_files: Vec<FileRow>,
    pub dirs: Vec<DirRow>,
}

/// Text files longer than this show only their start.
const TEXT_SHOWN_BYTES: usize = 4096;

/// The log dir of broker `node_id`; `None` for an unknown broker.
pub fn log_dir_listing(cluster: &Cluster, node_id: i32) -> Option<LogDirListing> {
    let broker = cluster.broker(node_id)?;
    let store = &broker.store;
    let row = |path: &str| file_row(store, &broker.log_dir, path);
    let dirs = store
        .dirs()
        .into_iter()
        .map(|dir| DirRow {
            internal: dir.starts_with("__"),
            files: store.list(&dir).iter().map(|p| row(p)).collect(),
            name: dir,
        })
        .collect();
    Some(LogDirListing {
        node_id,
        log_dir: broker.log_dir.clone(),
        running: broker.is_running(),
        top_files: store
            .list("")
            .iter()
            .filter(|p| !p.contains('/'))
            .map(|p| row(p))
            .collect(),
        dirs,
    })
}

fn file_row(store: &FileStore, log_dir: &str, path: &str) -> FileRow {
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let dumpable = [".log", ".index", ".timeindex", ".txnindex"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    let contents = store.contents(path).unwrap_or_default();
    let text = (is_text_file(&name) && !contents.is_empty()).then(|| {
        let mut text =
            String::from_utf8_lossy(&contents[..contents.len().min(TEXT_SHOWN_BYTES)]).into_owned();
        if contents.len() > TEXT_SHOWN_BYTES {
            text.push('…');
        }
        text
    });
    FileRow {
        path: format!("{log_dir}/{path}"),
        size: store.len(path).unwrap_or(0),
        unflushed_bytes: store.dirty_bytes_in(Scope::File(path)),
        text,
        dumpable,
        name,
    }
}

/// Kafka's plain-text files: `meta.properties`, `partition.metadata` and the checkpoints.
fn is_text_file(name: &str) -> bool {
    name == "meta.properties"
        || name == "partition.metadata"
        || name == "quorum-state"
        || name.ends_with("checkpoint")
}

/// The command the files view runs for a file: the records of a segment (those of
/// `__consumer_offsets` and `__cluster_metadata` decoded), the entries of an index —
/// `kafka-dump-log.sh` reads both.
pub fn dump_command(file: &FileRow) -> String {
    let data = match file.name.ends_with(".log") {
        true if file.path.contains("/__consumer_offsets-") => " --offsets-decoder",
        true if file.path.contains("/__cluster_metadata-") => " --cluster-metadata-decoder",
        true => " --print-data-log",
        false => "",
    };
    format!("kafka-dump-log.sh --files {}{data}", file.path)
}
