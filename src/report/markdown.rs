//! `--output markdown`: GitHub-flavoured markdown for incident tickets and
//! chat. `scan` gives what to do per function and class, each group's fix
//! and evidence, and one table row per failure; `explain` gives the
//! contact's timeline and, per Lambda block, its invocations and verdict.
//!
//! Nothing is cut: values are whole, as in JSON. Log text is pasted into
//! someone else's document, so every value goes through `cell` or `prose`:
//! it stays on its line, inside its table cell, and cannot open a code
//! span, a link, an image, an HTML tag, math or a block of its own.

use super::columns::display_width;
use super::escape::for_terminal;
use super::inputs::inputs_line;
use super::json::{first_timestamp, status_parts};
use super::summary::{self, no_findings_text, FunctionStats};
use super::{format_ms, format_opt_ms, format_period, format_time, plural};
use crate::model::{
    ExplainResult, Failure, FlowEntry, Invocation, LambdaBlock, Link, LogLine, Millis, ScanResult,
    TimelineBlock, Verdict,
};
use std::io::{self, Write};

// ---------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------

/// Text for a table cell, or for the middle of a line: one line, trimmed,
/// and escaped so that it ends no cell and opens no inline construct.
pub fn cell(text: &str) -> String {
    escape_inline(&one_line(text))
}

/// Text that begins a line or a list item: as `cell`, and its first
/// character opens no block (heading, quote, list, rule, fence).
pub fn prose(text: &str) -> String {
    guard_block_start(cell(text))
}

/// Text for a heading: as `cell`, and no `#` that would close it early.
fn heading(text: &str) -> String {
    cell(text).replace('#', "\\#")
}

/// Line breaks become spaces (a break would end the table row), and other
/// control characters visible escapes: the shell already escaped the
/// result's texts, but ids and names it does not filter come from the logs
/// too, and this renderer must be safe on its own.
fn one_line(text: &str) -> String {
    let spaced = text.replace("\r\n", " ").replace(['\r', '\n'], " ");
    for_terminal(&spaced).trim().to_string()
}

fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if needs_backslash(c, chars.peek().copied()) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The characters that change a document's structure, not only its look
/// (`*` and `_` only change emphasis, and escaping them would break the
/// URLs GitHub links, so they stay):
/// - `|` ends a table cell; `` ` `` opens a code span;
/// - `\` would escape what follows it (an escaped `` ` `` or `|`);
/// - `$` opens math on GitHub;
/// - `<` before a letter, `/`, `!` or `?` opens an HTML tag, a comment or
///   an autolink;
/// - `]` before `(`, `[` or `:` closes a link, an image or a reference
///   definition (which would turn every `[INFO]` into a link).
fn needs_backslash(c: char, next: Option<char>) -> bool {
    match c {
        '|' | '`' | '\\' | '$' => true,
        '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
        ']' => matches!(next, Some('(' | '[' | ':')),
        _ => false,
    }
}

/// The block markers a line may start with: `#` heading, `>` quote, `-`
/// `+` `*` list or rule, `_` rule, `=` setext underline, `~` fence, `[`
/// task box or reference definition, `1.` / `1)` ordered list.
fn guard_block_start(text: String) -> String {
    if text.starts_with(['#', '>', '-', '+', '*', '_', '=', '~', '[']) {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let rest = &text[digits..];
    let ordered = (1..=9).contains(&digits)
        && rest.starts_with(['.', ')'])
        && (rest.len() == 1 || rest[1..].starts_with(' '));
    if ordered {
        return format!("{}\\{rest}", &text[..digits]);
    }
    text
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/// A table column: its header, and whether numbers align right.
struct Column {
    header: &'static str,
    right: bool,
}

const fn left(header: &'static str) -> Column {
    Column {
        header,
        right: false,
    }
}

const fn right(header: &'static str) -> Column {
    Column {
        header,
        right: true,
    }
}

/// A GFM table: the header row, the delimiter row, one line per row. The
/// array length makes every row as wide as the header; cells are escaped
/// here and padded so the raw text reads as a table too.
fn write_table<const N: usize>(
    out: &mut dyn Write,
    columns: &[Column; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let cells: Vec<[String; N]> = rows.iter().map(|r| r.each_ref().map(|t| cell(t))).collect();
    let widths: [usize; N] = std::array::from_fn(|i| {
        cells
            .iter()
            .map(|r| display_width(&r[i]))
            .chain([display_width(columns[i].header), 3])
            .max()
            .unwrap_or(3)
    });
    let header = columns.each_ref().map(|c| c.header.to_string());
    write_row(out, columns, &widths, &header)?;
    let delimiters: [String; N] = std::array::from_fn(|i| delimiter(&columns[i], widths[i]));
    write_row(out, columns, &widths, &delimiters)?;
    for row in &cells {
        write_row(out, columns, &widths, row)?;
    }
    writeln!(out)
}

/// `---` or `--:`, as wide as the column.
fn delimiter(column: &Column, width: usize) -> String {
    if column.right {
        format!("{}:", "-".repeat(width - 1))
    } else {
        "-".repeat(width)
    }
}

fn write_row<const N: usize>(
    out: &mut dyn Write,
    columns: &[Column; N],
    widths: &[usize; N],
    cells: &[String; N],
) -> io::Result<()> {
    let padded: Vec<String> = (0..N)
        .map(|i| {
            let fill = " ".repeat(widths[i].saturating_sub(display_width(&cells[i])));
            if columns[i].right {
                format!("{fill}{}", cells[i])
            } else {
                format!("{}{fill}", cells[i])
            }
        })
        .collect();
    writeln!(out, "| {} |", padded.join(" | "))
}

// ---------------------------------------------------------------------------
// scan
// ---------------------------------------------------------------------------

pub fn write_scan_markdown(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let scope = &result.scope;
    writeln!(
        out,
        "## Failed Lambda blocks in {}, {} (UTC)\n",
        heading(&scope.connect_group),
        heading(&format_period(scope.start, scope.end))
    )?;
    if result.failures.is_empty() {
        writeln!(out, "{}\n", prose(&no_findings_text(result)))?;
    } else {
        write_counts(out, result)?;
        let groups = summary::by_function(&result.failures, &result.lambda_blocks_by_function);
        write_what_to_do(out, &groups)?;
        for group in &groups {
            write_group(out, group, &result.failures)?;
        }
        write_failures(out, &result.failures)?;
    }
    writeln!(out, "{}", prose(&inputs_line(&result.inputs)))
}

fn write_counts(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    writeln!(
        out,
        "**{}** in {} across {}.\n",
        plural(result.failures.len() as u64, "failure", "failures"),
        plural(result.lambda_blocks, "Lambda block", "Lambda blocks"),
        plural(result.contacts, "contact", "contacts"),
    )?;
    let groups = &result.scope.lambda_groups;
    let groups = if groups.is_empty() {
        "(none)".to_string()
    } else {
        groups.join(", ")
    };
    writeln!(out, "Lambda log groups: {}.\n", cell(&groups))
}

fn write_what_to_do(out: &mut dyn Write, groups: &[FunctionStats]) -> io::Result<()> {
    writeln!(out, "### What to do\n")?;
    let columns = [
        left("Function"),
        left("Class"),
        right("Failed"),
        right("Of blocks"),
        right("p50 / p95"),
        left("Action"),
    ];
    let rows: Vec<[String; 6]> = groups
        .iter()
        .map(|g| {
            [
                g.function.clone(),
                g.class.as_str().to_string(),
                g.count.to_string(),
                g.share_text(),
                g.percentiles_text(),
                g.action.clone(),
            ]
        })
        .collect();
    write_table(out, &columns, &rows)
}

/// A group's whole fix, said once, then each of its failures with all of
/// its evidence.
fn write_group(out: &mut dyn Write, group: &FunctionStats, failures: &[Failure]) -> io::Result<()> {
    writeln!(
        out,
        "### {}: {} ({})\n",
        heading(&group.function),
        group.class,
        plural(group.count, "failure", "failures")
    )?;
    writeln!(out, "**Fix:** {}\n", cell(&group.fix))?;
    let members = failures
        .iter()
        .filter(|f| summary::function_of(f) == group.function && f.verdict.class == group.class);
    for failure in members {
        writeln!(out, "- {}", prose(&failure_headline(failure)))?;
        for evidence in &failure.verdict.evidence {
            writeln!(
                out,
                "  - {}",
                evidence_text(evidence.timestamp, &evidence.text)
            )?;
        }
    }
    writeln!(out)
}

/// `Contact <id>, <flow>: <block> at <time> (link exact; also slow); request <ids>`.
fn failure_headline(f: &Failure) -> String {
    let mut link = f.link.confidence.as_str().to_string();
    if !f.verdict.contributing.is_empty() {
        let names: Vec<&str> = f.verdict.contributing.iter().map(|c| c.as_str()).collect();
        link.push_str(&format!("; also {}", names.join(", ")));
    }
    let mut headline = format!(
        "Contact {}, {}: {} at {} (link {link})",
        f.block.contact_id,
        flow_name(&f.block),
        block_name(&f.block),
        format_time(f.block.timestamp),
    );
    if !f.link.invocations.is_empty() {
        headline.push_str(&format!("; request {}", request_ids(&f.link)));
    }
    headline
}

/// An evidence item: its time, then its text (which never starts the
/// item when a time leads).
fn evidence_text(timestamp: Option<Millis>, text: &str) -> String {
    match timestamp {
        Some(t) => format!("{} {}", format_time(t), cell(text)),
        None => prose(text),
    }
}

fn write_failures(out: &mut dyn Write, failures: &[Failure]) -> io::Result<()> {
    writeln!(out, "### Failures\n")?;
    let columns = [
        left("Time"),
        left("Contact"),
        left("Flow"),
        left("Block"),
        left("Function"),
        left("Class"),
        left("Request"),
        left("Key fact"),
    ];
    let rows: Vec<[String; 8]> = failures
        .iter()
        .map(|f| {
            [
                format_time(f.block.timestamp),
                f.block.contact_id.clone(),
                flow_name(&f.block).to_string(),
                block_name(&f.block).to_string(),
                summary::function_of(f).to_string(),
                f.verdict.class.as_str().to_string(),
                request_ids(&f.link),
                f.verdict.key_fact.clone(),
            ]
        })
        .collect();
    write_table(out, &columns, &rows)
}

fn flow_name(e: &FlowEntry) -> &str {
    e.contact_flow_name.as_deref().unwrap_or("?")
}

fn block_name(e: &FlowEntry) -> &str {
    e.identifier.as_deref().unwrap_or("?")
}

/// Every request id of the link, the answering one first, then Connect's
/// retries; `-` when none was linked.
fn request_ids(link: &Link) -> String {
    if link.invocations.is_empty() {
        return "-".to_string();
    }
    let ids: Vec<&str> = link
        .invocations
        .iter()
        .map(|i| i.request_id.as_str())
        .collect();
    ids.join(", ")
}

// ---------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------

pub fn write_explain_markdown(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
    writeln!(out, "## Contact {}\n", heading(&result.contact_id))?;
    write_explain_counts(out, result)?;
    if result.blocks.is_empty() {
        writeln!(out, "No flow-log entries for this contact in the period.\n")?;
    } else {
        write_timeline(out, result)?;
    }
    let first = first_timestamp(result);
    for block in &result.blocks {
        if let Some(lambda) = &block.entry.lambda {
            write_lambda_block(out, block, lambda, first)?;
        }
    }
    writeln!(out, "{}", prose(&inputs_line(&result.inputs)))
}

fn write_explain_counts(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
    let lambda_blocks = result
        .blocks
        .iter()
        .filter(|b| b.entry.lambda.is_some())
        .count() as u64;
    let failed = result
        .blocks
        .iter()
        .filter(|b| b.entry.is_failed_lambda_block())
        .count();
    let scope = &result.scope;
    let text = format!(
        "{}, {} (UTC): {}, {} ({failed} failed).",
        scope.connect_group,
        format_period(scope.start, scope.end),
        plural(result.blocks.len() as u64, "block", "blocks"),
        plural(lambda_blocks, "Lambda block", "Lambda blocks"),
    );
    writeln!(out, "{}\n", prose(&text))
}

fn write_timeline(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
    writeln!(out, "### Timeline\n")?;
    let first = first_timestamp(result);
    let columns = [
        left("Time"),
        right("Offset"),
        left("Flow"),
        left("Block type"),
        left("Block"),
        left("Result"),
    ];
    let rows: Vec<[String; 6]> = result
        .blocks
        .iter()
        .map(|b| {
            let e = &b.entry;
            [
                format_time(e.timestamp),
                offset_s(e.timestamp - first),
                flow_name(e).to_string(),
                e.module_type.clone(),
                e.identifier.clone().unwrap_or_else(|| "-".to_string()),
                e.outcome().to_string(),
            ]
        })
        .collect();
    write_table(out, &columns, &rows)
}

/// `+10.342 s` from the contact's first block.
fn offset_s(ms: Millis) -> String {
    format!("+{:.3} s", ms as f64 / 1000.0)
}

/// A Lambda block: what it called, how it was linked, its invocations
/// with their output, and the verdict when it failed.
fn write_lambda_block(
    out: &mut dyn Write,
    block: &TimelineBlock,
    lambda: &LambdaBlock,
    first: Millis,
) -> io::Result<()> {
    let e = &block.entry;
    let state = if e.is_failed_lambda_block() {
        "failed"
    } else {
        "ok"
    };
    writeln!(
        out,
        "### Lambda block {} ({}, {}): {state}\n",
        heading(block_name(e)),
        heading(flow_name(e)),
        offset_s(e.timestamp - first)
    )?;
    writeln!(out, "{}\n", prose(&call_line(block, lambda)))?;
    if let Some(link) = &block.link {
        write_invocations(out, link)?;
    }
    if let Some(verdict) = &block.verdict {
        write_verdict(out, verdict)?;
    }
    Ok(())
}

/// `Function <arn>, limit 8000 ms (default); link exact, 1 candidate.`
fn call_line(block: &TimelineBlock, lambda: &LambdaBlock) -> String {
    let assumed = if lambda.limit_assumed() {
        " (default)"
    } else {
        ""
    };
    let link = match &block.link {
        Some(link) => format!(
            "link {}, {}",
            link.confidence,
            plural(link.candidates as u64, "candidate", "candidates")
        ),
        None => "not linked".to_string(),
    };
    format!(
        "Function {}, limit {} ms{assumed}; {link}.",
        lambda.function_arn,
        lambda.limit_ms()
    )
}

fn write_invocations(out: &mut dyn Write, link: &Link) -> io::Result<()> {
    if link.invocations.is_empty() {
        let text = format!(
            "No invocation in {} from {} to {}.",
            link.searched_group,
            format_time(link.window_start),
            format_time(link.window_end)
        );
        return writeln!(out, "{}\n", prose(&text));
    }
    let columns = [
        left("Invocation"),
        left("Request id"),
        left("Log stream"),
        left("Start"),
        left("End"),
        right("Init"),
        right("Duration"),
        left("Status"),
    ];
    let total = link.invocations.len();
    let rows: Vec<[String; 8]> = link
        .invocations
        .iter()
        .enumerate()
        .map(|(i, inv)| invocation_row(inv, i, total))
        .collect();
    write_table(out, &columns, &rows)?;
    for (i, inv) in link.invocations.iter().enumerate() {
        write_output(out, inv, &role(i, total))?;
    }
    Ok(())
}

/// `invocation 1/3`, then `retry 2/3`: Connect's retries follow the first.
fn role(i: usize, total: usize) -> String {
    let word = if i == 0 { "invocation" } else { "retry" };
    format!("{word} {}/{total}", i + 1)
}

fn invocation_row(inv: &Invocation, i: usize, total: usize) -> [String; 8] {
    let (status, error_type) = status_parts(&inv.status);
    let status = match error_type {
        Some(t) => format!("{status} ({t})"),
        None => status.to_string(),
    };
    let init = if inv.is_cold() {
        format_ms(inv.cold_ms())
    } else {
        "-".to_string()
    };
    [
        role(i, total),
        inv.request_id.clone(),
        inv.log_stream.clone(),
        format_time(inv.start),
        inv.end.map(format_time).unwrap_or_else(|| "-".to_string()),
        init,
        format_opt_ms(inv.duration_ms),
        status,
    ]
}

/// The function's own output, offsets from START (module-level output ran
/// before it: negative offsets).
fn write_output(out: &mut dyn Write, inv: &Invocation, role: &str) -> io::Result<()> {
    let lines: Vec<&LogLine> = inv.init_lines.iter().chain(&inv.custom_lines).collect();
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "Output of {role} ({}):\n", cell(&inv.request_id))?;
    let columns = [right("Offset"), left("Line")];
    let rows: Vec<[String; 2]> = lines
        .iter()
        .map(|l| [format!("{:+} ms", l.timestamp - inv.start), l.text.clone()])
        .collect();
    write_table(out, &columns, &rows)
}

fn write_verdict(out: &mut dyn Write, v: &Verdict) -> io::Result<()> {
    let also = if v.contributing.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = v.contributing.iter().map(|c| c.as_str()).collect();
        format!(" (also {})", names.join(", "))
    };
    writeln!(out, "**Verdict:** {}{also}\n", v.class)?;
    writeln!(out, "**Key fact:** {}\n", cell(&v.key_fact))?;
    writeln!(out, "**Evidence:**\n")?;
    for e in &v.evidence {
        writeln!(out, "- {}", evidence_text(e.timestamp, &e.text))?;
    }
    writeln!(out)?;
    writeln!(out, "**Fix:** {}\n", cell(&v.fix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn scan_text(result: &ScanResult) -> String {
        let mut out = Vec::new();
        let written = write_scan_markdown(&mut out, result);
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    fn explain_text(result: &ExplainResult) -> String {
        let mut out = Vec::new();
        let written = write_explain_markdown(&mut out, result);
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn a_cell_keeps_its_pipes_backticks_and_escapes_on_one_line() {
        assert_eq!(
            cell("  a | b `rm -rf` \\| c\r\nd\ne\u{1b}[2J  "),
            "a \\| b \\`rm -rf\\` \\\\\\| c d e\\\\e[2J"
        );
    }

    #[test]
    fn a_cell_opens_no_link_image_tag_or_math() {
        assert_eq!(
            cell("![x](http://evil) [a][b] [INFO]: http://evil <img src=x> <!-- $5 and $10"),
            "![x\\](http://evil) [a\\][b] [INFO\\]: http://evil \\<img src=x> \\<!-- \\$5 and \\$10"
        );
    }

    #[test]
    fn ordinary_text_is_left_as_written() {
        let text = "silent 7853 ms after \"calling CRM https://crm.internal/x?phone=%2B*********05\" (3 s < 8 s) [$LATEST] cold_start";
        assert_eq!(
            cell(text),
            text.replace("[$", "[\\$"),
            "only the `$` is escaped"
        );
        assert_eq!(
            cell("cold_start -> 2 * 3 [INFO]"),
            "cold_start -> 2 * 3 [INFO]"
        );
    }

    #[test]
    fn prose_opens_no_block() {
        for (text, safe) in [
            ("# Pwned", "\\# Pwned"),
            ("> quoted", "\\> quoted"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("***", "\\***"),
            ("___", "\\___"),
            ("===", "\\==="),
            ("~~~ fence", "\\~~~ fence"),
            ("```", "\\`\\`\\`"),
            ("[ ] task", "\\[ ] task"),
            ("| a | b |", "\\| a \\| b \\|"),
            ("<div>", "\\<div>"),
            ("1. first", "1\\. first"),
            ("12) twelfth", "12\\) twelfth"),
            ("2026.", "2026\\."),
            ("    indented code", "indented code"),
            ("2026-11-28 10:00 ok", "2026-11-28 10:00 ok"),
            ("3.5 s", "3.5 s"),
            ("1234567890. not a list", "1234567890. not a list"),
        ] {
            assert_eq!(prose(text), safe, "{text:?}");
        }
    }

    #[test]
    fn a_heading_cannot_be_closed_early() {
        assert_eq!(heading("Main IVR #2 #"), "Main IVR \\#2 \\#");
    }

    #[test]
    fn tables_pad_and_align_and_escape_their_cells() {
        let mut out = Vec::new();
        let rows = [
            ["a|b".to_string(), "7".to_string()],
            ["long name".to_string(), "1200".to_string()],
        ];
        let written = write_table(&mut out, &[left("Name"), right("N")], &rows);
        assert!(written.is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "| Name      |    N |\n\
             | --------- | ---: |\n\
             | a\\|b      |    7 |\n\
             | long name | 1200 |\n\n"
        );
    }

    #[test]
    fn scan_says_each_groups_fix_once_with_its_failures_evidence() {
        let scan = fixtures::scan();
        let text = scan_text(&scan);
        let cold = &scan.failures[0];
        assert_eq!(text.matches(&cell(&cold.verdict.fix)).count(), 1, "{text}");
        assert!(
            text.contains("### crm-lookup: cold_start (2 failures)"),
            "{text}"
        );
        for f in &scan.failures {
            assert!(text.contains(&f.block.contact_id), "whole ids: {text}");
            assert!(text.contains(&cell(&f.verdict.key_fact)), "{text}");
            for e in &f.verdict.evidence {
                assert!(text.contains(&cell(&e.text)), "all evidence: {text}");
            }
        }
        assert!(text.contains("| Function "), "{text}");
        assert!(text.contains("| Time "), "{text}");
        assert!(
            text.ends_with("12 duplicate Connect entries dropped.\n"),
            "{text}"
        );
    }

    #[test]
    fn scan_without_failures_says_so() {
        let text = scan_text(&fixtures::empty_scan());
        assert!(
            text.contains("No failed Lambda blocks in 2026-11-28T10:15:00.000Z"),
            "{text}"
        );
        assert!(!text.contains("| Time"), "{text}");
        let mut none_ran = fixtures::empty_scan();
        none_ran.lambda_blocks = 0;
        let text = scan_text(&none_ran);
        assert!(
            text.contains(
                "No Lambda block ran in /aws/connect/acme-prod in 2026-11-28T10:15:00.000Z"
            ),
            "{text}"
        );
    }

    /// The markdown renders what the verdict decided, as every output does.
    #[test]
    fn the_key_fact_comes_from_the_verdict() {
        let mut scan = fixtures::scan();
        scan.failures[0].verdict.key_fact = "verdict-says-so".into();
        assert!(scan_text(&scan).contains("| verdict-says-so"));
    }

    #[test]
    fn explain_gives_the_timeline_invocations_and_verdict() {
        let result = fixtures::explain();
        let text = explain_text(&result);
        assert!(text.contains("### Timeline"), "{text}");
        let rows = text
            .lines()
            .filter(|l| l.starts_with("| 20"))
            .filter(|l| l.contains(" s | "))
            .count();
        assert_eq!(rows, result.blocks.len(), "{text}");
        assert!(
            text.contains("**Verdict:** cold_start (also slow)"),
            "{text}"
        );
        assert!(
            text.contains("+120 ms | calling CRM https://crm.example.com"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_timeline_says_so() {
        let mut result = fixtures::explain();
        result.blocks.clear();
        let text = explain_text(&result);
        assert!(
            text.contains("No flow-log entries for this contact"),
            "{text}"
        );
        assert!(!text.contains("### Timeline"), "{text}");
    }
}
