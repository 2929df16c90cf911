//! Golden values from the JDK 17 (tests/java/OffsetsGolden.java) and Kafka's messages.

use super::*;

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
pub fn golden_records() -> Vec<(CoordinatorRecord, &'static str, &'static str)> {
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
