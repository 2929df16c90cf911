//! Where the cluster is kept: the storage status line, what loading the saved cluster reported,
//! and "Reset cluster".

use crate::storage::indexeddb::database_name;
use crate::ui::components::restart_notice::RestartNotice;
use crate::ui::saving::StorageStatus;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::take_over;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StorageBarProps {
    pub workspace: AttrValue,
}

#[component]
pub fn StorageBar(props: &StorageBarProps) -> Html {
    // Asked the owner to let go: the page reloads once it has.
    let asked = use_state(|| false);
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let status = &store.storage;
    let kind = match status {
        StorageStatus::Loading | StorageStatus::Saving => "busy",
        StorageStatus::Saved => "ok",
        StorageStatus::OtherTab | StorageStatus::TakenOver => "warning",
        StorageStatus::Failed(_) | StorageStatus::InMemory(_) | StorageStatus::Unreadable(_) => {
            "error"
        }
    };
    let role = if kind == "ok" || kind == "busy" {
        "status"
    } else {
        "alert"
    };
    let on_reset = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let confirmed = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Reset the cluster? Every topic and record in this workspace is deleted.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if confirmed {
                store.dispatch(Action::Reset);
            }
        })
    };
    let on_retry = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Persist))
    };
    let on_take_over = {
        let (workspace, asked) = (props.workspace.clone(), asked.clone());
        Callback::from(move |_: MouseEvent| {
            asked.set(true);
            take_over::request(&database_name(&workspace));
        })
    };
    let notes = store
        .restore_notes
        .iter()
        .map(|note| html! { <li>{note.clone()}</li> });
    html! {
        <section class={classes!("storage-bar", kind)} aria-label="Storage">
            <p role={role} data-testid="storage-status" data-status={status_name(status)}>
                {status.describe(&props.workspace)}
            </p>
            if !store.restore_notes.is_empty() {
                <ul class="restore-notes" data-testid="restore-notes">{ for notes }</ul>
            }
            if let Some(report) = store.restart_report.clone() {
                <RestartNotice {report} />
            }
            if *status == StorageStatus::OtherTab {
                <button onclick={on_take_over} data-testid="take-over" disabled={*asked}
                    title="Ask the tab that has this workspace to save and let go, then work here">
                    {if *asked { "Asking the other tab to save and let go…" } else { "Take over here" }}
                </button>
            }
            if matches!(status, StorageStatus::Failed(_)) {
                <button onclick={on_retry} data-testid="retry-save">{"Retry saving"}</button>
            }
            <button class="reset" onclick={on_reset} data-testid="reset-cluster"
                disabled={!status.can_reset()}
                title="Delete every topic and record of this workspace and start a new cluster">
                {"Reset cluster"}
            </button>
        </section>
    }
}

/// A stable name for tests and styles.
fn status_name(status: &StorageStatus) -> &'static str {
    match status {
        StorageStatus::Loading => "loading",
        StorageStatus::Saved => "saved",
        StorageStatus::Saving => "saving",
        StorageStatus::Failed(_) => "failed",
        StorageStatus::OtherTab => "other-tab",
        StorageStatus::TakenOver => "taken-over",
        StorageStatus::InMemory(_) => "in-memory",
        StorageStatus::Unreadable(_) => "unreadable",
    }
}
