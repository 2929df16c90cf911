//! Online migration between the classic and the consumer protocol (KIP-848, "Online migration";
//! Kafka 4.1's `ConsumerProtocolMigrationTest`): a classic group upgrades when a member of the
//! consumer protocol joins, its classic members follow the broker's assignment by rejoining, and
//! the group downgrades when the last consumer-protocol member leaves —
//! `group.consumer.migration.policy` decides which of these may happen to a non-empty group.

use super::support::{produce_n, run_ok};
use super::*;
use std::collections::BTreeSet;

/// A 6-partition `orders` topic and classic members c1, c2 in group `g`, settled.
fn classic_group(policy: &str) -> Cluster {
    let mut cluster = cluster_of(3);
    let mut props = std::collections::BTreeMap::new();
    props.insert(
        "group.consumer.migration.policy".to_string(),
        policy.to_string(),
    );
    cluster.set_server_properties(&props).expect("policy");
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3\n\
         consumer start c1 --group g --topic orders --from-beginning\n\
         consumer start c2 --group g --topic orders --from-beginning\n\
         time advance 10s\n",
    );
    assert_eq!(group_type(&mut cluster), "Classic");
    cluster
}

fn group_type(cluster: &mut Cluster) -> String {
    let description = cluster.describe_group("g").expect("describe");
    description.group_type.to_string()
}

/// Advances `ms` in 100 ms steps, checking no partition has two owners among `names`.
fn settle(cluster: &mut Cluster, names: &[&str], ms: i64) {
    for _ in 0..ms / 100 {
        cluster.advance_time(100);
        let mut seen = BTreeSet::new();
        for name in names {
            if let Some(c) = cluster.background_consumers().get(*name) {
                for tp in &c.consumer.assignment {
                    assert!(seen.insert(tp.clone()), "{tp} owned twice");
                }
            }
        }
    }
}

/// The rolling upgrade a team does: a consumer on `group.protocol=consumer` joins a classic
/// group, which becomes a consumer group; the classic members stay and take the broker's
/// assignment by rejoining; no partition is ever owned twice. When that consumer leaves, only
/// classic members remain and the group turns classic again, at the epoch it had, and
/// rebalances. Across a coordinator failover the mixed group is loaded back as it was.
#[test]
fn a_classic_group_upgrades_and_downgrades_online() {
    let mut cluster = classic_group("bidirectional");
    produce_n(&mut cluster, "orders", 60, true);
    let names = ["c1", "c2", "n1"];
    run_ok(
        &mut cluster,
        "consumer start n1 --group g --topic orders --protocol consumer\n",
    );
    settle(&mut cluster, &names, 20_000);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.group_type.to_string(), "Consumer");
    assert_eq!(description.state.to_string(), "Stable", "{description:?}");
    // The classic group's generation 1 became group epoch 1; n1's join made it 2.
    assert_eq!(description.group_epoch, Some(2));
    let upgraded: Vec<(String, Option<bool>, Option<i32>)> = description
        .members
        .iter()
        .map(|m| (m.client_id.clone(), m.upgraded, m.member_epoch))
        .collect();
    assert_eq!(
        upgraded
            .iter()
            .filter(|(_, u, _)| *u == Some(false))
            .count(),
        2,
        "{upgraded:?}"
    );
    assert!(upgraded.iter().all(|(_, _, epoch)| *epoch == Some(2)));
    for name in names {
        assert_eq!(owned(&cluster, name).len(), 2, "{name}");
    }
    let verbose = run_ok(
        &mut cluster,
        "kafka-consumer-groups.sh --bootstrap-server x --describe --group g --members --verbose\n",
    )
    .stdout();
    let header = verbose
        .lines()
        .find(|l| l.starts_with("GROUP"))
        .unwrap_or("");
    assert!(header.trim_end().ends_with("UPGRADED"), "{verbose}");

    // The coordinator fails over: the new one replays the consumer group, classic members and all.
    let coordinator = cluster.find_coordinator("g").expect("coordinator");
    run_ok(&mut cluster, &format!("broker stop {coordinator}\n"));
    settle(&mut cluster, &names, 20_000);
    let after = cluster.describe_group("g").expect("describe");
    assert_ne!(after.coordinator, coordinator);
    assert_eq!(after.group_type.to_string(), "Consumer");
    assert_eq!(after.group_epoch, Some(2));
    assert_eq!(after.state.to_string(), "Stable");

    // The downgrade: n1 leaves, the classic members rebalance as a classic group.
    run_ok(&mut cluster, "consumer stop n1\n");
    cluster.advance_time(100);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.group_type.to_string(), "Classic");
    assert_eq!(description.state.to_string(), "PreparingRebalance");
    settle(&mut cluster, &names, 20_000);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.state.to_string(), "Stable");
    assert_eq!(
        description.members.len(),
        2,
        "the same two members rejoined"
    );
    assert_eq!(owned(&cluster, "c1").len() + owned(&cluster, "c2").len(), 6);
    // Every record was read and committed, across all three phases.
    let lag = cluster.group_lag("g").expect("lag");
    assert_eq!(lag.len(), 6);
    assert!(lag.iter().all(|p| p.lag == Some(0)), "{lag:?}");
}

/// What each policy lets happen to a group with members (`GroupMetadataManager`'s
/// `validateOnlineUpgrade` and `validateOnlineDowngradeWithFencedMembers`).
#[test]
fn the_migration_policy_decides_what_a_non_empty_group_may_become() {
    for policy in ["disabled", "downgrade"] {
        let mut cluster = classic_group(policy);
        run_ok(
            &mut cluster,
            "consumer start n1 --group g --topic orders --protocol consumer\ntime advance 5s\n",
        );
        assert_eq!(group_type(&mut cluster), "Classic", "{policy}");
        let list = run_ok(&mut cluster, "consumer list\n").stdout();
        assert!(
            list.contains(
                "n1\tg\torders\t[]\t0 consumed\tfailed: \
                 org.apache.kafka.common.errors.GroupIdNotFoundException: Group g is not a consumer group"
            ),
            "{policy}: {list}"
        );
    }
    // `upgrade` only: the group upgrades, and stays a consumer group once only classic
    // members are left.
    let mut cluster = classic_group("upgrade");
    run_ok(
        &mut cluster,
        "consumer start n1 --group g --topic orders --protocol consumer\ntime advance 20s\n\
         consumer stop n1\n",
    );
    settle(&mut cluster, &["c1", "c2"], 20_000);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.group_type.to_string(), "Consumer");
    assert_eq!(description.members.len(), 2);
    assert_eq!(owned(&cluster, "c1").len() + owned(&cluster, "c2").len(), 6);
}

/// "Conversions of empty groups in both directions are always enabled regardless of this
/// policy" (`group.consumer.migration.policy`'s doc): an empty classic group becomes a consumer
/// group for a KIP-848 member, keeping its committed offsets, and back.
#[test]
fn an_empty_group_changes_protocol_under_any_policy() {
    let mut cluster = classic_group("disabled");
    produce_n(&mut cluster, "orders", 30, true);
    settle(&mut cluster, &["c1", "c2"], 5_000);
    run_ok(&mut cluster, "consumer stop c1\nconsumer stop c2\n");
    assert_eq!(
        cluster
            .describe_group("g")
            .expect("describe")
            .state
            .to_string(),
        "Empty"
    );
    produce_n(&mut cluster, "orders", 6, true);
    run_ok(
        &mut cluster,
        "consumer start n1 --group g --topic orders --protocol consumer\ntime advance 10s\n",
    );
    assert_eq!(group_type(&mut cluster), "Consumer");
    // It starts from the committed offsets: only the 6 new records.
    assert_eq!(cluster.background_consumers()["n1"].consumed, 6);
    run_ok(
        &mut cluster,
        "consumer stop n1\nconsumer start c3 --group g --topic orders\ntime advance 10s\n",
    );
    assert_eq!(group_type(&mut cluster), "Classic");
    assert_eq!(owned(&cluster, "c3").len(), 6);
    assert_eq!(cluster.background_consumers()["c3"].consumed, 0);
}
