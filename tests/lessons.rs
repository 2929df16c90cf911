//! The lessons (issue #12 item 2): every lesson file parses, its English and Korean versions
//! have the same steps, commands and checks (only the prose is translated), and walking through
//! it — running each step's commands, in order, on a fresh cluster as the page starts one —
//! makes every check of every step hold. A lesson that stops working fails here, not in front of
//! a learner.
#![cfg(not(target_arch = "wasm32"))]

use kafka_playground::cli::run_script;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::lessons::catalog::{lessons, sources, Lang};
use kafka_playground::lessons::check::Check;
use kafka_playground::lessons::{parse, Lesson};

fn all(lang: Lang) -> Vec<Lesson> {
    sources(lang)
        .map(|(name, text)| {
            parse(text).unwrap_or_else(|e| panic!("www/lessons/{}/{name}: {e}", lang.code()))
        })
        .collect()
}

#[test]
fn every_lesson_parses_in_both_languages_with_unique_ids_in_order() {
    for lang in [Lang::En, Lang::Ko] {
        let parsed = all(lang);
        assert_eq!(parsed.len(), lessons(lang).len());
        let orders: Vec<u32> = parsed.iter().map(|l| l.order).collect();
        let mut sorted = orders.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(orders, sorted, "orders are unique and in file order");
        for lesson in &parsed {
            assert!(!lesson.intro.is_empty(), "{}: an introduction", lesson.id);
            for step in &lesson.steps {
                assert!(
                    !step.checks.is_empty(),
                    "{} / {}: a step has a check",
                    lesson.id,
                    step.title
                );
            }
        }
    }
}

#[test]
fn korean_and_english_lessons_run_the_same_commands_and_checks() {
    for (en, ko) in all(Lang::En).iter().zip(all(Lang::Ko).iter()) {
        assert_eq!((&en.id, en.order), (&ko.id, ko.order));
        assert_eq!(en.steps.len(), ko.steps.len(), "{}: steps", en.id);
        for (a, b) in en.steps.iter().zip(&ko.steps) {
            assert_eq!(
                a.commands().collect::<Vec<_>>(),
                b.commands().collect::<Vec<_>>(),
                "{} / {}: commands",
                en.id,
                a.title
            );
            let texts =
                |checks: &[Check]| checks.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
            assert_eq!(
                (texts(&a.checks), a.unchanged),
                (texts(&b.checks), b.unchanged),
                "{} / {}: checks",
                en.id,
                a.title
            );
        }
        assert_ne!(
            en.title, ko.title,
            "{}: the Korean title is translated",
            en.id
        );
    }
}

/// Runs `lesson` step by step on `cluster`: each command fails exactly when the lesson says it
/// should, and after each step all of its checks hold. `context` names the run in messages.
fn walk(lesson: &Lesson, cluster: &mut Cluster, context: &str) {
    for step in &lesson.steps {
        // Issue #12: a step's checks stay red until it is done — else the step turns green
        // without the learner doing anything. A step that only looks (describes, lists, reads,
        // or shows a refusal) changes nothing: its checks say what the learner sees there.
        let before: Vec<_> = step.checks.iter().map(|c| c.evaluate(cluster)).collect();
        if step.unchanged {
            for (check, found) in step.checks.iter().zip(&before) {
                assert!(
                    found.holds,
                    "{context} / {}: `{}` is written `check unchanged` but does not hold before the step (now {})",
                    step.title, check.text, found.actual
                );
            }
        } else if !before.is_empty() && before.iter().all(|found| found.holds) {
            assert!(
                step.commands().all(only_looks),
                "{context} / {}: every check already holds before the step ({})",
                step.title,
                step.checks
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        for command in step.commands() {
            let output = run_script(cluster, &command.script);
            assert_eq!(
                output.failed,
                command.fails,
                "{context} / {}: `{}` {}:\n{}{}",
                step.title,
                command.script,
                if command.fails {
                    "was to fail"
                } else {
                    "failed"
                },
                output.stdout(),
                output.stderr()
            );
        }
        for check in &step.checks {
            let found = check.evaluate(cluster);
            assert!(
                found.holds,
                "{context} / {}: `{}` does not hold (now {})",
                step.title, check.text, found.actual
            );
        }
    }
}

/// Whether a lesson command changes nothing: a refusal shown on purpose, or only tools and
/// options that read (a console consumer without a group commits nothing).
fn only_looks(command: &kafka_playground::lessons::Command) -> bool {
    const READS: [&str; 8] = [
        "kafka-topics.sh --describe",
        "kafka-log-dirs.sh --describe",
        "kafka-topics.sh --list",
        "kafka-get-offsets.sh",
        "kafka-dump-log.sh",
        "kafka-metadata-quorum.sh",
        "kafka-consumer-groups.sh --describe",
        "kafka-configs.sh --describe",
    ];
    let reads = |line: &str| {
        let words: Vec<&str> = line
            .split_whitespace()
            .filter(|w| *w != "--bootstrap-server" && *w != "localhost:9092")
            .collect();
        let line = words.join(" ");
        READS.iter().any(|tool| {
            let (name, option) = tool.split_once(' ').unwrap_or((tool, ""));
            line.starts_with(name) && line.contains(option)
        }) || (line.starts_with("kafka-console-consumer.sh") && !line.contains("--group"))
    };
    command.fails
        || command
            .script
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .all(reads)
}

/// Runs every lesson step by step; before each step that changes the cluster some check is red,
/// and after each step all of its checks hold.
#[test]
fn walking_through_every_lesson_turns_every_check_green() {
    for lesson in all(Lang::En) {
        let mut cluster = Cluster::new(ClusterOptions::default());
        walk(&lesson, &mut cluster, &lesson.id);
    }
}

/// ```` ```sh fails ```` is a command the walk expects to fail (it was read as prose before),
/// and ```` ```check unchanged ```` marks a step whose checks hold before it.
#[test]
fn failing_commands_and_unchanged_checks_are_read() {
    let text = "---\nid: t\norder: 1\ntitle: T\nsummary: S\n---\n## Refused\n```sh fails\nkafka-topics.sh --create --topic 'a b'\n```\n```check unchanged\ntopic ab absent\n```\n## Made\n```sh\nkafka-topics.sh --create --topic ab\n```\n```check\ntopic ab exists\n```\n";
    let lesson = parse(text).expect("parses");
    let refused: Vec<_> = lesson.steps[0].commands().collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].fails);
    assert!(lesson.steps[0].unchanged);
    assert!(!lesson.steps[1].unchanged);
    assert!(!lesson.steps[1].commands().any(|c| c.fails));
}

#[test]
fn checks_say_what_is_wrong_in_a_line() {
    for (line, why) in [
        ("topic orders partitions", "expected OPERATOR VALUE"),
        ("topic orders partitions ~ 3", "the operator is one of"),
        ("partition orders leader = 1", "topic-N"),
        ("partition orders-0 colour = red", "a partition has"),
        ("record orders-0 x key = a", "topic-N OFFSET"),
        ("broker two state = running", "node id"),
        ("time elapsed >= soon", "a duration"),
        (
            "topic orders partitions > many",
            "only = and != compare words",
        ),
        ("weather is fine", "unknown check"),
        ("group g mood = happy", "a group has state"),
        ("group g committed orders >= 1", "topic-N"),
    ] {
        let error = Check::parse(line).expect_err(line);
        assert!(error.contains(why), "{line}: {error}");
    }
}

#[test]
fn checks_read_the_cluster_state() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let holds = |cluster: &Cluster, line: &str| Check::parse(line).expect(line).evaluate(cluster);
    assert!(holds(&cluster, "topic orders absent").holds);
    let found = holds(&cluster, "topic orders partitions = 3");
    assert_eq!((found.holds, found.actual.as_str()), (false, "unknown"));
    let output = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 2 --replication-factor 3\n\
         kafka-console-producer.sh --topic orders --property parse.key=true --property key.separator=: <<EOF\n\
         a:1\na:2\nb:3\nEOF\n\
         broker kill 3\ntime advance 45s\n",
    );
    assert!(!output.failed, "{}", output.stderr());
    for line in [
        "topic orders exists",
        "topic orders partitions = 2",
        "topic orders partitions != 3",
        "topic orders replication-factor = 3",
        "topic orders records = 3",
        "topic orders key a partitions = 1",
        "topic orders key nobody partitions = 0",
        "topic orders key a records = 2",
        "topic orders key b records = 1",
        "controller active = 1",
        "group nobody state = Dead",
        "group nobody members = 0",
        "partition orders-0 isr = 2",
        "partition orders-1 leader != 3",
        "broker 3 state = crashed",
        "broker 3 fenced = true",
        "broker 1 fenced = false",
        "time elapsed >= 45s",
        "time elapsed < 46s",
    ] {
        let found = holds(&cluster, line);
        assert!(found.holds, "{line}: now {}", found.actual);
    }
    let found = holds(&cluster, "partition orders-0 isr = 3");
    assert_eq!((found.holds, found.actual.as_str()), (false, "2"));
}

/// The KRaft lesson reads the quorum, whose elections draw from the cluster's seed: its checks
/// hold whichever voter wins each election, so a learner's workspace with another seed (the
/// workspace switcher offers one) walks through it too.
#[test]
fn the_kraft_lesson_holds_whatever_the_seed() {
    let lesson = all(Lang::En)
        .into_iter()
        .find(|l| l.id == "kraft")
        .expect("the kraft lesson");
    for seed in 0..24 {
        let mut cluster = Cluster::new(ClusterOptions {
            seed,
            ..ClusterOptions::default()
        });
        walk(&lesson, &mut cluster, &format!("kraft, seed {seed}"));
    }
}
