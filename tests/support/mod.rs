//! Test support shared by the scenario tests: run a script on a fresh cluster, produce records,
//! look at a partition's log. Each test file includes it with `mod support;`.
#![allow(dead_code)]

/// Log compaction helpers (tests/compaction*.rs).
pub mod compaction;
/// A cluster saved to memory disks and opened again, as `kplay --data-dir` does.
pub mod data_dir;
/// The seed-sweep driver (tests/*/sweep.rs).
pub mod sweep;

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::log::PartitionLog;
use kafka_playground::engine::{Cluster, ClusterOptions};

/// A fresh one-broker cluster with seed 0 and the default start time: the scenario tests of one
/// log (retention, compaction, the console tools) are about a single broker, so they say so
/// rather than take `kplay`'s default of three.
pub fn cluster() -> Cluster {
    Cluster::new(ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    })
}

/// Runs `script` on a fresh cluster and returns what it printed and the cluster after it.
pub fn run(script: &str) -> (Output, Cluster) {
    let mut cluster = cluster();
    let output = run_script(&mut cluster, script);
    (output, cluster)
}

/// Runs `script` and panics with its output if any line failed.
pub fn run_ok(cluster: &mut Cluster, script: &str) -> Output {
    let output = run_script(cluster, script);
    assert!(
        !output.failed,
        "script failed:\n{script}\n--- stdout\n{}--- stderr\n{}",
        output.stdout(),
        output.stderr()
    );
    output
}

/// Produces `n` records `key-i`/`value-i` (keyless when `keyed` is false) to `topic` in one
/// console-producer run.
pub fn produce_n(cluster: &mut Cluster, topic: &str, n: usize, keyed: bool) {
    let lines: String = (0..n)
        .map(|i| {
            if keyed {
                format!("key-{i}:value-{i}\n")
            } else {
                format!("value-{i}\n")
            }
        })
        .collect();
    let props = if keyed {
        " --property parse.key=true --property key.separator=:"
    } else {
        ""
    };
    run_ok(
        cluster,
        &format!("kafka-console-producer.sh --topic {topic}{props} <<EOF\n{lines}EOF\n"),
    );
}

/// Broker 1's log of `topic`-`partition`.
pub fn log<'a>(cluster: &'a Cluster, topic: &str, partition: i32) -> &'a PartitionLog {
    cluster
        .broker(1)
        .and_then(|b| b.log(topic, partition))
        .expect("broker 1 hosts the partition")
}

/// The base offsets of the log's segments, oldest first.
pub fn segment_bases(log: &PartitionLog) -> Vec<i64> {
    log.segments().map(|s| s.base_offset).collect()
}

/// Runs the built `kplay` with `args` and `script` on standard input.
pub fn kplay(args: &[&str], script: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kplay starts");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(script.as_bytes())
        .expect("the script is written");
    child.wait_with_output().expect("kplay finishes")
}

// ---- retention helpers (tests/retention.rs) ----

/// A fresh directory under the system's temp dir for `kplay --data-dir`, removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kplay-support-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    pub fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }

    pub fn join(&self, path: &str) -> std::path::PathBuf {
        self.0.join(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
