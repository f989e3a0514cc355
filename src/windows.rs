//! The time arithmetic of linking: the window a block's invocation must
//! arrive in, and the time ranges of each function's log group worth
//! reading (merged windows around the blocks in focus), so pass 2 keeps
//! memory proportional to the failures.

use crate::model::conventions::{CLOCK_SLACK_MS, INIT_LIMIT_MS};
use crate::model::{FlowEntry, LambdaBlock, Millis};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The window a block's invocation must arrive in: `[T − L − 2 s, T + L + 2 s]`.
/// Connect's `Timestamp` may mark the block's start or its completion (the
/// reference, §0b.1); this covers both readings.
pub fn link_window(timestamp: Millis, limit_ms: u32) -> (Millis, Millis) {
    let limit = Millis::from(limit_ms);
    (
        timestamp - limit - CLOCK_SLACK_MS,
        timestamp + limit + CLOCK_SLACK_MS,
    )
}

/// `link_window` of a Lambda block.
pub fn block_window(block: &FlowEntry, lambda: &LambdaBlock) -> (Millis, Millis) {
    link_window(block.timestamp, lambda.limit_ms())
}

/// Extra time before a block's link window: INIT lines and clock skew.
const BEFORE_MS: Millis = 1_000;

/// After the last possible arrival, an invocation's own lines run on for up
/// to the block's limit (Connect stops watching then).
const AFTER_MS: Millis = 1_000;

/// How long after a window an invocation's END/REPORT is still fetched, so
/// one that outlived Connect still shows how it ended. Covers asynchronous
/// blocks (60 s) and common function timeouts.
pub const TAIL_MS: Millis = 60_000;

/// The tail a function needs when its configured timeout is known (live
/// scans ask the Lambda API): an invocation that started inside a window
/// ends at most an init plus its timeout later, so a 3 s function needs
/// 15 s, not 60. Every second of tail is a second of the group scanned,
/// and billed, per window. Unknown timeout: `TAIL_MS`.
pub fn tail_for(timeout_s: Option<i32>) -> Millis {
    let init = INIT_LIMIT_MS as Millis;
    match timeout_s {
        Some(s) if s > 0 => (Millis::from(s) * 1000 + init + CLOCK_SLACK_MS).min(TAIL_MS),
        _ => TAIL_MS,
    }
}

/// The time range (epoch ms, inclusive) holding every Lambda block that can
/// compete with `block` for an invocation — every block whose link window
/// touches `Windows::around(block)` — when no block's limit exceeds
/// `neighbour_limit_ms`. Widened by the clock slack once more: a live
/// source selects by the event's own time, which may differ from the
/// entry's `Timestamp`. What a staged source's stage 2 reads.
pub fn neighbourhood(
    block: &FlowEntry,
    lambda: &LambdaBlock,
    neighbour_limit_ms: u32,
) -> (Millis, Millis) {
    let own = Millis::from(lambda.limit_ms());
    let other = Millis::from(neighbour_limit_ms);
    // `around` reaches [T − L − slack − BEFORE, T + 2L + slack + AFTER]; a
    // neighbour at t reaches [t − L' − slack, t + L' + slack].
    let reach_before = own + CLOCK_SLACK_MS + BEFORE_MS + other + CLOCK_SLACK_MS;
    let reach_after = 2 * own + CLOCK_SLACK_MS + AFTER_MS + other + CLOCK_SLACK_MS;
    (
        block.timestamp - reach_before - CLOCK_SLACK_MS,
        block.timestamp + reach_after + CLOCK_SLACK_MS,
    )
}

/// Merged, sorted ranges per function.
#[derive(Debug, Default)]
pub struct Windows {
    by_function: HashMap<String, Vec<(Millis, Millis)>>,
    /// The qualifiers (alias, version, or none) the blocks invoked each
    /// function with: the configuration a live source asks for.
    qualifiers: HashMap<String, BTreeSet<Option<String>>>,
}

impl Windows {
    /// The windows around `blocks` (Lambda blocks; others are ignored).
    pub fn around(blocks: &[&FlowEntry]) -> Self {
        let mut windows = Windows::default();
        for block in blocks {
            let Some(lambda) = &block.lambda else {
                continue;
            };
            let (lo, hi) = block_window(block, lambda);
            let range = (
                lo - BEFORE_MS,
                hi + Millis::from(lambda.limit_ms()) + AFTER_MS,
            );
            let function = &lambda.function_name;
            if !windows.by_function.contains_key(function) {
                windows.by_function.insert(function.clone(), Vec::new());
                windows.qualifiers.insert(function.clone(), BTreeSet::new());
            }
            if let Some(ranges) = windows.by_function.get_mut(function) {
                ranges.push(range);
            }
            if let Some(used) = windows.qualifiers.get_mut(function) {
                used.insert(lambda.qualifier.clone());
            }
        }
        for ranges in windows.by_function.values_mut() {
            *ranges = merge(std::mem::take(ranges));
        }
        windows
    }

    /// The qualifier the blocks invoked `function` with, when they all used
    /// the same one (`None` as well when they used none).
    pub fn qualifier(&self, function: &str) -> Option<&str> {
        match self.qualifiers.get(function) {
            Some(used) if used.len() == 1 => used.iter().next().and_then(|q| q.as_deref()),
            _ => None,
        }
    }

    /// The functions whose logs are needed, sorted.
    pub fn functions(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_function.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The merged, sorted ranges of `function` (epoch ms, inclusive): what
    /// a live source queries, never the whole period.
    pub fn ranges(&self, function: &str) -> &[(Millis, Millis)] {
        self.by_function.get(function).map_or(&[], Vec::as_slice)
    }

    /// No window at all: nothing to read in pass 2.
    pub fn is_empty(&self) -> bool {
        self.by_function.is_empty()
    }

    pub fn wants_function(&self, function: &str) -> bool {
        self.by_function.contains_key(function)
    }

    /// Whether an event of `function` at `t` is inside a window.
    pub fn contains(&self, function: &str, t: Millis) -> bool {
        self.range_at(function, t, 0).is_some()
    }

    /// Whether any window of `function` overlaps `[lo, hi]`.
    pub fn overlaps(&self, function: &str, lo: Millis, hi: Millis) -> bool {
        let Some(ranges) = self.by_function.get(function) else {
            return false;
        };
        let i = ranges.partition_point(|&(_, end)| end < lo);
        ranges.get(i).is_some_and(|&(start, _)| start <= hi)
    }

    /// Whether `t` is in the tail after a window (END/REPORT only).
    pub fn in_tail(&self, function: &str, t: Millis) -> bool {
        self.range_at(function, t, TAIL_MS).is_some()
    }

    /// Whether a block's own link window overlaps a window of its function:
    /// such a block competes for the same invocations.
    pub fn touches(&self, block: &FlowEntry) -> bool {
        let Some(lambda) = &block.lambda else {
            return false;
        };
        let Some(ranges) = self.by_function.get(&lambda.function_name) else {
            return false;
        };
        let (lo, hi) = block_window(block, lambda);
        let i = ranges.partition_point(|&(_, end)| end < lo);
        ranges.get(i).is_some_and(|&(start, _)| start <= hi)
    }

    /// Binary search for the range holding `t`, with `extra` ms after it.
    fn range_at(&self, function: &str, t: Millis, extra: Millis) -> Option<(Millis, Millis)> {
        let ranges = self.by_function.get(function)?;
        let i = ranges.partition_point(|&(_, end)| end + extra < t);
        ranges.get(i).copied().filter(|&(start, _)| start <= t)
    }
}

/// Sort and merge overlapping ranges.
/// Per function, the merged time ranges (epoch ms, inclusive) whose Lambda
/// blocks a staged source reads in stage 2: only blocks of the same
/// function compete for an invocation (`Windows::touches`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbourhoods {
    by_function: BTreeMap<String, Vec<(Millis, Millis)>>,
}

impl Neighbourhoods {
    /// The neighbourhoods of `blocks` (Lambda blocks; others are ignored)
    /// when no block's limit exceeds `assumed_limit_ms`.
    pub fn around(blocks: &[&FlowEntry], assumed_limit_ms: u32) -> Self {
        let mut by_function: BTreeMap<String, Vec<(Millis, Millis)>> = BTreeMap::new();
        for block in blocks {
            if let Some(lambda) = &block.lambda {
                by_function
                    .entry(lambda.function_name.clone())
                    .or_default()
                    .push(neighbourhood(block, lambda, assumed_limit_ms));
            }
        }
        for ranges in by_function.values_mut() {
            *ranges = merge(std::mem::take(ranges));
        }
        Neighbourhoods { by_function }
    }

    /// What of these lies outside `taken`.
    pub fn without(&self, taken: &Neighbourhoods) -> Neighbourhoods {
        let by_function = self
            .by_function
            .iter()
            .map(|(f, ranges)| (f.clone(), subtract(ranges, taken.ranges(f))))
            .filter(|(_, ranges)| !ranges.is_empty())
            .collect();
        Neighbourhoods { by_function }
    }

    /// These and `other`, merged.
    pub fn add(&mut self, other: &Neighbourhoods) {
        for (function, ranges) in &other.by_function {
            let mine = self.by_function.entry(function.clone()).or_default();
            mine.extend_from_slice(ranges);
            *mine = merge(std::mem::take(mine));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_function.is_empty()
    }

    /// The merged ranges of `function`.
    pub fn ranges(&self, function: &str) -> &[(Millis, Millis)] {
        self.by_function.get(function).map_or(&[], Vec::as_slice)
    }

    /// Each function with its ranges, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[(Millis, Millis)])> {
        self.by_function
            .iter()
            .map(|(f, ranges)| (f.as_str(), ranges.as_slice()))
    }

    /// Whether a block of `function` at `t` is inside.
    pub fn contains(&self, function: &str, t: Millis) -> bool {
        self.ranges(function)
            .iter()
            .any(|&(lo, hi)| lo <= t && t <= hi)
    }
}

/// What of `ranges` (merged, sorted) lies outside `taken` (merged,
/// sorted): the parts still to read.
pub fn subtract(ranges: &[(Millis, Millis)], taken: &[(Millis, Millis)]) -> Vec<(Millis, Millis)> {
    let mut out = Vec::new();
    for &(lo, hi) in ranges {
        let mut from = lo;
        for &(t_lo, t_hi) in taken.iter().filter(|&&(a, b)| b >= lo && a <= hi) {
            if t_lo > from {
                out.push((from, t_lo - 1));
            }
            from = from.max(t_hi + 1);
        }
        if from <= hi {
            out.push((from, hi));
        }
    }
    out
}

/// `ranges` sorted and merged where they overlap.
pub fn merge(mut ranges: Vec<(Millis, Millis)>) -> Vec<(Millis, Millis)> {
    ranges.sort_unstable();
    let mut out: Vec<(Millis, Millis)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    /// Every block that `touches` the windows around a failure, whatever
    /// its time and limit (up to the one assumed), is inside the failure's
    /// neighbourhood, even read by an event time 2 s off its Timestamp;
    /// and the neighbourhood is not much wider than that.
    #[test]
    fn the_neighbourhood_holds_every_block_that_can_compete() {
        for own in [1_000u32, 3_000, 8_000, 60_000] {
            for other in [1_000u32, 3_000, 8_000, 60_000] {
                let failed = lambda_block("f", T0, "crm", own, GENERIC);
                let lambda = failed.lambda.clone().unwrap();
                let around = Windows::around(&[&failed]);
                let (lo, hi) = neighbourhood(&failed, &lambda, other);
                let (mut first, mut last) = (Millis::MAX, Millis::MIN);
                for offset in (-200_000..200_000).step_by(250) {
                    let b = lambda_block("n", T0 + offset, "crm", other, GENERIC);
                    if around.touches(&b) {
                        first = first.min(b.timestamp);
                        last = last.max(b.timestamp);
                        for skew in [-CLOCK_SLACK_MS, CLOCK_SLACK_MS] {
                            let t = b.timestamp + skew;
                            assert!(lo <= t && t <= hi, "own {own}, other {other}, at {offset}");
                        }
                    }
                }
                assert!(
                    first - lo <= 2 * CLOCK_SLACK_MS + 250 && hi - last <= 2 * CLOCK_SLACK_MS + 250
                );
            }
        }
    }

    #[test]
    fn subtract_leaves_what_was_not_taken() {
        let taken = [(10, 20), (30, 40)];
        assert_eq!(
            subtract(&[(0, 50)], &taken),
            vec![(0, 9), (21, 29), (41, 50)]
        );
        assert_eq!(subtract(&[(12, 18), (35, 45)], &taken), vec![(41, 45)]);
        assert_eq!(subtract(&[(0, 5)], &[]), vec![(0, 5)]);
        assert!(subtract(&[(10, 40)], &[(0, 100)]).is_empty());
    }

    #[test]
    fn merges_overlaps_and_keeps_gaps() {
        assert_eq!(
            merge(vec![(5, 9), (1, 3), (2, 6), (20, 30)]),
            vec![(1, 9), (20, 30)]
        );
    }

    #[test]
    fn windows_cover_the_link_window_plus_the_handler_time() {
        let a = lambda_block("a", T0, "crm", 3000, GENERIC);
        let b = lambda_block("b", T0 + 600_000, "crm", 3000, GENERIC);
        let w = Windows::around(&[&a, &b]);
        assert_eq!(w.functions(), vec!["crm"]);
        assert!(w.contains("crm", T0 - 6_000));
        assert!(!w.contains("crm", T0 - 6_001));
        assert!(w.contains("crm", T0 + 9_000));
        assert!(!w.contains("crm", T0 + 9_001));
        assert!(w.in_tail("crm", T0 + 69_000));
        assert!(!w.in_tail("crm", T0 + 69_001));
        assert!(!w.contains("crm", T0 + 300_000));
        assert!(w.contains("crm", T0 + 600_000));
        assert!(!w.contains("billing", T0));
        assert_eq!(
            w.ranges("crm"),
            &[(T0 - 6_000, T0 + 9_000), (T0 + 594_000, T0 + 609_000)]
        );
        assert!(w.ranges("billing").is_empty());
    }

    #[test]
    fn the_qualifier_is_known_when_every_block_used_the_same() {
        let a = lambda_block("a", T0, "crm", 3000, GENERIC);
        let b = lambda_block("b", T0 + 600_000, "crm", 3000, GENERIC);
        assert_eq!(Windows::around(&[&a, &b]).qualifier("crm"), Some("live"));
        let mut unqualified = b.clone();
        if let Some(l) = unqualified.lambda.as_mut() {
            l.qualifier = None;
        }
        assert_eq!(Windows::around(&[&a, &unqualified]).qualifier("crm"), None);
        assert_eq!(Windows::around(&[&a]).qualifier("billing"), None);
    }

    #[test]
    fn touches_blocks_whose_window_overlaps() {
        let a = lambda_block("a", T0, "crm", 3000, GENERIC);
        let w = Windows::around(&[&a]);
        assert!(w.touches(&lambda_block("b", T0 + 13_000, "crm", 3000, None)));
        assert!(!w.touches(&lambda_block("b", T0 + 15_000, "crm", 3000, None)));
        assert!(!w.touches(&lambda_block("b", T0, "billing", 3000, None)));
    }
}
