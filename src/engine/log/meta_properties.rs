//! `meta.properties`: the identity of a log dir, as Kafka 4.1 writes it for a KRaft node.
//!
//! Follows `org.apache.kafka.metadata.properties.MetaProperties` (version 1: `node.id`,
//! `cluster.id`, optional `directory.id`) and `PropertiesUtils`, which writes it with Java's
//! `Properties.store(writer, "")`: a `#` line (the empty comment), a `#` line with the date in
//! `Date.toString()` form, then the entries in the order `Properties` iterates them — for these
//! keys `node.id`, `directory.id`, `version`, `cluster.id`, as files written by Kafka 3.7 and later
//! show. The date here is simulated time, printed in UTC (`#Wed Jan 01 00:00:00 UTC 2025`).
//!
//! Reading follows `Properties.load(InputStream)` (ISO-8859-1, `#`/`!` comments, `=`, `:` or blank
//! separators, backslash escapes and continuation lines) and `MetaProperties.Builder`'s checks and
//! messages. Only version 1 is accepted: it is what `kafka-storage.sh format` writes for Kafka 4.1.

use super::checkpoint::java_lines;
use crate::engine::ids::Uuid;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The file's name, at the top of every log dir (`MetaPropertiesEnsemble.META_PROPERTIES_NAME`).
pub const META_PROPERTIES: &str = "meta.properties";

/// A KRaft log dir's identity (`MetaProperties` version 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaProperties {
    pub node_id: i32,
    pub cluster_id: String,
    /// `directory.id`: Kafka 3.7+ always writes one; older version-1 files lack it.
    pub directory_id: Option<Uuid>,
}

/// Why `meta.properties` could not be read: the `RuntimeException` messages of Kafka's reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaPropertiesError {
    #[error("Invalid meta.properties version string '{0}'")]
    InvalidVersion(String),
    #[error("Unknown meta.properties version number {0}")]
    UnknownVersion(i32),
    /// Version 0 (implied when `version` is missing: a ZooKeeper-era file) or 2.
    #[error("meta.properties version {0} is not supported: Kafka 4.1 formats KRaft log dirs as version 1")]
    UnsupportedVersion(i32),
    /// `PropertiesUtils.loadRequiredIntProp`.
    #[error("Failed to find {0}")]
    MissingKey(&'static str),
    #[error("Unable to read {0} as a base-10 number.")]
    NotANumber(&'static str),
    #[error("cluster.id was not found.")]
    MissingClusterId,
    #[error("Unable to read directory.id as a Uuid: {0}")]
    InvalidDirectoryId(String),
    /// `Properties.load` on a bad `\uXXXX` escape.
    #[error("Malformed \\uxxxx encoding.")]
    MalformedUnicodeEscape,
}

impl MetaProperties {
    /// The file's text, dated `now_ms` (simulated milliseconds since the epoch).
    pub fn encode(&self, now_ms: i64) -> String {
        let mut entries = vec![("node.id", self.node_id.to_string())];
        if let Some(directory_id) = self.directory_id {
            entries.push(("directory.id", directory_id.to_string()));
        }
        entries.push(("version", "1".to_string()));
        entries.push(("cluster.id", self.cluster_id.clone()));
        let mut text = format!("#\n#{}\n", java_date_utc(now_ms));
        for (key, value) in entries {
            let _ = writeln!(
                text,
                "{}={}",
                store_escape(key, true),
                store_escape(&value, false)
            );
        }
        text
    }

    /// Reads the file, with `MetaProperties.Builder(Properties)`'s checks in its order.
    pub fn parse(bytes: &[u8]) -> Result<Self, MetaPropertiesError> {
        let props = load_properties(bytes)?;
        let version_text = props.get("version").map_or("0", String::as_str);
        let version: i32 = version_text
            .trim()
            .parse()
            .map_err(|_| MetaPropertiesError::InvalidVersion(version_text.to_string()))?;
        match version {
            1 => {}
            0 | 2 => return Err(MetaPropertiesError::UnsupportedVersion(version)),
            _ => return Err(MetaPropertiesError::UnknownVersion(version)),
        }
        let node_id = props
            .get("node.id")
            .ok_or(MetaPropertiesError::MissingKey("node.id"))?
            .parse()
            .map_err(|_| MetaPropertiesError::NotANumber("node.id"))?;
        let directory_id = match props.get("directory.id") {
            Some(text) => {
                Some(uuid_from_string(text).map_err(MetaPropertiesError::InvalidDirectoryId)?)
            }
            None => None,
        };
        let cluster_id = props
            .get("cluster.id")
            .ok_or(MetaPropertiesError::MissingClusterId)?
            .clone();
        Ok(MetaProperties {
            node_id,
            cluster_id,
            directory_id,
        })
    }
}

/// Java's `Date.toString()` in UTC: `EEE MMM dd HH:mm:ss zzz yyyy`, e.g.
/// `Wed Jan 01 00:00:00 UTC 2025`. The calendar is the proleptic Gregorian one (Java switches to
/// the Julian calendar before October 1582, which no simulated clock reaches).
pub fn java_date_utc(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = ms.div_euclid(86_400_000);
    let seconds = ms.rem_euclid(86_400_000) / 1000;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = DAYS[(days + 4).rem_euclid(7) as usize];
    format!(
        "{weekday} {} {day:02} {:02}:{:02}:{:02} UTC {year}",
        MONTHS[(month - 1) as usize],
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Year, month (1–12) and day (1–31) of a day counted from 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`: 400-year eras of 146097 days, with
/// years starting in March so the leap day falls at the end).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `Properties.saveConvert` without Unicode escapes (the writer form of `store`): backslash,
/// separators and comment characters are escaped, and spaces in keys or leading a value.
fn store_escape(text: &str, is_key: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        match c {
            ' ' if index == 0 || is_key => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{0C}' => out.push_str("\\f"),
            '\\' | '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `Properties.load(InputStream)`: the bytes as ISO-8859-1, logical lines joined across
/// continuations, comments and blank lines skipped; a later key wins.
pub fn load_properties(bytes: &[u8]) -> Result<BTreeMap<String, String>, MetaPropertiesError> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut props = BTreeMap::new();
    for line in logical_lines(&text) {
        let (key, value) = split_key_value(&line);
        props.insert(unescape(key)?, unescape(value)?);
    }
    Ok(props)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{0C}')
}

/// Natural lines end as Java's do (`\n`, `\r`, `\r\n`); a line ending in an odd number of
/// backslashes continues on the next, whose leading blanks are dropped. Comment and blank lines
/// are skipped, but only where a logical line would start.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending: Option<String> = None;
    for natural in java_lines(text) {
        let trimmed = natural.trim_start_matches(is_blank);
        let mut line = match pending.take() {
            Some(mut line) => {
                line.push_str(trimmed);
                line
            }
            None if trimmed.is_empty() || trimmed.starts_with(['#', '!']) => continue,
            None => trimmed.to_string(),
        };
        if line.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1 {
            line.pop();
            pending = Some(line);
        } else {
            lines.push(line);
        }
    }
    lines.extend(pending);
    lines
}

/// `Properties.load0`: the key ends at the first unescaped `=`, `:` or blank; the blanks after it
/// and at most one `=` or `:` among them are skipped.
fn split_key_value(line: &str) -> (&str, &str) {
    let mut escaped = false;
    let mut key_end = line.len();
    let mut has_separator = false;
    for (index, c) in line.char_indices() {
        if !escaped && (c == '=' || c == ':' || is_blank(c)) {
            key_end = index;
            has_separator = c == '=' || c == ':';
            break;
        }
        escaped = c == '\\' && !escaped;
    }
    // Every separator is one byte.
    let mut value = line.get(key_end + 1..).unwrap_or("");
    loop {
        value = value.trim_start_matches(is_blank);
        match value.strip_prefix(['=', ':']) {
            Some(rest) if !has_separator => {
                has_separator = true;
                value = rest;
            }
            _ => break,
        }
    }
    (&line[..key_end], value)
}

/// `Properties.loadConvert`: `\t`, `\n`, `\r`, `\f`, `\uXXXX`, and `\x` for any other `x`.
fn unescape(text: &str) -> Result<String, MetaPropertiesError> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{0C}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or(MetaPropertiesError::MalformedUnicodeEscape)?;
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

/// Kafka's `Uuid.fromString`, with its messages: at most 24 characters, URL-safe base64 (padding
/// optional, as `Base64.getUrlDecoder`), exactly 16 bytes.
fn uuid_from_string(text: &str) -> Result<Uuid, String> {
    if text.encode_utf16().count() > 24 {
        let prefix: String = text.chars().take(24).collect();
        return Err(format!(
            "Input string with prefix `{prefix}` is too long to be decoded as a base64 UUID"
        ));
    }
    let bytes = base64_url_decode(text)?;
    let Ok(bytes) = <[u8; 16]>::try_from(bytes.as_slice()) else {
        return Err(format!(
            "Input string `{text}` decoded as {} bytes, which is not equal to the expected 16 \
             bytes of a base64-encoded UUID",
            bytes.len()
        ));
    };
    let (high, low) = bytes.split_at(8);
    let word = |half: &[u8]| half.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
    Ok(Uuid::new(word(high), word(low)))
}

/// `Base64.getUrlDecoder().decode`, reduced to what a UUID needs; its messages for bad input.
fn base64_url_decode(text: &str) -> Result<Vec<u8>, String> {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 0 && (padding > 2 || text.len() % 4 != 0) {
        return Err("Input byte array has wrong 4-byte ending unit".to_string());
    }
    let mut bytes = Vec::with_capacity(body.len() * 3 / 4);
    let (mut bits, mut bit_count) = (0u32, 0u32);
    for c in body.chars() {
        let value = match c {
            'A'..='Z' => u32::from(c) - u32::from('A'),
            'a'..='z' => u32::from(c) - u32::from('a') + 26,
            '0'..='9' => u32::from(c) - u32::from('0') + 52,
            '-' => 62,
            '_' => 63,
            // Java decodes the String as ISO-8859-1 bytes ('?' beyond) and prints the signed byte.
            _ => {
                let byte = u8::try_from(u32::from(c)).unwrap_or(b'?') as i8;
                let shown = if byte < 0 {
                    format!("-{:x}", -i16::from(byte))
                } else {
                    format!("{byte:x}")
                };
                return Err(format!("Illegal base64 character {shown}"));
            }
        };
        bits = (bits << 6) | value;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            bytes.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    if body.len() % 4 == 1 {
        return Err("Last unit does not have enough valid bits".to_string());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory id seen in a real Kafka 3.8 `meta.properties` (its bytes checked with Python's
    /// `base64.urlsafe_b64decode`).
    const DIRECTORY_ID: Uuid = Uuid::new(0xc4b7_6dd4_859d_f367, 0xbd88_6e37_4cc0_1ae8);

    fn sample() -> MetaProperties {
        MetaProperties {
            node_id: 1,
            cluster_id: "MkU3OEVBNTcwNTJENDM2Qk".to_string(),
            directory_id: Some(DIRECTORY_ID),
        }
    }

    #[test]
    fn golden_file_as_kafka_writes_it() {
        let text = sample().encode(1_735_689_600_000);
        assert_eq!(
            text,
            "#\n#Wed Jan 01 00:00:00 UTC 2025\nnode.id=1\ndirectory.id=xLdt1IWd82e9iG43TMAa6A\n\
             version=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n"
        );
        assert_eq!(MetaProperties::parse(text.as_bytes()), Ok(sample()));
        let without_directory = MetaProperties {
            directory_id: None,
            ..sample()
        };
        let text = without_directory.encode(0);
        assert_eq!(
            text,
            "#\n#Thu Jan 01 00:00:00 UTC 1970\nnode.id=1\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n"
        );
        assert_eq!(
            MetaProperties::parse(text.as_bytes()),
            Ok(without_directory)
        );
    }

    #[test]
    fn dates_print_as_java_date_to_string_in_utc() {
        // Expected values from Python's datetime (strftime "%a %b %d %H:%M:%S UTC %Y").
        assert_eq!(
            java_date_utc(1_735_689_600_000),
            "Wed Jan 01 00:00:00 UTC 2025"
        );
        assert_eq!(
            java_date_utc(1_709_210_096_000),
            "Thu Feb 29 12:34:56 UTC 2024"
        );
        assert_eq!(
            java_date_utc(951_868_799_999),
            "Tue Feb 29 23:59:59 UTC 2000"
        );
        assert_eq!(
            java_date_utc(4_107_542_400_000),
            "Mon Mar 01 00:00:00 UTC 2100"
        );
        assert_eq!(java_date_utc(-1), "Wed Dec 31 23:59:59 UTC 1969");
        // Never a panic, whatever the clock says.
        for ms in [i64::MIN, i64::MAX] {
            assert!(java_date_utc(ms).contains(" UTC "));
        }
    }

    #[test]
    fn properties_load_like_java() {
        let text = b"# comment\n! also\n\n  a = 1\r\nb:2\nc 3\nd\\\n   continued\ne\\=x=y\nf=\\u0041\\t\nb=last\ng\n";
        let props = load_properties(text).unwrap();
        let expect = [
            ("a", "1"),
            ("b", "last"),
            ("c", "3"),
            ("dcontinued", ""),
            ("e=x", "y"),
            ("f", "A\t"),
            ("g", ""),
        ];
        let expect: BTreeMap<String, String> = expect
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(props, expect);
        assert_eq!(
            load_properties(b"k=\\u00zz"),
            Err(MetaPropertiesError::MalformedUnicodeEscape)
        );
        // ISO-8859-1, as Properties.load(InputStream) reads.
        assert_eq!(load_properties(b"k=\xe9").unwrap()["k"], "\u{e9}");
    }

    #[test]
    fn values_are_escaped_as_properties_store_does() {
        assert_eq!(
            store_escape(" a b=c:d#e!f\\", false),
            "\\ a b\\=c\\:d\\#e\\!f\\\\"
        );
        assert_eq!(store_escape("a b", true), "a\\ b");
        let odd = MetaProperties {
            cluster_id: " odd=id ".to_string(),
            ..sample()
        };
        assert_eq!(MetaProperties::parse(odd.encode(0).as_bytes()), Ok(odd));
    }

    fn error(text: &str) -> String {
        MetaProperties::parse(text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn missing_or_bad_keys_get_kafkas_messages() {
        assert_eq!(
            error("version=x\n"),
            "Invalid meta.properties version string 'x'"
        );
        assert_eq!(
            error("version=7\n"),
            "Unknown meta.properties version number 7"
        );
        assert!(error("broker.id=1\n").starts_with("meta.properties version 0 is not supported"));
        assert_eq!(error("version=1\ncluster.id=c\n"), "Failed to find node.id");
        assert_eq!(
            error("version=1\nnode.id=one\n"),
            "Unable to read node.id as a base-10 number."
        );
        assert_eq!(error("version=1\nnode.id=1\n"), "cluster.id was not found.");
        assert_eq!(
            error("version=1\nnode.id=1\ncluster.id=c\ndirectory.id=AAAA\n"),
            "Unable to read directory.id as a Uuid: Input string `AAAA` decoded as 3 bytes, \
             which is not equal to the expected 16 bytes of a base64-encoded UUID"
        );
        assert_eq!(
            error("version=1\nnode.id=1\ncluster.id=c\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAAAAA\n"),
            "Unable to read directory.id as a Uuid: Input string with prefix \
             `AAAAAAAAAAAAAAAAAAAAAAAA` is too long to be decoded as a base64 UUID"
        );
        assert_eq!(
            error("version=1\nnode.id=1\ncluster.id=c\ndirectory.id=AA+A\n"),
            "Unable to read directory.id as a Uuid: Illegal base64 character 2b"
        );
    }

    #[test]
    fn uuids_decode_as_kafka_does() {
        assert_eq!(uuid_from_string("xLdt1IWd82e9iG43TMAa6A"), Ok(DIRECTORY_ID));
        assert_eq!(
            uuid_from_string("xLdt1IWd82e9iG43TMAa6A=="),
            Ok(DIRECTORY_ID)
        );
        assert_eq!(
            uuid_from_string("AAAAA"),
            Err("Last unit does not have enough valid bits".to_string())
        );
        assert_eq!(
            uuid_from_string("AA\u{e9}A"),
            Err("Illegal base64 character -17".to_string())
        );
    }
}
