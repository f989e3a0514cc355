//! `--output markdown`, through the binary: the demo pinned as snapshots,
//! and log text written to break the document (pipes, backticks, line
//! breaks, block markers, escape sequences) kept inside its table cells,
//! masked, and never coloured.

mod common;

use common::*;
use std::fs;
use std::path::Path;

const CONTACT: &str = "5d4c3b2a-1f0e-4d9c-8b7a-695847362514";
const RID: &str = "2f1e0d9c-8b7a-4695-8473-625140312f1e";

/// What the function logged last before it went silent: it becomes the
/// key fact, an evidence line and part of the fix.
const HOSTILE_LINE: &str =
    "calling CRM | `rm -rf /` | +12065550168\n# Pwned\n| a | b |\n```\n> quoted\u{1b}[2J\rALL CLEAR";

/// The same flow and block names: they reach tables, headings and lists.
const HOSTILE_FLOW: &str = "Main | IVR `x`\n## Flow";
const HOSTILE_BLOCK: &str = "Lookup | caller\n- item";

#[test]
fn demo_scan_markdown() {
    insta::assert_snapshot!(stdout_of(&[
        "scan",
        "--input",
        "fixtures/demo",
        "--output",
        "markdown"
    ]));
}

#[test]
fn demo_explain_markdown() {
    insta::assert_snapshot!(stdout_of(&[
        "explain",
        "3699d4b2-67bf-4a76-9117-dab32ee9b965",
        "--input",
        "fixtures/demo",
        "--output",
        "markdown",
    ]));
}

/// A warm stall: the block's names and the function's last line carry the
/// hostile text.
fn write_hostile(root: &Path) {
    let connect = root.join("aws/connect/acme-prod");
    let lambda = root.join("aws/lambda/crm-lookup");
    fs::create_dir_all(&connect).unwrap();
    fs::create_dir_all(&lambda).unwrap();
    let entry = serde_json::json!({
        "Results": "The Lambda Function Returned An Error.",
        "ContactId": CONTACT,
        "ContactFlowId": "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a",
        "ContactFlowName": HOSTILE_FLOW,
        "ContactFlowModuleType": "InvokeExternalResource",
        "Identifier": HOSTILE_BLOCK,
        "Timestamp": "2026-11-28T10:00:00.100Z",
        "Parameters": {
            "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup",
            "TimeLimit": "3000"
        }
    });
    let line = serde_json::json!({"timestamp": 1_795_860_000_100_i64, "logStream": "acme_1", "message": entry.to_string()});
    fs::write(connect.join("flow.ndjson"), format!("{line}\n")).unwrap();
    let lines = [
        (1_795_860_000_140_i64, format!("START RequestId: {RID} Version: $LATEST\n")),
        (1_795_860_000_150, format!("2026-11-28T10:00:00.150Z\t{RID}\tINFO\t{HOSTILE_LINE}\n")),
        (1_795_860_008_140, format!("END RequestId: {RID}\n")),
        (1_795_860_008_140, format!("REPORT RequestId: {RID}\tDuration: 8000.00 ms\tBilled Duration: 8000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\n")),
    ];
    let text: String = lines
        .iter()
        .map(|(t, m)| serde_json::json!({"timestamp": t, "logStream": "2026/11/28/[$LATEST]abc", "message": m}).to_string() + "\n")
        .collect();
    fs::write(lambda.join("events.ndjson"), text).unwrap();
}

fn markdown_of(dir: &Path, args: &[&str]) -> String {
    let out = bin().args(args).arg("-i").arg(dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of a table row, split as GFM splits them: on every `|` that
/// no backslash escapes, the outer pipes opening and closing the row.
fn cells(row: &str) -> Vec<String> {
    let inner = row
        .strip_prefix('|')
        .and_then(|r| r.strip_suffix('|'))
        .unwrap_or_else(|| panic!("a row opens and closes with a pipe: {row:?}"));
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        if c == '|' && !escaped {
            cells.push(String::new());
        } else {
            cells.last_mut().unwrap().push(c);
        }
        escaped = c == '\\';
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

fn is_delimiter_row(line: &str) -> bool {
    cells(line)
        .iter()
        .all(|c| !c.is_empty() && c.trim_end_matches(':').chars().all(|ch| ch == '-'))
}

/// Every table of the document (a header row, its delimiter row, its
/// rows), checking that each row has as many cells as its header and that
/// no line starting with a pipe stands outside a table.
fn tables(doc: &str) -> Vec<Vec<Vec<String>>> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        assert!(
            i > 0 && lines[i - 1].is_empty(),
            "a table follows a blank line: {:?}",
            lines[i]
        );
        let header = cells(lines[i]);
        assert!(
            lines.get(i + 1).is_some_and(|l| is_delimiter_row(l)),
            "a header row is followed by its delimiter row: {:?}",
            lines[i]
        );
        assert_eq!(cells(lines[i + 1]).len(), header.len(), "{}", lines[i + 1]);
        let mut table = vec![header.clone()];
        i += 2;
        while i < lines.len() && lines[i].starts_with('|') {
            let row = cells(lines[i]);
            assert_eq!(row.len(), header.len(), "{header:?}\n{}", lines[i]);
            table.push(row);
            i += 1;
        }
        tables.push(table);
    }
    tables
}

/// A cell's text as a GFM renderer shows it: backslash escapes removed.
fn unescape(cell: &str) -> String {
    let mut out = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The column `name` of every row of the table whose header has it.
fn column(tables: &[Vec<Vec<String>>], header: &[&str], name: &str) -> Vec<String> {
    let table = tables
        .iter()
        .find(|t| t[0] == header)
        .unwrap_or_else(|| panic!("a table headed {header:?} in {tables:#?}"));
    let at = table[0].iter().position(|h| h == name).unwrap();
    table[1..].iter().map(|row| row[at].clone()).collect()
}

/// What the hostile line shows as, after masking and the terminal escapes:
/// line breaks and the escape sequence visible, nothing dropped.
const SHOWN_LINE: &str = "calling CRM | `rm -rf /` | +*********68\\n# Pwned\\n| a | b |\\n```\\n> quoted\\e[2J\\rALL CLEAR";
const SHOWN_FLOW: &str = "Main | IVR `x`\\n## Flow";
const SHOWN_BLOCK: &str = "Lookup | caller\\n- item";

#[test]
fn hostile_log_text_stays_inside_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    let scan = markdown_of(dir.path(), &["scan", "-o", "markdown"]);
    let scan_tables = tables(&scan);
    assert_eq!(scan_tables.len(), 2, "what to do, failures:\n{scan}");
    let failures_header = [
        "Time", "Contact", "Flow", "Block", "Function", "Class", "Request", "Key fact",
    ];
    let key_facts = column(&scan_tables, &failures_header, "Key fact");
    assert_eq!(key_facts.len(), 1, "{scan}");
    assert!(
        unescape(&key_facts[0]).contains(SHOWN_LINE),
        "{}\n{scan}",
        key_facts[0]
    );
    let shown = |cells: Vec<String>| cells.iter().map(|c| unescape(c)).collect::<Vec<_>>();
    assert_eq!(
        shown(column(&scan_tables, &failures_header, "Flow")),
        [SHOWN_FLOW]
    );
    assert_eq!(
        shown(column(&scan_tables, &failures_header, "Block")),
        [SHOWN_BLOCK]
    );
    assert_eq!(column(&scan_tables, &failures_header, "Contact"), [CONTACT]);
    assert_eq!(column(&scan_tables, &failures_header, "Request"), [RID]);

    let explain = markdown_of(dir.path(), &["explain", CONTACT, "-o", "markdown"]);
    let explain_tables = tables(&explain);
    assert_eq!(
        explain_tables.len(),
        3,
        "timeline, invocations, output:\n{explain}"
    );
    let output = column(&explain_tables, &["Offset", "Line"], "Line");
    assert_eq!(output.len(), 1, "{explain}");
    assert!(
        unescape(&output[0]).ends_with(SHOWN_LINE),
        "{}\n{explain}",
        output[0]
    );
    let timeline_header = ["Time", "Offset", "Flow", "Block type", "Block", "Result"];
    assert_eq!(
        shown(column(&explain_tables, &timeline_header, "Block")),
        [SHOWN_BLOCK]
    );
}

#[test]
fn hostile_log_text_opens_no_block_outside_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    for args in [
        ["scan", "-o", "markdown"].as_slice(),
        ["explain", CONTACT, "-o", "markdown"].as_slice(),
    ] {
        let doc = markdown_of(dir.path(), args);
        for line in doc.lines() {
            let item = line.trim_start().trim_start_matches("- ");
            for marker in [
                "# Pwned",
                "## Flow",
                "- item",
                "```",
                "> quoted",
                "| a | b |",
            ] {
                assert!(
                    !item.starts_with(marker),
                    "{marker:?} opens a block: {line:?}"
                );
            }
            if line.starts_with('#') {
                assert!(
                    line.starts_with("## ") || line.starts_with("### "),
                    "the tool's own headings only: {line:?}"
                );
            }
        }
        // The evidence quotes the line; its text is all on the item's line.
        let quoted: Vec<&str> = doc.lines().filter(|l| l.contains("Pwned")).collect();
        assert!(
            quoted.iter().all(|l| l.contains("calling CRM")),
            "{quoted:#?}"
        );
    }
}

#[test]
fn markdown_is_masked_escaped_and_never_coloured() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile(dir.path());
    for args in [
        ["scan", "-o", "markdown", "--color", "always"].as_slice(),
        ["explain", CONTACT, "-o", "markdown", "--color", "always"].as_slice(),
    ] {
        let doc = markdown_of(dir.path(), args);
        assert!(!doc.contains("2065550168"), "phone leaked: {doc}");
        assert!(
            doc.contains("+*********68"),
            "the last two digits stay: {doc}"
        );
        assert!(
            !doc.contains('\u{1b}') && !doc.contains('\r'),
            "raw control characters: {doc:?}"
        );
        assert!(doc.contains("\\\\e[2J"), "shown, not obeyed: {doc}");
    }
    let raw = markdown_of(dir.path(), &["scan", "-o", "markdown", "--no-redact"]);
    assert!(raw.contains("+12065550168"), "{raw}");
}
