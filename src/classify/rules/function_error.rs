//! `function_error`: the function (or its init) failed before the block's
//! limit. An error after the limit only contributes: by then the wait, not
//! the error, failed the block (reference §0b.10).

use super::{no_hint, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::{fact, line, platform_line_containing, status_text};
use crate::model::{Evidence, InvocationStatus};
use crate::units::{format_ms, format_opt_ms};

pub(super) const RULE: Rule = Rule {
    holds: |case| case.errored(),
    decides: |case| case.answered_in_time(),
    evidence,
    action,
    fix,
    hint: no_hint,
    key_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let Some((inv, run)) = case.run() else {
        return Vec::new();
    };
    let mut out = vec![fact(format!(
        "the invocation ended in {} after {} (limit {})",
        status_text(&inv.status),
        format_opt_ms(run.waited_ms),
        format_ms(case.limit())
    ))];
    out.extend(platform_line_containing(
        case,
        &["Status: error", "Error", "\"error\""],
    ));
    out.extend(
        inv.custom_lines
            .iter()
            .rev()
            .find(|l| is_error_line(&l.text))
            .map(line),
    );
    out
}

fn is_error_line(text: &str) -> bool {
    ["ERROR", "Error", "Exception", "errorType"]
        .iter()
        .any(|n| text.contains(n))
}

/// The error type the invocation, or its init, reported.
fn error_type<'c>(case: &Case<'c>) -> &'c str {
    let Some(inv) = case.inv else {
        return "";
    };
    match &inv.status {
        InvocationStatus::Error(Some(e)) => e.as_str(),
        _ => inv
            .init_reports
            .iter()
            .find_map(|r| r.error_type.as_deref())
            .unwrap_or(""),
    }
}

fn action(case: &Case<'_>) -> String {
    let name = case.function();
    match error_type(case) {
        e if e.contains("ImportModule") || e.contains("UserCodeSyntax") => {
            format!("Redeploy {name}: its handler module cannot load")
        }
        e if e.contains("OutOfMemory") => format!("Give {name} more memory, or make it hold less"),
        e if e.contains("ExitError") => {
            format!("Find why {name}'s runtime exited (crash, exit, memory)")
        }
        _ => format!("Catch {name}'s error and return a string map the flow can route on"),
    }
}

fn fix(case: &Case<'_>) -> String {
    let error_type = error_type(case);
    let specific = match error_type {
        e if e.contains("ImportModule") || e.contains("UserCodeSyntax") => {
            "the deployment package is broken (handler module cannot load): fix the handler setting \
             or the package and redeploy"
                .to_string()
        }
        e if e.contains("OutOfMemory") => format!(
            "the function ran out of memory: raise MemorySize above {:.0} MB or reduce what it holds",
            case.inv.and_then(|i| i.memory_size_mb).unwrap_or(128.0)
        ),
        e if e.contains("ExitError") => {
            "the runtime exited (crash, process.exit, or killed for memory): check the lines above \
             the error"
                .to_string()
        }
        _ => "catch the exception in the handler and return a flat string map Connect can route on"
            .to_string(),
    };
    format!(
        "{name} failed before the limit{typ}: {specific}. Connect retries errors up to 3 times \
         within the block's limit, so the caller waited for every attempt.",
        name = case.function(),
        typ = if error_type.is_empty() {
            String::new()
        } else {
            format!(" with {error_type}")
        }
    )
}

/// `Runtime.ExitError after 305 ms`: what failed, and when (the wait the
/// verdict measured).
fn key_fact(case: &Case<'_>) -> String {
    let Some((inv, run)) = case.run() else {
        return "error".to_string();
    };
    let kind = match &inv.status {
        InvocationStatus::Error(Some(t)) => t.clone(),
        InvocationStatus::Timeout => "function timeout".to_string(),
        _ => "error".to_string(),
    };
    match run.waited_ms {
        Some(w) => format!("{kind} after {}", format_ms(w)),
        None => kind,
    }
}
