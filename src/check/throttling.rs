//! `throttling`: calls were throttled in the period, or the function
//! cannot run at all. Offline evidence: the flow logs' `Results` texts
//! that name a throttle (`Rejection::Throttled`: Lambda's 429
//! `TooManyRequestsException`, or Connect's own concurrent Lambda limit),
//! and a reserved concurrency of 0 in `get-function`'s output (Lambda then
//! throttles every call). [?] Connect's exact `Results` text for a Lambda
//! throttle has not been seen in a real capture (reference §0b.7): the
//! phrases `parse::connect` matches are AWS's own search strings.
//!
//! Live, CloudWatch's `AWS/Lambda` metrics add: `Throttles` in the period
//! (every caller's, high), and concurrency near its ceiling (medium): the
//! function's peak `ConcurrentExecutions` at `CONCURRENCY_NEAR_SHARE` of
//! its reserved concurrency, or, for a function without one, the
//! account's peak `UnreservedConcurrentExecutions` at that share of the
//! account's unreserved limit (`GetAccountSettings`). The metrics are the
//! function's, not a flow's: they are said for each flow that calls it.

use super::{calls_by_function, CheckInput};
use crate::model::conventions::CONCURRENCY_NEAR_SHARE;
use crate::model::{
    AccountConcurrency, Fact, FactValue, Finding, FunctionMetrics, Kind, Millis, ObservedBlock,
    Severity,
};
use crate::units::format_time;
use std::collections::{BTreeMap, BTreeSet};

/// What was seen of one function's throttling in one flow.
#[derive(Default)]
struct Throttles {
    blocks: BTreeSet<String>,
    throttled: u64,
    executions: u64,
    first: Option<Millis>,
    last: Option<Millis>,
    results: Option<String>,
    reserved_zero: bool,
    /// Live: what the metrics said.
    live: Option<Live>,
}

/// The metrics' evidence for one function (live).
#[derive(Default, Clone)]
struct Live {
    throttles: Option<f64>,
    errors: Option<f64>,
    invocations: Option<f64>,
    first: Option<Millis>,
    last: Option<Millis>,
    max_concurrency: Option<f64>,
    reserved: Option<u32>,
    /// Peak at or above `CONCURRENCY_NEAR_SHARE` of the reserved concurrency.
    reserved_near: bool,
    account: AccountConcurrency,
    /// Without reserved concurrency: the account's unreserved peak at or
    /// above that share of its unreserved limit.
    account_near: bool,
}

impl Live {
    fn read(
        metrics: Option<&FunctionMetrics>,
        reserved: Option<u32>,
        account: Option<&AccountConcurrency>,
    ) -> Live {
        let max_concurrency = metrics.and_then(|m| m.max_concurrency);
        let reserved_near = match (reserved, max_concurrency) {
            (Some(r), Some(peak)) if r > 0 => peak >= f64::from(r) * CONCURRENCY_NEAR_SHARE,
            _ => false,
        };
        let account = account.copied().unwrap_or_default();
        let account_near = reserved.is_none()
            && match (account.unreserved, account.peak) {
                (Some(limit), Some(peak)) if limit > 0 => {
                    peak >= f64::from(limit) * CONCURRENCY_NEAR_SHARE
                }
                _ => false,
            };
        Live {
            throttles: metrics.and_then(|m| m.throttles),
            errors: metrics.and_then(|m| m.errors),
            invocations: metrics.and_then(|m| m.invocations),
            first: metrics.and_then(|m| m.first_throttle),
            last: metrics.and_then(|m| m.last_throttle),
            max_concurrency,
            reserved,
            reserved_near,
            account,
            account_near,
        }
    }

    fn throttled(&self) -> bool {
        self.throttles.is_some_and(|t| t > 0.0)
    }

    fn fires(&self) -> bool {
        self.throttled() || self.reserved_near || self.account_near
    }
}

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut by_flow_and_function: BTreeMap<(Option<String>, String), Throttles> = BTreeMap::new();
    for block in input.observed.unwrap_or_default() {
        if block.throttled > 0 {
            let key = (block.flow.clone(), block.function.display());
            add_logged(by_flow_and_function.entry(key).or_default(), block);
        }
    }
    for flow in input.flows {
        for (function, calls) in calls_by_function(flow) {
            let reserved = input
                .catalog
                .config_for(function)
                .and_then(|(c, _)| c.reserved_concurrency);
            if reserved == Some(0) {
                let key = (Some(flow.name.clone()), function.display());
                let seen = by_flow_and_function.entry(key).or_default();
                seen.reserved_zero = true;
                seen.blocks
                    .extend(calls.iter().map(|(a, _)| a.identifier.clone()));
            }
        }
    }
    if let Some(metrics) = input.metrics {
        for flow in input.flows {
            for (function, calls) in calls_by_function(flow) {
                let of_function = metrics.iter().find(|m| m.function == function.name);
                let reserved = input
                    .catalog
                    .config_for(function)
                    .and_then(|(c, _)| c.reserved_concurrency);
                let live = Live::read(of_function, reserved, input.account);
                let key = (Some(flow.name.clone()), function.display());
                if !live.fires() && !by_flow_and_function.contains_key(&key) {
                    continue;
                }
                let seen = by_flow_and_function.entry(key).or_default();
                seen.blocks
                    .extend(calls.iter().map(|(a, _)| a.identifier.clone()));
                seen.live = Some(live);
            }
        }
    }
    by_flow_and_function
        .into_iter()
        .map(|((flow, function), seen)| finding(flow, function, seen))
        .collect()
}

fn add_logged(seen: &mut Throttles, block: &ObservedBlock) {
    if let Some(id) = &block.block {
        seen.blocks.insert(id.clone());
    }
    seen.throttled += block.throttled;
    seen.executions += block.executions;
    seen.first = earliest(seen.first, block.first_throttle);
    seen.last = seen.last.max(block.last_throttle);
    if seen.results.is_none() {
        seen.results.clone_from(&block.throttle_results);
    }
}

fn earliest(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn finding(flow: Option<String>, function: String, seen: Throttles) -> Finding {
    let mut evidence = Vec::new();
    if seen.throttled > 0 {
        evidence.push("flow_logs".to_string());
    }
    if seen.reserved_zero {
        evidence.push("reserved_concurrency_0".to_string());
    }
    if let Some(live) = &seen.live {
        for (fired, name) in [
            (live.throttled(), "metrics"),
            (live.reserved_near, "reserved_concurrency_near"),
            (live.account_near, "account_concurrency_near"),
        ] {
            if fired {
                evidence.push(name.to_string());
            }
        }
    }
    let time = |t: Option<Millis>| t.map_or(FactValue::Null, |t| FactValue::Text(format_time(t)));
    let mut facts = vec![
        Fact::new("evidence", FactValue::Names(evidence)),
        Fact::new("throttled", FactValue::Int(seen.throttled as i64)),
        Fact::new("executions", FactValue::Int(seen.executions as i64)),
        Fact::new("first", time(seen.first)),
        Fact::new("last", time(seen.last)),
        Fact::new(
            "results",
            seen.results
                .clone()
                .map_or(FactValue::Null, FactValue::Text),
        ),
        Fact::new(
            "reserved_concurrency_zero",
            FactValue::Bool(seen.reserved_zero),
        ),
    ];
    if let Some(live) = &seen.live {
        facts.extend(live_facts(live));
    }
    let throttled =
        seen.throttled > 0 || seen.reserved_zero || seen.live.as_ref().is_some_and(Live::throttled);
    Finding {
        kind: Kind::Throttling,
        severity: if throttled {
            Severity::High
        } else {
            Severity::Medium
        },
        flow,
        key_fact: key_fact(&seen),
        action: format!("Give {function} concurrency to spare (reserved, or the account quota)"),
        fix: fix(&function, &seen),
        function: Some(function),
        blocks: seen.blocks.into_iter().collect(),
        facts,
    }
}

/// The metrics' numbers, said only when the metrics were read (live).
fn live_facts(live: &Live) -> Vec<Fact> {
    let number = |v: Option<f64>| v.map_or(FactValue::Null, |n| FactValue::Int(n.round() as i64));
    let int = |v: Option<u32>| v.map_or(FactValue::Null, |n| FactValue::Int(i64::from(n)));
    let time = |t: Option<Millis>| t.map_or(FactValue::Null, |t| FactValue::Text(format_time(t)));
    vec![
        Fact::new("metric_throttles", number(live.throttles)),
        Fact::new("metric_invocations", number(live.invocations)),
        Fact::new("metric_errors", number(live.errors)),
        Fact::new("metric_first_throttle", time(live.first)),
        Fact::new("metric_last_throttle", time(live.last)),
        Fact::new("max_concurrency", number(live.max_concurrency)),
        Fact::new("reserved_concurrency", int(live.reserved)),
        Fact::new("account_unreserved_limit", int(live.account.unreserved)),
        Fact::new("account_unreserved_peak", number(live.account.peak)),
    ]
}

fn key_fact(seen: &Throttles) -> String {
    if seen.throttled == 0 {
        if let Some(live) = seen.live.as_ref().filter(|l| l.throttled()) {
            let calls = live
                .invocations
                .map(|n| format!(" ({n:.0} calls)"))
                .unwrap_or_default();
            return format!(
                "{:.0} throttles in the AWS/Lambda metrics{calls}",
                live.throttles.unwrap_or(0.0)
            );
        }
        if seen.reserved_zero {
            return "reserved concurrency 0: every call is throttled".into();
        }
        if let Some(live) = &seen.live {
            if live.reserved_near {
                return format!(
                    "concurrency peaked at {:.0} of its reserved {}",
                    live.max_concurrency.unwrap_or(0.0),
                    live.reserved.unwrap_or(0)
                );
            }
            return format!(
                "the account's unreserved concurrency peaked at {:.0} of {}",
                live.account.peak.unwrap_or(0.0),
                live.account.unreserved.unwrap_or(0)
            );
        }
        return "reserved concurrency 0: every call is throttled".into();
    }
    let share = seen.throttled as f64 / seen.executions.max(1) as f64 * 100.0;
    format!(
        "{} of {} calls throttled ({share:.0}%)",
        seen.throttled, seen.executions
    )
}

fn fix(function: &str, seen: &Throttles) -> String {
    let mut fix = String::new();
    let name = function.split(':').next().unwrap_or(function);
    if seen.reserved_zero {
        fix.push_str(&format!(
            "{name}'s reserved concurrency is 0: Lambda throttles every call, and every contact \
             takes the Error branch. Remove it (`aws lambda delete-function-concurrency \
             --function-name {name}`) or set the concurrency the flows need. "
        ));
    }
    if seen.throttled > 0 {
        let period = match (seen.first, seen.last) {
            (Some(a), Some(b)) => format!(" between {} and {}", format_time(a), format_time(b)),
            _ => String::new(),
        };
        fix.push_str(&format!(
            "{n} calls of {name} were throttled{period} and went down the Error branch once \
             Connect's retries ran out. Check the AWS/Lambda Throttles and ConcurrentExecutions \
             metrics for {name} around those times; raise its reserved concurrency (`aws lambda \
             put-function-concurrency --function-name {name} --reserved-concurrent-executions N`) \
             or the account's concurrent executions quota. If Results names Connect's concurrent \
             Lambda limit, request a higher Amazon Connect quota for the instance.",
            n = seen.throttled,
        ));
    }
    if let Some(live) = &seen.live {
        fix.push_str(&live_fix(name, live));
    }
    fix.trim_end().to_string()
}

fn live_fix(name: &str, live: &Live) -> String {
    let mut fix = String::new();
    if live.throttled() {
        let period = match (live.first, live.last) {
            (Some(a), Some(b)) => format!(
                " (in the intervals from {} to {})",
                format_time(a),
                format_time(b)
            ),
            _ => String::new(),
        };
        fix.push_str(&format!(
            " The AWS/Lambda metrics count {throttles:.0} throttles of {name} in the period{period}, \
             whoever called it: each throttled call from a flow was retried within the block's \
             limit, then went down its Error branch. Raise its reserved concurrency (`aws lambda \
             put-function-concurrency --function-name {name} --reserved-concurrent-executions N`) \
             or the account's concurrent executions quota.",
            throttles = live.throttles.unwrap_or(0.0),
        ));
    }
    if live.reserved_near {
        fix.push_str(&format!(
            " {name}'s concurrency peaked at {peak:.0} of its reserved {reserved}: the next busier \
             hour is throttled. Raise the reserved concurrency (`aws lambda \
             put-function-concurrency --function-name {name} --reserved-concurrent-executions N`) \
             above the peak with room to spare.",
            peak = live.max_concurrency.unwrap_or(0.0),
            reserved = live.reserved.unwrap_or(0),
        ));
    }
    if live.account_near {
        fix.push_str(&format!(
            " {name} has no reserved concurrency and shares the account's unreserved \
             concurrency, which peaked at {peak:.0} of {limit}: a busier hour throttles it with \
             every other function. Request a higher concurrent executions quota (Service \
             Quotas, AWS Lambda), or reserve the concurrency the flows need for {name}.",
            peak = live.account.peak.unwrap_or(0.0),
            limit = live.account.unreserved.unwrap_or(0),
        ));
    }
    fix
}
