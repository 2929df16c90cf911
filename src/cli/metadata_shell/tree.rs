//! The tree `kafka-metadata-shell.sh` browses: Kafka 4.1's `RootShellNode` (`/local`,
//! `/image`) over `org.apache.kafka.image.node.*` (`MetadataImageNode` and its children), built
//! from a replayed [`MetadataImage`].
//!
//! Kafka builds its nodes lazily; the playground's image is small, so the whole tree is built
//! at once as directories ([`Node::Dir`], children kept sorted as every command sorts them with
//! `String::compareTo`) and leaves ([`Node::Leaf`], the text `MetadataLeafNode` prints):
//!
//! | path | Kafka |
//! |---|---|
//! | `/local/version`, `/local/commitId` | `LocalShellNode` (`AppInfoParser`) |
//! | `/image/provenance` | `ProvenanceNode` |
//! | `/image/features/metadataVersion`, `finalized_<name>` | `FeaturesImageNode` |
//! | `/image/cluster/brokers/<id>` | `ClusterImageBrokersNode`, `BrokerRegistration.toString` |
//! | `/image/cluster/controllers` | `ClusterImageControllersNode` (no `RegisterControllerRecord` here: empty) |
//! | `/image/topics/byName/<name>`, `byId/<id>` | `TopicsImageBy*Node`, `TopicImageNode`, `PartitionRegistration.toString` |
//! | `/image/configs/<TYPE>:<name>/<key>` | `ConfigurationsImageNode`, `ConfigurationImageNode` |
//! | `/image/producerIds/nextProducerId` | `ProducerIdsImageNode` |
//! | `/image/acls`, `clientQuotas`, `delegationToken`, `scram/SCRAM-SHA-*` | empty: the playground writes no such records |

use crate::engine::kraft::image::{BrokerRegistration, MetadataImage, METADATA_VERSION_LEVEL};
use crate::engine::kraft::records::PartitionRecord;
use crate::engine::log::meta_properties::civil_from_days;
use std::collections::BTreeMap;

/// The version `/local/version` shows (`AppInfoParser.getVersion`).
const KAFKA_VERSION: &str = "4.1.0";
/// `AppInfoParser.getCommitId`'s answer when the build's commit is not known.
const COMMIT_ID: &str = "unknown";
/// `DirectoryId.MIGRATING` (`Uuid(0, 1)`): the directory of each replica of a `PartitionRecord`
/// that names none, as `PartitionRegistration` fills it in.
const MIGRATING_DIRECTORY: &str = "AAAAAAAAAAAAAAAAAAAAAQ";

/// A node of the shell's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir(BTreeMap<String, Node>),
    Leaf(String),
}

impl Node {
    fn dir<const N: usize>(children: [(&str, Node); N]) -> Node {
        Node::Dir(
            children
                .into_iter()
                .map(|(name, node)| (name.to_string(), node))
                .collect(),
        )
    }

    fn empty() -> Node {
        Node::Dir(BTreeMap::new())
    }
}

/// Where the replayed log ended (`MetadataProvenance`): the last metadata batch's last offset,
/// its epoch and its max timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Provenance {
    pub offset: i64,
    pub epoch: i32,
    pub time_ms: i64,
}

/// The whole tree (`RootShellNode`).
pub fn root(image: &MetadataImage, provenance: Provenance, producer_ids_seen: bool) -> Node {
    let local = Node::dir([
        ("version", Node::Leaf(KAFKA_VERSION.into())),
        ("commitId", Node::Leaf(COMMIT_ID.into())),
    ]);
    Node::dir([
        ("local", local),
        ("image", image_node(image, provenance, producer_ids_seen)),
    ])
}

/// `MetadataImageNode`. `AclsImageNode.NAME` maps to `AclsImageByIdNode`, as in Kafka.
fn image_node(image: &MetadataImage, provenance: Provenance, producer_ids_seen: bool) -> Node {
    // `ProducerIdsImage.EMPTY` holds -1 until a `ProducerIdsRecord` is replayed.
    let next_producer_id = if producer_ids_seen {
        image.producer_ids_end
    } else {
        -1
    };
    let scram = Node::dir([
        ("SCRAM-SHA-256", Node::empty()),
        ("SCRAM-SHA-512", Node::empty()),
    ]);
    Node::dir([
        ("provenance", Node::Leaf(provenance_text(provenance))),
        ("features", features(image)),
        ("cluster", cluster(image)),
        ("topics", topics(image)),
        ("configs", configs(image)),
        ("clientQuotas", Node::empty()),
        (
            "producerIds",
            Node::dir([("nextProducerId", Node::Leaf(next_producer_id.to_string()))]),
        ),
        ("acls", Node::empty()),
        ("scram", scram),
        ("delegationToken", Node::empty()),
    ])
}

/// `ProvenanceNode.print`: `offset O, epoch E, time <ISO_ZONED_DATE_TIME in UTC>`.
fn provenance_text(p: Provenance) -> String {
    format!(
        "offset {}, epoch {}, time {}",
        p.offset,
        p.epoch,
        iso_zoned_utc(p.time_ms)
    )
}

/// `DateTimeFormatter.ISO_ZONED_DATE_TIME` of an instant in zone `UTC`: the fraction of a
/// second without trailing zeros (none when zero), then `Z[UTC]`.
fn iso_zoned_utc(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    let mut fraction = String::new();
    if milli != 0 {
        fraction = format!(".{milli:03}").trim_end_matches('0').to_string();
    }
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{fraction}Z[UTC]")
}

/// `FeaturesImageNode`: `metadataVersion` (`MetadataVersion.toString`) and one
/// `finalized_<feature>` per other finalized feature.
fn features(image: &MetadataImage) -> Node {
    let mut children = BTreeMap::new();
    let level = image
        .features
        .get("metadata.version")
        .copied()
        .unwrap_or(METADATA_VERSION_LEVEL);
    children.insert(
        "metadataVersion".to_string(),
        Node::Leaf(metadata_version_name(level)),
    );
    for (name, level) in image
        .features
        .iter()
        .filter(|(name, _)| *name != "metadata.version")
    {
        children.insert(format!("finalized_{name}"), Node::Leaf(level.to_string()));
    }
    Node::Dir(children)
}

/// `MetadataVersion.toString` (its `version` string) of the levels Kafka 4.x knows.
fn metadata_version_name(level: i16) -> String {
    let name = match level {
        21 => "3.9-IV0",
        22 => "4.0-IV0",
        23 => "4.0-IV1",
        24 => "4.0-IV2",
        25 => "4.0-IV3",
        26 => "4.1-IV0",
        27 => "4.1-IV1",
        _ => return format!("level {level}"),
    };
    name.to_string()
}

/// `ClusterImageNode`: `brokers/<id>` as `BrokerRegistration.toString`, `controllers`.
fn cluster(image: &MetadataImage) -> Node {
    let brokers = image
        .brokers
        .iter()
        .map(|(id, b)| (id.to_string(), Node::Leaf(broker_registration(*id, b))))
        .collect();
    Node::dir([
        ("brokers", Node::Dir(brokers)),
        ("controllers", Node::empty()),
    ])
}

/// `BrokerRegistration.toString`. The playground's `RegisterBrokerRecord` carries no
/// endpoints, features, rack or directories, so those print empty, as Kafka prints such a record.
fn broker_registration(id: i32, b: &BrokerRegistration) -> String {
    format!(
        "BrokerRegistration(id={id}, epoch={}, incarnationId={}, listeners=[], \
         supportedFeatures={{}}, rack=Optional.empty, fenced={}, inControlledShutdown=false, \
         isMigratingZkBroker=false, directories=[])",
        b.epoch, b.incarnation_id, b.fenced
    )
}

/// `TopicsImageNode`: `byName` and `byId`, each topic a `TopicImageNode`.
fn topics(image: &MetadataImage) -> Node {
    let mut by_name = BTreeMap::new();
    let mut by_id = BTreeMap::new();
    for (id, topic) in &image.topics {
        let mut children = BTreeMap::new();
        children.insert("name".to_string(), Node::Leaf(topic.name.clone()));
        children.insert("id".to_string(), Node::Leaf(id.to_string()));
        for (partition, record) in &topic.partitions {
            children.insert(
                partition.to_string(),
                Node::Leaf(partition_registration(record)),
            );
        }
        by_name.insert(topic.name.clone(), Node::Dir(children.clone()));
        by_id.insert(id.to_string(), Node::Dir(children));
    }
    Node::dir([("byName", Node::Dir(by_name)), ("byId", Node::Dir(by_id))])
}

/// `PartitionRegistration.toString` (`Arrays.toString` of each list).
pub fn partition_registration(p: &PartitionRecord) -> String {
    let list = |values: &[i32]| {
        let items: Vec<String> = values.iter().map(i32::to_string).collect();
        format!("[{}]", items.join(", "))
    };
    let directories = vec![MIGRATING_DIRECTORY; p.replicas.len()].join(", ");
    format!(
        "PartitionRegistration(replicas={}, directories=[{directories}], isr={}, \
         removingReplicas={}, addingReplicas={}, elr={}, lastKnownElr={}, leader={}, \
         leaderRecoveryState=RECOVERED, leaderEpoch={}, partitionEpoch={})",
        list(&p.replicas),
        list(&p.isr),
        list(&p.removing_replicas),
        list(&p.adding_replicas),
        list(&p.elr),
        list(&p.last_known_elr),
        p.leader,
        p.leader_epoch,
        p.partition_epoch
    )
}

/// `ConfigurationsImageNode`: `<TYPE>` for a default resource, `<TYPE>:<name>` otherwise.
fn configs(image: &MetadataImage) -> Node {
    let resources = image
        .configs
        .iter()
        .map(|((kind, name), values)| {
            let kind = resource_type_name(*kind);
            let label = if name.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}:{name}")
            };
            let values = values
                .iter()
                .map(|(k, v)| (k.clone(), Node::Leaf(v.clone())))
                .collect();
            (label, Node::Dir(values))
        })
        .collect();
    Node::Dir(resources)
}

/// `ConfigResource.Type.name()` of a wire id.
fn resource_type_name(id: i8) -> &'static str {
    match id {
        2 => "TOPIC",
        4 => "BROKER",
        8 => "BROKER_LOGGER",
        16 => "CLIENT_METRICS",
        32 => "GROUP",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_time_drops_trailing_zeros_of_the_fraction() {
        assert_eq!(iso_zoned_utc(0), "1970-01-01T00:00:00Z[UTC]");
        assert_eq!(iso_zoned_utc(1_500), "1970-01-01T00:00:01.5Z[UTC]");
        assert_eq!(iso_zoned_utc(86_400_123), "1970-01-02T00:00:00.123Z[UTC]");
    }
}
