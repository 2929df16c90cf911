//! The sticky assignors' subscription user data, byte-exact with the Java client.
//!
//! `StickyAssignor` (eager) carries its last assignment and generation:
//! `STICKY_ASSIGNOR_USER_DATA_V1 = [previous_assignment: [topic: STRING, partitions: [INT32]],
//! generation: INT32]` (V0 lacks the generation). `CooperativeStickyAssignor` carries only the
//! generation (`COOPERATIVE_STICKY_ASSIGNOR_USER_DATA_V0 = generation: INT32`), for members on
//! ConsumerProtocolSubscription before v2. STRING is an INT16 length and UTF-8; arrays an INT32
//! count; all big-endian (`org.apache.kafka.common.protocol.types`).

use super::{MemberData, DEFAULT_GENERATION};
use crate::engine::group::assignor::TopicPartition;
use std::collections::BTreeMap;

/// `StickyAssignor.serializeTopicPartitionAssignment` (V1). Topics are grouped in name order
/// (Java groups them in a `HashMap`); partitions keep their order within a topic.
pub fn encode_sticky_user_data(partitions: &[TopicPartition], generation: i32) -> Vec<u8> {
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&(by_topic.len() as i32).to_be_bytes());
    for (topic, parts) in by_topic {
        // Topic names are at most 249 characters, far below the INT16 limit.
        out.extend_from_slice(&(topic.len() as i16).to_be_bytes());
        out.extend_from_slice(topic.as_bytes());
        out.extend_from_slice(&(parts.len() as i32).to_be_bytes());
        for p in parts {
            out.extend_from_slice(&p.to_be_bytes());
        }
    }
    out.extend_from_slice(&generation.to_be_bytes());
    out
}

/// `StickyAssignor.deserializeTopicPartitionAssignment`: V1, else V0 (no generation), else
/// nothing owned at `DEFAULT_GENERATION` ("ignore the consumer's previous assignment if it
/// cannot be parsed").
pub fn decode_sticky_user_data(bytes: &[u8]) -> MemberData {
    let mut v1 = Reader(bytes);
    if let Some(partitions) = read_assignment(&mut v1) {
        if let Some(generation) = v1.i32() {
            return MemberData {
                partitions,
                generation: Some(generation),
            };
        }
    }
    match read_assignment(&mut Reader(bytes)) {
        Some(partitions) => MemberData {
            partitions,
            generation: None,
        },
        None => MemberData {
            partitions: Vec::new(),
            generation: Some(DEFAULT_GENERATION),
        },
    }
}

/// `CooperativeStickyAssignor.subscriptionUserData`.
pub fn encode_cooperative_user_data(generation: i32) -> Vec<u8> {
    generation.to_be_bytes().to_vec()
}

/// `CooperativeStickyAssignor.memberData`'s fallback: the generation, or `DEFAULT_GENERATION`
/// when it cannot be read.
pub fn decode_cooperative_user_data(bytes: &[u8]) -> i32 {
    Reader(bytes).i32().unwrap_or(DEFAULT_GENERATION)
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn i32(&mut self) -> Option<i32> {
        self.take::<4>().map(i32::from_be_bytes)
    }

    /// An array count: negative (null in a non-nullable array) or more elements than bytes left
    /// is a `SchemaException` in Java.
    fn count(&mut self, min_element_size: usize) -> Option<usize> {
        let n = usize::try_from(self.i32()?).ok()?;
        (n.saturating_mul(min_element_size) <= self.0.len()).then_some(n)
    }

    fn string(&mut self) -> Option<String> {
        let len = usize::try_from(i16::from_be_bytes(self.take::<2>()?)).ok()?;
        let (s, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(String::from_utf8_lossy(s).into_owned())
    }
}

fn read_assignment(r: &mut Reader<'_>) -> Option<Vec<TopicPartition>> {
    let topics = r.count(6)?;
    let mut out = Vec::new();
    for _ in 0..topics {
        let topic = r.string()?;
        let n = r.count(4)?;
        for _ in 0..n {
            out.push(TopicPartition::new(topic.clone(), r.i32()?));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_user_data_round_trips_with_generation() {
        let parts = vec![TopicPartition::new("t1", 0), TopicPartition::new("t1", 2)];
        let bytes = encode_sticky_user_data(&parts, 5);
        // [1 topic]["t1"][2 partitions: 0, 2][generation 5]
        assert_eq!(
            bytes,
            [0, 0, 0, 1, 0, 2, b't', b'1', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5]
        );
        let data = decode_sticky_user_data(&bytes);
        assert_eq!(data.partitions, parts);
        assert_eq!(data.generation, Some(5));
    }

    #[test]
    fn v0_user_data_has_no_generation_and_garbage_is_ignored() {
        let mut bytes = encode_sticky_user_data(&[TopicPartition::new("t", 1)], 3);
        bytes.truncate(bytes.len() - 4);
        let data = decode_sticky_user_data(&bytes);
        assert_eq!(data.partitions, vec![TopicPartition::new("t", 1)]);
        assert_eq!(data.generation, None);
        let garbage = decode_sticky_user_data(&[0xff, 0xff, 0xff, 0xff, 1]);
        assert!(garbage.partitions.is_empty());
        assert_eq!(garbage.generation, Some(DEFAULT_GENERATION));
        assert_eq!(decode_cooperative_user_data(&[0, 0]), DEFAULT_GENERATION);
        assert_eq!(
            decode_cooperative_user_data(&encode_cooperative_user_data(7)),
            7
        );
    }
}
