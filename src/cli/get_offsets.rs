//! `kafka-get-offsets.sh`: ListOffsets for topic-partitions, printed `topic:partition:offset` as
//! `org.apache.kafka.tools.GetOffsetShell` prints them.
//!
//! Departure: `--topic` and `--topic-partitions` take exact names here, not regular expressions.

use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::Output;
use crate::engine::fetch::OffsetSpec;
use crate::engine::topic::is_internal;
use crate::engine::Cluster;

const SPECS: &[OptionSpec] = &[
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

/// `--partitions 0,2-4`: partition ids and ranges.
fn parse_partitions(text: &str) -> Result<Vec<(i32, i32)>, String> {
    text.split(',')
        .map(|part| {
            let bad = || format!("Invalid partition '{part}' specified in partition list '{text}'");
            match part.split_once('-') {
                Some((from, to)) => Ok((
                    from.trim().parse().map_err(|_| bad())?,
                    to.trim().parse().map_err(|_| bad())?,
                )),
                None => {
                    let p = part.trim().parse().map_err(|_| bad())?;
                    Ok((p, p))
                }
            }
        })
        .collect()
}

fn selected(cluster: &Cluster, opts: &ParsedOptions) -> Result<Vec<(String, i32)>, String> {
    if opts.has("topic-partitions") && (opts.has("topic") || opts.has("partitions")) {
        return Err("--topic-partitions cannot be used with --topic or --partitions".to_string());
    }
    let ranges = match opts.value("partitions") {
        Some(text) => Some(parse_partitions(text)?),
        None => None,
    };
    let wanted = opts.value("topic").or(opts.value("topic-partitions"));
    let selected: Vec<(String, i32)> = cluster
        .topics()
        .filter(|t| wanted.is_none_or(|w| t.name == w))
        .filter(|t| !(opts.has("exclude-internal-topics") && is_internal(&t.name)))
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(move |p| (t.name.clone(), p.partition))
        })
        .filter(|(_, p)| {
            ranges
                .as_ref()
                .is_none_or(|r| r.iter().any(|(a, b)| (*a..=*b).contains(p)))
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
    for (topic, partition) in partitions {
        match cluster.list_offset(&topic, partition, spec) {
            Ok(Some(found)) => output.out(format!("{topic}:{partition}:{}", found.offset)),
            Ok(None) => output.out(format!("{topic}:{partition}:")),
            Err(error) => output.fail(format!("Error occurred: {}", error.as_exception())),
        }
    }
}
