//! The JSON `kafka-reassign-partitions.sh` reads and writes (`ReassignPartitionsCommand`'s
//! `parsePartitionReassignmentData`, `parseTopicsData`, `parseExecuteAssignmentArgs`,
//! `parseGenerateAssignmentArgs` and `formatAsReassignmentJson`), and where the JSON comes from:
//! the command's here-document, else (natively) the named file.

use super::super::json::decode::{field, int, mapping, object, string};
use super::super::json::Json;
use crate::engine::sorting;

/// An exception that ends the tool: its class and message (`main` prints `Error: <message>`).
pub type Failure = (&'static str, String);

const ADMIN_COMMAND_FAILED: &str = "org.apache.kafka.server.common.AdminCommandFailedException";
const ADMIN_OPERATION: &str = "org.apache.kafka.server.common.AdminOperationException";
const JSON_PARSE: &str = "com.fasterxml.jackson.core.JsonParseException";
const ANY_LOG_DIR: &str = "any";

/// One partition's target replicas, in the file's order.
pub type Target = ((String, i32), Vec<i32>);

/// `Utils.readFileAsString(path)`: the here-document when the line has one (the playground's
/// stand-in for a file, as `--reassignment-json-file /dev/stdin <<EOF`), else the file itself
/// natively; in the browser there are no files.
pub fn read_file(path: &str, input: Option<&str>) -> Result<String, Failure> {
    if let Some(text) = input {
        return Ok(text.to_string());
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text);
    }
    // NoSuchFileException's message is the path.
    Err(("java.nio.file.NoSuchFileException", path.to_string()))
}

/// `parsePartitionReassignmentData`: the partitions and their replicas (log dirs other than
/// `any` are refused: the playground has one log dir per broker).
pub fn parse_reassignment(text: &str) -> Result<Vec<Target>, Failure> {
    let js = Json::parse(text).ok_or_else(|| {
        (
            ADMIN_OPERATION,
            format!("{JSON_PARSE}: the input is not valid JSON"),
        )
    })?;
    object(&js)?;
    let version = js.get("version").map(int).transpose()?.unwrap_or(1);
    if version != 1 {
        return Err((
            ADMIN_OPERATION,
            format!("Not supported version field value {version}"),
        ));
    }
    let mut targets = Vec::new();
    let Some(list) = js.get("partitions") else {
        return Ok(targets);
    };
    for item in array(list)? {
        object(item)?;
        let topic = string(field(item, "topic")?)?;
        let partition = int(field(item, "partition")?)?;
        let replicas = array(field(item, "replicas")?)?
            .iter()
            .map(int)
            .collect::<Result<Vec<i32>, _>>()?;
        let log_dirs = match item.get("log_dirs") {
            Some(dirs) => array(dirs)?
                .iter()
                .map(string)
                .collect::<Result<Vec<String>, _>>()?,
            None => vec![ANY_LOG_DIR.to_string(); replicas.len()],
        };
        if log_dirs.len() != replicas.len() {
            return Err((
                ADMIN_COMMAND_FAILED,
                format!(
                    "Size of replicas list {} is different from size of log dirs list {} for partition {topic}-{partition}",
                    java_list(&replicas),
                    java_list(&log_dirs)
                ),
            ));
        }
        if let Some(dir) = log_dirs.iter().find(|d| *d != ANY_LOG_DIR) {
            // A departure: moving a replica between log dirs (KIP-113) needs more than one.
            return Err((
                ADMIN_COMMAND_FAILED,
                format!("The playground's brokers have one log dir each: log dir {dir} for partition {topic}-{partition} cannot be used (use \"any\")"),
            ));
        }
        targets.push(((topic, partition), replicas));
    }
    Ok(targets)
}

/// `parseExecuteAssignmentArgs`' checks: not empty, no empty replica list, no partition or
/// replica twice.
pub fn check_execute(targets: &[Target]) -> Result<(), Failure> {
    let failed = |message: String| Err((ADMIN_COMMAND_FAILED, message));
    if targets.is_empty() {
        return failed("Partition reassignment list cannot be empty".to_string());
    }
    if targets.iter().any(|(_, replicas)| replicas.is_empty()) {
        return failed("Partition replica list cannot be empty".to_string());
    }
    let keys: Vec<(String, i32)> = targets.iter().map(|(k, _)| k.clone()).collect();
    let twice = duplicates(&keys);
    if !twice.is_empty() {
        let names: Vec<String> = twice.iter().map(|(t, p)| format!("{t}-{p}")).collect();
        return failed(format!(
            "Partition reassignment contains duplicate topic partitions: {}",
            names.join(",")
        ));
    }
    let repeated: Vec<String> = targets
        .iter()
        .filter_map(|((topic, partition), replicas)| {
            let twice = duplicates(replicas);
            (!twice.is_empty()).then(|| {
                let ids: Vec<String> = twice.iter().map(i32::to_string).collect();
                format!(
                    "{topic}-{partition} contains multiple entries for {}",
                    ids.join(",")
                )
            })
        })
        .collect();
    if !repeated.is_empty() {
        return failed(format!(
            "Partition replica lists may not contain duplicate entries: {}",
            repeated.join(". ")
        ));
    }
    Ok(())
}

/// `parseGenerateAssignmentArgs`: the broker ids of `--broker-list` and the topics of
/// `--topics-to-move-json-file` (`{"topics": [{"topic": "t"}], "version": 1}`), no duplicates.
pub fn parse_generate(
    topics_json: &str,
    broker_list: &str,
) -> Result<(Vec<i32>, Vec<String>), Failure> {
    let mut brokers = Vec::new();
    for id in broker_list.split(',') {
        let parsed = id.parse::<i32>().map_err(|_| {
            (
                "java.lang.NumberFormatException",
                format!("For input string: \"{id}\""),
            )
        })?;
        brokers.push(parsed);
    }
    let twice = duplicates(&brokers);
    if !twice.is_empty() {
        return Err((
            ADMIN_COMMAND_FAILED,
            format!(
                "Broker list contains duplicate entries: {}",
                java_list(&twice)
            ),
        ));
    }
    let js = Json::parse(topics_json).ok_or_else(|| {
        (
            ADMIN_OPERATION,
            "The input string is not a valid JSON".to_string(),
        )
    })?;
    object(&js)?;
    let version = js.get("version").map(int).transpose()?.unwrap_or(1);
    if version != 1 {
        return Err((
            ADMIN_OPERATION,
            format!("Not supported version field value {version}"),
        ));
    }
    let mut topics = Vec::new();
    if let Some(list) = js.get("topics") {
        for item in array(list)? {
            object(item)?;
            topics.push(string(field(item, "topic")?)?);
        }
    }
    let twice = duplicates(&topics);
    if !twice.is_empty() {
        return Err((
            ADMIN_COMMAND_FAILED,
            format!(
                "List of topics to reassign contains duplicate entries: {}",
                java_list(&twice)
            ),
        ));
    }
    Ok((brokers, topics))
}

/// `formatAsReassignmentJson`: partitions sorted by topic and partition, every log dir `any`.
pub fn format_reassignment(assignment: &[((String, i32), Vec<i32>)]) -> String {
    let mut sorted = assignment.to_vec();
    sorting::sort(&mut sorted);
    let partitions = sorted
        .into_iter()
        .map(|((topic, partition), replicas)| {
            let dirs = vec![Json::String(ANY_LOG_DIR.to_string()); replicas.len()];
            Json::Object(vec![
                ("topic".to_string(), Json::String(topic)),
                ("partition".to_string(), Json::Number(partition.to_string())),
                (
                    "replicas".to_string(),
                    Json::Array(
                        replicas
                            .iter()
                            .map(|r| Json::Number(r.to_string()))
                            .collect(),
                    ),
                ),
                ("log_dirs".to_string(), Json::Array(dirs)),
            ])
        })
        .collect();
    Json::Object(vec![
        ("version".to_string(), Json::Number("1".to_string())),
        ("partitions".to_string(), Json::Array(partitions)),
    ])
    .to_text()
}

/// `ToolsUtils.duplicates`: the values that occur more than once, sorted.
fn duplicates<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut twice: Vec<T> = items
        .iter()
        .filter(|i| items.iter().filter(|j| j == i).count() > 1)
        .cloned()
        .collect();
    sorting::sort(&mut twice);
    twice.dedup();
    twice
}

/// Java's `List.toString`: `[a, b]`.
pub fn java_list<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().map(T::to_string).collect();
    format!("[{}]", shown.join(", "))
}

fn array(js: &Json) -> Result<&[Json], Failure> {
    match js {
        Json::Array(items) => Ok(items),
        other => Err(mapping(format!(
            "Expected JSON array, received {}",
            other.to_text()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_kafkas_format() {
        let text = r#"{"version":1,"partitions":[{"topic":"t","partition":1,"replicas":[2,3],"log_dirs":["any","any"]},{"topic":"t","partition":0,"replicas":[1,2]}]}"#;
        let targets = parse_reassignment(text).expect("parses");
        assert_eq!(
            targets,
            vec![
                (("t".to_string(), 1), vec![2, 3]),
                (("t".to_string(), 0), vec![1, 2])
            ]
        );
        assert_eq!(
            format_reassignment(&targets),
            r#"{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},{"topic":"t","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}"#
        );
    }

    #[test]
    fn refuses_what_the_tool_refuses() {
        let message = |targets: &[Target]| check_execute(targets).err().map(|e| e.1);
        let t = |p: i32, r: &[i32]| (("t".to_string(), p), r.to_vec());
        assert_eq!(
            message(&[]),
            Some("Partition reassignment list cannot be empty".to_string())
        );
        assert_eq!(
            message(&[t(0, &[])]),
            Some("Partition replica list cannot be empty".to_string())
        );
        assert_eq!(
            message(&[t(0, &[1]), t(0, &[2])]),
            Some("Partition reassignment contains duplicate topic partitions: t-0".to_string())
        );
        assert_eq!(
            message(&[t(0, &[1, 2, 1]), t(1, &[3, 3])]),
            Some("Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 1. t-1 contains multiple entries for 3".to_string())
        );
        assert_eq!(
            parse_generate(r#"{"topics":[{"topic":"a"},{"topic":"a"}]}"#, "1,2")
                .err()
                .map(|e| e.1),
            Some("List of topics to reassign contains duplicate entries: [a]".to_string())
        );
        assert_eq!(
            parse_generate("{}", "1,x").err().map(|e| e.1),
            Some("For input string: \"x\"".to_string())
        );
        assert_eq!(
            parse_generate("{}", "1,1").err().map(|e| e.1),
            Some("Broker list contains duplicate entries: [1]".to_string())
        );
    }
}
