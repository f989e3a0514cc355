//! The two-stage plan gives the same answer as reading everything: every
//! fixture scenario (and the demo) is analysed once through the offline
//! source and once through a source that answers like Logs Insights in two
//! stages (stage 1: the rows the failed-block filter keeps; stage 2: the
//! rows the Lambda-block filter keeps inside the ranges asked for, never
//! one delivered before). Same failures, classes, request ids and key
//! facts; and stage 2 reads only ranges around the failures.

mod common;

use common::*;
use connect_timeouts::analyze::{explain, scan, Options};
use connect_timeouts::model::{FunctionSettings, InputsSummary, Millis, ScanResult, TraceBatch};
use connect_timeouts::source::live::queries::{failed_row_wanted, function_row_wanted};
use connect_timeouts::source::offline::FileSource;
use connect_timeouts::source::{Accepted, Event, LogSource, Prepare, Prepared, SourceError};
use connect_timeouts::windows::{Neighbourhoods, Windows};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

struct Row {
    group: String,
    stream: String,
    timestamp: Millis,
    message: String,
}

/// Logs Insights in two stages over exported files: the Connect rows held
/// in memory, the Lambda pass read from the files.
struct Staged {
    inner: FileSource,
    rows: Vec<Row>,
    contact: Option<String>,
    delivered: HashSet<usize>,
    /// The ranges stage 2 was asked for, by function.
    asked: Vec<(String, Millis, Millis)>,
}

impl Staged {
    fn open(dir: &Path, contact: Option<&str>) -> Staged {
        let mut inner = FileSource::open(&[dir.to_path_buf()]).unwrap();
        let mut rows = Vec::new();
        let everything = |_: &str| true;
        let no_prepare = |_: &Event<'_>| None;
        inner
            .connect_events(&everything, &no_prepare, &mut |ev, _| {
                rows.push(Row {
                    group: ev.group.to_string(),
                    stream: ev.stream.to_string(),
                    timestamp: ev.timestamp,
                    message: ev.message.to_string(),
                });
                Ok(())
            })
            .unwrap();
        Staged {
            inner,
            rows,
            contact: contact.map(str::to_string),
            delivered: HashSet::new(),
            asked: Vec::new(),
        }
    }

    fn deliver(
        &mut self,
        keep: &dyn Fn(&Row) -> bool,
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) {
        for (i, row) in self.rows.iter().enumerate() {
            if self.delivered.contains(&i) || !keep(row) {
                continue;
            }
            self.delivered.insert(i);
            let _ = sink(
                &Event {
                    group: &row.group,
                    stream: &row.stream,
                    timestamp: row.timestamp,
                    message: &row.message,
                    file: "query",
                    line: i as u64 + 1,
                },
                None,
            );
        }
    }
}

impl LogSource for Staged {
    fn connect_events(
        &mut self,
        _: &(dyn Fn(&str) -> bool + Sync),
        _: &Prepare<'_>,
        _: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        panic!("a staged source is read in stages");
    }

    fn staged(&self) -> bool {
        true
    }

    fn failed_connect_events(
        &mut self,
        _: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        let contact = self.contact.clone();
        self.deliver(&|r| failed_row_wanted(&r.message, contact.as_deref()), sink);
        Ok(())
    }

    fn connect_events_in(
        &mut self,
        neighbourhoods: &Neighbourhoods,
        _: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted,
    ) -> Result<(), SourceError> {
        let contact = self.contact.clone();
        for (function, ranges) in neighbourhoods.iter() {
            self.asked.extend(
                ranges
                    .iter()
                    .map(|&(lo, hi)| (function.to_string(), lo, hi)),
            );
            let inside = |t: Millis| neighbourhoods.contains(function, t);
            self.deliver(
                &|r| {
                    inside(r.timestamp)
                        && function_row_wanted(&r.message, function, contact.as_deref())
                },
                sink,
            );
        }
        Ok(())
    }

    fn lambda_events(
        &mut self,
        windows: &Windows,
        sink: &mut dyn FnMut(&str, &Event<'_>),
    ) -> Result<(), SourceError> {
        self.inner.lambda_events(windows, sink)
    }

    fn known_groups(&self) -> Vec<String> {
        self.inner.known_groups()
    }

    fn inputs(&self) -> InputsSummary {
        self.inner.inputs()
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn function_settings(&self) -> BTreeMap<String, FunctionSettings> {
        self.inner.function_settings()
    }

    fn traces(&mut self, ids: &[String]) -> Result<TraceBatch, SourceError> {
        self.inner.traces(ids)
    }
}

/// Per failure: contact, block, time, class, request ids, key fact.
type Answer = (String, Option<String>, Millis, String, Vec<String>, String);

/// What must not change: per failure, its block, class, request ids and
/// key fact.
fn answer(result: &ScanResult) -> Vec<Answer> {
    result
        .failures
        .iter()
        .map(|f| {
            (
                f.block.contact_id.clone(),
                f.block.identifier.clone(),
                f.block.timestamp,
                f.verdict.class.as_str().to_string(),
                f.link
                    .invocations
                    .iter()
                    .map(|i| i.request_id.clone())
                    .collect(),
                f.verdict.key_fact.clone(),
            )
        })
        .collect()
}

fn options(dir: &Path) -> Options {
    Options {
        connect_group: expected(dir)["connect_group"].as_str().map(str::to_string),
        ..Options::default()
    }
}

#[test]
fn both_plans_give_the_same_failures_on_every_fixture() {
    let mut dirs = scenarios();
    dirs.push(fixtures().join("demo"));
    for dir in dirs {
        let opts = options(&dir);
        let whole = scan(
            &mut FileSource::open(std::slice::from_ref(&dir)).unwrap(),
            &opts,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut staged = Staged::open(&dir, None);
        let two_stage = scan(&mut staged, &opts).unwrap();
        assert_eq!(answer(&two_stage), answer(&whole), "{}", dir.display());
        assert!(!whole.failures.is_empty(), "{}", dir.display());
        // Stage 2 read only around the failures: every range holds one of
        // its function's.
        for (function, lo, hi) in &staged.asked {
            assert!(
                whole.failures.iter().any(|f| {
                    let t = f.block.timestamp;
                    *lo <= t
                        && t <= *hi
                        && f.block
                            .lambda
                            .as_ref()
                            .is_some_and(|l| &l.function_name == function)
                }),
                "{}: a range with no failure of {function}: {lo}..{hi}",
                dir.display()
            );
        }
        // explain of each failed contact: the same verdicts.
        for failure in &whole.failures {
            let contact = &failure.block.contact_id;
            let offline = explain(
                &mut FileSource::open(std::slice::from_ref(&dir)).unwrap(),
                &opts,
                contact,
            )
            .unwrap();
            let live = explain(&mut Staged::open(&dir, Some(contact)), &opts, contact).unwrap();
            let verdicts = |r: &connect_timeouts::model::ExplainResult| -> Vec<_> {
                r.blocks
                    .iter()
                    .map(|b| {
                        (
                            b.entry.timestamp,
                            b.verdict.as_ref().map(|v| v.class),
                            b.link.as_ref().map(|l| {
                                l.invocations
                                    .iter()
                                    .map(|i| i.request_id.clone())
                                    .collect::<Vec<_>>()
                            }),
                        )
                    })
                    .collect()
            };
            assert_eq!(
                verdicts(&live),
                verdicts(&offline),
                "{} {contact}",
                dir.display()
            );
        }
    }
}
