//! `kplay`: runs a script of Kafka tool commands against a simulated cluster and prints what the
//! tools print, on the streams they print it to.
//!
//! ```text
//! kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS]
//! ```
//! The script comes from the file SCRIPT, or standard input when it is `-` or absent. The exit
//! status is 1 if any command failed, 0 otherwise.

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

    const USAGE: &str = "usage: kplay [SCRIPT|-] [--brokers N] [--seed N] [--start-time MS]";

    struct Args {
        script: Option<String>,
        options: ClusterOptions,
    }

    fn parse_args(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args {
            script: None,
            options: ClusterOptions::default(),
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = |name: &str| {
                iter.next()
                    .ok_or_else(|| format!("kplay: {name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--brokers" => parsed.options.brokers = number(arg, value(arg)?)?,
                "--seed" => parsed.options.seed = number(arg, value(arg)?)?,
                "--start-time" => parsed.options.start_time = SimTime(number(arg, value(arg)?)?),
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
        let run = parse_args(&args)
            .and_then(|args| Ok((read_script(args.script.as_deref())?, args.options)));
        let (script, options) = match run {
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
        let mut cluster = Cluster::new(options);
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
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}
