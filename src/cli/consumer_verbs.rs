//! The playground verbs for consumers that run while time passes (docs/CLI.md):
//! `consumer start NAME --group G --topic T[,T…] …`, `consumer stop NAME` (close: commit, then
//! LeaveGroup), `consumer kill NAME` (a crash: the group finds out from the session timeout)
//! and `consumer list`.

use super::playground::report;
use super::topic_filter::IncludeList;
use super::Output;
use crate::engine::client::background_consumer::{
    pattern_source, BackgroundConsumer, BackgroundConsumerSpec,
};
use crate::engine::client::consumer::{ConsumerConfig, GroupProtocol};
use crate::engine::group::assignor::server::ServerAssignor;
use crate::engine::group::assignor::ClientAssignor;
use crate::engine::Cluster;
use std::collections::BTreeMap;

const USAGE: &str = "usage: consumer start NAME --group G (--topic T[,T...] | --include REGEX) [--protocol classic|consumer] [--assignor range|roundrobin|sticky|cooperative-sticky (classic) | uniform|range (consumer)] [--instance-id ID] [--rate N/s] [--from-beginning] [--consumer-property KEY=VALUE] | consumer stop NAME | consumer kill NAME | consumer list";

/// `consumer start|stop|kill|list`.
pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    match args {
        [verb, name, rest @ ..] if verb == "start" => match spec(name, rest) {
            Ok(spec) => {
                let line = format!(
                    "Consumer {name} started: group {}, {} ({}, auto.offset.reset={}).",
                    spec.config.group_id.clone().unwrap_or_default(),
                    match &spec.pattern {
                        Some(pattern) => format!("topics matching {}", pattern_source(pattern)),
                        None => format!("topics {}", spec.topics.join(",")),
                    },
                    protocol_text(&spec.config),
                    reset_name(&spec.config),
                );
                report(cluster.start_consumer(spec).map(|()| line), output);
            }
            Err(message) => output.fail(message),
        },
        [verb, name] if verb == "stop" => {
            let result = cluster.stop_consumer(name).map(|c| {
                let how = match &c.spec.config.group_instance_id {
                    // KIP-345: a static member sends no LeaveGroup.
                    Some(instance) => format!(
                        "as static member {instance} it sent no LeaveGroup: group {} keeps its partitions for it until session.timeout.ms ({} ms) passes",
                        group_of(&c),
                        c.spec.config.session_timeout_ms
                    ),
                    None => format!("and left group {}", group_of(&c)),
                };
                format!(
                    "Consumer {name} stopped: {} records consumed; it committed its position {how}.",
                    c.consumed
                )
            });
            report(result, output);
        }
        [verb, name] if verb == "kill" => {
            let result = cluster.kill_consumer(name).map(|c| {
                format!(
                    "Consumer {name} killed: {} records consumed; group {} finds out when session.timeout.ms ({} ms) passes without a heartbeat.",
                    c.consumed,
                    group_of(&c),
                    c.spec.config.session_timeout_ms
                )
            });
            report(result, output);
        }
        [verb] if verb == "list" => {
            for (name, c) in cluster.background_consumers() {
                let owned: Vec<String> = c
                    .consumer
                    .assignment
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                // A consumer stopped by a fatal error says which (the Java exception).
                let failed = c.consumer.fatal.as_ref().map_or(String::new(), |e| {
                    format!("\tfailed: {}: {e}", e.code.exception_class())
                });
                output.out(format!(
                    "{name}\t{}\t{}\t[{}]\t{} consumed{failed}",
                    group_of(c),
                    c.consumer.topics.join(","),
                    owned.join(", "),
                    c.consumed
                ));
            }
        }
        _ => output.fail(USAGE),
    }
}

/// The protocol and assignor a consumer starts with, by their config names.
fn protocol_text(config: &ConsumerConfig) -> String {
    match config.group_protocol {
        GroupProtocol::Classic => format!(
            "group.protocol=classic, partition.assignment.strategy={}",
            config
                .assignors
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(",")
        ),
        GroupProtocol::Consumer => format!(
            "group.protocol=consumer, group.remote.assignor={}",
            config.remote_assignor.as_deref().unwrap_or("uniform")
        ),
    }
}

fn group_of(c: &BackgroundConsumer) -> String {
    c.spec.config.group_id.clone().unwrap_or_default()
}

fn reset_name(config: &ConsumerConfig) -> &'static str {
    match config.auto_offset_reset {
        crate::engine::client::consumer::AutoOffsetReset::Earliest => "earliest",
        crate::engine::client::consumer::AutoOffsetReset::Latest => "latest",
        crate::engine::client::consumer::AutoOffsetReset::None => "none",
    }
}

/// The options of `consumer start NAME …`, as consumer configs with Kafka's names.
fn spec(name: &str, args: &[String]) -> Result<BackgroundConsumerSpec, String> {
    let mut topics = None;
    let mut pattern = None;
    let mut assignor: Option<String> = None;
    let mut rate = 0;
    let mut props = BTreeMap::new();
    let mut words = args.iter();
    while let Some(flag) = words.next() {
        if flag == "--from-beginning" {
            props.insert("auto.offset.reset".to_string(), "earliest".to_string());
            continue;
        }
        let value = words
            .next()
            .ok_or_else(|| format!("consumer: {flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--group" => {
                props.insert("group.id".to_string(), value.clone());
            }
            "--topic" => {
                topics = Some(
                    value
                        .split(',')
                        .map(str::to_string)
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>(),
                )
            }
            "--include" => {
                let list = IncludeList::new(value).map_err(|e| format!("consumer: {e}"))?;
                let regex = regex_lite::Regex::new(&format!("^(?:{})$", list.regex()))
                    .map_err(|_| format!("consumer: {value} is an invalid regex."))?;
                pattern = Some(regex);
            }
            "--rate" => {
                let number = value.strip_suffix("/s").unwrap_or(value);
                rate = number.parse::<u32>().ok().filter(|&r| r <= 10_000_000).ok_or_else(|| {
                    format!("consumer: invalid --rate '{value}' (records processed per second, e.g. 100/s)")
                })?;
            }
            "--assignor" => assignor = Some(value.clone()),
            "--protocol" => match value.as_str() {
                "classic" | "consumer" => {
                    props.insert("group.protocol".to_string(), value.clone());
                }
                other => {
                    return Err(format!(
                        "consumer: unknown --protocol '{other}' (classic or consumer)"
                    ))
                }
            },
            "--instance-id" => {
                props.insert("group.instance.id".to_string(), value.clone());
            }
            "--consumer-property" => {
                let (key, val) = value.split_once('=').ok_or_else(|| {
                    format!("consumer: --consumer-property '{value}' is not KEY=VALUE")
                })?;
                props.insert(key.to_string(), val.to_string());
            }
            other => return Err(format!("consumer: unknown option {other}\n{USAGE}")),
        }
    }
    let topics = topics.filter(|t| !t.is_empty());
    if topics.is_some() == pattern.is_some() {
        return Err(format!(
            "consumer: exactly one of --topic and --include is required\n{USAGE}"
        ));
    }
    let topics = topics.unwrap_or_default();
    if !props.contains_key("group.id") {
        return Err(format!("consumer: --group is required\n{USAGE}"));
    }
    if let Some(name) = assignor {
        // The classic protocol's client-side assignors; KIP-848's server-side ones.
        if props.get("group.protocol").map(String::as_str) == Some("consumer") {
            ServerAssignor::from_name(&name).map_err(|_| {
                format!("consumer: unknown --assignor '{name}' for --protocol consumer (uniform, range)")
            })?;
            props.insert("group.remote.assignor".to_string(), name);
        } else {
            let assignor = ClientAssignor::from_name(&name).map_err(|_| {
                format!("consumer: unknown --assignor '{name}' (range, roundrobin, sticky, cooperative-sticky)")
            })?;
            props.insert(
                "partition.assignment.strategy".to_string(),
                assignor.name().to_string(),
            );
        }
    }
    let mut config = ConsumerConfig {
        client_id: name.to_string(),
        ..ConsumerConfig::default()
    };
    config.apply(&props).map_err(|e| format!("consumer: {e}"))?;
    Ok(BackgroundConsumerSpec {
        name: name.to_string(),
        topics,
        pattern,
        rate_per_sec: rate,
        config,
    })
}
