//! Browser tests: the engine and the app compiled to wasm32, run in headless Chromium by
//! wasm-bindgen-test (`cargo test --target wasm32-unknown-unknown --test browser`).
#![cfg(target_arch = "wasm32")]

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod blocked;
mod corrupt_chunk;
mod embed;
mod faults;
mod files_view;
mod groups;
mod panel_commands;
mod partition_view;
#[path = "../support/placement_fixture.rs"]
mod placement_fixture;
mod playback;
mod prefs;
mod producers;
mod restart_report;
mod session_clients;
mod share;
mod storage;
mod store_bench;
mod take_over;
mod terminal;
mod timeline;
mod trace;
#[path = "../support/trace_fixture.rs"]
mod trace_fixture;
mod ui_store;
mod workspaces;

/// The same script gives byte-identical output in wasm and natively: the topic id below is
/// the one `tests/topics_cli.rs` expects for seed 0 as well.
#[wasm_bindgen_test]
fn describe_matches_native_golden() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 2\nkafka-topics.sh --describe --topic orders\n",
    );
    assert!(!output.failed);
    assert_eq!(
        output.stdout(),
        "Created topic orders.\n\
         Topic: orders\tTopicId: Gl-EnUkzRuCqpZTxJi0tLA\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: \n\
         \tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n\
         \tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2\tIsr: 2\tElr: \tLastKnownElr: \n"
    );
}

/// Replica placement (`StripedReplicaPlacer` on a `java.util.Random`) gives the same replicas in
/// wasm as natively: the golden of `tests/support/placement_fixture.rs`, which
/// `tests/placement.rs` checks too.
#[wasm_bindgen_test]
fn placement_matches_native_golden() {
    let output = placement_fixture::run();
    assert!(!output.failed);
    assert_eq!(output.stdout(), placement_fixture::EXPECTED);
}

#[wasm_bindgen_test]
fn bad_input_is_refused_without_panicking() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic ''\nkafka-topics.sh --create --topic '..'\nkafka-topics.sh --bogus\n",
    );
    assert!(output.failed);
    assert_eq!(cluster.topics().count(), 0);
}

/// A default cluster with topic `orders` of `partitions` partitions holding `records` records
/// (`record-0`, `record-1`, …), produced through the command language.
fn cluster_with_orders(partitions: i32, records: usize) -> Cluster {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let lines: String = (0..records).map(|i| format!("record-{i}\n")).collect();
    let output = run_script(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic orders --partitions {partitions}\n\
             kafka-console-producer.sh --topic orders <<EOF\n{lines}EOF\n"
        ),
    );
    assert!(!output.failed, "{:?}", output.lines);
    cluster
}

/// A store whose (empty) workspace was loaded in memory, as the page's is before any action.
fn loaded_store() -> std::rc::Rc<kafka_playground::ui::store::Store> {
    use kafka_playground::ui::store::{Action, Store};
    use yew::Reducible;
    std::rc::Rc::new(Store::default()).reduce(Action::Loaded {
        cluster: None,
        status: kafka_playground::ui::saving::StorageStatus::InMemory("test".into()),
        notes: Vec::new(),
        report: None,
    })
}

/// Playback for `n` animation frames of 16 ms (with a generous engine budget), then paused.
fn play_frames(
    mut store: std::rc::Rc<kafka_playground::ui::store::Store>,
    n: usize,
) -> std::rc::Rc<kafka_playground::ui::store::Store> {
    use kafka_playground::ui::playback::PlaybackAction;
    use kafka_playground::ui::store::Action;
    use yew::Reducible;
    store = store.reduce(Action::Playback(PlaybackAction::Play));
    for _ in 0..n {
        store = store.reduce(Action::Playback(PlaybackAction::Frame {
            wall_ms: 16.0,
            budget_ms: 1_000.0,
        }));
    }
    store.reduce(Action::Playback(PlaybackAction::Pause))
}

/// Waits until Yew has rendered (it schedules renders on the microtask queue).
async fn settle() {
    gloo::timers::future::TimeoutFuture::new(10).await;
}

/// A new `<div>` at the end of the page's body, for a component to render into.
fn mount() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    root
}

mod app {
    use crate::{mount, settle};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn app_mounts_and_creates_a_topic() {
        let root = mount();
        // Its own workspace, emptied first, so an earlier run's topics are not there.
        let mut workspace = kafka_playground::storage::indexeddb::Workspace::open("app-test")
            .await
            .expect("IndexedDB");
        workspace.clear().await.expect("clear");
        workspace.close();
        let props = kafka_playground::ui::components::app::AppProps {
            workspace: "app-test".into(),
        };
        yew::Renderer::<kafka_playground::ui::components::app::App>::with_root_and_props(
            root.clone(),
            props,
        )
        .render();
        // The page says "Loading…" until the workspace is read.
        for _ in 0..200 {
            settle().await;
            if root
                .query_selector("[data-testid=loading]")
                .ok()
                .flatten()
                .is_none()
            {
                break;
            }
        }
        let text = root.text_content().unwrap_or_default();
        assert!(text.contains("Saved in this browser"), "{text}");
        assert!(text.contains("Broker 1"), "{text}");
        assert!(text.contains("No topics yet"), "{text}");

        let input: web_sys::HtmlInputElement = root
            .query_selector("[data-testid=topic-name]")
            .expect("query")
            .expect("name input")
            .dyn_into()
            .expect("input element");
        input.set_value("payments");
        let event = web_sys::InputEvent::new("input").expect("event");
        input.dispatch_event(&event).expect("dispatch");
        settle().await;
        let button: web_sys::HtmlElement = root
            .query_selector("[data-testid=create-topic]")
            .expect("query")
            .expect("button")
            .dyn_into()
            .expect("html element");
        button.click();
        settle().await;
        let text = root.text_content().unwrap_or_default();
        assert!(text.contains("Created topic payments."), "{text}");
        assert!(root
            .query_selector("[data-topic=payments]")
            .expect("query")
            .is_some());
    }
}

/// The log benchmarks of `benches/log_bench.rs`, same functions, in the browser. Full size only in
/// an optimised build (`scripts/test.sh` runs it with `--release -- --nocapture`); a debug build
/// runs a small smoke size. Reported, never asserted.
#[wasm_bindgen_test]
fn benchmark_log_append_and_read() {
    use kafka_playground::bench::{
        append, load_after_clean_stop, recovery_of_torn_tail, sequential_read, TABLE_HEADER,
    };
    let records: u64 = if cfg!(debug_assertions) {
        2_000
    } else {
        200_000
    };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut now = || performance.now();
    // A warm-up pass of the same size, not measured: V8 first runs wasm from its baseline
    // compiler (Liftoff) and moves hot functions to the optimising one (TurboFan) in the
    // background, later on a busy machine, and the first pass also grows the wasm heap to the
    // log's size. Measured after it, as a page that has been running is (native code has
    // neither step); without it the append row ranged from 2.5 M to 10.7 M records/s.
    let (_, warm) = append(records, 100, &mut now);
    let _ = sequential_read(&warm, &mut now);
    drop(warm);
    console_log!("wasm32 in Chromium, {records} records\n{TABLE_HEADER}");
    let (appended, cluster) = append(records, 100, &mut now);
    console_log!("{}", appended.row());
    let (single, _) = append(records / 10, 1, &mut now);
    console_log!("{}", single.row());
    let read = sequential_read(&cluster, &mut now);
    assert_eq!(read.records, records);
    console_log!("{}", read.row());
    console_log!("{}", recovery_of_torn_tail(&cluster, &mut now).row());
    console_log!("{}", load_after_clean_stop(&cluster, &mut now).row());
}

/// Compaction of the same number of records over 10,000 keys (`bench::compaction`, as
/// `benches/log_bench.rs` runs it natively). Reported, never asserted on time. The size is
/// 200,000 records, as CI runs the native bench; `KPLAY_BENCH_RECORDS=1000000` at build time
/// gives the full-size figure of docs/PERFORMANCE.md.
#[wasm_bindgen_test]
fn benchmark_compaction() {
    use kafka_playground::bench::{compaction, TABLE_HEADER};
    let full: u64 = option_env!("KPLAY_BENCH_RECORDS")
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    // A debug build runs a smoke size that still fills a few 1 MiB segments.
    let records: u64 = if cfg!(debug_assertions) { 20_000 } else { full };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut now = || performance.now();
    let compacted = compaction(records, 10_000, &mut now);
    assert!(compacted.bytes_after < compacted.bytes_before);
    console_log!(
        "wasm32 in Chromium, {records} records\n{TABLE_HEADER}\n{}\ncompaction: {} bytes before, {} bytes after, {} records after",
        compacted.row(),
        compacted.bytes_before,
        compacted.bytes_after,
        compacted.records_after
    );
}

/// The partition assignor benchmark of `benches/log_bench.rs` (issues #7/#8) in the browser:
/// one rebalance of 100 members over 1 000 partitions per assignor. Reported, never asserted.
#[wasm_bindgen_test]
fn benchmark_assignors() {
    use kafka_playground::bench::{assignor_rebalances, assignor_row, ASSIGNOR_TABLE_HEADER};
    let rounds = if cfg!(debug_assertions) { 1 } else { 20 };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut now = || performance.now();
    console_log!(
        "wasm32 in Chromium, partition assignors (mean of {rounds} runs)\n{ASSIGNOR_TABLE_HEADER}"
    );
    for (assignor, case, ms) in assignor_rebalances(rounds, &mut now) {
        console_log!("{}", assignor_row(&assignor, &case, ms));
    }
}

/// The replication benchmark of `benches/log_bench.rs` (issue #5) in the browser: simulated
/// seconds per wall second with 3 brokers, 12 partitions, RF=3 and a background producer, and
/// replicated produce. Full size only in an optimised build. Reported, never asserted.
#[wasm_bindgen_test]
fn benchmark_replication() {
    use kafka_playground::bench::replication::{
        replicated_produce, simulated_time, SIM_SPEED_HEADER,
    };
    use kafka_playground::bench::TABLE_HEADER;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut now = || performance.now();
    let loads: &[(u32, u64)] = if cfg!(debug_assertions) {
        &[(1_000, 1)]
    } else {
        &[(1_000, 60), (10_000, 20), (100_000, 5)]
    };
    console_log!(
        "wasm32 in Chromium, 3 brokers, 12 partitions, RF=3, acks=all producer\n{SIM_SPEED_HEADER}"
    );
    for &(rate, seconds) in loads {
        console_log!("{}", simulated_time(rate, seconds, &mut now).row());
    }
    let records = if cfg!(debug_assertions) { 200 } else { 20_000 };
    console_log!(
        "{TABLE_HEADER}\n{}",
        replicated_produce(records, &mut now).row()
    );
}

/// The consumer-group benchmark of `benches/log_bench.rs` (issue #7) in the browser: consuming
/// through the group path, and a whole rebalance of 100 members over 1 000 partitions per
/// assignor. Full size only in an optimised build. Reported, never asserted.
#[wasm_bindgen_test]
fn benchmark_groups() {
    use kafka_playground::bench::groups::{
        group_consume, group_rebalance, GroupMode, REBALANCE_HEADER,
    };
    use kafka_playground::bench::TABLE_HEADER;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let mut now = || performance.now();
    let records = if cfg!(debug_assertions) {
        2_000
    } else {
        20_000
    };
    console_log!("wasm32 in Chromium, consumer groups\n{TABLE_HEADER}");
    console_log!("{}", group_consume(records, &mut now).row());
    if cfg!(debug_assertions) {
        return;
    }
    console_log!("\n{REBALANCE_HEADER}");
    for mode in GroupMode::ALL {
        console_log!("{}", group_rebalance(mode, &mut now).row());
    }
}
