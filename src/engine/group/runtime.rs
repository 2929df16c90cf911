//! The group coordinators inside the cluster: where a group request goes, how the coordinator's
//! records reach `__consumer_offsets` (appended by the partition's leader with `acks=all`, the
//! answers held until they are replicated, as the coordinator runtime's deferred events), the
//! groups' timers, and loading a partition's groups when its leadership moves
//! (`GroupCoordinatorService.onElection` / `onResignation`).

use super::consumer_group::records::TopicIds;
use super::coordinator::GroupCoordinator;
use super::effects::{Effects, Write};
use super::migration::MigrationPolicy;
use super::protocol::{GroupRequest, GroupResponse};
use super::records::{deserialize, partition_for, CoordinatorRecord, RecordValue};
use crate::engine::cluster::{Cluster, NewTopic};
use crate::engine::config::broker_defs::GROUP_CONSUMER_MIGRATION_POLICY;
use crate::engine::config::value::Value;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::event::EventKind;
use crate::engine::ids::Uuid;
use crate::engine::produce::{Produced, RequiredAcks};
use crate::engine::record::{RecordBatch, RecordBatchBuilder};
use crate::engine::scheduler::Task;
use crate::engine::topic::CONSUMER_OFFSETS;
use std::collections::BTreeMap;

/// `offsets.commit.timeout.ms`: how long a coordinator write may wait for replication.
const OFFSETS_COMMIT_TIMEOUT_MS: i64 = 5_000;
/// `offsets.topic.segment.bytes`.
const OFFSETS_TOPIC_SEGMENT_BYTES: &str = "104857600";

/// A coordinator write waiting for the high watermark.
#[derive(Debug, Clone)]
struct PendingWrite {
    partition: i32,
    produced: Produced,
    deadline_ms: i64,
    then: Vec<(u64, GroupResponse)>,
}

/// Every broker's coordinator, the answers not yet collected and the writes in flight.
#[derive(Debug, Clone, Default)]
pub struct GroupRuntime {
    pub coordinators: BTreeMap<i32, GroupCoordinator>,
    responses: BTreeMap<u64, GroupResponse>,
    writes: Vec<PendingWrite>,
}

impl GroupRuntime {
    /// `group_id` at `broker`'s coordinator, if it is there.
    fn entry_mut(
        &mut self,
        broker: i32,
        group_id: &str,
    ) -> Option<&mut super::coordinator::GroupEntry> {
        self.coordinators.get_mut(&broker)?.groups.get_mut(group_id)
    }

    /// Whether the answer to `request_id` is waiting to be collected.
    pub fn has_response(&self, request_id: u64) -> bool {
        self.responses.contains_key(&request_id)
    }
}

/// How a failed coordinator write is reported to the client
/// (`CoordinatorRuntime`'s `appendGroupMetadataErrorToResponseError`).
fn write_error(code: ErrorCode) -> ErrorCode {
    match code {
        ErrorCode::NotLeaderOrFollower => ErrorCode::NotCoordinator,
        _ => ErrorCode::CoordinatorNotAvailable,
    }
}

impl Cluster {
    /// The number of `__consumer_offsets` partitions, creating the topic on first use as the
    /// broker does for FindCoordinator (`offsets.topic.num.partitions`, replication factor
    /// `offsets.topic.replication.factor` capped at the broker count, compacted).
    fn offsets_partitions(&mut self) -> Result<i32, ApiError> {
        if let Some(topic) = self.topic(CONSUMER_OFFSETS) {
            return Ok(topic.partitions.len() as i32);
        }
        let configs = self.broker_configs().resolve().map_err(|e| e.api_error())?;
        let brokers = self.brokers().count() as i16;
        let request = NewTopic {
            name: CONSUMER_OFFSETS.to_string(),
            partitions: Some(configs.offsets_topic_num_partitions),
            replication_factor: Some(configs.offsets_topic_replication_factor.min(brokers)),
            configs: [
                ("cleanup.policy", "compact"),
                ("compression.type", "producer"),
                ("segment.bytes", OFFSETS_TOPIC_SEGMENT_BYTES),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        self.create_topic_decided(request)
            .map(|created| created.topic.partitions.len() as i32)
            .map_err(|_| ApiError::bare(ErrorCode::CoordinatorNotAvailable))
    }

    /// FindCoordinator (key type GROUP): the leader of the group's `__consumer_offsets`
    /// partition (`abs(javaStringHashCode(group.id)) % partitions`).
    pub fn find_coordinator(&mut self, group_id: &str) -> Result<i32, ApiError> {
        let partitions = self.offsets_partitions()?;
        let partition = partition_for(group_id, partitions);
        match self.leader_of(CONSUMER_OFFSETS, partition) {
            Ok(leader) if self.is_serving(leader) => Ok(leader),
            _ => Err(ApiError::bare(ErrorCode::CoordinatorNotAvailable)),
        }
    }

    /// Sends a group request to `broker`; its answer is collected with
    /// [`Cluster::take_group_response`] (at once, or later for a JoinGroup that waits for the
    /// rebalance and for anything that writes).
    pub fn send_group_request(&mut self, broker: i32, request: GroupRequest) -> u64 {
        let request_id = self.next_request_id();
        let now = self.now().as_millis();
        let effects = match self.coordinator_partition(broker, request.group_id()) {
            Err(error) => {
                let mut effects = Effects::default();
                effects.respond(request_id, request.error_response(error));
                effects
            }
            Ok(partition) => {
                // Commits and fetches never touch a group's assignment.
                let topics = match &request {
                    GroupRequest::OffsetCommit(_) | GroupRequest::OffsetFetch(_) => {
                        TopicIds::default()
                    }
                    _ => self.topic_ids(),
                };
                let policy = self.migration_policy();
                let (groups, rng) = self.groups_and_rng();
                let mut new_member_id = |client_id: Option<&str>| match client_id {
                    Some(client_id) => format!("{client_id}-{}", java_uuid(rng)),
                    None => Uuid::random(rng).to_string(),
                };
                groups.coordinators.entry(broker).or_default().handle(
                    request_id,
                    &request,
                    partition,
                    now,
                    &mut new_member_id,
                    &topics,
                    policy,
                )
            }
        };
        self.apply_group_effects(broker, effects);
        self.schedule_group_timer(broker, request.group_id());
        request_id
    }

    /// The answer to request `request_id`, once there is one.
    pub fn take_group_response(&mut self, request_id: u64) -> Option<GroupResponse> {
        self.resolve_group_writes();
        self.groups.responses.remove(&request_id)
    }

    /// Where `broker` keeps `group_id`, or why it does not coordinate it.
    fn coordinator_partition(&self, broker: i32, group_id: &str) -> Result<i32, ErrorCode> {
        if !self.broker(broker).is_some_and(|b| b.is_running()) {
            return Err(ErrorCode::NetworkException);
        }
        let topic = self
            .topic(CONSUMER_OFFSETS)
            .ok_or(ErrorCode::NotCoordinator)?;
        let partition = partition_for(group_id, topic.partitions.len() as i32);
        let info = self.partition_info(CONSUMER_OFFSETS, partition);
        if info.and_then(|p| p.leader) != Some(broker) {
            return Err(ErrorCode::NotCoordinator);
        }
        let loaded = self
            .groups
            .coordinators
            .get(&broker)
            .and_then(|c| c.loaded.get(&partition));
        if loaded != info.map(|p| &p.leader_epoch) {
            return Err(ErrorCode::CoordinatorLoadInProgress);
        }
        Ok(partition)
    }

    /// Carries out a coordinator's effects: answers are stored for collection; records are
    /// appended to the group's partition and their answers held until replicated.
    pub(crate) fn apply_group_effects(&mut self, broker: i32, effects: Effects) {
        self.groups.responses.extend(effects.responses);
        for Write { records, then } in effects.writes {
            let partition = match records.first().map(|r| r.key.group_id().to_string()) {
                Some(group) => match self.coordinator_partition(broker, &group) {
                    Ok(partition) => partition,
                    Err(error) => {
                        self.fail_group_write(then, error);
                        continue;
                    }
                },
                None => continue,
            };
            match self.append_coordinator_records(partition, &records) {
                Ok(produced) => {
                    self.emit_rebalances(broker, &records);
                    let deadline_ms = self.now().as_millis() + OFFSETS_COMMIT_TIMEOUT_MS;
                    self.groups.writes.push(PendingWrite {
                        partition,
                        produced,
                        deadline_ms,
                        then,
                    });
                }
                Err(error) => self.fail_group_write(then, write_error(error.code)),
            }
        }
        self.resolve_group_writes();
    }

    /// The timeline's rebalance events: a group's new generation or epoch, as written.
    fn emit_rebalances(&mut self, broker: i32, records: &[CoordinatorRecord]) {
        for record in records {
            let Some(value) = &record.value else {
                continue;
            };
            let (protocol, generation) = match &value.value {
                RecordValue::GroupMetadata(v) => ("classic", v.generation),
                RecordValue::ConsumerGroupMetadata(v) => ("consumer", v.epoch),
                _ => continue,
            };
            self.emit(EventKind::GroupRebalanced {
                broker,
                group: record.key.group_id().to_string(),
                protocol,
                generation,
            });
        }
    }

    fn fail_group_write(&mut self, then: Vec<(u64, GroupResponse)>, error: ErrorCode) {
        for (request_id, response) in then {
            self.groups
                .responses
                .insert(request_id, response.failed(error));
        }
    }

    /// One batch of the coordinator's records, as `CoordinatorRuntime` appends them: no
    /// producer id, the records' timestamp now, required acks all.
    fn append_coordinator_records(
        &mut self,
        partition: i32,
        records: &[CoordinatorRecord],
    ) -> Result<Produced, ApiError> {
        let now = self.now().as_millis();
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for record in records {
            let key = record
                .serialize_key()
                .map_err(|e| ApiError::new(ErrorCode::InvalidRecord, e.to_string()))?;
            let value = record
                .serialize_value()
                .map_err(|e| ApiError::new(ErrorCode::InvalidRecord, e.to_string()))?;
            builder
                .append(now, Some(key), value, Vec::new())
                .map_err(|e| ApiError::new(ErrorCode::InvalidRecord, e.to_string()))?;
        }
        let batch: RecordBatch = builder.build();
        self.produce(CONSUMER_OFFSETS, partition, &batch, RequiredAcks::All)
    }

    /// Answers the writes that are replicated, fails those that cannot be.
    fn resolve_group_writes(&mut self) {
        if self.groups.writes.is_empty() {
            return;
        }
        let now = self.now().as_millis();
        let writes = std::mem::take(&mut self.groups.writes);
        for write in writes {
            match self.produce_outcome(CONSUMER_OFFSETS, write.partition, &write.produced) {
                Some(Ok(())) => self.groups.responses.extend(write.then),
                Some(Err(error)) => self.fail_group_write(write.then, write_error(error.code)),
                None if now >= write.deadline_ms => {
                    self.fail_group_write(write.then, write_error(ErrorCode::RequestTimedOut))
                }
                None => self.groups.writes.push(write),
            }
        }
    }

    /// `group.consumer.migration.policy` (a read-only broker config: the same on every broker).
    fn migration_policy(&self) -> MigrationPolicy {
        match self.broker_configs().value(GROUP_CONSUMER_MIGRATION_POLICY) {
            Ok(Some(Value::Text(name))) => MigrationPolicy::from_name(&name).unwrap_or_default(),
            _ => MigrationPolicy::default(),
        }
    }

    /// Schedules the group's timer task at its next deadline, unless one is already due earlier.
    fn schedule_group_timer(&mut self, broker: i32, group_id: &str) {
        let Some(entry) = self.groups.entry_mut(broker, group_id) else {
            return;
        };
        let Some(next) = entry.next_deadline() else {
            return;
        };
        if entry.timer_due.is_some_and(|due| due <= next) {
            return;
        }
        entry.timer_due = Some(next);
        let group_id = group_id.to_string();
        self.scheduler_mut()
            .schedule(next, Task::GroupTimer { broker, group_id });
    }

    /// A group's timer: sessions, the join and sync phases (`engine::group::classic`).
    pub(crate) fn run_group_timer(&mut self, broker: i32, group_id: &str) {
        let now = self.now().as_millis();
        let topics = self.topic_ids();
        let policy = self.migration_policy();
        let Some(entry) = self.groups.entry_mut(broker, group_id) else {
            return;
        };
        if entry.timer_due.is_some_and(|due| due > now) {
            return; // an older task; the current one comes later
        }
        entry.timer_due = None;
        let effects = entry.on_timer(&topics, policy, now);
        self.apply_group_effects(broker, effects);
        self.schedule_group_timer(broker, group_id);
    }

    /// Loads and unloads coordinator partitions to match who leads `__consumer_offsets` now;
    /// a stopped broker's coordinator is gone with its process.
    pub(crate) fn sync_group_coordinators(&mut self) {
        let Some(topic) = self.topic(CONSUMER_OFFSETS) else {
            let ids: Vec<i32> = self.groups.coordinators.keys().copied().collect();
            for id in ids {
                self.drop_coordinator(id);
            }
            return;
        };
        let leaders: Vec<(i32, Option<i32>, i32)> = topic
            .partitions
            .iter()
            .map(|p| (p.partition, p.leader, p.leader_epoch))
            .collect();
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if !self.broker(id).is_some_and(|b| b.is_running()) {
                self.drop_coordinator(id);
                continue;
            }
            for &(partition, leader, epoch) in &leaders {
                let loaded = self
                    .groups
                    .coordinators
                    .get(&id)
                    .and_then(|c| c.loaded.get(&partition))
                    .copied();
                if leader == Some(id) && loaded != Some(epoch) {
                    self.load_group_partition(id, partition, epoch);
                } else if leader != Some(id) && loaded.is_some() {
                    if let Some(coordinator) = self.groups.coordinators.get_mut(&id) {
                        let effects = coordinator.unload(partition);
                        self.groups.responses.extend(effects.responses);
                    }
                }
            }
        }
    }

    /// A broker's coordinator dies with its process: what it kept waiting fails as a
    /// connection does (`NETWORK_EXCEPTION`).
    fn drop_coordinator(&mut self, broker: i32) {
        if let Some(mut coordinator) = self.groups.coordinators.remove(&broker) {
            let effects = coordinator.abandon_all(ErrorCode::NetworkException);
            self.groups.responses.extend(effects.responses);
        }
    }

    /// Replays `__consumer_offsets`-`partition` from `broker`'s own log into its coordinator
    /// (`CoordinatorLoaderImpl`: the whole log, from its start to its end).
    fn load_group_partition(&mut self, broker: i32, partition: i32, epoch: i32) {
        let now = self.now().as_millis();
        let mut records = Vec::new();
        if let Some(b) = self.broker(broker) {
            if let Some(log) = b.log(CONSUMER_OFFSETS, partition) {
                let start = log.log_start_offset();
                let end = log.log_end_offset();
                if let Ok(fetched) = log.read(&b.store, start, i32::MAX, end) {
                    for batch in RecordBatch::decode_all(&fetched.bytes).unwrap_or_default() {
                        if batch.is_control() {
                            continue;
                        }
                        for record in batch.records() {
                            let Some(key) = &record.key else { continue };
                            if let Ok(decoded) = deserialize(key, record.value.as_deref()) {
                                records.push(decoded);
                            }
                        }
                    }
                }
            }
        }
        let topics = self.topic_ids();
        let coordinator = self.groups.coordinators.entry(broker).or_default();
        let abandoned = coordinator.unload(partition);
        self.groups.responses.extend(abandoned.responses);
        for record in &records {
            coordinator.replay(partition, record, &topics, now);
        }
        coordinator.loaded.insert(partition, epoch);
        let groups: Vec<String> = coordinator
            .groups
            .iter()
            .filter(|(_, e)| e.partition == partition)
            .map(|(g, _)| g.clone())
            .collect();
        for group in groups {
            self.schedule_group_timer(broker, &group);
        }
    }

    /// The topics as a KIP-848 coordinator sees them: ids and partition counts.
    fn topic_ids(&self) -> TopicIds {
        let mut ids = TopicIds::default();
        for topic in self
            .topics()
            .filter(|t| !crate::engine::topic::is_internal(&t.name))
        {
            ids.by_name.insert(topic.name.clone(), topic.id);
            ids.by_id.insert(topic.id, topic.name.clone());
            ids.partitions
                .insert(topic.name.clone(), topic.partitions.len() as i32);
        }
        ids
    }

    /// The coordinator of `group_id` and its state there, for the admin calls.
    pub(crate) fn group_coordinator(
        &mut self,
        group_id: &str,
    ) -> Result<(i32, &mut GroupCoordinator), ApiError> {
        let broker = self.find_coordinator(group_id)?;
        self.coordinator_partition(broker, group_id)
            .map_err(ApiError::bare)?;
        Ok((broker, self.groups.coordinators.entry(broker).or_default()))
    }

    /// Every group request in flight or answered but not collected (for tests).
    pub fn group_runtime(&self) -> &GroupRuntime {
        &self.groups
    }
}

/// `UUID.randomUUID().toString()` from the cluster's generator: 122 random bits, version 4,
/// IETF variant, as 8-4-4-4-12 lowercase hex.
fn java_uuid(rng: &mut crate::engine::rng::Rng) -> String {
    let high = (rng.next_u64() & !0xf000) | 0x4000;
    let low = (rng.next_u64() & !(0xc << 60)) | (0x8 << 60);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}
