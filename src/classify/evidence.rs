//! The evidence every verdict starts with (the block, the invocation and
//! Connect's retries), and the small helpers the rules' evidence shares.

use super::case::Case;
use crate::model::{Evidence, FlowEntry, InvocationStatus, Link, LogLine, XrayReading, XrayStatus};
use crate::units::format_ms;

/// What Connect logged of the block, then what the linked invocations did.
pub(crate) fn common(case: &Case<'_>) -> Vec<Evidence> {
    let mut out = vec![block(case.block, case.limit())];
    if let Some((inv, run)) = case.run() {
        let cold = if run.init_ms > 0.0 {
            format!(", cold ({} init)", format_ms(run.init_ms))
        } else if inv.pre_initialised() {
            format!(
                ", Init Duration {} reported without an INIT_START right before START: a \
                 pre-initialised environment (provisioned concurrency), not counted as a wait",
                format_ms(
                    inv.init_duration_ms
                        .or(inv.restore_duration_ms)
                        .unwrap_or(0.0)
                )
            )
        } else {
            String::new()
        };
        out.push(Evidence {
            timestamp: Some(inv.start),
            text: format!(
                "Lambda: START of invocation {} in {} (link {}{}): {}{}, {}",
                inv.request_id,
                inv.log_stream,
                case.link.confidence,
                candidates(case.link),
                run.handler_ms
                    .map(|d| format!("duration {}", format_ms(d)))
                    .unwrap_or_else(|| "no duration (no REPORT)".into()),
                cold,
                status_text(&inv.status)
            ),
        });
        out.extend(retries(case.link));
    }
    out
}

fn candidates(link: &Link) -> String {
    if link.candidates > 1 {
        format!(", best of {} candidates", link.candidates)
    } else {
        String::new()
    }
}

fn block(block: &FlowEntry, limit: f64) -> Evidence {
    let results = block.results.as_deref().unwrap_or("");
    Evidence {
        timestamp: Some(block.timestamp),
        text: format!(
            "Connect: block {:?} in flow {:?} went to Error with Results {:?} (limit {})",
            block.identifier.as_deref().unwrap_or("?"),
            block.contact_flow_name.as_deref().unwrap_or("?"),
            results,
            format_ms(limit)
        ),
    }
}

fn retries(link: &Link) -> Vec<Evidence> {
    link.invocations
        .iter()
        .skip(1)
        .map(|inv| Evidence {
            timestamp: Some(inv.arrival),
            text: format!(
                "Connect retried: invocation {} ({}) {}",
                inv.request_id,
                status_text(&inv.status),
                inv.duration_ms
                    .map(|d| format!("ran {}", format_ms(d)))
                    .unwrap_or_default()
            ),
        })
        .collect()
}

/// Where the linker looked, when it found nothing.
pub(crate) fn searched(link: &Link) -> Evidence {
    fact(format!(
        "no invocation found in {} with an arrival between {} and {}",
        link.searched_group,
        crate::units::format_time(link.window_start),
        crate::units::format_time(link.window_end)
    ))
}

pub(crate) fn status_text(status: &InvocationStatus) -> String {
    match status {
        InvocationStatus::Success => "success".into(),
        InvocationStatus::Timeout => "timed out".into(),
        InvocationStatus::Error(Some(t)) => format!("error {t}"),
        InvocationStatus::Error(None) => "error".into(),
        InvocationStatus::Unknown => "no REPORT".into(),
    }
}

/// A fact with no time of its own.
pub(crate) fn fact(text: String) -> Evidence {
    Evidence {
        timestamp: None,
        text,
    }
}

/// A log line as evidence: its time, and its message (the time is not
/// repeated in the text).
pub(crate) fn line(l: &LogLine) -> Evidence {
    Evidence {
        timestamp: Some(l.timestamp),
        text: l.message().trim_end().to_string(),
    }
}

/// The last platform line of the answering invocation containing one of
/// `needles`, as evidence.
pub(crate) fn platform_line_containing(case: &Case<'_>, needles: &[&str]) -> Option<Evidence> {
    case.inv?
        .platform_lines
        .iter()
        .rev()
        .find(|l| needles.iter().any(|n| l.text.contains(n)))
        .map(line)
}

/// What the answering invocation's X-Ray trace says, as evidence: the call
/// still open when Connect gave up (or, with `slowest`, the longest calls),
/// or why the trace cannot say.
pub(crate) fn xray(case: &Case<'_>, slowest: bool) -> Vec<Evidence> {
    let Some((_, run)) = case.run() else {
        return Vec::new();
    };
    let Some(reading) = &run.xray else {
        return vec![fact(
            "X-Ray: the function is not traced; active tracing would name the call it waited on"
                .into(),
        )];
    };
    let id = &reading.trace_id;
    let text = match reading.status {
        XrayStatus::NotSampled => format!("X-Ray: trace {id} was not sampled"),
        XrayStatus::NotFound => format!(
            "X-Ray: trace {id} was not returned (older than X-Ray's 30 days, or the account uses \
             Transaction Search)"
        ),
        XrayStatus::NotLooked => format!(
            "X-Ray: trace {id} was not read (add `aws xray batch-get-traces --trace-ids {id}` \
             output to the input)"
        ),
        XrayStatus::Found => return found(case, reading, slowest),
    };
    vec![fact(text)]
}

fn found(case: &Case<'_>, reading: &XrayReading, slowest: bool) -> Vec<Evidence> {
    let id = &reading.trace_id;
    let mut out = Vec::new();
    if let Some((call, ran)) = &reading.open_at_limit {
        out.push(Evidence {
            timestamp: Some(call.start),
            text: format!(
                "X-Ray: {} had been running {} when Connect gave up at {} (trace {id})",
                call.label(),
                format_ms(*ran),
                format_ms(case.limit())
            ),
        });
    } else if !slowest {
        out.push(fact(format!(
            "X-Ray: no call was still open when Connect gave up (trace {id})"
        )));
    }
    if slowest || reading.open_at_limit.is_none() {
        let calls: Vec<String> = reading
            .slowest
            .iter()
            .map(|(call, ms)| format!("{} {}", call.label(), format_ms(*ms)))
            .collect();
        if !calls.is_empty() {
            out.push(fact(format!(
                "X-Ray: the slowest calls: {} (trace {id})",
                calls.join(", ")
            )));
        }
    }
    out
}
