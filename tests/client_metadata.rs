//! Client metadata caches (issue #6, item 5): producers and consumers send to the leader their
//! own metadata cache names, as the Java client's `Metadata` does, so a leader move shows as
//! NOT_LEADER_OR_FOLLOWER from the old leader, a metadata refresh that learns the new one
//! (`Metadata.requestUpdate` from `Sender.completeBatch` / `AbstractFetch`), and a retry; and
//! the cache refreshes every `metadata.max.age.ms` (default 300000, `CommonClientConfigs`)
//! without any error. Kafka's texts: "Got error produce response with correlation id … on
//! topic-partition …, retrying … Error: NOT_LEADER_OR_FOLLOWER" and "Received invalid metadata
//! error in produce request on partition … Going to request metadata update now" (`Sender`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::client::producer::{Producer, ProducerConfig, ProducerRecord};
use kafka_playground::engine::{Cluster, ClusterOptions};
use std::collections::BTreeMap;

fn three_brokers() -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        ..ClusterOptions::default()
    });
    cluster.enable_invariant_checks();
    cluster
}

fn leader(cluster: &Cluster, topic: &str) -> i32 {
    cluster
        .partition_info(topic, 0)
        .and_then(|p| p.leader)
        .expect("a leader")
}

/// A one-partition topic `s` with replication factor 3 whose leader is not its preferred
/// replica: the preferred one was stopped, came back and caught up. Returns (preferred, now).
fn moved_leader_topic(cluster: &mut Cluster) -> (i32, i32) {
    support::run_ok(
        cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic s \
         --partitions 1 --replication-factor 3\n",
    );
    let preferred = leader(cluster, "s");
    support::run_ok(
        cluster,
        &format!("broker stop {preferred}\ntime advance 1s\nbroker start {preferred}\ntime advance 10s\n"),
    );
    let now = leader(cluster, "s");
    assert_ne!(
        now, preferred,
        "the leader moved away from the stopped broker"
    );
    let isr = cluster.partition_info("s", 0).map(|p| p.isr.len());
    assert_eq!(isr, Some(3), "the preferred replica is back in the ISR");
    (preferred, now)
}

const PREFERRED_ELECTION: &str = "kafka-leader-election.sh --bootstrap-server localhost:9092 \
                                  --election-type preferred --all-topic-partitions\n";

fn trace(cluster: &mut Cluster) -> Vec<String> {
    cluster
        .drain_events()
        .iter()
        .map(|e| e.trace_line())
        .collect()
}

/// The trace lines that contain `needle`.
fn lines_with<'a>(lines: &'a [String], needle: &str) -> Vec<&'a String> {
    lines.iter().filter(|l| l.contains(needle)).collect()
}

fn record(value: String) -> ProducerRecord {
    ProducerRecord {
        topic: "s".to_string(),
        value: Some(value.into_bytes()),
        ..ProducerRecord::default()
    }
}

/// Every value in partition 0's log on its leader, in offset order.
fn log_values(cluster: &Cluster) -> Vec<String> {
    let fetched = cluster.fetch("s", 0, 0, i32::MAX).expect("fetch");
    fetched
        .batches
        .iter()
        .flat_map(|b| b.records())
        .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).into_owned())
        .collect()
}

#[test]
fn a_producer_follows_a_leader_move_through_not_leader_refresh_and_retry() {
    let mut cluster = three_brokers();
    let (preferred, old) = moved_leader_topic(&mut cluster);
    let mut producer = Producer::new(&mut cluster, ProducerConfig::default());
    for i in 0..10 {
        producer.send(&mut cluster, record(format!("v{i}")));
    }
    producer.flush(&mut cluster);
    trace(&mut cluster);
    // The leader moves back to the preferred replica; the producer's cache still names `old`,
    // which is alive and answers NOT_LEADER_OR_FOLLOWER.
    let out = run_script(&mut cluster, PREFERRED_ELECTION);
    assert!(!out.failed, "{}", out.stderr());
    assert_eq!(leader(&cluster, "s"), preferred);
    for i in 10..20 {
        producer.send(&mut cluster, record(format!("v{i}")));
    }
    producer.flush(&mut cluster);
    let lines = trace(&mut cluster);
    if std::env::var("SHOW_TRACE").is_ok() {
        eprintln!("{}", lines.join("\n"));
    }
    let client = "producer-1";
    let error = format!("{client} s-0 error NOT_LEADER_OR_FOLLOWER from=b{old}");
    let learned = format!("s-0:{old}->{preferred}]");
    let retry = format!("{client} s-0 retry to=b{preferred} attempt=");
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{}", lines.join("\n")))
    };
    let (e, r, t) = (at(&error), at(&learned), at(&retry));
    assert!(
        e < r && r < t,
        "error, then refresh, then retry:\n{}",
        lines.join("\n")
    );
    assert!(
        lines[r].contains(&format!("{client} metadata refresh via=b"))
            && lines[r].ends_with("(NOT_LEADER_OR_FOLLOWER)"),
        "{}",
        lines[r]
    );
    // Every send acknowledged, and each record in the log exactly once (idempotence keeps a
    // retried batch from being written twice).
    let results = producer.close(&mut cluster);
    assert_eq!(results.len(), 20);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let values = log_values(&cluster);
    let expected: Vec<String> = (0..20).map(|i| format!("v{i}")).collect();
    assert_eq!(values, expected);
    assert!(
        cluster.violations().is_empty(),
        "{:?}",
        cluster.violations()
    );
}

#[test]
fn a_background_producer_keeps_every_acknowledged_record_through_a_leader_move() {
    let mut cluster = three_brokers();
    let (preferred, old) = moved_leader_topic(&mut cluster);
    support::run_ok(
        &mut cluster,
        "producer start p1 --topic s --rate 200/s\ntime advance 2s\n",
    );
    trace(&mut cluster);
    support::run_ok(
        &mut cluster,
        &format!("{PREFERRED_ELECTION}time advance 3s\nproducer stop p1\ntime advance 2s\n"),
    );
    let lines = trace(&mut cluster);
    assert!(
        !lines_with(
            &lines,
            &format!("p1 s-0 error NOT_LEADER_OR_FOLLOWER from=b{old}")
        )
        .is_empty(),
        "{}",
        lines.join("\n")
    );
    assert!(!lines_with(&lines, &format!("p1 s-0 retry to=b{preferred}")).is_empty());
    // Exactly once: no value twice in the log, and every one the producer counted as
    // acknowledged is there.
    let values = log_values(&cluster);
    let mut seen = BTreeMap::new();
    for v in &values {
        *seen.entry(v.clone()).or_insert(0) += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "a duplicate in {values:?}");
    let stats = cluster.background_producers().get("p1").map(|p| p.stats);
    if let Some(stats) = stats {
        assert_eq!(stats.failed, 0);
        assert_eq!(values.len() as u64, stats.acknowledged);
    }
    assert!(
        cluster.violations().is_empty(),
        "{:?}",
        cluster.violations()
    );
}

#[test]
fn a_consumer_follows_a_leader_move() {
    let mut cluster = three_brokers();
    let (preferred, old) = moved_leader_topic(&mut cluster);
    support::run_ok(
        &mut cluster,
        "producer start p1 --topic s --rate 100/s\n\
         consumer start c1 --group g --topic s --from-beginning\n\
         time advance 5s\n",
    );
    trace(&mut cluster);
    support::run_ok(
        &mut cluster,
        &format!("{PREFERRED_ELECTION}time advance 3s\nproducer stop p1\ntime advance 5s\n"),
    );
    let lines = trace(&mut cluster);
    let error = format!("c1 s-0 error NOT_LEADER_OR_FOLLOWER from=b{old}");
    assert!(
        !lines_with(&lines, &error).is_empty(),
        "{}",
        lines.join("\n")
    );
    let refresh = lines_with(&lines, "c1 metadata refresh");
    assert!(
        refresh
            .iter()
            .any(|l| l.contains(&format!("s-0:{old}->{preferred}]"))),
        "{refresh:?}"
    );
    assert!(!lines_with(&lines, &format!("c1 s-0 retry to=b{preferred}")).is_empty());
    // The consumer read everything the partition holds.
    let consumed = cluster
        .background_consumers()
        .get("c1")
        .map(|c| c.consumed)
        .unwrap_or_default();
    assert_eq!(consumed, log_values(&cluster).len() as u64);
}

#[test]
fn the_cache_refreshes_every_metadata_max_age_ms_without_an_error() {
    // No invariant checks: eleven minutes of steps are slow to check in a debug build.
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 3,
        ..ClusterOptions::default()
    });
    support::run_ok(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic s \
         --partitions 1 --replication-factor 3\n\
         producer start p1 --topic s --rate 1/s\n\
         consumer start c1 --group g --topic s --consumer-property metadata.max.age.ms=2000\n",
    );
    let start = cluster.now().as_millis();
    trace(&mut cluster);
    support::run_ok(&mut cluster, "time advance 11m\n");
    let lines = trace(&mut cluster);
    // The producer: metadata.max.age.ms's default, 300000 ms after its first metadata (its
    // first record, one second in at 1/s) — two refreshes in 11 minutes.
    let producer: Vec<i64> = lines_with(&lines, "p1 metadata refresh")
        .iter()
        .map(|l| {
            l.split(' ')
                .next()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(producer.len(), 2, "{producer:?}");
    assert!(
        producer[0] >= start + 300_000 && producer[0] <= start + 301_000,
        "{:?}",
        producer.iter().map(|t| t - start).collect::<Vec<_>>()
    );
    assert!(producer[1] - producer[0] >= 300_000 && producer[1] - producer[0] <= 301_000);
    assert!(lines_with(&lines, "p1 metadata refresh")
        .iter()
        .all(|l| l.ends_with("leaders=[] (metadata.max.age.ms)")));
    // The consumer with metadata.max.age.ms=2000: one refresh every two seconds or so.
    let consumer = lines_with(&lines, "c1 metadata refresh");
    assert!(consumer.len() >= 250, "{}", consumer.len());
    assert!(consumer
        .iter()
        .all(|l| l.ends_with("(metadata.max.age.ms)")));
    assert!(lines_with(&lines, " error ").is_empty(), "no client errors");
    assert!(lines_with(&lines, " retry ").is_empty(), "no retries");
}

#[test]
fn metadata_max_age_ms_is_checked_as_kafka_checks_it() {
    let mut config = ProducerConfig::default();
    assert_eq!(config.metadata_max_age_ms, 300_000);
    let props = BTreeMap::from([("metadata.max.age.ms".to_string(), "x".to_string())]);
    assert_eq!(
        config.apply(&props),
        Err(
            "Invalid value x for configuration metadata.max.age.ms: Not a number of type LONG"
                .to_string()
        )
    );
    let props = BTreeMap::from([("metadata.max.age.ms".to_string(), "1000".to_string())]);
    assert_eq!(config.apply(&props), Ok(()));
    assert_eq!(config.metadata_max_age_ms, 1000);
}

/// The same story as a `kplay` script, as a person would run it (docs/TRACE.md shows these
/// lines): with seed 0 partition `s-0`'s replicas are [1,2,3], so stopping broker 1 moves the
/// leader to 2, and the preferred election moves it back while `p1` still sends to 2.
const LEADER_MOVE_SCRIPT: &str = "\
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic s --partitions 1 --replication-factor 3
broker stop 1
time advance 1s
broker start 1
time advance 10s
producer start p1 --topic s --rate 100/s
time advance 2s
kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions
time advance 2s
producer stop p1
";

#[test]
fn a_kplay_script_shows_the_error_the_refresh_and_the_retry() {
    let out = support::kplay(&["--brokers", "3", "--trace", "-"], LEADER_MOVE_SCRIPT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| l.split(' ').nth(1) == Some("p1"))
        .map(|l| l.split_once(' ').map_or("", |x| x.1).to_string())
        .collect();
    let first = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    let error = first("p1 s-0 error NOT_LEADER_OR_FOLLOWER from=b2");
    let refresh = lines
        .iter()
        .position(|l| l.contains("leaders=[s-0:2->1] (NOT_LEADER_OR_FOLLOWER)"));
    let retry = first("p1 s-0 retry to=b1 attempt=2");
    assert!(
        error.is_some() && error < refresh && refresh <= retry,
        "{}",
        lines.join("\n")
    );
}
