//! Every replica of one partition as a lane on one offset scale: its segments (sealed, and the
//! active one), the records above the high watermark that consumers cannot read yet, a
//! compacted log's clean tail and dirty head, and lines at the high watermark and log end — so
//! a follower catching up, a truncation or a segment deleted by retention is seen at a glance.

use crate::i18n::{tr, trf, Lang};
use crate::ui::partition_view::{LogShape, ReplicaLog};
use crate::ui::prefs::use_lang;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LogLanesProps {
    pub replicas: Vec<ReplicaLog>,
    /// The replica whose segments and records are listed below.
    pub selected: Option<i32>,
    pub on_select: Callback<i32>,
}

/// The offsets every lane spans: from the lowest segment base to the highest log end.
#[derive(Clone, Copy)]
struct Scale {
    low: i64,
    span: i64,
}

impl Scale {
    fn of(replicas: &[ReplicaLog]) -> Self {
        let logs = || replicas.iter().filter_map(|r| r.log.as_ref());
        let low = logs()
            .filter_map(|l| l.segments.first().map(|s| s.base_offset))
            .min()
            .unwrap_or(0);
        let high = logs().map(|l| l.log_end_offset).max().unwrap_or(0);
        Scale {
            low,
            span: (high - low).max(1),
        }
    }

    /// An offset as a percentage of the lane's width.
    fn x(self, offset: i64) -> f64 {
        (offset - self.low).clamp(0, self.span) as f64 * 100.0 / self.span as f64
    }

    fn pct(value: f64) -> String {
        format!("{value:.3}%")
    }
}

#[component]
pub fn LogLanes(props: &LogLanesProps) -> Html {
    let lang = use_lang();
    let scale = Scale::of(&props.replicas);
    let lanes = props.replicas.iter().map(|replica| {
        let node_id = replica.node_id;
        let onclick = props.on_select.reform(move |_: MouseEvent| node_id);
        let selected = props.selected == Some(node_id);
        let role = if replica.is_leader { "leader" } else { "follower" };
        let sync = if replica.in_isr { "ISR" } else { "out of sync" };
        html! {
            <li class={classes!("lane", selected.then_some("selected"), (!replica.in_isr).then_some("out-of-isr"))}
                data-testid="replica-lane" data-node={node_id.to_string()}>
                <button class="lane-label" {onclick} aria-pressed={selected.to_string()}
                    title={tr(lang, "Show this replica's segments and records")}>
                    <strong>{trf(lang, "Broker {}", &[&node_id])}</strong>
                    <span class={classes!("role", role)}>{tr(lang, role)}</span>
                    <span class="sync">{tr(lang, sync)}</span>
                </button>
                { match &replica.log {
                    Some(log) => lane(lang, log, scale),
                    None => html! { <div class="lane-down muted">{tr(lang, "broker down: log closed")}</div> },
                } }
            </li>
        }
    });
    html! {
        <div class="log-lanes">
            <ul aria-label={tr(lang, "Replicas of this partition, on one offset scale")}>{ for lanes }</ul>
            <p class="legend muted">
                <span class="swatch sealed"></span>{tr(lang, "sealed segment ")}
                <span class="swatch active"></span>{tr(lang, "active segment ")}
                <span class="swatch uncommitted"></span>{tr(lang, "above the high watermark (not yet readable) ")}
                <span class="swatch dirty"></span>{tr(lang, "dirty head (compaction)")}
            </p>
        </div>
    }
}

/// One replica's log: segments, the uncommitted stretch, compaction halves and the marks.
fn lane(lang: Lang, log: &LogShape, scale: Scale) -> Html {
    let rect = |from: i64, to: i64, class: &'static str, title: String| {
        let (x, end) = (scale.x(from), scale.x(to));
        html! {
            <rect class={class} x={Scale::pct(x)} width={Scale::pct((end - x).max(0.4))} y="4" height="26">
                <title>{title}</title>
            </rect>
        }
    };
    let segments = log.segments.iter().map(|s| {
        let class = if s.active {
            "segment active"
        } else {
            "segment sealed"
        };
        let title = trf(
            lang,
            "{}.log: offsets {}–{}, {} records, {} bytes{}",
            &[
                &format!("{:020}", s.base_offset),
                &s.base_offset,
                &(s.next_offset - 1).max(s.base_offset),
                &s.record_count,
                &s.size_bytes,
                &if s.active { tr(lang, " (active)") } else { "" },
            ],
        );
        rect(s.base_offset, s.next_offset, class, title)
    });
    let uncommitted = (log.log_end_offset > log.high_watermark).then(|| {
        let title = trf(
            lang,
            "offsets {}–{}: on this replica, above the high watermark {}",
            &[
                &log.high_watermark,
                &(log.log_end_offset - 1),
                &log.high_watermark,
            ],
        );
        rect(log.high_watermark, log.log_end_offset, "uncommitted", title)
    });
    let dirty = log.cleaner.map(|c| {
        let (x, end) = (scale.x(c.first_dirty_offset), scale.x(log.log_end_offset));
        html! {
            <rect class="dirty" x={Scale::pct(x)} width={Scale::pct((end - x).max(0.0))} y="30" height="4">
                <title>{trf(lang, "dirty head from offset {} (dirty ratio {}.{}% vs min.cleanable.dirty.ratio {}%)",
                    &[&c.first_dirty_offset, &(c.dirty_ratio_ppm / 10_000), &(c.dirty_ratio_ppm / 1000 % 10),
                    &(c.min_dirty_ratio_ppm / 10_000)])}</title>
            </rect>
        }
    });
    let mark = |offset: i64, class: &'static str| {
        let x = Scale::pct(scale.x(offset));
        html! { <line class={class} x1={x.clone()} x2={x} y1="0" y2="34" /> }
    };
    html! {
        <div class="lane-body">
            <svg class="lane-svg" width="100%" height="34" role="img"
                aria-label={trf(lang, "log start {}, high watermark {}, log end {}, {} segment(s)",
                    &[&log.log_start_offset, &log.high_watermark, &log.log_end_offset, &log.segments.len()])}>
                <rect class="track" x="0" y="4" width="100%" height="26" />
                { for segments }
                { uncommitted.unwrap_or_default() }
                { dirty.unwrap_or_default() }
                { mark(log.log_start_offset, "mark start") }
                { mark(log.high_watermark, "mark hw") }
                { mark(log.log_end_offset, "mark end") }
            </svg>
            <div class="lane-offsets" data-testid="lane-offsets" data-log-start={log.log_start_offset.to_string()}
                data-high-watermark={log.high_watermark.to_string()} data-log-end={log.log_end_offset.to_string()}>
                <span title={tr(lang, "Log start offset: the first offset a consumer can read")}>{trf(lang, "start {}", &[&log.log_start_offset])}</span>
                <span class="hw" title={tr(lang, "High watermark: offsets below it are on every in-sync replica and readable")}>{format!("HW {}", log.high_watermark)}</span>
                <span class="end" title={tr(lang, "Log end offset: the offset the next record appended here gets")}>{format!("LEO {}", log.log_end_offset)}</span>
                <span class="muted" title={tr(lang, "Recovery point: offsets below it are flushed to the log dir")}>{trf(lang, "flushed to {}", &[&log.recovery_point])}</span>
            </div>
        </div>
    }
}
