//! `kafka-configs.sh` for topics and brokers against Kafka 4.1's `ConfigCommand`: its golden
//! lines, its errors on their streams, and config changes reaching the partition logs.
//!
//! Sources: `tools/.../ConfigCommand.java` (`main`'s three error paths, `parseConfigsToBeAdded`,
//! `alterConfig`'s `Completed updating …` lines, `describeResourceConfig`, `checkArgs`),
//! `ConfigurationControlManager` and `QuorumController.ConfigResourceExistenceChecker`,
//! `ConfigAdminManager.validateBrokerConfigChange` (broker refusals are `InvalidRequestException`),
//! `ConfigHelper.describeConfigs` (an unknown topic answers `UNKNOWN_TOPIC_OR_PARTITION`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::config::TOPIC_CONFIGS;
use kafka_playground::engine::{Cluster, ClusterOptions};
use proptest::prelude::*;

const TOOL: &str = "kafka-configs.sh --bootstrap-server localhost:9092";

fn cluster(brokers: i32) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        ..ClusterOptions::default()
    })
}

/// A one-broker cluster with topic `t`.
fn with_topic() -> Cluster {
    let mut cluster = cluster(1);
    support::run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    cluster
}

fn segment_bytes(cluster: &Cluster, broker: i32, topic: &str) -> i32 {
    let log = cluster.broker(broker).and_then(|b| b.log(topic, 0));
    log.map_or(-1, |l| l.config().segment_bytes)
}

/// The stderr of a failure that `ConfigCommand.main` reports with a stack trace.
fn trace(args: &str, lines: &[&str]) -> String {
    let mut text = format!("Error while executing config command with args '{args}'\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn execution(class: &str, message: &str) -> [String; 2] {
    let cause = format!("org.apache.kafka.common.errors.{class}: {message}");
    [
        format!("java.util.concurrent.ExecutionException: {cause}"),
        format!("Caused by: {cause}"),
    ]
}

#[test]
fn alter_topic_configs_reach_the_logs_and_describe_shows_them() {
    let mut cluster = with_topic();
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "{TOOL} --entity-type topics --entity-name t --alter --add-config segment.bytes=1048576,retention.ms=1000\n\
             {TOOL} --entity-type topics --entity-name t --describe\n\
             kafka-topics.sh --describe --topic t --topics-with-overrides\n"
        ),
    );
    let stdout = output.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "Completed updating config for topic t.",
            "Dynamic configs for topic t are:",
            "  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}",
            "  segment.bytes=1048576 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.bytes=1048576, DEFAULT_CONFIG:log.segment.bytes=1073741824}",
        ]
    );
    assert!(lines[4].ends_with("\tConfigs: segment.bytes=1048576,retention.ms=1000"));
    assert_eq!(output.stderr(), "");
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    assert_eq!(log.config().segment_bytes, 1_048_576);
    assert_eq!(log.config().retention_ms, 1000);

    let output = support::run_ok(
        &mut cluster,
        &format!("{TOOL} --topic t --alter --delete-config retention.ms\n"),
    );
    assert_eq!(output.stdout(), "Completed updating config for topic t.\n");
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    assert_eq!(log.config().retention_ms, 604_800_000);
    assert_eq!(log.config().segment_bytes, 1_048_576);
}

#[test]
fn square_brackets_group_list_values() {
    let mut cluster = with_topic();
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "{TOOL} --topic t --alter --add-config 'cleanup.policy=[compact,delete],min.cleanable.dirty.ratio=0.01'\n\
             {TOOL} --topic t --describe\n"
        ),
    );
    assert_eq!(
        output.stdout(),
        "Completed updating config for topic t.\n\
         Dynamic configs for topic t are:\n  \
         cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n  \
         min.cleanable.dirty.ratio=0.01 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.cleanable.dirty.ratio=0.01, DEFAULT_CONFIG:log.cleaner.min.cleanable.ratio=0.5}\n"
    );
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    assert!(log.config().cleanup_policy.compact && log.config().cleanup_policy.delete);
    assert_eq!(log.config().min_cleanable_dirty_ratio_ppm, 10_000);
}

#[test]
fn small_segments_warn_on_stderr_and_roll_sooner() {
    let mut cluster = with_topic();
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "{TOOL} --entity-type topics --entity-name t --alter --add-config segment.bytes=200\n"
        ),
    );
    assert_eq!(output.stdout(), "Completed updating config for topic t.\n");
    assert!(output.stderr().starts_with(
        "WARNING: segment.bytes=200 is below Kafka's minimum of 1048576 bytes (1 MiB)."
    ));
    assert_eq!(segment_bytes(&cluster, 1, "t"), 200);
    // Three console-producer runs, three batches: the second no longer fits in 200 bytes.
    for _ in 0..3 {
        support::produce_n(&mut cluster, "t", 5, true);
    }
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    assert!(
        log.segments().count() > 1,
        "the new segment.bytes rolls the log"
    );
}

#[test]
fn refused_topic_alters_change_nothing() {
    let args = "--bootstrap-server localhost:9092 --entity-type topics --entity-name";
    let invalid = execution(
        "InvalidConfigurationException",
        "Invalid value abc for configuration segment.bytes: Not a number of type INT",
    );
    let unknown = execution(
        "InvalidConfigurationException",
        "Unknown topic config name: foo",
    );
    let missing = execution(
        "UnknownTopicOrPartitionException",
        "This server does not host this topic-partition.",
    );
    let lag = execution(
        "InvalidConfigurationException",
        "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)",
    );
    let bad_name = "org.apache.kafka.common.errors.InvalidTopicException: Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'";
    let cases: Vec<(String, String)> = vec![
        (
            format!("{args} t --alter --add-config retention.ms=5,segment.bytes=abc"),
            trace(&format!("{args} t --alter --add-config retention.ms=5,segment.bytes=abc"), &[&invalid[0], &invalid[1]]),
        ),
        (
            format!("{args} t --alter --add-config foo=1"),
            trace(&format!("{args} t --alter --add-config foo=1"), &[&unknown[0], &unknown[1]]),
        ),
        (
            format!("{args} t --alter --add-config min.compaction.lag.ms=10,max.compaction.lag.ms=5"),
            trace(
                &format!("{args} t --alter --add-config min.compaction.lag.ms=10,max.compaction.lag.ms=5"),
                &[&lag[0], &lag[1]],
            ),
        ),
        (
            format!("{args} nope --alter --add-config retention.ms=5"),
            trace(&format!("{args} nope --alter --add-config retention.ms=5"), &[&missing[0], &missing[1]]),
        ),
        (
            format!("{args} 'a b' --alter --add-config retention.ms=5"),
            trace(&format!("{args} a b --alter --add-config retention.ms=5"), &[bad_name]),
        ),
        (
            format!("{args} t --alter --delete-config retention.ms,segment.ms"),
            "Invalid config(s): retention.ms,segment.ms\n".to_string(),
        ),
        (
            format!("{args} t --alter --add-config retention.ms"),
            "Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas.\n".to_string(),
        ),
        (
            format!("{args} t --alter --add-config 'a b=1'"),
            "Invalid character found for config key: a b\n".to_string(),
        ),
    ];
    for (line, stderr) in cases {
        let mut cluster = with_topic();
        let output = run_script(&mut cluster, &format!("kafka-configs.sh {line}\n"));
        assert!(output.failed, "{line}");
        assert_eq!(output.stdout(), "", "{line}");
        assert_eq!(output.stderr(), stderr, "{line}");
        assert!(
            cluster.topic("t").is_some_and(|t| t.configs.is_empty()),
            "{line}"
        );
        let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
        assert_eq!(log.config().retention_ms, 604_800_000, "{line}");
    }
}

#[test]
fn bad_command_lines_print_checkargs_messages() {
    let cases = [
        ("--entity-type topics --entity-name t", "Command must include exactly one action: --describe, --alter"),
        ("--describe --alter --topic t", "Command must include exactly one action: --describe, --alter"),
        ("--describe", "At least one entity type must be specified"),
        (
            "--entity-type topic --entity-name t --describe",
            "Invalid entity type topic, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument",
        ),
        ("--entity-type topics --entity-type topics --describe", "Duplicate entity type(s) specified: topics"),
        ("--entity-type topics --entity-type brokers --describe", "Only 'users' and 'clients' entity types may be specified together"),
        ("--entity-name t --topic t --describe", "--entity-{type,name,default} should not be used in conjunction with specific entity flags"),
        ("--entity-type topics --alter --add-config a=1", "An entity name must be specified with --alter of topics"),
        ("--entity-type brokers --alter --add-config a=1", "An entity-name or default entity must be specified with --alter of users, clients, brokers or ips"),
        ("--topic t --alter", "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter"),
        ("--topic t --describe --add-config a=1", "Option \"[describe]\" can't be used with option \"[add-config]\""),
        ("--entity-type topics --entity-default --describe", "--entity-default must not be specified with --describe of topics"),
        ("--entity-type brokers --entity-name x --describe", "The entity name for brokers must be a valid integer broker id, but it is: x"),
        ("--topic t --alter --add-config a=1 --add-config b=2", "Found multiple arguments for option add-config, but you asked for only one"),
        ("--topic t --alter --add-config a=1 --add-config-file f", "Only one of --add-config or --add-config-file must be specified"),
        ("--zookeeper localhost:2181 --describe", "zookeeper is not a recognized option"),
    ];
    for (args, message) in cases {
        let mut cluster = with_topic();
        let output = run_script(&mut cluster, &format!("{TOOL} {args}\n"));
        assert!(output.failed, "{args}");
        assert_eq!(output.stdout(), "", "{args}");
        assert_eq!(output.stderr(), format!("{message}\n"), "{args}");
        assert!(cluster.topic("t").is_some_and(|t| t.configs.is_empty()));
    }
}

#[test]
fn describe_missing_and_all() {
    let mut cluster = with_topic();
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "{TOOL} --entity-type topics --entity-name nope --describe\n\
             {TOOL} --entity-type brokers --entity-name 5 --describe\n\
             {TOOL} --topic t --describe --all\n"
        ),
    );
    let stdout = output.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "The topic 'nope' doesn't exist and doesn't have dynamic config."
    );
    assert_eq!(
        lines[1],
        "The broker '5' doesn't exist and doesn't have dynamic config."
    );
    assert_eq!(lines[2], "All configs for topic t are:");
    assert_eq!(lines.len(), 3 + TOPIC_CONFIGS.len());
    assert!(lines.contains(
        &"  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}"
    ));
    // With --all the tool asks for a missing topic's configs after printing the header.
    let args = "--bootstrap-server localhost:9092 --topic nope --describe --all";
    let output = run_script(&mut cluster, &format!("kafka-configs.sh {args}\n"));
    assert!(output.failed);
    assert_eq!(output.stdout(), "All configs for topic nope are:\n");
    let missing = execution(
        "UnknownTopicOrPartitionException",
        "This server does not host this topic-partition.",
    );
    assert_eq!(output.stderr(), trace(args, &[&missing[0], &missing[1]]));
}

#[test]
fn describe_every_topic_in_hash_map_order() {
    let mut cluster = cluster(1);
    support::run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders\n\
         kafka-topics.sh --create --topic t --config retention.ms=5\n",
    );
    let output = run_script(
        &mut cluster,
        &format!("{TOOL} --entity-type topics --describe\n"),
    );
    // "t".hashCode() = 116 (bucket 4 of 16), "orders".hashCode() = -1008770331 (bucket 10).
    assert_eq!(
        output.stdout(),
        "Dynamic configs for topic t are:\n  \
         retention.ms=5 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5}\n\
         Dynamic configs for topic orders are:\n"
    );
}

/// Broker 1's `retention.ms` and `segment.bytes` for `topic`-0.
fn log_config(cluster: &Cluster, topic: &str) -> Option<(i64, i32)> {
    cluster
        .broker(1)
        .and_then(|b| b.log(topic, 0))
        .map(|l| (l.config().retention_ms, l.config().segment_bytes))
}

#[test]
fn broker_defaults_reach_every_log_without_an_override() {
    let mut cluster = cluster(1);
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic plain\n\
             kafka-topics.sh --create --topic own --config retention.ms=1000\n\
             {TOOL} --entity-type brokers --entity-default --alter --add-config log.retention.ms=5000,log.segment.bytes=2097152\n\
             {TOOL} --broker-defaults --describe\n"
        ),
    );
    assert_eq!(
        output.stdout(),
        "Created topic plain.\nCreated topic own.\n\
         Completed updating default config for brokers in the cluster.\n\
         Default configs for brokers in the cluster are:\n  \
         log.retention.ms=5000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=5000}\n  \
         log.segment.bytes=2097152 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=2097152}\n"
    );
    assert_eq!(log_config(&cluster, "plain"), Some((5000, 2_097_152)));
    assert_eq!(log_config(&cluster, "own"), Some((1000, 2_097_152)));
    let output = support::run_ok(
        &mut cluster,
        &format!("{TOOL} --broker-defaults --alter --delete-config log.retention.ms\n"),
    );
    assert_eq!(
        output.stdout(),
        "Completed updating default config for brokers in the cluster.\n"
    );
    assert_eq!(
        log_config(&cluster, "plain"),
        Some((604_800_000, 2_097_152))
    );
}

#[test]
fn per_broker_configs_apply_to_that_broker_only() {
    let mut cluster = cluster(2);
    let output = support::run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic r --replication-factor 2\n\
             {TOOL} --broker 2 --alter --add-config log.segment.bytes=2097152\n\
             {TOOL} --entity-type brokers --entity-name 2 --describe\n\
             {TOOL} --entity-type brokers --entity-name 1 --describe\n\
             kafka-topics.sh --create --topic later --replica-assignment 2\n"
        ),
    );
    assert_eq!(
        output.stdout(),
        "Created topic r.\n\
         Completed updating config for broker 2.\n\
         Dynamic configs for broker 2 are:\n  \
         log.segment.bytes=2097152 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.segment.bytes=2097152, DEFAULT_CONFIG:log.segment.bytes=1073741824}\n\
         Dynamic configs for broker 1 are:\n\
         Created topic later.\n"
    );
    assert_eq!(segment_bytes(&cluster, 2, "r"), 2_097_152);
    assert_eq!(segment_bytes(&cluster, 1, "r"), 1_073_741_824);
    assert_eq!(segment_bytes(&cluster, 2, "later"), 2_097_152);
    assert_eq!(
        cluster.broker_dynamic_configs().get(&2).map(|l| l.len()),
        Some(1)
    );
}

#[test]
fn broker_refusals() {
    let args = "--bootstrap-server localhost:9092 --entity-type brokers --entity-default --alter --add-config num.partitions=3";
    let output = run_script(&mut cluster(1), &format!("kafka-configs.sh {args}\n"));
    let refused = execution(
        "InvalidRequestException",
        "Cannot update these configs dynamically: Set(num.partitions)",
    );
    assert_eq!(output.stderr(), trace(args, &[&refused[0], &refused[1]]));
    assert_eq!(output.stdout(), "");

    let args =
        "--bootstrap-server localhost:9092 --broker 1 --alter --delete-config log.retention.ms";
    let output = run_script(&mut cluster(1), &format!("kafka-configs.sh {args}\n"));
    assert_eq!(output.stderr(), "Invalid config(s): log.retention.ms\n");

    // An unregistered broker is waited for until ConfigCommand's 30 s get times out.
    let mut cluster = cluster(1);
    let before = cluster.now().as_millis();
    let args =
        "--bootstrap-server localhost:9092 --broker 5 --alter --add-config log.retention.ms=1";
    let output = run_script(&mut cluster, &format!("kafka-configs.sh {args}\n"));
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        trace(args, &["java.util.concurrent.TimeoutException"])
    );
    assert_eq!(cluster.now().as_millis() - before, 30_000);
    assert!(cluster.broker_dynamic_configs().is_empty());
}

#[test]
fn describe_every_broker_then_the_defaults() {
    let mut cluster = cluster(2);
    let output = support::run_ok(
        &mut cluster,
        &format!("{TOOL} --entity-type brokers --describe\n"),
    );
    assert_eq!(
        output.stdout(),
        "Dynamic configs for broker 1 are:\n\
         Dynamic configs for broker 2 are:\n\
         Default configs for brokers in the cluster are:\n"
    );
}

#[test]
fn unmodelled_entity_types_are_refused_by_name() {
    let output = run_script(
        &mut cluster(1),
        &format!("{TOOL} --entity-type users --entity-name alice --describe\n"),
    );
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "kafka-configs.sh: the playground models the entity types topics and brokers, not users\n"
    );
}

const WORDS: &[&str] = &[
    "--alter",
    "--describe",
    "--all",
    "--entity-type",
    "--entity-name",
    "--entity-default",
    "--add-config",
    "--delete-config",
    "--topic",
    "--broker",
    "--broker-defaults",
    "topics",
    "brokers",
    "t",
    "1",
    "5",
    "",
    "x",
    "segment.bytes=1",
    "a=[b,c",
    "]=[",
    "==",
    ",",
    "[",
    "-1",
    "retention.ms=9223372036854775807",
    "--partitions",
    "--create",
    "--delete",
    "--list",
    "--replica-assignment",
    "1:1",
    "2147483648",
    "--if-exists",
    "--describe",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the words, neither tool panics, and a refused line changes nothing.
    #[test]
    fn no_panic_on_any_command_line(words in prop::collection::vec(0..WORDS.len(), 0..8)) {
        let args: Vec<String> = words.iter().map(|&i| WORDS[i].to_string()).collect();
        for tool in ["kafka-configs.sh", "kafka-topics.sh"] {
            let mut cluster = with_topic();
            let before: Vec<_> = cluster.topics().cloned().collect();
            let mut line = vec![tool.to_string()];
            line.extend(args.iter().cloned());
            let command = kafka_playground::cli::shell::CommandLine {
                line_number: 1,
                words: line,
                input: None,
                background: false,
            };
            let output = kafka_playground::cli::run_command(&mut cluster, &command);
            if output.failed {
                let after: Vec<_> = cluster.topics().cloned().collect();
                prop_assert_eq!(before, after);
            }
        }
    }
}
