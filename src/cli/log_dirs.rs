//! `kafka-log-dirs.sh --describe`: each broker's log dir and the size of every partition in it,
//! as Kafka 4.1's `org.apache.kafka.tools.LogDirsCommand` prints them through
//! `Admin.describeLogDirs`.
//!
//! Two lines, then the JSON on one line, written by Jackson from `HashMap`s, so members come in
//! `HashMap` order (`{"brokers":[{"broker":1,"logDirs":[{"partitions":[…],"error":null,
//! "logDir":"…"}]}],"version":1}`) and partitions in `TopicPartition` hash order. `size` is the
//! log's bytes (`UnifiedLog.size`, every segment's `.log`), `offsetLag` is
//! `max(highWatermark − logEndOffset, 0)` for a current replica (`ReplicaManager.getLogEndOffsetLag`),
//! `isFuture` is false (no replica is moving between log dirs).

use super::java_order::{hash_map_order, topic_partition_hash};
use super::json::Json;
use super::options::{self, flag, with_value, OptionSpec, ParsedOptions};
use super::Output;
use crate::engine::broker::Broker;
use crate::engine::sorting::CollectBTree;
use crate::engine::Cluster;
use std::collections::BTreeSet;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("command-config"),
    flag("describe"),
    with_value("topic-list"),
    with_value("broker-list"),
    flag("help"),
    flag("version"),
];

const DESCRIPTION: &str = "This tool helps to query log directory usage on the specified brokers.";

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let Some(opts) = options::parse_tool_args(args, SPECS, DESCRIPTION, output) else {
        return;
    };
    if !opts.has("describe") {
        return output.fail("Missing required argument \"[describe]\"");
    }
    let topics: BTreeSet<&str> = split_list(&opts, "topic-list").collect_set();
    let mut input_brokers = BTreeSet::new();
    for id in split_list(&opts, "broker-list") {
        match id.parse::<i32>() {
            Ok(id) => input_brokers.insert(id),
            // Integer.valueOf's NumberFormatException, caught by mainNoExit.
            Err(_) => return output.fail(format!("For input string: \"{id}\"")),
        };
    }
    let cluster_brokers: BTreeSet<i32> = cluster.brokers().map(|b| b.node_id).collect_set();
    let missing: Vec<i32> = input_brokers
        .difference(&cluster_brokers)
        .copied()
        .collect();
    if !missing.is_empty() {
        return output.fail(format!(
            "ERROR: The given brokers do not exist from --broker-list: {}. Current existent brokers: {}",
            joined(missing.iter()),
            joined(cluster_brokers.iter())
        ));
    }
    let queried: Vec<i32> = if input_brokers.is_empty() {
        cluster_brokers.into_iter().collect()
    } else {
        input_brokers.into_iter().collect()
    };
    output.out("Querying brokers for log directories information");
    output.out(format!(
        "Received log directory information from brokers {}",
        joined(queried.iter())
    ));
    let brokers = queried
        .iter()
        .filter_map(|id| cluster.broker(*id))
        .map(|broker| broker_json(broker, &topics))
        .collect();
    let json = Json::Object(vec![
        ("brokers".to_string(), Json::Array(brokers)),
        ("version".to_string(), number(1)),
    ]);
    output.out(json.to_text());
}

/// `splitAtCommasAndFilterOutEmpty`.
fn split_list<'a>(opts: &'a ParsedOptions, name: &str) -> impl Iterator<Item = &'a str> {
    opts.value(name)
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
}

/// Node ids joined by ','; a `HashSet<Integer>` of small ids iterates in ascending order.
fn joined<'a>(ids: impl Iterator<Item = &'a i32>) -> String {
    ids.map(i32::to_string).collect::<Vec<_>>().join(",")
}

fn number(n: impl ToString) -> Json {
    Json::Number(n.to_string())
}

/// One broker: its one log dir, with the partitions of the listed topics (all without a list).
fn broker_json(broker: &Broker, topics: &BTreeSet<&str>) -> Json {
    let logs: Vec<_> = broker
        .logs()
        .filter(|log| topics.is_empty() || topics.contains(log.topic()))
        .collect();
    let partitions = hash_map_order(logs, |log| {
        topic_partition_hash(log.topic(), log.partition())
    })
    .into_iter()
    .map(|log| {
        let offset_lag = (log.high_watermark() - log.log_end_offset()).max(0);
        Json::Object(vec![
            (
                "partition".to_string(),
                Json::String(format!("{}-{}", log.topic(), log.partition())),
            ),
            ("size".to_string(), number(log.size_in_bytes())),
            ("offsetLag".to_string(), number(offset_lag)),
            ("isFuture".to_string(), Json::Bool(false)),
        ])
    })
    .collect();
    let log_dir = Json::Object(vec![
        ("partitions".to_string(), Json::Array(partitions)),
        ("error".to_string(), Json::Null),
        ("logDir".to_string(), Json::String(broker.log_dir.clone())),
    ]);
    Json::Object(vec![
        ("broker".to_string(), number(broker.node_id)),
        ("logDirs".to_string(), Json::Array(vec![log_dir])),
    ])
}
