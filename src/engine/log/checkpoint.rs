//! Kafka's checkpoint files: the text formats of `CheckpointFile` and its two entry formatters.
//!
//! Follows `org.apache.kafka.server.common.CheckpointFile` (server-common): a version line (`0`),
//! a line with the number of entries, then one entry per line, each line ended by `\n`.
//!
//! - `OffsetCheckpointFile` (storage, `internals/checkpoint`): `topic partition offset`, used for
//!   `recovery-point-offset-checkpoint` and `log-start-offset-checkpoint` (`LogManager`),
//!   `replication-offset-checkpoint` (high watermarks, `ReplicaManager`) and
//!   `cleaner-offset-checkpoint` (`LogCleanerManager`), all at the top of a log dir.
//! - `LeaderEpochCheckpointFile`: `epoch startOffset`, in `<topic>-<partition>/leader-epoch-checkpoint`.
//!
//! Kafka writes offset entries in `HashMap` order, which is unspecified; here they are sorted by
//! topic, then partition, so the same state always gives the same bytes. Reading follows
//! `CheckpointReadBuffer`: its messages, Java's line ends (`\n`, `\r\n`, `\r`), and its
//! whitespace splitting (`\s+`, where a leading blank makes an empty first field). A number that
//! does not parse inside an entry escapes Kafka as a raw `NumberFormatException`; it is
//! [`CheckpointError::NumberFormat`] here, with Java's text.

use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// `CheckpointFile` version of every checkpoint here (`OffsetCheckpointFile.CURRENT_VERSION`).
pub const CURRENT_VERSION: i32 = 0;
/// Per log dir: where each partition's log is known to be flushed up to (`LogManager`).
pub const RECOVERY_POINT_OFFSET_CHECKPOINT: &str = "recovery-point-offset-checkpoint";
/// Per log dir: each partition's log start offset (`LogManager`).
pub const LOG_START_OFFSET_CHECKPOINT: &str = "log-start-offset-checkpoint";
/// Per log dir: each partition's high watermark (`ReplicaManager.HighWatermarkFilename`).
pub const REPLICATION_OFFSET_CHECKPOINT: &str = "replication-offset-checkpoint";
/// Per log dir: where the log cleaner got to in each compacted partition (`LogCleanerManager`).
pub const CLEANER_OFFSET_CHECKPOINT: &str = "cleaner-offset-checkpoint";
/// Per partition directory: the first offset of each leader epoch (`LeaderEpochCheckpointFile`).
pub const LEADER_EPOCH_CHECKPOINT: &str = "leader-epoch-checkpoint";

/// Offsets by topic and partition, the contents of an offset checkpoint.
pub type OffsetCheckpoint = BTreeMap<(String, i32), i64>;

/// Why a checkpoint file could not be read, in the words Kafka uses. `location` is the path as
/// Kafka would print it (the file's absolute path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The file is not UTF-8: `MalformedInputException` from the reader's decoder.
    #[error("Input length = {length}")]
    MalformedInput { location: String, length: usize },
    #[error("Unrecognised version:{found}, expected version: {expected} in checkpoint file at: {location}")]
    UnrecognisedVersion {
        location: String,
        found: i32,
        expected: i32,
    },
    /// `new ArrayList<>(expectedSize)` with a negative count.
    #[error("Illegal Capacity: {count}")]
    IllegalCapacity { location: String, count: i32 },
    #[error("Malformed line in checkpoint file [{location}]: {line}")]
    MalformedLine { location: String, line: String },
    /// Kafka says "found only" even when it found more.
    #[error(
        "Expected [{expected}] entries in checkpoint file [{location}], but found only [{found}]"
    )]
    CountMismatch {
        location: String,
        expected: i32,
        found: usize,
    },
    /// `Integer.parseInt`/`Long.parseLong` on a field of an entry.
    #[error("For input string: \"{input}\"")]
    NumberFormat { location: String, input: String },
}

/// An offset checkpoint's text: `0`, the count, then `topic partition offset` lines.
pub fn encode_offsets(offsets: &OffsetCheckpoint) -> String {
    encode(
        offsets.len(),
        offsets
            .iter()
            .map(|((topic, partition), offset)| format!("{topic} {partition} {offset}")),
    )
}

/// Reads an offset checkpoint (`OffsetCheckpointFile.read`). A partition listed twice keeps its
/// last offset, as Kafka's `HashMap.put` does. An empty file is an empty checkpoint.
pub fn parse_offsets(location: &str, bytes: &[u8]) -> Result<OffsetCheckpoint, CheckpointError> {
    let entries = read_entries(location, bytes, |fields| match fields {
        [topic, partition, offset] => {
            let partition = parse_int(location, partition)?;
            let offset = parse_long(location, offset)?;
            Ok(Some(((topic.to_string(), partition), offset)))
        }
        _ => Ok(None),
    })?;
    Ok(entries.into_iter().collect_map())
}

/// A `leader-epoch-checkpoint`'s text: `0`, the count, then `epoch startOffset` lines, in the
/// order given (Kafka's epoch cache keeps them by epoch).
pub fn encode_leader_epochs(entries: &[(i32, i64)]) -> String {
    encode(
        entries.len(),
        entries
            .iter()
            .map(|(epoch, start_offset)| format!("{epoch} {start_offset}")),
    )
}

/// Reads a `leader-epoch-checkpoint` (`LeaderEpochCheckpointFile.read`), in file order.
pub fn parse_leader_epochs(
    location: &str,
    bytes: &[u8],
) -> Result<Vec<(i32, i64)>, CheckpointError> {
    read_entries(location, bytes, |fields| match fields {
        [epoch, start_offset] => Ok(Some((
            parse_int(location, epoch)?,
            parse_long(location, start_offset)?,
        ))),
        _ => Ok(None),
    })
}

/// `CheckpointWriteBuffer.write`; `BufferedWriter.newLine` is `\n` on the systems Kafka runs on.
fn encode(count: usize, lines: impl Iterator<Item = String>) -> String {
    let mut text = format!("{CURRENT_VERSION}\n{count}\n");
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `CheckpointReadBuffer.read`: `parse_entry` gets the fields of one line, split as Kafka's
/// formatters split them, and returns `None` for a line with the wrong number of fields.
fn read_entries<T>(
    location: &str,
    bytes: &[u8],
    parse_entry: impl Fn(&[&str]) -> Result<Option<T>, CheckpointError>,
) -> Result<Vec<T>, CheckpointError> {
    let text = std::str::from_utf8(bytes).map_err(|e| CheckpointError::MalformedInput {
        location: location.to_string(),
        length: e.error_len().unwrap_or(1),
    })?;
    let mut lines = java_lines(text).into_iter();
    let malformed = |line: &str| CheckpointError::MalformedLine {
        location: location.to_string(),
        line: line.to_string(),
    };
    let Some(line) = lines.next() else {
        return Ok(Vec::new());
    };
    let version: i32 = line.parse().map_err(|_| malformed(line))?;
    if version != CURRENT_VERSION {
        return Err(CheckpointError::UnrecognisedVersion {
            location: location.to_string(),
            found: version,
            expected: CURRENT_VERSION,
        });
    }
    let Some(line) = lines.next() else {
        return Ok(Vec::new());
    };
    let expected: i32 = line.parse().map_err(|_| malformed(line))?;
    if expected < 0 {
        return Err(CheckpointError::IllegalCapacity {
            location: location.to_string(),
            count: expected,
        });
    }
    let mut entries = Vec::new();
    for line in lines {
        let entry = parse_entry(&java_split_whitespace(line))?.ok_or_else(|| malformed(line))?;
        entries.push(entry);
    }
    if entries.len() != expected as usize {
        return Err(CheckpointError::CountMismatch {
            location: location.to_string(),
            expected,
            found: entries.len(),
        });
    }
    Ok(entries)
}

/// `BufferedReader.readLine` over the whole text: `\n`, `\r\n` and `\r` end a line, and a last
/// line without an ending still counts.
pub(crate) fn java_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(end) => {
                lines.push(&rest[..end]);
                let ending = if rest[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = &rest[end + ending..];
            }
            None => {
                lines.push(rest);
                rest = "";
            }
        }
    }
    lines
}

/// `Pattern.compile("\\s+").split(line)`: Java's `\s` is ASCII whitespace; a leading run gives an
/// empty first field, trailing empty fields are dropped, and an empty line is one empty field.
fn java_split_whitespace(line: &str) -> Vec<&str> {
    if line.is_empty() {
        return vec![""];
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r');
    let mut fields: Vec<&str> = line.split(is_space).collect();
    // Runs of whitespace split into empty pieces in between; keep the leading one only.
    let leading = fields.first().is_some_and(|f| f.is_empty());
    fields.retain(|f| !f.is_empty());
    if leading && !fields.is_empty() {
        fields.insert(0, "");
    }
    fields
}

fn parse_int(location: &str, text: &str) -> Result<i32, CheckpointError> {
    text.parse().map_err(|_| number_format(location, text))
}

fn parse_long(location: &str, text: &str) -> Result<i64, CheckpointError> {
    text.parse().map_err(|_| number_format(location, text))
}

fn number_format(location: &str, input: &str) -> CheckpointError {
    CheckpointError::NumberFormat {
        location: location.to_string(),
        input: input.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "/tmp/kraft-combined-logs/broker-1/recovery-point-offset-checkpoint";

    fn offsets(entries: &[(&str, i32, i64)]) -> OffsetCheckpoint {
        entries
            .iter()
            .map(|&(topic, partition, offset)| ((topic.to_string(), partition), offset))
            .collect()
    }

    #[test]
    fn offsets_golden_text_is_sorted_by_topic_then_partition() {
        let checkpoint = offsets(&[
            ("orders", 10, 7),
            ("orders", 2, 0),
            ("__consumer_offsets", 0, 42),
        ]);
        assert_eq!(
            encode_offsets(&checkpoint),
            "0\n3\n__consumer_offsets 0 42\norders 2 0\norders 10 7\n"
        );
        assert_eq!(
            parse_offsets(AT, encode_offsets(&checkpoint).as_bytes()),
            Ok(checkpoint)
        );
        assert_eq!(encode_offsets(&OffsetCheckpoint::new()), "0\n0\n");
    }

    #[test]
    fn leader_epochs_golden_text_from_the_class_javadoc() {
        // LeaderEpochCheckpointFile's javadoc: version 0, 2 entries, "0 1" and "1 2".
        let text = "0\n2\n0 1\n1 2\n";
        assert_eq!(encode_leader_epochs(&[(0, 1), (1, 2)]), text);
        assert_eq!(
            parse_leader_epochs("x", text.as_bytes()),
            Ok(vec![(0, 1), (1, 2)])
        );
    }

    #[test]
    fn reading_is_as_lenient_as_kafka() {
        // Empty file, version only, CRLF endings, runs of blanks and tabs, repeated partitions.
        assert_eq!(parse_offsets(AT, b""), Ok(OffsetCheckpoint::new()));
        assert_eq!(parse_offsets(AT, b"0"), Ok(OffsetCheckpoint::new()));
        assert_eq!(
            parse_offsets(AT, b"0\r\n1\r\nt  0\t5"),
            Ok(offsets(&[("t", 0, 5)]))
        );
        assert_eq!(
            parse_offsets(AT, b"0\r1\rt 0 5 \r"),
            Ok(offsets(&[("t", 0, 5)]))
        );
        assert_eq!(
            parse_offsets(AT, b"0\n2\nt 0 5\nt 0 9\n"),
            Ok(offsets(&[("t", 0, 9)]))
        );
        assert_eq!(
            parse_offsets(AT, b"0\n1\nt +1 -1\n"),
            Ok(offsets(&[("t", 1, -1)]))
        );
    }

    fn error(bytes: &[u8]) -> String {
        parse_offsets(AT, bytes).unwrap_err().to_string()
    }

    #[test]
    fn malformed_files_get_kafkas_messages() {
        let at = AT;
        assert_eq!(
            error(b"1\n0\n"),
            format!("Unrecognised version:1, expected version: 0 in checkpoint file at: {at}")
        );
        assert_eq!(
            error(b"zero\n"),
            format!("Malformed line in checkpoint file [{at}]: zero")
        );
        assert_eq!(
            error(b" 0\n"),
            format!("Malformed line in checkpoint file [{at}]:  0")
        );
        assert_eq!(
            error(b"0\nx\n"),
            format!("Malformed line in checkpoint file [{at}]: x")
        );
        assert_eq!(
            error(b"0\n1\nt 0\n"),
            format!("Malformed line in checkpoint file [{at}]: t 0")
        );
        assert_eq!(
            error(b"0\n1\n t 0 1\n"),
            format!("Malformed line in checkpoint file [{at}]:  t 0 1")
        );
        assert_eq!(
            error(b"0\n1\n\n"),
            format!("Malformed line in checkpoint file [{at}]: ")
        );
        assert_eq!(
            error(b"0\n2\nt 0 1\n"),
            format!("Expected [2] entries in checkpoint file [{at}], but found only [1]")
        );
        assert_eq!(
            error(b"0\n0\nt 0 1\n"),
            format!("Expected [0] entries in checkpoint file [{at}], but found only [1]")
        );
        assert_eq!(error(b"0\n-1\n"), "Illegal Capacity: -1");
        assert_eq!(error(b"0\n1\nt x 1\n"), "For input string: \"x\"");
        assert_eq!(
            error(b"0\n1\nt 0 99999999999999999999\n"),
            "For input string: \"99999999999999999999\""
        );
        assert_eq!(error(b"0\n1\nt \xff 1\n"), "Input length = 1");
        let err = parse_leader_epochs("e", b"0\n1\n1 2 3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Malformed line in checkpoint file [e]: 1 2 3"
        );
    }

    #[test]
    fn java_whitespace_split() {
        assert_eq!(java_split_whitespace(""), vec![""]);
        assert_eq!(java_split_whitespace("   "), Vec::<&str>::new());
        assert_eq!(
            java_split_whitespace(" a\u{0B}b\x0c c "),
            vec!["", "a", "b", "c"]
        );
        // A non-ASCII space is not Java's \\s.
        assert_eq!(java_split_whitespace("a\u{A0}b"), vec!["a\u{A0}b"]);
    }
}
