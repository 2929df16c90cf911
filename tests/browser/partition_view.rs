//! The partition view's model (issue #10 item 2): every replica's log as segments with its log
//! start offset, high watermark and log end offset, and windows of records read from each
//! replica's own files — records above the high watermark marked as not yet readable.

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::ui::partition_view::{records_window, replica_logs};
use wasm_bindgen_test::*;

fn run(cluster: &mut Cluster, script: &str) {
    let output = run_script(cluster, script);
    assert!(!output.failed, "{script}\n{}", output.stderr());
}

/// `count` keyed records `k<n>:v<n>` from `first` on, through the console producer.
fn produce(cluster: &mut Cluster, first: u32, count: u32, acks: &str) {
    let records: String = (first..first + count)
        .map(|n| format!("k{n}:v{n}\n"))
        .collect();
    run(
        cluster,
        &format!(
            "kafka-console-producer.sh --topic orders --producer-property acks={acks} \
             --property parse.key=true --property key.separator=: <<EOF\n{records}EOF\n"
        ),
    );
}

/// A 3-broker cluster with `orders` (1 partition, RF 3, 200-byte segments) holding 30 records.
fn cluster_with_records() -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions::default());
    run(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3 --config segment.bytes=200\n",
    );
    for round in 0..3 {
        produce(&mut cluster, round * 10, 10, "all");
    }
    run(&mut cluster, "time advance 1s\n");
    cluster
}

#[wasm_bindgen_test]
fn every_replica_shows_the_same_segments_and_offsets_once_caught_up() {
    let cluster = cluster_with_records();
    let replicas = replica_logs(&cluster, "orders", 0);
    assert_eq!(replicas.len(), 3);
    assert_eq!(replicas.iter().filter(|r| r.is_leader).count(), 1);
    for replica in &replicas {
        assert!(replica.in_isr);
        let log = replica
            .log
            .as_ref()
            .expect("a running broker's log is open");
        assert_eq!(
            (log.log_start_offset, log.high_watermark, log.log_end_offset),
            (0, 30, 30),
            "broker {}",
            replica.node_id
        );
        assert!(
            log.segments.len() > 1,
            "200-byte segments roll: {:?}",
            log.segments
        );
        // Segments tile the offsets: each ends where the next begins; only the last is active.
        for pair in log.segments.windows(2) {
            assert_eq!(pair[0].next_offset, pair[1].base_offset);
            assert!(!pair[0].active);
        }
        let last = log.segments.last().expect("segments");
        assert!(last.active);
        assert_eq!(last.next_offset, 30);
        assert_eq!(log.segments.iter().map(|s| s.record_count).sum::<i64>(), 30);
        assert!(log
            .segments
            .iter()
            .all(|s| s.first_timestamp.is_some() || s.record_count == 0));
        assert!(
            log.cleaner.is_none(),
            "a delete-policy log has no clean/dirty halves"
        );
    }
    assert!(replica_logs(&cluster, "orders", 1).is_empty());
    assert!(replica_logs(&cluster, "nope", 0).is_empty());
}

#[wasm_bindgen_test]
fn a_window_of_records_reads_the_replicas_files() {
    let cluster = cluster_with_records();
    let leader = replica_logs(&cluster, "orders", 0)
        .into_iter()
        .find(|r| r.is_leader)
        .expect("a leader")
        .node_id;
    let rows = records_window(&cluster, leader, "orders", 0, 5, 3);
    let shown: Vec<(i64, Option<&str>, Option<&str>, bool)> = rows
        .iter()
        .map(|r| (r.offset, r.key.as_deref(), r.value.as_deref(), r.committed))
        .collect();
    assert_eq!(
        shown,
        [
            (5, Some("k5"), Some("v5"), true),
            (6, Some("k6"), Some("v6"), true),
            (7, Some("k7"), Some("v7"), true)
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r.timestamp_type == "CreateTime" && r.headers.is_empty()));
    // Across segment boundaries and up to the end.
    let tail = records_window(&cluster, leader, "orders", 0, 20, 100);
    assert_eq!(
        tail.iter().map(|r| r.offset).collect::<Vec<_>>(),
        (20..30).collect::<Vec<_>>()
    );
    assert!(records_window(&cluster, leader, "orders", 0, 30, 5).is_empty());
    assert!(records_window(&cluster, 99, "orders", 0, 0, 5).is_empty());
}

#[wasm_bindgen_test]
fn records_above_the_high_watermark_are_marked_and_a_down_broker_has_no_open_log() {
    let mut cluster = cluster_with_records();
    let replicas = replica_logs(&cluster, "orders", 0);
    let leader = replicas
        .iter()
        .find(|r| r.is_leader)
        .expect("a leader")
        .node_id;
    let followers: Vec<i32> = replicas
        .iter()
        .map(|r| r.node_id)
        .filter(|&id| id != leader)
        .collect();
    // Both followers die; until the controller notices they stay in the ISR, so an acks=1
    // record reaches the leader's log but not the high watermark.
    for id in &followers {
        run(&mut cluster, &format!("broker kill {id}\n"));
    }
    produce(&mut cluster, 30, 2, "1");
    let replicas = replica_logs(&cluster, "orders", 0);
    let on_leader = replicas
        .iter()
        .find(|r| r.node_id == leader)
        .expect("leader");
    let log = on_leader.log.as_ref().expect("open");
    assert_eq!((log.high_watermark, log.log_end_offset), (30, 32));
    let rows = records_window(&cluster, leader, "orders", 0, 29, 10);
    assert_eq!(
        rows.iter()
            .map(|r| (r.offset, r.committed))
            .collect::<Vec<_>>(),
        [(29, true), (30, false), (31, false)]
    );
    for id in followers {
        let down = replicas.iter().find(|r| r.node_id == id).expect("replica");
        assert!(down.log.is_none(), "broker {id} is down");
        assert!(records_window(&cluster, id, "orders", 0, 0, 5).is_empty());
    }
}

#[wasm_bindgen_test]
fn a_compacted_log_shows_its_dirty_head() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    run(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 1 --config cleanup.policy=compact --config segment.bytes=200\n",
    );
    produce(&mut cluster, 0, 10, "all");
    let replicas = replica_logs(&cluster, "orders", 0);
    let log = replicas[0].log.as_ref().expect("open");
    let cleaner = log.cleaner.expect("a compacted log has clean/dirty halves");
    assert_eq!(
        cleaner.first_dirty_offset, 0,
        "nothing cleaned yet: all dirty"
    );
    assert!(cleaner.first_uncleanable_offset <= log.log_end_offset);
    assert_eq!(
        cleaner.min_dirty_ratio_ppm, 500_000,
        "min.cleanable.dirty.ratio 0.5"
    );
}
