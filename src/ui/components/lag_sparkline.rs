//! A group's total lag over simulated time: the samples the groups panel keeps (bounded, one per
//! moment of sim time it rendered at) and the small SVG line that draws them.

use crate::i18n::trf;
use std::collections::{BTreeMap, VecDeque};
use yew::prelude::*;

/// How many samples a group keeps; older ones are dropped.
pub const MAX_SAMPLES: usize = 120;
/// Samples closer than this in sim time are merged (the newest stands for them), so a clock
/// that plays continuously — a render per frame — still keeps minutes of history.
pub const MIN_SAMPLE_SPACING_MS: i64 = 1_000;

/// Samples of every group's total lag: `(sim time ms, lag)`, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LagHistory {
    groups: BTreeMap<String, VecDeque<(i64, i64)>>,
}

impl LagHistory {
    /// Takes a sample of each group at `now_ms`. A moment already sampled is kept as it was
    /// (the panel renders many times at one sim time); samples closer than
    /// [`MIN_SAMPLE_SPACING_MS`] are merged; a clock that went back (a reset, a
    /// reload) starts the history over. Groups not in `lags` any more are forgotten.
    pub fn record(&mut self, now_ms: i64, lags: &[(String, i64)]) {
        let went_back = self
            .groups
            .values()
            .filter_map(|s| s.back())
            .any(|&(t, _)| t > now_ms);
        if went_back {
            self.groups.clear();
        }
        self.groups
            .retain(|id, _| lags.iter().any(|(group, _)| group == id));
        for (group, lag) in lags {
            let samples = self.groups.entry(group.clone()).or_default();
            if samples.back().is_some_and(|&(t, _)| t == now_ms) {
                continue;
            }
            // The newest sample moves on (is replaced) until it is far enough from the one
            // before it; then it stays and the next one starts.
            let len = samples.len();
            if len >= 2 && samples[len - 1].0 - samples[len - 2].0 < MIN_SAMPLE_SPACING_MS {
                samples[len - 1] = (now_ms, *lag);
                continue;
            }
            if samples.len() == MAX_SAMPLES {
                samples.pop_front();
            }
            samples.push_back((now_ms, *lag));
        }
    }

    /// A group's samples, oldest first.
    pub fn samples(&self, group: &str) -> Vec<(i64, i64)> {
        self.groups
            .get(group)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// The polyline's `points` for `samples` in a `width` × `height` box: time along x (the first
/// sample at the left, the last at the right), lag up y (0 at the bottom, the largest at the top).
pub fn sparkline_points(samples: &[(i64, i64)], width: i64, height: i64) -> String {
    let Some(&(first, _)) = samples.first() else {
        return String::new();
    };
    let last = samples.last().map_or(first, |s| s.0);
    let span = (last - first).max(1);
    let top = samples.iter().map(|s| s.1).max().unwrap_or(0).max(1);
    samples
        .iter()
        .map(|&(t, lag)| {
            let x = if last == first {
                width
            } else {
                (t - first) * width / span
            };
            let y = height - lag.max(0) * height / top;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Properties, PartialEq)]
pub struct LagSparklineProps {
    pub samples: Vec<(i64, i64)>,
}

const WIDTH: i64 = 160;
const HEIGHT: i64 = 32;

/// The line, with the latest lag and the largest one seen beside it.
#[component]
pub fn LagSparkline(props: &LagSparklineProps) -> Html {
    let lang = crate::ui::prefs::use_lang();
    let latest = props.samples.last().map_or(0, |s| s.1);
    let peak = props.samples.iter().map(|s| s.1).max().unwrap_or(0);
    let label = trf(
        lang,
        "Total lag over the last {} samples of simulated time: now {}, at most {}",
        &[&props.samples.len(), &latest, &peak],
    );
    html! {
        <div class="lag-spark" data-testid="lag-sparkline" data-samples={props.samples.len().to_string()}
            data-lag={latest.to_string()}>
            <svg width={WIDTH.to_string()} height={(HEIGHT + 4).to_string()}
                viewBox={format!("0 -2 {WIDTH} {}", HEIGHT + 4)} role="img" aria-label={label.clone()}>
                <title>{label}</title>
                <line x1="0" y1={HEIGHT.to_string()} x2={WIDTH.to_string()} y2={HEIGHT.to_string()} class="axis" />
                <polyline points={sparkline_points(&props.samples, WIDTH, HEIGHT)} />
            </svg>
            <span class="lag-now">{trf(lang, "lag {}", &[&latest])}</span>
            if peak > latest {
                <span class="muted">{trf(lang, " (peak {})", &[&peak])}</span>
            }
        </div>
    }
}
