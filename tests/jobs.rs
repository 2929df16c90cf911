//! Shell jobs (issue #12, the streaming console consumer): `kafka-console-consumer.sh … &` keeps
//! consuming while time passes, and `kill -INT %1` (Ctrl-C in the page) stops it as Ctrl-C stops
//! Kafka's tool: its shutdown hook commits what it printed, leaves the group and prints
//! `Processed a total of N messages` (`ConsoleConsumer.run`'s `finally` and
//! `addShutdownHook`). `jobs` and `kill` print as bash does.

use kafka_playground::cli::jobs::drain;
use kafka_playground::cli::run_script;
use kafka_playground::cli::shell::parse_script;
use kafka_playground::engine::trace::trace_hash;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::scenario::shell_export::to_shell_script;
use kafka_playground::scenario::Scenario;

const SETUP: &str = "kafka-topics.sh --create --topic orders --partitions 2
kafka-console-consumer.sh --topic orders --group g --from-beginning --property print.partition=true &
kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF
a:1
b:2
c:3
EOF
";

fn cluster() -> Cluster {
    Cluster::new(ClusterOptions {
        seed: 5,
        ..ClusterOptions::default()
    })
}

fn stdout_lines(output: &kafka_playground::cli::Output) -> Vec<String> {
    output.stdout().lines().map(str::to_string).collect()
}

/// The group's committed offsets, as `kafka-consumer-groups.sh --describe` prints them.
fn committed(cluster: &mut Cluster) -> Vec<String> {
    let output = run_script(
        cluster,
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g",
    );
    assert!(!output.failed, "{output:?}");
    let rows: Vec<String> = output
        .stdout()
        .lines()
        .skip_while(|l| !l.starts_with("GROUP"))
        .skip(1)
        .map(|l| l.split_whitespace().take(4).collect::<Vec<_>>().join(" "))
        .collect();
    assert!(!rows.is_empty(), "{output:?}");
    rows
}

#[test]
fn a_job_prints_records_as_time_brings_them_and_ctrl_c_commits_what_it_printed() {
    let mut cluster = cluster();
    let start = run_script(&mut cluster, SETUP);
    assert!(!start.failed, "{start:?}");
    // The group's first join waits group.initial.rebalance.delay.ms (3 s): nothing yet.
    assert!(!start.stdout().contains("\t1"), "{}", start.stdout());
    let later = run_script(&mut cluster, "time advance 5s");
    let mut printed = stdout_lines(&later);
    printed.sort();
    assert_eq!(
        printed,
        ["Partition:0\t1", "Partition:0\t2", "Partition:0\t3"]
    );
    let jobs = run_script(&mut cluster, "jobs");
    assert_eq!(
        jobs.stdout(),
        "[1]+  Running                 kafka-console-consumer.sh --topic orders --group g --from-beginning --property print.partition=true &\n"
    );
    // More records while it runs, then Ctrl-C.
    let more = run_script(
        &mut cluster,
        "kafka-console-producer.sh --topic orders <<EOF\nd\nEOF\ntime advance 1s\nkill -INT %1",
    );
    assert_eq!(stdout_lines(&more).len(), 1, "{more:?}");
    assert_eq!(more.stderr(), "Processed a total of 4 messages\n");
    assert!(cluster.console_jobs().is_empty());
    let mut offsets = committed(&mut cluster);
    offsets.sort();
    let total: i64 = offsets
        .iter()
        .map(|l| {
            l.split(' ')
                .nth(3)
                .and_then(|o| o.parse::<i64>().ok())
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(total, 4, "{offsets:?}");
    assert!(run_script(
        &mut cluster,
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g"
    )
    .stderr()
    .contains("Consumer group 'g' has no active members."));
}

#[test]
fn a_job_ends_by_itself_at_max_messages() {
    let mut cluster = cluster();
    run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic t\nkafka-console-producer.sh --topic t <<EOF\nx\ny\nz\nEOF",
    );
    let output = run_script(
        &mut cluster,
        "kafka-console-consumer.sh --topic t --from-beginning --max-messages 2 &\ntime advance 1s\njobs",
    );
    assert_eq!(output.stdout(), "x\ny\n");
    assert_eq!(output.stderr(), "Processed a total of 2 messages\n");
    assert!(cluster.console_jobs().is_empty());
}

#[test]
fn kill_9_says_nothing_and_the_session_timeout_finds_the_member() {
    let mut cluster = cluster();
    run_script(&mut cluster, SETUP);
    run_script(&mut cluster, "time advance 5s");
    let killed = run_script(&mut cluster, "kill -9 %1");
    // No shutdown hook: no total, no commit of its own, no LeaveGroup (only what
    // enable.auto.commit committed on the way stays).
    assert_eq!(killed.lines, []);
    assert!(cluster.console_jobs().is_empty());
    // The member is still in the group until session.timeout.ms (45 s) runs out.
    let members =
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g --members";
    let before = run_script(&mut cluster, members);
    assert!(before.stdout().contains("console-consumer"), "{before:?}");
    run_script(&mut cluster, "time advance 50s");
    let after = run_script(&mut cluster, members);
    assert!(
        after.stderr().contains("has no active members"),
        "{after:?}"
    );
}

#[test]
fn jobs_and_kill_say_what_is_wrong_as_bash_does() {
    let mut cluster = cluster();
    run_script(&mut cluster, "kafka-topics.sh --create --topic t");
    let cases = [
        ("kill", "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"),
        ("kill %1", "kill: %1: no such job\n"),
        ("kill 4242", "kill: (4242) - No such process\n"),
        ("kill x", "kill: x: arguments must be process or job IDs\n"),
        ("kill -USR9 %1", "kill: USR9: invalid signal specification\n"),
        (
            "kafka-topics.sh --list &",
            "kafka-topics.sh: only kafka-console-consumer.sh runs as a job (&) in the playground; every other command finishes in simulated time, so run it without '&'\n",
        ),
    ];
    for (line, stderr) in cases {
        let output = run_script(&mut cluster, line);
        assert!(output.failed, "{line}");
        assert_eq!(output.stderr(), stderr, "{line}");
    }
    assert!(run_script(&mut cluster, "a && b")
        .stderr()
        .contains("`&&' is not supported"));
    let two = run_script(
        &mut cluster,
        "kafka-console-consumer.sh --topic t &\nkafka-console-consumer.sh --topic t --partition 0 &\nkafka-console-consumer.sh --topic t &\njobs\nkill %- %%\njobs",
    );
    assert_eq!(
        two.stdout(),
        "[1]   Running                 kafka-console-consumer.sh --topic t &\n\
         [2]-  Running                 kafka-console-consumer.sh --topic t --partition 0 &\n\
         [3]+  Running                 kafka-console-consumer.sh --topic t &\n\
         [1]+  Running                 kafka-console-consumer.sh --topic t &\n"
    );
}

/// When the page shows a job's lines (after any animation frame) does not change what the
/// cluster does: the same script with drains at different moments gives the same trace.
#[test]
fn when_lines_are_shown_does_not_change_the_trace() {
    let script = format!("{SETUP}producer start p --topic orders --rate 20/s\n");
    let mut drained = cluster();
    let mut plain = cluster();
    run_script(&mut drained, &script);
    run_script(&mut plain, &script);
    let mut shown = 0;
    for _ in 0..200 {
        drained.advance_time(37);
        shown += drain(&mut drained).len();
    }
    plain.advance_time(200 * 37);
    let end = "producer stop p\nkill -INT %1";
    let a = run_script(&mut drained, end);
    let b = run_script(&mut plain, end);
    assert!(shown > 50, "{shown}");
    assert_eq!(a.stderr(), b.stderr());
    assert_eq!(
        trace_hash(&drained.drain_events()),
        trace_hash(&plain.drain_events())
    );
    assert_eq!(committed(&mut drained), committed(&mut plain));
}

/// The shell export keeps the job's `&` and its `kill`: bash runs both as they are.
#[test]
fn shell_export_keeps_jobs() {
    let text = "kafka-topics.sh --create --topic t\nkafka-console-consumer.sh --topic t --group g &\ntime advance 2s\nkill -INT %1\n";
    let scenario = Scenario::from_kplay(text).expect("reads");
    let script = to_shell_script(&scenario);
    assert!(
        script.contains(
            "\nkafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --group g &\n"
        ),
        "{script}"
    );
    assert!(script.contains("\nkill -INT %1\n"), "{script}");
    assert!(!script.contains("waits for more records"), "{script}");
    let commands = parse_script(&script).expect("parses");
    assert!(commands.iter().any(|c| c.background));
}
