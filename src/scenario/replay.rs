//! Replaying a scenario on a fresh cluster, exactly as `kplay` runs its `.kplay` text: a wait
//! is `time advance` (`Cluster::advance_time`), each command goes through `cli::run_command`.
//!
//! The trace hash of a session leaves out what the cluster emitted while it was built (a new
//! cluster's and a restarted one's start differ; what the person did does not): [`start`]
//! builds the cluster and drops those events, and every event after it is hashed in order
//! (`engine::trace::TraceHasher`), so a live session, its replay and `kplay` agree.

use super::checkpoints::Checkpoint;
use super::history::History;
use super::{Scenario, Step};
use crate::cli::run_command;
use crate::cli::shell::parse_script;
use crate::engine::event::Event;
use crate::engine::trace::TraceHasher;
use crate::engine::{Cluster, ClusterOptions};

/// What replaying a scenario left.
pub struct Replayed {
    pub cluster: Cluster,
    /// The trace hash of every event after the cluster's start.
    pub trace_hash: u64,
    /// The clock when the last step had run (before the tail's wait).
    pub steps_end_ms: i64,
    /// How many commands failed (as `kplay`'s exit status would count them).
    pub failed: usize,
}

/// A new cluster, its start's events dropped.
pub fn start(options: &ClusterOptions) -> Cluster {
    let mut cluster = Cluster::new(options.clone());
    cluster.drain_events();
    cluster
}

/// Runs the scenario on a fresh cluster with its options.
pub fn replay(scenario: &Scenario) -> Replayed {
    let mut cluster = start(&scenario.options);
    let mut hasher = TraceHasher::new();
    let mut failed = 0;
    for step in &scenario.steps {
        failed += run_step(&mut cluster, &mut hasher, step);
    }
    let steps_end_ms = cluster.now().as_millis();
    if scenario.tail_ms > 0 {
        cluster.advance_time(scenario.tail_ms);
        hash_events(&mut cluster, &mut hasher);
    }
    Replayed {
        cluster,
        trace_hash: hasher.finish(),
        steps_end_ms,
        failed,
    }
}

/// A replay run a few steps at a time (the page runs one slice per animation frame, so a long
/// scenario never holds the main thread): the same commands in the same order as [`replay`], so
/// the same cluster and trace hash.
#[derive(Debug, Clone)]
pub struct ReplayJob {
    scenario: std::rc::Rc<Scenario>,
    next: usize,
    hasher: TraceHasher,
    failed: usize,
    steps_end_ms: Option<i64>,
    /// The clock when the last step run ended: the next step starts `wait_ms` after it.
    prev_end_ms: i64,
    /// Where the replay ends instead of after the scenario's tail (a rewind's moment).
    until_ms: Option<i64>,
    /// The timeline of what is replayed, when one is kept ([`ReplayJob::keep_timeline`]).
    timeline: Option<History>,
}

impl ReplayJob {
    /// The job and the fresh cluster it replays into.
    pub fn new(scenario: std::rc::Rc<Scenario>) -> (Self, Cluster) {
        let cluster = start(&scenario.options);
        let job = ReplayJob {
            scenario,
            next: 0,
            hasher: TraceHasher::new(),
            failed: 0,
            steps_end_ms: None,
            prev_end_ms: cluster.now().as_millis(),
            until_ms: None,
            timeline: None,
        };
        (job, cluster)
    }

    /// A rewind (`scenario::history`): the scenario's steps, from `checkpoint` when there is
    /// one (its steps are the scenario's first), then time up to `until_ms` — its tail is not
    /// run. The same cluster and trace hash as a replay from the start.
    pub fn rewind(
        scenario: std::rc::Rc<Scenario>,
        checkpoint: Option<&Checkpoint>,
        until_ms: i64,
    ) -> (Self, Cluster) {
        let (mut job, cluster) = match checkpoint {
            None => Self::new(scenario),
            Some(checkpoint) => {
                let job = ReplayJob {
                    scenario,
                    next: checkpoint.steps.len(),
                    hasher: TraceHasher::resume(checkpoint.trace_hash),
                    failed: 0,
                    steps_end_ms: None,
                    prev_end_ms: checkpoint.steps_end_ms,
                    until_ms: None,
                    timeline: None,
                };
                (job, Cluster::clone(&checkpoint.cluster))
            }
        };
        job.until_ms = Some(until_ms);
        (job, cluster)
    }

    /// Marks the timeline of everything replayed (`scenario::history`), as a live session
    /// would have: an opened link comes with its timeline.
    pub fn keep_timeline(&mut self, start_ms: i64) {
        self.timeline = Some(History::new(start_ms));
    }

    /// The timeline kept (see [`ReplayJob::keep_timeline`]), with the replay's end as its
    /// branch's end.
    pub fn take_timeline(&mut self) -> Option<History> {
        self.timeline.take()
    }

    /// Runs steps while `keep_going` says so (at least one); true once the whole scenario,
    /// its tail included, has run.
    pub fn run(&mut self, cluster: &mut Cluster, mut keep_going: impl FnMut() -> bool) -> bool {
        let mut first = true;
        let scenario = self.scenario.clone();
        while let Some(step) = scenario.steps.get(self.next) {
            if !std::mem::take(&mut first) && !keep_going() {
                return false;
            }
            // From a checkpoint taken while time passed, part of the wait has passed already.
            let starts_ms = self.prev_end_ms + step.wait_ms;
            let waited = wait(cluster, starts_ms - cluster.now().as_millis());
            self.observe(&waited, self.next, self.prev_end_ms, None);
            let started_ms = cluster.now().as_millis();
            if let Some(timeline) = &mut self.timeline {
                timeline.command(self.next, started_ms, &step.script);
            }
            let (failed, events) = run_script(cluster, &step.script);
            self.failed += failed;
            self.prev_end_ms = cluster.now().as_millis();
            self.next += 1;
            let waited_from = super::only_waits(&step.script).then_some(started_ms);
            self.observe(&events, self.next, self.prev_end_ms, waited_from);
        }
        if self.steps_end_ms.is_none() {
            self.steps_end_ms = Some(self.prev_end_ms);
            let tail_ms = match self.until_ms {
                Some(until_ms) => until_ms - cluster.now().as_millis(),
                None => self.scenario.tail_ms,
            };
            let waited = wait(cluster, tail_ms);
            self.observe(&waited, self.next, self.prev_end_ms, None);
        }
        true
    }

    /// Events replayed after `steps` steps that ended at `steps_end_ms`: into the trace hash,
    /// and the timeline when one is kept.
    fn observe(
        &mut self,
        events: &[Event],
        steps: usize,
        steps_end_ms: i64,
        waited_from: Option<i64>,
    ) {
        for event in events {
            self.hasher.add(event);
        }
        if let Some(timeline) = &mut self.timeline {
            timeline.observe(events, steps, steps_end_ms, waited_from);
        }
    }

    pub fn scenario(&self) -> &std::rc::Rc<Scenario> {
        &self.scenario
    }

    /// Steps run, and steps in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.scenario.steps.len())
    }

    pub fn trace_hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// The clock when the last step had run (once [`ReplayJob::run`] returned true).
    pub fn steps_end_ms(&self) -> Option<i64> {
        self.steps_end_ms
    }

    pub fn failed(&self) -> usize {
        self.failed
    }
}

/// One step: its wait, then its commands; the failed commands' count.
pub fn run_step(cluster: &mut Cluster, hasher: &mut TraceHasher, step: &Step) -> usize {
    let waited = wait(cluster, step.wait_ms);
    let (failed, events) = run_script(cluster, &step.script);
    for event in waited.iter().chain(&events) {
        hasher.add(event);
    }
    failed
}

/// Simulated time passes by `ms` (nothing when it is not positive); what the cluster emitted.
fn wait(cluster: &mut Cluster, ms: i64) -> Vec<Event> {
    if ms <= 0 {
        return Vec::new();
    }
    cluster.advance_time(ms);
    cluster.drain_events()
}

/// A step's commands: the failed commands' count, and what the cluster emitted.
fn run_script(cluster: &mut Cluster, script: &str) -> (usize, Vec<Event>) {
    let Ok(commands) = parse_script(script) else {
        return (1, Vec::new());
    };
    let mut failed = 0;
    let mut events = Vec::new();
    for command in &commands {
        failed += usize::from(run_command(cluster, command).failed);
        events.extend(cluster.drain_events());
    }
    (failed, events)
}

fn hash_events(cluster: &mut Cluster, hasher: &mut TraceHasher) {
    for event in &cluster.drain_events() {
        hasher.add(event);
    }
}

/// The trace hash of a `.kplay` text run the way `kplay` runs a script file (parse it all, run
/// each command), on a fresh cluster with `options`: what `kplay --seed … --brokers … FILE`
/// traces after its start.
pub fn kplay_trace_hash(options: &ClusterOptions, text: &str) -> Option<u64> {
    let commands = parse_script(text).ok()?;
    let mut cluster = start(options);
    let mut hasher = TraceHasher::new();
    for command in &commands {
        run_command(&mut cluster, command);
        hash_events(&mut cluster, &mut hasher);
    }
    Some(hasher.finish())
}
