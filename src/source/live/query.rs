//! The Logs Insights query runner: StartQuery, poll GetQueryResults with
//! backoff, a concurrency limit, window splitting when a query returns as
//! many rows as its limit, and StopQuery for every query still running
//! when the run ends early (error or Ctrl-C).

use super::aws_error::{code, describe, is_throttling, retry_throttled};
use crate::model::Millis;
use crate::source::SourceError;
use crate::units::format_time;
use aws_sdk_cloudwatchlogs::types::{QueryStatus, ResultField};
use aws_sdk_cloudwatchlogs::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// One query over a window of whole seconds (both ends inclusive, as
/// StartQuery takes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySpec {
    pub groups: Vec<String>,
    /// The query without its `limit` (the runner appends it).
    pub query: String,
    pub start: i64,
    pub end: i64,
    /// A `stats` query: its rows are records of named values, not events
    /// (never split: a few rows per group).
    pub aggregate: bool,
}

impl QuerySpec {
    /// The query string sent, with the row limit.
    pub fn text(&self, limit: i32) -> String {
        format!("{}\n| limit {limit}", self.query)
    }

    /// "the window 2026-11-28T10:00:00.000Z to ... of /aws/lambda/x", for messages.
    pub fn window(&self) -> String {
        format!(
            "{} to {} of {}",
            format_time(self.start * 1000),
            format_time(self.end * 1000),
            self.groups.join(", ")
        )
    }

    /// Two halves sharing the middle second (rows there are de-duplicated),
    /// each strictly shorter; `None` when the window cannot shrink further.
    pub fn split(&self) -> Option<(QuerySpec, QuerySpec)> {
        if self.end - self.start < 2 {
            return None;
        }
        let mid = self.start + (self.end - self.start) / 2;
        let mut a = self.clone();
        let mut b = self.clone();
        a.end = mid;
        b.start = mid;
        Some((a, b))
    }
}

/// One raw event returned by a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub timestamp: Millis,
    pub group: String,
    pub stream: String,
    pub message: String,
    /// `@ptr`: the record's identity, for de-duplication.
    pub ptr: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    pub max_concurrent: usize,
    /// Rows per query (GetQueryResults returns at most 10,000 per page).
    pub row_limit: i32,
    pub poll_first: Duration,
    pub poll_max: Duration,
    /// Backoff on LimitExceededException and throttling.
    pub retry_first: Duration,
    pub retry_max: Duration,
    pub max_retries: u32,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            max_concurrent: 8,
            row_limit: 10_000,
            poll_first: Duration::from_millis(250),
            poll_max: Duration::from_secs(2),
            retry_first: Duration::from_millis(500),
            retry_max: Duration::from_secs(10),
            max_retries: 8,
        }
    }
}

/// What the queries cost and returned, for the summary and the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    pub started: u64,
    pub done: u64,
    pub running: u64,
    pub rows: u64,
    pub splits: u64,
    pub bytes_scanned: f64,
}

impl Stats {
    /// What the bytes scanned cost at the list price.
    pub fn cost_usd(&self) -> f64 {
        self.bytes_scanned / 1e9 * crate::model::conventions::INSIGHTS_USD_PER_GB
    }
}

/// One row of a `stats` query: its fields and values, as returned.
pub type Record = Vec<(String, String)>;

/// The rows of every spec, in spec order: sorted by time (stable),
/// de-duplicated; and the records of aggregate specs.
pub struct Outcome {
    pub rows: Vec<Vec<Row>>,
    pub records: Vec<Vec<Record>>,
    pub warnings: Vec<String>,
}

type Running = Arc<Mutex<HashSet<String>>>;

/// Run `specs` under the concurrency limit. `cancel` resolving (Ctrl-C)
/// stops every running query and returns `Interrupted`; an error does the
/// same and returns the error. `progress` sees the stats after each change.
pub async fn run_queries(
    client: &Client,
    specs: Vec<QuerySpec>,
    cfg: &RunnerConfig,
    stats: &mut Stats,
    progress: &mut dyn FnMut(&Stats),
    cancel: impl Future<Output = ()>,
) -> Result<Outcome, SourceError> {
    let running: Running = Arc::default();
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); specs.len()];
    let mut records: Vec<Vec<Record>> = vec![Vec::new(); specs.len()];
    let mut warnings = Vec::new();
    let mut pending: VecDeque<(usize, QuerySpec)> = specs.into_iter().enumerate().collect();
    let mut set: JoinSet<(usize, QuerySpec, Result<Done, SourceError>)> = JoinSet::new();
    tokio::pin!(cancel);
    loop {
        while set.len() < cfg.max_concurrent.max(1) {
            let Some((i, spec)) = pending.pop_front() else {
                break;
            };
            let (client, cfg, running) = (client.clone(), cfg.clone(), running.clone());
            stats.started += 1;
            stats.running += 1;
            set.spawn(async move {
                let done = run_one(&client, &spec, &cfg, &running).await;
                (i, spec, done)
            });
            progress(stats);
        }
        if set.is_empty() {
            break;
        }
        let joined = tokio::select! {
            _ = &mut cancel => {
                set.abort_all();
                stop_all(client, &running).await;
                return Err(SourceError::Interrupted);
            }
            joined = set.join_next() => joined,
        };
        let Some(joined) = joined else { break };
        let (i, spec, done) = match joined {
            Ok(v) => v,
            Err(e) => {
                set.abort_all();
                stop_all(client, &running).await;
                return Err(SourceError::Service(format!("a query task failed: {e}")));
            }
        };
        stats.running -= 1;
        stats.done += 1;
        match done {
            Err(e) => {
                set.abort_all();
                stop_all(client, &running).await;
                return Err(e);
            }
            Ok(done) => {
                stats.bytes_scanned += done.bytes_scanned;
                if let Some(missing) = done.missing {
                    warnings.push(missing);
                }
                if !spec.aggregate && done.rows.len() >= cfg.row_limit as usize {
                    if let Some((a, b)) = spec.split() {
                        stats.splits += 1;
                        pending.push_front((i, b));
                        pending.push_front((i, a));
                        progress(stats);
                        continue;
                    }
                    warnings.push(format!(
                        "a query returned {} rows, its limit, over one second ({}): some events may be missing",
                        done.rows.len(),
                        spec.window()
                    ));
                }
                stats.rows += (done.rows.len() + done.records.len()) as u64;
                rows[i].extend(done.rows);
                records[i].extend(done.records);
                progress(stats);
            }
        }
    }
    for list in &mut rows {
        tidy(list);
    }
    Ok(Outcome {
        rows,
        records,
        warnings,
    })
}

/// Sort by time (stable: ties keep the server's order) and drop rows seen
/// twice (the halves of a split window share their middle second).
pub fn tidy(rows: &mut Vec<Row>) {
    rows.sort_by_key(|r| r.timestamp);
    let mut seen = HashSet::new();
    rows.retain(|r| {
        let key = match &r.ptr {
            Some(p) => (p.clone(), 0, String::new(), String::new()),
            None => (
                r.stream.clone(),
                r.timestamp,
                r.group.clone(),
                r.message.clone(),
            ),
        };
        seen.insert(key)
    });
}

struct Done {
    rows: Vec<Row>,
    records: Vec<Record>,
    bytes_scanned: f64,
    /// The log group does not exist: no rows, and why.
    missing: Option<String>,
}

async fn run_one(
    client: &Client,
    spec: &QuerySpec,
    cfg: &RunnerConfig,
    running: &Running,
) -> Result<Done, SourceError> {
    let id = match start(client, spec, cfg).await? {
        Started::Query(id) => id,
        Started::NoSuchGroup(detail) => {
            return Ok(Done {
                rows: Vec::new(),
                records: Vec::new(),
                bytes_scanned: 0.0,
                missing: Some(format!(
                    "{} does not exist ({detail}): its blocks stay unlinked",
                    spec.groups.join(", ")
                )),
            })
        }
    };
    lock(running).insert(id.clone());
    let done = poll(client, spec, cfg, &id).await;
    lock(running).remove(&id);
    done
}

fn lock(running: &Running) -> std::sync::MutexGuard<'_, HashSet<String>> {
    running
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

enum Started {
    Query(String),
    /// ResourceNotFoundException: a function that never logged (or logs
    /// elsewhere) is a finding, not a reason to abort the scan.
    NoSuchGroup(String),
}

/// StartQuery, backing off while the account is at its concurrent-query
/// limit or throttled.
async fn start(
    client: &Client,
    spec: &QuerySpec,
    cfg: &RunnerConfig,
) -> Result<Started, SourceError> {
    let sent = retry_throttled(cfg, || {
        client
            .start_query()
            .set_log_group_names(Some(spec.groups.clone()))
            .start_time(spec.start)
            .end_time(spec.end)
            .query_string(spec.text(cfg.row_limit))
            .limit(cfg.row_limit)
            .send()
    })
    .await;
    match sent {
        Ok(out) => out.query_id.map(Started::Query).ok_or_else(|| {
            SourceError::Service(format!(
                "StartQuery returned no query id ({})",
                spec.window()
            ))
        }),
        Err(e) if code(&e) == Some("ResourceNotFoundException") => {
            let detail = match &e {
                SdkError::ServiceError(s) => s.err().message().unwrap_or("").to_string(),
                _ => String::new(),
            };
            Ok(Started::NoSuchGroup(detail))
        }
        Err(e) => Err(describe(
            &e,
            "logs:StartQuery",
            &spec.groups.join(", "),
            &format!(" (window {})", spec.window()),
        )),
    }
}

/// GetQueryResults until the query ends, backing off from `poll_first` to
/// `poll_max`.
async fn poll(
    client: &Client,
    spec: &QuerySpec,
    cfg: &RunnerConfig,
    id: &str,
) -> Result<Done, SourceError> {
    let mut delay = cfg.poll_first;
    let mut throttled = 0;
    loop {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(cfg.poll_max);
        let out = match client.get_query_results().query_id(id).send().await {
            Ok(out) => out,
            Err(e) if is_throttling(&e) && throttled < cfg.max_retries => {
                throttled += 1;
                continue;
            }
            Err(e) => {
                return Err(describe(
                    &e,
                    "logs:GetQueryResults",
                    &spec.groups.join(", "),
                    &format!(" (query {id}, window {})", spec.window()),
                ))
            }
        };
        match out.status {
            Some(QueryStatus::Complete) => {
                let fallback = spec.groups.first().map(String::as_str).unwrap_or("");
                let results = out.results.unwrap_or_default();
                let (rows, records) = if spec.aggregate {
                    (Vec::new(), results.iter().map(|r| record(r)).collect())
                } else {
                    let rows = results.iter().filter_map(|r| row(r, fallback)).collect();
                    (rows, Vec::new())
                };
                let bytes_scanned = out.statistics.map_or(0.0, |s| s.bytes_scanned);
                return Ok(Done {
                    rows,
                    records,
                    bytes_scanned,
                    missing: None,
                });
            }
            Some(
                status @ (QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout),
            ) => {
                return Err(SourceError::Service(format!(
                    "the Logs Insights query {id} ended with status {} over the window {}; \
                     retry, or narrow the period with --since/--start/--end",
                    status.as_str(),
                    spec.window()
                )));
            }
            _ => {} // Scheduled, Running, Unknown: keep polling
        }
    }
}

/// One result row: `@timestamp`, `@logStream`, `@log`, `@message`, `@ptr`.
/// Rows without a usable time or message are dropped.
pub fn row(fields: &[ResultField], fallback_group: &str) -> Option<Row> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|f| f.field.as_deref() == Some(name))
            .and_then(|f| f.value.clone())
    };
    let timestamp = parse_insights_time(&get("@timestamp")?)?;
    let message = get("@message")?;
    let group = get("@log")
        .map(|g| bare_group(&g).to_string())
        .unwrap_or_else(|| fallback_group.to_string());
    Some(Row {
        timestamp,
        group,
        stream: get("@logStream").unwrap_or_default(),
        message,
        ptr: get("@ptr"),
    })
}

/// A `stats` row: every field with a value (`@ptr` aside).
pub fn record(fields: &[ResultField]) -> Record {
    fields
        .iter()
        .filter_map(|f| Some((f.field.clone()?, f.value.clone()?)))
        .filter(|(name, _)| name != "@ptr")
        .collect()
}

/// `@log` is `account-id:group` on AWS, the bare group on emulators.
pub fn bare_group(log: &str) -> &str {
    log.rsplit(':').next().unwrap_or(log)
}

/// `@timestamp`: `2026-11-28 10:15:08.100` (UTC) on AWS, epoch
/// milliseconds on emulators.
pub fn parse_insights_time(text: &str) -> Option<Millis> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let t = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok()?;
    Some(t.and_utc().timestamp_millis())
}

/// Best effort: StopQuery every query still running, never failing.
pub async fn stop_all(client: &Client, running: &Running) {
    let ids: Vec<String> = lock(running).drain().collect();
    let stops = ids.into_iter().map(|id| {
        let client = client.clone();
        async move {
            let call = client.stop_query().query_id(id).send();
            let _ = tokio::time::timeout(Duration::from_secs(3), call).await;
        }
    });
    futures_join_all(stops).await;
}

async fn futures_join_all(futs: impl Iterator<Item = impl Future<Output = ()> + Send + 'static>) {
    let mut set = JoinSet::new();
    for f in futs {
        set.spawn(f);
    }
    while set.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    //! The runner's paths the emulator cannot produce, driven by the SDK's own
    //! mocks: Running for several polls, Failed/Timeout/Cancelled, the
    //! account's query limit, throttling, window splitting, statistics,
    //! StopQuery on error and on Ctrl-C, the concurrency limit.

    use super::*;
    use aws_sdk_cloudwatchlogs::config::retry::RetryConfig;
    use aws_sdk_cloudwatchlogs::operation::get_query_results::{
        GetQueryResultsError, GetQueryResultsOutput,
    };
    use aws_sdk_cloudwatchlogs::operation::start_query::{StartQueryError, StartQueryOutput};
    use aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryOutput;
    use aws_sdk_cloudwatchlogs::types::error::LimitExceededException;
    use aws_sdk_cloudwatchlogs::types::QueryStatistics;
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    }

    fn fast() -> RunnerConfig {
        RunnerConfig {
            max_concurrent: 8,
            row_limit: 10_000,
            poll_first: Duration::from_millis(1),
            poll_max: Duration::from_millis(4),
            retry_first: Duration::from_millis(1),
            retry_max: Duration::from_millis(4),
            max_retries: 5,
        }
    }

    fn spec(start: i64, end: i64) -> QuerySpec {
        QuerySpec {
            aggregate: false,
            groups: vec!["/aws/lambda/crm".into()],
            query: "fields @timestamp, @logStream, @log, @message".into(),
            start,
            end,
        }
    }

    fn field(name: &str, value: &str) -> ResultField {
        ResultField::builder().field(name).value(value).build()
    }

    /// A result row as AWS returns it (`@log` with the account, `@timestamp`
    /// as text).
    fn aws_row(ms: i64, message: &str) -> Vec<ResultField> {
        let ts = chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
            .unwrap_or_default();
        vec![
            field("@timestamp", &ts),
            field("@logStream", "2026/11/28/[7]abc"),
            field("@log", "111122223333:/aws/lambda/crm"),
            field("@message", message),
            field("@ptr", &format!("ptr-{ms}-{message}")),
        ]
    }

    fn status_output(status: QueryStatus) -> GetQueryResultsOutput {
        GetQueryResultsOutput::builder().status(status).build()
    }

    fn started(id: &'static str) -> Rule {
        mock!(Client::start_query)
            .then_output(move || StartQueryOutput::builder().query_id(id).build())
    }

    async fn run(
        client: &Client,
        specs: Vec<QuerySpec>,
        cfg: &RunnerConfig,
    ) -> (Result<Outcome, SourceError>, Stats) {
        let mut stats = Stats::default();
        let out = run_queries(
            client,
            specs,
            cfg,
            &mut stats,
            &mut |_| {},
            std::future::pending(),
        )
        .await;
        (out, stats)
    }

    #[tokio::test]
    async fn polls_while_running_then_returns_rows_and_statistics() {
        let start = started("q1");
        let results = mock!(Client::get_query_results)
            .sequence()
            .output(|| status_output(QueryStatus::Scheduled))
            .output(|| status_output(QueryStatus::Running))
            .times(3)
            .output(|| {
                GetQueryResultsOutput::builder()
                    .status(QueryStatus::Complete)
                    .set_results(Some(vec![
                        aws_row(1_795_860_000_250, "b"),
                        aws_row(1_795_860_000_100, "a"),
                    ]))
                    .statistics(
                        QueryStatistics::builder()
                            .bytes_scanned(1.5e9)
                            .records_scanned(10.0)
                            .build(),
                    )
                    .build()
            })
            .build();
        let client = client(&[&start, &results]);
        let (out, stats) = run(&client, vec![spec(1_795_860_000, 1_795_860_060)], &fast()).await;
        let out = out.unwrap();
        assert_eq!(results.num_calls(), 5);
        let rows = &out.rows[0];
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].message, "a", "sorted by time");
        assert_eq!(rows[0].timestamp, 1_795_860_000_100);
        assert_eq!(
            rows[0].group, "/aws/lambda/crm",
            "account id stripped from @log"
        );
        assert_eq!(stats.bytes_scanned, 1.5e9);
        assert!((stats.cost_usd() - 0.0075).abs() < 1e-12);
        assert_eq!((stats.done, stats.rows), (1, 2));
    }

    #[tokio::test]
    async fn failed_timeout_and_cancelled_queries_name_the_status_and_window() {
        for status in [
            QueryStatus::Failed,
            QueryStatus::Timeout,
            QueryStatus::Cancelled,
        ] {
            let start = started("q1");
            let st = status.clone();
            let results =
                mock!(Client::get_query_results).then_output(move || status_output(st.clone()));
            let client = client(&[&start, &results]);
            let (out, _) = run(&client, vec![spec(1_795_860_000, 1_795_860_060)], &fast()).await;
            let Err(SourceError::Service(msg)) = out else {
                panic!("{status:?}: not a service error")
            };
            assert!(msg.contains(status.as_str()), "{msg}");
            assert!(
                msg.contains(
                    "2026-11-28T10:00:00.000Z to 2026-11-28T10:01:00.000Z of /aws/lambda/crm"
                ),
                "{msg}"
            );
        }
    }

    #[tokio::test]
    async fn backs_off_on_the_query_limit_and_throttling() {
        let start = mock!(Client::start_query)
            .sequence()
            .error(|| {
                StartQueryError::LimitExceededException(
                    LimitExceededException::builder()
                        .message("too many concurrent queries")
                        .meta(
                            ErrorMetadata::builder()
                                .code("LimitExceededException")
                                .build(),
                        )
                        .build(),
                )
            })
            .times(2)
            .output(|| StartQueryOutput::builder().query_id("q1").build())
            .build();
        let results = mock!(Client::get_query_results)
            .sequence()
            .error(|| {
                GetQueryResultsError::generic(
                    ErrorMetadata::builder()
                        .code("ThrottlingException")
                        .message("Rate exceeded")
                        .build(),
                )
            })
            .output(|| status_output(QueryStatus::Complete))
            .build();
        let client = client(&[&start, &results]);
        let (out, _) = run(&client, vec![spec(0, 60)], &fast()).await;
        assert!(out.is_ok());
        assert_eq!(start.num_calls(), 3);
        assert_eq!(results.num_calls(), 2);
    }

    #[tokio::test]
    async fn gives_up_on_the_query_limit_after_the_retries() {
        let start = mock!(Client::start_query).then_error(|| {
            StartQueryError::LimitExceededException(
                LimitExceededException::builder()
                    .message("too many concurrent queries")
                    .meta(
                        ErrorMetadata::builder()
                            .code("LimitExceededException")
                            .build(),
                    )
                    .build(),
            )
        });
        let client = client(&[&start]);
        let (out, _) = run(&client, vec![spec(0, 60)], &fast()).await;
        let Err(SourceError::Service(msg)) = out else {
            panic!("not a service error")
        };
        assert!(
            msg.contains("LimitExceededException") && msg.contains("logs:StartQuery"),
            "{msg}"
        );
        assert_eq!(start.num_calls(), 6);
    }

    /// Events one per second from 1000 s to 1010 s, three in the middle second.
    fn events() -> Vec<i64> {
        let mut e: Vec<i64> = (1000..=1010).map(|s| s * 1000 + 100).collect();
        e.extend([1_005_000, 1_005_900]);
        e.sort();
        e
    }

    #[tokio::test]
    async fn a_full_window_is_split_in_halves_until_nothing_is_lost() {
        // The query id carries the window; results are the events inside it
        // (whole seconds, inclusive), cut at the limit as Insights does.
        let start = mock!(Client::start_query).then_compute_output(|req| {
            StartQueryOutput::builder()
                .query_id(format!(
                    "{}-{}",
                    req.start_time().unwrap_or(0),
                    req.end_time().unwrap_or(0)
                ))
                .build()
        });
        let results = mock!(Client::get_query_results).then_compute_output(|req| {
            let id = req.query_id().unwrap_or("0-0");
            let (s, e) = id.split_once('-').unwrap_or(("0", "0"));
            let (s, e): (i64, i64) = (s.parse().unwrap_or(0), e.parse().unwrap_or(0));
            let rows: Vec<Vec<ResultField>> = events()
                .into_iter()
                .filter(|t| *t >= s * 1000 && *t <= e * 1000 + 999)
                .take(5)
                .map(|t| aws_row(t, &format!("event at {t}")))
                .collect();
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .set_results(Some(rows))
                .build()
        });
        let client = client(&[&start, &results]);
        let cfg = RunnerConfig {
            row_limit: 5,
            ..fast()
        };
        let (out, stats) = run(&client, vec![spec(1000, 1010)], &cfg).await;
        let out = out.unwrap();
        let got: Vec<i64> = out.rows[0].iter().map(|r| r.timestamp).collect();
        assert_eq!(got, events(), "every event once, in order");
        assert!(stats.splits >= 2, "{stats:?}");
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn halves_are_whole_seconds_sharing_the_middle_and_always_shrink() {
        let (a, b) = spec(1000, 1010).split().unwrap();
        assert_eq!((a.start, a.end, b.start, b.end), (1000, 1005, 1005, 1010));
        let (a, b) = spec(1000, 1002).split().unwrap();
        assert_eq!((a.end, b.start), (1001, 1001));
        assert!(spec(1000, 1001).split().is_none());
    }

    #[tokio::test]
    async fn an_unsplittable_full_window_warns() {
        let start = started("q1");
        let results = mock!(Client::get_query_results).then_output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .set_results(Some(vec![aws_row(1_000_100, "a"), aws_row(1_000_200, "b")]))
                .build()
        });
        let client = client(&[&start, &results]);
        let cfg = RunnerConfig {
            row_limit: 2,
            ..fast()
        };
        let (out, _) = run(&client, vec![spec(1000, 1001)], &cfg).await;
        let out = out.unwrap();
        assert_eq!(out.rows[0].len(), 2);
        assert!(
            out.warnings[0].contains("some events may be missing"),
            "{:?}",
            out.warnings
        );
    }

    #[tokio::test]
    async fn an_error_stops_the_queries_still_running() {
        let start = mock!(Client::start_query).then_compute_output(|req| {
            StartQueryOutput::builder()
                .query_id(if req.start_time() == Some(0) {
                    "slow"
                } else {
                    "denied"
                })
                .build()
        });
        let slow = mock!(Client::get_query_results)
            .match_requests(|r| r.query_id() == Some("slow"))
            .sequence()
            .output(|| status_output(QueryStatus::Running))
            .repeatedly()
            .build();
        let denied = mock!(Client::get_query_results)
            .match_requests(|r| r.query_id() == Some("denied"))
            .sequence()
            .output(|| status_output(QueryStatus::Running))
            .times(3)
            .error(|| {
                GetQueryResultsError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("User is not authorized to perform: logs:GetQueryResults")
                        .build(),
                )
            })
            .build();
        let stop = mock!(Client::stop_query)
            .match_requests(|r| r.query_id() == Some("slow"))
            .then_output(|| StopQueryOutput::builder().success(true).build());
        let client = client(&[&start, &slow, &denied, &stop]);
        let (out, stats) = run(&client, vec![spec(0, 60), spec(100, 160)], &fast()).await;
        let Err(SourceError::Service(msg)) = out else {
            panic!("not a service error")
        };
        assert!(
            msg.contains("access denied: logs:GetQueryResults on /aws/lambda/crm"),
            "{msg}"
        );
        assert_eq!(stop.num_calls(), 1, "the slow query was stopped");
        assert_eq!(stats.started, 2);
    }

    #[tokio::test]
    async fn ctrl_c_stops_running_queries_and_reports_interrupted() {
        let start = started("q1");
        let running = mock!(Client::get_query_results)
            .sequence()
            .output(|| status_output(QueryStatus::Running))
            .repeatedly()
            .build();
        // StopQuery failing (as on emulators) never fails the run.
        let stop = mock!(Client::stop_query).then_error(|| {
            aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryError::generic(
                ErrorMetadata::builder().code("InternalFailure").build(),
            )
        });
        let client = client(&[&start, &running, &stop]);
        let mut stats = Stats::default();
        let cancel = tokio::time::sleep(Duration::from_millis(30));
        let out = run_queries(
            &client,
            vec![spec(0, 60)],
            &fast(),
            &mut stats,
            &mut |_| {},
            cancel,
        )
        .await;
        assert!(matches!(out, Err(SourceError::Interrupted)));
        assert_eq!(stop.num_calls(), 1);
        assert!(running.num_calls() >= 2);
    }

    #[tokio::test]
    async fn never_runs_more_than_the_limit_at_once() {
        let start = mock!(Client::start_query).then_compute_output(|req| {
            StartQueryOutput::builder()
                .query_id(req.start_time().unwrap_or(0).to_string())
                .build()
        });
        let results = mock!(Client::get_query_results)
            .sequence()
            .output(|| status_output(QueryStatus::Running))
            .output(|| status_output(QueryStatus::Complete))
            .repeatedly()
            .build();
        let client = client(&[&start, &results]);
        let cfg = RunnerConfig {
            max_concurrent: 2,
            ..fast()
        };
        let mut stats = Stats::default();
        let mut most = 0;
        let specs: Vec<QuerySpec> = (0..6).map(|i| spec(i * 100, i * 100 + 60)).collect();
        let out = run_queries(
            &client,
            specs,
            &cfg,
            &mut stats,
            &mut |s| most = most.max(s.running),
            std::future::pending(),
        )
        .await;
        assert!(out.is_ok());
        assert_eq!(most, 2);
        assert_eq!(stats.done, 6);
    }

    #[test]
    fn insights_times_parse_in_both_shapes() {
        assert_eq!(
            parse_insights_time("2026-11-28 10:00:00.100"),
            Some(1_795_860_000_100)
        );
        assert_eq!(
            parse_insights_time("1795860000100"),
            Some(1_795_860_000_100)
        );
        assert_eq!(parse_insights_time("yesterday"), None);
        assert_eq!(
            bare_group("111122223333:/aws/connect/acme"),
            "/aws/connect/acme"
        );
        assert_eq!(bare_group("/aws/connect/acme"), "/aws/connect/acme");
    }
}
