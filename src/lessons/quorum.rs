//! Checks over the KRaft controller quorum (the `quorum …` lines of [`super::check`]): what
//! `kafka-metadata-quorum.sh describe` shows — the leader, its epoch and high watermark, the
//! voters — and each node's own view — its role, epoch, known leader, high watermark and log end
//! offset of `__cluster_metadata-0`.
//!
//! ```text
//! quorum voters = 3                       quorum leader = 1     (none without a leader)
//! quorum epoch >= 2                       quorum high-watermark >= 9
//! quorum node 2 role = Follower           (Leader, Candidate, Prospective, Resigned, Unattached)
//! quorum node 2 epoch = 3                 quorum node 2 leader = 3
//! quorum node 2 high-watermark >= 9       quorum node 2 log-end-offset >= 9
//! ```
//! `quorum leader`, `epoch` and `high-watermark` read the leader's state, as `describe --status`
//! prints `LeaderId`, `LeaderEpoch` and `HighWatermark`; with no leader, `epoch` is the highest
//! epoch a node has reached (an election in progress) and `high-watermark` is unknown.

use super::check::Expected;
use crate::engine::Cluster;

/// What a `quorum …` check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum QuorumProperty {
    Voters,
    Leader,
    Epoch,
    HighWatermark,
    Node(i32, NodeProperty),
}

/// A quorum node's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeProperty {
    Role,
    Epoch,
    Leader,
    HighWatermark,
    LogEndOffset,
}

/// Reads the words after `quorum`: the property, and the words left (`OPERATOR VALUE`).
pub(super) fn parse<'a>(
    words: &'a [&'a str],
) -> Result<(QuorumProperty, &'a [&'a str]), &'static str> {
    Ok(match words {
        ["voters", rest @ ..] => (QuorumProperty::Voters, rest),
        ["leader", rest @ ..] => (QuorumProperty::Leader, rest),
        ["epoch", rest @ ..] => (QuorumProperty::Epoch, rest),
        ["high-watermark", rest @ ..] => (QuorumProperty::HighWatermark, rest),
        ["node", id, property, rest @ ..] => {
            let id = id
                .parse()
                .map_err(|_| "a quorum node is its node id, e.g. quorum node 2 role = Follower")?;
            let property =
                match *property {
                    "role" => NodeProperty::Role,
                    "epoch" => NodeProperty::Epoch,
                    "leader" => NodeProperty::Leader,
                    "high-watermark" => NodeProperty::HighWatermark,
                    "log-end-offset" => NodeProperty::LogEndOffset,
                    _ => return Err(
                        "a quorum node has role, epoch, leader, high-watermark or log-end-offset",
                    ),
                };
            (QuorumProperty::Node(id, property), rest)
        }
        ["node", ..] => {
            return Err("a quorum node is written quorum node ID PROPERTY, e.g. quorum node 2 role")
        }
        _ => {
            return Err("the quorum has voters, leader, epoch, high-watermark or node ID PROPERTY")
        }
    })
}

/// The value now; `None` when it is unknown (no leader, no such node).
pub(super) fn actual(cluster: &Cluster, property: &QuorumProperty) -> Option<Expected> {
    let quorum = cluster.quorum();
    let number = |n: i64| Some(Expected::Number(n));
    let leader_word = |leader: Option<i32>| match leader {
        Some(id) => Expected::Number(i64::from(id)),
        None => Expected::Word("none".to_string()),
    };
    match property {
        QuorumProperty::Voters => number(i64::try_from(quorum.voters.len()).unwrap_or(i64::MAX)),
        QuorumProperty::Leader => Some(leader_word(quorum.leader().map(|n| n.id))),
        QuorumProperty::Epoch => match quorum.leader() {
            Some(leader) => number(i64::from(leader.epoch)),
            None => number(i64::from(quorum.nodes.values().map(|n| n.epoch).max()?)),
        },
        QuorumProperty::HighWatermark => number(quorum.leader()?.high_watermark),
        QuorumProperty::Node(id, property) => {
            let node = quorum.node(*id)?;
            match property {
                NodeProperty::Role => Some(Expected::Word(node.role.name().to_string())),
                NodeProperty::Epoch => number(i64::from(node.epoch)),
                NodeProperty::Leader => Some(leader_word(node.leader_id)),
                NodeProperty::HighWatermark => number(node.high_watermark),
                NodeProperty::LogEndOffset => number(node.log.log_end_offset()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::run_script;
    use crate::engine::{Cluster, ClusterOptions};
    use crate::lessons::check::{Check, Evaluation};

    fn check(cluster: &Cluster, line: &str) -> Evaluation {
        Check::parse(line)
            .unwrap_or_else(|e| panic!("{e}"))
            .evaluate(cluster)
    }

    fn assert_hold(cluster: &Cluster, lines: &[&str]) {
        for line in lines {
            let found = check(cluster, line);
            assert!(found.holds, "{line}: now {}", found.actual);
        }
    }

    fn run(cluster: &mut Cluster, script: &str) {
        let output = run_script(cluster, script);
        assert!(!output.failed, "{script}: {}", output.stderr());
    }

    #[test]
    fn a_new_cluster_has_node_1_leading_epoch_1() {
        let cluster = Cluster::new(ClusterOptions::default());
        assert_hold(
            &cluster,
            &[
                "quorum voters = 3",
                "quorum leader = 1",
                "quorum leader != 2",
                "quorum epoch = 1",
                "quorum high-watermark >= 1",
                "quorum node 1 role = Leader",
                "quorum node 2 role = Follower",
                "quorum node 3 role != Candidate",
                "quorum node 2 epoch = 1",
                "quorum node 2 leader = 1",
                "quorum node 3 high-watermark >= 1",
                "quorum node 3 log-end-offset >= 1",
            ],
        );
        let found = check(&cluster, "quorum node 2 role = Leader");
        assert_eq!((found.holds, found.actual.as_str()), (false, "Follower"));
        let found = check(&cluster, "quorum node 9 role = Follower");
        assert_eq!((found.holds, found.actual.as_str()), (false, "unknown"));
    }

    #[test]
    fn killing_the_leader_elects_another_in_a_higher_epoch() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        run(&mut cluster, "broker kill 1\ntime advance 5s\n");
        assert_hold(
            &cluster,
            &[
                "quorum leader != 1",
                "quorum leader != none",
                "quorum epoch >= 2",
                "quorum epoch > 1",
                "quorum node 1 role = Unattached",
            ],
        );
        let leader = check(&cluster, "quorum leader = 0").actual;
        assert_eq!(check(&cluster, "controller active = 0").actual, leader);
        assert_hold(&cluster, &[&format!("quorum node {leader} role = Leader")]);
    }

    #[test]
    fn without_a_majority_there_is_no_leader_and_no_high_watermark() {
        let mut cluster = Cluster::new(ClusterOptions::default());
        run(
            &mut cluster,
            "broker kill 1\ntime advance 5s\nbroker kill 3\ntime advance 10s\n",
        );
        assert_hold(
            &cluster,
            &[
                "quorum leader = none",
                "quorum epoch >= 2",
                "quorum node 2 role = Prospective",
                "quorum node 2 epoch >= 2",
            ],
        );
        let found = check(&cluster, "quorum high-watermark >= 0");
        assert_eq!((found.holds, found.actual.as_str()), (false, "unknown"));
    }

    #[test]
    fn malformed_quorum_checks_say_what_is_wrong() {
        for (line, why) in [
            ("quorum mood = calm", "the quorum has voters, leader"),
            ("quorum node two role = Leader", "its node id"),
            ("quorum node 2 colour = red", "a quorum node has role"),
            ("quorum node", "quorum node ID PROPERTY"),
            ("quorum leader", "expected OPERATOR VALUE"),
            ("quorum epoch ~ 2", "the operator is one of"),
            ("quorum node 2 role > Leader", "only = and != compare words"),
        ] {
            let error = Check::parse(line).expect_err(line);
            assert!(error.contains(why), "{line}: {error}");
        }
    }
}
