//! Checkpoints of a session's cluster, so a rewind replays from the nearest one instead of from
//! the cluster's start (issue #10, item 4: "checkpoints plus deterministic replay").
//!
//! A checkpoint is the whole cluster at a moment, with the steps that led there and the trace
//! hash so far. It serves any branch whose first steps are the same and whose next step had not
//! started yet at the checkpoint's time: replaying on from it is the same as replaying from the
//! start (the engine is deterministic, and a replay waits until each step's own start time).
//!
//! Copies are not free — a cluster holds every broker's files, and a checkpoint the page's store
//! takes is a copy of its live cluster (`ui::timeline`) — so checkpoints are spaced
//! ([`CHECKPOINT_EVERY_STEPS`], [`CHECKPOINT_EVERY_MS`]), a cluster over
//! [`MAX_CHECKPOINT_BYTES`] of files is not kept, and the whole set is held under
//! [`CHECKPOINTS_BUDGET_BYTES`] by thinning it where checkpoints lie closest together.

use super::history::Moment;
use super::Step;
use crate::engine::Cluster;
use std::rc::Rc;

/// A new checkpoint once this many steps ran since the last one…
pub const CHECKPOINT_EVERY_STEPS: usize = 20;
/// …or this much simulated time passed.
pub const CHECKPOINT_EVERY_MS: i64 = 60_000;
/// A cluster with more file bytes than this is not kept (a copy would hold the page too long).
pub const MAX_CHECKPOINT_BYTES: u64 = 32 << 20;
/// The file bytes all checkpoints together may hold.
pub const CHECKPOINTS_BUDGET_BYTES: u64 = 128 << 20;
/// The most checkpoints kept.
pub const MAX_CHECKPOINTS: usize = 24;

/// The cluster at a moment, and how it got there.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// The steps that ran (the moment's `steps` is their count).
    pub steps: Rc<[Step]>,
    pub moment: Moment,
    /// The clock when the last of `steps` ended (the cluster's start without any).
    pub steps_end_ms: i64,
    pub cluster: Rc<Cluster>,
    /// The trace hash of every event since the cluster's start.
    pub trace_hash: u64,
    /// The cluster's file bytes.
    pub bytes: u64,
}

impl Checkpoint {
    /// Whether replaying `steps` up to `target` can start here.
    pub fn serves(&self, steps: &[Step], target: Moment) -> bool {
        let k = self.steps.len();
        if target.steps < k || target.at_ms < self.moment.at_ms || steps.len() < k {
            return false;
        }
        if steps[..k] != self.steps[..] {
            return false;
        }
        // The next step must not have started before the checkpoint's time.
        match steps.get(k).filter(|_| target.steps > k) {
            Some(next) => self.steps_end_ms + next.wait_ms >= self.moment.at_ms,
            None => true,
        }
    }
}

/// The session's checkpoints, in moment order.
#[derive(Debug, Clone, Default)]
pub struct Checkpoints {
    list: Vec<Checkpoint>,
    /// Where the latest checkpoint was taken (the list is in moment order, and after a rewind
    /// the latest taken is not the last).
    latest: Option<Moment>,
}

impl Checkpoints {
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether a checkpoint at `moment` is due: far enough from the last one.
    pub fn wants(&self, moment: Moment) -> bool {
        match self.latest {
            None => true,
            Some(latest) => {
                moment.steps >= latest.steps + CHECKPOINT_EVERY_STEPS
                    || moment.at_ms >= latest.at_ms + CHECKPOINT_EVERY_MS
            }
        }
    }

    /// The step count of the latest checkpoint taken.
    pub fn last_steps(&self) -> Option<usize> {
        self.latest.map(|m| m.steps)
    }

    /// Keeps `checkpoint` (unless its cluster is over [`MAX_CHECKPOINT_BYTES`] or one for the
    /// same steps and moment is kept), then thins the set while it is over the budget.
    pub fn add(&mut self, checkpoint: Checkpoint) {
        if checkpoint.bytes > MAX_CHECKPOINT_BYTES {
            return;
        }
        self.latest = Some(checkpoint.moment);
        let same = |c: &Checkpoint| c.moment == checkpoint.moment && c.steps == checkpoint.steps;
        if self.list.iter().any(same) {
            return;
        }
        self.list.push(checkpoint);
        self.list.sort_by_key(|c| c.moment);
        while self.list.len() > MAX_CHECKPOINTS
            || self.list.iter().map(|c| c.bytes).sum::<u64>() > CHECKPOINTS_BUDGET_BYTES
        {
            let thinnest = self.thinnest();
            self.list.remove(thinnest);
        }
    }

    /// The checkpoint whose loss leaves the smallest gap between its neighbours (in simulated
    /// time): dropping it keeps the rest spread over the whole history, so a rewind anywhere
    /// finds one not far before it. The first and the last are kept while there are others.
    fn thinnest(&self) -> usize {
        (1..self.list.len().saturating_sub(1))
            .min_by_key(|&i| self.list[i + 1].moment.at_ms - self.list[i - 1].moment.at_ms)
            .unwrap_or(0)
    }

    /// The latest checkpoint a replay of `steps` up to `target` can start from.
    pub fn best_for(&self, steps: &[Step], target: Moment) -> Option<&Checkpoint> {
        self.list
            .iter()
            .filter(|c| c.serves(steps, target))
            .max_by_key(|c| c.moment)
    }
}
