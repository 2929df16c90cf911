//! `kafka-dump-log.sh` against the files the engine writes, checked against Kafka 4.1's
//! `kafka.tools.DumpLogSegments` (core/src/main/scala/kafka/tools/DumpLogSegments.scala): golden
//! lines copied from real Kafka dumps (the batch CRCs prove the bytes are Kafka's), the checks of
//! Kafka's `DumpLogSegmentsTest`, and corrupt files, which must print what Kafka prints and never
//! panic.
#![cfg(not(target_arch = "wasm32"))]

use kafka_playground::cli::{run_script, Output};
use kafka_playground::engine::clock::SimTime;
use kafka_playground::engine::cluster::NewTopic;
use kafka_playground::engine::record::{BatchOptions, Header, Record, RecordBatchBuilder};
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::storage::FileStore;

const DIR: &str = "/tmp/kraft-combined-logs/broker-1";
const T0: i64 = 1_735_689_600_000;

type Rec<'a> = (i64, Option<&'a str>, Option<&'a str>);

/// A one-broker cluster whose clock starts at `start_ms`, with `topic` created.
fn cluster_with(topic: &str, configs: &[(&str, &str)], start_ms: i64) -> Cluster {
    let options = ClusterOptions {
        brokers: 1,
        start_time: SimTime(start_ms),
        ..ClusterOptions::default()
    };
    let mut cluster = Cluster::new(options);
    let configs = configs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    let request = NewTopic {
        name: topic.to_string(),
        configs: configs.collect(),
        ..NewTopic::default()
    };
    cluster.create_topic(request).expect("topic created");
    cluster
}

fn bytes(text: Option<&str>) -> Option<Vec<u8>> {
    text.map(|t| t.as_bytes().to_vec())
}

/// Appends one batch to partition 0 as its leader would.
fn append(cluster: &mut Cluster, topic: &str, options: BatchOptions, records: &[Rec<'_>]) {
    let mut builder = RecordBatchBuilder::new(0, options).expect("builder");
    for (timestamp, key, value) in records {
        let appended = builder.append(*timestamp, bytes(*key), bytes(*value), vec![]);
        appended.expect("record");
    }
    cluster
        .append_batch(topic, 0, builder.build())
        .expect("append");
}

/// Appends one batch made of whole records (headers, offset gaps).
fn append_records(cluster: &mut Cluster, topic: &str, records: Vec<Record>) {
    let mut builder = RecordBatchBuilder::with_base_offset(0);
    for record in records {
        builder.append_record(record).expect("record");
    }
    cluster
        .append_batch(topic, 0, builder.build())
        .expect("append");
}

/// A record at `offset` with timestamp `T0 + offset`.
fn record(offset: i64, key: Option<&str>, value: Option<&str>, headers: &[&str]) -> Record {
    let headers = headers.iter().map(|k| Header::new(*k, None)).collect();
    let (key, value, timestamp) = (bytes(key), bytes(value), T0 + offset);
    Record {
        offset,
        timestamp,
        key,
        value,
        headers,
    }
}

fn idempotent(producer_id: i64, base_sequence: i32) -> BatchOptions {
    BatchOptions {
        producer_id,
        producer_epoch: 0,
        base_sequence,
        ..BatchOptions::default()
    }
}

fn dump(cluster: &mut Cluster, args: &str) -> Output {
    run_script(cluster, &format!("kafka-dump-log.sh {args}\n"))
}

/// The path dump-log is given for partition 0's first segment file.
fn segment(topic: &str, suffix: &str) -> String {
    format!("{DIR}/{}", store_path(topic, suffix))
}

/// The same file's key in broker 1's store.
fn store_path(topic: &str, suffix: &str) -> String {
    format!("{topic}-0/00000000000000000000{suffix}")
}

fn store(cluster: &mut Cluster) -> &mut FileStore {
    &mut cluster.broker_mut(1).expect("broker 1").store
}

fn contents(cluster: &Cluster, path: &str) -> Vec<u8> {
    let broker = cluster.broker(1).expect("broker 1");
    broker.store.contents(path).expect("file").to_vec()
}

/// The `baseOffset: …` lines of a dump.
fn batch_lines(output: &Output) -> Vec<String> {
    let stdout = output.stdout();
    let batches = stdout.lines().filter(|l| l.starts_with("baseOffset"));
    batches.map(str::to_string).collect()
}

fn exception(class: &str, message: &str) -> String {
    format!("Exception in thread \"main\" {class}: {message}\n")
}

/// Golden lines from a real Kafka dump: freepsw/kafka_basic `01.kafka_basic/README.md` (an
/// idempotent console producer; three batches with their sizes, positions and CRCs).
#[test]
fn batches_print_byte_for_byte_as_kafka_printed_them() {
    let mut cluster = cluster_with("kv_topic", &[], 1_719_920_692_528);
    let t = 1_719_919_955_151;
    let first = [
        (t, Some("k3"), Some("msg3")),
        (t, Some("k4"), Some("msg4")),
        (t, Some("k5"), Some("msg5")),
    ];
    append(&mut cluster, "kv_topic", idempotent(1000, 0), &first);
    append(
        &mut cluster,
        "kv_topic",
        idempotent(1000, 3),
        &[(1_719_919_956_175, Some("k7"), Some("msg7"))],
    );
    let t = 1_719_920_692_528;
    let third: Vec<Rec<'_>> = first
        .iter()
        .chain(first.iter())
        .enumerate()
        .map(|(i, r)| (t - i64::from(i == 0), r.1, r.2))
        .collect();
    append(&mut cluster, "kv_topic", idempotent(1001, 0), &third);
    let output = dump(
        &mut cluster,
        &format!("--print-data-log --files {}", segment("kv_topic", ".log")),
    );
    let expected = "\
Dumping /tmp/kraft-combined-logs/broker-1/kv_topic-0/00000000000000000000.log
Log starting offset: 0
baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 0 lastSequence: 2 producerId: 1000 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1719919955151 size: 100 magic: 2 compresscodec: none crc: 2553173963 isvalid: true
| offset: 0 CreateTime: 1719919955151 keySize: 2 valueSize: 4 sequence: 0 headerKeys: [] key: k3 payload: msg3
| offset: 1 CreateTime: 1719919955151 keySize: 2 valueSize: 4 sequence: 1 headerKeys: [] key: k4 payload: msg4
| offset: 2 CreateTime: 1719919955151 keySize: 2 valueSize: 4 sequence: 2 headerKeys: [] key: k5 payload: msg5
baseOffset: 3 lastOffset: 3 count: 1 baseSequence: 3 lastSequence: 3 producerId: 1000 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 100 CreateTime: 1719919956175 size: 74 magic: 2 compresscodec: none crc: 3724116375 isvalid: true
| offset: 3 CreateTime: 1719919956175 keySize: 2 valueSize: 4 sequence: 3 headerKeys: [] key: k7 payload: msg7
baseOffset: 4 lastOffset: 9 count: 6 baseSequence: 0 lastSequence: 5 producerId: 1001 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 174 CreateTime: 1719920692528 size: 139 magic: 2 compresscodec: none crc: 1245378216 isvalid: true
| offset: 4 CreateTime: 1719920692527 keySize: 2 valueSize: 4 sequence: 0 headerKeys: [] key: k3 payload: msg3
| offset: 5 CreateTime: 1719920692528 keySize: 2 valueSize: 4 sequence: 1 headerKeys: [] key: k4 payload: msg4
| offset: 6 CreateTime: 1719920692528 keySize: 2 valueSize: 4 sequence: 2 headerKeys: [] key: k5 payload: msg5
| offset: 7 CreateTime: 1719920692528 keySize: 2 valueSize: 4 sequence: 3 headerKeys: [] key: k3 payload: msg3
| offset: 8 CreateTime: 1719920692528 keySize: 2 valueSize: 4 sequence: 4 headerKeys: [] key: k4 payload: msg4
| offset: 9 CreateTime: 1719920692528 keySize: 2 valueSize: 4 sequence: 5 headerKeys: [] key: k5 payload: msg5
";
    assert_eq!(output.stdout(), expected);
    assert_eq!(output.stderr(), "");
    assert!(!output.failed);
}

/// Golden lines from fvaleri/strimzi-debugging `sessions/001/README.md` (Kafka 3.8, KRaft): one
/// record with key "24910" and value "kafka" from producer 20.
#[test]
fn a_keyed_record_from_an_idempotent_producer() {
    let mut cluster = cluster_with("my-topic", &[], 1_725_536_752_604);
    append(
        &mut cluster,
        "my-topic",
        idempotent(20, 0),
        &[(1_725_536_752_604, Some("24910"), Some("kafka"))],
    );
    let path = segment("my-topic", ".log");
    let output = dump(
        &mut cluster,
        &format!("--deep-iteration --print-data-log --files {path}"),
    );
    assert_eq!(
        output.stdout(),
        format!(
            "Dumping {path}\nLog starting offset: 0\n\
             baseOffset: 0 lastOffset: 0 count: 1 baseSequence: 0 lastSequence: 0 producerId: 20 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1725536752604 size: 78 magic: 2 compresscodec: none crc: 4051670483 isvalid: true\n\
             | offset: 0 CreateTime: 1725536752604 keySize: 5 valueSize: 5 sequence: 0 headerKeys: [] key: 24910 payload: kafka\n"
        )
    );
}

/// Offsets, timestamp step, with keys, with values: `DumpLogSegmentsTest.addSimpleRecords`.
const SHAPES: [(std::ops::Range<usize>, i64, bool, bool); 4] = [
    (0..10, 2, true, true),
    (10..30, 3, true, false),
    (30..50, 5, false, true),
    (50..60, 7, false, false),
];

/// The four batches of `DumpLogSegmentsTest.addSimpleRecords`, in a log with
/// `index.interval.bytes=128` (its `createTestLog`): keys and values, keys only, values only,
/// neither.
fn simple_records_log() -> Cluster {
    let mut cluster = cluster_with("test", &[("index.interval.bytes", "128")], T0);
    let keys: Vec<String> = (0..60).map(|i| format!("message key {i}")).collect();
    let values: Vec<String> = (0..60).map(|i| format!("message value {i}")).collect();
    for (range, step, key, value) in SHAPES {
        let records: Vec<Rec<'_>> = range
            .map(|i| {
                (
                    T0 + i as i64 * step,
                    key.then(|| keys[i].as_str()),
                    value.then(|| values[i].as_str()),
                )
            })
            .collect();
        append(&mut cluster, "test", BatchOptions::default(), &records);
    }
    cluster
}

/// `DumpLogSegmentsTest.testPrintDataLog` (its `verifyRecordsInOutput`): batch lines start
/// `baseOffset: N lastOffset: `, record lines `| offset: N`, and end with
/// `headerKeys: [] key: message key N payload: message value N` (key and payload only when set);
/// without deep iteration no record is printed (`verifyNoRecordsInOutput`).
#[test]
fn print_data_log_as_dump_log_segments_test_checks_it() {
    let mut cluster = simple_records_log();
    let path = segment("test", ".log");
    let decoder = "org.apache.kafka.tools.api.StringDecoder";
    for (flags, check_contents) in [
        ("--print-data-log".to_string(), true),
        ("--print-data-log --deep-iteration".to_string(), true),
        (format!("--value-decoder-class {decoder}"), true),
        (format!("--key-decoder-class {decoder}"), true),
        ("--deep-iteration".to_string(), false),
    ] {
        let output = dump(&mut cluster, &format!("{flags} --files {path}"));
        let stdout = output.stdout();
        let mut lines = stdout.lines().skip(2);
        for (range, _, keys, values) in SHAPES {
            let line = lines.next().expect("batch line");
            assert!(
                line.starts_with(&format!("baseOffset: {} lastOffset: ", range.start)),
                "{line}"
            );
            for offset in range {
                let line = lines.next().expect("record line");
                assert!(line.starts_with(&format!("| offset: {offset}")), "{line}");
                let mut suffix = "headerKeys: []".to_string();
                if check_contents && keys {
                    suffix.push_str(&format!(" key: message key {offset}"));
                }
                if check_contents && values {
                    suffix.push_str(&format!(" payload: message value {offset}"));
                }
                assert!(line.ends_with(&suffix), "{flags}: {line}");
            }
        }
        assert_eq!(lines.next(), None);
        assert_eq!(output.stderr(), "");
    }
    let output = dump(&mut cluster, &format!("--files {path}"));
    assert_eq!(output.stdout().lines().count(), 2 + 4);
    assert!(output.stdout().lines().all(|l| !l.starts_with('|')));
}

/// `DumpLogSegmentsTest.testPrintDataLogPartialBatches`: `--max-bytes` of the first two batches'
/// sizes dumps exactly two batches, and says nothing about the bytes it left.
#[test]
fn max_bytes_stops_at_whole_batches() {
    let mut cluster = simple_records_log();
    let path = segment("test", ".log");
    let output = dump(&mut cluster, &format!("--files {path}"));
    let size = |line: &String| -> i64 {
        let field = line.split(" size: ").nth(1).expect("size field");
        field
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("size")
    };
    let sizes: Vec<i64> = batch_lines(&output).iter().map(size).collect();
    assert_eq!(sizes.len(), 4);
    let partial = format!("--max-bytes {} --files {path}", sizes[0] + sizes[1]);
    let output = dump(&mut cluster, &partial);
    assert_eq!(batch_lines(&output).len(), 2);
    assert!(!output.stdout().contains("invalid bytes"));
    let output = dump(&mut cluster, &format!("--max-bytes -1 --files {path}"));
    let total: i64 = sizes.iter().sum();
    let message = format!("Invalid size: -1 in read from FileRecords(size={total}, file={path}, start=0, end=2147483647)");
    assert_eq!(
        output.stderr(),
        exception("java.lang.IllegalArgumentException", &message)
    );
    assert!(output.failed);
}

/// Header keys as `mkString("[", ",", "]")`, null and empty keys and values, and
/// `--skip-record-metadata` (whose key keeps the `| ` indent and whose payload does not).
#[test]
fn headers_nulls_and_skipped_metadata() {
    let mut cluster = cluster_with("events", &[], T0);
    let records = vec![
        record(0, Some("user-1"), Some("signed up"), &["trace", "tenant"]),
        record(1, None, Some(""), &[]),
        record(2, Some("gone"), None, &[]),
        record(3, None, None, &["h"]),
    ];
    append_records(&mut cluster, "events", records);
    let path = segment("events", ".log");
    let output = dump(&mut cluster, &format!("--print-data-log --files {path}"));
    let stdout = output.stdout();
    let expected = [
        "| offset: 0 CreateTime: 1735689600000 keySize: 6 valueSize: 9 sequence: -1 headerKeys: [trace,tenant] key: user-1 payload: signed up",
        "| offset: 1 CreateTime: 1735689600001 keySize: -1 valueSize: 0 sequence: -1 headerKeys: [] payload: ",
        "| offset: 2 CreateTime: 1735689600002 keySize: 4 valueSize: -1 sequence: -1 headerKeys: [] key: gone",
        "| offset: 3 CreateTime: 1735689600003 keySize: -1 valueSize: -1 sequence: -1 headerKeys: [h]",
    ];
    assert_eq!(stdout.lines().skip(3).collect::<Vec<_>>(), expected);
    let output = dump(
        &mut cluster,
        &format!("--print-data-log --skip-record-metadata --files {path}"),
    );
    let stdout = output.stdout();
    let expected = [
        "| key: user-1 payload: signed up",
        " payload: ",
        "| key: gone",
        "",
    ];
    assert_eq!(stdout.lines().skip(3).collect::<Vec<_>>(), expected);
}

/// A log with several index entries: `index.interval.bytes` small, one record per batch.
fn indexed_log(batches: usize) -> Cluster {
    let mut cluster = cluster_with("idx", &[("index.interval.bytes", "100")], T0);
    for i in 0..batches {
        let value = format!("value-{i}");
        append(
            &mut cluster,
            "idx",
            BatchOptions::default(),
            &[(T0 + i as i64 * 10, None, Some(&value))],
        );
    }
    cluster
}

/// `.index` lines are `offset: N position: P` for a batch that is really there, `.timeindex`
/// lines `timestamp: T offset: N`, and Kafka's checks find nothing wrong
/// (`DumpLogSegmentsTest.testDumpIndexMismatches`, `testDumpTimeIndexErrors`).
#[test]
fn index_and_time_index_entries_point_at_batches() {
    let mut cluster = indexed_log(12);
    let (log, index, time) = (
        segment("idx", ".log"),
        segment("idx", ".index"),
        segment("idx", ".timeindex"),
    );
    let output = dump(&mut cluster, &format!("--files {log},{index},{time}"));
    assert_eq!(output.stderr(), "");
    let stdout = output.stdout();
    let index_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("offset: "))
        .collect();
    assert!(index_lines.len() >= 3, "{stdout}");
    for line in &index_lines {
        let fields: Vec<&str> = line.split(' ').collect();
        let (offset, position) = (
            format!(" lastOffset: {} ", fields[1]),
            format!(" position: {} ", fields[3]),
        );
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(&offset) && l.contains(&position)),
            "{line}"
        );
    }
    let time_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("timestamp: "))
        .collect();
    assert_eq!(time_lines.len(), index_lines.len());
    assert_eq!(time_lines[0], "timestamp: 1735689600020 offset: 2");
    let output = dump(
        &mut cluster,
        &format!("--verify-index-only --files {index},{time}"),
    );
    assert_eq!(
        output.stdout(),
        format!("Dumping {index}\nDumping {time}\n")
    );
    assert_eq!(output.stderr(), "");
    let output = dump(
        &mut cluster,
        &format!("--index-sanity-check --files {index},{time}"),
    );
    let expected = format!("Dumping {index}\n{index} passed sanity check.\nDumping {time}\n{time} passed sanity check.\n");
    assert_eq!(output.stdout(), expected);
}

/// A zero time-index entry (what a preallocated index holds) before a batch of three: the lines
/// freepsw/kafka_basic `01.kafka_basic/README.md` shows from a real broker.
#[test]
fn a_zero_time_index_entry_is_not_found_in_the_log() {
    let mut cluster = cluster_with("kv_topic", &[], 1_719_920_692_528);
    let t = 1_719_919_955_151;
    append(
        &mut cluster,
        "kv_topic",
        idempotent(1000, 0),
        &[(t, Some("k3"), Some("m")), (t, None, None), (t, None, None)],
    );
    assert!(store(&mut cluster).write_at(&store_path("kv_topic", ".timeindex"), 0, &[0; 12]));
    let path = segment("kv_topic", ".timeindex");
    let output = dump(
        &mut cluster,
        &format!("--deep-iteration --print-data-log --files {path}"),
    );
    assert_eq!(
        output.stdout(),
        format!("Dumping {path}\ntimestamp: 0 offset: 0\n")
    );
    let expected = "The following indexed offsets are not found in the log.\nIndexed offset: 0, found log offset: 2\n";
    assert_eq!(output.stderr(), expected);
}

/// Files that are not there, or not Kafka's: `NoSuchFileException` ends the run (the path of
/// `DumpLogSegmentsTest.testDumpRemoteLogMetadataNoSuchFileException`), an unknown suffix is
/// ignored, and a name without a '.' fails in `substring`.
#[test]
fn missing_and_unknown_files() {
    let mut cluster = cluster_with("t", &[], T0);
    let missing = "/tmp/nosuchfile/00000000000000000000.log";
    let output = dump(&mut cluster, &format!("--files {missing}"));
    assert_eq!(
        output.stdout(),
        format!("Dumping {missing}\nLog starting offset: 0\n")
    );
    assert_eq!(
        output.stderr(),
        exception("java.nio.file.NoSuchFileException", missing)
    );
    assert!(output.failed);
    let metadata = format!("{DIR}/t-0/partition.metadata");
    let (txn, log) = (segment("t", ".txnindex"), segment("t", ".log"));
    let epochs = format!("{DIR}/t-0/leader-epoch-checkpoint");
    let output = dump(
        &mut cluster,
        &format!("--files {metadata},{txn},{epochs},{log}"),
    );
    assert_eq!(
        output.stdout(),
        format!("Dumping {metadata}\nDumping {txn}\nDumping {epochs}\n")
    );
    let substring = exception(
        "java.lang.StringIndexOutOfBoundsException",
        "begin -1, end 23, length 23",
    );
    assert_eq!(
        output.stderr(),
        format!("Ignoring unknown file {metadata}\n{substring}")
    );
    // An index whose segment has no .log: the .log is what cannot be found.
    let output = dump(
        &mut cluster,
        &format!("--files {DIR}/t-0/00000000000000000042.index"),
    );
    let log = format!("{DIR}/t-0/00000000000000000042.log");
    assert_eq!(
        output.stderr(),
        exception("java.nio.file.NoSuchFileException", &log)
    );
}

/// A missing index file: `AbstractIndex` creates it before refusing `maxIndexSize` -1, so the
/// next run finds it empty (`DumpLogSegmentsTest.testDumpEmptyIndex`: `<file> is empty.`); an
/// empty time index prints nothing. `..` in a path is resolved as the system resolves it.
#[test]
fn a_missing_index_is_created_by_the_first_dump() {
    let mut cluster = cluster_with("t", &[], T0);
    assert!(store(&mut cluster).delete(&store_path("t", ".index")));
    let path = format!("{DIR}/t-0/../t-0/00000000000000000000.index");
    let output = dump(&mut cluster, &format!("--files {path}"));
    let expected = exception(
        "java.lang.IllegalArgumentException",
        "Invalid max index size: -1",
    );
    assert_eq!(output.stderr(), expected);
    let output = dump(&mut cluster, &format!("--files {path}"));
    assert_eq!(
        output.stdout(),
        format!("Dumping {path}\n{path} is empty.\n")
    );
    let time = segment("t", ".timeindex");
    let output = dump(&mut cluster, &format!("--files {time}"));
    assert_eq!(output.stdout(), format!("Dumping {time}\n"));
    assert_eq!(output.stderr(), "");
}

/// A flipped byte in a record: its batch prints `isvalid: false` and the records as read (Kafka's
/// deep iteration does not check the CRC); a torn tail is "Found N invalid bytes at the end of".
#[test]
fn corrupt_batches_print_as_kafka_prints_them() {
    let mut cluster = cluster_with("c", &[], T0);
    append(
        &mut cluster,
        "c",
        BatchOptions::default(),
        &[(T0, Some("k"), Some("apple"))],
    );
    append(
        &mut cluster,
        "c",
        BatchOptions::default(),
        &[(T0, Some("k"), Some("melon"))],
    );
    let file = store_path("c", ".log");
    let log = contents(&cluster, &file);
    let at = log
        .windows(5)
        .position(|w| w == b"apple")
        .expect("value in the file");
    assert!(store(&mut cluster).write_at(&file, at as u64, b"A"));
    let path = segment("c", ".log");
    let output = dump(&mut cluster, &format!("--print-data-log --files {path}"));
    let stdout = output.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[2].ends_with("isvalid: false"), "{}", lines[2]);
    assert!(lines[3].ends_with("key: k payload: Apple"), "{}", lines[3]);
    assert!(lines[4].ends_with("isvalid: true"), "{}", lines[4]);
    assert_eq!(output.stderr(), "");
    // Cut the second batch short: it is not printed, and its bytes are counted.
    assert!(store(&mut cluster).truncate(&file, (log.len() / 2) as u64 + 30));
    let output = dump(&mut cluster, &format!("--files {path}"));
    let stdout = output.stdout();
    assert_eq!(batch_lines(&output).len(), 1);
    assert!(
        stdout.ends_with("Found 30 invalid bytes at the end of 00000000000000000000.log\n"),
        "{stdout}"
    );
}

/// Every byte of a segment and its indexes flipped, and every length cut: the dump may fail as
/// Kafka fails, but never panics.
#[test]
fn no_corruption_panics() {
    let mut cluster = indexed_log(4);
    append_records(
        &mut cluster,
        "idx",
        vec![record(0, Some("key"), Some("value"), &["h"])],
    );
    let files = [".log", ".index", ".timeindex"]
        .map(|s| segment("idx", s))
        .join(",");
    let args = format!("--deep-iteration --print-data-log --files {files}");
    for suffix in [".log", ".index", ".timeindex"] {
        let file = store_path("idx", suffix);
        let pristine = contents(&cluster, &file);
        for at in 0..pristine.len() {
            for mask in [0x01u8, 0x02, 0x03, 0x40, 0x80, 0xff] {
                let mut bytes = pristine.clone();
                bytes[at] ^= mask;
                store(&mut cluster).replace(&file, &bytes);
                assert!(dump(&mut cluster, &args).stdout().starts_with("Dumping "));
            }
        }
        for len in 0..pristine.len() {
            store(&mut cluster).replace(&file, &pristine[..len]);
            dump(&mut cluster, &args);
        }
        store(&mut cluster).replace(&file, &pristine);
    }
    // A segment named for the largest offset: Java's long arithmetic wraps, and so does ours.
    let mut names = Vec::new();
    for suffix in [".log", ".index", ".timeindex"] {
        let data = contents(&cluster, &store_path("idx", suffix));
        let name = format!("idx-0/09223372036854775807{suffix}");
        store(&mut cluster).replace(&name, &data);
        names.push(format!("{DIR}/{name}"));
    }
    let output = dump(
        &mut cluster,
        &format!("--deep-iteration --files {}", names.join(",")),
    );
    assert!(output
        .stdout()
        .contains("Log starting offset: 9223372036854775807"));
}
