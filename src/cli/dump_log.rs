//! `kafka-dump-log.sh`: prints what is in a broker's `.log`, `.index`, `.timeindex` and
//! `.txnindex` files, as Kafka 4.1's `kafka.tools.DumpLogSegments` (core,
//! `core/src/main/scala/kafka/tools/DumpLogSegments.scala`) prints it.
//!
//! A `--files` path names a file in a broker's log dir (`/tmp/kraft-combined-logs/broker-1/…`,
//! `Broker::log_dir`); the file is read from that broker's [`FileStore`](crate::storage::FileStore).
//! The dump reads the bytes the way Kafka's tool does (`FileRecords`, `FileLogInputStream`,
//! `DefaultRecord.readFrom`), not through the engine's strict decoder, so a corrupt segment shows
//! what Kafka shows: `isvalid: false`, `Found N invalid bytes at the end of …`, or the exception
//! that ends Kafka's run (`Exception in thread "main" <class>: <message>` on stderr, exit status
//! 1; the Java stack frames are left out).
//!
//! | module | Kafka |
//! |---|---|
//! | [`java`] | `java.io.File` naming, uncaught exceptions, `Long.parseLong`, `print`/`println` |
//! | [`batches`] | `FileRecords`, `FileLogInputStream`, `FileChannelRecordBatch`, `printBatchLevel` |
//! | [`records`] | `DefaultRecord.readFrom`, the record line, control records, decoders |
//! | [`offsets`] | `OffsetsMessageParser` (`--offsets-decoder`): `__consumer_offsets` records as JSON |
//! | [`metadata`] | `ClusterMetadataLogMessageParser` (`--cluster-metadata-decoder`), `LeaderChange` |
//! | [`legacy`] | message formats v0/v1 (`LegacyRecord`), which a flipped magic byte produces |
//! | [`log_file`] | `dumpLog` |
//! | [`indexes`] | `dumpIndex`, `dumpTimeIndex`, `dumpTxnIndex`, the closing report |

mod batches;
mod indexes;
mod java;
mod legacy;
mod log_file;
mod metadata;
mod offsets;
mod records;

use super::options::{self, flag, with_value, OptionError, OptionSpec, ParsedOptions};
use super::Output;
use crate::engine::Cluster;
use indexes::{Disk, Findings, IndexSettings};
use java::{Console, Failure, JavaFile, Outcome, CLASS_NOT_FOUND};
use log_file::LogSettings;
use log_file::Parser;
use records::Decoder;

const DESCRIPTION: &str = "This tool helps to parse a log file and dump its contents to the \
                           console, useful for debugging a seemingly corrupt log segment.";

/// The version `--version` prints.
const KAFKA_VERSION: &str = "4.1.0";

/// The two options with an optional argument (`withOptionalArg`).
const KEY_DECODER: &str = "key-decoder-class";
const VALUE_DECODER: &str = "value-decoder-class";
const STRING_DECODER: &str = "org.apache.kafka.tools.api.StringDecoder";
/// The `__consumer_offsets` decoder, which takes precedence over every other parser.
const OFFSETS_DECODER: &str = "offsets-decoder";
/// The KRaft metadata log's decoder.
const METADATA_DECODER: &str = "cluster-metadata-decoder";
/// The internal topics' decoders after `--offsets-decoder`, in the order
/// `DumpLogSegmentsOptions.messageParser` tries them; `None`: not read by the playground yet.
const TOPIC_DECODERS: [(&str, Option<Parser>); 4] = [
    ("transaction-log-decoder", None),
    (METADATA_DECODER, Some(Parser::ClusterMetadata)),
    ("remote-log-metadata-decoder", None),
    ("share-group-state-decoder", None),
];

/// `DumpLogSegmentsOptions` plus `CommandDefaultOptions`' `--help` and `--version`; the decoder
/// classes are flags here, their optional values are taken out first.
pub(super) const SPECS: &[OptionSpec] = &[
    flag("print-data-log"),
    flag("verify-index-only"),
    flag("index-sanity-check"),
    with_value("files"),
    with_value("max-message-size"),
    with_value("max-bytes"),
    flag("deep-iteration"),
    flag(VALUE_DECODER),
    flag(KEY_DECODER),
    flag(OFFSETS_DECODER),
    flag("transaction-log-decoder"),
    flag(METADATA_DECODER),
    flag("remote-log-metadata-decoder"),
    flag("share-group-state-decoder"),
    flag("skip-record-metadata"),
    flag("help"),
    flag("version"),
];

/// The command line, read.
struct Command {
    opts: ParsedOptions,
    /// `Some(None)`: the option without a class name (the default, `StringDecoder`).
    key_decoder: Option<Option<String>>,
    value_decoder: Option<Option<String>>,
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let mut console = Console::new(output);
    let command = match read_command_line(args) {
        Ok(command) => command,
        Err(failure) => return console.fail(&failure),
    };
    if args.is_empty() || command.opts.has("help") {
        return usage(&mut console, DESCRIPTION);
    }
    if command.opts.has("version") {
        return console.println(KAFKA_VERSION);
    }
    if !command.opts.has("files") {
        return usage(&mut console, "Missing required argument \"[files]\"");
    }
    let mut findings = Findings::default();
    let mut disk = ClusterDisk { cluster };
    match dump_files(&command, &mut disk, &mut console, &mut findings) {
        Ok(()) => findings.print(&mut console),
        Err(failure) => console.fail(&failure),
    }
}

/// The loop of `DumpLogSegments.main`: each file by its suffix.
fn dump_files(
    command: &Command,
    disk: &mut ClusterDisk<'_>,
    console: &mut Console<'_>,
    findings: &mut Findings,
) -> Outcome {
    let files = single_value(&command.opts, "files")?.unwrap_or_default();
    let index_settings = IndexSettings {
        sanity_only: command.opts.has("index-sanity-check"),
        verify_only: command.opts.has("verify-index-only"),
    };
    for arg in java_split_commas(files) {
        let file = JavaFile::new(arg);
        console.println(&format!("Dumping {}", file.path()));
        match java::suffix(file.name())? {
            ".log" | ".checkpoint" => {
                let settings = log_settings(command)?;
                let data = disk.read(&file);
                let pairs = findings.non_consecutive.entry(file.absolute()).or_default();
                let result = log_file::dump_log(&file, data.as_deref(), &settings, console, pairs);
                findings
                    .non_consecutive
                    .retain(|_, pairs| !pairs.is_empty());
                result?;
            }
            ".index" => {
                let max_message_size = int_option(&command.opts, "max-message-size", 5 << 20)?;
                indexes::dump_index(
                    disk,
                    &file,
                    index_settings,
                    max_message_size,
                    console,
                    findings,
                )?;
            }
            ".timeindex" => {
                indexes::dump_time_index(disk, &file, index_settings, console, findings)?
            }
            ".snapshot" => dump_producer_snapshot(disk, &file)?,
            ".txnindex" => indexes::dump_txn_index(disk, &file, console)?,
            _ => console.err(format!("Ignoring unknown file {}", file.path())),
        }
    }
    Ok(())
}

/// `dumpProducerIdSnapshot`: `ProducerStateManager.readSnapshot` reads the whole file first.
fn dump_producer_snapshot(disk: &ClusterDisk<'_>, file: &JavaFile) -> Outcome {
    if disk.read(file).is_none() {
        return Err(Failure::java(java::NO_SUCH_FILE, file.path()));
    }
    Err(Failure::Playground(format!(
        "{}: the playground does not write producer state snapshots yet and cannot read them",
        file.path()
    )))
}

/// The arguments `dumpLog` gets, evaluated as Scala evaluates them: the message parser (which
/// loads the decoder classes unless an internal topic's parser is chosen, `--offsets-decoder`
/// first, then the others in `messageParser`'s order), then `--max-bytes`.
fn log_settings(command: &Command) -> Outcome<LogSettings> {
    let opts = &command.opts;
    let topic_decoder = TOPIC_DECODERS.iter().find(|(name, _)| opts.has(name));
    let parser = if opts.has(OFFSETS_DECODER) {
        Parser::Offsets
    } else if let Some((name, parser)) = topic_decoder {
        parser.ok_or_else(|| {
            Failure::Playground(format!(
                "--{name} is not available in the playground yet (use --print-data-log)"
            ))
        })?
    } else {
        let value_decoder = decoder(&command.value_decoder)?;
        Parser::Decoders(decoder(&command.key_decoder)?, value_decoder)
    };
    // `shouldPrintDataLog`: any decoder option prints the contents.
    let print_contents = opts.has("print-data-log")
        || opts.has(OFFSETS_DECODER)
        || topic_decoder.is_some()
        || opts.has(KEY_DECODER)
        || opts.has(VALUE_DECODER);
    Ok(LogSettings {
        print_contents,
        deep: opts.has("deep-iteration") || print_contents,
        skip_record_metadata: opts.has("skip-record-metadata"),
        parser,
        max_bytes: int_option(opts, "max-bytes", i32::MAX)?,
    })
}

/// `Utils.newInstance(className, classOf[Decoder[_]])`.
fn decoder(option: &Option<Option<String>>) -> Outcome<Decoder> {
    let name = option.clone().flatten();
    let name = name.as_deref().unwrap_or(STRING_DECODER);
    Decoder::for_class(name).ok_or_else(|| Failure::java(CLASS_NOT_FOUND, name))
}

/// `options.valueOf(spec)`: jopt refuses to pick one of several values.
fn single_value<'o>(opts: &'o ParsedOptions, name: &str) -> Outcome<Option<&'o str>> {
    match opts.values(name) {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(Failure::java(
            "joptsimple.MultipleArgumentsForOptionException",
            format!("Found multiple arguments for option {name}, but you asked for only one"),
        )),
    }
}

/// An `Integer` option, converted when the tool first asks for it.
fn int_option(opts: &ParsedOptions, name: &str, default: i32) -> Outcome<i32> {
    let Some(text) = single_value(opts, name)? else {
        return Ok(default);
    };
    text.parse().map_err(|_| {
        let error = OptionError::NotANumber {
            name: name.to_string(),
            value: text.to_string(),
        };
        Failure::java(
            "joptsimple.OptionArgumentConversionException",
            error.to_string(),
        )
    })
}

/// `String.split(",")`: empty strings at the end are dropped, a lone empty string is kept.
fn java_split_commas(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return vec![""];
    }
    let mut parts: Vec<&str> = text.split(',').collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// jopt-simple's parse: arguments that are not options are ignored (DumpLogSegments never looks
/// at them), `--key-decoder-class` and `--value-decoder-class` take an optional value, and a
/// parse error escapes `main` as jopt's exception.
fn read_command_line(args: &[String]) -> Outcome<Command> {
    let mut cleaned = Vec::new();
    let (mut key_decoder, mut value_decoder) = (None, None);
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let Some(body) = arg.strip_prefix("--") else {
            match arg.strip_prefix('-') {
                Some(short) if !short.is_empty() => {
                    return Err(jopt_failure(OptionError::Unrecognized(short.to_string())));
                }
                _ => continue,
            }
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        match resolve(name) {
            Some(spec) if spec.name == KEY_DECODER || spec.name == VALUE_DECODER => {
                let value = inline.or_else(|| iter.next_if(|next| !next.starts_with('-')).cloned());
                let slot = if spec.name == KEY_DECODER {
                    &mut key_decoder
                } else {
                    &mut value_decoder
                };
                *slot = Some(value);
                cleaned.push(format!("--{}", spec.name));
            }
            Some(spec) if spec.takes_value && inline.is_none() => {
                cleaned.push(arg.clone());
                cleaned.extend(iter.next().cloned());
            }
            _ => cleaned.push(arg.clone()),
        }
    }
    let opts = options::parse(&cleaned, SPECS).map_err(jopt_failure)?;
    Ok(Command {
        opts,
        key_decoder,
        value_decoder,
    })
}

/// An option by its full name: `DumpLogSegmentsOptions` is a `CommandDefaultOptions`, whose
/// parser takes no abbreviations (as `cli::options` reads every tool's).
fn resolve(name: &str) -> Option<&'static OptionSpec> {
    SPECS.iter().find(|s| s.name == name)
}

fn jopt_failure(error: OptionError) -> Failure {
    let class = match error {
        OptionError::Unrecognized(_) => "joptsimple.UnrecognizedOptionException",
        OptionError::MissingArgument(_) => "joptsimple.OptionMissingRequiredArgumentException",
        OptionError::NotANumber { .. } => "joptsimple.OptionArgumentConversionException",
        _ => "joptsimple.OptionException",
    };
    Failure::java(class, error.to_string())
}

/// `CommandLineUtils.printUsageAndExit`: the message and jopt-simple's option table on stderr,
/// exit status 1.
fn usage(console: &mut Console<'_>, message: &str) {
    console.err(message);
    for line in help_lines() {
        console.err(line);
    }
    console.fail_quietly();
}

/// The option table (`BuiltinHelpFormatter`, 80 columns: options sorted, descriptions wrapped).
fn help_lines() -> Vec<String> {
    const HELP: &[(&str, &str)] = &[
        ("--cluster-metadata-decoder", "If set, log data will be parsed as cluster metadata records."),
        ("--deep-iteration", "If set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled."),
        ("--files <String: file1, file2, ...>", "REQUIRED: The comma separated list of data and index log files to be dumped."),
        ("--help", "Print usage information."),
        ("--index-sanity-check", "If set, just checks the index sanity without printing its content. This is the same check that is executed on broker startup to determine if an index needs rebuilding or not."),
        ("--key-decoder-class [String]", "If set, used to deserialize the keys. This class should implement org.apache.kafka.tools.api.Decoder trait. Custom jar should be available in kafka/libs directory. (default: org.apache.kafka.tools.api.StringDecoder)"),
        ("--max-bytes <Integer: size>", "Limit the amount of total batches read in bytes avoiding reading the whole .log file(s). (default: 2147483647)"),
        ("--max-message-size <Integer: size>", "Size of largest message. (default: 5242880)"),
        ("--offsets-decoder", "If set, log data will be parsed as offset data from the __consumer_offsets topic."),
        ("--print-data-log", "If set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified."),
        ("--remote-log-metadata-decoder", "If set, log data will be parsed as TopicBasedRemoteLogMetadataManager (RLMM) metadata records. Instead, the value-decoder-class option can be used if a custom RLMM implementation is configured."),
        ("--share-group-state-decoder", "If set, log data will be parsed as share group state data from the __share_group_state topic."),
        ("--skip-record-metadata", "Skip metadata when printing records. This flag also skips control records."),
        ("--transaction-log-decoder", "If set, log data will be parsed as transaction metadata from the __transaction_state topic."),
        ("--value-decoder-class [String]", "If set, used to deserialize the messages. This class should implement org.apache.kafka.tools.api.Decoder trait. Custom jar should be available in kafka/libs directory. (default: org.apache.kafka.tools.api.StringDecoder)"),
        ("--verify-index-only", "If set, just verify the index log without printing its content."),
        ("--version", "Display Kafka version."),
    ];
    let mut lines = vec![
        format!("{:<40}{}", "Option", "Description"),
        format!("{:<40}{}", "------", "-----------"),
    ];
    for (option, description) in HELP {
        for (n, text) in wrap(description, 39, 37).into_iter().enumerate() {
            let line = match n {
                0 => format!("{option:<40}{text}"),
                _ => format!("{:<40}  {text}", ""),
            };
            lines.push(line);
        }
    }
    lines
}

/// Greedy word wrap: `first` columns on the first line, `rest` on the others.
fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let width = if lines.len() == 1 { first } else { rest };
        let current = lines.last_mut().map_or(0, |l| l.len());
        if current > 0 && current + 1 + word.len() > width {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// The brokers' log dirs as dump-log sees them.
struct ClusterDisk<'c> {
    cluster: &'c mut Cluster,
}

impl ClusterDisk<'_> {
    /// The broker whose log dir holds `file`, and the file's path inside it.
    fn locate(&self, file: &JavaFile) -> Option<(i32, String)> {
        let path = lexical(&file.absolute());
        self.cluster.brokers().find_map(|broker| {
            let dir = lexical(&JavaFile::new(&broker.log_dir).absolute());
            let rest = path.strip_prefix(dir.as_str())?.strip_prefix('/')?;
            (!rest.is_empty()).then(|| (broker.node_id, rest.to_string()))
        })
    }
}

impl Disk for ClusterDisk<'_> {
    fn read(&self, file: &JavaFile) -> Option<Vec<u8>> {
        let (node, path) = self.locate(file)?;
        let broker = self.cluster.broker(node)?;
        broker.store.contents(&path).map(<[u8]>::to_vec)
    }

    fn create_new(&mut self, file: &JavaFile) -> Result<bool, ()> {
        let (node, path) = self.locate(file).ok_or(())?;
        let broker = self.cluster.broker_mut(node).ok_or(())?;
        if broker.store.exists(&path) {
            return Ok(false);
        }
        Ok(broker.store.create(&path))
    }
}

/// An absolute path with `.` and `..` resolved, as the operating system resolves them (also
/// `kafka-metadata-shell.sh --snapshot`'s).
pub(super) fn lexical(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_split_as_java_splits_them() {
        assert_eq!(java_split_commas("a,,b,,"), ["a", "", "b"]);
        assert_eq!(java_split_commas(""), [""]);
        assert!(java_split_commas(",,").is_empty());
        assert_eq!(lexical("/a/./b/../c//d"), "/a/c/d");
    }

    fn run_line(args: &str) -> Output {
        let mut cluster = Cluster::new(Default::default());
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        let mut output = Output::default();
        run(&mut cluster, &args, &mut output);
        output
    }

    #[test]
    fn command_line_mistakes_fail_as_the_tool_does() {
        let output = run_line("");
        assert!(output.failed);
        assert!(output
            .stderr()
            .starts_with(&format!("{DESCRIPTION}\nOption ")));
        let output = run_line("--print-data-log stray words");
        assert!(output.failed);
        assert!(output
            .stderr()
            .starts_with("Missing required argument \"[files]\"\nOption "));
        let cases = [
            ("--zookeeper x", "joptsimple.UnrecognizedOptionException: zookeeper is not a recognized option"),
            ("--files a.log --max-bytes lots", "joptsimple.OptionArgumentConversionException: Cannot parse argument 'lots' of option max-bytes"),
            ("--files x.log --key-decoder-class a.Nope", "java.lang.ClassNotFoundException: a.Nope"),
            ("--files a.log --files b.log", "joptsimple.MultipleArgumentsForOptionException: Found multiple arguments for option files, but you asked for only one"),
        ];
        for (args, thrown) in cases {
            let output = run_line(args);
            assert_eq!(
                output.stderr(),
                format!("Exception in thread \"main\" {thrown}\n"),
                "{args}"
            );
            assert!(output.failed);
        }
        assert_eq!(run_line("--version").stdout(), "4.1.0\n");
    }

    #[test]
    fn help_wraps_at_80_columns() {
        let lines = help_lines();
        assert_eq!(
            lines[2],
            "--cluster-metadata-decoder              If set, log data will be parsed as"
        );
        assert_eq!(
            lines[3],
            "                                          cluster metadata records."
        );
    }
}
