//! Exported files as a `LogSource`: which files each pass reads, and the
//! count of every line that could not be used.

use super::files::{
    discover, read_files_ordered, read_traces, Format, InputError, InputFile, RawEvent,
};
use super::{Accepted, Event, LogSource, Prepare, Prepared, SourceError};
use crate::model::conventions::{function_of_group as function_of, is_connect_group};
use crate::model::{InputFileSummary, InputsSummary, Millis, SkippedLines, TraceBatch};
use crate::windows::Windows;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Line numbers kept per skip reason (the count is always complete).
const LINES_KEPT: usize = 100;

/// `--input` paths, discovered once, read once per pass that needs them.
pub struct FileSource {
    inputs: Vec<PathBuf>,
    files: Vec<InputFile>,
    summaries: Vec<InputFileSummary>,
}

impl FileSource {
    pub fn open(inputs: &[PathBuf]) -> Result<Self, SourceError> {
        Ok(FileSource {
            inputs: inputs.to_vec(),
            files: discover(inputs)?,
            summaries: Vec::new(),
        })
    }

    fn record_all(&mut self, done: Vec<(InputFileSummary, Skips)>) {
        for (summary, skips) in done {
            self.record(summary, skips);
        }
    }

    /// Keep a file's summary once (a file without a group hint is read by
    /// both passes; its events count once).
    fn record(&mut self, mut summary: InputFileSummary, skips: Skips) {
        if let Some(known) = self.summaries.iter_mut().find(|f| f.file == summary.file) {
            merge_skips(&mut known.skipped, skips);
            return;
        }
        merge_skips(&mut summary.skipped, skips);
        self.summaries.push(summary);
    }
}

impl LogSource for FileSource {
    fn connect_events(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        prepare: &Prepare<'_>,
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        let files = self.files.clone();
        let chosen: Vec<&InputFile> = files
            .iter()
            .filter(|file| file.group_hint.as_deref().is_none_or(wanted))
            .collect();
        // Skips and events of the file being delivered; taken when it is done.
        let skips = std::cell::RefCell::new(Skips::default());
        let delivered = std::cell::Cell::new(0);
        let mut done = Vec::new();
        // The entries are prepared (checked, peeked at) on the reading
        // threads; the collecting thread only keeps what it needs.
        let prepare_raw = |file: &InputFile, ev: &RawEvent<'_>| {
            let group = ev.group.or(file.group_hint.as_deref())?;
            wanted(group).then(|| prepare(&event(group, ev, &file.display)))?
        };
        let result = read_files_ordered(
            &chosen,
            None,
            Some(&prepare_raw),
            &mut |file, ev: RawEvent<'_>, prepared| {
                delivered.set(delivered.get() + 1);
                let Some(group) = ev.group.or(file.group_hint.as_deref()) else {
                    return;
                };
                if !wanted(group) {
                    return;
                }
                let event = event(group, &ev, &file.display);
                if let Err(reason) = sink(&event, prepared) {
                    skips.borrow_mut().add(reason, ev.line);
                }
            },
            &mut |file, read| {
                done.push((salvage(file, read, delivered.take())?, skips.take()));
                Ok(())
            },
        );
        self.record_all(done);
        result?;
        Ok(())
    }

    fn lambda_events(
        &mut self,
        windows: &Windows,
        sink: &mut dyn FnMut(&str, &Event<'_>),
    ) -> Result<(), SourceError> {
        let files = self.files.clone();
        let chosen: Vec<&InputFile> = files
            .iter()
            .filter(|file| match file.group_hint.as_deref() {
                Some(g) => !is_connect_group(g) && windows.wants_function(function_of(g)),
                None => !windows.is_empty(),
            })
            .collect();
        // Only events inside a window (or its tail) reach the sink: the
        // others are counted without unescaping their messages.
        let keep = |group: Option<&str>, t: Millis| {
            group.is_some_and(|g| {
                let function = function_of(g);
                !is_connect_group(g)
                    && (windows.contains(function, t) || windows.in_tail(function, t))
            })
        };
        let delivered = std::cell::Cell::new(0);
        let mut done = Vec::new();
        let result = read_files_ordered(
            &chosen,
            Some(&keep),
            None,
            &mut |file, ev: RawEvent<'_>, _| {
                delivered.set(delivered.get() + 1);
                let Some(group) = ev.group.or(file.group_hint.as_deref()) else {
                    return;
                };
                let function = function_of(group);
                if !is_connect_group(group) && windows.wants_function(function) {
                    sink(function, &event(group, &ev, &file.display));
                }
            },
            &mut |file, read| {
                done.push((salvage(file, read, delivered.take())?, Skips::default()));
                Ok(())
            },
        );
        self.record_all(done);
        result?;
        Ok(())
    }

    /// The traces of `aws xray batch-get-traces` documents in the input
    /// (found by content, wherever they are); looked for only when one of
    /// them holds a trace at all.
    fn traces(&mut self, ids: &[String]) -> Result<TraceBatch, SourceError> {
        let mut batch = TraceBatch::default();
        let mut read = Vec::new();
        for file in &self.files {
            let Some(traces) = read_traces(file)? else {
                continue;
            };
            batch.looked = true;
            read.push(InputFileSummary {
                file: file.display.clone(),
                format: Format::XrayTraces.as_str().to_string(),
                events: traces.len() as u64,
                skipped: Vec::new(),
            });
            batch
                .traces
                .extend(traces.into_iter().filter(|t| ids.contains(&t.id)));
        }
        // A trace file the log passes also peeked at keeps that summary.
        for summary in read {
            self.summaries.retain(|s| s.file != summary.file);
            self.summaries.push(summary);
        }
        Ok(batch)
    }

    fn known_groups(&self) -> Vec<String> {
        let groups: BTreeSet<&str> = self
            .files
            .iter()
            .filter_map(|f| f.group_hint.as_deref())
            .collect();
        groups.into_iter().map(str::to_string).collect()
    }

    fn inputs(&self) -> InputsSummary {
        let mut out = InputsSummary::default();
        for file in &self.files {
            let summary = self
                .summaries
                .iter()
                .find(|s| s.file == file.display)
                .cloned()
                .unwrap_or_else(|| unread(file));
            out.events_read += summary.events;
            out.lines_skipped += summary.skipped.iter().map(|s| s.count).sum::<u64>();
            out.files.push(summary);
        }
        out
    }

    fn describe(&self) -> String {
        let paths: Vec<String> = self
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!("{} ({} file(s))", paths.join(", "), self.files.len())
    }
}

/// A file whose content is not (or stops being) a log export is not fatal:
/// what was read stays, and the file is reported as skipped, with its line
/// and the problem, so a stray file in an export directory does not stop
/// the analysis (`--strict` makes it fatal). A path that cannot be read at
/// all (missing, permissions, a FIFO) stays an error.
fn salvage(
    file: &InputFile,
    read: Result<InputFileSummary, InputError>,
    delivered: u64,
) -> Result<InputFileSummary, InputError> {
    let (line, count, reason) = match read {
        Ok(summary) => return Ok(summary),
        Err(InputError::NotAnExport { preview, lines, .. }) => (
            1,
            lines.max(1),
            format!(
                "not a CloudWatch Logs export (expected filter-log-events JSON, NDJSON events, \
                 or get-query-results JSON); first bytes: {preview}; {}",
                match lines {
                    0 => "file not read".to_string(),
                    n => format!("no event in its {n} line(s)"),
                }
            ),
        ),
        Err(InputError::InvalidJson {
            line,
            column,
            message,
            ..
        }) => (
            line,
            1,
            format!(
                "truncated or invalid JSON at column {column}: {message}; rest of the file not read"
            ),
        ),
        Err(other) => return Err(other),
    };
    Ok(InputFileSummary {
        file: file.display.clone(),
        format: "unreadable".into(),
        events: delivered,
        skipped: vec![SkippedLines {
            reason,
            count,
            lines: vec![line],
        }],
    })
}

fn event<'a>(group: &'a str, ev: &RawEvent<'a>, file: &'a str) -> Event<'a> {
    Event {
        group,
        stream: ev.stream,
        timestamp: ev.timestamp,
        message: ev.message,
        file,
        line: ev.line,
    }
}

/// Lines the file reader accepted as events but the analysis could not use
/// (a Connect line that is not a flow-log entry), by reason.
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

fn merge_skips(into: &mut Vec<SkippedLines>, skips: Skips) {
    for skip in skips.by_reason.into_values() {
        match into.iter_mut().find(|s| s.reason == skip.reason) {
            Some(known) => {
                known.count += skip.count;
                let room = LINES_KEPT.saturating_sub(known.lines.len());
                known.lines.extend(skip.lines.into_iter().take(room));
            }
            None => into.push(skip),
        }
    }
}

fn unread(file: &InputFile) -> InputFileSummary {
    InputFileSummary {
        file: file.display.clone(),
        format: "unread (not needed: no block of interest in its windows)".into(),
        events: 0,
        skipped: Vec::new(),
    }
}
