//! CloudWatch Logs Insights and the Lambda API as a `LogSource`: the same
//! two passes as the offline files, fed by queries. Every row is re-checked
//! by the engine's own parsers; the queries' filters only reduce what is
//! transferred (emulators ignore them, and Insights discovers at most 100
//! JSON fields per event, so the filters match on `@message`).

pub mod aws_error;
pub mod lambda_config;
pub mod queries;
pub mod query;
pub mod save;
pub mod trace;

use super::{Accepted, Event, LogSource, Prepare, Prepared, SourceError};
use crate::classify::FunctionSettings;
use crate::model::{FlowEntry, InputFileSummary, InputsSummary, Millis, Origin, SkippedLines};
use crate::parse::connect::parse_flow_entry;
use crate::time::format_time;
use crate::windows::{tail_for, Windows};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lambda_config::FunctionConfig;
use query::{QuerySpec, Row, RunnerConfig, Stats};
use save::Saver;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use trace::Recorder;

const CONNECT_PREFIX: &str = "/aws/connect/";

/// How to reach AWS (the AWS CLI's flags).
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// `--verbose`: say where the region and credentials came from.
    pub verbose: bool,
}

/// Which Connect flow-log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `--log-group`, named outright.
    Group(String),
    /// `--instance` given as an alias: `/aws/connect/<alias>`.
    Alias(String),
    /// `--instance` given as an instance id or ARN.
    InstanceId(String),
    /// Neither: the only `/aws/connect/` group of the account.
    Any,
}

impl Target {
    pub fn from_args(instance: Option<&str>, log_group: Option<&str>) -> Target {
        match (log_group, instance) {
            (Some(g), _) => Target::Group(g.to_string()),
            (None, Some(i)) if i.starts_with("arn:") || is_uuid(i) => {
                Target::InstanceId(i.to_string())
            }
            (None, Some(alias)) => Target::Alias(alias.to_string()),
            (None, None) => Target::Any,
        }
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// What to query.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    pub target: Target,
    /// The period, epoch ms.
    pub start: Millis,
    pub end: Millis,
    /// `explain`: the contact whose entries are fetched too.
    pub contact: Option<String>,
    pub show_queries: bool,
    pub save_logs: Option<PathBuf>,
    /// `--force`: replace a capture already in the `save_logs` directory.
    pub force: bool,
    /// `--verbose`: print every AWS call (stderr) instead of a progress bar.
    pub trace_calls: bool,
    pub runner: RunnerConfig,
}

/// The AWS operations the tool may call (the README's IAM policy).
pub const ALLOWED_CALLS: &[&str] = &[
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:StopQuery",
    "logs:DescribeLogGroups",
    "lambda:GetFunctionConfiguration",
    "lambda:GetProvisionedConcurrencyConfig",
    "lambda:ListProvisionedConcurrencyConfigs",
    "connect:DescribeInstance",
];

pub struct InsightsSource {
    rt: Runtime,
    logs: aws_sdk_cloudwatchlogs::Client,
    lambda: aws_sdk_lambda::Client,
    settings: LiveSettings,
    group: String,
    known: Vec<String>,
    stats: Stats,
    summaries: Vec<InputFileSummary>,
    configs: BTreeMap<String, FunctionConfig>,
    qualifiers: BTreeMap<String, BTreeSet<Option<String>>>,
    saver: Option<Saver>,
    calls: Arc<Mutex<Vec<String>>>,
    region: String,
    ctrl_c: watch::Receiver<bool>,
}

impl InsightsSource {
    /// Load credentials and region from the default chain (with the
    /// flags' overrides), check them, and find the Connect group.
    pub fn open(aws: &AwsSettings, settings: LiveSettings) -> Result<Self, SourceError> {
        let rt = runtime()?;
        let config = rt.block_on(load_config(aws))?;
        Self::with_config(rt, &config, settings)
    }

    /// The same, with a configuration built by the caller (tests).
    pub fn with_config(
        rt: Runtime,
        config: &SdkConfig,
        settings: LiveSettings,
    ) -> Result<Self, SourceError> {
        let calls: Arc<Mutex<Vec<String>>> = Arc::default();
        let logs_conf = aws_sdk_cloudwatchlogs::config::Builder::from(config)
            .interceptor(Recorder {
                prefix: "logs",
                calls: calls.clone(),
                print: settings.trace_calls,
            })
            .build();
        let lambda_conf = aws_sdk_lambda::config::Builder::from(config)
            .interceptor(Recorder {
                prefix: "lambda",
                calls: calls.clone(),
                print: settings.trace_calls,
            })
            .build();
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(logs_conf);
        let lambda = aws_sdk_lambda::Client::from_conf(lambda_conf);
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        let saver = match &settings.save_logs {
            Some(dir) => Some(Saver::new(dir, settings.force)?),
            None => None,
        };
        let ctrl_c = listen_for_ctrl_c(&rt);
        let (group, known) = block_or_interrupt(
            &rt,
            &ctrl_c,
            resolve_group(&logs, &settings.target, &region),
        )??;
        Ok(InsightsSource {
            rt,
            logs,
            lambda,
            settings,
            group,
            known,
            stats: Stats::default(),
            summaries: Vec::new(),
            configs: BTreeMap::new(),
            qualifiers: BTreeMap::new(),
            saver,
            calls,
            region,
            ctrl_c,
        })
    }

    /// The Connect flow-log group the run reads.
    pub fn connect_group(&self) -> &str {
        &self.group
    }

    /// Every AWS operation called so far, as `service:Operation`.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The configuration of each function read in pass 2.
    pub fn function_configs(&self) -> Vec<FunctionConfig> {
        self.configs.values().cloned().collect()
    }

    /// Flush `--save-logs`.
    pub fn finish(&mut self) -> Result<(), SourceError> {
        let settings = self.function_settings();
        match &mut self.saver {
            Some(saver) => saver.finish(&settings),
            None => Ok(()),
        }
    }

    /// Run the queries with a progress bar, Ctrl-C stopping them.
    fn run(&mut self, specs: Vec<QuerySpec>) -> Result<Vec<Vec<Row>>, SourceError> {
        self.check_interrupted()?;
        if self.settings.show_queries {
            for spec in &specs {
                eprintln!(
                    "query over {}:\n{}\n",
                    spec.window(),
                    spec.text(self.settings.runner.row_limit)
                );
            }
        }
        let bar = progress_bar(!self.settings.trace_calls);
        let mut stats = self.stats;
        let outcome = self.rt.block_on(query::run_queries(
            &self.logs,
            specs,
            &self.settings.runner,
            &mut stats,
            &mut |s: &Stats| {
                bar.set_message(format!(
                    "queries: {} running, {} done; {} rows; {} scanned",
                    s.running,
                    s.done,
                    s.rows,
                    human_bytes(s.bytes_scanned)
                ))
            },
            interrupted(self.ctrl_c.clone()),
        ));
        bar.finish_and_clear();
        self.stats = stats;
        let outcome = outcome?;
        for warning in &outcome.warnings {
            eprintln!("warning: {warning}");
        }
        if let Some(saver) = &mut self.saver {
            for rows in &outcome.rows {
                saver.write(rows)?;
            }
        }
        Ok(outcome.rows)
    }

    /// Remember which qualifier (alias or version) Connect invoked each
    /// function with, for its configuration.
    fn note_qualifier(&mut self, message: &str) {
        let origin = Origin {
            file: String::new(),
            line: 0,
        };
        if let Ok(FlowEntry {
            lambda: Some(lambda),
            ..
        }) = parse_flow_entry(message, 0, origin)
        {
            self.qualifiers
                .entry(lambda.function_name)
                .or_default()
                .insert(lambda.qualifier);
        }
    }

    fn check_interrupted(&self) -> Result<(), SourceError> {
        if *self.ctrl_c.borrow() {
            return Err(SourceError::Interrupted);
        }
        Ok(())
    }

    fn summary(&mut self, label: String, events: u64, skips: BTreeMap<String, SkippedLines>) {
        self.summaries.push(InputFileSummary {
            file: label,
            format: "CloudWatch Logs Insights query".into(),
            events,
            skipped: skips.into_values().collect(),
        });
    }
}

impl LogSource for InsightsSource {
    fn connect_events(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        _prepare: &Prepare<'_>,
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        let spec = QuerySpec {
            groups: vec![self.group.clone()],
            query: queries::connect_query(self.settings.contact.as_deref()),
            start: self.settings.start.div_euclid(1000),
            end: ceil_seconds(self.settings.end),
        };
        let label = format!("query {}", spec.window());
        let rows = self.run(vec![spec])?.into_iter().flatten();
        let mut skips: BTreeMap<String, SkippedLines> = BTreeMap::new();
        let mut events = 0;
        let contact = self.settings.contact.clone();
        let rows = rows.filter(|r| queries::connect_row_wanted(&r.message, contact.as_deref()));
        for (i, row) in rows.enumerate() {
            self.note_qualifier(&row.message);
            // The server names the group; trust the query's own group when
            // an emulator names it differently.
            let group = if wanted(&row.group) {
                &row.group
            } else {
                &self.group
            };
            events += 1;
            let line = i as u64 + 1;
            let event = Event {
                group,
                stream: &row.stream,
                timestamp: row.timestamp,
                message: &row.message,
                file: &label,
                line,
            };
            // Rows arrive on this thread: the sink prepares them itself.
            if let Err(reason) = sink(&event, None) {
                let entry = skips.entry(reason.clone()).or_insert(SkippedLines {
                    reason,
                    count: 0,
                    lines: Vec::new(),
                });
                entry.count += 1;
                if entry.lines.len() < 100 {
                    entry.lines.push(line);
                }
            }
        }
        self.summary(label, events, skips);
        Ok(())
    }

    fn lambda_events(
        &mut self,
        windows: &Windows,
        sink: &mut dyn FnMut(&str, &Event<'_>),
    ) -> Result<(), SourceError> {
        let functions: Vec<String> = windows.functions().into_iter().map(String::from).collect();
        for function in &functions {
            if self.configs.contains_key(function) {
                continue;
            }
            self.check_interrupted()?;
            // The qualifier Connect used, when it used only one.
            let qualifier = match self.qualifiers.get(function) {
                Some(used) if used.len() == 1 => used.iter().next().cloned().flatten(),
                _ => None,
            };
            let config = block_or_interrupt(
                &self.rt,
                &self.ctrl_c,
                lambda_config::fetch(&self.lambda, function, qualifier.as_deref()),
            )?;
            for note in &config.notes {
                eprintln!("note: {}: {note}", config.name);
            }
            self.configs.insert(function.clone(), config);
        }
        let mut specs = Vec::new();
        let mut owners = Vec::new();
        for function in &functions {
            let group = self
                .configs
                .get(function)
                .map(|c| c.log_group.clone())
                .unwrap_or_else(|| lambda_config::default_group(function));
            let tail = tail_for(self.configs.get(function).and_then(|c| c.timeout_s));
            for (start, end) in query_ranges(windows.ranges(function), tail) {
                specs.push(QuerySpec {
                    groups: vec![group.clone()],
                    query: queries::lambda_query(),
                    start,
                    end,
                });
                owners.push(function.clone());
            }
        }
        let labels: Vec<String> = specs
            .iter()
            .map(|s| format!("query {}", s.window()))
            .collect();
        let results = self.run(specs)?;
        for ((function, label), rows) in owners.iter().zip(&labels).zip(&results) {
            for (i, row) in rows.iter().enumerate() {
                sink(
                    function,
                    &Event {
                        group: &row.group,
                        stream: &row.stream,
                        timestamp: row.timestamp,
                        message: &row.message,
                        file: label,
                        line: i as u64 + 1,
                    },
                );
            }
            self.summary(label.clone(), rows.len() as u64, BTreeMap::new());
        }
        Ok(())
    }

    fn known_groups(&self) -> Vec<String> {
        self.known.clone()
    }

    fn function_settings(&self) -> BTreeMap<String, FunctionSettings> {
        self.configs
            .iter()
            .map(|(name, config)| (name.clone(), config.settings()))
            .collect()
    }

    fn inputs(&self) -> InputsSummary {
        let mut out = InputsSummary::default();
        for s in &self.summaries {
            out.events_read += s.events;
            out.lines_skipped += s.skipped.iter().map(|k| k.count).sum::<u64>();
            out.files.push(s.clone());
        }
        out
    }

    fn describe(&self) -> String {
        format!(
            "CloudWatch Logs in {} ({} to {})",
            if self.region.is_empty() {
                "the default region"
            } else {
                &self.region
            },
            format_time(self.settings.start),
            format_time(self.settings.end)
        )
    }
}

/// Whole seconds covering a window and its END/REPORT `tail`, merged where
/// the tails make them overlap (so no event is fetched twice).
pub fn query_ranges(ranges: &[(Millis, Millis)], tail: Millis) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &(lo, hi) in ranges {
        let (start, end) = (lo.div_euclid(1000), ceil_seconds(hi + tail));
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

fn ceil_seconds(ms: Millis) -> i64 {
    (ms + 999).div_euclid(1000)
}

fn runtime() -> Result<Runtime, SourceError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| SourceError::Config(format!("cannot start the async runtime: {e}")))
}

/// Listen for Ctrl-C for the whole run (once the handler is installed, a
/// Ctrl-C between queries must not be lost): the flag turns true for good.
fn listen_for_ctrl_c(rt: &Runtime) -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = tx.send(true);
        }
    });
    rx
}

/// Run `fut` to completion unless Ctrl-C comes first.
fn block_or_interrupt<T>(
    rt: &Runtime,
    ctrl_c: &watch::Receiver<bool>,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, SourceError> {
    rt.block_on(async {
        tokio::select! {
            out = fut => Ok(out),
            _ = interrupted(ctrl_c.clone()) => Err(SourceError::Interrupted),
        }
    })
}

/// Resolves once Ctrl-C was pressed (never, if the handler could not be
/// installed).
async fn interrupted(mut rx: watch::Receiver<bool>) {
    if rx.wait_for(|pressed| *pressed).await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn load_config(aws: &AwsSettings) -> Result<SdkConfig, SourceError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &aws.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &aws.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &aws.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(SourceError::Config(
            "no AWS region: pass --region, set AWS_REGION, or give the profile a region".into(),
        ));
    }
    let Some(provider) = config.credentials_provider() else {
        return Err(SourceError::Config(no_credentials(
            "no credentials provider",
        )));
    };
    let credentials = provider.provide_credentials().await;
    if aws.verbose {
        eprintln!(
            "aws: region {}, endpoint {}, credentials {}",
            config.region().map(|r| r.to_string()).unwrap_or_default(),
            aws.endpoint_url.as_deref().unwrap_or("(default)"),
            match &credentials {
                // The provider's name and the key id's last 4 characters
                // tell which identity is in use; the secret never leaves.
                Ok(c) => format!(
                    "found (key id ...{}{})",
                    tail(c.access_key_id(), 4),
                    if c.session_token().is_some() {
                        ", with a session token"
                    } else {
                        ""
                    }
                ),
                Err(_) => "not found".to_string(),
            }
        );
    }
    if let Err(e) = credentials {
        let text = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("sso") || lower.contains("expired") {
            return Err(SourceError::Config(format!(
                "the AWS SSO session is missing or expired: run aws sso login{} ({text})",
                aws.profile
                    .as_deref()
                    .map(|p| format!(" --profile {p}"))
                    .unwrap_or_default()
            )));
        }
        return Err(SourceError::Config(no_credentials(&text)));
    }
    Ok(config)
}

/// The last `n` characters of `text`.
fn tail(text: &str, n: usize) -> &str {
    let start = text
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &text[start..]
}

fn no_credentials(detail: &str) -> String {
    format!(
        "no AWS credentials found ({detail}): pass --profile or set AWS_PROFILE, run aws configure \
         or aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )
}

/// The Connect group to query, checked to exist, and the `/aws/connect/`
/// groups of the account (for messages).
async fn resolve_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    target: &Target,
    region: &str,
) -> Result<(String, Vec<String>), SourceError> {
    let connect_groups = list_groups(logs, CONNECT_PREFIX).await?;
    let listing = || {
        if connect_groups.is_empty() {
            format!("no {CONNECT_PREFIX} log group exists in {region}")
        } else {
            format!(
                "the {CONNECT_PREFIX} log groups in {region}: {}",
                connect_groups.join(", ")
            )
        }
    };
    let group = match target {
        Target::Group(g) => g.clone(),
        Target::Alias(alias) => format!("{CONNECT_PREFIX}{alias}"),
        Target::InstanceId(id) => match connect_groups.as_slice() {
            [only] => {
                eprintln!(
                    "note: instance {id}: using {only}, the only {CONNECT_PREFIX} log group \
                     (pass --instance <alias> or --log-group to be explicit)"
                );
                only.clone()
            }
            _ => {
                return Err(SourceError::Config(format!(
                    "cannot tell which log group belongs to instance {id} (the tool does not call \
                     connect:DescribeInstance): pass --instance <alias> or --log-group; {}",
                    listing()
                )))
            }
        },
        Target::Any => match connect_groups.as_slice() {
            [only] => only.clone(),
            [] => return Err(SourceError::Service(format!(
                "no Amazon Connect flow-log group: {}; enable flow logs on the instance, or name the group with --log-group",
                listing()
            ))),
            _ => return Err(SourceError::Config(format!(
                "several Connect flow-log groups: pick one with --instance <alias> or --log-group; {}",
                listing()
            ))),
        },
    };
    let exists = if group.starts_with(CONNECT_PREFIX) {
        connect_groups.contains(&group)
    } else {
        list_groups(logs, &group).await?.contains(&group)
    };
    if !exists {
        return Err(SourceError::Service(format!(
            "log group {group} not found; {}",
            listing()
        )));
    }
    Ok((group, connect_groups))
}

async fn list_groups(
    logs: &aws_sdk_cloudwatchlogs::Client,
    prefix: &str,
) -> Result<Vec<String>, SourceError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = logs
            .describe_log_groups()
            .log_group_name_prefix(prefix)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| aws_error::describe(&e, "logs:DescribeLogGroups", prefix, ""))?;
        names.extend(
            out.log_groups
                .unwrap_or_default()
                .into_iter()
                .filter_map(|g| g.log_group_name),
        );
        match out.next_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    names.sort();
    Ok(names)
}

/// The spinner; hidden under `--verbose`, whose lines it would garble.
fn progress_bar(shown: bool) -> ProgressBar {
    let target = if shown {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::windows::TAIL_MS;

    #[test]
    fn instance_ids_and_arns_are_told_from_aliases() {
        assert_eq!(
            Target::from_args(Some("acme-prod"), None),
            Target::Alias("acme-prod".into())
        );
        let id = "3ff2093d-af96-43fd-b038-3c07cdd7609c";
        assert_eq!(
            Target::from_args(Some(id), None),
            Target::InstanceId(id.into())
        );
        let arn = format!("arn:aws:connect:us-east-1:111122223333:instance/{id}");
        assert_eq!(
            Target::from_args(Some(&arn), None),
            Target::InstanceId(arn.clone())
        );
        assert_eq!(
            Target::from_args(Some(id), Some("/custom/flows")),
            Target::Group("/custom/flows".into())
        );
        assert_eq!(Target::from_args(None, None), Target::Any);
    }

    #[test]
    fn query_ranges_cover_the_tail_in_whole_seconds_and_merge() {
        let r = query_ranges(&[(1_000_500, 1_002_001), (1_030_000, 1_031_000)], TAIL_MS);
        assert_eq!(r, vec![(1_000, 1_091)]);
        let r = query_ranges(&[(1_000_500, 1_002_001), (2_000_000, 2_000_001)], TAIL_MS);
        assert_eq!(r, vec![(1_000, 1_063), (2_000, 2_061)]);
        // A 3 s function: 15 s of tail; the two windows no longer merge.
        let r = query_ranges(
            &[(1_000_500, 1_002_001), (1_030_000, 1_031_000)],
            tail_for(Some(3)),
        );
        assert_eq!(r, vec![(1_000, 1_018), (1_030, 1_046)]);
        assert_eq!(tail_for(Some(900)), TAIL_MS);
        assert_eq!(tail_for(None), TAIL_MS);
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_bytes(1_500_000.0), "1.5 MB");
    }
}
