//! What the logs of a period say of each Lambda block, for `check`: how
//! long the calls that answered it took, how many were cold, and how often
//! Connect was throttled. Built from the flow logs and the linked
//! invocations; read by the headroom checks.

use super::contact_flow::FunctionRef;
use super::Millis;

/// One block of the flow logs (a flow, a block identifier, a function and
/// a limit) over the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObservedBlock {
    /// `ContactFlowName`, when logged.
    pub flow: Option<String>,
    /// `Identifier`, when logged.
    pub block: Option<String>,
    pub function: FunctionRef,
    /// `Parameters.TimeLimit`; Connect's synchronous maximum when the entry
    /// logged none (`limit_assumed`).
    pub limit_ms: u32,
    pub limit_assumed: bool,
    /// Every execution of the block in the period.
    pub executions: u64,
    /// The successful executions whose invocation was found and ended.
    pub successes: Vec<CallSample>,
    /// Successful executions with no invocation found in the logs read.
    pub successes_unlinked: u64,
    /// The init time of every cold invocation linked to the block (of any
    /// outcome): what a cold start costs it.
    pub cold_inits_ms: Vec<f64>,
    /// Executions whose `Results` named a throttle.
    pub throttled: u64,
    pub first_throttle: Option<Millis>,
    pub last_throttle: Option<Millis>,
    /// One throttle `Results` text, as logged.
    pub throttle_results: Option<String>,
}

/// One successful call, as Connect waited for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallSample {
    /// The init (or restore) Connect waited for; 0 when warm.
    pub init_ms: f64,
    /// The handler's `Duration`.
    pub handler_ms: f64,
}

impl CallSample {
    pub fn total_ms(&self) -> f64 {
        self.init_ms + self.handler_ms
    }

    pub fn is_cold(&self) -> bool {
        self.init_ms > 0.0
    }
}

/// What a function's own logs say of the period, as Logs Insights
/// aggregated them (live `check`): a handful of numbers over its REPORT
/// lines, never the lines. Every call of the function is counted, whoever
/// made it: the logs of a function do not say which block called it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunctionHeadroom {
    /// The function's name (its log group holds every version and alias).
    pub function: String,
    pub log_group: String,
    /// REPORT lines with a duration.
    pub reports: u64,
    /// Of them, the calls that did not end in a timeout or an error.
    pub successes: u64,
    /// Over the successes: what Connect waited (init or restore, when it
    /// is counted, plus the handler), nearest rank.
    pub wait_p50_ms: Option<f64>,
    pub wait_p95_ms: Option<f64>,
    pub wait_p99_ms: Option<f64>,
    pub wait_max_ms: Option<f64>,
    /// Over the successes: the handler alone at p95.
    pub handler_p95_ms: Option<f64>,
    /// Successes with an init or restore counted in their wait.
    pub cold_successes: u64,
    /// Every REPORT with an init or a restore (any outcome), and the spread
    /// of those inits.
    pub cold_calls: u64,
    pub init_p50_ms: Option<f64>,
    pub init_max_ms: Option<f64>,
    /// Whether an init was counted as time Connect waited: not when the
    /// blocks call a qualifier with provisioned concurrency, whose
    /// environments report an init they ran before any call.
    pub init_counted: bool,
}

/// What CloudWatch's `AWS/Lambda` metrics say of one function over the
/// period (live `check`); `None` where the metric had no data point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunctionMetrics {
    pub function: String,
    /// `Throttles`, `Errors` and `Invocations`, summed over the period.
    pub throttles: Option<f64>,
    pub errors: Option<f64>,
    pub invocations: Option<f64>,
    /// The highest `ConcurrentExecutions` (`Maximum`) of any interval.
    pub max_concurrency: Option<f64>,
    /// The first and last intervals with a throttle (their start).
    pub first_throttle: Option<Millis>,
    pub last_throttle: Option<Millis>,
    /// The length of one interval, seconds.
    pub period_s: u32,
}

/// The account's concurrency (live `check`): Lambda's limit for the
/// region (`GetAccountSettings`) and the highest `ConcurrentExecutions`
/// of the account in the period; `None` where it could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AccountConcurrency {
    pub limit: Option<u32>,
    /// The unreserved part of the limit, which functions without reserved
    /// concurrency share.
    pub unreserved: Option<u32>,
    pub peak: Option<f64>,
}

/// The Amazon Connect instance as its API describes it (live `check`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceFacts {
    pub id: String,
    pub alias: Option<String>,
    /// `CONTACTFLOW_LOGS`: whether the flows may write logs; `None` when
    /// it could not be read.
    pub flow_logs: Option<bool>,
    pub region: String,
}

/// One row of the flow logs' Lambda blocks counted by Logs Insights (live
/// `check`): the values as the query parsed them out of the entries, raw
/// (the analysis reads them with the same parsers as an entry's), and how
/// many entries had them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockCount {
    /// `ContactFlowName`, `Identifier`, `Parameters.FunctionArn` and
    /// `Parameters.TimeLimit`, as logged (JSON string contents).
    pub flow: Option<String>,
    pub block: Option<String>,
    pub function_arn: Option<String>,
    pub time_limit: Option<String>,
    /// `Results` up to its request id (so that throttles of many requests
    /// are counted together); `None` for a block that succeeded.
    pub results: Option<String>,
    pub executions: u64,
    /// The first and last entry of the row.
    pub first: Option<Millis>,
    pub last: Option<Millis>,
}

/// The Lambda blocks of a flow-log group over a period, counted (live).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockCounts {
    pub group: String,
    pub rows: Vec<BlockCount>,
}
