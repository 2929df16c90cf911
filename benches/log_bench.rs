//! Native benchmarks of the partition log's hot paths; prints a markdown table for
//! docs/PERFORMANCE.md. `cargo bench --bench log_bench [-- RECORDS] [replication]` (default 1,000,000;
//! `replication`, `groups` or `read` runs only those tables).
//! The browser runs the same functions (tests/browser, `benchmark_*`).

use kafka_playground::bench::{
    append, compaction, load_after_clean_stop, recovery_of_torn_tail, sequential_read, TABLE_HEADER,
};
use kafka_playground::bench::{assignor_rebalances, assignor_row, ASSIGNOR_TABLE_HEADER};

// The engine bans wall clocks; a benchmark's whole point is one.
#[allow(clippy::disallowed_methods)]
fn main() {
    let records: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let origin = std::time::Instant::now();
    let mut now = || origin.elapsed().as_secs_f64() * 1000.0;
    // `-- replication` / `-- groups` run only those tables (for profiling).
    if std::env::args().any(|a| a == "groups") {
        groups(records, &mut now);
        return;
    }
    if std::env::args().any(|a| a == "read") {
        let (_, cluster) = append(records, 100, &mut now);
        println!(
            "{TABLE_HEADER}\n{}",
            sequential_read(&cluster, &mut now).row()
        );
        return;
    }
    if std::env::args().any(|a| a == "replication") {
        replication(records, &mut now);
        return;
    }
    println!("native, {records} records\n{TABLE_HEADER}");
    let (appended, cluster) = append(records, 100, &mut now);
    println!("{}", appended.row());
    let (single, _) = append(records / 10, 1, &mut now);
    println!("{}", single.row());
    println!("{}", sequential_read(&cluster, &mut now).row());
    println!("{}", recovery_of_torn_tail(&cluster, &mut now).row());
    println!("{}", load_after_clean_stop(&cluster, &mut now).row());
    drop(cluster);
    let compacted = compaction(records, 10_000, &mut now);
    println!("{}", compacted.row());
    println!(
        "\ncompaction: {} records over 10000 keys, {} bytes before, {} bytes after, {} records after",
        records, compacted.bytes_before, compacted.bytes_after, compacted.records_after
    );
    assignors(&mut now);
    groups(records, &mut now);
    replication(records, &mut now);
}

/// Consumer groups (issues #7 and #8): consuming through the group path, whole rebalances, and
/// how long partitions go without an owner during a scale-out, per rebalance mode.
fn groups(records: u64, now: &mut dyn FnMut() -> f64) {
    use kafka_playground::bench::groups::{
        group_consume, group_rebalance, scale_out_unowned_ms, GroupMode, REBALANCE_HEADER,
        UNOWNED_HEADER,
    };
    println!("\nnative, consumer groups\n{TABLE_HEADER}");
    println!("{}", group_consume(records / 10, now).row());
    println!("\n{REBALANCE_HEADER}");
    for mode in GroupMode::ALL {
        println!("{}", group_rebalance(mode, now).row());
    }
    println!("\n{UNOWNED_HEADER}");
    for mode in GroupMode::ALL {
        println!("| {} | {} |", mode.name(), scale_out_unowned_ms(mode));
    }
}

/// Replication (issue #5): simulated seconds per wall second under load, and acks=all produce.
fn replication(records: u64, now: &mut dyn FnMut() -> f64) {
    use kafka_playground::bench::replication::{
        replicated_produce, simulated_time, SIM_SPEED_HEADER,
    };
    println!("\nnative, 3 brokers, 12 partitions, RF=3, acks=all producer\n{SIM_SPEED_HEADER}");
    // `BENCH_RATE=1000` runs one load only (for profiling).
    let only: Option<u32> = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|r| r.parse().ok());
    for (rate, seconds) in [(1_000, 60), (10_000, 20), (100_000, 5)] {
        if only.is_some_and(|only| only != rate) {
            continue;
        }
        println!("{}", simulated_time(rate, seconds, now).row());
    }
    println!(
        "\n{TABLE_HEADER}\n{}",
        replicated_produce(records / 10, now).row()
    );
}

/// Partition assignors (issues #7/#8): one rebalance of 100 members over 1 000 partitions.
fn assignors(now: &mut dyn FnMut() -> f64) {
    println!("\nnative, partition assignors (mean of 20 runs)\n{ASSIGNOR_TABLE_HEADER}");
    for (assignor, case, ms) in assignor_rebalances(20, now) {
        println!("{}", assignor_row(&assignor, &case, ms));
    }
}
