//! Log compaction, the files: cleaned segments read back in kafka-python and in
//! `kafka-dump-log.sh`, the empty batches `MemoryRecords.filterTo` keeps, the rebuilt indexes, and
//! `cleaner-offset-checkpoint` across `kplay --data-dir` runs (Kafka 4.1's `Cleaner`,
//! `LogCleanerManager`, `DumpLogSegments`, `OffsetCheckpointFile`). The cleaning rules themselves
//! are in tests/compaction.rs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "python/runner.rs"]
mod python;
mod support;

use kafka_playground::engine::record::{BatchHeader, RecordBatch, RecordBatchBuilder};
use kafka_playground::engine::Cluster;
use support::compaction::*;

/// Every cleaned segment decodes record for record in kafka-python (an independent decoder of
/// Kafka's v2 batches), including rebuilt batches with a delete horizon, offset gaps and the
/// empty batches the cleaner keeps for active producers.
#[test]
fn cleaned_segments_read_back_in_kafka_python() {
    let Some(()) = python::require_kafka_python("cleaned_segments_read_back_in_kafka_python")
    else {
        return;
    };
    let mut cluster = compacted(&[("segment.bytes", "300")]);
    for run in 0..5 {
        let lines: String = (0..6)
            .map(|k| match (run + k) % 4 {
                0 => format!("key{k}:NULL\n"),
                _ => format!("key{k}:value{run}\n"),
            })
            .collect();
        support::run_ok(
            &mut cluster,
            &format!(
                "kafka-console-producer.sh --topic t --property parse.key=true \
                 --property key.separator=: --property null.marker=NULL <<EOF\n{lines}EOF\n"
            ),
        );
    }
    updates(&mut cluster, 2);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let store = &cluster.broker(1).expect("broker").store;
    let dir = python::scratch_dir("compaction");
    let (mut horizons, mut gaps) = (0, 0);
    for segment in support::log(&cluster, "t", 0).segments() {
        let bytes = store.contents(&segment.log_path()).expect("segment");
        let batches = RecordBatch::decode_all(bytes).expect("our decoder");
        horizons += batches.iter().filter(|b| b.has_delete_horizon_ms()).count();
        gaps += batches
            .iter()
            .filter(|b| b.records().len() as i64 != i64::from(b.last_offset_delta()) + 1)
            .count();
        let bin = dir.join(format!("{:020}.bin", segment.base_offset));
        let json = dir.join(format!("{:020}.json", segment.base_offset));
        std::fs::write(&bin, bytes).expect("write segment");
        std::fs::write(&json, python::describe_all(&batches, &[])).expect("write expectation");
        python::run_script(
            "crosscheck_batches.py",
            &[
                "verify",
                bin.to_str().expect("utf-8"),
                json.to_str().expect("utf-8"),
            ],
        );
    }
    assert!(horizons > 0, "a batch with a delete horizon was checked");
    assert!(gaps > 0, "a batch with removed records was checked");
}

/// `kafka-dump-log.sh` on a cleaned segment: the delete horizon, the gaps and the tombstones
/// print as DumpLogSegments prints them.
#[test]
fn dump_log_shows_a_cleaned_segment() {
    let mut cluster = compacted(&[
        ("segment.bytes", "200"),
        ("delete.retention.ms", "100000"),
        ("index.interval.bytes", "0"),
    ]);
    append(
        &mut cluster,
        &[("a", Some("1")), ("b", Some("1")), ("a", None)],
    );
    append(&mut cluster, &[("b", Some("2"))]);
    append(&mut cluster, &[("c", Some("1"))]);
    append(&mut cluster, &[("d", Some("1"))]);
    let clean_time = cluster.now().as_millis() + BACKOFF;
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let out = support::run_ok(
        &mut cluster,
        "kafka-dump-log.sh --print-data-log --files \
         /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.log",
    );
    let stdout = out.stdout();
    let horizon = clean_time + 100_000;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Dumping /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.log"
    );
    assert!(
        lines[2].starts_with("baseOffset: 0 lastOffset: 2 count: 1 ")
            && lines[2].contains(&format!("deleteHorizonMs: OptionalLong[{horizon}]"))
            && lines[2].ends_with("isvalid: true"),
        "{stdout}"
    );
    assert!(
        lines[3].starts_with("| offset: 2 CreateTime: 1735689600000 keySize: 1 valueSize: -1 ")
            && lines[3].ends_with("key: a"),
        "{stdout}"
    );
    assert!(
        lines[4].starts_with("baseOffset: 3 lastOffset: 3 count: 1 ")
            && lines[4].contains("deleteHorizonMs: OptionalLong.empty"),
        "{stdout}"
    );
    // The rebuilt indexes pass DumpLogSegments' checks against the cleaned log: every entry
    // points at a batch ending at its offset, with that batch's largest timestamp.
    let out = support::run_ok(
        &mut cluster,
        "kafka-dump-log.sh --files \
         /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.index,\
         /tmp/kraft-combined-logs/broker-1/t-0/00000000000000000000.timeindex",
    );
    assert_eq!(out.stderr(), "", "no mismatch reported: {}", out.stdout());
    assert!(
        out.stdout().contains("offset: 3 position: 71"),
        "{}",
        out.stdout()
    );
    assert!(
        out.stdout().contains("timestamp: 1735689600000 offset: 2"),
        "{}",
        out.stdout()
    );
}

/// `MemoryRecords.filterTo` with `BatchRetention.RETAIN_EMPTY`: the last batch of a cleaning
/// round keeps its header even when every record in it is gone (here a keyless record written before
/// the topic was compacted, which the cleaner drops as `CleanerStats.invalidMessage`), so the offsets it covered stay known.
#[test]
fn the_last_batch_of_a_round_is_kept_empty() {
    // Every batch is larger than a segment, so each rolls a segment of its own.
    let mut cluster = compacted(&[("segment.bytes", "60")]);
    append(&mut cluster, &[("a", Some("1")), ("b", Some("1"))]);
    let now = cluster.now().as_millis();
    // A compacted topic refuses keyless records (LogValidator.validateKey), so the record comes
    // in while the topic is briefly `delete`, as in a log that was switched to compaction.
    let policy = |cluster: &mut Cluster, policy: &str| {
        support::run_ok(
            cluster,
            &format!("kafka-configs.sh --alter --entity-type topics --entity-name t --add-config cleanup.policy={policy}\n"),
        );
    };
    policy(&mut cluster, "delete");
    let mut keyless = RecordBatchBuilder::with_base_offset(0);
    keyless
        .append(now, None, Some(b"no key".to_vec()), vec![])
        .expect("record");
    cluster
        .append_batch("t", 0, keyless.build())
        .expect("append");
    policy(&mut cluster, "compact");
    append(&mut cluster, &[("c", Some("1"))]);
    let active_base = support::log(&cluster, "t", 0).active_segment().base_offset;
    assert_eq!(
        active_base,
        3,
        "{:?}",
        support::segment_bases(support::log(&cluster, "t", 0))
    );
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let batches: Vec<RecordBatch> = segments(&cluster)
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    let empty = batches
        .iter()
        .find(|b| b.base_offset() == 2)
        .expect("the last batch of the round is kept");
    assert_eq!((empty.records().len(), empty.last_offset()), (0, 2));
    assert_eq!(empty.base_timestamp(), -1, "writeEmptyHeader: NO_TIMESTAMP");
    assert_eq!(empty.max_timestamp(), now, "the original max timestamp");
}

/// Idempotent producers' batches (the console producer's default): a batch that held a
/// producer's last sequence is kept, empty, while the producer is active (`Cleaner.cleanInto`:
/// "retain the batch that contains this offset since it also contains the last sequence number").
#[test]
fn an_active_producers_last_batch_is_kept_empty() {
    let mut cluster = compacted(&[("segment.bytes", "100")]);
    let produce = |cluster: &mut Cluster, line: &str| {
        support::run_ok(
            cluster,
            &format!(
                "kafka-console-producer.sh --topic t --property parse.key=true \
                 --property key.separator=: <<EOF\n{line}\nEOF\n"
            ),
        );
    };
    produce(&mut cluster, "k:1");
    produce(&mut cluster, "k:2");
    produce(&mut cluster, "other:1");
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let first = segments(&cluster)
        .into_iter()
        .flat_map(|(_, b)| b)
        .find(|b| b.base_offset() == 0)
        .expect("producer 0's only batch is kept");
    assert_eq!(first.records().len(), 0);
    assert_eq!((first.producer_id(), first.last_sequence()), (0, 0));
}

/// `kplay --data-dir`: the cleaner writes `cleaner-offset-checkpoint` into the log dir in
/// Kafka's `OffsetCheckpointFile` format, the swap leaves no `.cleaned`/`.swap` file, and a later
/// run continues from the checkpoint (nothing new to clean, so nothing changes).
#[test]
fn the_cleaner_checkpoint_survives_a_restart() {
    let dir = python::scratch_dir("compaction-data-dir");
    let data_dir = dir.to_str().expect("utf-8");
    let lines: String = (0..30).map(|i| format!("k{}:v{i}\n", i % 3)).collect();
    let first = support::kplay(
        &["--brokers", "1", "--data-dir", data_dir],
        &format!(
            "kafka-topics.sh --create --topic t --config cleanup.policy=compact \
             --config segment.bytes=120\n\
             kafka-console-producer.sh --topic t --producer-property batch.size=80 \
             --property parse.key=true --property key.separator=: <<EOF\n{lines}EOF\n\
             time advance 15s\n"
        ),
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let checkpoint_path = dir.join("broker-1/cleaner-offset-checkpoint");
    let text = std::fs::read_to_string(&checkpoint_path).expect("checkpoint on disk");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(&lines[..2], ["0", "1"], "{text}");
    assert!(lines[2].starts_with("t 0 "), "{text}");
    let names: Vec<String> = std::fs::read_dir(dir.join("broker-1/t-0"))
        .expect("partition dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".cleaned") || n.ends_with(".swap")),
        "{names:?}"
    );
    let second = support::kplay(
        &["--brokers", "1", "--data-dir", data_dir],
        "time advance 15s\n\
         kafka-console-consumer.sh --topic t --from-beginning --property print.key=true\n",
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let consumed = String::from_utf8_lossy(&second.stdout);
    for key in ["k0\tv27", "k1\tv28", "k2\tv29"] {
        assert!(consumed.contains(key), "{consumed}");
    }
    assert!(consumed.lines().count() < 30, "compacted: {consumed}");
    assert_eq!(
        std::fs::read_to_string(&checkpoint_path).expect("checkpoint"),
        text
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cleaned segments' `.index` and `.timeindex` are rebuilt as `LogSegment.append` builds them
/// (an entry after every `index.interval.bytes`, the time index at each batch's last offset), and
/// the files on "disk" say the same as the log in memory: loading the partition from its files
/// (`LogLoader`) gives the same segments and indexes.
#[test]
fn cleaned_indexes_are_rebuilt_and_match_the_files() {
    use kafka_playground::engine::log::load::LoadRequest;
    use kafka_playground::engine::log::PartitionLog;
    let mut cluster = compacted(&[("segment.bytes", "1000"), ("index.interval.bytes", "100")]);
    updates(&mut cluster, 20);
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let log = support::log(&cluster, "t", 0).clone();
    let mut store = cluster.broker(1).expect("broker").store.clone();
    let mut indexed = 0;
    for segment in log.segments() {
        let bytes = store
            .contents(&segment.log_path())
            .expect("segment")
            .to_vec();
        for entry in segment.offset_index().entries() {
            let at = usize::try_from(entry.position).expect("position");
            let header = BatchHeader::parse(&bytes[at..]).expect("an entry points at a batch");
            assert_eq!(header.last_offset(), entry.offset);
            indexed += 1;
        }
    }
    assert!(indexed > 0, "the cleaned segments have index entries");
    let request = LoadRequest {
        log_dir: "/tmp/kraft-combined-logs/broker-1",
        topic: "t",
        partition: 0,
        config: log.config().clone(),
        log_start_offset: None,
        high_watermark: Some(log.high_watermark()),
        // A clean stop: the indexes are read back, not rebuilt.
        had_clean_shutdown: true,
        recovery_point: log.log_end_offset(),
        now: cluster.now().as_millis(),
    };
    let mut warnings = Vec::new();
    let loaded = PartitionLog::load(&mut store, request, &mut || 0, &mut warnings);
    assert!(warnings.is_empty(), "{warnings:?}");
    let summary = |l: &PartitionLog| -> Vec<_> {
        l.segments()
            .map(|s| {
                (
                    s.base_offset,
                    s.size(),
                    s.next_offset(),
                    s.offset_index().entries().to_vec(),
                    s.time_index().entries().to_vec(),
                )
            })
            .collect()
    };
    assert_eq!(summary(&loaded), summary(&log));
}

/// The swap is crash-safe in the order the flush writes it (`LocalLog.replaceSegments`): the
/// `.cleaned` files reach the disk before any rename (`cleaned.flush()`), then `.cleaned` →
/// `.swap`, the old files → `.deleted`, `.swap` → final names. Cut the flush after every change:
/// each cleaned segment is always on the disk whole — as its old segments under their own names,
/// or as the new segment under `.swap` or its final name — which is what `LogLoader` needs to
/// finish or undo the swap.
#[test]
fn a_crash_anywhere_in_the_swap_loses_no_segment() {
    use kafka_playground::storage::{Change, Disk, MemoryDisk, Scope};
    let mut cluster = compacted(&[("segment.bytes", "200")]);
    updates(&mut cluster, 10);
    let mut before = MemoryDisk::new();
    let broker = cluster.broker_mut(1).expect("broker");
    broker
        .store
        .flush(&mut before, Scope::All)
        .expect("flushed");
    let old_bases = support::segment_bases(support::log(&cluster, "t", 0));
    cluster.advance_time(BACKOFF);
    assert_eq!(cleaned_events(&mut cluster).len(), 1);
    let log = support::log(&cluster, "t", 0);
    let store = &cluster.broker(1).expect("broker").store;
    let changes: Vec<Change> = store.pending_changes(Scope::All);
    let path = |base: i64, suffix: &str| format!("t-0/{base:020}.log{suffix}");
    let sealed: Vec<_> = log
        .segments()
        .filter(|s| s.base_offset < log.active_segment().base_offset)
        .collect();
    for cut in 0..=changes.len() {
        let mut disk = before.clone();
        disk.apply(&changes[..cut]).expect("applied");
        for (i, segment) in sealed.iter().enumerate() {
            let next = sealed
                .get(i + 1)
                .map_or(log.active_segment().base_offset, |s| s.base_offset);
            let group: Vec<i64> = old_bases
                .iter()
                .copied()
                .filter(|b| *b >= segment.base_offset && *b < next)
                .collect();
            let new_bytes = store.contents(&segment.log_path()).expect("cleaned");
            let old_whole = group
                .iter()
                .all(|b| disk.file(&path(*b, "")) == before.file(&path(*b, "")));
            let new_whole = [
                path(segment.base_offset, ".swap"),
                path(segment.base_offset, ""),
            ]
            .iter()
            .any(|p| disk.file(p) == Some(new_bytes));
            assert!(
                old_whole || new_whole,
                "cut after {cut} of {} changes: segment {} lost ({:?})",
                changes.len(),
                segment.base_offset,
                changes.get(cut.saturating_sub(1))
            );
        }
    }
    let mut after = before.clone();
    after.apply(&changes).expect("applied");
    assert!(!after
        .files()
        .keys()
        .any(|p| p.ends_with(".cleaned") || p.ends_with(".swap")));
}

/// `FileStore::sync`, the cleaner's `cleaned.flush()`: a synced file's bytes come before the
/// renames made after it in the next flush, and still count as bytes to write.
#[test]
fn a_synced_file_is_written_before_later_renames() {
    use kafka_playground::storage::{Change, FileStore, MemoryDisk, Scope};
    let mut disk = MemoryDisk::new();
    let mut store = FileStore::new();
    store.append("p-0/old.log", b"old");
    store.flush(&mut disk, Scope::All).expect("flushed");
    store.append("p-0/new.log.cleaned", b"new!");
    assert!(store.sync("p-0/new.log.cleaned"));
    assert!(!store.sync("p-0/missing"));
    assert_eq!(store.dirty_bytes(), 4);
    store.rename("p-0/new.log.cleaned", "p-0/new.log.swap");
    store.rename("p-0/old.log", "p-0/old.log.deleted");
    store.rename("p-0/new.log.swap", "p-0/old.log");
    let changes = store.pending_changes(Scope::File("p-0/old.log"));
    let rename = |from: &str, to: &str| Change::Rename {
        from: from.into(),
        to: to.into(),
    };
    assert_eq!(
        changes,
        vec![
            Change::Create {
                path: "p-0/new.log.cleaned".into()
            },
            Change::Write {
                path: "p-0/new.log.cleaned".into(),
                position: 0,
                bytes: b"new!".to_vec()
            },
            rename("p-0/new.log.cleaned", "p-0/new.log.swap"),
            rename("p-0/old.log", "p-0/old.log.deleted"),
            rename("p-0/new.log.swap", "p-0/old.log"),
        ]
    );
    store.flush(&mut disk, Scope::All).expect("flushed");
    assert_eq!(disk.file("p-0/old.log"), Some(&b"new!"[..]));
    assert_eq!(disk.file("p-0/old.log.deleted"), Some(&b"old"[..]));
    assert_eq!(store.dirty_bytes(), 0);
}
