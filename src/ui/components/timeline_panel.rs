//! The timeline (issue #10, item 4): a branch's commands and notable events on a track and in
//! a list, newest first. Clicking a moment rewinds the whole cluster to it
//! ([`Action::Rewind`]: its commands replayed from the nearest checkpoint, `ui::timeline`);
//! what is done next continues on a new branch, and every branch stays in the branch bar,
//! where "Go to its end" puts the cluster back where that branch was left.
//!
//! The track is a picture (`aria-hidden`) for the mouse, one tick per kind and few pixels (the
//! latest mark there); the list holds the moments as buttons for the keyboard and screen
//! readers.

use crate::i18n::{tr, trf, Lang};
use crate::scenario::history::{Branch, History, Mark, MarkKind, Moment};
use crate::ui::form::target_value;
use crate::ui::format::{elapsed, iso};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, StoreHandle};
use yew::prelude::*;

/// The most moments the list shows (the track shows every kept mark).
const LIST_LIMIT: usize = 80;
/// The track's drawing width (SVG user units; it scales to the panel).
const TRACK_WIDTH: f64 = 1000.0;

#[component]
pub fn TimelinePanel() -> Html {
    let lang = use_lang();
    let shown = use_state(|| None::<u32>);
    let filter = use_state(|| None::<MarkKind>);
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let history = store.timeline.history.borrow();
    let live = history.live();
    let shown_id = shown
        .filter(|id| history.branch(*id).is_some())
        .unwrap_or(live);
    let Some(branch) = history.branch(shown_id) else {
        return html! {};
    };
    let cluster = store.cluster();
    let start = cluster.options().start_time.as_millis();
    let live_now = store.live_moment();
    let end = if shown_id == live {
        live_now
    } else {
        branch.end
    };
    let refusal = store.rewind_refusal();
    let busy = store.replaying.is_some();
    let rewind = {
        let store = store.clone();
        Callback::from(move |(branch, moment): (u32, Moment)| {
            store.dispatch(Action::Rewind { branch, moment })
        })
    };
    let can_rewind = refusal.is_none() && !busy;
    let marks: Vec<&Mark> = branch
        .marks
        .iter()
        .filter(|m| filter.is_none_or(|kind| m.kind == kind))
        .collect();
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let value = target_value(&e);
            filter.set(MarkKind::ALL.into_iter().find(|k| k.name() == value));
        })
    };
    html! {
        <section class="panel timeline-panel" aria-labelledby="timeline-heading" data-testid="timeline">
            <h2 id="timeline-heading">{tr(lang, "Timeline")}</h2>
            <p class="muted">{tr(lang, "Click a moment to rewind the whole cluster to it: the commands before it are replayed from the nearest checkpoint. What you do next starts a new branch; the branch you left stays here.")}</p>
            { branch_bar(&history, shown_id, &shown, start, live_now, lang) }
            if shown_id != live {
                <p class="timeline-away">
                    <button data-testid="go-to-branch-end" disabled={!can_rewind}
                        onclick={
                            let rewind = rewind.clone();
                            let to = branch.end;
                            Callback::from(move |_: MouseEvent| rewind.emit((shown_id, to)))
                        }>
                        {trf(lang, "Go to the end of branch {}", &[&shown_id])}</button>
                    {" "}<span class="muted">{trf(lang, "(T+{}, {} commands)", &[&elapsed(branch.end.at_ms - start), &branch.steps.len()])}</span>
                </p>
            }
            if let Some(refusal) = refusal {
                <p class="muted" data-testid="rewind-refused">{tr(lang, refusal)}</p>
            }
            { track(branch, &marks, start, end, shown_id, can_rewind, &rewind) }
            <div class="timeline-tools">
                <label>{tr(lang, "Show")}{" "}
                    <select data-testid="timeline-filter" onchange={on_filter}>
                        <option value="" selected={filter.is_none()}>{tr(lang, "every kind")}</option>
                        { for MarkKind::ALL.iter().map(|k| html! {
                            <option value={k.name()} selected={*filter == Some(*k)}>{kind_label(*k, lang)}</option>
                        }) }
                    </select>
                </label>
                <span class="muted" data-testid="checkpoint-count">
                    {trf(lang, "{} checkpoints kept", &[&store.checkpoint_count()])}</span>
            </div>
            if marks.is_empty() {
                <p class="muted" data-testid="timeline-empty">{tr(lang, "Nothing on this branch yet: run a command or let time play.")}</p>
            } else {
                <MarkList marks={marks.iter().rev().take(LIST_LIMIT).map(|m| (*m).clone()).collect::<Vec<_>>()}
                    branch={shown_id} {start} {can_rewind} />
            }
        </section>
    }
}

/// One button per branch: which is live, which is shown, where each was forked.
fn branch_bar(
    history: &History,
    shown: u32,
    set_shown: &UseStateHandle<Option<u32>>,
    start: i64,
    live_now: Moment,
    lang: Lang,
) -> Html {
    let buttons = history.branches().iter().map(|b| {
        let id = b.id;
        let is_live = id == history.live();
        let onclick = {
            let set_shown = set_shown.clone();
            Callback::from(move |_: MouseEvent| set_shown.set(Some(id)))
        };
        let (steps, at) = if is_live {
            (live_now.steps, live_now.at_ms)
        } else {
            (b.steps.len(), b.end.at_ms)
        };
        html! {
            <button class={classes!("branch", is_live.then_some("live"), (id == shown).then_some("shown"))}
                data-testid={format!("branch-{id}")} aria-pressed={(id == shown).to_string()}
                title={fork_title(b, start, lang)} {onclick}>
                {trf(lang, "Branch {}", &[&id])}
                <span class="muted">{format!(" · {} · T+{}", trf(lang, "{} commands", &[&steps]), elapsed(at - start))}</span>
                if is_live { <span class="live-dot">{format!(" ● {}", tr(lang, "now"))}</span> }
            </button>
        }
    });
    html! {
        <div class="branch-bar" role="group" aria-label={tr(lang, "Branches")} data-testid="branches">
            { for buttons }
        </div>
    }
}

fn fork_title(branch: &Branch, start: i64, lang: Lang) -> String {
    match branch.parent {
        Some((parent, at)) => trf(
            lang,
            "Forked from branch {} at T+{}",
            &[&parent, &elapsed(at.at_ms - start)],
        ),
        None => tr(lang, "The cluster's own history from its start").to_string(),
    }
}

/// The branch from its start to its end, a tick per mark; the fork point of its parent.
fn track(
    branch: &Branch,
    marks: &[&Mark],
    start: i64,
    end: Moment,
    id: u32,
    can_rewind: bool,
    rewind: &Callback<(u32, Moment)>,
) -> Html {
    let span = (end.at_ms - start).max(1) as f64;
    let x = |at: i64| ((at - start) as f64 / span * TRACK_WIDTH).clamp(0.0, TRACK_WIDTH);
    // One tick per kind and 3 units of width: a thousand marks draw as what can be told apart.
    let mut drawn = std::collections::BTreeSet::new();
    let ticks = marks.iter().rev().filter(|m| drawn.insert(((x(m.moment.at_ms) / 3.0) as i64, m.kind.name()))).map(|m| {
        let moment = m.moment;
        let onclick = {
            let rewind = rewind.clone();
            Callback::from(move |_: MouseEvent| {
                if can_rewind {
                    rewind.emit((id, moment))
                }
            })
        };
        let cx = x(moment.at_ms);
        html! {
            <rect class={classes!("tick", format!("kind-{}", m.kind.name()))} x={format!("{:.1}", cx - 2.0)} y="6" width="4" height="22" {onclick}>
                <title>{format!("T+{} {}", elapsed(moment.at_ms - start), m.text)}</title>
            </rect>
        }
    });
    let fork = branch.parent.map(|(_, at)| {
        html! { <line class="fork" x1={format!("{:.1}", x(at.at_ms))} x2={format!("{:.1}", x(at.at_ms))} y1="0" y2="34" /> }
    });
    html! {
        <svg class="timeline-track" viewBox={format!("-4 0 {} 34", TRACK_WIDTH + 8.0)} preserveAspectRatio="none"
            aria-hidden="true" data-testid="timeline-track">
            <line class="base" x1="0" x2={TRACK_WIDTH.to_string()} y1="17" y2="17" />
            { for fork }
            { for ticks }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct MarkListProps {
    /// Newest first.
    marks: Vec<Mark>,
    branch: u32,
    start: i64,
    can_rewind: bool,
}

/// The list of moments: its own component, so while time only passes (the track stretches,
/// the marks stay) it is not rendered again.
#[component]
fn MarkList(props: &MarkListProps) -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let rewind = Callback::from(move |(branch, moment): (u32, Moment)| {
        if let Some(store) = &store {
            store.dispatch(Action::Rewind { branch, moment });
        }
    });
    html! {
        <ol class="timeline-marks" data-testid="timeline-marks">
            { for props.marks.iter().map(|m| mark_row(m, props.branch, props.start, props.can_rewind, &rewind, lang)) }
        </ol>
    }
}

fn mark_row(
    mark: &Mark,
    branch: u32,
    start: i64,
    can_rewind: bool,
    rewind: &Callback<(u32, Moment)>,
    lang: Lang,
) -> Html {
    let moment = mark.moment;
    let onclick = {
        let rewind = rewind.clone();
        Callback::from(move |_: MouseEvent| rewind.emit((branch, moment)))
    };
    let label = if mark.kind == MarkKind::Command {
        tr(lang, "Rewind to just before this command")
    } else {
        tr(lang, "Rewind to just after this event")
    };
    html! {
        <li class={classes!("mark", format!("kind-{}", mark.kind.name()))} data-kind={mark.kind.name()}
            data-at-ms={moment.at_ms.to_string()} data-steps={moment.steps.to_string()}>
            <button class="rewind" data-testid="rewind" disabled={!can_rewind} title={label}
                aria-label={format!("{label}: T+{} {}", elapsed(moment.at_ms - start), mark.text)} {onclick}>{"⟲"}</button>
            <time datetime={iso(moment.at_ms)} title={format!("{} ms", moment.at_ms)}>{format!("T+{}", elapsed(moment.at_ms - start))}</time>
            <span class="kind">{kind_label(mark.kind, lang)}</span>
            <code>{mark.text.clone()}</code>
        </li>
    }
}

/// What a legend and the filter call each kind.
fn kind_label(kind: MarkKind, lang: Lang) -> &'static str {
    match kind {
        MarkKind::Command => tr(lang, "command"),
        MarkKind::Leader => tr(lang, "leader"),
        // Kafka's word, the same in every language.
        MarkKind::Isr => "ISR",
        MarkKind::Controller => tr(lang, "controller"),
        MarkKind::Broker => tr(lang, "broker"),
        MarkKind::Roll => tr(lang, "segment roll"),
        MarkKind::Retention => tr(lang, "retention"),
        MarkKind::Compaction => tr(lang, "compaction"),
        MarkKind::Truncation => tr(lang, "truncation"),
        MarkKind::Network => tr(lang, "network"),
        MarkKind::Reassignment => tr(lang, "reassignment"),
        MarkKind::Rebalance => tr(lang, "rebalance"),
        MarkKind::Client => tr(lang, "client"),
    }
}
