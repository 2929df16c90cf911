//! Partition reassignment (issue #6, KIP-455) through `kafka-reassign-partitions.sh`, as Kafka
//! 4.1's `ReassignPartitionsCommand` and KRaft controller run it: the adding replicas catch up
//! from the leader, then the removed ones leave and delete their log
//! (`ReplicationControlManager.alterPartitionReassignments`, `PartitionReassignmentReplicas`,
//! `PartitionReassignmentRevert`, `PartitionChangeBuilder.completeReassignmentIfNeeded`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::{Cluster, ClusterOptions, PartitionInfo};

const TOOL: &str = "kafka-reassign-partitions.sh --bootstrap-server localhost:9092";

fn cluster_of(brokers: i32) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        ..ClusterOptions::default()
    })
}

fn ok(cluster: &mut Cluster, script: &str) -> Output {
    support::run_ok(cluster, script)
}

/// `ACTION` with `json` as the here-document of `--reassignment-json-file`.
fn with_json(cluster: &mut Cluster, action: &str, json: &str) -> Output {
    run_script(
        cluster,
        &format!("{TOOL} {action} --reassignment-json-file /dev/stdin <<EOF\n{json}\nEOF\n"),
    )
}

fn assignment(partitions: &[(&str, i32, &[i32])]) -> String {
    let items: Vec<String> = partitions
        .iter()
        .map(|(t, p, r)| {
            let ids: Vec<String> = r.iter().map(i32::to_string).collect();
            let dirs = vec!["\"any\""; r.len()];
            format!(
                "{{\"topic\":\"{t}\",\"partition\":{p},\"replicas\":[{}],\"log_dirs\":[{}]}}",
                ids.join(","),
                dirs.join(",")
            )
        })
        .collect();
    format!("{{\"version\":1,\"partitions\":[{}]}}", items.join(","))
}

fn partition_line(cluster: &mut Cluster, topic: &str, partition: usize) -> String {
    let out = ok(
        cluster,
        &format!("kafka-topics.sh --describe --topic {topic}\n"),
    );
    out.stdout()
        .lines()
        .nth(partition + 1)
        .unwrap_or_default()
        .to_string()
}

fn info(cluster: &Cluster, topic: &str, partition: i32) -> PartitionInfo {
    cluster
        .partition_info(topic, partition)
        .expect("partition")
        .clone()
}

fn has_dir(cluster: &Cluster, broker: i32, dir: &str) -> bool {
    let node = cluster.broker(broker).expect("broker");
    node.log_dir_has(dir)
}

trait LogDir {
    fn log_dir_has(&self, dir: &str) -> bool;
}

impl LogDir for kafka_playground::engine::broker::Broker {
    fn log_dir_has(&self, dir: &str) -> bool {
        self.store.dirs().iter().any(|d| d == dir) || !self.store.list(dir).is_empty()
    }
}

fn values(cluster: &mut Cluster, topic: &str) -> Vec<String> {
    let out = ok(
        cluster,
        &format!("kafka-console-consumer.sh --topic {topic} --from-beginning\n"),
    );
    out.stdout().lines().map(str::to_string).collect()
}

/// The whole move of the KIP-455 walk-through: 1,2,3 → 2,3,4 on four brokers. Broker 4 joins
/// as an adding replica, catches up and enters the ISR; then 1 (the leader) is removed, 2
/// leads, and 1's partition directory is deleted. Every record stays readable.
#[test]
fn moving_a_partition_from_1_2_3_to_2_3_4() {
    let mut cluster = cluster_of(4);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 1:2:3\n",
    );
    support::produce_n(&mut cluster, "t", 20, false);
    ok(&mut cluster, "time advance 1s\n");
    let target = assignment(&[("t", 0, &[2, 3, 4])]);
    let out = with_json(&mut cluster, "--execute", &target);
    assert!(!out.failed, "{}", out.stdout());
    assert_eq!(
        out.stdout(),
        "Current partition replica assignment\n\n{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2,3],\"log_dirs\":[\"any\",\"any\",\"any\"]}]}\n\nSave this to use as the --reassignment-json-file option during rollback\nSuccessfully started partition reassignment for t-0\n"
    );
    // During: the target first, then the replicas being removed; the ISR is unchanged.
    assert_eq!(
        partition_line(&mut cluster, "t", 0),
        "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 2,3,4,1\tIsr: 1,2,3\tAdding Replicas: 4\tRemoving Replicas: 1\tElr: \tLastKnownElr: "
    );
    assert!(has_dir(&cluster, 4, "t-0"), "the adding replica has a log");
    // TopicCommand.getReplicationFactor leaves out the adding replicas.
    let described = ok(&mut cluster, "kafka-topics.sh --describe --topic t\n");
    assert!(
        described
            .stdout()
            .contains("\tPartitionCount: 1\tReplicationFactor: 3\t"),
        "{}",
        described.stdout()
    );
    let verify = with_json(&mut cluster, "--verify", &target);
    assert_eq!(
        verify.stdout(),
        "Status of partition reassignment:\nReassignment of partition t-0 is still in progress.\n\n"
    );
    let list = ok(&mut cluster, &format!("{TOOL} --list\n"));
    assert_eq!(
        list.stdout(),
        "Current partition reassignments:\nt-0: replicas: 2,3,4,1. adding: 4. removing: 1.\n"
    );
    ok(&mut cluster, "time advance 5s\n");
    let after = info(&cluster, "t", 0);
    assert_eq!(after.replicas, vec![2, 3, 4]);
    assert_eq!(after.isr, vec![2, 3, 4]);
    assert_eq!(after.leader, Some(2), "the removed leader hands over");
    assert!(after.adding_replicas.is_empty() && after.removing_replicas.is_empty());
    assert_eq!(
        partition_line(&mut cluster, "t", 0),
        "\tTopic: t\tPartition: 0\tLeader: 2\tReplicas: 2,3,4\tIsr: 2,3,4\tElr: \tLastKnownElr: "
    );
    assert!(
        !has_dir(&cluster, 1, "t-0"),
        "the removed replica's dir is gone"
    );
    assert!(cluster.broker(1).and_then(|b| b.log("t", 0)).is_none());
    // The trace: started, 4 in sync, completed with the leader epoch bumped and 2 leading.
    let trace: Vec<String> = cluster
        .drain_events()
        .iter()
        .map(|e| e.trace_line())
        .filter(|l| l.contains(" ctl t-0 "))
        .map(|l| {
            l.split_once(' ')
                .map_or(l.clone(), |(_, rest)| rest.to_string())
        })
        .collect();
    assert_eq!(
        trace,
        vec![
            "ctl t-0 reassignment started replicas=[2,3,4,1] adding=[4] removing=[1]",
            "ctl t-0 isr [1,2,3]->[1,2,3,4] (caught up)",
            "ctl t-0 reassignment completed replicas=[2,3,4] adding=[] removing=[]",
            "ctl t-0 leader 1->2 epoch=1",
            "ctl t-0 isr [1,2,3,4]->[2,3,4] (reassignment)",
        ],
        "{trace:#?}"
    );
    let log4 = cluster.broker(4).and_then(|b| b.log("t", 0)).expect("log");
    assert_eq!(log4.log_end_offset(), 20);
    let verify = with_json(&mut cluster, "--verify", &target);
    assert_eq!(
        verify.stdout(),
        "Status of partition reassignment:\nReassignment of partition t-0 is completed.\n\nClearing broker-level throttles on brokers 1,2,3,4\nClearing topic-level throttles on topic t\n"
    );
    assert_eq!(
        ok(&mut cluster, &format!("{TOOL} --list\n")).stdout(),
        "No partition reassignments found.\n"
    );
    let read = values(&mut cluster, "t");
    assert_eq!(read.len(), 20, "{read:?}");
    // New records are replicated to the new replica set only.
    support::produce_n(&mut cluster, "t", 5, false);
    ok(&mut cluster, "time advance 1s\n");
    for broker in [2, 3, 4] {
        let log = cluster
            .broker(broker)
            .and_then(|b| b.log("t", 0))
            .expect("log");
        assert_eq!(log.log_end_offset(), 25, "broker {broker}");
    }
    assert!(cluster.broker(1).and_then(|b| b.log("t", 0)).is_none());
}

/// A reassignment to brokers that share nothing with the old ones moves the leader: the new
/// leader is the first target replica in the ISR, in a new leader epoch.
#[test]
fn a_reassignment_that_moves_the_leader() {
    let mut cluster = cluster_of(4);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic m --replica-assignment 1:2,2:1\n",
    );
    support::produce_n(&mut cluster, "m", 10, true);
    ok(&mut cluster, "time advance 1s\n");
    let before = info(&cluster, "m", 0);
    let target = assignment(&[("m", 0, &[4, 3]), ("m", 1, &[3, 4])]);
    let out = with_json(&mut cluster, "--execute", &target);
    assert!(
        out.stdout()
            .ends_with("Successfully started partition reassignments for m-0,m-1\n"),
        "{}",
        out.stdout()
    );
    ok(&mut cluster, "time advance 5s\n");
    let p0 = info(&cluster, "m", 0);
    assert_eq!((p0.replicas.clone(), p0.leader), (vec![4, 3], Some(4)));
    assert!(p0.leader_epoch > before.leader_epoch);
    let p1 = info(&cluster, "m", 1);
    assert_eq!((p1.replicas.clone(), p1.leader), (vec![3, 4], Some(3)));
    for broker in [1, 2] {
        assert!(!has_dir(&cluster, broker, "m-0"));
        assert!(!has_dir(&cluster, broker, "m-1"));
    }
    assert_eq!(values(&mut cluster, "m").len(), 10);
}

/// `--cancel` while the adding replica cannot catch up (it is cut off from the leader): the
/// adding replica goes, the removing one stays (`PartitionReassignmentRevert`, which keeps the
/// reassignment's order: 2,3,4,1 without 4 is 2,3,1).
#[test]
fn a_cancelled_reassignment_goes_back_to_the_old_replicas() {
    let mut cluster = cluster_of(4);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic c --replica-assignment 1:2:3\nnetwork partition 1 4\n",
    );
    support::produce_n(&mut cluster, "c", 5, false);
    let target = assignment(&[("c", 0, &[2, 3, 4])]);
    assert!(!with_json(&mut cluster, "--execute", &target).failed);
    ok(&mut cluster, "time advance 10s\n");
    assert_eq!(info(&cluster, "c", 0).adding_replicas, vec![4]);
    // A second reassignment needs --additional.
    let again = with_json(&mut cluster, "--execute", &target);
    assert!(again.failed);
    assert!(again
        .stdout()
        .starts_with("Cannot execute because there is an existing partition assignment."));
    let out = with_json(&mut cluster, "--cancel", &target);
    assert!(!out.failed, "{}", out.stdout());
    assert_eq!(
        out.stdout(),
        "Successfully cancelled partition reassignment for: c-0\nNone of the specified partition moves are active.Clearing broker-level throttles on brokers 1,2,3,4\nClearing topic-level throttles on topic c\n"
    );
    let after = info(&cluster, "c", 0);
    assert_eq!(after.replicas, vec![2, 3, 1]);
    assert_eq!(after.isr, vec![1, 2, 3]);
    assert_eq!(after.leader, Some(1));
    assert!(after.adding_replicas.is_empty() && after.removing_replicas.is_empty());
    assert!(
        !has_dir(&cluster, 4, "c-0"),
        "the adding replica's log is deleted"
    );
    assert!(has_dir(&cluster, 1, "c-0"));
    let verify = with_json(&mut cluster, "--verify", &target);
    assert!(verify.stdout().contains(
        "There is no active reassignment of partition c-0, but replica set is 2,3,1 rather than 2,3,4."
    ));
    // Nothing left to cancel.
    let out = with_json(&mut cluster, "--cancel", &target);
    assert!(out
        .stdout()
        .starts_with("None of the specified partition reassignments are active.\n"));
    // The controller itself refuses (NO_REASSIGNMENT_IN_PROGRESS).
    let refused = cluster
        .alter_partition_reassignment("c", 0, None)
        .unwrap_err();
    assert_eq!(
        refused.as_exception(),
        "org.apache.kafka.common.errors.NoReassignmentInProgressException: No partition reassignment is in progress."
    );
    ok(&mut cluster, "network heal\ntime advance 5s\n");
    assert_eq!(values(&mut cluster, "c").len(), 5);
}

/// Only removing replicas completes at once: nothing needs to catch up.
#[test]
fn lowering_the_replication_factor_completes_at_once() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic r --replica-assignment 1:2:3\n",
    );
    let out = with_json(&mut cluster, "--execute", &assignment(&[("r", 0, &[1, 2])]));
    assert!(!out.failed);
    let after = info(&cluster, "r", 0);
    assert_eq!((after.replicas, after.isr), (vec![1, 2], vec![1, 2]));
    assert!(!has_dir(&cluster, 3, "r-0"));
}

/// `--generate`: the current assignment and a proposal over the listed brokers (the tool's
/// `AdminUtils.assignReplicasToBrokers`, its random start drawn from the cluster's seed).
#[test]
fn generate_prints_the_current_and_a_proposed_assignment() {
    let create = "kafka-topics.sh --create --topic g --replica-assignment 1:2,2:3,3:1\n";
    let script = format!(
        "{TOOL} --generate --broker-list 2,3,4 --topics-to-move-json-file /dev/stdin <<EOF\n{{\"topics\": [{{\"topic\": \"g\"}}], \"version\": 1}}\nEOF\n"
    );
    let mut cluster = cluster_of(4);
    ok(&mut cluster, create);
    let out = ok(&mut cluster, &script);
    let stdout = out.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], "Current partition replica assignment");
    assert_eq!(
        lines[1],
        "{\"version\":1,\"partitions\":[{\"topic\":\"g\",\"partition\":0,\"replicas\":[1,2],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"g\",\"partition\":1,\"replicas\":[2,3],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"g\",\"partition\":2,\"replicas\":[3,1],\"log_dirs\":[\"any\",\"any\"]}]}"
    );
    assert_eq!(lines[2], "");
    assert_eq!(lines[3], "Proposed partition reassignment configuration");
    // Round-robin from the drawn start with the drawn shift, over 2,3,4 (seed 0).
    let proposal = lines[4];
    assert_eq!(
        proposal,
        "{\"version\":1,\"partitions\":[{\"topic\":\"g\",\"partition\":0,\"replicas\":[2,3],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"g\",\"partition\":1,\"replicas\":[3,4],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"g\",\"partition\":2,\"replicas\":[4,2],\"log_dirs\":[\"any\",\"any\"]}]}"
    );
    let mut again = cluster_of(4);
    ok(&mut again, create);
    assert_eq!(
        ok(&mut again, &script).stdout(),
        stdout,
        "same seed, same proposal"
    );
    // The proposal is what --execute takes, and the same seed proposes the same.
    let executed = with_json(&mut cluster, "--execute", proposal);
    assert!(!executed.failed, "{}", executed.stdout());
    ok(&mut cluster, "time advance 5s\n");
    for p in 0..3 {
        let replicas = info(&cluster, "g", p).replicas;
        assert_eq!(replicas.len(), 2);
        assert!(
            replicas.iter().all(|r| [2, 3, 4].contains(r)),
            "{replicas:?}"
        );
    }
    let refused = run_script(
        &mut cluster,
        &format!("{TOOL} --generate --broker-list 2 --topics-to-move-json-file /dev/stdin <<EOF\n{{\"topics\": [{{\"topic\": \"g\"}}]}}\nEOF\n"),
    );
    assert!(refused.failed);
    assert!(refused
        .stdout()
        .starts_with("Error: Replication factor: 2 larger than available brokers: 1.\n"));
}

/// Every bad input is refused with the tool's or the controller's message, and nothing
/// changes.
#[test]
fn bad_input_is_refused_in_kafkas_words_and_changes_nothing() {
    let mut cluster = cluster_of(4);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 1:2:3\n",
    );
    let before = info(&cluster, "t", 0);
    let cases: &[(&str, &str)] = &[
        (
            &assignment(&[("nope", 0, &[1, 2])]),
            "Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Topic nope not found.",
        ),
        (
            &assignment(&[("t", 5, &[1, 2])]),
            "Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Unable to find partition: t-5",
        ),
        (&assignment(&[("t", 0, &[1, 9])]), "Error: Unknown broker id 9"),
        (
            &assignment(&[("t", 0, &[2, 3, 2])]),
            "Error: Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 2",
        ),
        (
            &assignment(&[("t", 0, &[2]), ("t", 0, &[3])]),
            "Error: Partition reassignment contains duplicate topic partitions: t-0",
        ),
        (
            "{\"version\":1,\"partitions\":[]}",
            "Error: Partition reassignment list cannot be empty",
        ),
        (
            &assignment(&[("t", 0, &[])]),
            "Error: Partition replica list cannot be empty",
        ),
        (
            "{\"version\":2,\"partitions\":[]}",
            "Error: Not supported version field value 2",
        ),
        (
            "{\"partitions\":[{\"topic\":\"t\",\"replicas\":[1]}]}",
            "Error: No such field exists: `partition`",
        ),
        (
            "{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2],\"log_dirs\":[\"any\"]}]}",
            "Error: Size of replicas list [1, 2] is different from size of log dirs list [any] for partition t-0",
        ),
    ];
    for (json, message) in cases {
        let out = with_json(&mut cluster, "--execute", json);
        assert!(out.failed, "{json}");
        assert_eq!(out.stdout().lines().next(), Some(*message), "{json}");
        assert_eq!(info(&cluster, "t", 0), before, "{json}");
        assert!(cluster.list_partition_reassignments().is_empty());
    }
    // A stopped broker is not a live broker.
    ok(&mut cluster, "broker stop 4\n");
    let out = with_json(
        &mut cluster,
        "--execute",
        &assignment(&[("t", 0, &[2, 3, 4])]),
    );
    assert_eq!(
        out.stdout().lines().next(),
        Some("Error: Unknown broker id 4")
    );
    ok(&mut cluster, "broker start 4\n");
    // A file that does not exist (natively a real path; the browser has no files).
    let out = run_script(
        &mut cluster,
        &format!("{TOOL} --execute --reassignment-json-file /no/such/reassign.json\n"),
    );
    assert!(out.failed);
    assert_eq!(
        out.stdout(),
        "Error: /no/such/reassign.json\njava.nio.file.NoSuchFileException: /no/such/reassign.json\n"
    );
    let usage: &[(&str, &str)] = &[
        (
            "--list --verify",
            "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list",
        ),
        ("--execute", "Missing required argument \"[reassignment-json-file]\""),
        (
            "--generate --broker-list 1",
            "Missing required argument \"[topics-to-move-json-file]\"",
        ),
        (
            "--execute --reassignment-json-file f --broker-list 1",
            "Option \"[broker-list]\" can't be used with action \"[execute]\"",
        ),
    ];
    for (args, message) in usage {
        let out = run_script(&mut cluster, &format!("{TOOL} {args}\n"));
        assert!(out.failed, "{args}");
        assert_eq!(out.stderr(), format!("{message}\n"), "{args}");
    }
    // The controller's own checks, under the tool's.
    let refused = cluster
        .alter_partition_reassignment("t", 0, Some(&[1, 1]))
        .unwrap_err();
    assert_eq!(
        refused.message(),
        "The manual partition assignment includes the broker 1 more than once."
    );
    let refused = cluster
        .alter_partition_reassignment("nope", 0, Some(&[1]))
        .unwrap_err();
    assert_eq!(refused.message(), "Unable to find a topic named nope.");
    assert_eq!(info(&cluster, "t", 0), before);
}

/// A real file works natively, as `Utils.readFileAsString` reads it.
#[test]
fn the_json_file_may_be_a_real_file() {
    let dir = support::TempDir::new("reassign");
    std::fs::create_dir_all(dir.arg()).expect("dir");
    let path = dir.join("move.json");
    std::fs::write(&path, assignment(&[("f", 0, &[2, 1])])).expect("write");
    let mut cluster = cluster_of(2);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic f --replica-assignment 1:2\n",
    );
    let out = ok(
        &mut cluster,
        &format!(
            "{TOOL} --execute --reassignment-json-file {}\n",
            path.display()
        ),
    );
    assert!(out
        .stdout()
        .ends_with("Successfully started partition reassignment for f-0\n"));
    assert_eq!(info(&cluster, "f", 0).replicas, vec![2, 1]);
}

/// A new replica of a partition whose log no longer starts at 0 (records deleted) starts where
/// the leader's log starts, as a follower does after `OFFSET_OUT_OF_RANGE`
/// (`truncateFullyAndStartAt` the leader's log start offset).
#[test]
fn a_new_replica_starts_at_the_leaders_log_start() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic d --replica-assignment 1:2\n",
    );
    support::produce_n(&mut cluster, "d", 10, false);
    ok(
        &mut cluster,
        "time advance 1s\nkafka-delete-records.sh --bootstrap-server x:9092 --offset-json-file /dev/stdin <<EOF\n{\"partitions\":[{\"topic\":\"d\",\"partition\":0,\"offset\":6}]}\nEOF\n",
    );
    let out = with_json(&mut cluster, "--execute", &assignment(&[("d", 0, &[3, 2])]));
    assert!(!out.failed, "{}", out.stdout());
    ok(&mut cluster, "time advance 5s\n");
    let after = info(&cluster, "d", 0);
    assert_eq!((after.replicas, after.leader), (vec![3, 2], Some(3)));
    let log = cluster.broker(3).and_then(|b| b.log("d", 0)).expect("log");
    assert_eq!((log.log_start_offset(), log.log_end_offset()), (6, 10));
    assert_eq!(values(&mut cluster, "d").len(), 4);
}

/// A reassignment in progress survives a restart from the data dir: `PartitionRecord`'s
/// adding and removing replicas are saved, and the next run completes it.
#[test]
fn a_reassignment_in_progress_survives_a_restart() {
    let dir = support::TempDir::new("reassign-restart");
    let first = format!(
        "kafka-topics.sh --create --topic p --replica-assignment 1:2\nnetwork partition 1 3\n{TOOL} --execute --reassignment-json-file /dev/stdin <<EOF\n{}\nEOF\ntime advance 1s\n",
        assignment(&[("p", 0, &[2, 3])])
    );
    let out = support::kplay(&["--brokers", "3", "--data-dir", dir.arg()], &first);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let second = format!(
        "kafka-topics.sh --describe --topic p\n{TOOL} --list\ntime advance 5s\nkafka-topics.sh --describe --topic p\n"
    );
    let out = support::kplay(&["--data-dir", dir.arg()], &second);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("\tTopic: p"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0]
            .contains("\tReplicas: 2,3,1\tIsr: 1,2\tAdding Replicas: 3\tRemoving Replicas: 1\t"),
        "{stdout}"
    );
    assert!(
        stdout.contains("p-0: replicas: 2,3,1. adding: 3. removing: 1.\n"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("\tLeader: 2\tReplicas: 2,3\tIsr: 2,3\tElr"),
        "{stdout}"
    );
}
