//! Pass 1: keep what the analysis needs of the Connect flow-log group —
//! its Lambda blocks (and, for `explain`, the contact's own entries) — not
//! the whole group.

use super::{within, AnalyzeError, Options};
use crate::model::conventions::{
    is_connect_group as connect_named, CONNECT_GROUP_PREFIX, DEFAULT_BLOCK_LIMIT_MS,
};
use crate::model::{FlowEntry, LambdaBlock, Millis, Origin, Rejection};
use crate::parse::connect::{parse_flow_entry, peek_flow_entry};
use crate::source::{Accepted, Event, Prepared};
use crate::windows::Windows;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::rc::Rc;

/// What pass 1 keeps of the chosen Connect group.
#[derive(Debug, Default)]
pub struct ConnectData {
    pub group: String,
    /// The Lambda blocks the analysis can use, de-duplicated, in time
    /// order: every failed one, and every other one whose link window
    /// touches the windows around a failed block or a Lambda block of the
    /// `explain` contact (the others cannot take part in any link).
    pub lambda_blocks: Vec<FlowEntry>,
    /// Every Lambda block in the period, de-duplicated (kept or not).
    pub lambda_blocks_in_period: u64,
    /// The same, per function.
    pub lambda_blocks_by_function: BTreeMap<String, u64>,
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
        None => connect_named(group),
    }
}

/// A successful (or not failed) Lambda block, kept small until the end of
/// pass 1 says whether it is near a failure: most are not, and a day of
/// traffic holds hundreds of thousands.
struct SlimBlock {
    seq: u64,
    timestamp: Millis,
    contact: u32,
    identifier: Option<u32>,
    module_type: u32,
    function: u32,
    time_limit_ms: Option<u32>,
    results: Option<Box<str>>,
    rejection: Option<Rejection>,
    has_external_results: bool,
    file: u32,
    line: u64,
}

/// Strings stored once, by number (one allocation shared by the map and
/// the list: a day of traffic has hundreds of thousands of contact ids).
#[derive(Default)]
struct Interner {
    ids: HashMap<Rc<str>, u32>,
    texts: Vec<Rc<str>>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        let shared: Rc<str> = text.into();
        self.texts.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }
}

#[derive(Default)]
struct GroupState {
    data: ConnectData,
    /// Dedup keys of kept entries, as 128-bit hashes (a collision among a
    /// few million keys has a probability of about 1e-26).
    seen: HashSet<u128, PreHashed>,
    contacts: HashSet<u64, PreHashed>,
    /// Insertion order of every kept Lambda block, for a stable time sort.
    seq: u64,
    /// `seq` of each entry of `data.lambda_blocks` (the failed ones).
    full_seq: Vec<u64>,
    slim: Vec<SlimBlock>,
    strings: Interner,
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
    /// `prepared` is what `prepare_entry` made of it on another thread, if
    /// the source did that.
    pub fn push(&mut self, ev: &Event<'_>, prepared: Option<&Prepared>) -> Accepted {
        if !self.wants_group(ev.group) {
            return Ok(());
        }
        let computed;
        let prepared = match prepared {
            Some(prepared) => prepared,
            None => {
                computed = prepare_entry(ev, self.contact);
                &computed
            }
        };
        let (contact_hash, timestamp, whole) = match prepared {
            Prepared::Skip(reason) => return Err(reason.clone()),
            Prepared::Entry {
                contact_hash,
                timestamp,
                whole,
            } => (*contact_hash, *timestamp, *whole),
        };
        if !self.groups.contains_key(ev.group) {
            self.groups
                .insert(ev.group.to_string(), GroupState::named(ev.group));
        }
        let state = self.groups.get_mut(ev.group).expect("inserted above");
        if !whole {
            note_entry(state, contact_hash, timestamp, self.opts);
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
    /// While collecting from a staged source: the blocks whose
    /// neighbourhoods stage 2 must read, as `finish` keeps neighbours near
    /// them (every failed Lambda block so far, the explained contact's
    /// Lambda blocks).
    pub fn near_blocks(&self) -> Vec<&FlowEntry> {
        self.groups
            .values()
            .flat_map(|state| {
                let failed = state.data.lambda_blocks.iter();
                let contact = state.data.contact_entries.iter();
                failed.chain(contact.filter(|e| e.lambda.is_some()))
            })
            .collect()
    }

    /// The longest block limit of any Lambda block so far.
    pub fn longest_limit_ms(&self) -> u32 {
        let mut longest = 0;
        for state in self.groups.values() {
            let full = state
                .data
                .lambda_blocks
                .iter()
                .chain(&state.data.contact_entries);
            for lambda in full.filter_map(|b| b.lambda.as_ref()) {
                longest = longest.max(lambda.limit_ms());
            }
            for slim in &state.slim {
                longest = longest.max(slim.time_limit_ms.unwrap_or(DEFAULT_BLOCK_LIMIT_MS));
            }
        }
        longest
    }

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
            Some(chosen) => match self.groups.remove(chosen) {
                Some(state) => state,
                None if self.opts.connect_group_exists => GroupState::named(chosen),
                None => {
                    return Err(AnalyzeError::NoConnectGroup(format!(
                        "no events of {chosen} in {searched}{found}"
                    )))
                }
            },
            None if self.groups.len() > 1 => {
                let names: Vec<&str> = self.groups.keys().map(String::as_str).collect();
                return Err(AnalyzeError::NoConnectGroup(format!(
                    "the input holds several Connect flow-log groups ({}): pick one with --instance <alias>",
                    names.join(", ")
                )));
            }
            None => self.groups.into_values().next().ok_or_else(|| {
                AnalyzeError::NoConnectGroup(format!(
                    "no Amazon Connect flow-log group ({CONNECT_GROUP_PREFIX}<alias>) in {searched}{found}; \
                     export /aws/connect/<alias> into DIR/aws/connect/<alias>/, or name the group with --log-group"
                ))
            })?,
        };
        let mut data = state.data;
        data.contacts_in_period = state.contacts.len() as u64;
        let mut by_function: BTreeMap<String, u64> = BTreeMap::new();
        let full = data
            .lambda_blocks
            .iter()
            .filter(|b| within(b.timestamp, self.opts))
            .filter_map(|b| b.lambda.as_ref().map(|l| l.function_name.as_str()));
        let slim = state
            .slim
            .iter()
            .filter(|b| within(b.timestamp, self.opts))
            .map(|b| state.strings.text(b.function));
        for function in full.chain(slim) {
            *by_function.entry(function.to_string()).or_default() += 1;
        }
        data.lambda_blocks_in_period = by_function.values().sum();
        data.lambda_blocks_by_function = by_function;
        // The blocks any link can involve: near a failed block, or near a
        // Lambda block of the explain contact (a superset of the windows
        // the analysis links in).
        let windows = {
            let near: Vec<&FlowEntry> = data
                .lambda_blocks
                .iter()
                .chain(data.contact_entries.iter().filter(|e| e.lambda.is_some()))
                .collect();
            Windows::around(&near)
        };
        let mut kept: Vec<(u64, FlowEntry)> = std::mem::take(&mut data.lambda_blocks)
            .into_iter()
            .zip(state.full_seq)
            .map(|(b, seq)| (seq, b))
            .collect();
        if !windows.is_empty() {
            for slim in &state.slim {
                let block = slim.entry(&state.strings);
                if windows.touches(&block) {
                    kept.push((slim.seq, block));
                }
            }
        }
        // Time order; among equal times, the order they were read in.
        kept.sort_by_key(|(seq, b)| (b.timestamp, *seq));
        data.lambda_blocks = kept.into_iter().map(|(_, b)| b).collect();
        data.contact_entries.sort_by_key(|b| b.timestamp);
        Ok(data)
    }
}

impl SlimBlock {
    /// Back to a `FlowEntry` with what linking reads of a block that is not
    /// in focus (contact, identity, time, outcome, function and limit, and
    /// where it was read); the rest is never shown for such a block.
    fn entry(&self, strings: &Interner) -> FlowEntry {
        FlowEntry {
            contact_id: strings.text(self.contact).to_string(),
            contact_flow_id: None,
            contact_flow_name: None,
            module_type: strings.text(self.module_type).to_string(),
            identifier: self.identifier.map(|i| strings.text(i).to_string()),
            timestamp: self.timestamp,
            results: self.results.as_deref().map(str::to_string),
            rejection: self.rejection,
            has_external_results: self.has_external_results,
            lambda: Some(LambdaBlock {
                function_arn: String::new(),
                function_name: strings.text(self.function).to_string(),
                qualifier: None,
                time_limit_ms: self.time_limit_ms,
                invocation_type: None,
            }),
            parameters: None,
            origin: Origin {
                file: strings.text(self.file).to_string(),
                line: self.line,
            },
        }
    }
}

impl GroupState {
    fn named(group: &str) -> Self {
        let mut state = GroupState::default();
        state.data.group = group.to_string();
        state
    }
}

/// Pass 1's first look at an entry of the Connect group: most entries only
/// count their contact, so they are peeked at without building a
/// `FlowEntry` (same checks, same errors). Pure, so sources run it on
/// their reading threads.
pub fn prepare_entry(ev: &Event<'_>, contact: Option<&str>) -> Prepared {
    match peek_flow_entry(ev.message, ev.timestamp) {
        Err(e) => Prepared::Skip(format!("Connect entry: {e}")),
        Ok(peek) => Prepared::Entry {
            contact_hash: hash(&peek.contact_id),
            timestamp: peek.timestamp,
            whole: peek.is_lambda_type() || contact.is_some_and(|c| c == peek.contact_id),
        },
    }
}

/// The data's extent and the contacts in the period: what every entry
/// counts for.
fn note_entry(state: &mut GroupState, contact_hash: u64, timestamp: Millis, opts: &Options) {
    let data = &mut state.data;
    data.first = Some(data.first.map_or(timestamp, |f| f.min(timestamp)));
    data.last = Some(data.last.map_or(timestamp, |l| l.max(timestamp)));
    if within(timestamp, opts) {
        state.contacts.insert(contact_hash);
    }
}

fn keep_entry(state: &mut GroupState, entry: FlowEntry, opts: &Options, contact: Option<&str>) {
    note_entry(state, hash(&entry.contact_id), entry.timestamp, opts);
    let data = &mut state.data;
    let wanted_for_contact = contact.is_some_and(|c| c == entry.contact_id);
    if entry.lambda.is_none() && !wanted_for_contact {
        return;
    }
    // Only kept entries are de-duplicated: a set of every entry's key would
    // grow with the input.
    if !state.seen.insert(key_hash(&entry)) {
        data.duplicates += 1;
        return;
    }
    if wanted_for_contact {
        data.contact_entries.push(entry.clone());
    }
    let Some(lambda) = &entry.lambda else {
        return;
    };
    state.seq += 1;
    if entry.is_failed_lambda_block() {
        state.full_seq.push(state.seq);
        data.lambda_blocks.push(entry);
        return;
    }
    let strings = &mut state.strings;
    let slim = SlimBlock {
        seq: state.seq,
        timestamp: entry.timestamp,
        contact: strings.id(&entry.contact_id),
        identifier: entry.identifier.as_deref().map(|i| strings.id(i)),
        module_type: strings.id(&entry.module_type),
        function: strings.id(&lambda.function_name),
        time_limit_ms: lambda.time_limit_ms,
        results: entry.results.as_deref().map(Box::from),
        rejection: entry.rejection,
        has_external_results: entry.has_external_results,
        file: strings.id(&entry.origin.file),
        line: entry.origin.line,
    };
    state.slim.push(slim);
}

/// Sets of keys that are hashes already: hashing them again (SipHash, the
/// default) would cost as much as the first time, for nothing. Pass 1
/// inserts one key per Connect entry, millions of them.
type PreHashed = BuildHasherDefault<KeyAsHash>;

#[derive(Default)]
struct KeyAsHash(u64);

impl Hasher for KeyAsHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached for u64/u128 keys; correct for anything else.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = (n as u64) ^ ((n >> 64) as u64);
    }
}

/// The dedup key (contact, identifier, timestamp, type) as 128 bits.
fn key_hash(entry: &FlowEntry) -> u128 {
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        entry.dedup_key().hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}
