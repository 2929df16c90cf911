#![cfg(not(target_arch = "wasm32"))]

//! The `__consumer_offsets` record codec (`engine::group::records`) against Kafka 4.1's formats:
//! golden values from the JDK (`String.hashCode` partitioning, and record bytes written by hand
//! from Kafka's JSON schemas with `java.io.DataOutputStream` — tests/java/OffsetsGolden.java),
//! property tests (round trips, every truncation, hostile bytes never panic), and a cross-check
//! with kafka-python's schema-driven codec (tests/python/crosscheck_offsets.py). Kafka's own
//! classes cannot run on these machines, so those two are the independent writers and readers.

mod crosscheck;
mod golden;
mod properties;
#[path = "../python/runner.rs"]
mod python;

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
