//! A log dir's own files checked as a broker starts: `meta.properties` (this node of this
//! cluster), each partition's `partition.metadata` (this topic's id), the offset checkpoints at
//! the top, and the name a stray partition directory is moved aside to.

use super::PersistError;
use crate::engine::cluster::TopicInfo;
use crate::engine::ids::Uuid;
use crate::engine::log::checkpoint::{self, OffsetCheckpoint};
use crate::engine::log::meta_properties::{MetaProperties, META_PROPERTIES};
use crate::engine::log::partition_dir;
use crate::engine::rng::Rng;
use crate::storage::FileStore;

/// `UnifiedLog.logStrayDirName`: `<topic>-<partition>.<uniqueId>-stray`, for a directory named
/// like a partition's log (`None` otherwise). Kafka's `uniqueId` is a random UUID's 32 hex
/// digits; here it is drawn from a generator seeded by the directory's name, so loading never
/// shifts the cluster's own generator and the same dir always gets the same name.
pub(super) fn stray_dir_name(dir: &str) -> Option<String> {
    let (topic, partition) = dir.rsplit_once('-')?;
    if topic.is_empty() || partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // FNV-1a of the name: a fixed seed per directory.
    let seed = dir.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let id = Uuid::random(&mut Rng::from_seed(seed)).to_bytes();
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("{dir}.{hex}-stray"))
}

/// `MetaPropertiesEnsemble.verify`: the log dir belongs to this node of this cluster.
pub(super) fn check_meta_properties(
    store: &FileStore,
    node_id: i32,
    log_dir: &str,
    cluster_id: Uuid,
    warnings: &mut Vec<String>,
) -> Result<(), PersistError> {
    let path = format!("{log_dir}/{META_PROPERTIES}");
    let fail = |message: String| PersistError::LogDir {
        path: path.clone(),
        message,
    };
    let Some(bytes) = store.contents(META_PROPERTIES) else {
        warnings.push(format!(
            "WARNING: {path} is missing; the log dir is formatted again when the cluster is saved."
        ));
        return Ok(());
    };
    let meta = MetaProperties::parse(bytes).map_err(|e| fail(e.to_string()))?;
    let cluster_id = cluster_id.to_string();
    if meta.cluster_id != cluster_id {
        return Err(fail(format!(
            "Invalid cluster.id in: {log_dir}. Expected {cluster_id}, but read {}",
            meta.cluster_id
        )));
    }
    if meta.node_id != node_id {
        return Err(fail(format!(
            "Stored node id {} doesn't match the node id {node_id} of this log dir",
            meta.node_id
        )));
    }
    Ok(())
}

/// An offset checkpoint at the top of a log dir; a missing one is empty.
pub(super) fn read_offsets(
    store: &FileStore,
    log_dir: &str,
    name: &str,
) -> Result<OffsetCheckpoint, PersistError> {
    let path = format!("{log_dir}/{name}");
    match store.contents(name) {
        None => Ok(OffsetCheckpoint::new()),
        Some(bytes) => checkpoint::parse_offsets(&path, bytes).map_err(|e| PersistError::LogDir {
            path,
            message: e.to_string(),
        }),
    }
}

/// `PartitionMetadataFile`: `version: 0` and `topic_id: <id>`. A log of another topic with the
/// same name is refused (`InconsistentTopicIdException`); a missing file is written.
pub(super) fn check_partition_metadata(
    store: &mut FileStore,
    log_dir: &str,
    topic: &TopicInfo,
    partition: i32,
) -> Result<(), PersistError> {
    let relative = format!(
        "{}/partition.metadata",
        partition_dir(&topic.name, partition)
    );
    let expected = format!("version: 0\ntopic_id: {}\n", topic.id);
    let Some(bytes) = store.contents(&relative) else {
        store.replace(&relative, expected.as_bytes());
        return Ok(());
    };
    let path = format!("{log_dir}/{relative}");
    let text = String::from_utf8_lossy(bytes);
    let mut lines = checkpoint::java_lines(&text).into_iter();
    let version = lines.next().and_then(|l| l.strip_prefix("version: "));
    let found = lines
        .next()
        .and_then(|l| l.strip_prefix("topic_id: "))
        .and_then(|id| Uuid::parse(id.trim()));
    let message = match (version.map(str::trim), found) {
        (Some("0"), Some(found)) if found == topic.id => return Ok(()),
        (Some("0"), Some(found)) => format!(
            "Tried to assign topic ID {} to log for topic partition {}-{partition}, but log already contained topic ID {found}",
            topic.id, topic.name
        ),
        _ => format!("Malformed partition metadata file: {}", text.trim_end()),
    };
    Err(PersistError::LogDir { path, message })
}
