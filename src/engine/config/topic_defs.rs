//! The topic configs of Kafka 4.1's `LogConfig`, in its definition order.
//!
//! Each has its type, Kafka's default (as `ConfigDef.convertToString` prints it), validator, the
//! broker configs it falls back to (`ServerTopicConfigSynonyms.ALL_TOPIC_CONFIG_SYNONYMS`, highest
//! priority first, with the unit conversion of `log.roll.hours` and friends) and the first
//! sentence of Kafka's doc (`TopicConfig.*_DOC`).
//!
//! Not modelled: `compression.{gzip,lz4,zstd}.level`, the replication throttles, and the tiered
//! storage configs (`remote.storage.enable`, `local.retention.*`, `remote.log.*`).

use super::validator::Validator;
use super::ConfigType;

pub const SEGMENT_BYTES: &str = "segment.bytes";
pub const SEGMENT_MS: &str = "segment.ms";
pub const SEGMENT_JITTER_MS: &str = "segment.jitter.ms";
pub const SEGMENT_INDEX_BYTES: &str = "segment.index.bytes";
pub const FLUSH_MESSAGES: &str = "flush.messages";
pub const FLUSH_MS: &str = "flush.ms";
pub const RETENTION_BYTES: &str = "retention.bytes";
pub const RETENTION_MS: &str = "retention.ms";
pub const MAX_MESSAGE_BYTES: &str = "max.message.bytes";
pub const INDEX_INTERVAL_BYTES: &str = "index.interval.bytes";
pub const DELETE_RETENTION_MS: &str = "delete.retention.ms";
pub const MIN_COMPACTION_LAG_MS: &str = "min.compaction.lag.ms";
pub const MAX_COMPACTION_LAG_MS: &str = "max.compaction.lag.ms";
pub const FILE_DELETE_DELAY_MS: &str = "file.delete.delay.ms";
pub const MIN_CLEANABLE_DIRTY_RATIO: &str = "min.cleanable.dirty.ratio";
pub const CLEANUP_POLICY: &str = "cleanup.policy";
pub const UNCLEAN_LEADER_ELECTION_ENABLE: &str = "unclean.leader.election.enable";
pub const MIN_INSYNC_REPLICAS: &str = "min.insync.replicas";
pub const COMPRESSION_TYPE: &str = "compression.type";
pub const PREALLOCATE: &str = "preallocate";
pub const MESSAGE_TIMESTAMP_TYPE: &str = "message.timestamp.type";
pub const MESSAGE_TIMESTAMP_BEFORE_MAX_MS: &str = "message.timestamp.before.max.ms";
pub const MESSAGE_TIMESTAMP_AFTER_MAX_MS: &str = "message.timestamp.after.max.ms";

/// `cleanup.policy` values (`TopicConfig.CLEANUP_POLICY_*`), in `ValidList.in`'s order.
pub const CLEANUP_POLICIES: &[&str] = &["compact", "delete"];
/// `BrokerCompressionType.names()`, in Kafka's order.
pub const COMPRESSION_TYPES: &[&str] =
    &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];
/// `message.timestamp.type` values.
pub const TIMESTAMP_TYPES: &[&str] = &["CreateTime", "LogAppendTime"];

/// `Long.MAX_VALUE` as Kafka prints it.
pub(crate) const LONG_MAX: &str = "9223372036854775807";

/// A broker config a topic config falls back to, and what to multiply its value by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synonym {
    pub name: &'static str,
    /// 1 for the same unit; 60000 for minutes and 3600000 for hours to milliseconds.
    pub factor: i64,
}

const fn same(name: &'static str) -> Synonym {
    Synonym { name, factor: 1 }
}

const fn hours(name: &'static str) -> Synonym {
    Synonym {
        name,
        factor: 3_600_000,
    }
}

const fn minutes(name: &'static str) -> Synonym {
    Synonym {
        name,
        factor: 60_000,
    }
}

/// One topic config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicConfigDef {
    pub name: &'static str,
    pub config_type: ConfigType,
    /// Kafka's default, as `ConfigDef.convertToString` prints it.
    pub default: &'static str,
    pub validator: Validator,
    /// Broker fallbacks, highest priority first; the first is Kafka's "Server Default Property".
    pub synonyms: &'static [Synonym],
    pub doc: &'static str,
}

impl TopicConfigDef {
    /// The broker config Kafka's docs name as this config's server default.
    pub fn server_default_property(&self) -> &'static str {
        self.synonyms.first().map_or("", |s| s.name)
    }
}

/// Looks a topic config up by name.
pub fn topic_config_def(name: &str) -> Option<&'static TopicConfigDef> {
    TOPIC_CONFIGS.iter().find(|def| def.name == name)
}

const fn def(
    name: &'static str,
    config_type: ConfigType,
    default: &'static str,
    validator: Validator,
    synonyms: &'static [Synonym],
    doc: &'static str,
) -> TopicConfigDef {
    TopicConfigDef {
        name,
        config_type,
        default,
        validator,
        synonyms,
        doc,
    }
}

use ConfigType::{Boolean, Double, Int, List, Long, String as Str};
use Validator::{AtLeast, Between, ListOf, OneOf};

/// Every modelled topic config, in `LogConfig`'s definition order (which decides which of several
/// bad values Kafka reports first, and ties in the `Configs:` column's order).
#[rustfmt::skip]
pub static TOPIC_CONFIGS: [TopicConfigDef; 23] = [
    def(SEGMENT_BYTES, Int, "1073741824", AtLeast(1024 * 1024), &[same("log.segment.bytes")],
        "This configuration controls the segment file size for the log. Retention and cleaning is always done a file at a time so a larger segment size means fewer files but less granular control over retention."),
    def(SEGMENT_MS, Long, "604800000", AtLeast(1), &[same("log.roll.ms"), hours("log.roll.hours")],
        "This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn't full to ensure that retention can delete or compact old data."),
    def(SEGMENT_JITTER_MS, Long, "0", AtLeast(0), &[same("log.roll.jitter.ms"), hours("log.roll.jitter.hours")],
        "The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling"),
    def(SEGMENT_INDEX_BYTES, Int, "10485760", AtLeast(4), &[same("log.index.size.max.bytes")],
        "This configuration controls the size of the index that maps offsets to file positions. We preallocate this index file and shrink it only after log rolls. You generally should not need to change this setting."),
    def(FLUSH_MESSAGES, Long, LONG_MAX, AtLeast(1), &[same("log.flush.interval.messages")],
        "This setting allows specifying an interval at which we will force an fsync of data written to the log."),
    def(FLUSH_MS, Long, LONG_MAX, AtLeast(0), &[same("log.flush.interval.ms"), same("log.flush.scheduler.interval.ms")],
        "This setting allows specifying a time interval at which we will force an fsync of data written to the log."),
    def(RETENTION_BYTES, Long, "-1", Validator::None, &[same("log.retention.bytes")],
        "This configuration controls the maximum size a partition (which consists of log segments) can grow to before we will discard old log segments to free up space if we are using the \"delete\" retention policy."),
    def(RETENTION_MS, Long, "604800000", AtLeast(-1), &[same("log.retention.ms"), minutes("log.retention.minutes"), hours("log.retention.hours")],
        "This configuration controls the maximum time we will retain a log before we will discard old log segments to free up space if we are using the \"delete\" retention policy. If set to -1, no time limit is applied."),
    def(MAX_MESSAGE_BYTES, Int, "1048588", AtLeast(0), &[same("message.max.bytes")],
        "The largest record batch size allowed by Kafka (after compression if compression is enabled)."),
    def(INDEX_INTERVAL_BYTES, Int, "4096", AtLeast(0), &[same("log.index.interval.bytes")],
        "This setting controls how frequently Kafka adds an index entry to its offset index."),
    def(DELETE_RETENTION_MS, Long, "86400000", AtLeast(0), &[same("log.cleaner.delete.retention.ms")],
        "The amount of time to retain delete tombstone markers for log compacted topics."),
    def(MIN_COMPACTION_LAG_MS, Long, "0", AtLeast(0), &[same("log.cleaner.min.compaction.lag.ms")],
        "The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted."),
    def(MAX_COMPACTION_LAG_MS, Long, LONG_MAX, AtLeast(1), &[same("log.cleaner.max.compaction.lag.ms")],
        "The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted."),
    def(FILE_DELETE_DELAY_MS, Long, "60000", AtLeast(0), &[same("log.segment.delete.delay.ms")],
        "The time to wait before deleting a file from the filesystem"),
    def(MIN_CLEANABLE_DIRTY_RATIO, Double, "0.5", Between(0, 1), &[same("log.cleaner.min.cleanable.ratio")],
        "This configuration controls how frequently the log compactor will attempt to clean the log (assuming log compaction is enabled)."),
    def(CLEANUP_POLICY, List, "delete", ListOf(CLEANUP_POLICIES), &[same("log.cleanup.policy")],
        "A string that is either \"delete\" or \"compact\" or both. This string designates the retention policy to use on old log segments."),
    def(UNCLEAN_LEADER_ELECTION_ENABLE, Boolean, "false", Validator::None, &[same("unclean.leader.election.enable")],
        "Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss."),
    def(MIN_INSYNC_REPLICAS, Int, "1", AtLeast(1), &[same("min.insync.replicas")],
        "When a producer sets acks to \"all\" (or \"-1\"), this configuration specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful."),
    def(COMPRESSION_TYPE, Str, "producer", OneOf(COMPRESSION_TYPES), &[same("compression.type")],
        "Specify the final compression type for a given topic."),
    def(PREALLOCATE, Boolean, "false", Validator::None, &[same("log.preallocate")],
        "True if we should preallocate the file on disk when creating a new log segment."),
    def(MESSAGE_TIMESTAMP_TYPE, Str, "CreateTime", OneOf(TIMESTAMP_TYPES), &[same("log.message.timestamp.type")],
        "Define whether the timestamp in the message is message create time or log append time."),
    def(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long, LONG_MAX, AtLeast(0), &[same("log.message.timestamp.before.max.ms")],
        "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp."),
    def(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long, "3600000", AtLeast(0), &[same("log.message.timestamp.after.max.ms")],
        "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, d) in TOPIC_CONFIGS.iter().enumerate() {
            assert_eq!(topic_config_def(d.name).map(|x| x.name), Some(d.name));
            assert!(TOPIC_CONFIGS[i + 1..].iter().all(|o| o.name != d.name));
            assert!(!d.synonyms.is_empty(), "{} has a server default", d.name);
        }
        assert_eq!(topic_config_def("foo"), None);
    }

    #[test]
    fn server_default_properties() {
        let server = |n: &str| topic_config_def(n).unwrap().server_default_property();
        assert_eq!(server(SEGMENT_BYTES), "log.segment.bytes");
        assert_eq!(server(SEGMENT_MS), "log.roll.ms");
        assert_eq!(server(FILE_DELETE_DELAY_MS), "log.segment.delete.delay.ms");
        assert_eq!(
            server(MIN_CLEANABLE_DIRTY_RATIO),
            "log.cleaner.min.cleanable.ratio"
        );
        assert_eq!(server(MAX_MESSAGE_BYTES), "message.max.bytes");
    }
}
