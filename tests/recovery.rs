//! Log recovery after an unclean stop and the flush settings that decide what survives one, as
//! Kafka 4.1 does it: `LogLoader.load`/`recoverLog` (unflushed segments from the recovery point
//! on, `.swap`/`.cleaned`/`.deleted` files), `LogSegment.recover` (CRC, sizes, offsets; a bad
//! batch and everything after it truncated), `LogManager` (`.kafka_cleanshutdown`,
//! `recovery-point-offset-checkpoint`, `kafka-log-flusher`), `UnifiedLog.flush` (`flush.messages`,
//! `flush.ms`, the flush of older segments on a roll).
//!
//! Each case runs twice: in a `kplay --data-dir` directory stopped with `--crash-at-exit`, and in
//! the memory back-end (a `FileStore` flushed in part to a `MemoryDisk`, then reopened from it).
//! Recovered segments are read back record for record by kafka-python.
#![cfg(not(target_arch = "wasm32"))]

#[path = "python/runner.rs"]
mod python;
mod support;

use kafka_playground::engine::log::recovery::RecoveryReport;
use kafka_playground::engine::persist::Restored;
use kafka_playground::engine::record::{BatchHeader, RecordBatch};
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::storage::{Change, Disk, FileStore, MemoryDisk, Scope};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicU64, Ordering};
use support::kplay;

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kplay-recovery-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }

    /// A file of partition `t-0` on broker 1.
    fn segment_file(&self, name: &str) -> PathBuf {
        self.0.join("broker-1/t-0").join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs kplay on `dir`, cleanly or with `--crash-at-exit`, and checks that every line worked.
fn run(dir: &TempDir, crash: bool, script: &str) -> Output {
    let mut args = vec!["--data-dir", dir.arg()];
    if crash {
        args.push("--crash-at-exit");
    }
    let output = kplay(&args, script);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{}stderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

/// One producer run per value, so each record is its own batch.
fn produce_each(topic: &str, values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("kafka-console-producer.sh --topic {topic} <<EOF\n{v}\nEOF\n"))
        .collect()
}

const VALUES: [&str; 8] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven",
];

/// Topic `t` (`flush.messages=1`, small segments) with the eight values, each its own batch,
/// left as a crash leaves it.
fn crashed_dir(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let script = format!(
        "kafka-topics.sh --create --topic t --config flush.messages=1 --config segment.bytes=250\n{}",
        produce_each("t", &VALUES)
    );
    let output = run(&dir, true, &script);
    assert!(text(&output.stderr).contains("--crash-at-exit: stopped without a clean shutdown"));
    dir
}

/// The `.log` files of `t-0`, oldest first.
fn log_files(dir: &TempDir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.0.join("broker-1/t-0"))
        .expect("t-0")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    names
}

/// Positions of the batches in a segment file.
fn batch_positions(bytes: &[u8]) -> Vec<usize> {
    let mut positions = Vec::new();
    let mut at = 0;
    while let Ok(header) = BatchHeader::parse(&bytes[at..]) {
        positions.push(at);
        at += usize::try_from(header.size_in_bytes()).expect("a size");
        if at >= bytes.len() {
            break;
        }
    }
    positions
}

/// The values a consumer reads from `t`, and checks every segment of `t-0` in kafka-python.
fn consume_and_crosscheck(dir: &TempDir, test: &str) -> Vec<String> {
    let output = run(
        dir,
        false,
        "kafka-console-consumer.sh --topic t --from-beginning\n",
    );
    if python::require_kafka_python(test).is_some() {
        for name in log_files(dir) {
            let bytes = std::fs::read(dir.segment_file(&name)).expect("a segment");
            crosscheck(test, &name, &bytes);
        }
    }
    text(&output.stdout).lines().map(str::to_string).collect()
}

/// kafka-python reads `bytes` record for record as our decoder does.
fn crosscheck(test: &str, name: &str, bytes: &[u8]) {
    let batches = RecordBatch::decode_all(bytes).expect("a recovered segment decodes");
    let scratch = python::scratch_dir(test);
    let (bin, json) = (
        scratch.join(format!("{name}.bin")),
        scratch.join(format!("{name}.json")),
    );
    std::fs::write(&bin, bytes).expect("write segment");
    std::fs::write(&json, python::describe_all(&batches, &[])).expect("write expectation");
    python::run_script(
        "crosscheck_batches.py",
        &[
            "verify",
            bin.to_str().expect("utf-8"),
            json.to_str().expect("utf-8"),
        ],
    );
}

#[test]
fn flush_messages_1_makes_every_append_durable_and_defaults_leave_it_to_the_os() {
    // UnifiedLog.append: flush when unflushedMessages >= flush.messages; Kafka's default
    // (Long.MAX_VALUE) never flushes, and an unclean stop loses what the OS had not written.
    let dir = crashed_dir("flush-messages");
    let script = format!(
        "kafka-topics.sh --create --topic lazy\n{}",
        produce_each("lazy", &["a", "b"])
    );
    run(&dir, true, &script);
    let output = run(
        &dir,
        false,
        "kafka-get-offsets.sh --topic t\nkafka-get-offsets.sh --topic lazy\n",
    );
    assert_eq!(text(&output.stdout), "t:0:8\nlazy:0:0\n");
    let err = text(&output.stderr);
    assert!(
        err.contains(&format!(
            "INFO Attempting recovery for all logs in {}/broker-1 since no clean shutdown file was found (kafka.log.LogManager)",
            dir.arg()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "INFO [LogLoader partition=t-0, dir={}/broker-1] Recovering unflushed segment 0. 0 recovered for t-0. (org.apache.kafka.storage.internals.log.LogLoader)",
            dir.arg()
        )),
        "{err}"
    );
    assert_eq!(consume_and_crosscheck(&dir, "flush-messages"), VALUES);
}

#[test]
fn a_torn_tail_is_truncated() {
    // FileLogInputStream stops at an incomplete batch; LogLoader.recoverLog logs the truncation.
    let dir = crashed_dir("torn");
    let last = log_files(&dir).pop().expect("a segment");
    let path = dir.segment_file(&last);
    let bytes = std::fs::read(&path).expect("the last segment");
    let last_batch = *batch_positions(&bytes).last().expect("a batch");
    std::fs::write(&path, &bytes[..bytes.len() - 7]).expect("torn");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:7\n");
    let err = text(&output.stderr);
    let base: i64 = last[..20].parse().expect("a base offset");
    assert!(
        err.contains(&format!(
            "WARN [LogLoader partition=t-0, dir={}/broker-1] Corruption found in segment {base}, truncating to offset 7",
            dir.arg()
        )),
        "{err}"
    );
    assert!(!err.contains("Found invalid messages"), "{err}");
    let recovered = std::fs::read(&path).expect("the last segment");
    assert_eq!(recovered.len(), last_batch, "cut at the torn batch");
    assert_eq!(consume_and_crosscheck(&dir, "torn"), VALUES[..7]);
}

#[test]
fn a_flipped_bit_truncates_at_the_bad_batch_and_deletes_later_segments() {
    // LogSegment.recover: batch.ensureValid() fails on the CRC; LogLoader.recoverLog then deletes
    // every later segment (removeAndDeleteSegmentsAsync).
    let dir = crashed_dir("flipped");
    let files = log_files(&dir);
    assert!(files.len() >= 3, "the log rolled: {files:?}");
    let path = dir.segment_file(&files[0]);
    let mut bytes = std::fs::read(&path).expect("the first segment");
    let last_byte = bytes.len() - 1;
    bytes[last_byte] ^= 0x01;
    std::fs::write(&path, &bytes).expect("flipped");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    let err = text(&output.stderr);
    let records_in_first = batch_positions(&bytes).len();
    let at = batch_positions(&bytes)[records_in_first - 1];
    assert_eq!(
        text(&output.stdout),
        format!("t:0:{}\n", records_in_first - 1)
    );
    assert!(
        err.contains(&format!(
            "WARN Found invalid messages in log segment {}/broker-1/t-0/00000000000000000000.log at byte offset {at}: Record is corrupt (stored crc = ",
            dir.arg()
        )),
        "{err}"
    );
    assert!(err.contains("Deleting segments as part of log recovery: LogSegment(baseOffset="));
    assert_eq!(log_files(&dir), ["00000000000000000000.log"]);
    assert_eq!(
        consume_and_crosscheck(&dir, "flipped"),
        VALUES[..records_in_first - 1]
    );
}

/// The first segment's files after a clean exit, with `t` rolled.
fn clean_dir(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let script = format!(
        "kafka-topics.sh --create --topic t --config segment.bytes=250 --config index.interval.bytes=50\n{}",
        produce_each("t", &VALUES)
    );
    run(&dir, false, &script);
    assert!(dir.0.join("broker-1/.kafka_cleanshutdown").exists());
    dir
}

#[test]
fn a_missing_index_is_rebuilt() {
    // LogLoader.loadSegmentFiles: NoSuchFileException → ERROR line, LogSegment.recover.
    let dir = clean_dir("missing-index");
    let index = dir.segment_file("00000000000000000000.index");
    let original = std::fs::read(&index).expect("an index");
    assert!(!original.is_empty(), "the index has entries");
    std::fs::remove_file(&index).expect("removed");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    assert!(text(&output.stderr).contains(&format!(
        "ERROR [LogLoader partition=t-0, dir={0}/broker-1] Could not find offset index file corresponding to log file {0}/broker-1/t-0/00000000000000000000.log, recovering segment and rebuilding index files...",
        dir.arg()
    )), "{}", text(&output.stderr));
    assert_eq!(std::fs::read(&index).expect("rebuilt"), original);
    assert_eq!(consume_and_crosscheck(&dir, "missing-index"), VALUES);
}

#[test]
fn a_corrupt_index_is_rebuilt() {
    // CorruptIndexException → WARN line, LogSegment.recover rebuilds it.
    let dir = clean_dir("corrupt-index");
    let index = dir.segment_file("00000000000000000000.index");
    let original = std::fs::read(&index).expect("an index");
    std::fs::write(&index, [0xFF; 7]).expect("corrupted");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    assert!(
        text(&output.stderr).contains("Found a corrupted index file corresponding to log file"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(std::fs::read(&index).expect("rebuilt"), original);
}

#[test]
fn a_half_done_swap_is_finished_and_temporary_files_go() {
    // LogLoader.load: .deleted and .cleaned files deleted, the segments a .swap replaces
    // deleted, the .swap renamed into place.
    let dir = crashed_dir("swap");
    let files = log_files(&dir);
    let (first, second) = (&files[0], &files[1]);
    let mut merged = std::fs::read(dir.segment_file(first)).expect("first");
    merged.extend(std::fs::read(dir.segment_file(second)).expect("second"));
    // The cleaner's merged group, renamed .cleaned → .swap before the crash.
    std::fs::write(dir.segment_file(&format!("{first}.swap")), &merged).expect("swap");
    // A later group still being cleaned, and a segment retention had renamed.
    std::fs::write(dir.segment_file(&format!("{}.cleaned", files[2])), b"half").expect("cleaned");
    std::fs::write(dir.segment_file("00000000000000000000.index.deleted"), b"x").expect("deleted");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    let err = text(&output.stderr);
    for line in [
        format!("Found log file {}/broker-1/t-0/{first}.swap from interrupted swap operation, which is recoverable from .swap files by renaming.", dir.arg()),
        format!("Deleting segment files {second} that is compacted but has not been deleted yet."),
        format!("Recovering file {first}.swap by renaming from .swap files."),
    ] {
        assert!(err.contains(&line), "{line}\nin\n{err}");
    }
    let mut expected = files.clone();
    expected.remove(1);
    assert_eq!(log_files(&dir), expected);
    assert_eq!(
        std::fs::read(dir.segment_file(first)).expect("swapped in"),
        merged
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.0.join("broker-1/t-0"))
        .expect("t-0")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".swap") || n.ends_with(".cleaned") || n.ends_with(".deleted"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    assert_eq!(consume_and_crosscheck(&dir, "swap"), VALUES);
}

#[test]
fn a_clean_shutdown_skips_revalidation_and_the_recovery_point_bounds_it() {
    // LogLoader.recoverLog: with the clean-shutdown file nothing is revalidated; without it,
    // only the segments from the recovery point on.
    let dir = clean_dir("clean");
    let files = log_files(&dir);
    let flip_last_byte = |name: &str| {
        let path = dir.segment_file(name);
        let mut bytes = std::fs::read(&path).expect("a segment");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        std::fs::write(&path, bytes).expect("flipped");
    };
    flip_last_byte(&files[0]);
    flip_last_byte(files.last().expect("the active segment"));
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n", "nothing revalidated");
    assert_eq!(text(&output.stderr), "");
    // The next stop is unclean: the checkpointed recovery point is the log end (8), so only
    // the last segment is revalidated; the flipped bit below it goes unnoticed, as in Kafka.
    std::fs::remove_file(dir.0.join("broker-1/.kafka_cleanshutdown")).expect("unclean");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:7\n");
    let err = text(&output.stderr);
    assert_eq!(
        err.matches("Recovering unflushed segment").count(),
        1,
        "{err}"
    );
}

#[test]
fn flush_ms_flushes_on_the_log_flusher_job_and_the_recovery_point_is_checkpointed() {
    // LogManager: kafka-log-flusher and kafka-recovery-point-checkpoint first run 30 s after
    // start-up; flushDirtyLogs flushes a log last flushed flush.ms ago or more.
    let dir = TempDir::new("flush-ms");
    let script = format!(
        "kafka-topics.sh --create --topic t --config flush.ms=1000\n\
         kafka-topics.sh --create --topic later --config flush.ms=1000\n{}time advance 31s\n{}",
        produce_each("t", &["a", "b", "c"]),
        produce_each("later", &["d"])
    );
    run(&dir, true, &script);
    let checkpoint =
        std::fs::read_to_string(dir.0.join("broker-1/recovery-point-offset-checkpoint"))
            .expect("the checkpoint job wrote it");
    assert_eq!(checkpoint, "0\n2\nlater 0 0\nt 0 3\n");
    let output = run(
        &dir,
        false,
        "kafka-get-offsets.sh --topic t\nkafka-get-offsets.sh --topic later\n",
    );
    assert_eq!(text(&output.stdout), "t:0:3\nlater:0:0\n");
}

#[test]
fn a_roll_flushes_the_older_segments() {
    // UnifiedLog.roll schedules flushUptoOffsetExclusive(newSegment.baseOffset): with Kafka's
    // defaults, a crash keeps every segment but the active one.
    let clean = TempDir::new("roll-clean");
    let crashed = TempDir::new("roll-crashed");
    let script = format!(
        "kafka-topics.sh --create --topic t --config segment.bytes=250\n{}",
        produce_each("t", &VALUES)
    );
    run(&clean, false, &script);
    run(&crashed, true, &script);
    let active = log_files(&clean).pop().expect("an active segment");
    let active_base: usize = active[..20].parse().expect("a base offset");
    assert!(active_base > 0);
    let output = run(&crashed, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), format!("t:0:{active_base}\n"));
    assert_eq!(
        consume_and_crosscheck(&crashed, "roll"),
        VALUES[..active_base]
    );
}

// ---- The memory back-end: a FileStore flushed in part to a MemoryDisk, then reopened. ----

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
    let restored =
        Cluster::restore(&ClusterOptions::default(), metadata, stores, None).expect("restored");
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
