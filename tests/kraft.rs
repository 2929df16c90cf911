//! The KRaft quorum (issue #6): metadata records in Kafka's frame format, the image they replay
//! to, and the acceptance scenarios — the active controller killed, two of three voters down, the
//! active controller cut off, the same seed electing the same way.
//!
//! Kafka's behaviour cited: KIP-595 (Raft for the metadata quorum: votes, epochs, fetch timeout,
//! `BeginQuorumEpoch`/`EndQuorumEpoch`), KIP-996 (pre-vote), `controller.quorum.election.timeout.ms`
//! (1000) and `controller.quorum.fetch.timeout.ms` (2000) from `QuorumConfig`, and the record
//! schemas in `metadata/src/main/resources/common/metadata/*.json`.

mod support;

use kafka_playground::cli::run_script;
use kafka_playground::engine::ids::Uuid;
use kafka_playground::engine::kraft::image::{diff, MetadataImage};
use kafka_playground::engine::kraft::metadata_log;
use kafka_playground::engine::kraft::records::{LeaderChange, MetadataRecord};
use kafka_playground::engine::kraft::Role;
use kafka_playground::engine::{Cluster, ClusterOptions};
use support::run_ok;

const FETCH_TIMEOUT_MS: i64 = 2_000;
const ELECTION_TIMEOUT_MS: i64 = 1_000;

fn three_brokers(seed: u64) -> Cluster {
    Cluster::new(ClusterOptions {
        brokers: 3,
        seed,
        ..ClusterOptions::default()
    })
}

/// Steps the cluster until an active controller other than `old` leads, or `limit_ms` passes.
/// Returns the new controller and when it took over.
fn next_controller(cluster: &mut Cluster, old: i32, limit_ms: i64) -> Option<(i32, i64)> {
    let limit = cluster.now().as_millis() + limit_ms;
    loop {
        if let Some(active) = cluster.active_controller().filter(|&c| c != old) {
            return Some((active, cluster.now().as_millis()));
        }
        if !cluster.step(limit) {
            return None;
        }
    }
}

/// The committed metadata records node `id` holds.
/// An image without broker epochs: the controller's view leaves them unknown (-1), the log
/// assigns them (the offset of each `RegisterBrokerRecord`).
fn without_broker_epochs(mut image: MetadataImage) -> MetadataImage {
    for broker in image.brokers.values_mut() {
        broker.epoch = -1;
    }
    image
}

fn committed_records(cluster: &Cluster, id: i32) -> Vec<(i64, MetadataRecord)> {
    let node = cluster.quorum().node(id).expect("a quorum node");
    let store = &cluster.broker(id).expect("a broker").store;
    metadata_log::read_records(&node.log, store, 0, node.high_watermark)
}

#[test]
fn records_are_framed_as_kafkas_metadata_records() {
    // ApiMessageAndVersion framing (MetadataRecordSerde): frame version 1, apiKey, version, body.
    // NoOpRecord (apiKey 20) has no fields: only the empty tagged-field section.
    assert_eq!(MetadataRecord::NoOp.encode(), vec![1, 20, 0, 0]);
    // TopicRecord (apiKey 2, flexible v0): Name as a compact string, TopicId as 16 bytes.
    let topic_id = Uuid::new(0x0707_0707_0707_0707, 0x0707_0707_0707_0707);
    let topic = MetadataRecord::Topic {
        name: "foo".to_string(),
        topic_id,
    };
    let mut expected = vec![1, 2, 0, 4, b'f', b'o', b'o'];
    expected.extend([7; 16]);
    expected.push(0);
    assert_eq!(topic.encode(), expected);
    // FeatureLevelRecord (apiKey 12): Name, FeatureLevel int16.
    let feature = MetadataRecord::FeatureLevel {
        name: "metadata.version".to_string(),
        level: 27,
    };
    let mut expected = vec![1, 12, 0, 17];
    expected.extend(b"metadata.version");
    expected.extend([0, 27, 0]);
    assert_eq!(feature.encode(), expected);
    // LeaderChangeMessage (control type 2) is written alone (MessageUtil.toByteBuffer): Version
    // int16, LeaderId int32, Voters and GrantingVoters as compact arrays of {VoterId, tags}.
    let change = LeaderChange {
        leader_id: 1,
        voters: vec![1],
        granting_voters: vec![1],
    };
    let bytes = change.encode();
    assert_eq!(
        bytes,
        vec![0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0, 0]
    );
    assert_eq!(
        bytes.len(),
        19,
        "valueSize: 19 in DumpLogSegments' output (KAFKA-19069)"
    );
    assert_eq!(LeaderChange::decode(&bytes), Ok(change));
}

#[test]
fn every_record_the_controller_wrote_decodes_to_itself() {
    let mut cluster = three_brokers(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2\n\
         kafka-configs.sh --alter --entity-type topics --entity-name orders --add-config retention.ms=1000\n\
         broker stop 2\ntime advance 5s\nbroker start 2\ntime advance 5s\n\
         kafka-topics.sh --delete --topic orders\ntime advance 1s\n",
    );
    let records = committed_records(&cluster, 1);
    let kinds: Vec<&str> = records.iter().map(|(_, r)| r.type_name()).collect();
    for kind in [
        "REGISTER_BROKER_RECORD",
        "TOPIC_RECORD",
        "PARTITION_RECORD",
        "CONFIG_RECORD",
        "PARTITION_CHANGE_RECORD",
        "BROKER_REGISTRATION_CHANGE_RECORD",
        "REMOVE_TOPIC_RECORD",
        "FEATURE_LEVEL_RECORD",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    for (offset, record) in &records {
        let decoded = MetadataRecord::decode(&record.encode());
        assert_eq!(decoded.as_ref(), Ok(record), "record at offset {offset}");
    }
    // Truncated frames are errors, never panics.
    for (_, record) in &records {
        let bytes = record.encode();
        for cut in 0..bytes.len() {
            let _ = MetadataRecord::decode(&bytes[..cut]);
        }
    }
}

#[test]
fn replaying_the_log_gives_the_controllers_view_on_every_node() {
    let mut cluster = three_brokers(5);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic a --partitions 2 --replication-factor 3\n\
         kafka-topics.sh --create --topic b --partitions 1 --replication-factor 2 --config cleanup.policy=compact\n\
         kafka-configs.sh --alter --entity-type brokers --entity-default --add-config log.retention.ms=60000\n\
         kafka-topics.sh --alter --topic a --partitions 4\ntime advance 3s\n",
    );
    let view = cluster.controller_view();
    for id in 1..=3 {
        let node = cluster.quorum().node(id).expect("a node");
        assert_eq!(
            node.applied_offset, node.high_watermark,
            "node {id} replayed all"
        );
        assert_eq!(
            without_broker_epochs(node.image.clone()),
            view,
            "node {id}'s image"
        );
        let mut replayed = MetadataImage::default();
        for (offset, record) in committed_records(&cluster, id) {
            replayed.replay(offset, &record);
        }
        assert_eq!(
            replayed, node.image,
            "node {id}'s log replayed from the start"
        );
    }
    // The controller writes differences: replaying diff(empty, view) onto empty gives the view
    // (broker epochs aside: the log assigns them as offsets).
    let mut rebuilt = MetadataImage::default();
    for (i, record) in diff(&MetadataImage::default(), &view).iter().enumerate() {
        rebuilt.replay(i as i64, record);
    }
    assert_eq!(without_broker_epochs(rebuilt), view);
    assert!(diff(&view, &view).is_empty(), "no change, no records");
}

#[test]
fn killing_the_active_controller_elects_another_within_the_timeouts_and_loses_nothing() {
    let mut cluster = three_brokers(11);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --partitions 3 --replication-factor 3\ntime advance 2s\n",
    );
    let old = cluster.active_controller().expect("a controller");
    let committed = committed_records(&cluster, old);
    let killed_at = cluster.now().as_millis();
    run_ok(&mut cluster, &format!("broker kill {old}\n"));
    // A follower notices after the fetch timeout, then a pre-vote and a vote round (each at most
    // one randomised election timeout, 1×–2× the setting) elect it.
    let (new, at) = next_controller(&mut cluster, old, 30_000).expect("a new controller");
    assert_ne!(new, old);
    let took = at - killed_at;
    assert!(
        took <= FETCH_TIMEOUT_MS + 2 * ELECTION_TIMEOUT_MS,
        "took {took} ms"
    );
    assert!(took >= FETCH_TIMEOUT_MS, "elected after only {took} ms");
    let leader = cluster.quorum().leader().expect("a raft leader");
    assert_eq!(leader.id, new);
    assert!(leader.epoch > 1);
    // Every record committed before the kill is in the new leader's log at the same offset.
    let now_committed = committed_records(&cluster, new);
    assert!(now_committed.len() >= committed.len());
    assert_eq!(&now_committed[..committed.len()], &committed[..]);
    // The new controller works: a topic can be created, and the old leader, back, follows.
    run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic after --partitions 1 --replication-factor 2\n\
             broker start {old}\ntime advance 10s\n"
        ),
    );
    let view = cluster.controller_view();
    assert!(view.topic_by_name("after").is_some());
    for id in 1..=3 {
        let node = cluster.quorum().node(id).expect("a node");
        assert_eq!(
            without_broker_epochs(node.image.clone()),
            view,
            "node {id} converged"
        );
        assert_eq!(node.leader_id, Some(new));
    }
    assert_eq!(
        cluster.quorum().node(old).map(|n| n.role.name()),
        Some("Follower")
    );
}

#[test]
fn with_two_of_three_voters_down_nothing_commits_until_one_returns() {
    let mut cluster = three_brokers(2);
    run_ok(&mut cluster, "broker kill 2\nbroker kill 3\n");
    let before = cluster.quorum().node(1).map(|n| n.high_watermark);
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t\n",
    );
    assert!(output.failed);
    let text = format!("{}{}", output.stdout(), output.stderr());
    assert!(
        text.contains(
            "Error while executing topic command : Call(callName=createTopics, deadlineMs="
        ) && text.contains("tries=2")
            && text.contains("timed out at"),
        "{text}"
    );
    // Every admin call that needs the controller times out the same way.
    for (line, call) in [
        ("kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type brokers --entity-default --add-config log.retention.ms=1000", "incrementalAlterConfigs"),
        ("kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions", "electLeaders"),
        ("kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --execute --reassignment-json-file /dev/stdin <<EOF\n{\"partitions\":[{\"topic\":\"x\",\"partition\":0,\"replicas\":[1]}]}\nEOF", "alterPartitionReassignments"),
    ] {
        let output = run_script(&mut cluster, &format!("{line}\n"));
        let text = format!("{}{}", output.stdout(), output.stderr());
        assert!(output.failed, "{line}");
        assert!(text.contains(&format!("Call(callName={call}, deadlineMs=")), "{text}");
    }
    assert_eq!(cluster.quorum().node(1).map(|n| n.high_watermark), before);
    // Node 1 could not keep a majority fetching: it resigned (check-quorum).
    assert_eq!(cluster.active_controller(), None);
    assert_ne!(
        cluster.quorum().node(1).map(|n| n.role.name()),
        Some("Leader")
    );
    run_ok(&mut cluster, "broker start 2\ntime advance 10s\n");
    let output = run_ok(
        &mut cluster,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t\n",
    );
    assert!(output.stdout().contains("Created topic t."));
    assert!(cluster.controller_view().topic_by_name("t").is_some());
}

#[test]
fn a_partition_isolating_the_active_controller_makes_it_resign() {
    let mut cluster = three_brokers(4);
    run_ok(&mut cluster, "time advance 1s\n");
    let old = cluster.active_controller().expect("a controller");
    let others: Vec<i32> = (1..=3).filter(|&n| n != old).collect();
    run_ok(
        &mut cluster,
        &format!(
            "network partition {old} {}\nnetwork partition {old} {}\ntime advance 10s\n",
            others[0], others[1]
        ),
    );
    let isolated = cluster.quorum().node(old).expect("a node");
    assert!(
        !matches!(isolated.role, Role::Leader(_)),
        "the cut-off leader still leads: {:?}",
        isolated.role
    );
    let new = cluster
        .active_controller()
        .expect("the majority side elected");
    assert!(others.contains(&new));
    // Healed, the old leader follows the new epoch.
    run_ok(&mut cluster, "network heal\ntime advance 10s\n");
    let node = cluster.quorum().node(old).expect("a node");
    assert_eq!((node.role.name(), node.leader_id), ("Follower", Some(new)));
}

#[test]
fn the_same_seed_elects_the_same_way() {
    let run = |seed: u64| {
        let mut cluster = three_brokers(seed);
        run_ok(
            &mut cluster,
            "kafka-topics.sh --create --topic t --partitions 2 --replication-factor 3\n\
             broker kill 1\ntime advance 10s\nbroker start 1\nbroker kill 2\ntime advance 10s\n",
        );
        let elections: Vec<String> = cluster
            .drain_events()
            .iter()
            .map(|e| e.trace_line())
            .filter(|line| line.contains("ctl quorum"))
            .collect();
        elections
    };
    let first = run(21);
    assert!(
        first.iter().any(|l| l.contains("Leader epoch=")),
        "{first:?}"
    );
    assert_eq!(first, run(21));
}

#[test]
fn kafka_metadata_quorum_describes_the_leader_and_voters() {
    let mut cluster = three_brokers(1);
    run_ok(
        &mut cluster,
        "broker kill 1\ntime advance 10s\nbroker start 1\ntime advance 5s\n",
    );
    let leader = cluster.quorum().leader().expect("a leader");
    let (id, epoch, hw) = (leader.id, leader.epoch, leader.high_watermark);
    let output = run_ok(
        &mut cluster,
        "kafka-metadata-quorum.sh --bootstrap-server localhost:9092 describe --status\n",
    );
    let text = output.stdout();
    assert!(
        text.contains(&format!("LeaderId:               {id}\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("LeaderEpoch:            {epoch}\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("HighWatermark:          {hw}\n")),
        "{text}"
    );
    assert!(text.contains(
        "CurrentVoters:          [{\"id\": 1, \"endpoints\": [\"CONTROLLER://localhost:19092\"]}"
    ));
    let output = run_ok(
        &mut cluster,
        "kafka-metadata-quorum.sh --bootstrap-server localhost:9092 describe --replication\n",
    );
    let text = output.stdout();
    assert!(text.starts_with("NodeId\tDirectoryId"), "{text}");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].starts_with(&format!("{id} ")) && rows[0].contains("Leader"));
    assert!(rows[1..].iter().all(|r| r.contains("Follower")), "{text}");
}

#[test]
fn every_voter_keeps_the_metadata_log_in_its_log_dir() {
    let mut cluster = three_brokers(0);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t\ntime advance 2s\n",
    );
    for id in 1..=3 {
        let store = &cluster.broker(id).expect("a broker").store;
        let files = store.list("__cluster_metadata-0");
        assert!(
            files
                .iter()
                .any(|f| f.ends_with("00000000000000000000.log")),
            "broker {id}: {files:?}"
        );
        let state = String::from_utf8(
            store
                .contents(&metadata_log::quorum_state_path())
                .expect("quorum-state")
                .to_vec(),
        )
        .expect("text");
        assert!(state.contains("\"leaderEpoch\":1"), "{state}");
    }
}
