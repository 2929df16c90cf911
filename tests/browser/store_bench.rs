//! What one store action costs as the cluster grows (issue #10, playback): the reducer runs
//! once per animation frame while playing, so its fixed cost — before any engine work — must
//! not grow with the records the cluster holds. Yew keeps the previous state alive while it
//! reduces (its handles hold it), so this benchmark holds it too. Printed, never asserted
//! (docs/PERFORMANCE.md keeps the figures).

use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn run(store: Rc<Store>, script: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(script)))
}

/// Records the background producer `fill` has had acknowledged.
fn records(store: &Store) -> u64 {
    store
        .cluster()
        .background_producers()
        .get("fill")
        .map_or(0, |p| p.stats.acknowledged)
}

/// Mean milliseconds of `rounds` reductions of `action`, the previous state kept alive. With
/// `hold_snapshot` a snapshot of the cluster is held across each reduction, so the reducer must
/// copy it — what every action cost when the store kept a plain `Rc<Cluster>` that the previous
/// state shared.
fn mean_reduce_ms(
    store: &mut Rc<Store>,
    action: &Action,
    rounds: u32,
    hold_snapshot: bool,
    now: &dyn Fn() -> f64,
) -> f64 {
    let start = now();
    for _ in 0..rounds {
        let previous = store.clone();
        let snapshot = hold_snapshot.then(|| previous.cluster());
        *store = previous.clone().reduce(action.clone());
        drop((previous, snapshot));
    }
    (now() - start) / f64::from(rounds)
}

#[wasm_bindgen_test]
fn benchmark_reduce_vs_records() {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let now = move || performance.now();
    let mut store = run(
        Rc::new(Store::default()),
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
         producer start fill --topic orders --rate 10000/s --keys 'k{n%50}'",
    );
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    console_log!(
        "wasm32 in Chromium ({build}), 3 brokers, orders: 3 partitions RF=3, mean of 5 (ms)\n\
         records | `time advance 1ms` copied (before) | in place (now) | `Saved` (no change)"
    );
    // 1 k, 10 k, 100 k records: the producer sends 10 000 a simulated second.
    for advance in ["100ms", "900ms", "9s"] {
        store = run(store, &format!("time advance {advance}"));
        let tick = Action::AdvanceTime(1);
        let copied = mean_reduce_ms(&mut store, &tick, 5, true, &now);
        let in_place = mean_reduce_ms(&mut store, &tick, 5, false, &now);
        let saved = mean_reduce_ms(&mut store, &Action::Saved, 5, false, &now);
        console_log!(
            "{:>7} | {copied:>10.3} | {in_place:>10.3} | {saved:>10.3}",
            records(&store)
        );
    }
}

/// The write-behind while playing: what one flush of two seconds of a 1000 records/s producer
/// and a consumer group costs — taking the changes (`Action::Persist`) and writing them to
/// IndexedDB. Printed, never asserted.
#[wasm_bindgen_test]
async fn benchmark_flush_while_playing() {
    use kafka_playground::storage::indexeddb::Workspace;
    use kafka_playground::ui::saving::StorageStatus;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let now = move || performance.now();
    let mut store = Rc::new(Store::default()).reduce(Action::Loaded {
        cluster: None,
        status: StorageStatus::Saved,
        notes: Vec::new(),
        report: None,
    });
    store = run(
        store,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
         producer start fill --topic orders --rate 1000/s --keys 'k{n%50}'\n\
         consumer start c1 --group g --topic orders\ntime advance 2s",
    );
    let mut workspace = Workspace::open("store-bench").await.expect("IndexedDB");
    workspace.clear().await.expect("clear");
    console_log!("flush after | take changes (ms) | changes | bytes | IndexedDB write (ms)");
    for round in 0..4 {
        let start = now();
        store = store.reduce(Action::Persist);
        let taken = now() - start;
        let batch = store.outbox.last().cloned().expect("a batch");
        let sent = store.outbox.len();
        store = store.reduce(Action::Sent(sent));
        let bytes: u64 = batch.changes.iter().map(|c| c.data_len()).sum();
        let start = now();
        workspace
            .apply(&batch.changes, batch.clear_first)
            .await
            .expect("written");
        let written = now() - start;
        console_log!(
            "{:>11} | {taken:>8.2} | {:>7} | {bytes:>8} | {written:>8.2}",
            if round == 0 { "start" } else { "2 s" },
            batch.changes.len()
        );
        store = run(store, "time advance 2s");
    }
    workspace.close();
}
