//! `chain_over_20s`: along some path of a flow (every condition, error and
//! loop walked, `paths::silent_chains`), synchronous Lambda calls follow
//! each other with no block that plays audio or takes input between them,
//! and their limits add up past 20 s (`LAMBDA_CHAIN_LIMIT_MS`: a warning of
//! the admin guide, not on the quotas page). A loop through such calls has
//! no bound but the flow's own counters: it is reported whatever one round
//! costs. Asynchronous calls do not count (the contact moves on at once).
//! Severity `medium`: a documented warning whose enforcement is not known.

use super::paths::{silent_chains, Chain, Walk};
use super::{seconds, CheckInput};
use crate::model::conventions::LAMBDA_CHAIN_LIMIT_MS;
use crate::model::{Fact, FactValue, Finding, FlowDefinition, Kind, Severity};
use std::collections::BTreeSet;

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    input
        .flows
        .iter()
        .flat_map(|flow| {
            let walk = silent_chains(flow);
            over_limit(flow, &walk)
                .into_iter()
                .map(|chain| finding(flow, chain))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The flows whose walk was cut short, for the report's notes.
pub(crate) fn cut_walks(flows: &[FlowDefinition]) -> Vec<&str> {
    flows
        .iter()
        .filter(|f| silent_chains(f).cut)
        .map(|f| f.name.as_str())
        .collect()
}

fn limit_of(flow: &FlowDefinition, action: usize) -> u64 {
    flow.actions[action]
        .lambda_call()
        .map_or(0, |c| u64::from(c.limit_ms))
}

fn total(flow: &FlowDefinition, calls: &[usize]) -> u64 {
    calls.iter().map(|&c| limit_of(flow, c)).sum()
}

/// The chains to report: every loop once (by the calls it goes round),
/// and every run past the limit that is not part of a longer one.
fn over_limit<'w>(flow: &FlowDefinition, walk: &'w Walk) -> Vec<&'w Chain> {
    let mut loops_seen: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut runs: Vec<&Chain> = Vec::new();
    let mut out = Vec::new();
    for chain in &walk.chains {
        match chain.loops_back_to {
            Some(at) => {
                let mut round = chain.calls[at..].to_vec();
                round.sort_unstable();
                if loops_seen.insert(round) {
                    out.push(chain);
                }
            }
            None if total(flow, &chain.calls) > u64::from(LAMBDA_CHAIN_LIMIT_MS)
                && !runs.iter().any(|r| r.calls == chain.calls) =>
            {
                runs.push(chain);
            }
            None => {}
        }
    }
    let longer = runs.clone();
    out.extend(
        runs.into_iter()
            .filter(|r| !longer.iter().any(|l| contains(&l.calls, &r.calls))),
    );
    out
}

/// Whether `inner` is a strictly shorter run inside `outer`.
fn contains(outer: &[usize], inner: &[usize]) -> bool {
    outer.len() > inner.len() && outer.windows(inner.len()).any(|w| w == inner)
}

fn finding(flow: &FlowDefinition, chain: &Chain) -> Finding {
    let id = |i: usize| flow.actions[i].identifier.clone();
    let blocks: Vec<String> = chain.calls.iter().map(|&c| id(c)).collect();
    let limits: Vec<i64> = chain
        .calls
        .iter()
        .map(|&c| limit_of(flow, c) as i64)
        .collect();
    let functions: BTreeSet<String> = chain
        .calls
        .iter()
        .filter_map(|&c| flow.actions[c].lambda_call())
        .map(|call| {
            call.function()
                .map_or_else(|| "(dynamic)".to_string(), |f| f.display())
        })
        .collect();
    let total_ms = total(flow, &chain.calls);
    let round_ms = chain
        .loops_back_to
        .map(|at| total(flow, &chain.calls[at..]));
    let split = split_point(flow, chain);
    Finding {
        kind: Kind::ChainOver20s,
        severity: Severity::Medium,
        flow: Some(flow.name.clone()),
        function: (functions.len() == 1)
            .then(|| functions.into_iter().next())
            .flatten(),
        facts: vec![
            Fact::new("total_ms", FactValue::Int(total_ms as i64)),
            Fact::new("limits_ms", FactValue::Ints(limits.clone())),
            Fact::new(
                "chain_limit_ms",
                FactValue::Int(LAMBDA_CHAIN_LIMIT_MS.into()),
            ),
            Fact::new("loops", FactValue::Bool(round_ms.is_some())),
            Fact::new(
                "round_ms",
                round_ms.map_or(FactValue::Null, |r| FactValue::Int(r as i64)),
            ),
            Fact::new(
                "path",
                FactValue::Names(chain.path.iter().map(|&i| id(i)).collect()),
            ),
            Fact::new("play_prompt_before", FactValue::Names(vec![id(split)])),
        ],
        key_fact: key_fact(&limits, total_ms, round_ms),
        action: "Put a Play prompt between the calls, or make some asynchronous".into(),
        fix: fix(&blocks, total_ms, round_ms, &id(split)),
        blocks,
    }
}

/// Where a Play prompt ends the silence soonest: before the call that
/// takes the run past the limit; in a loop, before the call it loops to.
fn split_point(flow: &FlowDefinition, chain: &Chain) -> usize {
    if let Some(at) = chain.loops_back_to {
        return chain.calls[at];
    }
    let mut sum = 0;
    for &call in &chain.calls {
        sum += limit_of(flow, call);
        if sum > u64::from(LAMBDA_CHAIN_LIMIT_MS) {
            return call;
        }
    }
    chain.calls[chain.calls.len() - 1]
}

fn key_fact(limits: &[i64], total_ms: u64, round_ms: Option<u64>) -> String {
    let sum: Vec<String> = limits.iter().map(|&l| seconds(l as f64)).collect();
    match round_ms {
        Some(round) => format!(
            "loop of calls without audio: {} a round, no bound",
            seconds(round as f64)
        ),
        None => format!(
            "{} calls without audio: {} = {} > 20 s",
            limits.len(),
            sum.join(" + "),
            seconds(total_ms as f64)
        ),
    }
}

fn fix(blocks: &[String], total_ms: u64, round_ms: Option<u64>, split: &str) -> String {
    let calls = blocks.join(" -> ");
    let silence = match round_ms {
        Some(round) => format!(
            "this path goes round {calls} and back, {} of calls a round with nothing played, \
             for as long as the flow loops",
            seconds(round as f64)
        ),
        None => format!(
            "along {calls} a caller can hear silence for up to {} of calls",
            seconds(total_ms as f64)
        ),
    };
    format!(
        "Amazon Connect limits a sequence of Lambda functions to 20 seconds (admin guide; a \
         documented warning, not a published quota), and {silence}. Put a Play prompt \
         (MessageParticipant) before {split} so that no run of calls without audio adds up past \
         20 s; or make the calls whose results are not needed at once asynchronous \
         (InvocationType ASYNCHRONOUS, then Wait and Load Lambda result); or lower their limits."
    )
}
