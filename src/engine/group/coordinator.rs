//! One broker's group coordinator: the groups of the `__consumer_offsets` partitions it leads,
//! loaded by replaying those partitions (`GroupCoordinatorShard.replay`), and the handling of
//! every group request addressed to it. Committed offsets live here too
//! (`OffsetMetadataManager`). Pure: the cluster (`group::runtime`) hands it requests, the time
//! and a generator for member ids, and carries out the [`Effects`] it returns.

use super::assignor::TopicPartition;
use super::classic::{ClassicGroup, ClassicGroupConfig, ClassicState};
use super::consumer_group::records::TopicIds;
use super::consumer_group::ConsumerGroup;
use super::describe::CommittedOffset;
use super::effects::Effects;
use super::migration::MigrationPolicy;
use super::protocol::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, GroupRequest, GroupResponse,
    JoinGroupResponse, OffsetCommitRequest,
};
use super::records::{CoordinatorRecord, OffsetCommitValue, RecordKey, RecordValue};
use crate::engine::error::ErrorCode;
use std::collections::BTreeMap;

/// A group this coordinator owns: its classic state and its committed offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    /// The `__consumer_offsets` partition the group lives in.
    pub partition: i32,
    pub group: ClassicGroup,
    /// Set when the group speaks KIP-848's consumer protocol (then the classic side is empty).
    pub consumer: Option<ConsumerGroup>,
    pub offsets: BTreeMap<TopicPartition, CommittedOffset>,
    /// When the group's timer task is scheduled, if it is.
    pub timer_due: Option<i64>,
}

impl GroupEntry {
    /// When the group's next timer is due (classic or KIP-848).
    pub fn next_deadline(&self) -> Option<i64> {
        match &self.consumer {
            Some(group) => group.next_deadline(),
            None => self.group.next_deadline(),
        }
    }

    /// Runs the group's timers due at `now`; a consumer group left with only classic members
    /// may turn classic ([`GroupEntry::maybe_downgrade`]).
    pub fn on_timer(&mut self, topics: &TopicIds, policy: MigrationPolicy, now: i64) -> Effects {
        match &mut self.consumer {
            Some(group) => {
                let before = group.clone();
                group.on_timer(topics, now);
                let (records, mut effects) =
                    self.consumer_group_change(&before, topics, policy, now);
                effects.write(records, Vec::new());
                effects
            }
            None => self.group.on_timer(now),
        }
    }
}

/// A broker's coordinator state (lost when the broker stops; rebuilt from the log).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCoordinator {
    /// The `__consumer_offsets` partitions loaded here, with the leader epoch they were loaded at.
    pub loaded: BTreeMap<i32, i32>,
    pub groups: BTreeMap<String, GroupEntry>,
    pub config: ClassicGroupConfig,
}

impl GroupCoordinator {
    /// Forgets the groups of `partition` (`onResignation`), answering what they kept waiting
    /// with `NOT_COORDINATOR` so the members look for the new coordinator.
    pub fn unload(&mut self, partition: i32) -> Effects {
        self.loaded.remove(&partition);
        let mut effects = Effects::default();
        for entry in self
            .groups
            .values_mut()
            .filter(|e| e.partition == partition)
        {
            effects.extend(entry.group.abandon_waiting(ErrorCode::NotCoordinator));
        }
        self.groups.retain(|_, entry| entry.partition != partition);
        effects
    }

    /// Every waiting JoinGroup and SyncGroup answered with `error` (the broker is going down).
    pub fn abandon_all(&mut self, error: ErrorCode) -> Effects {
        let mut effects = Effects::default();
        for entry in self.groups.values_mut() {
            effects.extend(entry.group.abandon_waiting(error));
        }
        effects
    }

    /// Applies one record read back from `partition` (`replay`).
    pub fn replay(
        &mut self,
        partition: i32,
        record: &CoordinatorRecord,
        topics: &TopicIds,
        now: i64,
    ) {
        let config = self.config;
        match (&record.key, &record.value) {
            (RecordKey::OffsetCommit(key) | RecordKey::LegacyOffsetCommit(key), value) => {
                let tp = TopicPartition::new(key.topic.clone(), key.partition);
                let offset = value.as_ref().and_then(|v| match &v.value {
                    RecordValue::OffsetCommit(o) => Some(CommittedOffset {
                        offset: o.offset,
                        leader_epoch: (o.leader_epoch >= 0).then_some(o.leader_epoch),
                        metadata: o.metadata.clone(),
                    }),
                    RecordValue::LegacyOffsetCommit(o) => Some(CommittedOffset {
                        offset: o.offset,
                        leader_epoch: None,
                        metadata: o.metadata.clone(),
                    }),
                    _ => None,
                });
                match offset {
                    Some(offset) => {
                        self.entry(&key.group, partition, now)
                            .offsets
                            .insert(tp, offset);
                    }
                    None => {
                        if let Some(entry) = self.groups.get_mut(&key.group) {
                            entry.offsets.remove(&tp);
                        }
                    }
                }
            }
            (RecordKey::GroupMetadata(key), Some(value)) => {
                if let RecordValue::GroupMetadata(value) = &value.value {
                    let group = ClassicGroup::from_record(&key.group, value, now, config);
                    self.entry(&key.group, partition, now).group = group;
                }
            }
            // A group's tombstone removes the group, not its committed offsets (Kafka keeps
            // those apart, in `OffsetMetadataManager`).
            (RecordKey::GroupMetadata(key), None) => {
                if let Some(entry) = self.groups.get_mut(&key.group) {
                    entry.group = ClassicGroup::new(&key.group, now, config);
                }
                self.forget_if_unused(&key.group);
            }
            (RecordKey::ConsumerGroupMetadata { group_id }, None) => {
                if let Some(entry) = self.groups.get_mut(group_id) {
                    entry.consumer = None;
                }
                self.forget_if_unused(group_id);
            }
            (key, _) => {
                let group_id = key.group_id().to_string();
                let entry = self.entry(&group_id, partition, now);
                entry
                    .consumer
                    .get_or_insert_with(|| ConsumerGroup::new(&group_id))
                    .replay(record, topics, now);
            }
        }
    }

    /// Drops a group that holds nothing any more: no offsets, no members, no protocol.
    fn forget_if_unused(&mut self, group_id: &str) {
        let unused = self.groups.get(group_id).is_some_and(|e| {
            e.offsets.is_empty() && e.consumer.is_none() && e.group.protocol_type.is_none()
        });
        if unused {
            self.groups.remove(group_id);
        }
    }

    fn entry(&mut self, group_id: &str, partition: i32, now: i64) -> &mut GroupEntry {
        let config = self.config;
        self.groups
            .entry(group_id.to_string())
            .or_insert_with(|| GroupEntry {
                partition,
                group: ClassicGroup::new(group_id, now, config),
                consumer: None,
                offsets: BTreeMap::new(),
                timer_due: None,
            })
    }

    /// Handles a request for a group of `partition`. `new_member_id` makes the id a new member
    /// gets: `clientId-UUID` for a classic group (given the client id), a bare Kafka `Uuid` for
    /// a classic member of a consumer group (given `None`).
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        request_id: u64,
        request: &GroupRequest,
        partition: i32,
        now: i64,
        new_member_id: &mut dyn FnMut(Option<&str>) -> String,
        topics: &TopicIds,
        policy: MigrationPolicy,
    ) -> Effects {
        let mut effects = Effects::default();
        let group_id = request.group_id();
        if let GroupRequest::ConsumerGroupHeartbeat(heartbeat) = request {
            return self.consumer_heartbeat(request_id, heartbeat, partition, topics, policy, now);
        }
        if group_id.is_empty() && !matches!(request, GroupRequest::OffsetFetch(_)) {
            effects.respond(
                request_id,
                request.error_response(ErrorCode::InvalidGroupId),
            );
            return effects;
        }
        if let GroupRequest::JoinGroup(join) = request {
            let config = self.config;
            if join.session_timeout_ms < config.min_session_timeout_ms
                || join.session_timeout_ms > config.max_session_timeout_ms
            {
                effects.respond(
                    request_id,
                    request.error_response(ErrorCode::InvalidSessionTimeout),
                );
                return effects;
            }
            // An empty consumer group becomes classic for a classic member.
            if let Some(entry) = self.groups.get_mut(group_id) {
                effects.write(entry.become_classic_group(), Vec::new());
            }
        }
        if let Some(entry) = self.groups.get_mut(group_id) {
            if let Some(mixed) = entry.classic_request_to_consumer_group(
                request_id,
                request,
                new_member_id,
                topics,
                policy,
                now,
            ) {
                return mixed;
            }
        }
        effects.extend(self.handle_classic(request_id, request, partition, now, new_member_id));
        effects
    }

    /// A request of the classic protocol to a classic group (or a commit or fetch to any).
    fn handle_classic(
        &mut self,
        request_id: u64,
        request: &GroupRequest,
        partition: i32,
        now: i64,
        new_member_id: &mut dyn FnMut(Option<&str>) -> String,
    ) -> Effects {
        let mut effects = Effects::default();
        let group_id = request.group_id();
        match request {
            GroupRequest::JoinGroup(join) => {
                let config = self.config;
                if join.member_id.is_empty() {
                    let group = &mut self.entry(group_id, partition, now).group;
                    if !group.supports_protocols(&join.protocol_type, &join.protocols) {
                        effects.respond(
                            request_id,
                            request.error_response(ErrorCode::InconsistentGroupProtocol),
                        );
                        return effects;
                    }
                    if group.members.len() >= config.max_size {
                        effects.respond(
                            request_id,
                            request.error_response(ErrorCode::GroupMaxSizeReached),
                        );
                        return effects;
                    }
                    let member_id = new_member_id(Some(&join.client_id));
                    if join.group_instance_id.is_some() {
                        return group.join_new_static_member(request_id, join, member_id, now);
                    }
                    return group.join_new_member(
                        request_id,
                        member_id,
                        join.session_timeout_ms,
                        now,
                    );
                }
                match self.groups.get_mut(group_id) {
                    Some(entry) => entry.group.join_existing(request_id, join, now),
                    None => {
                        effects.respond(
                            request_id,
                            GroupResponse::JoinGroup(JoinGroupResponse::error(
                                ErrorCode::UnknownMemberId,
                                &join.member_id,
                            )),
                        );
                        effects
                    }
                }
            }
            GroupRequest::SyncGroup(sync) => match self.groups.get_mut(group_id) {
                Some(entry) => entry.group.sync(request_id, sync, now),
                None => {
                    effects.respond(
                        request_id,
                        request.error_response(ErrorCode::UnknownMemberId),
                    );
                    effects
                }
            },
            GroupRequest::Heartbeat(heartbeat) => {
                let error = match self.groups.get_mut(group_id) {
                    Some(entry) => entry.group.heartbeat(heartbeat, now),
                    None => ErrorCode::UnknownMemberId,
                };
                effects.respond(request_id, GroupResponse::Heartbeat(error));
                effects
            }
            GroupRequest::LeaveGroup(leave) => match self.groups.get_mut(group_id) {
                Some(entry) => {
                    let (members, mut effects) = entry.group.leave(leave, now);
                    effects.respond(
                        request_id,
                        GroupResponse::LeaveGroup {
                            error: ErrorCode::None,
                            members,
                        },
                    );
                    effects
                }
                None => {
                    effects.respond(
                        request_id,
                        request.error_response(ErrorCode::UnknownMemberId),
                    );
                    effects
                }
            },
            // Handled by `handle`, before the classic requests.
            GroupRequest::ConsumerGroupHeartbeat(_) => effects,
            GroupRequest::OffsetCommit(commit) => {
                self.commit_offsets(request_id, commit, partition, now)
            }
            GroupRequest::OffsetFetch(fetch) => {
                let offsets = self
                    .groups
                    .get(group_id)
                    .map(|entry| match &fetch.partitions {
                        None => entry.offsets.clone(),
                        Some(wanted) => wanted
                            .iter()
                            .map(|tp| {
                                let offset =
                                    entry.offsets.get(tp).cloned().unwrap_or(CommittedOffset {
                                        offset: -1,
                                        leader_epoch: None,
                                        metadata: String::new(),
                                    });
                                (tp.clone(), offset)
                            })
                            .collect(),
                    })
                    .unwrap_or_default();
                effects.respond(
                    request_id,
                    GroupResponse::OffsetFetch {
                        error: ErrorCode::None,
                        offsets,
                    },
                );
                effects
            }
        }
    }

    /// ConsumerGroupHeartbeat: the KIP-848 group handles it, created on the first join or
    /// converted from a classic group ([`GroupEntry::become_consumer_group`]); a member leaving
    /// may turn the group back to classic.
    fn consumer_heartbeat(
        &mut self,
        request_id: u64,
        request: &ConsumerGroupHeartbeatRequest,
        partition: i32,
        topics: &TopicIds,
        policy: MigrationPolicy,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        let refuse = |error, message: Option<String>| {
            let mut response = ConsumerGroupHeartbeatResponse::error(error, &request.member_id);
            response.error_message = message;
            vec![(request_id, GroupResponse::ConsumerGroupHeartbeat(response))]
        };
        if request.group_id.is_empty() {
            effects.write(Vec::new(), refuse(ErrorCode::InvalidGroupId, None));
            return effects;
        }
        let entry = self.entry(&request.group_id, partition, now);
        // Only a joining member (epoch 0) may convert a classic group with members.
        let converted = if request.member_epoch != 0 && !entry.group.members.is_empty() {
            let message = format!("Group {} is not a consumer group", request.group_id);
            Err((ErrorCode::GroupIdNotFound, message))
        } else {
            entry.become_consumer_group(policy, topics, now)
        };
        let mut records = match converted {
            Ok((records, waiting)) => {
                effects.extend(waiting);
                records
            }
            Err((error, message)) => {
                effects.write(Vec::new(), refuse(error, Some(message)));
                return effects;
            }
        };
        let Some(group) = entry.consumer.as_mut() else {
            return effects;
        };
        let before = group.clone();
        let response = group.heartbeat(request, topics, now);
        let (change, change_effects) = entry.consumer_group_change(&before, topics, policy, now);
        records.extend(change);
        effects.extend(change_effects);
        effects.write(
            records,
            vec![(request_id, GroupResponse::ConsumerGroupHeartbeat(response))],
        );
        effects
    }

    /// OffsetCommit (`OffsetMetadataManager.commitOffset`): checked against the group, then one
    /// `OffsetCommit` record per partition; the answer waits for the write.
    fn commit_offsets(
        &mut self,
        request_id: u64,
        commit: &OffsetCommitRequest,
        partition: i32,
        now: i64,
    ) -> Effects {
        let mut effects = Effects::default();
        let error = match self.groups.get(&commit.group_id) {
            Some(GroupEntry {
                consumer: Some(group),
                ..
            }) if commit.generation_id >= 0 || !group.members.is_empty() => {
                // `ConsumerGroup.validateOffsetCommit`: a member at its current epoch.
                match group.members.get(&commit.member_id) {
                    None => Some(ErrorCode::UnknownMemberId),
                    // `validateMemberEpoch`: a classic member hears of its generation.
                    Some(m) if m.member_epoch != commit.generation_id => Some(match m.classic {
                        Some(_) => ErrorCode::IllegalGeneration,
                        None => ErrorCode::StaleMemberEpoch,
                    }),
                    Some(_) => None,
                }
            }
            Some(entry) => entry
                .group
                .validate_offset_commit(
                    &commit.member_id,
                    commit.group_instance_id.as_deref(),
                    commit.generation_id,
                )
                .err(),
            // A commit from outside any group makes a simple group; a member's commit to a
            // group that does not exist is refused.
            None if commit.generation_id < 0 => None,
            None => Some(ErrorCode::IllegalGeneration),
        };
        if let Some(error) = error {
            effects.respond(
                request_id,
                GroupResponse::OffsetCommit(
                    commit
                        .offsets
                        .iter()
                        .map(|(tp, _)| (tp.clone(), error))
                        .collect(),
                ),
            );
            return effects;
        }
        let entry = self.entry(&commit.group_id, partition, now);
        let mut records = Vec::new();
        let mut results = BTreeMap::new();
        for (tp, offset) in &commit.offsets {
            let value = OffsetCommitValue {
                offset: offset.offset,
                leader_epoch: offset.leader_epoch.unwrap_or(-1),
                metadata: offset.metadata.clone(),
                commit_timestamp: now,
                ..OffsetCommitValue::default()
            };
            records.push(CoordinatorRecord::offset_commit(
                &commit.group_id,
                &tp.topic,
                tp.partition,
                value,
            ));
            entry.offsets.insert(tp.clone(), offset.clone());
            results.insert(tp.clone(), ErrorCode::None);
        }
        effects.write(
            records,
            vec![(request_id, GroupResponse::OffsetCommit(results))],
        );
        effects
    }

    /// OffsetDelete: the offsets go (tombstones), except those of topics a member subscribes to.
    pub fn delete_offsets(
        &mut self,
        group_id: &str,
        partitions: &[TopicPartition],
    ) -> Result<(BTreeMap<TopicPartition, ErrorCode>, Vec<CoordinatorRecord>), ErrorCode> {
        let entry = self
            .groups
            .get_mut(group_id)
            .ok_or(ErrorCode::GroupIdNotFound)?;
        let group = &entry.group;
        if group.is(ClassicState::Dead) {
            return Err(ErrorCode::GroupIdNotFound);
        }
        let uses_consumer_protocol = group.protocol_type.as_deref() == Some("consumer");
        if !group.is(ClassicState::Empty) && !uses_consumer_protocol {
            return Err(ErrorCode::NonEmptyGroup);
        }
        let subscribed = match &entry.consumer {
            Some(consumer) => consumer.subscribed_topics(),
            None if group.is(ClassicState::Empty) => Default::default(),
            None => group.subscribed_topics(),
        };
        let mut results = BTreeMap::new();
        let mut records = Vec::new();
        for tp in partitions {
            if subscribed.contains(&tp.topic) {
                results.insert(tp.clone(), ErrorCode::GroupSubscribedToTopic);
                continue;
            }
            if entry.offsets.remove(tp).is_some() {
                records.push(CoordinatorRecord::offset_commit_tombstone(
                    group_id,
                    &tp.topic,
                    tp.partition,
                ));
            }
            results.insert(tp.clone(), ErrorCode::None);
        }
        Ok((results, records))
    }

    /// DeleteGroups for one group: only an empty one; its offsets and metadata are tombstoned.
    pub fn delete_group(&mut self, group_id: &str) -> Result<Vec<CoordinatorRecord>, ErrorCode> {
        let entry = self
            .groups
            .get(group_id)
            .ok_or(ErrorCode::GroupIdNotFound)?;
        if entry
            .consumer
            .as_ref()
            .is_some_and(|c| !c.members.is_empty())
        {
            return Err(ErrorCode::NonEmptyGroup);
        }
        match entry.group.state {
            ClassicState::Dead => return Err(ErrorCode::GroupIdNotFound),
            ClassicState::Empty => {}
            _ => return Err(ErrorCode::NonEmptyGroup),
        }
        let mut records: Vec<CoordinatorRecord> = entry
            .offsets
            .keys()
            .map(|tp| CoordinatorRecord::offset_commit_tombstone(group_id, &tp.topic, tp.partition))
            .collect();
        match &entry.consumer {
            Some(group) => records.extend(group.tombstones()),
            None => records.push(CoordinatorRecord::group_metadata_tombstone(group_id)),
        }
        self.groups.remove(group_id);
        Ok(records)
    }
}
