//! Lambda log lines, and the invocations rebuilt from them.

use super::conventions::INIT_LIMIT_MS;
use super::{Millis, XrayFetch};

/// INIT_START to START: the init's own duration plus this much.
const INIT_TO_START_SLACK_MS: f64 = 2_000.0;

/// What one Lambda log line says, in either log format (text or JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum LambdaRecord {
    /// `START RequestId: ... Version: ...` / `platform.start`.
    Start {
        request_id: String,
        version: Option<String>,
        /// `platform.start`'s `tracing` (JSON format only).
        trace: Option<TraceRef>,
    },
    /// `END RequestId: ...`.
    End { request_id: String },
    /// `REPORT RequestId: ...` / `platform.report`.
    /// Boxed: the largest variant by far, and most lines are not REPORTs.
    Report(Box<Report>),
    /// `platform.runtimeDone`: the handler's own end, with its status.
    RuntimeDone {
        request_id: String,
        status: Option<String>,
        error_type: Option<String>,
        duration_ms: Option<f64>,
    },
    /// Old era: `<ts> <request id> Task timed out after N.NN seconds`.
    TimedOut {
        request_id: Option<String>,
        after_seconds: f64,
    },
    /// `INIT_START` / `platform.initStart`; `RESTORE_START` / `platform.restoreStart`.
    InitStart {
        kind: InitKind,
        runtime_version: Option<String>,
        /// `on-demand`, `provisioned-concurrency`, `snap-start` (JSON format only).
        initialization_type: Option<String>,
        phase: Option<String>,
    },
    /// `INIT_REPORT` / `platform.initReport`; `RESTORE_REPORT` / `platform.restoreReport`.
    InitReport {
        kind: InitKind,
        duration_ms: Option<f64>,
        phase: Option<String>,
        status: Option<String>,
        error_type: Option<String>,
    },
    /// `RequestId: ... Error: Runtime exited ...` and the bare `Runtime.ExitError` line
    /// that follows it in the old era.
    RuntimeError {
        request_id: Option<String>,
        message: String,
    },
    /// `XRAY TraceId: ... SegmentId: ... Sampled: ...` on a line of its own,
    /// right after the REPORT it belongs to (as some runtimes' docs show it).
    Trace(TraceRef),
    /// A platform line that matters to no rule (`XRAY TraceId ...`,
    /// `EXTENSION ...`, `TELEMETRY ...`, `platform.initRuntimeDone`, ...):
    /// kept as a platform line, never counted as custom output.
    Platform { message: String },
    /// Anything else: the function's own output (custom output).
    App {
        /// The request id when the line carries one (runtime prefixes, JSON `requestId`).
        request_id: Option<String>,
        level: Option<String>,
        message: String,
    },
}

impl LambdaRecord {
    /// A line that is nothing but the function's own output.
    pub fn app(line: &str) -> Self {
        LambdaRecord::App {
            request_id: None,
            level: None,
            message: line.to_string(),
        }
    }
}

/// Whether a line is about a regular init or a SnapStart restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitKind {
    Init,
    Restore,
}

/// The fields of a REPORT line or `platform.report` record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    /// `timeout`, `error`, `success`, ... (an open set); `None` in the old era.
    pub status: Option<String>,
    pub error_type: Option<String>,
    /// `XRAY TraceId: ...` / `tracing`, when the function is traced.
    pub trace: Option<TraceRef>,
}

/// The X-Ray trace an invocation wrote (active tracing): the REPORT line's
/// `XRAY TraceId: 1-... SegmentId: ... Sampled: true`, or the JSON format's
/// `tracing.value` (`Root=1-...;Parent=...;Sampled=1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRef {
    pub trace_id: String,
    pub segment_id: Option<String>,
    /// Whether X-Ray kept the trace (an unsampled one cannot be fetched).
    pub sampled: Option<bool>,
}

impl TraceRef {
    /// From a `tracing.value` header: `Root=1-...;Parent=...;Sampled=1`.
    pub fn from_header(value: &str) -> Option<Self> {
        let mut trace = TraceRef {
            trace_id: String::new(),
            segment_id: None,
            sampled: None,
        };
        for part in value.split(';') {
            match part.trim().split_once('=') {
                Some(("Root", v)) => trace.trace_id = v.to_string(),
                Some(("Parent", v)) => trace.segment_id = Some(v.to_string()),
                Some(("Sampled", v)) => trace.sampled = Some(v == "1"),
                _ => {}
            }
        }
        (!trace.trace_id.is_empty()).then_some(trace)
    }
}

/// A log line kept as evidence: when, the text as logged, and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub timestamp: Millis,
    pub text: String,
    /// The human part of the function's own output, read when the line was
    /// parsed: the text without the runtime's `timestamp, request id, level`
    /// prefix, or a JSON log's `message`. `None` when it is the whole text.
    pub message: Option<String>,
}

impl LogLine {
    /// A line whose message is its whole text (platform lines, `print()`).
    pub fn plain(timestamp: Millis, text: impl Into<String>) -> Self {
        LogLine {
            timestamp,
            text: text.into(),
            message: None,
        }
    }

    /// What the line says, without the runtime's prefix.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(&self.text)
    }
}

/// How an invocation ended, as far as its logs tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationStatus {
    Success,
    /// The function hit its own timeout.
    Timeout,
    /// The function or runtime failed (the error type when logged).
    Error(Option<String>),
    /// No REPORT was seen (the environment died, or the log was cut off).
    Unknown,
}

/// One Lambda invocation rebuilt from its log stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The function name (from the log group, `/aws/lambda/<name>`).
    pub function: String,
    pub log_group: String,
    pub log_stream: String,
    pub request_id: String,
    /// Time of the START line (or the first line seen, if START is missing).
    pub start: Millis,
    /// Time of END/REPORT, when seen.
    pub end: Option<Millis>,
    /// When Connect's request arrived: INIT_START/RESTORE_START for a cold
    /// on-demand environment (the request waited for init), else `start`.
    pub arrival: Millis,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    /// INIT_START / RESTORE_START right before this invocation in its stream.
    pub init_start: Option<Millis>,
    /// `on-demand`, `provisioned-concurrency`, `snap-start` when logged.
    pub initialization_type: Option<String>,
    /// The X-Ray trace it wrote, when the function is traced.
    pub trace: Option<TraceRef>,
    /// That trace's calls, once fetched (failures' invocations only).
    pub xray: XrayFetch,
    /// INIT_REPORT / RESTORE_REPORT lines just before or during the invocation.
    pub init_reports: Vec<InitReportLine>,
    pub status: InvocationStatus,
    /// `Task timed out after X seconds` (old era), in seconds.
    pub timed_out_after_s: Option<f64>,
    /// The function's own output printed between INIT_START and START
    /// (module-level code), when this invocation paid for that init.
    pub init_lines: Vec<LogLine>,
    /// The function's own output during the invocation, in stream order.
    pub custom_lines: Vec<LogLine>,
    /// The platform lines (START, END, REPORT, INIT_*, timeout and runtime
    /// errors) as logged, for evidence and the timeline.
    pub platform_lines: Vec<LogLine>,
}

/// An INIT_REPORT / RESTORE_REPORT line with its time.
#[derive(Debug, Clone, PartialEq)]
pub struct InitReportLine {
    pub timestamp: Millis,
    pub kind: InitKind,
    pub duration_ms: Option<f64>,
    pub phase: Option<String>,
    pub status: Option<String>,
    pub error_type: Option<String>,
}

impl Invocation {
    /// Whether this invocation paid for an on-demand init (or restore) that
    /// Connect waited for: INIT_START/RESTORE_START came right before its
    /// START (within the init's own duration, plus slack). A
    /// provisioned-concurrency environment initialises ahead of time —
    /// possibly hours earlier — and still reports an `Init Duration` on its
    /// first request although nobody waited for it, so `Init Duration`
    /// alone does not make a cold start (reference §0b.4).
    pub fn is_cold(&self) -> bool {
        if self.initialization_type.as_deref() == Some("provisioned-concurrency") {
            return false;
        }
        let Some(at) = self.init_start else {
            return false;
        };
        let init = self.init_duration_ms.or(self.restore_duration_ms);
        let allowed = init.unwrap_or(INIT_LIMIT_MS) + INIT_TO_START_SLACK_MS;
        ((self.start - at) as f64) <= allowed
    }

    /// `Init Duration` was reported but no INIT_START came right before:
    /// a pre-initialised environment (see `is_cold`).
    pub fn pre_initialised(&self) -> bool {
        let reported = self.init_duration_ms.is_some() || self.restore_duration_ms.is_some();
        reported && !self.is_cold()
    }

    /// Init or restore time Connect waited for (0 when warm).
    pub fn cold_ms(&self) -> f64 {
        if !self.is_cold() {
            return 0.0;
        }
        self.init_duration_ms
            .or(self.restore_duration_ms)
            .or_else(|| self.init_start.map(|at| (self.start - at).max(0) as f64))
            .unwrap_or(0.0)
    }
}
