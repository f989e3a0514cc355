//! The shell: parse arguments, run, print, map errors to exit codes.

use clap::Parser;
use connect_timeouts::analyze::{self, AnalyzeError};
use connect_timeouts::cli::{Cli, Command, Format, OutputArgs};
use connect_timeouts::model::InputsSummary;
use connect_timeouts::redact;
use connect_timeouts::report::escape::terminal_filter;
use connect_timeouts::report::{write_explain, write_scan};
use connect_timeouts::source::SourceError;
use std::io::{self, Write};
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
            let mut result = analyze::scan_files(&source.input, &opts)?;
            report_inputs(&result.inputs, &output);
            if !output.no_redact {
                redact::redact_scan(&mut result);
            }
            if output.output == Format::Table {
                result.map_texts(&mut terminal_filter);
            }
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
            let mut result = analyze::explain_files(&source.input, &opts, contact_id.trim())?;
            report_inputs(&result.inputs, &output);
            if !output.no_redact {
                redact::redact_explain(&mut result);
            }
            if output.output == Format::Table {
                result.map_texts(&mut terminal_filter);
            }
            let mut out = io::stdout().lock();
            write_explain(&mut out, &result, output.output.into())?;
            out.flush()?;
            Ok(0)
        }
    }
}

/// Skipped lines go to stderr, never stdout: one line per file and
/// reason always, every line number under `--verbose`.
fn report_inputs(inputs: &InputsSummary, output: &OutputArgs) {
    if inputs.lines_skipped == 0 {
        return;
    }
    eprintln!(
        "warning: {} input line(s) skipped (see \"inputs\" in the JSON output{})",
        inputs.lines_skipped,
        if output.verbose { "" } else { ", or --verbose" }
    );
    for file in &inputs.files {
        for skip in &file.skipped {
            if !output.verbose {
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
