//! Building a scenario from a live session: each line that ran is recorded with the simulated
//! time that passed since the last one ended (playback, Step, time jumps), and every event the
//! cluster emits is added to the session's trace hash.
//!
//! A session past [`MAX_COMMANDS`] commands or [`MAX_SCRIPT_BYTES`] of text stops recording
//! (it is [`Recorder::overflowed`]): it could not be shared or opened anyway.
//!
//! The workspace keeps the recorder as `.kplay` text ([`Recorder::to_workspace_file`]) with more
//! header lines — when the last step ended, the trace hash so far, how often the cluster
//! restarted from its files — so a reload goes on where it was.

use super::{header_value, Scenario, Step, MAX_COMMANDS, MAX_SCRIPT_BYTES};
use crate::cli::shell::parse_script;
use crate::engine::event::Event;
use crate::engine::trace::TraceHasher;
use crate::engine::ClusterOptions;

/// The file in the workspace (next to `playground-metadata.properties`) that keeps it.
pub const WORKSPACE_FILE: &str = "playground-scenario.kplay";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    scenario: Scenario,
    /// The clock when the last step ended (the cluster's start time before any).
    steps_end_ms: i64,
    /// The clock when the last step started.
    last_step_started_ms: i64,
    hasher: TraceHasher,
    commands: usize,
    /// Commands other than `time advance` ([`Scenario::action_count`]).
    actions: usize,
    bytes: usize,
    overflowed: bool,
    /// The cluster had a history before recording began (a workspace saved before scenarios
    /// were kept): the steps alone do not rebuild it.
    incomplete: bool,
    /// How often the session's cluster restarted from its files (a reload of the page). The
    /// steps hold no restart, so a replay reaches the same topics, records and offsets by a
    /// different trace: the hash differs.
    restarts: u32,
}

impl Recorder {
    /// Nothing done yet to a cluster started with `options`.
    pub fn new(options: &ClusterOptions) -> Self {
        Recorder {
            scenario: Scenario::new(options.clone()),
            steps_end_ms: options.start_time.as_millis(),
            last_step_started_ms: options.start_time.as_millis(),
            hasher: TraceHasher::new(),
            commands: 0,
            actions: 0,
            bytes: 0,
            overflowed: false,
            incomplete: false,
            restarts: 0,
        }
    }

    /// The recorder of a replayed scenario: its steps, ended at `steps_end_ms`, and its hash.
    pub fn replayed(scenario: &Scenario, steps_end_ms: i64, trace_hash: u64) -> Self {
        let mut recorder = Recorder::new(&scenario.options);
        recorder.scenario.steps = scenario.steps.clone();
        recorder.steps_end_ms = steps_end_ms;
        recorder.last_step_started_ms = steps_end_ms;
        recorder.hasher = TraceHasher::resume(trace_hash);
        (recorder.commands, recorder.actions) = scenario.counts();
        recorder.bytes = scenario.steps.iter().map(|s| s.script.len()).sum();
        recorder
    }

    /// `script` ran from `started_ms` to `ended_ms` of simulated time.
    pub fn record(&mut self, started_ms: i64, script: &str, ended_ms: i64) {
        let commands = parse_script(script).map_or(0, |c| c.len());
        if commands == 0 {
            return;
        }
        if self.overflowed
            || self.commands + commands > MAX_COMMANDS
            || self.bytes + script.len() > MAX_SCRIPT_BYTES
        {
            self.overflowed = true;
            return;
        }
        self.commands += commands;
        self.actions += super::action_count(script);
        self.bytes += script.len();
        let mut script = script.to_string();
        if !script.ends_with('\n') {
            script.push('\n');
        }
        self.scenario.steps.push(Step {
            wait_ms: (started_ms - self.steps_end_ms).max(0),
            script,
        });
        self.last_step_started_ms = started_ms;
        self.steps_end_ms = ended_ms;
    }

    /// When the last step started, if it only let time pass (`time advance …`): events it
    /// drained happened inside it ([`History::observe`](super::history::History::observe)).
    pub fn last_step_waited_from(&self) -> Option<i64> {
        let last = self.scenario.steps.last()?;
        super::only_waits(&last.script).then_some(self.last_step_started_ms)
    }

    /// The steps recorded so far.
    pub fn steps(&self) -> &[Step] {
        &self.scenario.steps
    }

    /// The clock when the last step ended (the cluster's start before any).
    pub fn steps_end_ms(&self) -> i64 {
        self.steps_end_ms
    }

    /// Takes `steps` as the recorded steps when they are the same scenario as the steps it
    /// holds — the same `.kplay` text — only cut into steps differently: a scenario read back
    /// from text has a step per command, `time advance` lines included, and the timeline's marks
    /// count the steps as they were recorded (`scenario::history_file`). False, and nothing
    /// changed, when they differ.
    pub fn adopt_steps(&mut self, steps: Vec<Step>) -> bool {
        let text = |steps: &[Step]| {
            Scenario {
                steps: steps.to_vec(),
                ..Scenario::new(self.scenario.options.clone())
            }
            .to_kplay()
        };
        if text(&steps) != text(&self.scenario.steps) {
            return false;
        }
        self.scenario.steps = steps;
        true
    }

    /// Adds events the cluster emitted, in order, to the trace hash.
    pub fn observe(&mut self, events: &[Event]) {
        for event in events {
            self.hasher.add(event);
        }
    }

    pub fn trace_hash(&self) -> u64 {
        self.hasher.finish()
    }

    pub fn options(&self) -> &ClusterOptions {
        &self.scenario.options
    }

    /// Commands recorded.
    pub fn commands(&self) -> usize {
        self.commands
    }

    /// Commands recorded besides `time advance` (what the page shows).
    pub fn actions(&self) -> usize {
        self.actions
    }

    /// Recording stopped at a limit: the session is too long to share.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Recording starts at `now_ms` on a cluster whose history before it is unknown.
    pub fn mark_incomplete(&mut self, now_ms: i64) {
        self.steps_end_ms = now_ms;
        self.incomplete = true;
    }

    /// The steps do not rebuild the cluster (see [`Recorder::mark_incomplete`]).
    pub fn incomplete(&self) -> bool {
        self.incomplete
    }

    /// The session's cluster restarted from its files (the page was reloaded).
    pub fn mark_restarted(&mut self) {
        self.restarts = self.restarts.saturating_add(1);
    }

    /// How often the session's cluster restarted from its files.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The scenario up to `now_ms`: the steps, then the time that passed since the last.
    pub fn scenario(&self, now_ms: i64) -> Scenario {
        Scenario {
            tail_ms: (now_ms - self.steps_end_ms).max(0),
            ..self.scenario.clone()
        }
    }

    /// The `.kplay` text the workspace keeps (see the module doc).
    pub fn to_workspace_file(&self) -> String {
        let mut text = format!(
            "# steps-end: {}\n# trace-hash: {:016x}\n# overflowed: {}\n# incomplete: {}\n# restarts: {}\n",
            self.steps_end_ms,
            self.trace_hash(),
            self.overflowed,
            self.incomplete,
            self.restarts
        );
        text.push_str(&self.scenario.to_kplay());
        text
    }

    /// The recorder a workspace kept; `None` when the file is not one (then recording starts
    /// over from the restored cluster).
    pub fn from_workspace_file(text: &str) -> Option<Self> {
        let scenario = Scenario::from_kplay(text).ok()?;
        let steps_end_ms = header_value(text, "steps-end")?.parse().ok()?;
        let hash = u64::from_str_radix(header_value(text, "trace-hash")?, 16).ok()?;
        let mut recorder = Recorder::replayed(&scenario, steps_end_ms, hash);
        recorder.overflowed = header_value(text, "overflowed") == Some("true");
        recorder.incomplete = header_value(text, "incomplete") == Some("true");
        recorder.restarts = header_value(text, "restarts")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Some(recorder)
    }
}
