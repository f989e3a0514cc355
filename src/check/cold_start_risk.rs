//! `cold_start_risk`: a cold start can take a call past the block's limit.
//! Three kinds of evidence, each said when it fires:
//! - `logs` (high): cold calls whose init plus the handler's p95 (over the
//!   block's successful calls) pass the block's limit;
//! - `runtime` (medium): a runtime with a heavy init (Java, .NET:
//!   `conventions::HEAVY_INIT_RUNTIMES`) without SnapStart or provisioned
//!   concurrency on what the block calls. SnapStart applies to published
//!   versions only, never `$LATEST` (Lambda developer guide, SnapStart);
//!   [?] an alias is taken to point at a version published with it on;
//! - `vpc` (low): attached to a VPC without provisioned concurrency (the
//!   network interface is set up at init).
//!
//! Live, the `logs` evidence comes from the function's own logs,
//! aggregated (every call, whoever made it): it fires when the longest
//! init plus the handler's p95 passes the tightest limit of the blocks
//! that call it in a flow. How many cold calls would miss is not known
//! from the aggregates (`cold_calls_over_limit` is null).

use super::stats::percentile;
use super::{calls_by_function, seconds, tightest_calls, CheckInput};
use crate::model::conventions::is_heavy_init_runtime;
use crate::model::{
    Fact, FactValue, Finding, FunctionCatalog, FunctionDefinition, FunctionHeadroom, FunctionRef,
    Kind, ObservedBlock, Severity,
};
use crate::units::whole_ms;
use std::collections::{BTreeMap, BTreeSet};

/// The evidence for one function in one flow.
#[derive(Default)]
struct Risk {
    blocks: BTreeSet<String>,
    runtime: Option<String>,
    config: Option<Config>,
    logs: Option<LogEvidence>,
}

/// What the configuration says.
struct Config {
    runtime_heavy: bool,
    snap_start: bool,
    snap_start_applies: bool,
    provisioned: bool,
    vpc: bool,
    qualifier: Option<String>,
}

/// What the logs say, over the blocks whose cold calls would miss.
#[derive(Default)]
struct LogEvidence {
    cold_calls: u64,
    /// `None` live: the aggregates do not say how many.
    over_limit: Option<u64>,
    /// Offline: every cold call's init.
    inits: Vec<f64>,
    /// Live: the inits' p50 and maximum, as Logs Insights gave them.
    init_spread: Option<(f64, f64)>,
    handler_p95_ms: f64,
    limit_ms: u32,
}

impl LogEvidence {
    fn init_p50(&self) -> Option<f64> {
        match self.init_spread {
            Some((p50, _)) => Some(p50),
            None => percentile(&self.inits, 50.0),
        }
    }

    fn init_max(&self) -> Option<f64> {
        match self.init_spread {
            Some((_, max)) => Some(max),
            None => percentile(&self.inits, 100.0),
        }
    }
}

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut risks: BTreeMap<(Option<String>, String), Risk> = BTreeMap::new();
    for flow in input.flows {
        for (function, calls) in calls_by_function(flow) {
            let Some((config, _)) = input.catalog.config_for(function) else {
                continue;
            };
            let risk = risks
                .entry((Some(flow.name.clone()), function.display()))
                .or_default();
            risk.blocks
                .extend(calls.iter().map(|(a, _)| a.identifier.clone()));
            risk.runtime.clone_from(&config.runtime);
            risk.config = Some(read_config(config, function, input.catalog));
        }
    }
    for block in input.observed.unwrap_or_default() {
        let Some(evidence) = log_evidence(block) else {
            continue;
        };
        let risk = risks
            .entry((block.flow.clone(), block.function.display()))
            .or_default();
        risk.blocks.extend(block.block.clone());
        merge(risk.logs.get_or_insert_with(LogEvidence::default), evidence);
    }
    for headroom in input.headroom.unwrap_or_default() {
        for (flow, calls) in tightest_calls(input.flows, &headroom.function) {
            let Some((_, call)) = calls.first() else {
                continue;
            };
            let Some(evidence) = live_evidence(headroom, call.limit_ms) else {
                continue;
            };
            let function = call
                .function()
                .map_or(headroom.function.clone(), |f| f.display());
            let risk = risks
                .entry((Some(flow.name.clone()), function))
                .or_default();
            risk.blocks
                .extend(calls.iter().map(|(a, _)| a.identifier.clone()));
            risk.logs = Some(evidence);
        }
    }
    risks
        .into_iter()
        .filter_map(|((flow, function), risk)| finding(flow, function, risk))
        .collect()
}

fn read_config(
    config: &FunctionDefinition,
    call: &FunctionRef,
    catalog: &FunctionCatalog,
) -> Config {
    Config {
        runtime_heavy: config.runtime.as_deref().is_some_and(is_heavy_init_runtime),
        snap_start: config.snap_start,
        snap_start_applies: config.snap_start && !call.is_latest(),
        provisioned: catalog.has_provisioned(call),
        vpc: config.vpc_attached,
        qualifier: call.qualifier.clone(),
    }
}

/// The cold calls of a block that init plus the handler's p95 would take
/// past its limit; `None` when there are none (or nothing to measure).
fn log_evidence(block: &ObservedBlock) -> Option<LogEvidence> {
    let handlers: Vec<f64> = block.successes.iter().map(|s| s.handler_ms).collect();
    let p95 = percentile(&handlers, 95.0)?;
    let limit = f64::from(block.limit_ms);
    let over = block
        .cold_inits_ms
        .iter()
        .filter(|&&init| init + p95 > limit)
        .count() as u64;
    (over > 0).then(|| LogEvidence {
        cold_calls: block.cold_inits_ms.len() as u64,
        over_limit: Some(over),
        inits: block.cold_inits_ms.clone(),
        init_spread: None,
        handler_p95_ms: p95,
        limit_ms: block.limit_ms,
    })
}

/// Live: the longest init plus the handler's p95 passes `limit_ms`.
fn live_evidence(h: &FunctionHeadroom, limit_ms: u32) -> Option<LogEvidence> {
    if !h.init_counted || h.cold_calls == 0 {
        return None;
    }
    let (p95, p50, max) = (h.handler_p95_ms?, h.init_p50_ms?, h.init_max_ms?);
    (max + p95 > f64::from(limit_ms)).then_some(LogEvidence {
        cold_calls: h.cold_calls,
        over_limit: None,
        inits: Vec::new(),
        init_spread: Some((p50, max)),
        handler_p95_ms: p95,
        limit_ms,
    })
}

/// Several blocks of a flow call the function: the tightest limit, the
/// worst p95, every cold call.
fn merge(into: &mut LogEvidence, more: LogEvidence) {
    into.limit_ms = if into.limit_ms == 0 {
        more.limit_ms
    } else {
        into.limit_ms.min(more.limit_ms)
    };
    into.handler_p95_ms = into.handler_p95_ms.max(more.handler_p95_ms);
    into.cold_calls += more.cold_calls;
    into.over_limit = Some(into.over_limit.unwrap_or(0) + more.over_limit.unwrap_or(0));
    into.inits.extend(more.inits);
}

fn fires_runtime(config: &Config) -> bool {
    config.runtime_heavy && !config.snap_start_applies && !config.provisioned
}

fn fires_vpc(config: &Config) -> bool {
    config.vpc && !config.provisioned
}

fn finding(flow: Option<String>, function: String, risk: Risk) -> Option<Finding> {
    let mut evidence: Vec<(&str, Severity)> = Vec::new();
    if risk.logs.is_some() {
        evidence.push(("logs", Severity::High));
    }
    if let Some(config) = &risk.config {
        if fires_runtime(config) {
            evidence.push(("runtime", Severity::Medium));
        }
        if fires_vpc(config) {
            evidence.push(("vpc", Severity::Low));
        }
    }
    let severity = evidence.iter().map(|(_, s)| *s).max()?;
    Some(Finding {
        kind: Kind::ColdStartRisk,
        severity,
        flow,
        facts: facts(&risk, &evidence),
        key_fact: key_fact(&risk, &function),
        action: format!("Keep {function} warm (provisioned concurrency) and cut its init"),
        fix: fix(&risk, &function),
        function: Some(function),
        blocks: risk.blocks.into_iter().collect(),
    })
}

fn facts(risk: &Risk, evidence: &[(&str, Severity)]) -> Vec<Fact> {
    let names = evidence.iter().map(|(e, _)| e.to_string()).collect();
    let flag = |f: fn(&Config) -> bool| {
        risk.config
            .as_ref()
            .map_or(FactValue::Null, |c| FactValue::Bool(f(c)))
    };
    let logs = risk.logs.as_ref();
    let int = |v: Option<u64>| v.map_or(FactValue::Null, |n| FactValue::Int(n as i64));
    vec![
        Fact::new("evidence", FactValue::Names(names)),
        Fact::new(
            "runtime",
            risk.runtime
                .clone()
                .map_or(FactValue::Null, FactValue::Text),
        ),
        Fact::new("snap_start", flag(|c| c.snap_start)),
        Fact::new("provisioned_concurrency", flag(|c| c.provisioned)),
        Fact::new("vpc_attached", flag(|c| c.vpc)),
        Fact::new("cold_calls", int(logs.map(|l| l.cold_calls))),
        Fact::new(
            "cold_calls_over_limit",
            int(logs.and_then(|l| l.over_limit)),
        ),
        Fact::new(
            "init_p50_ms",
            FactValue::opt_ms(logs.and_then(LogEvidence::init_p50)),
        ),
        Fact::new(
            "init_max_ms",
            FactValue::opt_ms(logs.and_then(LogEvidence::init_max)),
        ),
        Fact::new(
            "handler_p95_ms",
            FactValue::opt_ms(logs.map(|l| l.handler_p95_ms)),
        ),
        Fact::new("block_limit_ms", int(logs.map(|l| u64::from(l.limit_ms)))),
    ]
}

fn key_fact(risk: &Risk, function: &str) -> String {
    if let Some(logs) = &risk.logs {
        let init = logs.init_max().unwrap_or(0.0);
        let calls = match logs.over_limit {
            Some(over) => format!("{over} of {}", logs.cold_calls),
            None => logs.cold_calls.to_string(),
        };
        return format!(
            "{calls} cold calls: init up to {} + p95 {} > {} limit",
            whole_ms(init),
            whole_ms(logs.handler_p95_ms),
            seconds(f64::from(logs.limit_ms))
        );
    }
    let runtime = risk.runtime.as_deref().unwrap_or("runtime");
    match &risk.config {
        Some(c) if fires_runtime(c) => format!(
            "{runtime} without SnapStart or provisioned concurrency on {}",
            called(function, c)
        ),
        _ => "in a VPC, without provisioned concurrency".into(),
    }
}

/// What the blocks call, as said in sentences.
fn called(function: &str, config: &Config) -> String {
    match &config.qualifier {
        Some(q) if q != "$LATEST" => q.clone(),
        _ => format!("{function} ($LATEST)"),
    }
}

fn fix(risk: &Risk, function: &str) -> String {
    let name = function.split(':').next().unwrap_or(function);
    let mut parts = Vec::new();
    if let Some(logs) = &risk.logs {
        let limit = seconds(f64::from(logs.limit_ms));
        let init = whole_ms(logs.init_max().unwrap_or(0.0));
        let p95 = whole_ms(logs.handler_p95_ms);
        parts.push(match logs.over_limit {
            Some(over) => format!(
                "In the logs, {over} of {n} cold calls would miss the {limit} limit: init (up to \
                 {init} ms) plus the handler's p95 ({p95} ms) is more than the block waits.",
                n = logs.cold_calls,
            ),
            None => format!(
                "In the function's logs ({n} cold calls in the period, whoever made them), the \
                 longest init ({init} ms) plus the handler's p95 ({p95} ms) is more than the \
                 {limit} the tightest block waits: a cold call can miss it.",
                n = logs.cold_calls,
            ),
        });
    }
    let latest = risk
        .config
        .as_ref()
        .is_none_or(|c| c.qualifier.as_deref().is_none_or(|q| q == "$LATEST"));
    if let Some(config) = risk.config.as_ref().filter(|c| fires_runtime(c)) {
        let runtime = risk.runtime.as_deref().unwrap_or("its runtime");
        let snap = if config.snap_start {
            "SnapStart is on, but it applies to published versions only and the blocks call \
             $LATEST"
                .to_string()
        } else {
            format!(
                "turn on SnapStart (`aws lambda update-function-configuration --function-name \
                 {name} --snap-start ApplyOn=PublishedVersions`) and call a published version or \
                 alias"
            )
        };
        parts.push(format!(
            "{name} runs {runtime}, whose init is heavy: {snap}, or give the alias the blocks call \
             provisioned concurrency."
        ));
    }
    if risk.config.as_ref().is_some_and(fires_vpc) {
        parts.push(format!(
            "{name} is attached to a VPC: its network interface is set up at init, which \
             provisioned concurrency does ahead of the calls."
        ));
    }
    let target = if latest {
        "publish a version, point an alias at it and at the blocks (provisioned concurrency \
         never applies to $LATEST), then "
            .to_string()
    } else {
        String::new()
    };
    parts.push(format!(
        "To keep it warm: {target}`aws lambda put-provisioned-concurrency-config --function-name \
         {name} --qualifier <alias> --provisioned-concurrent-executions N`; and cut the init \
         (create clients lazily, trim the package)."
    ));
    parts.join(" ")
}
