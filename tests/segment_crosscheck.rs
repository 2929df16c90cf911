//! Every segment file the playground writes reads back in kafka-python (an independent decoder of
//! Kafka's v2 batches), record for record: several rolled segments of keyed, keyless, headered
//! and null-valued records from the console producer, and an idempotent producer's batches.
#![cfg(not(target_arch = "wasm32"))]

#[path = "python/runner.rs"]
mod python;
mod support;

use kafka_playground::engine::record::RecordBatch;

#[test]
fn every_segment_file_reads_back_in_kafka_python() {
    let Some(()) = python::require_kafka_python("every_segment_file_reads_back_in_kafka_python")
    else {
        return;
    };
    let mut cluster = support::cluster();
    let lines: String = (0..40)
        .map(|i| match i % 4 {
            0 => format!("h:{i}\tkey-{i}:value-{i}\n"),
            1 => format!("NULL\tkey-{i}:NULL\n"),
            2 => format!("a:1,b:NULL\tNULL:keyless-{i}\n"),
            _ => format!("x:y\tkey-{i}:{}\n", "v".repeat(i * 7)),
        })
        .collect();
    support::run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic mixed --partitions 2 --config segment.bytes=600\n\
             kafka-console-producer.sh --topic mixed --producer-property batch.size=300 \
             --property parse.key=true --property key.separator=: --property parse.headers=true \
             --property null.marker=NULL <<'EOF'\n{lines}EOF\n"
        ),
    );
    let store = &cluster.broker(1).expect("broker").store;
    let dir = python::scratch_dir("segments");
    let mut checked = 0;
    for path in store
        .list("mixed-0")
        .into_iter()
        .chain(store.list("mixed-1"))
    {
        if !path.ends_with(".log") {
            continue;
        }
        let bytes = store.contents(&path).expect("segment bytes");
        let batches = RecordBatch::decode_all(bytes).expect("our own decoder reads it");
        let name = path.replace('/', "_");
        let bin = dir.join(format!("{name}.bin"));
        let json = dir.join(format!("{name}.json"));
        std::fs::write(&bin, bytes).expect("write segment");
        std::fs::write(&json, python::describe_all(&batches, &[])).expect("write expectation");
        python::run_script(
            "crosscheck_batches.py",
            &[
                "verify",
                bin.to_str().expect("utf-8"),
                json.to_str().expect("utf-8"),
            ],
        );
        checked += batches.iter().map(|b| b.records().len()).sum::<usize>();
    }
    assert_eq!(
        checked, 40,
        "every record was in some segment and was checked"
    );
    let segments = store
        .list("mixed-0")
        .iter()
        .filter(|p| p.ends_with(".log"))
        .count()
        + store
            .list("mixed-1")
            .iter()
            .filter(|p| p.ends_with(".log"))
            .count();
    assert!(segments > 2, "segments rolled: {segments}");
}
