//! `--topic` as Kafka's tools read it: a Java regular expression that must match the whole name
//! (`org.apache.kafka.server.util.TopicFilter.IncludeList`, used by `kafka-topics.sh`,
//! `kafka-get-offsets.sh` and the consumer tools).
//!
//! `TopicFilter` first rewrites the text: trimmed, every ',' becomes '|', spaces are removed, and
//! leading and trailing quotes are stripped (property files may bring them). So `--topic a,b`
//! means `a|b`, and `--topic 'orders.*'` matches `orders` and `orders-eu`. A name with a '.' is
//! itself a pattern that also matches other names (`a.b` matches `a_b`), as in Kafka; the help text
//! says to escape it: `"test\.topic"`. `regex-lite` stands in for `java.util.regex`; the two agree
//! on everything a topic name can contain (ASCII letters, digits, '.', '_', '-').

use crate::engine::topic::is_internal;
use regex_lite::Regex;

/// A compiled `IncludeList`.
#[derive(Debug, Clone)]
pub struct IncludeList {
    regex: String,
    pattern: Regex,
}

impl IncludeList {
    /// Compiles `raw` as `TopicFilter`'s constructor does; a bad pattern is its
    /// `RuntimeException` message, `<regex> is an invalid regex.`.
    pub fn new(raw: &str) -> Result<Self, String> {
        let regex = raw
            .trim()
            .replace(',', "|")
            .replace(' ', "")
            .trim_start_matches(['"', '\''])
            .trim_end_matches(['"', '\''])
            .to_string();
        // `String.matches` anchors the pattern at both ends.
        let pattern = Regex::new(&format!("^(?:{regex})$"))
            .map_err(|_| format!("{regex} is an invalid regex."))?;
        Ok(IncludeList { regex, pattern })
    }

    /// `IncludeList.isTopicAllowed`: the whole name matches, and an internal topic only when
    /// internal topics are not excluded.
    pub fn is_topic_allowed(&self, topic: &str, exclude_internal_topics: bool) -> bool {
        self.pattern.is_match(topic) && !(is_internal(topic) && exclude_internal_topics)
    }

    /// The pattern after `TopicFilter`'s rewriting (its `toString`).
    pub fn regex(&self) -> &str {
        &self.regex
    }
}

#[cfg(test)]
mod tests {
    use super::IncludeList;

    fn allowed(raw: &str, topic: &str) -> bool {
        IncludeList::new(raw)
            .unwrap()
            .is_topic_allowed(topic, false)
    }

    #[test]
    fn the_whole_name_must_match() {
        assert!(allowed("orders", "orders"));
        assert!(!allowed("orders", "orders-eu"));
        assert!(allowed("orders.*", "orders-eu"));
        assert!(allowed("a.b", "a_b"));
        assert!(!allowed("a\\.b", "a_b"));
    }

    #[test]
    fn commas_spaces_and_quotes_are_rewritten_as_topic_filter_does() {
        assert!(allowed("a, b", "b"));
        assert!(allowed("\"a\"", "a"));
        assert!(allowed("'a|b'", "b"));
        assert_eq!(IncludeList::new(" 'x, y' ").unwrap().regex(), "x|y");
    }

    #[test]
    fn internal_topics_are_excluded_on_request() {
        let all = IncludeList::new(".*").unwrap();
        assert!(all.is_topic_allowed("__consumer_offsets", false));
        assert!(!all.is_topic_allowed("__consumer_offsets", true));
    }

    #[test]
    fn a_bad_pattern_is_the_runtime_exception_message() {
        assert_eq!(
            IncludeList::new("orders(").unwrap_err(),
            "orders( is an invalid regex."
        );
    }
}
