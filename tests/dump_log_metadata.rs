//! `kafka-dump-log.sh --cluster-metadata-decoder` on a KRaft node's `__cluster_metadata-0` log,
//! as Kafka 4.1's `DumpLogSegments` prints it: each metadata record's payload from
//! `ClusterMetadataLogMessageParser` (`{"type":…,"version":…,"data":…}` with
//! `MetadataJsonConverters.writeJson`), `Error at <offset>, skipping. <message>` for a record
//! `MetadataRecordSerde.read` refuses, and the `LEADER_CHANGE` control record as
//! `printControlRecord` prints it since KAFKA-19069 (` LeaderChange: {…}`).

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::ids::Uuid;
use kafka_playground::engine::kraft::records::{LeaderChange, MetadataRecord};
use kafka_playground::engine::record::{BatchOptions, RecordBatchBuilder};
use kafka_playground::engine::{Cluster, ClusterOptions};

const LOG: &str = "/tmp/kraft-combined-logs/broker-1/__cluster_metadata-0/00000000000000000000.log";
/// A hand-built metadata segment beside the real one (same log dir, so dump-log finds it).
const HAND_BUILT: &str = "meta-0/00000000000000000000.log";
const T0: i64 = 1_735_689_600_000;

fn three_brokers() -> Cluster {
    Cluster::new(ClusterOptions {
        brokers: 3,
        seed: 3,
        ..ClusterOptions::default()
    })
}

fn dump(cluster: &mut Cluster, args: &str) -> Output {
    run_script(cluster, &format!("kafka-dump-log.sh {args}\n"))
}

fn lines(output: &Output) -> Vec<String> {
    output.stdout().lines().map(str::to_string).collect()
}

/// A cluster whose controller wrote a topic, its partition, configs, a broker fenced by a
/// controlled shutdown and registered again, ISR changes and the topic's removal.
fn busy_cluster() -> Cluster {
    let mut cluster = three_brokers();
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3 --config min.insync.replicas=2\n\
         kafka-configs.sh --alter --entity-type topics --entity-name orders --add-config retention.ms=1000\n\
         broker stop 2\ntime advance 5s\nbroker start 2\ntime advance 5s\n\
         kafka-topics.sh --delete --topic orders\ntime advance 1s\n",
    );
    assert!(!output.failed, "{}", output.stderr());
    cluster
}

/// One payload line per record type the controller writes, each as the generated
/// `*JsonConverter` writes it (schemas: `metadata/src/main/resources/common/metadata/*.json`):
/// fields in schema order, tagged fields only when not their default (`PartitionChangeRecord`'s
/// unchanged `leader` -2 and null arrays are left out), uuids in Kafka's base64.
#[test]
fn every_record_the_controller_writes_prints_as_its_json_converter_writes_it() {
    let mut cluster = busy_cluster();
    let output = dump(
        &mut cluster,
        &format!("--cluster-metadata-decoder --skip-record-metadata --files {LOG}"),
    );
    assert!(!output.failed, "{}", output.stderr());
    let lines = lines(&output);
    let topic = "N-AK-zIpTVGIsbWLI2876g";
    let expected = [
        r#" payload: {"type":"FEATURE_LEVEL_RECORD","version":0,"data":{"name":"metadata.version","featureLevel":27}}"#.to_string(),
        r#" payload: {"type":"REGISTER_BROKER_RECORD","version":3,"data":{"brokerId":1,"isMigratingZkBroker":false,"incarnationId":"S1BMQVkAQAGAAAAAAAAAAA","brokerEpoch":2,"endPoints":[],"features":[],"rack":null,"fenced":false,"inControlledShutdown":false}}"#.to_string(),
        format!(r#" payload: {{"type":"TOPIC_RECORD","version":0,"data":{{"name":"orders","topicId":"{topic}"}}}}"#),
        format!(r#" payload: {{"type":"PARTITION_RECORD","version":2,"data":{{"partitionId":0,"topicId":"{topic}","replicas":[3,1,2],"isr":[3,1,2],"removingReplicas":[],"addingReplicas":[],"leader":3,"leaderEpoch":0,"partitionEpoch":0,"directories":["AAAAAAAAAAAAAAAAAAAAAA","AAAAAAAAAAAAAAAAAAAAAA","AAAAAAAAAAAAAAAAAAAAAA"]}}}}"#),
        r#" payload: {"type":"CONFIG_RECORD","version":0,"data":{"resourceType":2,"resourceName":"orders","name":"min.insync.replicas","value":"2"}}"#.to_string(),
        r#" payload: {"type":"BROKER_REGISTRATION_CHANGE_RECORD","version":0,"data":{"brokerId":2,"brokerEpoch":3,"fenced":1}}"#.to_string(),
        format!(r#" payload: {{"type":"PARTITION_CHANGE_RECORD","version":2,"data":{{"partitionId":0,"topicId":"{topic}","isr":[3,1]}}}}"#),
        format!(r#" payload: {{"type":"REMOVE_TOPIC_RECORD","version":0,"data":{{"topicId":"{topic}"}}}}"#),
    ];
    for line in expected {
        assert!(lines.contains(&line), "missing {line}\n{}", output.stdout());
    }
    // `--skip-record-metadata` skips the control records: nothing but batches and payloads.
    for line in &lines[2..] {
        assert!(
            line.starts_with("baseOffset: ")
                || line.starts_with(" payload: {\"type\":")
                || line.is_empty(),
            "{line}"
        );
    }
}

/// A record `MetadataRecordSerde.read` refuses is skipped with `Error at <offset>, skipping.`
/// and the `MetadataParseException`'s message (`AbstractApiMessageSerde.read`); the dump goes on.
#[test]
fn corrupt_records_are_skipped_with_the_serdes_message() {
    let mut cluster = busy_cluster();
    let path = "__cluster_metadata-0/00000000000000000000.log";
    let store = &mut cluster.broker_mut(1).expect("broker 1").store;
    let mut bytes = store.contents(path).expect("the metadata log").to_vec();
    // The TOPIC_RECORD's api key (2) at offset 5 becomes 99: find its frame `1 2 0` + "orders".
    let frame = [1u8, 2, 0, 7, b'o', b'r', b'd'];
    let at = bytes
        .windows(frame.len())
        .position(|w| w == frame)
        .expect("the topic record");
    bytes[at + 1] = 99;
    store.replace(path, &bytes);
    let output = dump(
        &mut cluster,
        &format!("--cluster-metadata-decoder --skip-record-metadata --files {LOG}"),
    );
    assert!(!output.failed, "{}", output.stderr());
    let expected = " payload: Error at 5, skipping. org.apache.kafka.common.errors.UnsupportedVersionException: Unknown metadata id 99";
    assert!(
        lines(&output).contains(&expected.to_string()),
        "{}",
        output.stdout()
    );
    // The batch's CRC no longer matches; the records after it still print.
    assert!(output.stdout().contains("isvalid: false"));
    assert!(output.stdout().contains("REMOVE_TOPIC_RECORD"));
}

/// Whatever byte of the log is damaged, the dump ends in a line or one of Kafka's exceptions,
/// never a panic.
#[test]
fn no_corruption_panics() {
    let mut cluster = busy_cluster();
    let path = "__cluster_metadata-0/00000000000000000000.log";
    let pristine = cluster
        .broker(1)
        .expect("broker 1")
        .store
        .contents(path)
        .expect("log")
        .to_vec();
    for at in 0..pristine.len() {
        for patch in [0x00u8, 0xff, 0x80] {
            let mut bytes = pristine.clone();
            bytes[at] = patch;
            let store = &mut cluster.broker_mut(1).expect("broker 1").store;
            store.replace(path, &bytes);
            let output = dump(
                &mut cluster,
                &format!("--cluster-metadata-decoder --files {LOG}"),
            );
            if output.failed {
                assert!(
                    output.stderr().starts_with("Exception in thread \"main\" ")
                        || output.stderr().starts_with("kafka-dump-log.sh: "),
                    "byte {at} = {patch:#x}: {}",
                    output.stderr()
                );
            }
        }
    }
}

/// `LeaderChangeMessage` v0 as `MemoryRecordsBuilder.appendLeaderChangeMessage` writes it
/// (`MessageUtil.toByteBufferAccessor`: the message alone, no version prefix).
fn leader_change_value(leader: i32, voters: &[i32], granting: &[i32]) -> Vec<u8> {
    let mut value = 0i16.to_be_bytes().to_vec();
    value.extend_from_slice(&leader.to_be_bytes());
    for list in [voters, granting] {
        value.push(list.len() as u8 + 1);
        for id in list {
            value.extend_from_slice(&id.to_be_bytes());
            value.push(0);
        }
    }
    value.push(0);
    value
}

/// Writes a segment of a leader change (epoch 4) and the records a broker's life, a producer id
/// block and a config deletion make, in `broker 1`'s log dir.
fn hand_built_segment(cluster: &mut Cluster, data: &[Vec<u8>]) {
    let mut bytes = Vec::new();
    let control = BatchOptions {
        partition_leader_epoch: 4,
        is_control: true,
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(0, control).expect("builder");
    let value = leader_change_value(2, &[1, 2, 3], &[2, 3]);
    builder
        .append(T0, Some(LeaderChange::key()), Some(value), vec![])
        .expect("record");
    builder.build().encode_into(&mut bytes);
    let options = BatchOptions {
        partition_leader_epoch: 4,
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(1, options).expect("builder");
    for value in data {
        builder
            .append(T0, None, Some(value.clone()), vec![])
            .expect("record");
    }
    builder.build().encode_into(&mut bytes);
    let store = &mut cluster.broker_mut(1).expect("broker 1").store;
    store.replace(HAND_BUILT, &bytes);
}

/// Whole record lines: `| offset: … headerKeys: []` then ` payload: …` for data records
/// (`dumpLog`), ` LeaderChange: {…}` for the control record (`printControlRecord`,
/// `LeaderChangeMessageJsonConverter`: `voters` as `[{"voterId":…}]`).
#[test]
fn record_lines_end_with_the_payload_and_leader_change_with_its_message() {
    let mut cluster = three_brokers();
    let data = [
        MetadataRecord::FenceBroker { id: 3, epoch: 42 }.encode(),
        MetadataRecord::UnfenceBroker { id: 3, epoch: 42 }.encode(),
        MetadataRecord::ProducerIds {
            broker_id: 1,
            broker_epoch: 42,
            next_producer_id: 2000,
        }
        .encode(),
        MetadataRecord::NoOp.encode(),
        MetadataRecord::Config {
            resource_type: 4,
            resource_name: String::new(),
            name: "log.retention.ms".into(),
            value: None,
        }
        .encode(),
        MetadataRecord::RemoveTopic {
            topic_id: Uuid::new(1, 2),
        }
        .encode(),
        vec![1, 8, 0, 0, 0, 0, 3],
    ];
    hand_built_segment(&mut cluster, &data);
    let file = format!("/tmp/kraft-combined-logs/broker-1/{HAND_BUILT}");
    let output = dump(
        &mut cluster,
        &format!("--cluster-metadata-decoder --files {file}"),
    );
    assert!(!output.failed, "{}", output.stderr());
    let records: Vec<String> = lines(&output)
        .into_iter()
        .filter(|l| l.starts_with("| "))
        .collect();
    let meta = |offset: i64, key: i32, value: usize| {
        format!(
            "| offset: {offset} CreateTime: {T0} keySize: {key} valueSize: {value} sequence: -1 headerKeys: []"
        )
    };
    let expected = [
        format!(
            r#"{} LeaderChange: {{"version":0,"leaderId":2,"voters":[{{"voterId":1}},{{"voterId":2}},{{"voterId":3}}],"grantingVoters":[{{"voterId":2}},{{"voterId":3}}]}}"#,
            meta(0, 4, 34)
        ),
        format!(
            r#"{} payload: {{"type":"FENCE_BROKER_RECORD","version":0,"data":{{"id":3,"epoch":42}}}}"#,
            meta(1, -1, 16)
        ),
        format!(
            r#"{} payload: {{"type":"UNFENCE_BROKER_RECORD","version":0,"data":{{"id":3,"epoch":42}}}}"#,
            meta(2, -1, 16)
        ),
        format!(
            r#"{} payload: {{"type":"PRODUCER_IDS_RECORD","version":0,"data":{{"brokerId":1,"brokerEpoch":42,"nextProducerId":2000}}}}"#,
            meta(3, -1, 24)
        ),
        format!(
            r#"{} payload: {{"type":"NO_OP_RECORD","version":0,"data":{{}}}}"#,
            meta(4, -1, 4)
        ),
        format!(
            r#"{} payload: {{"type":"CONFIG_RECORD","version":0,"data":{{"resourceType":4,"resourceName":"","name":"log.retention.ms","value":null}}}}"#,
            meta(5, -1, 24)
        ),
        format!(
            r#"{} payload: {{"type":"REMOVE_TOPIC_RECORD","version":0,"data":{{"topicId":"AAAAAAAAAAEAAAAAAAAAAg"}}}}"#,
            meta(6, -1, 20)
        ),
        // A FENCE_BROKER_RECORD cut short: the generated reader underflows.
        format!(
            "{} payload: Error at 7, skipping. Failed to deserialize record with type 8",
            meta(7, -1, 7)
        ),
    ];
    assert_eq!(records, expected);
}

/// The LeaderChange a real leader writes, as the first batch of its epoch: the message alone
/// (`MessageUtil.toByteBuffer`), which Kafka's `ControlRecordUtils.deserializeLeaderChangeMessage`
/// reads.
#[test]
fn the_leaders_own_leader_change_prints_its_voters() {
    let mut cluster = busy_cluster();
    let output = dump(
        &mut cluster,
        &format!("--cluster-metadata-decoder --files {LOG}"),
    );
    assert!(!output.failed, "{}", output.stderr());
    let expected = format!(
        r#"| offset: 0 CreateTime: {T0} keySize: 4 valueSize: 39 sequence: -1 headerKeys: [] LeaderChange: {{"version":0,"leaderId":1,"voters":[{{"voterId":1}},{{"voterId":2}},{{"voterId":3}}],"grantingVoters":[{{"voterId":1}},{{"voterId":2}},{{"voterId":3}}]}}"#
    );
    assert_eq!(lines(&output)[3], expected);
}

/// `DumpLogSegmentsOptions.messageParser` tries `--offsets-decoder` first and
/// `--transaction-log-decoder` before `--cluster-metadata-decoder`.
#[test]
fn the_parsers_are_chosen_in_kafkas_order() {
    let mut cluster = three_brokers();
    let output = dump(
        &mut cluster,
        &format!(
            "--offsets-decoder --cluster-metadata-decoder --skip-record-metadata --files {LOG}"
        ),
    );
    assert_eq!(
        output.stderr(),
        "Exception in thread \"main\" java.lang.RuntimeException: Failed to decode message at \
         offset 1 using the specified decoder (message had a missing key)\n"
    );
    let output = dump(
        &mut cluster,
        &format!("--cluster-metadata-decoder --transaction-log-decoder --files {LOG}"),
    );
    assert!(output.failed);
    assert!(
        output
            .stderr()
            .contains("--transaction-log-decoder is not available"),
        "{}",
        output.stderr()
    );
}
