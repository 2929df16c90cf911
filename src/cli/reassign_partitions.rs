//! `kafka-reassign-partitions.sh`: moves partitions between brokers as Kafka 4.1's
//! `org.apache.kafka.tools.reassign.ReassignPartitionsCommand` does through
//! `Admin.alterPartitionReassignments` and `listPartitionReassignments`.
//!
//! Exactly one action: `--generate --topics-to-move-json-file F --broker-list 1,2,3` (a proposal,
//! [`generate`]), `--execute --reassignment-json-file F` (start; prints the current assignment to
//! keep for a rollback), `--verify` (progress), `--cancel` (revert), `--list`. A JSON file is the
//! command's here-document (`--reassignment-json-file /dev/stdin <<EOF … EOF`) or, natively, a
//! real file ([`data::read_file`]). Errors print as the tool's `main` prints them: `Error:
//! <message>` on stdout for an exception, the bare message for its `TerseException`s, and exit
//! status 1. Throttles are accepted and printed as Kafka prints them, but not applied (the
//! playground does not limit replication traffic).

mod data;
mod generate;

use super::java_order::{hash_map_order, string_hash};
use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::Output;
use crate::engine::error::ApiError;
use crate::engine::sorting;
use crate::engine::Cluster;
use data::{Failure, Target};

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("bootstrap-controller"),
    with_value("command-config"),
    flag("generate"),
    flag("execute"),
    flag("verify"),
    with_value("reassignment-json-file"),
    with_value("topics-to-move-json-file"),
    with_value("broker-list"),
    flag("disable-rack-aware"),
    with_value("throttle"),
    with_value("replica-alter-log-dirs-throttle"),
    with_value("timeout"),
    flag("additional"),
    flag("preserve-throttles"),
    flag("cancel"),
    flag("list"),
    flag("help"),
    flag("version"),
];

const DESCRIPTION: &str = "This tool helps to move topic partitions between replicas.";

const ACTIONS: [&str; 5] = ["generate", "execute", "verify", "cancel", "list"];

/// `CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE`.
const EXISTING: &str = "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.";

pub(super) fn run(
    cluster: &mut Cluster,
    args: &[String],
    input: Option<&str>,
    output: &mut Output,
) {
    let Some(opts) = options::parse_tool_args(args, SPECS, DESCRIPTION, output) else {
        return;
    };
    let action = match validate(&opts) {
        Ok(action) => action,
        Err(message) => return output.fail(message),
    };
    let file = |name: &str| data::read_file(opts.value(name).unwrap_or_default(), input);
    let result = match action {
        "generate" => file("topics-to-move-json-file").and_then(|json| {
            let brokers = opts.value("broker-list").unwrap_or_default();
            generate::run(cluster, &json, brokers, output)
        }),
        "execute" => {
            file("reassignment-json-file").and_then(|json| execute(cluster, &opts, &json, output))
        }
        "verify" => file("reassignment-json-file").and_then(|json| verify(cluster, &json, output)),
        "cancel" => file("reassignment-json-file").and_then(|json| cancel(cluster, &json, output)),
        _ => {
            list(cluster, output);
            Ok(())
        }
    };
    if let Err((class, message)) = result {
        // main's catch (Throwable): the message, then the stack trace (its first line here).
        output.out(format!("Error: {message}"));
        output.out(format!("{class}: {message}"));
        if class == "java.nio.file.NoSuchFileException" && input.is_none() {
            output.err(format!(
                "(the playground has no file {message}: give the JSON as a here-document, e.g. `--reassignment-json-file /dev/stdin <<EOF`)"
            ));
        }
        output.failed = true;
    }
}

/// `validateAndParseArgs`: one action, its required options, and nothing it does not permit.
fn validate(opts: &ParsedOptions) -> Result<&'static str, String> {
    let chosen: Vec<&str> = ACTIONS.iter().copied().filter(|a| opts.has(a)).collect();
    let [action] = chosen.as_slice() else {
        return Err(
            "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list"
                .to_string(),
        );
    };
    if opts.has("bootstrap-server") && opts.has("bootstrap-controller") {
        return Err(
            "Please don't specify both --bootstrap-server and --bootstrap-controller".into(),
        );
    }
    let required: &[&str] = match *action {
        "generate" => &["topics-to-move-json-file", "broker-list"],
        "list" => &[],
        _ => &["reassignment-json-file"],
    };
    if let Some(missing) = required.iter().find(|r| !opts.has(r)) {
        return Err(format!("Missing required argument \"[{missing}]\""));
    }
    let permitted: &[&str] = match *action {
        "verify" => &["preserve-throttles"],
        "generate" => &["disable-rack-aware"],
        "execute" => &[
            "additional",
            "throttle",
            "replica-alter-log-dirs-throttle",
            "timeout",
        ],
        "cancel" => &["preserve-throttles", "timeout"],
        _ => &[],
    };
    let common = ["bootstrap-server", "bootstrap-controller", "command-config"];
    for spec in SPECS {
        let name = spec.name;
        if opts.has(name)
            && name != *action
            && !required.contains(&name)
            && !permitted.contains(&name)
            && !common.contains(&name)
        {
            return Err(format!(
                "Option \"[{name}]\" can't be used with action \"[{action}]\""
            ));
        }
    }
    Ok(action)
}

/// `executeAssignment`.
/// AlterPartitionReassignments goes to the active controller; without one the call times out.
fn await_controller(cluster: &mut Cluster, call: &str) -> Result<(), Failure> {
    cluster
        .await_active_controller(call)
        .map_err(|e| (e.code.exception_class(), e.message().to_string()))
}

fn execute(
    cluster: &mut Cluster,
    opts: &ParsedOptions,
    json: &str,
    output: &mut Output,
) -> Result<(), Failure> {
    let targets = data::parse_reassignment(json)?;
    data::check_execute(&targets)?;
    await_controller(cluster, "alterPartitionReassignments")?;
    if !opts.has("additional") && !cluster.list_partition_reassignments().is_empty() {
        output.out(EXISTING);
        output.failed = true;
        return Ok(());
    }
    verify_broker_ids(cluster, &targets)?;
    let current = current_assignment(cluster, &targets)?;
    output.out("Current partition replica assignment");
    output.out("");
    output.out(data::format_reassignment(&current));
    output.out("");
    output.out("Save this to use as the --reassignment-json-file option during rollback");
    let throttle = throttle_value(opts, "throttle")?;
    let dir_throttle = throttle_value(opts, "replica-alter-log-dirs-throttle")?;
    if throttle >= 0 || dir_throttle >= 0 {
        output.out("Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.");
        if throttle >= 0 {
            output.out(format!(
                "The inter-broker throttle limit was set to {throttle} B/s"
            ));
        }
        if dir_throttle >= 0 {
            output.out(format!(
                "The replica-alter-dir throttle limit was set to {dir_throttle} B/s"
            ));
        }
    }
    let mut errors = Vec::new();
    for ((topic, partition), replicas) in &targets {
        if let Err(e) = cluster.alter_partition_reassignment(topic, *partition, Some(replicas)) {
            errors.push(((topic.clone(), *partition), e));
        }
    }
    if !errors.is_empty() {
        terse_errors(output, "Error reassigning partition(s):", errors);
        return Ok(());
    }
    let names = sorted_names(targets.iter().map(|(k, _)| k.clone()).collect());
    output.out(format!(
        "Successfully started partition reassignment{} for {}",
        if targets.len() == 1 { "" } else { "s" },
        names.join(",")
    ));
    Ok(())
}

/// `verifyAssignment`: each partition's state, then (with no reassignment left anywhere) the
/// throttles cleared.
fn verify(cluster: &mut Cluster, json: &str, output: &mut Output) -> Result<(), Failure> {
    let targets = data::parse_reassignment(json)?;
    let mut sorted = targets.clone();
    sorting::sort(&mut sorted);
    sorted.dedup_by(|a, b| a.0 == b.0);
    output.out("Status of partition reassignment:");
    for ((topic, partition), target) in &sorted {
        let info = cluster.partition_info(topic, *partition);
        let line = match info {
            Some(p) if crate::engine::replication::reassignment::in_progress(p) => {
                format!("Reassignment of partition {topic}-{partition} is still in progress.")
            }
            _ => {
                let current = info.map(|p| p.replicas.clone()).unwrap_or_default();
                if &current == target {
                    format!("Reassignment of partition {topic}-{partition} is completed.")
                } else {
                    format!(
                        "There is no active reassignment of partition {topic}-{partition}, but replica set is {} rather than {}.",
                        join(&current),
                        join(target)
                    )
                }
            }
        };
        output.out(line);
    }
    // verifyReplicaMoves prints its (empty) summary: every log dir is "any".
    output.out("");
    if cluster.list_partition_reassignments().is_empty() {
        clear_all_throttles(cluster, &targets, output, "");
    }
    Ok(())
}

/// `cancelAssignment`.
fn cancel(cluster: &mut Cluster, json: &str, output: &mut Output) -> Result<(), Failure> {
    let targets = data::parse_reassignment(json)?;
    await_controller(cluster, "alterPartitionReassignments")?;
    let wanted: Vec<(String, i32)> = targets.iter().map(|(k, _)| k.clone()).collect();
    // Only reassignments that remove replicas or add none are cancelled (the tool's filter).
    let reassigning: Vec<(String, i32)> = cluster
        .list_partition_reassignments()
        .into_iter()
        .filter(|r| wanted.contains(&(r.topic.clone(), r.partition)))
        .filter(|r| r.adding.is_empty() || !r.removing.is_empty())
        .map(|r| (r.topic, r.partition))
        .collect();
    if reassigning.is_empty() {
        output.out("None of the specified partition reassignments are active.");
    } else {
        let mut errors = Vec::new();
        for (topic, partition) in &reassigning {
            if let Err(e) = cluster.alter_partition_reassignment(topic, *partition, None) {
                errors.push(((topic.clone(), *partition), e));
            }
        }
        if !errors.is_empty() {
            let plural = if errors.len() == 1 { "" } else { "s" };
            let header = format!("Error cancelling partition reassignment{plural} for:");
            terse_errors(output, &header, errors);
            return Ok(());
        }
        let names = sorted_names(reassigning.clone());
        output.out(format!(
            "Successfully cancelled partition reassignment{} for: {}",
            if reassigning.len() == 1 { "" } else { "s" },
            names.join(",")
        ));
    }
    // Kafka prints this one without a line break, so the next line follows on it.
    clear_all_throttles(
        cluster,
        &targets,
        output,
        "None of the specified partition moves are active.",
    );
    Ok(())
}

/// `listReassignments` (`curReassignmentsToString`).
fn list(cluster: &Cluster, output: &mut Output) {
    let ongoing = cluster.list_partition_reassignments();
    if ongoing.is_empty() {
        output.out("No partition reassignments found.");
        return;
    }
    output.out("Current partition reassignments:");
    for r in ongoing {
        let mut line = format!(
            "{}-{}: replicas: {}.",
            r.topic,
            r.partition,
            join(&r.replicas)
        );
        if !r.adding.is_empty() {
            line.push_str(&format!(" adding: {}.", join(&r.adding)));
        }
        if !r.removing.is_empty() {
            line.push_str(&format!(" removing: {}.", join(&r.removing)));
        }
        output.out(line);
    }
}

/// `clearAllThrottles`' two lines; `prefix` is what was printed before without a line break.
fn clear_all_throttles(cluster: &Cluster, targets: &[Target], output: &mut Output, prefix: &str) {
    // HashSet<Integer> of small ids iterates in ascending order.
    let mut brokers = live_brokers(cluster);
    brokers.extend(targets.iter().flat_map(|(_, r)| r.iter().copied()));
    sorting::sort(&mut brokers);
    brokers.dedup();
    let mut topics: Vec<String> = targets.iter().map(|((t, _), _)| t.clone()).collect();
    sorting::sort(&mut topics);
    topics.dedup();
    let topics = hash_map_order(topics, |t| string_hash(t));
    output.out(format!(
        "{prefix}Clearing broker-level throttles on broker{} {}",
        if brokers.len() == 1 { "" } else { "s" },
        join(&brokers)
    ));
    output.out(format!(
        "Clearing topic-level throttles on topic{} {}",
        if topics.len() == 1 { "" } else { "s" },
        topics.join(",")
    ));
}

/// `verifyBrokerIds`: every broker named must be a live broker of the cluster
/// (`describeCluster` lists registered, unfenced brokers).
fn verify_broker_ids(cluster: &Cluster, targets: &[Target]) -> Result<(), Failure> {
    let live = live_brokers(cluster);
    let mut named: Vec<i32> = targets
        .iter()
        .flat_map(|(_, r)| r.iter().copied())
        .collect();
    sorting::sort(&mut named);
    match named.into_iter().find(|id| !live.contains(id)) {
        Some(id) => Err((
            "org.apache.kafka.server.common.AdminCommandFailedException",
            format!("Unknown broker id {id}"),
        )),
        None => Ok(()),
    }
}

/// `getReplicaAssignmentForPartitions`: each named partition's current replicas.
fn current_assignment(cluster: &Cluster, targets: &[Target]) -> Result<Vec<Target>, Failure> {
    let mut current = Vec::new();
    let mut missing = Vec::new();
    for ((topic, partition), _) in targets {
        if cluster.topic(topic).is_none() {
            return Err(unknown_topic(topic));
        }
        match cluster.partition_info(topic, *partition) {
            Some(p) => current.push(((topic.clone(), *partition), p.replicas.clone())),
            None => missing.push(format!("{topic}-{partition}")),
        }
    }
    if !missing.is_empty() {
        return Err(execution_exception(format!(
            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Unable to find partition: {}",
            missing.join(", ")
        )));
    }
    Ok(current)
}

/// `describeTopics`' refusal of a missing topic, wrapped in an `ExecutionException`.
pub(super) fn unknown_topic(topic: &str) -> Failure {
    execution_exception(format!(
        "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Topic {topic} not found."
    ))
}

/// An `ExecutionException(cause)`: its message is the cause's `toString`.
fn execution_exception(message: String) -> Failure {
    ("java.util.concurrent.ExecutionException", message)
}

/// The brokers `describeCluster` returns: registered and unfenced, by id.
pub(super) fn live_brokers(cluster: &Cluster) -> Vec<i32> {
    cluster
        .brokers()
        .map(|b| b.node_id)
        .filter(|&id| cluster.is_unfenced(id))
        .collect()
}

/// A `TerseException` of per-partition errors: its message alone, and exit status 1.
fn terse_errors(output: &mut Output, header: &str, mut errors: Vec<((String, i32), ApiError)>) {
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    output.out(header);
    for ((topic, partition), error) in errors {
        output.out(format!("{topic}-{partition}: {}", error.message()));
    }
    output.failed = true;
}

/// `--throttle` and `--replica-alter-log-dirs-throttle` (default -1: none).
fn throttle_value(opts: &ParsedOptions, name: &str) -> Result<i64, Failure> {
    match opts.value(name) {
        None => Ok(-1),
        Some(text) => text.parse().map_err(|_| {
            (
                "joptsimple.OptionArgumentConversionException",
                format!("Cannot parse argument '{text}' of option {name}"),
            )
        }),
    }
}

fn sorted_names(mut keys: Vec<(String, i32)>) -> Vec<String> {
    sorting::sort(&mut keys);
    keys.into_iter().map(|(t, p)| format!("{t}-{p}")).collect()
}

fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}
