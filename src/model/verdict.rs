//! Linking and diagnosis: the link from a block to its invocations, and the
//! verdict on a failed block with the numbers it was decided on.

use super::{FlowEntry, Invocation, LogLine, Millis, XrayReading};
use std::fmt;

/// Why a Lambda block failed. The order of the variants is the order in
/// which the rules are tried (see `classify`); the names (`cold_start`, ...)
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
pub enum Class {
    AccessDenied,
    InitTimeout,
    MisconfiguredTimeout,
    FunctionError,
    ColdStart,
    DownstreamStall,
    Slow,
    Throttled,
    Unlinked,
    /// Linked invocation(s) finished in time and successfully: Connect's
    /// error is not explained by the function's logs (response validation,
    /// a response over 32 KB, ...).
    Unexplained,
}

impl Class {
    /// Every class, in rule order.
    pub fn all() -> &'static [Class] {
        <Class as strum::VariantArray>::VARIANTS
    }

    /// The name used in every output: `cold_start`, `downstream_stall`, ...
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the link from a block to its invocation(s) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Confidence {
    /// The invocation logged the contact's ContactId.
    Exact,
    /// The only candidate in the block's window.
    Window,
    /// The best of several candidates.
    Ambiguous,
    /// No invocation linked.
    None,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of linking one failed block.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub confidence: Confidence,
    /// Invocations in the block's window (before assignment).
    pub candidates: usize,
    /// The linked invocations, first the one that answered the block, then
    /// Connect's retries, in time order.
    pub invocations: Vec<Invocation>,
    /// The log group and window searched, for `unlinked`.
    pub searched_group: String,
    pub window_start: Millis,
    pub window_end: Millis,
}

impl Link {
    /// The invocation that answered the block; later ones are Connect's
    /// retries.
    pub fn primary(&self) -> Option<&Invocation> {
        self.invocations.first()
    }
}

/// One fact that decided a verdict, with the time it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub timestamp: Option<Millis>,
    pub text: String,
}

/// The numbers a verdict was decided on. Classification measures them
/// once; every output renders these, never its own reading of the logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurements {
    /// L: the block's limit, as every rule used it.
    pub limit_ms: u32,
    /// The entry logged no `TimeLimit`: L is Connect's maximum, assumed.
    pub limit_assumed: bool,
    /// A wait this close to L counts as past it (Connect's invoke round trip).
    pub overhead_ms: f64,
    /// The function's configured timeout from the Lambda API, when known (s).
    pub configured_timeout_s: Option<f64>,
    /// What the answering invocation measured; `None` when none was linked.
    pub run: Option<RunMeasurements>,
}

/// What the invocation that answered a block measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMeasurements {
    /// I: the init or restore time Connect waited for (0 when warm).
    pub init_ms: f64,
    /// D: the handler's duration (REPORT, else END − START).
    pub handler_ms: Option<f64>,
    /// How long Connect waited: I + D, or arrival to END when the log's
    /// clock says more (it counts the gap between INIT_START and START).
    pub waited_ms: Option<f64>,
    /// When Connect stopped watching (arrival + L) or the invocation ended,
    /// whichever came first.
    pub watched_until: Millis,
    /// The handler's share of that: START to `watched_until`.
    pub handler_span_ms: f64,
    /// The silence before `watched_until`, from `silence_from`.
    pub silence_ms: f64,
    /// Where the silence began: the last output line, or START without one.
    pub silence_from: Millis,
    /// The function's last own output line before `watched_until`.
    pub last_line: Option<LogLine>,
    /// The function's own timeout, when it hit it (s).
    pub timeout_hit_s: Option<f64>,
    /// How long init ran when an INIT_REPORT (or RESTORE_REPORT) said it
    /// timed out.
    pub init_timeout_reported_ms: Option<f64>,
    /// What the invocation's X-Ray trace says (`None`: not traced).
    pub xray: Option<XrayReading>,
}

impl Measurements {
    pub fn limit(&self) -> f64 {
        f64::from(self.limit_ms)
    }

    /// The function's timeout: the one it hit, else the configured one (s).
    pub fn function_timeout_s(&self) -> Option<f64> {
        self.run
            .as_ref()
            .and_then(|r| r.timeout_hit_s)
            .or(self.configured_timeout_s)
    }
}

/// A verdict on one failed block.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub class: Class,
    /// One short line saying why, from `measurements` (full text: outputs
    /// shorten it to fit).
    pub key_fact: String,
    pub measurements: Measurements,
    pub evidence: Vec<Evidence>,
    /// Other rules whose conditions also held.
    pub contributing: Vec<Class>,
    /// What to do, in one line (the triage screen's).
    pub action: String,
    /// What to do, in full: the commands, the values, the alternatives, and
    /// a hint for each contributing cause.
    pub fix: String,
}

/// A failed Lambda block, linked and classified.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub block: FlowEntry,
    pub link: Link,
    pub verdict: Verdict,
}
