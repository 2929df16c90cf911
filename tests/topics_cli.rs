//! `kafka-topics.sh` through the command language and through the `kplay` binary: Kafka's golden
//! lines (TopicCommand's output, ../shared/DESIGN.md), errors on Kafka's streams, exit status.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};

/// `kplay`'s default cluster: three brokers, seed 0.
fn run(script: &str) -> (kafka_playground::cli::Output, Cluster) {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(&mut cluster, script);
    (output, cluster)
}

/// Seed 0's first topic id; tests/browser/main.rs expects the same in wasm.
const ORDERS_ID: &str = "Gl-EnUkzRuCqpZTxJi0tLA";

#[test]
fn create_then_describe_prints_kafkas_lines() {
    let (output, _) = run("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 1\n\
         kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders\n");
    assert!(!output.failed);
    let expected = format!(
        "Created topic orders.\n\
         Topic: orders\tTopicId: {ORDERS_ID}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: \n\
         \tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n\
         \tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2\tIsr: 2\tElr: \tLastKnownElr: \n\
         \tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3\tIsr: 3\tElr: \tLastKnownElr: \n"
    );
    assert_eq!(output.stdout(), expected);
    assert_eq!(output.stderr(), "");
}

#[test]
fn list_is_sorted_and_describe_without_topic_shows_all() {
    let (output, _) = run("kafka-topics.sh --create --topic zeta\n\
         kafka-topics.sh --create --topic alpha --config retention.ms=1000\n\
         kafka-topics.sh --list\n\
         kafka-topics.sh --describe --topics-with-overrides\n");
    let stdout = output.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[2..4], ["alpha", "zeta"]);
    assert_eq!(lines.len(), 5);
    assert!(lines[4].starts_with("Topic: alpha\tTopicId: "));
    assert!(lines[4].ends_with("\tConfigs: retention.ms=1000"));
}

#[test]
fn collision_chars_warn_and_collisions_fail() {
    let warning = "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";
    let (output, cluster) =
        run("kafka-topics.sh --create --topic a.b\nkafka-topics.sh --create --topic a_b\n");
    assert_eq!(
        output.stdout(),
        format!(
            "{warning}\nCreated topic a.b.\n{warning}\nError while executing topic command : Topic 'a_b' collides with existing topic: a.b\n"
        )
    );
    assert!(output.failed);
    assert_eq!(cluster.topics().count(), 1);
}

#[test]
fn every_refusal_has_kafkas_message_and_changes_nothing() {
    let long = "x".repeat(250);
    let cases = [
        ("--create --topic ''", "The given topic name '' cannot be represented in a request."),
        ("--create --topic .", "Topic name is invalid: '.' is not allowed"),
        ("--create --topic ..", "Topic name is invalid: '..' is not allowed"),
        (
            &format!("--create --topic {long}") as &str,
            &format!("Topic name is invalid: the length of '{long}' is longer than the max allowed length 249") as &str,
        ),
        (
            "--create --topic 'a b'",
            "Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
        ),
        ("--create --topic good", "Topic 'good' already exists."),
        ("--create --topic t --partitions 0", "The partitions must be greater than 0"),
        (
            "--create --topic t --replication-factor 0",
            "The replication factor must be between 1 and 32767 inclusive",
        ),
        (
            "--create --topic t --replication-factor 4",
            "Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.",
        ),
        ("--describe --topic nope", "Topic 'Optional[nope]' does not exist as expected"),
    ];
    for (args, message) in cases {
        let (output, cluster) = run(&format!(
            "kafka-topics.sh --create --topic good\nkafka-topics.sh {args}\n"
        ));
        assert!(output.failed, "{args}");
        // TopicCommand warns about '.' and '_' before it asks the controller anything.
        let warning = if args.contains("--topic .") {
            format!("{}\n", kafka_playground::engine::topic::COLLISION_WARNING)
        } else {
            String::new()
        };
        assert_eq!(
            output.stdout(),
            format!(
                "Created topic good.\n{warning}Error while executing topic command : {message}\n"
            ),
            "{args}"
        );
        let names: Vec<&str> = cluster.topics().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["good"], "{args}");
    }
}

#[test]
fn if_not_exists_and_if_exists_are_quiet() {
    let (output, _) = run("kafka-topics.sh --create --topic t\n\
         kafka-topics.sh --create --topic t --if-not-exists\n\
         kafka-topics.sh --describe --topic nope --if-exists\n");
    assert!(!output.failed);
    assert_eq!(output.stdout(), "Created topic t.\n");
}

#[test]
fn bad_command_lines_go_to_stderr() {
    let cases = [
        ("kafka-topics.sh --zookeeper localhost:2181 --list", "zookeeper is not a recognized option"),
        ("kafka-topics.sh --topic t", "Command must include exactly one action: --list, --describe, --create, --alter or --delete"),
        ("kafka-topics.sh --create", "Missing required argument \"[topic]\""),
        ("kafka-topics.sh --create --topic t --partitions many", "Cannot parse argument 'many' of option partitions"),
        ("kafka-topics.sh --create --topic", "Option topic requires an argument"),
        ("kafak-topics.sh --list", "kafak-topics.sh: command not found"),
    ];
    for (line, message) in cases {
        let (output, cluster) = run(line);
        assert!(output.failed, "{line}");
        assert_eq!(output.stdout(), "", "{line}");
        assert_eq!(output.stderr(), format!("{message}\n"), "{line}");
        assert_eq!(cluster.topics().count(), 0);
    }
}

#[test]
fn same_seed_same_output() {
    let script = "kafka-topics.sh --create --topic a --partitions 2\nkafka-topics.sh --create --topic b\nkafka-topics.sh --describe\n";
    let (first, _) = run(script);
    let (second, _) = run(script);
    assert_eq!(first, second);
    let mut other = Cluster::new(ClusterOptions {
        seed: 42,
        ..ClusterOptions::default()
    });
    assert_ne!(run_script(&mut other, script).stdout(), first.stdout());
}

fn kplay(args: &[&str], stdin: &str) -> (String, String, i32) {
    let out = support::kplay(args, stdin);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn kplay_runs_a_script_from_stdin_and_a_file() {
    let script = "# a comment\nkafka-topics.sh --create --topic orders --partitions 3\n\nkafka-topics.sh --describe --topic orders\n";
    let (stdout, stderr, status) = kplay(&[], script);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("Created topic orders.\nTopic: orders\tTopicId: "));
    assert_eq!(stdout.lines().count(), 5);

    let path = std::env::temp_dir().join(format!("kplay-test-{}.sh", std::process::id()));
    std::fs::write(&path, script).expect("script file");
    let (from_file, _, status) = kplay(&[path.to_str().expect("utf-8 path")], "");
    std::fs::remove_file(&path).ok();
    assert_eq!(status, 0);
    assert_eq!(from_file, stdout);
}

#[test]
fn kplay_exits_1_when_a_line_fails_and_keeps_going() {
    let (stdout, stderr, status) = kplay(
        &["--seed", "7"],
        "kafka-topics.sh --create --topic 'bad name'\nkafka-topics.sh --bogus\nkafka-topics.sh --create --topic ok\n",
    );
    assert_eq!(status, 1);
    assert!(stdout.contains("Error while executing topic command : Topic name is invalid"));
    assert!(stdout.ends_with("Created topic ok.\n"));
    assert_eq!(stderr, "bogus is not a recognized option\n");
}

#[test]
fn kplay_refuses_bad_arguments_and_bad_scripts() {
    let (_, stderr, status) = kplay(&["--seed", "x"], "");
    assert_eq!(status, 2);
    assert!(stderr.contains("--seed needs a number"));
    let (_, stderr, status) = kplay(&[], "kafka-topics.sh --create --topic 'open\n");
    assert_eq!(status, 2);
    assert!(stderr.contains("syntax error"));
    let (_, stderr, status) = kplay(&["/nonexistent/script.sh"], "");
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot read /nonexistent/script.sh"));
}

/// `--topic` outside `--create` is `TopicFilter.IncludeList`: a Java regex matched against the whole
/// name, with ',' read as '|' (TopicCommand's help: "It also accepts a regular expression, except
/// for --create option").
#[test]
fn topic_is_a_regular_expression_outside_create() {
    let (output, cluster) = run("kafka-topics.sh --create --topic orders\n\
         kafka-topics.sh --create --topic orders-eu --partitions 2\n\
         kafka-topics.sh --create --topic audit\n\
         kafka-topics.sh --list --topic 'orders.*'\n\
         kafka-topics.sh --list --topic 'audit, orders'\n\
         kafka-topics.sh --list --topic order\n\
         kafka-topics.sh --alter --topic 'orders.*' --partitions 3\n\
         kafka-topics.sh --delete --topic 'au.*'\n\
         kafka-topics.sh --list\n");
    assert!(!output.failed, "{}", output.stdout());
    assert_eq!(
        output.stdout(),
        "Created topic orders.\nCreated topic orders-eu.\nCreated topic audit.\n\
         orders\norders-eu\n\
         audit\norders\n\
         \n\
         orders\norders-eu\n"
    );
    let counts: Vec<usize> = cluster.topics().map(|t| t.partitions.len()).collect();
    assert_eq!(counts, vec![3, 3], "both matching topics grew");
}

#[test]
fn a_pattern_that_matches_nothing_or_does_not_compile_changes_nothing() {
    let (output, cluster) = run("kafka-topics.sh --create --topic orders\n\
         kafka-topics.sh --describe --topic 'x.*'\n\
         kafka-topics.sh --delete --topic 'x.*'\n\
         kafka-topics.sh --delete --topic 'x.*' --if-exists\n\
         kafka-topics.sh --list --topic 'orders('\n\
         kafka-topics.sh --delete --topic 'orders('\n");
    assert!(output.failed);
    assert_eq!(
        output.stdout(),
        "Created topic orders.\n\
         Error while executing topic command : Topic 'Optional[x.*]' does not exist as expected\n\
         Error while executing topic command : Topic 'Optional[x.*]' does not exist as expected\n\
         Error while executing topic command : orders( is an invalid regex.\n\
         Error while executing topic command : orders( is an invalid regex.\n"
    );
    assert!(cluster.topic("orders").is_some());
}
