//! Golden lines from Kafka's `DumpLogSegmentsTest.testOffsetsMessageParser` (tools, 4.x), and
//! lines for the other record types derived from the generated `JsonConverter` rules.

use super::*;
use crate::engine::group::records::{
    ConsumerGroupMemberMetadataValue, ConsumerGroupMetadataValue, GroupMetadataKey,
    OffsetCommitValue, VersionedValue,
};

fn record(key: RecordKey, value: Option<(i16, RecordValue)>) -> CoordinatorRecord {
    CoordinatorRecord {
        key,
        value: value.map(|(version, value)| VersionedValue { version, value }),
    }
}

fn parsed(r: &CoordinatorRecord) -> (Option<String>, Option<String>) {
    let key = r.serialize_key().expect("key");
    let value = r.serialize_value().expect("value");
    parse(0, Some(&key), value.as_deref()).expect("parses")
}

fn group_key() -> RecordKey {
    RecordKey::ConsumerGroupMetadata {
        group_id: "group".into(),
    }
}

fn group_metadata(subscription: Vec<u8>, assignment: Vec<u8>) -> CoordinatorRecord {
    let member = MemberMetadata {
        member_id: "member".into(),
        group_instance_id: Some("instance".into()),
        client_id: "client".into(),
        client_host: "host".into(),
        rebalance_timeout: 1000,
        session_timeout: 100,
        subscription,
        assignment,
        unknown_tagged_fields: vec![],
    };
    let value = GroupMetadataValue {
        protocol_type: "consumer".into(),
        generation: 10,
        protocol: Some("range".into()),
        leader: Some("member".into()),
        members: vec![member],
        ..GroupMetadataValue::default()
    };
    record(
        RecordKey::GroupMetadata(GroupMetadataKey {
            group: "group".into(),
        }),
        Some((4, RecordValue::GroupMetadata(value))),
    )
}

#[test]
fn kafkas_golden_lines() {
    let epoch = ConsumerGroupMetadataValue {
        epoch: 10,
        ..ConsumerGroupMetadataValue::default()
    };
    let valid = record(
        group_key(),
        Some((0, RecordValue::ConsumerGroupMetadata(epoch.clone()))),
    );
    assert_eq!(
        parsed(&valid),
        (
            Some(r#"{"type":"3","data":{"groupId":"group"}}"#.into()),
            Some(r#"{"version":"0","data":{"epoch":10}}"#.into())
        )
    );

    // Consumer embedded protocol is parsed if possible (ConsumerProtocol.serializeSubscription
    // and serializeAssignment write their highest version, 3).
    let foo0 = vec![TopicPartitionList {
        topic: "foo".into(),
        partitions: vec![0],
    }];
    let subscription = ConsumerProtocolSubscription {
        topics: vec!["foo".into()],
        user_data: None,
        owned_partitions: foo0.clone(),
        generation_id: 0,
        rack_id: Some("rack".into()),
    };
    let assignment = ConsumerProtocolAssignment {
        assigned_partitions: foo0,
        user_data: None,
    };
    let decoded = group_metadata(
        subscription.serialize(3).expect("subscription"),
        assignment.serialize(3).expect("assignment"),
    );
    let prefix = r#"{"version":"4","data":{"protocolType":"consumer","generation":10,"protocol":"range","leader":"member","currentStateTimestamp":-1,"members":[{"memberId":"member","groupInstanceId":"instance","clientId":"client","clientHost":"host","rebalanceTimeout":1000,"sessionTimeout":100,"subscription":"#;
    assert_eq!(
        parsed(&decoded),
        (
            Some(r#"{"type":"2","data":{"group":"group"}}"#.into()),
            Some(format!(
                "{prefix}{}",
                r#"{"topics":["foo"],"userData":null,"ownedPartitions":[{"topic":"foo","partitions":[0]}],"generationId":0,"rackId":"rack"},"assignment":{"assignedPartitions":[{"topic":"foo","partitions":[0]}],"userData":null}}]}}"#
            ))
        )
    );

    // Consumer embedded protocol is not parsed if malformed.
    let malformed = group_metadata(b"Subscription".to_vec(), b"Assignment".to_vec());
    assert_eq!(
        parsed(&malformed).1,
        Some(format!(
            "{prefix}{}",
            r#""U3Vic2NyaXB0aW9u","assignment":"QXNzaWdubWVudA=="}]}}"#
        ))
    );

    // A valid key with a tombstone should work.
    assert_eq!(
        parsed(&record(group_key(), None)),
        (
            Some(r#"{"type":"3","data":{"groupId":"group"}}"#.into()),
            Some("<DELETE>".into())
        )
    );

    // An unknown record type should be handled and reported as such.
    assert_eq!(
        parse(0, Some(&[0x7f, 0xff]), Some(&[])),
        Ok((
            Some("Unknown record type 32767 at offset 0, skipping.".into()),
            None
        ))
    );

    // Any parsing error is swallowed and reported.
    let wrong = record(
        group_key(),
        Some((
            0,
            RecordValue::ConsumerGroupMemberMetadata(ConsumerGroupMemberMetadataValue::default()),
        )),
    );
    assert_eq!(
        parsed(&wrong),
        (
            Some(
                "Error at offset 0, skipping. Could not read record with version 0 from value's \
                 buffer due to: Error reading byte array of 536870911 byte(s): only 1 byte(s) \
                 available."
                    .into()
            ),
            None
        )
    );

    // The key is mandatory.
    assert_eq!(
        parse(0, None, None),
        Err(Failure::java(
            RUNTIME_EXCEPTION,
            "Failed to decode message at offset 0 using the specified decoder (message had a \
             missing key)"
        ))
    );
}

#[test]
fn offset_commits_print_the_fields_of_their_version() {
    let key = RecordKey::OffsetCommit(OffsetCommitKey {
        group: "g".into(),
        topic: "t".into(),
        partition: 0,
    });
    let value = OffsetCommitValue {
        offset: 16,
        leader_epoch: 3,
        metadata: String::new(),
        commit_timestamp: 1_735_689_600_000,
        expire_timestamp: 1_735_776_000_000,
        topic_id: Uuid::new(0, 1),
        unknown_tagged_fields: vec![],
    };
    let cases = [
        (
            0,
            r#"{"offset":16,"metadata":"","commitTimestamp":1735689600000}"#,
        ),
        (
            1,
            r#"{"offset":16,"metadata":"","commitTimestamp":1735689600000,"expireTimestamp":1735776000000}"#,
        ),
        (
            3,
            r#"{"offset":16,"leaderEpoch":3,"metadata":"","commitTimestamp":1735689600000}"#,
        ),
        (
            4,
            r#"{"offset":16,"leaderEpoch":3,"metadata":"","commitTimestamp":1735689600000,"topicId":"AAAAAAAAAAAAAAAAAAAAAQ"}"#,
        ),
    ];
    for (version, data) in cases {
        let r = record(
            key.clone(),
            Some((version, RecordValue::OffsetCommit(value.clone()))),
        );
        assert_eq!(
            parsed(&r),
            (
                Some(r#"{"type":"1","data":{"group":"g","topic":"t","partition":0}}"#.into()),
                Some(format!(r#"{{"version":"{version}","data":{data}}}"#))
            )
        );
    }
    // A truncated value: Kafka's BufferUnderflowException has no message.
    let key_bytes = record(key, None).serialize_key().expect("key");
    assert_eq!(
        parse(7, Some(&key_bytes), Some(&[0, 3, 0])),
        Ok((
            Some(
                "Error at offset 7, skipping. Could not read record with version 3 from value's \
                 buffer due to: null."
                    .into()
            ),
            None
        ))
    );
}

#[test]
fn base64_is_jacksons() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
}

#[test]
fn kip_848_records_print_every_field_in_schema_order() {
    use crate::engine::group::records::{
        ClassicProtocol, ConsumerGroupCurrentMemberAssignmentValue,
        ConsumerGroupRegularExpressionValue, ConsumerGroupTargetAssignmentMemberValue,
    };
    let member = |group: &str| RecordKey::ConsumerGroupMemberMetadata {
        group_id: group.into(),
        member_id: "m".into(),
    };
    let metadata = ConsumerGroupMemberMetadataValue {
        instance_id: None,
        rack_id: None,
        client_id: "c".into(),
        client_host: "/h".into(),
        subscribed_topic_names: vec!["foo".into()],
        subscribed_topic_regex: None,
        rebalance_timeout_ms: 300_000,
        server_assignor: Some("uniform".into()),
        classic_member_metadata: Some(ClassicMemberMetadata {
            session_timeout_ms: 45_000,
            supported_protocols: vec![ClassicProtocol {
                name: "range".into(),
                metadata: vec![0, 3],
                unknown_tagged_fields: vec![],
            }],
            unknown_tagged_fields: vec![],
        }),
        unknown_tagged_fields: vec![],
    };
    let r = record(
        member("g"),
        Some((0, RecordValue::ConsumerGroupMemberMetadata(metadata))),
    );
    assert_eq!(
        parsed(&r),
        (
            Some(r#"{"type":"5","data":{"groupId":"g","memberId":"m"}}"#.into()),
            Some(r#"{"version":"0","data":{"instanceId":null,"rackId":null,"clientId":"c","clientHost":"/h","subscribedTopicNames":["foo"],"subscribedTopicRegex":null,"rebalanceTimeoutMs":300000,"serverAssignor":"uniform","classicMemberMetadata":{"sessionTimeoutMs":45000,"supportedProtocols":[{"name":"range","metadata":"AAM="}]}}}"#.into())
        )
    );
    let foo = TopicPartitions {
        topic_id: Uuid::new(0, 1),
        partitions: vec![0, 2],
        unknown_tagged_fields: vec![],
    };
    let current = ConsumerGroupCurrentMemberAssignmentValue {
        member_epoch: 5,
        previous_member_epoch: 4,
        state: 1,
        assigned_partitions: vec![foo.clone()],
        partitions_pending_revocation: vec![],
        unknown_tagged_fields: vec![],
    };
    let key = RecordKey::ConsumerGroupCurrentMemberAssignment {
        group_id: "g".into(),
        member_id: "m".into(),
    };
    let r = record(
        key,
        Some((
            0,
            RecordValue::ConsumerGroupCurrentMemberAssignment(current),
        )),
    );
    assert_eq!(
        parsed(&r).1,
        Some(r#"{"version":"0","data":{"memberEpoch":5,"previousMemberEpoch":4,"state":1,"assignedPartitions":[{"topicId":"AAAAAAAAAAAAAAAAAAAAAQ","partitions":[0,2]}],"partitionsPendingRevocation":[]}}"#.into())
    );
    let target = ConsumerGroupTargetAssignmentMemberValue {
        topic_partitions: vec![foo],
        unknown_tagged_fields: vec![],
    };
    let key = RecordKey::ConsumerGroupTargetAssignmentMember {
        group_id: "g".into(),
        member_id: "m".into(),
    };
    let r = record(
        key,
        Some((0, RecordValue::ConsumerGroupTargetAssignmentMember(target))),
    );
    assert_eq!(
        parsed(&r),
        (
            Some(r#"{"type":"7","data":{"groupId":"g","memberId":"m"}}"#.into()),
            Some(r#"{"version":"0","data":{"topicPartitions":[{"topicId":"AAAAAAAAAAAAAAAAAAAAAQ","partitions":[0,2]}]}}"#.into())
        )
    );
    let regex = ConsumerGroupRegularExpressionValue {
        topics: vec!["orders-eu".into()],
        version: 12,
        timestamp: 1_735_689_600_000,
        unknown_tagged_fields: vec![],
    };
    let key = RecordKey::ConsumerGroupRegularExpression {
        group_id: "g".into(),
        regular_expression: "orders-.*".into(),
    };
    let r = record(
        key,
        Some((0, RecordValue::ConsumerGroupRegularExpression(regex))),
    );
    assert_eq!(
        parsed(&r),
        (
            Some(r#"{"type":"16","data":{"groupId":"g","regularExpression":"orders-.*"}}"#.into()),
            Some(r#"{"version":"0","data":{"topics":["orders-eu"],"version":12,"timestamp":1735689600000}}"#.into())
        )
    );
    // MetadataHash is a tagged field: printed only when it is not 0.
    let hashed = ConsumerGroupMetadataValue {
        epoch: 3,
        metadata_hash: -7,
        unknown_tagged_fields: vec![],
    };
    let r = record(
        group_key(),
        Some((0, RecordValue::ConsumerGroupMetadata(hashed))),
    );
    assert_eq!(
        parsed(&r).1,
        Some(r#"{"version":"0","data":{"epoch":3,"metadataHash":-7}}"#.into())
    );
}
