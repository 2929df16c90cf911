//! A scenario: what a person did to a cluster, as data — the cluster's options (seed, brokers,
//! start time) and the ordered command-language lines that changed it, each with the simulated
//! time that passed before it. It is the one thing share links, `.kplay` files and the
//! workspace's `playground-scenario.kplay` hold, always as `.kplay` text: the header comments
//! name the options, and the body is a script `kplay --seed N --brokers B --start-time MS FILE`
//! runs to the same trace (time that passed is a `time advance Nms` line).
//!
//! This module is pure (no web, no clock): the text codec and its limits are here;
//! [`link`] packs the text into a URL fragment, [`replay`] runs it on a fresh cluster,
//! [`recorder`] builds it from a live session and [`shell_export`] turns it into a bash script
//! for a real cluster. [`history`] keeps a session's branches and timeline marks
//! ([`history_file`] in the workspace), and [`checkpoints`] the clusters a rewind replays from.
//!
//! Untrusted text (a link, an imported file) is refused with a message, never a panic, when it
//! is larger than [`MAX_SCRIPT_BYTES`], holds more than [`MAX_COMMANDS`] commands or advances
//! time by more than [`MAX_SPAN_MS`] in all — the limits keep a replay bounded.

pub mod checkpoints;
pub mod history;
pub mod history_file;
pub mod link;
pub mod recorder;
pub mod replay;
pub mod shell_export;

use crate::cli::parse_duration_ms;
use crate::cli::shell::{parse_script, CommandLine};
use crate::engine::clock::SimTime;
use crate::engine::ClusterOptions;
use std::borrow::Cow;

/// The most text a scenario may hold (1 MiB), decoded.
pub const MAX_SCRIPT_BYTES: usize = 1 << 20;
/// The most commands a scenario may hold.
pub const MAX_COMMANDS: usize = 10_000;
/// The most simulated time a scenario's `time advance` lines and waits may add up to (30 days).
pub const MAX_SPAN_MS: i64 = 30 * 86_400_000;
/// The most brokers a scenario may ask for (the page's workspaces have at most this many).
pub const MAX_BROKERS: i32 = crate::storage::registry::MAX_BROKERS;

/// One thing the person did: `wait_ms` of simulated time passed (playback, a time jump), then
/// `script` ran (one or more command lines with their here-documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub wait_ms: i64,
    pub script: String,
}

/// Whether `script` only lets simulated time pass (`time advance …` lines): a moment inside
/// it is reached by the steps before it and a shorter wait.
pub fn only_waits(script: &str) -> bool {
    crate::cli::shell::parse_script(script).is_ok_and(|commands| {
        !commands.is_empty()
            && commands
                .iter()
                .all(|c| matches!(c.words.as_slice(), [time, advance, _] if time == "time" && advance == "advance"))
    })
}

/// What a session did to a cluster, from the cluster's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub options: ClusterOptions,
    pub steps: Vec<Step>,
    /// Simulated time that passed after the last step.
    pub tail_ms: i64,
    /// What the page showed when it was shared.
    pub view: View,
}

/// The views a scenario opens with: the partition view's topic-partition (and replica, `None`
/// for the leader's) and the files view's broker. Header lines `# view-partition: TOPIC P [R]`
/// and `# view-files: B`; `kplay` reads them as comments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    pub partition: Option<(String, i32, Option<i32>)>,
    pub files: Option<i32>,
}

impl View {
    fn header(&self) -> String {
        let mut text = String::new();
        if let Some((topic, partition, replica)) = &self.partition {
            text.push_str(&format!("# view-partition: {topic} {partition}"));
            if let Some(replica) = replica {
                text.push_str(&format!(" {replica}"));
            }
            text.push('\n');
        }
        if let Some(broker) = self.files {
            text.push_str(&format!("# view-files: {broker}\n"));
        }
        text
    }

    /// The view a header names. A topic that is no legal Kafka name, or numbers that are not
    /// numbers, are a header error: the text came from somewhere else.
    fn from_header(text: &str) -> Result<View, ScenarioError> {
        let bad = |key: &str, value: &str| {
            ScenarioError::Header(format!(
                "{key} '{value}' is not a topic, a partition and a broker"
            ))
        };
        let mut view = View::default();
        if let Some(value) = header_value(text, "view-partition") {
            let words: Vec<&str> = value.split_whitespace().collect();
            let number =
                |word: Option<&&str>| word.and_then(|w| w.parse::<i32>().ok()).filter(|n| *n >= 0);
            let (topic, partition) = match words.as_slice() {
                [topic, _] | [topic, _, _] => (*topic, number(words.get(1))),
                _ => return Err(bad("view-partition", value)),
            };
            let replica = match words.get(2) {
                Some(_) => Some(number(words.get(2)).ok_or_else(|| bad("view-partition", value))?),
                None => None,
            };
            if crate::engine::topic::validate_name(topic).is_err() {
                return Err(bad("view-partition", value));
            }
            let partition = partition.ok_or_else(|| bad("view-partition", value))?;
            view.partition = Some((topic.to_string(), partition, replica));
        }
        if let Some(value) = header_value(text, "view-files") {
            let broker = value
                .parse::<i32>()
                .ok()
                .filter(|b| (1..=MAX_BROKERS).contains(b))
                .ok_or_else(|| bad("view-files", value))?;
            view.files = Some(broker);
        }
        Ok(view)
    }
}

/// Why a scenario was refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("The scenario is {bytes} bytes long; a scenario may hold at most {MAX_SCRIPT_BYTES} bytes (1 MiB).")]
    TooLarge { bytes: usize },
    #[error("The scenario has {commands} commands; a scenario may hold at most {MAX_COMMANDS}.")]
    TooManyCommands { commands: usize },
    #[error("The scenario advances simulated time by more than 30 days ({ms} ms); a scenario may advance it by at most {MAX_SPAN_MS} ms.")]
    TooLong { ms: i64 },
    #[error("The scenario's header is wrong: {0}")]
    Header(String),
    #[error("The scenario is not a script the playground can run: {0}")]
    Syntax(String),
    #[error("The link does not hold a scenario: {0}")]
    Link(String),
}

impl Scenario {
    /// An empty scenario of a new cluster with these options.
    pub fn new(options: ClusterOptions) -> Self {
        Scenario {
            options,
            steps: Vec::new(),
            tail_ms: 0,
            view: View::default(),
        }
    }

    /// How many commands the steps hold.
    pub fn command_count(&self) -> usize {
        self.steps
            .iter()
            .map(|s| parse_script(&s.script).map_or(0, |c| c.len()))
            .sum()
    }

    /// How many commands the steps hold besides `time advance` (the time that passed between
    /// them): what the page counts, the same for a live session and its replay.
    pub fn action_count(&self) -> usize {
        self.steps.iter().map(|s| action_count(&s.script)).sum()
    }

    /// [`Scenario::command_count`] and [`Scenario::action_count`] in one pass (each step parsed
    /// once: a rewind's bookkeeping parsed every step four times, more than replaying them).
    pub fn counts(&self) -> (usize, usize) {
        self.steps.iter().fold((0, 0), |(commands, actions), step| {
            let Ok(parsed) = parse_script(&step.script) else {
                return (commands, actions);
            };
            let acts = parsed.iter().filter(|c| advance_ms(c).is_none()).count();
            (commands + parsed.len(), actions + acts)
        })
    }

    /// The `kplay` command line that reproduces the scenario from a file `file`.
    pub fn kplay_command(&self, file: &str) -> String {
        let o = &self.options;
        format!(
            "kplay --seed {} --brokers {} --start-time {} {file}",
            o.seed,
            o.brokers,
            o.start_time.as_millis()
        )
    }

    /// The scenario as a `.kplay` script: a header of comments naming the options, then the
    /// steps, with a `time advance` line for every wait.
    pub fn to_kplay(&self) -> String {
        let o = &self.options;
        let mut text = format!(
            "# Kafka Playground scenario. Reproduce it with:\n#   {}\n# seed: {}\n# brokers: {}\n# start-time: {}\n",
            self.kplay_command("scenario.kplay"),
            o.seed,
            o.brokers,
            o.start_time.as_millis()
        );
        text.push_str(&self.view.header());
        for step in &self.steps {
            push_wait(&mut text, step.wait_ms);
            text.push_str(&step.script);
            if !step.script.ends_with('\n') {
                text.push('\n');
            }
        }
        push_wait(&mut text, self.tail_ms);
        text
    }

    /// Reads `.kplay` text (ours, or any `kplay` script): the header's options (Kafka
    /// Playground's defaults where it names none) and one step per command, within the limits.
    pub fn from_kplay(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCRIPT_BYTES {
            return Err(ScenarioError::TooLarge { bytes: text.len() });
        }
        let options = header_options(text)?;
        let view = View::from_header(text)?;
        let commands = parse_script(text).map_err(|e| ScenarioError::Syntax(e.to_string()))?;
        if commands.len() > MAX_COMMANDS {
            return Err(ScenarioError::TooManyCommands {
                commands: commands.len(),
            });
        }
        let span = commands
            .iter()
            .filter_map(advance_ms)
            .try_fold(0i64, |sum, ms| {
                sum.checked_add(ms).filter(|s| *s <= MAX_SPAN_MS)
            });
        if span.is_none() {
            let ms = commands
                .iter()
                .filter_map(advance_ms)
                .fold(0i64, i64::saturating_add);
            return Err(ScenarioError::TooLong { ms });
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let steps = commands
            .iter()
            .enumerate()
            .map(|(i, command)| {
                let end = commands.get(i + 1).map_or(lines.len(), line_index);
                Step {
                    wait_ms: 0,
                    script: command_text(&lines[line_index(command)..end], command),
                }
            })
            .collect();
        Ok(Scenario {
            options,
            steps,
            tail_ms: 0,
            view,
        })
    }
}

fn push_wait(text: &mut String, wait_ms: i64) {
    if wait_ms > 0 {
        text.push_str(&format!("time advance {wait_ms}ms\n"));
    }
}

/// The commands of a script that are not `time advance`.
pub fn action_count(script: &str) -> usize {
    parse_script(script).map_or(0, |commands| {
        commands.iter().filter(|c| advance_ms(c).is_none()).count()
    })
}

/// The 0-based index of the line a command starts on.
fn line_index(command: &CommandLine) -> usize {
    usize::try_from(command.line_number.saturating_sub(1)).unwrap_or(0)
}

/// `time advance D`'s milliseconds, for a command that is one.
fn advance_ms(command: &CommandLine) -> Option<i64> {
    match command.words.as_slice() {
        [time, advance, duration] if time == "time" && advance == "advance" => {
            parse_duration_ms(duration)
        }
        _ => None,
    }
}

/// A command's own lines: from its first line to the next command's, without the blank and
/// comment lines after it — unless dropping them changes what the lines mean (a comment-like
/// line that is part of a quoted word).
fn command_text(lines: &[&str], command: &CommandLine) -> String {
    let whole = lines.join("\n");
    let mut keep = lines.len();
    while keep > 1 {
        let line = lines[keep - 1].trim_start();
        if line.is_empty() || line.starts_with('#') {
            keep -= 1;
        } else {
            break;
        }
    }
    let trimmed = lines[..keep].join("\n");
    let same = |text: &str| matches!(parse_script(text).as_deref(), Ok([only]) if only.words == command.words && only.input == command.input);
    let mut text = if same(&trimmed) { trimmed } else { whole };
    text.push('\n');
    text
}

/// The options a `.kplay` header names: `# seed: N`, `# brokers: N`, `# start-time: MS` in the
/// comment lines before the first command.
fn header_options(text: &str) -> Result<ClusterOptions, ScenarioError> {
    let mut options = ClusterOptions::default();
    if let Some(seed) = header_value(text, "seed") {
        options.seed = seed
            .parse()
            .map_err(|_| ScenarioError::Header(format!("seed '{seed}' is not a number")))?;
    }
    if let Some(brokers) = header_value(text, "brokers") {
        options.brokers = brokers
            .parse()
            .ok()
            .filter(|b| (1..=MAX_BROKERS).contains(b))
            .ok_or_else(|| {
                ScenarioError::Header(format!(
                    "brokers '{brokers}' is not a number from 1 to {MAX_BROKERS}"
                ))
            })?;
    }
    if let Some(start) = header_value(text, "start-time") {
        let ms: i64 = start.parse().ok().filter(|ms| *ms >= 0).ok_or_else(|| {
            ScenarioError::Header(format!("start-time '{start}' is not a time in ms"))
        })?;
        options.start_time = SimTime(ms);
    }
    Ok(options)
}

/// The value of `# key: value` in the comment lines at the top of a `.kplay` text.
pub fn header_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with('#'))
        .filter_map(|line| line.trim_start_matches('#').trim().split_once(':'))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes
/// (a `'` inside becomes `'\''`).
pub fn shell_quote(word: &str) -> Cow<'_, str> {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c));
    if plain {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', "'\\''")))
    }
}

/// A command as script text: its words quoted, and its input as a quoted here-document
/// (`<<'EOF'`, so bash expands nothing in it either) whose delimiter no input line equals.
pub fn render_command(words: &[String], input: Option<&str>) -> String {
    let mut text = words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(input) = input {
        let lines: Vec<&str> = input
            .strip_suffix('\n')
            .unwrap_or(input)
            .split('\n')
            .collect();
        let delimiter = (0..)
            .map(|n| {
                if n == 0 {
                    "EOF".to_string()
                } else {
                    format!("EOF{n}")
                }
            })
            .find(|d| !lines.contains(&d.as_str()))
            .unwrap_or_else(|| "EOF".to_string());
        text.push_str(&format!(" <<'{delimiter}'\n"));
        if !input.is_empty() {
            text.push_str(input);
            if !input.ends_with('\n') {
                text.push('\n');
            }
        }
        text.push_str(&delimiter);
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
