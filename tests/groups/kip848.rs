//! KIP-848's static members (`group.instance.id` with epoch -2) and regular-expression
//! subscriptions that the broker resolves (`SubscribedTopicRegex`).

use super::support::run_ok;
use super::*;

/// KIP-848's static members: a consumer with `group.instance.id` that closes leaves with epoch
/// -2 and keeps its place — its partitions wait for it, nobody else takes them, the group epoch
/// does not move — and when it comes back (a new member id, the same instance id) within
/// `group.consumer.session.timeout.ms` it gets them back without a rebalance. Another consumer
/// with an instance id in use is refused `UNRELEASED_INSTANCE_ID`; a static member that stays
/// away past its session is removed and the group rebalances.
#[test]
fn a_static_consumer_protocol_member_restarts_without_a_rebalance() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 4 --replication-factor 3\n\
         consumer start s1 --group g --topic orders --protocol consumer --instance-id i1\n\
         consumer start d1 --group g --topic orders --protocol consumer\n\
         time advance 20s\n",
    );
    let before = cluster.describe_group("g").expect("describe");
    assert_eq!(before.state.to_string(), "Stable");
    let (s1, d1) = (owned(&cluster, "s1"), owned(&cluster, "d1"));
    assert_eq!((s1.len(), d1.len()), (2, 2));

    run_ok(&mut cluster, "consumer stop s1\ntime advance 10s\n");
    let away = cluster.describe_group("g").expect("describe");
    assert_eq!(away.group_epoch, before.group_epoch, "no rebalance");
    let static_member = away
        .members
        .iter()
        .find(|m| m.group_instance_id.as_deref() == Some("i1"))
        .expect("the static member keeps its place");
    assert_eq!(static_member.member_epoch, Some(-2));
    assert_eq!(owned(&cluster, "d1"), d1, "its partitions wait for it");

    run_ok(
        &mut cluster,
        "consumer start s1 --group g --topic orders --protocol consumer --instance-id i1\n\
         time advance 10s\n",
    );
    let back = cluster.describe_group("g").expect("describe");
    assert_eq!(back.group_epoch, before.group_epoch, "no rebalance");
    assert_eq!(back.state.to_string(), "Stable");
    assert_eq!(owned(&cluster, "s1"), s1);

    run_ok(
        &mut cluster,
        "consumer start twin --group g --topic orders --protocol consumer --instance-id i1\n\
         time advance 5s\n",
    );
    let list = run_ok(&mut cluster, "consumer list\n").stdout();
    assert!(
        list.contains("twin\tg\torders\t[]\t0 consumed\tfailed: org.apache.kafka.common.errors.UnreleasedInstanceIdException"),
        "{list}"
    );

    run_ok(&mut cluster, "consumer stop s1\ntime advance 60s\n");
    let gone = cluster.describe_group("g").expect("describe");
    assert_eq!(gone.members.len(), 1);
    assert_eq!(gone.group_epoch, before.group_epoch.map(|e| e + 1));
    assert_eq!(owned(&cluster, "d1").len(), 4);
}

/// KIP-848's broker-side regular expressions: a member subscribes with `SubscribedTopicRegex`
/// and the coordinator matches it with the topics, keeps the result in a
/// `ConsumerGroupRegularExpression` record (type 16), and — resolving again at most every 10 s —
/// adds a topic created later to the group's subscription, bumping the group epoch.
#[test]
fn the_broker_resolves_a_regular_expression_subscription() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders-eu --partitions 2 --replication-factor 3\n\
         kafka-topics.sh --create --topic orders-us --partitions 2 --replication-factor 3\n\
         kafka-topics.sh --create --topic payments --partitions 2 --replication-factor 3\n\
         consumer start a --group g --include 'orders-.*' --protocol consumer\n\
         time advance 20s\n",
    );
    let mut owned_a = owned(&cluster, "a");
    owned_a.sort();
    assert_eq!(
        owned_a,
        ["orders-eu-0", "orders-eu-1", "orders-us-0", "orders-us-1"]
    );
    let epoch = cluster.describe_group("g").expect("describe").group_epoch;
    let coordinator = cluster.find_coordinator("g").expect("coordinator");
    let dump = run_ok(
        &mut cluster,
        &format!(
            "kafka-dump-log.sh --offsets-decoder --files /tmp/kraft-combined-logs/broker-{coordinator}/__consumer_offsets-{}/00000000000000000000.log\n",
            kafka_playground::engine::group::records::partition_for("g", 50)
        ),
    )
    .stdout();
    assert!(dump.contains("\"type\":\"16\""), "{dump}");
    assert!(dump.contains("orders-.*"), "{dump}");

    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders-asia --partitions 2 --replication-factor 3\n\
         time advance 30s\n\
         consumer start b --group g --include 'orders-.*' --protocol consumer\n\
         time advance 30s\n",
    );
    let after = cluster.describe_group("g").expect("describe");
    assert!(after.group_epoch > epoch.map(|e| e + 1), "{after:?}");
    assert_eq!(after.state.to_string(), "Stable");
    assert_eq!(owned(&cluster, "a").len() + owned(&cluster, "b").len(), 6);
    assert!(owned(&cluster, "a")
        .iter()
        .chain(&owned(&cluster, "b"))
        .all(|tp| tp.starts_with("orders-")));
}
