//! Kafka's `RangeAssignorTest` and `RoundRobinAssignorTest` (clients/src/test/java/org/apache/
//! kafka/clients/consumer), without racks (the `RackConfig.NO_BROKER_RACK` variants).

use super::{group, topics, tps};
use kafka_playground::engine::group::assignor::{ClientAssignor, Subscription};

const RANGE: ClientAssignor = ClientAssignor::Range;
const ROUND_ROBIN: ClientAssignor = ClientAssignor::RoundRobin;

fn sub(topics: &[&str]) -> Subscription {
    Subscription::new(topics.iter().copied())
}

#[test]
fn range_one_consumer_no_topic_and_nonexistent_topic() {
    // testOneConsumerNoTopic, testOneConsumerNonexistentTopic
    for assignor in [RANGE, ROUND_ROBIN] {
        let a = assignor
            .assign(&topics(&[]), &group(vec![("consumer1", sub(&[]))]))
            .expect("assignment");
        assert_eq!(a["consumer1"], vec![]);
        let a = assignor
            .assign(&topics(&[]), &group(vec![("consumer1", sub(&["topic1"]))]))
            .expect("assignment");
        assert_eq!(a["consumer1"], vec![]);
    }
}

#[test]
fn range_one_consumer_one_topic_and_only_subscribed_topics() {
    // testOneConsumerOneTopic, testOnlyAssignsPartitionsFromSubscribedTopics
    for assignor in [RANGE, ROUND_ROBIN] {
        let a = assignor
            .assign(
                &topics(&[("topic1", 3), ("other", 3)]),
                &group(vec![("consumer1", sub(&["topic1"]))]),
            )
            .expect("assignment");
        assert_eq!(a.len(), 1);
        assert_eq!(
            a["consumer1"],
            tps(&[("topic1", 0), ("topic1", 1), ("topic1", 2)])
        );
    }
}

#[test]
fn range_one_consumer_multiple_topics() {
    // testOneConsumerMultipleTopics
    for assignor in [RANGE, ROUND_ROBIN] {
        let a = assignor
            .assign(
                &topics(&[("topic1", 1), ("topic2", 2)]),
                &group(vec![("consumer1", sub(&["topic1", "topic2"]))]),
            )
            .expect("assignment");
        assert_eq!(
            a["consumer1"],
            tps(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
        );
    }
}

#[test]
fn two_consumers_one_topic() {
    // testTwoConsumersOneTopicOnePartition, testTwoConsumersOneTopicTwoPartitions (both tests)
    for assignor in [RANGE, ROUND_ROBIN] {
        let g = group(vec![
            ("consumer1", sub(&["topic1"])),
            ("consumer2", sub(&["topic1"])),
        ]);
        let a = assignor
            .assign(&topics(&[("topic1", 1)]), &g)
            .expect("assignment");
        assert_eq!(a["consumer1"], tps(&[("topic1", 0)]));
        assert_eq!(a["consumer2"], vec![]);
        let a = assignor
            .assign(&topics(&[("topic1", 2)]), &g)
            .expect("assignment");
        assert_eq!(a["consumer1"], tps(&[("topic1", 0)]));
        assert_eq!(a["consumer2"], tps(&[("topic1", 1)]));
    }
}

#[test]
fn multiple_consumers_mixed_topics() {
    // RangeAssignorTest and RoundRobinAssignorTest.testMultipleConsumersMixedTopics
    let g = group(vec![
        ("consumer1", sub(&["topic1"])),
        ("consumer2", sub(&["topic1", "topic2"])),
        ("consumer3", sub(&["topic1"])),
    ]);
    for assignor in [RANGE, ROUND_ROBIN] {
        let a = assignor
            .assign(&topics(&[("topic1", 3), ("topic2", 2)]), &g)
            .expect("assignment");
        assert_eq!(a["consumer1"], tps(&[("topic1", 0)]));
        assert_eq!(
            a["consumer2"],
            tps(&[("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(a["consumer3"], tps(&[("topic1", 2)]));
    }
}

#[test]
fn two_consumers_two_topics_six_partitions() {
    // testTwoConsumersTwoTopicsSixPartitions
    let g = group(vec![
        ("consumer1", sub(&["topic1", "topic2"])),
        ("consumer2", sub(&["topic1", "topic2"])),
    ]);
    let parts = topics(&[("topic1", 3), ("topic2", 3)]);
    let a = RANGE.assign(&parts, &g).expect("assignment");
    assert_eq!(
        a["consumer1"],
        tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(a["consumer2"], tps(&[("topic1", 2), ("topic2", 2)]));
    let a = ROUND_ROBIN.assign(&parts, &g).expect("assignment");
    assert_eq!(
        a["consumer1"],
        tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        a["consumer2"],
        tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

#[test]
fn static_members_sort_by_instance_id_and_before_dynamic_ones() {
    // testTwoStaticConsumersTwoTopicsSixPartitions,
    // testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: "consumer-b" has the
    // lower instance id, or is the only static member, so it comes first.
    let parts = topics(&[("topic1", 3), ("topic2", 3)]);
    let both = sub(&["topic1", "topic2"]);
    for high in [both.clone().with_instance_id("instance2"), both.clone()] {
        let g = group(vec![
            ("consumer-b", both.clone().with_instance_id("instance1")),
            ("consumer-a", high),
        ]);
        let a = RANGE.assign(&parts, &g).expect("assignment");
        assert_eq!(
            a["consumer-b"],
            tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(a["consumer-a"], tps(&[("topic1", 2), ("topic2", 2)]));
        let a = ROUND_ROBIN.assign(&parts, &g).expect("assignment");
        assert_eq!(
            a["consumer-b"],
            tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
        );
        assert_eq!(
            a["consumer-a"],
            tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
        );
    }
}

#[test]
fn range_static_member_assignment_persists_across_generations() {
    // testStaticMemberRangeAssignmentPersistent: three static members keep their ranges when
    // the dynamic fourth member is replaced by a fifth.
    let parts = topics(&[("topic1", 5), ("topic2", 4)]);
    let both = sub(&["topic1", "topic2"]);
    let mut g = group(vec![
        ("consumer1", both.clone().with_instance_id("instance1")),
        ("consumer2", both.clone().with_instance_id("instance2")),
        ("consumer3", both.clone().with_instance_id("instance3")),
        ("consumer4", both.clone()),
    ]);
    let a = RANGE.assign(&parts, &g).expect("assignment");
    assert_eq!(
        a["consumer1"],
        tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0)])
    );
    assert_eq!(a["consumer2"], tps(&[("topic1", 2), ("topic2", 1)]));
    assert_eq!(a["consumer3"], tps(&[("topic1", 3), ("topic2", 2)]));
    assert_eq!(a["consumer4"], tps(&[("topic1", 4), ("topic2", 3)]));
    g.remove("consumer4");
    g.insert("consumer5".to_owned(), both);
    let b = RANGE.assign(&parts, &g).expect("assignment");
    assert_eq!(b["consumer5"], a["consumer4"]);
    for m in ["consumer1", "consumer2", "consumer3"] {
        assert_eq!(b[m], a[m]);
    }
}

#[test]
fn range_static_assignment_follows_instance_ids_when_member_ids_change() {
    // testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges
    let parts = topics(&[("topic1", 5), ("topic2", 5)]);
    let both = sub(&["topic1", "topic2"]);
    let g = group(vec![
        ("consumer1", both.clone().with_instance_id("instance1")),
        ("consumer2", both.clone().with_instance_id("instance2")),
        ("consumer3", both.clone().with_instance_id("instance3")),
    ]);
    let a = RANGE.assign(&parts, &g).expect("assignment");
    assert_eq!(
        a["consumer1"],
        tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(
        a["consumer2"],
        tps(&[("topic1", 2), ("topic1", 3), ("topic2", 2), ("topic2", 3)])
    );
    assert_eq!(a["consumer3"], tps(&[("topic1", 4), ("topic2", 4)]));
    let swapped = group(vec![
        ("consumer1", both.clone().with_instance_id("instance1")),
        ("consumer5", both.clone().with_instance_id("instance2")),
        ("consumer4", both.with_instance_id("instance3")),
    ]);
    let b = RANGE.assign(&parts, &swapped).expect("assignment");
    assert_eq!(b["consumer5"], a["consumer2"]);
    assert_eq!(b["consumer4"], a["consumer3"]);
}

#[test]
fn round_robin_skips_members_not_subscribed() {
    // RoundRobinAssignorTest.testMultipleConsumersMixedTopics's idea with a gap: the circular
    // iterator skips consumer2 for topic2, which only consumer1 and consumer3 read.
    let g = group(vec![
        ("consumer1", sub(&["topic1", "topic2"])),
        ("consumer2", sub(&["topic1"])),
        ("consumer3", sub(&["topic1", "topic2"])),
    ]);
    let a = ROUND_ROBIN
        .assign(&topics(&[("topic1", 2), ("topic2", 3)]), &g)
        .expect("assignment");
    assert_eq!(a["consumer1"], tps(&[("topic1", 0), ("topic2", 1)]));
    assert_eq!(a["consumer2"], tps(&[("topic1", 1)]));
    assert_eq!(a["consumer3"], tps(&[("topic2", 0), ("topic2", 2)]));
}

#[test]
fn an_empty_group_is_an_error_not_a_panic() {
    for assignor in ClientAssignor::ALL {
        assert!(assignor
            .assign(&topics(&[("t", 1)]), &group(vec![]))
            .is_err());
    }
}
