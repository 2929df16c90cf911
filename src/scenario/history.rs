//! The session's history as a timeline one can rewind (issue #10, item 4): each branch's notable
//! moments — the commands a person ran and what the cluster did on its own (elections, ISR
//! changes, rolls, retention, compaction, group rebalances, crashes) — and the branches
//! themselves.
//!
//! A [`Moment`] is a place in a branch's scenario: its first `steps` steps ran, then simulated
//! time reached `at_ms`. Rewinding replays the branch's scenario up to a moment
//! (`scenario::replay`, from the nearest `scenario::checkpoints` entry). A rewind always lands
//! on a new branch forked at that moment, so whatever is done next — a command, or only time
//! passing, which in the old branch would have run its next step — never overwrites the branch
//! left, which stays whole and reachable; a fork left without anything done in it is dropped.
//! Going to a branch's very end continues that branch itself.
//!
//! Pure data, no clock and no web: the page's store drives it (`ui::timeline`).

use super::Step;
use crate::engine::event::{Event, EventKind};
use std::collections::VecDeque;

/// The most marks a branch keeps; older ones are dropped (the branch itself stays whole).
pub const MAX_MARKS: usize = 1_000;

/// The most branches kept; the oldest one not on the live branch's line is dropped first.
pub const MAX_BRANCHES: usize = 16;

/// A place in a branch: the first `steps` steps ran, then the clock reached `at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    pub steps: usize,
    pub at_ms: i64,
}

/// What a mark on the timeline stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// A command the person ran (a line typed, a button): the moment just before it.
    Command,
    /// A partition leader changed (an election, a reassignment, a shutdown).
    Leader,
    Isr,
    /// The KRaft quorum elected a leader, or the active controller changed.
    Controller,
    /// A broker stopped, crashed, started, was fenced or unfenced.
    Broker,
    Roll,
    Retention,
    Compaction,
    /// A replica lost its log's tail (truncation to a new leader, a crash before a flush).
    Truncation,
    Network,
    Reassignment,
    /// A consumer group's rebalance completed (a new generation or group epoch).
    Rebalance,
    /// A client got an error, refreshed its metadata or retried (issue #6, item 5).
    Client,
}

impl MarkKind {
    /// The kind of mark an event makes, `None` for the frequent ones a timeline would drown in
    /// (high watermarks, flushes, file deletions after the delay, log start offsets).
    pub fn of(kind: &EventKind) -> Option<MarkKind> {
        Some(match kind {
            EventKind::SegmentRolled { .. } => MarkKind::Roll,
            EventKind::SegmentsDeleted { .. } => MarkKind::Retention,
            EventKind::LogCleaned { .. } => MarkKind::Compaction,
            EventKind::NetworkChanged { .. } => MarkKind::Network,
            EventKind::BrokerStateChanged { .. }
            | EventKind::BrokerFenced { .. }
            | EventKind::BrokerUnfenced { .. } => MarkKind::Broker,
            EventKind::ControllerChanged { .. } | EventKind::QuorumElection { .. } => {
                MarkKind::Controller
            }
            EventKind::LeaderChanged { .. } => MarkKind::Leader,
            EventKind::IsrChanged { .. } | EventKind::ElrChanged { .. } => MarkKind::Isr,
            EventKind::ReassignmentChanged { .. } => MarkKind::Reassignment,
            EventKind::ReplicaTruncated { .. } => MarkKind::Truncation,
            EventKind::GroupRebalanced { .. } => MarkKind::Rebalance,
            EventKind::ClientError { .. }
            | EventKind::MetadataRefreshed { .. }
            | EventKind::ClientRetry { .. } => MarkKind::Client,
            EventKind::LogStartOffsetIncremented { .. }
            | EventKind::SegmentFilesDeleted { .. }
            | EventKind::LogFlushed { .. }
            | EventKind::HighWatermarkAdvanced { .. } => return None,
        })
    }

    /// Every kind, in the order a legend lists them.
    pub const ALL: [MarkKind; 13] = [
        MarkKind::Command,
        MarkKind::Leader,
        MarkKind::Isr,
        MarkKind::Controller,
        MarkKind::Broker,
        MarkKind::Roll,
        MarkKind::Retention,
        MarkKind::Compaction,
        MarkKind::Rebalance,
        MarkKind::Client,
        MarkKind::Truncation,
        MarkKind::Network,
        MarkKind::Reassignment,
    ];

    /// A stable name (CSS class, `data-kind`, tests).
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Command => "command",
            MarkKind::Leader => "leader",
            MarkKind::Isr => "isr",
            MarkKind::Controller => "controller",
            MarkKind::Broker => "broker",
            MarkKind::Roll => "roll",
            MarkKind::Retention => "retention",
            MarkKind::Compaction => "compaction",
            MarkKind::Truncation => "truncation",
            MarkKind::Network => "network",
            MarkKind::Reassignment => "reassignment",
            MarkKind::Rebalance => "rebalance",
            MarkKind::Client => "client",
        }
    }
}

/// One moment on a branch's timeline, with what happened there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub moment: Moment,
    pub kind: MarkKind,
    /// The command line, or the event's trace line without its time (docs/TRACE.md).
    pub text: String,
}

/// A line of history: its steps and where it was left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// 1, 2, … in the order branches were made ("Branch 2").
    pub id: u32,
    /// The branch's steps. The live branch's are the session's recorder's: these are set when
    /// the branch is left.
    pub steps: Vec<Step>,
    /// Where the branch was left (the live branch: where it was when it was last left or made).
    pub end: Moment,
    /// Its marks, oldest first, at most [`MAX_MARKS`].
    pub marks: VecDeque<Mark>,
    /// The branch and the moment it was forked from.
    pub parent: Option<(u32, Moment)>,
}

/// What a rewind replays: a branch's first `moment.steps` steps, then time up to
/// `moment.at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewindPlan {
    pub steps: Vec<Step>,
    pub moment: Moment,
    /// The branch the session is on once the replay is done.
    pub branch: u32,
}

/// Every branch of the session and which one is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    branches: Vec<Branch>,
    live: u32,
    next_id: u32,
    /// Bumped by every change, so a save writes the history only when it changed.
    revision: u64,
}

impl Default for History {
    fn default() -> Self {
        History::new(0)
    }
}

impl History {
    /// One branch, starting at the cluster's start time `start_ms`.
    pub fn new(start_ms: i64) -> Self {
        History {
            branches: vec![Branch {
                id: 1,
                steps: Vec::new(),
                end: Moment {
                    steps: 0,
                    at_ms: start_ms,
                },
                marks: VecDeque::new(),
                parent: None,
            }],
            live: 1,
            next_id: 2,
            revision: 0,
        }
    }

    /// A history read back (`scenario::history_file`); `None` when the live branch is missing.
    pub fn from_parts(branches: Vec<Branch>, live: u32) -> Option<Self> {
        branches.iter().any(|b| b.id == live).then(|| History {
            next_id: branches.iter().map(|b| b.id).max().unwrap_or(0) + 1,
            branches,
            live,
            revision: 0,
        })
    }

    /// Changes so far (see the field).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    pub fn branch(&self, id: u32) -> Option<&Branch> {
        self.branches.iter().find(|b| b.id == id)
    }

    /// The id of the branch the session is on.
    pub fn live(&self) -> u32 {
        self.live
    }

    fn live_mut(&mut self) -> &mut Branch {
        let live = self.live;
        match self.branches.iter().position(|b| b.id == live) {
            Some(i) => &mut self.branches[i],
            // Unreachable: the live branch is never dropped. Recover rather than panic.
            None => {
                self.live = self.branches[0].id;
                &mut self.branches[0]
            }
        }
    }

    /// A command is about to run after `steps` steps, at `at_ms`.
    pub fn command(&mut self, steps: usize, at_ms: i64, line: &str) {
        let text = line.lines().next().unwrap_or_default().to_string();
        self.push(Mark {
            moment: Moment { steps, at_ms },
            kind: MarkKind::Command,
            text,
        });
    }

    /// Events the cluster emitted, drained when the session had recorded `steps` steps, the
    /// last of which ended at `steps_end_ms`: an event a command caused belongs just after it.
    /// When that step only let time pass from `waited_from` (`time advance …`), an event inside
    /// it belongs at its own time, after the steps before it: replaying those and waiting until
    /// then reaches it.
    pub fn observe(
        &mut self,
        events: &[Event],
        steps: usize,
        steps_end_ms: i64,
        waited_from: Option<i64>,
    ) {
        for event in events {
            let Some(kind) = MarkKind::of(&event.kind) else {
                continue;
            };
            let moment = match waited_from {
                Some(start) if steps > 0 && event.at_ms < steps_end_ms => Moment {
                    steps: steps - 1,
                    at_ms: event.at_ms.max(start),
                },
                _ => Moment {
                    steps,
                    at_ms: event.at_ms.max(steps_end_ms),
                },
            };
            let line = event.to_string();
            let text = line
                .split_once(' ')
                .map_or(line.as_str(), |(_, rest)| rest)
                .to_string();
            self.push(Mark { moment, kind, text });
        }
    }

    fn push(&mut self, mark: Mark) {
        self.revision += 1;
        let marks = &mut self.live_mut().marks;
        if marks.len() == MAX_MARKS {
            marks.pop_front();
        }
        marks.push_back(mark);
    }

    /// What rewinding to `moment` of branch `id` replays, given the live branch's steps and
    /// clock (`live_steps`, `live_end`). `None` for an unknown branch or a moment the branch
    /// never reached.
    pub fn plan(
        &self,
        id: u32,
        moment: Moment,
        live_steps: &[Step],
        live_end: Moment,
    ) -> Option<RewindPlan> {
        let (steps, end) = if id == self.live {
            (live_steps, live_end)
        } else {
            let branch = self.branch(id)?;
            (branch.steps.as_slice(), branch.end)
        };
        if moment > end || moment.steps > steps.len() {
            return None;
        }
        Some(RewindPlan {
            steps: steps[..moment.steps].to_vec(),
            moment,
            branch: id,
        })
    }

    /// The session left the live branch at `live_end` with `live_steps` for `moment` of branch
    /// `id` (a plan from [`History::plan`]); returns the id of the branch it is now on.
    pub fn rewound(
        &mut self,
        live_steps: &[Step],
        live_end: Moment,
        id: u32,
        moment: Moment,
    ) -> u32 {
        self.revision += 1;
        let live = self.live_mut();
        live.steps = live_steps.to_vec();
        live.end = live_end;
        let left = self.live;
        // A fork nothing was done in is the same history as its parent up to the fork: it is
        // dropped, and a moment in it is that moment of the parent.
        let untouched = self
            .branch(left)
            .and_then(|b| b.parent)
            .filter(|(parent, fork)| *fork == live_end && self.branch(*parent).is_some());
        let mut id = id;
        if let Some((parent, _)) = untouched {
            if id == left {
                id = parent;
            }
            self.branches.retain(|b| b.id != left);
        }
        let Some(target) = self.branch(id).cloned() else {
            return self.live;
        };
        if moment == target.end {
            self.live = id;
            return id;
        }
        let fork = Branch {
            id: self.next_id,
            steps: target.steps[..moment.steps.min(target.steps.len())].to_vec(),
            end: moment,
            // A command marked at the fork moment itself has not run on the fork.
            marks: target
                .marks
                .iter()
                .filter(|m| {
                    m.moment < moment || (m.moment == moment && m.kind != MarkKind::Command)
                })
                .cloned()
                .collect(),
            parent: Some((id, moment)),
        };
        self.next_id += 1;
        self.live = fork.id;
        self.branches.push(fork);
        self.trim();
        self.live
    }

    /// Keeps at most [`MAX_BRANCHES`], dropping the oldest that is not live.
    fn trim(&mut self) {
        while self.branches.len() > MAX_BRANCHES {
            let live = self.live;
            let Some(i) = self.branches.iter().position(|b| b.id != live) else {
                return;
            };
            self.branches.remove(i);
        }
    }
}
