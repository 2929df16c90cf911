//! Topic and broker configuration: Kafka 4.1's names, types, defaults, validators and messages.
//!
//! Everything here is data plus pure functions, so the engine, the CLI and the UI read one table.
//!
//! | module | owns |
//! |---|---|
//! | [`value`] | `ConfigDef.parseType` and `ConfigDef.convertToString`: text in, typed [`Value`] out |
//! | [`decimal`] | Kafka's `DOUBLE` values (`min.cleanable.dirty.ratio`) as exact decimals, no floats |
//! | [`validator`] | `ConfigDef.Range`, `ValidString`, `ValidList` and their messages |
//! | [`topic_defs`] | the topic configs of `LogConfig` with their broker synonyms |
//! | [`broker_defs`] | the broker configs of `KafkaConfig` the playground models, with update modes |
//! | [`store`] | one broker's config layers (static, cluster-wide dynamic, per-broker dynamic) |
//! | [`topic`] | [`TopicConfigs`], the typed view a partition log obeys, and topic validation |
//! | [`describe`] | `DescribeConfigs` entries, `kafka-configs.sh --describe` lines, the `Configs:` column |
//!
//! Sources checked (Kafka 4.1): `storage/.../log/LogConfig.java` (topic defs, validators,
//! `validateNames`, `validateValues`), `server-common/.../ServerLogConfigs.java` (defaults),
//! `ServerTopicConfigSynonyms.java` (synonyms), `clients/.../ConfigDef.java` and
//! `ConfigException.java` (parsing and messages), `core/.../DynamicBrokerConfig.scala` and
//! `ConfigAdminManager.scala` (dynamic updates), `core/.../ConfigHelper.scala` (describe),
//! `tools/.../ConfigCommand.java` and `TopicCommand.java` (output).
//!
//! One deliberate departure (DESIGN.md, `docs/DEPARTURES.md`): `segment.bytes` and
//! `log.segment.bytes` below Kafka 4.x's minimum of 1 MiB are accepted with a [`Warning`] under
//! [`Strictness::Playground`], so segments roll after a few records. The floor is then Kafka 3.x's
//! minimum, 14 bytes (`LegacyRecord.RECORD_OVERHEAD_V0`). [`Strictness::Kafka`] refuses them as
//! Kafka 4.1 does.

pub mod broker_defs;
pub mod decimal;
pub mod describe;
pub mod error;
pub mod store;
pub mod topic;
pub mod topic_defs;
pub mod validator;
pub mod value;

pub use broker_defs::{broker_config_def, BrokerConfigDef, BROKER_CONFIGS};
pub use describe::{
    configs_column, describe_broker_configs, describe_topic_configs, format_broker_describe,
    format_topic_describe, ConfigEntry, ConfigSynonym,
};
pub use error::ConfigError;
pub use store::{
    validate_broker_alter, validate_broker_config, BrokerConfigStore, BrokerConfigs, BrokerScope,
};
pub use topic::{
    validate_topic_config, validate_topic_config_with, validate_topic_configs, CleanupPolicy,
    CompressionType, TimestampType, TopicConfigs,
};
pub use topic_defs::{topic_config_def, Synonym, TopicConfigDef, TOPIC_CONFIGS};
pub use validator::Validator;
pub use value::Value;

use std::fmt;

/// Kafka 4.x's minimum for `segment.bytes` and `log.segment.bytes` (`atLeast(1024 * 1024)`).
pub const KAFKA_MIN_SEGMENT_BYTES: i64 = 1024 * 1024;

/// The playground's floor for segment sizes: Kafka 3.x's minimum, `LegacyRecord.RECORD_OVERHEAD_V0`.
pub const PLAYGROUND_MIN_SEGMENT_BYTES: i64 = 14;

/// `ConfigDef.Type`: how a config's text is parsed. Printed with Kafka's enum names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigType {
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

impl ConfigType {
    /// Kafka's name, as in "Not a number of type INT".
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
            ConfigType::Password => "PASSWORD",
        }
    }
}

impl fmt::Display for ConfigType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a described value comes from (`ConfigEntry.ConfigSource`), highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigSource {
    /// Set on the topic (`kafka-configs.sh --entity-type topics --alter`, `--config` on create).
    DynamicTopicConfig,
    /// Set dynamically for one broker (`--entity-type brokers --entity-name N`).
    DynamicBrokerConfig,
    /// Set dynamically for every broker (`--entity-type brokers --entity-default`).
    DynamicDefaultBrokerConfig,
    /// From the broker's `server.properties`.
    StaticBrokerConfig,
    /// Kafka's built-in default.
    DefaultConfig,
}

impl ConfigSource {
    /// Kafka's enum name, as `kafka-configs.sh` prints it in `synonyms={...}`.
    pub fn name(self) -> &'static str {
        match self {
            ConfigSource::DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
            ConfigSource::DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
            ConfigSource::DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
            ConfigSource::StaticBrokerConfig => "STATIC_BROKER_CONFIG",
            ConfigSource::DefaultConfig => "DEFAULT_CONFIG",
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a broker config may change at runtime (the "Update Mode" column of Kafka's docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpdateMode {
    /// Only in `server.properties`; a dynamic update is refused.
    ReadOnly,
    /// Dynamically, for one broker at a time only.
    PerBroker,
    /// Dynamically, for one broker or as the cluster-wide default.
    ClusterWide,
}

impl UpdateMode {
    /// The words Kafka's docs use.
    pub fn name(self) -> &'static str {
        match self {
            UpdateMode::ReadOnly => "read-only",
            UpdateMode::PerBroker => "per-broker",
            UpdateMode::ClusterWide => "cluster-wide",
        }
    }

    /// Whether `DynamicBrokerConfig.AllDynamicConfigs` contains the config.
    pub fn is_dynamic(self) -> bool {
        self != UpdateMode::ReadOnly
    }
}

/// Whether to apply the playground's documented departures or Kafka 4.1's rules exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strictness {
    /// Segment sizes below 1 MiB are accepted with a [`Warning`] (DESIGN.md).
    #[default]
    Playground,
    /// Kafka 4.1 exactly: segment sizes below 1 MiB are refused.
    Kafka,
}

/// An accepted value the playground treats differently from Kafka, with the text to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The config it is about.
    pub config: String,
    /// The full line, starting with `WARNING:`.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The playground's check for segment sizes, shared by `segment.bytes` and `log.segment.bytes`.
///
/// Returns `Ok(None)` when Kafka's own validator should decide, `Ok(Some(warning))` when the
/// playground accepts a value Kafka 4.1 would refuse, and the playground's floor error below 14.
pub(crate) fn segment_bytes_departure(
    strictness: Strictness,
    name: &str,
    bytes: i64,
) -> Result<Option<Warning>, ConfigError> {
    if strictness == Strictness::Kafka || bytes >= KAFKA_MIN_SEGMENT_BYTES {
        return Ok(None);
    }
    if bytes < PLAYGROUND_MIN_SEGMENT_BYTES {
        return Err(ConfigError::invalid(
            name,
            bytes.to_string(),
            format!("Value must be at least {PLAYGROUND_MIN_SEGMENT_BYTES}"),
        ));
    }
    let kafka = ConfigError::invalid(
        name,
        bytes.to_string(),
        format!("Value must be at least {KAFKA_MIN_SEGMENT_BYTES}"),
    );
    Ok(Some(Warning {
        config: name.to_string(),
        message: format!(
            "WARNING: {name}={bytes} is below Kafka's minimum of {KAFKA_MIN_SEGMENT_BYTES} bytes (1 MiB). \
             The playground accepts it so that segments roll after a few records; \
             Kafka 4.1 refuses it: {kafka}"
        ),
    }))
}
