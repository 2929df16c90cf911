//! The seed sweep of issues #7 and #8 (eager, cooperative and KIP-848 groups): random consumers joining, leaving, crashing and slowing down,
//! records produced, brokers (and with them group coordinators) stopping and starting — with the
//! group invariants checked every 250 ms of simulated time:
//!
//! - no partition is owned by two members of the group at once (eager rebalancing revokes
//!   everything before a member rejoins);
//! - committed offsets never move backwards (nothing here resets them);
//! - at the end, every record below the high watermark reached the group at least once.
//!
//! `SWEEP_SEEDS=n` runs n seeds (default 200 in release builds, 3 in debug ones), stopping after
//! `SWEEP_SECONDS` (default 90) of wall time. A failure names the seed (`SEED=n` replays it).

use super::support::sweep::fully_replicated;
use super::*;
use kafka_playground::cli::run_script;
use kafka_playground::engine::client::background_consumer::BackgroundConsumer;
use kafka_playground::engine::client::producer::{Producer, ProducerConfig, ProducerRecord};
use kafka_playground::engine::rng::Rng;
use std::collections::BTreeMap;

const PARTITIONS: i32 = 4;
const NAMES: [&str; 4] = ["c0", "c1", "c2", "c3"];

struct Sweep {
    cluster: Cluster,
    log: Vec<String>,
    /// Every consumer that ran, kept after it stopped, for the at-least-once check.
    finished: Vec<BackgroundConsumer>,
    committed: BTreeMap<TopicPartition, i64>,
}

impl Sweep {
    fn fail(&self, message: String) -> String {
        format!("{message}\nafter:\n{}", self.log.join("\n"))
    }

    /// Advances `ms` in 250 ms slices, checking the invariants after each.
    fn advance(&mut self, ms: i64) -> Result<(), String> {
        let mut left = ms;
        while left > 0 {
            let slice = left.min(250);
            self.cluster.advance_time(slice);
            left -= slice;
            self.check()?;
        }
        Ok(())
    }

    fn check(&mut self) -> Result<(), String> {
        let mut owner: BTreeMap<TopicPartition, &str> = BTreeMap::new();
        for (name, c) in self.cluster.background_consumers() {
            for tp in &c.consumer.assignment {
                if let Some(other) = owner.insert(tp.clone(), name) {
                    let at = self.cluster.now().as_millis();
                    return Err(self.fail(format!("{tp} owned by {other} and {name} at {at} ms")));
                }
            }
        }
        let Ok(coordinator) = self.cluster.find_coordinator("g") else {
            return Ok(());
        };
        let offsets = self
            .cluster
            .group_runtime()
            .coordinators
            .get(&coordinator)
            .and_then(|c| c.groups.get("g"))
            .map(|entry| entry.offsets.clone())
            .unwrap_or_default();
        for (tp, committed) in offsets {
            let before = self
                .committed
                .insert(tp.clone(), committed.offset)
                .unwrap_or(-1);
            if committed.offset < before {
                return Err(self.fail(format!(
                    "committed offset of {tp} went back from {before} to {}",
                    committed.offset
                )));
            }
        }
        Ok(())
    }

    fn run(&mut self, command: String) {
        run_script(&mut self.cluster, &format!("{command}\n"));
        self.log.push(command);
    }
}

fn run_seed(seed: u64) -> Result<usize, String> {
    let mut sweep = Sweep {
        cluster: Cluster::new(ClusterOptions {
            brokers: 3,
            seed,
            ..ClusterOptions::default()
        }),
        log: Vec::new(),
        finished: Vec::new(),
        committed: BTreeMap::new(),
    };
    let mut rng = Rng::from_seed(seed ^ 0x9e0f);
    sweep.run(format!(
        "kafka-topics.sh --create --topic s --partitions {PARTITIONS} --replication-factor 3"
    ));
    // One seed in four runs the group on KIP-848's consumer protocol (every member), one mixes
    // both protocols in the group (so it upgrades and downgrades online, KIP-848's migration),
    // the others run the classic protocol with a mix of assignors, eager and cooperative. A
    // member of either protocol may be static (KIP-345, KIP-848's epoch -2).
    let mode = seed % 4;
    let mut down: Option<i32> = None;
    let mut next_value = 0;
    for _ in 0..40 {
        let name = NAMES[rng.below(NAMES.len() as u32) as usize];
        let running = sweep.cluster.background_consumers().contains_key(name);
        match rng.below(12) {
            0..=2 => {
                let mut producer = Producer::new(&mut sweep.cluster, ProducerConfig::default());
                for _ in 0..1 + rng.below(8) {
                    producer.send(
                        &mut sweep.cluster,
                        ProducerRecord {
                            topic: "s".to_string(),
                            value: Some(format!("v{next_value}").into_bytes()),
                            ..ProducerRecord::default()
                        },
                    );
                    next_value += 1;
                }
                producer.close(&mut sweep.cluster);
                sweep.log.push("# produce".to_string());
            }
            3..=4 if !running => {
                let consumer_protocol = mode == 2 || (mode == 3 && rng.below(2) == 0);
                let assignor = if consumer_protocol {
                    ["uniform", "range"][rng.below(2) as usize]
                } else {
                    ["range", "roundrobin", "sticky", "cooperative-sticky"][rng.below(4) as usize]
                };
                let rate = if rng.below(4) == 0 {
                    " --rate 5/s --consumer-property max.poll.interval.ms=20000"
                } else {
                    ""
                };
                let instance = if rng.below(3) == 0 {
                    format!(" --instance-id {name}")
                } else {
                    String::new()
                };
                let protocol = if consumer_protocol {
                    "consumer"
                } else {
                    "classic"
                };
                // Some members subscribe by pattern (client-side for the classic protocol,
                // resolved by the broker for KIP-848's).
                let subscription = if rng.below(4) == 0 {
                    "--include s"
                } else {
                    "--topic s"
                };
                sweep.run(format!("consumer start {name} --group g {subscription} --from-beginning --protocol {protocol} --assignor {assignor}{rate}{instance}"));
            }
            5 if running => {
                let stopped = sweep
                    .cluster
                    .stop_consumer(name)
                    .map_err(|e| e.to_string())?;
                sweep.finished.push(stopped);
                sweep.log.push(format!("consumer stop {name}"));
            }
            6 if running => {
                let killed = sweep
                    .cluster
                    .kill_consumer(name)
                    .map_err(|e| e.to_string())?;
                sweep.finished.push(killed);
                sweep.log.push(format!("consumer kill {name}"));
            }
            // One broker fault at a time, a new one only once every replica is back in sync:
            // with acks=all and min.insync.replicas=2 no acknowledged record (nor commit) is lost.
            7 if down.is_none() && !fully_replicated(&sweep.cluster) => {
                sweep.log.push("time advance 5s".to_string());
                sweep.advance(5_000)?;
            }
            7 => match down.take() {
                Some(id) => sweep.run(format!("broker start {id}")),
                None => {
                    let id = 1 + rng.below(3) as i32;
                    down = Some(id);
                    let verb = if rng.below(2) == 0 { "stop" } else { "kill" };
                    sweep.run(format!("broker {verb} {id}"));
                }
            },
            _ => {
                let ms = rng.below(20_000) as i64;
                sweep.log.push(format!("time advance {ms}ms"));
                sweep.advance(ms)?;
            }
        }
        sweep.check()?;
    }
    // Repair, stop producing, and let one member catch up with everything.
    if let Some(id) = down {
        sweep.run(format!("broker start {id}"));
    }
    // (A static KIP-848 member restarted before its crashed self timed out was refused
    // `UNRELEASED_INSTANCE_ID`, which ends it: it does not count.)
    let alive = sweep
        .cluster
        .background_consumers()
        .values()
        .any(|c| c.consumer.fatal.is_none());
    // As in Kafka, the rebalance that follows a downgrade to the classic protocol is soft state:
    // a coordinator that fails over before it completes loads the group Stable, with the
    // partitions of the member that left assigned to nobody until the next rebalance
    // (`engine::group::migration`). The members are stopped (and, static, time out) and a new
    // one starts the group afresh.
    let orphaned = mode == 3
        && sweep.cluster.describe_group("g").is_ok_and(|g| {
            g.group_type.to_string() == "Classic"
                && g.state.to_string() == "Stable"
                && g.members.iter().map(|m| m.assignment.len()).sum::<usize>() < PARTITIONS as usize
        });
    if orphaned {
        let names: Vec<String> = sweep
            .cluster
            .background_consumers()
            .keys()
            .cloned()
            .collect();
        for name in names {
            let stopped = sweep
                .cluster
                .stop_consumer(&name)
                .map_err(|e| e.to_string())?;
            sweep.finished.push(stopped);
            sweep.log.push(format!("consumer stop {name}"));
        }
        sweep.advance(60_000)?;
    }
    if !alive || orphaned {
        let protocol = if mode == 2 { "consumer" } else { "classic" };
        sweep.run(format!(
            "consumer start last --group g --topic s --from-beginning --protocol {protocol}"
        ));
    }
    sweep.advance(120_000)?;
    let names: Vec<String> = sweep
        .cluster
        .background_consumers()
        .keys()
        .cloned()
        .collect();
    for name in names {
        let stopped = sweep
            .cluster
            .kill_consumer(&name)
            .map_err(|e| e.to_string())?;
        sweep.finished.push(stopped);
    }
    let mut checked = 0;
    for partition in 0..PARTITIONS {
        let tp = TopicPartition::new("s", partition);
        let end = sweep
            .cluster
            .partition_info("s", partition)
            .and_then(|p| p.leader)
            .and_then(|l| sweep.cluster.broker(l))
            .and_then(|b| b.log("s", partition))
            .map_or(0, |log| log.high_watermark());
        for offset in 0..end {
            let delivered = sweep.finished.iter().any(|c| {
                c.delivered
                    .get(&tp)
                    .is_some_and(|ranges| ranges.iter().any(|&(a, b)| a <= offset && offset < b))
            });
            if !delivered {
                let mut story = String::new();
                if std::env::var("SWEEP_EVENTS").is_ok() {
                    story += &format!(
                        "now {} group {:?}\n",
                        sweep.cluster.now().as_millis(),
                        sweep.cluster.describe_group("g")
                    );
                    for c in &sweep.finished {
                        story +=
                            &format!("{}: delivered {:?}\n", c.spec.name, c.delivered.get(&tp));
                        for (at, event) in &c.consumer.events {
                            story += &format!("  {at} {event:?}\n");
                        }
                    }
                }
                return Err(sweep.fail(format!(
                    "{tp} offset {offset} (below the high watermark {end}) never reached the group\n{story}"
                )));
            }
            checked += 1;
        }
    }
    Ok(checked)
}

#[test]
fn group_invariants_hold_over_random_members_and_faults() {
    use super::support::sweep::{sweep, SweepDefaults};
    let defaults = SweepDefaults {
        name: "groups",
        release_seeds: 200,
        debug_seeds: 3,
        seconds: 90,
    };
    sweep(defaults, run_seed);
}
