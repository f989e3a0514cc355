//! Pass 1: keep what the analysis needs of the Connect flow-log group —
//! its Lambda blocks (and, for `explain`, the contact's own entries) — not
//! the whole group.

use super::{within, AnalyzeError, Options};
use crate::model::{FlowEntry, Millis, Origin};
use crate::parse::connect::{parse_flow_entry, peek_flow_entry};
use crate::source::{Accepted, Event};
use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

pub const CONNECT_PREFIX: &str = "/aws/connect/";

/// What pass 1 keeps of the chosen Connect group.
#[derive(Debug, Default)]
pub struct ConnectData {
    pub group: String,
    /// Every Lambda block, de-duplicated, in time order.
    pub lambda_blocks: Vec<FlowEntry>,
    /// `explain` only: the contact's entries, de-duplicated, in time order.
    pub contact_entries: Vec<FlowEntry>,
    pub contacts_in_period: u64,
    pub duplicates: u64,
    /// The data's own extent.
    pub first: Option<Millis>,
    pub last: Option<Millis>,
}

/// Whether `group` is the Connect flow-log group asked for, or, when none
/// was, any `/aws/connect/` group.
pub fn is_connect_group(opts: &Options, group: &str) -> bool {
    match &opts.connect_group {
        Some(chosen) => group == chosen,
        None => group.starts_with(CONNECT_PREFIX),
    }
}

type DedupKey = (String, Option<String>, Millis, String);

#[derive(Default)]
struct GroupState {
    data: ConnectData,
    seen: HashSet<DedupKey>,
    contacts: HashSet<u64>,
}

/// Collects pass 1 from any source.
pub struct ConnectCollector<'a> {
    opts: &'a Options,
    contact: Option<&'a str>,
    groups: BTreeMap<String, GroupState>,
}

impl<'a> ConnectCollector<'a> {
    pub fn new(opts: &'a Options, contact: Option<&'a str>) -> Self {
        ConnectCollector {
            opts,
            contact,
            groups: BTreeMap::new(),
        }
    }

    /// Whether events of `group` belong to pass 1.
    pub fn wants_group(&self, group: &str) -> bool {
        is_connect_group(self.opts, group)
    }

    /// Take one event; `Err(reason)` when it is not a usable entry.
    pub fn push(&mut self, ev: &Event<'_>) -> Accepted {
        if !self.wants_group(ev.group) {
            return Ok(());
        }
        // Most entries only count their contact: peek at them without
        // building a `FlowEntry` (same checks, same errors).
        let peek =
            peek_flow_entry(ev.message, ev.timestamp).map_err(|e| format!("Connect entry: {e}"))?;
        if !self.groups.contains_key(ev.group) {
            self.groups
                .insert(ev.group.to_string(), GroupState::named(ev.group));
        }
        let state = self.groups.get_mut(ev.group).expect("inserted above");
        let wanted_for_contact = self.contact.is_some_and(|c| c == peek.contact_id);
        if !peek.is_lambda_type() && !wanted_for_contact {
            note_entry(state, &peek.contact_id, peek.timestamp, self.opts);
            return Ok(());
        }
        let origin = Origin {
            file: ev.file.to_string(),
            line: ev.line,
        };
        let entry = parse_flow_entry(ev.message, ev.timestamp, origin)
            .map_err(|e| format!("Connect entry: {e}"))?;
        keep_entry(state, entry, self.opts, self.contact);
        Ok(())
    }

    /// The chosen group's data. `known_groups` and `searched` feed the
    /// error message when there is no (single) Connect group.
    pub fn finish(
        mut self,
        known_groups: &[String],
        searched: &str,
    ) -> Result<ConnectData, AnalyzeError> {
        let found = if known_groups.is_empty() {
            String::new()
        } else {
            format!("; log groups found: {}", known_groups.join(", "))
        };
        let state = match &self.opts.connect_group {
            Some(chosen) => self.groups.remove(chosen).ok_or_else(|| {
                AnalyzeError::NoConnectGroup(format!("no events of {chosen} in {searched}{found}"))
            })?,
            None if self.groups.len() > 1 => {
                let names: Vec<&str> = self.groups.keys().map(String::as_str).collect();
                return Err(AnalyzeError::NoConnectGroup(format!(
                    "the input holds several Connect flow-log groups ({}): pick one with --instance <alias>",
                    names.join(", ")
                )));
            }
            None => self.groups.into_values().next().ok_or_else(|| {
                AnalyzeError::NoConnectGroup(format!(
                    "no Amazon Connect flow-log group ({CONNECT_PREFIX}<alias>) in {searched}{found}; \
                     export /aws/connect/<alias> into DIR/aws/connect/<alias>/, or name the group with --log-group"
                ))
            })?,
        };
        let mut data = state.data;
        data.contacts_in_period = state.contacts.len() as u64;
        data.lambda_blocks.sort_by_key(|b| b.timestamp);
        data.contact_entries.sort_by_key(|b| b.timestamp);
        Ok(data)
    }
}

impl GroupState {
    fn named(group: &str) -> Self {
        let mut state = GroupState::default();
        state.data.group = group.to_string();
        state
    }
}

/// The data's extent and the contacts in the period: what every entry
/// counts for.
fn note_entry(state: &mut GroupState, contact_id: &str, timestamp: Millis, opts: &Options) {
    let data = &mut state.data;
    data.first = Some(data.first.map_or(timestamp, |f| f.min(timestamp)));
    data.last = Some(data.last.map_or(timestamp, |l| l.max(timestamp)));
    if within(timestamp, opts) {
        state.contacts.insert(hash(contact_id));
    }
}

fn keep_entry(state: &mut GroupState, entry: FlowEntry, opts: &Options, contact: Option<&str>) {
    note_entry(state, &entry.contact_id, entry.timestamp, opts);
    let data = &mut state.data;
    let wanted_for_contact = contact.is_some_and(|c| c == entry.contact_id);
    if entry.lambda.is_none() && !wanted_for_contact {
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
        data.duplicates += 1;
        return;
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
