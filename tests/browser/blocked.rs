//! IndexedDB blocked (issue #9, "IndexedDB unavailable or blocked → run in memory with a clear
//! banner"): another connection that does not close keeps a delete of the workspace's database
//! pending, and an open queued behind it waits; after `OPEN_WAIT_MS` the page's open gives up
//! with a message saying so (the page then runs in memory), and closes the connection should it
//! open later.

use kafka_playground::storage::indexeddb::{database_name, Workspace};
use kafka_playground::ui::workspaces::{open_or_blocked, OPEN_WAIT_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
let held = null;
export function hold_and_delete(dbName) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      held = open.result;
      // Not closed on versionchange: the delete below stays blocked.
      held.onversionchange = () => {};
      const deleting = indexedDB.deleteDatabase(dbName);
      deleting.onblocked = () => resolve('blocked');
      deleting.onsuccess = () => resolve('deleted');
    };
  });
}
export function let_go() { if (held) { held.close(); held = null; } }
"#)]
extern "C" {
    fn hold_and_delete(db_name: &str) -> js_sys::Promise;
    fn let_go();
}

#[wasm_bindgen_test]
async fn an_open_blocked_behind_a_delete_gives_up_and_says_so() {
    let name = "blocked-open";
    Workspace::open(name).await.expect("created").close();
    let state = JsFuture::from(hold_and_delete(&database_name(name)))
        .await
        .expect("asked");
    assert_eq!(state.as_string().as_deref(), Some("blocked"));
    let why = open_or_blocked(name).await.err().expect("gave up");
    let error = why.to_string();
    assert!(
        error.contains(&format!(
            "IndexedDB has not opened workspace 'blocked-open' within {} s: it is blocked",
            OPEN_WAIT_MS / 1000
        )),
        "{error}"
    );
    // Said in the page's language where the storage bar shows it.
    let korean = why.text(kafka_playground::i18n::Lang::Ko);
    assert!(
        korean.starts_with(&format!(
            "IndexedDB가 워크스페이스 'blocked-open'을(를) {}초 안에 열지 못했습니다",
            OPEN_WAIT_MS / 1000
        )),
        "{korean}"
    );
    // Once the other connection closes the delete and then the late open go through.
    let_go();
    let workspace = open_or_blocked(name).await.expect("opens now");
    workspace.close();
    Workspace::delete(name).await.expect("deleted");
}

#[wasm_bindgen_test]
async fn an_open_that_is_not_blocked_is_not_delayed() {
    let workspace = open_or_blocked("not-blocked").await.expect("opens");
    assert_eq!(workspace.name(), database_name("not-blocked"));
    workspace.close();
}
