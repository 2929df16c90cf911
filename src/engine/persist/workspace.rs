//! A cluster as one set of files, laid out as `kplay --data-dir DIR` lays out DIR: `broker-N/…`
//! for broker N's log dir and [`METADATA_FILE`] beside them. The browser keeps each workspace
//! like this in IndexedDB (`storage::indexeddb`), so a write-behind is a list of [`Change`]s on
//! these paths, and loading is [`Cluster::restore`] from them — the same restart from files as
//! a `kplay --data-dir` run.

use super::{check_broker_dirs, saved_broker_count, PersistError, Restored, METADATA_FILE};
use crate::engine::log::recovery::CLEAN_SHUTDOWN_FILE;
use crate::engine::sorting::CollectBTree;
use crate::engine::{Cluster, ClusterOptions};
use crate::storage::{Change, FileStore, Scope};
use std::collections::BTreeMap;

/// Broker N's log dir within a workspace.
pub fn broker_prefix(node_id: i32) -> String {
    format!("broker-{node_id}/")
}

/// What a write-behind flushes: the checkpoints a running broker writes
/// ([`Cluster::write_checkpoints`]), every broker's dirty files (marked clean: the caller
/// writes them), and the metadata file last, so it never describes files the workspace lacks.
pub fn take_workspace_changes(cluster: &mut Cluster) -> Vec<Change> {
    // Every log dir formatted (`meta.properties`), a broker down included: `kafka-storage.sh
    // format` runs before a broker first starts, so no saved log dir lacks it.
    cluster.format_log_dirs();
    cluster.write_checkpoints();
    let mut changes = Vec::new();
    let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
    for id in ids {
        if let Some(broker) = cluster.broker_mut(id) {
            let prefix = broker_prefix(id);
            let taken = broker.store.take_changes(Scope::All);
            changes.extend(taken.into_iter().map(|c| prefixed(c, &prefix)));
        }
    }
    changes.push(Change::Replace {
        path: METADATA_FILE.to_string(),
        bytes: cluster.to_metadata_file().into_bytes(),
    });
    changes
}

/// A clean shutdown's flush (`LogManager.shutdown`), for a page being left: every running
/// broker's logs flushed and checkpointed, then its `.kafka_cleanshutdown` file — after
/// everything else, and written in the same all-or-nothing batch as the changes before it, so a
/// workspace holds the marker only with all it vouches for. The
/// markers are then deleted in the tab's cluster again (as a broker deletes the file when it
/// loads its log dir): should the page go on running (back from the back/forward cache), its
/// next write-behind removes them and a crash after that is an unclean stop. A stopped broker
/// writes no marker: its logs are recovered at the next start, as Kafka's would be.
pub fn take_shutdown_changes(cluster: &mut Cluster) -> Vec<Change> {
    cluster.prepare_clean_shutdown();
    let mut changes = take_workspace_changes(cluster);
    cluster.write_clean_shutdown_files();
    changes.extend(take_workspace_changes(cluster));
    let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
    for id in ids {
        if let Some(broker) = cluster.broker_mut(id) {
            broker.store.delete(CLEAN_SHUTDOWN_FILE);
        }
    }
    changes
}

/// A workspace file's bytes as the cluster's page caches hold them now (`broker-N/…` only: the
/// metadata file is generated, not kept).
pub fn workspace_file(cluster: &Cluster, path: &str) -> Option<Vec<u8>> {
    let (dir, rest) = path.split_once('/')?;
    let node_id = dir.strip_prefix("broker-")?.parse().ok()?;
    let bytes = cluster.broker(node_id)?.store.contents(rest)?;
    Some(bytes.to_vec())
}

/// Every file of the cluster as a whole-file write (for rewriting a workspace from scratch, e.g.
/// after a failed flush left it unknown what the workspace holds). Marks everything clean.
pub fn workspace_snapshot(cluster: &mut Cluster) -> Vec<Change> {
    cluster.format_log_dirs();
    cluster.write_checkpoints();
    let mut changes = Vec::new();
    let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
    for id in ids {
        if let Some(broker) = cluster.broker_mut(id) {
            broker.store.take_changes(Scope::All);
            let prefix = broker_prefix(id);
            for path in broker.store.list("") {
                let bytes = broker.store.contents(&path).unwrap_or_default().to_vec();
                changes.push(Change::Replace {
                    path: format!("{prefix}{path}"),
                    bytes,
                });
            }
        }
    }
    changes.push(Change::Replace {
        path: METADATA_FILE.to_string(),
        bytes: cluster.to_metadata_file().into_bytes(),
    });
    changes
}

/// The cluster a workspace holds, or `None` for an empty workspace. Files outside `broker-N/`
/// and the metadata file are left alone. A saved workspace keeps its own broker count (one saved
/// before the page's default became 3 brokers keeps its one); `options` only supplies the rest.
pub fn restore_workspace(
    options: &ClusterOptions,
    mut files: BTreeMap<String, Vec<u8>>,
) -> Result<Option<Restored>, PersistError> {
    let metadata = files.remove(METADATA_FILE);
    let mut by_broker: BTreeMap<i32, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for (path, bytes) in files {
        let Some((dir, rest)) = path.split_once('/') else {
            continue;
        };
        let id = dir
            .strip_prefix("broker-")
            .and_then(|n| n.parse::<i32>().ok().filter(|id| id.to_string() == n));
        if let Some(id) = id {
            by_broker
                .entry(id)
                .or_default()
                .insert(rest.to_string(), bytes);
        }
    }
    let Some(metadata) = metadata else {
        return if by_broker.is_empty() {
            Ok(None)
        } else {
            Err(PersistError::NoMetadata)
        };
    };
    let metadata = String::from_utf8(metadata).map_err(|_| PersistError::LogDir {
        path: METADATA_FILE.to_string(),
        message: "not UTF-8 text".to_string(),
    })?;
    let options = ClusterOptions {
        brokers: saved_broker_count(&metadata)?,
        ..options.clone()
    };
    let ids: Vec<i32> = by_broker.keys().copied().collect();
    check_broker_dirs(&ids, options.brokers)?;
    let stores = by_broker
        .into_iter()
        .map(|(id, files)| (id, FileStore::from_disk_files(files)))
        .collect_map();
    Cluster::restore(&options, &metadata, stores, None).map(Some)
}

fn prefixed(change: Change, prefix: &str) -> Change {
    let p = |path: String| format!("{prefix}{path}");
    match change {
        Change::Create { path } => Change::Create { path: p(path) },
        Change::Write {
            path,
            position,
            bytes,
        } => Change::Write {
            path: p(path),
            position,
            bytes,
        },
        Change::Truncate { path, len } => Change::Truncate { path: p(path), len },
        Change::Replace { path, bytes } => Change::Replace {
            path: p(path),
            bytes,
        },
        Change::Rename { from, to } => Change::Rename {
            from: p(from),
            to: p(to),
        },
        Change::Delete { path } => Change::Delete { path: p(path) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::run_script;
    use crate::storage::{Disk, MemoryDisk};

    fn cluster_with_records() -> Cluster {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let output = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic orders --partitions 2\n\
             kafka-console-producer.sh --topic orders <<EOF\none\ntwo\nthree\nEOF\n",
        );
        assert!(!output.failed, "{:?}", output.lines);
        cluster
    }

    fn describe(cluster: &mut Cluster) -> String {
        let output = run_script(
            cluster,
            "kafka-topics.sh --describe\nkafka-get-offsets.sh --topic orders\n\
             kafka-console-consumer.sh --topic orders --from-beginning --property print.offset=true --property print.partition=true\n",
        );
        output.stdout()
    }

    #[test]
    fn a_workspace_written_behind_twice_restores_the_same_cluster() {
        let mut cluster = cluster_with_records();
        let mut disk = MemoryDisk::new();
        disk.apply(&take_workspace_changes(&mut cluster)).unwrap();
        run_script(
            &mut cluster,
            "kafka-console-producer.sh --topic orders <<EOF\nfour\nEOF\nkafka-topics.sh --create --topic audit\n",
        );
        let second = take_workspace_changes(&mut cluster);
        assert!(
            second.iter().all(|c| !matches!(c, Change::Create { path } if path.ends_with(".log") && path.contains("orders"))),
            "only what changed: {second:?}"
        );
        disk.apply(&second).unwrap();
        let leader = cluster.topic("orders").unwrap().partitions[0]
            .leader
            .unwrap();
        assert!(disk.files().contains_key(&format!(
            "broker-{leader}/orders-0/00000000000000000000.log"
        )));
        assert!(disk.files().contains_key(METADATA_FILE));

        let restored = restore_workspace(&ClusterOptions::default(), disk.files().clone())
            .unwrap()
            .expect("a cluster");
        let mut back = restored.cluster;
        assert_eq!(describe(&mut back), describe(&mut cluster));
        assert!(back.topics().any(|t| t.name == "audit"));
    }

    /// The page's reload, twice: a topic created after the first restart is in the second.
    #[test]
    fn what_a_restored_cluster_does_is_saved_and_restored_again() {
        let mut cluster = cluster_with_records();
        let mut disk = MemoryDisk::new();
        disk.apply(&take_workspace_changes(&mut cluster)).unwrap();
        let restore = |disk: &MemoryDisk| {
            restore_workspace(&ClusterOptions::default(), disk.files().clone())
                .unwrap()
                .expect("a cluster")
                .cluster
        };
        let mut first = restore(&disk);
        // The page's store starts saving a restored cluster with its whole snapshot.
        disk.apply(&take_workspace_changes(&mut first)).unwrap();
        let created = run_script(&mut first, "kafka-topics.sh --create --topic audit\n");
        assert!(!created.failed, "{created:?}");
        first.advance_time(1_000);
        disk.apply(&take_workspace_changes(&mut first)).unwrap();
        let second = restore(&disk);
        assert!(
            second.topics().any(|t| t.name == "audit"),
            "{:?}",
            second.topics().map(|t| t.name.clone()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_saved_workspace_keeps_its_broker_count() {
        // A workspace saved when the page started clusters with one broker stays one broker.
        let mut cluster = Cluster::new(ClusterOptions {
            brokers: 1,
            ..ClusterOptions::default()
        });
        run_script(&mut cluster, "kafka-topics.sh --create --topic t\n");
        let mut disk = MemoryDisk::new();
        disk.apply(&workspace_snapshot(&mut cluster)).unwrap();
        let restored = restore_workspace(&ClusterOptions::default(), disk.files().clone())
            .unwrap()
            .expect("a cluster");
        assert_eq!(restored.cluster.brokers().count(), 1);
        assert_eq!(restored.cluster.options().brokers, 1);
        assert_eq!(
            Cluster::new(ClusterOptions::default()).brokers().count(),
            3,
            "a new workspace starts with three brokers"
        );
    }

    #[test]
    fn a_shutdown_flush_restarts_clean_and_a_later_write_makes_it_unclean_again() {
        let mut cluster = cluster_with_records();
        let mut disk = MemoryDisk::new();
        disk.apply(&take_workspace_changes(&mut cluster)).unwrap();
        let changes = take_shutdown_changes(&mut cluster);
        assert!(
            matches!(changes.last(), Some(Change::Replace { path, .. }) if path == METADATA_FILE),
            "{changes:?}"
        );
        disk.apply(&changes).unwrap();
        let clean = |disk: &MemoryDisk| {
            let restored = restore_workspace(&ClusterOptions::default(), disk.files().clone())
                .unwrap()
                .expect("a cluster");
            restored.recovery.iter().all(|d| d.had_clean_shutdown)
        };
        assert!(clean(&disk));
        assert!(disk
            .files()
            .keys()
            .any(|p| p.ends_with(&format!("/{CLEAN_SHUTDOWN_FILE}"))));
        // The page went on running: its next write-behind takes the markers away.
        run_script(&mut cluster, "kafka-topics.sh --create --topic later\n");
        disk.apply(&take_workspace_changes(&mut cluster)).unwrap();
        assert!(!clean(&disk));
        let mut back = restore_workspace(&ClusterOptions::default(), disk.files().clone())
            .unwrap()
            .expect("a cluster")
            .cluster;
        assert_eq!(describe(&mut back), describe(&mut cluster));
    }

    #[test]
    fn a_snapshot_equals_the_changes_applied_from_nothing() {
        let mut cluster = cluster_with_records();
        let mut a = MemoryDisk::new();
        a.apply(&take_workspace_changes(&mut cluster)).unwrap();
        let mut b = MemoryDisk::new();
        b.apply(&workspace_snapshot(&mut cluster)).unwrap();
        assert_eq!(a.files(), b.files());
    }

    #[test]
    fn an_empty_workspace_is_no_cluster_and_log_dirs_without_metadata_are_refused() {
        let options = ClusterOptions::default();
        assert!(restore_workspace(&options, BTreeMap::new())
            .unwrap()
            .is_none());
        let mut files = BTreeMap::new();
        files.insert("broker-1/meta.properties".to_string(), b"x".to_vec());
        assert_eq!(
            restore_workspace(&options, files).unwrap_err(),
            PersistError::NoMetadata
        );
    }
}
