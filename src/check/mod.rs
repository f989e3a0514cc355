//! The checks of `check`: timeout budgets that will break before callers
//! hit them. One module per kind, with its condition, its facts and its
//! fix side by side (as `classify/rules/` has one per class); `rule` maps
//! each kind to its module. Pure: flows, configurations and what the logs
//! said in, sorted findings out.
//!
//! Adding a kind: a variant of `model::Kind` (its position is its place in
//! the report), a module here with its `findings`, an arm in `rule`, a
//! README line (rule, severity, source), and end-to-end cases that fire and
//! that must not (`tests/check.rs`).

pub mod alarms;
pub mod paths;
mod stats;

mod chain_over_20s;
mod cold_start_risk;
mod error_branch_hangs_up;
mod flow_logging_off;
mod function_not_active;
mod missing_function;
mod near_miss;
mod throttling;
mod timeout_below_block_limit;

use crate::model::{
    AccountConcurrency, Finding, FlowAction, FlowDefinition, FunctionCatalog, FunctionHeadroom,
    FunctionMetrics, FunctionRef, InstanceFacts, Kind, LambdaCall, ObservedBlock,
};
use std::collections::BTreeMap;

/// Everything the checks read.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    pub flows: &'a [FlowDefinition],
    pub catalog: &'a FunctionCatalog,
    /// What the flow logs of the period said, block by block; `None` when
    /// the input holds no flow logs (the checks that need them say so).
    pub observed: Option<&'a [ObservedBlock]>,
    /// Live: what each function's own logs say of the period, aggregated
    /// by Logs Insights (every call, whoever made it); `None` offline,
    /// where the calls are linked to their blocks instead (`observed`).
    pub headroom: Option<&'a [FunctionHeadroom]>,
    /// Live: CloudWatch's metrics of each function over the period.
    pub metrics: Option<&'a [FunctionMetrics]>,
    /// Live: the account's concurrency.
    pub account: Option<&'a AccountConcurrency>,
    /// Live: the Amazon Connect instance, as its API describes it.
    pub instance: Option<&'a InstanceFacts>,
}

impl<'a> CheckInput<'a> {
    /// What files give: flows, configurations, and the flow logs' blocks.
    pub fn offline(
        flows: &'a [FlowDefinition],
        catalog: &'a FunctionCatalog,
        observed: Option<&'a [ObservedBlock]>,
    ) -> Self {
        CheckInput {
            flows,
            catalog,
            observed,
            headroom: None,
            metrics: None,
            account: None,
            instance: None,
        }
    }
}

/// What the checks could not cover, to say beside the findings.
pub fn notes(input: &CheckInput<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    let dynamic = input
        .flows
        .iter()
        .flat_map(|f| f.lambda_calls())
        .filter(|(_, call)| call.function().is_none())
        .count();
    if dynamic > 0 {
        notes.push(format!(
            "{dynamic} Lambda block(s) name their function through a flow attribute: their \
             function's configuration is not checked"
        ));
    }
    for flow in chain_over_20s::cut_walks(input.flows) {
        notes.push(format!(
            "chain_over_20s: the walk of {flow} stopped after {} steps; runs past that are not \
             reported",
            paths::MAX_STEPS
        ));
    }
    notes
}

/// Every finding, in report order (`Finding::sort`).
pub fn check(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Kind::all()
        .iter()
        .flat_map(|&kind| rule(kind)(input))
        .collect();
    Finding::sort(&mut findings);
    findings
}

/// The check of each kind.
fn rule(kind: Kind) -> fn(&CheckInput<'_>) -> Vec<Finding> {
    match kind {
        Kind::MissingFunction => missing_function::findings,
        Kind::FunctionNotActive => function_not_active::findings,
        Kind::TimeoutBelowBlockLimit => timeout_below_block_limit::findings,
        Kind::Throttling => throttling::findings,
        Kind::ColdStartRisk => cold_start_risk::findings,
        Kind::NearMiss => near_miss::findings,
        Kind::ChainOver20s => chain_over_20s::findings,
        Kind::ErrorBranchHangsUp => error_branch_hangs_up::findings,
        Kind::FlowLoggingOff => flow_logging_off::findings,
    }
}

/// A flow's Lambda blocks that name their function, by the function and
/// qualifier they call, in flow order.
pub(crate) fn calls_by_function(
    flow: &FlowDefinition,
) -> BTreeMap<&FunctionRef, Vec<(&FlowAction, &LambdaCall)>> {
    let mut by_function: BTreeMap<&FunctionRef, Vec<(&FlowAction, &LambdaCall)>> = BTreeMap::new();
    for (action, call) in flow.lambda_calls() {
        if let Some(function) = call.function() {
            by_function
                .entry(function)
                .or_default()
                .push((action, call));
        }
    }
    by_function
}

/// For each flow that calls `function` (by name, any qualifier): its
/// blocks that call it with the tightest limit, and that limit. What a
/// function's own logs say (live) is held against these blocks: the logs
/// do not say which block made a call, and the tightest limit is the one
/// a slow call breaks first.
pub(crate) fn tightest_calls<'a>(
    flows: &'a [FlowDefinition],
    function: &str,
) -> Vec<(&'a FlowDefinition, Vec<(&'a FlowAction, &'a LambdaCall)>)> {
    let mut out = Vec::new();
    for flow in flows {
        let calls: Vec<(&FlowAction, &LambdaCall)> = flow
            .lambda_calls()
            .filter(|(_, call)| call.function().is_some_and(|f| f.name == function))
            .collect();
        let Some(tightest) = calls.iter().map(|(_, c)| c.limit_ms).min() else {
            continue;
        };
        let at_tightest = calls
            .into_iter()
            .filter(|(_, c)| c.limit_ms == tightest)
            .collect();
        out.push((flow, at_tightest));
    }
    out
}

/// The identifiers of some blocks.
pub(crate) fn identifiers(calls: &[(&FlowAction, &LambdaCall)]) -> Vec<String> {
    calls.iter().map(|(a, _)| a.identifier.clone()).collect()
}

/// `8 s`, `2.5 s`: a limit as the flow designer shows it.
pub(crate) fn seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if (s - s.round()).abs() < 1e-9 {
        format!("{} s", s.round() as i64)
    } else {
        format!("{} s", (s * 10.0).round() / 10.0)
    }
}

/// Whole seconds, rounded up: a timeout to set.
pub(crate) fn whole_seconds_up(ms: u32) -> u32 {
    ms.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_functions_tightest_blocks_are_found_in_each_flow() {
        use crate::model::{ActionKind, FunctionTarget, InvocationMode};
        let call = |id: &str, function: &str, limit_ms: u32| FlowAction {
            identifier: id.into(),
            action_type: "InvokeLambdaFunction".into(),
            kind: ActionKind::InvokeLambda(LambdaCall {
                target: FunctionTarget::Named(FunctionRef::new(function, None)),
                limit_ms,
                limit_assumed: false,
                mode: InvocationMode::Synchronous,
                response_type: None,
            }),
            transitions: Vec::new(),
        };
        let flow = |name: &str, actions: Vec<FlowAction>| FlowDefinition {
            name: name.into(),
            id: None,
            module: false,
            start: None,
            actions,
            origin: "test".into(),
        };
        let flows = [
            flow(
                "A",
                vec![
                    call("a1", "crm", 8000),
                    call("a2", "crm", 3000),
                    call("a3", "crm", 3000),
                ],
            ),
            flow("B", vec![call("b1", "other", 3000)]),
            flow("C", vec![call("c1", "crm", 5000)]),
        ];
        let found: Vec<(&str, Vec<&str>, u32)> = tightest_calls(&flows, "crm")
            .iter()
            .map(|(f, calls)| {
                (
                    f.name.as_str(),
                    calls.iter().map(|(a, _)| a.identifier.as_str()).collect(),
                    calls[0].1.limit_ms,
                )
            })
            .collect();
        assert_eq!(
            found,
            [("A", vec!["a2", "a3"], 3000), ("C", vec!["c1"], 5000)]
        );
    }

    /// One flow calling `function` once, synchronously, with a 5 s limit.
    fn one_call(function: &str) -> FlowDefinition {
        use crate::model::{ActionKind, FunctionTarget, InvocationMode};
        FlowDefinition {
            name: "Main".into(),
            id: None,
            module: false,
            start: Some("r".into()),
            actions: vec![FlowAction {
                identifier: "r".into(),
                action_type: "InvokeLambdaFunction".into(),
                kind: ActionKind::InvokeLambda(LambdaCall {
                    target: FunctionTarget::Named(FunctionRef::new(function, None)),
                    limit_ms: 5000,
                    limit_assumed: false,
                    mode: InvocationMode::Synchronous,
                    response_type: None,
                }),
                transitions: Vec::new(),
            }],
            origin: "test".into(),
        }
    }

    #[test]
    fn concurrency_at_80_percent_of_its_ceiling_is_a_medium_throttling_finding() {
        use crate::model::{FunctionDefinition, Severity};
        let flows = [one_call("router")];
        let mut catalog = FunctionCatalog::default();
        catalog.add(FunctionDefinition::named("router", "test"));
        let metrics = [FunctionMetrics {
            function: "router".into(),
            max_concurrency: Some(40.0),
            ..FunctionMetrics::default()
        }];
        let throttling = |catalog: &FunctionCatalog, peak: f64| {
            let account = AccountConcurrency {
                limit: Some(1000),
                unreserved: Some(900),
                peak: Some(peak),
            };
            let input = CheckInput {
                metrics: Some(&metrics),
                account: Some(&account),
                ..CheckInput::offline(&flows, catalog, None)
            };
            check(&input)
                .into_iter()
                .filter(|f| f.kind == Kind::Throttling)
                .collect::<Vec<_>>()
        };
        let found = throttling(&catalog, 720.0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Medium);
        assert_eq!(
            found[0].fact("evidence"),
            Some(&crate::model::FactValue::Names(vec![
                "account_concurrency_near".into()
            ]))
        );
        assert!(
            found[0].key_fact.contains("720 of 900"),
            "{}",
            found[0].key_fact
        );
        assert!(throttling(&catalog, 719.0).is_empty(), "below 80 %");
        // A function with reserved concurrency does not share the account's.
        let mut reserved = FunctionDefinition::named("router", "test");
        reserved.reserved_concurrency = Some(100);
        catalog.add(reserved);
        assert!(throttling(&catalog, 900.0).is_empty(), "40 of its own 100");
    }

    #[test]
    fn seconds_read_as_the_designer_writes_them() {
        assert_eq!(seconds(8000.0), "8 s");
        assert_eq!(seconds(2500.0), "2.5 s");
        assert_eq!(seconds(21000.0), "21 s");
        assert_eq!(whole_seconds_up(2500), 3);
        assert_eq!(whole_seconds_up(8000), 8);
    }
}
