//! Why a Lambda block failed: the rules, tried in order, each with its
//! evidence; the fix for each class lives in `fix`.
//!
//! Let I be the init or restore time Connect waited for (0 when warm), D the
//! handler's duration and L the block's limit. The order (first rule that
//! holds wins) follows the engine issue, refined by the reference §0b.10: an
//! error before the limit is a `function_error` even on a cold start.

mod fix;
mod results;

pub use results::{connect_rejection, Rejection};

use crate::model::{
    Class, Evidence, FlowEntry, InitKind, Invocation, InvocationStatus, Link, LogLine, Millis,
    Verdict, DEFAULT_TIME_LIMIT_MS,
};
use crate::parse::lambda::message_text;
use crate::time::{format_ms, format_time};

/// Lambda's init phase limit for on-demand environments.
pub const INIT_LIMIT_MS: f64 = crate::model::INIT_PHASE_LIMIT_MS;

/// A function timeout shorter than the block's limit by more than this is
/// a misconfiguration rather than rounding.
const MISCONFIGURED_MARGIN_S: f64 = 0.5;

/// A silence shorter than this is not a stall, whatever the limit.
const MIN_STALL_MS: f64 = 1_000.0;

/// Connect's clock runs from its side of the call: the invoke round trip
/// comes on top of what Lambda reports. A wait this close to the limit
/// counts as over it (the reference's real case: init 303 ms + duration
/// 2694 ms = 2997 ms failed a 3000 ms block).
pub const INVOKE_OVERHEAD_MS: f64 = 100.0;

/// What the Lambda API says of a function (live scans; a capture saved
/// with `--save-logs` carries it too). Every field may be unknown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FunctionSettings {
    /// The configured timeout (seconds).
    pub timeout_s: Option<f64>,
    pub vpc_attached: Option<bool>,
    /// Provisioned concurrency on any version or alias.
    pub provisioned_concurrency: Option<bool>,
}

/// Classify one failed block from its link.
pub fn classify(block: &FlowEntry, link: &Link) -> Verdict {
    classify_with(block, link, None)
}

/// Classify with the function's configuration when known: a configured
/// timeout shorter than the block's limit is a `misconfigured_timeout` even
/// without a timeout line, and the fixes follow the VPC attachment and
/// provisioned concurrency.
pub fn classify_with(
    block: &FlowEntry,
    link: &Link,
    settings: Option<&FunctionSettings>,
) -> Verdict {
    let limit = block
        .lambda
        .as_ref()
        .map_or(DEFAULT_TIME_LIMIT_MS, |l| l.limit_ms()) as f64;
    let rejection = block.results.as_deref().and_then(connect_rejection);
    let mut evidence = vec![block_evidence(block, limit)];
    if rejection == Some(Rejection::AccessDenied) {
        return verdict(
            Class::AccessDenied,
            evidence,
            Vec::new(),
            block,
            None,
            link,
            settings,
        );
    }
    let Some(primary) = link.invocations.first() else {
        return unlinked(block, link, rejection, evidence, settings);
    };
    let mut facts = Facts::of(primary, limit);
    facts.configured_timeout_s = settings.and_then(|s| s.timeout_s);
    evidence.push(facts.invocation_evidence(link));
    evidence.extend(retry_evidence(link));
    let held = facts.conditions(rejection);
    let class = facts.winner(&held);
    evidence.extend(facts.evidence_for(class));
    for &other in held.iter().filter(|&&c| c != class) {
        evidence.extend(facts.evidence_for(other));
    }
    let contributing = held.into_iter().filter(|&c| c != class).collect();
    verdict(
        class,
        evidence,
        contributing,
        block,
        Some(&facts),
        link,
        settings,
    )
}

fn verdict(
    class: Class,
    evidence: Vec<Evidence>,
    contributing: Vec<Class>,
    block: &FlowEntry,
    facts: Option<&Facts<'_>>,
    link: &Link,
    settings: Option<&FunctionSettings>,
) -> Verdict {
    let fix = fix::fix_for(class, &contributing, block, facts, link, settings);
    Verdict {
        class,
        evidence,
        contributing,
        fix,
    }
}

fn unlinked(
    block: &FlowEntry,
    link: &Link,
    rejection: Option<Rejection>,
    mut evidence: Vec<Evidence>,
    settings: Option<&FunctionSettings>,
) -> Verdict {
    let class = match rejection {
        Some(Rejection::Throttled) => Class::Throttled,
        _ => Class::Unlinked,
    };
    evidence.push(Evidence {
        timestamp: None,
        text: format!(
            "no invocation found in {} with an arrival between {} and {}",
            link.searched_group,
            format_time(link.window_start),
            format_time(link.window_end)
        ),
    });
    verdict(class, evidence, Vec::new(), block, None, link, settings)
}

fn block_evidence(block: &FlowEntry, limit: f64) -> Evidence {
    let results = block.results.as_deref().unwrap_or("");
    Evidence {
        timestamp: Some(block.timestamp),
        text: format!(
            "Connect: block {:?} in flow {:?} went to Error with Results {:?} (limit {})",
            block.identifier.as_deref().unwrap_or("?"),
            block.contact_flow_name.as_deref().unwrap_or("?"),
            results,
            format_ms(limit)
        ),
    }
}

fn retry_evidence(link: &Link) -> Vec<Evidence> {
    link.invocations
        .iter()
        .skip(1)
        .map(|inv| Evidence {
            timestamp: Some(inv.arrival),
            text: format!(
                "Connect retried: invocation {} ({}) {}",
                inv.request_id,
                status_text(&inv.status),
                inv.duration_ms
                    .map(|d| format!("ran {}", format_ms(d)))
                    .unwrap_or_default()
            ),
        })
        .collect()
}

pub(crate) fn status_text(status: &InvocationStatus) -> String {
    match status {
        InvocationStatus::Success => "success".into(),
        InvocationStatus::Timeout => "timed out".into(),
        InvocationStatus::Error(Some(t)) => format!("error {t}"),
        InvocationStatus::Error(None) => "error".into(),
        InvocationStatus::Unknown => "no REPORT".into(),
    }
}

/// What the rules need to know about the answering invocation.
pub(crate) struct Facts<'a> {
    pub inv: &'a Invocation,
    /// L: the block's limit.
    pub limit: f64,
    /// I: init or restore time Connect waited for.
    pub cold: f64,
    /// D: handler duration (REPORT, else END − START), when known.
    pub duration: Option<f64>,
    /// When Connect stopped waiting or the invocation ended, whichever first.
    pub watched_until: Millis,
    /// The function's own timeout, when it hit it (seconds).
    pub function_timeout_s: Option<f64>,
    /// The configured timeout from the Lambda API, when known (seconds).
    pub configured_timeout_s: Option<f64>,
    /// The last custom line within what Connect watched, if any.
    pub last_line: Option<&'a LogLine>,
}

impl<'a> Facts<'a> {
    fn of(inv: &'a Invocation, limit: f64) -> Self {
        let duration = inv
            .duration_ms
            .or_else(|| inv.end.map(|end| (end - inv.start) as f64));
        let limit_at = inv.arrival + limit as Millis;
        let watched_until = inv.end.map_or(limit_at, |end| end.min(limit_at));
        let function_timeout_s = match inv.status {
            InvocationStatus::Timeout => inv
                .timed_out_after_s
                .or_else(|| inv.duration_ms.map(|d| d / 1000.0)),
            _ => None,
        };
        let last_line = inv
            .custom_lines
            .iter()
            .rev()
            .find(|l| l.timestamp <= watched_until);
        Facts {
            inv,
            limit,
            cold: inv.cold_ms(),
            duration,
            watched_until,
            function_timeout_s,
            configured_timeout_s: None,
            last_line,
        }
    }

    /// I + D: how long Connect waited for this invocation; the log times
    /// (arrival to END) when they say more, since they include the gap
    /// between INIT_START and START that the metrics leave out.
    fn waited(&self) -> Option<f64> {
        let by_metrics = self.duration.map(|d| self.cold + d);
        let by_clock = self.inv.end.map(|end| (end - self.inv.arrival) as f64);
        match (by_metrics, by_clock) {
            (Some(m), Some(c)) => Some(m.max(c)),
            (m, c) => m.or(c),
        }
    }

    /// Whether a wait of `ms` ran past what Connect allows.
    fn past_limit(&self, ms: f64) -> bool {
        ms > self.limit - INVOKE_OVERHEAD_MS
    }

    /// Did the invocation outlast the block's limit (or never answer)?
    fn over(&self) -> bool {
        match self.inv.status {
            InvocationStatus::Timeout => true,
            _ => self.waited().is_none_or(|w| self.past_limit(w)),
        }
    }

    fn init_timed_out(&self) -> bool {
        let reported = self
            .inv
            .init_reports
            .iter()
            .any(|r| r.status.as_deref() == Some("timeout"));
        reported || self.cold >= INIT_LIMIT_MS
    }

    fn misconfigured(&self) -> bool {
        let short = |x: f64| x < self.limit / 1000.0 - MISCONFIGURED_MARGIN_S;
        // The configured timeout counts when no error answered in time
        // (then the error, not the latent timeout, failed the block).
        let answered_with_error =
            self.errored() && self.waited().is_some_and(|w| !self.past_limit(w));
        self.function_timeout_s.is_some_and(short)
            || (self.configured_timeout_s.is_some_and(short) && !answered_with_error)
    }

    /// The function's timeout: the one it hit, else the configured one.
    pub fn timeout_s(&self) -> Option<f64> {
        self.function_timeout_s.or(self.configured_timeout_s)
    }

    fn errored(&self) -> bool {
        let init_error = self.inv.init_reports.iter().any(|r| {
            r.status
                .as_deref()
                .is_some_and(|s| s == "error" || s == "failure")
        });
        matches!(self.inv.status, InvocationStatus::Error(_)) || init_error
    }

    fn cold_start(&self) -> bool {
        if self.cold <= 0.0 {
            return false;
        }
        let silent = self.inv.custom_lines.is_empty();
        let pushed_over = self.duration.is_some_and(|d| {
            self.waited().is_some_and(|w| self.past_limit(w)) && !self.past_limit(d)
        });
        silent || pushed_over
    }

    /// The silence before Connect stopped watching (or the invocation
    /// ended): from the last custom line, or from START when there was none.
    fn silence(&self) -> f64 {
        let from = self.last_line.map_or(self.inv.start, |l| l.timestamp);
        (self.watched_until - from).max(0) as f64
    }

    /// The handler's share of what Connect watched.
    fn handler_span(&self) -> f64 {
        (self.watched_until - self.inv.start).max(0) as f64
    }

    fn stalled(&self) -> bool {
        let silence = self.silence();
        silence >= MIN_STALL_MS && silence >= self.handler_span() / 2.0
    }

    /// Every rule whose condition holds, in rule order.
    fn conditions(&self, rejection: Option<Rejection>) -> Vec<Class> {
        let over = self.over();
        let checks = [
            (Class::InitTimeout, self.init_timed_out()),
            (Class::MisconfiguredTimeout, self.misconfigured()),
            (Class::FunctionError, self.errored()),
            (Class::ColdStart, over && self.cold_start()),
            (
                Class::DownstreamStall,
                self.stalled() && (over || self.misconfigured()),
            ),
            // A cold start that pushed a handler that fits is not slow.
            (Class::Slow, over && !self.stalled() && !self.cold_start()),
            (Class::Throttled, rejection == Some(Rejection::Throttled)),
        ];
        checks
            .into_iter()
            .filter(|(_, held)| *held)
            .map(|(c, _)| c)
            .collect()
    }

    /// The first rule that holds, with the gates that make a condition a
    /// cause: an error counts only if it came before the limit.
    fn winner(&self, held: &[Class]) -> Class {
        let error_in_time = self.waited().is_some_and(|w| !self.past_limit(w));
        held.iter()
            .copied()
            .find(|&c| match c {
                Class::FunctionError => error_in_time,
                Class::Throttled => false, // an invocation ran: see its shape
                _ => true,
            })
            .unwrap_or(Class::Unexplained)
    }

    fn invocation_evidence(&self, link: &Link) -> Evidence {
        let inv = self.inv;
        let cold = if self.cold > 0.0 {
            format!(", cold ({} init)", format_ms(self.cold))
        } else if inv.pre_initialised() {
            format!(
                ", Init Duration {} reported without an INIT_START right before START: a \
                 pre-initialised environment (provisioned concurrency), not counted as a wait",
                format_ms(
                    inv.init_duration_ms
                        .or(inv.restore_duration_ms)
                        .unwrap_or(0.0)
                )
            )
        } else {
            String::new()
        };
        Evidence {
            timestamp: Some(inv.start),
            text: format!(
                "Lambda: invocation {} in {} (link {}{}): START {}, {}{}, {}",
                inv.request_id,
                inv.log_stream,
                link.confidence,
                if link.candidates > 1 {
                    format!(", best of {} candidates", link.candidates)
                } else {
                    String::new()
                },
                format_time(inv.start),
                self.duration
                    .map(|d| format!("duration {}", format_ms(d)))
                    .unwrap_or_else(|| "no duration (no REPORT)".into()),
                cold,
                status_text(&inv.status)
            ),
        }
    }

    fn evidence_for(&self, class: Class) -> Vec<Evidence> {
        match class {
            Class::InitTimeout => self.init_timeout_evidence(),
            Class::MisconfiguredTimeout => self.misconfigured_evidence(),
            Class::FunctionError => self.error_evidence(),
            Class::ColdStart => self.cold_evidence(),
            Class::DownstreamStall => self.stall_evidence(),
            Class::Slow => self.slow_evidence(),
            Class::Unexplained => self.unexplained_evidence(),
            _ => Vec::new(),
        }
    }

    fn init_timeout_evidence(&self) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = self
            .inv
            .init_reports
            .iter()
            .filter(|r| r.status.as_deref() == Some("timeout"))
            .map(|r| Evidence {
                timestamp: Some(r.timestamp),
                text: format!(
                    "{} {} timed out in phase {} after {} (Lambda's init limit is {})",
                    match r.kind {
                        InitKind::Init => "INIT_REPORT: init",
                        InitKind::Restore => "RESTORE_REPORT: restore",
                    },
                    self.inv.log_stream,
                    r.phase.as_deref().unwrap_or("?"),
                    r.duration_ms.map(format_ms).unwrap_or_else(|| "?".into()),
                    format_ms(INIT_LIMIT_MS)
                ),
            })
            .collect();
        if self.cold >= INIT_LIMIT_MS {
            out.push(self.fact(format!(
                "init took {} (Lambda's init limit is {})",
                format_ms(self.cold),
                format_ms(INIT_LIMIT_MS)
            )));
        }
        out
    }

    fn misconfigured_evidence(&self) -> Vec<Evidence> {
        if let (None, Some(x)) = (self.function_timeout_s, self.configured_timeout_s) {
            return vec![self.fact(format!(
                "the function's configured timeout is {x:.0} s (GetFunctionConfiguration), {:.2} s \
                 shorter than the block's limit of {:.2} s",
                self.limit / 1000.0 - x,
                self.limit / 1000.0
            ))];
        }
        let x = self.function_timeout_s.unwrap_or(0.0);
        let mut out = vec![self.fact(format!(
            "the function hit its own timeout of {x:.2} s, {:.2} s before the block's limit of {:.2} s",
            self.limit / 1000.0 - x,
            self.limit / 1000.0
        ))];
        out.extend(self.platform_line_containing(&["Task timed out", "timeout"]));
        out
    }

    fn error_evidence(&self) -> Vec<Evidence> {
        let mut out = vec![self.fact(format!(
            "the invocation ended in {} after {} (limit {})",
            status_text(&self.inv.status),
            self.waited().map(format_ms).unwrap_or_else(|| "?".into()),
            format_ms(self.limit)
        ))];
        out.extend(self.platform_line_containing(&["Status: error", "Error", "\"error\""]));
        out.extend(
            self.inv
                .custom_lines
                .iter()
                .rev()
                .find(|l| is_error_line(&l.text))
                .map(line),
        );
        out
    }

    fn cold_evidence(&self) -> Vec<Evidence> {
        let mut out = Vec::new();
        if let Some(at) = self.inv.init_start {
            out.push(Evidence {
                timestamp: Some(at),
                text: format!(
                    "INIT_START in {}: a new environment; the request waited for init",
                    self.inv.log_stream
                ),
            });
        }
        let d = self.duration.unwrap_or(0.0);
        let waited = self.waited().unwrap_or(self.cold + d);
        out.push(self.fact(format!(
            "init {} + handler {} = {}{} against the {} limit{}",
            format_ms(self.cold),
            format_ms(d),
            format_ms(self.cold + d),
            if waited > self.cold + d + 0.5 {
                format!(" ({} from INIT_START to END)", format_ms(waited))
            } else {
                String::new()
            },
            format_ms(self.limit),
            if !self.past_limit(d) {
                "; warm, the handler alone would have fit"
            } else {
                ""
            }
        )));
        if self.inv.custom_lines.is_empty() {
            out.push(self.fact("the handler produced no output before it ended".into()));
        }
        out.extend(self.platform_line_containing(&["REPORT", "platform.report"]));
        out
    }

    fn stall_evidence(&self) -> Vec<Evidence> {
        let silence = self.silence();
        let span = self.handler_span();
        let share = if span > 0.0 {
            silence / span * 100.0
        } else {
            0.0
        };
        let mut out = Vec::new();
        match self.last_line {
            Some(l) => out.push(Evidence {
                timestamp: Some(l.timestamp),
                text: format!(
                    "last output at +{} after START: {}",
                    format_ms((l.timestamp - self.inv.start) as f64),
                    message_text(&l.text)
                ),
            }),
            None => out.push(self.fact("the handler produced no output at all after START".into())),
        }
        out.push(self.fact(format!(
            "then silent for {} ({share:.0}% of the {} the handler had before {})",
            format_ms(silence),
            format_ms(span),
            if self.inv.end.is_some_and(|e| e <= self.watched_until) {
                "it ended"
            } else {
                "Connect gave up"
            }
        )));
        out
    }

    fn slow_evidence(&self) -> Vec<Evidence> {
        let lines = self.inv.custom_lines.len();
        vec![self.fact(format!(
            "steady output ({lines} lines, no silence of {} or more) but init {} + handler {} > limit {}",
            format_ms(MIN_STALL_MS),
            format_ms(self.cold),
            self.duration.map(format_ms).unwrap_or_else(|| "?".into()),
            format_ms(self.limit)
        ))]
    }

    fn unexplained_evidence(&self) -> Vec<Evidence> {
        let text = match self.waited() {
            Some(w) => format!(
                "the invocation ended ({}) after {}, within the {} limit: its logs do not explain Connect's error",
                status_text(&self.inv.status),
                format_ms(w),
                format_ms(self.limit)
            ),
            None => "the invocation has no END/REPORT (the environment died or the log was cut off)"
                .into(),
        };
        vec![self.fact(text)]
    }

    fn fact(&self, text: String) -> Evidence {
        Evidence {
            timestamp: None,
            text,
        }
    }

    /// The last platform line containing one of `needles`, as evidence.
    fn platform_line_containing(&self, needles: &[&str]) -> Option<Evidence> {
        self.inv
            .platform_lines
            .iter()
            .rev()
            .find(|l| needles.iter().any(|n| l.text.contains(n)))
            .map(line)
    }
}

fn line(l: &LogLine) -> Evidence {
    Evidence {
        timestamp: Some(l.timestamp),
        text: l.text.trim_end().to_string(),
    }
}

fn is_error_line(text: &str) -> bool {
    ["ERROR", "Error", "Exception", "errorType"]
        .iter()
        .any(|n| text.contains(n))
}

#[cfg(test)]
mod settings_tests;
#[cfg(test)]
mod tests;
