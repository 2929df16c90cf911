//! The trace determinism fixture, shared by the native test (tests/trace.rs) and the browser
//! test (tests/browser/trace.rs): one script with replication and faults, and the hash of its
//! trace. Both targets assert the same [`HASH`], so native and wasm give the identical trace
//! (DESIGN.md, principle 3: same seed + same commands ⇒ byte-identical trace).
#![allow(dead_code)]

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::event::Event;
use kafka_playground::engine::{Cluster, ClusterOptions};

/// FNV-1a 64 of [`script`]'s trace with seed 0 (`engine::trace::trace_hash`). If an engine change
/// moves it on purpose, run `cargo test --test trace -- --nocapture` natively: the failure prints
/// the new trace and hash; update it here once, and both targets check the new value.
pub const HASH: u64 = 0x62c5_6ea5_49c9_b2c2;

/// Three brokers, a topic with replication factor 3, 50 keyed records, the controller-and-leader
/// broker 1 killed, time for its session to time out, a restart, time to catch up, more records.
pub fn script() -> String {
    let records: String = (0..50)
        .map(|i| format!("key-{}:value-{i}\n", i % 7))
        .collect();
    let more: String = (50..60)
        .map(|i| format!("key-{}:value-{i}\n", i % 7))
        .collect();
    let producer = "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders \
                    --property parse.key=true --property key.separator=:";
    format!(
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders \
         --partitions 3 --replication-factor 3\n\
         {producer} <<EOF\n{records}EOF\n\
         broker kill 1\n\
         time advance 12s\n\
         {producer} <<EOF\n{more}EOF\n\
         broker start 1\n\
         time advance 5s\n"
    )
}

/// Runs [`script`] on a fresh three-broker cluster seeded with `seed`; returns what it printed
/// and every event, oldest first (those of the cluster's start included, as `kplay --trace`).
pub fn run(seed: u64) -> (Output, Vec<Event>) {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        seed,
        ..ClusterOptions::default()
    });
    let output = run_script(&mut cluster, &script());
    (output, cluster.drain_events())
}
