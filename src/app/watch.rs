//! `watch`'s loop: every tick, scan the newest slice of the logs (it
//! overlaps the previous one by the ingestion lag), print what is new or
//! changed, refresh the status line; at Ctrl-C, the session's summary and
//! exit 130. What to print is decided by `crate::watch` and
//! `report::watch`; this file only runs the clock and the streams.

use super::{colored, exit, paint_warning, sdk_debug_log, terminal_width, usage, Failure};
use crate::analyze::{self, AnalyzeError, Options};
use crate::cli::{Format, OutputArgs, WatchArgs};
use crate::model::{Millis, ScanResult};
use crate::redact::redact_filter;
use crate::report::escape::terminal_filter;
use crate::report::inputs::skipped_warning;
use crate::report::watch::{
    banner, painted_status, session_summary, status_line, write_seen, WatchFormat,
};
use crate::report::RenderOptions;
use crate::source::live::InsightsSource;
use crate::source::SourceError;
use crate::watch::{tick_window, Seen, WatchState};
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

/// Erase the line the cursor is on (the status line, before it is redrawn
/// or before a failure is printed over it).
const CLEAR_LINE: &str = "\r\x1b[2K";

/// The streams and how to write to them, fixed for the session.
struct Screen {
    format: WatchFormat,
    render: RenderOptions,
    no_redact: bool,
    verbose: bool,
    /// stderr is a terminal: the status line is redrawn in place;
    /// otherwise it is a line per tick.
    status_in_place: bool,
    stderr_color: bool,
}

pub fn run(args: &WatchArgs, output: &OutputArgs) -> Result<u8, Failure> {
    let screen = screen(output)?;
    if output.verbose >= 2 {
        sdk_debug_log();
    }
    let started = now_ms();
    let mut window = tick_window(None, started, args.lag, args.since);
    let (aws, settings) = args
        .connection
        .live_settings(args.target(), window, output.verbose);
    let mut insights = InsightsSource::open(&aws, settings)?;
    insights.quiet();
    eprintln!(
        "{}",
        banner(insights.connect_group(), args.interval, args.lag)
    );
    let mut state = WatchState::default();
    let mut ticks = 0u64;
    // The end of the last slice that was read: a look that fails leaves it
    // where it was, and the next look covers the gap.
    let mut covered_to = None;
    loop {
        match look(&mut insights, window, &mut state, &screen) {
            Ok(seen) => {
                screen.print(&seen)?;
                covered_to = Some(window.1);
                ticks += 1;
            }
            Err(AnalyzeError::Source(SourceError::Interrupted)) => break,
            // A query that failed (throttled past the retries, cancelled
            // by AWS) is not the end of the watch.
            Err(AnalyzeError::Source(SourceError::Service(e))) => {
                screen.say(&[format!(
                    "warning: this look failed, the next one covers it: {e}"
                )]);
            }
            Err(e) => return Err(e.into()),
        }
        screen.status(&status_line(&state, now_ms(), &insights.live_run()));
        match insights.sleep(Duration::from_millis(args.interval.unsigned_abs())) {
            Ok(()) => {}
            Err(SourceError::Interrupted) => break,
            Err(e) => return Err(e.into()),
        }
        window = tick_window(covered_to, now_ms(), args.lag, args.since);
        insights.next_window(window.0, window.1);
    }
    screen.clear_status();
    let summary = session_summary(&state, started, now_ms(), ticks, &insights.live_run());
    for line in summary {
        eprintln!("{line}");
    }
    Ok(exit::INTERRUPTED)
}

/// The format (`table` or `ndjson`: watch appends lines, it never has a
/// whole document to print) and the terminals' abilities.
fn screen(output: &OutputArgs) -> Result<Screen, Failure> {
    let format = match output.output {
        Format::Table => WatchFormat::Table,
        Format::Ndjson => WatchFormat::Ndjson,
        Format::Json | Format::Markdown => {
            return Err(usage(
                "watch prints a line per failure as it comes: --output table or ndjson \
                 (for a document, use scan)"
                    .into(),
            ))
        }
    };
    let stdout = io::stdout();
    let stderr = io::stderr();
    Ok(Screen {
        format,
        render: RenderOptions {
            width: output.width.or_else(|| terminal_width(&stdout)),
            details: false,
            color: format == WatchFormat::Table && colored(output.color, &stdout),
        },
        no_redact: output.no_redact,
        verbose: output.verbose > 0,
        status_in_place: stderr.is_terminal(),
        stderr_color: colored(output.color, &stderr),
    })
}

/// One tick: scan the window; what is new or changed since the last.
fn look(
    insights: &mut InsightsSource,
    (start, end): (Millis, Millis),
    state: &mut WatchState,
    screen: &Screen,
) -> Result<Vec<Seen>, AnalyzeError> {
    let opts = Options {
        connect_group: Some(insights.connect_group().to_string()),
        connect_group_exists: true,
        start: Some(start),
        end: Some(end),
        function_settings: Default::default(),
        totals: None,
    };
    let scanned = analyze::scan(insights, &opts);
    screen.say(&insights.take_notes());
    let mut result = scanned?;
    screen.mask(&mut result);
    screen.say(&skipped_warning(&result.inputs, screen.verbose));
    Ok(state.take(result.failures))
}

impl Screen {
    /// Mask personal data and escape log text for the terminal, as `scan`.
    fn mask(&self, result: &mut ScanResult) {
        if !self.no_redact {
            result.map_texts(&mut redact_filter);
        }
        if self.format == WatchFormat::Table {
            result.map_texts(&mut terminal_filter);
        }
    }

    /// Notes and warnings, in place of the status line.
    fn say(&self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        self.clear_status();
        for line in lines {
            eprintln!("{}", paint_warning(line, self.stderr_color));
        }
    }

    fn print(&self, seen: &[Seen]) -> io::Result<()> {
        if seen.is_empty() {
            return Ok(());
        }
        self.clear_status();
        let mut out = io::stdout().lock();
        write_seen(&mut out, seen, self.format, &self.render)?;
        out.flush()
    }

    /// Redraw the status line, or (not a terminal) print it.
    fn status(&self, text: &str) {
        if self.status_in_place {
            // Three columns short: a line that fills the last column wraps
            // on some terminals, and the `^C` the terminal echoes must fit
            // too, or the redraw (and the summary's) would not erase them.
            let width = terminal_width_of_stderr().map(|w| w.saturating_sub(3));
            eprint!(
                "{CLEAR_LINE}{}",
                painted_status(text, width, self.stderr_color)
            );
            let _ = io::stderr().flush();
        } else {
            eprintln!("status: {text}");
        }
    }

    fn clear_status(&self) {
        if self.status_in_place {
            eprint!("{CLEAR_LINE}");
        }
    }
}

fn terminal_width_of_stderr() -> Option<u16> {
    terminal_size::terminal_size_of(io::stderr()).map(|(w, _)| w.0)
}

fn now_ms() -> Millis {
    chrono::Utc::now().timestamp_millis()
}
