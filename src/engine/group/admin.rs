//! The admin side of groups, as `Admin` reaches it: ListGroups, DescribeGroups, OffsetFetch,
//! OffsetCommit from outside the group (AlterConsumerGroupOffsets), OffsetDelete and
//! DeleteGroups — what `kafka-consumer-groups.sh` calls.

use super::assignor::TopicPartition;
use super::describe::{CommittedOffset, GroupDescription, GroupListing};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use std::collections::BTreeMap;

/// Per-partition outcomes of an offsets request.
pub type PartitionResults = BTreeMap<TopicPartition, Result<(), ApiError>>;

impl Cluster {
    /// FindCoordinator (key type GROUP): the node that coordinates `group_id`.
    pub fn find_coordinator(&mut self, group_id: &str) -> Result<i32, ApiError> {
        let _ = group_id;
        Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// ListGroups on every broker: each group once, in group id order.
    pub fn list_groups(&mut self) -> Result<Vec<GroupListing>, ApiError> {
        Ok(Vec::new())
    }

    /// DescribeGroups: a group that does not exist is described as `Dead` with no members,
    /// as the coordinator answers.
    pub fn describe_group(&mut self, group_id: &str) -> Result<GroupDescription, ApiError> {
        let _ = group_id;
        Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// OffsetFetch of every partition the group committed.
    pub fn fetch_committed_offsets(
        &mut self,
        group_id: &str,
    ) -> Result<BTreeMap<TopicPartition, CommittedOffset>, ApiError> {
        let _ = group_id;
        Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// AlterConsumerGroupOffsets: an OffsetCommit from outside the group (generation -1),
    /// refused per partition while the group has members.
    pub fn alter_group_offsets(
        &mut self,
        group_id: &str,
        offsets: &BTreeMap<TopicPartition, i64>,
    ) -> Result<PartitionResults, ApiError> {
        let _ = (group_id, offsets);
        Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// OffsetDelete: `GROUP_SUBSCRIBED_TO_TOPIC` for a topic the group's members subscribe to.
    pub fn delete_group_offsets(
        &mut self,
        group_id: &str,
        partitions: &[TopicPartition],
    ) -> Result<PartitionResults, ApiError> {
        let _ = (group_id, partitions);
        Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// DeleteGroups: `NON_EMPTY_GROUP` while a group has members, `GROUP_ID_NOT_FOUND` for one
    /// that does not exist.
    pub fn delete_groups(&mut self, group_ids: &[String]) -> BTreeMap<String, Result<(), ApiError>> {
        group_ids
            .iter()
            .map(|g| (g.clone(), Err(ApiError::bare(ErrorCode::GroupIdNotFound))))
            .collect()
    }
}
