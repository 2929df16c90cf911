//! KIP-848's static members (`group.instance.id` with epoch -2).

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
