//! The controller's tables rebuilt from a replayed metadata image, as `QuorumController`
//! rebuilds its managers by replaying `__cluster_metadata` at start-up: topics with their
//! partitions (replicas, ISR, leader, epochs, ELR, reassignments) and configs, the cluster-wide
//! and per-broker dynamic configs, which brokers were fenced, and each broker's registration
//! (its incarnation, which the restart bumps: every broker process registers anew).

use crate::engine::cluster::TopicInfo;
use crate::engine::kraft::image::{self, MetadataImage};
use crate::engine::kraft::records::CONFIG_RESOURCE_TOPIC;
use std::collections::{BTreeMap, BTreeSet};

/// What the controller knows, from the image.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub topics: BTreeMap<String, TopicInfo>,
    pub dynamic_default: BTreeMap<String, String>,
    pub broker_dynamic_configs: BTreeMap<i32, BTreeMap<String, String>>,
    pub fenced: BTreeSet<i32>,
    /// Each broker's incarnation for this start: one past the one the log registered.
    pub incarnations: BTreeMap<i32, u32>,
}

/// The tables of a cluster of `brokers` brokers. A topic the cluster could not host (a replica
/// on a broker it does not have, no partitions) is left out with a `WARNING:` line.
pub(crate) fn from_image(
    image: &MetadataImage,
    brokers: i32,
    warnings: &mut Vec<String>,
) -> Tables {
    let mut tables = Tables::default();
    for (id, topic) in &image.topics {
        let partitions: Vec<_> = topic
            .partitions
            .values()
            .map(image::partition_info)
            .collect();
        let outside = partitions
            .iter()
            .flat_map(|p| &p.replicas)
            .find(|&&n| !(1..=brokers).contains(&n));
        if let Some(node) = outside {
            warnings.push(format!(
                "WARNING: topic {} ({id}) in __cluster_metadata has a replica on broker {node}, but the cluster has brokers 1 to {brokers}; it is left out.",
                topic.name
            ));
            continue;
        }
        if partitions.is_empty() {
            warnings.push(format!(
                "WARNING: topic {} ({id}) in __cluster_metadata has no PartitionRecord; it is left out.",
                topic.name
            ));
            continue;
        }
        let configs = image
            .configs
            .get(&(CONFIG_RESOURCE_TOPIC, topic.name.clone()))
            .cloned()
            .unwrap_or_default();
        let info = TopicInfo {
            name: topic.name.clone(),
            id: *id,
            partitions,
            configs,
        };
        tables.topics.insert(topic.name.clone(), info);
    }
    if let Some(configs) = image.configs.get(&image::broker_config_key(None)) {
        tables.dynamic_default.clone_from(configs);
    }
    for node in 1..=brokers {
        if let Some(configs) = image.configs.get(&image::broker_config_key(Some(node))) {
            tables.broker_dynamic_configs.insert(node, configs.clone());
        }
    }
    for (&node, registration) in &image.brokers {
        if registration.fenced {
            tables.fenced.insert(node);
        }
        // `incarnation_id` keeps the start count in the low 32 bits.
        let bytes = registration.incarnation_id.to_bytes();
        let low = u32::from_be_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
        tables.incarnations.insert(node, low.saturating_add(1));
    }
    tables
}
