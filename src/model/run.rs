//! What a run read and produced: the inputs, the period, and the results
//! of `scan` and `explain`.

use std::collections::BTreeMap;

use super::{Failure, FlowEntry, FunctionConfig, Link, Millis, Verdict};

/// Lines of one file that could not be used, by reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLines {
    pub reason: String,
    pub count: u64,
    /// The first few line numbers (for `--verbose`); `count` is the total.
    pub lines: Vec<u64>,
}

/// What was read from one input (a file, or a live query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFileSummary {
    pub file: String,
    /// `filter-log-events`, `ndjson`, `query-results`, or `empty`.
    pub format: String,
    pub events: u64,
    pub skipped: Vec<SkippedLines>,
}

/// Everything a scan or explain read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputsSummary {
    pub files: Vec<InputFileSummary>,
    pub events_read: u64,
    pub lines_skipped: u64,
    /// Connect entries dropped as duplicates (at-least-once delivery).
    pub duplicates_dropped: u64,
}

/// The period analysed, and the groups it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub connect_group: String,
    pub lambda_groups: Vec<String>,
    /// Requested bounds (`--start`/`--end`), or the data's own extent.
    pub start: Option<Millis>,
    pub end: Option<Millis>,
}

/// The result of `scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanResult {
    pub scope: Scope,
    /// All Lambda blocks in the period, failed or not.
    pub lambda_blocks: u64,
    /// The same, per function.
    pub lambda_blocks_by_function: BTreeMap<String, u64>,
    pub contacts: u64,
    pub failures: Vec<Failure>,
    pub inputs: InputsSummary,
    /// What a live run queried, and what it cost (`None` offline).
    pub live: Option<LiveRun>,
}

/// One block of a contact's timeline; Lambda blocks carry their link, and
/// failed ones their verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBlock {
    pub entry: FlowEntry,
    pub link: Option<Link>,
    pub verdict: Option<Verdict>,
}

/// The result of `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainResult {
    pub contact_id: String,
    pub scope: Scope,
    pub blocks: Vec<TimelineBlock>,
    pub inputs: InputsSummary,
    /// What a live run queried, and what it cost (`None` offline).
    pub live: Option<LiveRun>,
}

/// The period's Lambda blocks and contacts as a source that selects on its
/// side counted them (Logs Insights `stats`): a live scan transfers only
/// the failures' neighbourhoods, so it cannot count the rest itself. A
/// `--save-logs` capture keeps them, so its replay says the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConnectTotals {
    /// Lambda blocks per function (rows: Connect's duplicate deliveries
    /// count).
    pub lambda_blocks_by_function: BTreeMap<String, u64>,
    /// Distinct contacts with a Lambda block (an estimate at high
    /// cardinality, as Insights' `count_distinct` is).
    pub contacts: u64,
    /// The period counted (epoch ms): a replay of the capture over another
    /// period cannot use them.
    pub start: Millis,
    pub end: Millis,
}

/// What a live run asked of AWS: the Logs Insights queries, what they
/// scanned and cost, and the configuration of the functions read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveRun {
    pub queries: u64,
    /// Queries split because they hit the row limit.
    pub window_splits: u64,
    pub rows: u64,
    pub bytes_scanned: f64,
    /// At `conventions::INSIGHTS_USD_PER_GB`.
    pub estimated_cost_usd: f64,
    pub functions: Vec<FunctionConfig>,
}
