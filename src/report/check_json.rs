//! `check --output json|ndjson`: the versioned schema (`SCHEMA_VERSION`),
//! from dedicated output structs as `json` builds scan's:
//! `{"schema_version", "scope", "findings": [{"kind", "severity", "flow",
//! "function", "blocks", "facts", "fix"}], "inputs"}`. Unknown values are
//! `null`, never absent; `facts` holds each kind's own numbers, by name.

use super::json::{inputs_out, live_out, InputsOut, LiveOut};
use super::{format_time, SCHEMA_VERSION};
use crate::model::{CheckResult, CheckScope, FactValue, Finding};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};

#[derive(Debug, Serialize)]
pub struct CheckDoc {
    pub schema_version: u32,
    pub scope: CheckScopeOut,
    pub findings: Vec<FindingOut>,
    pub inputs: InputsOut,
    /// Live runs only: what the queries scanned and cost (as `scan`'s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveOut>,
}

#[derive(Debug, Serialize)]
pub struct CheckScopeOut {
    pub instance: Option<String>,
    pub connect_group: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub flows: u64,
    pub lambda_blocks: u64,
    pub functions: u64,
    pub function_configurations: u64,
    pub logged_lambda_blocks: u64,
    pub not_checked: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FindingOut {
    pub kind: &'static str,
    pub severity: &'static str,
    pub flow: Option<String>,
    pub function: Option<String>,
    pub blocks: Vec<String>,
    pub facts: Map<String, Value>,
    pub fix: String,
}

pub fn check_doc(result: &CheckResult) -> CheckDoc {
    CheckDoc {
        schema_version: SCHEMA_VERSION,
        scope: scope_out(&result.scope),
        findings: result.findings.iter().map(finding_out).collect(),
        inputs: inputs_out(&result.inputs),
        live: result.live.as_ref().map(live_out),
    }
}

fn scope_out(scope: &CheckScope) -> CheckScopeOut {
    CheckScopeOut {
        instance: scope.instance.clone(),
        connect_group: scope.connect_group.clone(),
        start: scope.start.map(format_time),
        end: scope.end.map(format_time),
        flows: scope.flows,
        lambda_blocks: scope.lambda_blocks,
        functions: scope.functions,
        function_configurations: scope.function_configurations,
        logged_lambda_blocks: scope.logged_lambda_blocks,
        not_checked: scope.not_checked.clone(),
    }
}

pub fn finding_out(finding: &Finding) -> FindingOut {
    FindingOut {
        kind: finding.kind.as_str(),
        severity: finding.severity.as_str(),
        flow: finding.flow.clone(),
        function: finding.function.clone(),
        blocks: finding.blocks.clone(),
        facts: finding
            .facts
            .iter()
            .map(|f| (f.name.to_string(), fact_value(&f.value)))
            .collect(),
        fix: finding.fix.clone(),
    }
}

fn fact_value(value: &FactValue) -> Value {
    match value {
        FactValue::Int(n) => Value::from(*n),
        FactValue::Number(x) => Value::from(*x),
        FactValue::Bool(b) => Value::from(*b),
        FactValue::Text(t) => Value::from(t.as_str()),
        FactValue::Names(names) => Value::from(names.clone()),
        FactValue::Ints(ns) => Value::from(ns.clone()),
        FactValue::Null => Value::Null,
    }
}

pub fn write_check_json(out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &check_doc(result))?;
    writeln!(out)
}

/// One finding per line, nothing else.
pub fn write_check_ndjson(out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
    for finding in &result.findings {
        serde_json::to_writer(&mut *out, &finding_out(finding))?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The schema pinned: strict types (`deny_unknown_fields`, and
    //! `Nullable` for every nullable key, so a key that went missing fails
    //! as surely as one that appeared).

    // Most fields are here only to be required by deserialisation, not read.
    #![allow(dead_code)]

    use super::*;
    use crate::model::{Fact, Kind, Severity};
    use serde::Deserialize;

    /// A key that must be present, its value possibly null.
    #[derive(Debug, PartialEq)]
    struct Nullable<T>(Option<T>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Option::<T>::deserialize(d).map(Nullable)
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        schema_version: u32,
        scope: Scope,
        findings: Vec<FindingT>,
        inputs: serde_json::Value,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Scope {
        instance: Nullable<String>,
        connect_group: Nullable<String>,
        start: Nullable<String>,
        end: Nullable<String>,
        flows: u64,
        lambda_blocks: u64,
        functions: u64,
        function_configurations: u64,
        logged_lambda_blocks: u64,
        not_checked: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FindingT {
        kind: String,
        severity: String,
        flow: Nullable<String>,
        function: Nullable<String>,
        blocks: Vec<String>,
        facts: serde_json::Map<String, Value>,
        fix: String,
    }

    fn result() -> CheckResult {
        let mut result = CheckResult::default();
        result.scope.flows = 2;
        result.scope.start = Some(1_795_860_000_000);
        result.findings.push(Finding {
            kind: Kind::ChainOver20s,
            severity: Severity::Medium,
            flow: Some("Main IVR".into()),
            function: None,
            blocks: vec!["a".into(), "b".into()],
            facts: vec![
                Fact::new("total_ms", FactValue::Int(21_000)),
                Fact::new("limits_ms", FactValue::Ints(vec![8_000, 13_000])),
                Fact::new("round_ms", FactValue::Null),
            ],
            key_fact: "k".into(),
            action: "a".into(),
            fix: "f".into(),
        });
        result
    }

    #[test]
    fn the_document_has_every_documented_key_and_nulls() {
        let mut out = Vec::new();
        assert!(write_check_json(&mut out, &result()).is_ok());
        let doc: Doc = serde_json::from_slice(&out).expect("the pinned schema");
        assert_eq!(doc.schema_version, 1);
        assert_eq!(doc.scope.flows, 2);
        assert_eq!(
            doc.scope.start.0.as_deref(),
            Some("2026-11-28T10:00:00.000Z")
        );
        assert_eq!(doc.scope.end, Nullable(None));
        let f = &doc.findings[0];
        assert_eq!(
            (f.kind.as_str(), f.severity.as_str()),
            ("chain_over_20s", "medium")
        );
        assert_eq!(f.function, Nullable(None));
        let keys: Vec<&str> = f.facts.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["total_ms", "limits_ms", "round_ms"],
            "in the rule's order"
        );
        assert_eq!(f.facts["limits_ms"], serde_json::json!([8000, 13000]));
        assert!(f.facts["round_ms"].is_null());
        assert!(doc.inputs["files"].is_array());
    }

    #[test]
    fn ndjson_is_one_finding_per_line() {
        let mut out = Vec::new();
        assert!(write_check_ndjson(&mut out, &result()).is_ok());
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<FindingT> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a finding"))
            .collect();
        assert_eq!(lines.len(), 1);
        let mut out = Vec::new();
        assert!(write_check_ndjson(&mut out, &CheckResult::default()).is_ok());
        assert!(out.is_empty(), "nothing else on stdout");
    }
}
