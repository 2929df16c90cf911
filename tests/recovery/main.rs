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

#[path = "../python/runner.rs"]
mod python;
#[path = "../support/mod.rs"]
mod support;

mod kplay_dir;
mod memory;

use kafka_playground::engine::record::{BatchHeader, RecordBatch};
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicU64, Ordering};
use support::kplay;

/// A fresh directory under the system's temp dir, removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kplay-recovery-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    pub(crate) fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }

    /// A file of partition `t-0` on broker 1.
    pub(crate) fn segment_file(&self, name: &str) -> PathBuf {
        self.0.join("broker-1/t-0").join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs kplay on `dir` with one broker (recovery is one broker's log dir), cleanly or with
/// `--crash-at-exit`, and checks that every line worked.
pub(crate) fn run(dir: &TempDir, crash: bool, script: &str) -> Output {
    let mut args = vec!["--brokers", "1", "--data-dir", dir.arg()];
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
pub(crate) fn produce_each(topic: &str, values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("kafka-console-producer.sh --topic {topic} <<EOF\n{v}\nEOF\n"))
        .collect()
}

pub(crate) const VALUES: [&str; 8] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven",
];

/// Topic `t` (`flush.messages=1`, small segments) with the eight values, each its own batch,
/// left as a crash leaves it.
pub(crate) fn crashed_dir(name: &str) -> TempDir {
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
pub(crate) fn log_files(dir: &TempDir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.0.join("broker-1/t-0"))
        .expect("t-0")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    names
}

/// Positions of the batches in a segment file.
pub(crate) fn batch_positions(bytes: &[u8]) -> Vec<usize> {
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
pub(crate) fn consume_and_crosscheck(dir: &TempDir, test: &str) -> Vec<String> {
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
pub(crate) fn crosscheck(test: &str, name: &str, bytes: &[u8]) {
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
