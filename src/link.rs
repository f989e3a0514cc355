//! Link Lambda blocks to the invocations that answered them.
//!
//! Flow logs carry no Lambda request id, so a block is linked by function,
//! time window and, when the function logged it, the contact's ContactId.
//! Each Lambda request comes from exactly one block execution, so linking is
//! an assignment: the best-fitting (block, invocation) pairs are taken first
//! and an invocation is never given to two blocks.
//!
//! Connect's `Timestamp` may mark the block's start or its completion (see
//! the reference, §0b.1); the window (`windows::link_window`) covers both
//! readings, and the fit score takes the better of the two.
//!
//! Cost: invocations are sorted per function by arrival once, each block
//! finds its candidates by binary search, and the candidate pairs are sorted
//! once: O((blocks + invocations + pairs) · log).

use crate::model::conventions::{uuid_tokens, MAX_CONNECT_RETRIES};
use crate::model::{
    Confidence, FlowEntry, Invocation, InvocationStatus, LambdaBlock, Link, Millis, Rejection,
};
use crate::windows::block_window;
use std::collections::HashMap;

/// Added to the time distance of an invocation whose shape does not match
/// the block's outcome (a quick success for a failed block, or a failure for
/// a successful one). Larger than any window, so shape is preferred over
/// time, and time decides among invocations of the same shape.
const SHAPE_PENALTY_MS: Millis = 1_000_000;

/// Link every Lambda block (failed or not; successful blocks take part so
/// that they keep their own invocations) to its invocations. Returns one
/// `Link` per block, in the order given; entries without a Lambda block get
/// an empty link. `log_group_for` names the group searched for a function.
pub fn link_blocks(
    blocks: &[&FlowEntry],
    invocations: &[Invocation],
    log_group_for: &dyn Fn(&str) -> String,
) -> Vec<Link> {
    link_first_blocks(blocks, blocks.len(), invocations, log_group_for)
}

/// `link_blocks`, returning the links of the first `wanted` blocks only:
/// the others (neighbours of the blocks in focus) take part in the
/// assignment, but nobody reads their links, and there are many of them.
pub fn link_first_blocks(
    blocks: &[&FlowEntry],
    wanted: usize,
    invocations: &[Invocation],
    log_group_for: &dyn Fn(&str) -> String,
) -> Vec<Link> {
    let by_function = index_by_function(invocations);
    let mentions = contact_mentions(blocks, invocations);
    let mut pairs = Vec::new();
    let mut candidates = vec![0usize; blocks.len()];
    for (b, block) in blocks.iter().enumerate() {
        let Some(lambda) = participating(block) else {
            continue;
        };
        let Some(sorted) = by_function.get(lambda.function_name.as_str()) else {
            continue;
        };
        for &i in in_window(block_window(block, lambda), sorted, invocations) {
            let mentioned = &mentions[i];
            let exact = mentioned
                .iter()
                .any(|&m| blocks[m].contact_id == block.contact_id);
            if !exact && !mentioned.is_empty() {
                continue; // it logged another contact's id: not ours
            }
            candidates[b] += 1;
            pairs.push(Pair {
                block: b,
                invocation: i,
                exact,
                score: fit_score(block, lambda, &invocations[i]),
            });
        }
    }
    let primaries = assign(&mut pairs, blocks.len(), invocations.len());
    let mut taken: Vec<bool> = vec![false; invocations.len()];
    for p in primaries.iter().flatten() {
        taken[p.invocation] = true;
    }
    blocks
        .iter()
        .take(wanted)
        .enumerate()
        .map(|(b, block)| {
            let primary = primaries[b];
            let mut linked = Vec::new();
            if let Some(p) = primary {
                linked.push(p.invocation);
                if block.is_failed_lambda_block() {
                    linked.extend(retries(
                        block,
                        p.invocation,
                        &by_function,
                        invocations,
                        &mut taken,
                    ));
                }
            }
            build_link(
                block,
                primary,
                candidates[b],
                &linked,
                invocations,
                log_group_for,
            )
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Pair {
    block: usize,
    invocation: usize,
    exact: bool,
    score: Millis,
}

/// The Lambda block a block links as, unless Connect never reached it.
fn participating(block: &FlowEntry) -> Option<&LambdaBlock> {
    let lambda = block.lambda.as_ref()?;
    match block.rejection {
        // Connect was refused before the function ran: nothing to link.
        Some(Rejection::AccessDenied) => None,
        _ => Some(lambda),
    }
}

/// Invocation indices per function, sorted by arrival.
fn index_by_function(invocations: &[Invocation]) -> HashMap<&str, Vec<usize>> {
    let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, inv) in invocations.iter().enumerate() {
        map.entry(inv.function.as_str()).or_default().push(i);
    }
    for list in map.values_mut() {
        list.sort_by_key(|&i| (invocations[i].arrival, i));
    }
    map
}

/// The slice of `sorted` whose arrival lies in `(lo, hi)`.
fn in_window<'s>(
    (lo, hi): (Millis, Millis),
    sorted: &'s [usize],
    invocations: &[Invocation],
) -> &'s [usize] {
    let first = sorted.partition_point(|&i| invocations[i].arrival < lo);
    let last = sorted.partition_point(|&i| invocations[i].arrival <= hi);
    sorted.get(first..last).unwrap_or(&[])
}

/// For each invocation, the blocks whose ContactId its output mentions.
/// ContactIds are UUIDs: the output is scanned once for UUID-shaped tokens,
/// which are looked up, instead of searching every id in every line.
fn contact_mentions(blocks: &[&FlowEntry], invocations: &[Invocation]) -> Vec<Vec<usize>> {
    let mut by_contact: HashMap<&str, Vec<usize>> = HashMap::new();
    for (b, block) in blocks.iter().enumerate() {
        by_contact
            .entry(block.contact_id.as_str())
            .or_default()
            .push(b);
    }
    invocations
        .iter()
        .map(|inv| {
            let mut found: Vec<usize> = Vec::new();
            let lines = inv.init_lines.iter().chain(&inv.custom_lines);
            for token in lines.flat_map(|l| uuid_tokens(&l.text)) {
                if let Some(bs) = by_contact.get(token) {
                    found.extend(bs);
                }
            }
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

/// How well an invocation fits a block, in milliseconds (lower is better).
/// Two readings of Connect's Timestamp: the block's start (the request
/// arrives at about T) or its completion (T is about arrival + the time
/// Connect waited, capped at the limit). The better reading counts.
fn fit_score(block: &FlowEntry, lambda: &LambdaBlock, inv: &Invocation) -> Millis {
    let limit = Millis::from(lambda.limit_ms());
    let waited = inv
        .end
        .map_or(limit, |end| (end - inv.arrival).clamp(0, limit));
    let as_start = (inv.arrival - block.timestamp).abs();
    let as_completion = (inv.arrival + waited - block.timestamp).abs();
    let distance = as_start.min(as_completion);
    if explains_failure(inv, limit) == block.is_failed_lambda_block() {
        distance
    } else {
        distance + SHAPE_PENALTY_MS
    }
}

/// Whether an invocation's shape can explain a failed block: it failed, it
/// never finished, or it took longer than the block allowed.
pub fn explains_failure(inv: &Invocation, limit_ms: Millis) -> bool {
    if inv.status != InvocationStatus::Success {
        return true;
    }
    let init_failed = inv
        .init_reports
        .iter()
        .any(|r| r.status.as_deref().is_some_and(|s| s != "success"));
    let waited = inv.cold_ms() + inv.duration_ms.unwrap_or(0.0);
    init_failed || waited > limit_ms as f64
}

/// Greedy assignment: exact ContactId matches first, then by fit. Returns
/// the primary pair of each block.
fn assign(pairs: &mut [Pair], blocks: usize, invocations: usize) -> Vec<Option<Pair>> {
    pairs.sort_by_key(|p| (!p.exact, p.score, p.block, p.invocation));
    let mut primary: Vec<Option<Pair>> = vec![None; blocks];
    let mut used = vec![false; invocations];
    for p in pairs.iter() {
        if primary[p.block].is_none() && !used[p.invocation] {
            primary[p.block] = Some(*p);
            used[p.invocation] = true;
        }
    }
    primary
}

/// Connect's retries of a failed attempt: later invocations of the same
/// function, each arriving after the previous attempt ended, all within the
/// block's limit from the first attempt's arrival.
fn retries(
    block: &FlowEntry,
    first: usize,
    by_function: &HashMap<&str, Vec<usize>>,
    invocations: &[Invocation],
    taken: &mut [bool],
) -> Vec<usize> {
    let Some(lambda) = block.lambda.as_ref() else {
        return Vec::new();
    };
    let Some(sorted) = by_function.get(lambda.function_name.as_str()) else {
        return Vec::new();
    };
    let deadline = invocations[first].arrival + Millis::from(lambda.limit_ms());
    let mut out = Vec::new();
    let mut previous = first;
    let from = sorted.partition_point(|&i| invocations[i].arrival <= invocations[first].arrival);
    for &i in sorted.get(from..).unwrap_or(&[]) {
        let inv = &invocations[i];
        if inv.arrival > deadline || out.len() == MAX_CONNECT_RETRIES {
            break;
        }
        let prev = &invocations[previous];
        let after_previous = prev.end.is_some_and(|end| inv.arrival >= end);
        if taken[i] || !after_previous || prev.status == InvocationStatus::Success {
            continue;
        }
        taken[i] = true;
        out.push(i);
        previous = i;
    }
    out
}

fn build_link(
    block: &FlowEntry,
    primary: Option<Pair>,
    candidates: usize,
    linked: &[usize],
    invocations: &[Invocation],
    log_group_for: &dyn Fn(&str) -> String,
) -> Link {
    let (function, (window_start, window_end)) = match &block.lambda {
        Some(lambda) => (lambda.function_name.as_str(), block_window(block, lambda)),
        None => ("", (block.timestamp, block.timestamp)),
    };
    let confidence = match primary {
        None => Confidence::None,
        Some(p) if p.exact => Confidence::Exact,
        Some(_) if candidates <= 1 => Confidence::Window,
        Some(_) => Confidence::Ambiguous,
    };
    Link {
        confidence,
        candidates,
        invocations: linked.iter().map(|&i| invocations[i].clone()).collect(),
        searched_group: log_group_for(function),
        window_start,
        window_end,
    }
}

#[cfg(test)]
mod tests {
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
}
