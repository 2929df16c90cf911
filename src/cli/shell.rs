//! Splitting a script into command lines, as a POSIX shell would.
//!
//! Words are split on blanks; `'…'` is literal, `"…"` keeps blanks and honours `\"`, `\\`, `\$` and
//! `` \` ``; a backslash outside quotes escapes the next character and a backslash at the end of a
//! line continues it; `#` at the start of a word begins a comment. A word `<<WORD`, `<<'WORD'` or
//! `<<-WORD` (also with a blank after `<<`) makes the following lines, up to one that is exactly
//! WORD, the command's standard input (`<<-` strips leading tabs). Nothing is expanded: `$x` stays
//! `$x`, so a script means the same here as in bash with no variables set. A single `&` ending a
//! command runs it in the background, as a shell job (`cli::jobs`); every other operator (`|`,
//! `;`, `&&`, redirections) is refused with a message.

use thiserror::Error;

/// One command of a script with its arguments and here-document input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// 1-based number of the script line the command starts on.
    pub line_number: u32,
    pub words: Vec<String>,
    /// The here-document's lines joined with '\n' (each line ends with '\n'), if any.
    pub input: Option<String>,
    /// The command ended in `&`: a shell job in the background.
    pub background: bool,
}

/// A script the shell could not split.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShellError {
    #[error("line {line}: unexpected end of file while looking for matching `{quote}'")]
    UnterminatedQuote { line: u32, quote: char },
    #[error("line {line}: here-document delimited by end-of-file (wanted `{delimiter}')")]
    UnterminatedHereDocument { line: u32, delimiter: String },
    #[error("line {line}: `{operator}' is not supported: the playground runs one command per line, without pipes, redirections or command lists")]
    UnsupportedOperator { line: u32, operator: String },
    #[error("line {line}: a here-document needs a delimiter word after `<<'")]
    MissingDelimiter { line: u32 },
}

struct HereDocument {
    delimiter: String,
    strip_tabs: bool,
}

/// Splits a whole script into commands. Blank and comment-only lines produce nothing.
pub fn parse_script(script: &str) -> Result<Vec<CommandLine>, ShellError> {
    let lines: Vec<&str> = script
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut commands = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        // Gather continuation lines (a line ending in an unquoted backslash, or inside quotes).
        let mut text = lines[index].to_string();
        index += 1;
        let (words, here_doc, background) = loop {
            match split_words(&text, line_number) {
                Ok(split) => break split,
                Err(Incomplete) if index < lines.len() => {
                    text.push('\n');
                    text.push_str(lines[index]);
                    index += 1;
                }
                Err(Incomplete) => return Err(incomplete_error(&text, line_number)),
            }
        }?;
        let input = match here_doc {
            Some(doc) => Some(read_here_document(&lines, &mut index, &doc, line_number)?),
            None => None,
        };
        if !words.is_empty() {
            commands.push(CommandLine {
                line_number,
                words,
                input,
                background,
            });
        }
    }
    Ok(commands)
}

/// Splits one command line (no here-document body) into words.
pub fn split_line(line: &str) -> Result<Vec<String>, ShellError> {
    match split_words(line, 1) {
        Ok(result) => result.map(|(words, _, _)| words),
        Err(Incomplete) => Err(incomplete_error(line, 1)),
    }
}

fn incomplete_error(text: &str, line: u32) -> ShellError {
    let quote = if open_quote(text) == Some('"') {
        '"'
    } else {
        '\''
    };
    ShellError::UnterminatedQuote { line, quote }
}

/// The quote left open at the end of `text`, if any (for the error message).
fn open_quote(text: &str) -> Option<char> {
    let mut open = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (open, c) {
            (None, '\\') | (Some('"'), '\\') => {
                chars.next();
            }
            (None, '\'') | (None, '"') => open = Some(c),
            (Some(q), c) if c == q => open = None,
            _ => {}
        }
    }
    open
}

/// The line ends inside quotes or with a continuation backslash: more input is needed.
struct Incomplete;

/// A line's words, its here-document and whether it ended in `&`.
type Split = Result<(Vec<String>, Option<HereDocument>, bool), ShellError>;

fn split_words(text: &str, line: u32) -> Result<Split, Incomplete> {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut here_doc_pending: Option<bool> = None; // Some(strip_tabs) after `<<`
    let mut here_doc = None;
    let mut background = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    if let Some(strip_tabs) = here_doc_pending.take() {
                        here_doc = Some(HereDocument {
                            delimiter: std::mem::take(&mut word),
                            strip_tabs,
                        });
                    } else {
                        words.push(std::mem::take(&mut word));
                    }
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => word.push(q),
                        None => return Err(Incomplete),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => word.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                            }
                            None => return Err(Incomplete),
                        },
                        Some(q) => word.push(q),
                        None => return Err(Incomplete),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(escaped) => {
                    in_word = true;
                    word.push(escaped);
                }
                None => return Err(Incomplete),
            },
            '<' if !in_word && chars.peek() == Some(&'<') => {
                chars.next();
                let strip_tabs = chars.peek() == Some(&'-');
                if strip_tabs {
                    chars.next();
                }
                here_doc_pending = Some(strip_tabs);
            }
            // `cmd &`: a lone `&` with nothing but blanks or a comment after it.
            '&' if chars.peek() != Some(&'&') && ends_command(chars.clone()) => {
                background = true;
                break;
            }
            '|' | '&' | ';' | '<' | '>' | '`' | '(' | ')' => {
                let mut operator = c.to_string();
                if let Some(&next) = chars.peek() {
                    if next == c {
                        operator.push(next);
                    }
                }
                return Ok(Err(ShellError::UnsupportedOperator { line, operator }));
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        if let Some(strip_tabs) = here_doc_pending.take() {
            here_doc = Some(HereDocument {
                delimiter: word,
                strip_tabs,
            });
        } else {
            words.push(word);
        }
    }
    if here_doc_pending.is_some() {
        return Ok(Err(ShellError::MissingDelimiter { line }));
    }
    if background && words.is_empty() {
        return Ok(Err(ShellError::UnsupportedOperator {
            line,
            operator: "&".to_string(),
        }));
    }
    Ok(Ok((words, here_doc, background)))
}

/// Only blanks, then perhaps a comment, up to the end of the line.
fn ends_command(rest: impl Iterator<Item = char>) -> bool {
    let mut rest = rest.skip_while(|c| *c == ' ' || *c == '\t');
    matches!(rest.next(), None | Some('#'))
}

fn read_here_document(
    lines: &[&str],
    index: &mut usize,
    doc: &HereDocument,
    line: u32,
) -> Result<String, ShellError> {
    let mut body = String::new();
    while *index < lines.len() {
        let raw = lines[*index];
        *index += 1;
        let text = if doc.strip_tabs {
            raw.trim_start_matches('\t')
        } else {
            raw
        };
        if text == doc.delimiter {
            return Ok(body);
        }
        body.push_str(text);
        body.push('\n');
    }
    Err(ShellError::UnterminatedHereDocument {
        line,
        delimiter: doc.delimiter.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_line(line).expect("splits")
    }

    #[test]
    fn quoting_as_sh() {
        assert_eq!(
            words("a  'b c' \"d \\\"e\\\"\" f\\ g"),
            ["a", "b c", "d \"e\"", "f g"]
        );
        assert_eq!(words("x '' \"\""), ["x", "", ""]);
        assert_eq!(words("echo $HOME # comment"), ["echo", "$HOME"]);
        assert_eq!(words("a#b"), ["a#b"]);
        assert_eq!(words("--config k=v,x=\"y z\""), ["--config", "k=v,x=y z"]);
    }

    #[test]
    fn here_documents() {
        let script =
            "cmd --x <<EOF\nk1:v1\n  spaced\nEOF\nnext 'q'\nother <<-'END'\n\tone\n\tEND\n";
        let commands = parse_script(script).expect("parses");
        assert_eq!(commands.len(), 3);
        assert_eq!(commands[0].words, ["cmd", "--x"]);
        assert_eq!(commands[0].input.as_deref(), Some("k1:v1\n  spaced\n"));
        assert_eq!(commands[1].line_number, 5);
        assert_eq!(commands[2].input.as_deref(), Some("one\n"));
    }

    #[test]
    fn background_jobs() {
        let commands = parse_script("consume --x &\nplain\nproduce <<EOF &  # a job\nr\nEOF\n")
            .expect("parses");
        assert_eq!(commands[0].words, ["consume", "--x"]);
        assert!(commands[0].background);
        assert!(!commands[1].background);
        assert!(commands[2].background);
        assert_eq!(commands[2].input.as_deref(), Some("r\n"));
        assert_eq!(words("a&"), ["a"]);
    }

    #[test]
    fn continuation_and_errors() {
        let commands = parse_script("a \\\n  b\n'multi\nline'\n").expect("parses");
        assert_eq!(commands[0].words, ["a", "b"]);
        assert_eq!(commands[1].words, ["multi\nline"]);
        assert!(matches!(
            parse_script("x 'open"),
            Err(ShellError::UnterminatedQuote { quote: '\'', .. })
        ));
        assert!(matches!(
            parse_script("x <<EOF\nno end"),
            Err(ShellError::UnterminatedHereDocument { .. })
        ));
        assert!(matches!(
            parse_script("a | b"),
            Err(ShellError::UnsupportedOperator { .. })
        ));
        for refused in ["a && b", "a & b", "&", "a;", "a > f"] {
            assert!(
                matches!(
                    parse_script(refused),
                    Err(ShellError::UnsupportedOperator { .. })
                ),
                "{refused}"
            );
        }
        assert!(matches!(
            parse_script("a <<"),
            Err(ShellError::MissingDelimiter { .. })
        ));
    }
}
