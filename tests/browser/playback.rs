//! The store's playback actions (issue #10): play and pause, the speed, a frame's simulated time
//! (capped, carried in fractions, bounded by a wall-time budget that makes it fall behind
//! honestly), Step to the next event, "Jump by" through the terminal — and the cluster changed
//! in place rather than copied on every action.

use kafka_playground::ui::playback::{PlaybackAction, StepReport, MAX_FRAME_WALL_MS};
use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

/// A budget no test frame uses up: the frame runs everything it owes.
const AMPLE_MS: f64 = 60_000.0;

fn reduce(store: Rc<Store>, action: PlaybackAction) -> Rc<Store> {
    store.reduce(Action::Playback(action))
}

fn run(store: Rc<Store>, script: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(script)))
}

fn frame(store: Rc<Store>, wall_ms: f64, budget_ms: f64) -> Rc<Store> {
    reduce(store, PlaybackAction::Frame { wall_ms, budget_ms })
}

fn now(store: &Store) -> i64 {
    store.cluster().now().as_millis()
}

/// Three brokers, `orders` with 3 partitions and RF=3, a producer sending 1000 records/s.
fn busy() -> Rc<Store> {
    run(
        Rc::new(Store::default()),
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
         producer start p1 --topic orders --rate 1000/s --keys 'k{n%50}'",
    )
}

#[wasm_bindgen_test]
fn play_moves_the_clock_and_pause_stops_it_exactly() {
    let store = Rc::new(Store::default());
    assert!(!store.playback.playing, "paused at first");
    assert_eq!(store.playback.speed, 1.0);
    let start = now(&store);
    let store = frame(store, 16.0, AMPLE_MS);
    assert_eq!(now(&store), start, "a frame while paused moves nothing");

    let store = reduce(store, PlaybackAction::Play);
    assert!(store.playback.playing);
    let version = store.cluster_version;
    let store = frame(store, 16.0, AMPLE_MS);
    assert_eq!(
        now(&store),
        start + 16,
        "1×: a 16 ms frame is 16 ms of simulated time"
    );
    assert!(store.cluster_version > version, "a change to save");

    let store = reduce(store, PlaybackAction::Pause);
    let store = frame(store, 16.0, AMPLE_MS);
    assert_eq!(
        now(&store),
        start + 16,
        "the frame after Pause does nothing"
    );

    let store = reduce(store, PlaybackAction::Toggle);
    assert!(store.playback.playing);
    let store = reduce(store, PlaybackAction::Toggle);
    assert!(!store.playback.playing);
}

#[wasm_bindgen_test]
fn speed_scales_frames_and_fractions_carry() {
    let store = reduce(Rc::new(Store::default()), PlaybackAction::Play);
    let store = reduce(store, PlaybackAction::Speed(10.0));
    assert_eq!(store.playback.speed, 10.0);
    let start = now(&store);
    let store = frame(store, 50.0, AMPLE_MS);
    assert_eq!(now(&store), start + 500);

    // 3× is not offered: ignored.
    let store = reduce(store, PlaybackAction::Speed(3.0));
    assert_eq!(store.playback.speed, 10.0);

    // 0.1×: each 16 ms frame owes 1.6 ms; the fractions add up instead of being lost.
    let mut store = reduce(store, PlaybackAction::Speed(0.1));
    let start = now(&store);
    for _ in 0..10 {
        store = frame(store, 16.0, AMPLE_MS);
    }
    let moved = now(&store) - start;
    assert!((15..=16).contains(&moved), "moved {moved} ms, 16 owed");
}

#[wasm_bindgen_test]
fn a_late_frame_owes_no_backlog() {
    let store = reduce(Rc::new(Store::default()), PlaybackAction::Play);
    let start = now(&store);
    // The first frame after ten seconds in a hidden tab.
    let store = frame(store, 10_000.0, AMPLE_MS);
    assert_eq!(now(&store), start + MAX_FRAME_WALL_MS as i64);
}

#[wasm_bindgen_test]
fn a_slow_engine_falls_behind_and_says_so() {
    let mut store = reduce(busy(), PlaybackAction::Play);
    store = reduce(store, PlaybackAction::Speed(1000.0));
    let start = now(&store);
    // No budget: each frame runs one event only (a frame always makes progress).
    for _ in 0..10 {
        store = frame(store, 100.0, 0.0);
    }
    let moved = now(&store) - start;
    assert!(moved > 0, "every frame runs at least one event");
    assert!(moved < 10 * 100_000, "could not run what 1000× owed");
    let achieved = store
        .playback
        .achieved
        .expect("measured over a second of frames");
    assert!(achieved < 1000.0 * 0.9, "achieved {achieved}×");
    assert!(store.playback.is_behind());

    // With the budget it needs, it keeps up again.
    store = reduce(store, PlaybackAction::Speed(1.0));
    for _ in 0..10 {
        store = frame(store, 100.0, AMPLE_MS);
    }
    assert!(!store.playback.is_behind(), "{:?}", store.playback.achieved);
}

#[wasm_bindgen_test]
fn step_runs_exactly_the_next_event() {
    let store = reduce(busy(), PlaybackAction::Play);
    let from = now(&store);
    let due = store
        .cluster()
        .next_due()
        .expect("a producer keeps things due");
    let store = reduce(store, PlaybackAction::Step);
    assert!(!store.playback.playing, "Step pauses");
    assert_eq!(now(&store), due.max(from));
    assert_eq!(
        store.playback.last_step,
        Some(StepReport::Ran {
            from_ms: from,
            to_ms: due.max(from)
        })
    );
    let next = store.cluster().next_due().expect("more to come");
    assert!(next >= now(&store));
}

#[wasm_bindgen_test]
fn jump_by_runs_time_advance_in_the_terminal() {
    let store = Rc::new(Store::default());
    let start = now(&store);
    let store = run(store, "time advance 15m");
    assert_eq!(now(&store), start + 15 * 60_000);
    let store = run(store, "time advance 15x");
    assert_eq!(now(&store), start + 15 * 60_000);
    let text: Vec<String> = store.terminal.lines().map(|l| l.text.clone()).collect();
    assert!(
        text.iter()
            .any(|l| l.contains("time: invalid duration '15x'")),
        "{text:?}"
    );
}

/// The previous state stays alive while the reducer runs (Yew's handles hold it), yet the
/// cluster is changed in place; a snapshot someone holds is copied on write and stays as it was.
#[wasm_bindgen_test]
fn actions_change_the_cluster_in_place() {
    let store = reduce(busy(), PlaybackAction::Play);
    let before = Rc::as_ptr(&store.cluster());
    let previous = store.clone();
    let store = frame(store, 16.0, AMPLE_MS);
    let after = Rc::as_ptr(&store.cluster());
    assert!(std::ptr::eq(before, after), "not copied");
    drop(previous);

    let snapshot = store.cluster();
    let at = snapshot.now().as_millis();
    let store = frame(store, 16.0, AMPLE_MS);
    assert_eq!(snapshot.now().as_millis(), at, "a snapshot never changes");
    assert_eq!(now(&store), at + 16);
}

#[wasm_bindgen_test]
fn a_step_report_goes_once_the_clock_moves_otherwise() {
    let store = reduce(busy(), PlaybackAction::Step);
    assert!(store.playback.last_step.is_some());
    let store = run(store, "time advance 1s");
    assert_eq!(store.playback.last_step, None);
    let store = reduce(store, PlaybackAction::Step);
    let store = reduce(store, PlaybackAction::Play);
    let store = frame(store, 16.0, AMPLE_MS);
    assert_eq!(store.playback.last_step, None);
}
