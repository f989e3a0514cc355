//! Command-line definitions. Only this module and `main.rs` see clap; the
//! rest of the program gets plain `analyze::Options`.

use crate::analyze::Options;
use crate::model::Millis;
use crate::report::OutputFormat;
use crate::time::parse_rfc3339;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Why did Amazon Connect's "Invoke AWS Lambda function" blocks fail?
///
/// Finds the contacts whose Lambda block went down the Error branch, links
/// each failure to the Lambda invocation(s) that answered it, and says why:
/// a cold start, an init timeout, a downstream stall, a misconfigured
/// timeout... with the evidence and the fix.
#[derive(Debug, Parser)]
#[command(name = "connect-timeouts", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every failed Lambda block in the period: a summary per function and
    /// class, then one row per failure with its evidence and fix.
    Scan {
        #[command(flatten)]
        source: SourceArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Exit with status 1 when any failure was found (for alerting).
        #[arg(long)]
        fail_on_findings: bool,
    },
    /// One contact's timeline: every block, every Lambda invocation with
    /// its durations and log lines, the verdict, the evidence and the fix.
    Explain {
        /// The contact id (a UUID, as in the flow logs' ContactId).
        contact_id: String,
        #[command(flatten)]
        source: SourceArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Where the logs come from and which part of them to analyse.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Exported logs: a file, or a directory whose sub-directories mirror
    /// log group names (DIR/aws/connect/<alias>/..., DIR/aws/lambda/<fn>/...).
    /// Repeatable.
    #[arg(long, short = 'i', value_name = "PATH", required = true)]
    pub input: Vec<PathBuf>,
    /// The Connect instance alias: analyse /aws/connect/<ALIAS>. Needed only
    /// when the input holds several Connect log groups.
    #[arg(long, value_name = "ALIAS")]
    pub instance: Option<String>,
    /// The Connect flow-log group, named outright (overrides --instance).
    #[arg(long, value_name = "GROUP")]
    pub log_group: Option<String>,
    /// Analyse blocks from this time on (RFC 3339, e.g. 2026-11-28T10:00:00Z).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub start: Option<Millis>,
    /// Analyse blocks up to this time (RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub end: Option<Millis>,
    /// Fail (exit 3) when any input line had to be skipped.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// List every skipped input line with its file and line number (stderr).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Show personal data as logged: phone numbers, e-mail addresses,
    /// attribute and parameter values, caller input. By default they are
    /// masked in every output.
    #[arg(long)]
    pub no_redact: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line (one per failure, or per timeline block).
    Ndjson,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Ndjson => OutputFormat::Ndjson,
        }
    }
}

fn parse_time(text: &str) -> Result<Millis, String> {
    parse_rfc3339(text)
}

impl SourceArgs {
    /// The typed options the analysis runs on.
    pub fn options(&self) -> Result<Options, String> {
        if let (Some(start), Some(end)) = (self.start, self.end) {
            if start > end {
                return Err("--start is after --end".into());
            }
        }
        let connect_group = match (&self.log_group, &self.instance) {
            (Some(group), _) => Some(group.clone()),
            (None, Some(alias)) => Some(format!("/aws/connect/{alias}")),
            (None, None) => None,
        };
        Ok(Options {
            connect_group,
            start: self.start,
            end: self.end,
            strict: self.strict,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn instance_names_the_connect_group() {
        let cli = Cli::parse_from([
            "connect-timeouts",
            "scan",
            "--input",
            "x",
            "--instance",
            "acme-prod",
        ]);
        let Command::Scan { source, .. } = cli.command else {
            panic!("not scan")
        };
        assert_eq!(
            source.options().unwrap().connect_group.as_deref(),
            Some("/aws/connect/acme-prod")
        );
    }

    #[test]
    fn start_after_end_is_refused() {
        let cli = Cli::parse_from([
            "connect-timeouts",
            "scan",
            "-i",
            "x",
            "--start",
            "2026-11-28T11:00:00Z",
            "--end",
            "2026-11-28T10:00:00Z",
        ]);
        let Command::Scan { source, .. } = cli.command else {
            panic!("not scan")
        };
        assert!(source.options().is_err());
    }
}
