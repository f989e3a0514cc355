//! Wire the stages together: `source -> parse -> link -> classify`.
//!
//! Two passes keep memory proportional to the failures, not the input:
//! 1. the Connect group: keep only Lambda blocks (and, for `explain`, the
//!    contact's own entries);
//! 2. the Lambda groups of the functions that matter: keep only events
//!    inside the merged windows around those blocks, then rebuild
//!    invocations per stream.
//!
//! The passes read from any `LogSource` (exported files, Logs Insights),
//! so every source gives the same answer for the same events.

mod check;
mod connect;
mod lambda;
mod staged;

pub use check::{check, check_live, CheckError, CheckOptions};
pub use connect::{ConnectCollector, ConnectData};
pub use lambda::LambdaCollector;

use crate::classify::classify;
use crate::link::link_first_blocks;
use crate::model::conventions::default_lambda_group;
use crate::model::{
    ConnectTotals, ExplainResult, Failure, FlowEntry, FunctionSettings, Invocation, Link, Millis,
    ScanResult, Scope, TimelineBlock, Trace, XrayFetch,
};
use crate::parse::xray::parse_trace;
use crate::source::offline::FileSource;
use crate::source::{Event, LogSource, SourceError};
use crate::units::format_time;
use crate::windows::Windows;
use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The Connect flow-log group; `None`: the only one in the input.
    pub connect_group: Option<String>,
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// Lambda configuration per function, when known (a capture saved by
    /// `--save-logs`); a live source adds its own.
    pub function_settings: BTreeMap<String, FunctionSettings>,
    /// The source checked that `connect_group` exists (a live source,
    /// which fetches only Lambda blocks): no entry in the period means no
    /// failure, not a missing group.
    pub connect_group_exists: bool,
    /// The period's totals as counted where the logs were selected (a
    /// `--save-logs` capture of a staged live run carries them): they
    /// replace the counts of the entries read.
    pub totals: Option<ConnectTotals>,
}

/// Errors the caller maps to exit codes.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{0}")]
    NoConnectGroup(String),
    #[error("{0}")]
    ContactNotFound(String),
}

/// `scan` over exported files.
pub fn scan_files(inputs: &[PathBuf], opts: &Options) -> Result<ScanResult, AnalyzeError> {
    scan(&mut FileSource::open(inputs)?, opts)
}

/// `explain` over exported files.
pub fn explain_files(
    inputs: &[PathBuf],
    opts: &Options,
    contact_id: &str,
) -> Result<ExplainResult, AnalyzeError> {
    explain(&mut FileSource::open(inputs)?, opts, contact_id)
}

/// `scan`: every failed Lambda block in the period, linked and classified.
pub fn scan(source: &mut dyn LogSource, opts: &Options) -> Result<ScanResult, AnalyzeError> {
    let connect = read_connect(source, opts, None)?;
    let in_period = |b: &&FlowEntry| within(b.timestamp, opts);
    let focus: Vec<&FlowEntry> = connect
        .lambda_blocks
        .iter()
        .filter(in_period)
        .filter(|b| b.is_failed_lambda_block())
        .collect();
    let (mut links, lambda_groups) = link_focus(source, &connect, &focus)?;
    attach_traces(source, &mut links.iter_mut().collect::<Vec<_>>())?;
    let mut inputs = source.inputs();
    inputs.duplicates_dropped = connect.duplicates;
    // A capture's totals hold for its own period only (a replay without
    // --start/--end reads that period).
    let saved = opts.totals.clone().filter(|t| {
        (opts.start.is_none() && opts.end.is_none())
            || (opts.start == Some(t.start) && opts.end == Some(t.end))
    });
    let totals = match source.connect_totals()?.or(saved) {
        Some(totals) => totals,
        None => ConnectTotals {
            lambda_blocks_by_function: connect.lambda_blocks_by_function.clone(),
            contacts: connect.contacts_in_period,
            ..ConnectTotals::default()
        },
    };
    let settings = settings(source, opts);
    let failures = focus
        .iter()
        .zip(links)
        .map(|(block, link)| Failure {
            verdict: classify(block, &link, settings_for(&settings, block)),
            block: (*block).clone(),
            link,
        })
        .collect();
    Ok(ScanResult {
        scope: scope(&connect, opts, lambda_groups),
        lambda_blocks: totals.lambda_blocks_by_function.values().sum(),
        lambda_blocks_by_function: totals.lambda_blocks_by_function,
        contacts: totals.contacts,
        failures,
        inputs,
        live: None,
    })
}

/// `explain`: one contact's timeline with its Lambda blocks linked, and
/// the failed ones classified, exactly as `scan` would.
pub fn explain(
    source: &mut dyn LogSource,
    opts: &Options,
    contact_id: &str,
) -> Result<ExplainResult, AnalyzeError> {
    let connect = read_connect(source, opts, Some(contact_id))?;
    if connect.contact_entries.is_empty() {
        return Err(AnalyzeError::ContactNotFound(format!(
            "contact {contact_id} is not in {} ({}); searched {}",
            connect.group,
            period_text(&connect, opts),
            source.describe()
        )));
    }
    let focus: Vec<&FlowEntry> = connect
        .contact_entries
        .iter()
        .filter(|e| e.lambda.is_some())
        .collect();
    let (mut links, lambda_groups) = link_focus(source, &connect, &focus)?;
    let mut failed: Vec<&mut Link> = links
        .iter_mut()
        .zip(&focus)
        .filter(|(_, block)| block.is_failed_lambda_block())
        .map(|(link, _)| link)
        .collect();
    attach_traces(source, &mut failed)?;
    let mut inputs = source.inputs();
    inputs.duplicates_dropped = connect.duplicates;
    let mut links = links.into_iter();
    let settings = settings(source, opts);
    let blocks = connect
        .contact_entries
        .iter()
        .map(|entry| timeline_block(entry, &mut links, settings_for(&settings, entry)))
        .collect();
    Ok(ExplainResult {
        contact_id: contact_id.to_string(),
        scope: scope(&connect, opts, lambda_groups),
        blocks,
        inputs,
        live: None,
    })
}

/// The functions' configuration: the source's, else the options'.
fn settings(source: &dyn LogSource, opts: &Options) -> BTreeMap<String, FunctionSettings> {
    let mut all = opts.function_settings.clone();
    all.extend(source.function_settings());
    all
}

fn settings_for<'s>(
    settings: &'s BTreeMap<String, FunctionSettings>,
    block: &FlowEntry,
) -> Option<&'s FunctionSettings> {
    block
        .lambda
        .as_ref()
        .and_then(|l| settings.get(&l.function_name))
}

fn timeline_block(
    entry: &FlowEntry,
    links: &mut impl Iterator<Item = Link>,
    settings: Option<&FunctionSettings>,
) -> TimelineBlock {
    let link = entry.lambda.as_ref().and_then(|_| links.next());
    let verdict = match &link {
        Some(l) if entry.is_failed_lambda_block() => Some(classify(entry, l, settings)),
        _ => None,
    };
    TimelineBlock {
        entry: entry.clone(),
        link,
        verdict,
    }
}

/// Pass 1 from any source.
fn read_connect(
    source: &mut dyn LogSource,
    opts: &Options,
    contact: Option<&str>,
) -> Result<ConnectData, AnalyzeError> {
    if source.staged() {
        return staged::read_staged(source, opts, contact);
    }
    let mut collector = ConnectCollector::new(opts, contact);
    let wanted = |group: &str| connect::is_connect_group(opts, group);
    let prepare = |ev: &Event<'_>| Some(connect::prepare_entry(ev, contact));
    source.connect_events(&wanted, &prepare, &mut |ev, prepared| {
        collector.push(ev, prepared)
    })?;
    collector.finish(&source.known_groups(), &source.describe())
}

/// Read the Lambda events around the focus blocks, rebuild invocations and
/// link. Every Lambda block near the focus takes part in the assignment
/// (so a neighbour's invocation is never mistaken for ours), and the
/// windows read cover the neighbours' own windows too: a neighbour whose
/// own invocation was not read would otherwise take ours. The links of the
/// focus blocks are returned in focus order.
fn link_focus(
    source: &mut dyn LogSource,
    connect: &ConnectData,
    focus: &[&FlowEntry],
) -> Result<(Vec<Link>, Vec<String>), AnalyzeError> {
    let around_focus = Windows::around(focus);
    let in_focus: HashSet<_> = focus.iter().map(|f| f.dedup_key()).collect();
    let mut blocks: Vec<&FlowEntry> = focus.to_vec();
    blocks.extend(
        connect
            .lambda_blocks
            .iter()
            .filter(|b| around_focus.touches(b) && !in_focus.contains(&b.dedup_key())),
    );
    let windows = Windows::around(&blocks);
    let mut collector = LambdaCollector::new(&windows);
    if !windows.is_empty() {
        source.lambda_events(&windows, &mut |function, ev| collector.push(function, ev))?;
    }
    let (invocations, groups) = collector.finish();
    let found = groups_of_functions(&invocations);
    let links = link_first_blocks(&blocks, focus.len(), &invocations, &|function| {
        found
            .get(function)
            .map(|group| group.to_string())
            .unwrap_or_else(|| default_lambda_group(function))
    });
    Ok((links, groups))
}

/// Fetch the X-Ray traces of the failed blocks' invocations (only theirs:
/// never every invocation's) and attach what came back, or that it did not.
fn attach_traces(source: &mut dyn LogSource, links: &mut [&mut Link]) -> Result<(), AnalyzeError> {
    let wanted = |inv: &Invocation| {
        inv.trace
            .as_ref()
            .filter(|t| t.sampled != Some(false))
            .map(|t| t.trace_id.clone())
    };
    let mut ids: Vec<String> = links
        .iter()
        .flat_map(|l| l.invocations.iter())
        .filter_map(wanted)
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let batch = source.traces(&ids)?;
    let traces: HashMap<String, Trace> = batch
        .traces
        .iter()
        .filter_map(parse_trace)
        .map(|t| (t.id.clone(), t))
        .collect();
    for inv in links.iter_mut().flat_map(|l| l.invocations.iter_mut()) {
        let Some(id) = wanted(inv) else {
            continue;
        };
        inv.xray = match traces.get(&id) {
            Some(trace) => XrayFetch::Found(trace.clone()),
            None if batch.looked => XrayFetch::NotFound,
            None => XrayFetch::NotLooked,
        };
    }
    Ok(())
}

/// The log group searched for each function: where its first invocation
/// was found (the default `/aws/lambda/<name>` for the others).
fn groups_of_functions(invocations: &[Invocation]) -> HashMap<&str, &str> {
    let mut found = HashMap::new();
    for inv in invocations {
        found
            .entry(inv.function.as_str())
            .or_insert(inv.log_group.as_str());
    }
    found
}

fn within(t: Millis, opts: &Options) -> bool {
    opts.start.is_none_or(|s| t >= s) && opts.end.is_none_or(|e| t <= e)
}

fn scope(connect: &ConnectData, opts: &Options, lambda_groups: Vec<String>) -> Scope {
    Scope {
        connect_group: connect.group.clone(),
        lambda_groups,
        start: opts.start.or(connect.first),
        end: opts.end.or(connect.last),
    }
}

fn period_text(connect: &ConnectData, opts: &Options) -> String {
    let start = opts.start.or(connect.first);
    let end = opts.end.or(connect.last);
    match (start, end) {
        (Some(s), Some(e)) => format!("{} to {}", format_time(s), format_time(e)),
        _ => "no entries".into(),
    }
}
