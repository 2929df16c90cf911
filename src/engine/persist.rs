//! Saving a cluster to its files and starting it again from them (`kplay --data-dir DIR`).
//!
//! Two kinds of state, kept apart as in Kafka:
//!
//! - **Each broker's log dir** (`DIR/broker-N`, a [`FileStore`]) holds Kafka's own files: the
//!   partition directories with segments, indexes, `partition.metadata` and
//!   `leader-epoch-checkpoint`, and at the top `meta.properties`, `recovery-point-offset-checkpoint`,
//!   `log-start-offset-checkpoint`, `replication-offset-checkpoint` and `cleaner-offset-checkpoint`.
//!   [`Cluster::checkpoint_log_dirs`] writes the ones that are not written on append, as a broker's
//!   clean shutdown does (`LogManager.shutdown`, `ReplicaManager.checkpointHighWatermarks`).
//! - **What the controller knows** — topics, ids, assignments, leaders, ISR, ELR, configs,
//!   broker registrations and fencing — is the KRaft metadata log `__cluster_metadata-0` in each
//!   node's log dir with its `quorum-state` (`engine::kraft`). On restart the quorum is loaded
//!   from them ([`crate::engine::kraft::restore`]) and the tables are replayed from the most
//!   up-to-date voter's log ([`tables`]).
//! - **What KRaft does not hold** — the seed and its generator, the replica placer's generator,
//!   the simulated clock, the next producer id and the static broker options — is one text file,
//!   [`METADATA_FILE`] in `DIR` (format in [`metadata_file`]). A file of version 1 or 2 still
//!   holds the tables: it is read, and its metadata log is started from them (the migration).
//!
//! [`Cluster::restore`] reads it all back: it checks each log dir's identity (`meta.properties`,
//! `partition.metadata`) as Kafka does at startup and rebuilds every partition log with
//! [`PartitionLog::load`]. Bad input is an error or a `WARNING:` line, never a panic.
//!
//! `directory.id` comes from a generator seeded by the cluster's seed and the node id, not from
//! the cluster's own generator: so writing the files never shifts a later topic id, and a script
//! split over two runs on one data dir draws the same ids as the script run at once.

mod identity;
pub mod metadata_file;
mod tables;
pub mod workspace;

use super::broker::{default_log_dir, Broker};
use super::clock::SimTime;
use super::cluster::{roll_jitter, Cluster, ClusterOptions, TopicInfo};
use super::config::{BrokerConfigStore, TopicConfigs};
use super::ids::Uuid;
use super::java_random::JavaRandom;
use super::log::checkpoint::{self, OffsetCheckpoint};
use super::log::load::LoadRequest;
use super::log::meta_properties::{MetaProperties, META_PROPERTIES};
use super::log::recovery::{LogDirRecovery, CLEAN_SHUTDOWN_FILE};
use super::log::PartitionLog;
use super::placement::placer_seed;
use super::rng::Rng;
use crate::engine::kraft::image::MetadataImage;
use crate::engine::kraft::restore::{load_node, LoadedQuorum};
use crate::engine::sorting::{self, CollectBTree};
use crate::storage::FileStore;
use identity::{check_meta_properties, check_partition_metadata, read_offsets, stray_dir_name};
use metadata_file::{Metadata, TABLES_IN_METADATA_LOG};
use std::collections::{BTreeMap, BTreeSet};

pub use metadata_file::METADATA_VERSION;

/// The metadata file's name, in the data dir next to the `broker-N` log dirs.
pub const METADATA_FILE: &str = "playground-metadata.properties";

/// Why a data dir cannot be used. Messages say what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersistError {
    #[error("{METADATA_FILE} line {line}: {message}")]
    Corrupt { line: usize, message: String },
    #[error("{METADATA_FILE} is incomplete: {0}")]
    Incomplete(String),
    #[error("{METADATA_FILE} does not start with a 'version=' line: it is not a playground metadata file")]
    MissingVersion,
    #[error("{METADATA_FILE} has version {found}, from a newer Kafka Playground; this one reads version {supported} and older")]
    NewerVersion { found: u32, supported: u32 },
    #[error("the data dir holds a cluster of {found} broker(s), but --brokers is {expected}")]
    BrokerCount { found: i32, expected: i32 },
    #[error("the data dir holds log dirs of brokers {found}, but --brokers is {expected}")]
    BrokerDirs { found: String, expected: i32 },
    #[error("the data dir holds log dirs but no {METADATA_FILE}; refusing to overwrite them")]
    NoMetadata,
    /// A log dir's own files disagree with the metadata, or cannot be read.
    #[error("{path}: {message}")]
    LogDir { path: String, message: String },
}

/// What [`Cluster::from_parts`] is built from.
pub(crate) struct ClusterParts {
    pub options: ClusterOptions,
    pub now: SimTime,
    pub rng: Rng,
    /// The replica placer's `java.util.Random` (`engine::placement`).
    pub placer_random: JavaRandom,
    pub cluster_id: Uuid,
    pub brokers: BTreeMap<i32, Broker>,
    pub topics: BTreeMap<String, TopicInfo>,
    pub broker_configs: BrokerConfigStore,
    pub broker_dynamic_configs: BTreeMap<i32, BTreeMap<String, String>>,
    pub next_producer_id: i64,
    /// The quorum loaded from the log dirs, or `None` to start a new one from the tables.
    pub quorum: Option<RestoredQuorum>,
}

/// What a restart read from the metadata log, for [`Cluster::from_parts`].
pub(crate) struct RestoredQuorum {
    pub loaded: LoadedQuorum,
    /// The controller's tables as an image (what its log holds).
    pub image: MetadataImage,
    pub fenced: BTreeSet<i32>,
    pub incarnations: BTreeMap<i32, u32>,
}

/// A restored cluster, the `WARNING:` lines its loading produced, and what log recovery did in
/// each broker's log dir (`engine::log::recovery`).
#[derive(Debug)]
pub struct Restored {
    pub cluster: Cluster,
    pub warnings: Vec<String>,
    pub recovery: Vec<LogDirRecovery>,
}

/// Broker N's log dir under a data dir: `DIR/broker-N`.
pub fn data_dir_log_dir(data_dir: &str, node_id: i32) -> String {
    format!("{}/broker-{node_id}", data_dir.trim_end_matches('/'))
}

/// How many brokers the cluster saved in a metadata file's text has: a data dir or workspace
/// keeps the broker count it was created with.
pub fn saved_broker_count(metadata: &str) -> Result<i32, PersistError> {
    Ok(Metadata::parse(metadata)?.brokers)
}

/// Checks the node ids of the `broker-N` log dirs found in a data dir against `--brokers`.
pub fn check_broker_dirs(found: &[i32], brokers: i32) -> Result<(), PersistError> {
    if found.iter().all(|id| (1..=brokers).contains(id)) {
        return Ok(());
    }
    let mut ids = found.to_vec();
    sorting::sort(&mut ids);
    let found = ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(PersistError::BrokerDirs {
        found,
        expected: brokers,
    })
}

impl Cluster {
    /// Points every broker's log dir at `DIR/broker-N` (only the name people see changes).
    pub fn set_data_dir(&mut self, data_dir: &str) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id) {
                broker.log_dir = data_dir_log_dir(data_dir, id);
            }
        }
    }

    /// The metadata file's text for the cluster as it is now: what the metadata log does not
    /// hold (the tables are left out of the text).
    pub fn to_metadata_file(&self) -> String {
        Metadata {
            version: METADATA_VERSION,
            cluster_id: self.cluster_id(),
            brokers: i32::try_from(self.brokers().count()).unwrap_or(i32::MAX),
            seed: self.options().seed,
            start_time_ms: self.options().start_time.as_millis(),
            now_ms: self.now().as_millis(),
            rng_state: self.rng_state(),
            placer_random_state: Some(self.placer_random().state()),
            next_producer_id: self.next_producer_id(),
            broker_configs: self.broker_configs().clone(),
            broker_dynamic_configs: self.broker_dynamic_configs().clone(),
            topics: self
                .topics()
                .map(|t| (t.name.clone(), t.clone()))
                .collect_map(),
            down_brokers: self
                .brokers()
                .filter(|b| !b.is_running())
                .map(|b| (b.node_id, b.state))
                .collect_map(),
        }
        .to_text()
    }

    /// Writes what a broker's clean shutdown leaves in its log dir, into every broker's
    /// [`FileStore`]: each active segment's final time-index entry (`LogSegment.close`), each
    /// partition's `leader-epoch-checkpoint`, the four checkpoints at the top, and
    /// `meta.properties` if it is missing. Flushing the stores afterwards puts it all on disk. A
    /// stopped or crashed broker writes nothing: its files stay as it left them.
    pub fn checkpoint_log_dirs(&mut self) {
        // The controller writes what it decided before the files are closed: the metadata log
        // is what a restart rebuilds the tables from.
        self.journal_metadata();
        let now = self.now().as_millis();
        let cluster_id = self.cluster_id().to_string();
        let seed = self.options().seed;
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id).filter(|b| b.is_running()) {
                checkpoint_broker(broker, &cluster_id, seed, now, true);
            }
        }
    }

    /// Writes the checkpoints a running broker writes from time to time (recovery points, log
    /// start offsets, high watermarks, leader epochs, `meta.properties`), without closing the
    /// active segments as [`Self::checkpoint_log_dirs`] does: the browser's write-behind, which
    /// flushes every file with them in one transaction, so the recovery point is the log end.
    pub fn write_checkpoints(&mut self) {
        self.journal_metadata();
        let now = self.now().as_millis();
        let cluster_id = self.cluster_id().to_string();
        let seed = self.options().seed;
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id).filter(|b| b.is_running()) {
                checkpoint_broker(broker, &cluster_id, seed, now, false);
            }
        }
    }

    /// `kafka-storage.sh format`: each log dir's `meta.properties`, if it is missing. A broker
    /// starts from a formatted log dir, so this is on disk before anything else.
    pub fn format_log_dirs(&mut self) {
        let now = self.now().as_millis();
        let cluster_id = self.cluster_id().to_string();
        let seed = self.options().seed;
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(broker) = self.broker_mut(id) {
                ensure_meta_properties(&mut broker.store, id, &cluster_id, seed, now);
            }
        }
    }

    /// A cluster from its metadata file's text and its brokers' log dirs (node id to store; a
    /// missing one is an empty log dir). `options.brokers` must match the saved cluster; the seed
    /// and start time are the saved ones, and the clock and generator resume where they were.
    /// The controller's tables come from the metadata log (or, from a file of version 1 or 2,
    /// from the file). With `data_dir`, brokers' log dirs are named `DIR/broker-N`.
    pub fn restore(
        options: &ClusterOptions,
        metadata: &str,
        mut stores: BTreeMap<i32, FileStore>,
        data_dir: Option<&str>,
    ) -> Result<Restored, PersistError> {
        let mut meta = Metadata::parse(metadata)?;
        if meta.brokers != options.brokers {
            return Err(PersistError::BrokerCount {
                found: meta.brokers,
                expected: options.brokers,
            });
        }
        let log_dir = |node_id| {
            data_dir.map_or_else(
                || default_log_dir(node_id),
                |dir| data_dir_log_dir(dir, node_id),
            )
        };
        let mut warnings = Vec::new();
        for node_id in 1..=meta.brokers {
            let store = stores.entry(node_id).or_default();
            check_meta_properties(
                store,
                node_id,
                &log_dir(node_id),
                meta.cluster_id,
                &mut warnings,
            )?;
        }
        let quorum = if meta.version >= TABLES_IN_METADATA_LOG {
            let mut quorum = load_quorum(&meta, &mut stores, &log_dir, &mut warnings);
            if let Some(q) = &mut quorum {
                let tables = tables::from_image(&q.image, meta.brokers, &mut warnings);
                meta.topics = tables.topics;
                meta.broker_configs.dynamic_default = tables.dynamic_default;
                meta.broker_dynamic_configs = tables.broker_dynamic_configs;
                q.fenced = tables.fenced;
                q.incarnations = tables.incarnations;
            }
            quorum
        } else {
            // The migration: the old file's tables are the truth, and a new metadata log is
            // started from them (`Cluster::bootstrap_quorum` sets the old one aside).
            None
        };
        let mut configs = BTreeMap::new();
        for topic in meta.topics.values() {
            let resolved =
                TopicConfigs::resolve(&meta.broker_configs, &topic.configs).map_err(|e| {
                    PersistError::Incomplete(format!("the configs of topic {}: {e}", topic.name))
                })?;
            configs.insert(topic.name.clone(), resolved);
        }
        let mut restore = Restore {
            topics: &meta.topics,
            now: meta.now_ms,
            configs: &configs,
            rng: Rng::from_state(meta.rng_state),
            warnings,
            recovery: Vec::new(),
        };
        let mut brokers = BTreeMap::new();
        for node_id in 1..=meta.brokers {
            let store = stores.remove(&node_id).unwrap_or_default();
            brokers.insert(node_id, restore.broker(node_id, log_dir(node_id), store)?);
        }
        let parts = ClusterParts {
            options: ClusterOptions {
                brokers: meta.brokers,
                seed: meta.seed,
                start_time: SimTime(meta.start_time_ms),
            },
            now: SimTime(meta.now_ms),
            rng: restore.rng,
            // A file from before the placer was saved starts it as a new cluster would.
            placer_random: meta.placer_random_state.map_or_else(
                || JavaRandom::new(placer_seed(meta.seed)),
                JavaRandom::from_state,
            ),
            cluster_id: meta.cluster_id,
            brokers,
            topics: meta.topics.clone(),
            broker_configs: meta.broker_configs.clone(),
            broker_dynamic_configs: meta.broker_dynamic_configs.clone(),
            next_producer_id: meta.next_producer_id,
            quorum,
        };
        let started_new_log = parts.quorum.is_none();
        let mut cluster = Cluster::from_parts(parts);
        if started_new_log {
            // As after a restart from the metadata log (`Cluster::resume_quorum`): each broker
            // acts on its image, its coordinators load their `__consumer_offsets` partitions.
            cluster.sync_replication();
        }
        // Brokers that were down stay down: a restart starts only what was running, and a
        // crashed broker's recovery (with KIP-966's unclean-shutdown handling) runs at its
        // `broker start`. Its files were loaded with the rest; they are left as they were.
        for (&node_id, &state) in &meta.down_brokers {
            cluster.quietly(|c| c.shut_down_broker(node_id, state));
        }
        let recovery = restore
            .recovery
            .into_iter()
            .filter(|dir| !meta.down_brokers.contains_key(&dir.node_id))
            .collect();
        Ok(Restored {
            cluster,
            warnings: restore.warnings,
            recovery,
        })
    }
}

/// Every node's `__cluster_metadata-0` and `quorum-state`, loaded; `None` (with a `WARNING:`)
/// when no voter has a metadata log, and the cluster starts a new one with no topics.
fn load_quorum(
    meta: &Metadata,
    stores: &mut BTreeMap<i32, FileStore>,
    log_dir: &dyn Fn(i32) -> String,
    warnings: &mut Vec<String>,
) -> Option<RestoredQuorum> {
    let mut nodes = BTreeMap::new();
    for node_id in 1..=meta.brokers {
        let store = stores.entry(node_id).or_default();
        if let Some(node) = load_node(store, &log_dir(node_id), meta.now_ms, warnings) {
            nodes.insert(node_id, node);
        }
    }
    let voters: Vec<i32> = (1..=crate::engine::kraft::voters_for(meta.brokers)).collect();
    let Some(loaded) = LoadedQuorum::settle(nodes, &voters) else {
        warnings.push(format!(
            "WARNING: no voter's log dir holds {}; the cluster starts a new metadata log with no topics.",
            crate::engine::kraft::metadata_log::dir()
        ));
        return None;
    };
    let image = loaded.controller_image(stores);
    Some(RestoredQuorum {
        loaded,
        image,
        fenced: BTreeSet::new(),
        incarnations: BTreeMap::new(),
    })
}

/// One broker's part of [`Cluster::checkpoint_log_dirs`] (`close`) and
/// [`Cluster::write_checkpoints`].
pub(crate) fn checkpoint_broker(
    broker: &mut Broker,
    cluster_id: &str,
    seed: u64,
    now: i64,
    close: bool,
) {
    let keys: Vec<(String, i32)> = broker
        .logs()
        .map(|log| (log.topic().to_string(), log.partition()))
        .collect();
    let (mut recovery_points, mut log_starts, mut high_watermarks) = (
        OffsetCheckpoint::new(),
        OffsetCheckpoint::new(),
        OffsetCheckpoint::new(),
    );
    for key in keys {
        let Some((log, store)) = broker.log_mut(&key.0, key.1) else {
            continue;
        };
        if close {
            log.close(store);
        }
        // Everything is flushed at a clean shutdown, so the recovery point is the log end.
        recovery_points.insert(key.clone(), log.log_end_offset());
        // LogManager.checkpointLogStartOffsetsInDir lists only starts past the first segment.
        let first_base_offset = log.segments().next().map_or(0, |s| s.base_offset);
        if log.log_start_offset() > first_base_offset {
            log_starts.insert(key.clone(), log.log_start_offset());
        }
        high_watermarks.insert(key, log.high_watermark());
        log.write_leader_epoch_checkpoint(store);
    }
    let store = &mut broker.store;
    for (name, offsets) in [
        (
            checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT,
            &recovery_points,
        ),
        (checkpoint::LOG_START_OFFSET_CHECKPOINT, &log_starts),
        (checkpoint::REPLICATION_OFFSET_CHECKPOINT, &high_watermarks),
    ] {
        replace_if_changed(store, name, &checkpoint::encode_offsets(offsets));
    }
    // The log cleaner's CheckpointFile creates its file empty at startup.
    store.create(checkpoint::CLEANER_OFFSET_CHECKPOINT);
    ensure_meta_properties(store, broker.node_id, cluster_id, seed, now);
}

/// A checkpoint is rewritten only when its text changes, so an idle flush writes nothing.
fn replace_if_changed(store: &mut FileStore, path: &str, text: &str) {
    if store.contents(path) != Some(text.as_bytes()) {
        store.replace(path, text.as_bytes());
    }
}

/// `meta.properties` as `kafka-storage.sh format` writes it, dated by the simulated clock; an
/// existing file of this node and cluster is left as it is (Kafka writes it once).
pub(crate) fn ensure_meta_properties(
    store: &mut FileStore,
    node_id: i32,
    cluster_id: &str,
    seed: u64,
    now: i64,
) {
    let existing = store
        .contents(META_PROPERTIES)
        .and_then(|bytes| MetaProperties::parse(bytes).ok());
    if existing.as_ref().is_some_and(|m| {
        m.node_id == node_id && m.cluster_id == cluster_id && m.directory_id.is_some()
    }) {
        return;
    }
    let directory_id = existing
        .and_then(|m| m.directory_id)
        .unwrap_or_else(|| directory_id(seed, node_id));
    let meta = MetaProperties {
        node_id,
        cluster_id: cluster_id.to_string(),
        directory_id: Some(directory_id),
    };
    store.replace(META_PROPERTIES, meta.encode(now).as_bytes());
}

/// `Uuid.randomUuid` for `directory.id`, from a generator of this seed and node only.
/// The `directory.id` a new log dir of `node_id` gets (drawn from its own stream of the seed).
pub(crate) fn directory_id(seed: u64, node_id: i32) -> Uuid {
    const DIRECTORY_ID_STREAM: u64 = 0x6469_7265_6374_6f72; // "director"
    let node = u64::from(node_id.unsigned_abs()).rotate_left(32);
    Uuid::random(&mut Rng::from_seed(seed ^ DIRECTORY_ID_STREAM ^ node))
}

/// The state shared while the brokers are restored one after the other.
pub(crate) struct Restore<'a> {
    pub(crate) topics: &'a BTreeMap<String, TopicInfo>,
    pub(crate) now: i64,
    pub(crate) configs: &'a BTreeMap<String, TopicConfigs>,
    pub(crate) rng: Rng,
    pub(crate) warnings: Vec<String>,
    pub(crate) recovery: Vec<LogDirRecovery>,
}

impl Restore<'_> {
    /// One broker: its identity checked, its checkpoints read, each hosted partition loaded.
    pub(crate) fn broker(
        &mut self,
        node_id: i32,
        log_dir: String,
        mut store: FileStore,
    ) -> Result<Broker, PersistError> {
        let read = |name: &str| read_offsets(&store, &log_dir, name);
        let log_starts = read(checkpoint::LOG_START_OFFSET_CHECKPOINT)?;
        let high_watermarks = read(checkpoint::REPLICATION_OFFSET_CHECKPOINT)?;
        let recovery_points = read(checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT)?;
        // LogManager.loadLogs: the clean-shutdown file is deleted once read, so a crash while
        // this broker runs is an unclean stop at the next start (KAFKA-10471).
        let had_clean_shutdown = store.delete(CLEAN_SHUTDOWN_FILE);
        let mut recovery = LogDirRecovery {
            node_id,
            log_dir: log_dir.clone(),
            had_clean_shutdown,
            logs: Vec::new(),
        };
        let now = self.now;
        let mut logs = BTreeMap::new();
        for topic in self.topics.values() {
            let Some(config) = self.configs.get(&topic.name) else {
                continue;
            };
            let hosted = topic
                .partitions
                .iter()
                .filter(|p| p.replicas.contains(&node_id));
            for partition in hosted.map(|p| p.partition) {
                check_partition_metadata(&mut store, &log_dir, topic, partition)?;
                let key = (topic.name.clone(), partition);
                let request = LoadRequest {
                    log_dir: &log_dir,
                    topic: &topic.name,
                    partition,
                    config: config.clone(),
                    log_start_offset: log_starts.get(&key).copied(),
                    high_watermark: high_watermarks.get(&key).copied(),
                    now,
                    had_clean_shutdown,
                    recovery_point: recovery_points.get(&key).copied().unwrap_or(0),
                };
                let rng = &mut self.rng;
                let mut jitter = || roll_jitter(rng, config);
                let (mut log, report) = PartitionLog::load_recovering(
                    &mut store,
                    request,
                    &mut jitter,
                    &mut self.warnings,
                );
                let epochs_path = log.leader_epoch_checkpoint_path();
                if let Some(bytes) = store.contents(&epochs_path) {
                    match checkpoint::parse_leader_epochs(&epochs_path, bytes) {
                        Ok(entries) => log.set_loaded_leader_epochs(entries),
                        Err(error) => self.warnings.push(format!(
                            "WARNING: {log_dir}/{epochs_path} cannot be read ({error}); the leader epoch cache starts empty."
                        )),
                    }
                }
                // Partition.makeLeader: a leader alone in its ISR has every offset it holds
                // replicated, so its high watermark is its log end offset (a checkpoint from
                // before a crash may be behind).
                let info = topic.partitions.iter().find(|p| p.partition == partition);
                if info.is_some_and(|p| p.leader == Some(node_id) && p.isr == [node_id]) {
                    log.set_high_watermark(log.log_end_offset());
                }
                recovery.logs.push(report);
                logs.insert(key, log);
            }
        }
        self.recovery.push(recovery);
        for dir in store.dirs() {
            // Kafka's `-delete`, `-stray` and `-future` directories are not partitions' logs,
            // and the metadata log belongs to the Raft client (`engine::kraft`).
            let special = ["-delete", "-stray", "-future"]
                .iter()
                .any(|s| dir.ends_with(s))
                || dir == crate::engine::kraft::metadata_log::dir();
            if special || logs.values().any(|log: &PartitionLog| log.dir() == dir) {
                continue;
            }
            match stray_dir_name(&dir) {
                // LogManager.loadLog: a log the metadata image does not assign to this broker is
                // a stray (`isStrayReplica`; KIP-858 and KAFKA-14616: a broker may hold a replica
                // deleted while it was away). It is moved aside, not deleted.
                Some(stray) => {
                    store.rename_dir(&dir, &stray);
                    self.warnings.push(format!(
                        "WARNING: Log in {log_dir}/{dir} marked stray and renamed to {log_dir}/{stray}"
                    ));
                }
                None => self.warnings.push(format!(
                    "WARNING: {log_dir}/{dir} is not a partition this broker hosts; it is left as it is."
                )),
            }
        }
        Ok(Broker::from_parts(node_id, log_dir, store, logs))
    }
}
