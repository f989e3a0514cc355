//! The Logs Insights query runner: StartQuery, poll GetQueryResults with
//! backoff, a concurrency limit, window splitting when a query returns as
//! many rows as its limit, and StopQuery for every query still running
//! when the run ends early (error or Ctrl-C).

use super::aws_error::{code, describe, is_throttling};
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

/// The rows of every spec, in spec order: sorted by time (stable), de-duplicated.
pub struct Outcome {
    pub rows: Vec<Vec<Row>>,
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
                if done.rows.len() >= cfg.row_limit as usize {
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
                stats.rows += done.rows.len() as u64;
                rows[i].extend(done.rows);
                progress(stats);
            }
        }
    }
    for list in &mut rows {
        tidy(list);
    }
    Ok(Outcome { rows, warnings })
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
    let mut delay = cfg.retry_first;
    let mut attempt = 0;
    loop {
        let sent = client
            .start_query()
            .set_log_group_names(Some(spec.groups.clone()))
            .start_time(spec.start)
            .end_time(spec.end)
            .query_string(spec.text(cfg.row_limit))
            .limit(cfg.row_limit)
            .send()
            .await;
        match sent {
            Ok(out) => {
                return out.query_id.map(Started::Query).ok_or_else(|| {
                    SourceError::Service(format!(
                        "StartQuery returned no query id ({})",
                        spec.window()
                    ))
                })
            }
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                let detail = match &e {
                    SdkError::ServiceError(s) => s.err().message().unwrap_or("").to_string(),
                    _ => String::new(),
                };
                return Ok(Started::NoSuchGroup(detail));
            }
            Err(e) if is_throttling(&e) && attempt < cfg.max_retries => {
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(cfg.retry_max);
            }
            Err(e) => {
                return Err(describe(
                    &e,
                    "logs:StartQuery",
                    &spec.groups.join(", "),
                    &format!(" (window {})", spec.window()),
                ))
            }
        }
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
                let rows = out
                    .results
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|fields| row(fields, fallback))
                    .collect();
                let bytes_scanned = out.statistics.map_or(0.0, |s| s.bytes_scanned);
                return Ok(Done {
                    rows,
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
#[path = "query_tests.rs"]
mod tests;
