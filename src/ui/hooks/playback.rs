//! Wall time into simulated time (the raftscope way): while the store says it is playing, every
//! animation frame dispatches a [`PlaybackAction::Frame`] with the wall time since the last one
//! and the engine's budget for it ([`FRAME_BUDGET_MS`]); the reducer does the rest
//! (`ui::playback`).
//!
//! - **Hidden tab**: browsers stop animation frames in a hidden tab (and a frame that comes while
//!   hidden is skipped); when it is shown again the first frame owes nothing (the last
//!   timestamp is forgotten on `visibilitychange`), so the page does not try to catch up what it
//!   missed.
//! - **Space** plays and pauses, unless focus is where Space types or presses something (a text
//!   field, a select, a button — which Space already clicks).
//! - **Reload**: playing or paused, and the speed, are kept in `localStorage` per workspace and
//!   restored once the saved cluster is loaded.

use crate::ui::playback::{PlaybackAction, FRAME_BUDGET_MS, SPEEDS};
use crate::ui::saving::StorageStatus;
use crate::ui::store::{Action, Store, StoreHandle};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::storage::{LocalStorage, Storage};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type Dispatcher = UseReducerDispatcher<Store>;

/// The running frame loop: its next frame and the last frame's timestamp.
struct FrameLoop {
    next: Option<AnimationFrame>,
    last_ms: Option<f64>,
}

#[hook]
pub fn use_playback(store: &StoreHandle, workspace: &str) {
    let playing = store.playback.playing;
    let key = format!("kplay-playback:{workspace}");
    // Nothing is written until what was kept has been read back.
    let restored = use_mut_ref(|| false);
    {
        let (dispatcher, key, restored) = (store.dispatcher(), key.clone(), restored.clone());
        let loaded = store.storage != StorageStatus::Loading;
        use_effect_with(loaded, move |&loaded| {
            if loaded && !std::mem::replace(&mut *restored.borrow_mut(), true) {
                restore(&dispatcher, &key);
            }
        });
    }
    use_effect_with((playing, store.playback.speed), move |&(playing, speed)| {
        if *restored.borrow() {
            // A browser that keeps nothing (private mode, quota) only loses this convenience.
            let _ = LocalStorage::set(&key, format!("{} {speed}", u8::from(playing)));
        }
    });
    {
        let dispatcher = store.dispatcher();
        use_effect_with(playing, move |&playing| {
            let running = playing.then(|| start_loop(dispatcher));
            move || stop_loop(running)
        });
    }
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = space_toggles(dispatcher);
            move || drop(listener)
        });
    }
}

/// Plays (or not) at the speed kept for this workspace, if any.
fn restore(dispatcher: &Dispatcher, key: &str) {
    let Ok(kept) = LocalStorage::get::<String>(key) else {
        return;
    };
    let mut words = kept.split(' ');
    let playing = words.next() == Some("1");
    if let Some(speed) = words.next().and_then(|s| s.parse::<f64>().ok()) {
        if SPEEDS.contains(&speed) {
            dispatcher.dispatch(Action::Playback(PlaybackAction::Speed(speed)));
        }
    }
    if playing {
        dispatcher.dispatch(Action::Playback(PlaybackAction::Play));
    }
}

fn start_loop(dispatcher: Dispatcher) -> (Rc<RefCell<FrameLoop>>, Option<EventListener>) {
    let state = Rc::new(RefCell::new(FrameLoop {
        next: None,
        last_ms: None,
    }));
    request_frame(&state, dispatcher);
    let forget = state.clone();
    let listener = document().map(|document| {
        EventListener::new(&document, "visibilitychange", move |_| {
            forget.borrow_mut().last_ms = None;
        })
    });
    (state, listener)
}

/// Cancels the pending frame; that also drops the callback, which breaks the loop's `Rc` cycle.
fn stop_loop(running: Option<(Rc<RefCell<FrameLoop>>, Option<EventListener>)>) {
    if let Some((state, _listener)) = running {
        state.borrow_mut().next = None;
    }
}

fn request_frame(state: &Rc<RefCell<FrameLoop>>, dispatcher: Dispatcher) {
    let again = state.clone();
    let frame = request_animation_frame(move |timestamp_ms| {
        // A hidden page that still gets frames (some embedders) does not step either.
        let hidden = document().is_some_and(|d| d.hidden());
        let last = if hidden {
            again.borrow_mut().last_ms.take()
        } else {
            again.borrow_mut().last_ms.replace(timestamp_ms)
        };
        if let (Some(last), false) = (last, hidden) {
            dispatcher.dispatch(Action::Playback(PlaybackAction::Frame {
                wall_ms: timestamp_ms - last,
                budget_ms: FRAME_BUDGET_MS,
            }));
        }
        // Stopped while dispatching (the frame's work paused playback): no next frame.
        if again.borrow().next.is_some() {
            request_frame(&again, dispatcher);
        }
    });
    state.borrow_mut().next = Some(frame);
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Space toggles playback when nothing focused would take it.
fn space_toggles(dispatcher: Dispatcher) -> Option<EventListener> {
    let document = document()?;
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &document,
        "keydown",
        options,
        move |event| {
            let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            let plain = !(key.ctrl_key() || key.meta_key() || key.alt_key() || key.repeat());
            if key.key() == " " && plain && !takes_space(event.target()) {
                event.prevent_default();
                dispatcher.dispatch(Action::Playback(PlaybackAction::Toggle));
            }
        },
    ))
}

/// Whether Space typed at this target means something there.
fn takes_space(target: Option<web_sys::EventTarget>) -> bool {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    element.is_content_editable()
        || matches!(
            tag.as_str(),
            "input" | "textarea" | "select" | "button" | "a" | "summary"
        )
        || element.get_attribute("role").as_deref() == Some("textbox")
}
