//! `kafka-console-producer.sh`: each line of standard input (a here-document in a script)
//! becomes a record, read by `LineMessageReader` and sent by the producer model, as
//! `org.apache.kafka.tools.ConsoleProducer` does. It prints nothing when all goes well; a failed
//! send is logged by `ErrorLoggingCallback` on stderr and, as in Kafka, does not change the exit
//! status. A line the reader cannot parse ends the tool with exit status 1 after the records
//! before it were sent (the producer is closed on the way out).

use super::line_reader::LineReaderConfig;
use super::options::{self, flag, with_value, OptionSpec};
use super::{log4j, Output};
use crate::engine::client::producer::{Producer, ProducerConfig, ProducerRecord};
use crate::engine::sorting::CollectBTree;
use crate::engine::Cluster;
use std::collections::BTreeMap;

pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("command-config"),
    with_value("topic"),
    with_value("property"),
    with_value("reader-property"),
    with_value("producer-property"),
    with_value("command-property"),
    with_value("producer.config"),
    with_value("batch-size"),
    with_value("compression-codec"),
    with_value("max-block-ms"),
    with_value("max-memory-bytes"),
    with_value("max-partition-memory-bytes"),
    with_value("message-send-max-retries"),
    with_value("metadata-expiry-ms"),
    with_value("request-required-acks"),
    with_value("request-timeout-ms"),
    with_value("retry-backoff-ms"),
    with_value("socket-buffer-size"),
    with_value("timeout"),
    flag("sync"),
    flag("help"),
    flag("version"),
];

/// `key=value` settings from repeated `--property`-style options.
pub(super) fn properties(values: &[String]) -> Result<BTreeMap<String, String>, String> {
    values
        .iter()
        .map(|entry| {
            entry
                .split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("Invalid property: '{entry}' must be in the form key=value"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|pairs| pairs.into_iter().collect_map())
}

fn producer_config(opts: &options::ParsedOptions) -> Result<ProducerConfig, String> {
    let mut config = ProducerConfig {
        client_id: "console-producer".to_string(),
        // ConsoleProducer: --timeout (1000 ms) is linger.ms; --request-required-acks (-1) is acks.
        linger_ms: 1000,
        ..ProducerConfig::default()
    };
    let mut props = BTreeMap::new();
    if let Some(acks) = opts.value("request-required-acks") {
        props.insert("acks".to_string(), acks.to_string());
    }
    if let Some(timeout) = opts.value("timeout") {
        props.insert("linger.ms".to_string(), timeout.to_string());
    }
    if let Some(size) = opts.value("max-partition-memory-bytes") {
        props.insert("batch.size".to_string(), size.to_string());
    }
    props.extend(properties(opts.values("producer-property"))?);
    config.apply(&props)?;
    if opts.has("sync") {
        config.linger_ms = 0;
    }
    Ok(config)
}

pub(super) fn run(
    cluster: &mut Cluster,
    args: &[String],
    input: Option<&str>,
    output: &mut Output,
) {
    let opts = match options::parse(args, SPECS) {
        Ok(opts) => opts,
        Err(error) => return output.fail(error.to_string()),
    };
    let Some(topic) = opts.value("topic").map(str::to_string) else {
        return output.fail("Missing required argument \"[topic]\"");
    };
    let mut reader_props = match properties(opts.values("property")) {
        Ok(props) => props,
        Err(message) => return output.fail(message),
    };
    match properties(opts.values("reader-property")) {
        Ok(more) => reader_props.extend(more),
        Err(message) => return output.fail(message),
    }
    let reader = match LineReaderConfig::from_properties(&reader_props) {
        Ok(reader) => reader,
        Err(message) => {
            return output.fail(format!("org.apache.kafka.common.KafkaException: {message}"))
        }
    };
    let config = match producer_config(&opts) {
        Ok(config) => config,
        Err(message) => {
            return output.fail(format!(
                "org.apache.kafka.common.config.ConfigException: {message}"
            ))
        }
    };
    let mut producer = Producer::new(cluster, config);
    let mut sent: Vec<(Option<usize>, usize)> = Vec::new();
    let mut reader_error = None;
    for (number, line) in input.unwrap_or("").lines().enumerate() {
        match reader.parse(line, number + 1) {
            Ok(parsed) => {
                let value_len = parsed.value.as_ref().map(Vec::len);
                let key_len = parsed.key.as_ref().map(Vec::len);
                let record = ProducerRecord {
                    topic: topic.clone(),
                    key: parsed.key,
                    value: parsed.value,
                    headers: parsed.headers,
                    ..ProducerRecord::default()
                };
                producer.send(cluster, record);
                sent.push((key_len, value_len.unwrap_or(0)));
            }
            Err(message) => {
                reader_error = Some(message);
                break;
            }
        }
    }
    let now = cluster.now().as_millis();
    for message in std::mem::take(&mut producer.log) {
        output.err(log4j::line(
            now,
            "WARN",
            &message,
            "org.apache.kafka.clients.NetworkClient",
        ));
    }
    let results = producer.close(cluster);
    // The callback logs when the batch finally failed, after its retries.
    let now = cluster.now().as_millis();
    for ((key_len, value_len), result) in sent.iter().zip(results) {
        if let Err(error) = result {
            let key = key_len.map_or("null".to_string(), |n| format!("{n} bytes"));
            output.err(log4j::line(
                now,
                "ERROR",
                &format!("Error when sending message to topic {topic} with key: {key}, value: {value_len} bytes with error:"),
                "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback",
            ));
            output.err(error.as_exception());
        }
    }
    if let Some(message) = reader_error {
        output.fail(format!("org.apache.kafka.common.KafkaException: {message}"));
    }
}
