//! The browser's side of sharing: the page URL's `#s=…` fragment, handing a scenario over to a
//! new workspace (opened by a page load, `ui::workspaces::open`, that takes the scenario from
//! `sessionStorage` and replays it), and downloads.
//!
//! A scenario never replaces the open workspace: opening a link or a file always makes a new
//! workspace, after the person said yes.

use crate::i18n::{trf, Lang};
use crate::scenario::Scenario;
use crate::ui::workspaces;
use gloo::storage::{SessionStorage, Storage};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// `sessionStorage` key of a scenario waiting for its workspace's page: `[workspace, text]`.
const PENDING_KEY: &str = "kplay-open-scenario";

fn location() -> Option<JsValue> {
    Reflect::get(&web_sys::window()?.into(), &"location".into()).ok()
}

fn location_part(part: &str) -> Option<String> {
    Reflect::get(&location()?, &part.into()).ok()?.as_string()
}

/// The page URL's fragment without its `#` (empty when there is none).
pub fn fragment() -> String {
    location_part("hash")
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Takes the fragment off the page's URL (the history entry is replaced, not added), so a
/// reload does not ask again.
pub fn clear_fragment() {
    let (Some(window), Some(path), Some(search)) = (
        web_sys::window(),
        location_part("pathname"),
        location_part("search"),
    ) else {
        return;
    };
    let Ok(history) = Reflect::get(&window, &"history".into()) else {
        return;
    };
    let Ok(replace) = Reflect::get(&history, &"replaceState".into()) else {
        return;
    };
    if let Ok(replace) = replace.dyn_into::<js_sys::Function>() {
        let url = JsValue::from(format!("{path}{search}"));
        let _ = replace.call3(&history, &JsValue::NULL, &"".into(), &url);
    }
}

/// The whole link of a fragment: this page (without its query: the link opens in whoever's
/// workspaces) and `#` the fragment.
pub fn link(fragment: &str) -> String {
    let origin = location_part("origin").unwrap_or_default();
    let path = location_part("pathname").unwrap_or_default();
    format!("{origin}{path}#{fragment}")
}

/// A free workspace name for an opened scenario: `shared-1`, `shared-2`, …
fn free_name(existing: &[String]) -> String {
    (1..)
        .map(|n| format!("shared-{n}"))
        .find(|name| !existing.contains(name))
        .unwrap_or_else(|| "shared".to_string())
}

/// Opens a new, empty workspace for `scenario` (a page load; opening a name creates its
/// workspace); that page replays the scenario into it. `workspaces::create` is not used: the
/// cluster it would write is replaced at once by the replay's (which keeps the scenario's seed,
/// brokers and start time), and writing it cost the opening a few hundred milliseconds.
pub async fn open_in_new_workspace(
    lang: Lang,
    current: &str,
    scenario: &Scenario,
) -> Result<(), String> {
    let existing = workspaces::list(current).await;
    let name = free_name(&existing);
    crate::storage::registry::validate_new_name(&name, &existing).map_err(|why| why.text(lang))?;
    SessionStorage::set(PENDING_KEY, (name.clone(), scenario.to_kplay())).map_err(|e| {
        trf(
            lang,
            "Cannot hand the scenario to the new workspace: {}",
            &[&e],
        )
    })?;
    workspaces::open(&name);
    Ok(())
}

/// The scenario handed to `workspace`'s page, if any (taken: a reload does not replay it again).
pub fn take_pending(workspace: &str) -> Option<String> {
    let (name, text) = SessionStorage::get::<(String, String)>(PENDING_KEY).ok()?;
    if name != workspace {
        return None;
    }
    SessionStorage::delete(PENDING_KEY);
    Some(text)
}

/// Hands `text` to the browser to download as `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    crate::ui::download::download(name, mime, text.as_bytes())
}

/// Copies `text` to the clipboard, where the browser allows it (errors are ignored: the link is
/// also shown to select and copy).
pub fn copy_to_clipboard(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = Reflect::get(&window.navigator(), &"clipboard".into());
    let Ok(clipboard) = clipboard else {
        return;
    };
    if let Ok(write) = Reflect::get(&clipboard, &"writeText".into()) {
        if let Ok(write) = write.dyn_into::<js_sys::Function>() {
            let _ = write.call1(&clipboard, &text.into());
        }
    }
}
