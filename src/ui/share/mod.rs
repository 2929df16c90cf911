//! Share links and scenario files in the page (issue #12): the store's half — recording every
//! line that changes the cluster into the session's scenario (`scenario::recorder`), Share, and
//! opening a scenario by replaying it — plus the browser edges in [`browser`] (the URL
//! fragment, the hand-over to a new workspace, downloads).
//!
//! Every action that changes the cluster is recorded as the command-language line that does it:
//! terminal and panel lines as typed (a console producer's typed records as a here-document),
//! the topic form as `kafka-topics.sh --create …`, the produce button as its
//! `kafka-console-producer.sh` script, broker buttons as `broker stop|kill|start ID`. Time that
//! passes (playback frames, Step, the time buttons) is no line: it is the wait before the next
//! one. The workspace keeps the scenario as `playground-scenario.kplay`, written with every save.

pub mod browser;

use super::store::Store;
use super::terminal::session::CommandRequest;
use super::terminal::{Builtin, TermLine};
use crate::cli::shell::parse_script;
use crate::i18n::Message;
use crate::scenario::link::{to_fragment, MAX_FRAGMENT_CHARS};
use crate::scenario::recorder::{Recorder, WORKSPACE_FILE};
use crate::scenario::replay::ReplayJob;
use crate::scenario::{render_command, shell_quote, Scenario};
use crate::storage::Change;
use std::rc::Rc;

/// A Share's link fragment (`s=…`), or why the session cannot be shared.
pub type ShareLink = Result<Rc<str>, Message>;

/// The wall time one slice of a replay may take: with the page's render after it, under the
/// 50 ms a task may hold the main thread. (12 ms, playback's frame budget, made the replay of
/// 1 000 commands 2–4 times longer: every slice re-renders the whole page; docs/PERFORMANCE.md.)
pub const REPLAY_SLICE_MS: f64 = 25.0;

/// A scenario being replayed, why, and when it started (wall ms, for the benchmark line).
#[derive(Debug, Clone)]
pub struct Replaying {
    pub job: ReplayJob,
    pub purpose: ReplayPurpose,
    started_ms: Option<f64>,
}

/// What a replay is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayPurpose {
    /// A share link or a `.kplay` file opened: the session becomes the scenario's.
    Open,
    /// A rewind on the timeline (`ui::timeline`): the session goes on from `moment` on
    /// `branch`; the replay started from a checkpoint at `from_ms`, or from the start.
    Rewind {
        branch: u32,
        moment: crate::scenario::history::Moment,
        from_ms: Option<i64>,
    },
}

impl Replaying {
    pub fn new(job: ReplayJob, purpose: ReplayPurpose) -> Self {
        Replaying {
            job,
            purpose,
            started_ms: wall_ms(),
        }
    }
}

/// Whether an action must wait until a replay is done: everything that would change the cluster
/// or the session (an action while replaying would land in the middle of the scenario).
pub fn waits_for_replay(action: &super::store::Action) -> bool {
    use super::store::Action;
    !matches!(
        action,
        Action::ReplayChunk
            | Action::Loaded { .. }
            | Action::Persist
            | Action::CleanShutdown
            | Action::Sent(_)
            | Action::Saved
            | Action::SaveFailed(_)
            | Action::TakenOver
            | Action::RewriteAll
            | Action::View(_)
            | Action::ScenarioLoaded(_)
            | Action::TimelineLoaded(_)
    )
}

/// The topic form's line.
pub fn create_topic_line(name: &str, partitions: i32, replication_factor: Option<i16>) -> String {
    let mut line = format!(
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic {} --partitions {partitions}",
        shell_quote(name)
    );
    if let Some(factor) = replication_factor {
        line.push_str(&format!(" --replication-factor {factor}"));
    }
    line
}

/// The line a terminal request runs, as a script a replay runs the same way: records typed at a
/// console producer's prompt become its here-document. `None` for builtins and echo only.
pub fn request_line(request: &CommandRequest) -> Option<String> {
    let script = request.script.as_ref()?;
    let Some(records) = &request.records else {
        return Builtin::of(script).is_none().then(|| script.clone());
    };
    let commands = parse_script(script).ok()?;
    let [only] = commands.as_slice() else {
        return Some(script.clone());
    };
    let input: String = records.iter().map(|r| format!("{r}\n")).collect();
    Some(render_command(&only.words, Some(&input)))
}

impl Store {
    /// Runs `run` as the recorded line `line`.
    pub(super) fn recorded(&mut self, line: &str, run: impl FnOnce(&mut Self)) {
        self.settle();
        let started = self.cluster().now().as_millis();
        run(self);
        self.record(started, line);
        self.echo(line);
    }

    /// Shows a button's or form's command in the terminal as if typed (item 6 of issue #11:
    /// the learner sees the CLI form of what they clicked); the panel shows its outcome.
    pub(super) fn echo(&mut self, script: &str) {
        let terminal = Rc::make_mut(&mut self.terminal);
        for line in crate::ui::terminal::echo_script(script.trim_end_matches('\n')) {
            terminal.push(line);
        }
    }

    /// Records `line`, which ran from `started` to now.
    pub(super) fn record(&mut self, started: i64, line: &str) {
        let ended = self.cluster().now().as_millis();
        let steps = self.scenario.steps().len();
        Rc::make_mut(&mut self.scenario).record(started, line, ended);
        if self.scenario.steps().len() > steps {
            self.mark_command(steps, started, line);
        }
    }

    /// Runs what is due at the clock's own time and playback left (see `Store::unsettled`).
    pub(super) fn settle(&mut self) {
        if std::mem::take(&mut self.unsettled) {
            let mut cluster = self.cluster_mut();
            let now = cluster.now().as_millis();
            cluster.advance_until(now, || true);
            drop(cluster);
            self.drain_events();
        }
    }

    /// After playback moved the clock: is something due at the clock's time still to run?
    pub(super) fn note_unsettled(&mut self) {
        let cluster = self.cluster();
        let now = cluster.now().as_millis();
        self.unsettled = cluster.next_due().is_some_and(|due| due <= now);
    }

    /// A new or restarted cluster: its start is not part of the session; recording starts over.
    pub(super) fn restart_scenario(&mut self) {
        self.scenario = Rc::new(Recorder::new(self.cluster().options()));
        self.restart_timeline();
        self.unsettled = false;
        self.share = None;
        self.replaying = None;
    }

    /// The workspace's saved scenario, when it is one for this cluster. A restored cluster
    /// without one has a history no scenario holds, unless it is still as it started (a
    /// workspace just created): it cannot be shared until it is reset.
    pub(super) fn scenario_loaded(&mut self, text: Option<&str>) {
        let cluster = self.cluster();
        let options = cluster.options().clone();
        match text.and_then(Recorder::from_workspace_file) {
            Some(mut recorder)
                if recorder.options().seed == options.seed
                    && recorder.options().brokers == options.brokers =>
            {
                // Loaded with its cluster: the cluster restarted from its files.
                recorder.mark_restarted();
                self.scenario = Rc::new(recorder);
            }
            _ => {
                let now = cluster.now().as_millis();
                let fresh = now == options.start_time.as_millis()
                    && cluster.topics().all(|t| t.name.starts_with("__"));
                if !fresh {
                    Rc::make_mut(&mut self.scenario).mark_incomplete(now);
                }
            }
        }
    }

    /// Share: pause, run what is due now, and make the link.
    pub(super) fn share_session(&mut self) {
        self.playback(super::playback::PlaybackAction::Pause);
        if self.unsettled {
            self.settle();
            self.cluster_changed();
        }
        self.share = Some(if self.scenario.incomplete() {
            Err(Message::new("This workspace was saved before the playground kept what was done in it, so a link cannot rebuild it. Reset the cluster (or open a new workspace) to start a scenario that can be shared.", &[]))
        } else if self.scenario.overflowed() {
            Err(Message::new(
                "This session is too long to share: a scenario holds at most {} commands and 1 MiB. Reset the cluster to start a new one.",
                &[&crate::scenario::MAX_COMMANDS],
            ))
        } else {
            let fragment = to_fragment(&self.shared_scenario());
            if fragment.len() > MAX_FRAGMENT_CHARS {
                Err(Message::new("This session's link would be too long to open. Export it as a .kplay file instead.", &[]))
            } else {
                Ok(Rc::from(fragment))
            }
        });
    }

    /// What a link or an export holds: the session's scenario up to now, with the views open.
    pub fn shared_scenario(&self) -> Scenario {
        let now = self.cluster().now().as_millis();
        let mut scenario = self.scenario.scenario(now);
        scenario.view = crate::scenario::View {
            partition: self
                .session
                .partition
                .as_ref()
                .map(|p| (p.topic.clone(), p.partition, p.replica)),
            files: self.session.files,
        };
        scenario
    }

    /// The scenario as this session: a fresh cluster with its options, its steps replayed a
    /// slice at a time ([`Store::replay_chunk`]; a short scenario is done in this action).
    pub(super) fn open_scenario(&mut self, scenario: Rc<Scenario>) {
        let (mut job, cluster) = ReplayJob::new(scenario);
        job.keep_timeline(cluster.now().as_millis());
        self.replay_into(cluster);
        self.playback = Default::default();
        self.restart_timeline();
        self.replaying = Some(Rc::new(Replaying::new(job, ReplayPurpose::Open)));
        self.replay_chunk();
    }

    /// `cluster` takes the live one's place for a replay: what the page showed of the old one
    /// goes, and nothing is saved until the replay is done.
    pub(super) fn replay_into(&mut self, cluster: crate::engine::Cluster) {
        self.replace_cluster(cluster);
        self.unsettled = false;
        self.share = None;
        self.last_outcome = None;
        self.cluster_outcome = None;
        self.produce_outcome = None;
        self.events = Default::default();
        self.metrics = Default::default();
        self.restart_report = None;
        self.outbox = Rc::new(Vec::new());
    }

    /// Runs the replay on for [`REPLAY_SLICE_MS`] of wall time; at the end the session is the
    /// scenario's, and it is saved (the whole workspace rewritten).
    pub(super) fn replay_chunk(&mut self) {
        let Some(mut replaying) = self.replaying.take() else {
            return;
        };
        let state = Rc::make_mut(&mut replaying);
        let deadline = wall_ms().map(|now| now + REPLAY_SLICE_MS);
        let done = state.job.run(&mut self.cluster_mut(), || {
            deadline.is_none_or(|deadline| wall_ms().is_some_and(|now| now < deadline))
        });
        if !done {
            self.replaying = Some(replaying);
            return;
        }
        if let Some(history) = state.job.take_timeline() {
            self.timeline = super::timeline::Timeline::from_history(history);
        }
        let job = &state.job;
        // The clients the replay left running start again after a reload. (The snapshot of
        // the cluster is dropped at once: one held while the cluster changes makes it a copy.)
        {
            let cluster = self.cluster();
            Rc::make_mut(&mut self.session).rebuild_clients(&job.scenario().steps, &cluster);
        }
        let hash = job.trace_hash();
        let steps_end = job.steps_end_ms().unwrap_or_default();
        self.scenario = Rc::new(Recorder::replayed(job.scenario(), steps_end, hash));
        self.rewrite_all = true;
        self.cluster_version += 1;
        if self.storage.can_reset() {
            self.storage = super::saving::StorageStatus::Saving;
        }
        // Read by the end-to-end benchmarks (docs/PERFORMANCE.md, "Share links", "Rewind").
        if let (Some(started), Some(ended)) = (state.started_ms, wall_ms()) {
            gloo::console::log!(format!(
                "kplay: replayed {} commands in {:.1} ms, {:.0} ms after the page started",
                self.scenario.commands(),
                ended - started,
                ended
            ));
        }
        if let ReplayPurpose::Rewind {
            branch,
            moment,
            from_ms,
        } = state.purpose
        {
            self.rewound(branch, moment, from_ms, self.scenario.commands());
            return;
        }
        // The views the scenario was shared with open again (and are kept for a reload).
        let view = &job.scenario().view;
        let session = Rc::make_mut(&mut self.session);
        session.partition = view.partition.clone().map(|(topic, partition, replica)| {
            super::session_clients::PartitionPick {
                topic,
                partition,
                replica,
            }
        });
        session.files = view.files;
        let failed = match job.failed() {
            0 => Message::plain(""),
            n => Message::new(", {} failed as they did when recorded", &[&n]),
        };
        Rc::make_mut(&mut self.terminal).push(TermLine::note(Message::nest(
            "# Opened a scenario: {} commands replayed{}; trace hash {}.",
            vec![
                Message::plain(self.scenario.actions().to_string()),
                failed,
                Message::plain(format!("{hash:016x}")),
            ],
        )));
    }

    /// The scenario's file in the workspace, for the save batch.
    pub(super) fn scenario_file(&self) -> Change {
        Change::Replace {
            path: WORKSPACE_FILE.to_string(),
            bytes: self.scenario.to_workspace_file().into_bytes(),
        }
    }
}

/// The page's clock (`performance.now()`), for the replay's benchmark line only.
fn wall_ms() -> Option<f64> {
    Some(web_sys::window()?.performance()?.now())
}
