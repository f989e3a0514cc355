//! The shell: parse arguments, run, print, map errors to exit codes.

use clap::Parser;
use connect_timeouts::analyze::{self, AnalyzeError, Options};
use connect_timeouts::cli::{live_window, Cli, Command, Format, OutputArgs, SourceArgs};
use connect_timeouts::model::{InputsSummary, Millis};
use connect_timeouts::redact;
use connect_timeouts::report::escape::terminal_filter;
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
            let (mut result, live) = if source.input.is_empty() {
                let mut live = open_live(&source, None, output.verbose)?;
                let opts = live.options(opts);
                let result = analyze::scan(&mut live.source, &opts);
                let (result, section) = live.finish(result)?;
                (result, Some(section))
            } else {
                let opts = with_saved_settings(opts, &source.input)?;
                (analyze::scan_files(&source.input, &opts)?, None)
            };
            report_inputs(&result.inputs, &output);
            if !output.no_redact {
                redact::redact_scan(&mut result);
            }
            if output.output == Format::Table {
                result.map_texts(&mut terminal_filter);
            }
            let mut doc = Vec::new();
            write_scan(&mut doc, &result, output.output.into())?;
            emit(doc, live.as_ref(), output.output)?;
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
            let (mut result, live) = if source.input.is_empty() {
                let mut live = open_live(&source, Some(contact_id), output.verbose)?;
                let opts = live.options(opts);
                let result = analyze::explain(&mut live.source, &opts, contact_id);
                let (result, section) = live.finish(result)?;
                (result, Some(section))
            } else {
                let opts = with_saved_settings(opts, &source.input)?;
                (
                    analyze::explain_files(&source.input, &opts, contact_id)?,
                    None,
                )
            };
            report_inputs(&result.inputs, &output);
            if !output.no_redact {
                redact::redact_explain(&mut result);
            }
            if output.output == Format::Table {
                result.map_texts(&mut terminal_filter);
            }
            let mut doc = Vec::new();
            write_explain(&mut doc, &result, output.output.into())?;
            emit(doc, live.as_ref(), output.output)?;
            Ok(0)
        }
    }
}

/// Print the document; a live JSON document gains a `live` section (queries,
/// bytes scanned, estimated cost, the functions' configuration) as its last
/// key, the report's own keys untouched.
fn emit(doc: Vec<u8>, live: Option<&serde_json::Value>, format: Format) -> Result<(), Failure> {
    let doc = match (live, format) {
        (Some(section), Format::Json) => with_section(doc, "live", section),
        _ => doc,
    };
    let mut out = io::stdout().lock();
    out.write_all(&doc)?;
    out.flush()?;
    Ok(())
}

/// Append `"key": value` to a pretty-printed JSON object.
fn with_section(mut doc: Vec<u8>, key: &str, value: &serde_json::Value) -> Vec<u8> {
    while doc.last().is_some_and(u8::is_ascii_whitespace) {
        doc.pop();
    }
    if doc.last() != Some(&b'}') {
        doc.push(b'\n');
        return doc;
    }
    doc.pop();
    while doc.last().is_some_and(u8::is_ascii_whitespace) {
        doc.pop();
    }
    let pretty = serde_json::to_string_pretty(value)
        .unwrap_or_else(|_| "null".into())
        .replace('\n', "\n  ");
    doc.extend_from_slice(format!(",\n  \"{key}\": {pretty}\n}}\n").as_bytes());
    doc
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

    /// Flush `--save-logs`, print what the queries cost (stderr), and
    /// return the `live` section of the JSON document.
    fn finish<T>(
        mut self,
        result: Result<T, AnalyzeError>,
    ) -> Result<(T, serde_json::Value), Failure> {
        // A failed or interrupted run commits no capture: dropping the
        // source removes its partial files.
        let result = result?;
        let saved = self.source.finish();
        saved.map_err(|e| Failure::from(AnalyzeError::from(e)))?;
        let configs = self.source.function_configs();
        for config in &configs {
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
        let functions: Vec<serde_json::Value> = configs
            .iter()
            .map(|c| {
                serde_json::json!({
                    "function": c.name,
                    "log_group": c.log_group,
                    "timeout_s": c.timeout_s,
                    "memory_mb": c.memory_mb,
                    "runtime": c.runtime,
                    "vpc_attached": c.vpc_attached,
                    "log_format": c.log_format,
                    "provisioned_concurrency": c.provisioned,
                    "notes": c.notes,
                })
            })
            .collect();
        let section = serde_json::json!({
            "queries": stats.done,
            "window_splits": stats.splits,
            "rows": stats.rows,
            "bytes_scanned": stats.bytes_scanned,
            "estimated_cost_usd": stats.cost_usd(),
            "functions": functions,
        });
        Ok((result, section))
    }
}

/// `verbose`: 1 traces the AWS calls, 2 adds the SDK's debug log.
fn open_live(source: &SourceArgs, contact: Option<&str>, verbose: u8) -> Result<Live, Failure> {
    if verbose >= 2 {
        sdk_debug_log();
    }
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
        verbose: verbose > 0,
    };
    let settings = LiveSettings {
        target: Target::from_args(source.instance.as_deref(), source.log_group.as_deref()),
        start,
        end,
        contact: contact.map(str::to_string),
        show_queries: source.aws.show_queries,
        save_logs: source.aws.save_logs.clone(),
        force: source.aws.force,
        trace_calls: verbose > 0,
        runner: RunnerConfig {
            max_concurrent: usize::from(source.aws.max_concurrent_queries),
            ..RunnerConfig::default()
        },
    };
    let source =
        InsightsSource::open(&aws, settings).map_err(|e| Failure::from(AnalyzeError::from(e)))?;
    Ok(Live { source, start, end })
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

/// CloudWatch Logs ingestion lag worth a warning.
const INGESTION_LAG_MS: Millis = 5 * 60_000;

/// Skipped lines go to stderr, never stdout: one line per file and
/// reason always, every line number under `--verbose`.
fn report_inputs(inputs: &InputsSummary, output: &OutputArgs) {
    if inputs.lines_skipped == 0 {
        return;
    }
    eprintln!(
        "warning: {} input line(s) skipped (see \"inputs\" in the JSON output{})",
        inputs.lines_skipped,
        if output.verbose > 0 {
            ""
        } else {
            ", or --verbose"
        }
    );
    for file in &inputs.files {
        for skip in &file.skipped {
            if output.verbose == 0 {
                let first = skip
                    .lines
                    .first()
                    .map_or(String::new(), |l| format!(":{l}"));
                eprintln!(
                    "  {}{first}: {} line(s): {}",
                    file.file, skip.count, skip.reason
                );
                continue;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_appended_as_the_last_key() {
        let doc = b"{\n  \"a\": 1\n}\n".to_vec();
        let out = with_section(doc, "live", &serde_json::json!({"b": 2}));
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\n  \"a\": 1,\n  \"live\": {\n    \"b\": 2\n  }\n}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["live"]["b"], 2);
    }
}
