//! Lambda configuration per function: where it logs, and what the on-call
//! engineer needs next to a failure (timeout, memory, runtime, VPC, log
//! format, provisioned concurrency). A denied or missing call degrades to
//! "unknown" with a note, never aborts the scan.

use super::aws_error::describe;
use super::groups::{list_groups, Listing};
use crate::model::conventions::{default_lambda_group, function_of_group, is_connect_group};
use crate::model::{FunctionConfig, Millis};
use crate::source::SourceError;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::Client;

/// GetFunctionConfiguration for the qualifier Connect used (falling back
/// to the unqualified function when that fails), and provisioned
/// concurrency: GetProvisionedConcurrencyConfig for that qualifier, else
/// ListProvisionedConcurrencyConfigs. Each failure becomes a note.
pub async fn fetch(client: &Client, function: &str, qualifier: Option<&str>) -> FunctionConfig {
    let mut cfg = FunctionConfig::unknown(function);
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
    cfg.last_modified = out.last_modified.as_deref().and_then(parse_last_modified);
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
            cfg.log_group_named = true;
        }
    }
}

/// `LastModified`: `2026-11-28T10:00:00.000+0000` (the Lambda API's own
/// shape), or RFC 3339.
fn parse_last_modified(text: &str) -> Option<Millis> {
    chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The group of a function whose configuration did not name one (denied,
/// or no `LoggingConfig`), when `/aws/lambda/<name>` does not exist: the
/// group whose last path component is the function's name (as offline
/// tells a group's function), found with `DescribeLogGroups` and a name
/// pattern. `None`: the default group exists, or no group is named after
/// the function (its blocks stay unlinked, saying so); several: an error
/// listing them, as which one the function writes to cannot be told.
pub async fn find_log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    function: &str,
) -> Result<Option<String>, SourceError> {
    let default = default_lambda_group(function);
    if list_groups(logs, Listing::Prefix(&default))
        .await?
        .contains(&default)
    {
        return Ok(None);
    }
    // The pattern only narrows the listing; the name decides (an emulator
    // may ignore the pattern).
    let candidates: Vec<String> = list_groups(logs, Listing::Pattern(function))
        .await?
        .into_iter()
        .filter(|g| !is_connect_group(g) && function_of_group(g) == function)
        .collect();
    match candidates.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(only.clone())),
        several => Err(SourceError::Service(format!(
            "cannot tell which log group {function} writes to: its configuration does not say \
             (allow lambda:GetFunctionConfiguration) and {default} does not exist; the groups \
             named after it: {}",
            several.join(", ")
        ))),
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
mod tests {
    //! Lambda configuration with the SDK's mocks: the qualifier Connect used,
    //! the fallback, denied calls degrading to "unknown" with a note.

    use super::*;
    use aws_sdk_lambda::config::retry::RetryConfig;
    use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationError;
    use aws_sdk_lambda::operation::get_provisioned_concurrency_config::{
        GetProvisionedConcurrencyConfigError, GetProvisionedConcurrencyConfigOutput,
    };
    use aws_sdk_lambda::types::error::ProvisionedConcurrencyConfigNotFoundException;
    use aws_sdk_lambda::types::{LogFormat, LoggingConfig, Runtime, VpcConfigResponse};
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    }

    fn configuration() -> GetFunctionConfigurationOutput {
        GetFunctionConfigurationOutput::builder()
            .timeout(3)
            .memory_size(512)
            .runtime(Runtime::Nodejs22x)
            .vpc_config(VpcConfigResponse::builder().vpc_id("vpc-0abc").build())
            .logging_config(
                LoggingConfig::builder()
                    .log_format(LogFormat::Json)
                    .log_group("/custom/crm")
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn reads_the_qualified_configuration_and_its_provisioned_concurrency() {
        let get = mock!(Client::get_function_configuration)
            .match_requests(|r| r.qualifier() == Some("live"))
            .then_output(configuration);
        let pc = mock!(Client::get_provisioned_concurrency_config)
            .match_requests(|r| r.qualifier() == Some("live"))
            .then_output(|| {
                GetProvisionedConcurrencyConfigOutput::builder()
                    .requested_provisioned_concurrent_executions(5)
                    .build()
            });
        let cfg = fetch(&client(&[&get, &pc]), "crm", Some("live")).await;
        assert_eq!(cfg.log_group, "/custom/crm");
        assert_eq!(cfg.timeout_s, Some(3));
        assert_eq!(cfg.vpc_attached, Some(true));
        assert_eq!(cfg.log_format.as_deref(), Some("JSON"));
        assert_eq!(cfg.provisioned, Some(true));
        assert!(cfg.notes.is_empty(), "{:?}", cfg.notes);
    }

    #[tokio::test]
    async fn no_provisioned_config_for_the_alias_means_none() {
        let get = mock!(Client::get_function_configuration).then_output(configuration);
        let pc = mock!(Client::get_provisioned_concurrency_config).then_error(|| {
            GetProvisionedConcurrencyConfigError::ProvisionedConcurrencyConfigNotFoundException(
                ProvisionedConcurrencyConfigNotFoundException::builder().build(),
            )
        });
        let cfg = fetch(&client(&[&get, &pc]), "crm", Some("live")).await;
        assert_eq!(cfg.provisioned, Some(false));
    }

    #[tokio::test]
    async fn denied_calls_degrade_to_unknown_with_notes_naming_the_action() {
        let denied = || {
            GetFunctionConfigurationError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("not authorized")
                    .build(),
            )
        };
        let get = mock!(Client::get_function_configuration)
            .sequence()
            .error(denied)
            .times(2)
            .build();
        let pc = mock!(Client::get_provisioned_concurrency_config).then_error(|| {
            GetProvisionedConcurrencyConfigError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .build(),
            )
        });
        let cfg = fetch(&client(&[&get, &pc]), "crm", Some("live")).await;
        assert_eq!(get.num_calls(), 2, "qualified, then unqualified");
        assert_eq!(cfg.log_group, "/aws/lambda/crm");
        assert_eq!(cfg.timeout_s, None);
        assert_eq!(cfg.provisioned, None);
        let notes = cfg.notes.join("\n");
        assert!(
            notes.contains("access denied: lambda:GetFunctionConfiguration on crm"),
            "{notes}"
        );
        assert!(
            notes.contains("lambda:GetProvisionedConcurrencyConfig on crm:live"),
            "{notes}"
        );
    }
}
