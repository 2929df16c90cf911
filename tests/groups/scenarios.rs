use super::support::{produce_n, run_ok};
use super::*;

/// "Each partition is consumed by exactly one consumer in the group" (Kafka docs, Consumers):
/// a first member gets every partition after `group.initial.rebalance.delay.ms`; a second one
/// joining makes the group rebalance, and the range assignor splits the partitions.
#[test]
fn members_join_and_share_partitions() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 30, true);
    start(&mut cluster, "c1", "g", "orders");
    cluster.advance_time(5_000);
    assert_eq!(owned(&cluster, "c1"), ["orders-0", "orders-1", "orders-2"]);
    assert_eq!(cluster.background_consumers()["c1"].consumed, 30);
    start(&mut cluster, "c2", "g", "orders");
    cluster.advance_time(10_000);
    let mut all = owned(&cluster, "c1");
    all.extend(owned(&cluster, "c2"));
    all.sort();
    assert_eq!(all, ["orders-0", "orders-1", "orders-2"]);
    assert_eq!(owned(&cluster, "c1").len() + owned(&cluster, "c2").len(), 3);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.state.to_string(), "Stable");
    assert_eq!(description.members.len(), 2);
    assert_eq!(description.partition_assignor, "range");
}

/// A member that leaves (`consumer stop`: `close()` commits, then LeaveGroup) makes the group
/// rebalance at once; the one left owns every partition and starts where the other committed.
#[test]
fn a_leaving_member_hands_its_partitions_over() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 30, true);
    start(&mut cluster, "c1", "g", "orders");
    start(&mut cluster, "c2", "g", "orders");
    // A member joining during the initial delay extends it by another delay
    // (`tryCompleteInitialRebalanceElseSchedule`): 6 s.
    cluster.advance_time(7_000);
    assert_eq!(owned(&cluster, "c1").len() + owned(&cluster, "c2").len(), 3);
    let stopped = cluster.stop_consumer("c2").expect("stop");
    // c1 hears of the rebalance from its next heartbeat (`heartbeat.interval.ms`, 3 s).
    cluster.advance_time(3_500);
    assert_eq!(owned(&cluster, "c1"), ["orders-0", "orders-1", "orders-2"]);
    // Nothing is read twice: c2 committed on close, c1 resumes from there.
    let total = cluster.background_consumers()["c1"].consumed + stopped.consumed;
    assert_eq!(total, 30);
}

/// A crashed member (no LeaveGroup) keeps its partitions until `session.timeout.ms` (45 s by
/// default, KIP-735) passes without a heartbeat; then the coordinator removes it and rebalances.
#[test]
fn a_crashed_member_is_found_by_the_session_timeout() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n",
    );
    start(&mut cluster, "c1", "g", "orders");
    start(&mut cluster, "c2", "g", "orders");
    cluster.advance_time(5_000);
    let before = owned(&cluster, "c2");
    assert!(before.len() < 3);
    cluster.kill_consumer("c1").expect("kill");
    cluster.advance_time(40_000);
    assert_eq!(
        owned(&cluster, "c2"),
        before,
        "no rebalance before the session times out"
    );
    cluster.advance_time(10_000);
    assert_eq!(owned(&cluster, "c2"), ["orders-0", "orders-1", "orders-2"]);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.members.len(), 1);
}

/// More consumers than partitions: the extra ones own nothing ("sit idle").
#[test]
fn consumers_beyond_the_partition_count_sit_idle() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n",
    );
    for name in ["c1", "c2", "c3", "c4"] {
        start(&mut cluster, name, "g", "orders");
    }
    cluster.advance_time(7_000);
    let counts: Vec<usize> = ["c1", "c2", "c3", "c4"]
        .iter()
        .map(|n| owned(&cluster, n).len())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), 3);
    assert_eq!(counts.iter().filter(|&&c| c == 0).count(), 1, "{counts:?}");
}
