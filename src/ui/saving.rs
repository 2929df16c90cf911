//! Where this tab's cluster is kept, as the page says it, and what a save writes. Why storage
//! is not as it should be is a [`Message`], said in the page's language when the status is
//! shown (an error's own detail, IndexedDB's or the engine's, stays as given).

use crate::i18n::{tr, trf, Lang, Message};
use crate::storage::Change;

/// One flush of the write-behind: the changes, in order, over an emptied workspace if
/// `clear_first`. Written in one IndexedDB transaction: all of it or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveBatch {
    pub clear_first: bool,
    pub changes: Vec<Change>,
}

/// What an owner whose save failed says on its "Not saved" line when another tab asks for the
/// workspace (`ui::hooks::persistence`): why the save failed, and that it keeps the workspace.
pub fn refusing(reason: Message) -> Message {
    Message::nest(
        "{}; another tab asked to take this workspace over, and this tab keeps it until its changes are saved",
        vec![reason],
    )
}

/// Why a save failed, without the note [`refusing`] adds.
pub fn without_refusal(message: &Message) -> &Message {
    match (message, refusing(Message::plain(""))) {
        (Message::Template(template, args), Message::Template(note, _))
            if *template == note && args.len() == 1 =>
        {
            &args[0]
        }
        _ => message,
    }
}

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
    Failed(Message),
    /// Another tab owns the workspace: this one shows what was saved and writes nothing.
    OtherTab,
    /// This tab owned the workspace until another tab took it over: it writes nothing more.
    TakenOver,
    /// Another tab took the workspace by force (Web Locks `steal`) before this tab's last
    /// changes were written (the message says why): they live in this tab only.
    TakenOverUnsaved(Message),
    /// IndexedDB cannot be used: the cluster lives in this tab only.
    InMemory(Message),
    /// The saved cluster cannot be loaded; it is left untouched until the person resets.
    Unreadable(Message),
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
                StorageStatus::TakenOverUnsaved(Message::new("a save was under way", &[]))
            }
            StorageStatus::Failed(message) => {
                StorageStatus::TakenOverUnsaved(without_refusal(message).clone())
            }
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
                &[&message.text(lang)],
            ),
            StorageStatus::OtherTab => tr(lang, "This workspace is open in another tab. This tab shows the cluster as it was last saved and does not save changes; \"Take over here\" moves the workspace to this tab (or close the other tab and reload).").to_string(),
            StorageStatus::TakenOver => tr(lang, "Another tab took over this workspace: everything this tab did is saved, and it saves nothing more. Reload to work here again.").to_string(),
            StorageStatus::TakenOverUnsaved(message) => trf(
                lang,
                "Another tab took this workspace over before this tab's last changes were saved ({}). They are in this tab only and are lost when it closes; the workspace holds the cluster as last saved, and this tab saves nothing more.",
                &[&message.text(lang)],
            ),
            StorageStatus::InMemory(message) => trf(
                lang,
                "{}. The cluster lives in this tab only and is lost when it closes.",
                &[&message.text(lang)],
            ),
            StorageStatus::Unreadable(message) => trf(
                lang,
                "The saved cluster cannot be loaded: {}. It is left untouched; \"Reset cluster\" starts a new one.",
                &[&message.text(lang)],
            ),
        }
    }
}
