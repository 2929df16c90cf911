//! The cluster: its brokers, its topics and the clock and seed that make it deterministic.
//!
//! For now the controller's decisions (topic creation, placement, ids) are made here directly, as
//! KRaft's `ReplicationControlManager` would make them; the quorum, the metadata log and the
//! brokers' own state machines arrive with replication and KRaft (issues #5 and #6).

use super::broker::{default_log_dir, Broker};
use super::client::background::BackgroundProducer;
use super::client::background_consumer::BackgroundConsumer;
use super::client::console_job::ConsoleJob;
use super::clock::{SimClock, SimTime};
use super::config::{
    validate_topic_configs, BrokerConfigStore, ConfigError, Strictness, TopicConfigs, Warning,
};
use super::error::{ApiError, ErrorCode};
use super::event::{Event, EventKind};
use super::group::runtime::GroupRuntime;
use super::ids::Uuid;
use super::invariants::{InvariantHistory, Violation};
use super::java_random::JavaRandom;
use super::kraft::Quorum;
use super::network::Network;
use super::placement::{ControllerPlacer, UsableBroker};
use super::replication::controller::ControllerState;
use super::replication::messages::Message;
use super::replication::ReplicationSettings;
use super::rng::Rng;
use super::scheduler::{Scheduler, Task};
use super::topic;
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// How to build a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Node ids are `1..=brokers`, as in Kafka 4's sample configs (3 by default, as `kplay`).
    pub brokers: i32,
    pub seed: u64,
    pub start_time: SimTime,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            brokers: 3,
            seed: 0,
            start_time: SimTime::DEFAULT_START,
        }
    }
}

/// One partition's placement and leadership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub partition: i32,
    /// `None` when the partition has no leader (`Leader: none`).
    pub leader: Option<i32>,
    /// The replica list; its first entry is the preferred leader.
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// Eligible Leader Replicas (KIP-966): out of the ISR while it is under min ISR, but holding
    /// every committed record, so they may lead when the ISR is empty.
    pub elr: Vec<i32>,
    /// The last known leader: the leader the partition had when its ISR became empty (KIP-966 as
    /// 4.1 runs it, `useLastKnownLeaderInBalancedRecovery`), elected again when it returns.
    pub last_known_elr: Vec<i32>,
    /// Bumped by the controller on every leader change (`PartitionRegistration.leaderEpoch`).
    pub leader_epoch: i32,
    /// Bumped on every change of leader or ISR (`PartitionRegistration.partitionEpoch`).
    pub partition_epoch: i32,
    /// Replicas a reassignment is adding (`PartitionRegistration.addingReplicas`); empty when
    /// no reassignment runs (`engine::replication::reassignment`).
    pub adding_replicas: Vec<i32>,
    /// Replicas a reassignment will remove once the adding ones are in sync
    /// (`PartitionRegistration.removingReplicas`).
    pub removing_replicas: Vec<i32>,
}

impl PartitionInfo {
    /// A new partition: every replica in sync, the first one leading, epochs 0
    /// (`ReplicationControlManager.buildPartitionRegistration`).
    pub fn new(partition: i32, replicas: Vec<i32>) -> Self {
        PartitionInfo {
            partition,
            leader: replicas.first().copied(),
            isr: replicas.clone(),
            replicas,
            elr: Vec::new(),
            last_known_elr: Vec::new(),
            leader_epoch: 0,
            partition_epoch: 0,
            adding_replicas: Vec::new(),
            removing_replicas: Vec::new(),
        }
    }
}

/// A topic: its id, partitions and the configs set on it (only overrides; defaults live elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    pub id: Uuid,
    pub partitions: Vec<PartitionInfo>,
    pub configs: BTreeMap<String, String>,
}

impl TopicInfo {
    pub fn replication_factor(&self) -> usize {
        self.partitions.first().map_or(0, |p| p.replicas.len())
    }
}

/// A request to create a topic, as `CreateTopicsRequest` carries it. `None` means "the broker's
/// default" (-1 on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTopic {
    pub name: String,
    pub partitions: Option<i32>,
    pub replication_factor: Option<i16>,
    pub configs: BTreeMap<String, String>,
}

/// The whole cluster's state.
#[derive(Debug, Clone)]
pub struct Cluster {
    options: ClusterOptions,
    clock: SimClock,
    rng: Rng,
    /// The controller's replica placer, on its own generator (`engine::placement`).
    placer: ControllerPlacer,
    cluster_id: Uuid,
    brokers: BTreeMap<i32, Broker>,
    topics: BTreeMap<String, TopicInfo>,
    broker_configs: BrokerConfigStore,
    /// Each broker's own dynamic layer (`DYNAMIC_BROKER_CONFIG`, set with `kafka-configs.sh
    /// --entity-type brokers --entity-name N`), kept by the controller as Kafka keeps per-broker
    /// config records; `broker_configs.dynamic_broker` stays empty (see `admin.rs`).
    broker_dynamic_configs: BTreeMap<i32, BTreeMap<String, String>>,
    /// The next id `InitProducerId` hands out (`ProducerIdManager` starts a new cluster at 0).
    next_producer_id: i64,
    /// Background jobs due in simulated time (`engine::scheduler`).
    scheduler: Scheduler,
    /// What happened since the last [`Cluster::drain_events`].
    events: Vec<Event>,
    /// Messages between brokers (`engine::network`).
    network: Network<Message>,
    /// What the controller knows of brokers (`engine::replication::controller`).
    controller: ControllerState,
    /// The last request id handed out.
    request_counter: u64,
    /// The brokers' replication settings, resolved when the broker configs change (resolving
    /// them on every fetch would cost more than the fetch).
    replication_settings: ReplicationSettings,
    /// Producers running on their own (`producer start`), by name.
    background_producers: BTreeMap<String, BackgroundProducer>,
    /// The group coordinators and their requests in flight (`engine::group::runtime`).
    pub(crate) groups: GroupRuntime,
    /// Consumers running on their own (`consumer start`), by name.
    pub(crate) background_consumers: BTreeMap<String, BackgroundConsumer>,
    /// The shell's `kafka-console-consumer.sh … &` jobs, by number (`engine::client::console_job`).
    pub(crate) console_jobs: BTreeMap<u32, ConsoleJob>,
    /// Invariant checking after every step (tests and seed sweeps), with what it found.
    invariants: Option<Box<(InvariantHistory, Vec<Violation>)>>,
    /// The controller quorum and every node's metadata log (`engine::kraft`).
    quorum: Quorum,
}

/// A topic that was created, and the warnings its configs earned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub topic: TopicInfo,
    pub warnings: Vec<Warning>,
}

impl Cluster {
    pub fn new(options: ClusterOptions) -> Self {
        let mut rng = Rng::from_seed(options.seed);
        let cluster_id = Uuid::random(&mut rng);
        let brokers = (1..=options.brokers.max(1))
            .map(|node_id| (node_id, Broker::new(node_id, default_log_dir(node_id))))
            .collect_map();
        Self::from_parts(super::persist::ClusterParts {
            now: options.start_time,
            placer_random: JavaRandom::new(super::placement::placer_seed(options.seed)),
            options,
            rng,
            cluster_id,
            brokers,
            topics: BTreeMap::new(),
            broker_configs: BrokerConfigStore::new(),
            broker_dynamic_configs: BTreeMap::new(),
            next_producer_id: 0,
            quorum: None,
        })
    }

    /// The background jobs a broker schedules when it starts (`KafkaServer.startup`,
    /// `LogManager.startup`); run on a new cluster and on one restored from its files.
    fn schedule_startup_jobs(&mut self) {
        self.schedule_retention_jobs();
        self.schedule_log_cleaner();
        self.schedule_flush_jobs();
        self.schedule_replication_jobs();
    }

    pub fn broker_configs(&self) -> &BrokerConfigStore {
        &self.broker_configs
    }

    /// Sets `server.properties` entries on every broker, as starting them with
    /// `kafka-server-start.sh --override NAME=VALUE` would: checked as `KafkaConfig` checks them
    /// at startup (a bad value is refused with Kafka's message and changes nothing).
    pub fn set_server_properties(
        &mut self,
        props: &BTreeMap<String, String>,
    ) -> Result<Vec<Warning>, ConfigError> {
        let mut merged = self.broker_configs.static_configs.clone();
        merged.extend(props.clone());
        let (store, warnings) = BrokerConfigStore::with_static(Strictness::Playground, merged)?;
        self.broker_configs.static_configs = store.static_configs;
        Ok(warnings)
    }

    /// A topic's effective configs: its overrides over the brokers' defaults.
    pub fn topic_configs(&self, name: &str) -> Option<TopicConfigs> {
        let topic = self.topics.get(name)?;
        TopicConfigs::resolve(&self.broker_configs, &topic.configs).ok()
    }

    pub fn broker(&self, node_id: i32) -> Option<&Broker> {
        self.brokers.get(&node_id)
    }

    pub fn broker_mut(&mut self, node_id: i32) -> Option<&mut Broker> {
        self.brokers.get_mut(&node_id)
    }

    /// `InitProducerId`: a fresh producer id (epoch 0).
    pub fn init_producer_id(&mut self) -> i64 {
        let id = self.next_producer_id;
        self.next_producer_id += 1;
        if id % super::kraft::image::PRODUCER_ID_BLOCK_SIZE == 0 {
            // A new block of ids (`ProducerIdControlManager`) is a metadata record.
            self.mark_metadata_dirty();
        }
        id
    }

    /// The group runtime and the generator at once (new member ids are drawn while a
    /// coordinator handles a request).
    pub(crate) fn groups_and_rng(&mut self) -> (&mut GroupRuntime, &mut Rng) {
        (&mut self.groups, &mut self.rng)
    }

    /// The seeded generator, for models that draw (the sticky partitioner, jitter).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    pub fn options(&self) -> &ClusterOptions {
        &self.options
    }

    pub fn now(&self) -> SimTime {
        self.clock.now()
    }

    pub fn cluster_id(&self) -> Uuid {
        self.cluster_id
    }

    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.brokers.values()
    }

    /// The bytes of every broker's files (what a copy of the cluster copies).
    pub fn file_bytes(&self) -> u64 {
        self.brokers.values().map(|b| b.store.total_bytes()).sum()
    }

    /// Topics in name order, internal ones included.
    pub fn topics(&self) -> impl Iterator<Item = &TopicInfo> {
        self.topics.values()
    }

    pub fn topic(&self, name: &str) -> Option<&TopicInfo> {
        self.topics.get(name)
    }

    /// Moves simulated time forward by `ms` milliseconds, running every background job that falls
    /// due on the way at its own time (`engine::scheduler`).
    pub fn advance_time(&mut self, ms: i64) {
        let to = self.clock.now().plus_millis(ms.max(0));
        self.advance_until(to.as_millis(), || true);
    }

    /// Runs what falls due up to `to_ms`, asking `keep_going` before each step, then moves the
    /// clock to `to_ms`. True when it got there; false when `keep_going` said stop, with the
    /// clock at the last thing that ran and nothing due skipped, so a later call resumes exactly.
    /// The page's playback bounds one animation frame's engine work by wall time this way; the
    /// engine itself never reads a clock.
    pub fn advance_until(&mut self, to_ms: i64, mut keep_going: impl FnMut() -> bool) -> bool {
        loop {
            if !keep_going() {
                return false;
            }
            // Long idle stretches of a replicated cluster are skipped (`replication::quiescence`).
            if self.fast_forward_idle(to_ms) {
                self.check_invariants();
            }
            if !self.step(to_ms) {
                break;
            }
        }
        self.clock.advance_to(SimTime(to_ms));
        true
    }

    /// Runs the next thing due at or before `limit_ms` — a message arriving or a background
    /// job — at its own time. False when nothing is due by then. Messages go first on a tie.
    pub fn step(&mut self, limit_ms: i64) -> bool {
        let message_due = self.network.next_delivery().filter(|&t| t <= limit_ms);
        let task_due = self.scheduler.next_due().filter(|&t| t <= limit_ms);
        match (message_due, task_due) {
            (Some(m), t) if t.is_none_or(|t| m <= t) => {
                if let Some(envelope) = self.network.pop_due(m) {
                    self.clock.advance_to(SimTime(m));
                    self.deliver(envelope);
                    self.journal_metadata();
                    self.check_invariants();
                }
                true
            }
            (_, Some(_)) => match self.scheduler.pop_due(limit_ms) {
                Some((due, task)) => {
                    self.clock.advance_to(SimTime(due));
                    self.run_task(task);
                    self.journal_metadata();
                    self.check_invariants();
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// Turns on the replication invariant checks after every step (`engine::invariants`).
    pub fn enable_invariant_checks(&mut self) {
        self.invariants = Some(Box::default());
        self.check_invariants();
    }

    /// Checks the invariants now, if checking is on.
    pub fn check_invariants(&mut self) {
        if let Some(mut state) = self.invariants.take() {
            let found = super::invariants::check(self, &mut state.0);
            state.1.extend(found);
            self.invariants = Some(state);
        }
    }

    /// The producers running on their own (`producer start`).
    pub fn background_producers(&self) -> &BTreeMap<String, BackgroundProducer> {
        &self.background_producers
    }

    pub(crate) fn background_producers_mut(&mut self) -> &mut BTreeMap<String, BackgroundProducer> {
        &mut self.background_producers
    }

    /// What the invariant checks found so far.
    pub fn violations(&self) -> &[Violation] {
        self.invariants.as_ref().map_or(&[], |state| &state.1)
    }

    /// When the next message or job is due, if anything is.
    pub fn next_due(&self) -> Option<i64> {
        match (self.network.next_delivery(), self.scheduler.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs one background job at the current time.
    fn run_task(&mut self, task: Task) {
        match task {
            Task::LogRetention => self.run_log_retention(),
            Task::DeleteSegmentFiles { broker, files } => {
                self.run_delete_segment_files(broker, &files)
            }
            Task::LogStartOffsetCheckpoint => self.run_log_start_offset_checkpoint(),
            Task::LogCleaner => self.run_log_cleaner(),
            Task::Flush(task) => self.run_flush_task(task),
            Task::ProducerTick { name } => self.run_producer_tick(&name),
            Task::GroupTimer { broker, group_id } => self.run_group_timer(broker, &group_id),
            Task::ConsumerTick { name } => self.run_consumer_tick(&name),
            Task::ConsoleJobTick { number } => self.run_console_job_tick(number),
            Task::RaftTimer { node } => self.run_raft_timer(node),
            Task::RaftFetchExpiry {
                leader,
                replica,
                request_id,
            } => self.run_raft_fetch_expiry(leader, replica, request_id),
            task => self.run_replication_task(task),
        }
    }

    /// Schedules a background job `delay_ms` from now.
    pub fn schedule_in(&mut self, delay_ms: i64, task: Task) {
        let due = self.clock.now().plus_millis(delay_ms.max(0)).as_millis();
        self.scheduler.schedule(due, task);
    }

    /// The simulated network between brokers.
    pub fn network(&self) -> &Network<Message> {
        &self.network
    }

    pub(crate) fn network_mut(&mut self) -> &mut Network<Message> {
        &mut self.network
    }

    /// The network and the generator, borrowed together (a lossy link draws).
    pub(crate) fn network_and_rng(&mut self) -> (&mut Network<Message>, &mut Rng) {
        (&mut self.network, &mut self.rng)
    }

    /// What the controller knows of brokers.
    pub fn controller(&self) -> &ControllerState {
        &self.controller
    }

    pub(crate) fn controller_mut(&mut self) -> &mut ControllerState {
        &mut self.controller
    }

    pub(crate) fn request_counter(&mut self) -> &mut u64 {
        &mut self.request_counter
    }

    /// One partition of a topic, as the controller has it.
    pub fn partition_info(&self, topic: &str, partition: i32) -> Option<&PartitionInfo> {
        let partitions = &self.topics.get(topic)?.partitions;
        // Numbered from 0 in order (creation and `CreatePartitions` append), so the number is
        // the index; looked up on every fetch and produce, so that is tried first.
        match usize::try_from(partition)
            .ok()
            .and_then(|i| partitions.get(i))
        {
            Some(info) if info.partition == partition => Some(info),
            _ => partitions.iter().find(|p| p.partition == partition),
        }
    }

    pub(crate) fn scheduler_mut(&mut self) -> &mut Scheduler {
        &mut self.scheduler
    }

    pub(crate) fn clock_advance_to(&mut self, ms: i64) {
        self.clock.advance_to(SimTime(ms));
    }

    /// The background jobs waiting to run.
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Records that something happened now.
    pub(crate) fn emit(&mut self, kind: EventKind) {
        let at_ms = self.clock.now().as_millis();
        self.events.push(Event { at_ms, kind });
    }

    /// Runs `act` and forgets the events it emitted: what a restart sets up as it was, not
    /// something that happens again.
    pub(crate) fn quietly<R>(&mut self, act: impl FnOnce(&mut Self) -> R) -> R {
        let before = self.events.len();
        let result = act(self);
        self.events.truncate(before);
        result
    }

    /// The events since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Creates a topic as an admin client's `CreateTopics` does: brokers forward it to the
    /// active controller (KIP-590), so without one it waits for one in simulated time (a
    /// restarted cluster elects first) and fails as the admin client does when none comes.
    pub fn create_topic(&mut self, request: NewTopic) -> Result<Created, ApiError> {
        self.await_active_controller("createTopics")?;
        self.create_topic_decided(request)
    }

    /// Creates a topic as the KRaft controller does (`ReplicationControlManager.createTopics`):
    /// name rules, then existence, then a '.'/'_' collision, then configs, then partitions and
    /// replicas. On success every replica's broker has an empty log for each partition. For
    /// the engine's own creations inside a step (auto-created topics, `__consumer_offsets`),
    /// which must not step the cluster again.
    pub(crate) fn create_topic_decided(&mut self, request: NewTopic) -> Result<Created, ApiError> {
        let name = request.name;
        topic::validate_name(&name)
            .map_err(|message| ApiError::new(ErrorCode::InvalidTopicException, message))?;
        if self.topics.contains_key(&name) {
            return Err(ApiError::new(
                ErrorCode::TopicAlreadyExists,
                format!("Topic '{name}' already exists."),
            ));
        }
        if let Some(existing) = self.colliding_topic(&name) {
            return Err(ApiError::new(
                ErrorCode::InvalidTopicException,
                format!("Topic '{name}' collides with existing topic: {existing}"),
            ));
        }
        let defaults = self.broker_configs.resolve().map_err(|e| e.api_error())?;
        let warnings = validate_topic_configs(
            Strictness::Playground,
            &request.configs,
            &defaults.log_defaults,
        )
        .map_err(|e| e.api_error())?;
        let log_config = defaults
            .log_defaults
            .with_overrides(&request.configs)
            .map_err(|e| e.api_error())?;
        let partitions = request.partitions.unwrap_or(defaults.num_partitions);
        if partitions <= 0 {
            return Err(ApiError::new(
                ErrorCode::InvalidPartitions,
                "Number of partitions was set to an invalid non-positive value.",
            ));
        }
        let replication_factor = request
            .replication_factor
            .unwrap_or(i16::try_from(defaults.default_replication_factor).unwrap_or(i16::MAX));
        if replication_factor <= 0 {
            return Err(ApiError::new(
                ErrorCode::InvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value.",
            ));
        }
        super::admin::check_batch_size(i64::from(partitions))?;
        let placement = self
            .place_replicas(partitions, replication_factor)
            .map_err(|e| {
                // ReplicationControlManager.createTopic wraps the placer's refusal.
                ApiError::new(
                    e.code,
                    format!(
                        "Unable to replicate the partition {replication_factor} time(s): {}",
                        e.message()
                    ),
                )
            })?;
        let id = Uuid::random(&mut self.rng);
        let partitions = placement
            .into_iter()
            .zip(0..)
            .map(|(replicas, partition)| PartitionInfo::new(partition, replicas))
            .collect();
        let info = TopicInfo {
            name: name.clone(),
            id,
            partitions,
            configs: request.configs,
        };
        self.create_logs(&info, &log_config);
        self.topics.insert(name, info.clone());
        self.mark_metadata_dirty();
        self.journal_metadata();
        self.sync_replication();
        Ok(Created {
            topic: info,
            warnings,
        })
    }

    /// Each replica's broker creates its empty log, with a roll jitter drawn per segment as
    /// `LogConfig.randomSegmentJitter` does.
    fn create_logs(&mut self, topic: &TopicInfo, config: &TopicConfigs) {
        let now = self.clock.now().as_millis();
        for partition in &topic.partitions {
            for replica in &partition.replicas {
                let jitter = roll_jitter(&mut self.rng, config);
                if let Some(broker) = self.brokers.get_mut(replica) {
                    broker.create_log(
                        &topic.name,
                        topic.id,
                        partition.partition,
                        config.clone(),
                        jitter,
                        now,
                    );
                }
            }
        }
    }

    fn colliding_topic(&self, name: &str) -> Option<&str> {
        self.topics
            .keys()
            .find(|existing| topic::collides(existing, name))
            .map(String::as_str)
    }

    /// Replicas for `partitions` new partitions, the preferred leader first: the controller's
    /// `StripedReplicaPlacer.place(PlacementSpec(…, partitions, replication_factor))` over the
    /// usable brokers. A refusal is the placer's own `InvalidReplicationFactorException`.
    pub(crate) fn place_replicas(
        &mut self,
        partitions: i32,
        replication_factor: i16,
    ) -> Result<Vec<Vec<i32>>, ApiError> {
        // ClusterDescriber.usableBrokers: every registered broker, the fenced ones marked (the
        // placer counts them but puts no replica on them).
        let usable: Vec<UsableBroker> = self
            .brokers
            .keys()
            .map(|&id| UsableBroker {
                id,
                rack: None,
                fenced: self.controller.fenced.contains(&id),
            })
            .collect();
        self.placer
            .place(partitions, i32::from(replication_factor), &usable)
    }

    /// A cluster from its parts: a new one ([`Self::new`]) or one put back together from its
    /// saved state (`engine::persist`); the running state (jobs, network, controller) starts fresh.
    pub(crate) fn from_parts(parts: super::persist::ClusterParts) -> Self {
        let mut cluster = Cluster {
            options: parts.options,
            clock: SimClock::starting_at(parts.now),
            rng: parts.rng,
            placer: ControllerPlacer::new(parts.placer_random),
            cluster_id: parts.cluster_id,
            brokers: parts.brokers,
            topics: parts.topics,
            broker_configs: parts.broker_configs,
            broker_dynamic_configs: parts.broker_dynamic_configs,
            next_producer_id: parts.next_producer_id,
            scheduler: Scheduler::new(),
            events: Vec::new(),
            network: Network::new(),
            controller: ControllerState::default(),
            request_counter: 0,
            invariants: None,
            background_producers: BTreeMap::new(),
            groups: GroupRuntime::default(),
            background_consumers: BTreeMap::new(),
            console_jobs: BTreeMap::new(),
            replication_settings: ReplicationSettings::default(),
            quorum: Quorum::empty(),
        };
        cluster.refresh_replication_settings();
        cluster.schedule_startup_jobs();
        match parts.quorum {
            // A restart: the quorum and the controller's view of the brokers from the log.
            Some(restored) => {
                cluster.controller.fenced = restored.fenced;
                cluster.controller.incarnations = restored.incarnations;
                cluster.resume_quorum(restored.loaded, restored.image);
            }
            None => cluster.bootstrap_quorum(),
        }
        cluster
    }

    /// The generator's position, to save it (`engine::persist`).
    pub(crate) fn rng_state(&self) -> [u64; 4] {
        self.rng.state()
    }

    /// The placer's generator, to save its position (`engine::persist`).
    pub(crate) fn placer_random(&self) -> &JavaRandom {
        self.placer.random()
    }

    /// The id the next `InitProducerId` hands out, to save it (`engine::persist`).
    pub(crate) fn next_producer_id(&self) -> i64 {
        self.next_producer_id
    }

    /// Every broker's own dynamic config layer (`--entity-type brokers --entity-name N`), by node id.
    pub fn broker_dynamic_configs(&self) -> &BTreeMap<i32, BTreeMap<String, String>> {
        &self.broker_dynamic_configs
    }

    /// The topic table, for the admin operations of `admin.rs` (delete, create partitions, alter).
    pub(crate) fn topics_mut(&mut self) -> &mut BTreeMap<String, TopicInfo> {
        self.quorum.dirty = true;
        &mut self.topics
    }

    /// The controller quorum (`engine::kraft`).
    pub fn quorum(&self) -> &Quorum {
        &self.quorum
    }

    pub(crate) fn quorum_mut(&mut self) -> &mut Quorum {
        &mut self.quorum
    }

    /// The cluster-wide config layers, for `admin.rs`'s broker config alters; call
    /// [`Self::refresh_replication_settings`] after changing them.
    pub(crate) fn broker_configs_mut(&mut self) -> &mut BrokerConfigStore {
        self.quorum.dirty = true;
        &mut self.broker_configs
    }

    /// Resolves the replication settings again from the broker configs.
    pub(crate) fn refresh_replication_settings(&mut self) {
        self.replication_settings = self
            .broker_configs
            .resolve()
            .map(|c| ReplicationSettings::from_configs(&c))
            .unwrap_or_default();
    }

    /// The replication settings brokers run with now.
    pub fn replication_settings(&self) -> ReplicationSettings {
        self.replication_settings
    }

    /// The per-broker dynamic layers, for `admin.rs`'s broker config alters.
    pub(crate) fn broker_dynamic_configs_mut(
        &mut self,
    ) -> &mut BTreeMap<i32, BTreeMap<String, String>> {
        self.quorum.dirty = true;
        &mut self.broker_dynamic_configs
    }
}

/// `LogConfig.randomSegmentJitter`: uniform in `0..min(segment.jitter.ms, segment.ms)`.
pub fn roll_jitter(rng: &mut Rng, config: &TopicConfigs) -> i64 {
    let bound = jitter_bound(config);
    if bound <= 0 {
        return 0;
    }
    jitter_from_draw(rng.next_u64(), bound)
}

/// The exclusive bound of a segment's jitter: `min(segment.jitter.ms, segment.ms)`.
pub fn jitter_bound(config: &TopicConfigs) -> i64 {
    config.segment_jitter_ms.min(config.segment_ms)
}

/// A jitter below `bound` (> 0) from one draw of the generator.
pub fn jitter_from_draw(draw: u64, bound: i64) -> i64 {
    let bound = u64::try_from(bound).unwrap_or(u64::MAX).max(1);
    i64::try_from(draw % bound).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_topic(name: &str) -> NewTopic {
        NewTopic {
            name: name.to_string(),
            ..NewTopic::default()
        }
    }

    #[test]
    fn create_and_refuse() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let created = cluster
            .create_topic(new_topic("a.b"))
            .expect("created")
            .topic;
        assert_eq!(created.partitions.len(), 1);
        let leader = created.partitions[0].leader.expect("a leader");
        assert_eq!(created.partitions[0].replicas, vec![leader]);
        let broker = cluster.broker(leader).expect("the leader");
        assert!(broker.log("a.b", 0).is_some());
        assert!(broker.store.exists("a.b-0/00000000000000000000.log"));
        let exists = cluster.create_topic(new_topic("a.b")).unwrap_err();
        assert_eq!(exists.code, ErrorCode::TopicAlreadyExists);
        assert_eq!(exists.message(), "Topic 'a.b' already exists.");
        let collision = cluster.create_topic(new_topic("a_b")).unwrap_err();
        assert_eq!(
            collision.message(),
            "Topic 'a_b' collides with existing topic: a.b"
        );
        let bad = cluster.create_topic(new_topic("")).unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidTopicException);
        assert_eq!(cluster.topics().count(), 1);
    }

    #[test]
    fn too_many_replicas() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let mut request = new_topic("t");
        request.replication_factor = Some(4);
        let error = cluster.create_topic(request).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidReplicationFactor);
        // ReplicationControlManager.createTopic's wrapping of StripedReplicaPlacer's message.
        assert_eq!(
            error.message(),
            "Unable to replicate the partition 4 time(s): The target replication factor of 4 \
             cannot be reached because only 3 broker(s) are registered."
        );
    }

    /// Stopped after a few steps and resumed, `advance_until` ends where one `advance_time` does.
    #[test]
    fn advance_until_stops_when_told_and_resumes_exactly() {
        let setup = "kafka-topics.sh --create --topic t --partitions 3 --replication-factor 3\n\
                     producer start p --topic t --rate 100/s\n";
        let mut whole = Cluster::new(ClusterOptions::default());
        let mut parts = Cluster::new(ClusterOptions::default());
        for cluster in [&mut whole, &mut parts] {
            assert!(!crate::cli::run_script(cluster, setup).failed);
        }
        let start = whole.now().as_millis();
        let to = start + 2_000;
        whole.advance_time(2_000);

        let mut asked = 0;
        assert!(!parts.advance_until(to, || {
            asked += 1;
            asked <= 5
        }));
        assert_eq!(asked, 6, "asked before each step");
        assert!(parts.now().as_millis() < to, "stopped short of the target");
        assert!(
            !parts.advance_until(to, || false),
            "nothing runs when told to stop"
        );
        assert!(parts.advance_until(to, || true));
        assert_eq!(parts.now().as_millis(), to);
        assert_eq!(format!("{parts:?}"), format!("{whole:?}"));
        // A target in the past moves nothing back.
        assert!(parts.advance_until(start, || true));
        assert_eq!(parts.now().as_millis(), to);
    }

    #[test]
    fn ids_follow_the_seed() {
        let id = |seed| {
            let mut cluster = Cluster::new(ClusterOptions {
                seed,
                ..ClusterOptions::default()
            });
            cluster
                .create_topic(new_topic("t"))
                .map(|c| c.topic.id)
                .ok()
        };
        assert_eq!(id(1), id(1));
        assert_ne!(id(1), id(2));
    }
}
