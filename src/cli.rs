//! Command-line definitions, and their conversion into the typed settings
//! the rest of the program runs on (`analyze::Options`, the live source's
//! settings). Only this module sees clap.

use crate::analyze::Options;
use crate::model::conventions::connect_group;
use crate::model::{Millis, Severity};
use crate::report::check_alarms::AlarmFormat;
use crate::report::OutputFormat;
use crate::source::live::query::RunnerConfig;
use crate::source::live::{AwsSettings, LiveSettings, Target};
use crate::units::parse_rfc3339;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
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
    /// Failures as they happen: every tick scans the newest slice of the
    /// logs, prints each new failure once (and again if late lines change
    /// its verdict), and keeps a status line of the last minutes on stderr,
    /// so "has my fix worked?" is answered in a minute. Live only; Ctrl-C
    /// ends it with a summary.
    Watch {
        #[command(flatten)]
        target: WatchArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The timeout budgets that will break before callers hit them: flows,
    /// Lambda configuration, headroom, throttles; and the alarms to set.
    ///
    /// Reads, from --input (found by content, wherever they are): flows
    /// (`aws connect describe-contact-flow` output, or flow-language
    /// documents), function configurations (`aws lambda
    /// get-function-configuration`, `get-function`, `list-functions`,
    /// `list-provisioned-concurrency-configs`) and the logs `scan` reads (for
    /// near misses, cold starts and throttles). Without --input, live: the
    /// instance's flows (Amazon Connect's API), the functions'
    /// configuration (Lambda's), and over --since (a week by default)
    /// Logs Insights aggregates of the flow logs and of each function's
    /// logs, and CloudWatch's Lambda metrics.
    Check {
        #[command(flatten)]
        source: SourceArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Exit with status 1 when a finding of this severity or above
        /// exists (for CI/CD timeout budgets).
        #[arg(long, value_name = "SEVERITY", value_enum)]
        fail_on: Option<FailOn>,
        /// Print CloudWatch alarms (Duration against the tightest block
        /// limit, Errors, Throttles) for every function a flow calls,
        /// instead of the findings: a CloudFormation template (JSON) or `aws
        /// cloudwatch put-metric-alarm` commands.
        #[arg(long, value_name = "FORMAT", value_enum)]
        emit_alarms: Option<EmitAlarms>,
    },
    /// Print the completion script for a shell, to save where the shell
    /// looks for it.
    ///
    /// bash: connect-timeouts completions bash >
    /// ~/.local/share/bash-completion/completions/connect-timeouts
    ///
    /// zsh: connect-timeouts completions zsh > DIR/_connect-timeouts, DIR
    /// being a directory of $fpath (before compinit runs).
    ///
    /// fish: connect-timeouts completions fish >
    /// ~/.config/fish/completions/connect-timeouts.fish
    ///
    /// powershell: add `connect-timeouts completions powershell | Out-String
    /// | Invoke-Expression` to $PROFILE.
    ///
    /// elvish: add `eval (connect-timeouts completions elvish | slurp)` to
    /// ~/.config/elvish/rc.elv.
    Completions {
        /// The shell the script is for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff).
    ///
    /// Install it with: connect-timeouts man >
    /// ~/.local/share/man/man1/connect-timeouts.1 (man finds it there when
    /// ~/.local/bin is on PATH).
    Man,
}

/// What the command line asks for: an analysis of logs, or a document
/// generated from these definitions (which needs no logs).
#[derive(Debug)]
pub enum Parts {
    /// The job, where its logs come from (boxed: the other variant is a
    /// byte) and how to print the result.
    Analysis(Job, Box<SourceArgs>, OutputArgs),
    /// `watch`: ticks over the live logs.
    Watch(Box<WatchArgs>, OutputArgs),
    /// `check`: its settings, where its inputs come from, how to print.
    Check(CheckJob, Box<SourceArgs>, OutputArgs),
    Doc(Doc),
}

/// What `check` asks for beside its inputs and output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckJob {
    /// `--fail-on`: exit 1 when a finding of this severity or above exists.
    pub fail_on: Option<Severity>,
    /// `--emit-alarms`: print the alarms instead of the findings.
    pub emit_alarms: Option<AlarmFormat>,
}

/// A document generated from the clap definitions (`docs.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Completions(Shell),
    Man,
}

/// What a subcommand asks for, beside where its logs come from and how to
/// print the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Scan { fail_on_findings: bool },
    Explain { contact_id: String },
}

impl Cli {
    /// `--color`, for what is said before and after the run (errors).
    pub fn color(&self) -> ColorWhen {
        match &self.command {
            Command::Scan { output, .. }
            | Command::Explain { output, .. }
            | Command::Watch { output, .. }
            | Command::Check { output, .. } => output.color,
            // No --color there: errors (only writing stdout can fail) follow the terminal.
            Command::Completions { .. } | Command::Man => ColorWhen::Auto,
        }
    }
}

impl Command {
    /// The job, its source and its output options; or the document asked for.
    pub fn into_parts(self) -> Parts {
        match self {
            Command::Scan {
                source,
                output,
                fail_on_findings,
            } => Parts::Analysis(Job::Scan { fail_on_findings }, Box::new(source), output),
            Command::Explain {
                contact_id,
                source,
                output,
            } => {
                let contact_id = contact_id.trim().to_string();
                Parts::Analysis(Job::Explain { contact_id }, Box::new(source), output)
            }
            Command::Watch { target, output } => Parts::Watch(Box::new(target), output),
            Command::Check {
                source,
                output,
                fail_on,
                emit_alarms,
            } => {
                let job = CheckJob {
                    fail_on: fail_on.map(Severity::from),
                    emit_alarms: emit_alarms.map(AlarmFormat::from),
                };
                Parts::Check(job, Box::new(source), output)
            }
            Command::Completions { shell } => Parts::Doc(Doc::Completions(shell)),
            Command::Man => Parts::Doc(Doc::Man),
        }
    }
}

/// Where the logs come from and which part of them to analyse.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Exported logs: a file, or a directory whose sub-directories mirror
    /// log group names (DIR/aws/connect/<alias>/..., DIR/aws/lambda/<fn>/...).
    /// Repeatable. Without it, the logs are queried live with CloudWatch Logs
    /// Insights (see the AWS options).
    #[arg(long, short = 'i', value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// The Connect instance: its alias (analyse /aws/connect/<ALIAS>), or,
    /// live, its instance id or ARN. Needed offline only when the input
    /// holds several Connect log groups.
    #[arg(long, value_name = "ALIAS|ID|ARN")]
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
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// What `watch` watches, and how often.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The Connect instance: its alias, instance id or ARN.
    #[arg(long, value_name = "ALIAS|ID|ARN")]
    pub instance: Option<String>,
    /// The Connect flow-log group, named outright (overrides --instance).
    #[arg(long, value_name = "GROUP")]
    pub log_group: Option<String>,
    /// How often to look: 10s, 30s, 1m...
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_since)]
    pub interval: Millis,
    /// How far back the first look goes.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_since)]
    pub since: Millis,
    /// How much each look overlaps the previous one: CloudWatch Logs
    /// ingestion lags, and late events (a REPORT) can change a verdict.
    #[arg(long, value_name = "DURATION", default_value = "3m", value_parser = parse_since)]
    pub lag: Millis,
    #[command(flatten)]
    pub connection: AwsConnection,
}

impl WatchArgs {
    pub fn target(&self) -> Target {
        Target::from_args(self.instance.as_deref(), self.log_group.as_deref())
    }
}

/// Live scans: CloudWatch Logs Insights and the Lambda API (used when no
/// --input is given). Credentials and region come from the default chain,
/// as for the AWS CLI.
#[derive(Debug, Args)]
#[command(next_help_heading = "AWS (live scans, without --input)")]
pub struct AwsArgs {
    /// The period up to --end (or now): 15m, 1h, 2d... [default: 1h; check: 7d]
    #[arg(long, value_name = "DURATION", value_parser = parse_since, conflicts_with = "start")]
    pub since: Option<Millis>,
    #[command(flatten)]
    pub connection: AwsConnection,
    /// Write every event fetched into DIR, in the --input layout, so
    /// `scan --input DIR` reproduces the result (attach it to the incident).
    #[arg(long, value_name = "DIR")]
    pub save_logs: Option<PathBuf>,
    /// With --save-logs: replace a capture already in DIR (its files are
    /// removed; other files are left alone). Without it, the run refuses.
    #[arg(long, requires = "save_logs")]
    pub force: bool,
}

/// How to reach AWS, and how hard to ask (every live subcommand).
#[derive(Debug, Args)]
pub struct AwsConnection {
    /// The AWS profile (else AWS_PROFILE, else default).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The AWS region (else AWS_REGION, else the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (as the AWS CLI's option; the
    /// AWS_ENDPOINT_URL* variables work too).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Print the exact Logs Insights queries (stderr), to paste into the console.
    #[arg(long)]
    pub show_queries: bool,
    /// Logs Insights queries run at once (the account allows 100 in all).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub max_concurrent_queries: u16,
    /// Read every Lambda block of the period in one stage, as before the
    /// two stages: only for the benchmark that compares the plans
    /// (scripts/bench_live.sh).
    #[arg(long, hide = true)]
    pub single_stage: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// -v: list every skipped input line with its file and line number,
    /// and every AWS call with its HTTP status (stderr). -vv: the AWS SDK's
    /// debug log too (it redacts credentials; so does this tool).
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Show personal data as logged: phone numbers, e-mail addresses,
    /// attribute and parameter values, caller input. By default they are
    /// masked in every output.
    #[arg(long)]
    pub no_redact: bool,
    /// Under the triage screen, each failure's evidence and whole fix
    /// (the table output of `scan`).
    #[arg(long)]
    pub details: bool,
    /// Fit the table to N columns [default: the terminal's width; when
    /// stdout is not a terminal, values are never cut].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..=1000))]
    pub width: Option<u16>,
    /// Colour classes, headings and warnings: auto (terminals only; honours
    /// NO_COLOR and CLICOLOR_FORCE), always, never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line (one per failure, or per timeline block).
    Ndjson,
    /// GitHub-flavoured markdown tables, for incident tickets and chat.
    Markdown,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Ndjson => OutputFormat::Ndjson,
            Format::Markdown => OutputFormat::Markdown,
        }
    }
}

/// `check --fail-on`: the least severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A high finding: it breaks calls now, or at the first slow call.
    High,
    /// A medium or high finding.
    Medium,
    /// Any finding.
    Low,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
        }
    }
}

/// `check --emit-alarms`: how to write the alarms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitAlarms {
    /// A CloudFormation template (JSON).
    Cloudformation,
    /// `aws cloudwatch put-metric-alarm` commands, one per line.
    Cli,
}

impl From<EmitAlarms> for AlarmFormat {
    fn from(e: EmitAlarms) -> Self {
        match e {
            EmitAlarms::Cloudformation => AlarmFormat::CloudFormation,
            EmitAlarms::Cli => AlarmFormat::Cli,
        }
    }
}

fn parse_time(text: &str) -> Result<Millis, String> {
    parse_rfc3339(text)
}

/// `30s`, `15m`, `1h`, `2d` as milliseconds.
pub fn parse_since(text: &str) -> Result<Millis, String> {
    let text = text.trim();
    let bad = || format!("{text:?} is not a duration: use a number and s, m, h or d (15m, 1h, 2d)");
    let unit = text.chars().last().ok_or_else(bad)?;
    let number: Millis = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| bad())?;
    let ms = match unit {
        's' => 1_000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        _ => return Err(bad()),
    };
    match number.checked_mul(ms) {
        Some(total) if total > 0 => Ok(total),
        _ => Err(bad()),
    }
}

/// The default live period.
pub const DEFAULT_SINCE_MS: Millis = 3_600_000;

/// The live window, epoch ms: `--start`/`--end`, else `--since` (1 h)
/// up to `--end` or `now`.
pub fn live_window(
    since: Option<Millis>,
    start: Option<Millis>,
    end: Option<Millis>,
    now: Millis,
) -> Result<(Millis, Millis), String> {
    let end = end.unwrap_or(now);
    let start = start.unwrap_or(end - since.unwrap_or(DEFAULT_SINCE_MS));
    if start >= end {
        return Err("the period is empty: --start must be before --end (or now)".into());
    }
    Ok((start, end))
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
            (None, Some(alias)) => Some(connect_group(alias)),
            (None, None) => None,
        };
        Ok(Options {
            connect_group,
            start: self.start,
            end: self.end,
            connect_group_exists: false,
            function_settings: Default::default(),
            totals: None,
        })
    }

    /// No `--input`: the logs are queried live.
    pub fn is_live(&self) -> bool {
        self.input.is_empty()
    }

    /// How a live run reaches AWS and what it queries: the window is
    /// `--start`/`--end`, else `--since` up to `--end` or `now`.
    pub fn live_settings(
        &self,
        contact: Option<&str>,
        verbose: u8,
        now: Millis,
    ) -> Result<(AwsSettings, LiveSettings), String> {
        let (start, end) = live_window(self.aws.since, self.start, self.end, now)?;
        let target = Target::from_args(self.instance.as_deref(), self.log_group.as_deref());
        let (aws, mut settings) = self
            .aws
            .connection
            .live_settings(target, (start, end), verbose);
        settings.contact = contact.map(str::to_string);
        settings.save_logs = self.aws.save_logs.clone();
        settings.force = self.aws.force;
        Ok((aws, settings))
    }
}

impl AwsConnection {
    /// How to reach AWS, and what to query: `target` over `window`.
    pub fn live_settings(
        &self,
        target: Target,
        (start, end): (Millis, Millis),
        verbose: u8,
    ) -> (AwsSettings, LiveSettings) {
        let aws = AwsSettings {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            verbose: verbose > 0,
        };
        let settings = LiveSettings {
            target,
            start,
            end,
            contact: None,
            show_queries: self.show_queries,
            save_logs: None,
            force: false,
            trace_calls: verbose > 0,
            single_stage: self.single_stage,
            runner: RunnerConfig {
                max_concurrent: usize::from(self.max_concurrent_queries),
                ..RunnerConfig::default()
            },
        };
        (aws, settings)
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

    #[test]
    fn completions_and_man_are_documents_and_scan_is_unchanged() {
        let parts = |args: &[&str]| {
            let cli = Cli::parse_from([&["connect-timeouts"], args].concat());
            cli.command.into_parts()
        };
        assert!(matches!(
            parts(&["completions", "bash"]),
            Parts::Doc(Doc::Completions(Shell::Bash))
        ));
        assert!(matches!(parts(&["man"]), Parts::Doc(Doc::Man)));
        assert!(matches!(
            parts(&["scan", "-i", "x", "--fail-on-findings"]),
            Parts::Analysis(
                Job::Scan {
                    fail_on_findings: true
                },
                _,
                _
            )
        ));
        let Parts::Analysis(job, ..) = parts(&["explain", " c627399f ", "-i", "x"]) else {
            panic!("explain is an analysis")
        };
        assert_eq!(
            job,
            Job::Explain {
                contact_id: "c627399f".into()
            }
        );
    }

    #[test]
    fn check_takes_its_severity_and_alarm_format() {
        let cli = Cli::parse_from([
            "connect-timeouts",
            "check",
            "-i",
            "x",
            "--fail-on",
            "medium",
            "--emit-alarms",
            "cloudformation",
        ]);
        let Parts::Check(job, source, _) = cli.command.into_parts() else {
            panic!("check is its own part")
        };
        assert_eq!(
            job,
            CheckJob {
                fail_on: Some(Severity::Medium),
                emit_alarms: Some(AlarmFormat::CloudFormation)
            }
        );
        assert!(!source.is_live());
        assert!(Cli::try_parse_from(["connect-timeouts", "check", "--fail-on", "urgent"]).is_err());
    }

    #[test]
    fn durations_and_live_windows() {
        assert_eq!(parse_since("15m"), Ok(900_000));
        assert_eq!(parse_since("2d"), Ok(172_800_000));
        assert!(parse_since("1w").is_err());
        assert!(parse_since("0h").is_err());
        assert!(parse_since("h").is_err());
        let now = 10_000_000;
        assert_eq!(
            live_window(None, None, None, now),
            Ok((now - 3_600_000, now))
        );
        assert_eq!(
            live_window(Some(60_000), None, Some(5_000_000), now),
            Ok((4_940_000, 5_000_000))
        );
        assert_eq!(live_window(None, Some(1_000), None, now), Ok((1_000, now)));
        assert!(live_window(None, Some(now + 1), None, now).is_err());
    }

    #[test]
    fn input_is_optional_and_since_conflicts_with_start() {
        let cli = Cli::try_parse_from([
            "connect-timeouts",
            "scan",
            "--instance",
            "acme",
            "--since",
            "15m",
        ]);
        assert!(cli.is_ok());
        let cli = Cli::try_parse_from([
            "connect-timeouts",
            "scan",
            "--since",
            "15m",
            "--start",
            "2026-11-28T10:00:00Z",
        ]);
        assert!(cli.is_err());
    }
}
