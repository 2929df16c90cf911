//! `kafka-topics.sh --alter`, `--delete` and `--create --replica-assignment`, and the controller
//! operations behind them (`src/engine/admin.rs`), against Kafka 4.1.
//!
//! Sources: `TopicCommand.java` (`alterTopic` and `deleteTopic` print nothing,
//! `ensureTopicExists`, `parseReplicaAssignment`, `checkRequiredArgs`, `checkInvalidArgs`),
//! `ReplicationControlManager.java` (`createPartitions`, `validateManualPartitionAssignment`,
//! `createTopic` with a manual assignment) and its test `testCreatePartitions`
//! (`Topic already has 2 partition(s).`, `The topic bar currently has 4 partition(s); 3 would
//! not be an increase.`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::{Cluster, ClusterOptions, ErrorCode};

fn cluster(brokers: i32) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        ..ClusterOptions::default()
    })
}

fn run_on(brokers: i32, script: &str) -> (Output, Cluster) {
    let mut cluster = cluster(brokers);
    let output = run_script(&mut cluster, script);
    (output, cluster)
}

/// The partition lines of `--describe` (the topic line holds a random id).
fn partition_lines(output: &Output) -> Vec<String> {
    output
        .stdout()
        .lines()
        .filter(|l| l.starts_with('\t'))
        .map(String::from)
        .collect()
}

fn partition_line(topic: &str, p: i32, leader: i32, replicas: &str) -> String {
    format!("\tTopic: {topic}\tPartition: {p}\tLeader: {leader}\tReplicas: {replicas}\tIsr: {replicas}\tElr: \tLastKnownElr: ")
}

#[test]
fn alter_adds_partitions_silently_with_their_logs() {
    let (output, cluster) = run_on(
        1,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t\n\
         kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic t --partitions 3\n\
         kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic t\n",
    );
    assert!(!output.failed, "{output:?}");
    assert_eq!(output.stderr(), "");
    let lines: Vec<String> = output.stdout().lines().map(String::from).collect();
    assert_eq!(lines[0], "Created topic t.");
    assert!(lines[1].starts_with("Topic: t\tTopicId: "));
    assert!(lines[1].ends_with("\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: "));
    assert_eq!(
        partition_lines(&output),
        (0..3)
            .map(|p| partition_line("t", p, 1, "1"))
            .collect::<Vec<_>>()
    );
    let topic = cluster.topic("t").expect("t");
    let broker = cluster.broker(1).expect("broker 1");
    for p in 0..3 {
        assert!(broker.log("t", p).is_some(), "log t-{p}");
        assert!(broker
            .store
            .exists(&format!("t-{p}/00000000000000000000.log")));
        let metadata = broker.store.contents(&format!("t-{p}/partition.metadata"));
        let expected = format!("version: 0\ntopic_id: {}\n", topic.id);
        assert_eq!(metadata, Some(expected.as_bytes()));
    }
}

#[test]
fn alter_refusals_have_kafkas_messages_and_change_nothing() {
    let cases = [
        (
            "--alter --topic t --partitions 2",
            "Error while executing topic command : Topic already has 2 partition(s).\n",
            "",
        ),
        (
            "--alter --topic t --partitions 1",
            "Error while executing topic command : The topic t currently has 2 partition(s); 1 would not be an increase.\n",
            "",
        ),
        (
            "--alter --topic nope --partitions 4",
            "Error while executing topic command : Topic 'Optional[nope]' does not exist as expected\n",
            "",
        ),
        ("--alter --topic t", "", "Missing required argument \"[partitions]\"\n"),
        ("--alter --partitions 3", "", "Missing required argument \"[topic]\"\n"),
        (
            "--alter --topic t --partitions 3 --config retention.ms=1",
            "",
            "Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)\n",
        ),
        (
            "--alter --topic t --partitions 3 --replication-factor 1",
            "",
            "Option \"[replication-factor]\" can't be used with option \"[alter]\"\n",
        ),
        (
            "--alter --topic t --partitions 3 --if-not-exists",
            "",
            "Option \"[if-not-exists]\" can't be used with option \"[alter]\"\n",
        ),
        (
            "--alter --topic t --partitions x",
            "",
            "Cannot parse argument 'x' of option partitions\n",
        ),
    ];
    for (args, stdout, stderr) in cases {
        let mut cluster = cluster(1);
        support::run_ok(
            &mut cluster,
            "kafka-topics.sh --create --topic t --partitions 2\n",
        );
        let output = run_script(&mut cluster, &format!("kafka-topics.sh {args}\n"));
        assert!(output.failed, "{args}");
        assert_eq!(output.stdout(), stdout, "{args}");
        assert_eq!(output.stderr(), stderr, "{args}");
        assert_eq!(cluster.topic("t").map(|t| t.partitions.len()), Some(2));
        assert!(cluster.broker(1).and_then(|b| b.log("t", 2)).is_none());
    }
}

#[test]
fn if_exists_makes_alter_and_delete_of_a_missing_topic_quiet() {
    let (output, _) = run_on(
        1,
        "kafka-topics.sh --alter --topic nope --partitions 3 --if-exists\n\
         kafka-topics.sh --delete --topic nope --if-exists\n",
    );
    assert!(!output.failed);
    assert_eq!(output.lines, []);
}

#[test]
fn alter_with_an_assignment_places_only_the_new_partitions() {
    let (output, cluster) = run_on(
        3,
        "kafka-topics.sh --create --topic t --partitions 1 --replication-factor 1\n\
         kafka-topics.sh --alter --topic t --partitions 3 --replica-assignment 1,3,2\n\
         kafka-topics.sh --describe --topic t\n",
    );
    assert!(!output.failed, "{output:?}");
    assert_eq!(
        partition_lines(&output),
        [
            partition_line("t", 0, 1, "1"),
            partition_line("t", 1, 3, "3"),
            partition_line("t", 2, 2, "2"),
        ]
    );
    assert!(cluster.broker(3).and_then(|b| b.log("t", 1)).is_some());
    assert!(cluster.broker(2).and_then(|b| b.log("t", 2)).is_some());
    assert!(cluster.broker(1).and_then(|b| b.log("t", 1)).is_none());
}

#[test]
fn manual_assignments_are_checked_as_the_controller_checks_them() {
    let prefix = "Error while executing topic command : ";
    let cases = [
        (
            "--alter --topic t --partitions 3 --replica-assignment 1,2",
            "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.",
        ),
        (
            "--alter --topic t --partitions 2 --replica-assignment 1,5",
            "The manual partition assignment includes broker 5, but no such broker is registered.",
        ),
        (
            "--alter --topic t --partitions 3 --replica-assignment 1:2,2:3,3:1",
            "The manual partition assignment includes a partition with 2 replica(s), but this is not consistent with previous partitions, which have 1 replica(s).",
        ),
        (
            "--alter --topic t --partitions 2 --replica-assignment 1,2:2",
            "Partition replica lists may not contain duplicate entries: 2",
        ),
        (
            "--alter --topic t --partitions 2 --replica-assignment 1,1:2",
            "Partition 1 has different replication factor: [1, 2]",
        ),
        (
            "--alter --topic t --partitions 2 --replica-assignment 1,two",
            "For input string: \"two\"",
        ),
    ];
    for (args, message) in cases {
        let mut cluster = cluster(3);
        support::run_ok(
            &mut cluster,
            "kafka-topics.sh --create --topic t --replication-factor 1\n",
        );
        let output = run_script(&mut cluster, &format!("kafka-topics.sh {args}\n"));
        assert!(output.failed, "{args}");
        assert_eq!(output.stdout(), format!("{prefix}{message}\n"), "{args}");
        assert_eq!(output.stderr(), "", "{args}");
        assert_eq!(cluster.topic("t").map(|t| t.partitions.len()), Some(1));
    }
}

#[test]
fn create_with_a_replica_assignment() {
    let (output, cluster) = run_on(
        3,
        "kafka-topics.sh --create --topic a --replica-assignment 1:2,2:3,3:1\n\
         kafka-topics.sh --describe --topic a\n",
    );
    assert!(!output.failed, "{output:?}");
    assert_eq!(output.stdout().lines().next(), Some("Created topic a."));
    assert!(output
        .stdout()
        .contains("\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: \n"));
    assert_eq!(
        partition_lines(&output),
        [
            partition_line("a", 0, 1, "1,2"),
            partition_line("a", 1, 2, "2,3"),
            partition_line("a", 2, 3, "3,1"),
        ]
    );
    for (broker, partition) in [(1, 0), (2, 0), (2, 1), (3, 1), (3, 2), (1, 2)] {
        let log = cluster.broker(broker).and_then(|b| b.log("a", partition));
        assert!(log.is_some(), "broker {broker} a-{partition}");
    }
    assert!(cluster.broker(1).and_then(|b| b.log("a", 1)).is_none());
}

#[test]
fn create_assignment_refusals() {
    let prefix = "Error while executing topic command : ";
    let cases = [
        (
            "--replica-assignment 1:1",
            "",
            "Partition replica lists may not contain duplicate entries: 1",
        ),
        (
            "--replica-assignment 2",
            "",
            "The manual partition assignment includes broker 2, but no such broker is registered.",
        ),
        ("--replica-assignment 1,x", "", "For input string: \"x\""),
        (
            "--replica-assignment 1 --config foo=bar",
            "",
            "Unknown topic config name: foo",
        ),
        (
            "--replica-assignment 1 --partitions 2",
            "Option \"[replica-assignment]\" can't be used with option \"[partitions]\"",
            "",
        ),
        (
            "--replica-assignment 1 --replication-factor 1",
            "Option \"[replica-assignment]\" can't be used with option \"[replication-factor]\"",
            "",
        ),
    ];
    for (args, stderr, message) in cases {
        let (output, cluster) = run_on(1, &format!("kafka-topics.sh --create --topic t {args}\n"));
        assert!(output.failed, "{args}");
        if stderr.is_empty() {
            assert_eq!(output.stdout(), format!("{prefix}{message}\n"), "{args}");
            assert_eq!(output.stderr(), "", "{args}");
        } else {
            assert_eq!(output.stdout(), "", "{args}");
            assert_eq!(output.stderr(), format!("{stderr}\n"), "{args}");
        }
        assert_eq!(cluster.topics().count(), 0, "{args}");
        // Only the KRaft metadata log's directory: no partition was created.
        assert!(
            cluster
                .broker(1)
                .is_some_and(|b| b.store.dirs() == ["__cluster_metadata-0"]),
            "{args}"
        );
    }
}

#[test]
fn delete_removes_the_topic_and_its_log_dirs_only() {
    let mut cluster = cluster(1);
    support::run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --partitions 2\n\
         kafka-topics.sh --create --topic t-1\n",
    );
    support::produce_n(&mut cluster, "t", 5, true);
    let old_id = cluster.topic("t").map(|t| t.id);
    let output = support::run_ok(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic t\n\
         kafka-topics.sh --list\n",
    );
    assert_eq!(output.stdout(), "t-1\n");
    assert_eq!(output.stderr(), "");
    let broker = cluster.broker(1).expect("broker 1");
    assert!(broker.log("t", 0).is_none() && broker.log("t", 1).is_none());
    assert_eq!(broker.store.dirs(), ["__cluster_metadata-0", "t-1-0"]);
    assert!(broker.log("t-1", 0).is_some());
    // The name is free again, with a new id and empty logs.
    support::run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    assert_ne!(cluster.topic("t").map(|t| t.id), old_id);
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    assert_eq!(log.log_end_offset(), 0);
}

#[test]
fn delete_refusals() {
    let cases = [
        (
            "--delete --topic nope",
            "Error while executing topic command : Topic 'Optional[nope]' does not exist as expected\n",
            "",
        ),
        ("--delete", "", "Missing required argument \"[topic]\"\n"),
        (
            "--delete --topic t --partitions 2",
            "",
            "Option \"[partitions]\" can't be used with option \"[delete]\"\n",
        ),
        (
            "--delete --topic t --exclude-internal",
            "",
            "Option \"[exclude-internal]\" can't be used with option \"[delete]\"\n",
        ),
    ];
    for (args, stdout, stderr) in cases {
        let mut cluster = cluster(1);
        support::run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
        let output = run_script(&mut cluster, &format!("kafka-topics.sh {args}\n"));
        assert!(output.failed, "{args}");
        assert_eq!(
            (output.stdout().as_str(), output.stderr().as_str()),
            (stdout, stderr)
        );
        assert!(cluster.topic("t").is_some());
    }
    // An empty --topic matches nothing and deletes nothing, as TopicCommand's filter does.
    let (output, _) = run_on(1, "kafka-topics.sh --delete --topic ''\n");
    assert!(!output.failed);
}

#[test]
fn engine_errors_carry_kafkas_codes() {
    let mut cluster = cluster(1);
    support::run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    let unknown = cluster.delete_topic("nope").unwrap_err();
    assert_eq!(unknown.code, ErrorCode::UnknownTopicOrPartition);
    assert_eq!(
        unknown.message(),
        "This server does not host this topic-partition."
    );
    let same = cluster.create_partitions("t", 1, None).unwrap_err();
    assert_eq!(same.code, ErrorCode::InvalidPartitions);
    let huge = cluster.create_partitions("t", i32::MAX, None).unwrap_err();
    assert_eq!(huge.code, ErrorCode::PolicyViolation);
    assert_eq!(
        huge.message(),
        "Unable to perform excessively large batch operation."
    );
    let empty = cluster
        .create_partitions("t", 2, Some(&[vec![]]))
        .unwrap_err();
    assert_eq!(
        empty.message(),
        "The manual partition assignment includes an empty replica list."
    );
    let exists = cluster
        .create_topic_with_assignment("t", &[vec![1]], Default::default())
        .unwrap_err();
    assert_eq!(exists.code, ErrorCode::TopicAlreadyExists);
    assert_eq!(cluster.topic("t").map(|t| t.partitions.len()), Some(1));
}

#[test]
fn describe_report_options_filter_partitions() {
    let script = "kafka-topics.sh --create --topic t --partitions 2\n";
    let cases = [
        ("--describe --under-replicated-partitions", 0),
        ("--describe --unavailable-partitions", 0),
        ("--describe --under-min-isr-partitions", 0),
        ("--describe --at-min-isr-partitions", 2),
    ];
    for (args, count) in cases {
        let (output, _) = run_on(1, &format!("{script}kafka-topics.sh {args}\n"));
        assert!(!output.failed, "{args}");
        let lines: Vec<String> = output.stdout().lines().skip(1).map(String::from).collect();
        assert_eq!(lines.len(), count, "{args}: {lines:?}");
        assert!(lines
            .iter()
            .all(|l| l.starts_with("\tTopic: t\tPartition: ")));
    }
    let (output, _) = run_on(
        1,
        "kafka-topics.sh --list --topics-with-overrides\n\
         kafka-topics.sh --describe --under-replicated-partitions --topics-with-overrides\n",
    );
    assert_eq!(
        output.stderr(),
        "Option \"[topics-with-overrides]\" can't be used with option \"[list]\"\n\
         Option \"[under-replicated-partitions]\" can't be used with option \"[topics-with-overrides]\"\n"
    );
}

#[test]
fn list_of_no_topics_prints_one_empty_line() {
    // TopicService.listTopics: System.out.println(String.join("\n", topics)).
    let (output, _) = run_on(1, "kafka-topics.sh --list\n");
    assert!(!output.failed);
    assert_eq!(output.stdout(), "\n");
}

#[test]
fn deprecated_delete_config_warns_on_stderr() {
    let (output, _) = run_on(1, "kafka-topics.sh --create --topic t --delete-config x\n");
    assert_eq!(output.stdout(), "Created topic t.\n");
    assert_eq!(
        output.stderr(),
        "delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.\n"
    );
}
