//! The output layer: terminal tables, JSON / NDJSON, markdown, and the
//! `explain` timeline.
//!
//! Everything here is pure: it takes the result structs of a run and writes
//! to a `&mut dyn Write`. No terminal detection, no files, no clock, so the
//! same input always renders the same bytes (the snapshot tests rely on it).
//!
//! - `json`: the documented, versioned JSON schema (dedicated output
//!   structs, so internal model changes never leak into it).
//! - `summary`: per-function statistics (nearest-rank percentiles).
//! - `table`: the default `scan` rendering.
//! - `explain`: the `explain` timeline, with `bar` drawing one invocation
//!   against its block's limit.
//! - `markdown`: GitHub-flavoured markdown of `scan` and `explain`, for
//!   incident tickets and chat.

pub mod bar;
pub mod check;
pub mod check_alarms;
pub mod check_json;
pub mod check_markdown;
pub mod check_table;
pub mod columns;
pub mod escape;
pub mod explain;
pub mod inputs;
pub mod json;
pub mod live;
pub mod markdown;
pub mod style;
pub mod summary;
pub mod table;
pub mod text;
pub mod watch;

#[cfg(test)]
mod fixtures;

use crate::model::{ExplainResult, Millis, ScanResult};
use std::io::{self, Write};

/// The version of the JSON / NDJSON schema. Bumped only on breaking changes
/// (a key removed, renamed or retyped); new keys may appear within a version.
pub const SCHEMA_VERSION: u32 = 1;

/// The width prose is wrapped to when the output has none (stdout is not a
/// terminal): paragraphs stay readable in a file or a pager.
pub const PROSE_WIDTH: u16 = 120;

/// How a result is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Human-readable tables and text (the default).
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line: a failure (`scan`) or a block (`explain`).
    Ndjson,
    /// GitHub-flavoured markdown tables and lists (tickets, chat).
    Markdown,
}

/// Rendering options that only matter for `OutputFormat::Table` (JSON,
/// NDJSON and markdown ignore them: they are never cut, wrapped or
/// coloured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Fit rows to this many columns; `None` (stdout is not a terminal):
    /// never cut a value.
    pub width: Option<u16>,
    /// Each failure's evidence and whole fix under the triage screen.
    pub details: bool,
    /// Paint classes, headings and the fix (terminals only).
    pub color: bool,
}

impl RenderOptions {
    /// The width paragraphs are wrapped to.
    pub fn prose_width(&self) -> usize {
        usize::from(self.width.unwrap_or(PROSE_WIDTH))
    }
}

/// Render a `scan` result with the default options.
pub fn write_scan(
    out: &mut dyn Write,
    result: &ScanResult,
    format: OutputFormat,
) -> io::Result<()> {
    write_scan_with(out, result, format, &RenderOptions::default())
}

/// Render a `scan` result.
pub fn write_scan_with(
    out: &mut dyn Write,
    result: &ScanResult,
    format: OutputFormat,
    options: &RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Table => table::write_scan_table(out, result, options),
        OutputFormat::Json => json::write_scan_json(out, result),
        OutputFormat::Ndjson => json::write_scan_ndjson(out, result),
        OutputFormat::Markdown => markdown::write_scan_markdown(out, result),
    }
}

/// Render an `explain` result with the default options.
pub fn write_explain(
    out: &mut dyn Write,
    result: &ExplainResult,
    format: OutputFormat,
) -> io::Result<()> {
    write_explain_with(out, result, format, &RenderOptions::default())
}

/// Render an `explain` result. NDJSON writes one line per timeline block.
pub fn write_explain_with(
    out: &mut dyn Write,
    result: &ExplainResult,
    format: OutputFormat,
    options: &RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Table => explain::write_explain_text(out, result, options),
        OutputFormat::Json => json::write_explain_json(out, result),
        OutputFormat::Ndjson => json::write_explain_ndjson(out, result),
        OutputFormat::Markdown => markdown::write_explain_markdown(out, result),
    }
}

pub use crate::units::{format_ms, format_opt_ms, format_time};

/// The analysed period, for headers: both bounds, or what is known of them.
pub fn format_period(start: Option<Millis>, end: Option<Millis>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{} .. {}", format_time(s), format_time(e)),
        (Some(s), None) => format!("{} .. (end of data)", format_time(s)),
        (None, Some(e)) => format!("(start of data) .. {}", format_time(e)),
        (None, None) => "the whole input".to_string(),
    }
}

/// English plural for counts in sentences ("1 failure", "3 failures").
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_millis() {
        assert_eq!(format_time(1_795_860_908_100), "2026-11-28T10:15:08.100Z");
    }

    #[test]
    fn unrepresentable_time_does_not_fail() {
        assert!(format_time(i64::MAX).contains("ms since epoch"));
    }

    /// Lines longer than `width`, except a wrapped paragraph's line that is
    /// one word too long to break (ids and URLs stay whole), and the header
    /// above the first blank line (the period and the groups, unwrapped).
    fn too_wide(text: &str, width: usize) -> Vec<&str> {
        text.lines()
            .skip_while(|l| !l.is_empty())
            .filter(|l| l.chars().count() > width)
            .filter(|l| l.starts_with('|') || l.split_whitespace().count() > 2)
            .collect()
    }

    #[test]
    fn scan_and_explain_fit_the_width_asked_for() {
        for width in [80u16, 100, 120] {
            let options = RenderOptions {
                width: Some(width),
                details: true,
                ..RenderOptions::default()
            };
            let mut scan = Vec::new();
            write_scan_with(&mut scan, &fixtures::scan(), OutputFormat::Table, &options)
                .expect("rendered");
            let scan = String::from_utf8_lossy(&scan);
            assert_eq!(
                too_wide(&scan, usize::from(width)),
                Vec::<&str>::new(),
                "{width}:\n{scan}"
            );
            // explain keeps block and invocation lines whole (ids, times and
            // log text are copied from them); only the fix is wrapped.
            let mut explain = Vec::new();
            write_explain_with(
                &mut explain,
                &fixtures::explain(),
                OutputFormat::Table,
                &options,
            )
            .expect("rendered");
            let explain = String::from_utf8_lossy(&explain);
            let fix: Vec<&str> = explain
                .lines()
                .skip_while(|l| !l.trim_start().starts_with("fix:"))
                .take_while(|l| l.starts_with("      "))
                .collect();
            assert!(fix.len() > 1, "{explain}");
            assert!(
                fix.iter().all(|l| l.chars().count() <= usize::from(width)),
                "{fix:?}"
            );
        }
    }

    #[test]
    fn period_says_what_is_known() {
        assert_eq!(format_period(None, None), "the whole input");
        assert!(format_period(Some(0), None).ends_with("(end of data)"));
    }
}
