//! Read-only views of a background producer (`producer start`) for the page's Producers panel:
//! where its acknowledged records landed (per partition), which partition each of its first
//! keys goes to (Kafka's murmur2 partitioner), and which acknowledged records a failover lost.
//!
//! Nothing here changes the cluster. The loss check reads whole partitions, so callers run it
//! only when something that can lose records changed (a leader epoch; see [`LossReport::watch`]).

use super::background::{BackgroundProducer, KeyPattern};
use crate::engine::cluster::Cluster;
use crate::engine::error::ErrorCode;
use crate::engine::fetch::OffsetSpec;
use crate::engine::partitioner::partition_for_key;
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// The value a background producer gives its record number `n`: `NAME-n`
/// (`Cluster::run_producer_tick`; a test below checks the two agree).
pub fn record_value(name: &str, n: u64) -> String {
    format!("{name}-{n}")
}

/// How many of the producer's remembered acknowledged records (the last 100 000) landed in each
/// partition, indexed by partition. `acks=0` records are never in it: the producer learns no
/// offset for them.
pub fn acknowledged_per_partition(producer: &BackgroundProducer, partitions: i32) -> Vec<u64> {
    let mut counts = vec![0_u64; usize::try_from(partitions.max(0)).unwrap_or(0)];
    for &(partition, _, _) in &producer.acknowledged {
        if let Some(count) = usize::try_from(partition)
            .ok()
            .and_then(|p| counts.get_mut(p))
        {
            *count += 1;
        }
    }
    counts
}

/// The keys of the producer's records `0..count` and the partition each goes to
/// (`BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(key)) % numPartitions`).
/// Empty for keyless producers (the sticky partitioner decides, batch by batch).
pub fn key_partitions(keys: &KeyPattern, partitions: i32, count: u64) -> Vec<(String, i32)> {
    keys.render_range(0..count)
        .into_iter()
        .filter_map(|key| {
            partition_for_key(key.as_bytes(), partitions)
                .ok()
                .map(|p| (key, p))
        })
        .collect()
}

/// Acknowledged records at or above their partition's high watermark now (`acks=1` answers
/// before the followers copy a record). Counted from the newest back, so it stops as soon as
/// every partition reached a committed record: cheap enough for every frame.
pub fn uncommitted_acknowledged(producer: &BackgroundProducer, cluster: &Cluster) -> u64 {
    let topic = &producer.spec.topic;
    let partitions = cluster.topic(topic).map_or(0, |t| t.partitions.len());
    // `None`: this partition is done (reached a committed record, or has no leader to ask).
    let mut high_watermarks: Vec<Option<i64>> = (0..partitions)
        .map(|p| {
            let p = i32::try_from(p).ok()?;
            let latest = cluster.list_offset(topic, p, OffsetSpec::Latest).ok()??;
            Some(latest.offset)
        })
        .collect();
    let mut open = high_watermarks.iter().filter(|hw| hw.is_some()).count();
    let mut count = 0;
    for &(partition, offset, _) in producer.acknowledged.iter().rev() {
        if open == 0 {
            break;
        }
        let Some(slot) = usize::try_from(partition)
            .ok()
            .and_then(|p| high_watermarks.get_mut(p))
        else {
            continue;
        };
        match *slot {
            Some(hw) if offset >= hw => count += 1,
            Some(_) => {
                *slot = None;
                open -= 1;
            }
            None => {}
        }
    }
    count
}

/// What became of the producer's acknowledged records, read from each partition's leader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LossReport {
    /// Acknowledged records the leader no longer holds below its high watermark (another record
    /// sits at that offset, or none): lost, as `acks=1` records are when their leader died
    /// before a follower copied them. (partition, offset), in order.
    pub lost: Vec<(i32, i64)>,
    /// Acknowledged records at or above their partition's high watermark: `acks=1` answers
    /// once the leader alone has a record, so these are not committed (yet).
    pub uncommitted: u64,
    /// Partitions whose leader cannot be read now (no leader, or no log there): not judged.
    pub unreadable: Vec<i32>,
    /// Per partition, the lowest and the highest uncommitted acknowledged offset: once the high
    /// watermark passes the highest, those records are either held (committed) or lost, so
    /// look again then, from the lowest.
    pub watch: BTreeMap<i32, (i64, i64)>,
}

impl LossReport {
    /// The lost offsets as ranges per partition: `[(partition, first, last)]`.
    pub fn lost_ranges(&self) -> Vec<(i32, i64, i64)> {
        let mut ranges: Vec<(i32, i64, i64)> = Vec::new();
        for &(partition, offset) in &self.lost {
            match ranges.last_mut() {
                Some((p, _, last)) if *p == partition && *last + 1 == offset => *last = offset,
                _ => ranges.push((partition, offset, offset)),
            }
        }
        ranges
    }
}

/// Compares remembered acknowledged records with what their partition's leader holds now:
/// every one (`from` is `None`), or for the partitions in `from` those at or above its offset
/// (the rest were judged before). Unlike `BackgroundProducer::lost_records`, a record above the
/// high watermark is not called lost (an `acks=1` answer comes before the followers copy it), a
/// partition that cannot be read is not judged, and offsets below the log start offset (deleted
/// by retention) are skipped. It reads the partitions from the first offset it judges.
pub fn acknowledged_loss(
    producer: &BackgroundProducer,
    cluster: &Cluster,
    from: Option<&BTreeMap<i32, i64>>,
) -> LossReport {
    let mut report = LossReport::default();
    let mut by_partition: BTreeMap<i32, Vec<(i64, u64)>> = BTreeMap::new();
    for &(partition, offset, n) in &producer.acknowledged {
        let start = match from {
            None => i64::MIN,
            Some(from) => match from.get(&partition) {
                Some(&start) => start,
                None => continue,
            },
        };
        if offset >= start {
            by_partition.entry(partition).or_default().push((offset, n));
        }
    }
    let topic = &producer.spec.topic;
    for (partition, mut acked) in by_partition {
        acked.sort_unstable();
        let first = acked.first().map_or(0, |&(offset, _)| offset);
        let held = match read_from(cluster, topic, partition, first) {
            Some(held) => held,
            None => {
                report.unreadable.push(partition);
                continue;
            }
        };
        for (offset, n) in acked {
            if offset < held.log_start_offset {
                continue;
            }
            if offset >= held.high_watermark {
                report.uncommitted += 1;
                let (low, top) = report.watch.entry(partition).or_insert((offset, offset));
                *low = (*low).min(offset);
                *top = (*top).max(offset);
                continue;
            }
            let expected = record_value(&producer.spec.name, n);
            if held.values.get(&offset).map(Vec::as_slice) != Some(expected.as_bytes()) {
                report.lost.push((partition, offset));
            }
        }
    }
    report
}

/// A partition's records from `offset` up to its high watermark, by offset.
struct Held {
    values: BTreeMap<i64, Vec<u8>>,
    high_watermark: i64,
    log_start_offset: i64,
}

fn read_from(cluster: &Cluster, topic: &str, partition: i32, offset: i64) -> Option<Held> {
    let fetched = match cluster.fetch(topic, partition, offset, i32::MAX) {
        Err(error) if error.code == ErrorCode::OffsetOutOfRange => {
            // Retention deleted the start: read from where the log starts now.
            let start = cluster
                .list_offset(topic, partition, OffsetSpec::Earliest)
                .ok()
                .flatten()?
                .offset;
            cluster.fetch(topic, partition, start, i32::MAX).ok()?
        }
        other => other.ok()?,
    };
    let values = fetched
        .batches
        .into_iter()
        .flat_map(|batch| batch.into_records())
        .filter(|record| record.offset >= offset)
        .map(|record| (record.offset, record.value.unwrap_or_default()))
        .collect_map();
    Some(Held {
        values,
        high_watermark: fetched.high_watermark,
        log_start_offset: fetched.log_start_offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::run_script;
    use crate::engine::ClusterOptions;

    #[test]
    fn ranges_group_consecutive_offsets_per_partition() {
        let report = LossReport {
            lost: vec![(0, 41), (0, 42), (0, 43), (0, 50), (2, 51)],
            ..LossReport::default()
        };
        assert_eq!(
            report.lost_ranges(),
            vec![(0, 41, 43), (0, 50, 50), (2, 51, 51)]
        );
    }

    #[test]
    fn keys_go_where_murmur2_puts_them() {
        let keys = KeyPattern::parse("k{n%3}").expect("pattern");
        let table = key_partitions(&keys, 3, 4);
        assert_eq!(table.len(), 4);
        assert_eq!(table[0].0, "k0");
        assert_eq!(table[3].0, "k0", "same key again");
        assert_eq!(table[0].1, table[3].1, "same key, same partition");
        for (key, partition) in &table {
            assert_eq!(
                Ok(*partition),
                partition_for_key(key.as_bytes(), 3),
                "{key}"
            );
        }
        assert!(key_partitions(&KeyPattern::None, 3, 4).is_empty());
    }

    /// The values the loss check expects are the ones the producer writes, and a healthy
    /// cluster loses nothing.
    #[test]
    fn a_healthy_acks_1_producer_loses_nothing() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let output = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic t --partitions 3 --replication-factor 3\n\
             producer start p --topic t --rate 1000/s --keys k{n%20} --acks 1\n\
             time advance 2s\n",
        );
        assert!(!output.failed, "{}", output.stderr());
        let producer = &cluster.background_producers()["p"];
        assert!(producer.stats.acknowledged > 1500, "{:?}", producer.stats);
        let counts = acknowledged_per_partition(producer, 3);
        assert_eq!(
            counts.iter().sum::<u64>(),
            producer.acknowledged.len() as u64
        );
        assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
        let report = acknowledged_loss(producer, &cluster, None);
        assert!(report.lost.is_empty(), "{report:?}");
        assert_eq!(
            uncommitted_acknowledged(producer, &cluster),
            report.uncommitted
        );
        assert!(report.unreadable.is_empty(), "{report:?}");
        // Everything below the high watermark was compared with the value the producer wrote.
        let held = producer.acknowledged.len() as u64 - report.uncommitted;
        assert!(held > 1500, "{report:?}");
    }

    /// The Producers panel's scenario (tests/e2e/producers.test.mjs): 1000 records/s with acks=1,
    /// the leader of partition 0 killed; once the controller fenced it and elected another
    /// leader, the records only it had are lost, and the panel's check finds exactly them.
    #[test]
    fn an_acks_1_failover_loses_what_only_the_dead_leader_had() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let output = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
             producer start p1 --topic orders --rate 1000/s --keys k{n%20} --acks 1\n\
             time advance 1s\ntime advance 1s\n",
        );
        assert!(!output.failed, "{}", output.stderr());
        let leader = cluster
            .partition_info("orders", 0)
            .and_then(|p| p.leader)
            .expect("a leader");
        let output = run_script(
            &mut cluster,
            // 15 s: when the dead leader was also the active controller, the others first
            // elect a new one, which gives every broker a fresh session before fencing.
            &format!("broker kill {leader}\ntime advance 15s\ntime advance 1s\n"),
        );
        assert!(!output.failed, "{}", output.stderr());
        let producer = &cluster.background_producers()["p1"];
        let report = acknowledged_loss(producer, &cluster, None);
        eprintln!("{:?} {:?}", report.lost_ranges(), report.uncommitted);
        assert!(!report.lost.is_empty(), "{report:?}");
        assert!(report.lost.iter().all(|&(p, _)| p == 0), "{report:?}");
    }

    /// While a partition has no live leader only its records wait: the others are acknowledged
    /// (each batch completes on its own answer), and its batches show as retrying.
    #[test]
    fn a_dead_leader_holds_back_only_its_partition() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let output = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
             producer start p1 --topic orders --rate 1000/s --keys k{n%20} --acks 1\n\
             time advance 1s\n",
        );
        assert!(!output.failed, "{}", output.stderr());
        let leader = cluster
            .partition_info("orders", 0)
            .and_then(|p| p.leader)
            .expect("a leader");
        let before = cluster.background_producers()["p1"].stats;
        let output = run_script(
            &mut cluster,
            &format!("broker kill {leader}\ntime advance 3s\n"),
        );
        assert!(!output.failed, "{}", output.stderr());
        let producer = &cluster.background_producers()["p1"];
        let acknowledged = producer.stats.acknowledged - before.acknowledged;
        assert!(
            acknowledged > 1000,
            "the other partitions went on: {acknowledged}"
        );
        let retrying = producer.retrying();
        eprintln!("{:?}", retrying.first());
        assert!(!retrying.is_empty());
        assert!(
            retrying.iter().all(|b| b.partition == 0 && b.attempts >= 1),
            "{retrying:?}"
        );
    }

    /// Past the point where the producer drops handed-out results, every record keeps its
    /// number (its value `NAME-n` is where the loss check finds it) and every one is counted.
    #[test]
    fn a_long_run_keeps_every_record_number() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let output = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic t --partitions 2 --replication-factor 3\n\
             producer start p --topic t --rate 1000/s --keys k{n} --acks all\n\
             time advance 10s\n",
        );
        assert!(!output.failed, "{}", output.stderr());
        let producer = &cluster.background_producers()["p"];
        let report = acknowledged_loss(producer, &cluster, None);
        assert!(report.lost.is_empty(), "{:?}", report.lost_ranges());
        assert!(producer.acknowledged.len() > 9_000);
        let output = run_script(&mut cluster, "producer stop p\n");
        assert_eq!(
            output.stdout(),
            "Producer p stopped: 10000 sent, 10000 acknowledged, 0 failed.\n"
        );
    }
}
