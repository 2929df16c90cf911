//! `kafka-get-offsets.sh`: ListOffsets for topic-partitions, printed `topic:partition:offset` as
//! `org.apache.kafka.tools.GetOffsetShell` prints them.
//!
//! `--topic` is a regular expression ([`IncludeList`]); `--topic-partitions` a list of
//! `TOPIC_REGEX[:PARTITIONS]` rules, as `GetOffsetShell.parseRuleSpec` reads them.

use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::topic_filter::IncludeList;
use super::Output;
use crate::engine::fetch::OffsetSpec;
use crate::engine::sorting;
use crate::engine::topic::is_internal;
use crate::engine::Cluster;
use regex_lite::Regex;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("bootstrap-controller"),
    with_value("command-config"),
    with_value("topic"),
    with_value("partitions"),
    with_value("topic-partitions"),
    with_value("time"),
    flag("exclude-internal-topics"),
    flag("help"),
    flag("version"),
];

/// `--time`: -1/latest, -2/earliest, -3/max-timestamp, -4/earliest-local, -5/latest-tiered, or ms.
fn parse_time(text: &str) -> Result<OffsetSpec, String> {
    Ok(match text {
        "-1" | "latest" => OffsetSpec::Latest,
        "-2" | "earliest" => OffsetSpec::Earliest,
        "-3" | "max-timestamp" => OffsetSpec::MaxTimestamp,
        "-4" | "earliest-local" => OffsetSpec::EarliestLocal,
        "-5" | "latest-tiered" => OffsetSpec::LatestTiered,
        other => match other.parse::<i64>() {
            Ok(ms) if ms >= 0 => OffsetSpec::Timestamp(ms),
            _ => return Err(format!("Malformed time argument {other}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp")),
        },
    })
}

/// Which partitions of a topic a rule accepts (`PartitionFilter`).
#[derive(Debug, Clone)]
enum PartitionFilter {
    /// `PartitionsSetFilter`: the listed ids, or every partition for an empty set.
    Set(Vec<i32>),
    /// `UniquePartitionFilter`.
    Unique(i32),
    /// `PartitionRangeFilter`: lower inclusive, upper exclusive.
    Range(i32, i32),
}

impl PartitionFilter {
    fn allows(&self, partition: i32) -> bool {
        match self {
            PartitionFilter::Set(ids) => ids.is_empty() || ids.contains(&partition),
            PartitionFilter::Unique(id) => *id == partition,
            PartitionFilter::Range(lower, upper) => (*lower..*upper).contains(&partition),
        }
    }
}

/// `TopicFilterAndPartitionFilter`; a list of them is a `CompositeTopicPartitionFilter`, which
/// accepts a partition when any rule does.
type Rule = (IncludeList, PartitionFilter);

/// `--partitions 0,2` (`createPartitionSet`): numeric ids only.
fn partition_set(text: Option<&str>) -> Result<Vec<i32>, String> {
    match text {
        None | Some("") => Ok(Vec::new()),
        Some(text) => text
            .split(',')
            .map(|id| id.parse::<i32>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                format!("--partitions expects a comma separated list of numeric partition ids, but received: {text}")
            }),
    }
}

/// One `--topic-partitions` rule (`parseRuleSpec` with `TOPIC_PARTITION_PATTERN`):
/// `topic-regex`, `topic-regex:3`, `:0-3` (upper exclusive), `t:5-`, `t:-3`.
fn parse_rule(spec: &str) -> Result<Rule, String> {
    // Cannot fail: a constant pattern.
    let pattern = Regex::new(r"^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$")
        .map_err(|e| e.to_string())?;
    let captures = pattern
        .captures(spec)
        .ok_or_else(|| format!("Invalid rule specification: {spec}"))?;
    let group = |g: usize| {
        captures
            .get(g)
            .map(|m| m.as_str())
            .filter(|s| !s.is_empty())
    };
    // `Integer.parseInt` of digits that overflow throws NumberFormatException, whose message the
    // tool prints.
    let int = |digits: &str| {
        digits
            .parse::<i32>()
            .map_err(|_| format!("For input string: \"{digits}\""))
    };
    let topics = IncludeList::new(group(1).unwrap_or(".*"))?;
    let partitions = match group(2) {
        Some(id) => PartitionFilter::Unique(int(id)?),
        None => PartitionFilter::Range(
            group(3).map_or(Ok(0), int)?,
            group(4).map_or(Ok(i32::MAX), int)?,
        ),
    };
    Ok((topics, partitions))
}

/// The filter `fetchOffsets` builds from `--topic-partitions`, or from `--topic` and
/// `--partitions`.
fn rules(opts: &ParsedOptions) -> Result<Vec<Rule>, String> {
    if opts.has("topic-partitions") && (opts.has("topic") || opts.has("partitions")) {
        return Err("--topic-partitions cannot be used with --topic or --partitions".to_string());
    }
    match opts.value("topic-partitions") {
        // A bad rule is a `TerseException` wrapped in a `RuntimeException`, whose message is the
        // wrapped exception's `toString`.
        Some(list) => java_split(list)
            .into_iter()
            .map(|spec| {
                parse_rule(spec)
                    .map_err(|message| format!("org.apache.kafka.tools.TerseException: {message}"))
            })
            .collect(),
        None => Ok(vec![(
            IncludeList::new(opts.value("topic").unwrap_or(".*"))?,
            PartitionFilter::Set(partition_set(opts.value("partitions"))?),
        )]),
    }
}

/// `String.split(",")`: trailing empty strings dropped, but a text without a match is itself.
fn java_split(text: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(',').collect();
    if parts.len() > 1 {
        while parts.last() == Some(&"") {
            parts.pop();
        }
    }
    parts
}

/// `listPartitionInfos`: the partitions of the topics any rule allows, that a rule allows.
fn selected(cluster: &Cluster, opts: &ParsedOptions) -> Result<Vec<(String, i32)>, String> {
    let rules = rules(opts)?;
    let exclude_internal = opts.has("exclude-internal-topics");
    let selected: Vec<(String, i32)> = cluster
        .topics()
        .filter(|t| !(exclude_internal && is_internal(&t.name)))
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(move |p| (t.name.clone(), p.partition))
        })
        .filter(|(topic, partition)| {
            rules.iter().any(|(topics, partitions)| {
                topics.is_topic_allowed(topic, false) && partitions.allows(*partition)
            })
        })
        .collect();
    if selected.is_empty() {
        return Err("Could not match any topic-partitions with the specified filters".to_string());
    }
    Ok(selected)
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let opts = match options::parse(args, SPECS) {
        Ok(opts) => opts,
        Err(error) => return output.fail(error.to_string()),
    };
    let spec = match parse_time(opts.value("time").unwrap_or("-1")) {
        Ok(spec) => spec,
        Err(message) => return output.fail(message),
    };
    let partitions = match selected(cluster, &opts) {
        Ok(partitions) => partitions,
        Err(message) => return output.fail(format!("Error occurred: {message}")),
    };
    // `TreeMap<TopicPartition, Long>` ordered by `TopicPartition.toString()`: `t-10` before `t-2`.
    let mut offsets = Vec::new();
    for (topic, partition) in partitions {
        match cluster.list_offset(&topic, partition, spec) {
            Ok(Some(found)) => offsets.push((
                format!("{topic}-{partition}"),
                topic,
                partition,
                found.offset,
            )),
            // `ListOffsetsResponse.UNKNOWN_OFFSET`: the partition is left out.
            Ok(None) => {}
            Err(error) => output.err(format!(
                "Skip getting offsets for topic-partition {topic}-{partition} due to error: {}",
                error.as_exception()
            )),
        }
    }
    sorting::sort(&mut offsets);
    for (_, topic, partition, offset) in offsets {
        output.out(format!("{topic}:{partition}:{offset}"));
    }
}
