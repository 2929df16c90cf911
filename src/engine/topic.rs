//! Kafka's rules for topic names.
//!
//! Follows `org.apache.kafka.common.internals.Topic`: at most 249 characters of ASCII letters,
//! digits, '.', '_' and '-', and neither "." nor "..". A name with both '.' and '_' is legal, but
//! because metric names turn '.' into '_', two topics that differ only there would collide, so the
//! controller refuses the second (`ReplicationControlManager`).

/// `Topic.MAX_NAME_LENGTH`: the longest legal topic name.
pub const MAX_NAME_LENGTH: usize = 249;

/// The internal topic that holds committed offsets and group metadata.
pub const CONSUMER_OFFSETS: &str = "__consumer_offsets";
/// The internal topic of the transaction coordinator.
pub const TRANSACTION_STATE: &str = "__transaction_state";
/// The KRaft metadata log.
pub const CLUSTER_METADATA: &str = "__cluster_metadata";

/// Why a name is not a legal topic name, in `Topic.detectInvalidTopic`'s words.
fn invalid_reason(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the empty string is not allowed".to_string());
    }
    if name == "." {
        return Some("'.' is not allowed".to_string());
    }
    if name == ".." {
        return Some("'..' is not allowed".to_string());
    }
    // Java measures the length in UTF-16 units; any non-ASCII name is refused below anyway, and an
    // ASCII name has as many units as bytes.
    if name.encode_utf16().count() > MAX_NAME_LENGTH {
        return Some(format!(
            "the length of '{name}' is longer than the max allowed length {MAX_NAME_LENGTH}"
        ));
    }
    if !name.chars().all(is_legal_char) {
        return Some(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    None
}

fn is_legal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// `Topic.validate`: `Err` carries the `InvalidTopicException` message.
pub fn validate_name(name: &str) -> Result<(), String> {
    match invalid_reason(name) {
        Some(reason) => Err(format!("Topic name is invalid: {reason}")),
        None => Ok(()),
    }
}

/// `Topic.hasCollisionChars`: the name contains '.' or '_'.
pub fn has_collision_chars(name: &str) -> bool {
    name.contains('.') || name.contains('_')
}

/// `Topic.hasCollision`: the names are equal once '.' is read as '_'.
pub fn collides(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.replace('.', "_") == b.replace('.', "_")
}

/// Internal topics (`Topic.isInternal`).
pub fn is_internal(name: &str) -> bool {
    name == CONSUMER_OFFSETS || name == TRANSACTION_STATE
}

/// The warning `kafka-topics.sh --create` prints for a name with '.' or '_'.
pub const COLLISION_WARNING: &str = "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_messages() {
        // TopicTest.testInvalidTopicNames and Topic.detectInvalidTopic.
        assert_eq!(
            validate_name(""),
            Err("Topic name is invalid: the empty string is not allowed".into())
        );
        assert_eq!(
            validate_name("."),
            Err("Topic name is invalid: '.' is not allowed".into())
        );
        assert_eq!(
            validate_name(".."),
            Err("Topic name is invalid: '..' is not allowed".into())
        );
        for bad in [
            "foo:bar", "foo bar", "föö", "foo/bar", "foo\\bar", "a,b", "x*",
        ] {
            let message = validate_name(bad).expect_err(bad);
            assert!(message.contains("contains one or more characters other than"));
        }
        let long = "x".repeat(250);
        assert!(validate_name(&long)
            .unwrap_err()
            .contains("max allowed length 249"));
        assert_eq!(validate_name(&"x".repeat(249)), Ok(()));
        for good in [
            "valid", "TOPIC", "nAmEs", "ar6", "VaL1d", "_0-9_.", "...", "a.b_c",
        ] {
            assert_eq!(validate_name(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn collisions() {
        assert!(collides("a.b", "a_b"));
        assert!(collides("a.b", "a.b"));
        assert!(!collides("a.b", "a-b"));
        assert!(!collides("ab", "a_b"));
        assert!(has_collision_chars("a.b") && has_collision_chars("a_b"));
        assert!(!has_collision_chars("a-b"));
    }
}
