//! What `watch` prints: a line per new or updated failure (stdout), the
//! status line with the recent counts (stderr), and the session's summary
//! at Ctrl-C. Lines, not screens: each tick appends, so the history stays
//! in the terminal's scrollback and in a pipe.

use super::columns;
use super::json::failure_out;
use super::style::{class_style, paint, DIM, FIX};
use super::table::{flow_block_short, request_cell, short_id};
use super::{format_time, plural, RenderOptions};
use crate::model::{Class, LiveRun, Millis};
use crate::units::human_bytes;
use crate::watch::{Seen, WatchState};
use serde::Serialize;
use std::io::{self, Write};

/// How each failure is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchFormat {
    /// A line per failure and its action, for a terminal.
    Table,
    /// `scan`'s NDJSON failure object per line, with a `watch` key.
    Ndjson,
}

/// The counts the status line gives: the last 5 and 15 minutes.
pub const RECENT_SPANS_MS: [Millis; 2] = [5 * 60_000, 15 * 60_000];

/// The failures a tick has to say.
pub fn write_seen(
    out: &mut dyn Write,
    seen: &[Seen],
    format: WatchFormat,
    options: &RenderOptions,
) -> io::Result<()> {
    for s in seen {
        match format {
            WatchFormat::Table => write_seen_line(out, s, options)?,
            WatchFormat::Ndjson => {
                serde_json::to_writer(&mut *out, &seen_out(s))?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

/// `watch`'s NDJSON line: the failure as `scan` writes it, and whether it
/// is new or updates one printed before (`was`: its class then).
#[derive(Debug, Serialize)]
pub struct SeenOut {
    #[serde(flatten)]
    pub failure: super::json::FailureOut,
    pub watch: WatchEventOut,
}

#[derive(Debug, Serialize)]
pub struct WatchEventOut {
    /// `new` or `update`.
    pub event: &'static str,
    /// An update: the class printed before.
    pub was: Option<&'static str>,
}

pub fn seen_out(seen: &Seen) -> SeenOut {
    let (failure, event, was) = match seen {
        Seen::New(f) => (f, "new", None),
        Seen::Updated { was, failure } => (failure, "update", Some(was.as_str())),
    };
    SeenOut {
        failure: failure_out(failure),
        watch: WatchEventOut { event, was },
    }
}

/// The widest class name: the class column lines up from tick to tick.
fn class_width() -> usize {
    Class::all()
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0)
}

/// `10:02:15 new    3f1c0a2e cold_start  inbound: Get customer 5d1e...
/// key fact`, then the action. An update names the class it replaces.
fn write_seen_line(out: &mut dyn Write, seen: &Seen, options: &RenderOptions) -> io::Result<()> {
    let (failure, tag, was) = match seen {
        Seen::New(f) => (f, "new", None),
        Seen::Updated { was, failure } => (failure, "update", Some(*was)),
    };
    let class = failure.verdict.class;
    let class_text = format!("{:<width$}", class.as_str(), width = class_width());
    let class_cell = paint(&class_text, class_style(class), options.color);
    let was_text = was.map_or(String::new(), |w| format!("(was {w}) "));
    let line = format!(
        "{} {tag:<6} {} {class_cell} {was_text}{} {} {}",
        time_of_day(failure.block.timestamp),
        short_id(&failure.block.contact_id),
        flow_block_short(failure),
        request_cell(failure),
        failure.verdict.key_fact,
    );
    writeln!(out, "{}", fit(&line, options))?;
    let action = fit(&format!("    -> {}", failure.verdict.action), options);
    writeln!(out, "{}", paint(&action, FIX, options.color))
}

/// Cut to the width (terminals); colour codes do not count.
fn fit(line: &str, options: &RenderOptions) -> String {
    match options.width {
        Some(w) => columns::cut(line, usize::from(w)),
        None => line.to_string(),
    }
}

/// `10:02:15`: watch runs for minutes, the day goes without saying.
fn time_of_day(t: Millis) -> String {
    let time = format_time(t);
    time.get(11..19).unwrap_or(&time).to_string()
}

/// The status line: the time, the counts per class for the last 5 and 15
/// minutes, the last failure and what the queries cost so far.
pub fn status_line(state: &WatchState, now: Millis, live: &LiveRun) -> String {
    let spans: Vec<String> = RECENT_SPANS_MS
        .iter()
        .enumerate()
        .map(|(i, &span)| {
            let label = if i == 0 { "last " } else { "" };
            format!(
                "{label}{} min: {}",
                span / 60_000,
                counts_text(&state.counts(now, span))
            )
        })
        .collect();
    let last = match state.last_failure() {
        Some(t) => format!("last {} ({} ago)", time_of_day(t), ago(now - t)),
        None => "no failure yet".to_string(),
    };
    format!(
        "{} | {} | {last} | {}",
        time_of_day(now),
        spans.join(" | "),
        cost_text(live)
    )
}

/// `2 cold_start, 1 downstream_stall`, or `none`.
fn counts_text(counts: &[(Class, u64)]) -> String {
    if counts.is_empty() {
        return "none".to_string();
    }
    let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
    parts.join(", ")
}

/// `45s`, `3m05s`, `2h10m`.
fn ago(ms: Millis) -> String {
    let s = ms.max(0) / 1_000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3_599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3_600, (s % 3_600) / 60),
    }
}

/// `12 queries, 3.1 MB, $0.0000`.
fn cost_text(live: &LiveRun) -> String {
    format!(
        "{}, {}, ${:.4}",
        plural(live.queries, "query", "queries"),
        human_bytes(live.bytes_scanned),
        live.estimated_cost_usd
    )
}

/// The first lines on stderr: what is watched, how, and how to stop.
pub fn banner(group: &str, interval: Millis, lag: Millis) -> String {
    format!(
        "watching {group} every {}, each look overlapping the last by {} (ingestion lag); Ctrl-C stops",
        duration_text(interval),
        duration_text(lag)
    )
}

/// `30s`, `3m`, `1m30s`.
fn duration_text(ms: Millis) -> String {
    let s = ms / 1_000;
    match (s / 60, s % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s:02}s"),
    }
}

/// At Ctrl-C: how long, how many failures of which class, the last one,
/// and what the queries cost.
pub fn session_summary(
    state: &WatchState,
    started: Millis,
    now: Millis,
    ticks: u64,
    live: &LiveRun,
) -> Vec<String> {
    let all = state.totals();
    let mut lines = vec![format!(
        "watched for {} ({}): {} shown{}",
        ago(now - started),
        plural(ticks, "look", "looks"),
        plural(state.total() as u64, "failure", "failures"),
        if all.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts_text(&all))
        }
    )];
    if let Some(t) = state.last_failure() {
        lines.push(format!(
            "last failure at {} ({} before the end of the watch)",
            format_time(t),
            ago(now - t)
        ));
    }
    lines.push(format!(
        "Logs Insights: {}, {} scanned (about ${:.4})",
        plural(live.queries, "query", "queries"),
        human_bytes(live.bytes_scanned),
        live.estimated_cost_usd
    ));
    lines
}

/// The status line, dimmed when painted.
pub fn painted_status(text: &str, width: Option<u16>, color: bool) -> String {
    let text = match width {
        Some(w) => columns::cut(text, usize::from(w)),
        None => text.to_string(),
    };
    paint(&text, DIM, color)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Failure;
    use crate::testkit::*;

    fn failure(contact: &str, at: Millis, class: Class, fact: &str) -> Failure {
        failure_as(contact, at, class, fact)
    }

    fn plain() -> RenderOptions {
        RenderOptions {
            width: None,
            details: false,
            color: false,
        }
    }

    fn lines(seen: &[Seen], format: WatchFormat) -> Vec<String> {
        let mut out = Vec::new();
        write_seen(&mut out, seen, format, &plain()).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_new_failure_is_a_line_and_its_action_an_update_names_the_old_class() {
        let f = failure(
            "3f1c0a2e-0000-4000-8000-000000000001",
            T0,
            Class::Unlinked,
            "no invocation",
        );
        let g = failure(
            "3f1c0a2e-0000-4000-8000-000000000001",
            T0,
            Class::DownstreamStall,
            "silent 7853 ms after START",
        );
        let seen = [
            Seen::New(f),
            Seen::Updated {
                was: Class::Unlinked,
                failure: g,
            },
        ];
        let text = lines(&seen, WatchFormat::Table);
        assert_eq!(text.len(), 4);
        assert!(text[0].starts_with("10:00:00 new    3f1c0a2e unlinked "));
        assert!(text[0].ends_with(" no invocation"), "{}", text[0]);
        assert_eq!(text[1], "    -> raise the timeout");
        assert!(text[2].starts_with("10:00:00 update 3f1c0a2e downstream_stall "));
        assert!(text[2].contains("(was unlinked) "), "{}", text[2]);
        // The class column lines up whatever the class.
        let flow_at = |l: &str| l.find("Main IVR").unwrap();
        assert_eq!(
            flow_at(&text[0]),
            flow_at(&text[2]) - "(was unlinked) ".len()
        );
    }

    #[test]
    fn ndjson_lines_are_scan_failures_with_the_event() {
        let f = failure("c1", T0, Class::ColdStart, "init");
        let seen = [
            Seen::New(f.clone()),
            Seen::Updated {
                was: Class::Unlinked,
                failure: f,
            },
        ];
        let text = lines(&seen, WatchFormat::Ndjson);
        let first: serde_json::Value = serde_json::from_str(&text[0]).unwrap();
        let second: serde_json::Value = serde_json::from_str(&text[1]).unwrap();
        assert_eq!(first["contact_id"], "c1");
        assert_eq!(first["class"], "cold_start");
        assert_eq!(first["watch"]["event"], "new");
        assert_eq!(first["watch"]["was"], serde_json::Value::Null);
        assert_eq!(second["watch"]["event"], "update");
        assert_eq!(second["watch"]["was"], "unlinked");
    }

    #[test]
    fn the_status_line_counts_recent_failures_by_class_and_says_the_last() {
        let mut state = WatchState::default();
        state.take(vec![
            failure("a", T0, Class::ColdStart, "x"),
            failure("b", T0 + 600_000, Class::ColdStart, "x"),
            failure("c", T0 + 700_000, Class::DownstreamStall, "x"),
        ]);
        let live = LiveRun {
            queries: 6,
            window_splits: 0,
            rows: 10,
            bytes_scanned: 2_500_000.0,
            estimated_cost_usd: 0.0000125,
            functions: vec![],
        };
        let now = T0 + 720_000;
        assert_eq!(
            status_line(&state, now, &live),
            "10:12:00 | last 5 min: 1 cold_start, 1 downstream_stall | 15 min: 2 cold_start, 1 downstream_stall | last 10:11:40 (20s ago) | 6 queries, 2.5 MB, $0.0000"
        );
        let quiet = WatchState::default();
        assert!(status_line(&quiet, now, &live)
            .contains("last 5 min: none | 15 min: none | no failure yet"));
        let summary = session_summary(&state, T0 - 60_000, now, 25, &live);
        assert_eq!(
            summary[0],
            "watched for 13m00s (25 looks): 3 failures shown (2 cold_start, 1 downstream_stall)"
        );
        assert_eq!(
            summary[1],
            "last failure at 2026-11-28T10:11:40.000Z (20s before the end of the watch)"
        );
    }

    #[test]
    fn durations_read_as_typed() {
        assert_eq!(duration_text(30_000), "30s");
        assert_eq!(duration_text(180_000), "3m");
        assert_eq!(duration_text(90_000), "1m30s");
        assert_eq!(ago(3_725_000), "1h02m");
    }
}
