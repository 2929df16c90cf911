//! Embed mode (issue #12 item 4): the playground inside someone else's page, in an `<iframe>`
//! of `index.html?embed=1&…` (the same build as the full page; `www/embed.js` makes the iframe
//! for a `<kafka-playground>` element). Minimal chrome: no workspace switcher, no storage
//! banners, only the views the parameters ask for.
//!
//! - [`params`]: the URL parameters, read as untrusted text (bounded, every problem a sentence).
//! - [`app`]: the embed's components; it runs in memory unless `persist=NAME` gives it its own
//!   workspace `embed-NAME` — never the person's workspaces, never the last-workspace memory.
//! - [`messages`]: the postMessage API (ready, state, run) and its origin rule.
//! - [`lesson`]: one lesson without the lessons panel's `localStorage`.
//! - [`snippet`] and [`code`]: "Copy embed code" in the Share panel.

pub mod app;
pub mod code;
pub mod lesson;
pub mod messages;
pub mod params;
pub mod snippet;

use std::rc::Rc;

/// The page's query string (`location.search`), or empty.
pub fn search() -> String {
    let part = || {
        let location = js_sys::Reflect::get(&web_sys::window()?.into(), &"location".into()).ok()?;
        js_sys::Reflect::get(&location, &"search".into())
            .ok()?
            .as_string()
    };
    part().unwrap_or_default()
}

/// Whether this page load is an embed (`?embed=1`).
pub fn is_embed_page() -> bool {
    params::is_embed(&search())
}

/// Mounts the embed on `<body>`: no workspace is chosen, remembered or cleaned up here.
pub fn run() {
    let (config, problems) = params::parse(&search());
    let props = app::EmbedAppProps {
        config: Rc::new(config),
        problems: Rc::new(problems),
    };
    yew::Renderer::<app::EmbedApp>::with_props(props).render();
}
