//! Sorting with one copy of the standard library's sort for the whole crate.
//!
//! Every `slice::sort_by` / `sort_by_key` / `sort` call with its own closure or element type
//! instantiates all of std's driftsort (quicksort, merges, small sorts, pivot selection: 1–18 KB
//! of wasm each); with groups the page carried ~480 such functions, 637 KB of its 3.70 MB of
//! code (docs/PERFORMANCE.md, "Consumer groups"). Here the order is computed once, on indices,
//! by one non-generic function that compares through a `&mut dyn FnMut`, and the slice is then
//! permuted in place: per call site only a small generic wrapper remains.
//!
//! The results are exactly std's: [`sort_by`] is a stable sort (std's stable sort on the
//! indices, comparing the elements they point at), so equal elements keep their order as with
//! `slice::sort_by`. [`sort`] is stable too, and it stands in for `sort_unstable` wherever equal
//! elements are indistinguishable (integers, strings, tuples of them), where any correct sort
//! gives the same slice. The price is one `Vec<usize>` and an indirect call per comparison.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` is a sort call site too: std's `FromIterator`
//! gathers the items into a `Vec`, stable-sorts it with a closure of its own (one more copy of
//! the sort per iterator type) and bulk-builds the tree. [`CollectBTree`] inserts the items one
//! by one instead, which gives the same map: keys in order and, of equal keys, the last value
//! (as `FromIterator` keeps; the keys used here are equal only when identical).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Like `slice::sort_by`: a stable sort by `compare`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_indices(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// Like `slice::sort_by_key`: a stable sort by the key (computed per comparison, as std does).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Like `slice::sort` (stable); for `sort_unstable` where equal elements are identical.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The positions `0..len` in stable sorted order: the one instantiation of std's sort.
#[inline(never)]
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Puts the element at `order[i]` into position `i`, for every `i`, by following each cycle of
/// the permutation with swaps: the element first at the cycle's start travels along it.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// `.collect_map()` / `.collect_set()`: `collect()` into a B-tree without instantiating a sort.
pub trait CollectBTree: Iterator + Sized {
    /// Like `collect::<BTreeMap<K, V>>()`.
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        map.extend(self);
        map
    }

    /// Like `collect::<BTreeSet<T>>()`.
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        set.extend(self);
        set
    }
}

impl<I: Iterator> CollectBTree for I {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_like_std() {
        // Pairs sorted by their first field only: equal keys must keep their input order.
        let input: Vec<(u8, usize)> = [3u8, 1, 2, 1, 3, 0, 2, 2, 1, 3, 0, 0]
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i))
            .collect();
        let mut ours = input.clone();
        sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
        let mut std_sorted = input.clone();
        std_sorted.sort_by_key(|a| a.0);
        assert_eq!(ours, std_sorted);

        let mut by_key = input.clone();
        sort_by_key(&mut by_key, |p| std::cmp::Reverse(p.0));
        let mut std_by_key = input;
        std_by_key.sort_by_key(|p| std::cmp::Reverse(p.0));
        assert_eq!(by_key, std_by_key);
    }

    #[test]
    fn every_permutation_of_small_slices() {
        // All orders of 0..6 (with a duplicate) sort like std, and non-Copy elements move intact.
        fn permutations(items: Vec<u8>) -> Vec<Vec<u8>> {
            if items.len() <= 1 {
                return vec![items];
            }
            let mut out = Vec::new();
            for i in 0..items.len() {
                let mut rest = items.clone();
                let first = rest.remove(i);
                for mut p in permutations(rest) {
                    p.insert(0, first);
                    out.push(p);
                }
            }
            out
        }
        for p in permutations(vec![4, 1, 3, 1, 0, 2]) {
            let mut ours: Vec<String> = p.iter().map(|n| format!("n{n}")).collect();
            let mut expected = ours.clone();
            sort(&mut ours);
            expected.sort();
            assert_eq!(ours, expected);
        }
        let mut empty: Vec<u8> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn collect_map_is_collect() {
        let pairs = [(3, "c"), (1, "a"), (3, "z"), (2, "b"), (1, "y")];
        let ours = pairs.iter().copied().collect_map();
        let std_map: BTreeMap<i32, &str> = pairs.iter().copied().collect();
        assert_eq!(ours, std_map);
        assert_eq!(ours[&3], "z");
        let set = pairs.iter().map(|p| p.0).collect_set();
        assert_eq!(set, pairs.iter().map(|p| p.0).collect::<BTreeSet<_>>());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn same_as_std_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
                let mut ours = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut expected = v;
                expected.sort_by_key(|a| a.0);
                prop_assert_eq!(ours, expected);
            }
        }
    }
}
