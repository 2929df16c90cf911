//! Where the cluster is kept: the storage status line, what loading the saved cluster reported,
//! "Take over here" (and, when the owning tab refuses or does not answer, "Take over anyway"),
//! and "Reset cluster".

use crate::i18n::{tr, trf};
use crate::storage::indexeddb::database_name;
use crate::ui::components::restart_notice::RestartNotice;
use crate::ui::prefs::use_lang;
use crate::ui::saving::StorageStatus;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::take_over::{self, Answer};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StorageBarProps {
    pub workspace: AttrValue,
}

#[component]
pub fn StorageBar(props: &StorageBarProps) -> Html {
    let lang = use_lang();
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let status = &store.storage;
    let kind = match status {
        StorageStatus::Loading | StorageStatus::Saving => "busy",
        StorageStatus::Saved => "ok",
        StorageStatus::OtherTab | StorageStatus::TakenOver => "warning",
        StorageStatus::TakenOverUnsaved(_) => "error",
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
                    w.confirm_with_message(tr(
                        lang,
                        "Reset the cluster? Every topic and record in this workspace is deleted.",
                    ))
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
    let notes = store
        .restore_notes
        .iter()
        .map(|note| html! { <li>{note.clone()}</li> });
    html! {
        <section class={classes!("storage-bar", kind)} aria-label={tr(lang, "Storage")}>
            <p role={role} data-testid="storage-status" data-status={status_name(status)}>
                {status.describe(&props.workspace, lang)}
            </p>
            if !store.restore_notes.is_empty() {
                <ul class="restore-notes" data-testid="restore-notes">{ for notes }</ul>
            }
            if let Some(report) = store.restart_report.clone() {
                <RestartNotice {report} />
            }
            if *status == StorageStatus::OtherTab {
                <TakeOver workspace={props.workspace.clone()} />
            }
            if matches!(status, StorageStatus::Failed(_)) {
                <button onclick={on_retry} data-testid="retry-save">{tr(lang, "Retry saving")}</button>
            }
            <button class="reset" onclick={on_reset} data-testid="reset-cluster"
                disabled={!status.can_reset()}
                title={tr(lang, "Delete every topic and record of this workspace and start a new cluster")}>
                {tr(lang, "Reset cluster")}
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
        StorageStatus::TakenOverUnsaved(_) => "taken-over-unsaved",
        StorageStatus::InMemory(_) => "in-memory",
        StorageStatus::Unreadable(_) => "unreadable",
    }
}

#[derive(Properties, PartialEq)]
struct TakeOverProps {
    workspace: AttrValue,
}

/// Where a take-over request stands in the asking tab (the page reloads once the owner let go).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    NotAsked,
    Asked,
    Answered(Answer),
}

/// "Take over here", and "Take over anyway" once the owner refused or did not answer.
#[component]
fn TakeOver(props: &TakeOverProps) -> Html {
    let lang = use_lang();
    let request = use_state(|| Request::NotAsked);
    let database = database_name(&props.workspace);
    let on_ask = {
        let (request, database) = (request.clone(), database.clone());
        Callback::from(move |_: MouseEvent| {
            request.set(Request::Asked);
            let answered = request.setter();
            take_over::request(&database, move |answer| {
                answered.set(Request::Answered(answer))
            });
        })
    };
    let on_force = Callback::from(move |_: MouseEvent| take_over::take_by_force(&database));
    let asked = *request == Request::Asked;
    let label = match &*request {
        Request::NotAsked => tr(lang, "Take over here"),
        Request::Asked => tr(lang, "Asking the other tab to save and let go…"),
        Request::Answered(_) => tr(lang, "Ask again"),
    };
    let answer = match &*request {
        Request::Answered(Answer::NoAnswer) => Some(trf(
            lang,
            "The other tab has not answered in {} s: it may be frozen, crashed or asleep in the background. \"Take over anyway\" takes the workspace from it (the Web Locks API's steal): this tab reloads, works on the workspace as last saved and rewrites it; whatever the other tab has not saved is lost, and if it still runs it saves nothing more.",
            &[&(take_over::NO_ANSWER_MS / 1000)],
        )),
        Request::Answered(Answer::Refused(reason)) => Some(trf(
            lang,
            "The other tab could not save its last changes ({}) and keeps the workspace so that they are not lost. Ask again once it has saved, or take over anyway: this tab reloads and works on the workspace as last saved (the Web Locks API's steal); the other tab's unsaved changes stay in that tab only.",
            &[reason],
        )),
        _ => None,
    };
    html! {
        <>
            <button onclick={on_ask} data-testid="take-over" disabled={asked}
                title={tr(lang, "Ask the tab that has this workspace to save and let go, then work here")}>
                {label}
            </button>
            if let Some(answer) = answer {
                <p class="take-over-answer" role="alert" data-testid="take-over-answer">{answer}</p>
                <button class="danger" onclick={on_force} data-testid="take-over-by-force"
                    title={tr(lang, "Take this workspace's lock from the other tab and work here")}>
                    {tr(lang, "Take over anyway")}
                </button>
            }
        </>
    }
}
