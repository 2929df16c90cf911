//! The UI session at the edge (`ui::session_clients`): once the saved cluster is loaded, the
//! session kept for this workspace is read back ([`Action::RestoreSession`]); from then on, in
//! the tab that owns the workspace, every change to it is written to `localStorage`.

use crate::ui::saving::StorageStatus;
use crate::ui::session_clients::{keep, load_kept};
use crate::ui::store::{Action, StoreHandle};
use yew::prelude::*;

#[hook]
pub fn use_session(store: &StoreHandle, workspace: &str) {
    // Nothing is written until what was kept has been read back.
    let restored = use_mut_ref(|| false);
    {
        let (dispatcher, workspace, restored) =
            (store.dispatcher(), workspace.to_string(), restored.clone());
        let loaded = store.storage != StorageStatus::Loading;
        use_effect_with(loaded, move |&loaded| {
            if loaded && !std::mem::replace(&mut *restored.borrow_mut(), true) {
                dispatcher.dispatch(Action::RestoreSession(load_kept(&workspace)));
            }
        });
    }
    let writes = store.storage.writes();
    let workspace = workspace.to_string();
    use_effect_with(store.session.clone(), move |session| {
        // A tab that does not own the workspace keeps nothing: the owner's session stands.
        if *restored.borrow() && writes {
            keep(&workspace, session);
        }
    });
}
