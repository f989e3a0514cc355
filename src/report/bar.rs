//! One invocation drawn against its block's time limit:
//!
//! ```text
//! [iiiiiiiiiiiiiiiiiiiiiii=============...........|.........  ]
//! ```
//!
//! Time runs from the request's arrival (left edge). `i` is init/restore
//! time Connect waited for (cold starts only), `=` handler time up to the
//! function's last own output line, `.` silence after it until the
//! invocation ended, `?` an invocation whose end was never logged, and `|`
//! Connect's limit. The scale spans `max(limit, init + duration) * 1.05`, so
//! the limit mark and the end are always inside the bar.

/// What the bar needs to know, in milliseconds from the request's arrival.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarInput {
    /// The block's time limit.
    pub limit_ms: f64,
    /// Init/restore time Connect waited for; 0 for a warm invocation.
    pub init_ms: f64,
    /// The handler's duration (REPORT); `None` when no REPORT was logged.
    pub duration_ms: Option<f64>,
    /// Offset of the last custom output line from START; `None` when the
    /// function printed nothing.
    pub last_output_ms: Option<f64>,
}

/// Width of the bar between its brackets.
pub const BAR_WIDTH: usize = 60;

/// The bar itself, `[` .. `]`, `width` characters inside.
pub fn draw_bar(input: &BarInput, width: usize) -> String {
    let handler_end = input.init_ms + handler_span(input);
    let span = input.limit_ms.max(handler_end).max(1.0) * 1.05;
    let cell = |t: f64| ((t / span) * width as f64).round().clamp(0.0, width as f64) as usize;
    let init_end = cell(input.init_ms);
    let output_end = cell(input.init_ms + input.last_output_ms.unwrap_or(0.0));
    let run_end = cell(handler_end);
    let unknown_end = input.duration_ms.is_none();
    let mut cells: Vec<char> = (0..width)
        .map(|i| {
            if i < init_end {
                'i'
            } else if i < output_end.min(run_end) {
                '='
            } else if i < run_end {
                '.'
            } else if unknown_end {
                '?'
            } else {
                ' '
            }
        })
        .collect();
    // The limit mark overwrites whatever ran there: where the limit falls
    // matters more than one cell of the run.
    let mark = cell(input.limit_ms).min(width.saturating_sub(1));
    if let Some(c) = cells.get_mut(mark) {
        *c = '|';
    }
    format!("[{}]", cells.into_iter().collect::<String>())
}

/// One call of the invocation's trace under its bar, on the same scale:
/// `=` while it ran, `>` when it never ended (drawn to the scale's end),
/// `|` Connect's limit. `from_ms`/`to_ms` count from the request's arrival.
pub fn draw_call(input: &BarInput, from_ms: f64, to_ms: Option<f64>, width: usize) -> String {
    let handler_end = input.init_ms + handler_span(input);
    let span = input.limit_ms.max(handler_end).max(1.0) * 1.05;
    let cell = |t: f64| ((t / span) * width as f64).round().clamp(0.0, width as f64) as usize;
    let start = cell(from_ms.max(0.0));
    let end = to_ms.map_or(width, |t| cell(t).max(start + 1)).min(width);
    let mut cells: Vec<char> = (0..width)
        .map(|i| match (i >= start && i < end, to_ms) {
            (true, Some(_)) => '=',
            (true, None) => '>',
            _ => ' ',
        })
        .collect();
    let mark = cell(input.limit_ms).min(width.saturating_sub(1));
    if let Some(c) = cells.get_mut(mark) {
        *c = '|';
    }
    format!("[{}]", cells.into_iter().collect::<String>())
}

/// How long the handler is drawn: its duration, or, when unknown, up to its
/// last output (the rest is drawn as `?`).
fn handler_span(input: &BarInput) -> f64 {
    match input.duration_ms {
        Some(d) => d.max(input.last_output_ms.unwrap_or(0.0)),
        None => input.last_output_ms.unwrap_or(0.0),
    }
}

/// The legend after the bar: the numbers the bar was drawn from.
pub fn bar_legend(input: &BarInput) -> String {
    let mut parts = Vec::new();
    if input.init_ms > 0.0 {
        parts.push(format!("init {}", super::format_ms(input.init_ms)));
    }
    match input.last_output_ms {
        Some(o) => parts.push(format!("output to +{}", super::format_ms(o))),
        None => parts.push("no output".to_string()),
    }
    match input.duration_ms {
        Some(d) => {
            let silence = d - input.last_output_ms.unwrap_or(0.0);
            if silence >= 1.0 {
                parts.push(format!("silence {}", super::format_ms(silence)));
            }
            parts.push(format!("ended at {}", super::format_ms(input.init_ms + d)));
        }
        None => parts.push("end not logged".to_string()),
    }
    parts.push(format!("limit {}", super::format_ms(input.limit_ms)));
    parts.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Build an expected bar from (char, cells) runs.
    fn runs(parts: &[(char, usize)]) -> String {
        let inner: String = parts
            .iter()
            .map(|&(c, n)| c.to_string().repeat(n))
            .collect();
        format!("[{inner}]")
    }

    #[test]
    fn cold_start_then_stall() {
        // Init 2214, output until +120, silent until 1380; limit 3000.
        // Span 3594 * 1.05 = 3773.7 ms: init ends at cell 35, output at 37,
        // the run at 57, the limit falls on cell 48.
        let input = BarInput {
            limit_ms: 3000.0,
            init_ms: 2214.0,
            duration_ms: Some(1380.0),
            last_output_ms: Some(120.0),
        };
        let expected = runs(&[('i', 35), ('=', 2), ('.', 11), ('|', 1), ('.', 8), (' ', 3)]);
        assert_eq!(draw_bar(&input, 60), expected);
        assert_eq!(
            bar_legend(&input),
            "init 2214 ms | output to +120 ms | silence 1260 ms | ended at 3594 ms | limit 3000 ms"
        );
    }

    #[test]
    fn warm_and_slow_keeps_printing() {
        // Output until +7900 of 8200 ms against an 8000 ms limit: no init.
        // Span 8610 ms: output to cell 55, run to 57, limit at 56.
        let input = BarInput {
            limit_ms: 8000.0,
            init_ms: 0.0,
            duration_ms: Some(8200.0),
            last_output_ms: Some(7900.0),
        };
        let expected = runs(&[('=', 55), ('.', 1), ('|', 1), (' ', 3)]);
        assert_eq!(draw_bar(&input, 60), expected);
        assert!(!bar_legend(&input).contains("init"));
    }

    #[test]
    fn error_early_leaves_the_limit_far_away() {
        // Failed after 150 ms with no output; limit 3000: span 3150 ms.
        let input = BarInput {
            limit_ms: 3000.0,
            init_ms: 0.0,
            duration_ms: Some(150.0),
            last_output_ms: None,
        };
        let expected = runs(&[('.', 3), (' ', 54), ('|', 1), (' ', 2)]);
        assert_eq!(draw_bar(&input, 60), expected);
        assert_eq!(
            bar_legend(&input),
            "no output | silence 150 ms | ended at 150 ms | limit 3000 ms"
        );
    }

    #[test]
    fn unknown_duration_is_drawn_as_question_marks() {
        // Output until +9 ms, then no END/REPORT: span is the limit's.
        let input = BarInput {
            limit_ms: 8000.0,
            init_ms: 0.0,
            duration_ms: None,
            last_output_ms: Some(9.0),
        };
        let bar = draw_bar(&input, 60);
        assert_eq!(bar, runs(&[('?', 57), ('|', 1), ('?', 2)]));
        assert!(bar_legend(&input).contains("end not logged"));
    }

    #[test]
    fn calls_are_drawn_on_the_invocations_scale() {
        // An 8000 ms limit, a handler of 8200 ms: span 8610 ms over 60 cells.
        let input = BarInput {
            limit_ms: 8000.0,
            init_ms: 0.0,
            duration_ms: Some(8200.0),
            last_output_ms: Some(150.0),
        };
        // A quick call from +20 to +54 ms takes one cell at the start.
        assert_eq!(
            draw_call(&input, 20.0, Some(54.0), 60),
            runs(&[('=', 1), (' ', 55), ('|', 1), (' ', 3)])
        );
        // One still running from +150 ms runs off the end, through the limit.
        assert_eq!(
            draw_call(&input, 150.0, None, 60),
            runs(&[(' ', 1), ('>', 55), ('|', 1), ('>', 3)])
        );
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let input = BarInput {
            limit_ms: 0.0,
            init_ms: 0.0,
            duration_ms: Some(0.0),
            last_output_ms: None,
        };
        assert_eq!(draw_bar(&input, 10).chars().count(), 12);
        assert_eq!(draw_bar(&input, 0), "[]");
    }
}
