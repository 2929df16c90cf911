//! The header's workspace switcher: the open workspace's name, seed and broker count (always
//! visible), a list to open another one, and create, rename, duplicate, delete (after a
//! confirmation), download as `.tar` and import from `.tar` (`ui::workspaces` does the work).
//! Opening another workspace reloads the page on it. A `?workspace=` that names no possible
//! workspace is said, with the list of workspaces open and "New…" beside it.

use super::workspace_list::WorkspaceList;
use crate::i18n::{tr, trf, Lang};
use crate::storage::indexeddb::DEFAULT_WORKSPACE;
use crate::storage::registry::{self, copy_name, validate_new_name};
use crate::ui::prefs::use_lang;
use crate::ui::saving::StorageStatus;
use crate::ui::store::StoreHandle;
use crate::ui::workspaces;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WorkspaceSwitcherProps {
    /// The open workspace.
    pub workspace: AttrValue,
}

/// Which form is open under the switcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Closed,
    New,
    Rename,
    ConfirmDelete,
    Manage,
}

/// The last operation's result: `Ok` says what was done, `Err` why not.
type Message = Option<Result<String, String>>;

type Op = Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// Runs one operation at a time: busy meanwhile, its message after, the list read again.
#[derive(Clone)]
struct Runner {
    message: UseStateHandle<Message>,
    busy: UseStateHandle<bool>,
    refresh: UseStateHandle<u32>,
}

impl Runner {
    fn run(&self, op: Op) {
        let runner = self.clone();
        runner.busy.set(true);
        spawn_local(async move {
            let result = op.await;
            runner.busy.set(false);
            runner.message.set(Some(result));
            runner.refresh.set(*runner.refresh + 1);
        });
    }
}

#[component]
pub fn WorkspaceSwitcher(props: &WorkspaceSwitcherProps) -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let open = props.workspace.to_string();
    let names = use_state(Vec::<String>::new);
    let url_problem = use_state(workspaces::url_workspace_problem);
    let mode = use_state(|| {
        if url_problem.is_some() {
            Mode::Manage
        } else {
            Mode::Closed
        }
    });
    let runner = Runner {
        message: use_state(|| None as Message),
        busy: use_state(|| false),
        refresh: use_state(|| 0_u32),
    };
    {
        let (names, open) = (names.clone(), open.clone());
        use_effect_with(*runner.refresh, move |_| {
            spawn_local(async move { names.set(workspaces::list(&open).await) });
        });
    }
    let owner = store.as_ref().is_some_and(|s| s.storage.can_reset());
    let saved = store
        .as_ref()
        .is_some_and(|s| s.storage == StorageStatus::Saved);
    let (seed, brokers, now_ms) = store.as_ref().map_or((0, 0, 0), |s| {
        let cluster = s.cluster();
        (
            cluster.options().seed,
            cluster.brokers().count(),
            cluster.now().0,
        )
    });
    let busy = *runner.busy;
    let on_select = Callback::from(|e: Event| {
        workspaces::open(&e.target_unchecked_into::<HtmlSelectElement>().value());
    });
    let set_mode = |to: Mode| {
        let (mode, message) = (mode.clone(), runner.message.clone());
        Callback::from(move |_: MouseEvent| {
            message.set(None);
            mode.set(if *mode == to { Mode::Closed } else { to });
        })
    };
    let on_duplicate = {
        let (runner, list, from) = (runner.clone(), (*names).clone(), open.clone());
        Callback::from(move |_: MouseEvent| {
            runner.run(Box::pin(duplicate(lang, from.clone(), list.clone())))
        })
    };
    let on_export = {
        let (runner, name) = (runner.clone(), open.clone());
        Callback::from(move |_: MouseEvent| {
            runner.run(Box::pin(export(lang, name.clone(), now_ms)))
        })
    };
    let on_import = {
        let (runner, names) = (runner.clone(), names.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                input.set_value("");
                runner.run(Box::pin(import_file(lang, file, (*names).clone())));
            }
        })
    };
    let form = match *mode {
        Mode::Closed => html! {},
        Mode::New => html! { <NewForm names={(*names).clone()} /> },
        Mode::Rename => html! { <RenameForm names={(*names).clone()} open={open.clone()} /> },
        Mode::ConfirmDelete => html! {
            <DeleteConfirm names={(*names).clone()} open={open.clone()} oncancel={set_mode(Mode::ConfirmDelete)} />
        },
        Mode::Manage => {
            let refresh = runner.refresh.clone();
            let onchange = Callback::from(move |()| refresh.set(*refresh + 1));
            html! { <WorkspaceList names={(*names).clone()} open={open.clone()} {onchange} /> }
        }
    };
    let options = names.iter().map(|name| {
        html! { <option value={name.clone()} selected={*name == open}>{name.clone()}</option> }
    });
    let expanded = |m: Mode| (*mode == m).to_string();
    html! {
        <div class="workspace-switcher" data-testid="workspace-switcher">
            <label class="workspace-pick">{tr(lang, "Workspace ")}
                <select data-testid="workspace-select" onchange={on_select} disabled={busy}>
                    if names.is_empty() { <option selected=true>{open.clone()}</option> }
                    { for options }
                </select>
            </label>
            <span class="workspace-facts" data-testid="workspace-facts">
                {if brokers == 1 { trf(lang, "seed {} · {} broker", &[&seed, &brokers]) } else { trf(lang, "seed {} · {} brokers", &[&seed, &brokers]) }}
            </span>
            <div class="workspace-actions" role="group" aria-label={tr(lang, "Workspace actions")}>
                <button onclick={set_mode(Mode::New)} data-testid="workspace-new" aria-expanded={expanded(Mode::New)}>{tr(lang, "New…")}</button>
                <button onclick={set_mode(Mode::Rename)} data-testid="workspace-rename" disabled={!saved}
                    aria-expanded={expanded(Mode::Rename)} title={tr(lang, "Rename this workspace (when everything is saved)")}>{tr(lang, "Rename…")}</button>
                <button onclick={on_duplicate} data-testid="workspace-duplicate" disabled={busy}>{tr(lang, "Duplicate")}</button>
                <button onclick={set_mode(Mode::ConfirmDelete)} data-testid="workspace-delete" disabled={!owner}
                    aria-expanded={expanded(Mode::ConfirmDelete)}>{tr(lang, "Delete…")}</button>
                <button onclick={set_mode(Mode::Manage)} data-testid="workspace-manage"
                    aria-expanded={expanded(Mode::Manage)} title={tr(lang, "Every workspace, its storage, open or delete it")}>{tr(lang, "All…")}</button>
                <button onclick={on_export} data-testid="workspace-export" disabled={busy}
                    title={tr(lang, "The workspace's files as kplay --data-dir keeps them")}>{tr(lang, "Download .tar")}</button>
                <label class="button-like">{tr(lang, "Import .tar")}
                    <input type="file" accept=".tar,application/x-tar" onchange={on_import}
                        data-testid="workspace-import" class="visually-hidden" />
                </label>
            </div>
            if let Some((asked, why)) = &*url_problem {
                <p class="workspace-message error workspace-url-error" role="alert" data-testid="workspace-url-error">
                    {trf(lang, "The link asks for workspace '{}', which cannot be opened: {} This page opened workspace '{}' instead: open one from the list below, or create one with \"New…\".", &[asked, &why.text(lang), &open])}
                    <button type="button" class="dismiss" onclick={dismiss(&url_problem)} data-testid="workspace-url-error-dismiss">{tr(lang, "Dismiss")}</button>
                </p>
            }
            { form }
            { message_view(&runner.message) }
        </div>
    }
}

fn dismiss<T: 'static>(state: &UseStateHandle<Option<T>>) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| state.set(None))
}

async fn duplicate(lang: Lang, from: String, list: Vec<String>) -> Result<String, String> {
    let to = copy_name(&from, &list);
    workspaces::copy(lang, &from, &to, &list).await?;
    Ok(trf(lang, "Duplicated '{}' as '{}'.", &[&from, &to]))
}

async fn export(lang: Lang, name: String, now_ms: i64) -> Result<String, String> {
    workspaces::export(&name, now_ms).await?;
    Ok(trf(
        lang,
        "Downloading {}.tar: mkdir DIR && tar -xf {}.tar -C DIR && kplay --data-dir DIR continues this cluster.",
        &[&name, &name],
    ))
}

#[derive(Properties, PartialEq)]
struct DeleteConfirmProps {
    names: Vec<String>,
    open: String,
    oncancel: Callback<MouseEvent>,
}

/// The confirmation step before the open workspace is deleted; its neighbour opens after.
#[component]
fn DeleteConfirm(props: &DeleteConfirmProps) -> Html {
    let lang = use_lang();
    let on_delete = {
        let (names, open) = (props.names.clone(), props.open.clone());
        Callback::from(move |_: MouseEvent| {
            let next = registry::after_delete(&names, &open, DEFAULT_WORKSPACE);
            workspaces::delete_at_next_start(&open);
            workspaces::open(&next);
        })
    };
    html! {
        <div class="workspace-form" role="alertdialog" aria-labelledby="delete-workspace-q"
            data-testid="workspace-delete-confirm">
            <p id="delete-workspace-q">
                {trf(lang, "Delete workspace '{}' and every topic and record in it? This cannot be undone.", &[&props.open])}
            </p>
            <button class="danger" onclick={on_delete} data-testid="workspace-delete-yes">{tr(lang, "Delete workspace")}</button>
            <button onclick={props.oncancel.clone()}>{tr(lang, "Cancel")}</button>
        </div>
    }
}

/// Imports `file` as a new workspace named after it (made unique), then opens it.
async fn import_file(lang: Lang, file: web_sys::File, list: Vec<String>) -> Result<String, String> {
    let file = gloo::file::File::from(file);
    let stem = file.name();
    let stem = stem.strip_suffix(".tar").unwrap_or(&stem).replace('/', "-");
    let stem: String = stem.trim().chars().take(registry::MAX_NAME_CHARS).collect();
    let stem = if stem.is_empty() {
        "imported".to_string()
    } else {
        stem
    };
    let name = if list.contains(&stem) {
        copy_name(&stem, &list)
    } else {
        stem
    };
    let bytes = gloo::file::futures::read_as_bytes(&file)
        .await
        .map_err(|e| trf(lang, "Cannot read {}: {}", &[&file.name(), &e]))?;
    workspaces::import(lang, &name, &bytes, &list).await?;
    workspaces::open(&name);
    Ok(trf(lang, "Imported '{}'.", &[&name]))
}

fn message_view(message: &Message) -> Html {
    match message {
        None => html! {},
        Some(Ok(text)) => {
            html! { <p class="workspace-message ok" role="status" data-testid="workspace-message">{text.clone()}</p> }
        }
        Some(Err(text)) => {
            html! { <p class="workspace-message error" role="alert" data-testid="workspace-error">{text.clone()}</p> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct NewFormProps {
    names: Vec<String>,
}

/// Name, broker count and seed of a new workspace; creating it opens it.
#[component]
fn NewForm(props: &NewFormProps) -> Html {
    let lang = use_lang();
    let name = use_state(String::new);
    let brokers = use_state(|| "3".to_string());
    let seed = use_state(|| "0".to_string());
    let error = use_state(|| None as Option<String>);
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_submit = {
        let (name, brokers, seed, error) =
            (name.clone(), brokers.clone(), seed.clone(), error.clone());
        let names = props.names.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let parsed = parse_new(lang, &name, &brokers, &seed, &names);
            let (name, error) = ((*name).clone(), error.clone());
            let names = names.clone();
            match parsed {
                Err(message) => error.set(Some(message)),
                Ok((brokers, seed)) => spawn_local(async move {
                    match workspaces::create(lang, &name, brokers, seed, &names).await {
                        Ok(()) => workspaces::open(&name),
                        Err(message) => error.set(Some(message)),
                    }
                }),
            }
        })
    };
    html! {
        <form class="workspace-form" onsubmit={on_submit} aria-label={tr(lang, "New workspace")} data-testid="workspace-new-form">
            <label>{tr(lang, "Name")}
                <input data-testid="workspace-new-name" value={(*name).clone()} oninput={text(&name)}
                    maxlength="64" autocomplete="off" spellcheck="false" placeholder="orders-lab" />
            </label>
            <label>{tr(lang, "Brokers")}
                <input data-testid="workspace-new-brokers" type="number" min="1" max={registry::MAX_BROKERS.to_string()}
                    value={(*brokers).clone()} oninput={text(&brokers)} />
            </label>
            <label>{tr(lang, "Seed")}
                <input data-testid="workspace-new-seed" type="number" min="0"
                    value={(*seed).clone()} oninput={text(&seed)} />
            </label>
            <button type="submit" data-testid="workspace-create">{tr(lang, "Create and open")}</button>
            if let Some(message) = &*error {
                <p class="workspace-message error" role="alert" data-testid="workspace-error">{message.clone()}</p>
            }
        </form>
    }
}

/// The new workspace's broker count and seed, or why the form cannot be used.
fn parse_new(
    lang: Lang,
    name: &str,
    brokers: &str,
    seed: &str,
    names: &[String],
) -> Result<(i32, u64), String> {
    validate_new_name(name, names).map_err(|why| why.text(lang))?;
    let brokers = brokers
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|b| (1..=registry::MAX_BROKERS).contains(b))
        .ok_or(trf(
            lang,
            "The broker count must be between 1 and {}.",
            &[&registry::MAX_BROKERS],
        ))?;
    let seed = seed.trim().parse::<u64>().map_err(|_| {
        tr(
            lang,
            "The seed must be a whole number from 0 to 18446744073709551615.",
        )
        .to_string()
    })?;
    Ok((brokers, seed))
}

#[derive(Properties, PartialEq)]
struct RenameFormProps {
    names: Vec<String>,
    open: String,
}

/// Renames the open workspace: a copy under the new name, opened, and the old one deleted
/// once this page is gone.
#[component]
fn RenameForm(props: &RenameFormProps) -> Html {
    let lang = use_lang();
    let name = use_state(|| props.open.clone());
    let error = use_state(|| None as Option<String>);
    let on_input = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_submit = {
        let (name, error, names, open) = (
            name.clone(),
            error.clone(),
            props.names.clone(),
            props.open.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (to, from, names, error) =
                ((*name).clone(), open.clone(), names.clone(), error.clone());
            spawn_local(async move {
                match workspaces::copy(lang, &from, &to, &names).await {
                    Ok(()) => {
                        // Its running clients and open views move with it.
                        crate::ui::session_clients::move_kept(&from, &to);
                        workspaces::delete_at_next_start(&from);
                        workspaces::open(&to);
                    }
                    Err(message) => error.set(Some(message)),
                }
            });
        })
    };
    html! {
        <form class="workspace-form" onsubmit={on_submit} aria-label={tr(lang, "Rename workspace")} data-testid="workspace-rename-form">
            <label>{tr(lang, "New name")}
                <input data-testid="workspace-rename-name" value={(*name).clone()} oninput={on_input}
                    maxlength="64" autocomplete="off" spellcheck="false" />
            </label>
            <button type="submit" data-testid="workspace-rename-save">{tr(lang, "Rename")}</button>
            if let Some(message) = &*error {
                <p class="workspace-message error" role="alert" data-testid="workspace-error">{message.clone()}</p>
            }
        </form>
    }
}
