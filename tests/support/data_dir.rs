//! A cluster saved as `kplay --data-dir` saves it, on memory disks (tests/data_dir.rs,
//! tests/kraft_restart.rs).

use kafka_playground::engine::Cluster;
use kafka_playground::storage::{FileStore, MemoryDisk, Scope};
use std::collections::BTreeMap;

/// Flushes every broker of `cluster` to its own memory disk after a clean shutdown, as kplay's
/// clean exit flushes to `DIR/broker-N` (the clean-shutdown file last); with the metadata
/// file's text.
pub fn save(cluster: &mut Cluster) -> (String, BTreeMap<i32, MemoryDisk>) {
    save_onto(cluster, BTreeMap::new())
}

/// [`save`] onto the disks a cluster was restored from (a store flushes only what changed).
pub fn save_onto(
    cluster: &mut Cluster,
    mut disks: BTreeMap<i32, MemoryDisk>,
) -> (String, BTreeMap<i32, MemoryDisk>) {
    cluster.prepare_clean_shutdown();
    cluster.write_clean_shutdown_files();
    let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
    for id in ids {
        let disk = disks.entry(id).or_default();
        let broker = cluster.broker_mut(id).expect("a broker");
        broker.store.flush(disk, Scope::All).expect("flushed");
    }
    (cluster.to_metadata_file(), disks)
}

/// Each broker's files opened again from its disk.
pub fn stores(disks: &BTreeMap<i32, MemoryDisk>) -> BTreeMap<i32, FileStore> {
    disks
        .iter()
        .map(|(id, disk)| (*id, FileStore::open(disk).expect("opened")))
        .collect()
}
