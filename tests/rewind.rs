//! Rewinding a session on its timeline (issue #10, item 4: "clicking an event rewinds the whole
//! cluster to that moment (checkpoints plus deterministic replay); acting after a rewind starts a
//! branch and the old branch stays reachable").
//!
//! A session is driven here as the page's store drives it (`ui::store`, `ui::timeline`): each
//! command is recorded with the time that passed before it, its mark and its events go to the
//! history, and checkpoints of the live cluster are kept. A rewind must give the very cluster a
//! replay from the start gives — the same trace hash, the same tools' output, and the same
//! future — whether it starts from a checkpoint or not.

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::scenario::checkpoints::{Checkpoint, Checkpoints};
use kafka_playground::scenario::history::{History, MarkKind, Moment};
use kafka_playground::scenario::history_file::{from_text, to_text};
use kafka_playground::scenario::recorder::Recorder;
use kafka_playground::scenario::replay::{start, ReplayJob};
use kafka_playground::scenario::{Scenario, Step};
use std::rc::Rc;

/// A live session: the cluster, what was recorded, the timeline and the checkpoints.
struct Session {
    cluster: Cluster,
    recorder: Recorder,
    history: History,
    checkpoints: Checkpoints,
    /// Whether the last rewind started from a checkpoint.
    from_checkpoint: bool,
}

impl Session {
    fn new() -> Self {
        let options = ClusterOptions {
            seed: 11,
            brokers: 3,
            ..ClusterOptions::default()
        };
        let cluster = start(&options);
        Session {
            history: History::new(cluster.now().as_millis()),
            recorder: Recorder::new(&options),
            cluster,
            checkpoints: Checkpoints::default(),
            from_checkpoint: false,
        }
    }

    /// Runs `script` as the page records a line: its mark, then its events.
    fn act(&mut self, script: &str) {
        let started = self.cluster.now().as_millis();
        let steps = self.recorder.steps().len();
        run_script(&mut self.cluster, script);
        let ended = self.cluster.now().as_millis();
        self.recorder.record(started, script, ended);
        self.history.command(steps, started, script);
        self.drain();
    }

    /// Playback: time passes, a frame at a time.
    fn pass(&mut self, ms: i64) {
        let mut left = ms;
        while left > 0 {
            let frame = left.min(1_600);
            self.cluster.advance_time(frame);
            self.drain();
            left -= frame;
        }
    }

    fn drain(&mut self) {
        let events = self.cluster.drain_events();
        self.history.observe(
            &events,
            self.recorder.steps().len(),
            self.recorder.steps_end_ms(),
            self.recorder.last_step_waited_from(),
        );
        self.recorder.observe(&events);
    }

    /// The moments of branch `id`'s marks, oldest first.
    fn moments(&self, id: u32) -> Vec<Moment> {
        self.history
            .branch(id)
            .map(|b| b.marks.iter().map(|m| m.moment).collect())
            .unwrap_or_default()
    }

    /// The moment of branch `id`'s mark with this text.
    fn mark_of(&self, id: u32, text: &str) -> Moment {
        self.history
            .branch(id)
            .and_then(|b| b.marks.iter().find(|m| m.text == text))
            .unwrap_or_else(|| panic!("a mark {text:?} on branch {id}"))
            .moment
    }

    fn moment(&self) -> Moment {
        Moment {
            steps: self.recorder.steps().len(),
            at_ms: self.cluster.now().as_millis(),
        }
    }

    fn checkpoint(&mut self) {
        self.checkpoints.add(Checkpoint {
            steps: Rc::from(self.recorder.steps()),
            moment: self.moment(),
            steps_end_ms: self.recorder.steps_end_ms(),
            cluster: Rc::new(self.cluster.clone()),
            trace_hash: self.recorder.trace_hash(),
            bytes: self.cluster.file_bytes(),
        });
    }

    /// Rewinds as `Store::rewind` does, with or without the checkpoints.
    fn rewind(&mut self, branch: u32, moment: Moment, use_checkpoints: bool) -> u32 {
        let live_end = self.moment();
        let live_steps = self.recorder.steps().to_vec();
        let plan = self
            .history
            .plan(branch, moment, &live_steps, live_end)
            .expect("a moment the branch reached");
        let on = self.history.rewound(&live_steps, live_end, branch, moment);
        let checkpoint = use_checkpoints
            .then(|| self.checkpoints.best_for(&plan.steps, moment).cloned())
            .flatten();
        self.from_checkpoint = checkpoint.is_some();
        let scenario = Rc::new(Scenario {
            steps: plan.steps,
            ..Scenario::new(self.recorder.options().clone())
        });
        let (mut job, mut cluster) = ReplayJob::rewind(scenario, checkpoint.as_ref(), moment.at_ms);
        assert!(job.run(&mut cluster, || true));
        self.recorder = Recorder::replayed(
            job.scenario(),
            job.steps_end_ms().expect("the replay ended"),
            job.trace_hash(),
        );
        self.cluster = cluster;
        on
    }

    /// What the tools print about the cluster: topics, offsets, groups, the quorum.
    fn looks(&mut self) -> String {
        let output = run_script(
            &mut self.cluster,
            "kafka-topics.sh --describe\nkafka-get-offsets.sh --topic orders\nkafka-consumer-groups.sh --describe --all-groups\nkafka-metadata-quorum.sh describe --status\n",
        );
        self.cluster.drain_events();
        let lines: Vec<String> = output.lines.into_iter().map(|(_, line)| line).collect();
        format!(
            "now={}\n{}",
            self.cluster.now().as_millis(),
            lines.join("\n")
        )
    }
}

const PRODUCE: &str = "kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF
a:1
b:2
c:3
d:4
EOF
";

/// A session with leader changes, ISR changes, a crash and a restart, and a consumer group.
fn eventful_session(checkpoints: bool) -> Session {
    let mut session = Session::new();
    session.pass(5_000);
    session.act("kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2 --config segment.bytes=1048576");
    session.act(PRODUCE);
    if checkpoints {
        session.checkpoint();
    }
    session.pass(12_000);
    session.act("broker kill 2");
    session.pass(20_000);
    if checkpoints {
        session.checkpoint();
    }
    session.act(PRODUCE);
    session.act(
        "kafka-console-consumer.sh --topic orders --group audit --from-beginning --max-messages 5",
    );
    session.pass(9_000);
    session.act("broker start 2");
    session.pass(40_000);
    if checkpoints {
        session.checkpoint();
    }
    session.act(PRODUCE);
    session.pass(3_000);
    session
}

#[test]
fn the_timeline_marks_commands_before_they_ran_and_events_after_them() {
    let session = eventful_session(false);
    let branch = session.history.branch(1).expect("the branch");
    let commands: Vec<_> = branch
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::Command)
        .collect();
    assert_eq!(commands.len(), 7);
    assert!(commands[0]
        .text
        .starts_with("kafka-topics.sh --create --topic orders"));
    assert_eq!(commands[0].moment.steps, 0, "just before the first command");
    assert_eq!(commands[2].text, "broker kill 2");
    assert_eq!(commands[2].moment.steps, 2);
    // The kill fences broker 2 (after its session timeout) and moves leaders: marks after it.
    for kind in [MarkKind::Broker, MarkKind::Leader, MarkKind::Isr] {
        assert!(
            branch.marks.iter().any(|m| m.kind == kind),
            "a {kind:?} mark in {:#?}",
            branch.marks
        );
    }
    // The console consumer's group rebalanced: a classic group's first generation
    // (`GroupMetadataManager.storeGroup`).
    assert!(
        branch.marks.iter().any(|m| m.kind == MarkKind::Rebalance
            && m.text.starts_with("b")
            && m.text
                .contains(" group:audit rebalanced generation=1 (classic)")),
        "{:#?}",
        branch.marks
    );
    let kill_at = commands[2].moment;
    assert!(branch
        .marks
        .iter()
        .any(|m| m.kind == MarkKind::Leader && m.moment > kill_at && m.text.contains("orders-")));
    // Marks are in moment order.
    let moments: Vec<Moment> = branch.marks.iter().map(|m| m.moment).collect();
    let mut sorted = moments.clone();
    sorted.sort();
    assert_eq!(moments, sorted);
}

#[test]
fn a_rewind_from_a_checkpoint_is_the_replay_from_the_start() {
    let reference = eventful_session(true);
    let marks = reference.moments(1);
    assert!(reference.checkpoints.len() >= 3);
    let (mut checked, mut from_checkpoints) = (0, 0);
    // Every fourth mark keeps the test short; the marks cover every kind of step boundary.
    for moment in marks.iter().step_by(4) {
        let mut from_checkpoint = eventful_session(true);
        let mut from_start = eventful_session(false);
        from_checkpoint.rewind(1, *moment, true);
        from_start.rewind(1, *moment, false);
        from_checkpoints += usize::from(from_checkpoint.from_checkpoint);
        assert_eq!(from_checkpoint.cluster.now().as_millis(), moment.at_ms);
        assert_eq!(
            from_checkpoint.recorder.trace_hash(),
            from_start.recorder.trace_hash(),
            "trace hash at {moment:?}"
        );
        assert_eq!(from_checkpoint.looks(), from_start.looks(), "at {moment:?}");
        // The same future: the same commands and time give the same trace.
        for session in [&mut from_checkpoint, &mut from_start] {
            session.act(PRODUCE);
            session.pass(30_000);
        }
        assert_eq!(
            from_checkpoint.recorder.trace_hash(),
            from_start.recorder.trace_hash(),
            "after acting at {moment:?}"
        );
        checked += 1;
    }
    assert!(checked >= 5);
    assert!(
        from_checkpoints >= 3,
        "{from_checkpoints} of {checked} from a checkpoint"
    );
}

#[test]
fn acting_after_a_rewind_starts_a_branch_and_the_old_one_stays_whole() {
    let mut session = eventful_session(true);
    let end_hash = session.recorder.trace_hash();
    let end_looks = session.looks();
    let old_steps = session.recorder.steps().to_vec();
    let kill = session.mark_of(1, "broker kill 2");
    // Back to just before the kill: broker 2 is running again, and a different fault follows.
    let on = session.rewind(1, kill, true);
    assert_eq!(on, 2, "a rewind lands on a new branch");
    assert_eq!(session.recorder.steps().len(), kill.steps);
    session.act("broker stop 3");
    session.pass(10_000);
    let history = &session.history;
    assert_eq!(history.branches().len(), 2);
    let old = history.branch(1).expect("the branch");
    assert_eq!(old.steps, old_steps, "the old branch keeps every step");
    let new = history.branch(2).expect("the branch");
    assert_eq!(new.parent, Some((1, kill)));
    // Back to the old branch's end: the cluster as it was before the rewind.
    let old_end = old.end;
    let on = session.rewind(1, old_end, true);
    assert_eq!(on, 1, "a branch's end continues that branch");
    assert_eq!(session.recorder.trace_hash(), end_hash);
    assert_eq!(session.looks(), end_looks);
    // And the new branch is still there, with its own step.
    let new = session.history.branch(2).expect("the branch");
    assert_eq!(
        new.steps.last().map(|s| s.script.trim()),
        Some("broker stop 3")
    );
}

#[test]
fn a_fork_left_without_doing_anything_is_dropped() {
    let mut session = eventful_session(false);
    let marks = session.moments(1);
    let on = session.rewind(1, marks[3], true);
    assert_eq!(on, 2);
    // Nothing done on branch 2: rewinding elsewhere leaves no empty branch behind…
    let on = session.rewind(2, marks[1], true);
    assert_eq!(on, 3, "a moment of the untouched fork is its parent's");
    assert_eq!(
        session
            .history
            .branches()
            .iter()
            .map(|b| b.id)
            .collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert_eq!(
        session.history.branch(3).expect("the branch").parent,
        Some((1, marks[1]))
    );
}

#[test]
fn a_checkpoint_serves_only_the_steps_it_ran_and_moments_after_it() {
    let step = |wait_ms: i64, script: &str| Step {
        wait_ms,
        script: format!("{script}\n"),
    };
    let steps = vec![step(0, "broker kill 1"), step(5_000, "broker start 1")];
    let checkpoint = |k: usize, at_ms: i64, steps_end_ms: i64| Checkpoint {
        steps: Rc::from(&steps[..k]),
        moment: Moment { steps: k, at_ms },
        steps_end_ms,
        cluster: Rc::new(Cluster::new(ClusterOptions::default())),
        trace_hash: 0,
        bytes: 0,
    };
    // One step ran, ending at 1000; the second starts at 6000.
    let at_3000 = checkpoint(1, 3_000, 1_000);
    assert!(at_3000.serves(
        &steps,
        Moment {
            steps: 2,
            at_ms: 9_000
        }
    ));
    assert!(at_3000.serves(
        &steps,
        Moment {
            steps: 1,
            at_ms: 3_000
        }
    ));
    assert!(
        !at_3000.serves(
            &steps,
            Moment {
                steps: 1,
                at_ms: 2_999
            }
        ),
        "before it"
    );
    assert!(
        !at_3000.serves(
            &steps,
            Moment {
                steps: 0,
                at_ms: 9_000
            }
        ),
        "fewer steps"
    );
    // Taken at 7000, past the second step's start: it cannot serve a moment after that step.
    let at_7000 = checkpoint(1, 7_000, 1_000);
    assert!(!at_7000.serves(
        &steps,
        Moment {
            steps: 2,
            at_ms: 9_000
        }
    ));
    assert!(at_7000.serves(
        &steps,
        Moment {
            steps: 1,
            at_ms: 7_500
        }
    ));
    // Other steps: another branch.
    let other = vec![step(0, "broker kill 2"), steps[1].clone()];
    assert!(!at_3000.serves(
        &other,
        Moment {
            steps: 2,
            at_ms: 9_000
        }
    ));
}

#[test]
fn the_timeline_file_keeps_every_branch_and_refuses_what_it_cannot_read() {
    let mut session = eventful_session(false);
    let kill = session.mark_of(1, "broker kill 2");
    session.rewind(1, kill, false);
    // A here-document in a step: its newlines survive.
    session.act(PRODUCE);
    let text = to_text(&session.history, session.recorder.steps());
    let read = from_text(&text).expect("reads back");
    assert_eq!(read.live(), 2);
    assert_eq!(read.branches().len(), 2);
    let (old, new) = (session.history.branch(1), read.branch(1));
    assert_eq!(new.map(|b| &b.steps), old.map(|b| &b.steps));
    assert_eq!(new.map(|b| &b.marks), old.map(|b| &b.marks));
    assert_eq!(new.map(|b| b.end), old.map(|b| b.end));
    assert_eq!(read.branch(2).map(|b| b.parent), Some(Some((1, kill))));
    assert_eq!(
        read.branch(2).map(|b| &b.marks),
        session.history.branch(2).map(|b| &b.marks)
    );
    // The live branch's steps are written too: the scenario file read back cuts them into a
    // step per command, `time advance` lines included, and the marks count recorded steps.
    let live_steps = read.branch(2).map(|b| b.steps.clone()).expect("branch 2");
    assert_eq!(live_steps, session.recorder.steps());
    let reloaded = Recorder::from_workspace_file(&session.recorder.to_workspace_file());
    let mut reloaded = reloaded.expect("reads back");
    assert_ne!(
        reloaded.steps().len(),
        live_steps.len(),
        "a step per command"
    );
    assert!(reloaded.adopt_steps(live_steps.clone()));
    assert_eq!(reloaded.steps(), live_steps.as_slice());
    let mut other = live_steps.clone();
    other.pop();
    assert!(!reloaded.adopt_steps(other), "not the same scenario");
    assert_eq!(to_text(&read, &live_steps), text);
    for broken in [
        "",
        "# kplay timeline 2\nlive 1\n",
        "# kplay timeline 1\nlive 9\nbranch 1 parent none end 0 0\n",
        "# kplay timeline 1\nlive 1\nbranch 1 parent none end 0 0\nmark 0 0 nonsense x\n",
        "# kplay timeline 1\nlive 1\nbranch 1 parent none end 0 0\nstep 0 bad\\escape\n",
        "# kplay timeline 1\nlive 1\nbranch 1 parent none end 0 0\nbranch 1 parent none end 0 0\n",
        "# kplay timeline 1\nlive 1\nmark 0 0 command x\n",
    ] {
        assert!(from_text(broken).is_none(), "{broken:?}");
    }
}

#[test]
fn an_opened_scenario_comes_with_the_timeline_the_session_had() {
    let session = eventful_session(false);
    let scenario = session.recorder.scenario(session.cluster.now().as_millis());
    let (mut job, mut cluster) = ReplayJob::new(Rc::new(scenario));
    job.keep_timeline(cluster.now().as_millis());
    assert!(job.run(&mut cluster, || true));
    assert_eq!(job.trace_hash(), session.recorder.trace_hash());
    let replayed = job.take_timeline().expect("a timeline");
    assert_eq!(
        replayed.branch(1).map(|b| &b.marks),
        session.history.branch(1).map(|b| &b.marks)
    );
}

#[test]
fn checkpoints_over_the_limit_are_thinned_where_they_lie_closest() {
    let cluster = Rc::new(Cluster::new(ClusterOptions::default()));
    let at = |steps: usize, at_ms: i64| Checkpoint {
        steps: Rc::from(Vec::new()),
        moment: Moment { steps, at_ms },
        steps_end_ms: 0,
        cluster: cluster.clone(),
        trace_hash: 0,
        bytes: 1,
    };
    let mut checkpoints = Checkpoints::default();
    // Thirty, a minute apart, past the count limit (24).
    for i in 0..30 {
        checkpoints.add(at(0, i * 60_000));
    }
    assert_eq!(checkpoints.len(), 24);
    let kept: Vec<i64> = (0..30 * 60_000)
        .step_by(60_000)
        .filter(|&ms| {
            checkpoints
                .best_for(
                    &[],
                    Moment {
                        steps: 0,
                        at_ms: ms,
                    },
                )
                .is_some_and(|c| c.moment.at_ms == ms)
        })
        .collect();
    assert_eq!(kept.first(), Some(&0), "the first stays");
    assert_eq!(kept.last(), Some(&(29 * 60_000)), "the last stays");
    let widest = kept.windows(2).map(|w| w[1] - w[0]).max();
    assert_eq!(widest, Some(120_000), "no gap over two minutes: {kept:?}");
    // The latest taken decides when the next is due, also when it is not the last in time.
    assert!(!checkpoints.wants(Moment {
        steps: 0,
        at_ms: 29 * 60_000 + 1_000
    }));
    checkpoints.add(at(0, 5 * 60_000 + 30_000));
    assert!(!checkpoints.wants(Moment {
        steps: 3,
        at_ms: 5 * 60_000 + 40_000
    }));
    assert!(checkpoints.wants(Moment {
        steps: 20,
        at_ms: 5 * 60_000 + 40_000
    }));
}

/// An event inside a typed `time advance` (or the page's "Jump by", which runs one) is marked at
/// its own time, after the steps before it — not at the end of the advance — and rewinding to
/// the mark reaches the cluster as it was then: the step only let time pass, so the steps before
/// it and a shorter wait rebuild it.
#[test]
fn an_event_inside_a_time_advance_is_marked_and_rewound_to_at_its_own_time() {
    let mut session = Session::new();
    session.pass(5_000);
    session.act("kafka-topics.sh --create --topic orders --partitions 3 --replication-factor 3");
    session.act(PRODUCE);
    session.act("broker kill 2");
    let before_advance = session.moment();
    session.act("time advance 60s");
    let branch = session.history.branch(1).expect("the branch");
    let fenced = branch
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Broker && m.text.contains("b2 fenced"))
        .unwrap_or_else(|| panic!("a fencing mark in {:#?}", branch.marks));
    let moment = fenced.moment;
    assert_eq!(
        moment.steps, before_advance.steps,
        "after the steps before the advance"
    );
    assert!(
        moment.at_ms > before_advance.at_ms && moment.at_ms < before_advance.at_ms + 60_000,
        "at its own time, inside the advance: {moment:?} from {before_advance:?}"
    );
    let text = fenced.text.clone();
    session.rewind(1, moment, false);
    assert_eq!(session.moment(), moment);
    let describe = run_script(
        &mut session.cluster,
        "kafka-topics.sh --describe --topic orders\n",
    );
    let described: String = describe.lines.into_iter().map(|(_, l)| l + "\n").collect();
    let isrs: Vec<&str> = described
        .lines()
        .filter_map(|l| l.split("Isr: ").nth(1)?.split('\t').next())
        .collect();
    assert_eq!(
        isrs,
        ["1,3", "3,1", "3,1"],
        "{text}: broker 2 out of every ISR\n{described}"
    );
}
