//! Handing a workspace from one tab to another (issue #9): what the handing tab says when its
//! last save failed or a save was under way, the rewrite after a take-over by force, and the Web
//! Locks steal that a take-over by force uses (the holder is told its lock is gone).

use kafka_playground::i18n::{Lang, Message};
use kafka_playground::ui::saving::StorageStatus;
use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::session::CommandRequest;
use kafka_playground::ui::web_lock;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn loaded() -> Rc<Store> {
    Rc::new(Store::default()).reduce(Action::Loaded {
        cluster: None,
        status: StorageStatus::Saved,
        notes: Vec::new(),
        report: None,
    })
}

fn create(store: Rc<Store>, topic: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(&format!(
        "kafka-topics.sh --create --topic {topic} --partitions 1\n"
    ))))
}

#[wasm_bindgen_test]
fn a_tab_taken_over_says_whether_everything_was_saved() {
    assert_eq!(
        StorageStatus::Saved.after_take_over(),
        StorageStatus::TakenOver
    );
    let full = Message::plain("the storage quota is exceeded (QuotaExceededError)");
    assert_eq!(
        StorageStatus::Failed(full.clone()).after_take_over(),
        StorageStatus::TakenOverUnsaved(full.clone())
    );
    assert!(matches!(
        StorageStatus::Saving.after_take_over(),
        StorageStatus::TakenOverUnsaved(_)
    ));
    assert_eq!(
        StorageStatus::Unreadable("bad".into()).after_take_over(),
        StorageStatus::TakenOver,
        "a tab that could not read the workspace wrote nothing to it"
    );
    // A tab that never owned the workspace stays what it was.
    assert_eq!(
        StorageStatus::OtherTab.after_take_over(),
        StorageStatus::OtherTab
    );
    // The note a refusing owner added to its "Not saved" line is not what was lost.
    let refused = kafka_playground::ui::saving::refusing(full.clone());
    assert!(refused.to_string().starts_with(
        "the storage quota is exceeded (QuotaExceededError); another tab asked to take this workspace over"
    ));
    assert_eq!(
        StorageStatus::Failed(refused).after_take_over(),
        StorageStatus::TakenOverUnsaved(full.clone())
    );
    let text = StorageStatus::TakenOverUnsaved(full.clone()).describe("default", Lang::En);
    assert!(text.contains("before this tab's last changes were saved (the storage quota is exceeded (QuotaExceededError))"), "{text}");
    assert!(text.contains("in this tab only"), "{text}");
    // In Korean the page's words are Korean; the browser's error stays as it gave it.
    let text = StorageStatus::Failed(kafka_playground::ui::saving::refusing(full))
        .describe("default", Lang::Ko);
    assert!(
        text.starts_with(
            "저장되지 않음: the storage quota is exceeded (QuotaExceededError); 다른 탭이"
        ),
        "{text}"
    );
    let text = StorageStatus::Saving
        .after_take_over()
        .describe("default", Lang::Ko);
    assert!(text.contains("(저장 중이었음)"), "{text}");
}

/// The hand-over's flush fails: the tab keeps its cluster and a rewrite pending; if the
/// workspace is then taken by force, it says what it had not saved and writes nothing more.
#[wasm_bindgen_test]
fn a_failed_hand_over_keeps_the_changes_and_says_so_when_taken_by_force() {
    let store = create(loaded(), "orders");
    let store = store.reduce(Action::CleanShutdown);
    assert_eq!(store.outbox.len(), 1);
    let store = store
        .reduce(Action::Sent(1))
        .reduce(Action::SaveFailed("the disk is full".into()));
    assert_eq!(
        store.storage,
        StorageStatus::Failed("the disk is full".into())
    );
    assert!(store.rewrite_all, "the next save rewrites the workspace");
    assert_eq!(store.cluster().topics().count(), 1, "the cluster is intact");

    let store = store.reduce(Action::TakenOver);
    assert_eq!(
        store.storage,
        StorageStatus::TakenOverUnsaved("the disk is full".into())
    );
    assert!(!store.storage.writes());
    let store = create(store, "ghost").reduce(Action::Persist);
    assert!(store.outbox.is_empty(), "a tab taken over queues nothing");
}

/// After a take-over by force the first save rewrites the whole workspace.
#[wasm_bindgen_test]
fn taking_by_force_rewrites_the_workspace_whole() {
    let store = create(loaded(), "orders").reduce(Action::Persist);
    assert!(!store.outbox[0].clear_first);
    let store = store.reduce(Action::Sent(1)).reduce(Action::Saved);
    let store = store.reduce(Action::RewriteAll);
    assert_eq!(store.outbox.len(), 1);
    let batch = &store.outbox[0];
    assert!(batch.clear_first);
    assert!(
        batch
            .changes
            .iter()
            .any(|c| format!("{c:?}").contains("orders-0/00000000000000000000.log")),
        "{:?}",
        batch.changes
    );
    assert_eq!(store.storage, StorageStatus::Saving);
}

/// `steal: true` takes a held lock, and its holder is told (the page then stops writing).
#[wasm_bindgen_test]
async fn a_stolen_lock_tells_its_holder() {
    let name = "kplay-test/steal";
    let lost = Rc::new(Cell::new(0));
    let counted = lost.clone();
    let first = web_lock::hold(name, Rc::new(move || counted.set(counted.get() + 1)))
        .await
        .expect("free");
    assert!(
        web_lock::hold(name, Rc::new(|| {})).await.is_none(),
        "held: not available"
    );
    let second = web_lock::steal(name, Rc::new(|| {})).await.expect("stolen");
    for _ in 0..20 {
        if lost.get() > 0 {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    assert_eq!(lost.get(), 1, "the holder learns its lock is gone");
    // Releasing a stolen lock does nothing; the thief's is released normally.
    first.release();
    second.release();
    let again = web_lock::hold(name, Rc::new(|| {}))
        .await
        .expect("free again");
    again.release();
}
