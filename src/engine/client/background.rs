//! Producers that run on their own while simulated time passes (`producer start NAME …`): a
//! record source at a steady rate feeding the producer model, its batches sent when
//! `batch.size` fills or `linger.ms` runs out, its answers counted — what `kafka-producer-perf-test`
//! does to a real cluster, in simulated time.

use super::producer::{Acks, Producer, ProducerConfig, ProducerRecord, SendResult};
use crate::engine::cluster::Cluster;
use crate::engine::error::{ApiError, ErrorCode};
use crate::engine::scheduler::Task;
use crate::engine::sorting::CollectBTree;
use std::collections::{BTreeMap, VecDeque};

/// How many acknowledged records a background producer remembers for [`BackgroundProducer::lost_records`].
const ACKNOWLEDGED_KEPT: usize = 100_000;

/// How a background producer's records are keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPattern {
    /// No key: the sticky partitioner spreads batches.
    None,
    /// A text where `{n}` is the record's number and `{n%K}` its number modulo K.
    Pattern(String),
}

impl KeyPattern {
    /// Parses `--keys`: `none`, or a pattern with `{n}` or `{n%K}` (K ≥ 1).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "none" {
            return Ok(KeyPattern::None);
        }
        let pattern = KeyPattern::Pattern(text.to_string());
        pattern.compile()?;
        Ok(pattern)
    }

    /// The key of record number `n` (`None` for keyless records).
    pub fn render(&self, n: u64) -> Result<Option<String>, String> {
        Ok(self.compile()?.map(|keys| keys.render(n)))
    }

    /// The keys of records `range` (none for keyless records or a pattern that does not parse),
    /// the pattern parsed once.
    pub fn render_range(&self, range: std::ops::Range<u64>) -> Vec<String> {
        match self.compile() {
            Ok(Some(keys)) => range.map(|n| keys.render(n)).collect(),
            _ => Vec::new(),
        }
    }

    /// The pattern split into its pieces once (`None` for keyless records): a background
    /// producer renders a key for every record it sends.
    fn compile(&self) -> Result<Option<CompiledKeys>, String> {
        let KeyPattern::Pattern(text) = self else {
            return Ok(None);
        };
        let mut pieces = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find('{') {
            if start > 0 {
                pieces.push(KeyPiece::Text(rest[..start].to_string()));
            }
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("--keys '{text}': '{{' without '}}'"))?;
            let inner = &rest[start + 1..start + end];
            pieces.push(match inner.strip_prefix("n%") {
                Some(k) => match k.parse::<u64>() {
                    Ok(k) if k > 0 => KeyPiece::Modulo(k),
                    _ => {
                        return Err(format!(
                            "--keys '{text}': '{{{inner}}}' needs a number above 0 after %"
                        ))
                    }
                },
                None if inner == "n" => KeyPiece::Number,
                None => {
                    return Err(format!(
                        "--keys '{text}': unknown placeholder '{{{inner}}}' (use {{n}} or {{n%K}})"
                    ))
                }
            });
            rest = &rest[start + end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(KeyPiece::Text(rest.to_string()));
        }
        Ok(Some(CompiledKeys {
            pieces,
            len: text.len(),
        }))
    }
}

/// A [`KeyPattern::Pattern`], parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CompiledKeys {
    pieces: Vec<KeyPiece>,
    /// The pattern's length: room enough for most keys.
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyPiece {
    Text(String),
    /// `{n}`
    Number,
    /// `{n%K}`
    Modulo(u64),
}

impl CompiledKeys {
    fn render(&self, n: u64) -> String {
        let mut out = String::with_capacity(self.len + 8);
        for piece in &self.pieces {
            match piece {
                KeyPiece::Text(text) => out.push_str(text),
                KeyPiece::Number => push_decimal(&mut out, n),
                KeyPiece::Modulo(k) => push_decimal(&mut out, n % k),
            }
        }
        out
    }
}

/// What `producer start` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackgroundProducerSpec {
    pub name: String,
    pub topic: String,
    /// Records per simulated second.
    pub rate_per_sec: u32,
    pub keys: KeyPattern,
    pub config: ProducerConfig,
}

/// What a background producer has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProducerStats {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: u64,
}

/// A running background producer.
#[derive(Debug, Clone)]
pub struct BackgroundProducer {
    pub spec: BackgroundProducerSpec,
    producer: Producer,
    pub stats: ProducerStats,
    /// The last acknowledged records, oldest first: (partition, offset, record number), to find
    /// lost ones later. Bounded, so a producer running for days stays small.
    pub acknowledged: VecDeque<(i32, i64, u64)>,
    pub last_error: Option<ApiError>,
    /// Records owed by the rate, in thousandths (the rate does not divide every tick).
    owed_millis: u64,
    last_tick_ms: i64,
    /// `spec.keys`, parsed.
    keys: Option<CompiledKeys>,
}

impl BackgroundProducer {
    fn tick_ms(&self) -> i64 {
        self.spec.config.linger_ms.max(1)
    }

    /// The batches waiting to be retried, with the error of their last try.
    pub fn retrying(&self) -> Vec<super::producer::RetryingBatch> {
        self.producer.retrying()
    }

    /// Acknowledged records that the partition's leader no longer holds below its high
    /// watermark — acknowledged and lost, as `acks=1` records are when a leader dies before
    /// its followers copied them.
    pub fn lost_records(&self, cluster: &Cluster) -> Vec<(i32, i64)> {
        let mut held: BTreeMap<(i32, i64), Vec<u8>> = BTreeMap::new();
        let partitions: std::collections::BTreeSet<i32> =
            self.acknowledged.iter().map(|&(p, _, _)| p).collect_set();
        for partition in partitions {
            let Ok(fetched) = cluster.fetch(&self.spec.topic, partition, 0, i32::MAX) else {
                continue;
            };
            for batch in &fetched.batches {
                for record in batch.records() {
                    held.insert(
                        (partition, record.offset),
                        record.value.clone().unwrap_or_default(),
                    );
                }
            }
        }
        self.acknowledged
            .iter()
            .filter(|&&(partition, offset, n)| {
                held.get(&(partition, offset)).map(Vec::as_slice)
                    != Some(format!("{}-{n}", self.spec.name).as_bytes())
            })
            .map(|&(partition, offset, _)| (partition, offset))
            .collect()
    }
}

impl Cluster {
    /// `producer start`: a producer sending `rate_per_sec` records a second to its topic from now
    /// on, every `linger.ms` (at least 1 ms).
    pub fn start_producer(&mut self, spec: BackgroundProducerSpec) -> Result<(), ApiError> {
        if self.background_producers().contains_key(&spec.name) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("A producer named {} is already running.", spec.name),
            ));
        }
        if self.topic(&spec.topic).is_none() && self.auto_create_disabled() {
            return Err(ApiError::bare(ErrorCode::UnknownTopicOrPartition));
        }
        let keys = spec
            .keys
            .compile()
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e))?;
        let producer = Producer::new(self, spec.config.clone());
        let now = self.now().as_millis();
        let background = BackgroundProducer {
            keys,
            producer,
            stats: ProducerStats::default(),
            acknowledged: VecDeque::new(),
            last_error: None,
            owed_millis: 0,
            last_tick_ms: now,
            spec,
        };
        let (name, tick) = (background.spec.name.clone(), background.tick_ms());
        self.background_producers_mut()
            .insert(name.clone(), background);
        self.schedule_in(tick, Task::ProducerTick { name });
        Ok(())
    }

    /// `producer stop`: sends what it holds, waits for the answers (in simulated time) and
    /// returns its final counts.
    pub fn stop_producer(&mut self, name: &str) -> Result<BackgroundProducer, ApiError> {
        let Some(mut background) = self.background_producers_mut().remove(name) else {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("No producer named {name} is running."),
            ));
        };
        background.producer.flush(self);
        collect(&mut background);
        Ok(background)
    }

    /// One tick of a background producer: the records its rate owes since the last tick,
    /// then every open batch sent (its `linger.ms` ran out) and the answers counted.
    pub(crate) fn run_producer_tick(&mut self, name: &str) {
        let Some(mut background) = self.background_producers_mut().remove(name) else {
            return;
        };
        let now = self.now().as_millis();
        let elapsed = u64::try_from(now - background.last_tick_ms).unwrap_or(0);
        background.last_tick_ms = now;
        background.owed_millis += elapsed * u64::from(background.spec.rate_per_sec);
        let due = background.owed_millis / 1000;
        background.owed_millis %= 1000;
        for _ in 0..due {
            let n = background.stats.sent;
            let key = background.keys.as_ref().map(|keys| keys.render(n));
            // `NAME-n`, as `lost_records` expects it.
            let name = &background.spec.name;
            let mut value = String::with_capacity(name.len() + 21);
            value.push_str(name);
            value.push('-');
            push_decimal(&mut value, n);
            let record = ProducerRecord {
                topic: background.spec.topic.clone(),
                key: key.map(String::into_bytes),
                value: Some(value.into_bytes()),
                ..ProducerRecord::default()
            };
            background.producer.send(self, record);
            background.stats.sent += 1;
        }
        background.producer.send_open_batches(self);
        background.producer.pump(self);
        collect(&mut background);
        let tick = background.tick_ms();
        self.background_producers_mut()
            .insert(name.to_string(), background);
        self.schedule_in(
            tick,
            Task::ProducerTick {
                name: name.to_string(),
            },
        );
    }

    fn auto_create_disabled(&self) -> bool {
        self.broker_configs()
            .resolve()
            .is_ok_and(|c| !c.auto_create_topics_enable)
    }
}

/// Appends `value` in decimal, as `{value}` formats it, without the formatting machinery (a
/// key and a value are rendered for every record a background producer sends).
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    // ASCII digits, so the conversion cannot fail.
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

/// Counts the answers that came in.
fn collect(background: &mut BackgroundProducer) {
    let acks_zero = background.spec.config.acks == Acks::Zero;
    for (index, result) in background.producer.take_results() {
        count(background, index, result, acks_zero);
    }
}

fn count(background: &mut BackgroundProducer, index: usize, result: SendResult, acks_zero: bool) {
    match result {
        Ok(meta) => {
            background.stats.acknowledged += 1;
            if !acks_zero {
                if background.acknowledged.len() == ACKNOWLEDGED_KEPT {
                    background.acknowledged.pop_front();
                }
                background
                    .acknowledged
                    .push_back((meta.partition, meta.offset, index as u64));
            }
        }
        Err(error) => {
            background.stats.failed += 1;
            background.last_error = Some(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_patterns_render_their_placeholders_and_refuse_bad_ones() {
        let keys = KeyPattern::parse("user-{n%3}/{n}").expect("pattern");
        let rendered: Vec<_> = (0..4).map(|n| keys.render(n).expect("renders")).collect();
        assert_eq!(
            rendered,
            ["user-0/0", "user-1/1", "user-2/2", "user-0/3"].map(|k| Some(k.to_string()))
        );
        assert_eq!(KeyPattern::parse("none"), Ok(KeyPattern::None));
        assert_eq!(KeyPattern::None.render(7), Ok(None));
        assert_eq!(
            KeyPattern::parse("plain").and_then(|k| k.render(9)),
            Ok(Some("plain".to_string()))
        );
        for (bad, says) in [
            ("k{n%0}", "'{n%0}' needs a number above 0 after %"),
            ("k{n%x}", "'{n%x}' needs a number above 0 after %"),
            ("k{m}", "unknown placeholder '{m}'"),
            ("k{n", "'{' without '}'"),
        ] {
            let error = KeyPattern::parse(bad).expect_err(bad);
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn decimals_as_formatted() {
        for value in [0, 7, 10, 999, 1000, 123_456_789, u64::MAX] {
            let mut out = String::from("k");
            push_decimal(&mut out, value);
            assert_eq!(out, format!("k{value}"));
        }
    }

    #[test]
    fn key_patterns() {
        assert_eq!(KeyPattern::parse("none"), Ok(KeyPattern::None));
        let p = KeyPattern::parse("user-{n%3}").expect("pattern");
        assert_eq!(p.render(7), Ok(Some("user-1".to_string())));
        let p = KeyPattern::parse("k{n}").expect("pattern");
        assert_eq!(p.render(42), Ok(Some("k42".to_string())));
        assert!(KeyPattern::parse("k{n%0}").is_err());
        assert!(KeyPattern::parse("k{x}").is_err());
        assert!(KeyPattern::parse("k{n").is_err());
    }
}
