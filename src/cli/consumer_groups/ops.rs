//! `--reset-offsets`, `--delete-offsets`, `--delete` and `--validate-regex`: Kafka 4.1's
//! `ConsumerGroupService.resetOffsets`, `resetOffsetsForInactiveGroup`, `getPartitionsToReset`,
//! `deleteOffsets`, `deleteGroups` and `ConsumerGroupCommand.validateRegex`, on the engine's
//! admin calls.

use super::describe::{selected_groups, wrapped};
use super::format;
use super::reset::{self, LogOffsets, Scenario};
use super::{args, args::Opts, push_text, Failure};
use crate::cli::java_order::{hash_map_order, string_hash, topic_partition_hash};
use crate::cli::{Output, Stream};
use crate::engine::fetch::OffsetSpec;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::describe::GroupState;
use crate::engine::sorting::{self, CollectBTree};
use crate::engine::{ApiError, Cluster, ErrorCode};
use std::collections::BTreeMap;

/// The cluster's ListOffsets as a plan sees it.
struct ClusterOffsets<'a>(&'a Cluster);

impl ClusterOffsets<'_> {
    fn get(&self, tp: &TopicPartition, spec: OffsetSpec) -> Option<i64> {
        self.0
            .list_offset(&tp.topic, tp.partition, spec)
            .ok()
            .flatten()
            .map(|o| o.offset)
    }
}

impl LogOffsets for ClusterOffsets<'_> {
    fn earliest(&self, tp: &TopicPartition) -> Option<i64> {
        self.get(tp, OffsetSpec::Earliest)
    }
    fn latest(&self, tp: &TopicPartition) -> Option<i64> {
        self.get(tp, OffsetSpec::Latest)
    }
    fn for_timestamp(&self, tp: &TopicPartition, timestamp: i64) -> Option<i64> {
        self.get(tp, OffsetSpec::Timestamp(timestamp))
    }
}

/// Ids in the order a `HashMap<String, _>` keyed by them iterates.
fn by_string_hash<T>(mut items: Vec<(String, T)>) -> Vec<(String, T)> {
    sorting::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
    hash_map_order(items, |(id, _)| string_hash(id))
}

/// `--reset-offsets`: each group (in `HashMap` order) is reset when inactive (`Empty`, `Dead`
/// or unknown), refused otherwise; the table (or CSV with `--export`) prints at the end.
pub(super) fn reset_offsets(
    cluster: &mut Cluster,
    opts: &Opts,
    output: &mut Output,
) -> Result<(), Failure> {
    let ids = selected_groups(cluster, opts)?;
    let unique: Vec<(String, ())> = ids.into_iter().map(|id| (id, ())).collect();
    let mut results: Vec<(String, Vec<(TopicPartition, i64)>)> = Vec::new();
    for (id, ()) in by_string_hash(unique) {
        if results.iter().any(|(g, _)| *g == id) {
            continue;
        }
        let state = match cluster.describe_group(&id) {
            Ok(description) => description.state,
            Err(e) if e.code == ErrorCode::GroupIdNotFound => GroupState::Dead,
            Err(e) => return Err(wrapped(&e)),
        };
        let offsets = if matches!(state, GroupState::Empty | GroupState::Dead) {
            reset_inactive(cluster, opts, &id, output)?
        } else {
            push_text(output, Stream::Stdout, &format!("\nError: Assignments can only be reset if the group '{id}' is inactive, but the current state is {state}.\n"));
            Vec::new()
        };
        results.push((id, offsets));
    }
    let results = by_string_hash(results);
    let text = if opts.has("export") {
        format::offsets_csv(&results, opts.values("group").len() == 1)
    } else {
        format::offsets_to_reset(&results)
    };
    push_text(output, Stream::Stdout, &text);
    Ok(())
}

/// `resetOffsetsForInactiveGroup`: the scope, the plan, and with `--execute` the commit.
fn reset_inactive(
    cluster: &mut Cluster,
    opts: &Opts,
    id: &str,
    output: &mut Output,
) -> Result<Vec<(TopicPartition, i64)>, Failure> {
    let partitions = partitions_to_reset(cluster, opts, id)?;
    check_partitions(cluster, &partitions)?;
    let committed: BTreeMap<TopicPartition, i64> =
        if opts.has("all-topics") || opts.has("shift-by") || opts.has("to-current") {
            cluster
                .fetch_committed_offsets(id)
                .map_err(|e| wrapped(&e))?
                .into_iter()
                .map(|(tp, c)| (tp, c.offset))
                .collect_map()
        } else {
            BTreeMap::new()
        };
    let now = cluster.now().as_millis();
    let scenario = scenario(opts, now)?;
    let plan = reset::plan(scenario, &partitions, &committed, &ClusterOffsets(cluster))
        .map_err(Failure::Usage)?;
    for notice in &plan.notices {
        let (stdout, lines) = notice.lines(now);
        for line in lines {
            if stdout {
                output.out(line);
            } else {
                output.err(line);
            }
        }
    }
    let dry_run = opts.has("dry-run") || !opts.has("execute");
    if !dry_run {
        let offsets: BTreeMap<TopicPartition, i64> = plan.offsets.iter().cloned().collect_map();
        let results = cluster
            .alter_group_offsets(id, &offsets)
            .map_err(|e| Failure::Command(e.message().to_string()))?;
        let failed: Vec<(TopicPartition, ApiError)> = results
            .into_iter()
            .filter_map(|(tp, r)| r.err().map(|e| (tp, e)))
            .collect();
        if !failed.is_empty() {
            // `AlterConsumerGroupOffsetsResult.all()`: an exception naming every failed
            // partition (a list in `HashMap` order); the tool prints its message.
            let names: Vec<String> = reset_order(failed.iter().map(|(tp, _)| (tp.clone(), ())))
                .into_iter()
                .map(|(tp, ())| tp.to_string())
                .collect();
            return Err(Failure::Command(format!(
                "Failed altering consumer group offsets for the following partitions: [{}]",
                names.join(", ")
            )));
        }
    }
    Ok(plan.offsets)
}

fn reset_order<T>(items: impl Iterator<Item = (TopicPartition, T)>) -> Vec<(TopicPartition, T)> {
    let mut items: Vec<_> = items.collect();
    sorting::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
    hash_map_order(items, |(tp, _)| {
        topic_partition_hash(&tp.topic, tp.partition)
    })
}

/// `getPartitionsToReset`: `--all-topics` is every committed partition; `--topic t` every
/// partition of t and `--topic t:0,1` those.
fn partitions_to_reset(
    cluster: &mut Cluster,
    opts: &Opts,
    id: &str,
) -> Result<Vec<TopicPartition>, Failure> {
    if opts.has("all-topics") {
        let committed = cluster
            .fetch_committed_offsets(id)
            .map_err(|e| wrapped(&e))?;
        return Ok(committed.into_keys().collect());
    }
    if !opts.has("topic") {
        if opts.has("from-file") {
            return Ok(Vec::new());
        }
        return Err(Failure::Usage(
            "One of the reset scopes should be defined: --all-topics, --topic.".to_string(),
        ));
    }
    let mut specified = Vec::new();
    let mut whole = Vec::new();
    for arg in opts.values("topic") {
        if arg.contains(':') {
            specified.extend(reset::parse_topic_partitions(&arg).map_err(Failure::Usage)?);
        } else {
            whole.push(arg);
        }
    }
    for topic in whole {
        // `describeTopics(...).allTopicNames().get()`: an unknown topic fails the whole call.
        let info = cluster.topic(&topic).ok_or_else(|| {
            Failure::Command(
                ErrorCode::UnknownTopicOrPartition
                    .default_message()
                    .to_string(),
            )
        })?;
        specified.extend(
            info.partitions
                .iter()
                .map(|p| TopicPartition::new(topic.clone(), p.partition)),
        );
    }
    Ok(specified)
}

/// `checkAllTopicPartitionsValid`: every partition exists and has a leader.
fn check_partitions(cluster: &Cluster, partitions: &[TopicPartition]) -> Result<(), Failure> {
    let find = |tp: &TopicPartition| {
        cluster
            .topic(&tp.topic)
            .and_then(|t| t.partitions.iter().find(|p| p.partition == tp.partition))
    };
    let names = |f: &dyn Fn(&TopicPartition) -> bool| {
        partitions
            .iter()
            .filter(|tp| f(tp))
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let missing = names(&|tp| find(tp).is_none());
    if !missing.is_empty() {
        return Err(Failure::Command(format!(
            "The partitions \"{missing}\" do not exist"
        )));
    }
    let leaderless = names(&|tp| find(tp).is_some_and(|p| p.leader.is_none()));
    if !leaderless.is_empty() {
        return Err(Failure::Command(format!(
            "The partitions \"{leaderless}\" have no leader"
        )));
    }
    Ok(())
}

/// The scenario `prepareOffsetsToReset` picks, in its order; `--by-duration` counts back from
/// the simulated clock. `--from-file` reads a file, which the playground does not have.
fn scenario(opts: &Opts, now_ms: i64) -> Result<Scenario, Failure> {
    let long = |name: &str| opts.long(name).map_err(Failure::Command);
    if let Some(offset) = long("to-offset")? {
        return Ok(Scenario::ToOffset(offset));
    }
    if opts.has("to-earliest") {
        return Ok(Scenario::ToEarliest);
    }
    if opts.has("to-latest") {
        return Ok(Scenario::ToLatest);
    }
    if let Some(shift) = long("shift-by")? {
        return Ok(Scenario::ShiftBy(shift));
    }
    if let Some(text) = opts.value("to-datetime") {
        let at = reset::parse_datetime(text).map_err(Failure::Command)?;
        return Ok(Scenario::ToTimestamp(at));
    }
    if let Some(text) = opts.value("by-duration") {
        let duration = reset::parse_duration(text).map_err(Failure::Command)?;
        return Ok(Scenario::ToTimestamp(now_ms.saturating_sub(duration)));
    }
    if let Some(path) = opts.value("from-file") {
        return Err(Failure::Command(format!(
            "java.nio.file.NoSuchFileException: {path}"
        )));
    }
    if opts.has("to-current") {
        return Ok(Scenario::ToCurrent);
    }
    Err(Failure::Usage(args::missing_scenario()))
}

/// `--delete --group G… | --all-groups`.
pub(super) fn delete_groups(
    cluster: &mut Cluster,
    opts: &Opts,
    output: &mut Output,
) -> Result<(), Failure> {
    let ids = selected_groups(cluster, opts)?;
    let results = cluster.delete_groups(&ids);
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    for (id, result) in by_string_hash(results.into_iter().collect()) {
        match result {
            Ok(()) => succeeded.push(id),
            Err(e) => failed.push((id, e.as_exception())),
        }
    }
    push_text(
        output,
        Stream::Stdout,
        &format::delete_groups(&succeeded, &failed),
    );
    Ok(())
}

/// `--delete-offsets --group G --topic T[:P,…]…`.
pub(super) fn delete_offsets(
    cluster: &mut Cluster,
    opts: &Opts,
    output: &mut Output,
) -> Result<(), Failure> {
    // `valueOf(groupOpt)`: jopt-simple refuses to pick one of several.
    if opts.values("group").len() > 1 {
        return Err(Failure::Command(
            "Found multiple arguments for option group, but you asked for only one".to_string(),
        ));
    }
    let id = opts.value("group").unwrap_or_default().to_string();
    let mut results: Vec<(TopicPartition, Option<String>)> = Vec::new();
    let mut partitions: Vec<TopicPartition> = Vec::new();
    for arg in opts.values("topic") {
        if arg.contains(':') {
            partitions.extend(reset::parse_topic_partitions(&arg).map_err(Failure::Usage)?);
        } else if let Some(info) = cluster.topic(&arg) {
            partitions.extend(
                info.partitions
                    .iter()
                    .map(|p| TopicPartition::new(arg.clone(), p.partition)),
            );
        } else {
            let error = ApiError::bare(ErrorCode::UnknownTopicOrPartition);
            results.push((TopicPartition::new(arg, -1), Some(error.as_exception())));
        }
    }
    sorting::sort(&mut partitions);
    partitions.dedup();
    let top = match cluster.delete_group_offsets(&id, &partitions) {
        Ok(per_partition) => {
            let mut first = None;
            for tp in &partitions {
                let outcome = per_partition.get(tp).cloned().unwrap_or(Ok(()));
                if let Err(e) = &outcome {
                    first.get_or_insert(e.code);
                }
                results.push((tp.clone(), outcome.err().map(|e| e.as_exception())));
            }
            first
        }
        Err(e) => {
            for tp in &partitions {
                results.push((tp.clone(), Some(e.as_exception())));
            }
            Some(e.code)
        }
    };
    let head = match top {
        None => format!("Request succeeded for deleting offsets from group {id}.\n"),
        Some(
            code @ (ErrorCode::InvalidGroupId
            | ErrorCode::GroupIdNotFound
            | ErrorCode::NonEmptyGroup),
        ) => format!("\nError: {}\n", code.default_message()),
        // (and the authorization errors, which the playground never returns)
        Some(ErrorCode::GroupSubscribedToTopic | ErrorCode::UnknownTopicOrPartition) => {
            "\nError: Encountered some partition-level error, see the follow-up details.\n"
                .to_string()
        }
        Some(code) => format!("\nError: Encountered some unknown error: {}\n", code.name()),
    };
    push_text(output, Stream::Stdout, &head);
    push_text(output, Stream::Stdout, &format::delete_offsets(&results));
    Ok(())
}

/// `--validate-regex`: whether the consumer protocol (RE2J) would accept the pattern.
/// `regex-lite` stands in for RE2J; their syntax agrees for what topic names contain, and
/// the description of an error is RE2's for the common mistakes.
pub(super) fn validate_regex(opts: &Opts, output: &mut Output) {
    let regex = opts.value("validate-regex").unwrap_or_default();
    match regex_lite::Regex::new(regex) {
        Ok(_) => output.out(format!("The regular expression `{regex}` is valid.")),
        Err(e) => output.out(format!(
            "The regular expression `{regex}` is invalid: {}.",
            re2_description(&e.to_string())
        )),
    }
}

/// RE2's `ErrorCode` description for a `regex-lite` error.
fn re2_description(error: &str) -> &'static str {
    let table = [
        ("open group without closing", "missing closing )"),
        ("expected closing ')'", "missing closing )"),
        ("closing ')' without matching", "unexpected )"),
        ("no closing bracket", "missing closing ]"),
        ("unclosed character class", "missing closing ]"),
        (
            "repetition operator must be applied",
            "missing argument to repetition operator",
        ),
        ("counted repetition", "invalid repeat count"),
        ("range in character class", "invalid character class range"),
        ("ranges must start", "invalid character class range"),
        (
            "end of pattern before it finished",
            "trailing backslash at end of expression",
        ),
        ("escape", "invalid escape sequence"),
        ("group name", "invalid named capture"),
    ];
    table
        .iter()
        .find(|(needle, _)| error.contains(needle))
        .map_or("invalid or unsupported Perl syntax", |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::re2_description;

    #[test]
    fn regex_errors_read_as_re2_describes_them() {
        let describe =
            |p: &str| re2_description(&regex_lite::Regex::new(p).unwrap_err().to_string());
        assert_eq!(describe("a(b"), "missing closing )");
        assert_eq!(describe("a)b"), "unexpected )");
        assert_eq!(describe("[ab"), "missing closing ]");
        assert_eq!(describe("*a"), "missing argument to repetition operator");
        assert_eq!(describe("a{2,1}"), "invalid repeat count");
        assert_eq!(describe("[b-a]"), "invalid character class range");
        assert_eq!(describe("ab\\"), "trailing backslash at end of expression");
        assert_eq!(describe("(?=a)"), "invalid or unsupported Perl syntax");
    }
}
