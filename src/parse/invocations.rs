//! Rebuild invocations from one log stream's records.
//!
//! A log stream is one execution environment, and an environment runs one
//! invocation at a time. So lines without a request id (`print()`, module
//! init code) are attributed by position: to the invocation open at the
//! time, or to the init that precedes the next START.

use crate::model::{
    InitReportLine, Invocation, InvocationStatus, LambdaRecord, LogLine, Millis, Report, TraceRef,
    XrayFetch,
};
use crate::parse::lambda::{output_line, runtime_reported_error};
use std::collections::HashMap;

/// One Lambda event of a stream, parsed, with its raw text.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEvent {
    pub timestamp: Millis,
    /// Position in the input, to keep order among equal timestamps.
    pub seq: u64,
    pub record: LambdaRecord,
    pub raw: String,
}

/// Where a stream lives: its function, group and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamId {
    pub function: String,
    pub group: String,
    pub stream: String,
}

/// Rebuild the invocations of one log stream.
pub fn assemble_stream(id: &StreamId, events: Vec<StreamEvent>) -> Vec<Invocation> {
    assemble_stream_counted(id, events).0
}

/// Rebuild the invocations of one log stream, and count the application
/// lines that could not be attributed to any invocation or init.
pub fn assemble_stream_counted(
    id: &StreamId,
    mut events: Vec<StreamEvent>,
) -> (Vec<Invocation>, u64) {
    // Stable: equal (timestamp, seq) pairs keep their input order.
    events.sort_by_key(|e| (e.timestamp, e.seq));
    let mut assembler = Assembler::new(id);
    for event in events {
        assembler.feed(event);
    }
    assembler.finish()
}

/// What was seen since the last invocation opened: an init (or restore),
/// and the lines that belong to whichever invocation opens next.
#[derive(Default)]
struct Pending {
    /// INIT_START / RESTORE_START time (the first, if init was retried).
    init_start: Option<Millis>,
    initialization_type: Option<String>,
    /// An init is under way (INIT_START or INIT_REPORT seen), so output
    /// without a request id is module-level init code.
    in_init: bool,
    init_lines: Vec<LogLine>,
    init_reports: Vec<InitReportLine>,
    platform_lines: Vec<LogLine>,
}

struct Assembler<'a> {
    id: &'a StreamId,
    invocations: Vec<Invocation>,
    /// Per invocation: whether its START was seen (else its start is estimated).
    started: Vec<bool>,
    by_request: HashMap<String, usize>,
    open: Option<usize>,
    pending: Pending,
    /// App lines naming a request id not seen yet: claimed if that
    /// invocation shows up later (its START lost), else unattributed.
    orphans: HashMap<String, Vec<LogLine>>,
    unattributed: u64,
}

impl<'a> Assembler<'a> {
    fn new(id: &'a StreamId) -> Self {
        Assembler {
            id,
            invocations: Vec::new(),
            started: Vec::new(),
            by_request: HashMap::new(),
            open: None,
            pending: Pending::default(),
            orphans: HashMap::new(),
            unattributed: 0,
        }
    }

    fn feed(&mut self, event: StreamEvent) {
        let StreamEvent {
            timestamp: ts,
            record,
            mut raw,
            ..
        } = event;
        raw.truncate(raw.trim_end().len());
        let mut line = LogLine::plain(ts, raw);
        match record {
            LambdaRecord::App {
                request_id,
                level,
                message,
            } => {
                let failed = runtime_reported_error(level.as_deref(), &message, &line.text);
                let line = output_line(line.timestamp, line.text, level.as_deref(), message);
                if let (Some(i), Some(error_type)) = (self.app(request_id, line), failed) {
                    mark_error(&mut self.invocations[i], Some(error_type));
                }
            }
            LambdaRecord::InitStart {
                initialization_type,
                ..
            } => self.init_start(ts, initialization_type, line),
            LambdaRecord::InitReport {
                kind,
                duration_ms,
                phase,
                status,
                error_type,
            } => {
                let report = InitReportLine {
                    timestamp: ts,
                    kind,
                    duration_ms,
                    phase,
                    status,
                    error_type,
                };
                self.init_report(report, line);
            }
            LambdaRecord::Start {
                request_id, trace, ..
            } => {
                let i = self.start(request_id, ts, line);
                let inv = &mut self.invocations[i];
                inv.trace = inv.trace.take().or(trace);
            }
            LambdaRecord::Trace(trace) => self.trace(trace, line),
            LambdaRecord::End { request_id } => self.end(&request_id, ts, line),
            LambdaRecord::Report(report) => self.report(*report, ts, line),
            LambdaRecord::TimedOut {
                request_id,
                after_seconds,
            } => {
                // `<timestamp> <request id> Task timed out after ...`: the
                // message without the prefix.
                if let Some(at) = line.text.find("Task timed out").filter(|&at| at > 0) {
                    line.message = Some(line.text[at..].to_string());
                }
                self.timed_out(request_id, after_seconds, ts, line)
            }
            LambdaRecord::RuntimeError {
                request_id,
                message,
            } => self.runtime_error(request_id, &message, ts, line),
            LambdaRecord::RuntimeDone {
                request_id,
                status,
                error_type,
                duration_ms,
            } => {
                let est_start = duration_ms.map(|d| ts.saturating_sub(round_ms(d)));
                let i = self.target(&request_id, ts, est_start);
                apply_runtime_done(&mut self.invocations[i], status.as_deref(), error_type);
                self.push_platform(i, line);
            }
            LambdaRecord::Platform { .. } => match self.open {
                Some(i) => self.push_platform(i, line),
                None => self.pending.platform_lines.push(line),
            },
        }
    }

    fn finish(mut self) -> (Vec<Invocation>, u64) {
        // An invocation still open lost its REPORT: its status stays as the
        // evidence left it (Unknown unless a timeout or error line said more).
        self.open = None;
        let orphaned: usize = self.orphans.values().map(Vec::len).sum();
        let unattributed = self.unattributed + orphaned as u64;
        (self.invocations, unattributed)
    }

    /// Custom output: by request id when it has one, else by position.
    /// Returns the invocation the line went to, if one is known yet.
    fn app(&mut self, request_id: Option<String>, line: LogLine) -> Option<usize> {
        let target = match &request_id {
            Some(id) => self.by_request.get(id).copied(),
            None => self.open,
        };
        match (target, request_id) {
            (Some(i), _) => self.invocations[i].custom_lines.push(line),
            (None, Some(id)) => self.orphans.entry(id).or_default().push(line),
            (None, None) if self.pending.in_init => self.pending.init_lines.push(line),
            (None, None) => self.unattributed += 1,
        }
        target
    }

    fn init_start(&mut self, ts: Millis, initialization_type: Option<String>, line: LogLine) {
        // During an invocation this is a suppressed init (phase `invoke`):
        // part of that invocation, not a new cold start.
        if let Some(i) = self.open {
            self.push_platform(i, line);
            return;
        }
        let pending = &mut self.pending;
        pending.init_start = pending.init_start.or(Some(ts));
        pending.initialization_type = pending.initialization_type.take().or(initialization_type);
        pending.in_init = true;
        pending.platform_lines.push(line);
    }

    fn init_report(&mut self, report: InitReportLine, line: LogLine) {
        match self.open {
            Some(i) => {
                self.invocations[i].init_reports.push(report);
                self.push_platform(i, line);
            }
            None => {
                self.pending.in_init = true;
                self.pending.init_reports.push(report);
                self.pending.platform_lines.push(line);
            }
        }
    }

    /// The invocation a START opens (or completes); its index.
    fn start(&mut self, request_id: String, ts: Millis, line: LogLine) -> usize {
        // A line of this request came first (same millisecond, or START
        // out of order): the invocation exists, now its start is known.
        if let Some(&i) = self.by_request.get(&request_id) {
            if !self.started[i] {
                self.started[i] = true;
                self.invocations[i].start = ts;
                recompute_arrival(&mut self.invocations[i]);
                self.push_platform(i, line);
                return i;
            }
        }
        let i = self.open_invocation(request_id, ts, true);
        self.push_platform(i, line);
        i
    }

    /// An `XRAY TraceId` line of its own follows the REPORT it belongs to:
    /// the open invocation's, else the last one's.
    fn trace(&mut self, trace: TraceRef, line: LogLine) {
        let Some(i) = self.open.or(self.invocations.len().checked_sub(1)) else {
            self.pending.platform_lines.push(line);
            return;
        };
        let inv = &mut self.invocations[i];
        inv.trace = inv.trace.take().or(Some(trace));
        self.push_platform(i, line);
    }

    fn end(&mut self, request_id: &str, ts: Millis, line: LogLine) {
        let i = self.target(request_id, ts, None);
        let inv = &mut self.invocations[i];
        inv.end = inv.end.or(Some(ts));
        self.push_platform(i, line);
    }

    fn report(&mut self, report: Report, ts: Millis, line: LogLine) {
        let est_start = report.duration_ms.map(|d| ts.saturating_sub(round_ms(d)));
        let i = self.target(&report.request_id, ts, est_start);
        if let (false, Some(start)) = (self.started[i], est_start) {
            self.invocations[i].start = start;
        }
        let inv = &mut self.invocations[i];
        apply_report(inv, report);
        inv.end = Some(ts);
        recompute_arrival(inv);
        self.push_platform(i, line);
        if self.open == Some(i) {
            self.open = None;
        }
    }

    fn timed_out(&mut self, request_id: Option<String>, after_s: f64, ts: Millis, line: LogLine) {
        let est_start = ts.saturating_sub(round_ms(after_s * 1000.0));
        let Some(i) = self.target_opt(request_id.as_deref(), ts, Some(est_start)) else {
            self.pending.platform_lines.push(line);
            return;
        };
        let inv = &mut self.invocations[i];
        inv.timed_out_after_s = Some(after_s);
        inv.status = InvocationStatus::Timeout;
        self.push_platform(i, line);
    }

    fn runtime_error(
        &mut self,
        request_id: Option<String>,
        message: &str,
        ts: Millis,
        line: LogLine,
    ) {
        let Some(i) = self.target_opt(request_id.as_deref(), ts, None) else {
            self.pending.platform_lines.push(line);
            return;
        };
        mark_error(&mut self.invocations[i], error_type_in(message));
        self.push_platform(i, line);
    }

    /// The invocation a request id names, or the open one without an id.
    fn target_opt(
        &mut self,
        request_id: Option<&str>,
        ts: Millis,
        est: Option<Millis>,
    ) -> Option<usize> {
        match request_id {
            Some(id) => Some(self.target(id, ts, est)),
            None => self.open,
        }
    }

    /// The invocation with this request id; when its START was never seen,
    /// one is made (start estimated from `est_start`, else `ts`).
    fn target(&mut self, request_id: &str, ts: Millis, est_start: Option<Millis>) -> usize {
        match self.by_request.get(request_id) {
            Some(&i) => i,
            None => self.open_invocation(request_id.to_string(), est_start.unwrap_or(ts), false),
        }
    }

    /// Open a new invocation. One still open lost its REPORT (the
    /// environment died); it keeps whatever status its lines gave it.
    fn open_invocation(&mut self, request_id: String, start: Millis, started: bool) -> usize {
        let pending = std::mem::take(&mut self.pending);
        let custom_lines = self.orphans.remove(&request_id).unwrap_or_default();
        let mut inv = Invocation {
            function: self.id.function.clone(),
            log_group: self.id.group.clone(),
            log_stream: self.id.stream.clone(),
            request_id: request_id.clone(),
            start,
            end: None,
            arrival: start,
            duration_ms: None,
            billed_duration_ms: None,
            memory_size_mb: None,
            max_memory_used_mb: None,
            init_duration_ms: None,
            restore_duration_ms: None,
            init_start: pending.init_start,
            initialization_type: pending.initialization_type,
            trace: None,
            xray: XrayFetch::NotLooked,
            init_reports: pending.init_reports,
            status: InvocationStatus::Unknown,
            timed_out_after_s: None,
            init_lines: pending.init_lines,
            custom_lines,
            platform_lines: pending.platform_lines,
        };
        recompute_arrival(&mut inv);
        let i = self.invocations.len();
        self.invocations.push(inv);
        self.started.push(started);
        self.by_request.insert(request_id, i);
        self.open = Some(i);
        i
    }

    fn push_platform(&mut self, i: usize, line: LogLine) {
        self.invocations[i].platform_lines.push(line);
    }
}

/// When Connect's request arrived: before init for a cold on-demand
/// environment (it waited for init), else at START. Without an INIT_START
/// line, a reported Init/Restore Duration still means it waited that long.
fn recompute_arrival(inv: &mut Invocation) {
    inv.arrival = match inv.init_start {
        Some(at) if inv.is_cold() => at,
        _ => inv.start,
    };
}

/// Fill an invocation from its REPORT. The REPORT's status is the last
/// word, except that a plain success (or the old era's missing status) does
/// not erase a timeout or error an earlier line reported.
fn apply_report(inv: &mut Invocation, r: Report) {
    inv.duration_ms = r.duration_ms.or(inv.duration_ms);
    inv.billed_duration_ms = r.billed_duration_ms.or(inv.billed_duration_ms);
    inv.memory_size_mb = r.memory_size_mb.or(inv.memory_size_mb);
    inv.max_memory_used_mb = r.max_memory_used_mb.or(inv.max_memory_used_mb);
    inv.init_duration_ms = r.init_duration_ms.or(inv.init_duration_ms);
    inv.restore_duration_ms = r.restore_duration_ms.or(inv.restore_duration_ms);
    inv.trace = r.trace.or(inv.trace.take());
    match r.status.as_deref() {
        Some("timeout") => inv.status = InvocationStatus::Timeout,
        Some("success") | None => {
            if !is_failure(&inv.status) {
                inv.status = InvocationStatus::Success;
            }
        }
        // `error`, `failure`, and any status we do not know.
        Some(_) => {
            let known = match &inv.status {
                InvocationStatus::Error(t) => t.clone(),
                _ => None,
            };
            inv.status = InvocationStatus::Error(r.error_type.or(known));
        }
    }
}

/// `platform.runtimeDone`: the handler's own outcome, before REPORT.
fn apply_runtime_done(inv: &mut Invocation, status: Option<&str>, error_type: Option<String>) {
    match status {
        Some("timeout") => inv.status = InvocationStatus::Timeout,
        Some("error" | "failure") => mark_error(inv, error_type),
        _ => {}
    }
}

/// Record an error, keeping a timeout already seen and a known error type.
fn mark_error(inv: &mut Invocation, error_type: Option<String>) {
    inv.status = match &inv.status {
        InvocationStatus::Timeout => InvocationStatus::Timeout,
        InvocationStatus::Error(Some(known)) if error_type.is_none() => {
            InvocationStatus::Error(Some(known.clone()))
        }
        _ => InvocationStatus::Error(error_type),
    };
}

fn is_failure(status: &InvocationStatus) -> bool {
    matches!(
        status,
        InvocationStatus::Timeout | InvocationStatus::Error(_)
    )
}

/// An error type named in a runtime error message (`Runtime.ExitError`).
fn error_type_in(message: &str) -> Option<String> {
    message
        .split_whitespace()
        .map(|w| w.trim_end_matches([':', ',', '.', ';']))
        .find(|w| {
            ["Runtime.", "Sandbox.", "Extension."].iter().any(|p| {
                w.strip_prefix(p).is_some_and(|rest| {
                    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
                })
            })
        })
        .map(str::to_string)
}

/// Milliseconds as logged (f64) to whole milliseconds; saturating, so a
/// corrupt huge value cannot overflow.
fn round_ms(ms: f64) -> Millis {
    ms.round() as Millis
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn the_trace_is_the_invocations_own() {
        let rid = "3a09eeb4-68f1-4d2e-9a55-0d1b2c3d4e5f";
        let inv = one(&[
            (T, &format!("START RequestId: {rid} Version: $LATEST")),
            (T + 900, &format!("END RequestId: {rid}")),
            (T + 900, &format!("REPORT RequestId: {rid}\tDuration: 899.10 ms\tBilled Duration: 900 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t")),
            (T + 901, "XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1   SegmentId: 07f5xmpl2d1f6f85 Sampled: true"),
        ]);
        let trace = inv.trace.expect("the XRAY line after the REPORT");
        assert_eq!(trace.trace_id, "1-5e34a614-10bdxmplf1fb44f07bc535a1");
        assert_eq!(trace.sampled, Some(true));
    }

    /// Each line's message is read once, here: the runtime's prefix (Node,
    /// Python) or a JSON log's envelope is taken off; a plain `print()` and
    /// the old era's timeout line keep what they say.
    #[test]
    fn output_lines_keep_their_message() {
        let rid = "3a09eeb4-68f1-4d2e-9a55-0d1b2c3d4e5f";
        let inv = one(&[
            (T, &format!("START RequestId: {rid} Version: $LATEST")),
            (
                T + 1,
                &format!(
                    "2026-11-28T10:04:40.890Z\t{rid}\tINFO\tcalling CRM https://crm.internal/api"
                ),
            ),
            (
                T + 2,
                &format!("[INFO]\t2026-11-28T10:04:40.891Z\t{rid}\tquerying balance"),
            ),
            (
                T + 3,
                &format!(
                    r#"{{"timestamp":"2026-11-28T10:04:40.892Z","level":"INFO","requestId":"{rid}","message":"routing to es-ES"}}"#
                ),
            ),
            (T + 4, "plain print()"),
            (
                T + 3_000,
                &format!("2026-11-28T10:04:43.890Z {rid} Task timed out after 3.00 seconds"),
            ),
            (T + 3_001, &format!("END RequestId: {rid}")),
        ]);
        let messages: Vec<&str> = inv.custom_lines.iter().map(|l| l.message()).collect();
        assert_eq!(
            messages,
            [
                "calling CRM https://crm.internal/api",
                "querying balance",
                "routing to es-ES",
                "plain print()"
            ]
        );
        assert_eq!(
            inv.custom_lines[3].message, None,
            "no copy of a line that is all message"
        );
        let timeout = inv
            .platform_lines
            .iter()
            .find(|l| l.text.contains("Task timed out"))
            .expect("the timeout line");
        assert_eq!(timeout.message(), "Task timed out after 3.00 seconds");
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
}
