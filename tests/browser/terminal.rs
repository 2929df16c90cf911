//! The terminal's logic (`ui::terminal`): completion, history, the typing modes, and commands run
//! through the store as `kplay` runs them.

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::complete::{complete, Completion, Names};
use kafka_playground::ui::terminal::history::History;
use kafka_playground::ui::terminal::session::{CommandRequest, Mode, Session};
use kafka_playground::ui::terminal::{LineKind, Prompt, TermLine};
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn names() -> Names {
    Names {
        topics: vec!["__consumer_offsets".into(), "orders".into(), "other".into()],
        groups: vec!["billing".into(), "shipping".into()],
        brokers: vec![1, 2, 3],
        producers: vec!["p1".into()],
        consumers: vec!["c1".into(), "c2".into()],
        files: vec![
            "/tmp/kraft-combined-logs/broker-1/meta.properties".into(),
            "/tmp/kraft-combined-logs/broker-1/orders-0/00000000000000000000.index".into(),
            "/tmp/kraft-combined-logs/broker-1/orders-0/00000000000000000000.log".into(),
            "/tmp/kraft-combined-logs/broker-2/orders-1/00000000000000000000.log".into(),
        ],
    }
}

/// The completed text, or the listed candidates joined with blanks.
fn tab(before: &str) -> String {
    match complete(before, &names()) {
        Some(Completion { text, candidates }) if candidates.is_empty() => text,
        Some(Completion { candidates, .. }) => format!("[{}]", candidates.join(" ")),
        None => "none".into(),
    }
}

#[wasm_bindgen_test]
fn completes_programs() {
    assert_eq!(tab("kafka-to"), "kafka-topics.sh ");
    assert_eq!(tab("bin/kafka-to"), "bin/kafka-topics.sh ");
    assert_eq!(tab("kafka-c"), "kafka-con");
    assert_eq!(
        tab("kafka-con"),
        "[kafka-configs.sh kafka-console-producer.sh kafka-console-consumer.sh kafka-consumer-groups.sh]"
    );
    assert_eq!(tab("kafka-console-p"), "kafka-console-producer.sh ");
    assert_eq!(tab("cl"), "clear ");
    assert_eq!(tab("he"), "help ");
    assert_eq!(tab("br"), "broker ");
    assert_eq!(tab("zz"), "none");
    assert!(tab("").starts_with("[kafka-topics.sh "), "{}", tab(""));
}

#[wasm_bindgen_test]
fn completes_options_from_the_tools_parsers() {
    assert_eq!(tab("kafka-topics.sh --cr"), "kafka-topics.sh --create ");
    assert_eq!(
        tab("kafka-topics.sh --create --par"),
        "kafka-topics.sh --create --partition"
    );
    assert_eq!(
        tab("kafka-topics.sh --create --partitions"),
        "kafka-topics.sh --create --partitions "
    );
    assert_eq!(
        tab("kafka-console-consumer.sh --from"),
        "kafka-console-consumer.sh --from-beginning "
    );
    assert_eq!(
        tab("kafka-consumer-groups.sh --res"),
        "kafka-consumer-groups.sh --reset-offsets "
    );
    // A blank after a tool offers its options.
    assert_eq!(tab("kafka-get-offsets.sh "), "kafka-get-offsets.sh --");
    assert!(
        tab("kafka-get-offsets.sh --").contains(" --topic "),
        "{}",
        tab("kafka-get-offsets.sh --")
    );
    // Playground verbs: subcommands, then the options of `start`.
    assert_eq!(tab("producer st"), "[start stop]");
    assert_eq!(tab("producer sta"), "producer start ");
    assert_eq!(tab("producer start p --ac"), "producer start p --acks ");
    assert_eq!(
        tab("producer start p --acks a"),
        "producer start p --acks all "
    );
    assert_eq!(
        tab("consumer start c --from"),
        "consumer start c --from-beginning "
    );
    assert_eq!(tab("time a"), "time advance ");
    // Words with quotes are left alone.
    assert_eq!(tab("kafka-topics.sh --topic 'or"), "none");
}

#[wasm_bindgen_test]
fn completes_names_from_the_cluster() {
    assert_eq!(
        tab("kafka-topics.sh --describe --topic ord"),
        "kafka-topics.sh --describe --topic orders "
    );
    assert_eq!(
        tab("kafka-topics.sh --describe --topic o"),
        "[orders other]"
    );
    assert_eq!(
        tab("kafka-topics.sh --topic=or"),
        "kafka-topics.sh --topic=orders "
    );
    assert_eq!(
        tab("kafka-console-consumer.sh --topic orders --group sh"),
        "kafka-console-consumer.sh --topic orders --group shipping "
    );
    assert_eq!(
        tab("kafka-consumer-groups.sh --describe --group "),
        "[billing shipping]"
    );
    assert_eq!(
        tab("consumer start c --topic orders,ot"),
        "consumer start c --topic orders,other "
    );
    assert_eq!(tab("broker kill "), "[1 2 3]");
    assert_eq!(tab("broker kill 2"), "broker kill 2 ");
    assert_eq!(tab("network partition 1 "), "[1 2 3]");
    assert_eq!(tab("consumer kill "), "consumer kill c");
    assert_eq!(tab("consumer kill c"), "[c1 c2]");
    assert_eq!(tab("producer stop "), "producer stop p1 ");
    assert_eq!(
        tab("kafka-console-consumer.sh --topic orders --property print.k"),
        "kafka-console-consumer.sh --topic orders --property print.key=true "
    );
    assert_eq!(
        tab("kafka-console-producer.sh --topic orders --property key.s"),
        "kafka-console-producer.sh --topic orders --property key.separator="
    );
    assert_eq!(
        tab("kafka-configs.sh --describe --entity-type brokers --entity-name "),
        "[1 2 3]"
    );
    // Paths after --files: as far as they agree, then the next directories are listed.
    let dump = "kafka-dump-log.sh --files ";
    let dir = "/tmp/kraft-combined-logs/broker-";
    assert_eq!(tab(dump), format!("{dump}{dir}"));
    assert_eq!(tab(&format!("{dump}{dir}")), format!("[{dir}1/ {dir}2/]"));
    assert_eq!(
        tab(&format!("{dump}{dir}1/o")),
        format!("{dump}{dir}1/orders-0/00000000000000000000.")
    );
    assert_eq!(
        tab(&format!("{dump}{dir}1/orders-0/00000000000000000000.l")),
        format!("{dump}{dir}1/orders-0/00000000000000000000.log ")
    );
    assert_eq!(
        tab(&format!("{dump}{dir}2")),
        format!("{dump}{dir}2/orders-1/00000000000000000000.log ")
    );
    // A word that is a whole option and the start of others lists them all.
    assert_eq!(
        tab("kafka-topics.sh --describe --topic"),
        "[--topic --topic-id --topics-with-overrides]"
    );
}

#[wasm_bindgen_test]
fn names_of_a_cluster() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders\nkafka-console-producer.sh --topic orders <<EOF\na\nEOF\nkafka-console-consumer.sh --topic orders --group g1 --from-beginning\n",
    );
    assert!(!output.failed, "{output:?}");
    let names = Names::of(&cluster);
    assert!(names.topics.contains(&"orders".to_string()), "{names:?}");
    assert_eq!(names.groups, ["g1"]);
    assert_eq!(names.brokers, [1, 2, 3]);
    let log = "/tmp/kraft-combined-logs/broker-1/orders-0/00000000000000000000.log";
    let leader = cluster
        .partition_info("orders", 0)
        .and_then(|p| p.leader)
        .expect("a leader");
    let log = log.replace("broker-1", &format!("broker-{leader}"));
    assert!(names.files.contains(&log), "{:?}", names.files);
}

#[wasm_bindgen_test]
fn history_walks_back_and_forth() {
    let mut history = History::default();
    history.push("a");
    history.push("b");
    history.push("b");
    history.push("  ");
    assert_eq!(history.entries(), ["a", "b"]);
    assert_eq!(history.down(), None, "not walking");
    assert_eq!(history.up("draft").as_deref(), Some("b"));
    assert_eq!(history.up("b").as_deref(), Some("a"));
    assert_eq!(history.up("a"), None, "nothing older");
    assert_eq!(history.down().as_deref(), Some("b"));
    assert_eq!(history.down().as_deref(), Some("draft"));
    assert_eq!(history.down(), None);
    history.push("c");
    assert_eq!(history.up("").as_deref(), Some("c"));
    assert_eq!(History::default().up("x"), None);
}

fn typed(prompt: Prompt, text: &str) -> TermLine {
    TermLine::typed(prompt, text)
}

#[wasm_bindgen_test]
fn a_complete_line_runs_and_an_open_one_waits() {
    let mut session = Session::default();
    assert_eq!(
        session.enter("kafka-topics.sh --list"),
        Some(CommandRequest::typed("kafka-topics.sh --list"))
    );
    // A here-document typed line by line, at the `> ` prompt.
    assert_eq!(
        session.enter("kafka-console-producer.sh --topic t <<EOF"),
        None
    );
    assert_eq!(session.prompt(), Prompt::Continuation);
    assert_eq!(session.enter("a"), None);
    let request = session.enter("EOF").expect("complete");
    assert_eq!(
        request.script.as_deref(),
        Some("kafka-console-producer.sh --topic t <<EOF\na\nEOF")
    );
    assert_eq!(
        request.echo,
        [
            typed(Prompt::Shell, "kafka-console-producer.sh --topic t <<EOF"),
            typed(Prompt::Continuation, "a"),
            typed(Prompt::Continuation, "EOF"),
        ]
    );
    assert_eq!(session.mode(), &Mode::Command);
    // An open quote waits for its closing line; Ctrl-C abandons it.
    assert_eq!(session.enter("kafka-topics.sh --topic 'a"), None);
    assert_eq!(session.pending().len(), 1);
    let interrupted = session.interrupt("b").expect("echo");
    assert_eq!(interrupted.script, None);
    assert_eq!(interrupted.echo[1], typed(Prompt::Continuation, "b^C"));
    assert_eq!(session.mode(), &Mode::Command);
    // Ctrl-D ends an open here-document as end-of-file does.
    assert_eq!(
        session.enter("kafka-console-producer.sh --topic t <<END"),
        None
    );
    let request = session.end_input("x").expect("runs");
    assert_eq!(
        request.script.as_deref(),
        Some("kafka-console-producer.sh --topic t <<END\nx\nEND")
    );
    // Ctrl-C on a command line only shows it.
    assert_eq!(
        session.interrupt("kafka-top"),
        Some(CommandRequest::echo(vec![typed(
            Prompt::Shell,
            "kafka-top^C"
        )]))
    );
    assert_eq!(session.end_input(""), None);
}

#[wasm_bindgen_test]
fn a_console_producer_without_input_reads_typed_records() {
    let mut session = Session::default();
    let command = "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders";
    assert_eq!(session.enter(command), None);
    assert_eq!(session.prompt(), Prompt::Record);
    assert_eq!(session.prompt().as_str(), ">");
    assert_eq!(session.enter("first"), None);
    assert_eq!(session.enter(""), None, "an empty line is a record too");
    assert_eq!(
        session.pending(),
        [
            typed(Prompt::Shell, command),
            typed(Prompt::Record, "first"),
            typed(Prompt::Record, ""),
        ]
    );
    let request = session.end_input("last").expect("runs");
    assert_eq!(request.script.as_deref(), Some(command));
    assert_eq!(
        request.records,
        Some(vec!["first".into(), "".into(), "last".into()])
    );
    assert_eq!(request.echo.len(), 4);
    assert_eq!(session.mode(), &Mode::Command);

    // Ctrl-C: the lines typed so far were sent; the unfinished one is not.
    assert_eq!(
        session.enter("kafka-console-producer.sh --topic orders"),
        None
    );
    assert_eq!(session.enter("one"), None);
    let request = session.interrupt("half").expect("runs");
    assert_eq!(request.records, Some(vec!["one".into()]));
    assert_eq!(request.echo.last(), Some(&typed(Prompt::Record, "half^C")));

    // A command line the tool refuses runs at once and prints its error.
    for refused in [
        "kafka-console-producer.sh",
        "kafka-console-producer.sh --topic",
        "kafka-console-producer.sh --topic t --bogus",
        "kafka-console-producer.sh --topic t --help",
        // No abbreviations: Kafka's tools build `new OptionParser(false)`.
        "bin/kafka-console-producer.sh --top t",
    ] {
        assert_eq!(
            session.enter(refused),
            Some(CommandRequest::typed(refused)),
            "{refused}"
        );
    }
    // The tool's path as in Kafka's distribution: it waits for records.
    assert_eq!(
        session.enter("bin/kafka-console-producer.sh --topic t"),
        None
    );
}

fn run(store: Rc<Store>, line: &str) -> Rc<Store> {
    let mut session = Session::default();
    let request = session.enter(line).expect("a complete command");
    store.reduce(Action::RunCommand(request))
}

fn screen(store: &Store) -> Vec<(LineKind, String)> {
    store
        .terminal
        .lines()
        .map(|l| (l.kind, l.text.clone()))
        .collect()
}

#[wasm_bindgen_test]
fn commands_run_as_kplay_runs_them() {
    let script = "kafka-topics.sh --create --topic orders --partitions 3\n\
                  kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF\n\
                  k1:hello\nk2:world\nEOF\n\
                  kafka-console-consumer.sh --topic orders --from-beginning --property print.key=true\n\
                  kafka-topics.sh --describe --topic nope\n";
    let mut cluster = Cluster::new(ClusterOptions::default());
    let expected = run_script(&mut cluster, script);

    let store = Rc::new(Store::default());
    let version = store.cluster_version;
    let store = run(
        store,
        "kafka-topics.sh --create --topic orders --partitions 3",
    );
    assert!(
        store.cluster_version > version,
        "a command is a change to save"
    );
    assert!(store.cluster().topic("orders").is_some());
    assert!(
        store.events.total() > 0,
        "its events are drained into the event log"
    );
    // Typed at the producer's prompt, as the terminal does, then Ctrl-D.
    let mut session = Session::default();
    assert_eq!(
        session.enter("kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=:"),
        None
    );
    session.enter("k1:hello");
    session.enter("k2:world");
    let store = store.reduce(Action::RunCommand(session.end_input("").expect("runs")));
    let store = run(
        store,
        "kafka-console-consumer.sh --topic orders --from-beginning --property print.key=true",
    );
    let store = run(store, "kafka-topics.sh --describe --topic nope");

    let printed: Vec<(LineKind, String)> = screen(&store)
        .into_iter()
        .filter(|(kind, _)| !matches!(kind, LineKind::Typed(_)))
        .collect();
    let from_kplay: Vec<(LineKind, String)> = expected
        .lines
        .iter()
        .map(|(stream, line)| {
            let kind = match stream {
                kafka_playground::cli::Stream::Stdout => LineKind::Stdout,
                kafka_playground::cli::Stream::Stderr => LineKind::Stderr,
            };
            (kind, line.clone())
        })
        .collect();
    assert_eq!(printed, from_kplay);
    assert!(
        printed.contains(&(LineKind::Stdout, "k1\thello".into())),
        "{printed:?}"
    );
    assert!(printed.contains(&(LineKind::Stderr, "Processed a total of 2 messages".into())));
    let typed_lines: Vec<String> = screen(&store)
        .into_iter()
        .filter(|(kind, _)| matches!(kind, LineKind::Typed(_)))
        .map(|(_, text)| text)
        .collect();
    assert_eq!(typed_lines[2], "k1:hello");
}

#[wasm_bindgen_test]
fn help_clear_syntax_errors_and_blank_lines() {
    let store = Rc::new(Store::default());
    let version = store.cluster_version;
    let store = run(store, "help");
    assert!(screen(&store)
        .iter()
        .any(|(_, text)| text.contains("kafka-console-producer.sh")));
    assert_eq!(
        store.cluster_version, version,
        "help leaves the cluster alone"
    );
    let store = run(store, "");
    assert_eq!(
        screen(&store).last(),
        Some(&(LineKind::Typed(Prompt::Shell), String::new()))
    );
    let store = run(store, "clear");
    assert!(store.terminal.is_empty());
    let store = run(store, "kafka-topics.sh --list | wc -l");
    assert_eq!(
        screen(&store)[1],
        (
            LineKind::Stderr,
            "kplay: syntax error: line 1: `|' is not supported: the playground runs one command per line, without pipes, redirections or command lists".into()
        )
    );
    let store = run(store, "nope");
    assert_eq!(
        screen(&store).last(),
        Some(&(LineKind::Stderr, "nope: command not found".into()))
    );
}
