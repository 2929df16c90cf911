//! One tab per workspace: the Web Locks API (`navigator.locks.request` with `ifAvailable`, or
//! `steal` to take a lock from a tab that does not answer), reached through `js_sys::Reflect`
//! because the pinned web-sys does not expose it. A held lock is kept by a promise that settles
//! only when its [`Release`] is called (a take-over) or the page goes away; a lock another tab
//! steals ends with the request's promise rejected (`AbortError`), which the holder is told of.

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How often, and how far apart, a lock that is taken is asked for again: on a reload the old
/// page may still hold it for a moment while the new one starts.
const ATTEMPTS: u32 = 6;
const RETRY_MS: u32 = 200;

/// Lets go of a held lock (nothing where the browser has no Web Locks API).
pub struct Release(Option<Function>);

impl Release {
    pub fn release(self) {
        if let Some(resolve) = self.0 {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

/// Called once if another tab steals a lock this tab holds.
pub type OnLost = Rc<dyn Fn()>;

/// Takes the exclusive lock `name` if no other tab holds it, and holds it until released, the
/// page goes away or another tab steals it (then `on_lost` runs). `Some` if this tab holds it;
/// also `Some` where the browser has no Web Locks API (there is nothing to coordinate with).
pub async fn hold(name: &str, on_lost: OnLost) -> Option<Release> {
    for attempt in 0..ATTEMPTS {
        match try_hold(name, false, on_lost.clone()).await {
            Some(Some(release)) => return Some(Release(Some(release))),
            Some(None) if attempt + 1 == ATTEMPTS => return None,
            None => return Some(Release(None)),
            _ => gloo::timers::future::TimeoutFuture::new(RETRY_MS).await,
        }
    }
    Some(Release(None))
}

/// Takes lock `name` whether or not another tab holds it (`steal: true`): the holder's request
/// is rejected with an `AbortError` and its lock is gone, though that tab keeps running — it
/// must notice (see [`hold`]'s `on_lost`) and stop writing.
pub async fn steal(name: &str, on_lost: OnLost) -> Option<Release> {
    match try_hold(name, true, on_lost).await {
        Some(Some(release)) => Some(Release(Some(release))),
        Some(None) => None,
        None => Some(Release(None)),
    }
}

/// One `request(name, {ifAvailable: true} or {steal: true}, callback)`: `None` without the API,
/// `Some(None)` if another tab holds it, else the function that releases it.
async fn try_hold(name: &str, by_force: bool, on_lost: OnLost) -> Option<Option<Function>> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request: Function = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    let mode = if by_force { "steal" } else { "ifAvailable" };
    Reflect::set(&options, &JsValue::from_str(mode), &JsValue::TRUE).ok()?;
    let mut resolve_granted: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _reject| resolve_granted = Some(resolve));
    let resolve = resolve_granted?;
    let held = Rc::new(Cell::new(false));
    let (on_grant, on_reject) = (resolve.clone(), resolve);
    let holding = held.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() || lock.is_undefined() {
            let _ = on_grant.call1(&JsValue::NULL, &JsValue::NULL);
            return JsValue::UNDEFINED;
        }
        holding.set(true);
        // The lock is kept until this promise settles: its resolve is the release.
        let mut release = JsValue::NULL;
        let kept = Promise::new(&mut |resolve_kept, _reject| release = resolve_kept.into());
        let _ = on_grant.call1(&JsValue::NULL, &release);
        kept.into()
    });
    let requested = request
        .call3(&locks, &JsValue::from_str(name), &options, &callback)
        .ok()?;
    if let Ok(requested) = requested.dyn_into::<Promise>() {
        // Rejected before the grant (e.g. a document without storage access): no lock to take.
        // Rejected after it: another tab stole the lock.
        let rejected = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if held.replace(false) {
                on_lost();
            } else {
                let _ = on_reject.call1(&JsValue::NULL, &JsValue::NULL);
            }
        });
        let _ = requested.catch(&rejected);
        // One small closure per request, kept for the page's life: the promise may settle late.
        rejected.forget();
    }
    let granted = JsFuture::from(granted).await.ok()?;
    Some(granted.dyn_into::<Function>().ok())
}
