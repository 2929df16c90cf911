//! One tab per workspace: the Web Locks API (`navigator.locks.request` with `ifAvailable`),
//! reached through `js_sys::Reflect` because the pinned web-sys does not expose it.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How often, and how far apart, a lock that is taken is asked for again: on a reload the old
/// page may still hold it for a moment while the new one starts.
const ATTEMPTS: u32 = 6;
const RETRY_MS: u32 = 200;

/// Takes the exclusive lock `name` if no other tab holds it, and holds it for the life of the
/// page. True if this tab holds it; also true where the browser has no Web Locks API (there is
/// nothing to coordinate with).
pub async fn hold(name: &str) -> bool {
    for attempt in 0..ATTEMPTS {
        match try_hold(name).await {
            Some(held) if held || attempt + 1 == ATTEMPTS => return held,
            None => return true,
            _ => gloo::timers::future::TimeoutFuture::new(RETRY_MS).await,
        }
    }
    true
}

/// One `request(name, {ifAvailable: true}, callback)`: `None` without the API.
async fn try_hold(name: &str) -> Option<bool> {
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
    Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE).ok()?;
    let mut resolve_granted: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _reject| resolve_granted = Some(resolve));
    let resolve = resolve_granted?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let held = !lock.is_null() && !lock.is_undefined();
        let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(held));
        if held {
            // A promise that never settles keeps the lock until the page goes away.
            Promise::new(&mut |_resolve, _reject| {}).into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let requested = request
        .call3(&locks, &JsValue::from_str(name), &options, &callback)
        .ok()?;
    // A rejected request (e.g. a document without storage access) means no lock to take.
    if let Ok(requested) = requested.dyn_into::<Promise>() {
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = requested.catch(&ignore);
        // One small closure per request, kept for the page's life: the promise may settle late.
        ignore.forget();
    }
    JsFuture::from(granted).await.ok()?.as_bool()
}
