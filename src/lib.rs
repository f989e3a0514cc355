//! connect-timeouts: why did an Amazon Connect "Invoke AWS Lambda function"
//! block fail?
//!
//! The pipeline reads as the module list: `source` (exported files) ->
//! `parse` (Connect entries, Lambda lines, invocations per stream) ->
//! `link` (failed block -> invocation(s)) -> `classify` (the rules, evidence
//! and fix) -> `report` (table, JSON, the explain timeline). `model` holds
//! the plain data every stage shares and the AWS conventions; `windows` the
//! time arithmetic of linking. `analyze` wires the stages together; `cli`,
//! `docs` (completions, the man page), `app` and `main.rs` are the shell.
//! See docs/ARCHITECTURE.md.

pub mod analyze;
pub mod app;
pub mod check;
pub mod classify;
pub mod cli;
pub mod docs;
pub(crate) mod json_scan;
pub mod link;
pub mod model;
pub mod parse;
pub mod redact;
pub mod report;
pub mod source;
pub mod units;
pub mod watch;
pub mod windows;

#[cfg(test)]
pub(crate) mod testkit;
