//! Everything said about what was read: the summary line of the reports,
//! the skipped-lines warning on stderr, and the `--strict` error. One
//! place writes how skipped lines are reported.

use super::plural;
use crate::model::InputsSummary;

/// One line on what was read: files, events, skipped lines by reason.
pub fn inputs_line(inputs: &InputsSummary) -> String {
    let mut reasons: Vec<(String, u64)> = Vec::new();
    for skipped in inputs.files.iter().flat_map(|f| f.skipped.iter()) {
        match reasons.iter_mut().find(|(r, _)| *r == skipped.reason) {
            Some((_, n)) => *n += skipped.count,
            None => reasons.push((skipped.reason.clone(), skipped.count)),
        }
    }
    let mut line = format!(
        "Inputs: {}, {} read",
        plural(inputs.files.len() as u64, "file", "files"),
        plural(inputs.events_read, "event", "events"),
    );
    if inputs.lines_skipped > 0 {
        let by_reason: Vec<String> = reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        line.push_str(&format!(
            "; {} skipped ({})",
            plural(inputs.lines_skipped, "line", "lines"),
            by_reason.join(", ")
        ));
    }
    line.push_str(&format!(
        "; {} dropped.",
        plural(
            inputs.duplicates_dropped,
            "duplicate Connect entry",
            "duplicate Connect entries"
        )
    ));
    line
}

/// The warning on stderr when lines were skipped: one line per file and
/// reason, or, with `verbose`, every line number kept. Empty when nothing
/// was skipped.
pub fn skipped_warning(inputs: &InputsSummary, verbose: bool) -> Vec<String> {
    if inputs.lines_skipped == 0 {
        return Vec::new();
    }
    let mut out = vec![format!(
        "warning: {} input line(s) skipped (see \"inputs\" in the JSON output{})",
        inputs.lines_skipped,
        if verbose { "" } else { ", or --verbose" }
    )];
    for file in &inputs.files {
        for skip in &file.skipped {
            if !verbose {
                let first = skip
                    .lines
                    .first()
                    .map_or(String::new(), |l| format!(":{l}"));
                out.push(format!(
                    "  {}{first}: {} line(s): {}",
                    file.file, skip.count, skip.reason
                ));
                continue;
            }
            for line in &skip.lines {
                out.push(format!("  {}:{}: {}", file.file, line, skip.reason));
            }
            let listed = skip.lines.len() as u64;
            if skip.count > listed {
                out.push(format!(
                    "  {}: ... and {} more: {}",
                    file.file,
                    skip.count - listed,
                    skip.reason
                ));
            }
        }
    }
    out
}

/// The error `--strict` ends a run with when lines were skipped.
pub fn strict_error(inputs: &InputsSummary) -> String {
    let mut text = format!("--strict: {} input line(s) skipped:", inputs.lines_skipped);
    for file in &inputs.files {
        for skip in &file.skipped {
            let lines: Vec<String> = skip.lines.iter().map(u64::to_string).collect();
            text.push_str(&format!(
                "\n  {}: {} x {} (lines {})",
                file.file,
                skip.count,
                skip.reason,
                lines.join(", ")
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InputFileSummary, SkippedLines};

    fn inputs() -> InputsSummary {
        InputsSummary {
            files: vec![InputFileSummary {
                file: "in/aws/connect/acme/flow.json".into(),
                format: "ndjson".into(),
                events: 10,
                skipped: vec![SkippedLines {
                    reason: "not JSON".into(),
                    count: 3,
                    lines: vec![4, 9],
                }],
            }],
            events_read: 10,
            lines_skipped: 3,
            duplicates_dropped: 1,
        }
    }

    #[test]
    fn the_summary_line_counts_by_reason() {
        assert_eq!(
            inputs_line(&inputs()),
            "Inputs: 1 file, 10 events read; 3 lines skipped (not JSON: 3); 1 duplicate Connect entry dropped."
        );
    }

    #[test]
    fn the_warning_names_file_and_line() {
        assert_eq!(
            skipped_warning(&inputs(), false),
            vec![
                "warning: 3 input line(s) skipped (see \"inputs\" in the JSON output, or --verbose)",
                "  in/aws/connect/acme/flow.json:4: 3 line(s): not JSON",
            ]
        );
        assert_eq!(
            skipped_warning(&inputs(), true)[1..],
            [
                "  in/aws/connect/acme/flow.json:4: not JSON",
                "  in/aws/connect/acme/flow.json:9: not JSON",
                "  in/aws/connect/acme/flow.json: ... and 1 more: not JSON",
            ]
        );
        assert!(skipped_warning(&InputsSummary::default(), true).is_empty());
    }

    #[test]
    fn the_strict_error_lists_every_reason() {
        assert_eq!(
            strict_error(&inputs()),
            "--strict: 3 input line(s) skipped:\n  in/aws/connect/acme/flow.json: 3 x not JSON (lines 4, 9)"
        );
    }
}
