//! X-Ray's `BatchGetTraces` for the traces the analysis asks for (the
//! failed blocks' invocations', never every invocation's): five ids a call
//! (the API's limit), every `NextToken` page followed, the calls under the
//! query runner's concurrency limit and back-off, Ctrl-C stopping them.
//!
//! A failed call is a note, never an error: the scan goes on without those
//! traces, and says they were not read (`looked: false`). The verdicts say
//! a trace was "not returned" only when X-Ray answered every call and did
//! not return it.

use super::aws_error::{describe, detail, is_denied, is_throttling, retry_throttled, HttpStatus};
use super::query::RunnerConfig;
use crate::model::{RawTrace, TraceBatch};
use crate::source::SourceError;
use aws_sdk_xray::operation::batch_get_traces::BatchGetTracesOutput;
use aws_sdk_xray::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;
use std::collections::HashSet;
use std::error::Error;
use std::future::Future;
use tokio::task::JoinSet;

use crate::model::conventions::XRAY_IDS_PER_CALL as IDS_PER_CALL;

const ACTION: &str = "xray:BatchGetTraces";

/// A trace as `BatchGetTraces` returned it, in the shape of
/// `aws xray batch-get-traces --output json` (`--save-logs` writes it so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchedTrace {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Segments")]
    pub segments: Vec<FetchedSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchedSegment {
    #[serde(rename = "Id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The segment document, a JSON object as a string.
    #[serde(rename = "Document")]
    pub document: String,
}

impl FetchedTrace {
    pub fn raw(&self) -> RawTrace {
        RawTrace {
            id: self.id.clone(),
            segment_documents: self.segments.iter().map(|s| s.document.clone()).collect(),
        }
    }
}

/// What the calls brought back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetched {
    /// The traces returned, of the ids asked for only.
    pub traces: Vec<FetchedTrace>,
    /// Every call answered: a trace not among `traces` was not returned.
    pub answered: bool,
    /// Some call answered (so the capture has an answer to replay).
    pub any_answered: bool,
    /// For stderr: why traces were not read, or why X-Ray returned none.
    pub notes: Vec<String>,
}

impl Fetched {
    /// For the analysis: a trace missing from a call that failed was not
    /// looked at, so nothing is "not returned" unless every call answered.
    pub fn batch(&self) -> TraceBatch {
        TraceBatch {
            traces: self.traces.iter().map(FetchedTrace::raw).collect(),
            looked: self.answered,
        }
    }
}

/// Why the traces of one call were not read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// The caller lacks `xray:BatchGetTraces`: what AWS said.
    Denied(String),
    /// Still throttled after the retries: what AWS said.
    Throttled(String),
    /// Anything else, described.
    Other(String),
}

/// The traces of one call's ids, or why there are none.
type Answer = Result<Vec<FetchedTrace>, Failure>;

/// The traces of `ids`: `BatchGetTraces` five ids at a time, at most
/// `cfg.max_concurrent` calls at once. Only `cancel` (Ctrl-C) makes it
/// fail (`Interrupted`); every other failure is a note.
pub async fn fetch(
    client: &Client,
    ids: &[String],
    cfg: &RunnerConfig,
    cancel: impl Future<Output = ()>,
) -> Result<Fetched, SourceError> {
    let batches: Vec<Vec<String>> = ids.chunks(IDS_PER_CALL).map(<[String]>::to_vec).collect();
    let call = |batch: Vec<String>| {
        let (client, cfg) = (client.clone(), cfg.clone());
        async move { fetch_batch(&client, &batch, &cfg).await }
    };
    let answers = run_limited(batches.clone(), cfg.max_concurrent, call, cancel).await?;
    let answers: Vec<(Vec<String>, Answer)> = batches
        .into_iter()
        .zip(answers)
        .map(|(batch, answer)| {
            let answer = answer.unwrap_or_else(|| {
                Err(Failure::Other(format!(
                    "{ACTION}: the call's task ended without an answer"
                )))
            });
            (batch, answer)
        })
        .collect();
    Ok(summarise(answers, cfg))
}

/// Run `op` over `items`, at most `limit` at once; each item's output in
/// item order (`None` for a task that panicked). `cancel` resolving stops
/// them all and returns `Interrupted`.
async fn run_limited<I, T, Fut>(
    items: Vec<I>,
    limit: usize,
    op: impl Fn(I) -> Fut,
    cancel: impl Future<Output = ()>,
) -> Result<Vec<Option<T>>, SourceError>
where
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut outputs: Vec<Option<T>> = items.iter().map(|_| None).collect();
    let mut pending = items.into_iter().enumerate();
    let mut set = JoinSet::new();
    tokio::pin!(cancel);
    loop {
        while set.len() < limit.max(1) {
            let Some((i, item)) = pending.next() else {
                break;
            };
            let fut = op(item);
            set.spawn(async move { (i, fut.await) });
        }
        let joined = tokio::select! {
            _ = &mut cancel => {
                set.abort_all();
                return Err(SourceError::Interrupted);
            }
            joined = set.join_next() => joined,
        };
        match joined {
            None => return Ok(outputs),
            Some(Ok((i, output))) => outputs[i] = Some(output),
            // A panicked task leaves its slot empty: the caller says so.
            Some(Err(_)) => {}
        }
    }
}

/// Every page of one call: the traces of `ids` it returned, merged by id
/// (a trace's segments may come on several pages).
async fn fetch_batch(client: &Client, ids: &[String], cfg: &RunnerConfig) -> Answer {
    let mut traces = Vec::new();
    let mut token: Option<String> = None;
    let mut seen_tokens = HashSet::new();
    loop {
        let page = retry_throttled(cfg, || {
            client
                .batch_get_traces()
                .set_trace_ids(Some(ids.to_vec()))
                .set_next_token(token.clone())
                .send()
        })
        .await
        .map_err(|e| failure(&e))?;
        let next = page.next_token.clone().filter(|t| !t.is_empty());
        merge(&mut traces, page, ids);
        match next {
            None => return Ok(traces),
            // A token seen before would page forever.
            Some(next) if !seen_tokens.insert(next.clone()) => {
                return Err(Failure::Other(format!(
                    "{ACTION} returned the NextToken {next:?} twice; stopped paging"
                )))
            }
            Some(next) => token = Some(next),
        }
    }
}

/// Add a page's traces: only the ids asked for (a trace without an id
/// cannot be told apart), each segment with its document.
fn merge(traces: &mut Vec<FetchedTrace>, page: BatchGetTracesOutput, ids: &[String]) {
    for trace in page.traces.unwrap_or_default() {
        let Some(id) = trace.id.filter(|id| ids.contains(id)) else {
            continue;
        };
        let segments = trace
            .segments
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| {
                Some(FetchedSegment {
                    document: s.document?,
                    id: s.id,
                })
            });
        match traces.iter_mut().find(|t| t.id == id) {
            Some(known) => known.segments.extend(segments),
            None => traces.push(FetchedTrace {
                id,
                segments: segments.collect(),
            }),
        }
    }
}

fn failure<E, R>(e: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    if is_denied(e) {
        Failure::Denied(detail(e))
    } else if is_throttling(e) {
        Failure::Throttled(detail(e))
    } else {
        let described = describe(e, ACTION, "the failures' traces", "");
        // A note is one line.
        Failure::Other(described.to_string().replace('\n', "; "))
    }
}

/// The traces of the calls that answered, whether all did, and the notes:
/// one per kind of failure (with how many traces it cost), and one when
/// X-Ray answered without any of the traces asked for.
fn summarise(answers: Vec<(Vec<String>, Answer)>, cfg: &RunnerConfig) -> Fetched {
    let mut fetched = Fetched::default();
    let mut lost = Lost::default();
    let mut asked_answered = 0;
    for (ids, answer) in answers {
        match answer {
            Ok(traces) => {
                asked_answered += ids.len();
                fetched.traces.extend(traces);
            }
            Err(failure) => lost.add(failure, ids.len()),
        }
    }
    fetched.any_answered = asked_answered > 0;
    fetched.answered = lost.is_empty();
    fetched.notes = lost.notes(cfg);
    if asked_answered > 0 && fetched.traces.is_empty() {
        fetched.notes.push(format!(
            "X-Ray returned none of the {} asked for: they may be older than X-Ray's 30-day \
             retention, or the account may use Transaction Search, where {ACTION} returns \
             nothing",
            traces(asked_answered)
        ));
    }
    fetched
}

/// The calls that failed, by kind: the first failure's words, and how
/// many traces the kind cost.
#[derive(Default)]
struct Lost {
    denied: Option<(String, usize)>,
    throttled: Option<(String, usize)>,
    other: Option<(String, usize)>,
}

impl Lost {
    fn add(&mut self, failure: Failure, traces: usize) {
        let (slot, why) = match failure {
            Failure::Denied(why) => (&mut self.denied, why),
            Failure::Throttled(why) => (&mut self.throttled, why),
            Failure::Other(why) => (&mut self.other, why),
        };
        slot.get_or_insert((why, 0)).1 += traces;
    }

    fn is_empty(&self) -> bool {
        self.denied.is_none() && self.throttled.is_none() && self.other.is_none()
    }

    /// One note per kind, saying what was not read and, for a denial, the fix.
    fn notes(self, cfg: &RunnerConfig) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some((why, n)) = self.denied {
            notes.push(format!(
                "access denied: {ACTION} ({why}): {} of the failures' invocations not read; \
                 grant {ACTION} to read them (the README lists the IAM policy)",
                traces(n)
            ));
        }
        if let Some((why, n)) = self.throttled {
            notes.push(format!(
                "{ACTION} still throttled after {} retries ({why}): {} not read",
                cfg.max_retries,
                traces(n)
            ));
        }
        if let Some((why, n)) = self.other {
            notes.push(format!("{why}: {} not read", traces(n)));
        }
        notes
    }
}

/// "1 X-Ray trace", "3 X-Ray traces".
fn traces(n: usize) -> String {
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} X-Ray trace{plural}")
}

#[cfg(test)]
mod tests {
    //! `BatchGetTraces` with the SDK's mocks, for what the emulator cannot
    //! give: `NextToken` pages, denied and throttled calls, an empty answer,
    //! a call that fails while others answer, the concurrency limit, Ctrl-C.

    use super::*;
    use aws_sdk_xray::config::retry::RetryConfig;
    use aws_sdk_xray::operation::batch_get_traces::BatchGetTracesError;
    use aws_sdk_xray::types::error::ThrottledException;
    use aws_sdk_xray::types::{Segment, Trace};
    use aws_smithy_mocks::{mock, mock_client, MockResponse, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_xray, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    }

    fn fast() -> RunnerConfig {
        RunnerConfig {
            retry_first: Duration::from_millis(1),
            retry_max: Duration::from_millis(2),
            max_retries: 2,
            ..RunnerConfig::default()
        }
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("1-6b162930-{i:024x}")).collect()
    }

    fn document(trace: &str, segment: &str) -> String {
        format!(r#"{{"id":"{segment}","trace_id":"{trace}","name":"crm-lookup"}}"#)
    }

    /// A trace with a segment per name, each document naming its segment.
    fn trace(id: &str, segments: &[&str]) -> Trace {
        let segments = segments
            .iter()
            .map(|s| Segment::builder().id(*s).document(document(id, s)).build())
            .collect();
        Trace::builder()
            .id(id)
            .duration(3.0)
            .set_segments(Some(segments))
            .build()
    }

    fn page(traces: Vec<Trace>, next: Option<&str>) -> BatchGetTracesOutput {
        BatchGetTracesOutput::builder()
            .set_traces(Some(traces))
            .set_next_token(next.map(str::to_string))
            .build()
    }

    fn error(code: &str, message: &str) -> BatchGetTracesError {
        BatchGetTracesError::generic(ErrorMetadata::builder().code(code).message(message).build())
    }

    fn throttled() -> BatchGetTracesError {
        BatchGetTracesError::ThrottledException(
            ThrottledException::builder()
                .meta(
                    ErrorMetadata::builder()
                        .code("ThrottledException")
                        .message("Rate exceeded")
                        .build(),
                )
                .build(),
        )
    }

    async fn fetch_all(client: &Client, ids: &[String]) -> Fetched {
        fetch(client, ids, &fast(), std::future::pending())
            .await
            .expect("only Ctrl-C fails a fetch")
    }

    fn segment_ids(trace: &FetchedTrace) -> Vec<&str> {
        trace
            .segments
            .iter()
            .filter_map(|s| s.id.as_deref())
            .collect()
    }

    /// An X-Ray that knows every id but `missing` and answers on two pages:
    /// the first id's segment `a` (with a trace nobody asked for, and one
    /// without an id), then the other ids and the first id's segment `b`.
    /// It records the ids of each call.
    fn two_page_xray(missing: String, asked: Arc<Mutex<Vec<Vec<String>>>>) -> Rule {
        mock!(Client::batch_get_traces).then_compute_output(move |req| {
            let wanted: Vec<&String> = req
                .trace_ids()
                .iter()
                .filter(|id| **id != missing)
                .collect();
            asked.lock().unwrap().push(req.trace_ids().to_vec());
            match req.next_token() {
                None => page(
                    vec![
                        trace(wanted[0], &["a"]),
                        trace("1-6b162930-0000000000000000000000ff", &["x"]),
                        Trace::builder()
                            .segments(Segment::builder().document("{}").build())
                            .build(),
                    ],
                    Some("page-2"),
                ),
                Some(_) => {
                    let mut rest: Vec<Trace> =
                        wanted[1..].iter().map(|id| trace(id, &["c"])).collect();
                    rest.push(trace(wanted[0], &["b"]));
                    page(rest, None)
                }
            }
        })
    }

    #[tokio::test]
    async fn asks_five_ids_a_call_and_reads_every_page() {
        let asked = Arc::default();
        let ids = ids(7);
        let xray = two_page_xray(ids[3].clone(), Arc::clone(&asked));
        let fetched = fetch_all(&client(&[&xray]), &ids).await;

        let asked = asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 4, "two calls of two pages: {asked:?}");
        assert!(asked.iter().all(|call| call.len() <= IDS_PER_CALL));
        let mut each: Vec<String> = asked.iter().flatten().cloned().collect();
        each.sort();
        each.dedup();
        assert_eq!(each, ids, "every id asked, by batches of five");

        let mut got: Vec<&str> = fetched.traces.iter().map(|t| t.id.as_str()).collect();
        got.sort();
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
        wanted.remove(3);
        assert_eq!(
            got, wanted,
            "only the ids asked for, the missing one absent"
        );
        // The first id of each call has its segments of both pages.
        for first in [&ids[0], &ids[5]] {
            let trace = fetched.traces.iter().find(|t| &t.id == first).unwrap();
            assert_eq!(segment_ids(trace), ["a", "b"]);
            assert_eq!(trace.segments[1].document, document(first, "b"));
        }
        assert!(fetched.answered && fetched.any_answered);
        assert!(fetched.notes.is_empty(), "{:?}", fetched.notes);
        let batch = fetched.batch();
        assert!(
            batch.looked,
            "X-Ray answered: the missing trace was not returned"
        );
        assert_eq!(batch.traces.len(), 6);
        assert_eq!(batch.traces[0].segment_documents.len(), 2);
    }

    #[tokio::test]
    async fn never_runs_more_calls_than_the_limit_at_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let op = |i: usize| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(10)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                i * 10
            }
        };
        let out = run_limited((0..7).collect(), 2, op, std::future::pending())
            .await
            .unwrap();
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let out: Vec<usize> = out.into_iter().flatten().collect();
        assert_eq!(out, [0, 10, 20, 30, 40, 50, 60], "in item order");
    }

    #[tokio::test]
    async fn a_denied_call_is_a_note_naming_the_action_and_nothing_counts_as_not_returned() {
        let coded = mock!(Client::batch_get_traces).then_error(|| {
            error(
                "AccessDeniedException",
                "User: arn:aws:iam::111122223333:user/oncall is not authorized",
            )
        });
        // What moto and proxies answer: a bare 403.
        let bare = mock!(Client::batch_get_traces)
            .sequence()
            .http_status(403, None)
            .repeatedly()
            .build();
        for (rule, why) in [
            (
                coded,
                "(User: arn:aws:iam::111122223333:user/oncall is not authorized)",
            ),
            (bare, "(HTTP 403)"),
        ] {
            let fetched = fetch_all(&client(&[&rule]), &ids(7)).await;
            assert_eq!(
                fetched.notes,
                [format!(
                    "access denied: xray:BatchGetTraces {why}: 7 X-Ray traces of the failures' \
                     invocations not read; grant xray:BatchGetTraces to read them (the README \
                     lists the IAM policy)"
                )]
            );
            assert_eq!(rule.num_calls(), 2, "both calls tried, no retry");
            assert!(!fetched.answered && !fetched.any_answered);
            assert_eq!(fetched.batch(), TraceBatch::default(), "not looked");
        }
    }

    #[tokio::test]
    async fn throttling_backs_off_then_reads_the_answer() {
        let ids = ids(2);
        let answer = ids.clone();
        let rule = mock!(Client::batch_get_traces)
            .sequence()
            .error(throttled)
            .times(2)
            .output(move || page(vec![trace(&answer[0], &["a"])], None))
            .build();
        let fetched = fetch_all(&client(&[&rule]), &ids).await;
        assert_eq!(rule.num_calls(), 3);
        assert_eq!(fetched.traces.len(), 1);
        assert!(fetched.answered && fetched.notes.is_empty());
    }

    #[tokio::test]
    async fn throttling_after_the_retries_is_a_note() {
        let rule = mock!(Client::batch_get_traces).then_error(throttled);
        let fetched = fetch_all(&client(&[&rule]), &ids(3)).await;
        assert_eq!(rule.num_calls(), 3, "the call and its two retries");
        assert_eq!(
            fetched.notes,
            ["xray:BatchGetTraces still throttled after 2 retries (Rate exceeded): 3 X-Ray traces \
              not read"]
        );
        assert!(!fetched.batch().looked);
    }

    #[tokio::test]
    async fn an_answer_without_any_trace_says_why_it_may_be() {
        let ids = ids(6);
        let unprocessed = ids.clone();
        let rule = mock!(Client::batch_get_traces).then_compute_output(move |req| {
            BatchGetTracesOutput::builder()
                .set_traces(Some(vec![]))
                .set_unprocessed_trace_ids(Some(
                    unprocessed
                        .iter()
                        .filter(|id| req.trace_ids().contains(id))
                        .cloned()
                        .collect(),
                ))
                .build()
        });
        let fetched = fetch_all(&client(&[&rule]), &ids).await;
        assert_eq!(
            fetched.notes,
            ["X-Ray returned none of the 6 X-Ray traces asked for: they may be older than X-Ray's \
              30-day retention, or the account may use Transaction Search, where \
              xray:BatchGetTraces returns nothing"],
            "one note for all the calls"
        );
        assert!(fetched.answered && fetched.any_answered);
        assert_eq!(
            fetched.batch(),
            TraceBatch {
                traces: vec![],
                looked: true
            },
            "looked at: the traces were not returned"
        );
    }

    #[tokio::test]
    async fn a_call_that_fails_while_another_answers_keeps_the_answer_but_reads_as_not_looked() {
        let ids = ids(7);
        let failing = ids[0].clone();
        let rule = mock!(Client::batch_get_traces).then_compute_response(move |req| {
            if req.trace_ids().contains(&failing) {
                MockResponse::Error(error("InternalFailure", "try again"))
            } else {
                MockResponse::Output(page(
                    req.trace_ids().iter().map(|id| trace(id, &["a"])).collect(),
                    None,
                ))
            }
        });
        let fetched = fetch_all(&client(&[&rule]), &ids).await;
        assert_eq!(
            fetched.traces.iter().map(|t| &t.id).collect::<Vec<_>>(),
            [&ids[5], &ids[6]]
        );
        assert_eq!(
            fetched.notes,
            [
                "xray:BatchGetTraces on the failures' traces failed: InternalFailure: try again: \
              5 X-Ray traces not read"
            ]
        );
        assert!(fetched.any_answered && !fetched.answered);
        let batch = fetched.batch();
        assert!(!batch.looked, "the failed call's traces were not read");
        assert_eq!(batch.traces.len(), 2);
    }

    #[tokio::test]
    async fn a_next_token_seen_before_stops_the_paging_with_a_note() {
        let rule = mock!(Client::batch_get_traces).then_output(|| page(vec![], Some("again")));
        let fetched = fetch_all(&client(&[&rule]), &ids(1)).await;
        assert_eq!(rule.num_calls(), 2);
        assert_eq!(
            fetched.notes,
            [
                "xray:BatchGetTraces returned the NextToken \"again\" twice; stopped paging: \
              1 X-Ray trace not read"
            ]
        );
        assert!(!fetched.batch().looked);
    }

    #[tokio::test]
    async fn ctrl_c_stops_the_calls_even_while_backing_off() {
        let rule = mock!(Client::batch_get_traces).then_error(throttled);
        let slow = RunnerConfig {
            retry_first: Duration::from_secs(30),
            ..fast()
        };
        let begun = std::time::Instant::now();
        let out = fetch(
            &client(&[&rule]),
            &ids(7),
            &slow,
            tokio::time::sleep(Duration::from_millis(30)),
        )
        .await;
        assert!(matches!(out, Err(SourceError::Interrupted)), "{out:?}");
        assert!(begun.elapsed() < Duration::from_secs(5));
        assert_eq!(rule.num_calls(), 2, "each call tried once, then waiting");
    }
}
