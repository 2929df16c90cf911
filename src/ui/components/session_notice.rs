//! The notice saying which producers and consumers the page restarted after a reload
//! (`ui::session_clients`), beside the restart report; dismissible.

use crate::i18n::tr;
use crate::ui::prefs::use_lang;
use crate::ui::store::StoreHandle;
use yew::prelude::*;

#[component]
pub fn SessionNotice() -> Html {
    let lang = use_lang();
    let dismissed = use_state(|| false);
    let Some(store) = use_context::<StoreHandle>() else {
        return html! {};
    };
    let Some(note) = store.session_note.clone() else {
        return html! {};
    };
    if *dismissed {
        return html! {};
    }
    let on_dismiss = Callback::from(move |_: MouseEvent| dismissed.set(true));
    html! {
        <div class="restart-notice clean session-notice" role="status" data-testid="session-restored">
            <p data-testid="session-restored-summary">{note.text(lang)}</p>
            <button type="button" class="dismiss" onclick={on_dismiss} data-testid="dismiss-session-restored"
                aria-label={tr(lang, "Dismiss the restarted clients notice")}>{tr(lang, "Dismiss")}</button>
        </div>
    }
}
