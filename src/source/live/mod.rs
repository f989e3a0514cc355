//! CloudWatch Logs Insights and the Lambda API as a `LogSource`: the same
//! two passes as the offline files, fed by queries. Every row is re-checked
//! by the engine's own parsers; the queries' filters only reduce what is
//! transferred (emulators ignore them, and Insights discovers at most 100
//! JSON fields per event, so the filters match on `@message`).

pub mod aws_error;
pub mod check;
pub mod connect;
mod credentials;
mod groups;
mod instance;
pub mod lambda_config;
mod progress;
pub mod queries;
pub mod query;
mod runtime;
pub mod save;
mod target;
pub mod trace;
pub mod xray;

pub use target::Target;

use super::{Accepted, Event, LogSource, Prepare, Prepared, SourceError};
use crate::model::conventions::default_lambda_group;
use crate::model::{
    ConnectTotals, FunctionConfig, FunctionSettings, InputFileSummary, InputsSummary, LiveRun,
    Millis, SkippedLines, TraceBatch,
};
use crate::units::{format_time, human_bytes};
use crate::windows::{merge, subtract, tail_for, Neighbourhoods, Windows};
use aws_config::SdkConfig;
use query::{QuerySpec, Record, Row, RunnerConfig, Stats};
use runtime::{block_or_interrupt, interrupted, listen_for_ctrl_c};
use save::Saver;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use trace::Recorder;

/// How to reach AWS (the AWS CLI's flags).
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// `--verbose`: say where the region and credentials came from.
    pub verbose: bool,
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
    /// Pass 1 in one stage, every Lambda block of the period (the plan
    /// before the two stages): for the benchmark that compares them.
    pub single_stage: bool,
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
    "connect:ListInstances",
    "connect:DescribeInstance",
    "connect:DescribeInstanceAttribute",
    "connect:ListContactFlows",
    "connect:DescribeContactFlow",
    "connect:ListContactFlowModules",
    "connect:DescribeContactFlowModule",
    "lambda:GetFunctionConcurrency",
    "lambda:GetAccountSettings",
    "cloudwatch:GetMetricData",
    "xray:BatchGetTraces",
];

pub struct InsightsSource {
    rt: Runtime,
    logs: aws_sdk_cloudwatchlogs::Client,
    lambda: aws_sdk_lambda::Client,
    xray: aws_sdk_xray::Client,
    settings: LiveSettings,
    group: String,
    known: Vec<String>,
    stats: Stats,
    summaries: Vec<InputFileSummary>,
    configs: BTreeMap<String, FunctionConfig>,
    saver: Option<Saver>,
    calls: Arc<Mutex<Vec<String>>>,
    region: String,
    ctrl_c: watch::Receiver<bool>,
    /// Interactive: a spinner while queries run, notes printed as they
    /// come. `watch` turns it off: it keeps its own status line on stderr,
    /// and prints the notes it takes.
    interactive: bool,
    /// The Connect rows delivered in this look, by content: stage 2 never
    /// delivers what stage 1 did (see `connect.rs`).
    delivered: HashSet<connect::RowKey>,
    /// The period's totals, counted by Insights alongside stage 1.
    totals: Option<ConnectTotals>,
    /// Notes said (or held) so far: each is said once in a session.
    notes: Vec<String>,
    /// How many of `notes` the caller has taken (`take_notes`).
    notes_taken: usize,
}

/// Per spec, its rows; and per spec, the records of the aggregate ones.
type Answers = (Vec<Vec<Row>>, Vec<Vec<Record>>);

impl InsightsSource {
    /// Load credentials and region from the default chain (with the
    /// flags' overrides), check them, and find the Connect group.
    pub fn open(aws: &AwsSettings, settings: LiveSettings) -> Result<Self, SourceError> {
        let rt = runtime::runtime()?;
        let config = rt.block_on(credentials::load_config(aws))?;
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
        // Only for finding the instance's flow-log group, so not kept.
        let connect_conf = aws_sdk_connect::config::Builder::from(config)
            .interceptor(Recorder {
                prefix: "connect",
                calls: calls.clone(),
                print: settings.trace_calls,
            })
            .build();
        let xray_conf = aws_sdk_xray::config::Builder::from(config)
            .interceptor(Recorder {
                prefix: "xray",
                calls: calls.clone(),
                print: settings.trace_calls,
            })
            .build();
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(logs_conf);
        let lambda = aws_sdk_lambda::Client::from_conf(lambda_conf);
        let xray = aws_sdk_xray::Client::from_conf(xray_conf);
        let connect = aws_sdk_connect::Client::from_conf(connect_conf);
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        let saver = match &settings.save_logs {
            Some(dir) => Some(Saver::new(dir, settings.force)?),
            None => None,
        };
        let ctrl_c = listen_for_ctrl_c(&rt);
        let (group, known) = block_or_interrupt(
            &rt,
            &ctrl_c,
            target::resolve_group(&logs, &connect, &settings.target, &region),
        )??;
        Ok(InsightsSource {
            rt,
            logs,
            lambda,
            xray,
            settings,
            group,
            known,
            stats: Stats::default(),
            summaries: Vec::new(),
            configs: BTreeMap::new(),
            saver,
            calls,
            region,
            ctrl_c,
            interactive: true,
            delivered: HashSet::new(),
            totals: None,
            notes: Vec::new(),
            notes_taken: 0,
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

    /// What the run queried and what it cost, with the configuration of
    /// each function read in pass 2.
    pub fn live_run(&self) -> LiveRun {
        let stats = self.stats;
        LiveRun {
            queries: stats.done,
            window_splits: stats.splits,
            rows: stats.rows,
            bytes_scanned: stats.bytes_scanned,
            estimated_cost_usd: stats.cost_usd(),
            functions: self.configs.values().cloned().collect(),
        }
    }

    /// Move to the next window (`watch`'s ticks): the clients, the group
    /// and the costs so far are kept; what was read belongs to the previous
    /// tick, and so does the functions' configuration: the fix being
    /// watched may be a new timeout, and the verdicts must use it.
    pub fn next_window(&mut self, start: Millis, end: Millis) {
        self.settings.start = start;
        self.settings.end = end;
        self.summaries.clear();
        self.configs.clear();
        self.delivered.clear();
        self.totals = None;
    }

    /// No spinner, and notes held for `take_notes` (`watch`).
    pub fn quiet(&mut self) {
        self.interactive = false;
    }

    /// The notes said since the last call (quiet mode).
    pub fn take_notes(&mut self) -> Vec<String> {
        let new = self.notes[self.notes_taken..].to_vec();
        self.notes_taken = self.notes.len();
        new
    }

    /// A note on stderr (held when quiet), once per session: `watch`
    /// reads the same functions every tick.
    fn note(&mut self, text: String) {
        if self.notes.contains(&text) {
            return;
        }
        if self.interactive {
            eprintln!("{text}");
            self.notes_taken += 1;
        }
        self.notes.push(text);
    }

    /// Wait `duration` unless Ctrl-C comes first (`watch` between ticks).
    pub fn sleep(&self, duration: Duration) -> Result<(), SourceError> {
        self.check_interrupted()?;
        // The timer is made inside the runtime: `async` defers it to there.
        block_or_interrupt(&self.rt, &self.ctrl_c, async move {
            tokio::time::sleep(duration).await
        })
    }

    /// Flush `--save-logs`.
    pub fn finish(&mut self) -> Result<(), SourceError> {
        let settings = self.function_settings();
        match &mut self.saver {
            Some(saver) => saver.finish(&settings, self.totals.as_ref()),
            None => Ok(()),
        }
    }

    /// Run the queries with a progress bar, Ctrl-C stopping them: the
    /// rows of each spec, and the records of the aggregate ones.
    fn run(&mut self, specs: Vec<QuerySpec>) -> Result<Vec<Vec<Row>>, SourceError> {
        Ok(self.run_all(specs)?.0)
    }

    fn run_all(&mut self, specs: Vec<QuerySpec>) -> Result<Answers, SourceError> {
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
        let bar = progress::progress_bar(self.interactive && !self.settings.trace_calls);
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
        Ok((outcome.rows, outcome.records))
    }

    /// Keep rows for `--save-logs`.
    fn save(&mut self, rows: &[Row]) -> Result<(), SourceError> {
        match &mut self.saver {
            Some(saver) => saver.write(rows),
            None => Ok(()),
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
        self.whole_period(wanted, sink)
    }

    fn staged(&self) -> bool {
        !self.settings.single_stage
    }

    fn failed_connect_events(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        self.failed_blocks(wanted, sink)
    }

    fn connect_events_in(
        &mut self,
        neighbourhoods: &Neighbourhoods,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        self.neighbours(neighbourhoods, wanted, sink)
    }

    fn connect_totals(&mut self) -> Result<Option<ConnectTotals>, SourceError> {
        Ok(self.totals.clone())
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
            let mut config = block_or_interrupt(
                &self.rt,
                &self.ctrl_c,
                lambda_config::fetch(&self.lambda, function, windows.qualifier(function)),
            )?;
            if !config.log_group_named {
                let found = block_or_interrupt(
                    &self.rt,
                    &self.ctrl_c,
                    lambda_config::find_log_group(&self.logs, function),
                )??;
                if let Some(group) = found {
                    config.notes.push(format!(
                        "logs in {group}, the only log group named after it (the configuration did not name one, and {} does not exist)",
                        config.log_group
                    ));
                    config.log_group = group;
                }
            }
            if config.changed_after(self.settings.end) {
                config.notes.push(
                    "its configuration changed after the period: END/REPORT lines are read for 60 s after each window, and the verdicts do not use the configuration read".to_string(),
                );
            }
            for note in &config.notes {
                self.note(format!("note: {}: {note}", config.name));
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
                .unwrap_or_else(|| default_lambda_group(function));
            // A timeout changed since may be shorter than the one in force
            // then: the longest tail.
            let timeout = self
                .configs
                .get(function)
                .filter(|c| !c.changed_after(self.settings.end))
                .and_then(|c| c.timeout_s);
            let tail = tail_for(timeout);
            for ((start, end), part) in lambda_plan(windows.ranges(function), tail) {
                let query = match part {
                    Part::Window => queries::lambda_query(),
                    Part::Tail => queries::lambda_tail_query(),
                };
                specs.push(QuerySpec {
                    aggregate: false,
                    groups: vec![group.clone()],
                    query,
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
        let mut results = self.run(specs)?;
        // A tail starts in the second its window ends in: an event at that
        // instant comes twice (and must be counted, saved and kept once).
        let mut seen = HashSet::new();
        for rows in &mut results {
            rows.retain(|r| {
                seen.insert((
                    r.group.clone(),
                    r.stream.clone(),
                    r.timestamp,
                    r.message.clone(),
                ))
            });
            self.save(rows)?;
        }
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

    /// `BatchGetTraces` (see `xray.rs`): a failed call is a note, and its
    /// traces count as not read.
    fn traces(&mut self, ids: &[String]) -> Result<TraceBatch, SourceError> {
        if ids.is_empty() {
            return Ok(TraceBatch::default());
        }
        self.check_interrupted()?;
        let fetched = self.rt.block_on(xray::fetch(
            &self.xray,
            ids,
            &self.settings.runner,
            interrupted(self.ctrl_c.clone()),
        ))?;
        for note in &fetched.notes {
            self.note(format!("note: {note}"));
        }
        // An answer, even an empty one, is what the replay must see (its
        // traces "not returned"); with no answer at all, the capture holds
        // no trace document and the replay, like this run, did not read them.
        // (When only some calls answered, the replay says "not returned"
        // where this run says "not read": one document cannot say both.)
        if let Some(saver) = &mut self.saver {
            if fetched.any_answered {
                saver.keep_traces(&fetched.traces);
            }
        }
        Ok(fetched.batch())
    }

    fn known_groups(&self) -> Vec<String> {
        self.known.clone()
    }

    fn function_settings(&self) -> BTreeMap<String, FunctionSettings> {
        self.configs
            .iter()
            .map(|(name, config)| (name.clone(), config.settings(self.settings.end)))
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

/// What a Lambda query over a range of seconds reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Every line (an invocation's output, its START and INIT).
    Window,
    /// Only the lines that close an invocation (END, REPORT, timeouts,
    /// errors): what the analysis keeps after a window (`in_tail`).
    Tail,
}

/// The queries of a function's group: its windows, read whole, and after
/// them their tails (closing lines only), in whole seconds and time order.
/// StartQuery's end second covers only its first instant (as moto, and
/// AWS's "inclusive"), so a tail starts in the second its window ends in:
/// an event at that very instant can come twice, and the caller drops the
/// second copy. The tail is most of the time read and, on a busy function,
/// most of its lines: filtering it keeps the rows proportional to the
/// windows.
pub fn lambda_plan(ranges: &[(Millis, Millis)], tail: Millis) -> Vec<((i64, i64), Part)> {
    let windows = merge(
        ranges
            .iter()
            .map(|&(lo, hi)| (lo.div_euclid(1000), ceil_seconds(hi)))
            .collect(),
    );
    // In ms: what the windows' queries cover, and the tails still needed.
    let covered: Vec<(Millis, Millis)> =
        windows.iter().map(|&(a, b)| (a * 1000, b * 1000)).collect();
    let tails = merge(
        ranges
            .iter()
            .map(|&(_, hi)| (hi + 1, hi + tail))
            .filter(|(lo, hi)| lo <= hi)
            .collect(),
    );
    let mut plan: Vec<((i64, i64), Part)> = windows.iter().map(|&w| (w, Part::Window)).collect();
    let tail_seconds = merge(
        subtract(&tails, &covered)
            .into_iter()
            .map(|(lo, hi)| (lo.div_euclid(1000), ceil_seconds(hi)))
            .collect(),
    );
    plan.extend(tail_seconds.into_iter().map(|t| (t, Part::Tail)));
    plan.sort_by_key(|&((lo, _), part)| (lo, part == Part::Tail));
    plan
}

pub(crate) fn ceil_seconds(ms: Millis) -> i64 {
    (ms + 999).div_euclid(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::windows::TAIL_MS;

    #[test]
    fn the_lambda_plan_reads_windows_whole_then_tails_filtered_with_no_gap() {
        // Windows 1000.5..1002.001 s and 1030..1031 s, a 60 s tail: the
        // first tail runs into the second window, which is read whole.
        let ranges = [(1_000_500, 1_002_001), (1_030_000, 1_031_000)];
        let plan = lambda_plan(&ranges, TAIL_MS);
        assert_eq!(
            plan,
            vec![
                ((1_000, 1_003), Part::Window),
                ((1_003, 1_030), Part::Tail),
                ((1_030, 1_031), Part::Window),
                ((1_031, 1_091), Part::Tail),
            ]
        );
        // A query over seconds [a, b] covers [a s, b s] to the ms (its end
        // second's first instant only): every ms from the first window to
        // the last tail is covered.
        let covers = |t: Millis| {
            plan.iter()
                .any(|&((a, b), _)| a * 1000 <= t && t <= b * 1000)
        };
        assert!((1_000_500..=1_091_000).all(covers));
    }
}
