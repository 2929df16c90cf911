//! Benchmarks shared by the native bench (`cargo bench --bench log_bench`) and the browser
//! (`tests/browser`), so both targets run exactly the same algorithm. The caller passes the clock
//! (milliseconds as `f64`): `Instant` natively, `performance.now()` in the browser. Timings are
//! reported, never asserted.

pub mod groups;
pub mod replication;

use crate::engine::cluster::NewTopic;
use crate::engine::group::assignor::server::{GroupSpec, MemberSpec, ServerAssignor};
use crate::engine::group::assignor::{Assignment, ClientAssignor, Subscription};
use crate::engine::record::RecordBatchBuilder;
use crate::engine::{Cluster, ClusterOptions};
use std::collections::BTreeMap;

/// One measured line of a benchmark table.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub name: String,
    pub records: u64,
    pub bytes: u64,
    pub millis: f64,
}

impl Measurement {
    pub fn records_per_second(&self) -> f64 {
        self.records as f64 / (self.millis / 1000.0).max(1e-9)
    }

    pub fn megabytes_per_second(&self) -> f64 {
        self.bytes as f64 / 1_000_000.0 / (self.millis / 1000.0).max(1e-9)
    }

    /// `| name | records | MB | ms | records/s | MB/s |`
    pub fn row(&self) -> String {
        format!(
            "| {} | {} | {:.1} | {:.1} | {:.0} | {:.1} |",
            self.name,
            self.records,
            self.bytes as f64 / 1_000_000.0,
            self.millis,
            self.records_per_second(),
            self.megabytes_per_second()
        )
    }
}

/// The table's header.
pub const TABLE_HEADER: &str =
    "| benchmark | records | MB | ms | records/s | MB/s |\n|---|---|---|---|---|---|";

/// One broker, so the figures stay comparable with those taken before the default became 3.
fn one_broker() -> ClusterOptions {
    ClusterOptions {
        brokers: 1,
        ..ClusterOptions::default()
    }
}

/// A one-broker cluster with topic `bench` (one partition, default 1 GiB segments).
fn bench_cluster() -> Cluster {
    let mut cluster = Cluster::new(one_broker());
    let created = cluster.create_topic(NewTopic {
        name: "bench".to_string(),
        ..NewTopic::default()
    });
    debug_assert!(created.is_ok());
    cluster
}

/// Appends `records` records with 100-byte values in batches of `batch_records`, as a leader
/// does: build the batch, validate, assign offsets, encode with CRC-32C, write to the log.
pub fn append(
    records: u64,
    batch_records: u64,
    now: &mut dyn FnMut() -> f64,
) -> (Measurement, Cluster) {
    let mut cluster = bench_cluster();
    let value = vec![b'v'; 100];
    let timestamp = cluster.now().as_millis();
    let start = now();
    let mut written = 0;
    while written < records {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for _ in 0..batch_records.min(records - written) {
            let _ = builder.append(timestamp, None, Some(value.clone()), Vec::new());
            written += 1;
        }
        let _ = cluster.append_batch("bench", 0, builder.build());
    }
    let millis = now() - start;
    let bytes = cluster
        .broker(1)
        .and_then(|b| b.log("bench", 0))
        .map_or(0, |log| u64::try_from(log.size_in_bytes()).unwrap_or(0));
    let name = format!("append 100-byte records, batches of {batch_records}");
    (
        Measurement {
            name,
            records,
            bytes,
            millis,
        },
        cluster,
    )
}

/// Reads the whole log from offset 0 in 1 MiB fetches and decodes every record, as a
/// consumer does: every batch checked (CRC-32C, lengths), every record read in place
/// ([`crate::engine::record::RecordRef`]: key and value borrowed, not copied).
pub fn sequential_read(cluster: &Cluster, now: &mut dyn FnMut() -> f64) -> Measurement {
    let start = now();
    let mut offset = 0;
    let mut records = 0;
    let mut bytes = 0;
    while let Ok(fetched) = cluster.fetch_ref("bench", 0, offset, 1024 * 1024) {
        let Some(last) = fetched.batches.last() else {
            break;
        };
        offset = last.next_offset();
        for batch in &fetched.batches {
            records += batch.records().len() as u64;
            bytes += u64::from(batch.size_in_bytes());
        }
    }
    Measurement {
        name: "sequential read from offset 0 (1 MiB fetches)".to_string(),
        records,
        bytes,
        millis: now() - start,
    }
}

/// What the compaction benchmark measured: the time of the clean and the log's size around it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactionMeasurement {
    pub measurement: Measurement,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub records_after: u64,
}

impl CompactionMeasurement {
    /// A table row, with the sizes before and after in the name.
    pub fn row(&self) -> String {
        self.measurement.row()
    }
}

/// Compaction of `records` records (100-byte values, batches of 100) over `keys` keys, in a
/// `cleanup.policy=compact` topic with 1 MiB segments (Kafka's smallest `segment.bytes`): the
/// time of one cleaner wake, which cleans everything below the active segment.
pub fn compaction(records: u64, keys: u64, now: &mut dyn FnMut() -> f64) -> CompactionMeasurement {
    use crate::engine::event::EventKind;
    let mut cluster = Cluster::new(one_broker());
    let configs = [("cleanup.policy", "compact"), ("segment.bytes", "1048576")];
    let created = cluster.create_topic(NewTopic {
        name: "bench".to_string(),
        configs: configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..NewTopic::default()
    });
    debug_assert!(created.is_ok());
    let value = vec![b'v'; 100];
    let timestamp = cluster.now().as_millis();
    let mut written = 0;
    while written < records {
        let mut builder = RecordBatchBuilder::with_base_offset(0);
        for _ in 0..100.min(records - written) {
            let key = format!("key-{}", written % keys.max(1)).into_bytes();
            let _ = builder.append(timestamp, Some(key), Some(value.clone()), Vec::new());
            written += 1;
        }
        let _ = cluster.append_batch("bench", 0, builder.build());
    }
    let start = now();
    // The cleaner's first wake, one log.cleaner.backoff.ms after start-up.
    cluster.advance_time(15_000);
    let millis = now() - start;
    let (mut bytes_before, mut bytes_after) = (0, 0);
    for event in cluster.drain_events() {
        if let EventKind::LogCleaned {
            bytes_before: b,
            bytes_after: a,
            ..
        } = event.kind
        {
            bytes_before = u64::try_from(b).unwrap_or(0);
            bytes_after = u64::try_from(a).unwrap_or(0);
        }
    }
    let records_after = cluster
        .broker(1)
        .and_then(|b| b.log("bench", 0))
        .map_or(0, |log| {
            log.segments().map(|s| s.record_count()).sum::<i64>()
        });
    CompactionMeasurement {
        measurement: Measurement {
            name: format!(
                "compaction over {keys} keys: {:.1} MB -> {:.1} MB",
                bytes_before as f64 / 1_000_000.0,
                bytes_after as f64 / 1_000_000.0
            ),
            records,
            bytes: bytes_before,
            millis,
        },
        bytes_before,
        bytes_after,
        records_after: u64::try_from(records_after).unwrap_or(0),
    }
}

/// Log recovery after an unclean stop (`LogLoader.recoverLog`): the log `append` wrote, its last
/// batch torn by 7 bytes, no clean-shutdown file and no recovery point, so every segment is
/// revalidated batch by batch (headers, CRC-32C over every byte) and the tail truncated. Times
/// `Cluster::restore` of the broker's files, as `kplay --data-dir` runs it at start-up.
pub fn recovery_of_torn_tail(cluster: &Cluster, now: &mut dyn FnMut() -> f64) -> Measurement {
    restore_timed(cluster, false, now)
}

/// For comparison: the same log loaded after a clean stop (the clean-shutdown file present), when
/// only batch headers are scanned and nothing is revalidated.
pub fn load_after_clean_stop(cluster: &Cluster, now: &mut dyn FnMut() -> f64) -> Measurement {
    restore_timed(cluster, true, now)
}

fn restore_timed(cluster: &Cluster, clean: bool, now: &mut dyn FnMut() -> f64) -> Measurement {
    let Some(broker) = cluster.broker(1) else {
        return Measurement {
            name: "recovery (no broker)".to_string(),
            records: 0,
            bytes: 0,
            millis: 0.0,
        };
    };
    let mut store = broker.store.clone();
    let (mut bytes, mut records) = (0, 0);
    if let Some(log) = broker.log("bench", 0) {
        records = u64::try_from(log.log_end_offset()).unwrap_or(0);
        bytes = u64::try_from(log.size_in_bytes()).unwrap_or(0);
        let path = log.active_segment().log_path();
        let len = store.len(&path).unwrap_or(0);
        if clean {
            let marker = crate::engine::log::recovery::CLEAN_SHUTDOWN_FILE;
            store.replace(marker, b"{}");
        } else {
            store.truncate(&path, len.saturating_sub(7));
        }
    }
    let metadata = cluster.to_metadata_file();
    let stores = std::collections::BTreeMap::from([(1, store)]);
    let start = now();
    let restored = Cluster::restore(cluster.options(), &metadata, stores, None);
    let millis = now() - start;
    let truncated = restored
        .ok()
        .and_then(|r| r.recovery.first().and_then(|d| d.logs.first().cloned()))
        .map_or(0, |report| report.records_truncated);
    let name = if clean {
        "load after a clean stop (headers only)".to_string()
    } else {
        format!("recovery after an unclean stop, torn tail ({truncated} records cut)")
    };
    Measurement {
        name,
        records,
        bytes,
        millis,
    }
}

// ---- Partition assignors (issues #7 and #8) ----------------------------------------------

/// The assignor table's header.
pub const ASSIGNOR_TABLE_HEADER: &str =
    "| assignor | rebalance of 100 members over 1 000 partitions | ms |\n|---|---|---|";

/// `| assignor | case | ms |`: the mean time of one assignment.
pub fn assignor_row(assignor: &str, case: &str, millis: f64) -> String {
    format!("| {assignor} | {case} | {millis:.2} |")
}

/// Each assignor on 100 members and 10 topics of 100 partitions: a fresh group, then (for the
/// sticky and server-side ones) a member leaving with everyone else reporting what they own,
/// and for sticky a group whose members subscribe to different topics (the general path).
/// Returns (assignor, case, mean ms over `rounds` runs).
pub fn assignor_rebalances(
    rounds: u32,
    now: &mut dyn FnMut() -> f64,
) -> Vec<(String, String, f64)> {
    let topics: BTreeMap<String, i32> = (0..10).map(|t| (format!("topic{t}"), 100)).collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let members: Vec<String> = (0..100)
        .map(|i: u32| format!("consumer-{i}-{:08x}", i.wrapping_mul(2_654_435_761)))
        .collect();
    let fresh: BTreeMap<String, Subscription> = members
        .iter()
        .map(|m| (m.clone(), Subscription::new(names.clone())))
        .collect();
    let mut rows = Vec::new();
    let mut time = |name: &str, case: &str, f: &mut dyn FnMut() -> usize| {
        let start = now();
        let mut sink = 0;
        for _ in 0..rounds.max(1) {
            sink += f();
        }
        std::hint::black_box(sink);
        rows.push((
            name.to_owned(),
            case.to_owned(),
            (now() - start) / f64::from(rounds.max(1)),
        ));
    };
    for assignor in ClientAssignor::ALL {
        let first = assignor.assign(&topics, &fresh).unwrap_or_default();
        time(assignor.name(), "fresh group", &mut || {
            count(&assignor.assign(&topics, &fresh))
        });
        if matches!(
            assignor,
            ClientAssignor::Sticky | ClientAssignor::CooperativeSticky
        ) {
            let leave = owning_subscriptions(&first, &fresh, &members[1..]);
            time(assignor.name(), "one member leaves", &mut || {
                count(&assignor.assign(&topics, &leave))
            });
        }
    }
    let unequal: BTreeMap<String, Subscription> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                m.clone(),
                Subscription::new(names.iter().skip(i % 3).cloned()),
            )
        })
        .collect();
    let sticky = ClientAssignor::Sticky;
    let first = sticky.assign(&topics, &unequal).unwrap_or_default();
    let leave = owning_subscriptions(&first, &unequal, &members[1..]);
    time("sticky", "fresh group, unequal subscriptions", &mut || {
        count(&sticky.assign(&topics, &unequal))
    });
    time(
        "sticky",
        "one member leaves, unequal subscriptions",
        &mut || count(&sticky.assign(&topics, &leave)),
    );
    for assignor in [ServerAssignor::Uniform, ServerAssignor::Range] {
        let spec: GroupSpec = members
            .iter()
            .map(|m| (m.clone(), MemberSpec::new(names.clone())))
            .collect();
        let name = format!("{} (KIP-848)", assignor.name());
        let first = assignor.assign(&spec, &topics).unwrap_or_default();
        time(&name, "fresh group", &mut || {
            assignor.assign(&spec, &topics).map_or(0, |a| a.len())
        });
        let leave: GroupSpec = members[1..]
            .iter()
            .map(|m| {
                let mut s = MemberSpec::new(names.clone());
                s.assignment = first.get(m).cloned().unwrap_or_default();
                (m.clone(), s)
            })
            .collect();
        time(&name, "one member leaves", &mut || {
            assignor.assign(&leave, &topics).map_or(0, |a| a.len())
        });
    }
    let unequal: GroupSpec = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                m.clone(),
                MemberSpec::new(names.iter().skip(i % 3).cloned()),
            )
        })
        .collect();
    time(
        "uniform (KIP-848)",
        "fresh group, unequal subscriptions",
        &mut || {
            ServerAssignor::Uniform
                .assign(&unequal, &topics)
                .map_or(0, |a| a.len())
        },
    );
    rows
}

fn count<E>(assignment: &Result<Assignment, E>) -> usize {
    assignment
        .as_ref()
        .map_or(0, |a| a.values().map(Vec::len).sum())
}

/// `members` resubscribing with what they own in `assignment` (generation 1).
fn owning_subscriptions(
    assignment: &Assignment,
    subscriptions: &BTreeMap<String, Subscription>,
    members: &[String],
) -> BTreeMap<String, Subscription> {
    members
        .iter()
        .map(|m| {
            let owned = assignment.get(m).cloned().unwrap_or_default();
            let data = crate::engine::group::assignor::sticky::encode_sticky_user_data(&owned, 1);
            let s = subscriptions[m]
                .clone()
                .with_owned(owned)
                .with_generation(1)
                .with_user_data(data);
            (m.clone(), s)
        })
        .collect()
}
