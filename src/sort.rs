//! Stable sorting that costs the page's wasm one sort in all.
//!
//! Every `sort_by` compiles a merge sort of its own for its element type, about 4 KB of wasm
//! each (so does every `collect` into a `BTreeMap` or `BTreeSet`). On wasm32 `sort_by` sorts
//! indices with one shared comparator instead; natively it is the standard library's, so the
//! CLI and the benchmarks run exactly as before.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `slice::sort_by` does.
///
/// ```
/// let mut names = vec!["b", "a", "c"];
/// svcroute::sort::sort_by(&mut names, |x, y| x.cmp(y));
/// assert_eq!(names, ["a", "b", "c"]);
/// ```
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        sort_through_indices(items, &compare);
    } else {
        items.sort_by(compare);
    }
}

/// Sorts `items` stably by `key`, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts a permutation of indices, then moves the items into that order.
fn sort_through_indices<T>(items: &mut Vec<T>, compare: &dyn Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &|a, b| match (items.get(a), items.get(b)) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&idx| slots.get_mut(idx).and_then(Option::take)));
}

/// The one sort the page compiles: indices, compared through a trait object.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
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
}
