//! One broker's configuration: its layers, the values they resolve to, and dynamic updates.
//!
//! Kafka keeps a broker's config as text in layers, highest precedence first: dynamic for this
//! broker (`DYNAMIC_BROKER_CONFIG`), dynamic for all brokers (`DYNAMIC_DEFAULT_BROKER_CONFIG`),
//! `server.properties` (`STATIC_BROKER_CONFIG`), then the built-in default (`DEFAULT_CONFIG`).
//! [`BrokerConfigStore`] holds those texts (describe prints them as typed) and
//! [`BrokerConfigStore::resolve`] turns them into the typed [`BrokerConfigs`], including the log
//! defaults every topic inherits (`KafkaConfig.extractLogConfigMap`): `log.roll.hours` becomes
//! `segment.ms` in milliseconds, a negative retention becomes -1, and so on.

use super::broker_defs::{self, broker_config_def, OTHER_READ_ONLY};
use super::topic::TopicConfigs;
use super::topic_defs::{TopicConfigDef, RETENTION_MS, TOPIC_CONFIGS};
use super::value::{parse, Value};
use super::{segment_bytes_departure, ConfigError, ConfigSource, Strictness, Warning};
use crate::engine::error::ApiError;
use std::collections::BTreeMap;

/// Which dynamic layer an update targets (`kafka-configs.sh --entity-type brokers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BrokerScope {
    /// `--entity-default`: every broker of the cluster.
    ClusterDefault,
    /// `--entity-name N`: this broker only.
    Broker,
}

/// One broker's config layers, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerConfigStore {
    /// `server.properties`.
    pub static_configs: BTreeMap<String, String>,
    /// Dynamic configs set for every broker.
    pub dynamic_default: BTreeMap<String, String>,
    /// Dynamic configs set for this broker.
    pub dynamic_broker: BTreeMap<String, String>,
}

/// A broker's resolved configuration, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerConfigs {
    /// What a topic without overrides gets (`KafkaConfig.extractLogConfigMap`).
    pub log_defaults: TopicConfigs,
    /// `num.partitions`
    pub num_partitions: i32,
    /// `default.replication.factor`
    pub default_replication_factor: i32,
    /// `auto.create.topics.enable`
    pub auto_create_topics_enable: bool,
    /// `offsets.topic.num.partitions`
    pub offsets_topic_num_partitions: i32,
    /// `offsets.topic.replication.factor`
    pub offsets_topic_replication_factor: i16,
    /// `replica.lag.time.max.ms`
    pub replica_lag_time_max_ms: i64,
    /// `log.retention.check.interval.ms`
    pub log_retention_check_interval_ms: i64,
    /// `log.cleaner.backoff.ms`
    pub log_cleaner_backoff_ms: i64,
    /// `log.flush.scheduler.interval.ms`
    pub log_flush_scheduler_interval_ms: i64,
}

impl Default for BrokerConfigs {
    /// Kafka 4.1's defaults (the same as resolving an empty store).
    fn default() -> Self {
        BrokerConfigs {
            log_defaults: TopicConfigs::default(),
            num_partitions: 1,
            default_replication_factor: 1,
            auto_create_topics_enable: true,
            offsets_topic_num_partitions: 50,
            offsets_topic_replication_factor: 3,
            replica_lag_time_max_ms: 30_000,
            log_retention_check_interval_ms: 300_000,
            log_cleaner_backoff_ms: 15_000,
            log_flush_scheduler_interval_ms: i64::MAX,
        }
    }
}

impl BrokerConfigStore {
    /// A broker with an empty `server.properties`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A broker started with these `server.properties` entries. Values of known configs are
    /// checked as `KafkaConfig` would at startup; unknown names are kept (Kafka only logs them).
    pub fn with_static(
        strictness: Strictness,
        props: BTreeMap<String, String>,
    ) -> Result<(Self, Vec<Warning>), ConfigError> {
        let mut warnings = Vec::new();
        for (name, value) in &props {
            warnings.extend(validate_broker_config(strictness, name, value)?);
        }
        let store = BrokerConfigStore {
            static_configs: props,
            ..Self::default()
        };
        Ok((store, warnings))
    }

    /// The dynamic layer a scope writes to.
    pub fn layer(&self, scope: BrokerScope) -> &BTreeMap<String, String> {
        match scope {
            BrokerScope::ClusterDefault => &self.dynamic_default,
            BrokerScope::Broker => &self.dynamic_broker,
        }
    }

    /// The text that decides a broker config and where it comes from; `None` when no layer
    /// sets it and its default is `null` (or the name is unknown and unset).
    pub fn effective(&self, name: &str) -> Option<(&str, ConfigSource)> {
        let layers = [
            (&self.dynamic_broker, ConfigSource::DynamicBrokerConfig),
            (
                &self.dynamic_default,
                ConfigSource::DynamicDefaultBrokerConfig,
            ),
            (&self.static_configs, ConfigSource::StaticBrokerConfig),
        ];
        layers
            .into_iter()
            .find_map(|(map, source)| map.get(name).map(|v| (v.as_str(), source)))
            .or_else(|| {
                broker_config_def(name)
                    .and_then(|d| d.default)
                    .map(|d| (d, ConfigSource::DefaultConfig))
            })
    }

    /// The parsed value of a modelled broker config (`None` for a `null` or unknown one).
    pub fn value(&self, name: &str) -> Result<Option<Value>, ConfigError> {
        let Some(def) = broker_config_def(name) else {
            return Ok(None);
        };
        self.effective(name)
            .map(|(text, _)| parse(name, text, def.config_type))
            .transpose()
    }

    /// The value a topic config inherits from this broker: the first of its broker synonyms
    /// that is set, converted to the topic's unit (`KafkaConfig.logRetentionTimeMillis` and
    /// friends). Retention below zero means "forever" and becomes -1, as in Kafka.
    pub fn topic_default(&self, def: &TopicConfigDef) -> Result<Value, ConfigError> {
        for synonym in def.synonyms {
            if let Some(value) = self.value(synonym.name)? {
                let value = match value {
                    Value::Number(n) if synonym.factor != 1 => {
                        Value::Number(n.saturating_mul(synonym.factor))
                    }
                    other => other,
                };
                return Ok(match value {
                    Value::Number(n) if def.name == RETENTION_MS && n < 0 => Value::Number(-1),
                    other => other,
                });
            }
        }
        parse(def.name, def.default, def.config_type)
    }

    /// The typed configuration this broker runs with.
    pub fn resolve(&self) -> Result<BrokerConfigs, ConfigError> {
        let mut log_defaults = TopicConfigs::default();
        for def in &TOPIC_CONFIGS {
            log_defaults.set(def.name, &self.topic_default(def)?)?;
        }
        let number = |name: &str| -> Result<i64, ConfigError> {
            self.value(name)?
                .and_then(|v| v.as_number())
                .ok_or_else(|| ConfigError::invalid(name, "null", "Value must be non-null"))
        };
        let narrow = |name: &str| -> Result<i32, ConfigError> {
            let n = number(name)?;
            i32::try_from(n)
                .map_err(|_| ConfigError::invalid(name, n.to_string(), "Not a number of type INT"))
        };
        let short = number(broker_defs::OFFSETS_TOPIC_REPLICATION_FACTOR)?;
        Ok(BrokerConfigs {
            log_defaults,
            num_partitions: narrow(broker_defs::NUM_PARTITIONS)?,
            default_replication_factor: narrow(broker_defs::DEFAULT_REPLICATION_FACTOR)?,
            auto_create_topics_enable: matches!(
                self.value(broker_defs::AUTO_CREATE_TOPICS_ENABLE)?,
                Some(Value::Boolean(true))
            ),
            offsets_topic_num_partitions: narrow(broker_defs::OFFSETS_TOPIC_NUM_PARTITIONS)?,
            offsets_topic_replication_factor: i16::try_from(short).map_err(|_| {
                ConfigError::invalid(
                    broker_defs::OFFSETS_TOPIC_REPLICATION_FACTOR,
                    short.to_string(),
                    "Not a number of type SHORT",
                )
            })?,
            replica_lag_time_max_ms: number(broker_defs::REPLICA_LAG_TIME_MAX_MS)?,
            log_retention_check_interval_ms: number(broker_defs::LOG_RETENTION_CHECK_INTERVAL_MS)?,
            log_cleaner_backoff_ms: number(broker_defs::LOG_CLEANER_BACKOFF_MS)?,
            log_flush_scheduler_interval_ms: number(broker_defs::LOG_FLUSH_SCHEDULER_INTERVAL_MS)?,
        })
    }

    /// A dynamic update (`IncrementalAlterConfigs` on a broker resource): deletes, then sets,
    /// then the whole resulting layer is checked as `ConfigAdminManager` and
    /// `DynamicBrokerConfig.validateConfigs` check it. All or nothing; every refusal is
    /// `INVALID_REQUEST` with Kafka's message.
    pub fn alter(
        &mut self,
        scope: BrokerScope,
        strictness: Strictness,
        set: &BTreeMap<String, String>,
        delete: &[String],
    ) -> Result<Vec<Warning>, ApiError> {
        let mut next = self.layer(scope).clone();
        for name in delete {
            next.remove(name);
        }
        next.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
        let warnings =
            validate_broker_alter(strictness, &next).map_err(|e| e.broker_api_error())?;
        match scope {
            BrokerScope::ClusterDefault => self.dynamic_default = next,
            BrokerScope::Broker => self.dynamic_broker = next,
        }
        Ok(warnings)
    }
}

/// Checks one broker config value: its type, its validator and the playground's segment-size
/// rule. Unknown names pass, as `KafkaConfig` lets them through.
pub fn validate_broker_config(
    strictness: Strictness,
    name: &str,
    value: &str,
) -> Result<Option<Warning>, ConfigError> {
    let Some(def) = broker_config_def(name) else {
        return Ok(None);
    };
    let parsed = parse(name, value, def.config_type)?;
    if name == broker_defs::LOG_SEGMENT_BYTES {
        if let Some(bytes) = parsed.as_number() {
            if let Some(warning) = segment_bytes_departure(strictness, name, bytes)? {
                return Ok(Some(warning));
            }
        }
    }
    def.validator.ensure_valid(name, &parsed)?;
    Ok(None)
}

/// `DynamicBrokerConfig.validateConfigs` for the resulting dynamic layer: read-only names first
/// ("Cannot update these configs dynamically: Set(...)"), then every value.
pub fn validate_broker_alter(
    strictness: Strictness,
    props: &BTreeMap<String, String>,
) -> Result<Vec<Warning>, ConfigError> {
    let read_only: Vec<String> = props
        .keys()
        .filter(|name| {
            OTHER_READ_ONLY.contains(&name.as_str())
                || broker_config_def(name).is_some_and(|d| !d.update_mode.is_dynamic())
        })
        .cloned()
        .collect();
    if !read_only.is_empty() {
        return Err(ConfigError::NotDynamic(read_only));
    }
    let mut warnings = Vec::new();
    // KafkaConfig parses in definition order, so the first bad value in that order is reported.
    for def in &broker_defs::BROKER_CONFIGS {
        if let Some(value) = props.get(def.name) {
            warnings.extend(validate_broker_config(strictness, def.name, value)?);
        }
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_store_resolves_to_kafka_defaults() {
        assert_eq!(
            BrokerConfigStore::new().resolve(),
            Ok(BrokerConfigs::default())
        );
    }

    #[test]
    fn retention_synonyms_and_units() {
        let (store, _) = BrokerConfigStore::with_static(
            Strictness::Playground,
            props(&[("log.retention.hours", "1")]),
        )
        .unwrap();
        assert_eq!(
            store.resolve().unwrap().log_defaults.retention_ms,
            3_600_000
        );
        let (mut store, _) = BrokerConfigStore::with_static(
            Strictness::Playground,
            props(&[("log.retention.hours", "1"), ("log.retention.minutes", "2")]),
        )
        .unwrap();
        assert_eq!(store.resolve().unwrap().log_defaults.retention_ms, 120_000);
        store
            .dynamic_default
            .insert("log.retention.ms".into(), "-5".into());
        assert_eq!(store.resolve().unwrap().log_defaults.retention_ms, -1);
    }

    #[test]
    fn read_only_configs_are_refused() {
        let mut store = BrokerConfigStore::new();
        let err = store
            .alter(
                BrokerScope::Broker,
                Strictness::Playground,
                &props(&[("num.partitions", "3"), ("log.retention.hours", "1")]),
                &[],
            )
            .unwrap_err();
        assert_eq!(
            err.message(),
            "Cannot update these configs dynamically: Set(log.retention.hours, num.partitions)"
        );
        assert_eq!(store, BrokerConfigStore::new());
    }

    #[test]
    fn dynamic_values_are_checked() {
        let mut store = BrokerConfigStore::new();
        let err = store
            .alter(
                BrokerScope::ClusterDefault,
                Strictness::Playground,
                &props(&[("log.cleaner.min.cleanable.ratio", "1.5")]),
                &[],
            )
            .unwrap_err();
        assert_eq!(
            err.message(),
            "Invalid value 1.5 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1"
        );
        let warnings = store
            .alter(
                BrokerScope::ClusterDefault,
                Strictness::Playground,
                &props(&[("log.segment.bytes", "1024")]),
                &[],
            )
            .unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(store.resolve().unwrap().log_defaults.segment_bytes, 1024);
    }
}
