//! A restart rebuilds the cluster from `__cluster_metadata-0` (issue #6): the controller's
//! tables — topics, partitions with replicas, ISR, leaders, epochs and reassignments, dynamic
//! configs, fencing — are replayed from the voters' metadata logs (`QuorumController` replaying
//! the log at start-up), each voter's epoch and vote come from its `quorum-state`
//! (`QuorumState.initialize`: a leader comes back resigned), and the metadata file keeps only
//! what KRaft does not hold. A torn metadata log is recovered as any log (`LogLoader`), and a
//! data dir written before the log held the tables (metadata file version 2) is migrated.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::kraft::image::MetadataImage;
use kafka_playground::engine::kraft::{metadata_log, Role};
use kafka_playground::engine::persist::Restored;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::storage::{Disk, MemoryDisk};
use std::collections::BTreeMap;
use support::data_dir::{save, save_onto, stores};
use support::run_ok;

/// A version 2 metadata file (`kplay --seed 11 --brokers 3`, written before the metadata log
/// held the tables).
const VERSION_2: &str = include_str!("fixtures/playground-metadata-v2.properties");

/// A new cluster whose log dirs are formatted, as `kplay` starts one.
fn new_cluster(brokers: i32, seed: u64) -> Cluster {
    let mut cluster = Cluster::new(options(brokers, seed));
    cluster.format_log_dirs();
    cluster
}

fn options(brokers: i32, seed: u64) -> ClusterOptions {
    ClusterOptions {
        brokers,
        seed,
        ..ClusterOptions::default()
    }
}

fn restore(brokers: i32, metadata: &str, disks: &BTreeMap<i32, MemoryDisk>) -> Restored {
    Cluster::restore(&options(brokers, 0), metadata, stores(disks), None).expect("restored")
}

/// The image of the controller's tables, without what a restart changes on purpose: every
/// broker registers again (a new incarnation).
fn tables(cluster: &Cluster) -> MetadataImage {
    let mut view = cluster.controller_view();
    view.brokers.clear();
    view
}

fn fenced(cluster: &Cluster) -> Vec<bool> {
    cluster
        .controller_view()
        .brokers
        .values()
        .map(|b| b.fenced)
        .collect()
}

const OPERATIONS: &str = "\
kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3 --config retention.ms=86400000
kafka-topics.sh --create --topic audit --partitions 2 --replication-factor 2
kafka-configs.sh --alter --entity-type brokers --entity-default --add-config log.retention.ms=600000
kafka-configs.sh --alter --entity-type brokers --entity-name 2 --add-config log.cleaner.threads=2
kafka-configs.sh --alter --entity-type topics --entity-name audit --add-config cleanup.policy=compact
kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF
a:1
b:2
c:3
d:4
EOF
kafka-console-consumer.sh --topic orders --group g1 --from-beginning
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --execute --reassignment-json-file /dev/stdin <<EOF
{\"version\":1,\"partitions\":[{\"topic\":\"audit\",\"partition\":0,\"replicas\":[3,1]}]}
EOF
time advance 10s
kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions
broker kill 3
time advance 20s
";

/// What the tools show of the cluster's metadata and offsets.
const SHOW: &str = "\
kafka-topics.sh --describe --topic orders
kafka-topics.sh --describe --topic audit
kafka-configs.sh --describe --entity-type brokers --entity-default
kafka-configs.sh --describe --entity-type brokers --entity-name 2
kafka-configs.sh --describe --entity-type topics --entity-name audit
kafka-configs.sh --describe --entity-type topics --entity-name orders
kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g1 --offsets
";

#[test]
fn a_restart_rebuilds_topics_configs_leaders_and_offsets_from_the_metadata_log() {
    let mut cluster = new_cluster(3, 5);
    run_ok(&mut cluster, OPERATIONS);
    let before_tables = tables(&cluster);
    let before_fenced = fenced(&cluster);
    assert_eq!(before_fenced, [false, false, true], "broker 3 was killed");
    let before_topics: Vec<_> = cluster.topics().cloned().collect();
    let (metadata, disks) = save(&mut cluster);
    // The file keeps no table: they are in the metadata log.
    for record in [
        "TopicRecord",
        "PartitionRecord",
        "ConfigRecord",
        "dynamic-default",
    ] {
        assert!(!metadata.contains(record), "{metadata}");
    }
    let restored = restore(3, &metadata, &disks);
    assert_eq!(restored.warnings, Vec::<String>::new());
    let mut again = restored.cluster;
    assert_eq!(tables(&again), before_tables);
    assert_eq!(fenced(&again), before_fenced);
    assert_eq!(again.topics().cloned().collect::<Vec<_>>(), before_topics);
    assert_eq!(
        again.broker_dynamic_configs(),
        cluster.broker_dynamic_configs()
    );
    assert_eq!(again.broker_configs(), cluster.broker_configs());
    // Every node's image holds what a majority of the voters hold (the brokers' images).
    let leader_image = again.quorum().node(1).expect("node 1").image.clone();
    assert_eq!(
        leader_image.topics,
        cluster.quorum().node(1).unwrap().image.topics
    );
    // The tools show the same before any election (the restarted cluster has no controller yet).
    let shown = run_ok(&mut cluster, SHOW).stdout();
    assert!(shown.contains("Replicas: 3,1"), "{shown}");
    assert!(shown.contains("cleanup.policy=compact"), "{shown}");
    assert_eq!(run_ok(&mut again, SHOW).stdout(), shown);
}

#[test]
fn the_restarted_quorum_elects_and_the_new_controller_registers_the_brokers_again() {
    let mut cluster = new_cluster(3, 5);
    run_ok(&mut cluster, OPERATIONS);
    let epoch = cluster.quorum().leader().expect("a leader").epoch;
    let old_leader = cluster.active_controller().expect("a controller");
    let (metadata, disks) = save(&mut cluster);
    let mut again = restore(3, &metadata, &disks).cluster;
    // QuorumState.initialize: the leader comes back resigned in its epoch, the others unattached.
    let roles: Vec<(i32, &str, i32)> = again
        .quorum()
        .nodes
        .values()
        .map(|n| (n.id, n.role.name(), n.epoch))
        .collect();
    for (id, role, node_epoch) in roles {
        let expected = if id == old_leader {
            "Resigned"
        } else {
            "Unattached"
        };
        assert_eq!((role, node_epoch), (expected, epoch), "node {id}");
    }
    assert_eq!(again.active_controller(), None);
    // An election within the timeouts, and the brokers that were running back and unfenced.
    // Broker 3, killed before the save, stays down (and fenced) until it is started.
    run_ok(&mut again, "time advance 10s\n");
    let leader = again.quorum().leader().expect("a new leader");
    assert!(leader.epoch > epoch);
    assert!(matches!(leader.role, Role::Leader(_)));
    assert_eq!(fenced(&again), [false, false, true]);
    run_ok(&mut again, "broker start 3\ntime advance 10s\n");
    assert_eq!(fenced(&again), [false, false, false]);
    let leader = again.quorum().leader().expect("a leader");
    // The new controller wrote new registrations: a broker's restart is a new incarnation.
    let image = &again.quorum().node(leader.id).expect("leader").image;
    for (id, registration) in &image.brokers {
        assert_ne!(
            Some(registration.incarnation_id),
            cluster
                .quorum()
                .node(1)
                .and_then(|n| n.image.brokers.get(id))
                .map(|b| b.incarnation_id),
            "broker {id} registered anew"
        );
    }
    // The topics are still there, and broker 3 is back in the ISR it left.
    let orders = again.topic("orders").expect("orders");
    assert!(
        orders.partitions.iter().all(|p| p.isr.len() == 3),
        "{orders:?}"
    );
    // Every broker's image converges to the controller's.
    run_ok(&mut again, "time advance 5s\n");
    let images: Vec<_> = again
        .quorum()
        .nodes
        .values()
        .map(|n| n.image.topics.clone())
        .collect();
    assert!(images.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn the_topics_come_from_the_metadata_log_not_the_file() {
    let mut cluster = new_cluster(1, 0);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic a\nkafka-topics.sh --create --topic b --partitions 2\n",
    );
    let (metadata, disks) = save(&mut cluster);
    assert!(!metadata.contains("TopicRecord"), "{metadata}");
    let restored = restore(1, &metadata, &disks);
    let names: Vec<_> = restored.cluster.topics().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["a", "b"]);
    // Without the metadata log, nothing knows the topics: their logs are strays.
    let mut without = stores(&disks);
    let store = without.get_mut(&1).expect("broker 1");
    store.delete_dir(&metadata_log::dir());
    let restored = Cluster::restore(&options(1, 0), &metadata, without, None).expect("restored");
    assert_eq!(restored.cluster.topics().count(), 0);
    let warnings = restored.warnings.join("\n");
    assert!(
        warnings.contains("no voter's log dir holds __cluster_metadata-0"),
        "{warnings}"
    );
    assert!(warnings.contains("b-1"), "{warnings}");
}

#[test]
fn a_torn_metadata_log_is_recovered_with_a_warning() {
    let mut cluster = new_cluster(1, 0);
    run_ok(&mut cluster, "kafka-topics.sh --create --topic a\n");
    run_ok(&mut cluster, "kafka-topics.sh --create --topic b\n");
    let (metadata, disks) = save(&mut cluster);
    let segment = format!("{}/00000000000000000000.log", metadata_log::dir());
    let with = |bytes: &[u8]| {
        let mut stores = stores(&disks);
        stores
            .get_mut(&1)
            .expect("broker 1")
            .replace(&segment, bytes);
        Cluster::restore(&options(1, 0), &metadata, stores, None).expect("restored")
    };
    let bytes = stores(&disks)[&1]
        .contents(&segment)
        .expect("the metadata log")
        .to_vec();
    // A crash mid-write: the last batch (topic b's records) is cut short.
    let restored = with(&bytes[..bytes.len() - 7]);
    let warnings = restored.warnings.join("\n");
    assert!(
        warnings.contains("__cluster_metadata-0: log recovery truncated "),
        "{warnings}"
    );
    let names: Vec<_> = restored.cluster.topics().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["a"], "b's records were never whole");
    // LogManager.loadLog: the log nothing assigns is moved aside as a stray.
    assert!(
        warnings.contains("WARNING: Log in /tmp/kraft-combined-logs/broker-1/b-0 marked stray and renamed to /tmp/kraft-combined-logs/broker-1/b-0.")
            && warnings.contains("-stray"),
        "{warnings}"
    );
    let strays: Vec<String> = restored
        .cluster
        .broker(1)
        .expect("broker 1")
        .store
        .dirs()
        .into_iter()
        .filter(|d| d.ends_with("-stray"))
        .collect();
    assert_eq!(strays.len(), 1, "{strays:?}");
    assert!(strays[0].starts_with("b-0.") && strays[0].len() == "b-0.".len() + 32 + 6);
    // A flipped bit in the middle: recovery stops at the bad batch, no panic.
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let restored = with(&flipped);
    assert!(restored
        .warnings
        .iter()
        .any(|w| w.contains("__cluster_metadata-0")));
    // And the cluster runs on: a controller is elected and topics can be created again.
    let mut again = restored.cluster;
    run_ok(&mut again, "kafka-topics.sh --create --topic c\n");
    assert!(again.topic("c").is_some());
}

#[test]
fn a_version_2_data_dir_is_migrated_to_the_metadata_log() {
    let restored = Cluster::restore(&options(3, 0), VERSION_2, BTreeMap::new(), None)
        .expect("a version 2 file is read");
    let mut cluster = restored.cluster;
    let names: Vec<_> = cluster.topics().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["__consumer_offsets", "audit", "orders"]);
    assert_eq!(cluster.options().seed, 11);
    let before = tables(&cluster);
    assert_eq!(
        before.configs.len(),
        4,
        "orders', __consumer_offsets' and two brokers' configs: {:?}",
        before.configs
    );
    // Saved again, it is a version 3 file and the tables are in the metadata log.
    let (metadata, disks) = save(&mut cluster);
    assert!(metadata.contains("\nversion=3\n"), "{metadata}");
    assert!(!metadata.contains("TopicRecord"), "{metadata}");
    let again = restore(3, &metadata, &disks);
    assert_eq!(again.warnings, Vec::<String>::new());
    assert_eq!(tables(&again.cluster), before);
    assert_eq!(
        again.cluster.broker_dynamic_configs(),
        cluster.broker_dynamic_configs()
    );
}

/// The same script, run at once and split over a restart, prints the same.
#[test]
fn a_script_split_over_a_restart_prints_what_it_prints_at_once() {
    let (first, second) = (
        "kafka-topics.sh --create --topic a --partitions 2 --replication-factor 3\n\
         kafka-configs.sh --alter --entity-type topics --entity-name a --add-config retention.ms=60000\n\
         time advance 1m\n",
        "kafka-topics.sh --create --topic b --partitions 3\n\
         kafka-topics.sh --describe\n\
         kafka-configs.sh --describe --entity-type topics --entity-name a\n",
    );
    let mut whole = Cluster::new(options(3, 42));
    let at_once = run_script(&mut whole, &format!("{first}{second}"));
    let mut split = Cluster::new(options(3, 42));
    run_ok(&mut split, first);
    let (metadata, disks) = save(&mut split);
    let mut again = Cluster::restore(&options(3, 42), &metadata, stores(&disks), None)
        .expect("restored")
        .cluster;
    let later = run_ok(&mut again, second);
    let expected = at_once.stdout();
    let expected = expected.split_once("Completed updating config for topic a.\n");
    assert_eq!(later.stdout(), expected.expect("altered").1);
}

/// `metadata.log.max.snapshot.interval.ms` (one hour, KIP-876): with records committed since the
/// last snapshot, each node writes `<end offset>-<epoch>.checkpoint`; Kafka's tools read it, and a
/// restart starts each image from it.
#[test]
fn snapshots_are_written_read_by_the_tools_and_used_on_restart() {
    use kafka_playground::engine::kraft::snapshot;
    let mut cluster = new_cluster(3, 0);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic a --partitions 2\ntime advance 30m\n",
    );
    let store = |c: &Cluster, id: i32| c.broker(id).expect("a broker").store.clone();
    assert_eq!(
        snapshot::latest(&store(&cluster, 1)),
        None,
        "not an hour yet"
    );
    run_ok(
        &mut cluster,
        "time advance 31m\nkafka-topics.sh --create --topic b\ntime advance 1s\n",
    );
    let (end, epoch, path) = snapshot::latest(&store(&cluster, 2)).expect("a snapshot");
    assert_eq!(epoch, 1);
    let node = cluster.quorum().node(2).expect("node 2");
    assert_eq!(end, node.high_watermark);
    assert_eq!(
        snapshot::decode(store(&cluster, 2).contents(&path).expect("the file")),
        Some(node.image.clone())
    );
    let file = format!("/tmp/kraft-combined-logs/broker-2/{path}");
    let shell = run_ok(
        &mut cluster,
        &format!("kafka-metadata-shell.sh --snapshot {file} ls /image/topics/byName\n"),
    );
    assert_eq!(shell.stdout(), "a\nb\n");
    let dump = run_ok(
        &mut cluster,
        &format!("kafka-dump-log.sh --cluster-metadata-decoder --files {file}\n"),
    )
    .stdout();
    assert!(dump.contains(" SnapshotHeader {\"version\":0,"), "{dump}");
    assert!(dump.contains(" SnapshotFooter {\"version\":0}"), "{dump}");
    assert!(dump.contains("\"name\":\"b\""), "{dump}");
    // A restart: every node's image starts from its snapshot and replays the log after it.
    let before = tables(&cluster);
    let (metadata, disks) = save(&mut cluster);
    let restored = restore(3, &metadata, &disks);
    assert_eq!(restored.warnings, Vec::<String>::new());
    assert_eq!(tables(&restored.cluster), before);
    // A snapshot cut short is not a snapshot: ignored with a warning, the log replays instead.
    let mut cut = stores(&disks);
    let broken = cut.get_mut(&2).expect("broker 2");
    let bytes = broken.contents(&path).expect("the file").to_vec();
    broken.replace(&path, &bytes[..bytes.len() - 10]);
    let again = Cluster::restore(&options(3, 0), &metadata, cut, None).expect("restored");
    let warnings = again.warnings.join("\n");
    assert!(warnings.contains("is not a whole snapshot"), "{warnings}");
    assert_eq!(tables(&again.cluster), before);
}

/// What the version 2 writer wrote for `cluster` (the format of the checked-in fixture): the
/// tables as lines after the cluster state.
fn version_2_text(cluster: &Cluster, v3: &str) -> String {
    let list = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    let mut text = v3.replace("version=3", "version=2");
    for (name, value) in &cluster.broker_configs().dynamic_default {
        text.push_str(&format!(
            "BrokerConfig layer=dynamic-default name={name} value={value}\n"
        ));
    }
    for topic in cluster.topics() {
        text.push_str(&format!(
            "TopicRecord name={} topicId={}\n",
            topic.name, topic.id
        ));
        for p in &topic.partitions {
            text.push_str(&format!(
                "PartitionRecord topicId={} partitionId={} replicas={} isr={} leader={} leaderEpoch={} partitionEpoch={} elr= lastKnownElr=\n",
                topic.id,
                p.partition,
                list(&p.replicas),
                list(&p.isr),
                p.leader.unwrap_or(-1),
                p.leader_epoch,
                p.partition_epoch
            ));
        }
        for (name, value) in &topic.configs {
            text.push_str(&format!(
                "ConfigRecord resourceType=TOPIC resourceName={} name={name} value={value}\n",
                topic.name
            ));
        }
    }
    text
}

/// A version 2 data dir — its tables in the file, its metadata log the one the old code
/// bootstrapped at each start — keeps its records and offsets: the file's tables start a new
/// metadata log, and the next restart reads them from it.
#[test]
fn a_version_2_data_dir_keeps_its_records_after_the_migration() {
    let mut cluster = new_cluster(1, 3);
    let script = "kafka-topics.sh --create --topic orders --partitions 2 --config retention.ms=86400000\n\
        kafka-configs.sh --alter --entity-type brokers --entity-default --add-config log.retention.ms=600000\n\
        kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF\n\
        a:1\nb:2\nc:3\nEOF\n";
    run_ok(&mut cluster, script);
    let (v3, disks) = save(&mut cluster);
    let v2 = version_2_text(&cluster, &v3);
    assert!(v2.contains("\nversion=2\n") && v2.contains("TopicRecord name=orders"));
    let mut old = stores(&disks);
    // The old code set the log aside at each start: what it left is a stale bootstrap log.
    old.get_mut(&1)
        .expect("broker 1")
        .delete_dir(&metadata_log::dir());
    let migrated = Cluster::restore(&options(1, 0), &v2, old, None).expect("migrated");
    assert_eq!(migrated.warnings, Vec::<String>::new());
    let mut migrated = migrated.cluster;
    let consume =
        "kafka-console-consumer.sh --topic orders --from-beginning --property print.key=true\n\
                   kafka-configs.sh --describe --entity-type topics --entity-name orders\n";
    let expected = run_ok(&mut cluster, consume).stdout();
    assert_eq!(run_ok(&mut migrated, consume).stdout(), expected);
    // Saved onto the same disk, as kplay saves onto its data dir.
    let (metadata, disks) = save_onto(&mut migrated, disks);
    assert!(metadata.contains("\nversion=3\n") && !metadata.contains("TopicRecord"));
    let restored = restore(1, &metadata, &disks);
    assert_eq!(restored.warnings, Vec::<String>::new());
    let mut again = restored.cluster;
    assert_eq!(run_ok(&mut again, consume).stdout(), expected);
}

/// The page's cycle (tests/e2e/persistence.test.mjs): written behind, reloaded, a topic created
/// under the controller elected after the reload, written behind, reloaded again.
#[test]
fn a_topic_created_after_a_reload_survives_the_next_reload() {
    use kafka_playground::engine::persist::workspace::{restore_workspace, take_workspace_changes};
    let mut cluster = Cluster::new(options(3, 0));
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3\n",
    );
    let mut disk = MemoryDisk::new();
    disk.apply(&take_workspace_changes(&mut cluster))
        .expect("written");
    let reload = |disk: &MemoryDisk| {
        restore_workspace(&options(3, 0), disk.files().clone())
            .expect("restored")
            .expect("a cluster")
            .cluster
    };
    let mut reloaded = reload(&disk);
    // The page's topic form calls the library, not the tool: it too waits for the election.
    assert_eq!(reloaded.active_controller(), None);
    let request = kafka_playground::engine::cluster::NewTopic {
        name: "audit".to_string(),
        ..Default::default()
    };
    reloaded.create_topic(request).expect("created");
    assert!(reloaded.active_controller().is_some());
    disk.apply(&take_workspace_changes(&mut reloaded))
        .expect("written");
    let again = reload(&disk);
    let names: Vec<_> = again.topics().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["audit", "orders"]);
}
