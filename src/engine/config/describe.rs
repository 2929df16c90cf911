//! Describing configs as Kafka does: `DescribeConfigs` entries, `kafka-configs.sh --describe`
//! lines and the `Configs:` column of `kafka-topics.sh --describe`.
//!
//! Entries follow `ConfigHelper.createTopicConfigEntry` / `createBrokerConfigEntry` in Kafka 4.1:
//! - A value is the parsed value printed back (`ConfigDef.convertToString`): `0.0` for a ratio
//!   typed as `0`, `compact,delete` for `compact, delete`.
//! - Synonyms are collected per layer (per-broker dynamic, cluster-wide dynamic, static, default)
//!   over the broker synonyms, then entries are dropped from the front until one has the
//!   described broker name (`allSynonyms.dropWhile(s => s.name != name)`). So a topic's
//!   `retention.ms` inherited from `log.retention.hours=168` shows `synonyms={}` and counts as
//!   `DEFAULT_CONFIG`, exactly as Kafka prints it.
//! - A topic override comes first, as `DYNAMIC_TOPIC_CONFIG`; the entry's source is that of its
//!   first synonym, or `DEFAULT_CONFIG` without one.

use super::broker_defs::{broker_config_def, broker_config_synonyms, BROKER_CONFIGS};
use super::store::{BrokerConfigStore, BrokerScope};
use super::topic_defs::TOPIC_CONFIGS;
use super::value::parse;
use super::{ConfigError, ConfigSource};
use crate::engine::sorting::{self, CollectBTree};
use std::collections::{BTreeMap, BTreeSet};

/// One synonym of a described config (`ConfigEntry.ConfigSynonym`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSynonym {
    pub name: String,
    pub value: Option<String>,
    pub source: ConfigSource,
}

/// One described config (`org.apache.kafka.clients.admin.ConfigEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: String,
    /// `None` prints as `null` (a broker config with a `null` default and no setting).
    pub value: Option<String>,
    pub source: ConfigSource,
    pub is_sensitive: bool,
    pub is_read_only: bool,
    /// Highest precedence first; the first one decides the value.
    pub synonyms: Vec<ConfigSynonym>,
}

impl ConfigEntry {
    /// `ConfigEntry.isDefault()`: the value comes from Kafka's built-in default.
    pub fn is_default(&self) -> bool {
        self.source == ConfigSource::DefaultConfig
    }

    /// The line `kafka-configs.sh --describe` prints for this entry (`ConfigCommand`).
    pub fn describe_line(&self) -> String {
        let synonyms: Vec<String> = self
            .synonyms
            .iter()
            .map(|s| {
                format!(
                    "{}:{}={}",
                    s.source,
                    s.name,
                    s.value.as_deref().unwrap_or("null")
                )
            })
            .collect();
        format!(
            "  {}={} sensitive={} synonyms={{{}}}",
            self.name,
            self.value.as_deref().unwrap_or("null"),
            self.is_sensitive,
            synonyms.join(", ")
        )
    }
}

/// `ConfigHelper.configSynonyms(name, brokerConfigSynonyms(name))`.
fn broker_synonyms(store: &BrokerConfigStore, name: &str) -> Vec<ConfigSynonym> {
    let names = broker_config_synonyms(name);
    let layers = [
        (&store.dynamic_broker, ConfigSource::DynamicBrokerConfig),
        (
            &store.dynamic_default,
            ConfigSource::DynamicDefaultBrokerConfig,
        ),
        (&store.static_configs, ConfigSource::StaticBrokerConfig),
    ];
    let mut all = Vec::new();
    for (map, source) in layers {
        for n in &names {
            if let Some(value) = map.get(*n) {
                all.push(ConfigSynonym {
                    name: n.to_string(),
                    value: Some(value.clone()),
                    source,
                });
            }
        }
    }
    for n in &names {
        if let Some(default) = broker_config_def(n).and_then(|d| d.default) {
            all.push(ConfigSynonym {
                name: n.to_string(),
                value: Some(default.to_string()),
                source: ConfigSource::DefaultConfig,
            });
        }
    }
    let first = all.iter().position(|s| s.name == name).unwrap_or(all.len());
    all.split_off(first)
}

fn entry(
    name: &str,
    value: Option<String>,
    read_only: bool,
    synonyms: Vec<ConfigSynonym>,
) -> ConfigEntry {
    ConfigEntry {
        name: name.to_string(),
        value,
        source: synonyms
            .first()
            .map_or(ConfigSource::DefaultConfig, |s| s.source),
        is_sensitive: false,
        is_read_only: read_only,
        synonyms,
    }
}

/// Every modelled topic config of a topic with these overrides, sorted by name as
/// `kafka-configs.sh` sorts them. Fails only if an override does not parse.
pub fn describe_topic_configs(
    store: &BrokerConfigStore,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<ConfigEntry>, ConfigError> {
    let mut entries = Vec::with_capacity(TOPIC_CONFIGS.len());
    for def in &TOPIC_CONFIGS {
        let mut synonyms = Vec::new();
        let value = match overrides.get(def.name) {
            Some(raw) => {
                let value = parse(def.name, raw, def.config_type)?.canonical();
                synonyms.push(ConfigSynonym {
                    name: def.name.to_string(),
                    value: Some(value.clone()),
                    source: ConfigSource::DynamicTopicConfig,
                });
                value
            }
            None => store.topic_default(def)?.canonical(),
        };
        synonyms.extend(broker_synonyms(store, def.server_default_property()));
        entries.push(entry(def.name, Some(value), false, synonyms));
    }
    sorting::sort_by(&mut entries, |a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// A broker's configs (`--entity-name N`: every modelled config plus any other name set in a
/// layer) or the cluster-wide dynamic defaults (`--entity-default`: only those set), sorted.
pub fn describe_broker_configs(
    store: &BrokerConfigStore,
    scope: BrokerScope,
) -> Result<Vec<ConfigEntry>, ConfigError> {
    let read_only =
        |name: &str| broker_config_def(name).is_none_or(|d| !d.update_mode.is_dynamic());
    let mut entries = Vec::new();
    match scope {
        BrokerScope::ClusterDefault => {
            for (name, raw) in &store.dynamic_default {
                let synonyms = broker_synonyms(store, name)
                    .into_iter()
                    .filter(|s| s.source == ConfigSource::DynamicDefaultBrokerConfig)
                    .collect();
                entries.push(entry(name, Some(raw.clone()), read_only(name), synonyms));
            }
        }
        BrokerScope::Broker => {
            let mut names: BTreeSet<&str> = BROKER_CONFIGS.iter().map(|d| d.name).collect_set();
            for layer in [
                &store.static_configs,
                &store.dynamic_default,
                &store.dynamic_broker,
            ] {
                names.extend(layer.keys().map(String::as_str));
            }
            for name in names {
                let value = match broker_config_def(name) {
                    Some(_) => store.value(name)?.map(|v| v.canonical()),
                    None => store.effective(name).map(|(raw, _)| raw.to_string()),
                };
                entries.push(entry(
                    name,
                    value,
                    read_only(name),
                    broker_synonyms(store, name),
                ));
            }
        }
    }
    sorting::sort_by(&mut entries, |a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// `kafka-configs.sh --describe --entity-type topics --entity-name T [--all]` output lines.
pub fn format_topic_describe(topic: &str, entries: &[ConfigEntry], all: bool) -> Vec<String> {
    let header = if all { "All" } else { "Dynamic" };
    let mut lines = vec![format!("{header} configs for topic {topic} are:")];
    lines.extend(
        entries
            .iter()
            .filter(|e| all || e.source == ConfigSource::DynamicTopicConfig)
            .map(ConfigEntry::describe_line),
    );
    lines
}

/// `kafka-configs.sh --describe --entity-type brokers` output lines: for broker `Some(id)`, or
/// for the cluster-wide defaults with `None` (`--entity-default`).
pub fn format_broker_describe(
    broker: Option<i32>,
    entries: &[ConfigEntry],
    all: bool,
) -> Vec<String> {
    let (header, dynamic) = match broker {
        Some(id) => {
            let kind = if all { "All" } else { "Dynamic" };
            (
                format!("{kind} configs for broker {id} are:"),
                ConfigSource::DynamicBrokerConfig,
            )
        }
        None => (
            "Default configs for brokers in the cluster are:".to_string(),
            ConfigSource::DynamicDefaultBrokerConfig,
        ),
    };
    let mut lines = vec![header];
    lines.extend(
        entries
            .iter()
            .filter(|e| all || e.source == dynamic)
            .map(ConfigEntry::describe_line),
    );
    lines
}

/// Java's `String.hashCode()`.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The bucket of a key in a Java `HashMap` with a 64-bucket table (`hash ^ (hash >>> 16)`).
fn java_hash_bucket(s: &str) -> u32 {
    let h = java_string_hash(s) as u32;
    (h ^ (h >> 16)) & 63
}

/// The `Configs:` column of `kafka-topics.sh --describe`: every entry not from Kafka's default,
/// as `name=value` joined with `,`.
///
/// `TopicCommand` iterates the admin client's `Config`, a `HashMap`. Kafka 4.1 returns about 33
/// entries for a topic, so that map has 64 buckets: entries come bucket by bucket, and within a
/// bucket in insertion order, which follows `LogConfig`'s definition order. This reproduces real
/// output such as `cleanup.policy=compact,segment.bytes=1073741824,min.cleanable.dirty.ratio=0.001`.
pub fn configs_column(entries: &[ConfigEntry]) -> String {
    let definition_index = |name: &str| {
        TOPIC_CONFIGS
            .iter()
            .position(|d| d.name == name)
            .unwrap_or(usize::MAX)
    };
    let mut shown: Vec<&ConfigEntry> = entries.iter().filter(|e| !e.is_default()).collect();
    sorting::sort_by_key(&mut shown, |e| {
        (java_hash_bucket(&e.name), definition_index(&e.name))
    });
    let pairs: Vec<String> = shown
        .iter()
        .map(|e| format!("{}={}", e.name, e.value.as_deref().unwrap_or("null")))
        .collect();
    pairs.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hashes() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        // "hello".hashCode() == 99162322 in Java.
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_hash_bucket("cleanup.policy"), 18);
        assert_eq!(java_hash_bucket("segment.bytes"), 27);
        assert_eq!(java_hash_bucket("min.cleanable.dirty.ratio"), 44);
    }

    #[test]
    fn drop_while_hides_secondary_synonyms() {
        let store = BrokerConfigStore::new();
        assert_eq!(broker_synonyms(&store, "log.retention.ms"), vec![]);
        let hours = broker_synonyms(&store, "log.retention.hours");
        assert_eq!(hours.len(), 1);
        assert_eq!(hours[0].source, ConfigSource::DefaultConfig);
    }
}
