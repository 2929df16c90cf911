//! The console consumer's output format: `DefaultMessageFormatter`
//! (org.apache.kafka.tools.consumer.DefaultMessageFormatter), configured by `--property`
//! (alias `--formatter-property`, KIP-1147).
//!
//! Fields, each printed only when its `print.*` property is true (the value by default), in the
//! order timestamp, partition, offset, headers, key, value, separated by `key.separator`.

use crate::engine::record::Header;
use std::collections::BTreeMap;

/// One consumed record as the formatter sees it.
#[derive(Debug, Clone, Copy)]
pub struct ConsumedRecord<'a> {
    /// `CreateTime` or `LogAppendTime`.
    pub timestamp_type: &'a str,
    pub timestamp: i64,
    pub partition: i32,
    pub offset: i64,
    pub headers: &'a [Header],
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatter {
    print_timestamp: bool,
    print_partition: bool,
    print_offset: bool,
    print_headers: bool,
    print_key: bool,
    print_value: bool,
    key_separator: String,
    line_separator: String,
    headers_separator: String,
    null_literal: String,
}

impl Default for Formatter {
    fn default() -> Self {
        Formatter::from_properties(&BTreeMap::new())
    }
}

impl Formatter {
    pub fn from_properties(props: &BTreeMap<String, String>) -> Self {
        let flag = |name: &str, default: bool| {
            props
                .get(name)
                .map_or(default, |v| v.trim().eq_ignore_ascii_case("true"))
        };
        let text = |name: &str, default: &str| {
            props
                .get(name)
                .cloned()
                .unwrap_or_else(|| default.to_string())
        };
        Formatter {
            print_timestamp: flag("print.timestamp", false),
            print_partition: flag("print.partition", false),
            print_offset: flag("print.offset", false),
            print_headers: flag("print.headers", false),
            print_key: flag("print.key", false),
            print_value: flag("print.value", true),
            key_separator: text("key.separator", "\t"),
            line_separator: text("line.separator", "\n"),
            headers_separator: text("headers.separator", ","),
            null_literal: text("null.literal", "null"),
        }
    }

    /// The record as the console consumer writes it, line separator included.
    pub fn format(&self, record: &ConsumedRecord<'_>) -> String {
        let mut fields: Vec<String> = Vec::new();
        if self.print_timestamp {
            fields.push(format!("{}:{}", record.timestamp_type, record.timestamp));
        }
        if self.print_partition {
            fields.push(format!("Partition:{}", record.partition));
        }
        if self.print_offset {
            fields.push(format!("Offset:{}", record.offset));
        }
        if self.print_headers {
            fields.push(self.headers(record.headers));
        }
        if self.print_key {
            fields.push(self.bytes(record.key));
        }
        if self.print_value {
            fields.push(self.bytes(record.value));
        }
        let mut line = fields.join(&self.key_separator);
        line.push_str(&self.line_separator);
        line
    }

    fn headers(&self, headers: &[Header]) -> String {
        if headers.is_empty() {
            return "NO_HEADERS".to_string();
        }
        headers
            .iter()
            .map(|h| format!("{}:{}", h.key, self.bytes(h.value.as_deref())))
            .collect::<Vec<_>>()
            .join(&self.headers_separator)
    }

    fn bytes(&self, bytes: Option<&[u8]>) -> String {
        match bytes {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => self.null_literal.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_in_kafkas_order() {
        let props = [
            "print.timestamp",
            "print.partition",
            "print.offset",
            "print.headers",
            "print.key",
        ]
        .iter()
        .map(|k| (k.to_string(), "true".to_string()))
        .collect();
        let formatter = Formatter::from_properties(&props);
        let headers = [Header {
            key: "trace".into(),
            value: Some(b"abc".to_vec()),
        }];
        let record = ConsumedRecord {
            timestamp_type: "CreateTime",
            timestamp: 1735689600000,
            partition: 2,
            offset: 7,
            headers: &headers,
            key: None,
            value: Some(b"hello"),
        };
        assert_eq!(
            formatter.format(&record),
            "CreateTime:1735689600000\tPartition:2\tOffset:7\ttrace:abc\tnull\thello\n"
        );
        let plain = Formatter::default().format(&ConsumedRecord {
            headers: &[],
            ..record
        });
        assert_eq!(plain, "hello\n");
    }
}
