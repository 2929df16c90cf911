//! Where a new partition's replicas go: Kafka's KRaft `StripedReplicaPlacer`, step for step.
//!
//! The controller places every new partition (topic creation, `CreatePartitions`) with one
//! `StripedReplicaPlacer` built on one `java.util.Random` ([`JavaRandom`]). Brokers are grouped
//! by rack (`broker.rack`; without racks, one rack holds every broker); each rack keeps its
//! unfenced and fenced brokers in sorted lists with a random starting offset, and partitions take
//! racks and brokers round-robin, each partition starting one further on — the "striped" pattern.
//! The first replica (the preferred leader) is always an unfenced broker; fenced brokers are used
//! only when the unfenced ones run out. After as many partitions as there are unfenced brokers,
//! the rack and broker lists are shuffled so the stripes do not repeat.
//!
//! Ported from `org.apache.kafka.metadata.placement.StripedReplicaPlacer` (Kafka 4.1, without
//! trunk's KAFKA-14437 continuation from a topic's existing partitions); the tests port
//! `StripedReplicaPlacerTest` with its `MockRandom`.

use super::error::{ApiError, ErrorCode};
use super::java_random::{JavaRandom, RandomBits};
use super::rng::derive_seed;
use crate::engine::sorting;

/// A broker the placer may use (`UsableBroker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsableBroker {
    pub id: i32,
    pub rack: Option<String>,
    pub fenced: bool,
}

/// A list of brokers iterated round-robin from an offset, once per iteration epoch
/// (`StripedReplicaPlacer.BrokerList`).
#[derive(Debug, Clone, Default)]
struct BrokerList {
    brokers: Vec<i32>,
    /// How many brokers were taken in the current epoch.
    index: usize,
    offset: usize,
    epoch: i32,
}

impl BrokerList {
    fn initialize(&mut self, random: &mut impl RandomBits) {
        if !self.brokers.is_empty() {
            sorting::sort(&mut self.brokers);
            self.offset = to_index(random.next_int(to_i32(self.brokers.len())));
        }
    }

    /// The next broker of `epoch`, or `None` when this epoch has used them all. A new epoch
    /// starts over, one further on.
    fn next(&mut self, epoch: i32) -> Option<i32> {
        if self.brokers.is_empty() {
            return None;
        }
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % self.brokers.len();
        }
        if self.index >= self.brokers.len() {
            return None;
        }
        let broker = self.brokers[(self.index + self.offset) % self.brokers.len()];
        self.index += 1;
        Some(broker)
    }
}

/// One rack's brokers (`StripedReplicaPlacer.Rack`).
#[derive(Debug, Clone, Default)]
struct Rack {
    name: Option<String>,
    fenced: BrokerList,
    unfenced: BrokerList,
}

impl Rack {
    /// Unfenced brokers first; fenced ones only when those are used up.
    fn next(&mut self, epoch: i32) -> Option<i32> {
        self.unfenced
            .next(epoch)
            .or_else(|| self.fenced.next(epoch))
    }
}

/// Every rack and the placement state across partitions (`StripedReplicaPlacer.RackList`).
#[derive(Debug, Clone)]
struct RackList {
    /// In `HashMap` iteration order, the order Kafka initialises and shuffles them in.
    racks: Vec<Rack>,
    /// Indexes into `racks`, sorted by name (no rack first), then shuffled as Kafka shuffles.
    rack_names: Vec<usize>,
    total_brokers: usize,
    unfenced_brokers: usize,
    epoch: i32,
    offset: usize,
}

impl RackList {
    fn new(random: &mut impl RandomBits, brokers: &[UsableBroker]) -> Self {
        let mut racks: Vec<Rack> = Vec::new();
        let mut unfenced_brokers = 0;
        for broker in brokers {
            let index = match racks.iter().position(|r| r.name == broker.rack) {
                Some(index) => index,
                None => {
                    racks.push(Rack {
                        name: broker.rack.clone(),
                        ..Rack::default()
                    });
                    racks.len() - 1
                }
            };
            if broker.fenced {
                racks[index].fenced.brokers.push(broker.id);
            } else {
                unfenced_brokers += 1;
                racks[index].unfenced.brokers.push(broker.id);
            }
        }
        java_hash_map_order(&mut racks);
        for rack in &mut racks {
            rack.fenced.initialize(random);
            rack.unfenced.initialize(random);
        }
        // `OptionalStringComparator`: an absent rack sorts first, then by name.
        let mut rack_names: Vec<usize> = (0..racks.len()).collect();
        sorting::sort_by(&mut rack_names, |&a, &b| racks[a].name.cmp(&racks[b].name));
        let offset = if racks.is_empty() {
            0
        } else {
            to_index(random.next_int(to_i32(racks.len())))
        };
        RackList {
            racks,
            rack_names,
            total_brokers: brokers.len(),
            unfenced_brokers,
            epoch: 0,
            offset,
        }
    }

    /// The replicas of one more partition (`RackList.place`).
    fn place(
        &mut self,
        random: &mut impl RandomBits,
        replication_factor: i32,
    ) -> Result<Vec<i32>, ApiError> {
        check(
            replication_factor,
            self.total_brokers,
            self.unfenced_brokers,
        )?;
        // After as many partitions as unfenced brokers, shuffle so the stripes do not repeat
        // (never for a single unfenced broker, which would loop forever).
        if usize::try_from(self.epoch).ok() == Some(self.unfenced_brokers)
            && self.unfenced_brokers > 1
        {
            random.shuffle(&mut self.rack_names);
            for rack in &mut self.racks {
                random.shuffle(&mut rack.fenced.brokers);
                random.shuffle(&mut rack.unfenced.brokers);
            }
            self.epoch = 0;
        }
        if self.offset == self.rack_names.len() {
            self.offset = 0;
        }
        let racks = self.rack_names.len();
        let mut replicas = Vec::with_capacity(to_index(replication_factor));
        // The leader: the first unfenced broker from the starting rack on.
        let mut index = self.offset;
        let mut first_rack = loop {
            if let Some(broker) = self.racks[self.rack_names[index]].unfenced.next(self.epoch) {
                replicas.push(broker);
                break Some(index);
            }
            index = (index + 1) % racks;
        };
        // The followers: one per rack round-robin from the starting rack, skipping the
        // leader's rack once.
        let mut rack_index = self.offset;
        for _ in 1..replication_factor {
            loop {
                let found = if first_rack == Some(rack_index) {
                    first_rack = None;
                    None
                } else {
                    self.racks[self.rack_names[rack_index]].next(self.epoch)
                };
                rack_index = (rack_index + 1) % racks;
                if let Some(broker) = found {
                    replicas.push(broker);
                    break;
                }
            }
        }
        self.epoch += 1;
        self.offset += 1;
        Ok(replicas)
    }
}

/// The controller's `StripedReplicaPlacer`: one generator for every placement it makes.
#[derive(Debug, Clone)]
pub struct StripedReplicaPlacer<R> {
    random: R,
}

impl<R: RandomBits> StripedReplicaPlacer<R> {
    pub fn new(random: R) -> Self {
        StripedReplicaPlacer { random }
    }

    /// The generator, to save its state.
    pub fn random(&self) -> &R {
        &self.random
    }

    /// Replicas for `partitions` new partitions, the preferred leader first in each
    /// (`StripedReplicaPlacer.place`). Errors are Kafka's `InvalidReplicationFactorException`s.
    pub fn place(
        &mut self,
        partitions: i32,
        replication_factor: i32,
        brokers: &[UsableBroker],
    ) -> Result<Vec<Vec<i32>>, ApiError> {
        let mut racks = RackList::new(&mut self.random, brokers);
        // `place` checks "all fenced" before "too few brokers"; `RackList.place` the other way.
        positive(replication_factor)?;
        any_unfenced(racks.unfenced_brokers)?;
        enough_brokers(replication_factor, racks.total_brokers)?;
        (0..partitions)
            .map(|_| racks.place(&mut self.random, replication_factor))
            .collect()
    }
}

/// The controller's placer as the playground builds it: on a [`JavaRandom`] seeded from the
/// cluster's seed. Kafka's `QuorumController.Builder` uses `new StripedReplicaPlacer(new
/// Random())`, seeded from the clock (docs/DEPARTURES.md).
pub type ControllerPlacer = StripedReplicaPlacer<JavaRandom>;

/// Tells the placer's seed apart from the other seeds derived from the cluster's ("placer").
const PLACER_SEED_STREAM: u64 = 0x0000_706c_6163_6572;

/// The `new Random(seed)` argument of a cluster's placer: one SplitMix64 step of the cluster's
/// seed on its own stream. Never drawn from the cluster's `Rng`, so topic ids, jitters and the
/// rest draw exactly what they drew before the placer existed.
pub fn placer_seed(cluster_seed: u64) -> i64 {
    derive_seed(cluster_seed, PLACER_SEED_STREAM) as i64
}

impl ControllerPlacer {
    /// A new cluster's placer.
    pub fn for_cluster_seed(cluster_seed: u64) -> Self {
        StripedReplicaPlacer::new(JavaRandom::new(placer_seed(cluster_seed)))
    }
}

/// Every broker as `ClusterDescriber.usableBrokers` lists it for a cluster without racks, in
/// node id order. Every broker is unfenced until brokers can stop (issue #5's failures): then a
/// fenced broker is listed with `fenced: true` and one in controlled shutdown is left out.
pub fn unfenced_brokers(node_ids: impl IntoIterator<Item = i32>) -> Vec<UsableBroker> {
    node_ids
        .into_iter()
        .map(|id| UsableBroker {
            id,
            rack: None,
            fenced: false,
        })
        .collect()
}

/// The placer's three refusals, in `RackList.place`'s order.
fn check(replication_factor: i32, total: usize, unfenced: usize) -> Result<(), ApiError> {
    positive(replication_factor)?;
    enough_brokers(replication_factor, total)?;
    any_unfenced(unfenced)
}

fn refuse(message: String) -> Result<(), ApiError> {
    Err(ApiError::new(ErrorCode::InvalidReplicationFactor, message))
}

/// `throwInvalidReplicationFactorIfNonPositive`.
fn positive(replication_factor: i32) -> Result<(), ApiError> {
    if replication_factor <= 0 {
        return refuse(format!(
            "Invalid replication factor {replication_factor}: the replication factor must be positive."
        ));
    }
    Ok(())
}

/// `throwInvalidReplicationFactorIfTooFewBrokers`.
fn enough_brokers(replication_factor: i32, total: usize) -> Result<(), ApiError> {
    if to_index(replication_factor) > total {
        return refuse(format!(
            "The target replication factor of {replication_factor} cannot be reached because only {total} broker(s) are registered."
        ));
    }
    Ok(())
}

/// `throwInvalidReplicationFactorIfZero` (of the unfenced brokers).
fn any_unfenced(unfenced: usize) -> Result<(), ApiError> {
    if unfenced == 0 {
        return refuse("All brokers are currently fenced.".to_string());
    }
    Ok(())
}

/// Orders racks as a `java.util.HashMap<Optional<String>, Rack>` iterates them: by bucket
/// (`(h ^ h >>> 16) & (capacity - 1)` of `Optional.hashCode`, 0 for no rack), then in insertion
/// order within a bucket. The capacity starts at 16 and doubles past 0.75 full.
fn java_hash_map_order(racks: &mut [Rack]) {
    let mut capacity: usize = 16;
    while racks.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |rack: &Rack| {
        let h = rack.name.as_deref().map_or(0, java_string_hash);
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    // A stable sort keeps insertion order within a bucket.
    sorting::sort_by_key(racks, |rack| bucket(rack));
}

/// `String.hashCode` over UTF-16 code units, as an unsigned 32-bit value.
pub fn java_string_hash(text: &str) -> u32 {
    text.encode_utf16().fold(0u32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(u32::from(unit))
    })
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn to_index(n: i32) -> usize {
    usize::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests;
