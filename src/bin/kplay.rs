//! `kplay`: runs a script of Kafka tool commands against a simulated cluster and prints what the
//! tools print, on the streams they print it to.
//!
//! ```text
//! kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS] [--data-dir DIR]
//! ```
//! The script comes from the file SCRIPT, or standard input when it is `-` or absent. The exit
//! status is 1 if any command failed, 0 otherwise, and 2 if kplay could not run it (bad options,
//! a script it cannot read, a data dir it cannot load or save).
//!
//! With `--data-dir DIR`, broker N's log dir is `DIR/broker-N`: a run continues the cluster a
//! previous run left in DIR (see `engine::persist`), and on exit every broker's files are flushed
//! there and the cluster's metadata is written to `DIR/playground-metadata.properties`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

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

    const USAGE: &str =
        "usage: kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS] [--data-dir DIR]";

    struct Args {
        script: Option<String>,
        options: ClusterOptions,
        data_dir: Option<String>,
        /// Whether `--seed` / `--start-time` were given (a data dir's own ones win).
        seed_given: bool,
        start_time_given: bool,
    }

    fn parse_args(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args {
            script: None,
            options: ClusterOptions::default(),
            data_dir: None,
            seed_given: false,
            start_time_given: false,
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = |name: &str| {
                iter.next()
                    .ok_or_else(|| format!("kplay: {name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--brokers" => parsed.options.brokers = number(arg, value(arg)?)?,
                "--seed" => {
                    parsed.options.seed = number(arg, value(arg)?)?;
                    parsed.seed_given = true;
                }
                "--start-time" => {
                    parsed.options.start_time = SimTime(number(arg, value(arg)?)?);
                    parsed.start_time_given = true;
                }
                "--data-dir" => parsed.data_dir = Some(value(arg)?.to_string()),
                "-h" | "--help" => return Err(USAGE.to_string()),
                "-" => parsed.script = None,
                flag if flag.starts_with("--") => {
                    return Err(format!("kplay: unknown option {flag}\n{USAGE}"))
                }
                path if parsed.script.is_none() => parsed.script = Some(path.to_string()),
                extra => return Err(format!("kplay: unexpected argument {extra}\n{USAGE}")),
            }
        }
        if parsed.options.brokers != 1 {
            return Err(
                "kplay: only --brokers 1 is available until replication lands (issue #5)"
                    .to_string(),
            );
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
        let mut failed = false;
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        for command in &commands {
            let output = cli::run_command(&mut cluster, command);
            failed |= output.failed;
            for (stream, line) in &output.lines {
                // A closed pipe (kplay … | head) is not an error worth a panic.
                let _ = match stream {
                    Stream::Stdout => writeln!(stdout.lock(), "{line}"),
                    Stream::Stderr => writeln!(stderr.lock(), "{line}"),
                };
            }
        }
        if let Some(dir) = &args.data_dir {
            if let Err(message) = data_dir::save(dir, &mut cluster) {
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

    /// `--data-dir DIR`: the cluster DIR holds, and saving it back there on exit.
    mod data_dir {
        use super::Args;
        use kafka_playground::engine::persist::{check_broker_dirs, PersistError, METADATA_FILE};
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
            check_broker_dirs(&ids, args.options.brokers).map_err(|e| fail(e.to_string()))?;
            let metadata = match fs::read(root.join(METADATA_FILE)) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map_err(|_| fail(format!("{METADATA_FILE} is not UTF-8 text")))?,
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    if found.values().any(|has_files| *has_files) {
                        return Err(fail(PersistError::NoMetadata.to_string()));
                    }
                    let mut cluster = Cluster::new(args.options.clone());
                    cluster.set_data_dir(dir);
                    return Ok(cluster);
                }
                Err(e) => return Err(fail(format!("cannot read {METADATA_FILE}: {e}"))),
            };
            let mut stores = BTreeMap::new();
            for id in 1..=args.options.brokers {
                let disk = DirDisk::new(root.join(format!("broker-{id}")));
                stores.insert(id, FileStore::open(&disk).map_err(|e| fail(e.to_string()))?);
            }
            let restored = Cluster::restore(&args.options, &metadata, stores, Some(dir))
                .map_err(|e| fail(e.to_string()))?;
            for warning in &restored.warnings {
                eprintln!("{warning}");
            }
            warn_ignored(args, &restored.cluster, dir);
            Ok(restored.cluster)
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
            let root = Path::new(dir);
            fs::create_dir_all(root).map_err(|e| fail(e.to_string()))?;
            cluster.checkpoint_log_dirs();
            let ids: Vec<i32> = cluster.brokers().map(|b| b.node_id).collect();
            for id in ids {
                if let Some(broker) = cluster.broker_mut(id) {
                    let mut disk = DirDisk::new(root.join(format!("broker-{id}")));
                    broker
                        .store
                        .flush(&mut disk, Scope::All)
                        .map_err(|e| fail(e.to_string()))?;
                }
            }
            let path = root.join(METADATA_FILE);
            let tmp = root.join(format!("{METADATA_FILE}.tmp"));
            fs::write(&tmp, cluster.to_metadata_file())
                .and_then(|()| fs::rename(&tmp, &path))
                .map_err(|e| fail(format!("{}: {e}", path.display())))
        }
    }
}
