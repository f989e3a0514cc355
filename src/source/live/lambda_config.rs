//! Lambda configuration per function: where it logs, and what the on-call
//! engineer needs next to a failure (timeout, memory, runtime, VPC, log
//! format, provisioned concurrency). A denied or missing call degrades to
//! "unknown" with a note, never aborts the scan.

use super::aws_error::describe;
use crate::classify::FunctionSettings;
use crate::source::SourceError;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::Client;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionConfig {
    pub name: String,
    pub log_group: String,
    pub timeout_s: Option<i32>,
    pub memory_mb: Option<i32>,
    pub runtime: Option<String>,
    pub vpc_attached: Option<bool>,
    pub log_format: Option<String>,
    /// Provisioned concurrency configured on any alias or version.
    pub provisioned: Option<bool>,
    /// Why a value is unknown.
    pub notes: Vec<String>,
}

pub fn default_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

impl FunctionConfig {
    /// What classification uses.
    pub fn settings(&self) -> FunctionSettings {
        FunctionSettings {
            timeout_s: self.timeout_s.map(f64::from),
            vpc_attached: self.vpc_attached,
            provisioned_concurrency: self.provisioned,
        }
    }

    /// One line for stderr.
    pub fn summary(&self) -> String {
        let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "unknown".into());
        format!(
            "{}: timeout {}, memory {}, runtime {}, VPC {}, log format {}, provisioned concurrency {}, logs in {}",
            self.name,
            or_unknown(self.timeout_s.map(|t| format!("{t} s"))),
            or_unknown(self.memory_mb.map(|m| format!("{m} MB"))),
            or_unknown(self.runtime.clone()),
            or_unknown(self.vpc_attached.map(|v| if v { "attached" } else { "none" }.into())),
            or_unknown(self.log_format.clone()),
            or_unknown(self.provisioned.map(|p| if p { "yes" } else { "none" }.into())),
            self.log_group,
        )
    }
}

/// GetFunctionConfiguration for the qualifier Connect used (falling back
/// to the unqualified function when that fails), and provisioned
/// concurrency: GetProvisionedConcurrencyConfig for that qualifier, else
/// ListProvisionedConcurrencyConfigs. Each failure becomes a note.
pub async fn fetch(client: &Client, function: &str, qualifier: Option<&str>) -> FunctionConfig {
    let mut cfg = FunctionConfig {
        name: function.to_string(),
        log_group: default_group(function),
        ..FunctionConfig::default()
    };
    let mut got = get_configuration(client, function, qualifier).await;
    if got.is_err() && qualifier.is_some() {
        got = get_configuration(client, function, None).await;
    }
    match got {
        Ok(out) => apply(&mut cfg, out),
        Err(err) => cfg.notes.push(format!(
            "configuration unknown, assuming the log group {} ({err})",
            cfg.log_group
        )),
    }
    cfg.provisioned = match qualifier {
        Some(q) => provisioned_on(client, function, q, &mut cfg.notes).await,
        None => provisioned_anywhere(client, function, &mut cfg.notes).await,
    };
    cfg
}

async fn get_configuration(
    client: &Client,
    function: &str,
    qualifier: Option<&str>,
) -> Result<GetFunctionConfigurationOutput, SourceError> {
    let resource = match qualifier {
        Some(q) => format!("{function}:{q}"),
        None => function.to_string(),
    };
    client
        .get_function_configuration()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string))
        .send()
        .await
        .map_err(|e| describe(&e, "lambda:GetFunctionConfiguration", &resource, ""))
}

fn apply(cfg: &mut FunctionConfig, out: GetFunctionConfigurationOutput) {
    cfg.timeout_s = out.timeout;
    cfg.memory_mb = out.memory_size;
    cfg.runtime = out.runtime.map(|r| r.as_str().to_string());
    cfg.vpc_attached = Some(
        out.vpc_config
            .as_ref()
            .and_then(|v| v.vpc_id.as_deref())
            .is_some_and(|id| !id.is_empty()),
    );
    if let Some(logging) = out.logging_config {
        cfg.log_format = logging.log_format.map(|f| f.as_str().to_string());
        if let Some(group) = logging.log_group.filter(|g| !g.is_empty()) {
            cfg.log_group = group;
        }
    }
}

/// Provisioned concurrency on the alias or version Connect invoked.
async fn provisioned_on(
    client: &Client,
    function: &str,
    qualifier: &str,
    notes: &mut Vec<String>,
) -> Option<bool> {
    match client
        .get_provisioned_concurrency_config()
        .function_name(function)
        .qualifier(qualifier)
        .send()
        .await
    {
        Ok(out) => Some(out.requested_provisioned_concurrent_executions.unwrap_or(0) > 0),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_provisioned_concurrency_config_not_found_exception()) =>
        {
            Some(false)
        }
        Err(e) => {
            let err = describe(
                &e,
                "lambda:GetProvisionedConcurrencyConfig",
                &format!("{function}:{qualifier}"),
                "",
            );
            notes.push(format!("provisioned concurrency unknown ({err})"));
            None
        }
    }
}

/// Provisioned concurrency on any alias or version of the function.
async fn provisioned_anywhere(
    client: &Client,
    function: &str,
    notes: &mut Vec<String>,
) -> Option<bool> {
    match client
        .list_provisioned_concurrency_configs()
        .function_name(function)
        .send()
        .await
    {
        Ok(out) => Some(
            out.provisioned_concurrency_configs
                .is_some_and(|c| !c.is_empty()),
        ),
        Err(e) => {
            let err = describe(&e, "lambda:ListProvisionedConcurrencyConfigs", function, "");
            notes.push(format!("provisioned concurrency unknown ({err})"));
            None
        }
    }
}

#[cfg(test)]
#[path = "lambda_config_tests.rs"]
mod tests;
