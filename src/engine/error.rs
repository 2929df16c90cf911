//! Kafka outcomes as data.
//!
//! A request that Kafka would answer with an error code gets an [`ApiError`]: the code from Kafka's
//! `org.apache.kafka.common.protocol.Errors` and the message the broker or controller would put in
//! the response. These are results shown to the user, not failures of the program; misuse and I/O
//! get their own `thiserror` enums next to the code that can fail, and broken invariants are asserts.

use std::fmt;

/// Error codes with the numbers and names of Kafka's `Errors` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorCode {
    None,
    OffsetOutOfRange,
    CorruptMessage,
    UnknownTopicOrPartition,
    LeaderNotAvailable,
    NotLeaderOrFollower,
    RequestTimedOut,
    MessageTooLarge,
    InvalidTopicException,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    TopicAlreadyExists,
    InvalidPartitions,
    InvalidReplicationFactor,
    InvalidReplicaAssignment,
    InvalidConfig,
    InvalidRequest,
    InvalidTimestamp,
    InvalidRecord,
    PolicyViolation,
    UnknownTopicId,
    OutOfOrderSequenceNumber,
    NetworkException,
    PreferredLeaderNotAvailable,
    EligibleLeadersNotAvailable,
    ElectionNotNeeded,
    FencedLeaderEpoch,
    UnknownLeaderEpoch,
}

impl ErrorCode {
    /// The code on the wire.
    pub fn code(self) -> i16 {
        match self {
            ErrorCode::None => 0,
            ErrorCode::OffsetOutOfRange => 1,
            ErrorCode::CorruptMessage => 2,
            ErrorCode::UnknownTopicOrPartition => 3,
            ErrorCode::LeaderNotAvailable => 5,
            ErrorCode::NotLeaderOrFollower => 6,
            ErrorCode::RequestTimedOut => 7,
            ErrorCode::MessageTooLarge => 10,
            ErrorCode::InvalidTopicException => 17,
            ErrorCode::NotEnoughReplicas => 19,
            ErrorCode::NotEnoughReplicasAfterAppend => 20,
            ErrorCode::TopicAlreadyExists => 36,
            ErrorCode::InvalidPartitions => 37,
            ErrorCode::InvalidReplicationFactor => 38,
            ErrorCode::InvalidReplicaAssignment => 39,
            ErrorCode::InvalidConfig => 40,
            ErrorCode::InvalidTimestamp => 32,
            ErrorCode::InvalidRecord => 87,
            ErrorCode::InvalidRequest => 42,
            ErrorCode::PolicyViolation => 44,
            ErrorCode::UnknownTopicId => 100,
            ErrorCode::OutOfOrderSequenceNumber => 45,
            ErrorCode::NetworkException => 13,
            ErrorCode::PreferredLeaderNotAvailable => 80,
            ErrorCode::EligibleLeadersNotAvailable => 83,
            ErrorCode::ElectionNotNeeded => 84,
            ErrorCode::FencedLeaderEpoch => 74,
            ErrorCode::UnknownLeaderEpoch => 75,
        }
    }

    /// Kafka's name for the code, as clients log it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::None => "NONE",
            ErrorCode::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            ErrorCode::CorruptMessage => "CORRUPT_MESSAGE",
            ErrorCode::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            ErrorCode::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            ErrorCode::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            ErrorCode::RequestTimedOut => "REQUEST_TIMED_OUT",
            ErrorCode::MessageTooLarge => "MESSAGE_TOO_LARGE",
            ErrorCode::InvalidTopicException => "INVALID_TOPIC_EXCEPTION",
            ErrorCode::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            ErrorCode::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            ErrorCode::TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
            ErrorCode::InvalidPartitions => "INVALID_PARTITIONS",
            ErrorCode::InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR",
            ErrorCode::InvalidReplicaAssignment => "INVALID_REPLICA_ASSIGNMENT",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::InvalidTimestamp => "INVALID_TIMESTAMP",
            ErrorCode::InvalidRecord => "INVALID_RECORD",
            ErrorCode::InvalidRequest => "INVALID_REQUEST",
            ErrorCode::PolicyViolation => "POLICY_VIOLATION",
            ErrorCode::UnknownTopicId => "UNKNOWN_TOPIC_ID",
            ErrorCode::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            ErrorCode::NetworkException => "NETWORK_EXCEPTION",
            ErrorCode::PreferredLeaderNotAvailable => "PREFERRED_LEADER_NOT_AVAILABLE",
            ErrorCode::EligibleLeadersNotAvailable => "ELIGIBLE_LEADERS_NOT_AVAILABLE",
            ErrorCode::ElectionNotNeeded => "ELECTION_NOT_NEEDED",
            ErrorCode::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            ErrorCode::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
        }
    }

    /// The Java exception a client throws for the code (`Errors`' exception class).
    pub fn exception_class(self) -> &'static str {
        match self {
            ErrorCode::None => "",
            ErrorCode::OffsetOutOfRange => {
                "org.apache.kafka.common.errors.OffsetOutOfRangeException"
            }
            ErrorCode::CorruptMessage => "org.apache.kafka.common.errors.CorruptRecordException",
            ErrorCode::UnknownTopicOrPartition => {
                "org.apache.kafka.common.errors.UnknownTopicOrPartitionException"
            }
            ErrorCode::LeaderNotAvailable => {
                "org.apache.kafka.common.errors.LeaderNotAvailableException"
            }
            ErrorCode::NotLeaderOrFollower => {
                "org.apache.kafka.common.errors.NotLeaderOrFollowerException"
            }
            ErrorCode::RequestTimedOut => "org.apache.kafka.common.errors.TimeoutException",
            ErrorCode::MessageTooLarge => "org.apache.kafka.common.errors.RecordTooLargeException",
            ErrorCode::InvalidTopicException => {
                "org.apache.kafka.common.errors.InvalidTopicException"
            }
            ErrorCode::NotEnoughReplicas => {
                "org.apache.kafka.common.errors.NotEnoughReplicasException"
            }
            ErrorCode::NotEnoughReplicasAfterAppend => {
                "org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException"
            }
            ErrorCode::TopicAlreadyExists => "org.apache.kafka.common.errors.TopicExistsException",
            ErrorCode::InvalidPartitions => {
                "org.apache.kafka.common.errors.InvalidPartitionsException"
            }
            ErrorCode::InvalidReplicationFactor => {
                "org.apache.kafka.common.errors.InvalidReplicationFactorException"
            }
            ErrorCode::InvalidReplicaAssignment => {
                "org.apache.kafka.common.errors.InvalidReplicaAssignmentException"
            }
            ErrorCode::InvalidConfig => {
                "org.apache.kafka.common.errors.InvalidConfigurationException"
            }
            ErrorCode::InvalidRequest => "org.apache.kafka.common.errors.InvalidRequestException",
            ErrorCode::InvalidRecord => "org.apache.kafka.common.InvalidRecordException",
            ErrorCode::InvalidTimestamp => {
                "org.apache.kafka.common.errors.InvalidTimestampException"
            }
            ErrorCode::PolicyViolation => "org.apache.kafka.common.errors.PolicyViolationException",
            ErrorCode::UnknownTopicId => "org.apache.kafka.common.errors.UnknownTopicIdException",
            ErrorCode::OutOfOrderSequenceNumber => {
                "org.apache.kafka.common.errors.OutOfOrderSequenceException"
            }
            ErrorCode::NetworkException => "org.apache.kafka.common.errors.NetworkException",
            ErrorCode::PreferredLeaderNotAvailable => {
                "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException"
            }
            ErrorCode::EligibleLeadersNotAvailable => {
                "org.apache.kafka.common.errors.EligibleLeadersNotAvailableException"
            }
            ErrorCode::ElectionNotNeeded => {
                "org.apache.kafka.common.errors.ElectionNotNeededException"
            }
            ErrorCode::FencedLeaderEpoch => {
                "org.apache.kafka.common.errors.FencedLeaderEpochException"
            }
            ErrorCode::UnknownLeaderEpoch => {
                "org.apache.kafka.common.errors.UnknownLeaderEpochException"
            }
        }
    }

    /// The exception's default message (`Errors`' second constructor argument).
    pub fn default_message(self) -> &'static str {
        match self {
            ErrorCode::None => "",
            ErrorCode::OffsetOutOfRange => {
                "The requested offset is not within the range of offsets maintained by the server."
            }
            ErrorCode::CorruptMessage => {
                "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt."
            }
            ErrorCode::UnknownTopicOrPartition => {
                "This server does not host this topic-partition."
            }
            ErrorCode::LeaderNotAvailable => {
                "There is no leader for this topic-partition as we are in the middle of a leadership election."
            }
            ErrorCode::NotLeaderOrFollower => {
                "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition."
            }
            ErrorCode::RequestTimedOut => "The request timed out.",
            ErrorCode::MessageTooLarge => {
                "The request included a message larger than the max message size the server will accept."
            }
            ErrorCode::InvalidTopicException => {
                "The request attempted to perform an operation on an invalid topic."
            }
            ErrorCode::NotEnoughReplicas => {
                "Messages are rejected since there are fewer in-sync replicas than required."
            }
            ErrorCode::NotEnoughReplicasAfterAppend => {
                "Messages are written to the log, but to fewer in-sync replicas than required."
            }
            ErrorCode::TopicAlreadyExists => "Topic with this name already exists.",
            ErrorCode::InvalidPartitions => "Number of partitions is below 1.",
            ErrorCode::InvalidReplicationFactor => {
                "Replication factor is below 1 or larger than the number of available brokers."
            }
            ErrorCode::InvalidReplicaAssignment => "Replica assignment is invalid.",
            ErrorCode::InvalidConfig => "Configuration is invalid.",
            ErrorCode::InvalidRequest => {
                "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details."
            }
            ErrorCode::InvalidTimestamp => {
                "The timestamp of the message is out of acceptable range."
            }
            ErrorCode::InvalidRecord => {
                "This record has failed the validation on broker and hence will be rejected."
            }
            ErrorCode::PolicyViolation => "Request parameters do not satisfy the configured policy.",
            ErrorCode::UnknownTopicId => "This server does not host this topic ID.",
            ErrorCode::OutOfOrderSequenceNumber => {
                "The broker received an out of order sequence number."
            }
            ErrorCode::NetworkException => {
                "The server disconnected before a response was received."
            }
            ErrorCode::PreferredLeaderNotAvailable => "The preferred leader was not available.",
            ErrorCode::EligibleLeadersNotAvailable => {
                "Eligible topic partition leaders are not available."
            }
            ErrorCode::ElectionNotNeeded => "Leader election not needed for topic partition.",
            ErrorCode::FencedLeaderEpoch => {
                "The leader epoch in the request is older than the epoch on the broker."
            }
            ErrorCode::UnknownLeaderEpoch => {
                "The leader epoch in the request is newer than the epoch on the broker."
            }
        }
    }
}

/// A Kafka error response: a code and the message the server sent with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Option<String>,
    /// A produce response's per-record errors (`ProduceResponse.RecordError`): the index of each
    /// rejected record in its batch and the broker's message for it.
    pub record_errors: Vec<RecordError>,
    /// The exception a client raises instead of the code's own, e.g. the producer's
    /// `KafkaException` for the valid records of a rejected batch.
    pub client_exception: Option<&'static str>,
}

/// `ProduceResponse.RecordError`: one rejected record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub batch_index: i32,
    pub message: Option<String>,
}

impl std::fmt::Display for RecordError {
    /// `RecordError.toString`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(
                f,
                "RecordError(batchIndex={}, message='{message}')",
                self.batch_index
            ),
            None => write!(
                f,
                "RecordError(batchIndex={}, message=null)",
                self.batch_index
            ),
        }
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: Some(message.into()),
            record_errors: Vec::new(),
            client_exception: None,
        }
    }

    /// An error with the code's default message.
    pub fn bare(code: ErrorCode) -> Self {
        ApiError {
            code,
            message: None,
            record_errors: Vec::new(),
            client_exception: None,
        }
    }

    /// What the client's exception would say: the server's message, or the code's default.
    pub fn message(&self) -> &str {
        self.message
            .as_deref()
            .unwrap_or_else(|| self.code.default_message())
    }
}

impl ApiError {
    /// How a Java client prints the exception: `<class>: <message>`.
    pub fn as_exception(&self) -> String {
        let class = self
            .client_exception
            .unwrap_or_else(|| self.code.exception_class());
        format!("{class}: {}", self.message())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ApiError {}
