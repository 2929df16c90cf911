//! Swapping a cleaned segment in for the segments it replaces, as `LocalLog.replaceSegments`.
//!
//! The order of renames is what makes a crash at any point recoverable (`LogLoader` finishes or
//! undoes the swap on the next start; see its `.swap`/`.cleaned` rules):
//!
//! 1. the cleaned files are written as `<base>.log.cleaned`, `.index.cleaned`, `.timeindex.cleaned`
//!    (`UnifiedLog.createNewCleanedSegment`) and synced ([`FileStore::sync`], `cleaned.flush()`),
//!    so the next flush writes them before any of the renames;
//! 2. they are renamed `.cleaned` → `.swap` (`changeFileSuffixes(CLEANED, SWAP)`);
//! 3. every replaced segment's files are renamed to `.deleted`, to be removed after
//!    `file.delete.delay.ms` (`deleteSegmentFiles` with `asyncDelete`);
//! 4. the `.swap` files are renamed to their final names.
//!
//! In memory the replaced segments leave the log and the cleaned one takes their place.

use crate::engine::log::segment::Segment;
use crate::engine::log::PartitionLog;
use crate::storage::FileStore;

/// `LogFileUtils.CLEANED_FILE_SUFFIX`.
pub const CLEANED_FILE_SUFFIX: &str = ".cleaned";
/// `LogFileUtils.SWAP_FILE_SUFFIX`.
pub const SWAP_FILE_SUFFIX: &str = ".swap";
/// `LogFileUtils.DELETED_FILE_SUFFIX`.
pub const DELETED_FILE_SUFFIX: &str = ".deleted";

pub(super) fn files_of(segment: &Segment) -> [String; 3] {
    [
        segment.log_path(),
        segment.index_path(),
        segment.time_index_path(),
    ]
}

impl PartitionLog {
    /// Puts `cleaned` (whose files are in `scratch` under their final names) in place of the
    /// sealed segments with base offsets `old_bases`; returns the files renamed to `.deleted`.
    pub(super) fn replace_segments(
        &mut self,
        store: &mut FileStore,
        scratch: &FileStore,
        cleaned: Segment,
        old_bases: &[i64],
    ) -> Vec<String> {
        let finals = files_of(&cleaned);
        for path in &finals {
            let temporary = format!("{path}{CLEANED_FILE_SUFFIX}");
            // A leftover from an earlier, interrupted clean is replaced.
            store.delete(&temporary);
            store.create(&temporary);
            store.append(&temporary, scratch.contents(path).unwrap_or_default());
            // `cleaned.flush()`: durable before the renames below reach the disk.
            store.sync(&temporary);
        }
        for path in finals.iter().rev() {
            store.rename(
                &format!("{path}{CLEANED_FILE_SUFFIX}"),
                &format!("{path}{SWAP_FILE_SUFFIX}"),
            );
        }
        let sealed = self.sealed_segments_mut();
        let position = sealed
            .iter()
            .position(|s| old_bases.contains(&s.base_offset))
            .unwrap_or(sealed.len());
        let mut deleted = Vec::new();
        let mut kept = Vec::with_capacity(sealed.len());
        for segment in sealed.drain(..) {
            if !old_bases.contains(&segment.base_offset) {
                kept.push(segment);
                continue;
            }
            for path in files_of(&segment) {
                let target = format!("{path}{DELETED_FILE_SUFFIX}");
                if store.rename(&path, &target) {
                    deleted.push(target);
                }
            }
        }
        kept.insert(position.min(kept.len()), cleaned);
        *sealed = kept;
        for path in &finals {
            store.rename(&format!("{path}{SWAP_FILE_SUFFIX}"), path);
        }
        deleted
    }
}
