//! `init_timeout`: init ran into Lambda's 10 s init limit.

use super::{always, no_hint, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::fact;
use crate::model::conventions::INIT_LIMIT_MS;
use crate::model::{Evidence, InitKind, InitReportLine};
use crate::units::{format_ms, format_opt_ms};

pub(super) const RULE: Rule = Rule {
    holds: |case| case.init_timed_out(),
    decides: always,
    evidence,
    action,
    fix,
    hint: no_hint,
    key_fact,
};

/// The INIT_REPORT (or RESTORE_REPORT) lines that said `Status: timeout`.
fn timeouts<'c>(case: &Case<'c>) -> impl Iterator<Item = &'c InitReportLine> {
    case.inv
        .into_iter()
        .flat_map(|inv| &inv.init_reports)
        .filter(|r| r.status.as_deref() == Some("timeout"))
}

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let stream = case.inv.map_or("?", |inv| inv.log_stream.as_str());
    let mut out: Vec<Evidence> = timeouts(case)
        .map(|r| Evidence {
            timestamp: Some(r.timestamp),
            text: format!(
                "{} {stream} timed out in phase {} after {} (Lambda's init limit is {})",
                match r.kind {
                    InitKind::Init => "INIT_REPORT: init",
                    InitKind::Restore => "RESTORE_REPORT: restore",
                },
                r.phase.as_deref().unwrap_or("?"),
                format_opt_ms(r.duration_ms),
                format_ms(INIT_LIMIT_MS)
            ),
        })
        .collect();
    if let Some((_, run)) = case.run().filter(|(_, r)| r.init_ms >= INIT_LIMIT_MS) {
        out.push(fact(format!(
            "init took {} (Lambda's init limit is {})",
            format_ms(run.init_ms),
            format_ms(INIT_LIMIT_MS)
        )));
    }
    out
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Cut {}'s init time: lazy clients, a lighter package, more memory",
        case.function()
    )
}

fn fix(case: &Case<'_>) -> String {
    format!(
        "Init ran into Lambda's {init:.0} s init limit. Move heavy work out of module load (create \
         SDK clients lazily, trim dependencies and package size), raise MemorySize (more CPU for \
         init), or pre-initialise {target} with provisioned concurrency (SnapStart for Java).",
        init = INIT_LIMIT_MS / 1000.0,
        target = case.qualified_function()
    )
}

fn key_fact(case: &Case<'_>) -> String {
    let run = case.m.run.as_ref();
    match timeouts(case).next() {
        Some(r) => format!(
            "init timed out ({}, phase {})",
            format_opt_ms(run.and_then(|m| m.init_timeout_reported_ms)),
            r.phase.as_deref().unwrap_or("?")
        ),
        None => format!(
            "init {} >= {} init limit",
            format_ms(case.m.run.as_ref().map_or(0.0, |r| r.init_ms)),
            format_ms(INIT_LIMIT_MS)
        ),
    }
}
