//! Runs the Python cross-check scripts in this folder from native tests
//! (`#[path = "python/runner.rs"] mod python;` in tests/record_codec.rs and tests/partitioner.rs).
//!
//! kafka-python is the independent implementation we check against. When it is missing the test
//! fails and says how to install it, rather than passing without checking anything; set
//! `KPLAY_SKIP_PYTHON=1` to skip on purpose (a skip line is printed).

// Each test crate that includes this module uses a different part of it.
#![allow(dead_code)]

use kafka_playground::engine::record::{BatchHeader, RecordBatch, TimestampType};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

const INSTALL_HINT: &str =
    "install it with `python3 -m pip install -r tests/python/requirements.txt` \
     (./scripts/test.sh does this), or set KPLAY_SKIP_PYTHON=1 to skip the cross-check";

/// `None` (after printing a skip line) when `KPLAY_SKIP_PYTHON=1`; panics with the install hint
/// when python3 or kafka-python cannot be imported.
pub fn require_kafka_python(test: &str) -> Option<()> {
    if std::env::var("KPLAY_SKIP_PYTHON").as_deref() == Ok("1") {
        println!("SKIPPED {test}: KPLAY_SKIP_PYTHON=1, kafka-python cross-check not run");
        return None;
    }
    let probe = Command::new("python3")
        .args([
            "-c",
            "import kafka.record.default_records, kafka.partitioner.default",
        ])
        .output();
    match probe {
        Ok(out) if out.status.success() => Some(()),
        Ok(out) => panic!(
            "{test} needs kafka-python, which python3 cannot import ({}); {INSTALL_HINT}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "{test} needs python3 with kafka-python, but python3 did not run ({e}); {INSTALL_HINT}"
        ),
    }
}

/// A fresh directory under the system temp dir, unique to this process and call.
pub fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kplay-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Runs `python3 tests/python/SCRIPT ARGS…`, prints its summary, and panics with its output if
/// it exits non-zero (a mismatch).
pub fn run_script(script: &str, args: &[&str]) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    let out = Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "python3 {script} {} failed ({}):\n{stdout}{stderr}",
        args.join(" "),
        out.status
    );
    print!("{stdout}");
    stdout
}

/// `s` as a JSON string literal; everything outside printable ASCII is `\u` escaped.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Lower-case hex, as Python's `bytes.hex()`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn nullable_hex(bytes: Option<&[u8]>) -> String {
    bytes.map_or_else(|| "null".to_owned(), |b| json_string(&hex(b)))
}

/// One batch in crosscheck_batches.py's JSON shape; `records` is `None` for a batch whose records
/// we cannot read (compressed).
pub fn describe(header: &BatchHeader, batch: Option<&RecordBatch>) -> String {
    let h = header;
    let mut out = format!(
        "{{\"base_offset\": {}, \"batch_length\": {}, \"partition_leader_epoch\": {}, \"magic\": {}, \
         \"crc\": {}, \"attributes\": {}, \"compression\": {}, \"timestamp_type\": {}, \
         \"is_transactional\": {}, \"is_control\": {}, \"last_offset_delta\": {}, \
         \"base_timestamp\": {}, \"max_timestamp\": {}, \"producer_id\": {}, \
         \"producer_epoch\": {}, \"base_sequence\": {}, \"records_count\": {}, \"records\": ",
        h.base_offset, h.batch_length, h.partition_leader_epoch, h.magic, h.crc, h.attributes,
        h.compression.id(), u8::from(h.timestamp_type == TimestampType::LogAppendTime),
        h.is_transactional, h.is_control, h.last_offset_delta, h.base_timestamp, h.max_timestamp,
        h.producer_id, h.producer_epoch, h.base_sequence, h.records_count,
    );
    let Some(batch) = batch else {
        out.push_str("null}");
        return out;
    };
    let records: Vec<String> = batch
        .records()
        .iter()
        .map(|r| {
            let headers: Vec<String> = r
                .headers
                .iter()
                .map(|h| format!("[{}, {}]", json_string(&h.key), nullable_hex(h.value.as_deref())))
                .collect();
            format!(
                "{{\"offset\": {}, \"timestamp\": {}, \"key\": {}, \"value\": {}, \"headers\": [{}]}}",
                r.offset,
                batch.timestamp_of(r),
                nullable_hex(r.key.as_deref()),
                nullable_hex(r.value.as_deref()),
                headers.join(", ")
            )
        })
        .collect();
    out.push_str(&format!("[{}]}}", records.join(",\n  ")));
    out
}

pub fn describe_all(batches: &[RecordBatch], crc_checks: &[(Vec<u8>, u32)]) -> String {
    let batches: Vec<String> = batches
        .iter()
        .map(|b| describe(&b.header(), Some(b)))
        .collect();
    let checks: Vec<String> = crc_checks
        .iter()
        .map(|(data, crc)| format!("{{\"data\": \"{}\", \"crc\": {crc}}}", hex(data)))
        .collect();
    format!(
        "{{\"batches\": [\n{}\n], \"crc_checks\": [{}]}}\n",
        batches.join(",\n"),
        checks.join(", ")
    )
}
