//! Kafka's `StripedReplicaPlacerTest`, case for case, with its `MockRandom`.

use super::*;

/// `org.apache.kafka.server.util.MockRandom`: a `Random` whose `next` is a fixed 64-bit LCG
/// starting from 17.
struct MockRandom {
    state: i64,
}

impl MockRandom {
    fn new() -> Self {
        MockRandom { state: 17 }
    }
}

impl RandomBits for MockRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self
            .state
            .wrapping_mul(2_862_933_555_777_941_757)
            .wrapping_add(3_037_000_493);
        ((self.state as u64) >> (64 - bits)) as i32
    }
}

fn broker(id: i32, rack: Option<&str>, fenced: bool) -> UsableBroker {
    UsableBroker {
        id,
        rack: rack.map(str::to_string),
        fenced,
    }
}

fn rack_names(list: &RackList) -> Vec<Option<String>> {
    list.rack_names
        .iter()
        .map(|&i| list.racks[i].name.clone())
        .collect()
}

#[test]
fn test_broker_list() {
    let mut brokers = BrokerList {
        brokers: vec![0, 1, 2, 3],
        ..BrokerList::default()
    };
    let taken: Vec<Option<i32>> = (0..6).map(|_| brokers.next(0)).collect();
    assert_eq!(taken, vec![Some(0), Some(1), Some(2), Some(3), None, None]);
    let taken: Vec<Option<i32>> = (0..5).map(|_| brokers.next(1)).collect();
    assert_eq!(taken, vec![Some(1), Some(2), Some(3), Some(0), None]);
    assert_eq!(BrokerList::default().next(1), None);
}

#[test]
fn test_avoid_fenced_replica_if_possible_on_single_rack() {
    let mut random = MockRandom::new();
    let brokers = [
        broker(3, None, false),
        broker(1, None, true),
        broker(0, None, false),
        broker(4, None, false),
        broker(2, None, false),
    ];
    let mut list = RackList::new(&mut random, &brokers);
    assert_eq!((list.total_brokers, list.unfenced_brokers), (5, 4));
    assert_eq!(rack_names(&list), vec![None]);
    assert!(list.place(&mut random, 0).is_err());
    assert!(list.place(&mut random, -1).is_err());
    for expected in [
        vec![3, 4, 0, 2],
        vec![4, 0, 2, 3],
        vec![0, 2, 3, 4],
        vec![2, 3, 4, 0],
        vec![0, 4, 3, 2],
    ] {
        assert_eq!(list.place(&mut random, 4), Ok(expected));
    }
}

#[test]
fn test_multi_partition_topic_placement_on_single_unfenced_broker() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let brokers = [broker(0, None, false), broker(1, None, true)];
    assert_eq!(
        placer.place(3, 1, &brokers),
        Ok(vec![vec![0], vec![0], vec![0]])
    );
}

#[test]
fn test_placement_on_fenced_replica_on_single_rack() {
    let mut random = MockRandom::new();
    let brokers = [
        broker(3, None, false),
        broker(1, None, true),
        broker(2, None, false),
    ];
    let mut list = RackList::new(&mut random, &brokers);
    assert_eq!((list.total_brokers, list.unfenced_brokers), (3, 2));
    for expected in [vec![3, 2, 1], vec![2, 3, 1], vec![3, 2, 1], vec![2, 3, 1]] {
        assert_eq!(list.place(&mut random, 3), Ok(expected));
    }
}

#[test]
fn test_rack_list_with_multiple_racks() {
    let mut random = MockRandom::new();
    let brokers = [
        broker(11, Some("1"), false),
        broker(10, Some("1"), false),
        broker(30, Some("3"), false),
        broker(31, Some("3"), false),
        broker(21, Some("2"), false),
        broker(20, Some("2"), true),
    ];
    let mut list = RackList::new(&mut random, &brokers);
    assert_eq!((list.total_brokers, list.unfenced_brokers), (6, 5));
    let names = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
    assert_eq!(rack_names(&list), names(&["1", "2", "3"]));
    for expected in [
        vec![11, 21, 31, 10],
        vec![21, 30, 10, 20],
        vec![31, 11, 21, 30],
    ] {
        assert_eq!(list.place(&mut random, 4), Ok(expected));
    }
}

#[test]
fn test_rack_list_with_invalid_racks() {
    let mut random = MockRandom::new();
    let brokers = [
        broker(11, Some("1"), false),
        broker(10, Some("1"), false),
        broker(30, Some("3"), true),
        broker(31, Some("3"), true),
        broker(20, Some("2"), true),
        broker(21, Some("2"), true),
        broker(41, Some("4"), false),
        broker(40, Some("4"), true),
    ];
    let mut list = RackList::new(&mut random, &brokers);
    assert_eq!((list.total_brokers, list.unfenced_brokers), (8, 3));
    for expected in [
        vec![41, 11, 21, 30],
        vec![10, 20, 31, 41],
        vec![41, 21, 30, 11],
    ] {
        assert_eq!(list.place(&mut random, 4), Ok(expected));
    }
}

#[test]
fn refusals_carry_kafkas_messages() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let message = |result: Result<Vec<Vec<i32>>, ApiError>| {
        let error = result.expect_err("refused");
        assert_eq!(error.code, ErrorCode::InvalidReplicationFactor);
        error.message().to_string()
    };
    let fenced = [broker(11, Some("1"), true), broker(10, Some("1"), true)];
    assert_eq!(
        message(placer.place(1, 1, &fenced)),
        "All brokers are currently fenced."
    );
    let two = [broker(11, Some("1"), false), broker(10, Some("1"), false)];
    assert_eq!(
        message(placer.place(1, 3, &two)),
        "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."
    );
    assert_eq!(
        message(placer.place(1, 0, &two)),
        "Invalid replication factor 0: the replication factor must be positive."
    );
}

#[test]
fn test_successful_placement() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let brokers = [
        broker(0, None, false),
        broker(3, None, false),
        broker(2, None, false),
        broker(1, None, false),
    ];
    assert_eq!(
        placer.place(5, 3, &brokers),
        Ok(vec![
            vec![2, 3, 0],
            vec![3, 0, 1],
            vec![0, 1, 2],
            vec![1, 2, 3],
            vec![1, 0, 2]
        ])
    );
}

#[test]
fn test_even_distribution() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let brokers: Vec<UsableBroker> = (0..4).map(|id| broker(id, None, false)).collect();
    let placed = placer.place(200, 2, &brokers).expect("placed");
    let mut counts = std::collections::BTreeMap::new();
    for replicas in placed {
        *counts.entry(replicas).or_insert(0) += 1;
    }
    let expected = [
        ([0, 1], 14),
        ([0, 2], 22),
        ([0, 3], 14),
        ([1, 0], 17),
        ([1, 2], 17),
        ([1, 3], 16),
        ([2, 0], 13),
        ([2, 1], 17),
        ([2, 3], 20),
        ([3, 0], 20),
        ([3, 1], 19),
        ([3, 2], 11),
    ];
    for (replicas, count) in expected {
        assert_eq!(
            counts.get(replicas.as_slice()),
            Some(&count),
            "{replicas:?}"
        );
    }
}

#[test]
fn rack_list_all_brokers_fenced_and_too_few() {
    let mut random = MockRandom::new();
    let fenced: Vec<UsableBroker> = (0..3).map(|id| broker(id, None, true)).collect();
    let mut list = RackList::new(&mut random, &fenced);
    assert_eq!((list.total_brokers, list.unfenced_brokers), (3, 0));
    assert_eq!(
        list.place(&mut random, 3).expect_err("fenced").message(),
        "All brokers are currently fenced."
    );
    let two = [broker(11, Some("1"), false), broker(10, Some("1"), false)];
    let mut list = RackList::new(&mut random, &two);
    assert_eq!(
        list.place(&mut random, -1).expect_err("negative").message(),
        "Invalid replication factor -1: the replication factor must be positive."
    );
}

#[test]
fn java_string_hash_matches_the_jdk() {
    // "hello".hashCode() == 99162322; "rack-a".hashCode() computed by OpenJDK 17.
    assert_eq!(java_string_hash("hello"), 99_162_322);
    assert_eq!(java_string_hash(""), 0);
}

#[test]
fn place_checks_fenced_before_too_few_brokers_as_kafka_does() {
    // `StripedReplicaPlacer.place` refuses "all fenced" before "too few brokers";
    // `RackList.place` checks them the other way round.
    let fenced = [broker(1, None, true), broker(2, None, true)];
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    assert_eq!(
        placer.place(1, 3, &fenced).expect_err("fenced").message(),
        "All brokers are currently fenced."
    );
    let mut random = MockRandom::new();
    let mut list = RackList::new(&mut random, &fenced);
    assert_eq!(
        list.place(&mut random, 3).expect_err("too few").message(),
        "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."
    );
}

#[test]
fn the_controller_placer_is_seeded_from_its_own_stream() {
    // Deterministic, and not the cluster seed itself: a different stream than `Rng::from_seed`.
    assert_eq!(placer_seed(0), placer_seed(0));
    assert_ne!(placer_seed(0), placer_seed(1));
    assert_ne!(placer_seed(0), 0);
    let brokers = unfenced_brokers(1..=3);
    let mut a = ControllerPlacer::for_cluster_seed(9);
    let mut b = ControllerPlacer::for_cluster_seed(9);
    assert_eq!(a.place(5, 2, &brokers), b.place(5, 2, &brokers));
    assert_eq!(a.random(), b.random());
}
