//! Property tests: round trips of every record type and version, every truncation, and hostile
//! bytes, which must give errors and never panic.

use super::*;
use proptest::collection::vec;
use proptest::prelude::*;

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
        16 => (
            vec(text(), 0..3),
            any::<i64>(),
            any::<i64>(),
            unknown_tags(),
        )
            .prop_map(|(topics, version, timestamp, u)| {
                RecordValue::ConsumerGroupRegularExpression(ConsumerGroupRegularExpressionValue {
                    topics,
                    version,
                    timestamp,
                    unknown_tagged_fields: u,
                })
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
        0i16..=9,
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
