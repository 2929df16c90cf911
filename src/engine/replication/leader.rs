//! A leader's side of replication (`Partition`, `ReplicaManager.fetchMessages` for followers):
//! each follower's fetch state, ISR expansion on catch-up and shrinking on lag
//! (`replica.lag.time.max.ms`), the high watermark as the lowest log end offset in the ISR, and
//! fetches held until data arrives (`DelayedFetch`, `replica.fetch.wait.max.ms`).

use super::messages::{FetchPartition, FetchRequest, FetchResponse, FetchedPartition, Message};
use super::{FollowerState, LedPartition, ParkedFetch};
use crate::engine::broker::TopicPartition;
use crate::engine::cluster::Cluster;
use crate::engine::error::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::scheduler::Task;
use std::sync::Arc;

impl Cluster {
    /// A follower's fetch arrives at `leader`: each partition's follower state is updated, and
    /// the answer is sent at once if it carries anything, else held (`DelayedFetch`).
    pub(crate) fn handle_fetch(&mut self, leader: i32, request: FetchRequest, may_park: bool) {
        let now = self.now().as_millis();
        let settings = self.replication_settings();
        // Unnamed answers (`FetchedPartition::unnamed`): named below only if they are sent.
        let mut partitions = Vec::with_capacity(request.partitions.len());
        for fetch in &request.partitions {
            partitions.push(self.fetch_for_follower(leader, request.replica_id, fetch, now));
        }
        let empty = partitions.iter().all(|p| {
            p.error == ErrorCode::None && p.diverging_epoch.is_none() && p.records.is_empty()
        });
        if empty && may_park && settings.replica_fetch_wait_max_ms > 0 {
            let deadline_ms = now + settings.replica_fetch_wait_max_ms;
            let request_id = request.request_id;
            if let Some(broker) = self.broker_mut(leader) {
                broker.replica.parked.insert(
                    request_id,
                    ParkedFetch {
                        follower: request.replica_id,
                        request,
                        deadline_ms,
                    },
                );
            }
            self.schedule_in(
                settings.replica_fetch_wait_max_ms,
                Task::ParkedFetchExpiry {
                    broker: leader,
                    request_id,
                },
            );
            return;
        }
        let FetchRequest {
            request_id,
            replica_id,
            partitions: fetched,
        } = request;
        for (answer, fetch) in partitions.iter_mut().zip(fetched) {
            answer.topic = fetch.topic;
        }
        let response = FetchResponse {
            request_id,
            partitions,
        };
        self.send(leader, replica_id, Message::FetchResponse(response));
    }

    /// A held fetch whose time ran out, or whose partitions got data: answered now.
    pub(crate) fn complete_parked_fetch(&mut self, leader: i32, request_id: u64) {
        let Some(parked) = self
            .broker_mut(leader)
            .and_then(|b| b.replica.parked.remove(&request_id))
        else {
            return;
        };
        if self.broker(leader).is_some_and(|b| b.is_running()) {
            self.handle_fetch(leader, parked.request, false);
        }
    }

    /// Answers the fetches `leader` holds for `topic`-`partition`, which just got data.
    pub(crate) fn wake_parked_fetches(&mut self, leader: i32, topic: &str, partition: i32) {
        let Some(broker) = self.broker(leader) else {
            return;
        };
        let waiting: Vec<u64> = broker
            .replica
            .parked
            .iter()
            .filter(|(_, p)| {
                p.request
                    .partitions
                    .iter()
                    .any(|f| &*f.topic == topic && f.partition == partition)
            })
            .map(|(&id, _)| id)
            .collect();
        for id in waiting {
            self.complete_parked_fetch(leader, id);
        }
    }

    /// One partition of a follower's fetch (`Partition.fetchRecords` for a follower), unnamed.
    /// Each partition of every fetch comes here, data or not, so it looks each map up once
    /// and builds no key.
    fn fetch_for_follower(
        &mut self,
        leader: i32,
        follower: i32,
        fetch: &FetchPartition,
        now: i64,
    ) -> FetchedPartition {
        let (topic, partition) = (&*fetch.topic, fetch.partition);
        let Some(info) = self.partition_info(topic, partition) else {
            return FetchedPartition::unnamed(partition, ErrorCode::UnknownTopicOrPartition);
        };
        if info.leader != Some(leader) || !info.replicas.contains(&follower) {
            return FetchedPartition::unnamed(partition, ErrorCode::NotLeaderOrFollower);
        }
        if fetch.current_leader_epoch < info.leader_epoch {
            return FetchedPartition::unnamed(partition, ErrorCode::FencedLeaderEpoch);
        }
        if fetch.current_leader_epoch > info.leader_epoch {
            return FetchedPartition::unnamed(partition, ErrorCode::UnknownLeaderEpoch);
        }
        let in_isr = info.isr.contains(&follower);
        let max_bytes = self.replication_settings().replica_fetch_max_bytes;
        let Some((log, store)) = self
            .broker(leader)
            .and_then(|b| b.log(topic, partition).map(|log| (log, &b.store)))
        else {
            return FetchedPartition::unnamed(partition, ErrorCode::NotLeaderOrFollower);
        };
        let log_end_offset = log.log_end_offset();
        let high_watermark_before = log.high_watermark();
        // KIP-320: a follower whose last epoch ends earlier here has diverged; it truncates first.
        if let Some(last_epoch) = fetch.last_fetched_epoch {
            let (epoch, end_offset) = log
                .leader_epochs()
                .end_offset_for(last_epoch, log_end_offset);
            if epoch < last_epoch || end_offset < fetch.fetch_offset {
                let mut answer = FetchedPartition::unnamed(partition, ErrorCode::None);
                answer.high_watermark = log.high_watermark();
                answer.log_start_offset = log.log_start_offset();
                answer.diverging_epoch = Some((epoch, end_offset));
                return answer;
            }
        }
        let read = match log.read(store, fetch.fetch_offset, max_bytes, log_end_offset) {
            Ok(read) => read,
            Err(error) => {
                // Every answer carries the leader's log start and high watermark: a follower
                // out of range starts again at the log start (`fetchOffsetAndTruncate`).
                let mut answer = FetchedPartition::unnamed(partition, error.code);
                answer.log_start_offset = log.log_start_offset();
                answer.high_watermark = log.high_watermark();
                return answer;
            }
        };
        self.update_follower_fetch_state(leader, fetch, follower, log_end_offset, now);
        if !in_isr {
            self.maybe_expand_isr(leader, topic, partition, follower);
        }
        // An ISR member whose log end offset (its fetch offset) is at or below the high
        // watermark bounds the new one by that offset, so it cannot move: most fetches of a
        // caught-up follower end here without the lookups of a high watermark check.
        let high_watermark = if in_isr && fetch.fetch_offset <= high_watermark_before {
            high_watermark_before
        } else {
            self.maybe_increment_high_watermark(leader, topic, partition);
            self.broker(leader)
                .and_then(|b| b.log(topic, partition))
                .map_or(read.high_watermark, |log| log.high_watermark())
        };
        FetchedPartition {
            topic: Arc::default(),
            partition,
            error: ErrorCode::None,
            high_watermark,
            log_start_offset: read.log_start_offset,
            diverging_epoch: None,
            records: read.bytes,
        }
    }

    /// `Replica.updateFetchStateOrThrow`: the follower's log end offset is its fetch offset; it
    /// counts as caught up now if it asked for the leader's end, or as of its previous fetch if
    /// it asked for what was the end then.
    fn update_follower_fetch_state(
        &mut self,
        leader: i32,
        fetch: &FetchPartition,
        follower: i32,
        leader_log_end_offset: i64,
        now: i64,
    ) {
        let fetch_offset = fetch.fetch_offset;
        let Some(led) = self
            .broker_mut(leader)
            .and_then(|b| b.replica.led.get_mut(&fetch.topic, fetch.partition))
        else {
            return;
        };
        let state = led.followers.entry(follower).or_insert(FollowerState {
            log_end_offset: -1,
            last_caught_up_ms: 0,
            last_fetch_ms: 0,
            last_fetch_leader_log_end_offset: -1,
        });
        if fetch_offset >= leader_log_end_offset {
            state.last_caught_up_ms = state.last_caught_up_ms.max(now);
        } else if fetch_offset >= state.last_fetch_leader_log_end_offset {
            state.last_caught_up_ms = state.last_caught_up_ms.max(state.last_fetch_ms);
        }
        state.log_end_offset = fetch_offset;
        state.last_fetch_leader_log_end_offset = leader_log_end_offset;
        state.last_fetch_ms = now;
    }

    /// `Partition.maybeExpandIsr`: a follower out of the ISR that has reached the high watermark
    /// and the start of the leader's epoch is added back (AlterPartition to the controller).
    fn maybe_expand_isr(&mut self, leader: i32, topic: &str, partition: i32, follower: i32) {
        let Some(info) = self.partition_info(topic, partition) else {
            return;
        };
        if info.isr.contains(&follower) || !self.is_unfenced(follower) {
            return;
        }
        let Some(broker) = self.broker(leader) else {
            return;
        };
        let (Some(log), Some(led)) = (
            broker.log(topic, partition),
            broker.replica.led.get(topic, partition),
        ) else {
            return;
        };
        let Some(state) = led.followers.get(&follower) else {
            return;
        };
        if state.log_end_offset >= log.high_watermark()
            && state.log_end_offset >= led.epoch_start_offset
        {
            let mut isr = info.isr.clone();
            isr.push(follower);
            if self.alter_partition(leader, topic, partition, isr, "caught up") {
                // PartitionChangeBuilder.completeReassignmentIfNeeded: the last adding replica
                // in sync completes a reassignment.
                self.maybe_complete_reassignment(topic, partition);
            }
        }
    }

    /// `Partition.maybeIncrementLeaderHW`: the lowest log end offset in the ISR, the leader's
    /// own included; it only moves forward. Returns whether it moved.
    pub(crate) fn maybe_increment_high_watermark(
        &mut self,
        leader: i32,
        topic: &str,
        partition: i32,
    ) -> bool {
        let Some(info) = self.partition_info(topic, partition) else {
            return false;
        };
        let replication_factor = info.replicas.len();
        let isr_len = info.isr.len();
        let Some(broker) = self.broker(leader) else {
            return false;
        };
        let Some(log) = broker.log(topic, partition) else {
            return false;
        };
        // KIP-966's strict min ISR: nothing is committed while the ISR is under the effective
        // min.insync.replicas, so every ELR member holds every committed record.
        let min_isr = usize::try_from(log.config().min_insync_replicas)
            .unwrap_or(usize::MAX)
            .min(replication_factor);
        if isr_len < min_isr {
            return false;
        }
        let led = broker.replica.led.get(topic, partition);
        let mut new_high_watermark = log.log_end_offset();
        for member in info.isr.iter().filter(|&&m| m != leader) {
            let end = led
                .and_then(|l| l.followers.get(member))
                .map_or(-1, |f| f.log_end_offset);
            new_high_watermark = new_high_watermark.min(end);
        }
        if new_high_watermark <= log.high_watermark() {
            return false;
        }
        let Some((log, _)) = self
            .broker_mut(leader)
            .and_then(|b| b.log_mut(topic, partition))
        else {
            return false;
        };
        let old = log.high_watermark();
        if new_high_watermark <= old {
            return false;
        }
        log.set_high_watermark(new_high_watermark);
        self.emit(EventKind::HighWatermarkAdvanced {
            broker: leader,
            topic: topic.to_string(),
            partition,
            old_high_watermark: old,
            new_high_watermark,
        });
        true
    }

    /// `ReplicaManager.maybeShrinkIsr` ("isr-expiration", every `replica.lag.time.max.ms / 2`):
    /// followers that have not caught up within `replica.lag.time.max.ms` leave the ISR.
    pub(crate) fn run_isr_expiration(&mut self, broker_id: i32) {
        let settings = self.replication_settings();
        self.schedule_in(
            settings.replica_lag_time_max_ms / 2,
            Task::IsrExpiration { broker: broker_id },
        );
        let Some(broker) = self.broker(broker_id) else {
            return;
        };
        if !broker.is_running() {
            return;
        }
        let now = self.now().as_millis();
        let led: Vec<(TopicPartition, LedPartition)> = broker
            .replica
            .led
            .iter()
            .map(|((topic, partition), v)| ((topic.to_string(), partition), v.clone()))
            .collect();
        for (key, partition) in led {
            let Some(info) = self.partition_info(&key.0, key.1) else {
                continue;
            };
            let leader_end = self
                .broker(broker_id)
                .and_then(|b| b.log(&key.0, key.1))
                .map_or(0, |log| log.log_end_offset());
            let out_of_sync: Vec<i32> = info
                .isr
                .iter()
                .copied()
                .filter(|&member| member != broker_id)
                .filter(|member| {
                    partition.followers.get(member).is_none_or(|f| {
                        f.log_end_offset != leader_end
                            && now - f.last_caught_up_ms > settings.replica_lag_time_max_ms
                    })
                })
                .collect();
            if out_of_sync.is_empty() {
                continue;
            }
            let isr: Vec<i32> = info
                .isr
                .iter()
                .copied()
                .filter(|m| !out_of_sync.contains(m))
                .collect();
            if self.alter_partition(broker_id, &key.0, key.1, isr, "lagging") {
                self.maybe_increment_high_watermark(broker_id, &key.0, key.1);
            }
        }
    }
}
