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
