//! A follower's fetcher (`ReplicaFetcherThread`, `AbstractFetcherThread`): one per leader broker,
//! fetching every partition it copies from that leader in one request, appending what comes
//! back with the leader's offsets and epochs, and truncating by epoch when its log diverged
//! (KIP-101, KIP-279, and the `DivergingEpoch` of KIP-320).

use super::messages::{FetchPartition, FetchRequest, FetchResponse, FetchedPartition, Message};
use crate::engine::cluster::Cluster;
use crate::engine::error::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::log::epoch_cache::{UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET};
use crate::engine::log::producer_state::BatchMetadata;
use crate::engine::network::Sent;
use crate::engine::produce::summarize_header;
use crate::engine::record::BatchHeader;
use crate::engine::scheduler::Task;
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

impl Cluster {
    /// Sends `broker`'s fetch to `leader` for every partition its fetcher holds.
    pub(crate) fn send_replica_fetch(&mut self, broker: i32, leader: i32) {
        let Some(node) = self.broker_mut(broker) else {
            return;
        };
        let running = node.is_running();
        let Some(fetcher) = node.replica.fetchers.get_mut(&leader) else {
            return;
        };
        fetcher.scheduled = false;
        if !running || fetcher.in_flight.is_some() || fetcher.partitions.is_empty() {
            return;
        }
        let Some(node) = self.broker(broker) else {
            return;
        };
        let Some(fetcher) = node.replica.fetchers.get(&leader) else {
            return;
        };
        let mut partitions = Vec::with_capacity(fetcher.partitions.len());
        for (topic, partition) in &fetcher.partitions {
            let epoch = self
                .partition_info(topic, *partition)
                .map_or(-1, |p| p.leader_epoch);
            let Some(log) = node.log(topic, *partition) else {
                continue;
            };
            partitions.push(FetchPartition {
                current_leader_epoch: epoch,
                fetch_offset: log.log_end_offset(),
                last_fetched_epoch: log.leader_epochs().latest_epoch(),
                log_start_offset: log.log_start_offset(),
                topic: topic.clone(),
                partition: *partition,
            });
        }
        let request_id = self.next_request_id();
        let request = FetchRequest {
            request_id,
            replica_id: broker,
            partitions,
        };
        let settings = self.replication_settings();
        match self.send(broker, leader, Message::Fetch(request)) {
            Sent::Unreachable => {
                // The connection fails at once; the fetcher backs off and tries again.
                self.schedule_replica_fetch(broker, leader, settings.replica_fetch_backoff_ms);
            }
            Sent::Delivering { .. } | Sent::Dropped => {
                let now = self.now().as_millis();
                let Some(fetcher) = self.fetcher_mut(broker, leader) else {
                    return;
                };
                fetcher.in_flight = Some(request_id);
                fetcher.sent_ms = now;
                if !fetcher.timeout_scheduled {
                    fetcher.timeout_scheduled = true;
                    self.schedule_in(
                        settings.replica_socket_timeout_ms,
                        Task::ReplicaFetchTimeout { broker, leader },
                    );
                }
            }
        }
    }

    /// `broker`'s fetcher of what `leader` leads.
    fn fetcher_mut(&mut self, broker: i32, leader: i32) -> Option<&mut super::Fetcher> {
        self.broker_mut(broker)?.replica.fetchers.get_mut(&leader)
    }

    /// Schedules `broker`'s next fetch from `leader` after `delay_ms`, unless one is scheduled.
    pub(crate) fn schedule_replica_fetch(&mut self, broker: i32, leader: i32, delay_ms: i64) {
        let Some(fetcher) = self.fetcher_mut(broker, leader) else {
            return;
        };
        if fetcher.scheduled {
            return;
        }
        fetcher.scheduled = true;
        self.schedule_in(delay_ms, Task::ReplicaFetch { broker, leader });
    }

    /// The fetcher's timeout check: a request with no answer within `replica.socket.timeout.ms`
    /// is given up and retried after the backoff; a younger one is checked again when it would
    /// be that old.
    pub(crate) fn replica_fetch_timed_out(&mut self, broker: i32, leader: i32) {
        let now = self.now().as_millis();
        let settings = self.replication_settings();
        let Some(fetcher) = self.fetcher_mut(broker, leader) else {
            return;
        };
        fetcher.timeout_scheduled = false;
        if fetcher.in_flight.is_none() {
            return;
        }
        let due = fetcher.sent_ms + settings.replica_socket_timeout_ms;
        if now < due {
            fetcher.timeout_scheduled = true;
            self.schedule_in(due - now, Task::ReplicaFetchTimeout { broker, leader });
            return;
        }
        fetcher.in_flight = None;
        self.schedule_replica_fetch(broker, leader, settings.replica_fetch_backoff_ms);
    }

    /// The leader's answer arrives at `broker` (`AbstractFetcherThread.processFetchRequest`).
    pub(crate) fn handle_fetch_response(
        &mut self,
        broker: i32,
        leader: i32,
        response: FetchResponse,
    ) {
        let Some(fetcher) = self.fetcher_mut(broker, leader) else {
            return;
        };
        if fetcher.in_flight != Some(response.request_id) {
            return;
        }
        fetcher.in_flight = None;
        let mut had_error = false;
        for fetched in response.partitions {
            let current = self
                .partition_info(&fetched.topic, fetched.partition)
                .is_some_and(|p| p.leader == Some(leader) && p.replicas.contains(&broker));
            if !current {
                continue;
            }
            if fetched.error == ErrorCode::OffsetOutOfRange
                && self.start_at_leader_log_start(broker, &fetched)
            {
                continue;
            }
            if fetched.error != ErrorCode::None {
                had_error = true;
                continue;
            }
            self.process_fetched_partition(broker, fetched);
        }
        let delay = if had_error {
            self.replication_settings().replica_fetch_backoff_ms
        } else {
            0
        };
        self.schedule_replica_fetch(broker, leader, delay);
    }

    /// One partition of the answer: truncate if the log diverged, else append and take the
    /// leader's high watermark and log start offset.
    fn process_fetched_partition(&mut self, broker: i32, fetched: FetchedPartition) {
        let (topic, partition) = (&*fetched.topic, fetched.partition);
        if let Some((epoch, end_offset)) = fetched.diverging_epoch {
            self.truncate_on_divergence(broker, topic, partition, epoch, end_offset);
            return;
        }
        let now = self.now().as_millis();
        let mut appended_to = None;
        let mut rolls = Vec::new();
        let jitter = self.next_roll_jitter(broker, topic, partition);
        let Some((log, store)) = self
            .broker_mut(broker)
            .and_then(|b| b.log_mut(topic, partition))
        else {
            return;
        };
        let mut position = 0;
        let mut restarted = Vec::new();
        let mut epochs_changed = false;
        while let Ok(header) = BatchHeader::parse(&fetched.records[position..]) {
            let Ok(size) = usize::try_from(header.size_in_bytes()) else {
                break;
            };
            if size == 0 || position + size > fetched.records.len() {
                break;
            }
            let end = log.log_end_offset();
            if header.base_offset != end {
                // Partition.appendRecordsToFollowerOrFutureReplica: an empty log whose start
                // falls inside the first batch (deleted records) restarts at the batch's base
                // offset; any other gap is a broken fetch.
                let inside = header.base_offset < end && header.last_offset() >= end;
                if !(inside && end == log.log_start_offset()) {
                    break;
                }
                let restart =
                    log.truncate_fully_and_start_at(store, header.base_offset, jitter, now);
                restarted.extend(restart.deleted_files);
            }
            let bytes = &fetched.records[position..position + size];
            epochs_changed |=
                log.assign_leader_epoch(store, header.partition_leader_epoch, header.base_offset);
            let summary = summarize_header(&header);
            match log.append(store, &summary, bytes, jitter, now) {
                Ok(info) => {
                    log.producer_state_mut().record(
                        header.producer_id,
                        BatchMetadata {
                            first_sequence: header.base_sequence,
                            last_sequence: header.last_sequence(),
                            first_offset: info.first_offset,
                            last_offset: info.last_offset,
                        },
                    );
                    appended_to = Some(info.last_offset + 1);
                    if let Some(rolled) = info.rolled {
                        rolls.push(rolled);
                    }
                }
                Err(_) => break,
            }
            position += size;
        }
        // The epoch cache's file is flushed only when an append changed it.
        let changed_checkpoint = epochs_changed.then(|| log.leader_epoch_checkpoint_path());
        let end = log.log_end_offset();
        // ReplicaFetcherThread.processPartitionData: the follower's high watermark is the
        // leader's, capped at what it has; the log start offset follows the leader's.
        let new_high_watermark = fetched.high_watermark.min(end);
        if new_high_watermark > log.high_watermark() {
            log.set_high_watermark(new_high_watermark);
        }
        let old_start = log.log_start_offset();
        if fetched.log_start_offset > old_start {
            let _ = log.maybe_increment_log_start_offset(
                fetched.log_start_offset.min(log.high_watermark()),
            );
        }
        let delete_delay = log.config().file_delete_delay_ms;
        if !restarted.is_empty() {
            self.schedule_in(
                delete_delay,
                Task::DeleteSegmentFiles {
                    broker,
                    files: restarted,
                },
            );
        }
        if let Some(checkpoint) = changed_checkpoint {
            if let Some(node) = self.broker_mut(broker) {
                node.request_flush(&checkpoint);
            }
        }
        if appended_to.is_some() {
            let rolled_to = rolls.last().map(|r| r.new_base_offset);
            self.flush_after_append(broker, topic, partition, rolled_to);
        }
        for rolled in rolls {
            self.emit(EventKind::SegmentRolled {
                broker,
                topic: topic.to_string(),
                partition,
                old_base_offset: rolled.old_base_offset,
                new_base_offset: rolled.new_base_offset,
            });
        }
    }

    /// `AbstractFetcherThread.truncateOnFetchResponse` with `getOffsetTruncationState`: where
    /// the leader says the follower's last epoch ends, the follower cuts its log.
    fn truncate_on_divergence(
        &mut self,
        broker: i32,
        topic: &str,
        partition: i32,
        leader_epoch: i32,
        leader_end_offset: i64,
    ) {
        let Some(log) = self.broker(broker).and_then(|b| b.log(topic, partition)) else {
            return;
        };
        let replica_end = log.log_end_offset();
        let target = if leader_end_offset == UNDEFINED_EPOCH_OFFSET {
            log.high_watermark()
        } else if leader_epoch == UNDEFINED_EPOCH {
            leader_end_offset.min(replica_end)
        } else {
            match log
                .leader_epochs()
                .end_offset_for(leader_epoch, replica_end)
            {
                (UNDEFINED_EPOCH, _) => log.high_watermark(),
                (epoch, end) if epoch != leader_epoch => end.min(replica_end),
                (_, end) => end.min(leader_end_offset).min(replica_end),
            }
        };
        self.truncate_replica(broker, topic, partition, target, "diverging epoch");
    }

    /// `AbstractFetcherThread.fetchOffsetAndTruncate` after `OFFSET_OUT_OF_RANGE`: a replica
    /// whose log ends before the leader's log start (a new replica of a partition whose first
    /// records were deleted) empties its log and starts at the leader's log start
    /// (`truncateFullyAndStartAt`). Returns whether it did.
    fn start_at_leader_log_start(&mut self, broker: i32, fetched: &FetchedPartition) -> bool {
        let (topic, partition) = (&*fetched.topic, fetched.partition);
        let now = self.now().as_millis();
        let jitter = self.next_roll_jitter(broker, topic, partition);
        let Some((log, store)) = self
            .broker_mut(broker)
            .and_then(|b| b.log_mut(topic, partition))
        else {
            return false;
        };
        if fetched.log_start_offset <= log.log_end_offset() {
            return false;
        }
        let delete_delay = log.config().file_delete_delay_ms;
        let truncation =
            log.truncate_fully_and_start_at(store, fetched.log_start_offset, jitter, now);
        log.write_leader_epoch_checkpoint(store);
        self.schedule_in(
            delete_delay,
            Task::DeleteSegmentFiles {
                broker,
                files: truncation.deleted_files,
            },
        );
        self.emit(EventKind::ReplicaTruncated {
            broker,
            topic: topic.to_string(),
            partition,
            old_log_end_offset: truncation.old_log_end_offset,
            new_log_end_offset: truncation.new_log_end_offset,
            reason: "out of range",
        });
        true
    }

    /// Cuts `broker`'s log of `topic`-`partition` at `target`, reporting the records removed.
    pub(crate) fn truncate_replica(
        &mut self,
        broker: i32,
        topic: &str,
        partition: i32,
        target: i64,
        reason: &'static str,
    ) {
        let now = self.now().as_millis();
        let jitter = self.next_roll_jitter(broker, topic, partition);
        let Some((log, store)) = self
            .broker_mut(broker)
            .and_then(|b| b.log_mut(topic, partition))
        else {
            return;
        };
        let delete_delay = log.config().file_delete_delay_ms;
        let truncation = log.truncate_to(store, target, jitter, now);
        log.write_leader_epoch_checkpoint(store);
        let Some(truncation) = truncation else {
            return;
        };
        if !truncation.deleted_files.is_empty() {
            self.schedule_in(
                delete_delay,
                Task::DeleteSegmentFiles {
                    broker,
                    files: truncation.deleted_files.clone(),
                },
            );
        }
        self.emit(EventKind::ReplicaTruncated {
            broker,
            topic: topic.to_string(),
            partition,
            old_log_end_offset: truncation.old_log_end_offset,
            new_log_end_offset: truncation.new_log_end_offset,
            reason,
        });
    }

    /// Makes every running broker's fetchers match the controller's table: a fetcher per leader
    /// it copies from, holding exactly the partitions it follows (`ReplicaManager.makeFollowers`,
    /// `ReplicaFetcherManager.addFetcherForPartitions`); and its led partitions' state
    /// (`Partition.makeLeader`).
    pub(crate) fn sync_replication(&mut self) {
        let now = self.now().as_millis();
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            let running = self.is_serving(id);
            let mut wanted: BTreeMap<i32, BTreeSet<(Arc<str>, i32)>> = BTreeMap::new();
            let mut led = Vec::new();
            if running {
                for topic in self.topics() {
                    let name: Arc<str> = Arc::from(topic.name.as_str());
                    for p in &topic.partitions {
                        if !p.replicas.contains(&id) {
                            continue;
                        }
                        match p.leader {
                            Some(leader) if leader == id => led.push((
                                (topic.name.clone(), p.partition),
                                p.leader_epoch,
                                p.isr.clone(),
                                p.replicas.clone(),
                            )),
                            Some(leader) => {
                                wanted
                                    .entry(leader)
                                    .or_default()
                                    .insert((Arc::clone(&name), p.partition));
                            }
                            None => {}
                        }
                    }
                }
            }
            let Some(broker) = self.broker_mut(id) else {
                continue;
            };
            let replica = &mut broker.replica;
            replica
                .fetchers
                .retain(|leader, _| wanted.contains_key(leader));
            let mut to_start = Vec::new();
            for (leader, partitions) in wanted {
                let fetcher = replica.fetchers.entry(leader).or_default();
                fetcher.partitions = partitions;
                if fetcher.in_flight.is_none() && !fetcher.scheduled {
                    to_start.push(leader);
                }
            }
            broker.replica.led.retain(|topic, partition, _| {
                led.iter().any(|((t, p), ..)| t == topic && *p == partition)
            });
            let ends: Vec<i64> = led
                .iter()
                .map(|(key, ..)| broker.log(&key.0, key.1).map_or(0, |l| l.log_end_offset()))
                .collect();
            let mut newly_led = Vec::new();
            for ((key, epoch, isr, replicas), epoch_start_offset) in led.into_iter().zip(ends) {
                let replica = &mut broker.replica;
                if replica
                    .led
                    .get(&key.0, key.1)
                    .is_some_and(|l| l.leader_epoch == epoch)
                {
                    continue;
                }
                let followers = replicas
                    .iter()
                    .filter(|&&r| r != id)
                    .map(|&r| {
                        let caught_up = if isr.contains(&r) { now } else { 0 };
                        (
                            r,
                            super::FollowerState {
                                log_end_offset: -1,
                                last_caught_up_ms: caught_up,
                                last_fetch_ms: 0,
                                last_fetch_leader_log_end_offset: -1,
                            },
                        )
                    })
                    .collect_map();
                replica.led.insert(
                    &key.0,
                    key.1,
                    super::LedPartition {
                        leader_epoch: epoch,
                        epoch_start_offset,
                        followers,
                    },
                );
                newly_led.push((key, epoch));
            }
            for (key, epoch) in newly_led {
                // Partition.makeLeader: the new epoch starts at the log end offset in the cache at
                // once (`maybeAssignEpochStartOffset`), so a follower of an older epoch learns
                // where its epoch ended even before this leader appends anything (KIP-279).
                if let Some((log, store)) =
                    self.broker_mut(id).and_then(|b| b.log_mut(&key.0, key.1))
                {
                    let end = log.log_end_offset();
                    if log.assign_leader_epoch(store, epoch, end) {
                        let path = log.leader_epoch_checkpoint_path();
                        if let Some(node) = self.broker_mut(id) {
                            node.request_flush(&path);
                        }
                    }
                }
                // A leader alone in its ISR commits what it has at once.
                self.maybe_increment_high_watermark(id, &key.0, key.1);
            }
            for leader in to_start {
                self.schedule_replica_fetch(id, leader, 0);
            }
        }
        self.sync_group_coordinators();
    }
}
