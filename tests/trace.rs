//! The trace (docs/TRACE.md): `kplay --trace`, and the determinism of the trace hash — the same
//! seed and script give the same trace, a different seed another (DESIGN.md, principle 3). The
//! browser test (tests/browser/trace.rs) asserts the same hash in wasm.
#![cfg(not(target_arch = "wasm32"))]

mod support;
#[path = "support/trace_fixture.rs"]
mod trace_fixture;

use kafka_playground::engine::trace::{trace_hash, TraceHasher};
use support::{kplay, TempDir};

/// The failover scenario of issue #5: a follower crashes, the controller fences it when its
/// session times out (`broker.session.timeout.ms`, 9 s by default) and shrinks the ISR; restarted,
/// it truncates what it never flushed, is unfenced and rejoins the ISR once it caught up (KIP-841,
/// KIP-903).
const FAILOVER: &str = "\
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic s --replication-factor 3
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic s <<EOF
a
b
EOF
broker kill 2
time advance 12s
broker start 2
time advance 5s
";

/// The lines of `text` that contain `pattern`.
fn lines_with<'a>(text: &'a str, pattern: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(pattern)).collect()
}

/// A fresh directory and the path of `trace.txt` in it.
fn trace_file(name: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(name);
    std::fs::create_dir_all(dir.join("")).expect("temp dir");
    let path = dir.join("trace.txt");
    (dir, path)
}

#[test]
fn kplay_writes_the_trace_to_a_file() {
    let (_dir, path) = trace_file("trace");
    let path_arg = path.to_str().expect("UTF-8 path");
    let traced = kplay(&["--brokers", "3", "--trace", path_arg], FAILOVER);
    assert_eq!(traced.status.code(), Some(0), "{traced:?}");
    let trace = std::fs::read_to_string(&path).expect("the trace file");

    // Every line starts with its sim time, and times never go backwards.
    let times: Vec<i64> = trace
        .lines()
        .map(|l| l.split(' ').next().and_then(|t| t.parse().ok()).expect(l))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{trace}");

    for expected in [
        "1735689600000 ctl quorum controller none->1",
        " b1 s-0 hw 0->2",
        " b2 process crashed lost=",
        " ctl b2 fenced (session timed out)",
        " ctl s-0 isr [1,2,3]->[1,3] (broker fenced)",
        " b2 process running lost=0",
        " ctl b2 unfenced",
        " ctl s-0 isr [1,3]->[1,3,2]",
    ] {
        assert_eq!(
            lines_with(&trace, expected).len(),
            1,
            "{expected:?} once in:\n{trace}"
        );
    }
    // The session times out 9 s after the last heartbeat before the kill.
    let fenced = lines_with(&trace, " fenced ")[0];
    assert!(fenced.starts_with("17356896100"), "{fenced}");
    // Order: crash, fence, shrink, restart, unfence, expand.
    let position = |pattern: &str| trace.find(pattern).expect(pattern);
    assert!(position(" process crashed") < position(" fenced "));
    assert!(position(" fenced ") < position("isr [1,2,3]->[1,3]"));
    assert!(position("isr [1,2,3]->[1,3]") < position(" process running"));
    assert!(position(" process running") < position(" unfenced"));
    assert!(position(" unfenced") < position("isr [1,3]->[1,3,2]"));

    // The trace changes nothing else kplay prints.
    let plain = kplay(&["--brokers", "3"], FAILOVER);
    assert_eq!(traced.stdout, plain.stdout);
    assert_eq!(traced.stderr, plain.stderr);
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        "Created topic s.\nBroker 2 killed.\nBroker 2 started.\n"
    );
}

#[test]
fn kplay_trace_dash_writes_to_stderr() {
    let plain = kplay(&["--brokers", "3"], FAILOVER);
    let traced = kplay(&["--brokers", "3", "--trace", "-"], FAILOVER);
    assert_eq!(traced.status.code(), Some(0));
    assert_eq!(traced.stdout, plain.stdout);
    let stderr = String::from_utf8_lossy(&traced.stderr);
    assert_eq!(
        lines_with(&stderr, " ctl b2 fenced (session timed out)").len(),
        1
    );
    // What kplay printed on stderr without the trace is still there, in order.
    let without_trace: String = stderr
        .lines()
        .filter(|l| !l.starts_with("17356"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without_trace, String::from_utf8_lossy(&plain.stderr));
}

#[test]
fn kplay_refuses_a_trace_file_it_cannot_write() {
    let out = kplay(&["--trace", "/nonexistent-dir/trace.txt"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("kplay: cannot write --trace /nonexistent-dir/trace.txt: "));
    let out = kplay(&["--trace"], "");
    assert_eq!(out.status.code(), Some(2));
}

/// Same seed and script ⇒ the same trace; another seed places replicas elsewhere (the
/// `StripedReplicaPlacer` draws from the seeded generator) ⇒ another trace.
#[test]
fn same_seed_same_hash_other_seed_other_hash() {
    let (output, events) = trace_fixture::run(0);
    assert!(!output.failed, "{}{}", output.stdout(), output.stderr());
    let hash = trace_hash(&events);
    let lines: String = events.iter().map(|e| format!("{e}\n")).collect();
    assert_eq!(
        hash,
        trace_fixture::HASH,
        "the trace hash moved; if on purpose, set HASH = {hash:#018x} in \
         tests/support/trace_fixture.rs. The trace:\n{lines}"
    );
    assert_eq!(trace_hash(&trace_fixture::run(0).1), hash);
    assert_ne!(trace_hash(&trace_fixture::run(1).1), hash);
    // The fixture has the faults it is meant to: a failover and the broker's return.
    for expected in [
        " ctl b1 fenced",
        " leader 1->",
        " ctl b1 unfenced",
        " controller 1->",
    ] {
        assert!(lines.contains(expected), "{expected:?} in:\n{lines}");
    }
}

/// `kplay --trace FILE` writes the same trace as the engine drained in process: its bytes hash
/// to the same constant the browser test checks.
#[test]
fn kplay_trace_file_hashes_to_the_fixture_hash() {
    let (_dir, path) = trace_file("trace-hash");
    let path_arg = path.to_str().expect("UTF-8 path");
    let out = kplay(
        &["--seed", "0", "--brokers", "3", "--trace", path_arg],
        &trace_fixture::script(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut hasher = TraceHasher::new();
    hasher.write(&std::fs::read(&path).expect("the trace file"));
    assert_eq!(hasher.finish(), trace_fixture::HASH);
}
