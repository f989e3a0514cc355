//! Rebuild invocations from one log stream's records.
//!
//! A log stream is one execution environment, and an environment runs one
//! invocation at a time. So lines without a request id (`print()`, module
//! init code) are attributed by position: to the invocation open at the
//! time, or to the init that precedes the next START.

use crate::model::{
    InitReportLine, Invocation, InvocationStatus, LambdaRecord, LogLine, Millis, Report,
};
use crate::parse::lambda::runtime_reported_error;
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
                // The message is kept when the runtime's prefix (or a JSON
                // log's envelope) surrounds it: read once, here.
                if level.is_some() && message != line.text {
                    line.message = Some(message);
                }
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
            LambdaRecord::Start { request_id, .. } => self.start(request_id, ts, line),
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

    fn start(&mut self, request_id: String, ts: Millis, line: LogLine) {
        // A line of this request came first (same millisecond, or START
        // out of order): the invocation exists, now its start is known.
        if let Some(&i) = self.by_request.get(&request_id) {
            if !self.started[i] {
                self.started[i] = true;
                self.invocations[i].start = ts;
                recompute_arrival(&mut self.invocations[i]);
                self.push_platform(i, line);
                return;
            }
        }
        let i = self.open_invocation(request_id, ts, true);
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
#[path = "invocations_tests.rs"]
mod tests;
