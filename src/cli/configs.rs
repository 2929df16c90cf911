//! `kafka-configs.sh` for topics and brokers: `--describe [--all]` and
//! `--alter --add-config k=v,… --delete-config k,…`, printing what Kafka's `ConfigCommand` prints.
//!
//! Follows `tools/.../ConfigCommand.java` (Kafka 4.1):
//! - `IllegalArgumentException`, `InvalidConfigurationException` and jopt-simple's errors print
//!   their message alone on stderr; so do `checkArgs`' usage errors.
//! - Any other failure — an error answer of the admin call, an invalid topic name, a timeout —
//!   prints `Error while executing config command with args '<args>'` on stderr and then the
//!   exception's stack trace. The playground prints the trace's header lines (the
//!   `java.util.concurrent.ExecutionException: …` line and its `Caused by: …`) without the `at …`
//!   frames.
//! - `--describe` without `--all` of a topic or broker that does not exist prints
//!   `The topic 't' doesn't exist and doesn't have dynamic config.` on stdout and succeeds.
//! - A broker id that is not registered makes the admin client wait for it until the tool's
//!   30 s `get` times out: 30 s of sim time pass and the tool fails with
//!   `java.util.concurrent.TimeoutException`.
//!
//! `--bootstrap-server` and `--bootstrap-controller` are accepted and not required. Entity types
//! the playground does not model (clients, users, ips, client-metrics, groups, broker-loggers)
//! and `--add-config-file` are refused with a playground message.

pub(super) mod args;

use super::options::{self, ParsedOptions};
use super::Output;
use crate::engine::config::value::parse_java_integer;
use crate::engine::config::{
    describe_broker_configs, describe_topic_configs, format_broker_describe, format_topic_describe,
    BrokerScope, ConfigEntry, ConfigError, Warning,
};
use crate::engine::sorting;
use crate::engine::topic;
use crate::engine::{ApiError, Cluster, ErrorCode};
use std::collections::BTreeMap;

/// How `ConfigCommand.main` reports a failure.
enum Failure {
    /// The message alone on stderr.
    Message(String),
    /// `Error while executing config command with args '…'`, then these stack-trace lines.
    Exception(Vec<String>),
}

impl From<options::OptionError> for Failure {
    fn from(error: options::OptionError) -> Self {
        Failure::Message(error.to_string())
    }
}

fn message(text: impl Into<String>) -> Failure {
    Failure::Message(text.into())
}

/// The Java exception a client throws for an error code (`Errors.exception`).
fn exception_class(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::UnknownTopicOrPartition => "UnknownTopicOrPartitionException",
        ErrorCode::InvalidTopicException => "InvalidTopicException",
        ErrorCode::InvalidConfig => "InvalidConfigurationException",
        ErrorCode::InvalidRequest => "InvalidRequestException",
        ErrorCode::PolicyViolation => "PolicyViolationException",
        _ => "ApiException",
    }
}

/// A failed admin call: `KafkaFuture.get` throws an `ExecutionException` wrapping the error.
fn execution_exception(error: &ApiError) -> Failure {
    let cause = format!(
        "org.apache.kafka.common.errors.{}: {}",
        exception_class(error.code),
        error.message()
    );
    Failure::Exception(vec![
        format!("java.util.concurrent.ExecutionException: {cause}"),
        format!("Caused by: {cause}"),
    ])
}

/// `Topic.validate` in the tool itself throws `InvalidTopicException` directly.
fn validate_topic_name(name: &str) -> Result<(), Failure> {
    topic::validate_name(name).map_err(|reason| {
        Failure::Exception(vec![format!(
            "org.apache.kafka.common.errors.InvalidTopicException: {reason}"
        )])
    })
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let result = options::parse(args, args::SPECS)
        .map_err(Failure::from)
        .and_then(|opts| execute(cluster, &opts, output));
    match result {
        Ok(()) => {}
        Err(Failure::Message(text)) => output.fail(text),
        Err(Failure::Exception(lines)) => {
            output.fail(format!(
                "Error while executing config command with args '{}'",
                args.join(" ")
            ));
            for line in lines {
                output.err(line);
            }
        }
    }
}

fn execute(
    cluster: &mut Cluster,
    opts: &ParsedOptions,
    output: &mut Output,
) -> Result<(), Failure> {
    if opts.has("help") {
        output.err("This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group");
        return Ok(());
    }
    let (types, names) = args::check_args(opts)?;
    if opts.has("alter") && types.len() != names.len() {
        return Err(message(
            "An entity name must be specified for every entity type",
        ));
    }
    let kind = types.first().map(String::as_str).unwrap_or_default();
    if kind != "topics" && kind != "brokers" {
        return Err(message(format!(
            "kafka-configs.sh: the playground models the entity types topics and brokers, not {kind}"
        )));
    }
    if opts.has("alter") {
        alter(
            cluster,
            opts,
            kind,
            names.first().map_or("", String::as_str),
            output,
        )
    } else {
        describe(
            cluster,
            opts,
            kind,
            names.first().map(String::as_str),
            output,
        )
    }
}

/// `--alter` (`ConfigCommand.alterConfig` / `alterResourceConfig`).
fn alter(
    cluster: &mut Cluster,
    opts: &ParsedOptions,
    kind: &str,
    name: &str,
    output: &mut Output,
) -> Result<(), Failure> {
    if opts.has("add-config-file") {
        return Err(message(
            "kafka-configs.sh: --add-config-file is not available in the playground (it has no files to read); use --add-config",
        ));
    }
    let to_add = args::parse_configs_to_be_added(opts)?;
    let to_delete = args::configs_to_be_deleted(opts);
    let warnings = if kind == "topics" {
        alter_topic(cluster, name, &to_add, &to_delete)?
    } else {
        alter_broker(cluster, name, &to_add, &to_delete)?
    };
    if name.is_empty() {
        output.out(format!(
            "Completed updating default config for {kind} in the cluster."
        ));
    } else {
        let singular = kind.strip_suffix('s').unwrap_or(kind);
        output.out(format!("Completed updating config for {singular} {name}."));
    }
    // Playground departures (e.g. a segment size below Kafka's 1 MiB minimum).
    for warning in warnings {
        output.err(warning.message);
    }
    Ok(())
}

/// "Invalid config(s): …" for names to delete that the entity does not set dynamically.
fn check_deletes(to_delete: &[String], is_set: impl Fn(&str) -> bool) -> Result<(), Failure> {
    let invalid: Vec<&str> = to_delete
        .iter()
        .map(String::as_str)
        .filter(|n| !is_set(n))
        .collect();
    if invalid.is_empty() {
        return Ok(());
    }
    Err(message(format!("Invalid config(s): {}", invalid.join(","))))
}

fn alter_topic(
    cluster: &mut Cluster,
    name: &str,
    to_add: &BTreeMap<String, String>,
    to_delete: &[String],
) -> Result<Vec<Warning>, Failure> {
    validate_topic_name(name)?;
    let Some(topic) = cluster.topic(name) else {
        return Err(execution_exception(&ApiError::bare(
            ErrorCode::UnknownTopicOrPartition,
        )));
    };
    check_deletes(to_delete, |n| topic.configs.contains_key(n))?;
    cluster
        .await_active_controller("incrementalAlterConfigs")
        .map_err(|e| execution_exception(&e))?;
    cluster
        .incremental_alter_topic_configs(name, to_add, to_delete)
        .map_err(|e| execution_exception(&e))
}

/// The broker an `--entity-name` names, or `None` for the cluster-wide defaults; a broker that
/// is not registered is waited for until the tool's 30 s `get` times out.
fn broker_node(cluster: &mut Cluster, name: &str) -> Result<Option<i32>, Failure> {
    if name.is_empty() {
        return Ok(None);
    }
    let id = parse_java_integer(name, i32::MIN.into(), i32::MAX.into())
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| {
            message(format!(
                "The entity name for brokers must be a valid integer broker id, found: {name}"
            ))
        })?;
    if cluster.broker(id).is_none() {
        cluster.advance_time(30_000);
        return Err(Failure::Exception(vec![
            "java.util.concurrent.TimeoutException".to_string(),
        ]));
    }
    Ok(Some(id))
}

fn alter_broker(
    cluster: &mut Cluster,
    name: &str,
    to_add: &BTreeMap<String, String>,
    to_delete: &[String],
) -> Result<Vec<Warning>, Failure> {
    let node = broker_node(cluster, name)?;
    let layer = match node {
        None => cluster.broker_configs().dynamic_default.clone(),
        Some(id) => cluster
            .broker_dynamic_configs()
            .get(&id)
            .cloned()
            .unwrap_or_default(),
    };
    check_deletes(to_delete, |n| layer.contains_key(n))?;
    // Brokers forward config changes to the active controller (KIP-590).
    cluster
        .await_active_controller("incrementalAlterConfigs")
        .map_err(|e| execution_exception(&e))?;
    cluster
        .alter_broker_configs(node, to_add, to_delete)
        .map_err(|e| execution_exception(&e))
}

/// `--describe` (`ConfigCommand.describeResourceConfig`).
fn describe(
    cluster: &mut Cluster,
    opts: &ParsedOptions,
    kind: &str,
    name: Option<&str>,
    output: &mut Output,
) -> Result<(), Failure> {
    let all = opts.has("all");
    if let (false, Some(name)) = (all, name) {
        let exists = if kind == "topics" {
            validate_topic_name(name)?;
            cluster.topic(name).is_some()
        } else {
            name.is_empty() || cluster.brokers().any(|b| b.node_id.to_string() == name)
        };
        if !exists {
            let singular = kind.strip_suffix('s').unwrap_or(kind);
            output.out(format!(
                "The {singular} '{name}' doesn't exist and doesn't have dynamic config."
            ));
            return Ok(());
        }
    }
    let entities: Vec<String> = match name {
        Some(name) => vec![name.to_string()],
        None if kind == "topics" => java_hash_map_order(cluster.topics().map(|t| t.name.clone())),
        None => cluster
            .brokers()
            .map(|b| b.node_id.to_string())
            .chain([String::new()])
            .collect(),
    };
    for entity in entities {
        let header = if entity.is_empty() {
            format!("Default configs for {kind} in the cluster are:")
        } else {
            let source = if all { "All" } else { "Dynamic" };
            let singular = kind.strip_suffix('s').unwrap_or(kind);
            format!("{source} configs for {singular} {entity} are:")
        };
        // ConfigCommand prints the header before it asks for the configs.
        output.out(header);
        let lines = if kind == "topics" {
            topic_lines(cluster, &entity, all)?
        } else {
            broker_lines(cluster, &entity, all)?
        };
        for line in lines {
            output.out(line);
        }
    }
    Ok(())
}

fn config_failure(error: ConfigError) -> Failure {
    execution_exception(&ApiError::new(ErrorCode::InvalidConfig, error.to_string()))
}

/// The entry lines of one topic (`getResourceConfig` for a topic resource).
fn topic_lines(cluster: &Cluster, name: &str, all: bool) -> Result<Vec<String>, Failure> {
    validate_topic_name(name)?;
    let Some(topic) = cluster.topic(name) else {
        return Err(execution_exception(&ApiError::bare(
            ErrorCode::UnknownTopicOrPartition,
        )));
    };
    let entries: Vec<ConfigEntry> =
        describe_topic_configs(&cluster.bootstrap_config_store(), &topic.configs)
            .map_err(config_failure)?;
    Ok(format_topic_describe(name, &entries, all)
        .into_iter()
        .skip(1)
        .collect())
}

/// The entry lines of one broker, or of the cluster-wide defaults for `""`.
fn broker_lines(cluster: &mut Cluster, name: &str, all: bool) -> Result<Vec<String>, Failure> {
    let node = broker_node(cluster, name)?;
    let (store, scope) = match node {
        Some(id) => (cluster.broker_config_store(id), BrokerScope::Broker),
        None => (
            cluster.broker_configs().clone(),
            BrokerScope::ClusterDefault,
        ),
    };
    let entries = describe_broker_configs(&store, scope).map_err(config_failure)?;
    Ok(format_broker_describe(node, &entries, all)
        .into_iter()
        .skip(1)
        .collect())
}

/// The order a Java `HashMap<String, …>` iterates its keys (the admin client's topic names):
/// by bucket of `hash ^ (hash >>> 16)` in a table of the size it grew to, then (for keys in one
/// bucket) by name.
fn java_hash_map_order(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.collect();
    let mut capacity: u64 = 16;
    while u64::try_from(names.len())
        .unwrap_or(u64::MAX)
        .saturating_mul(4)
        > capacity * 3
    {
        capacity *= 2;
    }
    let bucket = |name: &str| {
        let hash = name
            .encode_utf16()
            .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)));
        let hash = hash as u32;
        u64::from(hash ^ (hash >> 16)) & (capacity - 1)
    };
    sorting::sort_by(&mut names, |a, b| (bucket(a), a).cmp(&(bucket(b), b)));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_map_order_follows_buckets() {
        // "a".hashCode() = 97 -> bucket 1, "b" -> 2, "c" -> 3 (of 16).
        let order = java_hash_map_order(["c", "a", "b"].into_iter().map(String::from));
        assert_eq!(order, ["a", "b", "c"]);
        // "orders".hashCode() = -1008770331: its bucket of 16 is 10, "t"'s (116) is 4.
        let order = java_hash_map_order(["orders", "t"].into_iter().map(String::from));
        assert_eq!(order, ["t", "orders"]);
    }
}
