#![cfg(not(target_arch = "wasm32"))]
//! The v2 record batch codec (`engine::record`) against Kafka's format: golden bytes from an
//! independent client (Sarama's `record_test.go`), property tests (round trips, every truncation,
//! every single-bit flip, hostile bytes), and a cross-check with kafka-python in both directions
//! (tests/python/crosscheck_batches.py). Kafka's own tools cannot run on these machines, so
//! kafka-python's `DefaultRecordBatch` is the independent decoder and encoder.

use kafka_playground::engine::record::crc32c::crc32c;
use kafka_playground::engine::record::{
    is_valid, BatchError, BatchHeader, BatchOptions, CompressionType, Header, Record, RecordBatch,
    RecordBatchBuilder, RecordError, TimestampType,
};
use proptest::collection::vec;
use proptest::prelude::*;

const T0: i64 = 1_735_689_600_000;

fn bytes(text: &str) -> Option<Vec<u8>> {
    Some(text.as_bytes().to_vec())
}

/// Recomputes the CRC of a hand-edited batch, so the edit reaches the record parser.
fn fix_crc(batch: &mut [u8]) {
    let crc = crc32c(&batch[21..]);
    batch[17..21].copy_from_slice(&crc.to_be_bytes());
}

// ---------------------------------------------------------------------------------------------
// Golden bytes from Sarama's record_test.go (recordBatchTestCases).

const SARAMA_EMPTY: [u8; 61] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 49, 0, 0, 0, 0, 2, 89, 95, 183, 221, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

const SARAMA_CONTROL: [u8; 61] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 49, 0, 0, 0, 0, 2, 81, 46, 67, 217, 0, 32, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

const SARAMA_GZIP: [u8; 107] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 95, 0, 0, 0, 0, 2, 231, 74, 206, 165, 0, 1, 0, 0, 0, 0, 0, 0,
    1, 88, 141, 205, 89, 56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 31, 139, 8, 0, 0, 9, 110, 136, 0, 255, 0, 21, 0, 234, 255, 40, 0, 10, 0, 8, 1, 2, 3,
    4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12, 3, 0, 173, 201, 88, 103, 21, 0, 0, 0,
];

#[test]
fn sarama_empty_and_control_batches_decode_and_re_encode_byte_for_byte() {
    for (bytes, control) in [(&SARAMA_EMPTY, false), (&SARAMA_CONTROL, true)] {
        let (batch, used) = RecordBatch::decode(bytes).expect("valid batch");
        assert_eq!(used, 61);
        assert_eq!(batch.is_control(), control);
        assert!(batch.records().is_empty());
        assert_eq!(batch.encode(), bytes.to_vec());
    }
}

#[test]
fn compressed_batch_header_parses_but_records_say_which_codec_is_missing() {
    let header = BatchHeader::parse(&SARAMA_GZIP).expect("header");
    assert_eq!(header.compression, CompressionType::Gzip);
    assert_eq!(header.records_count, 1);
    assert_eq!(header.size_in_bytes(), SARAMA_GZIP.len() as u64);
    assert!(
        is_valid(&SARAMA_GZIP),
        "the CRC covers the compressed bytes"
    );
    let err = RecordBatch::decode(&SARAMA_GZIP).expect_err("gzip is not decoded");
    assert_eq!(
        err.to_string(),
        "batch at offset 0: compression codec gzip is not supported by the playground"
    );
}

// ---------------------------------------------------------------------------------------------
// Hand-made corruption.

fn sample_batch() -> RecordBatch {
    let options = BatchOptions {
        producer_id: 9,
        producer_epoch: 1,
        base_sequence: 4,
        partition_leader_epoch: 3,
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(17, options).expect("valid options");
    let headers = vec![Header::new("h", bytes("v")), Header::new("nil", None)];
    builder
        .append(T0, bytes("k1"), bytes("v1"), headers)
        .expect("append");
    builder.append(T0 - 3, None, None, vec![]).expect("append");
    builder
        .append(T0 + 90_000, bytes(""), bytes("third"), vec![])
        .expect("append");
    builder.build()
}

#[test]
fn every_truncation_is_a_truncation_error() {
    let bytes = sample_batch().encode();
    for n in 0..bytes.len() {
        let err = RecordBatch::decode(&bytes[..n]).expect_err("truncated");
        assert!(err.is_truncation(), "{n} bytes: {err}");
        assert!(!is_valid(&bytes[..n]));
    }
}

#[test]
fn every_single_bit_flip_is_caught_except_in_fields_outside_the_crc() {
    let batch = sample_batch();
    let bytes = batch.encode();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[index] ^= 1 << bit;
            let result = RecordBatch::decode(&flipped);
            match index {
                // Base offset and leader epoch are outside the CRC by design: the broker rewrites
                // them without re-checksumming (Kafka's DefaultRecordBatch javadoc).
                0..=7 | 12..=15 => {
                    let (decoded, _) = result.expect("fields outside the CRC");
                    assert_eq!(decoded.records().len(), 3);
                }
                _ => assert!(
                    result.is_err(),
                    "flip of bit {bit} in byte {index} went unnoticed"
                ),
            }
        }
    }
}

#[test]
fn hostile_counts_and_magic_are_errors_without_huge_allocations() {
    let mut bytes = sample_batch().encode();
    bytes[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
    fix_crc(&mut bytes);
    let err = RecordBatch::decode(&bytes).expect_err("too many records");
    assert!(
        matches!(err, BatchError::InvalidRecord { index: 3, .. }),
        "{err}"
    );
    bytes[57..61].copy_from_slice(&(-1i32).to_be_bytes());
    fix_crc(&mut bytes);
    let err = RecordBatch::decode(&bytes).expect_err("negative count");
    assert_eq!(
        err.to_string(),
        "batch at offset 17 has invalid record count -1"
    );
    bytes[57..61].copy_from_slice(&2i32.to_be_bytes());
    fix_crc(&mut bytes);
    let err = RecordBatch::decode(&bytes).expect_err("a record left over");
    assert!(
        matches!(err, BatchError::TrailingBytes { count: 2, .. }),
        "{err}"
    );
    bytes[16] = 1;
    let err = RecordBatch::decode(&bytes).expect_err("magic 1");
    assert!(err.to_string().contains("has magic 1"), "{err}");
    let mut short = sample_batch().encode();
    short[8..12].copy_from_slice(&40i32.to_be_bytes());
    let err = RecordBatch::decode(&short).expect_err("too small");
    assert!(
        matches!(err, BatchError::SizeTooSmall { size: 52, .. }),
        "{err}"
    );
}

#[test]
fn a_header_key_that_is_not_utf8_is_an_error() {
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    builder
        .append(T0, None, None, vec![Header::new("ab", None)])
        .expect("append");
    let mut bytes = builder.build().encode();
    let at = bytes.len() - 3; // the header key's bytes sit before its null value length
    bytes[at] = 0xff;
    fix_crc(&mut bytes);
    let err = RecordBatch::decode(&bytes).expect_err("invalid utf-8");
    assert!(
        matches!(
            err,
            BatchError::InvalidRecord {
                source: RecordError::HeaderKeyNotUtf8,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn producer_sequences_wrap_at_i32_max_as_in_kafka() {
    let options = BatchOptions {
        producer_id: 1,
        producer_epoch: 0,
        base_sequence: i32::MAX - 1,
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(10, options).expect("valid");
    for i in 0..3 {
        builder
            .append(T0 + i, None, bytes("s"), vec![])
            .expect("append");
    }
    let batch = builder.build();
    let sequences: Vec<i32> = batch
        .records()
        .iter()
        .map(|r| batch.sequence_of(r))
        .collect();
    assert_eq!(sequences, [i32::MAX - 1, i32::MAX, 0]);
    assert_eq!(batch.last_sequence(), 0);
    assert_eq!(batch.header().last_sequence(), 0);
}

/// Kafka reads a varint spelled longer than needed (`ByteUtils.readVarint`) and a null written
/// as any negative length; it writes neither. Such a batch decodes, and reports the smaller
/// size it re-encodes to.
#[test]
fn longer_varints_and_lengths_below_minus_one_decode_to_the_canonical_size() {
    let mut bytes = RecordBatchBuilder::with_base_offset(0).build().encode();
    // One record: length 7 (0x0e), attributes, timestamp delta 0, offset delta 0, key length
    // -2 (0x03), value length -1 spelled in two bytes (0x81 0x00), no headers.
    bytes.extend_from_slice(&[0x0e, 0, 0, 0, 0x03, 0x81, 0x00, 0]);
    let length = (bytes.len() - 12) as i32;
    bytes[8..12].copy_from_slice(&length.to_be_bytes());
    bytes[57..61].copy_from_slice(&1_i32.to_be_bytes());
    fix_crc(&mut bytes);
    let (batch, used) = RecordBatch::decode(&bytes).expect("Kafka reads it");
    assert_eq!(used, bytes.len());
    assert_eq!(batch.records()[0].key, None);
    assert_eq!(batch.records()[0].value, None);
    let canonical = batch.encode();
    assert_eq!(canonical.len(), bytes.len() - 1);
    assert_eq!(u64::from(batch.size_in_bytes()), canonical.len() as u64);
}

#[test]
fn ten_thousand_records_round_trip() {
    let mut builder = RecordBatchBuilder::with_base_offset(1 << 40);
    for i in 0..10_000i64 {
        let key = (i % 7 != 0).then(|| i.to_be_bytes().to_vec());
        builder
            .append(T0 + (i * 37) % 1_000 - 500, key, bytes("v"), vec![])
            .expect("append");
    }
    let batch = builder.build();
    let encoded = batch.encode();
    assert_eq!(encoded.len() as u64, u64::from(batch.size_in_bytes()));
    let (decoded, used) = RecordBatch::decode(&encoded).expect("valid");
    assert_eq!(used, encoded.len());
    assert_eq!(decoded, batch);
    assert_eq!(decoded.last_offset(), (1 << 40) + 9_999);
}

// ---------------------------------------------------------------------------------------------
// Property tests.

fn nullable_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        Just(Some(Vec::new())),
        vec(any::<u8>(), 0..40).prop_map(Some),
        vec(any::<u8>(), 100..400).prop_map(Some),
    ]
}

fn header() -> impl Strategy<Value = Header> {
    (vec(any::<char>(), 0..8), nullable_bytes()).prop_map(|(key, value)| Header {
        key: key.into_iter().collect(),
        value,
    })
}

/// (offset gap, timestamp, key, value, headers)
type RecordSpec = (i64, i64, Option<Vec<u8>>, Option<Vec<u8>>, Vec<Header>);

fn record_spec() -> impl Strategy<Value = RecordSpec> {
    let timestamp = prop_oneof![Just(-1i64), 0i64..(1 << 45), T0 - 10_000..T0 + 10_000];
    let gap = prop_oneof![4 => Just(1i64), 1 => 1i64..100_000];
    (
        gap,
        timestamp,
        nullable_bytes(),
        nullable_bytes(),
        vec(header(), 0..4),
    )
}

fn options() -> impl Strategy<Value = BatchOptions> {
    let producer = prop_oneof![
        Just((-1i64, -1i16, -1i32, false)),
        (
            0i64..i64::MAX,
            0i16..i16::MAX,
            0i32..i32::MAX,
            any::<bool>()
        ),
    ];
    let time = proptest::option::of(0i64..(1 << 45));
    (any::<i32>(), producer, any::<bool>(), time.clone(), time).prop_map(
        |(epoch, (id, producer_epoch, sequence, txn), control, log_append, horizon)| BatchOptions {
            partition_leader_epoch: epoch,
            producer_id: id,
            producer_epoch,
            base_sequence: sequence,
            is_transactional: txn,
            is_control: control,
            log_append_time_ms: log_append,
            delete_horizon_ms: horizon,
        },
    )
}

fn build(base_offset: i64, options: BatchOptions, specs: Vec<RecordSpec>) -> RecordBatch {
    let mut builder = RecordBatchBuilder::new(base_offset, options).expect("valid options");
    let mut offset = base_offset - 1;
    for (gap, timestamp, key, value, headers) in specs {
        offset += gap;
        let record = Record {
            offset,
            timestamp,
            key,
            value,
            headers,
        };
        builder.append_record(record).expect("append");
    }
    builder.build()
}

proptest! {
    #[test]
    fn encode_then_decode_gives_the_same_batch(
        base_offset in 0i64..(1 << 60),
        options in options(),
        specs in vec(record_spec(), 0..30),
    ) {
        let batch = build(base_offset, options, specs);
        let bytes = batch.encode();
        prop_assert_eq!(bytes.len() as u64, u64::from(batch.size_in_bytes()));
        let (decoded, used) = RecordBatch::decode(&bytes).expect("own batch decodes");
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(&decoded, &batch);
        prop_assert_eq!(decoded.encode(), bytes.clone());
        let header = BatchHeader::parse(&bytes).expect("header");
        prop_assert_eq!(header, batch.header());
        prop_assert_eq!(header.timestamp_type == TimestampType::LogAppendTime,
            options.log_append_time_ms.is_some());
        prop_assert!(is_valid(&bytes));
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in vec(any::<u8>(), 0..300)) {
        let _ = RecordBatch::decode(&data);
        let _ = BatchHeader::parse(&data);
        let _ = is_valid(&data);
    }

    #[test]
    fn hostile_records_behind_a_valid_crc_never_panic(body in vec(any::<u8>(), 0..300)) {
        // A well-formed header (magic 2, codec none, right length, right CRC) in front of
        // arbitrary record bytes, so the record parser itself is attacked.
        let mut bytes = RecordBatchBuilder::with_base_offset(5).build().encode();
        bytes.extend_from_slice(&body);
        let length = (bytes.len() - 12) as i32;
        bytes[8..12].copy_from_slice(&length.to_be_bytes());
        bytes[57..61].copy_from_slice(&i32::from(body.first().copied().unwrap_or(0) % 8).to_be_bytes());
        fix_crc(&mut bytes);
        if let Ok((batch, _)) = RecordBatch::decode(&bytes) {
            // The size a decoded batch reports is what it re-encodes to, however the input
            // spelled its varints.
            prop_assert_eq!(batch.encode().len() as u64, u64::from(batch.size_in_bytes()));
            let again = RecordBatch::decode(&batch.encode()).expect("re-encoded batch decodes");
            prop_assert_eq!(again.0, batch);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-check with kafka-python (tests/python/crosscheck_batches.py).

#[path = "python/runner.rs"]
mod python;

#[test]
fn kafka_python_reads_our_batches_and_we_read_theirs() {
    let test = "kafka_python_reads_our_batches_and_we_read_theirs";
    if python::require_kafka_python(test).is_none() {
        return;
    }
    let dir = python::scratch_dir("record-codec");
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let script = "crosscheck_batches.py";

    // (a) Batches we encode, read back by kafka-python and compared with what we meant.
    let ours = our_batches();
    let mut encoded = Vec::new();
    for batch in &ours {
        batch.encode_into(&mut encoded);
    }
    write(&file("ours.bin"), &encoded);
    write(
        &file("ours.json"),
        python::describe_all(&ours, &crc_checks()),
    );
    python::run_script(script, &["verify", &file("ours.bin"), &file("ours.json")]);

    // (b) Batches kafka-python builds: decoded here, re-encoded byte for byte, and our reading
    // compared with kafka-python's own.
    python::run_script(
        script,
        &["build", &file("theirs.bin"), &file("theirs.json")],
    );
    let theirs = std::fs::read(file("theirs.bin")).expect("kafka-python wrote its batches");
    write(&file("decoded.json"), decode_theirs(&theirs));
    python::run_script(
        script,
        &["compare", &file("theirs.json"), &file("decoded.json")],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn write(path: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
}

/// A spread of batches: every attribute, nulls and empties, unicode header keys, negative and
/// huge timestamp deltas, offset gaps, many records, and a transaction commit marker.
fn our_batches() -> Vec<RecordBatch> {
    let mut batches = vec![sample_batch()];
    let mut plain = RecordBatchBuilder::with_base_offset(0);
    plain
        .append(T0, bytes("key"), bytes("value"), vec![])
        .expect("append");
    plain
        .append(T0 + 1, None, bytes(""), vec![])
        .expect("append");
    plain
        .append(T0 + 2, bytes(""), None, vec![])
        .expect("append");
    let unicode = vec![Header::new("ключ-🔑", bytes("é")), Header::new("", None)];
    plain
        .append(0, bytes("epoch"), Some(vec![7; 20_000]), unicode)
        .expect("append");
    plain
        .append(T0 + (1 << 41), None, None, vec![])
        .expect("append");
    batches.push(plain.build());
    let mut specs = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..500i64 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let n = (seed >> 33) as usize % 50;
        let key = (n % 5 != 0).then(|| seed.to_be_bytes()[..n % 8].to_vec());
        let gap = if i % 50 == 49 { 1_000 } else { 1 };
        specs.push((
            gap,
            T0 + (n as i64) * 97 - 2_000,
            key,
            Some(vec![b'x'; n]),
            vec![],
        ));
    }
    batches.push(build(1 << 35, BatchOptions::default(), specs));
    let txn = BatchOptions {
        producer_id: 4_000,
        producer_epoch: 2,
        base_sequence: i32::MAX - 1,
        is_transactional: true,
        partition_leader_epoch: 12,
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(70, txn).expect("valid");
    for i in 0..3 {
        builder
            .append(T0 + i, None, bytes("in a transaction"), vec![])
            .expect("append");
    }
    batches.push(builder.build());
    // The commit marker: key (version 0, type 1 = COMMIT), value (version 0, coordinator epoch 5).
    let marker = BatchOptions {
        is_control: true,
        ..txn
    };
    let mut builder = RecordBatchBuilder::new(73, marker).expect("valid");
    builder
        .append(
            T0 + 9,
            Some(vec![0, 0, 0, 1]),
            Some(vec![0, 0, 0, 0, 0, 5]),
            vec![],
        )
        .expect("append");
    batches.push(builder.build());
    let appended = BatchOptions {
        log_append_time_ms: Some(T0 + 60_000),
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(80, appended).expect("valid");
    builder
        .append(T0, bytes("a"), bytes("b"), vec![])
        .expect("append");
    builder
        .append(T0 - 50, bytes("c"), bytes("d"), vec![])
        .expect("append");
    batches.push(builder.build());
    let horizon = BatchOptions {
        delete_horizon_ms: Some(T0 + 86_400_000),
        ..BatchOptions::default()
    };
    let mut builder = RecordBatchBuilder::new(90, horizon).expect("valid");
    builder
        .append(T0, bytes("deleted"), None, vec![])
        .expect("append");
    batches.push(builder.build());
    batches
}

fn crc_checks() -> Vec<(Vec<u8>, u32)> {
    let mut inputs: Vec<Vec<u8>> = (0..64u32)
        .map(|n| (0..n).map(|i| (i * 31 + n) as u8).collect())
        .collect();
    inputs.push((0..100_000u32).map(|i| (i ^ (i >> 7)) as u8).collect());
    inputs
        .into_iter()
        .map(|data| {
            let crc = crc32c(&data);
            (data, crc)
        })
        .collect()
}

/// Splits kafka-python's batches with [`BatchHeader::parse`], decodes each, checks that our
/// encoder reproduces its bytes exactly, and describes what we read.
fn decode_theirs(mut bytes: &[u8]) -> String {
    let mut described = Vec::new();
    while !bytes.is_empty() {
        let header = BatchHeader::parse(bytes).expect("kafka-python batch header");
        let size = header.size_in_bytes() as usize;
        let (one, rest) = bytes.split_at(size);
        assert!(
            is_valid(one),
            "kafka-python batch at {} fails our CRC check",
            header.base_offset
        );
        if header.compression == CompressionType::None {
            let (batch, used) = RecordBatch::decode(one).expect("kafka-python batch decodes");
            assert_eq!(used, size);
            assert_eq!(
                batch.encode(),
                one,
                "our encoding differs from kafka-python's bytes"
            );
            assert_eq!(batch.header(), header);
            described.push(python::describe(&header, Some(&batch)));
        } else {
            let err = RecordBatch::decode(one).expect_err("compressed batches are not decoded");
            let expected = format!(
                "compression codec {} is not supported by the playground",
                header.compression
            );
            assert!(err.to_string().ends_with(&expected), "{err}");
            described.push(python::describe(&header, None));
        }
        bytes = rest;
    }
    format!("{{\"batches\": [\n{}\n]}}\n", described.join(",\n"))
}
