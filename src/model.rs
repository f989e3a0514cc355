//! Plain data shared by every stage of the pipeline
//! (`source -> parse -> link -> classify -> report`).
//!
//! Nothing here knows about files, AWS or terminals. Times are epoch
//! milliseconds (`Millis`), as CloudWatch stamps events; durations read from
//! Lambda's own lines stay `f64` milliseconds, as Lambda prints them.

use serde::Serialize;
use std::fmt;

/// Epoch milliseconds (UTC).
pub type Millis = i64;

/// Where an event came from: a file and 1-based line (offline), or a query
/// row (live). Used in error messages and `--verbose` listings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

// ---------------------------------------------------------------------------
// Amazon Connect flow logs
// ---------------------------------------------------------------------------

/// One Amazon Connect flow-log entry (one block executed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowEntry {
    pub contact_id: String,
    pub contact_flow_id: Option<String>,
    pub contact_flow_name: Option<String>,
    /// `ContactFlowModuleType`: an open set (`PlayPrompt`, `InvokeExternalResource`, ...).
    pub module_type: String,
    /// The block id or its custom label.
    pub identifier: Option<String>,
    pub timestamp: Millis,
    /// `Results` when present: the outcome text (`"true"`, an error text, ...).
    pub results: Option<String>,
    /// Whether `ExternalResults` was present (a Lambda block that succeeded).
    pub has_external_results: bool,
    /// Set when this entry is an "Invoke AWS Lambda function" block.
    pub lambda: Option<LambdaBlock>,
    /// `Parameters` as compact JSON text, for the timeline (may be `{}`).
    pub parameters: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl FlowEntry {
    /// A Lambda block that went down the error branch.
    pub fn is_failed_lambda_block(&self) -> bool {
        self.lambda.is_some() && self.results.is_some() && !self.has_external_results
    }

    /// The key Connect's at-least-once delivery duplicates on.
    pub fn dedup_key(&self) -> (&str, Option<&str>, Millis, &str) {
        (
            &self.contact_id,
            self.identifier.as_deref(),
            self.timestamp,
            &self.module_type,
        )
    }
}

/// The Lambda-specific parameters of an "Invoke AWS Lambda function" block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LambdaBlock {
    /// `Parameters.FunctionArn` exactly as logged (may carry a qualifier).
    pub function_arn: String,
    /// The function name, without qualifier: the linking key.
    pub function_name: String,
    /// Alias or version qualifier, when the ARN has one.
    pub qualifier: Option<String>,
    /// The block's time limit in milliseconds (`Parameters.TimeLimit`).
    /// `None` when the entry did not say; the linker then assumes 8 s.
    pub time_limit_ms: Option<u32>,
    /// `SYNCHRONOUS` / `ASYNCHRONOUS` when logged.
    pub invocation_type: Option<String>,
}

/// Lambda's limit on an on-demand init phase.
pub const INIT_PHASE_LIMIT_MS: f64 = 10_000.0;

/// INIT_START to START: the init's own duration plus this much.
const INIT_TO_START_SLACK_MS: f64 = 2_000.0;

/// Connect's maximum synchronous block limit, used when the entry has none.
pub const DEFAULT_TIME_LIMIT_MS: u32 = 8_000;

impl LambdaBlock {
    pub fn limit_ms(&self) -> u32 {
        self.time_limit_ms.unwrap_or(DEFAULT_TIME_LIMIT_MS)
    }
}

// ---------------------------------------------------------------------------
// Lambda log lines
// ---------------------------------------------------------------------------

/// What one Lambda log line says, in either log format (text or JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum LambdaRecord {
    /// `START RequestId: ... Version: ...` / `platform.start`.
    Start {
        request_id: String,
        version: Option<String>,
    },
    /// `END RequestId: ...`.
    End { request_id: String },
    /// `REPORT RequestId: ...` / `platform.report`.
    /// Boxed: the largest variant by far, and most lines are not REPORTs.
    Report(Box<Report>),
    /// `platform.runtimeDone`: the handler's own end, with its status.
    RuntimeDone {
        request_id: String,
        status: Option<String>,
        error_type: Option<String>,
        duration_ms: Option<f64>,
    },
    /// Old era: `<ts> <request id> Task timed out after N.NN seconds`.
    TimedOut {
        request_id: Option<String>,
        after_seconds: f64,
    },
    /// `INIT_START` / `platform.initStart`; `RESTORE_START` / `platform.restoreStart`.
    InitStart {
        kind: InitKind,
        runtime_version: Option<String>,
        /// `on-demand`, `provisioned-concurrency`, `snap-start` (JSON format only).
        initialization_type: Option<String>,
        phase: Option<String>,
    },
    /// `INIT_REPORT` / `platform.initReport`; `RESTORE_REPORT` / `platform.restoreReport`.
    InitReport {
        kind: InitKind,
        duration_ms: Option<f64>,
        phase: Option<String>,
        status: Option<String>,
        error_type: Option<String>,
    },
    /// `RequestId: ... Error: Runtime exited ...` and the bare `Runtime.ExitError` line
    /// that follows it in the old era.
    RuntimeError {
        request_id: Option<String>,
        message: String,
    },
    /// A platform line that matters to no rule (`XRAY TraceId ...`,
    /// `EXTENSION ...`, `TELEMETRY ...`, `platform.initRuntimeDone`, ...):
    /// kept as a platform line, never counted as custom output.
    Platform { message: String },
    /// Anything else: the function's own output (custom output).
    App {
        /// The request id when the line carries one (runtime prefixes, JSON `requestId`).
        request_id: Option<String>,
        level: Option<String>,
        message: String,
    },
}

/// Whether a line is about a regular init or a SnapStart restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitKind {
    Init,
    Restore,
}

/// The fields of a REPORT line or `platform.report` record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    /// `timeout`, `error`, `success`, ... (an open set); `None` in the old era.
    pub status: Option<String>,
    pub error_type: Option<String>,
}

/// A log line kept as evidence: when, where, and the text as logged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogLine {
    pub timestamp: Millis,
    pub text: String,
}

/// How an invocation ended, as far as its logs tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "error_type")]
pub enum InvocationStatus {
    Success,
    /// The function hit its own timeout.
    Timeout,
    /// The function or runtime failed (the error type when logged).
    Error(Option<String>),
    /// No REPORT was seen (the environment died, or the log was cut off).
    Unknown,
}

/// One Lambda invocation rebuilt from its log stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invocation {
    /// The function name (from the log group, `/aws/lambda/<name>`).
    pub function: String,
    pub log_group: String,
    pub log_stream: String,
    pub request_id: String,
    /// Time of the START line (or the first line seen, if START is missing).
    pub start: Millis,
    /// Time of END/REPORT, when seen.
    pub end: Option<Millis>,
    /// When Connect's request arrived: INIT_START/RESTORE_START for a cold
    /// on-demand environment (the request waited for init), else `start`.
    pub arrival: Millis,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    /// INIT_START / RESTORE_START right before this invocation in its stream.
    pub init_start: Option<Millis>,
    /// `on-demand`, `provisioned-concurrency`, `snap-start` when logged.
    pub initialization_type: Option<String>,
    /// INIT_REPORT / RESTORE_REPORT lines just before or during the invocation.
    pub init_reports: Vec<InitReportLine>,
    pub status: InvocationStatus,
    /// `Task timed out after X seconds` (old era), in seconds.
    pub timed_out_after_s: Option<f64>,
    /// The function's own output printed between INIT_START and START
    /// (module-level code), when this invocation paid for that init.
    pub init_lines: Vec<LogLine>,
    /// The function's own output during the invocation, in stream order.
    pub custom_lines: Vec<LogLine>,
    /// The platform lines (START, END, REPORT, INIT_*, timeout and runtime
    /// errors) as logged, for evidence and the timeline.
    pub platform_lines: Vec<LogLine>,
}

/// An INIT_REPORT / RESTORE_REPORT line with its time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitReportLine {
    pub timestamp: Millis,
    pub kind: InitKind,
    pub duration_ms: Option<f64>,
    pub phase: Option<String>,
    pub status: Option<String>,
    pub error_type: Option<String>,
}

impl Invocation {
    /// Whether this invocation paid for an on-demand init (or restore) that
    /// Connect waited for: INIT_START/RESTORE_START came right before its
    /// START (within the init's own duration, plus slack). A
    /// provisioned-concurrency environment initialises ahead of time —
    /// possibly hours earlier — and still reports an `Init Duration` on its
    /// first request although nobody waited for it, so `Init Duration`
    /// alone does not make a cold start (reference §0b.4).
    pub fn is_cold(&self) -> bool {
        if self.initialization_type.as_deref() == Some("provisioned-concurrency") {
            return false;
        }
        let Some(at) = self.init_start else {
            return false;
        };
        let init = self.init_duration_ms.or(self.restore_duration_ms);
        let allowed = init.unwrap_or(INIT_PHASE_LIMIT_MS) + INIT_TO_START_SLACK_MS;
        ((self.start - at) as f64) <= allowed
    }

    /// `Init Duration` was reported but no INIT_START came right before:
    /// a pre-initialised environment (see `is_cold`).
    pub fn pre_initialised(&self) -> bool {
        let reported = self.init_duration_ms.is_some() || self.restore_duration_ms.is_some();
        reported && !self.is_cold()
    }

    /// Init or restore time Connect waited for (0 when warm).
    pub fn cold_ms(&self) -> f64 {
        if !self.is_cold() {
            return 0.0;
        }
        self.init_duration_ms
            .or(self.restore_duration_ms)
            .or_else(|| self.init_start.map(|at| (self.start - at).max(0) as f64))
            .unwrap_or(0.0)
    }
}

// ---------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------

/// Why a Lambda block failed. The order of the variants is the order in
/// which the rules are tried (see `classify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    AccessDenied,
    InitTimeout,
    MisconfiguredTimeout,
    FunctionError,
    ColdStart,
    DownstreamStall,
    Slow,
    Throttled,
    Unlinked,
    /// Linked invocation(s) finished in time and successfully: Connect's
    /// error is not explained by the function's logs (response validation,
    /// a response over 32 KB, ...).
    Unexplained,
}

impl Class {
    pub const ALL: [Class; 10] = [
        Class::AccessDenied,
        Class::InitTimeout,
        Class::MisconfiguredTimeout,
        Class::FunctionError,
        Class::ColdStart,
        Class::DownstreamStall,
        Class::Slow,
        Class::Throttled,
        Class::Unlinked,
        Class::Unexplained,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::AccessDenied => "access_denied",
            Class::InitTimeout => "init_timeout",
            Class::MisconfiguredTimeout => "misconfigured_timeout",
            Class::FunctionError => "function_error",
            Class::ColdStart => "cold_start",
            Class::DownstreamStall => "downstream_stall",
            Class::Slow => "slow",
            Class::Throttled => "throttled",
            Class::Unlinked => "unlinked",
            Class::Unexplained => "unexplained",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the link from a block to its invocation(s) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The invocation logged the contact's ContactId.
    Exact,
    /// The only candidate in the block's window.
    Window,
    /// The best of several candidates.
    Ambiguous,
    /// No invocation linked.
    None,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Exact => "exact",
            Confidence::Window => "window",
            Confidence::Ambiguous => "ambiguous",
            Confidence::None => "none",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of linking one failed block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub confidence: Confidence,
    /// Invocations in the block's window (before assignment).
    pub candidates: usize,
    /// The linked invocations, first the one that answered the block, then
    /// Connect's retries, in time order.
    pub invocations: Vec<Invocation>,
    /// The log group and window searched, for `unlinked`.
    pub searched_group: String,
    pub window_start: Millis,
    pub window_end: Millis,
}

/// One fact that decided a verdict, with the time it refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub timestamp: Option<Millis>,
    pub text: String,
}

/// A verdict on one failed block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub class: Class,
    pub evidence: Vec<Evidence>,
    /// Other rules whose conditions also held.
    pub contributing: Vec<Class>,
    pub fix: String,
}

/// A failed Lambda block, linked and classified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub block: FlowEntry,
    pub link: Link,
    pub verdict: Verdict,
}

// ---------------------------------------------------------------------------
// What a run produced
// ---------------------------------------------------------------------------

/// Lines of one file that could not be used, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedLines {
    pub reason: String,
    pub count: u64,
    /// The first few line numbers (for `--verbose`); `count` is the total.
    pub lines: Vec<u64>,
}

/// What was read from one input (a file, or a live query).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFileSummary {
    pub file: String,
    /// `filter-log-events`, `ndjson`, `query-results`, or `empty`.
    pub format: String,
    pub events: u64,
    pub skipped: Vec<SkippedLines>,
}

/// Everything a scan or explain read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct InputsSummary {
    pub files: Vec<InputFileSummary>,
    pub events_read: u64,
    pub lines_skipped: u64,
    /// Connect entries dropped as duplicates (at-least-once delivery).
    pub duplicates_dropped: u64,
}

/// The period analysed, and the groups it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub connect_group: String,
    pub lambda_groups: Vec<String>,
    /// Requested bounds (`--start`/`--end`), or the data's own extent.
    pub start: Option<Millis>,
    pub end: Option<Millis>,
}

/// The result of `scan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanResult {
    pub scope: Scope,
    /// All Lambda blocks in the period, failed or not.
    pub lambda_blocks: u64,
    pub contacts: u64,
    pub failures: Vec<Failure>,
    pub inputs: InputsSummary,
}

/// One block of a contact's timeline; Lambda blocks carry their link, and
/// failed ones their verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineBlock {
    pub entry: FlowEntry,
    pub link: Option<Link>,
    pub verdict: Option<Verdict>,
}

/// The result of `explain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainResult {
    pub contact_id: String,
    pub scope: Scope,
    pub blocks: Vec<TimelineBlock>,
    pub inputs: InputsSummary,
}

// ---------------------------------------------------------------------------
// Text fields, for the output filters (redaction, terminal escaping)
// ---------------------------------------------------------------------------

/// What kind of text a field holds, so a filter can treat it accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField<'a> {
    /// Names and ids (flow names, block labels, streams, request ids).
    Name,
    /// Free text from the logs, or built from them (lines, evidence, fixes).
    Log,
    /// A block's `Parameters` JSON.
    Parameters,
    /// A block's `Results`, with its block type.
    Results { module_type: &'a str },
}

/// A filter over text: `Some(new)` replaces the text.
pub type TextFilter<'f> = dyn FnMut(TextField<'_>, &str) -> Option<String> + 'f;

fn apply(filter: &mut TextFilter<'_>, field: TextField<'_>, text: &mut String) {
    if let Some(new) = filter(field, text) {
        *text = new;
    }
}

fn apply_opt(filter: &mut TextFilter<'_>, field: TextField<'_>, text: &mut Option<String>) {
    if let Some(t) = text {
        apply(filter, field, t);
    }
}

impl FlowEntry {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply_opt(filter, TextField::Name, &mut self.contact_flow_name);
        apply_opt(filter, TextField::Name, &mut self.identifier);
        apply(filter, TextField::Name, &mut self.module_type);
        apply_opt(filter, TextField::Parameters, &mut self.parameters);
        let module_type = self.module_type.clone();
        let field = TextField::Results {
            module_type: &module_type,
        };
        apply_opt(filter, field, &mut self.results);
    }
}

impl Invocation {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Name, &mut self.log_stream);
        let lines = self
            .init_lines
            .iter_mut()
            .chain(&mut self.custom_lines)
            .chain(&mut self.platform_lines);
        for line in lines {
            apply(filter, TextField::Log, &mut line.text);
        }
        if let InvocationStatus::Error(Some(t)) = &mut self.status {
            apply(filter, TextField::Name, t);
        }
    }
}

impl Link {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for inv in &mut self.invocations {
            inv.map_texts(filter);
        }
    }
}

impl Verdict {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for e in &mut self.evidence {
            apply(filter, TextField::Log, &mut e.text);
        }
        apply(filter, TextField::Log, &mut self.fix);
    }
}

impl InputsSummary {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for file in &mut self.files {
            apply(filter, TextField::Name, &mut file.file);
            for skip in &mut file.skipped {
                apply(filter, TextField::Log, &mut skip.reason);
            }
        }
    }
}

impl ScanResult {
    /// Pass every text of the result through `filter`.
    pub fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for f in &mut self.failures {
            f.block.map_texts(filter);
            f.link.map_texts(filter);
            f.verdict.map_texts(filter);
        }
        self.inputs.map_texts(filter);
    }
}

impl ExplainResult {
    /// Pass every text of the result through `filter`.
    pub fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for b in &mut self.blocks {
            b.entry.map_texts(filter);
            if let Some(link) = &mut b.link {
                link.map_texts(filter);
            }
            if let Some(verdict) = &mut b.verdict {
                verdict.map_texts(filter);
            }
        }
        self.inputs.map_texts(filter);
    }
}
