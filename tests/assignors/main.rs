#![cfg(not(target_arch = "wasm32"))]

//! Partition assignors (`engine::group::assignor`), checked against Kafka: the cases of Kafka's
//! own unit tests as golden tests (client side: `RangeAssignorTest`, `RoundRobinAssignorTest`,
//! `AbstractStickyAssignorTest`, `StickyAssignorTest`, `CooperativeStickyAssignorTest`; server
//! side: `UniformHomogeneousAssignmentBuilderTest` (was `OptimizedUniformAssignmentBuilderTest`)
//! and the group coordinator's `RangeAssignorTest`), property tests over random groups and
//! changes, and kafka-python's independent assignors on many random groups.

mod crosscheck;
mod golden_client;
mod golden_server;
mod golden_sticky;
mod properties;
#[path = "../python/runner.rs"]
mod python;

use kafka_playground::engine::group::assignor::sticky::encode_sticky_user_data;
use kafka_playground::engine::group::assignor::{Assignment, Subscription, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

pub fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

pub fn tps(list: &[(&str, i32)]) -> Vec<TopicPartition> {
    list.iter().map(|&(t, p)| tp(t, p)).collect()
}

/// `partitionsPerTopic`.
pub fn topics(list: &[(&str, i32)]) -> BTreeMap<String, i32> {
    list.iter().map(|&(t, n)| (t.to_owned(), n)).collect()
}

pub fn group(members: Vec<(&str, Subscription)>) -> BTreeMap<String, Subscription> {
    members
        .into_iter()
        .map(|(m, s)| (m.to_owned(), s))
        .collect()
}

/// `AbstractStickyAssignorTest.buildSubscriptionV2Above`: owned partitions and generation both
/// as fields and (for `StickyAssignor`) in the user data.
pub fn v2(topics: &[&str], owned: Vec<TopicPartition>, generation: i32) -> Subscription {
    let user_data = encode_sticky_user_data(&owned, generation);
    Subscription::new(topics.iter().copied())
        .with_owned(owned)
        .with_generation(generation)
        .with_user_data(user_data)
}

/// `AbstractStickyAssignorTest.verifyValidityAndBalance`, plus "every subscribed partition is
/// assigned": each member gets only partitions of topics it subscribes to, no partition goes to
/// two members, and when two members differ by more than one partition, none of the larger's
/// partitions could move to the smaller.
pub fn verify_validity_and_balance(
    subscriptions: &BTreeMap<String, Subscription>,
    assignment: &Assignment,
    partitions_per_topic: &BTreeMap<String, i32>,
) {
    verify_validity(subscriptions, assignment, partitions_per_topic);
    let members: Vec<&String> = assignment.keys().collect();
    for (i, a) in members.iter().enumerate() {
        for b in &members[i + 1..] {
            for (big, small) in [(a, b), (b, a)] {
                if assignment[*big].len() > assignment[*small].len() + 1 {
                    let small_topics = &subscriptions[*small].topics;
                    for p in &assignment[*big] {
                        assert!(
                            !small_topics.contains(&p.topic),
                            "{p} could move from {big} to {small} for a more balanced assignment: {assignment:?}"
                        );
                    }
                }
            }
        }
    }
}

/// Every partition of a subscribed topic assigned exactly once, to a member subscribed to it.
pub fn verify_validity(
    subscriptions: &BTreeMap<String, Subscription>,
    assignment: &Assignment,
    partitions_per_topic: &BTreeMap<String, i32>,
) {
    assert_eq!(
        assignment.keys().collect::<Vec<_>>(),
        subscriptions.keys().collect::<Vec<_>>()
    );
    let mut owner: BTreeMap<&TopicPartition, &String> = BTreeMap::new();
    for (member, partitions) in assignment {
        for p in partitions {
            assert!(
                subscriptions[member].topics.contains(&p.topic),
                "{member} got {p} without subscribing to {}",
                p.topic
            );
            if let Some(other) = owner.insert(p, member) {
                panic!("{p} assigned to both {other} and {member}: {assignment:?}");
            }
        }
    }
    let subscribed: BTreeSet<&String> = subscriptions.values().flat_map(|s| &s.topics).collect();
    for (topic, &n) in partitions_per_topic {
        if subscribed.contains(topic) {
            for p in 0..n {
                assert!(
                    owner.contains_key(&tp(topic, p)),
                    "{topic}-{p} unassigned: {assignment:?}"
                );
            }
        }
    }
}

/// `isFullyBalanced`: sizes differ by at most one.
pub fn is_fully_balanced(assignment: &Assignment) -> bool {
    let sizes = assignment.values().map(Vec::len);
    let (min, max) = (sizes.clone().min().unwrap_or(0), sizes.max().unwrap_or(0));
    max <= min + 1
}

/// The members' assignments as sets, for comparisons where Kafka's test compares sets.
pub fn as_sets(assignment: &Assignment) -> BTreeMap<String, BTreeSet<TopicPartition>> {
    assignment
        .iter()
        .map(|(m, ps)| (m.clone(), ps.iter().cloned().collect()))
        .collect()
}

/// The checkers must be able to fail: a partition given twice, to a member not subscribed to
/// it, or to nobody, and an unbalanced sticky result, each trip them.
#[test]
fn the_checkers_fire_on_broken_assignments() {
    use std::panic::catch_unwind;
    let parts = topics(&[("t", 3), ("u", 1)]);
    let subs = group(vec![
        ("a", Subscription::new(["t"])),
        ("b", Subscription::new(["t", "u"])),
    ]);
    let broken: [Assignment; 4] = [
        [
            ("a".to_owned(), tps(&[("t", 0), ("t", 1)])),
            ("b".to_owned(), tps(&[("t", 1), ("t", 2), ("u", 0)])),
        ]
        .into(),
        [
            ("a".to_owned(), tps(&[("t", 0), ("u", 0)])),
            ("b".to_owned(), tps(&[("t", 1), ("t", 2)])),
        ]
        .into(),
        [
            ("a".to_owned(), tps(&[("t", 0)])),
            ("b".to_owned(), tps(&[("t", 1), ("u", 0)])),
        ]
        .into(),
        [
            ("a".to_owned(), vec![]),
            (
                "b".to_owned(),
                tps(&[("t", 0), ("t", 1), ("t", 2), ("u", 0)]),
            ),
        ]
        .into(),
    ];
    for assignment in broken {
        let caught = catch_unwind(|| verify_validity_and_balance(&subs, &assignment, &parts));
        assert!(caught.is_err(), "not caught: {assignment:?}");
    }
    let fine: Assignment = [
        ("a".to_owned(), tps(&[("t", 0), ("t", 1)])),
        ("b".to_owned(), tps(&[("t", 2), ("u", 0)])),
    ]
    .into();
    verify_validity_and_balance(&subs, &fine, &parts);
    assert!(!is_fully_balanced(
        &[
            ("a".to_owned(), vec![]),
            ("b".to_owned(), tps(&[("t", 0), ("t", 1)]))
        ]
        .into()
    ));
}
