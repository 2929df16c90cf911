//! Property tests over random groups and random changes (members join and leave, topics grow,
//! subscriptions change): every partition of a subscribed topic goes to exactly one subscribed
//! member; the sticky assignors and the uniform assignor balance to within one partition when
//! subscriptions are equal (and the sticky ones satisfy Kafka's `verifyValidityAndBalance`
//! otherwise); a rebalance without a change moves nothing; cooperative-sticky never gives a
//! member, in the first round, a partition another member still owns, and the follow-up round
//! completes the assignment.

use super::{as_sets, is_fully_balanced, v2, verify_validity, verify_validity_and_balance};
use kafka_playground::engine::group::assignor::server::{GroupSpec, MemberSpec, ServerAssignor};
use kafka_playground::engine::group::assignor::{
    revoked_partitions, Assignment, ClientAssignor, Subscription, TopicPartition,
};
use kafka_playground::engine::rng::Rng;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

struct World {
    rng: Rng,
    topics: BTreeMap<String, i32>,
    /// Member id → subscribed topics.
    members: BTreeMap<String, Vec<String>>,
    next_member: u32,
}

impl World {
    fn new(seed: u64, equal: bool) -> World {
        let mut rng = Rng::from_seed(seed);
        let topics = (0..1 + rng.below(4))
            .map(|t| (format!("topic{t}"), rng.below(11) as i32))
            .collect();
        let mut w = World {
            rng,
            topics,
            members: BTreeMap::new(),
            next_member: 0,
        };
        let shared = w.random_topics();
        for _ in 0..1 + w.rng.below(8) {
            let topics = if equal {
                shared.clone()
            } else {
                w.random_topics()
            };
            w.add_member(topics);
        }
        w
    }

    fn random_topics(&mut self) -> Vec<String> {
        let all: Vec<String> = self.topics.keys().cloned().collect();
        let mut picked: Vec<String> = all
            .iter()
            .filter(|_| self.rng.below(2) == 0)
            .cloned()
            .collect();
        if picked.is_empty() {
            picked.push(all[self.rng.below(all.len() as u32) as usize].clone());
        }
        picked
    }

    fn add_member(&mut self, topics: Vec<String>) {
        // Ids like the Java client's `client.id-<uuid>`, so Java HashMap order varies.
        let id = format!("consumer-{}-{:08x}", self.next_member, self.rng.next_u32());
        self.next_member += 1;
        self.members.insert(id, topics);
    }

    /// One random change; `equal` keeps subscriptions equal.
    fn change(&mut self, equal: bool) {
        match self.rng.below(4) {
            0 => {
                let topics = match (equal, self.members.values().next()) {
                    (true, Some(t)) => t.clone(),
                    _ => self.random_topics(),
                };
                self.add_member(topics);
            }
            1 if self.members.len() > 1 => {
                let i = self.rng.below(self.members.len() as u32) as usize;
                let id = self.members.keys().nth(i).cloned().unwrap_or_default();
                self.members.remove(&id);
            }
            2 => {
                let i = self.rng.below(self.topics.len() as u32) as usize;
                if let Some(n) = self.topics.values_mut().nth(i) {
                    *n += 1 + self.rng.below(3) as i32;
                }
            }
            _ if !equal => {
                let i = self.rng.below(self.members.len() as u32) as usize;
                let topics = self.random_topics();
                if let Some(t) = self.members.values_mut().nth(i) {
                    *t = topics;
                }
            }
            _ => {}
        }
    }

    /// Subscriptions carrying what each member owns from `previous` in `generation`.
    fn subscriptions(
        &self,
        previous: &Assignment,
        generation: i32,
    ) -> BTreeMap<String, Subscription> {
        self.members
            .iter()
            .map(|(m, topics)| {
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                let owned = previous.get(m).cloned().unwrap_or_default();
                (m.clone(), v2(&topics, owned, generation))
            })
            .collect()
    }

    fn group_spec(
        &self,
        previous: &BTreeMap<String, BTreeMap<String, BTreeSet<i32>>>,
    ) -> GroupSpec {
        self.members
            .iter()
            .map(|(m, topics)| {
                let mut spec = MemberSpec::new(topics.iter().cloned());
                spec.assignment = previous.get(m).cloned().unwrap_or_default();
                (m.clone(), spec)
            })
            .collect()
    }
}

fn same_sets(a: &Assignment, b: &Assignment) -> bool {
    as_sets(a) == as_sets(b)
}

/// The eager assignors over a sequence of changes: valid every time, and for sticky balanced
/// (Kafka's `verifyValidityAndBalance`) and unmoved when nothing changed.
fn eager_sequence(seed: u64, equal: bool) {
    let mut w = World::new(seed, equal);
    let mut previous: BTreeMap<ClientAssignor, Assignment> = BTreeMap::new();
    for generation in 1..8 {
        for assignor in [
            ClientAssignor::Range,
            ClientAssignor::RoundRobin,
            ClientAssignor::Sticky,
        ] {
            let prev = previous.get(&assignor).cloned().unwrap_or_default();
            let subs = w.subscriptions(&prev, generation);
            let a = assignor.assign(&w.topics, &subs).expect("assignment");
            verify_validity(&subs, &a, &w.topics);
            if assignor == ClientAssignor::Sticky {
                verify_validity_and_balance(&subs, &a, &w.topics);
                if equal {
                    assert!(is_fully_balanced(&a), "{a:?}");
                }
                let again = assignor
                    .assign(&w.topics, &w.subscriptions(&a, generation + 1))
                    .expect("again");
                assert!(
                    same_sets(&a, &again),
                    "a rebalance without change moved partitions:\n{a:?}\n{again:?}"
                );
            }
            previous.insert(assignor, a);
        }
        w.change(equal);
    }
}

/// Cooperative-sticky over a sequence of changes, two rounds per rebalance.
fn cooperative_sequence(seed: u64, equal: bool) {
    let mut w = World::new(seed, equal);
    let mut owned: Assignment = BTreeMap::new();
    let assignor = ClientAssignor::CooperativeSticky;
    let mut generation = 1;
    for _ in 0..8 {
        let subs = w.subscriptions(&owned, generation);
        let round_one = assignor.assign(&w.topics, &subs).expect("round one");
        let holder: BTreeMap<&TopicPartition, &String> = subs
            .iter()
            .flat_map(|(m, s)| s.owned_partitions.iter().map(move |p| (p, m)))
            .collect();
        for (m, ps) in &round_one {
            for p in ps {
                if let Some(other) = holder.get(p) {
                    assert_eq!(
                        *other, m,
                        "round one gave {p} to {m} while {other} still owns it"
                    );
                }
            }
        }
        // Members revoke what they lost, then rejoin at once: follow-up rebalances until nobody
        // revokes. With equal subscriptions one follow-up is enough (the constrained builder
        // moves only what it must); the general builder may move a few more the next time.
        let mut current = round_one;
        let mut revoked = revoked_partitions(&subs, &current);
        let mut rounds = 1;
        generation += 1;
        while !revoked.is_empty() {
            let subs = w.subscriptions(&current, generation);
            current = assignor.assign(&w.topics, &subs).expect("follow-up round");
            revoked = revoked_partitions(&subs, &current);
            rounds += 1;
            generation += 1;
            assert!(
                rounds <= if equal { 2 } else { 4 },
                "no convergence after {rounds} rounds"
            );
        }
        let round_two = current;
        let subs = w.subscriptions(&round_two, generation);
        verify_validity_and_balance(&subs, &round_two, &w.topics);
        if equal {
            assert!(is_fully_balanced(&round_two), "{round_two:?}");
        }
        let again = assignor.assign(&w.topics, &subs).expect("again");
        assert!(
            same_sets(&round_two, &again),
            "moved without a change:\n{round_two:?}\n{again:?}"
        );
        owned = round_two;
        w.change(equal);
    }
}

/// The server-side assignors toward the current target assignment.
fn server_sequence(seed: u64, assignor: ServerAssignor, equal: bool) {
    let mut w = World::new(seed, equal);
    let mut target = BTreeMap::new();
    for _ in 0..8 {
        let spec = w.group_spec(&target);
        let a = assignor
            .assign(&spec, &w.topics)
            .expect("target assignment");
        let flat: Assignment = a
            .iter()
            .map(|(m, ts)| {
                let ps = ts
                    .iter()
                    .flat_map(|(t, ps)| ps.iter().map(|&p| TopicPartition::new(t.clone(), p)));
                (m.clone(), ps.collect())
            })
            .collect();
        let subs: BTreeMap<String, Subscription> = w
            .members
            .iter()
            .map(|(m, t)| (m.clone(), Subscription::new(t.iter().cloned())))
            .collect();
        verify_validity(&subs, &flat, &w.topics);
        if assignor == ServerAssignor::Uniform && equal {
            assert!(is_fully_balanced(&flat), "{flat:?}");
        }
        if assignor == ServerAssignor::Uniform {
            // Heterogeneous: no partition could move to a subscriber with two fewer.
            verify_validity_and_balance(&subs, &flat, &w.topics);
        }
        let again = assignor
            .assign(&w.group_spec(&a), &w.topics)
            .expect("again");
        assert_eq!(a, again, "a new target without a change moved partitions");
        target = a;
        w.change(equal);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn eager_assignors_are_valid_balanced_and_sticky(seed in any::<u64>(), equal in any::<bool>()) {
        eager_sequence(seed, equal);
    }

    #[test]
    fn cooperative_sticky_never_assigns_an_owned_partition_in_round_one(seed in any::<u64>(), equal in any::<bool>()) {
        cooperative_sequence(seed, equal);
    }

    #[test]
    fn server_uniform_is_valid_balanced_and_sticky(seed in any::<u64>(), equal in any::<bool>()) {
        server_sequence(seed, ServerAssignor::Uniform, equal);
    }

    #[test]
    fn server_range_is_valid_and_sticky(seed in any::<u64>(), equal in any::<bool>()) {
        server_sequence(seed, ServerAssignor::Range, equal);
    }
}

#[test]
fn general_sticky_rebalance_that_once_swapped_a_partition_forever_terminates() {
    // Seed 36461 (unequal subscriptions) drove Java's `getTheActualPartitionToBeMoved` rule into
    // moving one partition back and forth between two members with two partitions each while
    // others had four; see `reassign_partition_to` in sticky/general.rs.
    cooperative_sequence(36461, false);
}
