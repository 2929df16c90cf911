//! A workspace as a tar archive (`storage::tar`) against real tools: GNU `tar -cf` of a
//! `kplay --data-dir` directory reads back as the workspace's files, and an archive written by
//! `write_tar`, extracted with `tar -xf`, is a data dir `kplay --data-dir` continues from.
//! Skipped (with a note) where no `tar` is installed.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use kafka_playground::engine::persist::METADATA_FILE;
use kafka_playground::storage::tar::{read_tar, write_tar};
use std::path::PathBuf;
use std::process::Command;
use support::kplay;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("kplay-tar-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temp dir");
        TempDir(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn have_tar() -> bool {
    let found = Command::new("tar").arg("--version").output().is_ok();
    if !found {
        eprintln!("no `tar` on this machine: skipped");
    }
    found
}

fn tar(args: &[&str]) {
    let status = Command::new("tar").args(args).status().expect("tar runs");
    assert!(status.success(), "tar {args:?} failed");
}

const PRODUCE: &str = "kafka-topics.sh --create --topic t --partitions 2\nkafka-console-producer.sh --topic t --property parse.key=true <<EOF\na\tone\nb\ttwo\nc\tthree\nEOF\n";
const CONSUME: &str = "kafka-console-consumer.sh --topic t --from-beginning --property print.partition=true --property print.offset=true\n";

fn consume(dir: &TempDir) -> String {
    let output = kplay(&["--data-dir", dir.arg()], CONSUME);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn gnu_tar_of_a_data_dir_round_trips_through_the_codec() {
    if !have_tar() {
        return;
    }
    let source = TempDir::new("source");
    let made = kplay(&["--data-dir", source.arg()], PRODUCE);
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let expected = consume(&source);
    assert_eq!(expected.lines().count(), 3, "{expected}");

    // `tar -cf x.tar -C DIR .` names everything `./…` and has directory entries.
    let archives = TempDir::new("archives");
    let gnu = archives.0.join("gnu.tar");
    tar(&["-cf", gnu.to_str().unwrap(), "-C", source.arg(), "."]);
    let files = read_tar(&std::fs::read(&gnu).unwrap()).expect("GNU tar's archive reads");
    assert!(files.contains_key(METADATA_FILE), "{:?}", files.keys());
    assert!(files.keys().any(|p| p.starts_with("broker-1/t-0/")));
    for (path, bytes) in &files {
        assert_eq!(
            &std::fs::read(source.0.join(path)).unwrap(),
            bytes,
            "{path}"
        );
    }

    // Written back by the codec and extracted by tar: the same cluster, the same records.
    let ours = archives.0.join("ours.tar");
    std::fs::write(&ours, write_tar(&files, 1_735_689_600).unwrap()).unwrap();
    let listing = Command::new("tar")
        .args(["-tf", ours.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(listing.status.success());
    let target = TempDir::new("target");
    tar(&["-xf", ours.to_str().unwrap(), "-C", target.arg()]);
    assert_eq!(consume(&target), expected);
}

#[test]
fn gnu_tar_long_names_read_back() {
    if !have_tar() {
        return;
    }
    let source = TempDir::new("long");
    let topic = "x".repeat(200);
    let dir = source.0.join(format!("broker-1/{topic}-0"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("00000000000000000000.log"), b"bytes").unwrap();
    let archive = source.0.join("../kplay-tar-long.tar");
    // GNU format (`././@LongLink`) and POSIX pax, the two ways tar stores a long name.
    for format in ["gnu", "posix"] {
        tar(&[
            "-cf",
            archive.to_str().unwrap(),
            &format!("--format={format}"),
            "-C",
            source.arg(),
            ".",
        ]);
        let files = read_tar(&std::fs::read(&archive).unwrap()).expect(format);
        let path = format!("broker-1/{topic}-0/00000000000000000000.log");
        assert_eq!(
            files.get(&path).map(Vec::as_slice),
            Some(&b"bytes"[..]),
            "{format}"
        );
    }
    let _ = std::fs::remove_file(archive);
}

#[test]
fn kplay_export_and_import_move_a_data_dir_through_a_tar() {
    let source = TempDir::new("export-source");
    let made = kplay(&["--data-dir", source.arg()], PRODUCE);
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let expected = consume(&source);
    let archives = TempDir::new("export-archives");
    let archive = archives.0.join("x.tar");
    let archive = archive.to_str().unwrap();
    let exported = kplay(&["export", "--data-dir", source.arg(), archive], "");
    assert_eq!(exported.status.code(), Some(0), "{exported:?}");
    let files = read_tar(&std::fs::read(archive).unwrap()).unwrap();
    assert!(files.contains_key(METADATA_FILE));

    let target = archives.0.join("imported");
    let target = target.to_str().unwrap();
    let imported = kplay(&["import", "--data-dir", target, archive], "");
    assert_eq!(imported.status.code(), Some(0), "{imported:?}");
    let output = kplay(&["--data-dir", target], CONSUME);
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);

    // A second import into the same (now full) directory, and a corrupt archive, are refused.
    let again = kplay(&["import", "--data-dir", target, archive], "");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
    let broken = archives.0.join("broken.tar");
    std::fs::write(&broken, &std::fs::read(archive).unwrap()[..700]).unwrap();
    let empty = archives.0.join("empty");
    let refused = kplay(
        &[
            "import",
            "--data-dir",
            empty.to_str().unwrap(),
            broken.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("truncated"),
        "{refused:?}"
    );
    assert!(!empty.exists());
}
