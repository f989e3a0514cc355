//! Where `check` gets flows and function configurations from: the seam
//! between what is checked and how it is fetched, as `LogSource` is for
//! log events. `FileDefinitions` reads them from `--input` files (found by
//! content); the live source (`source::live::check`) asks Amazon Connect
//! (`ListContactFlows`, `DescribeContactFlow`) and Lambda
//! (`GetFunctionConfiguration`, `ListProvisionedConcurrencyConfigs`) for
//! the same data.
//!
//! Live, the period's evidence comes aggregated by AWS instead of as log
//! lines (`PeriodAggregates`): Logs Insights `stats` queries and CloudWatch
//! metrics, a handful of rows whatever the traffic.

use super::files::{discover, read_definitions, DefinitionDocument, InputFile};
use super::SourceError;
use crate::model::{
    AccountConcurrency, BlockCounts, FunctionCatalog, FunctionHeadroom, FunctionMetrics,
    FunctionRef, InputFileSummary, InputsSummary, InstanceFacts, LiveRun, RawFlow, SkippedLines,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A source of flows and function configurations.
pub trait DefinitionSource {
    /// Every flow and flow module, content unparsed.
    fn flows(&mut self) -> Result<Vec<RawFlow>, SourceError>;

    /// What the source knows of the functions the flows call (`wanted`):
    /// their configurations, provisioned concurrency, and those it knows
    /// not to exist. A live source asks for `wanted` only; a file source
    /// has what the files hold.
    fn functions(&mut self, wanted: &[FunctionRef]) -> Result<FunctionCatalog, SourceError>;

    /// What was read, per input (a file, or an API call), with what could
    /// not be used.
    fn inputs(&self) -> InputsSummary;

    /// A short description for messages.
    fn describe(&self) -> String;
}

/// A function whose own logs `check` asks about (live).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadroomWanted {
    pub function: String,
    /// Count an `Init Duration` as time Connect waited: not when every
    /// qualifier the blocks call has provisioned concurrency (those
    /// environments report the init they ran before any call).
    pub count_init: bool,
}

/// What the account says of the period, aggregated by AWS (live `check`):
/// a few rows per question, never the log lines. Every method degrades:
/// what cannot be read is a note and `None` (or nothing), never an error,
/// unless the run cannot go on (credentials, Ctrl-C).
pub trait PeriodAggregates {
    /// The Amazon Connect instance the flows are of.
    fn instance(&mut self) -> Option<InstanceFacts>;

    /// The flow logs' Lambda blocks over the period, counted by flow,
    /// block, function, limit and result; `None` when there is no
    /// flow-log group to read.
    fn block_counts(&mut self) -> Result<Option<BlockCounts>, SourceError>;

    /// What each function's own logs say of the period.
    fn headroom(&mut self, wanted: &[HeadroomWanted])
        -> Result<Vec<FunctionHeadroom>, SourceError>;

    /// CloudWatch's metrics of each function, and the account's
    /// concurrency (`None` when it could not be read).
    fn metrics(
        &mut self,
        functions: &[String],
    ) -> Result<(Vec<FunctionMetrics>, Option<AccountConcurrency>), SourceError>;

    /// The notes said so far (what could not be read, and why), once each.
    fn take_notes(&mut self) -> Vec<String>;

    /// What the queries cost.
    fn live_run(&self) -> LiveRun;
}

/// Definitions from `--input` files: every file is looked at, and those
/// that hold a definition (by content) are read whole.
pub struct FileDefinitions {
    inputs: Vec<PathBuf>,
    documents: Vec<(InputFile, DefinitionDocument)>,
}

impl FileDefinitions {
    pub fn open(inputs: &[PathBuf]) -> Result<Self, SourceError> {
        let mut documents = Vec::new();
        for file in discover(inputs)? {
            if let Some(doc) = read_definitions(&file)? {
                documents.push((file, doc));
            }
        }
        Ok(FileDefinitions {
            inputs: inputs.to_vec(),
            documents,
        })
    }
}

impl DefinitionSource for FileDefinitions {
    fn flows(&mut self) -> Result<Vec<RawFlow>, SourceError> {
        Ok(self
            .documents
            .iter()
            .flat_map(|(_, doc)| doc.flows.iter().cloned())
            .collect())
    }

    /// Offline, absence says something only beside presence: a function
    /// with no configuration in the input is missing when the input holds
    /// configurations of other functions (the export was made, and this one
    /// was not found); with none at all, nothing is known of any.
    fn functions(&mut self, wanted: &[FunctionRef]) -> Result<FunctionCatalog, SourceError> {
        let mut catalog = FunctionCatalog::default();
        for (_, doc) in &self.documents {
            for f in &doc.functions {
                catalog.add(f.clone());
            }
            catalog.provisioned.extend(doc.provisioned.iter().cloned());
        }
        let known: BTreeSet<String> = catalog
            .function_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        if known.is_empty() {
            return Ok(catalog);
        }
        for call in wanted {
            if !known.contains(&call.name) {
                let why = format!(
                    "no configuration of {} in the input, which holds the configuration of {}",
                    call.name,
                    others(&known)
                );
                catalog
                    .missing
                    .insert(FunctionRef::new(call.name.clone(), None), why);
            }
        }
        Ok(catalog)
    }

    fn inputs(&self) -> InputsSummary {
        let mut out = InputsSummary::default();
        for (file, doc) in &self.documents {
            let summary = InputFileSummary {
                file: file.display.clone(),
                format: doc.format.as_str().to_string(),
                events: doc.items,
                skipped: skipped(&doc.problems),
            };
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
        format!(
            "{} ({} definition file(s))",
            paths.join(", "),
            self.documents.len()
        )
    }
}

/// `3 other functions (a, b, c)`, the names cut after a few.
fn others(known: &BTreeSet<String>) -> String {
    const SHOWN: usize = 5;
    let names: Vec<&str> = known.iter().take(SHOWN).map(String::as_str).collect();
    let more = if known.len() > SHOWN { ", ..." } else { "" };
    let count = match known.len() {
        1 => "1 other function".to_string(),
        n => format!("{n} other functions"),
    };
    format!("{count} ({}{more})", names.join(", "))
}

/// Problems as skipped lines, by reason.
fn skipped(problems: &[(u64, String)]) -> Vec<SkippedLines> {
    let mut by_reason: BTreeMap<&str, SkippedLines> = BTreeMap::new();
    for (line, reason) in problems {
        let entry = by_reason.entry(reason).or_insert_with(|| SkippedLines {
            reason: reason.clone(),
            count: 0,
            lines: Vec::new(),
        });
        entry.count += 1;
        entry.lines.push(*line);
    }
    by_reason.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use tempfile::TempDir;

    fn source(files: &[(&str, &str)]) -> (TempDir, FileDefinitions) {
        let dir = TempDir::new().expect("tempdir");
        for (name, content) in files {
            fs::write(dir.path().join(name), content).expect("write");
        }
        let source = FileDefinitions::open(&[dir.path().to_path_buf()]).expect("open");
        (dir, source)
    }

    #[test]
    fn a_function_is_missing_only_beside_others() {
        let wanted = [
            FunctionRef::new("crm", None),
            FunctionRef::new("ghost", Some("live".into())),
        ];
        let (_dir, mut none) =
            source(&[("logs.ndjson", "{\"timestamp\": 1, \"message\": \"x\"}\n")]);
        let catalog = none.functions(&wanted).expect("catalog");
        assert!(catalog.configs.is_empty() && catalog.missing.is_empty());
        let (_dir, mut some) = source(&[("crm.json", r#"{"FunctionName": "crm", "Timeout": 8}"#)]);
        let catalog = some.functions(&wanted).expect("catalog");
        assert_eq!(catalog.configs.len(), 1);
        let missing: Vec<_> = catalog.missing.iter().collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].0, &FunctionRef::new("ghost", None));
        assert!(
            missing[0].1.contains("1 other function (crm)"),
            "{}",
            missing[0].1
        );
    }

    #[test]
    fn inputs_name_each_definition_file_with_its_problems() {
        let (_dir, mut source) = source(&[
            (
                "a.json",
                r#"{"ContactFlow": {"Name": "Main", "Content": "{}"}}"#,
            ),
            ("b.json", r#"{"ContactFlow": {"Name": "Cut"}}"#),
            ("c.ndjson", "{\"timestamp\": 1, \"message\": \"x\"}\n"),
        ]);
        assert_eq!(source.flows().expect("flows").len(), 1);
        let inputs = source.inputs();
        assert_eq!(inputs.files.len(), 2, "log files are the log source's");
        assert_eq!((inputs.events_read, inputs.lines_skipped), (1, 1));
        assert!(inputs.files[1].skipped[0]
            .reason
            .contains("without Content"));
    }
}
