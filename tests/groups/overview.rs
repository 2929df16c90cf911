//! `Cluster::group_overviews` (what the page's groups panel shows) against what
//! `kafka-consumer-groups.sh --describe` prints for the same cluster, so the panel and the tool
//! never disagree: states, coordinators, assignors, epochs, members, and per partition the
//! owner, committed offset, log end offset and lag.

use super::support::{produce_n, run_ok};
use super::*;
use kafka_playground::cli::run_script;
use kafka_playground::engine::group::describe::{GroupState, GroupType};
use kafka_playground::engine::group::overview::{GroupOverview, PartitionOverview};
use std::collections::BTreeSet;

const CG: &str =
    "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --all-groups";

/// Rows of the tool's tables: the whitespace-separated words of every line that is not blank
/// and not a header.
fn rows(cluster: &mut Cluster, options: &str) -> Vec<Vec<String>> {
    let output = run_script(cluster, &format!("{CG} {options}\n"));
    assert!(!output.failed, "{}", output.stderr());
    output
        .stdout()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("GROUP"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn dash<T: ToString>(value: Option<T>) -> String {
    value.map_or("-".to_string(), |v| v.to_string())
}

/// The overviews agree with `--describe --state --verbose`, `--members` and the offsets table.
fn assert_agrees_with_the_tool(cluster: &mut Cluster) -> Vec<GroupOverview> {
    // The tool's admin calls may create `__consumer_offsets` or step the cluster; the overview
    // is taken first, from a cluster nobody touched.
    let overviews = cluster.group_overviews();
    let states = rows(cluster, "--state --verbose");
    let mut expected = Vec::new();
    for o in &overviews {
        let at = o.coordinator.expect("coordinator");
        expected.push(vec![
            o.group_id.clone(),
            format!("localhost:{}", 9091 + at.broker),
            format!("({})", at.broker),
            if o.assignor.is_empty() {
                "-".to_string()
            } else {
                o.assignor.clone()
            },
            o.state.to_string(),
            dash(o.group_epoch),
            dash(o.target_assignment_epoch),
            o.members.len().to_string(),
        ]);
    }
    assert_eq!(states, expected, "--state --verbose");

    let members: BTreeSet<Vec<String>> = rows(cluster, "--members").into_iter().collect();
    let expected: BTreeSet<Vec<String>> = overviews
        .iter()
        .flat_map(|o| {
            o.members.iter().map(|m| {
                vec![
                    o.group_id.clone(),
                    m.member_id.clone(),
                    "/127.0.0.1".to_string(),
                    m.client_id.clone(),
                    m.assigned.len().to_string(),
                ]
            })
        })
        .collect();
    assert_eq!(members, expected, "--members");

    let offsets: BTreeSet<Vec<String>> = rows(cluster, "").into_iter().collect();
    let mut expected = BTreeSet::new();
    for o in &overviews {
        // While a classic group rebalances the tool shows no assignment (DescribeGroups gives
        // one only once `Stable`); the overview shows who still holds what.
        let described = o.group_type == GroupType::Consumer || o.state == GroupState::Stable;
        // A KIP-848 member's partitions pending revocation are not in its described assignment.
        let owner = |p: &PartitionOverview| {
            p.owner
                .clone()
                .filter(|_| described && p.revoking_from.is_none())
        };
        for p in o
            .partitions
            .iter()
            .filter(|p| owner(p).is_some() || p.committed.is_some())
        {
            let member = owner(p).and_then(|id| o.members.iter().find(|m| m.member_id == id));
            expected.insert(vec![
                o.group_id.clone(),
                p.partition.topic.clone(),
                p.partition.partition.to_string(),
                dash(p.committed),
                dash(p.log_end_offset),
                dash(p.lag),
                dash(member.map(|m| m.member_id.clone())),
                dash(member.map(|_| "/127.0.0.1")),
                dash(member.map(|m| m.client_id.clone())),
            ]);
        }
    }
    assert_eq!(
        offsets,
        expected,
        "offsets of {:#?}",
        overviews
            .iter()
            .map(|o| (
                &o.group_id,
                o.state,
                o.members
                    .iter()
                    .map(|m| (&m.client_id, m.state, m.assigned.len()))
                    .collect::<Vec<_>>()
            ))
            .collect::<Vec<_>>()
    );
    overviews
}

/// The page's three kinds of group side by side: a classic one with the eager range assignor,
/// a classic one with cooperative-sticky, a KIP-848 one; and one that only holds offsets.
#[test]
fn overviews_match_kafka_consumer_groups_describe() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3\n",
    );
    produce_n(&mut cluster, "orders", 60, true);
    run_ok(
        &mut cluster,
        "consumer start c1 --group eager --topic orders --from-beginning\n\
         consumer start c2 --group eager --topic orders --from-beginning\n\
         consumer start c3 --group coop --topic orders --assignor cooperative-sticky --from-beginning\n\
         consumer start c4 --group coop --topic orders --assignor cooperative-sticky --from-beginning\n\
         consumer start c5 --group kip848 --topic orders --protocol consumer --from-beginning\n\
         consumer start c6 --group kip848 --topic orders --protocol consumer --assignor uniform --from-beginning\n\
         kafka-console-consumer.sh --topic orders --group console --from-beginning --max-messages 7\n",
    );
    // Before any coordinator has heard of them, groups of our consumers are listed as unknown.
    let early = cluster.group_overviews();
    assert!(early.iter().any(|o| o.group_id == "kip848"));
    run_ok(&mut cluster, "time advance 20s\n");

    let overviews = assert_agrees_with_the_tool(&mut cluster);
    let ids: Vec<&str> = overviews.iter().map(|o| o.group_id.as_str()).collect();
    assert_eq!(ids, ["console", "coop", "eager", "kip848"]);
    let by_id = |id: &str| overviews.iter().find(|o| o.group_id == id).expect(id);

    let eager = by_id("eager");
    assert_eq!(
        (eager.group_type, eager.state),
        (GroupType::Classic, GroupState::Stable)
    );
    assert_eq!(eager.assignor, "range");
    assert!(eager.generation_id.is_some_and(|g| g >= 1));
    assert_eq!(eager.members.iter().filter(|m| m.leader).count(), 1);
    let names: BTreeSet<_> = eager
        .members
        .iter()
        .filter_map(|m| m.consumer_name.clone())
        .collect();
    assert_eq!(names, ["c1", "c2"].map(String::from).into_iter().collect());
    assert_eq!(eager.partitions.len(), 6);
    for p in &eager.partitions {
        assert!(p.owner.is_some(), "{p:?}");
        assert_eq!(p.lag, Some(0), "caught up: {p:?}");
        assert_eq!(p.time_lag_ms, Some(0));
        assert_eq!(p.position, p.log_end_offset, "our consumer's position");
    }
    assert_eq!(by_id("coop").assignor, "cooperative-sticky");

    let kip848 = by_id("kip848");
    assert_eq!(
        (kip848.group_type, kip848.state),
        (GroupType::Consumer, GroupState::Stable)
    );
    assert_eq!(kip848.assignor, "uniform");
    assert_eq!(kip848.group_epoch, kip848.target_assignment_epoch);
    assert!(kip848.members.iter().all(|m| m.protocol == "consumer"
        && m.state == "STABLE"
        && m.member_epoch == kip848.group_epoch));

    let console = by_id("console");
    assert_eq!(console.state, GroupState::Empty);
    assert!(console.members.is_empty());
    let committed: i64 = console.partitions.iter().filter_map(|p| p.committed).sum();
    assert_eq!(committed, 7, "it committed what it printed");
    assert!(console.total_lag() > 0);
    assert!(console
        .partitions
        .iter()
        .all(|p| p.owner.is_none() && p.position.is_none()));
}

/// A crashed member keeps its partitions until its session times out: what it owns builds lag,
/// and the tool and the overview still agree on it; then the group rebalances without it.
#[test]
fn a_killed_member_builds_lag_until_its_session_times_out() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3\n\
         consumer start c1 --group g --topic orders\n\
         consumer start c2 --group g --topic orders\n\
         time advance 10s\n",
    );
    // Both read and commit (auto-commit every 5 s); then c1 dies and records keep coming.
    produce_n(&mut cluster, "orders", 60, true);
    run_ok(&mut cluster, "time advance 6s\nconsumer kill c1\n");
    produce_n(&mut cluster, "orders", 60, true);
    run_ok(&mut cluster, "time advance 1s\n");
    let overviews = assert_agrees_with_the_tool(&mut cluster);
    let g = &overviews[0];
    assert_eq!(g.state, GroupState::Stable);
    assert_eq!(g.members.len(), 2);
    let killed = g
        .members
        .iter()
        .find(|m| m.client_id == "c1")
        .expect("c1 is still a member");
    assert_eq!(
        killed.consumer_name, None,
        "no background consumer is that member any more"
    );
    let lagging: Vec<_> = g
        .partitions
        .iter()
        .filter(|p| p.owner.as_ref() == Some(&killed.member_id))
        .collect();
    assert!(!lagging.is_empty());
    assert!(g.total_lag() > 0);
    let before = g.generation_id;

    // Classic `session.timeout.ms` is 45 s (KIP-735).
    run_ok(&mut cluster, "time advance 45s\n");
    let overviews = assert_agrees_with_the_tool(&mut cluster);
    assert!(overviews[0].rebalancing(), "c1 is gone: c2 must rejoin");
    run_ok(&mut cluster, "time advance 5s\n");
    let overviews = assert_agrees_with_the_tool(&mut cluster);
    let g = &overviews[0];
    assert_eq!(g.state, GroupState::Stable);
    assert_eq!(g.members.len(), 1);
    assert!(g.generation_id > before);
    assert!(g
        .partitions
        .iter()
        .all(|p| p.owner.as_ref() == Some(&g.members[0].member_id)));
}

/// While a classic eager group rebalances, its old member keeps its partitions until it hears of
/// the rebalance (from its next heartbeat) and the new one waits in JoinGroup; a KIP-848 group
/// moving partitions shows them on their way to the new member. No partition ever has two
/// owners.
#[test]
fn rebalances_show_partitions_moving() {
    let mut cluster = cluster_of(3);
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6 --replication-factor 3\n\
         consumer start c1 --group eager --topic orders\n\
         consumer start k1 --group kip --topic orders --protocol consumer\n\
         consumer start s1 --group coop --topic orders --assignor cooperative-sticky\n\
         time advance 10s\n\
         consumer start c2 --group eager --topic orders\n\
         consumer start k2 --group kip --topic orders --protocol consumer\n\
         consumer start s2 --group coop --topic orders --assignor cooperative-sticky\n",
    );
    let mut saw_joining = false;
    let mut saw_moving = false;
    for _ in 0..100 {
        run_ok(&mut cluster, "time advance 100ms\n");
        // At every step of the rebalances, the panel and the tool agree.
        for o in assert_agrees_with_the_tool(&mut cluster) {
            for m in &o.members {
                for tp in m.assigned.iter().chain(&m.pending_revocation) {
                    let owners = o.members.iter().filter(|n| n.assigned.contains(tp)).count();
                    assert!(owners <= 1, "{tp} owned twice in {}", o.group_id);
                }
            }
            if o.group_id == "eager" && o.state == GroupState::PreparingRebalance {
                let joining = o.members.iter().any(|m| m.state == "awaiting-join");
                let kept = o.partitions.iter().all(|p| p.owner.is_some());
                saw_joining |= joining && kept;
            }
            let moving = o
                .partitions
                .iter()
                .any(|p| p.revoking_from.is_some() || p.assigning_to.is_some());
            if o.group_id == "kip" && o.state == GroupState::Reconciling && moving {
                saw_moving = true;
            }
        }
    }
    assert!(
        saw_joining,
        "c2 waited in JoinGroup while c1 still held its partitions"
    );
    assert!(saw_moving, "the KIP-848 group moved partitions");
    let overviews = assert_agrees_with_the_tool(&mut cluster);
    assert_eq!(overviews.len(), 3);
    assert!(overviews
        .iter()
        .all(|o| o.state == GroupState::Stable && o.members.len() == 2));
}
