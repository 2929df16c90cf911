#![cfg(not(target_arch = "wasm32"))]
//! Topic and broker configs against Kafka 4.1: defaults, validators and their messages, synonym
//! resolution, the playground's segment-size departure, describe output, and no panic on any
//! input.
//!
//! Sources: `LogConfig.java`, `ServerLogConfigs.java`, `ServerTopicConfigSynonyms.java`,
//! `ConfigDef.java`, `ConfigHelper.scala`, `DynamicBrokerConfig.scala`, `ConfigCommand.java`,
//! `TopicCommand.java`; the 4.0 upgrade notes for the 1 MiB segment minimum (KIP-1030).

use kafka_playground::engine::config::broker_defs::broker_config_def;
use kafka_playground::engine::config::{
    configs_column, describe_broker_configs, describe_topic_configs, format_broker_describe,
    format_topic_describe, topic_config_def, validate_broker_config, validate_topic_config,
    validate_topic_config_with, validate_topic_configs, BrokerConfigStore, BrokerConfigs,
    BrokerScope, CleanupPolicy, CompressionType, ConfigSource, ConfigType, Strictness,
    TimestampType, TopicConfigs, UpdateMode, BROKER_CONFIGS, TOPIC_CONFIGS,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn err(name: &str, value: &str) -> String {
    validate_topic_config(name, value).map_or_else(|e| e.to_string(), |w| format!("ok {w:?}"))
}

/// (name, type, default, valid values, server default property) as Kafka 4.1's docs list them.
#[rustfmt::skip]
const TOPIC_TABLE: &[(&str, ConfigType, &str, &str, &str)] = &[
    ("segment.bytes", ConfigType::Int, "1073741824", "[1048576,...]", "log.segment.bytes"),
    ("segment.ms", ConfigType::Long, "604800000", "[1,...]", "log.roll.ms"),
    ("segment.jitter.ms", ConfigType::Long, "0", "[0,...]", "log.roll.jitter.ms"),
    ("segment.index.bytes", ConfigType::Int, "10485760", "[4,...]", "log.index.size.max.bytes"),
    ("flush.messages", ConfigType::Long, "9223372036854775807", "[1,...]", "log.flush.interval.messages"),
    ("flush.ms", ConfigType::Long, "9223372036854775807", "[0,...]", "log.flush.interval.ms"),
    ("retention.bytes", ConfigType::Long, "-1", "", "log.retention.bytes"),
    ("retention.ms", ConfigType::Long, "604800000", "[-1,...]", "log.retention.ms"),
    ("max.message.bytes", ConfigType::Int, "1048588", "[0,...]", "message.max.bytes"),
    ("index.interval.bytes", ConfigType::Int, "4096", "[0,...]", "log.index.interval.bytes"),
    ("delete.retention.ms", ConfigType::Long, "86400000", "[0,...]", "log.cleaner.delete.retention.ms"),
    ("min.compaction.lag.ms", ConfigType::Long, "0", "[0,...]", "log.cleaner.min.compaction.lag.ms"),
    ("max.compaction.lag.ms", ConfigType::Long, "9223372036854775807", "[1,...]", "log.cleaner.max.compaction.lag.ms"),
    ("file.delete.delay.ms", ConfigType::Long, "60000", "[0,...]", "log.segment.delete.delay.ms"),
    ("min.cleanable.dirty.ratio", ConfigType::Double, "0.5", "[0,...,1]", "log.cleaner.min.cleanable.ratio"),
    ("cleanup.policy", ConfigType::List, "delete", "[compact, delete]", "log.cleanup.policy"),
    ("unclean.leader.election.enable", ConfigType::Boolean, "false", "", "unclean.leader.election.enable"),
    ("min.insync.replicas", ConfigType::Int, "1", "[1,...]", "min.insync.replicas"),
    ("compression.type", ConfigType::String, "producer", "[uncompressed, zstd, lz4, snappy, gzip, producer]", "compression.type"),
    ("preallocate", ConfigType::Boolean, "false", "", "log.preallocate"),
    ("message.timestamp.type", ConfigType::String, "CreateTime", "[CreateTime, LogAppendTime]", "log.message.timestamp.type"),
    ("message.timestamp.before.max.ms", ConfigType::Long, "9223372036854775807", "[0,...]", "log.message.timestamp.before.max.ms"),
    ("message.timestamp.after.max.ms", ConfigType::Long, "3600000", "[0,...]", "log.message.timestamp.after.max.ms"),
];

#[test]
fn topic_defaults_match_kafka_4_1() {
    assert_eq!(TOPIC_CONFIGS.len(), TOPIC_TABLE.len());
    for &(name, ty, default, valid, server) in TOPIC_TABLE {
        let def = topic_config_def(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(def.config_type, ty, "{name}");
        assert_eq!(def.default, default, "{name}");
        assert_eq!(def.validator.valid_values(), valid, "{name}");
        assert_eq!(def.server_default_property(), server, "{name}");
        assert_eq!(validate_topic_config(name, default), Ok(None), "{name}");
    }
    let d = TopicConfigs::default();
    assert_eq!(d.segment_bytes, 1_073_741_824);
    assert_eq!(d.segment_ms, 604_800_000);
    assert_eq!(d.segment_jitter_ms, 0);
    assert_eq!(d.segment_index_bytes, 10_485_760);
    assert_eq!(d.index_interval_bytes, 4096);
    assert_eq!(d.retention_ms, 604_800_000);
    assert_eq!(d.retention_bytes, -1);
    assert_eq!(d.min_cleanable_dirty_ratio_ppm, 500_000);
    assert_eq!(d.delete_retention_ms, 86_400_000);
    assert_eq!(d.min_compaction_lag_ms, 0);
    assert_eq!(d.max_compaction_lag_ms, i64::MAX);
    assert_eq!(d.max_message_bytes, 1_048_588);
    assert_eq!(d.message_timestamp_type, TimestampType::CreateTime);
    assert_eq!(d.message_timestamp_before_max_ms, i64::MAX);
    assert_eq!(d.message_timestamp_after_max_ms, 3_600_000);
    assert_eq!(d.file_delete_delay_ms, 60_000);
    assert_eq!(d.min_insync_replicas, 1);
    assert!(!d.unclean_leader_election_enable);
    assert_eq!(d.flush_messages, i64::MAX);
    assert_eq!(d.flush_ms, i64::MAX);
    assert_eq!(d.compression_type, CompressionType::Producer);
    assert!(!d.preallocate);
    assert_eq!(
        d.cleanup_policy,
        CleanupPolicy {
            delete: true,
            compact: false
        }
    );
    assert_eq!(
        TopicConfigs::resolve(&BrokerConfigStore::new(), &BTreeMap::new()),
        Ok(d)
    );
}

/// (name, type, default, update mode).
#[rustfmt::skip]
const BROKER_TABLE: &[(&str, ConfigType, Option<&str>, UpdateMode)] = &[
    ("log.segment.bytes", ConfigType::Int, Some("1073741824"), UpdateMode::ClusterWide),
    ("log.roll.ms", ConfigType::Long, None, UpdateMode::ClusterWide),
    ("log.roll.hours", ConfigType::Int, Some("168"), UpdateMode::ReadOnly),
    ("log.roll.jitter.ms", ConfigType::Long, None, UpdateMode::ClusterWide),
    ("log.roll.jitter.hours", ConfigType::Int, Some("0"), UpdateMode::ReadOnly),
    ("log.retention.ms", ConfigType::Long, None, UpdateMode::ClusterWide),
    ("log.retention.minutes", ConfigType::Int, None, UpdateMode::ReadOnly),
    ("log.retention.hours", ConfigType::Int, Some("168"), UpdateMode::ReadOnly),
    ("log.retention.bytes", ConfigType::Long, Some("-1"), UpdateMode::ClusterWide),
    ("log.retention.check.interval.ms", ConfigType::Long, Some("300000"), UpdateMode::ReadOnly),
    ("log.cleaner.backoff.ms", ConfigType::Long, Some("15000"), UpdateMode::ClusterWide),
    ("log.cleaner.min.cleanable.ratio", ConfigType::Double, Some("0.5"), UpdateMode::ClusterWide),
    ("log.cleaner.delete.retention.ms", ConfigType::Long, Some("86400000"), UpdateMode::ClusterWide),
    ("log.cleaner.min.compaction.lag.ms", ConfigType::Long, Some("0"), UpdateMode::ClusterWide),
    ("log.cleaner.max.compaction.lag.ms", ConfigType::Long, Some("9223372036854775807"), UpdateMode::ClusterWide),
    ("log.index.interval.bytes", ConfigType::Int, Some("4096"), UpdateMode::ClusterWide),
    ("log.index.size.max.bytes", ConfigType::Int, Some("10485760"), UpdateMode::ClusterWide),
    ("log.flush.interval.messages", ConfigType::Long, Some("9223372036854775807"), UpdateMode::ClusterWide),
    ("log.flush.interval.ms", ConfigType::Long, None, UpdateMode::ClusterWide),
    ("log.flush.scheduler.interval.ms", ConfigType::Long, Some("9223372036854775807"), UpdateMode::ReadOnly),
    ("log.segment.delete.delay.ms", ConfigType::Long, Some("60000"), UpdateMode::ClusterWide),
    ("log.cleanup.policy", ConfigType::List, Some("delete"), UpdateMode::ClusterWide),
    ("message.max.bytes", ConfigType::Int, Some("1048588"), UpdateMode::ClusterWide),
    ("min.insync.replicas", ConfigType::Int, Some("1"), UpdateMode::ClusterWide),
    ("unclean.leader.election.enable", ConfigType::Boolean, Some("false"), UpdateMode::ClusterWide),
    ("num.partitions", ConfigType::Int, Some("1"), UpdateMode::ReadOnly),
    ("default.replication.factor", ConfigType::Int, Some("1"), UpdateMode::ReadOnly),
    ("auto.create.topics.enable", ConfigType::Boolean, Some("true"), UpdateMode::ReadOnly),
    ("offsets.topic.num.partitions", ConfigType::Int, Some("50"), UpdateMode::ReadOnly),
    ("offsets.topic.replication.factor", ConfigType::Short, Some("3"), UpdateMode::ReadOnly),
    ("replica.lag.time.max.ms", ConfigType::Long, Some("30000"), UpdateMode::ReadOnly),
];

#[test]
fn broker_defaults_match_kafka_4_1() {
    for &(name, ty, default, mode) in BROKER_TABLE {
        let def = broker_config_def(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            (def.config_type, def.default, def.update_mode),
            (ty, default, mode),
            "{name}"
        );
    }
    for def in &BROKER_CONFIGS {
        if let Some(default) = def.default {
            assert_eq!(
                validate_broker_config(Strictness::Kafka, def.name, default),
                Ok(None)
            );
        }
    }
    let b = BrokerConfigStore::new().resolve().unwrap();
    assert_eq!(b, BrokerConfigs::default());
    assert_eq!(b.num_partitions, 1);
    assert_eq!(b.default_replication_factor, 1);
    assert!(b.auto_create_topics_enable);
    assert_eq!(b.offsets_topic_num_partitions, 50);
    assert_eq!(b.offsets_topic_replication_factor, 3);
    assert_eq!(b.replica_lag_time_max_ms, 30_000);
    assert_eq!(b.log_retention_check_interval_ms, 300_000);
    assert_eq!(b.log_cleaner_backoff_ms, 15_000);
}

/// (name, value, Kafka's message): `ConfigDef.parseType` failures and `LogConfig.validateNames`.
#[rustfmt::skip]
const PARSE_CASES: &[(&str, &str, &str)] = &[
    ("segment.bytes", "abc", "Invalid value abc for configuration segment.bytes: Not a number of type INT"),
    ("segment.bytes", "3000000000", "Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT"),
    ("retention.ms", "7d", "Invalid value 7d for configuration retention.ms: Not a number of type LONG"),
    ("min.cleanable.dirty.ratio", "half", "Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE"),
    ("preallocate", "yes", "Invalid value yes for configuration preallocate: Expected value to be either true or false"),
    ("unclean.leader.election.enable", "1", "Invalid value 1 for configuration unclean.leader.election.enable: Expected value to be either true or false"),
    ("foo", "1", "Unknown topic config name: foo"),
];

/// (name, value, Kafka's message): `Range`, `ValidString` and `ValidList` failures. A validator
/// sees the parsed value, so `2` prints as `2.0` and ` 00 ` as `0`.
#[rustfmt::skip]
const VALIDATOR_CASES: &[(&str, &str, &str)] = &[
    ("segment.ms", "0", "Invalid value 0 for configuration segment.ms: Value must be at least 1"),
    ("segment.ms", " 00 ", "Invalid value 0 for configuration segment.ms: Value must be at least 1"),
    ("segment.jitter.ms", "-1", "Invalid value -1 for configuration segment.jitter.ms: Value must be at least 0"),
    ("segment.index.bytes", "3", "Invalid value 3 for configuration segment.index.bytes: Value must be at least 4"),
    ("flush.messages", "0", "Invalid value 0 for configuration flush.messages: Value must be at least 1"),
    ("flush.ms", "-1", "Invalid value -1 for configuration flush.ms: Value must be at least 0"),
    ("retention.ms", "-2", "Invalid value -2 for configuration retention.ms: Value must be at least -1"),
    ("max.message.bytes", "-1", "Invalid value -1 for configuration max.message.bytes: Value must be at least 0"),
    ("index.interval.bytes", "-1", "Invalid value -1 for configuration index.interval.bytes: Value must be at least 0"),
    ("delete.retention.ms", "-1", "Invalid value -1 for configuration delete.retention.ms: Value must be at least 0"),
    ("min.compaction.lag.ms", "-1", "Invalid value -1 for configuration min.compaction.lag.ms: Value must be at least 0"),
    ("max.compaction.lag.ms", "0", "Invalid value 0 for configuration max.compaction.lag.ms: Value must be at least 1"),
    ("file.delete.delay.ms", "-1", "Invalid value -1 for configuration file.delete.delay.ms: Value must be at least 0"),
    ("min.insync.replicas", "0", "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"),
    ("message.timestamp.before.max.ms", "-1", "Invalid value -1 for configuration message.timestamp.before.max.ms: Value must be at least 0"),
    ("message.timestamp.after.max.ms", "-1", "Invalid value -1 for configuration message.timestamp.after.max.ms: Value must be at least 0"),
    ("min.cleanable.dirty.ratio", "1.5", "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"),
    ("min.cleanable.dirty.ratio", "2", "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"),
    ("min.cleanable.dirty.ratio", "-0.1", "Invalid value -0.1 for configuration min.cleanable.dirty.ratio: Value must be at least 0"),
    ("min.cleanable.dirty.ratio", "Infinity", "Invalid value Infinity for configuration min.cleanable.dirty.ratio: Value must be no more than 1"),
    ("cleanup.policy", "foo", "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete"),
    ("cleanup.policy", "Delete", "Invalid value Delete for configuration cleanup.policy: String must be one of: compact, delete"),
    ("cleanup.policy", "delete,", "Invalid value  for configuration cleanup.policy: String must be one of: compact, delete"),
    ("compression.type", "brotli", "Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"),
    ("message.timestamp.type", "Create", "Invalid value Create for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime"),
];

#[test]
fn parse_errors_are_kafkas_messages() {
    for &(name, value, message) in PARSE_CASES {
        assert_eq!(err(name, value), message);
    }
}

#[test]
fn validator_errors_are_kafkas_messages() {
    for &(name, value, message) in VALIDATOR_CASES {
        assert_eq!(err(name, value), message);
    }
    let lags = map(&[
        ("min.compaction.lag.ms", "100"),
        ("max.compaction.lag.ms", "99"),
    ]);
    let conflict = validate_topic_configs(Strictness::Playground, &lags, &TopicConfigs::default());
    assert_eq!(
        conflict.unwrap_err().to_string(),
        "conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (99)"
    );
}

#[test]
fn segment_bytes_below_one_mib_warns_in_the_playground() {
    let warning = validate_topic_config("segment.bytes", "1024")
        .unwrap()
        .unwrap();
    assert_eq!(warning.config, "segment.bytes");
    assert!(
        warning.message.starts_with(
            "WARNING: segment.bytes=1024 is below Kafka's minimum of 1048576 bytes (1 MiB)."
        ),
        "{warning}"
    );
    assert!(
        warning.message.ends_with(
            "Invalid value 1024 for configuration segment.bytes: Value must be at least 1048576"
        ),
        "{warning}"
    );
    assert_eq!(validate_topic_config("segment.bytes", "1048576"), Ok(None));
    assert_eq!(
        validate_topic_config("segment.bytes", "14").map(|w| w.is_some()),
        Ok(true)
    );
    assert_eq!(
        err("segment.bytes", "13"),
        "Invalid value 13 for configuration segment.bytes: Value must be at least 14"
    );
    assert_eq!(
        err("segment.bytes", "0"),
        "Invalid value 0 for configuration segment.bytes: Value must be at least 14"
    );
    // Kafka's own rule is one setting away.
    assert_eq!(
        validate_topic_config_with(Strictness::Kafka, "segment.bytes", "1024")
            .unwrap_err()
            .to_string(),
        "Invalid value 1024 for configuration segment.bytes: Value must be at least 1048576"
    );
    let b = validate_broker_config(Strictness::Playground, "log.segment.bytes", "4096").unwrap();
    assert!(b.is_some_and(|w| w.message.starts_with("WARNING: log.segment.bytes=4096")));
    let c = TopicConfigs::default()
        .with_overrides(&map(&[("segment.bytes", "1024")]))
        .unwrap();
    assert_eq!(c.segment_bytes, 1024);
}

#[test]
fn synonym_precedence_topic_over_dynamic_over_static_over_default() {
    let mut store = BrokerConfigStore::new();
    let retention = |store: &BrokerConfigStore, o: &BTreeMap<String, String>| {
        TopicConfigs::resolve(store, o).unwrap().retention_ms
    };
    let none = BTreeMap::new();
    assert_eq!(retention(&store, &none), 604_800_000);
    store
        .static_configs
        .insert("log.retention.hours".into(), "24".into());
    assert_eq!(retention(&store, &none), 86_400_000);
    store
        .static_configs
        .insert("log.retention.minutes".into(), "30".into());
    assert_eq!(retention(&store, &none), 1_800_000);
    store
        .static_configs
        .insert("log.retention.ms".into(), "5000".into());
    assert_eq!(retention(&store, &none), 5000);
    store
        .alter(
            BrokerScope::ClusterDefault,
            Strictness::Playground,
            &map(&[("log.retention.ms", "4000")]),
            &[],
        )
        .unwrap();
    assert_eq!(retention(&store, &none), 4000);
    store
        .alter(
            BrokerScope::Broker,
            Strictness::Playground,
            &map(&[("log.retention.ms", "3000")]),
            &[],
        )
        .unwrap();
    assert_eq!(retention(&store, &none), 3000);
    assert_eq!(retention(&store, &map(&[("retention.ms", "2000")])), 2000);
    // Deleting the per-broker value falls back to the cluster-wide one.
    store
        .alter(
            BrokerScope::Broker,
            Strictness::Playground,
            &BTreeMap::new(),
            &["log.retention.ms".into()],
        )
        .unwrap();
    assert_eq!(retention(&store, &none), 4000);
    // log.roll.hours and log.flush.scheduler.interval.ms feed segment.ms and flush.ms.
    store
        .static_configs
        .insert("log.roll.hours".into(), "2".into());
    store
        .static_configs
        .insert("log.flush.scheduler.interval.ms".into(), "1000".into());
    let c = TopicConfigs::resolve(&store, &none).unwrap();
    assert_eq!((c.segment_ms, c.flush_ms), (7_200_000, 1000));
    // A negative broker retention means "forever": -1.
    store
        .static_configs
        .insert("log.retention.ms".into(), "-100".into());
    store.dynamic_default.clear();
    assert_eq!(retention(&store, &none), -1);
}

#[test]
fn broker_alter_refuses_read_only_configs() {
    let mut store = BrokerConfigStore::new();
    let e = store
        .alter(
            BrokerScope::Broker,
            Strictness::Playground,
            &map(&[("auto.create.topics.enable", "false")]),
            &[],
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Cannot update these configs dynamically: Set(auto.create.topics.enable)"
    );
    assert_eq!(e.code.name(), "INVALID_REQUEST");
    let e = store
        .alter(
            BrokerScope::ClusterDefault,
            Strictness::Playground,
            &map(&[("log.dirs", "/x")]),
            &[],
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Cannot update these configs dynamically: Set(log.dirs)"
    );
    let e = store
        .alter(
            BrokerScope::ClusterDefault,
            Strictness::Playground,
            &map(&[("message.max.bytes", "big")]),
            &[],
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid value big for configuration message.max.bytes: Not a number of type INT"
    );
    assert_eq!(store, BrokerConfigStore::new());
    store
        .alter(
            BrokerScope::ClusterDefault,
            Strictness::Playground,
            &map(&[("log.cleaner.backoff.ms", "1000")]),
            &[],
        )
        .unwrap();
    assert_eq!(store.resolve().unwrap().log_cleaner_backoff_ms, 1000);
}

fn quickstart_store() -> BrokerConfigStore {
    // Kafka's config/server.properties sets these (among others).
    let props = map(&[
        ("log.retention.hours", "168"),
        ("log.segment.bytes", "1073741824"),
        ("log.retention.check.interval.ms", "300000"),
    ]);
    BrokerConfigStore::with_static(Strictness::Kafka, props)
        .expect("the quickstart's configs are valid")
        .0
}

#[test]
fn describe_topic_all_and_dynamic() {
    let store = quickstart_store();
    let overrides = map(&[
        ("cleanup.policy", "compact, delete"),
        ("min.cleanable.dirty.ratio", "0"),
    ]);
    let entries = describe_topic_configs(&store, &overrides).unwrap();
    let all = format_topic_describe("t", &entries, true);
    assert_eq!(all[0], "All configs for topic t are:");
    let has = |line: &str| {
        assert!(
            all.iter().any(|l| l == line),
            "missing {line:?} in {all:#?}"
        )
    };
    has("  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}");
    has("  min.cleanable.dirty.ratio=0.0 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.cleanable.dirty.ratio=0.0, DEFAULT_CONFIG:log.cleaner.min.cleanable.ratio=0.5}");
    has("  segment.bytes=1073741824 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.segment.bytes=1073741824, DEFAULT_CONFIG:log.segment.bytes=1073741824}");
    has("  retention.ms=604800000 sensitive=false synonyms={}");
    has("  segment.ms=604800000 sensitive=false synonyms={}");
    has("  flush.ms=9223372036854775807 sensitive=false synonyms={}");
    has("  message.timestamp.after.max.ms=3600000 sensitive=false synonyms={DEFAULT_CONFIG:log.message.timestamp.after.max.ms=3600000}");
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert_eq!(
        format_topic_describe("t", &entries, false),
        vec![
            "Dynamic configs for topic t are:".to_string(),
            "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}".to_string(),
            "  min.cleanable.dirty.ratio=0.0 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.cleanable.dirty.ratio=0.0, DEFAULT_CONFIG:log.cleaner.min.cleanable.ratio=0.5}".to_string(),
        ]
    );
    let segment = entries.iter().find(|e| e.name == "segment.bytes").unwrap();
    assert_eq!(segment.source, ConfigSource::StaticBrokerConfig);
}

#[test]
fn configs_column_matches_kafka_output() {
    // The quickstart: `Configs: segment.bytes=1073741824` (a static broker config counts).
    let store = quickstart_store();
    let column =
        |o: &[(&str, &str)]| configs_column(&describe_topic_configs(&store, &map(o)).unwrap());
    assert_eq!(column(&[]), "segment.bytes=1073741824");
    // Orders seen in real `kafka-topics.sh --describe` output (Java HashMap order).
    assert_eq!(
        column(&[
            ("cleanup.policy", "compact"),
            ("min.cleanable.dirty.ratio", "0.001")
        ]),
        "cleanup.policy=compact,segment.bytes=1073741824,min.cleanable.dirty.ratio=0.001"
    );
    assert_eq!(
        column(&[
            ("cleanup.policy", "compact,delete"),
            ("retention.ms", "2592000000")
        ]),
        "cleanup.policy=compact,delete,segment.bytes=1073741824,retention.ms=2592000000"
    );
    let plain = BrokerConfigStore::new();
    let plain_column =
        |o: &[(&str, &str)]| configs_column(&describe_topic_configs(&plain, &map(o)).unwrap());
    assert_eq!(
        plain_column(&[
            ("segment.ms", "5000"),
            ("cleanup.policy", "compact"),
            ("min.cleanable.dirty.ratio", "0.01")
        ]),
        "cleanup.policy=compact,min.cleanable.dirty.ratio=0.01,segment.ms=5000"
    );
    assert_eq!(
        plain_column(&[("min.insync.replicas", "2")]),
        "min.insync.replicas=2"
    );
    assert_eq!(plain_column(&[]), "");
}

#[test]
fn describe_broker_configs_like_kafka() {
    let mut store = quickstart_store();
    store
        .alter(
            BrokerScope::ClusterDefault,
            Strictness::Playground,
            &map(&[("log.retention.ms", "86400000")]),
            &[],
        )
        .unwrap();
    store
        .alter(
            BrokerScope::Broker,
            Strictness::Playground,
            &map(&[("message.max.bytes", "2000000")]),
            &[],
        )
        .unwrap();
    let entries = describe_broker_configs(&store, BrokerScope::Broker).unwrap();
    let all = format_broker_describe(Some(1), &entries, true);
    assert_eq!(all[0], "All configs for broker 1 are:");
    let has = |line: &str| {
        assert!(
            all.iter().any(|l| l == line),
            "missing {line:?} in {all:#?}"
        )
    };
    has("  log.retention.ms=86400000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=86400000, STATIC_BROKER_CONFIG:log.retention.hours=168, DEFAULT_CONFIG:log.retention.hours=168}");
    has("  log.retention.hours=168 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.retention.hours=168, DEFAULT_CONFIG:log.retention.hours=168}");
    has("  log.roll.ms=null sensitive=false synonyms={}");
    has("  message.max.bytes=2000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:message.max.bytes=2000000, DEFAULT_CONFIG:message.max.bytes=1048588}");
    assert_eq!(
        format_broker_describe(Some(1), &entries, false),
        vec![
            "Dynamic configs for broker 1 are:".to_string(),
            "  message.max.bytes=2000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:message.max.bytes=2000000, DEFAULT_CONFIG:message.max.bytes=1048588}".to_string(),
        ]
    );
    let defaults = describe_broker_configs(&store, BrokerScope::ClusterDefault).unwrap();
    assert_eq!(
        format_broker_describe(None, &defaults, false),
        vec![
            "Default configs for brokers in the cluster are:".to_string(),
            "  log.retention.ms=86400000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=86400000}".to_string(),
        ]
    );
    let hours = entries
        .iter()
        .find(|e| e.name == "log.retention.hours")
        .unwrap();
    assert!(hours.is_read_only);
    // The topic now inherits one day, and says so through the dynamic default.
    let topic = describe_topic_configs(&store, &BTreeMap::new()).unwrap();
    let line = topic
        .iter()
        .find(|e| e.name == "retention.ms")
        .unwrap()
        .describe_line();
    assert_eq!(line, "  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=86400000, STATIC_BROKER_CONFIG:log.retention.hours=168, DEFAULT_CONFIG:log.retention.hours=168}");
}

fn all_names() -> Vec<&'static str> {
    TOPIC_CONFIGS
        .iter()
        .map(|d| d.name)
        .chain(BROKER_CONFIGS.iter().map(|d| d.name))
        .collect()
}

proptest! {
    /// Nothing panics on any text for any config name, and what passes validation resolves.
    #[test]
    fn any_value_never_panics(index in 0usize..59, value in any::<String>()) {
        let names = all_names();
        let name = names[index % names.len()];
        let topic_ok = validate_topic_config(name, &value).is_ok();
        let _ = validate_topic_config_with(Strictness::Kafka, name, &value);
        let overrides = map(&[(name, value.as_str())]);
        let resolved = TopicConfigs::default().with_overrides(&overrides);
        prop_assert_eq!(topic_ok, resolved.is_ok());
        let _ = validate_topic_configs(Strictness::Playground, &overrides, &TopicConfigs::default());
        let _ = describe_topic_configs(&BrokerConfigStore::new(), &overrides);
        let mut store = BrokerConfigStore::new();
        if store.alter(BrokerScope::ClusterDefault, Strictness::Playground, &overrides, &[]).is_ok() {
            prop_assert!(store.resolve().is_ok());
            prop_assert!(describe_broker_configs(&store, BrokerScope::Broker).is_ok());
        }
        let _ = BrokerConfigStore::with_static(Strictness::Playground, overrides);
    }

    /// Numeric-looking text: the same property, with inputs that reach the range checks.
    #[test]
    fn numbers_never_panic(index in 0usize..59, n in any::<i64>(), frac in "[0-9]{0,25}", exp in -400i32..400) {
        let names = all_names();
        let name = names[index % names.len()];
        for value in [n.to_string(), format!("{n}.{frac}"), format!("0.{frac}e{exp}"), format!(" +{frac} ")] {
            let _ = validate_topic_config(name, &value);
            let _ = validate_broker_config(Strictness::Playground, name, &value);
            let _ = TopicConfigs::default().with_overrides(&map(&[(name, value.as_str())]));
        }
    }

    /// Every in-range ratio resolves to the right parts per million.
    #[test]
    fn ratios_round_to_ppm(ppm in 0u32..=1_000_000) {
        let text = format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000);
        let c = TopicConfigs::default().with_overrides(&map(&[("min.cleanable.dirty.ratio", text.as_str())])).unwrap();
        prop_assert_eq!(c.min_cleanable_dirty_ratio_ppm, ppm);
    }
}
