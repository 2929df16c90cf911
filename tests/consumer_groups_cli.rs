//! `kafka-consumer-groups.sh` through the command language: Kafka 4.1's `ConsumerGroupCommand`
//! lines (tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java),
//! on Kafka's streams, with Kafka's exit status.
//!
//! Most tests build a group with `kafka-console-consumer.sh --group` (which commits what it
//! printed on exit) or `consumer start`; the others check the command line alone.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::Cluster;
use support::run_ok;

const CG: &str = "kafka-consumer-groups.sh --bootstrap-server localhost:9092";
const NEEDS: &str = "needs the group coordinator (integrator enables)";

/// The lines of `text`.
fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// `actual`'s lines are `expected`; an expected line with `<any>` is compared word by word, each
/// `<any>` standing for one word (a member id, a client id, a host, a log timestamp).
fn assert_lines(actual: &str, expected: &[&str]) {
    let got = lines(actual);
    assert_eq!(got.len(), expected.len(), "got:\n{actual}");
    for (got, want) in got.iter().zip(expected) {
        if want.contains("<any>") {
            let g: Vec<&str> = got.split_whitespace().collect();
            let w: Vec<&str> = want.split_whitespace().collect();
            assert_eq!(g.len(), w.len(), "{got:?} vs {want:?}");
            for (g, w) in g.iter().zip(&w) {
                assert!(*w == "<any>" || g == w, "{got:?} vs {want:?}");
            }
        } else {
            assert_eq!(got, want);
        }
    }
}

fn cg(cluster: &mut Cluster, args: &str) -> Output {
    run_script(cluster, &format!("{CG} {args}\n"))
}

/// One broker; `orders` (one partition) holds 5 records; group `g` read and committed 3.
fn consumed() -> Cluster {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders\n\
         kafka-console-producer.sh --topic orders <<EOF\na\nb\nc\nd\ne\nEOF\n\
         kafka-console-consumer.sh --topic orders --group g --from-beginning --max-messages 3\n",
    );
    cluster
}

// ---- the command line (no coordinator needed) ----

#[test]
fn validation_errors_go_to_stderr_with_status_1() {
    let mut cluster = support::cluster();
    let cases = [
        ("kafka-consumer-groups.sh --list", "Missing required argument \"[bootstrap-server]\""),
        (CG, "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex"),
        (&format!("{CG} --describe"), "Option [describe] takes one of these options: [all-groups], [group]"),
        (&format!("{CG} --describe --group g --members --state"), "Option [describe] takes at most one of these options: [members], [offsets], [state]"),
        (&format!("{CG} --describe --group g --state Stable"), "Option [describe] does not take a value for [state]"),
        (&format!("{CG} --delete --group g --topic t"), "The consumer does not support topic-specific offset deletion from a consumer group."),
        (&format!("{CG} --delete-offsets --topic t"), "Option [delete-offsets] takes the following options: [topic], [group]"),
        (&format!("{CG} --reset-offsets --group g --to-earliest --dry-run --execute"), "Option [reset-offsets] only accepts one of [execute] and [dry-run]"),
        (&format!("{CG} --reset-offsets --group g --to-earliest --to-latest --dry-run"), "Option \"[to-earliest]\" can't be used with option \"[to-latest]\""),
        (&format!("{CG} --list --group g"), "Option \"[group]\" can't be used with option \"[list]\""),
        (&format!("{CG} --describe --all-groups --topic t"), "Option \"[topic]\" can't be used with option \"[describe]\""),
        (&format!("{CG} --list --type share"), "Invalid types list 'share'. Valid types are: Consumer, Classic"),
        (&format!("{CG} --list --state stable,sleeping"), "Invalid state list 'stable,sleeping'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling"),
    ];
    for (line, message) in cases {
        let output = run_script(&mut cluster, &format!("{line}\n"));
        assert!(output.failed, "{line}");
        assert_eq!(output.stdout(), "", "{line}");
        assert_eq!(output.stderr(), format!("{message}\n"), "{line}");
    }
}

#[test]
fn unreadable_command_lines_are_uncaught_jopt_exceptions() {
    let mut cluster = support::cluster();
    let output = cg(&mut cluster, "--desc --group g");
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: desc is not a recognized option\n"
    );
    let output = cg(&mut cluster, "--list --members");
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" joptsimple.UnavailableOptionException: Option(s) [members] are unavailable given other options on the command line\n"
    );
    let output = cg(&mut cluster, "--describe --group");
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" joptsimple.OptionMissingRequiredArgumentException: Option group requires an argument\n"
    );
}

#[test]
fn a_bad_number_fails_the_command_on_stdout_with_status_0() {
    let mut cluster = support::cluster();
    let output = cg(&mut cluster, "--list --timeout soon");
    assert!(!output.failed);
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Executing consumer group command failed due to Cannot parse argument 'soon' of option timeout"
        ]
    );
}

#[test]
fn delete_offsets_takes_one_group() {
    let mut cluster = support::cluster();
    let output = cg(
        &mut cluster,
        "--delete-offsets --group a --group b --topic t",
    );
    assert!(!output.failed);
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Executing consumer group command failed due to Found multiple arguments for option group, but you asked for only one"
        ]
    );
}

#[test]
fn validate_regex_checks_re2_syntax() {
    let mut cluster = support::cluster();
    let output = cg(&mut cluster, "--validate-regex 'orders-.*'");
    assert_eq!(
        output.stdout(),
        "The regular expression `orders-.*` is valid.\n"
    );
    let output = cg(&mut cluster, "--validate-regex 'orders-(.*'");
    assert_eq!(
        output.stdout(),
        "The regular expression `orders-(.*` is invalid: missing closing ).\n"
    );
}

#[test]
fn help_and_no_arguments() {
    let mut cluster = support::cluster();
    let output = run_script(&mut cluster, "kafka-consumer-groups.sh\n");
    assert!(output.failed);
    assert!(output
        .stderr()
        .starts_with("This tool helps to list all consumer groups"));
    let output = cg(&mut cluster, "--version");
    assert_eq!(output.stdout(), "4.1.0\n");
}

// ---- with groups (the coordinator) ----

#[test]
fn describe_an_empty_group_shows_its_offsets_and_lag() {
    let mut cluster = consumed();
    let output = cg(&mut cluster, "--describe --group g");
    assert!(!output.failed, "{NEEDS}");
    assert_eq!(
        lines(&output.stderr()),
        ["", "Consumer group 'g' has no active members."]
    );
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID",
            "g               orders          0          3               5               2               -               -               -",
        ]
    );
    let verbose = cg(&mut cluster, "--describe --group g --offsets --verbose");
    assert_eq!(
        lines(&verbose.stdout())[1..],
        [
            "GROUP           TOPIC           PARTITION  LEADER-EPOCH    CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID",
            "g               orders          0          0               3               5               2               -               -               -",
        ]
    );
}

#[test]
fn describe_members_and_state_of_an_empty_group() {
    let mut cluster = consumed();
    let output = cg(&mut cluster, "--describe --group g --members");
    assert_eq!(
        lines(&output.stderr()),
        ["", "Consumer group 'g' has no active members."]
    );
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     "
        ]
    );
    let output = cg(&mut cluster, "--describe --group g --state");
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS",
            "g               localhost:9092  (1)       -                    Empty                0",
        ]
    );
}

#[test]
fn describe_a_missing_group_and_all_groups() {
    let mut cluster = consumed();
    let output = cg(&mut cluster, "--describe --group nope");
    assert!(!output.failed);
    assert_eq!(
        lines(&output.stdout()),
        ["", "Error: Consumer group 'nope' does not exist."]
    );
    assert_eq!(output.stderr(), "");
    // Two groups: one table each, in id order, each after an empty line.
    run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --topic orders --group a --from-beginning --max-messages 1\n",
    );
    let output = cg(&mut cluster, "--describe --all-groups");
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID",
            "a               orders          0          1               5               4               -               -               -",
            "",
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID",
            "g               orders          0          3               5               2               -               -               -",
        ]
    );
    assert_eq!(
        lines(&output.stderr()),
        [
            "",
            "Consumer group 'a' has no active members.",
            "",
            "Consumer group 'g' has no active members."
        ]
    );
}

#[test]
fn list_with_and_without_state_and_type() {
    let mut cluster = consumed();
    assert_eq!(cg(&mut cluster, "--list").stdout(), "g\n");
    assert_eq!(
        lines(&cg(&mut cluster, "--list --state").stdout()),
        [
            "GROUP                     STATE               ",
            "g                         Empty               "
        ]
    );
    assert_eq!(
        lines(&cg(&mut cluster, "--list --type --state empty").stdout()),
        [
            "GROUP                     TYPE                 STATE               ",
            "g                         Classic              Empty               "
        ]
    );
    assert_eq!(
        lines(&cg(&mut cluster, "--list --state Stable").stdout()),
        ["GROUP                     STATE               "]
    );
}

#[test]
fn reset_offsets_dry_run_by_default_then_execute() {
    let mut cluster = consumed();
    let table = |offset: i64| {
        vec![
            String::new(),
            "GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ".to_string(),
            format!("g                              orders                         0          {offset:<15}"),
        ]
    };
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders --to-earliest",
    );
    assert!(!output.failed);
    assert_eq!(lines(&output.stdout()), table(0));
    assert!(output.stderr().starts_with(
        "WARN: No action will be performed as the --execute option is missing.In a future major release"
    ));
    // Nothing was committed by the dry run.
    let describe = cg(&mut cluster, "--describe --group g");
    assert_eq!(
        lines(&describe.stdout())[2],
        "g               orders          0          3               5               2               -               -               -"
    );

    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --all-topics --shift-by -2 --execute",
    );
    assert_eq!(lines(&output.stdout()), table(1));
    assert_eq!(output.stderr(), "");
    let describe = cg(&mut cluster, "--describe --group g");
    assert_eq!(
        lines(&describe.stdout())[2],
        "g               orders          0          1               5               4               -               -               -"
    );

    // --to-current keeps the committed offset; --to-latest moves to the log end.
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders --to-current --execute",
    );
    assert_eq!(lines(&output.stdout()), table(1));
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders --to-latest --execute",
    );
    assert_eq!(lines(&output.stdout()), table(5));
    let describe = cg(&mut cluster, "--describe --group g");
    assert_eq!(
        lines(&describe.stdout())[2],
        "g               orders          0          5               5               0               -               -               -"
    );
}

#[test]
fn reset_offsets_clamps_to_the_log_with_a_warning() {
    let mut cluster = consumed();
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders:0 --to-offset 100 --dry-run",
    );
    assert_eq!(
        lines(&output.stdout())[2].split_whitespace().last(),
        Some("5")
    );
    assert_lines(
        &output.stderr(),
        &["<any> <any> WARN New offset (100) is higher than latest offset for topic partition orders-0. Value will be set to 5 (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)"],
    );
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders:7 --to-latest --dry-run",
    );
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Executing consumer group command failed due to The partitions \"orders-7\" do not exist"
        ]
    );
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --to-latest --dry-run",
    );
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "One of the reset scopes should be defined: --all-topics, --topic.\n"
    );
}

#[test]
fn reset_offsets_by_time() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders\n\
         kafka-console-producer.sh --topic orders <<EOF\na\nb\nc\nEOF\n\
         time advance 1h\n\
         kafka-console-producer.sh --topic orders <<EOF\nd\ne\nEOF\n\
         kafka-console-consumer.sh --topic orders --group g --from-beginning\n",
    );
    for scenario in [
        "--to-datetime 2025-01-01T00:30:00.000",
        "--by-duration PT30M",
    ] {
        let output = cg(
            &mut cluster,
            &format!("--reset-offsets --group g --all-topics {scenario} --dry-run"),
        );
        assert_eq!(
            lines(&output.stdout())[2],
            "g                              orders                         0          3              ",
            "{scenario}"
        );
    }
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --all-topics --to-datetime 2025-01-01 --dry-run",
    );
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Executing consumer group command failed due to java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format"
        ]
    );
}

#[test]
fn an_active_group_is_not_reset_and_not_deleted() {
    let mut cluster = consumed();
    run_ok(
        &mut cluster,
        "consumer start c1 --group g --topic orders\ntime advance 10s\n",
    );
    let output = cg(
        &mut cluster,
        "--reset-offsets --group g --topic orders --to-earliest --dry-run",
    );
    assert!(!output.failed);
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.",
            "",
            "GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ",
        ]
    );
    let describe = cg(&mut cluster, "--describe --group g");
    assert_eq!(describe.stderr(), "");
    assert_lines(
        &describe.stdout(),
        &[
            "",
            // ConsumerGroupCommand.printOffsets: columns at least 15 wide (10 for PARTITION),
            // CONSUMER-ID as wide as the longest member id (`c1-` and a UUID).
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                             HOST            CLIENT-ID",
            "g orders 0 <any> 5 <any> <any> <any> <any>",
        ],
    );
    let output = cg(&mut cluster, "--delete --group g");
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Deletion of some consumer groups failed:",
            "* Group 'g' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.",
        ]
    );
    let output = cg(&mut cluster, "--delete-offsets --group g --topic orders");
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Encountered some partition-level error, see the follow-up details.",
            "",
            "TOPIC           PARTITION  STATUS         ",
            "orders          0          Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
        ]
    );
}

#[test]
fn delete_offsets_then_the_group() {
    let mut cluster = consumed();
    let output = cg(
        &mut cluster,
        "--delete-offsets --group g --topic orders --topic gone",
    );
    assert!(!output.failed);
    assert_eq!(
        lines(&output.stdout()),
        [
            "Request succeeded for deleting offsets from group g.",
            "",
            "TOPIC           PARTITION  STATUS         ",
            "gone            -          Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.",
            "orders          0          Successful     ",
        ]
    );
    let output = cg(&mut cluster, "--delete --group g");
    assert_eq!(
        output.stdout(),
        "Deletion of requested consumer groups ('g') was successful.\n"
    );
    let output = cg(&mut cluster, "--delete --group g");
    assert_eq!(
        lines(&output.stdout()),
        [
            "",
            "Error: Deletion of some consumer groups failed:",
            "* Group 'g' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.",
        ]
    );
    assert_eq!(cg(&mut cluster, "--list").stdout(), "");
}
