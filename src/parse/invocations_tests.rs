//! Full stream sequences from the reference (log-formats.md §3–4), parsed
//! with the real line parser and assembled. `\t` is a real TAB.

use super::*;
use crate::model::InitKind;
use crate::parse::lambda::parse_lambda_line;

/// 2024-03-04T17:22:35.000Z, an arbitrary base time.
const T: Millis = 1_709_572_955_000;

fn id() -> StreamId {
    StreamId {
        function: "my-fn".to_string(),
        group: "/aws/lambda/my-fn".to_string(),
        stream: "2024/03/04/[$LATEST]b70435cc".to_string(),
    }
}

fn events(lines: &[(Millis, &str)]) -> Vec<StreamEvent> {
    lines
        .iter()
        .zip(0u64..)
        .map(|(&(ts, raw), seq)| StreamEvent {
            timestamp: ts,
            seq,
            record: parse_lambda_line(raw),
            raw: raw.to_string(),
        })
        .collect()
}

fn assemble(lines: &[(Millis, &str)]) -> (Vec<Invocation>, u64) {
    assemble_stream_counted(&id(), events(lines))
}

fn one(lines: &[(Millis, &str)]) -> Invocation {
    let (mut invs, _) = assemble(lines);
    assert_eq!(invs.len(), 1, "{invs:#?}");
    invs.remove(0)
}

fn texts(lines: &[LogLine]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

const NODE_ID: &str = "c793869b-ee49-115b-a5b6-4fd21e8dedac";

#[test]
fn warm_success_with_node_custom_lines() {
    let inv = one(&[
        (T, "START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST\n"),
        (T + 5, "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT VARIABLES\n"),
        (T + 6, "plain stdout write\n"),
        (T + 128, "END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\n"),
        (T + 129, "REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\n"),
    ]);
    assert_eq!(inv.request_id, NODE_ID);
    assert_eq!(
        (
            inv.function.as_str(),
            inv.log_group.as_str(),
            inv.log_stream.as_str()
        ),
        ("my-fn", "/aws/lambda/my-fn", "2024/03/04/[$LATEST]b70435cc")
    );
    assert_eq!(inv.status, InvocationStatus::Success);
    assert_eq!((inv.start, inv.arrival, inv.end), (T, T, Some(T + 129)));
    assert_eq!(inv.duration_ms, Some(128.83));
    assert_eq!(inv.billed_duration_ms, Some(200.0));
    assert_eq!(inv.memory_size_mb, Some(128.0));
    assert_eq!(inv.max_memory_used_mb, Some(74.0));
    assert!(!inv.is_cold());
    assert_eq!(
        texts(&inv.custom_lines),
        [
            "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT VARIABLES",
            "plain stdout write"
        ]
    );
    assert_eq!(inv.platform_lines.len(), 3);
    assert!(inv.init_lines.is_empty() && inv.init_reports.is_empty());
}

#[test]
fn cold_start_init_start_then_report_with_init_duration() {
    let inv = one(&[
        (T, "INIT_START Runtime Version: python:3.12.mainlinev2.v7\tRuntime Version ARN: arn:aws:lambda:ap-northeast-1::runtime:abc"),
        (T + 120, "[INFO]\t2026-05-02T21:55:11.504Z\t\tFound credentials in environment variables.\n"),
        (T + 303, "START RequestId: 8b9836de-3acb-46ae-82da-080b95e77880 Version: $LATEST"),
        (T + 2997, "END RequestId: 8b9836de-3acb-46ae-82da-080b95e77880"),
        (T + 2998, "REPORT RequestId: 8b9836de-3acb-46ae-82da-080b95e77880 Duration: 2693.88 ms Billed Duration: 2694 ms Memory Size: 128 MB Max Memory Used: 81 MB Init Duration: 303.42 ms"),
    ]);
    assert_eq!(inv.init_start, Some(T));
    assert_eq!(inv.initialization_type, None);
    assert!(inv.is_cold());
    assert_eq!(inv.start, T + 303);
    assert_eq!(inv.arrival, T);
    assert_eq!(inv.init_duration_ms, Some(303.42));
    assert_eq!(inv.cold_ms(), 303.42);
    assert_eq!(inv.status, InvocationStatus::Success);
    assert_eq!(
        texts(&inv.init_lines),
        ["[INFO]\t2026-05-02T21:55:11.504Z\t\tFound credentials in environment variables."]
    );
    assert!(inv.custom_lines.is_empty());
    assert_eq!(inv.platform_lines.len(), 4);
    assert!(inv.platform_lines[0].text.starts_with("INIT_START"));
}

#[test]
fn init_start_long_before_start_is_not_a_cold_start() {
    // Provisioned concurrency in the text format: INIT_START at allocation,
    // the first request an hour later still reports Init Duration.
    let inv = one(&[
        (T - 3_600_000, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c"),
        (T, "START RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac Version: 7"),
        (T + 2, "END RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac"),
        (T + 2, "REPORT RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac\tDuration: 1.26 ms\tBilled Duration: 2 ms\tMemory Size: 150 MB\tMax Memory Used: 39 MB\tInit Duration: 4831.59 ms\t"),
    ]);
    assert!(!inv.is_cold());
    assert!(inv.pre_initialised());
    assert_eq!(inv.arrival, T);
    assert_eq!(inv.cold_ms(), 0.0);
}

#[test]
fn old_era_timeout() {
    let inv = one(&[
        (T, "START RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21 Version: $LATEST"),
        (T + 3033, "2024-03-04T17:22:38.033Z b70435cc-261c-4438-b9b6-efe4c8f04b21 Task timed out after 3.00 seconds"),
        (T + 3034, "END RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21"),
        (T + 3035, "REPORT RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21 Duration: 3004.92 ms Billed Duration: 3000 ms Memory Size: 128 MB Max Memory Used: 33 MB Init Duration: 111.23 ms"),
    ]);
    assert_eq!(inv.status, InvocationStatus::Timeout);
    assert_eq!(inv.timed_out_after_s, Some(3.0));
    assert_eq!(inv.duration_ms, Some(3004.92));
    // Init Duration without an INIT_START right before START: a
    // pre-initialised environment (reference §0b.4), not a wait.
    assert!(!inv.is_cold());
    assert!(inv.pre_initialised());
    assert_eq!(inv.arrival, T);
    assert_eq!(inv.end, Some(T + 3035));
    assert_eq!(inv.platform_lines.len(), 4);
    assert!(inv.custom_lines.is_empty());
}

#[test]
fn new_era_status_timeout() {
    let inv = one(&[
        (T, "START RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda Version: $LATEST"),
        (T + 3016, "END RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda"),
        (T + 3017, "REPORT RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda Duration: 3016.78 ms Billed Duration: 3016 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 84.00 ms Status: timeout"),
    ]);
    assert_eq!(inv.status, InvocationStatus::Timeout);
    assert_eq!(inv.timed_out_after_s, None);
    assert_eq!(inv.init_duration_ms, Some(84.0));
    assert_eq!(
        inv.arrival, T,
        "no INIT_START in the data: not counted as a wait"
    );
}

#[test]
fn exit_error_old_era() {
    let inv = one(&[
        (T, "START RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Version: $LATEST"),
        (T + 930, "RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason"),
        (T + 930, "Runtime.ExitError"),
        (T + 933, "END RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1"),
        (T + 934, "REPORT RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Duration: 933.59 ms Billed Duration: 934 ms Memory Size: 128 MB Max Memory Used: 9 MB"),
    ]);
    assert_eq!(
        inv.status,
        InvocationStatus::Error(Some("Runtime.ExitError".to_string()))
    );
    assert_eq!(inv.platform_lines.len(), 5);
    assert!(!inv.is_cold());
}

#[test]
fn out_of_memory_old_era() {
    let inv = one(&[
        (T, "START RequestId: 374162fd-c9e3-41c9-bb95-9ff398cf1919 Version: $LATEST"),
        (T + 500, "RequestId: 374162fd-c9e3-41c9-bb95-9ff398cf1919 Error: Runtime exited with error: signal: killed"),
        (T + 501, "END RequestId: 374162fd-c9e3-41c9-bb95-9ff398cf1919"),
        (T + 502, "REPORT RequestId: 374162fd-c9e3-41c9-bb95-9ff398cf1919\tDuration: 500.00 ms\tBilled Duration: 500 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB"),
    ]);
    assert_eq!(inv.status, InvocationStatus::Error(None));
}

#[test]
fn exit_error_new_era() {
    let inv = one(&[
        (T, "START RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd Version: $LATEST"),
        (T + 133, "END RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd"),
        (T + 134, "REPORT RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd Duration: 133.61 ms Billed Duration: 133 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 80.00 ms Status: error Error Type: Runtime.ExitError"),
    ]);
    assert_eq!(
        inv.status,
        InvocationStatus::Error(Some("Runtime.ExitError".to_string()))
    );
}

#[test]
fn init_errors_then_suppressed_init_before_start() {
    // §3.4 real sequence (REPORT completed from §3.3).
    let inv = one(&[
        (T, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c"),
        (T + 140, "2025-02-10T07:37:10.463Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\"}"),
        (T + 151, "INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError"),
        (T + 1480, "INIT_REPORT Init Duration: 1329.49 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.UserCodeSyntaxError"),
        (T + 1481, "START RequestId: f8400400-dd9e-4025-b644-4c78df3287c7 Version: $LATEST"),
        (T + 1490, "END RequestId: f8400400-dd9e-4025-b644-4c78df3287c7"),
        (T + 1491, "REPORT RequestId: f8400400-dd9e-4025-b644-4c78df3287c7\tDuration: 1338.34 ms\tBilled Duration: 1339 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: error\tError Type: Runtime.UserCodeSyntaxError"),
    ]);
    assert_eq!(
        inv.status,
        InvocationStatus::Error(Some("Runtime.UserCodeSyntaxError".to_string()))
    );
    let phases: Vec<_> = inv
        .init_reports
        .iter()
        .map(|r| (r.timestamp, r.kind, r.phase.as_deref(), r.duration_ms))
        .collect();
    assert_eq!(
        phases,
        [
            (T + 151, InitKind::Init, Some("init"), Some(150.79)),
            (T + 1480, InitKind::Init, Some("invoke"), Some(1329.49)),
        ]
    );
    assert_eq!(inv.init_start, Some(T));
    assert_eq!(inv.arrival, T);
    assert_eq!(inv.init_lines.len(), 1);
    assert_eq!(inv.platform_lines.len(), 6);
}

#[test]
fn init_timeout_then_suppressed_init_during_invoke() {
    let inv = one(&[
        (T, "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c"),
        (T + 10_000, "INIT_REPORT Init Duration: 9999.79 ms    Phase: init    Status: timeout"),
        (T + 10_001, "START RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac Version: $LATEST"),
        (T + 13_000, "INIT_REPORT Init Duration: 3000.01 ms\tPhase: invoke\tStatus: timeout"),
        (T + 13_001, "END RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac"),
        (T + 13_002, "REPORT RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout"),
    ]);
    assert_eq!(inv.status, InvocationStatus::Timeout);
    assert_eq!(inv.init_reports.len(), 2);
    assert_eq!(inv.init_reports[0].status.as_deref(), Some("timeout"));
    assert_eq!(inv.init_reports[1].phase.as_deref(), Some("invoke"));
    assert_eq!(inv.arrival, T);
}

#[test]
fn json_cold_start_capture() {
    let inv = one(&[
        (
            T,
            r#"{"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.mainline.v122","runtimeVersionArn":"arn:aws:lambda:eu-central-1::runtime:775dab0d","functionName":"tenner-notifier","functionVersion":"$LATEST","instanceId":"2026/10/08/tenner-notifier[$LATEST]22be53a8cfde4e68b844f8ec293b2543","instanceMaxMemory":268435456}}"#,
        ),
        (
            T + 467,
            r#"{"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","functionArn":"arn:aws:lambda:eu-central-1:825765399535:function:tenner-notifier","version":"$LATEST"}}"#,
        ),
        (
            T + 1675,
            r#"{"timestamp":"2026-10-08T07:30:29.443Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"{\"level\":\"ERROR\",\"message\":\"Widget update failed\"}"}"#,
        ),
        (
            T + 1702,
            r#"{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}"#,
        ),
    ]);
    assert_eq!(inv.request_id, "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36");
    assert_eq!(inv.initialization_type.as_deref(), Some("on-demand"));
    assert_eq!(inv.init_start, Some(T));
    assert!(inv.is_cold());
    assert_eq!(
        (inv.start, inv.arrival, inv.end),
        (T + 467, T, Some(T + 1702))
    );
    assert_eq!(inv.init_duration_ms, Some(463.512));
    assert_eq!(inv.status, InvocationStatus::Success);
    assert_eq!(inv.custom_lines.len(), 1);
    assert_eq!(inv.platform_lines.len(), 3);
}

#[test]
fn json_timeout_capture() {
    let inv = one(&[
        (
            T,
            r#"{"time":"2026-07-09T06:05:45.561Z","type":"platform.start","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","version":"$LATEST"}}"#,
        ),
        (
            T + 5001,
            r#"{"time":"2026-07-09T06:05:50.562Z","type":"platform.runtimeDone","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","status":"timeout","metrics":{"durationMs":5001.182,"producedBytes":0}}}"#,
        ),
        (
            T + 5020,
            r#"{"time":"2026-07-09T06:05:50.581Z","type":"platform.report","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":128,"maxMemoryUsedMB":94},"status":"timeout"}}"#,
        ),
    ]);
    assert_eq!(inv.status, InvocationStatus::Timeout);
    assert_eq!(inv.duration_ms, Some(5000.0));
    assert_eq!(inv.arrival, T);
}

#[test]
fn json_runtime_done_error_is_not_erased_by_a_success_report() {
    let inv = one(&[
        (
            T,
            r#"{"time":"t","type":"platform.start","record":{"requestId":"r-1"}}"#,
        ),
        (
            T + 10,
            r#"{"time":"t","type":"platform.runtimeDone","record":{"requestId":"r-1","status":"error","errorType":"Runtime.Unknown"}}"#,
        ),
        (
            T + 11,
            r#"{"time":"t","type":"platform.report","record":{"requestId":"r-1","status":"success","metrics":{"durationMs":10}}}"#,
        ),
    ]);
    assert_eq!(
        inv.status,
        InvocationStatus::Error(Some("Runtime.Unknown".to_string()))
    );
}

#[test]
fn snapstart_restore() {
    let inv = one(&[
        (T, "RESTORE_START Runtime Version: java:21.v38\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc"),
        (T + 790, "RESTORE_REPORT Restore Duration: 789.64 ms"),
        (T + 795, "START RequestId: 8c360c87-d4b7-4423-b5f3-af02be3c1763 Version: 72"),
        (T + 3134, "END RequestId: 8c360c87-d4b7-4423-b5f3-af02be3c1763"),
        (T + 3135, "REPORT RequestId: 8c360c87-d4b7-4423-b5f3-af02be3c1763\tDuration: 2338.66 ms\tBilled Duration: 2521 ms\tMemory Size: 3009 MB\tMax Memory Used: 173 MB\tRestore Duration: 398.97 ms\tBilled Restore Duration: 182 ms\t"),
    ]);
    assert_eq!(inv.init_start, Some(T));
    assert_eq!(inv.arrival, T);
    assert!(inv.is_cold());
    assert_eq!(inv.restore_duration_ms, Some(398.97));
    assert_eq!(inv.init_duration_ms, None);
    assert_eq!(inv.init_reports.len(), 1);
    assert_eq!(inv.init_reports[0].kind, InitKind::Restore);
    assert_eq!(inv.status, InvocationStatus::Success);
}

#[test]
fn back_to_back_with_print_lines_by_position() {
    let (invs, unattributed) = assemble(&[
        (T, "START RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Version: $LATEST"),
        (T + 10, "## EVENT one"),
        (T + 20, "END RequestId: 11111111-aaaa-4bbb-8ccc-000000000001"),
        (T + 20, "REPORT RequestId: 11111111-aaaa-4bbb-8ccc-000000000001\tDuration: 19.50 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t"),
        (T + 30, "stray print between invocations"),
        (T + 40, "START RequestId: 22222222-aaaa-4bbb-8ccc-000000000002 Version: $LATEST"),
        (T + 41, "## EVENT two"),
        (T + 42, "[INFO]\t2026-05-02T21:55:11.504Z\t11111111-aaaa-4bbb-8ccc-000000000001\tlate line of the first request"),
        (T + 60, "END RequestId: 22222222-aaaa-4bbb-8ccc-000000000002"),
        (T + 61, "REPORT RequestId: 22222222-aaaa-4bbb-8ccc-000000000002\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t"),
    ]);
    assert_eq!(invs.len(), 2);
    assert_eq!(unattributed, 1);
    assert_eq!(
        texts(&invs[0].custom_lines),
        [
            "## EVENT one",
            "[INFO]\t2026-05-02T21:55:11.504Z\t11111111-aaaa-4bbb-8ccc-000000000001\tlate line of the first request"
        ]
    );
    assert_eq!(texts(&invs[1].custom_lines), ["## EVENT two"]);
    assert!(invs
        .iter()
        .all(|i| i.status == InvocationStatus::Success && !i.is_cold()));
}

#[test]
fn start_without_report_then_another_start() {
    let (invs, _) = assemble(&[
        (T, "START RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Version: $LATEST"),
        (T + 10, "working..."),
        (T + 5000, "START RequestId: 22222222-aaaa-4bbb-8ccc-000000000002 Version: $LATEST"),
        (T + 5010, "END RequestId: 22222222-aaaa-4bbb-8ccc-000000000002"),
        (T + 5011, "REPORT RequestId: 22222222-aaaa-4bbb-8ccc-000000000002\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB"),
    ]);
    assert_eq!(invs.len(), 2);
    assert_eq!(invs[0].status, InvocationStatus::Unknown);
    assert_eq!(invs[0].end, None);
    assert_eq!(texts(&invs[0].custom_lines), ["working..."]);
    assert_eq!(invs[1].status, InvocationStatus::Success);
    assert_eq!(invs[1].end, Some(T + 5011));
}

#[test]
fn open_at_stream_end_keeps_evidence() {
    let (invs, _) = assemble(&[
        (T, "START RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Version: $LATEST"),
        (T + 3000, "RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Error: Task timed out after 3.00 seconds"),
        (T + 4000, "START RequestId: 22222222-aaaa-4bbb-8ccc-000000000002 Version: $LATEST"),
    ]);
    assert_eq!(invs[0].status, InvocationStatus::Timeout);
    assert_eq!(invs[0].timed_out_after_s, Some(3.0));
    assert_eq!(
        (invs[1].status.clone(), invs[1].end),
        (InvocationStatus::Unknown, None)
    );
}

#[test]
fn report_without_start_claims_earlier_lines() {
    let (invs, unattributed) = assemble(&[
        (T + 500, "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tmid-flight"),
        (T + 990, "END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac"),
        (T + 1000, "REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 999.60 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 200.00 ms"),
    ]);
    assert_eq!(unattributed, 0);
    assert_eq!(invs.len(), 1);
    let inv = &invs[0];
    assert_eq!(inv.start, T);
    assert_eq!(inv.arrival, T);
    assert_eq!(inv.end, Some(T + 1000));
    assert_eq!(inv.custom_lines.len(), 1);
    assert_eq!(inv.platform_lines.len(), 2);
    assert_eq!(inv.status, InvocationStatus::Success);
}

#[test]
fn provisioned_concurrency_is_not_cold() {
    let inv = one(&[
        (
            T,
            r#"{"time":"t","type":"platform.initStart","record":{"initializationType":"provisioned-concurrency","phase":"init"}}"#,
        ),
        (T + 100, "module loaded"),
        (
            T + 3_600_000,
            r#"{"time":"t","type":"platform.start","record":{"requestId":"r-1","version":"3"}}"#,
        ),
        (
            T + 3_600_050,
            r#"{"time":"t","type":"platform.report","record":{"requestId":"r-1","status":"success","metrics":{"durationMs":50.0,"initDurationMs":4831.59}}}"#,
        ),
    ]);
    assert!(!inv.is_cold());
    assert_eq!(inv.arrival, T + 3_600_000);
    assert_eq!(inv.init_start, Some(T));
    assert_eq!(inv.init_duration_ms, Some(4831.59));
    assert_eq!(texts(&inv.init_lines), ["module loaded"]);
}

#[test]
fn events_are_sorted_by_time_then_seq() {
    let mut evs = events(&[
        (
            T,
            "START RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Version: $LATEST",
        ),
        (T + 5, "first"),
        (T + 5, "second"),
        (
            T + 9,
            "REPORT RequestId: 11111111-aaaa-4bbb-8ccc-000000000001\tDuration: 9.00 ms",
        ),
    ]);
    evs.reverse();
    let invs = assemble_stream(&id(), evs);
    assert_eq!(invs.len(), 1);
    assert_eq!(texts(&invs[0].custom_lines), ["first", "second"]);
    assert_eq!(invs[0].status, InvocationStatus::Success);
}

#[test]
fn unknown_request_ids_and_stray_lines_are_counted() {
    let (invs, unattributed) = assemble(&[
        (T, "before anything"),
        (T + 1, "2019-06-07T19:11:20.562Z\tdeadbeef-0000-0000-0000-000000000000\tINFO\tnever started"),
        (T + 2, "Runtime.ExitError"),
        (T + 3, "XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1   SegmentId: 07f5xmpl2d1f6f85 Sampled: true"),
    ]);
    assert!(invs.is_empty());
    assert_eq!(unattributed, 2);
}

#[test]
fn empty_stream_and_huge_durations() {
    assert_eq!(assemble(&[]), (Vec::new(), 0));
    let inv = one(&[(
        T,
        "REPORT RequestId: x-1\tDuration: 1e300 ms\tInit Duration: 1e300 ms",
    )]);
    // Saturating arithmetic: nonsense in, nonsense out, but no overflow panic.
    assert_eq!(inv.start, T.saturating_sub(Millis::MAX));
    assert_eq!(inv.arrival, inv.start);
}

/// Deterministic noise: random splices of real lines and random bytes must
/// never panic any parser or the assembler.
#[test]
fn random_input_never_panics() {
    let seeds = [
        "START RequestId: 11111111-aaaa-4bbb-8ccc-000000000001 Version: $LATEST",
        "REPORT RequestId: 11111111-aaaa-4bbb-8ccc-000000000001\tDuration: 9.00 ms\tInit Duration: 1 ms\tStatus: error\tError Type: Runtime.ExitError",
        "2024-03-04T17:22:38.033Z 11111111-aaaa-4bbb-8ccc-000000000001 Task timed out after 3.00 seconds",
        r#"{"time":"t","type":"platform.report","record":{"requestId":"r-1","metrics":{"durationMs":5000.0}}}"#,
        r#"{"ContactId":"c","ContactFlowModuleType":"InvokeExternalResource","Parameters":{"FunctionArn":"f:1","TimeLimit":"8"}}"#,
        "INIT_REPORT Init Duration: 1236.04 ms Phase: init Status: timeout",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut evs = Vec::new();
    for seq in 0..2000u64 {
        let seed = seeds[(next() % seeds.len() as u64) as usize].as_bytes();
        let mut bytes = seed.to_vec();
        for _ in 0..(next() % 4) {
            let at = (next() as usize) % (bytes.len() + 1);
            bytes.insert(at, next() as u8);
        }
        let cut = (next() as usize) % (bytes.len() + 1);
        bytes.truncate(cut.max(bytes.len() / 2));
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        let _ = crate::parse::connect::parse_flow_entry(
            &raw,
            0,
            crate::model::Origin {
                file: String::new(),
                line: seq,
            },
        );
        evs.push(StreamEvent {
            timestamp: (next() % 1000) as Millis,
            seq,
            record: parse_lambda_line(&raw),
            raw,
        });
    }
    let _ = assemble_stream_counted(&id(), evs);
}
