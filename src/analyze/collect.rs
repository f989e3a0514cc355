//! The two passes over exported files: Connect entries, then the Lambda
//! events inside the windows.

use super::windows::Windows;
use super::{AnalyzeError, Options};
use crate::model::{
    FlowEntry, InputFileSummary, InputsSummary, Invocation, LambdaRecord, Millis, Origin,
    SkippedLines,
};
use crate::parse::connect::parse_flow_entry;
use crate::parse::invocations::{assemble_stream, StreamEvent, StreamId};
use crate::parse::lambda::parse_lambda_line;
use crate::source::files::{read_file, InputFile, RawEvent};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

const CONNECT_PREFIX: &str = "/aws/connect/";
const LAMBDA_PREFIX: &str = "/aws/lambda/";

/// Line numbers kept per skip reason (the count is always complete).
const LINES_KEPT: usize = 100;

/// What pass 1 keeps of the chosen Connect group.
#[derive(Debug, Default)]
pub struct ConnectData {
    pub group: String,
    /// Every Lambda block, de-duplicated, in time order.
    pub lambda_blocks: Vec<FlowEntry>,
    /// `explain` only: the contact's entries, de-duplicated, in time order.
    pub contact_entries: Vec<FlowEntry>,
    pub contacts_in_period: u64,
    /// The data's own extent.
    pub first: Option<Millis>,
    pub last: Option<Millis>,
}

/// Pass 1 state for one Connect group.
#[derive(Default)]
struct GroupState {
    data: ConnectData,
    seen: HashSet<(String, Option<String>, Millis, String)>,
    contacts: HashSet<u64>,
    duplicates: u64,
}

/// Pass 1: read the Connect groups and keep the Lambda blocks (and the
/// contact's entries for `explain`) of the chosen group.
pub fn collect_connect(
    files: &[InputFile],
    opts: &Options,
    contact: Option<&str>,
    inputs: &mut InputsSummary,
) -> Result<ConnectData, AnalyzeError> {
    let is_connect = |group: &str| match &opts.connect_group {
        Some(chosen) => group == chosen,
        None => group.starts_with(CONNECT_PREFIX),
    };
    let mut groups: BTreeMap<String, GroupState> = BTreeMap::new();
    for file in files {
        if !file.group_hint.as_deref().is_none_or(is_connect) {
            continue;
        }
        let mut skips = Skips::default();
        let summary = read_file(file, &mut |ev: RawEvent<'_>| {
            let Some(group) = ev.group.or(file.group_hint.as_deref()) else {
                return;
            };
            if !is_connect(group) {
                return;
            }
            let origin = Origin {
                file: file.display.clone(),
                line: ev.line,
            };
            match parse_flow_entry(ev.message, ev.timestamp, origin) {
                Ok(entry) => {
                    let state = groups
                        .entry(group.to_string())
                        .or_insert_with(|| GroupState::named(group));
                    keep_entry(state, entry, opts, contact);
                }
                Err(e) => skips.add(format!("Connect entry: {e}"), ev.line),
            }
        })?;
        record(inputs, summary, skips);
    }
    let mut state = choose_group(groups, opts, files)?;
    inputs.duplicates_dropped += state.duplicates;
    state.data.contacts_in_period = state.contacts.len() as u64;
    state.data.lambda_blocks.sort_by_key(|b| b.timestamp);
    state.data.contact_entries.sort_by_key(|b| b.timestamp);
    Ok(state.data)
}

impl GroupState {
    fn named(group: &str) -> Self {
        let mut state = GroupState::default();
        state.data.group = group.to_string();
        state
    }
}

fn keep_entry(state: &mut GroupState, entry: FlowEntry, opts: &Options, contact: Option<&str>) {
    let data = &mut state.data;
    data.first = Some(
        data.first
            .map_or(entry.timestamp, |f| f.min(entry.timestamp)),
    );
    data.last = Some(
        data.last
            .map_or(entry.timestamp, |l| l.max(entry.timestamp)),
    );
    let wanted_for_contact = contact.is_some_and(|c| c == entry.contact_id);
    if entry.lambda.is_none() && !wanted_for_contact {
        if super::within(entry.timestamp, opts) {
            state.contacts.insert(hash(&entry.contact_id));
        }
        return;
    }
    // Only kept entries are de-duplicated: a set of every entry's key would
    // grow with the input.
    let key = (
        entry.contact_id.clone(),
        entry.identifier.clone(),
        entry.timestamp,
        entry.module_type.clone(),
    );
    if !state.seen.insert(key) {
        state.duplicates += 1;
        return;
    }
    if super::within(entry.timestamp, opts) {
        state.contacts.insert(hash(&entry.contact_id));
    }
    if wanted_for_contact {
        data.contact_entries.push(entry.clone());
    }
    if entry.lambda.is_some() {
        data.lambda_blocks.push(entry);
    }
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn choose_group(
    mut groups: BTreeMap<String, GroupState>,
    opts: &Options,
    files: &[InputFile],
) -> Result<GroupState, AnalyzeError> {
    let inputs: Vec<String> = opts
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if let Some(chosen) = &opts.connect_group {
        return groups.remove(chosen).ok_or_else(|| {
            AnalyzeError::NoConnectGroup(format!(
                "no events of {chosen} in {} ({} file(s) read){}",
                inputs.join(", "),
                files.len(),
                found_groups(files)
            ))
        });
    }
    match groups.len() {
        1 => Ok(groups.into_values().next().unwrap_or_default()),
        0 => Err(AnalyzeError::NoConnectGroup(format!(
            "no Amazon Connect flow-log group ({CONNECT_PREFIX}<alias>) in {} ({} file(s)){}; \
             export /aws/connect/<alias> into DIR/aws/connect/<alias>/, or name the group with --log-group",
            inputs.join(", "),
            files.len(),
            found_groups(files)
        ))),
        _ => {
            let names: Vec<&str> = groups.keys().map(String::as_str).collect();
            Err(AnalyzeError::NoConnectGroup(format!(
                "the input holds several Connect flow-log groups ({}): pick one with --instance <alias>",
                names.join(", ")
            )))
        }
    }
}

fn found_groups(files: &[InputFile]) -> String {
    let groups: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.group_hint.as_deref())
        .collect();
    if groups.is_empty() {
        String::new()
    } else {
        let list: Vec<&str> = groups.into_iter().collect();
        format!("; log groups found: {}", list.join(", "))
    }
}

/// The function a Lambda log group belongs to: `/aws/lambda/<name>`, or the
/// group's last path component for a custom `LoggingConfig.LogGroup`.
pub fn function_of(group: &str) -> &str {
    match group.strip_prefix(LAMBDA_PREFIX) {
        Some(name) => name,
        None => group.rsplit('/').next().unwrap_or(group),
    }
}

/// Pass 2 buffers.
#[derive(Default)]
struct LambdaState {
    streams: HashMap<(String, String), Vec<StreamEvent>>,
    /// END/REPORT-like events after a window, kept only if their request
    /// started inside one.
    tail: Vec<(String, String, StreamEvent, String)>,
    started: HashSet<String>,
    seq: u64,
}

/// Pass 2: the Lambda events inside the windows, rebuilt into invocations.
/// Returns the invocations and the Lambda groups read.
pub fn collect_lambda(
    files: &[InputFile],
    windows: &Windows,
    inputs: &mut InputsSummary,
) -> Result<(Vec<Invocation>, Vec<String>), AnalyzeError> {
    let mut state = LambdaState::default();
    let mut groups_read: BTreeSet<String> = BTreeSet::new();
    for file in files {
        let wanted = match file.group_hint.as_deref() {
            Some(g) => !g.starts_with(CONNECT_PREFIX) && windows.wants_function(function_of(g)),
            None => !windows.functions().is_empty(),
        };
        if !wanted {
            continue;
        }
        let summary = read_file(file, &mut |ev: RawEvent<'_>| {
            let Some(group) = ev.group.or(file.group_hint.as_deref()) else {
                return;
            };
            if group.starts_with(CONNECT_PREFIX) {
                return;
            }
            let function = function_of(group);
            if windows.wants_function(function) {
                keep_lambda_event(&mut state, windows, group, &ev);
                groups_read.insert(group.to_string());
            }
        })?;
        record(inputs, summary, Skips::default());
    }
    for file in files {
        if !inputs.files.iter().any(|f| f.file == file.display) {
            inputs.files.push(unread(file));
        }
    }
    Ok((assemble(state), groups_read.into_iter().collect()))
}

fn keep_lambda_event(state: &mut LambdaState, windows: &Windows, group: &str, ev: &RawEvent<'_>) {
    let function = function_of(group);
    let inside = windows.contains(function, ev.timestamp);
    if !inside && !windows.in_tail(function, ev.timestamp) {
        return;
    }
    let record = parse_lambda_line(ev.message);
    state.seq += 1;
    let event = StreamEvent {
        timestamp: ev.timestamp,
        seq: state.seq,
        raw: ev.message.trim_end().to_string(),
        record,
    };
    let key = (group.to_string(), ev.stream.to_string());
    if inside {
        if let LambdaRecord::Start { request_id, .. } = &event.record {
            state.started.insert(request_id.clone());
        }
        state.streams.entry(key).or_default().push(event);
    } else if let Some(id) = closing_request_id(&event.record) {
        let id = id.to_string();
        state.tail.push((key.0, key.1, event, id));
    }
}

/// The request id of a line that closes an invocation.
fn closing_request_id(record: &LambdaRecord) -> Option<&str> {
    match record {
        LambdaRecord::End { request_id } => Some(request_id),
        LambdaRecord::Report(r) => Some(&r.request_id),
        LambdaRecord::RuntimeDone { request_id, .. } => Some(request_id),
        LambdaRecord::TimedOut { request_id, .. } => request_id.as_deref(),
        LambdaRecord::RuntimeError { request_id, .. } => request_id.as_deref(),
        _ => None,
    }
}

fn assemble(mut state: LambdaState) -> Vec<Invocation> {
    for (group, stream, event, id) in std::mem::take(&mut state.tail) {
        if state.started.contains(&id) {
            state
                .streams
                .entry((group, stream))
                .or_default()
                .push(event);
        }
    }
    let mut streams: Vec<_> = state.streams.into_iter().collect();
    streams.sort_by(|a, b| a.0.cmp(&b.0));
    streams
        .into_iter()
        .flat_map(|((group, stream), events)| {
            let id = StreamId {
                function: function_of(&group).to_string(),
                group,
                stream,
            };
            assemble_stream(&id, events)
        })
        .collect()
}

/// Per-reason skipped lines found by the analysis itself (a line the file
/// reader accepted as an event, but that is not a usable Connect entry).
#[derive(Default)]
struct Skips {
    by_reason: BTreeMap<String, SkippedLines>,
}

impl Skips {
    fn add(&mut self, reason: String, line: u64) {
        let entry = self
            .by_reason
            .entry(reason.clone())
            .or_insert(SkippedLines {
                reason,
                count: 0,
                lines: Vec::new(),
            });
        entry.count += 1;
        if entry.lines.len() < LINES_KEPT {
            entry.lines.push(line);
        }
    }
}

/// Add a file's summary (once per file: a file read in both passes counts
/// its events once).
fn record(inputs: &mut InputsSummary, mut summary: InputFileSummary, skips: Skips) {
    if inputs.files.iter().any(|f| f.file == summary.file) {
        return;
    }
    summary.skipped.extend(skips.by_reason.into_values());
    inputs.events_read += summary.events;
    inputs.lines_skipped += summary.skipped.iter().map(|s| s.count).sum::<u64>();
    inputs.files.push(summary);
}

fn unread(file: &InputFile) -> InputFileSummary {
    InputFileSummary {
        file: file.display.clone(),
        format: "unread (not needed: no block of interest in its windows)".into(),
        events: 0,
        skipped: Vec::new(),
    }
}
