//! `kafka-console-producer.sh`, `kafka-console-consumer.sh` and `kafka-get-offsets.sh` as a
//! script uses them: Kafka's formats (LineMessageReader, DefaultMessageFormatter,
//! GetOffsetShell), keys on murmur2 partitions, and Kafka's messages for mistakes.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::engine::partitioner::partition_for_key;
use support::{run, run_ok};

const PRINT_ALL: &str = "--property print.timestamp=true --property print.partition=true --property print.offset=true --property print.headers=true --property print.key=true";

#[test]
fn records_round_trip_with_keys_headers_and_nulls() {
    let mut cluster = support::cluster();
    let output = run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic events\n\
             kafka-console-producer.sh --topic events --property parse.key=true --property key.separator=: \
             --property parse.headers=true --property null.marker=NULL <<'EOF'\n\
             trace:abc,tenant:acme\tuser-1:signed up\n\
             NULL\tuser-2:NULL\n\
             h:NULL\tNULL:anonymous\n\
             EOF\n\
             kafka-console-consumer.sh --topic events --from-beginning {PRINT_ALL}\n"
        ),
    );
    assert_eq!(
        output.stdout(),
        "Created topic events.\n\
         CreateTime:1735689600000\tPartition:0\tOffset:0\ttrace:abc,tenant:acme\tuser-1\tsigned up\n\
         CreateTime:1735689600000\tPartition:0\tOffset:1\tNO_HEADERS\tuser-2\tnull\n\
         CreateTime:1735689600000\tPartition:0\tOffset:2\th:null\tnull\tanonymous\n"
    );
    assert_eq!(output.stderr(), "Processed a total of 3 messages\n");
}

#[test]
fn keyed_records_land_on_murmur2_partitions_in_order() {
    let mut cluster = support::cluster();
    let keys = ["alice", "bob", "carol", "dave", "erin", "frank"];
    let lines: String = keys.iter().map(|k| format!("{k}:{k}-order\n")).collect();
    run_ok(
        &mut cluster,
        &format!(
            "kafka-topics.sh --create --topic orders --partitions 4\n\
             kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF\n{lines}EOF\n"
        ),
    );
    for key in keys {
        let partition = partition_for_key(key.as_bytes(), 4).expect("partition");
        let fetched = cluster
            .fetch("orders", partition, 0, i32::MAX)
            .expect("fetch");
        let found = fetched
            .batches
            .iter()
            .flat_map(|b| b.records())
            .any(|r| r.key.as_deref() == Some(key.as_bytes()));
        assert!(found, "{key} is on partition {partition}");
    }
    let output = run_ok(&mut cluster, "kafka-get-offsets.sh --topic orders\n");
    let total: i64 = output
        .stdout()
        .lines()
        .map(|l| {
            l.rsplit(':')
                .next()
                .and_then(|n| n.parse::<i64>().ok())
                .expect("offset")
        })
        .sum();
    assert_eq!(total, 6);
}

#[test]
fn keyless_records_stick_to_a_partition_and_replay_from_the_seed() {
    // BuiltInPartitioner (KIP-794): keyless records stay on one partition until batch.size bytes.
    let script = "kafka-topics.sh --create --topic logs --partitions 3\n\
                  kafka-console-producer.sh --topic logs --producer-property batch.size=100 <<EOF\n\
                  a1\na2\na3\na4\na5\na6\na7\na8\na9\na10\na11\na12\nEOF\n\
                  kafka-get-offsets.sh --topic logs\n";
    let (first, _) = run(script);
    let (second, _) = run(script);
    assert_eq!(first, second, "same seed, same partitions");
    let counts: Vec<i64> = first
        .stdout()
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(':')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("offset")
        })
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 12);
    assert!(
        counts.iter().filter(|&&c| c > 0).count() >= 2,
        "switched partitions after batch.size: {counts:?}"
    );
}

#[test]
fn the_consumer_reads_a_partition_from_an_offset_and_stops_at_max_messages() {
    let mut cluster = support::cluster();
    support::produce_n(&mut cluster, "t", 5, false);
    let output = run_ok(
        &mut cluster,
        "kafka-console-consumer.sh --topic t --partition 0 --offset 2 --property print.offset=true\n\
         kafka-console-consumer.sh --topic t --from-beginning --max-messages 2\n\
         kafka-console-consumer.sh --topic t\n",
    );
    assert_eq!(
        output.stdout(),
        "Offset:2\tvalue-2\nOffset:3\tvalue-3\nOffset:4\tvalue-4\nvalue-0\nvalue-1\n"
    );
    assert_eq!(
        output.stderr(),
        "Processed a total of 3 messages\nProcessed a total of 2 messages\nProcessed a total of 0 messages\n"
    );
}

#[test]
fn producing_to_a_new_topic_auto_creates_it_with_leader_not_available_first() {
    let (output, cluster) = run("kafka-console-producer.sh --topic fresh <<EOF\nhello\nEOF\n");
    assert!(!output.failed);
    assert_eq!(
        output.stderr(),
        "[2025-01-01 00:00:00,000] WARN [Producer clientId=console-producer] Error while fetching metadata with correlation id 1 : {fresh=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)\n"
    );
    assert_eq!(cluster.topic("fresh").map(|t| t.partitions.len()), Some(1));
}

#[test]
fn a_line_the_reader_cannot_parse_ends_the_producer_after_the_lines_before_it() {
    let (output, cluster) = run(
        "kafka-topics.sh --create --topic t\n\
         kafka-console-producer.sh --topic t --property parse.key=true <<EOF\nk\tv\nno separator\nk2\tv2\nEOF\n",
    );
    assert!(output.failed);
    assert_eq!(
        output.stderr(),
        "org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'no separator'\n"
    );
    assert_eq!(support::log(&cluster, "t", 0).log_end_offset(), 1);
}

#[test]
fn mistakes_get_kafkas_messages() {
    let cases = [
        ("kafka-console-consumer.sh --from-beginning", "Exactly one of include/topic is required."),
        ("kafka-console-consumer.sh --topic t --offset 3", "The partition is required when offset is specified."),
        (
            "kafka-console-consumer.sh --topic t --partition 0 --offset 1 --from-beginning",
            "Options from-beginning and offset cannot be specified together.",
        ),
        ("kafka-console-producer.sh --property parse.key=true", "Missing required argument \"[topic]\""),
        (
            "kafka-console-producer.sh --topic t --producer-property acks=2",
            "org.apache.kafka.common.config.ConfigException: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1",
        ),
        (
            "kafka-console-producer.sh --topic t --producer-property acks=1 --producer-property enable.idempotence=true",
            "org.apache.kafka.common.config.ConfigException: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.",
        ),
        ("kafka-get-offsets.sh --topic nope", "Error occurred: Could not match any topic-partitions with the specified filters"),
        (
            "kafka-get-offsets.sh --time yesterday",
            "Malformed time argument yesterday. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp",
        ),
    ];
    for (line, message) in cases {
        let (output, cluster) = run(&format!("kafka-topics.sh --create --topic t\n{line}\n"));
        assert!(output.failed, "{line}");
        assert_eq!(output.stderr(), format!("{message}\n"), "{line}");
        assert_eq!(support::log(&cluster, "t", 0).log_end_offset(), 0, "{line}");
    }
}

/// `GetOffsetShell`: `--topic` is an `IncludeList` regex, `--topic-partitions` a list of
/// `TOPIC_PARTITION_PATTERN` rules (upper bound exclusive), and the result a `TreeMap` ordered by
/// `TopicPartition.toString()`, so `orders-10` sorts before `orders-2`. Partitions without an
/// offset for the time asked are left out (`UNKNOWN_OFFSET`).
#[test]
fn get_offsets_filters_as_get_offset_shell_does() {
    let mut cluster = support::cluster();
    run_ok(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 12\n\
         kafka-topics.sh --create --topic orders-eu --partitions 2\n",
    );
    let out = |cluster: &mut kafka_playground::engine::Cluster, line: &str| {
        run_ok(cluster, &format!("{line}\n")).stdout().to_string()
    };
    assert_eq!(
        out(
            &mut cluster,
            "kafka-get-offsets.sh --topic 'orders.*' --partitions 1,2,10"
        ),
        "orders:1:0\norders:10:0\norders:2:0\norders-eu:1:0\n"
    );
    assert_eq!(
        out(
            &mut cluster,
            "kafka-get-offsets.sh --topic-partitions 'orders:2-4,orders-eu:-1'"
        ),
        "orders:2:0\norders:3:0\norders-eu:0:0\n"
    );
    assert_eq!(
        out(
            &mut cluster,
            "kafka-get-offsets.sh --topic-partitions ':11-'"
        ),
        "orders:11:0\n"
    );
    let start = 1_735_689_600_000_i64;
    assert_eq!(
        out(
            &mut cluster,
            &format!("kafka-get-offsets.sh --topic orders --time {start}")
        ),
        "",
        "no partition has a record at or after the time"
    );
    let (bad, _) = run("kafka-topics.sh --create --topic t\n\
         kafka-get-offsets.sh --topic-partitions 't:x'\n\
         kafka-get-offsets.sh --partitions 0-2\n\
         kafka-get-offsets.sh --topic 't('\n");
    assert_eq!(
        bad.stderr(),
        "Error occurred: org.apache.kafka.tools.TerseException: Invalid rule specification: t:x\n\
         Error occurred: --partitions expects a comma separated list of numeric partition ids, but received: 0-2\n\
         Error occurred: t( is an invalid regex.\n"
    );
}

/// `LogValidator.validateKey`: a compacted topic refuses records without a key. The broker
/// rejects the whole batch with a `RecordError` per keyless record, and the producer's
/// `Sender.failBatch` gives those records an `InvalidRecordException` with the broker's message
/// and the batch's other records a `KafkaException`. Nothing is written.
#[test]
fn a_compacted_topic_refuses_records_without_a_key() {
    let (output, cluster) = run("kafka-topics.sh --create --topic c --config cleanup.policy=compact\n\
         kafka-console-producer.sh --topic c --property parse.key=true --property null.marker=NULL <<EOF\n\
         k1\tv1\n\
         NULL\tv2\n\
         EOF\n");
    let stderr = output.stderr();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("org.apache"))
        .collect();
    assert_eq!(
        errors,
        vec![
            "org.apache.kafka.common.KafkaException: Failed to append record because it was part of a batch which had one more more invalid records",
            "org.apache.kafka.common.InvalidRecordException: Compacted topic cannot accept message without key in topic partition c-0.",
        ]
    );
    assert_eq!(support::log(&cluster, "c", 0).log_end_offset(), 0);
}
