//! `kafka-reassign-partitions.sh --generate`: a proposal that spreads the named topics over the
//! listed brokers with the tool's own placement, `AdminUtils.assignReplicasToBrokers` without
//! racks (not the controller's striped placer): the first replicas round-robin from a random
//! start, the others at a growing shift. Kafka draws the start and shift from an unseeded
//! `java.util.Random`; here a `java.util.Random` is seeded from the cluster's PRNG, so a script
//! proposes the same thing every run.

use super::super::java_order::{hash_map_order, string_hash};
use super::super::Output;
use super::data::{self, Failure};
use crate::engine::java_random::{JavaRandom, RandomBits};
use crate::engine::Cluster;

const INVALID_REPLICATION_FACTOR: &str =
    "org.apache.kafka.common.errors.InvalidReplicationFactorException";

/// `generateAssignment`: prints the current and the proposed assignment.
pub fn run(
    cluster: &mut Cluster,
    topics_json: &str,
    broker_list: &str,
    output: &mut Output,
) -> Result<(), Failure> {
    let (brokers, topics) = data::parse_generate(topics_json, broker_list)?;
    let mut current = Vec::new();
    for topic in &topics {
        let Some(info) = cluster.topic(topic) else {
            return Err(super::unknown_topic(topic));
        };
        for p in &info.partitions {
            current.push(((topic.clone(), p.partition), p.replicas.clone()));
        }
    }
    // getBrokerMetadata: the live brokers of the list, in the cluster's order.
    let live: Vec<i32> = super::live_brokers(cluster)
        .into_iter()
        .filter(|id| brokers.contains(id))
        .collect();
    let mut random = JavaRandom::new(cluster.rng().next_u64() as i64);
    let mut proposed = Vec::new();
    // calculateAssignment groups the partitions by topic in a HashMap and draws per topic in
    // its order.
    for topic in hash_map_order(topics.clone(), |t| string_hash(t)) {
        let Some(info) = cluster.topic(&topic) else {
            continue;
        };
        let partitions = i32::try_from(info.partitions.len()).unwrap_or(i32::MAX);
        let factor = info
            .partitions
            .first()
            .map_or(0, |p| i32::try_from(p.replicas.len()).unwrap_or(i32::MAX));
        let assigned = assign_rack_unaware(&mut random, partitions, factor, &live)?;
        for (partition, replicas) in (0..).zip(assigned) {
            proposed.push(((topic.clone(), partition), replicas));
        }
    }
    output.out("Current partition replica assignment");
    output.out(data::format_reassignment(&current));
    output.out("");
    output.out("Proposed partition reassignment configuration");
    output.out(data::format_reassignment(&proposed));
    Ok(())
}

/// `AdminUtils.assignReplicasToBrokers` for brokers without racks, with a random start index
/// and replica shift (`fixedStartIndex` and `startPartitionId` -1): one replica list per
/// partition.
pub fn assign_rack_unaware(
    random: &mut impl RandomBits,
    partitions: i32,
    replication_factor: i32,
    brokers: &[i32],
) -> Result<Vec<Vec<i32>>, Failure> {
    if partitions <= 0 {
        return Err((
            "org.apache.kafka.common.errors.InvalidPartitionsException",
            "Number of partitions must be larger than 0.".to_string(),
        ));
    }
    if replication_factor <= 0 {
        return Err((
            INVALID_REPLICATION_FACTOR,
            "Replication factor must be larger than 0.".to_string(),
        ));
    }
    let n = i32::try_from(brokers.len()).unwrap_or(i32::MAX);
    if replication_factor > n {
        return Err((
            INVALID_REPLICATION_FACTOR,
            format!("Replication factor: {replication_factor} larger than available brokers: {n}."),
        ));
    }
    let start_index = random.next_int(n);
    let mut next_replica_shift = random.next_int(n);
    let at = |i: i32| brokers[usize::try_from(i).unwrap_or(0)];
    let mut out = Vec::new();
    for partition in 0..partitions {
        if partition > 0 && partition % n == 0 {
            next_replica_shift += 1;
        }
        let first = (partition + start_index) % n;
        let mut replicas = vec![at(first)];
        for j in 0..replication_factor - 1 {
            replicas.push(at(replica_index(first, next_replica_shift, j, n)));
        }
        out.push(replicas);
    }
    Ok(out)
}

/// `AdminUtils.replicaIndex`.
fn replica_index(first: i32, second_replica_shift: i32, replica: i32, brokers: i32) -> i32 {
    let shift = 1 + i64::from(second_replica_shift + replica) % i64::from(brokers - 1).max(1);
    ((i64::from(first) + shift) % i64::from(brokers)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Random` that returns fixed values, as `fixedStartIndex` would.
    struct Fixed(i32);

    impl RandomBits for Fixed {
        fn next_bits(&mut self, _bits: u32) -> i32 {
            0
        }
        fn next_int(&mut self, _bound: i32) -> i32 {
            self.0
        }
    }

    #[test]
    fn kafkas_rack_unaware_example() {
        // AdminUtils' doc example: 5 brokers, 10 partitions, 3 replicas, start index 0.
        let assigned = assign_rack_unaware(&mut Fixed(0), 10, 3, &[0, 1, 2, 3, 4]).expect("ok");
        assert_eq!(assigned[0], vec![0, 1, 2]);
        assert_eq!(assigned[4], vec![4, 0, 1]);
        assert_eq!(assigned[5], vec![0, 2, 3]);
        assert_eq!(assigned[9], vec![4, 1, 2]);
        let refused = assign_rack_unaware(&mut Fixed(0), 1, 3, &[1, 2]).err();
        assert_eq!(
            refused.map(|e| e.1),
            Some("Replication factor: 3 larger than available brokers: 2.".to_string())
        );
    }
}
