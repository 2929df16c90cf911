//! The consumer groups panel (issue #11, item 2): the `consumer start …` line the form builds,
//! the lag history and its sparkline, reading a command's outcome back from the terminal, and
//! the group card and form rendered in the page from a real cluster.

use crate::{mount, settle};
use kafka_playground::cli::run_script;
use kafka_playground::engine::group::describe::GroupState;
use kafka_playground::engine::group::overview::MemberOverview;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::ui::components::consumer_form::{
    shell_word, ConsumerDraft, ConsumerForm, ConsumerFormProps, Field, ProtocolChoice,
};
use kafka_playground::ui::components::group_card::{
    member_colours, GroupCard, GroupCardProps, MEMBER_COLOURS,
};
use kafka_playground::ui::components::groups_panel::{command_outcome, next_consumer_name};
use kafka_playground::ui::components::lag_sparkline::{sparkline_points, LagHistory, MAX_SAMPLES};
use kafka_playground::ui::terminal::run::run_request;
use kafka_playground::ui::terminal::session::CommandRequest;
use kafka_playground::ui::terminal::Transcript;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

#[wasm_bindgen_test]
fn the_form_builds_the_consumer_start_line() {
    let mut draft = ConsumerDraft {
        group: "orders-app".into(),
        topics: "orders".into(),
        ..ConsumerDraft::default()
    };
    assert_eq!(
        draft.command_line("consumer-1"),
        "consumer start consumer-1 --group orders-app --topic orders"
    );
    draft.name = " c1 ".into();
    draft.topics = "orders, payments,".into();
    draft.assignor = "cooperative-sticky".into();
    draft.rate = "5".into();
    draft.from_beginning = true;
    assert_eq!(
        draft.command_line("consumer-1"),
        "consumer start c1 --group orders-app --topic orders,payments --assignor cooperative-sticky --rate 5/s --from-beginning"
    );
    draft.protocol = ProtocolChoice::Consumer;
    draft.assignor = "uniform".into();
    draft.rate.clear();
    draft.instance_id = "it's me".into();
    draft.from_beginning = false;
    assert_eq!(
        draft.command_line("x"),
        "consumer start c1 --group orders-app --topic orders,payments --protocol consumer --assignor uniform --instance-id 'it'\\''s me'"
    );
    assert_eq!(
        ProtocolChoice::Classic.assignors(),
        ["range", "roundrobin", "sticky", "cooperative-sticky"]
    );
    assert_eq!(ProtocolChoice::Consumer.assignors(), ["uniform", "range"]);
    assert_eq!(shell_word(""), "''");
    assert_eq!(shell_word("a b"), "'a b'");
}

#[wasm_bindgen_test]
fn switching_protocol_drops_an_assignor_it_does_not_have() {
    let mut draft = ConsumerDraft::default();
    draft.set(Field::Assignor, "cooperative-sticky".into());
    draft.set(Field::Protocol, "consumer".into());
    assert_eq!(draft.protocol, ProtocolChoice::Consumer);
    assert_eq!(draft.assignor, "");
    draft.set(Field::Assignor, "range".into());
    draft.set(Field::Protocol, "classic".into());
    assert_eq!(draft.assignor, "range", "range is both protocols'");
    draft.set(Field::FromBeginning, "true".into());
    assert!(draft.from_beginning);
}

#[wasm_bindgen_test]
fn the_form_says_what_is_missing() {
    let mut draft = ConsumerDraft::default();
    assert!(draft.missing().is_some_and(|m| m.contains("group")));
    draft.group = "g".into();
    draft.topics = " , ".into();
    assert!(draft.missing().is_some_and(|m| m.contains("topic")));
    draft.topics = "t".into();
    assert_eq!(draft.missing(), None);
}

/// The line the form builds runs, and its output is read back for the form: a good one on
/// stdout, a bad one (an assignor of the other protocol) on stderr with the tool's words.
#[wasm_bindgen_test]
fn the_line_runs_and_its_outcome_is_read_back() {
    let mut cluster = Rc::new(Cluster::new(ClusterOptions::default()));
    let mut transcript = Transcript::default();
    run_request(
        &mut cluster,
        &mut transcript,
        CommandRequest::typed("kafka-topics.sh --create --topic orders --partitions 6"),
    );
    let good = ConsumerDraft {
        group: "g".into(),
        topics: "orders".into(),
        ..ConsumerDraft::default()
    }
    .command_line("consumer-1");
    run_request(&mut cluster, &mut transcript, CommandRequest::typed(&good));
    let (ok, lines) = command_outcome(&transcript, &good).expect("ran");
    assert!(ok, "{lines:?}");
    assert!(
        lines[0].starts_with("Consumer consumer-1 started: group g"),
        "{lines:?}"
    );

    let bad = "consumer start c2 --group g --topic orders --protocol consumer --assignor sticky";
    run_request(&mut cluster, &mut transcript, CommandRequest::typed(bad));
    let (ok, lines) = command_outcome(&transcript, bad).expect("ran");
    assert!(!ok);
    assert!(
        lines[0].contains("unknown --assignor 'sticky'"),
        "{lines:?}"
    );
    assert_eq!(command_outcome(&transcript, "consumer list"), None);

    let running: Vec<String> = vec!["consumer-1".into(), "consumer-3".into()];
    assert_eq!(next_consumer_name(running.iter()), "consumer-2");
}

#[wasm_bindgen_test]
fn lag_history_is_bounded_and_starts_over_when_time_goes_back() {
    let mut history = LagHistory::default();
    let g = |lag| vec![("g".to_string(), lag)];
    history.record(1_000, &g(5));
    history.record(1_000, &g(9));
    assert_eq!(history.samples("g"), [(1_000, 5)], "one sample per moment");
    for t in 2..(MAX_SAMPLES as i64 + 10) {
        history.record(t * 1_000, &g(t));
    }
    let samples = history.samples("g");
    assert_eq!(samples.len(), MAX_SAMPLES);
    assert_eq!(
        samples.last(),
        Some(&((MAX_SAMPLES as i64 + 9) * 1_000, MAX_SAMPLES as i64 + 9))
    );
    // A clock that plays by frames: samples under a second apart merge into the newest.
    let mut frames = LagHistory::default();
    for t in (0..=3_000).step_by(100) {
        frames.record(t, &g(t));
    }
    assert_eq!(
        frames.samples("g"),
        [(0, 0), (1_000, 1_000), (2_000, 2_000), (3_000, 3_000)]
    );
    frames.record(3_400, &g(7));
    assert_eq!(frames.samples("g").last(), Some(&(3_400, 7)));
    assert_eq!(frames.samples("g").len(), 5);
    history.record(500, &g(1));
    assert_eq!(history.samples("g"), [(500, 1)]);
    history.record(600, &[]);
    assert!(
        history.samples("g").is_empty(),
        "a group that is gone is forgotten"
    );

    assert_eq!(sparkline_points(&[], 100, 20), "");
    assert_eq!(sparkline_points(&[(0, 3)], 100, 20), "100,0");
    assert_eq!(
        sparkline_points(&[(0, 0), (50, 10), (100, 5)], 100, 20),
        "0,20 50,0 100,10"
    );
}

/// A cluster with group `g`: two classic consumers on a six-partition topic, stable; both
/// committed, then c2 was killed (its member stays until its session times out) and more
/// records came: lag on its partitions.
fn cluster_with_group() -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 6\n\
         consumer start c1 --group g --topic orders\n\
         consumer start c2 --group g --topic orders\n\
         time advance 10s\n\
         kafka-console-producer.sh --topic orders <<EOF\na\nb\nc\nd\ne\nf\nEOF\n\
         time advance 6s\n\
         consumer kill c2\n\
         kafka-console-producer.sh --topic orders <<EOF\ng\nh\ni\nj\nk\nl\nm\nn\nEOF\n\
         time advance 1s\n",
    );
    assert!(!output.failed, "{}", output.stderr());
    cluster
}

fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn a_group_card_shows_state_members_partitions_and_buttons() {
    let cluster = cluster_with_group();
    let overview = cluster
        .group_overviews()
        .into_iter()
        .find(|o| o.group_id == "g")
        .expect("group g");
    assert_eq!(overview.state, GroupState::Stable);
    let coordinator = overview.coordinator.expect("coordinator");
    let ran = Rc::new(RefCell::new(Vec::<String>::new()));
    let props = GroupCardProps {
        overview,
        samples: vec![(0, 0), (1_000, 4), (2_000, 2)],
        waiting: Vec::new(),
        on_command: {
            let ran = ran.clone();
            Callback::from(move |line: String| ran.borrow_mut().push(line))
        },
    };
    let root = mount();
    yew::Renderer::<GroupCard>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let card = root
        .query_selector("[data-testid=group-card]")
        .expect("query")
        .expect("card");
    assert_eq!(card.get_attribute("data-state").as_deref(), Some("Stable"));
    let text = card.text_content().unwrap_or_default();
    assert!(
        text.contains(&format!(
            "coordinator: broker {} · __consumer_offsets-{}",
            coordinator.broker, coordinator.partition
        )),
        "{text}"
    );
    assert!(text.contains("classic · range"), "{text}");
    let members = all(&root, "[data-testid=group-member]");
    assert_eq!(members.len(), 2);
    let partitions: i32 = members
        .iter()
        .filter_map(|m| m.get_attribute("data-partitions")?.parse::<i32>().ok())
        .sum();
    assert_eq!(partitions, 6);
    let rows = all(&root, "[data-testid=group-partition]");
    assert_eq!(rows.len(), 6);
    let lag: i64 = rows
        .iter()
        .filter_map(|r| r.get_attribute("data-lag")?.parse::<i64>().ok())
        .sum();
    assert!(lag > 0, "the killed member's partitions build lag");
    let spark = root
        .query_selector("[data-testid=lag-sparkline]")
        .expect("query")
        .expect("spark");
    assert_eq!(spark.get_attribute("data-samples").as_deref(), Some("3"));
    assert!(root
        .query_selector("svg polyline")
        .expect("query")
        .is_some());

    // c2 was killed: its member stays until the session times out, but it has no buttons.
    assert!(root
        .query_selector("[data-testid=consumer-stop-c2]")
        .expect("query")
        .is_none());
    let kill: web_sys::HtmlElement = root
        .query_selector("[data-testid=consumer-kill-c1]")
        .expect("query")
        .expect("kill c1")
        .dyn_into()
        .expect("button");
    kill.click();
    assert_eq!(*ran.borrow(), ["consumer kill c1"]);
}

#[wasm_bindgen_test]
async fn the_form_previews_the_line_and_starts_it() {
    let started = Rc::new(RefCell::new(Vec::<String>::new()));
    let props = ConsumerFormProps {
        groups: vec!["g".into()],
        topics: vec!["orders".into()],
        default_name: "consumer-1".into(),
        on_start: {
            let started = started.clone();
            Callback::from(move |line: String| started.borrow_mut().push(line))
        },
        outcome: None,
    };
    let root = mount();
    yew::Renderer::<ConsumerForm>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let type_into = |testid: &str, value: &str| {
        let input: web_sys::HtmlInputElement = root
            .query_selector(&format!("[data-testid={testid}]"))
            .expect("query")
            .expect(testid)
            .dyn_into()
            .expect("input");
        input.set_value(value);
        input
            .dispatch_event(&web_sys::InputEvent::new("input").expect("event"))
            .expect("dispatch");
    };
    let preview = || {
        root.query_selector("[data-testid=consumer-command]")
            .expect("query")
            .expect("preview")
            .text_content()
            .unwrap_or_default()
    };
    let start: web_sys::HtmlElement = root
        .query_selector("[data-testid=start-consumer]")
        .expect("query")
        .expect("start")
        .dyn_into()
        .expect("button");
    assert!(start.has_attribute("disabled"), "no group, no topic yet");
    type_into("consumer-group", "g");
    settle().await;
    type_into("consumer-topics", "orders");
    settle().await;
    let protocol = root
        .query_selector("[data-testid=consumer-protocol]")
        .expect("query")
        .expect("protocol");
    js_sys::Reflect::set(&protocol, &"value".into(), &"consumer".into()).expect("set value");
    protocol
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    settle().await;
    assert_eq!(
        preview(),
        "consumer start consumer-1 --group g --topic orders --protocol consumer"
    );
    let assignors: Vec<String> = all(&root, "[data-testid=consumer-assignor] option")
        .iter()
        .filter_map(|o| o.get_attribute("value"))
        .collect();
    assert_eq!(assignors, ["", "uniform", "range"]);
    assert!(!start.has_attribute("disabled"));
    start.click();
    settle().await;
    assert_eq!(
        *started.borrow(),
        ["consumer start consumer-1 --group g --topic orders --protocol consumer"]
    );
}

fn member(client_id: &str) -> MemberOverview {
    MemberOverview {
        member_id: format!("{client_id}-id"),
        client_id: client_id.to_string(),
        group_instance_id: None,
        protocol: "classic",
        member_epoch: None,
        state: "stable",
        assigned: Vec::new(),
        pending_revocation: Vec::new(),
        awaiting: Vec::new(),
        consumer_name: None,
        leader: false,
    }
}

/// One colour per member, and a member keeps its colour when another leaves.
#[wasm_bindgen_test]
fn members_keep_distinct_colours() {
    let names = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];
    let all: Vec<MemberOverview> = names.iter().map(|n| member(n)).collect();
    let colours = member_colours(&all);
    let distinct: std::collections::BTreeSet<usize> = colours.iter().map(|c| c.1).collect();
    assert_eq!(distinct.len(), MEMBER_COLOURS);
    let two = member_colours(&[member("c1"), member("c2")]);
    let one = member_colours(&[member("c2")]);
    assert_ne!(two[0].1, two[1].1);
    assert_eq!(one[0], two[1], "c2 keeps its colour when c1 leaves");
}
