//! `.index` and `.timeindex` as Kafka's `OffsetIndexTest` and `TimeIndexTest` check them, case for
//! case where the playground's API has the operation, and the files' bytes against the layout
//! those classes write (`OffsetIndex.append`: relative offset int32, position int32;
//! `TimeIndex.maybeAppend`: timestamp int64, relative offset int32; both big-endian).

use kafka_playground::engine::java_random::{JavaRandom, RandomBits};
use kafka_playground::engine::log::index::{
    OffsetIndex, OffsetPosition, TimeIndex, TimestampOffset,
};

const BASE_OFFSET: i64 = 45;

/// `OffsetIndexTest.setup`: 30 entries of 8 bytes.
fn offset_index() -> OffsetIndex {
    OffsetIndex::new(BASE_OFFSET, 30 * 8)
}

fn at(offset: i64, position: i32) -> OffsetPosition {
    OffsetPosition { offset, position }
}

#[test]
fn lookup_extreme_cases() {
    let mut index = offset_index();
    assert_eq!(
        index.lookup(BASE_OFFSET),
        at(BASE_OFFSET, 0),
        "lookup on empty file"
    );
    for i in 0..30 {
        assert!(index.append(BASE_OFFSET + i + 1, i as i32).is_some());
    }
    assert_eq!(index.lookup(BASE_OFFSET), at(BASE_OFFSET, 0));
    assert_eq!(index.lookup(BASE_OFFSET + 30), at(BASE_OFFSET + 30, 29));
}

#[test]
fn random_lookup_test() {
    // OffsetIndexTest.randomLookupTest, with a seeded java.util.Random for its monotonic sequences.
    let mut random = JavaRandom::new(45);
    let mut monotonic = |base: i64| {
        let mut last = base;
        (0..30)
            .map(|_| {
                last += i64::from(random.next_int(15)) + 1;
                last
            })
            .collect::<Vec<i64>>()
    };
    let offsets = monotonic(BASE_OFFSET + 1);
    let positions = monotonic(0);
    let mut index = offset_index();
    assert_eq!(
        index.lookup(92),
        at(BASE_OFFSET, 0),
        "not present: position 0"
    );
    for (&offset, &position) in offsets.iter().zip(&positions) {
        assert!(index.append(offset, position as i32).is_some());
    }
    for (&offset, &position) in offsets.iter().zip(&positions) {
        assert_eq!(index.lookup(offset), at(offset, position as i32));
    }
    // Anything else finds the largest entry at or below it, as a sorted map's floorEntry does.
    for target in BASE_OFFSET..*offsets.last().expect("entries") {
        let floor = offsets
            .iter()
            .zip(&positions)
            .rev()
            .find(|(&o, _)| o <= target);
        let expected = floor.map_or(at(BASE_OFFSET, 0), |(&o, &p)| at(o, p as i32));
        assert_eq!(index.lookup(target), expected, "lookup({target})");
    }
}

#[test]
fn append_too_many_and_out_of_order() {
    let mut index = offset_index();
    for i in 0..30 {
        assert!(index.append(BASE_OFFSET + i + 1, i as i32).is_some());
    }
    assert!(index.is_full());
    assert_eq!(
        index.append(BASE_OFFSET + 31, 1),
        None,
        "append fails on a full index"
    );
    let mut index = offset_index();
    assert!(index.append(51, 0).is_some());
    assert_eq!(index.append(50, 1), None, "InvalidOffsetException in Kafka");
    assert_eq!(index.append(51, 1), None, "an offset must grow");
}

#[test]
fn test_entry_and_reopen_with_the_file_bytes() {
    let mut index = OffsetIndex::new(BASE_OFFSET, 30 * 8);
    let first = index.append(51, 0).expect("appended");
    let second = index.append(52, 1).expect("appended");
    assert_eq!(
        first,
        [0, 0, 0, 6, 0, 0, 0, 0],
        "relative offset 6, position 0"
    );
    assert_eq!(second, [0, 0, 0, 7, 0, 0, 0, 1]);
    let bytes = index.to_bytes();
    assert_eq!(bytes, [first, second].concat());
    // OffsetIndexTest.testReopen: the file read back finds the same entries.
    let reopened = OffsetIndex::from_bytes(BASE_OFFSET, 30 * 8, &bytes).expect("valid");
    assert_eq!(reopened.lookup(51), at(51, 0));
    assert_eq!(reopened.lookup(52), at(52, 1));
    assert_eq!(reopened.entries().len(), 2);
    // A torn entry is a corrupt index (AbstractIndex.sanityCheck: length % entrySize).
    assert!(OffsetIndex::from_bytes(BASE_OFFSET, 30 * 8, &bytes[..11]).is_err());
}

#[test]
fn sanity_last_offset_equal_to_base_offset() {
    let mut index = OffsetIndex::new(20, 10 * 8);
    assert!(index.append(20, 0).is_some());
    let bytes = index.to_bytes();
    assert_eq!(bytes, [0; 8]);
    assert!(OffsetIndex::from_bytes(20, 10 * 8, &bytes).is_ok());
}

/// `TimeIndexTest`: 30 entries of 12 bytes at base offset 45.
fn time_index_with(entries: i64) -> TimeIndex {
    let mut index = TimeIndex::new(BASE_OFFSET, 30 * 12);
    for i in 1..=entries {
        assert!(index
            .maybe_append(i * 10, i * 10 + BASE_OFFSET, false)
            .is_some());
    }
    index
}

fn ts(timestamp: i64, offset: i64) -> TimestampOffset {
    TimestampOffset { timestamp, offset }
}

#[test]
fn time_index_look_up() {
    assert_eq!(time_index_with(0).lookup(100), ts(-1, BASE_OFFSET));
    let index = time_index_with(29);
    assert_eq!(
        index.lookup(9),
        ts(-1, BASE_OFFSET),
        "before the earliest entry"
    );
    assert_eq!(index.lookup(25), ts(20, 65), "between two entries");
    assert_eq!(index.lookup(30), ts(30, 75), "on an entry");
}

#[test]
fn time_index_entry() {
    let index = time_index_with(29);
    let first: Vec<TimestampOffset> = index.entries()[..4].to_vec();
    assert_eq!(first, vec![ts(10, 55), ts(20, 65), ts(30, 75), ts(40, 85)]);
}

#[test]
fn time_index_is_full_one_entry_early() {
    // TimeIndex.isFull keeps the last slot for the entry written when the segment rolls.
    assert!(!time_index_with(0).is_full());
    assert!(time_index_with(29).is_full());
}

#[test]
fn time_index_append() {
    let mut index = time_index_with(29);
    assert_eq!(index.maybe_append(10_000, 1000, false), None, "full");
    assert_eq!(
        index.maybe_append(10_000, (30 - 2) * 10, true),
        None,
        "an offset below the last entry's"
    );
    assert!(
        index.maybe_append(10_000, 1000, true).is_some(),
        "the reserved slot"
    );
}

#[test]
fn time_index_last_entry_and_parse_entry() {
    let mut index = TimeIndex::new(BASE_OFFSET, 30 * 12);
    assert_eq!(
        index.last_entry(),
        None,
        "Kafka: (NO_TIMESTAMP, base offset)"
    );
    let bytes = index
        .maybe_append(1, 1 + BASE_OFFSET, false)
        .expect("appended");
    assert_eq!(index.last_entry(), Some(ts(1, BASE_OFFSET + 1)));
    assert_eq!(
        bytes,
        [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1],
        "timestamp 1, relative offset 1"
    );
    let parsed = TimeIndex::from_bytes(BASE_OFFSET, 30 * 12, &bytes).expect("valid");
    assert_eq!(parsed.entries(), &[ts(1, BASE_OFFSET + 1)]);
    // Only a timestamp larger than the last entry's is written.
    assert_eq!(index.maybe_append(1, BASE_OFFSET + 2, false), None);
    assert_eq!(
        TimeIndex::new(0, 120).maybe_append(-1, 0, false),
        None,
        "NO_TIMESTAMP"
    );
}
