//! Consumer groups (issue #7), each scenario citing the Kafka doc or KIP it checks: joining,
//! leaving, crashing and slow members and the eager rebalances they cause, committed offsets in
//! `__consumer_offsets`, the coordinator failing over.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../support/mod.rs"]
mod support;

mod kip848;
mod migration;
mod overview;
mod partitions;
mod scenarios;
mod sweep;

use kafka_playground::engine::client::background_consumer::BackgroundConsumerSpec;
use kafka_playground::engine::client::consumer::ConsumerConfig;
use kafka_playground::engine::group::assignor::TopicPartition;
use kafka_playground::engine::{Cluster, ClusterOptions};

/// A cluster of `brokers` nodes (seed 0, default start time).
pub fn cluster_of(brokers: i32) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        ..ClusterOptions::default()
    })
}

/// Starts background consumer `name` in `group` on `topic`, reading from the earliest offset.
pub fn start(cluster: &mut Cluster, name: &str, group: &str, topic: &str) {
    let config = ConsumerConfig {
        client_id: name.to_string(),
        group_id: Some(group.to_string()),
        auto_offset_reset: kafka_playground::engine::client::consumer::AutoOffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    cluster
        .start_consumer(BackgroundConsumerSpec {
            name: name.to_string(),
            topics: vec![topic.to_string()],
            pattern: None,
            rate_per_sec: 0,
            config,
        })
        .expect("start consumer");
}

/// The partitions consumer `name` owns now, as `topic-p` strings.
pub fn owned(cluster: &Cluster, name: &str) -> Vec<String> {
    cluster.background_consumers()[name]
        .consumer
        .assignment
        .iter()
        .map(TopicPartition::to_string)
        .collect()
}
