//! A topic's effective configuration, typed, and the checks a topic config change goes through.
//!
//! [`TopicConfigs`] is what a partition log obeys: the broker's log defaults with the topic's
//! overrides on top (`LogConfig.fromProps(extractLogConfigMap, topicProps)`). Times are
//! milliseconds, sizes bytes, and the dirty ratio parts per million.
//!
//! The checks follow the KRaft controller (`ControllerConfigurationValidator` calling
//! `LogConfig.validate`): unknown names first ("Unknown topic config name: foo"), then each value
//! in `LogConfig`'s definition order, then the two compaction lags against each other.

use super::decimal::JavaDouble;
use super::store::BrokerConfigStore;
use super::topic_defs::{self as t, topic_config_def, TOPIC_CONFIGS};
use super::value::{parse, Value};
use super::{segment_bytes_departure, ConfigError, Strictness, Warning};
use std::collections::BTreeMap;

/// `cleanup.policy`: which of deletion and compaction apply (both, one, or neither for `""`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CleanupPolicy {
    pub delete: bool,
    pub compact: bool,
}

/// `message.timestamp.type` (`TimestampType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampType {
    CreateTime,
    LogAppendTime,
}

/// `compression.type` (`BrokerCompressionType`); `Producer` keeps what the producer sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompressionType {
    Uncompressed,
    Zstd,
    Lz4,
    Snappy,
    Gzip,
    Producer,
}

impl CleanupPolicy {
    /// From `cleanup.policy`'s items (`LogConfig` lower-cases them; its validator has already
    /// refused any other case).
    pub fn from_items(items: &[String]) -> CleanupPolicy {
        let has = |p: &str| items.iter().any(|i| i.eq_ignore_ascii_case(p));
        CleanupPolicy {
            delete: has("delete"),
            compact: has("compact"),
        }
    }
}

impl TimestampType {
    const ALL: [TimestampType; 2] = [TimestampType::CreateTime, TimestampType::LogAppendTime];

    /// Kafka's name (`TimestampType.name`).
    pub fn name(self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }

    /// The type with this exact name.
    pub fn from_name(name: &str) -> Option<TimestampType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl CompressionType {
    const ALL: [CompressionType; 6] = [
        CompressionType::Uncompressed,
        CompressionType::Zstd,
        CompressionType::Lz4,
        CompressionType::Snappy,
        CompressionType::Gzip,
        CompressionType::Producer,
    ];

    /// Kafka's name (`BrokerCompressionType.name`).
    pub fn name(self) -> &'static str {
        match self {
            CompressionType::Uncompressed => "uncompressed",
            CompressionType::Zstd => "zstd",
            CompressionType::Lz4 => "lz4",
            CompressionType::Snappy => "snappy",
            CompressionType::Gzip => "gzip",
            CompressionType::Producer => "producer",
        }
    }

    /// The type with this exact name.
    pub fn from_name(name: &str) -> Option<CompressionType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A topic's effective configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicConfigs {
    pub cleanup_policy: CleanupPolicy,
    pub segment_bytes: i32,
    pub segment_ms: i64,
    pub segment_jitter_ms: i64,
    pub segment_index_bytes: i32,
    pub index_interval_bytes: i32,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    /// `min.cleanable.dirty.ratio` in parts per million (Kafka's default 0.5 is 500000).
    pub min_cleanable_dirty_ratio_ppm: u32,
    pub delete_retention_ms: i64,
    pub min_compaction_lag_ms: i64,
    pub max_compaction_lag_ms: i64,
    pub max_message_bytes: i32,
    pub message_timestamp_type: TimestampType,
    pub message_timestamp_before_max_ms: i64,
    pub message_timestamp_after_max_ms: i64,
    pub file_delete_delay_ms: i64,
    pub min_insync_replicas: i32,
    pub unclean_leader_election_enable: bool,
    pub flush_messages: i64,
    pub flush_ms: i64,
    pub compression_type: CompressionType,
    pub preallocate: bool,
}

impl Default for TopicConfigs {
    /// Kafka 4.1's defaults (`LogConfig`, `ServerLogConfigs`).
    fn default() -> Self {
        TopicConfigs {
            cleanup_policy: CleanupPolicy {
                delete: true,
                compact: false,
            },
            segment_bytes: 1024 * 1024 * 1024,
            segment_ms: 7 * 24 * 60 * 60 * 1000,
            segment_jitter_ms: 0,
            segment_index_bytes: 10 * 1024 * 1024,
            index_interval_bytes: 4096,
            retention_ms: 7 * 24 * 60 * 60 * 1000,
            retention_bytes: -1,
            min_cleanable_dirty_ratio_ppm: 500_000,
            delete_retention_ms: 24 * 60 * 60 * 1000,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX,
            max_message_bytes: 1024 * 1024 + 12,
            message_timestamp_type: TimestampType::CreateTime,
            message_timestamp_before_max_ms: i64::MAX,
            message_timestamp_after_max_ms: 60 * 60 * 1000,
            file_delete_delay_ms: 60_000,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            flush_messages: i64::MAX,
            flush_ms: i64::MAX,
            compression_type: CompressionType::Producer,
            preallocate: false,
        }
    }
}

impl TopicConfigs {
    /// The configuration of a topic with these overrides on a broker with these layers.
    pub fn resolve(
        store: &BrokerConfigStore,
        overrides: &BTreeMap<String, String>,
    ) -> Result<TopicConfigs, ConfigError> {
        store.resolve()?.log_defaults.with_overrides(overrides)
    }

    /// These configs with a topic's overrides applied. Each override is checked as
    /// [`validate_topic_config`] does (warnings are the caller's to print when it is set).
    pub fn with_overrides(
        &self,
        overrides: &BTreeMap<String, String>,
    ) -> Result<TopicConfigs, ConfigError> {
        let mut configs = self.clone();
        for (name, raw) in overrides {
            validate_topic_config(name, raw)?;
            let def = topic_config_def(name)
                .ok_or_else(|| ConfigError::UnknownTopicConfig(name.clone()))?;
            configs.set(name, &parse(name, raw, def.config_type)?)?;
        }
        Ok(configs)
    }

    /// Sets one config from a parsed value of its type.
    pub(crate) fn set(&mut self, name: &str, value: &Value) -> Result<(), ConfigError> {
        let wrong = || ConfigError::invalid(name, value.canonical(), "Not a valid value");
        let long = || value.as_number().ok_or_else(wrong);
        let int = || long().and_then(|n| i32::try_from(n).map_err(|_| wrong()));
        let boolean = || match value {
            Value::Boolean(b) => Ok(*b),
            _ => Err(wrong()),
        };
        let text = || match value {
            Value::Text(s) => Ok(s.as_str()),
            _ => Err(wrong()),
        };
        match name {
            t::SEGMENT_BYTES => self.segment_bytes = int()?,
            t::SEGMENT_MS => self.segment_ms = long()?,
            t::SEGMENT_JITTER_MS => self.segment_jitter_ms = long()?,
            t::SEGMENT_INDEX_BYTES => self.segment_index_bytes = int()?,
            t::FLUSH_MESSAGES => self.flush_messages = long()?,
            t::FLUSH_MS => self.flush_ms = long()?,
            t::RETENTION_BYTES => self.retention_bytes = long()?,
            t::RETENTION_MS => self.retention_ms = long()?,
            t::MAX_MESSAGE_BYTES => self.max_message_bytes = int()?,
            t::INDEX_INTERVAL_BYTES => self.index_interval_bytes = int()?,
            t::DELETE_RETENTION_MS => self.delete_retention_ms = long()?,
            t::MIN_COMPACTION_LAG_MS => self.min_compaction_lag_ms = long()?,
            t::MAX_COMPACTION_LAG_MS => self.max_compaction_lag_ms = long()?,
            t::FILE_DELETE_DELAY_MS => self.file_delete_delay_ms = long()?,
            t::MIN_CLEANABLE_DIRTY_RATIO => {
                self.min_cleanable_dirty_ratio_ppm = match value {
                    Value::Double(d) => d.to_ppm().ok_or_else(wrong)?,
                    _ => return Err(wrong()),
                }
            }
            t::CLEANUP_POLICY => match value {
                Value::List(items) => self.cleanup_policy = CleanupPolicy::from_items(items),
                _ => return Err(wrong()),
            },
            t::UNCLEAN_LEADER_ELECTION_ENABLE => self.unclean_leader_election_enable = boolean()?,
            t::MIN_INSYNC_REPLICAS => self.min_insync_replicas = int()?,
            t::COMPRESSION_TYPE => {
                self.compression_type = CompressionType::from_name(text()?).ok_or_else(wrong)?
            }
            t::PREALLOCATE => self.preallocate = boolean()?,
            t::MESSAGE_TIMESTAMP_TYPE => {
                self.message_timestamp_type = TimestampType::from_name(text()?).ok_or_else(wrong)?
            }
            t::MESSAGE_TIMESTAMP_BEFORE_MAX_MS => self.message_timestamp_before_max_ms = long()?,
            t::MESSAGE_TIMESTAMP_AFTER_MAX_MS => self.message_timestamp_after_max_ms = long()?,
            _ => return Err(ConfigError::UnknownTopicConfig(name.to_string())),
        }
        Ok(())
    }
}

/// Checks one topic config as the playground does (sizes below 1 MiB accepted with a warning).
pub fn validate_topic_config(name: &str, value: &str) -> Result<Option<Warning>, ConfigError> {
    validate_topic_config_with(Strictness::Playground, name, value)
}

/// Checks one topic config: its name, its type, the playground's segment-size rule, its
/// validator.
pub fn validate_topic_config_with(
    strictness: Strictness,
    name: &str,
    value: &str,
) -> Result<Option<Warning>, ConfigError> {
    let def = topic_config_def(name).ok_or_else(|| ConfigError::UnknownTopicConfig(name.into()))?;
    let parsed = parse(name, value, def.config_type)?;
    if name == t::SEGMENT_BYTES {
        if let Some(bytes) = parsed.as_number() {
            if let Some(warning) = segment_bytes_departure(strictness, name, bytes)? {
                return Ok(Some(warning));
            }
        }
    }
    if parsed == Value::Double(JavaDouble::NaN) {
        // Kafka's Range compares doubles and NaN fails no comparison, so Kafka 4.1 accepts NaN;
        // a ratio of NaN means "never clean", which the playground cannot hold in an integer.
        return Err(ConfigError::invalid(
            name,
            "NaN",
            "Value must be a number (Kafka 4.1 accepts NaN here; the playground does not)",
        ));
    }
    def.validator.ensure_valid(name, &parsed)?;
    Ok(None)
}

/// Checks a whole set of topic overrides (for a create, or the result of an alter), as the
/// controller does: names, then values in definition order, then
/// `min.compaction.lag.ms <= max.compaction.lag.ms` with `inherited` filling what is not set.
pub fn validate_topic_configs(
    strictness: Strictness,
    overrides: &BTreeMap<String, String>,
    inherited: &TopicConfigs,
) -> Result<Vec<Warning>, ConfigError> {
    if let Some(unknown) = overrides.keys().find(|n| topic_config_def(n).is_none()) {
        return Err(ConfigError::UnknownTopicConfig(unknown.clone()));
    }
    let mut warnings = Vec::new();
    for def in &TOPIC_CONFIGS {
        if let Some(value) = overrides.get(def.name) {
            warnings.extend(validate_topic_config_with(strictness, def.name, value)?);
        }
    }
    let configs = inherited.with_overrides(overrides)?;
    if configs.min_compaction_lag_ms > configs.max_compaction_lag_ms {
        return Err(ConfigError::CompactionLagConflict {
            min: configs.min_compaction_lag_ms,
            max: configs.max_compaction_lag_ms,
        });
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overrides_apply() {
        let c = TopicConfigs::default()
            .with_overrides(&map(&[
                ("cleanup.policy", "compact,delete"),
                ("min.cleanable.dirty.ratio", "0.01"),
                ("message.timestamp.type", "LogAppendTime"),
                ("compression.type", "zstd"),
            ]))
            .unwrap();
        assert_eq!(
            c.cleanup_policy,
            CleanupPolicy {
                delete: true,
                compact: true
            }
        );
        assert_eq!(c.min_cleanable_dirty_ratio_ppm, 10_000);
        assert_eq!(c.message_timestamp_type, TimestampType::LogAppendTime);
        assert_eq!(c.compression_type, CompressionType::Zstd);
        let none = TopicConfigs::default()
            .with_overrides(&map(&[("cleanup.policy", "")]))
            .unwrap();
        assert_eq!(
            none.cleanup_policy,
            CleanupPolicy {
                delete: false,
                compact: false
            }
        );
    }

    #[test]
    fn whole_set_checks() {
        let d = TopicConfigs::default();
        let p = Strictness::Playground;
        assert_eq!(
            validate_topic_configs(p, &map(&[("segment.ms", "x"), ("foo", "1")]), &d),
            Err(ConfigError::UnknownTopicConfig("foo".into()))
        );
        // Definition order: segment.bytes is reported before retention.ms.
        let err = validate_topic_configs(
            p,
            &map(&[("retention.ms", "x"), ("segment.bytes", "y")]),
            &d,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "Invalid value y for configuration segment.bytes: Not a number of type INT"
        );
        assert_eq!(
            validate_topic_configs(
                p,
                &map(&[
                    ("min.compaction.lag.ms", "10"),
                    ("max.compaction.lag.ms", "5")
                ]),
                &d
            ),
            Err(ConfigError::CompactionLagConflict { min: 10, max: 5 })
        );
        let warnings = validate_topic_configs(p, &map(&[("segment.bytes", "4096")]), &d).unwrap();
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn enum_names_match_the_validators() {
        let names: Vec<&str> = CompressionType::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, t::COMPRESSION_TYPES);
        let names: Vec<&str> = TimestampType::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, t::TIMESTAMP_TYPES);
        assert_eq!(CompressionType::from_name("LZ4"), None);
    }

    #[test]
    fn nan_is_refused() {
        let err = validate_topic_config("min.cleanable.dirty.ratio", "NaN").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("Invalid value NaN for configuration min.cleanable.dirty.ratio"));
    }
}
