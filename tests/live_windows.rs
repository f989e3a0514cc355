//! The live scan's bill: against moto, an hour of traffic (a contact every
//! 10 s, each with a successful Lambda block and its invocation) with a
//! handful of failures. The Lambda group must be queried only around the
//! failures (a few percent of the hour), and the number of Lambda queries
//! must follow the number of distinct failure windows, not of failures.

mod common;

use common::moto::Moto;
use common::queries_shown;
use serde_json::{json, Value};

const HOUR_MS: i64 = 3_600_000;
const FLOW: &str = "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a";
const CONNECT: &str = "/aws/connect/acme-prod";
const LAMBDA: &str = "/aws/lambda/crm-lookup";
/// The block's limit (ms); the function's own timeout is 3 s.
const LIMIT: i64 = 8_000;

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// A hex id unique to `n` and `kind`, shaped as a UUID.
fn uuid(kind: u32, n: i64) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

struct Traffic {
    /// `{"stream", "timestamp", "message"}` per group.
    connect: Vec<Value>,
    lambda: Vec<Value>,
}

impl Traffic {
    fn flow(&mut self, contact: &str, ts: i64, body: &str) {
        let message = format!(
            r#"{{{body}"ContactId":"{contact}","ContactFlowId":"{FLOW}","ContactFlowName":"Main IVR","Timestamp":"{}"}}"#,
            iso(ts)
        );
        self.connect
            .push(json!({"stream": "acme_1", "timestamp": ts, "message": message}));
    }

    fn lambda(&mut self, stream: &str, ts: i64, message: String) {
        self.lambda
            .push(json!({"stream": stream, "timestamp": ts, "message": message}));
    }

    /// A contact whose Lambda block ran `took` ms; failed when `timed_out`.
    fn contact(&mut self, n: i64, ts: i64, timed_out: bool) {
        let contact = uuid(0xc0, n);
        let rid = uuid(0x1d, n);
        // One stream per environment; 8 warm environments take turns.
        let stream = format!("2026/11/28/[$LATEST]{:032x}", n % 8);
        let results = if timed_out {
            r#""Results":"The Lambda Function Returned An Error.","#
        } else {
            r#""ExternalResults":{"isSuccess":"true"},"#
        };
        let block = format!(
            r#"{results}"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Parameters":{{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup","TimeLimit":"{LIMIT}"}},"#
        );
        self.flow(
            &contact,
            ts - 400,
            r#""ContactFlowModuleType":"SetLoggingBehavior","Identifier":"log","Parameters":{"LoggingBehavior":"Enable"},"#,
        );
        self.flow(&contact, ts, &block);
        self.flow(
            &contact,
            ts + if timed_out { 3_100 } else { 300 },
            r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Prompt","Parameters":{"Text":"Hi"},"#,
        );
        let start = ts + 30;
        self.lambda(
            &stream,
            start,
            format!("START RequestId: {rid} Version: $LATEST\n"),
        );
        self.lambda(
            &stream,
            start + 5,
            format!(
                "{}\t{rid}\tINFO\tlookup for ContactId {contact}\n",
                iso(start + 5)
            ),
        );
        let took = if timed_out { 3_000 } else { 240 };
        if timed_out {
            self.lambda(
                &stream,
                start + took,
                format!(
                    "{}\t{rid}\tTask timed out after 3.00 seconds\n",
                    iso(start + took)
                ),
            );
        }
        self.lambda(&stream, start + took, format!("END RequestId: {rid}\n"));
        self.lambda(
            &stream,
            start + took,
            format!("REPORT RequestId: {rid}\tDuration: {took}.00 ms\tBilled Duration: {took} ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t\n"),
        );
    }
}

/// An hour from `t0`: a successful contact every 10 s (at :05, :15, ...),
/// and a failed one at each offset in `failures` (ms from `t0`).
fn hour(t0: i64, failures: &[i64]) -> Value {
    let mut traffic = Traffic {
        connect: Vec::new(),
        lambda: Vec::new(),
    };
    for n in 0..360 {
        traffic.contact(n, t0 + 5_000 + n * 10_000, false);
    }
    for (i, &offset) in failures.iter().enumerate() {
        traffic.contact(10_000 + i as i64, t0 + offset, true);
    }
    json!({
        "groups": {CONNECT: traffic.connect, LAMBDA: traffic.lambda},
        "functions": [{"name": "crm-lookup", "timeout": 3, "memory": 512}],
    })
}

/// A query printed by `--show-queries`: its group and span in seconds.
struct Query {
    group: String,
    from: i64,
    to: i64,
}

struct Scan {
    doc: Value,
    queries: Vec<Query>,
}

fn scan_hour(failures: &[i64]) -> (i64, Scan) {
    let now = chrono::Utc::now().timestamp_millis();
    // Ended 10 minutes ago (no ingestion-lag warning), on a whole minute.
    let t0 = (now - HOUR_MS - 600_000) / 60_000 * 60_000;
    let moto = Moto::start();
    moto.seed(&hour(t0, failures));
    let out = moto
        .bin()
        .args([
            "scan",
            "-o",
            "json",
            "--show-queries",
            "--instance",
            "acme-prod",
        ])
        .args(["--start", &iso(t0), "--end", &iso(t0 + HOUR_MS)])
        .args(["--endpoint-url", &moto.url])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Printed on failure only (the harness captures it).
    println!("{stderr}");
    let queries = queries_shown(&stderr)
        .into_iter()
        .map(|(group, from, to)| Query { group, from, to })
        .collect();
    let doc = serde_json::from_slice(&out.stdout).unwrap();
    (t0, Scan { doc, queries })
}

/// The Lambda group's window queries (every line), each checked to be
/// followed by its tail query (closing lines only, from the next second).
fn lambda_queries(scan: &Scan) -> Vec<&Query> {
    let mut all: Vec<&Query> = scan.queries.iter().filter(|q| q.group == LAMBDA).collect();
    all.sort_by_key(|q| q.from);
    assert_eq!(all.len() % 2, 0, "a window and its tail each");
    for pair in all.chunks(2) {
        assert_eq!(
            pair[1].from, pair[0].to,
            "the tail starts where its window ends"
        );
        assert!(pair[1].to - pair[1].from <= 61, "a tail of at most 60 s");
    }
    all.into_iter().step_by(2).collect()
}

/// Every failure found, linked to its own invocation, as a timeout.
fn assert_all_found(scan: &Scan, failures: usize) {
    let found = scan.doc["failures"].as_array().unwrap();
    assert_eq!(found.len(), failures, "{}", scan.doc["summary"]);
    for (i, f) in found.iter().enumerate() {
        assert_eq!(f["contact_id"], uuid(0xc0, 10_000 + i as i64), "{f}");
        assert_eq!(
            f["invocations"][0]["request_id"],
            uuid(0x1d, 10_000 + i as i64),
            "{f}"
        );
        assert_eq!(f["invocations"][0]["status"], "timeout", "{f}");
    }
    assert_eq!(scan.doc["summary"]["lambda_blocks"], 360 + failures as u64);
}

#[test]
fn lambda_queries_cover_only_the_failure_windows_of_an_hour() {
    // Four failures: one at 10 min, a burst of three at 30 min.
    let failures = [600_000, 1_800_000, 1_801_000, 1_802_500];
    let (t0, scan) = scan_hour(&failures);
    assert_all_found(&scan, failures.len());

    // The Connect group: the failed blocks and the two totals over the
    // whole hour; every Lambda block only around the two distinct failure
    // times (a minute or so each, not the hour).
    let connect: Vec<&Query> = scan.queries.iter().filter(|q| q.group == CONNECT).collect();
    let (whole, around): (Vec<&Query>, Vec<&Query>) =
        connect.iter().partition(|q| q.to - q.from == 3_600);
    assert_eq!(whole.len(), 3, "stage 1 and the totals");
    assert_eq!(around.len(), 2, "stage 2: two distinct neighbourhoods");
    for q in &around {
        assert!(q.to - q.from <= 90, "{} s", q.to - q.from);
    }

    // The Lambda group: one query per distinct window, each around its
    // failures, a few percent of the hour in all (then its tail: 15 s of
    // END/REPORT lines for a 3 s function). A window here is 70 s: the
    // failure's link window and its successful neighbours' (every 10 s,
    // they take part in the assignment); the burst of three shares one
    // window.
    let lambda = lambda_queries(&scan);
    assert_eq!(lambda.len(), 2, "two distinct windows");
    let queried: i64 = lambda.iter().map(|q| q.to - q.from).sum();
    assert!(
        queried * 100 <= 3_600 * 5,
        "{queried} s queried of 3600 s: more than 5%"
    );
    for q in &lambda {
        let covers = failures
            .iter()
            .any(|&f| q.from * 1000 <= t0 + f && t0 + f + LIMIT <= q.to * 1000);
        assert!(
            covers,
            "a Lambda query away from every failure: {}..{}",
            q.from, q.to
        );
    }
}

#[test]
fn lambda_queries_grow_with_distinct_windows_not_with_failures() {
    // Three failures, each alone: three windows, so three queries, where
    // the four failures above needed two.
    let failures = [600_000, 1_800_000, 3_000_000];
    let (_, scan) = scan_hour(&failures);
    assert_all_found(&scan, failures.len());
    let lambda = lambda_queries(&scan);
    assert_eq!(lambda.len(), 3);
    let queried: i64 = lambda.iter().map(|q| q.to - q.from).sum();
    assert!(queried * 100 <= 3_600 * 8, "{queried} s queried of 3600 s");
}
