//! `kafka-topics.sh`: create, list, describe, alter (add partitions) and delete topics, printing
//! what Kafka's `TopicCommand` prints.
//!
//! Errors follow `TopicCommand` (Kafka 4.1, `tools/.../TopicCommand.java`): a failure of the admin
//! call or of the command's own checks is printed on stdout as
//! `Error while executing topic command : <message>`; a bad command line (jopt-simple's errors,
//! `checkArgs`, `checkRequiredArgs`, `checkInvalidArgs`) is printed on stderr. `--alter` and
//! `--delete` print nothing when they succeed. `--topic` names one topic exactly (Kafka also
//! reads it as a regular expression outside `--create`; the playground does not).

use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::topic_filter::IncludeList;
use super::Output;
use crate::engine::cluster::NewTopic;
use crate::engine::config::value::parse_java_integer;
use crate::engine::config::{
    configs_column, describe_topic_configs, validate_topic_configs, ConfigEntry, Strictness,
    TopicConfigs,
};
use crate::engine::sorting;
use crate::engine::topic::{self, COLLISION_WARNING};
use crate::engine::{Cluster, ErrorCode, PartitionInfo, TopicInfo};
use std::collections::BTreeMap;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("command-config"),
    flag("list"),
    flag("create"),
    flag("delete"),
    flag("alter"),
    flag("describe"),
    with_value("topic"),
    with_value("topic-id"),
    with_value("config"),
    with_value("delete-config"),
    with_value("partitions"),
    with_value("replication-factor"),
    with_value("replica-assignment"),
    flag("under-replicated-partitions"),
    flag("unavailable-partitions"),
    flag("under-min-isr-partitions"),
    flag("at-min-isr-partitions"),
    flag("topics-with-overrides"),
    flag("if-exists"),
    flag("if-not-exists"),
    flag("exclude-internal"),
    with_value("partition-size-limit-per-response"),
    flag("help"),
    flag("version"),
];

const ACTIONS: [&str; 5] = ["list", "describe", "create", "alter", "delete"];

/// The `--describe` filters that show only some partitions (`allReplicationReportOpts`).
const REPORTS: [&str; 4] = [
    "under-replicated-partitions",
    "under-min-isr-partitions",
    "at-min-isr-partitions",
    "unavailable-partitions",
];

/// `checkInvalidArgs`, in its order: each option and the actions it may be used with.
const ALLOWED_WITH: &[(&str, &[&str])] = &[
    ("config", &["alter", "create"]),
    ("partitions", &["alter", "create"]),
    ("replication-factor", &["create"]),
    ("replica-assignment", &["alter", "create"]),
    ("under-replicated-partitions", &["describe"]),
    ("under-min-isr-partitions", &["describe"]),
    ("at-min-isr-partitions", &["describe"]),
    ("unavailable-partitions", &["describe"]),
    ("topics-with-overrides", &["describe"]),
    ("if-exists", &["alter", "delete", "describe"]),
    ("if-not-exists", &["create"]),
    ("exclude-internal", &["list", "describe"]),
];

/// Why a command stopped: a bad command line (stderr) or a failed command (stdout).
enum Failure {
    Usage(String),
    Command(String),
}

impl From<options::OptionError> for Failure {
    fn from(error: options::OptionError) -> Self {
        Failure::Usage(error.to_string())
    }
}

fn cannot_combine(option: &str, other: &str) -> Failure {
    Failure::Usage(format!(
        "Option \"[{option}]\" can't be used with option \"[{other}]\""
    ))
}

fn missing(option: &str) -> Failure {
    Failure::Usage(format!("Missing required argument \"[{option}]\""))
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let result = options::parse(args, SPECS)
        .map_err(Failure::from)
        .and_then(|opts| execute(cluster, &opts, output));
    match result {
        Ok(()) => {}
        Err(Failure::Usage(message)) => output.fail(message),
        Err(Failure::Command(message)) => {
            output.out(format!("Error while executing topic command : {message}"));
            output.failed = true;
        }
    }
}

fn execute(
    cluster: &mut Cluster,
    opts: &ParsedOptions,
    output: &mut Output,
) -> Result<(), Failure> {
    let actions: Vec<&str> = ACTIONS.into_iter().filter(|a| opts.has(a)).collect();
    let [action] = actions.as_slice() else {
        return Err(Failure::Usage(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete"
                .to_string(),
        ));
    };
    if opts.has("delete-config") {
        output.err("delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.");
    }
    check_required_args(opts)?;
    check_invalid_args(opts, action)?;
    match *action {
        "create" => create(cluster, opts, output),
        "list" => list(cluster, opts, output),
        "describe" => describe(cluster, opts, output),
        "alter" => alter(cluster, opts),
        _ => delete(cluster, opts),
    }
}

/// `TopicCommandOptions.checkRequiredArgs` (`--bootstrap-server` is accepted and not required).
fn check_required_args(opts: &ParsedOptions) -> Result<(), Failure> {
    let has_topic = opts.has("topic") || opts.has("topic-id");
    if opts.has("describe") && opts.has("if-exists") && !has_topic {
        return Err(Failure::Usage(
            "--topic or --topic-id is required to describe a topic".to_string(),
        ));
    }
    if !opts.has("list") && !opts.has("describe") && !opts.has("topic") {
        return Err(missing("topic"));
    }
    if opts.has("alter") {
        if opts.has("config") {
            return Err(Failure::Usage(
                "Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)"
                    .to_string(),
            ));
        }
        if !opts.has("partitions") {
            return Err(missing("partitions"));
        }
    }
    Ok(())
}

/// `TopicCommandOptions.checkInvalidArgs`.
fn check_invalid_args(opts: &ParsedOptions, action: &str) -> Result<(), Failure> {
    for (option, allowed) in ALLOWED_WITH {
        if opts.has(option) && !allowed.contains(&action) {
            return Err(cannot_combine(option, action));
        }
        if *option == "replica-assignment" && action == "create" && opts.has(option) {
            for other in ["partitions", "replication-factor"] {
                if opts.has(other) {
                    return Err(cannot_combine(option, other));
                }
            }
        }
        if REPORTS.contains(option) && opts.has(option) && opts.has("topics-with-overrides") {
            return Err(cannot_combine(option, "topics-with-overrides"));
        }
    }
    Ok(())
}

fn create(cluster: &mut Cluster, opts: &ParsedOptions, output: &mut Output) -> Result<(), Failure> {
    let name = opts.value("topic").unwrap_or_default();
    let partitions = opts.int::<i32>("partitions")?;
    let replication_factor = opts.int::<i32>("replication-factor")?;
    let assignment = replica_assignment(opts)?;
    let configs = parse_configs(opts.values("config"))?;
    if topic::has_collision_chars(name) {
        output.out(COLLISION_WARNING);
    }
    // TopicCommand.createTopic checks these before calling the admin client.
    if replication_factor.is_some_and(|rf| !(1..=i32::from(i16::MAX)).contains(&rf)) {
        return Err(Failure::Command(
            "The replication factor must be between 1 and 32767 inclusive".to_string(),
        ));
    }
    if partitions.is_some_and(|p| p < 1) {
        return Err(Failure::Command(
            "The partitions must be greater than 0".to_string(),
        ));
    }
    // KafkaAdminClient.createTopics refuses a name it cannot put in a request.
    if name.is_empty() {
        return Err(Failure::Command(
            "The given topic name '' cannot be represented in a request.".to_string(),
        ));
    }
    await_controller(cluster, "createTopics")?;
    let result = match assignment {
        Some(assignment) => cluster.create_topic_with_assignment(name, &assignment, configs),
        None => cluster.create_topic(NewTopic {
            name: name.to_string(),
            partitions,
            replication_factor: replication_factor.and_then(|rf| i16::try_from(rf).ok()),
            configs,
        }),
    };
    match result {
        Ok(created) => {
            // Each broker resolves the new logs over its own dynamic layer.
            cluster.apply_topic_configs(name);
            output.out(format!("Created topic {name}."));
            // Playground departures (e.g. a segment.bytes below Kafka's 1 MiB minimum).
            for warning in created.warnings {
                output.err(warning.message);
            }
        }
        Err(error) if opts.has("if-not-exists") && error.code == ErrorCode::TopicAlreadyExists => {}
        Err(error) => return Err(Failure::Command(error.message().to_string())),
    }
    Ok(())
}

/// `--alter --topic T --partitions N [--replica-assignment …]` (`TopicService.alterTopic`): every
/// topic the pattern matches grows to N partitions; the assignment lists every partition, and only
/// the entries past a topic's existing ones are sent. Like `createPartitions(...).all().get()`,
/// every topic is tried and the first failure is the one reported.
fn alter(cluster: &mut Cluster, opts: &ParsedOptions) -> Result<(), Failure> {
    let count = opts
        .int::<i32>("partitions")?
        .ok_or_else(|| missing("partitions"))?;
    let assignment = replica_assignment(opts)?;
    parse_configs(opts.values("config"))?;
    await_controller(cluster, "createPartitions")?;
    let mut first_error = None;
    for (name, existing) in existing_topics(cluster, opts)? {
        let new_assignment: Option<Vec<Vec<i32>>> = assignment
            .as_ref()
            .map(|lists| lists.iter().skip(existing).cloned().collect());
        if let Err(error) = cluster.create_partitions(&name, count, new_assignment.as_deref()) {
            first_error.get_or_insert(Failure::Command(error.message().to_string()));
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Brokers forward topic changes to the active controller (KIP-590); without one, the admin
/// call waits for one and times out.
fn await_controller(cluster: &mut Cluster, call: &str) -> Result<(), Failure> {
    cluster
        .await_active_controller(call)
        .map_err(|e| Failure::Command(e.message().to_string()))
}

/// `--delete --topic T` (`TopicService.deleteTopic`): every topic the pattern matches.
fn delete(cluster: &mut Cluster, opts: &ParsedOptions) -> Result<(), Failure> {
    await_controller(cluster, "deleteTopics")?;
    let mut first_error = None;
    for (name, _) in existing_topics(cluster, opts)? {
        if let Err(error) = cluster.delete_topic(&name) {
            first_error.get_or_insert(Failure::Command(error.message().to_string()));
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// The topics an alter or delete is about, with their partition counts: those `--topic` matches
/// (`getTopics`, internal topics included), which must not be none unless `--if-exists`
/// (`ensureTopicExists`).
fn existing_topics(
    cluster: &Cluster,
    opts: &ParsedOptions,
) -> Result<Vec<(String, usize)>, Failure> {
    let topics = selected(cluster, opts)?;
    ensure_topic_exists(&topics, opts)?;
    Ok(topics
        .into_iter()
        .map(|t| (t.name.clone(), t.partitions.len()))
        .collect())
}

/// `TopicCommand.ensureTopicExists`. Kafka 4.1 formats the `Optional` itself into the message, so
/// the name prints as `Optional[t]`; the playground prints what Kafka prints.
fn ensure_topic_exists(found: &[&TopicInfo], opts: &ParsedOptions) -> Result<(), Failure> {
    match opts.value("topic") {
        Some(requested) if !requested.is_empty() && !opts.has("if-exists") && found.is_empty() => {
            Err(Failure::Command(format!(
                "Topic 'Optional[{requested}]' does not exist as expected"
            )))
        }
        _ => Ok(()),
    }
}

/// `--replica-assignment` as `TopicCommand.parseReplicaAssignment` reads it: partitions separated
/// by ',', replicas by ':'. `None` for an absent or empty option.
fn replica_assignment(opts: &ParsedOptions) -> Result<Option<Vec<Vec<i32>>>, Failure> {
    match opts.value("replica-assignment") {
        None | Some("") => Ok(None),
        Some(text) => parse_replica_assignment(text).map(|a| (!a.is_empty()).then_some(a)),
    }
}

fn parse_replica_assignment(text: &str) -> Result<Vec<Vec<i32>>, Failure> {
    let mut partitions: Vec<Vec<i32>> = Vec::new();
    for (index, list) in java_split(text, ',').into_iter().enumerate() {
        let brokers = java_split(list, ':')
            .into_iter()
            .map(java_parse_int)
            .collect::<Result<Vec<i32>, Failure>>()?;
        let mut duplicates: Vec<i32> = brokers
            .iter()
            .enumerate()
            .filter(|(i, b)| brokers[..*i].contains(b))
            .map(|(_, b)| *b)
            .collect();
        sorting::sort(&mut duplicates);
        duplicates.dedup();
        if !duplicates.is_empty() {
            let listed: Vec<String> = duplicates.iter().map(i32::to_string).collect();
            return Err(Failure::Command(format!(
                "Partition replica lists may not contain duplicate entries: {}",
                listed.join(",")
            )));
        }
        if partitions
            .first()
            .is_some_and(|first| first.len() != brokers.len())
        {
            let listed: Vec<String> = brokers.iter().map(i32::to_string).collect();
            return Err(Failure::Command(format!(
                "Partition {index} has different replication factor: [{}]",
                listed.join(", ")
            )));
        }
        partitions.push(brokers);
    }
    Ok(partitions)
}

/// Java's `String.split` on one character: trailing empty pieces are dropped.
fn java_split(text: &str, separator: char) -> Vec<&str> {
    let mut pieces: Vec<&str> = text.split(separator).collect();
    while pieces.len() > 1 && pieces.last() == Some(&"") {
        pieces.pop();
    }
    if pieces == [""] && text.contains(separator) {
        pieces.clear();
    }
    pieces
}

/// `Integer.parseInt(s.trim())`, with `NumberFormatException`'s message.
fn java_parse_int(text: &str) -> Result<i32, Failure> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    parse_java_integer(trimmed, i32::MIN.into(), i32::MAX.into())
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| Failure::Command(format!("For input string: \"{trimmed}\"")))
}

/// `--config k=v` values (`parseTopicConfigsToBeAdded`): each must split into a key and a value
/// around '=', and the set must pass `LogConfig.validate`, before anything is sent.
fn parse_configs(values: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut configs = BTreeMap::new();
    for entry in values {
        let pieces: Vec<&str> = java_split(entry, '=');
        let [key, value] = pieces.as_slice() else {
            return Err(Failure::Command(
                "requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\"."
                    .to_string(),
            ));
        };
        configs.insert(key.trim().to_string(), value.trim().to_string());
    }
    validate_topic_configs(Strictness::Playground, &configs, &TopicConfigs::default())
        .map_err(|e| Failure::Command(e.to_string()))?;
    Ok(configs)
}

/// The topics `--topic` matches, in name order (`TopicService.getTopics`): all of them without it;
/// internal ones left out with `--exclude-internal`.
fn selected<'a>(cluster: &'a Cluster, opts: &ParsedOptions) -> Result<Vec<&'a TopicInfo>, Failure> {
    let exclude_internal = opts.has("exclude-internal");
    let filter = opts
        .value("topic")
        .map(IncludeList::new)
        .transpose()
        .map_err(Failure::Command)?;
    Ok(cluster
        .topics()
        .filter(|t| match &filter {
            Some(filter) => filter.is_topic_allowed(&t.name, exclude_internal),
            None => !(exclude_internal && topic::is_internal(&t.name)),
        })
        .collect())
}

/// `listTopics` prints the names joined by newlines with one `println`, so no topic is one empty
/// line.
fn list(cluster: &Cluster, opts: &ParsedOptions, output: &mut Output) -> Result<(), Failure> {
    let names: Vec<&str> = selected(cluster, opts)?
        .into_iter()
        .map(|t| t.name.as_str())
        .collect();
    // `TopicService.listTopics` prints the names joined with '\n' in one `println`: with no
    // topic that is one empty line, as the real tool prints.
    if names.is_empty() {
        output.out("");
    }
    for name in names {
        output.out(name);
    }
    Ok(())
}

/// `TopicService.describeTopic` with `DescribeOptions`: the topic line unless a report filter is
/// given (and, with `--topics-with-overrides`, only for topics with a non-default config), the
/// partition lines unless `--topics-with-overrides`, filtered by the report options.
fn describe(cluster: &Cluster, opts: &ParsedOptions, output: &mut Output) -> Result<(), Failure> {
    let store = cluster.bootstrap_config_store();
    let topics = selected(cluster, opts)?;
    ensure_topic_exists(&topics, opts)?;
    let reporting = REPORTS.iter().any(|r| opts.has(r));
    let overrides_only = opts.has("topics-with-overrides");
    // The live brokers of DescribeCluster: registered and not fenced.
    let live: Vec<i32> = cluster
        .brokers()
        .map(|b| b.node_id)
        .filter(|&id| cluster.is_unfenced(id))
        .collect();
    for topic in topics {
        let entries = describe_topic_configs(&store, &topic.configs)
            .map_err(|e| Failure::Command(e.to_string()))?;
        if !reporting && (!overrides_only || entries.iter().any(|e| !e.is_default())) {
            output.out(describe_topic_line(topic, &configs_column(&entries)));
        }
        if overrides_only {
            continue;
        }
        let min_isr = min_insync_replicas(&entries);
        let lines = describe_partition_lines(topic);
        for (partition, line) in topic.partitions.iter().zip(lines) {
            if !reporting || reported(opts, partition, min_isr, &live) {
                output.out(line);
            }
        }
    }
    Ok(())
}

/// `PartitionDescription.minIsrCount`: the topic's effective `min.insync.replicas`.
fn min_insync_replicas(entries: &[ConfigEntry]) -> usize {
    entries
        .iter()
        .find(|e| e.name == "min.insync.replicas")
        .and_then(|e| e.value.as_deref())
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// Whether a report option asks for this partition (`DescribeOptions.shouldPrint…`).
fn reported(opts: &ParsedOptions, p: &PartitionInfo, min_isr: usize, live: &[i32]) -> bool {
    let leaderless = p.leader.is_none_or(|l| !live.contains(&l));
    (opts.has("under-replicated-partitions") && p.isr.len() < p.replicas.len())
        || (opts.has("unavailable-partitions") && leaderless)
        || (opts.has("under-min-isr-partitions") && (p.leader.is_none() || p.isr.len() < min_isr))
        || (opts.has("at-min-isr-partitions") && p.isr.len() == min_isr)
}

/// The topic line of `--describe` (`TopicCommand.TopicDescription.printDescription`).
pub fn describe_topic_line(topic: &TopicInfo, configs: &str) -> String {
    format!(
        "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        topic.name,
        topic.id,
        topic.partitions.len(),
        describe_replication_factor(topic),
        configs
    )
}

/// `TopicCommand.getReplicationFactor`: the first partition's replicas, without those a
/// reassignment in progress is adding.
fn describe_replication_factor(topic: &TopicInfo) -> usize {
    topic.partitions.first().map_or(0, |p| {
        if crate::engine::replication::reassignment::in_progress(p) {
            p.replicas.len().saturating_sub(p.adding_replicas.len())
        } else {
            p.replicas.len()
        }
    })
}

/// The partition lines of `--describe` (`TopicCommand.PartitionDescription.printDescription`).
pub fn describe_partition_lines(topic: &TopicInfo) -> Vec<String> {
    let join = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    topic
        .partitions
        .iter()
        .map(|p| {
            let leader = p.leader.map_or("none".to_string(), |id| id.to_string());
            // During a reassignment, after Isr (`PartitionDescription.printDescription`).
            let reassignment = if crate::engine::replication::reassignment::in_progress(p) {
                format!(
                    "\tAdding Replicas: {}\tRemoving Replicas: {}",
                    join(&p.adding_replicas),
                    join(&p.removing_replicas)
                )
            } else {
                String::new()
            };
            format!(
                "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}{}\tElr: {}\tLastKnownElr: {}",
                topic.name,
                p.partition,
                leader,
                join(&p.replicas),
                join(&p.isr),
                reassignment,
                join(&p.elr),
                join(&p.last_known_elr)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_split_drops_trailing_empties() {
        assert_eq!(java_split("1,2,", ','), ["1", "2"]);
        assert_eq!(java_split(",1", ','), ["", "1"]);
        assert_eq!(java_split(",", ','), Vec::<&str>::new());
        assert_eq!(java_split("", ','), [""]);
        assert_eq!(java_split("1:", ':'), ["1"]);
    }

    #[test]
    fn assignments_parse_as_topic_command_does() {
        let parsed = parse_replica_assignment("1:2, 2 :3").ok();
        assert_eq!(parsed, Some(vec![vec![1, 2], vec![2, 3]]));
        let message = |text| match parse_replica_assignment(text) {
            Err(Failure::Command(m)) => m,
            _ => String::new(),
        };
        assert_eq!(message("1,x"), "For input string: \"x\"");
        assert_eq!(message("1,,2"), "For input string: \"\"");
        assert_eq!(
            message("2:1:2:1"),
            "Partition replica lists may not contain duplicate entries: 1,2"
        );
        assert_eq!(
            message("1,1:2"),
            "Partition 1 has different replication factor: [1, 2]"
        );
    }
}
