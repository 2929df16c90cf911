//! The files view's model (issue #10 item 3): a broker's log dir as `ls -l` lists it — the
//! checkpoints and `meta.properties` at the top with their text, a folder per replica with its
//! segments, indexes and checkpoints, the bytes still only in the page cache, and the
//! `kafka-dump-log.sh` line each dumpable file gets.

use kafka_playground::cli::run_script;
use kafka_playground::engine::persist::workspace::take_workspace_changes;
use kafka_playground::engine::{Cluster, ClusterOptions};
use kafka_playground::ui::files_view::{dump_command, log_dir_listing};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn a_log_dir_lists_kafkas_files_with_sizes_and_unflushed_bytes() {
    let mut cluster = Cluster::new(ClusterOptions::default());
    let created = run_script(
        &mut cluster,
        "kafka-topics.sh --create --topic orders --partitions 1 --replication-factor 3\n",
    );
    assert!(!created.failed, "{}", created.stderr());
    // The page's write-behind saves the workspace (checkpoints and meta.properties written,
    // every file clean), then two records arrive: they are only in the page cache.
    take_workspace_changes(&mut cluster);
    let produced = run_script(
        &mut cluster,
        "kafka-console-producer.sh --topic orders <<EOF\none\ntwo\nEOF\n",
    );
    assert!(!produced.failed, "{}", produced.stderr());
    let listing = log_dir_listing(&cluster, 2).expect("broker 2");
    assert_eq!(listing.log_dir, "/tmp/kraft-combined-logs/broker-2");
    assert!(listing.running);
    let top: Vec<&str> = listing.top_files.iter().map(|f| f.name.as_str()).collect();
    for name in [
        "meta.properties",
        "recovery-point-offset-checkpoint",
        "replication-offset-checkpoint",
    ] {
        assert!(top.contains(&name), "{name} in {top:?}");
    }
    let meta = listing
        .top_files
        .iter()
        .find(|f| f.name == "meta.properties")
        .expect("meta.properties");
    assert!(
        meta.text
            .as_deref()
            .is_some_and(|t| t.contains("node.id=2")),
        "{meta:?}"
    );
    assert!(!meta.dumpable);

    let dir = listing
        .dirs
        .iter()
        .find(|d| d.name == "orders-0")
        .expect("orders-0/");
    assert!(!dir.internal);
    let names: Vec<&str> = dir.files.iter().map(|f| f.name.as_str()).collect();
    for name in [
        "00000000000000000000.log",
        "00000000000000000000.index",
        "00000000000000000000.timeindex",
        "leader-epoch-checkpoint",
        "partition.metadata",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let segment = dir
        .files
        .iter()
        .find(|f| f.name.ends_with(".log"))
        .expect("the segment");
    assert!(segment.dumpable && segment.text.is_none());
    assert!(segment.size > 0);
    assert!(
        segment.unflushed_bytes > 0 && segment.unflushed_bytes <= segment.size,
        "just appended: still in the page cache ({segment:?})"
    );
    assert_eq!(
        dump_command(segment),
        "kafka-dump-log.sh --files /tmp/kraft-combined-logs/broker-2/orders-0/00000000000000000000.log --print-data-log"
    );
    // The dump line runs: Kafka's tool reads the same file.
    let dumped = run_script(&mut cluster, &format!("{}\n", dump_command(segment)));
    assert!(
        dumped.stdout().contains("payload: two"),
        "{}",
        dumped.stdout()
    );
    let index = dir
        .files
        .iter()
        .find(|f| f.name.ends_with(".index"))
        .expect("the index");
    assert_eq!(
        dump_command(index),
        "kafka-dump-log.sh --files /tmp/kraft-combined-logs/broker-2/orders-0/00000000000000000000.index"
    );
    assert!(log_dir_listing(&cluster, 9).is_none());
}
