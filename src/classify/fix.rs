//! The fix for each class: a concrete action, with the names and values
//! from this failure filled in.

use super::{Facts, FunctionSettings, INIT_LIMIT_MS};
use crate::model::{Class, FlowEntry, InvocationStatus, Link};
use crate::parse::lambda::message_text;
use crate::time::format_time;

/// The fix for `class`, with a hint for each contributing cause.
pub(crate) fn fix_for(
    class: Class,
    contributing: &[Class],
    block: &FlowEntry,
    facts: Option<&Facts<'_>>,
    link: &Link,
    settings: Option<&FunctionSettings>,
) -> String {
    let target = Target::of(block);
    let mut text = match (class, facts) {
        (Class::AccessDenied, _) => access_denied(&target, block),
        (Class::Throttled, _) => throttled(&target, block),
        (Class::Unlinked, _) => unlinked(&target, link),
        (Class::InitTimeout, _) => init_timeout(&target),
        (Class::MisconfiguredTimeout, Some(f)) => misconfigured(&target, f),
        (Class::FunctionError, Some(f)) => function_error(&target, f),
        (Class::ColdStart, _) => cold_start(&target, settings.cloned().unwrap_or_default()),
        (Class::DownstreamStall, Some(f)) => stall(f),
        (Class::Slow, Some(f)) => slow(f),
        _ => unexplained(),
    };
    for &c in contributing {
        if let Some(extra) = contributing_hint(c, &target, facts) {
            text.push(' ');
            text.push_str(&extra);
        }
    }
    text
}

/// The function as the block names it.
struct Target {
    name: String,
    arn: String,
    qualifier: Option<String>,
    limit_s: f64,
}

impl Target {
    fn of(block: &FlowEntry) -> Self {
        match &block.lambda {
            Some(l) => Target {
                name: l.function_name.clone(),
                arn: l.function_arn.clone(),
                qualifier: l.qualifier.clone(),
                limit_s: f64::from(l.limit_ms()) / 1000.0,
            },
            None => Target {
                name: "?".into(),
                arn: "?".into(),
                qualifier: None,
                limit_s: 8.0,
            },
        }
    }
}

fn access_denied(t: &Target, block: &FlowEntry) -> String {
    let instance = block
        .contact_flow_id
        .as_deref()
        .and_then(instance_arn)
        .unwrap_or("<instance ARN>");
    let account = instance.split(':').nth(4).unwrap_or("<account id>");
    format!(
        "Connect may not invoke {arn}: add the function to the instance (Connect console > Flows > \
         AWS Lambda), or grant it: `aws lambda add-permission --function-name {arn} \
         --statement-id connect-invoke --action lambda:InvokeFunction --principal \
         connect.amazonaws.com --source-account {account} --source-arn {instance}`.",
        arn = t.arn
    )
}

/// `arn:aws:connect:region:acct:instance/<id>` from a flow ARN.
fn instance_arn(flow_arn: &str) -> Option<&str> {
    let at = flow_arn.find(":instance/")?;
    let rest = &flow_arn[at + ":instance/".len()..];
    let id_len = rest.find('/').unwrap_or(rest.len());
    flow_arn.get(..at + ":instance/".len() + id_len)
}

fn throttled(t: &Target, block: &FlowEntry) -> String {
    format!(
        "Lambda throttled the call and no invocation ran: check the AWS/Lambda Throttles and \
         ConcurrentExecutions metrics for {name} around {at}; raise its reserved concurrency \
         (`aws lambda put-function-concurrency --function-name {name} \
         --reserved-concurrent-executions N`) or the account's concurrent executions quota. If \
         Results names Connect's concurrent Lambda limit, request a higher Connect quota for the \
         instance.",
        name = t.name,
        at = format_time(block.timestamp)
    )
}

fn unlinked(t: &Target, link: &Link) -> String {
    format!(
        "No invocation of {name} was found in {group} between {from} and {to}. Check that the \
         logs cover this period and group (the function may log elsewhere: \
         `aws lambda get-function-configuration --function-name {name} --query \
         LoggingConfig.LogGroup`), that retention kept them, and that SystemLogLevel is not WARN \
         (which hides START/REPORT).",
        name = t.name,
        group = link.searched_group,
        from = format_time(link.window_start),
        to = format_time(link.window_end)
    )
}

fn init_timeout(t: &Target) -> String {
    format!(
        "Init ran into Lambda's {init:.0} s init limit. Move heavy work out of module load (create \
         SDK clients lazily, trim dependencies and package size), raise MemorySize (more CPU for \
         init), or pre-initialise {target} with provisioned concurrency (SnapStart for Java).",
        init = INIT_LIMIT_MS / 1000.0,
        target = qualified(t)
    )
}

fn misconfigured(t: &Target, f: &Facts<'_>) -> String {
    let x = f.timeout_s().unwrap_or(0.0);
    format!(
        "{name}'s own timeout ({x:.0} s) is shorter than the block's limit ({l:.0} s), so Lambda \
         kills it before Connect would have waited: `aws lambda update-function-configuration \
         --function-name {name} --timeout {l:.0}`, or lower the block's timeout to {x:.0} s if that \
         is all the call should take.",
        name = t.name,
        l = t.limit_s.ceil()
    )
}

fn function_error(t: &Target, f: &Facts<'_>) -> String {
    let error_type = match &f.inv.status {
        InvocationStatus::Error(Some(e)) => e.as_str(),
        _ => f
            .inv
            .init_reports
            .iter()
            .find_map(|r| r.error_type.as_deref())
            .unwrap_or(""),
    };
    let specific = match error_type {
        e if e.contains("ImportModule") || e.contains("UserCodeSyntax") => {
            "the deployment package is broken (handler module cannot load): fix the handler setting \
             or the package and redeploy"
                .to_string()
        }
        e if e.contains("OutOfMemory") => format!(
            "the function ran out of memory: raise MemorySize above {:.0} MB or reduce what it holds",
            f.inv.memory_size_mb.unwrap_or(128.0)
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
        name = t.name,
        typ = if error_type.is_empty() {
            String::new()
        } else {
            format!(" with {error_type}")
        }
    )
}

fn cold_start(t: &Target, settings: FunctionSettings) -> String {
    let pc = match &t.qualifier {
        Some(q) => format!(
            "`aws lambda put-provisioned-concurrency-config --function-name {} --qualifier {q} \
             --provisioned-concurrent-executions N`",
            t.name
        ),
        None => format!(
            "publish a version or alias of {}, point the block at it, and give it provisioned \
             concurrency",
            t.name
        ),
    };
    let warm = match settings.provisioned_concurrency {
        Some(true) => format!(
            "{} has provisioned concurrency, yet this request got a cold environment: point the \
             block at the alias or version that has it, or raise it ({pc})",
            t.name
        ),
        Some(false) => format!(
            "{} has no provisioned concurrency: keep environments warm for {} with it ({pc})",
            t.name,
            qualified(t)
        ),
        None => format!(
            "keep environments warm for {} with provisioned concurrency ({pc})",
            qualified(t)
        ),
    };
    let vpc = match settings.vpc_attached {
        Some(true) => format!(
            "; {} is attached to a VPC, which lengthens cold starts: remove the attachment if it \
             does not need it",
            t.name
        ),
        Some(false) => String::new(),
        None => "; and remove the VPC attachment if the function does not need it".into(),
    };
    format!(
        "A cold start pushed the call past the block's limit: {warm}; cut init time (lazy-init \
         clients, fewer dependencies, more memory, SnapStart for Java){vpc}."
    )
}

fn stall(f: &Facts<'_>) -> String {
    let budget = (f.limit - f.cold - 500.0).max(500.0);
    let last = f
        .last_line
        .map(|l| format!("after its last line ({})", message_text(&l.text)))
        .unwrap_or_else(|| "after START".into());
    format!(
        "The handler waited on a downstream call {last}. Give that call a connect and read timeout \
         well inside the block's budget (about {budget:.0} ms after init) and return a fallback the \
         flow can route on; if the dependency is legitimately slow, use the block's asynchronous \
         mode (up to 60 s) with a Wait block."
    )
}

fn slow(f: &Facts<'_>) -> String {
    format!(
        "The handler's work steadily takes longer than the block allows ({:.0} ms limit): \
         parallelise or cache its downstream calls, raise MemorySize (more CPU), raise the block's \
         timeout (up to 8 s synchronous), or use asynchronous mode.",
        f.limit
    )
}

fn unexplained() -> String {
    "The function answered in time and without error, so Connect likely rejected the response: \
     with ResponseValidation STRING_MAP it must be a flat map of string values, under 32 KB. Check \
     the handler's return value."
        .to_string()
}

fn contributing_hint(c: Class, t: &Target, facts: Option<&Facts<'_>>) -> Option<String> {
    match c {
        Class::DownstreamStall => facts.map(|f| {
            let last = f
                .last_line
                .map(|l| format!(" after {:?}", message_text(&l.text)))
                .unwrap_or_default();
            format!("Also: the handler went silent{last}; put a timeout on that call.")
        }),
        Class::ColdStart => Some(format!(
            "Also: it was a cold start; provisioned concurrency on {} removes init from the wait.",
            qualified(t)
        )),
        Class::Throttled => Some("Also: Connect's Results names a throttle.".into()),
        Class::MisconfiguredTimeout => Some(format!(
            "Also: {}'s timeout is shorter than the block's limit.",
            t.name
        )),
        _ => None,
    }
}

fn qualified(t: &Target) -> String {
    match &t.qualifier {
        Some(q) => format!("{}:{q}", t.name),
        None => t.name.clone(),
    }
}
