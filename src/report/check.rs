//! `check`'s renderings: the entry point, and what the table, the markdown
//! and the JSON say alike (the counts line, the scope line, a fact's text,
//! each severity's colour, the fixes said once per kind and function).
//!
//! - `check_table`: the default, grouped by severity;
//! - `check_json`: the JSON document and NDJSON (one finding per line);
//! - `check_markdown`: GitHub-flavoured markdown for tickets;
//! - `check_alarms`: `--emit-alarms`, a CloudFormation template or
//!   `aws cloudwatch put-metric-alarm` commands.

use super::{check_json, check_markdown, check_table, format_period, plural};
use super::{OutputFormat, RenderOptions};
use crate::model::{CheckResult, FactValue, Finding, Kind, Severity};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

/// Render a `check` result.
pub fn write_check_with(
    out: &mut dyn Write,
    result: &CheckResult,
    format: OutputFormat,
    options: &RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Table => check_table::write_check_table(out, result, options),
        OutputFormat::Json => check_json::write_check_json(out, result),
        OutputFormat::Ndjson => check_json::write_check_ndjson(out, result),
        OutputFormat::Markdown => check_markdown::write_check_markdown(out, result),
    }
}

/// Red for what breaks now, yellow for what will, dim for hygiene.
pub fn severity_style(severity: Severity) -> Style {
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    match severity {
        Severity::High => fg(AnsiColor::Red).bold(),
        Severity::Medium => fg(AnsiColor::Yellow),
        Severity::Low => fg(AnsiColor::Cyan),
    }
}

/// `High`, `Medium`, `Low`: a group's heading.
pub fn severity_heading(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

/// `6 findings: 2 high, 3 medium, 1 low`.
pub fn counts_line(result: &CheckResult) -> String {
    let count = |s: Severity| result.findings.iter().filter(|f| f.severity == s).count();
    let by: Vec<String> = Severity::all_descending()
        .iter()
        .map(|&s| format!("{} {s}", count(s)))
        .collect();
    format!(
        "{}: {}",
        plural(result.findings.len() as u64, "finding", "findings"),
        by.join(", ")
    )
}

/// What was checked: the flows, their blocks and functions; the logs.
pub fn scope_lines(result: &CheckResult) -> Vec<String> {
    let s = &result.scope;
    let configurations = plural(
        s.function_configurations,
        "configuration read",
        "configurations read",
    );
    let flows = if s.flows == 0 {
        format!("No flows in the input ({configurations})")
    } else {
        format!(
            "{} with {} calling {} ({configurations})",
            plural(s.flows, "flow", "flows"),
            plural(s.lambda_blocks, "Lambda block", "Lambda blocks"),
            plural(s.functions, "function", "functions"),
        )
    };
    let mut lines = vec![flows];
    if let Some(group) = &s.connect_group {
        lines.push(format!(
            "Flow logs {group}, {} (UTC): {}",
            format_period(s.start, s.end),
            plural(s.logged_lambda_blocks, "Lambda block", "Lambda blocks")
        ));
    }
    lines
}

/// A fact's value as text: `3000`, `true`, `a, b`, `-` for null.
pub fn fact_text(value: &FactValue) -> String {
    match value {
        FactValue::Int(n) => n.to_string(),
        FactValue::Number(x) => x.to_string(),
        FactValue::Bool(b) => b.to_string(),
        FactValue::Text(t) => t.clone(),
        FactValue::Names(names) => names.join(", "),
        FactValue::Ints(ns) => ns.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
        FactValue::Null => "-".into(),
    }
}

/// Every fact of a finding on one line: `name: value; ...`.
pub fn facts_line(finding: &Finding) -> String {
    finding
        .facts
        .iter()
        .map(|f| format!("{}: {}", f.name, fact_text(&f.value)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The blocks of a finding as one cell.
pub fn blocks_text(finding: &Finding) -> String {
    match finding.blocks.len() {
        0 => "-".into(),
        _ => finding.blocks.join(", "),
    }
}

/// A finding's group for its fix: its kind and function.
pub type FixGroup<'a> = (Kind, Option<&'a str>);

pub fn fix_group(finding: &Finding) -> FixGroup<'_> {
    (finding.kind, finding.function.as_deref())
}

/// The groups of kind and function, in report order, each with the
/// distinct fixes of its findings (most often one).
pub fn fixes_by_group(findings: &[Finding]) -> Vec<(FixGroup<'_>, Vec<&str>)> {
    let mut groups: Vec<(FixGroup<'_>, Vec<&str>)> = Vec::new();
    for finding in findings {
        let key = fix_group(finding);
        let at = match groups.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                groups.push((key, Vec::new()));
                groups.len() - 1
            }
        };
        let fixes = &mut groups[at].1;
        if !fixes.contains(&finding.fix.as_str()) {
            fixes.push(&finding.fix);
        }
    }
    groups
}

/// Said when there is nothing to report: what was checked, so that no
/// finding over no data never reads as good news.
pub fn no_findings_text(result: &CheckResult) -> String {
    let s = &result.scope;
    let logs = match &s.connect_group {
        Some(group) => format!(
            " and {} logged in {group}",
            plural(s.logged_lambda_blocks, "Lambda block", "Lambda blocks")
        ),
        None => String::new(),
    };
    format!(
        "No findings in {} ({}){logs}.",
        plural(s.flows, "flow", "flows"),
        plural(s.lambda_blocks, "Lambda block", "Lambda blocks"),
    )
}
