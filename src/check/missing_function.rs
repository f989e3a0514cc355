//! `missing_function`: a block names a function (or a qualifier) the
//! source says does not exist or cannot be read. Every call of that block
//! goes down its Error branch. Offline, the source says so of a function
//! with no configuration in an input that holds configurations of others
//! (`source::definitions`); with none at all, nothing is said.

use super::{calls_by_function, identifiers, CheckInput};
use crate::model::{Fact, FactValue, Finding, FlowDefinition, FunctionRef, Kind, Severity};

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for flow in input.flows {
        for (function, calls) in calls_by_function(flow) {
            if let Some(why) = missing(input, function) {
                out.push(finding(flow, function, identifiers(&calls), why));
            }
        }
    }
    out
}

/// Why the source says the function (or its qualifier) is missing.
fn missing<'a>(input: &CheckInput<'a>, function: &FunctionRef) -> Option<&'a str> {
    let unqualified = FunctionRef::new(function.name.clone(), None);
    let missing = &input.catalog.missing;
    missing
        .get(function)
        .or_else(|| missing.get(&unqualified))
        .map(String::as_str)
}

fn finding(
    flow: &FlowDefinition,
    function: &FunctionRef,
    blocks: Vec<String>,
    why: &str,
) -> Finding {
    let name = function.display();
    Finding {
        kind: Kind::MissingFunction,
        severity: Severity::High,
        flow: Some(flow.name.clone()),
        function: Some(name.clone()),
        key_fact: format!("{name} not found: every call takes the Error branch"),
        facts: vec![Fact::new("reason", FactValue::Text(why.to_string()))],
        action: format!("Create {name}, or point the blocks at a function that exists"),
        fix: format!(
            "The flow calls {name}, which was not found ({why}). Every contact that reaches \
             {blocks} goes down its Error branch. Point the block at the right function (and \
             alias), or create it and add it to the instance (Amazon Connect console, Flows, \
             AWS Lambda); if it exists, export its configuration too (`aws lambda \
             get-function-configuration --function-name {name} --output json`).",
            blocks = blocks.join(", "),
        ),
        blocks,
    }
}
