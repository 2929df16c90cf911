//! The consumer configs the model obeys, with Kafka 4.1's defaults (`ConsumerConfig`).

use crate::engine::group::assignor::ClientAssignor;
use std::collections::BTreeMap;

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoOffsetReset {
    Earliest,
    Latest,
    /// No reset: `NoOffsetForPartitionException`.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub client_id: String,
    /// `group.id`; `None` for a consumer that reads without a group (assign mode).
    pub group_id: Option<String>,
    /// `group.instance.id` (KIP-345).
    pub group_instance_id: Option<String>,
    pub session_timeout_ms: i32,
    pub heartbeat_interval_ms: i64,
    pub max_poll_interval_ms: i32,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: i64,
    pub auto_offset_reset: AutoOffsetReset,
    pub max_poll_records: usize,
    pub fetch_max_bytes: i32,
    /// `fetch.min.bytes`: a fetch waits (up to `fetch.max.wait.ms`) for this much.
    pub fetch_min_bytes: i32,
    pub max_partition_fetch_bytes: i32,
    pub fetch_max_wait_ms: i64,
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms`: the most the backoff grows to (KIP-580).
    pub retry_backoff_max_ms: i64,
    /// `metadata.max.age.ms`: how often a pattern subscription looks for new topics, and the
    /// metadata cache refreshes its leaders.
    pub metadata_max_age_ms: i64,
    /// `partition.assignment.strategy`, preferred first (classic protocol).
    pub assignors: Vec<ClientAssignor>,
    /// `group.protocol`: `classic` (Kafka 4.1's default) or `consumer` (KIP-848).
    pub group_protocol: super::GroupProtocol,
    /// `group.remote.assignor`: the server-side assignor a KIP-848 member asks for (`None`:
    /// the broker's default, `uniform`).
    pub remote_assignor: Option<String>,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            client_id: "consumer-1".to_string(),
            group_id: None,
            group_instance_id: None,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: AutoOffsetReset::Latest,
            max_poll_records: 500,
            fetch_max_bytes: 52_428_800,
            fetch_min_bytes: 1,
            max_partition_fetch_bytes: 1_048_576,
            fetch_max_wait_ms: 500,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            metadata_max_age_ms: 300_000,
            // Kafka 4's default: [RangeAssignor, CooperativeStickyAssignor].
            assignors: vec![ClientAssignor::Range, ClientAssignor::CooperativeSticky],
            group_protocol: super::GroupProtocol::Classic,
            remote_assignor: None,
        }
    }
}

fn invalid(name: &str, value: &str, reason: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {reason}")
}

impl ConsumerConfig {
    /// Applies `--consumer-property` style settings, with `ConfigDef`'s messages. Unknown
    /// names are ignored, as the Java client logs and ignores them.
    pub fn apply(&mut self, props: &BTreeMap<String, String>) -> Result<(), String> {
        let long = |name: &str, value: &str| -> Result<i64, String> {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| invalid(name, value, "Not a number of type LONG"))
        };
        let int = |name: &str, value: &str| -> Result<i32, String> {
            value
                .trim()
                .parse::<i32>()
                .map_err(|_| invalid(name, value, "Not a number of type INT"))
        };
        for (name, value) in props {
            match name.as_str() {
                "client.id" => self.client_id = value.clone(),
                "group.id" => self.group_id = Some(value.clone()),
                "group.instance.id" => self.group_instance_id = Some(value.clone()),
                "session.timeout.ms" => self.session_timeout_ms = int(name, value)?,
                "heartbeat.interval.ms" => self.heartbeat_interval_ms = long(name, value)?.max(1),
                "max.poll.interval.ms" => self.max_poll_interval_ms = int(name, value)?.max(1),
                "enable.auto.commit" => {
                    self.enable_auto_commit = match value.trim().to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(invalid(
                                name,
                                value,
                                "Expected value to be either true or false",
                            ))
                        }
                    }
                }
                "auto.commit.interval.ms" => {
                    self.auto_commit_interval_ms = long(name, value)?.max(0)
                }
                "auto.offset.reset" => {
                    self.auto_offset_reset = match value.trim() {
                        "earliest" => AutoOffsetReset::Earliest,
                        "latest" => AutoOffsetReset::Latest,
                        "none" => AutoOffsetReset::None,
                        _ => {
                            return Err(invalid(name, value, "Invalid value for auto.offset.reset"))
                        }
                    }
                }
                "max.poll.records" => {
                    let n = int(name, value)?;
                    if n < 1 {
                        return Err(invalid(name, value, "Value must be at least 1"));
                    }
                    self.max_poll_records = n as usize;
                }
                "fetch.max.bytes" => self.fetch_max_bytes = int(name, value)?.max(0),
                "fetch.min.bytes" => self.fetch_min_bytes = int(name, value)?.max(0),
                "max.partition.fetch.bytes" => {
                    self.max_partition_fetch_bytes = int(name, value)?.max(0)
                }
                "fetch.max.wait.ms" => self.fetch_max_wait_ms = long(name, value)?.max(0),
                "retry.backoff.ms" => self.retry_backoff_ms = long(name, value)?.max(0),
                "retry.backoff.max.ms" => self.retry_backoff_max_ms = long(name, value)?.max(0),
                "metadata.max.age.ms" => self.metadata_max_age_ms = long(name, value)?.max(0),
                "group.protocol" => {
                    self.group_protocol = match value.trim().to_ascii_lowercase().as_str() {
                        "classic" => super::GroupProtocol::Classic,
                        "consumer" => super::GroupProtocol::Consumer,
                        _ => {
                            return Err(invalid(
                                name,
                                value,
                                "String must be one of (case insensitive): CLASSIC, CONSUMER",
                            ))
                        }
                    }
                }
                "group.remote.assignor" => {
                    crate::engine::group::assignor::server::ServerAssignor::from_name(value.trim())
                        .map_err(|e| invalid(name, value, &e.to_string()))?;
                    self.remote_assignor = Some(value.trim().to_string());
                }
                "partition.assignment.strategy" => {
                    self.assignors = value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            ClientAssignor::from_name(s)
                                .map_err(|e| invalid(name, value, &e.to_string()))
                        })
                        .collect::<Result<_, _>>()?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}
