//! The text of `playground-metadata.properties`: what a restart needs that the KRaft metadata
//! log (`__cluster_metadata-0`, `engine::kraft`) does not hold, one record a line.
//!
//! ```text
//! # comments and blank lines are skipped
//! version=3
//! ClusterState clusterId=… brokers=3 seed=0 startTimeMs=1735689600000 nowMs=… rngState=h,h,h,h placerRandom=h
//! ProducerIdsRecord nextProducerId=0
//! BrokerConfig layer=static name=log.segment.bytes value=1048576
//! BrokerState nodeId=2 state=crashed
//! ```
//!
//! Since version 3 the file keeps only the playground's own state: the seed and its generator's
//! position, the simulated clock, the replica placer's generator, the next producer id (Kafka's
//! metadata log holds only the end of the last producer-id block; keeping the exact id makes a
//! script split over two runs hand out the ids it hands out in one), and the static broker
//! options (`server.properties`, `--override`), and which brokers are down (`broker stop` or
//! `broker kill`: a restart leaves them down until `broker start`, as a restarted machine does
//! not start a process someone stopped, and a crashed one recovers only when it starts). Topics, partitions, dynamic configs, broker
//! registrations and fencing are replayed from the metadata log on restart (`persist::tables`).
//!
//! Versions 1 and 2 held the controller's tables too — `TopicRecord`, `PartitionRecord`,
//! `ConfigRecord` lines and the `dynamic-default`/`dynamic-broker` `BrokerConfig` layers, named
//! after the KRaft records they stood in for — and are still read: a data dir of such a file is
//! migrated by starting its metadata log from them (`Cluster::restore`). A version 3 file with
//! such lines is refused (they belong in the log). A `ConfigRecord` of a `BROKER` held that
//! broker's own dynamic layer (`--entity-type brokers --entity-name N`).
//!
//! The first record is the version; a file from a newer version is refused before anything else
//! in it is read. Fields are `key=value`, separated by one space; in a value, `\` escapes a space
//! (`\s`), tab (`\t`), line feed (`\n`), carriage return (`\r`) and itself (`\\`). `rngState` is
//! the four 64-bit words of the generator in hex; `placerRandom` is the 48-bit state of the
//! replica placer's `java.util.Random` in hex (a version 1 file has none, and the placer starts
//! as a new cluster's would); `leader=-1` means no leader. Every check on reading gives a
//! [`PersistError`] naming the line: the file is small and written by the playground, so any
//! surprise in it is corruption.

use super::PersistError;
use crate::engine::cluster::{PartitionInfo, TopicInfo};
use crate::engine::config::BrokerConfigStore;
use crate::engine::ids::Uuid;
use crate::engine::replication::BrokerState;
use crate::engine::sorting;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The version this build writes and the newest it reads.
/// Version 2 added `placerRandom` and the partitions' `leaderEpoch` and `partitionEpoch`;
/// version 3 moved the controller's tables to the KRaft metadata log. Versions 1 and 2 are
/// still read.
pub const METADATA_VERSION: u32 = 3;

/// The first version whose tables are in the metadata log, not in this file.
pub const TABLES_IN_METADATA_LOG: u32 = 3;

/// Everything the metadata file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The version the file was written in (a new one is [`METADATA_VERSION`]).
    pub version: u32,
    pub cluster_id: Uuid,
    pub brokers: i32,
    pub seed: u64,
    pub start_time_ms: i64,
    pub now_ms: i64,
    pub rng_state: [u64; 4],
    /// The replica placer's `java.util.Random` state; `None` in a version 1 file.
    pub placer_random_state: Option<i64>,
    pub next_producer_id: i64,
    /// Only the static layer is written since version 3.
    pub broker_configs: BrokerConfigStore,
    /// Each broker's own dynamic layer, by node id (versions 1 and 2 only).
    pub broker_dynamic_configs: BTreeMap<i32, BTreeMap<String, String>>,
    /// Versions 1 and 2 only.
    pub topics: BTreeMap<String, TopicInfo>,
    /// Brokers not running, and how they went down (absent: running).
    pub down_brokers: BTreeMap<i32, BrokerState>,
}

fn layer_mut<'a>(
    store: &'a mut BrokerConfigStore,
    name: &str,
) -> Option<&'a mut BTreeMap<String, String>> {
    match name {
        "static" => Some(&mut store.static_configs),
        "dynamic-default" => Some(&mut store.dynamic_default),
        "dynamic-broker" => Some(&mut store.dynamic_broker),
        _ => None,
    }
}

impl Metadata {
    /// The file's text (version [`METADATA_VERSION`]: the tables are not written; they are in
    /// the metadata log).
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# Kafka Playground cluster state (docs/cli/data-dir.md), written by kplay --data-dir.\n\
             # Topics, partitions and dynamic configs are in each voter's __cluster_metadata-0; this\n\
             # file keeps what KRaft does not: the seed, the generators, the clock, static options.\n",
        );
        let _ = writeln!(text, "version={METADATA_VERSION}");
        let rng = self.rng_state.map(|w| format!("{w:016x}")).join(",");
        let placer = self
            .placer_random_state
            .map_or(String::new(), |state| format!(" placerRandom={state:012x}"));
        let _ = writeln!(
            text,
            "ClusterState clusterId={} brokers={} seed={} startTimeMs={} nowMs={} rngState={rng}{placer}",
            self.cluster_id, self.brokers, self.seed, self.start_time_ms, self.now_ms
        );
        let _ = writeln!(
            text,
            "ProducerIdsRecord nextProducerId={}",
            self.next_producer_id
        );
        for (key, value) in &self.broker_configs.static_configs {
            let (key, value) = (escape(key), escape(value));
            let _ = writeln!(text, "BrokerConfig layer=static name={key} value={value}");
        }
        for (node_id, state) in &self.down_brokers {
            let _ = writeln!(text, "BrokerState nodeId={node_id} state={}", state.name());
        }
        text
    }

    /// Reads the file's text.
    pub fn parse(text: &str) -> Result<Metadata, PersistError> {
        let mut lines = text
            .split('\n')
            .enumerate()
            .map(|(index, line)| (index + 1, line.strip_suffix('\r').unwrap_or(line)))
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
        let (number, first) = lines.next().ok_or(PersistError::MissingVersion)?;
        let version = first
            .strip_prefix("version=")
            .ok_or(PersistError::MissingVersion)?;
        let version: u32 = version
            .parse()
            .map_err(|_| corrupt(number, format!("'{version}' is not a version number")))?;
        if version > METADATA_VERSION {
            return Err(PersistError::NewerVersion {
                found: version,
                supported: METADATA_VERSION,
            });
        }
        if version == 0 {
            return Err(corrupt(number, "version 0 does not exist"));
        }
        let mut reader = Reader {
            version,
            ..Reader::default()
        };
        for (number, line) in lines {
            reader
                .record(line)
                .map_err(|message| corrupt(number, message))?;
        }
        reader.finish()
    }
}

fn corrupt(line: usize, message: impl Into<String>) -> PersistError {
    PersistError::Corrupt {
        line,
        message: message.into(),
    }
}

/// A value as written: `\`, space, tab, CR and LF escaped.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ' ' => out.push_str("\\s"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('\\') => '\\',
            Some('s') => ' ',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('r') => '\r',
            other => {
                let escape = other.map_or(String::new(), String::from);
                return Err(format!("unknown escape '\\{escape}' in '{value}'"));
            }
        });
    }
    Ok(out)
}

/// The `key=value` fields of one record; each must be taken once, and none may be left over.
struct Fields<'a> {
    record: &'a str,
    fields: BTreeMap<&'a str, String>,
}

impl<'a> Fields<'a> {
    fn parse(record: &'a str, words: std::str::Split<'a, char>) -> Result<Self, String> {
        let mut fields = BTreeMap::new();
        for word in words {
            let (key, value) = word
                .split_once('=')
                .ok_or_else(|| format!("{record}: '{word}' is not key=value"))?;
            if fields.insert(key, unescape(value)?).is_some() {
                return Err(format!("{record}: {key} appears twice"));
            }
        }
        Ok(Fields { record, fields })
    }

    fn text(&mut self, key: &str) -> Result<String, String> {
        self.fields
            .remove(key)
            .ok_or_else(|| format!("{} has no {key}", self.record))
    }

    /// A field that older versions of the file do not have.
    fn optional_text(&mut self, key: &str) -> Option<String> {
        self.fields.remove(key)
    }

    fn number<T: std::str::FromStr>(&mut self, key: &str) -> Result<T, String> {
        let text = self.text(key)?;
        text.parse()
            .map_err(|_| format!("{} {key}: '{text}' is not a number", self.record))
    }

    fn optional_number<T: std::str::FromStr>(&mut self, key: &str) -> Result<Option<T>, String> {
        if !self.fields.contains_key(key) {
            return Ok(None);
        }
        self.number(key).map(Some)
    }

    fn uuid(&mut self, key: &str) -> Result<Uuid, String> {
        let text = self.text(key)?;
        Uuid::parse(&text)
            .ok_or_else(|| format!("{} {key}: '{text}' is not a Kafka Uuid", self.record))
    }

    fn optional_ids(&mut self, key: &str) -> Result<Vec<i32>, String> {
        if !self.fields.contains_key(key) {
            return Ok(Vec::new());
        }
        self.ids(key)
    }

    fn ids(&mut self, key: &str) -> Result<Vec<i32>, String> {
        let text = self.text(key)?;
        if text.is_empty() {
            return Ok(Vec::new());
        }
        text.split(',')
            .map(|id| {
                id.parse().map_err(|_| {
                    format!("{} {key}: '{text}' is not a list of node ids", self.record)
                })
            })
            .collect()
    }

    fn done(self) -> Result<(), String> {
        match self.fields.keys().next() {
            Some(key) => Err(format!("{}: unknown field {key}", self.record)),
            None => Ok(()),
        }
    }
}

/// The `ClusterState` record: id, brokers, seed, start and current time, the generators.
type ClusterState = (Uuid, i32, u64, i64, i64, [u64; 4], Option<i64>);

/// What the records so far have said.
#[derive(Default)]
struct Reader {
    version: u32,
    cluster: Option<ClusterState>,
    next_producer_id: Option<i64>,
    broker_configs: BrokerConfigStore,
    broker_dynamic_configs: BTreeMap<i32, BTreeMap<String, String>>,
    topics: BTreeMap<String, TopicInfo>,
    names: BTreeMap<Uuid, String>,
    down_brokers: BTreeMap<i32, BrokerState>,
}

impl Reader {
    fn record(&mut self, line: &str) -> Result<(), String> {
        let mut words = line.split(' ');
        let record = words.next().unwrap_or_default();
        let mut fields = Fields::parse(record, words)?;
        let table = matches!(record, "TopicRecord" | "PartitionRecord" | "ConfigRecord")
            || (record == "BrokerConfig" && !line.contains(" layer=static "));
        if table && self.version >= TABLES_IN_METADATA_LOG {
            return Err(format!(
                "{record}: since version {TABLES_IN_METADATA_LOG} the controller's tables are in the KRaft metadata log (__cluster_metadata-0), not in this file"
            ));
        }
        match record {
            "ClusterState" => self.cluster_state(&mut fields)?,
            "ProducerIdsRecord" => self.next_producer_id = Some(fields.number("nextProducerId")?),
            "BrokerConfig" => {
                let name = fields.text("layer")?;
                let layer = layer_mut(&mut self.broker_configs, &name)
                    .ok_or_else(|| format!("BrokerConfig: unknown layer '{name}'"))?;
                layer.insert(fields.text("name")?, fields.text("value")?);
            }
            "BrokerState" => self.broker_state(&mut fields)?,
            "TopicRecord" => self.topic(&mut fields)?,
            "PartitionRecord" => self.partition(&mut fields)?,
            "ConfigRecord" => self.config(&mut fields)?,
            _ => return Err(format!("unknown record '{record}'")),
        }
        fields.done()
    }

    /// A broker that is down: `stopped` or `crashed` (a running one has no record).
    fn broker_state(&mut self, fields: &mut Fields<'_>) -> Result<(), String> {
        let node_id: i32 = fields.number("nodeId")?;
        let state = match fields.text("state")?.as_str() {
            "stopped" => BrokerState::Stopped,
            "crashed" => BrokerState::Crashed,
            other => {
                return Err(format!(
                    "BrokerState state: '{other}' is not stopped or crashed"
                ))
            }
        };
        if self.down_brokers.insert(node_id, state).is_some() {
            return Err(format!("a second BrokerState of broker {node_id}"));
        }
        Ok(())
    }

    fn cluster_state(&mut self, fields: &mut Fields<'_>) -> Result<(), String> {
        if self.cluster.is_some() {
            return Err("a second ClusterState".to_string());
        }
        let cluster_id = fields.uuid("clusterId")?;
        let brokers: i32 = fields.number("brokers")?;
        if !(1..=1000).contains(&brokers) {
            return Err(format!("ClusterState brokers: {brokers} is not 1 to 1000"));
        }
        let (seed, start, now) = (
            fields.number("seed")?,
            fields.number("startTimeMs")?,
            fields.number("nowMs")?,
        );
        let text = fields.text("rngState")?;
        let words: Vec<u64> = text
            .split(',')
            .map(|w| u64::from_str_radix(w, 16))
            .collect::<Result<_, _>>()
            .map_err(|_| format!("ClusterState rngState: '{text}' is not hex words"))?;
        let rng: [u64; 4] = words
            .try_into()
            .map_err(|_| "ClusterState rngState: needs four words".to_string())?;
        if rng == [0; 4] {
            return Err(
                "ClusterState rngState: an all-zero state generates only zeros".to_string(),
            );
        }
        let placer = match fields.optional_text("placerRandom") {
            None => None,
            Some(text) => Some(
                i64::from_str_radix(&text, 16)
                    .ok()
                    .filter(|state| (0..1 << 48).contains(state))
                    .ok_or_else(|| {
                        format!("ClusterState placerRandom: '{text}' is not a 48-bit hex state")
                    })?,
            ),
        };
        self.cluster = Some((cluster_id, brokers, seed, start, now, rng, placer));
        Ok(())
    }

    fn topic(&mut self, fields: &mut Fields<'_>) -> Result<(), String> {
        let name = fields.text("name")?;
        let id = fields.uuid("topicId")?;
        crate::engine::topic::validate_name(&name).map_err(|e| format!("TopicRecord: {e}"))?;
        if self.topics.contains_key(&name) || self.names.contains_key(&id) {
            return Err(format!("TopicRecord: topic {name} ({id}) appears twice"));
        }
        self.names.insert(id, name.clone());
        let topic = TopicInfo {
            name: name.clone(),
            id,
            partitions: Vec::new(),
            configs: BTreeMap::new(),
        };
        self.topics.insert(name, topic);
        Ok(())
    }

    fn topic_of(&mut self, record: &str, id: &Uuid) -> Result<&mut TopicInfo, String> {
        self.names
            .get(id)
            .and_then(|name| self.topics.get_mut(name))
            .ok_or_else(|| format!("{record}: no TopicRecord before it has id {id}"))
    }

    fn partition(&mut self, fields: &mut Fields<'_>) -> Result<(), String> {
        let id = fields.uuid("topicId")?;
        let partition: i32 = fields.number("partitionId")?;
        let replicas = fields.ids("replicas")?;
        let isr = fields.ids("isr")?;
        let leader: i32 = fields.number("leader")?;
        // Files from before replication (metadata version 1) have no epochs: 0.
        let leader_epoch: i32 = fields.optional_number("leaderEpoch")?.unwrap_or(0);
        let partition_epoch: i32 = fields.optional_number("partitionEpoch")?.unwrap_or(0);
        let elr = fields.optional_ids("elr")?;
        let last_known_elr = fields.optional_ids("lastKnownElr")?;
        let adding_replicas = fields.optional_ids("addingReplicas")?;
        let removing_replicas = fields.optional_ids("removingReplicas")?;
        let topic = self.topic_of("PartitionRecord", &id)?;
        if usize::try_from(partition).ok() != Some(topic.partitions.len()) {
            return Err(format!(
                "PartitionRecord: partition {partition} of {} is out of order (expected {})",
                topic.name,
                topic.partitions.len()
            ));
        }
        let mut sorted = replicas.clone();
        sorting::sort(&mut sorted);
        sorted.dedup();
        if replicas.is_empty() || sorted.len() != replicas.len() {
            return Err("PartitionRecord: replicas must be distinct and not empty".to_string());
        }
        if isr
            .iter()
            .chain(&adding_replicas)
            .chain(&removing_replicas)
            .any(|id| !replicas.contains(id))
            || (leader != -1 && !replicas.contains(&leader))
        {
            return Err(
                "PartitionRecord: the ISR, the leader and the adding and removing replicas must be among the replicas".to_string(),
            );
        }
        topic.partitions.push(PartitionInfo {
            partition,
            leader: (leader != -1).then_some(leader),
            replicas,
            isr,
            elr,
            last_known_elr,
            leader_epoch,
            partition_epoch,
            adding_replicas,
            removing_replicas,
        });
        Ok(())
    }

    fn config(&mut self, fields: &mut Fields<'_>) -> Result<(), String> {
        let resource_type = fields.text("resourceType")?;
        let name = fields.text("resourceName")?;
        let (key, value) = (fields.text("name")?, fields.text("value")?);
        if resource_type == "BROKER" {
            let node_id: i32 = name
                .parse()
                .map_err(|_| format!("ConfigRecord: '{name}' is not a node id"))?;
            let layer = self.broker_dynamic_configs.entry(node_id).or_default();
            layer.insert(key, value);
            return Ok(());
        }
        if resource_type != "TOPIC" {
            return Err(format!(
                "ConfigRecord: resourceType {resource_type} is not TOPIC or BROKER"
            ));
        }
        let topic = self
            .topics
            .get_mut(&name)
            .ok_or_else(|| format!("ConfigRecord: no TopicRecord before it names {name}"))?;
        topic.configs.insert(key, value);
        Ok(())
    }

    fn finish(self) -> Result<Metadata, PersistError> {
        let incomplete = |message: String| PersistError::Incomplete(message);
        let (cluster_id, brokers, seed, start_time_ms, now_ms, rng_state, placer_random_state) =
            self.cluster
                .ok_or_else(|| incomplete("there is no ClusterState record".to_string()))?;
        if let Some(node) = self
            .down_brokers
            .keys()
            .find(|n| !(1..=brokers).contains(*n))
        {
            return Err(incomplete(format!(
                "broker {node} is said to be down, but the cluster has brokers 1 to {brokers}"
            )));
        }
        if let Some(node) = self
            .broker_dynamic_configs
            .keys()
            .find(|n| !(1..=brokers).contains(*n))
        {
            return Err(incomplete(format!(
                "there are configs of broker {node}, but the cluster has brokers 1 to {brokers}"
            )));
        }
        for topic in self.topics.values() {
            if topic.partitions.is_empty() {
                return Err(incomplete(format!(
                    "topic {} has no PartitionRecord",
                    topic.name
                )));
            }
            let replicas = topic.partitions.iter().flat_map(|p| &p.replicas);
            if let Some(node) = replicas.copied().find(|n| !(1..=brokers).contains(n)) {
                return Err(incomplete(format!(
                    "topic {} has a replica on broker {node}, but the cluster has brokers 1 to {brokers}",
                    topic.name
                )));
            }
        }
        Ok(Metadata {
            version: self.version,
            cluster_id,
            brokers,
            seed,
            start_time_ms,
            now_ms,
            rng_state,
            placer_random_state,
            next_producer_id: self.next_producer_id.unwrap_or(0),
            broker_configs: self.broker_configs,
            broker_dynamic_configs: self.broker_dynamic_configs,
            topics: self.topics,
            down_brokers: self.down_brokers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version 2 file as the playground wrote it before the metadata log held the tables
    /// (`kplay --seed 11 --brokers 3`, two topics, two dynamic broker configs).
    const VERSION_2: &str =
        include_str!("../../../tests/fixtures/playground-metadata-v2.properties");

    fn sample() -> Metadata {
        let mut broker_configs = BrokerConfigStore::new();
        broker_configs
            .static_configs
            .insert("odd key".to_string(), "a\\b c\td\ne\r=".to_string());
        Metadata {
            version: METADATA_VERSION,
            cluster_id: Uuid::new(0x4000_0000_0000_0003, 0x8000_0000_0000_0004),
            brokers: 3,
            seed: u64::MAX,
            start_time_ms: 1_735_689_600_000,
            now_ms: 1_735_693_200_000,
            rng_state: [1, u64::MAX, 3, 4],
            placer_random_state: Some(0xFFFF_FFFF_FFFF),
            next_producer_id: 7,
            broker_configs,
            broker_dynamic_configs: BTreeMap::new(),
            topics: BTreeMap::new(),
            down_brokers: BTreeMap::from([(1, BrokerState::Stopped), (3, BrokerState::Crashed)]),
        }
    }

    #[test]
    fn round_trips_with_escapes() {
        let metadata = sample();
        let text = metadata.to_text();
        assert!(text
            .contains("BrokerConfig layer=static name=odd\\skey value=a\\\\b\\sc\\td\\ne\\r=\n"));
        assert!(text
            .contains("BrokerState nodeId=1 state=stopped\nBrokerState nodeId=3 state=crashed\n"));
        assert_eq!(Metadata::parse(&text), Ok(metadata));
        assert_eq!(Metadata::parse(&text.replace('\n', "\r\n")), Ok(sample()));
    }

    #[test]
    fn a_down_broker_is_stopped_or_crashed_once_and_one_of_the_cluster() {
        let text = sample().to_text();
        for (line, says) in [
            (
                "BrokerState nodeId=2 state=running",
                "'running' is not stopped or crashed",
            ),
            (
                "BrokerState nodeId=1 state=crashed",
                "a second BrokerState of broker 1",
            ),
            (
                "BrokerState nodeId=4 state=stopped",
                "broker 4 is said to be down",
            ),
        ] {
            let error = Metadata::parse(&format!("{text}{line}\n")).expect_err(line);
            assert!(error.to_string().contains(says), "{line}: {error}");
        }
    }

    #[test]
    fn the_tables_are_not_written_since_version_3() {
        let mut metadata = sample();
        metadata
            .broker_configs
            .dynamic_default
            .insert("log.retention.ms".to_string(), "5".to_string());
        let text = metadata.to_text();
        assert!(!text.contains("dynamic-default"), "{text}");
        for line in [
            "TopicRecord name=a topicId=QAAAAAAAAAGAAAAAAAAAAg",
            "BrokerConfig layer=dynamic-default name=a value=b",
            "ConfigRecord resourceType=BROKER resourceName=1 name=a value=b",
        ] {
            let error = Metadata::parse(&format!("{text}{line}\n")).expect_err(line);
            assert!(
                error.to_string().contains("__cluster_metadata-0"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_version_2_file_is_read_with_its_tables() {
        let old = Metadata::parse(VERSION_2).expect("a version 2 file");
        assert_eq!(old.version, 2);
        assert_eq!(old.brokers, 3);
        assert_eq!(
            old.topics.keys().collect::<Vec<_>>(),
            ["__consumer_offsets", "audit", "orders"]
        );
        assert_eq!(old.topics["orders"].partitions.len(), 3);
        assert_eq!(
            old.topics["orders"]
                .configs
                .get("retention.ms")
                .map(String::as_str),
            Some("86400000")
        );
        assert_eq!(
            old.broker_configs
                .dynamic_default
                .get("log.retention.ms")
                .map(String::as_str),
            Some("600000")
        );
        assert_eq!(old.broker_dynamic_configs[&2]["log.cleaner.threads"], "2");
        // Rewritten, it is a version 3 file without the tables.
        let text = old.to_text();
        let new = Metadata::parse(&text).expect("version 3");
        assert_eq!(new.version, METADATA_VERSION);
        assert!(new.topics.is_empty() && new.broker_dynamic_configs.is_empty());
        assert_eq!(
            (new.seed, new.now_ms, new.rng_state),
            (old.seed, old.now_ms, old.rng_state)
        );
    }

    #[test]
    fn a_version_1_file_has_no_placer_state() {
        let old = VERSION_2
            .replace("version=2", "version=1")
            .replace(" placerRandom=88c40a38ce57", "");
        let parsed = Metadata::parse(&old).expect("a version 1 file");
        assert_eq!(parsed.placer_random_state, None);
        assert_eq!(parsed.topics.len(), 3);
    }

    #[test]
    fn versions_and_corruption_are_errors_not_panics() {
        let text = sample().to_text();
        let newer = text.replace("version=3", "version=4\nSomethingNew x=y");
        assert_eq!(
            Metadata::parse(&newer),
            Err(PersistError::NewerVersion {
                found: 4,
                supported: 3
            })
        );
        assert_eq!(Metadata::parse(""), Err(PersistError::MissingVersion));
        assert_eq!(
            Metadata::parse("garbage"),
            Err(PersistError::MissingVersion)
        );
        let cases = [
            (&text, "nowMs=", "nowMs=x"),
            (&text, "ClusterState", "ClusterThing"),
            (&text, "value=a", "value=a extra=1"),
            (&text, "value=a", "value=\\q"),
            (&text, "rngState=", "rngState=zz,"),
            (&text, "placerRandom=", "placerRandom=1"),
            (&text, "placerRandom=ffffffffffff", "placerRandom=x"),
            (
                &text,
                "placerRandom=ffffffffffff",
                "placerRandom=1000000000000",
            ),
        ];
        let v2 = VERSION_2.to_string();
        let v2_cases = [
            (&v2, "leader=2 ", "leader=9 "),
            (&v2, "partitionId=0", "partitionId=1"),
            (&v2, "TopicRecord", "TopicThing"),
        ];
        for (text, from, to) in cases.into_iter().chain(v2_cases) {
            let broken = text.replacen(from, to, 1);
            let error = Metadata::parse(&broken).expect_err(to);
            assert!(
                matches!(error, PersistError::Corrupt { .. }),
                "{to}: {error}"
            );
        }
        for cut in 0..VERSION_2.len() {
            let _ = Metadata::parse(&VERSION_2[..cut]);
        }
        let no_state: String = text
            .lines()
            .filter(|l| !l.starts_with("ClusterState"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matches!(
            Metadata::parse(&no_state),
            Err(PersistError::Incomplete(_))
        ));
    }
}
