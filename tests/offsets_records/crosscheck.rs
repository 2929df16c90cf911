//! kafka-python's schema-driven codec reads and rewrites our messages
//! (tests/python/crosscheck_offsets.py).

use super::golden::golden_records;
use super::properties::any_record;
use super::*;
use proptest::strategy::{Strategy, ValueTree};

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
