//! Stable sorting that costs the page's wasm one sort in all.
//!
//! Every `sort_by` compiles a merge sort of its own for its element type, about 4 KB of wasm
//! each, and so does every `collect` into a `BTreeMap` or `BTreeSet` and every `<[T]>::sort`.
//! On wasm32 [`sort_by`] sorts indices with one shared comparator instead, then moves the items
//! into place with one shared loop, so each element type adds only two small closures;
//! natively it is the standard library's, so the CLI and the benchmarks run exactly as before.
//!
//! All sorting goes through here: what would be a collected `BTreeSet` is a Vec passed to
//! [`sorted_unique`], what would be a collected `BTreeMap` of lists is a Vec of pairs sorted
//! by key, read back with [`equal_range`], and a small map filled as it is read is a sorted
//! Vec of pairs behind [`sorted_entry`].

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `slice::sort_by` does.
///
/// ```
/// let mut names = vec!["b", "a", "c"];
/// svcroute::sort::sort_by(&mut names, |x, y| x.cmp(y));
/// assert_eq!(names, ["a", "b", "c"]);
/// ```
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        sort_through_indices(items, &compare);
    } else {
        items.sort_by(compare);
    }
}

/// Sorts `items` stably by `key`, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items` sorted and without repeats: what collecting them into a `BTreeSet` and back
/// would give.
///
/// ```
/// assert_eq!(svcroute::sort::sorted_unique(vec![3, 1, 3, 2]), [1, 2, 3]);
/// ```
pub fn sorted_unique<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    sort_by(&mut items, T::cmp);
    items.dedup();
    items
}

/// The run of pairs whose key is `key` in `pairs`, which are sorted by key: what
/// `BTreeMap<K, Vec<V>>::get` would give, built by a stable sort of `(key, value)` pairs
/// (so values keep the order they were pushed in) instead of a map.
pub fn equal_range<'p, K: Ord, V>(pairs: &'p [(K, V)], key: &K) -> &'p [(K, V)] {
    let start = pairs.partition_point(|(other, _)| other < key);
    let rest = pairs.get(start..).unwrap_or_default();
    let len = rest.partition_point(|(other, _)| other == key);
    rest.get(..len).unwrap_or_default()
}

/// The value under `key` among `pairs`, which are sorted by key, with `value()` inserted
/// first when the key is new: `BTreeMap::entry(key).or_insert_with(value)` with far less
/// code than a tree per key type. A new key shifts the pairs after it, so this is for maps
/// whose keys are few, or arrive mostly in order (an explanation's nodes come by name).
pub fn sorted_entry<K: Ord, V>(
    pairs: &mut Vec<(K, V)>,
    key: K,
    value: impl FnOnce() -> V,
) -> &mut V {
    let slot = match pairs.binary_search_by(|(other, _)| other.cmp(&key)) {
        Ok(slot) => slot,
        Err(slot) => {
            pairs.insert(slot, (key, value()));
            slot
        }
    };
    // In bounds: `slot` was found, or just filled.
    &mut pairs[slot].1
}

/// Sorts a permutation of indices, then moves the items into that order.
fn sort_through_indices<T>(items: &mut [T], compare: &dyn Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &|a, b| match (items.get(a), items.get(b)) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Ordering::Equal,
    });
    permute(&mut order, &mut |a, b| items.swap(a, b));
}

/// The one sort the page compiles: indices, compared through a trait object.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Marks a position of `order` whose item is in place.
const PLACED: usize = usize::MAX;

/// Puts the item at index `order[k]` at index `k`, for every `k`, by swaps along each cycle
/// of the permutation (at most one swap per item). `order` is used up as the marks.
#[inline(never)]
fn permute(order: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = std::mem::replace(slot, PLACED);
            if from == PLACED || from == start {
                break;
            }
            // `at` takes its item from `from`; the item it held (`start`'s, which belongs
            // where the cycle closes) moves on to `from`.
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_keeps_the_order_of_equal_items_on_both_targets() {
        let pods = vec![("b", 1), ("a", 2), ("b", 0), ("a", 1)];
        let by_name = [("a", 2), ("a", 1), ("b", 1), ("b", 0)];
        let mut std_sorted = pods.clone();
        sort_by(&mut std_sorted, |x, y| x.0.cmp(y.0));
        assert_eq!(std_sorted, by_name);
        let mut page_sorted = pods;
        sort_through_indices(&mut page_sorted, &|x, y| x.0.cmp(y.0));
        assert_eq!(page_sorted, by_name);
        sort_by_key(&mut page_sorted, |pod| pod.1);
        assert_eq!(page_sorted, [("b", 0), ("a", 1), ("b", 1), ("a", 2)]);
    }

    #[test]
    fn the_page_sort_agrees_with_std_on_every_permutation_of_five() {
        // Every order of five items, two of them equal, so that all cycle shapes occur.
        let items = [3, 1, 4, 1, 5];
        let mut order = [0usize, 1, 2, 3, 4];
        let mut count = 0;
        loop {
            let mut input: Vec<(i32, usize)> = order.iter().map(|&k| (items[k], k)).collect();
            let mut expected = input.clone();
            expected.sort_by_key(|item| item.0);
            sort_through_indices(&mut input, &|a, b| a.0.cmp(&b.0));
            assert_eq!(input, expected);
            count += 1;
            // Next permutation in lexicographic order.
            let Some(i) = (1..order.len()).rev().find(|&i| order[i - 1] < order[i]) else {
                break;
            };
            let j = (i..order.len()).rev().find(|&j| order[j] > order[i - 1]).unwrap_or(i);
            order.swap(i - 1, j);
            order[i..].reverse();
        }
        assert_eq!(count, 120);
    }

    #[test]
    fn sets_and_runs_as_the_maps_gave_them() {
        assert_eq!(sorted_unique(vec!["b", "a", "b"]), ["a", "b"]);
        let mut pairs = vec![("b", 1), ("a", 2), ("b", 0), ("c", 3)];
        sort_by(&mut pairs, |x, y| x.0.cmp(y.0));
        assert_eq!(equal_range(&pairs, &"b"), [("b", 1), ("b", 0)]);
        assert_eq!(equal_range(&pairs, &"a"), [("a", 2)]);
        assert!(equal_range(&pairs, &"z").is_empty());
        assert!(equal_range::<&str, i32>(&[], &"a").is_empty());
        let mut map = Vec::new();
        *sorted_entry(&mut map, "b", || 0) += 1;
        *sorted_entry(&mut map, "a", || 5) += 1;
        *sorted_entry(&mut map, "b", || 9) += 1;
        assert_eq!(map, [("a", 6), ("b", 2)]);
    }
}
