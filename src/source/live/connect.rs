//! Pass 1 over Logs Insights in two stages, so the rows that travel grow
//! with the failures, not with the traffic: stage 1 asks for the Lambda
//! blocks that did not succeed (with the period's totals, counted by
//! Insights, alongside); stage 2 asks for every Lambda block, but only
//! inside the windows the analysis computed around those failures. Every
//! row is still re-checked on this side: the filters reduce traffic, the
//! engine's parsers decide.

use super::query::{QuerySpec, Record, Row};
use super::{ceil_seconds, queries, InsightsSource};
use crate::model::{ConnectTotals, Millis, SkippedLines};
use crate::source::{Accepted, Event, Prepared, SourceError};
use crate::windows::Neighbourhoods;
use std::collections::BTreeMap;

/// A row's identity by content: the same event returned by two queries
/// (stage 1 and stage 2) is delivered once. Connect's own duplicate
/// deliveries arrive in one query and are all delivered, as offline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowKey {
    group: String,
    stream: String,
    timestamp: Millis,
    message: String,
}

impl RowKey {
    fn of(row: &Row) -> Self {
        RowKey {
            group: row.group.clone(),
            stream: row.stream.clone(),
            timestamp: row.timestamp,
            message: row.message.clone(),
        }
    }
}

type Sink<'s> = dyn FnMut(&Event<'_>, Option<&Prepared>) -> Accepted + 's;

impl InsightsSource {
    /// Stage 1 over the period; a scan's totals run alongside (an
    /// `explain` shows none).
    pub(super) fn failed_blocks(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut Sink<'_>,
    ) -> Result<(), SourceError> {
        let contact = self.settings.contact.clone();
        let (start, end) = (
            self.settings.start.div_euclid(1000),
            ceil_seconds(self.settings.end),
        );
        let mut specs = vec![self.connect_spec(
            queries::failed_blocks_query(contact.as_deref()),
            (start, end),
        )];
        if contact.is_none() {
            for query in [
                queries::totals_by_function_query(),
                queries::totals_contacts_query(),
            ] {
                let mut spec = self.connect_spec(query, (start, end));
                spec.aggregate = true;
                specs.push(spec);
            }
        }
        let labels = labels(&specs[..1]);
        let (mut rows, records) = self.run_all(specs)?;
        if contact.is_none() {
            let mut counted = totals(&records[1], &records[2]);
            (counted.start, counted.end) = (self.settings.start, self.settings.end);
            self.totals = Some(counted);
        }
        let keep = |m: &str| queries::failed_row_wanted(m, contact.as_deref());
        let rows = rows.swap_remove(0);
        self.deliver(&labels[0], rows, &keep, wanted, sink)
    }

    /// Stage 2: each function's Lambda blocks (and the explained contact's
    /// entries) inside its ranges, merged to whole seconds, but what an
    /// earlier query delivered.
    pub(super) fn neighbours(
        &mut self,
        neighbourhoods: &Neighbourhoods,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut Sink<'_>,
    ) -> Result<(), SourceError> {
        let contact = self.settings.contact.clone();
        let mut specs = Vec::new();
        let mut functions = Vec::new();
        for (function, ranges) in neighbourhoods.iter() {
            let query = queries::function_blocks_query(function, contact.as_deref());
            for window in second_ranges(ranges) {
                specs.push(self.connect_spec(query.clone(), window));
                functions.push(function.to_string());
            }
        }
        if specs.is_empty() {
            return Ok(());
        }
        let labels = labels(&specs);
        let results = self.run(specs)?;
        for ((label, rows), function) in labels.iter().zip(results).zip(&functions) {
            let keep = |m: &str| queries::function_row_wanted(m, function, contact.as_deref());
            self.deliver(label, rows, &keep, wanted, sink)?;
        }
        Ok(())
    }

    /// One stage (`--single-stage`, the plan before): every Lambda block
    /// of the period; the analysis counts the totals from them.
    pub(super) fn whole_period(
        &mut self,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut Sink<'_>,
    ) -> Result<(), SourceError> {
        let contact = self.settings.contact.clone();
        let window = (
            self.settings.start.div_euclid(1000),
            ceil_seconds(self.settings.end),
        );
        let spec = self.connect_spec(queries::connect_query(contact.as_deref()), window);
        let label = format!("query {}", spec.window());
        let rows = self.run(vec![spec])?.into_iter().flatten().collect();
        let keep = |m: &str| queries::connect_row_wanted(m, contact.as_deref());
        self.deliver(&label, rows, &keep, wanted, sink)
    }

    fn connect_spec(&self, query: String, (start, end): (i64, i64)) -> QuerySpec {
        QuerySpec {
            groups: vec![self.group.clone()],
            query,
            start,
            end,
            aggregate: false,
        }
    }

    /// Hand one query's rows to the sink: those its filter keeps (checked
    /// again here) and no earlier query delivered; count the ones the sink
    /// refuses against the query; save the delivered ones.
    fn deliver(
        &mut self,
        label: &str,
        rows: Vec<Row>,
        keep: &dyn Fn(&str) -> bool,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        sink: &mut Sink<'_>,
    ) -> Result<(), SourceError> {
        // Keys are added after the whole query: Connect's duplicates within
        // it are all delivered (and counted as duplicates by the analysis).
        let rows: Vec<Row> = rows
            .into_iter()
            .filter(|r| keep(&r.message))
            .filter(|r| !self.delivered.contains(&RowKey::of(r)))
            .collect();
        self.delivered.extend(rows.iter().map(RowKey::of));
        let mut skips: BTreeMap<String, SkippedLines> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            // The server names the group; trust the query's own group when
            // an emulator names it differently.
            let group = if wanted(&row.group) {
                &row.group
            } else {
                &self.group
            };
            let line = i as u64 + 1;
            let event = Event {
                group,
                stream: &row.stream,
                timestamp: row.timestamp,
                message: &row.message,
                file: label,
                line,
            };
            // Rows arrive on this thread: the sink prepares them itself.
            if let Err(reason) = sink(&event, None) {
                let entry = skips.entry(reason.clone()).or_insert(SkippedLines {
                    reason,
                    count: 0,
                    lines: Vec::new(),
                });
                entry.count += 1;
                if entry.lines.len() < 100 {
                    entry.lines.push(line);
                }
            }
        }
        self.save(&rows)?;
        self.summary(label.to_string(), rows.len() as u64, skips);
        Ok(())
    }
}

fn labels(specs: &[QuerySpec]) -> Vec<String> {
    specs
        .iter()
        .map(|s| format!("query {}", s.window()))
        .collect()
}

/// Millisecond ranges as StartQuery's whole seconds (inclusive), merged
/// where they share or touch a second: no event is in two windows.
pub fn second_ranges(ranges: &[(Millis, Millis)]) -> Vec<(i64, i64)> {
    let mut seconds: Vec<(i64, i64)> = ranges
        .iter()
        .map(|&(start, end)| (start.div_euclid(1000), ceil_seconds(end)))
        .collect();
    seconds.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(seconds.len());
    for (start, end) in seconds {
        match merged.last_mut() {
            Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The totals from the two `stats` queries' records. A row without a
/// function (a block whose `FunctionArn` the parse did not read) counts
/// for nothing, as the engine does not count such a block.
pub fn totals(by_function: &[Record], contacts: &[Record]) -> ConnectTotals {
    let get = |record: &Record, name: &str| -> Option<String> {
        record
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    };
    // Insights writes numbers as text, sometimes with a fraction ("12.0").
    let number = |text: Option<String>| -> u64 {
        text.and_then(|t| t.trim().parse::<f64>().ok())
            .map_or(0, |n| n.max(0.0).round() as u64)
    };
    let mut lambda_blocks_by_function = BTreeMap::new();
    for record in by_function {
        if let Some(function) = get(record, "function").filter(|f| !f.is_empty()) {
            *lambda_blocks_by_function.entry(function).or_default() +=
                number(get(record, "blocks"));
        }
    }
    ConnectTotals {
        lambda_blocks_by_function,
        contacts: contacts.first().map_or(0, |r| number(get(r, "contacts"))),
        ..ConnectTotals::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn windows_become_whole_seconds_that_never_overlap() {
        // 10.5 s to 20.2 s -> 10..21; 21.4 s to 25 s shares second 21.
        assert_eq!(
            second_ranges(&[(21_400, 25_000), (10_500, 20_200), (40_000, 41_000)]),
            vec![(10, 25), (40, 41)]
        );
        assert_eq!(second_ranges(&[]), vec![]);
    }

    #[test]
    fn totals_read_the_stats_records_and_ignore_blocks_without_a_function() {
        let by_function = [
            rec(&[
                ("function", "crm-lookup"),
                ("blocks", "120"),
                ("contacts", "80"),
            ]),
            rec(&[
                ("function", "billing"),
                ("blocks", "7.0"),
                ("contacts", "7"),
            ]),
            rec(&[("blocks", "2"), ("contacts", "2")]),
        ];
        let contacts = [rec(&[("contacts", "85")])];
        let totals = totals(&by_function, &contacts);
        assert_eq!(
            totals.lambda_blocks_by_function,
            BTreeMap::from([("billing".to_string(), 7), ("crm-lookup".to_string(), 120)])
        );
        assert_eq!(totals.contacts, 85);
    }
}
