//! What the config editor shows and runs: the rows of one entity's configs — Kafka's name, the
//! current value, Kafka's default, the playground's default where it differs, the source as
//! `kafka-configs.sh --describe --all` prints it, and the departures from Kafka
//! (docs/DEPARTURES.md) — read through the same describe code the tool uses
//! (`engine::config::describe`), and the `kafka-configs.sh --alter` line an edit runs. Whether
//! a value is valid is left to the tool itself: the editor runs the line and shows its answer.

use crate::engine::client::producer::ProducerConfig;
use crate::engine::config::store::BrokerConfigStore;
use crate::engine::config::topic_defs::TOPIC_CONFIGS;
use crate::engine::config::{
    broker_config_def, describe_broker_configs, describe_topic_configs, BrokerScope, ConfigEntry,
};
use crate::engine::Cluster;
use crate::i18n::{tr, trf, Lang};
use crate::ui::producers::sh_quote;
use std::collections::BTreeMap;

/// Whose configs the editor shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigEntity {
    Topic(String),
    Broker(i32),
    /// The cluster-wide broker default (`--entity-default`).
    AllBrokers,
}

impl ConfigEntity {
    /// The picker's value: `topic:NAME`, `broker:N`, `brokers`.
    pub fn key(&self) -> String {
        match self {
            ConfigEntity::Topic(name) => format!("topic:{name}"),
            ConfigEntity::Broker(id) => format!("broker:{id}"),
            ConfigEntity::AllBrokers => "brokers".to_string(),
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        if key == "brokers" {
            return Some(ConfigEntity::AllBrokers);
        }
        if let Some(name) = key.strip_prefix("topic:") {
            return Some(ConfigEntity::Topic(name.to_string()));
        }
        key.strip_prefix("broker:")
            .and_then(|id| id.parse().ok())
            .map(ConfigEntity::Broker)
    }

    /// The picker's words, in `lang`.
    pub fn label(&self, lang: Lang) -> String {
        match self {
            ConfigEntity::Topic(name) => trf(lang, "topic {}", &[name]),
            ConfigEntity::Broker(id) => trf(lang, "broker {}", &[id]),
            ConfigEntity::AllBrokers => tr(lang, "all brokers (cluster default)").to_string(),
        }
    }

    /// `--entity-type … --entity-name …` (or `--entity-default`).
    fn entity_args(&self) -> String {
        match self {
            ConfigEntity::Topic(name) => {
                format!("--entity-type topics --entity-name {}", sh_quote(name))
            }
            ConfigEntity::Broker(id) => format!("--entity-type brokers --entity-name {id}"),
            ConfigEntity::AllBrokers => "--entity-type brokers --entity-default".to_string(),
        }
    }
}

/// Every entity of the cluster the editor can show: its topics (internal ones last), then the
/// cluster-wide broker default and each broker.
pub fn entities(cluster: &Cluster) -> Vec<ConfigEntity> {
    let mut topics: Vec<&str> = cluster.topics().map(|t| t.name.as_str()).collect();
    topics.sort_by_key(|name| (name.starts_with("__"), *name));
    let mut all: Vec<ConfigEntity> = topics
        .into_iter()
        .map(|t| ConfigEntity::Topic(t.to_string()))
        .collect();
    all.push(ConfigEntity::AllBrokers);
    all.extend(cluster.brokers().map(|b| ConfigEntity::Broker(b.node_id)));
    all
}

/// Broker configs the playground runs at Kafka 4.1's defaults without letting them change
/// (docs/DEPARTURES.md): the editor lists them under a broker's table.
pub const FIXED_BROKER_CONFIGS: &[&str] = &[
    "auto.leader.rebalance.enable",
    "broker.heartbeat.interval.ms",
    "broker.session.timeout.ms",
    "group.initial.rebalance.delay.ms",
    "group.max.session.timeout.ms",
    "group.max.size",
    "group.min.session.timeout.ms",
    "leader.imbalance.check.interval.seconds",
    "offsets.commit.timeout.ms",
    "replica.fetch.backoff.ms",
    "replica.fetch.max.bytes",
    "replica.fetch.wait.max.ms",
    "replica.socket.timeout.ms",
];

/// One config of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRow {
    pub name: String,
    /// The current value (`null` when unset without a default).
    pub value: String,
    /// Kafka 4.1's default (`null` when none).
    pub kafka_default: String,
    /// What a new playground cluster would have, when it is not Kafka's default.
    pub playground_default: Option<String>,
    /// `DEFAULT_CONFIG`, `DYNAMIC_TOPIC_CONFIG`, … as `--describe --all` prints it.
    pub source: &'static str,
    /// A departure from Kafka (docs/DEPARTURES.md) that shows in this config.
    pub departure: Option<&'static str>,
    /// Read-only broker configs cannot be altered while brokers run.
    pub read_only: bool,
    /// Set on this very entity, so `--delete-config` applies.
    pub overridden: bool,
}

/// The departures from Kafka that show in a config's value or validation, in `lang`.
pub fn departure(lang: Lang, name: &str) -> Option<&'static str> {
    match name {
        "segment.bytes" => Some(tr(
            lang,
            "Kafka refuses less than 1 MiB (1048576); the playground accepts smaller sizes with a WARNING, so segments roll after a few records",
        )),
        "log.segment.bytes" => Some(tr(
            lang,
            "Kafka refuses less than 1 MiB; the playground accepts down to 14 bytes with a WARNING",
        )),
        "min.cleanable.dirty.ratio" => Some(tr(lang, "NaN is refused here; Kafka accepts it")),
        _ => None,
    }
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or("null").to_string()
}

/// The rows of an entity, sorted by name as the tool sorts them; an error in Kafka's words if
/// a stored value does not parse (it never should).
pub fn config_rows(cluster: &Cluster, entity: &ConfigEntity) -> Result<Vec<ConfigRow>, String> {
    let fresh = BrokerConfigStore::new();
    match entity {
        ConfigEntity::Topic(name) => {
            let Some(topic) = cluster.topic(name) else {
                return Err(format!("The topic '{name}' doesn't exist."));
            };
            let entries = describe_topic_configs(&cluster.bootstrap_config_store(), &topic.configs)
                .map_err(|e| e.to_string())?;
            let playground =
                describe_topic_configs(&fresh, &BTreeMap::new()).map_err(|e| e.to_string())?;
            Ok(entries
                .iter()
                .map(|entry| {
                    let kafka_default = TOPIC_CONFIGS
                        .iter()
                        .find(|d| d.name == entry.name)
                        .map_or("null", |d| d.default);
                    let ours = playground.iter().find(|p| p.name == entry.name);
                    row(
                        entry,
                        kafka_default.to_string(),
                        ours,
                        topic.configs.contains_key(&entry.name),
                    )
                })
                .collect())
        }
        ConfigEntity::Broker(_) | ConfigEntity::AllBrokers => {
            let (store, layer) = match entity {
                ConfigEntity::Broker(id) => {
                    let store = cluster.broker_config_store(*id);
                    let layer = store.dynamic_broker.clone();
                    (store, layer)
                }
                _ => {
                    let store = cluster.broker_configs().clone();
                    let layer = store.dynamic_default.clone();
                    (store, layer)
                }
            };
            let entries =
                describe_broker_configs(&store, BrokerScope::Broker).map_err(|e| e.to_string())?;
            let playground =
                describe_broker_configs(&fresh, BrokerScope::Broker).map_err(|e| e.to_string())?;
            Ok(entries
                .iter()
                .map(|entry| {
                    let kafka_default =
                        text(broker_config_def(&entry.name).and_then(|d| d.default));
                    let ours = playground.iter().find(|p| p.name == entry.name);
                    row(entry, kafka_default, ours, layer.contains_key(&entry.name))
                })
                .collect())
        }
    }
}

fn row(
    entry: &ConfigEntry,
    kafka_default: String,
    playground: Option<&ConfigEntry>,
    overridden: bool,
) -> ConfigRow {
    let playground_default = playground
        .map(|p| text(p.value.as_deref()))
        .filter(|v| *v != kafka_default);
    ConfigRow {
        name: entry.name.clone(),
        value: text(entry.value.as_deref()),
        kafka_default,
        playground_default,
        source: entry.source.name(),
        // In English; the editor shows it in the page's language (`departure(lang, …)`).
        departure: departure(Lang::En, &entry.name),
        read_only: entry.is_read_only,
        overridden,
    }
}

/// `kafka-configs.sh --alter … --add-config name=value`; a list value (with a comma) goes in
/// square brackets, as `ConfigCommand` needs it (`cleanup.policy=[compact,delete]`).
pub fn add_config_line(entity: &ConfigEntity, name: &str, value: &str) -> String {
    let value = value.trim();
    let value = if value.contains(',') && !value.starts_with('[') {
        format!("[{value}]")
    } else {
        value.to_string()
    };
    format!(
        "kafka-configs.sh --bootstrap-server localhost:9092 --alter {} --add-config {}",
        entity.entity_args(),
        sh_quote(&format!("{name}={value}"))
    )
}

/// `kafka-configs.sh --alter … --delete-config name`.
pub fn delete_config_line(entity: &ConfigEntity, name: &str) -> String {
    format!(
        "kafka-configs.sh --bootstrap-server localhost:9092 --alter {} --delete-config {}",
        entity.entity_args(),
        sh_quote(name)
    )
}

/// A client config the playground's `producer start` / `consumer start` take: Kafka's name,
/// Kafka's default and the flag that sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfigRow {
    pub name: &'static str,
    pub kafka_default: String,
    pub flag: &'static str,
}

/// The producer configs `producer start` takes, with Kafka 4.1's defaults (the producer
/// model's own defaults, `ProducerConfig::default`).
pub fn producer_rows() -> Vec<ClientConfigRow> {
    let d = ProducerConfig::default();
    let acks = match d.acks {
        crate::engine::client::producer::Acks::Zero => "0",
        crate::engine::client::producer::Acks::One => "1",
        crate::engine::client::producer::Acks::All => "all",
    };
    vec![
        ClientConfigRow {
            name: "acks",
            kafka_default: acks.to_string(),
            flag: "--acks",
        },
        ClientConfigRow {
            name: "linger.ms",
            kafka_default: d.linger_ms.to_string(),
            flag: "--linger-ms",
        },
        ClientConfigRow {
            name: "batch.size",
            kafka_default: d.batch_size.to_string(),
            flag: "--batch-size",
        },
        ClientConfigRow {
            name: "enable.idempotence",
            kafka_default: d.enable_idempotence.to_string(),
            flag: "--idempotence",
        },
    ]
}

/// The consumer configs `consumer start` takes, with Kafka 4.1's defaults
/// (`ConsumerConfig`), the notes in `lang`.
pub fn consumer_rows(lang: Lang) -> Vec<ClientConfigRow> {
    let row = |name, default: &str, flag| ClientConfigRow {
        name,
        kafka_default: default.to_string(),
        flag,
    };
    vec![
        row("group.protocol", "classic", "--protocol"),
        row(
            "partition.assignment.strategy",
            "class org.apache.kafka.clients.consumer.RangeAssignor,class org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "--assignor",
        ),
        row(
            "group.remote.assignor",
            &trf(lang, "null (the broker's: {})", &[&"uniform"]),
            "--assignor",
        ),
        row("group.instance.id", "null", "--instance-id"),
    ]
}
