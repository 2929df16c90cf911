//! Kafka's `AbstractStickyAssignorTest` (run by `StickyAssignorTest` and
//! `CooperativeStickyAssignorTest`), without racks, and cases of `CooperativeStickyAssignorTest`.
//! `assign_partitions` is `AbstractStickyAssignor.assignPartitions` (before the cooperative
//! adjustment); every case runs with both assignors' member data (`v2` subscriptions carry the
//! owned partitions both in the user data and in the fields, as `buildSubscriptionV2Above`).

use super::{as_sets, group, is_fully_balanced, topics, tp, tps, v2, verify_validity_and_balance};
use kafka_playground::engine::group::assignor::sticky::{assign_partitions, StickyAssignment};
use kafka_playground::engine::group::assignor::{
    revoked_partitions, ClientAssignor, Subscription, TopicPartition,
};
use std::collections::BTreeMap;

const GENERATION: i32 = 1;

fn both(parts: &BTreeMap<String, i32>, subs: &BTreeMap<String, Subscription>) -> StickyAssignment {
    let sticky = assign_partitions(parts, subs, false).expect("assignment");
    let cooperative = assign_partitions(parts, subs, true).expect("assignment");
    assert_eq!(
        sticky, cooperative,
        "sticky and cooperative-sticky member data disagree"
    );
    verify_validity_and_balance(subs, &sticky.assignment, parts);
    sticky
}

fn no_transfers(a: &StickyAssignment) -> bool {
    a.partitions_transferring_ownership
        .as_ref()
        .is_some_and(BTreeMap::is_empty)
}

fn transfers(list: &[(&str, i32, &str)]) -> Option<BTreeMap<TopicPartition, String>> {
    Some(
        list.iter()
            .map(|&(t, p, m)| (tp(t, p), m.to_owned()))
            .collect(),
    )
}

#[test]
fn one_consumer() {
    // testOneConsumerNoTopic, testOneConsumerNonexistentTopic, testOneConsumerOneTopic,
    // testOneConsumerMultipleTopics
    let a = both(&topics(&[]), &group(vec![("consumer", v2(&[], vec![], 0))]));
    assert!(a.assignment["consumer"].is_empty() && no_transfers(&a));
    let a = both(
        &topics(&[("topic", 0)]),
        &group(vec![("consumer", v2(&["topic"], vec![], 0))]),
    );
    assert!(a.assignment["consumer"].is_empty() && no_transfers(&a));
    let a = both(
        &topics(&[("topic", 3)]),
        &group(vec![("consumer", v2(&["topic"], vec![], 0))]),
    );
    assert_eq!(
        a.assignment["consumer"],
        tps(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
    let g = group(vec![("consumer", v2(&["topic1", "topic2"], vec![], 0))]);
    let a = both(&topics(&[("topic1", 1), ("topic2", 2)]), &g);
    assert_eq!(
        a.assignment["consumer"],
        tps(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
    );
    assert!(no_transfers(&a));
}

#[test]
fn only_assigns_partitions_from_subscribed_topics() {
    // testOnlyAssignsPartitionsFromSubscribedTopics: owned partitions of "other" are dropped.
    let owned = tps(&[("topic", 0), ("topic", 1), ("other", 0), ("other", 1)]);
    let g = group(vec![("consumer", v2(&["topic"], owned, GENERATION))]);
    let a = both(&topics(&[("topic", 2)]), &g);
    assert_eq!(a.assignment["consumer"], tps(&[("topic", 0), ("topic", 1)]));
    assert!(no_transfers(&a));
}

#[test]
fn two_consumers_one_topic() {
    // testTwoConsumersOneTopicOnePartition, testTwoConsumersOneTopicTwoPartitions
    let g = group(vec![
        ("consumer1", v2(&["topic"], vec![], 0)),
        ("consumer2", v2(&["topic"], vec![], 0)),
    ]);
    let a = both(&topics(&[("topic", 1)]), &g);
    assert!(is_fully_balanced(&a.assignment) && no_transfers(&a));
    let a = both(&topics(&[("topic", 2)]), &g);
    assert_eq!(a.assignment["consumer1"], tps(&[("topic", 0)]));
    assert_eq!(a.assignment["consumer2"], tps(&[("topic", 1)]));
}

#[test]
fn multiple_consumers_mixed_topic_subscriptions() {
    // testMultipleConsumersMixedTopicSubscriptions: the general path, which leaves
    // partitionsTransferringOwnership null.
    let g = group(vec![
        ("consumer1", v2(&["topic1"], vec![], 0)),
        ("consumer2", v2(&["topic1", "topic2"], vec![], 0)),
        ("consumer3", v2(&["topic1"], vec![], 0)),
    ]);
    let a = both(&topics(&[("topic1", 3), ("topic2", 2)]), &g);
    assert_eq!(
        a.assignment["consumer1"],
        tps(&[("topic1", 0), ("topic1", 2)])
    );
    assert_eq!(
        a.assignment["consumer2"],
        tps(&[("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(a.assignment["consumer3"], tps(&[("topic1", 1)]));
    assert_eq!(a.partitions_transferring_ownership, None);
}

#[test]
fn two_consumers_two_topics_six_partitions() {
    // testTwoConsumersTwoTopicsSixPartitions
    let t = ["topic1", "topic2"];
    let g = group(vec![
        ("consumer1", v2(&t, vec![], 0)),
        ("consumer2", v2(&t, vec![], 0)),
    ]);
    let a = both(&topics(&[("topic1", 3), ("topic2", 3)]), &g);
    assert_eq!(
        a.assignment["consumer1"],
        tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        a.assignment["consumer2"],
        tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
    assert!(no_transfers(&a));
}

#[test]
fn quota_cases_of_the_constrained_builder() {
    let t = ["topic1", "topic2"];
    // testConsumerOwningMinQuotaExpectedMaxQuota
    let g = group(vec![
        (
            "consumer1",
            v2(&t, tps(&[("topic1", 0), ("topic2", 1)]), GENERATION),
        ),
        (
            "consumer2",
            v2(&t, tps(&[("topic1", 1), ("topic2", 2)]), GENERATION),
        ),
    ]);
    let a = both(&topics(&[("topic1", 2), ("topic2", 3)]), &g);
    assert_eq!(
        a.assignment["consumer1"],
        tps(&[("topic1", 0), ("topic2", 1), ("topic2", 0)])
    );
    assert_eq!(
        a.assignment["consumer2"],
        tps(&[("topic1", 1), ("topic2", 2)])
    );
    assert!(no_transfers(&a));
    // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: Java's HashMap walks consumer3,
    // consumer2, consumer1, so consumer2 keeps maxQuota and consumer1 gives up topic2-0.
    let g = group(vec![
        (
            "consumer1",
            v2(&t, tps(&[("topic1", 0), ("topic2", 0)]), GENERATION),
        ),
        (
            "consumer2",
            v2(&t, tps(&[("topic1", 1), ("topic2", 1)]), GENERATION),
        ),
        ("consumer3", v2(&t, vec![], GENERATION)),
    ]);
    let a = both(&topics(&[("topic1", 2), ("topic2", 2)]), &g);
    assert_eq!(
        a.partitions_transferring_ownership,
        transfers(&[("topic2", 0, "consumer3")])
    );
    assert_eq!(a.assignment["consumer1"], tps(&[("topic1", 0)]));
    assert_eq!(
        a.assignment["consumer2"],
        tps(&[("topic1", 1), ("topic2", 1)])
    );
    assert_eq!(a.assignment["consumer3"], tps(&[("topic2", 0)]));
    // testAllConsumersAreUnderMinQuota
    let g = group(vec![
        ("consumer1", v2(&t, tps(&[("topic1", 0)]), GENERATION)),
        ("consumer2", v2(&t, tps(&[("topic1", 1)]), GENERATION)),
        ("consumer3", v2(&t, vec![], GENERATION)),
    ]);
    let a = both(&topics(&[("topic1", 2), ("topic2", 3)]), &g);
    assert!(no_transfers(&a));
    assert_eq!(
        a.assignment["consumer1"],
        tps(&[("topic1", 0), ("topic2", 1)])
    );
    assert_eq!(
        a.assignment["consumer2"],
        tps(&[("topic1", 1), ("topic2", 2)])
    );
    assert_eq!(a.assignment["consumer3"], tps(&[("topic2", 0)]));
}

#[test]
fn add_remove_consumer_one_topic() {
    // testAddRemoveConsumerOneTopic
    let parts = topics(&[("topic", 3)]);
    let a = both(
        &parts,
        &group(vec![("consumer1", v2(&["topic"], vec![], 0))]),
    );
    let g = group(vec![
        (
            "consumer1",
            v2(&["topic"], a.assignment["consumer1"].clone(), GENERATION),
        ),
        ("consumer2", v2(&["topic"], vec![], GENERATION)),
    ]);
    let a = both(&parts, &g);
    assert_eq!(
        a.partitions_transferring_ownership,
        transfers(&[("topic", 2, "consumer2")])
    );
    assert_eq!(
        a.assignment["consumer1"],
        tps(&[("topic", 0), ("topic", 1)])
    );
    assert_eq!(a.assignment["consumer2"], tps(&[("topic", 2)]));
    let g = group(vec![(
        "consumer2",
        v2(&["topic"], a.assignment["consumer2"].clone(), GENERATION),
    )]);
    let a = both(&parts, &g);
    assert_eq!(as_sets(&a.assignment)["consumer2"].len(), 3);
    assert!(no_transfers(&a));
}

#[test]
fn add_remove_two_consumers_two_topics() {
    // testAddRemoveTwoConsumersTwoTopics (Kafka ≥ 3.5: owned partitions are kept in partition,
    // then topic, order)
    let t = ["topic1", "topic2"];
    let parts = topics(&[("topic1", 3), ("topic2", 4)]);
    let g = group(vec![
        ("consumer1", v2(&t, vec![], 0)),
        ("consumer2", v2(&t, vec![], 0)),
    ]);
    let a = both(&parts, &g).assignment;
    assert_eq!(
        a["consumer1"],
        tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)])
    );
    assert_eq!(
        a["consumer2"],
        tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
    let g = group(vec![
        ("consumer1", v2(&t, a["consumer1"].clone(), GENERATION)),
        ("consumer2", v2(&t, a["consumer2"].clone(), GENERATION)),
        ("consumer3", v2(&t, vec![], GENERATION)),
        ("consumer4", v2(&t, vec![], GENERATION)),
    ]);
    let r = both(&parts, &g);
    let expected = transfers(&[
        ("topic1", 2, "consumer3"),
        ("topic2", 3, "consumer3"),
        ("topic2", 2, "consumer4"),
    ]);
    assert_eq!(r.partitions_transferring_ownership, expected);
    let a = r.assignment;
    assert_eq!(a["consumer1"], tps(&[("topic1", 0), ("topic2", 1)]));
    assert_eq!(a["consumer2"], tps(&[("topic2", 0), ("topic1", 1)]));
    assert_eq!(a["consumer3"], tps(&[("topic1", 2), ("topic2", 3)]));
    assert_eq!(a["consumer4"], tps(&[("topic2", 2)]));
    let g = group(vec![
        ("consumer3", v2(&t, a["consumer3"].clone(), GENERATION)),
        ("consumer4", v2(&t, a["consumer4"].clone(), GENERATION)),
    ]);
    let r = both(&parts, &g);
    assert!(no_transfers(&r));
    assert_eq!(
        r.assignment["consumer3"],
        tps(&[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)])
    );
    assert_eq!(
        r.assignment["consumer4"],
        tps(&[("topic2", 2), ("topic1", 1), ("topic2", 0)])
    );
}

#[test]
fn topic_balance_after_reassignment() {
    // testTopicBalanceAfterReassignment: every consumer ends with an equal share of each topic.
    let t = ["topic1", "topic2"];
    let parts = topics(&[("topic1", 12), ("topic2", 12)]);
    let mut a = both(&parts, &group(vec![("consumer1", v2(&t, vec![], 0))])).assignment;
    for (members, share) in [
        (&["consumer1", "consumer2"][..], 6),
        (&["consumer1", "consumer2", "consumer3", "consumer4"][..], 3),
        (&["consumer3", "consumer4"][..], 6),
    ] {
        let g = group(
            members
                .iter()
                .map(|m| {
                    (
                        *m,
                        v2(&t, a.get(*m).cloned().unwrap_or_default(), GENERATION),
                    )
                })
                .collect(),
        );
        a = both(&parts, &g).assignment;
        for tps in a.values() {
            for topic in t {
                assert_eq!(
                    tps.iter().filter(|p| p.topic == topic).count(),
                    share,
                    "{a:?}"
                );
            }
        }
    }
}

#[test]
fn poor_round_robin_scenario_and_topic_add_remove() {
    // testPoorRoundRobinAssignmentScenario
    let parts: BTreeMap<String, i32> = (1..=5).map(|i| (format!("topic{i}"), i % 2 + 1)).collect();
    let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
    let odd = ["topic1", "topic3", "topic5"];
    let g = group(vec![
        ("consumer1", v2(&all, vec![], 0)),
        ("consumer2", v2(&odd, vec![], 0)),
        ("consumer3", v2(&odd, vec![], 0)),
        ("consumer4", v2(&all, vec![], 0)),
    ]);
    both(&parts, &g);
    // testAddRemoveTopicTwoConsumers
    let mut parts = topics(&[("topic", 3)]);
    let g = group(vec![
        ("consumer1", v2(&["topic"], vec![], 0)),
        ("consumer2", v2(&["topic"], vec![], 0)),
    ]);
    let first = both(&parts, &g).assignment;
    parts.insert("topic2".to_owned(), 3);
    let g = group(
        ["consumer1", "consumer2"]
            .map(|m| (m, v2(&["topic", "topic2"], first[m].clone(), GENERATION)))
            .to_vec(),
    );
    let second = both(&parts, &g).assignment;
    for m in ["consumer1", "consumer2"] {
        assert_eq!(second[m].len(), 3);
        assert!(
            first[m].iter().all(|p| second[m].contains(p)),
            "not sticky: {second:?}"
        );
    }
    parts.remove("topic");
    let g = group(
        ["consumer1", "consumer2"]
            .map(|m| (m, v2(&["topic2"], second[m].clone(), GENERATION)))
            .to_vec(),
    );
    let third = both(&parts, &g).assignment;
    for m in ["consumer1", "consumer2"] {
        assert!(
            third[m].iter().all(|p| second[m].contains(p)),
            "not sticky: {third:?}"
        );
    }
}

#[test]
fn reassignment_after_one_consumer_leaves_or_joins() {
    // testReassignmentAfterOneConsumerLeaves (general path: consumer i subscribes to topics
    // 1..=i), testReassignmentAfterOneConsumerAdded, testSameSubscriptions
    let parts: BTreeMap<String, i32> = (1..20).map(|i| (format!("t{i:02}"), i)).collect();
    let subs = |owned: &BTreeMap<String, Vec<TopicPartition>>| -> BTreeMap<String, Subscription> {
        (1..20)
            .map(|i| {
                let topics: Vec<String> = (1..=i).map(|j| format!("t{j:02}")).collect();
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                let m = format!("c{i:02}");
                let mine = owned.get(&m).cloned().unwrap_or_default();
                (m, v2(&topics, mine, GENERATION))
            })
            .collect()
    };
    let first = both(&parts, &subs(&BTreeMap::new())).assignment;
    let mut g = subs(&first);
    g.remove("c10");
    let second = both(&parts, &g).assignment;
    for (m, ps) in &second {
        let kept = first[m].iter().filter(|p| ps.contains(p)).count();
        assert!(
            kept > 0 || first[m].is_empty(),
            "{m} lost everything: {second:?}"
        );
    }
    let one_topic = |n: usize| {
        group(
            (1..=n)
                .map(|i| {
                    (
                        Box::leak(format!("c{i:02}").into_boxed_str()) as &str,
                        v2(&["topic"], vec![], 0),
                    )
                })
                .collect(),
        )
    };
    let parts = topics(&[("topic", 20)]);
    assert!(no_transfers(&both(&parts, &one_topic(9))));
    assert!(no_transfers(&both(&parts, &one_topic(10))));
}

#[test]
fn owned_partition_claimed_by_two_members_of_one_generation_is_invalidated() {
    // testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGeneration
    let g = group(vec![
        (
            "consumer1",
            v2(&["topic"], tps(&[("topic", 0), ("topic", 1)]), GENERATION),
        ),
        (
            "consumer2",
            v2(&["topic"], tps(&[("topic", 0), ("topic", 2)]), GENERATION),
        ),
        ("consumer3", v2(&["topic"], vec![], GENERATION)),
    ]);
    let a = both(&topics(&[("topic", 3)]), &g);
    assert_eq!(a.assignment["consumer1"], tps(&[("topic", 1)]));
    assert_eq!(a.assignment["consumer2"], tps(&[("topic", 2)]));
    assert_eq!(a.assignment["consumer3"], tps(&[("topic", 0)]));
}

#[test]
fn owned_partitions_from_an_older_generation_lose_to_newer_claims() {
    // allSubscriptionsEqual's rule for claims from different generations: the higher wins.
    // consumer1 (generation 2) takes topic-1 over consumer3's generation-1 claim, keeps only
    // its minQuota (topic-0) and gives topic-1 up, so topic-1 transfers to consumer3.
    let g = group(vec![
        (
            "consumer1",
            v2(&["topic"], tps(&[("topic", 0), ("topic", 1)]), 2),
        ),
        ("consumer2", v2(&["topic"], tps(&[("topic", 2)]), 2)),
        ("consumer3", v2(&["topic"], tps(&[("topic", 1)]), 1)),
    ]);
    let a = both(&topics(&[("topic", 3)]), &g);
    assert_eq!(a.assignment["consumer1"], tps(&[("topic", 0)]));
    assert_eq!(a.assignment["consumer2"], tps(&[("topic", 2)]));
    assert_eq!(a.assignment["consumer3"], tps(&[("topic", 1)]));
    assert_eq!(
        a.partitions_transferring_ownership,
        transfers(&[("topic", 1, "consumer3")])
    );
}

#[test]
fn cooperative_round_one_leaves_out_moving_partitions_and_round_two_hands_them_over() {
    // CooperativeStickyAssignor.assign + adjustAssignment (KIP-429): consumer2 joins; topic-2
    // moves from consumer1, so round one gives consumer2 nothing and consumer1 revokes topic-2;
    // the follow-up rebalance gives it to consumer2.
    let parts = topics(&[("topic", 3)]);
    let owned = tps(&[("topic", 0), ("topic", 1), ("topic", 2)]);
    let g = group(vec![
        ("consumer1", v2(&["topic"], owned, GENERATION)),
        ("consumer2", v2(&["topic"], vec![], GENERATION)),
    ]);
    let round_one = ClientAssignor::CooperativeSticky
        .assign(&parts, &g)
        .expect("assignment");
    assert_eq!(round_one["consumer1"], tps(&[("topic", 0), ("topic", 1)]));
    assert_eq!(round_one["consumer2"], vec![]);
    let revoked = revoked_partitions(&g, &round_one);
    assert_eq!(revoked["consumer1"], tps(&[("topic", 2)]));
    let g = group(vec![
        (
            "consumer1",
            v2(&["topic"], round_one["consumer1"].clone(), GENERATION + 1),
        ),
        ("consumer2", v2(&["topic"], vec![], GENERATION + 1)),
    ]);
    let round_two = ClientAssignor::CooperativeSticky
        .assign(&parts, &g)
        .expect("assignment");
    assert_eq!(round_two["consumer1"], tps(&[("topic", 0), ("topic", 1)]));
    assert_eq!(round_two["consumer2"], tps(&[("topic", 2)]));
    assert!(revoked_partitions(&g, &round_two).is_empty());
    // The eager sticky assignor hands it over at once.
    let eager = ClientAssignor::Sticky
        .assign(
            &parts,
            &group(vec![
                (
                    "consumer1",
                    v2(
                        &["topic"],
                        tps(&[("topic", 0), ("topic", 1), ("topic", 2)]),
                        GENERATION,
                    ),
                ),
                ("consumer2", v2(&["topic"], vec![], GENERATION)),
            ]),
        )
        .expect("assignment");
    assert_eq!(eager["consumer2"], tps(&[("topic", 2)]));
}

#[test]
fn cooperative_general_path_computes_transfers_from_owned_partitions() {
    // CooperativeStickyAssignor.computePartitionsTransferringOwnership: with unequal
    // subscriptions the builder leaves partitionsTransferringOwnership null and the cooperative
    // assignor diffs owned against assigned.
    let parts = topics(&[("topic1", 2), ("topic2", 2)]);
    let g = group(vec![
        (
            "consumer1",
            v2(
                &["topic1", "topic2"],
                tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                GENERATION,
            ),
        ),
        ("consumer2", v2(&["topic1"], vec![], GENERATION)),
    ]);
    let raw = both(&parts, &g);
    assert_eq!(raw.partitions_transferring_ownership, None);
    let round_one = ClientAssignor::CooperativeSticky
        .assign(&parts, &g)
        .expect("assignment");
    let moved: Vec<&TopicPartition> = raw.assignment["consumer2"].iter().collect();
    assert!(!moved.is_empty());
    assert!(round_one["consumer2"].is_empty(), "{round_one:?}");
    assert_eq!(round_one["consumer1"].len(), 4 - moved.len());
}

#[test]
fn member_data_from_every_subscription_version() {
    // AbstractStickyAssignorTest.testMemberData: StickyAssignor reads its user data whatever the
    // ConsumerProtocolSubscription version; cooperative-sticky reads ownedPartitions (v1+) and
    // the generation from the v2+ field, else from its own user data (v1).
    use kafka_playground::engine::group::assignor::sticky::{
        cooperative_member_data, encode_cooperative_user_data, sticky_member_data,
    };
    let owned = tps(&[("topic1", 0), ("topic2", 1)]);
    let v0 = Subscription::new(["topic1", "topic2"]).with_user_data(
        kafka_playground::engine::group::assignor::sticky::encode_sticky_user_data(&owned, 3),
    );
    let sticky = sticky_member_data(&v0);
    assert_eq!(
        (sticky.partitions, sticky.generation),
        (owned.clone(), Some(3))
    );
    let v1 = Subscription::new(["topic1", "topic2"])
        .with_owned(owned.clone())
        .with_user_data(encode_cooperative_user_data(3));
    let v2 = v2(&["topic1", "topic2"], owned.clone(), 3);
    for s in [v1, v2] {
        let data = cooperative_member_data(&s);
        assert_eq!((data.partitions, data.generation), (owned.clone(), Some(3)));
    }
    // No user data and no generation: the owned partitions count, at no generation.
    let bare = Subscription::new(["topic1"]).with_owned(owned.clone());
    assert_eq!(cooperative_member_data(&bare).generation, None);
    assert!(sticky_member_data(&bare).partitions.is_empty());
}
