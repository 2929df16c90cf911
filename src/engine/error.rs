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
    NoReassignmentInProgress,
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
    CoordinatorLoadInProgress,
    CoordinatorNotAvailable,
    NotCoordinator,
    IllegalGeneration,
    InconsistentGroupProtocol,
    InvalidGroupId,
    UnknownMemberId,
    InvalidSessionTimeout,
    RebalanceInProgress,
    NonEmptyGroup,
    GroupIdNotFound,
    MemberIdRequired,
    GroupMaxSizeReached,
    FencedInstanceId,
    GroupSubscribedToTopic,
    FencedMemberEpoch,
    UnreleasedInstanceId,
    UnsupportedAssignor,
    StaleMemberEpoch,
    InvalidRegularExpression,
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
            ErrorCode::NoReassignmentInProgress => 85,
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
            ErrorCode::CoordinatorLoadInProgress => 14,
            ErrorCode::CoordinatorNotAvailable => 15,
            ErrorCode::NotCoordinator => 16,
            ErrorCode::IllegalGeneration => 22,
            ErrorCode::InconsistentGroupProtocol => 23,
            ErrorCode::InvalidGroupId => 24,
            ErrorCode::UnknownMemberId => 25,
            ErrorCode::InvalidSessionTimeout => 26,
            ErrorCode::RebalanceInProgress => 27,
            ErrorCode::NonEmptyGroup => 68,
            ErrorCode::GroupIdNotFound => 69,
            ErrorCode::MemberIdRequired => 79,
            ErrorCode::GroupMaxSizeReached => 81,
            ErrorCode::FencedInstanceId => 82,
            ErrorCode::GroupSubscribedToTopic => 86,
            ErrorCode::FencedMemberEpoch => 110,
            ErrorCode::UnreleasedInstanceId => 111,
            ErrorCode::UnsupportedAssignor => 112,
            ErrorCode::StaleMemberEpoch => 113,
            ErrorCode::InvalidRegularExpression => 128,
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
            ErrorCode::NoReassignmentInProgress => "NO_REASSIGNMENT_IN_PROGRESS",
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
            ErrorCode::CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS",
            ErrorCode::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            ErrorCode::NotCoordinator => "NOT_COORDINATOR",
            ErrorCode::IllegalGeneration => "ILLEGAL_GENERATION",
            ErrorCode::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            ErrorCode::InvalidGroupId => "INVALID_GROUP_ID",
            ErrorCode::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            ErrorCode::InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            ErrorCode::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ErrorCode::NonEmptyGroup => "NON_EMPTY_GROUP",
            ErrorCode::GroupIdNotFound => "GROUP_ID_NOT_FOUND",
            ErrorCode::MemberIdRequired => "MEMBER_ID_REQUIRED",
            ErrorCode::GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
            ErrorCode::FencedInstanceId => "FENCED_INSTANCE_ID",
            ErrorCode::GroupSubscribedToTopic => "GROUP_SUBSCRIBED_TO_TOPIC",
            ErrorCode::FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
            ErrorCode::UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
            ErrorCode::UnsupportedAssignor => "UNSUPPORTED_ASSIGNOR",
            ErrorCode::StaleMemberEpoch => "STALE_MEMBER_EPOCH",
            ErrorCode::InvalidRegularExpression => "INVALID_REGULAR_EXPRESSION",
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
            ErrorCode::NoReassignmentInProgress => {
                "org.apache.kafka.common.errors.NoReassignmentInProgressException"
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
            ErrorCode::CoordinatorLoadInProgress => {
                "org.apache.kafka.common.errors.CoordinatorLoadInProgressException"
            }
            ErrorCode::CoordinatorNotAvailable => {
                "org.apache.kafka.common.errors.CoordinatorNotAvailableException"
            }
            ErrorCode::NotCoordinator => "org.apache.kafka.common.errors.NotCoordinatorException",
            ErrorCode::IllegalGeneration => {
                "org.apache.kafka.common.errors.IllegalGenerationException"
            }
            ErrorCode::InconsistentGroupProtocol => {
                "org.apache.kafka.common.errors.InconsistentGroupProtocolException"
            }
            ErrorCode::InvalidGroupId => "org.apache.kafka.common.errors.InvalidGroupIdException",
            ErrorCode::UnknownMemberId => "org.apache.kafka.common.errors.UnknownMemberIdException",
            ErrorCode::InvalidSessionTimeout => {
                "org.apache.kafka.common.errors.InvalidSessionTimeoutException"
            }
            ErrorCode::RebalanceInProgress => {
                "org.apache.kafka.common.errors.RebalanceInProgressException"
            }
            ErrorCode::NonEmptyGroup => "org.apache.kafka.common.errors.GroupNotEmptyException",
            ErrorCode::GroupIdNotFound => "org.apache.kafka.common.errors.GroupIdNotFoundException",
            ErrorCode::MemberIdRequired => {
                "org.apache.kafka.common.errors.MemberIdRequiredException"
            }
            ErrorCode::GroupMaxSizeReached => {
                "org.apache.kafka.common.errors.GroupMaxSizeReachedException"
            }
            ErrorCode::FencedInstanceId => {
                "org.apache.kafka.common.errors.FencedInstanceIdException"
            }
            ErrorCode::GroupSubscribedToTopic => {
                "org.apache.kafka.common.errors.GroupSubscribedToTopicException"
            }
            ErrorCode::FencedMemberEpoch => {
                "org.apache.kafka.common.errors.FencedMemberEpochException"
            }
            ErrorCode::UnreleasedInstanceId => {
                "org.apache.kafka.common.errors.UnreleasedInstanceIdException"
            }
            ErrorCode::UnsupportedAssignor => {
                "org.apache.kafka.common.errors.UnsupportedAssignorException"
            }
            ErrorCode::InvalidRegularExpression => {
                "org.apache.kafka.common.errors.InvalidRegularExpression"
            }
            ErrorCode::StaleMemberEpoch => {
                "org.apache.kafka.common.errors.StaleMemberEpochException"
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
            ErrorCode::NoReassignmentInProgress => "No partition reassignment is in progress.",
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
            ErrorCode::CoordinatorLoadInProgress => "The coordinator is loading and hence can't process requests.",
            ErrorCode::CoordinatorNotAvailable => "The coordinator is not available.",
            ErrorCode::NotCoordinator => "This is not the correct coordinator.",
            ErrorCode::IllegalGeneration => "Specified group generation id is not valid.",
            ErrorCode::InconsistentGroupProtocol => "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
            ErrorCode::InvalidGroupId => "The configured groupId is invalid.",
            ErrorCode::UnknownMemberId => "The coordinator is not aware of this member.",
            ErrorCode::InvalidSessionTimeout => "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).",
            ErrorCode::RebalanceInProgress => "The group is rebalancing, so a rejoin is needed.",
            ErrorCode::NonEmptyGroup => "The group is not empty.",
            ErrorCode::GroupIdNotFound => "The group id does not exist.",
            ErrorCode::MemberIdRequired => "The group member needs to have a valid member id before actually entering a consumer group.",
            ErrorCode::GroupMaxSizeReached => "The consumer group has reached its max size.",
            ErrorCode::FencedInstanceId => "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.",
            ErrorCode::GroupSubscribedToTopic => "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
            ErrorCode::FencedMemberEpoch => "The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.",
            ErrorCode::UnreleasedInstanceId => "The instance ID is still used by another member in the consumer group. That member must leave first.",
            ErrorCode::UnsupportedAssignor => "The assignor or its version range is not supported by the consumer group.",
            ErrorCode::InvalidRegularExpression => "The regular expression is not valid.",
            ErrorCode::StaleMemberEpoch => "The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.",
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

    /// The same error, raised by the client as `class` instead of the code's own exception.
    pub fn with_client_exception(mut self, class: &'static str) -> Self {
        self.client_exception = Some(class);
        self
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
