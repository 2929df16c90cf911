//! `kafka-delete-records.sh`: moves partitions' log start offsets, as Kafka 4.1's
//! `org.apache.kafka.tools.DeleteRecordsCommand` does through `Admin.deleteRecords`.
//!
//! The JSON names partitions and offsets (`{"partitions": [{"topic": "t", "partition": 0,
//! "offset": 5}], "version": 1}`; offset -1 means the high watermark). The playground has no
//! files to read, so the file's content comes from the command's here-document:
//! `--offset-json-file /dev/stdin <<EOF … EOF` (exactly what bash does with that line; any
//! other path with a here-document reads the here-document too).
//!
//! Output is the tool's: `Executing records delete operation`, `Records delete operation
//! completed:`, then per partition `partition: t-0\tlow_watermark: 5` or `partition: t-0\terror:
//! <exception>` (the exception the admin client builds from the response's error code, with
//! its default message: `DeleteRecordsResponse` carries no message), in `HashMap` order, and exit
//! status 0 even when a partition failed. Input problems end the tool as Kafka's uncaught
//! exceptions do: `Exception in thread "main" <class>: <message>` on stderr, exit status 1.

use super::java_order::{hash_map_order, topic_partition_hash};
use super::json::decode::{field, int, long, mapping, object, string, Uncaught};
use super::json::Json;
use super::options::{self, flag, with_value, OptionSpec};
use super::Output;
use crate::engine::error::ErrorCode;
use crate::engine::Cluster;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("offset-json-file"),
    with_value("command-config"),
    flag("help"),
    flag("version"),
];

const DESCRIPTION: &str =
    "This tool helps to delete records of the given partitions down to the specified offset.";
/// `default.api.timeout.ms`: how long the admin client looks for an unknown partition's leader.
const DEFAULT_API_TIMEOUT_MS: i64 = 60_000;

/// Errors after which the admin client looks the leader up again rather than failing.
const RETRIED: [ErrorCode; 3] = [
    ErrorCode::UnknownTopicOrPartition,
    ErrorCode::LeaderNotAvailable,
    ErrorCode::NotLeaderOrFollower,
];

const ADMIN_OPERATION: &str = "org.apache.kafka.server.common.AdminOperationException";
const ADMIN_COMMAND_FAILED: &str = "org.apache.kafka.server.common.AdminCommandFailedException";

pub(super) fn run(
    cluster: &mut Cluster,
    args: &[String],
    input: Option<&str>,
    output: &mut Output,
) {
    let Some(opts) = options::parse_tool_args(args, SPECS, DESCRIPTION, output) else {
        return;
    };
    let Some(path) = opts.value("offset-json-file") else {
        return output.fail("Missing required argument \"[offset-json-file]\"");
    };
    let Some(text) = input else {
        return output.fail(format!(
            "Exception in thread \"main\" java.nio.file.NoSuchFileException: {path}"
        ));
    };
    let offsets = match parse_offsets(text).and_then(refuse_duplicates) {
        Ok(offsets) => offsets,
        Err((class, message)) => {
            return output.fail(format!("Exception in thread \"main\" {class}: {message}"))
        }
    };
    output.out("Executing records delete operation");
    let mut timed_out = false;
    let mut results = Vec::new();
    for ((topic, partition), offset) in offsets {
        let result = cluster.delete_records(&topic, partition, offset);
        let line = match result {
            Ok(low_watermark) => format!("low_watermark: {low_watermark}"),
            // PartitionLeaderStrategy retries a partition whose leader it cannot find (unknown,
            // leaderless, or stale metadata) until the admin client's timeout.
            Err(e) if RETRIED.contains(&e.code) => {
                timed_out = true;
                "error: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: deleteRecords(api=METADATA)".to_string()
            }
            Err(e) => format!(
                "error: {}: {}",
                e.code.exception_class(),
                e.code.default_message()
            ),
        };
        results.push(((topic, partition), line));
    }
    if timed_out {
        cluster.advance_time(DEFAULT_API_TIMEOUT_MS);
    }
    output.out("Records delete operation completed:");
    for ((topic, partition), line) in
        hash_map_order(results, |((t, p), _)| topic_partition_hash(t, *p))
    {
        output.out(format!("partition: {topic}-{partition}\t{line}"));
    }
}

/// Partitions with every offset the file gave them.
type Offsets = Vec<((String, i32), Vec<i64>)>;
/// Partitions with their one offset.
type Deduplicated = Vec<((String, i32), i64)>;

/// `DeleteRecordsCommand.parseOffsetJsonStringWithoutDedup`: every offset per partition, in
/// the order first seen.
fn parse_offsets(text: &str) -> Result<Offsets, Uncaught> {
    let js = Json::parse(text).ok_or_else(|| {
        (
            ADMIN_OPERATION,
            "The input string is not a valid JSON".to_string(),
        )
    })?;
    object(&js)?;
    let version = match js.get("version") {
        Some(v) => int(v)?,
        None => 1,
    };
    if version != 1 {
        return Err((
            ADMIN_OPERATION,
            format!("Not supported version field value {version}"),
        ));
    }
    let partitions = js
        .get("partitions")
        .ok_or_else(|| (ADMIN_OPERATION, "Missing partitions field".to_string()))?;
    let Json::Array(items) = partitions else {
        return Err(mapping(format!(
            "Expected JSON array, received {}",
            partitions.to_text()
        )));
    };
    let mut offsets: Offsets = Vec::new();
    for item in items {
        object(item)?;
        let topic = string(field(item, "topic")?)?;
        let partition = int(field(item, "partition")?)?;
        let offset = long(field(item, "offset")?)?;
        let key = (topic, partition);
        match offsets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(offset),
            None => offsets.push((key, vec![offset])),
        }
    }
    Ok(offsets)
}

/// `Offset json file contains duplicate topic partitions: t-0,t-1` (a `HashSet`, in its order).
fn refuse_duplicates(offsets: Offsets) -> Result<Deduplicated, Uncaught> {
    let duplicates: Vec<&(String, i32)> = offsets
        .iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|(key, _)| key)
        .collect();
    if !duplicates.is_empty() {
        let names = hash_map_order(duplicates, |(t, p)| topic_partition_hash(t, *p))
            .iter()
            .map(|(t, p)| format!("{t}-{p}"))
            .collect::<Vec<_>>()
            .join(",");
        return Err((
            ADMIN_COMMAND_FAILED,
            format!("Offset json file contains duplicate topic partitions: {names}"),
        ));
    }
    Ok(offsets
        .into_iter()
        .map(|(key, list)| (key, list[0]))
        .collect())
}
