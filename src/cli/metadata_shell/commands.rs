//! The commands `kafka-metadata-shell.sh` runs non-interactively (Kafka 4.1,
//! `shell/src/main/java/org/apache/kafka/shell/command/`): `Commands(false)` parses them with
//! argparse4j subparsers that leave out the shell-only commands (`cd`, `exit`, `help`,
//! `history`, `man`, `pwd`), so only `cat`, `find`, `ls` and `tree` run; anything else is
//! answered by `ErroneousCommandHandler`, which prints argparse4j's message on stdout.
//!
//! Paths are resolved by `GlobVisitor` against the working directory `/` (`CommandUtils.splitPath`,
//! `stripDotPathComponents`); `*` and `?` match within one path component (`GlobComponent`).

use super::tree::Node;

/// The commands `Commands(false)` declares, in `TreeMap` order.
const COMMANDS: [&str; 4] = ["cat", "find", "ls", "tree"];

/// `Commands.parseCommand` then `Handler.run`: the lines written to stdout.
pub fn run(root: &Node, args: &[String]) -> Vec<String> {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    while args.last() == Some(&"") {
        args.pop();
    }
    let Some((&name, rest)) = args.split_first() else {
        return Vec::new(); // NoOpCommandHandler
    };
    let command = match COMMANDS.iter().find(|c| **c == name) {
        Some(command) => *command,
        None => {
            let matches: Vec<&&str> = COMMANDS.iter().filter(|c| c.starts_with(name)).collect();
            return vec![match matches.as_slice() {
                [only] if !name.is_empty() => {
                    format!("invalid choice: '{name}': did you mean '{only}'?")
                }
                // argparse4j's `invalidChoiceError`, the commands quoted (`SubparsersImpl.parseArg`).
                _ => format!("invalid choice: '{name}' (choose from 'cat', 'find', 'ls', 'tree')"),
            }];
        }
    };
    if let Some(option) = rest.iter().find(|a| a.starts_with('-') && a.len() > 1) {
        return vec![format!("unrecognized arguments: '{option}'")];
    }
    let targets: Vec<&str> = rest.to_vec();
    let mut out = Vec::new();
    match command {
        "ls" => ls(root, &effective_paths(&targets), &mut out),
        "find" => {
            for path in effective_paths(&targets) {
                let found = visit(root, path);
                if found.is_empty() {
                    out.push(format!("find: {path}: no such file or directory."));
                }
                for (_, node) in found {
                    find(path, node, &mut out);
                }
            }
        }
        _ if targets.is_empty() => out.push("too few arguments".to_string()),
        "cat" => cat(root, &targets, &mut out),
        _ => tree(root, &targets, &mut out),
    }
    out
}

/// `CommandUtils.getEffectivePaths`: empty strings dropped, `.` when none is left.
fn effective_paths<'a>(paths: &[&'a str]) -> Vec<&'a str> {
    let paths: Vec<&str> = paths.iter().copied().filter(|p| !p.is_empty()).collect();
    if paths.is_empty() {
        vec!["."]
    } else {
        paths
    }
}

/// `GlobVisitor`: every node the glob names, with its path components.
fn visit<'n>(root: &'n Node, glob: &str) -> Vec<(Vec<String>, &'n Node)> {
    let mut components: Vec<&str> = Vec::new();
    for part in glob.split('/').filter(|p| !p.is_empty()) {
        match part {
            "." => {}
            ".." => {
                components.pop();
            }
            _ => components.push(part),
        }
    }
    let mut found = Vec::new();
    walk(root, &components, Vec::new(), &mut found);
    found
}

fn walk<'n>(
    node: &'n Node,
    components: &[&str],
    path: Vec<String>,
    found: &mut Vec<(Vec<String>, &'n Node)>,
) {
    let Some((first, rest)) = components.split_first() else {
        found.push((path, node));
        return;
    };
    let Node::Dir(children) = node else {
        return;
    };
    for (name, child) in children {
        if glob_matches(first, name) {
            let mut next = path.clone();
            next.push(name.clone());
            walk(child, rest, next, found);
        }
    }
}

/// `GlobComponent.matches` for `*` (any run) and `?` (one character); other text is literal.
fn glob_matches(glob: &str, name: &str) -> bool {
    let glob: Vec<char> = glob.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut g, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if g < glob.len() && (glob[g] == '?' || glob[g] == name[n]) {
            g += 1;
            n += 1;
        } else if g < glob.len() && glob[g] == '*' {
            star = Some((g, n));
            g += 1;
        } else if let Some((sg, sn)) = star {
            g = sg + 1;
            n = sn + 1;
            star = Some((sg, sn + 1));
        } else {
            return false;
        }
    }
    glob[g..].iter().all(|c| *c == '*')
}

fn last_component(path: &[String]) -> String {
    path.last().cloned().unwrap_or_else(|| "/".to_string())
}

/// `LsCommandHandler` without a terminal (`screenWidth` empty): one entry a line, files
/// first, then each directory's sorted children under a `name:` heading when there is more
/// than one thing to show.
fn ls(root: &Node, targets: &[&str], out: &mut Vec<String>) {
    let mut files = Vec::new();
    let mut dirs: Vec<(String, Vec<String>)> = Vec::new();
    for target in targets {
        let found = visit(root, target);
        if found.is_empty() {
            out.push(format!("ls: {target}: no such file or directory."));
        }
        for (path, node) in found {
            match node {
                Node::Dir(children) => {
                    dirs.push((last_component(&path), children.keys().cloned().collect()))
                }
                Node::Leaf(_) => files.push(last_component(&path)),
            }
        }
    }
    out.extend(files.iter().cloned());
    let need_intro = !files.is_empty() || dirs.len() > 1;
    let mut first_intro = files.is_empty();
    for (name, children) in dirs {
        if children.is_empty() {
            continue;
        }
        if need_intro {
            if !first_intro {
                out.push(String::new());
            }
            out.push(format!("{name}:"));
            first_intro = false;
        }
        out.extend(children);
    }
}

/// `CatCommandHandler`.
fn cat(root: &Node, targets: &[&str], out: &mut Vec<String>) {
    for target in targets {
        let found = visit(root, target);
        if found.is_empty() {
            out.push(format!("cat: {target}: No such file or directory."));
        }
        for (_, node) in found {
            match node {
                Node::Dir(_) => out.push(format!("cat: {target}: Is a directory")),
                Node::Leaf(text) => out.push(text.clone()),
            }
        }
    }
}

/// `TreeCommandHandler`: `MetadataNode.print` through a `ShellNodePrinter`.
fn tree(root: &Node, targets: &[&str], out: &mut Vec<String>) {
    for target in targets {
        let found = visit(root, target);
        if found.is_empty() {
            out.push(format!("tree: {target}: No such file or directory."));
        }
        for (_, node) in found {
            print(node, 0, out);
        }
    }
}

/// `MetadataNode.print` with `ShellNodePrinter`'s two spaces per level.
fn print(node: &Node, level: usize, out: &mut Vec<String>) {
    let indent = "  ".repeat(level);
    match node {
        Node::Leaf(text) => out.push(format!("{indent}{text}")),
        Node::Dir(children) => {
            for (name, child) in children {
                out.push(format!("{indent}{name}:"));
                print(child, level + 1, out);
            }
        }
    }
}

/// `FindCommandHandler.find`: the path as given, then every descendant.
fn find(path: &str, node: &Node, out: &mut Vec<String>) {
    out.push(path.to_string());
    if let Node::Dir(children) = node {
        for (name, child) in children {
            let next = if path == "/" {
                format!("/{name}")
            } else {
                format!("{path}/{name}")
            };
            find(&next, child, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_a_component() {
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches("by*", "byName"));
        assert!(glob_matches("?d", "id"));
        assert!(!glob_matches("by*", "name"));
        assert!(glob_matches("a*b*c", "aXbYc"));
        assert!(!glob_matches("a*b*c", "aXbY"));
    }
}
