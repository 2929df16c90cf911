//! `kafka-dump-log.sh --offsets-decoder` over a segment of `__consumer_offsets` records that the
//! engine's batch builder wrote into broker 1's files: each record prints as Kafka 4.1's
//! `DumpLogSegments.OffsetsMessageParser` prints it (golden lines of `DumpLogSegmentsTest`;
//! the other lines follow the generated `JsonConverter`s).
#![cfg(not(target_arch = "wasm32"))]

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::clock::SimTime;
use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::group::records::{
    ConsumerGroupMetadataValue, ConsumerProtocolAssignment, ConsumerProtocolSubscription,
    CoordinatorRecord, GroupMetadataKey, GroupMetadataValue, MemberMetadata, OffsetCommitKey,
    OffsetCommitValue, RecordKey, RecordValue, TopicPartitionList, VersionedValue,
};
use kafka_playground::engine::record::{Record, RecordBatchBuilder};
use kafka_playground::engine::{Cluster, ClusterOptions};

const T0: i64 = 1_735_689_600_000;
const TOPIC: &str = "offsets_copy";

/// A record's raw key and value.
type RawRecord = (Option<Vec<u8>>, Option<Vec<u8>>);

fn record(key: RecordKey, value: Option<(i16, RecordValue)>) -> CoordinatorRecord {
    CoordinatorRecord {
        key,
        value: value.map(|(version, value)| VersionedValue { version, value }),
    }
}

/// A cluster whose `offsets_copy-0` holds `records` (and `extra` raw ones) in one batch.
fn segment_of(records: &[CoordinatorRecord], extra: Vec<RawRecord>) -> Cluster {
    let options = ClusterOptions {
        start_time: SimTime(T0),
        ..ClusterOptions::default()
    };
    let mut cluster = Cluster::new(options);
    let request = NewTopic {
        name: TOPIC.to_string(),
        ..NewTopic::default()
    };
    cluster.create_topic(request).expect("topic created");
    let mut pairs: Vec<RawRecord> = records
        .iter()
        .map(|r| {
            let key = r.serialize_key().expect("key");
            (Some(key), r.serialize_value().expect("value"))
        })
        .collect();
    pairs.extend(extra);
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    for (offset, (key, value)) in pairs.into_iter().enumerate() {
        let offset = offset as i64;
        let record = Record {
            offset,
            timestamp: T0 + offset,
            key,
            value,
            headers: vec![],
        };
        builder.append_record(record).expect("record");
    }
    cluster
        .append_batch(TOPIC, 0, builder.build())
        .expect("append");
    cluster
}

fn dump(cluster: &mut Cluster, args: &str) -> Output {
    let file = format!("/tmp/kraft-combined-logs/broker-1/{TOPIC}-0/00000000000000000000.log");
    run_script(
        cluster,
        &format!("kafka-dump-log.sh {args} --files {file}\n"),
    )
}

/// The `key: … payload: …` part of each record line.
fn contents(output: &Output) -> Vec<String> {
    output
        .stdout()
        .lines()
        .filter(|l| l.starts_with("| offset: "))
        .map(|l| {
            l.split_once(" headerKeys: [] ")
                .map_or(l, |(_, rest)| rest)
                .to_string()
        })
        .collect()
}

#[test]
fn offsets_decoder_prints_each_record_as_json() {
    let subscription = ConsumerProtocolSubscription {
        topics: vec!["foo".into()],
        user_data: None,
        owned_partitions: vec![TopicPartitionList {
            topic: "foo".into(),
            partitions: vec![0],
        }],
        generation_id: 0,
        rack_id: Some("rack".into()),
    };
    let assignment = ConsumerProtocolAssignment {
        assigned_partitions: subscription.owned_partitions.clone(),
        user_data: None,
    };
    let member = MemberMetadata {
        member_id: "member".into(),
        group_instance_id: Some("instance".into()),
        client_id: "client".into(),
        client_host: "host".into(),
        rebalance_timeout: 1000,
        session_timeout: 100,
        subscription: subscription.serialize(3).expect("subscription"),
        assignment: assignment.serialize(3).expect("assignment"),
        unknown_tagged_fields: vec![],
    };
    let group = GroupMetadataValue {
        protocol_type: "consumer".into(),
        generation: 10,
        protocol: Some("range".into()),
        leader: Some("member".into()),
        members: vec![member],
        ..GroupMetadataValue::default()
    };
    let commit = OffsetCommitValue {
        offset: 16,
        leader_epoch: 0,
        commit_timestamp: T0,
        ..OffsetCommitValue::default()
    };
    let offset_key = RecordKey::OffsetCommit(OffsetCommitKey {
        group: "group".into(),
        topic: "foo".into(),
        partition: 0,
    });
    let consumer_group = RecordKey::ConsumerGroupMetadata {
        group_id: "group".into(),
    };
    let records = [
        record(
            offset_key.clone(),
            Some((4, RecordValue::OffsetCommit(commit))),
        ),
        record(
            RecordKey::GroupMetadata(GroupMetadataKey {
                group: "group".into(),
            }),
            Some((4, RecordValue::GroupMetadata(group))),
        ),
        record(
            consumer_group.clone(),
            Some((
                0,
                RecordValue::ConsumerGroupMetadata(ConsumerGroupMetadataValue {
                    epoch: 10,
                    ..ConsumerGroupMetadataValue::default()
                }),
            )),
        ),
        record(consumer_group, None),
        record(offset_key, None),
    ];
    let unknown = (Some(i16::MAX.to_be_bytes().to_vec()), Some(vec![]));
    let mut cluster = segment_of(&records, vec![unknown]);
    let output = dump(&mut cluster, "--offsets-decoder");
    assert!(!output.failed, "{}", output.stderr());
    let offset_key = r#"key: {"type":"1","data":{"group":"group","topic":"foo","partition":0}}"#;
    let metadata_key = r#"key: {"type":"3","data":{"groupId":"group"}}"#;
    assert_eq!(
        contents(&output),
        [
            format!(r#"{offset_key} payload: {{"version":"4","data":{{"offset":16,"leaderEpoch":0,"metadata":"","commitTimestamp":1735689600000}}}}"#),
            // DumpLogSegmentsTest: "Consumer embedded protocol is parsed if possible."
            r#"key: {"type":"2","data":{"group":"group"}} payload: {"version":"4","data":{"protocolType":"consumer","generation":10,"protocol":"range","leader":"member","currentStateTimestamp":-1,"members":[{"memberId":"member","groupInstanceId":"instance","clientId":"client","clientHost":"host","rebalanceTimeout":1000,"sessionTimeout":100,"subscription":{"topics":["foo"],"userData":null,"ownedPartitions":[{"topic":"foo","partitions":[0]}],"generationId":0,"rackId":"rack"},"assignment":{"assignedPartitions":[{"topic":"foo","partitions":[0]}],"userData":null}}]}}"#.to_string(),
            format!(r#"{metadata_key} payload: {{"version":"0","data":{{"epoch":10}}}}"#),
            format!("{metadata_key} payload: <DELETE>"),
            format!("{offset_key} payload: <DELETE>"),
            "key: Unknown record type 32767 at offset 5, skipping.".to_string(),
        ]
    );
    // The record metadata comes first, as with --print-data-log.
    let first = output
        .stdout()
        .lines()
        .find(|l| l.starts_with("| offset: 0"))
        .unwrap_or_default()
        .to_string();
    assert!(first.starts_with(&format!("| offset: 0 CreateTime: {T0} keySize: 18 valueSize: 24 sequence: -1 headerKeys: [] key: ")), "{first}");
    // --skip-record-metadata keeps only the contents.
    let skipped = dump(&mut cluster, "--offsets-decoder --skip-record-metadata");
    let lines: Vec<String> = skipped
        .stdout()
        .lines()
        .filter(|l| l.starts_with("| key: "))
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 6);
}

#[test]
fn a_record_without_a_key_ends_the_tool() {
    let mut cluster = segment_of(&[], vec![(None, Some(b"v".to_vec()))]);
    let output = dump(&mut cluster, "--offsets-decoder");
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" java.lang.RuntimeException: Failed to decode message at \
         offset 0 using the specified decoder (message had a missing key)\n"
    );
    // Offsets decoding wins over a decoder class that does not exist (Kafka never loads it).
    let output = dump(
        &mut cluster,
        "--offsets-decoder --value-decoder-class no.Such --print-data-log",
    );
    assert!(
        output.stderr().contains("message had a missing key"),
        "{}",
        output.stderr()
    );
}
