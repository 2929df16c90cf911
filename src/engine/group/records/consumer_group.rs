//! The KIP-848 consumer group's records (record types 3-8), as Kafka 4.1 defines their values
//! in `group-coordinator/src/main/resources/common/message/ConsumerGroup*Value.json`. All are
//! version 0 and flexible from version 0 (compact strings and arrays, tagged fields):
//!
//! | type | value | fields |
//! |---|---|---|
//! | 3 | `ConsumerGroupMetadataValue` | `Epoch`; tagged 0 `MetadataHash` (KIP-1101, new in 4.1) |
//! | 4 | `ConsumerGroupPartitionMetadataValue` | `Topics[TopicId, TopicName, NumPartitions, PartitionMetadata[Partition, Racks]]` (deprecated by KIP-1101; 4.1 only deletes it) |
//! | 5 | `ConsumerGroupMemberMetadataValue` | `InstanceId`, `RackId`, `ClientId`, `ClientHost`, `SubscribedTopicNames`, `SubscribedTopicRegex`, `RebalanceTimeoutMs`, `ServerAssignor`; tagged 0 `ClassicMemberMetadata[SessionTimeoutMs, SupportedProtocols[Name, Metadata]]` |
//! | 6 | `ConsumerGroupTargetAssignmentMetadataValue` | `AssignmentEpoch` |
//! | 7 | `ConsumerGroupTargetAssignmentMemberValue` | `TopicPartitions[TopicId, Partitions]` |
//! | 8 | `ConsumerGroupCurrentMemberAssignmentValue` | `MemberEpoch`, `PreviousMemberEpoch`, `State`, `AssignedPartitions`, `PartitionsPendingRevocation` (`[TopicId, Partitions]`) |
//! | 16 | `ConsumerGroupRegularExpressionValue` | `Topics`, `Version`, `Timestamp` (a subscribed regex's resolution; its key adds `RegularExpression`) |
//!
//! Defaults follow the generated Java classes: a string without `"default": "null"` defaults
//! to `""` even where it may be null, so `Default` here gives `Some("")` for those.

use super::wire::{encoded, RawTaggedField, Reader, WireResult, Writer};
use crate::engine::ids::Uuid;

/// Every value here is flexible from version 0.
const FLEX: bool = true;

fn no_tags(r: &mut Reader<'_>) -> WireResult<Vec<RawTaggedField>> {
    r.tagged_fields(|_, _| Ok(false))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupMetadataValue {
    pub epoch: i32,
    /// Tagged field 0 (default 0): the hash of the subscribed topics' metadata.
    pub metadata_hash: i64,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupMetadataValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        let epoch = r.i32()?;
        let mut metadata_hash = 0;
        let unknown_tagged_fields = r.tagged_fields(|tag, r| match tag {
            0 => {
                metadata_hash = r.i64()?;
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok(ConsumerGroupMetadataValue {
            epoch,
            metadata_hash,
            unknown_tagged_fields,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.i32(self.epoch);
        let mut known = Vec::new();
        if self.metadata_hash != 0 {
            known.push((0, self.metadata_hash.to_be_bytes().to_vec()));
        }
        w.tagged_fields(known, &self.unknown_tagged_fields);
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupPartitionMetadataValue {
    pub topics: Vec<TopicMetadata>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicMetadata {
    pub topic_id: Uuid,
    pub topic_name: String,
    pub num_partitions: i32,
    pub partition_metadata: Vec<PartitionMetadata>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionMetadata {
    pub partition: i32,
    pub racks: Vec<String>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupPartitionMetadataValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        let topics = r.struct_array("Topics", FLEX, |r| {
            Ok(TopicMetadata {
                topic_id: r.uuid()?,
                topic_name: r.string("TopicName", FLEX)?,
                num_partitions: r.i32()?,
                partition_metadata: r.struct_array("PartitionMetadata", FLEX, |r| {
                    Ok(PartitionMetadata {
                        partition: r.i32()?,
                        racks: r.string_array("Racks", FLEX)?,
                        unknown_tagged_fields: no_tags(r)?,
                    })
                })?,
                unknown_tagged_fields: no_tags(r)?,
            })
        })?;
        Ok(ConsumerGroupPartitionMetadataValue {
            topics,
            unknown_tagged_fields: no_tags(r)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.array_len(Some(self.topics.len()), FLEX)?;
        for topic in &self.topics {
            w.uuid(topic.topic_id);
            w.string("TopicName", &topic.topic_name, FLEX)?;
            w.i32(topic.num_partitions);
            w.array_len(Some(topic.partition_metadata.len()), FLEX)?;
            for partition in &topic.partition_metadata {
                w.i32(partition.partition);
                w.string_array("Racks", &partition.racks, FLEX)?;
                w.tagged_fields(Vec::new(), &partition.unknown_tagged_fields);
            }
            w.tagged_fields(Vec::new(), &topic.unknown_tagged_fields);
        }
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupMemberMetadataValue {
    pub instance_id: Option<String>,
    pub rack_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub subscribed_topic_names: Vec<String>,
    pub subscribed_topic_regex: Option<String>,
    /// Default -1.
    pub rebalance_timeout_ms: i32,
    pub server_assignor: Option<String>,
    /// Tagged field 0: set while the member still speaks the classic protocol.
    pub classic_member_metadata: Option<ClassicMemberMetadata>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl Default for ConsumerGroupMemberMetadataValue {
    /// `new ConsumerGroupMemberMetadataValue()`.
    fn default() -> Self {
        ConsumerGroupMemberMetadataValue {
            instance_id: Some(String::new()),
            rack_id: Some(String::new()),
            client_id: String::new(),
            client_host: String::new(),
            subscribed_topic_names: Vec::new(),
            subscribed_topic_regex: Some(String::new()),
            rebalance_timeout_ms: -1,
            server_assignor: Some(String::new()),
            classic_member_metadata: None,
            unknown_tagged_fields: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassicMemberMetadata {
    pub session_timeout_ms: i32,
    pub supported_protocols: Vec<ClassicProtocol>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassicProtocol {
    pub name: String,
    pub metadata: Vec<u8>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ClassicMemberMetadata {
    /// A nullable struct (KIP-893): an INT8 marker, -1 null or 1 present, then the struct.
    fn read_nullable(r: &mut Reader<'_>) -> WireResult<Option<Self>> {
        if r.i8()? < 0 {
            return Ok(None);
        }
        Ok(Some(ClassicMemberMetadata {
            session_timeout_ms: r.i32()?,
            supported_protocols: r.struct_array("SupportedProtocols", FLEX, |r| {
                Ok(ClassicProtocol {
                    name: r.string("Name", FLEX)?,
                    metadata: r.bytes("Metadata", FLEX)?,
                    unknown_tagged_fields: no_tags(r)?,
                })
            })?,
            unknown_tagged_fields: no_tags(r)?,
        }))
    }

    fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.i8(1);
        w.i32(self.session_timeout_ms);
        w.array_len(Some(self.supported_protocols.len()), FLEX)?;
        for protocol in &self.supported_protocols {
            w.string("Name", &protocol.name, FLEX)?;
            w.nullable_bytes(Some(&protocol.metadata), FLEX)?;
            w.tagged_fields(Vec::new(), &protocol.unknown_tagged_fields);
        }
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}

impl ConsumerGroupMemberMetadataValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        let mut value = ConsumerGroupMemberMetadataValue {
            instance_id: r.nullable_string("InstanceId", FLEX)?,
            rack_id: r.nullable_string("RackId", FLEX)?,
            client_id: r.string("ClientId", FLEX)?,
            client_host: r.string("ClientHost", FLEX)?,
            subscribed_topic_names: r.string_array("SubscribedTopicNames", FLEX)?,
            subscribed_topic_regex: r.nullable_string("SubscribedTopicRegex", FLEX)?,
            rebalance_timeout_ms: r.i32()?,
            server_assignor: r.nullable_string("ServerAssignor", FLEX)?,
            classic_member_metadata: None,
            unknown_tagged_fields: Vec::new(),
        };
        let mut classic = None;
        value.unknown_tagged_fields = r.tagged_fields(|tag, r| match tag {
            0 => {
                classic = ClassicMemberMetadata::read_nullable(r)?;
                Ok(true)
            }
            _ => Ok(false),
        })?;
        value.classic_member_metadata = classic;
        Ok(value)
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.nullable_string("InstanceId", self.instance_id.as_deref(), FLEX)?;
        w.nullable_string("RackId", self.rack_id.as_deref(), FLEX)?;
        w.string("ClientId", &self.client_id, FLEX)?;
        w.string("ClientHost", &self.client_host, FLEX)?;
        w.string_array("SubscribedTopicNames", &self.subscribed_topic_names, FLEX)?;
        let regex = self.subscribed_topic_regex.as_deref();
        w.nullable_string("SubscribedTopicRegex", regex, FLEX)?;
        w.i32(self.rebalance_timeout_ms);
        let assignor = self.server_assignor.as_deref();
        w.nullable_string("ServerAssignor", assignor, FLEX)?;
        let mut known = Vec::new();
        if let Some(classic) = &self.classic_member_metadata {
            known.push((0, encoded(|w| classic.write(w))?));
        }
        w.tagged_fields(known, &self.unknown_tagged_fields);
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupTargetAssignmentMetadataValue {
    pub assignment_epoch: i32,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupTargetAssignmentMetadataValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(ConsumerGroupTargetAssignmentMetadataValue {
            assignment_epoch: r.i32()?,
            unknown_tagged_fields: no_tags(r)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.i32(self.assignment_epoch);
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}

/// `TopicPartition` / `TopicPartitions`: a topic id and partition indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicPartitions {
    pub topic_id: Uuid,
    pub partitions: Vec<i32>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl TopicPartitions {
    fn read_array(r: &mut Reader<'_>, field: &str) -> WireResult<Vec<Self>> {
        r.struct_array(field, FLEX, |r| {
            Ok(TopicPartitions {
                topic_id: r.uuid()?,
                partitions: r.i32_array("Partitions", FLEX)?,
                unknown_tagged_fields: no_tags(r)?,
            })
        })
    }

    fn write_array(w: &mut Writer, all: &[Self]) -> WireResult<()> {
        w.array_len(Some(all.len()), FLEX)?;
        for tp in all {
            w.uuid(tp.topic_id);
            w.i32_array(&tp.partitions, FLEX)?;
            w.tagged_fields(Vec::new(), &tp.unknown_tagged_fields);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupTargetAssignmentMemberValue {
    pub topic_partitions: Vec<TopicPartitions>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupTargetAssignmentMemberValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(ConsumerGroupTargetAssignmentMemberValue {
            topic_partitions: TopicPartitions::read_array(r, "TopicPartitions")?,
            unknown_tagged_fields: no_tags(r)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        TopicPartitions::write_array(w, &self.topic_partitions)?;
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupCurrentMemberAssignmentValue {
    pub member_epoch: i32,
    pub previous_member_epoch: i32,
    /// `MemberState`: 0 STABLE, 1 UNREVOKED_PARTITIONS, 2 UNRELEASED_PARTITIONS, 3 UNKNOWN.
    pub state: i8,
    pub assigned_partitions: Vec<TopicPartitions>,
    pub partitions_pending_revocation: Vec<TopicPartitions>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupCurrentMemberAssignmentValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(ConsumerGroupCurrentMemberAssignmentValue {
            member_epoch: r.i32()?,
            previous_member_epoch: r.i32()?,
            state: r.i8()?,
            assigned_partitions: TopicPartitions::read_array(r, "AssignedPartitions")?,
            partitions_pending_revocation: TopicPartitions::read_array(
                r,
                "PartitionsPendingRevocation",
            )?,
            unknown_tagged_fields: no_tags(r)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.i32(self.member_epoch);
        w.i32(self.previous_member_epoch);
        w.i8(self.state);
        TopicPartitions::write_array(w, &self.assigned_partitions)?;
        TopicPartitions::write_array(w, &self.partitions_pending_revocation)?;
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroupRegularExpressionValue {
    /// The topics the expression matched.
    pub topics: Vec<String>,
    /// The metadata image version the expression was resolved against.
    pub version: i64,
    pub timestamp: i64,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ConsumerGroupRegularExpressionValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(ConsumerGroupRegularExpressionValue {
            topics: r.string_array("Topics", FLEX)?,
            version: r.i64()?,
            timestamp: r.i64()?,
            unknown_tagged_fields: no_tags(r)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.string_array("Topics", &self.topics, FLEX)?;
        w.i64(self.version);
        w.i64(self.timestamp);
        w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        Ok(())
    }
}
