//! One module per class: its condition, its evidence, its fix and its key
//! fact side by side. `rule` maps each class to its module; the order of
//! `Class` is the order the rules are tried in.
//!
//! Adding a class: a variant of `model::Class`, a module here with its
//! `RULE`, an arm in `rule`, and its tests.

use super::case::Case;
use crate::model::{Class, Evidence};

mod access_denied;
mod cold_start;
mod downstream_stall;
mod function_error;
mod init_timeout;
mod misconfigured_timeout;
mod slow;
mod throttled;
mod unexplained;
mod unlinked;

/// What a class is, and what it says.
pub(crate) struct Rule {
    /// Whether the cause is present.
    pub holds: fn(&Case<'_>) -> bool,
    /// Holding, whether it can be the verdict; otherwise it only
    /// contributes (an error after the limit, a throttle text beside an
    /// invocation that ran).
    pub decides: fn(&Case<'_>) -> bool,
    /// What shows it, after the evidence every verdict starts with.
    pub evidence: fn(&Case<'_>) -> Vec<Evidence>,
    /// What to do, in one line of at most about 90 characters (names the
    /// function, never quotes log text: it is shown whole, not cut).
    pub action: fn(&Case<'_>) -> String,
    /// What to do, as the verdict, in full.
    pub fix: fn(&Case<'_>) -> String,
    /// One sentence added to the verdict's fix when this class contributes.
    pub hint: fn(&Case<'_>) -> Option<String>,
    /// The one short line the failure tables show.
    pub key_fact: fn(&Case<'_>) -> String,
}

/// The rule of each class.
pub(crate) fn rule(class: Class) -> &'static Rule {
    match class {
        Class::AccessDenied => &access_denied::RULE,
        Class::InitTimeout => &init_timeout::RULE,
        Class::MisconfiguredTimeout => &misconfigured_timeout::RULE,
        Class::FunctionError => &function_error::RULE,
        Class::ColdStart => &cold_start::RULE,
        Class::DownstreamStall => &downstream_stall::RULE,
        Class::Slow => &slow::RULE,
        Class::Throttled => &throttled::RULE,
        Class::Unlinked => &unlinked::RULE,
        Class::Unexplained => &unexplained::RULE,
    }
}

/// For rules that decide whenever they hold.
pub(crate) fn always(_: &Case<'_>) -> bool {
    true
}

/// For rules that add nothing to another verdict's fix.
pub(crate) fn no_hint(_: &Case<'_>) -> Option<String> {
    None
}

/// For rules whose evidence is all in the common part.
pub(crate) fn no_evidence(_: &Case<'_>) -> Vec<Evidence> {
    Vec::new()
}

/// The comparison that decides every timing class, in the verdict's own
/// numbers and with the rule it applied: `init 2214 ms + handler 1381 ms >
/// 3000 ms limit`; a wait within the invoke overhead of the limit says so,
/// and the wait read from the log's clock is named when it, not I + D,
/// decided the comparison.
pub(crate) fn timing_fact(case: &Case<'_>) -> String {
    use crate::units::{format_ms, whole_ms};
    let Some((_, run)) = case.run() else {
        return unlinked::window_fact(case);
    };
    // Short enough for a triage line: the unit is said once, at the limit.
    let limit = format!("{} limit", format_ms(case.limit()));
    let Some(d) = run.handler_ms else {
        return format!("end not logged; {limit}");
    };
    let parts = if run.init_ms > 0.0 {
        format!("init {} + handler {}", whole_ms(run.init_ms), whole_ms(d))
    } else {
        format!("handler {}", whole_ms(d))
    };
    let sum = run.init_ms + d;
    let waited = run.waited_ms.unwrap_or(sum);
    let (shown, total) = if side(case, waited) == side(case, sum) {
        let total = (run.init_ms > 0.0).then(|| format!(" = {}", whole_ms(sum)));
        (sum, total)
    } else {
        (waited, Some(format!(" ({} to END)", whole_ms(waited))))
    };
    match side(case, shown) {
        Side::Over => format!("{parts}{} > {limit}", by_clock_only(&total, sum, shown)),
        Side::WithinOverhead => format!(
            "{parts}{}, within {} of {limit}",
            total.unwrap_or_default(),
            whole_ms(case.m.overhead_ms)
        ),
        Side::Under => format!("{parts}{} <= {limit}", by_clock_only(&total, sum, shown)),
    }
}

/// Where a wait falls against the limit, as the rules read it.
#[derive(PartialEq)]
enum Side {
    Over,
    WithinOverhead,
    Under,
}

fn side(case: &Case<'_>, ms: f64) -> Side {
    if ms > case.limit() {
        Side::Over
    } else if case.past_limit(ms) {
        Side::WithinOverhead
    } else {
        Side::Under
    }
}

/// Plain comparisons name the total only when the log's clock decided.
fn by_clock_only(total: &Option<String>, sum: f64, shown: f64) -> &str {
    match total {
        Some(t) if shown != sum => t,
        _ => "",
    }
}

/// What Connect's `Results` said, for the classes read from it.
pub(crate) fn connect_said(case: &Case<'_>) -> String {
    match &case.block.results {
        Some(text) => format!("Connect: \"{text}\""),
        None => "no invocation linked".to_string(),
    }
}
