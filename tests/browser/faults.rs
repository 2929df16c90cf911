//! The fault, config and metrics panels' logic (issue #11): the `network …` lines the network
//! panel builds and the link states it reads back; the config editor's table (Kafka's defaults,
//! sources, departures) and its `kafka-configs.sh` lines, with Kafka's message for a bad value
//! coming from the tool; the metrics sampler's arithmetic over simulated time.

use kafka_playground::i18n::Lang;
use kafka_playground::ui::config_table::{
    add_config_line, config_rows, delete_config_line, departure, entities, ConfigEntity,
};
use kafka_playground::ui::metrics::{Metric, CAPACITY};
use kafka_playground::ui::network_view::{links, network_line, percent_text, NetworkVerb};
use kafka_playground::ui::producers::answer_to;
use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn run(store: Rc<Store>, line: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(line)))
}

fn advance(store: Rc<Store>, ms: i64) -> Rc<Store> {
    store.reduce(Action::AdvanceTime(ms))
}

/// A metric summed over every sample kept.
fn total(store: &Store, metric: Metric) -> i64 {
    store.metrics.samples().map(|s| s.get(metric)).sum()
}

/// A metric in the latest sample.
fn latest_value(store: &Store, metric: Metric) -> i64 {
    store.metrics.latest().expect("present").get(metric)
}

fn topic_t() -> Rc<Store> {
    run(
        Rc::new(Store::default()),
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3",
    )
}

#[wasm_bindgen_test]
fn network_buttons_build_the_lines_a_person_would_type() {
    use NetworkVerb::*;
    assert_eq!(
        network_line(Partition, 1, 2, ""),
        Ok("network partition 1 2".into())
    );
    assert_eq!(network_line(Heal, 2, 3, ""), Ok("network heal 2 3".into()));
    assert_eq!(
        network_line(Delay, 1, 3, " 250 "),
        Ok("network delay 1 3 250ms".into())
    );
    assert_eq!(
        network_line(Drop, 1, 3, "0.5"),
        Ok("network drop 1 3 0.5".into())
    );
    assert_eq!(network_line(HealAll, 1, 1, ""), Ok("network heal".into()));
    assert_eq!(
        network_line(Partition, 2, 2, ""),
        Err("network: a node cannot be cut off from itself (2 2)".into())
    );
    assert!(network_line(Delay, 1, 2, "soon").is_err());
    for bad in ["", "101", "-1", "x"] {
        assert!(network_line(Drop, 1, 2, bad).is_err(), "{bad}");
    }
    assert_eq!(percent_text(50_000), "5");
    assert_eq!(percent_text(5_000), "0.5");
    assert_eq!(percent_text(1), "0.0001");
}

/// Each line, run as the panel runs it, shows in the links the panel draws; `network heal`
/// heals every partition (delay and loss stay, as the command does).
#[wasm_bindgen_test]
fn the_links_show_what_the_lines_did() {
    let mut store = topic_t();
    for line in [
        network_line(NetworkVerb::Partition, 1, 2, "").expect("present"),
        network_line(NetworkVerb::Delay, 1, 3, "100").expect("present"),
        network_line(NetworkVerb::Drop, 3, 2, "5").expect("present"),
    ] {
        store = run(store, &line);
        assert!(
            answer_to(&store.terminal, &line).is_some_and(|a| a.ok),
            "{line}"
        );
    }
    let view = links(&store.cluster());
    let state: Vec<(i32, i32, &str, String)> = view
        .iter()
        .map(|l| (l.a, l.b, l.state(), l.label(Lang::En)))
        .collect();
    assert_eq!(
        state,
        vec![
            (1, 2, "cut", "cut".to_string()),
            (1, 3, "delayed", "+100 ms".to_string()),
            (2, 3, "lossy", "5% loss".to_string()),
        ]
    );
    let korean: Vec<String> = view.iter().map(|l| l.label(Lang::Ko)).collect();
    assert_eq!(korean, ["끊김", "+100 ms", "5% 손실"]);
    store = run(store, "network heal");
    let view = links(&store.cluster());
    assert!(view.iter().all(|l| !l.cut));
    assert!(store
        .events
        .lines()
        .any(|l| l.ends_with("user network partition 1 2")));
}

#[wasm_bindgen_test]
fn the_config_table_has_kafkas_defaults_sources_and_departures() {
    let store = topic_t();
    let cluster = store.cluster();
    let all = entities(&cluster);
    assert_eq!(all[0], ConfigEntity::Topic("t".into()));
    assert!(all.contains(&ConfigEntity::AllBrokers));
    assert!(all.contains(&ConfigEntity::Broker(3)));
    assert_eq!(ConfigEntity::Topic("t".into()).label(Lang::Ko), "토픽 t");
    assert_eq!(
        ConfigEntity::AllBrokers.label(Lang::En),
        "all brokers (cluster default)"
    );
    assert!(departure(Lang::Ko, "segment.bytes").is_some_and(|d| d.contains("WARNING")));
    let rows = config_rows(&cluster, &ConfigEntity::Topic("t".into())).expect("present");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.name == name)
            .expect("present")
            .clone()
    };
    let unclean = row("unclean.leader.election.enable");
    assert_eq!(
        (
            unclean.value.as_str(),
            unclean.kafka_default.as_str(),
            unclean.source
        ),
        ("false", "false", "DEFAULT_CONFIG")
    );
    assert!(!unclean.overridden && unclean.departure.is_none());
    assert_eq!(row("retention.ms").value, "604800000");
    assert_eq!(row("segment.bytes").kafka_default, "1073741824");
    assert!(row("segment.bytes").departure.is_some());
    // The playground keeps Kafka's defaults for topics.
    assert!(rows.iter().all(|r| r.playground_default.is_none()));

    let line = add_config_line(
        &ConfigEntity::Topic("t".into()),
        "unclean.leader.election.enable",
        "true",
    );
    assert_eq!(line, "kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name t --add-config unclean.leader.election.enable=true");
    let store = run(store, &line);
    let rows = config_rows(&store.cluster(), &ConfigEntity::Topic("t".into())).expect("present");
    let unclean = rows
        .iter()
        .find(|r| r.name == "unclean.leader.election.enable")
        .expect("present");
    assert_eq!(
        (unclean.value.as_str(), unclean.source, unclean.overridden),
        ("true", "DYNAMIC_TOPIC_CONFIG", true)
    );
    let delete = delete_config_line(
        &ConfigEntity::Topic("t".into()),
        "unclean.leader.election.enable",
    );
    assert!(delete.ends_with("--entity-name t --delete-config unclean.leader.election.enable"));
    let store = run(store, &delete);
    let rows = config_rows(&store.cluster(), &ConfigEntity::Topic("t".into())).expect("present");
    assert!(rows.iter().all(|r| !r.overridden));

    // Brokers: Kafka's default from its definition; the cluster default edits --entity-default.
    let rows = config_rows(&store.cluster(), &ConfigEntity::Broker(1)).expect("present");
    let lag = rows
        .iter()
        .find(|r| r.name == "replica.lag.time.max.ms")
        .expect("present");
    assert_eq!(
        (lag.kafka_default.as_str(), lag.source),
        ("30000", "DEFAULT_CONFIG")
    );
    // What is listed as fixed is not also offered for editing.
    for fixed in kafka_playground::ui::config_table::FIXED_BROKER_CONFIGS {
        assert!(rows.iter().all(|r| r.name != *fixed), "{fixed}");
    }
    assert_eq!(
        add_config_line(&ConfigEntity::AllBrokers, "cleanup.policy", "compact,delete"),
        "kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type brokers --entity-default --add-config 'cleanup.policy=[compact,delete]'"
    );
}

/// A bad value is refused by the tool with Kafka's message; the editor shows that answer.
#[wasm_bindgen_test]
fn a_bad_value_gets_kafkas_message_from_the_tool() {
    let line = add_config_line(&ConfigEntity::Topic("t".into()), "min.insync.replicas", "0");
    let store = run(topic_t(), &line);
    let answer = answer_to(&store.terminal, &line).expect("answered");
    assert!(!answer.ok);
    assert!(
        answer.lines.iter().any(|l| l.contains(
            "InvalidConfigurationException: Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
        )),
        "{:?}",
        answer.lines
    );
}

/// One sample per simulated second; rates count what happened in their second; the ring is
/// bounded; the broker gauges read the state.
#[wasm_bindgen_test]
fn metrics_are_sampled_over_simulated_time() {
    let mut store = topic_t();
    assert_eq!(store.metrics.samples().len(), 0);
    store = advance(store, 5_000);
    assert_eq!(store.metrics.samples().len(), 5);
    let seconds: Vec<i64> = store.metrics.samples().map(|s| s.second).collect();
    assert!(seconds.windows(2).all(|w| w[1] == w[0] + 1), "{seconds:?}");
    let latest = *store.metrics.latest().expect("present");
    assert_eq!(latest.get(Metric::ActiveControllerCount), 1);
    assert_eq!(latest.get(Metric::UnderReplicatedPartitions), 0);
    assert_eq!(latest.get(Metric::MessagesInPerSec), 0);

    // A producer at 100 records/s: the messages in over ten seconds add up to what the
    // leader's log gained.
    store = run(store, "producer start p1 --topic t --rate 100/s");
    let before = store
        .cluster()
        .broker(1)
        .expect("present")
        .log("t", 0)
        .expect("present")
        .log_end_offset();
    let count = store.metrics.samples().len();
    for _ in 0..10 {
        store = advance(store, 1_000);
    }
    let after = store
        .cluster()
        .broker(1)
        .expect("present")
        .log("t", 0)
        .expect("present")
        .log_end_offset();
    let new: Vec<_> = store.metrics.samples().skip(count).collect();
    assert_eq!(new.len(), 10);
    let messages: i64 = new.iter().map(|s| s.get(Metric::MessagesInPerSec)).sum();
    assert!(after > before);
    assert!(
        messages > 0 && messages <= after - before + 100,
        "{messages} of {}",
        after - before
    );
    assert!(new
        .iter()
        .skip(1)
        .all(|s| s.get(Metric::MessagesInPerSec) > 0));
    assert!(new.iter().skip(1).all(|s| s.get(Metric::BytesInPerSec) > 0));

    // A partitioned follower drops out of the ISR: one shrink, in the second it happened, and
    // the partition is under-replicated until the heal lets it back (one expand).
    store = run(store, "network partition 1 2");
    store = advance(store, 40_000);
    assert_eq!(total(&store, Metric::IsrShrinksPerSec), 1);
    assert_eq!(latest_value(&store, Metric::UnderReplicatedPartitions), 1);
    store = run(store, "network heal");
    store = advance(store, 40_000);
    assert_eq!(total(&store, Metric::IsrExpandsPerSec), 1);
    assert_eq!(latest_value(&store, Metric::UnderReplicatedPartitions), 0);

    // Ten minutes in one step keep only the last CAPACITY seconds.
    store = run(store, "producer stop p1");
    store = advance(store, 600_000);
    assert_eq!(store.metrics.samples().len(), CAPACITY);
    let last = store.metrics.latest().expect("present").second;
    assert_eq!(last, store.cluster().now().as_millis() / 1000 - 1);
}

/// What sampling costs on the UI thread: the store's action with and without the metrics'
/// share, reported (never asserted). 12 partitions, RF=3, a 1000 records/s producer and a
/// consumer group, one simulated second per action as playback at 1x does it.
#[wasm_bindgen_test]
fn metrics_sampling_cost_is_reported() {
    use kafka_playground::ui::metrics::MetricsHistory;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut store = run(
        Rc::new(Store::default()),
        "kafka-topics.sh --create --topic t --partitions 12 --replication-factor 3",
    );
    store = run(
        store,
        "producer start p1 --topic t --rate 1000/s --keys k{n%50}",
    );
    store = run(store, "consumer start c1 --group g --topic t");
    store = advance(store, 5_000);
    // A history one simulated second behind, so that each observe below takes a full sample.
    let mut history = MetricsHistory::default();
    history.observe(&store.cluster(), &[]);
    store = advance(store, 1_000);
    let cluster = store.cluster();
    assert!(history.wants(cluster.now().as_millis(), &[]));
    let rounds = 200;
    let start = performance.now();
    for _ in 0..rounds {
        let mut h = history.clone();
        h.observe(&cluster, &[]);
        assert_eq!(h.samples().len(), 1);
        std::hint::black_box(&h);
    }
    let per_sample = (performance.now() - start) / f64::from(rounds);
    history.observe(&cluster, &[]);
    let start = performance.now();
    for _ in 0..rounds {
        std::hint::black_box(history.wants(cluster.now().as_millis(), &[]));
    }
    let per_check = (performance.now() - start) / f64::from(rounds);
    console_log!(
        "metrics sampler, {} partitions incl. internal: {per_sample:.3} ms per observe (incl. clone), {per_check:.4} ms per frame check",
        cluster.topics().map(|t| t.partitions.len()).sum::<usize>()
    );
}

/// A group's first rebalance shows in `rebalance-rate-per-hour` for a minute; a consumer slower
/// than its producer shows its position lag in `records-lag-max`.
#[wasm_bindgen_test]
fn consumer_metrics_follow_the_group() {
    let mut store = run(
        Rc::new(Store::default()),
        "kafka-topics.sh --create --topic t --partitions 2 --replication-factor 3",
    );
    store = advance(store, 1_000);
    store = run(store, "producer start p1 --topic t --rate 200/s");
    store = run(store, "consumer start c1 --group g --topic t --rate 20/s");
    for _ in 0..10 {
        store = advance(store, 1_000);
    }
    let latest = *store.metrics.latest().expect("sampled");
    assert!(latest.get(Metric::RebalanceRatePerHour) >= 60, "{latest:?}");
    assert!(latest.get(Metric::RecordsLagMax) > 100, "{latest:?}");
    // A minute later without another rebalance the rate is back to 0.
    store = run(store, "producer stop p1");
    store = advance(store, 61_000);
    let latest = *store.metrics.latest().expect("sampled");
    assert_eq!(latest.get(Metric::RebalanceRatePerHour), 0, "{latest:?}");
}

/// A chart puts the newest sample at the right edge and the largest value at the top; a few
/// samples span at least ten seconds' steps.
#[wasm_bindgen_test]
fn charts_scale_to_the_samples() {
    use kafka_playground::ui::components::metrics_panel::{chart_points, compact};
    use kafka_playground::ui::metrics::Sample;
    let sample = |second, messages| {
        let mut values = [0; 9];
        values[5] = messages;
        Sample { second, values }
    };
    let samples = [sample(1, 0), sample(2, 500), sample(3, 1000)];
    let refs: Vec<&Sample> = samples.iter().collect();
    assert_eq!(
        chart_points(&refs, Metric::MessagesInPerSec),
        "124.4,38.0 142.2,20.0 160.0,2.0"
    );
    assert_eq!(compact(999), "999");
    assert_eq!(compact(12_345), "12.3k");
    assert_eq!(compact(4_500_000), "4.5M");
}
