//! Command-line options the way Kafka's tools read them (jopt-simple).
//!
//! Long options only, written `--name value` or `--name=value`, names in full: Kafka's tools
//! build their parser as `new OptionParser(false)` (`CommandDefaultOptions`, abbreviations off),
//! so `--creat` is not a recognized option; an option may repeat (`--config a=1 --config b=2`).
//! Errors carry jopt-simple's messages, which the tools print before their usage text.

use std::collections::BTreeMap;
use thiserror::Error;

/// One option a tool understands.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    pub name: &'static str,
    pub takes_value: bool,
}

/// Shorthand for an option with a value.
pub const fn with_value(name: &'static str) -> OptionSpec {
    OptionSpec {
        name,
        takes_value: true,
    }
}

/// Shorthand for a flag.
pub const fn flag(name: &'static str) -> OptionSpec {
    OptionSpec {
        name,
        takes_value: false,
    }
}

/// jopt-simple's `OptionException` messages.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OptionError {
    #[error("{0} is not a recognized option")]
    Unrecognized(String),
    #[error("Option {0} requires an argument")]
    MissingArgument(String),
    #[error("Option {name} does not take an argument")]
    UnexpectedArgument { name: String },
    #[error("Found non-option arguments: {0}")]
    NonOption(String),
    #[error("Cannot parse argument '{value}' of option {name}")]
    NotANumber { name: String, value: String },
}

/// The options given on one command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedOptions {
    values: BTreeMap<&'static str, Vec<String>>,
}

impl ParsedOptions {
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name)?.last().map(String::as_str)
    }

    /// Every value given for `name`, in order.
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// The value of `name` as an integer, with jopt-simple's message when it is not one.
    pub fn int<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, OptionError> {
        match self.value(name) {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| OptionError::NotANumber {
                name: name.to_string(),
                value: text.to_string(),
            }),
        }
    }
}

/// The start every `CommandDefaultOptions` tool shares: no arguments print the tool's
/// description and fail; a bad command line fails with jopt-simple's message; `--help` prints
/// the description and `--version` Kafka's version, each ending the tool. `None` when the tool
/// has nothing more to do (`output` says why); `specs` must include `help` and `version`.
pub fn parse_tool_args(
    args: &[String],
    specs: &[OptionSpec],
    description: &str,
    output: &mut super::Output,
) -> Option<ParsedOptions> {
    if args.is_empty() {
        output.fail(description);
        return None;
    }
    let opts = match parse(args, specs) {
        Ok(opts) => opts,
        Err(error) => {
            output.fail(error.to_string());
            return None;
        }
    };
    if opts.has("help") {
        output.out(description);
        return None;
    }
    if opts.has("version") {
        output.out("4.1.0");
        return None;
    }
    Some(opts)
}

/// Parses `args` (without the program name) against `specs`.
pub fn parse(args: &[String], specs: &[OptionSpec]) -> Result<ParsedOptions, OptionError> {
    let mut parsed = ParsedOptions::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(body) = arg.strip_prefix("--") else {
            return Err(OptionError::NonOption(arg.clone()));
        };
        let (name, inline_value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        let spec = find(name, specs)?;
        let value = match (spec.takes_value, inline_value) {
            (true, Some(value)) => value,
            (true, None) => iter
                .next()
                .cloned()
                .ok_or_else(|| OptionError::MissingArgument(spec.name.to_string()))?,
            (false, Some(_)) => {
                return Err(OptionError::UnexpectedArgument {
                    name: spec.name.to_string(),
                })
            }
            (false, None) => String::new(),
        };
        parsed.values.entry(spec.name).or_default().push(value);
    }
    Ok(parsed)
}

fn find(name: &str, specs: &[OptionSpec]) -> Result<OptionSpec, OptionError> {
    specs
        .iter()
        .find(|s| s.name == name)
        .copied()
        .ok_or_else(|| OptionError::Unrecognized(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[OptionSpec] = &[
        with_value("topic"),
        with_value("partitions"),
        with_value("config"),
        flag("create"),
        flag("describe"),
    ];

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_values_flags_and_repeats() {
        let parsed = parse(
            &args("--create --topic=t --partitions 3 --config a=1 --config b=2"),
            SPECS,
        )
        .expect("parses");
        assert!(parsed.has("create"));
        assert_eq!(parsed.value("topic"), Some("t"));
        assert_eq!(parsed.int::<i32>("partitions"), Ok(Some(3)));
        assert_eq!(parsed.values("config"), ["a=1", "b=2"]);
    }

    #[test]
    fn jopt_messages() {
        let error = |line| parse(&args(line), SPECS).unwrap_err().to_string();
        assert_eq!(
            error("--zookeeper x"),
            "zookeeper is not a recognized option"
        );
        assert_eq!(error("--topic"), "Option topic requires an argument");
        // No abbreviations (`new OptionParser(false)` in `CommandDefaultOptions`).
        assert_eq!(error("--creat"), "creat is not a recognized option");
        assert_eq!(error("--part 3"), "part is not a recognized option");
        assert_eq!(error("stray"), "Found non-option arguments: stray");
        let parsed = parse(&args("--partitions x"), SPECS).expect("parses");
        assert_eq!(
            parsed.int::<i32>("partitions").unwrap_err().to_string(),
            "Cannot parse argument 'x' of option partitions"
        );
    }
}
