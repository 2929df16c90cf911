//! The controller's admin operations: deleting topics, adding partitions, creating a topic from a
//! manual replica assignment, and incremental config alters on topics and brokers.
//!
//! Sources (Kafka 4.1): `ReplicationControlManager` (`createTopic` with assignments,
//! `createPartitions`, `validateManualPartitionAssignment`, `deleteTopic`),
//! `ConfigurationControlManager.incrementalAlterConfigResource` and `validateAlterConfig` (the
//! configs are checked before the resource's existence), `ControllerConfigurationValidator`,
//! `QuorumController.ConfigResourceExistenceChecker` (`The topic 't' does not exist.`),
//! `ConfigAdminManager.validateBrokerConfigChange` and `DynamicBrokerConfig.validateConfigs`
//! (broker alters fail with `INVALID_REQUEST`), `LogManager.asyncDelete`.
//!
//! Config layers: the cluster keeps `server.properties` and the cluster-wide dynamic layer in
//! [`Cluster::broker_configs`], and each broker's own dynamic layer in
//! [`Cluster::broker_dynamic_configs`]. A broker runs with [`Cluster::broker_config_store`], the
//! two put together, and resolves the logs it hosts over it, as each Kafka broker's `LogManager`
//! resolves over its own `KafkaConfig`.

use super::cluster::{roll_jitter, Cluster, Created, NewTopic, PartitionInfo, TopicInfo};
use super::config::{
    broker_config_def, validate_topic_configs, BrokerConfigStore, BrokerScope, Strictness,
    TopicConfigs, UpdateMode, Warning,
};
use super::error::{ApiError, ErrorCode};
use super::ids::Uuid;
use super::log::partition_dir;
use super::topic;
use crate::engine::sorting::{self, CollectBTree};
use std::collections::{BTreeMap, BTreeSet};

/// `QuorumController.MAX_RECORDS_PER_USER_OP`: one request may add at most this many records (one
/// `PartitionRecord` per partition).
const MAX_RECORDS_PER_USER_OP: i64 = 10_000;

fn invalid_assignment(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidReplicaAssignment, message)
}

impl Cluster {
    /// The config layers broker `node_id` runs with: `server.properties` and the cluster-wide
    /// dynamic layer, with the broker's own dynamic layer on top.
    pub fn broker_config_store(&self, node_id: i32) -> BrokerConfigStore {
        let mut store = self.broker_configs().clone();
        if let Some(layer) = self.broker_dynamic_configs().get(&node_id) {
            store
                .dynamic_broker
                .extend(layer.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        store
    }

    /// The store of the broker a `--bootstrap-server` reaches first (the lowest node id), which
    /// answers a tool's `DescribeConfigs` for a topic.
    pub fn bootstrap_config_store(&self) -> BrokerConfigStore {
        match self.brokers().next() {
            Some(broker) => self.broker_config_store(broker.node_id),
            None => self.broker_configs().clone(),
        }
    }

    /// Re-resolves a topic's configs on every broker hosting a replica of it and hands them to
    /// its logs (`Broker::set_topic_config`); they take effect from the next append.
    pub fn apply_topic_configs(&mut self, name: &str) {
        let Some(topic) = self.topic(name) else {
            return;
        };
        let overrides = topic.configs.clone();
        let nodes: BTreeSet<i32> = topic
            .partitions
            .iter()
            .flat_map(|p| p.replicas.iter().copied())
            .collect_set();
        for node_id in nodes {
            // A resolve error would mean a stored override no longer parses; the log keeps the
            // configs it had rather than failing (both were validated when set).
            let Ok(config) = TopicConfigs::resolve(&self.broker_config_store(node_id), &overrides)
            else {
                continue;
            };
            if let Some(broker) = self.broker_mut(node_id) {
                broker.set_topic_config(name, &config);
            }
        }
    }

    /// `DeleteTopics` for one topic name (`ReplicationControlManager.deleteTopic`): the topic goes
    /// and so does every replica's log.
    ///
    /// Kafka's `LogManager.asyncDelete` renames each replica's directory to
    /// `<topic>-<partition>.<uuid>-delete` and removes it `file.delete.delay.ms` later. The
    /// playground has no timer for that yet, so the log and its directory go at once.
    pub fn delete_topic(&mut self, name: &str) -> Result<TopicInfo, ApiError> {
        let Some(topic) = self.topics_mut().remove(name) else {
            return Err(ApiError::bare(ErrorCode::UnknownTopicOrPartition));
        };
        for partition in &topic.partitions {
            for replica in &partition.replicas {
                if let Some(broker) = self.broker_mut(*replica) {
                    broker.remove_log(name, partition.partition);
                    super::cleaner::remove_from_checkpoint(broker, name, partition.partition);
                    broker
                        .store
                        .delete_dir(&partition_dir(name, partition.partition));
                }
            }
        }
        self.sync_replication();
        Ok(topic)
    }

    /// `CreatePartitions` (`ReplicationControlManager.createPartitions`): grows `name` to `count`
    /// partitions, placed by `assignment` (one replica list per new partition) or by the
    /// controller's `StripedReplicaPlacer`. Returns the new partitions.
    pub fn create_partitions(
        &mut self,
        name: &str,
        count: i32,
        assignment: Option<&[Vec<i32>]>,
    ) -> Result<Vec<PartitionInfo>, ApiError> {
        let mut info = self
            .topic(name)
            .cloned()
            .ok_or_else(|| ApiError::bare(ErrorCode::UnknownTopicOrPartition))?;
        let current = i32::try_from(info.partitions.len()).unwrap_or(i32::MAX);
        if count == current {
            return Err(ApiError::new(
                ErrorCode::InvalidPartitions,
                format!("Topic already has {current} partition(s)."),
            ));
        }
        if count < current {
            return Err(ApiError::new(
                ErrorCode::InvalidPartitions,
                format!(
                    "The topic {name} currently has {current} partition(s); {count} would not be an increase."
                ),
            ));
        }
        let additional = count - current;
        let replication_factor = info.replication_factor();
        let placements = match assignment {
            Some(lists) => {
                if lists.len() != usize::try_from(additional).unwrap_or(usize::MAX) {
                    return Err(invalid_assignment(format!(
                        "Attempted to add {additional} additional partition(s), but only {} assignment(s) were specified.",
                        lists.len()
                    )));
                }
                for replicas in lists {
                    self.validate_manual_assignment(replicas, Some(replication_factor))?;
                }
                check_batch_size(i64::from(additional))?;
                lists.to_vec()
            }
            None => {
                check_batch_size(i64::from(additional))?;
                // `place(PlacementSpec(startPartition, additional, …))`: Kafka 4.1's striped
                // placer ignores the start and places the new partitions afresh, drawing a new
                // starting offset. Its refusal is not wrapped here, unlike `createTopic`'s.
                let factor = i16::try_from(replication_factor).unwrap_or(i16::MAX);
                self.place_replicas(additional, factor)?
            }
        };
        let new_partitions: Vec<PartitionInfo> = placements
            .into_iter()
            .zip(current..)
            .map(|(replicas, partition)| new_partition(partition, replicas))
            .collect();
        info.partitions.extend(new_partitions.iter().cloned());
        self.create_partition_logs(&info, &new_partitions);
        self.topics_mut().insert(name.to_string(), info);
        self.sync_replication();
        Ok(new_partitions)
    }

    /// `CreateTopics` with a manual assignment (`kafka-topics.sh --create --replica-assignment`):
    /// partition `i` gets replicas `assignment[i]`, its first one the preferred leader. The name,
    /// existence, collision and config checks come first, in `create_topic`'s order.
    pub fn create_topic_with_assignment(
        &mut self,
        name: &str,
        assignment: &[Vec<i32>],
        configs: BTreeMap<String, String>,
    ) -> Result<Created, ApiError> {
        if assignment.is_empty() {
            // No assignment: the controller places the default number of partitions.
            return self.create_topic(NewTopic {
                name: name.to_string(),
                configs,
                ..NewTopic::default()
            });
        }
        let warnings = self.check_new_topic(name, &configs)?;
        check_batch_size(i64::try_from(assignment.len()).unwrap_or(i64::MAX))?;
        let mut replication_factor = None;
        for replicas in assignment {
            self.validate_manual_assignment(replicas, replication_factor)?;
            replication_factor = Some(replicas.len());
        }
        let id = Uuid::random(self.rng());
        let partitions: Vec<PartitionInfo> = assignment
            .iter()
            .cloned()
            .zip(0..)
            .map(|(replicas, partition)| new_partition(partition, replicas))
            .collect();
        let info = TopicInfo {
            name: name.to_string(),
            id,
            partitions: partitions.clone(),
            configs,
        };
        self.create_partition_logs(&info, &partitions);
        self.topics_mut().insert(name.to_string(), info.clone());
        self.sync_replication();
        Ok(Created {
            topic: info,
            warnings,
        })
    }

    /// `IncrementalAlterConfigs` on a topic: deletes, then sets, then the whole resulting set of
    /// overrides is checked (name, values, compaction lags) before the topic's existence, as
    /// `ConfigurationControlManager.validateAlterConfig` orders it. All or nothing. Returns the
    /// playground's warnings about the values set.
    pub fn incremental_alter_topic_configs(
        &mut self,
        name: &str,
        set: &BTreeMap<String, String>,
        delete: &[String],
    ) -> Result<Vec<Warning>, ApiError> {
        if name.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "Default topic resources are not allowed.",
            ));
        }
        topic::validate_name(name)
            .map_err(|message| ApiError::new(ErrorCode::InvalidTopicException, message))?;
        let mut next = self
            .topic(name)
            .map(|t| t.configs.clone())
            .unwrap_or_default();
        for key in delete {
            next.remove(key);
        }
        next.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
        let defaults = self
            .broker_configs()
            .resolve()
            .map_err(|e| e.api_error())?
            .log_defaults;
        let warnings = validate_topic_configs(Strictness::Playground, &next, &defaults)
            .map_err(|e| e.api_error())?;
        let Some(topic) = self.topics_mut().get_mut(name) else {
            return Err(ApiError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("The topic '{name}' does not exist."),
            ));
        };
        topic.configs = next;
        self.apply_topic_configs(name);
        // A changed unclean.leader.election.enable or min.insync.replicas may let a leaderless
        // partition elect now (the controller re-runs elections on config changes).
        self.elect_leaderless();
        self.sync_replication();
        Ok(warnings
            .into_iter()
            .filter(|w| set.contains_key(&w.config))
            .collect())
    }

    /// `IncrementalAlterConfigs` on a broker resource: the cluster-wide default layer for `None`
    /// (`--entity-default`), broker `Some(id)`'s own layer otherwise. Refusals are
    /// `INVALID_REQUEST` with Kafka's message (`BrokerConfigStore::alter`). Afterwards every log
    /// is re-resolved over its broker's new layers.
    pub fn alter_broker_configs(
        &mut self,
        node: Option<i32>,
        set: &BTreeMap<String, String>,
        delete: &[String],
    ) -> Result<Vec<Warning>, ApiError> {
        let warnings = match node {
            None => {
                let per_broker: Vec<String> = set
                    .keys()
                    .filter(|n| {
                        broker_config_def(n).is_some_and(|d| d.update_mode == UpdateMode::PerBroker)
                    })
                    .cloned()
                    .collect();
                if !per_broker.is_empty() {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!(
                            "Cannot update these configs at default cluster level, broker id must be specified: Set({})",
                            per_broker.join(", ")
                        ),
                    ));
                }
                self.broker_configs_mut().alter(
                    BrokerScope::ClusterDefault,
                    Strictness::Playground,
                    set,
                    delete,
                )?
            }
            Some(node_id) => {
                if self.broker(node_id).is_none() {
                    // Kafka answers BROKER_ID_NOT_REGISTERED (102), which `ErrorCode` lacks.
                    return Err(ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!("No node with id {node_id} found."),
                    ));
                }
                let mut store = self.broker_config_store(node_id);
                let warnings =
                    store.alter(BrokerScope::Broker, Strictness::Playground, set, delete)?;
                let layers = self.broker_dynamic_configs_mut();
                if store.dynamic_broker.is_empty() {
                    layers.remove(&node_id);
                } else {
                    layers.insert(node_id, store.dynamic_broker);
                }
                warnings
            }
        };
        let names: Vec<String> = self.topics().map(|t| t.name.clone()).collect();
        for name in names {
            self.apply_topic_configs(&name);
        }
        self.refresh_replication_settings();
        Ok(warnings)
    }

    /// `createTopics`' checks before placement, in `create_topic`'s order: the name, existence,
    /// a '.'/'_' collision, then the configs. Returns the configs' warnings.
    fn check_new_topic(
        &self,
        name: &str,
        configs: &BTreeMap<String, String>,
    ) -> Result<Vec<Warning>, ApiError> {
        topic::validate_name(name)
            .map_err(|message| ApiError::new(ErrorCode::InvalidTopicException, message))?;
        if self.topic(name).is_some() {
            return Err(ApiError::new(
                ErrorCode::TopicAlreadyExists,
                format!("Topic '{name}' already exists."),
            ));
        }
        if let Some(existing) = self.topics().find(|t| topic::collides(&t.name, name)) {
            return Err(ApiError::new(
                ErrorCode::InvalidTopicException,
                format!(
                    "Topic '{name}' collides with existing topic: {}",
                    existing.name
                ),
            ));
        }
        let defaults = self
            .broker_configs()
            .resolve()
            .map_err(|e| e.api_error())?
            .log_defaults;
        validate_topic_configs(Strictness::Playground, configs, &defaults)
            .map_err(|e| e.api_error())
    }

    /// `ReplicationControlManager.validateManualPartitionAssignment`.
    pub(crate) fn validate_manual_assignment(
        &self,
        replicas: &[i32],
        replication_factor: Option<usize>,
    ) -> Result<(), ApiError> {
        if replicas.is_empty() {
            return Err(invalid_assignment(
                "The manual partition assignment includes an empty replica list.".to_string(),
            ));
        }
        let mut sorted = replicas.to_vec();
        sorting::sort(&mut sorted);
        let mut previous = None;
        for id in &sorted {
            if self.broker(*id).is_none() {
                return Err(invalid_assignment(format!(
                    "The manual partition assignment includes broker {id}, but no such broker is registered."
                )));
            }
            if previous == Some(*id) {
                return Err(invalid_assignment(format!(
                    "The manual partition assignment includes the broker {id} more than once."
                )));
            }
            previous = Some(*id);
        }
        match replication_factor {
            Some(factor) if factor != sorted.len() => Err(invalid_assignment(format!(
                "The manual partition assignment includes a partition with {} replica(s), but this is not consistent with previous partitions, which have {factor} replica(s).",
                sorted.len()
            ))),
            _ => Ok(()),
        }
    }

    /// Each replica's broker creates the empty log of a new partition, resolved over its own
    /// config layers, with a roll jitter drawn per log in `Cluster::create_logs`' order.
    fn create_partition_logs(&mut self, topic: &TopicInfo, partitions: &[PartitionInfo]) {
        let now = self.now().as_millis();
        for partition in partitions {
            for replica in &partition.replicas {
                let Ok(config) =
                    TopicConfigs::resolve(&self.broker_config_store(*replica), &topic.configs)
                else {
                    continue;
                };
                let jitter = roll_jitter(self.rng(), &config);
                if let Some(broker) = self.broker_mut(*replica) {
                    broker.create_log(
                        &topic.name,
                        topic.id,
                        partition.partition,
                        config,
                        jitter,
                        now,
                    );
                }
            }
        }
    }
}

/// A new partition: every replica in sync, the first one leading (`buildPartitionRegistration`).
fn new_partition(partition: i32, replicas: Vec<i32>) -> PartitionInfo {
    PartitionInfo::new(partition, replicas)
}

/// A request that would write more than `MAX_RECORDS_PER_USER_OP` records is refused, as the
/// controller turns `BoundedListTooLongException` into a `PolicyViolationException`. Kafka finds
/// out while adding the records, after placing the partitions; here it is checked before, so a
/// huge request never builds its placement (the placer's generator is then not drawn from).
pub(crate) fn check_batch_size(partitions: i64) -> Result<(), ApiError> {
    if partitions > MAX_RECORDS_PER_USER_OP {
        return Err(ApiError::new(
            ErrorCode::PolicyViolation,
            "Unable to perform excessively large batch operation.",
        ));
    }
    Ok(())
}
