//! Consumer-group benchmarks (issue #7), shared by `benches/log_bench.rs` and the browser tests:
//!
//! - **Consume through the group path**: one consumer in a group (FindCoordinator, JoinGroup,
//!   SyncGroup, OffsetFetch, then polls with `max.poll.records=500` and auto-commits) reading
//!   every record of a 12-partition RF=3 topic, records per wall second.
//! - **A rebalance through the coordinator**: 100 consumers in one group over 1 000 partitions
//!   (10 topics of 100), each assignor; one member leaves and the 99 others rejoin, the leader
//!   assigns and everyone syncs — the wall time of that whole rebalance (the simulated time it
//!   takes is the heartbeat interval, reported beside it).

use super::Measurement;
use crate::cli::run_script;
use crate::engine::client::consumer::{
    AutoOffsetReset, Consumer, ConsumerConfig, ConsumerEvent, GroupProtocol,
};
use crate::engine::client::producer::{Producer, ProducerConfig, ProducerRecord};
use crate::engine::group::assignor::ClientAssignor;
use crate::engine::{Cluster, ClusterOptions};

fn cluster_with(script: &str) -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        ..ClusterOptions::default()
    });
    let out = run_script(&mut cluster, script);
    assert!(!out.failed, "{}", out.stderr());
    cluster
}

/// How a benchmark group rebalances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupMode {
    /// The classic protocol with this client-side assignor (eager or, for cooperative-sticky,
    /// cooperative).
    Classic(ClientAssignor),
    /// KIP-848's consumer protocol with the broker's `uniform` assignor.
    Kip848Uniform,
}

impl GroupMode {
    pub const ALL: [GroupMode; 5] = [
        GroupMode::Classic(ClientAssignor::Range),
        GroupMode::Classic(ClientAssignor::RoundRobin),
        GroupMode::Classic(ClientAssignor::Sticky),
        GroupMode::Classic(ClientAssignor::CooperativeSticky),
        GroupMode::Kip848Uniform,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupMode::Classic(assignor) => assignor.name(),
            GroupMode::Kip848Uniform => "uniform (KIP-848)",
        }
    }
}

fn group_config(client_id: String, mode: GroupMode) -> ConsumerConfig {
    let mut config = ConsumerConfig {
        client_id,
        group_id: Some("bench".to_string()),
        auto_offset_reset: AutoOffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    match mode {
        GroupMode::Classic(assignor) => config.assignors = vec![assignor],
        GroupMode::Kip848Uniform => config.group_protocol = GroupProtocol::Consumer,
    }
    config
}

/// Polls `consumer` until it has read `records`, moving simulated time as it waits.
fn consume_all(cluster: &mut Cluster, consumer: &mut Consumer, records: u64) -> u64 {
    let mut read = 0;
    let mut idle = 0;
    while read < records && idle < 10_000 {
        match consumer.poll(cluster) {
            Ok(batch) if !batch.is_empty() => {
                read += batch.len() as u64;
                idle = 0;
            }
            _ => {
                idle += 1;
                cluster.advance_time(10);
            }
        }
    }
    read
}

/// One consumer of group `bench` reading `records` 100-byte records from 12 partitions.
pub fn group_consume(records: u64, now: &mut dyn FnMut() -> f64) -> Measurement {
    let mut cluster = cluster_with(
        "kafka-topics.sh --create --topic load --partitions 12 --replication-factor 3\n",
    );
    let mut producer = Producer::new(&mut cluster, ProducerConfig::default());
    for i in 0..records {
        producer.send(
            &mut cluster,
            ProducerRecord {
                topic: "load".to_string(),
                key: Some(format!("k{i}").into_bytes()),
                value: Some(vec![b'v'; 100]),
                ..ProducerRecord::default()
            },
        );
    }
    producer.close(&mut cluster);
    let start = now();
    let config = group_config(
        "bench-consumer".to_string(),
        GroupMode::Classic(ClientAssignor::Range),
    );
    let mut consumer = Consumer::new(&cluster, config, vec!["load".to_string()]);
    let read = consume_all(&mut cluster, &mut consumer, records);
    Measurement {
        name: "consume through a group (1 member, 12 partitions, RF=3)".to_string(),
        records: read,
        bytes: read * 100,
        millis: now() - start,
    }
}

/// One rebalance of a 100-member group over 1 000 partitions with `assignor`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRebalance {
    pub assignor: &'static str,
    pub members: usize,
    pub partitions: usize,
    /// Wall milliseconds for the rebalance after one member left.
    pub millis: f64,
    /// Simulated milliseconds it took.
    pub sim_millis: i64,
}

impl GroupRebalance {
    /// `| assignor | members | partitions | wall ms | simulated ms |`
    pub fn row(&self) -> String {
        format!(
            "| {} | {} | {} | {:.1} | {} |",
            self.assignor, self.members, self.partitions, self.millis, self.sim_millis
        )
    }
}

pub const REBALANCE_HEADER: &str = "| assignor | members | partitions | wall ms (one member leaves, the rest rejoin and sync) | simulated ms |\n|---|---|---|---|---|";

/// The generation (classic) or member epoch (KIP-848) a consumer is at.
fn generation_of(consumer: &Consumer) -> i32 {
    consumer.membership.as_ref().map_or(-1, |m| m.generation_id)
}

/// Steps every consumer once; true when all are stable with their assignment.
fn poll_all(cluster: &mut Cluster, consumers: &mut [Consumer]) -> bool {
    let mut stable = true;
    for consumer in consumers.iter_mut() {
        let _ = consumer.poll(cluster);
        stable &= consumer.is_member() && !consumer.is_settling();
    }
    stable
}

/// Drives `consumers` until they and their group are stable (at most `limit_ms` of simulated
/// time): a KIP-848 member has an epoch as soon as it joins, so the group's state decides.
fn settle(cluster: &mut Cluster, consumers: &mut [Consumer], limit_ms: i64) {
    let deadline = cluster.now().as_millis() + limit_ms;
    while cluster.now().as_millis() < deadline {
        if poll_all(cluster, consumers) && group_is_stable(cluster) {
            return;
        }
        cluster.advance_time(10);
    }
}

/// `members` consumers of `topics` in group `bench`, driven until the group is stable.
fn formed_group(
    cluster: &mut Cluster,
    members: usize,
    mode: GroupMode,
    topics: &[String],
) -> Vec<Consumer> {
    let mut consumers: Vec<Consumer> = (0..members)
        .map(|i| {
            Consumer::new(
                cluster,
                group_config(format!("c{i}"), mode),
                topics.to_vec(),
            )
        })
        .collect();
    settle(cluster, &mut consumers, 600_000);
    consumers
}

fn group_is_stable(cluster: &mut Cluster) -> bool {
    cluster
        .describe_group("bench")
        .is_ok_and(|g| g.state == crate::engine::group::describe::GroupState::Stable)
}

/// 100 members over 10 topics of 100 partitions with `assignor`: the group forms, then one
/// member leaves and the rest go through a whole rebalance, which is timed.
pub fn group_rebalance(mode: GroupMode, now: &mut dyn FnMut() -> f64) -> GroupRebalance {
    let topics: Vec<String> = (0..10).map(|t| format!("topic{t}")).collect();
    let script: String = topics
        .iter()
        .map(|t| {
            format!(
                "kafka-topics.sh --create --topic {t} --partitions 100 --replication-factor 1\n"
            )
        })
        .collect();
    let mut cluster = cluster_with(&script);
    let mut consumers = formed_group(&mut cluster, 100, mode, &topics);
    let generation_before = generation_of(&consumers[1]);
    let mut leaving = consumers.remove(0);
    leaving.close(&mut cluster);
    let sim_start = cluster.now().as_millis();
    let start = now();
    // The rest hear of the rebalance from their next heartbeat, rejoin, and sync.
    let deadline = sim_start + 600_000;
    loop {
        for consumer in consumers.iter_mut() {
            consumer.background(&mut cluster);
        }
        let generations: std::collections::BTreeSet<i32> =
            consumers.iter().map(generation_of).collect();
        let moved_on = generations.len() == 1 && !generations.contains(&generation_before);
        if poll_all(&mut cluster, &mut consumers) && moved_on
            || cluster.now().as_millis() >= deadline
        {
            break;
        }
        cluster.advance_time(10);
    }
    GroupRebalance {
        assignor: mode.name(),
        members: consumers.len() + 1,
        partitions: 1000,
        millis: now() - start,
        sim_millis: cluster.now().as_millis() - sim_start,
    }
}

/// Partition-milliseconds without an owner while an eleventh member joins ten over 100
/// partitions, over 30 s of simulated time, from the members' Assigned/Revoked/Lost events.
/// Each member works on what it polled for a second before it polls again (each at its own
/// phase), as a real application does; its heartbeats go on meanwhile. An eager member can only
/// rejoin at its next poll, and everyone waits for the last one.
pub fn scale_out_unowned_ms(mode: GroupMode) -> i64 {
    let mut cluster = cluster_with(
        "kafka-topics.sh --create --topic load --partitions 100 --replication-factor 1\n",
    );
    let topics = vec!["load".to_string()];
    let mut consumers = formed_group(&mut cluster, 10, mode, &topics);
    let from = cluster.now().as_millis();
    consumers.push(Consumer::new(
        &cluster,
        group_config("c10".to_string(), mode),
        topics,
    ));
    let to = from + 30_000;
    while cluster.now().as_millis() < to {
        let now = cluster.now().as_millis();
        for (i, consumer) in consumers.iter_mut().enumerate() {
            consumer.background(&mut cluster);
            // Each polls once a second, member i at i × 97 ms into the second.
            if (now - from) % 1_000 == (i as i64 * 97) % 1_000 {
                let _ = consumer.poll(&mut cluster);
            }
        }
        cluster.advance_time(1);
    }
    let mut owned_ms = 0;
    for consumer in &consumers {
        let mut since: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
        for (at, event) in &consumer.events {
            match event {
                ConsumerEvent::Assigned(ps) => {
                    for p in ps {
                        since.insert(p.partition, (*at).max(from));
                    }
                }
                ConsumerEvent::Revoked(ps) | ConsumerEvent::Lost(ps) => {
                    for p in ps {
                        if let Some(start) = since.remove(&p.partition) {
                            owned_ms += (*at).clamp(from, to) - start.min(to);
                        }
                    }
                }
                _ => {}
            }
        }
        owned_ms += since.values().map(|&start| to - start.min(to)).sum::<i64>();
    }
    100 * (to - from) - owned_ms
}

pub const UNOWNED_HEADER: &str = "| mode | partition-ms without an owner while an 11th member joins 10 (100 partitions, 30 s, each member polling once a second) |\n|---|---|";
