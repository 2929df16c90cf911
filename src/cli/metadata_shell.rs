//! `kafka-metadata-shell.sh --snapshot FILE COMMAND...`: browses the metadata image a KRaft
//! metadata file replays to, as Kafka 4.1's `org.apache.kafka.shell.MetadataShell`
//! (`shell/src/main/java/org/apache/kafka/shell/MetadataShell.java`) does non-interactively.
//!
//! `--snapshot` names a file in a broker's log dir (`/tmp/kraft-combined-logs/broker-N/…`,
//! `Broker::log_dir`), normally `__cluster_metadata-0/00000000000000000000.log`; it is read from
//! that broker's [`FileStore`](crate::storage::FileStore) batch by batch as
//! `SnapshotFileReader` reads it (control batches skipped, undecodable records skipped), every
//! metadata record replayed into a [`MetadataImage`] (`MetadataLoader`), and the command run on
//! the tree of [`tree`] by [`commands`].
//!
//! A `.checkpoint` snapshot (`engine::kraft::snapshot`) is read the same way: its header and
//! footer are control batches. Left out: the interactive shell (a command is required here) and
//! the `.lock` check (the playground's log dirs hold no lock file).

mod commands;
mod tree;

use super::dump_log::lexical;
use super::options::{flag, with_value, OptionSpec};
use super::Output;
use crate::engine::kraft::image::MetadataImage;
use crate::engine::kraft::records::MetadataRecord;
use crate::engine::record::RecordBatch;
use crate::engine::Cluster;
use tree::Provenance;

/// The options argparse4j declares (`--snapshot/-s`; `-h/--help` is argparse4j's own).
pub(super) const SPECS: &[OptionSpec] = &[with_value("snapshot"), flag("help")];

const USAGE: &str = "usage: kafka-metadata-shell [-h] --snapshot SNAPSHOT [command [command ...]]";

/// `ArgumentParser.printHelp` of `MetadataShell.main`'s parser.
const HELP: &[&str] = &[
    USAGE,
    "",
    "The Apache Kafka metadata shell",
    "",
    "positional arguments:",
    "  command                The command to run.",
    "",
    "named arguments:",
    "  -h, --help             show this help message and exit",
    "  --snapshot SNAPSHOT, -s SNAPSHOT",
    "                         The metadata snapshot file to read.",
];

/// The command line, read as argparse4j reads it.
enum Parsed {
    Help,
    Run {
        snapshot: String,
        command: Vec<String>,
    },
}

pub(super) fn run(cluster: &Cluster, args: &[String], output: &mut Output) {
    let (snapshot, command) = match parse(args) {
        Ok(Parsed::Help) => {
            HELP.iter().for_each(|line| output.out(*line));
            return;
        }
        Ok(Parsed::Run { snapshot, command }) => (snapshot, command),
        Err(message) => {
            // `parseArgsOrFail`: the usage and the error on stderr, exit status 1.
            output.err(USAGE);
            output.fail(format!("kafka-metadata-shell: error: {message}"));
            return;
        }
    };
    if command.is_empty() {
        return output.fail(
            "kafka-metadata-shell: the interactive shell is not available in the playground; \
             give a command after the options (ls, cat, tree or find), e.g. ls /image",
        );
    }
    let Some(bytes) = read_file(cluster, &snapshot) else {
        // `SnapshotFileReader.startup`: `FileRecords.open` fails inside the reader's queue and
        // `future.get()` rethrows it wrapped in an `ExecutionException`.
        let cause = format!("java.nio.file.NoSuchFileException: {snapshot}");
        output.err(format!("Unexpected error: {cause}"));
        output.fail(format!("java.util.concurrent.ExecutionException: {cause}"));
        return;
    };
    let Some(loaded) = replay(&bytes) else {
        return output.fail(format!(
            "kafka-metadata-shell: {snapshot} holds no metadata records (Kafka's shell would wait \
             for them forever)"
        ));
    };
    let root = tree::root(&loaded.image, loaded.provenance, loaded.producer_ids_seen);
    for line in commands::run(&root, &command) {
        output.out(line);
    }
}

/// argparse4j: `--snapshot X`, `--snapshot=X`, `-s X`, `-sX` anywhere on the line; `-h`/`--help`
/// prints the help at once; every other word is a word of the command, except after `--`, where
/// every word is. An unknown `-x` is refused by this parser, before any command runs.
fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut snapshot = None;
    let mut command = Vec::new();
    let mut words = args.iter();
    while let Some(arg) = words.next() {
        let arg = arg.as_str();
        if arg == "--snapshot" || arg == "-s" {
            match words.next() {
                Some(v) if !v.starts_with('-') || v.len() == 1 => snapshot = Some(v.clone()),
                _ => return Err("argument --snapshot/-s: expected one argument".into()),
            }
        } else if let Some(v) = arg.strip_prefix("--snapshot=") {
            snapshot = Some(v.to_string());
        } else if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        } else if let Some(v) = arg.strip_prefix("-s").filter(|_| !arg.starts_with("--")) {
            snapshot = Some(v.to_string());
        } else if arg == "--" {
            command.extend(words.by_ref().cloned());
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(format!("unrecognized arguments: '{arg}'"));
        } else {
            command.push(arg.to_string());
        }
    }
    match snapshot {
        Some(snapshot) => Ok(Parsed::Run { snapshot, command }),
        None => Err("argument --snapshot/-s is required".into()),
    }
}

/// The bytes of the file `path` names in a broker's log dir (relative paths start at `/`).
fn read_file(cluster: &Cluster, path: &str) -> Option<Vec<u8>> {
    let path = lexical(path);
    cluster.brokers().find_map(|broker| {
        let dir = lexical(&broker.log_dir);
        let rest = path.strip_prefix(dir.as_str())?.strip_prefix('/')?;
        broker.store.contents(rest).map(<[u8]>::to_vec)
    })
}

/// What replaying a file gives.
struct Loaded {
    image: MetadataImage,
    provenance: Provenance,
    producer_ids_seen: bool,
}

/// `SnapshotFileReader` feeding `MetadataLoader`: each metadata batch's records replayed in
/// order, the provenance moved to the batch's last offset. Reading stops at the first batch
/// that does not decode (the reader's error ends its queue). `None`: no metadata batch at all.
fn replay(bytes: &[u8]) -> Option<Loaded> {
    let mut image = MetadataImage::default();
    let mut provenance = None;
    let mut producer_ids_seen = false;
    let mut position = 0;
    while position < bytes.len() {
        let Ok((batch, size)) = RecordBatch::decode(&bytes[position..]) else {
            break;
        };
        if size == 0 {
            break;
        }
        position += size;
        if batch.is_control() {
            continue;
        }
        for record in batch.records() {
            let Some(Ok(decoded)) = record.value.as_deref().map(MetadataRecord::decode) else {
                continue;
            };
            producer_ids_seen |= matches!(decoded, MetadataRecord::ProducerIds { .. });
            image.replay(record.offset, &decoded);
        }
        provenance = Some(Provenance {
            offset: batch.last_offset(),
            epoch: batch.partition_leader_epoch(),
            time_ms: batch.max_timestamp(),
        });
    }
    Some(Loaded {
        image,
        provenance: provenance?,
        producer_ids_seen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_are_read_as_argparse4j_reads_them() {
        let Ok(Parsed::Run { snapshot, command }) = parse(&words("-s /f ls /image")) else {
            panic!("parsed");
        };
        assert_eq!(snapshot, "/f");
        assert_eq!(command, words("ls /image"));
        assert!(matches!(
            parse(&words("--snapshot=/f")),
            Ok(Parsed::Run { .. })
        ));
        assert!(matches!(parse(&words("--help")), Ok(Parsed::Help)));
        assert_eq!(
            parse(&words("ls")).err().as_deref(),
            Some("argument --snapshot/-s is required")
        );
        assert_eq!(
            parse(&words("--snapshot")).err().as_deref(),
            Some("argument --snapshot/-s: expected one argument")
        );
        assert_eq!(
            parse(&words("--bogus")).err().as_deref(),
            Some("unrecognized arguments: '--bogus'")
        );
        // Options may follow the command's words; an unknown one is this parser's error.
        let Ok(Parsed::Run { snapshot, command }) = parse(&words("ls / -s /g")) else {
            panic!("parsed");
        };
        assert_eq!((snapshot.as_str(), command), ("/g", words("ls /")));
        assert_eq!(
            parse(&words("-s /f ls -l")).err().as_deref(),
            Some("unrecognized arguments: '-l'")
        );
        let Ok(Parsed::Run { command, .. }) = parse(&words("-s /f -- ls -l")) else {
            panic!("parsed");
        };
        assert_eq!(command, words("ls -l"));
    }

    #[test]
    fn garbage_replays_to_nothing() {
        assert!(replay(b"not a log").is_none());
        assert!(replay(&[]).is_none());
    }
}
