//! What the page reports after restarting the saved cluster (`ui::restart_report`): a workspace
//! written behind without a clean shutdown is recovered, a cut tail is truncated, and a clean
//! shutdown's restart says nothing — as Kafka's broker logs it.

use kafka_playground::engine::persist::workspace::{
    restore_workspace, take_workspace_changes, workspace_snapshot,
};
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::i18n::Lang;
use kafka_playground::storage::{Disk, MemoryDisk};
use kafka_playground::ui::restart_report::RestartReport;
use wasm_bindgen_test::*;

fn saved_cluster() -> (Cluster, MemoryDisk) {
    let mut cluster = super::cluster_with_orders(2, 200);
    let mut disk = MemoryDisk::new();
    disk.apply(&workspace_snapshot(&mut cluster))
        .expect("applied");
    (cluster, disk)
}

fn report_of(disk: &MemoryDisk) -> Option<RestartReport> {
    let restored = restore_workspace(&ClusterOptions::default(), disk.files().clone())
        .expect("restored")
        .expect("a cluster");
    RestartReport::from_recovery(&restored.recovery, restored.cluster.now().as_millis())
}

#[wasm_bindgen_test]
fn a_write_behind_without_clean_shutdown_is_recovered_with_nothing_truncated() {
    let (_, disk) = saved_cluster();
    let report = report_of(&disk).expect("an unclean restart is reported");
    assert!(!report.clean);
    assert_eq!(report.logs, 2);
    assert_eq!(report.logs_recovered, 2, "{report:?}");
    assert_eq!(report.bytes_truncated, 0);
    assert!(report.summary(Lang::En).starts_with(
        "Restarted from IndexedDB after an unclean stop (no clean shutdown file): 2 of 2 logs recovered"
    ));
    // In Korean, IndexedDB (a name) stays as it is.
    assert!(report.summary(Lang::Ko).starts_with(
        "비정상 정지 후 IndexedDB에서 다시 시작했습니다 (정상 종료 파일 없음): 로그 2/2개 복구"
    ));
    assert!(report.lines.iter().any(|l| l.contains(
        "INFO Attempting recovery for all logs in /tmp/kraft-combined-logs/broker-1 since no clean shutdown file was found (kafka.log.LogManager)"
    )), "{:?}", report.lines);
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.contains("Recovering unflushed segment 0")),
        "{:?}",
        report.lines
    );
}

#[wasm_bindgen_test]
fn a_cut_tail_is_truncated_and_said() {
    let (_, mut disk) = saved_cluster();
    let (path, len) = disk
        .files()
        .iter()
        .find(|(p, b)| p.contains("orders-0/") && p.ends_with(".log") && !b.is_empty())
        .map(|(p, b)| (p.clone(), b.len() as u64))
        .expect("a segment");
    disk.apply(&[kafka_playground::storage::Change::Truncate { path, len: len - 5 }])
        .expect("applied");
    let report = report_of(&disk).expect("reported");
    assert!(report.bytes_truncated > 0, "{report:?}");
    assert!(report.records_truncated > 0);
    assert!(report.summary(Lang::En).contains("bytes truncated"));
}

#[wasm_bindgen_test]
fn a_clean_shutdown_restarts_quietly() {
    let (mut cluster, mut disk) = saved_cluster();
    cluster.prepare_clean_shutdown();
    disk.apply(&take_workspace_changes(&mut cluster))
        .expect("applied");
    cluster.write_clean_shutdown_files();
    disk.apply(&take_workspace_changes(&mut cluster))
        .expect("applied");
    assert_eq!(report_of(&disk), None);
}

/// The page's `pagehide`: one batch with the changes and the markers, a quiet restart from it,
/// and a tab that goes on running removes the markers at its next write.
#[wasm_bindgen_test]
fn leaving_the_page_is_a_clean_shutdown_in_one_batch() {
    use kafka_playground::storage::Change;
    use kafka_playground::ui::saving::StorageStatus;
    use kafka_playground::ui::store::{Action, Store};
    use kafka_playground::ui::terminal::session::CommandRequest;
    use std::rc::Rc;
    use yew::Reducible;

    let marker = "/.kafka_cleanshutdown";
    let store = Rc::new(Store::default()).reduce(Action::Loaded {
        cluster: None,
        status: StorageStatus::Saved,
        notes: Vec::new(),
        report: None,
    });
    let store = store.reduce(Action::RunCommand(CommandRequest::typed(
        "kafka-topics.sh --create --topic orders --partitions 2\n",
    )));
    let store = store.reduce(Action::CleanShutdown);
    assert_eq!(store.outbox.len(), 1, "one transaction");
    let mut disk = MemoryDisk::new();
    disk.apply(&store.outbox[0].changes).expect("applied");
    assert!(disk.files().keys().any(|p| p.ends_with(marker)));
    assert_eq!(report_of(&disk), None, "a clean restart says nothing");

    // Back from the back/forward cache: the next write takes the markers away.
    let store = store.reduce(Action::Sent(1)).reduce(Action::Saved);
    let store = store.reduce(Action::Persist);
    let changes = &store.outbox[0].changes;
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::Delete { path } if path.ends_with(marker))),
        "{changes:?}"
    );
    disk.apply(changes).expect("applied");
    assert!(!report_of(&disk).expect("reported").clean);
}
