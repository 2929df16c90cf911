//! The cluster kept in IndexedDB: loaded when the page starts, written behind as it changes.
//!
//! - **Load**: take the workspace's Web Lock (a second tab gets none and only reads), open the
//!   workspace's database, read every file and restart the cluster from them
//!   ([`restore_workspace`], the same restart as `kplay --data-dir`), then [`Action::Loaded`].
//! - **Write-behind**: [`DEBOUNCE_MS`] after the cluster last changed — or, while it keeps
//!   changing (playback changes it every animation frame), [`MAX_WAIT_MS`] after the first change
//!   not yet saved — and at once when the page is hidden (`visibilitychange`),
//!   [`Action::Persist`] moves the dirty files into the outbox; the writer sends the outbox to
//!   IndexedDB, one batch at a time, and reports [`Action::Saved`] or [`Action::SaveFailed`]. The engine never waits for it.
//! - **Leaving** (`pagehide`): a clean shutdown's flush ([`Action::CleanShutdown`]), then
//!   everything not known to be saved written in that same task as whole files, in one
//!   transaction that reads nothing ([`write_before_leaving`]): the page gets no later task.
//! - **Take-over** (`ui::take_over`): when another tab asks for the workspace, the owner
//!   pauses playback, flushes with a clean shutdown's markers ([`Action::CleanShutdown`], as on
//!   `pagehide`, so the taking tab restarts without recovery), waits until the outbox is
//!   written, releases its Web Lock, closes the database, reports [`Action::TakenOver`]
//!   (read-only from then on) and tells the other tab. If that save fails the owner keeps the
//!   workspace and its changes, and answers with the reason ([`take_over::REFUSED`]).
//! - **Take-over by force**: a page loaded to take the workspace by force (`take_over::steal_asked`)
//!   steals the Web Lock and rewrites the workspace whole after loading it
//!   ([`Action::RewriteAll`]); a tab whose lock is stolen stops writing at once and says what it
//!   had not saved.

use crate::engine::persist::workspace::{restore_workspace, workspace_file};
use crate::engine::ClusterOptions;
use crate::i18n::Message;
use crate::storage::indexeddb::{database_name, Leaving, Workspace};
use crate::storage::whole_files;
use crate::storage::StorageError;
use crate::ui::playback::PlaybackAction;
use crate::ui::restart_report::RestartReport;
use crate::ui::saving::{refusing, without_refusal, SaveBatch, StorageStatus};
use crate::ui::store::{Action, StoreHandle};
use crate::ui::take_over::{self, Channel};
use crate::ui::web_lock::{self, OnLost, Release};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// How long the cluster must be still before its changes are written.
pub const DEBOUNCE_MS: u32 = 150;

/// The longest a change waits for the cluster to be still: while playing it never is, and the
/// changes are then written at most this often (wall time).
pub const MAX_WAIT_MS: f64 = 2_000.0;

/// The open workspace, when this tab writes to it; taken out while a write is under way.
type Handle = Rc<RefCell<Option<Workspace>>>;

/// The write under way, if any.
type Writing = Rc<RefCell<Option<Sending>>>;

/// A write under way: the outbox it is sending (not known to be committed) and a way for a page
/// being left to write past it.
struct Sending {
    outbox: Rc<Vec<SaveBatch>>,
    leaving: Leaving,
}

/// What an owning tab keeps for a take-over: its lock, the channel it listens on, and whether
/// another tab asked for the workspace.
#[derive(Default)]
struct Ownership {
    lock: Option<Release>,
    channel: Option<Channel>,
    handing_over: bool,
}

#[hook]
pub fn use_persistence(store: &StoreHandle, workspace: &str) {
    let handle: Handle = use_mut_ref(|| None);
    let writing: Writing = use_mut_ref(|| None);
    let ownership = use_mut_ref(Ownership::default);
    {
        let (store, handle, workspace) = (store.clone(), handle.clone(), workspace.to_string());
        let ownership = ownership.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let by_force = take_over::steal_asked(&database_name(&workspace));
                let on_lost = on_lock_lost(&store, &handle, &ownership);
                let mut kept = KeptTexts::default();
                let loaded = load(
                    &workspace, &handle, &ownership, by_force, on_lost, &mut kept,
                )
                .await;
                store.dispatch(loaded);
                // The session's scenario (`ui::share`) and timeline (`ui::timeline`), kept
                // beside the cluster's files.
                store.dispatch(Action::ScenarioLoaded(kept.scenario));
                store.dispatch(Action::TimelineLoaded(kept.timeline));
                // Read by the end-to-end suite as "reload: fully loaded" (the cluster restarted).
                if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = performance.mark("kplay-loaded");
                }
                if by_force && ownership.borrow().lock.is_some() {
                    store.dispatch(Action::RewriteAll);
                }
                listen_for_take_over(&store, &workspace, &ownership);
            });
        });
    }
    // When the oldest change not yet taken into the outbox was made (wall ms).
    let unsaved_since: Rc<RefCell<Option<f64>>> = use_mut_ref(|| None);
    {
        let store = store.clone();
        use_effect_with(store.cluster_version, move |_| {
            let timeout = store
                .storage
                .writes()
                .then(|| write_behind(store, unsaved_since))
                .flatten();
            move || drop(timeout)
        });
    }
    {
        let (store, handle, writing) = (store.clone(), handle.clone(), writing.clone());
        let ownership = ownership.clone();
        use_effect_with(store.version, move |_| {
            write_outbox(&store, handle.clone(), writing.clone());
            hand_over_when_written(&store, &handle, &writing, &ownership);
        });
    }
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            let listeners = flush_when_hidden(store, handle, writing);
            move || drop(listeners)
        });
    }
}

/// After a change: persist now if changes have waited [`MAX_WAIT_MS`], else once the cluster
/// has been still for [`DEBOUNCE_MS`].
fn write_behind(store: StoreHandle, unsaved_since: Rc<RefCell<Option<f64>>>) -> Option<Timeout> {
    let now = wall_now();
    let since = *unsaved_since.borrow_mut().get_or_insert(now);
    if now - since >= MAX_WAIT_MS {
        *unsaved_since.borrow_mut() = None;
        store.dispatch(Action::Persist);
        return None;
    }
    Some(Timeout::new(DEBOUNCE_MS, move || {
        *unsaved_since.borrow_mut() = None;
        store.dispatch(Action::Persist);
    }))
}

fn wall_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The owner listens for another tab's take-over request.
fn listen_for_take_over(store: &StoreHandle, workspace: &str, ownership: &Rc<RefCell<Ownership>>) {
    if ownership.borrow().lock.is_none() {
        return;
    }
    let (store, asked) = (store.clone(), ownership.clone());
    let channel = Channel::open(&database_name(workspace), move |message| {
        if message == take_over::TAKE_OVER && asked.borrow().lock.is_some() {
            asked.borrow_mut().handing_over = true;
            // Playback would change the cluster after every flush: the hand-over would wait forever.
            store.dispatch(Action::Playback(PlaybackAction::Pause));
            store.dispatch(Action::CleanShutdown);
        }
    });
    ownership.borrow_mut().channel = channel;
}

/// Once a take-over was asked for and everything is written: let go, and say so.
fn hand_over_when_written(
    store: &StoreHandle,
    handle: &Handle,
    writing: &Writing,
    ownership: &Rc<RefCell<Ownership>>,
) {
    let ready =
        ownership.borrow().handing_over && store.outbox.is_empty() && writing.borrow().is_none();
    if !ready {
        return;
    }
    match &store.storage {
        // Everything is written (an unreadable workspace: this tab wrote nothing to it).
        StorageStatus::Saved | StorageStatus::Unreadable(_) => {}
        // Changed after the flush (a click meanwhile): flush again, then hand over.
        StorageStatus::Saving => return store.dispatch(Action::CleanShutdown),
        StorageStatus::Failed(message) => return refuse(store, ownership, message),
        _ => {
            ownership.borrow_mut().handing_over = false;
            return;
        }
    }
    // Taken out first: no borrow is held while the store runs.
    let (lock, channel) = {
        let mut owned = ownership.borrow_mut();
        owned.handing_over = false;
        (owned.lock.take(), owned.channel.take())
    };
    let workspace = handle.borrow_mut().take();
    if let Some(workspace) = workspace {
        workspace.close();
    }
    if let Some(lock) = lock {
        lock.release();
    }
    store.dispatch(Action::TakenOver);
    if let Some(channel) = channel {
        channel.post(take_over::RELEASED);
    }
}

/// The save before a hand-over failed: handing over now would lose what this tab did not
/// write, so it keeps the workspace, says so, and tells the asking tab why.
fn refuse(store: &StoreHandle, ownership: &Rc<RefCell<Ownership>>, message: &Message) {
    let reason = without_refusal(message);
    {
        let mut owned = ownership.borrow_mut();
        owned.handing_over = false;
        if let Some(channel) = &owned.channel {
            // The reason is the save's error, in the browser's own words: the same in every language.
            channel.post(&format!("{}{reason}", take_over::REFUSED));
        }
    }
    if reason == message {
        store.dispatch(Action::SaveFailed(refusing(reason.clone())));
    }
}

/// Another tab stole the lock: write nothing more, close the database, and say what was saved.
fn on_lock_lost(
    store: &StoreHandle,
    handle: &Handle,
    ownership: &Rc<RefCell<Ownership>>,
) -> OnLost {
    let (store, handle, ownership) = (store.clone(), handle.clone(), ownership.clone());
    Rc::new(move || {
        let channel = {
            let mut owned = ownership.borrow_mut();
            owned.lock = None;
            owned.handing_over = false;
            owned.channel.take()
        };
        drop(channel);
        let workspace = handle.borrow_mut().take();
        if let Some(workspace) = workspace {
            workspace.close();
        }
        store.dispatch(Action::TakenOver);
    })
}

/// The session's texts a workspace keeps beside the cluster's files.
#[derive(Default)]
struct KeptTexts {
    scenario: Option<String>,
    timeline: Option<String>,
}

/// Reads the workspace; on success this tab's handle is set if it owns the workspace. With
/// `by_force` the lock is stolen from the tab that holds it.
async fn load(
    workspace: &str,
    handle: &Handle,
    ownership: &Rc<RefCell<Ownership>>,
    by_force: bool,
    on_lost: OnLost,
    kept: &mut KeptTexts,
) -> Action {
    let loaded = |status, cluster, notes| Action::Loaded {
        cluster,
        status,
        notes,
        report: None,
    };
    let lock = if by_force {
        web_lock::steal(&database_name(workspace), on_lost).await
    } else {
        web_lock::hold(&database_name(workspace), on_lost).await
    };
    let owner = lock.is_some();
    ownership.borrow_mut().lock = lock;
    let mut opened = match crate::ui::workspaces::open_or_blocked(workspace).await {
        Ok(opened) => opened,
        Err(e) => return loaded(StorageStatus::InMemory(e), None, Vec::new()),
    };
    let files = match opened.load().await {
        Ok(files) => files,
        Err(e) => {
            return loaded(
                StorageStatus::InMemory(e.to_string().into()),
                None,
                Vec::new(),
            )
        }
    };
    let text = |path: &str| {
        files
            .get(path)
            .and_then(|bytes| String::from_utf8(bytes.clone()).ok())
    };
    kept.scenario = text(crate::scenario::recorder::WORKSPACE_FILE);
    kept.timeline = text(crate::scenario::history_file::WORKSPACE_FILE);
    let status = if owner {
        StorageStatus::Saved
    } else {
        StorageStatus::OtherTab
    };
    let result = restore_workspace(&ClusterOptions::default(), files);
    if owner {
        *handle.borrow_mut() = Some(opened);
    } else {
        opened.close();
    }
    match result {
        Ok(Some(restored)) => {
            // A reload is a restart from files: what its log loading recovered, as Kafka logs it.
            let now = restored.cluster.now().as_millis();
            let report = RestartReport::from_recovery(&restored.recovery, now).map(Rc::new);
            Action::Loaded {
                cluster: Some(Box::new(restored.cluster)),
                status,
                notes: restored.warnings,
                report,
            }
        }
        Ok(None) => loaded(status, None, Vec::new()),
        Err(e) if owner => loaded(
            StorageStatus::Unreadable(e.to_string().into()),
            None,
            Vec::new(),
        ),
        Err(e) => loaded(
            StorageStatus::InMemory(Message::new(
                "the saved cluster cannot be loaded: {}",
                &[&e],
            )),
            None,
            Vec::new(),
        ),
    }
}

/// Sends the outbox if there is one and no write is under way, and goes on sending what is
/// queued meanwhile: a [`StoreHandle`] reads the store as it is now, not as it was when it was
/// rendered (Yew 0.23), so what is queued while a write is under way goes out without waiting
/// for a render and its effects.
fn write_outbox(store: &StoreHandle, handle: Handle, writing: Writing) {
    // A tab that lost the workspace writes nothing, not even what it had queued.
    if store.outbox.is_empty() || writing.borrow().is_some() || !store.storage.writes() {
        return;
    }
    let Some(mut workspace) = handle.borrow_mut().take() else {
        return;
    };
    *writing.borrow_mut() = Some(Sending {
        outbox: Rc::default(),
        leaving: workspace.leaving(),
    });
    let store = store.clone();
    spawn_local(async move {
        let mut result = Ok(());
        while let Some(outbox) = result.is_ok().then(|| take_outbox(&store)).flatten() {
            if let Some(sending) = writing.borrow_mut().as_mut() {
                sending.outbox = outbox.clone();
            }
            result = write_batches(&mut workspace, &outbox).await;
        }
        *handle.borrow_mut() = Some(workspace);
        *writing.borrow_mut() = None;
        store.dispatch(match result {
            Ok(()) => Action::Saved,
            Err(e) => Action::SaveFailed(e.to_string().into()),
        });
    });
}

/// The page is being left: writes everything not known to be saved — the write under way and
/// the outbox — in one transaction issued now, as whole files ([`whole_files`],
/// [`Leaving::write`]). A transaction that reads, or waits for one that does, dies with the page.
fn write_before_leaving(store: &StoreHandle, handle: &Handle, writing: &Writing) {
    let now = store.clone();
    if !now.storage.writes() {
        return;
    }
    let (under_way, leaving) = match writing.borrow().as_ref() {
        Some(sending) => (sending.outbox.clone(), sending.leaving.clone()),
        None => match handle.borrow().as_ref() {
            Some(workspace) => (Rc::default(), workspace.leaving()),
            None => return,
        },
    };
    if under_way.is_empty() && now.outbox.is_empty() {
        return;
    }
    let cluster = now.cluster();
    let files = whole_files::fold(
        under_way
            .iter()
            .chain(now.outbox.iter())
            .map(|batch| (batch.clear_first, batch.changes.as_slice())),
        |path| workspace_file(&cluster, path),
    );
    store.dispatch(match leaving.write(&files) {
        Ok(()) => Action::Sent(now.outbox.len()),
        Err(e) => Action::SaveFailed(e.to_string().into()),
    });
}

/// The outbox as the store holds it now, marked sent; `None` when it is empty or this tab no
/// longer writes. Read through a fresh clone: a handle keeps every state it has read alive.
fn take_outbox(store: &StoreHandle) -> Option<Rc<Vec<SaveBatch>>> {
    let now = store.clone();
    if now.outbox.is_empty() || !now.storage.writes() {
        return None;
    }
    let outbox = now.outbox.clone();
    store.dispatch(Action::Sent(outbox.len()));
    Some(outbox)
}

async fn write_batches(
    workspace: &mut Workspace,
    outbox: &[SaveBatch],
) -> Result<(), StorageError> {
    for batch in outbox {
        workspace.apply(&batch.changes, batch.clear_first).await?;
    }
    Ok(())
}

/// `pagehide` and `visibilitychange` to hidden flush at once: the tab may not come back. A page
/// back from the back/forward cache reloads: its last write went around the [`Workspace`]'s
/// own record of what the database holds.
fn flush_when_hidden(store: StoreHandle, handle: Handle, writing: Writing) -> Vec<EventListener> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let mut listeners = Vec::new();
    let on_pagehide = store.clone();
    listeners.push(EventListener::new(&window, "pagehide", move |_| {
        // Leaving the page stops the brokers cleanly, so a reload restarts without recovery.
        on_pagehide.dispatch(Action::CleanShutdown);
        // The reducer has run; the write must go out in this task.
        write_before_leaving(&on_pagehide, &handle, &writing);
    }));
    let shown = window.clone();
    listeners.push(EventListener::new(&window, "pageshow", move |event| {
        let restored = event
            .dyn_ref::<web_sys::PageTransitionEvent>()
            .is_some_and(web_sys::PageTransitionEvent::persisted);
        if restored {
            let _ = shown.location().reload();
        }
    }));
    if let Some(document) = window.document() {
        let hidden_document = document.clone();
        listeners.push(EventListener::new(
            &document,
            "visibilitychange",
            move |_| {
                if hidden_document.visibility_state() == web_sys::VisibilityState::Hidden {
                    store.dispatch(Action::Persist);
                }
            },
        ));
    }
    listeners
}
