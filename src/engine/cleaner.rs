//! The log cleaner of each broker: a background job in simulated time.
//!
//! Follows Kafka 4.1's `LogCleaner.CleanerThread` and `LogCleanerManager`: the cleaner starts with
//! the broker (`log.cleaner.enable`, default true); each time it wakes it takes the compacted log
//! (`cleanup.policy` `compact` or `compact,delete`) with the highest dirty ratio among those
//! dirtier than `min.cleanable.dirty.ratio` or past `max.compaction.lag.ms`
//! (`grabFilthiestCompactedLog`), cleans it, records the new first dirty offset in the log dir's
//! `cleaner-offset-checkpoint` (`doneCleaning`), and looks again at once; when nothing is left to
//! clean it sleeps `log.cleaner.backoff.ms` (15 s). Cleaning takes no simulated time, so a wake
//! cleans everything cleanable and the next wake is one back-off later. The replaced segment files
//! (`.deleted`) are removed `file.delete.delay.ms` after the swap.
//!
//! The first dirty offsets live only in the checkpoint file, read each time as Kafka's
//! `allCleanerCheckpoints` reads it, so they survive a `kplay --data-dir` restart.

use super::broker::Broker;
use super::cluster::Cluster;
use super::event::EventKind;
use super::log::checkpoint::{self, OffsetCheckpoint};
use super::log::cleaner::{CleanParams, LogToClean};
use super::scheduler::Task;
use crate::engine::sorting::CollectBTree;
use crate::storage::FileStore;

/// How many logs one wake of one broker's cleaner may clean before it sleeps: Kafka loops as long
/// as there is work; this bound only guards against a log that never stops being cleanable.
const MAX_CLEANS_PER_WAKE: usize = 1_000;

/// The clean/dirty split of one log, for the UI (`LogToClean` plus what it is compared against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanerStatus {
    pub log: LogToClean,
    /// The first uncleanable offset by `cleanableOffsets` (before rounding down to a segment).
    pub first_uncleanable_dirty_offset: i64,
    /// `min.cleanable.dirty.ratio` in parts per million.
    pub min_cleanable_dirty_ratio_ppm: u32,
    /// Whether the cleaner would pick this log now.
    pub cleanable: bool,
}

/// The cleaner settings of one broker, from its configs (`CleanerConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CleanerSettings {
    enabled: bool,
    params: CleanParams,
}

impl Cluster {
    /// `LogCleaner.startup`: the first wake one back-off after the broker starts (a new cluster
    /// has nothing to clean at its first instant).
    pub(crate) fn schedule_log_cleaner(&mut self) {
        let backoff = self.log_cleaner_backoff_ms();
        self.schedule_in(backoff, Task::LogCleaner);
    }

    /// One wake of every broker's cleaner, then the next one a back-off later.
    pub(crate) fn run_log_cleaner(&mut self) {
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for node_id in ids {
            let settings = self.cleaner_settings(node_id);
            if !settings.enabled {
                continue;
            }
            for _ in 0..MAX_CLEANS_PER_WAKE {
                if !self.clean_filthiest_log(node_id, &settings.params) {
                    break;
                }
            }
            // `LogCleaner.cleanFilthiestLog`: after cleaning, retention for every compacted log
            // (`LogCleanerManager.deletableLogs`), which `LogManager.cleanupLogs` skips.
            self.delete_old_segments_of_compacted_logs(node_id);
        }
        self.schedule_log_cleaner();
    }

    /// The clean tail, dirty head and dirty ratio of a compacted log on `broker`, as the cleaner
    /// sees them now; `None` for a log that is not compacted or not hosted there.
    pub fn cleaner_status(
        &self,
        broker: i32,
        topic: &str,
        partition: i32,
    ) -> Option<CleanerStatus> {
        let broker = self.broker(broker)?;
        let log = broker.log(topic, partition)?;
        if !log.config().cleanup_policy.compact {
            return None;
        }
        let now = self.now().as_millis();
        let checkpoints = read_checkpoint(&broker.store, &broker.log_dir);
        let last_clean = checkpoints.get(&(topic.to_string(), partition)).copied();
        let offsets = log.cleanable_offsets(last_clean, now);
        let to_clean = log.log_to_clean(&offsets, now);
        let min_ratio = log.config().min_cleanable_dirty_ratio_ppm;
        Some(CleanerStatus {
            log: to_clean,
            first_uncleanable_dirty_offset: offsets.first_uncleanable_dirty_offset,
            min_cleanable_dirty_ratio_ppm: min_ratio,
            cleanable: to_clean.total_bytes > 0 && to_clean.is_cleanable(min_ratio),
        })
    }

    /// `CleanerThread.cleanFilthiestLog` on one broker; true if it cleaned a log.
    fn clean_filthiest_log(&mut self, node_id: i32, params: &CleanParams) -> bool {
        let now = self.now().as_millis();
        let Some(broker) = self.broker_mut(node_id) else {
            return false;
        };
        let mut checkpoints = read_checkpoint(&broker.store, &broker.log_dir);
        let mut filthiest: Option<((String, i32), LogToClean)> = None;
        let mut forced = false;
        for log in broker.logs().filter(|l| l.config().cleanup_policy.compact) {
            let key = (log.topic().to_string(), log.partition());
            let offsets = log.cleanable_offsets(checkpoints.get(&key).copied(), now);
            if offsets.force_update_checkpoint {
                checkpoints.insert(key.clone(), offsets.first_dirty_offset);
                forced = true;
            }
            let candidate = log.log_to_clean(&offsets, now);
            let min_ratio = log.config().min_cleanable_dirty_ratio_ppm;
            if candidate.total_bytes == 0 || !candidate.is_cleanable(min_ratio) {
                continue;
            }
            // The first of equally dirty logs wins, as Java's `Stream.max` keeps it.
            if filthiest
                .as_ref()
                .is_none_or(|(_, best)| candidate.cmp_ratio(best).is_gt())
            {
                filthiest = Some((key, candidate));
            }
        }
        let Some(((topic, partition), to_clean)) = filthiest else {
            if forced {
                write_checkpoint(broker, &checkpoints);
            }
            return false;
        };
        let Some((log, store)) = broker.log_mut(&topic, partition) else {
            return false;
        };
        let result = log.clean(store, &to_clean, &CleanParams { now, ..*params });
        let delete_delay_ms = log.config().file_delete_delay_ms;
        // The swap (new segments in place, old ones renamed `.deleted`) reaches the disk with the
        // next flush, as Kafka's renames do at once; the
        // `.cleaned` bytes were synced before them (`Cleaner.cleanSegments`).
        for path in result.cleaned_files.iter().chain(&result.deleted_files) {
            broker.request_flush(path);
        }
        checkpoints.insert((topic.clone(), partition), result.end_offset);
        write_checkpoint(broker, &checkpoints);
        if !result.deleted_files.is_empty() {
            let files = result.deleted_files.clone();
            self.schedule_in(
                delete_delay_ms,
                Task::DeleteSegmentFiles {
                    broker: node_id,
                    files,
                },
            );
        }
        let stats = result.stats;
        self.emit(EventKind::LogCleaned {
            broker: node_id,
            topic,
            partition,
            first_dirty_offset: result.first_dirty_offset,
            end_offset: result.end_offset,
            bytes_before: result.bytes_before,
            bytes_after: result.bytes_after,
            records_removed: stats.messages_read - stats.messages_written,
            tombstones_removed: stats.tombstones_removed,
        });
        true
    }

    /// `log.cleaner.backoff.ms` from the cluster-wide configs (Kafka's 15 s if unreadable).
    fn log_cleaner_backoff_ms(&self) -> i64 {
        self.broker_configs()
            .resolve()
            .map_or(15_000, |c| c.log_cleaner_backoff_ms)
            .max(0)
    }

    /// `CleanerConfig` for one broker: its own dynamic configs, then the cluster's layers, then
    /// Kafka's defaults. These names are not in the modelled broker configs, so only a value set
    /// in one of those layers changes them.
    fn cleaner_settings(&self, node_id: i32) -> CleanerSettings {
        let lookup = |name: &str| -> Option<String> {
            self.broker_dynamic_configs()
                .get(&node_id)
                .and_then(|layer| layer.get(name).cloned())
                .or_else(|| {
                    self.broker_configs()
                        .effective(name)
                        .map(|(text, _)| text.to_string())
                })
        };
        let number = |name: &str| lookup(name).and_then(|v| v.trim().parse::<i64>().ok());
        let defaults = CleanParams::default();
        let threads = number("log.cleaner.threads")
            .filter(|&t| t > 0)
            .unwrap_or(1);
        let dedupe =
            number("log.cleaner.dedupe.buffer.size").unwrap_or(defaults.dedupe_buffer_size);
        CleanerSettings {
            enabled: !lookup("log.cleaner.enable")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("false")),
            params: CleanParams {
                // Each thread's map gets an equal share, at most 2 GiB (`CleanerThread`).
                dedupe_buffer_size: (dedupe / threads).min(i64::from(i32::MAX)),
                producer_id_expiration_ms: number("producer.id.expiration.ms")
                    .unwrap_or(defaults.producer_id_expiration_ms),
                ..defaults
            },
        }
    }
}

/// `LogManager.asyncDelete` → `cleaner.updateCheckpoints(dir, partitionToRemove)`: a deleted
/// partition leaves `cleaner-offset-checkpoint`, so a topic created again under the same name
/// starts clean from its log start offset.
pub(crate) fn remove_from_checkpoint(broker: &mut Broker, topic: &str, partition: i32) {
    let mut offsets = read_checkpoint(&broker.store, &broker.log_dir);
    if offsets.remove(&(topic.to_string(), partition)).is_some() {
        write_checkpoint(broker, &offsets);
    }
}

/// `allCleanerCheckpoints` for one log dir; a missing or unreadable file is empty (Kafka logs the
/// error and goes on).
fn read_checkpoint(store: &FileStore, log_dir: &str) -> OffsetCheckpoint {
    let location = format!("{log_dir}/{}", checkpoint::CLEANER_OFFSET_CHECKPOINT);
    store
        .contents(checkpoint::CLEANER_OFFSET_CHECKPOINT)
        .and_then(|bytes| checkpoint::parse_offsets(&location, bytes).ok())
        .unwrap_or_default()
}

/// `LogCleanerManager.updateCheckpoints`: rewrites the file with the entries of the logs the
/// broker hosts.
fn write_checkpoint(broker: &mut Broker, offsets: &OffsetCheckpoint) {
    let kept: OffsetCheckpoint = offsets
        .iter()
        .filter(|((topic, partition), _)| broker.log(topic, *partition).is_some())
        .map(|(key, offset)| (key.clone(), *offset))
        .collect_map();
    broker.store.replace(
        checkpoint::CLEANER_OFFSET_CHECKPOINT,
        checkpoint::encode_offsets(&kept).as_bytes(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cluster::NewTopic;
    use crate::engine::config::{BrokerConfigStore, Strictness};
    use crate::engine::record::RecordBatchBuilder;
    use crate::engine::ClusterOptions;
    use std::collections::BTreeMap;

    /// Topic `t` with `policy` and 100-byte segments, and twenty updates of two keys.
    fn dirty_cluster(policy: &str, server_properties: &[(&str, &str)]) -> Cluster {
        let mut cluster = Cluster::new(ClusterOptions {
            brokers: 1,
            ..ClusterOptions::default()
        });
        let props = server_properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (store, _) = BrokerConfigStore::with_static(Strictness::Playground, props).unwrap();
        *cluster.broker_configs_mut() = store;
        cluster.refresh_replication_settings();
        let configs: BTreeMap<String, String> =
            [("cleanup.policy", policy), ("segment.bytes", "100")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let topic = NewTopic {
            name: "t".into(),
            configs,
            ..NewTopic::default()
        };
        cluster.create_topic(topic).unwrap();
        for i in 0..20u8 {
            let mut builder = RecordBatchBuilder::with_base_offset(0);
            let now = cluster.now().as_millis();
            builder
                .append(now, Some(vec![b'k', i % 2]), Some(vec![i]), vec![])
                .unwrap();
            cluster.append_batch("t", 0, builder.build()).unwrap();
        }
        cluster
    }

    fn cleans(cluster: &mut Cluster) -> usize {
        cluster
            .drain_events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::LogCleaned { .. }))
            .count()
    }

    #[test]
    fn the_cleaner_wakes_every_backoff_and_cleans_compacted_logs_only() {
        let mut cluster = dirty_cluster("compact,delete", &[("log.cleaner.backoff.ms", "5000")]);
        // The first wake was scheduled at start-up, before this test set the back-off.
        assert!(cluster
            .scheduler()
            .pending()
            .any(|(due, task)| *task == Task::LogCleaner
                && due == cluster.now().as_millis() + 15_000));
        cluster.advance_time(15_000);
        assert_eq!(cleans(&mut cluster), 1);
        assert!(cluster.scheduler().pending().any(
            |(due, task)| *task == Task::LogCleaner && due == cluster.now().as_millis() + 5_000
        ));

        let mut deleting = dirty_cluster("delete", &[]);
        deleting.advance_time(60_000);
        assert_eq!(cleans(&mut deleting), 0);
        assert!(deleting.cleaner_status(1, "t", 0).is_none());
    }

    /// `log.cleaner.enable=false`: Kafka's `LogManager` starts no cleaner.
    #[test]
    fn a_disabled_cleaner_never_cleans() {
        let mut cluster = dirty_cluster("compact", &[("log.cleaner.enable", "false")]);
        cluster.advance_time(60_000);
        assert_eq!(cleans(&mut cluster), 0);
        assert!(cluster
            .cleaner_status(1, "t", 0)
            .is_some_and(|s| s.cleanable));
    }

    /// LogCleanerManagerTest.testDirtyOffsetResetIfLargerThanEndOffset: a checkpoint past the
    /// log end is reset to the log start offset, and the whole log is cleaned.
    #[test]
    fn a_checkpoint_past_the_log_end_is_reset() {
        let mut cluster = dirty_cluster("compact", &[]);
        let store = &mut cluster.broker_mut(1).unwrap().store;
        store.replace(
            checkpoint::CLEANER_OFFSET_CHECKPOINT,
            b"0\n2\nt 0 1000\ngone 0 5\n",
        );
        let status = cluster.cleaner_status(1, "t", 0).unwrap();
        assert_eq!(status.log.first_dirty_offset, 0);
        cluster.advance_time(15_000);
        let events = cluster.drain_events();
        let Some(EventKind::LogCleaned {
            first_dirty_offset,
            end_offset,
            ..
        }) = events.last().map(|e| e.kind.clone())
        else {
            panic!("{events:?}");
        };
        assert_eq!(first_dirty_offset, 0);
        let store = &cluster.broker(1).unwrap().store;
        let text = format!("0\n1\nt 0 {end_offset}\n");
        assert_eq!(
            store.contents(checkpoint::CLEANER_OFFSET_CHECKPOINT),
            Some(text.as_bytes()),
            "only hosted logs stay in the checkpoint"
        );
    }
}
