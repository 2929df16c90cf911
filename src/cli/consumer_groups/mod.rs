//! `kafka-consumer-groups.sh`: list, describe, reset the offsets of, delete the offsets of, and
//! delete consumer groups, as Kafka 4.1's
//! `org.apache.kafka.tools.consumer.group.ConsumerGroupCommand` does through `Admin`
//! (`tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java` and
//! `ConsumerGroupCommandOptions.java`).
//!
//! How it ends, as Kafka's tool ends:
//! - a command line jopt-simple cannot read is an uncaught exception of
//!   `ConsumerGroupCommandOptions.fromArgs`: `Exception in thread "main" joptsimple.…Exception:
//!   <message>` on stderr (the stack trace is left out), exit status 1;
//! - `checkArgs` and the other `printUsageAndExit` calls: the message on stderr (the usage text
//!   is left out, as in the playground's other tools), exit status 1;
//! - a failure while the command runs: `Error: Executing consumer group command failed due to
//!   <message>` on stdout after an empty line — with exit status 0, as the real tool (its
//!   `main` does not set one); the stack trace Kafka then prints on stderr is left out;
//! - messages about single groups (`Error: Consumer group 'g' does not exist.`, `Error:
//!   Assignments can only be reset …`, the failures of `--delete`) are on stdout, exit status 0.
//!
//! `--bootstrap-server` is required (`checkRequiredArgs`) and then ignored; `--timeout` must be a
//! number and is otherwise ignored (nothing waits in the simulation); `--command-config` is
//! accepted and ignored. `--reset-offsets` without `--execute` is a dry run, after Kafka's `WARN:
//! No action will be performed…` on stderr. `--from-file` is left out: the playground has no
//! files, so it fails as the real tool does with a path that does not exist
//! (`java.nio.file.NoSuchFileException`). `--by-duration` counts back from the simulated clock.
//! The coordinator of `--describe --state` shows as `localhost:909(1+N)  (N)` for broker N.

pub(super) mod args;
mod describe;
mod format;
mod ops;
mod reset;

use super::{Output, Stream};
use crate::engine::Cluster;

/// How the tool stopped early.
pub(super) enum Failure {
    /// `CommandLineUtils.printUsageAndExit`: the message on stderr, exit status 1.
    Usage(String),
    /// An exception `main` does not catch: `Exception in thread "main" <it>`, exit status 1.
    Uncaught(String),
    /// `printError("Executing consumer group command failed due to " + message)`.
    Command(String),
}

/// Prints `text` (Java's output, ending in a newline) line by line on `stream`.
fn push_text(output: &mut Output, stream: Stream, text: &str) {
    for line in format::lines(text) {
        output.lines.push((stream, line));
    }
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    if args.is_empty() {
        return output.fail(args::DESCRIPTION);
    }
    let result = args::parse(args).and_then(|opts| execute(cluster, &opts, output));
    match result {
        Ok(()) => {}
        Err(Failure::Usage(message)) => output.fail(message),
        Err(Failure::Uncaught(message)) => {
            output.fail(format!("Exception in thread \"main\" {message}"))
        }
        Err(Failure::Command(message)) => push_text(
            output,
            Stream::Stdout,
            &format!("\nError: Executing consumer group command failed due to {message}\n"),
        ),
    }
}

fn execute(cluster: &mut Cluster, opts: &args::Opts, output: &mut Output) -> Result<(), Failure> {
    // `CommandLineUtils.maybePrintHelpOrVersion`, as the playground's other tools answer it.
    if opts.has("help") {
        output.out(args::DESCRIPTION);
        return Ok(());
    }
    if opts.has("version") {
        output.out("4.1.0");
        return Ok(());
    }
    let mut warnings = Vec::new();
    let checked = args::check_args(opts, &mut warnings);
    for warning in warnings {
        output.err(warning);
    }
    checked?;
    let action = args::check_action(opts)?;
    if action == "validate-regex" {
        ops::validate_regex(opts, output);
        return Ok(());
    }
    // `withTimeoutMs` reads it before the first admin call.
    opts.long("timeout").map_err(Failure::Command)?;
    match action {
        "list" => describe::list(cluster, opts, output),
        "describe" => describe::describe(cluster, opts, output),
        "delete" => ops::delete_groups(cluster, opts, output),
        "reset-offsets" => ops::reset_offsets(cluster, opts, output),
        _ => ops::delete_offsets(cluster, opts, output),
    }
}
