//! What typing in the terminal means, line by line: a [`Session`] is in one of three modes.
//!
//! - **Command**: a line is a command. Complete, it runs; a line that leaves a quote open, ends
//!   in a backslash or starts a here-document (`<<EOF`) needs more lines, as in a shell
//!   (`Continuation`).
//! - **Continuation**: each line is added (at the `> ` prompt) until the text is complete — the
//!   here-document's delimiter line, the closing quote — and then it runs.
//! - **Records**: `kafka-console-producer.sh --topic T` typed without a here-document reads its
//!   records from the terminal, one a line at `>` (Kafka's `LineMessageReader` prompt), until
//!   Ctrl-D ends the input. Then the producer runs with those lines as its input, exactly as
//!   with a here-document.
//!
//! Ctrl-C (`interrupt`) abandons a command or a continuation, as a shell does. In Records mode
//! it ends the producer as Kafka's does: each line was sent when it was typed and the
//! producer's shutdown hook (`ConsoleProducer`: `Exit.addShutdownHook(..., producer::close)`)
//! delivers them, so the lines typed so far are produced and the unfinished one is dropped.

use super::{echo_script, Prompt, TermLine};
use crate::cli::shell::{parse_script, CommandLine, ShellError};
use crate::cli::{options, tool_name, tool_options};

/// What the store is asked to do: show `echo`, then run `script` (if any) with `records` as the
/// input of its only command (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRequest {
    pub echo: Vec<TermLine>,
    pub script: Option<String>,
    pub records: Option<Vec<String>>,
}

impl CommandRequest {
    /// A script as if typed (echoed at the shell's prompts) and run.
    pub fn typed(script: &str) -> Self {
        CommandRequest {
            echo: echo_script(script),
            script: Some(script.to_string()),
            records: None,
        }
    }

    /// Only shows lines (an interrupted line, an empty one).
    pub fn echo(echo: Vec<TermLine>) -> Self {
        CommandRequest {
            echo,
            script: None,
            records: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Command,
    /// The text so far (lines joined with '\n') of a command that needs more lines.
    Continuation { text: String },
    /// A console producer reading records: its command line and the records typed so far.
    Records {
        command: String,
        records: Vec<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    mode: Mode,
}

impl Session {
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The prompt of the line being typed.
    pub fn prompt(&self) -> Prompt {
        match self.mode {
            Mode::Command => Prompt::Shell,
            Mode::Continuation { .. } => Prompt::Continuation,
            Mode::Records { .. } => Prompt::Record,
        }
    }

    /// Lines typed but not run yet, as the screen shows them above the input line.
    pub fn pending(&self) -> Vec<TermLine> {
        match &self.mode {
            Mode::Command => Vec::new(),
            Mode::Continuation { text } => echo_script(text),
            Mode::Records { command, records } => {
                let mut lines = echo_script(command);
                lines.extend(records.iter().map(|r| TermLine::typed(Prompt::Record, r)));
                lines
            }
        }
    }

    /// Enter: the typed line. Returns what to run or show, if anything is complete.
    pub fn enter(&mut self, line: &str) -> Option<CommandRequest> {
        match std::mem::take(&mut self.mode) {
            Mode::Command => self.submit(line.to_string()),
            Mode::Continuation { mut text } => {
                text.push('\n');
                text.push_str(line);
                self.submit(text)
            }
            Mode::Records {
                command,
                mut records,
            } => {
                records.push(line.to_string());
                self.mode = Mode::Records { command, records };
                None
            }
        }
    }

    /// Ctrl-D with `typed` on the input line: ends a console producer's input (a non-empty
    /// line counts as its last record, as a second Ctrl-D would send it), and ends an open
    /// here-document as end-of-file does in bash. Nothing otherwise.
    pub fn end_input(&mut self, typed: &str) -> Option<CommandRequest> {
        match std::mem::take(&mut self.mode) {
            Mode::Command => None,
            Mode::Records {
                command,
                mut records,
            } => {
                if !typed.is_empty() {
                    records.push(typed.to_string());
                }
                Some(run_with_records(&command, records, None))
            }
            Mode::Continuation { mut text } => {
                if !typed.is_empty() {
                    text.push('\n');
                    text.push_str(typed);
                }
                if let Err(ShellError::UnterminatedHereDocument { delimiter, .. }) =
                    parse_script(&text)
                {
                    text.push('\n');
                    text.push_str(&delimiter);
                }
                Some(CommandRequest::typed(&text))
            }
        }
    }

    /// Ctrl-C with `typed` on the input line (shown followed by `^C`).
    pub fn interrupt(&mut self, typed: &str) -> Option<CommandRequest> {
        let interrupted = |prompt| TermLine::typed(prompt, format!("{typed}^C"));
        match std::mem::take(&mut self.mode) {
            Mode::Command => Some(CommandRequest::echo(vec![interrupted(Prompt::Shell)])),
            Mode::Continuation { text } => {
                let mut echo = echo_script(&text);
                echo.push(interrupted(Prompt::Continuation));
                Some(CommandRequest::echo(echo))
            }
            Mode::Records { command, records } => Some(run_with_records(
                &command,
                records,
                Some(interrupted(Prompt::Record)),
            )),
        }
    }

    /// A complete text runs; an incomplete one waits for more lines; a console producer
    /// without input starts reading records.
    fn submit(&mut self, text: String) -> Option<CommandRequest> {
        match parse_script(&text) {
            Err(
                ShellError::UnterminatedQuote { .. } | ShellError::UnterminatedHereDocument { .. },
            ) => {
                self.mode = Mode::Continuation { text };
                None
            }
            Ok(commands) if matches!(commands.as_slice(), [only] if reads_typed_records(only)) => {
                self.mode = Mode::Records {
                    command: text,
                    records: Vec::new(),
                };
                None
            }
            _ => Some(CommandRequest::typed(&text)),
        }
    }
}

/// The producer's command and its records, echoed as typed (with `last`, an interrupted line).
fn run_with_records(command: &str, records: Vec<String>, last: Option<TermLine>) -> CommandRequest {
    let mut echo = echo_script(command);
    echo.extend(records.iter().map(|r| TermLine::typed(Prompt::Record, r)));
    echo.extend(last);
    CommandRequest {
        echo,
        script: Some(command.to_string()),
        records: Some(records),
    }
}

/// A console producer with no here-document whose command line is good enough to start reading
/// (its options parse and name a topic). One that is not runs at once and prints its error, as
/// the real tool exits before reading anything.
pub fn reads_typed_records(command: &CommandLine) -> bool {
    let Some((program, args)) = command.words.split_first() else {
        return false;
    };
    if command.input.is_some() || tool_name(program) != "kafka-console-producer" {
        return false;
    }
    match options::parse(args, &tool_options(program)) {
        Ok(opts) => opts.has("topic") && !opts.has("help") && !opts.has("version"),
        Err(_) => false,
    }
}
