//! Why a config was refused, in the words Kafka 4.1 uses.
//!
//! Each variant's `Display` is the exact message the broker or controller puts in its response,
//! so the CLI prints it as the real tool would (e.g. after `Error while executing topic command : `).

use crate::engine::error::{ApiError, ErrorCode};

/// A refused config value or name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `ConfigException(name, value, message)`: a value that does not parse or fails its validator.
    /// `value` is what Java's `toString` would print (the raw text for parse errors, the parsed
    /// value for validator errors, as `ConfigDef` does).
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    InvalidValue {
        name: String,
        value: String,
        reason: String,
    },
    /// `LogConfig.validateNames`: a name that is not a topic config.
    #[error("Unknown topic config name: {0}")]
    UnknownTopicConfig(String),
    /// `LogConfig.validateValues`: the two compaction lags contradict each other.
    #[error(
        "conflict topic config setting min.compaction.lag.ms ({min}) > max.compaction.lag.ms ({max})"
    )]
    CompactionLagConflict { min: i64, max: i64 },
    /// `DynamicBrokerConfig.validateConfigs`: read-only broker configs in a dynamic update.
    /// The names print as a Scala `Set`, sorted here so the text is deterministic.
    #[error("Cannot update these configs dynamically: Set({})", .0.join(", "))]
    NotDynamic(Vec<String>),
}

impl ConfigError {
    /// Builds [`ConfigError::InvalidValue`], as `new ConfigException(name, value, message)` does.
    pub fn invalid(
        name: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ConfigError::InvalidValue {
            name: name.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    /// The error code a topic request (CreateTopics, IncrementalAlterConfigs on a topic) gets.
    ///
    /// The KRaft controller answers every topic config problem with `INVALID_CONFIG`
    /// (`ConfigurationControlManager`). Broker resources differ: see [`ConfigError::broker_api_error`].
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ConfigError::NotDynamic(_) => ErrorCode::InvalidRequest,
            _ => ErrorCode::InvalidConfig,
        }
    }

    /// As an error response to a topic request.
    pub fn api_error(&self) -> ApiError {
        ApiError::new(self.error_code(), self.to_string())
    }

    /// As an error response to a broker-resource alter: `ConfigAdminManager` turns every
    /// validation failure there into `InvalidRequestException` with the same message.
    pub fn broker_api_error(&self) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, self.to_string())
    }
}

impl From<ConfigError> for ApiError {
    fn from(error: ConfigError) -> Self {
        error.api_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_kafkas() {
        let e = ConfigError::invalid("segment.bytes", "abc", "Not a number of type INT");
        assert_eq!(
            e.to_string(),
            "Invalid value abc for configuration segment.bytes: Not a number of type INT"
        );
        assert_eq!(
            ConfigError::UnknownTopicConfig("foo".into()).to_string(),
            "Unknown topic config name: foo"
        );
        assert_eq!(
            ConfigError::NotDynamic(vec!["a".into(), "b".into()]).to_string(),
            "Cannot update these configs dynamically: Set(a, b)"
        );
        assert_eq!(
            ConfigError::CompactionLagConflict { min: 5, max: 3 }.to_string(),
            "conflict topic config setting min.compaction.lag.ms (5) > max.compaction.lag.ms (3)"
        );
    }

    #[test]
    fn codes() {
        let e = ConfigError::UnknownTopicConfig("foo".into());
        assert_eq!(e.api_error().code, ErrorCode::InvalidConfig);
        assert_eq!(e.broker_api_error().code, ErrorCode::InvalidRequest);
        let api: ApiError = e.into();
        assert_eq!(api.message(), "Unknown topic config name: foo");
    }
}
