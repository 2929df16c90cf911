//! The scenarios of issue #5 as a user runs them, with `kplay`'s command language.

use super::*;

/// Kafka docs, "Replication": followers consume from the leader like consumers and apply the
/// records to their own logs; a record is committed when every ISR member has it.
#[test]
fn followers_copy_the_leader_and_the_high_watermark_follows() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replication-factor 3\n",
    );
    let (leader, isr) = leader_and_isr(&cluster, "t", 0);
    assert_eq!(isr.len(), 3);
    let leader = leader.expect("a leader");
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t <<EOF\na\nb\nc\nEOF\n",
    );
    // acks=all (the default) returned only once every ISR member had the records.
    assert_eq!(offsets(&cluster, leader, "t", 0), (3, 3));
    ok(&mut cluster, "time advance 1s\n");
    for broker in 1..=3 {
        assert_eq!(offsets(&cluster, broker, "t", 0), (3, 3), "broker {broker}");
    }
    assert_eq!(consume(&mut cluster, "t"), ["a", "b", "c"]);
    // Every replica's batches carry leader epoch 0, and its checkpoint says so.
    for broker in 1..=3 {
        let log = cluster
            .broker(broker)
            .and_then(|b| b.log("t", 0))
            .expect("log");
        assert_eq!(log.leader_epochs().entries(), &[(0, 0)]);
    }
}

/// KIP-631/`ReplicationControlManager`: a stopped broker leaves every ISR and its leaderships
/// move to the next in-sync replica in replica order, in a new leader epoch.
#[test]
fn controlled_shutdown_moves_leadership_and_shrinks_the_isr() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replication-factor 3\n",
    );
    let info = cluster.partition_info("t", 0).expect("p").clone();
    let old_leader = info.leader.expect("leader");
    let out = ok(&mut cluster, &format!("broker stop {old_leader}\n"));
    assert_eq!(
        out.stdout(),
        format!("Broker {old_leader} stopped (controlled shutdown).\n")
    );
    let after = cluster.partition_info("t", 0).expect("p").clone();
    let expected: Vec<i32> = info
        .replicas
        .iter()
        .copied()
        .filter(|&r| r != old_leader)
        .collect();
    assert_eq!(after.leader, Some(expected[0]));
    assert_eq!(after.isr, expected);
    assert_eq!(after.leader_epoch, 1);
    // The producer goes on with the new leader; the stopped broker comes back and catches up.
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t <<EOF\nx\nEOF\n",
    );
    ok(
        &mut cluster,
        &format!("broker start {old_leader}\ntime advance 5s\n"),
    );
    let back = cluster.partition_info("t", 0).expect("p").clone();
    assert_eq!(back.isr.len(), 3, "{back:?}");
    assert_eq!(offsets(&cluster, old_leader, "t", 0), (1, 1));
}

/// `broker.session.timeout.ms` (9 s): a killed leader is noticed only when its session
/// expires; then a follower from the ISR leads. (The leader here is broker 2, not the active
/// controller 1: killing the controller first costs an election, see the next test.)
#[test]
fn a_killed_leader_is_replaced_after_the_session_timeout() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 2:3:1\n",
    );
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t <<EOF\na\nEOF\n",
    );
    let leader = cluster
        .partition_info("t", 0)
        .and_then(|p| p.leader)
        .expect("leader");
    ok(&mut cluster, &format!("broker kill {leader}\n"));
    ok(&mut cluster, "time advance 8s\n");
    assert_eq!(
        cluster.partition_info("t", 0).and_then(|p| p.leader),
        Some(leader)
    );
    ok(&mut cluster, "time advance 4s\n");
    let info = cluster.partition_info("t", 0).expect("p").clone();
    assert_ne!(info.leader, Some(leader));
    assert!(!info.isr.contains(&leader));
    assert_eq!(consume(&mut cluster, "t"), ["a"]);
}

/// KIP-101/KIP-279 and the seed notes' acks=1 story: the leader acknowledges alone, dies before
/// its followers copied the record, a follower takes over, and when the old leader returns it
/// truncates the record away — acknowledged and lost.
#[test]
fn acks_1_loses_a_record_when_the_leader_dies_before_followers_copy_it() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replication-factor 3 --config flush.messages=1\n",
    );
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t <<EOF\nkept\nEOF\ntime advance 1s\n",
    );
    let leader = cluster
        .partition_info("t", 0)
        .and_then(|p| p.leader)
        .expect("leader");
    // Cut the leader off so the followers cannot fetch the next record.
    let others: Vec<i32> = (1..=3).filter(|&b| b != leader).collect();
    for &other in &others {
        ok(
            &mut cluster,
            &format!("network partition {leader} {other}\n"),
        );
    }
    let out = produce(&mut cluster, "t", "--producer-property acks=1 ", &["lost"]);
    assert!(!out.failed, "{}", out.stderr());
    assert_eq!(offsets(&cluster, leader, "t", 0).0, 2, "the leader has it");
    ok(
        &mut cluster,
        // The dead leader was also the active controller: the others elect a new one first
        // (KIP-595), which gives every broker a fresh session before it fences the dead one.
        &format!("broker kill {leader}\nnetwork heal\ntime advance 15s\n"),
    );
    let new_leader = cluster
        .partition_info("t", 0)
        .and_then(|p| p.leader)
        .expect("new leader");
    assert_ne!(new_leader, leader);
    ok(
        &mut cluster,
        &format!("broker start {leader}\ntime advance 5s\n"),
    );
    assert_eq!(
        offsets(&cluster, leader, "t", 0).0,
        1,
        "truncated to the new leader's log"
    );
    assert_eq!(consume(&mut cluster, "t"), ["kept"]);
    let truncated = cluster.drain_events().into_iter().any(|e| {
        matches!(e.kind, kafka_playground::engine::event::EventKind::ReplicaTruncated {
            broker, old_log_end_offset: 2, new_log_end_offset: 1, .. } if broker == leader)
    });
    assert!(truncated);
}

/// Kafka docs, `min.insync.replicas`: with RF=3, `min.insync.replicas=2` and acks=all, one
/// broker down is survived; with two down the producer gets NOT_ENOUGH_REPLICAS.
#[test]
fn min_insync_replicas_refuses_when_the_isr_is_too_small() {
    let mut cluster = cluster_of(3);
    ok(&mut cluster, "kafka-topics.sh --create --topic t --replication-factor 3 --config min.insync.replicas=2\n");
    let replicas = cluster.partition_info("t", 0).expect("p").replicas.clone();
    ok(&mut cluster, &format!("broker stop {}\n", replicas[2]));
    let out = produce(&mut cluster, "t", "", &["one-down"]);
    assert!(!out.failed, "{}", out.stderr());
    ok(&mut cluster, &format!("broker stop {}\n", replicas[1]));
    let out = produce(
        &mut cluster,
        "t",
        "--producer-property delivery.timeout.ms=5000 --producer-property request.timeout.ms=3000 ",
        &["two-down"],
    );
    // The console producer logs the failed send and exits 0, as Kafka's does.
    assert!(
        out.stderr()
            .contains("ERROR Error when sending message to topic t"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr()
            .contains("Expiring 1 record(s) for t-0:5000 ms has passed since batch creation"),
        "{}",
        out.stderr()
    );
    // acks=1 still works: only the leader must have it.
    let out = produce(
        &mut cluster,
        "t",
        "--producer-property acks=1 ",
        &["acks-1"],
    );
    assert!(!out.failed, "{}", out.stderr());
    let describe = ok(
        &mut cluster,
        "kafka-topics.sh --describe --topic t --under-min-isr-partitions\n",
    );
    assert_eq!(describe.stdout().lines().count(), 1);
}

/// Kafka 4.1's elections with Eligible Leader Replicas (KIP-966) and
/// `unclean.leader.election.enable`. With the only ISR member gone the ISR is empty and the ELR
/// remembers it: the partition has no leader (`Leader: none`) until that replica returns —
/// durability over availability. With unclean election on, an out-of-sync replica leads at
/// once and what only the old leader had is lost — availability over durability.
#[test]
fn unclean_leader_election_off_and_on() {
    for unclean in [false, true] {
        // Three nodes with the replicas on 2 and 3: node 1, the controller, stays up. Every
        // append is flushed, so a killed leader keeps its records on disk.
        let mut cluster = cluster_of(3);
        ok(
            &mut cluster,
            &format!("kafka-topics.sh --create --topic t --replica-assignment 2:3 --config unclean.leader.election.enable={unclean} --config flush.messages=1\n"),
        );
        ok(
            &mut cluster,
            "kafka-console-producer.sh --topic t <<EOF\nboth\nEOF\n",
        );
        ok(&mut cluster, "broker stop 3\n");
        ok(
            &mut cluster,
            "kafka-console-producer.sh --topic t <<EOF\nleader-only\nEOF\n",
        );
        ok(
            &mut cluster,
            "broker stop 2\nbroker start 3\ntime advance 3s\n",
        );
        let info = cluster.partition_info("t", 0).expect("p").clone();
        if unclean {
            assert_eq!(info.leader, Some(3), "{info:?}");
            assert_eq!(info.isr, vec![3]);
            assert_eq!(consume(&mut cluster, "t"), ["both"], "leader-only is lost");
        } else {
            assert_eq!(
                (info.leader, info.isr.clone(), info.elr.clone()),
                (None, vec![], vec![2]),
                "{info:?}"
            );
            let describe = ok(
                &mut cluster,
                "kafka-topics.sh --describe --topic t --unavailable-partitions\n",
            );
            assert!(
                describe
                    .stdout()
                    .contains("Leader: none\tReplicas: 2,3\tIsr: \tElr: 2\tLastKnownElr: 2\n"),
                "{}",
                describe.stdout()
            );
            // The ELR member returns and leads: nothing committed was lost.
            ok(&mut cluster, "broker start 2\ntime advance 3s\n");
            assert_eq!(
                cluster.partition_info("t", 0).and_then(|p| p.leader),
                Some(2)
            );
            assert_eq!(consume(&mut cluster, "t"), ["both", "leader-only"]);
        }
    }
}

/// KIP-966: a replica that comes back from an unclean shutdown leaves the ELR (it may have lost
/// records). Kafka 4.1's controller also remembers the leader a partition had when its ISR
/// became empty (LastKnownElr, `PartitionChangeBuilder.maybeUpdateLastKnownLeader`) and, with
/// ISR and ELR empty, elects that replica uncleanly as soon as it may lead again
/// (`canElectLastKnownLeader`, `useLastKnownLeaderInBalancedRecovery`; KAFKA-19522 in 4.1.0) —
/// without `unclean.leader.election.enable`.
#[test]
fn an_unclean_shutdown_leaves_the_elr_and_the_last_known_leader_recovers() {
    // Five nodes, the replicas on 4 and 5: the controller quorum (1, 2, 3) stays whole.
    let mut cluster = cluster_of(5);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 4:5 --config flush.messages=1\n",
    );
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t <<EOF\na\nEOF\nbroker stop 5\n",
    );
    ok(&mut cluster, "broker kill 4\ntime advance 10s\n");
    let info = cluster.partition_info("t", 0).expect("p").clone();
    assert_eq!(
        (
            info.leader,
            info.isr.clone(),
            info.elr.clone(),
            info.last_known_elr.clone()
        ),
        (None, vec![], vec![4], vec![4]),
        "{info:?}"
    );
    // 5 returns first: not in the ISR or ELR and not the last known leader, it may not lead.
    ok(&mut cluster, "broker start 5\ntime advance 5s\n");
    let info = cluster.partition_info("t", 0).expect("p").clone();
    assert_eq!(
        (info.leader, info.last_known_elr.clone()),
        (None, vec![4]),
        "{info:?}"
    );
    // 4 returns from its crash: out of the ELR, but the last known leader — it leads again.
    ok(&mut cluster, "broker start 4\ntime advance 5s\n");
    let info = cluster.partition_info("t", 0).expect("p").clone();
    assert_eq!(
        (info.leader, info.elr.clone(), info.last_known_elr.clone()),
        (Some(4), vec![], vec![]),
        "{info:?}"
    );
    assert_eq!(consume(&mut cluster, "t"), ["a"]);
}

/// `replica.lag.time.max.ms`: a follower cut off from its leader leaves the ISR after 30 s and
/// rejoins once it has caught up again.
#[test]
fn isr_shrinks_on_lag_and_expands_on_catch_up() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replication-factor 3\n",
    );
    let replicas = cluster.partition_info("t", 0).expect("p").replicas.clone();
    let (leader, lagging) = (replicas[0], replicas[2]);
    // A slow link, not a cut one: the follower still heartbeats to the controller, but its
    // fetches take longer than replica.socket.timeout.ms, so it never catches up.
    ok(
        &mut cluster,
        &format!("network delay {leader} {lagging} 40s\n"),
    );
    ok(
        &mut cluster,
        "kafka-console-producer.sh --topic t --producer-property acks=1 <<EOF\na\nEOF\n",
    );
    ok(&mut cluster, "time advance 20s\n");
    assert!(cluster
        .partition_info("t", 0)
        .expect("p")
        .isr
        .contains(&lagging));
    ok(&mut cluster, "time advance 30s\n");
    let isr = cluster.partition_info("t", 0).expect("p").isr.clone();
    assert!(!isr.contains(&lagging), "{isr:?}");
    let describe = ok(
        &mut cluster,
        "kafka-topics.sh --describe --topic t --under-replicated-partitions\n",
    );
    assert_eq!(describe.stdout().lines().count(), 1);
    ok(
        &mut cluster,
        // Messages keep their order on a link: what was sent during the delay arrives first.
        &format!("network delay {leader} {lagging} 0ms\ntime advance 45s\n"),
    );
    assert_eq!(cluster.partition_info("t", 0).expect("p").isr, replicas);
    assert_eq!(offsets(&cluster, lagging, "t", 0).0, 1);
}

/// KIP-98 and a network partition isolating the leader: node 1 leads but is cut off from 2 and
/// 3, which keep the controller quorum. Each try is appended by node 1 and times out
/// (`request.timeout.ms`); the producer retries against it until the controller fences it
/// (`broker.session.timeout.ms`) and a follower leads. An idempotent producer's retries are
/// answered as duplicates, so node 1 holds the record once; without idempotence every retry
/// appended it again. After the heal node 1 truncates its divergent tail (KIP-279) and the
/// partition holds the record exactly once.
#[test]
fn idempotent_retries_write_once() {
    for idempotent in [true, false] {
        let mut cluster = cluster_of(3);
        ok(
            &mut cluster,
            "kafka-topics.sh --create --topic t --replica-assignment 1:2:3\n",
        );
        ok(
            &mut cluster,
            "network partition 1 2\nnetwork partition 1 3\n",
        );
        let acks = if idempotent { "all" } else { "-1" };
        let out = produce(
            &mut cluster,
            "t",
            &format!(
                "--producer-property acks={acks} --producer-property enable.idempotence={idempotent} --producer-property request.timeout.ms=2000 "
            ),
            &["once"],
        );
        assert!(!out.stderr().contains("ERROR"), "{}", out.stderr());
        let written = offsets(&cluster, 1, "t", 0).0;
        if idempotent {
            assert_eq!(written, 1, "written once despite the retries");
            assert_eq!(consume(&mut cluster, "t"), ["once"]);
        } else {
            assert!(written > 1, "each retry appended it again: {written}");
        }
        ok(&mut cluster, "network heal\ntime advance 10s\n");
        assert_eq!(
            offsets(&cluster, 1, "t", 0),
            (1, 1),
            "node 1 truncated and caught up"
        );
        assert_eq!(consume(&mut cluster, "t"), ["once"]);
    }
}

/// The seed notes' "a service company or a financial institution": background producers at
/// 200 records/s, the leader killed without a flush. With acks=1 records the leader had
/// acknowledged alone are gone after the failover; with acks=all none are.
#[test]
fn background_producers_lose_acks_1_records_in_a_failover_and_no_acks_all_ones() {
    for acks in ["1", "all"] {
        let mut cluster = cluster_of(3);
        ok(
            &mut cluster,
            "kafka-topics.sh --create --topic t --replica-assignment 2:1:3 --config min.insync.replicas=2\n",
        );
        let started = ok(
            &mut cluster,
            &format!("producer start p --topic t --rate 200/s --acks {acks} --keys k{{n%5}}\n"),
        );
        assert!(
            started
                .stdout()
                .starts_with("Producer p started: 200 records/s to t"),
            "{}",
            started.stdout()
        );
        // Slow the followers' link so the leader is always ahead of them.
        ok(&mut cluster, "network delay 2 1 20ms\nnetwork delay 2 3 20ms\ntime advance 3s\nbroker kill 2\ntime advance 12s\nbroker start 2\ntime advance 5s\n");
        let lost = cluster.background_producers()["p"].lost_records(&cluster);
        let stopped = ok(&mut cluster, "producer stop p\n");
        assert!(
            stopped.stdout().starts_with("Producer p stopped: "),
            "{}",
            stopped.stdout()
        );
        if acks == "1" {
            assert!(
                !lost.is_empty(),
                "acks=1 must lose what only the dead leader had"
            );
        } else {
            assert!(lost.is_empty(), "acks=all lost {lost:?}");
        }
    }
}

/// A week of idle time on a replicated cluster (skipped in jumps, `replication::quiescence`)
/// leaves every follower in sync, and a crash during a long advance is still noticed within
/// `broker.session.timeout.ms`.
#[test]
fn long_idle_advances_keep_replicas_in_sync_and_notice_crashes() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --partitions 3 --replication-factor 3\nkafka-console-producer.sh --topic t <<EOF\na\nEOF\ntime advance 7d\n",
    );
    for p in 0..3 {
        let info = cluster.partition_info("t", p).expect("p").clone();
        assert_eq!(info.isr.len(), 3, "{info:?}");
        for broker in 1..=3 {
            let (end, hw) = offsets(&cluster, broker, "t", p);
            assert_eq!(end, hw, "broker {broker} t-{p}");
        }
    }
    let before = cluster.now().as_millis();
    ok(&mut cluster, "broker kill 3\ntime advance 1d\n");
    let fenced_at = cluster
        .drain_events()
        .into_iter()
        .find_map(|e| match e.kind {
            kafka_playground::engine::event::EventKind::BrokerFenced { broker: 3, .. } => {
                Some(e.at_ms)
            }
            _ => None,
        })
        .expect("broker 3 fenced");
    assert!(
        fenced_at - before <= 11_000,
        "fenced {} ms after the kill",
        fenced_at - before
    );
    // Eight days on, retention (7 days) has deleted the record on every replica still running.
    for broker in 1..=2 {
        let log = cluster
            .broker(broker)
            .and_then(|b| b.log("t", 0))
            .expect("log");
        assert_eq!(
            (log.log_start_offset(), log.log_end_offset()),
            (1, 1),
            "broker {broker}"
        );
    }
}

/// `kafka-leader-election.sh` (`LeaderElectionCommand`) and the controller's automatic balance
/// (`auto.leader.rebalance.enable`, every `leader.imbalance.check.interval.seconds` = 300 s): after
/// a failover the preferred replica leads again once it is back in the ISR.
#[test]
fn preferred_leader_election_by_command_and_by_the_controller() {
    let mut cluster = cluster_of(3);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 2:3:1,2:1:3\nbroker stop 2\nbroker start 2\ntime advance 5s\n",
    );
    for p in 0..2 {
        let info = cluster.partition_info("t", p).expect("p").clone();
        assert_ne!(info.leader, Some(2), "{info:?}");
        assert_eq!(info.isr.len(), 3, "{info:?}");
    }
    let elect =
        "kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred";
    let out = ok(&mut cluster, &format!("{elect} --topic t --partition 0\n"));
    assert_eq!(
        out.stdout(),
        "Successfully completed leader election (PREFERRED) for partitions t-0\n"
    );
    let out = ok(&mut cluster, &format!("{elect} --topic t --partition 0\n"));
    assert_eq!(
        out.stdout(),
        "Valid replica already elected for partitions t-0\n"
    );
    let out = run(
        &mut cluster,
        &format!("{elect} --topic nope --partition 0\n"),
    );
    assert!(out.failed);
    assert_eq!(
        out.stdout(),
        "Error completing leader election (PREFERRED) for partition: nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as nope\n"
    );
    assert_eq!(out.stderr(), "1 replica(s) could not be elected\n");
    let out = run(
        &mut cluster,
        "kafka-leader-election.sh --bootstrap-server x:9092 --election-type preferred\n",
    );
    assert_eq!(
        out.stderr(),
        "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file\n"
    );
    // Partition 1 is still led by another broker: the controller's balance moves it back.
    assert_ne!(
        cluster.partition_info("t", 1).and_then(|p| p.leader),
        Some(2)
    );
    ok(&mut cluster, "time advance 300s\n");
    assert_eq!(
        cluster.partition_info("t", 1).and_then(|p| p.leader),
        Some(2)
    );
    // Nothing left to elect: --all-topic-partitions leaves out what needs no election.
    let out = ok(&mut cluster, &format!("{elect} --all-topic-partitions\n"));
    assert_eq!(out.stdout(), "");
}

/// `--election-type unclean` elects a replica outside the ISR and ELR for a partition without a
/// leader (and only for one without).
#[test]
fn unclean_leader_election_by_command() {
    let mut cluster = cluster_of(5);
    ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --replica-assignment 4:5\nbroker stop 5\nbroker kill 4\ntime advance 10s\nbroker start 5\ntime advance 5s\n",
    );
    assert_eq!(cluster.partition_info("t", 0).and_then(|p| p.leader), None);
    let out = ok(
        &mut cluster,
        "kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type UNCLEAN --path-to-json-file /dev/stdin <<EOF\n{\"partitions\": [{\"topic\": \"t\", \"partition\": 0}]}\nEOF\n",
    );
    assert_eq!(
        out.stdout(),
        "Successfully completed leader election (UNCLEAN) for partitions t-0\n"
    );
    assert_eq!(
        cluster.partition_info("t", 0).and_then(|p| p.leader),
        Some(5)
    );
}
