//! The `explain` timeline: a contact's blocks in order, one line each, and
//! under each Lambda block its invocations, their own output, a bar against
//! the block's limit, and the verdict.

use super::bar::{bar_legend, draw_bar, draw_call, BarInput, BAR_WIDTH};
use super::inputs::inputs_line;
use super::json::{first_timestamp, status_parts};
use super::style::{class_style, paint};
use super::text::wrap;
use super::{format_opt_ms, format_period, format_time, plural, RenderOptions};
use crate::model::{
    ExplainResult, FlowEntry, Invocation, LambdaBlock, Link, Millis, TimelineBlock, Trace, Verdict,
    XrayFetch,
};
use std::io::{self, Write};

/// `width` only wraps the verdict's fix: block and invocation lines stay
/// whole so that ids, times and log text can be copied and grepped.
pub fn write_explain_text(
    out: &mut dyn Write,
    result: &ExplainResult,
    options: &RenderOptions,
) -> io::Result<()> {
    write_header(out, result)?;
    if result.blocks.is_empty() {
        writeln!(out, "No flow-log entries for this contact in the period.")?;
    }
    let widths = Widths::of(&result.blocks);
    let first = first_timestamp(result);
    writeln!(out)?;
    for block in &result.blocks {
        writeln!(out, "{}", block_line(&block.entry, first, &widths))?;
        // A blank line closes a Lambda block's details, so the next block
        // line does not read as part of them.
        if let Some(lambda) = &block.entry.lambda {
            write_lambda(out, block, lambda, options)?;
            writeln!(out)?;
        }
    }
    if result
        .blocks
        .last()
        .is_none_or(|b| b.entry.lambda.is_none())
    {
        writeln!(out)?;
    }
    writeln!(out, "{}", inputs_line(&result.inputs))
}

fn write_header(out: &mut dyn Write, result: &ExplainResult) -> io::Result<()> {
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
    writeln!(
        out,
        "Contact {} in {}, {} (UTC)",
        result.contact_id,
        result.scope.connect_group,
        format_period(result.scope.start, result.scope.end)
    )?;
    writeln!(
        out,
        "{}, {} ({failed} failed)",
        plural(result.blocks.len() as u64, "block", "blocks"),
        plural(lambda_blocks, "Lambda block", "Lambda blocks"),
    )
}

/// Column widths so the block lines align.
struct Widths {
    flow: usize,
    module: usize,
    identifier: usize,
}

impl Widths {
    fn of(blocks: &[TimelineBlock]) -> Widths {
        let max =
            |f: &dyn Fn(&FlowEntry) -> usize| blocks.iter().map(|b| f(&b.entry)).max().unwrap_or(0);
        Widths {
            flow: max(&|e| flow_name(e).chars().count()),
            module: max(&|e| e.module_type.chars().count()),
            identifier: max(&|e| identifier(e).chars().count()),
        }
    }
}

fn flow_name(e: &FlowEntry) -> &str {
    e.contact_flow_name.as_deref().unwrap_or("?")
}

fn identifier(e: &FlowEntry) -> &str {
    e.identifier.as_deref().unwrap_or("-")
}

/// `time  +offset  flow  module  identifier  result`.
fn block_line(e: &FlowEntry, first: Millis, w: &Widths) -> String {
    let offset = format!("+{:.3} s", (e.timestamp - first) as f64 / 1000.0);
    let line = format!(
        "{}  {offset:>10}  {:<fw$}  {:<mw$}  {:<iw$}  {}",
        format_time(e.timestamp),
        flow_name(e),
        e.module_type,
        identifier(e),
        e.outcome(),
        fw = w.flow,
        mw = w.module,
        iw = w.identifier,
    );
    line.trim_end().to_string()
}

fn write_lambda(
    out: &mut dyn Write,
    block: &TimelineBlock,
    lambda: &LambdaBlock,
    options: &RenderOptions,
) -> io::Result<()> {
    let assumed = if lambda.time_limit_ms.is_none() {
        " (default)"
    } else {
        ""
    };
    let link_text = match &block.link {
        Some(link) => format!(
            "link {}, {}",
            link.confidence,
            plural(link.candidates as u64, "candidate", "candidates")
        ),
        None => "not linked".to_string(),
    };
    writeln!(
        out,
        "    Lambda {}, limit {} ms{assumed}: {link_text}",
        lambda.function_arn,
        lambda.limit_ms()
    )?;
    if let Some(link) = &block.link {
        write_invocations(out, link, f64::from(lambda.limit_ms()))?;
    }
    if let Some(verdict) = &block.verdict {
        write_verdict(out, verdict, options)?;
    }
    Ok(())
}

fn write_invocations(out: &mut dyn Write, link: &Link, limit_ms: f64) -> io::Result<()> {
    if link.invocations.is_empty() {
        writeln!(
            out,
            "    no invocation in {} from {} to {}",
            link.searched_group,
            format_time(link.window_start),
            format_time(link.window_end)
        )?;
    }
    let total = link.invocations.len();
    let first_arrival = link.invocations.first().map(|i| i.arrival);
    for (i, inv) in link.invocations.iter().enumerate() {
        let role = if i == 0 { "invocation" } else { "retry" };
        writeln!(
            out,
            "    {role} {}/{total} {}  stream {}",
            i + 1,
            inv.request_id,
            inv.log_stream
        )?;
        // Connect's limit runs from the block's first request, so a retry
        // only has what is left of it.
        let used = (inv.arrival - first_arrival.unwrap_or(inv.arrival)) as f64;
        write_invocation(out, inv, (limit_ms - used).max(0.0), limit_ms)?;
    }
    Ok(())
}

fn write_invocation(
    out: &mut dyn Write,
    inv: &Invocation,
    left_ms: f64,
    limit_ms: f64,
) -> io::Result<()> {
    writeln!(out, "      {}", times_line(inv))?;
    // Module-level output ran before START: negative offsets.
    for line in inv.init_lines.iter().chain(inv.custom_lines.iter()) {
        writeln!(
            out,
            "      {}  {}",
            offset_ms(line.timestamp - inv.start),
            line.text
        )?;
    }
    let input = BarInput {
        limit_ms: left_ms,
        init_ms: inv.cold_ms(),
        duration_ms: inv.duration_ms,
        last_output_ms: inv
            .custom_lines
            .last()
            .map(|l| (l.timestamp - inv.start) as f64),
    };
    let of_limit = if left_ms < limit_ms {
        format!(" left of {}", super::format_ms(limit_ms))
    } else {
        String::new()
    };
    writeln!(
        out,
        "      {}  {}{of_limit}",
        draw_bar(&input, BAR_WIDTH),
        bar_legend(&input)
    )?;
    if let XrayFetch::Found(trace) = &inv.xray {
        write_calls(out, inv, trace, &input)?;
    }
    Ok(())
}

/// The trace's calls under the invocation's bar, on its scale.
fn write_calls(
    out: &mut dyn Write,
    inv: &Invocation,
    trace: &Trace,
    input: &BarInput,
) -> io::Result<()> {
    writeln!(out, "      X-Ray trace {}:", trace.id)?;
    let from_arrival = |t: Millis| (t - inv.arrival) as f64;
    for call in &trace.calls {
        let ran = match call.end {
            Some(end) => super::format_ms((end - call.start) as f64),
            None => "never ended".to_string(),
        };
        writeln!(
            out,
            "      {}  {}{}  {ran}",
            draw_call(
                input,
                from_arrival(call.start),
                call.end.map(from_arrival),
                BAR_WIDTH
            ),
            "  ".repeat(call.depth),
            call.label()
        )?;
    }
    Ok(())
}

/// `+  120 ms`: sign first, then the number aligned, so a column of
/// offsets reads down.
fn offset_ms(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    format!("{sign}{:>5} ms", ms.unsigned_abs())
}

fn times_line(inv: &Invocation) -> String {
    let (status, error_type) = status_parts(&inv.status);
    let status = match error_type {
        Some(t) => format!("{status} ({t})"),
        None => status.to_string(),
    };
    let end = inv
        .end
        .map(format_time)
        .unwrap_or_else(|| "(not logged)".to_string());
    let init = if inv.is_cold() {
        format!("init {}  ", super::format_ms(inv.cold_ms()))
    } else {
        String::new()
    };
    format!(
        "START {}  END {end}  {init}duration {}  status {status}",
        format_time(inv.start),
        format_opt_ms(inv.duration_ms)
    )
}

fn write_verdict(out: &mut dyn Write, v: &Verdict, options: &RenderOptions) -> io::Result<()> {
    let width = options.prose_width();
    let also = if v.contributing.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = v.contributing.iter().map(|c| c.as_str()).collect();
        format!(" (also {})", names.join(", "))
    };
    let class = paint(v.class.as_str(), class_style(v.class), options.color);
    writeln!(out, "    verdict: {class}{also}")?;
    writeln!(out, "      key fact: {}", v.key_fact)?;
    for e in &v.evidence {
        match e.timestamp {
            Some(t) => writeln!(out, "      - {}  {}", format_time(t), e.text)?,
            None => writeln!(out, "      - {}", e.text)?,
        }
    }
    for (i, line) in wrap(&v.fix, width.saturating_sub(11).max(20))
        .iter()
        .enumerate()
    {
        let lead = if i == 0 { "fix:" } else { "    " };
        writeln!(out, "      {lead} {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn render(result: &ExplainResult) -> String {
        let mut out = Vec::new();
        let options = RenderOptions {
            width: Some(120),
            ..RenderOptions::default()
        };
        let written = write_explain_text(&mut out, result, &options);
        assert!(written.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn explain_snapshot() {
        insta::assert_snapshot!(render(&fixtures::explain()));
    }

    #[test]
    fn explain_stall_with_retries_snapshot() {
        insta::assert_snapshot!(render(&fixtures::explain_stall()));
    }

    #[test]
    fn custom_lines_show_their_offset_from_start() {
        let text = render(&fixtures::explain());
        assert!(
            text.contains("+  120 ms  calling CRM https://crm.example.com"),
            "{text}"
        );
        assert!(text.contains("verdict: cold_start (also slow)"));
        assert!(text.contains("init 2214 ms | output to +1371 ms"));
    }

    #[test]
    fn offsets_align_with_the_sign_first() {
        assert_eq!(offset_ms(120), "+  120 ms");
        assert_eq!(offset_ms(-2100), "- 2100 ms");
        assert_eq!(offset_ms(123_456), "+123456 ms");
    }

    #[test]
    fn an_empty_timeline_says_so() {
        let mut result = fixtures::explain();
        result.blocks.clear();
        assert!(render(&result).contains("No flow-log entries for this contact"));
    }
}
