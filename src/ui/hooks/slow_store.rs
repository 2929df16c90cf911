//! The store as the busy panels see it (issue #10: no long main-thread task while a cluster
//! runs 10 k records/s). While playback runs, the store changes every animation frame, and
//! every panel that reads it renders again each time. The clock and the broker cards should;
//! the panels below the fold (producers, groups, metrics, partition, files, configs, events,
//! lessons, the topic list) need not: they read [`SlowStore`], which follows the store at once
//! while time is paused and at most every [`SLOW_FRAME_MS`] while it plays — the last change
//! always shown, at the latest that long after it.

use crate::ui::store::StoreHandle;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How often the busy panels render while playing: ten times a second.
pub const SLOW_FRAME_MS: u32 = 100;

/// The store, given to the busy panels by the app.
#[derive(Clone, PartialEq)]
pub struct SlowStore(pub StoreHandle);

/// The store for a busy panel: the [`SlowStore`] context, or the store itself where there is
/// none (a panel mounted alone in a test).
#[hook]
pub fn use_slow_store() -> Option<StoreHandle> {
    let slow = use_context::<SlowStore>().map(|s| s.0);
    let store = use_context::<StoreHandle>();
    slow.or(store)
}

/// What the app provides as [`SlowStore`] for `store`.
#[hook]
pub fn use_slow_store_of(store: &StoreHandle) -> SlowStore {
    let shown = use_state(|| SlowStore(store.clone()));
    let latest = use_mut_ref(|| store.clone());
    let last_shown_ms = use_mut_ref(|| 0.0_f64);
    let trailing: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    {
        let shown = shown.clone();
        use_effect_with(store.clone(), move |store| {
            *latest.borrow_mut() = store.clone();
            let now = wall_ms();
            let due = now - *last_shown_ms.borrow() >= f64::from(SLOW_FRAME_MS);
            if !store.playback.playing || due {
                trailing.borrow_mut().take();
                *last_shown_ms.borrow_mut() = now;
                shown.set(SlowStore(store.clone()));
            } else if trailing.borrow().is_none() {
                // The last change while playing is shown too, a frame-interval later at most.
                let trailing_slot = trailing.clone();
                *trailing.borrow_mut() = Some(Timeout::new(SLOW_FRAME_MS, move || {
                    trailing_slot.borrow_mut().take();
                    *last_shown_ms.borrow_mut() = wall_ms();
                    shown.set(SlowStore(latest.borrow().clone()));
                }));
            }
        });
    }
    (*shown).clone()
}

fn wall_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
