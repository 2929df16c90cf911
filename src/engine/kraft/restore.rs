//! The quorum started again from the nodes' log dirs: each node's `__cluster_metadata-0` loaded
//! and recovered like any log, its `quorum-state` read (`FileQuorumStateStore`), the metadata
//! image replayed from the logs, and each node's role as `QuorumState.initialize` gives it.
//!
//! Raft keeps no high watermark on disk: after a restart a node learns it from the leader of a
//! new epoch. What is known committed at start-up is the prefix that a majority of the voters
//! hold identically to the most up-to-date voter (highest last epoch, then end offset; the Log
//! Matching property makes "same epoch at the same offset" mean "same records before it"). Each
//! node replays that much into its image, as its `MetadataLoader` would once the leader tells
//! it. The controller's tables are the most up-to-date voter's whole log: Kafka's admin calls
//! return once the controller decided, and a leader's first commit in its epoch commits its
//! whole log (Raft §5.4.2), so that log's tail commits when its holder wins the election that
//! follows, and is written again by whichever voter wins instead (`take_over_as_controller`).
//! An image starts from the node's latest whole snapshot below where it replays to
//! (`engine::kraft::snapshot`) and replays the log after it.

use super::image::MetadataImage;
use super::snapshot::SnapshotState;
use super::{metadata_log, Quorum, QuorumNode, QuorumSettings, Role};
use crate::engine::cluster::Cluster;
use crate::engine::log::load::LoadRequest;
use crate::engine::log::PartitionLog;
use crate::engine::record::BatchHeader;
use crate::engine::rng::Rng;
use crate::storage::FileStore;
use std::collections::BTreeMap;

/// What `quorum-state` says (`ElectionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuorumStateFile {
    pub leader_id: Option<i32>,
    pub epoch: i32,
    pub voted_id: Option<i32>,
}

/// Reads `quorum-state`'s JSON (`QuorumStateData`): `leaderId`, `leaderEpoch` and `votedId`, -1
/// meaning none. `None` when a field is missing or not a number.
pub fn parse_quorum_state(text: &str) -> Option<QuorumStateFile> {
    let field = |name: &str| -> Option<i32> {
        let key = format!("\"{name}\":");
        let rest = text[text.find(&key)? + key.len()..].trim_start();
        let end = rest
            .find(|c: char| c != '-' && !c.is_ascii_digit())
            .unwrap_or(rest.len());
        rest[..end].parse().ok()
    };
    let known = |id: i32| (id >= 0).then_some(id);
    Some(QuorumStateFile {
        leader_id: known(field("leaderId")?),
        epoch: field("leaderEpoch")?.max(0),
        voted_id: known(field("votedId")?),
    })
}

/// One node's metadata log and quorum state as its log dir holds them.
#[derive(Debug)]
pub struct LoadedNode {
    pub log: PartitionLog,
    pub state: Option<QuorumStateFile>,
    /// The latest whole snapshot within the log: its end offset and image.
    pub snapshot: Option<(i64, MetadataImage)>,
}

impl LoadedNode {
    /// The last epoch in the log and the log end offset: how up-to-date a voter is.
    fn position(&self) -> (i32, i64) {
        let epoch = self.log.leader_epochs().latest_epoch().unwrap_or(-1);
        (epoch, self.log.log_end_offset())
    }
}

/// Loads `__cluster_metadata-0` from a node's log dir, or `None` when it has none. Its recovery
/// point is unknown (it is not in `recovery-point-offset-checkpoint`), so every batch is
/// revalidated and a torn or corrupt tail is cut with a `WARNING:` line, as any log's recovery.
pub fn load_node(
    store: &mut FileStore,
    log_dir: &str,
    now: i64,
    warnings: &mut Vec<String>,
) -> Option<LoadedNode> {
    let dir = metadata_log::dir();
    if !store.dirs().contains(&dir) {
        return None;
    }
    let request = LoadRequest {
        log_dir,
        topic: super::METADATA_TOPIC,
        partition: 0,
        config: metadata_log::config(),
        log_start_offset: None,
        high_watermark: None,
        now,
        had_clean_shutdown: false,
        recovery_point: 0,
    };
    // The metadata log has no segment jitter: nothing is drawn from any generator.
    let (mut log, report) = PartitionLog::load_recovering(store, request, &mut || 0, warnings);
    if report.bytes_truncated > 0 {
        // Recovery's own lines are INFO for a partition; for the log the cluster is rebuilt
        // from, what was lost is worth a warning.
        warnings.push(format!(
            "WARNING: {log_dir}/{dir}: log recovery truncated {} bytes of a torn or invalid batch; the metadata log ends at offset {}.",
            report.bytes_truncated,
            log.log_end_offset()
        ));
    }
    // The epochs from the batches themselves, so a lost or stale `leader-epoch-checkpoint`
    // cannot disagree with what recovery kept.
    log.set_loaded_leader_epochs(batch_epochs(&log, store));
    log.write_leader_epoch_checkpoint(store);
    let path = metadata_log::quorum_state_path();
    let state = store.contents(&path).and_then(|bytes| {
        let parsed = parse_quorum_state(&String::from_utf8_lossy(bytes));
        if parsed.is_none() {
            warnings.push(format!(
                "WARNING: {log_dir}/{path} cannot be read; the node starts unattached in the last epoch of its log."
            ));
        }
        parsed
    });
    // The latest snapshot the log reaches (one past a truncated end would need records this
    // node no longer has in the log; Kafka then fetches the leader's snapshot).
    let snapshot = super::snapshot::latest(store).and_then(|(end, _, path)| {
        let image = store.contents(&path).and_then(super::snapshot::decode);
        if image.is_none() {
            warnings.push(format!(
                "WARNING: {log_dir}/{path} is not a whole snapshot; it is ignored."
            ));
        }
        image
            .filter(|_| end <= log.log_end_offset())
            .map(|image| (end, image))
    });
    Some(LoadedNode {
        log,
        state,
        snapshot,
    })
}

/// Each epoch's first offset, from the batches' partition leader epochs.
fn batch_epochs(log: &PartitionLog, store: &FileStore) -> Vec<(i32, i64)> {
    let mut entries: Vec<(i32, i64)> = Vec::new();
    let (mut offset, end) = (log.log_start_offset(), log.log_end_offset());
    while offset < end {
        let Ok(fetched) = log.read(store, offset, 1 << 20, end) else {
            break;
        };
        let (bytes, before) = (&fetched.bytes, offset);
        let mut position = 0;
        while let Ok(header) = BatchHeader::parse(&bytes[position..]) {
            let size = usize::try_from(header.size_in_bytes()).unwrap_or(0);
            if size == 0 || position + size > bytes.len() {
                break;
            }
            let epoch = header.partition_leader_epoch;
            if entries.last().is_none_or(|&(last, _)| epoch > last) {
                entries.push((epoch, header.base_offset));
            }
            offset = header.next_offset();
            position += size;
        }
        if offset <= before {
            break;
        }
    }
    entries
}

/// How far two logs hold the same records: the entries of their epoch lists agree up to some
/// epoch, and that epoch's records agree up to where either log leaves it.
fn agreed_end(a: &LoadedNode, b: &LoadedNode) -> i64 {
    let (ea, eb) = (
        a.log.leader_epochs().entries(),
        b.log.leader_epochs().entries(),
    );
    let same = ea.iter().zip(eb).take_while(|(x, y)| x == y).count();
    if same == 0 {
        return 0;
    }
    let next = |entries: &[(i32, i64)], log: &PartitionLog| {
        entries
            .get(same)
            .map_or(log.log_end_offset(), |&(_, start)| start)
    };
    next(ea, &a.log).min(next(eb, &b.log))
}

/// The quorum's nodes as loaded, and what they say together.
#[derive(Debug)]
pub struct LoadedQuorum {
    pub nodes: BTreeMap<i32, LoadedNode>,
    /// The most up-to-date voter.
    pub reference: i32,
    /// Each node's known-committed offset (its high watermark at start-up).
    pub committed: BTreeMap<i32, i64>,
}

impl LoadedQuorum {
    /// `None` when no voter has a metadata log (a data dir from before it existed).
    pub fn settle(nodes: BTreeMap<i32, LoadedNode>, voters: &[i32]) -> Option<LoadedQuorum> {
        let reference = voters
            .iter()
            .filter_map(|v| nodes.get(v).map(|n| (n.position(), *v)))
            // Ties go to the lowest node id, so the choice never depends on map order.
            .max_by_key(|&(position, v)| (position, -v))?
            .1;
        let best = nodes.get(&reference)?;
        let agreed: BTreeMap<i32, i64> = nodes
            .iter()
            .map(|(&id, n)| (id, agreed_end(best, n)))
            .collect();
        let mut by_voter: Vec<i64> = voters
            .iter()
            .map(|v| agreed.get(v).copied().unwrap_or(0))
            .collect();
        by_voter.sort_unstable_by(|a, b| b.cmp(a));
        let majority = voters.len() / 2 + 1;
        let committed_end = by_voter.get(majority - 1).copied().unwrap_or(0);
        let committed = agreed
            .iter()
            .map(|(&id, &end)| (id, end.min(committed_end)))
            .collect();
        Some(LoadedQuorum {
            nodes,
            reference,
            committed,
        })
    }

    /// The image of the most up-to-date voter's whole log: the controller's tables.
    pub fn controller_image(&self, stores: &BTreeMap<i32, FileStore>) -> MetadataImage {
        let mut image = MetadataImage::default();
        if let (Some(n), Some(store)) =
            (self.nodes.get(&self.reference), stores.get(&self.reference))
        {
            replay(&mut image, n, store, n.log.log_end_offset());
        }
        image
    }
}

/// The image of `node`'s log up to `to`: from its latest snapshot when that lies below `to`.
fn replay(image: &mut MetadataImage, node: &LoadedNode, store: &FileStore, to: i64) {
    let mut from = 0;
    if let Some((end, snapshot)) = node.snapshot.as_ref().filter(|(end, _)| *end <= to) {
        image.clone_from(snapshot);
        from = *end;
    }
    for (offset, record) in metadata_log::read_records(&node.log, store, from, to) {
        image.replay(offset, &record);
    }
}

/// The seed of the quorum's own generator, apart from the cluster's.
pub(crate) fn quorum_seed(seed: u64) -> u64 {
    seed ^ 0x6b72_6166_745f_7175 // "kraft_qu"
}

impl Cluster {
    /// Starts the quorum from the loaded logs: every node is a process that just started. A
    /// voter that led its epoch comes back resigned in it and tells the others to elect
    /// (`QuorumState.initialize`); the others wait unattached for an election; observers look
    /// for the leader. `journaled` is the controller's tables, which came from these logs.
    pub(crate) fn resume_quorum(&mut self, loaded: LoadedQuorum, journaled: MetadataImage) {
        let now = self.now().as_millis();
        let voters: Vec<i32> = (1..=self.voter_count()).collect();
        let mut nodes = BTreeMap::new();
        let LoadedQuorum {
            nodes: mut loaded_nodes,
            committed,
            ..
        } = loaded;
        for id in 1..=self.options().brokers.max(1) {
            let Some(broker) = self.broker_mut(id) else {
                continue;
            };
            let store = &mut broker.store;
            let node = loaded_nodes.remove(&id).unwrap_or_else(|| LoadedNode {
                log: metadata_log::create(store, now),
                state: None,
                snapshot: None,
            });
            let high_watermark = committed.get(&id).copied().unwrap_or(0);
            let mut image = MetadataImage::default();
            replay(&mut image, &node, store, high_watermark);
            let log_epoch = node.log.leader_epochs().latest_epoch().unwrap_or(0);
            let state = node.state.unwrap_or(QuorumStateFile {
                leader_id: None,
                epoch: log_epoch,
                voted_id: None,
            });
            let quorum_node = QuorumNode {
                id,
                voter: voters.contains(&id),
                epoch: state.epoch.max(log_epoch),
                voted_id: state.voted_id.filter(|_| state.epoch >= log_epoch),
                leader_id: state.leader_id.filter(|_| state.epoch >= log_epoch),
                role: Role::Unattached,
                high_watermark,
                deadline_ms: 0,
                fetch_in_flight: None,
                log: node.log,
                snapshot: SnapshotState {
                    end_offset: node.snapshot.as_ref().map_or(0, |(end, _)| *end),
                    written_ms: now,
                    bytes_since: 0,
                },
                image,
                applied_offset: high_watermark,
            };
            nodes.insert(id, quorum_node);
        }
        *self.quorum_mut() = Quorum {
            settings: QuorumSettings::default(),
            voters: voters.clone(),
            nodes,
            journaled,
            dirty: false,
            rng: Rng::from_seed(quorum_seed(self.options().seed)),
        };
        let ids: Vec<i32> = self.quorum().nodes.keys().copied().collect();
        for id in &ids {
            // Registering counts as the first heartbeat (`BrokerHeartbeatManager.register`).
            self.controller_mut().last_heartbeat_ms.insert(*id, now);
        }
        for id in ids {
            self.write_quorum_state(id);
            self.restart_quorum_node(id);
        }
        // Each broker acts on the image its log gave it: replicas fetch from their leaders and
        // group coordinators load their `__consumer_offsets` partitions.
        self.sync_replication();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_state_is_read_as_kafka_writes_it() {
        let text = metadata_log::quorum_state_text(Some(2), 7, Some(3), &[1, 2, 3]);
        assert_eq!(
            parse_quorum_state(&text),
            Some(QuorumStateFile {
                leader_id: Some(2),
                epoch: 7,
                voted_id: Some(3)
            })
        );
        let none = metadata_log::quorum_state_text(None, 0, None, &[1]);
        assert_eq!(
            parse_quorum_state(&none),
            Some(QuorumStateFile {
                leader_id: None,
                epoch: 0,
                voted_id: None
            })
        );
        for cut in 0..text.len() {
            let _ = parse_quorum_state(&text[..cut]);
        }
        assert_eq!(parse_quorum_state("{\"leaderId\":x}"), None);
    }
}
