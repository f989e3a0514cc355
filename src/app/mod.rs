//! The shell: `scan`, `explain` and `check` share one flow here (pick the
//! source, exported files or Logs Insights; run the analysis; say on stderr
//! what was skipped and what the queries cost; mask and escape; render to
//! stdout; choose the exit code). `watch`'s loop is in `watch.rs`. The
//! only module that prints.

mod watch;

use crate::analyze::{self, AnalyzeError, CheckError, CheckOptions, Options};
use crate::cli::live_window;
use crate::cli::{CheckJob, Cli, ColorWhen, Doc, Format, Job, OutputArgs, Parts, SourceArgs};
use crate::docs;
use crate::model::{
    CheckResult, ExplainResult, InputsSummary, LiveRun, Millis, ScanResult, TextFilter,
};
use crate::redact::redact_filter;
use crate::report::check::{counts_line, write_check_with};
use crate::report::check_alarms::write_alarms;
use crate::report::escape::terminal_filter;
use crate::report::inputs::{skipped_warning, strict_error};
use crate::report::live::live_lines;
use crate::report::style::{paint, WARNING};
use crate::report::{write_explain_with, write_scan_with, RenderOptions};
use crate::source::definitions::FileDefinitions;
use crate::source::live::check::{CheckSettings, LiveCheck};
use crate::source::live::save::{read_settings, read_totals};
use crate::source::live::InsightsSource;
use crate::source::offline::FileSource;
use crate::source::{LogSource, SourceError};
use crate::units::format_time;
use std::io::{self, Write};
use std::path::PathBuf;

/// Exit codes (documented in the README).
pub mod exit {
    pub const FINDINGS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INPUT: u8 = 3;
    /// As the AWS CLI: credentials or configuration.
    pub const AWS_CONFIG: u8 = 253;
    /// As the AWS CLI: an AWS service error.
    pub const AWS_SERVICE: u8 = 254;
    pub const INTERRUPTED: u8 = 130;
}

/// Why a run ended without its result.
#[derive(Debug)]
pub enum Failure {
    /// stdout was closed (`| head`): not an error.
    BrokenPipe,
    /// An exit code and the message that explains it.
    Exit(u8, String),
}

impl From<AnalyzeError> for Failure {
    fn from(e: AnalyzeError) -> Self {
        let code = match &e {
            AnalyzeError::Source(SourceError::Config(_)) => exit::AWS_CONFIG,
            AnalyzeError::Source(SourceError::Service(_)) => exit::AWS_SERVICE,
            AnalyzeError::Source(SourceError::Interrupted) => exit::INTERRUPTED,
            _ => exit::INPUT,
        };
        Failure::Exit(code, e.to_string())
    }
}

impl From<CheckError> for Failure {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Analyze(e) => Failure::from(e),
            CheckError::NothingToCheck(message) => Failure::Exit(exit::INPUT, message),
        }
    }
}

impl From<SourceError> for Failure {
    fn from(e: SourceError) -> Self {
        Failure::from(AnalyzeError::from(e))
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Exit(exit::INPUT, format!("writing the output: {e}"))
        }
    }
}

fn usage(message: String) -> Failure {
    Failure::Exit(exit::USAGE, message)
}

/// Run the command; the exit code of a run that produced its result.
pub fn run(cli: Cli) -> Result<u8, Failure> {
    let (job, source, output) = match cli.command.into_parts() {
        Parts::Analysis(job, source, output) => (job, *source, output),
        Parts::Check(job, source, output) => return run_check(job, &source, &output),
        Parts::Watch(args, output) => return watch::run(&args, &output),
        // Completions and the man page need no logs.
        Parts::Doc(doc) => return print_doc(doc),
    };
    let opts = source.options().map_err(usage)?;
    let mut outcome = if source.is_live() {
        run_live(&job, &source, opts, output.verbose)?
    } else {
        let opts = with_saved_settings(opts, &source.input)?;
        let outcome = analyze(&job, &mut FileSource::open(&source.input)?, &opts)?;
        check_strict(outcome, source.strict)?
    };
    warn_skipped(&outcome, &output);
    render(&mut outcome, &output)?;
    Ok(match job {
        Job::Scan {
            fail_on_findings: true,
        } if outcome.has_findings() => exit::FINDINGS,
        _ => 0,
    })
}

/// Say on stderr which input lines were skipped.
fn warn_skipped(outcome: &Outcome, output: &OutputArgs) {
    let stderr_color = colored(output.color, &io::stderr());
    for line in skipped_warning(outcome.inputs(), output.verbose > 0) {
        eprintln!("{}", paint_warning(&line, stderr_color));
    }
}

/// `check`: the definitions and the logs from the input files (or, live,
/// from the APIs and aggregated by AWS), the findings (or, with
/// `--emit-alarms`, the alarms) on stdout, exit 1 with `--fail-on` when a
/// finding is that severe.
fn run_check(job: CheckJob, source: &SourceArgs, output: &OutputArgs) -> Result<u8, Failure> {
    let outcome = if source.is_live() {
        Outcome::Check(check_live(source, output.verbose)?)
    } else {
        check_files(source)?
    };
    let mut outcome = check_strict(outcome, source.strict)?;
    warn_skipped(&outcome, output);
    let failed = |r: &CheckResult| job.fail_on.is_some_and(|s| r.at_least(s) > 0);
    let code = match &outcome {
        Outcome::Check(r) if failed(r) => exit::FINDINGS,
        _ => 0,
    };
    match (job.emit_alarms, &outcome) {
        (Some(format), Outcome::Check(result)) => emit_alarms(result, format)?,
        _ => render(&mut outcome, output)?,
    }
    Ok(code)
}

/// `check --input`: flows, configurations and logs from files.
fn check_files(source: &SourceArgs) -> Result<Outcome, Failure> {
    let logs = source.options().map_err(usage)?;
    if source.aws.since.is_some() {
        eprintln!(
            "note: --since sets a live run's period; from files, the period is --start/--end, \
             else the whole input"
        );
    }
    let opts = CheckOptions {
        logs,
        instance: source.instance.clone(),
    };
    let mut definitions = FileDefinitions::open(&source.input)?;
    let mut files = FileSource::open(&source.input)?;
    Ok(Outcome::Check(analyze::check(
        &mut definitions,
        &mut files,
        &opts,
    )?))
}

/// The live period of `check` when neither `--since` nor `--start` says:
/// a week, so that a weekly peak is in it.
const CHECK_SINCE_MS: Millis = 7 * 86_400_000;

/// `check` without `--input`: the instance's flows and the functions'
/// configuration from the APIs, the period (`--since`, a week by default)
/// aggregated by Logs Insights and CloudWatch; what the queries cost on
/// stderr, as for `scan`.
fn check_live(source: &SourceArgs, verbose: u8) -> Result<CheckResult, Failure> {
    if verbose >= 2 {
        sdk_debug_log();
    }
    if source.aws.save_logs.is_some() {
        return Err(usage(
            "check: --save-logs is for scan and explain (a live check reads no log line, only \
             aggregates)"
                .into(),
        ));
    }
    let now = chrono::Utc::now().timestamp_millis();
    let since = source.aws.since.or(Some(CHECK_SINCE_MS));
    let (start, end) = live_window(since, source.start, source.end, now).map_err(usage)?;
    eprintln!(
        "window: {} to {} (UTC)",
        format_time(start),
        format_time(end)
    );
    let target = crate::source::live::Target::from_args(source.instance.as_deref(), None);
    let (aws, settings) = source
        .aws
        .connection
        .live_settings(target, (start, end), verbose);
    let check = CheckSettings {
        instance: source.instance.clone(),
        log_group: source.log_group.clone(),
        start,
        end,
        now,
        show_queries: settings.show_queries,
        trace_calls: settings.trace_calls,
        runner: settings.runner,
    };
    let mut live = LiveCheck::open(&aws, check)?;
    let mut logs = source.options().map_err(usage)?;
    logs.connect_group = live.connect_group().map(str::to_string);
    logs.start = Some(start);
    logs.end = Some(end);
    let opts = CheckOptions {
        logs,
        instance: source.instance.clone().or_else(|| {
            live.instance_facts()
                .map(|i| i.alias.clone().unwrap_or_else(|| i.id.clone()))
        }),
    };
    let result = analyze::check_live(&mut live, &opts)?;
    if let Some(run) = &result.live {
        for line in live_lines(run) {
            eprintln!("{line}");
        }
    }
    Ok(result)
}

/// `--emit-alarms`: the alarms alone on stdout (the findings are counted
/// on stderr, so a template piped into a file stays a template).
fn emit_alarms(
    result: &CheckResult,
    format: crate::report::check_alarms::AlarmFormat,
) -> Result<(), Failure> {
    if result.alarms.is_empty() {
        return Err(Failure::Exit(
            exit::INPUT,
            "no alarms to emit: no flow in the input calls a Lambda function by name".into(),
        ));
    }
    let mut doc = Vec::new();
    write_alarms(&mut doc, &result.alarms, format)?;
    let mut out = io::stdout().lock();
    out.write_all(&doc)?;
    out.flush()?;
    if !result.findings.is_empty() {
        eprintln!(
            "note: {} (run without --emit-alarms to see them)",
            counts_line(result)
        );
    }
    Ok(())
}

/// `completions` and `man`: the document on stdout, exit 0.
fn print_doc(doc: Doc) -> Result<u8, Failure> {
    let text = docs::render(doc)?;
    let mut out = io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(0)
}

/// The result of a job.
enum Outcome {
    Scan(ScanResult),
    Explain(ExplainResult),
    Check(CheckResult),
}

impl Outcome {
    fn inputs(&self) -> &InputsSummary {
        match self {
            Outcome::Scan(r) => &r.inputs,
            Outcome::Explain(r) => &r.inputs,
            Outcome::Check(r) => &r.inputs,
        }
    }

    fn set_live(&mut self, live: LiveRun) {
        match self {
            Outcome::Scan(r) => r.live = Some(live),
            Outcome::Explain(r) => r.live = Some(live),
            Outcome::Check(r) => r.live = Some(live),
        }
    }

    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        match self {
            Outcome::Scan(r) => r.map_texts(filter),
            Outcome::Explain(r) => r.map_texts(filter),
            Outcome::Check(r) => r.map_texts(filter),
        }
    }

    fn has_findings(&self) -> bool {
        matches!(self, Outcome::Scan(r) if !r.failures.is_empty())
    }
}

fn analyze(job: &Job, source: &mut dyn LogSource, opts: &Options) -> Result<Outcome, AnalyzeError> {
    Ok(match job {
        Job::Scan { .. } => Outcome::Scan(analyze::scan(source, opts)?),
        Job::Explain { contact_id } => {
            Outcome::Explain(analyze::explain(source, opts, contact_id)?)
        }
    })
}

/// `--strict`: a skipped input line ends the run (exit 3).
fn check_strict(outcome: Outcome, strict: bool) -> Result<Outcome, Failure> {
    let inputs = outcome.inputs();
    if strict && inputs.lines_skipped > 0 {
        return Err(Failure::Exit(exit::INPUT, strict_error(inputs)));
    }
    Ok(outcome)
}

/// Mask, escape for the terminal, and print the document.
fn render(outcome: &mut Outcome, output: &OutputArgs) -> Result<(), Failure> {
    if !output.no_redact {
        outcome.map_texts(&mut redact_filter);
    }
    // Markdown is read in a terminal too (`cat`, a pager) before it is
    // pasted: its log text is escaped as the table's is.
    if matches!(output.output, Format::Table | Format::Markdown) {
        outcome.map_texts(&mut terminal_filter);
    }
    let stdout = io::stdout();
    let options = RenderOptions {
        width: output.width.or_else(|| terminal_width(&stdout)),
        details: output.details,
        color: output.output == Format::Table && colored(output.color, &stdout),
    };
    let mut doc = Vec::new();
    match outcome {
        Outcome::Scan(r) => write_scan_with(&mut doc, r, output.output.into(), &options)?,
        Outcome::Explain(r) => write_explain_with(&mut doc, r, output.output.into(), &options)?,
        Outcome::Check(r) => write_check_with(&mut doc, r, output.output.into(), &options)?,
    }
    let mut out = io::stdout().lock();
    out.write_all(&doc)?;
    out.flush()?;
    Ok(())
}

/// Whether to paint what goes to `stream`: `--color`, else (auto) what
/// NO_COLOR, CLICOLOR_FORCE, TERM and a terminal say.
pub fn colored<S: anstream::stream::RawStream>(when: ColorWhen, stream: &S) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

/// The terminal's width, when stdout is one.
fn terminal_width(stdout: &io::Stdout) -> Option<u16> {
    terminal_size::terminal_size_of(stdout).map(|(w, _)| w.0)
}

/// A `warning: ...` line with its first word painted.
fn paint_warning(line: &str, color: bool) -> String {
    match line.strip_prefix("warning:") {
        Some(rest) => format!("{}{rest}", paint("warning:", WARNING, color)),
        None => line.to_string(),
    }
}

/// The Lambda configuration, the totals and the period a `--save-logs`
/// capture carries.
fn with_saved_settings(mut opts: Options, inputs: &[PathBuf]) -> Result<Options, Failure> {
    let input_error = |e| Failure::Exit(exit::INPUT, e);
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        opts.function_settings
            .extend(read_settings(dir).map_err(input_error)?);
        if let Some(totals) = read_totals(dir).map_err(input_error)? {
            // The capture holds the neighbourhoods of the period's failures,
            // some of them outside it: its period is the default.
            if opts.start.is_none() && opts.end.is_none() {
                (opts.start, opts.end) = (Some(totals.start), Some(totals.end));
            }
            opts.totals = Some(totals);
        }
    }
    Ok(opts)
}

/// CloudWatch Logs ingestion lag worth a warning.
const INGESTION_LAG_MS: Millis = 5 * 60_000;

/// A live run: open the Insights source for the window, analyse, then flush
/// `--save-logs` and say what the queries cost.
fn run_live(
    job: &Job,
    source: &SourceArgs,
    mut opts: Options,
    verbose: u8,
) -> Result<Outcome, Failure> {
    if verbose >= 2 {
        sdk_debug_log();
    }
    let contact = match job {
        Job::Explain { contact_id } => Some(contact_id.as_str()),
        Job::Scan { .. } => None,
    };
    let now = chrono::Utc::now().timestamp_millis();
    let (aws, settings) = source.live_settings(contact, verbose, now).map_err(usage)?;
    let (start, end) = (settings.start, settings.end);
    eprintln!(
        "window: {} to {} (UTC)",
        format_time(start),
        format_time(end)
    );
    if end > now - INGESTION_LAG_MS {
        eprintln!(
            "warning: the window ends less than 5 minutes ago: CloudWatch Logs ingestion lags, \
             the latest events may be missing (rerun later, or pass --end)"
        );
    }
    let mut insights = InsightsSource::open(&aws, settings)?;
    opts.connect_group = Some(insights.connect_group().to_string());
    opts.connect_group_exists = true;
    opts.start = Some(start);
    opts.end = Some(end);
    // A failed or interrupted run commits no capture: dropping the source
    // removes its partial files.
    let mut outcome = check_strict(analyze(job, &mut insights, &opts)?, source.strict)?;
    insights.finish()?;
    let live = insights.live_run();
    for line in live_lines(&live) {
        eprintln!("{line}");
    }
    outcome.set_live(live);
    Ok(outcome)
}

/// The AWS SDK's own debug log on stderr (`-vv`), without colours. The
/// SDK redacts credentials and signatures in it.
fn sdk_debug_log() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = Targets::new()
        .with_target("aws", LevelFilter::DEBUG)
        .with_target("connect_timeouts", LevelFilter::DEBUG);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    // Only fails when a subscriber is already set: then that one logs.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}
