//! Where events come from. Every source feeds the same two passes of the
//! analysis (see `analyze`): first the Connect flow-log group, then the
//! Lambda groups around the blocks that matter.

pub mod definitions;
pub mod files;
pub mod live;
pub mod offline;

use crate::model::{ConnectTotals, FunctionSettings, InputsSummary, Millis, TraceBatch};
use crate::windows::{Neighbourhoods, Windows};
use std::collections::BTreeMap;

/// One log event, borrowed from the source's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    pub group: &'a str,
    pub stream: &'a str,
    pub timestamp: Millis,
    pub message: &'a str,
    /// Where it came from, for messages: a file (offline) or a query.
    pub file: &'a str,
    pub line: u64,
}

/// Pass 1's first look at an entry: the analysis computes it on the
/// reader threads where a source has them (`LogSource::connect_events`'s
/// `prepare`), so the one thread that collects does not also parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// A usable entry: a hash of its contact id, its time, and whether the
    /// collector needs the whole entry (a Lambda block, the explained
    /// contact) or only counts it. With `whole: false` the sink reads
    /// nothing else of the event, so a source need not keep its message.
    Entry {
        contact_hash: u64,
        timestamp: Millis,
        whole: bool,
    },
    /// Not usable: why (counted against the event's file and line).
    Skip(String),
}

/// Computes `Prepared` for an event; `None` when the event is not one the
/// analysis reads. Runs on any thread.
pub type Prepare<'p> = dyn Fn(&Event<'_>) -> Option<Prepared> + Sync + 'p;

/// What a sink says of an event: `Err(reason)` when the line cannot be
/// used, so the source counts it against its file and line.
pub type Accepted = Result<(), String>;

/// Errors that end a run, by what the user must do about them.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A path, file or its content (exit 3).
    #[error(transparent)]
    Input(#[from] files::InputError),
    /// Credentials or configuration (exit 253, as the AWS CLI).
    #[error("{0}")]
    Config(String),
    /// An AWS service error (exit 254, as the AWS CLI).
    #[error("{0}")]
    Service(String),
    /// Writing the `--save-logs` capture: an earlier capture in the way, a
    /// path leading outside the directory, a full disk (exit 3).
    #[error("{0}")]
    Save(String),
    /// Interrupted by the user (exit 130).
    #[error("interrupted")]
    Interrupted,
}

/// A source of log events for the two passes.
pub trait LogSource {
    /// Pass 1: the events of every group `wanted` accepts (Connect flow
    /// logs). A source may deliver events of other groups too; the sink
    /// filters. A source that reads on several threads runs `prepare` there
    /// and hands its result to the sink; others pass `None` and the sink
    /// computes it.
    fn connect_events(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        prepare: &Prepare<'_>,
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError>;

    /// Whether pass 1 runs in two stages, `failed_connect_events` then
    /// `connect_events_in` around the failures, instead of
    /// `connect_events`: a source that selects on its side (Logs
    /// Insights), where transferring every Lambda block of a busy day
    /// takes minutes. Its totals come from `connect_totals`.
    fn staged(&self) -> bool {
        false
    }

    /// Stage 1: at least the failed Lambda blocks of the period (and the
    /// `explain` contact's entries).
    fn failed_connect_events(
        &mut self,
        _wanted: &(dyn Fn(&str) -> bool + Sync),
        _sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        Ok(())
    }

    /// Stage 2: at least every Lambda block of each function inside its
    /// ranges, and never an event an earlier stage delivered.
    fn connect_events_in(
        &mut self,
        _neighbourhoods: &Neighbourhoods,
        _wanted: &(dyn Fn(&str) -> bool + Sync),
        _sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        Ok(())
    }

    /// The period's totals, when the source counted them (a staged source
    /// reads only the failures' neighbourhoods).
    fn connect_totals(&mut self) -> Result<Option<ConnectTotals>, SourceError> {
        Ok(None)
    }

    /// Pass 2: the events of each function in `windows`, at least those
    /// inside its windows (more is fine: the sink filters), with the
    /// function they belong to.
    fn lambda_events(
        &mut self,
        windows: &Windows,
        sink: &mut dyn FnMut(&str, &Event<'_>),
    ) -> Result<(), SourceError>;

    /// The log groups the source knows of, for error messages.
    fn known_groups(&self) -> Vec<String>;

    /// What was read, for the report.
    fn inputs(&self) -> InputsSummary;

    /// A short description for messages ("fixtures/demo", "account 1234").
    fn describe(&self) -> String;

    /// The Lambda configuration of the functions read in pass 2, when the
    /// source knows it (live: the Lambda API).
    fn function_settings(&self) -> BTreeMap<String, FunctionSettings> {
        BTreeMap::new()
    }

    /// The X-Ray traces of these ids, as far as the source has them (a
    /// source without traces says it did not look).
    fn traces(&mut self, _ids: &[String]) -> Result<TraceBatch, SourceError> {
        Ok(TraceBatch::default())
    }
}
