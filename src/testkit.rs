//! Builders for realistic model values in unit tests.

use crate::model::*;

/// 2026-11-28T10:00:00Z in epoch ms: every test's time zero.
pub const T0: Millis = 1_795_860_000_000;

pub fn lambda_block(
    contact: &str,
    at: Millis,
    function: &str,
    limit_ms: u32,
    results: Option<&str>,
) -> FlowEntry {
    FlowEntry {
        contact_id: contact.into(),
        contact_flow_id: Some(
            "arn:aws:connect:us-east-1:111122223333:instance/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0/contact-flow/11111111-2222-4333-8444-555555555555".into(),
        ),
        contact_flow_name: Some("Main IVR".into()),
        module_type: "InvokeExternalResource".into(),
        identifier: Some(format!("{function}-block")),
        timestamp: at,
        results: results.map(str::to_string),
        rejection: results.and_then(crate::parse::connect::connect_rejection),
        has_external_results: results.is_none(),
        lambda: Some(LambdaBlock {
            function_arn: format!("arn:aws:lambda:us-east-1:111122223333:function:{function}:live"),
            function_name: function.into(),
            qualifier: Some("live".into()),
            time_limit_ms: Some(limit_ms),
            invocation_type: None,
        }),
        parameters: None,
        origin: Origin { file: "test".into(), line: 1 },
    }
}

pub const GENERIC: Option<&str> = Some("The Lambda Function Returned An Error.");

/// A warm, successful invocation that STARTs at `start` and runs `duration` ms.
pub fn invocation(function: &str, request_id: &str, start: Millis, duration: f64) -> Invocation {
    let end = start + duration.round() as Millis;
    Invocation {
        function: function.into(),
        log_group: format!("/aws/lambda/{function}"),
        log_stream: "2026/11/28/[$LATEST]0123456789abcdef0123456789abcdef".into(),
        request_id: request_id.into(),
        start,
        end: Some(end),
        arrival: start,
        duration_ms: Some(duration),
        billed_duration_ms: Some(duration.ceil()),
        memory_size_mb: Some(512.0),
        max_memory_used_mb: Some(90.0),
        init_duration_ms: None,
        restore_duration_ms: None,
        init_start: None,
        initialization_type: None,
        trace: None,
        xray: XrayFetch::NotLooked,
        init_reports: Vec::new(),
        status: InvocationStatus::Success,
        timed_out_after_s: None,
        init_lines: Vec::new(),
        custom_lines: Vec::new(),
        platform_lines: vec![LogLine::plain(
            end,
            format!("REPORT RequestId: {request_id}\tDuration: {duration:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t", duration.ceil()),
        )],
    }
}

/// Make `inv` a cold start whose INIT_START came at `init_at` and took `init_ms`.
pub fn cold(mut inv: Invocation, init_at: Millis, init_ms: f64) -> Invocation {
    inv.init_start = Some(init_at);
    inv.init_duration_ms = Some(init_ms);
    inv.arrival = init_at;
    inv
}

/// Add custom lines at these offsets (ms) from START.
pub fn say(mut inv: Invocation, lines: &[(Millis, &str)]) -> Invocation {
    for (offset, text) in lines {
        inv.custom_lines.push(logged(inv.start + offset, text));
    }
    inv
}

/// A line of the function's output as the assembler keeps it (its message
/// read, when a runtime prefix surrounds it).
pub fn logged(at: Millis, text: &str) -> LogLine {
    match crate::parse::lambda::parse_lambda_line(text) {
        LambdaRecord::App { level, message, .. } => {
            crate::parse::lambda::output_line(at, text.to_string(), level.as_deref(), message)
        }
        _ => LogLine::plain(at, text),
    }
}

pub fn ended(mut inv: Invocation, status: InvocationStatus) -> Invocation {
    inv.status = status;
    inv
}

/// A failed block of `crm` (3 s) at `at`, linked to nothing, with the
/// class, key fact and action a test wants (what `watch` compares).
pub fn failure_as(
    contact: &str,
    at: Millis,
    class: crate::model::Class,
    fact: &str,
) -> crate::model::Failure {
    let block = lambda_block(contact, at, "crm", 3000, GENERIC);
    let link = crate::link::link_blocks(&[&block], &[], &|f| format!("/aws/lambda/{f}")).remove(0);
    let mut verdict = crate::classify::classify(&block, &link, None);
    verdict.class = class;
    verdict.key_fact = fact.into();
    verdict.action = "raise the timeout".into();
    crate::model::Failure {
        block,
        link,
        verdict,
    }
}
