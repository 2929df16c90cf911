//! `kafka-console-consumer.sh`: reads records and prints them with `DefaultMessageFormatter`, as
//! `org.apache.kafka.tools.consumer.ConsoleConsumer` does.
//!
//! In a script the tool stops at `--max-messages`, or when it has caught up with the high
//! watermark of every partition it reads (the real tool would wait for more; docs/DEPARTURES.md).
//! Each poll fetches every assigned partition in partition order, up to
//! `max.partition.fetch.bytes` each.
//!
//! With `--group` (or `group.id` in `--consumer-property`) the tool is a member of that consumer
//! group ([`consume_in_group`]): it joins, reads the partitions it is assigned from the group's
//! committed offsets (else from `auto.offset.reset`: `--from-beginning` is `earliest`), and on
//! exit commits exactly what it printed and leaves the group. Without a group it reads every
//! partition directly; Kafka's tool would join a random group `console-consumer-NNNNN` with
//! auto-commit off (docs/DEPARTURES.md).

use super::console_producer::properties;
use super::formatter::{ConsumedRecord, Formatter};
use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::topic_filter::IncludeList;
use super::Output;
use crate::engine::client::consumer::{Consumer, ConsumerConfig, ConsumerRecord};
use crate::engine::client::metadata::fetch_topic_metadata;
use crate::engine::fetch::OffsetSpec;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::Cluster;
use regex_lite::Regex;
use std::collections::BTreeMap;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("command-config"),
    with_value("topic"),
    with_value("include"),
    with_value("partition"),
    with_value("offset"),
    with_value("max-messages"),
    with_value("timeout-ms"),
    with_value("property"),
    with_value("formatter-property"),
    with_value("formatter"),
    with_value("formatter-config"),
    with_value("consumer-property"),
    with_value("command-property"),
    with_value("consumer.config"),
    with_value("group"),
    with_value("isolation-level"),
    with_value("key-deserializer"),
    with_value("value-deserializer"),
    flag("from-beginning"),
    flag("skip-message-on-error"),
    flag("enable-systest-events"),
    flag("help"),
    flag("version"),
];

/// Where reading starts in each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Earliest,
    Latest,
    At(i64),
}

/// `ConsoleConsumerOptions.checkRequiredArgs` and the start it implies.
fn start_position(opts: &ParsedOptions) -> Result<(Start, Option<i32>), String> {
    if opts.has("topic") == opts.has("include") {
        return Err("Exactly one of include/topic is required.".to_string());
    }
    if opts.has("offset") && !opts.has("partition") {
        return Err("The partition is required when offset is specified.".to_string());
    }
    if opts.has("from-beginning") && opts.has("offset") {
        return Err("Options from-beginning and offset cannot be specified together.".to_string());
    }
    let partition = opts.int::<i32>("partition").map_err(|e| e.to_string())?;
    let start = match opts.value("offset") {
        None if opts.has("from-beginning") => Start::Earliest,
        None => Start::Latest,
        Some("earliest") => Start::Earliest,
        Some("latest") => Start::Latest,
        Some(text) => match text.parse::<i64>() {
            Ok(offset) if offset >= 0 => Start::At(offset),
            _ => {
                return Err(format!(
                    "The provided offset value '{text}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."
                ))
            }
        },
    };
    Ok((start, partition))
}

/// Runs the tool; with `job` (its command line, typed with `&`) it keeps consuming as a shell
/// job (`cli::jobs`) instead of until it has caught up.
pub(super) fn run(
    cluster: &mut Cluster,
    args: &[String],
    job: Option<&[String]>,
    output: &mut Output,
) {
    let opts = match options::parse(args, SPECS) {
        Ok(opts) => opts,
        Err(error) => return output.fail(error.to_string()),
    };
    let setup = start_position(&opts).and_then(|(start, partition)| {
        let max_messages = opts.int::<i64>("max-messages").map_err(|e| e.to_string())?;
        let mut props = properties(opts.values("property"))?;
        props.extend(properties(opts.values("formatter-property"))?);
        Ok((start, partition, max_messages, props))
    });
    let (start, partition, max_messages, formatter_props) = match setup {
        Ok(setup) => setup,
        Err(message) => return output.fail(message),
    };
    let consumer_props = match consumer_properties(&opts) {
        Ok(props) => props,
        Err(message) => return output.fail(message),
    };
    if consumer_props.contains_key("group.id") && partition.is_some() {
        return output.fail("Options group and partition cannot be specified together.");
    }
    let source = match opts.value("include") {
        Some(raw) => match IncludeList::new(raw).and_then(|list| {
            Regex::new(&format!("^(?:{})$", list.regex())).map_err(|e| e.to_string())
        }) {
            Ok(pattern) => Source::Pattern(pattern),
            Err(message) => return output.fail(message),
        },
        None => {
            let topic = opts.value("topic").unwrap_or_default();
            match topic_source(cluster, topic, partition, output) {
                Some(source) => source,
                None => return,
            }
        }
    };
    let consumer = match new_consumer(cluster, source, start, consumer_props, &opts) {
        Ok(consumer) => consumer,
        Err(message) => return output.fail(message),
    };
    if let Some(command) = job {
        return super::jobs::start(cluster, consumer, command, formatter_props, max_messages);
    }
    let formatter = Formatter::from_properties(&formatter_props);
    let limits = Limits {
        max_messages,
        timeout_ms: opts
            .int::<i64>("timeout-ms")
            .ok()
            .flatten()
            .filter(|&t| t >= 0),
    };
    let printed = consume(cluster, consumer, limits, &formatter, output);
    output.err(format!("Processed a total of {printed} messages"));
}

/// What the tool reads: a topic (one partition of it with `--partition`), or the topics
/// matching `--include`.
enum Source {
    Topic { topic: String, partitions: Vec<i32> },
    Pattern(Regex),
}

/// `--topic`: its metadata (auto-creating it, with the client's warning while it has no
/// leader) and the partitions to read.
fn topic_source(
    cluster: &mut Cluster,
    topic: &str,
    partition: Option<i32>,
    output: &mut Output,
) -> Option<Source> {
    let metadata = match fetch_topic_metadata(cluster, topic, true) {
        Ok(metadata) => metadata,
        Err(error) => {
            output.fail(error.as_exception());
            return None;
        }
    };
    if let Some(error) = metadata.first_error {
        let message = format!(
            "[Consumer clientId=console-consumer, groupId=console-consumer] Error while fetching metadata with correlation id 2 : {{{topic}={}}}",
            error.name()
        );
        output.err(super::log4j::line(
            cluster.now().as_millis(),
            "WARN",
            &message,
            "org.apache.kafka.clients.NetworkClient",
        ));
    }
    let partitions: Vec<i32> = match partition {
        Some(p) if (0..metadata.partition_count).contains(&p) => vec![p],
        Some(p) => {
            output.fail(format!(
                "Partition {p} of topic {topic} does not exist: it has partitions 0 to {}",
                metadata.partition_count - 1
            ));
            return None;
        }
        None => (0..metadata.partition_count).collect(),
    };
    Some(Source::Topic {
        topic: topic.to_string(),
        partitions,
    })
}

/// The consumer properties (`--consumer-property`, alias `--command-property`) with `--group`
/// as `group.id`, refused when they name different groups (`checkConsumerGroup`).
fn consumer_properties(opts: &ParsedOptions) -> Result<BTreeMap<String, String>, String> {
    let mut props = properties(opts.values("consumer-property"))?;
    props.extend(properties(opts.values("command-property"))?);
    if let Some(group) = opts.value("group") {
        match props.get("group.id") {
            Some(other) if other != group => {
                return Err(format!(
                    "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: '{group}', '{other}'"
                ))
            }
            _ => {
                props.insert("group.id".to_string(), group.to_string());
            }
        }
    }
    Ok(props)
}

/// The tool's consumer: a member of the group when one is given (it subscribes), otherwise
/// reading `partitions` directly from `start` (the departure of docs/DEPARTURES.md).
fn new_consumer(
    cluster: &mut Cluster,
    source: Source,
    start: Start,
    mut props: BTreeMap<String, String>,
    opts: &ParsedOptions,
) -> Result<Consumer, String> {
    // ConsoleConsumerOptions.setAutoOffsetResetValue: --from-beginning is earliest.
    match props.get("auto.offset.reset") {
        None => {
            let reset = if opts.has("from-beginning") { "earliest" } else { "latest" };
            props.insert("auto.offset.reset".to_string(), reset.to_string());
        }
        Some(reset) if opts.has("from-beginning") && reset != "earliest" => {
            return Err(format!(
                "Can't simultaneously specify --from-beginning and 'auto.offset.reset={reset}', please remove one option"
            ))
        }
        Some(_) => {}
    }
    let mut config = ConsumerConfig {
        client_id: "console-consumer".to_string(),
        ..ConsumerConfig::default()
    };
    config.apply(&props)?;
    let in_group = config.group_id.is_some();
    let mut consumer = match source {
        Source::Pattern(pattern) => Consumer::with_pattern(cluster, config, pattern),
        Source::Topic { topic, partitions } => {
            let mut consumer = Consumer::new(cluster, config, vec![topic.clone()]);
            if !in_group {
                consumer.assignment = partitions
                    .iter()
                    .map(|&p| TopicPartition::new(topic.clone(), p))
                    .collect();
            }
            consumer
        }
    };
    if !in_group {
        for tp in consumer.assignment.clone() {
            let spec = match start {
                Start::Earliest => OffsetSpec::Earliest,
                Start::Latest | Start::At(_) => OffsetSpec::Latest,
            };
            let bound = cluster
                .list_offset(&tp.topic, tp.partition, spec)
                .ok()
                .flatten()
                .map_or(0, |o| o.offset);
            // An explicit offset past the end waits at the end, as the console consumer's seek.
            let position = match start {
                Start::At(offset) => offset.min(bound),
                _ => bound,
            };
            consumer.seek(tp, position);
        }
    }
    Ok(consumer)
}

/// When the tool stops besides being caught up.
#[derive(Debug, Clone, Copy)]
struct Limits {
    max_messages: Option<i64>,
    timeout_ms: Option<i64>,
}

/// Without `--timeout-ms`, a line never waits longer than this without a record.
const IDLE_LIMIT_MS: i64 = 600_000;

/// Polls and prints until `--max-messages`, `--timeout-ms` without a record, or caught up
/// (below); a group member then commits exactly what it printed and leaves. Returns how many
/// records were printed.
fn consume(
    cluster: &mut Cluster,
    mut consumer: Consumer,
    limits: Limits,
    formatter: &Formatter,
    output: &mut Output,
) -> i64 {
    let mut printed = 0;
    let mut printed_to: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    let mut last_record_ms = cluster.now().as_millis();
    let reached_max = |printed: i64| limits.max_messages.is_some_and(|max| printed >= max);
    while !reached_max(printed) {
        let records = match consumer.poll(cluster) {
            Ok(records) => records,
            Err(error) => {
                output.fail(super::log4j::line(
                    cluster.now().as_millis(),
                    "ERROR",
                    "Unknown error when running consumer: ",
                    "org.apache.kafka.tools.consumer.ConsoleConsumer",
                ));
                output.err(error.as_exception());
                break;
            }
        };
        let now = cluster.now().as_millis();
        for record in &records {
            if reached_max(printed) {
                break;
            }
            output.out(record_line(formatter, record));
            printed += 1;
            printed_to.insert(
                TopicPartition::new(record.topic.clone(), record.partition),
                record.offset + 1,
            );
            last_record_ms = now;
        }
        if !records.is_empty() {
            continue;
        }
        let idle = now - last_record_ms;
        // Caught up: the departure of DESIGN.md — with --max-messages it waits while a
        // playground producer can still bring more.
        let waits_for_more =
            limits.max_messages.is_some() && !cluster.background_producers().is_empty();
        let done = match limits.timeout_ms {
            Some(timeout) => idle >= timeout,
            None => (caught_up(cluster, &consumer) && !waits_for_more) || idle >= IDLE_LIMIT_MS,
        };
        if done {
            break;
        }
        // Wait as the consumer would: a fetch held up to fetch.max.wait.ms, or less while
        // the group is settling.
        let mut wake = now + consumer.config.fetch_max_wait_ms;
        if consumer.is_settling() {
            wake = wake.min(now + 10);
        }
        if let Some(next) = consumer.next_wakeup() {
            wake = wake.min(next.max(now + 1));
        }
        if let Some(timeout) = limits.timeout_ms {
            wake = wake.min(last_record_ms + timeout).max(now + 1);
        }
        cluster.advance_time(wake - now);
    }
    if consumer.membership.is_some() {
        // ConsoleConsumer commits what it printed (DESIGN.md: exactly that), then closes.
        let _ = consumer.commit_sync(cluster, printed_to);
        consumer.leave_group(cluster, "the consumer is being closed");
    }
    printed
}

/// Every partition it reads read up to its high watermark — for a group member, once it is in
/// a stable generation.
fn caught_up(cluster: &Cluster, consumer: &Consumer) -> bool {
    if consumer.membership.is_some() && (consumer.is_settling() || !consumer.is_member()) {
        return false;
    }
    consumer.assignment.iter().all(|tp| {
        let end = cluster
            .list_offset(&tp.topic, tp.partition, OffsetSpec::Latest)
            .ok()
            .flatten()
            .map_or(0, |o| o.offset);
        consumer.positions.get(tp).is_some_and(|&p| p >= end)
    })
}

/// A record as the tool prints it (`DefaultMessageFormatter`), without the line separator the
/// output adds back.
pub(super) fn record_line(formatter: &Formatter, record: &ConsumerRecord) -> String {
    let line = formatter.format(&ConsumedRecord {
        timestamp_type: record.timestamp_type.name(),
        timestamp: record.timestamp,
        partition: record.partition,
        offset: record.offset,
        headers: &record.headers,
        key: record.key.as_deref(),
        value: record.value.as_deref(),
    });
    match line.strip_suffix('\n') {
        Some(line) => line.to_string(),
        None => line,
    }
}
