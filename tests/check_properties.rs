//! Property tests of `check`'s pure half: whatever a flow document holds,
//! the flow parser does not panic; whatever shape a flow has (loops, dead
//! ends, dangling transitions, thousands of paths), the walk ends and every
//! check runs.

use connect_timeouts::check::paths::silent_chains;
use connect_timeouts::check::{check, CheckInput};
use connect_timeouts::model::{FunctionCatalog, RawFlow};
use connect_timeouts::parse::flow::parse_flow;
use proptest::prelude::*;
use serde_json::{json, Value};

fn raw(content: String) -> RawFlow {
    RawFlow {
        name: None,
        id: None,
        arn: None,
        flow_type: None,
        module: false,
        state: None,
        content,
        origin: "prop".into(),
    }
}

const TYPES: [&str; 7] = [
    "InvokeLambdaFunction",
    "MessageParticipant",
    "Compare",
    "UpdateContactAttributes",
    "Wait",
    "DisconnectParticipant",
    "TransferContactToQueue",
];

/// A flow of `n` blocks of random types whose transitions go anywhere
/// (to a block, or to an identifier the flow lacks).
fn flow() -> impl Strategy<Value = Value> {
    (1usize..14).prop_flat_map(|n| {
        proptest::collection::vec(
            (
                0..TYPES.len(),
                1u32..=60,
                any::<bool>(),
                proptest::collection::vec(0..n + 2, 0..4),
            ),
            n,
        )
        .prop_map(move |blocks| {
            let actions: Vec<Value> = blocks
                .iter()
                .enumerate()
                .map(|(i, (kind, seconds, sync, next))| {
                    let to: Vec<String> = next.iter().map(|t| format!("b{t}")).collect();
                    let mut transitions = json!({});
                    if let Some(first) = to.first() {
                        transitions["NextAction"] = json!(first);
                    }
                    let errors: Vec<Value> = to
                        .iter()
                        .skip(1)
                        .map(|t| json!({"NextAction": t, "ErrorType": "NoMatchingError"}))
                        .collect();
                    transitions["Errors"] = json!(errors);
                    let mode = if *sync { "SYNCHRONOUS" } else { "ASYNCHRONOUS" };
                    json!({
                        "Identifier": format!("b{i}"),
                        "Type": TYPES[*kind],
                        "Parameters": {"LambdaFunctionARN": format!("fn{}", i % 3),
                                       "InvocationTimeLimitSeconds": seconds.to_string(),
                                       "InvocationType": mode},
                        "Transitions": transitions
                    })
                })
                .collect();
            json!({"Version": "2019-10-30", "StartAction": "b0", "Actions": actions})
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_flow_is_walked_to_the_end_and_checked(doc in flow()) {
        let parsed = parse_flow(&raw(doc.to_string())).expect("a flow");
        let walk = silent_chains(&parsed.flow);
        for chain in &walk.chains {
            prop_assert!(!chain.calls.is_empty());
            prop_assert!(chain.path.len() >= chain.calls.len());
            if let Some(at) = chain.loops_back_to {
                prop_assert!(at < chain.calls.len());
            }
        }
        let flows = [parsed.flow];
        let catalog = FunctionCatalog::default();
        let findings = check(&CheckInput::offline(&flows, &catalog, None));
        for f in findings {
            prop_assert!(!f.fix.is_empty());
        }
    }

    #[test]
    fn the_flow_parser_never_panics(text in ".{0,200}", cut in 0usize..400) {
        let _ = parse_flow(&raw(text));
        let doc = json!({"Version": "2019-10-30", "StartAction": "a", "Actions": [
            {"Identifier": "a", "Type": "InvokeLambdaFunction",
             "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:f:live",
                            "InvocationTimeLimitSeconds": "8"},
             "Transitions": {"NextAction": "b", "Errors": [{"NextAction": "b", "ErrorType": "NoMatchingError"}]}},
            {"Identifier": "b", "Type": "DisconnectParticipant", "Transitions": {}}]}).to_string();
        let at = cut.min(doc.len());
        let _ = parse_flow(&raw(doc.get(..at).unwrap_or("").to_string()));
    }
}
