//! Logs Insights in the emulator: moto alone ignores `filter`, `parse` and
//! `stats`, so tests/support/insights_eval.py evaluates the subset of the
//! query language the tool emits, and tests/common/moto.rs puts it in
//! moto's place. Here: its Python self-test, and the hook live in a real
//! moto server (StartQuery/GetQueryResults through boto3).

mod common;

use common::events::*;
use common::moto::{self, Moto};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";
const OTHER: &str = "7aa1dc3e-232a-42dd-abf3-04e6b60532b3";
const EARLIER: &str = "0b9a3a36-0fd5-4a8b-9c3e-6c2c4bd0f1a2";
const CONNECT: &str = "/aws/connect/acme-prod";
const CRM: &str = "/aws/lambda/crm-lookup";
const CRM_STREAM: &str = "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100";

/// The failed Lambda blocks of the period, oldest first (a future pass 1).
const QUERY_A: &str = "fields @timestamp, @logStream, @log, @message\n\
| filter (@message like \"InvokeExternalResource\" or @message like \"InvokeLambdaFunction\") \
and @message like '\"Results\"' and @message not like '\"ExternalResults\"'\n\
| sort @timestamp asc";

/// Blocks and distinct contacts by function.
const QUERY_C: &str = r#"fields @timestamp, @message
| filter @message like "InvokeExternalResource" or @message like "InvokeLambdaFunction"
| parse @message /"FunctionArn"\s*:\s*"arn:[^:"]+:lambda:[^:"]*:[^:"]*:function:(?<function>[^:"]+)/
| parse @message /"ContactId"\s*:\s*"(?<contact>[^"]+)"/
| stats count(*) as blocks, count_distinct(contact) as contacts by function"#;

#[test]
fn the_evaluator_passes_its_self_test() {
    let test = moto::support_dir().join("test_insights_eval.py");
    let out = Command::new(moto::python())
        .arg(&test)
        .arg("-v")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run the virtualenv's python");
    assert!(
        out.status.success(),
        "{} failed:\n{}{}",
        test.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// StartQuery then GetQueryResults, for each query, through boto3. Reads
/// `{"groups", "start", "end", "queries"}` on stdin; prints per query its
/// rows as `[[field, value], ...]` (in GetQueryResults' order), or the error.
const QUERY_SCRIPT: &str = r#"
import json, sys, time
import boto3
from botocore.exceptions import ClientError

spec = json.load(sys.stdin)
logs = boto3.client(
    "logs", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
)
answers = []
for query in spec["queries"]:
    try:
        qid = logs.start_query(
            logGroupNames=spec["groups"], startTime=spec["start"], endTime=spec["end"],
            queryString=query,
        )["queryId"]
    except ClientError as e:
        answers.append({"error": e.response["Error"]["Code"],
                        "http": e.response["ResponseMetadata"]["HTTPStatusCode"],
                        "message": e.response["Error"]["Message"]})
        continue
    for _ in range(100):
        out = logs.get_query_results(queryId=qid)
        if out["status"] not in ("Scheduled", "Running"):
            break
        time.sleep(0.1)
    answers.append({"status": out["status"],
                    "rows": [[[f["field"], f["value"]] for f in row] for row in out["results"]]})
print(json.dumps(answers))
"#;

fn query(moto: &Moto, groups: &[&str], start_ms: i64, end_ms: i64, queries: &[&str]) -> Vec<Value> {
    let mut child = Command::new(moto::python())
        .args(["-c", QUERY_SCRIPT, &moto.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the virtualenv's python");
    let spec = json!({
        "groups": groups,
        "start": start_ms / 1000,
        "end": end_ms / 1000,
        "queries": queries,
    });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(spec.to_string().as_bytes())
        .expect("write the queries");
    let out = child.wait_with_output().expect("the query script");
    assert!(
        out.status.success(),
        "querying moto failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// A row as (field, value) pairs, in GetQueryResults' order.
fn pairs(row: &Value) -> Vec<(String, String)> {
    row.as_array()
        .expect("a row")
        .iter()
        .map(|f| {
            (
                f[0].as_str().unwrap().to_string(),
                f[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn value<'a>(row: &'a [(String, String)], field: &str) -> Option<&'a str> {
    row.iter()
        .find(|(f, _)| f == field)
        .map(|(_, v)| v.as_str())
}

#[test]
fn moto_evaluates_filters_and_stats_through_start_query() {
    const ERR: &str = r#""Results":"The Lambda Function Returned An Error.","#;
    const OK: &str = r#""ExternalResults":{"isSuccess":"true"},"#;
    let now = chrono::Utc::now().timestamp_millis();
    let t = (now - 1_800_000) / 60_000 * 60_000;
    let rid = "8b9836de-3acb-46ae-82da-080b95e77880";
    let events = vec![
        // Before the window: a failure of a third contact.
        flow(EARLIER, t - 120_000, &lambda_block(ERR, "crm-lookup", 3000)),
        flow(
            CONTACT,
            t + 10,
            r#""ContactFlowModuleType":"SetLoggingBehavior","Identifier":"log","Parameters":{"LoggingBehavior":"Enable"},"#,
        ),
        flow(CONTACT, t + 100, &lambda_block(ERR, "crm-lookup", 3000)),
        flow(CONTACT, t + 200, &lambda_block(OK, "crm-lookup", 3000)),
        flow(
            CONTACT,
            t + 3_130,
            r#""Results":"Success","ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt","Parameters":{"Text":"Sorry"},"#,
        ),
        flow(
            OTHER,
            t + 5_000,
            r#""Results":"Timeout","ContactFlowModuleType":"InvokeLambdaFunction","Identifier":"x","Parameters":{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:billing","TimeLimit":"8"},"#,
        ),
        flow(OTHER, t + 6_000, &lambda_block(OK, "crm-lookup", 3000)),
        line(
            CRM,
            CRM_STREAM,
            t + 2_350,
            format!("START RequestId: {rid} Version: 7\n"),
        ),
        line(
            CRM,
            CRM_STREAM,
            t + 3_750,
            format!("END RequestId: {rid}\n"),
        ),
    ];
    let moto = Moto::start();
    moto.seed(&json!({"groups": groups_of(&events), "connect_instances": []}));
    let answers = query(
        &moto,
        &[CONNECT, CRM],
        t - 60_000,
        t + 600_000,
        &[
            QUERY_A,
            QUERY_C,
            "fields @timestamp, @message\n| filter ContactId = \"x\"",
        ],
    );

    // (a): the two failed blocks in the window (no Lambda line, no
    // successful block, no prompt), oldest first, as moto writes rows (`@ptr` first, `@timestamp` in epoch milliseconds).
    assert_eq!(answers[0]["status"], "Complete", "{}", answers[0]);
    let rows: Vec<_> = answers[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(pairs)
        .collect();
    let fields: Vec<_> = rows[0].iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        ["@ptr", "@timestamp", "@message", "@logStream", "@log"]
    );
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                value(r, "@timestamp").unwrap().to_string(),
                value(r, "@message").unwrap().to_string(),
                value(r, "@logStream").unwrap(),
                value(r, "@log").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                (t + 100).to_string(),
                events[2].message.clone(),
                "acme_1",
                CONNECT
            ),
            (
                (t + 5_000).to_string(),
                events[5].message.clone(),
                "acme_1",
                CONNECT
            ),
        ]
    );

    // (c): blocks and distinct contacts by function; the earlier contact is
    // outside the window.
    assert_eq!(answers[1]["status"], "Complete", "{}", answers[1]);
    let mut stats: Vec<_> = answers[1]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(pairs)
        .collect();
    stats.sort();
    let row = |function: &str, blocks: &str, contacts: &str| {
        vec![
            ("function".to_string(), function.to_string()),
            ("blocks".to_string(), blocks.to_string()),
            ("contacts".to_string(), contacts.to_string()),
        ]
    };
    assert_eq!(
        stats,
        [row("billing", "1", "1"), row("crm-lookup", "3", "2")]
    );

    // Outside the subset: StartQuery fails as AWS fails a query it cannot
    // compile.
    assert_eq!(
        answers[2]["error"], "MalformedQueryException",
        "{}",
        answers[2]
    );
    assert_eq!(answers[2]["http"], 400);
    assert!(answers[2]["message"]
        .as_str()
        .unwrap()
        .contains("unknown field 'ContactId'"));
}
