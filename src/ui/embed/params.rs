//! The embed's URL parameters (`?embed=1&scenario=…&view=…`), read from untrusted text: every
//! value is bounded before it is looked at, every problem becomes a sentence the embed shows (the
//! parameter is then left at its default), and nothing here can panic or start unbounded work.
//! Pure: the page hands in `location.search`; `tests/browser/embed.rs` feeds it hostile text.
//! The sentences are [`Message`]s: the embed says them in its language, which may change after
//! the parameters were read (its `lang` parameter, the person's switch).

use crate::i18n::Message;
use crate::scenario::link::{from_fragment, MAX_FRAGMENT_CHARS};
use crate::scenario::Scenario;
use crate::storage::registry::validate_name;
use crate::ui::playback::SPEEDS;
use std::rc::Rc;

/// The longest query read: a share link's payload plus room for the other parameters.
pub const MAX_QUERY_CHARS: usize = MAX_FRAGMENT_CHARS + 8 * 1024;
/// The longest value of any parameter but `scenario`.
pub const MAX_VALUE_CHARS: usize = 256;
/// The most parameters read (the rest are refused with one message).
pub const MAX_PARAMS: usize = 32;
/// The most views one embed shows.
pub const MAX_VIEWS: usize = 8;
/// The iframe heights the loader accepts, in CSS pixels.
pub const HEIGHT_RANGE: (u32, u32) = (120, 4000);
/// What a persisted embed's workspace is called: `embed-` and the `persist` name.
pub const WORKSPACE_PREFIX: &str = "embed-";

/// The views an embed can show, in the order of `view=` (a comma-separated list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedView {
    Cluster,
    Topics,
    Terminal,
    Lesson,
    Events,
    Producers,
    Groups,
    Network,
    Metrics,
    Config,
    /// `partition` or `partition:TOPIC:PARTITION`.
    Partition(Option<(String, i32)>),
    /// `files` (broker 1) or `files:BROKER`.
    Files(Option<i32>),
}

/// The names `view=` accepts, for the message that lists them.
pub const VIEW_NAMES: &str = "cluster, topics, terminal, lesson, events, producers, groups, network, metrics, config, partition[:TOPIC:PARTITION], files[:BROKER]";

/// Where postMessage may come from and go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigin {
    /// `origin=*`: any origin (the parent window is still required).
    Any,
    /// `origin=https://docs.example.com`.
    Exactly(String),
}

/// What an embed was asked to be. `theme` and `lang` are kept as given, to pass on.
#[derive(Debug, Clone, Default)]
pub struct EmbedConfig {
    pub scenario: Option<Rc<Scenario>>,
    /// The payload as given (base64url), to put in generated URLs again.
    pub scenario_payload: Option<String>,
    pub lesson: Option<String>,
    pub views: Vec<EmbedView>,
    pub autoplay: bool,
    pub speed: Option<f64>,
    pub height: Option<u32>,
    pub theme: Option<String>,
    pub lang: Option<String>,
    /// `persist=NAME`: the workspace `embed-NAME`; `None`: in memory only.
    pub persist: Option<String>,
    pub origin: Option<AllowedOrigin>,
}

impl PartialEq for EmbedConfig {
    /// A config is made once per page: the same one is the same allocation.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl EmbedConfig {
    /// The views to show: those asked for, else the cluster and the terminal (and the lesson
    /// when one is named).
    pub fn shown_views(&self) -> Vec<EmbedView> {
        if !self.views.is_empty() {
            return self.views.clone();
        }
        let mut views = vec![EmbedView::Cluster];
        if self.lesson.is_some() {
            views.push(EmbedView::Lesson);
        }
        views.push(EmbedView::Terminal);
        views
    }

    /// The workspace a persisted embed keeps its cluster in.
    pub fn workspace(&self) -> Option<String> {
        self.persist
            .as_ref()
            .map(|n| format!("{WORKSPACE_PREFIX}{n}"))
    }
}

/// Whether a query string (`location.search`, with or without `?`) asks for the embed:
/// `embed=1` (or `embed` alone, `embed=true`).
pub fn is_embed(search: &str) -> bool {
    let search = search.strip_prefix('?').unwrap_or(search);
    search.len() <= MAX_QUERY_CHARS
        && search
            .split('&')
            .any(|pair| matches!(pair, "embed" | "embed=1" | "embed=true"))
}

/// Reads the embed's parameters: the config, and a sentence for each one refused.
pub fn parse(search: &str) -> (EmbedConfig, Vec<Message>) {
    let mut config = EmbedConfig::default();
    let mut problems = Vec::new();
    let search = search.strip_prefix('?').unwrap_or(search);
    if search.len() > MAX_QUERY_CHARS {
        problems.push(Message::new(
            "The embed's URL parameters are {} characters long; at most {} are read. The embed starts with an empty cluster.",
            &[&search.len(), &MAX_QUERY_CHARS],
        ));
        return (config, problems);
    }
    let mut seen: Vec<String> = Vec::new();
    for (index, pair) in search.split('&').filter(|p| !p.is_empty()).enumerate() {
        if index == MAX_PARAMS {
            problems.push(Message::new(
                "Only the first {} URL parameters are read.",
                &[&MAX_PARAMS],
            ));
            break;
        }
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(key) = decode(raw_key).filter(|k| k.len() <= 32) else {
            problems.push(Message::new("A URL parameter's name cannot be read.", &[]));
            continue;
        };
        if !KNOWN.contains(&key.as_str()) {
            continue; // Not the embed's (the page's own, or a later version's): left alone.
        }
        if seen.contains(&key) {
            problems.push(Message::new(
                "'{}' is given more than once; the first one is used.",
                &[&key],
            ));
            continue;
        }
        seen.push(key.clone());
        if let Err(problem) = apply(&mut config, &key, raw_value) {
            problems.push(Message::nest("{}: {}", vec![Message::plain(key), problem]));
        }
    }
    (config, problems)
}

/// The parameters the embed reads.
const KNOWN: [&str; 11] = [
    "scenario", "lesson", "view", "autoplay", "speed", "height", "theme", "lang", "persist",
    "origin", "embed",
];

/// The refusal of a value that is not percent-encoded UTF-8.
fn not_utf8() -> Message {
    Message::new("the value is not valid percent-encoded UTF-8.", &[])
}

fn apply(config: &mut EmbedConfig, key: &str, raw: &str) -> Result<(), Message> {
    if key == "scenario" {
        return scenario(config, raw);
    }
    if raw.len() > MAX_VALUE_CHARS * 3 {
        return Err(Message::new(
            "the value is {} characters long; at most {} are read.",
            &[&raw.len(), &MAX_VALUE_CHARS],
        ));
    }
    let value = decode(raw).ok_or_else(not_utf8)?;
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(Message::new(
            "the value is longer than {} characters.",
            &[&MAX_VALUE_CHARS],
        ));
    }
    match key {
        "lesson" => config.lesson = Some(lesson(&value)?),
        "view" => config.views = views(&value)?,
        "autoplay" => config.autoplay = flag(&value)?,
        "speed" => config.speed = Some(speed(&value)?),
        "height" => config.height = Some(height(&value)?),
        "theme" => config.theme = Some(value),
        "lang" => config.lang = Some(value),
        "persist" => config.persist = persist(&value)?,
        "origin" => config.origin = Some(origin(&value)?),
        _ => {}
    }
    Ok(())
}

fn scenario(config: &mut EmbedConfig, raw: &str) -> Result<(), Message> {
    // base64url needs no decoding; a payload that was percent-encoded anyway is decoded first.
    let payload = if raw.contains('%') {
        decode(raw).ok_or_else(not_utf8)?
    } else {
        raw.to_string()
    };
    // The scenario's own error (scenario::ScenarioError) stays as it is, as everywhere else.
    let read = from_fragment(&format!("s={payload}"))
        .ok_or_else(|| Message::new("it is not a share link's payload.", &[]))?
        .map_err(|e| Message::new("this scenario cannot be opened. {}", &[&e]))?;
    config.scenario = Some(Rc::new(read));
    config.scenario_payload = Some(payload);
    Ok(())
}

fn lesson(value: &str) -> Result<String, Message> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(value.to_string())
    } else {
        Err(Message::new(
            "'{}' is not a lesson id (lowercase letters, digits and '-', e.g. topics).",
            &[&value],
        ))
    }
}

fn views(value: &str) -> Result<Vec<EmbedView>, Message> {
    let mut views = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if views.len() == MAX_VIEWS {
            return Err(Message::new("at most {} views are shown.", &[&MAX_VIEWS]));
        }
        let view = one_view(name)?;
        if !views.contains(&view) {
            views.push(view);
        }
    }
    if views.is_empty() {
        return Err(Message::new(
            "no view is named; the views are {}.",
            &[&VIEW_NAMES],
        ));
    }
    Ok(views)
}

fn one_view(name: &str) -> Result<EmbedView, Message> {
    let (head, rest) = name.split_once(':').unwrap_or((name, ""));
    let simple = match head {
        "cluster" => EmbedView::Cluster,
        "topics" => EmbedView::Topics,
        "terminal" => EmbedView::Terminal,
        "lesson" => EmbedView::Lesson,
        "events" => EmbedView::Events,
        "producers" => EmbedView::Producers,
        "groups" => EmbedView::Groups,
        "network" => EmbedView::Network,
        "metrics" => EmbedView::Metrics,
        "config" => EmbedView::Config,
        "partition" => return partition_view(rest),
        "files" => return files_view(rest),
        _ => {
            return Err(Message::new(
                "unknown view '{}'; the views are {}.",
                &[&name, &VIEW_NAMES],
            ))
        }
    };
    if rest.is_empty() {
        Ok(simple)
    } else {
        Err(Message::new(
            "the view '{}' takes no ':' argument.",
            &[&head],
        ))
    }
}

fn partition_view(rest: &str) -> Result<EmbedView, Message> {
    if rest.is_empty() {
        return Ok(EmbedView::Partition(None));
    }
    // Topic names have no ':' (Kafka's legal characters are [a-zA-Z0-9._-]).
    let (topic, partition) = rest.rsplit_once(':').ok_or_else(|| {
        Message::new(
            "write the partition view as partition:TOPIC:PARTITION, e.g. partition:orders:0.",
            &[],
        )
    })?;
    // Kafka's own message for an illegal topic name, as the tools print it.
    crate::engine::topic::validate_name(topic).map_err(Message::plain)?;
    let partition = partition
        .parse::<i32>()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| {
            Message::new("'{}' is not a partition number (0 or more).", &[&partition])
        })?;
    Ok(EmbedView::Partition(Some((topic.to_string(), partition))))
}

fn files_view(rest: &str) -> Result<EmbedView, Message> {
    if rest.is_empty() {
        return Ok(EmbedView::Files(None));
    }
    let max = crate::storage::registry::MAX_BROKERS;
    rest.parse::<i32>()
        .ok()
        .filter(|id| (1..=max).contains(id))
        .map(|id| EmbedView::Files(Some(id)))
        .ok_or_else(|| Message::new("'{}' is not a broker id (1 to {}).", &[&rest, &max]))
}

fn flag(value: &str) -> Result<bool, Message> {
    match value {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(Message::new("'{}' is not 1 or 0.", &[&value])),
    }
}

fn speed(value: &str) -> Result<f64, Message> {
    let speeds: Vec<String> = SPEEDS.iter().map(|s| s.to_string()).collect();
    value
        .parse::<f64>()
        .ok()
        .filter(|s| SPEEDS.contains(s))
        .ok_or_else(|| {
            Message::new(
                "'{}' is not one of the playback speeds ({}).",
                &[&value, &speeds.join(", ")],
            )
        })
}

fn height(value: &str) -> Result<u32, Message> {
    let (low, high) = HEIGHT_RANGE;
    value
        .strip_suffix("px")
        .unwrap_or(value)
        .parse::<u32>()
        .ok()
        .filter(|h| (low..=high).contains(h))
        .ok_or_else(|| {
            Message::new(
                "'{}' is not a height in pixels from {} to {}.",
                &[&value, &low, &high],
            )
        })
}

fn persist(value: &str) -> Result<Option<String>, Message> {
    if matches!(value, "" | "0" | "false") {
        return Ok(None);
    }
    let ok = value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Message::new(
            "'{}' cannot name a workspace: use up to 40 letters, digits, '-' or '_' (the workspace is '{}NAME').",
            &[&value, &WORKSPACE_PREFIX],
        ));
    }
    validate_name(&format!("{WORKSPACE_PREFIX}{value}"))?;
    Ok(Some(value.to_string()))
}

fn origin(value: &str) -> Result<AllowedOrigin, Message> {
    if value == "*" {
        return Ok(AllowedOrigin::Any);
    }
    let (scheme, rest) = value.split_once("://").ok_or_else(|| {
        Message::new(
            "'{}' is not an origin (scheme://host[:port], or *).",
            &[&value],
        )
    })?;
    // IPv6 literals are not accepted: documentation pages are served by host name.
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    if matches!(scheme, "http" | "https") && host_ok && port_ok {
        Ok(AllowedOrigin::Exactly(value.to_ascii_lowercase()))
    } else {
        Err(Message::new(
            "'{}' is not an origin (http or https, a host and an optional port, no path; or *).",
            &[&value],
        ))
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; the bytes must be
/// UTF-8. `None` for a broken escape or bytes that are not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}
