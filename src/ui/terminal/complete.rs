//! Tab completion, as a pure function of the text before the cursor and the names the cluster
//! knows: program names (`cli::PROGRAMS` and the builtins), a Kafka tool's options (as its parser
//! declares them, `cli::tool_options`), a playground verb's subcommands and options (as
//! `cli/playground.rs` and `cli/consumer_verbs.rs` read them), and values — topic names after
//! `--topic`, group names after `--group`, broker ids after `broker stop`, and a few fixed
//! choices (`--acks all`, `--property print.key=true`).
//!
//! As in bash: one candidate completes the word (and adds a blank); several extend it to their
//! longest common prefix, and when that adds nothing they are listed. Words are split on
//! blanks only; a word with a quote or a backslash is not completed.

use crate::cli::{tool_name, tool_options, PROGRAMS};
use crate::engine::Cluster;

/// What the cluster has that can be named on a command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub topics: Vec<String>,
    pub groups: Vec<String>,
    pub brokers: Vec<i32>,
    /// Running `producer start` producers.
    pub producers: Vec<String>,
    /// Running `consumer start` consumers.
    pub consumers: Vec<String>,
    /// Every file in the brokers' log dirs, as `kafka-dump-log.sh --files` takes them.
    pub files: Vec<String>,
}

impl Names {
    /// What `cluster` has now: its topics (internal ones too), the groups its coordinators hold
    /// and those of its running consumers, its brokers, its running clients.
    pub fn of(cluster: &Cluster) -> Self {
        let mut groups: Vec<String> = cluster
            .groups
            .coordinators
            .values()
            .flat_map(|c| c.groups.keys().cloned())
            .chain(
                cluster
                    .background_consumers()
                    .values()
                    .filter_map(|c| c.spec.config.group_id.clone()),
            )
            .collect();
        groups.sort();
        groups.dedup();
        Names {
            topics: cluster.topics().map(|t| t.name.clone()).collect(),
            groups,
            brokers: cluster.brokers().map(|b| b.node_id).collect(),
            producers: cluster.background_producers().keys().cloned().collect(),
            consumers: cluster.background_consumers().keys().cloned().collect(),
            files: cluster
                .brokers()
                .flat_map(|b| {
                    b.store
                        .list("")
                        .into_iter()
                        .map(move |path| format!("{}/{path}", b.log_dir))
                })
                .collect(),
        }
    }
}

/// The outcome of one Tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The text before the cursor, completed.
    pub text: String,
    /// The candidates to list, when the word could not be taken further.
    pub candidates: Vec<String>,
}

/// The terminal's own commands, completed with the programs.
const BUILTINS: &[&str] = &["clear", "help"];

/// Each playground verb's subcommands (`cli::run_command` dispatches the verb).
const SUBCOMMANDS: &[(&str, &[&str])] = &[
    ("time", &["advance"]),
    ("broker", &["stop", "kill", "start"]),
    ("network", &["partition", "heal", "delay", "drop"]),
    ("producer", &["start", "stop", "list"]),
    ("consumer", &["start", "stop", "kill", "list"]),
];

/// `producer start`'s options (`cli/playground.rs`, `producer_spec`); each takes a value.
const PRODUCER_START: &[&str] = &[
    "topic",
    "rate",
    "keys",
    "acks",
    "linger-ms",
    "batch-size",
    "idempotence",
];

/// `consumer start`'s options (`cli/consumer_verbs.rs`, `spec`); all but `from-beginning` take
/// a value.
const CONSUMER_START: &[&str] = &[
    "group",
    "topic",
    "include",
    "protocol",
    "assignor",
    "instance-id",
    "rate",
    "from-beginning",
    "consumer-property",
];

/// The console consumer's formatter properties (`DefaultMessageFormatter`).
const FORMATTER_PROPERTIES: &[&str] = &[
    "print.key=true",
    "print.timestamp=true",
    "print.partition=true",
    "print.offset=true",
    "print.headers=true",
    "print.value=false",
    "key.separator=",
    "null.literal=",
];

/// The console producer's reader properties (`LineMessageReader`).
const READER_PROPERTIES: &[&str] = &[
    "parse.key=true",
    "key.separator=",
    "parse.headers=true",
    "headers.delimiter=",
    "headers.separator=",
    "headers.key.separator=",
    "null.marker=",
    "ignore.error=true",
];

/// Completes the word that ends `before` (the text before the cursor). `None` when there is
/// nothing to offer.
pub fn complete(before: &str, names: &Names) -> Option<Completion> {
    if before.contains(['\'', '"', '\\']) {
        return None;
    }
    let ends_word = before.is_empty() || before.ends_with(char::is_whitespace);
    let mut words: Vec<&str> = before.split_whitespace().collect();
    let current = if ends_word {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let stem = &before[..before.len() - current.len()];
    let Slot {
        kept,
        partial,
        candidates,
    } = slot(&words, current, names);
    let paths = !candidates.is_empty() && candidates.iter().all(|c| c.starts_with('/'));
    let mut matching: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(partial.as_str()))
        .collect();
    matching.dedup();
    let completed = |word: &str| format!("{stem}{kept}{word}");
    match matching.as_slice() {
        [] => None,
        [only] => {
            // A value to be typed after `=` goes on without a blank.
            let blank = if only.ends_with('=') { "" } else { " " };
            Some(Completion {
                text: format!("{}{blank}", completed(only)),
                candidates: Vec::new(),
            })
        }
        many => {
            let common = common_prefix(many);
            Some(if common.len() > partial.len() {
                Completion {
                    text: completed(common),
                    candidates: Vec::new(),
                }
            } else {
                Completion {
                    text: before.to_string(),
                    candidates: if paths {
                        next_components(many, partial.len())
                    } else {
                        many.to_vec()
                    },
                }
            })
        }
    }
}

/// The word being completed: the part of it kept as it is (an option's `--name=`, a list's
/// earlier items), the part being completed, and what may stand there.
struct Slot {
    kept: String,
    partial: String,
    candidates: Vec<String>,
}

impl Slot {
    fn new(partial: &str, candidates: Vec<String>) -> Self {
        Slot {
            kept: String::new(),
            partial: partial.to_string(),
            candidates,
        }
    }

    /// For comma-separated values (`--topic a,b`), the item after the last comma.
    fn value(kept: &str, value: &str, candidates: Vec<String>) -> Self {
        let split = value.rfind(',').map_or(0, |comma| comma + 1);
        let (done, last) = value.split_at(split);
        Slot {
            kept: format!("{kept}{done}"),
            partial: last.to_string(),
            candidates,
        }
    }
}

fn slot(words: &[&str], current: &str, names: &Names) -> Slot {
    let Some((&program, args)) = words.split_first() else {
        return Slot::new(current, programs(current));
    };
    if let Some((option, value)) = current
        .strip_prefix("--")
        .and_then(|body| body.split_once('='))
    {
        let kept = &current[..current.len() - value.len()];
        return Slot::value(kept, value, values(program, args, option, names));
    }
    if current.starts_with('-') {
        return Slot::new(current, options_of(program, args));
    }
    if let Some(option) = args.last().and_then(|a| a.strip_prefix("--")) {
        if takes_value(program, args, option) {
            return Slot::value("", current, values(program, args, option, names));
        }
    }
    let positional = positional(program, args, names);
    if positional.is_empty() && current.is_empty() {
        // Nothing positional here: a blank after a Kafka tool lists its options.
        return Slot::new(current, options_of(program, args));
    }
    Slot::new(current, positional)
}

/// Program names, with `bin/` before Kafka's tools when the word starts so.
fn programs(current: &str) -> Vec<String> {
    let names = PROGRAMS.iter().chain(BUILTINS);
    if current.starts_with("bin/") {
        names
            .filter(|p| p.starts_with("kafka-"))
            .map(|p| format!("bin/{p}"))
            .collect()
    } else {
        names.map(|p| p.to_string()).collect()
    }
}

/// The `--options` of a program: a Kafka tool's own, or a playground verb's `start`.
fn options_of(program: &str, args: &[&str]) -> Vec<String> {
    let names: Vec<&str> = match (tool_name(program), args.first().copied()) {
        ("producer", Some("start")) => PRODUCER_START.to_vec(),
        ("consumer", Some("start")) => CONSUMER_START.to_vec(),
        _ => tool_options(program).iter().map(|o| o.name).collect(),
    };
    names.into_iter().map(|n| format!("--{n}")).collect()
}

/// Whether `--option` (written in full) takes a value.
fn takes_value(program: &str, args: &[&str], option: &str) -> bool {
    match tool_name(program) {
        "producer" | "consumer" if args.first() == Some(&"start") => option != "from-beginning",
        _ => tool_options(program)
            .iter()
            .any(|o| o.name == option && o.takes_value),
    }
}

/// What may follow `--option`.
fn values(program: &str, args: &[&str], option: &str, names: &Names) -> Vec<String> {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    let brokers = || names.brokers.iter().map(i32::to_string).collect();
    let tool = tool_name(program);
    match option {
        "topic" | "topic-list" => names.topics.clone(),
        "group" => names.groups.clone(),
        "broker" | "broker-list" => brokers(),
        "entity-type" => strings(&["topics", "brokers"]),
        "entity-name" if args.contains(&"brokers") => brokers(),
        "entity-name" => names.topics.clone(),
        "acks" | "request-required-acks" => strings(&["all", "1", "0", "-1"]),
        "idempotence" => strings(&["true", "false"]),
        "protocol" => strings(&["classic", "consumer"]),
        "assignor" => strings(&[
            "range",
            "roundrobin",
            "sticky",
            "cooperative-sticky",
            "uniform",
        ]),
        "election-type" => strings(&["PREFERRED", "UNCLEAN"]),
        "time" => strings(&["latest", "earliest", "max-timestamp"]),
        "files" => names.files.clone(),
        "property" | "formatter-property" if tool == "kafka-console-consumer" => {
            strings(FORMATTER_PROPERTIES)
        }
        "property" | "reader-property" if tool == "kafka-console-producer" => {
            strings(READER_PROPERTIES)
        }
        _ => Vec::new(),
    }
}

/// Words that are not options: a playground verb's subcommand, then what it acts on.
fn positional(program: &str, args: &[&str], names: &Names) -> Vec<String> {
    let verb = tool_name(program);
    let Some(&(_, subcommands)) = SUBCOMMANDS.iter().find(|(v, _)| *v == verb) else {
        return Vec::new();
    };
    let brokers = || names.brokers.iter().map(i32::to_string).collect();
    match (verb, args) {
        (_, []) => subcommands.iter().map(|s| s.to_string()).collect(),
        ("broker", [_]) => brokers(),
        ("network", [_] | [_, _]) => brokers(),
        ("producer", [sub]) if sub == &"stop" => names.producers.clone(),
        ("consumer", [sub]) if matches!(*sub, "stop" | "kill") => names.consumers.clone(),
        _ => Vec::new(),
    }
}

/// Paths listed as bash lists them: each up to the end of its next directory, once.
fn next_components(paths: &[String], typed: usize) -> Vec<String> {
    let mut listed: Vec<String> = paths
        .iter()
        .map(|p| match p.get(typed..).and_then(|rest| rest.find('/')) {
            Some(slash) => p[..typed + slash + 1].to_string(),
            None => p.clone(),
        })
        .collect();
    listed.sort();
    listed.dedup();
    listed
}

/// The longest prefix the strings share, on a character boundary.
fn common_prefix(strings: &[String]) -> &str {
    let Some(first) = strings.first() else {
        return "";
    };
    let mut end = first.len();
    for other in &strings[1..] {
        end = first
            .char_indices()
            .zip(other.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(other.len()), |((i, _), _)| i.min(end));
    }
    &first[..end]
}
