//! `--cluster-metadata-decoder`: the records of a KRaft `__cluster_metadata` log as Kafka 4.1's
//! `DumpLogSegments.ClusterMetadataLogMessageParser` prints them, and the `LeaderChange` control
//! record as `DumpLogSegments.printControlRecord` prints it (KAFKA-19069).
//!
//! - A data record's value is read as `MetadataRecordSerde.read` (`AbstractApiMessageSerde`)
//!   reads it: an unsigned varint frame version (1), the record's api key and version, the
//!   message, and nothing after it. The payload is `{"type":"<MetadataRecordType>",
//!   "version":<version>,"data":<MetadataJsonConverters.writeJson>}`; a metadata record has no
//!   key. Any failure prints `Error at <offset>, skipping. <message>` as the payload instead.
//! - A `LEADER_CHANGE` control record prints ` LeaderChange: <LeaderChangeMessageJsonConverter>`
//!   (and `SNAPSHOT_HEADER`, `SNAPSHOT_FOOTER`, `KRAFT_VERSION`, `KRAFT_VOTERS` print
//!   ` SnapshotHeader {…}`, ` SnapshotFooter {…}`, ` KRaftVersion {…}`, ` KRaftVoters {…}`,
//!   whatever the decoder); each is read as `ControlRecordUtils.deserialize…` reads it (the
//!   message at version 0, no version prefix), outside any `try`, so a record that does not read
//!   ends the tool with the reader's exception.
//!
//! The JSON of each record type is in [`schemas`].

mod schemas;

use super::java::{Failure, Outcome, BUFFER_UNDERFLOW, ILLEGAL_ARGUMENT, NULL_POINTER};
use crate::cli::json::Json;
use crate::engine::group::records::wire::{Reader, WireError, WireResult};

/// `AbstractApiMessageSerde.DEFAULT_FRAME_VERSION`.
const FRAME_VERSION: i16 = 1;

/// `ClusterMetadataLogMessageParser.parse`: no key, and the payload text.
pub(super) fn parse(offset: i64, value: Option<&[u8]>) -> (Option<String>, Option<String>) {
    let payload = match read_record(value) {
        Ok(json) => json.to_text(),
        Err(message) => format!("Error at {offset}, skipping. {message}"),
    };
    (None, Some(payload))
}

/// `MetadataRecordSerde.read` and the JSON envelope; `Err` is the exception's `getMessage`.
fn read_record(value: Option<&[u8]>) -> Result<Json, String> {
    // A null value fails on the first read, inside `unsignedIntToShort`'s own `try`.
    let bytes = value.ok_or_else(|| "Error while reading frame version".to_string())?;
    let mut r = Reader::new(bytes);
    let frame = unsigned_int_to_short(&mut r, "frame version")?;
    if frame == 0 {
        return Err(
            "Could not deserialize metadata record with frame version 0. Note that \
                    upgrades from the preview release of KRaft in 2.8 to newer versions are not \
                    supported."
                .to_string(),
        );
    }
    if frame != FRAME_VERSION {
        return Err(format!(
            "Could not deserialize metadata record due to unknown frame version \
             {frame}(only frame version {FRAME_VERSION} is supported)"
        ));
    }
    let api_key = unsigned_int_to_short(&mut r, "type")?;
    let version = unsigned_int_to_short(&mut r, "version")?;
    let Some(record) = schemas::record_type(api_key) else {
        // `MetadataRecordType.fromId` throws, wrapped as `new MetadataParseException(e)`.
        return Err(format!(
            "org.apache.kafka.common.errors.UnsupportedVersionException: Unknown metadata id \
             {api_key}"
        ));
    };
    // `ApiMessage.read` failing is wrapped without its own message.
    let data = (record.read)(&mut r, version)
        .map_err(|_| format!("Failed to deserialize record with type {api_key}"))?;
    if r.remaining() > 0 {
        return Err(format!(
            "Found {} byte(s) of garbage after {api_key}",
            r.remaining()
        ));
    }
    Ok(Json::Object(vec![
        ("type".to_string(), Json::String(record.name.to_string())),
        ("version".to_string(), Json::Number(version.to_string())),
        ("data".to_string(), data),
    ]))
}

/// `AbstractApiMessageSerde.unsignedIntToShort`: a varint that does not read, or one above
/// `Short.MAX_VALUE`, is a `MetadataParseException`; a negative `int` is cast as Java casts it.
fn unsigned_int_to_short(r: &mut Reader<'_>, entity: &str) -> Result<i16, String> {
    let value = r
        .unsigned_varint()
        .map_err(|_| format!("Error while reading {entity}"))?;
    if value > i32::from(i16::MAX) {
        return Err(format!("Value for {entity} was too large."));
    }
    Ok(value as i16)
}

/// ` LeaderChange: {...}` for a `LEADER_CHANGE` control record's value.
pub(super) fn leader_change_text(value: Option<&[u8]>) -> Outcome<String> {
    control_json(value, " LeaderChange: ", read_leader_change)
}

/// The text `printControlRecord` prints for the KRaft control record of type `type_id` (2-6):
/// the message `ControlRecordUtils` reads at version 0, as its generated converter writes it.
pub(super) fn kraft_control_text(type_id: i16, value: Option<&[u8]>) -> Option<Outcome<String>> {
    let (label, read): (&str, fn(&mut Reader<'_>) -> WireResult<Json>) = match type_id {
        2 => return Some(leader_change_text(value)),
        3 => (" SnapshotHeader ", read_snapshot_header),
        4 => (" SnapshotFooter ", read_snapshot_footer),
        5 => (" KRaftVersion ", read_kraft_version),
        6 => (" KRaftVoters ", read_voters),
        _ => return None,
    };
    Some(control_json(value, label, read))
}

/// `label` and the JSON of the message in `value`; a message that does not read ends the tool.
fn control_json(
    value: Option<&[u8]>,
    label: &str,
    read: fn(&mut Reader<'_>) -> WireResult<Json>,
) -> Outcome<String> {
    let Some(value) = value else {
        return Err(Failure::bare(NULL_POINTER));
    };
    let json = read(&mut Reader::new(value)).map_err(|e| match e {
        WireError::Underflow { .. } => Failure::bare(BUFFER_UNDERFLOW),
        // `ByteUtils.readUnsignedVarint` throws `IllegalArgumentException`; the generated
        // reader's own checks throw `RuntimeException`.
        WireError::Invalid(message) if message.starts_with("Varint is too long") => {
            Failure::java(ILLEGAL_ARGUMENT, message)
        }
        WireError::Invalid(message) => Failure::java(RUNTIME_EXCEPTION, message),
    })?;
    Ok(format!("{label}{}", json.to_text()))
}

/// `SnapshotHeaderRecord` v0: `{"version":…,"lastContainedLogTimestamp":…}`.
fn read_snapshot_header(r: &mut Reader<'_>) -> WireResult<Json> {
    let version = r.i16()?;
    let timestamp = r.i64()?;
    r.tagged_fields(|_, _| Ok(false))?;
    Ok(schemas::object(vec![
        ("version", schemas::number(version)),
        ("lastContainedLogTimestamp", schemas::number(timestamp)),
    ]))
}

/// `SnapshotFooterRecord` v0: `{"version":…}`.
fn read_snapshot_footer(r: &mut Reader<'_>) -> WireResult<Json> {
    let version = r.i16()?;
    r.tagged_fields(|_, _| Ok(false))?;
    Ok(schemas::object(vec![("version", schemas::number(version))]))
}

/// `KRaftVersionRecord` v0: `{"version":…,"kRaftVersion":…}`.
fn read_kraft_version(r: &mut Reader<'_>) -> WireResult<Json> {
    let version = r.i16()?;
    let kraft_version = r.i16()?;
    r.tagged_fields(|_, _| Ok(false))?;
    Ok(schemas::object(vec![
        ("version", schemas::number(version)),
        ("kRaftVersion", schemas::number(kraft_version)),
    ]))
}

/// `VotersRecord` v0: each voter's id, directory id, endpoints and supported `kraft.version`s.
fn read_voters(r: &mut Reader<'_>) -> WireResult<Json> {
    let version = r.i16()?;
    let voters = r.struct_array("voters", true, |r| {
        let id = r.i32()?;
        let directory = r.uuid()?;
        let endpoints = r.struct_array("endpoints", true, |r| {
            let name = r.string("name", true)?;
            let host = r.string("host", true)?;
            let port = r.i16()? as u16; // uint16
            r.tagged_fields(|_, _| Ok(false))?;
            Ok(schemas::object(vec![
                ("name", Json::String(name)),
                ("host", Json::String(host)),
                ("port", schemas::number(port)),
            ]))
        })?;
        let min = r.i16()?;
        let max = r.i16()?;
        r.tagged_fields(|_, _| Ok(false))?; // the KRaftVersionFeature struct's
        r.tagged_fields(|_, _| Ok(false))?; // the voter's
        let feature = schemas::object(vec![
            ("minSupportedVersion", schemas::number(min)),
            ("maxSupportedVersion", schemas::number(max)),
        ]);
        Ok(schemas::object(vec![
            ("voterId", schemas::number(id)),
            ("voterDirectoryId", Json::String(directory.to_string())),
            ("endpoints", Json::Array(endpoints)),
            ("kRaftVersionFeature", feature),
        ]))
    })?;
    r.tagged_fields(|_, _| Ok(false))?;
    Ok(schemas::object(vec![
        ("version", schemas::number(version)),
        ("voters", Json::Array(voters)),
    ]))
}

const RUNTIME_EXCEPTION: &str = "java.lang.RuntimeException";

/// `new LeaderChangeMessage(readable, 0)` and `LeaderChangeMessageJsonConverter.write`:
/// `{"version":…,"leaderId":…,"voters":[{"voterId":…}],"grantingVoters":[…]}` (bytes after the
/// message are not looked at).
fn read_leader_change(r: &mut Reader<'_>) -> WireResult<Json> {
    let version = r.i16()?;
    let leader_id = r.i32()?;
    let mut fields = vec![
        ("version", schemas::number(version)),
        ("leaderId", schemas::number(leader_id)),
    ];
    for name in ["voters", "grantingVoters"] {
        let voters = r.struct_array(name, true, |r| {
            let id = r.i32()?;
            r.tagged_fields(|_, _| Ok(false))?;
            Ok(schemas::object(vec![("voterId", schemas::number(id))]))
        })?;
        fields.push((name, Json::Array(voters)));
    }
    r.tagged_fields(|_, _| Ok(false))?;
    Ok(schemas::object(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::group::records::wire::Writer;

    fn payload(bytes: &[u8]) -> String {
        parse(7, Some(bytes)).1.unwrap_or_default()
    }

    #[test]
    fn frames_that_do_not_read_give_the_serdes_messages() {
        let cases: [(&[u8], &str); 7] = [
            (&[], "Error while reading frame version"),
            (&[0, 2, 0], "Could not deserialize metadata record with frame version 0. Note that upgrades from the preview release of KRaft in 2.8 to newer versions are not supported."),
            (&[2, 2, 0], "Could not deserialize metadata record due to unknown frame version 2(only frame version 1 is supported)"),
            (&[1, 0xff, 0xff, 0x03], "Value for type was too large."),
            (&[1, 2], "Error while reading version"),
            (&[1, 2, 0, 1], "Failed to deserialize record with type 2"),
            (&[1, 20, 0, 0, 9], "Found 1 byte(s) of garbage after 20"),
        ];
        for (bytes, message) in cases {
            assert_eq!(payload(bytes), format!("Error at 7, skipping. {message}"));
        }
        assert_eq!(
            parse(3, None),
            (
                None,
                Some("Error at 3, skipping. Error while reading frame version".into())
            )
        );
        assert_eq!(
            payload(&[1, 20, 0, 0]),
            r#"{"type":"NO_OP_RECORD","version":0,"data":{}}"#
        );
    }

    #[test]
    fn leader_change_is_read_without_a_version_prefix() {
        // ControlRecordUtils.deserializeLeaderChangeMessage: the message itself, 19 bytes for one
        // voter (the size KAFKA-19069's example shows).
        let mut w = Writer::default();
        w.i16(0);
        w.i32(1);
        for _ in 0..2 {
            w.unsigned_varint(2);
            w.i32(1);
            w.unsigned_varint(0);
        }
        w.unsigned_varint(0);
        assert_eq!(w.out.len(), 19);
        assert_eq!(
            leader_change_text(Some(&w.out)),
            Ok(
                r#" LeaderChange: {"version":0,"leaderId":1,"voters":[{"voterId":1}],"grantingVoters":[{"voterId":1}]}"#
                    .to_string()
            )
        );
        assert_eq!(
            leader_change_text(Some(&[0, 0, 0, 0, 0, 1, 0])),
            Err(Failure::java(
                RUNTIME_EXCEPTION,
                "non-nullable field voters was serialized as null"
            ))
        );
        assert_eq!(
            leader_change_text(Some(&[0, 0])),
            Err(Failure::bare(BUFFER_UNDERFLOW))
        );
        assert_eq!(leader_change_text(None), Err(Failure::bare(NULL_POINTER)));
        // KRaftVersion and VotersRecord as KAFKA-19069's example printed them.
        assert_eq!(
            kraft_control_text(5, Some(&[0, 0, 0, 1, 0])),
            Some(Ok(
                r#" KRaftVersion {"version":0,"kRaftVersion":1}"#.to_string()
            ))
        );
        let mut w = Writer::default();
        w.i16(0);
        w.unsigned_varint(2);
        w.i32(1);
        w.uuid(crate::engine::ids::Uuid::new(1, 2));
        w.unsigned_varint(2);
        let _ = w.string("name", "CONTROLLER", true);
        let _ = w.string("host", "localhost", true);
        w.i16(9093);
        w.unsigned_varint(0);
        w.i16(0);
        w.i16(1);
        for _ in 0..3 {
            w.unsigned_varint(0);
        }
        assert_eq!(
            kraft_control_text(6, Some(&w.out)),
            Some(Ok(r#" KRaftVoters {"version":0,"voters":[{"voterId":1,"voterDirectoryId":"AAAAAAAAAAEAAAAAAAAAAg","endpoints":[{"name":"CONTROLLER","host":"localhost","port":9093}],"kRaftVersionFeature":{"minSupportedVersion":0,"maxSupportedVersion":1}}]}"#.to_string()))
        );
        assert_eq!(
            kraft_control_text(3, Some(&[0, 0, 0, 0, 0, 0, 0, 0, 0x27, 0x10, 0])),
            Some(Ok(
                r#" SnapshotHeader {"version":0,"lastContainedLogTimestamp":10000}"#.to_string()
            ))
        );
        assert_eq!(kraft_control_text(7, Some(&[])), None);
        let too_long = [0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            leader_change_text(Some(&too_long)),
            Err(Failure::Java {
                class: ILLEGAL_ARGUMENT,
                ..
            })
        ));
    }
}
