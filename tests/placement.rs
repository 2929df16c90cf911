//! Replica placement as Kafka 4.1's KRaft controller does it: `ReplicationControlManager` asks
//! `StripedReplicaPlacer.place(PlacementSpec(startPartition, partitions, replicationFactor),
//! ClusterDescriber)` for every new topic and every `CreatePartitions`, over the usable brokers in
//! node id order (no racks). The placer's `java.util.Random` is seeded from the cluster seed
//! (docs/DEPARTURES.md), saved with the cluster and continued by a `kplay --data-dir` restart.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/placement_fixture.rs"]
mod placement_fixture;
mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::java_random::JavaRandom;
use kafka_playground::engine::placement::{placer_seed, unfenced_brokers, StripedReplicaPlacer};
use kafka_playground::engine::{Cluster, ClusterOptions};
use support::{kplay, TempDir};

fn new_cluster(brokers: i32, seed: u64) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers,
        seed,
        ..ClusterOptions::default()
    })
}

/// Every partition's replica list of `topic`, in partition order.
fn replicas(cluster: &Cluster, topic: &str) -> Vec<Vec<i32>> {
    cluster
        .topic(topic)
        .unwrap_or_else(|| panic!("topic {topic}"))
        .partitions
        .iter()
        .map(|p| p.replicas.clone())
        .collect()
}

fn lists(text: &str) -> Vec<Vec<i32>> {
    text.split(' ')
        .map(|list| list.split(',').map(|id| id.parse().expect("id")).collect())
        .collect()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Creates, a manual assignment, a refused create and an `--alter --partitions` on seed 7.
const SCRIPT: &str = "kafka-topics.sh --create --topic a --partitions 6\n\
    kafka-topics.sh --create --topic b --partitions 3 --replication-factor 3\n\
    kafka-topics.sh --create --topic c --replica-assignment 1:2,2:3\n\
    kafka-topics.sh --create --topic d --replication-factor 4\n\
    kafka-topics.sh --create --topic e --partitions 4 --replication-factor 2\n\
    kafka-topics.sh --alter --topic a --partitions 9\n";

/// Golden placements from Kafka's own algorithm on the JDK's own generator: `RackList` of
/// `StripedReplicaPlacer` (Kafka 4.1) transcribed into a Java program and run with
/// `new java.util.Random(placer_seed(seed))` (JDK 17), one `place` per create. Independent of the
/// Rust port of both the placer and `java.util.Random`.
#[test]
fn topic_creation_places_replicas_as_kafkas_placer_does() {
    let mut cluster = new_cluster(3, 7);
    let output = run_script(&mut cluster, SCRIPT);
    assert!(output.stdout().contains(
        "Error while executing topic command : Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
    ), "{}", output.stdout());
    assert_eq!(replicas(&cluster, "a")[..6], lists("1 2 3 2 1 3"));
    assert_eq!(replicas(&cluster, "b"), lists("1,2,3 2,3,1 3,1,2"));
    assert_eq!(replicas(&cluster, "c"), lists("1,2 2,3"));
    assert!(cluster.topic("d").is_none());
    // The refused create still drew its starting offsets, as Kafka's `place` builds the
    // `RackList` before it checks the replication factor.
    assert_eq!(replicas(&cluster, "e"), lists("2,3 3,1 1,2 1,2"));
    // `--alter --partitions 9`: three new partitions, placed afresh (Kafka 4.1's placer does not
    // continue from the existing ones).
    assert_eq!(replicas(&cluster, "a")[6..], lists("1 2 3"));

    let mut five = new_cluster(5, 42);
    let output = run_script(
        &mut five,
        "kafka-topics.sh --create --topic t --partitions 12 --replication-factor 3\n\
         kafka-topics.sh --create --topic u --partitions 7 --replication-factor 2\n\
         kafka-topics.sh --alter --topic t --partitions 16\n",
    );
    assert!(!output.failed, "{}", output.stdout());
    // Twelve partitions on five brokers: the stripes are shuffled after the fifth and tenth.
    assert_eq!(
        replicas(&five, "t"),
        lists("1,2,3 2,3,4 3,4,5 4,5,1 5,1,2 1,4,3 4,3,2 3,2,5 2,5,1 5,1,4 3,4,5 4,5,1 3,4,5 4,5,1 5,1,2 1,2,3")
    );
    assert_eq!(replicas(&five, "u"), lists("2,3 3,4 4,5 5,1 1,2 2,3 3,4"));
    // Leaders are the first replicas, every replica in sync, and each replica's broker has the log.
    for topic in five.topics() {
        for p in &topic.partitions {
            assert_eq!(p.leader, p.replicas.first().copied());
            assert_eq!(p.isr, p.replicas);
            for id in &p.replicas {
                let broker = five.broker(*id).expect("a broker");
                assert!(broker.log(&topic.name, p.partition).is_some());
            }
        }
    }
}

/// The cluster's placements equal the port's placer stepped through the same calls from the
/// same derived seed: explicit assignments draw nothing, a refused create draws.
#[test]
fn the_cluster_steps_one_placer_through_every_create() {
    for seed in [0, 1, 7, 99, u64::MAX] {
        let mut cluster = new_cluster(3, seed);
        let output = run_script(&mut cluster, SCRIPT);
        assert!(output.failed, "d is refused");
        let mut placer = StripedReplicaPlacer::new(JavaRandom::new(placer_seed(seed)));
        let brokers = unfenced_brokers(1..=3);
        let mut place = |partitions, factor| placer.place(partitions, factor, &brokers);
        let a = place(6, 1).expect("a");
        assert_eq!(
            replicas(&cluster, "b"),
            place(3, 3).expect("b"),
            "seed {seed}"
        );
        assert!(place(1, 4).is_err());
        assert_eq!(
            replicas(&cluster, "e"),
            place(4, 2).expect("e"),
            "seed {seed}"
        );
        let grown: Vec<Vec<i32>> = a.into_iter().chain(place(3, 1).expect("a+3")).collect();
        assert_eq!(replicas(&cluster, "a"), grown, "seed {seed}");
    }
}

#[test]
fn the_same_seed_places_the_same_way_and_ids_do_not_move() {
    let describe = |brokers: i32, seed: u64| {
        let mut cluster = new_cluster(brokers, seed);
        let script = format!("{SCRIPT}kafka-topics.sh --describe\n");
        run_script(&mut cluster, &script).stdout()
    };
    assert_eq!(describe(3, 5), describe(3, 5));
    // The seed matters: across a few seeds, topic a is not always placed alike.
    let placements: std::collections::BTreeSet<Vec<Vec<i32>>> = (0..8)
        .map(|seed| {
            let mut cluster = new_cluster(3, seed);
            run_script(
                &mut cluster,
                "kafka-topics.sh --create --topic a --partitions 4\n",
            );
            replicas(&cluster, "a")
        })
        .collect();
    assert!(placements.len() > 1, "{placements:?}");
    // The placer draws from its own generator, never the cluster's: topic ids of replication
    // factor 1 topics are the same on one broker and on three.
    let ids = |brokers| {
        let mut cluster = new_cluster(brokers, 3);
        run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic x --partitions 5\n\
             kafka-topics.sh --create --topic y --partitions 2\n",
        );
        cluster.topics().map(|t| t.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(1), ids(3));
}

/// A script split over two `kplay --data-dir` runs places every replica where the whole script
/// run at once places it: the placer's generator is saved and resumed.
#[test]
fn a_data_dir_restart_continues_the_placement_sequence() {
    let (first, second) = (
        "kafka-topics.sh --create --topic a --partitions 5 --replication-factor 2\n\
         kafka-topics.sh --create --topic b --partitions 3\n",
        "kafka-topics.sh --create --topic c --partitions 4 --replication-factor 3\n\
         kafka-topics.sh --alter --topic a --partitions 8\n\
         kafka-topics.sh --create --topic d --partitions 6\n\
         kafka-topics.sh --describe\n",
    );
    let whole = kplay(&["--seed", "11"], &format!("{first}{second}"));
    assert_eq!(whole.status.code(), Some(0));
    let dir = TempDir::new("placement");
    let one = kplay(&["--seed", "11", "--data-dir", dir.arg()], first);
    assert_eq!(one.status.code(), Some(0));
    let split = kplay(&["--data-dir", dir.arg()], second);
    assert_eq!(split.status.code(), Some(0), "{}", stdout(&split));
    let expected = stdout(&whole).replacen("Created topic a.\nCreated topic b.\n", "", 1);
    assert_eq!(stdout(&split), expected);
    // The describe shows placements that differ from a fresh start's: the sequence went on.
    let fresh = kplay(&["--seed", "11"], second);
    assert_ne!(stdout(&fresh), expected);
    assert!(expected.contains("Replicas: "), "{expected}");
}

/// The replica lists of a `--describe`'s partition lines, in order.
fn described_replicas(text: &str) -> Vec<Vec<i32>> {
    text.lines()
        .filter_map(|line| line.split("\tReplicas: ").nth(1))
        .map(|rest| {
            let list = rest.split('\t').next().unwrap_or_default();
            list.split(',').map(|id| id.parse().expect("id")).collect()
        })
        .collect()
}

/// A metadata file from before the placer was saved (version 1, no `placerRandom`) still loads;
/// the placer then starts as a new cluster's would.
#[test]
fn a_version_1_metadata_file_starts_the_placer_afresh() {
    let create = "kafka-topics.sh --create --topic a --partitions 4\n";
    let next = "kafka-topics.sh --create --topic b --partitions 4\n\
                kafka-topics.sh --describe --topic b\n";
    let run = |strip: bool| {
        let dir = TempDir::new("placement-v1");
        assert_eq!(
            kplay(&["--data-dir", dir.arg()], create).status.code(),
            Some(0)
        );
        let path = dir.join("playground-metadata.properties");
        let text = std::fs::read_to_string(&path).expect("metadata");
        assert!(text.contains("\nversion=3\n"), "{text}");
        if strip {
            let old: Vec<String> = text
                .lines()
                .map(|line| match line.split_once(" placerRandom=") {
                    Some((kept, _)) => kept.to_string(),
                    None => line.replace("version=3", "version=1"),
                })
                .collect();
            std::fs::write(&path, old.join("\n")).expect("written");
        }
        let output = kplay(&["--data-dir", dir.arg()], next);
        assert_eq!(output.status.code(), Some(0));
        let saved = std::fs::read_to_string(&path).expect("metadata");
        assert!(saved.contains("\nversion=3\n") && saved.contains(" placerRandom="));
        described_replicas(&stdout(&output))
    };
    let mut fresh = new_cluster(3, 0);
    run_script(&mut fresh, next);
    // From a version 1 file, b is placed as a new cluster places its first topic…
    assert_eq!(run(true), replicas(&fresh, "b"));
    // …where the saved generator places it as the second create of the sequence.
    assert_ne!(run(false), replicas(&fresh, "b"));
}

/// `kplay` starts three brokers unless told otherwise; `--brokers 1` is one.
#[test]
fn kplay_has_three_brokers_by_default() {
    let script = "kafka-log-dirs.sh --describe\n";
    let three = stdout(&kplay(&[], script));
    assert!(
        three.contains("Received log directory information from brokers 1,2,3\n"),
        "{three}"
    );
    let one = stdout(&kplay(&["--brokers", "1"], script));
    assert!(
        one.contains("Received log directory information from brokers 1\n"),
        "{one}"
    );
    let refused = kplay(&["--brokers", "0"], "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .starts_with("kplay: --brokers needs a number from 1 to 1000, not 0"));
}

/// The golden shared with the browser test (`tests/support/placement_fixture.rs`).
#[test]
fn placement_golden_shared_with_the_browser_test() {
    let output = placement_fixture::run();
    assert!(!output.failed);
    assert_eq!(output.stdout(), placement_fixture::EXPECTED);
}
