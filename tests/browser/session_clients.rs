//! The UI session kept for a reload (issue #9, `ui::session_clients`): start lines remembered
//! as clients start and forgotten as they stop, are killed or reset; kept per workspace (a
//! rename moves it, a delete drops it); restarted only by the tab that owns the workspace.

use kafka_playground::i18n::Lang;
use kafka_playground::ui::saving::StorageStatus;
use kafka_playground::ui::session_clients::{
    forget_kept, keep, load_kept, move_kept, ClientKind, KeptSession, PartitionPick,
};
use kafka_playground::ui::store::{Action, Store, ViewChange};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn loaded(status: StorageStatus) -> Rc<Store> {
    Rc::new(Store::default()).reduce(Action::Loaded {
        cluster: None,
        status,
        notes: Vec::new(),
        report: None,
    })
}

fn run(store: Rc<Store>, line: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(line)))
}

const PRODUCER: &str = "producer start p1 --topic orders --rate 5/s --keys 'user-{n%3}'";
const CONSUMER: &str = "consumer start c1 --group g --topic orders --from-beginning";

fn with_clients() -> Rc<Store> {
    let store = run(
        loaded(StorageStatus::Saved),
        "kafka-topics.sh --create --topic orders --partitions 2",
    );
    let store = run(store, PRODUCER);
    run(store, CONSUMER)
}

fn kept(store: &Store) -> Vec<(ClientKind, String, String)> {
    store
        .session
        .clients
        .iter()
        .map(|c| (c.kind, c.name.clone(), c.line.clone()))
        .collect()
}

#[wasm_bindgen_test]
fn start_lines_are_kept_as_run_and_forgotten_on_stop_and_kill() {
    let store = with_clients();
    assert_eq!(
        kept(&store),
        vec![
            (ClientKind::Producer, "p1".into(), PRODUCER.into()),
            (ClientKind::Consumer, "c1".into(), CONSUMER.into()),
        ]
    );
    // A start refused (the name runs already) keeps the first line.
    let store = run(store, "producer start p1 --topic other");
    assert_eq!(kept(&store)[0].2, PRODUCER);
    let store = run(store, "producer stop p1");
    assert_eq!(
        kept(&store),
        vec![(ClientKind::Consumer, "c1".into(), CONSUMER.into())]
    );
    let store = run(store, "consumer kill c1");
    assert!(store.session.clients.is_empty());
}

#[wasm_bindgen_test]
fn a_start_that_fails_is_not_kept_and_a_script_keeps_each_start() {
    let store = run(
        loaded(StorageStatus::Saved),
        "producer start p9 --rate many",
    );
    assert!(store.session.clients.is_empty(), "{:?}", store.session);
    let store = run(
        store,
        "kafka-topics.sh --create --topic t --partitions 1\nproducer start a --topic t\nproducer start 'b b' --topic t\n",
    );
    let lines: Vec<String> = store
        .session
        .clients
        .iter()
        .map(|c| c.line.clone())
        .collect();
    assert_eq!(
        lines,
        [
            "producer start a --topic t",
            "producer start 'b b' --topic t"
        ]
    );
}

#[wasm_bindgen_test]
fn a_reset_forgets_the_clients() {
    let store = with_clients().reduce(Action::Reset);
    assert!(store.session.clients.is_empty());
}

#[wasm_bindgen_test]
fn views_are_kept_and_the_session_survives_encoding() {
    let pick = PartitionPick {
        topic: "orders".into(),
        partition: 1,
        replica: Some(2),
    };
    let store = with_clients()
        .reduce(Action::View(ViewChange::Partition(pick.clone())))
        .reduce(Action::View(ViewChange::Files(Some(3))));
    assert_eq!(store.session.partition, Some(pick));
    assert_eq!(store.session.files, Some(3));
    let decoded = KeptSession::decode(&store.session.encode());
    assert_eq!(decoded, *store.session);
}

#[wasm_bindgen_test]
fn a_workspace_rename_moves_its_session_and_a_delete_drops_it() {
    let session = with_clients().session.clone();
    keep("session-test-a", &session);
    move_kept("session-test-a", "session-test-b");
    assert_eq!(load_kept("session-test-a"), KeptSession::default());
    assert_eq!(load_kept("session-test-b"), *session);
    forget_kept("session-test-b");
    assert_eq!(load_kept("session-test-b"), KeptSession::default());
}

#[wasm_bindgen_test]
fn the_owner_restarts_the_kept_clients_and_says_so() {
    let before = with_clients();
    let saved = (*before.session).clone();
    // After the reload: the cluster (with its topic) is back; the clients are not.
    let reloaded = run(
        loaded(StorageStatus::Saved),
        "kafka-topics.sh --create --topic orders --partitions 2",
    );
    let restored = reloaded.reduce(Action::RestoreSession(saved.clone()));
    assert_eq!(restored.session.clients, saved.clients);
    let cluster = restored.cluster();
    assert!(cluster.background_producers().contains_key("p1"));
    assert!(cluster.background_consumers().contains_key("c1"));
    let note_in = |lang| {
        restored
            .session_note
            .as_ref()
            .map(|n| n.text(lang))
            .unwrap_or_default()
    };
    let note = note_in(Lang::En);
    assert!(
        note.starts_with("Restarted producer p1 and consumer c1"),
        "{note}"
    );
    // In the page's language (issue #10, item 5).
    let korean = note_in(Lang::Ko);
    assert!(
        korean.starts_with("복원된 시각에 producer p1, consumer c1을(를) 다시 시작했습니다"),
        "{korean}"
    );
    assert!(
        note.contains("Consumer c1 rejoins group g as a new member"),
        "{note}"
    );

    // A tab that does not own the workspace runs nothing.
    let other = loaded(StorageStatus::OtherTab).reduce(Action::RestoreSession(saved));
    assert!(other.cluster().background_producers().is_empty());
    assert!(other.session.clients.is_empty());
    assert_eq!(other.session_note, None);
}

#[wasm_bindgen_test]
fn a_client_that_cannot_start_again_is_named() {
    // A line kept by an older page that this one refuses.
    let saved =
        KeptSession::decode(&["client\tproducer\tp2\tproducer start p2 --rate many".to_string()]);
    let restored = loaded(StorageStatus::Saved).reduce(Action::RestoreSession(saved));
    let note = restored
        .session_note
        .as_ref()
        .map(|n| n.text(Lang::En))
        .unwrap_or_default();
    assert_eq!(note, "Could not restart producer p2 (see the terminal).");
    assert!(restored.session.clients.is_empty());
}

#[wasm_bindgen_test]
fn a_static_member_rejoins_with_its_instance_id_and_the_note_lists_everyone() {
    let store = run(
        loaded(StorageStatus::Saved),
        "kafka-topics.sh --create --topic orders --partitions 2",
    );
    let store = run(store, "producer start a --topic orders");
    let store = run(store, "producer start b --topic orders");
    let store = run(
        store,
        "consumer start s1 --group g --topic orders --instance-id app-1",
    );
    let saved = (*store.session).clone();
    let reloaded = run(
        loaded(StorageStatus::Saved),
        "kafka-topics.sh --create --topic orders --partitions 2",
    );
    let note = reloaded
        .reduce(Action::RestoreSession(saved))
        .session_note
        .as_ref()
        .map(|n| n.text(Lang::En))
        .unwrap_or_default();
    assert!(
        note.starts_with("Restarted producer a, producer b and consumer s1 at the restored time"),
        "{note}"
    );
    assert!(
        note.contains("Consumer s1 rejoins group g as static member app-1 (group.instance.id)"),
        "{note}"
    );
}
