//! JSON-format lines from the reference (log-formats.md §4), verbatim.

use crate::model::{InitKind, LambdaRecord, Report};
use crate::parse::lambda::parse_lambda_line as parse;

#[test]
fn init_start_on_demand() {
    assert_eq!(
        parse(
            r#"{"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.mainline.v122","runtimeVersionArn":"arn:aws:lambda:eu-central-1::runtime:775dab0d","functionName":"tenner-notifier","functionVersion":"$LATEST","instanceId":"2026/10/08/tenner-notifier[$LATEST]22be53a8cfde4e68b844f8ec293b2543","instanceMaxMemory":268435456}}"#
        ),
        LambdaRecord::InitStart {
            kind: InitKind::Init,
            runtime_version: Some("nodejs:22.mainline.v122".to_string()),
            initialization_type: Some("on-demand".to_string()),
            phase: Some("init".to_string()),
        }
    );
}

#[test]
fn restore_start_and_provisioned() {
    assert_eq!(
        parse(
            r#"{"time":"2026-01-01T00:00:00.000Z","type":"platform.restoreStart","record":{"runtimeVersion":"java:21.v38"}}"#
        ),
        LambdaRecord::InitStart {
            kind: InitKind::Restore,
            runtime_version: Some("java:21.v38".to_string()),
            initialization_type: None,
            phase: None,
        }
    );
    assert_eq!(
        parse(
            r#"{"time":"2026-01-01T00:00:00.000Z","type":"platform.initStart","record":{"initializationType":"provisioned-concurrency","phase":"init"}}"#
        ),
        LambdaRecord::InitStart {
            kind: InitKind::Init,
            runtime_version: None,
            initialization_type: Some("provisioned-concurrency".to_string()),
            phase: Some("init".to_string()),
        }
    );
}

#[test]
fn start_and_app_and_report() {
    assert_eq!(
        parse(
            r#"{"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","functionArn":"arn:aws:lambda:eu-central-1:825765399535:function:tenner-notifier","version":"$LATEST"}}"#
        ),
        LambdaRecord::Start {
            request_id: "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36".to_string(),
            version: Some("$LATEST".to_string()),
        }
    );
    assert_eq!(
        parse(
            r#"{"timestamp":"2026-10-08T07:30:29.443Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"{\"level\":\"ERROR\",\"message\":\"Widget update failed\"}"}"#
        ),
        LambdaRecord::App {
            request_id: Some("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36".to_string()),
            level: Some("ERROR".to_string()),
            message: r#"{"level":"ERROR","message":"Widget update failed"}"#.to_string(),
        }
    );
    assert_eq!(
        parse(
            r#"{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}"#
        ),
        LambdaRecord::Report(Box::new(Report {
            request_id: "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36".to_string(),
            duration_ms: Some(1233.96),
            billed_duration_ms: Some(1698.0),
            memory_size_mb: Some(256.0),
            max_memory_used_mb: Some(123.0),
            init_duration_ms: Some(463.512),
            restore_duration_ms: None,
            status: Some("success".to_string()),
            error_type: None,
        }))
    );
}

#[test]
fn timeout_capture() {
    assert_eq!(
        parse(
            r#"{"time":"2026-07-09T06:05:50.562Z","type":"platform.runtimeDone","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","status":"timeout","metrics":{"durationMs":5001.182,"producedBytes":0}}}"#
        ),
        LambdaRecord::RuntimeDone {
            request_id: "aec7a529-47f9-4090-be01-c9ed91bf83cf".to_string(),
            status: Some("timeout".to_string()),
            error_type: None,
            duration_ms: Some(5001.182),
        }
    );
    assert_eq!(
        parse(
            r#"{"time":"2026-07-09T06:05:50.581Z","type":"platform.report","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":128,"maxMemoryUsedMB":94},"status":"timeout"}}"#
        ),
        LambdaRecord::Report(Box::new(Report {
            request_id: "aec7a529-47f9-4090-be01-c9ed91bf83cf".to_string(),
            duration_ms: Some(5000.0),
            billed_duration_ms: Some(5000.0),
            memory_size_mb: Some(128.0),
            max_memory_used_mb: Some(94.0),
            init_duration_ms: None,
            restore_duration_ms: None,
            status: Some("timeout".to_string()),
            error_type: None,
        }))
    );
}

#[test]
fn init_and_restore_reports() {
    assert_eq!(
        parse(
            r#"{"time":"2025-01-01T00:00:00.000Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":565.4}}}"#
        ),
        LambdaRecord::InitReport {
            kind: InitKind::Init,
            duration_ms: Some(565.4),
            phase: Some("init".to_string()),
            status: Some("success".to_string()),
            error_type: None,
        }
    );
    assert_eq!(
        parse(
            r#"{"time":"2025-01-01T00:00:00.000Z","type":"platform.restoreReport","record":{"status":"error","errorType":"Runtime.ExitError","metrics":{"durationMs":789.64}}}"#
        ),
        LambdaRecord::InitReport {
            kind: InitKind::Restore,
            duration_ms: Some(789.64),
            phase: None,
            status: Some("error".to_string()),
            error_type: Some("Runtime.ExitError".to_string()),
        }
    );
}

#[test]
fn report_with_restore_and_error_type_and_string_metrics() {
    let line = r#"{"time":"t","type":"platform.report","record":{"requestId":"r-1","status":"error","errorType":"Runtime.OutOfMemory","metrics":{"durationMs":"12.5","restoreDurationMs":398.97,"memorySizeMB":{}}}}"#;
    let LambdaRecord::Report(r) = parse(line) else {
        panic!("not a report")
    };
    assert_eq!(r.duration_ms, Some(12.5));
    assert_eq!(r.restore_duration_ms, Some(398.97));
    assert_eq!(r.memory_size_mb, None);
    assert_eq!(r.error_type.as_deref(), Some("Runtime.OutOfMemory"));
}

#[test]
fn other_platform_types_and_malformed_records() {
    for line in [
        r#"{"time":"t","type":"platform.initRuntimeDone","record":{"initializationType":"on-demand","phase":"init","status":"success"}}"#,
        r#"{"time":"t","type":"platform.extension","record":{"name":"x","state":"Ready","events":["INVOKE"]}}"#,
        r#"{"time":"t","type":"platform.telemetrySubscription","record":{"name":"x"}}"#,
        r#"{"time":"t","type":"platform.logsDropped","record":{"reason":"x","droppedRecords":1}}"#,
        r#"{"time":"t","type":"platform.restoreRuntimeDone","record":{"status":"success"}}"#,
        r#"{"time":"t","type":"platform.start","record":{"version":"$LATEST"}}"#,
        r#"{"time":"t","type":"platform.report","record":[1,2]}"#,
        r#"{"time":"t","type":"platform.report"}"#,
        r#"{"time":"t","type":"platform.start","record":{"requestId":""}}"#,
    ] {
        assert_eq!(
            parse(line),
            LambdaRecord::Platform {
                message: line.to_string()
            },
            "{line}"
        );
    }
}

#[test]
fn python_json_formatter() {
    let line = r#"{"timestamp":"2026-05-02T21:55:11Z","level":"INFO","message":"Found credentials","logger":"botocore","requestId":"4ce9340a-b765-490f-ad8a-02ab3415e2bf","location":"x.py:1"}"#;
    assert_eq!(
        parse(line),
        LambdaRecord::App {
            request_id: Some("4ce9340a-b765-490f-ad8a-02ab3415e2bf".to_string()),
            level: Some("INFO".to_string()),
            message: "Found credentials".to_string(),
        }
    );
    // An unhandled error: no string message, so the whole line is kept.
    let line = r#"{"timestamp":"t","level":"ERROR","message":{"errorType":"Runtime.ImportModuleError"},"errorType":"Runtime.ImportModuleError","requestId":""}"#;
    assert_eq!(
        parse(line),
        LambdaRecord::App {
            request_id: None,
            level: Some("ERROR".to_string()),
            message: line.to_string(),
        }
    );
}

#[test]
fn other_and_invalid_json_is_app_output() {
    for line in [
        r#"{"contactId":"7aa1dc3e","step":"lookup"}"#,
        r#"{"type":"custom","record":1}"#,
        "{not json",
        "{\"a\":1} trailing",
        "{\"requestId\":\"r\",\"requestId\":\"s\"}",
        "{",
    ] {
        assert_eq!(
            parse(line),
            LambdaRecord::App {
                request_id: None,
                level: None,
                message: line.to_string(),
            },
            "{line}"
        );
    }
}

#[test]
fn truncated_json_never_panics() {
    let line = r#"{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f","metrics":{"durationMs":1233.96,"initDurationMs":463.512},"status":"success"}}"#;
    for (i, _) in line.char_indices() {
        let _ = parse(&line[..i]);
    }
}
