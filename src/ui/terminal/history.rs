//! Command history as a shell keeps it: Up walks back through what was run, Down forward, and
//! past the newest entry Down gives back what was being typed before Up was first pressed.

/// How many commands are kept.
pub const HISTORY_CAPACITY: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    /// The entry shown now, while walking; `None` when editing a new line.
    cursor: Option<usize>,
    /// The line being typed when the walk began.
    draft: String,
}

impl History {
    /// Remembers a command: not a blank one, and not the same as the one before it (bash's
    /// `ignoredups`). Ends any walk.
    pub fn push(&mut self, line: &str) {
        self.cursor = None;
        self.draft.clear();
        if line.trim().is_empty() || self.entries.last().is_some_and(|last| last == line) {
            return;
        }
        if self.entries.len() == HISTORY_CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push(line.to_string());
    }

    /// Up: the entry before the one shown (the newest at first), keeping `current` as the
    /// draft when a walk begins. `None` when there is nothing older.
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None => {
                let newest = self.entries.len().checked_sub(1)?;
                self.draft = current.to_string();
                newest
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        self.entries.get(next).cloned()
    }

    /// Down: the entry after the one shown, then the draft. `None` when not walking.
    pub fn down(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.entries.len() {
            self.cursor = Some(i + 1);
            self.entries.get(i + 1).cloned()
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }
}
