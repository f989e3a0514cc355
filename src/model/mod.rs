//! Plain data shared by every stage of the pipeline
//! (`source -> parse -> link -> classify -> report`), and the conventions
//! of AWS they follow.
//!
//! Nothing here knows about files, AWS calls or terminals. Times are epoch
//! milliseconds (`Millis`), as CloudWatch stamps events; durations read from
//! Lambda's own lines stay `f64` milliseconds, as Lambda prints them.

pub mod conventions;

mod config;
mod contact_flow;
mod finding;
mod flow;
mod function;
mod lambda;
mod observed;
mod run;
mod text;
mod verdict;
mod xray;

pub use config::{FunctionConfig, FunctionSettings};
pub use contact_flow::{
    ActionKind, Branch, FlowAction, FlowDefinition, FunctionRef, FunctionTarget, InvocationMode,
    LambdaCall, RawFlow, Transition,
};
pub use finding::{AlarmPlan, CheckResult, CheckScope, Fact, FactValue, Finding, Kind, Severity};
pub use flow::{FlowEntry, LambdaBlock, Rejection};
pub use function::{FunctionCatalog, FunctionDefinition};
pub use lambda::{
    InitKind, InitReportLine, Invocation, InvocationStatus, LambdaRecord, LogLine, Report, TraceRef,
};
pub use observed::{
    AccountConcurrency, BlockCount, BlockCounts, CallSample, FunctionHeadroom, FunctionMetrics,
    InstanceFacts, ObservedBlock,
};
pub use run::{
    ConnectTotals, ExplainResult, InputFileSummary, InputsSummary, LiveRun, ScanResult, Scope,
    SkippedLines, TimelineBlock,
};
pub use text::{TextField, TextFilter};
pub use verdict::{
    Class, Confidence, Evidence, Failure, Link, Measurements, RunMeasurements, Verdict,
};
pub use xray::{Call, RawTrace, Trace, TraceBatch, XrayFetch, XrayReading, XrayStatus};

use std::fmt;

/// Epoch milliseconds (UTC).
pub type Millis = i64;

/// Where an event came from: a file and 1-based line (offline), or a query
/// row (live). Used in error messages and `--verbose` listings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}
