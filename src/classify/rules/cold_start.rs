//! `cold_start`: init took the request's time: the environment was new and
//! the handler either said nothing or would have fit warm.

use super::{always, timing_fact, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::{fact, platform_line_containing};
use crate::model::Evidence;
use crate::units::format_ms;

pub(super) const RULE: Rule = Rule {
    holds: |case| case.over() && case.cold_start(),
    decides: always,
    evidence,
    action,
    fix,
    hint,
    key_fact: timing_fact,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    let Some((inv, run)) = case.run() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(at) = inv.init_start {
        out.push(Evidence {
            timestamp: Some(at),
            text: format!(
                "INIT_START in {}: a new environment; the request waited for init",
                inv.log_stream
            ),
        });
    }
    let d = run.handler_ms.unwrap_or(0.0);
    let sum = run.init_ms + d;
    let waited = run.waited_ms.unwrap_or(sum);
    out.push(fact(format!(
        "init {} + handler {} = {}{} against the {} limit{}",
        format_ms(run.init_ms),
        format_ms(d),
        format_ms(sum),
        if waited > sum + 0.5 {
            format!(" ({} from INIT_START to END)", format_ms(waited))
        } else {
            String::new()
        },
        format_ms(case.limit()),
        if !case.past_limit(d) {
            "; warm, the handler alone would have fit"
        } else {
            ""
        }
    )));
    if inv.custom_lines.is_empty() {
        out.push(fact(
            "the handler produced no output before it ended".into(),
        ));
    }
    out.extend(platform_line_containing(
        case,
        &["REPORT", "platform.report"],
    ));
    out
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Keep {} warm (provisioned concurrency) and cut its init time",
        case.qualified_function()
    )
}

fn fix(case: &Case<'_>) -> String {
    let settings = case.settings.cloned().unwrap_or_default();
    let name = case.function();
    let qualified = case.qualified_function();
    let pc = match case.qualifier() {
        Some(q) => format!(
            "`aws lambda put-provisioned-concurrency-config --function-name {name} --qualifier {q} \
             --provisioned-concurrent-executions N`"
        ),
        None => format!(
            "publish a version or alias of {name}, point the block at it, and give it provisioned \
             concurrency"
        ),
    };
    let warm = match settings.provisioned_concurrency {
        Some(true) => format!(
            "{name} has provisioned concurrency, yet this request got a cold environment: point the \
             block at the alias or version that has it, or raise it ({pc})"
        ),
        Some(false) => format!(
            "{name} has no provisioned concurrency: keep environments warm for {qualified} with it \
             ({pc})"
        ),
        None => format!("keep environments warm for {qualified} with provisioned concurrency ({pc})"),
    };
    let vpc = match settings.vpc_attached {
        Some(true) => format!(
            "; {name} is attached to a VPC, which lengthens cold starts: remove the attachment if it \
             does not need it"
        ),
        Some(false) => String::new(),
        None => "; and remove the VPC attachment if the function does not need it".into(),
    };
    format!(
        "A cold start pushed the call past the block's limit: {warm}; cut init time (lazy-init \
         clients, fewer dependencies, more memory, SnapStart for Java){vpc}."
    )
}

fn hint(case: &Case<'_>) -> Option<String> {
    Some(format!(
        "Also: it was a cold start; provisioned concurrency on {} removes init from the wait.",
        case.qualified_function()
    ))
}
