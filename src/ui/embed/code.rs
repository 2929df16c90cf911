//! "Copy embed code" in the Share panel: the `<iframe>` snippet and the loader snippet
//! (`embed.js` and `<kafka-playground>`) for this session's scenario and the views open now,
//! with the page's `theme` and `lang` parameters passed on unchanged.

use super::params::{decode, EmbedView};
use super::snippet::{SnippetInput, DEFAULT_HEIGHT};
use crate::i18n::{tr, Lang};
use crate::scenario::link::{to_fragment, FRAGMENT_KEY, MAX_FRAGMENT_CHARS};
use crate::ui::prefs::use_lang;
use crate::ui::share::browser::copy_to_clipboard;
use crate::ui::store::StoreHandle;
use js_sys::Reflect;
use yew::prelude::*;

/// The two snippets, or why there are none.
type Snippets = Result<(String, String), String>;

#[component]
pub fn EmbedCode() -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let shown = use_state(|| None::<Snippets>);
    let Some(store) = store else {
        return html! {};
    };
    let on_make = {
        let (store, shown) = (store.clone(), shown.clone());
        Callback::from(move |_: MouseEvent| {
            let snippets = make(lang, &store);
            if let Ok((iframe, _)) = &snippets {
                copy_to_clipboard(iframe);
            }
            shown.set(Some(snippets));
        })
    };
    html! {
        <div class="embed-code" data-testid="embed-code">
            <button data-testid="embed-code-button" onclick={on_make}
                title={tr(lang, "HTML that shows this scenario in another page")}>{tr(lang, "Copy embed code")}</button>
            { match (*shown).clone() {
                None => html! {},
                Some(Err(message)) => html! {
                    <p class="share-error" role="alert" data-testid="embed-code-refused">{message}</p>
                },
                Some(Ok((iframe, loader))) => html! {
                    <>
                        { snippet_box(lang, tr(lang, "An iframe (copied)"), "embed-iframe", iframe) }
                        { snippet_box(lang, tr(lang, "Or the loader and its element"), "embed-loader", loader) }
                    </>
                },
            } }
        </div>
    }
}

fn snippet_box(lang: Lang, label: &'static str, testid: &'static str, text: String) -> Html {
    let copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| copy_to_clipboard(&text))
    };
    html! {
        <label class="embed-snippet">
            <span>{label}</span>
            <textarea readonly=true rows="3" value={text} data-testid={testid} />
            <button onclick={copy} data-testid={format!("{testid}-copy")}>{tr(lang, "Copy")}</button>
        </label>
    }
}

/// The snippets for the session as it is now.
fn make(lang: Lang, store: &StoreHandle) -> Snippets {
    if store.scenario.incomplete() || store.scenario.overflowed() {
        return Err(tr(
            lang,
            "This session cannot be shared (see Share link): there is no scenario to embed.",
        )
        .to_string());
    }
    let fragment = to_fragment(&store.shared_scenario());
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(tr(
            lang,
            "This session is too long to embed. Export it as a .kplay file instead.",
        )
        .to_string());
    }
    let mut views = vec![EmbedView::Cluster];
    if let Some(pick) = &store.session.partition {
        views.push(EmbedView::Partition(Some((
            pick.topic.clone(),
            pick.partition,
        ))));
    }
    if let Some(node) = store.session.files {
        views.push(EmbedView::Files(Some(node)));
    }
    views.push(EmbedView::Terminal);
    let input = SnippetInput {
        base: page_base(),
        scenario: fragment.strip_prefix(FRAGMENT_KEY).map(str::to_string),
        views,
        theme: page_param("theme"),
        lang: page_param("lang"),
        height: DEFAULT_HEIGHT,
    };
    Ok((input.iframe(), input.loader()))
}

fn location_part(part: &str) -> Option<String> {
    let location = Reflect::get(&web_sys::window()?.into(), &"location".into()).ok()?;
    Reflect::get(&location, &part.into()).ok()?.as_string()
}

/// This page without its query or fragment.
fn page_base() -> String {
    let origin = location_part("origin").unwrap_or_default();
    let path = location_part("pathname").unwrap_or_else(|| "/".to_string());
    format!("{origin}{path}")
}

/// A parameter of this page's URL, as given (for `theme` and `lang`, passed on unchanged).
fn page_param(key: &str) -> Option<String> {
    let search = location_part("search")?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let value = pair.strip_prefix(key)?.strip_prefix('=')?;
        decode(value).filter(|v| v.len() <= super::params::MAX_VALUE_CHARS)
    })
}
