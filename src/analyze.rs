//! Wire the stages together for exported files:
//! `source -> parse -> link -> classify`.
//!
//! Two passes keep memory proportional to the failures, not the input:
//! 1. the Connect group: keep only Lambda blocks (and, for `explain`, the
//!    contact's own entries);
//! 2. the Lambda groups of the functions that matter: keep only events
//!    inside the merged windows around those blocks, then rebuild
//!    invocations per stream.

mod collect;
mod windows;

use crate::classify::classify;
use crate::link::link_blocks;
use crate::model::{
    ExplainResult, Failure, FlowEntry, InputsSummary, Invocation, Millis, ScanResult, Scope,
    TimelineBlock,
};
use crate::source::files::{discover, InputFile};
use crate::time::format_time;
use collect::{collect_connect, collect_lambda, ConnectData};
use std::path::PathBuf;
use windows::Windows;

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    /// The Connect flow-log group; `None`: the only one in the input.
    pub connect_group: Option<String>,
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// Skipped input lines are an error.
    pub strict: bool,
}

/// Errors the caller maps to exit codes.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Input(#[from] crate::source::files::InputError),
    #[error("{0}")]
    NoConnectGroup(String),
    #[error("{0}")]
    ContactNotFound(String),
    #[error("{0}")]
    Strict(String),
}

/// `scan`: every failed Lambda block in the period, linked and classified.
pub fn scan(opts: &Options) -> Result<ScanResult, AnalyzeError> {
    let files = discover(&opts.inputs)?;
    let mut inputs = InputsSummary::default();
    let connect = collect_connect(&files, opts, None, &mut inputs)?;
    let in_period = |b: &&FlowEntry| within(b.timestamp, opts);
    let focus: Vec<&FlowEntry> = connect
        .lambda_blocks
        .iter()
        .filter(in_period)
        .filter(|b| b.is_failed_lambda_block())
        .collect();
    let (links, lambda_groups) = link_focus(&files, &connect, &focus, &mut inputs)?;
    check_strict(opts, &inputs)?;
    let failures = focus
        .iter()
        .zip(links)
        .map(|(block, link)| Failure {
            verdict: classify(block, &link),
            block: (*block).clone(),
            link,
        })
        .collect();
    Ok(ScanResult {
        scope: scope(&connect, opts, lambda_groups),
        lambda_blocks: connect.lambda_blocks.iter().filter(in_period).count() as u64,
        contacts: connect.contacts_in_period,
        failures,
        inputs,
    })
}

/// `explain`: one contact's timeline with its Lambda blocks linked, and
/// the failed ones classified, exactly as `scan` would.
pub fn explain(opts: &Options, contact_id: &str) -> Result<ExplainResult, AnalyzeError> {
    let files = discover(&opts.inputs)?;
    let mut inputs = InputsSummary::default();
    let connect = collect_connect(&files, opts, Some(contact_id), &mut inputs)?;
    if connect.contact_entries.is_empty() {
        return Err(AnalyzeError::ContactNotFound(format!(
            "contact {contact_id} is not in {} ({}); searched {} file(s)",
            connect.group,
            period_text(&connect, opts),
            inputs.files.len()
        )));
    }
    let focus: Vec<&FlowEntry> = connect
        .contact_entries
        .iter()
        .filter(|e| e.lambda.is_some())
        .collect();
    let (links, lambda_groups) = link_focus(&files, &connect, &focus, &mut inputs)?;
    check_strict(opts, &inputs)?;
    let mut links = focus.iter().zip(links);
    let blocks = connect
        .contact_entries
        .iter()
        .map(|entry| {
            if entry.lambda.is_none() {
                return TimelineBlock {
                    entry: entry.clone(),
                    link: None,
                    verdict: None,
                };
            }
            let link = links.next().map(|(_, l)| l);
            let verdict = match &link {
                Some(l) if entry.is_failed_lambda_block() => Some(classify(entry, l)),
                _ => None,
            };
            TimelineBlock {
                entry: entry.clone(),
                link,
                verdict,
            }
        })
        .collect();
    Ok(ExplainResult {
        contact_id: contact_id.to_string(),
        scope: scope(&connect, opts, lambda_groups),
        blocks,
        inputs,
    })
}

/// Read the Lambda events around the focus blocks, rebuild invocations and
/// link. Every Lambda block near the focus takes part in the assignment
/// (so a neighbour's invocation is never mistaken for ours); the links of
/// the focus blocks are returned in focus order.
fn link_focus(
    files: &[InputFile],
    connect: &ConnectData,
    focus: &[&FlowEntry],
    inputs: &mut InputsSummary,
) -> Result<(Vec<crate::model::Link>, Vec<String>), AnalyzeError> {
    let windows = Windows::around(focus);
    let (invocations, groups) = collect_lambda(files, &windows, inputs)?;
    let mut blocks: Vec<&FlowEntry> = focus.to_vec();
    let neighbours = connect
        .lambda_blocks
        .iter()
        .filter(|b| windows.touches(b) && !focus.iter().any(|f| std::ptr::eq(*f, *b)));
    let neighbours: Vec<&FlowEntry> = neighbours
        .filter(|b| !focus.iter().any(|f| f.dedup_key() == b.dedup_key()))
        .collect();
    blocks.extend(neighbours);
    let mut links = link_blocks(&blocks, &invocations, &|function| {
        group_for(&invocations, function)
    });
    links.truncate(focus.len());
    Ok((links, groups))
}

/// The log group searched for a function: where its invocations were
/// found, else the default `/aws/lambda/<name>`.
fn group_for(invocations: &[Invocation], function: &str) -> String {
    invocations
        .iter()
        .find(|i| i.function == function)
        .map(|i| i.log_group.clone())
        .unwrap_or_else(|| format!("/aws/lambda/{function}"))
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

fn check_strict(opts: &Options, inputs: &InputsSummary) -> Result<(), AnalyzeError> {
    if !opts.strict || inputs.lines_skipped == 0 {
        return Ok(());
    }
    let mut text = format!("--strict: {} input line(s) skipped:", inputs.lines_skipped);
    for file in &inputs.files {
        for skip in &file.skipped {
            let lines: Vec<String> = skip.lines.iter().map(u64::to_string).collect();
            text.push_str(&format!(
                "\n  {}: {} x {} (lines {})",
                file.file,
                skip.count,
                skip.reason,
                lines.join(", ")
            ));
        }
    }
    Err(AnalyzeError::Strict(text))
}
