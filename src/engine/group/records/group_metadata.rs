//! A classic group's state: `GroupMetadataKey` / `GroupMetadataValue` (record type 2), as
//! Kafka 4.1 defines them in `group-coordinator/src/main/resources/common/message/`
//! (`GroupMetadataKey.json`, `GroupMetadataValue.json`):
//!
//! - key: `group` (string), never flexible;
//! - value, versions 0-4, flexible from 4 (KIP-915): `protocolType`, `generation`, `protocol`
//!   (nullable), `leader` (nullable), `currentStateTimestamp` (2+, default -1), `members`
//!   (`[]MemberMetadata`: `memberId`, `groupInstanceId` (3+, nullable, default null),
//!   `clientId`, `clientHost`, `rebalanceTimeout` (1+), `sessionTimeout`, `subscription` and
//!   `assignment` (bytes: for protocol type `consumer`, a version-prefixed
//!   [`ConsumerProtocolSubscription`](super::ConsumerProtocolSubscription) and
//!   [`ConsumerProtocolAssignment`](super::ConsumerProtocolAssignment))).
//!
//! Kafka 4.1 writes version 3 (`GroupCoordinatorRecordHelpers`' `GROUP_METADATA_VALUE_VERSION`).

use super::wire::{RawTaggedField, Reader, WireResult, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMetadataKey {
    pub group: String,
}

impl GroupMetadataKey {
    pub(super) fn read(r: &mut Reader<'_>) -> WireResult<Self> {
        Ok(GroupMetadataKey {
            group: r.string("group", false)?,
        })
    }

    pub(super) fn write(&self, w: &mut Writer) -> WireResult<()> {
        w.string("group", &self.group, false)
    }
}

/// `GroupMetadataValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMetadataValue {
    /// `consumer` for Kafka's consumers; empty for a group that only commits offsets.
    pub protocol_type: String,
    pub generation: i32,
    /// The chosen assignor (`range`, …); null before the first rebalance completes.
    pub protocol: Option<String>,
    pub leader: Option<String>,
    /// From version 2; -1 when unknown.
    pub current_state_timestamp: i64,
    pub members: Vec<MemberMetadata>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl Default for GroupMetadataValue {
    fn default() -> Self {
        GroupMetadataValue {
            protocol_type: String::new(),
            generation: 0,
            protocol: None,
            leader: None,
            current_state_timestamp: -1,
            members: Vec::new(),
            unknown_tagged_fields: Vec::new(),
        }
    }
}

/// `GroupMetadataValue.MemberMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberMetadata {
    pub member_id: String,
    /// `group.instance.id` (KIP-345), from version 3.
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    /// From version 1.
    pub rebalance_timeout: i32,
    pub session_timeout: i32,
    pub subscription: Vec<u8>,
    pub assignment: Vec<u8>,
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl GroupMetadataValue {
    pub const HIGHEST_SUPPORTED_VERSION: i16 = 4;
    /// The version Kafka 4.1 writes.
    pub const VERSION_WRITTEN: i16 = 3;

    pub(super) fn read(r: &mut Reader<'_>, version: i16) -> WireResult<Self> {
        let flexible = version >= 4;
        let mut value = GroupMetadataValue {
            protocol_type: r.string("protocolType", flexible)?,
            generation: r.i32()?,
            protocol: r.nullable_string("protocol", flexible)?,
            leader: r.nullable_string("leader", flexible)?,
            ..GroupMetadataValue::default()
        };
        if version >= 2 {
            value.current_state_timestamp = r.i64()?;
        }
        value.members =
            r.struct_array("members", flexible, |r| MemberMetadata::read(r, version))?;
        if flexible {
            value.unknown_tagged_fields = r.tagged_fields(|_, _| Ok(false))?;
        }
        Ok(value)
    }

    pub(super) fn write(&self, w: &mut Writer, version: i16) -> WireResult<()> {
        let flexible = version >= 4;
        w.string("protocolType", &self.protocol_type, flexible)?;
        w.i32(self.generation);
        w.nullable_string("protocol", self.protocol.as_deref(), flexible)?;
        w.nullable_string("leader", self.leader.as_deref(), flexible)?;
        if version >= 2 {
            w.i64(self.current_state_timestamp);
        }
        w.array_len(Some(self.members.len()), flexible)?;
        for member in &self.members {
            member.write(w, version)?;
        }
        if flexible {
            w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        }
        Ok(())
    }
}

impl MemberMetadata {
    fn read(r: &mut Reader<'_>, version: i16) -> WireResult<Self> {
        let flexible = version >= 4;
        let mut member = MemberMetadata {
            member_id: r.string("memberId", flexible)?,
            ..MemberMetadata::default()
        };
        if version >= 3 {
            member.group_instance_id = r.nullable_string("groupInstanceId", flexible)?;
        }
        member.client_id = r.string("clientId", flexible)?;
        member.client_host = r.string("clientHost", flexible)?;
        if version >= 1 {
            member.rebalance_timeout = r.i32()?;
        }
        member.session_timeout = r.i32()?;
        member.subscription = r.bytes("subscription", flexible)?;
        member.assignment = r.bytes("assignment", flexible)?;
        if flexible {
            member.unknown_tagged_fields = r.tagged_fields(|_, _| Ok(false))?;
        }
        Ok(member)
    }

    fn write(&self, w: &mut Writer, version: i16) -> WireResult<()> {
        let flexible = version >= 4;
        w.string("memberId", &self.member_id, flexible)?;
        if version >= 3 {
            w.nullable_string(
                "groupInstanceId",
                self.group_instance_id.as_deref(),
                flexible,
            )?;
        }
        w.string("clientId", &self.client_id, flexible)?;
        w.string("clientHost", &self.client_host, flexible)?;
        if version >= 1 {
            w.i32(self.rebalance_timeout);
        }
        w.i32(self.session_timeout);
        w.nullable_bytes(Some(&self.subscription), flexible)?;
        w.nullable_bytes(Some(&self.assignment), flexible)?;
        if flexible {
            w.tagged_fields(Vec::new(), &self.unknown_tagged_fields);
        }
        Ok(())
    }
}
