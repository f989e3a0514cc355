//! `function_not_active`: the configuration says the function cannot run
//! as it should. `State` `Failed`: every call fails. `Inactive` (idle for
//! weeks: Lambda reclaimed its resources): the next call fails while Lambda
//! makes it `Pending` again (Lambda developer guide, function states; [?]
//! how Connect words that failure). `Pending`: calls fail until it is
//! `Active`. `LastUpdateStatus` `Failed`: the last configuration change did
//! not apply, so the function runs its previous configuration.

use super::{calls_by_function, identifiers, CheckInput};
use crate::model::{Fact, FactValue, Finding, FunctionDefinition, Kind, Severity};

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for flow in input.flows {
        for (function, calls) in calls_by_function(flow) {
            let Some((config, _)) = input.catalog.config_for(function) else {
                continue;
            };
            let Some(severity) = severity(config) else {
                continue;
            };
            let name = function.display();
            out.push(Finding {
                kind: Kind::FunctionNotActive,
                severity,
                flow: Some(flow.name.clone()),
                function: Some(name.clone()),
                blocks: identifiers(&calls),
                facts: facts(config),
                key_fact: key_fact(config),
                action: format!("Bring {name} back to Active before callers reach it"),
                fix: fix(config, &name),
            });
        }
    }
    out
}

fn state(config: &FunctionDefinition) -> Option<&str> {
    config
        .state
        .as_deref()
        .filter(|s| !s.eq_ignore_ascii_case("Active"))
}

fn update_failed(config: &FunctionDefinition) -> bool {
    config
        .last_update_status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("Failed"))
}

/// `Failed` and `Inactive` break the next call; the rest is transient or
/// stale configuration.
fn severity(config: &FunctionDefinition) -> Option<Severity> {
    match state(config) {
        Some(s) if s.eq_ignore_ascii_case("Failed") || s.eq_ignore_ascii_case("Inactive") => {
            Some(Severity::High)
        }
        Some(_) => Some(Severity::Medium),
        None if update_failed(config) => Some(Severity::Medium),
        None => None,
    }
}

fn facts(config: &FunctionDefinition) -> Vec<Fact> {
    let text = |v: &Option<String>| v.clone().map_or(FactValue::Null, FactValue::Text);
    vec![
        Fact::new("state", text(&config.state)),
        Fact::new("state_reason", text(&config.state_reason)),
        Fact::new("last_update_status", text(&config.last_update_status)),
    ]
}

fn key_fact(config: &FunctionDefinition) -> String {
    match state(config) {
        Some(s) => format!("State {s}"),
        None => "LastUpdateStatus Failed: runs its previous configuration".into(),
    }
}

fn fix(config: &FunctionDefinition, name: &str) -> String {
    let reason = config
        .state_reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    match state(config) {
        Some(s) if s.eq_ignore_ascii_case("Inactive") => format!(
            "{name} is Inactive{reason}: Lambda reclaimed it after weeks without a call, and the \
             next call fails while it is made Pending again. Invoke it once now (`aws lambda \
             invoke --function-name {name} /dev/null`), and keep it in use (a scheduled call, or \
             provisioned concurrency) if the flow calls it rarely."
        ),
        Some(s) => format!(
            "{name} is {s}{reason}: calls fail until it is Active. Fix what the reason names \
             (an execution role, subnets, a layer, an image), then check `aws lambda \
             get-function-configuration --function-name {name} --query State`."
        ),
        None => format!(
            "The last update of {name} failed{reason}: it still runs its previous \
             configuration, timeout included. Apply the change again and check \
             `LastUpdateStatus` until it is Successful."
        ),
    }
}
