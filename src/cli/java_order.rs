//! The order a Java `HashMap` iterates in, for tools whose output follows it.
//!
//! `kafka-log-dirs.sh` and `kafka-delete-records.sh` print maps keyed by `TopicPartition` in
//! `HashMap` order: by bucket (`(h ^ (h >>> 16)) & (capacity - 1)`), the table starting at 16
//! buckets and doubling whenever it is more than three quarters full. Within a bucket Java keeps
//! insertion order, which here is the order the entries are given in (sorted by the caller).

use crate::engine::sorting;

/// `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic: &str, partition: i32) -> i32 {
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(string_hash(topic))
}

/// `items` in the order a `HashMap` built by inserting them one by one iterates them.
pub fn hash_map_order<T>(items: Vec<T>, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let mut capacity: usize = 16;
    while items.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let mask = u32::try_from(capacity - 1).unwrap_or(u32::MAX);
    let mut keyed: Vec<(u32, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let h = hash(&item) as u32;
            ((h ^ (h >> 16)) & mask, i, item)
        })
        .collect();
    sorting::sort_by_key(&mut keyed, |(bucket, i, _)| (*bucket, *i));
    keyed.into_iter().map(|(_, _, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hashes() {
        // "hello".hashCode() and "brokers".hashCode() as Java computes them.
        assert_eq!(string_hash("hello"), 99_162_322);
        assert_eq!(string_hash(""), 0);
        assert_eq!(topic_partition_hash("t", 0), 31 * 31 + 116);
    }

    #[test]
    fn jackson_key_order_of_the_log_dirs_json() {
        // LogDirsCommand builds each object as a HashMap; Jackson writes them in this order.
        let order = |keys: &[&'static str]| hash_map_order(keys.to_vec(), |k| string_hash(k));
        assert_eq!(order(&["version", "brokers"]), ["brokers", "version"]);
        assert_eq!(
            order(&["logDir", "error", "partitions"]),
            ["partitions", "error", "logDir"]
        );
        assert_eq!(
            order(&["partition", "size", "offsetLag", "isFuture"]),
            ["partition", "size", "offsetLag", "isFuture"]
        );
    }

    #[test]
    fn partitions_spread_by_bucket() {
        let tps: Vec<(String, i32)> = (0..20).map(|p| ("t".to_string(), p)).collect();
        let ordered = hash_map_order(tps, |(t, p)| topic_partition_hash(t, *p));
        // 20 entries: a 32-bucket table; t-0 hashes to 1077 (bucket 21), t-19 to 1666 (bucket 2).
        let partitions: Vec<i32> = ordered.iter().map(|(_, p)| *p).collect();
        assert_eq!(partitions, (0..20).rev().collect::<Vec<_>>());
    }
}
