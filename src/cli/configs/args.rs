//! `kafka-configs.sh`'s command line: its options, `ConfigCommandOptions.checkArgs`, the entity
//! types and names, and `--add-config` / `--delete-config` as `ConfigCommand` parses them.

use super::{message, Failure};
use crate::cli::options::{flag, with_value, OptionSpec, ParsedOptions};
use crate::engine::config::value::{java_trim, parse_java_integer};
use std::collections::BTreeMap;

pub(in crate::cli) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("bootstrap-controller"),
    with_value("command-config"),
    flag("alter"),
    flag("describe"),
    flag("all"),
    with_value("entity-type"),
    with_value("entity-name"),
    flag("entity-default"),
    with_value("add-config"),
    with_value("add-config-file"),
    with_value("delete-config"),
    with_value("topic"),
    with_value("client"),
    flag("client-defaults"),
    with_value("user"),
    flag("user-defaults"),
    with_value("broker"),
    flag("broker-defaults"),
    with_value("broker-logger"),
    flag("ip-defaults"),
    with_value("ip"),
    with_value("group"),
    with_value("client-metrics"),
    flag("help"),
    flag("version"),
];

/// `BROKER_SUPPORTED_CONFIG_TYPES`: `broker-loggers`, then `ConfigType`'s values in order.
const ENTITY_TYPES: [&str; 8] = [
    "broker-loggers",
    "topics",
    "clients",
    "users",
    "brokers",
    "ips",
    "client-metrics",
    "groups",
];

/// `entityFlags()`: the shorthand options naming one entity, and their types.
const ENTITY_FLAGS: [(&str, &str); 8] = [
    ("topic", "topics"),
    ("client", "clients"),
    ("user", "users"),
    ("broker", "brokers"),
    ("broker-logger", "broker-loggers"),
    ("ip", "ips"),
    ("client-metrics", "client-metrics"),
    ("group", "groups"),
];

/// `entityDefaultsFlags()`: the shorthand options naming a type's defaults.
const DEFAULT_FLAGS: [(&str, &str); 4] = [
    ("client-defaults", "clients"),
    ("user-defaults", "users"),
    ("broker-defaults", "brokers"),
    ("ip-defaults", "ips"),
];

/// jopt-simple's `valueOf`: an option given twice cannot be read as one value.
fn single<'a>(opts: &'a ParsedOptions, name: &str) -> Result<Option<&'a str>, Failure> {
    match opts.values(name) {
        [] => Ok(None),
        [value] => Ok(Some(value)),
        _ => Err(message(format!(
            "Found multiple arguments for option {name}, but you asked for only one"
        ))),
    }
}

/// `entityTypes()`: `--entity-type` values, then the shorthand flags' types.
fn entity_types(opts: &ParsedOptions) -> Vec<String> {
    let mut types: Vec<String> = opts.values("entity-type").to_vec();
    for (option, kind) in ENTITY_FLAGS.iter().chain(DEFAULT_FLAGS.iter()) {
        if opts.has(option) {
            types.push(kind.to_string());
        }
    }
    types
}

/// `entityNames()`: `--entity-name` values and `""` for each `--entity-default`, then the
/// shorthand flags' values and `""` for each defaults flag.
fn entity_names(opts: &ParsedOptions) -> Result<Vec<String>, Failure> {
    let mut names: Vec<String> = opts.values("entity-name").to_vec();
    names.extend(opts.values("entity-default").iter().map(|_| String::new()));
    for (option, _) in ENTITY_FLAGS {
        if let Some(value) = single(opts, option)? {
            names.push(value.to_string());
        }
    }
    for (option, _) in DEFAULT_FLAGS {
        if opts.has(option) {
            names.push(String::new());
        }
    }
    Ok(names)
}

/// `ConfigCommandOptions.checkArgs`, in its order. Returns the entity types and names.
pub(super) fn check_args(opts: &ParsedOptions) -> Result<(Vec<String>, Vec<String>), Failure> {
    let (alter, describe) = (opts.has("alter"), opts.has("describe"));
    if alter == describe {
        return Err(message(
            "Command must include exactly one action: --describe, --alter",
        ));
    }
    if describe {
        if let Some(other) = ["add-config", "delete-config"].iter().find(|o| opts.has(o)) {
            return Err(message(format!(
                "Option \"[describe]\" can't be used with option \"[{other}]\""
            )));
        }
    }
    let types = entity_types(opts);
    let mut duplicates: Vec<&str> = Vec::new();
    for (i, kind) in types.iter().enumerate() {
        if types[..i].contains(kind) && !duplicates.contains(&kind.as_str()) {
            duplicates.push(kind);
        }
    }
    if !duplicates.is_empty() {
        return Err(message(format!(
            "Duplicate entity type(s) specified: {}",
            duplicates.join(",")
        )));
    }
    if let Some(bad) = types.iter().find(|t| !ENTITY_TYPES.contains(&t.as_str())) {
        return Err(message(format!(
            "Invalid entity type {bad}, the entity type must be one of {} with a --bootstrap-server or --bootstrap-controller argument",
            ENTITY_TYPES.join(", ")
        )));
    }
    let users_and_clients = types.len() == 2
        && types.iter().any(|t| t == "users")
        && types.iter().any(|t| t == "clients");
    if types.is_empty() {
        return Err(message("At least one entity type must be specified"));
    } else if types.len() > 1 && !users_and_clients {
        return Err(message(
            "Only 'users' and 'clients' entity types may be specified together",
        ));
    }
    let generic = ["entity-name", "entity-type", "entity-default"]
        .iter()
        .any(|o| opts.has(o));
    let shorthand = ENTITY_FLAGS
        .iter()
        .chain(DEFAULT_FLAGS.iter())
        .any(|(o, _)| opts.has(o));
    if generic && shorthand {
        return Err(message(
            "--entity-{type,name,default} should not be used in conjunction with specific entity flags",
        ));
    }
    let names = entity_names(opts)?;
    check_entity_names(opts, &types, &names)?;
    Ok((types, names))
}

/// The rest of `checkArgs`: bootstrap options, broker ids, and what `--describe` and `--alter`
/// need.
fn check_entity_names(
    opts: &ParsedOptions,
    types: &[String],
    names: &[String],
) -> Result<(), Failure> {
    let has_name = names.iter().any(|n| !n.is_empty());
    let has_default = names.iter().any(String::is_empty);
    let has_type = |t: &str| types.iter().any(|k| k == t);
    if opts.has("bootstrap-server") && opts.has("bootstrap-controller") {
        return Err(message(
            "Only one of --bootstrap-server or --bootstrap-controller can be specified",
        ));
    }
    if has_name && (has_type("brokers") || has_type("broker-loggers")) {
        for option in ["entity-name", "broker", "broker-logger"] {
            if let Some(id) = single(opts, option)? {
                if parse_java_integer(id, i32::MIN.into(), i32::MAX.into()).is_none() {
                    return Err(message(format!(
                        "The entity name for {} must be a valid integer broker id, but it is: {id}",
                        types[0]
                    )));
                }
            }
        }
    }
    let joined = types.join(",");
    if opts.has("describe") {
        let defaults_ok = ["users", "clients", "brokers", "ips"]
            .iter()
            .any(|t| has_type(t));
        if !defaults_ok && opts.has("entity-default") {
            return Err(message(format!(
                "--entity-default must not be specified with --describe of {joined}"
            )));
        }
        if has_type("broker-loggers") && !has_name {
            return Err(message(format!(
                "An entity name must be specified with --describe of {joined}"
            )));
        }
    }
    if opts.has("alter") {
        if ["users", "clients", "brokers", "ips"]
            .iter()
            .any(|t| has_type(t))
        {
            if !has_name && !has_default {
                return Err(message("An entity-name or default entity must be specified with --alter of users, clients, brokers or ips"));
            }
        } else if !has_name {
            return Err(message(format!(
                "An entity name must be specified with --alter of {joined}"
            )));
        }
        let (add, file, delete) = (
            opts.has("add-config"),
            opts.has("add-config-file"),
            opts.has("delete-config"),
        );
        if add && file {
            return Err(message(
                "Only one of --add-config or --add-config-file must be specified",
            ));
        }
        if !add && !file && !delete {
            return Err(message("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter"));
        }
    }
    Ok(())
}

/// Whether the character at `at` (a separator) is outside square brackets: ConfigCommand's
/// lookahead `(?=[^\]]*(?:\[|$))` — no ']' follows before a '[' or the end.
fn outside_brackets(text: &str, at: usize) -> bool {
    let rest = &text[at + 1..];
    match rest.find(']') {
        None => true,
        Some(close) => rest[..close].contains('['),
    }
}

/// Java's `String.split` on `separator` outside brackets; `keep_trailing` is split's limit -1.
fn split_outside_brackets(text: &str, separator: char, keep_trailing: bool) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if c == separator && outside_brackets(text, at) {
            pieces.push(&text[start..at]);
            start = at + c.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    if !keep_trailing {
        while pieces.len() > 1 && pieces.last() == Some(&"") {
            pieces.pop();
        }
        if pieces == [""] && start > 0 {
            pieces.clear();
        }
    }
    pieces
}

/// `ConfigCommand.parseConfigsToBeAdded`: `k1=v1,k2=[v1,v2],k3=v3`, brackets grouping values that
/// contain commas and then dropped, keys and values trimmed, keys checked by `validatePropsKey`.
pub(super) fn parse_configs_to_be_added(
    opts: &ParsedOptions,
) -> Result<BTreeMap<String, String>, Failure> {
    let mut props = BTreeMap::new();
    let Some(text) = single(opts, "add-config")? else {
        return Ok(props);
    };
    let pairs: Vec<Vec<&str>> = split_outside_brackets(text, ',', false)
        .into_iter()
        .map(|item| split_outside_brackets(item, '=', true))
        .collect();
    if pairs.iter().any(|pair| pair.len() != 2) {
        return Err(message("Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas."));
    }
    for pair in pairs {
        let value: String = pair[1].chars().filter(|c| *c != '[' && *c != ']').collect();
        props.insert(
            java_trim(pair[0]).to_string(),
            java_trim(&value).to_string(),
        );
    }
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '$' | '.' | '_' | '-');
    if let Some(key) = props.keys().find(|k| !k.chars().all(valid)) {
        return Err(message(format!(
            "Invalid character found for config key: {key}"
        )));
    }
    Ok(props)
}

/// `parseConfigsToBeDeleted`: jopt-simple splits each value at ',' (skipping empty pieces), then
/// each name is trimmed.
pub(super) fn configs_to_be_deleted(opts: &ParsedOptions) -> Vec<String> {
    let mut names = Vec::new();
    for value in opts.values("delete-config") {
        let pieces: Vec<&str> = value.split(',').filter(|p| !p.is_empty()).collect();
        if pieces.is_empty() {
            names.push(java_trim(value).to_string());
        }
        names.extend(pieces.into_iter().map(|p| java_trim(p).to_string()));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_group_list_values() {
        assert_eq!(
            split_outside_brackets("a=1,cleanup.policy=[compact,delete],b=2", ',', false),
            ["a=1", "cleanup.policy=[compact,delete]", "b=2"]
        );
        assert_eq!(split_outside_brackets("k=[a=b]", '=', true), ["k", "[a=b]"]);
        assert_eq!(split_outside_brackets("a=", '=', true), ["a", ""]);
        assert_eq!(split_outside_brackets("a=1,", ',', false), ["a=1"]);
        assert_eq!(split_outside_brackets("", ',', false), [""]);
    }
}
