//! KRaft's metadata records as they are stored in `__cluster_metadata-0`: each record's value is
//! `MetadataRecordSerde`'s frame — an unsigned varint frame version (1), the record's api key and
//! its version — followed by the message in Kafka's generated, flexible encoding (compact
//! strings and arrays, a tagged-field section). Schemas follow Kafka 4.1's
//! `metadata/src/main/resources/common/metadata/*.json`; only the fields the playground models
//! are carried, the others are written with their defaults.
//!
//! The leader's `LeaderChangeMessage` is a control record (`ControlRecordType.LEADER_CHANGE`,
//! key `version:int16 type:int16`, value `version:int16` + the message), as `KafkaRaftClient`
//! writes it when a leader begins its epoch.
//!
//! Decoding never panics: a short or malformed record is a [`WireError`].

use crate::engine::group::records::wire::{Reader, WireError, WireResult, Writer};
use crate::engine::ids::Uuid;

/// `AbstractApiMessageSerde.DEFAULT_FRAME_VERSION`.
const FRAME_VERSION: u32 = 1;

/// `ConfigResource.Type` on the wire.
pub const CONFIG_RESOURCE_TOPIC: i8 = 2;
pub const CONFIG_RESOURCE_BROKER: i8 = 4;

/// A partition's full registration (`PartitionRecord` v2: with KIP-966's ELR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionRecord {
    pub partition_id: i32,
    pub topic_id: Uuid,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub removing_replicas: Vec<i32>,
    pub adding_replicas: Vec<i32>,
    /// -1: no leader.
    pub leader: i32,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    pub elr: Vec<i32>,
    pub last_known_elr: Vec<i32>,
}

/// What changed in a partition (`PartitionChangeRecord` v2); `None` and `leader == -2` mean
/// "unchanged".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionChangeRecord {
    pub partition_id: i32,
    pub topic_id: Uuid,
    pub isr: Option<Vec<i32>>,
    /// -2: unchanged; -1: no leader now.
    pub leader: i32,
    pub replicas: Option<Vec<i32>>,
    pub removing_replicas: Option<Vec<i32>>,
    pub adding_replicas: Option<Vec<i32>>,
    pub elr: Option<Vec<i32>>,
    pub last_known_elr: Option<Vec<i32>>,
}

/// `PartitionChangeRecord.Leader`'s "no change".
pub const LEADER_UNCHANGED: i32 = -2;

/// The metadata records the playground's controller writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataRecord {
    RegisterBroker {
        broker_id: i32,
        incarnation_id: Uuid,
        broker_epoch: i64,
        fenced: bool,
    },
    Topic {
        name: String,
        topic_id: Uuid,
    },
    Partition(PartitionRecord),
    Config {
        resource_type: i8,
        resource_name: String,
        name: String,
        /// `None` deletes the config.
        value: Option<String>,
    },
    PartitionChange(PartitionChangeRecord),
    FenceBroker {
        id: i32,
        epoch: i64,
    },
    UnfenceBroker {
        id: i32,
        epoch: i64,
    },
    /// `fenced`: 1 fenced, -1 unfenced, 0 unchanged (how a 4.x controller fences and unfences).
    BrokerRegistrationChange {
        broker_id: i32,
        broker_epoch: i64,
        fenced: i8,
    },
    RemoveTopic {
        topic_id: Uuid,
    },
    FeatureLevel {
        name: String,
        level: i16,
    },
    ProducerIds {
        broker_id: i32,
        broker_epoch: i64,
        next_producer_id: i64,
    },
    NoOp,
}

impl MetadataRecord {
    /// The record type's `apiKey` in its JSON schema (`MetadataRecordType`).
    pub fn api_key(&self) -> u32 {
        match self {
            MetadataRecord::RegisterBroker { .. } => 0,
            MetadataRecord::Topic { .. } => 2,
            MetadataRecord::Partition(_) => 3,
            MetadataRecord::Config { .. } => 4,
            MetadataRecord::PartitionChange(_) => 5,
            MetadataRecord::FenceBroker { .. } => 7,
            MetadataRecord::UnfenceBroker { .. } => 8,
            MetadataRecord::RemoveTopic { .. } => 9,
            MetadataRecord::FeatureLevel { .. } => 12,
            MetadataRecord::ProducerIds { .. } => 15,
            MetadataRecord::BrokerRegistrationChange { .. } => 17,
            MetadataRecord::NoOp => 20,
        }
    }

    /// The type's name, as `kafka-dump-log.sh --cluster-metadata-decoder` prints it.
    pub fn type_name(&self) -> &'static str {
        match self {
            MetadataRecord::RegisterBroker { .. } => "REGISTER_BROKER_RECORD",
            MetadataRecord::Topic { .. } => "TOPIC_RECORD",
            MetadataRecord::Partition(_) => "PARTITION_RECORD",
            MetadataRecord::Config { .. } => "CONFIG_RECORD",
            MetadataRecord::PartitionChange(_) => "PARTITION_CHANGE_RECORD",
            MetadataRecord::FenceBroker { .. } => "FENCE_BROKER_RECORD",
            MetadataRecord::UnfenceBroker { .. } => "UNFENCE_BROKER_RECORD",
            MetadataRecord::RemoveTopic { .. } => "REMOVE_TOPIC_RECORD",
            MetadataRecord::FeatureLevel { .. } => "FEATURE_LEVEL_RECORD",
            MetadataRecord::ProducerIds { .. } => "PRODUCER_IDS_RECORD",
            MetadataRecord::BrokerRegistrationChange { .. } => "BROKER_REGISTRATION_CHANGE_RECORD",
            MetadataRecord::NoOp => "NO_OP_RECORD",
        }
    }

    /// The version written: the newest this playground models.
    fn version(&self) -> u32 {
        match self {
            MetadataRecord::RegisterBroker { .. } => 3,
            MetadataRecord::Partition(_) | MetadataRecord::PartitionChange(_) => 2,
            _ => 0,
        }
    }

    /// The record's value bytes: frame version, api key, version, message.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.unsigned_varint(FRAME_VERSION);
        w.unsigned_varint(self.api_key());
        w.unsigned_varint(self.version());
        // Every string written here is a topic, config or feature name the engine validated,
        // far below the 32767-byte limit: writing cannot fail.
        let _ = self.write_body(&mut w);
        w.out
    }

    fn write_body(&self, w: &mut Writer) -> WireResult<()> {
        match self {
            MetadataRecord::RegisterBroker {
                broker_id,
                incarnation_id,
                broker_epoch,
                fenced,
            } => {
                w.i32(*broker_id);
                w.i8(0); // IsMigratingZkBroker
                w.uuid(*incarnation_id);
                w.i64(*broker_epoch);
                w.array_len(Some(0), true)?; // EndPoints
                w.array_len(Some(0), true)?; // Features
                w.nullable_string("rack", None, true)?;
                w.i8(i8::from(*fenced));
                w.i8(0); // InControlledShutdown
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::Topic { name, topic_id } => {
                w.string("name", name, true)?;
                w.uuid(*topic_id);
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::Partition(p) => write_partition(w, p)?,
            MetadataRecord::Config {
                resource_type,
                resource_name,
                name,
                value,
            } => {
                w.i8(*resource_type);
                w.string("resourceName", resource_name, true)?;
                w.string("name", name, true)?;
                w.nullable_string("value", value.as_deref(), true)?;
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::PartitionChange(c) => write_partition_change(w, c)?,
            MetadataRecord::FenceBroker { id, epoch }
            | MetadataRecord::UnfenceBroker { id, epoch } => {
                w.i32(*id);
                w.i64(*epoch);
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::RemoveTopic { topic_id } => {
                w.uuid(*topic_id);
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::FeatureLevel { name, level } => {
                w.string("name", name, true)?;
                w.i16(*level);
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::ProducerIds {
                broker_id,
                broker_epoch,
                next_producer_id,
            } => {
                w.i32(*broker_id);
                w.i64(*broker_epoch);
                w.i64(*next_producer_id);
                w.tagged_fields(Vec::new(), &[]);
            }
            MetadataRecord::BrokerRegistrationChange {
                broker_id,
                broker_epoch,
                fenced,
            } => {
                w.i32(*broker_id);
                w.i64(*broker_epoch);
                let tagged = if *fenced == 0 {
                    Vec::new()
                } else {
                    vec![(0, vec![*fenced as u8])]
                };
                w.tagged_fields(tagged, &[]);
            }
            MetadataRecord::NoOp => w.tagged_fields(Vec::new(), &[]),
        }
        Ok(())
    }

    /// Reads one record's value bytes.
    pub fn decode(bytes: &[u8]) -> WireResult<MetadataRecord> {
        let mut r = Reader::new(bytes);
        let frame = r.unsigned_varint()?;
        if frame != FRAME_VERSION as i32 {
            return Err(WireError::Invalid(format!(
                "Could not deserialize metadata record due to unknown frame version {frame}(only frame version 1 is supported)"
            )));
        }
        let api_key = r.unsigned_varint()?;
        let _version = r.unsigned_varint()?;
        let record = match api_key {
            0 => {
                let broker_id = r.i32()?;
                let _migrating = r.i8()?;
                let incarnation_id = r.uuid()?;
                let broker_epoch = r.i64()?;
                skip_struct_array(&mut r, 4)?; // EndPoints: name, host, port, protocol
                skip_struct_array(&mut r, 3)?; // Features: name, min, max
                let _rack = r.nullable_string("rack", true)?;
                let fenced = r.i8()? != 0;
                let _in_controlled_shutdown = r.i8()?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::RegisterBroker {
                    broker_id,
                    incarnation_id,
                    broker_epoch,
                    fenced,
                }
            }
            2 => {
                let name = r.string("name", true)?;
                let topic_id = r.uuid()?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::Topic { name, topic_id }
            }
            3 => MetadataRecord::Partition(read_partition(&mut r)?),
            4 => {
                let resource_type = r.i8()?;
                let resource_name = r.string("resourceName", true)?;
                let name = r.string("name", true)?;
                let value = r.nullable_string("value", true)?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::Config {
                    resource_type,
                    resource_name,
                    name,
                    value,
                }
            }
            5 => MetadataRecord::PartitionChange(read_partition_change(&mut r)?),
            7 | 8 => {
                let id = r.i32()?;
                let epoch = r.i64()?;
                r.tagged_fields(|_, _| Ok(false))?;
                if api_key == 7 {
                    MetadataRecord::FenceBroker { id, epoch }
                } else {
                    MetadataRecord::UnfenceBroker { id, epoch }
                }
            }
            9 => {
                let topic_id = r.uuid()?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::RemoveTopic { topic_id }
            }
            12 => {
                let name = r.string("name", true)?;
                let level = r.i16()?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::FeatureLevel { name, level }
            }
            15 => {
                let broker_id = r.i32()?;
                let broker_epoch = r.i64()?;
                let next_producer_id = r.i64()?;
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::ProducerIds {
                    broker_id,
                    broker_epoch,
                    next_producer_id,
                }
            }
            17 => {
                let broker_id = r.i32()?;
                let broker_epoch = r.i64()?;
                let mut fenced = 0;
                r.tagged_fields(|tag, r| {
                    if tag == 0 {
                        fenced = r.i8()?;
                    }
                    Ok(tag == 0)
                })?;
                MetadataRecord::BrokerRegistrationChange {
                    broker_id,
                    broker_epoch,
                    fenced,
                }
            }
            20 => {
                r.tagged_fields(|_, _| Ok(false))?;
                MetadataRecord::NoOp
            }
            other => return Err(WireError::Invalid(format!("Unknown metadata id {other}"))),
        };
        Ok(record)
    }
}

/// Skips a compact array of structs made of compact strings and small integers, as the
/// endpoint and feature lists of `RegisterBrokerRecord` (the playground writes them empty).
fn skip_struct_array(r: &mut Reader, _fields: usize) -> WireResult<()> {
    match r.nullable_array_len(true)? {
        None | Some(0) => Ok(()),
        Some(_) => Err(WireError::Invalid(
            "RegisterBrokerRecord endpoints and features are not read by the playground".into(),
        )),
    }
}

fn encoded(f: impl FnOnce(&mut Writer) -> WireResult<()>) -> WireResult<Vec<u8>> {
    let mut w = Writer::default();
    f(&mut w)?;
    Ok(w.out)
}

fn write_partition(w: &mut Writer, p: &PartitionRecord) -> WireResult<()> {
    w.i32(p.partition_id);
    w.uuid(p.topic_id);
    w.i32_array(&p.replicas, true)?;
    w.i32_array(&p.isr, true)?;
    w.i32_array(&p.removing_replicas, true)?;
    w.i32_array(&p.adding_replicas, true)?;
    w.i32(p.leader);
    w.i32(p.leader_epoch);
    w.i32(p.partition_epoch);
    // Directories (v1+): one unassigned directory per replica (`DirectoryId.UNASSIGNED`).
    w.array_len(Some(p.replicas.len()), true)?;
    p.replicas.iter().for_each(|_| w.uuid(Uuid::ZERO));
    // Tagged: 1 EligibleLeaderReplicas, 2 LastKnownElr (default null: written when non-empty,
    // as `PartitionRegistration.toRecord` sets them only when ELR is enabled).
    let mut tagged = Vec::new();
    if !p.elr.is_empty() {
        tagged.push((1, encoded(|t| t.i32_array(&p.elr, true))?));
    }
    if !p.last_known_elr.is_empty() {
        tagged.push((2, encoded(|t| t.i32_array(&p.last_known_elr, true))?));
    }
    w.tagged_fields(tagged, &[]);
    Ok(())
}

fn read_partition(r: &mut Reader) -> WireResult<PartitionRecord> {
    let partition_id = r.i32()?;
    let topic_id = r.uuid()?;
    let replicas = r.i32_array("replicas", true)?;
    let isr = r.i32_array("isr", true)?;
    let removing_replicas = r.i32_array("removingReplicas", true)?;
    let adding_replicas = r.i32_array("addingReplicas", true)?;
    let leader = r.i32()?;
    let leader_epoch = r.i32()?;
    let partition_epoch = r.i32()?;
    let directories = r.array_len("directories", true)?;
    for _ in 0..directories {
        r.uuid()?;
    }
    let (mut elr, mut last_known_elr) = (Vec::new(), Vec::new());
    r.tagged_fields(|tag, r| match tag {
        1 => {
            elr = r.i32_array("eligibleLeaderReplicas", true)?;
            Ok(true)
        }
        2 => {
            last_known_elr = r.i32_array("lastKnownElr", true)?;
            Ok(true)
        }
        _ => Ok(false),
    })?;
    Ok(PartitionRecord {
        partition_id,
        topic_id,
        replicas,
        isr,
        removing_replicas,
        adding_replicas,
        leader,
        leader_epoch,
        partition_epoch,
        elr,
        last_known_elr,
    })
}

/// The tags of `PartitionChangeRecord`'s fields.
const TAG_ISR: u32 = 0;
const TAG_LEADER: u32 = 1;
const TAG_REPLICAS: u32 = 2;
const TAG_REMOVING: u32 = 3;
const TAG_ADDING: u32 = 4;
const TAG_ELR: u32 = 6;
const TAG_LAST_KNOWN_ELR: u32 = 7;

fn write_partition_change(w: &mut Writer, c: &PartitionChangeRecord) -> WireResult<()> {
    w.i32(c.partition_id);
    w.uuid(c.topic_id);
    let mut tagged = Vec::new();
    let arrays = [
        (TAG_ISR, &c.isr),
        (TAG_REPLICAS, &c.replicas),
        (TAG_REMOVING, &c.removing_replicas),
        (TAG_ADDING, &c.adding_replicas),
        (TAG_ELR, &c.elr),
        (TAG_LAST_KNOWN_ELR, &c.last_known_elr),
    ];
    for (tag, value) in arrays {
        if let Some(list) = value {
            tagged.push((tag, encoded(|t| t.i32_array(list, true))?));
        }
    }
    if c.leader != LEADER_UNCHANGED {
        tagged.push((TAG_LEADER, c.leader.to_be_bytes().to_vec()));
    }
    tagged.sort_by_key(|(tag, _)| *tag);
    w.tagged_fields(tagged, &[]);
    Ok(())
}

fn read_partition_change(r: &mut Reader) -> WireResult<PartitionChangeRecord> {
    let partition_id = r.i32()?;
    let topic_id = r.uuid()?;
    let mut change = PartitionChangeRecord {
        partition_id,
        topic_id,
        isr: None,
        leader: LEADER_UNCHANGED,
        replicas: None,
        removing_replicas: None,
        adding_replicas: None,
        elr: None,
        last_known_elr: None,
    };
    r.tagged_fields(|tag, r| {
        let slot = match tag {
            TAG_LEADER => {
                change.leader = r.i32()?;
                return Ok(true);
            }
            TAG_ISR => &mut change.isr,
            TAG_REPLICAS => &mut change.replicas,
            TAG_REMOVING => &mut change.removing_replicas,
            TAG_ADDING => &mut change.adding_replicas,
            TAG_ELR => &mut change.elr,
            TAG_LAST_KNOWN_ELR => &mut change.last_known_elr,
            _ => return Ok(false),
        };
        *slot = match r.nullable_array_len(true)? {
            None => None,
            Some(n) => Some((0..n).map(|_| r.i32()).collect::<WireResult<Vec<i32>>>()?),
        };
        Ok(true)
    })?;
    Ok(change)
}

/// `LeaderChangeMessage` v0, the value of a `LEADER_CHANGE` control record: who leads the new
/// epoch and the voters then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderChange {
    pub leader_id: i32,
    pub voters: Vec<i32>,
    pub granting_voters: Vec<i32>,
}

/// `ControlRecordType.LEADER_CHANGE`.
pub const CONTROL_LEADER_CHANGE: i16 = 2;

impl LeaderChange {
    /// The control record's key: `version:int16 (0) type:int16`.
    pub fn key() -> Vec<u8> {
        let mut key = 0i16.to_be_bytes().to_vec();
        key.extend_from_slice(&CONTROL_LEADER_CHANGE.to_be_bytes());
        key
    }

    /// The control record's value: the `LeaderChangeMessage` alone, as
    /// `MessageUtil.toByteBuffer(message, LEADER_CHANGE_CURRENT_VERSION)` writes it (no version
    /// prefix; the message's own first field is its `Version`).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.i16(0); // Version
        w.i32(self.leader_id);
        for list in [&self.voters, &self.granting_voters] {
            let _ = w.array_len(Some(list.len()), true);
            for &id in list {
                w.i32(id);
                w.tagged_fields(Vec::new(), &[]);
            }
        }
        w.tagged_fields(Vec::new(), &[]);
        w.out
    }

    pub fn decode(bytes: &[u8]) -> WireResult<LeaderChange> {
        let mut r = Reader::new(bytes);
        let _version = r.i16()?;
        let leader_id = r.i32()?;
        let mut lists = [Vec::new(), Vec::new()];
        for list in &mut lists {
            let n = r.array_len("voters", true)?;
            for _ in 0..n {
                list.push(r.i32()?);
                r.tagged_fields(|_, _| Ok(false))?;
            }
        }
        r.tagged_fields(|_, _| Ok(false))?;
        let [voters, granting_voters] = lists;
        Ok(LeaderChange {
            leader_id,
            voters,
            granting_voters,
        })
    }
}
