//! Online migration between the two group protocols (KIP-848), as Kafka 4.1's
//! `GroupMetadataManager` applies `group.consumer.migration.policy`:
//!
//! - An **empty** group changes type whenever a member of the other protocol arrives, whatever
//!   the policy (the old group's records are tombstoned; its committed offsets stay).
//! - **Upgrade** (`upgrade`, `bidirectional`): the first ConsumerGroupHeartbeat to a non-empty
//!   classic group of the consumer protocol converts it (`convertToConsumerGroup`). Its members
//!   stay, as classic members of a consumer group, and follow the broker's reconciliation by
//!   rejoining ([`ConsumerGroup::classic_join`]). Otherwise the heartbeat is refused with
//!   `GROUP_ID_NOT_FOUND`.
//! - **Downgrade** (`downgrade`, `bidirectional`): when the last member on the consumer protocol
//!   leaves (or is fenced) and classic members remain, the group becomes a classic group again
//!   and rebalances (`convertToClassicGroup`).
//!
//! As in Kafka, the rebalance that follows a downgrade is soft state: the classic group's record
//! holds the remaining members with their targets, so a coordinator that fails over before the
//! rebalance completes loads the group `Stable`, and the partitions of the member that left have
//! no owner until the next rebalance.
//!
//! Kafka 4.1.0 lets a classic member join a non-empty consumer group under any policy
//! (KAFKA-20640 later refuses it under `disabled`); the playground follows 4.1.0.

use super::classic::ClassicGroup;
use super::consumer_group::records::TopicIds;
use super::consumer_group::ConsumerGroup;
use super::coordinator::GroupEntry;
use super::effects::Effects;
use super::protocol::{GroupRequest, GroupResponse, JoinGroupResponse, SyncGroupResponse};
use super::records::CoordinatorRecord;
use crate::engine::error::ErrorCode;

/// `group.consumer.migration.policy` (`ConsumerGroupMigrationPolicy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MigrationPolicy {
    Disabled,
    Upgrade,
    Downgrade,
    /// Kafka 4.x's default.
    #[default]
    Bidirectional,
}

impl MigrationPolicy {
    /// The config's value, in any case (`CaseInsensitiveValidString`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "disabled" => Some(MigrationPolicy::Disabled),
            "upgrade" => Some(MigrationPolicy::Upgrade),
            "downgrade" => Some(MigrationPolicy::Downgrade),
            "bidirectional" => Some(MigrationPolicy::Bidirectional),
            _ => None,
        }
    }

    pub fn is_upgrade_enabled(self) -> bool {
        matches!(
            self,
            MigrationPolicy::Upgrade | MigrationPolicy::Bidirectional
        )
    }

    pub fn is_downgrade_enabled(self) -> bool {
        matches!(
            self,
            MigrationPolicy::Downgrade | MigrationPolicy::Bidirectional
        )
    }
}

/// Why a ConsumerGroupHeartbeat cannot turn a classic group into a consumer group: the error
/// and Kafka's message.
pub type Refusal = (ErrorCode, String);

impl GroupEntry {
    /// Makes this entry a consumer group for a ConsumerGroupHeartbeat
    /// (`getOrMaybeCreateConsumerGroup` with `createIfNotExists`): an empty classic group is
    /// replaced; a non-empty one is converted when the policy allows. Returns the records of
    /// the change (tombstones of the classic group) and the answers to its waiting members.
    pub fn become_consumer_group(
        &mut self,
        policy: MigrationPolicy,
        topics: &TopicIds,
        now: i64,
    ) -> Result<(Vec<CoordinatorRecord>, Effects), Refusal> {
        if self.consumer.is_some() {
            return Ok(Default::default());
        }
        let classic = &self.group;
        let mut records = Vec::new();
        if classic.members.is_empty() {
            if classic.protocol_type.is_some() {
                records.push(CoordinatorRecord::group_metadata_tombstone(
                    &classic.group_id,
                ));
            }
            self.group = ClassicGroup::new(&classic.group_id, now, classic.config);
            self.consumer = Some(ConsumerGroup::new(&self.group.group_id));
            return Ok((records, Effects::default()));
        }
        let not_a_consumer_group = || {
            (
                ErrorCode::GroupIdNotFound,
                format!("Group {} is not a consumer group", classic.group_id),
            )
        };
        if !policy.is_upgrade_enabled() || classic.protocol_type.as_deref() != Some("consumer") {
            return Err(not_a_consumer_group());
        }
        let converted = ConsumerGroup::from_classic_group(classic, now)
            .map_err(|message| (ErrorCode::GroupIdNotFound, message))?;
        // Members waiting in a rebalance are told another one is under way, so they rejoin.
        let effects = self.group.abandon_waiting(ErrorCode::RebalanceInProgress);
        records.push(CoordinatorRecord::group_metadata_tombstone(
            &self.group.group_id,
        ));
        let empty = ConsumerGroup::new(&converted.group_id);
        records.extend(converted.records_since(&empty, topics));
        self.group = ClassicGroup::new(&self.group.group_id, now, self.group.config);
        self.consumer = Some(converted);
        Ok((records, effects))
    }

    /// Makes an empty consumer group a classic one for a classic JoinGroup (any policy):
    /// the consumer group's records are tombstoned.
    pub fn become_classic_group(&mut self) -> Vec<CoordinatorRecord> {
        match self.consumer.take_if(|group| group.members.is_empty()) {
            Some(group) => group.tombstones(),
            None => Vec::new(),
        }
    }

    /// The records that carry the consumer group from `before` to what it is now — or, when
    /// the change took away the last member on the consumer protocol and classic members remain,
    /// those of the downgrade instead (`convertToClassicGroup`, when the policy allows it): the
    /// consumer group's tombstones and a classic group at `before`'s epoch, whose members then
    /// rejoin in a rebalance.
    pub fn consumer_group_change(
        &mut self,
        before: &ConsumerGroup,
        topics: &TopicIds,
        policy: MigrationPolicy,
        now: i64,
    ) -> (Vec<CoordinatorRecord>, Effects) {
        let Some(group) = self.consumer.as_ref() else {
            return Default::default();
        };
        let downgrade = policy.is_downgrade_enabled()
            && group.only_classic_members()
            && !before.only_classic_members();
        if !downgrade {
            return (group.records_since(before, topics), Effects::default());
        }
        // Kafka converts instead of fencing: no epoch bump, the remaining members' targets.
        let mut remaining = before.clone();
        remaining
            .members
            .retain(|id, _| group.members.contains_key(id));
        let (classic, effects) =
            ClassicGroup::from_consumer_group(&remaining, now, self.group.config);
        let mut records = before.tombstones();
        records.push(classic.metadata_record(now));
        self.consumer = None;
        self.group = classic;
        (records, effects)
    }
}

impl GroupEntry {
    /// A classic JoinGroup, SyncGroup, Heartbeat or LeaveGroup to a consumer group with
    /// members, from a classic member of it (`classicGroupJoinToConsumerGroup` and friends);
    /// `None` when the group is classic, or for commits and fetches, which are handled alike.
    pub fn classic_request_to_consumer_group(
        &mut self,
        request_id: u64,
        request: &GroupRequest,
        new_member_id: &mut dyn FnMut(Option<&str>) -> String,
        topics: &TopicIds,
        policy: MigrationPolicy,
        now: i64,
    ) -> Option<Effects> {
        let group = self.consumer.as_mut()?;
        let before = group.clone();
        let response = match request {
            GroupRequest::JoinGroup(join) => {
                let error = |code| {
                    GroupResponse::JoinGroup(JoinGroupResponse::error(code, &join.member_id))
                };
                if !group.supports_classic_protocols(&join.protocol_type, &join.protocols) {
                    error(ErrorCode::InconsistentGroupProtocol)
                } else if join.member_id.is_empty() && join.group_instance_id.is_none() {
                    // A dynamic member gets its id first (`requiresKnownMemberId`).
                    let member_id = new_member_id(None);
                    GroupResponse::JoinGroup(JoinGroupResponse::error(
                        ErrorCode::MemberIdRequired,
                        &member_id,
                    ))
                } else {
                    let member_id = match join.member_id.as_str() {
                        "" => new_member_id(None),
                        id => id.to_string(),
                    };
                    match group.classic_join(join, &member_id, topics, now) {
                        Ok(response) => GroupResponse::JoinGroup(response),
                        Err(code) => error(code),
                    }
                }
            }
            GroupRequest::SyncGroup(sync) => GroupResponse::SyncGroup(
                group
                    .classic_sync(sync, now)
                    .unwrap_or_else(SyncGroupResponse::error),
            ),
            GroupRequest::Heartbeat(heartbeat) => {
                GroupResponse::Heartbeat(group.classic_heartbeat(heartbeat, now))
            }
            GroupRequest::LeaveGroup(leave) => GroupResponse::LeaveGroup {
                error: ErrorCode::None,
                members: group.classic_leave(leave, topics),
            },
            _ => return None,
        };
        let (records, mut effects) = self.consumer_group_change(&before, topics, policy, now);
        effects.write(records, vec![(request_id, response)]);
        Some(effects)
    }
}
