//! The flush policy: what each setting makes durable and when (`UnifiedLog`, `LogManager`).

use super::*;
use crate::cli::run_script;
use crate::engine::scheduler::Task;
use crate::engine::ClusterOptions;
use crate::storage::MemoryDisk;

/// One broker: the flush policy is a broker's own business.
fn cluster_with(configs: &str) -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    });
    let output = run_script(
        &mut cluster,
        &format!("kafka-topics.sh --create --topic t {configs}\n"),
    );
    assert!(!output.failed, "{}", output.stderr());
    cluster
}

fn produce(cluster: &mut Cluster, value: &str) {
    let output = run_script(
        cluster,
        &format!("kafka-console-producer.sh --topic t <<EOF\n{value}\nEOF\n"),
    );
    assert!(!output.failed, "{}", output.stderr());
}

fn recovery_point(cluster: &Cluster) -> i64 {
    cluster
        .broker(1)
        .and_then(|b| b.log("t", 0))
        .map(|log| log.recovery_point())
        .expect("t-0")
}

fn queued(cluster: &Cluster) -> Vec<String> {
    cluster
        .broker(1)
        .expect("broker")
        .flush_queue
        .paths()
        .to_vec()
}

#[test]
fn the_queue_keeps_data_in_place_and_checkpoints_last() {
    let mut queue = FlushQueue::default();
    queue.push_data("t-0/a.log".to_string());
    queue.push_checkpoint("recovery-point-offset-checkpoint");
    queue.push_data("t-0/b.log".to_string());
    queue.push_data("t-0/a.log".to_string());
    queue.push_checkpoint("recovery-point-offset-checkpoint");
    assert_eq!(
        queue.paths(),
        ["t-0/a.log", "t-0/b.log", "recovery-point-offset-checkpoint"]
    );
}

#[test]
fn flush_messages_flushes_when_enough_offsets_are_unflushed() {
    // UnifiedLog.append: unflushedMessages >= flushInterval.
    let mut cluster = cluster_with("--config flush.messages=2");
    // The leader's epoch 0 starts at offset 0 when it becomes leader (`Partition.makeLeader`).
    assert_eq!(
        queued(&cluster),
        ["t-0/partition.metadata", "t-0/leader-epoch-checkpoint"]
    );
    produce(&mut cluster, "a");
    assert_eq!(recovery_point(&cluster), 0);
    produce(&mut cluster, "b");
    assert_eq!(recovery_point(&cluster), 2);
    assert_eq!(
        queued(&cluster),
        [
            "t-0/partition.metadata",
            // LeaderEpochFileCache.assign writes and flushes it when the leader is elected.
            "t-0/leader-epoch-checkpoint",
            "t-0/00000000000000000000.log",
            "t-0/00000000000000000000.index",
            "t-0/00000000000000000000.timeindex",
        ]
    );
    let flushed = cluster.drain_events().into_iter().any(|e| {
        e.kind
            == EventKind::LogFlushed {
                broker: 1,
                topic: "t".to_string(),
                partition: 0,
                recovery_point: 2,
            }
    });
    assert!(flushed);
}

#[test]
fn kafkas_defaults_flush_only_on_a_roll() {
    // UnifiedLog.roll: flushUptoOffsetExclusive(newSegment.baseOffset).
    let mut cluster = cluster_with("--config segment.bytes=150");
    for value in ["a", "b", "c", "d"] {
        produce(&mut cluster, value);
    }
    let log = cluster.broker(1).and_then(|b| b.log("t", 0)).expect("t-0");
    let active = log.active_segment().base_offset;
    assert!(active > 0, "the log rolled");
    assert_eq!(log.recovery_point(), active);
    assert!(log.unflushed_messages() > 0);
    assert!(!queued(&cluster).contains(&format!("t-0/{active:020}.log")));
}

#[test]
fn the_log_flusher_and_the_checkpoint_run_30_s_after_start_up() {
    // LogManager.startup: kafka-log-flusher every log.flush.scheduler.interval.ms (Long.MAX:
    // once), kafka-recovery-point-checkpoint every log.flush.offset.checkpoint.interval.ms.
    let mut cluster = cluster_with("--config flush.ms=1000");
    let start = cluster.now().as_millis();
    let pending: Vec<(i64, Task)> = cluster
        .scheduler()
        .pending()
        .filter(|(_, task)| matches!(task, Task::Flush(_)))
        .map(|(due, task)| (due, task.clone()))
        .collect();
    assert_eq!(
        pending,
        [
            (start + 30_000, Task::Flush(FlushTask::FlushDirtyLogs)),
            (
                start + 30_000,
                Task::Flush(FlushTask::CheckpointRecoveryPoints)
            ),
        ]
    );
    produce(&mut cluster, "a");
    cluster.advance_time(29_999);
    assert_eq!(recovery_point(&cluster), 0);
    cluster.advance_time(1);
    assert_eq!(recovery_point(&cluster), 1);
    let pending: Vec<(i64, Task)> = cluster
        .scheduler()
        .pending()
        .filter(|(_, task)| matches!(task, Task::Flush(_)))
        .map(|(due, task)| (due, task.clone()))
        .collect();
    assert_eq!(
        pending,
        [(
            start + 90_000,
            Task::Flush(FlushTask::CheckpointRecoveryPoints)
        )]
    );
    let store = &cluster.broker(1).expect("broker").store;
    assert_eq!(
        store.contents(checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT),
        Some(&b"0\n1\nt 0 1\n"[..])
    );
    assert_eq!(
        queued(&cluster).last().map(String::as_str),
        Some(checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT)
    );
}

#[test]
fn a_back_end_writes_exactly_what_was_made_durable() {
    let mut cluster = cluster_with("--config flush.messages=1");
    produce(&mut cluster, "a");
    let mut disk = MemoryDisk::new();
    let broker = cluster.broker_mut(1).expect("broker");
    broker.flush_requested(&mut disk).expect("flushed");
    assert!(broker.flush_queue.is_empty());
    let log = disk.file("t-0/00000000000000000000.log").expect("the log");
    assert_eq!(
        Some(log),
        broker.store.contents("t-0/00000000000000000000.log")
    );
    assert_eq!(
        disk.file(checkpoint::RECOVERY_POINT_OFFSET_CHECKPOINT),
        None
    );
    assert!(broker.take_flush_requests().is_empty());
}

#[test]
fn a_clean_shutdown_flushes_everything_and_writes_the_marker_last() {
    let mut cluster = cluster_with("");
    produce(&mut cluster, "a");
    cluster.prepare_clean_shutdown();
    assert_eq!(recovery_point(&cluster), 1);
    assert!(queued(&cluster).is_empty());
    let broker = cluster.broker(1).expect("broker");
    assert!(!broker.store.exists(CLEAN_SHUTDOWN_FILE));
    cluster.write_clean_shutdown_files();
    let broker = cluster.broker(1).expect("broker");
    assert_eq!(
        broker.store.contents(CLEAN_SHUTDOWN_FILE),
        Some(&br#"{"version":0,"brokerEpoch":-1}"#[..])
    );
}
