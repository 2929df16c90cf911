//! The client-side assignors against kafka-python's independent implementations
//! (tests/python/crosscheck_assignors.py) on many random fresh groups: range and sticky on any
//! subscriptions, roundrobin on equal subscriptions. kafka-python's `StickyPartitionAssignor` is
//! the pre-2.8 algorithm (one general path), yet on fresh groups it agrees with Java's
//! constrained and general builders on every case tried; groups with previous owners are checked
//! against Kafka's own cases instead (golden_sticky.rs). kafka-python 3.0's round-robin crashes
//! (`KeyError`) when it has to skip a member not subscribed to a topic (its skip loop rebinds
//! `member_id` to a tuple), so unequal round-robin subscriptions are checked against Kafka's own
//! cases (golden_client.rs).
//!
//! kafka-python groups static and dynamic members with `itertools.groupby` over the members in
//! their given order, which drops members when static and dynamic ones alternate; the cases are
//! therefore all-static or all-dynamic.

use super::python::{json_string, require_kafka_python, run_script, scratch_dir};
use kafka_playground::engine::group::assignor::{ClientAssignor, Subscription};
use kafka_playground::engine::rng::Rng;
use std::collections::BTreeMap;

struct Case {
    assignor: ClientAssignor,
    topics: BTreeMap<String, i32>,
    subscriptions: BTreeMap<String, Subscription>,
}

fn random_case(rng: &mut Rng, assignor: ClientAssignor) -> Case {
    let topics: BTreeMap<String, i32> = (0..1 + rng.below(5))
        .map(|t| (format!("t{t}"), rng.below(13) as i32))
        .collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let equal = assignor == ClientAssignor::RoundRobin || rng.below(3) == 0;
    let pick = |rng: &mut Rng| -> Vec<String> {
        let mut picked: Vec<String> = names
            .iter()
            .filter(|_| rng.below(2) == 0)
            .cloned()
            .collect();
        if picked.is_empty() {
            picked.push(names[rng.below(names.len() as u32) as usize].clone());
        }
        // A topic the cluster does not know is skipped by both sides.
        if rng.below(10) == 0 {
            picked.push("missing".to_owned());
        }
        picked
    };
    let shared = pick(rng);
    let static_members = assignor != ClientAssignor::Sticky && rng.below(4) == 0;
    let mut subscriptions = BTreeMap::new();
    for i in 0..1 + rng.below(9) {
        let member = format!("consumer-{}-{:08x}", rng.below(100), rng.next_u32());
        let topics = if equal { shared.clone() } else { pick(rng) };
        let mut s = Subscription::new(topics);
        if static_members {
            s = s.with_instance_id(format!("instance-{}", rng.below(1000) * 10 + i));
        }
        subscriptions.insert(member, s);
    }
    Case {
        assignor,
        topics,
        subscriptions,
    }
}

fn to_json(case: &Case) -> String {
    let assignment = case
        .assignor
        .assign(&case.topics, &case.subscriptions)
        .expect("assignment");
    let topics: Vec<String> = case
        .topics
        .iter()
        .map(|(t, n)| format!("{}: {n}", json_string(t)))
        .collect();
    let members: Vec<String> = case
        .subscriptions
        .iter()
        .map(|(m, s)| {
            let instance = s
                .group_instance_id
                .as_deref()
                .map_or("null".to_owned(), json_string);
            let topics: Vec<String> = s.topics.iter().map(|t| json_string(t)).collect();
            format!(
                "{{\"id\": {}, \"instance\": {instance}, \"topics\": [{}]}}",
                json_string(m),
                topics.join(", ")
            )
        })
        .collect();
    let assigned: Vec<String> = assignment
        .iter()
        .map(|(m, ps)| {
            let ps: Vec<String> = ps
                .iter()
                .map(|p| format!("[{}, {}]", json_string(&p.topic), p.partition))
                .collect();
            format!("{}: [{}]", json_string(m), ps.join(", "))
        })
        .collect();
    format!(
        "{{\"assignor\": \"{}\", \"partitions\": {{{}}}, \"members\": [{}], \"assignment\": {{{}}}}}",
        case.assignor.name(),
        topics.join(", "),
        members.join(", "),
        assigned.join(", ")
    )
}

#[test]
fn range_roundrobin_and_sticky_agree_with_kafka_python_on_fresh_groups() {
    if require_kafka_python("assignor cross-check").is_none() {
        return;
    }
    let mut rng = Rng::from_seed(848);
    let mut cases = Vec::new();
    for (assignor, n) in [
        (ClientAssignor::Range, 400),
        (ClientAssignor::RoundRobin, 400),
        (ClientAssignor::Sticky, 400),
    ] {
        for _ in 0..n {
            cases.push(to_json(&random_case(&mut rng, assignor)));
        }
    }
    let dir = scratch_dir("assignors");
    let path = dir.join("cases.json");
    std::fs::write(
        &path,
        format!("{{\"cases\": [\n{}\n]}}\n", cases.join(",\n")),
    )
    .expect("write cases");
    let out = run_script(
        "crosscheck_assignors.py",
        &["verify", path.to_str().expect("utf-8 path")],
    );
    assert!(out.contains("verified 1200 assignments"), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}
