use super::*;
use crate::link::link_blocks;
use crate::model::{
    Class, InitKind, InitReportLine, Invocation, InvocationStatus, LogLine, Millis, Verdict,
};
use crate::testkit::*;

const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";

/// Link one failed block against `invocations` and classify it.
fn diagnose(limit: u32, results: Option<&str>, invocations: Vec<Invocation>) -> Verdict {
    let block = lambda_block(CONTACT, T0, "crm-lookup", limit, results);
    let links = link_blocks(&[&block], &invocations, &|f| format!("/aws/lambda/{f}"));
    classify(&block, &links[0], None)
}

fn texts(v: &Verdict) -> String {
    v.evidence
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn classmethod_case_is_a_cold_start() {
    // The reference's real case: 3 s block, init 303 ms + duration 2694 ms.
    let inv = cold(
        invocation(
            "crm-lookup",
            "8b9836de-3acb-46ae-82da-080b95e77880",
            T0 + 340,
            2693.88,
        ),
        T0 + 30,
        303.42,
    );
    let inv = say(
        inv,
        &[
            (5, "looking up caller"),
            (400, "crm answered"),
            (2600, "building response"),
        ],
    );
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::ColdStart, "{}", texts(&v));
    let t = texts(&v);
    assert!(t.contains("init 303 ms + handler 2694 ms = 2997 ms (3004 ms from INIT_START to END) against the 3000 ms limit"), "{t}");
    assert!(v.fix.contains("provisioned concurrency"), "{}", v.fix);
    assert!(v.fix.contains("--qualifier live"), "{}", v.fix);
}

#[test]
fn cold_start_pushed_over_the_limit() {
    let inv = cold(
        invocation("crm-lookup", "r1", T0 + 2_250, 1_400.0),
        T0 + 40,
        2_200.0,
    );
    let inv = say(
        inv,
        &[
            (10, "start"),
            (500, "half"),
            (1_000, "three quarters"),
            (1_390, "done"),
        ],
    );
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::ColdStart);
    assert!(texts(&v).contains("init 2200 ms + handler 1400 ms = 3600 ms (3610 ms from INIT_START to END) against the 3000 ms limit; warm, the handler alone would have fit"), "{}", texts(&v));
    assert!(texts(&v).contains("INIT_START"), "{}", texts(&v));
    assert!(v.contributing.is_empty(), "{:?}", v.contributing);
}

#[test]
fn provisioned_concurrency_init_is_not_waited_for() {
    // A PC environment reports Init Duration on its first request, but
    // nobody waited for it: the handler alone was too slow with steady output.
    let mut inv = invocation("crm-lookup", "r1", T0 + 30, 3_300.0);
    inv.init_duration_ms = Some(4_831.59);
    inv.initialization_type = Some("provisioned-concurrency".into());
    let inv = say(
        inv,
        &[
            (100, "a"),
            (700, "b"),
            (1_300, "c"),
            (1_900, "d"),
            (2_500, "e"),
            (3_100, "f"),
        ],
    );
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::Slow, "{}", texts(&v));
}

#[test]
fn init_report_timeout_wins_over_everything() {
    let mut inv = cold(
        invocation("crm-lookup", "r1", T0 + 10_100, 3_000.0),
        T0 + 50,
        10_000.0,
    );
    inv.init_reports.push(InitReportLine {
        timestamp: T0 + 10_050,
        kind: InitKind::Init,
        duration_ms: Some(9_999.79),
        phase: Some("init".into()),
        status: Some("timeout".into()),
        error_type: None,
    });
    let inv = ended(inv, InvocationStatus::Timeout);
    let v = diagnose(8000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::InitTimeout);
    assert!(
        texts(&v).contains("timed out in phase init after 10000 ms"),
        "{}",
        texts(&v)
    );
    assert!(v.fix.contains("init limit"), "{}", v.fix);
}

#[test]
fn three_second_function_under_an_eight_second_block() {
    let mut inv = invocation(
        "crm-lookup",
        "b70435cc-261c-4438-b9b6-efe4c8f04b21",
        T0 + 40,
        3_004.92,
    );
    inv.timed_out_after_s = Some(3.0);
    inv.platform_lines.push(LogLine {
        timestamp: T0 + 3_040,
        text: "2026-11-28T10:00:03.040Z b70435cc-261c-4438-b9b6-efe4c8f04b21 Task timed out after 3.00 seconds".into(),
        message: Some("Task timed out after 3.00 seconds".into()),
    });
    let inv = say(
        ended(inv, InvocationStatus::Timeout),
        &[(20, "calling CRM")],
    );
    let v = diagnose(8000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::MisconfiguredTimeout, "{}", texts(&v));
    assert_eq!(v.contributing, vec![Class::DownstreamStall]);
    assert!(texts(&v).contains("Task timed out after 3.00 seconds"));
    assert!(v.fix.contains("--timeout 8"), "{}", v.fix);
    assert!(v.fix.contains("calling CRM"), "{}", v.fix);
}

#[test]
fn timeout_close_to_the_limit_is_not_misconfigured() {
    // 7.7 s function under an 8 s block: within the 0.5 s margin.
    let inv = ended(
        invocation("crm-lookup", "r1", T0 + 40, 7_700.0),
        InvocationStatus::Timeout,
    );
    let inv = say(inv, &[(10, "calling CRM")]);
    let v = diagnose(8000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::DownstreamStall, "{}", texts(&v));
}

#[test]
fn error_before_the_limit_is_a_function_error_even_when_cold() {
    let inv = cold(
        invocation("crm-lookup", "r1", T0 + 200, 133.61),
        T0 + 40,
        150.0,
    );
    let inv = ended(
        inv,
        InvocationStatus::Error(Some("Runtime.ImportModuleError".into())),
    );
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::FunctionError);
    assert!(v.fix.contains("deployment package"), "{}", v.fix);
}

#[test]
fn an_error_after_the_limit_is_about_time_not_the_error() {
    let inv = ended(
        invocation("crm-lookup", "r1", T0 + 40, 5_000.0),
        InvocationStatus::Error(None),
    );
    let inv = say(inv, &[(10, "calling CRM")]);
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::DownstreamStall);
    assert!(v.contributing.contains(&Class::FunctionError));
}

#[test]
fn stall_names_the_last_line() {
    let inv = say(
        invocation("crm-lookup", "r1", T0 + 40, 12_000.0),
        &[
            (5, "event received"),
            (180, "calling CRM https://crm.internal/api/customers"),
        ],
    );
    let v = diagnose(8000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::DownstreamStall);
    let t = texts(&v);
    assert!(
        t.contains("last output at +180 ms after START: calling CRM"),
        "{t}"
    );
    assert!(t.contains("silent for 7820 ms"), "{t}");
    assert!(t.contains("Connect gave up"), "{t}");
}

#[test]
fn steady_output_past_the_limit_is_slow() {
    let lines: Vec<(Millis, &str)> = (0..8).map(|i| (i * 500, "step")).collect();
    let inv = say(invocation("crm-lookup", "r1", T0 + 40, 3_900.0), &lines);
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::Slow, "{}", texts(&v));
}

#[test]
fn no_invocation_and_a_throttle_text_is_throttled() {
    let results = "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: 0e1d)";
    let v = diagnose(3000, Some(results), vec![]);
    assert_eq!(v.class, Class::Throttled);
    assert!(v.fix.contains("reserved concurrency"), "{}", v.fix);
}

#[test]
fn access_denied_ignores_nearby_invocations() {
    let other = invocation("crm-lookup", "r-other", T0 + 40, 100.0);
    let v = diagnose(
        3000,
        Some("Status Code: 403; Error Code: AccessDeniedException; RequestId: 1"),
        vec![other],
    );
    assert_eq!(v.class, Class::AccessDenied);
    assert!(v.fix.contains("--source-arn arn:aws:connect:us-east-1:111122223333:instance/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"), "{}", v.fix);
    assert!(v.fix.contains("--source-account 111122223333"), "{}", v.fix);
}

#[test]
fn nothing_in_the_window_is_unlinked_and_says_where_it_looked() {
    let far = invocation("crm-lookup", "r1", T0 - 3_600_000, 100.0);
    let v = diagnose(3000, GENERIC, vec![far]);
    assert_eq!(v.class, Class::Unlinked);
    let t = texts(&v);
    assert!(t.contains("/aws/lambda/crm-lookup"), "{t}");
    assert!(
        t.contains("2026-11-28T09:59:55.000Z and 2026-11-28T10:00:05.000Z"),
        "{t}"
    );
}

#[test]
fn quick_success_is_unexplained() {
    let inv = say(
        invocation("crm-lookup", "r1", T0 + 40, 120.0),
        &[(10, "ok")],
    );
    let v = diagnose(3000, GENERIC, vec![inv]);
    assert_eq!(v.class, Class::Unexplained);
    assert!(v.fix.contains("STRING_MAP"), "{}", v.fix);
}

#[test]
fn retries_appear_in_the_evidence() {
    let first = ended(
        invocation("crm-lookup", "r1", T0 + 40, 200.0),
        InvocationStatus::Error(Some("Runtime.ExitError".into())),
    );
    let second = ended(
        invocation("crm-lookup", "r2", T0 + 400, 210.0),
        InvocationStatus::Error(Some("Runtime.ExitError".into())),
    );
    let v = diagnose(3000, GENERIC, vec![first, second]);
    assert_eq!(v.class, Class::FunctionError);
    assert!(
        texts(&v).contains("Connect retried: invocation r2"),
        "{}",
        texts(&v)
    );
}
