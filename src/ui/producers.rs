//! The Producers panel's logic, kept apart from its components (`components/producer_*.rs`) so
//! it can be tested without a page: the form's fields and the `producer start` line they make
//! (the live preview), the check the CLI's own parsers make of it, reading a command's answer
//! back from the terminal's transcript, and the memo that keeps the (whole-partition) loss check
//! off the per-frame path.

use super::terminal::{LineKind, Prompt, Transcript};
use crate::engine::client::background::{BackgroundProducer, KeyPattern};
use crate::engine::client::producer::ProducerConfig;
use crate::engine::client::producer_view::{acknowledged_loss, LossReport};
use crate::engine::fetch::OffsetSpec;
use crate::engine::topic::is_internal;
use crate::engine::Cluster;
use crate::i18n::{trf, Lang};
use std::collections::{BTreeMap, BTreeSet};

/// `linger.ms` and `batch.size` as Kafka 4.1's producer defaults them (`ProducerConfig`).
pub const DEFAULT_LINGER_MS: &str = "5";
pub const DEFAULT_BATCH_SIZE: &str = "16384";

/// What the form's fields hold, as typed (the CLI judges the text, not the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerFields {
    pub name: String,
    pub topic: String,
    /// Records per second.
    pub rate: String,
    /// `none`, or a pattern with `{n}` / `{n%K}`.
    pub keys: String,
    /// `all`, `1` or `0`.
    pub acks: String,
    pub linger_ms: String,
    pub batch_size: String,
    /// `enable.idempotence`: empty leaves it to Kafka (true with `acks=all`, quietly off
    /// otherwise); `true` or `false` sets it.
    pub idempotence: String,
}

impl Default for ProducerFields {
    fn default() -> Self {
        ProducerFields {
            name: "p1".to_string(),
            topic: String::new(),
            rate: "100".to_string(),
            keys: "none".to_string(),
            acks: "all".to_string(),
            linger_ms: DEFAULT_LINGER_MS.to_string(),
            batch_size: DEFAULT_BATCH_SIZE.to_string(),
            idempotence: String::new(),
        }
    }
}

impl ProducerFields {
    /// The `producer start` line: the flags the person set, with `--rate` and `--acks` always
    /// (the two a lesson talks about), the others only when they differ from the default.
    pub fn command(&self) -> String {
        let mut words = vec![
            "producer".to_string(),
            "start".to_string(),
            sh_quote(self.name.trim()),
            "--topic".to_string(),
            sh_quote(&self.topic),
        ];
        let mut flag = |name: &str, value: &str| {
            words.push(name.to_string());
            words.push(sh_quote(value));
        };
        let rate = self.rate.trim();
        if !rate.is_empty() {
            flag("--rate", &format!("{rate}/s"));
        }
        if !self.keys.is_empty() && self.keys != "none" {
            flag("--keys", &self.keys);
        }
        flag("--acks", &self.acks);
        let linger = self.linger_ms.trim();
        if !linger.is_empty() && linger != DEFAULT_LINGER_MS {
            flag("--linger-ms", linger);
        }
        let batch = self.batch_size.trim();
        if !batch.is_empty() && batch != DEFAULT_BATCH_SIZE {
            flag("--batch-size", batch);
        }
        if !self.idempotence.is_empty() {
            flag("--idempotence", &self.idempotence);
        }
        words.join(" ")
    }

    /// What the CLI would refuse before it reaches the cluster, checked with the parsers it uses
    /// (`KeyPattern::parse`, `ProducerConfig::apply`) and in its words (`producer: …`). The
    /// cluster's own refusals (a name already running) come back through the transcript.
    pub fn check(&self) -> Result<(), String> {
        if self.topic.is_empty() {
            return Err("producer: --topic is required".to_string());
        }
        if !self.keys.is_empty() {
            KeyPattern::parse(&self.keys).map_err(|e| format!("producer: {e}"))?;
        }
        let mut props = BTreeMap::new();
        props.insert("acks".to_string(), self.acks.clone());
        for (name, value) in [
            ("linger.ms", &self.linger_ms),
            ("batch.size", &self.batch_size),
            ("enable.idempotence", &self.idempotence),
        ] {
            if !value.trim().is_empty() {
                props.insert(name.to_string(), value.clone());
            }
        }
        ProducerConfig::default()
            .apply(&props)
            .map_err(|e| format!("producer: {e}"))
    }
}

/// A word as a POSIX shell reads it back: bare when it is plain, else in single quotes.
pub fn sh_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:%@+={}".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The first of `p1`, `p2`, … that names no running producer.
pub fn next_producer_name(cluster: &Cluster) -> String {
    (1..)
        .map(|n| format!("p{n}"))
        .find(|name| !cluster.background_producers().contains_key(name))
        .unwrap_or_else(|| "p1".to_string())
}

/// The topics a producer may write to: every topic but the internal ones, by name.
pub fn producible_topics(cluster: &Cluster) -> Vec<String> {
    cluster
        .topics()
        .map(|t| t.name.clone())
        .filter(|name| !is_internal(name))
        .collect()
}

/// What a command printed, read back from the transcript: the lines after the last time `line`
/// was typed at the shell prompt, up to the next typed line. `None` until it has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandAnswer {
    /// No line on stderr (the playground verbs print failures there).
    pub ok: bool,
    pub lines: Vec<String>,
}

pub fn answer_to(transcript: &Transcript, line: &str) -> Option<CommandAnswer> {
    let lines: Vec<_> = transcript.lines().collect();
    let echo = lines
        .iter()
        .rposition(|l| l.kind == LineKind::Typed(Prompt::Shell) && l.text == line)?;
    let output: Vec<_> = lines[echo + 1..]
        .iter()
        .take_while(|l| !matches!(l.kind, LineKind::Typed(_)))
        .collect();
    Some(CommandAnswer {
        ok: output.iter().all(|l| l.kind == LineKind::Stdout),
        lines: output.iter().map(|l| l.text.clone()).collect(),
    })
}

/// What can lose acknowledged records: a partition's leader changing. One entry per partition
/// of the producer's topic: (partition, leader, leader epoch).
pub type LeaderKey = Vec<(i32, Option<i32>, i32)>;

pub fn leader_key(cluster: &Cluster, topic: &str) -> LeaderKey {
    cluster.topic(topic).map_or_else(Vec::new, |t| {
        t.partitions
            .iter()
            .map(|p| (p.partition, p.leader, p.leader_epoch))
            .collect()
    })
}

/// The loss check of one producer, kept between renders so that it reads partitions only when
/// something could have lost records. Records below a partition's high watermark are
/// committed; under the same leader nothing takes them, so each look only moves a per-partition
/// frontier to the high watermark (no read). When a leader or leader epoch changes, the records
/// from the frontier up (and, after an unclean election, from the new leader's high watermark)
/// are judged; those still uncommitted then are judged once more when the high watermark passes
/// them. So a leader change reads what was produced since the last look, not whole partitions;
/// only the first look (the card's mount) reads everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LossMemo {
    key: Option<LeaderKey>,
    /// Per partition: the high watermark at the last look.
    frontier: BTreeMap<i32, i64>,
    /// Per partition: the lowest and highest offset of records that were uncommitted at the
    /// last check after a leader change.
    watch: BTreeMap<i32, (i64, i64)>,
    lost: BTreeSet<(i32, i64)>,
    /// Every lost record found so far, and the last check's uncommitted count and unreadable
    /// partitions.
    pub report: LossReport,
    /// How many times a check read partitions (tests and docs/PERFORMANCE.md read it).
    pub runs: u64,
}

fn high_watermark(cluster: &Cluster, topic: &str, partition: i32) -> Option<i64> {
    cluster
        .list_offset(topic, partition, OffsetSpec::Latest)
        .ok()
        .flatten()
        .map(|o| o.offset)
}

impl LossMemo {
    /// Brings the report up to date if something could have changed it; true when it read.
    pub fn refresh(&mut self, producer: &BackgroundProducer, cluster: &Cluster) -> bool {
        let topic = &producer.spec.topic;
        let key = leader_key(cluster, topic);
        let hws: BTreeMap<i32, i64> = key
            .iter()
            .filter_map(|&(p, _, _)| Some((p, high_watermark(cluster, topic, p)?)))
            .collect();
        let ran = if self.key.as_ref() != Some(&key) {
            // Only a partition whose leader (or leader epoch) changed can have lost records.
            let old = self.key.take().unwrap_or_default();
            let from: BTreeMap<i32, i64> = key
                .iter()
                .filter(|entry| !old.contains(entry))
                .map(|&(p, _, _)| (p, self.judge_from(p, hws.get(&p).copied())))
                .collect();
            let report = acknowledged_loss(producer, cluster, Some(&from));
            self.watch.retain(|p, _| !from.contains_key(p));
            self.watch
                .extend(report.watch.iter().map(|(&p, &w)| (p, w)));
            self.absorb(report);
            self.key = Some(key);
            true
        } else {
            let passed: BTreeMap<i32, i64> = self
                .watch
                .iter()
                .filter(|&(p, &(_, top))| hws.get(p).is_some_and(|&hw| hw > top))
                .map(|(&p, &(from, _))| (p, from))
                .collect();
            if !passed.is_empty() {
                let report = acknowledged_loss(producer, cluster, Some(&passed));
                for p in passed.keys() {
                    self.watch.remove(p);
                }
                self.absorb(report);
            }
            !passed.is_empty()
        };
        // A partition without a readable leader keeps its frontier.
        self.frontier.extend(hws);
        ran
    }

    /// Where a check after a leader change starts in partition `p`: the frontier, lowered to
    /// records still watched and to the new leader's high watermark (an unclean leader may hold
    /// less than was committed). Everything on the first look.
    fn judge_from(&self, p: i32, high_watermark: Option<i64>) -> i64 {
        let Some(&frontier) = self.frontier.get(&p) else {
            return i64::MIN;
        };
        let watched = self.watch.get(&p).map_or(i64::MAX, |&(from, _)| from);
        frontier
            .min(watched)
            .min(high_watermark.unwrap_or(i64::MAX))
    }

    fn absorb(&mut self, report: LossReport) {
        self.runs += 1;
        self.lost.extend(report.lost.iter().copied());
        self.report = LossReport {
            lost: self.lost.iter().copied().collect(),
            ..report
        };
    }
}

/// "3 acknowledged records lost: orders-0 offsets 41–43, orders-2 offset 7", in `lang`.
pub fn loss_text(lang: Lang, topic: &str, report: &LossReport) -> Option<String> {
    let count = report.lost.len();
    if count == 0 {
        return None;
    }
    let ranges: Vec<String> = report
        .lost_ranges()
        .into_iter()
        .map(|(p, first, last)| {
            let partition = format!("{topic}-{p}");
            if first == last {
                trf(lang, "{} offset {}", &[&partition, &first])
            } else {
                trf(lang, "{} offsets {}–{}", &[&partition, &first, &last])
            }
        })
        .collect();
    let ranges = ranges.join(", ");
    Some(if count == 1 {
        trf(lang, "{} acknowledged record lost: {}", &[&count, &ranges])
    } else {
        trf(lang, "{} acknowledged records lost: {}", &[&count, &ranges])
    })
}

/// Acknowledged records per simulated second between two looks at a producer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateSample {
    at_ms: i64,
    acknowledged: u64,
    /// The rate measured over the last step of simulated time.
    pub per_sec: Option<u64>,
}

impl RateSample {
    /// Looks at the producer at `now_ms`; the rate changes only when simulated time moved.
    pub fn update(&mut self, now_ms: i64, acknowledged: u64) {
        if self.at_ms != 0 && now_ms > self.at_ms && acknowledged >= self.acknowledged {
            let ms = u64::try_from(now_ms - self.at_ms).unwrap_or(1).max(1);
            self.per_sec = Some((acknowledged - self.acknowledged) * 1000 / ms);
        }
        if now_ms != self.at_ms {
            self.at_ms = now_ms;
            self.acknowledged = acknowledged;
        }
    }
}
