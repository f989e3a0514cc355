//! The default `scan` rendering: a header, a per-function summary, one row
//! per failure, a short paragraph per failure, and what was read.
//!
//! Tables use comfy-table's `ASCII_MARKDOWN` preset (plain ASCII, pastes
//! into tickets and chat as a Markdown table) at a fixed width, never the
//! terminal's, so the output is deterministic.

use super::inputs::inputs_line;
use super::summary::{self, function_of};
use super::text::{truncate, wrap};
use super::{format_ms, format_period, format_time, plural};
use crate::model::{Failure, ScanResult};
use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use std::io::{self, Write};

/// Evidence lines shown per failure; the JSON output carries all of them.
const MAX_EVIDENCE: usize = 4;

/// Characters of a key fact shown in the table (a long `Results` text or
/// log message is cut; the paragraph and `explain` show it whole).
const KEY_FACT_CHARS: usize = 100;

pub fn write_scan_table(out: &mut dyn Write, result: &ScanResult, width: u16) -> io::Result<()> {
    if result.failures.is_empty() {
        return write_no_findings(out, result);
    }
    write_header(out, result)?;
    writeln!(out)?;
    writeln!(out, "{}", summary_table(result, width))?;
    writeln!(out)?;
    writeln!(out, "{}", failure_table(&result.failures, width))?;
    for (i, failure) in result.failures.iter().enumerate() {
        writeln!(out)?;
        write_paragraph(out, i + 1, failure, usize::from(width))?;
    }
    writeln!(out)?;
    write_wrapped(out, "", &inputs_line(&result.inputs), usize::from(width))
}

/// A table with the settings every table of the report shares.
pub fn new_table(width: u16) -> Table {
    let mut table = Table::new();
    table
        .load_preset(ASCII_MARKDOWN)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    table
}

fn write_header(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let scope = &result.scope;
    writeln!(
        out,
        "Connect log group {}, {} (UTC)",
        scope.connect_group,
        format_period(scope.start, scope.end)
    )?;
    writeln!(
        out,
        "Lambda log groups: {}",
        lambda_groups(&result.scope.lambda_groups)
    )?;
    writeln!(
        out,
        "{} in {} across {}",
        plural(result.failures.len() as u64, "failure", "failures"),
        plural(result.lambda_blocks, "Lambda block", "Lambda blocks"),
        plural(result.contacts, "contact", "contacts"),
    )
}

fn lambda_groups(groups: &[String]) -> String {
    if groups.is_empty() {
        "(none)".to_string()
    } else {
        groups.join(", ")
    }
}

fn write_no_findings(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let scope = &result.scope;
    writeln!(
        out,
        "No failed Lambda blocks in {} (UTC): {} across {} in {}.",
        format_period(scope.start, scope.end),
        plural(result.lambda_blocks, "Lambda block", "Lambda blocks"),
        plural(result.contacts, "contact", "contacts"),
        scope.connect_group,
    )?;
    writeln!(out, "{}", inputs_line(&result.inputs))
}

fn summary_table(result: &ScanResult, width: u16) -> Table {
    let mut table = new_table(width);
    table.set_header(vec![
        "Function",
        "Class",
        "Count",
        "p50 duration",
        "p95 duration",
        "p50 init",
        "p95 init",
    ]);
    for row in summary::by_function(&result.failures) {
        table.add_row(vec![
            row.function,
            row.class.to_string(),
            row.count.to_string(),
            stat(row.duration_p50_ms),
            stat(row.duration_p95_ms),
            stat(row.init_p50_ms),
            stat(row.init_p95_ms),
        ]);
    }
    table
}

/// A percentile, or `-` when there was nothing to measure (no linked
/// invocation, or no cold one for init).
fn stat(ms: Option<f64>) -> String {
    ms.map(format_ms).unwrap_or_else(|| "-".to_string())
}

/// Cells stack related facts (time over contact over flow, function over
/// limit, class over confidence) so all of them fit in 120 columns without
/// splitting a contact id, which people copy into `explain`.
fn failure_table(failures: &[Failure], width: u16) -> Table {
    let mut table = new_table(width);
    table.set_header(vec![
        "#",
        "Time / contact / flow: block",
        "Function",
        "Class",
        "Request id",
        "Key fact",
    ]);
    for (i, f) in failures.iter().enumerate() {
        table.add_row(vec![
            (i + 1).to_string(),
            where_cell(f),
            function_cell(f),
            format!("{}\n{}", f.verdict.class, f.link.confidence),
            request_cell(f),
            truncate(&f.verdict.key_fact, KEY_FACT_CHARS),
        ]);
    }
    // A UUID is 36 characters (38 with padding): never let the layout split one.
    let uuid = ColumnConstraint::LowerBoundary(Width::Fixed(38));
    if let Some(column) = table.column_mut(1) {
        column.set_constraint(uuid);
    }
    table
}

/// The function over its limit; a limit the entry did not log is Connect's
/// maximum, assumed, and the reader should know it.
fn function_cell(f: &Failure) -> String {
    let m = &f.verdict.measurements;
    let note = if m.limit_assumed { " (default)" } else { "" };
    format!("{}\nlimit {} ms{note}", function_of(f), m.limit_ms)
}

fn flow_block(f: &Failure) -> String {
    format!(
        "{}: {}",
        f.block.contact_flow_name.as_deref().unwrap_or("?"),
        f.block.identifier.as_deref().unwrap_or("?")
    )
}

fn where_cell(f: &Failure) -> String {
    format!(
        "{}\n{}\n{}",
        format_time(f.block.timestamp),
        f.block.contact_id,
        flow_block(f)
    )
}

/// The request id's first block of hex (enough to find it with a search in
/// the console; the paragraph below lists them in full), and the retries.
fn request_cell(f: &Failure) -> String {
    let invocations = &f.link.invocations;
    let Some(first) = invocations.first() else {
        return "-".to_string();
    };
    let short = first
        .request_id
        .split('-')
        .next()
        .unwrap_or(&first.request_id);
    match invocations.len() - 1 {
        0 => short.to_string(),
        1 => format!("{short}\n+1 retry"),
        n => format!("{short}\n+{n} retries"),
    }
}

fn write_paragraph(out: &mut dyn Write, n: usize, f: &Failure, width: usize) -> io::Result<()> {
    let contributing = if f.verdict.contributing.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = f.verdict.contributing.iter().map(|c| c.as_str()).collect();
        format!("; also {}", names.join(", "))
    };
    let headline = format!(
        "{} ({}{contributing}): contact {}, {}",
        f.verdict.class,
        f.link.confidence,
        f.block.contact_id,
        flow_block(f)
    );
    write_wrapped(out, &format!("[{n}] "), &headline, width)?;
    let ids: Vec<&str> = f
        .link
        .invocations
        .iter()
        .map(|i| i.request_id.as_str())
        .collect();
    if !ids.is_empty() {
        write_wrapped(out, "    request ids: ", &ids.join(", "), width)?;
    }
    write_evidence(out, f, width)?;
    write_wrapped(out, "    fix: ", &f.verdict.fix, width)
}

fn write_evidence(out: &mut dyn Write, f: &Failure, width: usize) -> io::Result<()> {
    let evidence = &f.verdict.evidence;
    for e in evidence.iter().take(MAX_EVIDENCE) {
        let text = match e.timestamp {
            Some(t) => format!("{}  {}", format_time(t), e.text),
            None => e.text.clone(),
        };
        write_wrapped(out, "    - ", &text, width)?;
    }
    if evidence.len() > MAX_EVIDENCE {
        let more = (evidence.len() - MAX_EVIDENCE) as u64;
        writeln!(
            out,
            "    - and {} (see --output json)",
            plural(more, "more", "more")
        )?;
    }
    Ok(())
}

/// `prefix` then `text` wrapped to `width`, continuation lines indented
/// under the text.
fn write_wrapped(out: &mut dyn Write, prefix: &str, text: &str, width: usize) -> io::Result<()> {
    let indent = " ".repeat(prefix.chars().count());
    let room = width.saturating_sub(indent.len()).max(20);
    for (i, line) in wrap(text, room).iter().enumerate() {
        let lead = if i == 0 { prefix } else { indent.as_str() };
        writeln!(out, "{lead}{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn render(result: &ScanResult) -> String {
        let mut out = Vec::new();
        let written = write_scan_table(&mut out, result, 120);
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn scan_table_snapshot() {
        insta::assert_snapshot!(render(&fixtures::scan()));
    }

    #[test]
    fn table_carries_the_key_facts() {
        let text = render(&fixtures::scan());
        for needle in [
            "5 failures in 412 Lambda blocks across 187 contacts",
            "5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab",
            "init 2214 ms + handler",
            "1381 ms > 3000 ms limit",
            "+2 retries",
            "(default)",
            "d3f40516-2c3d-4e4f-9051-627384950617",
            "fix: Raise the function's reserved concurrency",
            "3 lines skipped (not JSON: 3); 12 duplicate Connect entries dropped.",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    }

    /// The table renders what the verdict decided; it never reads the
    /// invocation again to say it another way.
    #[test]
    fn key_fact_and_limit_come_from_the_verdict() {
        let mut scan = fixtures::scan();
        let verdict = &mut scan.failures[0].verdict;
        verdict.key_fact = "verdict-says-so".into();
        verdict.measurements.limit_ms = 4321;
        verdict.measurements.limit_assumed = true;
        let text = render(&scan);
        assert!(text.contains("verdict-says-so"), "{text}");
        let row: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("| 1 "))
            .take(3)
            .collect();
        assert!(row[1].contains("| limit 4321 ms |"), "{text}");
        assert!(row[2].contains("| (default)     |"), "{text}");
    }

    #[test]
    fn more_evidence_than_fits_is_counted() {
        let mut scan = fixtures::scan();
        let extra = scan.failures[0].verdict.evidence.clone();
        scan.failures[0].verdict.evidence.extend(extra);
        assert!(render(&scan).contains("- and 2 more (see --output json)"));
    }

    #[test]
    fn no_findings_snapshot() {
        insta::assert_snapshot!(render(&fixtures::empty_scan()));
    }
}
