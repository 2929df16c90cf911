//! The page: a header, the storage bar, the cluster panel, the lessons beside the terminal, the
//! topics beside the event log, the producers and consumer-groups panels, the network, metrics and config panels, and the partition and
//! files views, around the store's context. Until the saved cluster is loaded the page says "Loading…".

use super::cluster_panel::ClusterPanel;
use super::config_editor::ConfigEditor;
use super::display_prefs::{LanguageSwitch, ThemeSwitch};
use super::event_panel::EventPanel;
use super::files_panel::FilesPanel;
use super::groups_panel::GroupsPanel;
use super::lesson_panel::LessonPanel;
use super::metrics_panel::MetricsPanel;
use super::network_panel::NetworkPanel;
use super::partition_panel::PartitionPanel;
use super::producers_panel::ProducersPanel;
use super::session_notice::SessionNotice;
use super::share_panel::SharePanel;
use super::storage_bar::StorageBar;
use super::terminal::Terminal;
use super::timeline_panel::TimelinePanel;
use super::topic_form::TopicForm;
use super::topic_list::TopicList;
use super::workspace_storage::WorkspaceStorage;
use super::workspace_switcher::WorkspaceSwitcher;
use crate::i18n::tr;
use crate::storage::indexeddb::DEFAULT_WORKSPACE;
use crate::ui::hooks::persistence::use_persistence;
use crate::ui::hooks::playback::use_playback;
use crate::ui::hooks::session::use_session;
use crate::ui::hooks::slow_store::{use_slow_store_of, SlowStore};
use crate::ui::prefs::{self, PageLang};
use crate::ui::saving::StorageStatus;
use crate::ui::store::{Store, StoreHandle};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The workspace (one IndexedDB database) the page opens.
    #[prop_or(AttrValue::Static(DEFAULT_WORKSPACE))]
    pub workspace: AttrValue,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            workspace: AttrValue::Static(DEFAULT_WORKSPACE),
        }
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let store = use_reducer(Store::default);
    use_persistence(&store, &props.workspace);
    use_playback(&store, &props.workspace);
    use_session(&store, &props.workspace);
    // A performance mark the end-to-end suite reads as "time to first render".
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("kplay-first-render");
        }
    });
    let lang = use_state(prefs::initial_lang);
    let page_lang = PageLang {
        lang: *lang,
        set: Callback::from(move |next| {
            prefs::pick_lang(next);
            lang.set(next);
        }),
    };
    let lang = page_lang.lang;
    let slow_store = use_slow_store_of(&store);
    let loading = store.storage == StorageStatus::Loading;
    let playing = store.playback.playing.then_some("playing");
    html! {
        <ContextProvider<PageLang> context={page_lang}>
        <ContextProvider<StoreHandle> context={store}>
        <ContextProvider<SlowStore> context={slow_store}>
            <header class="app-header">
                <h1>{"Kafka Playground"}</h1>
                <p class="tagline">{tr(lang, "A Kafka 4.1 cluster (KRaft) running in your browser")}</p>
                <WorkspaceSwitcher workspace={props.workspace.clone()} />
                <ThemeSwitch />
                <LanguageSwitch />
            </header>
            <StorageBar workspace={props.workspace.clone()} />
            <WorkspaceStorage workspace={props.workspace.clone()} />
            <SessionNotice />
            if loading {
                <main class="layout"><p class="muted" data-testid="loading">{tr(lang, "Loading…")}</p></main>
            } else {
                <main class={classes!("layout", playing)}>
                    <ClusterPanel />
                    <TimelinePanel />
                    <LessonPanel />
                    <Terminal />
                    <section class="panel" aria-labelledby="topics-heading">
                        <h2 id="topics-heading">{tr(lang, "Topics")}</h2>
                        <TopicForm />
                        <TopicList />
                    </section>
                    <EventPanel />
                    <ProducersPanel />
                    <GroupsPanel />
                    <NetworkPanel />
                    <MetricsPanel />
                    <ConfigEditor />
                    <PartitionPanel />
                    <FilesPanel />
                    <SharePanel workspace={props.workspace.clone()} />
                </main>
            }
        </ContextProvider<SlowStore>>
        </ContextProvider<StoreHandle>>
        </ContextProvider<PageLang>>
    }
}
