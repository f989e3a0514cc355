//! Why a Lambda block failed: measure the answering invocation once
//! (`case`), try the rules in order (`rules`, one module per class), and
//! build the verdict from the winner and the others that held.
//!
//! Let I be the init or restore time Connect waited for (0 when warm), D the
//! handler's duration and L the block's limit. The first rule that holds
//! and decides wins; the order follows the engine issue, refined by the
//! reference §0b.10: an error before the limit is a `function_error` even
//! on a cold start.

mod case;
mod evidence;
mod rules;

use crate::model::{Class, Evidence, FlowEntry, FunctionSettings, Link, Verdict};
use crate::units::format_time;
use case::Case;
use rules::rule;

/// Classify one failed block from its link, with the function's
/// configuration when known: a configured timeout shorter than the block's
/// limit is a `misconfigured_timeout` even without a timeout line, and the
/// fixes follow the VPC attachment and provisioned concurrency.
pub fn classify(block: &FlowEntry, link: &Link, settings: Option<&FunctionSettings>) -> Verdict {
    // A configuration changed since (the fix being a new timeout, say) is
    // not the one the block met: it is not used, and the evidence says so.
    let changed = settings.and_then(|s| s.changed_after_period);
    let settings = settings.filter(|s| s.changed_after_period.is_none());
    let case = Case::new(block, link, settings);
    let held: Vec<Class> = Class::all()
        .iter()
        .copied()
        .filter(|&c| (rule(c).holds)(&case))
        .collect();
    let class = held
        .iter()
        .copied()
        .find(|&c| (rule(c).decides)(&case))
        .unwrap_or(Class::Unexplained);
    let contributing: Vec<Class> = held.into_iter().filter(|&c| c != class).collect();
    let mut evidence = evidence::common(&case);
    for &c in std::iter::once(&class).chain(&contributing) {
        evidence.extend((rule(c).evidence)(&case));
    }
    if let Some(at) = changed {
        evidence.push(Evidence {
            timestamp: None,
            text: format!(
                "the function's configuration changed at {}, after the period: the one in force \
                 then may have differed, so this verdict does not use it",
                format_time(at)
            ),
        });
    }
    let mut fix = (rule(class).fix)(&case);
    for hint in contributing.iter().filter_map(|&c| (rule(c).hint)(&case)) {
        fix.push(' ');
        fix.push_str(&hint);
    }
    Verdict {
        class,
        key_fact: (rule(class).key_fact)(&case),
        action: (rule(class).action)(&case),
        measurements: case.m,
        evidence,
        contributing,
        fix,
    }
}

#[cfg(test)]
mod settings_tests {
    //! The function's configuration (Lambda API) in classification and fixes.

    use super::*;
    use crate::link::link_blocks;
    use crate::model::{Class, FunctionSettings, Invocation, InvocationStatus, Verdict};
    use crate::testkit::*;

    const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";

    fn diagnose(limit: u32, inv: Invocation, settings: Option<&FunctionSettings>) -> Verdict {
        let block = lambda_block(CONTACT, T0, "crm-lookup", limit, GENERIC);
        let links = link_blocks(&[&block], &[inv], &|f| format!("/aws/lambda/{f}"));
        classify(&block, &links[0], settings)
    }

    fn settings(timeout_s: f64, vpc: bool, pc: bool) -> FunctionSettings {
        FunctionSettings {
            timeout_s: Some(timeout_s),
            vpc_attached: Some(vpc),
            provisioned_concurrency: Some(pc),
            changed_after_period: None,
        }
    }

    /// An invocation whose REPORT never came (logs cut, or SystemLogLevel
    /// WARN hid it): no timeout line to go by.
    fn no_report() -> Invocation {
        let mut inv = invocation("crm-lookup", "r1", T0 + 20, 5000.0);
        inv.end = None;
        inv.duration_ms = None;
        inv.status = InvocationStatus::Unknown;
        inv.platform_lines.clear();
        inv
    }

    #[test]
    fn a_configured_timeout_shorter_than_the_limit_is_misconfigured_without_a_timeout_line() {
        let without = diagnose(8000, no_report(), None);
        assert_ne!(without.class, Class::MisconfiguredTimeout);
        let with = diagnose(8000, no_report(), Some(&settings(3.0, false, false)));
        assert_eq!(with.class, Class::MisconfiguredTimeout);
        let text: Vec<&str> = with.evidence.iter().map(|e| e.text.as_str()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("configured timeout is 3 s (GetFunctionConfiguration)")),
            "{text:?}"
        );
        assert!(with.fix.contains("--timeout 8"), "{}", with.fix);
    }

    #[test]
    fn a_configuration_changed_after_the_period_is_not_used_and_the_evidence_says_so() {
        let mut changed = settings(3.0, false, false);
        changed.changed_after_period = Some(T0 + 86_400_000);
        let v = diagnose(8000, no_report(), Some(&changed));
        assert_eq!(v.class, diagnose(8000, no_report(), None).class);
        assert_ne!(v.class, Class::MisconfiguredTimeout);
        let last = v.evidence.last().map(|e| e.text.as_str()).unwrap_or("");
        assert!(
            last.contains("changed at 2026-11-29T10:00:00.000Z, after the period"),
            "{last}"
        );
    }

    #[test]
    fn an_error_in_time_stays_a_function_error_whatever_the_timeout() {
        let inv = ended(
            invocation("crm-lookup", "r1", T0 + 20, 300.0),
            InvocationStatus::Error(Some("Runtime.ExitError".into())),
        );
        let v = diagnose(8000, inv, Some(&settings(3.0, false, false)));
        assert_eq!(v.class, Class::FunctionError);
    }

    #[test]
    fn a_timeout_that_fits_the_limit_changes_nothing() {
        let v = diagnose(3000, no_report(), Some(&settings(3.0, false, false)));
        let without = diagnose(3000, no_report(), None);
        assert_eq!(
            (v.class, &v.key_fact, &v.evidence, &v.fix),
            (
                without.class,
                &without.key_fact,
                &without.evidence,
                &without.fix
            )
        );
        assert_eq!(v.measurements.configured_timeout_s, Some(3.0));
        assert_eq!(without.measurements.configured_timeout_s, None);
    }

    fn cold_start_fix(settings: Option<&FunctionSettings>) -> String {
        let inv = cold(
            invocation("crm-lookup", "r1", T0 + 2_350, 1400.0),
            T0 + 40,
            2200.0,
        );
        let v = diagnose(3000, inv, settings);
        assert_eq!(v.class, Class::ColdStart);
        v.fix
    }

    #[test]
    fn cold_start_fixes_follow_vpc_and_provisioned_concurrency() {
        let unknown = cold_start_fix(None);
        assert!(unknown.contains("remove the VPC attachment if the function does not need it"));
        let plain = cold_start_fix(Some(&settings(3.0, false, false)));
        assert!(!plain.contains("VPC"), "{plain}");
        assert!(
            plain.contains("crm-lookup has no provisioned concurrency"),
            "{plain}"
        );
        let vpc = cold_start_fix(Some(&settings(3.0, true, true)));
        assert!(vpc.contains("crm-lookup is attached to a VPC"), "{vpc}");
        assert!(vpc.contains("has provisioned concurrency, yet"), "{vpc}");
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::link_blocks;
    use crate::model::{Class, Invocation, InvocationStatus, LogLine, Millis, Verdict};
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
        // A cold start whose INIT_REPORT says timeout, and a timed-out run.
        let v = super::class_tests::example(Class::InitTimeout);
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
}

/// Every class through one realistic example each: the examples are an
/// exhaustive match, so a new class cannot go without one.
#[cfg(test)]
mod class_tests {
    use super::*;
    use crate::link::link_blocks;
    use crate::model::conventions::{INIT_LIMIT_MS, INVOKE_OVERHEAD_MS};
    use crate::model::{InitKind, InitReportLine, Invocation, InvocationStatus};
    use crate::testkit::*;
    use crate::units::format_ms;

    const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";

    fn diagnose(limit: u32, results: Option<&str>, invocations: Vec<Invocation>) -> Verdict {
        let block = lambda_block(CONTACT, T0, "crm-lookup", limit, results);
        let links = link_blocks(&[&block], &invocations, &|f| format!("/aws/lambda/{f}"));
        classify(&block, &links[0], None)
    }

    /// A failed block of `class`.
    pub(super) fn example(class: Class) -> Verdict {
        let warm = |ms: f64| invocation("crm-lookup", "r1", T0 + 30, ms);
        match class {
            Class::AccessDenied => diagnose(
                3000,
                Some("Status Code: 403; Error Code: AccessDeniedException; RequestId: 1"),
                vec![],
            ),
            Class::InitTimeout => {
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
                diagnose(8000, GENERIC, vec![ended(inv, InvocationStatus::Timeout)])
            }
            Class::MisconfiguredTimeout => {
                let mut inv = ended(warm(3_004.92), InvocationStatus::Timeout);
                inv.timed_out_after_s = Some(3.0);
                diagnose(8000, GENERIC, vec![say(inv, &[(20, "calling CRM")])])
            }
            Class::FunctionError => {
                let inv = ended(warm(305.0), InvocationStatus::Error(Some("Runtime.ExitError".into())));
                diagnose(3000, GENERIC, vec![inv])
            }
            Class::ColdStart => {
                let inv = cold(invocation("crm-lookup", "r1", T0 + 2_250, 1_400.0), T0 + 40, 2_200.0);
                diagnose(3000, GENERIC, vec![say(inv, &[(10, "start"), (700, "half"), (1_390, "done")])])
            }
            Class::DownstreamStall => {
                let inv = say(warm(8_600.0), &[(40, "2026-11-28T10:00:00.070Z\t8b9836de-3acb-46ae-82da-080b95e77880\tINFO\tcalling CRM")]);
                diagnose(8000, GENERIC, vec![inv])
            }
            Class::Slow => {
                let lines: Vec<(i64, &str)> = (0..8).map(|i| (i * 500, "step")).collect();
                diagnose(3000, GENERIC, vec![say(warm(3_900.0), &lines)])
            }
            Class::Throttled => diagnose(
                3000,
                Some("Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException)"),
                vec![],
            ),
            Class::Unlinked => diagnose(3000, GENERIC, vec![]),
            Class::Unexplained => diagnose(3000, GENERIC, vec![say(warm(180.0), &[(5, "ok")])]),
        }
    }

    #[test]
    fn every_class_has_an_example_classified_as_it() {
        for &class in Class::all() {
            let v = example(class);
            assert_eq!(v.class, class, "{:#?}", v.evidence);
            assert!(!v.fix.is_empty() && !v.key_fact.is_empty(), "{class}");
            // One line on a 100-column screen, naming the function.
            assert!(v.action.chars().count() <= 90, "{class}: {}", v.action);
            assert!(v.action.contains("crm-lookup"), "{class}: {}", v.action);
            assert!(v.evidence[0].text.starts_with("Connect: block"), "{class}");
        }
    }

    /// The numbers of a key fact, as written (`3000`, `3.00`, `20.0`).
    fn numbers(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map(|t| t.trim_matches('.'))
            .filter(|t| t.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect()
    }

    /// Every way the verdict's own numbers are written in a key fact.
    fn measured_numbers(v: &Verdict) -> Vec<String> {
        let m = &v.measurements;
        let ms = |x: f64| format_ms(x).trim_end_matches(" ms").to_string();
        let seconds = |s: f64| {
            let text = format!("{s:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let mut out = vec![ms(m.limit()), seconds(m.limit() / 1000.0)];
        out.push(ms(m.overhead_ms));
        out.push(ms(INIT_LIMIT_MS));
        out.extend(m.function_timeout_s().map(seconds));
        if let Some(r) = &m.run {
            out.push(ms(r.init_ms));
            out.push(ms(r.silence_ms));
            out.extend(r.handler_ms.map(ms));
            out.extend(r.handler_ms.map(|d| ms(d + r.init_ms)));
            out.extend(r.waited_ms.map(ms));
            out.extend(r.init_timeout_reported_ms.map(ms));
        }
        out
    }

    #[test]
    fn a_key_fact_states_the_verdicts_own_numbers() {
        for &class in Class::all() {
            let v = example(class);
            let quoted = v.key_fact.starts_with("Connect: ");
            if quoted {
                // What Connect said, word for word: its numbers are its own.
                continue;
            }
            let allowed = measured_numbers(&v);
            let found = numbers(&v.key_fact);
            assert!(!found.is_empty(), "{class}: {}", v.key_fact);
            for n in found {
                // `unlinked` says where it looked: the link window's span.
                let (lo, hi) = crate::windows::link_window(T0, v.measurements.limit_ms);
                let window = n == format!("{:.1}", (hi - lo) as f64 / 1000.0);
                assert!(
                    allowed.contains(&n) || window,
                    "{class}: {n} in {:?} is none of the verdict's numbers {allowed:?}",
                    v.key_fact
                );
            }
        }
    }

    #[test]
    fn the_303_plus_2694_case_states_the_overhead_rule() {
        // The reference's real case: a 3 s block, init 303 ms + handler 2694 ms
        // = 2997 ms, under the limit by the metrics, past it by Connect's
        // clock. INIT_START is 303 ms before START, so the log's clock says
        // no more than the metrics.
        let inv = cold(
            invocation(
                "crm-lookup",
                "8b9836de-3acb-46ae-82da-080b95e77880",
                T0 + 340,
                2693.88,
            ),
            T0 + 37,
            303.42,
        );
        let v = diagnose(
            3000,
            GENERIC,
            vec![say(
                inv,
                &[(5, "looking up caller"), (2600, "building response")],
            )],
        );
        assert_eq!(v.class, Class::ColdStart);
        assert_eq!(
            v.key_fact,
            format!(
                "init 303 + handler 2694 = 2997, within {} of 3000 ms limit",
                crate::units::whole_ms(INVOKE_OVERHEAD_MS)
            )
        );
        let run = v.measurements.run.as_ref().expect("linked");
        assert_eq!((run.init_ms, run.handler_ms), (303.42, Some(2693.88)));
        assert_eq!(v.measurements.overhead_ms, INVOKE_OVERHEAD_MS);
    }
}
