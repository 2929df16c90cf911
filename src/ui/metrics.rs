//! The metrics panel's sampler: Kafka's metrics, by their own names, sampled once per simulated
//! second into a bounded ring — read from the cluster's state and from the events the store
//! drains, never from the wall clock, and never per record.
//!
//! Meanings follow Kafka's docs (ops.html, "Monitoring":
//! <https://kafka.apache.org/documentation/#monitoring>; the consumer's generated metrics table,
//! `consumer_metrics.html`). The playground is one cluster, so the broker metrics are summed over brokers, as a
//! dashboard of the whole cluster sums them:
//! - `UnderReplicatedPartitions` (`kafka.server:type=ReplicaManager`): partitions whose ISR is
//!   smaller than their replica list, counted on the leader.
//! - `OfflinePartitionsCount` (`kafka.controller:type=KafkaController`): partitions without a
//!   leader.
//! - `ActiveControllerCount` (`kafka.controller:type=KafkaController`): 1 on the active
//!   controller; the cluster's sum must be 1.
//! - `IsrShrinksPerSec` / `IsrExpandsPerSec` (`kafka.server:type=ReplicaManager`): ISR changes
//!   that remove / add a replica, counted from the controller's `IsrChanged` events in the
//!   second they happened.
//! - `MessagesInPerSec` / `BytesInPerSec` (`kafka.server:type=BrokerTopicMetrics`): what the
//!   leaders appended, all topics (internal ones too, as Kafka's all-topics meter counts the
//!   coordinators' appends). Read as the growth of each leader's log end offset and size between
//!   two samples; when one action moves time by several seconds the growth is spread evenly over
//!   them, and a log that shrank (retention, truncation) adds nothing.
//! - `records-lag-max` (`kafka.consumer:type=consumer-fetch-manager-metrics`): the largest lag,
//!   in records, of any partition a background consumer reads — from its position, not its
//!   commit, as Kafka's note says.
//! - `rebalance-rate-per-hour` (`kafka.consumer:type=consumer-coordinator-metrics`): rebalances
//!   (a classic generation or a KIP-848 group epoch moving on) in the last 60 simulated seconds,
//!   as a rate per hour.
//!
//! Cost: a sample reads each partition's leader log once (two integers) and each group's
//! overview; between samples (most animation frames at 1x) only the events are bucketed.

use crate::engine::event::{Event, EventKind};
use crate::engine::Cluster;
use crate::ui::replica_view::partition_health;
use std::collections::{BTreeMap, VecDeque};

/// How many one-second samples the ring keeps (two simulated minutes).
pub const CAPACITY: usize = 120;

/// The window `rebalance-rate-per-hour` counts over, in seconds.
const REBALANCE_WINDOW_SECS: usize = 60;

/// One of the sampled metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    UnderReplicatedPartitions,
    OfflinePartitionsCount,
    ActiveControllerCount,
    IsrShrinksPerSec,
    IsrExpandsPerSec,
    MessagesInPerSec,
    BytesInPerSec,
    RecordsLagMax,
    RebalanceRatePerHour,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::UnderReplicatedPartitions,
        Metric::OfflinePartitionsCount,
        Metric::ActiveControllerCount,
        Metric::IsrShrinksPerSec,
        Metric::IsrExpandsPerSec,
        Metric::MessagesInPerSec,
        Metric::BytesInPerSec,
        Metric::RecordsLagMax,
        Metric::RebalanceRatePerHour,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// Kafka's name of the metric.
    pub fn name(self) -> &'static str {
        match self {
            Metric::UnderReplicatedPartitions => "UnderReplicatedPartitions",
            Metric::OfflinePartitionsCount => "OfflinePartitionsCount",
            Metric::ActiveControllerCount => "ActiveControllerCount",
            Metric::IsrShrinksPerSec => "IsrShrinksPerSec",
            Metric::IsrExpandsPerSec => "IsrExpandsPerSec",
            Metric::MessagesInPerSec => "MessagesInPerSec",
            Metric::BytesInPerSec => "BytesInPerSec",
            Metric::RecordsLagMax => "records-lag-max",
            Metric::RebalanceRatePerHour => "rebalance-rate-per-hour",
        }
    }

    /// The MBean Kafka registers it under.
    pub fn mbean(self) -> &'static str {
        match self {
            Metric::UnderReplicatedPartitions => {
                "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"
            }
            Metric::OfflinePartitionsCount => {
                "kafka.controller:type=KafkaController,name=OfflinePartitionsCount"
            }
            Metric::ActiveControllerCount => {
                "kafka.controller:type=KafkaController,name=ActiveControllerCount"
            }
            Metric::IsrShrinksPerSec => "kafka.server:type=ReplicaManager,name=IsrShrinksPerSec",
            Metric::IsrExpandsPerSec => "kafka.server:type=ReplicaManager,name=IsrExpandsPerSec",
            Metric::MessagesInPerSec => {
                "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec"
            }
            Metric::BytesInPerSec => "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec",
            Metric::RecordsLagMax => {
                "kafka.consumer:type=consumer-fetch-manager-metrics,client-id={client-id}"
            }
            Metric::RebalanceRatePerHour => {
                "kafka.consumer:type=consumer-coordinator-metrics,client-id={client-id}"
            }
        }
    }

    /// The unit printed after the value.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::UnderReplicatedPartitions | Metric::OfflinePartitionsCount => "partitions",
            Metric::ActiveControllerCount => "controllers",
            Metric::IsrShrinksPerSec | Metric::IsrExpandsPerSec => "/s",
            Metric::MessagesInPerSec => "msg/s",
            Metric::BytesInPerSec => "B/s",
            Metric::RecordsLagMax => "records",
            Metric::RebalanceRatePerHour => "/h",
        }
    }

    /// What it means, in the words of Kafka's docs.
    pub fn meaning(self) -> &'static str {
        match self {
            Metric::UnderReplicatedPartitions => "# of under replicated partitions (|ISR| < |all replicas|); normal value 0",
            Metric::OfflinePartitionsCount => "# of partitions that don't have an active leader and are hence not writable or readable; normal value 0",
            Metric::ActiveControllerCount => "Is controller active on broker; only one broker in the cluster should have 1",
            Metric::IsrShrinksPerSec => "If a broker goes down, ISR for some of the partitions will shrink; normal value 0",
            Metric::IsrExpandsPerSec => "When a broker is brought up after a failure, it starts catching up by reading from the leader; once it is caught up, it gets added back to the ISR",
            Metric::MessagesInPerSec => "Message in rate (all topics)",
            Metric::BytesInPerSec => "Byte in rate from clients (all topics)",
            Metric::RecordsLagMax => "The maximum lag in terms of number of records for any partition in this window (based on the current position, not the committed offset)",
            Metric::RebalanceRatePerHour => "The number of rebalance events per hour",
        }
    }
}

/// The values of every metric at one simulated second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Sim time in whole seconds (ms / 1000) of the second this sample closes.
    pub second: i64,
    pub values: [i64; 9],
}

impl Sample {
    pub fn get(&self, metric: Metric) -> i64 {
        self.values[metric.index()]
    }
}

/// ISR changes counted in one second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    shrinks: i64,
    expands: i64,
}

/// The ring of samples and what the next sample compares with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsHistory {
    samples: VecDeque<Sample>,
    /// The last second sampled; `None` before the first look (which only takes a baseline).
    last_second: Option<i64>,
    /// ISR changes by the second they happened in, not yet sampled.
    pending: BTreeMap<i64, Counts>,
    /// Per partition: the leader log's end offset and size at the last sample.
    logs: BTreeMap<(String, i32), (i64, i64)>,
    /// Per group: the generation or group epoch at the last sample.
    epochs: BTreeMap<String, i32>,
    /// Rebalances per sampled second, for the last [`REBALANCE_WINDOW_SECS`].
    rebalances: VecDeque<i64>,
}

/// Spreads `total` over `n` parts that add up to it exactly.
fn share(total: i64, i: i64, n: i64) -> i64 {
    total * (i + 1) / n - total * i / n
}

impl MetricsHistory {
    /// The samples, oldest first.
    pub fn samples(&self) -> impl DoubleEndedIterator<Item = &Sample> + ExactSizeIterator {
        self.samples.iter()
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.samples.back()
    }

    /// Whether [`observe`](Self::observe) would change anything: an ISR change to bucket, a
    /// simulated second completed, or the first look. The store asks first, so most animation
    /// frames do not copy the history.
    pub fn wants(&self, now_ms: i64, events: &[Event]) -> bool {
        let done = now_ms.div_euclid(1000) - 1;
        self.last_second.is_none_or(|last| done > last)
            || events
                .iter()
                .any(|e| matches!(e.kind, EventKind::IsrChanged { .. }))
    }

    /// Looks at the cluster after an action, with the events it drained: buckets the events and,
    /// for every simulated second completed since the last look, adds a sample.
    pub fn observe(&mut self, cluster: &Cluster, events: &[Event]) {
        for event in events {
            if let EventKind::IsrChanged {
                old_isr, new_isr, ..
            } = &event.kind
            {
                let counts = self
                    .pending
                    .entry(event.at_ms.div_euclid(1000))
                    .or_default();
                if new_isr.len() < old_isr.len() {
                    counts.shrinks += 1;
                } else if new_isr.len() > old_isr.len() {
                    counts.expands += 1;
                }
            }
        }
        // The second `s` is complete once the clock has reached `s + 1` seconds.
        let done = cluster.now().as_millis().div_euclid(1000) - 1;
        let Some(last) = self.last_second else {
            self.take_baseline(cluster);
            self.last_second = Some(done);
            self.pending.retain(|&s, _| s > done);
            return;
        };
        if done <= last {
            return;
        }
        self.sample(cluster, last, done);
    }

    fn take_baseline(&mut self, cluster: &Cluster) {
        self.read_logs(cluster);
        self.read_groups(cluster);
    }

    /// Samples the seconds `last+1 ..= done` (only the last [`CAPACITY`] of them are kept).
    fn sample(&mut self, cluster: &Cluster, last: i64, done: i64) {
        let (messages, bytes) = self.read_logs(cluster);
        let (rebalances, lag_max) = self.read_groups(cluster);
        let health = partition_health(cluster);
        let gauges = [
            health.under_replicated.len() as i64,
            health.offline.len() as i64,
            i64::from(cluster.active_controller().is_some()),
        ];
        let span = done - last;
        let first = (done - CAPACITY as i64 + 1).max(last + 1);
        for second in first..=done {
            let i = second - last - 1;
            let counts = self.pending.remove(&second).unwrap_or_default();
            let rebalanced = share(rebalances, i, span);
            self.rebalances.push_back(rebalanced);
            if self.rebalances.len() > REBALANCE_WINDOW_SECS {
                self.rebalances.pop_front();
            }
            let per_hour =
                self.rebalances.iter().sum::<i64>() * 3600 / REBALANCE_WINDOW_SECS as i64;
            let values = [
                gauges[0],
                gauges[1],
                gauges[2],
                counts.shrinks,
                counts.expands,
                share(messages, i, span),
                share(bytes, i, span),
                lag_max,
                per_hour,
            ];
            if self.samples.len() == CAPACITY {
                self.samples.pop_front();
            }
            self.samples.push_back(Sample { second, values });
        }
        self.pending.retain(|&s, _| s > done);
        self.last_second = Some(done);
    }

    /// Reads every leader log's end offset and size; returns the messages and bytes appended
    /// since the last read.
    fn read_logs(&mut self, cluster: &Cluster) -> (i64, i64) {
        let (mut messages, mut bytes) = (0, 0);
        let mut logs = BTreeMap::new();
        for topic in cluster.topics() {
            for p in &topic.partitions {
                let Some(log) = p
                    .leader
                    .and_then(|l| cluster.broker(l))
                    .and_then(|b| b.log(&topic.name, p.partition))
                else {
                    continue;
                };
                let now = (log.log_end_offset(), log.size_in_bytes());
                let key = (topic.name.clone(), p.partition);
                let (old_end, old_size) = self.logs.get(&key).copied().unwrap_or((0, 0));
                if now.0 > old_end {
                    messages += now.0 - old_end;
                    bytes += (now.1 - old_size).max(0);
                }
                logs.insert(key, now);
            }
        }
        self.logs = logs;
        (messages, bytes)
    }

    /// Reads every group's epoch and lag; returns the rebalances since the last read and the
    /// largest position lag of any partition a background consumer holds.
    fn read_groups(&mut self, cluster: &Cluster) -> (i64, i64) {
        let mut rebalances = 0;
        let mut lag_max = 0;
        let mut epochs = BTreeMap::new();
        for group in cluster.group_overviews() {
            let epoch = group.generation_id.or(group.group_epoch).unwrap_or(0);
            let old = self.epochs.get(&group.group_id).copied().unwrap_or(0);
            rebalances += i64::from((epoch - old).max(0));
            epochs.insert(group.group_id.clone(), epoch);
            for p in &group.partitions {
                if let (Some(position), Some(end)) = (p.position, p.log_end_offset) {
                    lag_max = lag_max.max(end - position);
                }
            }
        }
        self.epochs = epochs;
        (rebalances, lag_max)
    }
}
