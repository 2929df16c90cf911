//! The broker configs of Kafka 4.1's `KafkaConfig` that the playground models.
//!
//! Defaults and validators are from `LogConfig.SERVER_CONFIG_DEF` and `ServerLogConfigs`,
//! `CleanerConfig`, `ServerConfigs` (`message.max.bytes`), `ReplicationConfigs` and
//! `GroupCoordinatorConfig` (`offsets.topic.*`). The update mode follows
//! `DynamicBrokerConfig.AllDynamicConfigs`: the primary broker synonym of every topic config
//! (`DynamicLogConfig.ReconfigurableConfigs`) and the cleaner's `RECONFIGURABLE_CONFIGS` are
//! cluster-wide; the secondary synonyms (`log.roll.hours`, `log.retention.minutes`, ...) and
//! everything else here are read-only.

use super::topic_defs::{CLEANUP_POLICIES, COMPRESSION_TYPES, LONG_MAX, TIMESTAMP_TYPES};
use super::validator::Validator;
use super::{ConfigType, UpdateMode};

pub const NUM_PARTITIONS: &str = "num.partitions";
pub const DEFAULT_REPLICATION_FACTOR: &str = "default.replication.factor";
pub const AUTO_CREATE_TOPICS_ENABLE: &str = "auto.create.topics.enable";
pub const OFFSETS_TOPIC_NUM_PARTITIONS: &str = "offsets.topic.num.partitions";
pub const OFFSETS_TOPIC_REPLICATION_FACTOR: &str = "offsets.topic.replication.factor";
pub const REPLICA_LAG_TIME_MAX_MS: &str = "replica.lag.time.max.ms";
pub const LOG_RETENTION_CHECK_INTERVAL_MS: &str = "log.retention.check.interval.ms";
pub const LOG_CLEANER_BACKOFF_MS: &str = "log.cleaner.backoff.ms";
pub const LOG_FLUSH_SCHEDULER_INTERVAL_MS: &str = "log.flush.scheduler.interval.ms";
pub const LOG_SEGMENT_BYTES: &str = "log.segment.bytes";
pub const GROUP_CONSUMER_MIGRATION_POLICY: &str = "group.consumer.migration.policy";
/// `ConsumerGroupMigrationPolicy`'s names as `CaseInsensitiveValidString` keeps them: upper
/// case, in its `HashSet`'s order (buckets 0, 4, 8, 12 of 16), which is how Kafka prints them.
pub const MIGRATION_POLICIES: &[&str] = &["DISABLED", "DOWNGRADE", "UPGRADE", "BIDIRECTIONAL"];

/// Other broker configs Kafka 4.1 knows as read-only, so that a dynamic update of one is refused
/// with Kafka's message even though the playground does not model it.
pub const OTHER_READ_ONLY: &[&str] = &[
    "advertised.listeners",
    "auto.leader.rebalance.enable",
    "broker.id",
    "controller.listener.names",
    "controller.quorum.bootstrap.servers",
    "controller.quorum.voters",
    "delete.topic.enable",
    "group.initial.rebalance.delay.ms",
    "inter.broker.listener.name",
    "listeners",
    "log.dir",
    "log.dirs",
    "node.id",
    "offsets.retention.minutes",
    "process.roles",
    "security.inter.broker.protocol",
    "transaction.state.log.min.isr",
    "transaction.state.log.replication.factor",
];

/// One broker config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokerConfigDef {
    pub name: &'static str,
    pub config_type: ConfigType,
    /// Kafka's default as `ConfigDef.convertToString` prints it; `None` for a `null` default.
    pub default: Option<&'static str>,
    pub validator: Validator,
    pub update_mode: UpdateMode,
    pub doc: &'static str,
}

/// Looks a broker config up by name.
pub fn broker_config_def(name: &str) -> Option<&'static BrokerConfigDef> {
    BROKER_CONFIGS.iter().find(|def| def.name == name)
}

/// `DynamicBrokerConfig.brokerConfigSynonyms(name, true)`: the names that set the same value,
/// highest priority first (the listener-prefix case does not arise here).
pub fn broker_config_synonyms(name: &str) -> Vec<&str> {
    const ROLL: &[&str] = &["log.roll.ms", "log.roll.hours"];
    const JITTER: &[&str] = &["log.roll.jitter.ms", "log.roll.jitter.hours"];
    const FLUSH: &[&str] = &["log.flush.interval.ms", "log.flush.scheduler.interval.ms"];
    const RETENTION: &[&str] = &[
        "log.retention.ms",
        "log.retention.minutes",
        "log.retention.hours",
    ];
    for group in [ROLL, JITTER, RETENTION] {
        if group.contains(&name) {
            return group.to_vec();
        }
    }
    // Only log.flush.interval.ms falls back to the scheduler interval, not the other way round.
    if name == FLUSH[0] {
        return FLUSH.to_vec();
    }
    vec![name]
}

const fn def(
    name: &'static str,
    config_type: ConfigType,
    default: Option<&'static str>,
    validator: Validator,
    update_mode: UpdateMode,
    doc: &'static str,
) -> BrokerConfigDef {
    BrokerConfigDef {
        name,
        config_type,
        default,
        validator,
        update_mode,
        doc,
    }
}

use ConfigType::{Boolean, Double, Int, List, Long, Short, String as Str};
use UpdateMode::{ClusterWide, ReadOnly};
use Validator::{AtLeast, Between, ListOf, OneOf, OneOfIgnoringCase};

/// Every modelled broker config.
#[rustfmt::skip]
pub static BROKER_CONFIGS: [BrokerConfigDef; 38] = [
    def(LOG_SEGMENT_BYTES, Int, Some("1073741824"), AtLeast(1024 * 1024), ClusterWide,
        "The maximum size of a single log file"),
    def("log.roll.ms", Long, None, Validator::None, ClusterWide,
        "The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used"),
    def("log.roll.hours", Int, Some("168"), AtLeast(1), ReadOnly,
        "The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property"),
    def("log.roll.jitter.ms", Long, None, Validator::None, ClusterWide,
        "The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used"),
    def("log.roll.jitter.hours", Int, Some("0"), AtLeast(0), ReadOnly,
        "The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property"),
    def("log.retention.ms", Long, None, Validator::None, ClusterWide,
        "The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied."),
    def("log.retention.minutes", Int, None, Validator::None, ReadOnly,
        "The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property. If not set, the value in log.retention.hours is used"),
    def("log.retention.hours", Int, Some("168"), Validator::None, ReadOnly,
        "The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property"),
    def("log.retention.bytes", Long, Some("-1"), Validator::None, ClusterWide,
        "The maximum size of the log before deleting it"),
    def(LOG_RETENTION_CHECK_INTERVAL_MS, Long, Some("300000"), AtLeast(1), ReadOnly,
        "The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion"),
    def("log.cleanup.policy", List, Some("delete"), ListOf(CLEANUP_POLICIES), ClusterWide,
        "The default cleanup policy for segments beyond the retention window. A comma separated list of valid policies."),
    def(LOG_CLEANER_BACKOFF_MS, Long, Some("15000"), AtLeast(0), ClusterWide,
        "The amount of time to sleep when there are no logs to clean"),
    def("log.cleaner.min.cleanable.ratio", Double, Some("0.5"), Between(0, 1), ClusterWide,
        "The minimum ratio of dirty log to total log for a log to eligible for cleaning."),
    def("log.cleaner.delete.retention.ms", Long, Some("86400000"), AtLeast(0), ClusterWide,
        "The amount of time to retain tombstone message markers for log compacted topics."),
    def("log.cleaner.min.compaction.lag.ms", Long, Some("0"), AtLeast(0), ClusterWide,
        "The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted."),
    def("log.cleaner.max.compaction.lag.ms", Long, Some(LONG_MAX), AtLeast(1), ClusterWide,
        "The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted."),
    def("log.index.size.max.bytes", Int, Some("10485760"), AtLeast(4), ClusterWide,
        "The maximum size in bytes of the offset index"),
    def("log.index.interval.bytes", Int, Some("4096"), AtLeast(0), ClusterWide,
        "The interval with which we add an entry to the offset index."),
    def("log.flush.interval.messages", Long, Some(LONG_MAX), AtLeast(1), ClusterWide,
        "The number of messages accumulated on a log partition before messages are flushed to disk."),
    def("log.flush.interval.ms", Long, None, Validator::None, ClusterWide,
        "The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used"),
    def(LOG_FLUSH_SCHEDULER_INTERVAL_MS, Long, Some(LONG_MAX), Validator::None, ReadOnly,
        "The frequency in ms that the log flusher checks whether any log needs to be flushed to disk"),
    def("log.flush.offset.checkpoint.interval.ms", Int, Some("60000"), AtLeast(0), ReadOnly,
        "The frequency with which we update the persistent record of the last flush which acts as the log recovery point."),
    def("log.segment.delete.delay.ms", Long, Some("60000"), AtLeast(0), ClusterWide,
        "The amount of time to wait before deleting a file from the filesystem."),
    def("log.preallocate", Boolean, Some("false"), Validator::None, ClusterWide,
        "Should pre allocate file when create new segment?"),
    def("log.message.timestamp.type", Str, Some("CreateTime"), OneOf(TIMESTAMP_TYPES), ClusterWide,
        "Define whether the timestamp in the message is message create time or log append time."),
    def("log.message.timestamp.before.max.ms", Long, Some(LONG_MAX), AtLeast(0), ClusterWide,
        "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp."),
    def("log.message.timestamp.after.max.ms", Long, Some("3600000"), AtLeast(0), ClusterWide,
        "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp."),
    def("message.max.bytes", Int, Some("1048588"), AtLeast(0), ClusterWide,
        "The largest record batch size allowed by Kafka (after compression if compression is enabled)."),
    def("min.insync.replicas", Int, Some("1"), AtLeast(1), ClusterWide,
        "When a producer sets acks to \"all\" (or \"-1\"), min.insync.replicas specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful."),
    def("unclean.leader.election.enable", Boolean, Some("false"), Validator::None, ClusterWide,
        "Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss"),
    def("compression.type", Str, Some("producer"), OneOf(COMPRESSION_TYPES), ClusterWide,
        "Specify the final compression type for a given topic."),
    def(NUM_PARTITIONS, Int, Some("1"), AtLeast(1), ReadOnly,
        "The default number of log partitions per topic."),
    def(DEFAULT_REPLICATION_FACTOR, Int, Some("1"), Validator::None, ReadOnly,
        "The replication factor for automatically created topics, and for topics created with -1 as the replication factor"),
    def(AUTO_CREATE_TOPICS_ENABLE, Boolean, Some("true"), Validator::None, ReadOnly,
        "Enable auto creation of topic on the server."),
    def(OFFSETS_TOPIC_NUM_PARTITIONS, Int, Some("50"), AtLeast(1), ReadOnly,
        "The number of partitions for the offset commit topic (should not change after deployment)."),
    def(OFFSETS_TOPIC_REPLICATION_FACTOR, Short, Some("3"), AtLeast(1), ReadOnly,
        "The replication factor for the offsets topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement."),
    def(REPLICA_LAG_TIME_MAX_MS, Long, Some("30000"), Validator::None, ReadOnly,
        "If a follower hasn't sent any fetch requests or hasn't consumed up to the leader's log end offset for at least this time, the leader will remove the follower from isr"),
    def(GROUP_CONSUMER_MIGRATION_POLICY, Str, Some("bidirectional"), OneOfIgnoringCase(MIGRATION_POLICIES), ReadOnly,
        "The config that enables converting the non-empty classic group using the consumer embedded protocol to the non-empty consumer group using the consumer group protocol and vice versa; conversions of empty groups in both directions are always enabled regardless of this policy. bidirectional: both upgrade from classic group to consumer group and downgrade from consumer group to classic group are enabled, upgrade: only upgrade from classic group to consumer group is enabled, downgrade: only downgrade from consumer group to classic group is enabled, disabled: neither upgrade nor downgrade is enabled."),
];

#[cfg(test)]
mod tests {
    use super::super::topic_defs::TOPIC_CONFIGS;
    use super::*;

    #[test]
    fn every_topic_synonym_is_a_broker_config() {
        for topic in &TOPIC_CONFIGS {
            for (i, s) in topic.synonyms.iter().enumerate() {
                let b = broker_config_def(s.name).unwrap_or_else(|| panic!("{}", s.name));
                // DynamicLogConfig.ReconfigurableConfigs holds the primary synonyms only.
                assert_eq!(b.update_mode.is_dynamic(), i == 0, "{}", s.name);
            }
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, d) in BROKER_CONFIGS.iter().enumerate() {
            assert!(
                BROKER_CONFIGS[i + 1..].iter().all(|o| o.name != d.name),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn synonym_groups() {
        assert_eq!(
            broker_config_synonyms("log.retention.hours"),
            [
                "log.retention.ms",
                "log.retention.minutes",
                "log.retention.hours"
            ]
        );
        assert_eq!(
            broker_config_synonyms("log.roll.ms"),
            ["log.roll.ms", "log.roll.hours"]
        );
        assert_eq!(
            broker_config_synonyms("log.flush.interval.ms"),
            ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"]
        );
        assert_eq!(
            broker_config_synonyms("log.flush.scheduler.interval.ms"),
            ["log.flush.scheduler.interval.ms"]
        );
        assert_eq!(broker_config_synonyms("num.partitions"), ["num.partitions"]);
    }
}
