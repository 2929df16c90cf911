//! Config text to typed values and back, as Kafka's `ConfigDef` does it.
//!
//! [`parse`] is `ConfigDef.parseType` for string input: Java's `String.trim()` first, then
//! `Integer.parseInt`, `Long.parseLong`, `Short.parseShort`, `Double.parseDouble`, a
//! case-insensitive `true`/`false`, or a list split on `\s*,\s*`. A failure is Kafka's
//! `ConfigException` with the untrimmed text, e.g.
//! `Invalid value abc for configuration segment.bytes: Not a number of type INT`.
//! [`Value::canonical`] is `ConfigDef.convertToString`, which is what `DescribeConfigs` reports.
//!
//! Java accepts non-ASCII Unicode digits in `parseInt`; the playground accepts ASCII digits only.

use super::decimal::JavaDouble;
use super::{ConfigError, ConfigType};

/// A parsed config value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Boolean(bool),
    /// `INT`, `SHORT` and `LONG`, already range-checked for their type.
    Number(i64),
    Double(JavaDouble),
    /// `STRING`, `CLASS` and `PASSWORD`: the trimmed text.
    Text(String),
    List(Vec<String>),
}

impl Value {
    /// `ConfigDef.convertToString`: `toString` for scalars, a list joined with `,`.
    pub fn canonical(&self) -> String {
        match self {
            Value::Boolean(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Double(d) => d.to_java_string(),
            Value::Text(s) => s.clone(),
            Value::List(items) => items.join(","),
        }
    }

    /// The number, for `INT`/`SHORT`/`LONG` values.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Java's `String.trim()`: strips every char up to U+0020 from both ends (not Unicode spaces).
pub fn java_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

/// Parses `raw` as `config_type`, with Kafka's message on failure.
pub fn parse(name: &str, raw: &str, config_type: ConfigType) -> Result<Value, ConfigError> {
    let trimmed = java_trim(raw);
    let not_a_number =
        || ConfigError::invalid(name, raw, format!("Not a number of type {config_type}"));
    match config_type {
        ConfigType::Boolean => {
            if trimmed.eq_ignore_ascii_case("true") {
                Ok(Value::Boolean(true))
            } else if trimmed.eq_ignore_ascii_case("false") {
                Ok(Value::Boolean(false))
            } else {
                Err(ConfigError::invalid(
                    name,
                    raw,
                    "Expected value to be either true or false",
                ))
            }
        }
        ConfigType::Int => parse_java_integer(trimmed, i32::MIN.into(), i32::MAX.into())
            .map(Value::Number)
            .ok_or_else(not_a_number),
        ConfigType::Short => parse_java_integer(trimmed, i16::MIN.into(), i16::MAX.into())
            .map(Value::Number)
            .ok_or_else(not_a_number),
        ConfigType::Long => parse_java_integer(trimmed, i64::MIN, i64::MAX)
            .map(Value::Number)
            .ok_or_else(not_a_number),
        ConfigType::Double => JavaDouble::parse(trimmed)
            .map(Value::Double)
            .ok_or_else(not_a_number),
        ConfigType::List => Ok(Value::List(split_list(trimmed))),
        ConfigType::String | ConfigType::Class | ConfigType::Password => {
            Ok(Value::Text(trimmed.to_string()))
        }
    }
}

/// `Integer.parseInt` / `Long.parseLong` / `Short.parseShort` within `[min, max]`: an optional
/// sign, then one or more ASCII digits, nothing else.
pub fn parse_java_integer(text: &str, min: i64, max: i64) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Accumulate negatively so that i64::MIN parses, as Java does.
    let mut value: i64 = 0;
    for b in digits.bytes() {
        value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    let value = if negative {
        value
    } else {
        value.checked_neg()?
    };
    (min..=max).contains(&value).then_some(value)
}

/// `trimmed.split("\\s*,\\s*", -1)`, or no items for empty text. Java's `\s` is ASCII whitespace.
pub fn split_list(trimmed: &str) -> Vec<String> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r');
    trimmed
        .split(',')
        .map(|item| item.trim_matches(is_space).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(name: &str, raw: &str, t: ConfigType) -> String {
        parse(name, raw, t).map_or_else(|e| e.to_string(), |v| v.canonical())
    }

    #[test]
    fn integers_parse_like_java() {
        assert_eq!(parse_java_integer("42", 0, 100), Some(42));
        assert_eq!(parse_java_integer("+42", 0, 100), Some(42));
        assert_eq!(parse_java_integer("-0", -1, 1), Some(0));
        assert_eq!(parse_java_integer("007", 0, 100), Some(7));
        assert_eq!(
            parse_java_integer("-9223372036854775808", i64::MIN, i64::MAX),
            Some(i64::MIN)
        );
        assert_eq!(
            parse_java_integer("9223372036854775808", i64::MIN, i64::MAX),
            None
        );
        assert_eq!(
            parse_java_integer("2147483648", i32::MIN.into(), i32::MAX.into()),
            None
        );
        for bad in ["", "+", "-", "1.0", "0x10", "1_000", " 1", "١٢"] {
            assert_eq!(parse_java_integer(bad, i64::MIN, i64::MAX), None, "{bad}");
        }
    }

    #[test]
    fn messages_use_the_raw_text() {
        assert_eq!(
            msg("segment.bytes", "abc", ConfigType::Int),
            "Invalid value abc for configuration segment.bytes: Not a number of type INT"
        );
        assert_eq!(
            msg("retention.ms", " 1.5 ", ConfigType::Long),
            "Invalid value  1.5  for configuration retention.ms: Not a number of type LONG"
        );
        assert_eq!(
            msg("preallocate", "yes", ConfigType::Boolean),
            "Invalid value yes for configuration preallocate: Expected value to be either true or false"
        );
        assert_eq!(
            msg("offsets.topic.replication.factor", "40000", ConfigType::Short),
            "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT"
        );
        assert_eq!(
            msg("min.cleanable.dirty.ratio", "half", ConfigType::Double),
            "Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE"
        );
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(msg("x", " 0100 ", ConfigType::Int), "100");
        assert_eq!(msg("x", "TRUE", ConfigType::Boolean), "true");
        assert_eq!(
            msg("x", "compact , delete", ConfigType::List),
            "compact,delete"
        );
        assert_eq!(msg("x", "  CreateTime\t", ConfigType::String), "CreateTime");
        assert_eq!(msg("x", "0", ConfigType::Double), "0.0");
    }

    #[test]
    fn lists_split_like_java() {
        assert_eq!(split_list(""), Vec::<String>::new());
        assert_eq!(split_list("delete"), vec!["delete"]);
        assert_eq!(split_list("delete,"), vec!["delete", ""]);
        assert_eq!(split_list(",delete"), vec!["", "delete"]);
        assert_eq!(split_list("a , , b"), vec!["a", "", "b"]);
        assert_eq!(split_list("a b,c"), vec!["a b", "c"]);
    }

    #[test]
    fn trim_is_javas() {
        assert_eq!(java_trim("\u{0} x \u{1f}"), "x");
        assert_eq!(java_trim("\u{a0}x"), "\u{a0}x");
    }
}
