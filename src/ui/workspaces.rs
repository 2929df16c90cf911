//! Workspaces in the browser: which one this page opens, the list of them, and creating,
//! copying, renaming, deleting, exporting and importing them. Each workspace is its own
//! IndexedDB database `kafka-playground/<name>` (`storage::indexeddb`) holding the files of
//! `kplay --data-dir`; the names' rules and list logic are pure (`storage::registry`).
//!
//! Opening another workspace is a page load with `?workspace=<name>`: the tab's Web Lock and
//! database connection go with the old page, so a switch never leaves two writers. The last
//! workspace opened is kept in `localStorage` and reopens on a reload; `localStorage` also keeps
//! a small registry of names (for browsers without `indexedDB.databases()`) and the names of
//! workspaces to delete at the next start (the open one cannot be deleted while this page holds
//! its connection).

use crate::engine::persist::workspace::{restore_workspace, workspace_snapshot};
use crate::engine::{Cluster, ClusterOptions};
use crate::i18n::{tr, trf, Lang, Message};
use crate::storage::indexeddb::{Workspace, DEFAULT_WORKSPACE};
use crate::storage::registry::{self, merge, names_from_databases, validate_name};
use crate::storage::tar::{read_tar, write_tar};
use crate::storage::Change;
use gloo::storage::{LocalStorage, Storage};
use js_sys::{Array, Function, Promise, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const LAST_KEY: &str = "kplay-last-workspace";
const REGISTRY_KEY: &str = "kplay-workspaces";
const PENDING_DELETE_KEY: &str = "kplay-delete-at-start";

/// The workspace this page opens: `?workspace=<name>` if valid, else the last one opened, else
/// [`DEFAULT_WORKSPACE`]. It is remembered as the last one.
pub fn initial_workspace() -> String {
    let from_url = url_workspace().filter(|name| validate_name(name).is_ok());
    let last = LocalStorage::get::<String>(LAST_KEY)
        .ok()
        .filter(|name| validate_name(name).is_ok());
    let name = from_url
        .or(last)
        .unwrap_or_else(|| DEFAULT_WORKSPACE.to_string());
    remember(&name);
    name
}

/// The page's `?workspace=` when it names no workspace that can be opened: the name asked for
/// and why not (the page opens another one, and says so).
pub fn url_workspace_problem() -> Option<(String, Message)> {
    let name = url_workspace()?;
    validate_name(&name).err().map(|why| (name, why))
}

/// `workspace` from the page's query string, decoded.
fn url_workspace() -> Option<String> {
    let location = Reflect::get(&web_sys::window()?.into(), &"location".into()).ok()?;
    let search = Reflect::get(&location, &"search".into())
        .ok()?
        .as_string()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let value = pair.strip_prefix("workspace=")?;
        let value = value.replace('+', " ");
        js_sys::decode_uri_component(&value).ok()?.as_string()
    })
}

/// Keeps `name` as the last workspace opened and in the registry.
fn remember(name: &str) {
    let _ = LocalStorage::set(LAST_KEY, name);
    let mut names = registered();
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
        let _ = LocalStorage::set(REGISTRY_KEY, names);
    }
}

fn registered() -> Vec<String> {
    LocalStorage::get::<Vec<String>>(REGISTRY_KEY).unwrap_or_default()
}

fn unregister(name: &str) {
    let names: Vec<String> = registered().into_iter().filter(|n| n != name).collect();
    let _ = LocalStorage::set(REGISTRY_KEY, names);
}

/// Opens workspace `name`: a page load with `?workspace=<name>` (see the module doc).
pub fn open(name: &str) {
    let _ = LocalStorage::set(LAST_KEY, name);
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = String::from(js_sys::encode_uri_component(name));
    if let Ok(location) = Reflect::get(&window, &"location".into()) {
        let _ = Reflect::set(
            &location,
            &"search".into(),
            &format!("?workspace={query}").into(),
        );
    }
}

/// Every workspace: the registry's, IndexedDB's databases, and the open one; sorted.
pub async fn list(open: &str) -> Vec<String> {
    let pending = pending_deletes();
    let databases = database_names().await;
    merge(
        &registered(),
        &names_from_databases(databases.iter().map(String::as_str)),
        open,
    )
    .into_iter()
    .filter(|name| name == open || !pending.contains(name))
    .collect()
}

/// `indexedDB.databases()`'s names (none where the browser lacks the call).
async fn database_names() -> Vec<String> {
    let Some(factory) = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"indexedDB".into()).ok())
        .filter(|f| !f.is_undefined() && !f.is_null())
    else {
        return Vec::new();
    };
    let Some(list) = call0(&factory, "databases") else {
        return Vec::new();
    };
    let Ok(found) = JsFuture::from(list).await else {
        return Vec::new();
    };
    Array::from(&found)
        .iter()
        .filter_map(|db| Reflect::get(&db, &"name".into()).ok()?.as_string())
        .collect()
}

/// `target.method()` when it returns a promise.
fn call0(target: &JsValue, method: &str) -> Option<Promise> {
    let function: Function = Reflect::get(target, &method.into()).ok()?.dyn_into().ok()?;
    function.call0(target).ok()?.dyn_into().ok()
}

/// Writes `files` as the whole content of a new workspace `name` and registers it.
async fn write_new(lang: Lang, name: &str, files: BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    keep(name);
    let changes: Vec<Change> = files
        .into_iter()
        .map(|(path, bytes)| Change::Replace { path, bytes })
        .collect();
    let mut workspace = Workspace::open(name).await.map_err(|e| e.to_string())?;
    // The list the caller checked may be stale (another tab, a list not read yet): a database
    // that holds files is never overwritten.
    if !workspace.file_lengths().is_empty() {
        workspace.close();
        return Err(trf(
            lang,
            "A workspace named '{}' already exists.",
            &[&name],
        ));
    }
    let written = workspace.apply(&changes, true).await.map(|_| ());
    workspace.close();
    written.map_err(|e| e.to_string())?;
    remember_only_in_registry(name);
    Ok(())
}

fn remember_only_in_registry(name: &str) {
    let mut names = registered();
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
        let _ = LocalStorage::set(REGISTRY_KEY, names);
    }
}

/// Creates workspace `name` with a new cluster of `brokers` brokers and PRNG `seed`; a refusal
/// is in `lang` (an error's own detail, IndexedDB's or the engine's, stays as given).
pub async fn create(
    lang: Lang,
    name: &str,
    brokers: i32,
    seed: u64,
    existing: &[String],
) -> Result<(), String> {
    registry::validate_new_name(name, existing).map_err(|why| why.text(lang))?;
    if !(1..=registry::MAX_BROKERS).contains(&brokers) {
        return Err(trf(
            lang,
            "The broker count must be between 1 and {}.",
            &[&registry::MAX_BROKERS],
        ));
    }
    let mut cluster = Cluster::new(ClusterOptions {
        brokers,
        seed,
        ..ClusterOptions::default()
    });
    let files = workspace_snapshot(&mut cluster)
        .into_iter()
        .filter_map(|change| match change {
            Change::Replace { path, bytes } => Some((path, bytes)),
            _ => None,
        })
        .collect();
    write_new(lang, name, files).await
}

/// Every file of workspace `name`, as saved.
pub async fn files_of(name: &str) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut workspace = Workspace::open(name).await.map_err(|e| e.to_string())?;
    let files = workspace.load().await;
    workspace.close();
    files.map_err(|e| e.to_string())
}

/// Copies workspace `from` (as saved) to a new workspace `to`.
pub async fn copy(lang: Lang, from: &str, to: &str, existing: &[String]) -> Result<(), String> {
    registry::validate_new_name(to, existing).map_err(|why| why.text(lang))?;
    let files = files_of(from).await?;
    write_new(lang, to, files).await
}

/// Deletes workspace `name`'s database (not the open one: see [`delete_at_next_start`]).
pub async fn delete(name: &str) -> Result<(), String> {
    unregister(name);
    super::session_clients::forget_kept(name);
    Workspace::delete(name).await.map_err(|e| e.to_string())
}

/// Deletes workspace `name` unless a tab has it open (holds its Web Lock): deleting the
/// files under a running cluster would leave that tab writing into a deleted database.
pub async fn delete_if_free(lang: Lang, name: &str) -> Result<(), String> {
    let Some(lock) = super::web_lock::hold(
        &crate::storage::indexeddb::database_name(name),
        std::rc::Rc::new(|| {}),
    )
    .await
    else {
        return Err(trf(
            lang,
            "Workspace '{}' is open in another tab: close it there (or take it over and delete it from there).",
            &[&name],
        ));
    };
    let deleted = delete(name).await;
    lock.release();
    deleted
}

/// Deletes the open workspace once this page is gone: at the next start, before anything
/// opens (the open page holds its connection).
pub fn delete_at_next_start(name: &str) {
    unregister(name);
    let mut pending = pending_deletes();
    pending.push(name.to_string());
    let _ = LocalStorage::set(PENDING_DELETE_KEY, pending);
}

fn pending_deletes() -> Vec<String> {
    LocalStorage::get::<Vec<String>>(PENDING_DELETE_KEY).unwrap_or_default()
}

/// Deletes the workspaces [`delete_at_next_start`] left, before the page opens one. A delete
/// that another tab blocks (it has the database open) is waited for at most [`DELETE_WAIT_MS`];
/// it completes when that tab lets go.
pub async fn delete_pending() {
    let pending = pending_deletes();
    let _ = LocalStorage::set(PENDING_DELETE_KEY, Vec::<String>::new());
    let left = std::rc::Rc::new(std::cell::Cell::new(pending.len()));
    for name in pending {
        // Its running clients and views go with it: a new workspace by that name starts empty.
        super::session_clients::forget_kept(&name);
        let left = left.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = Workspace::delete(&name).await;
            left.set(left.get() - 1);
        });
    }
    for _ in 0..DELETE_WAIT_MS / 50 {
        if left.get() == 0 {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(50).await;
    }
}

/// How long the page waits for pending deletes before it opens a workspace.
const DELETE_WAIT_MS: u32 = 2_000;

/// A name in use again (created, copied to, imported) is no longer to be deleted.
fn keep(name: &str) {
    let pending: Vec<String> = pending_deletes()
        .into_iter()
        .filter(|n| n != name)
        .collect();
    let _ = LocalStorage::set(PENDING_DELETE_KEY, pending);
}

/// The archive of workspace `name` as saved, named `<name>.tar`, handed to the browser to
/// download. Its entries carry `mtime_ms`, the cluster's sim time (as `meta.properties`' date
/// does), so the same workspace exports to the same bytes.
pub async fn export(name: &str, mtime_ms: i64) -> Result<(), String> {
    let files = files_of(name).await?;
    let seconds = u64::try_from(mtime_ms / 1000).unwrap_or(0);
    let tar = write_tar(&files, seconds).map_err(|e| e.to_string())?;
    super::download::download(&format!("{name}.tar"), "application/x-tar", &tar)
}

/// Reads a tar of a `kplay --data-dir` directory into a new workspace `name`. The archive is
/// read and its cluster restarted in memory first: a corrupt archive or one that is not a data
/// dir changes nothing.
pub async fn import(
    lang: Lang,
    name: &str,
    archive: &[u8],
    existing: &[String],
) -> Result<(), String> {
    registry::validate_new_name(name, existing).map_err(|why| why.text(lang))?;
    let files = read_tar(archive).map_err(|e| trf(lang, "Cannot import: {}", &[&e]))?;
    match restore_workspace(&ClusterOptions::default(), files.clone()) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(tr(lang, "Cannot import: the archive holds no kplay data dir (no broker-N/ log dirs and no playground-metadata.properties).").to_string())
        }
        Err(e) => return Err(trf(lang, "Cannot import: {}", &[&e])),
    }
    write_new(lang, name, files).await
}

/// How long opening a workspace's database may take before the page says it is blocked.
pub const OPEN_WAIT_MS: u32 = 5_000;

/// Opens workspace `name`'s database, or says why not — also when the open is still waiting
/// after [`OPEN_WAIT_MS`]: IndexedDB queues an open behind a delete or a schema upgrade of the
/// same database until every other connection to it closes (its `blocked` event), and a tab
/// that keeps its connection would leave the page "Loading…" for ever. A connection that opens
/// after that is closed at once. Why not is said in the language of the page that shows it.
pub async fn open_or_blocked(name: &str) -> Result<Workspace, Message> {
    let slot = std::rc::Rc::new(std::cell::RefCell::new(None));
    let gave_up = std::rc::Rc::new(std::cell::Cell::new(false));
    let mut resolve_opened: Option<Function> = None;
    let opened = Promise::new(&mut |resolve, _reject| resolve_opened = Some(resolve));
    {
        let (slot, gave_up, name) = (slot.clone(), gave_up.clone(), name.to_string());
        wasm_bindgen_futures::spawn_local(async move {
            let result = Workspace::open(&name).await;
            if gave_up.get() {
                if let Ok(workspace) = result {
                    workspace.close();
                }
                return;
            }
            *slot.borrow_mut() = Some(result.map_err(|e| Message::plain(e.to_string())));
            if let Some(resolve) = resolve_opened {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
    }
    let waited = Promise::new(&mut |resolve, _reject| {
        gloo::timers::callback::Timeout::new(OPEN_WAIT_MS, move || {
            let _ = resolve.call0(&JsValue::NULL);
        })
        .forget();
    });
    let _ = JsFuture::from(Promise::race(&Array::of2(&opened, &waited))).await;
    let result = slot.borrow_mut().take();
    result.unwrap_or_else(|| {
        gave_up.set(true);
        Err(Message::new(
            "IndexedDB has not opened workspace '{}' within {} s: it is blocked, because another tab keeps the database open while it is being deleted or upgraded (close the playground's other tabs and reload)",
            &[&name, &(OPEN_WAIT_MS / 1000)],
        ))
    })
}

/// `navigator.storage.estimate()`: `(usage, quota)` in bytes.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = navigator_storage()?;
    let answer = JsFuture::from(call0(&storage, "estimate")?).await.ok()?;
    let usage = Reflect::get(&answer, &"usage".into()).ok()?.as_f64()?;
    let quota = Reflect::get(&answer, &"quota".into()).ok()?.as_f64()?;
    Some((usage, quota))
}

/// `navigator.storage.persist()`: whether the browser keeps this site's data under storage
/// pressure. `None` where the API is missing or failed.
pub async fn persist() -> Option<bool> {
    let storage = navigator_storage()?;
    JsFuture::from(call0(&storage, "persist")?)
        .await
        .ok()?
        .as_bool()
}

/// `navigator.storage.persisted()`.
pub async fn persisted() -> Option<bool> {
    let storage = navigator_storage()?;
    JsFuture::from(call0(&storage, "persisted")?)
        .await
        .ok()?
        .as_bool()
}

fn navigator_storage() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"storage".into())
        .ok()
        .filter(|s| !s.is_undefined() && !s.is_null())
}

/// Bytes each workspace uses, per broker (`None`: the metadata file and other top-level
/// files), from the file lengths its database records.
pub async fn usage(name: &str) -> Option<BTreeMap<Option<i32>, u64>> {
    let workspace = Workspace::open(name).await.ok()?;
    let usage = registry::usage_by_broker(
        workspace
            .file_lengths()
            .iter()
            .map(|(path, len)| (path.as_str(), *len)),
    );
    workspace.close();
    Some(usage)
}
