//! `kafka-consumer-groups.sh`'s command line: the options of Kafka 4.1's
//! `org.apache.kafka.tools.consumer.group.ConsumerGroupCommandOptions`, read as its jopt-simple
//! parser reads them, and its `checkArgs`.
//!
//! The tool's parser is `CommandDefaultOptions`' `new OptionParser(false)`: option names must be
//! written in full (no abbreviations), `--state` and `--type` take an optional value, and words
//! that are not options are ignored. The parser runs in `ConsumerGroupCommandOptions.fromArgs`,
//! outside `main`'s `try`, so its errors end the tool as uncaught exceptions.

use super::Failure;
use crate::cli::java_order::{hash_map_order, string_hash};
use std::collections::BTreeMap;

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    No,
    Required,
    Optional,
}

/// The options in `ConsumerGroupCommandOptions`' order.
const SPECS: &[(&str, Arg)] = &[
    ("help", Arg::No),
    ("version", Arg::No),
    ("bootstrap-server", Arg::Required),
    ("group", Arg::Required),
    ("topic", Arg::Required),
    ("all-topics", Arg::No),
    ("list", Arg::No),
    ("describe", Arg::No),
    ("all-groups", Arg::No),
    ("delete", Arg::No),
    ("timeout", Arg::Required),
    ("command-config", Arg::Required),
    ("reset-offsets", Arg::No),
    ("delete-offsets", Arg::No),
    ("dry-run", Arg::No),
    ("execute", Arg::No),
    ("export", Arg::No),
    ("to-offset", Arg::Required),
    ("from-file", Arg::Required),
    ("to-datetime", Arg::Required),
    ("by-duration", Arg::Required),
    ("to-earliest", Arg::No),
    ("to-latest", Arg::No),
    ("to-current", Arg::No),
    ("shift-by", Arg::Required),
    ("members", Arg::No),
    ("verbose", Arg::No),
    ("offsets", Arg::No),
    ("state", Arg::Optional),
    ("type", Arg::Optional),
    ("validate-regex", Arg::Required),
];

/// The options as [`OptionSpec`](crate::cli::options::OptionSpec)s (an optional value counts
/// as a value), for the browser terminal's completion (`cli::tool_options`).
pub(in crate::cli) fn option_specs() -> Vec<crate::cli::options::OptionSpec> {
    SPECS
        .iter()
        .map(|&(name, kind)| crate::cli::options::OptionSpec {
            name,
            takes_value: kind != Arg::No,
        })
        .collect()
}

/// `availableIf`: options jopt-simple refuses unless one of the others is present.
const AVAILABLE_IF: &[(&str, &[&str])] = &[
    ("members", &["describe"]),
    ("verbose", &["describe"]),
    ("offsets", &["describe"]),
    ("state", &["describe", "list"]),
    ("type", &["list"]),
];

/// The actions, in the order `main` names them.
pub(super) const ACTIONS: [&str; 6] = [
    "list",
    "describe",
    "delete",
    "reset-offsets",
    "delete-offsets",
    "validate-regex",
];

/// The reset scenarios (`allResetOffsetScenarioOpts`).
pub(super) const SCENARIOS: [&str; 8] = [
    "to-offset",
    "shift-by",
    "to-datetime",
    "by-duration",
    "to-earliest",
    "to-latest",
    "to-current",
    "from-file",
];

pub(super) const DESCRIPTION: &str = "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.";

/// The `OptionSet`: each option given, with its values (`None` for a flag, or an optional
/// argument left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts {
    values: BTreeMap<&'static str, Vec<Option<String>>>,
}

impl Opts {
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// `valueOf`: the option's first value.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name)?.first()?.as_deref()
    }

    /// `valuesOf`: every value given.
    pub fn values(&self, name: &str) -> Vec<String> {
        self.values
            .get(name)
            .map(|vs| vs.iter().flatten().cloned().collect())
            .unwrap_or_default()
    }

    /// A `Long` option's value, with jopt-simple's conversion message.
    pub fn long(&self, name: &str) -> Result<Option<i64>, String> {
        match self.value(name) {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| format!("Cannot parse argument '{text}' of option {name}")),
        }
    }
}

fn uncaught(class: &str, message: String) -> Failure {
    Failure::Uncaught(format!("joptsimple.{class}: {message}"))
}

/// `OptionParser.parse`.
pub fn parse(args: &[String]) -> Result<Opts, Failure> {
    let mut opts = Opts::default();
    let mut iter = args.iter().peekable();
    let mut only_words = false;
    while let Some(arg) = iter.next() {
        if only_words || arg == "-" || !arg.starts_with('-') {
            continue;
        }
        if arg == "--" {
            only_words = true;
            continue;
        }
        let body = arg.trim_start_matches('-');
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        let Some(&(name, kind)) = SPECS.iter().find(|(n, _)| *n == name) else {
            // `-xyz` that is no option's name is read as a cluster of one-letter options, and
            // this tool has none.
            let unknown = if arg.starts_with("--") {
                name.to_string()
            } else {
                name.chars().next().map(String::from).unwrap_or_default()
            };
            return Err(uncaught(
                "UnrecognizedOptionException",
                format!("{unknown} is not a recognized option"),
            ));
        };
        let value = match (kind, inline) {
            (Arg::No, _) => None,
            (_, Some(value)) => Some(value),
            (Arg::Required, None) => Some(iter.next().cloned().ok_or_else(|| {
                uncaught(
                    "OptionMissingRequiredArgumentException",
                    format!("Option {name} requires an argument"),
                )
            })?),
            (Arg::Optional, None) => iter.next_if(|next| !next.starts_with('-')).cloned(),
        };
        opts.values.entry(name).or_default().push(value);
    }
    let unavailable: Vec<&str> = AVAILABLE_IF
        .iter()
        .filter(|(name, needs)| opts.has(name) && !needs.iter().any(|n| opts.has(n)))
        .map(|(name, _)| *name)
        .collect();
    if !unavailable.is_empty() {
        return Err(uncaught(
            "UnavailableOptionException",
            format!(
                "Option(s) [{}] are unavailable given other options on the command line",
                unavailable.join(", ")
            ),
        ));
    }
    Ok(opts)
}

/// `AbstractOptionSpec.toString`: the option's names in brackets.
fn spec(name: &str) -> String {
    format!("[{name}]")
}

/// A `HashSet<OptionSpec>` in iteration order: a spec hashes as its list of names,
/// `31 + name.hashCode()`.
fn spec_set(names: &[&str]) -> Vec<String> {
    hash_map_order(names.to_vec(), |n| 31i32.wrapping_add(string_hash(n)))
        .into_iter()
        .map(spec)
        .collect()
}

/// `Utils.join(set, ", ")` of option specs.
fn join_specs(names: &[&str]) -> String {
    spec_set(names).join(", ")
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// `CommandLineUtils.checkInvalidArgs`: `used` with any of `others`.
fn check_invalid(opts: &Opts, used: &str, others: &[&str]) -> Result<(), Failure> {
    if !opts.has(used) {
        return Ok(());
    }
    let order = hash_map_order(others.to_vec(), |n| 31i32.wrapping_add(string_hash(n)));
    match order.into_iter().find(|o| opts.has(o)) {
        Some(other) => Err(usage(format!(
            "Option \"{}\" can't be used with option \"{}\"",
            spec(used),
            spec(other)
        ))),
        None => Ok(()),
    }
}

/// `ConsumerGroupCommandOptions.checkArgs`, after `maybePrintHelpOrVersion`. The warning about a
/// missing `--execute` goes to `warnings` (stderr) and the tool goes on.
pub fn check_args(opts: &Opts, warnings: &mut Vec<String>) -> Result<(), Failure> {
    if !opts.has("bootstrap-server") {
        return Err(usage("Missing required argument \"[bootstrap-server]\""));
    }
    let scope = ["group", "all-groups"];
    let has_scope = opts.has("group") || opts.has("all-groups");
    if opts.has("describe") {
        if !has_scope {
            return Err(usage(format!(
                "Option [describe] takes one of these options: {}",
                join_specs(&scope)
            )));
        }
        let views = ["members", "offsets", "state"];
        if views.iter().filter(|v| opts.has(v)).count() > 1 {
            return Err(usage(
                "Option [describe] takes at most one of these options: [members], [offsets], [state]",
            ));
        }
        if opts.value("state").is_some() {
            return Err(usage("Option [describe] does not take a value for [state]"));
        }
    }
    if opts.has("delete") {
        if !has_scope {
            return Err(usage(format!(
                "Option [delete] takes one of these options: {}",
                join_specs(&scope)
            )));
        }
        if opts.has("topic") {
            return Err(usage("The consumer does not support topic-specific offset deletion from a consumer group."));
        }
    }
    if opts.has("delete-offsets") && !(opts.has("group") && opts.has("topic")) {
        return Err(usage(format!(
            "Option [delete-offsets] takes the following options: {}",
            join_specs(&["group", "topic"])
        )));
    }
    if opts.has("reset-offsets") {
        check_reset_args(opts, warnings)?;
    }
    check_invalid(opts, "group", &["all-groups"])?;
    check_invalid(opts, "group", &["list"])?;
    check_invalid(opts, "topic", &["list", "describe"])
}

/// The `--reset-offsets` part of `checkArgs`.
fn check_reset_args(opts: &Opts, warnings: &mut Vec<String>) -> Result<(), Failure> {
    if opts.has("dry-run") && opts.has("execute") {
        return Err(usage(
            "Option [reset-offsets] only accepts one of [execute] and [dry-run]",
        ));
    }
    if !opts.has("dry-run") && !opts.has("execute") {
        // Kafka's text, with its missing space after the first sentence.
        warnings.push("WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.".to_string());
    }
    if !(opts.has("group") || opts.has("all-groups")) {
        return Err(usage(format!(
            "Option [reset-offsets] takes one of these options: {}",
            join_specs(&["group", "all-groups"])
        )));
    }
    // The order `checkArgs` checks them in.
    for used in [
        "to-offset",
        "to-datetime",
        "by-duration",
        "to-earliest",
        "to-latest",
        "to-current",
        "shift-by",
        "from-file",
    ] {
        let others: Vec<&str> = SCENARIOS.into_iter().filter(|s| *s != used).collect();
        check_invalid(opts, used, &others)?;
    }
    Ok(())
}

/// `Option '[reset-offsets]' requires one of the following scenarios: [...]`, the scenarios as
/// the `HashSet` prints them.
pub fn missing_scenario() -> String {
    format!(
        "Option '[reset-offsets]' requires one of the following scenarios: [{}]",
        spec_set(&SCENARIOS).join(", ")
    )
}

/// `main`'s check: exactly one action.
pub fn check_action(opts: &Opts) -> Result<&'static str, Failure> {
    let given: Vec<&'static str> = ACTIONS.into_iter().filter(|a| opts.has(a)).collect();
    match given.as_slice() {
        [one] => Ok(one),
        _ => Err(usage(format!(
            "Command must include exactly one action: {}",
            ACTIONS.map(|a| format!("--{a}")).join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn checked(line: &str) -> Result<(Opts, Vec<String>), String> {
        let describe = |f: Failure| match f {
            Failure::Usage(m) | Failure::Uncaught(m) | Failure::Command(m) => m,
        };
        let opts = parse(&words(line)).map_err(describe)?;
        let mut warnings = Vec::new();
        check_args(&opts, &mut warnings).map_err(describe)?;
        check_action(&opts).map_err(describe)?;
        Ok((opts, warnings))
    }

    fn error(line: &str) -> String {
        checked(line).expect_err(line)
    }

    const B: &str = "--bootstrap-server localhost:9092";

    #[test]
    fn parser_errors_are_joptsimple_exceptions() {
        assert_eq!(
            error("--desc"),
            "joptsimple.UnrecognizedOptionException: desc is not a recognized option"
        );
        assert_eq!(
            error("-desc"),
            "joptsimple.UnrecognizedOptionException: d is not a recognized option"
        );
        assert!(checked("-bootstrap-server x -list").is_ok());
        assert_eq!(
            error(&format!("{B} --describe --group")),
            "joptsimple.OptionMissingRequiredArgumentException: Option group requires an argument"
        );
        assert_eq!(
            error(&format!("{B} --list --members --verbose")),
            "joptsimple.UnavailableOptionException: Option(s) [members, verbose] are unavailable given other options on the command line"
        );
        assert_eq!(
            error(&format!("{B} --describe --group g --type")),
            "joptsimple.UnavailableOptionException: Option(s) [type] are unavailable given other options on the command line"
        );
    }

    #[test]
    fn optional_values_and_stray_words() {
        let (opts, _) = checked(&format!("{B} --list --state stable,empty stray")).unwrap();
        assert_eq!(opts.value("state"), Some("stable,empty"));
        let (opts, _) = checked(&format!("{B} --list --state --type")).unwrap();
        assert!(opts.has("state") && opts.value("state").is_none());
        assert!(opts.has("type") && opts.value("type").is_none());
        let (opts, _) = checked(&format!("{B} --list --type=consumer")).unwrap();
        assert_eq!(opts.value("type"), Some("consumer"));
    }

    #[test]
    fn check_args_messages() {
        assert_eq!(
            error("--list"),
            "Missing required argument \"[bootstrap-server]\""
        );
        assert_eq!(
            error(B),
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex"
        );
        assert_eq!(
            error(&format!("{B} --list --delete --all-groups")),
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex"
        );
        assert_eq!(
            error(&format!("{B} --describe")),
            "Option [describe] takes one of these options: [all-groups], [group]"
        );
        assert_eq!(
            error(&format!("{B} --describe --group g --members --state")),
            "Option [describe] takes at most one of these options: [members], [offsets], [state]"
        );
        assert_eq!(
            error(&format!("{B} --describe --group g --state Stable")),
            "Option [describe] does not take a value for [state]"
        );
        assert_eq!(
            error(&format!("{B} --delete")),
            "Option [delete] takes one of these options: [all-groups], [group]"
        );
        assert_eq!(
            error(&format!("{B} --delete --group g --topic t")),
            "The consumer does not support topic-specific offset deletion from a consumer group."
        );
        assert_eq!(
            error(&format!("{B} --delete-offsets --group g")),
            "Option [delete-offsets] takes the following options: [topic], [group]"
        );
        assert_eq!(
            error(&format!("{B} --describe --group g --all-groups")),
            "Option \"[group]\" can't be used with option \"[all-groups]\""
        );
        assert_eq!(
            error(&format!("{B} --list --group g")),
            "Option \"[group]\" can't be used with option \"[list]\""
        );
        assert_eq!(
            error(&format!("{B} --describe --group g --topic t")),
            "Option \"[topic]\" can't be used with option \"[describe]\""
        );
    }

    #[test]
    fn reset_offsets_checks() {
        let reset = format!("{B} --reset-offsets");
        assert_eq!(
            error(&format!("{reset} --group g --dry-run --execute")),
            "Option [reset-offsets] only accepts one of [execute] and [dry-run]"
        );
        assert_eq!(
            error(&format!("{reset} --dry-run --to-earliest")),
            "Option [reset-offsets] takes one of these options: [all-groups], [group]"
        );
        assert_eq!(
            error(&format!(
                "{reset} --group g --dry-run --to-earliest --to-offset 3"
            )),
            "Option \"[to-offset]\" can't be used with option \"[to-earliest]\""
        );
        let (_, warnings) = checked(&format!("{reset} --group g --to-earliest")).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with(
            "WARN: No action will be performed as the --execute option is missing.In a future"
        ));
        let (_, warnings) = checked(&format!("{reset} --group g --to-earliest --execute")).unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn spec_sets_print_in_hash_set_order() {
        // As `jshell` prints `new HashSet<>(Arrays.asList(List.of("group"), …))`.
        assert_eq!(
            join_specs(&["group", "all-groups"]),
            "[all-groups], [group]"
        );
        assert_eq!(join_specs(&["group", "topic"]), "[topic], [group]");
        assert_eq!(
            missing_scenario(),
            "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [to-current], [to-datetime], [from-file], [by-duration], [to-earliest], [to-latest], [shift-by]]"
        );
    }
}
