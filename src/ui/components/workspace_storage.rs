//! Storage used: this workspace's bytes per broker (from the file lengths its database keeps),
//! the whole site's usage and quota (`navigator.storage.estimate()`), and "Keep data", which asks
//! the browser not to evict this site's data (`navigator.storage.persist()`) and shows its answer.

use crate::i18n::{tr, trf};
use crate::ui::format::bytes as format_bytes;
use crate::ui::prefs::use_lang;
use crate::ui::store::StoreHandle;
use crate::ui::workspaces;
use std::collections::BTreeMap;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Sizes in the page's units (`ui::format::bytes`); a site may use more than an `i64` can say
/// only in theory.
fn human_bytes(n: u64) -> String {
    format_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

#[derive(Properties, PartialEq)]
pub struct WorkspaceStorageProps {
    pub workspace: AttrValue,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Figures {
    per_broker: Option<BTreeMap<Option<i32>, u64>>,
    estimate: Option<(f64, f64)>,
    persisted: Option<bool>,
}

#[component]
pub fn WorkspaceStorage(props: &WorkspaceStorageProps) -> Html {
    let lang = use_lang();
    let store = use_context::<StoreHandle>();
    let figures = use_state(Figures::default);
    let persist_answer = use_state(|| None as Option<Option<bool>>);
    // Read again whenever a save completes (the storage status changes).
    let status = store.as_ref().map(|s| s.storage.clone());
    {
        let (figures, workspace) = (figures.clone(), props.workspace.to_string());
        use_effect_with(status, move |_| {
            spawn_local(async move {
                figures.set(Figures {
                    per_broker: workspaces::usage(&workspace).await,
                    estimate: workspaces::estimate().await,
                    persisted: workspaces::persisted().await,
                });
            });
        });
    }
    let on_keep = {
        let persist_answer = persist_answer.clone();
        Callback::from(move |_: MouseEvent| {
            let persist_answer = persist_answer.clone();
            spawn_local(async move { persist_answer.set(Some(workspaces::persist().await)) });
        })
    };
    let total: u64 = figures.per_broker.iter().flat_map(|m| m.values()).sum();
    // Brokers first, the metadata file (no broker) last.
    let mut rows: Vec<(Option<i32>, u64)> = figures
        .per_broker
        .iter()
        .flatten()
        .map(|(b, n)| (*b, *n))
        .collect();
    rows.sort_by_key(|(broker, _)| (broker.is_none(), *broker));
    let brokers = rows.iter().map(|(broker, bytes)| {
        let text = match broker {
            Some(id) => trf(lang, "broker {}: {}", &[id, &human_bytes(*bytes)]),
            None => trf(lang, "metadata: {}", &[&human_bytes(*bytes)]),
        };
        html! { <li data-testid="usage-item">{text}</li> }
    });
    let persisted = (*persist_answer).unwrap_or(figures.persisted);
    let answer = match (*persist_answer, persisted) {
        (Some(None), _) => tr(lang, "This browser cannot be asked to keep data."),
        (_, Some(true)) => tr(
            lang,
            "Kept: the browser will not evict this site's data under storage pressure.",
        ),
        (Some(Some(false)), _) => tr(
            lang,
            "The browser declined: it may evict this site's data when storage runs low.",
        ),
        _ => tr(
            lang,
            "The browser may evict this site's data when storage runs low.",
        ),
    };
    html! {
        <section class="workspace-storage" aria-label={tr(lang, "Storage used")} data-testid="workspace-storage">
            <span data-testid="workspace-usage">
                {trf(lang, "This workspace: {}", &[&human_bytes(total)])}
            </span>
            <ul class="usage-list">{ for brokers }</ul>
            if let Some((usage, quota)) = figures.estimate {
                <span class="muted" data-testid="site-usage">
                    {trf(lang, "All of this site: {} of {}", &[&human_bytes(usage as u64), &human_bytes(quota as u64)])}
                </span>
            }
            <button onclick={on_keep} data-testid="keep-data" disabled={persisted == Some(true)}>{tr(lang, "Keep data")}</button>
            <span class="muted" role="status" data-testid="keep-data-answer">{answer}</span>
        </section>
    }
}
