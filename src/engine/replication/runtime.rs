//! How replication runs inside the cluster: messages delivered and background jobs run in
//! simulated-time order, and a broker's process stopped, killed and started again.

use super::messages::Message;
use super::{BrokerState, ReplicaManager};
use crate::engine::cluster::Cluster;
use crate::engine::config::TopicConfigs;
use crate::engine::event::EventKind;
use crate::engine::log::recovery::LogDirRecovery;
use crate::engine::log::recovery::{clean_shutdown_file_contents, CLEAN_SHUTDOWN_FILE};
use crate::engine::network::{Envelope, Sent};
use crate::engine::persist::{checkpoint_broker, ensure_meta_properties, Restore};
use crate::engine::scheduler::Task;
use crate::engine::sorting::CollectBTree;
use std::collections::BTreeMap;

/// What a broker's start found in its log dir.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerStart {
    /// `WARNING:` lines about the log dir.
    pub warnings: Vec<String>,
    /// What loading (and, after a crash, recovering) each log did.
    pub recovery: Vec<LogDirRecovery>,
}

impl Cluster {
    /// Hands `message` to the network from `from` to `to`.
    pub(crate) fn send(&mut self, from: i32, to: i32, message: Message) -> Sent {
        let now = self.now().as_millis();
        let (network, rng) = self.network_and_rng();
        network.send(rng, now, from, to, message)
    }

    /// A message arrives: handed to its node, unless that node's process is not running.
    pub(crate) fn deliver(&mut self, envelope: Envelope<Message>) {
        let Envelope {
            from, to, message, ..
        } = envelope;
        if !self.broker(to).is_some_and(|b| b.is_running()) {
            return;
        }
        match message {
            Message::Fetch(request) => self.handle_fetch(to, request, true),
            Message::FetchResponse(response) => self.handle_fetch_response(to, from, response),
            Message::Raft(message) => self.deliver_raft(to, from, message),
        }
    }

    /// Runs one replication job (`Task`s of this module).
    pub(crate) fn run_replication_task(&mut self, task: Task) {
        match task {
            Task::ReplicaFetch { broker, leader } => self.send_replica_fetch(broker, leader),
            Task::ReplicaFetchTimeout { broker, leader } => {
                self.replica_fetch_timed_out(broker, leader)
            }
            Task::ParkedFetchExpiry { broker, request_id } => {
                self.complete_parked_fetch(broker, request_id)
            }
            Task::IsrExpiration { broker } => self.run_isr_expiration(broker),
            Task::ControllerTick => self.run_controller_tick(),
            Task::LeaderBalance => self.run_leader_balance(),
            _ => {}
        }
    }

    /// The replication jobs a new or restored cluster starts with.
    pub(crate) fn schedule_replication_jobs(&mut self) {
        let settings = self.replication_settings();
        self.schedule_in(settings.broker_heartbeat_interval_ms, Task::ControllerTick);
        self.schedule_in(
            settings.leader_imbalance_check_interval_ms,
            Task::LeaderBalance,
        );
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for broker in ids {
            self.schedule_in(
                settings.replica_lag_time_max_ms / 2,
                Task::IsrExpiration { broker },
            );
        }
        self.run_controller_membership();
    }

    /// Stops `broker`'s process: a clean shutdown flushes and checkpoints everything first; a
    /// crash loses every byte past each log's recovery point. Either way its in-flight messages
    /// are lost and its logs are closed.
    pub(crate) fn shut_down_broker(&mut self, broker: i32, state: BrokerState) {
        let now = self.now().as_millis();
        let cluster_id = self.cluster_id().to_string();
        let seed = self.options().seed;
        if state == BrokerState::Crashed {
            self.lose_unflushed(broker);
        }
        let dropped = self.network_mut().drop_node(broker);
        self.stop_quorum_node(broker, state == BrokerState::Stopped);
        // Its connections close: fetches the others hold for it are dropped, not answered.
        let ids: Vec<i32> = self.brokers().map(|b| b.node_id).collect();
        for id in ids {
            if let Some(other) = self.broker_mut(id) {
                other.replica.parked.retain(|_, p| p.follower != broker);
            }
        }
        let Some(node) = self.broker_mut(broker) else {
            return;
        };
        if state == BrokerState::Stopped {
            let keys: Vec<(String, i32)> = node
                .logs()
                .map(|l| (l.topic().to_string(), l.partition()))
                .collect();
            for (topic, partition) in keys {
                if let Some((log, _)) = node.log_mut(&topic, partition) {
                    let end = log.log_end_offset();
                    log.mark_flushed(end, now);
                }
            }
            checkpoint_broker(node, &cluster_id, seed, now, true);
            for path in node.store.dirty_paths() {
                node.request_flush(&path);
            }
            node.store.replace(
                CLEAN_SHUTDOWN_FILE,
                clean_shutdown_file_contents(-1).as_bytes(),
            );
            node.request_flush(CLEAN_SHUTDOWN_FILE);
        }
        node.close_logs();
        node.replica = ReplicaManager::default();
        node.state = state;
        self.emit(EventKind::BrokerStateChanged {
            broker,
            state,
            messages_lost: dropped.len(),
        });
    }

    /// A crash's loss: each log of `broker` cut back to its recovery point, as the disk holds
    /// only what was flushed (the operating system's own write-back is not modelled).
    fn lose_unflushed(&mut self, broker: i32) {
        let keys: Vec<(String, i32, i64)> = self
            .broker(broker)
            .map(|b| {
                b.logs()
                    .map(|l| (l.topic().to_string(), l.partition(), l.recovery_point()))
                    .collect()
            })
            .unwrap_or_default();
        for (topic, partition, recovery_point) in keys {
            self.truncate_replica(
                broker,
                &topic,
                partition,
                recovery_point,
                "crash before flush",
            );
        }
    }

    /// Loads `broker`'s logs from its log dir as a starting broker does (`LogManager.loadLogs`,
    /// with recovery after a crash).
    pub(crate) fn reload_broker(&mut self, broker: i32) -> BrokerStart {
        let now = self.now().as_millis();
        let cluster_id = self.cluster_id();
        let seed = self.options().seed;
        let configs: BTreeMap<String, TopicConfigs> = self
            .topics()
            .filter_map(|t| self.topic_configs(&t.name).map(|c| (t.name.clone(), c)))
            .collect_map();
        let topics = self
            .topics()
            .map(|t| (t.name.clone(), t.clone()))
            .collect_map();
        let Some(node) = self.broker_mut(broker) else {
            return BrokerStart::default();
        };
        ensure_meta_properties(&mut node.store, broker, &cluster_id.to_string(), seed, now);
        let store = std::mem::take(&mut node.store);
        let log_dir = node.log_dir.clone();
        let rng = self.rng().clone();
        let mut restore = Restore {
            topics: &topics,
            now,
            configs: &configs,
            rng,
            warnings: Vec::new(),
            recovery: Vec::new(),
        };
        let loaded = restore.broker(broker, log_dir, store.clone());
        let Restore {
            rng,
            mut warnings,
            recovery,
            ..
        } = restore;
        *self.rng() = rng;
        let Some(node) = self.broker_mut(broker) else {
            return BrokerStart::default();
        };
        match loaded {
            Ok(loaded) => node.take_loaded(loaded),
            Err(error) => {
                node.store = store;
                warnings.push(format!(
                    "WARNING: broker {broker} cannot load its log dir: {error}"
                ));
                return BrokerStart {
                    warnings,
                    recovery: Vec::new(),
                };
            }
        }
        node.state = BrokerState::Running;
        self.emit(EventKind::BrokerStateChanged {
            broker,
            state: BrokerState::Running,
            messages_lost: 0,
        });
        BrokerStart { warnings, recovery }
    }

    /// The share of `segment.jitter.ms` a new segment of this log gets, drawn only when the
    /// log has jitter (so the generator does not move for logs without).
    pub(crate) fn next_roll_jitter(&mut self, broker: i32, topic: &str, partition: i32) -> i64 {
        let bound = self
            .broker(broker)
            .and_then(|b| b.log(topic, partition))
            .map_or(0, |log| crate::engine::cluster::jitter_bound(log.config()));
        if bound <= 0 {
            return 0;
        }
        let draw = self.rng().next_u64();
        crate::engine::cluster::jitter_from_draw(draw, bound)
    }

    /// The next request id (for matching answers to requests).
    pub(crate) fn next_request_id(&mut self) -> u64 {
        let id = self.request_counter();
        *id += 1;
        *id
    }
}

/// The `network` verbs: faults on links between brokers.
impl Cluster {
    /// Cuts `a` off from `b` both ways; what was in flight between them is lost. Returns how
    /// many messages were.
    pub fn partition_network(&mut self, a: i32, b: i32) -> usize {
        let lost = self.network_mut().partition(a, b).len();
        self.emit(EventKind::NetworkChanged {
            description: format!("partition {a} {b}"),
        });
        lost
    }

    pub fn heal_link(&mut self, a: i32, b: i32) {
        self.network_mut().heal(a, b);
        self.emit(EventKind::NetworkChanged {
            description: format!("heal {a} {b}"),
        });
    }

    pub fn heal_network(&mut self) {
        self.network_mut().heal_all();
        self.emit(EventKind::NetworkChanged {
            description: "heal".to_string(),
        });
    }

    pub fn set_link_delay(&mut self, a: i32, b: i32, delay_ms: i64) {
        self.network_mut().set_delay(a, b, delay_ms);
        self.emit(EventKind::NetworkChanged {
            description: format!("delay {a} {b} {delay_ms}ms"),
        });
    }

    pub fn set_link_drop(&mut self, a: i32, b: i32, drop_ppm: u32) {
        self.network_mut().set_drop(a, b, drop_ppm);
        self.emit(EventKind::NetworkChanged {
            description: format!("drop {a} {b} {drop_ppm}ppm"),
        });
    }
}
