//! `check`: wire the definitions and the logs into the checks.
//!
//! 1. The flows and the function configurations, from a
//!    `DefinitionSource` (files, or the Connect and Lambda APIs); the flows
//!    parsed (`parse::flow`).
//! 2. The headroom, from a `LogSource`, as `scan` reads it but for every
//!    block rather than the failed ones: pass 1 keeps every Lambda block of
//!    the period, pass 2 reads the Lambda logs around them, and every block
//!    is linked to the invocation that answered it (`link::link_blocks`).
//!    What each block's calls took is kept per block (`ObservedBlock`).
//! 3. The checks (`check`), the alarm plan, and what could not be checked.
//!
//! `scan` and `explain` are untouched: this reads through the same
//! collectors and parsers, with its own pass-1 sink.
//!
//! Live (`check_live`), step 2 reads no log line: the source hands over
//! what AWS aggregated (`PeriodAggregates`): the flow logs' Lambda blocks
//! counted by flow, block, function, limit and result (read here with the
//! entry parser's own readers), each function's own REPORT lines as a few
//! percentiles, CloudWatch's metrics, and the instance's flow-logging
//! setting. The calls are not linked to their blocks: see `check::near_miss`.

use super::connect::{is_connect_group, prepare_entry};
use super::{groups_of_functions, within, AnalyzeError, LambdaCollector, Options};
use crate::check::{alarms, CheckInput};
use crate::link::link_blocks;
use crate::model::conventions::{default_lambda_group, DEFAULT_BLOCK_LIMIT_MS};
use crate::model::{
    BlockCounts, CallSample, CheckResult, CheckScope, FlowDefinition, FlowEntry, FunctionCatalog,
    FunctionHeadroom, FunctionRef, InputFileSummary, InputsSummary, Invocation, InvocationStatus,
    Millis, ObservedBlock, Origin, Rejection, SkippedLines,
};
use crate::parse::connect::{
    connect_rejection, parse_flow_entry, split_function_arn, time_limit_ms,
};
use crate::parse::flow::parse_flow;
use crate::source::definitions::{DefinitionSource, HeadroomWanted, PeriodAggregates};
use crate::source::{Accepted, Event, LogSource, Prepared, SourceError};
use crate::windows::Windows;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The flow-log group and the period, as for `scan`.
    pub logs: Options,
    /// `--instance`, as given (for the report).
    pub instance: Option<String>,
}

/// Why a check ended without its result.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    /// The input holds nothing `check` reads.
    #[error("{0}")]
    NothingToCheck(String),
}

impl From<SourceError> for CheckError {
    fn from(e: SourceError) -> Self {
        CheckError::Analyze(AnalyzeError::Source(e))
    }
}

/// Run every check, from files (or any `LogSource`).
pub fn check(
    definitions: &mut dyn DefinitionSource,
    logs: &mut dyn LogSource,
    opts: &CheckOptions,
) -> Result<CheckResult, CheckError> {
    let defs = read_definitions(definitions)?;
    let headroom = read_logs(logs, &opts.logs)?;
    if defs.flows.is_empty() && headroom.is_none() {
        return Err(CheckError::NothingToCheck(format!(
            "nothing to check in {}: no flow (describe-contact-flow output or a flow-language \
             document) and no Amazon Connect flow logs",
            logs.describe()
        )));
    }
    let Definitions {
        flows,
        wanted,
        catalog,
        mut notes,
        problems,
    } = defs;
    let observed = headroom.as_ref().map(|h| h.observed.as_slice());
    let input = CheckInput::offline(&flows, &catalog, observed);
    let findings = crate::check::check(&input);
    notes.extend(not_checked(&flows, &catalog, headroom.as_ref()));
    notes.extend(crate::check::notes(&input));
    let mut inputs = merged_inputs(logs.inputs(), definitions.inputs(), &problems);
    inputs.duplicates_dropped = headroom.as_ref().map_or(0, |h| h.duplicates);
    let logged = headroom.as_ref().map(|h| Logged {
        group: h.group.clone(),
        first: h.first,
        last: h.last,
        blocks: h.blocks,
    });
    Ok(finish(
        opts, &flows, &wanted, &catalog, findings, notes, inputs, logged,
    ))
}

/// Run every check live: the definitions from the APIs, the period's
/// evidence aggregated by AWS (no log line is read).
pub fn check_live<S>(source: &mut S, opts: &CheckOptions) -> Result<CheckResult, CheckError>
where
    S: DefinitionSource + PeriodAggregates,
{
    let defs = read_definitions(source)?;
    let Definitions {
        flows,
        wanted,
        catalog,
        mut notes,
        problems,
    } = defs;
    let instance = source.instance();
    let counts = source.block_counts()?;
    let observed = counts.as_ref().map(observed_from_counts);
    let headroom = source.headroom(&headroom_wanted(&wanted, &catalog))?;
    let names: Vec<String> = wanted
        .iter()
        .map(|f| f.name.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (metrics, account) = source.metrics(&names)?;
    let input = CheckInput {
        flows: &flows,
        catalog: &catalog,
        observed: observed.as_deref(),
        headroom: Some(&headroom),
        metrics: Some(&metrics),
        account: account.as_ref(),
        instance: instance.as_ref(),
    };
    let findings = crate::check::check(&input);
    notes.extend(source.take_notes());
    notes.extend(live_not_checked(
        &flows,
        &catalog,
        counts.as_ref(),
        &names,
        &headroom,
    ));
    notes.extend(crate::check::notes(&input));
    let inputs = merged_inputs(InputsSummary::default(), source.inputs(), &problems);
    let logged = counts.as_ref().map(|c| Logged {
        group: c.group.clone(),
        first: None,
        last: None,
        blocks: c.rows.iter().map(|r| r.executions).sum(),
    });
    let mut result = finish(
        opts, &flows, &wanted, &catalog, findings, notes, inputs, logged,
    );
    result.live = Some(source.live_run());
    Ok(result)
}

/// The flows and configurations, read and parsed.
struct Definitions {
    flows: Vec<FlowDefinition>,
    wanted: Vec<FunctionRef>,
    catalog: FunctionCatalog,
    notes: Vec<String>,
    /// Each flow that could not be used, with its origin.
    problems: Vec<(String, String)>,
}

fn read_definitions(definitions: &mut dyn DefinitionSource) -> Result<Definitions, CheckError> {
    let raw = definitions.flows()?;
    let mut notes = Vec::new();
    let archived = raw.iter().filter(|f| f.is_archived()).count();
    if archived > 0 {
        notes.push(format!("{archived} archived flow(s) not checked"));
    }
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut flows = Vec::new();
    for flow in raw.iter().filter(|f| !f.is_archived()) {
        match parse_flow(flow) {
            Ok(parsed) => {
                let name = &parsed.flow.name;
                problems.extend(
                    parsed
                        .problems
                        .iter()
                        .map(|p| (flow.origin.clone(), format!("flow {name}: {p}"))),
                );
                // The same flow exported twice (describe-contact-flow's
                // output and the console's export) is checked once.
                let twice = flows
                    .iter()
                    .any(|f: &FlowDefinition| same_flow(f, &parsed.flow));
                if !twice {
                    flows.push(parsed.flow);
                }
            }
            Err(e) => problems.push((flow.origin.clone(), e.to_string())),
        }
    }
    let wanted = functions_called(&flows);
    let catalog = definitions.functions(&wanted)?;
    Ok(Definitions {
        flows,
        wanted,
        catalog,
        notes,
        problems,
    })
}

/// The flow-log group and what it held over the period.
struct Logged {
    group: String,
    first: Option<Millis>,
    last: Option<Millis>,
    blocks: u64,
}

/// The scope, the alarm plan and the result.
#[allow(clippy::too_many_arguments)]
fn finish(
    opts: &CheckOptions,
    flows: &[FlowDefinition],
    wanted: &[FunctionRef],
    catalog: &FunctionCatalog,
    findings: Vec<crate::model::Finding>,
    mut notes: Vec<String>,
    inputs: InputsSummary,
    logged: Option<Logged>,
) -> CheckResult {
    let (alarms, refused) = alarms::plan(flows);
    if !refused.is_empty() {
        notes.push(format!(
            "no alarms for {}: not a Lambda function name AWS accepts",
            refused.join(", ")
        ));
    }
    let scope = CheckScope {
        instance: opts.instance.clone(),
        connect_group: logged.as_ref().map(|l| l.group.clone()),
        start: opts.logs.start.or(logged.as_ref().and_then(|l| l.first)),
        end: opts.logs.end.or(logged.as_ref().and_then(|l| l.last)),
        flows: flows.len() as u64,
        lambda_blocks: flows.iter().map(|f| f.lambda_calls().count() as u64).sum(),
        functions: wanted
            .iter()
            .map(|f| &f.name)
            .collect::<BTreeSet<_>>()
            .len() as u64,
        function_configurations: catalog.configs.len() as u64,
        logged_lambda_blocks: logged.as_ref().map_or(0, |l| l.blocks),
        not_checked: notes,
    };
    CheckResult {
        scope,
        findings,
        alarms,
        inputs,
        live: None,
    }
}

/// Which functions' logs to ask about, and whether their init counts:
/// not when every qualifier the blocks call has provisioned concurrency
/// (what `Invocation::is_cold` says offline from `INIT_START`, which an
/// aggregate cannot see).
fn headroom_wanted(wanted: &[FunctionRef], catalog: &FunctionCatalog) -> Vec<HeadroomWanted> {
    let mut by_name: BTreeMap<&str, bool> = BTreeMap::new();
    for call in wanted {
        let on_demand = !catalog.has_provisioned(call);
        *by_name.entry(call.name.as_str()).or_insert(false) |= on_demand;
    }
    by_name
        .into_iter()
        .map(|(function, count_init)| HeadroomWanted {
            function: function.to_string(),
            count_init,
        })
        .collect()
}

/// The counted rows as blocks: the values read as an entry's are
/// (`split_function_arn`, `time_limit_ms`, `connect_rejection`), so the
/// throttles are the ones `scan` and the offline check see.
fn observed_from_counts(counts: &BlockCounts) -> Vec<ObservedBlock> {
    let mut observed: BTreeMap<BlockKey, ObservedBlock> = BTreeMap::new();
    for row in &counts.rows {
        let Some(arn) = row.function_arn.as_deref().map(json_text) else {
            continue;
        };
        let (name, qualifier) = split_function_arn(&arn);
        let function = FunctionRef::new(name, qualifier);
        let limit = row.time_limit.as_deref().and_then(time_limit_ms);
        let flow = row.flow.as_deref().map(json_text);
        let block = row.block.as_deref().map(json_text);
        let limit_ms = limit.unwrap_or(DEFAULT_BLOCK_LIMIT_MS);
        let key = (
            flow.clone(),
            block.clone(),
            function.clone(),
            limit_ms,
            limit.is_none(),
        );
        let seen = observed.entry(key).or_insert_with(|| ObservedBlock {
            flow,
            block,
            function,
            limit_ms,
            limit_assumed: limit.is_none(),
            ..ObservedBlock::default()
        });
        seen.executions += row.executions;
        let results = row.results.as_deref().map(json_text);
        let throttled =
            results.as_deref().and_then(connect_rejection) == Some(Rejection::Throttled);
        if throttled {
            seen.throttled += row.executions;
            seen.first_throttle = earliest(seen.first_throttle, row.first);
            seen.last_throttle = seen.last_throttle.max(row.last);
            if seen.throttle_results.is_none() {
                seen.throttle_results = results;
            }
        }
    }
    observed.into_values().collect()
}

fn earliest(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The contents of a JSON string as the query cut it out of an entry
/// (escapes read); the text itself when it does not read as one.
fn json_text(raw: &str) -> String {
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
}

/// What the live sources left unchecked.
fn live_not_checked(
    flows: &[FlowDefinition],
    catalog: &FunctionCatalog,
    counts: Option<&BlockCounts>,
    functions: &[String],
    headroom: &[FunctionHeadroom],
) -> Vec<String> {
    let mut notes = Vec::new();
    if flows.is_empty() {
        notes.push(
            "no flows read from the instance: missing_function, function_not_active, \
             timeout_below_block_limit, chain_over_20s, error_branch_hangs_up and every check \
             that needs a block's limit not checked"
                .to_string(),
        );
    } else if catalog.configs.is_empty() && !functions.is_empty() {
        notes.push(
            "no function configuration could be read: function_not_active, \
             timeout_below_block_limit and the configuration evidence of cold_start_risk and \
             throttling not checked"
                .to_string(),
        );
    }
    if counts.is_none() {
        notes.push(
            "no flow logs read: the throttles Connect logged (throttling's flow_logs evidence) \
             not checked"
                .to_string(),
        );
    }
    for function in functions {
        let reports = headroom
            .iter()
            .find(|h| &h.function == function)
            .map_or(0, |h| h.reports);
        if reports == 0 {
            notes.push(format!(
                "{function}: no REPORT line in its logs over the period: near_miss and the log \
                 evidence of cold_start_risk not checked for it"
            ));
        }
    }
    notes
}

/// Two exports of one flow: the same name, start and blocks.
fn same_flow(a: &FlowDefinition, b: &FlowDefinition) -> bool {
    a.name == b.name && a.start == b.start && a.actions == b.actions
}

/// Every function (and qualifier) a flow names outright, once, in order.
fn functions_called(flows: &[FlowDefinition]) -> Vec<FunctionRef> {
    let called: BTreeSet<&FunctionRef> = flows
        .iter()
        .flat_map(|f| f.lambda_calls())
        .filter_map(|(_, call)| call.function())
        .collect();
    called.into_iter().cloned().collect()
}

/// What the missing inputs leave unchecked.
fn not_checked(
    flows: &[FlowDefinition],
    catalog: &FunctionCatalog,
    headroom: Option<&Headroom>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if flows.is_empty() {
        notes.push(
            "no flows in the input: missing_function, function_not_active, \
             timeout_below_block_limit, chain_over_20s, error_branch_hangs_up and the \
             configuration evidence of cold_start_risk not checked (export them with `aws connect \
             describe-contact-flow`)"
                .to_string(),
        );
    } else if catalog.configs.is_empty() {
        notes.push(
            "no function configurations in the input: missing_function, function_not_active, \
             timeout_below_block_limit and the configuration evidence of cold_start_risk and \
             throttling not checked (export them with `aws lambda get-function-configuration`)"
                .to_string(),
        );
    }
    match headroom {
        None => notes.push(
            "no Amazon Connect flow logs in the input: near_miss, throttling in the period and \
             the log evidence of cold_start_risk not checked"
                .to_string(),
        ),
        Some(h) => {
            let unlinked: u64 = h.observed.iter().map(|b| b.successes_unlinked).sum();
            if unlinked > 0 {
                notes.push(format!(
                    "{unlinked} successful Lambda block(s) had no invocation in the Lambda logs \
                     read: their durations are not in near_miss and cold_start_risk"
                ));
            }
        }
    }
    notes.push(
        "flow_logging_off needs the Amazon Connect API (live): not checked from files".to_string(),
    );
    notes
}

// ---------------------------------------------------------------------------
// The headroom: every Lambda block of the period, linked
// ---------------------------------------------------------------------------

/// What the logs of the period said.
struct Headroom {
    group: String,
    first: Option<Millis>,
    last: Option<Millis>,
    blocks: u64,
    duplicates: u64,
    observed: Vec<ObservedBlock>,
}

/// Pass 1 and pass 2 over every Lambda block of the period; `None` when
/// the input holds no Connect flow logs.
fn read_logs(source: &mut dyn LogSource, opts: &Options) -> Result<Option<Headroom>, CheckError> {
    let mut collector = BlockCollector::new(opts);
    let wanted = |group: &str| is_connect_group(opts, group);
    let prepare = |ev: &Event<'_>| Some(prepare_entry(ev, None));
    source.connect_events(&wanted, &prepare, &mut |ev, prepared| {
        collector.push(ev, prepared)
    })?;
    let Some(group) = collector.finish(&source.known_groups(), &source.describe())? else {
        return Ok(None);
    };
    let refs: Vec<&FlowEntry> = group.blocks.iter().collect();
    let windows = Windows::around(&refs);
    let mut lambda = LambdaCollector::new(&windows);
    if !windows.is_empty() {
        source.lambda_events(&windows, &mut |function, ev| lambda.push(function, ev))?;
    }
    let (invocations, _) = lambda.finish();
    let found = groups_of_functions(&invocations);
    let links = link_blocks(&refs, &invocations, &|function| {
        found
            .get(function)
            .map(|g| g.to_string())
            .unwrap_or_else(|| default_lambda_group(function))
    });
    let mut observed: BTreeMap<BlockKey, ObservedBlock> = BTreeMap::new();
    for (block, link) in refs.iter().zip(&links) {
        observe(&mut observed, block, link.primary());
    }
    Ok(Some(Headroom {
        group: group.name,
        first: group.first,
        last: group.last,
        blocks: group.blocks.len() as u64,
        duplicates: group.duplicates,
        observed: observed.into_values().collect(),
    }))
}

/// A block as the logs name it: flow, identifier, function, limit.
type BlockKey = (Option<String>, Option<String>, FunctionRef, u32, bool);

/// Count one execution of a block, with the invocation that answered it.
fn observe(
    observed: &mut BTreeMap<BlockKey, ObservedBlock>,
    block: &FlowEntry,
    invocation: Option<&Invocation>,
) {
    let Some(lambda) = &block.lambda else {
        return;
    };
    let function = FunctionRef::new(lambda.function_name.clone(), lambda.qualifier.clone());
    let key = (
        block.contact_flow_name.clone(),
        block.identifier.clone(),
        function.clone(),
        lambda.limit_ms(),
        lambda.limit_assumed(),
    );
    let seen = observed.entry(key).or_insert_with(|| ObservedBlock {
        flow: block.contact_flow_name.clone(),
        block: block.identifier.clone(),
        function,
        limit_ms: lambda.limit_ms(),
        limit_assumed: lambda.limit_assumed(),
        ..ObservedBlock::default()
    });
    seen.executions += 1;
    if block.rejection == Some(Rejection::Throttled) {
        seen.throttled += 1;
        let t = block.timestamp;
        seen.first_throttle = Some(seen.first_throttle.map_or(t, |f| f.min(t)));
        seen.last_throttle = Some(seen.last_throttle.map_or(t, |l| l.max(t)));
        if seen.throttle_results.is_none() {
            seen.throttle_results.clone_from(&block.results);
        }
    }
    if let Some(inv) = invocation.filter(|inv| inv.is_cold()) {
        seen.cold_inits_ms.push(inv.cold_ms());
    }
    let succeeded = block.has_external_results && block.results.is_none();
    if !succeeded {
        return;
    }
    let sample = invocation
        .filter(|inv| inv.status == InvocationStatus::Success)
        .and_then(|inv| {
            inv.duration_ms.map(|handler_ms| CallSample {
                init_ms: inv.cold_ms(),
                handler_ms,
            })
        });
    match sample {
        Some(sample) => seen.successes.push(sample),
        None => seen.successes_unlinked += 1,
    }
}

/// Pass 1 for `check`: every Lambda block of the period (not only those
/// near a failure, as `scan` keeps), without their parameters.
struct BlockCollector<'a> {
    opts: &'a Options,
    groups: BTreeMap<String, GroupBlocks>,
}

#[derive(Default)]
struct GroupBlocks {
    name: String,
    blocks: Vec<FlowEntry>,
    seen: HashSet<u64>,
    duplicates: u64,
    first: Option<Millis>,
    last: Option<Millis>,
}

impl<'a> BlockCollector<'a> {
    fn new(opts: &'a Options) -> Self {
        BlockCollector {
            opts,
            groups: BTreeMap::new(),
        }
    }

    fn push(&mut self, ev: &Event<'_>, prepared: Option<&Prepared>) -> Accepted {
        if !is_connect_group(self.opts, ev.group) {
            return Ok(());
        }
        let computed;
        let prepared = match prepared {
            Some(p) => p,
            None => {
                computed = prepare_entry(ev, None);
                &computed
            }
        };
        let (timestamp, whole) = match prepared {
            Prepared::Skip(reason) => return Err(reason.clone()),
            Prepared::Entry {
                timestamp, whole, ..
            } => (*timestamp, *whole),
        };
        let group = self
            .groups
            .entry(ev.group.to_string())
            .or_insert_with(|| GroupBlocks {
                name: ev.group.to_string(),
                ..GroupBlocks::default()
            });
        group.first = Some(group.first.map_or(timestamp, |f| f.min(timestamp)));
        group.last = Some(group.last.map_or(timestamp, |l| l.max(timestamp)));
        if !whole {
            return Ok(());
        }
        let origin = Origin {
            file: ev.file.to_string(),
            line: ev.line,
        };
        let mut entry = parse_flow_entry(ev.message, ev.timestamp, origin)
            .map_err(|e| format!("Connect entry: {e}"))?;
        if entry.lambda.is_none() || !within(entry.timestamp, self.opts) {
            return Ok(());
        }
        if !group.seen.insert(key_hash(&entry)) {
            group.duplicates += 1;
            return Ok(());
        }
        // Parameters are shown only by `explain`; a week of blocks is many.
        entry.parameters = None;
        group.blocks.push(entry);
        Ok(())
    }

    /// The chosen group (as `scan` chooses it), or `None` when the input
    /// holds no Connect flow logs at all.
    fn finish(
        mut self,
        known_groups: &[String],
        searched: &str,
    ) -> Result<Option<GroupBlocks>, AnalyzeError> {
        let mut group = match &self.opts.connect_group {
            Some(chosen) => match self.groups.remove(chosen) {
                Some(group) => group,
                None if self.groups.is_empty() => return Ok(None),
                None => {
                    return Err(AnalyzeError::NoConnectGroup(format!(
                        "no events of {chosen} in {searched}; log groups found: {}",
                        known_groups.join(", ")
                    )))
                }
            },
            None if self.groups.len() > 1 => {
                let names: Vec<&str> = self.groups.keys().map(String::as_str).collect();
                return Err(AnalyzeError::NoConnectGroup(format!(
                    "the input holds several Connect flow-log groups ({}): pick one with \
                     --instance <alias>",
                    names.join(", ")
                )));
            }
            None => match self.groups.into_values().next() {
                Some(group) => group,
                None => return Ok(None),
            },
        };
        group.blocks.sort_by_key(|b| b.timestamp);
        Ok(Some(group))
    }
}

/// The dedup key (contact, identifier, timestamp, type) as a hash.
fn key_hash(entry: &FlowEntry) -> u64 {
    let mut h = DefaultHasher::new();
    entry.dedup_key().hash(&mut h);
    h.finish()
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/// One summary per file: the definition reader's for definition files
/// (the log readers only saw that they hold no events), with the flows'
/// own problems counted against their file.
fn merged_inputs(
    logs: InputsSummary,
    definitions: InputsSummary,
    problems: &[(String, String)],
) -> InputsSummary {
    let mut files: Vec<InputFileSummary> = logs.files;
    for summary in definitions.files {
        match files.iter_mut().find(|f| f.file == summary.file) {
            Some(known) => *known = summary,
            None => files.push(summary),
        }
    }
    for (origin, problem) in problems {
        let skip = SkippedLines {
            reason: problem.clone(),
            count: 1,
            lines: vec![1],
        };
        match files.iter_mut().find(|f| &f.file == origin) {
            Some(file) => file.skipped.push(skip),
            None => files.push(InputFileSummary {
                file: origin.clone(),
                format: "flow".into(),
                events: 0,
                skipped: vec![skip],
            }),
        }
    }
    InputsSummary {
        events_read: files.iter().map(|f| f.events).sum(),
        lines_skipped: files.iter().flat_map(|f| &f.skipped).map(|s| s.count).sum(),
        files,
        duplicates_dropped: 0,
    }
}
