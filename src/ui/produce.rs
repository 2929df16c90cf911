//! The topic list's "Produce 10 records" button as a store action: it runs
//! `kafka-console-producer.sh` through the command language (`cli::run_script`), so the records
//! go through the same producer (acks=all, retries, waits in simulated time) a learner's script
//! would use, and the page shows what the tool printed.

use super::store::Store;
use crate::cli::run_script;
use crate::engine::Cluster;
use crate::i18n::Message;

/// The records in `topic`'s partitions, as their leaders' log end offsets count them (0 for an
/// offline partition), so a click numbers its records on from what is there.
fn records_in(cluster: &Cluster, topic: &str) -> u64 {
    let Some(topic) = cluster.topic(topic) else {
        return 0;
    };
    topic
        .partitions
        .iter()
        .filter_map(|p| {
            let log = cluster.broker(p.leader?)?.log(&topic.name, p.partition)?;
            u64::try_from(log.log_end_offset()).ok()
        })
        .sum()
}

/// How many records one click produces.
pub const PRODUCE_BATCH: usize = 10;

/// How a produce went: the topic, a one-line summary and the tool's own output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceOutcome {
    pub topic: String,
    /// Nothing failed: every record was acknowledged.
    pub ok: bool,
    /// Said in the page's language where it is shown.
    pub message: Message,
    /// What `kafka-console-producer.sh` printed (its WARN/ERROR log lines), in order.
    pub lines: Vec<String>,
}

/// The script a click runs: `key-N:record-N` lines with `parse.key=true`, so the default
/// partitioner (murmur2 of the key, `BuiltInPartitioner.partitionForKey`) spreads them over the
/// partitions; numbered on from `first` so every click's records are new.
pub fn produce_script(topic: &str, first: u64) -> String {
    let lines: String = (first..first + PRODUCE_BATCH as u64)
        .map(|n| format!("key-{n}:record-{n}\n"))
        .collect();
    format!(
        "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic {topic} \
         --property parse.key=true --property key.separator=: <<EOF\n{lines}EOF\n"
    )
}

/// The script the next click on `topic`'s button runs (and shows in its tooltip).
pub fn next_produce_script(cluster: &Cluster, topic: &str) -> String {
    produce_script(topic, records_in(cluster, topic))
}

impl Store {
    /// Produces a click's records; the script it ran, if it ran one.
    pub(super) fn produce(&mut self, topic: &str) -> Option<String> {
        // Topic names are [a-zA-Z0-9._-] (`Topic.validate`); anything else is not a topic this
        // button can show, and must not reach the shell as words.
        if topic.is_empty()
            || !topic
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return None;
        }
        let script = next_produce_script(&self.cluster(), topic);
        let output = run_script(&mut self.cluster_mut(), &script);
        let failures = output
            .lines
            .iter()
            .filter(|(_, l)| l.contains("Error when sending message"))
            .count();
        let ok = !output.failed && failures == 0;
        let message = if output.failed {
            Message::new("kafka-console-producer.sh failed on {}.", &[&topic])
        } else if failures > 0 {
            Message::new(
                "{} of {} records to {} failed.",
                &[&failures, &PRODUCE_BATCH, &topic],
            )
        } else {
            Message::new(
                "Produced {} records to {} (acks=all).",
                &[&PRODUCE_BATCH, &topic],
            )
        };
        self.produce_outcome = Some(ProduceOutcome {
            topic: topic.to_string(),
            ok,
            message,
            lines: output.lines.into_iter().map(|(_, line)| line).collect(),
        });
        Some(script)
    }
}
