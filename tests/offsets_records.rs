#![cfg(not(target_arch = "wasm32"))]
//! The `__consumer_offsets` record codec (`engine::group::records`) against Kafka 4.1's formats:
//! golden values from the JDK (`String.hashCode` partitioning, and record bytes written by hand
//! from Kafka's JSON schemas with `java.io.DataOutputStream` — tests/java/OffsetsGolden.java),
//! property tests (round trips, every truncation, hostile bytes never panic), and a cross-check
//! with kafka-python's schema-driven codec (tests/python/crosscheck_offsets.py). Kafka's own
//! classes cannot run on these machines, so those two are the independent writers and readers.

use kafka_playground::engine::group::assignor::{Subscription, TopicPartition};
use kafka_playground::engine::group::records::{
    deserialize, partition_for, ClassicMemberMetadata, ClassicProtocol,
    ConsumerGroupCurrentMemberAssignmentValue, ConsumerGroupMemberMetadataValue,
    ConsumerGroupMetadataValue, ConsumerGroupPartitionMetadataValue,
    ConsumerGroupRegularExpressionValue, ConsumerGroupTargetAssignmentMemberValue,
    ConsumerGroupTargetAssignmentMetadataValue, ConsumerProtocolAssignment,
    ConsumerProtocolSubscription, CoordinatorRecord, GroupMetadataKey, GroupMetadataValue,
    LegacyOffsetCommitValue, MemberMetadata, OffsetCommitKey, OffsetCommitValue, PartitionMetadata,
    RawTaggedField, RecordError, RecordKey, RecordValue, TopicMetadata, TopicPartitionList,
    TopicPartitions, VersionedValue,
};
use kafka_playground::engine::ids::Uuid;
use proptest::collection::vec;
use proptest::prelude::*;

const T0: i64 = 1_735_689_600_000;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn record(key: RecordKey, version: i16, value: RecordValue) -> CoordinatorRecord {
    CoordinatorRecord {
        key,
        value: Some(VersionedValue { version, value }),
    }
}

fn offset_key(group: &str, topic: &str, partition: i32) -> RecordKey {
    RecordKey::OffsetCommit(OffsetCommitKey {
        group: group.into(),
        topic: topic.into(),
        partition,
    })
}

fn value_bytes(r: &CoordinatorRecord) -> Vec<u8> {
    r.serialize_value()
        .expect("encodes")
        .expect("not a tombstone")
}

// ---------------------------------------------------------------------------------------------
// Golden values from the JDK 17 (tests/java/OffsetsGolden.java).

#[test]
fn partition_for_is_java_string_hash_code_with_utils_abs() {
    // (group id, String.hashCode, Utils.abs(h) % 50, Utils.abs(h) % 3) from the JDK.
    let cases = [
        ("", 0, 0, 0),
        ("group", 98_629_247, 47, 2),
        ("my-group", -1_906_497_762, 12, 0),
        ("console-consumer-12345", 158_455_506, 6, 0),
        // Integer.MIN_VALUE: Utils.abs gives 0 (Math.abs would stay negative).
        ("polygenelubricants", i32::MIN, 0, 0),
        ("그룹", 1_427_969, 19, 2),
        // A character above U+FFFF counts as two UTF-16 code units.
        ("g\u{1F600}", 1_871_882, 32, 2),
        ("orders.v2_consumers", -1_151_959_645, 45, 1),
    ];
    for (group, hash, of50, of3) in cases {
        assert_eq!(
            kafka_playground::engine::group::assignor::java_string_hash(group),
            hash,
            "{group}"
        );
        assert_eq!(partition_for(group, 50), of50, "{group}");
        assert_eq!(partition_for(group, 3), of3, "{group}");
    }
    assert_eq!(partition_for("group", 0), 0);
}

/// Records and the bytes the Java program wrote for them from the schemas.
fn golden_records() -> Vec<(CoordinatorRecord, &'static str, &'static str)> {
    let topic_id = Uuid::new(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210);
    let subscription = ConsumerProtocolSubscription {
        topics: vec!["t".into()],
        user_data: None,
        owned_partitions: vec![TopicPartitionList {
            topic: "t".into(),
            partitions: vec![0],
        }],
        generation_id: 5,
        rack_id: None,
    };
    let assignment = ConsumerProtocolAssignment {
        assigned_partitions: vec![TopicPartitionList {
            topic: "t".into(),
            partitions: vec![0, 1],
        }],
        user_data: None,
    };
    let member = MemberMetadata {
        member_id: "m-1".into(),
        group_instance_id: None,
        client_id: "c".into(),
        client_host: "/10.0.0.1".into(),
        rebalance_timeout: 300_000,
        session_timeout: 45_000,
        subscription: subscription.serialize(3).expect("subscription"),
        assignment: assignment.serialize(3).expect("assignment"),
        unknown_tagged_fields: vec![],
    };
    let offset = |leader_epoch, metadata: &str, expire, topic_id| {
        RecordValue::OffsetCommit(OffsetCommitValue {
            offset: 42,
            leader_epoch,
            metadata: metadata.into(),
            commit_timestamp: T0,
            expire_timestamp: expire,
            topic_id,
            unknown_tagged_fields: vec![],
        })
    };
    vec![
        (
            record(offset_key("g", "t", 3), 1, offset(-1, "m", T0 + 86_400_000, Uuid::ZERO)),
            "000100016700017400000003",
            "0001000000000000002a00016d000001941f297c0000000194244fd800",
        ),
        (
            record(offset_key("g", "t", 3), 3, offset(7, "", -1, Uuid::ZERO)),
            "000100016700017400000003",
            "0003000000000000002a000000070000000001941f297c00",
        ),
        (
            record(offset_key("g", "t", 3), 4, offset(7, "m", -1, topic_id)),
            "000100016700017400000003",
            "0004000000000000002a00000007026d000001941f297c000100100123456789abcdeffedcba9876543210",
        ),
        (
            record(
                RecordKey::GroupMetadata(GroupMetadataKey { group: "g".into() }),
                3,
                RecordValue::GroupMetadata(GroupMetadataValue {
                    protocol_type: "consumer".into(),
                    generation: 5,
                    protocol: Some("range".into()),
                    leader: Some("m-1".into()),
                    current_state_timestamp: T0,
                    members: vec![member],
                    unknown_tagged_fields: vec![],
                }),
            ),
            "0002000167",
            "00030008636f6e73756d657200000005000572616e676500036d2d31000001941f297c000000000100036d2d31ffff00016300092f31302e302e302e31000493e00000afc800000022000300000001000174ffffffff00000001000174000000010000000000000005ffff00000019000300000001000174000000020000000000000001ffffffff",
        ),
        (
            record(
                RecordKey::ConsumerGroupMetadata {
                    group_id: "g".into(),
                },
                0,
                RecordValue::ConsumerGroupMetadata(ConsumerGroupMetadataValue {
                    epoch: 10,
                    metadata_hash: -2,
                    unknown_tagged_fields: vec![],
                }),
            ),
            "0003000167",
            "00000000000a010008fffffffffffffffe",
        ),
    ]
}

#[test]
fn records_match_bytes_written_from_kafkas_schemas() {
    for (record, key, value) in golden_records() {
        assert_eq!(
            record.serialize_key().expect("key"),
            unhex(key),
            "{:?}",
            record.key
        );
        assert_eq!(value_bytes(&record), unhex(value), "{:?}", record.key);
        let read = deserialize(&unhex(key), Some(&unhex(value))).expect("decodes");
        assert_eq!(read, record);
    }
}

#[test]
fn consumer_protocol_payloads_match_the_java_bytes() {
    let (version, sub) = ConsumerProtocolSubscription::deserialize(&unhex(
        "000300000001000174ffffffff00000001000174000000010000000000000005ffff",
    ))
    .expect("subscription");
    assert_eq!(version, 3);
    let view = sub.to_subscription();
    assert_eq!(view.topics, ["t"]);
    assert_eq!(view.owned_partitions, [TopicPartition::new("t", 0)]);
    assert_eq!(view.generation_id, Some(5));
    let again = ConsumerProtocolSubscription::from_subscription(
        &Subscription::new(["t"])
            .with_owned([TopicPartition::new("t", 0)])
            .with_generation(5),
        None,
    );
    assert_eq!(again, sub);
    let (_, assignment) = ConsumerProtocolAssignment::deserialize(&unhex(
        "000300000001000174000000020000000000000001ffffffff",
    ))
    .expect("assignment");
    assert_eq!(
        assignment.partitions(),
        [TopicPartition::new("t", 0), TopicPartition::new("t", 1)]
    );
}

#[test]
fn tombstones_and_kafkas_messages() {
    let key = unhex("000100016700017400000003");
    let tombstone = deserialize(&key, None).expect("tombstone");
    assert_eq!(tombstone.value, None);
    let tombstone_bytes = tombstone.serialize_value().expect("value");
    assert_eq!(tombstone_bytes, None);
    assert_eq!(
        deserialize(&[0x7f, 0xff], None),
        Err(RecordError::UnknownRecordType(i16::MAX))
    );
    assert_eq!(
        deserialize(&[0], None).map_err(|e| e.kafka_message()),
        Err("Could not read version from key's buffer.".into())
    );
    assert_eq!(
        deserialize(&key, Some(&[0, 1, 0, 0])).map_err(|e| e.kafka_message()),
        Err("Could not read record with version 1 from value's buffer due to: null.".into())
    );
    assert_eq!(
        deserialize(&key[..4], None).map_err(|e| e.kafka_message()),
        Err(
            "Could not read record with version 1 from key's buffer due to: Error reading string \
             of length 1, only 0 bytes available."
                .into()
        )
    );
}

#[test]
fn a_value_of_another_type_fails_as_in_dump_log_segments_test() {
    // DumpLogSegmentsTest.testOffsetsMessageParser: a ConsumerGroupMemberMetadataValue written
    // under a ConsumerGroupMetadataKey is read as a ConsumerGroupMetadataValue, whose tag 1
    // (unknown in 4.1) claims 536870911 bytes.
    let wrong = record(
        RecordKey::ConsumerGroupMetadata {
            group_id: "group".into(),
        },
        0,
        RecordValue::ConsumerGroupMemberMetadata(ConsumerGroupMemberMetadataValue::default()),
    );
    let key = wrong.serialize_key().expect("key");
    let value = value_bytes(&wrong);
    assert_eq!(
        deserialize(&key, Some(&value)).map_err(|e| e.kafka_message()),
        Err(
            "Could not read record with version 0 from value's buffer due to: Error reading byte \
             array of 536870911 byte(s): only 1 byte(s) available."
                .into()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests.

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9._-]{0,12}", "\\PC{0,6}"]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn uuid() -> impl Strategy<Value = Uuid> {
    (any::<u64>(), any::<u64>()).prop_map(|(m, l)| Uuid::new(m, l))
}

fn unknown_tags() -> impl Strategy<Value = Vec<RawTaggedField>> {
    // Unknown tags sit above the known ones, in increasing order (as a reader keeps them).
    vec(vec(any::<u8>(), 0..4), 0..2).prop_map(|datas| {
        datas
            .into_iter()
            .enumerate()
            .map(|(i, data)| RawTaggedField {
                tag: 5 + i as u32,
                data,
            })
            .collect()
    })
}

fn topic_partitions() -> impl Strategy<Value = Vec<TopicPartitions>> {
    vec(
        (uuid(), vec(any::<i32>(), 0..4), unknown_tags()).prop_map(|(topic_id, partitions, u)| {
            TopicPartitions {
                topic_id,
                partitions,
                unknown_tagged_fields: u,
            }
        }),
        0..3,
    )
}

fn offset_commit(version: i16) -> impl Strategy<Value = RecordValue> {
    (
        any::<i64>(),
        any::<i32>(),
        text(),
        any::<i64>(),
        any::<i64>(),
        uuid(),
        unknown_tags(),
    )
        .prop_map(
            move |(offset, epoch, metadata, commit, expire, topic_id, unknown)| {
                // Fields a version does not have keep their defaults (Kafka drops them on write).
                RecordValue::OffsetCommit(OffsetCommitValue {
                    offset,
                    leader_epoch: if version >= 3 { epoch } else { -1 },
                    metadata,
                    commit_timestamp: commit,
                    expire_timestamp: if version == 1 { expire } else { -1 },
                    topic_id: if version >= 4 { topic_id } else { Uuid::ZERO },
                    unknown_tagged_fields: if version >= 4 { unknown } else { vec![] },
                })
            },
        )
}

fn member(version: i16) -> impl Strategy<Value = MemberMetadata> {
    (
        (text(), opt_text(), text(), text()),
        (
            any::<i32>(),
            any::<i32>(),
            vec(any::<u8>(), 0..8),
            vec(any::<u8>(), 0..8),
        ),
        unknown_tags(),
    )
        .prop_map(
            move |((id, instance, client, host), (rebalance, session, sub, asg), u)| {
                MemberMetadata {
                    member_id: id,
                    group_instance_id: if version >= 3 { instance } else { None },
                    client_id: client,
                    client_host: host,
                    rebalance_timeout: if version >= 1 { rebalance } else { 0 },
                    session_timeout: session,
                    subscription: sub,
                    assignment: asg,
                    unknown_tagged_fields: if version >= 4 { u } else { vec![] },
                }
            },
        )
}

fn group_metadata(version: i16) -> impl Strategy<Value = RecordValue> {
    (
        (text(), any::<i32>(), opt_text(), opt_text(), any::<i64>()),
        vec(member(version), 0..3),
        unknown_tags(),
    )
        .prop_map(
            move |((ptype, generation, protocol, leader, ts), members, u)| {
                RecordValue::GroupMetadata(GroupMetadataValue {
                    protocol_type: ptype,
                    generation,
                    protocol,
                    leader,
                    current_state_timestamp: if version >= 2 { ts } else { -1 },
                    members,
                    unknown_tagged_fields: if version >= 4 { u } else { vec![] },
                })
            },
        )
}

fn consumer_group_value(record_type: i16) -> BoxedStrategy<RecordValue> {
    match record_type {
        3 => (any::<i32>(), any::<i64>(), unknown_tags())
            .prop_map(|(epoch, hash, u)| {
                RecordValue::ConsumerGroupMetadata(ConsumerGroupMetadataValue {
                    epoch,
                    metadata_hash: hash,
                    unknown_tagged_fields: u,
                })
            })
            .boxed(),
        4 => vec(
            (
                uuid(),
                text(),
                any::<i32>(),
                vec((any::<i32>(), vec(text(), 0..3)), 0..3),
            ),
            0..3,
        )
        .prop_map(|topics| {
            RecordValue::ConsumerGroupPartitionMetadata(ConsumerGroupPartitionMetadataValue {
                topics: topics
                    .into_iter()
                    .map(
                        |(topic_id, topic_name, num_partitions, parts)| TopicMetadata {
                            topic_id,
                            topic_name,
                            num_partitions,
                            partition_metadata: parts
                                .into_iter()
                                .map(|(partition, racks)| PartitionMetadata {
                                    partition,
                                    racks,
                                    unknown_tagged_fields: vec![],
                                })
                                .collect(),
                            unknown_tagged_fields: vec![],
                        },
                    )
                    .collect(),
                unknown_tagged_fields: vec![],
            })
        })
        .boxed(),
        5 => (
            (
                opt_text(),
                opt_text(),
                text(),
                text(),
                vec(text(), 0..3),
                opt_text(),
            ),
            (any::<i32>(), opt_text()),
            proptest::option::of((any::<i32>(), vec((text(), vec(any::<u8>(), 0..4)), 0..3))),
            unknown_tags(),
        )
            .prop_map(
                |((instance, rack, client, host, topics, regex), (rt, assignor), classic, u)| {
                    RecordValue::ConsumerGroupMemberMetadata(ConsumerGroupMemberMetadataValue {
                        instance_id: instance,
                        rack_id: rack,
                        client_id: client,
                        client_host: host,
                        subscribed_topic_names: topics,
                        subscribed_topic_regex: regex,
                        rebalance_timeout_ms: rt,
                        server_assignor: assignor,
                        classic_member_metadata: classic.map(|(session, protocols)| {
                            ClassicMemberMetadata {
                                session_timeout_ms: session,
                                supported_protocols: protocols
                                    .into_iter()
                                    .map(|(name, metadata)| ClassicProtocol {
                                        name,
                                        metadata,
                                        unknown_tagged_fields: vec![],
                                    })
                                    .collect(),
                                unknown_tagged_fields: vec![],
                            }
                        }),
                        unknown_tagged_fields: u,
                    })
                },
            )
            .boxed(),
        6 => any::<i32>()
            .prop_map(|epoch| {
                RecordValue::ConsumerGroupTargetAssignmentMetadata(
                    ConsumerGroupTargetAssignmentMetadataValue {
                        assignment_epoch: epoch,
                        unknown_tagged_fields: vec![],
                    },
                )
            })
            .boxed(),
        7 => topic_partitions()
            .prop_map(|tps| {
                RecordValue::ConsumerGroupTargetAssignmentMember(
                    ConsumerGroupTargetAssignmentMemberValue {
                        topic_partitions: tps,
                        unknown_tagged_fields: vec![],
                    },
                )
            })
            .boxed(),
        _ => (
            any::<i32>(),
            any::<i32>(),
            any::<i8>(),
            topic_partitions(),
            topic_partitions(),
        )
            .prop_map(|(epoch, previous, state, assigned, pending)| {
                RecordValue::ConsumerGroupCurrentMemberAssignment(
                    ConsumerGroupCurrentMemberAssignmentValue {
                        member_epoch: epoch,
                        previous_member_epoch: previous,
                        state,
                        assigned_partitions: assigned,
                        partitions_pending_revocation: pending,
                        unknown_tagged_fields: vec![],
                    },
                )
            })
            .boxed(),
    }
}

fn key_of(record_type: i16, group: String, member: String, topic: String, p: i32) -> RecordKey {
    let offset = OffsetCommitKey {
        group: group.clone(),
        topic,
        partition: p,
    };
    match record_type {
        0 => RecordKey::LegacyOffsetCommit(offset),
        1 => RecordKey::OffsetCommit(offset),
        2 => RecordKey::GroupMetadata(GroupMetadataKey { group }),
        3 => RecordKey::ConsumerGroupMetadata { group_id: group },
        4 => RecordKey::ConsumerGroupPartitionMetadata { group_id: group },
        5 => RecordKey::ConsumerGroupMemberMetadata {
            group_id: group,
            member_id: member,
        },
        6 => RecordKey::ConsumerGroupTargetAssignmentMetadata { group_id: group },
        7 => RecordKey::ConsumerGroupTargetAssignmentMember {
            group_id: group,
            member_id: member,
        },
        8 => RecordKey::ConsumerGroupCurrentMemberAssignment {
            group_id: group,
            member_id: member,
        },
        _ => RecordKey::ConsumerGroupRegularExpression {
            group_id: group,
            regular_expression: member,
        },
    }
}

/// Any record Kafka 4.1 could write (plus unknown tagged fields), with a matching key and value.
pub fn any_record() -> impl Strategy<Value = CoordinatorRecord> {
    (
        0i16..=8,
        0i16..=4,
        text(),
        text(),
        text(),
        any::<i32>(),
        any::<bool>(),
    )
        .prop_flat_map(|(t, v, group, member, topic, p, tombstone)| {
            // 9 stands for type 16, the regular expression record.
            let t = if t == 9 { 16 } else { t };
            let key = key_of(t, group, member, topic, p);
            let (version, value): (i16, BoxedStrategy<RecordValue>) = match t {
                0 => (
                    0,
                    (any::<i64>(), text(), any::<i64>())
                        .prop_map(|(offset, metadata, commit_timestamp)| {
                            RecordValue::LegacyOffsetCommit(LegacyOffsetCommitValue {
                                offset,
                                metadata,
                                commit_timestamp,
                            })
                        })
                        .boxed(),
                ),
                1 => (v, offset_commit(v).boxed()),
                2 => (v, group_metadata(v).boxed()),
                _ => (0, consumer_group_value(t)),
            };
            value.prop_map(move |value| CoordinatorRecord {
                key: key.clone(),
                value: (!tombstone).then_some(VersionedValue { version, value }),
            })
        })
}

proptest! {
    #[test]
    fn every_record_round_trips(record in any_record()) {
        let key = record.serialize_key().expect("key");
        let value = record.serialize_value().expect("value");
        let read = deserialize(&key, value.as_deref()).expect("decodes");
        prop_assert_eq!(&read, &record);
        // Every truncation is an error, never a panic (keys and values end exactly).
        for cut in 0..key.len() {
            prop_assert!(deserialize(&key[..cut], value.as_deref()).is_err());
        }
        if let Some(value) = &value {
            for cut in 0..value.len() {
                prop_assert!(deserialize(&key, Some(&value[..cut])).is_err());
            }
        }
    }

    #[test]
    fn consumer_protocol_round_trips(
        topics in vec(text(), 0..3),
        user_data in proptest::option::of(vec(any::<u8>(), 0..6)),
        owned in vec((text(), vec(any::<i32>(), 0..3)), 0..3),
        generation_id in any::<i32>(),
        rack_id in opt_text(),
        version in 0i16..=3,
    ) {
        let owned: Vec<TopicPartitionList> = owned
            .into_iter()
            .map(|(topic, partitions)| TopicPartitionList { topic, partitions })
            .collect();
        let sub = ConsumerProtocolSubscription {
            topics,
            user_data: user_data.clone(),
            owned_partitions: if version >= 1 { owned.clone() } else { vec![] },
            generation_id: if version >= 2 { generation_id } else { -1 },
            rack_id: if version >= 3 { rack_id } else { None },
        };
        let bytes = sub.serialize(version).expect("encodes");
        prop_assert_eq!(ConsumerProtocolSubscription::deserialize(&bytes), Ok((version, sub)));
        let assignment = ConsumerProtocolAssignment { assigned_partitions: owned, user_data };
        let bytes = assignment.serialize(version).expect("encodes");
        prop_assert_eq!(ConsumerProtocolAssignment::deserialize(&bytes), Ok((version, assignment)));
    }

    #[test]
    fn hostile_bytes_never_panic(
        key in vec(any::<u8>(), 0..40),
        value in proptest::option::of(vec(any::<u8>(), 0..80)),
        record_type in 0i16..=17,
        version in -1i16..=5,
    ) {
        let _ = deserialize(&key, value.as_deref());
        // The same garbage behind every valid record type and version prefix.
        let mut typed = record_type.to_be_bytes().to_vec();
        typed.extend_from_slice(&key);
        let mut versioned = version.to_be_bytes().to_vec();
        versioned.extend_from_slice(value.as_deref().unwrap_or_default());
        let _ = deserialize(&typed, Some(&versioned));
        let _ = ConsumerProtocolSubscription::deserialize(&versioned);
        let _ = ConsumerProtocolAssignment::deserialize(&versioned);
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-check with kafka-python (tests/python/crosscheck_offsets.py).

#[path = "python/runner.rs"]
mod python;

fn kind(value: &RecordValue) -> Option<&'static str> {
    Some(match value {
        RecordValue::LegacyOffsetCommit(_) => return None,
        RecordValue::OffsetCommit(_) => "OffsetCommitValue",
        RecordValue::GroupMetadata(_) => "GroupMetadataValue",
        RecordValue::ConsumerGroupMetadata(_) => "ConsumerGroupMetadataValue",
        RecordValue::ConsumerGroupPartitionMetadata(_) => "ConsumerGroupPartitionMetadataValue",
        RecordValue::ConsumerGroupMemberMetadata(_) => "ConsumerGroupMemberMetadataValue",
        RecordValue::ConsumerGroupTargetAssignmentMetadata(_) => {
            "ConsumerGroupTargetAssignmentMetadataValue"
        }
        RecordValue::ConsumerGroupTargetAssignmentMember(_) => {
            "ConsumerGroupTargetAssignmentMemberValue"
        }
        RecordValue::ConsumerGroupCurrentMemberAssignment(_) => {
            "ConsumerGroupCurrentMemberAssignmentValue"
        }
        RecordValue::ConsumerGroupRegularExpression(_) => "ConsumerGroupRegularExpressionValue",
    })
}

#[test]
fn kafka_python_reads_and_rewrites_our_messages() {
    let test = "kafka_python_reads_and_rewrites_our_messages";
    if python::require_kafka_python(test).is_none() {
        return;
    }
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut cases = Vec::new();
    let case = |kind: &str, bytes: &[u8]| {
        format!(
            "{{\"kind\": \"{kind}\", \"hex\": \"{}\"}}",
            python::hex(bytes)
        )
    };
    for (record, _, value) in golden_records() {
        if let Some(v) = &record.value {
            cases.push(case(kind(&v.value).unwrap_or_default(), &unhex(value)));
        }
    }
    while cases.len() < 400 {
        let record = any_record().new_tree(&mut runner).expect("tree").current();
        let Some(v) = &record.value else { continue };
        let Some(kind) = kind(&v.value) else { continue };
        // kafka-python reads unknown tagged fields but does not write them back.
        if format!("{:?}", v.value).contains("RawTaggedField {") {
            continue;
        }
        cases.push(case(kind, &value_bytes(&record)));
    }
    for version in 0..=3 {
        let sub = ConsumerProtocolSubscription {
            topics: vec!["orders".into(), "그룹".into()],
            user_data: (version % 2 == 1).then(|| vec![1, 2, 3]),
            owned_partitions: if version >= 1 {
                vec![TopicPartitionList {
                    topic: "orders".into(),
                    partitions: vec![2, 0],
                }]
            } else {
                vec![]
            },
            generation_id: if version >= 2 { 7 } else { -1 },
            rack_id: (version >= 3).then(|| "rack-a".into()),
        };
        cases.push(case(
            "ConsumerProtocolSubscription",
            &sub.serialize(version).expect("subscription"),
        ));
        let assignment = ConsumerProtocolAssignment {
            assigned_partitions: sub.owned_partitions.clone(),
            user_data: sub.user_data.clone(),
        };
        cases.push(case(
            "ConsumerProtocolAssignment",
            &assignment.serialize(version).expect("assignment"),
        ));
    }
    let dir = python::scratch_dir("offsets-records");
    let file = dir.join("cases.json");
    let text = format!("{{\"cases\": [\n{}\n]}}\n", cases.join(",\n"));
    std::fs::write(&file, text).expect("cases written");
    let path = file.to_string_lossy().into_owned();
    let summary = python::run_script("crosscheck_offsets.py", &["verify", &path]);
    assert!(summary.contains(", 0 disagreements"), "{summary}");
}
