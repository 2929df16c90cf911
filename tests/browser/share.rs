//! Share links in the store (issue #12): a session made of the page's own actions — the topic
//! form, the produce button, playback frames, Step, a broker button, typed records — is shared,
//! the link decoded and replayed, and the replay has the session's trace hash; opening it in a
//! new store shows the same topics, records and views.

use crate::{loaded_store, play_frames};
use kafka_playground::scenario::link::from_fragment;
use kafka_playground::scenario::replay::replay;
use kafka_playground::ui::faults::BrokerVerb;
use kafka_playground::ui::playback::PlaybackAction;
use kafka_playground::ui::session_clients::PartitionPick;
use kafka_playground::ui::store::{Action, Store, ViewChange};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn total_records(store: &Store, topic: &str) -> i64 {
    let cluster = store.cluster();
    let Some(info) = cluster.topic(topic) else {
        return -1;
    };
    info.partitions
        .iter()
        .filter_map(|p| cluster.broker(p.leader?)?.log(topic, p.partition))
        .map(|log| log.log_end_offset())
        .sum()
}

#[wasm_bindgen_test]
fn a_shared_session_replays_to_its_trace_hash() {
    let mut store = loaded_store();
    store = store.reduce(Action::Playback(PlaybackAction::Speed(100.0)));
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
    store = store.reduce(Action::Playback(PlaybackAction::Step));
    store = store.reduce(Action::RunCommand(CommandRequest {
        echo: Vec::new(),
        script: Some("kafka-console-producer.sh --topic orders".into()),
        records: Some(vec!["<b>typed</b>".into(), "it's".into()]),
    }));
    store = play_frames(store, 30);
    store = store.reduce(Action::AdvanceTime(10_000));
    let pick = PartitionPick {
        topic: "orders".into(),
        partition: 1,
        replica: Some(3),
    };
    store = store.reduce(Action::View(ViewChange::Partition(pick.clone())));
    store = store.reduce(Action::View(ViewChange::Files(Some(2))));
    store = store.reduce(Action::Share);
    assert_eq!(store.scenario.commands(), 4);
    let fragment = store.share.clone().expect("shared").expect("a link");
    let scenario = from_fragment(&fragment).expect("a link").expect("reads");
    let replayed = replay(&scenario);
    assert_eq!(replayed.cluster.now(), store.cluster().now());
    assert_eq!(replayed.trace_hash, store.scenario.trace_hash());

    let mut opened = loaded_store().reduce(Action::OpenScenario(Rc::new(scenario)));
    // A long replay goes on a slice per frame; nothing else runs meanwhile.
    let before = opened.cluster().now();
    let mut slices = 0;
    while opened.replaying.is_some() {
        let ignored = opened.clone().reduce(Action::AdvanceTime(1_000));
        assert!(Rc::ptr_eq(&ignored, &opened));
        opened = opened.reduce(Action::ReplayChunk);
        slices += 1;
        assert!(slices < 10_000);
    }
    assert!(opened.cluster().now() >= before);
    assert_eq!(opened.scenario.trace_hash(), store.scenario.trace_hash());
    assert_eq!(opened.scenario.actions(), store.scenario.actions());
    assert_eq!(
        total_records(&opened, "orders"),
        total_records(&store, "orders")
    );
    assert_eq!(total_records(&opened, "orders"), 12);
    // The views open when it was shared open with it.
    assert_eq!(opened.session.partition, Some(pick));
    assert_eq!(opened.session.files, Some(2));
    assert!(opened.rewrite_all);
}

/// A long scenario opened in the store (a slice per frame) ends with the hash of one replay.
#[wasm_bindgen_test]
fn a_long_scenario_replays_over_frames() {
    let mut text = String::from("kafka-topics.sh --create --topic t --partitions 3\n");
    for i in 0..300 {
        text.push_str(&format!(
            "kafka-console-producer.sh --topic t <<'EOF'\nr{i}\nEOF\ntime advance 50ms\n"
        ));
    }
    let scenario = Rc::new(kafka_playground::scenario::Scenario::from_kplay(&text).expect("reads"));
    let expected = replay(&scenario).trace_hash;
    // How many slices it takes depends on the machine's speed (tests/scenario.rs replays one
    // command per slice for the same hash); here only the outcome is checked.
    let mut store = loaded_store().reduce(Action::OpenScenario(scenario));
    let mut slices = 0;
    while store.replaying.is_some() {
        store = store.reduce(Action::ReplayChunk);
        slices += 1;
        assert!(slices < 100_000, "the replay ends");
    }
    assert_eq!(store.scenario.trace_hash(), expected);
    assert_eq!(store.scenario.actions(), 301);
    assert_eq!(total_records(&store, "t"), 300);
}
