//! `Cleaner.groupSegmentsBySize`: which segments are cleaned together into one new segment.
//!
//! Cleaning shrinks segments, so the cleaner merges neighbours: starting from the oldest, it adds
//! the next segment to the group while the group's `.log` bytes stay within `segment.bytes`, its
//! `.index` and `.timeindex` bytes each within `segment.index.bytes`, and the offsets of the next
//! segment stay within an `int` of the group's base offset (the index stores offsets relative to
//! it). An empty segment is always merged (Kafka's "avoid an empty log left every 2^31 messages").
//! The merged segment takes the base offset of the group's first segment.

use std::ops::Range;

/// What grouping needs to know about one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSizes {
    pub base_offset: i64,
    pub log_bytes: i64,
    pub index_bytes: i64,
    pub time_index_bytes: i64,
}

/// Groups `segments` (oldest first) as `groupSegmentsBySize`; each group is a range of indexes
/// into `segments`, in order, covering all of them.
pub fn group_segments_by_size(
    segments: &[SegmentSizes],
    max_size: i32,
    max_index_size: i32,
    first_uncleanable_offset: i64,
) -> Vec<Range<usize>> {
    let (max_size, max_index_size) = (i64::from(max_size), i64::from(max_index_size));
    let mut groups = Vec::new();
    let mut start = 0;
    while start < segments.len() {
        let first = segments[start];
        let (mut log_size, mut index_size, mut time_index_size) =
            (first.log_bytes, first.index_bytes, first.time_index_bytes);
        let mut end = start + 1;
        while let Some(next) = segments.get(end) {
            let fits = log_size + next.log_bytes <= max_size
                && index_size + next.index_bytes <= max_index_size
                && time_index_size + next.time_index_bytes <= max_index_size
                && (next.log_bytes == 0
                    || last_offset_for_first_segment(&segments[end..], first_uncleanable_offset)
                        - first.base_offset
                        <= i64::from(i32::MAX));
            if !fits {
                break;
            }
            log_size += next.log_bytes;
            index_size += next.index_bytes;
            time_index_size += next.time_index_bytes;
            end += 1;
        }
        groups.push(start..end);
        start = end;
    }
    groups
}

/// `Cleaner.lastOffsetForFirstSegment`: the worst-case last offset of `segments[0]`, from the
/// next segment's base offset, or the first uncleanable offset for the last one.
fn last_offset_for_first_segment(segments: &[SegmentSizes], first_uncleanable_offset: i64) -> i64 {
    match segments.get(1) {
        Some(next) => next.base_offset - 1,
        None => first_uncleanable_offset - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(base_offset: i64, log_bytes: i64) -> SegmentSizes {
        SegmentSizes {
            base_offset,
            log_bytes,
            index_bytes: 8,
            time_index_bytes: 12,
        }
    }

    /// LogCleanerTest.testSegmentGrouping: groups never pass the size limits and cover every
    /// segment in order.
    #[test]
    fn groups_stay_within_segment_bytes_and_index_bytes() {
        let segments: Vec<_> = (0..10).map(|i| segment(i * 10, 400)).collect();
        let groups = group_segments_by_size(&segments, 1_000, 1_000, 100);
        assert_eq!(groups, vec![0..2, 2..4, 4..6, 6..8, 8..10]);
        // Index room for only three time-index entries (36 bytes) per group.
        let groups = group_segments_by_size(&segments, 100_000, 36, 100);
        assert_eq!(groups, vec![0..3, 3..6, 6..9, 9..10]);
        // A segment larger than segment.bytes stays alone.
        let big = vec![segment(0, 5_000), segment(10, 10), segment(20, 10)];
        assert_eq!(
            group_segments_by_size(&big, 1_000, 1_000, 30),
            vec![0..1, 1..3]
        );
    }

    /// LogCleanerTest.testSegmentGroupingWithSparseOffsets: offsets more than an int apart are
    /// never merged, but an empty segment always is.
    #[test]
    fn offsets_must_fit_an_int_of_the_group_base() {
        let far = i64::from(i32::MAX);
        let segments = vec![segment(0, 10), segment(far, 10), segment(far + 5, 10)];
        let groups = group_segments_by_size(&segments, 1_000, 1_000, far + 10);
        assert_eq!(groups, vec![0..1, 1..3]);
        let with_empty = vec![segment(0, 10), segment(far + 5, 0)];
        assert_eq!(
            group_segments_by_size(&with_empty, 1_000, 1_000, far * 2),
            vec![0..2]
        );
    }
}
