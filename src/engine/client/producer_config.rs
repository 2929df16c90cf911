//! The producer's configs (`ProducerConfig` as far as the model obeys it), with Kafka 4.1's
//! defaults and `ConfigDef`'s messages for bad values; split from `producer.rs`.

use super::metadata_cache::DEFAULT_METADATA_MAX_AGE_MS;
use std::collections::BTreeMap;

/// `acks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acks {
    Zero,
    One,
    All,
}

/// The producer configs the model obeys, with Kafka 4.1's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    pub client_id: String,
    pub acks: Acks,
    pub linger_ms: i64,
    pub batch_size: i32,
    pub enable_idempotence: bool,
    pub max_request_size: i32,
    pub partitioner_ignore_keys: bool,
    /// `request.timeout.ms`: how long a Produce may wait for its answer.
    pub request_timeout_ms: i64,
    /// `delivery.timeout.ms`: how long a record may take in all, retries included.
    pub delivery_timeout_ms: i64,
    /// `retry.backoff.ms` and `retry.backoff.max.ms` (KIP-580's exponential backoff).
    pub retry_backoff_ms: i64,
    pub retry_backoff_max_ms: i64,
    /// `metadata.max.age.ms`: how old the metadata cache may get before a refresh.
    pub metadata_max_age_ms: i64,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            client_id: "producer-1".to_string(),
            acks: Acks::All,
            linger_ms: 5,
            batch_size: 16384,
            enable_idempotence: true,
            max_request_size: 1024 * 1024,
            partitioner_ignore_keys: false,
            request_timeout_ms: 30_000,
            delivery_timeout_ms: 120_000,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            metadata_max_age_ms: DEFAULT_METADATA_MAX_AGE_MS,
        }
    }
}

fn invalid(name: &str, value: &str, reason: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {reason}")
}

impl ProducerConfig {
    /// Applies `--producer-property` style settings, with `ConfigDef`'s messages.
    pub fn apply(&mut self, props: &BTreeMap<String, String>) -> Result<(), String> {
        let number = |name: &str, value: &str| -> Result<i64, String> {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| invalid(name, value, "Not a number of type LONG"))
        };
        let mut idempotence_set = None;
        for (name, value) in props {
            match name.as_str() {
                "acks" => {
                    self.acks = match value.trim() {
                        "all" | "-1" => Acks::All,
                        "1" => Acks::One,
                        "0" => Acks::Zero,
                        _ => {
                            return Err(invalid(
                                name,
                                value,
                                "String must be one of: all, -1, 0, 1",
                            ))
                        }
                    }
                }
                "linger.ms" => self.linger_ms = number(name, value)?.max(0),
                "batch.size" => {
                    self.batch_size = i32::try_from(number(name, value)?.max(0))
                        .map_err(|_| invalid(name, value, "Not a number of type INT"))?
                }
                "max.request.size" => {
                    self.max_request_size = i32::try_from(number(name, value)?.max(0))
                        .map_err(|_| invalid(name, value, "Not a number of type INT"))?
                }
                "enable.idempotence" => idempotence_set = Some(parse_bool(name, value)?),
                "partitioner.ignore.keys" => {
                    self.partitioner_ignore_keys = parse_bool(name, value)?
                }
                "client.id" => self.client_id = value.clone(),
                "request.timeout.ms" => self.request_timeout_ms = number(name, value)?.max(0),
                "delivery.timeout.ms" => self.delivery_timeout_ms = number(name, value)?.max(0),
                "retry.backoff.ms" => self.retry_backoff_ms = number(name, value)?.max(0),
                "retry.backoff.max.ms" => self.retry_backoff_max_ms = number(name, value)?.max(0),
                "metadata.max.age.ms" => self.metadata_max_age_ms = number(name, value)?.max(0),
                _ => {}
            }
        }
        match idempotence_set {
            // ProducerConfig.postProcessAndValidateIdempotenceConfigs
            Some(true) if self.acks != Acks::All => {
                return Err("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.".to_string())
            }
            Some(enabled) => self.enable_idempotence = enabled,
            // Idempotence is on by default, but quietly off when acks is not all.
            None => self.enable_idempotence = self.acks == Acks::All,
        }
        Ok(())
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(
            name,
            value,
            "Expected value to be either true or false",
        )),
    }
}
