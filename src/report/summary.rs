//! Statistics for the scan summary: counts per class, and per function and
//! class the spread of durations and init times.
//!
//! Percentiles use the nearest-rank method (the value at rank
//! `ceil(p/100 * n)` of the sorted sample): every reported number is one that
//! was actually measured, which matters when a reader goes looking for it in
//! the logs.

use super::{format_period, plural};
use crate::model::{Class, Failure, Invocation, ScanResult};
use crate::units::{format_ms, whole_ms};
use std::collections::BTreeMap;

/// One row of the per-function summary: a function and a class, what to
/// do about them, and how often and how long.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionStats {
    pub function: String,
    pub class: Class,
    pub count: u64,
    /// The function's Lambda blocks in the period, failed or not (`None`
    /// when the run did not count them).
    pub blocks: Option<u64>,
    /// The first failure's action and fix: said once for the group.
    pub action: String,
    pub fix: String,
    pub duration_p50_ms: Option<f64>,
    pub duration_p95_ms: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_p95_ms: Option<f64>,
}

impl FunctionStats {
    /// `6% of 17`: the group's failures among the function's blocks.
    pub fn share_text(&self) -> String {
        match self.blocks {
            Some(n) if n > 0 => {
                format!("{}% of {n}", (self.count as f64 / n as f64 * 100.0).round())
            }
            _ => "-".to_string(),
        }
    }

    /// `1501 / 1702 ms`: the handler's duration percentiles, `-` when no
    /// invocation was linked.
    pub fn percentiles_text(&self) -> String {
        match (self.duration_p50_ms, self.duration_p95_ms) {
            (Some(a), Some(b)) => format!("{} / {}", whole_ms(a), format_ms(b)),
            _ => "-".to_string(),
        }
    }
}

/// What a scan that found no failure says; when no Lambda block ran at all,
/// that is said plainly, with the period and the group: it is not good news.
pub fn no_findings_text(result: &ScanResult) -> String {
    let scope = &result.scope;
    let period = format_period(scope.start, scope.end);
    if result.lambda_blocks == 0 {
        return format!(
            "No Lambda block ran in {} in {period} (UTC): nothing to diagnose. If callers did \
             reach Lambda blocks then, the flows may not log (a Set logging behavior block \
             enables it) or the logs may not cover the period.",
            scope.connect_group
        );
    }
    format!(
        "No failed Lambda blocks in {period} (UTC): {} across {} in {}.",
        plural(result.lambda_blocks, "Lambda block", "Lambda blocks"),
        plural(result.contacts, "contact", "contacts"),
        scope.connect_group,
    )
}

/// Shown when a failure names no function at all (should not happen for a
/// Lambda block, but the report must not invent one).
pub const UNKNOWN_FUNCTION: &str = "(unknown)";

/// The nearest-rank percentile `p` (0 < p <= 100) of `values`; `None` for an
/// empty sample. NaNs (never produced by the parser) sort last.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    // p = 0 would give rank 0: clamp to the smallest value.
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted.get(index).copied()
}

/// The function a failure is about: the block's, else the linked one's.
pub fn function_of(failure: &Failure) -> &str {
    failure
        .block
        .lambda
        .as_ref()
        .map(|l| l.function_name.as_str())
        .or_else(|| {
            failure
                .link
                .invocations
                .first()
                .map(|i| i.function.as_str())
        })
        .unwrap_or(UNKNOWN_FUNCTION)
}

/// Failures per class, in `Class` order, only classes present.
pub fn by_class(failures: &[Failure]) -> Vec<(Class, u64)> {
    Class::all()
        .iter()
        .map(|&c| {
            (
                c,
                failures.iter().filter(|f| f.verdict.class == c).count() as u64,
            )
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// Per function and class: count and percentiles over the primary
/// invocations, against the function's blocks in `blocks`. Sorted by count
/// (descending), then function, then class, so the worst offender comes
/// first and ties are stable.
pub fn by_function(failures: &[Failure], blocks: &BTreeMap<String, u64>) -> Vec<FunctionStats> {
    let mut keys: Vec<(&str, Class)> = failures
        .iter()
        .map(|f| (function_of(f), f.verdict.class))
        .collect();
    keys.sort();
    keys.dedup();
    let mut rows: Vec<FunctionStats> = keys
        .into_iter()
        .map(|(function, class)| stats_for(failures, function, class, blocks.get(function)))
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.function.cmp(&b.function))
            .then_with(|| a.class.cmp(&b.class))
    });
    rows
}

fn stats_for(
    failures: &[Failure],
    function: &str,
    class: Class,
    blocks: Option<&u64>,
) -> FunctionStats {
    let group: Vec<&Failure> = failures
        .iter()
        .filter(|f| function_of(f) == function && f.verdict.class == class)
        .collect();
    let primaries: Vec<&Invocation> = group.iter().filter_map(|f| f.link.primary()).collect();
    let durations: Vec<f64> = primaries.iter().filter_map(|i| i.duration_ms).collect();
    // Only a cold invocation's init delayed Connect; a warm one's "0" would
    // drag the percentiles down and hide the cold starts.
    let inits: Vec<f64> = primaries
        .iter()
        .filter(|i| i.is_cold())
        .map(|i| i.cold_ms())
        .collect();
    let first = group.first().map(|f| &f.verdict);
    FunctionStats {
        function: function.to_string(),
        class,
        count: group.len() as u64,
        blocks: blocks.copied(),
        action: first.map(|v| v.action.clone()).unwrap_or_default(),
        fix: first.map(|v| v.fix.clone()).unwrap_or_default(),
        duration_p50_ms: percentile(&durations, 50.0),
        duration_p95_ms: percentile(&durations, 95.0),
        init_p50_ms: percentile(&inits, 50.0),
        init_p95_ms: percentile(&inits, 95.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn nearest_rank_on_ten_values() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(5.0));
        assert_eq!(percentile(&v, 95.0), Some(10.0));
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&v, 100.0), Some(10.0));
    }

    #[test]
    fn nearest_rank_is_order_independent() {
        let v = [300.0, 100.0, 200.0];
        assert_eq!(percentile(&v, 50.0), Some(200.0));
        assert_eq!(percentile(&v, 95.0), Some(300.0));
    }

    #[test]
    fn single_value_and_empty() {
        assert_eq!(percentile(&[42.5], 50.0), Some(42.5));
        assert_eq!(percentile(&[42.5], 95.0), Some(42.5));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1.0, 2.0], 0.0), Some(1.0));
    }

    #[test]
    fn by_class_follows_class_order_and_skips_absent() {
        let scan = fixtures::scan();
        let classes: Vec<Class> = by_class(&scan.failures)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut sorted = classes.clone();
        sorted.sort();
        assert_eq!(classes, sorted);
        assert!(!classes.contains(&Class::AccessDenied));
        let total: u64 = by_class(&scan.failures).iter().map(|(_, n)| n).sum();
        assert_eq!(total, scan.failures.len() as u64);
    }

    #[test]
    fn by_function_percentiles_use_primary_invocations_only() {
        let scan = fixtures::scan();
        let rows = by_function(&scan.failures, &scan.lambda_blocks_by_function);
        let stall = rows
            .iter()
            .find(|r| r.class == Class::DownstreamStall)
            .expect("the fixture has a stall");
        // The stall's retries ran longer, but only the first invocation counts.
        assert_eq!(stall.count, 1);
        assert_eq!(stall.duration_p50_ms, Some(fixtures::STALL_DURATION_MS));
        assert_eq!(stall.init_p50_ms, None, "warm: no init value");
        let cold = rows
            .iter()
            .find(|r| r.class == Class::ColdStart)
            .expect("the fixture has cold starts");
        assert_eq!(cold.count, 2);
        assert_eq!(cold.duration_p50_ms, Some(1380.52));
        assert_eq!(cold.duration_p95_ms, Some(1702.0));
        assert_eq!(cold.init_p50_ms, Some(2214.37));
        assert_eq!(cold.init_p95_ms, Some(2890.0));
    }

    #[test]
    fn unlinked_rows_have_no_numbers() {
        let scan = fixtures::scan();
        let rows = by_function(&scan.failures, &scan.lambda_blocks_by_function);
        let unlinked = rows
            .iter()
            .find(|r| r.class == Class::Unlinked)
            .expect("the fixture has an unlinked failure");
        assert_eq!(unlinked.duration_p50_ms, None);
        assert_eq!(unlinked.init_p95_ms, None);
    }
}
