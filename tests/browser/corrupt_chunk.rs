//! A chunk of IndexedDB that is cut short or has a flipped bit (issue #9, "a corrupted or
//! truncated chunk → found on load, that log recovered as Kafka does, reported"). The workspace
//! is written behind without a clean shutdown (a tab that crashed), one chunk is damaged behind
//! the back-end's back, and the page's load path — `Workspace::load`, `restore_workspace`,
//! `RestartReport` — finds it: the log is truncated at the first bad batch, as Kafka's
//! `LogSegment.recover` does, and the report says how much. (With a clean shutdown Kafka checks
//! nothing below the recovery point, and neither does the playground.)

use kafka_playground::engine::persist::workspace::{restore_workspace, take_workspace_changes};
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::i18n::Lang;
use kafka_playground::storage::indexeddb::{database_name, Workspace};
use kafka_playground::ui::restart_report::RestartReport;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export function damage_first_chunk(dbName, path, mode) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('chunks', 'readwrite');
      const cursorRequest = tx.objectStore('chunks').openCursor(IDBKeyRange.bound([path], [path, []]));
      let damaged = 0;
      cursorRequest.onsuccess = () => {
        const cursor = cursorRequest.result;
        if (!cursor || damaged > 0) return;
        const bytes = new Uint8Array(cursor.value);
        if (mode === 'cut') {
          cursor.update(bytes.slice(0, Math.floor(bytes.length / 2)));
        } else {
          bytes[Math.floor(bytes.length * 3 / 4)] ^= 0xff;
          cursor.update(bytes);
        }
        damaged = bytes.length;
      };
      tx.oncomplete = () => { db.close(); resolve(damaged); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
"#)]
extern "C" {
    fn damage_first_chunk(db_name: &str, path: &str, mode: &str) -> js_sys::Promise;
}

const LOG: &str = "broker-1/orders-0/00000000000000000000.log";

/// A workspace written behind (no clean-shutdown file) with 400 records in `orders-0`.
async fn crashed_workspace(name: &str) -> i64 {
    let mut cluster = super::cluster_with_orders(1, 400);
    let mut workspace = Workspace::open(name).await.expect("open");
    workspace.clear().await.expect("clear");
    let changes = take_workspace_changes(&mut cluster);
    workspace.apply(&changes, false).await.expect("written");
    workspace.close();
    end_offset(&cluster)
}

fn end_offset(cluster: &Cluster) -> i64 {
    let broker = cluster.brokers().next().expect("a broker");
    broker
        .logs()
        .find(|log| log.topic() == "orders")
        .map(|log| log.log_end_offset())
        .expect("orders-0")
}

/// Damages the first chunk record of the segment, then loads and restarts as the page does.
async fn load_after(name: &str, mode: &str) -> (i64, RestartReport) {
    let damaged = JsFuture::from(damage_first_chunk(&database_name(name), LOG, mode))
        .await
        .expect("damaged");
    assert!(damaged.as_f64().unwrap_or(0.0) > 0.0, "a chunk of {LOG}");
    let mut workspace = Workspace::open(name).await.expect("open");
    let files = workspace.load().await.expect("a damaged chunk still loads");
    workspace.close();
    let restored = restore_workspace(&ClusterOptions::default(), files)
        .expect("restored")
        .expect("a cluster");
    let report =
        RestartReport::from_recovery(&restored.recovery, restored.cluster.now().as_millis())
            .expect("reported");
    (end_offset(&restored.cluster), report)
}

#[wasm_bindgen_test]
async fn a_chunk_cut_short_is_found_and_the_log_truncated_at_it() {
    let before = crashed_workspace("corrupt-cut").await;
    assert_eq!(before, 400);
    let (after, report) = load_after("corrupt-cut", "cut").await;
    assert!(after < before, "{after} < {before}");
    assert!(report.bytes_truncated > 0, "{report:?}");
    assert!(report.records_truncated > 0, "{report:?}");
    assert!(
        report.summary(Lang::En).contains("bytes truncated"),
        "{}",
        report.summary(Lang::En)
    );
}

#[wasm_bindgen_test]
async fn a_flipped_bit_in_a_chunk_is_found_by_its_crc() {
    let before = crashed_workspace("corrupt-bit").await;
    let (after, report) = load_after("corrupt-bit", "flip").await;
    assert!(after < before, "{after} < {before}");
    assert!(report.bytes_truncated > 0, "{report:?}");
    assert!(
        report.lines.iter().any(|l| l.contains("WARN")),
        "{:?}",
        report.lines
    );
}

#[wasm_bindgen(inline_js = r#"
export function create_newer(dbName) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName, 99);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => { open.result.close(); resolve(); };
  });
}
"#)]
extern "C" {
    fn create_newer(db_name: &str) -> js_sys::Promise;
}

/// A workspace a newer page upgraded (a later schema version) is not opened, and says why.
#[wasm_bindgen_test]
async fn a_workspace_of_a_newer_schema_is_refused_with_a_clear_message() {
    JsFuture::from(create_newer(&database_name("newer-schema")))
        .await
        .expect("created");
    let error = Workspace::open("newer-schema")
        .await
        .err()
        .expect("refused");
    let text = error.to_string();
    assert!(
        text.contains("saved by a newer version of the playground"),
        "{text}"
    );
    assert!(text.contains("left untouched"), "{text}");
    Workspace::delete("newer-schema").await.expect("deleted");
}
