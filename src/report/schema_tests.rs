//! Pins the JSON / NDJSON schema: the output is read back into strict types
//! (`deny_unknown_fields`, and `Nullable` for every nullable key so that a
//! key must be present even when null), as ripgrep's `tests/json.rs` does.
//! A failing test here means the documented schema changed.

// Most fields are here only to be required by deserialisation, not read.
#![allow(dead_code)]

use super::{fixtures, write_explain, write_scan, OutputFormat};
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
