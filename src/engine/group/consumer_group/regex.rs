//! Regular-expression subscriptions of KIP-848 (`SubscribedTopicRegex`; Kafka 4.1's
//! `maybeUpdateRegularExpressions`, `refreshRegularExpressions`): the broker, not the client,
//! matches the expression (RE2/J syntax, against the whole name) with the cluster's topics,
//! internal ones aside, and keeps what it matched in a `ConsumerGroupRegularExpression` record
//! (type 16). The group subscribes to the union of its members' topic names and what their
//! expressions matched. Expressions are resolved again at most every 10 s
//! (`REGEX_BATCH_REFRESH_INTERVAL_MS`) — when one is new, or the topics may have changed — so a
//! topic created later joins the subscription and the group epoch goes up.
//!
//! Kafka resolves off the request path and the result lands a heartbeat later; here the
//! resolution runs within the heartbeat that needs it.

use super::records::TopicIds;
use super::{ConsumerGroup, ConsumerMember};
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeSet;

/// `REGEX_BATCH_REFRESH_INTERVAL_MS`: the least time between two resolutions.
pub const REGEX_BATCH_REFRESH_INTERVAL_MS: i64 = 10_000;

/// What an expression matched, and when (`ResolvedRegularExpression`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRegex {
    pub topics: BTreeSet<String>,
    pub timestamp_ms: i64,
}

/// `throwIfRegularExpressionIsInvalid`: Kafka's message for an expression that does not
/// compile.
pub fn check_regex(regex: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::Regex::new(&format!("^(?:{regex})$")).map_err(|e| {
        format!("SubscribedTopicRegex `{regex}` is not a valid regular expression: {e}.")
    })
}

impl ConsumerGroup {
    /// The topics a member reads: its names and what its expression matched.
    pub(super) fn member_topics(&self, member: &ConsumerMember) -> BTreeSet<String> {
        let mut topics = member.subscribed_topics.clone();
        if let Some(resolved) = member
            .subscribed_regex
            .as_ref()
            .and_then(|r| self.resolved_regexes.get(r))
        {
            topics.extend(resolved.topics.iter().cloned());
        }
        topics
    }

    /// Resolves the members' expressions when the last resolution is more than 10 s old (a new
    /// expression waits for that too), and forgets the ones nobody subscribes to. Whether what
    /// they match changed.
    pub(super) fn refresh_regexes(&mut self, topics: &TopicIds, now: i64) -> bool {
        let subscribed: BTreeSet<String> = self
            .members
            .values()
            .filter_map(|m| m.subscribed_regex.clone())
            .collect_set();
        let before = self.resolved_regexes.len();
        self.resolved_regexes.retain(|r, _| subscribed.contains(r));
        let mut changed = self.resolved_regexes.len() != before;
        let due = now > self.last_regex_refresh_ms + REGEX_BATCH_REFRESH_INTERVAL_MS;
        if subscribed.is_empty() || !due {
            return changed;
        }
        self.last_regex_refresh_ms = now;
        for regex in subscribed {
            let Ok(pattern) = check_regex(&regex) else {
                continue;
            };
            let matched: BTreeSet<String> = topics
                .by_name
                .keys()
                .filter(|t| !crate::engine::topic::is_internal(t) && pattern.is_match(t))
                .cloned()
                .collect_set();
            if self.resolved_regexes.get(&regex).map(|r| &r.topics) != Some(&matched) {
                changed = true;
                let resolved = ResolvedRegex {
                    topics: matched,
                    timestamp_ms: now,
                };
                self.resolved_regexes.insert(regex, resolved);
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expression_matches_whole_names_and_a_bad_one_is_refused() {
        let pattern = check_regex("orders-.*").expect("valid");
        assert!(pattern.is_match("orders-eu"));
        assert!(!pattern.is_match("old-orders-eu"));
        let message = check_regex("orders-(").expect_err("invalid");
        assert!(
            message
                .starts_with("SubscribedTopicRegex `orders-(` is not a valid regular expression: "),
            "{message}"
        );
    }
}
