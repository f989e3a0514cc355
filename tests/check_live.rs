//! `check` live, end to end through the binary against moto: the
//! instance's flows through ListContactFlows/DescribeContactFlow (served by
//! the patched emulator, tests/common/moto.rs), the functions'
//! configuration through Lambda, the period through Logs Insights `stats`
//! queries (evaluated by tests/support/insights_eval.py) and CloudWatch
//! metrics (PutMetricData, then GetMetricData). The same flows,
//! configurations and logs as files give the same findings offline.

mod common;

use common::bin;
use common::moto::Moto;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// moto's account.
const ACCOUNT: &str = "123456789012";
const ALIAS: &str = "acme";

fn arn(function: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}")
}

// ---------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------

fn invoke(id: &str, function: &str, seconds: &str, next: &str, error: &str) -> Value {
    json!({
        "Parameters": {
            "LambdaFunctionARN": arn(function),
            "InvocationTimeLimitSeconds": seconds,
            "InvocationType": "SYNCHRONOUS",
            "ResponseValidation": {"ResponseType": "STRING_MAP"}
        },
        "Identifier": id,
        "Type": "InvokeLambdaFunction",
        "Transitions": {"NextAction": next, "Errors": [{"NextAction": error, "ErrorType": "NoMatchingError"}]}
    })
}

fn prompt(id: &str, next: &str) -> Value {
    json!({"Parameters": {"Text": "Sorry, one moment."}, "Identifier": id, "Type": "MessageParticipant",
           "Transitions": {"NextAction": next, "Errors": [{"NextAction": next, "ErrorType": "NoMatchingError"}]}})
}

fn queue(id: &str, error: &str) -> Value {
    json!({"Parameters": {}, "Identifier": id, "Type": "TransferContactToQueue",
           "Transitions": {"NextAction": error, "Errors": [{"NextAction": error, "ErrorType": "NoMatchingError"}]}})
}

fn disconnect(id: &str) -> Value {
    json!({"Parameters": {}, "Identifier": id, "Type": "DisconnectParticipant", "Transitions": {}})
}

fn content(name: &str, start: &str, actions: Vec<Value>) -> Value {
    json!({"Version": "2019-10-30", "StartAction": start,
           "Metadata": {"name": name, "type": "contactFlow", "status": "published"},
           "Actions": actions})
}

/// Main IVR: the lookup (3 s), the balance (8 s, a 3 s function), the
/// router (5 s), a queue; errors play a prompt. Billing: the payment
/// (3 s, Java) and a function that does not exist, whose errors hang up.
/// Chain: three 8 s calls in a row.
fn flows() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Main IVR",
            content(
                "Main IVR",
                "Lookup",
                vec![
                    invoke("Lookup", "crm-lookup", "3", "Balance", "Sorry"),
                    invoke("Balance", "balance-check", "8", "Route", "Sorry"),
                    invoke("Route", "queue-router", "5", "Queue", "Sorry"),
                    queue("Queue", "Sorry"),
                    prompt("Sorry", "Bye"),
                    disconnect("Bye"),
                ],
            ),
        ),
        (
            "Billing",
            content(
                "Billing",
                "Payment",
                vec![
                    invoke("Payment", "payments", "3", "Ledger", "Hang up"),
                    invoke("Ledger", "ghost-ledger", "3", "Hang up", "Hang up"),
                    disconnect("Hang up"),
                ],
            ),
        ),
        (
            "Chain",
            content(
                "Chain",
                "A",
                vec![
                    invoke("A", "chain-a", "8", "B", "Sorry"),
                    invoke("B", "chain-b", "8", "C", "Sorry"),
                    invoke("C", "chain-c", "8", "Sorry", "Sorry"),
                    prompt("Sorry", "Bye"),
                    disconnect("Bye"),
                ],
            ),
        ),
    ]
}

/// The functions as moto creates them: (name, runtime, timeout s).
fn functions() -> Vec<(&'static str, &'static str, u32)> {
    vec![
        ("crm-lookup", "nodejs18.x", 8),
        ("balance-check", "nodejs18.x", 3),
        ("queue-router", "nodejs18.x", 8),
        ("payments", "java21", 8),
        ("chain-a", "nodejs18.x", 8),
        ("chain-b", "nodejs18.x", 8),
        ("chain-c", "nodejs18.x", 8),
    ]
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Call {
    /// Succeeded: init (0 when warm) and handler, ms.
    Ok(f64, f64),
    /// Connect logged a throttle.
    Throttled,
}

/// Events by group: (stream, timestamp, message).
#[derive(Default)]
struct Logs {
    groups: BTreeMap<String, Vec<(String, i64, String)>>,
    contacts: u64,
}

impl Logs {
    fn push(&mut self, group: &str, stream: &str, t: i64, message: String) {
        self.groups
            .entry(group.to_string())
            .or_default()
            .push((stream.to_string(), t, message));
    }

    /// Calls of one block, a minute apart from `start`.
    fn block(
        &mut self,
        start: i64,
        flow: &str,
        block: &str,
        function: &str,
        limit_ms: u32,
        calls: &[Call],
    ) {
        for (i, call) in calls.iter().enumerate() {
            self.contacts += 1;
            let n = self.contacts;
            let t = start + i as i64 * 60_000;
            let mut entry = json!({
                "ContactId": format!("{n:08x}-1111-4222-8333-444455556666"),
                "ContactFlowName": flow,
                "ContactFlowModuleType": "InvokeExternalResource",
                "Identifier": block,
                "Timestamp": iso(t),
                "Parameters": {"FunctionArn": arn(function), "TimeLimit": limit_ms.to_string()}
            });
            let group = format!("/aws/connect/{ALIAS}");
            match *call {
                Call::Throttled => {
                    entry["Results"] = json!(format!(
                        "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: {n:08x}-0429-4c2d-9b1f-8e7d6c5b4a39)"
                    ));
                    self.push(&group, "acme_1", t, entry.to_string());
                }
                Call::Ok(init, handler) => {
                    entry["ExternalResults"] = json!({"status": "found"});
                    self.push(&group, "acme_1", t, entry.to_string());
                    let lambda = format!("/aws/lambda/{function}");
                    let stream = format!("2026/11/28/[$LATEST]{n:032x}");
                    let rid = format!("{n:08x}-aaaa-4bbb-8ccc-dddddddddddd");
                    let mut at = t + 30;
                    let mut init_field = String::new();
                    if init > 0.0 {
                        self.push(&lambda, &stream, at, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0b6e\n".into());
                        at += init as i64;
                        init_field = format!("Init Duration: {init:.2} ms\t");
                    }
                    self.push(
                        &lambda,
                        &stream,
                        at,
                        format!("START RequestId: {rid} Version: $LATEST\n"),
                    );
                    let end = at + handler as i64;
                    self.push(&lambda, &stream, end, format!("END RequestId: {rid}\n"));
                    self.push(&lambda, &stream, end, format!(
                        "REPORT RequestId: {rid}\tDuration: {handler:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\t{init_field}\n",
                        handler.ceil()
                    ));
                }
            }
        }
    }
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("a time")
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The period's traffic, from `start`: near misses of the lookup, a
/// 3 s-timeout balance, throttles of the router, a cold payment.
fn traffic(start: i64) -> Logs {
    use Call::*;
    let mut logs = Logs::default();
    let lookup: Vec<Call> = [2600.0, 2700.0, 2750.0, 2800.0, 2850.0, 2900.0]
        .iter()
        .map(|&h| Ok(0.0, h))
        .collect();
    logs.block(start, "Main IVR", "Lookup", "crm-lookup", 3000, &lookup);
    logs.block(
        start + 5_000,
        "Main IVR",
        "Balance",
        "balance-check",
        8000,
        &[Ok(0.0, 400.0), Ok(0.0, 420.0)],
    );
    logs.block(
        start + 10_000,
        "Main IVR",
        "Route",
        "queue-router",
        5000,
        &[Throttled, Ok(0.0, 300.0), Throttled],
    );
    logs.block(
        start + 20_000,
        "Billing",
        "Payment",
        "payments",
        3000,
        &[
            Ok(2300.0, 500.0),
            Ok(0.0, 800.0),
            Ok(0.0, 800.0),
            Ok(0.0, 790.0),
            Ok(0.0, 810.0),
        ],
    );
    logs
}

// ---------------------------------------------------------------------------
// The same data, as files and as the emulator's state
// ---------------------------------------------------------------------------

/// Files `check --input` reads: describe-contact-flow documents,
/// get-function-configuration documents (as moto answers them), the logs
/// as NDJSON events naming their group.
fn as_files(dir: &Path, logs: &Logs, instance_id: &str) {
    for (i, (name, flow)) in flows().into_iter().enumerate() {
        let doc = json!({"ContactFlow": {
            "Arn": format!("arn:aws:connect:us-east-1:{ACCOUNT}:instance/{instance_id}/contact-flow/{i}"),
            "Id": format!("{i}"), "Name": name, "Type": "CONTACT_FLOW", "State": "ACTIVE",
            "Status": "PUBLISHED", "Content": flow.to_string()
        }});
        fs::write(dir.join(format!("flow-{i}.json")), doc.to_string()).expect("write");
    }
    for (name, runtime, timeout) in functions() {
        let doc = json!({"FunctionName": name, "FunctionArn": arn(name), "Runtime": runtime,
                         "Timeout": timeout, "MemorySize": 128, "State": "Active",
                         "LastUpdateStatus": "Successful"});
        fs::write(dir.join(format!("fn-{name}.json")), doc.to_string()).expect("write");
    }
    let mut lines = Vec::new();
    for (group, events) in &logs.groups {
        for (stream, t, message) in events {
            lines.push(
                json!({"timestamp": t, "logStream": stream, "logGroup": group, "message": message})
                    .to_string(),
            );
        }
    }
    fs::write(dir.join("logs.ndjson"), lines.join("\n") + "\n").expect("write");
}

/// The seed of the emulator: the log groups, the functions, the instance
/// and its flows, the metrics given.
fn seed(logs: &Logs, metrics: Value, reserved: &[(&str, u32)]) -> Value {
    let groups: serde_json::Map<String, Value> = logs
        .groups
        .iter()
        .map(|(group, events)| {
            let events: Vec<Value> = events
                .iter()
                .map(|(s, t, m)| json!({"stream": s, "timestamp": t, "message": m}))
                .collect();
            (group.clone(), Value::Array(events))
        })
        .collect();
    let functions: Vec<Value> = functions()
        .into_iter()
        .map(|(name, runtime, timeout)| {
            let mut f = json!({"name": name, "runtime": runtime, "timeout": timeout});
            if let Some((_, r)) = reserved.iter().find(|(n, _)| *n == name) {
                f["reserved_concurrency"] = json!(r);
            }
            f
        })
        .collect();
    let contact_flows: Vec<Value> = flows()
        .into_iter()
        .map(|(name, content)| json!({"instance": ALIAS, "name": name, "content": content}))
        .collect();
    json!({"groups": groups, "functions": functions, "connect_instances": [ALIAS],
           "contact_flows": contact_flows, "metrics": metrics})
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `check --instance acme --output json` against the emulator: the
/// document, and stderr.
fn check_live(moto: &Moto, args: &[&str]) -> (Value, String, Option<i32>) {
    let out = moto
        .bin()
        .args(["check", "--instance", ALIAS, "--output", "json"])
        .args(args)
        .args(["--endpoint-url", &moto.url])
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (doc, stderr, out.status.code())
}

/// The identity of a finding and its facts.
fn key(f: &Value) -> String {
    format!(
        "{} {} {} {} {}",
        f["severity"], f["kind"], f["flow"], f["function"], f["blocks"]
    )
}

/// Facts that the two modes cannot give alike (the README says why):
/// a missing function's reason names its source (Lambda's answer, or the
/// files); Connect's Results text loses its request id live; live calls
/// are not linked, so no call is "unlinked" and how many cold calls would
/// miss is not counted.
const DIFFERENT_FACTS: [&str; 4] = [
    "reason",
    "results",
    "unlinked_successes",
    "cold_calls_over_limit",
];

#[test]
fn live_and_offline_give_the_same_findings_on_the_same_data() {
    let moto = Moto::start();
    let start = (now_ms() - 3 * 3_600_000) / 60_000 * 60_000;
    let logs = traffic(start);
    let created = moto.seed(&seed(&logs, json!([]), &[]));
    let instance_id = created["connect_instances"][ALIAS]["id"]
        .as_str()
        .expect("an instance id")
        .to_string();

    let (live, stderr, code) = check_live(&moto, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Logs Insights: "),
        "the cost is said: {stderr}"
    );

    let dir = TempDir::new().expect("tempdir");
    as_files(dir.path(), &logs, &instance_id);
    let out = bin()
        .args(["check", "--output", "json", "--input"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline: Value = serde_json::from_slice(&out.stdout).expect("JSON");

    let findings = |doc: &Value| doc["findings"].as_array().cloned().unwrap_or_default();
    let (live_findings, offline_findings) = (findings(&live), findings(&offline));
    let keys = |fs: &[Value]| fs.iter().map(key).collect::<Vec<_>>();
    assert_eq!(
        keys(&live_findings),
        keys(&offline_findings),
        "live:\n{live:#}\noffline:\n{offline:#}"
    );
    for (l, o) in live_findings.iter().zip(&offline_findings) {
        for (name, value) in o["facts"].as_object().expect("facts") {
            if DIFFERENT_FACTS.contains(&name.as_str()) {
                continue;
            }
            assert_eq!(&l["facts"][name], value, "{name} of {}", key(o));
        }
    }
    // Every kind the data holds is there.
    let kinds: Vec<&str> = live_findings
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    for kind in [
        "missing_function",
        "timeout_below_block_limit",
        "throttling",
        "cold_start_risk",
        "near_miss",
        "chain_over_20s",
        "error_branch_hangs_up",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing: {kinds:?}");
    }
    // The scope says the same, and live says what it queried.
    for field in [
        "flows",
        "lambda_blocks",
        "functions",
        "connect_group",
        "logged_lambda_blocks",
    ] {
        assert_eq!(
            live["scope"][field], offline["scope"][field],
            "scope.{field}"
        );
    }
    assert!(
        live["live"]["queries"].as_u64() >= Some(1 + 6),
        "{:#}",
        live["live"]
    );
    assert!(offline.get("live").is_none());
}

/// What only the live mode sees: the instance's flow logging off
/// (CONTACTFLOW_LOGS), throttles in the Lambda metrics, concurrency near
/// the reserved concurrency; and what it could not read is said.
#[test]
fn metrics_and_the_instance_give_their_own_findings() {
    let moto = Moto::start_with(&[("CONNECT_FLOW_LOGS", "acme=false")]);
    let now = now_ms();
    let start = (now - 3 * 3_600_000) / 60_000 * 60_000;
    let logs = traffic(start);
    let at = now - 3_600_000;
    let metrics = json!([
        {"name": "Throttles", "function": "crm-lookup", "timestamp": at, "value": 4},
        {"name": "Invocations", "function": "crm-lookup", "timestamp": at, "value": 60},
        {"name": "ConcurrentExecutions", "function": "balance-check", "timestamp": at, "value": 9, "unit": "Count"},
        // The near case: 3 of 10 is far from the ceiling.
        {"name": "ConcurrentExecutions", "function": "chain-a", "timestamp": at, "value": 3, "unit": "Count"},
    ]);
    moto.seed(&seed(
        &logs,
        metrics,
        &[("balance-check", 10), ("chain-a", 10)],
    ));

    let (doc, stderr, code) = check_live(&moto, &["--since", "1d", "--fail-on", "medium"]);
    assert_eq!(
        code,
        Some(1),
        "a medium finding fails --fail-on medium: {stderr}"
    );
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    let one = |kind: &str, function: Value| -> Value {
        let found: Vec<&Value> = findings
            .iter()
            .filter(|f| f["kind"] == kind && f["function"] == function)
            .collect();
        assert_eq!(found.len(), 1, "{kind} {function}: {doc:#}");
        found[0].clone()
    };
    let off = one("flow_logging_off", Value::Null);
    assert_eq!(off["severity"], "medium");
    assert_eq!(off["facts"]["instance_alias"], json!(["acme"]));
    assert!(off["fix"]
        .as_str()
        .unwrap()
        .contains("--attribute-type CONTACTFLOW_LOGS --value true"));

    let throttled = one("throttling", json!("crm-lookup"));
    assert_eq!(throttled["severity"], "high");
    assert_eq!(throttled["facts"]["evidence"], json!(["metrics"]));
    assert_eq!(throttled["facts"]["metric_throttles"], 4);
    assert_eq!(throttled["facts"]["metric_invocations"], 60);
    assert_eq!(throttled["blocks"], json!(["Lookup"]));

    let near = one("throttling", json!("balance-check"));
    assert_eq!(near["severity"], "medium");
    assert_eq!(
        near["facts"]["evidence"],
        json!(["reserved_concurrency_near"])
    );
    assert_eq!(
        (
            &near["facts"]["max_concurrency"],
            &near["facts"]["reserved_concurrency"]
        ),
        (&json!(9), &json!(10))
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["kind"] == "throttling" && f["function"] == "chain-a"),
        "3 of 10 is not near"
    );
    // The emulator has no provisioned concurrency nor account settings:
    // said, not failed.
    let not_checked = doc["scope"]["not_checked"].to_string();
    for said in [
        "lambda:GetAccountSettings",
        "lambda:ListProvisionedConcurrencyConfigs",
        "chain-a: no REPORT line",
    ] {
        assert!(not_checked.contains(said), "{said}: {not_checked}");
    }

    // The same run as a table, and as alarms.
    let out = moto
        .bin()
        .args([
            "check",
            "--instance",
            ALIAS,
            "--since",
            "1d",
            "--endpoint-url",
            &moto.url,
        ])
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        table.contains("flow_logging_off") && table.contains("Not checked"),
        "{table}"
    );
    let out = moto
        .bin()
        .args([
            "check",
            "--instance",
            ALIAS,
            "--emit-alarms",
            "cloudformation",
        ])
        .args(["--endpoint-url", &moto.url])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let template: Value = serde_json::from_slice(&out.stdout).expect("a template");
    // Duration, Errors and Throttles for each of the 8 functions the flows call.
    let resources = template["Resources"].as_object().map_or(0, |r| r.len());
    assert_eq!(resources, 3 * 8, "{template:#}");
}

/// Without an instance the region's only one is checked; an unknown one is
/// an AWS error naming the instances there are.
#[test]
fn the_instance_is_found_or_named() {
    let moto = Moto::start();
    moto.seed(&json!({"connect_instances": [ALIAS, "acme-dev"]}));
    let out = moto
        .bin()
        .args([
            "check",
            "--instance",
            "acme-qa",
            "--endpoint-url",
            &moto.url,
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(254));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the instances in us-east-1: acme, acme-dev"),
        "{stderr}"
    );
    let out = moto
        .bin()
        .args(["check", "--endpoint-url", &moto.url])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(253));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("several Amazon Connect instances"),
        "{stderr}"
    );
}

/// A live check calls nothing outside the README's IAM policy: every
/// operation recorded by the SDK interceptor the source installs.
#[test]
fn calls_nothing_outside_the_iam_policy() {
    use connect_timeouts::analyze::{check_live, CheckOptions};
    use connect_timeouts::source::live::check::{CheckSettings, LiveCheck};
    use connect_timeouts::source::live::query::RunnerConfig;
    use connect_timeouts::source::live::ALLOWED_CALLS;

    let moto = Moto::start();
    let now = now_ms();
    moto.seed(&seed(&traffic(now - 3_600_000), json!([]), &[]));
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
    let settings = CheckSettings {
        instance: Some(ALIAS.into()),
        log_group: None,
        start: now - 86_400_000,
        end: now,
        now,
        show_queries: false,
        trace_calls: false,
        runner: RunnerConfig::default(),
    };
    let mut source = LiveCheck::with_config(rt, &config, settings).expect("open");
    let result = check_live(&mut source, &CheckOptions::default()).expect("checked");
    assert!(!result.findings.is_empty());
    let calls = source.calls();
    for call in &calls {
        assert!(
            ALLOWED_CALLS.contains(&call.as_str()),
            "{call} is not in the IAM policy"
        );
    }
    for needed in [
        "connect:ListInstances",
        "connect:DescribeInstanceAttribute",
        "connect:ListContactFlows",
        "connect:DescribeContactFlow",
        "connect:ListContactFlowModules",
        "logs:DescribeLogGroups",
        "logs:StartQuery",
        "logs:GetQueryResults",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionConcurrency",
        "lambda:ListProvisionedConcurrencyConfigs",
        "lambda:GetAccountSettings",
        "cloudwatch:GetMetricData",
    ] {
        assert!(
            calls.iter().any(|c| c == needed),
            "{needed} not seen in {calls:?}"
        );
    }
}
