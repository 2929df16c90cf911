//! `kafka-leader-election.sh`: elects preferred or unclean leaders, as Kafka 4.1's
//! `org.apache.kafka.tools.LeaderElectionCommand` does through `Admin.electLeaders`.
//!
//! `--election-type preferred|unclean` (any case) and one of `--topic T --partition P`,
//! `--all-topic-partitions` or `--path-to-json-file F` (`{"partitions": [{"topic": "t",
//! "partition": 0}]}`; as with `kafka-delete-records.sh`, the file's content is the command's
//! here-document: `--path-to-json-file /dev/stdin <<EOF … EOF`). Prints
//! `Successfully completed leader election (PREFERRED) for partitions t-0, t-1`,
//! `Valid replica already elected for partitions …` and one `Error completing leader election
//! (…) for partition: t-0: <exception>` line per failure, partitions in `HashSet` order; any
//! failure ends with `N replica(s) could not be elected` on stderr and exit status 1.

use super::java_order::{hash_map_order, topic_partition_hash};
use super::json::decode::{field, int, object, string, Uncaught};
use super::json::Json;
use super::options::{self, flag, with_value, OptionSpec};
use super::Output;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::replication::election::ElectionType;
use crate::engine::sorting;
use crate::engine::Cluster;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("admin.config"),
    with_value("path-to-json-file"),
    with_value("topic"),
    with_value("partition"),
    flag("all-topic-partitions"),
    with_value("election-type"),
    flag("help"),
    flag("version"),
];

const DESCRIPTION: &str = "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.";
/// The election asked for, and its partitions (`None`: every partition).
type Request = (ElectionType, Option<Vec<(String, i32)>>);

const ADMIN_OPERATION: &str = "org.apache.kafka.server.common.AdminOperationException";

pub(super) fn run(
    cluster: &mut Cluster,
    args: &[String],
    input: Option<&str>,
    output: &mut Output,
) {
    let Some(opts) = options::parse_tool_args(args, SPECS, DESCRIPTION, output) else {
        return;
    };
    let request = match validate(&opts, input) {
        Ok(request) => request,
        Err(message) => return output.fail(message),
    };
    let (election, partitions) = request;
    // ElectLeaders goes to the active controller; without one the call times out.
    if let Err(e) = cluster.await_active_controller("electLeaders") {
        return output.fail(format!("{}: {}", e.code.exception_class(), e.message()));
    }
    let results = cluster.elect_leaders(election, partitions);
    report(election, results, output);
}

/// `LeaderElectionCommandOptions.validate` and the partitions to elect (`None`: all).
fn validate(opts: &options::ParsedOptions, input: Option<&str>) -> Result<Request, String> {
    let mut missing = Vec::new();
    if !opts.has("bootstrap-server") {
        missing.push("bootstrap-server");
    }
    if !opts.has("election-type") {
        missing.push("election-type");
    }
    if !missing.is_empty() {
        return Err(format!(
            "Missing required option(s): {}",
            missing.join(", ")
        ));
    }
    let text = opts.value("election-type").unwrap_or_default();
    let election = match text.to_ascii_uppercase().as_str() {
        "PREFERRED" => ElectionType::Preferred,
        "UNCLEAN" => ElectionType::Unclean,
        _ => {
            return Err(format!(
                "Cannot parse argument '{text}' of option election-type"
            ))
        }
    };
    let chosen = ["topic", "all-topic-partitions", "path-to-json-file"]
        .iter()
        .filter(|o| opts.has(o))
        .count();
    if chosen != 1 {
        return Err("One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file".to_string());
    }
    if opts.has("topic") && !opts.has("partition") {
        return Err("Missing required option(s): partition".to_string());
    }
    if !opts.has("topic") && opts.has("partition") {
        return Err("Option partition is only allowed if topic is used".to_string());
    }
    if let Some(topic) = opts.value("topic") {
        let partition = opts
            .int::<i32>("partition")
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        return Ok((election, Some(vec![(topic.to_string(), partition)])));
    }
    if let Some(path) = opts.value("path-to-json-file") {
        let Some(text) = input else {
            return Err(format!("java.nio.file.NoSuchFileException: {path}"));
        };
        let partitions =
            parse_partitions(text).map_err(|(class, message)| format!("{class}: {message}"))?;
        return Ok((election, Some(partitions)));
    }
    Ok((election, None))
}

/// `parseReplicaElectionData`: `{"partitions": [{"topic": …, "partition": …}, …]}`, no duplicates.
fn parse_partitions(text: &str) -> Result<Vec<(String, i32)>, Uncaught> {
    let js = Json::parse(text).ok_or_else(|| {
        (
            ADMIN_OPERATION,
            "Replica election data is empty".to_string(),
        )
    })?;
    object(&js)?;
    let list = js.get("partitions").ok_or_else(|| {
        (
            ADMIN_OPERATION,
            "Replica election data is missing \"partitions\" field".to_string(),
        )
    })?;
    let Json::Array(items) = list else {
        return Err(super::json::decode::mapping(format!(
            "Expected JSON array, received {}",
            list.to_text()
        )));
    };
    let mut partitions: Vec<(String, i32)> = Vec::new();
    for item in items {
        object(item)?;
        partitions.push((
            string(field(item, "topic")?)?,
            int(field(item, "partition")?)?,
        ));
    }
    let mut duplicates: Vec<(String, i32)> = partitions
        .iter()
        .filter(|p| partitions.iter().filter(|q| q == p).count() > 1)
        .cloned()
        .collect();
    sorting::sort(&mut duplicates);
    duplicates.dedup();
    if !duplicates.is_empty() {
        let shown: Vec<String> = hash_map_order(duplicates, |(t, p)| topic_partition_hash(t, *p))
            .iter()
            .map(|(t, p)| format!("{t}-{p}"))
            .collect();
        return Err((
            ADMIN_OPERATION,
            format!(
                "Replica election data contains duplicate partitions: [{}]",
                shown.join(", ")
            ),
        ));
    }
    sorting::sort(&mut partitions);
    Ok(partitions)
}

/// `electLeaders`' report: succeeded, then already elected, then failures.
fn report(
    election: ElectionType,
    results: Vec<((String, i32), Result<(), ApiError>)>,
    output: &mut Output,
) {
    let mut succeeded = Vec::new();
    let mut noop = Vec::new();
    let mut failed = Vec::new();
    for (key, result) in results {
        match result {
            Ok(()) => succeeded.push(key),
            Err(e) if e.code == ErrorCode::ElectionNotNeeded => noop.push(key),
            Err(e) => failed.push((key, e)),
        }
    }
    let names = |keys: Vec<(String, i32)>| -> String {
        hash_map_order(keys, |(t, p)| topic_partition_hash(t, *p))
            .iter()
            .map(|(t, p)| format!("{t}-{p}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !succeeded.is_empty() {
        output.out(format!(
            "Successfully completed leader election ({}) for partitions {}",
            election.name(),
            names(succeeded)
        ));
    }
    if !noop.is_empty() {
        output.out(format!(
            "Valid replica already elected for partitions {}",
            names(noop)
        ));
    }
    if failed.is_empty() {
        return;
    }
    let count = failed.len();
    let failed = hash_map_order(failed, |((t, p), _)| topic_partition_hash(t, *p));
    for ((topic, partition), error) in failed {
        output.out(format!(
            "Error completing leader election ({}) for partition: {topic}-{partition}: {}",
            election.name(),
            error.as_exception()
        ));
    }
    output.fail(format!("{count} replica(s) could not be elected"));
}
