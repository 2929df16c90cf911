//! The timeline in the store and its panel (issue #10, item 4): marks for the page's own actions
//! (the topic form, the produce button, a broker button, playback frames), a rewind through
//! `Action::Rewind` replayed a slice per frame, a new branch for what is done next, and the old
//! branch's end restoring the very cluster that was left (its trace hash). The panel lists the
//! moments and its rewind buttons do the same.

use crate::{loaded_store, mount, play_frames, settle};
use kafka_playground::scenario::history::{MarkKind, Moment};
use kafka_playground::scenario::replay::ReplayJob;
use kafka_playground::scenario::Scenario;
use kafka_playground::ui::components::timeline_panel::TimelinePanel;
use kafka_playground::ui::faults::BrokerVerb;
use kafka_playground::ui::playback::PlaybackAction;
use kafka_playground::ui::store::{Action, Store, StoreHandle};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;
use yew::Reducible;

fn replayed(mut store: Rc<Store>) -> Rc<Store> {
    let mut slices = 0;
    while store.replaying.is_some() {
        store = store.reduce(Action::ReplayChunk);
        slices += 1;
        assert!(slices < 10_000);
    }
    store
}

/// A session of the page's own actions: a topic, a produce, playback, a kill, more playback.
fn session() -> Rc<Store> {
    let mut store = loaded_store().reduce(Action::Playback(PlaybackAction::Speed(100.0)));
    store = store.reduce(Action::CreateTopic {
        name: "orders".into(),
        partitions: 3,
        replication_factor: Some(3),
    });
    store = store.reduce(Action::Produce {
        topic: "orders".into(),
    });
    store = play_frames(store, 20);
    store = store.reduce(Action::Broker {
        verb: BrokerVerb::Kill,
        node_id: 2,
    });
    store = play_frames(store, 40);
    store.reduce(Action::AdvanceTime(30_000))
}

fn broker_state(store: &Store, id: i32) -> String {
    store
        .cluster()
        .broker(id)
        .map(|b| b.state.name().to_string())
        .unwrap_or_default()
}

fn kill_mark(store: &Store) -> Moment {
    let history = store.timeline.history.borrow();
    history
        .branch(history.live())
        .expect("the branch")
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Command && m.text == "broker kill 2")
        .expect("a mark for the kill")
        .moment
}

#[wasm_bindgen_test]
fn a_rewind_replays_to_the_moment_and_the_old_branch_comes_back_whole() {
    let store = session();
    let end_hash = store.scenario.trace_hash();
    let end_now = store.cluster().now();
    let kill = kill_mark(&store);
    assert_eq!(broker_state(&store, 2), "crashed");
    {
        let history = store.timeline.history.borrow();
        let marks = &history.branch(1).expect("the branch").marks;
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkKind::Leader && m.moment > kill));
        assert!(marks
            .iter()
            .any(|m| m.kind == MarkKind::Broker && m.moment > kill));
    }

    // Rewind to just before the kill: a slice per frame; nothing else runs meanwhile.
    let mut rewound = store.reduce(Action::Rewind {
        branch: 1,
        moment: kill,
    });
    if rewound.replaying.is_some() {
        let ignored = rewound.clone().reduce(Action::AdvanceTime(1_000));
        assert!(Rc::ptr_eq(&ignored, &rewound));
    }
    rewound = replayed(rewound);
    assert_eq!(rewound.cluster().now().as_millis(), kill.at_ms);
    assert_eq!(broker_state(&rewound, 2), "running");
    assert_eq!(rewound.timeline.history.borrow().live(), 2);
    assert!(
        rewound.rewrite_all,
        "the workspace is rewritten after a rewind"
    );
    // The terminal says so, in the page's language (its English kept as the line's text).
    let note = rewound.terminal.lines().last().expect("a note");
    assert!(note.text.starts_with("# Rewound to T+"), "{note:?}");
    assert!(
        note.text.ends_with(
            "What you do now continues branch 2; the branch you left stays in the timeline."
        ),
        "{note:?}"
    );
    let korean = note.shown(kafka_playground::i18n::Lang::Ko);
    assert!(korean.starts_with("# T+"), "{korean}");
    assert!(
        korean.contains("(브랜치 2)로 되감았습니다")
            && korean.contains("이제 하는 일은 브랜치 2에 이어지고"),
        "{korean}"
    );
    // The same cluster as a replay of those steps from the start.
    let steps = rewound.scenario.steps().to_vec();
    let scenario = Scenario {
        steps,
        ..Scenario::new(rewound.scenario.options().clone())
    };
    let (mut job, mut fresh) = ReplayJob::rewind(Rc::new(scenario), None, kill.at_ms);
    assert!(job.run(&mut fresh, || true));
    assert_eq!(job.trace_hash(), rewound.scenario.trace_hash());
    assert_eq!(fresh.now(), rewound.cluster().now());

    // Acting starts branch 2 for real: broker 3 stops instead.
    let acted = rewound.reduce(Action::RunCommand(CommandRequest::typed("broker stop 3")));
    assert_eq!(broker_state(&acted, 3), "stopped");
    // Back to branch 1's end: the cluster as it was left.
    let end = acted
        .timeline
        .history
        .borrow()
        .branch(1)
        .expect("the branch")
        .end;
    let back = replayed(acted.reduce(Action::Rewind {
        branch: 1,
        moment: end,
    }));
    assert_eq!(back.cluster().now(), end_now);
    assert_eq!(back.scenario.trace_hash(), end_hash);
    assert_eq!(broker_state(&back, 2), "crashed");
    assert_eq!(broker_state(&back, 3), "running");
    let history = back.timeline.history.borrow();
    assert_eq!(history.live(), 1);
    let branch2 = history.branch(2).expect("branch 2 stays");
    assert_eq!(
        branch2.steps.last().map(|s| s.script.trim()),
        Some("broker stop 3")
    );
    assert!(back.checkpoint_count() >= 2);
}

#[wasm_bindgen_test]
fn a_reset_starts_the_history_over() {
    let store = session().reduce(Action::Reset);
    let history = store.timeline.history.borrow();
    assert_eq!(history.branches().len(), 1);
    assert!(history.branch(1).expect("the branch").marks.is_empty());
}

thread_local! {
    static STORE: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
}

/// The store of [`session`] in a context, around the panel.
#[component]
fn Harness() -> Html {
    let store = use_reducer(|| (*session()).clone());
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    html! {
        <ContextProvider<StoreHandle> context={store}><TimelinePanel /></ContextProvider<StoreHandle>>
    }
}

fn store() -> StoreHandle {
    STORE.with(|s| s.borrow().clone()).expect("rendered")
}

#[wasm_bindgen_test]
async fn the_panel_lists_moments_and_its_buttons_rewind() {
    let root = mount();
    yew::Renderer::<Harness>::with_root(root.clone()).render();
    settle().await;
    let rows = root
        .query_selector_all("[data-testid=timeline-marks] li")
        .expect("rows");
    assert!(rows.length() >= 5, "{}", root.inner_html());
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("broker kill 2"), "{text}");
    assert!(text.contains("Branch 1"), "{text}");
    // The kill's row: its button rewinds to just before it.
    let button: web_sys::HtmlElement = root
        .query_selector("li[data-kind=command][data-steps='2'] [data-testid=rewind]")
        .expect("query")
        .expect("the kill's rewind button")
        .dyn_into()
        .expect("html element");
    assert!(button
        .get_attribute("aria-label")
        .unwrap_or_default()
        .starts_with("Rewind to just before this command: T+"));
    button.click();
    settle().await;
    for _ in 0..10_000 {
        if store().replaying.is_none() {
            break;
        }
        store().dispatch(Action::ReplayChunk);
        settle().await;
    }
    assert_eq!(broker_state(&store(), 2), "running");
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Branch 2"), "{text}");
    // Branch 1 can be shown, and offers its end.
    let branch1: web_sys::HtmlElement = root
        .query_selector("[data-testid=branch-1]")
        .expect("query")
        .expect("branch 1")
        .dyn_into()
        .expect("html element");
    branch1.click();
    settle().await;
    assert!(root
        .query_selector("[data-testid=go-to-branch-end]")
        .expect("query")
        .is_some());
    // The filter shows one kind.
    let select: web_sys::HtmlSelectElement = root
        .query_selector("[data-testid=timeline-filter]")
        .expect("query")
        .expect("filter")
        .dyn_into()
        .expect("select");
    select.set_value("command");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    settle().await;
    let kinds: Vec<String> = (0..root
        .query_selector_all("[data-testid=timeline-marks] li")
        .expect("rows")
        .length())
        .filter_map(|i| {
            root.query_selector_all("[data-testid=timeline-marks] li")
                .ok()?
                .item(i)?
                .dyn_into::<web_sys::Element>()
                .ok()?
                .get_attribute("data-kind")
        })
        .collect();
    assert_eq!(kinds, vec!["command"; 3], "{kinds:?}");
}

/// How long a rewind takes (docs/PERFORMANCE.md, "Rewind"): a session of `n` recorded commands
/// (a one-record console producer each, a second apart, beside a background producer at 200
/// records/s), rewound to its middle — from the nearest checkpoint through the store, and from
/// the cluster's start by the same job. Reported, never asserted; full size only in an
/// optimised build.
#[wasm_bindgen_test]
fn benchmark_rewind() {
    let n = if cfg!(debug_assertions) { 40 } else { 400 };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut store = loaded_store().reduce(Action::CreateTopic {
        name: "orders".into(),
        partitions: 3,
        replication_factor: Some(3),
    });
    store = store.reduce(Action::RunCommand(CommandRequest::typed(
        "producer start load --topic orders --rate 200/s",
    )));
    for i in 0..n {
        store = store.reduce(Action::AdvanceTime(1_000));
        store = store.reduce(Action::RunCommand(CommandRequest::typed(&format!(
            "kafka-console-producer.sh --topic orders <<EOF\nrecord-{i}\nEOF"
        ))));
    }
    let middle = {
        let history = store.timeline.history.borrow();
        let marks = &history.branch(1).expect("the branch").marks;
        marks
            .iter()
            .filter(|m| m.kind == MarkKind::Command)
            .nth(n / 2)
            .expect("a middle command")
            .moment
    };
    let checkpoints = store.checkpoint_count();
    let started = performance.now();
    let rewound = replayed(store.reduce(Action::Rewind {
        branch: 1,
        moment: middle,
    }));
    let from_checkpoint_ms = performance.now() - started;
    assert_eq!(rewound.cluster().now().as_millis(), middle.at_ms);
    let scenario = Scenario {
        steps: rewound.scenario.steps().to_vec(),
        ..Scenario::new(rewound.scenario.options().clone())
    };
    let started = performance.now();
    let (mut job, mut cluster) = ReplayJob::rewind(Rc::new(scenario), None, middle.at_ms);
    assert!(job.run(&mut cluster, || true));
    let from_start_ms = performance.now() - started;
    assert_eq!(job.trace_hash(), rewound.scenario.trace_hash());
    console_log!(
        "rewind of a {n}-command session (200 records/s in the background) to command {}: {from_checkpoint_ms:.1} ms from the nearest of {checkpoints} checkpoints (through the store, a slice per action), {from_start_ms:.1} ms replayed from the start; {} MB of files",
        middle.steps,
        rewound.cluster().file_bytes() >> 20
    );
}

/// A background producer running at the moment rewound to is kept for the next reload (its
/// start line), and one started after that moment is forgotten.
#[wasm_bindgen_test]
fn a_rewind_keeps_the_clients_running_at_its_moment() {
    let mut store = loaded_store().reduce(Action::CreateTopic {
        name: "orders".into(),
        partitions: 3,
        replication_factor: Some(3),
    });
    store = store.reduce(Action::RunCommand(CommandRequest::typed(
        "producer start early --topic orders --rate 10/s",
    )));
    store = store.reduce(Action::AdvanceTime(2_000));
    store = store.reduce(Action::RunCommand(CommandRequest::typed(
        "producer start late --topic orders --rate 10/s",
    )));
    let names = |store: &Store| -> Vec<String> {
        store
            .session
            .clients
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(names(&store), vec!["early", "late"]);
    let late = {
        let history = store.timeline.history.borrow();
        history
            .branch(1)
            .expect("the branch")
            .marks
            .iter()
            .find(|m| m.text.starts_with("producer start late"))
            .expect("the late start's mark")
            .moment
    };
    let rewound = replayed(store.reduce(Action::Rewind {
        branch: 1,
        moment: late,
    }));
    assert_eq!(names(&rewound), vec!["early"]);
    assert_eq!(
        rewound.session.clients[0].line,
        "producer start early --topic orders --rate 10/s"
    );
}
