//! Consumers that run on their own while simulated time passes (`consumer start NAME …`): a
//! [`Consumer`] polled in a loop, each record taking `1/rate` seconds to process (so a slow
//! consumer builds lag, and one slower than `max.poll.interval.ms` allows is dropped from its
//! group), with its heartbeat thread running meanwhile. `consumer stop` closes it (commit, then
//! LeaveGroup); `consumer kill` drops it without a word, as a crashed process does.

use super::consumer::{Consumer, ConsumerConfig, GroupProtocol};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::group::assignor::TopicPartition;
use crate::engine::scheduler::Task;
use std::collections::BTreeMap;

/// While a rebalance or a request is in progress, the consumer looks again this often.
const SETTLING_POLL_MS: i64 = 10;

/// What `consumer start` asks for.
#[derive(Debug, Clone)]
pub struct BackgroundConsumerSpec {
    pub name: String,
    pub topics: Vec<String>,
    /// `--include REGEX`: subscribe to the topics matching it instead (`subscribe(Pattern)`).
    pub pattern: Option<regex_lite::Regex>,
    /// Records processed per simulated second; 0 for as fast as they come.
    pub rate_per_sec: u32,
    pub config: ConsumerConfig,
}

/// A running background consumer.
#[derive(Debug, Clone)]
pub struct BackgroundConsumer {
    pub spec: BackgroundConsumerSpec,
    pub consumer: Consumer,
    /// Records consumed so far.
    pub consumed: u64,
    /// The offsets it was handed, per partition, as ranges `[start, end)` in the order read.
    pub delivered: BTreeMap<TopicPartition, Vec<(i64, i64)>>,
    pub last_error: Option<ApiError>,
    /// Processing the last poll's records until then.
    busy_until_ms: i64,
}

impl BackgroundConsumer {
    fn record_delivery(&mut self, tp: &TopicPartition, offset: i64) {
        let ranges = self.delivered.entry(tp.clone()).or_default();
        match ranges.last_mut() {
            Some((_, end)) if *end == offset => *end += 1,
            _ => ranges.push((offset, offset + 1)),
        }
    }
}

impl Cluster {
    /// `consumer start`: a consumer of `spec.topics` in its group, polling from now on.
    pub fn start_consumer(&mut self, spec: BackgroundConsumerSpec) -> Result<(), ApiError> {
        if self.background_consumers.contains_key(&spec.name) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("A consumer named {} is already running.", spec.name),
            ));
        }
        let consumer = match &spec.pattern {
            // A KIP-848 consumer leaves the matching to the broker (`SubscriptionPattern`).
            Some(pattern) if spec.config.group_protocol == GroupProtocol::Consumer => {
                Consumer::with_subscription_pattern(
                    self,
                    spec.config.clone(),
                    &pattern_source(pattern),
                )
            }
            Some(pattern) => Consumer::with_pattern(self, spec.config.clone(), pattern.clone()),
            None => Consumer::new(self, spec.config.clone(), spec.topics.clone()),
        };
        let name = spec.name.clone();
        let background = BackgroundConsumer {
            spec,
            consumer,
            consumed: 0,
            delivered: BTreeMap::new(),
            last_error: None,
            busy_until_ms: 0,
        };
        self.background_consumers.insert(name.clone(), background);
        self.schedule_in(0, Task::ConsumerTick { name });
        Ok(())
    }

    /// `consumer stop`: closes the consumer (it commits what it consumed and leaves its group).
    pub fn stop_consumer(&mut self, name: &str) -> Result<BackgroundConsumer, ApiError> {
        let mut background = self.take_background_consumer(name)?;
        background.consumer.close(self);
        Ok(background)
    }

    /// `consumer kill`: the consumer's process dies; its group finds out when its session
    /// times out.
    pub fn kill_consumer(&mut self, name: &str) -> Result<BackgroundConsumer, ApiError> {
        self.take_background_consumer(name)
    }

    fn take_background_consumer(&mut self, name: &str) -> Result<BackgroundConsumer, ApiError> {
        self.background_consumers.remove(name).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("No consumer named {name} is running."),
            )
        })
    }

    /// The consumers running on their own, by name.
    pub fn background_consumers(&self) -> &BTreeMap<String, BackgroundConsumer> {
        &self.background_consumers
    }

    /// One wake of a background consumer: its heartbeat thread, then a poll unless it is still
    /// processing the last one's records.
    pub(crate) fn run_consumer_tick(&mut self, name: &str) {
        let Some(mut background) = self.background_consumers.remove(name) else {
            return;
        };
        let now = self.now().as_millis();
        background.consumer.background(self);
        let mut next = now + background.consumer.config.fetch_max_wait_ms;
        if now >= background.busy_until_ms {
            match background.consumer.poll(self) {
                Ok(records) => {
                    for record in &records {
                        let tp = TopicPartition::new(record.topic.clone(), record.partition);
                        background.record_delivery(&tp, record.offset);
                    }
                    background.consumed += records.len() as u64;
                    if background.spec.rate_per_sec > 0 && !records.is_empty() {
                        let ms =
                            records.len() as i64 * 1000 / i64::from(background.spec.rate_per_sec);
                        background.busy_until_ms = now + ms.max(1);
                        next = background.busy_until_ms;
                    } else if !records.is_empty() {
                        next = now + 1;
                    }
                }
                Err(error) => background.last_error = Some(error),
            }
        } else {
            next = background.busy_until_ms;
        }
        if background.consumer.is_settling() {
            next = next.min(now + SETTLING_POLL_MS);
        }
        if let Some(wake) = background.consumer.next_wakeup() {
            next = next.min(wake.max(now + 1));
        }
        self.background_consumers
            .insert(name.to_string(), background);
        self.scheduler_mut().schedule(
            next.max(now + 1),
            Task::ConsumerTick {
                name: name.to_string(),
            },
        );
    }
}

/// The expression `consumer start --include` was given (the spec holds it anchored).
pub fn pattern_source(pattern: &regex_lite::Regex) -> String {
    let anchored = pattern.as_str();
    anchored
        .strip_prefix("^(?:")
        .and_then(|r| r.strip_suffix(")$"))
        .unwrap_or(anchored)
        .to_string()
}
