//! Where this tab's cluster is kept, as the page says it, and what a save writes.

use crate::i18n::{tr, trf, Lang};
use crate::storage::Change;

/// One flush of the write-behind: the changes, in order, over an emptied workspace if
/// `clear_first`. Written in one IndexedDB transaction: all of it or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveBatch {
    pub clear_first: bool,
    pub changes: Vec<Change>,
}

/// What an owner whose save failed adds to its "Not saved" line when another tab asks for the
/// workspace (`ui::hooks::persistence`), after "; ".
pub const REFUSAL_NOTE: &str = "another tab asked to take this workspace over, and this tab keeps it until its changes are saved";

/// This tab's storage, from the first render on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageStatus {
    /// Reading the workspace from IndexedDB.
    Loading,
    /// This tab owns the workspace and everything it did is written.
    Saved,
    /// This tab owns the workspace and a write is pending or under way.
    Saving,
    /// The last write failed (the message says why); the cluster in the tab is intact and the
    /// next save rewrites the whole workspace.
    Failed(String),
    /// Another tab owns the workspace: this one shows what was saved and writes nothing.
    OtherTab,
    /// This tab owned the workspace until another tab took it over: it writes nothing more.
    TakenOver,
    /// Another tab took the workspace by force (Web Locks `steal`) before this tab's last
    /// changes were written (the message says why): they live in this tab only.
    TakenOverUnsaved(String),
    /// IndexedDB cannot be used: the cluster lives in this tab only.
    InMemory(String),
    /// The saved cluster cannot be loaded; it is left untouched until the person resets.
    Unreadable(String),
}

impl StorageStatus {
    /// Whether a save writes to the workspace.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            StorageStatus::Saved | StorageStatus::Saving | StorageStatus::Failed(_)
        )
    }

    /// Whether "Reset cluster" may empty the workspace (this tab owns it).
    pub fn can_reset(&self) -> bool {
        self.writes() || matches!(self, StorageStatus::Unreadable(_))
    }

    /// What this tab is once another tab has the workspace: [`StorageStatus::TakenOver`] if
    /// everything it did is written, else [`StorageStatus::TakenOverUnsaved`] saying why not (a
    /// take-over by force can come while a write is failing or under way).
    pub fn after_take_over(&self) -> StorageStatus {
        match self {
            // An unreadable workspace was never written by this tab: nothing of it is unsaved.
            StorageStatus::Saved | StorageStatus::Unreadable(_) => StorageStatus::TakenOver,
            StorageStatus::Saving => {
                StorageStatus::TakenOverUnsaved("a save was under way".to_string())
            }
            StorageStatus::Failed(message) => StorageStatus::TakenOverUnsaved(
                message
                    .strip_suffix(REFUSAL_NOTE)
                    .map_or(message.as_str(), |m| m.trim_end_matches([' ', ';']))
                    .to_string(),
            ),
            other => other.clone(),
        }
    }

    /// The sentence the page shows.
    pub fn describe(&self, workspace: &str, lang: Lang) -> String {
        match self {
            StorageStatus::Loading => tr(lang, "Loading…").to_string(),
            StorageStatus::Saved => trf(lang, "Saved in this browser (workspace '{}').", &[&workspace]),
            StorageStatus::Saving => trf(lang, "Saving to this browser (workspace '{}')…", &[&workspace]),
            StorageStatus::Failed(message) => trf(
                lang,
                "Not saved: {}. The cluster in this tab is intact; the next save rewrites the workspace.",
                &[message],
            ),
            StorageStatus::OtherTab => tr(lang, "This workspace is open in another tab. This tab shows the cluster as it was last saved and does not save changes; \"Take over here\" moves the workspace to this tab (or close the other tab and reload).").to_string(),
            StorageStatus::TakenOver => tr(lang, "Another tab took over this workspace: everything this tab did is saved, and it saves nothing more. Reload to work here again.").to_string(),
            StorageStatus::TakenOverUnsaved(message) => trf(
                lang,
                "Another tab took this workspace over before this tab's last changes were saved ({}). They are in this tab only and are lost when it closes; the workspace holds the cluster as last saved, and this tab saves nothing more.",
                &[message],
            ),
            StorageStatus::InMemory(message) => trf(
                lang,
                "{}. The cluster lives in this tab only and is lost when it closes.",
                &[message],
            ),
            StorageStatus::Unreadable(message) => trf(
                lang,
                "The saved cluster cannot be loaded: {}. It is left untouched; \"Reset cluster\" starts a new one.",
                &[message],
            ),
        }
    }
}
