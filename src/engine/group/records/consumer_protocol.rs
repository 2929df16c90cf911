//! The consumer's embedded protocol: what a classic-protocol consumer puts in JoinGroup's
//! metadata and SyncGroup's assignment, and so in `GroupMetadataValue`'s `subscription` and
//! `assignment` bytes. Kafka's `clients/src/main/resources/common/message/`
//! `ConsumerProtocolSubscription.json` and `ConsumerProtocolAssignment.json` (versions 0-3,
//! never flexible), framed by `ConsumerProtocol.serializeSubscription` /
//! `serializeAssignment`: an INT16 version, then the message.
//!
//! - Subscription: `Topics` (0+), `UserData` (nullable bytes, 0+), `OwnedPartitions`
//!   (`[Topic, Partitions]`, 1+), `GenerationId` (2+, default -1), `RackId` (3+, nullable,
//!   default null).
//! - Assignment: `AssignedPartitions` (`[Topic, Partitions]`), `UserData` (nullable bytes).
//!
//! Conversions to and from the assignors' [`Subscription`] keep the two in step.

use super::wire::{Reader, WireResult, Writer};
use crate::engine::group::assignor::{Subscription, TopicPartition};

/// Partitions of one topic (`TopicPartition` in both schemas).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicPartitionList {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerProtocolSubscription {
    pub topics: Vec<String>,
    pub user_data: Option<Vec<u8>>,
    pub owned_partitions: Vec<TopicPartitionList>,
    pub generation_id: i32,
    pub rack_id: Option<String>,
}

impl Default for ConsumerProtocolSubscription {
    fn default() -> Self {
        ConsumerProtocolSubscription {
            topics: Vec::new(),
            user_data: None,
            owned_partitions: Vec::new(),
            generation_id: -1,
            rack_id: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerProtocolAssignment {
    pub assigned_partitions: Vec<TopicPartitionList>,
    pub user_data: Option<Vec<u8>>,
}

fn read_partitions(r: &mut Reader<'_>, field: &str) -> WireResult<Vec<TopicPartitionList>> {
    r.struct_array(field, false, |r| {
        Ok(TopicPartitionList {
            topic: r.string("Topic", false)?,
            partitions: r.i32_array("Partitions", false)?,
        })
    })
}

fn write_partitions(w: &mut Writer, all: &[TopicPartitionList]) -> WireResult<()> {
    w.array_len(Some(all.len()), false)?;
    for tp in all {
        w.string("Topic", &tp.topic, false)?;
        w.i32_array(&tp.partitions, false)?;
    }
    Ok(())
}

impl ConsumerProtocolSubscription {
    pub const HIGHEST_SUPPORTED_VERSION: i16 = 3;

    /// The message at `version` (no version prefix).
    pub fn read(r: &mut Reader<'_>, version: i16) -> WireResult<Self> {
        let mut s = ConsumerProtocolSubscription {
            topics: r.string_array("Topics", false)?,
            user_data: r.nullable_bytes(false)?,
            ..ConsumerProtocolSubscription::default()
        };
        if version >= 1 {
            s.owned_partitions = read_partitions(r, "OwnedPartitions")?;
        }
        if version >= 2 {
            s.generation_id = r.i32()?;
        }
        if version >= 3 {
            s.rack_id = r.nullable_string("RackId", false)?;
        }
        Ok(s)
    }

    pub fn write(&self, w: &mut Writer, version: i16) -> WireResult<()> {
        w.string_array("Topics", &self.topics, false)?;
        w.nullable_bytes(self.user_data.as_deref(), false)?;
        if version >= 1 {
            write_partitions(w, &self.owned_partitions)?;
        }
        if version >= 2 {
            w.i32(self.generation_id);
        }
        if version >= 3 {
            w.nullable_string("RackId", self.rack_id.as_deref(), false)?;
        }
        Ok(())
    }

    /// `ConsumerProtocol.serializeSubscription(subscription, version)`.
    pub fn serialize(&self, version: i16) -> WireResult<Vec<u8>> {
        let mut w = Writer::default();
        w.i16(version);
        self.write(&mut w, version)?;
        Ok(w.out)
    }

    /// The version prefix and the message after it (trailing bytes are ignored, as Kafka does).
    pub fn deserialize(bytes: &[u8]) -> WireResult<(i16, Self)> {
        let mut r = Reader::new(bytes);
        let version = r.i16()?;
        Ok((version, Self::read(&mut r, version)?))
    }

    /// From the assignors' view of a member (owned partitions grouped by topic in order of
    /// first appearance, as `ConsumerProtocol.serializeSubscription` groups them).
    pub fn from_subscription(s: &Subscription, rack_id: Option<String>) -> Self {
        ConsumerProtocolSubscription {
            topics: s.topics.clone(),
            user_data: s.user_data.clone(),
            owned_partitions: group_by_topic(&s.owned_partitions),
            generation_id: s.generation_id.unwrap_or(-1),
            rack_id,
        }
    }

    /// The assignors' view (`group.instance.id` is not in the subscription: the caller adds it).
    pub fn to_subscription(&self) -> Subscription {
        Subscription {
            topics: self.topics.clone(),
            user_data: self.user_data.clone(),
            owned_partitions: flatten(&self.owned_partitions),
            generation_id: (self.generation_id >= 0).then_some(self.generation_id),
            group_instance_id: None,
        }
    }
}

impl ConsumerProtocolAssignment {
    pub const HIGHEST_SUPPORTED_VERSION: i16 = 3;

    pub fn read(r: &mut Reader<'_>, _version: i16) -> WireResult<Self> {
        Ok(ConsumerProtocolAssignment {
            assigned_partitions: read_partitions(r, "AssignedPartitions")?,
            user_data: r.nullable_bytes(false)?,
        })
    }

    pub fn write(&self, w: &mut Writer, _version: i16) -> WireResult<()> {
        write_partitions(w, &self.assigned_partitions)?;
        w.nullable_bytes(self.user_data.as_deref(), false)
    }

    /// `ConsumerProtocol.serializeAssignment(assignment, version)`.
    pub fn serialize(&self, version: i16) -> WireResult<Vec<u8>> {
        let mut w = Writer::default();
        w.i16(version);
        self.write(&mut w, version)?;
        Ok(w.out)
    }

    pub fn deserialize(bytes: &[u8]) -> WireResult<(i16, Self)> {
        let mut r = Reader::new(bytes);
        let version = r.i16()?;
        Ok((version, Self::read(&mut r, version)?))
    }

    pub fn from_partitions(partitions: &[TopicPartition], user_data: Option<Vec<u8>>) -> Self {
        ConsumerProtocolAssignment {
            assigned_partitions: group_by_topic(partitions),
            user_data,
        }
    }

    pub fn partitions(&self) -> Vec<TopicPartition> {
        flatten(&self.assigned_partitions)
    }
}

/// `ConsumerProtocol`'s `partitionsByTopic`: a `LinkedHashMap` by first appearance.
fn group_by_topic(partitions: &[TopicPartition]) -> Vec<TopicPartitionList> {
    let mut out: Vec<TopicPartitionList> = Vec::new();
    for tp in partitions {
        match out.iter_mut().find(|l| l.topic == tp.topic) {
            Some(list) => list.partitions.push(tp.partition),
            None => out.push(TopicPartitionList {
                topic: tp.topic.clone(),
                partitions: vec![tp.partition],
            }),
        }
    }
    out
}

fn flatten(lists: &[TopicPartitionList]) -> Vec<TopicPartition> {
    lists
        .iter()
        .flat_map(|l| {
            l.partitions
                .iter()
                .map(|&p| TopicPartition::new(&l.topic, p))
        })
        .collect()
}
