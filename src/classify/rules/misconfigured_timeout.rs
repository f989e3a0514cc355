//! `misconfigured_timeout`: the function's own timeout is shorter than the
//! block's limit, so Lambda kills it before Connect would have waited.

use super::{always, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::{fact, platform_line_containing};
use crate::model::Evidence;

pub(super) const RULE: Rule = Rule {
    holds: |case| case.misconfigured(),
    decides: always,
    evidence,
    action,
    fix,
    hint,
    key_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let limit_s = case.limit() / 1000.0;
    let hit = case.m.run.as_ref().and_then(|r| r.timeout_hit_s);
    if let (None, Some(x)) = (hit, case.m.configured_timeout_s) {
        return vec![fact(format!(
            "the function's configured timeout is {x:.0} s (GetFunctionConfiguration), {:.2} s \
             shorter than the block's limit of {limit_s:.2} s",
            limit_s - x,
        ))];
    }
    let x = hit.unwrap_or(0.0);
    let mut out = vec![fact(format!(
        "the function hit its own timeout of {x:.2} s, {:.2} s before the block's limit of {limit_s:.2} s",
        limit_s - x,
    ))];
    out.extend(platform_line_containing(
        case,
        &["Task timed out", "timeout"],
    ));
    out
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Raise {}'s timeout from {:.0} s to {:.0} s, or lower the block's limit",
        case.function(),
        case.m.function_timeout_s().unwrap_or(0.0),
        (case.limit() / 1000.0).ceil()
    )
}

fn fix(case: &Case<'_>) -> String {
    let x = case.m.function_timeout_s().unwrap_or(0.0);
    format!(
        "{name}'s own timeout ({x:.0} s) is shorter than the block's limit ({l:.0} s), so Lambda \
         kills it before Connect would have waited: `aws lambda update-function-configuration \
         --function-name {name} --timeout {l:.0}`, or lower the block's timeout to {x:.0} s if that \
         is all the call should take.",
        name = case.function(),
        l = (case.limit() / 1000.0).ceil()
    )
}

fn hint(case: &Case<'_>) -> Option<String> {
    Some(format!(
        "Also: {}'s timeout is shorter than the block's limit.",
        case.function()
    ))
}

/// `function timeout 3 s < block limit 8 s` (`3.07 s` when so logged).
fn key_fact(case: &Case<'_>) -> String {
    format!(
        "function timeout {} s < block limit {} s",
        seconds(case.m.function_timeout_s().unwrap_or(0.0)),
        seconds(case.limit() / 1000.0)
    )
}

/// Seconds to the hundredth, without trailing zeros.
fn seconds(s: f64) -> String {
    let text = format!("{s:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
