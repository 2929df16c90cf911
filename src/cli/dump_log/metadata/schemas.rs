//! The metadata record types `--cluster-metadata-decoder` reads, each read at its version as
//! Kafka's generated message reads it (`ApiMessage.read`) and written as its generated
//! `*JsonConverter.write` writes it (what `MetadataJsonConverters.writeJson` calls). Schemas:
//! Kafka 4.1's `metadata/src/main/resources/common/metadata/*.json`; every type is flexible from
//! version 0 (compact strings and arrays, a tagged-field section after each struct).
//!
//! The converters' rules: fields in schema order, camelCase names; a field only in its versions;
//! a tagged field only when it differs from its default (`null` arrays, `-2` for a partition
//! change's leader, `0` for `fenced`); int8/int16 as numbers (`ShortNode`), uuids in Kafka's
//! base64 (`Uuid.toString`), bools as `true`/`false`, a null string as `null`. Unknown tagged
//! fields are read and left out, as the converters leave them out.
//!
//! Only the types the playground's controller writes are read (`engine::kraft::records`); the
//! others end in "Unknown metadata id", see docs/DEPARTURES.md.

use crate::cli::json::Json;
use crate::engine::group::records::wire::{Reader, WireError, WireResult};

/// Reads a message of one type at a version, as JSON.
type ReadFn = fn(&mut Reader<'_>, i16) -> WireResult<Json>;

/// A record type: `MetadataRecordType`'s name and how to read its message as JSON.
pub(super) struct RecordType {
    pub(super) name: &'static str,
    pub(super) read: ReadFn,
}

/// `MetadataRecordType.fromId` for the types the playground reads.
pub(super) fn record_type(api_key: i16) -> Option<RecordType> {
    let (name, read): (&'static str, ReadFn) = match api_key {
        0 => ("REGISTER_BROKER_RECORD", register_broker),
        2 => ("TOPIC_RECORD", topic),
        3 => ("PARTITION_RECORD", partition),
        4 => ("CONFIG_RECORD", config),
        5 => ("PARTITION_CHANGE_RECORD", partition_change),
        7 => ("FENCE_BROKER_RECORD", broker_epoch_pair),
        8 => ("UNFENCE_BROKER_RECORD", broker_epoch_pair),
        9 => ("REMOVE_TOPIC_RECORD", remove_topic),
        12 => ("FEATURE_LEVEL_RECORD", feature_level),
        15 => ("PRODUCER_IDS_RECORD", producer_ids),
        17 => (
            "BROKER_REGISTRATION_CHANGE_RECORD",
            broker_registration_change,
        ),
        20 => ("NO_OP_RECORD", no_op),
        _ => return None,
    };
    Some(RecordType { name, read })
}

pub(super) fn object(fields: Vec<(&str, Json)>) -> Json {
    Json::Object(
        fields
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect(),
    )
}

pub(super) fn number(n: impl ToString) -> Json {
    Json::Number(n.to_string())
}

fn text(s: String) -> Json {
    Json::String(s)
}

fn boolean(byte: i8) -> Json {
    // `Readable.readByte() != 0`.
    Json::Bool(byte != 0)
}

fn uuid(r: &mut Reader<'_>) -> WireResult<Json> {
    Ok(text(r.uuid()?.to_string()))
}

fn ints(values: Vec<i32>) -> Json {
    Json::Array(values.into_iter().map(number).collect())
}

/// `[]int32` that may be null (the tagged arrays).
fn nullable_ints(r: &mut Reader<'_>) -> WireResult<Option<Json>> {
    let Some(n) = r.nullable_array_len(true)? else {
        return Ok(None);
    };
    let values = (0..n).map(|_| r.i32()).collect::<WireResult<Vec<i32>>>()?;
    Ok(Some(ints(values)))
}

/// `[]uuid`, null or not.
fn nullable_uuids(r: &mut Reader<'_>) -> WireResult<Option<Json>> {
    let Some(n) = r.nullable_array_len(true)? else {
        return Ok(None);
    };
    let values = (0..n).map(|_| uuid(r)).collect::<WireResult<Vec<Json>>>()?;
    Ok(Some(Json::Array(values)))
}

fn uuids(r: &mut Reader<'_>, field: &str) -> WireResult<Json> {
    nullable_uuids(r)?.ok_or_else(|| null_field(field))
}

fn null_field(field: &str) -> WireError {
    WireError::Invalid(format!("non-nullable field {field} was serialized as null"))
}

/// The generated reader's refusal of a tag only later versions know.
fn tag_not_valid(tag: u32, version: i16) -> WireError {
    WireError::Invalid(format!("Tag {tag} is not valid for version {version}"))
}

/// A struct's tagged-field section with no known tags.
fn no_tags(r: &mut Reader<'_>) -> WireResult<()> {
    r.tagged_fields(|_, _| Ok(false)).map(|_| ())
}

/// `RegisterBrokerRecord` (v0–3): v1 adds `inControlledShutdown`, v2 `isMigratingZkBroker`,
/// v3 the tagged `logDirs` (tag 0, default empty).
fn register_broker(r: &mut Reader<'_>, version: i16) -> WireResult<Json> {
    let mut fields = vec![("brokerId", number(r.i32()?))];
    if version >= 2 {
        fields.push(("isMigratingZkBroker", boolean(r.i8()?)));
    }
    fields.push(("incarnationId", uuid(r)?));
    fields.push(("brokerEpoch", number(r.i64()?)));
    let endpoints = r.struct_array("endPoints", true, |r| {
        let name = r.string("name", true)?;
        let host = r.string("host", true)?;
        let port = r.i16()? as u16; // uint16
        let protocol = r.i16()?;
        no_tags(r)?;
        Ok(object(vec![
            ("name", text(name)),
            ("host", text(host)),
            ("port", number(port)),
            ("securityProtocol", number(protocol)),
        ]))
    })?;
    fields.push(("endPoints", Json::Array(endpoints)));
    let features = r.struct_array("features", true, |r| {
        let name = r.string("name", true)?;
        let min = r.i16()?;
        let max = r.i16()?;
        no_tags(r)?;
        Ok(object(vec![
            ("name", text(name)),
            ("minSupportedVersion", number(min)),
            ("maxSupportedVersion", number(max)),
        ]))
    })?;
    fields.push(("features", Json::Array(features)));
    let rack = r.nullable_string("rack", true)?;
    fields.push(("rack", rack.map_or(Json::Null, text)));
    fields.push(("fenced", boolean(r.i8()?)));
    if version >= 1 {
        fields.push(("inControlledShutdown", boolean(r.i8()?)));
    }
    let mut log_dirs = None;
    r.tagged_fields(|tag, r| match tag {
        0 if version >= 3 => {
            log_dirs = Some(uuids(r, "logDirs")?);
            Ok(true)
        }
        0 => Err(tag_not_valid(tag, version)),
        _ => Ok(false),
    })?;
    if let Some(dirs) = log_dirs.filter(|d| *d != Json::Array(Vec::new())) {
        fields.push(("logDirs", dirs));
    }
    Ok(object(fields))
}

/// `TopicRecord` (v0): `name`, `topicId`.
fn topic(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let name = r.string("name", true)?;
    let topic_id = uuid(r)?;
    no_tags(r)?;
    Ok(object(vec![("name", text(name)), ("topicId", topic_id)]))
}

/// `PartitionRecord` (v0–2): the tagged `leaderRecoveryState` (tag 0, default 0) sits between
/// `leader` and `leaderEpoch`; v1 adds `directories`, v2 the tagged ELR lists (tags 1 and 2,
/// default null).
fn partition(r: &mut Reader<'_>, version: i16) -> WireResult<Json> {
    let mut fields = vec![("partitionId", number(r.i32()?)), ("topicId", uuid(r)?)];
    for (name, field) in [
        ("replicas", "replicas"),
        ("isr", "isr"),
        ("removingReplicas", "removingReplicas"),
        ("addingReplicas", "addingReplicas"),
    ] {
        fields.push((name, ints(r.i32_array(field, true)?)));
    }
    let leader = number(r.i32()?);
    let leader_epoch = number(r.i32()?);
    let partition_epoch = number(r.i32()?);
    let directories = if version >= 1 {
        Some(uuids(r, "directories")?)
    } else {
        None
    };
    let (mut recovery, mut elr, mut last_known_elr) = (0i8, None, None);
    r.tagged_fields(|tag, r| match tag {
        0 => {
            recovery = r.i8()?;
            Ok(true)
        }
        1 | 2 if version < 2 => Err(tag_not_valid(tag, version)),
        1 => {
            elr = nullable_ints(r)?;
            Ok(true)
        }
        2 => {
            last_known_elr = nullable_ints(r)?;
            Ok(true)
        }
        _ => Ok(false),
    })?;
    fields.push(("leader", leader));
    if recovery != 0 {
        fields.push(("leaderRecoveryState", number(recovery)));
    }
    fields.push(("leaderEpoch", leader_epoch));
    fields.push(("partitionEpoch", partition_epoch));
    if let Some(directories) = directories {
        fields.push(("directories", directories));
    }
    fields.extend(elr.map(|e| ("eligibleLeaderReplicas", e)));
    fields.extend(last_known_elr.map(|e| ("lastKnownElr", e)));
    Ok(object(fields))
}

/// `PartitionChangeRecord` (v0–2): everything after the topic id is tagged — `isr` 0, `leader`
/// 1 (default -2), `replicas` 2, `removingReplicas` 3, `addingReplicas` 4,
/// `leaderRecoveryState` 5 (default -1), `directories` 8 (v1+), `eligibleLeaderReplicas` 6 and
/// `lastKnownElr` 7 (v2+); the arrays default to null.
fn partition_change(r: &mut Reader<'_>, version: i16) -> WireResult<Json> {
    let mut fields = vec![("partitionId", number(r.i32()?)), ("topicId", uuid(r)?)];
    // Slots in the schema's (and the converter's) order.
    const ORDER: [(u32, &str, i16); 9] = [
        (0, "isr", 0),
        (1, "leader", 0),
        (2, "replicas", 0),
        (3, "removingReplicas", 0),
        (4, "addingReplicas", 0),
        (5, "leaderRecoveryState", 0),
        (8, "directories", 1),
        (6, "eligibleLeaderReplicas", 2),
        (7, "lastKnownElr", 2),
    ];
    let mut slots: [Option<Json>; 9] = Default::default();
    r.tagged_fields(|tag, r| {
        let Some(at) = ORDER.iter().position(|(t, _, _)| *t == tag) else {
            return Ok(false);
        };
        if version < ORDER[at].2 {
            return Err(tag_not_valid(tag, version));
        }
        slots[at] = match tag {
            1 => Some(r.i32()?).filter(|l| *l != -2).map(number),
            5 => Some(r.i8()?).filter(|s| *s != -1).map(number),
            8 => nullable_uuids(r)?,
            _ => nullable_ints(r)?,
        };
        Ok(true)
    })?;
    for ((_, name, _), slot) in ORDER.iter().zip(slots) {
        fields.extend(slot.map(|value| (*name, value)));
    }
    Ok(object(fields))
}

/// `ConfigRecord` (v0): `resourceType` (int8), `resourceName`, `name`, `value` (nullable).
fn config(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let resource_type = r.i8()?;
    let resource_name = r.string("resourceName", true)?;
    let name = r.string("name", true)?;
    let value = r.nullable_string("value", true)?;
    no_tags(r)?;
    Ok(object(vec![
        ("resourceType", number(resource_type)),
        ("resourceName", text(resource_name)),
        ("name", text(name)),
        ("value", value.map_or(Json::Null, text)),
    ]))
}

/// `FenceBrokerRecord` and `UnfenceBrokerRecord` (v0): `id`, `epoch`.
fn broker_epoch_pair(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let id = r.i32()?;
    let epoch = r.i64()?;
    no_tags(r)?;
    Ok(object(vec![("id", number(id)), ("epoch", number(epoch))]))
}

/// `RemoveTopicRecord` (v0): `topicId`.
fn remove_topic(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let topic_id = uuid(r)?;
    no_tags(r)?;
    Ok(object(vec![("topicId", topic_id)]))
}

/// `FeatureLevelRecord` (v0): `name`, `featureLevel` (int16).
fn feature_level(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let name = r.string("name", true)?;
    let level = r.i16()?;
    no_tags(r)?;
    Ok(object(vec![
        ("name", text(name)),
        ("featureLevel", number(level)),
    ]))
}

/// `ProducerIdsRecord` (v0): `brokerId`, `brokerEpoch`, `nextProducerId`.
fn producer_ids(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    let broker_id = r.i32()?;
    let broker_epoch = r.i64()?;
    let next = r.i64()?;
    no_tags(r)?;
    Ok(object(vec![
        ("brokerId", number(broker_id)),
        ("brokerEpoch", number(broker_epoch)),
        ("nextProducerId", number(next)),
    ]))
}

/// `BrokerRegistrationChangeRecord` (v0–2): tagged `fenced` 0 (int8, default 0),
/// `inControlledShutdown` 1 (v1+, default 0), `logDirs` 2 (v2+, default empty).
fn broker_registration_change(r: &mut Reader<'_>, version: i16) -> WireResult<Json> {
    let mut fields = vec![
        ("brokerId", number(r.i32()?)),
        ("brokerEpoch", number(r.i64()?)),
    ];
    let (mut fenced, mut shutdown, mut log_dirs) = (0i8, 0i8, None);
    r.tagged_fields(|tag, r| match tag {
        0 => {
            fenced = r.i8()?;
            Ok(true)
        }
        1 | 2 if i32::from(version) < tag as i32 => Err(tag_not_valid(tag, version)),
        1 => {
            shutdown = r.i8()?;
            Ok(true)
        }
        2 => {
            log_dirs = Some(uuids(r, "logDirs")?);
            Ok(true)
        }
        _ => Ok(false),
    })?;
    if fenced != 0 {
        fields.push(("fenced", number(fenced)));
    }
    if version >= 1 && shutdown != 0 {
        fields.push(("inControlledShutdown", number(shutdown)));
    }
    if let Some(dirs) = log_dirs.filter(|d| *d != Json::Array(Vec::new())) {
        fields.push(("logDirs", dirs));
    }
    Ok(object(fields))
}

/// `NoOpRecord` (v0): no fields.
fn no_op(r: &mut Reader<'_>, _version: i16) -> WireResult<Json> {
    no_tags(r)?;
    Ok(object(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::group::records::wire::Writer;

    fn json(api_key: i16, version: i16, bytes: &[u8]) -> WireResult<String> {
        let record = record_type(api_key).ok_or(WireError::Invalid("type".into()))?;
        let mut r = Reader::new(bytes);
        let json = (record.read)(&mut r, version)?;
        assert_eq!(r.remaining(), 0, "all read");
        Ok(json.to_text())
    }

    /// PartitionRecord's fixed part: id 0, topic id 0, replicas [1], isr [1], no adding or
    /// removing replicas, leader 1, epochs 5 and 6.
    fn partition_head(w: &mut Writer) {
        w.i32(0);
        w.uuid(crate::engine::ids::Uuid::ZERO);
        for list in [&[1][..], &[1], &[], &[]] {
            let _ = w.i32_array(list, true);
        }
        w.i32(1);
        w.i32(5);
        w.i32(6);
    }

    #[test]
    fn partition_records_print_the_fields_of_their_version() {
        // v0: no directories; a leader recovering from an unclean election (tag 0 = 1).
        let mut w = Writer::default();
        partition_head(&mut w);
        w.tagged_fields(vec![(0, vec![1])], &[]);
        let head = r#"{"partitionId":0,"topicId":"AAAAAAAAAAAAAAAAAAAAAA","replicas":[1],"isr":[1],"removingReplicas":[],"addingReplicas":[],"leader":1"#;
        assert_eq!(
            json(3, 0, &w.out),
            Ok(format!(
                r#"{head},"leaderRecoveryState":1,"leaderEpoch":5,"partitionEpoch":6}}"#
            ))
        );
        // v2 with an empty ELR (written: not null) and no LastKnownElr (null: left out).
        let mut w = Writer::default();
        partition_head(&mut w);
        let _ = w.array_len(Some(0), true);
        w.tagged_fields(vec![(1, vec![1])], &[]);
        assert_eq!(
            json(3, 2, &w.out),
            Ok(format!(
                r#"{head},"leaderEpoch":5,"partitionEpoch":6,"directories":[],"eligibleLeaderReplicas":[]}}"#
            ))
        );
        // The ELR's tag at version 0 is refused, as the generated reader refuses it.
        let mut w = Writer::default();
        partition_head(&mut w);
        w.tagged_fields(vec![(1, vec![1])], &[]);
        assert!(json(3, 0, &w.out).is_err());
    }

    #[test]
    fn a_partition_change_prints_only_what_changed_in_schema_order() {
        let mut w = Writer::default();
        w.i32(2);
        w.uuid(crate::engine::ids::Uuid::ZERO);
        // Tags 1 (leader -1: no leader now), 5 (recovery state 0), 8 (directories), 6 (ELR []).
        w.tagged_fields(
            vec![
                (1, (-1i32).to_be_bytes().to_vec()),
                (5, vec![0]),
                (6, vec![1]),
                (8, vec![1]),
            ],
            &[],
        );
        assert_eq!(
            json(5, 2, &w.out),
            Ok(r#"{"partitionId":2,"topicId":"AAAAAAAAAAAAAAAAAAAAAA","leader":-1,"leaderRecoveryState":0,"directories":[],"eligibleLeaderReplicas":[]}"#.to_string())
        );
    }

    #[test]
    fn broker_registration_changes_leave_out_their_defaults() {
        let mut w = Writer::default();
        w.i32(1);
        w.i64(9);
        w.tagged_fields(vec![(0, vec![0xff]), (1, vec![1])], &[]);
        assert_eq!(
            json(17, 1, &w.out),
            Ok(
                r#"{"brokerId":1,"brokerEpoch":9,"fenced":-1,"inControlledShutdown":1}"#
                    .to_string()
            )
        );
        let mut w = Writer::default();
        w.i32(1);
        w.i64(9);
        w.tagged_fields(Vec::new(), &[]);
        assert_eq!(
            json(17, 0, &w.out),
            Ok(r#"{"brokerId":1,"brokerEpoch":9}"#.to_string())
        );
    }
}
