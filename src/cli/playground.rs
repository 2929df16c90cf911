//! The playground's own verbs (not Kafka tools; docs/CLI.md): faults — `broker stop|kill|start
//! ID` and `network partition|heal|delay|drop` — and producers that run while time passes
//! (`producer start|stop|list`). Each says in one line what it did; a broker's
//! start prints its log loading as the broker logs it (after a crash, the recovery).

use super::{log4j, Output};
use crate::engine::client::background::{BackgroundProducerSpec, KeyPattern, ProducerStats};
use crate::engine::client::producer::{Acks, ProducerConfig};
use crate::engine::log::recovery::Level;
use crate::engine::{ApiError, Cluster};

const BROKER_USAGE: &str = "usage: broker stop|kill|start ID";
const NETWORK_USAGE: &str = "usage: network partition ID ID | network heal [ID ID] | network delay ID ID DURATION | network drop ID ID PERCENT";

/// `broker stop|kill|start ID`.
pub(super) fn run_broker(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let [verb, id] = args else {
        return output.fail(BROKER_USAGE);
    };
    let Some(id) = node_id(cluster, id, output) else {
        return;
    };
    let result = match verb.as_str() {
        "stop" => cluster
            .stop_broker(id)
            .map(|()| format!("Broker {id} stopped (controlled shutdown).")),
        "kill" => cluster
            .kill_broker(id)
            .map(|()| format!("Broker {id} killed.")),
        "start" => cluster.start_broker(id).map(|start| {
            let now = cluster.now().as_millis();
            for warning in &start.warnings {
                output.err(warning.clone());
            }
            for dir in &start.recovery {
                let least = if dir.had_clean_shutdown {
                    Level::Warn
                } else {
                    Level::Info
                };
                for line in dir.lines().iter().filter(|l| l.level >= least) {
                    output.err(log4j::line(
                        now,
                        line.level.as_str(),
                        &line.message,
                        line.logger,
                    ));
                }
            }
            format!("Broker {id} started.")
        }),
        _ => return output.fail(BROKER_USAGE),
    };
    report(result, output);
}

/// `network partition ID ID`, `network heal [ID ID]`, `network delay ID ID DURATION`,
/// `network drop ID ID PERCENT`.
pub(super) fn run_network(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let Some((verb, rest)) = args.split_first() else {
        return output.fail(NETWORK_USAGE);
    };
    if verb == "heal" && rest.is_empty() {
        cluster.heal_network();
        return output.out("Network healed.");
    }
    let (a, b, extra) = match rest {
        [a, b, extra @ ..] => (a, b, extra),
        _ => return output.fail(NETWORK_USAGE),
    };
    let (Some(a), Some(b)) = (node_id(cluster, a, output), node_id(cluster, b, output)) else {
        return;
    };
    if a == b {
        return output.fail(format!(
            "network: a node cannot be cut off from itself ({a} {b})"
        ));
    }
    match (verb.as_str(), extra) {
        ("partition", []) => {
            let lost = cluster.partition_network(a, b);
            output.out(format!(
                "Network partitioned between {a} and {b} ({lost} message(s) in flight lost)."
            ));
        }
        ("heal", []) => {
            cluster.heal_link(a, b);
            output.out(format!("Network healed between {a} and {b}."));
        }
        ("delay", [duration]) => match super::parse_duration_ms(duration) {
            Some(ms) => {
                cluster.set_link_delay(a, b, ms);
                output.out(format!("Link {a}-{b}: {ms} ms extra delay each way."));
            }
            None => output.fail(format!(
                "network: invalid duration '{duration}' (use a number with ms, s, m, h or d, e.g. 100ms)"
            )),
        },
        ("drop", [percent]) => match parse_percent_ppm(percent) {
            Some(ppm) => {
                cluster.set_link_drop(a, b, ppm);
                output.out(format!("Link {a}-{b}: {percent}% of messages dropped each way."));
            }
            None => output.fail(format!(
                "network: invalid percentage '{percent}' (a number from 0 to 100, e.g. 5 or 0.5)"
            )),
        },
        _ => output.fail(NETWORK_USAGE),
    }
}

pub(super) fn report(result: Result<String, ApiError>, output: &mut Output) {
    match result {
        Ok(line) => output.out(line),
        Err(error) => output.fail(error.message().to_string()),
    }
}

fn node_id(cluster: &Cluster, text: &str, output: &mut Output) -> Option<i32> {
    match text.parse::<i32>() {
        Ok(id) if cluster.broker(id).is_some() => Some(id),
        _ => {
            let count = cluster.brokers().count();
            output.fail(format!(
                "'{text}' is not a node of this cluster (node ids are 1 to {count})"
            ));
            None
        }
    }
}

/// `0` to `100` with up to four decimals, in parts per million.
fn parse_percent_ppm(text: &str) -> Option<u32> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 4 {
        return None;
    }
    if !whole
        .chars()
        .chain(fraction.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: u32 = format!("{fraction:0<4}").parse().ok()?;
    let ppm = whole.checked_mul(10_000)?.checked_add(fraction)?;
    (ppm <= 1_000_000).then_some(ppm)
}

const PRODUCER_USAGE: &str = "usage: producer start NAME --topic T [--rate N/s] [--keys PATTERN] [--acks 0|1|all] [--linger-ms N] [--batch-size N] [--idempotence true|false] | producer stop NAME | producer list";

/// `producer start|stop|list`: producers that run while simulated time passes.
pub(super) fn run_producer(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    match args {
        [verb, name, rest @ ..] if verb == "start" => match producer_spec(name, rest) {
            Ok(spec) => {
                let line = format!(
                    "Producer {name} started: {} records/s to {} (acks={}, linger.ms={}, batch.size={}, enable.idempotence={}).",
                    spec.rate_per_sec,
                    spec.topic,
                    acks_name(spec.config.acks),
                    spec.config.linger_ms,
                    spec.config.batch_size,
                    spec.config.enable_idempotence
                );
                report(cluster.start_producer(spec).map(|()| line), output);
            }
            Err(message) => output.fail(message),
        },
        [verb, name] if verb == "stop" => {
            let result = cluster
                .stop_producer(name)
                .map(|p| format!("Producer {name} stopped: {}.", stats_text(&p.stats)));
            report(result, output);
        }
        [verb] if verb == "list" => {
            for (name, producer) in cluster.background_producers() {
                output.out(format!(
                    "{name}\t{}\t{}/s\t{}",
                    producer.spec.topic,
                    producer.spec.rate_per_sec,
                    stats_text(&producer.stats)
                ));
            }
        }
        _ => output.fail(PRODUCER_USAGE),
    }
}

fn stats_text(stats: &ProducerStats) -> String {
    format!(
        "{} sent, {} acknowledged, {} failed",
        stats.sent, stats.acknowledged, stats.failed
    )
}

fn acks_name(acks: Acks) -> &'static str {
    match acks {
        Acks::Zero => "0",
        Acks::One => "1",
        Acks::All => "all",
    }
}

/// The options of `producer start NAME …`, as producer configs with Kafka's names.
fn producer_spec(name: &str, args: &[String]) -> Result<BackgroundProducerSpec, String> {
    let mut topic = None;
    let mut rate = 10;
    let mut keys = KeyPattern::None;
    let mut props = std::collections::BTreeMap::new();
    let mut words = args.iter();
    while let Some(flag) = words.next() {
        let value = words
            .next()
            .ok_or_else(|| format!("producer: {flag} needs a value\n{PRODUCER_USAGE}"))?;
        match flag.as_str() {
            "--topic" => topic = Some(value.clone()),
            "--rate" => {
                let number = value.strip_suffix("/s").unwrap_or(value);
                rate = number
                    .parse::<u32>()
                    .ok()
                    .filter(|&r| r <= 10_000_000)
                    .ok_or_else(|| {
                        format!(
                            "producer: invalid --rate '{value}' (records per second, e.g. 100/s)"
                        )
                    })?;
            }
            "--keys" => keys = KeyPattern::parse(value).map_err(|e| format!("producer: {e}"))?,
            "--acks" => {
                props.insert("acks".to_string(), value.clone());
            }
            "--linger-ms" => {
                props.insert("linger.ms".to_string(), value.clone());
            }
            "--batch-size" => {
                props.insert("batch.size".to_string(), value.clone());
            }
            "--idempotence" => {
                props.insert("enable.idempotence".to_string(), value.clone());
            }
            other => {
                return Err(format!(
                    "producer: unknown option {other}\n{PRODUCER_USAGE}"
                ))
            }
        }
    }
    let topic = topic.ok_or_else(|| format!("producer: --topic is required\n{PRODUCER_USAGE}"))?;
    let mut config = ProducerConfig {
        client_id: name.to_string(),
        ..ProducerConfig::default()
    };
    config.apply(&props).map_err(|e| format!("producer: {e}"))?;
    Ok(BackgroundProducerSpec {
        name: name.to_string(),
        topic,
        rate_per_sec: rate,
        keys,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(parse_percent_ppm("5"), Some(50_000));
        assert_eq!(parse_percent_ppm("0.5"), Some(5_000));
        assert_eq!(parse_percent_ppm("100"), Some(1_000_000));
        assert_eq!(parse_percent_ppm("0.0001"), Some(1));
        for bad in ["", ".", "101", "-1", "1e3", "0.00001", "x"] {
            assert_eq!(parse_percent_ppm(bad), None, "{bad}");
        }
    }
}
