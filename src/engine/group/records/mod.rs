//! The records of the internal topic `__consumer_offsets`: a pure codec the group coordinator
//! writes and reads, byte for byte as Kafka 4.1's.
//!
//! Framing (`CoordinatorRecordSerde`, coordinator-common, which `GroupCoordinatorRecordSerde`
//! extends): the record key is an INT16 record type followed by the key message; the value is
//! an INT16 version followed by the value message; a tombstone (the record is deleted by
//! compaction) has a null value. The record type picks both messages
//! (`CoordinatorRecordType`, generated from the `apiKey` of each
//! `group-coordinator/src/main/resources/common/message/*.json`).
//!
//! | type | key | value | module |
//! |---|---|---|---|
//! | 0 | `LegacyOffsetCommitKey` | `LegacyOffsetCommitValue` | [`offsets`] |
//! | 1 | `OffsetCommitKey` | `OffsetCommitValue` v0-4 | [`offsets`] |
//! | 2 | `GroupMetadataKey` | `GroupMetadataValue` v0-4 | [`group_metadata`] |
//! | 3-8, 16 | `ConsumerGroup*Key` (`GroupId`; `MemberId` for 5, 7, 8; `RegularExpression` for 16) | KIP-848 values | [`consumer_group`] |
//!
//! The share-group and streams-group records of 4.1 (types 9-15 and 17-24) are not modelled:
//! the playground has neither, so it never writes them and [`deserialize`] reports their type
//! as unknown. [`consumer_protocol`] holds the payloads inside `GroupMetadataValue`'s members.
//!
//! [`helpers`] builds the records the coordinator writes, with Kafka's versions.
//! [`partition_for`] says which `__consumer_offsets` partition (and so which coordinator) owns
//! a group.

pub mod consumer_group;
pub mod consumer_protocol;
pub mod group_metadata;
pub mod helpers;
pub mod offsets;
pub mod wire;

pub use consumer_group::*;
pub use consumer_protocol::{
    ConsumerProtocolAssignment, ConsumerProtocolSubscription, TopicPartitionList,
};
pub use group_metadata::{GroupMetadataKey, GroupMetadataValue, MemberMetadata};
pub use offsets::{LegacyOffsetCommitValue, OffsetCommitKey, OffsetCommitValue};
pub use wire::{RawTaggedField, WireError};

use super::assignor::java_string_hash;
use std::fmt;
use wire::{Reader, WireResult, Writer};

/// The key of a group-coordinator record; its variant is the record type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordKey {
    /// Type 0: `LegacyOffsetCommitKey` (offset commits of Kafka before 0.10.1).
    LegacyOffsetCommit(OffsetCommitKey),
    /// Type 1: `OffsetCommitKey`.
    OffsetCommit(OffsetCommitKey),
    /// Type 2: `GroupMetadataKey`.
    GroupMetadata(GroupMetadataKey),
    /// Type 3: `ConsumerGroupMetadataKey`.
    ConsumerGroupMetadata { group_id: String },
    /// Type 4: `ConsumerGroupPartitionMetadataKey`.
    ConsumerGroupPartitionMetadata { group_id: String },
    /// Type 5: `ConsumerGroupMemberMetadataKey`.
    ConsumerGroupMemberMetadata { group_id: String, member_id: String },
    /// Type 6: `ConsumerGroupTargetAssignmentMetadataKey`.
    ConsumerGroupTargetAssignmentMetadata { group_id: String },
    /// Type 7: `ConsumerGroupTargetAssignmentMemberKey`.
    ConsumerGroupTargetAssignmentMember { group_id: String, member_id: String },
    /// Type 8: `ConsumerGroupCurrentMemberAssignmentKey`.
    ConsumerGroupCurrentMemberAssignment { group_id: String, member_id: String },
    /// Type 16: `ConsumerGroupRegularExpressionKey`.
    ConsumerGroupRegularExpression {
        group_id: String,
        regular_expression: String,
    },
}

/// A value message; which one a record holds is decided by its key's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordValue {
    LegacyOffsetCommit(LegacyOffsetCommitValue),
    OffsetCommit(OffsetCommitValue),
    GroupMetadata(GroupMetadataValue),
    ConsumerGroupMetadata(ConsumerGroupMetadataValue),
    ConsumerGroupPartitionMetadata(ConsumerGroupPartitionMetadataValue),
    ConsumerGroupMemberMetadata(ConsumerGroupMemberMetadataValue),
    ConsumerGroupTargetAssignmentMetadata(ConsumerGroupTargetAssignmentMetadataValue),
    ConsumerGroupTargetAssignmentMember(ConsumerGroupTargetAssignmentMemberValue),
    ConsumerGroupCurrentMemberAssignment(ConsumerGroupCurrentMemberAssignmentValue),
    ConsumerGroupRegularExpression(ConsumerGroupRegularExpressionValue),
}

/// A value with the version it is (or was) written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedValue {
    pub version: i16,
    pub value: RecordValue,
}

/// `CoordinatorRecord`: a key and a value, or a tombstone (`value: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoordinatorRecord {
    pub key: RecordKey,
    pub value: Option<VersionedValue>,
}

/// Why a record could not be read or written. `Display` is Kafka's message (what
/// `kafka-dump-log.sh --offsets-decoder` prints after `Error at offset N, skipping.`), except
/// that a buffer underflow, which Kafka reports as `null`, is said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// `Deserializer.UnknownRecordTypeException`: a record type 4.1's group coordinator does
    /// not have, or (types 9-24) one the playground does not model.
    UnknownRecordType(i16),
    /// `Could not read version from key's buffer.` (fewer than two bytes).
    MissingVersion { part: &'static str },
    /// The key or value message could not be read at `version`.
    Read {
        version: i16,
        part: &'static str,
        cause: WireError,
    },
    /// The message could not be written (a string longer than Kafka allows).
    Write(WireError),
}

impl RecordError {
    /// The message of the exception Kafka throws here (`null` for an underflow, as Kafka).
    pub fn kafka_message(&self) -> String {
        match self {
            RecordError::Read {
                version,
                part,
                cause,
            } => format!(
                "Could not read record with version {version} from {part}'s buffer due to: {}.",
                cause.kafka_message()
            ),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::UnknownRecordType(t) => write!(f, "Unknown record type {t}"),
            RecordError::MissingVersion { part } => {
                write!(f, "Could not read version from {part}'s buffer.")
            }
            RecordError::Read {
                version,
                part,
                cause,
            } => write!(
                f,
                "Could not read record with version {version} from {part}'s buffer due to: {cause}."
            ),
            RecordError::Write(cause) => write!(f, "Could not write record: {cause}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl RecordKey {
    /// The record type (`CoordinatorRecordType` id), written as the key's INT16 prefix.
    pub fn record_type(&self) -> i16 {
        match self {
            RecordKey::LegacyOffsetCommit(_) => 0,
            RecordKey::OffsetCommit(_) => 1,
            RecordKey::GroupMetadata(_) => 2,
            RecordKey::ConsumerGroupMetadata { .. } => 3,
            RecordKey::ConsumerGroupPartitionMetadata { .. } => 4,
            RecordKey::ConsumerGroupMemberMetadata { .. } => 5,
            RecordKey::ConsumerGroupTargetAssignmentMetadata { .. } => 6,
            RecordKey::ConsumerGroupTargetAssignmentMember { .. } => 7,
            RecordKey::ConsumerGroupCurrentMemberAssignment { .. } => 8,
            RecordKey::ConsumerGroupRegularExpression { .. } => 16,
        }
    }

    /// The group the record belongs to.
    pub fn group_id(&self) -> &str {
        match self {
            RecordKey::LegacyOffsetCommit(k) | RecordKey::OffsetCommit(k) => &k.group,
            RecordKey::GroupMetadata(k) => &k.group,
            RecordKey::ConsumerGroupMetadata { group_id }
            | RecordKey::ConsumerGroupPartitionMetadata { group_id }
            | RecordKey::ConsumerGroupMemberMetadata { group_id, .. }
            | RecordKey::ConsumerGroupTargetAssignmentMetadata { group_id }
            | RecordKey::ConsumerGroupTargetAssignmentMember { group_id, .. }
            | RecordKey::ConsumerGroupCurrentMemberAssignment { group_id, .. }
            | RecordKey::ConsumerGroupRegularExpression { group_id, .. } => group_id,
        }
    }

    fn read(record_type: i16, r: &mut Reader<'_>) -> Result<WireResult<Self>, RecordError> {
        // Keys are never flexible; the KIP-848 ones name their fields `GroupId`, `MemberId`.
        let group = |r: &mut Reader<'_>| r.string("GroupId", false);
        let member = |r: &mut Reader<'_>| -> WireResult<(String, String)> {
            Ok((r.string("GroupId", false)?, r.string("MemberId", false)?))
        };
        let regex = |r: &mut Reader<'_>| -> WireResult<Self> {
            Ok(RecordKey::ConsumerGroupRegularExpression {
                group_id: r.string("GroupId", false)?,
                regular_expression: r.string("RegularExpression", false)?,
            })
        };
        Ok(match record_type {
            0 => OffsetCommitKey::read(r).map(RecordKey::LegacyOffsetCommit),
            1 => OffsetCommitKey::read(r).map(RecordKey::OffsetCommit),
            2 => GroupMetadataKey::read(r).map(RecordKey::GroupMetadata),
            3 => group(r).map(|group_id| RecordKey::ConsumerGroupMetadata { group_id }),
            4 => group(r).map(|group_id| RecordKey::ConsumerGroupPartitionMetadata { group_id }),
            5 => member(r).map(
                |(group_id, member_id)| RecordKey::ConsumerGroupMemberMetadata {
                    group_id,
                    member_id,
                },
            ),
            6 => group(r)
                .map(|group_id| RecordKey::ConsumerGroupTargetAssignmentMetadata { group_id }),
            7 => member(r).map(|(group_id, member_id)| {
                RecordKey::ConsumerGroupTargetAssignmentMember {
                    group_id,
                    member_id,
                }
            }),
            8 => member(r).map(|(group_id, member_id)| {
                RecordKey::ConsumerGroupCurrentMemberAssignment {
                    group_id,
                    member_id,
                }
            }),
            16 => regex(r),
            other => return Err(RecordError::UnknownRecordType(other)),
        })
    }

    fn write(&self, w: &mut Writer) -> WireResult<()> {
        match self {
            RecordKey::LegacyOffsetCommit(k) | RecordKey::OffsetCommit(k) => k.write(w),
            RecordKey::GroupMetadata(k) => k.write(w),
            RecordKey::ConsumerGroupMetadata { group_id }
            | RecordKey::ConsumerGroupPartitionMetadata { group_id }
            | RecordKey::ConsumerGroupTargetAssignmentMetadata { group_id } => {
                w.string("GroupId", group_id, false)
            }
            RecordKey::ConsumerGroupMemberMetadata {
                group_id,
                member_id,
            }
            | RecordKey::ConsumerGroupTargetAssignmentMember {
                group_id,
                member_id,
            }
            | RecordKey::ConsumerGroupCurrentMemberAssignment {
                group_id,
                member_id,
            } => {
                w.string("GroupId", group_id, false)?;
                w.string("MemberId", member_id, false)
            }
            RecordKey::ConsumerGroupRegularExpression {
                group_id,
                regular_expression,
            } => {
                w.string("GroupId", group_id, false)?;
                w.string("RegularExpression", regular_expression, false)
            }
        }
    }
}

impl RecordValue {
    /// The value message of record type `record_type`, read at `version`. As the generated
    /// classes, a version above the highest known one is read as the highest.
    fn read(record_type: i16, r: &mut Reader<'_>, version: i16) -> WireResult<Self> {
        Ok(match record_type {
            0 => RecordValue::LegacyOffsetCommit(LegacyOffsetCommitValue::read(r)?),
            1 => RecordValue::OffsetCommit(OffsetCommitValue::read(r, version)?),
            2 => RecordValue::GroupMetadata(GroupMetadataValue::read(r, version)?),
            3 => RecordValue::ConsumerGroupMetadata(ConsumerGroupMetadataValue::read(r)?),
            4 => RecordValue::ConsumerGroupPartitionMetadata(
                ConsumerGroupPartitionMetadataValue::read(r)?,
            ),
            5 => {
                RecordValue::ConsumerGroupMemberMetadata(ConsumerGroupMemberMetadataValue::read(r)?)
            }
            6 => RecordValue::ConsumerGroupTargetAssignmentMetadata(
                ConsumerGroupTargetAssignmentMetadataValue::read(r)?,
            ),
            7 => RecordValue::ConsumerGroupTargetAssignmentMember(
                ConsumerGroupTargetAssignmentMemberValue::read(r)?,
            ),
            16 => RecordValue::ConsumerGroupRegularExpression(
                ConsumerGroupRegularExpressionValue::read(r)?,
            ),
            // `RecordKey::read` has refused every other type before a value is read.
            _ => RecordValue::ConsumerGroupCurrentMemberAssignment(
                ConsumerGroupCurrentMemberAssignmentValue::read(r)?,
            ),
        })
    }

    fn write(&self, w: &mut Writer, version: i16) -> WireResult<()> {
        match self {
            RecordValue::LegacyOffsetCommit(v) => v.write(w),
            RecordValue::OffsetCommit(v) => v.write(w, version),
            RecordValue::GroupMetadata(v) => v.write(w, version),
            RecordValue::ConsumerGroupMetadata(v) => v.write(w),
            RecordValue::ConsumerGroupPartitionMetadata(v) => v.write(w),
            RecordValue::ConsumerGroupMemberMetadata(v) => v.write(w),
            RecordValue::ConsumerGroupTargetAssignmentMetadata(v) => v.write(w),
            RecordValue::ConsumerGroupTargetAssignmentMember(v) => v.write(w),
            RecordValue::ConsumerGroupCurrentMemberAssignment(v) => v.write(w),
            RecordValue::ConsumerGroupRegularExpression(v) => v.write(w),
        }
    }
}

impl CoordinatorRecord {
    /// `serializeKey`: the record type, then the key message.
    pub fn serialize_key(&self) -> Result<Vec<u8>, RecordError> {
        let mut w = Writer::default();
        w.i16(self.key.record_type());
        self.key.write(&mut w).map_err(RecordError::Write)?;
        Ok(w.out)
    }

    /// `serializeValue`: the version, then the value message; `None` for a tombstone.
    pub fn serialize_value(&self) -> Result<Option<Vec<u8>>, RecordError> {
        let Some(v) = &self.value else {
            return Ok(None);
        };
        let mut w = Writer::default();
        w.i16(v.version);
        v.value
            .write(&mut w, v.version)
            .map_err(RecordError::Write)?;
        Ok(Some(w.out))
    }
}

/// `CoordinatorRecordSerde.deserialize`: the key's type picks the messages; a `None` value is a
/// tombstone. Bytes after a message are ignored, as Kafka ignores them.
pub fn deserialize(key: &[u8], value: Option<&[u8]>) -> Result<CoordinatorRecord, RecordError> {
    let mut r = Reader::new(key);
    let record_type = r
        .i16()
        .map_err(|_| RecordError::MissingVersion { part: "key" })?;
    let key = RecordKey::read(record_type, &mut r)?.map_err(|cause| RecordError::Read {
        version: record_type,
        part: "key",
        cause,
    })?;
    let Some(value) = value else {
        return Ok(CoordinatorRecord { key, value: None });
    };
    let mut r = Reader::new(value);
    let version = r
        .i16()
        .map_err(|_| RecordError::MissingVersion { part: "value" })?;
    let value =
        RecordValue::read(record_type, &mut r, version).map_err(|cause| RecordError::Read {
            version,
            part: "value",
            cause,
        })?;
    Ok(CoordinatorRecord {
        key,
        value: Some(VersionedValue { version, value }),
    })
}

/// The `__consumer_offsets` partition of a group (`GroupCoordinatorService.partitionFor`):
/// `Utils.abs(groupId.hashCode()) % partitions`, with Java's `String.hashCode` over UTF-16 code
/// units (not murmur2) and `Utils.abs`, which maps `Integer.MIN_VALUE` to 0. `partitions`
/// below 1 gives partition 0 rather than Java's `ArithmeticException`.
pub fn partition_for(group_id: &str, partitions: i32) -> i32 {
    if partitions < 1 {
        return 0;
    }
    let hash = java_string_hash(group_id);
    let abs = if hash == i32::MIN { 0 } else { hash.abs() };
    abs % partitions
}
