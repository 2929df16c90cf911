//! `kplay`: runs a script of Kafka tool commands against a simulated cluster and prints what the
//! tools print, on the streams they print it to.
//!
//! ```text
//! kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS] [--override NAME=VALUE]...
//!       [--data-dir DIR [--crash-at-exit]] [--trace FILE|-]
//! kplay export|import --data-dir DIR FILE.tar
//! ```
//! `export` writes DIR as the tar archive the web page downloads; `import` makes a new DIR from
//! one (the page's "Download .tar", or `tar -cf` of a data dir).
//! `--override NAME=VALUE` sets a `server.properties` entry on every broker, as
//! `kafka-server-start.sh --override` does (e.g. `group.consumer.migration.policy=upgrade`); a
//! value Kafka would refuse at startup stops kplay with Kafka's message.
//! The cluster has `--brokers` brokers (node ids 1..N; 3 by default, as issue #5 and
//! docs/CLI.md say). The script comes from the file SCRIPT, or standard input when it is `-` or
//! absent. The exit
//! status is 1 if any command failed, 0 otherwise, and 2 if kplay could not run it (bad options,
//! a script it cannot read, a data dir it cannot load or save).
//!
//! With `--data-dir DIR`, broker N's log dir is `DIR/broker-N`: a run continues the cluster a
//! previous run left in DIR (see `engine::persist`), and on exit every broker's files are flushed
//! there and the cluster's metadata is written to `DIR/playground-metadata.properties`. Without
//! `--brokers`, a saved cluster keeps its own broker count. While it
//! runs, what the flush settings make durable is written after each command (`engine::flush`).
//! A clean exit flushes everything and writes Kafka's `.kafka_cleanshutdown` in each log dir;
//! `--crash-at-exit` stops without either, so DIR keeps only what was flushed, and the next run
//! recovers the logs as a broker does after a crash (docs/cli/recovery.md). After an unclean stop
//! kplay prints the broker's log lines about the recovery on stderr.
//!
//! With `--trace FILE` (`-` for standard error) kplay writes the trace line of every event the
//! cluster emits (`engine::trace`, docs/TRACE.md) as the script runs: after each command, the
//! events that happened while it ran, before the command's own output. The other output does not
//! change.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    archive::run(&args).unwrap_or_else(native::main)
}

/// `kplay export|import --data-dir DIR FILE.tar`.
#[cfg(not(target_arch = "wasm32"))]
#[path = "kplay/archive.rs"]
mod archive;

/// The web build never runs kplay; this keeps `cargo build --target wasm32-unknown-unknown` whole.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use kafka_playground::cli::{self, shell, Stream};
    use kafka_playground::engine::clock::SimTime;
    use kafka_playground::engine::{Cluster, ClusterOptions};
    use std::io::{Read, Write};
    use std::process::ExitCode;

    /// The most brokers a cluster may have (the metadata file reads no more).
    const MAX_BROKERS: i32 = 1000;

    const USAGE: &str = "usage: kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS] [--override NAME=VALUE]... [--data-dir DIR [--crash-at-exit]] [--trace FILE|-]";

    struct Args {
        script: Option<String>,
        options: ClusterOptions,
        data_dir: Option<String>,
        /// `--crash-at-exit`: leave DIR as a crash would (only what was flushed, no marker).
        crash_at_exit: bool,
        /// Whether `--seed` / `--start-time` were given (a data dir's own ones win).
        seed_given: bool,
        /// Whether `--brokers` was given: without it a data dir keeps its own broker count.
        brokers_given: bool,
        start_time_given: bool,
        /// `--trace FILE`: where the events' trace lines go (`-` is standard error).
        trace: Option<String>,
        /// `--override NAME=VALUE`: `server.properties` entries of every broker.
        overrides: std::collections::BTreeMap<String, String>,
    }

    fn parse_args(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args {
            script: None,
            options: ClusterOptions::default(),
            data_dir: None,
            crash_at_exit: false,
            seed_given: false,
            brokers_given: false,
            start_time_given: false,
            trace: None,
            overrides: Default::default(),
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = |name: &str| {
                iter.next()
                    .ok_or_else(|| format!("kplay: {name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--brokers" => {
                    parsed.options.brokers = number(arg, value(arg)?)?;
                    parsed.brokers_given = true;
                }
                "--seed" => {
                    parsed.options.seed = number(arg, value(arg)?)?;
                    parsed.seed_given = true;
                }
                "--start-time" => {
                    parsed.options.start_time = SimTime(number(arg, value(arg)?)?);
                    parsed.start_time_given = true;
                }
                "--data-dir" => parsed.data_dir = Some(value(arg)?.to_string()),
                "--crash-at-exit" => parsed.crash_at_exit = true,
                "--trace" => parsed.trace = Some(value(arg)?.to_string()),
                "--override" => {
                    let entry = value(arg)?;
                    let (name, value) = entry.split_once('=').ok_or_else(|| {
                        format!("kplay: --override needs NAME=VALUE, not '{entry}'\n{USAGE}")
                    })?;
                    parsed
                        .overrides
                        .insert(name.trim().to_string(), value.to_string());
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                "-" => parsed.script = None,
                flag if flag.starts_with("--") => {
                    return Err(format!("kplay: unknown option {flag}\n{USAGE}"))
                }
                path if parsed.script.is_none() => parsed.script = Some(path.to_string()),
                extra => return Err(format!("kplay: unexpected argument {extra}\n{USAGE}")),
            }
        }
        if parsed.crash_at_exit && parsed.data_dir.is_none() {
            return Err(format!("kplay: --crash-at-exit needs --data-dir\n{USAGE}"));
        }
        if !(1..=MAX_BROKERS).contains(&parsed.options.brokers) {
            return Err(format!(
                "kplay: --brokers needs a number from 1 to {MAX_BROKERS}, not {}\n{USAGE}",
                parsed.options.brokers
            ));
        }
        Ok(parsed)
    }

    fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
        text.parse()
            .map_err(|_| format!("kplay: {flag} needs a number, not '{text}'"))
    }

    fn read_script(path: Option<&str>) -> Result<String, String> {
        let mut text = String::new();
        match path {
            Some(path) => {
                text = std::fs::read_to_string(path)
                    .map_err(|e| format!("kplay: cannot read {path}: {e}"))?;
            }
            None => {
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| format!("kplay: cannot read standard input: {e}"))?;
            }
        }
        Ok(text)
    }

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let run =
            parse_args(&args).and_then(|args| Ok((read_script(args.script.as_deref())?, args)));
        let (script, args) = match run {
            Ok(run) => run,
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        };
        let commands = match shell::parse_script(&script) {
            Ok(commands) => commands,
            Err(error) => {
                eprintln!("kplay: syntax error: {error}");
                return ExitCode::from(2);
            }
        };
        let mut trace = match trace::Trace::open(args.trace.as_deref()) {
            Ok(trace) => trace,
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        };
        let mut cluster = match &args.data_dir {
            None => Cluster::new(args.options.clone()),
            Some(dir) => match data_dir::open(dir, &args) {
                Ok(cluster) => cluster,
                Err(message) => {
                    eprintln!("{message}");
                    return ExitCode::from(2);
                }
            },
        };
        match cluster.set_server_properties(&args.overrides) {
            Ok(warnings) => warnings.iter().for_each(|w| eprintln!("{}", w.message)),
            Err(error) => {
                // As a broker that does not start: `KafkaConfig` refuses the value.
                eprintln!("kplay: {error}");
                return ExitCode::from(2);
            }
        }
        let mut failed = false;
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        // What happened while the cluster started (a resumed one recovers its logs).
        if let Err(message) = trace.write(&mut cluster) {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
        for command in &commands {
            let output = cli::run_command(&mut cluster, command);
            failed |= output.failed;
            if let Some(dir) = &args.data_dir {
                if let Err(message) = data_dir::flush_requested(dir, &mut cluster) {
                    eprintln!("{message}");
                    return ExitCode::from(2);
                }
            }
            if let Err(message) = trace.write(&mut cluster) {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
            for (stream, line) in &output.lines {
                // A closed pipe (kplay … | head) is not an error worth a panic.
                let _ = match stream {
                    Stream::Stdout => writeln!(stdout.lock(), "{line}"),
                    Stream::Stderr => writeln!(stderr.lock(), "{line}"),
                };
            }
        }
        if let Some(dir) = &args.data_dir {
            let saved = if args.crash_at_exit {
                data_dir::crash(dir, &cluster)
            } else {
                data_dir::save(dir, &mut cluster)
            };
            if let Err(message) = saved.and_then(|()| trace.write(&mut cluster)) {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    /// `--trace FILE|-`: the events' trace lines, written as the script runs.
    mod trace {
        use kafka_playground::engine::Cluster;
        use std::fs::File;
        use std::io::{BufWriter, Write};

        enum Sink {
            /// No `--trace`: the events are drained and dropped, so they do not pile up.
            None,
            Stderr,
            File {
                path: String,
                file: BufWriter<File>,
            },
        }

        pub struct Trace(Sink);

        impl Trace {
            /// Creates (or truncates) FILE; `-` is standard error.
            pub fn open(path: Option<&str>) -> Result<Trace, String> {
                let sink = match path {
                    None => Sink::None,
                    Some("-") => Sink::Stderr,
                    Some(path) => Sink::File {
                        path: path.to_string(),
                        file: BufWriter::new(
                            File::create(path)
                                .map_err(|e| format!("kplay: cannot write --trace {path}: {e}"))?,
                        ),
                    },
                };
                Ok(Trace(sink))
            }

            /// Writes the trace line of every event since the last call, oldest first.
            pub fn write(&mut self, cluster: &mut Cluster) -> Result<(), String> {
                let events = cluster.drain_events();
                match &mut self.0 {
                    Sink::None => Ok(()),
                    Sink::Stderr => {
                        let mut stderr = std::io::stderr().lock();
                        for event in &events {
                            // A closed pipe is not worth a failure, as for the tools' output.
                            let _ = writeln!(stderr, "{event}");
                        }
                        Ok(())
                    }
                    Sink::File { path, file } => events
                        .iter()
                        .try_for_each(|event| writeln!(file, "{event}"))
                        // Flushed after each command, so `tail -f FILE` follows the script.
                        .and_then(|()| file.flush())
                        .map_err(|e| format!("kplay: cannot write --trace {path}: {e}")),
                }
            }
        }
    }

    /// `--data-dir DIR`: the cluster DIR holds, and saving it back there on exit.
    mod data_dir {
        use super::Args;
        use kafka_playground::cli::log4j;
        use kafka_playground::engine::log::recovery::{Level, CLEAN_SHUTDOWN_FILE};
        use kafka_playground::engine::persist::{
            check_broker_dirs, saved_broker_count, PersistError, METADATA_FILE,
        };
        use kafka_playground::engine::Cluster;
        use kafka_playground::storage::{DirDisk, FileStore, Scope};
        use std::collections::BTreeMap;
        use std::fs;
        use std::io::ErrorKind;
        use std::path::Path;

        /// The cluster a previous run left in DIR, or a new one whose log dirs are in DIR.
        pub fn open(dir: &str, args: &Args) -> Result<Cluster, String> {
            let fail = |message: String| format!("kplay: cannot use --data-dir {dir}: {message}");
            let root = Path::new(dir);
            let found = broker_dirs(root).map_err(fail)?;
            let ids: Vec<i32> = found.keys().copied().collect();
            let metadata = match fs::read(root.join(METADATA_FILE)) {
                Ok(bytes) => Some(
                    String::from_utf8(bytes)
                        .map_err(|_| fail(format!("{METADATA_FILE} is not UTF-8 text")))?,
                ),
                Err(e) if e.kind() == ErrorKind::NotFound => None,
                Err(e) => return Err(fail(format!("cannot read {METADATA_FILE}: {e}"))),
            };
            // Without --brokers, a saved cluster keeps the brokers it has.
            let mut options = args.options.clone();
            if let (Some(text), false) = (&metadata, args.brokers_given) {
                options.brokers = saved_broker_count(text).map_err(|e| fail(e.to_string()))?;
            }
            check_broker_dirs(&ids, options.brokers).map_err(|e| fail(e.to_string()))?;
            let Some(metadata) = metadata else {
                if found.values().any(|has_files| *has_files) {
                    return Err(fail(PersistError::NoMetadata.to_string()));
                }
                let mut cluster = Cluster::new(options);
                cluster.set_data_dir(dir);
                started(dir, &mut cluster).map_err(fail)?;
                return Ok(cluster);
            };
            let mut stores = BTreeMap::new();
            for id in 1..=options.brokers {
                let disk = DirDisk::new(root.join(format!("broker-{id}")));
                stores.insert(id, FileStore::open(&disk).map_err(|e| fail(e.to_string()))?);
            }
            let restored = Cluster::restore(&options, &metadata, stores, Some(dir))
                .map_err(|e| fail(e.to_string()))?;
            for warning in &restored.warnings {
                eprintln!("{warning}");
            }
            // The broker's log lines about loading its logs: INFO and up after an unclean stop,
            // only WARN and ERROR after a clean one (a clean start says nothing).
            let now = restored.cluster.now().as_millis();
            for log_dir in &restored.recovery {
                let least = if log_dir.had_clean_shutdown {
                    Level::Warn
                } else {
                    Level::Info
                };
                for line in log_dir.lines().iter().filter(|l| l.level >= least) {
                    let level = line.level.as_str();
                    eprintln!("{}", log4j::line(now, level, &line.message, line.logger));
                }
            }
            warn_ignored(args, &restored.cluster, dir);
            let mut cluster = restored.cluster;
            started(dir, &mut cluster).map_err(fail)?;
            Ok(cluster)
        }

        /// What a broker has on disk once it runs: its formatted log dir, recovery's repairs and
        /// the clean-shutdown file gone (`LogManager.loadLogs`).
        fn started(dir: &str, cluster: &mut Cluster) -> Result<(), String> {
            cluster.format_log_dirs();
            each_disk(dir, cluster, |broker, disk| {
                broker.store.flush(disk, Scope::All).map(|_| ())
            })
        }

        /// Runs `flush` on every broker's store with its `DIR/broker-N` disk.
        fn each_disk(
            dir: &str,
            cluster: &mut Cluster,
            mut flush: impl FnMut(
                &mut kafka_playground::engine::broker::Broker,
                &mut DirDisk,
            ) -> Result<(), kafka_playground::storage::StorageError>,
        ) -> Result<(), String> {
            let root = Path::new(dir);
            fs::create_dir_all(root).map_err(|e| e.to_string())?;
            let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
            for id in ids {
                if let Some(broker) = cluster.broker_mut(id) {
                    let mut disk = DirDisk::new(root.join(format!("broker-{id}")));
                    flush(broker, &mut disk).map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        }

        /// Writes what the flush settings made durable during the last command (`engine::flush`).
        pub fn flush_requested(dir: &str, cluster: &mut Cluster) -> Result<(), String> {
            each_disk(dir, cluster, |broker, disk| {
                broker.flush_requested(disk).map(|_| ())
            })
            .map_err(|message| format!("kplay: cannot flush to --data-dir {dir}: {message}"))
        }

        /// `--crash-at-exit`: no clean shutdown — only the controller's metadata is written (the
        /// KRaft metadata log is durable), the log dirs keep what was flushed.
        pub fn crash(dir: &str, cluster: &Cluster) -> Result<(), String> {
            eprintln!(
                "kplay: --crash-at-exit: stopped without a clean shutdown; {dir} keeps only what was flushed."
            );
            write_metadata(dir, cluster)
                .map_err(|message| format!("kplay: cannot save to --data-dir {dir}: {message}"))
        }

        /// The `broker-N` directories in DIR, and whether each holds anything.
        fn broker_dirs(root: &Path) -> Result<BTreeMap<i32, bool>, String> {
            let entries = match fs::read_dir(root) {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(BTreeMap::new()),
                Err(e) => return Err(e.to_string()),
            };
            let mut found = BTreeMap::new();
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let id = name
                    .strip_prefix("broker-")
                    .and_then(|n| n.parse::<i32>().ok().filter(|id| id.to_string() == n));
                if let (Some(id), true) = (id, entry.path().is_dir()) {
                    let has_files =
                        fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_some());
                    found.insert(id, has_files);
                }
            }
            Ok(found)
        }

        /// A resumed cluster keeps its seed and clock; say so when the options asked otherwise.
        fn warn_ignored(args: &Args, cluster: &Cluster, dir: &str) {
            let saved = cluster.options();
            if args.seed_given && args.options.seed != saved.seed {
                eprintln!(
                    "WARNING: --seed {} is ignored: the cluster in {dir} was seeded with {}, and its generator resumes where it stopped.",
                    args.options.seed, saved.seed
                );
            }
            if args.start_time_given && args.options.start_time != saved.start_time {
                eprintln!(
                    "WARNING: --start-time {} is ignored: the clock of the cluster in {dir} resumes at {}.",
                    args.options.start_time.as_millis(),
                    cluster.now().as_millis()
                );
            }
        }

        /// Writes what a clean shutdown leaves, flushes every broker's files to `DIR/broker-N`
        /// and then the metadata file (written to a `.tmp` file and renamed, so it is whole).
        pub fn save(dir: &str, cluster: &mut Cluster) -> Result<(), String> {
            let fail =
                |message: String| format!("kplay: cannot save to --data-dir {dir}: {message}");
            // LogManager.shutdown: flush and checkpoint everything, then the clean-shutdown file.
            cluster.prepare_clean_shutdown();
            each_disk(dir, cluster, |broker, disk| {
                broker.store.flush(disk, Scope::All).map(|_| ())
            })
            .map_err(fail)?;
            cluster.write_clean_shutdown_files();
            each_disk(dir, cluster, |broker, disk| {
                broker
                    .store
                    .flush(disk, Scope::File(CLEAN_SHUTDOWN_FILE))
                    .map(|_| ())
            })
            .map_err(fail)?;
            write_metadata(dir, cluster).map_err(fail)
        }

        /// The metadata file, written to a `.tmp` file and renamed, so it is whole.
        fn write_metadata(dir: &str, cluster: &Cluster) -> Result<(), String> {
            let root = Path::new(dir);
            let path = root.join(METADATA_FILE);
            let tmp = root.join(format!("{METADATA_FILE}.tmp"));
            fs::write(&tmp, cluster.to_metadata_file())
                .and_then(|()| fs::rename(&tmp, &path))
                .map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}
