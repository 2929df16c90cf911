//! The trace is the same in wasm as natively (DESIGN.md, principle 3): the fixture script with
//! replication and faults (tests/support/trace_fixture.rs) hashes to the constant that
//! tests/trace.rs asserts natively, both in process and from `kplay --trace FILE`.

use crate::trace_fixture;
use kafka_playground::engine::trace::trace_hash;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn trace_hash_matches_native() {
    let (output, events) = trace_fixture::run(0);
    assert!(!output.failed, "{}{}", output.stdout(), output.stderr());
    let hash = trace_hash(&events);
    let lines: String = events.iter().map(|e| format!("{e}\n")).collect();
    assert_eq!(
        hash,
        trace_fixture::HASH,
        "wasm's trace differs from native's:\n{lines}"
    );
    // And another seed gives another trace here too.
    assert_ne!(trace_hash(&trace_fixture::run(1).1), hash);
}
