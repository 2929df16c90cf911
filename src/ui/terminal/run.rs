//! Running what the terminal asks ([`CommandRequest`]) on the store's cluster: the builtins
//! `clear` and `help`, and every other command through `cli::run_command`, the entry `kplay`
//! uses, so the lines and their streams are the ones `kplay` prints (a script `kplay` cannot
//! split prints its `kplay: syntax error: …`).

use super::session::CommandRequest;
use super::{Builtin, TermLine, Transcript, HELP};
use crate::cli::run_command;
use crate::cli::shell::parse_script;
use crate::engine::Cluster;
use std::rc::Rc;

/// Shows the request's echo, then runs it. True when the cluster ran a command (the caller
/// drains its events and saves it); builtins and blank lines leave the cluster alone, so it is
/// not copied for them.
pub fn run_request(
    cluster: &mut Rc<Cluster>,
    transcript: &mut Transcript,
    request: CommandRequest,
) -> bool {
    transcript.extend(request.echo);
    let Some(script) = request.script else {
        return false;
    };
    if request.records.is_none() {
        match Builtin::of(&script) {
            Some(Builtin::Clear) => {
                transcript.clear();
                return false;
            }
            Some(Builtin::Help) => {
                transcript.extend(HELP.lines().map(TermLine::stdout));
                return false;
            }
            None => {}
        }
    }
    let mut commands = match parse_script(&script) {
        Ok(commands) => commands,
        Err(error) => {
            transcript.push(TermLine::stderr(format!("kplay: syntax error: {error}")));
            return false;
        }
    };
    if commands.is_empty() {
        return false;
    }
    if let (Some(records), [only]) = (request.records, commands.as_mut_slice()) {
        // The lines typed at the producer's `>` prompt, as a here-document would give them.
        only.input = Some(records.iter().map(|r| format!("{r}\n")).collect());
    }
    let cluster = Rc::make_mut(cluster);
    for command in &commands {
        let output = run_command(cluster, command);
        transcript.extend(output.lines.into_iter().map(TermLine::from));
    }
    true
}
