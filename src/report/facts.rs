//! Short sentences shared by the table and the timeline: the one fact that
//! best explains a failure, and small text helpers.

use super::format_ms;
use super::summary::primary;
use crate::model::{Class, Failure, Invocation, InvocationStatus, DEFAULT_TIME_LIMIT_MS};
use crate::parse::lambda::message_text;

/// The block's limit in ms as the diagnosis used it.
pub fn limit_of(failure: &Failure) -> u32 {
    failure
        .block
        .lambda
        .as_ref()
        .map(|l| l.limit_ms())
        .unwrap_or(DEFAULT_TIME_LIMIT_MS)
}

/// The offset from START of the function's last own output line.
pub fn last_output_ms(inv: &Invocation) -> Option<f64> {
    inv.custom_lines
        .last()
        .map(|l| (l.timestamp - inv.start) as f64)
}

/// One short line saying why this block failed, from the numbers the class
/// was decided on (the verdict's evidence carries the full story).
pub fn key_fact(failure: &Failure) -> String {
    let limit = f64::from(limit_of(failure));
    let Some(inv) = primary(failure) else {
        return unlinked_fact(failure);
    };
    match failure.verdict.class {
        Class::DownstreamStall => stall_fact(inv, limit),
        Class::FunctionError => error_fact(inv),
        Class::MisconfiguredTimeout => misconfigured_fact(inv, limit),
        Class::InitTimeout => init_timeout_fact(inv),
        Class::AccessDenied | Class::Throttled => connect_said(failure),
        _ => timing_fact(inv, limit),
    }
}

/// `init 2214 ms + handler 1381 ms > 3000 ms limit`, the comparison that
/// decides every timing class.
pub fn timing_fact(inv: &Invocation, limit: f64) -> String {
    let Some(duration) = inv.duration_ms else {
        return format!("end not logged; limit {}", format_ms(limit));
    };
    let cold = inv.cold_ms();
    let total = cold + duration;
    let op = if total > limit { ">" } else { "<=" };
    if cold > 0.0 {
        format!(
            "init {} + handler {} {op} {} limit",
            format_ms(cold),
            format_ms(duration),
            format_ms(limit)
        )
    } else {
        format!(
            "handler {} {op} {} limit",
            format_ms(duration),
            format_ms(limit)
        )
    }
}

/// The silence the stall rule measured: from the last line to when the
/// invocation ended or Connect stopped waiting, whichever came first.
fn stall_fact(inv: &Invocation, limit: f64) -> String {
    let gave_up = inv.arrival + limit as i64;
    let until = inv.end.map_or(gave_up, |end| end.min(gave_up));
    let last = inv.custom_lines.iter().rev().find(|l| l.timestamp <= until);
    let from = last.map_or(inv.start, |l| l.timestamp);
    let what = last
        .map(|l| format!(" after \"{}\"", truncate(&message_text(&l.text), 40)))
        .unwrap_or_else(|| " after START".to_string());
    format!("silent {}{what}", format_ms((until - from).max(0) as f64))
}

fn misconfigured_fact(inv: &Invocation, limit: f64) -> String {
    let x = inv
        .timed_out_after_s
        .or_else(|| inv.duration_ms.map(|d| d / 1000.0))
        .unwrap_or(0.0);
    format!(
        "function timeout {x:.2} s < block limit {:.2} s",
        limit / 1000.0
    )
}

fn init_timeout_fact(inv: &Invocation) -> String {
    let reported = inv
        .init_reports
        .iter()
        .find(|r| r.status.as_deref() == Some("timeout"));
    match reported {
        Some(r) => format!(
            "init timed out ({}, phase {})",
            r.duration_ms.map(format_ms).unwrap_or_else(|| "?".into()),
            r.phase.as_deref().unwrap_or("?")
        ),
        None => format!("init {} >= 10 s init limit", format_ms(inv.cold_ms())),
    }
}

fn error_fact(inv: &Invocation) -> String {
    let kind = match &inv.status {
        InvocationStatus::Error(Some(t)) => t.clone(),
        InvocationStatus::Timeout => "function timeout".to_string(),
        _ => "error".to_string(),
    };
    match inv.duration_ms {
        Some(d) => format!("{kind} after {}", format_ms(inv.cold_ms() + d)),
        None => kind,
    }
}

fn connect_said(failure: &Failure) -> String {
    match &failure.block.results {
        Some(text) => format!("Connect: \"{}\"", truncate(text, 90)),
        None => "no invocation linked".to_string(),
    }
}

fn unlinked_fact(failure: &Failure) -> String {
    match failure.verdict.class {
        Class::AccessDenied | Class::Throttled => connect_said(failure),
        _ => {
            let span = (failure.link.window_end - failure.link.window_start) as f64 / 1000.0;
            format!(
                "no invocation in {} ({span:.1} s window)",
                failure.link.searched_group
            )
        }
    }
}

/// Cut `text` to `max` characters, marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// Greedy word wrap to `width` columns; a word longer than the width stays
/// whole (URLs and ids must remain copyable).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = current.chars().count() + 1 + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn cold_start_fact_adds_init_and_handler() {
        let fact = key_fact(&fixtures::cold_start_failure());
        assert_eq!(fact, "init 2214 ms + handler 1381 ms > 3000 ms limit");
    }

    #[test]
    fn every_fixture_failure_has_a_fact() {
        for f in fixtures::scan().failures {
            assert!(!key_fact(&f).is_empty(), "{:?}", f.verdict.class);
        }
    }

    #[test]
    fn truncate_and_wrap() {
        assert_eq!(truncate("abcdef", 5), "ab...");
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(
            wrap("averyverylongword x", 5),
            vec!["averyverylongword", "x"]
        );
        assert!(wrap("", 5).is_empty());
    }
}
