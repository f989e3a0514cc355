//! `downstream_stall`: the handler went silent (waiting on a downstream
//! call, most likely) for most of what Connect watched.

use super::{always, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::{fact, xray};
use crate::model::{Evidence, RunMeasurements};
use crate::units::format_ms;

pub(super) const RULE: Rule = Rule {
    holds: |case| case.stalled() && (case.over() || case.misconfigured()),
    decides: always,
    evidence,
    action,
    fix,
    hint,
    key_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let Some((inv, run)) = case.run() else {
        return Vec::new();
    };
    let span = run.handler_span_ms;
    let share = if span > 0.0 {
        run.silence_ms / span * 100.0
    } else {
        0.0
    };
    let mut out = Vec::new();
    match &run.last_line {
        Some(l) => out.push(Evidence {
            timestamp: Some(l.timestamp),
            text: format!(
                "last output at +{} after START: {}",
                format_ms((l.timestamp - inv.start) as f64),
                l.message()
            ),
        }),
        None => out.push(fact(
            "the handler produced no output at all after START".into(),
        )),
    }
    out.push(fact(format!(
        "then silent for {} ({share:.0}% of the {} the handler had before {})",
        format_ms(run.silence_ms),
        format_ms(span),
        if inv.end.is_some_and(|e| e <= run.watched_until) {
            "it ended"
        } else {
            "Connect gave up"
        }
    )));
    out.extend(xray(case, false));
    out
}

/// The call X-Ray saw still open when Connect gave up, and how long it had
/// run by then.
fn open_call(case: &Case<'_>) -> Option<(String, f64)> {
    let reading = case.m.run.as_ref()?.xray.as_ref()?;
    let (call, ran) = reading.open_at_limit.as_ref()?;
    Some((call.label(), *ran))
}

/// The last thing the handler said, when it said anything.
fn last_message(run: &RunMeasurements) -> Option<&str> {
    run.last_line.as_ref().map(|l| l.message())
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Put a ~{budget:.0} ms timeout on the call {} waits on; return a fallback",
        case.function(),
        budget = budget_ms(case)
    )
}

/// The time the call may take: the block's limit, less init and half a
/// second for the handler's own work.
fn budget_ms(case: &Case<'_>) -> f64 {
    let init = case.m.run.as_ref().map_or(0.0, |r| r.init_ms);
    (case.limit() - init - 500.0).max(500.0)
}

fn fix(case: &Case<'_>) -> String {
    let run = case.m.run.as_ref();
    let budget = budget_ms(case);
    let last = run
        .and_then(last_message)
        .map(|m| format!("after its last line ({m})"))
        .unwrap_or_else(|| "after START".into());
    let waited = match open_call(case) {
        Some((call, ran)) => format!(
            "The handler was waiting on {call}, which had been running {} when Connect gave up",
            format_ms(ran)
        ),
        None => format!("The handler waited on a downstream call {last}"),
    };
    format!(
        "{waited}. Give that call a connect and read timeout \
         well inside the block's budget (about {budget:.0} ms after init) and return a fallback the \
         flow can route on; if the dependency is legitimately slow, use the block's asynchronous \
         mode (up to 60 s) with a Wait block."
    )
}

fn hint(case: &Case<'_>) -> Option<String> {
    let last = case
        .m
        .run
        .as_ref()
        .and_then(last_message)
        .map(|m| format!(" after {m:?}"))
        .unwrap_or_default();
    Some(format!(
        "Also: the handler went silent{last}; put a timeout on that call."
    ))
}

/// `silent 7853 ms after "calling CRM ..."`: the silence the rule measured,
/// and the message it followed.
fn key_fact(case: &Case<'_>) -> String {
    let Some(run) = &case.m.run else {
        return "no invocation linked".to_string();
    };
    if let Some((call, ran)) = open_call(case) {
        return format!("{call} open {} at the limit", format_ms(ran));
    }
    let after = last_message(run)
        .map(|m| format!("\"{m}\""))
        .unwrap_or_else(|| "START".to_string());
    format!("silent {} after {after}", format_ms(run.silence_ms))
}
