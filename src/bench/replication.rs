//! Replication benchmarks (issue #5), shared by `benches/log_bench.rs` and the browser tests:
//!
//! - **Simulated seconds per wall second**: 3 brokers, a topic of 12 partitions with RF=3, a
//!   background producer (`producer start`, acks=all, keyed) at 1k, 10k and 100k records/s of
//!   simulated load, time advanced in one-second steps.
//! - **Replicated produce**: acks=all batches of 100 records into an RF=3 partition, each waiting
//!   for the followers' fetches, records per wall second.

use crate::cli::run_script;
use crate::engine::client::producer::{Producer, ProducerConfig, ProducerRecord};
use crate::engine::{Cluster, ClusterOptions};

/// One row of the simulated-time table.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSpeed {
    pub rate_per_sec: u32,
    pub sim_seconds: u64,
    pub records_acknowledged: u64,
    pub millis: f64,
}

impl SimSpeed {
    /// Simulated seconds per wall second.
    pub fn speedup(&self) -> f64 {
        self.sim_seconds as f64 / (self.millis / 1000.0).max(1e-9)
    }

    /// `| load | sim s | acknowledged | wall ms | sim s / wall s |`
    pub fn row(&self) -> String {
        format!(
            "| {} records/s | {} | {} | {:.1} | {:.0}× |",
            self.rate_per_sec,
            self.sim_seconds,
            self.records_acknowledged,
            self.millis,
            self.speedup()
        )
    }
}

pub const SIM_SPEED_HEADER: &str = "| simulated load | simulated s | acknowledged | wall ms | simulated s per wall s |\n|---|---|---|---|---|";

/// A 3-broker cluster with topic `load` (12 partitions, RF=3).
fn replicated_cluster() -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        ..ClusterOptions::default()
    });
    let out = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic load --partitions 12 --replication-factor 3\n",
    );
    assert!(!out.failed, "{}", out.stderr());
    cluster
}

/// `sim_seconds` of simulated time under a background producer at `rate_per_sec`.
pub fn simulated_time(
    rate_per_sec: u32,
    sim_seconds: u64,
    now: &mut dyn FnMut() -> f64,
) -> SimSpeed {
    let mut cluster = replicated_cluster();
    let started = run_script(
        &mut cluster,
        &format!("producer start load --topic load --rate {rate_per_sec}/s --keys k{{n%1000}}\n"),
    );
    assert!(!started.failed, "{}", started.stderr());
    let start = now();
    for _ in 0..sim_seconds {
        cluster.advance_time(1_000);
        cluster.drain_events();
    }
    let millis = now() - start;
    let records_acknowledged = cluster
        .background_producers()
        .get("load")
        .map_or(0, |p| p.stats.acknowledged);
    SimSpeed {
        rate_per_sec,
        sim_seconds,
        records_acknowledged,
        millis,
    }
}

/// `records` acks=all records in batches of 100 to one RF=3 partition, each batch acknowledged
/// once both followers fetched it.
pub fn replicated_produce(records: u64, now: &mut dyn FnMut() -> f64) -> super::Measurement {
    let mut cluster = replicated_cluster();
    let value = vec![b'x'; 100];
    let start = now();
    let mut sent = 0;
    let mut acknowledged = 0;
    while sent < records {
        let mut producer = Producer::new(&mut cluster, ProducerConfig::default());
        for _ in 0..100.min(records - sent) {
            producer.send(
                &mut cluster,
                ProducerRecord {
                    topic: "load".to_string(),
                    partition: Some(0),
                    value: Some(value.clone()),
                    ..ProducerRecord::default()
                },
            );
            sent += 1;
        }
        acknowledged += producer
            .close(&mut cluster)
            .iter()
            .filter(|r| r.is_ok())
            .count() as u64;
        cluster.drain_events();
    }
    super::Measurement {
        name: "replicated produce, acks=all, RF=3, batches of 100".to_string(),
        records: acknowledged,
        bytes: acknowledged * 100,
        millis: now() - start,
    }
}
