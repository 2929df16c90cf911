//! Committed offsets: `OffsetCommitKey` / `OffsetCommitValue` (record type 1) and the legacy
//! pair of record type 0, as Kafka 4.1's group coordinator defines them in
//! `group-coordinator/src/main/resources/common/message/`:
//!
//! - `LegacyOffsetCommitKey.json` (apiKey 0) and `OffsetCommitKey.json` (apiKey 1): `group`,
//!   `topic`, `partition`; never flexible.
//! - `LegacyOffsetCommitValue.json` (apiKey 0): `offset`, `metadata`, `commitTimestamp`.
//! - `OffsetCommitValue.json` (apiKey 1), versions 0-4, flexible from 4: `offset` (0+),
//!   `leaderEpoch` (3+, default -1), `metadata` (0+), `commitTimestamp` (0+),
//!   `expireTimestamp` (only 1, default -1), and in 4.1 `topicId` (tagged, tag 0, from 4;
//!   KAFKA-19141, apache/kafka#19683), which made 4.1 write version 4.

use super::wire::{encoded, RawTaggedField, Reader, WireResult, Writer};
use crate::engine::ids::Uuid;

/// `OffsetCommitKey` (and `LegacyOffsetCommitKey`, whose fields are the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitKey {
    pub group: String,
    pub topic: String,
    pub partition: i32,
}

impl OffsetCommitKey {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(OffsetCommitKey {
            group: r.string("group", false)?,
            topic: r.string("topic", false)?,
            partition: r.i32()?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.string("group", &self.group, false)?;
        w.string("topic", &self.topic, false)?;
        w.i32(self.partition);
        Ok(())
    }
}

/// `OffsetCommitValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitValue {
    pub offset: i64,
    /// -1 (`RecordBatch.NO_PARTITION_LEADER_EPOCH`) when the commit gave none; not in v0-v2.
    pub leader_epoch: i32,
    pub metadata: String,
    pub commit_timestamp: i64,
    /// Only in version 1 (`OffsetCommitRequest` v1's per-partition retention); -1 otherwise.
    pub expire_timestamp: i64,
    /// Tagged field 0 from version 4 (Kafka 4.1); `Uuid::ZERO` when unknown.
    pub topic_id: Uuid,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl Default for OffsetCommitValue {
    fn default() -> Self {
        OffsetCommitValue {
            offset: 0,
            leader_epoch: -1,
            metadata: String::new(),
            commit_timestamp: 0,
            expire_timestamp: -1,
            topic_id: Uuid::ZERO,
            unknown_tagged_fields: Vec::new(),
        }
    }
}

impl OffsetCommitValue {
    pub const HIGHEST_SUPPORTED_VERSION: i16 = 4;

    /// The version Kafka 4.1's `GroupCoordinatorRecordHelpers.offsetCommitValueVersion` picks:
    /// 1 when the commit carries an expire timestamp, else 4 (the first version with the
    /// tagged `topicId`).
    pub fn version_for(expire_timestamp: Option<i64>) -> i16 {
        if expire_timestamp.is_some() {
            1
        } else {
            4
        }
    }

    pub(super) fn read(r: &mut Reader<'_>, version: i16) -> WireResult<Self> {
        let flexible = version >= 4;
        let mut value = OffsetCommitValue {
            offset: r.i64()?,
            ..OffsetCommitValue::default()
        };
        if version >= 3 {
            value.leader_epoch = r.i32()?;
        }
        value.metadata = r.string("metadata", flexible)?;
        value.commit_timestamp = r.i64()?;
        if version == 1 {
            value.expire_timestamp = r.i64()?;
        }
        if flexible {
            let mut topic_id = Uuid::ZERO;
            value.unknown_tagged_fields = r.tagged_fields(|tag, r| match tag {
                0 => {
                    topic_id = r.uuid()?;
                    Ok(true)
                }
                _ => Ok(false),
            })?;
            value.topic_id = topic_id;
        }
        Ok(value)
    }

    pub(super) fn write(&self, w: &mut Writer, version: i16) -> WireResult<()> {
        let flexible = version >= 4;
        w.i64(self.offset);
        if version >= 3 {
            w.i32(self.leader_epoch);
        }
        w.string("metadata", &self.metadata, flexible)?;
        w.i64(self.commit_timestamp);
        if version == 1 {
            w.i64(self.expire_timestamp);
        }
        if flexible {
            let mut known = Vec::new();
            if self.topic_id != Uuid::ZERO {
                let topic_id = encoded(|w| {
                    w.uuid(self.topic_id);
                    Ok(())
                })?;
                known.push((0, topic_id));
            }
            w.tagged_fields(known, &self.unknown_tagged_fields);
        }
        Ok(())
    }
}

/// `LegacyOffsetCommitValue`: the value of a record type 0 key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyOffsetCommitValue {
    pub offset: i64,
    pub metadata: String,
    pub commit_timestamp: i64,
}

impl LegacyOffsetCommitValue {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(LegacyOffsetCommitValue {
            offset: r.i64()?,
            metadata: r.string("metadata", false)?,
            commit_timestamp: r.i64()?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.i64(self.offset);
        w.string("metadata", &self.metadata, false)?;
        w.i64(self.commit_timestamp);
        Ok(())
    }
}

impl From<LegacyOffsetCommitValue> for OffsetCommitValue {
    /// What `GroupCoordinatorShard.replay` hands on for a type 0 record: the legacy fields, and
    /// the defaults of the rest (no leader epoch, no expire timestamp, no topic id).
    fn from(legacy: LegacyOffsetCommitValue) -> Self {
        OffsetCommitValue {
            offset: legacy.offset,
            metadata: legacy.metadata,
            commit_timestamp: legacy.commit_timestamp,
            ..OffsetCommitValue::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_commit_replays_as_an_offset_commit_value() {
        // GroupCoordinatorShardTest.testReplayOffsetCommit: the legacy value becomes
        // `new OffsetCommitValue().setOffset(100L).setCommitTimestamp(12345L).setMetadata(…)`.
        let legacy = LegacyOffsetCommitValue {
            offset: 100,
            metadata: "Metadata".into(),
            commit_timestamp: 12345,
        };
        let value = OffsetCommitValue::from(legacy);
        assert_eq!((value.leader_epoch, value.expire_timestamp), (-1, -1));
        assert_eq!((value.offset, value.commit_timestamp), (100, 12345));
        assert_eq!(value.topic_id, Uuid::ZERO);
    }
}
