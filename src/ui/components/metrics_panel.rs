//! The Metrics panel: one small line chart per Kafka metric over the last simulated minutes
//! (`ui::metrics` samples them once per simulated second), each with its current value, unit,
//! and Kafka's MBean name and meaning in a tooltip.

use crate::i18n::{tr, trf};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::metrics::{Metric, MetricsHistory, Sample};
use crate::ui::prefs::use_lang;
use yew::prelude::*;

/// How many samples a chart draws (one a simulated second).
const SHOWN: usize = 60;
const WIDTH: f64 = 160.0;
const HEIGHT: f64 = 40.0;

/// Thousands as `12.3k`, millions as `4.5M`; smaller values as they are.
pub fn compact(value: i64) -> String {
    let abs = value.unsigned_abs();
    if abs >= 1_000_000 {
        format!("{:.1}M", value as f64 / 1e6)
    } else if abs >= 10_000 {
        format!("{:.1}k", value as f64 / 1e3)
    } else {
        value.to_string()
    }
}

/// The fewest seconds a chart spans, so that the first samples do not fill it edge to edge.
const MIN_SPAN: usize = 10;

/// The SVG polyline points of a metric's samples, scaled to the chart: the top is the largest
/// value shown (at least 1), the newest sample at the right edge, one step per second over the
/// last `SHOWN` seconds (at least `MIN_SPAN`).
pub fn chart_points(samples: &[&Sample], metric: Metric) -> String {
    let max = samples
        .iter()
        .map(|s| s.get(metric))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let span = samples.len().clamp(MIN_SPAN, SHOWN);
    let step = WIDTH / (span - 1) as f64;
    let offset = span.saturating_sub(samples.len()) as f64 * step;
    samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let x = offset + i as f64 * step;
            let y = HEIGHT - 2.0 - (s.get(metric).max(0) as f64 / max) * (HEIGHT - 4.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn MetricsPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let history: &MetricsHistory = &store.metrics;
    let skip = history.samples().len().saturating_sub(SHOWN);
    let shown: Vec<&Sample> = history.samples().skip(skip).collect();
    let latest = shown.last().copied();
    let card = |metric: Metric| {
        let value = latest.map(|s| s.get(metric));
        let alarm = matches!(
            (metric, value),
            (Metric::UnderReplicatedPartitions | Metric::OfflinePartitionsCount, Some(v)) if v > 0
        ) || matches!((metric, value), (Metric::ActiveControllerCount, Some(v)) if v != 1);
        html! {
            <li class={classes!("metric", alarm.then_some("alarm"))} data-testid={format!("metric-{}", metric.name())}
                data-value={value.map(|v| v.to_string()).unwrap_or_default()}
                title={format!("{}\n{}", metric.mbean(), tr(lang, metric.meaning()))}>
                <div class="metric-head">
                    <span class="metric-name">{metric.name()}</span>
                    <span class="metric-value">
                        { value.map_or_else(|| "–".to_string(), compact) }
                        <small>{format!(" {}", tr(lang, metric.unit()))}</small>
                    </span>
                </div>
                <svg class="metric-chart" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none"
                    role="img" aria-label={trf(lang, "{} over the last {} simulated seconds", &[&metric.name(), &shown.len()])}>
                    <polyline points={chart_points(&shown, metric)} />
                </svg>
            </li>
        }
    };
    html! {
        <section class="panel metrics-panel" aria-labelledby="metrics-heading">
            <h2 id="metrics-heading">{tr(lang, "Metrics")}</h2>
            <p class="muted">
                {tr(lang, "Kafka's own metrics (hover for the MBean), one sample per simulated second, the last minute. Broker metrics are summed over the cluster.")}
            </p>
            <ul class="metrics" data-testid="metrics" data-samples={history.samples().len().to_string()}>
                { for Metric::ALL.into_iter().map(card) }
            </ul>
        </section>
    }
}
