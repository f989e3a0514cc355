//! X-Ray evidence of a live scan, against moto (which implements
//! PutTraceSegments and BatchGetTraces): a downstream stall whose trace
//! names the call still open when Connect gave up, the same live, offline
//! and from the `--save-logs` capture; only the failure's trace is fetched,
//! never another invocation's; a trace X-Ray does not return, or a denied
//! BatchGetTraces, is a note and never fails the scan. (Paging, throttling
//! and the other errors moto cannot produce are tested with the SDK's mocks
//! in `src/source/live/xray.rs`.)

mod common;

use common::bin;
use common::moto::Moto;
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

const CONTACT: &str = "7d0e3a41-5b2c-4e8f-9a61-0c2b4d6e8f10";
const CONTACT_OK: &str = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
const FLOW: &str = "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a";
const CONNECT: &str = "/aws/connect/acme-prod";
const LAMBDA: &str = "/aws/lambda/crm-lookup";
const STREAM: &str = "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100";
const STREAM_OK: &str = "2026/11/28/[7]00aa1d2c3b4a59687766554433221100";
const RID: &str = "3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d2e";
const RID_OK: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
/// The function segment ids the REPORT lines name.
const SEGMENT: &str = "7a1c9e2b4d6f8a0c";
const SEGMENT_OK: &str = "0c8a6f4d2b9e1c7a";
/// The block's limit: Connect gives up 3 s after the block; the function's
/// own timeout is 8 s.
const LIMIT_MS: i64 = 3_000;
/// The call still open when Connect gave up, in words.
const OPEN_CALL: &str = "GET crm.example.com/accounts/search";

/// Half an hour ago on a whole minute: inside the retention moto enforces,
/// outside the ingestion-lag warning.
fn base() -> i64 {
    let now = chrono::Utc::now().timestamp_millis();
    (now - 1_800_000) / 60_000 * 60_000
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// An X-Ray trace id of a request at `ms`: `1-<epoch seconds, hex>-<24 hex>`.
fn trace_id(ms: i64, unique: &str) -> String {
    format!("1-{:08x}-{unique}", ms / 1000)
}

/// Epoch seconds, as segment documents write times.
fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// The events and the X-Ray segments of the scenario.
struct Scenario {
    start: String,
    end: String,
    /// `{"stream", "timestamp", "message"}`, by group.
    connect: Vec<Value>,
    lambda: Vec<Value>,
    /// Segment documents, as uploaded and as exported.
    segments: Vec<Value>,
    /// The stall's trace and the decoy's (a successful invocation's).
    trace: String,
    decoy: String,
}

impl Scenario {
    /// Contact A: crm-lookup calls the CRM, which does not answer; Connect
    /// gives up after 3 s, the function times out after 8 s. Contact B: a
    /// successful block, whose invocation is traced too.
    fn new(t: i64) -> Scenario {
        let mut s = Scenario {
            start: iso(t - 60_000),
            end: iso(t + 600_000),
            connect: Vec::new(),
            lambda: Vec::new(),
            segments: Vec::new(),
            trace: trace_id(t + 120, "5f0c3e6b8a2d4f1e9c7b6a50"),
            decoy: trace_id(t + 300_010, "0d9c8b7a6f5e4d3c2b1a0f9e"),
        };
        s.stall(t);
        s.decoy(t + 300_000);
        s
    }

    fn flow(&mut self, contact: &str, ts: i64, body: &str) {
        let message = format!(
            r#"{{{body}"ContactId":"{contact}","ContactFlowId":"{FLOW}","ContactFlowName":"Main IVR","Timestamp":"{}"}}"#,
            iso(ts)
        );
        self.connect
            .push(json!({"stream": "acme_1", "timestamp": ts, "message": message}));
    }

    fn block(&mut self, contact: &str, ts: i64, results: &str) {
        self.flow(
            contact,
            ts,
            &format!(
                r#"{results}"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Parameters":{{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live","ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"{LIMIT_MS}"}},"#
            ),
        );
    }

    fn log(&mut self, stream: &str, ts: i64, message: String) {
        self.lambda
            .push(json!({"stream": stream, "timestamp": ts, "message": message}));
    }

    fn stall(&mut self, t: i64) {
        self.block(
            CONTACT,
            t + 100,
            r#""Results":"The Lambda Function Returned An Error.","#,
        );
        self.flow(
            CONTACT,
            t + 3_130,
            r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt","Parameters":{"Text":"Sorry"},"#,
        );
        let at = |ms: i64| iso(t + ms);
        self.log(
            STREAM,
            t + 130,
            format!("START RequestId: {RID} Version: 7\n"),
        );
        self.log(
            STREAM,
            t + 140,
            format!("{}\t{RID}\tINFO\tlooking up the caller\n", at(140)),
        );
        self.log(
            STREAM,
            t + 8_130,
            format!("{}\t{RID}\tTask timed out after 8.00 seconds\n", at(8_130)),
        );
        self.log(STREAM, t + 8_131, format!("END RequestId: {RID}\n"));
        self.log(
            STREAM,
            t + 8_131,
            format!(
                "REPORT RequestId: {RID}\tDuration: 8000.00 ms\tBilled Duration: 8000 ms\t\
                 Memory Size: 512 MB\tMax Memory Used: 91 MB\t\
                 XRAY TraceId: {}\tSegmentId: {SEGMENT}\tSampled: true\t\n",
                self.trace
            ),
        );
        let trace = self.trace.clone();
        self.segments.push(json!({
            "name": "crm-lookup", "id": "4b2d6f8a0c1e3a5b", "trace_id": trace,
            "start_time": secs(t + 120), "end_time": secs(t + 8_135),
            "origin": "AWS::Lambda", "http": {"response": {"status": 200}},
        }));
        // The DynamoDB call ended before Connect gave up; the CRM call was
        // still open (it never ended: the function timed out in it).
        self.segments.push(json!({
            "name": "crm-lookup", "id": SEGMENT, "trace_id": trace,
            "parent_id": "4b2d6f8a0c1e3a5b",
            "start_time": secs(t + 130), "end_time": secs(t + 8_131),
            "origin": "AWS::Lambda::Function", "fault": true,
            "subsegments": [{
                "name": "Invocation", "id": "1a3c5e7f9b2d4f6a",
                "start_time": secs(t + 130), "end_time": secs(t + 8_130), "fault": true,
                "subsegments": [
                    {
                        "name": "DynamoDB", "id": "2b4d6f8a1c3e5a7b", "namespace": "aws",
                        "start_time": secs(t + 150), "end_time": secs(t + 260),
                        "aws": {"operation": "GetItem", "table_name": "customers"},
                    },
                    {
                        "name": "crm.example.com", "id": "3c5e7a9b2d4f6a8c", "namespace": "remote",
                        "start_time": secs(t + 300), "in_progress": true,
                        "http": {"request": {
                            "method": "GET",
                            "url": "https://crm.example.com/accounts/search?phone=%2B12065550100",
                        }},
                    },
                ],
            }],
        }));
    }

    fn decoy(&mut self, t: i64) {
        self.block(CONTACT_OK, t, r#""ExternalResults":{"isSuccess":"true"},"#);
        self.flow(
            CONTACT_OK,
            t + 400,
            r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Welcome","Parameters":{"Text":"Hi"},"#,
        );
        self.log(
            STREAM_OK,
            t + 20,
            format!("START RequestId: {RID_OK} Version: 7\n"),
        );
        self.log(STREAM_OK, t + 300, format!("END RequestId: {RID_OK}\n"));
        self.log(
            STREAM_OK,
            t + 300,
            format!(
                "REPORT RequestId: {RID_OK}\tDuration: 280.00 ms\tBilled Duration: 281 ms\t\
                 Memory Size: 512 MB\tMax Memory Used: 90 MB\t\
                 XRAY TraceId: {}\tSegmentId: {SEGMENT_OK}\tSampled: true\t\n",
                self.decoy
            ),
        );
        self.segments.push(json!({
            "name": "crm-lookup", "id": SEGMENT_OK, "trace_id": self.decoy,
            "start_time": secs(t + 20), "end_time": secs(t + 300),
            "origin": "AWS::Lambda::Function",
            "subsegments": [{
                "name": "decoy-call", "id": "5e7a9c1b3d5f7a9c",
                "start_time": secs(t + 30), "end_time": secs(t + 290),
            }],
        }));
    }

    /// The moto seed: the groups, the function (8 s timeout), and the
    /// segments when `traced`.
    fn seed(&self, traced: bool) -> Value {
        json!({
            "groups": {CONNECT: self.connect, LAMBDA: self.lambda},
            "functions": [{"name": "crm-lookup", "timeout": 8, "memory": 512}],
            "traces": if traced { self.segments.clone() } else { vec![] },
        })
    }

    /// The same events as exported NDJSON files, and the segments as an
    /// `aws xray batch-get-traces --output json` export of both traces.
    fn write_offline(&self, dir: &Path) {
        for (group, events) in [(CONNECT, &self.connect), (LAMBDA, &self.lambda)] {
            let group_dir = dir.join(group.trim_start_matches('/'));
            fs::create_dir_all(&group_dir).unwrap();
            let lines: Vec<String> = events
                .iter()
                .map(|e| {
                    json!({"timestamp": e["timestamp"], "logStream": e["stream"], "message": e["message"]})
                        .to_string()
                })
                .collect();
            fs::write(group_dir.join("events.ndjson"), lines.join("\n") + "\n").unwrap();
        }
        let traces: Vec<Value> = [&self.trace, &self.decoy]
            .into_iter()
            .map(|id| {
                let segments: Vec<Value> = self
                    .segments
                    .iter()
                    .filter(|s| s["trace_id"] == **id)
                    .map(|s| json!({"Id": s["id"], "Document": s.to_string()}))
                    .collect();
                json!({"Id": id, "Duration": 8.015, "LimitExceeded": false, "Segments": segments})
            })
            .collect();
        let export = json!({"Traces": traces, "UnprocessedTraceIds": []});
        fs::write(dir.join("traces.json"), export.to_string()).unwrap();
    }
}

/// A moto seeded with the scenario.
fn started(traced: bool) -> (Moto, Scenario) {
    let scenario = Scenario::new(base());
    let moto = Moto::start();
    moto.seed(&scenario.seed(traced));
    (moto, scenario)
}

/// `scan` of acme-prod over the scenario's period at moto; add flags after.
fn live_scan(moto: &Moto, s: &Scenario) -> assert_cmd::Command {
    let mut cmd = moto.bin();
    cmd.args(["scan", "--instance", "acme-prod"])
        .args(["--start", &s.start, "--end", &s.end])
        .args(["--endpoint-url", &moto.url]);
    cmd
}

fn offline_scan(s: &Scenario, dir: &Path) -> assert_cmd::Command {
    let mut cmd = bin();
    cmd.args(["scan", "--start", &s.start, "--end", &s.end, "-i"])
        .arg(dir);
    cmd
}

/// Run, asserting success: stdout and stderr.
fn run(cmd: &mut assert_cmd::Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// `-o json` of a run, and its stderr.
fn run_json(cmd: &mut assert_cmd::Command) -> (Value, String) {
    let (stdout, stderr) = run(cmd.args(["-o", "json"]));
    let doc = serde_json::from_str(&stdout).expect("one JSON document on stdout");
    (doc, stderr)
}

/// The failures without where each event was read from.
fn comparable(failures: &Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("origin");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = failures.clone();
    strip(&mut v);
    v
}

/// `-v`'s trace of the binary's AWS calls: the operations, in order.
fn traced_calls(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("aws: "))
        .filter_map(|l| l.split_once(" (http").map(|(op, _)| op))
        .collect()
}

/// The trace ids in a capture's `xray/batch-get-traces.json`.
fn captured_traces(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join("xray/batch-get-traces.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["Traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Id"].as_str().unwrap().to_string())
        .collect()
}

/// The stall's trace, read live: the JSON names the trace and the call
/// still open when Connect gave up; only that trace was asked for (the
/// decoy, a successful invocation's, was not), in one call the IAM policy
/// allows; the offline scan of the same events and an exported trace
/// document, and the scan of the capture, give the same failures.
#[test]
fn a_stall_names_the_call_open_at_the_limit_live_offline_and_from_the_capture() {
    let (moto, s) = started(true);
    let saved = tempfile::tempdir().unwrap();
    let (live, stderr) = run_json(
        live_scan(&moto, &s)
            .arg("-v")
            .arg("--save-logs")
            .arg(saved.path()),
    );
    let failures = live["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    let failure = &failures[0];
    assert_eq!(failure["contact_id"], CONTACT);
    assert_eq!(failure["class"], "downstream_stall");
    let xray = &failure["invocations"][0]["xray"];
    assert_eq!(xray["trace_id"], s.trace.as_str());
    assert_eq!(xray["status"], "found");
    let open = &xray["open_at_limit"];
    assert_eq!(open["name"], "crm.example.com");
    assert_eq!(open["method"], "GET");
    assert_eq!(
        open["url"], "https://crm.example.com/accounts/search",
        "no query string"
    );
    assert_eq!(open["end"], Value::Null, "in progress: never ended");
    // From its start (+300 ms) to the arrival (+130 ms) plus the 3 s limit.
    assert_eq!(open["ran_ms"], 2830.0);
    let slowest: Vec<&str> = xray["slowest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(slowest, ["crm.example.com", "DynamoDB"]);
    assert_eq!(
        failure["key_fact"],
        format!("{OPEN_CALL} open 2830 ms at the limit")
    );
    let evidence = failure["evidence"].to_string();
    assert!(
        evidence.contains(&format!(
            "X-Ray: {OPEN_CALL} had been running 2830 ms when Connect gave up at 3000 ms (trace {})",
            s.trace
        )),
        "{evidence}"
    );
    assert!(!stderr.contains("X-Ray returned none"), "{stderr}");

    let calls = traced_calls(&stderr);
    let xray_calls = calls.iter().filter(|c| c.starts_with("xray:")).count();
    assert_eq!(xray_calls, 1, "one BatchGetTraces: {calls:?}");
    for call in &calls {
        assert!(
            connect_timeouts::source::live::ALLOWED_CALLS.contains(call),
            "{call} is not in the IAM policy"
        );
    }
    assert_eq!(
        captured_traces(saved.path()),
        [s.trace.as_str()],
        "the failure's trace only, never the decoy's"
    );

    let offline_dir = tempfile::tempdir().unwrap();
    s.write_offline(offline_dir.path());
    let (offline, _) = run_json(&mut offline_scan(&s, offline_dir.path()));
    assert_eq!(
        comparable(&offline["failures"]),
        comparable(&live["failures"])
    );
    let (replay, _) = run_json(&mut offline_scan(&s, saved.path()));
    assert_eq!(
        comparable(&replay["failures"]),
        comparable(&live["failures"])
    );
}

/// The table's key fact and `explain` say it in words: the call, how long
/// it had been open when Connect gave up, and the trace's calls drawn
/// under the invocation.
#[test]
fn the_table_and_explain_say_it_in_words() {
    let (moto, s) = started(true);
    let (table, _) = run(&mut live_scan(&moto, &s));
    let row = table
        .lines()
        .find(|l| l.contains("downstream_stall") && l.contains("3c1e5a7b"))
        .unwrap_or_else(|| panic!("no failure row: {table}"));
    assert!(
        row.ends_with(&format!("{OPEN_CALL} open 2830 ms at the limit")),
        "{row}"
    );
    let (explained, _) = run(moto
        .bin()
        .args(["explain", CONTACT, "--instance", "acme-prod"])
        .args(["--start", &s.start, "--end", &s.end])
        .args(["--endpoint-url", &moto.url]));
    for needed in [
        format!("X-Ray trace {}:", s.trace),
        "DynamoDB GetItem customers  110 ms".to_string(),
        format!("{OPEN_CALL}  never ended"),
        format!("X-Ray: {OPEN_CALL} had been running 2830 ms when Connect gave up at 3000 ms"),
        format!("fix: The handler was waiting on {OPEN_CALL}, which had been running 2830 ms"),
    ] {
        assert!(
            explained.contains(&needed),
            "{needed:?} missing: {explained}"
        );
    }
    assert!(!explained.contains("decoy-call"), "{explained}");
}

/// X-Ray answers without the trace (gone after 30 days, or Transaction
/// Search): one note says which it may be, the verdict says "not
/// returned", the scan succeeds; the capture keeps the empty answer, so
/// its replay says the same.
#[test]
fn a_trace_x_ray_does_not_return_is_a_note_not_an_error() {
    let (moto, s) = started(false);
    let saved = tempfile::tempdir().unwrap();
    let (live, stderr) = run_json(live_scan(&moto, &s).arg("--save-logs").arg(saved.path()));
    let note = "note: X-Ray returned none of the 1 X-Ray trace asked for: they may be older than \
                X-Ray's 30-day retention, or the account may use Transaction Search, where \
                xray:BatchGetTraces returns nothing\n";
    assert_eq!(stderr.matches(note).count(), 1, "{stderr}");
    let failure = &live["failures"][0];
    assert_eq!(failure["class"], "downstream_stall");
    let xray = &failure["invocations"][0]["xray"];
    assert_eq!(xray["status"], "not_found");
    assert_eq!(xray["open_at_limit"], Value::Null);
    assert!(
        failure["evidence"].to_string().contains(&format!(
            "X-Ray: trace {} was not returned (older than X-Ray's 30 days, or the account uses \
             Transaction Search)",
            s.trace
        )),
        "{}",
        failure["evidence"]
    );
    assert!(captured_traces(saved.path()).is_empty());
    let (replay, _) = run_json(&mut offline_scan(&s, saved.path()));
    assert_eq!(
        comparable(&replay["failures"]),
        comparable(&live["failures"])
    );
}

/// A user without `xray:BatchGetTraces` (moto enforcing IAM answers a bare
/// 403): a note names the action, the verdict says the trace was not read
/// (never "not returned"), the scan succeeds; the capture holds no trace
/// document, so its replay says the same.
#[test]
fn a_denied_batch_get_traces_is_a_note_and_the_trace_reads_as_not_read() {
    let s = Scenario::new(base());
    let moto = Moto::start_enforcing_iam();
    let mut spec = s.seed(true);
    spec["user"] = json!({"name": "oncall", "allow": ["logs:*", "lambda:*"]});
    let created = moto.seed(&spec);
    let key = &created["user"];
    let saved = tempfile::tempdir().unwrap();
    let (live, stderr) = run_json(
        live_scan(&moto, &s)
            .env("AWS_ACCESS_KEY_ID", key["access_key_id"].as_str().unwrap())
            .env(
                "AWS_SECRET_ACCESS_KEY",
                key["secret_access_key"].as_str().unwrap(),
            )
            .arg("--save-logs")
            .arg(saved.path()),
    );
    assert!(
        stderr.contains(
            "note: access denied: xray:BatchGetTraces (HTTP 403): 1 X-Ray trace of the \
             failures' invocations not read; grant xray:BatchGetTraces to read them (the README \
             lists the IAM policy)\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("X-Ray returned none"), "{stderr}");
    let failure = &live["failures"][0];
    assert_eq!(failure["class"], "downstream_stall");
    assert_eq!(failure["invocations"][0]["xray"]["status"], "not_read");
    assert!(
        failure["evidence"]
            .to_string()
            .contains(&format!("X-Ray: trace {} was not read", s.trace)),
        "{}",
        failure["evidence"]
    );
    assert!(!saved.path().join("xray").exists());
    let (replay, _) = run_json(&mut offline_scan(&s, saved.path()));
    assert_eq!(
        comparable(&replay["failures"]),
        comparable(&live["failures"])
    );
}

/// The IAM-policy check of `tests/live.rs`, over a scan that reads a
/// trace: every operation the source's SDK clients sent (the recorder's
/// list) is in `ALLOWED_CALLS`, `xray:BatchGetTraces` among them.
#[test]
fn reading_traces_calls_nothing_outside_the_iam_policy() {
    use connect_timeouts::analyze::{scan, Options};
    use connect_timeouts::source::live::query::RunnerConfig;
    use connect_timeouts::source::live::{InsightsSource, LiveSettings, Target, ALLOWED_CALLS};

    let t = base();
    let s = Scenario::new(t);
    let moto = Moto::start();
    moto.seed(&s.seed(true));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&moto.url)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::new(
                "test", "test", None, None, "static",
            ))
            .load(),
    );
    let settings = LiveSettings {
        target: Target::Alias("acme-prod".into()),
        start: t - 60_000,
        end: t + 600_000,
        contact: None,
        show_queries: false,
        save_logs: None,
        force: false,
        trace_calls: false,
        single_stage: false,
        runner: RunnerConfig::default(),
    };
    let mut source = InsightsSource::with_config(rt, &config, settings).unwrap();
    let opts = Options {
        connect_group: Some(CONNECT.into()),
        start: Some(t - 60_000),
        end: Some(t + 600_000),
        connect_group_exists: true,
        ..Options::default()
    };
    let result = scan(&mut source, &opts).unwrap();
    assert_eq!(result.failures.len(), 1);
    let calls = source.calls();
    for call in &calls {
        assert!(
            ALLOWED_CALLS.contains(&call.as_str()),
            "{call} is not in the IAM policy"
        );
    }
    let xray: Vec<&String> = calls.iter().filter(|c| c.starts_with("xray:")).collect();
    assert_eq!(xray, ["xray:BatchGetTraces"], "{calls:?}");
}

/// The README's IAM policy (the JSON block after "### IAM policy") lists
/// exactly the calls the tool may make.
#[test]
fn the_readme_policy_lists_exactly_the_allowed_calls() {
    use connect_timeouts::source::live::ALLOWED_CALLS;

    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split_once("### IAM policy")
        .map(|(_, rest)| rest)
        .expect("an IAM policy section");
    let json = section
        .split_once("```json\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(block, _)| block)
        .expect("a JSON block in it");
    let policy: Value = serde_json::from_str(json).unwrap();
    let mut actions: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let mut allowed = ALLOWED_CALLS.to_vec();
    actions.sort();
    allowed.sort();
    assert_eq!(actions, allowed);
    assert!(allowed.contains(&"xray:BatchGetTraces"));
}
