//! The simulated clock and what moves it: play/pause (Space), the speed, "Step" (exactly the
//! next scheduled event), the `time advance 1s|10s|1m` buttons and "Jump by" any duration
//! (`ui::components::jump_form`). What falls due on the way — heartbeats, session timeouts,
//! elections, replication, background producers and consumers — runs at its own time.

use super::jump_form::JumpForm;
use crate::i18n::{tr, trf, Lang};
use crate::ui::form::target_value;
use crate::ui::format::{date_time as clock, elapsed, iso};
use crate::ui::playback::{Playback, PlaybackAction, StepReport, SPEEDS};
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, StoreHandle};
use yew::prelude::*;

/// The buttons: label, milliseconds, test id, the `time advance` duration they show (the
/// command language's units: `1m`, not `1min`).
const STEPS: [(&str, i64, &str, &str); 3] = [
    ("+1 s", 1_000, "advance-1s", "1s"),
    ("+10 s", 10_000, "advance-10s", "10s"),
    ("+1 min", 60_000, "advance-1m", "1m"),
];

#[component]
pub fn TimeControls() -> Html {
    let lang = use_lang();
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let cluster = store.cluster();
    let now = cluster.now().as_millis();
    let start = cluster.options().start_time.as_millis();
    let buttons = STEPS.iter().map(|&(label, ms, testid, duration)| {
        let store = store.clone();
        let onclick = Callback::from(move |_: MouseEvent| store.dispatch(Action::AdvanceTime(ms)));
        html! {
            <button {onclick} data-testid={testid}
                title={format!("time advance {duration}")}>{tr(lang, label)}</button>
        }
    });
    html! {
        <div class="time-controls" role="group" aria-label={tr(lang, "Simulated time")}>
            <div class="clock-row">
                <span class="muted">{tr(lang, "Simulated time")}</span>
                <time data-testid="sim-clock" data-ms={now.to_string()} datetime={iso(now)}>{clock(now)}</time>
                if now >= start {
                    <span class="muted" data-testid="sim-elapsed">{format!("T+{}", elapsed(now - start))}</span>
                }
            </div>
            { playback_row(&store, lang) }
            <div class="advance-row">
                { for buttons }
                <JumpForm />
            </div>
            { step_view(store.playback.last_step, lang) }
        </div>
    }
}

/// Play/Pause, the speed, Step and how fast time really runs.
fn playback_row(store: &StoreHandle, lang: Lang) -> Html {
    let playback = &store.playback;
    let dispatch = |action: PlaybackAction| {
        let store = store.clone();
        move || store.dispatch(Action::Playback(action.clone()))
    };
    let toggle = dispatch(PlaybackAction::Toggle);
    let step = dispatch(PlaybackAction::Step);
    let on_speed = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            if let Ok(speed) = target_value(&e).parse::<f64>() {
                store.dispatch(Action::Playback(PlaybackAction::Speed(speed)));
            }
        })
    };
    let options = SPEEDS.iter().map(|&speed| {
        html! { <option value={speed.to_string()} selected={speed == playback.speed}>{times(speed)}</option> }
    });
    let (label, title) = if playback.playing {
        (
            format!("❚❚ {}", tr(lang, "Pause")),
            tr(lang, "Pause simulated time (Space)"),
        )
    } else {
        (
            format!("▶ {}", tr(lang, "Play")),
            tr(lang, "Let simulated time run at the chosen speed (Space)"),
        )
    };
    html! {
        <div class="playback-row" role="group" aria-label={tr(lang, "Playback")}>
            <button class={classes!("play", playback.playing.then_some("playing"))}
                data-testid="play-pause" aria-pressed={playback.playing.to_string()} {title}
                onclick={Callback::from(move |_: MouseEvent| toggle())}>{label}</button>
            <label class="speed">{tr(lang, "Speed")}{" "}
                <select data-testid="speed" onchange={on_speed}
                    title={tr(lang, "Simulated time per wall-clock second")}>{ for options }</select>
            </label>
            <button data-testid="step" onclick={Callback::from(move |_: MouseEvent| step())}
                title={tr(lang, "Pause and run exactly the next scheduled event (a message arriving or a background job). The command language has no equivalent: time advance moves by a duration.")}>
                {tr(lang, "Step")}</button>
            { rate_view(playback, lang) }
        </div>
    }
}

/// "Paused", "Playing at 100×", or — honestly — "Running at 43× of 100× asked".
fn rate_view(playback: &Playback, lang: Lang) -> Html {
    let asked = times(playback.speed);
    let (class, text) = match (playback.playing, playback.achieved) {
        (false, _) => ("muted", tr(lang, "Paused").to_string()),
        (true, Some(achieved)) if playback.is_behind() => (
            "behind",
            trf(
                lang,
                "Running at {} of {} asked",
                &[&times(round_speed(achieved)), &asked],
            ),
        ),
        (true, _) => ("ok", trf(lang, "Playing at {}", &[&asked])),
    };
    let achieved = playback
        .achieved
        .map(|a| format!("{a:.3}"))
        .unwrap_or_default();
    html! {
        <span class={classes!("playback-rate", class)} data-testid="playback-rate"
            data-playing={playback.playing.to_string()} data-achieved={achieved} role="status"
            title={tr(lang, "The engine gets at most 12 ms of each animation frame; when it needs more, simulated time falls behind instead of freezing the page")}>
            {text}
        </span>
    }
}

/// Where the last Step took the clock.
fn step_view(report: Option<StepReport>, lang: Lang) -> Html {
    match report {
        None => html! {},
        Some(StepReport::Ran { from_ms, to_ms }) => html! {
            <p class="step-report" data-testid="step-report" data-to-ms={to_ms.to_string()} role="status">
                {tr(lang, "Stepped to ")}<time datetime={iso(to_ms)}>{clock(to_ms)}</time>
                {format!(" (+{})", gap(to_ms - from_ms))}
            </p>
        },
        Some(StepReport::NothingDue) => html! {
            <p class="step-report" data-testid="step-report" role="status">
                {tr(lang, "Nothing is scheduled: no message in flight and no background job waiting.")}
            </p>
        },
    }
}

/// `0.1×`, `1×`, `1000×`.
fn times(speed: f64) -> String {
    format!("{speed}×")
}

/// An achieved speed as people read it: `0.43`, `4.3`, `43`.
fn round_speed(speed: f64) -> f64 {
    if speed >= 10.0 {
        speed.round()
    } else if speed >= 1.0 {
        (speed * 10.0).round() / 10.0
    } else {
        (speed * 100.0).round() / 100.0
    }
}

/// A step's jump: `0 ms`, `350 ms`, `2.5 s`, `3 min 10 s`.
fn gap(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        elapsed(ms)
    }
}
