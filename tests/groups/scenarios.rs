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
