//! Lambda JSON log format (`LoggingConfig.LogFormat = "JSON"`): platform
//! records `{"time","type":"platform.*","record":{..}}` and the runtimes'
//! JSON application logs `{"timestamp","level","requestId","message",..}`.
//!
//! Every field is optional and read leniently (AWS pages disagree on shapes,
//! metrics are floats that may look like integers), so an odd field costs
//! that field, not the line.

use crate::model::{InitKind, LambdaRecord, Report, TraceRef};
use crate::parse::jsonutil::{opt_text, raw_text};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The top-level keys of either kind of JSON line.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    record: Option<&'a RawValue>,
    #[serde(rename = "requestId", borrow)]
    request_id: Option<&'a RawValue>,
    #[serde(borrow)]
    level: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
}

/// The union of the platform record fields we use.
#[derive(Deserialize, Default)]
struct PlatformRecord<'a> {
    #[serde(rename = "requestId", borrow)]
    request_id: Option<&'a RawValue>,
    #[serde(borrow)]
    version: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(rename = "errorType", borrow)]
    error_type: Option<&'a RawValue>,
    #[serde(rename = "initializationType", borrow)]
    initialization_type: Option<&'a RawValue>,
    #[serde(borrow)]
    phase: Option<&'a RawValue>,
    #[serde(rename = "runtimeVersion", borrow)]
    runtime_version: Option<&'a RawValue>,
    #[serde(borrow)]
    metrics: Option<&'a RawValue>,
    #[serde(borrow)]
    tracing: Option<&'a RawValue>,
}

/// `tracing: {"spanId"?, "type": "X-Amzn-Trace-Id", "value": "Root=...;..."}`.
#[derive(Deserialize, Default)]
struct Tracing<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Metrics<'a> {
    #[serde(rename = "durationMs", borrow)]
    duration: Option<&'a RawValue>,
    #[serde(rename = "billedDurationMs", borrow)]
    billed_duration: Option<&'a RawValue>,
    #[serde(rename = "memorySizeMB", borrow)]
    memory_size: Option<&'a RawValue>,
    #[serde(rename = "maxMemoryUsedMB", borrow)]
    max_memory_used: Option<&'a RawValue>,
    #[serde(rename = "initDurationMs", borrow)]
    init_duration: Option<&'a RawValue>,
    #[serde(rename = "restoreDurationMs", borrow)]
    restore_duration: Option<&'a RawValue>,
}

/// Parse a line starting with `{`; `None` when it is not a JSON object
/// (the caller keeps it as application output).
pub(crate) fn parse_json(line: &str) -> Option<LambdaRecord> {
    let envelope: Envelope<'_> = serde_json::from_str(line).ok()?;
    let kind = envelope.kind.and_then(raw_text);
    Some(
        match kind.as_deref().and_then(|k| k.strip_prefix("platform.")) {
            Some(platform_type) => platform(platform_type, envelope.record, line),
            None => app(&envelope, line),
        },
    )
}

/// An application JSON log (or any other JSON): keep its request id and
/// level, and its `message` when that is a string.
fn app(envelope: &Envelope<'_>, line: &str) -> LambdaRecord {
    let message = envelope
        .message
        .filter(|m| m.get().trim_start().starts_with('"'))
        .and_then(raw_text)
        .map_or_else(|| line.to_string(), |m| m.into_owned());
    LambdaRecord::App {
        request_id: opt_text(envelope.request_id).filter(|id| !id.is_empty()),
        level: opt_text(envelope.level),
        message,
    }
}

/// A `platform.*` record. A record too malformed to use (or missing its
/// request id) is still a platform line, never custom output.
fn platform(platform_type: &str, record: Option<&RawValue>, line: &str) -> LambdaRecord {
    let record = record.and_then(|r| object::<PlatformRecord<'_>>(r.get()));
    let Some(record) = record else {
        return platform_line(line);
    };
    let parsed = match platform_type {
        "initStart" => Some(init_start(&record, InitKind::Init)),
        "restoreStart" => Some(init_start(&record, InitKind::Restore)),
        "initReport" => Some(init_report(&record, InitKind::Init)),
        "restoreReport" => Some(init_report(&record, InitKind::Restore)),
        "start" => start(&record),
        "runtimeDone" => runtime_done(&record),
        "report" => report(&record),
        _ => None,
    };
    parsed.unwrap_or_else(|| platform_line(line))
}

fn platform_line(line: &str) -> LambdaRecord {
    LambdaRecord::Platform {
        message: line.to_string(),
    }
}

fn init_start(record: &PlatformRecord<'_>, kind: InitKind) -> LambdaRecord {
    LambdaRecord::InitStart {
        kind,
        runtime_version: opt_text(record.runtime_version),
        initialization_type: opt_text(record.initialization_type),
        phase: opt_text(record.phase),
    }
}

fn init_report(record: &PlatformRecord<'_>, kind: InitKind) -> LambdaRecord {
    LambdaRecord::InitReport {
        kind,
        duration_ms: metrics(record).and_then(|m| number(m.duration)),
        phase: opt_text(record.phase),
        status: opt_text(record.status),
        error_type: opt_text(record.error_type),
    }
}

fn start(record: &PlatformRecord<'_>) -> Option<LambdaRecord> {
    Some(LambdaRecord::Start {
        request_id: request_id(record)?,
        version: opt_text(record.version),
        trace: trace(record),
    })
}

fn runtime_done(record: &PlatformRecord<'_>) -> Option<LambdaRecord> {
    Some(LambdaRecord::RuntimeDone {
        request_id: request_id(record)?,
        status: opt_text(record.status),
        error_type: opt_text(record.error_type),
        duration_ms: metrics(record).and_then(|m| number(m.duration)),
    })
}

fn report(record: &PlatformRecord<'_>) -> Option<LambdaRecord> {
    let m = metrics(record).unwrap_or_default();
    Some(LambdaRecord::Report(Box::new(Report {
        request_id: request_id(record)?,
        duration_ms: number(m.duration),
        billed_duration_ms: number(m.billed_duration),
        memory_size_mb: number(m.memory_size),
        max_memory_used_mb: number(m.max_memory_used),
        init_duration_ms: number(m.init_duration),
        restore_duration_ms: number(m.restore_duration),
        status: opt_text(record.status),
        error_type: opt_text(record.error_type),
        trace: trace(record),
    })))
}

/// The X-Ray trace in a record's `tracing`, when traced.
fn trace(record: &PlatformRecord<'_>) -> Option<TraceRef> {
    let tracing = object::<Tracing<'_>>(record.tracing?.get())?;
    TraceRef::from_header(&opt_text(tracing.value)?)
}

fn request_id(record: &PlatformRecord<'_>) -> Option<String> {
    opt_text(record.request_id).filter(|id| !id.is_empty())
}

fn metrics<'a>(record: &PlatformRecord<'a>) -> Option<Metrics<'a>> {
    record.metrics.and_then(|m| object(m.get()))
}

/// Deserialize `text` as a struct only when it is a JSON object (serde would
/// otherwise map an array onto the fields by position).
fn object<'a, T: Deserialize<'a>>(text: &'a str) -> Option<T> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn number(raw: Option<&RawValue>) -> Option<f64> {
    raw.and_then(raw_text)
        .and_then(|t| t.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    //! JSON-format lines from the reference (log-formats.md §4), verbatim.

    use crate::model::{InitKind, LambdaRecord, Report, TraceRef};
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
                trace: None,
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
                trace: None,
            }))
        );
    }

    #[test]
    fn tracing_gives_the_trace() {
        let start = r#"{"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","version":"$LATEST","tracing":{"spanId":"44c4a5b1a0d55f6a","type":"X-Amzn-Trace-Id","value":"Root=1-6523a0f1-3b2c4d5e6f708192a3b4c5d6;Parent=44c4a5b1a0d55f6a;Sampled=1"}}}"#;
        let LambdaRecord::Start { trace, .. } = parse(start) else {
            panic!("a start")
        };
        assert_eq!(
            trace,
            Some(TraceRef {
                trace_id: "1-6523a0f1-3b2c4d5e6f708192a3b4c5d6".to_string(),
                segment_id: Some("44c4a5b1a0d55f6a".to_string()),
                sampled: Some(true),
            })
        );
        let report = r#"{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96},"tracing":{"type":"X-Amzn-Trace-Id","value":"Root=1-6523a0f1-3b2c4d5e6f708192a3b4c5d6;Sampled=0"}}}"#;
        let LambdaRecord::Report(r) = parse(report) else {
            panic!("a report")
        };
        let trace = r.trace.expect("traced");
        assert_eq!(trace.sampled, Some(false));
        assert_eq!(trace.segment_id, None);
        let untraced = r#"{"time":"t","type":"platform.report","record":{"requestId":"r","tracing":{"value":"Sampled=1"}}}"#;
        let LambdaRecord::Report(r) = parse(untraced) else {
            panic!("a report")
        };
        assert_eq!(r.trace, None, "no Root, no trace");
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
                trace: None,
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
}
