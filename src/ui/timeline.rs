//! The timeline in the page (issue #10, item 4), the store's half: marks for every recorded
//! command and every notable event (`scenario::history`), checkpoints of the live cluster
//! (`scenario::checkpoints`), and [`Action::Rewind`](super::store::Action::Rewind) — the whole
//! cluster put back to a moment of a branch by replaying that branch's commands from the
//! nearest checkpoint, a slice per animation frame, like an opened share link
//! (`ui::share`). The session then goes on from there on a new branch.
//!
//! The history and the checkpoints are shared by every state of the store and changed in
//! place, as the cluster is (`ui::cluster_cell`): copying a thousand marks on every animation
//! frame that drained an event would cost more than the frame. A checkpoint is a copy of the
//! cluster made when it is taken; the live cluster is never shared with one.

use super::share::{ReplayPurpose, Replaying};
use super::store::Store;
use super::terminal::TermLine;
use crate::engine::event::Event;
use crate::i18n::Message;
use crate::scenario::checkpoints::{Checkpoint, Checkpoints};
use crate::scenario::history::{History, Moment};
use crate::scenario::history_file;
use crate::scenario::replay::ReplayJob;
use crate::scenario::Scenario;
use crate::storage::Change;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The wall time between two checkpoints taken while time only passes (playback): a copy of
/// the cluster costs milliseconds per megabyte, and at 1000× a minute of simulated time is 60 ms.
const CHECKPOINT_MIN_WALL_MS: f64 = 2_000.0;

/// The session's branches and marks, and the checkpoints rewinds start from.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub history: Rc<RefCell<History>>,
    checkpoints: Rc<RefCell<Checkpoints>>,
    /// When the last checkpoint was taken (wall ms).
    last_checkpoint_wall_ms: Rc<Cell<Option<f64>>>,
    /// The history's revision the workspace holds (`None`: not written yet).
    saved_revision: Rc<Cell<Option<u64>>>,
}

impl Timeline {
    /// A new history from the cluster's start at `start_ms`, with no checkpoint.
    pub fn new(start_ms: i64) -> Self {
        Timeline {
            history: Rc::new(RefCell::new(History::new(start_ms))),
            ..Timeline::default()
        }
    }

    /// A history built elsewhere (an opened scenario's replay), not saved yet.
    pub fn from_history(history: History) -> Self {
        Timeline {
            history: Rc::new(RefCell::new(history)),
            ..Timeline::default()
        }
    }

    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.borrow().len()
    }
}

impl Store {
    /// A new or restarted cluster: its history starts over (the branches of a reset cluster
    /// are gone with it).
    pub(super) fn restart_timeline(&mut self) {
        self.timeline = Timeline::new(self.cluster().options().start_time.as_millis());
    }

    /// The timeline a restored workspace kept, when it belongs to the restored session: its
    /// scenario was restored too, and the live branch's steps are that scenario's.
    pub(super) fn timeline_loaded(&mut self, text: Option<&str>) {
        if self.scenario.incomplete() || self.scenario.restarts() == 0 {
            return;
        }
        let Some(history) = text.and_then(history_file::from_text) else {
            return;
        };
        // The marks count the steps as recorded; the scenario file read back has a step per
        // command: the timeline's copy of the steps puts the recorded ones back.
        let steps = history
            .branch(history.live())
            .map(|live| live.steps.clone())
            .unwrap_or_default();
        if Rc::make_mut(&mut self.scenario).adopt_steps(steps) {
            let revision = history.revision();
            self.timeline = Timeline::from_history(history);
            self.timeline.saved_revision.set(Some(revision));
        }
    }

    /// The timeline's file for a save batch, when it changed since the last (or `all`).
    pub(super) fn timeline_file(&self, all: bool) -> Option<Change> {
        let history = self.timeline.history.borrow();
        let saved = &self.timeline.saved_revision;
        if !all && saved.get() == Some(history.revision()) {
            return None;
        }
        saved.set(Some(history.revision()));
        Some(Change::Replace {
            path: history_file::WORKSPACE_FILE.to_string(),
            bytes: history_file::to_text(&history, self.scenario.steps()).into_bytes(),
        })
    }

    /// The mark for a command that started at `started_ms` after `steps` steps.
    pub(super) fn mark_command(&self, steps: usize, started_ms: i64, line: &str) {
        self.timeline
            .history
            .borrow_mut()
            .command(steps, started_ms, line);
    }

    /// Marks for the events just drained.
    pub(super) fn mark_events(&self, events: &[Event]) {
        let (steps, end) = (self.scenario.steps().len(), self.scenario.steps_end_ms());
        let waited_from = self.scenario.last_step_waited_from();
        self.timeline
            .history
            .borrow_mut()
            .observe(events, steps, end, waited_from);
    }

    /// Why the session cannot be rewound, if it cannot: its steps do not rebuild it.
    pub fn rewind_refusal(&self) -> Option<&'static str> {
        if self.scenario.incomplete() {
            Some("This workspace was saved before the playground kept what was done in it, so its history cannot be replayed. Reset the cluster to start one that can.")
        } else if self.scenario.overflowed() {
            Some("This session is too long to rewind: it holds more than 10000 commands. Reset the cluster to start a new one.")
        } else {
            None
        }
    }

    /// After a change: keeps the live cluster as a checkpoint when one is due.
    pub(super) fn consider_checkpoint(&mut self) {
        if self.unsettled || self.replaying.is_some() || self.rewind_refusal().is_some() {
            return;
        }
        let moment = self.live_moment();
        if !self.timeline.checkpoints.borrow().wants(moment) {
            return;
        }
        let wall = wall_ms();
        let last = self.timeline.last_checkpoint_wall_ms.get();
        let changed_by_time_only = self
            .timeline
            .checkpoints
            .borrow()
            .last_steps()
            .is_some_and(|steps| steps == moment.steps);
        if changed_by_time_only
            && matches!((wall, last), (Some(now), Some(last)) if now - last < CHECKPOINT_MIN_WALL_MS)
        {
            return;
        }
        self.checkpoint_here();
        self.timeline.last_checkpoint_wall_ms.set(wall);
    }

    /// Keeps a copy of the live cluster as a checkpoint (when it is small enough). The copy is
    /// made now rather than shared: the live cluster stays unshared, so the actions after this
    /// one change it in place (`ui::cluster_cell`) instead of copying it at some later frame.
    fn checkpoint_here(&self) {
        self.checkpoint(|live| Rc::new(crate::engine::Cluster::clone(&live)));
    }

    /// Keeps the live cluster as a checkpoint without a copy: for a rewind, which puts another
    /// cluster in its place at once, leaving the checkpoint its only owner.
    fn checkpoint_leaving(&self) {
        self.checkpoint(|live| live);
    }

    /// Keeps `keep(the live cluster)` as a checkpoint (when it is small enough).
    fn checkpoint(
        &self,
        keep: impl FnOnce(Rc<crate::engine::Cluster>) -> Rc<crate::engine::Cluster>,
    ) {
        let live = self.cluster();
        let bytes = live.file_bytes();
        if bytes > crate::scenario::checkpoints::MAX_CHECKPOINT_BYTES {
            return;
        }
        let cluster = keep(live);
        self.timeline.checkpoints.borrow_mut().add(Checkpoint {
            steps: Rc::from(self.scenario.steps()),
            moment: self.live_moment(),
            steps_end_ms: self.scenario.steps_end_ms(),
            cluster,
            trace_hash: self.scenario.trace_hash(),
            bytes,
        });
    }

    /// Where the live branch is: its steps so far and the clock.
    pub fn live_moment(&self) -> Moment {
        Moment {
            steps: self.scenario.steps().len(),
            at_ms: self.cluster().now().as_millis(),
        }
    }

    /// Puts the cluster back to `moment` of branch `branch` (see the module doc).
    pub(super) fn rewind(&mut self, branch: u32, moment: Moment) {
        if let Some(refusal) = self.rewind_refusal() {
            // One of the texts tests/i18n.rs lists as given from values.
            self.timeline_note(Message::new(refusal, &[]));
            return;
        }
        self.playback(super::playback::PlaybackAction::Pause);
        if self.unsettled {
            self.settle();
            self.cluster_changed();
        }
        let live_end = self.live_moment();
        let live_steps = self.scenario.steps().to_vec();
        let plan = self
            .timeline
            .history
            .borrow()
            .plan(branch, moment, &live_steps, live_end);
        let Some(plan) = plan else {
            self.timeline_note(Message::new(
                "Branch {} never reached that moment: nothing was rewound.",
                &[&branch],
            ));
            return;
        };
        if branch == self.timeline.history.borrow().live() && moment == live_end {
            return;
        }
        // Coming back to where the session is now costs nothing then.
        self.checkpoint_leaving();
        let on = self
            .timeline
            .history
            .borrow_mut()
            .rewound(&live_steps, live_end, branch, moment);
        let checkpoint = self
            .timeline
            .checkpoints
            .borrow()
            .best_for(&plan.steps, moment)
            .cloned();
        let scenario = Scenario {
            steps: plan.steps,
            ..Scenario::new(self.scenario.options().clone())
        };
        let from_ms = checkpoint.as_ref().map(|c| c.moment.at_ms);
        let (job, cluster) =
            ReplayJob::rewind(Rc::new(scenario), checkpoint.as_ref(), moment.at_ms);
        self.replay_into(cluster);
        self.replaying = Some(Rc::new(Replaying::new(
            job,
            ReplayPurpose::Rewind {
                branch: on,
                moment,
                from_ms,
            },
        )));
        self.replay_chunk();
    }

    /// The end of a rewind's replay: what the terminal says, and a checkpoint of the moment.
    pub(super) fn rewound(
        &mut self,
        branch: u32,
        moment: Moment,
        from_ms: Option<i64>,
        commands: usize,
    ) {
        self.checkpoint_here();
        let start = self.cluster().options().start_time.as_millis();
        let elapsed = super::format::elapsed(moment.at_ms - start);
        let from = match from_ms {
            Some(ms) => Message::new(
                "from a checkpoint at T+{}",
                &[&super::format::elapsed(ms - start)],
            ),
            None => Message::new("from the cluster's start", &[]),
        };
        let (elapsed, branch, commands) = (
            Message::plain(elapsed),
            Message::plain(branch.to_string()),
            Message::plain(commands.to_string()),
        );
        self.timeline_note(Message::nest(
            "# Rewound to T+{} on branch {} ({} commands, replayed {}). What you do now continues branch {}; the branch you left stays in the timeline.",
            vec![elapsed, branch.clone(), commands, from, branch],
        ));
    }

    fn timeline_note(&mut self, note: Message) {
        Rc::make_mut(&mut self.terminal).push(TermLine::note(note));
    }

    /// Checkpoints kept (the timeline panel shows the count).
    pub fn checkpoint_count(&self) -> usize {
        self.timeline.checkpoint_count()
    }
}

/// The page's clock (`performance.now()`), to space checkpoints taken while time only passes.
fn wall_ms() -> Option<f64> {
    Some(web_sys::window()?.performance()?.now())
}
