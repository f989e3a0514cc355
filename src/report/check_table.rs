//! `check`'s default rendering: what was checked, the counts, then the
//! findings grouped by severity, one line each, with the action said once
//! per kind and function (under its first finding); then what could not
//! be checked and what was read. `--details` adds each finding's facts and
//! whole fix.

use super::check::{
    blocks_text, counts_line, facts_line, fix_group, no_findings_text, scope_lines,
    severity_heading, severity_style, FixGroup,
};
use super::columns::{self, Cell, Column, Layout};
use super::inputs::inputs_line;
use super::style::{paint, DIM, FIX, HEADING};
use super::text::wrap;
use super::RenderOptions;
use crate::model::{CheckResult, Finding};
use std::collections::HashSet;
use std::io::{self, Write};

pub fn write_check_table(
    out: &mut dyn Write,
    result: &CheckResult,
    options: &RenderOptions,
) -> io::Result<()> {
    for line in scope_lines(result) {
        writeln!(out, "{}", fitted(&line, options))?;
    }
    if result.findings.is_empty() {
        write_wrapped(out, "", &no_findings_text(result), options)?;
    } else {
        let counts = counts_line(result);
        writeln!(out, "{}", paint(&counts, HEADING, options.color))?;
        writeln!(out)?;
        write_findings(out, result, options)?;
        if options.details {
            for (i, finding) in result.findings.iter().enumerate() {
                writeln!(out)?;
                write_details(out, i + 1, finding, options)?;
            }
        }
    }
    write_not_checked(out, result, options)?;
    writeln!(out)?;
    write_wrapped(out, "", &inputs_line(&result.inputs), options)?;
    if !options.details && !result.findings.is_empty() {
        let hint = "Facts and the whole fix of each finding: --details, or --output json.";
        writeln!(out, "{}", paint(&fitted(hint, options), DIM, options.color))?;
    }
    Ok(())
}

/// `text` cut to the width, when there is one.
fn fitted(text: &str, options: &RenderOptions) -> String {
    match options.width {
        Some(w) => columns::cut(text, usize::from(w)),
        None => text.to_string(),
    }
}

/// One table for every finding (so the columns line up across the
/// groups), a heading before each severity.
fn write_findings(
    out: &mut dyn Write,
    result: &CheckResult,
    options: &RenderOptions,
) -> io::Result<()> {
    // Where it is gives way first, then the function, then the key fact:
    // the kind is never cut.
    let columns = [
        Column::whole("KIND"),
        Column::shrink("FLOW: BLOCKS", 8, 36),
        Column::shrink("FUNCTION", 10, 24),
        Column::shrink("KEY FACT", 20, 80),
    ];
    let rows: Vec<Vec<Cell>> = result.findings.iter().map(row).collect();
    let layout = Layout {
        width: options.width.map(usize::from),
        indent: 2,
        gap: 2,
        color: options.color,
    };
    let mut lines = columns::render(&columns, &rows, layout).into_iter();
    let header = lines.next().unwrap_or_default();
    let mut said: HashSet<FixGroup<'_>> = HashSet::new();
    let mut current = None;
    for (line, finding) in lines.zip(&result.findings) {
        if current != Some(finding.severity) {
            if current.is_some() {
                writeln!(out)?;
            }
            current = Some(finding.severity);
            let count = result
                .findings
                .iter()
                .filter(|f| f.severity == finding.severity)
                .count();
            let heading = format!("{} ({count})", severity_heading(finding.severity));
            let style = severity_style(finding.severity).bold();
            writeln!(out, "{}", paint(&heading, style, options.color))?;
            writeln!(out, "{header}")?;
        }
        writeln!(out, "{line}")?;
        if said.insert(fix_group(finding)) {
            let action = fitted(&format!("    -> {}", finding.action), options);
            writeln!(out, "{}", paint(&action, FIX, options.color))?;
        }
    }
    Ok(())
}

fn row(finding: &Finding) -> Vec<Cell> {
    vec![
        Cell::styled(finding.kind.as_str(), severity_style(finding.severity)),
        Cell::plain(format!(
            "{}: {}",
            finding.flow.as_deref().unwrap_or("?"),
            blocks_text(finding)
        )),
        Cell::plain(finding.function.as_deref().unwrap_or("-")),
        Cell::plain(finding.key_fact.clone()),
    ]
}

/// `--details`: the finding's headline, its facts and its whole fix.
fn write_details(
    out: &mut dyn Write,
    n: usize,
    finding: &Finding,
    options: &RenderOptions,
) -> io::Result<()> {
    let headline = format!(
        "[{n}] {} {}: flow {}, function {}, blocks {}",
        finding.severity,
        finding.kind,
        finding.flow.as_deref().unwrap_or("-"),
        finding.function.as_deref().unwrap_or("-"),
        blocks_text(finding)
    );
    write_wrapped(out, "", &headline, options)?;
    write_wrapped(out, "    facts: ", &facts_line(finding), options)?;
    write_wrapped(out, "    fix: ", &finding.fix, options)
}

fn write_not_checked(
    out: &mut dyn Write,
    result: &CheckResult,
    options: &RenderOptions,
) -> io::Result<()> {
    if result.scope.not_checked.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", paint("Not checked", HEADING, options.color))?;
    for note in &result.scope.not_checked {
        write_wrapped(out, "  - ", note, options)?;
    }
    Ok(())
}

/// `prefix` then `text` wrapped to the prose width, continuation lines
/// indented under the text.
fn write_wrapped(
    out: &mut dyn Write,
    prefix: &str,
    text: &str,
    options: &RenderOptions,
) -> io::Result<()> {
    let indent = " ".repeat(prefix.chars().count());
    let room = options.prose_width().saturating_sub(indent.len()).max(20);
    for (i, line) in wrap(text, room).iter().enumerate() {
        let lead = if i == 0 { prefix } else { indent.as_str() };
        writeln!(out, "{lead}{line}")?;
    }
    Ok(())
}
