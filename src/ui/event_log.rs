//! The event log the page shows: the cluster's last trace lines (`engine::trace`, one line per
//! event, as `kplay --trace` writes them), bounded so a long session does not grow the store.

use std::collections::VecDeque;

/// How many trace lines the page keeps.
pub const EVENT_LOG_CAPACITY: usize = 30;

/// The last [`EVENT_LOG_CAPACITY`] trace lines, oldest first, and how many there were in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventLog {
    lines: VecDeque<String>,
    total: u64,
}

impl EventLog {
    /// Appends lines, dropping the oldest beyond the capacity.
    pub fn extend(&mut self, lines: impl IntoIterator<Item = String>) {
        for line in lines {
            if self.lines.len() == EVENT_LOG_CAPACITY {
                self.lines.pop_front();
            }
            self.lines.push_back(line);
            self.total += 1;
        }
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.lines.iter()
    }

    /// How many lines were ever added (since the page loaded or the cluster was reset).
    pub fn total(&self) -> u64 {
        self.total
    }
}
