//! Helpers of the log compaction tests (tests/compaction.rs, tests/compaction_files.rs): a
//! compacted topic, batches of keyed records and tombstones, and the log read back from its files.

use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::event::EventKind;
use kafka_playground::engine::log::checkpoint::{parse_offsets, CLEANER_OFFSET_CHECKPOINT};
use kafka_playground::engine::record::{RecordBatch, RecordBatchBuilder};
use kafka_playground::engine::Cluster;
use std::collections::BTreeMap;

pub const SECOND: i64 = 1_000;
/// `log.cleaner.backoff.ms`: the cleaner's first wake is one back-off after start-up.
pub const BACKOFF: i64 = 15 * SECOND;

/// A compacted topic `t` (one partition) with `configs` on top of `cleanup.policy=compact`.
pub fn compacted(configs: &[(&str, &str)]) -> Cluster {
    let mut cluster = super::cluster();
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    all.insert("cleanup.policy".into(), "compact".into());
    for (k, v) in configs {
        all.insert((*k).into(), (*v).into());
    }
    cluster
        .create_topic(NewTopic {
            name: "t".into(),
            configs: all,
            ..NewTopic::default()
        })
        .expect("topic created");
    cluster
}

/// Appends one batch of `(key, value)` records (value `None` is a tombstone), stamped now, as a
/// non-idempotent producer sends it.
pub fn append(cluster: &mut Cluster, records: &[(&str, Option<&str>)]) {
    let now = cluster.now().as_millis();
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    for (key, value) in records {
        builder
            .append(
                now,
                Some(key.as_bytes().to_vec()),
                value.map(|v| v.as_bytes().to_vec()),
                vec![],
            )
            .expect("record");
    }
    cluster
        .append_batch("t", 0, builder.build())
        .expect("append");
}

/// Every segment's batches, by base offset, read from the broker's files.
pub fn segments(cluster: &Cluster) -> Vec<(i64, Vec<RecordBatch>)> {
    let broker = cluster.broker(1).expect("broker 1");
    super::log(cluster, "t", 0)
        .segments()
        .map(|s| {
            let bytes = broker.store.contents(&s.log_path()).expect("segment file");
            (
                s.base_offset,
                RecordBatch::decode_all(bytes).expect("valid batches"),
            )
        })
        .collect()
}

/// (offset, key, value) of every record in the log, in order.
pub fn records(cluster: &Cluster) -> Vec<(i64, String, Option<String>)> {
    let text = |b: &Option<Vec<u8>>| b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned());
    segments(cluster)
        .into_iter()
        .flat_map(|(_, batches)| batches)
        .flat_map(|b| b.into_records())
        .map(|r| (r.offset, text(&r.key).unwrap_or_default(), text(&r.value)))
        .collect()
}

pub fn cleaned_events(cluster: &mut Cluster) -> Vec<EventKind> {
    cluster
        .drain_events()
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| matches!(k, EventKind::LogCleaned { .. }))
        .collect()
}

pub fn checkpoint(cluster: &Cluster) -> BTreeMap<(String, i32), i64> {
    let store = &cluster.broker(1).expect("broker").store;
    let bytes = store
        .contents(CLEANER_OFFSET_CHECKPOINT)
        .expect("the cleaner wrote its checkpoint");
    parse_offsets(CLEANER_OFFSET_CHECKPOINT, bytes).expect("a valid checkpoint")
}

/// Ten rounds of updates of keys k0..k4, one record per batch, so segments of 200 bytes roll
/// every two or three batches; then one more batch to leave a fresh active segment.
pub fn updates(cluster: &mut Cluster, rounds: usize) {
    for round in 0..rounds {
        for k in 0..5 {
            let value = format!("v{round}");
            append(cluster, &[(&format!("k{k}"), Some(&value))]);
        }
    }
}
