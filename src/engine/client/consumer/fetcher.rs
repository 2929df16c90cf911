//! Where a consumer reads (`Fetcher`, `SubscriptionState`'s positions): positions from the
//! committed offsets or `auto.offset.reset`, seek, pause and resume, and the fetch itself — from
//! each owned partition's position, never past the high watermark, within `max.poll.records`,
//! `fetch.max.bytes` and `max.partition.fetch.bytes`, held for `fetch.min.bytes`.

use super::{AutoOffsetReset, Consumer, ConsumerEvent, ConsumerRecord};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::fetch::OffsetSpec;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::protocol::{GroupRequest, GroupResponse, OffsetFetchRequest};
use std::collections::BTreeMap;

impl Consumer {
    /// `seek(partition, offset)`: the next poll reads `partition` from `offset`.
    pub fn seek(&mut self, partition: TopicPartition, offset: i64) {
        self.positions.insert(partition, offset.max(0));
    }

    /// `pause(partitions)`: polls fetch nothing from them until resumed; the member keeps them.
    pub fn pause(&mut self, partitions: &[TopicPartition]) {
        self.paused.extend(partitions.iter().cloned());
    }

    /// `resume(partitions)`.
    pub fn resume(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            self.paused.remove(tp);
        }
    }

    /// Gives every owned partition without a position one: its committed offset, else
    /// `auto.offset.reset`. False while the committed offsets are being fetched.
    pub(super) fn update_positions(&mut self, cluster: &mut Cluster) -> Result<bool, ApiError> {
        let missing: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter(|tp| !self.positions.contains_key(*tp))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(true);
        }
        let mut committed = BTreeMap::new();
        if let Some(membership) = &self.membership {
            let Some(coordinator) = membership.coordinator else {
                return Ok(false);
            };
            let request_id = match self.offset_fetch {
                Some(id) => id,
                None => {
                    let request = GroupRequest::OffsetFetch(OffsetFetchRequest {
                        group_id: membership.group_id.clone(),
                        partitions: Some(missing.clone()),
                    });
                    let id = cluster.send_group_request(coordinator, request);
                    self.offset_fetch = Some(id);
                    id
                }
            };
            match cluster.take_group_response(request_id) {
                None => return Ok(false),
                Some(GroupResponse::OffsetFetch {
                    error: ErrorCode::None,
                    offsets,
                }) => {
                    self.offset_fetch = None;
                    committed = offsets;
                }
                Some(_) => {
                    self.offset_fetch = None;
                    let now = cluster.now().as_millis();
                    self.on_group_error(ErrorCode::CoordinatorNotAvailable, now);
                    return Ok(false);
                }
            }
        }
        let mut undefined = Vec::new();
        for tp in missing {
            match committed.get(&tp).filter(|c| c.offset >= 0) {
                Some(c) => {
                    self.positions.insert(tp, c.offset);
                }
                None => match self.reset_position(cluster, &tp) {
                    Some(offset) => {
                        let now = cluster.now().as_millis();
                        self.positions.insert(tp.clone(), offset);
                        self.event(
                            now,
                            ConsumerEvent::Reset {
                                partition: tp,
                                offset,
                            },
                        );
                    }
                    None => undefined.push(tp.to_string()),
                },
            }
        }
        if !undefined.is_empty() {
            return Err(ApiError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Undefined offset with no reset policy for partitions: [{}]",
                    undefined.join(", ")
                ),
            )
            .with_client_exception(
                "org.apache.kafka.clients.consumer.NoOffsetForPartitionException",
            ));
        }
        Ok(true)
    }

    /// The offset `auto.offset.reset` gives `tp`, or `None` for `none` (or no leader now).
    fn reset_position(&self, cluster: &Cluster, tp: &TopicPartition) -> Option<i64> {
        let spec = match self.config.auto_offset_reset {
            AutoOffsetReset::Earliest => OffsetSpec::Earliest,
            AutoOffsetReset::Latest => OffsetSpec::Latest,
            AutoOffsetReset::None => return None,
        };
        cluster
            .list_offset(&tp.topic, tp.partition, spec)
            .ok()
            .flatten()
            .map(|o| o.offset)
    }

    /// One round of fetches: from each owned partition's position (starting one partition
    /// further each poll), up to `max.poll.records` in all and `max.partition.fetch.bytes` per
    /// partition.
    pub(super) fn fetch(&mut self, cluster: &mut Cluster) -> Vec<ConsumerRecord> {
        let mut records = Vec::new();
        let count = self.assignment.len();
        if count == 0 || self.fetch_is_held(cluster) {
            return records;
        }
        self.metadata.maybe_refresh(cluster);
        let start = self.fetch_cursor % count;
        self.fetch_cursor = self.fetch_cursor.wrapping_add(1);
        let mut budget = self.config.fetch_max_bytes;
        for i in 0..count {
            let tp = self.assignment[(start + i) % count].clone();
            if records.len() >= self.config.max_poll_records || budget <= 0 {
                break;
            }
            if self.paused.contains(&tp) {
                continue;
            }
            let Some(&position) = self.positions.get(&tp) else {
                continue;
            };
            let max_bytes = self.config.max_partition_fetch_bytes.min(budget);
            let fetched = match self.fetch_from_leader(cluster, &tp, position, max_bytes) {
                Ok(fetched) => fetched,
                Err(error) if error.code == ErrorCode::OffsetOutOfRange => {
                    // Reset by policy (`Fetcher.handleOffsetOutOfRange`).
                    self.positions.remove(&tp);
                    continue;
                }
                Err(_) => continue,
            };
            for batch in &fetched.batches {
                budget -= batch.size_in_bytes() as i32;
                for record in batch.records().iter().filter(|r| r.offset >= position) {
                    if records.len() >= self.config.max_poll_records {
                        break;
                    }
                    self.positions.insert(tp.clone(), record.offset + 1);
                    if batch.partition_leader_epoch() >= 0 {
                        self.epochs
                            .insert(tp.clone(), batch.partition_leader_epoch());
                    }
                    records.push(ConsumerRecord {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset: record.offset,
                        timestamp: batch.timestamp_of(record),
                        timestamp_type: batch.timestamp_type(),
                        key: record.key.clone(),
                        value: record.value.clone(),
                        headers: record.headers.clone(),
                    });
                }
            }
        }
        records
    }

    /// One partition's Fetch, sent to the leader the metadata cache names. After an error that
    /// asks for a refresh (`AbstractFetch.handleInitializeErrors`: NOT_LEADER_OR_FOLLOWER,
    /// UNKNOWN_TOPIC_OR_PARTITION…, or a lost connection) the partition is skipped until the
    /// cache has refreshed, then fetched again (a retry event). An error `NONE`: skipped now.
    fn fetch_from_leader(
        &mut self,
        cluster: &mut Cluster,
        tp: &TopicPartition,
        position: i64,
        max_bytes: i32,
    ) -> Result<crate::engine::fetch::FetchResult, ApiError> {
        let skipped = || Err(ApiError::bare(ErrorCode::None));
        let failed = self.fetch_errors.get(tp).copied();
        if failed.is_some_and(|(_, at_refresh)| self.metadata.refreshes() <= at_refresh) {
            return skipped();
        }
        let Some(leader) = self.metadata.leader(cluster, &tp.topic, tp.partition) else {
            // "Requesting metadata update for partition … since the position … is missing
            // the current leader node".
            self.metadata.request_update(ErrorCode::LeaderNotAvailable);
            let attempts = failed.map_or(0, |(n, _)| n) + 1;
            self.fetch_errors
                .insert(tp.clone(), (attempts, self.metadata.refreshes()));
            return skipped();
        };
        if let Some((attempts, _)) = failed {
            let event = self
                .metadata
                .retry_event(&tp.topic, tp.partition, leader, attempts + 1);
            if let Some(event) = event {
                cluster.emit(event);
            }
        }
        let result = cluster.fetch_from(leader, &tp.topic, tp.partition, position, max_bytes);
        match &result {
            Err(error) if super::super::metadata_cache::asks_for_refresh(error.code) => {
                let event = self
                    .metadata
                    .error_event(&tp.topic, tp.partition, leader, error.code);
                if let Some(event) = event {
                    cluster.emit(event);
                }
                self.metadata.request_update(error.code);
                let attempts = failed.map_or(0, |(n, _)| n) + 1;
                self.fetch_errors
                    .insert(tp.clone(), (attempts, self.metadata.refreshes()));
            }
            Ok(_) => {
                self.fetch_errors.remove(tp);
                self.metadata.settled(&tp.topic, tp.partition);
            }
            Err(_) => {
                self.fetch_errors.remove(tp);
            }
        }
        result
    }

    /// `fetch.min.bytes`: the broker holds a fetch until that many bytes are there to read, or
    /// `fetch.max.wait.ms` has passed (`DelayedFetch`).
    fn fetch_is_held(&mut self, cluster: &Cluster) -> bool {
        let min = self.config.fetch_min_bytes;
        if min <= 1 {
            return false;
        }
        let mut available: i64 = 0;
        for tp in self
            .assignment
            .iter()
            .filter(|tp| !self.paused.contains(*tp))
        {
            let Some(&position) = self.positions.get(tp) else {
                continue;
            };
            if let Ok(fetched) = cluster.fetch(&tp.topic, tp.partition, position, min) {
                available += fetched
                    .batches
                    .iter()
                    .filter(|b| b.last_offset() >= position)
                    .map(|b| i64::from(b.size_in_bytes()))
                    .sum::<i64>();
            }
            if available >= i64::from(min) {
                break;
            }
        }
        let now = cluster.now().as_millis();
        let since = *self.fetch_held_since.get_or_insert(now);
        if available >= i64::from(min) || now - since >= self.config.fetch_max_wait_ms {
            self.fetch_held_since = None;
            return false;
        }
        true
    }
}
