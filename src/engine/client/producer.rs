//! The producer model: `KafkaProducer` as far as a script can see it.
//!
//! A record gets a partition (explicit, `murmur2(key)`, or the built-in sticky partitioner for
//! keyless records, KIP-480/794), joins that partition's open batch in the accumulator, and a
//! batch is sent when the next record would take it past `batch.size` or when the producer is
//! flushed or closed (a script's here-document is read at once, so `linger.ms` never decides).
//! With `enable.idempotence=true` (Kafka 4's default) batches carry the producer id from
//! `InitProducerId`, epoch 0 and per-partition sequence numbers. A batch the broker refuses as
//! too large is split and its records sent one by one, as `Sender` does.

use super::accumulator::{OpenBatch, OpenBatches};
use super::metadata::fetch_topic_metadata;
use super::metadata_cache::MetadataCache;
pub use super::producer_config::{Acks, ProducerConfig};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::partition_map::PartitionMap;
use crate::engine::partitioner::{
    choose_partition, BuiltInPartitioner, PartitionChoice, TopicPartitions,
};
use crate::engine::produce::{Produced, RequiredAcks};
use crate::engine::record::{
    record_size_in_bytes, Header, RecordBatch, RecordBatchBuilder, RECORD_BATCH_OVERHEAD,
};
use std::collections::{BTreeMap, BTreeSet};

/// A record to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerRecord {
    pub topic: String,
    pub partition: Option<i32>,
    pub timestamp: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

/// Where an acknowledged record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordMetadata {
    pub partition: i32,
    pub offset: i64,
    pub timestamp: i64,
}

/// What happened to one `send`, in send order.
pub type SendResult = Result<RecordMetadata, ApiError>;

#[derive(Debug, Clone)]
pub struct Producer {
    config: ProducerConfig,
    producer_id: i64,
    sequences: PartitionMap<i32>,
    partitioners: BTreeMap<String, BuiltInPartitioner>,
    open: OpenBatches,
    /// Batches handed to the sender, oldest first.
    in_flight: Vec<SenderBatch>,
    /// Every result below this index was handed out by [`Producer::take_results`].
    results_taken: usize,
    /// Results at or above `results_taken` handed out already (their batch was answered before
    /// an earlier one to another partition).
    taken_ahead: BTreeSet<usize>,
    /// The send index of `results[0]`: results handed out are dropped from the front in
    /// chunks, so a producer that runs for hours (`producer start`) stays small, and cheap to
    /// copy with the cluster.
    results_base: usize,
    results: Vec<Option<SendResult>>,
    /// Client log lines (metadata warnings), in order.
    pub log: Vec<String>,
    metadata_requests: i32,
    /// The leaders this producer sends to (`engine::client::metadata_cache`).
    metadata: MetadataCache,
}

impl Producer {
    /// A producer; an idempotent one asks the cluster for a producer id first.
    pub fn new(cluster: &mut Cluster, config: ProducerConfig) -> Self {
        let producer_id = if config.enable_idempotence {
            cluster.init_producer_id()
        } else {
            -1
        };
        let metadata = MetadataCache::new(
            &config.client_id,
            config.metadata_max_age_ms,
            config.retry_backoff_ms,
            config.retry_backoff_max_ms,
        );
        Producer {
            metadata,
            config,
            producer_id,
            sequences: PartitionMap::new(),
            partitioners: BTreeMap::new(),
            open: OpenBatches::default(),
            in_flight: Vec::new(),
            results_taken: 0,
            taken_ahead: BTreeSet::new(),
            results_base: 0,
            results: Vec::new(),
            log: Vec::new(),
            metadata_requests: 0,
        }
    }

    /// `KafkaProducer.send`: returns the send's index; its result comes from [`Producer::close`].
    pub fn send(&mut self, cluster: &mut Cluster, record: ProducerRecord) -> usize {
        let index = self.results_base + self.results.len();
        self.results.push(None);
        if let Err(error) = self.try_send(cluster, index, record) {
            if let Some(slot) = self.results.last_mut() {
                *slot = Some(Err(error));
            }
        }
        index
    }

    fn try_send(
        &mut self,
        cluster: &mut Cluster,
        index: usize,
        record: ProducerRecord,
    ) -> Result<(), ApiError> {
        let partition_count = self.partition_count(cluster, &record.topic)?;
        let timestamp = record
            .timestamp
            .unwrap_or_else(|| cluster.now().as_millis());
        let upper_bound = u64::from(RECORD_BATCH_OVERHEAD)
            + record_size_in_bytes(
                i32::MAX,
                i64::MAX,
                record.key.as_deref(),
                record.value.as_deref(),
                &record.headers,
            );
        if upper_bound > u64::try_from(self.config.max_request_size).unwrap_or(0) {
            return Err(ApiError::new(
                ErrorCode::MessageTooLarge,
                format!(
                    "The message is {upper_bound} bytes when serialized which is larger than {}, which is the value of the max.request.size configuration.",
                    self.config.max_request_size
                ),
            ));
        }
        let choice = choose_partition(
            record.partition,
            record.key.as_deref(),
            partition_count,
            self.config.partitioner_ignore_keys,
        )
        .map_err(|e| ApiError::new(ErrorCode::UnknownTopicOrPartition, e.to_string()))?;
        // Only the sticky partitioner looks at the available partitions.
        let all: Vec<i32> = if choice == PartitionChoice::Sticky {
            (0..partition_count).collect()
        } else {
            Vec::new()
        };
        let topology = TopicPartitions {
            num_partitions: partition_count,
            available: &all,
        };
        let partition = match choice {
            PartitionChoice::Explicit(p) | PartitionChoice::Keyed(p) => p,
            PartitionChoice::Sticky => {
                let sticky = self.sticky(&record.topic)?;
                sticky
                    .peek_current_partition(topology, &mut || cluster.rng().next_u32())
                    .map_err(|e| ApiError::new(ErrorCode::UnknownTopicOrPartition, e.to_string()))?
            }
        };
        let size = record_size_in_bytes(
            0,
            0,
            record.key.as_deref(),
            record.value.as_deref(),
            &record.headers,
        );
        let topic = record.topic.as_str();
        let full = self.open.get(topic, partition).is_some_and(|open| {
            let next = open.builder.size_of_next(
                timestamp,
                record.key.as_deref(),
                record.value.as_deref(),
                &record.headers,
            );
            !open.builder.is_empty()
                && open.builder.size_in_bytes() + next
                    > u64::try_from(self.config.batch_size).unwrap_or(0)
        });
        if full {
            self.send_batch(cluster, topic, partition);
        }
        let (open, new_batch) = self.open.get_or_open(topic, partition);
        open.builder
            .append(timestamp, record.key, record.value, record.headers)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
        open.sends.push((index, timestamp));
        if choice == PartitionChoice::Sticky {
            // RecordAccumulator counts the batch header when a record starts a new batch.
            let appended = size
                + if new_batch {
                    u64::from(RECORD_BATCH_OVERHEAD)
                } else {
                    0
                };
            let appended = i32::try_from(appended).unwrap_or(i32::MAX);
            if let Some(sticky) = self.partitioners.get_mut(&record.topic) {
                let _ = sticky.update_partition_info(appended, full, topology, &mut || {
                    cluster.rng().next_u32()
                });
            }
        }
        Ok(())
    }

    fn sticky(&mut self, topic: &str) -> Result<&mut BuiltInPartitioner, ApiError> {
        if !self.partitioners.contains_key(topic) {
            let partitioner = BuiltInPartitioner::new(self.config.batch_size.max(1))
                .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
            self.partitioners.insert(topic.to_string(), partitioner);
        }
        self.partitioners
            .get_mut(topic)
            .ok_or_else(|| ApiError::bare(ErrorCode::InvalidRequest))
    }

    fn partition_count(&mut self, cluster: &mut Cluster, topic: &str) -> Result<i32, ApiError> {
        let known = cluster.topic(topic).is_some();
        if !known {
            self.metadata_requests += 1;
        }
        let metadata = fetch_topic_metadata(cluster, topic, true)?;
        if let Some(error) = metadata.first_error {
            self.log.push(format!(
                "[Producer clientId={}] Error while fetching metadata with correlation id {} : {{{topic}={}}}",
                self.config.client_id,
                self.metadata_requests,
                error.name()
            ));
        }
        Ok(metadata.partition_count)
    }

    /// Moves one partition's open batch to the sender, which tries it at once.
    fn send_batch(&mut self, cluster: &mut Cluster, topic: &str, partition: i32) {
        let Some((key, open)) = self.open.remove(topic, partition) else {
            return;
        };
        self.hand_to_sender(cluster, key, open);
    }

    fn hand_to_sender(&mut self, cluster: &mut Cluster, key: (String, i32), open: OpenBatch) {
        let now = cluster.now().as_millis();
        let OpenBatch { builder, sends } = open;
        self.in_flight
            .push(SenderBatch::new(key, builder.build(), sends, now));
        self.pump(cluster);
    }

    /// Hands every open batch to the sender, in partition order (nothing opens one meanwhile:
    /// the sender only tries batches).
    fn send_all_open(&mut self, cluster: &mut Cluster) {
        let mut batches = self.open.take_all();
        for (key, open) in batches.drain(..) {
            self.hand_to_sender(cluster, key, open);
        }
        self.open.recycle(batches);
    }

    /// `Sender.runOnce` without waiting: tries every batch that is due, in order, and settles
    /// the ones whose answer is known.
    pub fn pump(&mut self, cluster: &mut Cluster) {
        // NetworkClient.poll: a refresh falls due every metadata.max.age.ms, sending or not.
        let learned = self.metadata.maybe_refresh(cluster);
        let now = cluster.now().as_millis();
        self.retry_at_once_on_new_leader(&learned, now);
        let mut i = 0;
        while i < self.in_flight.len() {
            let outcome = if let Some((produced, deadline)) = self.in_flight[i].waiting {
                let key = &self.in_flight[i].key;
                match cluster.produce_outcome(&key.0, key.1, &produced) {
                    Some(Ok(())) => Some(Ok(produced.info.first_offset)),
                    Some(Err(error)) => Some(Err(error)),
                    None if now >= deadline => {
                        Some(Err(ApiError::bare(ErrorCode::RequestTimedOut)))
                    }
                    None => None,
                }
            } else if self.in_flight[i].next_try_ms <= now {
                let before = self.in_flight.len();
                let outcome = self.attempt(cluster, i);
                if outcome.is_none() && self.in_flight.len() > before {
                    continue; // split into single-record batches: try the first of them now
                }
                outcome
            } else {
                None
            };
            match outcome {
                None => i += 1,
                Some(Ok(base)) => {
                    let batch = self.in_flight.remove(i);
                    self.metadata.settled(&batch.key.0, batch.key.1);
                    self.record_results(batch.key.1, &batch.sends, Ok(base));
                }
                Some(Err(error)) => {
                    if self.retry_or_fail(cluster, i, error) {
                        i += 1;
                    }
                }
            }
        }
    }

    /// KIP-951 (`RecordAccumulator.shouldBackoff`): a batch waiting to be retried goes at once
    /// when a refresh named a new leader for its partition; while any still waits after an
    /// error that asks for metadata, the producer keeps asking (each lost connection or
    /// NOT_LEADER_OR_FOLLOWER does in the Java client).
    fn retry_at_once_on_new_leader(&mut self, learned: &[(String, i32)], now: i64) {
        for batch in &mut self.in_flight {
            let retrying = batch.waiting.is_none() && !batch.expiring && batch.attempts > 0;
            if retrying && learned.contains(&batch.key) {
                batch.next_try_ms = batch.next_try_ms.min(now);
            }
        }
        let asking = self
            .in_flight
            .iter()
            .filter(|b| b.waiting.is_none() && !b.expiring)
            .filter_map(|b| b.last_error.as_ref())
            .map(|e| e.code)
            .find(|&code| super::metadata_cache::asks_for_refresh(code));
        if let Some(code) = asking {
            self.metadata.request_update(code);
        }
    }

    /// Sends batch `i` once. `Some` when its result is known now.
    fn attempt(&mut self, cluster: &mut Cluster, i: usize) -> Option<Result<i64, ApiError>> {
        let batch = &mut self.in_flight[i];
        batch.attempts += 1;
        if batch.expiring {
            let (topic, partition) = &batch.key;
            let error = ApiError::new(
                ErrorCode::RequestTimedOut,
                format!(
                    "Expiring {} record(s) for {topic}-{partition}:{} ms has passed since batch creation",
                    batch.sends.len(),
                    self.config.delivery_timeout_ms
                ),
            );
            return Some(Err(error));
        }
        let key = batch.key.clone();
        let count = i32::try_from(batch.sends.len()).unwrap_or(i32::MAX);
        let attempts = batch.attempts;
        // The leader the cache names; none known is the metadata's LEADER_NOT_AVAILABLE.
        let Some(leader) = self.metadata.leader(cluster, &key.0, key.1) else {
            self.in_flight[i].sent_to = None;
            return Some(Err(ApiError::bare(ErrorCode::LeaderNotAvailable)));
        };
        self.in_flight[i].sent_to = Some(leader);
        if attempts > 1 {
            if let Some(event) = self.metadata.retry_event(&key.0, key.1, leader, attempts) {
                cluster.emit(event);
            }
        }
        let sequence = *self.in_flight[i].sequence.get_or_insert_with(|| {
            let next = self.sequences.get(&key.0, key.1).copied().unwrap_or(0);
            self.sequences.insert(
                &key.0,
                key.1,
                crate::engine::record::increment_sequence(next, count),
            );
            next
        });
        if let Err(error) = self.stamp_producer_state(i, sequence) {
            return Some(Err(error));
        }
        let required = match self.config.acks {
            Acks::All => RequiredAcks::All,
            Acks::One | Acks::Zero => RequiredAcks::Leader,
        };
        let record_batch = &self.in_flight[i].batch;
        match cluster.produce_to(leader, &key.0, key.1, record_batch, required) {
            // acks=0: the producer never hears back, so it knows no offset.
            Ok(_) | Err(_) if self.config.acks == Acks::Zero => Some(Ok(-1)),
            Ok(produced) if self.config.acks == Acks::One => Some(Ok(produced.info.first_offset)),
            Ok(produced) => match cluster.produce_outcome(&key.0, key.1, &produced) {
                Some(Ok(())) => Some(Ok(produced.info.first_offset)),
                Some(Err(error)) => Some(Err(error)),
                None => {
                    let deadline = cluster.now().as_millis() + self.config.request_timeout_ms;
                    self.in_flight[i].waiting = Some((produced, deadline));
                    None
                }
            },
            Err(error) if error.code == ErrorCode::MessageTooLarge && count > 1 => {
                // Sender splits a too-large batch and retries (RecordAccumulator.splitAndReenqueue).
                let batch = self.in_flight.remove(i);
                self.release_sequence(&batch);
                let now = cluster.now().as_millis();
                let singles =
                    batch
                        .sends
                        .iter()
                        .zip(batch.batch.into_records())
                        .map(|(send, record)| {
                            let mut single = RecordBatchBuilder::with_base_offset(0);
                            let _ = single.append(
                                record.timestamp,
                                record.key,
                                record.value,
                                record.headers,
                            );
                            SenderBatch::new(key.clone(), single.build(), vec![*send], now)
                        });
                let tail = self.in_flight.split_off(i);
                self.in_flight.extend(singles);
                self.in_flight.extend(tail);
                None
            }
            Err(error) => Some(Err(error)),
        }
    }

    /// A failed try of batch `i`: retried after the backoff when the error is retriable and
    /// time is left (`Sender.canRetry`), else failed for good. True when it stays.
    fn retry_or_fail(&mut self, cluster: &mut Cluster, i: usize, error: ApiError) -> bool {
        let now = cluster.now().as_millis();
        let batch = &mut self.in_flight[i];
        batch.waiting = None;
        if is_retriable(error.code) && !batch.expiring {
            // Sender.completeBatch: the error is logged, and an invalid-metadata one (or a
            // lost connection) asks for a metadata update before the retry.
            if let Some(broker) = batch.sent_to {
                let (topic, partition) = &batch.key;
                let event = self
                    .metadata
                    .error_event(topic, *partition, broker, error.code);
                if let Some(event) = event {
                    cluster.emit(event);
                }
            }
            self.metadata.request_update(error.code);
            let batch = &mut self.in_flight[i];
            // KIP-580: retry.backoff.ms doubling up to retry.backoff.max.ms (without the jitter).
            let exponent = batch.attempts.saturating_sub(1).min(20);
            let backoff = self
                .config
                .retry_backoff_ms
                .saturating_mul(1_i64 << exponent)
                .min(
                    self.config
                        .retry_backoff_max_ms
                        .max(self.config.retry_backoff_ms),
                );
            let expires = batch.created_ms + self.config.delivery_timeout_ms;
            batch.next_try_ms = now + backoff;
            if batch.next_try_ms >= expires {
                // RecordAccumulator.expiredBatches: it expires waiting for its retry.
                batch.next_try_ms = expires.max(now);
                batch.expiring = true;
            }
            batch.last_error = Some(error);
            return true;
        }
        let batch = self.in_flight.remove(i);
        self.release_sequence(&batch);
        self.record_results(batch.key.1, &batch.sends, Err(error));
        false
    }

    /// A batch that failed for good gives its sequence numbers back when no later batch took
    /// any (the broker never saw them, so the next batch must start there).
    fn release_sequence(&mut self, batch: &SenderBatch) {
        let Some(sequence) = batch.sequence else {
            return;
        };
        let count = i32::try_from(batch.sends.len()).unwrap_or(i32::MAX);
        let next = crate::engine::record::increment_sequence(sequence, count);
        let (topic, partition) = &batch.key;
        if self.sequences.get(topic, *partition) == Some(&next) {
            self.sequences.insert(topic, *partition, sequence);
        }
    }

    /// Batch `i` as it goes on the wire: with the producer id and sequence when idempotent
    /// (the same on every try).
    fn stamp_producer_state(&mut self, i: usize, sequence: i32) -> Result<(), ApiError> {
        if !self.config.enable_idempotence {
            return Ok(());
        }
        if self.in_flight[i]
            .batch
            .set_producer_state(self.producer_id, 0, sequence)
        {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!("Invalid negative sequence number {sequence} for the batch"),
        ))
    }

    fn record_results(
        &mut self,
        partition: i32,
        sends: &[(usize, i64)],
        outcome: Result<i64, ApiError>,
    ) {
        for (position, (send, timestamp)) in sends.iter().enumerate() {
            let result = match &outcome {
                Ok(-1) => Ok(RecordMetadata {
                    partition,
                    offset: -1,
                    timestamp: *timestamp,
                }),
                Ok(base) => Ok(RecordMetadata {
                    partition,
                    offset: base + i64::try_from(position).unwrap_or(0),
                    timestamp: *timestamp,
                }),
                Err(error) => Err(record_error(error, position)),
            };
            let slot = send
                .checked_sub(self.results_base)
                .and_then(|i| self.results.get_mut(i));
            if let Some(slot) = slot {
                *slot = Some(result);
            }
        }
    }

    /// `KafkaProducer.flush`: sends every open batch and runs the cluster in simulated time
    /// until each has its answer — acknowledged, or failed after its retries.
    pub fn flush(&mut self, cluster: &mut Cluster) {
        self.send_all_open(cluster);
        // A bound on steps, so a cluster that never settles cannot hang a script.
        let mut budget: u64 = 50_000_000;
        while !self.in_flight.is_empty() && budget > 0 {
            let wake = self
                .in_flight
                .iter()
                .map(|b| b.waiting.map_or(b.next_try_ms, |(_, deadline)| deadline))
                .min()
                .unwrap_or(0);
            // A metadata refresh asked for by an error goes out at once (`Sender.runOnce`
            // polls the NetworkClient), not only when the batch's retry falls due.
            let wake = self
                .metadata
                .requested_refresh_ms()
                .map_or(wake, |due| wake.min(due))
                .max(cluster.now().as_millis());
            loop {
                budget = budget.saturating_sub(1);
                if budget == 0 || !cluster.step(wake) {
                    let now = cluster.now().as_millis();
                    cluster.advance_time(wake - now);
                    break;
                }
                if self.any_answered(cluster) {
                    break;
                }
            }
            self.pump(cluster);
        }
    }

    fn any_answered(&self, cluster: &Cluster) -> bool {
        self.in_flight.iter().any(|b| {
            b.waiting.is_some_and(|(produced, _)| {
                cluster
                    .produce_outcome(&b.key.0, b.key.1, &produced)
                    .is_some()
            })
        })
    }

    /// Sends every open batch now (a background producer's `linger.ms` ran out).
    pub fn send_open_batches(&mut self, cluster: &mut Cluster) {
        self.send_all_open(cluster);
    }

    /// The results known so far, each once: `(send index, result)`. A batch's results come
    /// when its own answer does, whatever an earlier batch to another partition still waits
    /// for, as the Java client completes each batch's callbacks on its own answer
    /// (`ProducerBatch.done`): a partition without a leader holds back only its own records.
    pub fn take_results(&mut self) -> Vec<(usize, SendResult)> {
        let base = self.results_base;
        // At most every result not yet handed out: one allocation, not one per doubling.
        let mut out =
            Vec::with_capacity(self.results.len().saturating_sub(self.results_taken - base));
        for (i, slot) in self
            .results
            .iter_mut()
            .enumerate()
            .skip(self.results_taken - base)
        {
            if let Some(result) = slot.take() {
                out.push((base + i, result));
                // In order (the usual case) it needs no place in the set.
                if base + i == self.results_taken {
                    self.results_taken += 1;
                } else {
                    self.taken_ahead.insert(base + i);
                }
            }
        }
        while self.taken_ahead.remove(&self.results_taken) {
            self.results_taken += 1;
        }
        if self.results_taken - base >= RESULTS_DROPPED_AT {
            self.results.drain(..self.results_taken - base);
            self.results_base = self.results_taken;
        }
        out
    }

    /// Sends still waiting for their result.
    pub fn pending(&self) -> usize {
        self.results_base + self.results.len() - self.results_taken - self.taken_ahead.len()
    }

    /// The batches the sender will try again once `retry.backoff.ms` has passed, oldest
    /// first, each with the error of its last try.
    pub fn retrying(&self) -> Vec<RetryingBatch> {
        self.in_flight
            .iter()
            .filter(|batch| batch.waiting.is_none())
            .filter_map(|batch| {
                Some(RetryingBatch {
                    topic: batch.key.0.clone(),
                    partition: batch.key.1,
                    attempts: batch.attempts,
                    records: batch.sends.len(),
                    error: batch.last_error.clone()?,
                })
            })
            .collect()
    }

    /// `KafkaProducer.close`: flushes and returns each send's result, in order (those
    /// [`Producer::take_results`] has not dropped already).
    pub fn close(mut self, cluster: &mut Cluster) -> Vec<SendResult> {
        self.flush(cluster);
        self.results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(ApiError::bare(ErrorCode::RequestTimedOut))))
            .collect()
    }
}

/// How many handed-out results [`Producer::take_results`] lets gather before it drops them.
const RESULTS_DROPPED_AT: usize = 4096;

/// A batch waiting to be retried, as [`Producer::retrying`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryingBatch {
    pub topic: String,
    pub partition: i32,
    /// Tries so far (`ProducerBatch.attempts`).
    pub attempts: u32,
    pub records: usize,
    /// The error of the last try.
    pub error: ApiError,
}

/// A batch the sender holds: tried, waiting for its answer, or waiting to be retried.
#[derive(Debug, Clone)]
struct SenderBatch {
    key: (String, i32),
    /// Built once when it leaves the accumulator, offsets from 0; the leader stamps its own
    /// offsets on what it writes, so every try sends these records as they are.
    batch: RecordBatch,
    /// The send indexes of its records, with their timestamps.
    sends: Vec<(usize, i64)>,
    /// Its first sequence number, taken at its first try (idempotent producers).
    sequence: Option<i32>,
    created_ms: i64,
    attempts: u32,
    next_try_ms: i64,
    /// Appended and waiting for `acks=all`, until the deadline (`request.timeout.ms`).
    waiting: Option<(Produced, i64)>,
    /// `delivery.timeout.ms` runs out at `next_try_ms`.
    expiring: bool,
    /// The error of the last try, while it waits to be retried.
    last_error: Option<ApiError>,
    /// The broker its last try went to, the leader the metadata cache named.
    sent_to: Option<i32>,
}

impl SenderBatch {
    fn new(key: (String, i32), batch: RecordBatch, sends: Vec<(usize, i64)>, now: i64) -> Self {
        SenderBatch {
            key,
            batch,
            sends,
            sequence: None,
            created_ms: now,
            attempts: 0,
            next_try_ms: now,
            waiting: None,
            expiring: false,
            last_error: None,
            sent_to: None,
        }
    }
}

/// The errors the Java client retries (`RetriableException` subclasses a Produce can get).
fn is_retriable(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::NotLeaderOrFollower
            | ErrorCode::LeaderNotAvailable
            | ErrorCode::NotEnoughReplicas
            | ErrorCode::NotEnoughReplicasAfterAppend
            | ErrorCode::RequestTimedOut
            | ErrorCode::NetworkException
            | ErrorCode::FencedLeaderEpoch
            | ErrorCode::UnknownLeaderEpoch
            | ErrorCode::UnknownTopicOrPartition
    )
}

/// The exception one record of a failed batch gets (`Sender.failBatch`): with per-record errors,
/// a rejected record gets its own message (the response's when it has none) and the others a
/// `KafkaException`; otherwise every record gets the batch's error.
fn record_error(error: &ApiError, position: usize) -> ApiError {
    if error.record_errors.is_empty() {
        return error.clone();
    }
    let index = i32::try_from(position).unwrap_or(i32::MAX);
    match error.record_errors.iter().find(|e| e.batch_index == index) {
        Some(rejected) => ApiError::new(
            error.code,
            rejected
                .message
                .clone()
                .unwrap_or_else(|| error.message().to_string()),
        ),
        None => {
            let mut innocent = ApiError::new(
                error.code,
                "Failed to append record because it was part of a batch which had one more more invalid records",
            );
            innocent.client_exception = Some("org.apache.kafka.common.KafkaException");
            innocent
        }
    }
}
