//! `error_branch_hangs_up`: a Lambda block's Error branch reaches
//! Disconnect without playing anything or handing the contact on. A
//! caller whose call timed out has already heard silence for the block's
//! limit; then the line drops, with no word and no agent. The walk follows
//! every branch from the error's target through blocks that neither play
//! audio nor take input (`CHAIN_BREAKING_ACTIONS`) nor hand the contact to
//! a queue, another flow or a module (`Transfer*`, `InvokeFlowModule`,
//! `EndFlowExecution`). Severity `low`: callers are lost only when the
//! call fails, and the fix is a prompt.

use super::paths::FlowGraph;
use super::{seconds, CheckInput};
use crate::model::{Fact, FactValue, Finding, FlowDefinition, Kind, Severity};
use std::collections::{HashMap, VecDeque};

/// Block types that hand the contact on: the walk stops there.
const HAND_OVER_PREFIX: &str = "Transfer";
const HAND_OVER: [&str; 2] = ["InvokeFlowModule", "EndFlowExecution"];

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    input.flows.iter().flat_map(flow_findings).collect()
}

fn flow_findings(flow: &FlowDefinition) -> Vec<Finding> {
    let graph = FlowGraph::new(flow);
    let mut out = Vec::new();
    for (i, action) in flow.actions.iter().enumerate() {
        let Some(call) = action.lambda_call() else {
            continue;
        };
        if !graph.is_reachable(i) {
            continue;
        }
        let starts: Vec<usize> = action
            .error_targets()
            .filter_map(|t| graph.index_of(t))
            .collect();
        let Some(path) = silent_path_to_disconnect(&graph, &starts) else {
            continue;
        };
        let ids: Vec<String> = path
            .iter()
            .map(|&p| flow.actions[p].identifier.clone())
            .collect();
        let function = call.function().map(|f| f.display());
        let limit = seconds(f64::from(call.limit_ms));
        out.push(Finding {
            kind: Kind::ErrorBranchHangsUp,
            severity: Severity::Low,
            flow: Some(flow.name.clone()),
            blocks: vec![action.identifier.clone()],
            facts: vec![
                Fact::new("block_limit_ms", FactValue::Int(call.limit_ms.into())),
                Fact::new("error_path", FactValue::Names(ids.clone())),
            ],
            key_fact: format!("Error branch hangs up after up to {limit} of silence"),
            action: "Play a prompt (or transfer) on the Lambda block's Error branch".into(),
            fix: format!(
                "When block {block} fails or times out, its Error branch reaches a Disconnect \
                 ({path}) without playing anything: after up to {limit} of silence, the caller is \
                 hung up on. Play a prompt on the Error branch (\"Sorry, we could not look that \
                 up\"), and transfer to a queue or retry instead of hanging up.",
                block = action.identifier,
                path = ids.join(" -> "),
            ),
            function,
        });
    }
    out
}

/// A shortest path from the error targets to a Disconnect through silent
/// blocks only, if there is one.
fn silent_path_to_disconnect(graph: &FlowGraph<'_>, starts: &[usize]) -> Option<Vec<usize>> {
    let flow = graph.flow;
    let passes = |i: usize| {
        let action = &flow.actions[i];
        !action.breaks_chain()
            && !action.action_type.starts_with(HAND_OVER_PREFIX)
            && !HAND_OVER.contains(&action.action_type.as_str())
    };
    let mut parent: HashMap<usize, Option<usize>> = HashMap::new();
    let mut queue = VecDeque::new();
    for &s in starts {
        if passes(s) && !parent.contains_key(&s) {
            parent.insert(s, None);
            queue.push_back(s);
        }
    }
    while let Some(at) = queue.pop_front() {
        if flow.actions[at].is_disconnect() {
            let mut path = vec![at];
            let mut cursor = at;
            while let Some(Some(p)) = parent.get(&cursor) {
                path.push(*p);
                cursor = *p;
            }
            path.reverse();
            return Some(path);
        }
        for &next in graph.successors(at) {
            if passes(next) && !parent.contains_key(&next) {
                parent.insert(next, Some(at));
                queue.push_back(next);
            }
        }
    }
    None
}
