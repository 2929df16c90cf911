//! Kafka's command-line tools as a command language, shared by `kplay`, the browser terminal,
//! lessons and share links.
//!
//! A script is split into [`shell::CommandLine`]s as a POSIX shell would; each command is run
//! against the [`Cluster`] by the module that emulates the tool it names, and what it prints is
//! collected in an [`Output`]: the same lines, on the same streams, as Kafka's tool. A failed
//! command never stops the script and never panics.

mod configs;
mod console_consumer;
mod console_producer;
mod consumer_groups;
mod consumer_verbs;
mod delete_records;
mod dump_log;
pub mod formatter;
mod get_offsets;
mod java_order;
pub mod jobs;
pub mod json;
mod leader_election;
pub mod line_reader;
pub mod log4j;
mod log_dirs;
mod metadata_quorum;
mod metadata_shell;
pub mod options;
mod playground;
mod reassign_partitions;
pub mod shell;
pub mod topic_filter;
mod topics;

use crate::engine::Cluster;
use shell::CommandLine;

/// Which stream a line goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a command printed, in order, and whether it failed (exit status 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub lines: Vec<(Stream, String)>,
    pub failed: bool,
}

impl Output {
    pub fn out(&mut self, line: impl Into<String>) {
        self.lines.push((Stream::Stdout, line.into()));
    }

    pub fn err(&mut self, line: impl Into<String>) {
        self.lines.push((Stream::Stderr, line.into()));
    }

    /// Prints `line` on stderr and marks the command failed.
    pub fn fail(&mut self, line: impl Into<String>) {
        self.err(line);
        self.failed = true;
    }

    /// The stdout lines joined, each ending in '\n' (what `cmd 2>/dev/null` shows).
    pub fn stdout(&self) -> String {
        self.stream(Stream::Stdout)
    }

    /// The stderr lines joined, each ending in '\n'.
    pub fn stderr(&self) -> String {
        self.stream(Stream::Stderr)
    }

    fn stream(&self, which: Stream) -> String {
        self.lines
            .iter()
            .filter(|(stream, _)| *stream == which)
            .map(|(_, line)| format!("{line}\n"))
            .collect()
    }
}

/// The programs [`run_command`] runs, as a person types them: Kafka's tools, then the
/// playground verbs. The browser terminal completes these names.
pub const PROGRAMS: &[&str] = &[
    "kafka-topics.sh",
    "kafka-configs.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-consumer-groups.sh",
    "kafka-get-offsets.sh",
    "kafka-dump-log.sh",
    "kafka-delete-records.sh",
    "kafka-log-dirs.sh",
    "kafka-leader-election.sh",
    "kafka-metadata-quorum.sh",
    "kafka-metadata-shell.sh",
    "kafka-reassign-partitions.sh",
    "time",
    "broker",
    "network",
    "producer",
    "consumer",
    "jobs",
    "kill",
];

/// The long options (without `--`) a Kafka tool's parser declares, in its order: what the
/// browser terminal completes and how it reads a command line before running it. Empty for a
/// playground verb (their options are in docs/CLI.md) and for an unknown program.
pub fn tool_options(program: &str) -> Vec<options::OptionSpec> {
    match tool_name(program) {
        "kafka-topics" => topics::SPECS.to_vec(),
        "kafka-configs" => configs::args::SPECS.to_vec(),
        "kafka-console-producer" => console_producer::SPECS.to_vec(),
        "kafka-console-consumer" => console_consumer::SPECS.to_vec(),
        "kafka-consumer-groups" => consumer_groups::args::option_specs(),
        "kafka-get-offsets" => get_offsets::SPECS.to_vec(),
        "kafka-dump-log" => dump_log::SPECS.to_vec(),
        "kafka-delete-records" => delete_records::SPECS.to_vec(),
        "kafka-log-dirs" => log_dirs::SPECS.to_vec(),
        "kafka-leader-election" => leader_election::SPECS.to_vec(),
        "kafka-reassign-partitions" => reassign_partitions::SPECS.to_vec(),
        "kafka-metadata-quorum" => metadata_quorum::SPECS.to_vec(),
        "kafka-metadata-shell" => metadata_shell::SPECS.to_vec(),
        _ => Vec::new(),
    }
}

/// The tool a program name refers to: `kafka-topics.sh`, `bin/kafka-topics.sh` and `kafka-topics`
/// (the name Confluent's packages install) are one tool.
pub fn tool_name(program: &str) -> &str {
    let base = program.rsplit('/').next().unwrap_or(program);
    base.strip_suffix(".sh").unwrap_or(base)
}

/// Runs one command against the cluster, then prints what the shell's jobs consumed meanwhile
/// ([`jobs::drain`]).
pub fn run_command(cluster: &mut Cluster, command: &CommandLine) -> Output {
    let mut output = run_one(cluster, command);
    output.lines.extend(jobs::drain(cluster));
    output
}

fn run_one(cluster: &mut Cluster, command: &CommandLine) -> Output {
    let mut output = Output::default();
    let Some((program, args)) = command.words.split_first() else {
        return output;
    };
    if command.background && tool_name(program) != "kafka-console-consumer" {
        output.fail(format!(
            "{program}: only kafka-console-consumer.sh runs as a job (&) in the playground; every other command finishes in simulated time, so run it without '&'"
        ));
        return output;
    }
    match tool_name(program) {
        "kafka-topics" => topics::run(cluster, args, &mut output),
        "kafka-configs" => configs::run(cluster, args, &mut output),
        "kafka-console-producer" => {
            console_producer::run(cluster, args, command.input.as_deref(), &mut output)
        }
        "kafka-console-consumer" => {
            let job = command.background.then_some(command.words.as_slice());
            console_consumer::run(cluster, args, job, &mut output)
        }
        "kafka-consumer-groups" => consumer_groups::run(cluster, args, &mut output),
        "kafka-get-offsets" => get_offsets::run(cluster, args, &mut output),
        "kafka-dump-log" => dump_log::run(cluster, args, &mut output),
        "kafka-delete-records" => {
            delete_records::run(cluster, args, command.input.as_deref(), &mut output)
        }
        "kafka-log-dirs" => log_dirs::run(cluster, args, &mut output),
        "kafka-leader-election" => {
            leader_election::run(cluster, args, command.input.as_deref(), &mut output)
        }
        "kafka-metadata-quorum" => metadata_quorum::run(cluster, args, &mut output),
        "kafka-metadata-shell" => metadata_shell::run(cluster, args, &mut output),
        "kafka-reassign-partitions" => {
            reassign_partitions::run(cluster, args, command.input.as_deref(), &mut output)
        }
        "time" => run_time(cluster, args, &mut output),
        "broker" => playground::run_broker(cluster, args, &mut output),
        "network" => playground::run_network(cluster, args, &mut output),
        "producer" => playground::run_producer(cluster, args, &mut output),
        "consumer" => consumer_verbs::run(cluster, args, &mut output),
        "jobs" => jobs::run_jobs(cluster, args, &mut output),
        "kill" => jobs::run_kill(cluster, args, &mut output),
        _ => output.fail(format!("{program}: command not found")),
    }
    output
}

/// Runs a whole script; a line that fails does not stop the ones after it.
pub fn run_script(cluster: &mut Cluster, script: &str) -> Output {
    match shell::parse_script(script) {
        Ok(commands) => {
            let mut all = Output::default();
            for command in &commands {
                let output = run_command(cluster, command);
                all.lines.extend(output.lines);
                all.failed |= output.failed;
            }
            all
        }
        Err(error) => {
            let mut output = Output::default();
            output.fail(format!("kplay: syntax error: {error}"));
            output
        }
    }
}

/// The playground verb `time advance DURATION`.
fn run_time(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    match args {
        [verb, duration] if verb == "advance" => match parse_duration_ms(duration) {
            Some(ms) => cluster.advance_time(ms),
            None => output.fail(format!(
                "time: invalid duration '{duration}' (use a number with ms, s, m, h or d, e.g. 500ms, 10s, 15m, 2h, 7d)"
            )),
        },
        _ => output.fail("usage: time advance DURATION (e.g. 500ms, 10s, 15m, 2h, 7d)"),
    }
}

/// `500ms`, `10s`, `15m`, `2h`, `7d` in milliseconds; `None` for anything else.
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().ok()?;
    let factor = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("10s"), Some(10_000));
        assert_eq!(parse_duration_ms("15m"), Some(900_000));
        assert_eq!(parse_duration_ms("2h"), Some(7_200_000));
        assert_eq!(parse_duration_ms("7d"), Some(604_800_000));
        for bad in ["", "5", "ms", "5x", "-5s", "99999999999999999999d"] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_program_runs_and_every_tool_has_options() {
        for program in PROGRAMS {
            let mut cluster = Cluster::new(Default::default());
            let output = run_script(&mut cluster, program);
            assert!(
                !output.stderr().contains("command not found"),
                "{program}: {output:?}"
            );
            assert_eq!(
                tool_options(program).is_empty(),
                !program.starts_with("kafka-"),
                "{program}"
            );
        }
        assert!(tool_options("bin/kafka-topics.sh")
            .iter()
            .any(|o| o.name == "create"));
    }

    #[test]
    fn unknown_program_fails_and_script_goes_on() {
        let mut cluster = Cluster::new(Default::default());
        let output = run_script(&mut cluster, "nope\ntime advance 1s\n");
        assert!(output.failed);
        assert_eq!(output.stderr(), "nope: command not found\n");
        assert_eq!(cluster.now().as_millis(), 1_735_689_601_000);
    }
}
