//! What `check` found: timeout budgets that will break before callers hit
//! them, each with its kind, severity, where it is, the numbers behind it
//! and the fix; and the alarms worth setting on the functions the flows
//! call.

use super::{InputsSummary, LiveRun, Millis, TextField, TextFilter};
use std::fmt;

/// What a finding is about. The order of the variants is the order
/// findings of one severity are listed in; the names (`near_miss`, ...)
/// are derived from the variants and are part of the JSON schema.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    /// A block names a function the source says does not exist.
    MissingFunction,
    /// The function is not `Active`, or its last update failed.
    FunctionNotActive,
    /// A block waits longer than the function's own timeout.
    TimeoutBelowBlockLimit,
    /// Calls were throttled, or the function cannot run at all.
    Throttling,
    /// A cold start can take the call past the block's limit.
    ColdStartRisk,
    /// Successful calls came close to the block's limit.
    NearMiss,
    /// Synchronous calls in a row, without audio, add up past 20 s.
    #[strum(serialize = "chain_over_20s")]
    ChainOver20s,
    /// A Lambda block's error branch hangs up without a word.
    ErrorBranchHangsUp,
    /// The instance's flows write no logs: every later diagnosis is blind.
    FlowLoggingOff,
}

impl Kind {
    /// Every kind, in report order.
    pub fn all() -> &'static [Kind] {
        <Kind as strum::VariantArray>::VARIANTS
    }

    /// The name used in every output: `near_miss`, `chain_over_20s`, ...
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How soon it breaks. Ordered: `High` is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    /// Hygiene, or a risk that needs bad luck.
    Low,
    /// Will break under load, latency or a cold start.
    Medium,
    /// Breaks calls now, or at the first slow call.
    High,
}

impl Severity {
    /// High first.
    pub fn all_descending() -> [Severity; 3] {
        [Severity::High, Severity::Medium, Severity::Low]
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One number (or name) behind a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Int(i64),
    Number(f64),
    Bool(bool),
    /// Free text, possibly from the logs (masked and escaped as log text).
    Text(String),
    /// Names and identifiers (escaped, never masked).
    Names(Vec<String>),
    /// Whole numbers, in the order of `Finding::blocks` or a path.
    Ints(Vec<i64>),
    Null,
}

impl FactValue {
    /// Milliseconds as a whole number.
    pub fn ms(ms: f64) -> Self {
        FactValue::Int(ms.round() as i64)
    }

    pub fn opt_ms(ms: Option<f64>) -> Self {
        ms.map_or(FactValue::Null, FactValue::ms)
    }
}

/// A named fact. The names are part of the JSON schema of each kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub name: &'static str,
    pub value: FactValue,
}

impl Fact {
    pub fn new(name: &'static str, value: FactValue) -> Self {
        Fact { name, value }
    }
}

/// One timeout budget that will break.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    /// The flow's name; `None` when it is not known (a log entry without
    /// `ContactFlowName`).
    pub flow: Option<String>,
    /// The function's name (`name:qualifier` when the blocks call an alias
    /// or a version); `None` for a finding about several (a chain).
    pub function: Option<String>,
    /// The identifiers of the blocks involved, in flow order.
    pub blocks: Vec<String>,
    pub facts: Vec<Fact>,
    /// One short line for the table.
    pub key_fact: String,
    /// What to do, in one line of at most about 90 characters: the same
    /// for every finding of a kind and function, so it is said once.
    pub action: String,
    /// What to do, in full, with this finding's names and numbers.
    pub fix: String,
}

impl Finding {
    /// The order findings are reported in: the most severe first, then by
    /// kind, flow, function, blocks and key fact, so the same input always
    /// gives the same list.
    pub fn sort(findings: &mut [Finding]) {
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.flow.cmp(&b.flow))
                .then_with(|| a.function.cmp(&b.function))
                .then_with(|| a.blocks.cmp(&b.blocks))
                .then_with(|| a.key_fact.cmp(&b.key_fact))
        });
    }

    /// The value of a fact, by name.
    pub fn fact(&self, name: &str) -> Option<&FactValue> {
        self.facts.iter().find(|f| f.name == name).map(|f| &f.value)
    }
}

/// The alarms worth setting on one function the flows call: its Duration
/// against the tightest block limit that calls it (not the function's own
/// timeout), its Errors and its Throttles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmPlan {
    pub function: String,
    /// The smallest limit of the blocks that call it.
    pub tightest_limit_ms: u32,
    /// The Duration alarm's threshold (a share of `tightest_limit_ms`).
    pub duration_threshold_ms: u32,
    /// The blocks that call it, across flows.
    pub blocks: u64,
}

/// What `check` looked at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckScope {
    /// `--instance`, as given.
    pub instance: Option<String>,
    /// The Connect flow-log group read, when the input holds one.
    pub connect_group: Option<String>,
    /// The period of the logs: `--start`/`--end`, or the data's own extent.
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// Flows (and flow modules) checked.
    pub flows: u64,
    /// Lambda blocks in those flows.
    pub lambda_blocks: u64,
    /// Distinct functions they name.
    pub functions: u64,
    /// Function configurations the source had.
    pub function_configurations: u64,
    /// Lambda blocks in the flow logs of the period.
    pub logged_lambda_blocks: u64,
    /// What could not be checked, and why (no logs, no configurations...).
    pub not_checked: Vec<String>,
}

/// The result of `check`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckResult {
    pub scope: CheckScope,
    /// Sorted (`Finding::sort`).
    pub findings: Vec<Finding>,
    /// One per function the flows call, by name.
    pub alarms: Vec<AlarmPlan>,
    pub inputs: InputsSummary,
    /// Live runs only: what the queries scanned and cost.
    pub live: Option<LiveRun>,
}

impl CheckResult {
    /// The findings of `severity` or above.
    pub fn at_least(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= severity)
            .count()
    }

    /// Pass every text of the result through `filter`.
    pub fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for finding in &mut self.findings {
            finding.map_texts(filter);
        }
        let scope = &mut self.scope;
        for text in scope.instance.iter_mut().chain(&mut scope.connect_group) {
            apply(filter, TextField::Name, text);
        }
        for note in &mut scope.not_checked {
            apply(filter, TextField::Log, note);
        }
        for plan in &mut self.alarms {
            apply(filter, TextField::Name, &mut plan.function);
        }
        for file in &mut self.inputs.files {
            apply(filter, TextField::Name, &mut file.file);
            for skip in &mut file.skipped {
                apply(filter, TextField::Log, &mut skip.reason);
            }
        }
    }
}

impl Finding {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for name in self.flow.iter_mut().chain(&mut self.function) {
            apply(filter, TextField::Name, name);
        }
        for block in &mut self.blocks {
            apply(filter, TextField::Name, block);
        }
        for fact in &mut self.facts {
            match &mut fact.value {
                FactValue::Text(text) => apply(filter, TextField::Log, text),
                FactValue::Names(names) => {
                    for name in names {
                        apply(filter, TextField::Name, name);
                    }
                }
                _ => {}
            }
        }
        apply(filter, TextField::Log, &mut self.key_fact);
        apply(filter, TextField::Log, &mut self.action);
        apply(filter, TextField::Log, &mut self.fix);
    }
}

fn apply(filter: &mut TextFilter<'_>, field: TextField<'_>, text: &mut String) {
    if let Some(new) = filter(field, text) {
        *text = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: Kind, severity: Severity, flow: &str) -> Finding {
        Finding {
            kind,
            severity,
            flow: Some(flow.into()),
            function: None,
            blocks: Vec::new(),
            facts: Vec::new(),
            key_fact: String::new(),
            action: String::new(),
            fix: String::new(),
        }
    }

    #[test]
    fn names_are_snake_case_and_the_chain_keeps_its_number() {
        assert_eq!(Kind::ChainOver20s.as_str(), "chain_over_20s");
        assert_eq!(
            Kind::TimeoutBelowBlockLimit.as_str(),
            "timeout_below_block_limit"
        );
        assert_eq!(Severity::High.as_str(), "high");
        assert!(Severity::High > Severity::Medium && Severity::Medium > Severity::Low);
    }

    #[test]
    fn findings_sort_by_severity_then_kind_then_flow() {
        let mut findings = vec![
            finding(Kind::NearMiss, Severity::Medium, "B"),
            finding(Kind::ChainOver20s, Severity::Medium, "A"),
            finding(Kind::NearMiss, Severity::High, "C"),
            finding(Kind::NearMiss, Severity::Medium, "A"),
        ];
        Finding::sort(&mut findings);
        let order: Vec<(Kind, &str)> = findings
            .iter()
            .map(|f| (f.kind, f.flow.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            order,
            vec![
                (Kind::NearMiss, "C"),
                (Kind::NearMiss, "A"),
                (Kind::NearMiss, "B"),
                (Kind::ChainOver20s, "A"),
            ]
        );
    }
}
