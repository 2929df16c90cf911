//! The recovery cases in the memory back-end: a `FileStore` flushed in part to a `MemoryDisk`,
//! then reopened from it.

use super::*;
use kafka_playground::engine::log::recovery::RecoveryReport;
use kafka_playground::engine::persist::Restored;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::storage::{Change, Disk, FileStore, MemoryDisk, Scope};
use std::collections::BTreeMap;

/// A cluster with topic `t` (`flush.messages=1`, small segments) holding the eight values, its
/// metadata, and the memory disk that holds exactly what its flushes wrote.
fn memory_crash() -> (String, MemoryDisk) {
    let mut cluster = support::cluster();
    cluster.format_log_dirs();
    let mut disk = MemoryDisk::new();
    let broker = cluster.broker_mut(1).expect("broker 1");
    broker
        .store
        .flush(&mut disk, Scope::All)
        .expect("formatted");
    let script = format!(
        "kafka-topics.sh --create --topic t --config flush.messages=1 --config segment.bytes=250\n{}",
        produce_each("t", &VALUES)
    );
    support::run_ok(&mut cluster, &script);
    // What the engine made durable, as kplay applies it after each command.
    let broker = cluster.broker_mut(1).expect("broker 1");
    broker.flush_requested(&mut disk).expect("flushed");
    // Appends whose flush requests are never applied: lost in the crash.
    support::run_ok(&mut cluster, &produce_each("t", &["lost"]));
    (cluster.to_metadata_file(), disk)
}

fn restore(metadata: &str, disk: &MemoryDisk) -> (Restored, RecoveryReport) {
    let stores = BTreeMap::from([(1, FileStore::open(disk).expect("opened"))]);
    let options = ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    };
    let restored = Cluster::restore(&options, metadata, stores, None).expect("restored");
    let report = restored.recovery[0]
        .logs
        .iter()
        .find(|r| r.topic == "t")
        .expect("t-0 was loaded")
        .clone();
    (restored, report)
}

fn disk_segments(disk: &MemoryDisk) -> Vec<String> {
    let files = disk.load().expect("loaded");
    files
        .keys()
        .filter(|p| p.starts_with("t-0/") && p.ends_with(".log"))
        .cloned()
        .collect()
}

fn values(restored: &mut Restored) -> Vec<String> {
    let output = support::run_ok(
        &mut restored.cluster,
        "kafka-console-consumer.sh --topic t --from-beginning\n",
    );
    output.stdout().lines().map(str::to_string).collect()
}

#[test]
fn memory_back_end_torn_tail_and_flipped_bit() {
    let (metadata, disk) = memory_crash();
    let segments = disk_segments(&disk);
    let last = segments.last().expect("a segment").clone();
    let len = disk.file(&last).expect("bytes").len() as u64;
    let mut torn = disk.clone();
    torn.apply(&[Change::Truncate {
        path: last.clone(),
        len: len - 5,
    }])
    .expect("torn");
    let (mut restored, report) = restore(&metadata, &torn);
    assert!(!report.had_clean_shutdown);
    assert_eq!(report.records_truncated, 1, "{report:?}");
    let torn_bytes = torn.file(&last).expect("bytes");
    let last_batch = *batch_positions(torn_bytes).last().expect("a batch") as u64;
    assert_eq!(report.bytes_truncated, len - 5 - last_batch);
    assert_eq!(report.log_end_offset, 7);
    assert_eq!(values(&mut restored), VALUES[..7]);

    let first = segments[0].clone();
    let bytes = disk.file(&first).expect("bytes").to_vec();
    let mut flipped = disk.clone();
    flipped
        .apply(&[Change::Write {
            path: first.clone(),
            position: bytes.len() as u64 - 1,
            bytes: vec![bytes[bytes.len() - 1] ^ 0x80],
        }])
        .expect("flipped");
    let (mut restored, report) = restore(&metadata, &flipped);
    let kept = batch_positions(&bytes).len() - 1;
    assert_eq!(report.log_end_offset, kept as i64);
    assert_eq!(
        report.segments_deleted.len(),
        segments.len() - 1,
        "{report:?}"
    );
    assert_eq!(
        report
            .segments_deleted
            .iter()
            .map(|s| s.records)
            .sum::<i64>(),
        8 - batch_positions(&bytes).len() as i64
    );
    assert_eq!(values(&mut restored), VALUES[..kept]);
    let store = &restored.cluster.broker(1).expect("broker").store;
    if python::require_kafka_python("memory_back_end_torn_tail_and_flipped_bit").is_some() {
        crosscheck(
            "memory-flipped",
            "first",
            store.contents(&first).expect("recovered"),
        );
    }
}

#[test]
fn memory_back_end_missing_index_and_half_done_swap() {
    let (metadata, disk) = memory_crash();
    let segments = disk_segments(&disk);
    let index = segments[0].replace(".log", ".index");
    let mut broken = disk.clone();
    let merged: Vec<u8> = [&segments[0], &segments[1]]
        .iter()
        .flat_map(|p| disk.file(p).expect("bytes").to_vec())
        .collect();
    broken
        .apply(&[
            Change::Delete { path: index },
            Change::Write {
                path: format!("{}.swap", segments[0]),
                position: 0,
                bytes: merged.clone(),
            },
            Change::Write {
                path: "t-0/00000000000000000000.log.deleted".to_string(),
                position: 0,
                bytes: b"old".to_vec(),
            },
        ])
        .expect("broken");
    let (mut restored, report) = restore(&metadata, &broken);
    assert_eq!(report.swaps_completed, [segments[0].clone()]);
    assert_eq!(report.indexes_rebuilt, [0], "{report:?}");
    assert!(report
        .files_deleted
        .contains(&"t-0/00000000000000000000.log.deleted".to_string()));
    assert_eq!(report.log_end_offset, 8);
    assert_eq!(values(&mut restored), VALUES);
    let store = &restored.cluster.broker(1).expect("broker").store;
    assert_eq!(store.contents(&segments[0]), Some(merged.as_slice()));
    assert!(!store.exists(&segments[1]));
}

#[test]
fn memory_back_end_keeps_what_was_flushed_and_nothing_else() {
    // Flush only part: everything up to here, then appends that stay in the page cache.
    let mut cluster = support::cluster();
    support::run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    support::produce_n(&mut cluster, "t", 3, false);
    let mut disk = MemoryDisk::new();
    let broker = cluster.broker_mut(1).expect("broker 1");
    broker.store.flush(&mut disk, Scope::All).expect("flushed");
    support::produce_n(&mut cluster, "t", 4, false);
    let (restored, report) = restore(&cluster.to_metadata_file(), &disk);
    assert_eq!(report.log_end_offset, 3);
    assert_eq!(
        report.new_recovery_point, 0,
        "no recovery point was checkpointed"
    );
    assert!(!report.repaired_anything(), "{report:?}");
    assert_eq!(support::log(&restored.cluster, "t", 0).high_watermark(), 3);
}

#[test]
fn memory_back_end_corrupt_index() {
    let (metadata, disk) = memory_crash();
    let segments = disk_segments(&disk);
    let index = segments[1].replace(".log", ".index");
    let base: i64 = segments[1][4..24].parse().expect("a base offset");
    let mut broken = disk.clone();
    broken
        .apply(&[Change::Replace {
            path: index.clone(),
            bytes: vec![0xFF; 7],
        }])
        .expect("corrupted");
    let (mut restored, report) = restore(&metadata, &broken);
    assert_eq!(report.indexes_rebuilt, [base]);
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.message.contains("Found a corrupted index file")),
        "{report:?}"
    );
    let store = &restored.cluster.broker(1).expect("broker").store;
    assert_eq!(store.contents(&index), disk.file(&index));
    assert_eq!(values(&mut restored), VALUES);
}

#[test]
fn memory_back_end_clean_shutdown_skips_revalidation() {
    // LogLoader.recoverLog: with the clean-shutdown file nothing is revalidated.
    let mut cluster = support::cluster();
    let script = format!(
        "kafka-topics.sh --create --topic t\n{}",
        produce_each("t", &VALUES)
    );
    support::run_ok(&mut cluster, &script);
    cluster.prepare_clean_shutdown();
    let mut disk = MemoryDisk::new();
    let broker = cluster.broker_mut(1).expect("broker 1");
    broker.store.flush(&mut disk, Scope::All).expect("flushed");
    cluster.write_clean_shutdown_files();
    let broker = cluster.broker_mut(1).expect("broker 1");
    broker.store.flush(&mut disk, Scope::All).expect("marker");
    let path = "t-0/00000000000000000000.log";
    let last = disk.file(path).expect("bytes").len() as u64 - 1;
    disk.apply(&[Change::Write {
        path: path.to_string(),
        position: last,
        bytes: vec![0x7F],
    }])
    .expect("flipped");
    let metadata = cluster.to_metadata_file();
    let (_, report) = restore(&metadata, &disk);
    assert!(report.had_clean_shutdown);
    assert_eq!(report.segments_recovered, Vec::<i64>::new());
    assert_eq!(report.log_end_offset, 8);
    assert_eq!(report.new_recovery_point, 8);
    // Without the file, the segment holding the recovery point (8, the end) is revalidated.
    disk.apply(&[Change::Delete {
        path: ".kafka_cleanshutdown".to_string(),
    }])
    .expect("unclean");
    let (_, report) = restore(&metadata, &disk);
    assert_eq!(report.segments_recovered, [0]);
    assert_eq!(report.log_end_offset, 7);
    assert_eq!(report.new_recovery_point, 7);
}
