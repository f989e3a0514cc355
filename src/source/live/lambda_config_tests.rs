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
