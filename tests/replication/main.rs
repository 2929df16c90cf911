//! Replication scenarios (issue #5), each citing the Kafka doc or KIP it checks: followers
//! copying from leaders, the ISR and high watermark, leader failover, acks and
//! `min.insync.replicas`, unclean leader election, truncation by leader epoch, network
//! partitions and idempotent retries.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../support/mod.rs"]
mod support;

mod scenarios;
mod sweep;

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::{Cluster, ClusterOptions};

/// A cluster of `brokers` nodes (seed 0, default start time).
pub fn cluster_of(brokers: i32) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        ..ClusterOptions::default()
    })
}

/// Runs `script`, panicking with its output if a line failed.
pub fn ok(cluster: &mut Cluster, script: &str) -> Output {
    support::run_ok(cluster, script)
}

/// Runs `script` and returns what it printed, failed or not.
pub fn run(cluster: &mut Cluster, script: &str) -> Output {
    run_script(cluster, script)
}

/// The `--describe` partition line's `Leader`, `Replicas` and `Isr` of `topic`-`partition`.
pub fn leader_and_isr(cluster: &Cluster, topic: &str, partition: i32) -> (Option<i32>, Vec<i32>) {
    let info = cluster.partition_info(topic, partition).expect("partition");
    (info.leader, info.isr.clone())
}

/// `broker`'s log end offset and high watermark of `topic`-`partition`.
pub fn offsets(cluster: &Cluster, broker: i32, topic: &str, partition: i32) -> (i64, i64) {
    let log = cluster
        .broker(broker)
        .and_then(|b| b.log(topic, partition))
        .expect("log");
    (log.log_end_offset(), log.high_watermark())
}

/// Produces `values` (one record each) with the given producer properties.
pub fn produce(cluster: &mut Cluster, topic: &str, props: &str, values: &[&str]) -> Output {
    let lines: String = values.iter().map(|v| format!("{v}\n")).collect();
    run(
        cluster,
        &format!("kafka-console-producer.sh --topic {topic} {props}<<EOF\n{lines}EOF\n"),
    )
}

/// The values a console consumer reads from the beginning (up to the high watermark).
pub fn consume(cluster: &mut Cluster, topic: &str) -> Vec<String> {
    let output = run(
        cluster,
        &format!("kafka-console-consumer.sh --topic {topic} --from-beginning\n"),
    );
    output.stdout().lines().map(str::to_string).collect()
}
