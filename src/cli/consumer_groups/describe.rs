//! `--list` and `--describe` (`--offsets`, `--members`, `--state`): what Kafka 4.1's
//! `ConsumerGroupService.listGroups`, `describeGroups`, `collectGroupsOffsets`,
//! `collectGroupsMembers`, `collectGroupsState` and `shouldPrintMemberState` do, on the engine's
//! admin calls.

use super::format::{self, MemberRow, PartitionRow, StateRow, MISSING};
use super::{args::Opts, push_text, Failure};
use crate::cli::java_order::{hash_map_order, string_hash};
use crate::cli::{Output, Stream};
use crate::engine::fetch::OffsetSpec;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::describe::{GroupDescription, GroupListing, GroupState, GroupType};
use crate::engine::sorting::{self, CollectBTree};
use crate::engine::{ApiError, Cluster};
use std::collections::{BTreeMap, BTreeSet};

/// The message of a `RuntimeException` wrapping the `ExecutionException` of a failed call.
pub(super) fn wrapped(error: &ApiError) -> Failure {
    Failure::Command(format!(
        "java.util.concurrent.ExecutionException: {}",
        error.as_exception()
    ))
}

/// `ListGroupsOptions.forConsumerGroups()`: classic and consumer groups whose protocol type is
/// `consumer` or empty (groups that only hold offsets).
fn consumer_groups(cluster: &mut Cluster) -> Result<Vec<GroupListing>, ApiError> {
    Ok(cluster
        .list_groups()?
        .into_iter()
        .filter(|l| l.protocol_type.is_empty() || l.protocol_type == "consumer")
        .collect())
}

/// `listConsumerGroups`: the ids (a failure is wrapped in a `RuntimeException`).
pub(super) fn list_consumer_groups(cluster: &mut Cluster) -> Result<Vec<String>, Failure> {
    consumer_groups(cluster)
        .map(|ls| ls.into_iter().map(|l| l.group_id).collect())
        .map_err(|e| wrapped(&e))
}

/// The groups the command names: `--all-groups`, or each `--group`.
pub(super) fn selected_groups(cluster: &mut Cluster, opts: &Opts) -> Result<Vec<String>, Failure> {
    if opts.has("all-groups") {
        list_consumer_groups(cluster)
    } else {
        Ok(opts.values("group"))
    }
}

const STATES: [GroupState; 7] = [
    GroupState::PreparingRebalance,
    GroupState::CompletingRebalance,
    GroupState::Stable,
    GroupState::Dead,
    GroupState::Empty,
    GroupState::Assigning,
    GroupState::Reconciling,
];

/// `groupStatesFromString`: states by name in any case. The valid states print in `GroupState`'s
/// declaration order (Kafka's `Set.of` iterates in an order that changes from run to run).
pub(super) fn parse_states(input: &str) -> Result<BTreeSet<GroupState>, Failure> {
    let mut states = BTreeSet::new();
    for name in input.split(',') {
        let name = name.trim();
        match STATES
            .into_iter()
            .find(|s| s.to_string().eq_ignore_ascii_case(name))
        {
            Some(state) => states.insert(state),
            None => {
                let valid: Vec<String> = STATES.iter().map(ToString::to_string).collect();
                return Err(Failure::Usage(format!(
                    "Invalid state list '{input}'. Valid states are: {}",
                    valid.join(", ")
                )));
            }
        };
    }
    Ok(states)
}

/// `consumerGroupTypesFromString`: `classic` and/or `consumer`, any case.
pub(super) fn parse_types(input: &str) -> Result<BTreeSet<GroupType>, Failure> {
    let mut types = BTreeSet::new();
    for name in input.to_lowercase().split(',') {
        match name.trim() {
            "classic" => types.insert(GroupType::Classic),
            "consumer" => types.insert(GroupType::Consumer),
            _ => {
                // The valid types come from a `HashSet` of their names.
                let valid = hash_map_order(vec!["Classic", "Consumer"], |s| string_hash(s));
                return Err(Failure::Usage(format!(
                    "Invalid types list '{input}'. Valid types are: {}",
                    valid.join(", ")
                )));
            }
        };
    }
    Ok(types)
}

/// `--list [--state [S,…]] [--type [T,…]]`.
pub(super) fn list(cluster: &mut Cluster, opts: &Opts, output: &mut Output) -> Result<(), Failure> {
    let include_type = opts.has("type");
    let include_state = opts.has("state");
    if !include_type && !include_state {
        for id in list_consumer_groups(cluster)? {
            output.out(id);
        }
        return Ok(());
    }
    let types = match opts.value("type").filter(|v| !v.is_empty()) {
        Some(v) => parse_types(v)?,
        None => BTreeSet::new(),
    };
    let states = match opts.value("state").filter(|v| !v.is_empty()) {
        Some(v) => parse_states(v)?,
        None => BTreeSet::new(),
    };
    let listings: Vec<GroupListing> = consumer_groups(cluster)
        .map_err(|e| Failure::Command(e.as_exception()))?
        .into_iter()
        .filter(|l| types.is_empty() || types.contains(&l.group_type))
        .filter(|l| states.is_empty() || states.contains(&l.state))
        .collect();
    push_text(
        output,
        Stream::Stdout,
        &format::group_info(&listings, include_type, include_state),
    );
    Ok(())
}

/// `shouldPrintMemberState`: the message for the group's state, and whether its table follows.
/// `None` rows: the group was not described at all.
pub(super) fn member_state(
    group: &str,
    state: GroupState,
    rows: usize,
    output: &mut Output,
) -> Result<bool, Failure> {
    match state {
        GroupState::Dead => push_text(
            output,
            Stream::Stdout,
            &format!("\nError: Consumer group '{group}' does not exist.\n"),
        ),
        GroupState::Empty => push_text(
            output,
            Stream::Stderr,
            &format!("\nConsumer group '{group}' has no active members.\n"),
        ),
        GroupState::PreparingRebalance
        | GroupState::CompletingRebalance
        | GroupState::Assigning
        | GroupState::Reconciling => push_text(
            output,
            Stream::Stderr,
            &format!("\nWarning: Consumer group '{group}' is rebalancing.\n"),
        ),
        GroupState::Stable => {}
        GroupState::Unknown => {
            return Err(Failure::Command(format!(
                "Expected a valid consumer group state, but found '{state}'."
            )))
        }
    }
    Ok(state != GroupState::Dead && rows > 0)
}

/// `--describe`: every group is described (and, for `--offsets`, its offsets fetched) before
/// anything is printed; groups print in id order (`TreeMap`).
pub(super) fn describe(
    cluster: &mut Cluster,
    opts: &Opts,
    output: &mut Output,
) -> Result<(), Failure> {
    let ids = selected_groups(cluster, opts)?;
    let mut groups: BTreeMap<String, GroupDescription> = BTreeMap::new();
    for id in ids {
        let description = cluster
            .describe_group(&id)
            .map_err(|e| Failure::Command(e.as_exception()))?;
        groups.insert(id, description);
    }
    let verbose = opts.has("verbose");
    if opts.has("members") {
        for (id, group) in &groups {
            let rows = member_rows(id, group);
            member_state(id, group.state, rows.len(), output)?;
            push_text(output, Stream::Stdout, &format::members(&rows, verbose));
        }
    } else if opts.has("state") {
        for (id, group) in &groups {
            if member_state(id, group.state, 1, output)? {
                let row = state_row(id, group);
                push_text(output, Stream::Stdout, &format::state(&row, verbose));
            }
        }
    } else {
        let mut tables = Vec::new();
        for (id, group) in &groups {
            tables.push((id, group.state, offset_rows(cluster, id, group)?));
        }
        for (id, state, rows) in tables {
            if member_state(id, state, rows.len(), output)? {
                push_text(output, Stream::Stdout, &format::offsets(&rows, verbose));
            }
        }
    }
    Ok(())
}

/// The coordinator as `printStates` shows its `Node`: `host:port  (id)`. The playground's
/// broker N listens on `localhost:909(1+N)` (node 1 on Kafka's default 9092).
pub(super) fn coordinator(node: i32) -> String {
    format!("localhost:{}  ({node})", 9091 + i64::from(node))
}

fn state_row(id: &str, group: &GroupDescription) -> StateRow {
    StateRow {
        group: id.to_string(),
        coordinator: coordinator(group.coordinator),
        assignment_strategy: group.partition_assignor.clone(),
        state: group.state,
        num_members: group.members.len(),
        group_epoch: group.group_epoch,
        target_assignment_epoch: group.target_assignment_epoch,
    }
}

/// `collectGroupsMembers`: one row per member, in the order described.
pub(super) fn member_rows(id: &str, group: &GroupDescription) -> Vec<MemberRow> {
    group
        .members
        .iter()
        .map(|m| MemberRow {
            group: id.to_string(),
            consumer_id: m.member_id.clone(),
            host: m.host.clone(),
            client_id: m.client_id.clone(),
            group_instance_id: m.group_instance_id.clone().unwrap_or_default(),
            num_partitions: m.assignment.len(),
            assignment: m.assignment.clone(),
            target_assignment: m.target_assignment.clone().unwrap_or_default(),
            current_epoch: m.member_epoch,
            target_epoch: group.target_assignment_epoch,
            upgraded: m.upgraded,
        })
        .collect()
}

/// `collectGroupsOffsets` for one group: the partitions of members holding some (most
/// partitions first), then the committed partitions nobody holds, with `-` for the member.
fn offset_rows(
    cluster: &mut Cluster,
    id: &str,
    group: &GroupDescription,
) -> Result<Vec<PartitionRow>, Failure> {
    let committed = cluster
        .fetch_committed_offsets(id)
        .map_err(|e| wrapped(&e))?;
    let committed: BTreeMap<TopicPartition, (i64, Option<i32>)> = committed
        .into_iter()
        .map(|(tp, c)| (tp, (c.offset, c.leader_epoch)))
        .collect_map();
    let mut members: Vec<_> = group
        .members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    sorting::sort_by_key(&mut members, |m| std::cmp::Reverse(m.assignment.len()));
    let mut assigned = BTreeSet::new();
    let mut rows = Vec::new();
    for m in members {
        assigned.extend(m.assignment.iter().cloned());
        let who = (m.member_id.as_str(), m.host.as_str(), m.client_id.as_str());
        rows.extend(partition_rows(cluster, id, &m.assignment, &committed, who));
    }
    let unassigned: Vec<TopicPartition> = committed
        .keys()
        .filter(|tp| !assigned.contains(*tp))
        .cloned()
        .collect();
    let nobody = (MISSING, MISSING, MISSING);
    rows.extend(partition_rows(cluster, id, &unassigned, &committed, nobody));
    Ok(rows)
}

/// `describePartitions`: a row per partition sorted by topic and partition; the log end offset
/// is `-` for a partition without a leader (KAFKA-19435), and a partition of a topic that no
/// longer exists is left out (KAFKA-17218).
pub(super) fn partition_rows(
    cluster: &Cluster,
    id: &str,
    partitions: &[TopicPartition],
    committed: &BTreeMap<TopicPartition, (i64, Option<i32>)>,
    (consumer, host, client): (&str, &str, &str),
) -> Vec<PartitionRow> {
    let mut rows: Vec<PartitionRow> = partitions
        .iter()
        .filter(|tp| cluster.topic(&tp.topic).is_some())
        .map(|tp| {
            let log_end_offset = cluster
                .list_offset(&tp.topic, tp.partition, OffsetSpec::Latest)
                .ok()
                .flatten()
                .map(|o| o.offset);
            let offset = committed.get(tp).map(|c| c.0);
            PartitionRow {
                group: id.to_string(),
                topic: Some(tp.topic.clone()),
                partition: Some(tp.partition),
                offset,
                lag: lag(offset, log_end_offset),
                consumer_id: Some(consumer.to_string()),
                host: Some(host.to_string()),
                client_id: Some(client.to_string()),
                log_end_offset,
                leader_epoch: committed.get(tp).and_then(|c| c.1),
            }
        })
        .collect();
    sorting::sort_by(&mut rows, |a, b| {
        (&a.topic, a.partition).cmp(&(&b.topic, b.partition))
    });
    rows
}

/// `getLag`: the log end offset minus the committed offset, when both are known.
pub(super) fn lag(offset: Option<i64>, log_end_offset: Option<i64>) -> Option<i64> {
    let offset = offset.filter(|o| *o != -1)?;
    log_end_offset.map(|end| end - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(state: GroupState, rows: usize) -> (Result<bool, String>, Vec<(Stream, String)>) {
        let mut output = Output::default();
        let shown = member_state("g", state, rows, &mut output).map_err(|f| match f {
            Failure::Command(m) | Failure::Usage(m) | Failure::Uncaught(m) => m,
        });
        (shown, output.lines)
    }

    #[test]
    fn should_print_member_state() {
        let out = |s: &str| (Stream::Stdout, s.to_string());
        let err = |s: &str| (Stream::Stderr, s.to_string());
        assert_eq!(
            said(GroupState::Dead, 0),
            (
                Ok(false),
                vec![out(""), out("Error: Consumer group 'g' does not exist.")]
            )
        );
        assert_eq!(
            said(GroupState::Empty, 2),
            (
                Ok(true),
                vec![err(""), err("Consumer group 'g' has no active members.")]
            )
        );
        assert_eq!(said(GroupState::Empty, 0).0, Ok(false));
        assert_eq!(
            said(GroupState::PreparingRebalance, 1),
            (
                Ok(true),
                vec![err(""), err("Warning: Consumer group 'g' is rebalancing.")]
            )
        );
        assert_eq!(said(GroupState::Stable, 1), (Ok(true), vec![]));
        assert_eq!(
            said(GroupState::Unknown, 1).0,
            Err("Expected a valid consumer group state, but found 'Unknown'.".to_string())
        );
    }

    #[test]
    fn states_and_types_parse_in_any_case() {
        let states = parse_states(" stable ,EMPTY").ok().unwrap();
        assert_eq!(
            states.into_iter().collect::<Vec<_>>(),
            [GroupState::Stable, GroupState::Empty]
        );
        assert!(parse_states("Unknown").is_err());
        let types = parse_types("Consumer,classic").ok().unwrap();
        assert_eq!(types.len(), 2);
    }

    #[test]
    fn lag_needs_both_offsets() {
        assert_eq!(lag(Some(3), Some(5)), Some(2));
        assert_eq!(lag(Some(-1), Some(5)), None);
        assert_eq!(lag(None, Some(5)), None);
        assert_eq!(lag(Some(3), None), None);
        assert_eq!(coordinator(2), "localhost:9093  (2)");
    }
}
