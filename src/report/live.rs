//! What a live run says on stderr: each function's configuration, and what
//! the Logs Insights queries scanned and cost.

use crate::model::conventions::INSIGHTS_USD_PER_GB;
use crate::model::{FunctionConfig, LiveRun};
use crate::units::human_bytes;

/// One line per function, then one for the queries.
pub fn live_lines(live: &LiveRun) -> Vec<String> {
    let mut lines: Vec<String> = live
        .functions
        .iter()
        .map(|c| format!("lambda {}", function_line(c)))
        .collect();
    lines.push(format!(
        "Logs Insights: {} queries, {} rows, {} scanned (about ${:.4} at ${INSIGHTS_USD_PER_GB}/GB)",
        live.queries,
        live.rows,
        human_bytes(live.bytes_scanned),
        live.estimated_cost_usd
    ));
    lines
}

/// `crm: timeout 8 s, memory 512 MB, ...`, `unknown` where the API did not say.
pub fn function_line(c: &FunctionConfig) -> String {
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "unknown".into());
    format!(
        "{}: timeout {}, memory {}, runtime {}, VPC {}, log format {}, provisioned concurrency {}, logs in {}",
        c.name,
        or_unknown(c.timeout_s.map(|t| format!("{t} s"))),
        or_unknown(c.memory_mb.map(|m| format!("{m} MB"))),
        or_unknown(c.runtime.clone()),
        or_unknown(c.vpc_attached.map(|v| if v { "attached" } else { "none" }.into())),
        or_unknown(c.log_format.clone()),
        or_unknown(c.provisioned.map(|p| if p { "yes" } else { "none" }.into())),
        c.log_group,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_say_so_and_the_price_is_the_list_price() {
        let mut crm = FunctionConfig::unknown("crm");
        crm.memory_mb = Some(512);
        let live = LiveRun {
            queries: 3,
            window_splits: 0,
            rows: 120,
            bytes_scanned: 1_500_000_000.0,
            estimated_cost_usd: 0.0075,
            functions: vec![crm],
        };
        assert_eq!(
            live_lines(&live),
            vec![
                "lambda crm: timeout unknown, memory 512 MB, runtime unknown, VPC unknown, log format unknown, provisioned concurrency unknown, logs in /aws/lambda/crm".to_string(),
                "Logs Insights: 3 queries, 120 rows, 1.5 GB scanned (about $0.0075 at $0.005/GB)".to_string(),
            ]
        );
    }
}
