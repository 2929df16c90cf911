//! `kafka-topics.sh`: create, list and describe topics, printing what Kafka's `TopicCommand` prints.
//!
//! Errors follow `TopicCommand.mainNoExit`: a failure of the admin call is printed on stdout as
//! `Error while executing topic command : <message>`; a bad command line is printed on stderr.

use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::Output;
use crate::engine::cluster::NewTopic;
use crate::engine::config::{configs_column, describe_topic_configs};
use crate::engine::topic::{self, COLLISION_WARNING};
use crate::engine::{Cluster, TopicInfo};
use std::collections::BTreeMap;

const SPECS: &[OptionSpec] = &[
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
    with_value("partition-size-limit"),
    flag("help"),
    flag("version"),
];

const ACTIONS: [&str; 5] = ["list", "describe", "create", "alter", "delete"];

/// Why a command stopped: a bad command line (stderr) or a failed admin call (stdout).
enum Failure {
    Usage(String),
    Command(String),
}

impl From<options::OptionError> for Failure {
    fn from(error: options::OptionError) -> Self {
        Failure::Usage(error.to_string())
    }
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
    match actions.as_slice() {
        ["create"] => create(cluster, opts, output),
        ["list"] => {
            list(cluster, opts, output);
            Ok(())
        }
        ["describe"] => describe(cluster, opts, output),
        ["alter"] | ["delete"] => Err(Failure::Usage(format!(
            "kafka-topics.sh --{}: not available in the playground yet",
            actions[0]
        ))),
        _ => Err(Failure::Usage(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete"
                .to_string(),
        )),
    }
}

fn create(cluster: &mut Cluster, opts: &ParsedOptions, output: &mut Output) -> Result<(), Failure> {
    let Some(name) = opts.value("topic") else {
        return Err(Failure::Usage(
            "Missing required argument \"[topic]\"".to_string(),
        ));
    };
    let partitions = opts.int::<i32>("partitions")?;
    let replication_factor = opts.int::<i32>("replication-factor")?;
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
    let request = NewTopic {
        name: name.to_string(),
        partitions,
        replication_factor: replication_factor.and_then(|rf| i16::try_from(rf).ok()),
        configs,
    };
    match cluster.create_topic(request) {
        Ok(created) => {
            output.out(format!("Created topic {name}."));
            // Playground departures (e.g. a segment.bytes below Kafka's 1 MiB minimum).
            for warning in created.warnings {
                output.err(warning.message);
            }
        }
        Err(error)
            if opts.has("if-not-exists")
                && error.code == crate::engine::ErrorCode::TopicAlreadyExists => {}
        Err(error) => return Err(Failure::Command(error.message().to_string())),
    }
    Ok(())
}

/// `--config k=v` values; each must contain '='.
fn parse_configs(values: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    values
        .iter()
        .map(|entry| match entry.split_once('=') {
            Some((key, value)) => Ok((key.trim().to_string(), value.trim().to_string())),
            None => Err(Failure::Usage(format!(
                "Invalid topic config: all configs to be added must be in the format \"key=val\" ({entry})."
            ))),
        })
        .collect()
}

/// The topics a `--list` or `--describe` is about, in name order (`TopicCommand.getTopics`).
fn selected<'a>(cluster: &'a Cluster, opts: &ParsedOptions) -> Vec<&'a TopicInfo> {
    cluster
        .topics()
        .filter(|t| opts.value("topic").is_none_or(|wanted| t.name == wanted))
        .filter(|t| !(opts.has("exclude-internal") && topic::is_internal(&t.name)))
        .filter(|t| !opts.has("topics-with-overrides") || !t.configs.is_empty())
        .collect()
}

fn list(cluster: &Cluster, opts: &ParsedOptions, output: &mut Output) {
    for topic in selected(cluster, opts) {
        output.out(topic.name.clone());
    }
}

fn describe(cluster: &Cluster, opts: &ParsedOptions, output: &mut Output) -> Result<(), Failure> {
    let store = cluster.broker_configs();
    let topics = selected(cluster, opts);
    if let Some(wanted) = opts.value("topic") {
        if topics.is_empty() && !opts.has("if-exists") {
            return Err(Failure::Command(format!(
                "Topic '{wanted}' does not exist as expected"
            )));
        }
    }
    for topic in topics {
        let entries = describe_topic_configs(store, &topic.configs)
            .map_err(|e| Failure::Command(e.to_string()))?;
        output.out(describe_topic_line(topic, &configs_column(&entries)));
        if !opts.has("topics-with-overrides") {
            for line in describe_partition_lines(topic) {
                output.out(line);
            }
        }
    }
    Ok(())
}

/// The topic line of `--describe` (`TopicCommand.TopicDescription.printDescription`).
pub fn describe_topic_line(topic: &TopicInfo, configs: &str) -> String {
    format!(
        "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        topic.name,
        topic.id,
        topic.partitions.len(),
        topic.replication_factor(),
        configs
    )
}

/// The partition lines of `--describe` (`TopicCommand.PartitionDescription.printDescription`).
pub fn describe_partition_lines(topic: &TopicInfo) -> Vec<String> {
    let join = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    topic
        .partitions
        .iter()
        .map(|p| {
            let leader = p.leader.map_or("none".to_string(), |id| id.to_string());
            format!(
                "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\tElr: \tLastKnownElr: ",
                topic.name,
                p.partition,
                leader,
                join(&p.replicas),
                join(&p.isr)
            )
        })
        .collect()
}
