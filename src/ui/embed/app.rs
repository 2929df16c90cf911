//! The embed's page: the store without the person's workspace — in memory ([`MemoryEmbed`]:
//! no IndexedDB, no Web Lock, no `localStorage`) or, with `persist=NAME`, in its own workspace
//! `embed-NAME` ([`PersistedEmbed`]) — and [`EmbedBody`]: the views asked for, the
//! parameters' problems, the scenario replayed, then autoplay, speed and the postMessage API.

use super::lesson::EmbedLesson;
use super::messages::use_embed_api;
use super::params::{EmbedConfig, EmbedView};
use crate::i18n::{tr, trf, Lang, Message};
use crate::ui::components::cluster_panel::ClusterPanel;
use crate::ui::components::config_editor::ConfigEditor;
use crate::ui::components::event_panel::EventPanel;
use crate::ui::components::files_panel::FilesPanel;
use crate::ui::components::groups_panel::GroupsPanel;
use crate::ui::components::metrics_panel::MetricsPanel;
use crate::ui::components::network_panel::NetworkPanel;
use crate::ui::components::partition_panel::PartitionPanel;
use crate::ui::components::producers_panel::ProducersPanel;
use crate::ui::components::terminal::Terminal;
use crate::ui::components::topic_form::TopicForm;
use crate::ui::components::topic_list::TopicList;
use crate::ui::hooks::persistence::use_persistence;
use crate::ui::playback::{PlaybackAction, FRAME_BUDGET_MS};
use crate::ui::prefs::{self, PageLang};
use crate::ui::saving::StorageStatus;
use crate::ui::session_clients::PartitionPick;
use crate::ui::store::{Action, Store, StoreHandle, ViewChange};
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedAppProps {
    pub config: Rc<EmbedConfig>,
    /// Why parameters were refused, shown at the top in the embed's language.
    pub problems: Rc<Vec<Message>>,
}

#[component]
pub fn EmbedApp(props: &EmbedAppProps) -> Html {
    // The embed's language: its `lang` parameter, else the person's pick; a switch inside the
    // embed lasts as long as the embed (nothing of the person's is written).
    let lang = use_state(prefs::initial_lang);
    let page_lang = PageLang {
        lang: *lang,
        set: Callback::from(move |next| {
            prefs::apply_lang(next);
            lang.set(next);
        }),
    };
    let body = match props.config.workspace() {
        Some(workspace) => html! {
            <PersistedEmbed config={props.config.clone()} problems={props.problems.clone()}
                workspace={AttrValue::from(workspace)} />
        },
        None => html! {
            <MemoryEmbed config={props.config.clone()} problems={props.problems.clone()} />
        },
    };
    html! { <ContextProvider<PageLang> context={page_lang}>{body}</ContextProvider<PageLang>> }
}

/// An embed in memory only: the store says so at once, so nothing is ever saved.
#[component]
fn MemoryEmbed(props: &EmbedAppProps) -> Html {
    let store = use_reducer(Store::default);
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            store.dispatch(Action::Loaded {
                cluster: None,
                status: StorageStatus::InMemory(Message::new("This embed runs in memory", &[])),
                notes: Vec::new(),
                report: None,
            });
        });
    }
    use_frames(&store);
    html! {
        <ContextProvider<StoreHandle> context={store}>
            <EmbedBody config={props.config.clone()} problems={props.problems.clone()} />
        </ContextProvider<StoreHandle>>
    }
}

#[derive(Properties, PartialEq)]
struct PersistedEmbedProps {
    config: Rc<EmbedConfig>,
    problems: Rc<Vec<Message>>,
    /// `embed-NAME`, never one of the person's own workspaces.
    workspace: AttrValue,
}

/// An embed asked to keep its cluster (`persist=NAME`): its own workspace, saved as the page's.
#[component]
fn PersistedEmbed(props: &PersistedEmbedProps) -> Html {
    let store = use_reducer(Store::default);
    use_persistence(&store, &props.workspace);
    use_frames(&store);
    html! {
        <ContextProvider<StoreHandle> context={store}>
            <EmbedBody config={props.config.clone()} problems={props.problems.clone()} />
        </ContextProvider<StoreHandle>>
    }
}

/// How far the embed has come: loading, replaying its scenario, ready.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Loading,
    Replaying,
    Ready,
}

#[component]
fn EmbedBody(props: &EmbedAppProps) -> Html {
    let lang = prefs::use_lang();
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let stage = use_state(|| Stage::Loading);
    {
        let (store, stage, config) = (store.clone(), stage.clone(), props.config.clone());
        let deps = (store.version, *stage);
        use_effect_with(deps, move |_| advance(&store, &stage, &config));
    }
    use_replay_frames(&store);
    use_embed_api(&store, props.config.origin.clone(), *stage == Stage::Ready);
    let loading = store.storage == StorageStatus::Loading;
    use_effect_with(loading, |&loading| {
        // Read by the end-to-end suite as the embed's first render (docs/PERFORMANCE.md).
        if !loading {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("kplay-embed-first-render");
            }
        }
    });
    let config = &props.config;
    let views = config.shown_views();
    html! {
        <div class="embed" data-testid="embed" data-ready={(*stage == Stage::Ready).to_string()}
            data-storage={storage_word(&store.storage)}>
            { header(lang, config, &store) }
            if let (Some(workspace), "other") = (config.workspace(), storage_word(&store.storage)) {
                <p class="embed-problems" role="status" data-testid="embed-storage">
                    {store.storage.describe(&workspace, lang)}</p>
            }
            if !props.problems.is_empty() {
                <div class="embed-problems" role="alert" data-testid="embed-problems">
                    <ul>{ for props.problems.iter().map(|p| html! { <li>{p.text(lang)}</li> }) }</ul>
                </div>
            }
            if let Some(replaying) = &store.replaying {
                <p class="muted" role="status" data-testid="replay-progress">
                    {trf(lang, "Replaying the scenario: step {} of {}…",
                        &[&replaying.job.progress().0, &replaying.job.progress().1])}
                </p>
            }
            if loading {
                <p class="muted" data-testid="loading">{tr(lang, "Loading…")}</p>
            } else {
                <main class={classes!("layout", "embed-layout", views.contains(&EmbedView::Lesson).then_some("with-lesson"),
                    store.playback.playing.then_some("playing"))}>
                    { for views.iter().map(|view| view_html(view, config, lang)) }
                </main>
            }
        </div>
    }
}

/// The slim band at the top: the name, "in memory" when nothing is saved, and the way out to
/// the full playground.
fn header(lang: Lang, config: &EmbedConfig, store: &StoreHandle) -> Html {
    html! {
        <header class="embed-header">
            <strong>{"Kafka Playground"}</strong>
            <span class="muted embed-tagline">{tr(lang, " · a Kafka 4.1 cluster (KRaft) in your browser")}</span>
            if config.persist.is_none() {
                <span class="muted embed-memory" data-testid="embed-memory"
                    title={tr(lang, "Nothing is saved: reloading starts over")}>{tr(lang, " · in memory")}</span>
            }
            <button class="embed-open" data-testid="embed-open" onclick={open_full(store)}
                title={tr(lang, "Open this scenario in the full playground, in a new tab (it asks before opening it in a new workspace)")}>
                {tr(lang, "Open in the playground ↗")}</button>
        </header>
    }
}

/// Opens the session so far as a share link of the full page, in a new tab. (Made on click:
/// deflating the scenario on every render would cost each playback frame.)
fn open_full(store: &StoreHandle) -> Callback<MouseEvent> {
    let store = store.clone();
    Callback::from(move |_: MouseEvent| {
        let fragment = crate::scenario::link::to_fragment(&store.shared_scenario());
        let Some(window) = web_sys::window() else {
            return;
        };
        let url = crate::ui::share::browser::link(&fragment);
        let _ = window.open_with_url_and_target_and_features(&url, "_blank", "noopener");
    })
}

/// Where the embed's cluster is, for tests and styles: `memory`, `saved`, `saving`, `loading`,
/// or `other` (a persisted embed's workspace is open elsewhere, or cannot be written).
fn storage_word(status: &StorageStatus) -> &'static str {
    match status {
        StorageStatus::InMemory(_) => "memory",
        StorageStatus::Saved => "saved",
        StorageStatus::Saving => "saving",
        StorageStatus::Loading => "loading",
        _ => "other",
    }
}

/// One view's panel.
fn view_html(view: &EmbedView, config: &EmbedConfig, lang: Lang) -> Html {
    match view {
        EmbedView::Cluster => html! { <ClusterPanel /> },
        EmbedView::Topics => html! {
            <section class="panel" aria-labelledby="topics-heading">
                <h2 id="topics-heading">{tr(lang, "Topics")}</h2>
                <TopicForm />
                <TopicList />
            </section>
        },
        EmbedView::Terminal => html! { <Terminal /> },
        EmbedView::Lesson => html! {
            <EmbedLesson lesson={config.lesson.clone().map(AttrValue::from)} />
        },
        EmbedView::Events => html! { <EventPanel /> },
        EmbedView::Producers => html! { <ProducersPanel /> },
        EmbedView::Groups => html! { <GroupsPanel /> },
        EmbedView::Network => html! { <NetworkPanel /> },
        EmbedView::Metrics => html! { <MetricsPanel /> },
        EmbedView::Config => html! { <ConfigEditor /> },
        EmbedView::Partition(_) => html! { <PartitionPanel /> },
        EmbedView::Files(_) => html! { <FilesPanel /> },
    }
}

/// Loading → (the scenario replayed) → ready: the views asked for open, then speed and autoplay.
fn advance(store: &StoreHandle, stage: &UseStateHandle<Stage>, config: &EmbedConfig) {
    match **stage {
        Stage::Loading if store.storage != StorageStatus::Loading => {
            // A persisted embed that already holds a session keeps it; a fresh one opens the scenario.
            let fresh = store.scenario.actions() == 0
                && store.cluster().topics().all(|t| t.name.starts_with("__"));
            if let (Some(scenario), true) = (&config.scenario, fresh) {
                store.dispatch(Action::OpenScenario(scenario.clone()));
            }
            stage.set(Stage::Replaying);
        }
        Stage::Replaying if store.replaying.is_none() => {
            for view in &config.views {
                if let Some(change) = view_change(view) {
                    store.dispatch(Action::View(change));
                }
            }
            if let Some(speed) = config.speed {
                store.dispatch(Action::Playback(PlaybackAction::Speed(speed)));
            }
            if config.autoplay {
                store.dispatch(Action::Playback(PlaybackAction::Play));
            }
            stage.set(Stage::Ready);
        }
        _ => {}
    }
}

fn view_change(view: &EmbedView) -> Option<ViewChange> {
    match view {
        EmbedView::Partition(Some((topic, partition))) => {
            Some(ViewChange::Partition(PartitionPick {
                topic: topic.clone(),
                partition: *partition,
                replica: None,
            }))
        }
        EmbedView::Files(node) => Some(ViewChange::Files(Some(node.unwrap_or(1)))),
        _ => None,
    }
}

/// An opened scenario replays a slice per animation frame, so the embed keeps drawing.
#[hook]
fn use_replay_frames(store: &StoreHandle) {
    let replaying = store.replaying.is_some();
    let store = store.clone();
    use_effect_with((replaying, store.version), move |(replaying, _)| {
        let frame = (*replaying)
            .then(|| request_animation_frame(move |_| store.dispatch(Action::ReplayChunk)));
        move || drop(frame)
    });
}

/// The frame loop of `hooks::playback` without what it keeps in `localStorage`: while playing,
/// every animation frame dispatches [`PlaybackAction::Frame`] with the wall time since the last.
#[hook]
fn use_frames(store: &StoreHandle) {
    let playing = store.playback.playing;
    let dispatcher = store.dispatcher();
    use_effect_with(playing, move |&playing| {
        let running = playing.then(|| {
            let state = Rc::new(Frames::default());
            next_frame(&state, dispatcher);
            state
        });
        // Cancelling the pending frame drops its callback, which breaks the loop's `Rc` cycle.
        move || {
            if let Some(state) = running {
                state.next.borrow_mut().take();
            }
        }
    });
}

#[derive(Default)]
struct Frames {
    next: RefCell<Option<AnimationFrame>>,
    last_ms: Cell<Option<f64>>,
}

fn next_frame(state: &Rc<Frames>, dispatcher: UseReducerDispatcher<Store>) {
    let again = state.clone();
    let frame = request_animation_frame(move |timestamp_ms| {
        // A hidden embed (scrolled away in a hidden tab) does not step, nor catch up after.
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        let last = again.last_ms.replace((!hidden).then_some(timestamp_ms));
        if let (Some(last), false) = (last, hidden) {
            dispatcher.dispatch(Action::Playback(PlaybackAction::Frame {
                wall_ms: timestamp_ms - last,
                budget_ms: FRAME_BUDGET_MS,
            }));
        }
        if again.next.borrow().is_some() {
            next_frame(&again, dispatcher);
        }
    });
    *state.next.borrow_mut() = Some(frame);
}
