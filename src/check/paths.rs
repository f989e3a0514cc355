//! Walking a flow: where a contact can go from each block (the default
//! branch, every condition, every error), and the runs of synchronous
//! Lambda calls it can meet with nothing between them that plays audio or
//! takes input (`FlowAction::breaks_chain`).
//!
//! The walk is over a smaller graph than the flow: its nodes are the
//! synchronous Lambda blocks a contact can reach, and an edge goes from one
//! call to the next call reachable through silent blocks only (attributes,
//! checks, asynchronous calls...). Enumerating every path of the flow
//! itself would be exponential in its conditions; the calls are few. Each
//! maximal run of calls is walked once from every call a contact can reach
//! first after the start or after a block that breaks the chain, so the
//! walk ends: a call already on the run is a loop, reported as such, never
//! followed again. A cap on the steps keeps a pathological flow bounded
//! (and says so).

use crate::model::FlowDefinition;
use std::collections::{HashMap, VecDeque};

/// Walk steps after which the walk stops (and says it did).
pub(crate) const MAX_STEPS: usize = 20_000;

/// A run of synchronous Lambda calls with no audio between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The calls, as indices into the flow's actions, in walk order.
    pub calls: Vec<usize>,
    /// One concrete path from the first call to the last: every block on
    /// it, the silent ones between the calls included.
    pub path: Vec<usize>,
    /// When the run loops: the position in `calls` it loops back to (the
    /// run can then go round for as long as the flow lets it).
    pub loops_back_to: Option<usize>,
}

/// Every maximal run, and whether the walk was cut short.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Walk {
    pub chains: Vec<Chain>,
    pub cut: bool,
}

/// The flow as a graph of action indices.
pub struct FlowGraph<'f> {
    pub flow: &'f FlowDefinition,
    index: HashMap<&'f str, usize>,
    successors: Vec<Vec<usize>>,
    reachable: Vec<bool>,
}

impl<'f> FlowGraph<'f> {
    pub fn new(flow: &'f FlowDefinition) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, action) in flow.actions.iter().enumerate() {
            // A duplicated identifier: the first one is where transitions go.
            index.entry(action.identifier.as_str()).or_insert(i);
        }
        let successors: Vec<Vec<usize>> = flow
            .actions
            .iter()
            .map(|action| {
                let mut next: Vec<usize> = Vec::new();
                for t in &action.transitions {
                    // A transition to an identifier the flow lacks goes nowhere.
                    if let Some(&to) = index.get(t.to.as_str()) {
                        if !next.contains(&to) {
                            next.push(to);
                        }
                    }
                }
                next
            })
            .collect();
        let mut graph = FlowGraph {
            flow,
            index,
            successors,
            reachable: Vec::new(),
        };
        let starts = graph.entries();
        graph.reachable = graph.reach(&starts);
        graph
    }

    /// The index of the block with this identifier.
    pub fn index_of(&self, identifier: &str) -> Option<usize> {
        self.index.get(identifier).copied()
    }

    /// Where contacts enter: `StartAction`; without one (or an unknown
    /// one), every block nothing leads to, or every block if each has a
    /// predecessor.
    fn entries(&self) -> Vec<usize> {
        if let Some(start) = self.flow.start.as_deref().and_then(|s| self.index_of(s)) {
            return vec![start];
        }
        let mut led_to = vec![false; self.successors.len()];
        for next in self.successors.iter().flatten() {
            led_to[*next] = true;
        }
        let roots: Vec<usize> = (0..led_to.len()).filter(|&i| !led_to[i]).collect();
        if roots.is_empty() {
            (0..led_to.len()).collect()
        } else {
            roots
        }
    }

    fn reach(&self, starts: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.successors.len()];
        let mut queue: VecDeque<usize> = starts.iter().copied().collect();
        for &s in starts {
            seen[s] = true;
        }
        while let Some(at) = queue.pop_front() {
            for &next in &self.successors[at] {
                if !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
        seen
    }

    /// Whether a contact can reach the block from the start.
    pub fn is_reachable(&self, action: usize) -> bool {
        self.reachable.get(action).copied().unwrap_or(false)
    }

    pub fn successors(&self, action: usize) -> &[usize] {
        &self.successors[action]
    }

    /// A synchronous Lambda call a contact can reach.
    fn is_call(&self, action: usize) -> bool {
        self.is_reachable(action)
            && self.flow.actions[action]
                .lambda_call()
                .is_some_and(|c| c.is_synchronous())
    }

    fn breaks(&self, action: usize) -> bool {
        self.flow.actions[action].breaks_chain()
    }

    /// The calls reachable from `starts` through silent blocks only (not
    /// past another call), each with a shortest path to it from `origin`
    /// (or from its start). A start that breaks the chain leads nowhere.
    fn calls_after(&self, origin: Option<usize>, starts: &[usize]) -> Vec<(usize, Vec<usize>)> {
        // Each block seen once, with the block it was reached from (`None`
        // for a start).
        let mut parent: HashMap<usize, Option<usize>> = HashMap::new();
        let mut queue = VecDeque::new();
        for &s in starts {
            if !parent.contains_key(&s) && !self.breaks(s) {
                parent.insert(s, None);
                queue.push_back(s);
            }
        }
        let mut found = Vec::new();
        while let Some(at) = queue.pop_front() {
            if self.is_call(at) {
                let mut path: Vec<usize> = origin.into_iter().collect();
                path.extend(path_to(at, &parent));
                found.push((at, path));
                continue;
            }
            for &next in &self.successors[at] {
                if !parent.contains_key(&next) && !self.breaks(next) {
                    parent.insert(next, Some(at));
                    queue.push_back(next);
                }
            }
        }
        found.sort_by_key(|(call, _)| *call);
        found
    }

    /// The calls a run can start with: reached first after the start, or
    /// after a block that breaks the chain.
    fn first_calls(&self) -> Vec<usize> {
        let mut starts: Vec<usize> = (0..self.successors.len())
            .filter(|&i| self.is_reachable(i) && self.breaks(i))
            .flat_map(|i| self.successors[i].iter().copied())
            .collect();
        starts.extend(self.entries());
        let mut calls: Vec<usize> = self
            .calls_after(None, &starts)
            .into_iter()
            .map(|(call, _)| call)
            .collect();
        calls.sort_unstable();
        calls.dedup();
        calls
    }
}

/// The path from a start to `at`, by parents (a tree: each block got its
/// parent once, when first seen).
fn path_to(at: usize, parent: &HashMap<usize, Option<usize>>) -> Vec<usize> {
    let mut path = vec![at];
    let mut cursor = at;
    while let Some(Some(p)) = parent.get(&cursor) {
        path.push(*p);
        cursor = *p;
    }
    path.reverse();
    path
}

/// Every maximal run of synchronous calls in the flow.
pub fn silent_chains(flow: &FlowDefinition) -> Walk {
    let graph = FlowGraph::new(flow);
    // The call graph: for each call, the calls next reachable in silence.
    let mut next_calls: HashMap<usize, Vec<(usize, Vec<usize>)>> = HashMap::new();
    for call in (0..flow.actions.len()).filter(|&i| graph.is_call(i)) {
        let next = graph.calls_after(Some(call), graph.successors(call));
        next_calls.insert(call, next);
    }
    let mut walk = Walk::default();
    let mut steps = 0;
    for first in graph.first_calls() {
        let mut run = Run {
            calls: vec![first],
            path: vec![first],
        };
        extend(&next_calls, &mut run, &mut walk, &mut steps);
        if walk.cut {
            break;
        }
    }
    walk
}

/// The run being walked.
struct Run {
    calls: Vec<usize>,
    path: Vec<usize>,
}

/// Depth first: a run ends where no call follows (a maximal run), and
/// where the next call is already on it (a loop, not followed again).
fn extend(
    next_calls: &HashMap<usize, Vec<(usize, Vec<usize>)>>,
    run: &mut Run,
    walk: &mut Walk,
    steps: &mut usize,
) {
    *steps += 1;
    if *steps > MAX_STEPS {
        walk.cut = true;
        return;
    }
    let last = *run.calls.last().expect("a run has a call");
    let next = next_calls.get(&last).map(Vec::as_slice).unwrap_or_default();
    let mut extended = false;
    for (call, segment) in next {
        if let Some(at) = run.calls.iter().position(|c| c == call) {
            let mut path = run.path.clone();
            path.extend(&segment[1..]);
            walk.chains.push(Chain {
                calls: run.calls.clone(),
                path,
                loops_back_to: Some(at),
            });
            continue;
        }
        extended = true;
        let path_len = run.path.len();
        run.calls.push(*call);
        run.path.extend(&segment[1..]);
        extend(next_calls, run, walk, steps);
        run.calls.pop();
        run.path.truncate(path_len);
        if walk.cut {
            return;
        }
    }
    if !extended {
        walk.chains.push(Chain {
            calls: run.calls.clone(),
            path: run.path.clone(),
            loops_back_to: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ActionKind, Branch, FlowAction, FunctionRef, FunctionTarget, InvocationMode, LambdaCall,
        Transition,
    };

    /// A block: `id`, its type, and where it leads (`n:` default,
    /// `c:` a condition, `e:` an error).
    fn block(id: &str, action_type: &str, to: &[&str]) -> FlowAction {
        let transitions = to
            .iter()
            .map(|t| {
                let (kind, target) = t.split_once(':').expect("kind:target");
                let branch = match kind {
                    "n" => Branch::Next,
                    "c" => Branch::Condition("true".into()),
                    _ => Branch::Error("NoMatchingError".into()),
                };
                Transition {
                    to: target.into(),
                    branch,
                }
            })
            .collect();
        FlowAction {
            identifier: id.into(),
            action_type: action_type.into(),
            kind: ActionKind::Other,
            transitions,
        }
    }

    fn call(id: &str, seconds: u32, mode: InvocationMode, to: &[&str]) -> FlowAction {
        let mut action = block(id, "InvokeLambdaFunction", to);
        action.kind = ActionKind::InvokeLambda(LambdaCall {
            target: FunctionTarget::Named(FunctionRef::new(format!("fn-{id}"), None)),
            limit_ms: seconds * 1000,
            limit_assumed: false,
            mode,
            response_type: None,
        });
        action
    }

    fn sync(id: &str, seconds: u32, to: &[&str]) -> FlowAction {
        call(id, seconds, InvocationMode::Synchronous, to)
    }

    fn flow(start: &str, actions: Vec<FlowAction>) -> FlowDefinition {
        FlowDefinition {
            name: "test".into(),
            id: None,
            module: false,
            start: Some(start.into()),
            actions,
            origin: "test".into(),
        }
    }

    /// Each chain as its call identifiers, `...>X` when it loops back to X.
    fn chains(flow: &FlowDefinition) -> Vec<String> {
        let walk = silent_chains(flow);
        assert!(!walk.cut);
        walk.chains
            .iter()
            .map(|c| {
                let ids: Vec<&str> = c
                    .calls
                    .iter()
                    .map(|&i| flow.actions[i].identifier.as_str())
                    .collect();
                match c.loops_back_to {
                    Some(at) => format!("{}...>{}", ids.join(","), ids[at]),
                    None => ids.join(","),
                }
            })
            .collect()
    }

    fn bye() -> FlowAction {
        block("bye", "DisconnectParticipant", &[])
    }

    #[test]
    fn calls_in_a_row_through_silent_blocks_are_one_chain() {
        let f = flow(
            "a",
            vec![
                sync("a", 8, &["n:set", "e:bye"]),
                block("set", "UpdateContactAttributes", &["n:b"]),
                sync("b", 8, &["n:c", "e:bye"]),
                sync("c", 5, &["n:bye", "e:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a,b,c"]);
        let walk = silent_chains(&f);
        let path: Vec<&str> = walk.chains[0]
            .path
            .iter()
            .map(|&i| f.actions[i].identifier.as_str())
            .collect();
        assert_eq!(path, vec!["a", "set", "b", "c"]);
    }

    #[test]
    fn a_prompt_breaks_the_chain_and_so_do_input_and_wait() {
        for breaker in [
            "MessageParticipant",
            "MessageParticipantIteratively",
            "GetParticipantInput",
            "ConnectParticipantWithLexBot",
            "Wait",
        ] {
            let f = flow(
                "a",
                vec![
                    sync("a", 8, &["n:p"]),
                    block("p", breaker, &["n:b"]),
                    sync("b", 8, &["n:c"]),
                    sync("c", 8, &["n:bye"]),
                    bye(),
                ],
            );
            assert_eq!(chains(&f), vec!["a", "b,c"], "{breaker}");
        }
    }

    #[test]
    fn every_condition_and_error_branch_is_walked() {
        let f = flow(
            "a",
            vec![
                sync("a", 8, &["n:check", "e:b"]),
                block("check", "Compare", &["c:c", "n:d"]),
                sync("b", 4, &["n:bye"]),
                sync("c", 6, &["n:bye"]),
                sync("d", 7, &["n:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a,b", "a,c", "a,d"]);
    }

    #[test]
    fn a_loop_is_reported_once_and_the_walk_ends() {
        // A retry loop: the call's error branch counts and calls it again.
        let f = flow(
            "a",
            vec![
                sync("a", 8, &["n:bye", "e:count"]),
                block("count", "Compare", &["c:a", "n:sorry"]),
                block("sorry", "MessageParticipant", &["n:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a...>a", "a"]);
        // A loop of silent blocks only: nothing to report, and it ends.
        let f = flow(
            "x",
            vec![
                block("x", "Compare", &["c:y", "n:a"]),
                block("y", "UpdateContactAttributes", &["n:x"]),
                sync("a", 3, &["n:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a"]);
        // Two calls that lead to each other.
        let f = flow(
            "a",
            vec![
                sync("a", 8, &["n:b"]),
                sync("b", 8, &["n:a", "e:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a,b...>a", "a,b"]);
    }

    #[test]
    fn asynchronous_calls_neither_count_nor_break() {
        let f = flow(
            "async",
            vec![
                call("async", 60, InvocationMode::Asynchronous, &["n:a"]),
                sync("a", 8, &["n:load"]),
                block("load", "LoadLambdaFunctionResult", &["n:b", "e:b"]),
                sync("b", 8, &["n:bye"]),
                bye(),
            ],
        );
        assert_eq!(chains(&f), vec!["a,b"]);
    }

    #[test]
    fn unreachable_calls_are_not_walked_and_a_missing_start_is_inferred() {
        let mut f = flow(
            "a",
            vec![sync("a", 8, &["n:bye"]), sync("orphan", 8, &["n:a"]), bye()],
        );
        assert_eq!(chains(&f), vec!["a"]);
        f.start = None;
        assert_eq!(chains(&f), vec!["orphan,a"]);
    }

    /// `n` calls, each leading to every later one: 2^(n-2) maximal runs.
    fn dense(n: usize) -> FlowDefinition {
        let ids: Vec<String> = (0..n).map(|i| format!("c{i:02}")).collect();
        let actions: Vec<FlowAction> = (0..n)
            .map(|i| {
                let to: Vec<String> = ids[i + 1..].iter().map(|t| format!("n:{t}")).collect();
                let to: Vec<&str> = to.iter().map(String::as_str).collect();
                sync(&ids[i], 1, &to)
            })
            .collect();
        flow("c00", actions)
    }

    #[test]
    fn a_dense_flow_is_walked_in_bounded_steps() {
        let walk = silent_chains(&dense(12));
        assert!(!walk.cut);
        assert_eq!(walk.chains.len(), 1 << 10);
        // 2^17 runs: the walk stops at its cap, and says so.
        let walk = silent_chains(&dense(19));
        assert!(walk.cut);
        assert!(walk.chains.len() < MAX_STEPS);
    }
}
