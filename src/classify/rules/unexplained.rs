//! `unexplained`: the verdict when no rule decides: the linked invocation
//! finished in time and without error, so its logs do not explain
//! Connect's error.

use super::{no_hint, timing_fact, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::{fact, status_text};
use crate::model::Evidence;
use crate::units::format_ms;

pub(super) const RULE: Rule = Rule {
    // Never a condition of its own: `classify` falls back to it.
    holds: |_| false,
    decides: |_| false,
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
    let text = match run.waited_ms {
        Some(w) => format!(
            "the invocation ended ({}) after {}, within the {} limit: its logs do not explain Connect's error",
            status_text(&inv.status),
            format_ms(w),
            format_ms(case.limit())
        ),
        None => "the invocation has no END/REPORT (the environment died or the log was cut off)"
            .into(),
    };
    vec![fact(text)]
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Check {}'s response: a flat map of strings under 32 KB for STRING_MAP",
        case.function()
    )
}

fn fix(_: &Case<'_>) -> String {
    "The function answered in time and without error, so Connect likely rejected the response: \
     with ResponseValidation STRING_MAP it must be a flat map of string values, under 32 KB. Check \
     the handler's return value."
        .to_string()
}
