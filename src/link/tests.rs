use super::*;
use crate::model::{LogLine, Millis};
use crate::testkit::*;

const A: &str = "0c51520c-6249-4ff9-9feb-000000000001";
const B: &str = "0c51520c-6249-4ff9-9feb-000000000002";

fn link(blocks: &[FlowEntry], invocations: &[Invocation]) -> Vec<Link> {
    let refs: Vec<&FlowEntry> = blocks.iter().collect();
    link_blocks(&refs, invocations, &|f| format!("/aws/lambda/{f}"))
}

fn ids(l: &Link) -> Vec<&str> {
    l.invocations
        .iter()
        .map(|i| i.request_id.as_str())
        .collect()
}

fn timeout(inv: Invocation) -> Invocation {
    ended(inv, InvocationStatus::Timeout)
}

#[test]
fn window_covers_start_and_completion_stamping() {
    assert_eq!(
        crate::windows::link_window(T0, 3000),
        (T0 - 5_000, T0 + 5_000)
    );
    // Stamped at start: the request arrives just after T.
    let after = timeout(invocation("crm", "after", T0 + 40, 8_000.0));
    // Stamped at completion: the request arrived L before T.
    let before = timeout(invocation("crm", "before", T0 - 3_040, 8_000.0));
    for inv in [after, before] {
        let l = link(
            &[lambda_block(A, T0, "crm", 3000, GENERIC)],
            std::slice::from_ref(&inv),
        );
        assert_eq!(ids(&l[0]), vec![inv.request_id.as_str()]);
        assert_eq!(l[0].confidence, Confidence::Window);
    }
}

#[test]
fn edges_of_the_window_are_inclusive_and_outside_is_not_linked() {
    let block = lambda_block(A, T0, "crm", 3000, GENERIC);
    let at_lo = timeout(invocation("crm", "lo", T0 - 5_000, 5_000.0));
    let at_hi = timeout(invocation("crm", "hi", T0 + 5_000, 5_000.0));
    let outside = timeout(invocation("crm", "out", T0 + 5_001, 5_000.0));
    let l = link(std::slice::from_ref(&block), std::slice::from_ref(&outside));
    assert_eq!(l[0].confidence, Confidence::None);
    assert_eq!(l[0].candidates, 0);
    let l = link(&[block], &[at_lo, at_hi, outside]);
    assert_eq!(l[0].candidates, 2);
    assert_eq!(l[0].confidence, Confidence::Ambiguous);
}

#[test]
fn other_functions_are_never_candidates() {
    let other = timeout(invocation("billing", "x", T0 + 40, 9_000.0));
    let l = link(&[lambda_block(A, T0, "crm", 3000, GENERIC)], &[other]);
    assert_eq!(l[0].confidence, Confidence::None);
    assert_eq!(l[0].searched_group, "/aws/lambda/crm");
}

#[test]
fn a_logged_contact_id_wins_over_a_closer_invocation() {
    let close = timeout(invocation("crm", "close", T0 + 30, 8_000.0));
    let logged = say(
        timeout(invocation("crm", "logged", T0 + 900, 8_000.0)),
        &[(3, &format!("contact {A} looking up caller"))],
    );
    let l = link(
        &[lambda_block(A, T0, "crm", 3000, GENERIC)],
        &[close, logged],
    );
    assert_eq!(ids(&l[0]), vec!["logged"]);
    assert_eq!(l[0].confidence, Confidence::Exact);
    assert_eq!(l[0].candidates, 2);
}

#[test]
fn an_invocation_that_logged_another_contact_is_not_ours() {
    let theirs = say(
        timeout(invocation("crm", "theirs", T0 + 30, 8_000.0)),
        &[(3, &format!("{{\"ContactId\":\"{B}\"}}"))],
    );
    let blocks = [
        lambda_block(A, T0, "crm", 3000, GENERIC),
        lambda_block(B, T0 + 60_000, "crm", 3000, GENERIC),
    ];
    let l = link(&blocks, &[theirs]);
    assert_eq!(l[0].confidence, Confidence::None);
    assert_eq!(l[1].confidence, Confidence::None, "outside B's window");
}

#[test]
fn a_burst_gets_one_invocation_per_block() {
    // Two failed blocks 900 ms apart, two cold environments; each block's T
    // is ~40 ms before its own INIT_START. Both invocations are in both
    // windows; the assignment must not give the same one twice.
    let first = cold(
        invocation("crm", "env1", T0 + 2_500, 1_400.0),
        T0 + 40,
        2_300.0,
    );
    let second = cold(
        invocation("crm", "env2", T0 + 3_400, 1_500.0),
        T0 + 940,
        2_350.0,
    );
    let blocks = [
        lambda_block(A, T0, "crm", 3000, GENERIC),
        lambda_block(B, T0 + 900, "crm", 3000, GENERIC),
    ];
    let l = link(&blocks, &[second, first]);
    assert_eq!(ids(&l[0]), vec!["env1"]);
    assert_eq!(ids(&l[1]), vec!["env2"]);
    for one in &l {
        assert_eq!(one.confidence, Confidence::Ambiguous);
        assert_eq!(one.candidates, 2);
    }
}

#[test]
fn successful_blocks_keep_their_own_invocations() {
    // A quick success answered the successful block; the failed block's
    // invocation is the slow one, even though the quick one is closer to it.
    let quick = invocation("crm", "quick", T0 + 20, 90.0);
    let slow = say(invocation("crm", "slow", T0 + 700, 4_000.0), &[(5, "x")]);
    let ok = lambda_block(B, T0 - 10, "crm", 3000, None);
    let failed = lambda_block(A, T0, "crm", 3000, GENERIC);
    let l = link(&[ok, failed], &[quick, slow]);
    assert_eq!(ids(&l[0]), vec!["quick"]);
    assert_eq!(ids(&l[1]), vec!["slow"]);
}

#[test]
fn a_failed_shape_is_preferred_over_time() {
    let quick = invocation("crm", "quick", T0 + 20, 90.0);
    let stalled = timeout(invocation("crm", "stalled", T0 + 1_500, 8_000.0));
    let l = link(
        &[lambda_block(A, T0, "crm", 3000, GENERIC)],
        &[quick, stalled],
    );
    assert_eq!(ids(&l[0]), vec!["stalled"]);
}

#[test]
fn errors_link_their_retries_in_order() {
    let err = |id: &str, start: Millis| {
        ended(
            invocation("crm", id, start, 150.0),
            InvocationStatus::Error(Some("Runtime.ExitError".into())),
        )
    };
    let invs = vec![
        err("try3", T0 + 700),
        err("try1", T0 + 40),
        err("try2", T0 + 350),
        err("try4", T0 + 1_000),
        err("try5", T0 + 1_300), // beyond Connect's three retries
        err("late", T0 + 3_100), // after the limit from the first attempt
    ];
    let l = link(&[lambda_block(A, T0, "crm", 3000, GENERIC)], &invs);
    assert_eq!(ids(&l[0]), vec!["try1", "try2", "try3", "try4"]);
}

#[test]
fn a_success_is_not_retried_and_successful_blocks_get_no_retries() {
    let ok1 = invocation("crm", "ok1", T0 + 40, 150.0);
    let ok2 = invocation("crm", "ok2", T0 + 400, 150.0);
    let l = link(&[lambda_block(A, T0, "crm", 3000, None)], &[ok1, ok2]);
    assert_eq!(ids(&l[0]), vec!["ok1"]);
}

#[test]
fn access_denied_blocks_do_not_take_invocations() {
    let inv = timeout(invocation("crm", "r1", T0 + 40, 8_000.0));
    let denied = lambda_block(
        A,
        T0,
        "crm",
        3000,
        Some("Status Code: 403; Error Code: AccessDeniedException"),
    );
    let l = link(
        &[denied, lambda_block(B, T0 + 10, "crm", 3000, GENERIC)],
        &[inv],
    );
    assert_eq!(l[0].confidence, Confidence::None);
    assert_eq!(ids(&l[1]), vec!["r1"]);
}

#[test]
fn uuid_tokens_are_found_only_whole() {
    let text = format!("contact={A}, x{B}0 and {B}");
    let found: Vec<&str> = uuid_tokens(&text).collect();
    assert_eq!(found, vec![A, B]);
    assert_eq!(uuid_tokens("short 0c51520c-6249").count(), 0);
    assert_eq!(
        uuid_tokens("héllo wörld ünïcode ✓ 0c51520c-6249-4ff9-9feb-00000000000✓").count(),
        0
    );
}

#[test]
fn init_lines_count_for_an_exact_link() {
    let mut inv = timeout(invocation("crm", "r1", T0 + 900, 8_000.0));
    inv.init_lines
        .push(LogLine::plain(T0 + 100, format!("warming up for {A}")));
    let other = timeout(invocation("crm", "r2", T0 + 30, 8_000.0));
    let l = link(&[lambda_block(A, T0, "crm", 3000, GENERIC)], &[other, inv]);
    assert_eq!(ids(&l[0]), vec!["r1"]);
    assert_eq!(l[0].confidence, Confidence::Exact);
}

/// The neighbours of the blocks in focus still take their invocations in
/// the assignment; only their links are not built.
#[test]
fn linking_the_first_blocks_only_keeps_the_assignment() {
    let failed = lambda_block(A, T0, "crm", 3000, GENERIC);
    // A neighbour whose invocation fits the failed block better by time.
    let neighbour = lambda_block(B, T0 + 100, "crm", 3000, GENERIC);
    let invocations = [
        timeout(invocation("crm", "near", T0 + 120, 3_000.0)),
        timeout(invocation("crm", "far", T0 + 2_000, 3_000.0)),
    ];
    let refs = [&failed, &neighbour];
    let all = link_blocks(&refs, &invocations, &|f| format!("/aws/lambda/{f}"));
    let first = link_first_blocks(&refs, 1, &invocations, &|f| format!("/aws/lambda/{f}"));
    assert_eq!(first.len(), 1);
    assert_eq!(first[0], all[0]);
    assert_eq!(all.len(), 2);
    assert_eq!(ids(&all[0]).len() + ids(&all[1]).len(), 2, "one each");
}
