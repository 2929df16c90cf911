//! The header's theme picker: the system's theme, light or dark (`ui::prefs` keeps the pick and
//! shows it on the page).

use crate::ui::prefs::{self, ThemeChoice};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[component]
pub fn ThemeSwitch() -> Html {
    let choice = use_state(prefs::initial_theme);
    let on_change = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            let code = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(next) = ThemeChoice::from_code(&code) {
                // A page opened with `?theme=` (an embed, a shared link) keeps the person's own
                // pick for their other pages untouched.
                if !prefs::theme_from_url() {
                    prefs::keep(next);
                }
                prefs::apply(next);
                choice.set(next);
            }
        })
    };
    html! {
        <label class="theme-switch">
            <span class="visually-hidden">{"Theme"}</span>
            <select data-testid="theme-select" onchange={on_change} aria-label="Theme">
                { for ThemeChoice::ALL.into_iter().map(|c| html! {
                    <option value={c.code()} selected={c == *choice}>{c.label()}</option>
                }) }
            </select>
        </label>
    }
}
