//! The binary's contract: exit codes, errors a user can act on, stdout
//! kept for results only.

mod common;

use common::*;
use predicates::prelude::*;
use std::fs;
use std::io::Write;
use std::path::Path;

const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";

/// A tiny, realistic input: one cold start that failed a 3 s block.
fn write_cold_start(root: &Path) {
    let connect = root.join("aws/connect/acme-prod");
    let lambda = root.join("aws/lambda/crm-lookup");
    fs::create_dir_all(&connect).unwrap();
    fs::create_dir_all(&lambda).unwrap();
    let flow = |ts: &str, ms: i64, body: &str| {
        let msg = format!(
            r#"{{{body}"ContactId":"{CONTACT}","ContactFlowId":"arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a","ContactFlowName":"Main IVR","Timestamp":"{ts}"}}"#
        );
        serde_json::json!({"timestamp": ms, "logStream": "acme_1", "message": msg}).to_string()
    };
    let lines = [
        flow(
            "2026-11-28T10:00:00.010Z",
            1_795_860_000_010,
            r#""ContactFlowModuleType":"SetLoggingBehavior","Identifier":"log","Parameters":{"LoggingBehavior":"Enable"},"#,
        ),
        flow(
            "2026-11-28T10:00:00.100Z",
            1_795_860_000_100,
            r#""Results":"The Lambda Function Returned An Error.","ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Parameters":{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live","ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"3000"},"#,
        ),
        flow(
            "2026-11-28T10:00:03.130Z",
            1_795_860_003_130,
            r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt","Parameters":{"Text":"Sorry"},"#,
        ),
    ];
    fs::write(connect.join("flow.ndjson"), lines.join("\n") + "\n").unwrap();
    let rid = "8b9836de-3acb-46ae-82da-080b95e77880";
    let events = [
        (1_795_860_000_140_i64, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c264158db39a1cfcbb5f9b3741413df1cfce4d550c9a475a67d923e19e2f4\n".to_string()),
        (1_795_860_002_350, format!("START RequestId: {rid} Version: 7\n")),
        (1_795_860_002_360, format!("2026-11-28T10:00:02.360Z\t{rid}\tINFO\tlooking up caller\n")),
        (1_795_860_003_700, format!("2026-11-28T10:00:03.700Z\t{rid}\tINFO\tcaller found\n")),
        (1_795_860_003_750, format!("END RequestId: {rid}\n")),
        (1_795_860_003_750, format!("REPORT RequestId: {rid}\tDuration: 1400.12 ms\tBilled Duration: 3601 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 2200.33 ms\t\n")),
    ];
    let events: Vec<_> = events
        .iter()
        .map(|(t, m)| serde_json::json!({"logStreamName": "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100", "timestamp": t, "message": m, "ingestionTime": t + 400, "eventId": t.to_string()}))
        .collect();
    let doc = serde_json::json!({"events": events, "searchedLogStreams": []});
    fs::write(
        lambda.join("events.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
}

fn cold_start_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_cold_start(dir.path());
    dir
}

#[test]
fn scan_finds_the_cold_start_and_exits_zero() {
    let dir = cold_start_dir();
    let doc = scan_json(dir.path());
    let f = &doc["failures"][0];
    assert_eq!(f["class"], "cold_start");
    assert_eq!(f["contact_id"], CONTACT);
    assert_eq!(
        f["invocations"][0]["request_id"],
        "8b9836de-3acb-46ae-82da-080b95e77880"
    );
    assert_eq!(doc["scope"]["connect_group"], "/aws/connect/acme-prod");
    assert_eq!(doc["inputs"]["events_read"], 9);
}

#[test]
fn fail_on_findings_exits_one_only_with_findings() {
    let dir = cold_start_dir();
    bin()
        .args(["scan", "--fail-on-findings", "-i"])
        .arg(dir.path())
        .assert()
        .code(1);
    // The same input narrowed to a period without the failure: exit 0.
    bin()
        .args([
            "scan",
            "--fail-on-findings",
            "--start",
            "2026-11-28T10:00:01Z",
            "-i",
        ])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No Lambda block ran in /aws/connect/acme-prod in 2026-11-28T10:00:01.000Z",
        ));
}

#[test]
fn usage_errors_exit_two() {
    // Without --input, scan is a live scan: a bad --since is a usage error.
    bin()
        .args(["scan", "--since", "1w"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("15m, 1h, 2d"));
    bin()
        .args(["scan", "--since", "1h", "--start", "2026-11-28T10:00:00Z"])
        .assert()
        .code(2);
    bin()
        .args(["scan", "-i", "x", "--output", "yaml"])
        .assert()
        .code(2);
    bin()
        .args(["scan", "-i", "x", "--start", "last tuesday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
    bin()
        .args([
            "scan",
            "-i",
            "x",
            "--start",
            "2026-11-28T11:00:00Z",
            "--end",
            "2026-11-28T10:00:00Z",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--start is after --end"));
}

#[test]
fn a_missing_path_is_an_input_error_naming_it() {
    bin()
        .args(["scan", "-i", "/nonexistent/exports"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/nonexistent/exports"));
}

#[test]
fn no_connect_group_is_an_input_error_listing_what_was_found() {
    let dir = cold_start_dir();
    fs::remove_dir_all(dir.path().join("aws/connect")).unwrap();
    bin()
        .args(["scan", "-i"])
        .arg(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no Amazon Connect flow-log group"))
        .stderr(predicate::str::contains("/aws/lambda/crm-lookup"));
}

#[test]
fn several_connect_groups_need_instance() {
    let dir = cold_start_dir();
    let other = dir.path().join("aws/connect/acme-test");
    fs::create_dir_all(&other).unwrap();
    fs::copy(
        dir.path().join("aws/connect/acme-prod/flow.ndjson"),
        other.join("flow.ndjson"),
    )
    .unwrap();
    bin()
        .args(["scan", "-i"])
        .arg(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "/aws/connect/acme-prod, /aws/connect/acme-test",
        ))
        .stderr(predicate::str::contains("--instance"));
    let out = bin()
        .args(["scan", "-o", "json", "--instance", "acme-test", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["scope"]["connect_group"], "/aws/connect/acme-test");
    assert_eq!(doc["failures"][0]["class"], "cold_start");
}

#[test]
fn an_unknown_contact_names_the_group_and_period_searched() {
    let dir = cold_start_dir();
    bin()
        .args(["explain", "00000000-0000-4000-8000-000000000000", "-i"])
        .arg(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/aws/connect/acme-prod"))
        .stderr(predicate::str::contains(
            "2026-11-28T10:00:00.010Z to 2026-11-28T10:00:03.130Z",
        ));
}

#[test]
fn a_garbage_file_is_skipped_with_a_clear_message_and_strict_fails() {
    let dir = cold_start_dir();
    let bad = dir.path().join("aws/lambda/crm-lookup/garbage.bin");
    fs::write(&bad, [0xde_u8, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x7f, 0x80]).unwrap();
    fs::write(dir.path().join("aws/lambda/crm-lookup/empty.json"), "").unwrap();
    let out = bin()
        .args(["scan", "-o", "json", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("garbage.bin:1: 1 line(s): not a CloudWatch Logs export"),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = doc["inputs"]["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["format"] == "empty"), "{files:?}");
    assert!(
        files.iter().any(|f| f["format"] == "unreadable"),
        "{files:?}"
    );
    assert_eq!(doc["inputs"]["lines_skipped"], 1);
    assert_eq!(doc["failures"][0]["class"], "cold_start");
    bin()
        .args(["scan", "--strict", "-i"])
        .arg(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("garbage.bin"));
}

#[test]
fn truncated_json_keeps_what_was_read_and_names_file_and_line() {
    let dir = cold_start_dir();
    let path = dir.path().join("aws/lambda/crm-lookup/events.json");
    let text = fs::read_to_string(&path).unwrap();
    // Cut inside the last event: the first five events stay usable.
    let cut = text.rfind("\"message\"").unwrap();
    fs::write(&path, &text[..cut]).unwrap();
    let out = bin()
        .args(["scan", "-o", "json", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        regex_match(
            r"events\.json:\d+: 1 line\(s\): truncated or invalid JSON",
            &stderr
        ),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["failures"][0];
    assert_eq!(
        f["invocations"][0]["request_id"],
        "8b9836de-3acb-46ae-82da-080b95e77880"
    );
    assert_eq!(
        f["invocations"][0]["status"], "unknown",
        "REPORT was cut off"
    );
}

fn regex_match(pattern: &str, text: &str) -> bool {
    predicate::str::is_match(pattern).unwrap().eval(text)
}

#[test]
fn skipped_lines_are_counted_reported_and_strict_fails() {
    let dir = cold_start_dir();
    let path = dir.path().join("aws/connect/acme-prod/flow.ndjson");
    let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(b"{\"timestamp\": 1795860009000, \"logStream\": \"acme_1\", \"message\": \"{\\\"ContactId\\\"\n").unwrap();
    f.write_all(b"\xff\xfe not utf8\n").unwrap();
    drop(f);
    let out = bin()
        .args(["scan", "-o", "json", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["inputs"]["lines_skipped"], 2);
    assert_eq!(doc["failures"][0]["class"], "cold_start");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 input line(s) skipped"), "{stderr}");

    bin()
        .args(["scan", "--verbose", "-i"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("flow.ndjson:4: not JSON"))
        .stderr(predicate::str::contains("flow.ndjson:5: invalid UTF-8"));
    bin()
        .args(["scan", "--strict", "-i"])
        .arg(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "--strict: 2 input line(s) skipped",
        ));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = cold_start_dir();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_connect-timeouts"))
        .args(["scan", "-o", "json", "-i"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader went away before the output
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ndjson_output_is_one_failure_per_line() {
    let dir = cold_start_dir();
    let out = bin()
        .args(["scan", "-o", "ndjson", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    let f: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(f["class"], "cold_start");
}

#[test]
fn explain_shows_the_timeline_and_verdict() {
    let dir = cold_start_dir();
    bin()
        .args(["explain", CONTACT, "-i"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("SetLoggingBehavior"))
        .stdout(predicate::str::contains("Sorry prompt"))
        .stdout(predicate::str::contains("verdict: cold_start"))
        .stdout(predicate::str::contains("looking up caller"))
        .stdout(predicate::str::contains("init 2200 ms"));
    let out = bin()
        .args(["explain", CONTACT, "-o", "json", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let blocks = doc["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[1]["lambda"]["verdict"]["class"], "cold_start");
    assert_eq!(
        blocks[1]["lambda"]["invocations"][0]["custom_lines"][0]["offset_ms"],
        10
    );
}
