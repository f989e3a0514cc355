//! `slow`: the handler kept working (no long silence) but took longer than
//! the block allows.

use super::{always, no_hint, timing_fact, Rule};
use crate::classify::case::{Case, MIN_STALL_MS};
use crate::classify::evidence::{fact, xray};
use crate::model::Evidence;
use crate::units::{format_ms, format_opt_ms};

pub(super) const RULE: Rule = Rule {
    // A cold start that pushed a handler that fits is not slow.
    holds: |case| case.over() && !case.stalled() && !case.cold_start(),
    decides: always,
    evidence,
    action,
    fix,
    hint: no_hint,
    key_fact: timing_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let Some((inv, run)) = case.run() else {
        return Vec::new();
    };
    let mut out = vec![fact(format!(
        "steady output ({} lines, no silence of {} or more) but init {} + handler {} > limit {}",
        inv.custom_lines.len(),
        format_ms(MIN_STALL_MS),
        format_ms(run.init_ms),
        format_opt_ms(run.handler_ms),
        format_ms(case.limit())
    ))];
    out.extend(xray(case, true));
    out
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Make {} faster (parallel or cached calls, more memory) or raise the block's limit",
        case.function()
    )
}

fn fix(case: &Case<'_>) -> String {
    let slowest = case
        .m
        .run
        .as_ref()
        .and_then(|r| r.xray.as_ref())
        .and_then(|x| x.slowest.first())
        .map(|(call, ms)| format!(" (the slowest call: {} {})", call.label(), format_ms(*ms)))
        .unwrap_or_default();
    format!(
        "The handler's work steadily takes longer than the block allows ({:.0} ms limit): \
         parallelise or cache its downstream calls{slowest}, raise MemorySize (more CPU), raise \
         the block's timeout (up to 8 s synchronous), or use asynchronous mode.",
        case.limit()
    )
}
