//! The recovery cases in a `kplay --data-dir` directory stopped with `--crash-at-exit`.

use super::*;

#[test]
fn flush_messages_1_makes_every_append_durable_and_defaults_leave_it_to_the_os() {
    // UnifiedLog.append: flush when unflushedMessages >= flush.messages; Kafka's default
    // (Long.MAX_VALUE) never flushes, and an unclean stop loses what the OS had not written.
    let dir = crashed_dir("flush-messages");
    let script = format!(
        "kafka-topics.sh --create --topic lazy\n{}",
        produce_each("lazy", &["a", "b"])
    );
    run(&dir, true, &script);
    let output = run(
        &dir,
        false,
        "kafka-get-offsets.sh --topic t\nkafka-get-offsets.sh --topic lazy\n",
    );
    assert_eq!(text(&output.stdout), "t:0:8\nlazy:0:0\n");
    let err = text(&output.stderr);
    assert!(
        err.contains(&format!(
            "INFO Attempting recovery for all logs in {}/broker-1 since no clean shutdown file was found (kafka.log.LogManager)",
            dir.arg()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "INFO [LogLoader partition=t-0, dir={}/broker-1] Recovering unflushed segment 0. 0 recovered for t-0. (org.apache.kafka.storage.internals.log.LogLoader)",
            dir.arg()
        )),
        "{err}"
    );
    assert_eq!(consume_and_crosscheck(&dir, "flush-messages"), VALUES);
}

#[test]
fn a_torn_tail_is_truncated() {
    // FileLogInputStream stops at an incomplete batch; LogLoader.recoverLog logs the truncation.
    let dir = crashed_dir("torn");
    let last = log_files(&dir).pop().expect("a segment");
    let path = dir.segment_file(&last);
    let bytes = std::fs::read(&path).expect("the last segment");
    let last_batch = *batch_positions(&bytes).last().expect("a batch");
    std::fs::write(&path, &bytes[..bytes.len() - 7]).expect("torn");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:7\n");
    let err = text(&output.stderr);
    let base: i64 = last[..20].parse().expect("a base offset");
    assert!(
        err.contains(&format!(
            "WARN [LogLoader partition=t-0, dir={}/broker-1] Corruption found in segment {base}, truncating to offset 7",
            dir.arg()
        )),
        "{err}"
    );
    assert!(!err.contains("Found invalid messages"), "{err}");
    let recovered = std::fs::read(&path).expect("the last segment");
    assert_eq!(recovered.len(), last_batch, "cut at the torn batch");
    assert_eq!(consume_and_crosscheck(&dir, "torn"), VALUES[..7]);
}

#[test]
fn a_flipped_bit_truncates_at_the_bad_batch_and_deletes_later_segments() {
    // LogSegment.recover: batch.ensureValid() fails on the CRC; LogLoader.recoverLog then deletes
    // every later segment (removeAndDeleteSegmentsAsync).
    let dir = crashed_dir("flipped");
    let files = log_files(&dir);
    assert!(files.len() >= 3, "the log rolled: {files:?}");
    let path = dir.segment_file(&files[0]);
    let mut bytes = std::fs::read(&path).expect("the first segment");
    let last_byte = bytes.len() - 1;
    bytes[last_byte] ^= 0x01;
    std::fs::write(&path, &bytes).expect("flipped");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    let err = text(&output.stderr);
    let records_in_first = batch_positions(&bytes).len();
    let at = batch_positions(&bytes)[records_in_first - 1];
    assert_eq!(
        text(&output.stdout),
        format!("t:0:{}\n", records_in_first - 1)
    );
    assert!(
        err.contains(&format!(
            "WARN Found invalid messages in log segment {}/broker-1/t-0/00000000000000000000.log at byte offset {at}: Record is corrupt (stored crc = ",
            dir.arg()
        )),
        "{err}"
    );
    assert!(err.contains("Deleting segments as part of log recovery: LogSegment(baseOffset="));
    assert_eq!(log_files(&dir), ["00000000000000000000.log"]);
    assert_eq!(
        consume_and_crosscheck(&dir, "flipped"),
        VALUES[..records_in_first - 1]
    );
}

/// The first segment's files after a clean exit, with `t` rolled.
fn clean_dir(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let script = format!(
        "kafka-topics.sh --create --topic t --config segment.bytes=250 --config index.interval.bytes=50\n{}",
        produce_each("t", &VALUES)
    );
    run(&dir, false, &script);
    assert!(dir.0.join("broker-1/.kafka_cleanshutdown").exists());
    dir
}

#[test]
fn a_missing_index_is_rebuilt() {
    // LogLoader.loadSegmentFiles: NoSuchFileException → ERROR line, LogSegment.recover.
    let dir = clean_dir("missing-index");
    let index = dir.segment_file("00000000000000000000.index");
    let original = std::fs::read(&index).expect("an index");
    assert!(!original.is_empty(), "the index has entries");
    std::fs::remove_file(&index).expect("removed");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    assert!(text(&output.stderr).contains(&format!(
        "ERROR [LogLoader partition=t-0, dir={0}/broker-1] Could not find offset index file corresponding to log file {0}/broker-1/t-0/00000000000000000000.log, recovering segment and rebuilding index files...",
        dir.arg()
    )), "{}", text(&output.stderr));
    assert_eq!(std::fs::read(&index).expect("rebuilt"), original);
    assert_eq!(consume_and_crosscheck(&dir, "missing-index"), VALUES);
}

#[test]
fn a_corrupt_index_is_rebuilt() {
    // CorruptIndexException → WARN line, LogSegment.recover rebuilds it.
    let dir = clean_dir("corrupt-index");
    let index = dir.segment_file("00000000000000000000.index");
    let original = std::fs::read(&index).expect("an index");
    std::fs::write(&index, [0xFF; 7]).expect("corrupted");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    assert!(
        text(&output.stderr).contains("Found a corrupted index file corresponding to log file"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(std::fs::read(&index).expect("rebuilt"), original);
}

#[test]
fn a_half_done_swap_is_finished_and_temporary_files_go() {
    // LogLoader.load: .deleted and .cleaned files deleted, the segments a .swap replaces
    // deleted, the .swap renamed into place.
    let dir = crashed_dir("swap");
    let files = log_files(&dir);
    let (first, second) = (&files[0], &files[1]);
    let mut merged = std::fs::read(dir.segment_file(first)).expect("first");
    merged.extend(std::fs::read(dir.segment_file(second)).expect("second"));
    // The cleaner's merged group, renamed .cleaned → .swap before the crash.
    std::fs::write(dir.segment_file(&format!("{first}.swap")), &merged).expect("swap");
    // A later group still being cleaned, and a segment retention had renamed.
    std::fs::write(dir.segment_file(&format!("{}.cleaned", files[2])), b"half").expect("cleaned");
    std::fs::write(dir.segment_file("00000000000000000000.index.deleted"), b"x").expect("deleted");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n");
    let err = text(&output.stderr);
    for line in [
        format!("Found log file {}/broker-1/t-0/{first}.swap from interrupted swap operation, which is recoverable from .swap files by renaming.", dir.arg()),
        format!("Deleting segment files {second} that is compacted but has not been deleted yet."),
        format!("Recovering file {first}.swap by renaming from .swap files."),
    ] {
        assert!(err.contains(&line), "{line}\nin\n{err}");
    }
    let mut expected = files.clone();
    expected.remove(1);
    assert_eq!(log_files(&dir), expected);
    assert_eq!(
        std::fs::read(dir.segment_file(first)).expect("swapped in"),
        merged
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.0.join("broker-1/t-0"))
        .expect("t-0")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".swap") || n.ends_with(".cleaned") || n.ends_with(".deleted"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    assert_eq!(consume_and_crosscheck(&dir, "swap"), VALUES);
}

#[test]
fn a_clean_shutdown_skips_revalidation_and_the_recovery_point_bounds_it() {
    // LogLoader.recoverLog: with the clean-shutdown file nothing is revalidated; without it,
    // only the segments from the recovery point on.
    let dir = clean_dir("clean");
    let files = log_files(&dir);
    let flip_last_byte = |name: &str| {
        let path = dir.segment_file(name);
        let mut bytes = std::fs::read(&path).expect("a segment");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        std::fs::write(&path, bytes).expect("flipped");
    };
    flip_last_byte(&files[0]);
    flip_last_byte(files.last().expect("the active segment"));
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:8\n", "nothing revalidated");
    assert_eq!(text(&output.stderr), "");
    // The next stop is unclean: the checkpointed recovery point is the log end (8), so only
    // the last segment is revalidated; the flipped bit below it goes unnoticed, as in Kafka.
    std::fs::remove_file(dir.0.join("broker-1/.kafka_cleanshutdown")).expect("unclean");
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:7\n");
    let err = text(&output.stderr);
    assert_eq!(
        err.matches("Recovering unflushed segment").count(),
        1,
        "{err}"
    );
}

#[test]
fn flush_ms_flushes_on_the_log_flusher_job_and_the_recovery_point_is_checkpointed() {
    // LogManager: kafka-log-flusher and kafka-recovery-point-checkpoint first run 30 s after
    // start-up; flushDirtyLogs flushes a log last flushed flush.ms ago or more.
    let dir = TempDir::new("flush-ms");
    let script = format!(
        "kafka-topics.sh --create --topic t --config flush.ms=1000\n\
         kafka-topics.sh --create --topic later --config flush.ms=1000\n{}time advance 31s\n{}",
        produce_each("t", &["a", "b", "c"]),
        produce_each("later", &["d"])
    );
    run(&dir, true, &script);
    let checkpoint =
        std::fs::read_to_string(dir.0.join("broker-1/recovery-point-offset-checkpoint"))
            .expect("the checkpoint job wrote it");
    assert_eq!(checkpoint, "0\n2\nlater 0 0\nt 0 3\n");
    let output = run(
        &dir,
        false,
        "kafka-get-offsets.sh --topic t\nkafka-get-offsets.sh --topic later\n",
    );
    assert_eq!(text(&output.stdout), "t:0:3\nlater:0:0\n");
}

#[test]
fn a_roll_flushes_the_older_segments() {
    // UnifiedLog.roll schedules flushUptoOffsetExclusive(newSegment.baseOffset): with Kafka's
    // defaults, a crash keeps every segment but the active one.
    let clean = TempDir::new("roll-clean");
    let crashed = TempDir::new("roll-crashed");
    let script = format!(
        "kafka-topics.sh --create --topic t --config segment.bytes=250\n{}",
        produce_each("t", &VALUES)
    );
    run(&clean, false, &script);
    run(&crashed, true, &script);
    let active = log_files(&clean).pop().expect("an active segment");
    let active_base: usize = active[..20].parse().expect("a base offset");
    assert!(active_base > 0);
    let output = run(&crashed, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), format!("t:0:{active_base}\n"));
    assert_eq!(
        consume_and_crosscheck(&crashed, "roll"),
        VALUES[..active_base]
    );
}

#[test]
fn the_broker_settings_log_flush_interval_are_the_topics_defaults() {
    // flush.messages falls back to log.flush.interval.messages (LogConfig synonyms), set here as
    // a dynamic cluster default (DynamicLogConfig).
    let dir = TempDir::new("broker-flush");
    let script = format!(
        "kafka-configs.sh --alter --entity-type brokers --entity-default --add-config log.flush.interval.messages=1\n\
         kafka-topics.sh --create --topic t\n{}",
        produce_each("t", &VALUES[..3])
    );
    run(&dir, true, &script);
    let output = run(&dir, false, "kafka-get-offsets.sh --topic t\n");
    assert_eq!(text(&output.stdout), "t:0:3\n");
}
