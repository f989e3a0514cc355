//! Live scans against a real wire-protocol endpoint (moto on 127.0.0.1):
//! the same failures, classes and request ids as the offline scan of the
//! same events, `--save-logs` round-tripping, the errors a user can act on.
//! Run through scripts/test.sh (it installs moto and exports MOTO_SERVER).

mod common;

use common::events::*;
use common::moto::Moto;
use common::*;
use predicates::prelude::*;
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";
const CONTACT_B: &str = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const CONTACT_C: &str = "0b9a3a36-0fd5-4a8b-9c3e-6c2c4bd0f1a2";
/// Half an hour ago on a whole minute: inside the retention moto enforces,
/// outside the ingestion-lag warning.
fn base() -> i64 {
    let now = chrono::Utc::now().timestamp_millis();
    (now - 1_800_000) / 60_000 * 60_000
}

/// Three contacts: a cold start that failed a 3 s block (crm-lookup), a
/// function timeout (billing, 3 s), a successful block of crm-lookup.
fn scenario(t: i64) -> Vec<Ev> {
    const ERR: &str = r#""Results":"The Lambda Function Returned An Error.","#;
    let crm = "/aws/lambda/crm-lookup";
    let crm_s = "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100";
    let crm_s2 = "2026/11/28/[7]00aa1d2c3b4a59687766554433221100";
    let bill = "/aws/lambda/billing";
    let bill_s = "2026/11/28/[$LATEST]1234567890abcdef1234567890abcdef";
    let rid = "8b9836de-3acb-46ae-82da-080b95e77880";
    let rid_b = "f2c7a1e0-1111-4c2b-9d3e-0a1b2c3d4e5f";
    let rid_c = "a1b2c3d4-2222-4e5f-8a9b-0c1d2e3f4a5b";
    vec![
        // Contact A: cold start.
        flow(CONTACT, t + 10, r#""ContactFlowModuleType":"SetLoggingBehavior","Identifier":"log","Parameters":{"LoggingBehavior":"Enable"},"#),
        flow(CONTACT, t + 100, &lambda_block(ERR, "crm-lookup", 3000)),
        flow(CONTACT, t + 3_130, r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt","Parameters":{"Text":"Sorry"},"#),
        line(crm, crm_s, t + 140, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c264158db39a1cfcbb5f9b3741413df1cfce4d550c9a475a67d923e19e2f4\n".into()),
        line(crm, crm_s, t + 2_350, format!("START RequestId: {rid} Version: 7\n")),
        line(crm, crm_s, t + 2_360, format!("{}\t{rid}\tINFO\tlooking up caller\n", iso(t + 2_360))),
        line(crm, crm_s, t + 3_700, format!("{}\t{rid}\tINFO\tcaller found\n", iso(t + 3_700))),
        line(crm, crm_s, t + 3_750, format!("END RequestId: {rid}\n")),
        line(crm, crm_s, t + 3_750, format!("REPORT RequestId: {rid}\tDuration: 1400.12 ms\tBilled Duration: 3601 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 2200.33 ms\t\n")),
        // Contact B: the function's own 3 s timeout.
        flow(CONTACT_B, t + 120_000, &lambda_block(ERR, "billing", 8000)),
        line(bill, bill_s, t + 120_040, format!("START RequestId: {rid_b} Version: $LATEST\n")),
        line(bill, bill_s, t + 120_050, format!("{}\t{rid_b}\tINFO\tcalling the billing API\n", iso(t + 120_050))),
        line(bill, bill_s, t + 123_045, format!("{}\t{rid_b}\tTask timed out after 3.00 seconds\n", iso(t + 123_045))),
        line(bill, bill_s, t + 123_046, format!("END RequestId: {rid_b}\n")),
        line(bill, bill_s, t + 123_046, format!("REPORT RequestId: {rid_b}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n")),
        // Contact C: a successful block (fetched, not a failure).
        flow(CONTACT_C, t + 300_000, &lambda_block(r#""ExternalResults":{"isSuccess":"true"},"#, "crm-lookup", 3000)),
        flow(CONTACT_C, t + 300_400, r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Welcome","Parameters":{"Text":"Hi"},"#),
        line(crm, crm_s2, t + 300_020, format!("START RequestId: {rid_c} Version: 7\n")),
        line(crm, crm_s2, t + 300_300, format!("END RequestId: {rid_c}\n")),
        line(crm, crm_s2, t + 300_300, format!("REPORT RequestId: {rid_c}\tDuration: 280.00 ms\tBilled Duration: 281 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t\n")),
    ]
}

fn seed_spec(events: &[Ev]) -> Value {
    json!({
        "groups": groups_of(events),
        "functions": [
            {"name": "crm-lookup", "timeout": 3, "memory": 512},
            {"name": "billing", "timeout": 3, "memory": 128},
        ],
    })
}

struct Setup {
    moto: Moto,
    offline: tempfile::TempDir,
    start: String,
    end: String,
    /// The Connect instance acme-prod's id (the seed makes one per
    /// `/aws/connect/` group).
    instance_id: String,
}

fn setup() -> Setup {
    let t = base();
    let events = scenario(t);
    let moto = Moto::start();
    let created = moto.seed(&seed_spec(&events));
    let offline = tempfile::tempdir().unwrap();
    write_offline(offline.path(), &events);
    Setup {
        moto,
        offline,
        start: iso(t - 60_000),
        end: iso(t + 600_000),
        instance_id: created["connect_instances"]["acme-prod"]["id"]
            .as_str()
            .unwrap()
            .to_string(),
    }
}

impl Setup {
    /// `scan -o json` of acme-prod over the scenario's period, at moto;
    /// add flags after.
    fn scan(&self) -> assert_cmd::Command {
        let mut cmd = self.moto.bin();
        cmd.args(["scan", "-o", "json", "--instance", "acme-prod"])
            .args(["--start", &self.start, "--end", &self.end])
            .args(["--endpoint-url", &self.moto.url]);
        cmd
    }
}

fn run_json(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

/// The failures without the keys named (and without where each event was
/// read from).
fn without(failures: &Value, keys: &[&str]) -> Value {
    fn strip(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                map.remove("origin");
                for k in keys {
                    map.remove(*k);
                }
                map.values_mut().for_each(|v| strip(v, keys));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, keys)),
            _ => {}
        }
    }
    let mut v = failures.clone();
    strip(&mut v, keys);
    v
}

fn comparable(failures: &Value) -> Value {
    without(failures, &[])
}

fn summary(failures: &Value) -> Vec<(String, String, Vec<String>)> {
    failures
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let ids = f["invocations"]
                .as_array()
                .map(|i| {
                    i.iter()
                        .map(|x| x["request_id"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            (
                f["contact_id"].as_str().unwrap_or("").to_string(),
                f["class"].as_str().unwrap_or("").to_string(),
                ids,
            )
        })
        .collect()
}

#[test]
fn a_live_scan_matches_the_offline_scan_and_save_logs_round_trips() {
    let s = setup();
    let saved = tempfile::tempdir().unwrap();
    let live = run_json(s.scan().arg("--save-logs").arg(saved.path()));
    let offline = run_json(
        bin()
            .args([
                "scan", "-o", "json", "--start", &s.start, "--end", &s.end, "-i",
            ])
            .arg(s.offline.path()),
    );
    let got = summary(&live["failures"]);
    assert_eq!(
        got,
        vec![
            (
                CONTACT.to_string(),
                "cold_start".to_string(),
                vec!["8b9836de-3acb-46ae-82da-080b95e77880".to_string()]
            ),
            (
                CONTACT_B.to_string(),
                offline["failures"][1]["class"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                vec!["f2c7a1e0-1111-4c2b-9d3e-0a1b2c3d4e5f".to_string()]
            ),
        ]
    );
    // Identical but for the fixes, which the live scan writes knowing the
    // functions' configuration (the emulator's functions have no VPC).
    assert_eq!(
        without(&live["failures"], &["fix"]),
        without(&offline["failures"], &["fix"])
    );
    let fix = live["failures"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("cold start") && !fix.contains("VPC"), "{fix}");
    assert!(offline["failures"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("VPC"));
    assert_eq!(live["scope"]["connect_group"], "/aws/connect/acme-prod");
    assert_eq!(
        live["scope"]["lambda_groups"],
        offline["scope"]["lambda_groups"]
    );
    // Counted by Insights (stats queries), not from the rows transferred.
    assert_eq!(live["summary"]["lambda_blocks"], 3);
    assert_eq!(live["summary"]["contacts"], 3);
    // What the queries cost (moto returns no statistics: 0 bytes), and the
    // functions' configuration, in the JSON's `live` section. The queries:
    // the failed blocks, two totals, the neighbourhoods of the two
    // failures (two minutes apart), each function's window and its tail.
    let section = &live["live"];
    assert_eq!(section["queries"], 9, "{section}");
    assert_eq!(section["bytes_scanned"], 0.0);
    assert_eq!(section["estimated_cost_usd"], 0.0);
    let functions = section["functions"].as_array().unwrap();
    assert_eq!(functions[1]["function"], "crm-lookup");
    assert_eq!(functions[1]["timeout_s"], 3);
    assert_eq!(functions[1]["log_group"], "/aws/lambda/crm-lookup");
    assert!(offline.get("live").is_none());

    // The capture reproduces the live result exactly.
    let replay = run_json(
        bin()
            .args([
                "scan", "-o", "json", "--start", &s.start, "--end", &s.end, "-i",
            ])
            .arg(saved.path()),
    );
    assert_eq!(
        comparable(&replay["failures"]),
        comparable(&live["failures"])
    );
    assert_eq!(replay["summary"]["by_class"], live["summary"]["by_class"]);
}

#[test]
fn a_live_explain_matches_the_offline_explain() {
    let s = setup();
    let live = run_json(
        s.moto
            .bin()
            .args([
                "explain",
                CONTACT,
                "-o",
                "json",
                "--log-group",
                "/aws/connect/acme-prod",
                "--start",
                &s.start,
                "--end",
                &s.end,
            ])
            .args(["--endpoint-url", &s.moto.url]),
    );
    let offline = run_json(
        bin()
            .args([
                "explain", CONTACT, "-o", "json", "--start", &s.start, "--end", &s.end, "-i",
            ])
            .arg(s.offline.path()),
    );
    assert_eq!(
        without(&live["blocks"], &["fix"]),
        without(&offline["blocks"], &["fix"])
    );
    let blocks = live["blocks"].as_array().unwrap();
    assert_eq!(
        blocks.len(),
        3,
        "the contact's own entries, not only its Lambda block"
    );
    assert_eq!(blocks[1]["lambda"]["verdict"]["class"], "cold_start");
}

#[test]
fn show_queries_prints_the_queries_on_stderr_only() {
    let s = setup();
    let out = s
        .moto
        .bin()
        .args([
            "scan",
            "-o",
            "json",
            "--instance",
            "acme-prod",
            "--show-queries",
            "--start",
            &s.start,
            "--end",
            &s.end,
        ])
        .args(["--endpoint-url", &s.moto.url])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Stage 1 selects the failed blocks; stage 2 every Lambda block of the
    // failed block's function.
    assert!(
        stderr.contains(r#"| filter (@message like "InvokeExternalResource" or @message like "InvokeLambdaFunction") and @message like '"Results"' and @message not like '"ExternalResults"'"#),
        "{stderr}"
    );
    assert!(
        stderr.contains(r#"| filter (@message like "InvokeExternalResource" or @message like "InvokeLambdaFunction") and (@message like "function:billing" or @message like '"billing')"#),
        "{stderr}"
    );
    assert!(stderr.contains("| stats count(*) as blocks"), "{stderr}");
    assert!(stderr.contains("of /aws/lambda/billing"), "{stderr}");
    // Each Lambda group is queried over the windows around its blocks (a
    // few seconds plus the END/REPORT tail, 15 s for these 3 s functions),
    // never the 11-minute period; the Connect group over the period for
    // the failed blocks and the totals, then only around the two failures.
    let (mut lambda_queries, mut whole_period, mut around) = (0, 0, 0);
    for (group, from, to) in queries_shown(&stderr) {
        let span = to - from;
        if group.starts_with("/aws/lambda/") {
            lambda_queries += 1;
            assert!(span <= 45, "{group}: {span} s");
        } else if span == 660 {
            whole_period += 1;
        } else {
            around += 1;
            assert!(span <= 60, "{group}: {span} s");
        }
    }
    // Each Lambda group: its window read whole, then its tail (closing
    // lines only).
    assert_eq!(
        (lambda_queries, whole_period, around),
        (4, 3, 2),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("| filter @message like \"RequestId:\" or @message like \"Task timed out\""),
        "{stderr}"
    );
    // stderr is not a terminal here: no progress bar.
    assert!(!stderr.contains(" running, "), "{stderr}");
    assert!(stderr.contains("window: "), "{stderr}");
    assert!(stderr.contains("Logs Insights: "), "{stderr}");
    let _: Value = serde_json::from_slice(&out.stdout).expect("stdout holds the result only");
}

/// An alias or an id Amazon Connect does not know: exit 254, naming the
/// instances there are.
#[test]
fn an_unknown_instance_lists_the_instances_that_exist() {
    let s = setup();
    for wanted in ["acme-dev", "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"] {
        s.moto
            .bin()
            .args(["scan", "--instance", wanted, "--since", "2h"])
            .args(["--endpoint-url", &s.moto.url])
            .assert()
            .code(254)
            .stderr(predicate::str::contains(format!(
                "error: Amazon Connect instance {wanted} not found in us-east-1; \
                 the instances in us-east-1: acme-prod\n"
            )));
    }
}

/// `-v`'s trace of the binary's AWS calls: the operations, in order.
fn traced_calls(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("aws: "))
        .filter_map(|l| l.split_once(" (http").map(|(op, _)| op))
        .collect()
}

/// `--instance` is resolved through Amazon Connect's API: an alias with
/// ListInstances (on its second page here: moto pages by 10), an id or ARN
/// with DescribeInstance; the group read is `/aws/connect/<alias>`. A
/// second Connect group makes the old guess from the listing impossible.
/// moto has no DescribeInstanceAttribute (HTTP 404): a note says flow
/// logging could not be checked, and the scan goes on.
#[test]
fn an_instance_is_resolved_through_the_connect_api() {
    let t = base();
    let events = scenario(t);
    let moto = Moto::start();
    let mut spec = seed_spec(&events);
    let mut aliases: Vec<String> = (0..11).map(|i| format!("acme-{i:02}")).collect();
    aliases.push("acme-prod".into());
    spec["connect_instances"] = json!(aliases);
    spec["groups"]["/aws/connect/acme-dev"] = json!([]);
    let created = moto.seed(&spec);
    let instance = &created["connect_instances"]["acme-prod"];
    let (id, arn) = (
        instance["id"].as_str().unwrap(),
        instance["arn"].as_str().unwrap(),
    );
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    let note = format!(
        "note: connect:DescribeInstanceAttribute on {id} failed: HTTP 404: cannot tell whether \
         flow logging is on for instance acme-prod; reading /aws/connect/acme-prod if the \
         log-group listing has it\n"
    );
    for (wanted, connect_calls) in [
        (
            "acme-prod",
            vec![
                "connect:ListInstances",
                "connect:ListInstances",
                "connect:DescribeInstanceAttribute",
            ],
        ),
        (
            id,
            vec![
                "connect:DescribeInstance",
                "connect:DescribeInstanceAttribute",
            ],
        ),
        (
            arn,
            vec![
                "connect:DescribeInstance",
                "connect:DescribeInstanceAttribute",
            ],
        ),
    ] {
        let out = moto
            .bin()
            .args(["scan", "-o", "json", "-v", "--instance", wanted])
            .args(["--start", &start, "--end", &end])
            .args(["--endpoint-url", &moto.url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{wanted}: {stderr}");
        let calls = traced_calls(&stderr);
        let connect: Vec<&str> = calls
            .iter()
            .copied()
            .filter(|c| c.starts_with("connect:"))
            .collect();
        assert_eq!(connect, connect_calls, "{wanted}");
        assert_eq!(calls[0], connect_calls[0], "Connect is asked first");
        assert!(stderr.contains(&note), "{wanted}: {stderr}");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["scope"]["connect_group"], "/aws/connect/acme-prod");
        assert_eq!(doc["failures"].as_array().unwrap().len(), 2, "{wanted}");
    }
}

/// The instance's flow logging, read with DescribeInstanceAttribute (moto
/// answers it through the harness, `CONNECT_FLOW_LOGS`): off, the scan
/// stops with the fact and its fix, exit 254, never "0 failures"; on, the
/// scan reads the group without a note.
#[test]
fn flow_logging_off_stops_the_scan_with_the_fix() {
    let t = base();
    let events = scenario(t);
    let moto = Moto::start_with(&[("CONNECT_FLOW_LOGS", "acme-prod=false,acme-dev=true")]);
    let mut spec = seed_spec(&events);
    spec["connect_instances"] = json!(["acme-prod", "acme-dev"]);
    spec["groups"]["/aws/connect/acme-dev"] = json!([]);
    moto.seed(&spec);
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    let run = |instance: &str| {
        moto.bin()
            .args(["scan", "--instance", instance])
            .args(["--start", &start, "--end", &end])
            .args(["--endpoint-url", &moto.url])
            .output()
            .unwrap()
    };
    let off = run("acme-prod");
    let stderr = String::from_utf8_lossy(&off.stderr);
    assert_eq!(off.status.code(), Some(254), "{stderr}");
    assert!(
        stderr.contains("flow logging is off on Amazon Connect instance acme-prod"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--attribute-type CONTACTFLOW_LOGS --value true"),
        "{stderr}"
    );
    assert!(stderr.contains("Set logging behavior"), "{stderr}");
    assert!(
        off.stdout.is_empty(),
        "no report: {}",
        String::from_utf8_lossy(&off.stdout)
    );
    let on = run("acme-dev");
    let stderr = String::from_utf8_lossy(&on.stderr);
    assert!(on.status.success(), "{stderr}");
    assert!(!stderr.contains("flow logging"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&on.stdout)
            .contains("No Lambda block ran in /aws/connect/acme-dev"),
        "an empty group says so plainly"
    );
}

/// A user whose policy has no `connect:` action (moto enforcing IAM):
/// the denied Connect call is a note, and the run does what it did before
/// the tool asked Connect: the alias names the group, an id takes the only
/// `/aws/connect/` group. (moto answers any Connect GET under enforcement
/// with a bare 403, SignatureDoesNotMatch in XML: the 403 path; the
/// AccessDeniedException code is covered with mocks in `instance.rs`.)
#[test]
fn a_denied_connect_call_falls_back_to_the_log_group_listing() {
    let t = base();
    let events = scenario(t);
    let moto = Moto::start_enforcing_iam();
    let mut spec = seed_spec(&events);
    spec["user"] = json!({"name": "oncall", "allow": ["logs:*", "lambda:*"]});
    let created = moto.seed(&spec);
    let key = &created["user"];
    let id = created["connect_instances"]["acme-prod"]["id"]
        .as_str()
        .unwrap();
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    for (wanted, action, then) in [
        ("acme-prod", "connect:ListInstances", ""),
        (
            id,
            "connect:DescribeInstance",
            "note: instance {id}: using /aws/connect/acme-prod, the only /aws/connect/ log group",
        ),
    ] {
        let out = moto
            .bin()
            .env("AWS_ACCESS_KEY_ID", key["access_key_id"].as_str().unwrap())
            .env(
                "AWS_SECRET_ACCESS_KEY",
                key["secret_access_key"].as_str().unwrap(),
            )
            .args(["scan", "-o", "json", "--instance", wanted])
            .args(["--start", &start, "--end", &end])
            .args(["--endpoint-url", &moto.url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{wanted}: {stderr}");
        let denied = format!(
            "note: access denied: {action} on {wanted} (HTTP 403); falling back to the \
             /aws/connect/ log-group listing\n"
        );
        assert!(stderr.contains(&denied), "{wanted}: {stderr}");
        assert!(
            stderr.contains(&then.replace("{id}", id)),
            "{wanted}: {stderr}"
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["scope"]["connect_group"], "/aws/connect/acme-prod");
        assert_eq!(doc["failures"].as_array().unwrap().len(), 2, "{wanted}");
    }
}

#[test]
fn no_credentials_is_a_configuration_error() {
    let moto = Moto::start();
    bin()
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .args([
            "scan",
            "--instance",
            "acme-prod",
            "--endpoint-url",
            &moto.url,
        ])
        .assert()
        .code(253)
        .stderr(predicate::str::contains("no AWS credentials"));
    bin()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .args([
            "scan",
            "--instance",
            "acme-prod",
            "--endpoint-url",
            &moto.url,
        ])
        .assert()
        .code(253)
        .stderr(predicate::str::contains("no AWS region"));
}

/// The tool calls nothing outside the README's IAM policy: a scan and an
/// explain against the emulator, every operation recorded by the SDK
/// interceptor the source installs.
#[test]
fn calls_nothing_outside_the_iam_policy() {
    use connect_timeouts::analyze::{explain, scan, Options};
    use connect_timeouts::source::live::query::RunnerConfig;
    use connect_timeouts::source::live::{InsightsSource, LiveSettings, Target, ALLOWED_CALLS};

    let s = setup();
    let t = base();
    // The scan finds the instance by alias, the explain by id.
    for (target, contact, connect_call) in [
        (
            Target::Alias("acme-prod".into()),
            None,
            "connect:ListInstances",
        ),
        (
            Target::InstanceId(s.instance_id.clone()),
            Some(CONTACT),
            "connect:DescribeInstance",
        ),
    ] {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let config = rt.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .endpoint_url(&s.moto.url)
                .region(aws_config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::new(
                    "test", "test", None, None, "static",
                ))
                .load(),
        );
        let settings = LiveSettings {
            target,
            start: t - 60_000,
            end: t + 600_000,
            contact: contact.map(str::to_string),
            show_queries: false,
            save_logs: None,
            force: false,
            trace_calls: false,
            single_stage: false,
            runner: RunnerConfig::default(),
        };
        let mut source = InsightsSource::with_config(rt, &config, settings).unwrap();
        let opts = Options {
            connect_group: Some("/aws/connect/acme-prod".into()),
            start: Some(t - 60_000),
            end: Some(t + 600_000),
            connect_group_exists: true,
            ..Options::default()
        };
        match contact {
            None => assert_eq!(scan(&mut source, &opts).unwrap().failures.len(), 2),
            Some(c) => assert_eq!(explain(&mut source, &opts, c).unwrap().blocks.len(), 3),
        }
        let calls = source.calls();
        for call in &calls {
            assert!(
                ALLOWED_CALLS.contains(&call.as_str()),
                "{call} is not in the IAM policy"
            );
        }
        for needed in [
            connect_call,
            "connect:DescribeInstanceAttribute",
            "logs:DescribeLogGroups",
            "logs:StartQuery",
            "logs:GetQueryResults",
            "lambda:GetFunctionConfiguration",
        ] {
            assert!(
                calls.iter().any(|c| c == needed),
                "{needed} not seen in {calls:?}"
            );
        }
        assert!(!calls.iter().any(|c| c.contains("Invoke")));
    }
}

/// Ctrl-C while AWS does not answer: exit 130, promptly.
#[test]
fn ctrl_c_exits_130() {
    use std::net::TcpListener;
    use std::time::{Duration, Instant};
    // An endpoint that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let holder = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(4).collect();
        std::thread::sleep(Duration::from_secs(20));
        drop(held);
    });
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_connect-timeouts"))
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["scan", "--instance", "acme-prod", "--endpoint-url", &url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let begun = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(begun.elapsed() < Duration::from_secs(5));
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    drop(holder);
}

/// The Lambda configuration feeds classification: a configured timeout
/// (2 s) shorter than the block's limit (8 s) is a misconfigured timeout
/// even when no timeout line was logged; the capture carries it.
#[test]
fn the_configured_timeout_makes_a_misconfigured_timeout_and_the_capture_keeps_it() {
    let t = base();
    let events = profile_events(t, "/aws/lambda/profile");
    let moto = Moto::start();
    let mut spec = seed_spec(&events);
    spec["functions"] = json!([{"name": "profile", "timeout": 2}]);
    moto.seed(&spec);
    let offline = tempfile::tempdir().unwrap();
    write_offline(offline.path(), &events);
    let saved = tempfile::tempdir().unwrap();
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    let live = run_json(
        moto.bin()
            .args([
                "scan",
                "-o",
                "json",
                "--instance",
                "acme-prod",
                "--start",
                &start,
                "--end",
                &end,
                "--save-logs",
            ])
            .arg(saved.path())
            .args(["--endpoint-url", &moto.url]),
    );
    let plain = run_json(
        bin()
            .args(["scan", "-o", "json", "--start", &start, "--end", &end, "-i"])
            .arg(offline.path()),
    );
    assert_eq!(live["failures"][0]["class"], "misconfigured_timeout");
    assert_ne!(plain["failures"][0]["class"], "misconfigured_timeout");
    let evidence = live["failures"][0]["evidence"].to_string();
    assert!(evidence.contains("configured timeout is 2 s"), "{evidence}");
    let replay = run_json(
        bin()
            .args(["scan", "-o", "json", "--start", &start, "--end", &end, "-i"])
            .arg(saved.path()),
    );
    assert_eq!(
        comparable(&replay["failures"]),
        comparable(&live["failures"])
    );
}

/// A server that enforces IAM (moto's INITIAL_NO_AUTH_ACTION_COUNT=0)
/// refuses unknown keys: the message names the IAM action and resource.
#[test]
fn a_refused_call_names_the_iam_action_and_resource() {
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    moto.bin()
        .args([
            "scan",
            "--instance",
            "acme-prod",
            "--endpoint-url",
            &moto.url,
        ])
        .assert()
        .code(254)
        .stderr(predicate::str::contains(
            "note: access denied: connect:ListInstances on acme-prod (HTTP 403); falling back",
        ))
        .stderr(predicate::str::contains(
            "access denied: logs:DescribeLogGroups on /aws/connect/",
        ))
        .stderr(predicate::str::contains("IAM policy"));
}

/// The Connect queries' filters keep every row the engine needs, on every
/// Connect event of the repository's fixtures (when present) and of the
/// scenario above: stage 1 exactly the failed Lambda blocks (and each
/// entry of the contact for `explain`), stage 2 each Lambda block, and
/// each entry of the contact too for `explain`. (The Lambda queries have
/// no filter.)
#[test]
fn the_connect_filters_keep_every_row_the_engine_uses() {
    use connect_timeouts::model::Origin;
    use connect_timeouts::parse::connect::parse_flow_entry;
    use connect_timeouts::source::files::{discover, read_file};
    use connect_timeouts::source::live::queries::{
        connect_query, evaluate_filter, failed_blocks_query, failed_row_wanted,
        function_blocks_query, function_row_wanted, lambda_query,
    };

    let scenario_dir = tempfile::tempdir().unwrap();
    write_offline(scenario_dir.path(), &scenario(base()));
    let mut roots = vec![scenario_dir.path().to_path_buf()];
    if fixtures().is_dir() {
        roots.push(fixtures());
    }
    let files = discover(&roots).unwrap();
    let scan_query = connect_query(None);
    let failed_query = failed_blocks_query(None);
    assert!(!lambda_query().contains("filter"));
    let (mut blocks, mut entries, mut failed) = (0, 0, 0);
    for file in &files {
        // Deliberately broken fixture files (garbage, truncated) are not
        // exports: the other tests cover them.
        let _ = read_file(file, &mut |ev| {
            let group = ev.group.or(file.group_hint.as_deref()).unwrap_or("");
            if !group.starts_with("/aws/connect/") {
                return;
            }
            let origin = Origin {
                file: file.display.clone(),
                line: ev.line,
            };
            let Ok(entry) = parse_flow_entry(ev.message, ev.timestamp, origin) else {
                return;
            };
            entries += 1;
            // Stage 1 keeps exactly the failed Lambda blocks, and the
            // client-side re-check agrees with the query.
            let is_failed = entry.is_failed_lambda_block();
            failed += u32::from(is_failed);
            assert_eq!(
                evaluate_filter(&failed_query, ev.message),
                Ok(is_failed),
                "stage 1 {} {}:{}",
                if is_failed {
                    "drops a failed block"
                } else {
                    "keeps an entry that did not fail"
                },
                file.display,
                ev.line
            );
            assert_eq!(failed_row_wanted(ev.message, None), is_failed);
            let explain_stage_1 = failed_blocks_query(Some(&entry.contact_id));
            assert_eq!(evaluate_filter(&explain_stage_1, ev.message), Ok(true));
            if let Some(lambda) = &entry.lambda {
                // Stage 2 keeps the block for its own function, not for
                // another one.
                let own = function_blocks_query(&lambda.function_name, None);
                assert_eq!(
                    evaluate_filter(&own, ev.message),
                    Ok(true),
                    "{}",
                    ev.message
                );
                assert!(function_row_wanted(ev.message, &lambda.function_name, None));
                let other = function_blocks_query("some-other-function", None);
                assert_eq!(evaluate_filter(&other, ev.message), Ok(false));
                assert!(!function_row_wanted(
                    ev.message,
                    "some-other-function",
                    None
                ));
            }
            if entry.lambda.is_some() {
                blocks += 1;
                assert_eq!(
                    evaluate_filter(&scan_query, ev.message),
                    Ok(true),
                    "the scan query drops a Lambda block: {}:{}",
                    file.display,
                    ev.line
                );
            }
            assert_eq!(
                evaluate_filter(&connect_query(Some(&entry.contact_id)), ev.message),
                Ok(true),
                "the explain query drops an entry of its contact: {}:{}",
                file.display,
                ev.line
            );
        });
    }
    assert!(
        failed >= 2 && blocks > failed && entries > blocks,
        "{failed} failed, {blocks} blocks, {entries} entries"
    );
}

/// An SSO profile without a valid session: exit 253, telling the user to
/// log in again with that profile.
#[test]
fn an_expired_sso_session_says_to_log_in() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    fs::write(
        &config,
        "[profile oncall]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n",
    )
    .unwrap();
    bin()
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["scan", "--instance", "acme-prod", "--profile", "oncall"])
        .args(["--endpoint-url", "http://127.0.0.1:9"])
        .assert()
        .code(253)
        .stderr(predicate::str::contains("aws sso login --profile oncall"));
}

/// A failed block of a function whose log group does not exist: the scan
/// goes on, the failure is unlinked (as offline without that group), and a
/// warning says why.
#[test]
fn a_missing_lambda_log_group_leaves_the_failure_unlinked() {
    let t = base();
    const ERR: &str = r#""Results":"The Lambda Function Returned An Error.","#;
    let events = vec![flow(CONTACT, t + 100, &lambda_block(ERR, "ghost", 3000))];
    let moto = Moto::start();
    let mut spec = seed_spec(&events);
    spec["functions"] = json!([]);
    moto.seed(&spec);
    let offline = tempfile::tempdir().unwrap();
    write_offline(offline.path(), &events);
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    let out = moto
        .bin()
        .args([
            "scan",
            "-o",
            "json",
            "--instance",
            "acme-prod",
            "--start",
            &start,
            "--end",
            &end,
        ])
        .args(["--endpoint-url", &moto.url])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("/aws/lambda/ghost does not exist"),
        "{stderr}"
    );
    let live: Value = serde_json::from_slice(&out.stdout).unwrap();
    let plain = run_json(
        bin()
            .args(["scan", "-o", "json", "--start", &start, "--end", &end, "-i"])
            .arg(offline.path()),
    );
    assert_eq!(live["failures"][0]["class"], "unlinked");
    assert_eq!(
        comparable(&live["failures"]),
        comparable(&plain["failures"])
    );
}

/// `--save-logs` into a directory that holds a capture: refused before any
/// query runs, the capture untouched; `--force` replaces it.
#[test]
fn save_logs_never_replaces_a_capture_without_force() {
    let s = setup();
    let saved = tempfile::tempdir().unwrap();
    let capture = |force: bool| {
        let mut cmd = s.scan();
        cmd.arg("--save-logs").arg(saved.path());
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let first = capture(false);
    assert!(first.status.success());
    let events = saved.path().join("aws/lambda/crm-lookup/insights.ndjson");
    let before = fs::read(&events).unwrap();
    fs::write(&events, b"edited by hand\n").unwrap();

    let again = capture(false);
    assert_eq!(again.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(again.stdout.is_empty());
    assert!(!stderr.contains("Logs Insights:"), "no query ran: {stderr}");
    assert_eq!(fs::read(&events).unwrap(), b"edited by hand\n");

    let forced = capture(true);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert_eq!(fs::read(&events).unwrap(), before);
    let leftovers: Vec<_> = walk(saved.path())
        .into_iter()
        .filter(|p| p.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Every file under `dir`, as strings.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}

/// A run that fails (here: nothing answers at the endpoint) leaves no
/// capture file behind, not even a partial one. (A failure mid-write is
/// covered by `save::tests::a_run_that_stops_early_leaves_nothing_behind`.)
#[test]
fn a_failed_run_leaves_no_partial_capture() {
    let s = setup();
    let saved = tempfile::tempdir().unwrap();
    let target = saved.path().join("capture");
    let out = s
        .moto
        .bin()
        .args([
            "scan",
            "--instance",
            "acme-prod",
            "--start",
            &s.start,
            "--end",
            &s.end,
            "--save-logs",
        ])
        .arg(&target)
        // Nothing listens here: the group lookup fails.
        .args(["--endpoint-url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(walk(saved.path()).is_empty(), "{:?}", walk(saved.path()));
}

/// `-vv` prints the AWS calls and the SDK's debug log; neither the secret
/// key nor the session token appears anywhere in the output.
#[test]
fn verbose_output_never_shows_the_secret_key() {
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETzKEY";
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLEzSESSIONzTOKENz0123456789";
    let s = setup();
    let out = s
        .scan()
        .arg("-vv")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    // The trace is there, so the test looks at a real debug log ...
    assert!(
        stderr.contains("aws: region us-east-1") && stderr.contains("key id ...MPLE"),
        "{stderr}"
    );
    assert!(stderr.contains("with a session token"), "{stderr}");
    assert!(
        stderr.contains("aws: logs:StartQuery (http://127.0.0.1:")
            && stderr.contains("-> HTTP 200 in "),
        "{stderr}"
    );
    assert!(
        stderr.contains("lambda:GetFunctionConfiguration"),
        "{stderr}"
    );
    assert!(
        stderr.lines().filter(|l| l.contains(" DEBUG ")).count() > 10,
        "the SDK's debug log: {stderr}"
    );
    // ... and no credential is in it, in whole or in part.
    for secret in [SECRET, TOKEN, &SECRET[..16], &TOKEN[..16]] {
        assert!(!stderr.contains(secret), "stderr shows {secret}");
        assert!(!stdout.contains(secret), "stdout shows {secret}");
    }
}

/// After a window, pass 2 reads only the lines that can close an
/// invocation: on every Lambda line of the fixtures, the tail query's
/// filter keeps each END, REPORT, timeout and error line the analysis would
/// keep there (`analyze::lambda`'s closing records).
#[test]
fn the_lambda_tail_filter_keeps_every_closing_line() {
    use connect_timeouts::model::LambdaRecord;
    use connect_timeouts::parse::lambda::parse_lambda_line;
    use connect_timeouts::source::files::{discover, read_file};
    use connect_timeouts::source::live::queries::{evaluate_filter, lambda_tail_query};

    let query = lambda_tail_query();
    let files = discover(&[fixtures()]).unwrap();
    let (mut closing, mut dropped) = (0, 0);
    for file in &files {
        let _ = read_file(file, &mut |ev| {
            let group = ev.group.or(file.group_hint.as_deref()).unwrap_or("");
            if !group.starts_with("/aws/lambda/") {
                return;
            }
            let closes = matches!(
                parse_lambda_line(ev.message),
                LambdaRecord::End { .. }
                    | LambdaRecord::Report(_)
                    | LambdaRecord::RuntimeDone { .. }
                    | LambdaRecord::TimedOut { .. }
                    | LambdaRecord::RuntimeError { .. }
            );
            let kept = evaluate_filter(&query, ev.message) == Ok(true);
            if closes {
                closing += 1;
                assert!(
                    kept,
                    "the tail drops {}:{}: {}",
                    file.display, ev.line, ev.message
                );
            } else if !kept {
                dropped += 1;
            }
        });
    }
    // It does filter: most lines of a tail are the function's own output.
    assert!(
        closing > 50 && dropped > closing,
        "{closing} closing, {dropped} dropped"
    );
}

/// A failed block of `profile` (8 s limit) whose invocation logged a START
/// and a line into `group`, then nothing: the configured 2 s timeout is the
/// only sign of a misconfigured timeout.
fn profile_events(t: i64, group: &'static str) -> Vec<Ev> {
    let stream = "2026/11/28/[$LATEST]feedfacefeedfacefeedfacefeedface";
    let rid = "d4c3b2a1-3333-4e5f-8a9b-0c1d2e3f4a5b";
    const ERR: &str = r#""Results":"The Lambda Function Returned An Error.","#;
    vec![
        flow(CONTACT, t + 100, &lambda_block(ERR, "profile", 8000)),
        line(
            group,
            stream,
            t + 130,
            format!("START RequestId: {rid} Version: $LATEST\n"),
        ),
        line(
            group,
            stream,
            t + 140,
            format!("{}\t{rid}\tINFO\tloading the profile\n", iso(t + 140)),
        ),
    ]
}

fn scan_profile(moto: &Moto, t: i64, extra: &[&str]) -> assert_cmd::assert::Assert {
    let (start, end) = (iso(t - 60_000), iso(t + 600_000));
    moto.bin()
        .args(["scan", "-o", "json", "--instance", "acme-prod"])
        .args(["--start", &start, "--end", &end])
        .args(extra)
        .args(["--endpoint-url", &moto.url])
        .assert()
}

/// moto's GetFunctionConfiguration has no `LoggingConfig` (as a denied call
/// would not): when /aws/lambda/<fn> does not exist, the group named after
/// the function is found by listing, used, and said in a note; with two
/// such groups, the run stops and lists them.
#[test]
fn a_function_logging_elsewhere_is_found_by_its_name() {
    let t = base();
    let events = profile_events(t, "/custom/logs/profile");
    let moto = Moto::start();
    let mut spec = seed_spec(&events);
    spec["functions"] = json!([{"name": "profile", "timeout": 2}]);
    moto.seed(&spec);
    let out = scan_profile(&moto, t, &[]).success();
    let output = out.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "note: profile: logs in /custom/logs/profile, the only log group named after it"
        ),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failure = &doc["failures"][0];
    assert_eq!(failure["class"], "misconfigured_timeout", "{failure}");
    assert_eq!(
        failure["invocations"][0]["request_id"],
        "d4c3b2a1-3333-4e5f-8a9b-0c1d2e3f4a5b"
    );
    assert_eq!(
        doc["scope"]["lambda_groups"],
        json!(["/custom/logs/profile"])
    );

    // A second group named after it: which one is unknown.
    let other = vec![line(
        "/other/team/profile",
        "s",
        t + 150,
        "START RequestId: 00000000-0000-4000-8000-000000000000 Version: $LATEST\n".into(),
    )];
    moto.seed(&json!({"groups": groups_of(&other), "append": true}));
    scan_profile(&moto, t, &[])
        .code(254)
        .stderr(predicate::str::contains(
            "cannot tell which log group profile writes to",
        ))
        .stderr(predicate::str::contains(
            "/custom/logs/profile, /other/team/profile",
        ));
}

/// A configuration changed after the period (the fix already applied, say)
/// is not the one the block met: the 2 s timeout read now is not used, the
/// verdict says why, and END/REPORT lines are read for 60 s.
#[test]
fn a_configuration_changed_after_the_period_is_not_used() {
    let t = base();
    let events = profile_events(t, "/aws/lambda/profile");
    let changed = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string();
    let moto = Moto::start_with(&[("LAMBDA_LAST_MODIFIED", &changed)]);
    let mut spec = seed_spec(&events);
    spec["functions"] = json!([{"name": "profile", "timeout": 2}]);
    moto.seed(&spec);
    let out = scan_profile(&moto, t, &["--show-queries"]).success();
    let output = out.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("note: profile: its configuration changed after the period"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failure = &doc["failures"][0];
    assert_ne!(failure["class"], "misconfigured_timeout", "{failure}");
    let evidence = failure["evidence"].to_string();
    assert!(
        evidence.contains("the function's configuration changed at")
            && evidence.contains("may have differed"),
        "{evidence}"
    );
    // The tail after the window: 60 s, not the 2 s timeout's 14 s.
    let lambda: Vec<(String, i64, i64)> = queries_shown(&stderr)
        .into_iter()
        .filter(|(g, _, _)| g == "/aws/lambda/profile")
        .collect();
    let tail = lambda.last().expect("a tail query");
    assert_eq!(tail.2 - tail.1, 60, "{lambda:?}");
}
