//! One broker: its log dir (a [`FileStore`]) and the partition logs it hosts.
//!
//! The log dir holds what Kafka's `LogManager` keeps there: a `<topic>-<partition>/` folder per
//! hosted replica with its segments and `partition.metadata` (`PartitionMetadataFile`), and at the
//! top `meta.properties` and the checkpoint files.

use super::flush::FlushQueue;
use super::ids::Uuid;
use super::log::{partition_dir, LogConfig, PartitionLog};
use super::partition_map::PartitionMap;
use super::replication::{BrokerState, ReplicaManager};
use crate::storage::FileStore;
use std::collections::BTreeMap;

/// The log dir every broker uses in memory and in the browser (Kafka 4's sample config uses
/// `/tmp/kraft-combined-logs`; one folder per broker here, because they share a "disk").
pub fn default_log_dir(node_id: i32) -> String {
    format!("/tmp/kraft-combined-logs/broker-{node_id}")
}

/// A topic-partition: the key of everything per partition.
pub type TopicPartition = (String, i32);

#[derive(Debug, Clone)]
pub struct Broker {
    pub node_id: i32,
    /// Where the log dir is, as shown to people and accepted by `kafka-dump-log.sh --files`.
    pub log_dir: String,
    pub store: FileStore,
    /// Looked up by `&str` without building a key.
    logs: PartitionMap<PartitionLog>,
    /// What the engine made durable and a back-end has yet to write (`engine::flush`).
    pub(crate) flush_queue: FlushQueue,
    /// Whether the process runs.
    pub state: BrokerState,
    /// Its replication state: followers of what it leads, fetchers of what it follows.
    pub replica: ReplicaManager,
}

impl Broker {
    pub fn new(node_id: i32, log_dir: String) -> Self {
        Broker {
            node_id,
            log_dir,
            store: FileStore::default(),
            logs: PartitionMap::new(),
            flush_queue: FlushQueue::default(),
            state: BrokerState::Running,
            replica: ReplicaManager::default(),
        }
    }

    pub fn is_running(&self) -> bool {
        self.state == BrokerState::Running
    }

    /// The process stopped: its logs are closed (the files stay).
    pub(crate) fn close_logs(&mut self) {
        self.logs.clear();
    }

    /// Takes the logs a restart loaded from this broker's log dir (`engine::replication`).
    pub(crate) fn take_loaded(&mut self, loaded: Broker) {
        self.store = loaded.store;
        self.logs = loaded.logs;
    }

    pub fn logs(&self) -> impl Iterator<Item = &PartitionLog> {
        self.logs.values()
    }

    pub fn log(&self, topic: &str, partition: i32) -> Option<&PartitionLog> {
        self.logs.get(topic, partition)
    }

    /// The log and the store it writes to, borrowed together.
    pub fn log_mut(
        &mut self,
        topic: &str,
        partition: i32,
    ) -> Option<(&mut PartitionLog, &mut FileStore)> {
        let log = self.logs.get_mut(topic, partition)?;
        Some((log, &mut self.store))
    }

    /// Creates the replica's empty log and its `partition.metadata` file.
    pub fn create_log(
        &mut self,
        topic: &str,
        topic_id: Uuid,
        partition: i32,
        config: LogConfig,
        roll_jitter_ms: i64,
        now: i64,
    ) {
        let dir = partition_dir(topic, partition);
        let log = PartitionLog::create(
            &mut self.store,
            topic,
            partition,
            config,
            roll_jitter_ms,
            now,
        );
        // PartitionMetadataFile: "version: 0" and the topic id, so a log is tied to its topic.
        // Written once and flushed at once (`PartitionMetadataFile.maybeFlush`).
        let metadata = format!("{dir}/partition.metadata");
        self.store.replace(
            &metadata,
            format!("version: 0\ntopic_id: {topic_id}\n").as_bytes(),
        );
        self.request_flush(&metadata);
        self.logs.insert(topic, partition, log);
    }

    /// Applies a topic's changed configs to every log of it this broker hosts.
    pub fn set_topic_config(&mut self, topic: &str, config: &LogConfig) {
        for log in self.logs.topic_values_mut(topic) {
            log.set_config(config.clone());
        }
    }

    /// A broker whose log dir was read back from disk (`engine::persist`): its page cache and the
    /// logs rebuilt from it.
    pub(crate) fn from_parts(
        node_id: i32,
        log_dir: String,
        store: FileStore,
        logs: BTreeMap<TopicPartition, PartitionLog>,
    ) -> Self {
        Broker {
            node_id,
            log_dir,
            store,
            logs: logs.into_iter().collect(),
            flush_queue: FlushQueue::default(),
            state: BrokerState::Running,
            replica: ReplicaManager::default(),
        }
    }

    /// Drops this broker's log of a partition (topic deletion, `admin.rs`); its files stay in
    /// the store for the caller to remove.
    pub fn remove_log(&mut self, topic: &str, partition: i32) -> Option<PartitionLog> {
        self.logs.remove(topic, partition)
    }
}
