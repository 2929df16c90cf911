//! Replaying a scenario on a fresh cluster, exactly as `kplay` runs its `.kplay` text: a wait
//! is `time advance` (`Cluster::advance_time`), each command goes through `cli::run_command`.
//!
//! The trace hash of a session leaves out what the cluster emitted while it was built (a new
//! cluster's and a restarted one's start differ; what the person did does not): [`start`]
//! builds the cluster and drops those events, and every event after it is hashed in order
//! (`engine::trace::TraceHasher`), so a live session, its replay and `kplay` agree.

use super::{Scenario, Step};
use crate::cli::run_command;
use crate::cli::shell::parse_script;
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
        };
        (job, cluster)
    }

    /// Runs steps while `keep_going` says so (at least one); true once the whole scenario,
    /// its tail included, has run.
    pub fn run(&mut self, cluster: &mut Cluster, mut keep_going: impl FnMut() -> bool) -> bool {
        let mut first = true;
        while let Some(step) = self.scenario.steps.get(self.next) {
            if !std::mem::take(&mut first) && !keep_going() {
                return false;
            }
            self.failed += run_step(cluster, &mut self.hasher, step);
            self.next += 1;
        }
        if self.steps_end_ms.is_none() {
            self.steps_end_ms = Some(cluster.now().as_millis());
            if self.scenario.tail_ms > 0 {
                cluster.advance_time(self.scenario.tail_ms);
                hash_events(cluster, &mut self.hasher);
            }
        }
        true
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
    if step.wait_ms > 0 {
        cluster.advance_time(step.wait_ms);
        hash_events(cluster, hasher);
    }
    let Ok(commands) = parse_script(&step.script) else {
        return 1;
    };
    let mut failed = 0;
    for command in &commands {
        failed += usize::from(run_command(cluster, command).failed);
        hash_events(cluster, hasher);
    }
    failed
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
