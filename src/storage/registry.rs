//! Workspaces by name: which names are allowed, which workspaces exist, what a copy is called
//! and which one opens after the open one is deleted. Pure logic (no web dependency) for the
//! page's workspace switcher (`ui::workspaces`), which keeps each workspace in its own IndexedDB
//! database `kafka-playground/<name>` and lists them from `indexedDB.databases()` plus a small
//! registry in `localStorage` (for browsers without that call).

use crate::i18n::Message;

/// The longest workspace name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The most brokers a new workspace may have (a page shows each broker as a card).
pub const MAX_BROKERS: i32 = 9;

/// What the page's workspaces are called in IndexedDB: `kafka-playground/<name>`.
pub const DATABASE_PREFIX: &str = "kafka-playground/";

/// Checks a workspace name: not empty, at most [`MAX_NAME_CHARS`] characters, no `/` (it would
/// read as part of the database path) and no control characters; surrounding spaces are not
/// part of a name. The message says what to change (in the language of the page that shows it).
pub fn validate_name(name: &str) -> Result<(), Message> {
    if name.trim().is_empty() {
        return Err(Message::new("A workspace name must not be empty.", &[]));
    }
    if name.trim() != name {
        return Err(Message::new(
            "A workspace name must not start or end with a space.",
            &[],
        ));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(Message::new(
            "A workspace name is at most {} characters; '{}' has {}.",
            &[&MAX_NAME_CHARS, &name, &chars],
        ));
    }
    if name.contains('/') {
        return Err(Message::new(
            "A workspace name must not contain '/': '{}'.",
            &[&name],
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Message::new(
            "A workspace name must not contain control characters.",
            &[],
        ));
    }
    Ok(())
}

/// Checks a name for a new workspace (created, imported, a copy or a rename's target).
pub fn validate_new_name(name: &str, existing: &[String]) -> Result<(), Message> {
    validate_name(name)?;
    if existing.iter().any(|e| e == name) {
        return Err(Message::new(
            "A workspace named '{}' already exists.",
            &[&name],
        ));
    }
    Ok(())
}

/// The workspace names among IndexedDB database names.
pub fn names_from_databases<'a>(databases: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    databases
        .into_iter()
        .filter_map(|db| db.strip_prefix(DATABASE_PREFIX))
        .filter(|name| validate_name(name).is_ok())
        .map(str::to_string)
        .collect()
}

/// Every known workspace, sorted, each once: the registry's, the databases', and the open one.
pub fn merge(registry: &[String], databases: &[String], open: &str) -> Vec<String> {
    let mut all: Vec<String> = registry
        .iter()
        .chain(databases)
        .chain(std::iter::once(&open.to_string()))
        .filter(|name| validate_name(name).is_ok())
        .cloned()
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The name a duplicate of `name` gets: `<name> copy`, then `<name> copy 2`, … (cut to fit).
pub fn copy_name(name: &str, existing: &[String]) -> String {
    (1..)
        .map(|n| {
            let suffix = if n == 1 {
                " copy".to_string()
            } else {
                format!(" copy {n}")
            };
            let keep = MAX_NAME_CHARS - suffix.chars().count();
            let base: String = name.chars().take(keep).collect();
            format!("{}{suffix}", base.trim_end())
        })
        .find(|candidate| !existing.contains(candidate))
        .unwrap_or_else(|| name.to_string())
}

/// The workspace to open once `deleted` is gone: the next one in the list, else the previous,
/// else `fallback` (a fresh default workspace).
pub fn after_delete(workspaces: &[String], deleted: &str, fallback: &str) -> String {
    let position = workspaces.iter().position(|w| w == deleted);
    let rest: Vec<&String> = workspaces.iter().filter(|w| *w != deleted).collect();
    match position {
        Some(i) if i < rest.len() => rest[i].clone(),
        _ => rest
            .last()
            .map_or_else(|| fallback.to_string(), |w| (*w).clone()),
    }
}

/// Bytes used per broker (`broker-N/…`) and by the files outside them, from file lengths.
pub fn usage_by_broker<'a>(
    lengths: impl IntoIterator<Item = (&'a str, u64)>,
) -> std::collections::BTreeMap<Option<i32>, u64> {
    let mut usage = std::collections::BTreeMap::new();
    for (path, len) in lengths {
        let broker = path
            .split_once('/')
            .and_then(|(dir, _)| dir.strip_prefix("broker-"))
            .and_then(|id| id.parse::<i32>().ok());
        *usage.entry(broker).or_insert(0) += len;
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_are_validated_with_a_reason() {
        assert_eq!(validate_name("orders lab"), Ok(()));
        assert_eq!(validate_name(&"é".repeat(64)), Ok(()));
        let refusal = |name: &str| validate_name(name).unwrap_err().to_string();
        assert!(refusal("").contains("empty"));
        assert!(refusal("  ").contains("empty"));
        assert!(refusal(" a").contains("space"));
        assert!(refusal(&"a".repeat(65)).contains("at most 64"));
        assert!(refusal("a/b").contains("'/'"));
        assert!(refusal("a\nb").contains("control"));
        assert!(validate_new_name("a", &names(&["a"]))
            .unwrap_err()
            .to_string()
            .contains("already exists"));
        // Said in the page's language where it is shown.
        let taken = validate_new_name("a", &names(&["a"])).unwrap_err();
        assert_eq!(
            taken.text(Lang::En),
            "A workspace named 'a' already exists."
        );
        assert_eq!(
            taken.text(Lang::Ko),
            "'a'이라는 워크스페이스가 이미 있습니다."
        );
        assert_eq!(
            validate_name("a/b").unwrap_err().text(Lang::Ko),
            "워크스페이스 이름에는 '/'를 쓸 수 없습니다: 'a/b'."
        );
    }

    #[test]
    fn workspaces_are_listed_from_databases_registry_and_the_open_one() {
        let dbs = names_from_databases([
            "kafka-playground/a",
            "other",
            "kafka-playground/",
            "kafka-playground/c",
        ]);
        assert_eq!(dbs, names(&["a", "c"]));
        assert_eq!(
            merge(&names(&["b", "a"]), &dbs, "default"),
            names(&["a", "b", "c", "default"])
        );
    }

    #[test]
    fn copies_get_free_names_that_fit() {
        let existing = names(&["lab", "lab copy"]);
        assert_eq!(copy_name("lab", &existing), "lab copy 2");
        assert_eq!(copy_name("x", &existing), "x copy");
        let long = "l".repeat(64);
        let copy = copy_name(&long, &[]);
        assert_eq!(copy.chars().count(), 64);
        assert_eq!(validate_name(&copy), Ok(()));
    }

    #[test]
    fn deleting_the_open_workspace_opens_a_neighbour() {
        let list = names(&["a", "b", "c"]);
        assert_eq!(after_delete(&list, "b", "default"), "c");
        assert_eq!(after_delete(&list, "c", "default"), "b");
        assert_eq!(after_delete(&names(&["a"]), "a", "default"), "default");
    }

    #[test]
    fn usage_is_summed_per_broker() {
        let usage = usage_by_broker([
            ("broker-1/t-0/0.log", 10),
            ("broker-1/meta.properties", 5),
            ("broker-2/x", 7),
            ("playground-metadata.properties", 3),
        ]);
        assert_eq!(usage.get(&Some(1)), Some(&15));
        assert_eq!(usage.get(&Some(2)), Some(&7));
        assert_eq!(usage.get(&None), Some(&3));
    }
}
