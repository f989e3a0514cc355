//! The shell: parse arguments, run, print, map errors to exit codes.

use clap::Parser;
use connect_timeouts::analyze::{self, AnalyzeError, Options};
use connect_timeouts::cli::{live_window, Cli, Command, OutputArgs, SourceArgs};
use connect_timeouts::model::{InputsSummary, Millis};
use connect_timeouts::report::{write_explain, write_scan};
use connect_timeouts::source::live::query::RunnerConfig;
use connect_timeouts::source::live::save::read_settings;
use connect_timeouts::source::live::{
    human_bytes, AwsSettings, InsightsSource, LiveSettings, Target,
};
use connect_timeouts::source::SourceError;
use connect_timeouts::time::format_time;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes (documented in the README).
mod exit {
    pub const FINDINGS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INPUT: u8 = 3;
    /// As the AWS CLI: credentials or configuration.
    pub const AWS_CONFIG: u8 = 253;
    /// As the AWS CLI: an AWS service error.
    pub const AWS_SERVICE: u8 = 254;
    pub const INTERRUPTED: u8 = 130;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(exit::USAGE)
        }
        Err(Failure::Other(code, msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(code)
        }
    }
}

enum Failure {
    /// stdout was closed (`| head`): not an error.
    BrokenPipe,
    Usage(String),
    /// An exit code and the message that explains it.
    Other(u8, String),
}

impl From<AnalyzeError> for Failure {
    fn from(e: AnalyzeError) -> Self {
        let code = match &e {
            AnalyzeError::Source(SourceError::Config(_)) => exit::AWS_CONFIG,
            AnalyzeError::Source(SourceError::Service(_)) => exit::AWS_SERVICE,
            AnalyzeError::Source(SourceError::Interrupted) => exit::INTERRUPTED,
            _ => exit::INPUT,
        };
        Failure::Other(code, e.to_string())
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Other(exit::INPUT, format!("writing the output: {e}"))
        }
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Scan {
            source,
            output,
            fail_on_findings,
        } => {
            let opts = source.options().map_err(Failure::Usage)?;
            let result = if source.input.is_empty() {
                let mut live = open_live(&source, None)?;
                let opts = live.options(opts);
                let result = analyze::scan(&mut live.source, &opts);
                live.finish(result)?
            } else {
                analyze::scan_files(&source.input, &with_saved_settings(opts, &source.input)?)?
            };
            report_inputs(&result.inputs, &output);
            let mut out = io::stdout().lock();
            write_scan(&mut out, &result, output.output.into())?;
            out.flush()?;
            let found = !result.failures.is_empty();
            Ok(if fail_on_findings && found {
                exit::FINDINGS
            } else {
                0
            })
        }
        Command::Explain {
            contact_id,
            source,
            output,
        } => {
            let opts = source.options().map_err(Failure::Usage)?;
            let contact_id = contact_id.trim();
            let result = if source.input.is_empty() {
                let mut live = open_live(&source, Some(contact_id))?;
                let opts = live.options(opts);
                let result = analyze::explain(&mut live.source, &opts, contact_id);
                live.finish(result)?
            } else {
                let opts = with_saved_settings(opts, &source.input)?;
                analyze::explain_files(&source.input, &opts, contact_id)?
            };
            report_inputs(&result.inputs, &output);
            let mut out = io::stdout().lock();
            write_explain(&mut out, &result, output.output.into())?;
            out.flush()?;
            Ok(0)
        }
    }
}

/// The Lambda configuration a `--save-logs` capture carries.
fn with_saved_settings(mut opts: Options, inputs: &[PathBuf]) -> Result<Options, Failure> {
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        let saved = read_settings(dir).map_err(|e| Failure::Other(exit::INPUT, e))?;
        opts.function_settings.extend(saved);
    }
    Ok(opts)
}

/// A live run: the Insights source and the window it covers.
struct Live {
    source: InsightsSource,
    start: Millis,
    end: Millis,
}

impl Live {
    /// The analysis options for the resolved group and window.
    fn options(&self, mut opts: Options) -> Options {
        opts.connect_group = Some(self.source.connect_group().to_string());
        opts.connect_group_exists = true;
        opts.start = Some(self.start);
        opts.end = Some(self.end);
        opts
    }

    /// Flush `--save-logs` and print what the queries cost (stderr).
    fn finish<T>(mut self, result: Result<T, AnalyzeError>) -> Result<T, Failure> {
        let saved = self.source.finish();
        let result = result?;
        saved.map_err(|e| Failure::from(AnalyzeError::from(e)))?;
        for config in self.source.function_configs() {
            eprintln!("lambda {}", config.summary());
        }
        let stats = self.source.stats();
        eprintln!(
            "Logs Insights: {} queries, {} rows, {} scanned (about ${:.4} at $0.005/GB)",
            stats.done,
            stats.rows,
            human_bytes(stats.bytes_scanned),
            stats.cost_usd()
        );
        Ok(result)
    }
}

fn open_live(source: &SourceArgs, contact: Option<&str>) -> Result<Live, Failure> {
    let now = chrono::Utc::now().timestamp_millis();
    let (start, end) =
        live_window(source.aws.since, source.start, source.end, now).map_err(Failure::Usage)?;
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
    let aws = AwsSettings {
        profile: source.aws.profile.clone(),
        region: source.aws.region.clone(),
        endpoint_url: source.aws.endpoint_url.clone(),
    };
    let settings = LiveSettings {
        target: Target::from_args(source.instance.as_deref(), source.log_group.as_deref()),
        start,
        end,
        contact: contact.map(str::to_string),
        show_queries: source.aws.show_queries,
        save_logs: source.aws.save_logs.clone(),
        runner: RunnerConfig {
            max_concurrent: usize::from(source.aws.max_concurrent_queries),
            ..RunnerConfig::default()
        },
    };
    let source =
        InsightsSource::open(&aws, settings).map_err(|e| Failure::from(AnalyzeError::from(e)))?;
    Ok(Live { source, start, end })
}

/// CloudWatch Logs ingestion lag worth a warning.
const INGESTION_LAG_MS: Millis = 5 * 60_000;

/// Skipped lines go to stderr, never stdout: a count always, every line
/// with its file and number under `--verbose`.
fn report_inputs(inputs: &InputsSummary, output: &OutputArgs) {
    if inputs.lines_skipped == 0 {
        return;
    }
    eprintln!(
        "warning: {} input line(s) skipped (see \"inputs\" in the JSON output{})",
        inputs.lines_skipped,
        if output.verbose { "" } else { ", or --verbose" }
    );
    if !output.verbose {
        return;
    }
    for file in &inputs.files {
        for skip in &file.skipped {
            for line in &skip.lines {
                eprintln!("  {}:{}: {}", file.file, line, skip.reason);
            }
            let listed = skip.lines.len() as u64;
            if skip.count > listed {
                eprintln!(
                    "  {}: ... and {} more: {}",
                    file.file,
                    skip.count - listed,
                    skip.reason
                );
            }
        }
    }
}
