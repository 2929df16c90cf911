//! The person's display preferences: the colour theme and the language. A pick is kept in
//! `localStorage`; a `theme` or `lang` URL parameter (a shared page's or an embed's) wins for
//! that page without being kept. The page shows the theme as `<html data-theme="light|dark">`,
//! which `www/style.css` reads ("system" follows `prefers-color-scheme` when the page opens),
//! and the language as `<html lang>`; components read the language from the [`PageLang`]
//! context and write their words through `crate::i18n`.

use crate::i18n::Lang;
use gloo::storage::{LocalStorage, Storage};
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// `localStorage` key of the theme picked.
const THEME_KEY: &str = "kplay.theme";
/// `localStorage` key of the language picked (the lessons kept it under the older key).
const LANG_KEY: &str = "kplay.lang";
const OLD_LANG_KEY: &str = "kplay.lesson.lang";

/// The page's language and how to change it, given to every component by the app.
#[derive(Clone, PartialEq)]
pub struct PageLang {
    pub lang: Lang,
    pub set: Callback<Lang>,
}

/// The page's language (English outside the app's context, as in component tests).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<PageLang>().map_or(Lang::En, |page| page.lang)
}

/// The language this page starts with: the URL's `lang`, else the kept pick, else English.
pub fn initial_lang() -> Lang {
    let kept = || {
        [LANG_KEY, OLD_LANG_KEY]
            .into_iter()
            .find_map(|key| Lang::from_code(&LocalStorage::get::<String>(key).ok()?))
    };
    url_param("lang")
        .and_then(|code| Lang::from_code(&code))
        .or_else(kept)
        .unwrap_or_default()
}

/// Shows `lang` on the page and keeps it, unless the URL chose the page's language.
pub fn pick_lang(lang: Lang) {
    if url_param("lang")
        .and_then(|c| Lang::from_code(&c))
        .is_none()
    {
        let _ = LocalStorage::set(LANG_KEY, lang.code());
    }
    apply_lang(lang);
}

/// `<html lang>`: screen readers and fonts follow it.
pub fn apply_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// What the person picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn code(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "System theme",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// A code as [`ThemeChoice::code`] writes it; anything else is `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The theme the page shows for this choice: the system's preference decides "system".
    pub fn resolve(self, system_prefers_dark: bool) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
            ThemeChoice::System if system_prefers_dark => "dark",
            ThemeChoice::System => "light",
        }
    }
}

/// The value of `name` in a URL's query (`?a=1&theme=dark`), if present. Values are compared as
/// they are (no percent-decoding: the parameters read here are plain words).
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// The theme this page starts with: the URL's `theme`, else the kept pick, else the system's.
pub fn initial_theme() -> ThemeChoice {
    from_url().or_else(kept).unwrap_or_default()
}

/// Whether the URL names the theme (then a pick is not kept: the page was asked for it).
pub fn theme_from_url() -> bool {
    from_url().is_some()
}

fn from_url() -> Option<ThemeChoice> {
    ThemeChoice::from_code(&url_param("theme")?)
}

/// A parameter of this page's URL.
fn url_param(name: &str) -> Option<String> {
    let search = Reflect::get(&web_sys::window()?.location(), &"search".into())
        .ok()?
        .as_string()?;
    query_param(&search, name)
}

fn kept() -> Option<ThemeChoice> {
    ThemeChoice::from_code(&LocalStorage::get::<String>(THEME_KEY).ok()?)
}

/// Keeps the pick for the next visit (private browsing may refuse; then it is not kept).
pub fn keep(choice: ThemeChoice) {
    let _ = LocalStorage::set(THEME_KEY, choice.code());
}

/// Shows `choice` on the page.
pub fn apply(choice: ThemeChoice) {
    let theme = choice.resolve(system_prefers_dark());
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// `matchMedia('(prefers-color-scheme: dark)').matches`.
fn system_prefers_dark() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let window: JsValue = window.into();
    let Some(match_media) = Reflect::get(&window, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    match_media
        .call1(&window, &"(prefers-color-scheme: dark)".into())
        .ok()
        .and_then(|list| Reflect::get(&list, &"matches".into()).ok())
        .and_then(|m| m.as_bool())
        .unwrap_or(false)
}
