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
