//! Issue #11: each panel action's *shown* command, typed into the terminal, gives the same state.
//!
//! Session A mounts the real panel over a store (`Harness`), fills it in and clicks, as a person
//! would; session B is a fresh store into which the command text the panel rendered (its preview,
//! or the tooltip a button shows its command in) is typed (`Action::RunCommand`) at the same
//! simulated times. Both must end with the same trace hash (`Recorder::trace_hash`, a hash of
//! every engine event) and the same visible state: the clock, `kafka-topics.sh --describe`, the
//! groups' members and offsets, every replica's log end offset.

use crate::{mount, settle};
use kafka_playground::cli::run_script;
use kafka_playground::ui::components::broker_card::BrokerCard;
use kafka_playground::ui::components::config_editor::ConfigEditor;
use kafka_playground::ui::components::groups_panel::GroupsPanel;
use kafka_playground::ui::components::network_panel::NetworkPanel;
use kafka_playground::ui::components::producer_form::ProducerForm;
use kafka_playground::ui::components::time_controls::TimeControls;
use kafka_playground::ui::components::topic_form::TopicForm;
use kafka_playground::ui::components::topic_list::TopicList;
use kafka_playground::ui::store::{Action, Store, StoreHandle};
use kafka_playground::ui::terminal::session::CommandRequest;
use kafka_playground::ui::terminal::{LineKind, Prompt};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

thread_local! {
    /// The harness's store as of its latest render (tests read session A from it).
    static STORE: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    children: Html,
}

/// A store in a context, as the app provides it, around the panel under test.
#[component]
fn Harness(props: &HarnessProps) -> Html {
    let store = use_reducer(Store::default);
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    html! {
        <ContextProvider<StoreHandle> context={store}>{ props.children.clone() }</ContextProvider<StoreHandle>>
    }
}

/// Session A: `panel` mounted over a fresh store, after `setup` lines were typed into it.
async fn session_a(panel: Html, setup: &[&str]) -> web_sys::Element {
    let root = mount();
    yew::Renderer::<Harness>::with_root_and_props(root.clone(), HarnessProps { children: panel })
        .render();
    settle().await;
    for line in setup {
        dispatch(Action::RunCommand(CommandRequest::typed(line))).await;
    }
    root
}

async fn dispatch(action: Action) {
    let handle = STORE
        .with(|s| s.borrow().clone())
        .expect("harness rendered");
    handle.dispatch(action);
    settle().await;
}

/// Whether the terminal shows `line` at its `$ ` prompt.
fn echoed(store: &Store, line: &str) -> bool {
    store
        .terminal
        .lines()
        .any(|l| l.kind == LineKind::Typed(Prompt::Shell) && l.text == line)
}

/// Session A's store as it is now.
fn store_a() -> StoreHandle {
    STORE
        .with(|s| s.borrow().clone())
        .expect("harness rendered")
}

/// Session B: a fresh store with `lines` typed into the terminal, one after the other.
fn session_b(lines: &[String]) -> Rc<Store> {
    lines.iter().fold(Rc::new(Store::default()), |store, line| {
        if let Some(ms) = line.strip_prefix("#advance ") {
            // Time passing between clicks (no command: a playback or a +1 s button in A too).
            return store.reduce(Action::AdvanceTime(ms.parse().expect("ms")));
        }
        store.reduce(Action::RunCommand(CommandRequest::typed(line)))
    })
}

/// What the page shows of a cluster, read with the tools on a copy (reading changes nothing).
fn visible(store: &Store) -> String {
    let cluster = store.cluster();
    let mut copy = (*cluster).clone();
    let output = run_script(
        &mut copy,
        "kafka-topics.sh --bootstrap-server localhost:9092 --describe --exclude-internal\n\
         kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --all-groups --members --verbose\n\
         kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --all-groups\n",
    );
    let mut text = format!("now {}\n{}", cluster.now().as_millis(), output.stdout());
    for topic in cluster.topics().filter(|t| !t.name.starts_with("__")) {
        for p in &topic.partitions {
            for &id in &p.replicas {
                let leo = cluster
                    .broker(id)
                    .and_then(|b| b.log(&topic.name, p.partition))
                    .map(|l| l.log_end_offset());
                text.push_str(&format!(
                    "{}-{} on {id}: {leo:?}\n",
                    topic.name, p.partition
                ));
            }
        }
    }
    for (name, producer) in cluster.background_producers() {
        text.push_str(&format!("producer {name}: {:?}\n", producer.stats));
    }
    text
}

fn assert_same(a: &Store, b: &Store) {
    assert_eq!(visible(a), visible(b));
    assert_eq!(a.scenario.trace_hash(), b.scenario.trace_hash());
    assert!(a.scenario.trace_hash() != Rc::new(Store::default()).scenario.trace_hash());
}

fn element(root: &web_sys::Element, testid: &str) -> web_sys::HtmlElement {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .expect("query")
        .unwrap_or_else(|| panic!("no {testid}"))
        .dyn_into()
        .expect("html element")
}

/// Types `value` into an input, as a person would (an `input` event).
async fn type_into(root: &web_sys::Element, testid: &str, value: &str) {
    let input: web_sys::HtmlInputElement = element(root, testid).dyn_into().expect("input");
    input.set_value(value);
    input
        .dispatch_event(&web_sys::InputEvent::new("input").expect("event"))
        .expect("dispatch");
    settle().await;
}

/// Picks `value` in a select (a `change` event).
async fn choose(root: &web_sys::Element, testid: &str, value: &str) {
    let select = element(root, testid);
    js_sys::Reflect::set(&select, &"value".into(), &value.into()).expect("set value");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    settle().await;
}

async fn click(root: &web_sys::Element, testid: &str) {
    element(root, testid).click();
    settle().await;
}

/// The command a preview shows, without its `$ ` prompt.
fn shown(root: &web_sys::Element, testid: &str) -> String {
    let text = element(root, testid).text_content().unwrap_or_default();
    text.strip_prefix("$ ").unwrap_or(&text).to_string()
}

/// The command a button shows first in its tooltip (`broker kill 1: …`, `consumer kill c1: …`).
fn shown_in_title(root: &web_sys::Element, testid: &str) -> String {
    let title = element(root, testid).title();
    title.split(':').next().unwrap_or_default().to_string()
}

const TOPIC: &str =
    "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 3 --replication-factor 3";

#[wasm_bindgen_test]
async fn the_producer_form_runs_what_it_shows() {
    let root = session_a(html! { <ProducerForm /> }, &[TOPIC]).await;
    type_into(&root, "producer-rate", "1000").await;
    type_into(&root, "producer-keys", "k{n%20}").await;
    choose(&root, "producer-acks", "1").await;
    type_into(&root, "producer-linger", "20").await;
    let line = shown(&root, "producer-command");
    assert!(
        line.starts_with("producer start p1 --topic t --rate 1000/s"),
        "{line}"
    );
    click(&root, "start-producer").await;
    dispatch(Action::AdvanceTime(3_000)).await;
    let b = session_b(&[TOPIC.into(), line, "#advance 3000".into()]);
    assert_same(&store_a(), &b);
}

#[wasm_bindgen_test]
async fn the_groups_panel_runs_what_it_shows() {
    let root = session_a(html! { <GroupsPanel /> }, &[TOPIC]).await;
    let mut lines = vec![TOPIC.to_string()];
    for (protocol, assignor) in [("classic", "cooperative-sticky"), ("classic", "")] {
        type_into(&root, "consumer-group", "g").await;
        type_into(&root, "consumer-topics", "t").await;
        choose(&root, "consumer-protocol", protocol).await;
        choose(&root, "consumer-assignor", assignor).await;
        type_into(&root, "consumer-rate", "50").await;
        lines.push(shown(&root, "consumer-command"));
        click(&root, "start-consumer").await;
        dispatch(Action::AdvanceTime(5_000)).await;
        lines.push("#advance 5000".into());
    }
    assert!(
        lines[1].starts_with("consumer start consumer-1 --group g --topic t"),
        "{lines:?}"
    );
    // Stop the first, kill the second (the buttons show their command in their tooltip).
    for testid in ["consumer-stop-consumer-1", "consumer-kill-consumer-2"] {
        lines.push(shown_in_title(&root, testid));
        click(&root, testid).await;
        dispatch(Action::AdvanceTime(50_000)).await;
        lines.push("#advance 50000".into());
    }
    assert_eq!(lines[5], "consumer stop consumer-1");
    assert_eq!(lines[7], "consumer kill consumer-2");
    assert_same(&store_a(), &session_b(&lines));
}

#[wasm_bindgen_test]
async fn the_network_panel_runs_what_it_shows() {
    let root = session_a(html! { <NetworkPanel /> }, &[TOPIC]).await;
    let mut lines = vec![TOPIC.to_string()];
    choose(&root, "network-node-a", "1").await;
    choose(&root, "network-node-b", "2").await;
    type_into(&root, "network-delay-ms", "120").await;
    type_into(&root, "network-loss-percent", "5").await;
    for testid in ["network-partition", "network-delay", "network-drop"] {
        lines.push(shown(&root, &format!("{testid}-command")));
        click(&root, testid).await;
    }
    dispatch(Action::AdvanceTime(40_000)).await;
    lines.push("#advance 40000".into());
    lines.push(shown(&root, "network-heal-all-command"));
    click(&root, "network-heal-all").await;
    assert_eq!(lines[1], "network partition 1 2");
    assert_same(&store_a(), &session_b(&lines));
}

#[wasm_bindgen_test]
async fn the_config_editor_runs_what_it_shows() {
    let root = session_a(html! { <ConfigEditor /> }, &[TOPIC]).await;
    let mut lines = vec![TOPIC.to_string()];
    // A topic config, a bad value (refused in Kafka's words, in both), a broker config.
    for (entity, name, value) in [
        ("topic:t", "min.insync.replicas", "2"),
        ("topic:t", "min.insync.replicas", "0"),
        ("brokers", "unclean.leader.election.enable", "true"),
    ] {
        choose(&root, "config-entity", entity).await;
        type_into(&root, &format!("config-input-{name}"), value).await;
        lines.push(shown(&root, "config-command"));
        click(&root, &format!("config-set-{name}")).await;
    }
    assert!(
        lines[1].ends_with("--entity-name t --add-config min.insync.replicas=2"),
        "{lines:?}"
    );
    assert_same(&store_a(), &session_b(&lines));
}

#[wasm_bindgen_test]
async fn broker_buttons_run_what_they_show() {
    let root = session_a(html! { <BrokerCard node_id={1} /> }, &[TOPIC]).await;
    let mut lines = vec![TOPIC.to_string()];
    for (testid, wait) in [
        ("kill-broker-1", 20_000),
        ("start-broker-1", 5_000),
        ("stop-broker-1", 1_000),
    ] {
        lines.push(shown_in_title(&root, testid));
        click(&root, testid).await;
        dispatch(Action::AdvanceTime(wait)).await;
        lines.push(format!("#advance {wait}"));
    }
    assert_eq!(lines[1], "broker kill 1");
    // The terminal shows each click's command, as if typed.
    assert!(echoed(&store_a(), "broker kill 1") && echoed(&store_a(), "broker stop 1"));
    assert_same(&store_a(), &session_b(&lines));
}

#[wasm_bindgen_test]
async fn the_topic_form_and_produce_button_run_what_they_show() {
    let root = session_a(html! { <><TopicForm /><TopicList /></> }, &[]).await;
    type_into(&root, "topic-name", "orders").await;
    type_into(&root, "topic-partitions", "4").await;
    type_into(&root, "topic-replication-factor", "3").await;
    let mut lines = vec![shown(&root, "topic-command")];
    click(&root, "create-topic").await;
    assert_eq!(
        lines[0],
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 4 --replication-factor 3"
    );
    dispatch(Action::AdvanceTime(1_000)).await;
    lines.push("#advance 1000".into());
    // Twice: the second click's records are numbered on from the first's.
    for _ in 0..2 {
        let script = element(&root, "produce-orders").title();
        assert!(script.starts_with("kafka-console-producer.sh"), "{script}");
        lines.push(script);
        click(&root, "produce-orders").await;
    }
    assert!(lines[3].contains("key-10:record-10"), "{}", lines[3]);
    assert!(echoed(&store_a(), &lines[0]));
    assert!(echoed(
        &store_a(),
        lines[3].lines().next().unwrap_or_default()
    ));
    assert_same(&store_a(), &session_b(&lines));
}

#[wasm_bindgen_test]
async fn time_buttons_and_jump_run_what_they_show() {
    let producer = "producer start p1 --topic t --rate 100/s --keys k{n%5}";
    let root = session_a(html! { <TimeControls /> }, &[TOPIC, producer]).await;
    let mut lines = vec![TOPIC.to_string(), producer.to_string()];
    for testid in ["advance-1s", "advance-10s", "advance-1m"] {
        lines.push(element(&root, testid).title());
        click(&root, testid).await;
    }
    assert_eq!(lines[2], "time advance 1s");
    // Each button's line shows in the terminal as if typed, as its title says.
    for line in &lines[2..5] {
        assert!(echoed(&store_a(), line), "{line}");
    }
    type_into(&root, "jump-by", "90s").await;
    lines.push(shown(&root, "jump-command"));
    click(&root, "jump").await;
    assert_eq!(lines[5], "time advance 90s");
    assert_same(&store_a(), &session_b(&lines));
}
