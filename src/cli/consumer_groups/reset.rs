//! `--reset-offsets` planning as a pure function: from the partitions in scope, the group's
//! committed offsets and the partitions' log offsets, the new offset of each partition, with
//! Kafka's clamping to the log start and end offsets and the notices the tool prints on the way
//! (Kafka 4.1's `ConsumerGroupCommand.prepareOffsetsToReset`, `checkOffsetsRange`,
//! `getLogTimestampOffsets`, `resetToCurrent`, …). Also the texts the scenarios are given in:
//! `--to-datetime` (`Utils.getDateTime`), `--by-duration` (`java.time.Duration.parse`) and
//! `--topic t:0,1` (`parseTopicsWithPartitions`).

use crate::cli::java_order::{hash_map_order, topic_partition_hash};
use crate::cli::log4j;
use crate::engine::group::assignor::TopicPartition;
use crate::engine::sorting;
use std::collections::BTreeMap;

/// The logger of `ConsumerGroupCommand`'s warnings.
pub const LOGGER: &str = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

/// One reset specification, its text already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    ToOffset(i64),
    ToEarliest,
    ToLatest,
    ShiftBy(i64),
    /// `--to-datetime` or `--by-duration`: the first offset at or after this time.
    ToTimestamp(i64),
    ToCurrent,
}

/// The log offsets a plan looks up (`Admin.listOffsets`); `None` when the partition has none
/// (Kafka's `UNKNOWN_OFFSET`, or no answer for it).
pub trait LogOffsets {
    fn earliest(&self, tp: &TopicPartition) -> Option<i64>;
    fn latest(&self, tp: &TopicPartition) -> Option<i64>;
    fn for_timestamp(&self, tp: &TopicPartition, timestamp: i64) -> Option<i64>;
}

/// Something the tool prints while planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A log4j `WARN` of `checkOffsetsRange` (stderr): the message only, see [`Notice::line`].
    Warn(String),
    /// `getLogTimestampOffsets`' `\nWarn: Partition … is empty. …` (stdout, after a blank line).
    Empty(TopicPartition),
}

impl Notice {
    /// The lines it prints at `now_ms`, and whether they go to stdout.
    pub fn lines(&self, now_ms: i64) -> (bool, Vec<String>) {
        match self {
            Notice::Warn(message) => (false, vec![log4j::line(now_ms, "WARN", message, LOGGER)]),
            Notice::Empty(tp) => (
                true,
                vec![
                    String::new(),
                    format!(
                        "Warn: Partition {} from topic {} is empty. Falling back to latest known offset.",
                        tp.partition, tp.topic
                    ),
                ],
            ),
        }
    }
}

/// A plan: the new offsets in the order the tool's `HashMap` prints them, and the notices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub offsets: Vec<(TopicPartition, i64)>,
    pub notices: Vec<Notice>,
}

/// `items` (sorted first, so equal buckets keep a stable order) in `HashMap<TopicPartition, _>`
/// order.
fn java_order<T>(mut items: Vec<(TopicPartition, T)>) -> Vec<(TopicPartition, T)> {
    sorting::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
    hash_map_order(items, |(tp, _)| {
        topic_partition_hash(&tp.topic, tp.partition)
    })
}

/// `prepareOffsetsToReset` for one scenario. An `Err` is the text `printUsageAndExit` prints
/// (the tool then ends with status 1).
pub fn plan(
    scenario: Scenario,
    partitions: &[TopicPartition],
    committed: &BTreeMap<TopicPartition, i64>,
    logs: &dyn LogOffsets,
) -> Result<Plan, String> {
    let mut plan = Plan::default();
    let found = |value: Option<i64>, what: &str, tp: &TopicPartition| {
        value.ok_or_else(|| format!("Error getting {what} of topic partition: {tp}"))
    };
    let offsets: Vec<(TopicPartition, i64)> = match scenario {
        Scenario::ToOffset(offset) => {
            let requested = partitions.iter().map(|tp| (tp.clone(), offset)).collect();
            check_range(requested, logs, &mut plan.notices)
        }
        Scenario::ShiftBy(shift) => {
            let mut requested = Vec::new();
            for tp in partitions {
                let current = committed.get(tp).ok_or_else(|| {
                    format!("Cannot shift offset for partition {tp} since there is no current committed offset")
                })?;
                requested.push((tp.clone(), current.saturating_add(shift)));
            }
            check_range(requested, logs, &mut plan.notices)
        }
        Scenario::ToEarliest => partitions
            .iter()
            .map(|tp| Ok((tp.clone(), found(logs.earliest(tp), "starting offset", tp)?)))
            .collect::<Result<_, String>>()?,
        Scenario::ToLatest => partitions
            .iter()
            .map(|tp| Ok((tp.clone(), found(logs.latest(tp), "ending offset", tp)?)))
            .collect::<Result<_, String>>()?,
        Scenario::ToTimestamp(timestamp) => {
            let mut empty = Vec::new();
            let mut offsets = Vec::new();
            for tp in partitions {
                match logs.for_timestamp(tp, timestamp) {
                    Some(offset) => offsets.push((tp.clone(), offset)),
                    None => empty.push((tp.clone(), ())),
                }
            }
            // `getLogTimestampOffsets` warns of every empty partition before they are used.
            let empty = java_order(empty);
            plan.notices
                .extend(empty.iter().map(|(tp, ())| Notice::Empty(tp.clone())));
            for (tp, ()) in empty {
                let end = found(logs.latest(&tp), "offset by timestamp", &tp)?;
                offsets.push((tp, end));
            }
            offsets
        }
        Scenario::ToCurrent => {
            let mut offsets = Vec::new();
            for tp in partitions {
                let offset = match committed.get(tp) {
                    Some(offset) => *offset,
                    None => found(logs.latest(tp), "ending offset", tp)?,
                };
                offsets.push((tp.clone(), offset));
            }
            offsets
        }
    };
    // Collected into a `HashMap` (`Collectors.toMap`): one entry per partition.
    let mut unique: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    unique.extend(offsets);
    plan.offsets = java_order(unique.into_iter().collect());
    Ok(plan)
}

/// `checkOffsetsRange`: an offset past the log end offset becomes it, one before the log start
/// offset becomes that, each with a WARN; unknown bounds leave the offset as asked.
fn check_range(
    requested: Vec<(TopicPartition, i64)>,
    logs: &dyn LogOffsets,
    notices: &mut Vec<Notice>,
) -> Vec<(TopicPartition, i64)> {
    let mut unique: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    unique.extend(requested);
    let mut result = Vec::new();
    for (tp, offset) in java_order(unique.into_iter().collect()) {
        let end = logs.latest(&tp);
        let start = logs.earliest(&tp);
        let clamped = match (end, start) {
            (Some(end), _) if offset > end => {
                notices.push(Notice::Warn(format!("New offset ({offset}) is higher than latest offset for topic partition {tp}. Value will be set to {end}")));
                end
            }
            (_, Some(start)) if offset < start => {
                notices.push(Notice::Warn(format!("New offset ({offset}) is lower than earliest offset for topic partition {tp}. Value will be set to {start}")));
                start
            }
            _ => offset,
        };
        result.push((tp, clamped));
    }
    result
}

/// `parseTopicsWithPartitions`: `t:0,1,2`. An `Err` is the `IllegalArgumentException` text.
pub fn parse_topic_partitions(arg: &str) -> Result<Vec<TopicPartition>, String> {
    let parts = java_split(arg, ':');
    let [topic, partitions] = parts.as_slice() else {
        return Err(format!(
            "Invalid topic arg '{arg}', expected topic name and partitions"
        ));
    };
    java_split(partitions, ',')
        .into_iter()
        .map(|p| {
            p.parse::<i32>()
                .map(|id| TopicPartition::new(*topic, id))
                // Kafka's message, with its doubled quote.
                .map_err(|_| format!("Invalid partition '{p}' specified in topic arg '{arg}''"))
        })
        .collect()
}

/// `String.split`: trailing empty strings dropped (a text with no match is itself).
fn java_split(text: &str, separator: char) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(separator).collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts == [""] && !text.is_empty() {
        parts.clear();
    }
    parts
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn number(text: &str, max_digits: usize) -> Option<i64> {
    let ok =
        !text.is_empty() && text.len() <= max_digits && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// The zone of `SimpleDateFormat`'s `X`/`XXX`: `Z`, `+hh`, `+hhmm` or `+hh:mm`, in minutes.
fn zone_minutes(zone: &str) -> Option<i64> {
    if zone == "Z" {
        return Some(0);
    }
    let sign = match zone.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits = zone[1..].replacen(':', "", 1);
    let (hours, minutes) = match digits.len() {
        2 => (number(&digits, 2)?, 0),
        4 => (number(&digits[..2], 2)?, number(&digits[2..], 2)?),
        _ => return None,
    };
    (hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// `Utils.getDateTime`: `yyyy-MM-dd'T'HH:mm:ss.SSS` with an optional zone (UTC without one), in
/// epoch milliseconds. An `Err` is the `ParseException` as `toString` prints it.
pub fn parse_datetime(text: &str) -> Result<i64, String> {
    let parts: Vec<&str> = java_split(text, 'T');
    if parts.len() < 2 {
        return Err("java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format".to_string());
    }
    let zoned = if parts[1].contains(['+', '-', 'Z']) {
        text.to_string()
    } else {
        format!("{text}Z")
    };
    parse_zoned(&zoned)
        .ok_or_else(|| format!("java.text.ParseException: Unparseable date: \"{zoned}\""))
}

fn parse_zoned(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let mut ymd = date.split('-');
    let year = number(ymd.next()?, 9)?;
    let month = number(ymd.next()?, 2)?;
    let day = number(ymd.next()?, 2)?;
    if ymd.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
    {
        return None;
    }
    let zone_at = time.find(['+', '-', 'Z'])?;
    let (clock, zone) = time.split_at(zone_at);
    let (hms, millis) = clock.split_once('.')?;
    let mut hms = hms.split(':');
    let hour = number(hms.next()?, 2)?;
    let minute = number(hms.next()?, 2)?;
    let second = number(hms.next()?, 2)?;
    let millis = number(millis, 3)?;
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400_000
        + ((hour * 60 + minute) * 60 + second) * 1000
        + millis;
    Some(local - zone_minutes(zone)? * 60_000)
}

/// `java.time.Duration.parse` (`PnDTnHnMn.nS`, any case, signs allowed) in milliseconds,
/// truncated as `toEpochMilli` of `now.minus(duration)` leaves it. An `Err` is the
/// `DateTimeParseException` message.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || "Text cannot be parsed to a Duration".to_string();
    let upper = text.to_ascii_uppercase();
    let (negative, rest) = match upper.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, upper.strip_prefix('+').unwrap_or(&upper)),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    let (days_part, time_part) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut total: i128 = 0;
    let mut any = false;
    if !days_part.is_empty() {
        let days = days_part.strip_suffix('D').ok_or_else(bad)?;
        total += signed(days).ok_or_else(bad)? * 86_400_000;
        any = true;
    }
    let mut time = time_part.unwrap_or("");
    for (unit, factor) in [('H', 3_600_000i128), ('M', 60_000)] {
        if let Some(at) = time.find(unit) {
            if time[..at].contains(['.', ',']) {
                return Err(bad());
            }
            total += signed(&time[..at]).ok_or_else(bad)? * factor;
            time = &time[at + 1..];
            any = true;
        }
    }
    if let Some(seconds) = time.strip_suffix('S') {
        let (whole, fraction) = match seconds.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (seconds, ""),
        };
        let whole = signed(whole).ok_or_else(bad)?;
        if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let millis = format!("{fraction:0<3}")[..3].parse::<i128>().unwrap_or(0);
        let millis = if whole < 0 || seconds.starts_with('-') {
            -millis
        } else {
            millis
        };
        total += whole * 1000 + millis;
        any = true;
    } else if !time.is_empty() {
        return Err(bad());
    }
    if !any {
        return Err(bad());
    }
    let total = if negative { -total } else { total };
    i64::try_from(total).map_err(|_| bad())
}

/// An optionally signed decimal integer, as `Duration.parse`'s groups read them.
fn signed(text: &str) -> Option<i128> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i128 = digits.parse().ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

#[cfg(test)]
#[path = "reset_tests.rs"]
mod tests;
