//! `--offsets-decoder`: a `__consumer_offsets` record's key and value as Kafka 4.1's
//! `DumpLogSegments.OffsetsMessageParser` prints them (a `CoordinatorRecordMessageParser` over
//! `GroupCoordinatorRecordSerde`):
//!
//! - key: `{"type":"<record type>","data":<key as its generated JsonConverter writes it>}`;
//! - value: `{"version":"<version>","data":<value as JSON>}`, or `<DELETE>` for a tombstone;
//! - a `GroupMetadataValue` of protocol type `consumer` has each member's `subscription` and
//!   `assignment` bytes replaced by the decoded `ConsumerProtocolSubscription` /
//!   `ConsumerProtocolAssignment` (kept as base64 when they do not parse);
//! - an unknown record type gives the key `Unknown record type N at offset O, skipping.` and
//!   no payload; any other failure `Error at offset O, skipping. <message>`;
//! - a record without a key ends the tool with a `RuntimeException`.
//!
//! The generated `JsonConverter`s write a struct's fields in schema order, only those present
//! in the version; tagged fields only when they differ from their default; bytes as base64
//! (Jackson's `BinaryNode`), uuids in Kafka's base64 form. Golden lines are in Kafka's
//! `DumpLogSegmentsTest.testOffsetsMessageParser`.

use super::java::{Failure, Outcome};
use crate::cli::json::Json;
use crate::engine::group::records::{
    deserialize, ClassicMemberMetadata, ConsumerProtocolAssignment, ConsumerProtocolSubscription,
    CoordinatorRecord, GroupMetadataValue, MemberMetadata, OffsetCommitKey, RecordError, RecordKey,
    RecordValue, TopicPartitionList, TopicPartitions,
};
use crate::engine::ids::Uuid;

const RUNTIME_EXCEPTION: &str = "java.lang.RuntimeException";

/// `OffsetsMessageParser.parse`: the key and payload texts for one record.
pub(super) fn parse(
    offset: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) -> Outcome<(Option<String>, Option<String>)> {
    let Some(key) = key else {
        return Err(Failure::java(
            RUNTIME_EXCEPTION,
            format!(
                "Failed to decode message at offset {offset} using the specified decoder \
                 (message had a missing key)"
            ),
        ));
    };
    Ok(match deserialize(key, value) {
        Ok(record) => (Some(key_text(&record)), Some(value_text(&record))),
        Err(RecordError::UnknownRecordType(t)) => (
            Some(format!(
                "Unknown record type {t} at offset {offset}, skipping."
            )),
            None,
        ),
        Err(e) => (
            Some(format!(
                "Error at offset {offset}, skipping. {}",
                e.kafka_message()
            )),
            None,
        ),
    })
}

fn key_text(record: &CoordinatorRecord) -> String {
    let key = &record.key;
    let data = match key {
        RecordKey::LegacyOffsetCommit(k) | RecordKey::OffsetCommit(k) => offset_key(k),
        RecordKey::GroupMetadata(k) => obj(vec![("group", s(&k.group))]),
        RecordKey::ConsumerGroupMetadata { group_id }
        | RecordKey::ConsumerGroupPartitionMetadata { group_id }
        | RecordKey::ConsumerGroupTargetAssignmentMetadata { group_id } => {
            obj(vec![("groupId", s(group_id))])
        }
        RecordKey::ConsumerGroupMemberMetadata {
            group_id,
            member_id,
        }
        | RecordKey::ConsumerGroupTargetAssignmentMember {
            group_id,
            member_id,
        }
        | RecordKey::ConsumerGroupCurrentMemberAssignment {
            group_id,
            member_id,
        } => obj(vec![("groupId", s(group_id)), ("memberId", s(member_id))]),
        RecordKey::ConsumerGroupRegularExpression {
            group_id,
            regular_expression,
        } => obj(vec![
            ("groupId", s(group_id)),
            ("regularExpression", s(regular_expression)),
        ]),
    };
    obj(vec![
        ("type", s(&key.record_type().to_string())),
        ("data", data),
    ])
    .to_text()
}

fn value_text(record: &CoordinatorRecord) -> String {
    let Some(v) = &record.value else {
        return "<DELETE>".to_string();
    };
    let version = v.version;
    let data = match &v.value {
        RecordValue::LegacyOffsetCommit(o) => obj(vec![
            ("offset", n(o.offset)),
            ("metadata", s(&o.metadata)),
            ("commitTimestamp", n(o.commit_timestamp)),
        ]),
        RecordValue::OffsetCommit(o) => {
            let mut fields = vec![("offset", n(o.offset))];
            if version >= 3 {
                fields.push(("leaderEpoch", n(o.leader_epoch)));
            }
            fields.push(("metadata", s(&o.metadata)));
            fields.push(("commitTimestamp", n(o.commit_timestamp)));
            if version == 1 {
                fields.push(("expireTimestamp", n(o.expire_timestamp)));
            }
            if version >= 4 && o.topic_id != Uuid::ZERO {
                fields.push(("topicId", s(&o.topic_id.to_string())));
            }
            obj(fields)
        }
        RecordValue::GroupMetadata(g) => group_metadata(g, version),
        RecordValue::ConsumerGroupMetadata(c) => {
            let mut fields = vec![("epoch", n(c.epoch))];
            if c.metadata_hash != 0 {
                fields.push(("metadataHash", n(c.metadata_hash)));
            }
            obj(fields)
        }
        RecordValue::ConsumerGroupPartitionMetadata(p) => {
            let topics = p.topics.iter().map(|t| {
                let partitions = t.partition_metadata.iter().map(|pm| {
                    obj(vec![
                        ("partition", n(pm.partition)),
                        (
                            "racks",
                            Json::Array(pm.racks.iter().map(|r| s(r)).collect()),
                        ),
                    ])
                });
                obj(vec![
                    ("topicId", s(&t.topic_id.to_string())),
                    ("topicName", s(&t.topic_name)),
                    ("numPartitions", n(t.num_partitions)),
                    ("partitionMetadata", Json::Array(partitions.collect())),
                ])
            });
            obj(vec![("topics", Json::Array(topics.collect()))])
        }
        RecordValue::ConsumerGroupMemberMetadata(m) => {
            let mut fields = vec![
                ("instanceId", opt_s(m.instance_id.as_deref())),
                ("rackId", opt_s(m.rack_id.as_deref())),
                ("clientId", s(&m.client_id)),
                ("clientHost", s(&m.client_host)),
                ("subscribedTopicNames", strings(&m.subscribed_topic_names)),
                (
                    "subscribedTopicRegex",
                    opt_s(m.subscribed_topic_regex.as_deref()),
                ),
                ("rebalanceTimeoutMs", n(m.rebalance_timeout_ms)),
                ("serverAssignor", opt_s(m.server_assignor.as_deref())),
            ];
            if let Some(classic) = &m.classic_member_metadata {
                fields.push(("classicMemberMetadata", classic_member(classic)));
            }
            obj(fields)
        }
        RecordValue::ConsumerGroupTargetAssignmentMetadata(t) => {
            obj(vec![("assignmentEpoch", n(t.assignment_epoch))])
        }
        RecordValue::ConsumerGroupTargetAssignmentMember(t) => obj(vec![(
            "topicPartitions",
            topic_partitions(&t.topic_partitions),
        )]),
        RecordValue::ConsumerGroupCurrentMemberAssignment(c) => obj(vec![
            ("memberEpoch", n(c.member_epoch)),
            ("previousMemberEpoch", n(c.previous_member_epoch)),
            ("state", n(c.state)),
            (
                "assignedPartitions",
                topic_partitions(&c.assigned_partitions),
            ),
            (
                "partitionsPendingRevocation",
                topic_partitions(&c.partitions_pending_revocation),
            ),
        ]),
        RecordValue::ConsumerGroupRegularExpression(x) => obj(vec![
            ("topics", strings(&x.topics)),
            ("version", n(x.version)),
            ("timestamp", n(x.timestamp)),
        ]),
    };
    obj(vec![("version", s(&version.to_string())), ("data", data)]).to_text()
}

fn offset_key(k: &OffsetCommitKey) -> Json {
    obj(vec![
        ("group", s(&k.group)),
        ("topic", s(&k.topic)),
        ("partition", n(k.partition)),
    ])
}

/// `prepareGroupMetadataValue`: the generated converter's JSON, with the consumer protocol
/// payloads decoded when the protocol type is `consumer`.
fn group_metadata(g: &GroupMetadataValue, version: i16) -> Json {
    let consumer = g.protocol_type == "consumer";
    let members = g.members.iter().map(|m| member(m, version, consumer));
    let mut fields = vec![
        ("protocolType", s(&g.protocol_type)),
        ("generation", n(g.generation)),
        ("protocol", opt_s(g.protocol.as_deref())),
        ("leader", opt_s(g.leader.as_deref())),
    ];
    if version >= 2 {
        fields.push(("currentStateTimestamp", n(g.current_state_timestamp)));
    }
    fields.push(("members", Json::Array(members.collect())));
    obj(fields)
}

fn member(m: &MemberMetadata, version: i16, consumer: bool) -> Json {
    let mut fields = vec![("memberId", s(&m.member_id))];
    if version >= 3 {
        fields.push(("groupInstanceId", opt_s(m.group_instance_id.as_deref())));
    }
    fields.push(("clientId", s(&m.client_id)));
    fields.push(("clientHost", s(&m.client_host)));
    if version >= 1 {
        fields.push(("rebalanceTimeout", n(m.rebalance_timeout)));
    }
    fields.push(("sessionTimeout", n(m.session_timeout)));
    let subscription = consumer
        .then(|| ConsumerProtocolSubscription::deserialize(&m.subscription).ok())
        .flatten()
        .map_or_else(
            || binary(&m.subscription),
            |(v, sub)| subscription_json(&sub, v),
        );
    let assignment = consumer
        .then(|| ConsumerProtocolAssignment::deserialize(&m.assignment).ok())
        .flatten()
        .map_or_else(|| binary(&m.assignment), |(_, a)| assignment_json(&a));
    fields.push(("subscription", subscription));
    fields.push(("assignment", assignment));
    obj(fields)
}

fn subscription_json(sub: &ConsumerProtocolSubscription, version: i16) -> Json {
    let mut fields = vec![
        ("topics", strings(&sub.topics)),
        ("userData", opt_binary(sub.user_data.as_deref())),
    ];
    if version >= 1 {
        fields.push(("ownedPartitions", partition_lists(&sub.owned_partitions)));
    }
    if version >= 2 {
        fields.push(("generationId", n(sub.generation_id)));
    }
    if version >= 3 {
        fields.push(("rackId", opt_s(sub.rack_id.as_deref())));
    }
    obj(fields)
}

fn assignment_json(a: &ConsumerProtocolAssignment) -> Json {
    obj(vec![
        (
            "assignedPartitions",
            partition_lists(&a.assigned_partitions),
        ),
        ("userData", opt_binary(a.user_data.as_deref())),
    ])
}

fn partition_lists(lists: &[TopicPartitionList]) -> Json {
    Json::Array(
        lists
            .iter()
            .map(|l| {
                obj(vec![
                    ("topic", s(&l.topic)),
                    ("partitions", ints(&l.partitions)),
                ])
            })
            .collect(),
    )
}

fn topic_partitions(all: &[TopicPartitions]) -> Json {
    Json::Array(
        all.iter()
            .map(|tp| {
                obj(vec![
                    ("topicId", s(&tp.topic_id.to_string())),
                    ("partitions", ints(&tp.partitions)),
                ])
            })
            .collect(),
    )
}

fn classic_member(c: &ClassicMemberMetadata) -> Json {
    let protocols = c.supported_protocols.iter().map(|p| {
        obj(vec![
            ("name", s(&p.name)),
            ("metadata", binary(&p.metadata)),
        ])
    });
    obj(vec![
        ("sessionTimeoutMs", n(c.session_timeout_ms)),
        ("supportedProtocols", Json::Array(protocols.collect())),
    ])
}

fn obj(fields: Vec<(&str, Json)>) -> Json {
    Json::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn s(text: &str) -> Json {
    Json::String(text.to_string())
}

fn opt_s(text: Option<&str>) -> Json {
    text.map_or(Json::Null, s)
}

fn n(number: impl ToString) -> Json {
    Json::Number(number.to_string())
}

fn strings(all: &[String]) -> Json {
    Json::Array(all.iter().map(|t| s(t)).collect())
}

fn ints(all: &[i32]) -> Json {
    Json::Array(all.iter().map(|&i| n(i)).collect())
}

fn binary(bytes: &[u8]) -> Json {
    Json::String(base64(bytes))
}

fn opt_binary(bytes: Option<&[u8]>) -> Json {
    bytes.map_or(Json::Null, binary)
}

/// Jackson's base64 for a `BinaryNode` (`Base64Variants.MIME_NO_LINEFEEDS`: the standard
/// alphabet with `=` padding, no line breaks).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 0x3f]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
