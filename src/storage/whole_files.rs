//! Flushes folded into whole files: the writes of a page being left.
//!
//! A browser tab that is being left gets one task, `pagehide`, to save what it has not saved. An
//! IndexedDB transaction survives the page only if every request of it is issued in that task and
//! it is committed there (the Page Lifecycle API's advice, w3c/IndexedDB#237): a transaction that
//! waits for a read — a chunk to merge, a renamed file's records — is aborted with the page. So
//! the changes not yet saved are folded here into changes that need nothing read: each file they
//! touch written whole ([`Change::Replace`]) or removed ([`Change::Delete`]).
//!
//! A file the changes create, replace or truncate from nothing is known from the changes alone
//! (the clean-shutdown markers are: the tab deletes them again right after queuing them). A file
//! they only append to or partly rewrite is taken from the tab's page cache (`current`), which
//! holds what the changes produce once the flushes that queued them have run.

use super::Change;
use std::collections::BTreeMap;

/// The folded form of several flushes: applied to the disk the flushes were made for, it leaves
/// the same files as applying them in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WholeFiles {
    /// The disk is emptied first (one of the flushes rewrote the workspace from scratch).
    pub clear_first: bool,
    /// Only [`Change::Replace`] and [`Change::Delete`], one per path, in path order.
    pub changes: Vec<Change>,
}

/// What the flushes so far leave at a path.
#[derive(Debug, Clone)]
enum Fate {
    /// No file.
    Gone,
    /// A file whose every byte the flushes wrote.
    Known(Vec<u8>),
    /// The disk's file, changed in places: its final bytes come from the page cache.
    Changed,
}

/// Folds `flushes` (each: whether it empties the disk first, and its changes in order) into
/// whole-file changes. `current` gives a file's bytes in the page cache; a file it does not have
/// although the flushes leave one there is left out (nothing can be written for it).
pub fn fold<'a>(
    flushes: impl IntoIterator<Item = (bool, &'a [Change])>,
    current: impl Fn(&str) -> Option<Vec<u8>>,
) -> WholeFiles {
    let mut clear_first = false;
    let mut fates: BTreeMap<String, Fate> = BTreeMap::new();
    for (clears, changes) in flushes {
        if clears {
            clear_first = true;
            fates.clear();
        }
        for change in changes {
            apply(&mut fates, change, clear_first);
        }
    }
    let changes = fates
        .into_iter()
        .filter_map(|(path, fate)| match fate {
            Fate::Gone => Some(Change::Delete { path }),
            Fate::Known(bytes) => Some(Change::Replace { path, bytes }),
            Fate::Changed => current(&path).map(|bytes| Change::Replace { path, bytes }),
        })
        .collect();
    WholeFiles {
        clear_first,
        changes,
    }
}

/// One change's effect on the fates, as [`MemoryDisk`](super::MemoryDisk) applies it. A path not
/// yet seen holds the disk's file: unknown, unless the disk was emptied first.
fn apply(fates: &mut BTreeMap<String, Fate>, change: &Change, cleared: bool) {
    let untouched = || if cleared { Fate::Gone } else { Fate::Changed };
    match change {
        Change::Create { path } => {
            fates.insert(path.clone(), Fate::Known(Vec::new()));
        }
        Change::Replace { path, bytes } => {
            fates.insert(path.clone(), Fate::Known(bytes.clone()));
        }
        Change::Delete { path } => {
            fates.insert(path.clone(), Fate::Gone);
        }
        Change::Rename { from, to } => {
            let moved = fates.remove(from).unwrap_or_else(untouched);
            fates.insert(from.clone(), Fate::Gone);
            fates.insert(to.clone(), moved);
        }
        Change::Write {
            path,
            position,
            bytes,
        } => {
            let fate = fates.entry(path.clone()).or_insert_with(untouched);
            if let Fate::Gone = fate {
                *fate = Fate::Known(Vec::new());
            }
            if let Fate::Known(file) = fate {
                let start = to_index(*position);
                let end = start.saturating_add(bytes.len());
                if end > file.len() {
                    file.resize(end, 0);
                }
                file[start..end].copy_from_slice(bytes);
            }
        }
        Change::Truncate { path, len } => {
            let fate = fates.entry(path.clone()).or_insert_with(untouched);
            if let Fate::Gone = fate {
                *fate = Fate::Known(Vec::new());
            }
            if let Fate::Known(file) = fate {
                file.resize(to_index(*len), 0);
            }
        }
    }
}

/// Positions come from a page cache whose files fit in memory ([`super::MAX_FILE_BYTES`]).
fn to_index(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::storage::{Disk, MemoryDisk};
    use proptest::prelude::*;

    /// The disk `flushes` leave, applied in order or folded (with `cache` as the page cache).
    fn both_ways(
        start: &MemoryDisk,
        flushes: &[(bool, Vec<Change>)],
        cache: &BTreeMap<String, Vec<u8>>,
    ) -> (MemoryDisk, MemoryDisk) {
        let mut in_order = start.clone();
        for (clears, changes) in flushes {
            if *clears {
                in_order = MemoryDisk::new();
            }
            in_order.apply(changes).expect("valid changes");
        }
        let folded = fold(flushes.iter().map(|(c, ch)| (*c, ch.as_slice())), |path| {
            cache.get(path).cloned()
        });
        assert!(folded
            .changes
            .iter()
            .all(|c| matches!(c, Change::Replace { .. } | Change::Delete { .. })));
        let mut whole = if folded.clear_first {
            MemoryDisk::new()
        } else {
            start.clone()
        };
        whole.apply(&folded.changes).expect("valid changes");
        (in_order, whole)
    }

    #[test]
    fn appends_come_from_the_cache_and_created_files_from_the_changes() {
        let mut disk = MemoryDisk::new();
        disk.apply(&[Change::write("p-0/0.log", 0, b"abc")])
            .expect("valid changes");
        let flushes = vec![
            (false, vec![Change::write("p-0/0.log", 3, b"def")]),
            (
                false,
                vec![
                    Change::Create {
                        path: ".kafka_cleanshutdown".into(),
                    },
                    Change::write("p-0/0.log", 6, b"g"),
                ],
            ),
        ];
        // The tab deleted the marker again after queuing it: the cache lacks it.
        let cache = BTreeMap::from([("p-0/0.log".to_string(), b"abcdefg".to_vec())]);
        let (in_order, whole) = both_ways(&disk, &flushes, &cache);
        assert_eq!(in_order.files(), whole.files());
        assert_eq!(whole.file(".kafka_cleanshutdown"), Some(&b""[..]));
    }

    #[test]
    fn a_deleted_topic_renamed_then_removed_is_gone_whole() {
        let mut disk = MemoryDisk::new();
        disk.apply(&[
            Change::write("t-0/0.log", 0, b"records"),
            Change::write("t-0/0.index", 0, b"ix"),
        ])
        .expect("valid changes");
        let flushes = vec![(
            false,
            vec![
                Change::Rename {
                    from: "t-0/0.log".into(),
                    to: "t-0.abc-delete/0.log".into(),
                },
                Change::Rename {
                    from: "t-0/0.index".into(),
                    to: "t-0.abc-delete/0.index".into(),
                },
            ],
        )];
        let cache = BTreeMap::from([
            ("t-0.abc-delete/0.log".to_string(), b"records".to_vec()),
            ("t-0.abc-delete/0.index".to_string(), b"ix".to_vec()),
        ]);
        let (in_order, whole) = both_ways(&disk, &flushes, &cache);
        assert_eq!(in_order.files(), whole.files());
        assert_eq!(whole.file("t-0/0.log"), None);
    }

    #[test]
    fn a_flush_that_rewrites_everything_empties_the_disk_first() {
        let mut disk = MemoryDisk::new();
        disk.apply(&[Change::write("old", 0, b"x")])
            .expect("valid changes");
        let flushes = vec![
            (false, vec![Change::write("old", 1, b"y")]),
            (
                true,
                vec![Change::Replace {
                    path: "new".into(),
                    bytes: b"n".to_vec(),
                }],
            ),
            (false, vec![Change::write("new", 1, b"m")]),
        ];
        let (in_order, whole) = both_ways(&disk, &flushes, &BTreeMap::new());
        assert_eq!(in_order.files(), whole.files());
        assert_eq!(whole.file("old"), None);
    }

    fn a_change() -> impl Strategy<Value = Change> {
        let path = prop::sample::select(vec!["a", "b", "d/c"]).prop_map(String::from);
        prop_oneof![
            path.clone().prop_map(|path| Change::Create { path }),
            (
                path.clone(),
                0u64..12,
                prop::collection::vec(any::<u8>(), 0..6)
            )
                .prop_map(|(path, position, bytes)| Change::Write {
                    path,
                    position,
                    bytes
                }),
            (path.clone(), 0u64..10).prop_map(|(path, len)| Change::Truncate { path, len }),
            (path.clone(), prop::collection::vec(any::<u8>(), 0..6))
                .prop_map(|(path, bytes)| Change::Replace { path, bytes }),
            (path.clone(), path.clone()).prop_map(|(from, to)| Change::Rename { from, to }),
            path.prop_map(|path| Change::Delete { path }),
        ]
    }

    proptest! {
        /// Any valid run of flushes, folded, leaves the disk the run leaves, when the page cache
        /// holds what the run produces.
        #[test]
        fn folding_leaves_the_same_disk(
            start in prop::collection::vec((0usize..3, prop::collection::vec(any::<u8>(), 0..8)), 0..3),
            flushes in prop::collection::vec(
                (prop::bool::weighted(0.1), prop::collection::vec(a_change(), 0..6)),
                1..4,
            ),
        ) {
            let mut disk = MemoryDisk::new();
            for (file, bytes) in start {
                let path = ["a", "b", "d/c"][file];
                disk.apply(&[Change::Replace { path: path.into(), bytes }]).expect("valid changes");
            }
            // Keep only changes the disk accepts (a rename needs its source), as a flush would.
            let mut probe = disk.clone();
            let mut valid = Vec::new();
            for (clears, changes) in flushes {
                if clears {
                    probe = MemoryDisk::new();
                }
                let kept: Vec<Change> =
                    changes.into_iter().filter(|c| probe.apply(std::slice::from_ref(c)).is_ok()).collect();
                valid.push((clears, kept));
            }
            let cache = probe.files().clone();
            let (in_order, whole) = both_ways(&disk, &valid, &cache);
            prop_assert_eq!(in_order.files(), whole.files());
        }
    }
}
