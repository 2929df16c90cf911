//! The console producer's line format: `LineMessageReader`
//! (org.apache.kafka.tools.LineMessageReader), which turns each input line into a record with
//! optional headers and key, configured by `--property` (alias `--reader-property`, KIP-1147).
//!
//! Departure: Kafka splits headers with `headers.separator` as a regular expression; here it is a
//! literal string, which is the same for the default `,` and any separator without regex syntax.

use crate::engine::record::Header;
use std::collections::BTreeMap;

/// The reader's settings, with `LineMessageReader`'s defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReaderConfig {
    pub parse_key: bool,
    pub key_separator: String,
    pub parse_headers: bool,
    pub headers_delimiter: String,
    pub headers_separator: String,
    pub headers_key_separator: String,
    pub ignore_error: bool,
    pub null_marker: Option<String>,
}

impl Default for LineReaderConfig {
    fn default() -> Self {
        LineReaderConfig {
            parse_key: false,
            key_separator: "\t".to_string(),
            parse_headers: false,
            headers_delimiter: "\t".to_string(),
            headers_separator: ",".to_string(),
            headers_key_separator: ":".to_string(),
            ignore_error: false,
            null_marker: None,
        }
    }
}

/// A line turned into a record's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

impl LineReaderConfig {
    /// `LineMessageReader.configure`, with its checks and messages (a `KafkaException`).
    pub fn from_properties(props: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut c = LineReaderConfig::default();
        let text = |name: &str, target: &mut String| {
            if let Some(v) = props.get(name) {
                *target = v.clone();
            }
        };
        c.parse_key = props.get("parse.key").is_some_and(|v| is_true(v));
        c.parse_headers = props.get("parse.headers").is_some_and(|v| is_true(v));
        c.ignore_error = props.get("ignore.error").is_some_and(|v| is_true(v));
        text("key.separator", &mut c.key_separator);
        text("headers.delimiter", &mut c.headers_delimiter);
        text("headers.separator", &mut c.headers_separator);
        text("headers.key.separator", &mut c.headers_key_separator);
        c.null_marker = props.get("null.marker").cloned();
        let pairs = [
            (
                &c.headers_delimiter,
                &c.headers_separator,
                "headers.delimiter and headers.separator",
            ),
            (
                &c.headers_delimiter,
                &c.headers_key_separator,
                "headers.delimiter and headers.key.separator",
            ),
            (
                &c.headers_separator,
                &c.headers_key_separator,
                "headers.separator and headers.key.separator",
            ),
        ];
        for (a, b, names) in pairs {
            if a == b {
                return Err(format!("{names} may not be equal"));
            }
        }
        if let Some(marker) = &c.null_marker {
            let others = [
                (&c.key_separator, "key.separator"),
                (&c.headers_separator, "headers.separator"),
                (&c.headers_delimiter, "headers.delimiter"),
                (&c.headers_key_separator, "headers.key.separator"),
            ];
            for (other, name) in others {
                if other == marker {
                    return Err(format!("null.marker and {name} may not be equal"));
                }
            }
        }
        Ok(c)
    }

    /// Parses line `line_number` (1-based), as `LineMessageReader.readRecords` does.
    pub fn parse(&self, line: &str, line_number: usize) -> Result<ParsedLine, String> {
        let headers = self.split_at(
            self.parse_headers,
            line,
            0,
            &self.headers_delimiter,
            "headers delimiter",
            line_number,
        )?;
        let header_end = headers.map_or(0, |h| h.len() + self.headers_delimiter.len());
        let key = self.split_at(
            self.parse_key,
            line,
            header_end,
            &self.key_separator,
            "key separator",
            line_number,
        )?;
        let key_end = key.map_or(0, |k| k.len() + self.key_separator.len());
        let value = &line[header_end + key_end..];
        let parsed_headers = match headers {
            Some(h) if Some(h) != self.null_marker.as_deref() => {
                self.split_headers(h, line_number)?
            }
            _ => Vec::new(),
        };
        Ok(ParsedLine {
            key: key
                .filter(|k| Some(*k) != self.null_marker.as_deref())
                .map(|k| k.as_bytes().to_vec()),
            value: Some(value)
                .filter(|v| Some(*v) != self.null_marker.as_deref())
                .map(|v| v.as_bytes().to_vec()),
            headers: parsed_headers,
        })
    }

    fn split_at<'a>(
        &self,
        enabled: bool,
        line: &'a str,
        start: usize,
        demarcation: &str,
        name: &str,
        line_number: usize,
    ) -> Result<Option<&'a str>, String> {
        if !enabled {
            return Ok(None);
        }
        match line[start..].find(demarcation) {
            Some(index) => Ok(Some(&line[start..start + index])),
            None if self.ignore_error => Ok(None),
            None => Err(format!(
                "No {name} found on line number {line_number}: '{line}'"
            )),
        }
    }

    fn split_headers(&self, headers: &str, line_number: usize) -> Result<Vec<Header>, String> {
        headers
            .split(self.headers_separator.as_str())
            .map(|pair| match pair.find(self.headers_key_separator.as_str()) {
                None if self.ignore_error => Ok(Header {
                    key: pair.to_string(),
                    value: None,
                }),
                None => Err(format!(
                    "No header key separator found in pair '{pair}' on line number {line_number}"
                )),
                Some(i) => {
                    let key = &pair[..i];
                    if Some(key) == self.null_marker.as_deref() {
                        return Err(format!(
                            "Header keys should not be equal to the null marker '{key}' as they can't be null"
                        ));
                    }
                    let value = &pair[i + self.headers_key_separator.len()..];
                    Ok(Header {
                        key: key.to_string(),
                        value: (Some(value) != self.null_marker.as_deref())
                            .then(|| value.as_bytes().to_vec()),
                    })
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> LineReaderConfig {
        let props = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LineReaderConfig::from_properties(&props).expect("valid")
    }

    #[test]
    fn plain_lines_are_values() {
        let parsed = LineReaderConfig::default()
            .parse("hello\tworld", 1)
            .expect("parses");
        assert_eq!(parsed.key, None);
        assert_eq!(parsed.value.as_deref(), Some(&b"hello\tworld"[..]));
    }

    #[test]
    fn keys_headers_and_null_marker() {
        // As LineMessageReaderTest.testHeaderDemarcationCollision and friends.
        let c = config(&[
            ("parse.key", "true"),
            ("key.separator", ":"),
            ("parse.headers", "true"),
            ("headers.key.separator", "="),
            ("null.marker", "<NULL>"),
        ]);
        let parsed = c
            .parse("h1=v1,h2=<NULL>\tuser-1:clicked", 1)
            .expect("parses");
        assert_eq!(parsed.key.as_deref(), Some(&b"user-1"[..]));
        assert_eq!(parsed.value.as_deref(), Some(&b"clicked"[..]));
        assert_eq!(parsed.headers.len(), 2);
        assert_eq!(parsed.headers[1].value, None);
        let tombstone = c.parse("h=1\tk:<NULL>", 2).expect("parses");
        assert_eq!(tombstone.value, None);
    }

    #[test]
    fn kafkas_errors() {
        let c = config(&[("parse.key", "true")]);
        assert_eq!(
            c.parse("no separator", 3).unwrap_err(),
            "No key separator found on line number 3: 'no separator'"
        );
        let lenient = config(&[("parse.key", "true"), ("ignore.error", "true")]);
        assert_eq!(lenient.parse("whole", 1).expect("parses").key, None);
        let props = [("headers.separator".to_string(), ":".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            LineReaderConfig::from_properties(&props).unwrap_err(),
            "headers.separator and headers.key.separator may not be equal"
        );
        let h = config(&[("parse.headers", "true")]);
        assert_eq!(
            h.parse("nokv\tvalue", 1).unwrap_err(),
            "No header key separator found in pair 'nokv' on line number 1"
        );
    }
}
