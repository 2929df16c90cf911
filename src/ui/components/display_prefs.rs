//! The header's display pickers: the theme (the system's, light or dark) and the language
//! (English or Korean). `ui::prefs` keeps the picks and shows them on the page.

use crate::i18n::{tr, Lang};
use crate::ui::prefs::{self, PageLang, ThemeChoice};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[component]
pub fn ThemeSwitch() -> Html {
    let lang = prefs::use_lang();
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
        <label class="header-pick">
            <select data-testid="theme-select" onchange={on_change} aria-label={tr(lang, "Theme")}>
                { for ThemeChoice::ALL.into_iter().map(|c| html! {
                    <option value={c.code()} selected={c == *choice}>{tr(lang, c.label())}</option>
                }) }
            </select>
        </label>
    }
}

/// The page's language; each language is named in itself.
#[component]
pub fn LanguageSwitch() -> Html {
    let Some(page) = use_context::<PageLang>() else {
        return html! {};
    };
    let on_change = {
        let set = page.set.clone();
        Callback::from(move |e: Event| {
            let code = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(next) = Lang::from_code(&code) {
                set.emit(next);
            }
        })
    };
    let option = |lang: Lang, name: &'static str| {
        html! { <option value={lang.code()} lang={lang.code()} selected={lang == page.lang}>{name}</option> }
    };
    html! {
        <label class="header-pick">
            <select data-testid="lang-select" onchange={on_change} aria-label={tr(page.lang, "Language")}>
                { option(Lang::En, "English") }{ option(Lang::Ko, "한국어") }
            </select>
        </label>
    }
}
