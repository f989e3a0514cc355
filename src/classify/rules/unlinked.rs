//! `unlinked`: no invocation of the function arrived in the block's window.

use super::{always, no_hint, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::searched;
use crate::model::Evidence;
use crate::units::format_time;

pub(super) const RULE: Rule = Rule {
    // A rejection says why nothing ran: that class, not this one.
    holds: |case| case.inv.is_none() && case.rejection().is_none(),
    decides: always,
    evidence,
    action,
    fix,
    hint: no_hint,
    key_fact: window_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    vec![searched(case.link)]
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Find {}'s logs for this time: the export, retention, LoggingConfig, log level",
        case.function()
    )
}

fn fix(case: &Case<'_>) -> String {
    let link = case.link;
    format!(
        "No invocation of {name} was found in {group} between {from} and {to}. Check that the \
         logs cover this period and group (the function may log elsewhere: \
         `aws lambda get-function-configuration --function-name {name} --query \
         LoggingConfig.LogGroup`), that retention kept them, and that SystemLogLevel is not WARN \
         (which hides START/REPORT).",
        name = case.function(),
        group = link.searched_group,
        from = format_time(link.window_start),
        to = format_time(link.window_end)
    )
}

/// `no invocation in /aws/lambda/crm (20.0 s window)`.
pub(super) fn window_fact(case: &Case<'_>) -> String {
    let link = case.link;
    let span = (link.window_end - link.window_start) as f64 / 1000.0;
    format!(
        "no invocation in {} ({span:.1} s window)",
        link.searched_group
    )
}
