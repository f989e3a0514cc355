//! What the Lambda API says of a function: the part classification reads
//! (`FunctionSettings`), and the whole of it as a live run reports it
//! (`FunctionConfig`).

use super::conventions::default_lambda_group;
use super::Millis;
use serde::{Deserialize, Serialize};

/// What classification reads of a function's configuration (live scans; a
/// capture saved with `--save-logs` carries it too, in this shape). Every
/// field may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionSettings {
    /// The configured timeout (seconds).
    pub timeout_s: Option<f64>,
    pub vpc_attached: Option<bool>,
    /// Provisioned concurrency on any version or alias.
    pub provisioned_concurrency: Option<bool>,
    /// When the configuration last changed (epoch ms), when that is after
    /// the period analysed: the configuration read is not the one in
    /// force then, and classification does not use it.
    #[serde(default)]
    pub changed_after_period: Option<Millis>,
}

/// A function's configuration as a live run read it, for the person on
/// call: where it logs, timeout, memory, runtime, VPC, log format,
/// provisioned concurrency. A value the API did not give is `None`, with a
/// note saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionConfig {
    pub name: String,
    pub log_group: String,
    pub timeout_s: Option<i32>,
    pub memory_mb: Option<i32>,
    pub runtime: Option<String>,
    pub vpc_attached: Option<bool>,
    pub log_format: Option<String>,
    /// Provisioned concurrency configured on the alias or version Connect
    /// invoked, else on any of them.
    pub provisioned: Option<bool>,
    /// `LastModified` (epoch ms).
    pub last_modified: Option<Millis>,
    /// `LoggingConfig.LogGroup` named `log_group` (else it is the default,
    /// or what the group lookup found).
    pub log_group_named: bool,
    /// Why a value is unknown.
    pub notes: Vec<String>,
}

impl FunctionConfig {
    /// Nothing known yet: the function logs to its default group.
    pub fn unknown(name: &str) -> Self {
        FunctionConfig {
            name: name.to_string(),
            log_group: default_lambda_group(name),
            timeout_s: None,
            memory_mb: None,
            runtime: None,
            vpc_attached: None,
            log_format: None,
            provisioned: None,
            last_modified: None,
            log_group_named: false,
            notes: Vec::new(),
        }
    }

    /// What classification uses, for a period ending at `period_end`.
    pub fn settings(&self, period_end: Millis) -> FunctionSettings {
        FunctionSettings {
            timeout_s: self.timeout_s.map(f64::from),
            vpc_attached: self.vpc_attached,
            provisioned_concurrency: self.provisioned,
            changed_after_period: self.last_modified.filter(|&t| t > period_end),
        }
    }

    /// The configuration changed after a period ending at `period_end`.
    pub fn changed_after(&self, period_end: Millis) -> bool {
        self.last_modified.is_some_and(|t| t > period_end)
    }
}
