//! Which partition a produced record goes to, decided exactly as Kafka 4.1's Java producer does.
//!
//! * An explicit partition on the record wins (`KafkaProducer.partition`).
//! * A record with a key goes to `toPositive(murmur2(key)) % numPartitions`
//!   (`BuiltInPartitioner.partitionForKey`), so a key lands where every Java client puts it.
//! * A record without a key (or with `partitioner.ignore.keys=true`) goes to the sticky partition
//!   of KIP-480/KIP-794 (`BuiltInPartitioner`): the producer stays on one partition until it has
//!   produced `batch.size` bytes to it, then picks another at random, weighted towards partitions
//!   with shorter queues when the accumulator reports queue sizes (adaptive partitioning). This is
//!   why keyless records are not round-robin in Kafka 4.x, as older notes say.
//!
//! Randomness comes from the caller through [`RandomSource`], so the engine's one seeded generator
//! decides every switch and a run replays exactly.

/// `Utils.murmur2`'s seed.
const MURMUR2_SEED: u32 = 0x9747_b28c;
const MURMUR2_M: u32 = 0x5bd1_e995;
const MURMUR2_R: u32 = 24;

/// Kafka's `Utils.murmur2`: MurmurHash2, 32-bit, as the Java client computes it.
///
/// Java does this in signed `int` arithmetic with wrapping multiplication and unsigned shifts
/// (`>>>`); the same bits come out of `u32` wrapping arithmetic, reinterpreted as `i32` at the end.
pub fn murmur2(data: &[u8]) -> i32 {
    let length = data.len() as u32; // Java takes `data.length` as an int; wrapping matches it
    let mut h = MURMUR2_SEED ^ length;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(MURMUR2_M);
        k ^= k >> MURMUR2_R;
        k = k.wrapping_mul(MURMUR2_M);
        h = h.wrapping_mul(MURMUR2_M);
        h ^= k;
    }
    // Java's `switch (length % 4)` falls through from case 3 to 2 to 1: each present tail byte is
    // mixed in, then one multiplication.
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if let Some(&first) = tail.first() {
        h ^= u32::from(first);
        h = h.wrapping_mul(MURMUR2_M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(MURMUR2_M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which fails for `i32::MIN`).
pub const fn to_positive(number: i32) -> i32 {
    number & 0x7fff_ffff
}

/// A partition choice that Kafka's producer would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionerError {
    #[error("topic has no partitions (partition count {num_partitions})")]
    NoPartitions { num_partitions: i32 },
    /// `ProducerRecord`'s constructor: "Invalid partition: -1".
    #[error("Invalid partition: {partition}")]
    NegativePartition { partition: i32 },
    /// `KafkaProducer.waitOnMetadata`.
    #[error("Invalid partition given with record: {partition} is not in the range [0...{num_partitions}).")]
    PartitionOutOfRange { partition: i32, num_partitions: i32 },
    /// `BuiltInPartitioner`'s constructor.
    #[error("stickyBatchSize must be >= 1 but got {size}")]
    InvalidStickyBatchSize { size: i32 },
}

/// `BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(key)) % numPartitions`.
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> Result<i32, PartitionerError> {
    if num_partitions <= 0 {
        return Err(PartitionerError::NoPartitions { num_partitions });
    }
    Ok(to_positive(murmur2(key)) % num_partitions)
}

/// How a record's partition was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartitionChoice {
    /// The record named its partition.
    Explicit(i32),
    /// Hashed from the key.
    Keyed(i32),
    /// No key (or keys ignored): the accumulator's sticky partition decides
    /// (Kafka's `RecordMetadata.UNKNOWN_PARTITION`), see [`BuiltInPartitioner`].
    Sticky,
}

/// `KafkaProducer.partition` with the built-in partitioner (no `partitioner.class`), plus the
/// range check of `waitOnMetadata`. `key` is the serialized key: an empty key is still a key.
pub fn choose_partition(
    partition: Option<i32>,
    key: Option<&[u8]>,
    num_partitions: i32,
    ignore_keys: bool,
) -> Result<PartitionChoice, PartitionerError> {
    if num_partitions <= 0 {
        return Err(PartitionerError::NoPartitions { num_partitions });
    }
    if let Some(partition) = partition {
        if partition < 0 {
            return Err(PartitionerError::NegativePartition { partition });
        }
        if partition >= num_partitions {
            return Err(PartitionerError::PartitionOutOfRange {
                partition,
                num_partitions,
            });
        }
        return Ok(PartitionChoice::Explicit(partition));
    }
    match key {
        Some(key) if !ignore_keys => {
            partition_for_key(key, num_partitions).map(PartitionChoice::Keyed)
        }
        _ => Ok(PartitionChoice::Sticky),
    }
}

/// Uniform random 32-bit numbers, from the engine's seeded generator (Kafka uses
/// `ThreadLocalRandom.nextInt()`). Any `FnMut() -> u32` closure is one, e.g.
/// `&mut || rng.next_u32()`.
pub trait RandomSource {
    fn next_u32(&mut self) -> u32;
}

impl<F: FnMut() -> u32> RandomSource for F {
    fn next_u32(&mut self) -> u32 {
        self()
    }
}

/// The partitions of a topic as the producer's metadata sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicPartitions<'a> {
    pub num_partitions: i32,
    /// Partitions that have a leader, in metadata order (`Cluster.availablePartitionsForTopic`).
    pub available: &'a [i32],
}

/// The current sticky partition and the bytes produced to it since it was chosen
/// (Kafka's `BuiltInPartitioner.StickyPartitionInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StickyPartitionInfo {
    pub partition: i32,
    pub produced_bytes: i64,
}

/// Queue-size weights for adaptive partitioning (`PartitionLoadStats`): a cumulative frequency
/// table where a partition with a shorter queue owns a wider range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PartitionLoadStats {
    cumulative_frequency_table: Vec<i64>,
    partition_ids: Vec<i32>,
}

/// The keyless-record partitioner of one topic in one producer (Kafka's `BuiltInPartitioner`).
///
/// The accumulator follows Kafka's protocol: [`BuiltInPartitioner::peek_current_partition`] to
/// learn where to append, then [`BuiltInPartitioner::update_partition_info`] with the bytes the
/// append added (including a new batch's 61-byte header) and whether every batch in that
/// partition's queue is full, which is what permits a switch before `2 × batch.size`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuiltInPartitioner {
    sticky_batch_size: i32,
    current: Option<StickyPartitionInfo>,
    load_stats: Option<PartitionLoadStats>,
}

impl BuiltInPartitioner {
    /// A partitioner that switches after `sticky_batch_size` bytes (the producer's `batch.size`).
    pub fn new(sticky_batch_size: i32) -> Result<Self, PartitionerError> {
        if sticky_batch_size < 1 {
            return Err(PartitionerError::InvalidStickyBatchSize {
                size: sticky_batch_size,
            });
        }
        Ok(BuiltInPartitioner {
            sticky_batch_size,
            current: None,
            load_stats: None,
        })
    }

    pub fn sticky_batch_size(&self) -> i32 {
        self.sticky_batch_size
    }

    /// The sticky partition, if one has been chosen yet.
    pub fn current(&self) -> Option<StickyPartitionInfo> {
        self.current
    }

    /// `peekCurrentPartitionInfo`: the partition keyless records go to now, choosing one the
    /// first time.
    pub fn peek_current_partition(
        &mut self,
        topic: TopicPartitions<'_>,
        random: &mut impl RandomSource,
    ) -> Result<i32, PartitionerError> {
        if let Some(info) = self.current {
            return Ok(info.partition);
        }
        let partition = self.next_partition(topic, random)?;
        self.current = Some(StickyPartitionInfo {
            partition,
            produced_bytes: 0,
        });
        Ok(partition)
    }

    /// `updatePartitionInfo`: counts `appended_bytes` against the sticky partition and switches
    /// once it had `batch.size` bytes (if `enable_switch`) or twice that (regardless).
    pub fn update_partition_info(
        &mut self,
        appended_bytes: i32,
        enable_switch: bool,
        topic: TopicPartitions<'_>,
        random: &mut impl RandomSource,
    ) -> Result<(), PartitionerError> {
        let Some(info) = self.current.as_mut() else {
            return Ok(());
        };
        info.produced_bytes = info
            .produced_bytes
            .saturating_add(i64::from(appended_bytes));
        let produced = info.produced_bytes;
        let size = i64::from(self.sticky_batch_size);
        if (produced >= size && enable_switch) || produced >= 2 * size {
            let partition = self.next_partition(topic, random)?;
            self.current = Some(StickyPartitionInfo {
                partition,
                produced_bytes: 0,
            });
        }
        Ok(())
    }

    /// `nextPartition`: a uniformly random available partition, or a load-weighted one.
    fn next_partition(
        &self,
        topic: TopicPartitions<'_>,
        random: &mut impl RandomSource,
    ) -> Result<i32, PartitionerError> {
        // Kafka draws first, whatever branch follows, so the random stream is the same.
        let random = i64::from(to_positive(random.next_u32() as i32));
        if let Some(stats) = &self.load_stats {
            if let Some(&range_end) = stats.cumulative_frequency_table.last() {
                if range_end > 0 {
                    let weighted = random % range_end;
                    // The first entry strictly greater than `weighted` (Kafka's binary search).
                    let index = stats
                        .cumulative_frequency_table
                        .partition_point(|&c| c <= weighted);
                    if let Some(&partition) = stats.partition_ids.get(index) {
                        return Ok(partition);
                    }
                }
            }
        }
        if !topic.available.is_empty() {
            let index = random % topic.available.len() as i64;
            if let Some(&partition) = topic.available.get(index as usize) {
                return Ok(partition);
            }
        }
        if topic.num_partitions <= 0 {
            return Err(PartitionerError::NoPartitions {
                num_partitions: topic.num_partitions,
            });
        }
        Ok((random % i64::from(topic.num_partitions)) as i32)
    }

    /// `updatePartitionLoadStats`: `queue_sizes[i]` is the number of batches queued for
    /// `partition_ids[i]` (partitions without a leader left out), `num_partitions` the topic's
    /// partition count. With fewer than two partitions, or all queues equal and none left out,
    /// switching goes back to uniform.
    pub fn update_partition_load_stats(
        &mut self,
        queue_sizes: &[i32],
        partition_ids: &[i32],
        num_partitions: i32,
    ) {
        let length = queue_sizes.len().min(partition_ids.len());
        let queue_sizes = &queue_sizes[..length];
        if length < 1 || num_partitions < 2 {
            self.load_stats = None;
            return;
        }
        let max = queue_sizes.iter().copied().max().unwrap_or(0);
        let all_equal = queue_sizes.iter().all(|&q| q == queue_sizes[0]);
        if all_equal && length as i64 == i64::from(num_partitions) {
            self.load_stats = None;
            return;
        }
        // Invert (max + 1 - size, so an empty queue weighs most) and fold into running sums.
        let max_plus_1 = i64::from(max) + 1;
        let mut running = 0i64;
        let cumulative_frequency_table = queue_sizes
            .iter()
            .map(|&q| {
                running += max_plus_1 - i64::from(q);
                running
            })
            .collect();
        self.load_stats = Some(PartitionLoadStats {
            cumulative_frequency_table,
            partition_ids: partition_ids[..length].to_vec(),
        });
    }

    /// Forgets the load stats (`partitioner.adaptive.partitioning.enable=false` behaves so).
    pub fn clear_partition_load_stats(&mut self) {
        self.load_stats = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafka_utils_test() {
        // Kafka's UtilsTest.testMurmur2.
        assert_eq!(murmur2(b"21"), -973_932_308);
        assert_eq!(murmur2(b"foobar"), -790_332_482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985_981_536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1_486_304_829);
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
            -58_897_971
        );
        assert_eq!(murmur2(b"abc"), 479_470_107); // new byte[] {'a', 'b', 'c'}
    }

    #[test]
    fn to_positive_clears_only_the_sign_bit() {
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(42), 42);
    }

    #[test]
    fn keyed_partition_is_positive_hash_modulo_count() {
        let expected = (-790_332_482i32 & 0x7fff_ffff) % 6;
        assert_eq!(partition_for_key(b"foobar", 6), Ok(expected));
        assert_eq!(
            partition_for_key(b"foobar", 0),
            Err(PartitionerError::NoPartitions { num_partitions: 0 })
        );
    }

    #[test]
    fn explicit_partition_wins_and_is_range_checked() {
        assert_eq!(
            choose_partition(Some(2), Some(b"k"), 3, false),
            Ok(PartitionChoice::Explicit(2))
        );
        let err = choose_partition(Some(3), None, 3, false).expect_err("out of range");
        assert_eq!(
            err.to_string(),
            "Invalid partition given with record: 3 is not in the range [0...3)."
        );
        assert!(choose_partition(Some(-1), None, 3, false).is_err());
        assert_eq!(
            choose_partition(None, None, 3, false),
            Ok(PartitionChoice::Sticky)
        );
        assert_eq!(
            choose_partition(None, Some(b"k"), 3, true),
            Ok(PartitionChoice::Sticky)
        );
        assert!(matches!(
            choose_partition(None, Some(b""), 3, false),
            Ok(PartitionChoice::Keyed(_))
        ));
    }
}
