//! "Take over here": the tab that does not own a workspace asks the owner to let go, over a
//! `BroadcastChannel` named after the workspace's database (reached through `js_sys::Reflect`:
//! the pinned web-sys features do not include it).
//!
//! The asking tab posts [`TAKE_OVER`]; the owner (`ui::hooks::persistence`) flushes what is not
//! yet written, releases its Web Lock, closes its database, becomes read-only and posts
//! [`RELEASED`]; the asking tab then reloads, takes the lock and reads the workspace from
//! IndexedDB. At no moment do two tabs write.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;

/// Asks the owner to let go.
pub const TAKE_OVER: &str = "take-over";
/// The owner let go: its last writes are in IndexedDB and its lock is free.
pub const RELEASED: &str = "released";

/// An open `BroadcastChannel` and its message listener (closed when dropped).
pub struct Channel {
    channel: JsValue,
    _listener: Closure<dyn FnMut(JsValue)>,
}

impl Channel {
    /// Opens the channel of database `database`; `on_message` gets every text message.
    pub fn open(database: &str, on_message: impl Fn(String) + 'static) -> Option<Channel> {
        let global = js_sys::global();
        let constructor: Function = Reflect::get(&global, &"BroadcastChannel".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let name = JsValue::from_str(&format!("kplay-take-over/{database}"));
        let channel = Reflect::construct(&constructor, &Array::of1(&name)).ok()?;
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(text) = Reflect::get(&event, &"data".into())
                .ok()
                .and_then(|d| d.as_string())
            {
                on_message(text);
            }
        });
        Reflect::set(&channel, &"onmessage".into(), listener.as_ref()).ok()?;
        Some(Channel {
            channel,
            _listener: listener,
        })
    }

    pub fn post(&self, message: &str) {
        if let Ok(post) = Reflect::get(&self.channel, &"postMessage".into()) {
            if let Ok(post) = post.dyn_into::<Function>() {
                let _ = post.call1(&self.channel, &JsValue::from_str(message));
            }
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        let _ = Reflect::set(&self.channel, &"onmessage".into(), &JsValue::NULL);
        if let Ok(close) = Reflect::get(&self.channel, &"close".into()) {
            if let Ok(close) = close.dyn_into::<Function>() {
                let _ = close.call0(&self.channel);
            }
        }
    }
}

/// Asks the owner of `database` to let go, and reloads this page once it has.
pub fn request(database: &str) {
    let opened = Channel::open(database, |message| {
        if message == RELEASED {
            if let Some(window) = web_sys::window() {
                if let Ok(location) = Reflect::get(&window, &"location".into()) {
                    if let Ok(reload) = Reflect::get(&location, &"reload".into()) {
                        if let Ok(reload) = reload.dyn_into::<Function>() {
                            let _ = reload.call0(&location);
                        }
                    }
                }
            }
        }
    });
    if let Some(opened) = opened {
        opened.post(TAKE_OVER);
        // Kept open until the page reloads.
        std::mem::forget(opened);
    }
}
