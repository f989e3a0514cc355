//! `timeout_below_block_limit`: a Lambda block (synchronous or
//! asynchronous) waits longer than the function's own timeout (Lambda's
//! default of 3 s when the configuration sets none). Lambda kills a slow
//! call first, Connect retries the error within the block's limit, and the
//! caller waits the whole limit for the Error branch, where a timeout that
//! matched the block would have let the call finish. An equal timeout is
//! fine: Connect gives up at the same moment.

use super::{calls_by_function, seconds, whole_seconds_up, CheckInput};
use crate::model::{
    Fact, FactValue, Finding, FlowAction, FunctionDefinition, FunctionRef, Kind, LambdaCall,
    Severity,
};

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for flow in input.flows {
        for (function, calls) in calls_by_function(flow) {
            let Some((config, own)) = input.catalog.config_for(function) else {
                continue;
            };
            let over: Vec<&(&FlowAction, &LambdaCall)> = calls
                .iter()
                .filter(|(_, call)| call.limit_ms > config.timeout_ms())
                .collect();
            let Some(longest) = over.iter().map(|(_, c)| c.limit_ms).max() else {
                continue;
            };
            let blocks: Vec<String> = over.iter().map(|(a, _)| a.identifier.clone()).collect();
            let modes: Vec<String> = over.iter().map(|(_, c)| c.mode.as_str().into()).collect();
            out.push(Finding {
                kind: Kind::TimeoutBelowBlockLimit,
                severity: Severity::High,
                flow: Some(flow.name.clone()),
                function: Some(function.display()),
                facts: vec![
                    Fact::new(
                        "function_timeout_ms",
                        FactValue::Int(config.timeout_ms().into()),
                    ),
                    Fact::new(
                        "timeout_defaulted",
                        FactValue::Bool(config.timeout_defaulted()),
                    ),
                    Fact::new("block_limit_ms", FactValue::Int(longest.into())),
                    Fact::new("invocation_types", FactValue::Names(modes)),
                    Fact::new("configuration_of_qualifier", FactValue::Bool(own)),
                ],
                key_fact: key_fact(config, longest),
                action: format!(
                    "Raise {}'s timeout to the block's limit, or lower the limit",
                    function.name
                ),
                fix: fix(function, config, own, longest, &blocks),
                blocks,
            });
        }
    }
    out
}

fn key_fact(config: &FunctionDefinition, limit_ms: u32) -> String {
    let default = if config.timeout_defaulted() {
        " (Lambda's default)"
    } else {
        ""
    };
    format!(
        "block waits {}, function times out at {}{default}",
        seconds(f64::from(limit_ms)),
        seconds(f64::from(config.timeout_ms()))
    )
}

fn fix(
    function: &FunctionRef,
    config: &FunctionDefinition,
    own: bool,
    limit_ms: u32,
    blocks: &[String],
) -> String {
    let name = &function.name;
    let timeout = seconds(f64::from(config.timeout_ms()));
    let limit = seconds(f64::from(limit_ms));
    let set = whole_seconds_up(limit_ms);
    let mut fix = format!(
        "{noun} {blocks} wait{s} up to {limit} for {name}, but {name} times out at {timeout}{default}: \
         Lambda ends a slow call first, Connect retries the error within the block's limit, and \
         the caller waits for the Error branch anyway. Raise the timeout to at least {set} s \
         (`aws lambda update-function-configuration --function-name {name} --timeout {set}`), \
         or lower the block's limit to {timeout} if the function never needs longer.",
        blocks = blocks.join(", "),
        s = if blocks.len() == 1 { "s" } else { "" },
        noun = if blocks.len() == 1 { "Block" } else { "Blocks" },
        default = if config.timeout_defaulted() {
            " (no Timeout is set: Lambda's default)"
        } else {
            ""
        },
    );
    if let Some(q) = function
        .qualifier
        .as_deref()
        .filter(|_| !function.is_latest())
    {
        fix.push_str(&format!(
            " The blocks call {q}: publish a version with the new timeout and point {q} at it."
        ));
        if !own {
            fix.push_str(&format!(
                " (This is $LATEST's configuration; {q} may run a version with another timeout: \
                 `aws lambda get-function-configuration --function-name {name} --qualifier {q}`.)"
            ));
        }
    }
    fix
}
