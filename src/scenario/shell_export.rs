//! "Export as shell script": a scenario as the bash script of Kafka tool commands that rebuilds
//! it on a real Apache Kafka 4.1 cluster at `localhost:9092`.
//!
//! Every line that runs is a Kafka tool (`kafka-*.sh`), with `--bootstrap-server
//! localhost:9092` added where the tool needs one and the playground let it be left out, or the
//! shell's own `jobs` and `kill` for a console consumer run as a job (`… &`).
//! Playground-only lines (`time`, `broker`, `network`, `producer`, `consumer`) are commented out
//! with a note saying what to do by hand, and the playground's departures a line relies on (a
//! `segment.bytes` below Kafka's 1 MiB minimum, a console consumer that would wait forever, the
//! playground's log dir paths) are noted above it (docs/DEPARTURES.md).

use super::{render_command, Scenario};
use crate::cli::shell::{parse_script, CommandLine};
use crate::cli::tool_name;

/// Kafka's minimum `segment.bytes` (`TopicConfig`/`LogConfig`: `atLeast(1024 * 1024)`).
const KAFKA_MIN_SEGMENT_BYTES: i64 = 1_048_576;

/// The tools that talk to a broker and take `--bootstrap-server`.
const NEEDS_BOOTSTRAP: &[&str] = &[
    "kafka-topics",
    "kafka-configs",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-consumer-groups",
    "kafka-get-offsets",
    "kafka-delete-records",
    "kafka-log-dirs",
    "kafka-leader-election",
    "kafka-reassign-partitions",
    "kafka-metadata-quorum",
];

/// The bash script (see the module doc).
pub fn to_shell_script(scenario: &Scenario) -> String {
    let o = &scenario.options;
    let mut out = format!(
        "#!/usr/bin/env bash\n\
         # Kafka Playground scenario as Kafka tool commands, for a real Apache Kafka 4.1 cluster\n\
         # listening on localhost:9092 (run it with Kafka's bin/ directory on PATH).\n\
         # The playground ran it on {} broker(s) (node ids 1..{}) with seed {}:\n\
         #   {}\n\
         # Lines only the playground understands (time, broker, network, producer, consumer) are\n\
         # commented out: on a real cluster, wait, stop brokers or run clients by hand instead.\n",
        o.brokers,
        o.brokers,
        o.seed,
        scenario.kplay_command("scenario.kplay"),
    );
    for step in &scenario.steps {
        if step.wait_ms > 0 {
            playground_only(&mut out, &format!("time advance {}ms\n", step.wait_ms));
        }
        match parse_script(&step.script) {
            Ok(commands) => commands.iter().for_each(|c| push_command(&mut out, c)),
            Err(error) => out.push_str(&format!("# (not a valid line: {error})\n")),
        }
    }
    if scenario.tail_ms > 0 {
        playground_only(&mut out, &format!("time advance {}ms\n", scenario.tail_ms));
    }
    out
}

fn push_command(out: &mut String, command: &CommandLine) {
    let Some(program) = command.words.first() else {
        return;
    };
    let tool = tool_name(program);
    if SHELL_BUILTINS.contains(&tool) {
        // `kill -INT %1` stops a console consumer job on a real cluster's shell as it does here.
        out.push_str(&render_command(&command.words, None));
        return;
    }
    let is_kafka_tool = tool.starts_with("kafka-")
        && crate::cli::PROGRAMS
            .iter()
            .any(|p| tool_name(p) == tool && p.starts_with("kafka-"));
    if !is_kafka_tool {
        playground_only(
            out,
            &render_command(&command.words, command.input.as_deref()),
        );
        return;
    }
    for note in departures(tool, &command.words, command.background) {
        out.push_str(&format!("# NOTE: {note}\n"));
    }
    let mut words = command.words.clone();
    let has_bootstrap = words
        .iter()
        .any(|w| w == "--bootstrap-server" || w == "--bootstrap-controller");
    if NEEDS_BOOTSTRAP.contains(&tool) && !has_bootstrap {
        words.splice(
            1..1,
            [
                "--bootstrap-server".to_string(),
                "localhost:9092".to_string(),
            ],
        );
    }
    let text = render_command(&words, command.input.as_deref());
    if command.background {
        // The job's `&` goes on its first line, before any here-document's lines.
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        out.push_str(&format!("{first} &\n{rest}"));
    } else {
        out.push_str(&text);
    }
}

/// The shell's own commands a scenario may hold (`cli::jobs`): bash runs them as they are.
const SHELL_BUILTINS: &[&str] = &["jobs", "kill"];

/// A playground-only line, every line of it commented out.
fn playground_only(out: &mut String, text: &str) {
    for line in text.lines() {
        out.push_str(&format!("# playground only: {line}\n"));
    }
}

/// The departures a Kafka tool line relies on, as notes.
fn departures(tool: &str, words: &[String], job: bool) -> Vec<String> {
    let mut notes = Vec::new();
    for (name, value) in config_entries(words) {
        let small = value
            .parse::<i64>()
            .is_ok_and(|v| v < KAFKA_MIN_SEGMENT_BYTES);
        if name == "segment.bytes" && small {
            notes.push(format!(
                "segment.bytes={value} is below Kafka's minimum of {KAFKA_MIN_SEGMENT_BYTES} (1 MiB): a real broker refuses it (InvalidConfigurationException). The playground accepts it with a WARNING so segments roll after a few records (docs/DEPARTURES.md)."
            ));
        }
    }
    let has = |flag: &str| words.iter().any(|w| w == flag);
    if tool == "kafka-console-consumer" && !has("--timeout-ms") && !has("--max-messages") && !job {
        notes.push("a real console consumer waits for more records until it is stopped (Ctrl-C); the playground's stops once it has caught up. Add --timeout-ms 10000 to end it (docs/DEPARTURES.md).".to_string());
    }
    if words
        .iter()
        .any(|w| w.contains("/tmp/kraft-combined-logs/broker-"))
    {
        notes.push("the playground keeps broker N's log dir in /tmp/kraft-combined-logs/broker-N; on a real cluster use the broker's log.dirs.".to_string());
    }
    notes
}

/// The `NAME=VALUE` entries of `--config` and `--add-config` (comma-separated) in a command.
fn config_entries(words: &[String]) -> Vec<(String, String)> {
    words
        .windows(2)
        .filter(|w| w[0] == "--config" || w[0] == "--add-config")
        .flat_map(|w| w[1].split(',').map(str::to_string).collect::<Vec<_>>())
        .filter_map(|entry| {
            let (name, value) = entry.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}
