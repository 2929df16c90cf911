//! The metadata image: what replaying `__cluster_metadata` builds (Kafka's `MetadataImage`,
//! `MetadataDelta.replay`) — features, broker registrations, topics with their partitions,
//! dynamic configs and the producer-id block — and the records that turn one image into
//! another ([`diff`]), which is how the active controller journals the decisions it made.
//!
//! Replaying a `PartitionChangeRecord` bumps the partition epoch, and the leader epoch when the
//! leader changes (`PartitionRegistration.merge`). A diff whose epochs one change record cannot
//! explain is written as a whole `PartitionRecord`, which replay takes as the new registration.

use super::records::{
    MetadataRecord, PartitionChangeRecord, PartitionRecord, CONFIG_RESOURCE_BROKER,
    CONFIG_RESOURCE_TOPIC, LEADER_UNCHANGED,
};
use crate::engine::cluster::{PartitionInfo, TopicInfo};
use crate::engine::ids::Uuid;
use std::collections::BTreeMap;

/// `metadata.version` of Kafka 4.1.0 (`MetadataVersion.IBP_4_1_IV1`, feature level 27).
pub const METADATA_VERSION_LEVEL: i16 = 27;

/// A broker as the controller registered it (`BrokerRegistration`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerRegistration {
    pub incarnation_id: Uuid,
    /// The offset of its `RegisterBrokerRecord` (`ClusterControlManager` uses it as the epoch).
    pub epoch: i64,
    pub fenced: bool,
}

/// A topic in the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicImage {
    pub name: String,
    pub partitions: BTreeMap<i32, PartitionRecord>,
}

/// Everything the metadata log says, replayed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataImage {
    pub features: BTreeMap<String, i16>,
    pub brokers: BTreeMap<i32, BrokerRegistration>,
    pub topics: BTreeMap<Uuid, TopicImage>,
    /// Dynamic configs by (resource type, resource name); a broker's default is name "".
    pub configs: BTreeMap<(i8, String), BTreeMap<String, String>>,
    /// The end of the last producer-id block handed out.
    pub producer_ids_end: i64,
}

/// How many producer ids one `AllocateProducerIds` block holds (`ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE`).
pub const PRODUCER_ID_BLOCK_SIZE: i64 = 1000;

impl MetadataImage {
    /// `MetadataDelta.replay` of one record at `offset`.
    pub fn replay(&mut self, offset: i64, record: &MetadataRecord) {
        match record {
            MetadataRecord::RegisterBroker {
                broker_id,
                incarnation_id,
                fenced,
                ..
            } => {
                let registration = BrokerRegistration {
                    incarnation_id: *incarnation_id,
                    epoch: offset,
                    fenced: *fenced,
                };
                self.brokers.insert(*broker_id, registration);
            }
            MetadataRecord::FenceBroker { id, .. } => self.set_fenced(*id, true),
            MetadataRecord::UnfenceBroker { id, .. } => self.set_fenced(*id, false),
            MetadataRecord::BrokerRegistrationChange {
                broker_id, fenced, ..
            } => match fenced {
                1 => self.set_fenced(*broker_id, true),
                -1 => self.set_fenced(*broker_id, false),
                _ => {}
            },
            MetadataRecord::Topic { name, topic_id } => {
                self.topics.insert(
                    *topic_id,
                    TopicImage {
                        name: name.clone(),
                        partitions: BTreeMap::new(),
                    },
                );
            }
            MetadataRecord::Partition(p) => {
                if let Some(topic) = self.topics.get_mut(&p.topic_id) {
                    topic.partitions.insert(p.partition_id, p.clone());
                }
            }
            MetadataRecord::PartitionChange(change) => {
                if let Some(p) = self
                    .topics
                    .get_mut(&change.topic_id)
                    .and_then(|t| t.partitions.get_mut(&change.partition_id))
                {
                    merge(p, change);
                }
            }
            MetadataRecord::RemoveTopic { topic_id } => {
                if let Some(topic) = self.topics.remove(topic_id) {
                    self.configs
                        .remove(&(CONFIG_RESOURCE_TOPIC, topic.name.clone()));
                }
            }
            MetadataRecord::Config {
                resource_type,
                resource_name,
                name,
                value,
            } => {
                let key = (*resource_type, resource_name.clone());
                match value {
                    Some(v) => {
                        self.configs
                            .entry(key)
                            .or_default()
                            .insert(name.clone(), v.clone());
                    }
                    None => {
                        if let Some(configs) = self.configs.get_mut(&key) {
                            configs.remove(name);
                            if configs.is_empty() {
                                self.configs.remove(&key);
                            }
                        }
                    }
                }
            }
            MetadataRecord::FeatureLevel { name, level } => {
                self.features.insert(name.clone(), *level);
            }
            MetadataRecord::ProducerIds {
                next_producer_id, ..
            } => self.producer_ids_end = *next_producer_id,
            MetadataRecord::NoOp => {}
        }
    }

    fn set_fenced(&mut self, broker: i32, fenced: bool) {
        if let Some(registration) = self.brokers.get_mut(&broker) {
            registration.fenced = fenced;
        }
    }

    /// A topic by name.
    pub fn topic_by_name(&self, name: &str) -> Option<(&Uuid, &TopicImage)> {
        self.topics.iter().find(|(_, t)| t.name == name)
    }
}

/// `PartitionRegistration.merge`: the change applied, the partition epoch bumped, and the
/// leader epoch bumped when the leader changed.
fn merge(p: &mut PartitionRecord, change: &PartitionChangeRecord) {
    let fields = [
        (&mut p.isr, &change.isr),
        (&mut p.replicas, &change.replicas),
        (&mut p.removing_replicas, &change.removing_replicas),
        (&mut p.adding_replicas, &change.adding_replicas),
        (&mut p.elr, &change.elr),
        (&mut p.last_known_elr, &change.last_known_elr),
    ];
    for (field, new) in fields {
        if let Some(list) = new {
            field.clone_from(list);
        }
    }
    if change.leader != LEADER_UNCHANGED {
        p.leader = change.leader;
        p.leader_epoch += 1;
    }
    p.partition_epoch += 1;
}

/// The registration the engine's partition table holds, as a `PartitionRecord`.
pub fn partition_record(topic_id: Uuid, info: &PartitionInfo) -> PartitionRecord {
    PartitionRecord {
        partition_id: info.partition,
        topic_id,
        replicas: info.replicas.clone(),
        isr: info.isr.clone(),
        removing_replicas: info.removing_replicas.clone(),
        adding_replicas: info.adding_replicas.clone(),
        leader: info.leader.unwrap_or(-1),
        leader_epoch: info.leader_epoch,
        partition_epoch: info.partition_epoch,
        elr: info.elr.clone(),
        last_known_elr: info.last_known_elr.clone(),
    }
}

/// The engine's partition table entry a `PartitionRecord` describes.
pub fn partition_info(p: &PartitionRecord) -> PartitionInfo {
    let mut info = PartitionInfo::new(p.partition_id, p.replicas.clone());
    info.isr.clone_from(&p.isr);
    info.adding_replicas.clone_from(&p.adding_replicas);
    info.removing_replicas.clone_from(&p.removing_replicas);
    info.leader = (p.leader >= 0).then_some(p.leader);
    info.leader_epoch = p.leader_epoch;
    info.partition_epoch = p.partition_epoch;
    info.elr.clone_from(&p.elr);
    info.last_known_elr.clone_from(&p.last_known_elr);
    info
}

/// A topic of the engine's table in the image.
pub fn topic_image(topic: &TopicInfo) -> TopicImage {
    TopicImage {
        name: topic.name.clone(),
        partitions: topic
            .partitions
            .iter()
            .map(|p| (p.partition, partition_record(topic.id, p)))
            .collect(),
    }
}

/// The records that turn `old` into `new`, in the order a controller writes them: features,
/// brokers, removed topics, new topics with their partitions, changed partitions, configs,
/// producer ids. `new`'s broker epochs are ignored (the log assigns them).
pub fn diff(old: &MetadataImage, new: &MetadataImage) -> Vec<MetadataRecord> {
    let mut out = Vec::new();
    for (name, level) in &new.features {
        if old.features.get(name) != Some(level) {
            out.push(MetadataRecord::FeatureLevel {
                name: name.clone(),
                level: *level,
            });
        }
    }
    diff_brokers(old, new, &mut out);
    for id in old.topics.keys().filter(|id| !new.topics.contains_key(id)) {
        out.push(MetadataRecord::RemoveTopic { topic_id: *id });
    }
    for (id, topic) in &new.topics {
        match old.topics.get(id) {
            None => {
                out.push(MetadataRecord::Topic {
                    name: topic.name.clone(),
                    topic_id: *id,
                });
                out.extend(
                    topic
                        .partitions
                        .values()
                        .cloned()
                        .map(MetadataRecord::Partition),
                );
            }
            Some(before) => diff_partitions(before, topic, &mut out),
        }
    }
    diff_configs(old, new, &mut out);
    if new.producer_ids_end > old.producer_ids_end {
        out.push(MetadataRecord::ProducerIds {
            broker_id: 1,
            broker_epoch: -1,
            next_producer_id: new.producer_ids_end,
        });
    }
    out
}

/// `QuorumController.registerBroker`: a broker's epoch is the offset its `RegisterBrokerRecord`
/// is written at; `records` are about to be appended from `base_offset`.
pub fn stamp_broker_epochs(records: &mut [MetadataRecord], base_offset: i64) {
    for (offset, record) in (base_offset..).zip(records.iter_mut()) {
        if let MetadataRecord::RegisterBroker { broker_epoch, .. } = record {
            *broker_epoch = offset;
        }
    }
}

fn diff_brokers(old: &MetadataImage, new: &MetadataImage, out: &mut Vec<MetadataRecord>) {
    for (&id, now) in &new.brokers {
        match old.brokers.get(&id) {
            Some(before) if before.incarnation_id == now.incarnation_id => {
                if before.fenced != now.fenced {
                    out.push(MetadataRecord::BrokerRegistrationChange {
                        broker_id: id,
                        broker_epoch: before.epoch,
                        fenced: if now.fenced { 1 } else { -1 },
                    });
                }
            }
            _ => out.push(MetadataRecord::RegisterBroker {
                broker_id: id,
                incarnation_id: now.incarnation_id,
                broker_epoch: -1, // stamp_broker_epochs sets it when it is written
                fenced: now.fenced,
            }),
        }
    }
}

fn diff_partitions(before: &TopicImage, now: &TopicImage, out: &mut Vec<MetadataRecord>) {
    for (id, p) in &now.partitions {
        let Some(old) = before.partitions.get(id) else {
            out.push(MetadataRecord::Partition(p.clone()));
            continue;
        };
        if old == p {
            continue;
        }
        let changed = |a: &Vec<i32>, b: &Vec<i32>| (a != b).then(|| b.clone());
        let change = PartitionChangeRecord {
            partition_id: p.partition_id,
            topic_id: p.topic_id,
            isr: changed(&old.isr, &p.isr),
            leader: if old.leader != p.leader {
                p.leader
            } else {
                LEADER_UNCHANGED
            },
            replicas: changed(&old.replicas, &p.replicas),
            removing_replicas: changed(&old.removing_replicas, &p.removing_replicas),
            adding_replicas: changed(&old.adding_replicas, &p.adding_replicas),
            elr: changed(&old.elr, &p.elr),
            last_known_elr: changed(&old.last_known_elr, &p.last_known_elr),
        };
        let mut replayed = old.clone();
        merge(&mut replayed, &change);
        if &replayed == p {
            out.push(MetadataRecord::PartitionChange(change));
        } else {
            out.push(MetadataRecord::Partition(p.clone()));
        }
    }
}

fn diff_configs(old: &MetadataImage, new: &MetadataImage, out: &mut Vec<MetadataRecord>) {
    let empty = BTreeMap::new();
    let keys: std::collections::BTreeSet<&(i8, String)> =
        old.configs.keys().chain(new.configs.keys()).collect();
    for key in keys {
        // A removed topic's configs go with it.
        if key.0 == CONFIG_RESOURCE_TOPIC && new.topic_by_name(&key.1).is_none() {
            continue;
        }
        let before = old.configs.get(key).unwrap_or(&empty);
        let now = new.configs.get(key).unwrap_or(&empty);
        for (name, value) in now {
            if before.get(name) != Some(value) {
                out.push(config_record(key, name, Some(value.clone())));
            }
        }
        for name in before.keys().filter(|n| !now.contains_key(*n)) {
            out.push(config_record(key, name, None));
        }
    }
}

fn config_record(key: &(i8, String), name: &str, value: Option<String>) -> MetadataRecord {
    MetadataRecord::Config {
        resource_type: key.0,
        resource_name: key.1.clone(),
        name: name.to_string(),
        value,
    }
}

/// The config key of a broker's own dynamic configs ("" for the cluster-wide default).
pub fn broker_config_key(broker: Option<i32>) -> (i8, String) {
    (
        CONFIG_RESOURCE_BROKER,
        broker.map_or_else(String::new, |b| b.to_string()),
    )
}
