//! Interactive lessons (issue #12 item 2): a lesson is a markdown file in `www/lessons/<lang>/`
//! with front matter; each `## ` heading starts a step with prose, ```` ```sh ```` blocks the
//! learner can run (one script each, here-documents allowed; ```` ```sh fails ```` for one that
//! fails on purpose, to show Kafka's error) and a ```` ```check ```` block of predicates over the
//! cluster's state ([`check`]) that turns green when the step is done. A step whose point is that
//! nothing changes (a request refused, data that survives a crash) writes
//! ```` ```check unchanged ````: its checks hold before and after it, so it is done when reached.
//!
//! ~~~text
//! ---
//! id: topics
//! order: 1
//! title: Topics, partitions and offsets
//! summary: One line for the lesson list.
//! ---
//! Prose before the first step (the introduction).
//!
//! ## Create a topic
//! Prose…
//! ```sh
//! kafka-topics.sh --create --topic orders --partitions 3
//! ```
//! ```check
//! topic orders partitions = 3
//! ```
//! ~~~
//!
//! Pure (no web, no clock): parsed and checked natively in `tests/lessons.rs`, which also walks
//! every lesson's commands through the command language and sees each step's checks hold.

pub mod catalog;
pub mod check;
mod quorum;
pub mod state;

use check::Check;

/// A lesson, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    /// Its place in the list.
    pub order: u32,
    pub title: String,
    pub summary: String,
    /// Markdown before the first step.
    pub intro: String,
    pub steps: Vec<Step>,
}

/// One step: what to read, what to run, and what must then be true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    /// Prose and commands in the order written.
    pub parts: Vec<Part>,
    pub checks: Vec<Check>,
    /// Written ```` ```check unchanged ````: the checks hold before the step as after it.
    pub unchanged: bool,
}

/// A piece of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Markdown.
    Prose(String),
    /// An `sh` block: one script the learner runs with a click.
    Command(Command),
}

/// A script of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub script: String,
    /// Written `sh fails`: it shows an error on purpose (the walk-through expects it to fail).
    pub fails: bool,
}

impl Step {
    /// The step's scripts, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.parts.iter().filter_map(|p| match p {
            Part::Command(command) => Some(command),
            Part::Prose(_) => None,
        })
    }
}

/// Reads a lesson file; the error names the line and what is wrong.
pub fn parse(text: &str) -> Result<Lesson, String> {
    let rest = text
        .strip_prefix("---\n")
        .ok_or("a lesson starts with front matter: a line '---'")?;
    let (front, body) = rest
        .split_once("\n---\n")
        .ok_or("the front matter ends with a line '---'")?;
    let field = |name: &str| {
        front
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .ok_or(format!("the front matter has no '{name}:'"))
    };
    let order = field("order")?
        .parse()
        .map_err(|_| "'order:' is a number".to_string())?;
    let mut lesson = Lesson {
        id: field("id")?,
        order,
        title: field("title")?,
        summary: field("summary")?,
        intro: String::new(),
        steps: Vec::new(),
    };
    let mut lines = body.lines().enumerate();
    let mut prose = String::new();
    while let Some((number, line)) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            finish(&mut lesson, std::mem::take(&mut prose));
            lesson.steps.push(Step {
                title: title.trim().to_string(),
                parts: Vec::new(),
                checks: Vec::new(),
                unchanged: false,
            });
            continue;
        }
        let Some(kind) = line
            .strip_prefix("```")
            .filter(|k| matches!(k.trim(), "sh" | "sh fails" | "check" | "check unchanged"))
        else {
            prose.push_str(line);
            prose.push('\n');
            continue;
        };
        let block: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| *l != "```")
            .collect();
        let at = |why: String| format!("line {}: {why}", number + 1);
        if lesson.steps.is_empty() {
            return Err(at("a block before the first '## ' step".into()));
        }
        finish(&mut lesson, std::mem::take(&mut prose));
        let Some(step) = lesson.steps.last_mut() else {
            continue;
        };
        if !kind.trim().starts_with("check") {
            step.parts.push(Part::Command(Command {
                script: block.join("\n") + "\n",
                fails: kind.trim() == "sh fails",
            }));
        } else {
            step.unchanged |= kind.trim() == "check unchanged";
            for line in block.iter().filter(|l| !l.trim().is_empty()) {
                step.checks.push(Check::parse(line).map_err(at)?);
            }
        }
    }
    finish(&mut lesson, prose);
    if lesson.steps.is_empty() {
        return Err("a lesson has at least one '## ' step".into());
    }
    Ok(lesson)
}

/// Gives the prose read so far to the current step (or the introduction).
fn finish(lesson: &mut Lesson, prose: String) {
    let prose = prose.trim();
    if prose.is_empty() {
        return;
    }
    match lesson.steps.last_mut() {
        Some(step) => step.parts.push(Part::Prose(prose.to_string())),
        None => lesson.intro = prose.to_string(),
    }
}
