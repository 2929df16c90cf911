//! "Jump by": moves simulated time on by any duration the command language takes (`500ms`,
//! `10s`, `15m`, `2h`, `7d`). It runs `time advance DURATION` through the terminal, so the
//! terminal shows the command, and the form shows that command while it is typed.

use crate::cli::parse_duration_ms;
use crate::i18n::tr;
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::session::CommandRequest;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn JumpForm() -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let text = use_state(String::new);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let duration = text.trim().to_string();
    let valid = parse_duration_ms(&duration).is_some();
    let command = format!("time advance {duration}");
    let on_submit = {
        let (store, command) = (store.clone(), command.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(store), true) = (&store, valid) {
                store.dispatch(Action::RunCommand(CommandRequest::typed(&command)));
            }
        })
    };
    let error = (!duration.is_empty() && !valid).then(|| {
        // The words `time advance` answers a bad duration with (`cli::run_time`).
        format!(
            "time: invalid duration '{duration}' (use a number with ms, s, m, h or d, e.g. 500ms, 10s, 15m, 2h, 7d)"
        )
    });
    html! {
        <form class="jump-form" onsubmit={on_submit} aria-label={tr(lang, "Jump by a duration")}>
            <label>{tr(lang, "Jump by ")}
                <input data-testid="jump-by" value={(*text).clone()} oninput={on_input}
                    placeholder="10s" size="6" autocomplete="off" spellcheck="false"
                    aria-invalid={error.is_some().to_string()}
                    aria-describedby="jump-command" />
            </label>
            <button type="submit" data-testid="jump" disabled={!valid}
                title={if valid { command.clone() } else { "time advance DURATION".to_string() }}>
                {tr(lang, "Jump")}</button>
            <code id="jump-command" class="command-preview" data-testid="jump-command">
                { if valid { command } else { "time advance DURATION".to_string() } }
            </code>
            if let Some(error) = error {
                <span class="jump-error" role="alert" data-testid="jump-error">{error}</span>
            }
        </form>
    }
}
