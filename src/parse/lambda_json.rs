//! Lambda JSON log format (`LoggingConfig.LogFormat = "JSON"`): platform
//! records `{"time","type":"platform.*","record":{..}}` and the runtimes'
//! JSON application logs `{"timestamp","level","requestId","message",..}`.
//!
//! Every field is optional and read leniently (AWS pages disagree on shapes,
//! metrics are floats that may look like integers), so an odd field costs
//! that field, not the line.

use crate::model::{InitKind, LambdaRecord, Report};
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
    })))
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
#[path = "lambda_json_tests.rs"]
mod tests;
