//! KIP-848 server-side assignors: cases of the group coordinator's `RangeAssignorTest` and of
//! `UniformHomogeneousAssignmentBuilderTest` (`OptimizedUniformAssignmentBuilderTest` before
//! Kafka 4.0), group-coordinator/src/test/java/org/apache/kafka/coordinator/group/assignor.
//! Kafka's tests use random topic `Uuid`s, whose `HashSet` order decides which topic's
//! partitions fill first in the uniform builder; here topics are by name, so those expectations
//! are worked out from the builder's steps in name order, and say so.

use super::topics;
use kafka_playground::engine::group::assignor::server::{
    GroupSpec, MemberAssignment, MemberSpec, ServerAssignor,
};
use kafka_playground::engine::group::assignor::AssignorError;
use std::collections::BTreeMap;

fn spec(members: Vec<(&str, MemberSpec)>) -> GroupSpec {
    members
        .into_iter()
        .map(|(m, s)| (m.to_owned(), s))
        .collect()
}

fn member(topics: &[&str]) -> MemberSpec {
    MemberSpec::new(topics.iter().copied())
}

fn assignment(list: &[(&str, &[i32])]) -> MemberAssignment {
    list.iter()
        .map(|&(t, ps)| (t.to_owned(), ps.iter().copied().collect()))
        .collect()
}

fn range(g: &GroupSpec, parts: &BTreeMap<String, i32>) -> BTreeMap<String, MemberAssignment> {
    ServerAssignor::Range.assign(g, parts).expect("assignment")
}

fn uniform(g: &GroupSpec, parts: &BTreeMap<String, i32>) -> BTreeMap<String, MemberAssignment> {
    ServerAssignor::Uniform
        .assign(g, parts)
        .expect("assignment")
}

#[test]
fn range_first_assignments() {
    // testOneConsumerNoTopic
    let a = range(&spec(vec![("A", member(&[]))]), &topics(&[("topic1", 3)]));
    assert!(a["A"].is_empty());
    // testFirstAssignmentTwoConsumersTwoTopicsSameSubscriptions
    let parts = topics(&[("topic1", 3), ("topic3", 2)]);
    let g = spec(vec![
        ("A", member(&["topic1", "topic3"])),
        ("B", member(&["topic1", "topic3"])),
    ]);
    let a = range(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1]), ("topic3", &[0])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[2]), ("topic3", &[1])]));
    // testFirstAssignmentThreeConsumersThreeTopicsDifferentSubscriptions
    let parts = topics(&[("topic1", 3), ("topic2", 3), ("topic3", 2)]);
    let g = spec(vec![
        ("A", member(&["topic1", "topic2"])),
        ("B", member(&["topic3"])),
        ("C", member(&["topic2", "topic3"])),
    ]);
    let a = range(&g, &parts);
    assert_eq!(
        a["A"],
        assignment(&[("topic1", &[0, 1, 2]), ("topic2", &[0, 1])])
    );
    assert_eq!(a["B"], assignment(&[("topic3", &[0])]));
    assert_eq!(a["C"], assignment(&[("topic2", &[2]), ("topic3", &[1])]));
    // testFirstAssignmentNumConsumersGreaterThanNumPartitions
    let parts = topics(&[("topic1", 3), ("topic3", 2)]);
    let both = ["topic1", "topic3"];
    let g = spec(vec![
        ("A", member(&both)),
        ("B", member(&both)),
        ("C", member(&both)),
    ]);
    let a = range(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0]), ("topic3", &[0])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[1]), ("topic3", &[1])]));
    assert_eq!(a["C"], assignment(&[("topic1", &[2])]));
}

#[test]
fn range_reassignments_are_sticky() {
    let both = ["topic1", "topic2"];
    // testReassignmentNumConsumersGreaterThanNumPartitionsWhenOneConsumerAdded
    let parts = topics(&[("topic1", 2), ("topic2", 2)]);
    let g = spec(vec![
        (
            "A",
            member(&both)
                .with_assignment("topic1", [0])
                .with_assignment("topic2", [0]),
        ),
        (
            "B",
            member(&both)
                .with_assignment("topic1", [1])
                .with_assignment("topic2", [1]),
        ),
        ("C", member(&both)),
    ]);
    let a = range(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0]), ("topic2", &[0])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[1]), ("topic2", &[1])]));
    assert!(a["C"].is_empty());
    // testReassignmentWhenOnePartitionAddedForTwoConsumersTwoTopics
    let parts = topics(&[("topic1", 4), ("topic2", 4)]);
    let g = spec(vec![
        (
            "A",
            member(&both)
                .with_assignment("topic1", [0, 1])
                .with_assignment("topic2", [0, 1]),
        ),
        (
            "B",
            member(&both)
                .with_assignment("topic1", [2])
                .with_assignment("topic2", [2]),
        ),
    ]);
    let a = range(&g, &parts);
    assert_eq!(
        a["A"],
        assignment(&[("topic1", &[0, 1]), ("topic2", &[0, 1])])
    );
    assert_eq!(
        a["B"],
        assignment(&[("topic1", &[2, 3]), ("topic2", &[2, 3])])
    );
    // testReassignmentWhenOneConsumerAddedAfterInitialAssignmentWithTwoConsumersTwoTopics
    let parts = topics(&[("topic1", 3), ("topic2", 3)]);
    let g = spec(vec![
        (
            "A",
            member(&both)
                .with_assignment("topic1", [0, 1])
                .with_assignment("topic2", [0, 1]),
        ),
        (
            "B",
            member(&both)
                .with_assignment("topic1", [2])
                .with_assignment("topic2", [2]),
        ),
        ("C", member(&both)),
    ]);
    let a = range(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0]), ("topic2", &[0])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[2]), ("topic2", &[2])]));
    assert_eq!(a["C"], assignment(&[("topic1", &[1]), ("topic2", &[1])]));
    // testReassignmentWhenOneConsumerRemovedAfterInitialAssignmentWithTwoConsumersTwoTopics
    let g = spec(vec![
        (
            "A",
            member(&both)
                .with_assignment("topic1", [0])
                .with_assignment("topic2", [0]),
        ),
        (
            "B",
            member(&both)
                .with_assignment("topic1", [1])
                .with_assignment("topic2", [1]),
        ),
    ]);
    let a = range(&g, &parts);
    assert_eq!(
        a["A"],
        assignment(&[("topic1", &[0, 2]), ("topic2", &[0, 2])])
    );
    assert_eq!(a["B"], assignment(&[("topic1", &[1]), ("topic2", &[1])]));
}

#[test]
fn uniform_first_assignment_and_member_changes() {
    // testOneMemberNoTopicSubscription
    let a = uniform(&spec(vec![("A", member(&[]))]), &topics(&[("topic1", 3)]));
    assert!(a["A"].is_empty());
    // testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks (topics in name order): quotas 3 and
    // 2; the unassigned partitions fill member A, then member B.
    let both = ["topic1", "topic3"];
    let parts = topics(&[("topic1", 3), ("topic3", 2)]);
    let g = spec(vec![("A", member(&both)), ("B", member(&both))]);
    let first = uniform(&g, &parts);
    assert_eq!(first["A"], assignment(&[("topic1", &[0, 1, 2])]));
    assert_eq!(first["B"], assignment(&[("topic3", &[0, 1])]));
    // testReassignmentWhenOneMemberAddedAfterInitialAssignment: A (over quota) gives up its
    // highest partitions to C; B keeps everything.
    let g = spec(vec![
        ("A", member(&both).with_assignment("topic1", [0, 1, 2])),
        ("B", member(&both).with_assignment("topic3", [0, 1])),
        ("C", member(&both)),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1])]));
    assert_eq!(a["B"], assignment(&[("topic3", &[0, 1])]));
    assert_eq!(a["C"], assignment(&[("topic1", &[2])]));
    // testReassignmentWhenOneMemberRemovedAfterInitialAssignment: B's partitions go to the
    // members still below quota.
    let g = spec(vec![
        ("A", member(&both).with_assignment("topic1", [0, 1])),
        ("C", member(&both).with_assignment("topic1", [2])),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1]), ("topic3", &[0])]));
    assert_eq!(a["C"], assignment(&[("topic1", &[2]), ("topic3", &[1])]));
}

#[test]
fn uniform_reassignment_when_subscription_or_partitions_change() {
    // testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignment: topic2 is dropped by
    // every member; its partitions leave the assignment and the rest rebalance.
    let parts = topics(&[("topic1", 4), ("topic2", 2)]);
    let g = spec(vec![
        (
            "A",
            member(&["topic1"])
                .with_assignment("topic1", [0, 1])
                .with_assignment("topic2", [0]),
        ),
        (
            "B",
            member(&["topic1"])
                .with_assignment("topic1", [2])
                .with_assignment("topic2", [1]),
        ),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[2, 3])]));
    // testReassignmentWhenPartitionsAreAddedForTwoMembers: new partitions fill the members up
    // to their quotas; nobody loses a partition.
    let parts = topics(&[("topic1", 6)]);
    let g = spec(vec![
        ("A", member(&["topic1"]).with_assignment("topic1", [0, 2])),
        ("B", member(&["topic1"]).with_assignment("topic1", [1, 3])),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 2, 4])]));
    assert_eq!(a["B"], assignment(&[("topic1", &[1, 3, 5])]));
    // testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment: balance first.
    let parts = topics(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let g = spec(vec![
        (
            "A",
            member(&both)
                .with_assignment("topic1", [0, 1, 2])
                .with_assignment("topic2", [0, 1]),
        ),
        ("B", member(&both).with_assignment("topic2", [2])),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1, 2])]));
    assert_eq!(a["B"], assignment(&[("topic2", &[0, 1, 2])]));
}

#[test]
fn unknown_names_and_empty_groups_are_errors() {
    assert_eq!(
        ServerAssignor::from_name("uniform"),
        Ok(ServerAssignor::Uniform)
    );
    assert_eq!(
        ServerAssignor::from_name("range"),
        Ok(ServerAssignor::Range)
    );
    assert!(ServerAssignor::from_name("sticky").is_err());
    assert_eq!(
        ServerAssignor::Uniform.assign(&GroupSpec::new(), &topics(&[])),
        Err(AssignorError::NoMembers)
    );
}

#[test]
fn members_are_walked_in_java_hash_map_order() {
    // The coordinator's GroupSpec holds members in a HashMap: "consumer3" (bucket 10 of 16)
    // comes before "consumer2" (11) and "consumer1" (12), so it takes the extra partition.
    let t = ["topic1"];
    let g = spec(vec![
        ("consumer1", member(&t)),
        ("consumer2", member(&t)),
        ("consumer3", member(&t)),
    ]);
    let a = uniform(&g, &topics(&[("topic1", 4)]));
    assert_eq!(a["consumer3"], assignment(&[("topic1", &[0, 1])]));
    assert_eq!(a["consumer2"], assignment(&[("topic1", &[2])]));
    assert_eq!(a["consumer1"], assignment(&[("topic1", &[3])]));
    let a = range(&g, &topics(&[("topic1", 4)]));
    assert_eq!(a["consumer3"], assignment(&[("topic1", &[0, 1])]));
    assert_eq!(a["consumer1"], assignment(&[("topic1", &[3])]));
}

#[test]
fn uniform_heterogeneous_subscriptions() {
    // UniformHeterogeneousAssignmentBuilderTest's scenarios, expectations from the builder's
    // steps: without overlap each member takes its own topic.
    let parts = topics(&[("topic1", 3), ("topic2", 3)]);
    let g = spec(vec![("A", member(&["topic1"])), ("B", member(&["topic2"]))]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1, 2])]));
    assert_eq!(a["B"], assignment(&[("topic2", &[0, 1, 2])]));
    // With overlap, the topic with the most partitions per subscriber goes first: topic2 (6 for
    // its one subscriber) fills B, then topic1 (3 per subscriber) goes to the less loaded A.
    let parts = topics(&[("topic1", 6), ("topic2", 6)]);
    let g = spec(vec![
        ("A", member(&["topic1"])),
        ("B", member(&["topic1", "topic2"])),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1, 2, 3, 4, 5])]));
    assert_eq!(a["B"], assignment(&[("topic2", &[0, 1, 2, 3, 4, 5])]));
    // C joins on topic2: balancing topic2 moves B's last three partitions to C, then the next
    // pass over topic1 moves one of A's to B (6/3 became 5/4), and topic2 is balanced (4/3).
    let g = spec(vec![
        ("A", member(&["topic1"]).with_assignment("topic1", 0..6)),
        (
            "B",
            member(&["topic1", "topic2"]).with_assignment("topic2", 0..6),
        ),
        ("C", member(&["topic2"])),
    ]);
    let a = uniform(&g, &parts);
    assert_eq!(a["A"], assignment(&[("topic1", &[0, 1, 2, 3, 4])]));
    assert_eq!(
        a["B"],
        assignment(&[("topic1", &[5]), ("topic2", &[0, 1, 2])])
    );
    assert_eq!(a["C"], assignment(&[("topic2", &[3, 4, 5])]));
}
