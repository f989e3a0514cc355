//! What the binary prints is safe to paste into a ticket: personal data is
//! masked by default, and log text cannot steer the terminal.

mod common;

use common::*;
use std::fs;
use std::path::Path;

const CONTACT: &str = "5d4c3b2a-1f0e-4d9c-8b7a-695847362514";
const RID: &str = "2f1e0d9c-8b7a-4695-8473-625140312f1e";

/// A warm stall whose custom output carries a phone number, an e-mail and
/// a terminal escape sequence; the block's parameters carry the caller.
fn write_hostile(root: &Path) {
    let connect = root.join("aws/connect/acme-prod");
    let lambda = root.join("aws/lambda/crm-lookup");
    fs::create_dir_all(&connect).unwrap();
    fs::create_dir_all(&lambda).unwrap();
    let entry = format!(
        r#"{{"Results":"The Lambda Function Returned An Error.","ContactId":"{CONTACT}","ContactFlowId":"arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a","ContactFlowName":"Main IVR","ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Timestamp":"2026-11-28T10:00:00.100Z","Parameters":{{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup","Parameters":{{"callerPhone":"+12065550168","email":"jane.doe@example.com"}},"TimeLimit":"3000"}}}}"#
    );
    let line = serde_json::json!({"timestamp": 1_795_860_000_100_i64, "logStream": "acme_1", "message": entry});
    fs::write(connect.join("flow.ndjson"), format!("{line}\n")).unwrap();
    let lines = [
        (1_795_860_000_140_i64, format!("START RequestId: {RID} Version: $LATEST\n")),
        (1_795_860_000_150, format!("2026-11-28T10:00:00.150Z\t{RID}\tINFO\tlooking up +12065550168 for jane.doe@example.com\u{1b}[2J\u{1b}[H\rALL CLEAR\n")),
        (1_795_860_008_140, format!("END RequestId: {RID}\n")),
        (1_795_860_008_140, format!("REPORT RequestId: {RID}\tDuration: 8000.00 ms\tBilled Duration: 8000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\n")),
    ];
    let text: String = lines
        .iter()
        .map(|(t, m)| serde_json::json!({"timestamp": t, "logStream": "2026/11/28/[$LATEST]abc", "message": m}).to_string() + "\n")
        .collect();
    fs::write(lambda.join("events.ndjson"), text).unwrap();
}

fn run(dir: &Path, extra: &[&str]) -> String {
    let out = bin()
        .args(["scan", "-i"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn personal_data_is_masked_in_every_output_by_default() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    for format in ["table", "json", "ndjson"] {
        // The table shows whole ids and the evidence under --details.
        let details = if format == "table" { "--details" } else { "-v" };
        let out = run(dir.path(), &["-o", format, details]);
        assert!(
            !out.contains("2065550168"),
            "{format}: phone leaked:\n{out}"
        );
        assert!(!out.contains("jane.doe"), "{format}: e-mail leaked:\n{out}");
        assert!(
            out.contains("+*********68"),
            "{format}: the last two digits stay:\n{out}"
        );
        assert!(
            out.contains(CONTACT) && out.contains(RID),
            "{format}: ids must stay"
        );
        if format != "table" {
            assert!(out.contains("arn:aws:lambda:us-east-1:111122223333:function:crm-lookup"));
        }
    }
    let out = bin()
        .args(["explain", CONTACT, "-o", "json", "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("2065550168") && !text.contains("jane.doe"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let params = &doc["blocks"][0]["parameters"];
    assert_eq!(params["Parameters"]["callerPhone"], "***");
    assert_eq!(params["TimeLimit"], "3000");
}

#[test]
fn no_redact_shows_what_was_logged() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    let out = run(dir.path(), &["-o", "json", "--no-redact"]);
    assert!(
        out.contains("+12065550168") && out.contains("jane.doe@example.com"),
        "{out}"
    );
}

#[test]
fn log_text_cannot_steer_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    for args in [vec!["-o", "table"], vec!["-o", "table", "--no-redact"]] {
        let out = run(dir.path(), &args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\r'),
            "raw control characters: {out:?}"
        );
        assert!(out.contains("\\e[2J"), "shown, not obeyed: {out}");
    }
    let out = bin()
        .args(["explain", CONTACT, "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("\\e[H\\rALL CLEAR"), "{text}");
    // JSON escapes them as JSON does.
    let json = run(dir.path(), &["-o", "json"]);
    assert!(json.contains("\\u001b[2J"), "{json}");
}

/// Ids come from the same JSON as everything else: a contact id, a function
/// ARN or a flow id that holds escape sequences is shown, not obeyed.
#[test]
fn hostile_ids_cannot_steer_the_terminal_either() {
    let dir = tempfile::tempdir().unwrap();
    let connect = dir.path().join("aws/connect/acme-prod");
    fs::create_dir_all(&connect).unwrap();
    let entry = serde_json::json!({
        "Results": "The Lambda Function Returned An Error.",
        "ContactId": "c627399f\u{1b}[2J\u{1b}[HALL CLEAR",
        "ContactFlowId": "arn:aws:connect:x\u{1b}]0;owned\u{7}",
        "ContactFlowName": "Main IVR",
        "ContactFlowModuleType": "InvokeExternalResource",
        "Identifier": "Lookup caller",
        "Timestamp": "2026-11-28T10:00:00.100Z",
        "Parameters": {"FunctionArn": "arn:aws:lambda:us-east-1:1:function:crm\u{1b}[31m", "TimeLimit": "3000"},
    })
    .to_string();
    let line =
        serde_json::json!({"timestamp": 1_795_860_000_100_i64, "logStream": "s", "message": entry});
    fs::write(connect.join("flow.ndjson"), format!("{line}\n")).unwrap();
    for args in [
        vec!["-o", "table", "--details"],
        vec!["-o", "markdown"],
        vec!["-o", "table", "--details", "--no-redact"],
    ] {
        let out = run(dir.path(), &args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}:\n{out}"
        );
        // Markdown escapes the backslash of the visible escape once more.
        let shown = if args[1] == "markdown" {
            "c627399f\\\\e[2J\\\\e[HALL CLEAR"
        } else {
            "c627399f\\e[2J\\e[HALL CLEAR"
        };
        assert!(out.contains(shown), "{args:?}:\n{out}");
    }
    let contact = "c627399f\u{1b}[2J\u{1b}[HALL CLEAR";
    let out = bin()
        .args(["explain", contact, "-i"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains('\u{1b}'), "{text}");
}
