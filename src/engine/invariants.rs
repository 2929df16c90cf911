//! Replication's safety properties, checked after every step in tests and seed sweeps
//! (DESIGN.md principle 5: broken invariants are asserts, checked hardest in simulation).
//!
//! - **One leader per epoch**: no two brokers act as leader of a partition in one leader epoch,
//!   and a broker acting in the controller's current epoch is the controller's leader.
//! - **The high watermark is replicated**: a leader's high watermark never passes the log end
//!   offset of a running ISR or ELR member.
//! - **The high watermark never goes back** on a leader within its epoch.
//! - **Replicas agree below the high watermark**: every running ISR or ELR member holds the
//!   leader's very batches (offsets, leader epoch, CRC) below the leader's high watermark.
//!
//! - **One quorum leader per epoch** (KIP-595's Election Safety): no two nodes lead the
//!   metadata quorum in one epoch.
//! - **Committed metadata is never lost** (Leader Completeness): the leader of an epoch holds
//!   every offset committed in the epochs before it.
//!
//! No acknowledged record being lost is a property of a whole run; the seed sweep checks it
//! (tests/replication/sweep.rs), and that every node's metadata image converges to the
//! controller's.

use super::broker::TopicPartition;
use super::cluster::Cluster;
use super::kraft::Role;
use super::record::BatchHeader;
use std::collections::BTreeMap;

/// What the checker remembers between steps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvariantHistory {
    /// Per partition: the leader seen in each epoch.
    leaders: BTreeMap<(TopicPartition, i32), i32>,
    /// Per partition: (leader, epoch, high watermark) at the last check.
    high_watermarks: BTreeMap<TopicPartition, (i32, i32, i64)>,
    /// The node that led the metadata quorum in each epoch.
    quorum_leaders: BTreeMap<i32, i32>,
    /// Per quorum epoch, the highest metadata offset a node in that epoch has seen committed.
    quorum_committed: BTreeMap<i32, i64>,
}

/// A broken invariant, said so a person can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub at_ms: i64,
    pub message: String,
}

/// Checks every invariant of the module; returns what is broken.
pub fn check(cluster: &Cluster, history: &mut InvariantHistory) -> Vec<Violation> {
    let mut found = Vec::new();
    let at_ms = cluster.now().as_millis();
    let mut fail = |message: String| found.push(Violation { at_ms, message });
    quorum_safety(cluster, history, &mut fail);
    for topic in cluster.topics() {
        for info in &topic.partitions {
            let key = (topic.name.clone(), info.partition);
            let tp = format!("{}-{}", topic.name, info.partition);
            one_leader_per_epoch(cluster, history, &key, &tp, &mut fail);
            let Some(leader) = info.leader else {
                continue;
            };
            // A broker back from a crash acts on nothing until a controller registers it.
            let Some(leader_log) = cluster
                .broker(leader)
                .filter(|b| cluster.is_serving(b.node_id))
                .and_then(|b| b.log(&key.0, key.1))
            else {
                continue;
            };
            let high_watermark = leader_log.high_watermark();
            let previous = history
                .high_watermarks
                .insert(key.clone(), (leader, info.leader_epoch, high_watermark));
            if let Some((l, e, hw)) = previous {
                if l == leader && e == info.leader_epoch && high_watermark < hw {
                    fail(format!(
                        "{tp}: the high watermark of leader {leader} went back from {hw} to {high_watermark} in epoch {e}"
                    ));
                }
            }
            let leader_batches = batches_below(cluster, leader, &key, high_watermark);
            // ISR members, and ELR members too: they hold every committed record (KIP-966).
            for &member in info.isr.iter().chain(&info.elr).filter(|&&m| m != leader) {
                let Some(log) = cluster
                    .broker(member)
                    .filter(|b| cluster.is_serving(b.node_id))
                    .and_then(|b| b.log(&key.0, key.1))
                else {
                    continue;
                };
                if log.log_end_offset() < high_watermark {
                    fail(format!(
                        "{tp}: the high watermark {high_watermark} of leader {leader} is past the log end offset {} of ISR/ELR member {member}",
                        log.log_end_offset()
                    ));
                    continue;
                }
                let theirs = batches_below(cluster, member, &key, high_watermark);
                // Compare from the later log start: retention may have removed older batches.
                let from = leader_log.log_start_offset().max(log.log_start_offset());
                let mine: Vec<_> = leader_batches.iter().filter(|b| b.1 >= from).collect();
                let them: Vec<_> = theirs.iter().filter(|b| b.1 >= from).collect();
                if mine != them {
                    let first = mine
                        .iter()
                        .zip(&them)
                        .find(|(a, b)| a != b)
                        .map_or(from, |(a, _)| a.0);
                    fail(format!(
                        "{tp}: ISR/ELR member {member} differs from leader {leader} below the high watermark {high_watermark} (first at offset {first})"
                    ));
                }
            }
        }
    }
    found
}

/// Election Safety and Leader Completeness of the metadata quorum (KIP-595 is Raft).
fn quorum_safety(cluster: &Cluster, history: &mut InvariantHistory, fail: &mut impl FnMut(String)) {
    let quorum = cluster.quorum();
    for node in quorum.nodes.values() {
        let committed = history.quorum_committed.entry(node.epoch).or_insert(0);
        *committed = (*committed).max(node.high_watermark);
    }
    for node in quorum.nodes.values() {
        if !matches!(node.role, Role::Leader(_)) {
            continue;
        }
        match history.quorum_leaders.insert(node.epoch, node.id) {
            Some(other) if other != node.id => fail(format!(
                "quorum: nodes {other} and {} both led epoch {}",
                node.id, node.epoch
            )),
            _ => {}
        }
        // A leader of an older epoch still acting (it has not heard of the new one yet) may
        // lack what the newer epochs committed; it must hold what the epochs before its own did.
        let before = history
            .quorum_committed
            .range(..node.epoch)
            .map(|(_, &offset)| offset)
            .max()
            .unwrap_or(0);
        if node.log.log_end_offset() < before {
            fail(format!(
                "quorum: leader {} of epoch {} ends at {} but offset {before} was committed before its epoch",
                node.id,
                node.epoch,
                node.log.log_end_offset()
            ));
        }
    }
}

/// No two brokers lead one partition in one epoch, and no broker leads in the controller's
/// epoch but the controller's leader.
fn one_leader_per_epoch(
    cluster: &Cluster,
    history: &mut InvariantHistory,
    key: &TopicPartition,
    tp: &str,
    fail: &mut impl FnMut(String),
) {
    let Some(info) = cluster.partition_info(&key.0, key.1) else {
        return;
    };
    for broker in cluster.brokers().filter(|b| b.is_running()) {
        let Some(led) = broker.replica.led.get(&key.0, key.1) else {
            continue;
        };
        if led.leader_epoch == info.leader_epoch && info.leader != Some(broker.node_id) {
            fail(format!(
                "{tp}: broker {} acts as leader in epoch {} but the controller's leader is {:?}",
                broker.node_id, led.leader_epoch, info.leader
            ));
        }
        match history.leaders.get(&(key.clone(), led.leader_epoch)) {
            Some(&other) if other != broker.node_id => fail(format!(
                "{tp}: brokers {other} and {} both led in epoch {}",
                broker.node_id, led.leader_epoch
            )),
            Some(_) => {}
            None => {
                history
                    .leaders
                    .insert((key.clone(), led.leader_epoch), broker.node_id);
            }
        }
    }
}

/// (base offset, last offset, partition leader epoch, CRC) of `broker`'s batches of `key`
/// that end below `below`.
fn batches_below(
    cluster: &Cluster,
    broker: i32,
    key: &TopicPartition,
    below: i64,
) -> Vec<(i64, i64, i32, u32)> {
    let Some(node) = cluster.broker(broker) else {
        return Vec::new();
    };
    let Some(log) = node.log(&key.0, key.1) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for segment in log.segments() {
        let Some(bytes) = node.store.contents(segment.log_path_str()) else {
            continue;
        };
        let mut position = 0;
        while let Ok(header) = BatchHeader::parse(&bytes[position.min(bytes.len())..]) {
            let Ok(size) = usize::try_from(header.size_in_bytes()) else {
                break;
            };
            if size == 0 || header.last_offset() >= below {
                break;
            }
            out.push((
                header.base_offset,
                header.last_offset(),
                header.partition_leader_epoch,
                header.crc,
            ));
            position += size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Each checker breaks on purpose and must fire.
    use super::*;
    use crate::cli::run_script;
    use crate::engine::ClusterOptions;

    fn replicated() -> Cluster {
        let mut cluster = Cluster::new(ClusterOptions {
            brokers: 3,
            ..ClusterOptions::default()
        });
        let out = run_script(
            &mut cluster,
            "kafka-topics.sh --create --topic t --replica-assignment 1:2:3\nkafka-console-producer.sh --topic t <<EOF\na\nb\nEOF\ntime advance 1s\n",
        );
        assert!(!out.failed, "{}", out.stderr());
        cluster
    }

    fn messages(cluster: &Cluster) -> Vec<String> {
        check(cluster, &mut InvariantHistory::default())
            .into_iter()
            .map(|v| v.message)
            .collect()
    }

    #[test]
    fn a_healthy_cluster_breaks_nothing() {
        assert_eq!(messages(&replicated()), Vec::<String>::new());
    }

    #[test]
    fn a_second_quorum_leader_in_the_epoch_fires() {
        let mut cluster = replicated();
        let mut history = InvariantHistory::default();
        assert!(check(&cluster, &mut history).is_empty());
        let leader = cluster.quorum().leader().map(|n| (n.id, n.role.clone()));
        let Some((id, role)) = leader else {
            panic!("no quorum leader");
        };
        let other = if id == 1 { 2 } else { 1 };
        if let Some(n) = cluster.quorum_mut().node_mut(other) {
            n.role = role;
        }
        let found: Vec<String> = check(&cluster, &mut history)
            .into_iter()
            .map(|v| v.message)
            .collect();
        assert!(
            found.iter().any(|m| m.contains("both led epoch 1")),
            "{found:?}"
        );
    }

    #[test]
    fn a_quorum_leader_missing_a_committed_offset_fires() {
        let cluster = replicated();
        let mut history = InvariantHistory {
            quorum_committed: BTreeMap::from([(0, 1_000_000)]),
            ..InvariantHistory::default()
        };
        let found: Vec<String> = check(&cluster, &mut history)
            .into_iter()
            .map(|v| v.message)
            .collect();
        assert!(
            found
                .iter()
                .any(|m| m.contains("but offset 1000000 was committed")),
            "{found:?}"
        );
    }

    #[test]
    fn a_second_leader_in_the_epoch_fires() {
        let mut cluster = replicated();
        let led = cluster
            .broker(1)
            .and_then(|b| b.replica.led.get("t", 0).cloned());
        if let (Some(b), Some(led)) = (cluster.broker_mut(2), led) {
            b.replica.led.insert("t", 0, led);
        }
        let found = messages(&cluster);
        assert!(
            found
                .iter()
                .any(|m| m.contains("broker 2 acts as leader in epoch 0")),
            "{found:?}"
        );
    }

    #[test]
    fn a_high_watermark_past_an_isr_member_fires() {
        let mut cluster = replicated();
        let jitter = 0;
        if let Some((log, store)) = cluster.broker_mut(3).and_then(|b| b.log_mut("t", 0)) {
            log.truncate_to(store, 1, jitter, 0);
        }
        let found = messages(&cluster);
        assert!(
            found
                .iter()
                .any(|m| m.contains("past the log end offset 0 of ISR/ELR member 3")),
            "{found:?}"
        );
    }

    #[test]
    fn a_high_watermark_going_back_fires() {
        let mut cluster = replicated();
        let mut history = InvariantHistory::default();
        assert!(check(&cluster, &mut history).is_empty());
        if let Some((log, _)) = cluster.broker_mut(1).and_then(|b| b.log_mut("t", 0)) {
            log.set_high_watermark(1);
        }
        let found: Vec<String> = check(&cluster, &mut history)
            .into_iter()
            .map(|v| v.message)
            .collect();
        assert!(
            found.iter().any(|m| m.contains("went back from 2 to 1")),
            "{found:?}"
        );
    }

    #[test]
    fn replicas_differing_below_the_high_watermark_fire() {
        let mut cluster = replicated();
        // Rewrite broker 2's copy of the batches with another leader epoch.
        let stamped = {
            let node = cluster.broker(2).expect("broker 2");
            let log = node.log("t", 0).expect("log");
            let path = log.active_segment().log_path();
            let mut bytes = node.store.contents(&path).expect("segment").to_vec();
            let _ = crate::engine::record::set_partition_leader_epoch_in_place(&mut bytes, 7);
            (path, bytes)
        };
        if let Some(node) = cluster.broker_mut(2) {
            node.store.replace(&stamped.0, &stamped.1);
        }
        let found = messages(&cluster);
        assert!(
            found
                .iter()
                .any(|m| m.contains("ISR/ELR member 2 differs from leader 1")),
            "{found:?}"
        );
    }
}
