//! The default `scan` rendering, a triage screen: what to do first (one
//! group per function and class, its fix said once), then one line per
//! failure, then what was read. Rows are fitted to the width and never
//! wrap; the evidence of each failure is behind `--details`, and whole in
//! `explain` and the JSON output.

use super::columns::{self, Cell, Column, Layout};
use super::inputs::inputs_line;
use super::style::{class_style, paint, DIM, FIX, HEADING};
use super::summary::{self, no_findings_text, FunctionStats};
use super::text::wrap;
use super::{format_period, format_time, plural, RenderOptions};
use crate::model::conventions::is_uuid;
use crate::model::{Failure, ScanResult};
use std::io::{self, Write};

/// A key fact takes at most this many columns when the screen is fitted.
const KEY_FACT_COLUMNS: usize = 50;

pub fn write_scan_table(
    out: &mut dyn Write,
    result: &ScanResult,
    options: &RenderOptions,
) -> io::Result<()> {
    if result.failures.is_empty() {
        return write_no_findings(out, result, options);
    }
    write_header(out, result, options)?;
    writeln!(out)?;
    write_groups(out, result, options)?;
    writeln!(out)?;
    write_failures(out, result, options)?;
    if options.details {
        for (i, failure) in result.failures.iter().enumerate() {
            writeln!(out)?;
            write_paragraph(out, i + 1, failure, options)?;
        }
    }
    writeln!(out)?;
    write_wrapped(out, "", &inputs_line(&result.inputs), options.prose_width())?;
    if !options.details {
        let hint =
            "Evidence per failure: --details. One contact: connect-timeouts explain <contact-id>.";
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

fn write_header(
    out: &mut dyn Write,
    result: &ScanResult,
    options: &RenderOptions,
) -> io::Result<()> {
    let scope = &result.scope;
    let lines = [
        format!(
            "Connect log group {}, {} (UTC)",
            scope.connect_group,
            format_period(scope.start, scope.end)
        ),
        lambda_groups(&result.scope.lambda_groups),
    ];
    for line in lines {
        writeln!(out, "{}", fitted(&line, options))?;
    }
    let found = plural(result.failures.len() as u64, "failure", "failures");
    writeln!(
        out,
        "{} in {} across {}",
        paint(&found, HEADING, options.color),
        plural(result.lambda_blocks, "Lambda block", "Lambda blocks"),
        plural(result.contacts, "contact", "contacts"),
    )
}

/// The Lambda log groups read, their common `/aws/lambda/` said once.
fn lambda_groups(groups: &[String]) -> String {
    let prefix = crate::model::conventions::LAMBDA_GROUP_PREFIX;
    let names: Option<Vec<&str>> = groups.iter().map(|g| g.strip_prefix(prefix)).collect();
    match names {
        _ if groups.is_empty() => "Lambda log groups: (none)".to_string(),
        Some(names) => format!("Lambda log groups {prefix}: {}", names.join(", ")),
        None => format!("Lambda log groups: {}", groups.join(", ")),
    }
}

/// Nothing failed; and when no Lambda block ran at all, that is said
/// plainly, with the period and the group: it is not good news.
fn write_no_findings(
    out: &mut dyn Write,
    result: &ScanResult,
    options: &RenderOptions,
) -> io::Result<()> {
    write_wrapped(out, "", &no_findings_text(result), options.prose_width())?;
    write_wrapped(out, "", &inputs_line(&result.inputs), options.prose_width())
}

/// One group per function and class, the worst first, with its action.
fn write_groups(
    out: &mut dyn Write,
    result: &ScanResult,
    options: &RenderOptions,
) -> io::Result<()> {
    writeln!(out, "{}", paint("What to do", HEADING, options.color))?;
    let groups = summary::by_function(&result.failures, &result.lambda_blocks_by_function);
    let columns = [
        Column::whole("FAILED").right(),
        Column::shrink("FUNCTION", 10, 40),
        Column::whole("CLASS"),
        Column::whole("OF BLOCKS").right(),
        Column::whole("P50 / P95").right(),
    ];
    let rows: Vec<Vec<Cell>> = groups.iter().map(group_row).collect();
    let layout = Layout {
        width: options.width.map(usize::from),
        indent: 2,
        gap: 2,
        color: options.color,
    };
    let lines = columns::render(&columns, &rows, layout);
    let mut lines = lines.into_iter();
    if let Some(header) = lines.next() {
        writeln!(out, "{header}")?;
    }
    for (line, group) in lines.zip(&groups) {
        writeln!(out, "{line}")?;
        let action = fitted(&format!("    -> {}", group.action), options);
        writeln!(out, "{}", paint(&action, FIX, options.color))?;
    }
    Ok(())
}

fn group_row(g: &FunctionStats) -> Vec<Cell> {
    vec![
        Cell::plain(g.count.to_string()),
        Cell::plain(g.function.clone()),
        Cell::styled(g.class.as_str(), class_style(g.class)),
        Cell::plain(g.share_text()),
        Cell::plain(g.percentiles_text()),
    ]
}

/// One line per failure: when, who, where, what, which request, why.
fn write_failures(
    out: &mut dyn Write,
    result: &ScanResult,
    options: &RenderOptions,
) -> io::Result<()> {
    writeln!(out, "{}", paint("Failures", HEADING, options.color))?;
    let one_day = one_utc_day(&result.failures);
    let columns = [
        Column::whole("TIME"),
        Column::whole("CONTACT"),
        Column::shrink("FLOW: BLOCK", 8, 36),
        Column::whole("CLASS"),
        Column::whole("REQUEST"),
        Column::shrink("KEY FACT", 20, KEY_FACT_COLUMNS),
    ];
    let rows: Vec<Vec<Cell>> = result
        .failures
        .iter()
        .map(|f| failure_row(f, one_day))
        .collect();
    // One space between columns: the key fact needs the room, and the
    // columns stay aligned under their headers.
    let layout = Layout {
        width: options.width.map(usize::from),
        indent: 0,
        gap: 1,
        color: options.color,
    };
    for line in columns::render(&columns, &rows, layout) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn failure_row(f: &Failure, one_day: bool) -> Vec<Cell> {
    let time = format_time(f.block.timestamp);
    // `2026-11-28T10:02:15.592Z`: the time of day to the second when the
    // date is the same for every failure (the header gives it).
    let time = if one_day {
        time.get(11..19).unwrap_or(&time).to_string()
    } else {
        time.get(..19).unwrap_or(&time).replace('T', " ")
    };
    vec![
        Cell::plain(time),
        Cell::plain(short_id(&f.block.contact_id)),
        Cell::plain(flow_block_short(f)),
        Cell::styled(f.verdict.class.as_str(), class_style(f.verdict.class)),
        Cell::plain(request_cell(f)),
        Cell::plain(f.verdict.key_fact.clone()),
    ]
}

fn one_utc_day(failures: &[Failure]) -> bool {
    let day = |f: &Failure| f.block.timestamp.div_euclid(86_400_000);
    failures
        .first()
        .is_none_or(|first| failures.iter().all(|f| day(f) == day(first)))
}

/// The first block of a UUID: enough to find it in the console or in
/// `scan -o json`; `explain` takes the whole id.
pub(super) fn short_id(id: &str) -> String {
    id.split('-').next().unwrap_or(id).to_string()
}

fn flow_block(f: &Failure) -> String {
    format!(
        "{}: {}",
        f.block.contact_flow_name.as_deref().unwrap_or("?"),
        f.block.identifier.as_deref().unwrap_or("?")
    )
}

/// `flow: block` for a line: a block without a label is a UUID, and its
/// first part is enough to tell it (the whole is in `--details`).
pub(super) fn flow_block_short(f: &Failure) -> String {
    let block = f.block.identifier.as_deref().unwrap_or("?");
    let block = if is_uuid(block) {
        short_id(block)
    } else {
        block.to_string()
    };
    format!(
        "{}: {block}",
        f.block.contact_flow_name.as_deref().unwrap_or("?")
    )
}

/// The answering request id's first block, and how many retries followed.
pub(super) fn request_cell(f: &Failure) -> String {
    let invocations = &f.link.invocations;
    let Some(first) = invocations.first() else {
        return "-".to_string();
    };
    match invocations.len() - 1 {
        0 => short_id(&first.request_id),
        n => format!("{}+{n}", short_id(&first.request_id)),
    }
}

/// `--details`: a failure's headline, its request ids, its evidence and its
/// whole fix, wrapped to the width.
fn write_paragraph(
    out: &mut dyn Write,
    n: usize,
    f: &Failure,
    options: &RenderOptions,
) -> io::Result<()> {
    let width = options.prose_width();
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
    let class = f.verdict.class.as_str();
    let mut first = true;
    for line in wrap(&headline, width.saturating_sub(5).max(20)) {
        let line = if first {
            let rest = line.strip_prefix(class).unwrap_or(&line);
            format!(
                "[{n}] {}{rest}",
                paint(class, class_style(f.verdict.class), options.color)
            )
        } else {
            format!("    {line}")
        };
        first = false;
        writeln!(out, "{line}")?;
    }
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
    for e in &f.verdict.evidence {
        let text = match e.timestamp {
            Some(t) => format!("{}  {}", format_time(t), e.text),
            None => e.text.clone(),
        };
        write_wrapped(out, "    - ", &text, width)?;
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

    fn render_with(result: &ScanResult, options: &RenderOptions) -> String {
        let mut out = Vec::new();
        let written = write_scan_table(&mut out, result, options);
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    fn render(result: &ScanResult) -> String {
        render_with(
            result,
            &RenderOptions {
                width: Some(100),
                ..RenderOptions::default()
            },
        )
    }

    #[test]
    fn scan_table_snapshot() {
        insta::assert_snapshot!(render(&fixtures::scan()));
    }

    #[test]
    fn scan_details_snapshot() {
        let options = RenderOptions {
            width: Some(100),
            details: true,
            ..RenderOptions::default()
        };
        insta::assert_snapshot!(render_with(&fixtures::scan(), &options));
    }

    #[test]
    fn each_group_says_its_fix_once_and_each_failure_is_one_line() {
        let scan = fixtures::scan();
        let text = render(&scan);
        // Two cold starts of crm-lookup: one group, one action line.
        let action = &scan.failures[0].verdict.action;
        assert_eq!(text.matches(action.as_str()).count(), 1, "{text}");
        assert!(text.contains("  2  crm-lookup"), "{text}");
        assert!(text.contains("1% of 180"), "{text}");
        for f in &scan.failures {
            let contact = short_id(&f.block.contact_id);
            let lines: Vec<&str> = text.lines().filter(|l| l.contains(&contact)).collect();
            assert_eq!(lines.len(), 1, "{contact}: {lines:#?}");
        }
        assert!(text.contains("3f2a9c1e"), "{text}");
        assert!(text.contains("b1d2e3f4+2"), "retries counted: {text}");
        assert!(text
            .replace('\n', " ")
            .contains("3 lines skipped (not JSON: 3); 12 duplicate Connect entries dropped."));
    }

    /// The table renders what the verdict decided; it never reads the
    /// invocation again to say it another way.
    #[test]
    fn the_key_fact_comes_from_the_verdict() {
        let mut scan = fixtures::scan();
        scan.failures[0].verdict.key_fact = "verdict-says-so".into();
        let text = render(&scan);
        assert!(text.contains("verdict-says-so"), "{text}");
    }

    #[test]
    fn fitted_rows_never_pass_the_width_and_unfitted_ones_keep_everything() {
        let scan = fixtures::scan();
        for width in [80u16, 100, 160] {
            let text = render_with(
                &scan,
                &RenderOptions {
                    width: Some(width),
                    ..RenderOptions::default()
                },
            );
            for line in text.lines() {
                assert!(
                    columns::display_width(line) <= usize::from(width),
                    "{width}: {line:?}"
                );
            }
        }
        let whole = render_with(&scan, &RenderOptions::default());
        for f in &scan.failures {
            assert!(
                whole.contains(&f.verdict.key_fact),
                "{}",
                f.verdict.key_fact
            );
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let scan = fixtures::scan();
        assert!(!render(&scan).contains('\u{1b}'));
        let coloured = render_with(
            &scan,
            &RenderOptions {
                width: Some(100),
                color: true,
                ..RenderOptions::default()
            },
        );
        let cold = paint(
            "cold_start",
            class_style(crate::model::Class::ColdStart),
            true,
        );
        assert!(coloured.contains(&cold), "{coloured}");
    }

    #[test]
    fn no_findings_snapshot() {
        insta::assert_snapshot!(render(&fixtures::empty_scan()));
    }

    #[test]
    fn no_lambda_block_at_all_is_said_plainly() {
        let mut scan = fixtures::empty_scan();
        scan.lambda_blocks = 0;
        let text = render(&scan);
        assert!(
            text.starts_with(
                "No Lambda block ran in /aws/connect/acme-prod in 2026-11-28T10:15:00.000Z"
            ),
            "{text}"
        );
        assert!(text.contains("Set logging behavior"), "{text}");
    }
}
