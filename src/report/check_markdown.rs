//! `check --output markdown`: for a ticket or a pull request. What was
//! checked, the counts, one table row per finding, then what to do once
//! per kind and function (each distinct fix), what could not be checked and
//! what was read. Every value goes through `markdown::cell` or `prose`, so
//! flow names and log text stay inside their cell and open no block.

use super::check::{
    blocks_text, counts_line, facts_line, fixes_by_group, no_findings_text, scope_lines,
};
use super::inputs::inputs_line;
use super::markdown::{cell, prose};
use crate::model::{CheckResult, Finding};
use std::io::{self, Write};

pub fn write_check_markdown(out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
    writeln!(out, "## Timeout budgets (connect-timeouts check)\n")?;
    for line in scope_lines(result) {
        writeln!(out, "{}  ", prose(&line))?;
    }
    writeln!(out)?;
    if result.findings.is_empty() {
        writeln!(out, "{}\n", prose(&no_findings_text(result)))?;
    } else {
        writeln!(out, "**{}**\n", cell(&counts_line(result)))?;
        write_findings(out, &result.findings)?;
        write_fixes(out, &result.findings)?;
    }
    if !result.scope.not_checked.is_empty() {
        writeln!(out, "### Not checked\n")?;
        for note in &result.scope.not_checked {
            writeln!(out, "- {}", prose(note))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", prose(&inputs_line(&result.inputs)))
}

const HEADERS: [&str; 7] = [
    "Severity", "Kind", "Flow", "Function", "Blocks", "Key fact", "Facts",
];

fn write_findings(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    writeln!(out, "### Findings\n")?;
    writeln!(out, "| {} |", HEADERS.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(HEADERS.len()))?;
    for f in findings {
        let cells = [
            f.severity.as_str().to_string(),
            f.kind.as_str().to_string(),
            f.flow.clone().unwrap_or_else(|| "-".into()),
            f.function.clone().unwrap_or_else(|| "-".into()),
            blocks_text(f),
            f.key_fact.clone(),
            facts_line(f),
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)
}

/// Each kind and function once, with each distinct fix of its findings.
fn write_fixes(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    writeln!(out, "### What to do\n")?;
    for ((kind, function), fixes) in fixes_by_group(findings) {
        let title = match function {
            Some(f) => format!("{kind}: {f}"),
            None => kind.to_string(),
        };
        writeln!(out, "#### {}\n", cell(&title).replace('#', "\\#"))?;
        for fix in fixes {
            writeln!(out, "- {}", prose(fix))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
