//! One replica's records in a virtualised list: only the rows in view are read from the
//! replica's files and rendered, so scrolling through a million records costs what fourteen
//! rows cost. A row is an offset; offsets a compaction removed leave a gap. Records above the
//! high watermark are marked: they are on this replica but consumers cannot read them yet.

use crate::i18n::{tr, trf, Lang};
use crate::ui::format::date_time;
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::partition_view::{records_window, RecordRow};
use crate::ui::prefs::use_lang;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// The height of a row, in CSS pixels (`.record-row` in style.css says the same).
const ROW_PX: i64 = 24;
/// Rows in view.
const VIEW_ROWS: i64 = 14;
/// The tallest scroll area made: browsers cap an element's height (Firefox near 17.9 M px), so
/// longer logs map the scroll position onto offsets proportionally instead of one row per 24 px.
const MAX_SCROLL_PX: i64 = 8_000_000;

#[derive(Properties, PartialEq)]
pub struct RecordListProps {
    pub topic: AttrValue,
    pub partition: i32,
    pub node_id: i32,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
}

/// Where rows go for a scroll position.
#[derive(Clone, Copy)]
struct Window {
    rows: i64,
    content_px: i64,
    first_row: i64,
    /// The pixel top of `first_row`.
    first_top_px: i64,
}

impl Window {
    fn at(rows: i64, scroll_top: i64) -> Self {
        let full_px = rows * ROW_PX;
        let viewport_px = VIEW_ROWS * ROW_PX;
        if full_px <= MAX_SCROLL_PX {
            let first_row = (scroll_top / ROW_PX).clamp(0, rows.max(1) - 1).max(0);
            return Window {
                rows,
                content_px: full_px,
                first_row,
                first_top_px: first_row * ROW_PX,
            };
        }
        let scrollable_px = (MAX_SCROLL_PX - viewport_px).max(1);
        let first_row = (i128::from(scroll_top.clamp(0, scrollable_px))
            * i128::from(rows - VIEW_ROWS)
            / i128::from(scrollable_px)) as i64;
        Window {
            rows,
            content_px: MAX_SCROLL_PX,
            first_row,
            first_top_px: scroll_top.clamp(0, scrollable_px),
        }
    }

    /// The scroll position that shows `row` at the top.
    fn scroll_for(&self, row: i64) -> i64 {
        let viewport_px = VIEW_ROWS * ROW_PX;
        if self.content_px == self.rows * ROW_PX {
            return row * ROW_PX;
        }
        let scrollable_px = (self.content_px - viewport_px).max(1);
        (i128::from(row) * i128::from(scrollable_px) / i128::from((self.rows - VIEW_ROWS).max(1)))
            as i64
    }
}

#[component]
pub fn RecordList(props: &RecordListProps) -> Html {
    let lang = use_lang();
    let scroll_top = use_state(|| 0_i64);
    let follow_end = use_state(|| false);
    let viewport = use_node_ref();
    let rows = (props.log_end_offset - props.log_start_offset).max(0);
    let window = Window::at(rows, *scroll_top);
    // Following the log end: keep the newest records in view as they arrive.
    {
        let (viewport, follow, content_px) = (viewport.clone(), *follow_end, window.content_px);
        use_effect_with((follow, props.log_end_offset, content_px), move |_| {
            if let (true, Some(element)) = (follow, viewport.cast::<Element>()) {
                element.set_scroll_top(i32::try_from(content_px).unwrap_or(i32::MAX));
            }
        });
    }
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let cluster = &store.cluster();
    let from = props.log_start_offset + window.first_row;
    let records = records_window(
        cluster,
        props.node_id,
        &props.topic,
        props.partition,
        from,
        (VIEW_ROWS + 1) as usize,
    );
    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            scroll_top.set(i64::from(e.target_unchecked_into::<Element>().scroll_top()));
        })
    };
    let on_follow = {
        let follow_end = follow_end.clone();
        Callback::from(move |e: Event| {
            follow_end.set(e.target_unchecked_into::<HtmlInputElement>().checked());
        })
    };
    let on_jump = {
        let (viewport, start) = (viewport.clone(), props.log_start_offset);
        let content = window;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Ok(offset) = input.value().trim().parse::<i64>() else {
                return;
            };
            if let Some(element) = viewport.cast::<Element>() {
                let row = (offset - start).clamp(0, content.rows.max(1) - 1);
                element.set_scroll_top(i32::try_from(content.scroll_for(row)).unwrap_or(i32::MAX));
            }
        })
    };
    let top_of = |offset: i64| window.first_top_px + (offset - from) * ROW_PX;
    let shown = records
        .iter()
        .filter(|r| r.offset < from + VIEW_ROWS + 1)
        .map(|r| record_row(lang, r, top_of(r.offset)));
    html! {
        <div class="record-list">
            <div class="record-tools">
                <label>{tr(lang, "Go to offset ")}
                    <input type="number" min={props.log_start_offset.to_string()} data-testid="jump-offset"
                        onkeydown={on_jump} placeholder={tr(lang, "Enter")} />
                </label>
                <label><input type="checkbox" checked={*follow_end} onchange={on_follow}
                    data-testid="follow-end" />{tr(lang, " Follow the log end")}</label>
                <span class="muted">{trf(lang, "{} offsets from {} to {}", &[&rows, &props.log_start_offset,
                    &(props.log_end_offset - 1).max(props.log_start_offset)])}</span>
            </div>
            <div class="record-head" role="row" aria-hidden="true">
                <span>{tr(lang, "Offset")}</span><span>{tr(lang, "Timestamp")}</span><span>{tr(lang, "Key")}</span>
                <span>{tr(lang, "Value")}</span><span>{tr(lang, "Headers")}</span>
            </div>
            <div class="record-viewport" ref={viewport} {onscroll} tabindex="0" role="table"
                aria-label={trf(lang, "Records of {}-{} on broker {}", &[&props.topic, &props.partition, &props.node_id])}
                aria-rowcount={rows.to_string()} data-testid="record-viewport"
                style={format!("height: {}px", VIEW_ROWS * ROW_PX)}>
                <div class="record-content" style={format!("height: {}px", window.content_px)}>
                    { for shown }
                </div>
            </div>
            if rows == 0 {
                <p class="muted" data-testid="no-records">{tr(lang, "No records in this replica's log.")}</p>
            }
        </div>
    }
}

fn record_row(lang: Lang, record: &RecordRow, top_px: i64) -> Html {
    let headers = if record.headers.is_empty() {
        "NO_HEADERS".to_string()
    } else {
        record
            .headers
            .iter()
            .map(|(k, v)| format!("{k}:{}", v.as_deref().unwrap_or("null")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let title = trf(
        lang,
        "offset {} · {}:{} · leader epoch {}{}",
        &[
            &record.offset,
            &record.timestamp_type,
            &record.timestamp,
            &record.leader_epoch,
            &if record.committed {
                ""
            } else {
                tr(
                    lang,
                    " · above the high watermark: not readable by consumers yet",
                )
            },
        ],
    );
    html! {
        <div class={classes!("record-row", (!record.committed).then_some("uncommitted"))} role="row"
            aria-rowindex={(record.offset + 1).to_string()} data-testid="record-row"
            data-offset={record.offset.to_string()} style={format!("top: {top_px}px")} {title}>
            <span role="cell" class="num">{record.offset}</span>
            <span role="cell">{date_time(record.timestamp)}</span>
            <span role="cell" class="key">{record.key.clone().unwrap_or_else(|| "null".into())}</span>
            <span role="cell">{record.value.clone().unwrap_or_else(|| "null".into())}</span>
            <span role="cell" class="muted">{headers}</span>
        </div>
    }
}
