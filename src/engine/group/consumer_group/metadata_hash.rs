//! The hash of the metadata of a KIP-848 group's subscribed topics (KIP-1101; Kafka 4.1's
//! `Utils.computeTopicHash` and `computeGroupHash`). The group epoch goes up when it changes — a
//! subscribed topic is created, deleted or gains partitions — so the broker reassigns; it is
//! kept in the `ConsumerGroupMetadata` record (`MetadataHash`) so that a new coordinator does
//! not rebalance for nothing.
//!
//! Kafka streams the fields into hash4j's `xxh3_64`, which encodes little-endian, a string as
//! its UTF-16 chars followed by its length; here the same bytes go through XXH3-64 at once (the
//! streaming and one-shot XXH3 agree). Racks are not modelled, so no partition adds any.

use super::records::TopicIds;
use super::ConsumerGroup;
use crate::engine::ids::Uuid;
use xxhash_rust::xxh3::xxh3_64;

/// `TOPIC_HASH_MAGIC_BYTE`: the version of the topic hash.
const TOPIC_HASH_MAGIC_BYTE: u8 = 0;

/// hash4j's byte encoding of what is put into a hash stream.
#[derive(Default)]
struct HashInput(Vec<u8>);

impl HashInput {
    fn put_byte(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }

    fn put_int(&mut self, v: i32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    fn put_long(&mut self, v: i64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// `putString`: the chars, then the length in chars.
    fn put_string(&mut self, s: &str) -> &mut Self {
        let mut chars = 0;
        for unit in s.encode_utf16() {
            self.0.extend_from_slice(&unit.to_le_bytes());
            chars += 1;
        }
        self.put_int(chars)
    }

    fn hash(&self) -> i64 {
        xxh3_64(&self.0) as i64
    }
}

/// `computeTopicHash`: the magic byte, the topic id, its name, its partition count and each
/// partition id.
pub fn topic_hash(id: Uuid, name: &str, partitions: i32) -> i64 {
    let mut input = HashInput::default();
    input
        .put_byte(TOPIC_HASH_MAGIC_BYTE)
        .put_long(id.most_significant_bits as i64)
        .put_long(id.least_significant_bits as i64)
        .put_string(name)
        .put_int(partitions);
    for partition in 0..partitions {
        input.put_int(partition);
    }
    input.hash()
}

/// `computeGroupHash`: the topic hashes in topic-name order; 0 without topics.
pub fn group_hash(topic_hashes: impl IntoIterator<Item = i64>) -> i64 {
    let mut input = HashInput::default();
    for hash in topic_hashes {
        input.put_long(hash);
    }
    if input.0.is_empty() {
        0
    } else {
        input.hash()
    }
}

impl ConsumerGroup {
    /// The hash of the subscribed topics that exist (`ModernGroup.computeMetadataHash`).
    pub(super) fn metadata_hash_of(&self, topics: &TopicIds) -> i64 {
        // `subscribed_topics` is a BTreeSet: already in name order.
        group_hash(self.subscribed_topics().iter().filter_map(|name| {
            let id = topics.by_name.get(name)?;
            let partitions = topics.partitions.get(name)?;
            Some(topic_hash(*id, name, *partitions))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden values from an independent XXH3: Python's `xxhash` 3.5.0 over the same bytes
    /// (`xxhash.xxh3_64_intdigest(b"\0" + struct.pack("<qq", msb, lsb) +
    /// "orders".encode("utf-16-le") + struct.pack("<ii", 6, 3) + struct.pack("<iii", 0, 1, 2))`).
    #[test]
    fn hashes_match_an_independent_xxh3() {
        let orders = topic_hash(
            Uuid::new(0x0123_4567_89ab_cdef, 0x7edc_ba98_7654_3210),
            "orders",
            3,
        );
        let payments = topic_hash(Uuid::new(1, 2), "payments", 1);
        assert_eq!(orders, -4_468_531_931_758_179_671);
        assert_eq!(payments, -3_254_649_495_807_156_039);
        assert_eq!(group_hash([orders, payments]), 8_624_931_631_669_605_920);
        assert_eq!(group_hash([]), 0);
    }
}
