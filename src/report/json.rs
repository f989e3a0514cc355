//! The JSON and NDJSON schema (version `SCHEMA_VERSION`).
//!
//! Built from dedicated output structs rather than by serialising the model:
//! the model changes with the pipeline, the schema must not. Unknown numbers
//! are `null`, never omitted, so every `jq` path always exists. Times are
//! RFC 3339 UTC strings with milliseconds.

use super::summary::{self, FunctionStats};
use super::{format_time, SCHEMA_VERSION};
use crate::model::{
    Call, Class, ExplainResult, Failure, FlowEntry, FunctionConfig, InputsSummary, Invocation,
    InvocationStatus, Link, LiveRun, Millis, ScanResult, Scope, TimelineBlock, Verdict, XrayFetch,
    XrayReading, XrayStatus,
};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::{self, Write};

// ---------------------------------------------------------------------------
// Output structs
// ---------------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct ScanDoc {
    pub schema_version: u32,
    pub scope: ScopeOut,
    pub summary: SummaryOut,
    pub failures: Vec<FailureOut>,
    pub inputs: InputsOut,
    /// Live runs only: what was queried and what it cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveOut>,
}

#[derive(Debug, Serialize)]
pub struct LiveOut {
    pub queries: u64,
    pub window_splits: u64,
    pub rows: u64,
    pub bytes_scanned: f64,
    pub estimated_cost_usd: f64,
    pub functions: Vec<FunctionConfigOut>,
}

#[derive(Debug, Serialize)]
pub struct FunctionConfigOut {
    pub function: String,
    pub log_group: String,
    pub timeout_s: Option<i32>,
    pub memory_mb: Option<i32>,
    pub runtime: Option<String>,
    pub vpc_attached: Option<bool>,
    pub log_format: Option<String>,
    pub provisioned_concurrency: Option<bool>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ScopeOut {
    pub connect_group: String,
    pub lambda_groups: Vec<String>,
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SummaryOut {
    pub lambda_blocks: u64,
    pub contacts: u64,
    pub failures: u64,
    pub by_class: ByClass,
    pub by_function: Vec<FunctionOut>,
}

/// `{"<class>": n}` in `Class` order (a JSON object's order is the reading
/// order for people; a `BTreeMap` would sort it alphabetically).
#[derive(Debug)]
pub struct ByClass(pub Vec<(Class, u64)>);

impl Serialize for ByClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (class, n) in &self.0 {
            map.serialize_entry(class.as_str(), n)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
pub struct FunctionOut {
    pub function: String,
    pub class: &'static str,
    pub count: u64,
    /// The function's Lambda blocks in the period, failed or not.
    pub blocks: Option<u64>,
    pub duration_p50_ms: Option<f64>,
    pub duration_p95_ms: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_p95_ms: Option<f64>,
    /// What to do about this function and class, in one line.
    pub action: String,
}

#[derive(Debug, Serialize)]
pub struct FailureOut {
    pub contact_id: String,
    pub contact_flow_name: Option<String>,
    pub contact_flow_id: Option<String>,
    pub block_identifier: Option<String>,
    pub timestamp: String,
    pub function: Option<String>,
    pub function_arn: Option<String>,
    /// The limit the diagnosis used: the logged one, or Connect's 8 s maximum.
    pub time_limit_ms: Option<u32>,
    /// True when the entry logged no `TimeLimit` and 8000 ms was assumed.
    pub time_limit_assumed: bool,
    pub results: Option<String>,
    pub class: &'static str,
    pub confidence: &'static str,
    pub candidates: usize,
    pub invocations: Vec<InvocationOut>,
    pub evidence: Vec<EvidenceOut>,
    pub contributing: Vec<&'static str>,
    pub fix: String,
    pub searched: SearchedOut,
    /// The one line that says why (the tables' key fact).
    pub key_fact: String,
    /// What to do, in one line.
    pub action: String,
}

#[derive(Debug, Serialize)]
pub struct InvocationOut {
    pub request_id: String,
    pub log_group: String,
    pub log_stream: String,
    pub start: String,
    pub end: Option<String>,
    pub arrival: String,
    pub duration_ms: Option<f64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    pub cold: bool,
    pub status: &'static str,
    pub error_type: Option<String>,
    pub timed_out_after_s: Option<f64>,
    pub custom_lines: Vec<CustomLineOut>,
    /// The X-Ray trace it wrote; `null` when the function is not traced.
    pub xray: Option<XrayOut>,
}

#[derive(Debug, Serialize)]
pub struct XrayOut {
    pub trace_id: String,
    pub sampled: Option<bool>,
    /// `found`, `not_sampled`, `not_found` (older than 30 days, or
    /// Transaction Search), `not_read` (not looked for).
    pub status: &'static str,
    /// The answering invocation only: the deepest call still open when
    /// Connect gave up, and the longest calls.
    pub open_at_limit: Option<CallOut>,
    pub slowest: Vec<CallOut>,
}

#[derive(Debug, Serialize)]
pub struct CallOut {
    pub name: String,
    pub namespace: Option<String>,
    pub operation: Option<String>,
    pub resource: Option<String>,
    pub method: Option<String>,
    pub url: Option<String>,
    pub start: String,
    /// `null` when the call never ended (in progress).
    pub end: Option<String>,
    /// How long it ran: until it ended, or until Connect gave up.
    pub ran_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct CustomLineOut {
    pub timestamp: String,
    /// Milliseconds from the invocation's START.
    pub offset_ms: i64,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct EvidenceOut {
    pub timestamp: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct SearchedOut {
    pub log_group: String,
    pub window_start: String,
    pub window_end: String,
}

#[derive(Debug, Serialize)]
pub struct InputsOut {
    pub files: Vec<InputFileOut>,
    pub events_read: u64,
    pub lines_skipped: u64,
    pub duplicates_dropped: u64,
}

#[derive(Debug, Serialize)]
pub struct InputFileOut {
    pub file: String,
    pub format: String,
    pub events: u64,
    pub skipped: Vec<SkippedOut>,
}

#[derive(Debug, Serialize)]
pub struct SkippedOut {
    pub reason: String,
    pub count: u64,
    pub lines: Vec<u64>,
}

#[derive(Debug, Serialize)]
pub struct ExplainDoc {
    pub schema_version: u32,
    pub contact_id: String,
    pub scope: ScopeOut,
    pub blocks: Vec<BlockOut>,
    pub inputs: InputsOut,
    /// Live runs only: what was queried and what it cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveOut>,
}

#[derive(Debug, Serialize)]
pub struct BlockOut {
    pub timestamp: String,
    /// Milliseconds from the contact's first block.
    pub offset_ms: i64,
    pub contact_flow_name: Option<String>,
    pub module_type: String,
    pub identifier: Option<String>,
    pub results: Option<String>,
    /// The block's `Parameters`, parsed; `null` when absent or not JSON.
    pub parameters: Option<serde_json::Value>,
    pub lambda: Option<LambdaOut>,
}

#[derive(Debug, Serialize)]
pub struct LambdaOut {
    pub function: String,
    pub function_arn: String,
    pub time_limit_ms: u32,
    pub time_limit_assumed: bool,
    pub failed: bool,
    /// `null` when the block was not linked (nothing searched for it).
    pub confidence: Option<&'static str>,
    pub candidates: Option<usize>,
    pub invocations: Vec<InvocationOut>,
    pub verdict: Option<VerdictOut>,
}

#[derive(Debug, Serialize)]
pub struct VerdictOut {
    pub class: &'static str,
    pub evidence: Vec<EvidenceOut>,
    pub contributing: Vec<&'static str>,
    pub fix: String,
    pub key_fact: String,
    pub action: String,
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

pub fn scope_out(scope: &Scope) -> ScopeOut {
    ScopeOut {
        connect_group: scope.connect_group.clone(),
        lambda_groups: scope.lambda_groups.clone(),
        start: scope.start.map(format_time),
        end: scope.end.map(format_time),
    }
}

pub fn summary_out(result: &ScanResult) -> SummaryOut {
    SummaryOut {
        lambda_blocks: result.lambda_blocks,
        contacts: result.contacts,
        failures: result.failures.len() as u64,
        by_class: ByClass(summary::by_class(&result.failures)),
        by_function: summary::by_function(&result.failures, &result.lambda_blocks_by_function)
            .into_iter()
            .map(function_out)
            .collect(),
    }
}

fn function_out(s: FunctionStats) -> FunctionOut {
    FunctionOut {
        function: s.function,
        class: s.class.as_str(),
        count: s.count,
        blocks: s.blocks,
        duration_p50_ms: s.duration_p50_ms,
        duration_p95_ms: s.duration_p95_ms,
        init_p50_ms: s.init_p50_ms,
        init_p95_ms: s.init_p95_ms,
        action: s.action,
    }
}

pub fn failure_out(f: &Failure) -> FailureOut {
    let lambda = f.block.lambda.as_ref();
    let verdict = verdict_out(&f.verdict);
    FailureOut {
        contact_id: f.block.contact_id.clone(),
        contact_flow_name: f.block.contact_flow_name.clone(),
        contact_flow_id: f.block.contact_flow_id.clone(),
        block_identifier: f.block.identifier.clone(),
        timestamp: format_time(f.block.timestamp),
        function: lambda.map(|l| l.function_name.clone()),
        function_arn: lambda.map(|l| l.function_arn.clone()),
        time_limit_ms: Some(f.verdict.measurements.limit_ms),
        time_limit_assumed: f.verdict.measurements.limit_assumed,
        results: f.block.results.clone(),
        class: verdict.class,
        confidence: f.link.confidence.as_str(),
        candidates: f.link.candidates,
        invocations: invocations_out(&f.link, Some(&f.verdict)),
        evidence: verdict.evidence,
        contributing: verdict.contributing,
        fix: verdict.fix,
        searched: searched_out(&f.link),
        key_fact: verdict.key_fact,
        action: verdict.action,
    }
}

fn searched_out(link: &Link) -> SearchedOut {
    SearchedOut {
        log_group: link.searched_group.clone(),
        window_start: format_time(link.window_start),
        window_end: format_time(link.window_end),
    }
}

/// The status word and error type of the schema (`status` / `error_type`).
pub fn status_parts(status: &InvocationStatus) -> (&'static str, Option<String>) {
    match status {
        InvocationStatus::Success => ("success", None),
        InvocationStatus::Timeout => ("timeout", None),
        InvocationStatus::Error(t) => ("error", t.clone()),
        InvocationStatus::Unknown => ("unknown", None),
    }
}

/// Memory sizes are whole megabytes in Lambda's logs; print them so.
fn whole(v: Option<f64>) -> Option<f64> {
    v.map(f64::round)
}

/// A link's invocations; the first, the answering one, with what the
/// verdict read of its trace.
fn invocations_out(link: &Link, verdict: Option<&Verdict>) -> Vec<InvocationOut> {
    let reading = verdict
        .and_then(|v| v.measurements.run.as_ref())
        .and_then(|r| r.xray.as_ref());
    link.invocations
        .iter()
        .enumerate()
        .map(|(i, inv)| invocation_out(inv, if i == 0 { reading } else { None }))
        .collect()
}

fn xray_out(inv: &Invocation, reading: Option<&XrayReading>) -> Option<XrayOut> {
    let trace = inv.trace.as_ref()?;
    let status = match (&inv.xray, trace.sampled) {
        (XrayFetch::Found(_), _) => XrayStatus::Found,
        (_, Some(false)) => XrayStatus::NotSampled,
        (XrayFetch::NotFound, _) => XrayStatus::NotFound,
        (XrayFetch::NotLooked, _) => XrayStatus::NotLooked,
    };
    Some(XrayOut {
        trace_id: trace.trace_id.clone(),
        sampled: trace.sampled,
        status: match status {
            XrayStatus::Found => "found",
            XrayStatus::NotSampled => "not_sampled",
            XrayStatus::NotFound => "not_found",
            XrayStatus::NotLooked => "not_read",
        },
        open_at_limit: reading
            .and_then(|r| r.open_at_limit.as_ref())
            .map(|(c, ms)| call_out(c, *ms)),
        slowest: reading
            .map(|r| r.slowest.iter().map(|(c, ms)| call_out(c, *ms)).collect())
            .unwrap_or_default(),
    })
}

fn call_out(call: &Call, ran_ms: f64) -> CallOut {
    CallOut {
        name: call.name.clone(),
        namespace: call.namespace.clone(),
        operation: call.operation.clone(),
        resource: call.resource.clone(),
        method: call.method.clone(),
        url: call.url.clone(),
        start: format_time(call.start),
        end: call.end.map(format_time),
        ran_ms,
    }
}

pub fn invocation_out(inv: &Invocation, reading: Option<&XrayReading>) -> InvocationOut {
    let (status, error_type) = status_parts(&inv.status);
    InvocationOut {
        request_id: inv.request_id.clone(),
        log_group: inv.log_group.clone(),
        log_stream: inv.log_stream.clone(),
        start: format_time(inv.start),
        end: inv.end.map(format_time),
        arrival: format_time(inv.arrival),
        duration_ms: inv.duration_ms,
        init_duration_ms: inv.init_duration_ms,
        restore_duration_ms: inv.restore_duration_ms,
        billed_duration_ms: inv.billed_duration_ms,
        memory_size_mb: whole(inv.memory_size_mb),
        max_memory_used_mb: whole(inv.max_memory_used_mb),
        cold: inv.is_cold(),
        status,
        error_type,
        timed_out_after_s: inv.timed_out_after_s,
        custom_lines: inv
            .custom_lines
            .iter()
            .map(|l| CustomLineOut {
                timestamp: format_time(l.timestamp),
                offset_ms: l.timestamp - inv.start,
                text: l.text.clone(),
            })
            .collect(),
        xray: xray_out(inv, reading),
    }
}

pub fn verdict_out(v: &Verdict) -> VerdictOut {
    VerdictOut {
        class: v.class.as_str(),
        evidence: v
            .evidence
            .iter()
            .map(|e| EvidenceOut {
                timestamp: e.timestamp.map(format_time),
                text: e.text.clone(),
            })
            .collect(),
        contributing: v.contributing.iter().map(|c| c.as_str()).collect(),
        fix: v.fix.clone(),
        key_fact: v.key_fact.clone(),
        action: v.action.clone(),
    }
}

pub fn inputs_out(inputs: &InputsSummary) -> InputsOut {
    InputsOut {
        files: inputs
            .files
            .iter()
            .map(|f| InputFileOut {
                file: f.file.clone(),
                format: f.format.clone(),
                events: f.events,
                skipped: f
                    .skipped
                    .iter()
                    .map(|s| SkippedOut {
                        reason: s.reason.clone(),
                        count: s.count,
                        lines: s.lines.clone(),
                    })
                    .collect(),
            })
            .collect(),
        events_read: inputs.events_read,
        lines_skipped: inputs.lines_skipped,
        duplicates_dropped: inputs.duplicates_dropped,
    }
}

pub fn live_out(live: &LiveRun) -> LiveOut {
    LiveOut {
        queries: live.queries,
        window_splits: live.window_splits,
        rows: live.rows,
        bytes_scanned: live.bytes_scanned,
        estimated_cost_usd: live.estimated_cost_usd,
        functions: live.functions.iter().map(function_config_out).collect(),
    }
}

fn function_config_out(c: &FunctionConfig) -> FunctionConfigOut {
    FunctionConfigOut {
        function: c.name.clone(),
        log_group: c.log_group.clone(),
        timeout_s: c.timeout_s,
        memory_mb: c.memory_mb,
        runtime: c.runtime.clone(),
        vpc_attached: c.vpc_attached,
        log_format: c.log_format.clone(),
        provisioned_concurrency: c.provisioned,
        notes: c.notes.clone(),
    }
}

pub fn scan_doc(result: &ScanResult) -> ScanDoc {
    ScanDoc {
        schema_version: SCHEMA_VERSION,
        scope: scope_out(&result.scope),
        summary: summary_out(result),
        failures: result.failures.iter().map(failure_out).collect(),
        inputs: inputs_out(&result.inputs),
        live: result.live.as_ref().map(live_out),
    }
}

fn parameters_value(entry: &FlowEntry) -> Option<serde_json::Value> {
    entry
        .parameters
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
}

pub fn block_out(block: &TimelineBlock, first: Millis) -> BlockOut {
    let entry = &block.entry;
    BlockOut {
        timestamp: format_time(entry.timestamp),
        offset_ms: entry.timestamp - first,
        contact_flow_name: entry.contact_flow_name.clone(),
        module_type: entry.module_type.clone(),
        identifier: entry.identifier.clone(),
        results: entry.results.clone(),
        parameters: parameters_value(entry),
        lambda: entry.lambda.as_ref().map(|l| LambdaOut {
            function: l.function_name.clone(),
            function_arn: l.function_arn.clone(),
            time_limit_ms: l.limit_ms(),
            time_limit_assumed: l.limit_assumed(),
            failed: entry.is_failed_lambda_block(),
            confidence: block.link.as_ref().map(|k| k.confidence.as_str()),
            candidates: block.link.as_ref().map(|k| k.candidates),
            invocations: block
                .link
                .as_ref()
                .map(|k| invocations_out(k, block.verdict.as_ref()))
                .unwrap_or_default(),
            verdict: block.verdict.as_ref().map(verdict_out),
        }),
    }
}

/// The time offsets of a timeline are counted from its first block.
pub fn first_timestamp(result: &ExplainResult) -> Millis {
    result
        .blocks
        .first()
        .map(|b| b.entry.timestamp)
        .unwrap_or_default()
}

pub fn explain_doc(result: &ExplainResult) -> ExplainDoc {
    let first = first_timestamp(result);
    ExplainDoc {
        schema_version: SCHEMA_VERSION,
        contact_id: result.contact_id.clone(),
        scope: scope_out(&result.scope),
        blocks: result.blocks.iter().map(|b| block_out(b, first)).collect(),
        inputs: inputs_out(&result.inputs),
        live: result.live.as_ref().map(live_out),
    }
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

/// Pretty-printed: one document is read by people as often as by `jq`.
fn write_document<T: Serialize>(out: &mut dyn Write, doc: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    writeln!(out)
}

/// One compact object per line, nothing else.
fn write_line<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

pub fn write_scan_json(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    write_document(out, &scan_doc(result))
}

pub fn write_scan_ndjson(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    result
        .failures
        .iter()
        .try_for_each(|f| write_line(out, &failure_out(f)))
}

pub fn write_explain_json(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
    write_document(out, &explain_doc(result))
}

pub fn write_explain_ndjson(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
    let first = first_timestamp(result);
    result
        .blocks
        .iter()
        .try_for_each(|b| write_line(out, &block_out(b, first)))
}

#[cfg(test)]
mod tests {
    //! Pins the JSON / NDJSON schema: the output is read back into strict types
    //! (`deny_unknown_fields`, and `Nullable` for every nullable key so that a
    //! key must be present even when null), as ripgrep's `tests/json.rs` does.
    //! A failing test here means the documented schema changed.

    // Most fields are here only to be required by deserialisation, not read.
    #![allow(dead_code)]

    use crate::report::{fixtures, write_explain, write_scan, OutputFormat};
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// A key that must be present and may be `null` (a plain `Option` field
    /// would also accept the key being absent).
    #[derive(Debug, Deserialize, PartialEq)]
    struct Nullable<T>(Option<T>);

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ScanDoc {
        schema_version: u32,
        scope: Scope,
        summary: Summary,
        failures: Vec<FailureT>,
        inputs: Inputs,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Scope {
        connect_group: String,
        lambda_groups: Vec<String>,
        start: Nullable<String>,
        end: Nullable<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Summary {
        lambda_blocks: u64,
        contacts: u64,
        failures: u64,
        by_class: BTreeMap<String, u64>,
        by_function: Vec<FunctionRow>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FunctionRow {
        function: String,
        class: String,
        count: u64,
        duration_p50_ms: Nullable<f64>,
        duration_p95_ms: Nullable<f64>,
        init_p50_ms: Nullable<f64>,
        init_p95_ms: Nullable<f64>,
        blocks: Nullable<u64>,
        action: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FailureT {
        contact_id: String,
        contact_flow_name: Nullable<String>,
        contact_flow_id: Nullable<String>,
        block_identifier: Nullable<String>,
        timestamp: String,
        function: Nullable<String>,
        function_arn: Nullable<String>,
        time_limit_ms: Nullable<u32>,
        time_limit_assumed: bool,
        results: Nullable<String>,
        class: String,
        confidence: String,
        candidates: usize,
        invocations: Vec<InvocationT>,
        evidence: Vec<EvidenceT>,
        contributing: Vec<String>,
        fix: String,
        searched: Searched,
        key_fact: String,
        action: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct InvocationT {
        request_id: String,
        log_group: String,
        log_stream: String,
        start: String,
        end: Nullable<String>,
        arrival: String,
        duration_ms: Nullable<f64>,
        init_duration_ms: Nullable<f64>,
        restore_duration_ms: Nullable<f64>,
        billed_duration_ms: Nullable<f64>,
        memory_size_mb: Nullable<f64>,
        max_memory_used_mb: Nullable<f64>,
        cold: bool,
        status: String,
        error_type: Nullable<String>,
        timed_out_after_s: Nullable<f64>,
        custom_lines: Vec<CustomLine>,
        xray: Nullable<XrayT>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct XrayT {
        trace_id: String,
        sampled: Nullable<bool>,
        status: String,
        open_at_limit: Nullable<CallT>,
        slowest: Vec<CallT>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CallT {
        name: String,
        namespace: Nullable<String>,
        operation: Nullable<String>,
        resource: Nullable<String>,
        method: Nullable<String>,
        url: Nullable<String>,
        start: String,
        end: Nullable<String>,
        ran_ms: f64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CustomLine {
        timestamp: String,
        offset_ms: i64,
        text: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct EvidenceT {
        timestamp: Nullable<String>,
        text: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Searched {
        log_group: String,
        window_start: String,
        window_end: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inputs {
        files: Vec<InputFile>,
        events_read: u64,
        lines_skipped: u64,
        duplicates_dropped: u64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct InputFile {
        file: String,
        format: String,
        events: u64,
        skipped: Vec<Skipped>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Skipped {
        reason: String,
        count: u64,
        lines: Vec<u64>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ExplainDoc {
        schema_version: u32,
        contact_id: String,
        scope: Scope,
        blocks: Vec<Block>,
        inputs: Inputs,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Block {
        timestamp: String,
        offset_ms: i64,
        contact_flow_name: Nullable<String>,
        module_type: String,
        identifier: Nullable<String>,
        results: Nullable<String>,
        parameters: Nullable<serde_json::Value>,
        lambda: Nullable<LambdaT>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct LambdaT {
        function: String,
        function_arn: String,
        time_limit_ms: u32,
        time_limit_assumed: bool,
        failed: bool,
        confidence: Nullable<String>,
        candidates: Nullable<usize>,
        invocations: Vec<InvocationT>,
        verdict: Nullable<VerdictT>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct VerdictT {
        class: String,
        evidence: Vec<EvidenceT>,
        contributing: Vec<String>,
        fix: String,
        key_fact: String,
        action: String,
    }

    fn scan_text(format: OutputFormat) -> String {
        let mut out = Vec::new();
        assert!(write_scan(&mut out, &fixtures::scan(), format).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    fn explain_text(format: OutputFormat) -> String {
        let mut out = Vec::new();
        assert!(write_explain(&mut out, &fixtures::explain(), format).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> T {
        match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => panic!("schema mismatch: {e}\n{text}"),
        }
    }

    #[test]
    fn scan_json_has_every_documented_key() {
        let text = scan_text(OutputFormat::Json);
        let doc: ScanDoc = parse(&text);
        assert_eq!(doc.schema_version, 1);
        assert_eq!(doc.scope.connect_group, "/aws/connect/acme-prod");
        assert_eq!(doc.scope.lambda_groups.len(), 4);
        assert_eq!(
            doc.scope.start.0.as_deref(),
            Some("2026-11-28T10:15:00.000Z")
        );
        assert!(doc.scope.end.0.is_some());
        assert_eq!(doc.summary.failures, 5);
        assert_eq!(
            (doc.summary.lambda_blocks, doc.summary.contacts),
            (412, 187)
        );
        assert_eq!(doc.summary.by_class.get("cold_start"), Some(&2));
        assert_eq!(doc.summary.by_class.len(), 4, "only classes present");
        assert_eq!(doc.inputs.files[1].skipped[0].lines, vec![17, 18, 912]);
        assert_eq!(doc.inputs.duplicates_dropped, 12);
        assert_eq!(doc.failures.len(), 5);
    }

    #[test]
    fn by_class_keys_follow_class_order() {
        let text = scan_text(OutputFormat::Json);
        let at = |key: &str| text.find(&format!("\"{key}\": ")).unwrap_or(usize::MAX);
        assert!(at("cold_start") < at("downstream_stall"));
        assert!(at("downstream_stall") < at("throttled"));
        assert!(at("throttled") < at("unlinked"));
    }

    #[test]
    fn cold_start_failure_in_json() {
        let doc: ScanDoc = parse(&scan_text(OutputFormat::Json));
        let f = &doc.failures[0];
        assert_eq!(f.timestamp, "2026-11-28T10:15:08.100Z");
        assert_eq!(
            (f.class.as_str(), f.confidence.as_str()),
            ("cold_start", "exact")
        );
        assert_eq!(f.function.0.as_deref(), Some("crm-lookup"));
        assert_eq!(f.time_limit_ms.0, Some(3000));
        assert!(!f.time_limit_assumed);
        assert_eq!(f.contributing, vec!["slow"]);
        assert_eq!(f.evidence.len(), 3);
        let inv = &f.invocations[0];
        assert!(inv.cold);
        assert_eq!(inv.init_duration_ms.0, Some(2214.37));
        assert_eq!(inv.memory_size_mb.0, Some(512.0));
        assert_eq!(inv.status, "success");
        assert_eq!(inv.custom_lines[1].offset_ms, 120);
        assert_eq!(inv.arrival, "2026-11-28T10:15:08.100Z");
    }

    #[test]
    fn unknown_numbers_are_null_not_absent() {
        let doc: ScanDoc = parse(&scan_text(OutputFormat::Json));
        let stall = &doc.failures[1];
        let cut_off = &stall.invocations[2];
        assert_eq!(cut_off.status, "unknown");
        assert_eq!(cut_off.end, Nullable(None));
        assert_eq!(cut_off.duration_ms, Nullable(None));
        assert_eq!(stall.invocations[0].status, "timeout");
        let unlinked = &doc.failures[2];
        assert!(unlinked.invocations.is_empty());
        assert_eq!(unlinked.confidence, "none");
        assert_eq!(unlinked.time_limit_ms.0, Some(8000));
        assert!(unlinked.time_limit_assumed);
        assert_eq!(unlinked.searched.log_group, "/aws/lambda/queue-router");
        let row = doc
            .summary
            .by_function
            .iter()
            .find(|r| r.class == "unlinked")
            .map(|r| (r.count, r.duration_p50_ms.0, r.init_p95_ms.0));
        assert_eq!(row, Some((1, None, None)));
    }

    #[test]
    fn ndjson_is_one_failure_per_line_as_in_the_document() {
        let doc: serde_json::Value = parse(&scan_text(OutputFormat::Json));
        let text = scan_text(OutputFormat::Ndjson);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        for (i, line) in lines.iter().enumerate() {
            let _: FailureT = parse(line);
            let value: serde_json::Value = parse(line);
            assert_eq!(Some(&value), doc["failures"].get(i));
        }
    }

    #[test]
    fn empty_scan_json_and_ndjson() {
        let mut out = Vec::new();
        assert!(write_scan(&mut out, &fixtures::empty_scan(), OutputFormat::Json).is_ok());
        let doc: ScanDoc = parse(&String::from_utf8_lossy(&out));
        assert!(doc.failures.is_empty() && doc.summary.by_class.is_empty());
        let mut out = Vec::new();
        assert!(write_scan(&mut out, &fixtures::empty_scan(), OutputFormat::Ndjson).is_ok());
        assert!(out.is_empty(), "nothing else on stdout");
    }

    #[test]
    fn explain_json_has_every_documented_key() {
        let doc: ExplainDoc = parse(&explain_text(OutputFormat::Json));
        assert_eq!(doc.schema_version, 1);
        assert_eq!(doc.contact_id, fixtures::COLD_CONTACT);
        assert_eq!(doc.inputs.events_read, 7050);
        assert_eq!(doc.blocks.len(), 5);
        assert!(doc.blocks[0].lambda.0.is_none());
        assert_eq!(doc.blocks[0].offset_ms, 0);
        let ok = doc.blocks[1]
            .lambda
            .0
            .as_ref()
            .map(|l| (l.failed, l.verdict.0.is_none()));
        assert_eq!(ok, Some((false, true)));
        let failed = doc.blocks[2].lambda.0.as_ref().expect("a Lambda block");
        assert!(failed.failed);
        assert_eq!(failed.confidence.0.as_deref(), Some("exact"));
        assert_eq!(
            failed.verdict.0.as_ref().map(|v| v.class.as_str()),
            Some("cold_start")
        );
        assert_eq!(failed.invocations[0].custom_lines.len(), 3);
        let prompt = &doc.blocks[3].parameters.0;
        let text = prompt.as_ref().and_then(|p| p["Text"].as_str());
        assert_eq!(text, Some("Sorry, we could not find your account."));
    }

    #[test]
    fn explain_ndjson_is_one_block_per_line() {
        let text = explain_text(OutputFormat::Ndjson);
        let blocks: Vec<Block> = text.lines().map(parse).collect();
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[2].identifier.0.as_deref(), Some("CRM lookup"));
    }

    #[test]
    fn unparsable_parameters_become_null() {
        let mut result = fixtures::explain();
        result.blocks[0].entry.parameters = Some("{not json".into());
        let mut out = Vec::new();
        assert!(write_explain(&mut out, &result, OutputFormat::Json).is_ok());
        let doc: ExplainDoc = parse(&String::from_utf8_lossy(&out));
        assert_eq!(doc.blocks[0].parameters, Nullable(None));
    }

    #[test]
    fn scan_json_snapshot() {
        insta::assert_snapshot!(scan_text(OutputFormat::Json));
    }
}
