//! `throttling`: calls were throttled in the period, or the function
//! cannot run at all. Offline evidence: the flow logs' `Results` texts
//! that name a throttle (`Rejection::Throttled`: Lambda's 429
//! `TooManyRequestsException`, or Connect's own concurrent Lambda limit),
//! and a reserved concurrency of 0 in `get-function`'s output (Lambda then
//! throttles every call). [?] Connect's exact `Results` text for a Lambda
//! throttle has not been seen in a real capture (reference §0b.7): the
//! phrases `parse::connect` matches are AWS's own search strings. Concurrency near the reserved or account limit
//! needs the CloudWatch metrics: the live half's.

use super::{calls_by_function, CheckInput};
use crate::model::{Fact, FactValue, Finding, Kind, Millis, ObservedBlock, Severity};
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
    let time = |t: Option<Millis>| t.map_or(FactValue::Null, |t| FactValue::Text(format_time(t)));
    let facts = vec![
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
    Finding {
        kind: Kind::Throttling,
        severity: Severity::High,
        flow,
        key_fact: key_fact(&seen),
        action: format!("Give {function} concurrency to spare (reserved, or the account quota)"),
        fix: fix(&function, &seen),
        function: Some(function),
        blocks: seen.blocks.into_iter().collect(),
        facts,
    }
}

fn key_fact(seen: &Throttles) -> String {
    if seen.throttled == 0 {
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
    fix.trim_end().to_string()
}
