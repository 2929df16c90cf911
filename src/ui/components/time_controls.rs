//! The simulated clock and the buttons that move it on (`time advance 1s|10s|1m`): what falls
//! due on the way — heartbeats, session timeouts, elections, replication — runs at its own time.

use crate::engine::log::meta_properties::civil_from_days;
use crate::ui::store::{Action, StoreHandle};
use yew::prelude::*;

/// The buttons: label, milliseconds, test id.
const STEPS: [(&str, i64, &str); 3] = [
    ("+1 s", 1_000, "advance-1s"),
    ("+10 s", 10_000, "advance-10s"),
    ("+1 min", 60_000, "advance-1m"),
];

#[component]
pub fn TimeControls() -> Html {
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let now = store.cluster.now().as_millis();
    let start = store.cluster.options().start_time.as_millis();
    let buttons = STEPS.iter().map(|&(label, ms, testid)| {
        let store = store.clone();
        let onclick = Callback::from(move |_: MouseEvent| store.dispatch(Action::AdvanceTime(ms)));
        html! {
            <button {onclick} data-testid={testid}
                title={format!("time advance {}", &label[1..].replace(' ', ""))}>{label}</button>
        }
    });
    html! {
        <div class="time-controls" role="group" aria-label="Simulated time">
            <span class="muted">{"Simulated time"}</span>
            <time data-testid="sim-clock" data-ms={now.to_string()} datetime={iso(now)}>{clock(now)}</time>
            if now >= start {
                <span class="muted" data-testid="sim-elapsed">{format!("T+{}", elapsed(now - start))}</span>
            }
            { for buttons }
        </div>
    }
}

/// `2025-01-01 00:00:10.000 UTC`.
fn clock(ms: i64) -> String {
    let (date, time, millis) = parts(ms);
    format!("{date} {time}.{millis:03} UTC")
}

/// `2025-01-01T00:00:10.000Z`, for `<time datetime>`.
fn iso(ms: i64) -> String {
    let (date, time, millis) = parts(ms);
    format!("{date}T{time}.{millis:03}Z")
}

fn parts(ms: i64) -> (String, String, i64) {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60
        ),
        in_day % 1000,
    )
}

/// Time since the cluster's start: `9.5 s`, `2 min 10 s`, `3 h 0 min`.
fn elapsed(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < 60 {
        let tenths = ms % 1000 / 100;
        return if tenths == 0 {
            format!("{seconds} s")
        } else {
            format!("{seconds}.{tenths} s")
        };
    }
    if seconds < 3600 {
        return format!("{} min {} s", seconds / 60, seconds % 60);
    }
    format!("{} h {} min", seconds / 3600, seconds / 60 % 60)
}
