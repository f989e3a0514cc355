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
mod tests;
