//! Hand-built results for the report tests: realistic shapes (a cold start,
//! a downstream stall with Connect's retries, an unlinked block, a throttled
//! one), built directly so the report tests do not depend on the parser.

use crate::model::*;

/// 2026-11-28T10:15:00.000Z.
pub const T0: Millis = 1_795_860_900_000;
pub const STALL_DURATION_MS: f64 = 3000.0;
const CONNECT_GROUP: &str = "/aws/connect/acme-prod";
const ERROR_TEXT: &str = "The Lambda Function Returned An Error.";

fn arn(function: &str) -> String {
    format!("arn:aws:lambda:eu-west-2:123456789012:function:{function}")
}

fn lambda_entry(
    contact: &str,
    id: &str,
    at: Millis,
    function: &str,
    limit: Option<u32>,
) -> FlowEntry {
    let limit_param = limit
        .map(|l| format!(",\"TimeLimit\":\"{l}\""))
        .unwrap_or_default();
    FlowEntry {
        contact_id: contact.to_string(),
        contact_flow_id: Some(
            "arn:aws:connect:eu-west-2:123456789012:instance/i-1/contact-flow/f-1".into(),
        ),
        contact_flow_name: Some("Main IVR".into()),
        module_type: "InvokeExternalResource".into(),
        identifier: Some(id.to_string()),
        timestamp: at,
        results: Some(ERROR_TEXT.into()),
        rejection: None,
        has_external_results: false,
        lambda: Some(LambdaBlock {
            function_arn: arn(function),
            function_name: function.to_string(),
            qualifier: None,
            time_limit_ms: limit,
            invocation_type: Some("SYNCHRONOUS".into()),
        }),
        parameters: Some(format!(
            "{{\"FunctionArn\":\"{}\"{limit_param}}}",
            arn(function)
        )),
        origin: Origin {
            file: "connect.json".into(),
            line: 1,
        },
    }
}

/// A warm, successful invocation starting at `start`; tests adjust the rest.
pub fn invocation(function: &str, request_id: &str, start: Millis, duration: f64) -> Invocation {
    let mut inv = crate::testkit::invocation(function, request_id, start, duration);
    inv.end = Some(start + duration.ceil() as Millis);
    inv.log_stream = "2026/11/28/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0".into();
    inv.max_memory_used_mb = Some(131.0);
    inv.platform_lines.clear();
    inv
}

/// Make `inv` a cold on-demand start whose init took `init_ms`.
fn make_cold(mut inv: Invocation, init_ms: f64) -> Invocation {
    let init_start = inv.start - init_ms.ceil() as Millis;
    inv.init_start = Some(init_start);
    inv.arrival = init_start;
    inv.init_duration_ms = Some(init_ms);
    inv.initialization_type = Some("on-demand".into());
    inv
}

fn line(at: Millis, text: &str) -> LogLine {
    LogLine::plain(at, text)
}

/// What a verdict measured: the limit, and for a linked block the
/// answering invocation's init and handler time (the report renders these).
fn measured(limit_ms: u32, assumed: bool, run: Option<(&Invocation, f64)>) -> Measurements {
    Measurements {
        limit_ms,
        limit_assumed: assumed,
        overhead_ms: 100.0,
        configured_timeout_s: None,
        run: run.map(|(inv, silence_ms)| RunMeasurements {
            init_ms: inv.cold_ms(),
            handler_ms: inv.duration_ms,
            waited_ms: inv.duration_ms.map(|d| d + inv.cold_ms()),
            watched_until: inv.arrival + Millis::from(limit_ms),
            handler_span_ms: f64::from(limit_ms),
            silence_ms,
            silence_from: inv.start,
            last_line: inv.custom_lines.last().cloned(),
            timeout_hit_s: None,
            init_timeout_reported_ms: None,
            xray: None,
        }),
    }
}

fn evidence(at: Option<Millis>, text: &str) -> Evidence {
    Evidence {
        timestamp: at,
        text: text.to_string(),
    }
}

fn link(
    confidence: Confidence,
    invocations: Vec<Invocation>,
    block_at: Millis,
    limit: u32,
    group: &str,
) -> Link {
    let l = Millis::from(limit);
    Link {
        confidence,
        candidates: invocations
            .len()
            .max(usize::from(confidence == Confidence::Ambiguous) * 2),
        invocations,
        searched_group: group.to_string(),
        window_start: block_at - l - 2000,
        window_end: block_at + l + 2000,
    }
}

pub const COLD_CONTACT: &str = "5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

/// The cold start: init 2214 ms + handler 1381 ms against a 3000 ms limit.
pub fn cold_start_failure() -> Failure {
    let at = T0 + 8_100;
    let start = at + 2_215;
    let mut inv = make_cold(
        invocation(
            "crm-lookup",
            "3f2a9c1e-7b6d-4e5f-a1b2-c3d4e5f60718",
            start,
            1380.52,
        ),
        2214.37,
    );
    inv.custom_lines = vec![
        line(
            start + 3,
            "contact 5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab: looking up caller",
        ),
        line(
            start + 120,
            "calling CRM https://crm.example.com/api/customers?phone=...",
        ),
        line(start + 1_371, "CRM answered 200 in 1251 ms"),
    ];
    Failure {
        block: lambda_entry(COLD_CONTACT, "CRM lookup", at, "crm-lookup", Some(3000)),
        verdict: Verdict {
            class: Class::ColdStart,
            key_fact: "init 2214 ms + handler 1381 ms > 3000 ms limit".into(),
            measurements: measured(3000, false, Some((&inv, 0.0))),
            evidence: vec![
                evidence(Some(at), "INIT_START 2215 ms before START: the request waited for init"),
                evidence(Some(start + 1_381), "REPORT Init Duration: 2214.37 ms, Duration: 1380.52 ms: 3595 ms in all, limit 3000 ms"),
                evidence(Some(start + 1_371), "last output at +1371 ms: the handler itself was not stuck"),
            ],
            contributing: vec![Class::Slow],
            action: "Keep crm-lookup warm (provisioned concurrency) and cut its init time".into(),
            fix: "Keep an environment warm for this function (provisioned concurrency on the alias Connect calls), or move heavy imports out of module init.".into(),
        },
        link: link(Confidence::Exact, vec![inv], at, 3000, "/aws/lambda/crm-lookup"),
    }
}

fn second_cold_start_failure() -> Failure {
    let at = T0 + 1_212_000;
    let start = at + 2_890;
    let mut inv = make_cold(
        invocation(
            "crm-lookup",
            "9c8b7a6f-5e4d-4c3b-a291-8f7e6d5c4b3a",
            start,
            1702.0,
        ),
        2890.0,
    );
    inv.custom_lines = vec![line(start + 4, "looking up caller")];
    Failure {
        block: lambda_entry(
            "a0b1c2d3-e4f5-4a6b-9c8d-7e6f5a4b3c2d",
            "CRM lookup",
            at,
            "crm-lookup",
            Some(3000),
        ),
        verdict: Verdict {
            class: Class::ColdStart,
            key_fact: "init 2890 ms + handler 1702 ms > 3000 ms limit".into(),
            measurements: measured(3000, false, Some((&inv, 0.0))),
            evidence: vec![evidence(Some(start), "INIT_START 2890 ms before START")],
            contributing: vec![],
            action: "Keep crm-lookup warm (provisioned concurrency) and cut its init time".into(),
            fix: "Keep an environment warm for this function.".into(),
        },
        link: link(
            Confidence::Window,
            vec![inv],
            at,
            3000,
            "/aws/lambda/crm-lookup",
        ),
    }
}

/// Three invocations (the first and Connect's two retries), each stuck on
/// the same downstream call until the function's own 3 s timeout.
pub fn stall_failure() -> Failure {
    let at = T0 + 300_000;
    let mut invocations = Vec::new();
    for (i, (rid, start)) in [
        ("b1d2e3f4-0a1b-4c2d-9e3f-405162738495", at + 12),
        ("c2e3f405-1b2c-4d3e-8f40-516273849506", at + 3_040),
        ("d3f40516-2c3d-4e4f-9051-627384950617", at + 6_070),
    ]
    .into_iter()
    .enumerate()
    {
        let duration = if i == 0 { STALL_DURATION_MS } else { 3001.8 };
        let mut inv = invocation("order-status", rid, start, duration);
        inv.status = InvocationStatus::Timeout;
        inv.custom_lines = vec![
            line(start + 2, "fetching order for contact"),
            line(start + 9, "calling ERP GET /orders?customer=42"),
        ];
        if i == 2 {
            // Connect gave up at its limit; the END/REPORT was never exported.
            inv.end = None;
            inv.duration_ms = None;
            inv.billed_duration_ms = None;
            inv.status = InvocationStatus::Unknown;
        }
        invocations.push(inv);
    }
    Failure {
        block: lambda_entry("7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a", "Order status", at, "order-status", Some(8000)),
        verdict: Verdict {
            class: Class::DownstreamStall,
            key_fact: "silent 2991 ms after \"calling ERP GET /orders?customer=42\"".into(),
            measurements: measured(8000, false, Some((&invocations[0], 2991.0))),
            evidence: vec![
                evidence(Some(at + 21), "last output \"calling ERP GET /orders?customer=42\" at +9 ms, then 2991 ms of silence"),
                evidence(Some(at + 3_012), "REPORT Status: timeout after 3000 ms"),
                evidence(None, "Connect retried twice; every retry stalled on the same call"),
            ],
            contributing: vec![Class::MisconfiguredTimeout],
            action: "Put a ~7500 ms timeout on the call order-status waits on; return a fallback".into(),
            fix: "Give the ERP call a client timeout well under the block's limit and return a fallback; check the ERP's latency at that time.".into(),
        },
        link: link(Confidence::Exact, invocations, at, 8000, "/aws/lambda/order-status"),
    }
}

fn unlinked_failure() -> Failure {
    let at = T0 + 600_000;
    let mut block = lambda_entry(
        "e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b9",
        "Route to queue",
        at,
        "queue-router",
        None,
    );
    block.contact_flow_name = Some("Transfer flow".into());
    Failure {
        block,
        link: link(Confidence::None, vec![], at, 8000, "/aws/lambda/queue-router"),
        verdict: Verdict {
            class: Class::Unlinked,
            key_fact: "no invocation in /aws/lambda/queue-router (20.0 s window)".into(),
            measurements: measured(8000, true, None),
            evidence: vec![evidence(None, "no invocation of queue-router in /aws/lambda/queue-router between the window bounds")],
            contributing: vec![],
            action: "Find queue-router's logs for this time: the export, retention, LoggingConfig, log level".into(),
            fix: "Check that the Lambda log group was included and covers this time, and that the function is the one the flow calls.".into(),
        },
    }
}

fn throttled_failure() -> Failure {
    let at = T0 + 900_000;
    let mut block = lambda_entry(
        "f0e1d2c3-b4a5-4968-8776-655443322110",
        "Take payment",
        at,
        "payment-gw",
        Some(5000),
    );
    block.results = Some("Lambda Function returned error: Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException)".into());
    block.rejection = Some(Rejection::Throttled);
    let key_fact = format!("Connect: \"{}\"", block.results.as_deref().unwrap_or(""));
    Failure {
        block,
        link: link(Confidence::None, vec![], at, 5000, "/aws/lambda/payment-gw"),
        verdict: Verdict {
            class: Class::Throttled,
            key_fact,
            measurements: measured(5000, false, None),
            evidence: vec![evidence(
                Some(at),
                "Connect's Results says Status Code: 429 TooManyRequestsException",
            )],
            contributing: vec![],
            action: "Raise payment-gw's reserved concurrency or the account's quota (AWS/Lambda Throttles)".into(),
            fix: "Raise the function's reserved concurrency or the account's concurrency quota."
                .into(),
        },
    }
}

fn inputs() -> InputsSummary {
    InputsSummary {
        files: vec![
            InputFileSummary {
                file: "connect.json".into(),
                format: "filter-log-events".into(),
                events: 1840,
                skipped: vec![],
            },
            InputFileSummary {
                file: "lambda.ndjson".into(),
                format: "ndjson".into(),
                events: 5210,
                skipped: vec![SkippedLines {
                    reason: "not JSON".into(),
                    count: 3,
                    lines: vec![17, 18, 912],
                }],
            },
        ],
        events_read: 7050,
        lines_skipped: 3,
        duplicates_dropped: 12,
    }
}

fn scope() -> Scope {
    Scope {
        connect_group: CONNECT_GROUP.into(),
        lambda_groups: vec![
            "/aws/lambda/crm-lookup".into(),
            "/aws/lambda/order-status".into(),
            "/aws/lambda/payment-gw".into(),
            "/aws/lambda/queue-router".into(),
        ],
        start: Some(T0),
        end: Some(T0 + 3_600_000),
    }
}

/// A scan with five failures of four classes.
pub fn scan() -> ScanResult {
    ScanResult {
        scope: scope(),
        lambda_blocks: 412,
        lambda_blocks_by_function: [
            ("crm-lookup", 180),
            ("order-status", 96),
            ("payment-gw", 84),
            ("queue-router", 52),
        ]
        .into_iter()
        .map(|(f, n)| (f.to_string(), n))
        .collect(),
        contacts: 187,
        failures: vec![
            cold_start_failure(),
            stall_failure(),
            unlinked_failure(),
            throttled_failure(),
            second_cold_start_failure(),
        ],
        inputs: inputs(),
        live: None,
    }
}

/// A scan that found nothing.
pub fn empty_scan() -> ScanResult {
    ScanResult {
        failures: vec![],
        ..scan()
    }
}

fn plain_entry(at: Millis, module_type: &str, id: &str, results: Option<&str>) -> FlowEntry {
    FlowEntry {
        contact_id: COLD_CONTACT.into(),
        contact_flow_id: Some(
            "arn:aws:connect:eu-west-2:123456789012:instance/i-1/contact-flow/f-1".into(),
        ),
        contact_flow_name: Some("Main IVR".into()),
        module_type: module_type.into(),
        identifier: Some(id.into()),
        timestamp: at,
        results: results.map(str::to_string),
        rejection: None,
        has_external_results: false,
        lambda: None,
        parameters: Some("{}".into()),
        origin: Origin {
            file: "connect.json".into(),
            line: 1,
        },
    }
}

/// The cold-start contact's whole timeline: a successful warm Lambda block,
/// then the failed cold one, then the error branch.
pub fn explain() -> ExplainResult {
    let failure = cold_start_failure();
    let mut ok_block = lambda_entry(
        COLD_CONTACT,
        "Greeting lookup",
        T0 + 7_000,
        "greeting",
        Some(3000),
    );
    ok_block.results = None;
    ok_block.has_external_results = true;
    let mut ok_inv = invocation(
        "greeting",
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        T0 + 7_004,
        85.3,
    );
    ok_inv.custom_lines = vec![line(T0 + 7_010, "greeting for queue Sales")];
    let ok_link = link(
        Confidence::Window,
        vec![ok_inv],
        T0 + 7_000,
        3000,
        "/aws/lambda/greeting",
    );
    let mut prompt = plain_entry(T0 + 11_720, "PlayPrompt", "Sorry prompt", None);
    prompt.parameters = Some("{\"Text\":\"Sorry, we could not find your account.\"}".into());
    ExplainResult {
        contact_id: COLD_CONTACT.into(),
        scope: scope(),
        blocks: vec![
            TimelineBlock {
                entry: plain_entry(T0 + 6_950, "SetLoggingBehavior", "Enable logging", None),
                link: None,
                verdict: None,
            },
            TimelineBlock {
                entry: ok_block,
                link: Some(ok_link),
                verdict: None,
            },
            TimelineBlock {
                entry: failure.block,
                link: Some(failure.link),
                verdict: Some(failure.verdict),
            },
            TimelineBlock {
                entry: prompt,
                link: None,
                verdict: None,
            },
            TimelineBlock {
                entry: plain_entry(T0 + 14_300, "Disconnect", "Hang up", None),
                link: None,
                verdict: None,
            },
        ],
        inputs: inputs(),
        live: None,
    }
}

/// The stalled contact: Connect's retries, the last one cut off unlogged.
pub fn explain_stall() -> ExplainResult {
    let failure = stall_failure();
    let contact = failure.block.contact_id.clone();
    let mut error_branch = plain_entry(
        failure.block.timestamp + 8_010,
        "PlayPrompt",
        "Try later",
        None,
    );
    error_branch.contact_id = contact.clone();
    ExplainResult {
        contact_id: contact,
        scope: scope(),
        blocks: vec![
            TimelineBlock {
                entry: failure.block,
                link: Some(failure.link),
                verdict: Some(failure.verdict),
            },
            TimelineBlock {
                entry: error_branch,
                link: None,
                verdict: None,
            },
        ],
        inputs: InputsSummary::default(),
        live: None,
    }
}
