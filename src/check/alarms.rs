//! The alarms `check --emit-alarms` writes: for each function a flow
//! calls, its Duration against the tightest block limit that calls it (not
//! the function's timeout: Connect gives up at the block's limit), its
//! Errors and its Throttles. Which functions and which thresholds is
//! decided here; the template and the commands are written in `report`.

use crate::model::conventions::{is_lambda_function_name, HEADROOM_SHARE};
use crate::model::{AlarmPlan, FlowDefinition};
use std::collections::BTreeMap;

/// One plan per function the flows call by name, by name; and the names
/// left out because AWS would not accept them (they come from the input).
pub fn plan(flows: &[FlowDefinition]) -> (Vec<AlarmPlan>, Vec<String>) {
    let mut by_function: BTreeMap<&str, (u32, u64)> = BTreeMap::new();
    for flow in flows {
        for (_, call) in flow.lambda_calls() {
            let Some(function) = call.function() else {
                continue;
            };
            let entry = by_function
                .entry(function.name.as_str())
                .or_insert((call.limit_ms, 0));
            entry.0 = entry.0.min(call.limit_ms);
            entry.1 += 1;
        }
    }
    let mut plans = Vec::new();
    let mut refused = Vec::new();
    for (function, (tightest, blocks)) in by_function {
        if !is_lambda_function_name(function) {
            refused.push(function.to_string());
            continue;
        }
        plans.push(AlarmPlan {
            function: function.to_string(),
            tightest_limit_ms: tightest,
            duration_threshold_ms: (f64::from(tightest) * HEADROOM_SHARE).round() as u32,
            blocks,
        });
    }
    (plans, refused)
}
