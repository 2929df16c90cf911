//! Scenarios (issue #12, share links): a live session, its replay and `kplay` running the
//! exported `.kplay` text give the same trace hash; playback's many small advances agree with one
//! `time advance`; the shell export is valid bash of Kafka tools only.

use kafka_playground::cli::run_script;
use kafka_playground::cli::shell::parse_script;
use kafka_playground::engine::trace::trace_hash;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::scenario::link::{from_fragment, to_fragment};
use kafka_playground::scenario::recorder::Recorder;
use kafka_playground::scenario::replay::{kplay_trace_hash, replay, start, ReplayJob};
use kafka_playground::scenario::shell_export::to_shell_script;

const BUSY: &str = "kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3 --config segment.bytes=2048
producer start p1 --topic orders --rate 50/s --keys key-%d
consumer start c1 --group g --topic orders
consumer start c2 --group g --topic orders
";

fn options() -> ClusterOptions {
    ClusterOptions {
        seed: 7,
        ..ClusterOptions::default()
    }
}

/// A busy cluster: a topic, a producer, a consumer group of two.
fn busy() -> Cluster {
    let mut cluster = start(&options());
    let output = run_script(&mut cluster, BUSY);
    assert!(!output.failed, "{output:?}");
    cluster
}

/// Advancing by animation-frame slices (`advance_until`, ~16 ms each, as playback does) and by
/// one `time advance` to the same time give the same events, with a broker killed in between.
#[test]
fn frame_slices_and_one_advance_agree_on_a_busy_cluster() {
    let mut sliced = busy();
    let mut whole = busy();
    let mut sliced_events = sliced.drain_events();
    let mut whole_events = whole.drain_events();
    for (span_ms, then) in [(4_000, Some("broker kill 2")), (25_000, None)] {
        let to = sliced.now().as_millis() + span_ms;
        while sliced.now().as_millis() < to {
            let next = (sliced.now().as_millis() + 16).min(to);
            assert!(sliced.advance_until(next, || true));
        }
        whole.advance_time(span_ms);
        assert_eq!(sliced.now(), whole.now());
        if let Some(line) = then {
            run_script(&mut sliced, line);
            run_script(&mut whole, line);
        }
        sliced_events.extend(sliced.drain_events());
        whole_events.extend(whole.drain_events());
    }
    assert!(sliced_events.len() > 100, "busy: {}", sliced_events.len());
    assert_eq!(trace_hash(&sliced_events), trace_hash(&whole_events));
}

/// A session recorded as the page records it (lines, and time moved by frames between them)
/// replays — from its share link and through `kplay`'s path over the exported text — to the
/// live session's trace hash.
#[test]
fn live_session_replay_and_kplay_agree() {
    let mut live = start(&options());
    let mut recorder = Recorder::new(&options());
    let run = |cluster: &mut Cluster, recorder: &mut Recorder, line: &str| {
        let started = cluster.now().as_millis();
        run_script(cluster, line);
        recorder.record(started, line, cluster.now().as_millis());
        recorder.observe(&cluster.drain_events());
    };
    let frames = |cluster: &mut Cluster, recorder: &mut Recorder, ms: i64| {
        let to = cluster.now().as_millis() + ms;
        while cluster.now().as_millis() < to {
            let next = (cluster.now().as_millis() + 17).min(to);
            cluster.advance_until(next, || true);
            recorder.observe(&cluster.drain_events());
        }
    };
    for line in BUSY.lines() {
        run(&mut live, &mut recorder, line);
    }
    frames(&mut live, &mut recorder, 3_000);
    run(&mut live, &mut recorder, "broker kill 2");
    frames(&mut live, &mut recorder, 12_000);
    run(
        &mut live,
        &mut recorder,
        "kafka-console-producer.sh --topic orders <<'EOF'\n<b>x</b>\nEOF",
    );
    frames(&mut live, &mut recorder, 2_500);
    let now = live.now().as_millis();
    let scenario = recorder.scenario(now);

    let link = to_fragment(&scenario);
    let opened = from_fragment(&link).expect("a link").expect("reads");
    let replayed = replay(&opened);
    assert_eq!(replayed.cluster.now().as_millis(), now);
    assert_eq!(replayed.trace_hash, recorder.trace_hash());
    assert_eq!(replayed.failed, 0);

    let text = scenario.to_kplay();
    assert_eq!(
        kplay_trace_hash(&opened.options, &text),
        Some(recorder.trace_hash())
    );

    // A step at a time, as the page replays a long scenario over frames.
    let (mut job, mut cluster) = ReplayJob::new(std::rc::Rc::new(opened));
    let mut slices = 0;
    while !job.run(&mut cluster, || false) {
        slices += 1;
    }
    assert_eq!(slices + 1, job.progress().1);
    assert_eq!(job.trace_hash(), recorder.trace_hash());
    assert_eq!(cluster.now().as_millis(), now);
}

/// The exported shell script passes `bash -n`, and every line it runs is a Kafka tool.
#[test]
fn shell_export_is_valid_bash_of_kafka_tools() {
    let text = format!(
        "# seed: 3\n{BUSY}time advance 5s\nkafka-console-consumer.sh --topic orders --from-beginning\nkafka-dump-log.sh --files /tmp/kraft-combined-logs/broker-1/orders-0/00000000000000000000.log\nbroker stop 1\nnetwork partition 1 2\n"
    );
    let scenario = kafka_playground::scenario::Scenario::from_kplay(&text).expect("reads");
    let script = to_shell_script(&scenario);
    for command in parse_script(&script).expect("parses") {
        let program = &command.words[0];
        assert!(
            program.starts_with("kafka-") && program.ends_with(".sh"),
            "{program} in\n{script}"
        );
    }
    let dir = std::env::temp_dir().join(format!("kplay-share-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("scenario.sh");
    std::fs::write(&path, &script).expect("writes");
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(status.success(), "bash -n failed on\n{script}");
    assert!(script.contains("# playground only: producer start p1"));
    assert!(script.contains("waits for more records"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The real `kplay` binary, given the exported `.kplay` file and the options its header names,
/// traces (after the cluster's start) exactly the events of the live session.
#[test]
fn kplay_binary_reproduces_an_exported_scenario() {
    let mut live = start(&options());
    let mut recorder = Recorder::new(&options());
    for line in BUSY.lines().chain(["broker kill 3"]) {
        let started = live.now().as_millis();
        run_script(&mut live, line);
        recorder.record(started, line, live.now().as_millis());
        recorder.observe(&live.drain_events());
        live.advance_until(live.now().as_millis() + 1_250, || true);
        recorder.observe(&live.drain_events());
    }
    let scenario = recorder.scenario(live.now().as_millis());
    let dir = std::env::temp_dir().join(format!("kplay-share-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (file, trace) = (dir.join("scenario.kplay"), dir.join("trace.txt"));
    std::fs::write(&file, scenario.to_kplay()).expect("writes");
    let o = &scenario.options;
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args([
            "--seed",
            &o.seed.to_string(),
            "--brokers",
            &o.brokers.to_string(),
        ])
        .args(["--start-time", &o.start_time.as_millis().to_string()])
        .arg("--trace")
        .arg(&trace)
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("kplay runs");
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    let text = std::fs::read_to_string(&trace).expect("trace written");
    // kplay traces the cluster's start first; the session's hash leaves it out.
    let start_events = Cluster::new(options()).drain_events().len();
    let mut hasher = kafka_playground::engine::trace::TraceHasher::new();
    let mut lines = 0;
    for line in text.lines().skip(start_events) {
        hasher.write(line.as_bytes());
        hasher.write(b"\n");
        lines += 1;
    }
    assert!(lines > 100, "{lines} trace lines");
    assert_eq!(hasher.finish(), recorder.trace_hash());
    let _ = std::fs::remove_dir_all(&dir);
}
