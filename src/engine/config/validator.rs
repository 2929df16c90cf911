//! Kafka's config validators and their messages (`ConfigDef.Range`, `ValidString`, `ValidList`).
//!
//! A validator sees the parsed value, so its message prints Java's `toString` of it: `0100`
//! fails as `Invalid value 100 ...`, a double as `2.0`. Only the bounds Kafka's configs use are
//! needed, and all of them are integers.

use super::value::Value;
use super::ConfigError;
use std::cmp::Ordering;

/// A config's validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// No validator (`null` in the `define` call).
    None,
    /// `Range.atLeast(min)`.
    AtLeast(i64),
    /// `Range.between(min, max)`.
    Between(i64, i64),
    /// `ValidString.in(...)`: one of these, case-sensitive.
    OneOf(&'static [&'static str]),
    /// `CaseInsensitiveValidString.in(...)`: one of these in any case. The names are upper case
    /// and in the order Kafka prints them (its `HashSet`'s iteration order).
    OneOfIgnoringCase(&'static [&'static str]),
    /// `ValidList.in(...)`: every list item one of these (Kafka 4.1 accepts an empty list).
    ListOf(&'static [&'static str]),
}

impl Validator {
    /// `Validator.toString()`, the "Valid Values" column of Kafka's docs; empty without one.
    pub fn valid_values(&self) -> String {
        match self {
            Validator::None => String::new(),
            Validator::AtLeast(min) => format!("[{min},...]"),
            Validator::Between(min, max) => format!("[{min},...,{max}]"),
            Validator::OneOf(items) | Validator::ListOf(items) => {
                format!("[{}]", items.join(", "))
            }
            Validator::OneOfIgnoringCase(items) => {
                format!("(case insensitive) [{}]", items.join(", "))
            }
        }
    }

    /// `ensureValid(name, value)`.
    pub fn ensure_valid(&self, name: &str, value: &Value) -> Result<(), ConfigError> {
        match self {
            Validator::None => Ok(()),
            Validator::AtLeast(min) => check_range(name, value, Some(*min), None),
            Validator::Between(min, max) => check_range(name, value, Some(*min), Some(*max)),
            Validator::OneOf(items) => match value {
                Value::Text(s) => check_one_of(name, s, items),
                _ => Ok(()),
            },
            Validator::ListOf(items) => match value {
                Value::List(list) => list.iter().try_for_each(|s| check_one_of(name, s, items)),
                _ => Ok(()),
            },
            Validator::OneOfIgnoringCase(items) => match value {
                Value::Text(s) if !items.contains(&s.to_uppercase().as_str()) => {
                    Err(ConfigError::invalid(
                        name,
                        s,
                        format!(
                            "String must be one of (case insensitive): {}",
                            items.join(", ")
                        ),
                    ))
                }
                _ => Ok(()),
            },
        }
    }
}

/// `Range.ensureValid`: "Value must be at least N" / "Value must be no more than N".
fn check_range(
    name: &str,
    value: &Value,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ConfigError> {
    let compare = |bound: i64| -> Option<Ordering> {
        match value {
            Value::Number(n) => Some(n.cmp(&bound)),
            Value::Double(d) => d.cmp_integer(bound),
            _ => None,
        }
    };
    if let Some(min) = min {
        if compare(min) == Some(Ordering::Less) {
            return Err(ConfigError::invalid(
                name,
                value.canonical(),
                format!("Value must be at least {min}"),
            ));
        }
    }
    if let Some(max) = max {
        if compare(max) == Some(Ordering::Greater) {
            return Err(ConfigError::invalid(
                name,
                value.canonical(),
                format!("Value must be no more than {max}"),
            ));
        }
    }
    Ok(())
}

/// `ValidString.ensureValid`: "String must be one of: a, b".
fn check_one_of(name: &str, s: &str, items: &[&str]) -> Result<(), ConfigError> {
    if items.contains(&s) {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            name,
            s,
            format!("String must be one of: {}", items.join(", ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::value::parse;
    use super::super::ConfigType;
    use super::*;

    fn check(v: Validator, name: &str, raw: &str, t: ConfigType) -> String {
        let value = parse(name, raw, t).unwrap();
        v.ensure_valid(name, &value)
            .map_or_else(|e| e.to_string(), |()| "ok".into())
    }

    #[test]
    fn ranges() {
        let v = Validator::AtLeast(1_048_576);
        assert_eq!(
            check(v, "segment.bytes", "0", ConfigType::Int),
            "Invalid value 0 for configuration segment.bytes: Value must be at least 1048576"
        );
        assert_eq!(
            check(v, "segment.bytes", " 0100", ConfigType::Int),
            "Invalid value 100 for configuration segment.bytes: Value must be at least 1048576"
        );
        assert_eq!(check(v, "segment.bytes", "1048576", ConfigType::Int), "ok");
        let r = Validator::Between(0, 1);
        assert_eq!(
            check(r, "min.cleanable.dirty.ratio", "2", ConfigType::Double),
            "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"
        );
        assert_eq!(
            check(r, "min.cleanable.dirty.ratio", "-0.5", ConfigType::Double),
            "Invalid value -0.5 for configuration min.cleanable.dirty.ratio: Value must be at least 0"
        );
        assert_eq!(
            check(r, "min.cleanable.dirty.ratio", "1", ConfigType::Double),
            "ok"
        );
        assert_eq!(v.valid_values(), "[1048576,...]");
        assert_eq!(r.valid_values(), "[0,...,1]");
    }

    #[test]
    fn strings_and_lists() {
        let l = Validator::ListOf(&["compact", "delete"]);
        assert_eq!(
            check(l, "cleanup.policy", "foo", ConfigType::List),
            "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete"
        );
        assert_eq!(
            check(l, "cleanup.policy", "delete,", ConfigType::List),
            "Invalid value  for configuration cleanup.policy: String must be one of: compact, delete"
        );
        assert_eq!(check(l, "cleanup.policy", "", ConfigType::List), "ok");
        assert_eq!(
            check(l, "cleanup.policy", "compact, delete", ConfigType::List),
            "ok"
        );
        let s = Validator::OneOf(&["CreateTime", "LogAppendTime"]);
        assert_eq!(
            check(s, "message.timestamp.type", "createtime", ConfigType::String),
            "Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime"
        );
        assert_eq!(l.valid_values(), "[compact, delete]");
        let c = Validator::OneOfIgnoringCase(&["DISABLED", "UPGRADE"]);
        assert_eq!(
            check(
                c,
                "group.consumer.migration.policy",
                "Upgrade",
                ConfigType::String
            ),
            "ok"
        );
        assert_eq!(
            check(c, "group.consumer.migration.policy", "both", ConfigType::String),
            "Invalid value both for configuration group.consumer.migration.policy: String must be one of (case insensitive): DISABLED, UPGRADE"
        );
        assert_eq!(c.valid_values(), "(case insensitive) [DISABLED, UPGRADE]");
    }
}
