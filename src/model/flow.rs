//! Amazon Connect flow logs: one entry per block executed.

use super::conventions::DEFAULT_BLOCK_LIMIT_MS;
use super::{Millis, Origin};

/// One Amazon Connect flow-log entry (one block executed).
#[derive(Debug, Clone, PartialEq)]
pub struct FlowEntry {
    pub contact_id: String,
    pub contact_flow_id: Option<String>,
    pub contact_flow_name: Option<String>,
    /// `ContactFlowModuleType`: an open set (`PlayPrompt`, `InvokeExternalResource`, ...).
    pub module_type: String,
    /// The block id or its custom label.
    pub identifier: Option<String>,
    pub timestamp: Millis,
    /// `Results` when present: the outcome text (`"true"`, an error text, ...).
    pub results: Option<String>,
    /// What `Results` says when Connect itself was refused (read once, when
    /// the entry is parsed).
    pub rejection: Option<Rejection>,
    /// Whether `ExternalResults` was present (a Lambda block that succeeded).
    pub has_external_results: bool,
    /// Set when this entry is an "Invoke AWS Lambda function" block.
    pub lambda: Option<LambdaBlock>,
    /// `Parameters` as compact JSON text, for the timeline (may be `{}`).
    pub parameters: Option<String>,
    pub origin: Origin,
}

impl FlowEntry {
    /// A Lambda block that went down the error branch.
    pub fn is_failed_lambda_block(&self) -> bool {
        self.lambda.is_some() && self.results.is_some() && !self.has_external_results
    }

    /// What the block did: Connect's `Results`, `ok` for a Lambda block
    /// that returned `ExternalResults`, else nothing.
    pub fn outcome(&self) -> &str {
        match (&self.results, self.has_external_results) {
            (Some(r), _) => r,
            (None, true) => "ok",
            (None, false) => "",
        }
    }

    /// The key Connect's at-least-once delivery duplicates on.
    pub fn dedup_key(&self) -> (&str, Option<&str>, Millis, &str) {
        (
            &self.contact_id,
            self.identifier.as_deref(),
            self.timestamp,
            &self.module_type,
        )
    }
}

/// Connect could not get an answer from the function at all, as its
/// `Results` text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Lambda (or Connect's own per-instance limit) throttled the call.
    Throttled,
    /// Connect is not allowed to invoke the function.
    AccessDenied,
}

/// The Lambda-specific parameters of an "Invoke AWS Lambda function" block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaBlock {
    /// `Parameters.FunctionArn` exactly as logged (may carry a qualifier).
    pub function_arn: String,
    /// The function name, without qualifier: the linking key.
    pub function_name: String,
    /// Alias or version qualifier, when the ARN has one.
    pub qualifier: Option<String>,
    /// The block's time limit in milliseconds (`Parameters.TimeLimit`).
    /// `None` when the entry did not say (see `limit_ms`).
    pub time_limit_ms: Option<u32>,
    /// `SYNCHRONOUS` / `ASYNCHRONOUS` when logged.
    pub invocation_type: Option<String>,
}

impl LambdaBlock {
    /// The limit every stage uses: the logged one, or Connect's maximum.
    pub fn limit_ms(&self) -> u32 {
        self.time_limit_ms.unwrap_or(DEFAULT_BLOCK_LIMIT_MS)
    }

    /// The entry logged no limit: `limit_ms` is assumed.
    pub fn limit_assumed(&self) -> bool {
        self.time_limit_ms.is_none()
    }
}
