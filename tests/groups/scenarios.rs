use super::support::{produce_n, run_ok};
use super::*;
use kafka_playground::engine::client::consumer::ConsumerEvent;
use std::collections::BTreeMap;

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

/// A member that does not poll within `max.poll.interval.ms` is considered failed: its heartbeat
/// thread leaves the group ("consumer poll timeout has expired.", KIP-62) and the others take
/// its partitions; at its next poll it rejoins.
#[test]
fn a_slow_member_leaves_after_max_poll_interval() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 2 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 40, true);
    run_ok(
        &mut cluster,
        "consumer start slow --group g --topic orders --from-beginning --rate 1/s --consumer-property max.poll.interval.ms=10000\n\
         consumer start fast --group g --topic orders --from-beginning\n\
         time advance 7s\n",
    );
    assert_eq!(owned(&cluster, "slow").len(), 1);
    // The slow member took a poll's worth of records that need ~20 s to process: after 10 s
    // without a poll it leaves, and the fast one owns both partitions.
    cluster.advance_time(12_000);
    let slow = &cluster.background_consumers()["slow"].consumer;
    assert!(slow.events.iter().any(|(_, e)| matches!(e, ConsumerEvent::Left(reason) if reason == "consumer poll timeout has expired.")), "{:?}", slow.events);
    assert_eq!(owned(&cluster, "fast"), ["orders-0", "orders-1"]);
}

/// Auto-commit gives at-least-once delivery: records consumed after the last auto-commit
/// (every `auto.commit.interval.ms`, 5 s) are read again by the member that takes the
/// partition over after a crash.
#[test]
fn auto_commit_redelivers_after_a_crash() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3\n",
    );
    run_ok(
        &mut cluster,
        "consumer start c1 --group g --topic orders --from-beginning\ntime advance 4s\n",
    );
    produce_n(&mut cluster, "orders", 10, true);
    cluster.advance_time(500);
    assert_eq!(cluster.background_consumers()["c1"].consumed, 10);
    let committed_before_crash = cluster.fetch_committed_offsets("g").expect("offsets");
    assert!(
        committed_before_crash.is_empty(),
        "no auto-commit yet: {committed_before_crash:?}"
    );
    cluster.kill_consumer("c1").expect("kill");
    run_ok(
        &mut cluster,
        "consumer start c2 --group g --topic orders --from-beginning\n",
    );
    cluster.advance_time(60_000);
    // c2 joins at once but the group waits for c1 until its session times out (45 s); then c2
    // starts from the last commit — none — so all 10 records come again.
    assert_eq!(cluster.background_consumers()["c2"].consumed, 10);
}

/// The coordinator is the leader of the group's `__consumer_offsets` partition; when its broker
/// stops, leadership moves, the new leader loads the group from the log, and the members find
/// it through `NOT_COORDINATOR` and FindCoordinator — offsets and membership intact.
#[test]
fn the_coordinator_fails_over_with_the_group_intact() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 30, true);
    start(&mut cluster, "c1", "g", "orders");
    start(&mut cluster, "c2", "g", "orders");
    cluster.advance_time(15_000);
    let committed = cluster.fetch_committed_offsets("g").expect("offsets");
    assert_eq!(committed.values().map(|c| c.offset).sum::<i64>(), 30);
    let coordinator = cluster.find_coordinator("g").expect("coordinator");
    let owners = (owned(&cluster, "c1"), owned(&cluster, "c2"));
    run_ok(&mut cluster, &format!("broker stop {coordinator}\n"));
    let moved_to = cluster.find_coordinator("g").expect("new coordinator");
    assert_ne!(moved_to, coordinator);
    cluster.advance_time(10_000);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.coordinator, moved_to);
    assert_eq!(description.state.to_string(), "Stable");
    assert_eq!(description.members.len(), 2);
    assert_eq!((owned(&cluster, "c1"), owned(&cluster, "c2")), owners);
    let after = cluster.fetch_committed_offsets("g").expect("offsets");
    assert_eq!(after, committed);
    produce_n(&mut cluster, "orders", 6, true);
    cluster.advance_time(6_000);
    let consumed: u64 = ["c1", "c2"]
        .iter()
        .map(|n| cluster.background_consumers()[*n].consumed)
        .sum();
    assert_eq!(consumed, 36);
}

/// The group's life in `__consumer_offsets`, read back with `kafka-dump-log.sh
/// --offsets-decoder` (Kafka's `GroupMetadataValue` v3 and `OffsetCommitValue` v4 as JSON): the
/// group stabilising with its member and assignment, the commit of what the console consumer
/// printed, and the group left empty (a new generation without members).
#[test]
fn the_group_lives_in_consumer_offsets() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 2, false);
    run_ok(&mut cluster, "kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --group g --from-beginning\n");
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.state.to_string(), "Empty");
    // abs("g".hashCode()) % 50 = 103 % 50 = 3.
    let coordinator = cluster.find_coordinator("g").expect("coordinator");
    assert_eq!(
        cluster
            .partition_info("__consumer_offsets", 3)
            .and_then(|p| p.leader),
        Some(coordinator)
    );
    let dump = run_ok(
        &mut cluster,
        &format!("kafka-dump-log.sh --files /tmp/kraft-combined-logs/broker-{coordinator}/__consumer_offsets-3/00000000000000000000.log --offsets-decoder\n"),
    )
    .stdout();
    let payloads: Vec<&str> = dump
        .lines()
        .filter(|l| l.starts_with("| offset:"))
        .collect();
    assert_eq!(payloads.len(), 3, "{dump}");
    assert!(payloads[0].contains(r#"key: {"type":"2","data":{"group":"g"}} payload: {"version":"3","data":{"protocolType":"consumer","generation":1,"protocol":"range","#), "{}", payloads[0]);
    assert!(payloads[0].contains(r#""assignment":{"assignedPartitions":[{"topic":"orders","partitions":[0]}],"userData":null}"#));
    assert!(payloads[1].contains(r#"key: {"type":"1","data":{"group":"g","topic":"orders","partition":0}} payload: {"version":"4","data":{"offset":2,"leaderEpoch":0,"metadata":"","#), "{}", payloads[1]);
    assert!(
        payloads[2].contains(r#""generation":2,"protocol":null,"leader":null,"#)
            && payloads[2].contains(r#""members":[]"#),
        "{}",
        payloads[2]
    );
}

/// A consumer slower than its producer builds lag ("consumers pull, so each takes only what it
/// can handle"): the records it has not read pile up, and the next unread record gets older.
#[test]
fn a_slow_consumer_builds_lag() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3\n\
         consumer start slow --group g --topic orders --rate 2/s --consumer-property max.poll.records=10\n\
         time advance 4s\n\
         producer start p --topic orders --rate 10/s\n\
         time advance 30s\n",
    );
    let lag = cluster.group_lag("g").expect("lag");
    assert_eq!(lag.len(), 1);
    let first = lag[0].clone();
    // ~300 produced, ~60 processed, committed every 5 s.
    assert!(first.lag.is_some_and(|l| l > 200), "{first:?}");
    assert!(first.time_lag_ms.is_some_and(|t| t > 10_000), "{first:?}");
    cluster.advance_time(30_000);
    let later = cluster.group_lag("g").expect("lag")[0].clone();
    assert!(
        later.lag > first.lag && later.time_lag_ms > first.time_lag_ms,
        "{first:?} then {later:?}"
    );
}

/// `pause` stops fetching from a partition the member keeps; `resume` picks up where it was;
/// `seek` moves the position (`KafkaConsumer.pause/resume/seek`).
#[test]
fn pause_resume_and_seek() {
    use kafka_playground::engine::client::consumer::{AutoOffsetReset, Consumer, ConsumerConfig};
    let mut cluster = cluster_of(1);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --partitions 2\n",
    );
    produce_n(&mut cluster, "t", 20, true);
    let config = ConsumerConfig {
        group_id: Some("g".to_string()),
        auto_offset_reset: AutoOffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    let mut consumer = Consumer::new(&cluster, config, vec!["t".to_string()]);
    let poll = |cluster: &mut Cluster, consumer: &mut Consumer| {
        let mut read = Vec::new();
        for _ in 0..500 {
            read.extend(consumer.poll(cluster).expect("poll"));
            cluster.advance_time(10);
        }
        read
    };
    let p0 = TopicPartition::new("t", 0);
    let p1 = TopicPartition::new("t", 1);
    while consumer.assignment.is_empty() {
        consumer.poll(&mut cluster).expect("poll");
        cluster.advance_time(10);
    }
    consumer.seek(p0.clone(), 0);
    consumer.seek(p1, 0);
    consumer.pause(std::slice::from_ref(&p0));
    let read = poll(&mut cluster, &mut consumer);
    assert!(
        !read.is_empty() && read.iter().all(|r| r.partition == 1),
        "{:?}",
        consumer.events
    );
    assert_eq!(
        consumer.assignment.len(),
        2,
        "a paused partition stays owned"
    );
    consumer.resume(std::slice::from_ref(&p0));
    let read = poll(&mut cluster, &mut consumer);
    assert!(!read.is_empty() && read.iter().all(|r| r.partition == 0) && read[0].offset == 0);
    consumer.seek(p0.clone(), 1);
    let again = poll(&mut cluster, &mut consumer);
    assert_eq!(again.first().map(|r| (r.partition, r.offset)), Some((0, 1)));
}

/// `subscribe(Pattern)`: a member subscribed by regular expression reads every matching topic,
/// and a topic created later joins the subscription at the next metadata refresh
/// (`metadata.max.age.ms`, 5 minutes by default), after a rebalance.
#[test]
fn a_pattern_subscription_picks_up_new_topics() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders-eu --partitions 1 --replication-factor 3\n\
         kafka-topics.sh --create --topic payments --partitions 1 --replication-factor 3\n\
         consumer start c1 --group g --include 'orders-.*' --from-beginning\n\
         time advance 5s\n",
    );
    assert_eq!(owned(&cluster, "c1"), ["orders-eu-0"]);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders-us --partitions 1 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders-us", 3, false);
    cluster.advance_time(60_000);
    assert_eq!(
        owned(&cluster, "c1"),
        ["orders-eu-0"],
        "not before the metadata refresh"
    );
    cluster.advance_time(250_000);
    assert_eq!(owned(&cluster, "c1"), ["orders-eu-0", "orders-us-0"]);
    assert_eq!(cluster.background_consumers()["c1"].consumed, 3);
    let out = run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --bootstrap-server x --include 'orders-.*' --group other --from-beginning\n",
    );
    assert_eq!(out.stdout(), "value-0\nvalue-1\nvalue-2\n");
}

/// Starts `name` in group `g` on `topic` with `assignor`.
fn start_with(cluster: &mut Cluster, name: &str, topic: &str, options: &str) {
    run_ok(
        cluster,
        &format!("consumer start {name} --group g --topic {topic} --from-beginning {options}\n"),
    );
}

/// How long each partition of `orders` had no owner in the group from `from` to `to`, from the
/// members' `Assigned` / `Revoked` / `Lost` events (exact, not sampled).
fn unowned_ms(cluster: &Cluster, from: i64, to: i64) -> BTreeMap<i32, i64> {
    let mut owned_ms: BTreeMap<i32, i64> = BTreeMap::new();
    for c in cluster.background_consumers().values() {
        let mut since: BTreeMap<i32, i64> = BTreeMap::new();
        for (at, event) in &c.consumer.events {
            match event {
                ConsumerEvent::Assigned(ps) => {
                    for p in ps {
                        since.insert(p.partition, *at);
                    }
                }
                ConsumerEvent::Revoked(ps) | ConsumerEvent::Lost(ps) => {
                    for p in ps {
                        if let Some(start) = since.remove(&p.partition) {
                            *owned_ms.entry(p.partition).or_default() +=
                                (*at).min(to) - start.max(from).min(to);
                        }
                    }
                }
                _ => {}
            }
        }
        for (p, start) in since {
            *owned_ms.entry(p).or_default() += to - start.max(from);
        }
    }
    (0..6)
        .map(|p| {
            (
                p,
                (to - from) - owned_ms.get(&p).copied().unwrap_or(0).max(0),
            )
        })
        .collect()
}

/// `c2` joins `c1`'s group on a 6-partition topic; returns each partition's time without an
/// owner over the next 15 s, and the cluster.
fn scale_out(options: &str) -> (BTreeMap<i32, i64>, Cluster) {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3\n",
    );
    start_with(&mut cluster, "c1", "orders", options);
    cluster.advance_time(5_000);
    assert_eq!(owned(&cluster, "c1").len(), 6);
    let from = cluster.now().as_millis();
    start_with(&mut cluster, "c2", "orders", options);
    cluster.advance_time(15_000);
    let to = cluster.now().as_millis();
    (unowned_ms(&cluster, from, to), cluster)
}

/// KIP-429: with `cooperative-sticky` a member keeps the partitions that do not move while the
/// group rebalances; the ones that move are revoked by their owner first and handed to their
/// new owner in a second rebalance. Eager rebalancing (range) leaves every partition without an
/// owner until the new generation is assigned.
#[test]
fn cooperative_rebalancing_keeps_unmoved_partitions_owned() {
    let (eager, eager_cluster) = scale_out("--assignor range");
    let eager_kept = owned_partitions(&eager_cluster, "c1");
    let (cooperative, cluster) = scale_out("--assignor cooperative-sticky");
    let c1 = &cluster.background_consumers()["c1"].consumer;
    let c2 = &cluster.background_consumers()["c2"].consumer;
    assert_eq!(c1.assignment.len() + c2.assignment.len(), 6);
    assert_eq!(c2.assignment.len(), 3, "{:?}", c2.events);
    // c1 revoked exactly what moved to c2, nothing else, and never everything.
    let revoked: Vec<_> = c1
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            ConsumerEvent::Revoked(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(revoked, vec![c2.assignment.clone()], "{:?}", c1.events);
    // Two rounds: c2 joins generation 2 with nothing, gets its partitions in generation 3.
    let joined: Vec<i32> = c2
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            ConsumerEvent::Joined { generation_id, .. } => Some(*generation_id),
            _ => None,
        })
        .collect();
    assert_eq!(joined, [2, 3], "{:?}", c2.events);
    // Eager: even the partitions c1 kept went without an owner (revoked, then assigned back
    // to it: the stop-the-world). Cooperative: only the three that moved; the others were owned
    // (and read) throughout.
    assert!(eager_kept.iter().all(|p| eager[p] > 0), "eager {eager:?}");
    for (p, ms) in &cooperative {
        let moved = c2.assignment.iter().any(|tp| tp.partition == *p);
        assert_eq!(*ms > 0, moved, "partition {p}: cooperative {cooperative:?}");
    }
    // KIP-848: the same as cooperative — only what moves is ever without an owner, from its
    // revocation until the new owner's next heartbeat (`group.consumer.heartbeat.interval.ms`).
    let (kip848, cluster) = scale_out("--protocol consumer");
    let kept: Vec<i32> = owned_partitions(&cluster, "c1");
    assert_eq!(kept.len(), 3);
    for (p, ms) in &kip848 {
        assert_eq!(
            *ms > 0,
            !kept.contains(p),
            "partition {p}: KIP-848 {kip848:?}"
        );
        assert!(*ms <= 5_000, "partition {p}: KIP-848 {kip848:?}");
    }
    println!("unowned ms per partition while a second member joins: eager {eager:?}, cooperative {cooperative:?}, KIP-848 {kip848:?}");
}

/// The partition numbers `name` owns.
fn owned_partitions(cluster: &Cluster, name: &str) -> Vec<i32> {
    cluster.background_consumers()[name]
        .consumer
        .assignment
        .iter()
        .map(|tp| tp.partition)
        .collect()
}

/// The generations `name` joined, in order.
fn generations(cluster: &Cluster, name: &str) -> Vec<i32> {
    cluster.background_consumers()[name]
        .consumer
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            ConsumerEvent::Joined { generation_id, .. } => Some(*generation_id),
            _ => None,
        })
        .collect()
}

/// KIP-345 static membership: a member with `group.instance.id` that restarts within
/// `session.timeout.ms` gets its old partitions back without a rebalance; a second consumer
/// with the same instance id fences the first (`FENCED_INSTANCE_ID`); a static member gone for
/// longer than its session timeout is removed and the group rebalances.
#[test]
fn a_static_member_restarts_without_a_rebalance() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 4 --replication-factor 3\n\
         consumer start c1 --group g --topic orders --instance-id i1\n\
         consumer start c2 --group g --topic orders --instance-id i2\n\
         time advance 10s\n",
    );
    let before = (owned(&cluster, "c1"), owned(&cluster, "c2"));
    assert_eq!(before.0.len() + before.1.len(), 4);
    let generation = cluster.background_consumers()["c2"]
        .consumer
        .membership
        .as_ref()
        .map(|m| m.generation_id);
    run_ok(&mut cluster, "consumer stop c1\ntime advance 10s\nconsumer start c1 --group g --topic orders --instance-id i1\ntime advance 5s\n");
    assert_eq!(owned(&cluster, "c1"), before.0, "the same partitions back");
    assert_eq!(owned(&cluster, "c2"), before.1);
    assert_eq!(generations(&cluster, "c2").len(), 1, "c2 never rejoined");
    assert_eq!(
        cluster.background_consumers()["c1"]
            .consumer
            .membership
            .as_ref()
            .map(|m| m.generation_id),
        generation,
        "no new generation"
    );
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.state.to_string(), "Stable");
    let instances: Vec<_> = description
        .members
        .iter()
        .map(|m| m.group_instance_id.clone())
        .collect();
    assert_eq!(instances, [Some("i1".to_string()), Some("i2".to_string())]);

    // A duplicate instance id takes over; the old holder is fenced at its next heartbeat.
    run_ok(
        &mut cluster,
        "consumer start c3 --group g --topic orders --instance-id i2\ntime advance 5s\n",
    );
    let c2 = &cluster.background_consumers()["c2"];
    assert_eq!(
        c2.consumer.fatal.as_ref().map(|e| e.code),
        Some(kafka_playground::engine::ErrorCode::FencedInstanceId)
    );
    assert!(c2.consumer.assignment.is_empty());
    assert_eq!(
        owned(&cluster, "c3"),
        before.1,
        "{:?}",
        cluster.background_consumers()["c3"].consumer.events
    );

    // Gone for longer than the session timeout: removed, and the group rebalances.
    run_ok(&mut cluster, "consumer kill c1\ntime advance 50s\n");
    assert_eq!(owned(&cluster, "c3").len(), 4);
}

/// KIP-848 (`group.protocol=consumer`): the broker assigns. A group scales from one member to
/// five and back, and a member crashes; at every step the group epoch, the target assignment
/// epoch and each member's epoch are checked, and no partition ever has two owners.
#[test]
fn a_consumer_protocol_group_scales_out_and_in() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 10 --replication-factor 3\n",
    );
    let names = ["m1", "m2", "m3", "m4", "m5"];
    let check_owners = |cluster: &Cluster| {
        let mut seen = std::collections::BTreeSet::new();
        for name in names {
            if let Some(c) = cluster.background_consumers().get(name) {
                for tp in &c.consumer.assignment {
                    assert!(seen.insert(tp.clone()), "{tp} owned twice");
                }
            }
        }
        seen.len()
    };
    let settle = |cluster: &mut Cluster| {
        for _ in 0..300 {
            cluster.advance_time(100);
            check_owners(cluster);
        }
    };
    for (i, name) in names.iter().enumerate() {
        run_ok(
            &mut cluster,
            &format!("consumer start {name} --group g --topic orders --protocol consumer\n"),
        );
        settle(&mut cluster);
        let description = cluster.describe_group("g").expect("describe");
        assert_eq!(description.group_type.to_string(), "Consumer");
        assert_eq!(description.state.to_string(), "Stable", "{description:?}");
        // Each join bumps the group epoch; the target follows it; every member catches up.
        assert_eq!(description.group_epoch, Some(i as i32 + 1));
        assert_eq!(description.target_assignment_epoch, Some(i as i32 + 1));
        assert!(
            description
                .members
                .iter()
                .all(|m| m.member_epoch == Some(i as i32 + 1)),
            "{description:?}"
        );
        assert_eq!(check_owners(&cluster), 10);
        let sizes: Vec<usize> = names[..=i]
            .iter()
            .map(|n| owned(&cluster, n).len())
            .collect();
        assert!(
            sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1,
            "{sizes:?}"
        );
    }
    // Scale in: members leave (epoch -1 heartbeats), the rest take their partitions.
    for name in ["m5", "m4", "m3"] {
        run_ok(&mut cluster, &format!("consumer stop {name}\n"));
        settle(&mut cluster);
        assert_eq!(check_owners(&cluster), 10);
    }
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.group_epoch, Some(8));
    assert_eq!(description.state.to_string(), "Stable");
    // A crash: the session timeout (45 s) removes the member and bumps the epoch.
    run_ok(&mut cluster, "consumer kill m2\n");
    cluster.advance_time(40_000);
    assert_eq!(
        cluster.describe_group("g").expect("describe").members.len(),
        2
    );
    settle(&mut cluster);
    let description = cluster.describe_group("g").expect("describe");
    assert_eq!(description.members.len(), 1);
    assert_eq!(description.group_epoch, Some(9));
    assert_eq!(owned(&cluster, "m1").len(), 10);
}

/// A KIP-848 group lives in `__consumer_offsets` as `ConsumerGroup*` records (group epoch,
/// member subscriptions, target assignment, current assignments): when its coordinator's broker
/// stops, the new coordinator loads it and the members go on at their epochs, owning what they
/// owned.
#[test]
fn a_consumer_protocol_group_survives_coordinator_failover() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 4 --replication-factor 3\n\
         consumer start a --group g --topic orders --protocol consumer\n\
         consumer start b --group g --topic orders --protocol consumer\n\
         time advance 20s\n",
    );
    let before = cluster.describe_group("g").expect("describe");
    assert_eq!(before.state.to_string(), "Stable");
    let owners = (owned(&cluster, "a"), owned(&cluster, "b"));
    let coordinator = cluster.find_coordinator("g").expect("coordinator");
    let dump = run_ok(
        &mut cluster,
        &format!(
            "kafka-dump-log.sh --offsets-decoder --files /tmp/kraft-combined-logs/broker-{coordinator}/__consumer_offsets-{}/00000000000000000000.log\n",
            kafka_playground::engine::group::records::partition_for("g", 50)
        ),
    )
    .stdout();
    for record_type in [
        "\"type\":\"3\"",
        "\"type\":\"5\"",
        "\"type\":\"6\"",
        "\"type\":\"7\"",
        "\"type\":\"8\"",
    ] {
        assert!(
            dump.contains(record_type),
            "{record_type} missing in\n{dump}"
        );
    }
    run_ok(
        &mut cluster,
        &format!("broker stop {coordinator}\ntime advance 20s\n"),
    );
    let after = cluster.describe_group("g").expect("describe");
    assert_ne!(after.coordinator, coordinator);
    assert_eq!(after.state.to_string(), "Stable");
    assert_eq!(after.group_epoch, before.group_epoch);
    assert_eq!((owned(&cluster, "a"), owned(&cluster, "b")), owners);
}

/// `fetch.min.bytes`: a fetch is held until that many bytes can be read or `fetch.max.wait.ms`
/// passes (the broker's `DelayedFetch`), so a consumer asking for a lot gets small data late.
#[test]
fn fetch_min_bytes_holds_small_fetches_for_fetch_max_wait() {
    use kafka_playground::engine::client::consumer::{AutoOffsetReset, Consumer, ConsumerConfig};
    let mut cluster = cluster_of(1);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --partitions 1\n",
    );
    produce_n(&mut cluster, "t", 3, false);
    let props = [("fetch.min.bytes", "100000"), ("fetch.max.wait.ms", "2000")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut config = ConsumerConfig {
        auto_offset_reset: AutoOffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    config.apply(&props).expect("configs");
    let mut consumer = Consumer::new(&cluster, config, vec!["t".to_string()]);
    let start = cluster.now().as_millis();
    let mut first_record_after = None;
    for _ in 0..300 {
        if !consumer.poll(&mut cluster).expect("poll").is_empty() {
            first_record_after = Some(cluster.now().as_millis() - start);
            break;
        }
        cluster.advance_time(10);
    }
    assert_eq!(first_record_after, Some(2_000));
}
