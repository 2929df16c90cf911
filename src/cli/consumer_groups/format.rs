//! What `kafka-consumer-groups.sh` prints, as pure functions of the data it collected: the column
//! layouts of Kafka 4.1's `ConsumerGroupCommand` (`printGroupInfo`, `printOffsets`,
//! `printMembers`, `printStates`, `printOffsetsToReset`, `deleteOffsets`, `deleteGroups`), with
//! their widths computed from the data as Java's `printf("%-Ns")` pads them, and `-`
//! (`MISSING_COLUMN_VALUE`) for a missing value.
//!
//! The tool prints each table as `printf("\n" + format, …)` per line and a `println()` after
//! it, so every table starts with an empty line; the functions here return the text exactly,
//! and [`lines`] splits it into the lines an [`Output`](crate::cli::Output) holds.

use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::describe::{GroupListing, GroupState};
use crate::engine::sorting;
use std::collections::BTreeMap;

/// `ConsumerGroupCommand.MISSING_COLUMN_VALUE`.
pub const MISSING: &str = "-";

/// `text`, which ends in a newline, as lines.
pub fn lines(text: &str) -> Vec<String> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n').map(String::from).collect()
}

fn or_missing<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| MISSING.to_string(), T::to_string)
}

/// `%-Ns`: left-justified in at least `width` characters.
fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// `printGroupInfo` (`--list` with `--state` and/or `--type`): `GROUP` as wide as the longest id
/// (at least 15) plus 10, then `TYPE` and `STATE` in 20 each.
pub fn group_info(listings: &[GroupListing], include_type: bool, include_state: bool) -> String {
    let width = listings
        .iter()
        .map(|l| l.group_id.chars().count().max(15))
        .max()
        .unwrap_or(15)
        + 10;
    let row = |id: &str, kind: String, state: String| {
        let mut line = pad(id, width);
        if include_type {
            line.push(' ');
            line.push_str(&pad(&kind, 20));
        }
        if include_state {
            line.push(' ');
            line.push_str(&pad(&state, 20));
        }
        line + "\n"
    };
    let mut text = row("GROUP", "TYPE".into(), "STATE".into());
    for l in listings {
        text += &row(&l.group_id, l.group_type.to_string(), l.state.to_string());
    }
    text
}

/// `PartitionAssignmentState`: one row of `--describe --offsets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionRow {
    pub group: String,
    pub topic: Option<String>,
    pub partition: Option<i32>,
    pub offset: Option<i64>,
    pub lag: Option<i64>,
    pub consumer_id: Option<String>,
    pub host: Option<String>,
    pub client_id: Option<String>,
    pub log_end_offset: Option<i64>,
    pub leader_epoch: Option<i32>,
}

/// `printOffsets` for one group: GROUP, TOPIC, CONSUMER-ID and HOST as wide as their widest
/// value (at least 15); `--verbose` adds LEADER-EPOCH.
pub fn offsets(rows: &[PartitionRow], verbose: bool) -> String {
    let width = |f: &dyn Fn(&PartitionRow) -> String| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .fold(15, usize::max)
    };
    let group = width(&|r| r.group.clone());
    let topic = width(&|r| or_missing(&r.topic));
    let consumer = width(&|r| or_missing(&r.consumer_id));
    let host = width(&|r| or_missing(&r.host));
    let line = |cells: [&str; 10]| {
        let mut line = format!(
            "\n{} {} {}",
            pad(cells[0], group),
            pad(cells[1], topic),
            pad(cells[2], 10)
        );
        if verbose {
            line += &format!(" {}", pad(cells[3], 15));
        }
        line + &format!(
            " {} {} {} {} {} {}",
            pad(cells[4], 15),
            pad(cells[5], 15),
            pad(cells[6], 15),
            pad(cells[7], consumer),
            pad(cells[8], host),
            cells[9]
        )
    };
    let mut text = line([
        "GROUP",
        "TOPIC",
        "PARTITION",
        "LEADER-EPOCH",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ]);
    for r in rows {
        text += &line([
            &r.group,
            &or_missing(&r.topic),
            &or_missing(&r.partition),
            &or_missing(&r.leader_epoch),
            &or_missing(&r.offset),
            &or_missing(&r.log_end_offset),
            &or_missing(&r.lag),
            &or_missing(&r.consumer_id),
            &or_missing(&r.host),
            &or_missing(&r.client_id),
        ]);
    }
    text + "\n"
}

/// `MemberAssignmentState`: one row of `--describe --members`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub group: String,
    pub consumer_id: String,
    pub host: String,
    pub client_id: String,
    /// The static member id, or empty.
    pub group_instance_id: String,
    pub num_partitions: usize,
    pub assignment: Vec<TopicPartition>,
    pub target_assignment: Vec<TopicPartition>,
    pub current_epoch: Option<i32>,
    pub target_epoch: Option<i32>,
    pub upgraded: Option<bool>,
}

/// `getAssignmentString`: `t1:0,1;t2:3`, topics and partitions sorted; `-` when empty.
pub fn assignment_string(assignment: &[TopicPartition]) -> String {
    if assignment.is_empty() {
        return MISSING.to_string();
    }
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in assignment {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    let mut parts: Vec<String> = by_topic
        .into_iter()
        .map(|(topic, mut ids)| {
            sorting::sort(&mut ids);
            let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
            format!("{topic}:{}", ids.join(","))
        })
        .collect();
    sorting::sort(&mut parts);
    parts.join(";")
}

/// `printMembers` for one group. The header is printed even when the group does not exist
/// (`shouldPrintMemberState` only decides the widths), as Kafka does.
pub fn members(rows: &[MemberRow], verbose: bool) -> String {
    let w = |min: usize, f: &dyn Fn(&MemberRow) -> usize| rows.iter().map(f).fold(min, usize::max);
    let group = w(15, &|r| r.group.chars().count());
    let consumer = w(15, &|r| r.consumer_id.chars().count());
    let instance = w(17, &|r| r.group_instance_id.chars().count());
    let host = w(15, &|r| r.host.chars().count());
    let client = w(15, &|r| r.client_id.chars().count());
    let current = w(20, &|r| assignment_string(&r.assignment).chars().count());
    let target = w(20, &|r| {
        assignment_string(&r.target_assignment).chars().count()
    });
    let with_instance = rows.iter().any(|r| !r.group_instance_id.is_empty());
    let classic = rows.iter().any(|r| r.upgraded == Some(false));
    let upgraded = rows.iter().any(|r| r.upgraded == Some(true));
    let migration = classic && upgraded;
    let left = |cells: [&str; 6]| {
        let mut line = format!("{} {} ", pad(cells[0], group), pad(cells[1], consumer));
        if with_instance {
            line += &format!("{} ", pad(cells[2], instance));
        }
        line + &format!(
            "{} {} {} ",
            pad(cells[3], host),
            pad(cells[4], client),
            pad(cells[5], 15)
        )
    };
    let right = |cells: [&str; 5]| {
        let line = format!(
            "{} {} {} {}",
            pad(cells[0], 15),
            pad(cells[1], current),
            pad(cells[2], 15),
            pad(cells[3], target)
        );
        if migration {
            format!("{line} {}", cells[4])
        } else {
            line
        }
    };
    let mut text = "\n".to_string();
    text += &left([
        "GROUP",
        "CONSUMER-ID",
        "GROUP-INSTANCE-ID",
        "HOST",
        "CLIENT-ID",
        "#PARTITIONS",
    ]);
    if verbose {
        text += &right([
            "CURRENT-EPOCH",
            "CURRENT-ASSIGNMENT",
            "TARGET-EPOCH",
            "TARGET-ASSIGNMENT",
            "UPGRADED",
        ]);
    }
    text.push('\n');
    for r in rows {
        text += &left([
            &r.group,
            &r.consumer_id,
            &r.group_instance_id,
            &r.host,
            &r.client_id,
            &r.num_partitions.to_string(),
        ]);
        if verbose {
            text += &right([
                &or_missing(&r.current_epoch),
                &assignment_string(&r.assignment),
                &or_missing(&r.target_epoch),
                &assignment_string(&r.target_assignment),
                &or_missing(&r.upgraded),
            ]);
        }
        text.push('\n');
    }
    text
}

/// `GroupInformation`: the row of `--describe --state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    pub group: String,
    /// `host:port  (id)`, as `printStates` builds it from the coordinator `Node`.
    pub coordinator: String,
    pub assignment_strategy: String,
    pub state: GroupState,
    pub num_members: usize,
    pub group_epoch: Option<i32>,
    pub target_assignment_epoch: Option<i32>,
}

/// `printStates` for one group.
pub fn state(row: &StateRow, verbose: bool) -> String {
    let coordinator = row.coordinator.chars().count().max(25);
    let group = row.group.chars().count().max(15);
    let strategy = if row.assignment_strategy.is_empty() {
        MISSING.to_string()
    } else {
        row.assignment_strategy.clone()
    };
    let line = |cells: [&str; 7]| {
        let mut line = format!(
            "\n{} {} {} {}",
            pad(cells[0], group),
            pad(cells[1], coordinator),
            pad(cells[2], 20),
            pad(cells[3], 20)
        );
        if verbose {
            line += &format!(" {} {}", pad(cells[4], 15), pad(cells[5], 25));
        }
        line + " " + cells[6]
    };
    let header = line([
        "GROUP",
        "COORDINATOR (ID)",
        "ASSIGNMENT-STRATEGY",
        "STATE",
        "GROUP-EPOCH",
        "TARGET-ASSIGNMENT-EPOCH",
        "#MEMBERS",
    ]);
    let values = line([
        &row.group,
        &row.coordinator,
        &strategy,
        &row.state.to_string(),
        &or_missing(&row.group_epoch),
        &or_missing(&row.target_assignment_epoch),
        &row.num_members.to_string(),
    ]);
    header + &values + "\n"
}

/// `printOffsetsToReset`: the groups in the order given (the tool's `HashMap` order), the
/// header only when there is a group, and the closing `println()` always.
pub fn offsets_to_reset(groups: &[(String, Vec<(TopicPartition, i64)>)]) -> String {
    let line = |g: &str, t: &str, p: &str, o: &str| {
        format!(
            "\n{} {} {} {}",
            pad(g, 30),
            pad(t, 30),
            pad(p, 10),
            pad(o, 15)
        )
    };
    let mut text = String::new();
    if !groups.is_empty() {
        text += &line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
    }
    for (group, offsets) in groups {
        for (tp, offset) in offsets {
            text += &line(
                group,
                &tp.topic,
                &tp.partition.to_string(),
                &offset.to_string(),
            );
        }
    }
    text + "\n"
}

/// `exportOffsetsToCsv`: `topic,partition,offset` per partition, or with the group first when
/// more than one `--group` was given; `println` adds an empty line after the last record.
pub fn offsets_csv(groups: &[(String, Vec<(TopicPartition, i64)>)], single_group: bool) -> String {
    let mut text = String::new();
    for (group, offsets) in groups {
        for (tp, offset) in offsets {
            if !single_group {
                text += &format!("{group},");
            }
            text += &format!("{},{},{offset}\n", tp.topic, tp.partition);
        }
    }
    text + "\n"
}

/// The per-partition table of `--delete-offsets`: rows sorted by `topic + partition` as text;
/// partition -1 (a topic that could not be described) prints `-`.
pub fn delete_offsets(results: &[(TopicPartition, Option<String>)]) -> String {
    let topic = results
        .iter()
        .map(|(tp, _)| tp.topic.chars().count())
        .fold(15, usize::max);
    let line =
        |t: &str, p: &str, s: &str| format!("\n{} {} {}", pad(t, topic), pad(p, 10), pad(s, 15));
    let mut sorted: Vec<&(TopicPartition, Option<String>)> = results.iter().collect();
    sorting::sort_by_key(&mut sorted, |(tp, _)| {
        format!("{}{}", tp.topic, tp.partition)
    });
    let mut text = line("TOPIC", "PARTITION", "STATUS");
    for (tp, error) in sorted {
        let partition = if tp.partition >= 0 {
            tp.partition.to_string()
        } else {
            MISSING.to_string()
        };
        let status = match error {
            Some(message) => format!("Error: {message}"),
            None => "Successful".to_string(),
        };
        text += &line(&tp.topic, &partition, &status);
    }
    text + "\n"
}

/// `deleteGroups`' report: stdout lines. `succeeded` and `failed` in the tool's `HashMap`
/// order; each failure with its exception as `toString` prints it.
pub fn delete_groups(succeeded: &[String], failed: &[(String, String)]) -> String {
    let quoted = |ids: &[String]| {
        ids.iter()
            .map(|g| format!("'{g}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if failed.is_empty() {
        return format!(
            "Deletion of requested consumer groups ({}) was successful.\n",
            quoted(succeeded)
        );
    }
    let mut text = "\nError: Deletion of some consumer groups failed:\n".to_string();
    for (group, error) in failed {
        text += &format!("* Group '{group}' could not be deleted due to: {error}\n");
    }
    if !succeeded.is_empty() {
        text += &format!(
            "\nThese consumer groups were deleted successfully: {}\n",
            quoted(succeeded)
        );
    }
    text
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
