//! One failed block as the rules see it: the block, its link, the
//! function's configuration, and the numbers measured once from the
//! invocation that answered it (I, D, L, the wait, the silence), with the
//! tests several rules share.

use crate::model::conventions::{INIT_LIMIT_MS, INVOKE_OVERHEAD_MS};
use crate::model::{
    Call, FlowEntry, FunctionSettings, Invocation, InvocationStatus, Link, Measurements, Millis,
    Rejection, RunMeasurements, XrayFetch, XrayReading, XrayStatus,
};

/// A silence shorter than this is not a stall, whatever the limit.
pub(crate) const MIN_STALL_MS: f64 = 1_000.0;

/// A function timeout shorter than the block's limit by more than this is
/// a misconfiguration rather than rounding.
const MISCONFIGURED_MARGIN_S: f64 = 0.5;

pub(crate) struct Case<'a> {
    pub block: &'a FlowEntry,
    pub link: &'a Link,
    pub settings: Option<&'a FunctionSettings>,
    /// The invocation that answered the block, if one was linked.
    pub inv: Option<&'a Invocation>,
    pub m: Measurements,
}

impl<'a> Case<'a> {
    pub fn new(
        block: &'a FlowEntry,
        link: &'a Link,
        settings: Option<&'a FunctionSettings>,
    ) -> Self {
        let lambda = block.lambda.as_ref();
        let limit_ms = lambda.map_or(crate::model::conventions::DEFAULT_BLOCK_LIMIT_MS, |l| {
            l.limit_ms()
        });
        let inv = link.primary();
        Case {
            block,
            link,
            settings,
            inv,
            m: Measurements {
                limit_ms,
                limit_assumed: lambda.is_none_or(|l| l.limit_assumed()),
                overhead_ms: INVOKE_OVERHEAD_MS,
                configured_timeout_s: settings.and_then(|s| s.timeout_s),
                run: inv.map(|inv| measure(inv, f64::from(limit_ms))),
            },
        }
    }

    pub fn rejection(&self) -> Option<Rejection> {
        self.block.rejection
    }

    /// L, in ms.
    pub fn limit(&self) -> f64 {
        self.m.limit()
    }

    /// The answering invocation and what it measured, when one was linked.
    pub fn run(&self) -> Option<(&'a Invocation, &RunMeasurements)> {
        Some((self.inv?, self.m.run.as_ref()?))
    }

    /// Whether a wait of `ms` ran past what Connect allows.
    pub fn past_limit(&self, ms: f64) -> bool {
        ms > self.limit() - self.m.overhead_ms
    }

    /// Did the invocation outlast the block's limit (or never answer)?
    pub fn over(&self) -> bool {
        self.run().is_some_and(|(inv, r)| match inv.status {
            InvocationStatus::Timeout => true,
            _ => r.waited_ms.is_none_or(|w| self.past_limit(w)),
        })
    }

    /// The invocation answered before the limit.
    pub fn answered_in_time(&self) -> bool {
        self.run()
            .and_then(|(_, r)| r.waited_ms)
            .is_some_and(|w| !self.past_limit(w))
    }

    /// The function or its init failed (whenever that was).
    pub fn errored(&self) -> bool {
        self.inv.is_some_and(|inv| {
            let init_error = inv.init_reports.iter().any(|r| {
                r.status
                    .as_deref()
                    .is_some_and(|s| s == "error" || s == "failure")
            });
            matches!(inv.status, InvocationStatus::Error(_)) || init_error
        })
    }

    /// The function's timeout (hit, else configured) is shorter than the
    /// block's limit. The configured timeout counts only when no error
    /// answered in time (then the error, not the latent timeout, failed the
    /// block).
    pub fn misconfigured(&self) -> bool {
        let Some((_, run)) = self.run() else {
            return false;
        };
        let short = |x: f64| x < self.limit() / 1000.0 - MISCONFIGURED_MARGIN_S;
        let answered_with_error = self.errored() && self.answered_in_time();
        run.timeout_hit_s.is_some_and(short)
            || (self.m.configured_timeout_s.is_some_and(short) && !answered_with_error)
    }

    /// Init took the request's time: cold, and either silent or the init is
    /// what pushed a handler that fits past the limit.
    pub fn cold_start(&self) -> bool {
        let Some((inv, run)) = self.run() else {
            return false;
        };
        if run.init_ms <= 0.0 {
            return false;
        }
        let silent = inv.custom_lines.is_empty();
        let pushed_over = run.handler_ms.is_some_and(|d| {
            run.waited_ms.is_some_and(|w| self.past_limit(w)) && !self.past_limit(d)
        });
        silent || pushed_over
    }

    /// Init ran into Lambda's init limit (reported, or measured).
    pub fn init_timed_out(&self) -> bool {
        let Some((inv, run)) = self.run() else {
            return false;
        };
        let reported = inv
            .init_reports
            .iter()
            .any(|r| r.status.as_deref() == Some("timeout"));
        reported || run.init_ms >= INIT_LIMIT_MS
    }

    /// The handler went silent for at least a second and at least half of
    /// what Connect watched.
    pub fn stalled(&self) -> bool {
        self.run().is_some_and(|(_, r)| {
            r.silence_ms >= MIN_STALL_MS && r.silence_ms >= r.handler_span_ms / 2.0
        })
    }

    /// The function as the block names it, with its qualifier.
    pub fn function(&self) -> &str {
        self.block
            .lambda
            .as_ref()
            .map_or("?", |l| l.function_name.as_str())
    }

    pub fn function_arn(&self) -> &str {
        self.block
            .lambda
            .as_ref()
            .map_or("?", |l| l.function_arn.as_str())
    }

    pub fn qualifier(&self) -> Option<&str> {
        self.block
            .lambda
            .as_ref()
            .and_then(|l| l.qualifier.as_deref())
    }

    /// `name:qualifier`, or the name.
    pub fn qualified_function(&self) -> String {
        match self.qualifier() {
            Some(q) => format!("{}:{q}", self.function()),
            None => self.function().to_string(),
        }
    }
}

/// The numbers of the invocation that answered a block with limit `limit`.
fn measure(inv: &Invocation, limit: f64) -> RunMeasurements {
    let init_ms = inv.cold_ms();
    let handler_ms = inv
        .duration_ms
        .or_else(|| inv.end.map(|end| (end - inv.start) as f64));
    let limit_at = inv.arrival + limit as Millis;
    let watched_until = inv.end.map_or(limit_at, |end| end.min(limit_at));
    let last_line = inv
        .custom_lines
        .iter()
        .rev()
        .find(|l| l.timestamp <= watched_until);
    let silence_from = last_line.map_or(inv.start, |l| l.timestamp);
    RunMeasurements {
        init_ms,
        handler_ms,
        waited_ms: waited(inv, init_ms, handler_ms),
        watched_until,
        handler_span_ms: (watched_until - inv.start).max(0) as f64,
        silence_ms: (watched_until - silence_from).max(0) as f64,
        silence_from,
        last_line: last_line.cloned(),
        xray: xray_reading(inv, limit_at),
        init_timeout_reported_ms: inv
            .init_reports
            .iter()
            .find(|r| r.status.as_deref() == Some("timeout"))
            .and_then(|r| r.duration_ms),
        timeout_hit_s: match inv.status {
            InvocationStatus::Timeout => inv
                .timed_out_after_s
                .or_else(|| inv.duration_ms.map(|d| d / 1000.0)),
            _ => None,
        },
    }
}

/// The slowest calls worth naming.
const SLOWEST_CALLS: usize = 3;

/// What the invocation's trace says against `gave_up_at`, the moment Connect
/// stopped waiting: the deepest call still open then, and the slowest.
fn xray_reading(inv: &Invocation, gave_up_at: Millis) -> Option<XrayReading> {
    let trace = inv.trace.as_ref()?;
    let (status, calls): (XrayStatus, &[Call]) = match (&inv.xray, trace.sampled) {
        (XrayFetch::Found(t), _) => (XrayStatus::Found, &t.calls),
        (_, Some(false)) => (XrayStatus::NotSampled, &[]),
        (XrayFetch::NotFound, _) => (XrayStatus::NotFound, &[]),
        (XrayFetch::NotLooked, _) => (XrayStatus::NotLooked, &[]),
    };
    // How long a call ran, an open one counting until Connect gave up.
    let ran = |c: &Call| (c.end.unwrap_or(gave_up_at).max(c.start) - c.start) as f64;
    let open_at_limit = calls
        .iter()
        .filter(|c| c.start <= gave_up_at && c.end.is_none_or(|end| end > gave_up_at))
        .max_by_key(|c| (c.depth, c.start))
        .map(|c| (c.clone(), (gave_up_at - c.start) as f64));
    let mut slowest: Vec<(Call, f64)> = calls.iter().map(|c| (c.clone(), ran(c))).collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    slowest.truncate(SLOWEST_CALLS);
    Some(XrayReading {
        trace_id: trace.trace_id.clone(),
        status,
        open_at_limit,
        slowest,
    })
}

/// I + D: how long Connect waited for this invocation; the log times
/// (arrival to END) when they say more, since they include the gap between
/// INIT_START and START that the metrics leave out.
fn waited(inv: &Invocation, init_ms: f64, handler_ms: Option<f64>) -> Option<f64> {
    let by_metrics = handler_ms.map(|d| init_ms + d);
    let by_clock = inv.end.map(|end| (end - inv.arrival) as f64);
    match (by_metrics, by_clock) {
        (Some(m), Some(c)) => Some(m.max(c)),
        (m, c) => m.or(c),
    }
}
