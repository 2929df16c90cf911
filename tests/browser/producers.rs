//! The Producers panel's logic (issue #11): the `producer start` line the form builds, the
//! check it makes with the CLI's own parsers (the same words the CLI prints), the answer read
//! back from the terminal, the per-partition view, and the loss memo that runs the
//! whole-partition check only when a leader changed.

use kafka_playground::engine::client::producer_view::{
    acknowledged_loss, acknowledged_per_partition, key_partitions,
};
use kafka_playground::i18n::Lang;
use kafka_playground::ui::producers::{
    answer_to, loss_text, next_producer_name, producible_topics, sh_quote, LossMemo, ProducerFields,
};
use kafka_playground::ui::store::{Action, Store};
use kafka_playground::ui::terminal::session::CommandRequest;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn run(store: Rc<Store>, line: &str) -> Rc<Store> {
    store.reduce(Action::RunCommand(CommandRequest::typed(line)))
}

fn orders() -> Rc<Store> {
    run(
        Rc::new(Store::default()),
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3",
    )
}

fn fields(keys: &str, acks: &str) -> ProducerFields {
    ProducerFields {
        name: "p1".into(),
        topic: "orders".into(),
        rate: "1000".into(),
        keys: keys.into(),
        acks: acks.into(),
        ..ProducerFields::default()
    }
}

#[wasm_bindgen_test]
fn the_form_builds_the_command_a_person_would_type() {
    let defaults = ProducerFields {
        topic: "orders".into(),
        ..ProducerFields::default()
    };
    assert_eq!(
        defaults.command(),
        "producer start p1 --topic orders --rate 100/s --acks all"
    );
    assert_eq!(
        fields("k{n%20}", "1").command(),
        "producer start p1 --topic orders --rate 1000/s --keys k{n%20} --acks 1"
    );
    let tuned = ProducerFields {
        name: "big one".into(),
        linger_ms: "20".into(),
        batch_size: "65536".into(),
        idempotence: "false".into(),
        keys: "user '{n}'".into(),
        ..fields("", "all")
    };
    assert_eq!(
        tuned.command(),
        r"producer start 'big one' --topic orders --rate 1000/s --keys 'user '\''{n}'\''' --acks all --linger-ms 20 --batch-size 65536 --idempotence false"
    );
    assert_eq!(sh_quote("k{n%20}"), "k{n%20}");
    assert_eq!(sh_quote("a,b"), "'a,b'");
    assert_eq!(sh_quote(""), "''");
}

#[wasm_bindgen_test]
fn the_check_says_what_the_cli_says() {
    assert_eq!(fields("k{n%20}", "1").check(), Ok(()));
    assert_eq!(
        ProducerFields::default().check(),
        Err("producer: --topic is required".into())
    );
    let store = orders();
    for bad in [
        fields("k{x}", "all"),
        fields("k{n%0}", "all"),
        fields("k{n", "all"),
        ProducerFields {
            idempotence: "true".into(),
            ..fields("none", "1")
        },
        ProducerFields {
            linger_ms: "soon".into(),
            ..fields("none", "all")
        },
    ] {
        let message = bad.check().expect_err("refused");
        let line = bad.command();
        let after = run(store.clone(), &line);
        let answer = answer_to(&after.terminal, &line).expect("it ran");
        assert!(!answer.ok, "{answer:?}");
        assert_eq!(answer.lines.first(), Some(&message), "{line}");
        assert!(after.cluster().background_producers().is_empty());
    }
}

#[wasm_bindgen_test]
fn a_start_is_read_back_from_the_terminal_and_a_second_one_refused() {
    let store = orders();
    assert_eq!(producible_topics(&store.cluster()), ["orders"]);
    assert_eq!(next_producer_name(&store.cluster()), "p1");
    let line = fields("k{n%20}", "1").command();
    let store = run(store, &line);
    let answer = answer_to(&store.terminal, &line).expect("it ran");
    assert!(answer.ok, "{answer:?}");
    assert_eq!(
        answer.lines,
        ["Producer p1 started: 1000 records/s to orders (acks=1, linger.ms=5, batch.size=16384, enable.idempotence=false)."]
    );
    assert_eq!(next_producer_name(&store.cluster()), "p2");
    let store = run(store, &line);
    let answer = answer_to(&store.terminal, &line).expect("it ran");
    assert!(!answer.ok);
    assert_eq!(answer.lines, ["A producer named p1 is already running."]);
}

#[wasm_bindgen_test]
fn records_spread_by_key_and_the_loss_check_runs_only_when_leaders_change() {
    let store = run(orders(), &fields("k{n%20}", "1").command());
    let mut memo = LossMemo::default();
    assert!(memo.refresh(
        &store.cluster().background_producers()["p1"],
        &store.cluster()
    ));
    let mut store = store;
    for _ in 0..3 {
        store = store.reduce(Action::AdvanceTime(1_000));
        memo.refresh(
            &store.cluster().background_producers()["p1"],
            &store.cluster(),
        );
    }
    // At most one look after the first: when the high watermark passed the records that were
    // uncommitted at the first look.
    assert!(memo.runs <= 2, "{}", memo.runs);
    let runs = memo.runs;
    store = store.reduce(Action::AdvanceTime(1_000));
    assert!(!memo.refresh(
        &store.cluster().background_producers()["p1"],
        &store.cluster()
    ));
    assert_eq!(memo.runs, runs);

    let cluster = store.cluster();
    let producer = &cluster.background_producers()["p1"];
    assert!(producer.stats.acknowledged > 3_000, "{:?}", producer.stats);
    let counts = acknowledged_per_partition(producer, 3);
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
    // Same key, same partition: k0 is records 0, 20, 40, …
    let keys = key_partitions(&producer.spec.keys, 3, 40);
    assert_eq!(keys[0].0, "k0");
    assert_eq!(keys[20], keys[0]);
    assert!(memo.report.lost.is_empty(), "{:?}", memo.report);
    assert_eq!(loss_text(Lang::En, "orders", &memo.report), None);
    assert_eq!(
        acknowledged_loss(producer, &store.cluster(), None).lost,
        memo.report.lost
    );
}

/// The memo's incremental checks find what a full check finds after an acks=1 failover: the
/// records only the killed leader had, once another leader took over.
#[wasm_bindgen_test]
fn the_memo_finds_the_records_an_acks_1_failover_lost() {
    use kafka_playground::ui::faults::BrokerVerb;
    let mut store = run(orders(), &fields("k{n%20}", "1").command());
    let mut memo = LossMemo::default();
    let look = |store: &Store, memo: &mut LossMemo| {
        memo.refresh(
            &store.cluster().background_producers()["p1"],
            &store.cluster(),
        )
    };
    look(&store, &mut memo);
    for _ in 0..2 {
        store = store.reduce(Action::AdvanceTime(1_000));
        look(&store, &mut memo);
    }
    let leader = store
        .cluster()
        .partition_info("orders", 0)
        .and_then(|p| p.leader)
        .expect("a leader");
    store = store.reduce(Action::Broker {
        verb: BrokerVerb::Kill,
        node_id: leader,
    });
    look(&store, &mut memo);
    let runs = memo.runs;
    store = store.reduce(Action::AdvanceTime(1_000));
    assert!(!look(&store, &mut memo), "no leader changed yet");
    assert_eq!(memo.runs, runs);
    // Partition 0's batches wait for a leader; the others go on.
    let retrying = store.cluster().background_producers()["p1"].retrying();
    assert!(
        !retrying.is_empty() && retrying.iter().all(|b| b.partition == 0),
        "{retrying:?}"
    );
    for _ in 0..2 {
        store = store.reduce(Action::AdvanceTime(10_000));
        look(&store, &mut memo);
    }
    let cluster = store.cluster();
    let producer = &cluster.background_producers()["p1"];
    let full = acknowledged_loss(producer, &store.cluster(), None);
    assert!(!full.lost.is_empty(), "{full:?}");
    assert_eq!(memo.report.lost, full.lost);
    let text = loss_text(Lang::En, "orders", &memo.report).expect("a loss");
    assert!(text.contains("acknowledged record"), "{text}");
    assert!(text.contains(": orders-0 offset"), "{text}");
    let korean = loss_text(Lang::Ko, "orders", &memo.report).expect("a loss");
    assert!(korean.contains("확인된 레코드"), "{korean}");
    assert!(korean.contains("orders-0 오프셋"), "{korean}");
}

/// What the panel's views of one producer cost in wasm with 100 000 acknowledged records (the
/// most a background producer remembers), as the page looks at them every 100 ms of simulated
/// time: the full loss check (a card's first look at a producer that already ran), the memo's
/// looks through an acks=1 failover, and the views every frame computes. Reported, never
/// asserted.
#[wasm_bindgen_test]
fn benchmark_producer_views() {
    use kafka_playground::cli::run_script;
    use kafka_playground::engine::client::producer_view::uncommitted_acknowledged;
    use kafka_playground::engine::{Cluster, ClusterOptions};
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let time = |f: &mut dyn FnMut()| {
        let start = performance.now();
        f();
        performance.now() - start
    };
    let mut cluster = Cluster::new(ClusterOptions::default());
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3\n\
         producer start p --topic orders --rate 10000/s --keys k{n%20} --acks 1\n",
    );
    assert!(!output.failed, "{}", output.stderr());
    let mut memo = LossMemo::default();
    // Looks every 100 ms of simulated time: the slowest, and the slowest that read partitions.
    let looks = |cluster: &mut Cluster, memo: &mut LossMemo, steps: u32| {
        let (mut slowest, mut slowest_read) = (0.0_f64, 0.0_f64);
        for _ in 0..steps {
            cluster.advance_time(100);
            let producer = &cluster.background_producers()["p"];
            let runs = memo.runs;
            let ms = time(&mut || {
                memo.refresh(producer, cluster);
            });
            slowest = slowest.max(ms);
            if memo.runs > runs {
                slowest_read = slowest_read.max(ms);
            }
        }
        (slowest, slowest_read)
    };
    let (running_ms, _) = looks(&mut cluster, &mut memo, 100);
    let producer = &cluster.background_producers()["p"];
    let records = producer.acknowledged.len();
    let mut lost = 0;
    let full_ms = time(&mut || lost = acknowledged_loss(producer, &cluster, None).lost.len());
    let bars_ms = time(&mut || {
        acknowledged_per_partition(producer, 3);
    });
    let uncommitted_ms = time(&mut || {
        uncommitted_acknowledged(producer, &cluster);
    });
    let leader = cluster
        .partition_info("orders", 0)
        .and_then(|p| p.leader)
        .expect("a leader");
    let output = run_script(&mut cluster, &format!("broker kill {leader}\n"));
    assert!(!output.failed, "{}", output.stderr());
    let reads_before = memo.runs;
    let (failover_ms, failover_read_ms) = looks(&mut cluster, &mut memo, 120);
    console_log!(
        "wasm32 in Chromium ({}), 10 000 records/s, acks=1, {records} acknowledged records:\n\
         full loss check (a card's first look at a producer that already ran) {full_ms:.1} ms, {lost} lost\n\
         memo looks every 100 ms while running: slowest {running_ms:.2} ms\n\
         memo looks every 100 ms through a failover: slowest {failover_ms:.2} ms, slowest that read \
         {failover_read_ms:.2} ms, {} reads, {} lost\n\
         per-partition bars (every frame) {bars_ms:.2} ms\n\
         uncommitted count (every frame) {uncommitted_ms:.3} ms",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        memo.runs - reads_before,
        memo.report.lost.len()
    );
}
