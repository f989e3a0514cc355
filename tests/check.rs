//! `check`, end to end through the binary: flows in the real flow language
//! (in `describe-contact-flow`'s envelope and as raw documents), function
//! configurations as `get-function-configuration` prints them, and the
//! logs `scan` reads. Every kind has a case that fires and a near case
//! that must not; `--fail-on` decides the exit code; the alarms parse; the
//! JSON schema is pinned with strict types; the table and the markdown of
//! a realistic contact center are snapshots.

mod common;

use common::bin;
use serde::Deserialize;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// 2026-11-28T10:00:00Z.
const T0: i64 = 1_795_860_000_000;
const ACCOUNT: &str = "111122223333";
const INSTANCE: &str = "3ff2093d-af96-43fd-b038-3c07cdd7609c";
const CONNECT_GROUP: &str = "/aws/connect/acme-prod";

fn arn(function: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}")
}

// ---------------------------------------------------------------------------
// Flows, in the flow language
// ---------------------------------------------------------------------------

/// Blocks of the flow language, as the console exports them.
mod block {
    use super::arn;
    use serde_json::{json, Value};

    fn next_and_error(next: &str, error: &str) -> Value {
        json!({"NextAction": next, "Errors": [{"NextAction": error, "ErrorType": "NoMatchingError"}]})
    }

    /// A synchronous "Invoke AWS Lambda function" block.
    pub fn invoke(id: &str, function: &str, seconds: &str, next: &str, error: &str) -> Value {
        json!({
            "Parameters": {
                "LambdaFunctionARN": arn(function),
                "InvocationTimeLimitSeconds": seconds,
                "InvocationType": "SYNCHRONOUS",
                "ResponseValidation": {"ResponseType": "STRING_MAP"},
                "LambdaInvocationAttributes": {"action": "lookup"}
            },
            "Identifier": id,
            "Type": "InvokeLambdaFunction",
            "Transitions": next_and_error(next, error)
        })
    }

    /// An older block: no `InvocationType` (synchronous).
    pub fn invoke_legacy(
        id: &str,
        function: &str,
        seconds: &str,
        next: &str,
        error: &str,
    ) -> Value {
        json!({
            "Parameters": {"LambdaFunctionARN": arn(function), "InvocationTimeLimitSeconds": seconds},
            "Identifier": id,
            "Type": "InvokeLambdaFunction",
            "Transitions": next_and_error(next, error)
        })
    }

    pub fn invoke_async(id: &str, function: &str, seconds: &str, next: &str, error: &str) -> Value {
        json!({
            "Parameters": {
                "LambdaFunctionARN": arn(function),
                "InvocationTimeLimitSeconds": seconds,
                "InvocationType": "ASYNCHRONOUS",
                "ResponseValidation": {"ResponseType": "JSON"}
            },
            "Identifier": id,
            "Type": "InvokeLambdaFunction",
            "Transitions": next_and_error(next, error)
        })
    }

    /// The Wait block on an asynchronous call, as the console writes it.
    pub fn wait_for_lambda(id: &str, returned: &str, other: &str) -> Value {
        json!({
            "Parameters": {
                "TimeLimitSeconds": "60",
                "ContinueExecution": "TRUE",
                "InterruptibleEvents": {"LambdaReturned": {"AsyncLambdaCompletionEvent": {
                    "Identifier": "$.LambdaInvocation.InvocationId"}}},
                "MinimumWaitTimeSeconds": "1"
            },
            "Identifier": id,
            "Type": "Wait",
            "Transitions": {
                "NextAction": other,
                "Conditions": [
                    {"NextAction": returned, "Condition": {"Operator": "Equals", "Operands": ["LambdaReturned"]}},
                    {"NextAction": other, "Condition": {"Operator": "Equals", "Operands": ["WaitCompleted"]}}
                ],
                "Errors": [{"NextAction": other, "ErrorType": "NoMatchingError"}]
            }
        })
    }

    pub fn load_result(id: &str, next: &str, error: &str) -> Value {
        json!({
            "Parameters": {"LambdaInvocationId": "$.LambdaInvocation.InvocationId"},
            "Identifier": id,
            "Type": "LoadLambdaFunctionResult",
            "Transitions": {"NextAction": next, "Errors": [
                {"NextAction": error, "ErrorType": "NoMatchingError"},
                {"NextAction": error, "ErrorType": "InProgress"}]}
        })
    }

    /// A Play prompt.
    pub fn prompt(id: &str, text: &str, next: &str) -> Value {
        json!({
            "Parameters": {"Text": text},
            "Identifier": id,
            "Type": "MessageParticipant",
            "Transitions": next_and_error(next, next)
        })
    }

    pub fn set_attributes(id: &str, next: &str) -> Value {
        json!({
            "Parameters": {"Attributes": {"customer": "$.External.customerId"}, "TargetContact": "Current"},
            "Identifier": id,
            "Type": "UpdateContactAttributes",
            "Transitions": next_and_error(next, next)
        })
    }

    /// "Check contact attributes": a condition, else the default.
    pub fn compare(id: &str, when_true: &str, otherwise: &str) -> Value {
        json!({
            "Parameters": {"ComparisonValue": "$.External.status"},
            "Identifier": id,
            "Type": "Compare",
            "Transitions": {
                "NextAction": otherwise,
                "Conditions": [{"NextAction": when_true, "Condition": {"Operator": "Equals", "Operands": ["retry"]}}],
                "Errors": [{"NextAction": otherwise, "ErrorType": "NoMatchingCondition"}]
            }
        })
    }

    pub fn logging(id: &str, next: &str) -> Value {
        json!({
            "Parameters": {"FlowLoggingBehavior": "Enabled"},
            "Identifier": id,
            "Type": "UpdateFlowLoggingBehavior",
            "Transitions": {"NextAction": next}
        })
    }

    pub fn transfer_to_queue(id: &str, error: &str) -> Value {
        json!({
            "Parameters": {},
            "Identifier": id,
            "Type": "TransferContactToQueue",
            "Transitions": {"NextAction": error, "Errors": [
                {"NextAction": error, "ErrorType": "QueueAtCapacity"},
                {"NextAction": error, "ErrorType": "NoMatchingError"}]}
        })
    }

    pub fn disconnect(id: &str) -> Value {
        json!({"Parameters": {}, "Identifier": id, "Type": "DisconnectParticipant", "Transitions": {}})
    }
}

/// The flow language document of a flow.
fn flow_content(name: &str, start: &str, actions: Vec<Value>) -> Value {
    json!({
        "Version": "2019-10-30",
        "StartAction": start,
        "Metadata": {"entryPointPosition": {"x": 40, "y": 40}, "ActionMetadata": {},
                     "name": name, "description": "", "type": "contactFlow", "status": "published", "hash": {}},
        "Actions": actions
    })
}

// ---------------------------------------------------------------------------
// The input directory
// ---------------------------------------------------------------------------

struct Input {
    dir: TempDir,
    files: usize,
}

impl Input {
    fn new() -> Self {
        Input {
            dir: TempDir::new().expect("tempdir"),
            files: 0,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Files are named by number: names and folders carry no meaning.
    fn write(&mut self, content: &str) -> PathBuf {
        self.files += 1;
        let path = self.path().join(format!("export-{:02}.json", self.files));
        fs::write(&path, content).expect("write");
        path
    }

    /// `aws connect describe-contact-flow --output json`.
    fn flow(&mut self, name: &str, start: &str, actions: Vec<Value>) -> &mut Self {
        let content = flow_content(name, start, actions);
        let doc = json!({"ContactFlow": {
            "Arn": format!("arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE}/contact-flow/{}", slug(name)),
            "Id": slug(name),
            "Name": name,
            "Type": "CONTACT_FLOW",
            "State": "ACTIVE",
            "Status": "PUBLISHED",
            "Description": "",
            "Content": content.to_string(),
            "Tags": {}
        }});
        self.write(&serde_json::to_string_pretty(&doc).expect("json"));
        self
    }

    /// A flow-language document, as the console exports it.
    fn raw_flow(&mut self, name: &str, start: &str, actions: Vec<Value>) -> &mut Self {
        let doc = flow_content(name, start, actions);
        self.write(&serde_json::to_string_pretty(&doc).expect("json"));
        self
    }

    /// `aws lambda get-function-configuration --output json`, with
    /// `overrides` merged in (`null` removes a key).
    fn config(&mut self, function: &str, overrides: Value) -> &mut Self {
        let mut doc = json!({
            "FunctionName": function,
            "FunctionArn": arn(function),
            "Runtime": "nodejs20.x",
            "Role": format!("arn:aws:iam::{ACCOUNT}:role/{function}-role"),
            "Handler": "index.handler",
            "CodeSize": 48213,
            "Description": "",
            "Timeout": 8,
            "MemorySize": 512,
            "LastModified": "2026-11-01T09:12:44.000+0000",
            "CodeSha256": "pP3GxXV9e8hCnTq3Y3V1o0b9lF5wq1d0p5G2Xl4uQ0s=",
            "Version": "$LATEST",
            "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""},
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": "3f9c1a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["arm64"],
            "EphemeralStorage": {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": format!("/aws/lambda/{function}")}
        });
        if let (Some(doc), Some(more)) = (doc.as_object_mut(), overrides.as_object()) {
            for (key, value) in more {
                if value.is_null() {
                    doc.remove(key);
                } else {
                    doc.insert(key.clone(), value.clone());
                }
            }
        }
        self.write(&serde_json::to_string_pretty(&doc).expect("json"));
        self
    }

    /// `aws lambda list-provisioned-concurrency-configs --output json`.
    fn provisioned(&mut self, function: &str, qualifier: &str) -> &mut Self {
        let doc = json!({"ProvisionedConcurrencyConfigs": [{
            "FunctionArn": format!("{}:{qualifier}", arn(function)),
            "RequestedProvisionedConcurrentExecutions": 5,
            "AvailableProvisionedConcurrentExecutions": 5,
            "AllocatedProvisionedConcurrentExecutions": 5,
            "Status": "READY",
            "LastModified": "2026-11-01T09:30:00+0000"
        }]});
        self.write(&serde_json::to_string_pretty(&doc).expect("json"));
        self
    }

    /// Flow logs and Lambda logs as NDJSON events naming their group.
    fn logs(&mut self, logs: &Logs) -> &mut Self {
        let lines: Vec<String> = logs.events.iter().map(Value::to_string).collect();
        self.write(&(lines.join("\n") + "\n"));
        self
    }
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

/// One call of a block, as the logs show it.
#[derive(Clone, Copy)]
enum Call {
    /// Succeeded: init (0 when warm) and handler, in ms.
    Ok(f64, f64),
    /// Connect logged a throttle.
    Throttled,
    /// Failed: the generic error, the function timed out at `f64` ms.
    Failed(f64),
}

#[derive(Default)]
struct Logs {
    events: Vec<Value>,
    contacts: u64,
}

impl Logs {
    fn connect(&mut self, t: i64, entry: Value) {
        self.events.push(json!({
            "timestamp": t, "logStream": "acme_1", "logGroup": CONNECT_GROUP,
            "message": entry.to_string()
        }));
    }

    fn lambda(&mut self, function: &str, stream: &str, t: i64, message: String) {
        self.events.push(json!({
            "timestamp": t, "logStream": stream, "logGroup": format!("/aws/lambda/{function}"),
            "message": message
        }));
    }

    /// Calls of one block, a minute apart from `start`, each by a new
    /// contact, with the Lambda lines that answered it.
    fn block(
        &mut self,
        start: i64,
        flow: &str,
        block: &str,
        function: &str,
        limit_ms: u32,
        calls: &[Call],
    ) -> &mut Self {
        for (i, call) in calls.iter().enumerate() {
            self.contacts += 1;
            let n = self.contacts;
            let contact = format!("{n:08x}-1111-4222-8333-444455556666");
            let t = start + i as i64 * 60_000;
            let mut entry = json!({
                "ContactId": contact,
                "ContactFlowId": format!("arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE}/contact-flow/{}", slug(flow)),
                "ContactFlowName": flow,
                "ContactFlowModuleType": "InvokeExternalResource",
                "Identifier": block,
                "Timestamp": iso(t),
                "Parameters": {
                    "FunctionArn": arn(function),
                    "Parameters": {"action": "lookup"},
                    "ResponseValidation": "ResponseType=STRING_MAP",
                    "TimeLimit": limit_ms.to_string()
                }
            });
            let rid = format!("{n:08x}-aaaa-4bbb-8ccc-dddddddddddd");
            let stream = format!("2026/11/28/[$LATEST]{n:032x}");
            match *call {
                Call::Ok(init, handler) => {
                    entry["ExternalResults"] = json!({"customerId": "C-1001", "status": "found"});
                    self.connect(t, entry);
                    self.invocation(function, &stream, &rid, t + 30, init, handler, "");
                }
                Call::Throttled => {
                    entry["Results"] = json!(
                        "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: 5b1e2a6b-0429-4c2d-9b1f-8e7d6c5b4a39)"
                    );
                    self.connect(t, entry);
                }
                Call::Failed(after) => {
                    entry["Results"] = json!("The Lambda Function Returned An Error.");
                    self.connect(t, entry);
                    self.invocation(
                        function,
                        &stream,
                        &rid,
                        t + 30,
                        0.0,
                        after,
                        "\tStatus: timeout",
                    );
                }
            }
        }
        self
    }

    #[allow(clippy::too_many_arguments)]
    fn invocation(
        &mut self,
        function: &str,
        stream: &str,
        rid: &str,
        at: i64,
        init: f64,
        handler: f64,
        status: &str,
    ) {
        let mut start = at;
        let mut init_field = String::new();
        if init > 0.0 {
            self.lambda(
                function,
                stream,
                at,
                "INIT_START Runtime Version: nodejs:20.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0b6e2bd0a0e8d9e8f6b6c2a3f0b7e1d2c4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9\n".into(),
            );
            start = at + init as i64;
            init_field = format!("Init Duration: {init:.2} ms\t");
        }
        let end = start + handler as i64;
        self.lambda(
            function,
            stream,
            start,
            format!("START RequestId: {rid} Version: $LATEST\n"),
        );
        self.lambda(function, stream, end, format!("END RequestId: {rid}\n"));
        self.lambda(
            function,
            stream,
            end,
            format!(
                "REPORT RequestId: {rid}\tDuration: {handler:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\t{init_field}{}\n",
                handler.ceil(),
                status.trim_start_matches('\t')
            ),
        );
    }
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("a time")
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

fn run(input: &Input, args: &[&str]) -> Output {
    bin()
        .arg("check")
        .arg("--input")
        .arg(input.path())
        .args(args)
        .output()
        .expect("run the binary")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// `check --output json`, asserting success: the findings.
fn findings(input: &Input) -> Vec<Value> {
    let out = run(input, &["--output", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["findings"].as_array().cloned().unwrap_or_default()
}

fn of_kind<'a>(findings: &'a [Value], kind: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["kind"] == kind).collect()
}

// ---------------------------------------------------------------------------
// The schema, pinned
// ---------------------------------------------------------------------------

/// A key that must be present, possibly null.
#[derive(Debug, Deserialize, PartialEq)]
struct Nullable<T>(Option<T>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // required by deserialisation, not all read
struct CheckDoc {
    schema_version: u32,
    scope: Scope,
    findings: Vec<FindingT>,
    inputs: Inputs,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Scope {
    instance: Nullable<String>,
    connect_group: Nullable<String>,
    start: Nullable<String>,
    end: Nullable<String>,
    flows: u64,
    lambda_blocks: u64,
    functions: u64,
    function_configurations: u64,
    logged_lambda_blocks: u64,
    not_checked: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FindingT {
    kind: String,
    severity: String,
    flow: Nullable<String>,
    function: Nullable<String>,
    blocks: Vec<String>,
    facts: serde_json::Map<String, Value>,
    fix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Inputs {
    files: Vec<InputFile>,
    events_read: u64,
    lines_skipped: u64,
    duplicates_dropped: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct InputFile {
    file: String,
    format: String,
    events: u64,
    skipped: Vec<Skipped>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Skipped {
    reason: String,
    count: u64,
    lines: Vec<u64>,
}

// ---------------------------------------------------------------------------
// A realistic contact center: the demo of the snapshots
// ---------------------------------------------------------------------------

/// Main IVR: log, welcome, the caller lookup (8 s), set attributes, the
/// balance (8 s, balance-check with no Timeout: Lambda's 3 s) and the
/// router (5 s) in a row, then a queue; every error branch plays "sorry".
/// Billing: an asynchronous statement job, the Wait and the Load result,
/// then a payment (Java, 3 s) whose error branch hangs up. The logs: the
/// lookup's calls close to its limit, throttles of the router, a cold
/// start of the payment.
fn demo() -> Input {
    use block::*;
    let mut input = Input::new();
    input.flow(
        "Main IVR",
        "log",
        vec![
            logging("log", "welcome"),
            prompt("welcome", "Welcome to Acme.", "Lookup caller"),
            invoke_legacy(
                "Lookup caller",
                "crm-lookup",
                "8",
                "Remember caller",
                "sorry",
            ),
            set_attributes("Remember caller", "Check balance"),
            invoke("Check balance", "balance-check", "8", "Route call", "sorry"),
            invoke("Route call", "queue-router", "5", "queue", "sorry"),
            transfer_to_queue("queue", "sorry"),
            prompt(
                "sorry",
                "Sorry, something went wrong. Please call again.",
                "bye",
            ),
            disconnect("bye"),
        ],
    );
    input.raw_flow(
        "Billing",
        "statement",
        vec![
            invoke_async("statement", "statement-job", "60", "wait", "sorry"),
            wait_for_lambda("wait", "load", "sorry"),
            load_result("load", "Take payment", "sorry"),
            invoke("Take payment", "payment", "3", "thanks", "bye"),
            prompt("thanks", "Thank you.", "bye"),
            prompt("sorry", "Sorry.", "bye"),
            disconnect("bye"),
        ],
    );
    input
        .config("crm-lookup", json!({"Timeout": 8}))
        .config("balance-check", json!({"Timeout": null}))
        .config("queue-router", json!({"Timeout": 5}))
        .config("statement-job", json!({"Timeout": 60}))
        .config(
            "payment",
            json!({"Runtime": "java21", "Timeout": 3, "MemorySize": 1024}),
        );
    let mut logs = Logs::default();
    let warm = |ms: f64| Call::Ok(0.0, ms);
    let mut payments = vec![Call::Ok(2300.0, 600.0)];
    payments.extend((0..19).map(|i| warm(600.0 + f64::from(i) * 15.0)));
    logs.block(
        T0,
        "Main IVR",
        "Lookup caller",
        "crm-lookup",
        8000,
        &[
            warm(5400.0),
            warm(6100.0),
            warm(6800.0),
            warm(7000.0),
            warm(4900.0),
            warm(6650.0),
        ],
    )
    .block(
        T0 + 20_000,
        "Main IVR",
        "Route call",
        "queue-router",
        5000,
        &[Call::Throttled, warm(120.0), Call::Throttled],
    )
    .block(
        T0 + 40_000,
        "Billing",
        "Take payment",
        "payment",
        3000,
        &payments,
    );
    input.logs(&logs);
    input
}

#[test]
fn demo_table() {
    let input = demo();
    let out = run(&input, &["--width", "120"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn demo_table_details() {
    let input = demo();
    let out = run(&input, &["--details", "--width", "100"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("facts: function_timeout_ms: 3000; timeout_defaulted: true"),
        "{text}"
    );
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 100 || !l.contains(' ')),
        "{text}"
    );
}

#[test]
fn demo_markdown() {
    let input = demo();
    let out = run(&input, &["--output", "markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn demo_json_is_the_pinned_schema() {
    let input = demo();
    let out = run(&input, &["--output", "json"]);
    assert!(out.status.success());
    let doc: CheckDoc = serde_json::from_slice(&out.stdout).expect("the pinned schema");
    assert_eq!(doc.schema_version, 1);
    assert_eq!((doc.scope.flows, doc.scope.lambda_blocks), (2, 5));
    assert_eq!(
        (doc.scope.functions, doc.scope.function_configurations),
        (5, 5)
    );
    assert_eq!(doc.scope.connect_group.0.as_deref(), Some(CONNECT_GROUP));
    assert_eq!(doc.scope.logged_lambda_blocks, 29);
    assert_eq!(
        doc.scope.start.0.as_deref(),
        Some("2026-11-28T10:00:00.000Z")
    );
    let severities: Vec<&str> = doc.findings.iter().map(|f| f.severity.as_str()).collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| ["high", "medium", "low"].iter().position(|x| x == s));
    assert_eq!(severities, sorted, "most severe first");
    for f in &doc.findings {
        assert!(!f.fix.is_empty() && !f.blocks.is_empty(), "{f:?}");
    }
    // Every definition file is read as what it is: none skipped.
    assert_eq!(doc.inputs.lines_skipped, 0);
    let formats: Vec<&str> = doc.inputs.files.iter().map(|f| f.format.as_str()).collect();
    assert_eq!(
        formats
            .iter()
            .filter(|f| **f == "function-configuration")
            .count(),
        5,
        "{formats:?}"
    );
    assert!(formats.contains(&"contact-flow") && formats.contains(&"flow-language"));
    // NDJSON: the same findings, one per line.
    let out = run(&input, &["--output", "ndjson"]);
    let lines: Vec<FindingT> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a finding"))
        .collect();
    assert_eq!(lines.len(), doc.findings.len());
}

/// The same directory, scanned: the flows and configurations are read as
/// definitions, not skipped as broken log exports.
#[test]
fn scan_reads_past_the_definitions() {
    let input = demo();
    let out = bin()
        .args(["scan", "--output", "json", "--input"])
        .arg(input.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["inputs"]["lines_skipped"], 0, "{}", doc["inputs"]);
}

// ---------------------------------------------------------------------------
// timeout_below_block_limit
// ---------------------------------------------------------------------------

#[test]
fn timeout_below_block_limit_fires_for_the_default_and_for_asynchronous_blocks() {
    use block::*;
    let mut input = Input::new();
    input
        .flow(
            "Main IVR",
            "a",
            vec![
                invoke("a", "crm-lookup", "8", "b", "bye"),
                prompt("b", "One moment.", "c"),
                invoke_async("c", "report-job", "60", "bye", "bye"),
                disconnect("bye"),
            ],
        )
        .config("crm-lookup", json!({"Timeout": null}))
        .config("report-job", json!({"Timeout": 30}));
    let found = findings(&input);
    let hits = of_kind(&found, "timeout_below_block_limit");
    assert_eq!(hits.len(), 2, "{found:#?}");
    let crm = hits
        .iter()
        .find(|f| f["function"] == "crm-lookup")
        .expect("crm");
    assert_eq!(crm["severity"], "high");
    assert_eq!(crm["blocks"], json!(["a"]));
    assert_eq!(crm["facts"]["function_timeout_ms"], 3000);
    assert_eq!(crm["facts"]["timeout_defaulted"], true);
    assert_eq!(crm["facts"]["block_limit_ms"], 8000);
    assert!(crm["fix"].as_str().unwrap().contains("--timeout 8"));
    let job = hits
        .iter()
        .find(|f| f["function"] == "report-job")
        .expect("job");
    assert_eq!(job["facts"]["invocation_types"], json!(["asynchronous"]));
    assert_eq!(job["facts"]["block_limit_ms"], 60_000);
}

#[test]
fn timeout_below_block_limit_stays_quiet_at_an_equal_or_longer_timeout() {
    use block::*;
    let mut input = Input::new();
    input
        .flow(
            "Main IVR",
            "a",
            vec![
                invoke("a", "crm-lookup", "8", "b", "bye"),
                prompt("b", "One moment.", "c"),
                invoke("c", "balance-check", "3", "bye", "bye"),
                disconnect("bye"),
            ],
        )
        .config("crm-lookup", json!({"Timeout": 8}))
        .config("balance-check", json!({"Timeout": null}));
    assert!(of_kind(&findings(&input), "timeout_below_block_limit").is_empty());
}

// ---------------------------------------------------------------------------
// chain_over_20s
// ---------------------------------------------------------------------------

#[test]
fn chain_over_20s_names_the_calls_and_where_to_break_them() {
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Main IVR",
        "welcome",
        vec![
            prompt("welcome", "Welcome.", "lookup"),
            invoke("lookup", "crm-lookup", "8", "set", "sorry"),
            set_attributes("set", "check"),
            compare("check", "balance", "route"),
            invoke("balance", "balance-check", "8", "route", "sorry"),
            invoke("route", "queue-router", "5", "bye", "sorry"),
            prompt("sorry", "Sorry.", "bye"),
            disconnect("bye"),
        ],
    );
    let found = findings(&input);
    let chains = of_kind(&found, "chain_over_20s");
    assert_eq!(chains.len(), 1, "{found:#?}");
    let chain = chains[0];
    assert_eq!(chain["severity"], "medium");
    assert_eq!(chain["flow"], "Main IVR");
    assert_eq!(chain["blocks"], json!(["lookup", "balance", "route"]));
    assert_eq!(chain["facts"]["total_ms"], 21_000);
    assert_eq!(chain["facts"]["limits_ms"], json!([8000, 8000, 5000]));
    assert_eq!(
        chain["facts"]["path"],
        json!(["lookup", "set", "check", "balance", "route"])
    );
    assert_eq!(chain["facts"]["play_prompt_before"], json!(["route"]));
    assert!(chain["fix"].as_str().unwrap().contains("Play prompt"));
}

#[test]
fn chain_over_20s_follows_a_retry_loop_and_ends() {
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Retry",
        "lookup",
        vec![
            invoke("lookup", "crm-lookup", "8", "bye", "check"),
            compare("check", "lookup", "sorry"),
            prompt("sorry", "Sorry.", "bye"),
            disconnect("bye"),
        ],
    );
    let found = findings(&input);
    let chains = of_kind(&found, "chain_over_20s");
    assert_eq!(chains.len(), 1, "{found:#?}");
    assert_eq!(chains[0]["facts"]["loops"], true);
    assert_eq!(chains[0]["facts"]["round_ms"], 8000);
}

#[test]
fn chain_over_20s_stays_quiet_when_a_prompt_or_asynchronous_mode_breaks_it() {
    use block::*;
    let mut input = Input::new();
    // A prompt between the second and third call: 16 s, then 5 s.
    input.raw_flow(
        "With prompt",
        "a",
        vec![
            invoke("a", "crm-lookup", "8", "b", "bye"),
            invoke("b", "balance-check", "8", "p", "bye"),
            prompt("p", "One moment.", "c"),
            invoke("c", "queue-router", "5", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    // Asynchronous calls do not count: 60 s + 8 s + Wait + 8 s.
    input.raw_flow(
        "Async",
        "job",
        vec![
            invoke_async("job", "statement-job", "60", "a", "bye"),
            invoke("a", "crm-lookup", "8", "wait", "bye"),
            wait_for_lambda("wait", "load", "bye"),
            load_result("load", "b", "bye"),
            invoke("b", "balance-check", "8", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    // Exactly 20 s is not past it.
    input.raw_flow(
        "Twenty",
        "a",
        vec![
            invoke("a", "crm-lookup", "8", "b", "bye"),
            invoke("b", "balance-check", "8", "c", "bye"),
            invoke("c", "queue-router", "4", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    let found = findings(&input);
    assert!(of_kind(&found, "chain_over_20s").is_empty(), "{found:#?}");
}

// ---------------------------------------------------------------------------
// near_miss
// ---------------------------------------------------------------------------

fn near_miss_input(calls: &[Call]) -> Input {
    let mut input = Input::new();
    let mut logs = Logs::default();
    logs.block(T0, "Main IVR", "Lookup caller", "crm-lookup", 3000, calls);
    input.logs(&logs);
    input
}

#[test]
fn near_miss_gives_the_spread_of_successful_calls() {
    let calls = [
        Call::Ok(0.0, 1900.0),
        Call::Ok(0.0, 2500.0),
        Call::Ok(0.0, 2550.0),
        Call::Ok(0.0, 2600.0),
        Call::Ok(300.0, 2300.0),
        Call::Ok(0.0, 2000.0),
        // A failure is scan's business: not in the spread.
        Call::Failed(3000.0),
    ];
    let found = findings(&near_miss_input(&calls));
    let hits = of_kind(&found, "near_miss");
    assert_eq!(hits.len(), 1, "{found:#?}");
    let hit = hits[0];
    assert_eq!(hit["severity"], "medium");
    assert_eq!(hit["flow"], "Main IVR");
    assert_eq!(hit["function"], "crm-lookup");
    assert_eq!(hit["blocks"], json!(["Lookup caller"]));
    let facts = &hit["facts"];
    assert_eq!(facts["calls"], 6);
    assert_eq!(facts["block_limit_ms"], 3000);
    assert_eq!(facts["p50_ms"], 2500);
    assert_eq!(facts["p95_ms"], 2600);
    assert_eq!(facts["p99_ms"], 2600);
    assert_eq!(facts["max_ms"], 2600);
    assert_eq!(facts["cold_share"], 0.17);
}

#[test]
fn near_miss_is_high_from_95_percent() {
    let calls = [Call::Ok(0.0, 2900.0); 5];
    let found = findings(&near_miss_input(&calls));
    assert_eq!(of_kind(&found, "near_miss")[0]["severity"], "high");
}

#[test]
fn near_miss_stays_quiet_with_headroom_or_too_few_calls() {
    let roomy = [Call::Ok(0.0, 2100.0); 8];
    assert!(of_kind(&findings(&near_miss_input(&roomy)), "near_miss").is_empty());
    let few = [Call::Ok(0.0, 2900.0); 4];
    assert!(of_kind(&findings(&near_miss_input(&few)), "near_miss").is_empty());
}

// ---------------------------------------------------------------------------
// cold_start_risk
// ---------------------------------------------------------------------------

#[test]
fn cold_start_risk_from_the_logs() {
    let calls = [
        Call::Ok(2400.0, 800.0),
        Call::Ok(0.0, 700.0),
        Call::Ok(0.0, 900.0),
        Call::Ok(0.0, 650.0),
    ];
    let found = findings(&near_miss_input(&calls));
    let hits = of_kind(&found, "cold_start_risk");
    assert_eq!(hits.len(), 1, "{found:#?}");
    let facts = &hits[0]["facts"];
    assert_eq!(hits[0]["severity"], "high");
    assert_eq!(facts["evidence"], json!(["logs"]));
    assert_eq!(
        (
            facts["cold_calls"].as_i64(),
            facts["cold_calls_over_limit"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(facts["init_max_ms"], 2400);
    assert_eq!(facts["handler_p95_ms"], 900);
    // A cold call with room to spare is no risk.
    let calls = [
        Call::Ok(900.0, 800.0),
        Call::Ok(0.0, 700.0),
        Call::Ok(0.0, 900.0),
    ];
    assert!(of_kind(&findings(&near_miss_input(&calls)), "cold_start_risk").is_empty());
}

fn java_input(snap_start: bool, qualifier: &str, provisioned_on: Option<&str>, vpc: bool) -> Input {
    use block::*;
    let mut input = Input::new();
    let function = if qualifier.is_empty() {
        "payment".to_string()
    } else {
        format!("payment:{qualifier}")
    };
    input.raw_flow(
        "Billing",
        "pay",
        vec![
            invoke("pay", &function, "3", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    let mut overrides = json!({"Runtime": "java21", "Timeout": 3});
    if snap_start {
        overrides["SnapStart"] =
            json!({"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"});
    }
    if vpc {
        overrides["Runtime"] = json!("python3.13");
        overrides["VpcConfig"] = json!({"SubnetIds": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0e1f"], "VpcId": "vpc-0123"});
    }
    input.config("payment", overrides);
    if let Some(q) = provisioned_on {
        input.provisioned("payment", q);
    }
    input
}

#[test]
fn cold_start_risk_from_the_runtime_and_the_vpc() {
    let found = findings(&java_input(false, "live", None, false));
    let hit = of_kind(&found, "cold_start_risk");
    assert_eq!(hit.len(), 1, "{found:#?}");
    assert_eq!(hit[0]["severity"], "medium");
    assert_eq!(hit[0]["facts"]["evidence"], json!(["runtime"]));
    assert_eq!(hit[0]["function"], "payment:live");
    // SnapStart on, but the block calls $LATEST: it does not apply.
    let found = findings(&java_input(true, "", None, false));
    assert_eq!(
        of_kind(&found, "cold_start_risk")[0]["facts"]["evidence"],
        json!(["runtime"])
    );
    // A VPC without provisioned concurrency.
    let found = findings(&java_input(false, "live", None, true));
    let hit = of_kind(&found, "cold_start_risk");
    assert_eq!(
        (hit[0]["severity"].as_str(), &hit[0]["facts"]["evidence"]),
        (Some("low"), &json!(["vpc"]))
    );
}

#[test]
fn cold_start_risk_stays_quiet_with_snap_start_or_provisioned_concurrency_on_the_alias() {
    for input in [
        java_input(true, "live", None, false),
        java_input(false, "live", Some("live"), false),
        java_input(false, "live", Some("live"), true),
    ] {
        let found = findings(&input);
        assert!(of_kind(&found, "cold_start_risk").is_empty(), "{found:#?}");
    }
    // Provisioned concurrency on another alias does not cover this one.
    let found = findings(&java_input(false, "live", Some("canary"), false));
    assert_eq!(of_kind(&found, "cold_start_risk").len(), 1);
}

// ---------------------------------------------------------------------------
// throttling
// ---------------------------------------------------------------------------

fn throttle_input(calls: &[Call]) -> Input {
    let mut input = Input::new();
    let mut logs = Logs::default();
    logs.block(T0, "Main IVR", "Route call", "queue-router", 5000, calls);
    input.logs(&logs);
    input
}

#[test]
fn throttling_from_the_flow_logs_and_from_reserved_concurrency() {
    let found = findings(&throttle_input(&[
        Call::Ok(0.0, 100.0),
        Call::Throttled,
        Call::Throttled,
    ]));
    let hits = of_kind(&found, "throttling");
    assert_eq!(hits.len(), 1, "{found:#?}");
    let facts = &hits[0]["facts"];
    assert_eq!(hits[0]["severity"], "high");
    assert_eq!(
        (facts["throttled"].as_i64(), facts["executions"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(facts["first"], "2026-11-28T10:01:00.000Z");
    assert_eq!(facts["last"], "2026-11-28T10:02:00.000Z");
    assert!(facts["results"]
        .as_str()
        .unwrap()
        .contains("TooManyRequestsException"));
    // get-function's reserved concurrency of 0: every call is throttled.
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Main IVR",
        "route",
        vec![
            invoke("route", "queue-router", "5", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    let get_function = json!({
        "Configuration": {"FunctionName": "queue-router", "FunctionArn": arn("queue-router"), "Timeout": 5, "State": "Active"},
        "Code": {"RepositoryType": "S3", "Location": "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/x"},
        "Concurrency": {"ReservedConcurrentExecutions": 0}
    });
    input.write(&get_function.to_string());
    let found = findings(&input);
    let hit = of_kind(&found, "throttling");
    assert_eq!(
        hit[0]["facts"]["evidence"],
        json!(["reserved_concurrency_0"])
    );
}

#[test]
fn throttling_stays_quiet_for_other_errors_and_outside_the_period() {
    let found = findings(&throttle_input(&[
        Call::Failed(5000.0),
        Call::Ok(0.0, 100.0),
    ]));
    assert!(of_kind(&found, "throttling").is_empty(), "{found:#?}");
    let input = throttle_input(&[Call::Throttled, Call::Ok(0.0, 100.0)]);
    let out = run(
        &input,
        &["--output", "json", "--start", "2026-11-28T10:00:30Z"],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(of_kind(doc["findings"].as_array().unwrap(), "throttling").is_empty());
}

// ---------------------------------------------------------------------------
// missing_function, function_not_active, error_branch_hangs_up
// ---------------------------------------------------------------------------

#[test]
fn missing_function_fires_beside_other_configurations_only() {
    use block::*;
    let flow = vec![
        invoke("a", "crm-lookup", "3", "b", "bye"),
        prompt("b", "One moment.", "c"),
        invoke("c", "crm-lookpu", "3", "bye", "bye"),
        disconnect("bye"),
    ];
    let mut input = Input::new();
    input
        .flow("Main IVR", "a", flow.clone())
        .config("crm-lookup", json!({}));
    let found = findings(&input);
    let hits = of_kind(&found, "missing_function");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0]["function"], "crm-lookpu");
    assert_eq!(hits[0]["blocks"], json!(["c"]));
    assert_eq!(hits[0]["severity"], "high");
    // No configuration at all: nothing is known missing, and it is said.
    let mut input = Input::new();
    input.flow("Main IVR", "a", flow);
    let out = run(&input, &["--output", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(of_kind(doc["findings"].as_array().unwrap(), "missing_function").is_empty());
    let notes = doc["scope"]["not_checked"].to_string();
    assert!(
        notes.contains("no function configurations in the input"),
        "{notes}"
    );
}

#[test]
fn function_not_active_fires_for_inactive_and_failed_updates_only() {
    use block::*;
    let mut input = Input::new();
    input
        .raw_flow(
            "Main IVR",
            "a",
            vec![
                invoke("a", "crm-lookup", "3", "b", "bye"),
                prompt("b", "One moment.", "c"),
                invoke("c", "balance-check", "3", "d", "bye"),
                prompt("d", "One moment.", "e"),
                invoke("e", "queue-router", "3", "bye", "bye"),
                disconnect("bye"),
            ],
        )
        .config(
            "crm-lookup",
            json!({"Timeout": 3, "State": "Inactive", "StateReason": "The function is inactive and its VPC connection is no longer available.", "StateReasonCode": "Idle"}),
        )
        .config("balance-check", json!({"Timeout": 3, "LastUpdateStatus": "Failed"}))
        .config("queue-router", json!({"Timeout": 3}));
    let found = findings(&input);
    let hits = of_kind(&found, "function_not_active");
    let got: Vec<(&str, &str)> = hits
        .iter()
        .map(|f| {
            (
                f["function"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("crm-lookup", "high"), ("balance-check", "medium")]
    );
}

#[test]
fn error_branch_hangs_up_only_without_a_prompt() {
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Main IVR",
        "a",
        vec![
            invoke("a", "crm-lookup", "3", "b", "log-error"),
            set_attributes("log-error", "bye"),
            invoke("b", "balance-check", "3", "bye", "sorry"),
            prompt("sorry", "Sorry.", "bye"),
            disconnect("bye"),
        ],
    );
    let found = findings(&input);
    let hits = of_kind(&found, "error_branch_hangs_up");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0]["blocks"], json!(["a"]));
    assert_eq!(hits[0]["severity"], "low");
    assert_eq!(hits[0]["facts"]["error_path"], json!(["log-error", "bye"]));
}

// ---------------------------------------------------------------------------
// --fail-on, the live mode, nothing to check
// ---------------------------------------------------------------------------

#[test]
fn fail_on_exits_1_at_or_above_its_severity() {
    let input = demo(); // high, medium and low findings
    let code = |args: &[&str]| run(&input, args).status.code();
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--fail-on", "high"]), Some(1));
    assert_eq!(code(&["--fail-on", "low"]), Some(1));
    // Only a medium finding (a chain): high passes, medium fails.
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Main IVR",
        "a",
        vec![
            invoke("a", "crm-lookup", "8", "b", "sorry"),
            invoke("b", "balance-check", "8", "c", "sorry"),
            invoke("c", "queue-router", "8", "bye", "sorry"),
            prompt("sorry", "Sorry.", "bye"),
            disconnect("bye"),
        ],
    );
    let code = |args: &[&str]| run(&input, args).status.code();
    assert_eq!(code(&["--fail-on", "high"]), Some(0));
    assert_eq!(code(&["--fail-on", "medium"]), Some(1));
    assert_eq!(run(&input, &["--fail-on", "urgent"]).status.code(), Some(2));
}

/// Without --input, check goes live (tests/check_live.rs): with no AWS
/// configuration at all, it stops as the AWS CLI does (253), before any
/// output.
#[test]
fn without_input_check_goes_live_and_needs_aws() {
    let out = bin()
        .args(["check", "--instance", "acme-prod"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(253));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("region"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_input_without_flows_or_flow_logs_is_an_error() {
    let mut input = Input::new();
    input.config("crm-lookup", json!({}));
    let out = run(&input, &[]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to check"), "{stderr}");
}

#[test]
fn a_broken_flow_is_named_and_skipped_and_strict_makes_it_fatal() {
    use block::*;
    let mut input = Input::new();
    input.raw_flow(
        "Main IVR",
        "a",
        vec![
            invoke("a", "crm-lookup", "3", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    let broken = json!({"ContactFlow": {"Name": "Broken", "Content": "{\"Version\": \"2019-10-30\", \"Actions\": [", "State": "ACTIVE"}});
    let path = input.write(&broken.to_string());
    let out = run(&input, &["--output", "json"]);
    assert!(out.status.success());
    let doc: CheckDoc = serde_json::from_slice(&out.stdout).expect("schema");
    assert_eq!(doc.scope.flows, 1);
    let file = doc
        .inputs
        .files
        .iter()
        .find(|f| Path::new(&f.file) == path)
        .expect("the broken flow's file");
    assert!(
        file.skipped[0]
            .reason
            .starts_with("the flow content is not JSON"),
        "{file:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: 1 input line(s) skipped"),
        "{stderr}"
    );
    assert_eq!(run(&input, &["--strict"]).status.code(), Some(3));
}

// ---------------------------------------------------------------------------
// --emit-alarms
// ---------------------------------------------------------------------------

#[test]
fn emit_alarms_cloudformation_is_a_template_with_the_documented_properties() {
    let input = demo();
    let out = run(&input, &["--emit-alarms", "cloudformation"]);
    assert_eq!(out.status.code(), Some(0));
    // JSON: what CloudFormation reads, YAML included.
    let template: Value = serde_json::from_slice(&out.stdout).expect("a JSON template");
    assert_eq!(template["AWSTemplateFormatVersion"], "2010-09-09");
    let resources = template["Resources"].as_object().expect("Resources");
    assert_eq!(
        resources.len(),
        15,
        "three alarms for each of five functions"
    );
    let props = |id: &str| &resources[id]["Properties"];
    for (id, resource) in resources {
        assert_eq!(resource["Type"], "AWS::CloudWatch::Alarm", "{id}");
        let p = &resource["Properties"];
        assert_eq!(p["Namespace"], "AWS/Lambda");
        assert_eq!(p["Dimensions"][0]["Name"], "FunctionName");
        assert_eq!(p["Period"], 60);
        assert_eq!(p["EvaluationPeriods"], 1);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    }
    // 80 % of the tightest block limit that calls it, in ms.
    let payment = props("PaymentDurationAlarm");
    assert_eq!(payment["MetricName"], "Duration");
    assert_eq!(payment["Statistic"], "Maximum");
    assert_eq!(payment["Threshold"], 2400);
    assert_eq!(payment["ComparisonOperator"], "GreaterThanThreshold");
    assert_eq!(payment["Dimensions"][0]["Value"], "payment");
    assert_eq!(props("QueueRouterDurationAlarm")["Threshold"], 4000);
    assert_eq!(props("StatementJobDurationAlarm")["Threshold"], 48_000);
    let errors = props("PaymentErrorsAlarm");
    assert_eq!(
        (errors["MetricName"].as_str(), errors["Statistic"].as_str()),
        (Some("Errors"), Some("Sum"))
    );
    assert_eq!(errors["Threshold"], 1);
    assert_eq!(
        errors["ComparisonOperator"],
        "GreaterThanOrEqualToThreshold"
    );
    assert_eq!(props("PaymentThrottlesAlarm")["MetricName"], "Throttles");
    // The findings are counted on stderr, not mixed into the template.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("findings"), "{stderr}");
    // --fail-on still applies.
    let out = run(
        &input,
        &["--emit-alarms", "cloudformation", "--fail-on", "high"],
    );
    assert_eq!(out.status.code(), Some(1));
}

/// A shell word of a command line, unquoted.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn emit_alarms_cli_is_put_metric_alarm_commands_with_the_same_values() {
    let input = demo();
    let out = run(&input, &["--emit-alarms", "cli"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let commands: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(commands.len(), 15);
    let value = |words: &[String], flag: &str| {
        words
            .iter()
            .position(|w| w == flag)
            .and_then(|at| words.get(at + 1).cloned())
            .unwrap_or_default()
    };
    let duration: Vec<String> = commands
        .iter()
        .map(|c| shell_words(c))
        .find(|w| value(w, "--alarm-name") == "connect-timeouts-payment-duration")
        .expect("the payment's Duration alarm");
    assert_eq!(&duration[..3], ["aws", "cloudwatch", "put-metric-alarm"]);
    assert_eq!(value(&duration, "--namespace"), "AWS/Lambda");
    assert_eq!(value(&duration, "--metric-name"), "Duration");
    assert_eq!(
        value(&duration, "--dimensions"),
        "Name=FunctionName,Value=payment"
    );
    assert_eq!(value(&duration, "--statistic"), "Maximum");
    assert_eq!(value(&duration, "--threshold"), "2400");
    assert_eq!(
        value(&duration, "--comparison-operator"),
        "GreaterThanThreshold"
    );
    assert_eq!(value(&duration, "--period"), "60");
    assert_eq!(value(&duration, "--evaluation-periods"), "1");
    for command in &commands {
        assert!(
            command.starts_with("aws cloudwatch put-metric-alarm "),
            "{command}"
        );
    }
    // Bash reads every line (a syntax check, not a run).
    let checked = std::process::Command::new("bash")
        .args(["-n", "-c", &text])
        .status();
    if let Ok(status) = checked {
        assert!(status.success(), "bash -n refused the commands");
    }
}

#[test]
fn emit_alarms_without_a_called_function_is_an_error() {
    let input = near_miss_input(&[Call::Ok(0.0, 100.0)]);
    let out = run(&input, &["--emit-alarms", "cli"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
}

// ---------------------------------------------------------------------------
// Hostile names
// ---------------------------------------------------------------------------

/// Flow and block names are anyone's text: they cannot steer the terminal
/// nor break the markdown, and no function name reaches a shell command
/// unless AWS would accept it.
#[test]
fn hostile_names_are_escaped_and_kept_out_of_commands() {
    use block::*;
    let flow = "Main | IVR\u{1b}[2J\n# Pwned";
    let evil = "crm';rm -rf /;'";
    let mut input = Input::new();
    input.raw_flow(
        flow,
        "a",
        vec![
            invoke("a\u{1b}]0;x\u{7}", "crm-lookup", "8", "b", "bye"),
            invoke("b", evil, "8", "c", "bye"),
            invoke("c", "queue-router", "8", "bye", "bye"),
            disconnect("bye"),
        ],
    );
    let table = stdout(&run(&input, &["--color", "never"]));
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(table.contains("\\e[2J"), "{table}");
    let markdown = stdout(&run(&input, &["--output", "markdown"]));
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| medium | chain_over_20s"))
        .expect("the chain's row");
    assert!(row.contains("Main \\| IVR"), "{row}");
    assert!(
        !markdown.lines().any(|l| l.starts_with("# Pwned")),
        "{markdown}"
    );
    let out = run(&input, &["--emit-alarms", "cli"]);
    assert!(out.status.success());
    let commands = stdout(&out);
    assert!(!commands.contains("rm -rf"), "{commands}");
    assert!(commands.contains("Value=crm-lookup"));
    let notes = String::from_utf8_lossy(&run(&input, &["--output", "json"]).stdout).to_string();
    assert!(notes.contains("no alarms for crm"), "{notes}");
}

/// The same flow exported twice (describe-contact-flow and the console's
/// export) is checked once.
#[test]
fn a_flow_exported_twice_is_checked_once() {
    use block::*;
    let actions = vec![
        invoke("a", "crm-lookup", "8", "b", "bye"),
        invoke("b", "balance-check", "8", "c", "bye"),
        invoke("c", "queue-router", "8", "bye", "bye"),
        disconnect("bye"),
    ];
    let mut input = Input::new();
    input
        .flow("Main IVR", "a", actions.clone())
        .raw_flow("Main IVR", "a", actions);
    let out = run(&input, &["--output", "json"]);
    let doc: CheckDoc = serde_json::from_slice(&out.stdout).expect("schema");
    assert_eq!(doc.scope.flows, 1);
    assert_eq!(
        doc.findings
            .iter()
            .filter(|f| f.kind == "chain_over_20s")
            .count(),
        1
    );
}
