//! A client's metadata cache (the Java client's `Metadata`/`MetadataCache`): the leader and
//! leader epoch it believes each partition has, when it last refreshed, and whether a refresh
//! was asked for. Producers and consumers send to the leader their cache names, not to the
//! cluster's current truth, so after a leader move a client first hears
//! `NOT_LEADER_OR_FOLLOWER` from the old leader, then refreshes and retries.
//!
//! A refresh is a Metadata request answered by one broker from ITS metadata image (Kafka's
//! `KRaftMetadataCache`), which may lag the controller: a stale image hands out a stale
//! leader. The answering broker is picked in turn among the live ones (the Java client's
//! `leastLoadedNode`, without its random start, so runs stay deterministic). The request's
//! latency is not modelled: the answer is read when the refresh is due (docs/DEPARTURES.md).
//!
//! When a refresh happens (`Metadata.timeToNextUpdate`): every `metadata.max.age.ms`
//! (default 300000), and after an error that asks for one (`Metadata.requestUpdate` on an
//! `InvalidMetadataException` — NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE,
//! UNKNOWN_TOPIC_OR_PARTITION… — or a disconnect), no sooner than the refresh backoff after the
//! last one: `retry.backoff.ms` doubling up to `retry.backoff.max.ms` (KIP-580, without the
//! jitter) while the answers bring nothing new. The producer keeps asking while a batch waits
//! to be retried after such an error, and retries it at once when a refresh names a new leader
//! (`RecordAccumulator.shouldBackoff` skips the backoff when the leader changed, KIP-951). An answer never moves a partition back to an older leader epoch (KIP-320's
//! `Metadata.updateLatestMetadata`). KIP-951's other half (the new leader carried in a
//! produce or fetch error response) is not modelled: the client learns it by a refresh.

use crate::engine::cluster::Cluster;
use crate::engine::error::ErrorCode;
use crate::engine::event::{EventKind, LeaderLearned};
use crate::engine::partition_map::PartitionMap;
use std::collections::{BTreeMap, BTreeSet};

/// `metadata.max.age.ms`'s default (`CommonClientConfigs.METADATA_MAX_AGE_CONFIG`).
pub const DEFAULT_METADATA_MAX_AGE_MS: i64 = 300_000;

/// The leader a client believes a partition has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedLeader {
    pub leader: Option<i32>,
    pub leader_epoch: i32,
}

/// One client's metadata cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataCache {
    /// The client id its events carry (spaces made `_`, so a trace line keeps its columns).
    client: String,
    max_age_ms: i64,
    backoff_ms: i64,
    backoff_max_ms: i64,
    topics: BTreeSet<String>,
    leaders: PartitionMap<CachedLeader>,
    last_refresh_ms: Option<i64>,
    /// Why a refresh was asked for, until it happens.
    update_requested: Option<&'static str>,
    /// Metadata requests in a row that failed or, asked for by an error, brought no news (the
    /// backoff's exponent).
    attempts: u32,
    /// The broker the next refresh asks first.
    next_node: i32,
    /// How many refreshes were answered.
    refreshes: u64,
    /// Per partition in trouble, the error last reported (broker, name) and the broker the
    /// last reported retry went to: the trace says each once until the partition succeeds, not
    /// once per batch (a producer makes a batch every `linger.ms`).
    reported: BTreeMap<(String, i32), (i32, &'static str, Option<i32>)>,
}

impl MetadataCache {
    pub fn new(client: &str, max_age_ms: i64, backoff_ms: i64, backoff_max_ms: i64) -> Self {
        MetadataCache {
            client: client.replace(' ', "_"),
            max_age_ms: max_age_ms.max(0),
            backoff_ms: backoff_ms.max(0),
            backoff_max_ms: backoff_max_ms.max(backoff_ms).max(0),
            topics: BTreeSet::new(),
            leaders: PartitionMap::new(),
            last_refresh_ms: None,
            update_requested: None,
            attempts: 0,
            next_node: 1,
            refreshes: 0,
            reported: BTreeMap::new(),
        }
    }

    /// When the cache was last refreshed, if ever.
    pub fn last_refresh_ms(&self) -> Option<i64> {
        self.last_refresh_ms
    }

    /// How many refreshes were answered so far.
    pub fn refreshes(&self) -> u64 {
        self.refreshes
    }

    /// What the cache believes of a partition, without refreshing.
    pub fn cached(&self, topic: &str, partition: i32) -> Option<CachedLeader> {
        self.leaders.get(topic, partition).copied()
    }

    /// The leader to send to, refreshing first when one is due. A topic seen for the first time
    /// is seeded from the answer to the client's first Metadata request, which the cluster
    /// gave already (`fetch_topic_metadata`): the controller's latest decisions.
    pub fn leader(&mut self, cluster: &mut Cluster, topic: &str, partition: i32) -> Option<i32> {
        // Every send asks: a known topic costs a lookup, not a new `String`.
        if !self.topics.contains(topic) {
            self.topics.insert(topic.to_string());
            self.seed(cluster, topic);
        }
        self.maybe_refresh(cluster);
        self.cached(topic, partition).and_then(|c| c.leader)
    }

    fn seed(&mut self, cluster: &Cluster, topic: &str) {
        let Some(info) = cluster.topic(topic) else {
            return;
        };
        for p in &info.partitions {
            let entry = CachedLeader {
                leader: p.leader,
                leader_epoch: p.leader_epoch,
            };
            self.leaders.insert(topic, p.partition, entry);
        }
        self.last_refresh_ms
            .get_or_insert(cluster.now().as_millis());
    }

    /// `Metadata.requestUpdate`, after `error` (its name is the refresh's reason).
    pub fn request_update(&mut self, error: ErrorCode) {
        if asks_for_refresh(error) && self.update_requested.is_none() {
            self.update_requested = Some(error.name());
        }
    }

    /// The refresh backoff after `attempts` fruitless refreshes in a row.
    fn backoff(&self) -> i64 {
        let exponent = self.attempts.min(20);
        self.backoff_ms
            .saturating_mul(1_i64 << exponent)
            .min(self.backoff_max_ms)
    }

    /// When the next refresh is due (`Metadata.timeToNextUpdate`), if one is ever.
    pub fn next_refresh_ms(&self) -> Option<i64> {
        let last = self.last_refresh_ms?;
        let expiry = last.saturating_add(self.max_age_ms);
        Some(match self.update_requested {
            Some(_) => expiry.min(last.saturating_add(self.backoff())),
            None => expiry,
        })
    }

    /// When a refresh that was asked for is due (`None` when none was asked for).
    pub fn requested_refresh_ms(&self) -> Option<i64> {
        self.update_requested?;
        self.next_refresh_ms().or(Some(i64::MIN))
    }

    /// Refreshes when one is due now; returns the partitions whose leader it learned anew.
    pub fn maybe_refresh(&mut self, cluster: &mut Cluster) -> Vec<(String, i32)> {
        let now = cluster.now().as_millis();
        if self.topics.is_empty() || self.next_refresh_ms().is_some_and(|due| now < due) {
            return Vec::new();
        }
        let reason = self
            .update_requested
            .take()
            .unwrap_or("metadata.max.age.ms");
        self.refresh(cluster, reason)
    }

    /// One Metadata request for the cached topics, answered from a live broker's image.
    fn refresh(&mut self, cluster: &mut Cluster, reason: &'static str) -> Vec<(String, i32)> {
        let now = cluster.now().as_millis();
        self.last_refresh_ms = Some(now);
        let Some(broker) = self.pick_node(cluster) else {
            // No broker answers: the request fails (`Metadata.failedUpdate`) and is asked for
            // again after a backoff that grows with the failures.
            self.attempts = self.attempts.saturating_add(1);
            self.update_requested = Some(reason);
            return Vec::new();
        };
        self.refreshes += 1;
        let mut changed = Vec::new();
        if let Some(image) = cluster.quorum().node(broker).map(|n| &n.image) {
            for topic in &self.topics {
                let Some((_, topic_image)) = image.topic_by_name(topic) else {
                    continue;
                };
                for (partition, record) in &topic_image.partitions {
                    let learned = CachedLeader {
                        leader: (record.leader >= 0).then_some(record.leader),
                        leader_epoch: record.leader_epoch,
                    };
                    let old = self.leaders.get(topic, *partition).copied();
                    // KIP-320: an answer from a broker further behind never takes a partition
                    // back to an older leader epoch.
                    if old.is_some_and(|o| o.leader_epoch > learned.leader_epoch) {
                        continue;
                    }
                    if old.map(|o| o.leader) != Some(learned.leader) {
                        changed.push(LeaderLearned {
                            topic: topic.clone(),
                            partition: *partition,
                            old_leader: old.and_then(|o| o.leader),
                            new_leader: learned.leader,
                            leader_epoch: learned.leader_epoch,
                        });
                    }
                    self.leaders.insert(topic, *partition, learned);
                }
            }
        }
        // An answer with news, or a periodic one, resets the backoff; one asked for by an
        // error that brings nothing new grows it, so a client waiting for a leader to move
        // asks less and less often (KIP-580's exponential backoff, to retry.backoff.max.ms).
        if changed.is_empty() && reason != "metadata.max.age.ms" {
            self.attempts = self.attempts.saturating_add(1);
        } else {
            self.attempts = 0;
        }
        let learned = changed
            .iter()
            .filter(|c| c.new_leader.is_some())
            .map(|c| (c.topic.clone(), c.partition))
            .collect();
        cluster.emit(EventKind::MetadataRefreshed {
            client: self.client.clone(),
            broker,
            changed,
            reason,
        });
        learned
    }

    /// The live broker to ask: the next in turn after the last one asked.
    fn pick_node(&mut self, cluster: &Cluster) -> Option<i32> {
        let live: Vec<i32> = cluster
            .brokers()
            .map(|b| b.node_id)
            .filter(|&id| cluster.is_serving(id))
            .collect();
        let chosen = live
            .iter()
            .copied()
            .find(|&id| id >= self.next_node)
            .or_else(|| live.first().copied())?;
        self.next_node = chosen + 1;
        Some(chosen)
    }

    /// The event for an error a client got from `broker` for a partition, unless the same
    /// error from the same broker was reported since the partition last succeeded.
    pub fn error_event(
        &mut self,
        topic: &str,
        partition: i32,
        broker: i32,
        error: ErrorCode,
    ) -> Option<EventKind> {
        let key = (topic.to_string(), partition);
        let name = error.name();
        if self
            .reported
            .get(&key)
            .is_some_and(|&(b, e, _)| b == broker && e == name)
        {
            return None;
        }
        self.reported.insert(key, (broker, name, None));
        Some(EventKind::ClientError {
            client: self.client.clone(),
            topic: topic.to_string(),
            partition,
            broker,
            error: name,
        })
    }

    /// The event for a retry of a partition's request to `broker`, after a reported error and
    /// unless a retry to the same broker was reported since.
    pub fn retry_event(
        &mut self,
        topic: &str,
        partition: i32,
        broker: i32,
        attempt: u32,
    ) -> Option<EventKind> {
        let entry = self.reported.get_mut(&(topic.to_string(), partition))?;
        if entry.2 == Some(broker) {
            return None;
        }
        entry.2 = Some(broker);
        Some(EventKind::ClientRetry {
            client: self.client.clone(),
            topic: topic.to_string(),
            partition,
            broker,
            attempt,
        })
    }

    /// A partition's request succeeded: its next error is reported again.
    pub fn settled(&mut self, topic: &str, partition: i32) {
        if !self.reported.is_empty() {
            self.reported.remove(&(topic.to_string(), partition));
        }
    }
}

/// The errors after which the Java client asks for a metadata update: the
/// `InvalidMetadataException`s (`Sender.completeBatch`, `AbstractFetch`) and a lost
/// connection or timed-out request (`NetworkClient` disconnects and requests an update).
pub fn asks_for_refresh(error: ErrorCode) -> bool {
    matches!(
        error,
        ErrorCode::NotLeaderOrFollower
            | ErrorCode::LeaderNotAvailable
            | ErrorCode::UnknownTopicOrPartition
            | ErrorCode::FencedLeaderEpoch
            | ErrorCode::UnknownLeaderEpoch
            | ErrorCode::NetworkException
            | ErrorCode::RequestTimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cluster::{ClusterOptions, NewTopic};

    fn cluster_with_topic() -> Cluster {
        let mut cluster = Cluster::new(ClusterOptions::default());
        let topic = NewTopic {
            name: "s".into(),
            partitions: Some(2),
            replication_factor: Some(3),
            ..NewTopic::default()
        };
        cluster.create_topic(topic).expect("created");
        cluster
    }

    #[test]
    fn a_first_lookup_seeds_the_cache_and_the_age_schedules_the_next_refresh() {
        let mut cluster = cluster_with_topic();
        let now = cluster.now().as_millis();
        let mut cache = MetadataCache::new("producer 1", 300_000, 100, 1_000);
        let leader = cluster.partition_info("s", 1).and_then(|p| p.leader);
        assert_eq!(cache.leader(&mut cluster, "s", 1), leader);
        assert_eq!(cache.last_refresh_ms(), Some(now));
        assert_eq!(cache.next_refresh_ms(), Some(now + 300_000));
        assert_eq!(cache.requested_refresh_ms(), None);
        assert!(cluster
            .drain_events()
            .iter()
            .all(|e| !matches!(e.kind, EventKind::MetadataRefreshed { .. })));
    }

    #[test]
    fn only_metadata_errors_ask_for_a_refresh_after_the_backoff() {
        let mut cluster = cluster_with_topic();
        let now = cluster.now().as_millis();
        let mut cache = MetadataCache::new("p", 300_000, 100, 1_000);
        cache.leader(&mut cluster, "s", 0);
        cache.request_update(ErrorCode::NotEnoughReplicas);
        assert_eq!(cache.requested_refresh_ms(), None);
        cache.request_update(ErrorCode::NotLeaderOrFollower);
        assert_eq!(cache.requested_refresh_ms(), Some(now + 100));
        // Not due yet: nothing happens.
        assert!(cache.maybe_refresh(&mut cluster).is_empty());
        assert_eq!(cache.refreshes(), 0);
        cluster.advance_time(100);
        cache.maybe_refresh(&mut cluster);
        assert_eq!(cache.refreshes(), 1);
        let lines: Vec<String> = cluster
            .drain_events()
            .iter()
            .map(|e| e.trace_line())
            .filter(|l| l.contains(" metadata refresh "))
            .collect();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].ends_with("p metadata refresh via=b1 leaders=[] (NOT_LEADER_OR_FOLLOWER)"));
        // Nothing new: the next asked-for refresh waits twice as long (KIP-580).
        cache.request_update(ErrorCode::NotLeaderOrFollower);
        assert_eq!(cache.requested_refresh_ms(), Some(now + 100 + 200));
    }

    #[test]
    fn a_client_id_with_spaces_keeps_the_trace_columns() {
        let mut cache = MetadataCache::new("my producer", 1, 1, 1);
        let error = ErrorCode::NetworkException;
        let kind = cache.error_event("s", 0, 1, error).expect("reported");
        let line = crate::engine::event::Event { at_ms: 0, kind }.trace_line();
        assert_eq!(line, "0 my_producer s-0 error NETWORK_EXCEPTION from=b1");
    }

    #[test]
    fn each_error_and_retry_is_reported_once_until_the_partition_succeeds() {
        let mut cache = MetadataCache::new("p", 1, 1, 1);
        let not_leader = ErrorCode::NotLeaderOrFollower;
        assert_eq!(cache.retry_event("s", 0, 1, 2), None, "no error yet");
        assert!(cache.error_event("s", 0, 1, not_leader).is_some());
        assert_eq!(cache.error_event("s", 0, 1, not_leader), None);
        assert!(cache.error_event("s", 1, 1, not_leader).is_some());
        assert!(cache.retry_event("s", 0, 1, 2).is_some());
        assert_eq!(cache.retry_event("s", 0, 1, 3), None);
        assert!(cache.retry_event("s", 0, 2, 4).is_some());
        cache.settled("s", 0);
        assert!(cache.error_event("s", 0, 1, not_leader).is_some());
    }
}
