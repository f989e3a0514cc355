//! Hostile and broken input through the binary: a correct analysis or a
//! clear message naming the file, never a panic (exit code 101) and never
//! a hang.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

const CONTACT: &str = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a";
const RID: &str = "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
const T: i64 = 1_795_860_000_100; // 2026-11-28T10:00:00.100Z

/// A warm stall (8 s block, function ran 12 s) with the Lambda clock
/// `skew_ms` off Connect's, and `extra` lines appended to the Lambda file.
fn write_stall(root: &Path, skew_ms: i64, extra: &[String]) {
    let connect = root.join("aws/connect/acme-prod");
    let lambda = root.join("aws/lambda/crm-lookup");
    fs::create_dir_all(&connect).unwrap();
    fs::create_dir_all(&lambda).unwrap();
    let entry = format!(
        r#"{{"Results":"The Lambda Function Returned An Error.","ContactId":"{CONTACT}","ContactFlowName":"Main IVR","ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Timestamp":"2026-11-28T10:00:00.100Z","Parameters":{{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup","TimeLimit":"8000"}}}}"#
    );
    let line = serde_json::json!({"timestamp": T, "logStream": "acme_1", "message": entry});
    fs::write(connect.join("flow.ndjson"), format!("{line}\n")).unwrap();
    let t = T + 40 + skew_ms;
    let mut lines: Vec<String> = [
        (t, format!("START RequestId: {RID} Version: $LATEST\n")),
        (t + 20, format!("2026-11-28T10:00:00.160Z\t{RID}\tINFO\tcalling CRM\n")),
        (t + 12_000, format!("END RequestId: {RID}\n")),
        (t + 12_000, format!("REPORT RequestId: {RID}\tDuration: 12000.00 ms\tBilled Duration: 12000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n")),
    ]
    .iter()
    .map(|(ts, m)| serde_json::json!({"timestamp": ts, "logStream": "2026/11/28/[$LATEST]abc", "message": m}).to_string())
    .collect();
    lines.extend(extra.iter().cloned());
    fs::write(lambda.join("events.ndjson"), lines.join("\n") + "\n").unwrap();
}

fn scan(dir: &Path) -> (Option<i32>, serde_json::Value, String) {
    let out = bin()
        .args(["scan", "-o", "json", "-i"])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), doc, stderr)
}

#[test]
fn clock_skew_of_three_seconds_either_way_still_links() {
    for skew in [-3_000, 3_000] {
        let dir = tempfile::tempdir().unwrap();
        write_stall(dir.path(), skew, &[]);
        let (code, doc, stderr) = scan(dir.path());
        assert_eq!(code, Some(0), "{stderr}");
        let f = &doc["failures"][0];
        assert_eq!(f["class"], "downstream_stall", "skew {skew}: {f}");
        assert_eq!(f["invocations"][0]["request_id"], RID, "skew {skew}");
    }
}

#[test]
fn the_same_events_twice_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let path = dir.path().join("aws/lambda/crm-lookup/events.ndjson");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}{text}")).unwrap();
    let (code, doc, _) = scan(dir.path());
    assert_eq!(code, Some(0));
    assert_eq!(doc["failures"][0]["class"], "downstream_stall");
    assert_eq!(
        doc["failures"][0]["invocations"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn deeply_nested_json_and_a_256_kb_line_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let big = "x".repeat(256 * 1024);
    let extra = vec![
        format!("{{\"timestamp\": {}, \"logStream\": \"s\", \"message\": {nested}}}", T + 1),
        nested.clone(),
        serde_json::json!({"timestamp": T + 50, "logStream": "2026/11/28/[$LATEST]abc", "message": big}).to_string(),
    ];
    write_stall(dir.path(), 0, &extra);
    let flow = dir.path().join("aws/connect/acme-prod/flow.ndjson");
    let connect_nested =
        serde_json::json!({"timestamp": T + 2, "logStream": "acme_1", "message": nested});
    let mut text = fs::read_to_string(&flow).unwrap();
    text.push_str(&format!("{connect_nested}\n"));
    fs::write(&flow, text).unwrap();
    let (code, doc, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(doc["failures"][0]["class"], "downstream_stall");
    assert!(
        doc["inputs"]["lines_skipped"].as_u64().unwrap() >= 2,
        "{}",
        doc["inputs"]
    );
}

#[test]
fn a_fifo_or_a_directory_given_as_a_file_is_a_clear_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let fifo = dir.path().join("aws/lambda/crm-lookup/pipe.ndjson");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo is needed for this test"
    );
    let out = bin()
        .args(["scan", "-i"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pipe.ndjson"), "{stderr}");
    let out = bin()
        .args(["scan", "-i"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn a_stream_cut_off_mid_invocation_still_diagnoses() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let path = dir.path().join("aws/lambda/crm-lookup/events.ndjson");
    let text = fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().take(2).collect(); // START and one line: no END/REPORT
    fs::write(&path, kept.join("\n") + "\n").unwrap();
    let (code, doc, _) = scan(dir.path());
    assert_eq!(code, Some(0));
    let f = &doc["failures"][0];
    assert_eq!(f["invocations"][0]["status"], "unknown");
    assert_eq!(
        f["class"], "downstream_stall",
        "silent from +20 ms until Connect gave up: {f}"
    );
}

#[test]
fn many_garbage_lines_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let path = dir.path().join("aws/lambda/crm-lookup/events.ndjson");
    let mut text = fs::read_to_string(&path).unwrap();
    let garbage = "\u{1}not json at all \u{7f}\n".repeat(200_000);
    text.push_str(&garbage);
    fs::write(&path, text).unwrap();
    let (code, doc, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(doc["inputs"]["lines_skipped"], 200_000);
    assert_eq!(doc["failures"][0]["class"], "downstream_stall");
}

/// Ten million lines of garbage of every kind (control bytes, invalid
/// UTF-8, JSON cut short, JSON that is not an event, plain text) in
/// the Connect group, with the one real entry at the end: every garbage
/// line is counted, the failure is still found, memory stays flat.
#[test]
fn ten_million_garbage_lines_are_counted_and_the_failure_still_found() {
    use std::io::Write;
    const LINES: usize = 10_000_000;
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let flow = dir.path().join("aws/connect/acme-prod/flow.ndjson");
    let real = fs::read(&flow).unwrap();
    let kinds: [&[u8]; 6] = [
        b"\x01\x02 binary \x7f",
        b"\xff\xfe not utf-8 \xc3\x28",
        b"{\"timestamp\": 17958600",
        b"{\"no\": \"event\"}",
        b"2026-11-28T10:00:00.100Z\tplain text, as `aws logs tail` prints",
        b"[1,2,3]",
    ];
    let mut out = std::io::BufWriter::new(fs::File::create(&flow).unwrap());
    for i in 0..LINES {
        out.write_all(kinds[i % kinds.len()]).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.write_all(&real).unwrap();
    out.flush().unwrap();
    drop(out);

    let (code, doc, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(doc["failures"][0]["class"], "downstream_stall");
    assert_eq!(doc["failures"][0]["invocations"][0]["request_id"], RID);
    assert_eq!(
        doc["inputs"]["lines_skipped"], LINES as u64,
        "{}",
        doc["inputs"]
    );
    // One warning line per file and reason, naming the file and the first
    // line, not ten million lines of stderr.
    assert!(
        stderr.contains(&format!("warning: {LINES} input line(s) skipped")),
        "{stderr}"
    );
    assert!(stderr.contains("flow.ndjson:1:"), "{stderr}");
    assert!(stderr.lines().count() < 20, "{stderr}");
}

/// Is this process root (who can read a file whatever its mode)?
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A file the user may not read: exit 3 naming the file and the reason.
/// As root (where permissions do not stop reads, as in CI), the binary is
/// run as `nobody` through `setpriv`.
#[test]
fn an_unreadable_file_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    write_stall(dir.path(), 0, &[]);
    let locked = dir.path().join("aws/lambda/crm-lookup/events.ndjson");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    for sub in [
        "aws",
        "aws/connect",
        "aws/lambda",
        "aws/connect/acme-prod",
        "aws/lambda/crm-lookup",
    ] {
        fs::set_permissions(dir.path().join(sub), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(
        dir.path().join("aws/connect/acme-prod/flow.ndjson"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_connect-timeouts"));
    let mut cmd = if running_as_root() {
        // `nobody` must reach the binary: a world-readable copy.
        let copy = dir.path().join("connect-timeouts");
        fs::copy(binary, &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(copy);
        cmd
    } else {
        Command::new(binary)
    };
    let out = cmd
        .args(["scan", "-o", "json", "-i"])
        .arg(dir.path().join("aws"))
        .output()
        .expect("setpriv (util-linux) runs the binary as nobody");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("events.ndjson") && stderr.to_lowercase().contains("permission denied"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// Lines in any order (a merged export, `sort -r`, a shuffled capture)
/// give the same analysis as lines in time order.
#[test]
fn lines_out_of_order_give_the_same_analysis() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    let (_, ordered, _) = scan(dir.path());
    let path = dir.path().join("aws/lambda/crm-lookup/events.ndjson");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    lines.swap(0, 1);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (code, reversed, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(reversed["failures"], ordered["failures"]);
    assert_eq!(reversed["failures"][0]["class"], "downstream_stall");
}

/// Timestamps in the future (a machine whose clock ran ahead, a fixture
/// dated 2099) are data like any other: analysed, not dropped.
#[test]
fn timestamps_in_the_future_are_analysed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &[]);
    // Move every event 73 years ahead: Connect's Timestamp inside the
    // message and the export's timestamp alike.
    const AHEAD_MS: i64 = 2_303_683_200_000; // 2026-11-28 -> 2099-11-28
    for file in [
        "aws/connect/acme-prod/flow.ndjson",
        "aws/lambda/crm-lookup/events.ndjson",
    ] {
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        let moved: Vec<String> = text
            .lines()
            .map(|line| {
                let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
                let ts = v["timestamp"].as_i64().unwrap();
                v["timestamp"] = (ts + AHEAD_MS).into();
                let message = v["message"]
                    .as_str()
                    .unwrap()
                    .replace("2026-11-28T", "2099-11-28T");
                v["message"] = message.into();
                v.to_string()
            })
            .collect();
        fs::write(&path, moved.join("\n") + "\n").unwrap();
    }
    let (code, doc, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let f = &doc["failures"][0];
    assert_eq!(f["class"], "downstream_stall", "{f}");
    assert_eq!(f["invocations"][0]["request_id"], RID);
    assert!(
        f["timestamp"]
            .as_str()
            .unwrap()
            .starts_with("2099-11-28T10:00:00.100"),
        "{f}"
    );
    assert_eq!(doc["inputs"]["lines_skipped"], 0);
}

/// An environment that died leaves a START with no END/REPORT; a stream
/// whose head was lost leaves a REPORT with no START. Neither crashes the
/// scan nor takes the failed block from its own invocation.
#[test]
fn a_report_without_start_and_a_start_without_report_do_not_mislead() {
    let orphan = "7f7f7f7f-0000-4000-8000-000000000001";
    let dead = "7f7f7f7f-0000-4000-8000-000000000002";
    let line = |ts: i64, stream: &str, message: String| {
        serde_json::json!({"timestamp": ts, "logStream": stream, "message": message}).to_string()
    };
    let extra = vec![
        line(
            T + 2_000,
            "2026/11/28/[$LATEST]head-lost",
            format!("REPORT RequestId: {orphan}\tDuration: 900.00 ms\tBilled Duration: 900 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"),
        ),
        line(
            T + 300,
            "2026/11/28/[$LATEST]died",
            format!("START RequestId: {dead} Version: $LATEST\n"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    write_stall(dir.path(), 0, &extra);
    let (code, doc, stderr) = scan(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let f = &doc["failures"][0];
    assert_eq!(f["class"], "downstream_stall", "{f}");
    assert_eq!(f["invocations"][0]["request_id"], RID, "{f}");
    assert_eq!(f["invocations"].as_array().unwrap().len(), 1, "{f}");
}
