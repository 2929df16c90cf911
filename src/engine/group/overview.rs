//! A read-only picture of every consumer group for the page's groups panel: state, generation
//! or epochs, coordinator, members and, per partition, owner, committed offset, log end offset,
//! lag and the position of our own background consumer.
//!
//! The admin calls (`describe_group`, `group_lag`) take `&mut Cluster` because they go through
//! the coordinator as requests (and may create `__consumer_offsets`); a panel that re-renders on
//! every tick must not change the cluster it looks at, so this reads the coordinators' state
//! directly. It mirrors what `kafka-consumer-groups.sh --describe` prints for a `Stable` or
//! `Empty` group (the tests compare the two); while a group rebalances it shows more than the
//! tool does — which partitions are being revoked and which are waiting to be assigned.

use super::assignor::TopicPartition;
use super::classic::{ClassicGroup, ClassicState};
use super::consumer_group::ConsumerGroup;
use super::coordinator::GroupEntry;
use super::describe::{GroupState, GroupType};
use super::records::{partition_for, ConsumerProtocolAssignment};
use crate::engine::cluster::Cluster;
use crate::engine::fetch::OffsetSpec;
use crate::engine::sorting::CollectBTree;
use crate::engine::topic::CONSUMER_OFFSETS;
use std::collections::{BTreeMap, BTreeSet};

/// The broker coordinating a group and the `__consumer_offsets` partition it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoordinatorOverview {
    pub broker: i32,
    pub partition: i32,
}

/// One member as the coordinator knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberOverview {
    pub member_id: String,
    pub client_id: String,
    pub group_instance_id: Option<String>,
    /// The protocol the member speaks: `classic` or `consumer` (KIP-848).
    pub protocol: &'static str,
    /// KIP-848: the member's epoch.
    pub member_epoch: Option<i32>,
    /// KIP-848: `STABLE`, `UNREVOKED_PARTITIONS`, `UNRELEASED_PARTITIONS`; classic: whether it
    /// waits for its JoinGroup or SyncGroup answer (`awaiting-join`, `awaiting-sync`) or is
    /// `stable`.
    pub state: &'static str,
    /// The partitions it holds now (classic: those of the current generation, once `Stable`).
    pub assigned: Vec<TopicPartition>,
    /// KIP-848: partitions it was asked to give up and has not yet.
    pub pending_revocation: Vec<TopicPartition>,
    /// KIP-848: partitions of its target assignment it does not hold yet (another member has
    /// not released them, or it has not acknowledged them).
    pub awaiting: Vec<TopicPartition>,
    /// The playground background consumer (`consumer start NAME`) this member is, if any.
    pub consumer_name: Option<String>,
    /// Whether it is the classic group's leader (the member that computes the assignment).
    pub leader: bool,
}

/// One partition of a group: who holds it and how far behind the group is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOverview {
    pub partition: TopicPartition,
    /// The member id holding it (as `--describe`'s CONSUMER-ID).
    pub owner: Option<String>,
    /// A rebalance takes it from this member (KIP-848 pending revocation; a classic eager
    /// rebalance, where the last generation's owner gave it up).
    pub revoking_from: Option<String>,
    /// A rebalance gives it to this member, which does not hold it yet (KIP-848).
    pub assigning_to: Option<String>,
    pub committed: Option<i64>,
    /// The high watermark (ListOffsets `LATEST`); `None` without a leader.
    pub log_end_offset: Option<i64>,
    /// `log_end_offset - committed`, as the tool's LAG.
    pub lag: Option<i64>,
    /// How old the first record not committed is, in ms of sim time (0 when caught up).
    pub time_lag_ms: Option<i64>,
    /// The next offset our background consumer holding it will read.
    pub position: Option<i64>,
}

/// One consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOverview {
    pub group_id: String,
    pub group_type: GroupType,
    /// `Unknown` for a group only our background consumers know (not yet at a coordinator).
    pub state: GroupState,
    /// Classic: the generation id.
    pub generation_id: Option<i32>,
    /// KIP-848: the group epoch and the target assignment's epoch.
    pub group_epoch: Option<i32>,
    pub target_assignment_epoch: Option<i32>,
    /// The assignor: the classic protocol name chosen (`range`, `cooperative-sticky`…) or the
    /// KIP-848 server assignor (`uniform`, `range`); empty when none.
    pub assignor: String,
    pub coordinator: Option<CoordinatorOverview>,
    pub members: Vec<MemberOverview>,
    pub partitions: Vec<PartitionOverview>,
}

impl GroupOverview {
    /// Whether the group is in the middle of a rebalance.
    pub fn rebalancing(&self) -> bool {
        matches!(
            self.state,
            GroupState::PreparingRebalance
                | GroupState::CompletingRebalance
                | GroupState::Assigning
                | GroupState::Reconciling
        )
    }

    /// The total lag over the partitions with a commit.
    pub fn total_lag(&self) -> i64 {
        self.partitions.iter().filter_map(|p| p.lag).sum()
    }
}

impl Cluster {
    /// Every consumer group, in group id order, without touching the cluster: the groups the
    /// running coordinators hold (consumer groups and groups that only hold offsets, as
    /// `kafka-consumer-groups.sh --list`), and the groups of background consumers that have not
    /// reached a coordinator yet.
    pub fn group_overviews(&self) -> Vec<GroupOverview> {
        let mut entries: BTreeMap<&str, (CoordinatorOverview, &GroupEntry)> = BTreeMap::new();
        for (&broker, coordinator) in &self.groups.coordinators {
            for (id, entry) in &coordinator.groups {
                if !self.coordinates(broker, id, entry) {
                    continue;
                }
                let at = CoordinatorOverview {
                    broker,
                    partition: entry.partition,
                };
                entries.insert(id.as_str(), (at, entry));
            }
        }
        let mut overviews: BTreeMap<String, GroupOverview> = BTreeMap::new();
        for (id, (at, entry)) in entries {
            if is_consumer_group(entry) {
                overviews.insert(id.to_string(), self.overview_of(id, at, entry));
            }
        }
        for background in self.background_consumers().values() {
            if let Some(id) = &background.spec.config.group_id {
                if !overviews.contains_key(id) {
                    overviews.insert(id.clone(), self.unknown_group(id.clone()));
                }
            }
        }
        overviews.into_values().collect()
    }

    /// Whether `broker`'s copy of group `id` is the live one: the broker runs and leads the
    /// group's `__consumer_offsets` partition at the epoch it loaded it at.
    fn coordinates(&self, broker: i32, id: &str, entry: &GroupEntry) -> bool {
        let Some(topic) = self.topic(CONSUMER_OFFSETS) else {
            return false;
        };
        let partition = partition_for(id, topic.partitions.len() as i32);
        let info = self.partition_info(CONSUMER_OFFSETS, partition);
        let loaded = self
            .groups
            .coordinators
            .get(&broker)
            .and_then(|c| c.loaded.get(&partition));
        partition == entry.partition
            && self.broker(broker).is_some_and(|b| b.is_running())
            && info.and_then(|p| p.leader) == Some(broker)
            && loaded == info.map(|p| &p.leader_epoch)
    }

    fn overview_of(&self, id: &str, at: CoordinatorOverview, entry: &GroupEntry) -> GroupOverview {
        let mut overview = match &entry.consumer {
            Some(group) => consumer_overview(group),
            None => classic_overview(&entry.group),
        };
        overview.coordinator = Some(at);
        self.name_members(id, &mut overview.members);
        let subscribed = match &entry.consumer {
            Some(group) => group.subscribed_topics(),
            None => entry.group.subscribed_topics(),
        };
        let committed: BTreeMap<TopicPartition, i64> = entry
            .offsets
            .iter()
            .map(|(tp, c)| (tp.clone(), c.offset))
            .collect_map();
        overview.partitions = self.partition_overviews(id, &overview, &subscribed, &committed);
        if entry.consumer.is_none() && !entry.group.is(ClassicState::Stable) {
            self.mark_eager_revocations(id, &entry.group, &mut overview.partitions);
        }
        overview
    }

    /// A group only our background consumers know so far (they are looking for its
    /// coordinator, or the coordinator has not answered yet).
    fn unknown_group(&self, id: String) -> GroupOverview {
        let consumer_protocol = self.background_consumers().values().any(|c| {
            c.spec.config.group_id.as_deref() == Some(id.as_str())
                && c.spec.config.group_protocol
                    == crate::engine::client::consumer::GroupProtocol::Consumer
        });
        GroupOverview {
            group_id: id,
            group_type: if consumer_protocol {
                GroupType::Consumer
            } else {
                GroupType::Classic
            },
            state: GroupState::Unknown,
            generation_id: None,
            group_epoch: None,
            target_assignment_epoch: None,
            assignor: String::new(),
            coordinator: None,
            members: Vec::new(),
            partitions: Vec::new(),
        }
    }

    /// Gives each member the name of the background consumer it is (matched by member id).
    fn name_members(&self, group_id: &str, members: &mut [MemberOverview]) {
        for (name, background) in self.background_consumers() {
            let Some(membership) = &background.consumer.membership else {
                continue;
            };
            if membership.group_id != group_id {
                continue;
            }
            if let Some(m) = members
                .iter_mut()
                .find(|m| m.member_id == membership.member_id)
            {
                m.consumer_name = Some(name.clone());
            }
        }
    }

    /// The partitions of the group: those members hold or are heading to, those it committed
    /// and those of the topics it subscribes to — each with its offsets.
    fn partition_overviews(
        &self,
        group_id: &str,
        overview: &GroupOverview,
        subscribed: &BTreeSet<String>,
        committed: &BTreeMap<TopicPartition, i64>,
    ) -> Vec<PartitionOverview> {
        let mut owner = BTreeMap::new();
        let mut revoking = BTreeMap::new();
        let mut assigning = BTreeMap::new();
        for m in &overview.members {
            for tp in &m.assigned {
                owner.insert(tp.clone(), m.member_id.clone());
            }
            for tp in &m.pending_revocation {
                owner.insert(tp.clone(), m.member_id.clone());
                revoking.insert(tp.clone(), m.member_id.clone());
            }
            for tp in &m.awaiting {
                assigning.insert(tp.clone(), m.member_id.clone());
            }
        }
        let mut all: BTreeSet<TopicPartition> = committed.keys().cloned().collect_set();
        all.extend(owner.keys().cloned());
        all.extend(assigning.keys().cloned());
        for topic in subscribed {
            let count = self.topic(topic).map_or(0, |t| t.partitions.len() as i32);
            all.extend((0..count).map(|p| TopicPartition::new(topic.clone(), p)));
        }
        let positions = self.background_positions(group_id);
        all.into_iter()
            // A partition of a deleted topic is left out, as the tool does (KAFKA-17218).
            .filter(|tp| self.topic(&tp.topic).is_some())
            .map(|tp| {
                let log_end_offset = self
                    .list_offset(&tp.topic, tp.partition, OffsetSpec::Latest)
                    .ok()
                    .flatten()
                    .map(|o| o.offset);
                let committed = committed.get(&tp).copied();
                PartitionOverview {
                    owner: owner.get(&tp).cloned(),
                    revoking_from: revoking.get(&tp).cloned(),
                    assigning_to: assigning.get(&tp).cloned(),
                    committed,
                    log_end_offset,
                    lag: committed
                        .filter(|&c| c != -1)
                        .zip(log_end_offset)
                        .map(|(c, end)| end - c),
                    time_lag_ms: committed.and_then(|c| self.time_lag(&tp, c, log_end_offset?)),
                    position: positions.get(&tp).copied(),
                    partition: tp,
                }
            })
            .collect()
    }

    /// How long ago the record at `offset` (the first one not committed) was written.
    fn time_lag(&self, tp: &TopicPartition, offset: i64, end: i64) -> Option<i64> {
        if offset >= end {
            return Some(0);
        }
        let fetched = self.fetch(&tp.topic, tp.partition, offset, 1).ok()?;
        let batch = fetched.batches.first()?;
        let record = batch.records().iter().find(|r| r.offset >= offset)?;
        Some((self.now().as_millis() - batch.timestamp_of(record)).max(0))
    }

    /// Where our background consumers of the group are, per partition they hold.
    fn background_positions(&self, group_id: &str) -> BTreeMap<TopicPartition, i64> {
        let mut positions = BTreeMap::new();
        for background in self.background_consumers().values() {
            let consumer = &background.consumer;
            if consumer.config.group_id.as_deref() != Some(group_id) {
                continue;
            }
            for tp in &consumer.assignment {
                if let Some(&p) = consumer.positions.get(tp) {
                    positions.insert(tp.clone(), p);
                }
            }
        }
        positions
    }

    /// A classic group in a rebalance: the partitions of the last generation whose member
    /// (one of ours) no longer holds them were revoked — all of them in an eager rebalance,
    /// only the moving ones in a cooperative one.
    fn mark_eager_revocations(
        &self,
        group_id: &str,
        group: &ClassicGroup,
        partitions: &mut [PartitionOverview],
    ) {
        let held: BTreeMap<&str, &[TopicPartition]> = self
            .background_consumers()
            .values()
            .filter_map(|c| {
                let m = c.consumer.membership.as_ref()?;
                (m.group_id == group_id)
                    .then_some((m.member_id.as_str(), &c.consumer.assignment[..]))
            })
            .collect_map();
        for member in group.members.values() {
            for tp in decode_assignment(&member.assignment) {
                let Some(p) = partitions.iter_mut().find(|p| p.partition == tp) else {
                    continue;
                };
                match held.get(member.member_id.as_str()) {
                    Some(holds) if !holds.contains(&tp) => {
                        p.revoking_from = Some(member.member_id.clone());
                    }
                    _ => p.owner = Some(member.member_id.clone()),
                }
            }
        }
    }
}

/// Groups `kafka-consumer-groups.sh` lists: protocol type `consumer`, or none (offsets only).
fn is_consumer_group(entry: &GroupEntry) -> bool {
    entry.consumer.is_some()
        || entry
            .group
            .protocol_type
            .as_deref()
            .is_none_or(|t| t.is_empty() || t == "consumer")
}

fn decode_assignment(bytes: &[u8]) -> Vec<TopicPartition> {
    ConsumerProtocolAssignment::deserialize(bytes)
        .map(|(_, a)| a.partitions())
        .unwrap_or_default()
}

fn classic_overview(group: &ClassicGroup) -> GroupOverview {
    let stable = group.is(ClassicState::Stable);
    let members = group
        .members
        .values()
        .map(|m| MemberOverview {
            member_id: m.member_id.clone(),
            client_id: m.client_id.clone(),
            group_instance_id: m.group_instance_id.clone(),
            protocol: "classic",
            member_epoch: None,
            state: if m.awaiting_join.is_some() {
                "awaiting-join"
            } else if m.awaiting_sync.is_some() {
                "awaiting-sync"
            } else {
                "stable"
            },
            // As DescribeGroups: the assignment counts once the group is `Stable`.
            assigned: if stable {
                decode_assignment(&m.assignment)
            } else {
                Vec::new()
            },
            pending_revocation: Vec::new(),
            awaiting: Vec::new(),
            consumer_name: None,
            leader: group.leader_id.as_deref() == Some(m.member_id.as_str()),
        })
        .collect();
    GroupOverview {
        group_id: group.group_id.clone(),
        group_type: GroupType::Classic,
        state: group.state.as_group_state(),
        generation_id: Some(group.generation_id),
        group_epoch: None,
        target_assignment_epoch: None,
        assignor: group.protocol_name.clone().unwrap_or_default(),
        coordinator: None,
        members,
        partitions: Vec::new(),
    }
}

fn consumer_overview(group: &ConsumerGroup) -> GroupOverview {
    let members = group
        .members
        .values()
        .map(|m| {
            let target = group.target_assignment.get(&m.member_id);
            let awaiting = target
                .into_iter()
                .flatten()
                .filter(|tp| !m.assigned.contains(tp))
                .cloned()
                .collect();
            MemberOverview {
                member_id: m.member_id.clone(),
                client_id: m.client_id.clone(),
                group_instance_id: m.instance_id.clone(),
                protocol: if m.classic.is_some() {
                    "classic"
                } else {
                    "consumer"
                },
                member_epoch: Some(m.member_epoch),
                state: m.state.name(),
                assigned: m.assigned.iter().cloned().collect(),
                pending_revocation: m.pending_revocation.iter().cloned().collect(),
                awaiting,
                consumer_name: None,
                leader: false,
            }
        })
        .collect();
    GroupOverview {
        group_id: group.group_id.clone(),
        group_type: GroupType::Consumer,
        state: group.state(),
        generation_id: None,
        group_epoch: Some(group.group_epoch),
        target_assignment_epoch: Some(group.target_assignment_epoch),
        assignor: group.assignor.name().to_string(),
        coordinator: None,
        members,
        partitions: Vec::new(),
    }
}
