//! The web app (wasm32 only): Yew function components around one reducer store.
//!
//! The [`store`] holds the engine's [`Cluster`](crate::engine::Cluster) and is shared through a
//! context; components read it and dispatch [`store::Action`]s; nothing else changes the cluster.
//! Browser handles never enter the store: the IndexedDB workspace and the tab's Web Lock live in
//! [`hooks::persistence`], which loads the cluster at start and writes it behind.

pub mod cluster_cell;
pub mod components;
pub mod config_table;
pub mod download;
pub mod embed;
pub mod event_log;
pub mod faults;
pub mod files_view;
pub mod form;
pub mod format;
pub mod hooks;
pub mod markdown;
pub mod metrics;
pub mod network_view;
pub mod partition_view;
pub mod playback;
pub mod prefs;
pub mod produce;
pub mod producers;
pub mod replica_view;
pub mod restart_report;
pub mod saving;
pub mod session_clients;
pub mod share;
pub mod store;
pub mod take_over;
pub mod terminal;
pub mod timeline;
pub mod web_lock;
pub mod workspaces;

use components::app::App;

/// Mounts the app on the page's `<body>`, on the workspace the URL or the last visit names
/// (`workspaces::initial_workspace`), once workspaces deleted while open are gone.
pub fn run() {
    // The theme before the first paint, so a dark page does not flash light.
    prefs::apply(prefs::initial_theme());
    prefs::apply_lang(prefs::initial_lang());
    // An embed (`?embed=1`) opens no workspace of the person's: see `embed`.
    if embed::is_embed_page() {
        return embed::run();
    }
    let workspace = workspaces::initial_workspace();
    wasm_bindgen_futures::spawn_local(async move {
        workspaces::delete_pending().await;
        let props = components::app::AppProps {
            workspace: workspace.into(),
        };
        yew::Renderer::<App>::with_props(props).render();
    });
}
