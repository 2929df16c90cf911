use super::link::{decode_base64url, encode_base64url, from_fragment, to_fragment};
use super::recorder::Recorder;
use super::shell_export::to_shell_script;
use super::*;

fn sample() -> Scenario {
    Scenario {
        options: ClusterOptions {
            brokers: 3,
            seed: 42,
            start_time: SimTime(1_735_689_600_000),
        },
        steps: vec![
            Step {
                wait_ms: 0,
                script: "kafka-topics.sh --create --topic orders --partitions 3 --config segment.bytes=1024\n".into(),
            },
            Step {
                wait_ms: 1500,
                script: "kafka-console-producer.sh --topic orders <<'EOF'\n<b>hi</b>\nit's\nEOF\n".into(),
            },
            Step {
                wait_ms: 0,
                script: "broker kill 2\n".into(),
            },
        ],
        tail_ms: 2500,
        view: View {
            partition: Some(("orders".into(), 2, Some(3))),
            files: Some(2),
        },
    }
}

#[test]
fn kplay_text_round_trips() {
    let text = sample().to_kplay();
    assert!(text.contains("# seed: 42\n# brokers: 3\n"), "{text}");
    assert!(text.contains("time advance 1500ms\nkafka-console-producer.sh"));
    assert!(
        text.ends_with("broker kill 2\ntime advance 2500ms\n"),
        "{text}"
    );
    assert!(
        text.contains("# view-partition: orders 2 3\n# view-files: 2\n"),
        "{text}"
    );
    let read = Scenario::from_kplay(&text).expect("reads");
    assert_eq!(read.options, sample().options);
    assert_eq!(read.view, sample().view);
    // Waits come back as `time advance` steps: the same script, a fixed point after one pass.
    assert_eq!(read.command_count(), 5);
    assert_eq!(read.action_count(), 3);
    assert_eq!(read.to_kplay(), text);
}

/// The view in a header comes from wherever the link came from: only a legal topic name and
/// numbers are taken.
#[test]
fn a_view_header_is_checked() {
    let view = |header: &str| Scenario::from_kplay(&format!("{header}\nbroker stop 1\n"));
    assert_eq!(
        view("# view-partition: orders 0")
            .expect("reads")
            .view
            .partition,
        Some(("orders".into(), 0, None))
    );
    for hostile in [
        "# view-partition: <img/src=x> 0",
        "# view-partition: orders -1",
        "# view-partition: orders 0 x",
        "# view-partition: orders",
        "# view-files: 0",
        "# view-files: 99999",
    ] {
        let error = view(hostile).expect_err(hostile).to_string();
        assert!(
            error.starts_with("The scenario's header is wrong: view-"),
            "{error}"
        );
    }
}

#[test]
fn a_plain_kplay_script_reads_with_defaults() {
    let read =
        Scenario::from_kplay("time advance 1s\n# a comment\n\nbroker stop 1\n").expect("reads");
    assert_eq!(read.options, ClusterOptions::default());
    assert_eq!(read.steps.len(), 2);
    assert_eq!(read.steps[0].script, "time advance 1s\n");
    assert_eq!(read.steps[1].script, "broker stop 1\n");
}

#[test]
fn links_round_trip() {
    let fragment = to_fragment(&sample());
    assert!(fragment.starts_with("s="));
    assert!(fragment[2..]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    let read = from_fragment(&format!("#{fragment}"))
        .expect("a link")
        .expect("reads");
    assert_eq!(read.to_kplay(), sample().to_kplay());
    assert!(from_fragment("#workspace=x").is_none());
}

#[test]
fn base64url_round_trips_every_length() {
    for len in 0..40 {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
        assert_eq!(decode_base64url(&encode_base64url(&bytes)), Some(bytes));
    }
    assert_eq!(decode_base64url("a"), None);
    assert_eq!(decode_base64url("ab+/"), None);
}

fn link_error(fragment: &str) -> String {
    match from_fragment(fragment) {
        Some(Err(e)) => e.to_string(),
        other => panic!("{fragment:.40}: {other:?}"),
    }
}

#[test]
fn hostile_links_are_refused_with_a_message() {
    assert!(link_error("s=").contains("empty"));
    assert!(link_error("s=%%%%").contains("base64url"));
    assert!(link_error("s=AAAAAAAA").contains("damaged"));
    let huge = format!("s={}", "A".repeat(link::MAX_FRAGMENT_CHARS + 1));
    assert!(link_error(&huge).contains("at most"));
    // A deflate bomb: 2 MiB of one byte.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b'#'; 2 << 20], 9);
    let bomb = format!("s={}", encode_base64url(&bomb));
    assert!(link_error(&bomb).contains("more than 1048576 bytes"));
    let not_utf8 = miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 9);
    assert!(link_error(&format!("s={}", encode_base64url(&not_utf8))).contains("UTF-8"));
    let unclosed = miniz_oxide::deflate::compress_to_vec(b"kafka-topics.sh 'open", 9);
    assert!(link_error(&format!("s={}", encode_base64url(&unclosed))).contains("script"));
}

#[test]
fn limits_on_steps_time_and_header() {
    let many = "time advance 1ms\n".repeat(MAX_COMMANDS + 1);
    assert!(matches!(
        Scenario::from_kplay(&many),
        Err(ScenarioError::TooManyCommands { commands }) if commands == MAX_COMMANDS + 1
    ));
    // A million steps does not fit the size limit either.
    let million = "broker stop 1\n".repeat(1_000_000);
    assert!(matches!(
        Scenario::from_kplay(&million),
        Err(ScenarioError::TooLarge { .. })
    ));
    let long = "time advance 20d\ntime advance 20d\n";
    assert!(matches!(
        Scenario::from_kplay(long),
        Err(ScenarioError::TooLong { .. })
    ));
    assert!(Scenario::from_kplay("time advance 99999999999999999d\n").is_ok()); // fails at run time
    for header in [
        "# brokers: 0\n",
        "# brokers: 100\n",
        "# seed: x\n",
        "# start-time: -1\n",
    ] {
        assert!(
            matches!(Scenario::from_kplay(header), Err(ScenarioError::Header(_))),
            "{header}"
        );
    }
}

#[test]
fn quoting_reads_back_as_the_same_words() {
    let words: Vec<String> = [
        "kafka-topics.sh",
        "--topic",
        "a b",
        "it's",
        "<script>",
        "",
        "x=$y",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    let text = render_command(&words, Some("EOF\nline\n"));
    let parsed = parse_script(&text).expect("parses");
    assert_eq!(parsed[0].words, words);
    assert_eq!(parsed[0].input.as_deref(), Some("EOF\nline\n"));
    assert!(text.contains("<<'EOF1'"), "{text}");
}

#[test]
fn shell_script_comments_playground_lines_and_notes_departures() {
    let script = to_shell_script(&sample());
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script.contains("# playground only: time advance 1500ms\n"));
    assert!(script.contains("# playground only: broker kill 2\n"));
    assert!(script.contains("segment.bytes=1024 is below Kafka's minimum"));
    assert!(script
        .contains("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders"));
    for command in parse_script(&script).expect("parses") {
        let program = &command.words[0];
        assert!(
            program.starts_with("kafka-") && program.ends_with(".sh"),
            "{program}"
        );
    }
}

#[test]
fn recorder_keeps_waits_and_survives_the_workspace_file() {
    let options = sample().options;
    let start = options.start_time.as_millis();
    let mut recorder = Recorder::new(&options);
    recorder.record(start, "broker stop 1", start + 10);
    recorder.record(start + 1010, "broker start 1\n", start + 1010);
    recorder.record(start + 1010, "# only a comment\n", start + 1010);
    assert_eq!(recorder.commands(), 2);
    recorder.record(start + 1010, "time advance 1s", start + 2010);
    assert_eq!((recorder.commands(), recorder.actions()), (3, 2));
    let scenario = recorder.scenario(start + 3010);
    assert_eq!(scenario.steps[1].wait_ms, 1000);
    assert_eq!(scenario.tail_ms, 1000);
    let text = recorder.to_workspace_file();
    let back = Recorder::from_workspace_file(&text).expect("reads");
    assert_eq!(back.trace_hash(), recorder.trace_hash());
    assert_eq!(back.scenario(start + 3010).to_kplay(), scenario.to_kplay());
    assert!(Recorder::from_workspace_file("broker stop 1\n").is_none());
    let mut old = Recorder::new(&options);
    old.mark_incomplete(start + 99);
    let back = Recorder::from_workspace_file(&old.to_workspace_file()).expect("reads");
    assert!(back.incomplete() && !back.overflowed());
    assert_eq!(back.scenario(start + 100).tail_ms, 1);
    assert_eq!(back.restarts(), 0);
    let mut reloaded = back;
    reloaded.mark_restarted();
    let again = Recorder::from_workspace_file(&reloaded.to_workspace_file()).expect("reads");
    assert_eq!(again.restarts(), 1);
}
