//! The event log: the cluster's last trace lines (docs/TRACE.md), newest first — leader
//! changes, ISR changes, fencing, high watermarks — as `kplay --trace` writes them.

use crate::i18n::{tr, trf};
use crate::ui::event_log::EVENT_LOG_CAPACITY;
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::prefs::use_lang;
use yew::prelude::*;

#[component]
pub fn EventPanel() -> Html {
    let lang = use_lang();
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let log = &store.events;
    let lines = log
        .lines()
        .rev()
        .map(|line| html! { <li><code>{line.clone()}</code></li> });
    html! {
        <section class="panel events-panel" aria-labelledby="events-heading">
            <h2 id="events-heading">{tr(lang, "Events")}</h2>
            <p class="muted">
                {trf(lang, "The last {} trace lines, newest first ({} in all): ", &[&EVENT_LOG_CAPACITY, &log.total()])}
                <code>{"AT_MS NODE SUBJECT WHAT [DETAIL] [(REASON)]"}</code>
            </p>
            if log.total() == 0 {
                <p class="muted" data-testid="no-events">{tr(lang, "Nothing has happened yet.")}</p>
            } else {
                <ol class="event-log" data-testid="event-log" aria-live="polite">{ for lines }</ol>
            }
        </section>
    }
}
