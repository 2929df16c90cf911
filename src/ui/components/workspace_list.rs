//! Every workspace in a list under the switcher ("All…"): its storage used, in total and per
//! broker, and Open and Delete (after a confirmation) for each. The open workspace is deleted
//! from the switcher's own "Delete…"; another one here, unless a tab has it open.

use crate::i18n::{tr, trf};
use crate::ui::format::bytes as format_bytes;
use crate::ui::prefs::use_lang;
use crate::ui::workspaces;
use std::collections::BTreeMap;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WorkspaceListProps {
    pub names: Vec<String>,
    pub open: String,
    /// A workspace was deleted: the list is read again.
    pub onchange: Callback<()>,
}

/// Bytes per broker (`None`: the metadata file) of each workspace.
type Usage = BTreeMap<String, BTreeMap<Option<i32>, u64>>;

#[component]
pub fn WorkspaceList(props: &WorkspaceListProps) -> Html {
    let lang = use_lang();
    let usage = use_state(Usage::new);
    let confirm = use_state(|| None as Option<String>);
    let error = use_state(|| None as Option<String>);
    {
        let usage = usage.clone();
        use_effect_with(props.names.clone(), move |names| {
            let names = names.clone();
            spawn_local(async move {
                let mut read = Usage::new();
                for name in names {
                    if let Some(sizes) = workspaces::usage(&name).await {
                        read.insert(name, sizes);
                    }
                }
                usage.set(read);
            });
        });
    }
    let rows = props.names.iter().map(|name| {
        let sizes = usage.get(name);
        let total: u64 = sizes.iter().flat_map(|s| s.values()).sum();
        let brokers = sizes
            .iter()
            .flat_map(|s| s.iter())
            .filter_map(|(b, n)| b.map(|b| trf(lang, "broker {}: {}", &[&b, &size(*n)])))
            .collect::<Vec<_>>()
            .join(", ");
        let open_it = {
            let name = name.clone();
            Callback::from(move |_: MouseEvent| workspaces::open(&name))
        };
        let ask = {
            let (confirm, name) = (confirm.clone(), name.clone());
            Callback::from(move |_: MouseEvent| confirm.set(Some(name.clone())))
        };
        let cancel = {
            let confirm = confirm.clone();
            Callback::from(move |_: MouseEvent| confirm.set(None))
        };
        let delete = {
            let (name, confirm, error, onchange) =
                (name.clone(), confirm.clone(), error.clone(), props.onchange.clone());
            Callback::from(move |_: MouseEvent| {
                let (name, confirm, error, onchange) =
                    (name.clone(), confirm.clone(), error.clone(), onchange.clone());
                spawn_local(async move {
                    let result = workspaces::delete_if_free(lang, &name).await;
                    confirm.set(None);
                    error.set(result.err());
                    onchange.emit(());
                });
            })
        };
        let is_open = *name == props.open;
        html! {
            <li data-testid="workspace-row" data-workspace={name.clone()}>
                <strong>{name.clone()}</strong>
                <span class="muted" data-testid="workspace-row-usage">
                    {format!(" {}", size(total))}
                    if !brokers.is_empty() { {format!(" ({brokers})")} }
                </span>
                if is_open {
                    <span class="muted">{tr(lang, " (open)")}</span>
                } else if confirm.as_deref() == Some(name.as_str()) {
                    <span role="alertdialog" aria-label={trf(lang, "Delete workspace '{}'?", &[name])}>
                        {trf(lang, " Delete '{}' and everything in it? ", &[name])}
                        <button class="danger" onclick={delete} data-testid="workspace-row-delete-yes">{tr(lang, "Delete workspace")}</button>
                        <button onclick={cancel}>{tr(lang, "Cancel")}</button>
                    </span>
                } else {
                    <button onclick={open_it} data-testid="workspace-row-open">{tr(lang, "Open")}</button>
                    <button onclick={ask} data-testid="workspace-row-delete">{tr(lang, "Delete…")}</button>
                }
            </li>
        }
    });
    html! {
        <div class="workspace-form workspace-list" data-testid="workspace-list">
            <ul aria-label={tr(lang, "Workspaces")}>{ for rows }</ul>
            if let Some(message) = &*error {
                <p class="workspace-message error" role="alert" data-testid="workspace-error">{message.clone()}</p>
            }
        </div>
    }
}

fn size(n: u64) -> String {
    format_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}
