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
        .cluster()
        .partition_info("orders", partition)
        .and_then(|p| p.leader)
}

#[wasm_bindgen_test]
fn kill_advance_start_fails_over_and_heals() {
    let store = replicated_topic();
    assert_eq!(
        store
            .cluster()
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
    assert!(store.cluster().is_unfenced(old));
    assert_eq!(leader(&store, 0), Some(old));
    assert!(store
        .events
        .lines()
        .any(|l| l.contains(&format!("b{old} process crashed"))));

    // Fenced after broker.session.timeout.ms (9 s) — counted from the failover when the killed
    // broker was also the active controller (a new one elected within ~4 s starts every
    // broker's session afresh, as ClusterControlManager.activate does).
    let start = store.cluster().now().as_millis();
    let store = reduce(store, Action::AdvanceTime(15_000));
    assert_eq!(store.cluster().now().as_millis(), start + 15_000);
    assert!(
        !store.cluster().is_unfenced(old),
        "fenced after the session timeout"
    );
    let new = leader(&store, 0).expect("a new leader from the ISR");
    assert_ne!(new, old);
    let health = partition_health(&store.cluster());
    assert!(health.offline.is_empty());
    assert_eq!(
        health.under_replicated,
        ["orders-0", "orders-1", "orders-2"]
    );
    assert!(health.not_preferred.contains(&"orders-0".to_string()));
    // The killed broker's replicas are out of sync and its logs closed.
    let rows = replicas_on(&store.cluster(), old);
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
    let health = partition_health(&store.cluster());
    assert!(health.under_replicated.is_empty(), "{health:?}");
    let rows = replicas_on(&store.cluster(), old);
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
        !store.cluster().is_unfenced(2),
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

/// `(log end offset, high watermark)` of every replica of `orders-<partition>`, by broker id
/// (`None`: its broker is down).
fn offsets(store: &Store, partition: i32) -> Vec<(i32, Option<(i64, i64)>)> {
    (1..=3)
        .map(|id| {
            let row = replicas_on(&store.cluster(), id)
                .into_iter()
                .find(|r| r.partition == partition);
            (id, row.and_then(|r| r.offsets))
        })
        .collect()
}

#[wasm_bindgen_test]
fn produce_moves_every_replica_and_failover_keeps_the_records() {
    let store = replicated_topic();
    let version = store.cluster_version;
    let store = reduce(
        store,
        Action::Produce {
            topic: "orders".into(),
        },
    );
    assert!(
        store.cluster_version > version,
        "a produce is a change to save"
    );
    let outcome = store.produce_outcome.clone().expect("an outcome");
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(
        outcome.message.to_string(),
        "Produced 10 records to orders (acks=all)."
    );
    assert_eq!(
        outcome.message.text(kafka_playground::i18n::Lang::Ko),
        "레코드 10개를 orders에 보냈습니다 (acks=all)."
    );
    // acks=all: every record is on every in-sync replica, and keyed records spread over the
    // partitions.
    let mut total = 0;
    for partition in 0..3 {
        let rows = offsets(&store, partition);
        let leo = rows[0].1.expect("running").0;
        assert!(
            rows.iter().all(|(_, o)| o.map(|(l, _)| l) == Some(leo)),
            "{rows:?}"
        );
        total += leo;
    }
    assert_eq!(total, 10);
    let partition = (0..3)
        .find(|&p| offsets(&store, p)[0].1.expect("running").0 > 0)
        .expect("a partition with records");
    let old = leader(&store, partition).expect("a leader");
    let before = offsets(&store, partition)[0].1.expect("running").0;

    let store = reduce(store, broker(BrokerVerb::Kill, old));
    let store = reduce(store, Action::AdvanceTime(15_000));
    let new = leader(&store, partition).expect("a new leader");
    assert_ne!(new, old);
    let store = reduce(
        store,
        Action::Produce {
            topic: "orders".into(),
        },
    );
    let outcome = store.produce_outcome.clone().expect("an outcome");
    assert!(outcome.ok, "{outcome:?}");
    let rows = offsets(&store, partition);
    let (_, Some((leo, hw))) = rows[(new - 1) as usize] else {
        panic!("{rows:?}")
    };
    assert!(
        leo >= before && hw >= before,
        "{rows:?}: the new leader kept the records"
    );
    // The second click numbers its records on from the first ten.
    let total: i64 = (0..3)
        .filter_map(|p| offsets(&store, p)[(new - 1) as usize].1)
        .map(|(leo, _)| leo)
        .sum();
    assert_eq!(total, 20);
    assert!(matches!(store.last_outcome, Some(Outcome::Created { .. })));
}

#[wasm_bindgen_test]
fn a_name_that_is_not_a_topic_name_is_not_run() {
    // Topic names are [a-zA-Z0-9._-]: anything else would be split into words by the shell.
    let store = reduce(
        replicated_topic(),
        Action::Produce {
            topic: "orders; time advance 1d".into(),
        },
    );
    assert_eq!(store.produce_outcome, None);
    assert_eq!(
        store.cluster().now().as_millis(),
        replicated_topic().cluster().now().as_millis()
    );
    assert!((0..3).all(|p| offsets(&store, p).iter().all(|(_, o)| *o == Some((0, 0)))));
}
