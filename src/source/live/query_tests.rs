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
    mock!(Client::start_query).then_output(move || StartQueryOutput::builder().query_id(id).build())
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
            msg.contains("2026-11-28T10:00:00.000Z to 2026-11-28T10:01:00.000Z of /aws/lambda/crm"),
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
