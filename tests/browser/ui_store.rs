//! The store's fault and time actions (issue #11), as the cluster view's buttons dispatch them:
//! each runs the engine call `broker stop|kill|start` and `time advance` run, says how it went,
//! marks the cluster changed for the write-behind, and drains the cluster's events into the
//! bounded event log.

use kafka_playground::ui::event_log::EVENT_LOG_CAPACITY;
use kafka_playground::ui::faults::BrokerVerb;
use kafka_playground::ui::replica_view::{partition_health, replicas_on};
use kafka_playground::ui::store::{Action, Outcome, Store};
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn reduce(store: Rc<Store>, action: Action) -> Rc<Store> {
    store.reduce(action)
}

fn replicated_topic() -> Rc<Store> {
    reduce(
        Rc::new(Store::default()),
        Action::CreateTopic {
            name: "orders".into(),
            partitions: 3,
            replication_factor: Some(3),
        },
    )
}

fn broker(verb: BrokerVerb, node_id: i32) -> Action {
    Action::Broker { verb, node_id }
}

fn leader(store: &Store, partition: i32) -> Option<i32> {
    store
        .cluster
        .partition_info("orders", partition)
        .and_then(|p| p.leader)
}

#[wasm_bindgen_test]
fn kill_advance_start_fails_over_and_heals() {
    let store = replicated_topic();
    assert_eq!(
        store
            .cluster
            .topic("orders")
            .map(|t| t.replication_factor()),
        Some(3)
    );
    let old = leader(&store, 0).expect("a leader");
    let version = store.cluster_version;

    let store = reduce(store, broker(BrokerVerb::Kill, old));
    assert!(
        store.cluster_version > version,
        "a fault is a change to save"
    );
    assert_eq!(
        store.cluster_outcome,
        Some(Outcome::Done {
            message: format!("Broker {old} killed."),
            notes: Vec::new()
        })
    );
    // The controller has not noticed yet (broker.session.timeout.ms = 9 s).
    assert!(store.cluster.is_unfenced(old));
    assert_eq!(leader(&store, 0), Some(old));
    assert!(store
        .events
        .lines()
        .any(|l| l.contains(&format!("b{old} process crashed"))));

    let start = store.cluster.now().as_millis();
    let store = reduce(store, Action::AdvanceTime(10_000));
    assert_eq!(store.cluster.now().as_millis(), start + 10_000);
    assert!(
        !store.cluster.is_unfenced(old),
        "fenced after the session timeout"
    );
    let new = leader(&store, 0).expect("a new leader from the ISR");
    assert_ne!(new, old);
    let health = partition_health(&store.cluster);
    assert!(health.offline.is_empty());
    assert_eq!(
        health.under_replicated,
        ["orders-0", "orders-1", "orders-2"]
    );
    assert!(health.not_preferred.contains(&"orders-0".to_string()));
    // The killed broker's replicas are out of sync and its logs closed.
    let rows = replicas_on(&store.cluster, old);
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .all(|r| !r.in_isr && !r.is_leader && r.offsets.is_none()));
    assert!(store
        .events
        .lines()
        .any(|l| l.ends_with(&format!("ctl orders-0 leader {old}->{new} epoch=1"))));

    let store = reduce(store, broker(BrokerVerb::Start, old));
    assert!(
        matches!(&store.cluster_outcome, Some(Outcome::Done { message, .. }) if *message == format!("Broker {old} started.")),
        "{:?}",
        store.cluster_outcome
    );
    let store = reduce(store, Action::AdvanceTime(10_000));
    let health = partition_health(&store.cluster);
    assert!(health.under_replicated.is_empty(), "{health:?}");
    let rows = replicas_on(&store.cluster, old);
    assert!(
        rows.iter().all(|r| r.in_isr && r.offsets == Some((0, 0))),
        "{rows:?}"
    );
}

#[wasm_bindgen_test]
fn a_fault_on_a_broker_that_is_down_is_refused_with_kafkas_code() {
    let store = replicated_topic();
    let store = reduce(store, broker(BrokerVerb::Stop, 2));
    assert!(
        !store.cluster.is_unfenced(2),
        "a controlled shutdown fences at once"
    );
    let store = reduce(store, broker(BrokerVerb::Kill, 2));
    assert_eq!(
        store.cluster_outcome,
        Some(Outcome::Refused {
            code: "INVALID_REQUEST",
            message: "Broker 2 is stopped.".into()
        })
    );
    let store = reduce(store, broker(BrokerVerb::Start, 7));
    assert!(matches!(
        store.cluster_outcome,
        Some(Outcome::Refused { .. })
    ));
    // The topic form's outcome is left alone by broker actions.
    assert!(matches!(store.last_outcome, Some(Outcome::Created { .. })));
}

#[wasm_bindgen_test]
fn the_event_log_keeps_the_last_lines_only() {
    let mut store = replicated_topic();
    for _ in 0..12 {
        store = reduce(store, broker(BrokerVerb::Stop, 3));
        store = reduce(store, broker(BrokerVerb::Start, 3));
    }
    assert!(store.events.total() > EVENT_LOG_CAPACITY as u64);
    assert_eq!(store.events.lines().len(), EVENT_LOG_CAPACITY);
    // Newest last: the last start's unfencing is the last thing that happened.
    let last = store.events.lines().last().expect("lines");
    assert!(last.contains("b3") || last.contains("orders"), "{last}");
    // A reset empties it.
    let store = reduce(store, Action::Reset);
    assert_eq!(store.events.lines().len() as u64, store.events.total());
}
