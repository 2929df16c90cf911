//! The embed's postMessage API, between the embed and the page that frames it.
//!
//! - To the parent: `{type:'kplay:ready', …state}` once the embed is ready (its scenario
//!   replayed), `{type:'kplay:state', time, topics, traceHash, commands, playing}` when the
//!   cluster changes, at most every [`STATE_EVERY_MS`] of wall time, and
//!   `{type:'kplay:output', id, line, output:[{stream,text}], text}` answering a run.
//! - From the parent: `{type:'kplay:run', line:'kafka-topics.sh …', id}` runs one
//!   command-language line as if typed in the terminal (`Action::RunCommand`); a run that comes
//!   before the embed is ready waits for it (at most [`MAX_QUEUED`]).
//!
//! **Origins.** A message is taken only when its `source` is `window.parent` and its `origin`
//! is the allowed one: the `origin` parameter if given (`*`: any), else the parent's own origin
//! (`location.ancestorOrigins[0]`, or the origin of `document.referrer`). Messages to the
//! parent are sent to that origin only. With no parent, or no origin known, the API is off.

use super::params::AllowedOrigin;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::session::CommandRequest;
use crate::ui::terminal::LineKind;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Array, Object, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

pub const READY: &str = "kplay:ready";
pub const STATE: &str = "kplay:state";
pub const RUN: &str = "kplay:run";
pub const OUTPUT: &str = "kplay:output";
/// State messages are sent at most this often (wall ms): playback changes the cluster every frame.
pub const STATE_EVERY_MS: f64 = 250.0;
/// The longest line a run may carry (a console producer's here-document included).
pub const MAX_LINE_CHARS: usize = 64 * 1024;
/// Runs waiting for the embed to be ready; more are answered with an error.
pub const MAX_QUEUED: usize = 64;

/// The origin of a URL (`scheme://host[:port]`), or `None` when it has none.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && matches!(scheme, "http" | "https"))
        .then(|| format!("{scheme}://{host}").to_ascii_lowercase())
}

/// The page that frames this one, if any.
fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (!Object::is(&parent, &window)).then_some(parent)
}

/// Where messages may come from and go to: `*`, an origin, or `None` (the API is off).
pub fn allowed_origin(asked: Option<&AllowedOrigin>) -> Option<String> {
    parent()?;
    match asked {
        Some(AllowedOrigin::Any) => return Some("*".to_string()),
        Some(AllowedOrigin::Exactly(origin)) => return Some(origin.clone()),
        None => {}
    }
    let window = web_sys::window()?;
    let location = Reflect::get(&window, &"location".into()).ok()?;
    let ancestors = Reflect::get(&location, &"ancestorOrigins".into()).ok();
    let first = ancestors
        .filter(|a| !a.is_undefined())
        .and_then(|a| Reflect::get(&a, &0.into()).ok())
        .and_then(|o| o.as_string());
    first.or_else(|| origin_of(&window.document()?.referrer()))
}

/// The data of a message from the parent at the allowed origin; `None` for anything else.
pub fn accepted(event: &web_sys::Event, allowed: &str) -> Option<JsValue> {
    let source = Reflect::get(event, &"source".into()).ok()?;
    let origin = Reflect::get(event, &"origin".into()).ok()?.as_string()?;
    let from_parent = parent().is_some_and(|p| Object::is(&source, &p));
    (from_parent && (allowed == "*" || origin == allowed))
        .then(|| Reflect::get(event, &"data".into()).ok())
        .flatten()
}

/// A plain object from key-value pairs.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object.into()
}

fn post(allowed: &str, message: &JsValue) {
    if let Some(parent) = parent() {
        let _ = parent.post_message(message, allowed);
    }
}

/// The state message's fields: sim time, the topics, the trace hash, commands, playing.
fn state(kind: &str, store: &StoreHandle) -> JsValue {
    let cluster = store.cluster();
    let topics: Array = cluster.topics().map(|t| JsValue::from(&t.name)).collect();
    object(&[
        ("type", kind.into()),
        ("time", (cluster.now().as_millis() as f64).into()),
        ("topics", topics.into()),
        (
            "traceHash",
            format!("{:016x}", store.scenario.trace_hash()).into(),
        ),
        ("commands", (store.scenario.actions() as f64).into()),
        ("playing", store.playback.playing.into()),
    ])
}

/// A run asked for: its id (echoed back as given) and its line.
struct Run {
    id: JsValue,
    line: String,
}

/// Reads a `kplay:run` message; other types are `Ok(None)` (ignored), a bad run an error.
fn read_run(data: &JsValue) -> Result<Option<Run>, (JsValue, String)> {
    let kind = Reflect::get(data, &"type".into())
        .ok()
        .and_then(|t| t.as_string());
    if kind.as_deref() != Some(RUN) {
        return Ok(None);
    }
    let id = Reflect::get(data, &"id".into()).unwrap_or(JsValue::UNDEFINED);
    let id = if id.is_string() || id.as_f64().is_some() {
        id
    } else {
        JsValue::NULL
    };
    let Some(line) = Reflect::get(data, &"line".into())
        .ok()
        .and_then(|l| l.as_string())
    else {
        return Err((id, "A run needs a 'line' string.".to_string()));
    };
    if line.len() > MAX_LINE_CHARS {
        return Err((
            id,
            format!(
                "The line is {} bytes long; a run may be at most {MAX_LINE_CHARS}.",
                line.len()
            ),
        ));
    }
    Ok(Some(Run { id, line }))
}

fn error_reply(id: JsValue, message: &str) -> JsValue {
    object(&[
        ("type", OUTPUT.into()),
        ("id", id),
        ("error", message.into()),
    ])
}

/// Runs the line as typed and answers with what it printed (the store is reduced at once, and
/// the handle reads the newest store).
fn run_now(store: &StoreHandle, run: Run, allowed: &str) {
    let total = |s: &StoreHandle| s.terminal.dropped() + s.terminal.lines().len() as u64;
    let before = total(store);
    store.dispatch(Action::RunCommand(CommandRequest::typed(&run.line)));
    let terminal = store.terminal.clone();
    let skip = before.saturating_sub(terminal.dropped()) as usize;
    let (output, mut text) = (Array::new(), String::new());
    for line in terminal.lines().skip(skip) {
        let stream = match line.kind {
            LineKind::Stdout => "stdout",
            LineKind::Stderr => "stderr",
            LineKind::Typed(_) => continue,
        };
        output.push(&object(&[
            ("stream", stream.into()),
            ("text", line.text.as_str().into()),
        ]));
        text.push_str(&line.text);
        text.push('\n');
    }
    let reply = object(&[
        ("type", OUTPUT.into()),
        ("id", run.id),
        ("line", run.line.into()),
        ("output", output.into()),
        ("text", text.into()),
    ]);
    post(allowed, &reply);
}

/// The API's hook: listens for runs, says ready, sends the state as it changes.
#[hook]
pub fn use_embed_api(store: &StoreHandle, asked: Option<AllowedOrigin>, ready: bool) {
    let allowed = use_memo((), move |_| allowed_origin(asked.as_ref()));
    let is_ready: Rc<Cell<bool>> = use_memo((), |_| Cell::new(false));
    let queue: Rc<RefCell<VecDeque<Run>>> = use_mut_ref(VecDeque::new);
    {
        let (store, allowed, is_ready, queue) = (
            store.clone(),
            allowed.clone(),
            is_ready.clone(),
            queue.clone(),
        );
        use_effect_with((), move |_| {
            let listener = (*allowed).clone().and_then(|allowed| {
                let window = web_sys::window()?;
                Some(EventListener::new(&window, "message", move |event| {
                    let Some(data) = accepted(event, &allowed) else {
                        return; // Not from our parent at its origin: ignored.
                    };
                    match read_run(&data) {
                        Ok(None) => {}
                        Err((id, message)) => post(&allowed, &error_reply(id, &message)),
                        Ok(Some(run)) if is_ready.get() && store.replaying.is_none() => {
                            run_now(&store, run, &allowed)
                        }
                        Ok(Some(run)) if queue.borrow().len() < MAX_QUEUED => {
                            queue.borrow_mut().push_back(run)
                        }
                        Ok(Some(run)) => post(
                            &allowed,
                            &error_reply(
                                run.id,
                                "Too many runs are waiting for the embed to be ready.",
                            ),
                        ),
                    }
                }))
            });
            move || drop(listener)
        });
    }
    {
        let (store, allowed) = (store.clone(), allowed.clone());
        use_effect_with(ready, move |&ready| {
            if let (true, Some(allowed)) = (ready, allowed.as_ref()) {
                is_ready.set(true);
                post(allowed, &state(READY, &store));
                let waiting: Vec<Run> = queue.borrow_mut().drain(..).collect();
                for run in waiting {
                    run_now(&store, run, allowed);
                }
            }
        });
    }
    use_state_messages(store, (*allowed).clone(), ready);
}

/// `kplay:state` after the cluster or playback changed, at most every [`STATE_EVERY_MS`].
#[hook]
fn use_state_messages(store: &StoreHandle, allowed: Option<String>, ready: bool) {
    let last_ms = use_mut_ref(|| f64::NEG_INFINITY);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let scheduled = use_mut_ref(|| false);
    let store = store.clone();
    let changed = (store.cluster_version, store.playback.playing, ready);
    use_effect_with(changed, move |_| {
        let Some(allowed) = allowed.filter(|_| ready) else {
            return;
        };
        if *scheduled.borrow() {
            return; // The timer sends the newest state when it fires.
        }
        let now = wall_ms();
        let wait = STATE_EVERY_MS - (now - *last_ms.borrow());
        if wait <= 0.0 {
            *last_ms.borrow_mut() = now;
            post(&allowed, &state(STATE, &store));
            return;
        }
        *scheduled.borrow_mut() = true;
        // The old timer has fired (else `scheduled` were still set): replacing it is safe.
        *timer.borrow_mut() = Some(Timeout::new(wait.ceil() as u32, move || {
            *scheduled.borrow_mut() = false;
            *last_ms.borrow_mut() = wall_ms();
            post(&allowed, &state(STATE, &store));
        }));
    });
}

fn wall_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
