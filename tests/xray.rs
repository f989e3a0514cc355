//! X-Ray evidence offline, through the binary: a downstream stall whose
//! function is traced, its trace exported with `aws xray batch-get-traces`
//! beside the logs, and decoys (another invocation's trace, a call that
//! ended before the limit, a nested one).

mod common;

use common::*;
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

const CONTACT: &str = "3699d4b2-67bf-4a76-9117-dab32ee9b965";
const RID: &str = "3a09eeb4-68f5-4459-8ee9-77329f709d9c";
const TRACE: &str = "1-6523a0f1-3b2c4d5e6f708192a3b4c5d6";
const DECOY_RID: &str = "51c0ffee-1111-4222-8333-944455566677";
const DECOY_TRACE: &str = "1-6523a0f9-aaaabbbbccccddddeeeeffff";
/// 2026-11-28T10:00:00.000Z.
const T: i64 = 1_795_860_000_000;

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn ndjson(path: &Path, events: &[(i64, &str, String)]) {
    fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    let text: String = events
        .iter()
        .map(|(t, stream, m)| {
            json!({"timestamp": t, "logStream": stream, "message": m}).to_string() + "\n"
        })
        .collect();
    fs::write(path, text).expect("write");
}

/// The stall: an 8 s block; the handler calls DynamoDB (ends at +94 ms),
/// then an HTTP API that never answers (in progress); Lambda ends the
/// invocation at its own 15 s. `sampled` is the REPORT's Sampled.
fn write_logs(root: &Path, sampled: bool) {
    let block = json!({
        "Results": "The Lambda Function Returned An Error.",
        "ContactId": CONTACT,
        "ContactFlowId": "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a",
        "ContactFlowName": "Billing Support",
        "ContactFlowModuleType": "InvokeExternalResource",
        "Identifier": "Lambda_crm-lookup",
        "Timestamp": iso(T),
        "Parameters": {"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup", "TimeLimit": "8000"},
    })
    .to_string();
    ndjson(
        &root.join("aws/connect/acme-prod/flow.ndjson"),
        &[(T, "acme_1", block)],
    );
    let stream = "2026/11/28/[$LATEST]36e3c8b5c4b9fa2cf0d7e7bea6f2ff02";
    let decoy = "2026/11/28/[$LATEST]77cc3b00dbaab9c518a567dbca395156";
    let start = T + 40;
    let end = start + 15_000;
    let sampled = if sampled { "true" } else { "false" };
    ndjson(
        &root.join("aws/lambda/crm-lookup/events.ndjson"),
        &[
            (start, stream, format!("START RequestId: {RID} Version: $LATEST")),
            (start + 3, stream, format!("2026-11-28T10:00:00.043Z\t{RID}\tINFO\thandling contact {CONTACT}")),
            (start + 110, stream, format!("2026-11-28T10:00:00.150Z\t{RID}\tINFO\tcalling CRM")),
            (end, stream, format!("2026-11-28T10:00:15.040Z {RID} Task timed out after 15.00 seconds")),
            (end, stream, format!("END RequestId: {RID}")),
            (end, stream, format!("REPORT RequestId: {RID}\tDuration: 15000.00 ms\tBilled Duration: 15000 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tXRAY TraceId: {TRACE}\tSegmentId: 5b3d2e1f0a9b8c7d\tSampled: {sampled}")),
            // Another request, later: its own trace is in the export too.
            (T + 60_000, decoy, format!("START RequestId: {DECOY_RID} Version: $LATEST")),
            (T + 60_300, decoy, format!("END RequestId: {DECOY_RID}")),
            (T + 60_300, decoy, format!("REPORT RequestId: {DECOY_RID}\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tXRAY TraceId: {DECOY_TRACE}\tSegmentId: 0a0b0c0d0e0f1011\tSampled: true")),
        ],
    );
}

/// `aws xray batch-get-traces --output json`: the stall's trace (the
/// service segment, then the function's) and the decoy's, on two pages.
fn write_traces(root: &Path) {
    let start = T + 40;
    let function = json!({
        "id": "5b3d2e1f0a9b8c7d", "name": "crm-lookup", "trace_id": TRACE,
        "origin": "AWS::Lambda::Function",
        "start_time": seconds(start), "end_time": seconds(start + 15_000),
        "subsegments": [
            {"id": "a1", "name": "Invocation", "start_time": seconds(start + 1), "end_time": seconds(start + 15_000),
             "subsegments": [
                {"id": "b1", "name": "DynamoDB", "namespace": "aws", "start_time": seconds(start + 20), "end_time": seconds(start + 54),
                 "aws": {"operation": "GetItem", "table_name": "customers"}},
                {"id": "b2", "name": "crm.example.com", "namespace": "remote", "start_time": seconds(start + 110), "in_progress": true,
                 "http": {"request": {"method": "GET", "url": "https://crm.example.com/accounts/search?phone=%2B12065550168"}},
                 "subsegments": [
                    {"id": "c1", "name": "tls-handshake", "start_time": seconds(start + 111), "end_time": seconds(start + 160)}]}]},
            {"id": "a2", "name": "Overhead", "start_time": seconds(start + 15_000), "end_time": seconds(start + 15_001)}]
    });
    let service = json!({
        "id": "6a4c1f2b3d4e5f60", "name": "crm-lookup", "trace_id": TRACE, "origin": "AWS::Lambda",
        "start_time": seconds(start), "end_time": seconds(start + 15_001),
        "aws": {"request_id": RID}
    });
    let decoy = json!({
        "id": "0a0b0c0d0e0f1011", "name": "crm-lookup", "trace_id": DECOY_TRACE, "origin": "AWS::Lambda::Function",
        "start_time": seconds(T + 60_000), "end_time": seconds(T + 60_300),
        "subsegments": [{"id": "d1", "name": "DynamoDB", "namespace": "aws", "start_time": seconds(T + 60_010), "end_time": seconds(T + 60_290),
                         "aws": {"operation": "Query", "table_name": "orders"}}]
    });
    let page = |id: &str, docs: &[&Value]| {
        json!({"Traces": [{"Id": id, "Duration": 15.0, "LimitExceeded": false,
            "Segments": docs.iter().enumerate().map(|(i, d)| json!({"Id": format!("s{i}"), "Document": d.to_string()})).collect::<Vec<_>>()}],
            "UnprocessedTraceIds": []})
    };
    let text = format!(
        "{}\n{}\n",
        serde_json::to_string_pretty(&page(TRACE, &[&service, &function])).expect("json"),
        serde_json::to_string_pretty(&page(DECOY_TRACE, &[&decoy])).expect("json")
    );
    fs::create_dir_all(root.join("xray")).expect("mkdir");
    fs::write(root.join("xray/batch-get-traces.json"), text).expect("write");
}

fn scan(root: &Path, args: &[&str]) -> String {
    let out = bin()
        .args(["scan", "--input"])
        .arg(root)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn a_stall_names_the_call_still_open_when_connect_gave_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), true);
    write_traces(dir.path());
    let doc: Value = serde_json::from_str(&scan(dir.path(), &["-o", "json"])).expect("JSON");
    let failure = &doc["failures"][0];
    assert_eq!(failure["class"], "downstream_stall");
    let xray = &failure["invocations"][0]["xray"];
    assert_eq!(xray["trace_id"], TRACE);
    assert_eq!(xray["status"], "found");
    let open = &xray["open_at_limit"];
    assert_eq!(open["method"], "GET");
    assert_eq!(
        open["url"], "https://crm.example.com/accounts/search",
        "query dropped"
    );
    assert_eq!(open["end"], Value::Null, "never ended");
    // Connect gave up 8000 ms after the request arrived (START, T + 40);
    // the call started at T + 150.
    assert_eq!(open["ran_ms"], 7890.0);
    let slowest: Vec<&str> = xray["slowest"]
        .as_array()
        .expect("slowest")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(slowest, ["crm.example.com", "tls-handshake", "DynamoDB"]);
    assert_eq!(
        failure["key_fact"],
        "GET crm.example.com/accounts/search open 7890 ms at the limit"
    );
    let fix = failure["fix"].as_str().expect("fix");
    assert!(
        fix.starts_with("The handler was waiting on GET crm.example.com/accounts/search, which had been running 7890 ms when Connect gave up"),
        "{fix}"
    );
    // The decoy trace is read but belongs to nobody who failed.
    assert!(
        !doc.to_string().contains("orders"),
        "the decoy's call leaked"
    );
    let files: Vec<&str> = doc["inputs"]["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["format"].as_str())
        .collect();
    assert!(files.contains(&"xray-traces"), "{files:?}");
    assert_eq!(doc["inputs"]["lines_skipped"], 0);
}

#[test]
fn the_table_and_explain_say_it_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), true);
    write_traces(dir.path());
    // Paragraphs wrap: read them as one line.
    let table = scan(dir.path(), &["--details"]).replace("\n      ", " ");
    assert!(
        table.contains("X-Ray: GET crm.example.com/accounts/search had been running 7890 ms when Connect gave up at 8000 ms"),
        "{table}"
    );
    let out = bin()
        .args(["explain", CONTACT, "--input"])
        .arg(dir.path())
        .output()
        .expect("run");
    let explain = String::from_utf8_lossy(&out.stdout);
    assert!(
        explain.contains(&format!("X-Ray trace {TRACE}:")),
        "{explain}"
    );
    let call_line = explain
        .lines()
        .find(|l| l.contains("GET crm.example.com/accounts/search"))
        .expect("the open call under the bar");
    assert!(call_line.ends_with("never ended"), "{call_line}");
    assert!(
        call_line.contains('>') && call_line.contains('|'),
        "{call_line}"
    );
    assert!(
        explain.contains("DynamoDB GetItem customers  34 ms"),
        "{explain}"
    );
}

#[test]
fn without_the_trace_the_evidence_says_why() {
    // Traced but not exported: the trace was not read, and how to add it.
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), true);
    let doc: Value = serde_json::from_str(&scan(dir.path(), &["-o", "json"])).expect("JSON");
    let failure = &doc["failures"][0];
    assert_eq!(failure["invocations"][0]["xray"]["status"], "not_read");
    assert!(failure["evidence"]
        .to_string()
        .contains(&format!("aws xray batch-get-traces --trace-ids {TRACE}")));
    assert!(failure["key_fact"]
        .as_str()
        .expect("fact")
        .starts_with("silent "));
    // Exported but another trace only: not returned.
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), true);
    write_traces(dir.path());
    let path = dir.path().join("xray/batch-get-traces.json");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(
        &path,
        text.replace(TRACE, "1-00000000-000000000000000000000000"),
    )
    .expect("write");
    let doc: Value = serde_json::from_str(&scan(dir.path(), &["-o", "json"])).expect("JSON");
    assert_eq!(
        doc["failures"][0]["invocations"][0]["xray"]["status"],
        "not_found"
    );
    assert!(doc["failures"][0]["evidence"]
        .to_string()
        .contains("was not returned"));
    // Not sampled: nothing to ask for.
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), false);
    write_traces(dir.path());
    let doc: Value = serde_json::from_str(&scan(dir.path(), &["-o", "json"])).expect("JSON");
    assert_eq!(
        doc["failures"][0]["invocations"][0]["xray"]["status"],
        "not_sampled"
    );
    assert_eq!(
        doc["failures"][0]["invocations"][0]["xray"]["open_at_limit"],
        Value::Null
    );
}

#[test]
fn trace_text_is_masked_like_log_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_logs(dir.path(), true);
    write_traces(dir.path());
    let path = dir.path().join("xray/batch-get-traces.json");
    let text = fs::read_to_string(&path).expect("read");
    // A phone number in the path, where no query drop helps.
    fs::write(
        &path,
        text.replace(
            "/accounts/search?phone=%2B12065550168",
            "/customers/+12065550168/search",
        ),
    )
    .expect("write");
    for format in ["json", "table", "markdown"] {
        let out = scan(dir.path(), &["-o", format, "--details"]);
        assert!(!out.contains("2065550168"), "{format}: {out}");
        assert!(out.contains("+*********68"), "{format}: {out}");
    }
}
