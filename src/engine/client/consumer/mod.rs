//! The consumer model: `KafkaConsumer` with the classic group protocol, as far as a script or
//! the page can see it.
//!
//! A consumer pulls: each [`Consumer::poll`] fetches from the partitions it owns, from its
//! position, at most `max.poll.records` records, never past the high watermark. With a
//! `group.id` it is a member of a consumer group ([`membership`]): it finds the coordinator,
//! joins, syncs, heartbeats every `heartbeat.interval.ms`, rejoins when told a rebalance is in
//! progress (eagerly: everything it owns is revoked first), and leaves when it is closed or when
//! it did not poll for `max.poll.interval.ms`. Positions start from the committed offsets, or
//! from `auto.offset.reset`; offsets are committed every `auto.commit.interval.ms`
//! (`enable.auto.commit`), before a rebalance and on close.
//!
//! Nothing here waits: a request's answer is collected on a later call. [`Consumer::next_wakeup`]
//! says when the consumer next has something to do, so a driver (a console consumer line, a
//! background consumer) moves simulated time to it.

pub mod config;
mod fetcher;
mod kip848;
mod membership;

pub use kip848::GroupProtocol;

pub use config::{AutoOffsetReset, ConsumerConfig};
pub use membership::{MemberState, Membership};

use super::metadata_cache::MetadataCache;
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::group::assignor::TopicPartition;
use crate::engine::group::describe::CommittedOffset;
use crate::engine::group::protocol::{GroupRequest, GroupResponse, OffsetCommitRequest};
use crate::engine::record::{Header, TimestampType};
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};

/// One record a poll returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub timestamp: i64,
    pub timestamp_type: TimestampType,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

/// Something that happened to a consumer, for the page and the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerEvent {
    /// JoinGroup answered: the new generation, and whether this member leads it.
    Joined {
        generation_id: i32,
        member_id: String,
        leader: bool,
        protocol: String,
    },
    /// `onPartitionsAssigned`: the partitions added (eager: all of them).
    Assigned(Vec<TopicPartition>),
    /// `onPartitionsRevoked` (eager: everything, before rejoining; cooperative: what moved).
    Revoked(Vec<TopicPartition>),
    /// `onPartitionsLost`: the member was dropped from the group without committing.
    Lost(Vec<TopicPartition>),
    Committed(BTreeMap<TopicPartition, i64>),
    CommitFailed(ErrorCode),
    /// The member left the group, and why.
    Left(String),
    /// A position was reset by `auto.offset.reset`.
    Reset {
        partition: TopicPartition,
        offset: i64,
    },
}

impl Consumer {
    /// What a new assignment takes away from what this consumer owns, and what it adds.
    pub(super) fn assignment_change(
        &self,
        assignment: &[TopicPartition],
    ) -> (Vec<TopicPartition>, Vec<TopicPartition>) {
        let revoked = self
            .assignment
            .iter()
            .filter(|tp| !assignment.contains(tp))
            .cloned()
            .collect();
        let added = assignment
            .iter()
            .filter(|tp| !self.assignment.contains(tp))
            .cloned()
            .collect();
        (revoked, added)
    }
}

/// Every partition of `topics`: what a consumer without a group reads.
fn every_partition(cluster: &Cluster, topics: &[String]) -> Vec<TopicPartition> {
    topics
        .iter()
        .flat_map(|t| {
            let count = cluster.topic(t).map_or(0, |i| i.partitions.len() as i32);
            (0..count).map(move |p| TopicPartition::new(t.clone(), p))
        })
        .collect()
}

/// A consumer.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub config: ConsumerConfig,
    /// The subscribed topics (for a pattern subscription, the ones it matched at the last
    /// metadata refresh).
    pub topics: Vec<String>,
    /// `subscribe(Pattern)`: topics whose whole name matches, internal ones left out
    /// (`exclude.internal.topics`), looked up again every `metadata.max.age.ms`.
    pattern: Option<regex_lite::Regex>,
    /// `subscribe(SubscriptionPattern)` (KIP-848): an expression the broker matches.
    pub subscription_pattern: Option<String>,
    next_metadata_refresh_ms: i64,
    /// Group membership, when `group.id` is set.
    pub membership: Option<Membership>,
    /// The partitions this consumer owns now.
    pub assignment: Vec<TopicPartition>,
    /// The next offset to read, per owned partition that has one.
    pub positions: BTreeMap<TopicPartition, i64>,
    /// The last offsets the coordinator acknowledged.
    pub committed: BTreeMap<TopicPartition, i64>,
    /// KIP-848: the positions of partitions just revoked, committed before the revocation is
    /// acknowledged (auto-commit).
    pending_revocation_commit: Option<BTreeMap<TopicPartition, i64>>,
    /// An error that ended this consumer (`FENCED_INSTANCE_ID`): every poll returns it.
    pub fatal: Option<ApiError>,
    /// The last assignment and its generation, which the sticky assignor's user data carries
    /// into the next rebalance (`StickyAssignor.subscriptionUserData`).
    pub last_assignment: Option<(Vec<TopicPartition>, i32)>,
    /// The leader epoch of the last record read per partition, committed with its position.
    pub epochs: BTreeMap<TopicPartition, i32>,
    /// Owned partitions a poll skips (`pause`).
    pub paused: BTreeSet<TopicPartition>,
    /// The leaders this consumer fetches from (`engine::client::metadata_cache`).
    pub(super) metadata: MetadataCache,
    /// Partitions whose last fetch failed in a way that asks for a metadata refresh: the
    /// failed fetches in a row, and the cache's refresh count then (the next fetch waits for a
    /// later refresh, as `AbstractFetch` skips a partition whose leader is being looked up).
    pub(super) fetch_errors: BTreeMap<TopicPartition, (u32, u64)>,
    commits_in_flight: Vec<(u64, BTreeMap<TopicPartition, i64>)>,
    /// An OffsetFetch for owned partitions without a position.
    offset_fetch: Option<u64>,
    pub last_poll_ms: i64,
    next_auto_commit_ms: i64,
    /// Since when a fetch has been held for `fetch.min.bytes`.
    fetch_held_since: Option<i64>,
    /// Where the next poll starts among the owned partitions (each poll starts one further).
    fetch_cursor: usize,
    pub events: Vec<(i64, ConsumerEvent)>,
}

impl Consumer {
    /// A consumer subscribed to `topics` (a group member when `config.group_id` is set, else it
    /// reads every partition of the topics).
    pub fn new(cluster: &Cluster, config: ConsumerConfig, topics: Vec<String>) -> Self {
        let now = cluster.now().as_millis();
        let consumer_protocol = config.group_protocol == GroupProtocol::Consumer;
        let membership = config.group_id.clone().map(|group| {
            let mut membership = Membership::new(group);
            if consumer_protocol {
                membership.consumer_protocol = true;
                membership.rejoin_needed = false;
                membership.next_heartbeat_ms = now;
            }
            membership
        });
        let metadata = MetadataCache::new(
            &config.client_id,
            config.metadata_max_age_ms,
            config.retry_backoff_ms,
            config.retry_backoff_max_ms,
        );
        let mut consumer = Consumer {
            metadata,
            fetch_errors: BTreeMap::new(),
            next_auto_commit_ms: now + config.auto_commit_interval_ms,
            next_metadata_refresh_ms: now + config.metadata_max_age_ms,
            config,
            topics,
            pattern: None,
            subscription_pattern: None,
            membership,
            assignment: Vec::new(),
            positions: BTreeMap::new(),
            committed: BTreeMap::new(),
            paused: BTreeSet::new(),
            epochs: BTreeMap::new(),
            last_assignment: None,
            fatal: None,
            pending_revocation_commit: None,
            commits_in_flight: Vec::new(),
            offset_fetch: None,
            last_poll_ms: now,
            fetch_cursor: 0,
            fetch_held_since: None,
            events: Vec::new(),
        };
        if consumer.membership.is_none() {
            consumer.assignment = every_partition(cluster, &consumer.topics);
        }
        consumer
    }

    /// A KIP-848 consumer subscribed to `regex` (`subscribe(SubscriptionPattern)`): the group
    /// coordinator matches it with the topics and assigns from what it matched.
    pub fn with_subscription_pattern(
        cluster: &Cluster,
        config: ConsumerConfig,
        regex: &str,
    ) -> Self {
        let mut consumer = Consumer::new(cluster, config, Vec::new());
        consumer.subscription_pattern = Some(regex.to_string());
        consumer
    }

    /// A consumer subscribed to the topics matching `pattern` (`subscribe(Pattern)`); a group
    /// member rejoins when the set changes, as the Java client does after a metadata refresh.
    pub fn with_pattern(
        cluster: &Cluster,
        config: ConsumerConfig,
        pattern: regex_lite::Regex,
    ) -> Self {
        let mut consumer = Consumer::new(cluster, config, Vec::new());
        consumer.pattern = Some(pattern);
        consumer.match_pattern(cluster);
        consumer
    }

    /// The consumer's metadata refresh, every `metadata.max.age.ms`: a pattern is matched
    /// again, and a classic group's leader compares the partition counts it assigned from with
    /// the cluster's (`ConsumerCoordinator.rejoinNeededOrPending`: "cached metadata has
    /// changed") — a subscribed topic that grew makes it rejoin, so the new partitions get
    /// owners. (In a KIP-848 group the broker notices by itself.)
    fn refresh_metadata(&mut self, cluster: &Cluster) {
        let now = cluster.now().as_millis();
        if now < self.next_metadata_refresh_ms {
            return;
        }
        self.next_metadata_refresh_ms = now + self.config.metadata_max_age_ms;
        self.match_pattern(cluster);
        if let Some(membership) = self.membership.as_mut() {
            let grown = membership
                .assignment_snapshot
                .as_ref()
                .is_some_and(|snapshot| {
                    snapshot.iter().any(|(topic, &count)| {
                        cluster
                            .topic(topic)
                            .map_or(0, |t| t.partitions.len() as i32)
                            != count
                    })
                });
            if grown {
                membership.rejoin_needed = true;
            }
        }
    }

    /// Matches the pattern against the topics.
    fn match_pattern(&mut self, cluster: &Cluster) {
        let Some(pattern) = &self.pattern else {
            return;
        };
        let matched: Vec<String> = cluster
            .topics()
            .map(|t| t.name.clone())
            .filter(|name| !crate::engine::topic::is_internal(name) && pattern.is_match(name))
            .collect();
        if matched == self.topics {
            return;
        }
        self.topics = matched;
        match self.membership.as_mut() {
            Some(membership) => membership.rejoin_needed = true,
            None => {
                let owned = every_partition(cluster, &self.topics);
                self.positions.retain(|tp, _| owned.contains(tp));
                self.assignment = owned;
            }
        }
    }

    pub(crate) fn event(&mut self, now: i64, event: ConsumerEvent) {
        self.events.push((now, event));
    }

    /// `poll`: moves the group membership on, commits when auto-commit is due, and returns the
    /// records fetched (empty while the consumer has no partitions or nothing is new).
    pub fn poll(&mut self, cluster: &mut Cluster) -> Result<Vec<ConsumerRecord>, ApiError> {
        let now = cluster.now().as_millis();
        self.last_poll_ms = now;
        self.refresh_metadata(cluster);
        self.background(cluster);
        if let Some(fatal) = &self.fatal {
            return Err(fatal.clone());
        }
        if self.membership.is_some() && !self.ensure_active_group(cluster)? {
            return Ok(Vec::new());
        }
        self.maybe_auto_commit(cluster);
        if !self.update_positions(cluster)? {
            return Ok(Vec::new());
        }
        Ok(self.fetch(cluster))
    }

    /// What the heartbeat thread does between polls: heartbeats, the poll-interval check, and
    /// collecting commit answers.
    pub fn background(&mut self, cluster: &mut Cluster) {
        if self.fatal.is_some() {
            return;
        }
        self.collect_commits(cluster);
        if self.uses_consumer_protocol() {
            self.consumer_protocol_tick(cluster);
        } else {
            self.heartbeat_tick(cluster);
        }
    }

    /// When the consumer next has something to do on its own (a heartbeat, a commit, the
    /// poll-interval deadline), at the earliest.
    pub fn next_wakeup(&self) -> Option<i64> {
        let membership = self.membership.as_ref()?;
        let mut next = membership.next_heartbeat_ms();
        if self.config.enable_auto_commit && !self.assignment.is_empty() {
            next = next.min(self.next_auto_commit_ms);
        }
        next = next.min(self.last_poll_ms + i64::from(self.config.max_poll_interval_ms) + 1);
        Some(next)
    }

    /// Whether a poll now could make progress in the group (an answer is awaited or a step is
    /// ready), so a driver should not sleep long.
    pub fn is_settling(&self) -> bool {
        self.offset_fetch.is_some()
            || self.membership.as_ref().is_some_and(|m| {
                m.state != MemberState::Stable || m.rejoin_needed || m.heartbeat_in_flight.is_some()
            })
    }

    /// Collects the answers to commits in flight.
    fn collect_commits(&mut self, cluster: &mut Cluster) {
        let now = cluster.now().as_millis();
        let mut still = Vec::new();
        for (request_id, offsets) in std::mem::take(&mut self.commits_in_flight) {
            match cluster.take_group_response(request_id) {
                None => still.push((request_id, offsets)),
                Some(GroupResponse::OffsetCommit(results)) => {
                    match results.values().find(|&&code| code != ErrorCode::None) {
                        None => {
                            self.committed
                                .extend(offsets.iter().map(|(tp, &o)| (tp.clone(), o)));
                            self.event(now, ConsumerEvent::Committed(offsets));
                        }
                        Some(&code) => {
                            self.event(now, ConsumerEvent::CommitFailed(code));
                            self.on_group_error(code, now);
                        }
                    }
                }
                Some(_) => {}
            }
        }
        self.commits_in_flight = still;
    }

    /// `commitAsync(offsets)`: sent to the coordinator with this member's generation.
    pub fn commit_async(
        &mut self,
        cluster: &mut Cluster,
        offsets: BTreeMap<TopicPartition, i64>,
    ) -> Option<u64> {
        if offsets.is_empty() {
            return None;
        }
        let membership = self.membership.as_ref()?;
        let coordinator = membership.coordinator?;
        let request = GroupRequest::OffsetCommit(OffsetCommitRequest {
            group_id: membership.group_id.clone(),
            generation_id: membership.generation_id,
            member_id: membership.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            offsets: offsets
                .iter()
                .map(|(tp, &offset)| {
                    let committed = CommittedOffset {
                        offset,
                        // The epoch of the last record read (`ConsumerCoordinator` commits the
                        // position's `offsetEpoch`).
                        leader_epoch: self.epochs.get(tp).copied(),
                        metadata: String::new(),
                    };
                    (tp.clone(), committed)
                })
                .collect(),
        });
        let request_id = cluster.send_group_request(coordinator, request);
        self.commits_in_flight.push((request_id, offsets));
        self.collect_commits(cluster);
        Some(request_id)
    }

    /// Commits what a KIP-848 revocation left to commit.
    pub(super) fn flush_revocation_commit(&mut self, cluster: &mut Cluster) {
        if let Some(offsets) = self.pending_revocation_commit.take() {
            self.commit_async(cluster, offsets);
        }
    }

    /// `commitSync(offsets)`: commits and waits (in simulated time) for the answer.
    pub fn commit_sync(
        &mut self,
        cluster: &mut Cluster,
        offsets: BTreeMap<TopicPartition, i64>,
    ) -> Result<(), ApiError> {
        let Some(request_id) = self.commit_async(cluster, offsets) else {
            return Ok(());
        };
        let timeout = 60_000;
        let deadline = cluster.now().as_millis() + timeout;
        while self
            .commits_in_flight
            .iter()
            .any(|(id, _)| *id == request_id)
        {
            if cluster.now().as_millis() >= deadline {
                return Err(ApiError::bare(ErrorCode::RequestTimedOut));
            }
            if !cluster.step(deadline) {
                cluster.clock_advance_to(deadline);
            }
            self.collect_commits(cluster);
        }
        match self.events.iter().rev().find_map(|(_, e)| match e {
            ConsumerEvent::CommitFailed(code) => Some(*code),
            ConsumerEvent::Committed(_) => Some(ErrorCode::None),
            _ => None,
        }) {
            Some(ErrorCode::None) | None => Ok(()),
            Some(code) => Err(ApiError::bare(code)),
        }
    }

    /// The positions of the owned partitions, to commit.
    pub fn consumed_offsets(&self) -> BTreeMap<TopicPartition, i64> {
        self.assignment
            .iter()
            .filter_map(|tp| self.positions.get(tp).map(|&o| (tp.clone(), o)))
            .collect_map()
    }

    fn maybe_auto_commit(&mut self, cluster: &mut Cluster) {
        let now = cluster.now().as_millis();
        if !self.config.enable_auto_commit || now < self.next_auto_commit_ms {
            return;
        }
        self.next_auto_commit_ms = now + self.config.auto_commit_interval_ms;
        let offsets: BTreeMap<TopicPartition, i64> = self
            .consumed_offsets()
            .into_iter()
            .filter(|(tp, o)| self.committed.get(tp) != Some(o))
            .collect_map();
        self.commit_async(cluster, offsets);
    }

    /// `close()`: commits what was consumed (with auto-commit), then leaves the group.
    pub fn close(&mut self, cluster: &mut Cluster) {
        if self.config.enable_auto_commit && self.is_member() {
            let offsets = self.consumed_offsets();
            let _ = self.commit_sync(cluster, offsets);
        }
        self.leave_group(cluster, "the consumer is being closed");
    }

    /// Whether the consumer belongs to a generation of its group.
    pub fn is_member(&self) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| m.generation_id > 0 && !m.member_id.is_empty())
    }
}
