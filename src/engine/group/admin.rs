//! The admin side of groups, as `Admin` reaches it: ListGroups, DescribeGroups, OffsetFetch,
//! OffsetCommit from outside the group (AlterConsumerGroupOffsets), OffsetDelete and
//! DeleteGroups — what `kafka-consumer-groups.sh` calls. Each call runs to its answer in
//! simulated time, as the tool waits for it.

use super::assignor::TopicPartition;
use super::describe::{CommittedOffset, GroupDescription, GroupListing};
use super::effects::Effects;
use super::protocol::{GroupRequest, GroupResponse, OffsetCommitRequest, OffsetFetchRequest};
use super::records::CoordinatorRecord;
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::sorting::{self, CollectBTree};
use std::collections::BTreeMap;

/// Per-partition outcomes of an offsets request.
pub type PartitionResults = BTreeMap<TopicPartition, Result<(), ApiError>>;

/// `default.api.timeout.ms` of the admin client.
const ADMIN_TIMEOUT_MS: i64 = 60_000;

fn code_result(code: ErrorCode) -> Result<(), ApiError> {
    match code {
        ErrorCode::None => Ok(()),
        code => Err(ApiError::bare(code)),
    }
}

impl Cluster {
    /// Waits in simulated time (at most `timeout_ms`) for the answer to `request_id`.
    pub fn await_group_response(
        &mut self,
        request_id: u64,
        timeout_ms: i64,
    ) -> Option<GroupResponse> {
        let deadline = self.now().as_millis() + timeout_ms;
        loop {
            if let Some(response) = self.take_group_response(request_id) {
                return Some(response);
            }
            if self.now().as_millis() >= deadline {
                return None;
            }
            if !self.step(deadline) {
                self.clock_advance_to(deadline);
            }
        }
    }

    /// Sends `request` to the group's coordinator and waits for the answer.
    fn admin_group_request(&mut self, request: GroupRequest) -> Result<GroupResponse, ApiError> {
        let broker = self.find_coordinator(request.group_id())?;
        let request_id = self.send_group_request(broker, request);
        self.await_group_response(request_id, ADMIN_TIMEOUT_MS)
            .ok_or_else(|| ApiError::bare(ErrorCode::RequestTimedOut))
    }

    /// Writes `records` for `group_id` at its coordinator and waits until they are replicated.
    fn admin_group_write(
        &mut self,
        broker: i32,
        records: Vec<CoordinatorRecord>,
    ) -> Result<(), ApiError> {
        let marker = self.next_request_id();
        let mut effects = Effects::default();
        effects.write(
            records,
            vec![(marker, GroupResponse::Heartbeat(ErrorCode::None))],
        );
        self.apply_group_effects(broker, effects);
        match self.await_group_response(marker, ADMIN_TIMEOUT_MS) {
            Some(GroupResponse::Heartbeat(code)) => code_result(code),
            _ => Err(ApiError::bare(ErrorCode::RequestTimedOut)),
        }
    }

    /// ListGroups on every broker: each group once, in group id order.
    pub fn list_groups(&mut self) -> Result<Vec<GroupListing>, ApiError> {
        let mut all: Vec<GroupListing> = self
            .groups
            .coordinators
            .values()
            .flat_map(|c| c.list())
            .collect();
        sorting::sort_by(&mut all, |a, b| a.group_id.cmp(&b.group_id));
        all.dedup_by(|a, b| a.group_id == b.group_id);
        Ok(all)
    }

    /// DescribeGroups: a group that does not exist is described as `Dead` with no members,
    /// as the coordinator answers.
    pub fn describe_group(&mut self, group_id: &str) -> Result<GroupDescription, ApiError> {
        let (broker, coordinator) = self.group_coordinator(group_id)?;
        Ok(coordinator.describe(group_id, broker))
    }

    /// OffsetFetch of every partition the group committed.
    pub fn fetch_committed_offsets(
        &mut self,
        group_id: &str,
    ) -> Result<BTreeMap<TopicPartition, CommittedOffset>, ApiError> {
        let request = GroupRequest::OffsetFetch(OffsetFetchRequest {
            group_id: group_id.to_string(),
            partitions: None,
        });
        match self.admin_group_request(request)? {
            GroupResponse::OffsetFetch { error, offsets } => code_result(error).map(|()| offsets),
            _ => Err(ApiError::bare(ErrorCode::InvalidRequest)),
        }
    }

    /// AlterConsumerGroupOffsets: an OffsetCommit from outside the group (generation -1),
    /// refused (`UNKNOWN_MEMBER_ID`) while the group has members.
    pub fn alter_group_offsets(
        &mut self,
        group_id: &str,
        offsets: &BTreeMap<TopicPartition, i64>,
    ) -> Result<PartitionResults, ApiError> {
        let request = GroupRequest::OffsetCommit(OffsetCommitRequest {
            group_id: group_id.to_string(),
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
            offsets: offsets
                .iter()
                .map(|(tp, &offset)| {
                    let committed = CommittedOffset {
                        offset,
                        leader_epoch: None,
                        metadata: String::new(),
                    };
                    (tp.clone(), committed)
                })
                .collect(),
        });
        match self.admin_group_request(request)? {
            GroupResponse::OffsetCommit(results) => Ok(results
                .into_iter()
                .map(|(tp, code)| (tp, code_result(code)))
                .collect_map()),
            _ => Err(ApiError::bare(ErrorCode::InvalidRequest)),
        }
    }

    /// OffsetDelete: `GROUP_SUBSCRIBED_TO_TOPIC` for a topic the group's members subscribe to.
    pub fn delete_group_offsets(
        &mut self,
        group_id: &str,
        partitions: &[TopicPartition],
    ) -> Result<PartitionResults, ApiError> {
        let (broker, coordinator) = self.group_coordinator(group_id)?;
        let (results, records) = coordinator
            .delete_offsets(group_id, partitions)
            .map_err(ApiError::bare)?;
        self.admin_group_write(broker, records)?;
        Ok(results
            .into_iter()
            .map(|(tp, code)| (tp, code_result(code)))
            .collect_map())
    }

    /// DeleteGroups: `NON_EMPTY_GROUP` while a group has members, `GROUP_ID_NOT_FOUND` for one
    /// that does not exist.
    pub fn delete_groups(
        &mut self,
        group_ids: &[String],
    ) -> BTreeMap<String, Result<(), ApiError>> {
        let mut results = BTreeMap::new();
        for group_id in group_ids {
            let result = self
                .group_coordinator(group_id)
                .and_then(|(broker, coordinator)| {
                    let records = coordinator.delete_group(group_id).map_err(ApiError::bare)?;
                    Ok((broker, records))
                });
            let result =
                result.and_then(|(broker, records)| self.admin_group_write(broker, records));
            results.insert(group_id.clone(), result);
        }
        results
    }
}

/// One partition's lag for a group: how far its committed offset is behind the log end, and how
/// old the next record it has not read is (time lag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    pub partition: TopicPartition,
    /// `None` when the group committed nothing for it.
    pub committed: Option<i64>,
    pub log_end_offset: i64,
    /// `log_end_offset - committed`; `None` without a commit.
    pub lag: Option<i64>,
    /// Milliseconds between now and the timestamp of the record at the committed offset (0
    /// when caught up); `None` without a commit or when that record is gone.
    pub time_lag_ms: Option<i64>,
}

impl Cluster {
    /// The lag of `group_id` on every partition it committed for, and on every partition of
    /// the topics its members subscribe to.
    pub fn group_lag(&mut self, group_id: &str) -> Result<Vec<PartitionLag>, ApiError> {
        let committed = self.fetch_committed_offsets(group_id)?;
        let (_, coordinator) = self.group_coordinator(group_id)?;
        let subscribed = coordinator
            .groups
            .get(group_id)
            .map(|e| match &e.consumer {
                Some(group) => group.subscribed_topics(),
                None => e.group.subscribed_topics(),
            })
            .unwrap_or_default();
        let mut partitions: std::collections::BTreeSet<TopicPartition> =
            committed.keys().cloned().collect();
        for topic in subscribed {
            let count = self.topic(&topic).map_or(0, |t| t.partitions.len() as i32);
            partitions.extend((0..count).map(|p| TopicPartition::new(topic.clone(), p)));
        }
        let now = self.now().as_millis();
        Ok(partitions
            .into_iter()
            .map(|tp| {
                let end = self
                    .list_offset(
                        &tp.topic,
                        tp.partition,
                        crate::engine::fetch::OffsetSpec::Latest,
                    )
                    .ok()
                    .flatten()
                    .map_or(0, |o| o.offset);
                let at = committed.get(&tp).map(|c| c.offset);
                let time_lag_ms = at.and_then(|offset| {
                    if offset >= end {
                        return Some(0);
                    }
                    let fetched = self.fetch(&tp.topic, tp.partition, offset, 1).ok()?;
                    let batch = fetched.batches.first()?;
                    let record = batch.records().iter().find(|r| r.offset >= offset)?;
                    Some((now - batch.timestamp_of(record)).max(0))
                });
                PartitionLag {
                    committed: at,
                    log_end_offset: end,
                    lag: at.map(|c| (end - c).max(0)),
                    time_lag_ms,
                    partition: tp,
                }
            })
            .collect())
    }
}
