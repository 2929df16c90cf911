//! What a client's metadata request returns for a topic, including Kafka's auto-creation: with
//! `auto.create.topics.enable=true` (the default) a Metadata request for an unknown topic creates
//! it with the broker's defaults, and the first answer is `LEADER_NOT_AVAILABLE` while the
//! partitions get their leaders — the warning every Kafka user has seen once.

use crate::engine::cluster::{Cluster, NewTopic};
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::topic;

/// The answer to a Metadata request for one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMetadata {
    pub partition_count: i32,
    /// The error the first response carried, e.g. `LEADER_NOT_AVAILABLE` after an auto-create;
    /// clients log it as a warning and retry.
    pub first_error: Option<ErrorCode>,
}

/// Looks a topic up as a client's first Metadata request would, creating it when allowed.
pub fn fetch_topic_metadata(
    cluster: &mut Cluster,
    name: &str,
    allow_auto_create: bool,
) -> Result<TopicMetadata, ApiError> {
    if let Some(existing) = cluster.topic(name) {
        return Ok(TopicMetadata {
            partition_count: i32::try_from(existing.partitions.len()).unwrap_or(i32::MAX),
            first_error: None,
        });
    }
    if let Err(message) = topic::validate_name(name) {
        return Err(ApiError::new(ErrorCode::InvalidTopicException, message));
    }
    let auto_create = cluster
        .broker_configs()
        .resolve()
        .map(|c| c.auto_create_topics_enable)
        .unwrap_or(false);
    if !(allow_auto_create && auto_create) {
        return Err(ApiError::bare(ErrorCode::UnknownTopicOrPartition));
    }
    let created = cluster.create_topic_decided(NewTopic {
        name: name.to_string(),
        ..NewTopic::default()
    })?;
    Ok(TopicMetadata {
        partition_count: i32::try_from(created.topic.partitions.len()).unwrap_or(i32::MAX),
        first_error: Some(ErrorCode::LeaderNotAvailable),
    })
}
