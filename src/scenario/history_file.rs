//! The timeline's branches and marks in the workspace (`playground-timeline.txt`, beside
//! `playground-scenario.kplay`), so a reload keeps every branch and what happened on it.
//!
//! One record per line, fields separated by single spaces, the last field free text with `\`
//! written `\\`, a newline `\n` and a carriage return `\r` (a step's script holds its
//! here-documents):
//!
//! ```text
//! # kplay timeline 1
//! live 2
//! branch 1 parent none end 3 1735689700000
//! step 0 kafka-topics.sh --create --topic orders
//! mark 0 1735689600000 command kafka-topics.sh --create --topic orders
//! branch 2 parent 1 2 1735689650000 end 2 1735689650000
//! ```
//!
//! The live branch's steps are written too, although the scenario file holds them: read back
//! from `.kplay` text, a scenario has one step per command, `time advance` lines included, while
//! the marks count the steps as they were recorded (`Recorder::adopt_steps` puts them back). The
//! file is untrusted like any saved file: anything it does not parse is refused as a whole
//! (`None`), and the timeline then starts over from the restored session.

use super::history::{Branch, History, Mark, MarkKind, Moment, MAX_MARKS};
use super::Step;
use std::collections::VecDeque;

/// The file in the workspace.
pub const WORKSPACE_FILE: &str = "playground-timeline.txt";

const HEADER: &str = "# kplay timeline 1";

/// The history as the file's text, with `live_steps` as the live branch's steps.
pub fn to_text(history: &History, live_steps: &[Step]) -> String {
    let mut text = format!("{HEADER}\nlive {}\n", history.live());
    for branch in history.branches() {
        let parent = match branch.parent {
            Some((id, at)) => format!("{id} {} {}", at.steps, at.at_ms),
            None => "none".to_string(),
        };
        text.push_str(&format!(
            "branch {} parent {parent} end {} {}\n",
            branch.id, branch.end.steps, branch.end.at_ms
        ));
        let steps = if branch.id == history.live() {
            live_steps
        } else {
            &branch.steps
        };
        for step in steps {
            text.push_str(&format!("step {} {}\n", step.wait_ms, escape(&step.script)));
        }
        for mark in &branch.marks {
            text.push_str(&format!(
                "mark {} {} {} {}\n",
                mark.moment.steps,
                mark.moment.at_ms,
                mark.kind.name(),
                escape(&mark.text)
            ));
        }
    }
    text
}

/// The history a file holds, or `None` when it is not one.
pub fn from_text(text: &str) -> Option<History> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let live: u32 = lines.next()?.strip_prefix("live ")?.parse().ok()?;
    let mut branches: Vec<Branch> = Vec::new();
    for line in lines {
        let (tag, rest) = line.split_once(' ')?;
        match tag {
            "branch" => branches.push(read_branch(rest)?),
            "step" => {
                let (wait, script) = rest.split_once(' ')?;
                branches.last_mut()?.steps.push(Step {
                    wait_ms: wait.parse().ok()?,
                    script: unescape(script)?,
                });
            }
            "mark" => {
                let mut fields = rest.splitn(4, ' ');
                let moment = moment(fields.next()?, fields.next()?)?;
                let kind = fields.next()?;
                let kind = MarkKind::ALL.into_iter().find(|k| k.name() == kind)?;
                let marks = &mut branches.last_mut()?.marks;
                if marks.len() == MAX_MARKS {
                    return None;
                }
                marks.push_back(Mark {
                    moment,
                    kind,
                    text: unescape(fields.next()?)?,
                });
            }
            _ => return None,
        }
    }
    let mut ids: Vec<u32> = branches.iter().map(|b| b.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != branches.len() || ids.len() > super::history::MAX_BRANCHES {
        return None;
    }
    History::from_parts(branches, live)
}

/// `ID parent (none|PID STEPS AT) end STEPS AT`
fn read_branch(rest: &str) -> Option<Branch> {
    let fields: Vec<&str> = rest.split(' ').collect();
    let (id, parent, end) = match fields.as_slice() {
        [id, "parent", "none", "end", steps, at] => (id, None, moment(steps, at)?),
        [id, "parent", pid, psteps, pat, "end", steps, at] => (
            id,
            Some((pid.parse().ok()?, moment(psteps, pat)?)),
            moment(steps, at)?,
        ),
        _ => return None,
    };
    Some(Branch {
        id: id.parse().ok()?,
        steps: Vec::new(),
        end,
        marks: VecDeque::new(),
        parent,
    })
}

fn moment(steps: &str, at_ms: &str) -> Option<Moment> {
    Some(Moment {
        steps: steps.parse().ok()?,
        at_ms: at_ms.parse().ok()?,
    })
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            _ => return None,
        }
    }
    Some(out)
}
