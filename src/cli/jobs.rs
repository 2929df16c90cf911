//! Shell jobs: `kafka-console-consumer.sh … &` keeps consuming while the script (or the person
//! at the terminal) goes on, its records printed as simulated time brings them; `jobs` lists
//! the jobs and `kill -INT %1` stops one as Ctrl-C stops the real tool (its shutdown hook commits
//! what it printed and prints `Processed a total of N messages`). These are bash's words, so a
//! script with jobs is still a bash script a real cluster runs.
//!
//! A job's records are printed after the command during which they arrived ([`drain`] runs
//! after every command, and the page drains after each frame of playback). Without a group a
//! job reads every partition directly, as the foreground tool does here (docs/DEPARTURES.md).
//! A job ends by itself at `--max-messages`; `--timeout-ms` is left to the foreground tool.

use super::formatter::Formatter;
use super::{Output, Stream};
use crate::engine::client::console_job::ConsoleJob;
use crate::engine::client::consumer::Consumer;
use crate::engine::Cluster;
use std::collections::BTreeMap;

/// bash's usage line for `kill`.
const KILL_USAGE: &str =
    "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]";

/// Starts `consumer` as the next job, with the formatter `properties` and `--max-messages`.
pub(super) fn start(
    cluster: &mut Cluster,
    consumer: Consumer,
    command: &[String],
    properties: BTreeMap<String, String>,
    max_messages: Option<i64>,
) {
    let number = cluster.next_job_number();
    cluster.start_console_job(ConsoleJob {
        number,
        command: crate::scenario::render_command(command, None)
            .trim_end()
            .to_string(),
        properties,
        max_messages,
        consumer: Some(consumer),
        printed: 0,
        printed_to: BTreeMap::new(),
        unprinted: Vec::new(),
        error: None,
    });
}

/// The lines the jobs have to show since the last drain, job by job; a job that ended by
/// itself says so and is gone.
pub fn drain(cluster: &mut Cluster) -> Vec<(Stream, String)> {
    let mut output = Output::default();
    if !cluster.console_jobs_have_news() {
        return output.lines;
    }
    let now = cluster.now().as_millis();
    let numbers: Vec<u32> = cluster.console_jobs().keys().copied().collect();
    for number in numbers {
        print_unprinted(cluster, number, &mut output);
        if !cluster
            .console_jobs()
            .get(&number)
            .is_some_and(|j| j.is_done())
        {
            continue;
        }
        if let Some(job) = cluster.console_jobs_mut().remove(&number) {
            if let Some(error) = &job.error {
                output.err(super::log4j::line(
                    now,
                    "ERROR",
                    "Unknown error when running consumer: ",
                    "org.apache.kafka.tools.consumer.ConsoleConsumer",
                ));
                output.err(error.as_exception());
            }
            output.err(format!("Processed a total of {} messages", job.printed));
        }
    }
    output.lines
}

/// Prints what job `number` polled and the shell has not shown yet.
fn print_unprinted(cluster: &mut Cluster, number: u32, output: &mut Output) {
    let Some(job) = cluster.console_jobs_mut().get_mut(&number) else {
        return;
    };
    let records = std::mem::take(&mut job.unprinted);
    let formatter = Formatter::from_properties(&job.properties);
    for record in &records {
        output.out(super::console_consumer::record_line(&formatter, record));
    }
}

/// `jobs`: each running job as bash lists it (`+` the current job, `-` the previous one).
pub(super) fn run_jobs(cluster: &Cluster, args: &[String], output: &mut Output) {
    if let Some(arg) = args.first() {
        return output.fail(format!(
            "jobs: {arg}: the playground's jobs takes no options or job specs"
        ));
    }
    let numbers: Vec<u32> = cluster.console_jobs().keys().copied().collect();
    let current = numbers.last().copied();
    let previous = numbers.iter().rev().nth(1).copied();
    for (number, job) in cluster.console_jobs() {
        let mark = if Some(*number) == current {
            '+'
        } else if Some(*number) == previous {
            '-'
        } else {
            ' '
        };
        let state = if job.is_done() { "Done" } else { "Running" };
        output.out(format!("[{number}]{mark}  {state:<24}{} &", job.command));
    }
}

/// How `kill` ends a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// SIGINT, SIGTERM, SIGHUP: the tool's shutdown hook runs (it commits and leaves).
    Shutdown,
    /// SIGKILL: the process is gone at once, without a word to its group.
    Kill,
}

fn signal(spec: &str) -> Option<Signal> {
    let name = spec.to_ascii_uppercase();
    match name.strip_prefix("SIG").unwrap_or(&name) {
        "INT" | "2" | "TERM" | "15" | "HUP" | "1" => Some(Signal::Shutdown),
        "KILL" | "9" => Some(Signal::Kill),
        _ => None,
    }
}

/// `kill [-INT|-TERM|-KILL|-s SIG|-n N] %N…`: stops jobs (SIGTERM when no signal is given).
pub(super) fn run_kill(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let mut signal_to_send = Signal::Shutdown;
    let mut rest = args;
    match rest {
        [flag, spec, tail @ ..] if flag == "-s" || flag == "-n" => {
            match signal(spec) {
                Some(s) => signal_to_send = s,
                None => return output.fail(format!("kill: {spec}: invalid signal specification")),
            }
            rest = tail;
        }
        [spec, tail @ ..] if spec.starts_with('-') && spec.len() > 1 => {
            match signal(&spec[1..]) {
                Some(s) => signal_to_send = s,
                None => {
                    return output.fail(format!(
                        "kill: {}: invalid signal specification",
                        &spec[1..]
                    ))
                }
            }
            rest = tail;
        }
        _ => {}
    }
    if rest.is_empty() {
        return output.fail(KILL_USAGE);
    }
    for target in rest {
        match job_number(cluster, target) {
            Ok(number) => stop(cluster, number, signal_to_send, output),
            Err(message) => output.fail(message),
        }
    }
}

/// The job a jobspec names: `%N`, `%%` or `%+` (the current job), `%-` (the previous one).
fn job_number(cluster: &Cluster, target: &str) -> Result<u32, String> {
    let Some(spec) = target.strip_prefix('%') else {
        return Err(match target.parse::<u32>() {
            Ok(_) => format!("kill: ({target}) - No such process"),
            Err(_) => format!("kill: {target}: arguments must be process or job IDs"),
        });
    };
    let numbers: Vec<u32> = cluster.console_jobs().keys().copied().collect();
    let found = match spec {
        "%" | "+" | "" => numbers.last().copied(),
        "-" => numbers.iter().rev().nth(1).or(numbers.last()).copied(),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| cluster.console_jobs().contains_key(n)),
    };
    found.ok_or_else(|| format!("kill: {target}: no such job"))
}

/// Ends job `number`: its last records are printed; a shutdown commits what it printed and
/// leaves the group (`ConsoleConsumer`'s shutdown hook), then prints the total.
fn stop(cluster: &mut Cluster, number: u32, signal: Signal, output: &mut Output) {
    print_unprinted(cluster, number, output);
    let Some(mut job) = cluster.console_jobs_mut().remove(&number) else {
        return;
    };
    if signal == Signal::Kill {
        return;
    }
    if let Some(mut consumer) = job.consumer.take() {
        if consumer.membership.is_some() {
            let _ = consumer.commit_sync(cluster, std::mem::take(&mut job.printed_to));
            consumer.leave_group(cluster, "the consumer is being closed");
        }
    }
    output.err(format!("Processed a total of {} messages", job.printed));
}
