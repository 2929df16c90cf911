//! The records the group coordinator writes, built as Kafka 4.1's
//! `GroupCoordinatorRecordHelpers` builds them (the value versions it picks, tombstones).

use super::{
    CoordinatorRecord, GroupMetadataKey, GroupMetadataValue, OffsetCommitKey, OffsetCommitValue,
    RecordKey, RecordValue, VersionedValue,
};

impl CoordinatorRecord {
    /// `newOffsetCommitRecord`: version 1 when the commit carries an expire timestamp
    /// (`OffsetCommitRequest` v1's retention), else 4.
    pub fn offset_commit(
        group: &str,
        topic: &str,
        partition: i32,
        value: OffsetCommitValue,
    ) -> Self {
        let has_expire = value.expire_timestamp != -1;
        let version = OffsetCommitValue::version_for(has_expire.then_some(value.expire_timestamp));
        CoordinatorRecord {
            key: offset_commit_key(group, topic, partition),
            value: Some(VersionedValue {
                version,
                value: RecordValue::OffsetCommit(value),
            }),
        }
    }

    /// `newOffsetCommitTombstoneRecord`: the committed offset is deleted.
    pub fn offset_commit_tombstone(group: &str, topic: &str, partition: i32) -> Self {
        CoordinatorRecord {
            key: offset_commit_key(group, topic, partition),
            value: None,
        }
    }

    /// `newGroupMetadataRecord` / `newEmptyGroupMetadataRecord`: a classic group's state at
    /// `GROUP_METADATA_VALUE_VERSION` (3).
    pub fn group_metadata(group: &str, value: GroupMetadataValue) -> Self {
        CoordinatorRecord {
            key: RecordKey::GroupMetadata(GroupMetadataKey {
                group: group.to_string(),
            }),
            value: Some(VersionedValue {
                version: GroupMetadataValue::VERSION_WRITTEN,
                value: RecordValue::GroupMetadata(value),
            }),
        }
    }

    /// `newGroupMetadataTombstoneRecord`: the group is deleted.
    pub fn group_metadata_tombstone(group: &str) -> Self {
        CoordinatorRecord {
            key: RecordKey::GroupMetadata(GroupMetadataKey {
                group: group.to_string(),
            }),
            value: None,
        }
    }
}

fn offset_commit_key(group: &str, topic: &str, partition: i32) -> RecordKey {
    RecordKey::OffsetCommit(OffsetCommitKey {
        group: group.to_string(),
        topic: topic.to_string(),
        partition,
    })
}

#[cfg(test)]
mod tests {
    use super::super::deserialize;
    use super::*;

    #[test]
    fn versions_and_tombstones_as_kafka_writes_them() {
        let value = OffsetCommitValue {
            offset: 5,
            ..OffsetCommitValue::default()
        };
        let record = CoordinatorRecord::offset_commit("g", "t", 0, value.clone());
        assert_eq!(record.value.as_ref().map(|v| v.version), Some(4));
        let expiring = OffsetCommitValue {
            expire_timestamp: 99,
            ..value
        };
        let record = CoordinatorRecord::offset_commit("g", "t", 0, expiring);
        assert_eq!(record.value.as_ref().map(|v| v.version), Some(1));
        let group = CoordinatorRecord::group_metadata("g", GroupMetadataValue::default());
        assert_eq!(group.value.as_ref().map(|v| v.version), Some(3));
        for tombstone in [
            CoordinatorRecord::offset_commit_tombstone("g", "t", 0),
            CoordinatorRecord::group_metadata_tombstone("g"),
        ] {
            let key = tombstone.serialize_key().unwrap_or_default();
            assert_eq!(tombstone.serialize_value(), Ok(None));
            assert_eq!(deserialize(&key, None), Ok(tombstone));
        }
    }
}
