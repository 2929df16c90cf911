//! "Take over here": the tab that does not own a workspace asks the owner to let go, over a
//! `BroadcastChannel` named after the workspace's database (reached through `js_sys::Reflect`:
//! the pinned web-sys features do not include it).
//!
//! The asking tab posts [`TAKE_OVER`]; the owner (`ui::hooks::persistence`) pauses playback,
//! flushes what is not yet written with a clean shutdown's markers (as leaving the page does),
//! releases its Web Lock, closes its database, becomes read-only and posts [`RELEASED`]; the
//! asking tab then reloads, takes the lock and reads the workspace from IndexedDB. At no moment
//! do two tabs write.
//!
//! Two answers are not a hand-over. An owner whose save fails keeps the workspace (its changes
//! would be lost otherwise) and posts [`REFUSED`] with the reason; an owner that is frozen,
//! crashed or gone never answers, and after [`NO_ANSWER_MS`] the asking tab says so. Either way
//! the person may take the workspace by force ([`take_by_force`]): the page reloads and takes
//! the lock with Web Locks' `steal`, reads the workspace as last saved and rewrites it whole;
//! the other tab, if it still runs, learns that its lock is gone and stops writing.

use gloo::storage::{SessionStorage, Storage};
use gloo::timers::callback::Timeout;
use js_sys::{Array, Function, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Asks the owner to let go.
pub const TAKE_OVER: &str = "take-over";
/// The owner let go: its last writes are in IndexedDB and its lock is free.
pub const RELEASED: &str = "released";
/// The owner keeps the workspace: its last save failed (the reason follows this prefix).
pub const REFUSED: &str = "refused:";

/// How long an asking tab waits for an answer before it offers to take the workspace by force.
pub const NO_ANSWER_MS: u32 = 5_000;

/// `sessionStorage` key naming the database this tab takes by force on its next load.
const STEAL_KEY: &str = "kplay-take-by-force";

/// What became of a request, short of the page reloading on [`RELEASED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The owner's last save failed and it keeps the workspace; why it failed.
    Refused(String),
    /// No answer within [`NO_ANSWER_MS`].
    NoAnswer,
}

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

/// Asks the owner of `database` to let go: the page reloads once it has; else `on_answer` gets
/// the first of a refusal or [`Answer::NoAnswer`].
pub fn request(database: &str, on_answer: impl Fn(Answer) + 'static) {
    let answered = Rc::new(Cell::new(false));
    let on_answer = Rc::new(on_answer);
    let (answered_here, answer_here) = (answered.clone(), on_answer.clone());
    let opened = Channel::open(database, move |message| {
        if message == RELEASED {
            answered_here.set(true);
            reload();
        } else if let Some(reason) = message.strip_prefix(REFUSED) {
            if !answered_here.replace(true) {
                answer_here(Answer::Refused(reason.to_string()));
            }
        }
    });
    if let Some(opened) = opened {
        opened.post(TAKE_OVER);
        // Kept open until the page reloads.
        std::mem::forget(opened);
    }
    Timeout::new(NO_ANSWER_MS, move || {
        if !answered.replace(true) {
            on_answer(Answer::NoAnswer);
        }
    })
    .forget();
}

/// Takes `database` by force: marks it for this tab's next load (see [`steal_asked`]) and reloads.
pub fn take_by_force(database: &str) {
    let _ = SessionStorage::set(STEAL_KEY, database);
    reload();
}

/// Whether this load is to take `database` by force; the mark is used up.
pub fn steal_asked(database: &str) -> bool {
    let asked = SessionStorage::get::<String>(STEAL_KEY).is_ok_and(|name| name == database);
    SessionStorage::delete(STEAL_KEY);
    asked
}

/// `location.reload()` (through `Reflect`: the pinned web-sys features lack `Location`).
fn reload() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(location) = Reflect::get(&window, &"location".into()) {
        if let Ok(reload) = Reflect::get(&location, &"reload".into()) {
            if let Ok(reload) = reload.dyn_into::<Function>() {
                let _ = reload.call0(&location);
            }
        }
    }
}
