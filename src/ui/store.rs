//! The app's one store: the cluster, the outcome of the last action and where the cluster is
//! kept, changed only by [`Action`]s through [`Store::reduce`](yew::Reducible::reduce).
//!
//! Saving is written behind: user actions change the cluster; a debounced [`Action::Persist`]
//! takes the files that changed (the page cache's dirty set) into the [`Store::outbox`]; the
//! persistence hook (`ui::hooks::persistence`) writes the outbox to IndexedDB and reports back.
//! The store never holds a browser handle.
//!
//! The produce action (`ui::produce`) runs `kafka-console-producer.sh` through the command
//! language. Fault and time actions (`ui::faults`) run the engine call the command language's `broker
//! stop|kill|start` and `time advance` run; the terminal's [`Action::RunCommand`] runs a
//! typed command through `cli::run_command`, as `kplay` does (`ui::terminal::run`), into the
//! terminal's [`Transcript`]. After every action that touches the cluster its events are
//! drained into a bounded [`EventLog`] of trace lines. Playback (`ui::playback`) moves time by
//! animation frames. The cluster itself is shared by every state and changed in place
//! (`ui::cluster_cell`): read it with [`Store::cluster`].

use super::cluster_cell::ClusterCell;
use super::event_log::EventLog;
use super::faults::BrokerVerb;
use super::metrics::MetricsHistory;
use super::playback::{Playback, PlaybackAction};
use super::produce::ProduceOutcome;
use super::restart_report::RestartReport;
use super::saving::{SaveBatch, StorageStatus};
use super::session_clients::{self, KeptSession, PartitionPick};
use super::share::{Replaying, ShareLink};
use super::terminal::run::run_request;
use super::terminal::session::CommandRequest;
use super::terminal::{TermLine, Transcript};
use super::timeline::Timeline;
use crate::engine::cluster::NewTopic;
use crate::engine::persist::workspace::{
    take_shutdown_changes, take_workspace_changes, workspace_snapshot,
};
use crate::engine::topic::{has_collision_chars, COLLISION_WARNING};
use crate::engine::{Cluster, ClusterOptions};
use crate::i18n::Message;
use crate::scenario::recorder::Recorder;
use crate::scenario::Scenario;
use std::cell::RefMut;
use std::rc::Rc;
use yew::prelude::*;

/// What the user asked the cluster to do, and what the storage edge reports.
#[derive(Debug, Clone)]
pub enum Action {
    CreateTopic {
        name: String,
        partitions: i32,
        /// `None`: the broker's `default.replication.factor`.
        replication_factor: Option<i16>,
    },
    /// `broker stop|kill|start ID`.
    Broker { verb: BrokerVerb, node_id: i32 },
    /// `time advance`: simulated time moves on by this many milliseconds.
    AdvanceTime(i64),
    /// `kafka-console-producer.sh` with ten keyed records to this topic.
    Produce { topic: String },
    /// A line typed in the terminal (with its here-document, or the records typed at a console
    /// producer's prompt), or only lines to show.
    RunCommand(CommandRequest),
    /// Starts over with a new cluster; the workspace is emptied by the next save.
    Reset,
    /// The workspace was read: the cluster it held (if any), this tab's storage status and the
    /// `WARNING:` lines of loading it.
    Loaded {
        cluster: Option<Box<Cluster>>,
        status: StorageStatus,
        notes: Vec<String>,
        /// What the restart's log loading did (`ui::restart_report`), when there is anything to say.
        report: Option<Rc<RestartReport>>,
    },
    /// Play, pause, speed, an animation frame's time, Step (`ui::playback`).
    Playback(PlaybackAction),
    /// Takes what changed since the last save into the outbox.
    Persist,
    /// The page is being left (`pagehide`): [`Action::Persist`] with a clean shutdown's flush
    /// and the brokers' `.kafka_cleanshutdown` files (`take_shutdown_changes`) in the same batch.
    CleanShutdown,
    /// The persistence hook took the first `n` batches of the outbox to write them.
    Sent(usize),
    /// What was sent is in IndexedDB.
    Saved,
    /// What was sent could not be written.
    SaveFailed(Message),
    /// Another tab took the workspace over (`ui::take_over`): this one writes nothing more.
    TakenOver,
    /// Rewrites the whole workspace now: this tab took it by force, and a write the other tab
    /// had under way may have landed after this tab read it.
    RewriteAll,
    /// The workspace's saved scenario (`playground-scenario.kplay`), read with its cluster.
    ScenarioLoaded(Option<String>),
    /// The workspace's saved timeline (`playground-timeline.txt`), read after its scenario.
    TimelineLoaded(Option<String>),
    /// Share (`ui::share`): pauses and puts the session's link in [`Store::share`].
    Share,
    /// Replaces the cluster with a scenario's replay (a share link or a `.kplay` file opened in
    /// a new workspace).
    OpenScenario(Rc<Scenario>),
    /// The next slice of an opened scenario's replay (one per animation frame).
    ReplayChunk,
    /// The session kept for this workspace (`ui::session_clients`), read once the cluster is
    /// loaded: its views open again and, in the tab that owns the workspace, its clients start.
    RestoreSession(KeptSession),
    /// The person opened another view (kept for the next reload).
    View(ViewChange),
    /// Puts the whole cluster back to a moment of a branch (`ui::timeline`).
    Rewind {
        branch: u32,
        moment: crate::scenario::history::Moment,
    },
}

/// A view that comes back after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewChange {
    Partition(PartitionPick),
    /// The files view: open on this broker, or closed.
    Files(Option<i32>),
}

/// How the last action went, in Kafka's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created {
        message: String,
        warning: Option<String>,
    },
    Refused {
        code: &'static str,
        message: String,
    },
    /// A fault or a start went through: what the command language prints for it, and the
    /// `WARNING:`/log lines a start printed.
    Done {
        message: String,
        notes: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Store {
    /// Shared by every state and changed in place (`ui::cluster_cell`); read it with
    /// [`Store::cluster`].
    cluster: ClusterCell,
    /// The outcome of the last topic action (the topic form shows it).
    pub last_outcome: Option<Outcome>,
    /// The outcome of the last broker action (the cluster panel shows it).
    pub cluster_outcome: Option<Outcome>,
    /// How the last produce went (the topic list shows it under its topic).
    pub produce_outcome: Option<ProduceOutcome>,
    /// The last trace lines, newest last.
    pub events: Rc<EventLog>,
    /// The terminal's scrollback (kept across a reset, as a terminal outlives a cluster).
    pub terminal: Rc<Transcript>,
    /// Bumped by every action, so components can tell one outcome from the next.
    pub version: u64,
    /// Bumped by every change to the cluster: the write-behind waits for it to settle.
    pub cluster_version: u64,
    pub storage: StorageStatus,
    /// `WARNING:` lines from loading the saved cluster.
    pub restore_notes: Vec<String>,
    /// What restarting the saved cluster recovered or truncated (`ui::restart_report`).
    pub restart_report: Option<Rc<RestartReport>>,
    /// Flushes waiting to be written, oldest first.
    pub outbox: Rc<Vec<SaveBatch>>,
    /// The next flush rewrites the whole workspace (after a failed flush, or a reset).
    pub rewrite_all: bool,
    /// Playing or paused, the speed, the last Step.
    pub playback: Playback,
    /// Kafka's metrics sampled once per simulated second (`ui::metrics`), fed by `drain_events`.
    pub metrics: Rc<MetricsHistory>,
    /// What this session did, as a scenario, and its trace hash (`ui::share`).
    pub scenario: Rc<Recorder>,
    /// Something is due at the clock's own time that playback has not run (a Step, a frame cut
    /// short): the next recorded line runs it first, as `time advance` in a replay would.
    pub(super) unsettled: bool,
    /// The last Share's link fragment (`s=…`), or why the session cannot be shared.
    pub share: Option<ShareLink>,
    /// An opened scenario being replayed, a slice per frame: nothing else changes the cluster
    /// meanwhile, and nothing is saved until it is done.
    pub replaying: Option<Rc<Replaying>>,
    /// Running clients and open views, kept for the next reload (`ui::session_clients`).
    pub session: Rc<KeptSession>,
    /// What restoring the session restarted, when it restarted anything.
    pub session_note: Option<Rc<session_clients::RestartNote>>,
    /// The branches and marks of the timeline, and the checkpoints rewinds start from.
    pub timeline: Timeline,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

impl Default for Store {
    fn default() -> Self {
        Store {
            cluster: ClusterCell::new(Cluster::new(ClusterOptions::default())),
            last_outcome: None,
            cluster_outcome: None,
            produce_outcome: None,
            events: Rc::new(EventLog::default()),
            terminal: Rc::new(Transcript::default()),
            version: 0,
            cluster_version: 0,
            storage: StorageStatus::Loading,
            restore_notes: Vec::new(),
            restart_report: None,
            outbox: Rc::new(Vec::new()),
            rewrite_all: false,
            playback: Playback::default(),
            metrics: Rc::new(MetricsHistory::default()),
            scenario: Rc::new(Recorder::new(&ClusterOptions::default())),
            unsettled: false,
            share: None,
            replaying: None,
            session: Rc::new(KeptSession::default()),
            session_note: None,
            timeline: Timeline::new(ClusterOptions::default().start_time.as_millis()),
        }
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.replaying.is_some() && super::share::waits_for_replay(&action) {
            return self;
        }
        let mut next = (*self).clone();
        next.version += 1;
        match action {
            Action::CreateTopic {
                name,
                partitions,
                replication_factor,
            } => {
                let line = super::share::create_topic_line(&name, partitions, replication_factor);
                next.recorded(&line, |store| {
                    store.create_topic(name, partitions, replication_factor);
                });
                next.cluster_changed();
            }
            Action::Broker { verb, node_id } => {
                let line = super::faults::broker_line(verb, node_id);
                next.recorded(&line, |store| store.broker_fault(verb, node_id));
                next.cluster_changed();
            }
            Action::AdvanceTime(ms) => {
                // Time that passes is not a line: the next step's wait records it. The
                // terminal shows the line the time buttons show (`time advance 10s`).
                next.advance_time(ms);
                next.echo(&format!("time advance {}", super::format::duration(ms)));
                next.cluster_changed();
            }
            Action::Produce { topic } => {
                next.settle();
                let started = next.cluster().now().as_millis();
                if let Some(script) = next.produce(&topic) {
                    next.record(started, &script);
                    next.echo(&script);
                }
                next.cluster_changed();
            }
            Action::RunCommand(request) => {
                let line = super::share::request_line(&request);
                if line.is_some() {
                    next.settle();
                }
                let started = next.cluster().now().as_millis();
                if next.run_command(request) {
                    if let Some(line) = line {
                        next.record(started, &line);
                    }
                    next.cluster_changed();
                }
            }
            Action::Reset => {
                // The workspace keeps its broker count and seed (its sim clock starts over).
                let options = ClusterOptions {
                    start_time: ClusterOptions::default().start_time,
                    ..next.cluster().options().clone()
                };
                next.cluster.replace(Cluster::new(options));
                next.playback = Playback::default();
                next.last_outcome = None;
                next.cluster_outcome = None;
                next.produce_outcome = None;
                next.events = Rc::new(EventLog::default());
                next.metrics = Rc::new(MetricsHistory::default());
                next.drain_events();
                next.restart_scenario();
                next.restore_notes.clear();
                next.restart_report = None;
                Rc::make_mut(&mut next.session).clients.clear();
                next.session_note = None;
                next.outbox = Rc::new(Vec::new());
                next.rewrite_all = true;
                next.cluster_version += 1;
                if next.storage.can_reset() {
                    next.storage = StorageStatus::Saving;
                }
            }
            Action::Loaded {
                cluster,
                status,
                notes,
                report,
            } => {
                if let Some(cluster) = cluster {
                    next.cluster.replace(*cluster);
                }
                next.storage = status;
                next.restore_notes = notes;
                next.restart_report = report;
                next.metrics = Rc::new(MetricsHistory::default());
                next.drain_events();
                next.restart_scenario();
                next.cluster_version += 1;
            }
            Action::Playback(action) => {
                if next.playback(action) {
                    next.note_unsettled();
                    // A Step's report outlives the change it made.
                    let step = next.playback.last_step.take();
                    next.cluster_changed();
                    next.playback.last_step = step;
                }
            }
            Action::Persist => next.persist(),
            Action::CleanShutdown => next.clean_shutdown(),
            Action::Sent(n) => {
                let rest = next.outbox.iter().skip(n).cloned().collect();
                next.outbox = Rc::new(rest);
                next.storage = StorageStatus::Saving;
            }
            Action::Saved => {
                if next.storage.writes() && next.outbox.is_empty() {
                    next.storage = StorageStatus::Saved;
                }
            }
            Action::SaveFailed(message) => {
                next.storage = StorageStatus::Failed(message);
                next.rewrite_all = true;
            }
            Action::TakenOver => next.storage = next.storage.after_take_over(),
            Action::RewriteAll => {
                next.rewrite_all = true;
                next.persist();
                if next.storage == StorageStatus::Saved {
                    next.storage = StorageStatus::Saving;
                }
            }
            Action::ScenarioLoaded(text) => next.scenario_loaded(text.as_deref()),
            Action::TimelineLoaded(text) => next.timeline_loaded(text.as_deref()),
            Action::Share => next.share_session(),
            Action::OpenScenario(scenario) => next.open_scenario(scenario),
            Action::ReplayChunk => next.replay_chunk(),
            Action::RestoreSession(kept) => next.restore_session(kept),
            Action::Rewind { branch, moment } => next.rewind(branch, moment),
            Action::View(change) => {
                let session = Rc::make_mut(&mut next.session);
                match change {
                    ViewChange::Partition(pick) => session.partition = Some(pick),
                    ViewChange::Files(node) => session.files = node,
                }
            }
        }
        Rc::new(next)
    }
}

impl Store {
    /// The cluster as it is now (a snapshot: later actions do not change it).
    pub fn cluster(&self) -> Rc<Cluster> {
        self.cluster.get()
    }

    /// The cluster, to change in place (reducer code only).
    pub(super) fn cluster_mut(&self) -> RefMut<'_, Cluster> {
        self.cluster.borrow_mut()
    }

    /// Puts another cluster in the store's place (an opened scenario's replay).
    pub(super) fn replace_cluster(&self, cluster: Cluster) {
        self.cluster.replace(cluster);
    }

    /// After a change to the cluster: its events go to the log, and it is unsaved until the
    /// write-behind has run.
    pub(super) fn cluster_changed(&mut self) {
        // Where the last Step went is stale once anything else moved the cluster.
        self.playback.last_step = None;
        // A client that stopped on its own (fenced, or by a broker's answer) is not restarted.
        if !self.session.all_running(&self.cluster()) {
            let now = session_clients::running(&self.cluster());
            Rc::make_mut(&mut self.session).forget_stopped(&now);
        }
        self.drain_events();
        self.cluster_version += 1;
        if self.storage == StorageStatus::Saved {
            self.storage = StorageStatus::Saving;
        }
        self.consider_checkpoint();
    }

    /// Moves the cluster's events since the last drain into the event log, as trace lines.
    pub(super) fn drain_events(&mut self) {
        // What the terminal's jobs (`kafka-console-consumer.sh … &`) consumed meanwhile.
        if self.cluster().console_jobs_have_news() {
            let lines = crate::cli::jobs::drain(&mut self.cluster_mut());
            Rc::make_mut(&mut self.terminal).extend(lines.into_iter().map(TermLine::from));
        }
        let events = self.cluster_mut().drain_events();
        let cluster = self.cluster();
        if self.metrics.wants(cluster.now().as_millis(), &events) {
            Rc::make_mut(&mut self.metrics).observe(&cluster, &events);
        }
        if !events.is_empty() {
            self.mark_events(&events);
            Rc::make_mut(&mut self.scenario).observe(&events);
            Rc::make_mut(&mut self.events).extend(events.iter().map(|e| e.to_string()));
        }
    }

    fn create_topic(&mut self, name: String, partitions: i32, replication_factor: Option<i16>) {
        let request = NewTopic {
            name: name.clone(),
            partitions: Some(partitions),
            replication_factor,
            ..NewTopic::default()
        };
        // Waits (in simulated time) for an active controller, as `kafka-topics.sh --create`
        // does: after a reload the quorum elects one first.
        let created = self.cluster_mut().create_topic(request);
        self.last_outcome = Some(match created {
            Ok(_created) => Outcome::Created {
                message: format!("Created topic {name}."),
                warning: has_collision_chars(&name).then(|| COLLISION_WARNING.to_string()),
            },
            Err(error) => Outcome::Refused {
                code: error.code.name(),
                message: error.message().to_string(),
            },
        });
    }

    /// Runs a terminal request; a client it starts or stops is remembered or forgotten
    /// (`ui::session_clients`). True when the cluster ran a command.
    fn run_command(&mut self, request: CommandRequest) -> bool {
        let script = request.script.clone();
        let before = session_clients::running(&self.cluster());
        let terminal = Rc::make_mut(&mut self.terminal);
        let ran = run_request(&mut self.cluster.slot(), terminal, request);
        if let (true, Some(script)) = (ran, script) {
            let cluster = self.cluster();
            Rc::make_mut(&mut self.session).observe(&script, &before, &cluster);
        }
        ran
    }

    /// The kept session after a reload: its views, and (in the tab that owns the workspace,
    /// over the cluster it loaded) its clients, started again by their own lines at the
    /// restored time. A tab that does not own the workspace runs nothing: it saves nothing.
    fn restore_session(&mut self, kept: KeptSession) {
        let KeptSession {
            clients,
            partition,
            files,
        } = kept;
        self.session = Rc::new(KeptSession {
            clients: Vec::new(),
            partition,
            files,
        });
        if !self.storage.writes() || clients.is_empty() {
            return;
        }
        let (mut restarted, mut failed) = (Vec::new(), Vec::new());
        for client in clients {
            self.run_command(CommandRequest::typed(&client.line));
            let runs = self
                .session
                .clients
                .iter()
                .any(|c| c.kind == client.kind && c.name == client.name);
            if runs {
                restarted.push(client);
            } else {
                failed.push(client);
            }
        }
        self.session_note = session_clients::restart_note(&restarted, &failed).map(Rc::new);
        self.cluster_changed();
    }

    /// Moves the cluster's dirty files into the outbox (all of them, over an emptied workspace,
    /// when `rewrite_all`). Nothing happens in a tab that does not write.
    fn persist(&mut self) {
        if !self.storage.writes() || self.replaying.is_some() {
            return;
        }
        let mut cluster = self.cluster_mut();
        let batch = if self.rewrite_all {
            SaveBatch {
                clear_first: true,
                changes: workspace_snapshot(&mut cluster),
            }
        } else {
            SaveBatch {
                clear_first: false,
                changes: take_workspace_changes(&mut cluster),
            }
        };
        drop(cluster);
        let mut batch = batch;
        batch.changes.push(self.scenario_file());
        batch.changes.extend(self.timeline_file(self.rewrite_all));
        self.rewrite_all = false;
        let mut outbox = (*self.outbox).clone();
        outbox.push(batch);
        self.outbox = Rc::new(outbox);
    }

    /// What changed and a clean shutdown's flush, in one batch: a page being left may get only
    /// one IndexedDB transaction started, and a batch is all or nothing, so the markers never
    /// vouch for files the workspace lacks.
    fn clean_shutdown(&mut self) {
        if !self.storage.writes() || self.replaying.is_some() {
            return;
        }
        self.persist();
        let changes = take_shutdown_changes(&mut self.cluster_mut());
        if let Some(batch) = Rc::make_mut(&mut self.outbox).last_mut() {
            batch.changes.extend(changes);
        }
    }
}

/// The store as components receive it from the context.
pub type StoreHandle = UseReducerHandle<Store>;
