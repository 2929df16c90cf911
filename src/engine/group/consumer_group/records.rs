//! A KIP-848 group in `__consumer_offsets`: each change is written as the records Kafka 4.1's
//! `GroupCoordinatorRecordHelpers` builds (member subscription, group epoch, target assignment
//! per member and its epoch, each member's current assignment; tombstones when a member goes),
//! found by comparing the group before and after the change; [`ConsumerGroup::replay`] builds
//! the group back from them when a new coordinator loads the partition. Topics are named by id
//! in the records, as in Kafka.

use super::{ConsumerGroup, ConsumerMember, MemberState};
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::records::{
    ConsumerGroupCurrentMemberAssignmentValue, ConsumerGroupMemberMetadataValue,
    ConsumerGroupMetadataValue, ConsumerGroupRegularExpressionValue,
    ConsumerGroupTargetAssignmentMemberValue, ConsumerGroupTargetAssignmentMetadataValue,
    CoordinatorRecord, RecordKey, RecordValue, TopicPartitions, VersionedValue,
};
use crate::engine::ids::Uuid;
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};

/// What a KIP-848 coordinator knows of the topics: names and ids both ways, and partition
/// counts (the metadata it assigns from).
#[derive(Debug, Clone, Default)]
pub struct TopicIds {
    pub by_name: BTreeMap<String, Uuid>,
    pub by_id: BTreeMap<Uuid, String>,
    pub partitions: BTreeMap<String, i32>,
}

fn record(key: RecordKey, value: Option<RecordValue>) -> CoordinatorRecord {
    CoordinatorRecord {
        key,
        value: value.map(|value| VersionedValue { version: 0, value }),
    }
}

fn by_topic(partitions: &BTreeSet<TopicPartition>, ids: &TopicIds) -> Vec<TopicPartitions> {
    let mut grouped: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        grouped.entry(&tp.topic).or_default().push(tp.partition);
    }
    grouped
        .into_iter()
        .filter_map(|(topic, partitions)| {
            Some(TopicPartitions {
                topic_id: *ids.by_name.get(topic)?,
                partitions,
                unknown_tagged_fields: Vec::new(),
            })
        })
        .collect()
}

fn from_topics(list: &[TopicPartitions], ids: &TopicIds) -> BTreeSet<TopicPartition> {
    list.iter()
        .filter_map(|t| Some((ids.by_id.get(&t.topic_id)?, &t.partitions)))
        .flat_map(|(name, ps)| {
            ps.iter()
                .map(move |&p| TopicPartition::new(name.clone(), p))
        })
        .collect_set()
}

fn state_code(state: MemberState) -> i8 {
    match state {
        MemberState::Stable => 0,
        MemberState::UnrevokedPartitions => 1,
        MemberState::UnreleasedPartitions => 2,
    }
}

impl ConsumerGroup {
    /// The records that turn `before` into `self`.
    pub fn records_since(&self, before: &ConsumerGroup, ids: &TopicIds) -> Vec<CoordinatorRecord> {
        let group_id = self.group_id.clone();
        let member_key = |kind: fn(String, String) -> RecordKey, member: &str| {
            kind(group_id.clone(), member.to_string())
        };
        let mut records = Vec::new();
        // Members gone: current assignment, target and subscription tombstones.
        for id in before
            .members
            .keys()
            .filter(|id| !self.members.contains_key(*id))
        {
            for key in [current_key, target_key, member_metadata_key] {
                records.push(record(member_key(key, id), None));
            }
        }
        for (id, member) in &self.members {
            let old = before.members.get(id);
            let metadata_changed = old.is_none_or(|o| {
                (
                    &o.subscribed_topics,
                    &o.subscribed_regex,
                    &o.classic,
                    &o.instance_id,
                    o.rebalance_timeout_ms,
                ) != (
                    &member.subscribed_topics,
                    &member.subscribed_regex,
                    &member.classic,
                    &member.instance_id,
                    member.rebalance_timeout_ms,
                )
            });
            if metadata_changed {
                let value = ConsumerGroupMemberMetadataValue {
                    instance_id: member.instance_id.clone(),
                    rack_id: None,
                    client_id: member.client_id.clone(),
                    client_host: crate::engine::group::classic::CLIENT_HOST.to_string(),
                    subscribed_topic_names: member.subscribed_topics.iter().cloned().collect(),
                    subscribed_topic_regex: member.subscribed_regex.clone(),
                    rebalance_timeout_ms: member.rebalance_timeout_ms,
                    server_assignor: Some(self.assignor.name().to_string()),
                    classic_member_metadata: member.classic.clone(),
                    ..ConsumerGroupMemberMetadataValue::default()
                };
                records.push(record(
                    member_key(member_metadata_key, id),
                    Some(RecordValue::ConsumerGroupMemberMetadata(value)),
                ));
            }
        }
        // What the regular expressions matched: each change, and a tombstone for one dropped.
        for (regex, resolved) in &self.resolved_regexes {
            if before.resolved_regexes.get(regex) != Some(resolved) {
                let value = ConsumerGroupRegularExpressionValue {
                    topics: resolved.topics.iter().cloned().collect(),
                    // The metadata image's offset: no metadata log before issue #6.
                    version: 0,
                    timestamp: resolved.timestamp_ms,
                    ..Default::default()
                };
                records.push(record(
                    regex_key(group_id.clone(), regex.clone()),
                    Some(RecordValue::ConsumerGroupRegularExpression(value)),
                ));
            }
        }
        for regex in before
            .resolved_regexes
            .keys()
            .filter(|r| !self.resolved_regexes.contains_key(*r))
        {
            records.push(record(regex_key(group_id.clone(), regex.clone()), None));
        }
        if self.group_epoch != before.group_epoch {
            let value = ConsumerGroupMetadataValue {
                epoch: self.group_epoch,
                metadata_hash: self.metadata_hash,
                ..Default::default()
            };
            records.push(record(
                RecordKey::ConsumerGroupMetadata {
                    group_id: group_id.clone(),
                },
                Some(RecordValue::ConsumerGroupMetadata(value)),
            ));
        }
        if self.target_assignment_epoch != before.target_assignment_epoch {
            for (id, target) in &self.target_assignment {
                if before.target_assignment.get(id) != Some(target) {
                    let value = ConsumerGroupTargetAssignmentMemberValue {
                        topic_partitions: by_topic(target, ids),
                        ..Default::default()
                    };
                    records.push(record(
                        member_key(target_key, id),
                        Some(RecordValue::ConsumerGroupTargetAssignmentMember(value)),
                    ));
                }
            }
            let value = ConsumerGroupTargetAssignmentMetadataValue {
                assignment_epoch: self.target_assignment_epoch,
                ..Default::default()
            };
            records.push(record(
                RecordKey::ConsumerGroupTargetAssignmentMetadata {
                    group_id: group_id.clone(),
                },
                Some(RecordValue::ConsumerGroupTargetAssignmentMetadata(value)),
            ));
        }
        for (id, member) in &self.members {
            let changed = before.members.get(id).is_none_or(|o| {
                (
                    o.member_epoch,
                    o.previous_member_epoch,
                    o.state,
                    &o.assigned,
                    &o.pending_revocation,
                ) != (
                    member.member_epoch,
                    member.previous_member_epoch,
                    member.state,
                    &member.assigned,
                    &member.pending_revocation,
                )
            });
            if changed {
                let value = ConsumerGroupCurrentMemberAssignmentValue {
                    member_epoch: member.member_epoch,
                    previous_member_epoch: member.previous_member_epoch,
                    state: state_code(member.state),
                    assigned_partitions: by_topic(&member.assigned, ids),
                    partitions_pending_revocation: by_topic(&member.pending_revocation, ids),
                    ..Default::default()
                };
                records.push(record(
                    member_key(current_key, id),
                    Some(RecordValue::ConsumerGroupCurrentMemberAssignment(value)),
                ));
            }
        }
        records
    }

    /// Applies one record read back from the log (`GroupCoordinatorShard.replay`). Sessions
    /// start at `now`.
    pub fn replay(&mut self, record: &CoordinatorRecord, ids: &TopicIds, now: i64) {
        let value = record.value.as_ref().map(|v| &v.value);
        match (&record.key, value) {
            (
                RecordKey::ConsumerGroupMetadata { .. },
                Some(RecordValue::ConsumerGroupMetadata(v)),
            ) => {
                self.group_epoch = v.epoch;
                self.metadata_hash = v.metadata_hash;
            }
            (
                RecordKey::ConsumerGroupTargetAssignmentMetadata { .. },
                Some(RecordValue::ConsumerGroupTargetAssignmentMetadata(v)),
            ) => {
                self.target_assignment_epoch = v.assignment_epoch;
            }
            (
                RecordKey::ConsumerGroupMemberMetadata { member_id, .. },
                Some(RecordValue::ConsumerGroupMemberMetadata(v)),
            ) => {
                let member = self.member_mut(member_id, now);
                member.instance_id = v.instance_id.clone().filter(|i| !i.is_empty());
                member.client_id = v.client_id.clone();
                member.subscribed_topics = v.subscribed_topic_names.iter().cloned().collect_set();
                member.subscribed_regex =
                    v.subscribed_topic_regex.clone().filter(|r| !r.is_empty());
                member.rebalance_timeout_ms = v.rebalance_timeout_ms;
                member.classic = v.classic_member_metadata.clone();
                member.session_deadline_ms = now + member.session_timeout_ms();
                if let Some(assignor) = v
                    .server_assignor
                    .as_deref()
                    .and_then(|a| super::ServerAssignor::from_name(a).ok())
                {
                    self.assignor = assignor;
                }
            }
            (
                RecordKey::ConsumerGroupRegularExpression {
                    regular_expression, ..
                },
                Some(RecordValue::ConsumerGroupRegularExpression(v)),
            ) => {
                let resolved = super::ResolvedRegex {
                    topics: v.topics.iter().cloned().collect_set(),
                    timestamp_ms: v.timestamp,
                };
                self.last_regex_refresh_ms = self.last_regex_refresh_ms.max(v.timestamp);
                self.resolved_regexes
                    .insert(regular_expression.clone(), resolved);
            }
            (
                RecordKey::ConsumerGroupRegularExpression {
                    regular_expression, ..
                },
                None,
            ) => {
                self.resolved_regexes.remove(regular_expression);
            }
            (RecordKey::ConsumerGroupMemberMetadata { member_id, .. }, None) => {
                self.members.remove(member_id);
            }
            (
                RecordKey::ConsumerGroupTargetAssignmentMember { member_id, .. },
                Some(RecordValue::ConsumerGroupTargetAssignmentMember(v)),
            ) => {
                self.target_assignment
                    .insert(member_id.clone(), from_topics(&v.topic_partitions, ids));
            }
            (RecordKey::ConsumerGroupTargetAssignmentMember { member_id, .. }, None) => {
                self.target_assignment.remove(member_id);
            }
            (
                RecordKey::ConsumerGroupCurrentMemberAssignment { member_id, .. },
                Some(RecordValue::ConsumerGroupCurrentMemberAssignment(v)),
            ) => {
                let member = self.member_mut(member_id, now);
                member.member_epoch = v.member_epoch;
                member.previous_member_epoch = v.previous_member_epoch;
                member.state = match v.state {
                    1 => MemberState::UnrevokedPartitions,
                    2 => MemberState::UnreleasedPartitions,
                    _ => MemberState::Stable,
                };
                member.assigned = from_topics(&v.assigned_partitions, ids);
                member.pending_revocation = from_topics(&v.partitions_pending_revocation, ids);
            }
            _ => {}
        }
    }

    /// `createGroupTombstoneRecords`: every member's current assignment, target and
    /// subscription, then the target assignment's epoch and the group epoch. Replaying the last
    /// one removes the group (its offsets stay).
    pub fn tombstones(&self) -> Vec<CoordinatorRecord> {
        let group_id = &self.group_id;
        let mut records = Vec::new();
        for id in self.members.keys() {
            for key in [current_key, target_key, member_metadata_key] {
                records.push(record(key(group_id.clone(), id.clone()), None));
            }
        }
        for regex in self.resolved_regexes.keys() {
            records.push(record(regex_key(group_id.clone(), regex.clone()), None));
        }
        records.push(record(
            RecordKey::ConsumerGroupTargetAssignmentMetadata {
                group_id: group_id.clone(),
            },
            None,
        ));
        records.push(record(
            RecordKey::ConsumerGroupMetadata {
                group_id: group_id.clone(),
            },
            None,
        ));
        records
    }

    fn member_mut(&mut self, member_id: &str, now: i64) -> &mut ConsumerMember {
        self.members
            .entry(member_id.to_string())
            .or_insert_with(|| ConsumerMember::new(member_id, now))
    }
}

fn member_metadata_key(group_id: String, member_id: String) -> RecordKey {
    RecordKey::ConsumerGroupMemberMetadata {
        group_id,
        member_id,
    }
}

fn target_key(group_id: String, member_id: String) -> RecordKey {
    RecordKey::ConsumerGroupTargetAssignmentMember {
        group_id,
        member_id,
    }
}

fn current_key(group_id: String, member_id: String) -> RecordKey {
    RecordKey::ConsumerGroupCurrentMemberAssignment {
        group_id,
        member_id,
    }
}

fn regex_key(group_id: String, regular_expression: String) -> RecordKey {
    RecordKey::ConsumerGroupRegularExpression {
        group_id,
        regular_expression,
    }
}
