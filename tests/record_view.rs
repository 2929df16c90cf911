#![cfg(not(target_arch = "wasm32"))]
//! The borrowed record view (`engine::record::BatchRef`, `RecordRef`) against the owned decoder:
//! for any batch, the view's records (key, value, headers walked lazily) are the owned records,
//! and for any truncation, bit flip or hostile record bytes behind a valid CRC the view gives
//! exactly the owned decoder's error, never a panic. `Cluster::fetch_ref` returns what
//! `Cluster::fetch` does, borrowed.

use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::record::crc32c::crc32c;
use kafka_playground::engine::record::{
    BatchRef, Header, Record, RecordBatch, RecordBatchBuilder, RecordRef,
};
use kafka_playground::engine::{Cluster, ClusterOptions};
use proptest::collection::vec;
use proptest::prelude::*;

fn nullable_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        Just(Some(Vec::new())),
        vec(any::<u8>(), 0..40).prop_map(Some),
        vec(any::<u8>(), 100..300).prop_map(Some),
    ]
}

fn header() -> impl Strategy<Value = Header> {
    (vec(any::<char>(), 0..8), nullable_bytes()).prop_map(|(key, value)| Header {
        key: key.into_iter().collect(),
        value,
    })
}

/// (timestamp, key, value, headers)
type RecordSpec = (i64, Option<Vec<u8>>, Option<Vec<u8>>, Vec<Header>);

fn record_spec() -> impl Strategy<Value = RecordSpec> {
    (
        0i64..(1 << 45),
        nullable_bytes(),
        nullable_bytes(),
        vec(header(), 0..4),
    )
}

fn build(base_offset: i64, specs: Vec<RecordSpec>) -> Vec<u8> {
    let mut builder = RecordBatchBuilder::with_base_offset(base_offset);
    for (timestamp, key, value, headers) in specs {
        builder
            .append(timestamp, key, value, headers)
            .expect("append");
    }
    builder.build().encode()
}

/// The owned record a view stands for, field by field through the view's own accessors.
fn owned(record: &RecordRef<'_>) -> Record {
    Record {
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key.map(<[u8]>::to_vec),
        value: record.value.map(<[u8]>::to_vec),
        headers: record
            .headers
            .iter()
            .map(|h| Header::new(h.key, h.value.map(<[u8]>::to_vec)))
            .collect(),
    }
}

fn view_result(bytes: &[u8]) -> Result<(RecordBatch, usize), String> {
    BatchRef::decode(bytes)
        .map(|(b, n)| (b.to_batch(), n))
        .map_err(|e| e.to_string())
}

fn owned_result(bytes: &[u8]) -> Result<(RecordBatch, usize), String> {
    RecordBatch::decode(bytes).map_err(|e| e.to_string())
}

proptest! {
    #[test]
    fn a_view_reads_the_records_the_owned_decoder_reads(
        base_offset in 0i64..(1 << 60),
        specs in vec(record_spec(), 0..20),
    ) {
        let bytes = build(base_offset, specs);
        let (view, used) = BatchRef::decode(&bytes).expect("own batch decodes");
        let (batch, owned_used) = RecordBatch::decode(&bytes).expect("own batch decodes");
        prop_assert_eq!(used, owned_used);
        prop_assert_eq!(view.records().len(), batch.records().len());
        for (r, o) in view.records().iter().zip(batch.records()) {
            prop_assert_eq!(&owned(r), o);
            prop_assert_eq!(r.headers.len(), o.headers.len());
            prop_assert_eq!(view.timestamp_of(r), batch.timestamp_of(o));
            prop_assert_eq!(view.sequence_of(r), batch.sequence_of(o));
        }
        prop_assert_eq!(view.to_batch(), batch);
    }

    #[test]
    fn every_truncation_and_bit_flip_gives_the_owned_decoders_answer(
        specs in vec(record_spec(), 1..4),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let bytes = build(7, specs);
        let cut = at.index(bytes.len());
        prop_assert!(BatchRef::decode(&bytes[..cut]).is_err());
        prop_assert_eq!(view_result(&bytes[..cut]), owned_result(&bytes[..cut]));
        let mut flipped = bytes.clone();
        flipped[cut] ^= 1 << bit;
        prop_assert_eq!(view_result(&flipped), owned_result(&flipped));
    }

    #[test]
    fn hostile_records_behind_a_valid_crc_never_panic(body in vec(any::<u8>(), 0..300)) {
        // A well-formed header in front of arbitrary record bytes, so the record parser itself
        // is attacked, with the CRC recomputed so the bytes reach it.
        let mut bytes = RecordBatchBuilder::with_base_offset(5).build().encode();
        bytes.extend_from_slice(&body);
        let length = (bytes.len() - 12) as i32;
        bytes[8..12].copy_from_slice(&length.to_be_bytes());
        let count = i32::from(body.first().copied().unwrap_or(0) % 8);
        bytes[57..61].copy_from_slice(&count.to_be_bytes());
        let crc = crc32c(&bytes[21..]);
        bytes[17..21].copy_from_slice(&crc.to_be_bytes());
        prop_assert_eq!(view_result(&bytes), owned_result(&bytes));
        if let Ok((view, _)) = BatchRef::decode(&bytes) {
            for record in view.records() {
                // Walking the headers again never fails once the batch decoded.
                prop_assert_eq!(record.headers.iter().count(), record.headers.len());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(view_result(&data), owned_result(&data));
    }
}

#[test]
fn fetch_ref_returns_what_fetch_returns_without_copying() {
    let mut cluster = Cluster::new(ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    });
    cluster
        .create_topic(NewTopic {
            name: "t".to_string(),
            ..NewTopic::default()
        })
        .expect("topic");
    for batch in 0..5u8 {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for i in 0..10u8 {
            let key = Some(vec![b'k', batch, i]);
            let headers = vec![Header::new("h", Some(vec![i]))];
            builder
                .append(1_000, key, Some(vec![b'v'; 50]), headers)
                .expect("append");
        }
        cluster
            .append_batch("t", 0, builder.build())
            .expect("append");
    }
    for (offset, max_bytes) in [(0, i32::MAX), (13, 1), (49, 1_000), (50, 1)] {
        let fetched = cluster.fetch("t", 0, offset, max_bytes).expect("fetch");
        let view = cluster
            .fetch_ref("t", 0, offset, max_bytes)
            .expect("fetch_ref");
        assert_eq!(view.high_watermark, fetched.high_watermark);
        assert_eq!(view.log_start_offset, fetched.log_start_offset);
        let batches: Vec<RecordBatch> = view.batches.iter().map(BatchRef::to_batch).collect();
        assert_eq!(batches, fetched.batches, "from {offset}, {max_bytes} bytes");
    }
    let error = cluster.fetch_ref("t", 0, 51, 1).expect_err("past the end");
    let expected = cluster.fetch("t", 0, 51, 1).expect_err("past the end");
    assert_eq!(error, expected);
}
