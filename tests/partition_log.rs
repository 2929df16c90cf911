//! The partition log: rolling (`LogSegment.shouldRoll`), the sparse indexes (`LogSegment.append`,
//! `OffsetIndex`, `TimeIndex`), reads by offset and by time (`UnifiedLog.read`,
//! `fetchOffsetByTimestamp`, KIP-734's max timestamp) and `max.message.bytes`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::engine::fetch::OffsetSpec;
use support::{log, produce_n, run_ok, segment_bases};

#[test]
fn a_segment_rolls_when_the_next_batch_would_pass_segment_bytes() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --config segment.bytes=200\n",
    );
    // One console-producer run per record: one batch each (~80 bytes for these records).
    for i in 0..5 {
        run_ok(
            &mut cluster,
            &format!("kafka-console-producer.sh --topic t <<EOF\nrecord-{i}\nEOF\n"),
        );
    }
    let log = log(&cluster, "t", 0);
    let sizes: Vec<i32> = log.segments().map(|s| s.size()).collect();
    // Each segment holds as many whole batches as fit in 200 bytes; no segment passes it.
    assert!(sizes.iter().all(|&s| s <= 200), "{sizes:?}");
    assert_eq!(segment_bases(log), vec![0, 2, 4]);
    assert_eq!(log.log_end_offset(), 5);
    let store = &cluster.broker(1).expect("broker").store;
    for base in [0, 2, 4] {
        for suffix in [".log", ".index", ".timeindex"] {
            assert!(
                store.exists(&format!("t-0/{base:020}{suffix}")),
                "{base}{suffix}"
            );
        }
    }
}

#[test]
fn segment_ms_counts_from_the_first_batch_timestamp_not_the_clock() {
    // LogSegment.timeWaitedForRoll: the first batch's max timestamp, when there is one.
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --config segment.ms=60000\n",
    );
    produce_n(&mut cluster, "t", 1, false);
    run_ok(&mut cluster, "time advance 59s\n");
    produce_n(&mut cluster, "t", 1, false);
    assert_eq!(
        segment_bases(log(&cluster, "t", 0)),
        vec![0],
        "59 s after the first batch: no roll"
    );
    // Time passing alone never rolls (Kafka rolls only on append).
    run_ok(&mut cluster, "time advance 10m\n");
    assert_eq!(segment_bases(log(&cluster, "t", 0)), vec![0]);
    produce_n(&mut cluster, "t", 1, false);
    assert_eq!(
        segment_bases(log(&cluster, "t", 0)),
        vec![0, 2],
        "rolled on the append after segment.ms"
    );
}

#[test]
fn a_full_index_rolls_the_segment() {
    // AbstractIndex.maxEntries = segment.index.bytes / entry size: 36 bytes hold four 8-byte
    // offset entries and three 12-byte time entries, of which TimeIndex.isFull keeps the last for
    // the entry written on roll. index.interval.bytes=0 indexes every batch after the first
    // (LogSegment.append: an entry once more than the interval was written). All records here
    // share one timestamp, so the time index gets a single entry (TimeIndex.maybeAppend keeps only
    // larger timestamps) and the offset index fills first: after offset 4, the next batch rolls.
    let mut cluster = support::cluster();
    run_ok(&mut cluster, "kafka-topics.sh --create --topic t --config segment.index.bytes=36 --config index.interval.bytes=0\n");
    for i in 0..6 {
        run_ok(
            &mut cluster,
            &format!("kafka-console-producer.sh --topic t <<EOF\nr{i}\nEOF\n"),
        );
    }
    let log = log(&cluster, "t", 0);
    assert_eq!(segment_bases(log), vec![0, 5]);
    let first = log.segments().next().expect("a segment");
    let entries: Vec<i64> = first
        .offset_index()
        .entries()
        .iter()
        .map(|e| e.offset)
        .collect();
    assert_eq!(entries, vec![1, 2, 3, 4]);
    assert_eq!(first.time_index().entries().len(), 1);

    // 28 bytes hold three offset entries but two time entries, one of them reserved: the time
    // index is full after its first entry (at offset 1), so the third batch rolls.
    run_ok(&mut cluster, "kafka-topics.sh --create --topic u --config segment.index.bytes=28 --config index.interval.bytes=0\n");
    for i in 0..3 {
        run_ok(
            &mut cluster,
            &format!("kafka-console-producer.sh --topic u <<EOF\nr{i}\nEOF\n"),
        );
    }
    assert_eq!(segment_bases(support::log(&cluster, "u", 0)), vec![0, 2]);
}

#[test]
fn the_offset_index_is_sparse_and_reads_start_from_it() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --config index.interval.bytes=100\n",
    );
    for i in 0..10 {
        run_ok(
            &mut cluster,
            &format!("kafka-console-producer.sh --topic t <<EOF\nvalue-{i}\nEOF\n"),
        );
    }
    let log = log(&cluster, "t", 0);
    let segment = log.active_segment();
    let entries = segment.offset_index().entries();
    assert!(
        !entries.is_empty() && entries.len() < 10,
        "sparse: {entries:?}"
    );
    // Every entry points at the start of the batch whose last offset it names.
    let store = &cluster.broker(1).expect("broker").store;
    let file = store.contents(&segment.log_path()).expect("log file");
    for entry in entries {
        let at = usize::try_from(entry.position).expect("position");
        let header = kafka_playground::engine::record::BatchHeader::parse(&file[at..])
            .expect("a batch starts there");
        assert_eq!(header.last_offset(), entry.offset);
    }
    for offset in 0..10 {
        let fetched = cluster.fetch("t", 0, offset, 1).expect("fetch");
        assert_eq!(
            fetched.batches[0].records()[0].offset,
            offset,
            "one batch per record here"
        );
    }
    assert!(
        cluster.fetch("t", 0, 11, 1).is_err(),
        "past the log end: OFFSET_OUT_OF_RANGE"
    );
}

#[test]
fn list_offsets_by_time_and_max_timestamp() {
    let mut cluster = support::cluster();
    run_ok(&mut cluster, "kafka-topics.sh --create --topic t\n");
    let start = cluster.now().as_millis();
    for i in 0..3 {
        produce_n(&mut cluster, "t", 2, false);
        if i < 2 {
            run_ok(&mut cluster, "time advance 1m\n");
        }
    }
    let at = |spec| {
        cluster
            .list_offset("t", 0, spec)
            .expect("list")
            .map(|o| o.offset)
    };
    assert_eq!(at(OffsetSpec::Earliest), Some(0));
    assert_eq!(at(OffsetSpec::Latest), Some(6));
    assert_eq!(at(OffsetSpec::Timestamp(start)), Some(0));
    assert_eq!(
        at(OffsetSpec::Timestamp(start + 1)),
        Some(2),
        "first record at or after the time"
    );
    assert_eq!(at(OffsetSpec::Timestamp(start + 60_000)), Some(2));
    assert_eq!(at(OffsetSpec::Timestamp(start + 10 * 60_000)), None);
    // KIP-734: the first record with the largest timestamp.
    assert_eq!(at(OffsetSpec::MaxTimestamp), Some(4));
    let out = run_ok(
        &mut cluster,
        &format!(
            "kafka-get-offsets.sh --topic t --time {}\nkafka-get-offsets.sh --topic t --time -3\n",
            start + 1
        ),
    );
    assert_eq!(out.stdout(), "t:0:2\nt:0:4\n");
}

#[test]
fn a_record_over_max_message_bytes_is_refused_and_nothing_is_written() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic t --config max.message.bytes=100\n",
    );
    let big = "x".repeat(200);
    let output = kafka_playground::cli::run_script(
        &mut cluster,
        &format!("kafka-console-producer.sh --topic t <<EOF\nsmall\n{big}\nEOF\n"),
    );
    assert!(
        !output.failed,
        "the console producer logs send errors and exits 0"
    );
    assert_eq!(
        output.stderr(),
        "[2025-01-01 00:00:00,000] ERROR Error when sending message to topic t with key: null, value: 200 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n\
         org.apache.kafka.common.errors.RecordTooLargeException: The record batch size in the append to t-0 is 270 bytes which exceeds the maximum configured value of 100.\n"
    );
    let log = log(&cluster, "t", 0);
    assert_eq!(
        log.log_end_offset(),
        1,
        "the small record was split out and written alone"
    );
}
