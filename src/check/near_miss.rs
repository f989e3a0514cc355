//! `near_miss`: the successful calls that answered a block took, at p95,
//! at least `HEADROOM_SHARE` (80 %) of its limit, init included: a slower
//! downstream or a cold start takes the next ones over. `high` from
//! `NEAR_MISS_HIGH_SHARE` (95 %) at p95. Needs `NEAR_MISS_MIN_CALLS`
//! successful calls with their invocation found; a failed call is `scan`'s
//! business, not a near miss.
//!
//! Live, the calls are not linked to their blocks: a function's own logs
//! (aggregated by Logs Insights) give the spread of every successful call
//! of the function, whoever made it, and it is held against the tightest
//! limit of the blocks that call it in each flow (`tightest_calls`). With
//! one block calling the function, and nothing else calling it, the two
//! agree.

use super::stats::percentile;
use super::{seconds, tightest_calls, CheckInput};
use crate::model::conventions::{
    HEADROOM_SHARE, MAX_SYNC_BLOCK_LIMIT_MS, NEAR_MISS_HIGH_SHARE, NEAR_MISS_MIN_CALLS,
};
use crate::model::{Fact, FactValue, Finding, FunctionHeadroom, Kind, ObservedBlock, Severity};
use crate::units::whole_ms;

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out: Vec<Finding> = input
        .observed
        .unwrap_or_default()
        .iter()
        .filter_map(finding)
        .collect();
    for headroom in input.headroom.unwrap_or_default() {
        out.extend(live_findings(input, headroom));
    }
    out
}

/// A function's spread (its own logs) against the tightest block that
/// calls it, in each flow that does.
fn live_findings(input: &CheckInput<'_>, h: &FunctionHeadroom) -> Vec<Finding> {
    let Some(s) = live_spread(h) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (flow, calls) in tightest_calls(input.flows, &h.function) {
        let Some((_, call)) = calls.first() else {
            continue;
        };
        let Some(function) = call.function() else {
            continue;
        };
        let at = Limit {
            flow: Some(flow.name.clone()),
            blocks: calls.iter().map(|(a, _)| a.identifier.clone()).collect(),
            function: function.display(),
            name: function.name.clone(),
            limit_ms: call.limit_ms,
            limit_assumed: calls.iter().any(|(_, c)| c.limit_assumed),
            unlinked: FactValue::Null,
            live: true,
        };
        out.extend(near_miss(&at, &s));
    }
    out
}

fn live_spread(h: &FunctionHeadroom) -> Option<Spread> {
    if h.successes < NEAR_MISS_MIN_CALLS as u64 {
        return None;
    }
    Some(Spread {
        p50: h.wait_p50_ms?,
        p95: h.wait_p95_ms?,
        p99: h.wait_p99_ms?,
        max: h.wait_max_ms?,
        calls: h.successes as usize,
        cold: h.cold_successes as usize,
    })
}

/// The blocks a spread is held against.
struct Limit {
    flow: Option<String>,
    blocks: Vec<String>,
    /// `name` or `name:qualifier`.
    function: String,
    name: String,
    limit_ms: u32,
    limit_assumed: bool,
    unlinked: FactValue,
    /// The spread is the function's (its logs), not the block's.
    live: bool,
}

/// The spread of a block's successful calls (init + handler).
struct Spread {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    calls: usize,
    cold: usize,
}

fn spread(block: &ObservedBlock) -> Option<Spread> {
    if block.successes.len() < NEAR_MISS_MIN_CALLS {
        return None;
    }
    let totals: Vec<f64> = block.successes.iter().map(|s| s.total_ms()).collect();
    Some(Spread {
        p50: percentile(&totals, 50.0)?,
        p95: percentile(&totals, 95.0)?,
        p99: percentile(&totals, 99.0)?,
        max: percentile(&totals, 100.0)?,
        calls: totals.len(),
        cold: block.successes.iter().filter(|s| s.is_cold()).count(),
    })
}

fn finding(block: &ObservedBlock) -> Option<Finding> {
    let s = spread(block)?;
    let at = Limit {
        flow: block.flow.clone(),
        blocks: block.block.iter().cloned().collect(),
        function: block.function.display(),
        name: block.function.name.clone(),
        limit_ms: block.limit_ms,
        limit_assumed: block.limit_assumed,
        unlinked: FactValue::Int(block.successes_unlinked as i64),
        live: false,
    };
    near_miss(&at, &s)
}

fn near_miss(block: &Limit, s: &Spread) -> Option<Finding> {
    let limit = f64::from(block.limit_ms);
    let share = s.p95 / limit;
    if share < HEADROOM_SHARE {
        return None;
    }
    let severity = if share >= NEAR_MISS_HIGH_SHARE {
        Severity::High
    } else {
        Severity::Medium
    };
    let function = block.function.clone();
    let cold_share = s.cold as f64 / s.calls as f64;
    Some(Finding {
        kind: Kind::NearMiss,
        severity,
        flow: block.flow.clone(),
        blocks: block.blocks.clone(),
        facts: vec![
            Fact::new("block_limit_ms", FactValue::Int(block.limit_ms.into())),
            Fact::new("limit_assumed", FactValue::Bool(block.limit_assumed)),
            Fact::new("calls", FactValue::Int(s.calls as i64)),
            Fact::new("p50_ms", FactValue::ms(s.p50)),
            Fact::new("p95_ms", FactValue::ms(s.p95)),
            Fact::new("p99_ms", FactValue::ms(s.p99)),
            Fact::new("max_ms", FactValue::ms(s.max)),
            Fact::new("p95_share", FactValue::Number(round2(share))),
            Fact::new("cold_share", FactValue::Number(round2(cold_share))),
            Fact::new("unlinked_successes", block.unlinked.clone()),
        ],
        key_fact: format!(
            "p95 {} ms = {:.0}% of the {} limit ({} calls, {:.0}% cold)",
            whole_ms(s.p95),
            share * 100.0,
            seconds(limit),
            s.calls,
            cold_share * 100.0
        ),
        action: format!("Speed up {function} or raise the block's limit: p95 is within 20% of it"),
        fix: fix(block, s, share),
        function: Some(function),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn fix(block: &Limit, s: &Spread, share: f64) -> String {
    let function = &block.name;
    let limit = seconds(f64::from(block.limit_ms));
    let assumed = if block.limit_assumed {
        " (the logs gave no TimeLimit: Connect's 8 s maximum is assumed)"
    } else {
        ""
    };
    let cold = if s.cold > 0 {
        format!(
            " {} of the {} calls were cold: provisioned concurrency removes that part.",
            s.cold, s.calls
        )
    } else {
        String::new()
    };
    // The logs do not say whether a block is synchronous: a limit at the
    // synchronous maximum is taken as one that cannot grow.
    let raise = if block.limit_ms >= MAX_SYNC_BLOCK_LIMIT_MS {
        "the block already waits Connect's synchronous maximum (8 s): the time must come out of \
         the function, or the call must become asynchronous (then Wait and Load Lambda result)"
            .to_string()
    } else {
        format!(
            "or raise the block's limit above {limit} (8 s at most for a synchronous block; the \
             function's timeout must follow)"
        )
    };
    let whose = if block.live {
        format!(
            " (every successful call of {function} in the period, whoever made it, as its logs \
             say, held against the tightest block that calls it)"
        )
    } else {
        String::new()
    };
    format!(
        "The successful calls of {function}{whose} take {p50} ms at p50, {p95} ms at p95 ({pct:.0}% of \
         the {limit} limit{assumed}) and up to {max} ms: a slower downstream or a cold start takes \
         the next ones over, into the Error branch. Find where the time goes (`connect-timeouts \
         explain <contact-id>` on a slow contact, X-Ray) and give the downstream calls timeouts \
         well inside the limit; {raise}.{cold}",
        p50 = whole_ms(s.p50),
        p95 = whole_ms(s.p95),
        pct = share * 100.0,
        max = whole_ms(s.max),
    )
}
