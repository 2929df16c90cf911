//! The terminal's logic, kept apart from its component (`components/terminal.rs`) so it can be
//! tested without a page: the [`Transcript`] the store keeps, the typing [`session`] (a command,
//! a here-document's lines, a console producer's records), [`history`] and [`complete`].
//!
//! A command runs through the same entry `kplay` uses (`cli::run_command`, see [`run`]), so what
//! the terminal prints is byte for byte what `kplay` prints, line by line on the same streams.

pub mod complete;
pub mod history;
pub mod run;
pub mod session;

use crate::i18n::{Lang, Message};
use std::collections::VecDeque;

/// How many lines the transcript keeps; older lines are dropped (and counted).
pub const TRANSCRIPT_CAPACITY: usize = 2_000;

/// The prompt a typed line was typed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The shell's `$ `.
    Shell,
    /// The shell's `> ` (PS2) for a here-document's lines and continued lines.
    Continuation,
    /// `>`, which Kafka's `LineMessageReader` prints before reading each record from a console.
    Record,
}

impl Prompt {
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Shell => "$ ",
            Prompt::Continuation => "> ",
            Prompt::Record => ">",
        }
    }
}

/// What one transcript line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A line the person typed, at this prompt.
    Typed(Prompt),
    Stdout,
    Stderr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    pub kind: LineKind,
    /// The line as a tool printed it, or (for a [`TermLine::note`]) its English.
    pub text: String,
    /// A note in the page's own words (a rewind, an opened scenario), said in the page's
    /// language when shown; tool output has none and stays as the tool printed it.
    pub note: Option<Message>,
}

impl TermLine {
    pub fn typed(prompt: Prompt, text: impl Into<String>) -> Self {
        TermLine {
            kind: LineKind::Typed(prompt),
            text: text.into(),
            note: None,
        }
    }

    pub fn stdout(text: impl Into<String>) -> Self {
        TermLine {
            kind: LineKind::Stdout,
            text: text.into(),
            note: None,
        }
    }

    /// A note of the page's own on stdout: `text` is its English.
    pub fn note(message: Message) -> Self {
        TermLine {
            kind: LineKind::Stdout,
            text: message.to_string(),
            note: Some(message),
        }
    }

    /// The line as shown in `lang`.
    pub fn shown(&self, lang: Lang) -> String {
        self.note
            .as_ref()
            .map_or_else(|| self.text.clone(), |note| note.text(lang))
    }

    pub fn stderr(text: impl Into<String>) -> Self {
        TermLine {
            kind: LineKind::Stderr,
            text: text.into(),
            note: None,
        }
    }
}

impl From<(crate::cli::Stream, String)> for TermLine {
    fn from((stream, text): (crate::cli::Stream, String)) -> Self {
        match stream {
            crate::cli::Stream::Stdout => TermLine::stdout(text),
            crate::cli::Stream::Stderr => TermLine::stderr(text),
        }
    }
}

/// The terminal's scrollback: the last [`TRANSCRIPT_CAPACITY`] lines, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    lines: VecDeque<TermLine>,
    /// Lines dropped off the top since the last `clear`.
    dropped: u64,
    /// Bumped by every change, so a view can tell one transcript from the next cheaply.
    version: u64,
}

impl Transcript {
    pub fn push(&mut self, line: TermLine) {
        if self.lines.len() == TRANSCRIPT_CAPACITY {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(line);
        self.version += 1;
    }

    pub fn extend(&mut self, lines: impl IntoIterator<Item = TermLine>) {
        for line in lines {
            self.push(line);
        }
    }

    /// `clear`: an empty screen.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.dropped = 0;
        self.version += 1;
    }

    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &TermLine> + ExactSizeIterator {
        self.lines.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn version(&self) -> u64 {
        self.version
    }
}

/// The echo of a typed script: its first line at `$ `, the rest (here-document and continued
/// lines) at `> `, as a shell shows them.
pub fn echo_script(script: &str) -> Vec<TermLine> {
    script
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let prompt = if i == 0 {
                Prompt::Shell
            } else {
                Prompt::Continuation
            };
            TermLine::typed(prompt, line)
        })
        .collect()
}

/// The terminal's own commands, which never reach the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `clear`: empties the scrollback.
    Clear,
    /// `help`: lists the commands.
    Help,
}

impl Builtin {
    /// The builtin a script is, if it is exactly one (`clear`, `help`, blanks and a comment
    /// around them allowed).
    pub fn of(script: &str) -> Option<Builtin> {
        let commands = crate::cli::shell::parse_script(script).ok()?;
        match commands.as_slice() {
            [only] if only.input.is_none() => match only.words.as_slice() {
                [word] if word == "clear" => Some(Builtin::Clear),
                [word] if word == "help" => Some(Builtin::Help),
                _ => None,
            },
            _ => None,
        }
    }
}

/// What `help` prints (kept under 80 columns). The names and words are docs/CLI.md's.
pub const HELP: &str = "\
Kafka's tools, with their real flags and output (docs/CLI.md has them all):
  kafka-topics.sh              --create, --list, --describe, --alter, --delete
  kafka-console-producer.sh    --topic T: records, one a line; Ctrl-D ends them
  kafka-console-consumer.sh    --topic T [--from-beginning] [--group G]
  kafka-consumer-groups.sh     --list, --describe --group G, --reset-offsets
  kafka-configs.sh             --describe, --alter --add-config k=v
  kafka-get-offsets.sh         --topic T [--time latest|earliest|MS]
  kafka-dump-log.sh            --files PATH [--print-data-log]
  kafka-delete-records.sh      --offset-json-file /dev/stdin <<EOF
  kafka-log-dirs.sh            --describe: partition folders and sizes
  kafka-leader-election.sh     --election-type PREFERRED|UNCLEAN
Segment files: /tmp/kraft-combined-logs/broker-N/TOPIC-P/00000000000000000000.log
Playground verbs:
  time advance DURATION        500ms, 10s, 15m, 2h, 7d of simulated time
  broker stop|kill|start ID    a controlled shutdown, a crash, a restart
  network partition|heal|delay|drop ID ID ...
  producer start NAME --topic T [--rate N/s] [--keys PATTERN]
  producer stop NAME, producer list
  consumer start NAME --group G --topic T [--from-beginning]
  consumer stop NAME, consumer kill NAME, consumer list
This terminal:
  help, clear; Tab completes commands, options, topic and group names;
  Up/Down recall history; a line ending in <<EOF reads lines up to EOF;
  Ctrl-C interrupts. A console consumer stops once it has caught up
  (a playground departure: the real tool waits for more records);
  end its line with & to keep it consuming as a job while time runs:
  jobs lists the jobs, Ctrl-C at an empty prompt or kill -INT %N ends one.";
