//! The Amazon Connect instance behind `--instance`, asked of Connect's own
//! API: an alias is found with ListInstances, an id or ARN with
//! DescribeInstance, and the flow-log group is `/aws/connect/<alias>`.
//! DescribeInstanceAttribute (CONTACTFLOW_LOGS) says whether the instance's
//! flows may log at all: when they may not, the run ends with that fact and
//! its fix, never with "0 failures". A denied call is no error: the caller
//! falls back to the log-group listing, as before the tool asked Connect.

use super::aws_error::{describe, detail, is_denied, HttpStatus};
use crate::model::conventions::connect_group;
use crate::source::SourceError;
use aws_sdk_connect::types::InstanceAttributeType;
use aws_sdk_connect::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error;

/// `--instance`, as the user gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceRef<'a> {
    Alias(&'a str),
    /// An instance id, or an ARN naming one (`.../instance/<id>`, a
    /// flow's ARN included).
    IdOrArn(&'a str),
}

/// The instance's flow-log group, and what the user should know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLogGroup {
    pub group: String,
    /// For stderr: why flow logging could not be checked.
    pub notes: Vec<String>,
}

/// Why Connect's API gave no group to read.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// Connect could not be asked (a denied call) or cannot name the group
    /// (an instance without an alias): the caller falls back to the
    /// log-group listing, saying why.
    #[error("{0}")]
    Fallback(String),
    /// No instance answers to `wanted` in `region`; `existing` holds the
    /// instances there are, or why they could not be listed.
    #[error("{}", not_found_message(.wanted, .region, .existing))]
    NotFound {
        wanted: String,
        region: String,
        existing: Result<Vec<String>, String>,
    },
    /// The instance's flows write no logs: nothing to scan.
    #[error("{}", logging_off_message(.alias, .id, .region))]
    LoggingOff {
        alias: String,
        id: String,
        region: String,
    },
    /// Any other failure: it ends the run.
    #[error(transparent)]
    Aws(#[from] SourceError),
}

impl From<InstanceError> for SourceError {
    fn from(e: InstanceError) -> Self {
        match e {
            InstanceError::Aws(e) => e,
            other => SourceError::Service(other.to_string()),
        }
    }
}

/// An instance as Connect lists it.
#[derive(Debug, Clone)]
pub(super) struct Instance {
    pub(super) id: String,
    pub(super) alias: Option<String>,
}

/// Whether the instance's flows may write logs ("Enable flow logs").
#[derive(Debug)]
pub(super) enum FlowLogging {
    On,
    Off,
    /// Not known: why.
    Unknown(String),
}

const LIST: &str = "connect:ListInstances";
const DESCRIBE: &str = "connect:DescribeInstance";
const ATTRIBUTE: &str = "connect:DescribeInstanceAttribute";

/// The flow-log group of the instance `wanted` names, once Connect says
/// its flows may log. A failure of the flow-logging check itself is a
/// note, not an error: without it the tool reads the group as it did
/// before it asked.
pub async fn flow_log_group(
    client: &Client,
    wanted: InstanceRef<'_>,
    region: &str,
) -> Result<FlowLogGroup, InstanceError> {
    let instance = match wanted {
        InstanceRef::Alias(alias) => by_alias(client, alias, region).await?,
        InstanceRef::IdOrArn(text) => by_id_or_arn(client, text, region).await?,
    };
    let Some(alias) = instance.alias else {
        return Err(InstanceError::Fallback(format!(
            "Amazon Connect instance {} has no alias to name its flow-log group",
            instance.id
        )));
    };
    let group = connect_group(&alias);
    match flow_logging(client, &instance.id).await {
        FlowLogging::On => Ok(FlowLogGroup {
            group,
            notes: Vec::new(),
        }),
        FlowLogging::Off => Err(InstanceError::LoggingOff {
            alias,
            id: instance.id,
            region: region.to_string(),
        }),
        FlowLogging::Unknown(why) => Ok(FlowLogGroup {
            notes: vec![format!(
                "{why}: cannot tell whether flow logging is on for instance {alias}; \
                 reading {group} if the log-group listing has it"
            )],
            group,
        }),
    }
}

/// The instance `wanted` names; without one, the region's only instance
/// (`check`, which reads the instance's flows, not a log group).
pub(super) async fn find(
    client: &Client,
    wanted: Option<InstanceRef<'_>>,
    region: &str,
) -> Result<Instance, InstanceError> {
    match wanted {
        Some(InstanceRef::Alias(alias)) => by_alias(client, alias, region).await,
        Some(InstanceRef::IdOrArn(text)) => by_id_or_arn(client, text, region).await,
        None => {
            let instances = list_instances(client)
                .await
                .map_err(|e| connect_failure(&e, LIST, region))?;
            match instances.as_slice() {
                [only] => Ok(only.clone()),
                _ => Err(InstanceError::NotFound {
                    wanted: "(no --instance given)".into(),
                    region: region.to_string(),
                    existing: Ok(names(&instances)),
                }),
            }
        }
    }
}

async fn by_alias(client: &Client, alias: &str, region: &str) -> Result<Instance, InstanceError> {
    let instances = list_instances(client)
        .await
        .map_err(|e| connect_failure(&e, LIST, alias))?;
    match instances.iter().find(|i| i.alias.as_deref() == Some(alias)) {
        Some(found) => Ok(found.clone()),
        None => Err(InstanceError::NotFound {
            wanted: alias.to_string(),
            region: region.to_string(),
            existing: Ok(names(&instances)),
        }),
    }
}

async fn by_id_or_arn(
    client: &Client,
    text: &str,
    region: &str,
) -> Result<Instance, InstanceError> {
    let Some(id) = instance_id(text) else {
        return Err(not_found(client, text, region).await);
    };
    match client.describe_instance().instance_id(id).send().await {
        Ok(out) => Ok(Instance {
            id: id.to_string(),
            alias: out.instance.and_then(|i| i.instance_alias),
        }),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Err(not_found(client, text, region).await)
        }
        Err(e) => Err(connect_failure(&e, DESCRIBE, id)),
    }
}

/// The instance id in `text`: the text itself, or what follows
/// `instance/` in an ARN (`arn:aws:connect:<region>:<account>:instance/<id>`,
/// with `/contact-flow/<flow>` after it in a flow's ARN).
fn instance_id(text: &str) -> Option<&str> {
    if !text.starts_with("arn:") {
        return Some(text);
    }
    let resource = text.splitn(6, ':').nth(5)?;
    let id = resource.strip_prefix("instance/")?.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// Every instance of the region (ListInstances pages through them).
async fn list_instances(
    client: &Client,
) -> Result<
    Vec<Instance>,
    SdkError<
        aws_sdk_connect::operation::list_instances::ListInstancesError,
        aws_smithy_runtime_api::http::Response,
    >,
> {
    let summaries = client
        .list_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await?;
    Ok(summaries
        .into_iter()
        .filter_map(|s| {
            Some(Instance {
                id: s.id?,
                alias: s.instance_alias,
            })
        })
        .collect())
}

/// `wanted` is not an instance: the error, with the instances there are.
async fn not_found(client: &Client, wanted: &str, region: &str) -> InstanceError {
    let existing = list_instances(client)
        .await
        .map(|all| names(&all))
        .map_err(|e| describe(&e, LIST, region, "").to_string());
    InstanceError::NotFound {
        wanted: wanted.to_string(),
        region: region.to_string(),
        existing,
    }
}

/// The instances by alias (by id when they have none), sorted.
fn names(instances: &[Instance]) -> Vec<String> {
    let mut names: Vec<String> = instances
        .iter()
        .map(|i| i.alias.clone().unwrap_or_else(|| i.id.clone()))
        .collect();
    names.sort();
    names
}

pub(super) async fn flow_logging(client: &Client, id: &str) -> FlowLogging {
    let answer = client
        .describe_instance_attribute()
        .instance_id(id)
        .attribute_type(InstanceAttributeType::ContactflowLogs)
        .send()
        .await;
    let out = match answer {
        Ok(out) => out,
        Err(e) => {
            return FlowLogging::Unknown(match connect_failure(&e, ATTRIBUTE, id) {
                InstanceError::Fallback(denied) => denied,
                other => other.to_string(),
            })
        }
    };
    match out.attribute.and_then(|a| a.value) {
        Some(v) if v.eq_ignore_ascii_case("true") => FlowLogging::On,
        Some(v) if v.eq_ignore_ascii_case("false") => FlowLogging::Off,
        other => FlowLogging::Unknown(format!(
            "{ATTRIBUTE} on {id} gave {} for CONTACTFLOW_LOGS",
            other.map_or("no value".to_string(), |v| format!("{v:?}"))
        )),
    }
}

/// A failed Connect call: a denial becomes a fallback (one line, naming
/// the action), anything else the run's error.
pub(super) fn connect_failure<E, R>(
    e: &SdkError<E, R>,
    action: &str,
    resource: &str,
) -> InstanceError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    if is_denied(e) {
        InstanceError::Fallback(format!(
            "access denied: {action} on {resource} ({})",
            detail(e)
        ))
    } else {
        InstanceError::Aws(describe(e, action, resource, ""))
    }
}

fn not_found_message(wanted: &str, region: &str, existing: &Result<Vec<String>, String>) -> String {
    let there = match existing {
        Ok(names) if names.is_empty() => {
            format!("no instance exists in {region} (check --region and --profile)")
        }
        Ok(names) => format!("the instances in {region}: {}", names.join(", ")),
        Err(why) => format!("the instances could not be listed ({why})"),
    };
    format!(
        "Amazon Connect instance {wanted} not found in {region}; {there}\n\
         pass an instance's alias, id or ARN with --instance, or name the flow-log group with \
         --log-group"
    )
}

fn logging_off_message(alias: &str, id: &str, region: &str) -> String {
    let group = connect_group(alias);
    let region_flag = if region.is_empty() {
        String::new()
    } else {
        format!(" --region {region}")
    };
    format!(
        "flow logging is off on Amazon Connect instance {alias} ({id}): its flows write nothing \
         to {group}, so there are no failed blocks to find (this is not \"0 failures\")\n\
         turn it on: in the Amazon Connect console, check \"Enable flow logs\" under the \
         instance's Data storage settings, or run\n  \
         aws connect update-instance-attribute --instance-id {id} --attribute-type \
         CONTACTFLOW_LOGS --value true{region_flag}\n\
         then start each flow with a \"Set logging behavior\" block that enables logging; \
         contacts handled after that are logged\n\
         (to read what {group} holds from before logging was turned off: --log-group {group})"
    )
}

#[cfg(test)]
mod tests {
    //! Connect's answers with the SDK's mocks, for what the emulator cannot
    //! give: flow logging on or off (moto has no DescribeInstanceAttribute),
    //! denied calls, paging, an ARN's id.

    use super::*;
    use aws_sdk_connect::config::retry::RetryConfig;
    use aws_sdk_connect::operation::describe_instance::{
        DescribeInstanceError, DescribeInstanceOutput,
    };
    use aws_sdk_connect::operation::describe_instance_attribute::{
        DescribeInstanceAttributeError, DescribeInstanceAttributeOutput,
    };
    use aws_sdk_connect::operation::list_instances::{ListInstancesError, ListInstancesOutput};
    use aws_sdk_connect::types::error::ResourceNotFoundException;
    use aws_sdk_connect::types::{Attribute, InstanceSummary};
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    const ID: &str = "3ff2093d-af96-43fd-b038-3c07cdd7609c";
    const OTHER_ID: &str = "0b9a3a36-0fd5-4a8b-9c3e-6c2c4bd0f1a2";
    const REGION: &str = "us-east-1";

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_connect, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    }

    fn summary(id: &str, alias: &str) -> InstanceSummary {
        InstanceSummary::builder()
            .id(id)
            .arn(format!(
                "arn:aws:connect:{REGION}:111122223333:instance/{id}"
            ))
            .instance_alias(alias)
            .build()
    }

    fn page(instances: Vec<InstanceSummary>, next: Option<&str>) -> ListInstancesOutput {
        ListInstancesOutput::builder()
            .set_instance_summary_list(Some(instances))
            .set_next_token(next.map(str::to_string))
            .build()
    }

    /// acme-dev on the first page, acme-prod on the second.
    fn two_pages() -> Rule {
        mock!(Client::list_instances)
            .sequence()
            .output(|| page(vec![summary(OTHER_ID, "acme-dev")], Some("page-2")))
            .output(|| page(vec![summary(ID, "acme-prod")], None))
            .build()
    }

    fn describe_acme_prod() -> Rule {
        mock!(Client::describe_instance)
            .match_requests(|r| r.instance_id() == Some(ID))
            .then_output(|| {
                DescribeInstanceOutput::builder()
                    .instance(
                        aws_sdk_connect::types::Instance::builder()
                            .id(ID)
                            .instance_alias("acme-prod")
                            .build(),
                    )
                    .build()
            })
    }

    /// CONTACTFLOW_LOGS of acme-prod (only that attribute is answered).
    fn flow_logs(value: &'static str) -> Rule {
        mock!(Client::describe_instance_attribute)
            .match_requests(|r| {
                r.instance_id() == Some(ID)
                    && r.attribute_type() == Some(&InstanceAttributeType::ContactflowLogs)
            })
            .then_output(move || {
                DescribeInstanceAttributeOutput::builder()
                    .attribute(
                        Attribute::builder()
                            .attribute_type(InstanceAttributeType::ContactflowLogs)
                            .value(value)
                            .build(),
                    )
                    .build()
            })
    }

    fn denied(code: &str) -> ErrorMetadata {
        ErrorMetadata::builder()
            .code(code)
            .message("User: arn:aws:iam::111122223333:user/oncall is not authorized")
            .build()
    }

    #[tokio::test]
    async fn an_alias_is_found_on_any_page_and_names_the_group_when_logging_is_on() {
        let list = two_pages();
        let attribute = flow_logs("true");
        let client = client(&[&list, &attribute]);
        let found = flow_log_group(&client, InstanceRef::Alias("acme-prod"), REGION)
            .await
            .unwrap();
        assert_eq!(
            found,
            FlowLogGroup {
                group: "/aws/connect/acme-prod".into(),
                notes: vec![]
            }
        );
        assert_eq!(list.num_calls(), 2, "both pages read");
        assert_eq!(attribute.num_calls(), 1);
    }

    #[tokio::test]
    async fn an_id_an_arn_and_a_flow_arn_are_described_by_the_instance_id() {
        let instance_arn = format!("arn:aws:connect:{REGION}:111122223333:instance/{ID}");
        let flow_arn = format!("{instance_arn}/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a");
        for wanted in [ID, instance_arn.as_str(), flow_arn.as_str()] {
            let describe = describe_acme_prod();
            let attribute = flow_logs("true");
            let client = client(&[&describe, &attribute]);
            let found = flow_log_group(&client, InstanceRef::IdOrArn(wanted), REGION)
                .await
                .unwrap();
            assert_eq!(found.group, "/aws/connect/acme-prod", "{wanted}");
            assert_eq!(describe.num_calls(), 1, "{wanted}");
        }
    }

    #[tokio::test]
    async fn logging_off_is_an_error_naming_the_instance_and_the_fix() {
        let list = two_pages();
        let attribute = flow_logs("false");
        let client = client(&[&list, &attribute]);
        let err = flow_log_group(&client, InstanceRef::Alias("acme-prod"), REGION)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, InstanceError::LoggingOff { alias, id, .. } if alias == "acme-prod" && id == ID),
            "{err:?}"
        );
        let message = err.to_string();
        for needed in [
            "flow logging is off on Amazon Connect instance acme-prod",
            "not \"0 failures\"",
            "\"Enable flow logs\" under the instance's Data storage settings",
            &format!(
                "aws connect update-instance-attribute --instance-id {ID} --attribute-type \
                 CONTACTFLOW_LOGS --value true --region us-east-1"
            ),
            "\"Set logging behavior\" block",
            "--log-group /aws/connect/acme-prod",
        ] {
            assert!(message.contains(needed), "{needed:?} missing: {message}");
        }
        // It ends the run as a service error (exit 254).
        assert!(matches!(SourceError::from(err), SourceError::Service(_)));
    }

    #[tokio::test]
    async fn an_unknown_alias_or_id_lists_the_instances_there_are() {
        let list = two_pages();
        let client_a = client(&[&list]);
        let err = flow_log_group(&client_a, InstanceRef::Alias("acme-qa"), REGION)
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("Amazon Connect instance acme-qa not found in us-east-1")
                && message.contains("the instances in us-east-1: acme-dev, acme-prod"),
            "{message}"
        );

        let missing = mock!(Client::describe_instance).then_error(|| {
            DescribeInstanceError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message("Instance not found")
                    .build(),
            )
        });
        let list = two_pages();
        let client_b = client(&[&missing, &list]);
        let err = flow_log_group(&client_b, InstanceRef::IdOrArn(OTHER_ID), REGION)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, InstanceError::NotFound { wanted, existing: Ok(names), .. }
            if wanted == OTHER_ID && names == &["acme-dev", "acme-prod"]),
            "{err:?}"
        );

        // An ARN that names no instance is not sent to DescribeInstance.
        let list = mock!(Client::list_instances).then_output(|| page(vec![], None));
        let client_c = client(&[&list]);
        let lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup";
        let err = flow_log_group(&client_c, InstanceRef::IdOrArn(lambda_arn), REGION)
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("instance arn:aws:lambda:us-east-1:111122223333:function:crm-lookup not found in us-east-1; no instance exists in us-east-1"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_denied_lookup_falls_back_naming_the_action() {
        let list = mock!(Client::list_instances)
            .then_error(|| ListInstancesError::generic(denied("AccessDeniedException")));
        let client_a = client(&[&list]);
        let err = flow_log_group(&client_a, InstanceRef::Alias("acme-prod"), REGION)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, InstanceError::Fallback(why)
                if why.starts_with("access denied: connect:ListInstances on acme-prod (User: ")),
            "{err:?}"
        );

        // A bare 403 (no error code the SDK can read) is a denial too.
        let describe = mock!(Client::describe_instance)
            .sequence()
            .http_status(403, None)
            .build();
        let client_b = client(&[&describe]);
        let err = flow_log_group(&client_b, InstanceRef::IdOrArn(ID), REGION)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, InstanceError::Fallback(why)
                if why == &format!("access denied: connect:DescribeInstance on {ID} (HTTP 403)")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_denied_or_failed_logging_check_is_a_note_and_the_group_is_still_named() {
        let denied_attribute = mock!(Client::describe_instance_attribute).then_error(|| {
            DescribeInstanceAttributeError::generic(denied("AccessDeniedException"))
        });
        // What moto answers: no route, an HTML 404.
        let missing_route = mock!(Client::describe_instance_attribute)
            .sequence()
            .http_status(
                404,
                Some("<!doctype html><title>404 Not Found</title>".into()),
            )
            .build();
        for (attribute, why) in [
            (
                denied_attribute,
                format!("access denied: connect:DescribeInstanceAttribute on {ID} (User: "),
            ),
            (
                missing_route,
                format!("connect:DescribeInstanceAttribute on {ID} failed: HTTP 404"),
            ),
        ] {
            let describe = describe_acme_prod();
            let client = client(&[&describe, &attribute]);
            let found = flow_log_group(&client, InstanceRef::IdOrArn(ID), REGION)
                .await
                .unwrap();
            assert_eq!(found.group, "/aws/connect/acme-prod");
            let [note] = found.notes.as_slice() else {
                panic!("one note: {:?}", found.notes)
            };
            assert!(note.starts_with(&why), "{note}");
            assert!(
                note.ends_with(
                    "cannot tell whether flow logging is on for instance acme-prod; \
                     reading /aws/connect/acme-prod if the log-group listing has it"
                ),
                "{note}"
            );
        }
    }

    #[tokio::test]
    async fn other_failures_end_the_run_with_the_action_named() {
        let list = mock!(Client::list_instances).then_error(|| {
            ListInstancesError::generic(
                ErrorMetadata::builder()
                    .code("InternalServiceException")
                    .message("try again")
                    .build(),
            )
        });
        let client = client(&[&list]);
        let err = flow_log_group(&client, InstanceRef::Alias("acme-prod"), REGION)
            .await
            .unwrap_err();
        let InstanceError::Aws(SourceError::Service(message)) = &err else {
            panic!("a service error: {err:?}")
        };
        assert_eq!(
            message,
            "connect:ListInstances on acme-prod failed: InternalServiceException: try again"
        );
    }

    #[tokio::test]
    async fn an_instance_without_an_alias_falls_back() {
        let describe = mock!(Client::describe_instance).then_output(|| {
            DescribeInstanceOutput::builder()
                .instance(aws_sdk_connect::types::Instance::builder().id(ID).build())
                .build()
        });
        let client = client(&[&describe]);
        let err = flow_log_group(&client, InstanceRef::IdOrArn(ID), REGION)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, InstanceError::Fallback(why) if why.contains("has no alias")),
            "{err:?}"
        );
    }

    #[test]
    fn instance_ids_come_from_ids_and_instance_arns_only() {
        assert_eq!(instance_id(ID), Some(ID));
        assert_eq!(
            instance_id(&format!(
                "arn:aws:connect:eu-west-2:111122223333:instance/{ID}"
            )),
            Some(ID)
        );
        assert_eq!(
            instance_id("arn:aws:connect:eu-west-2:111122223333:instance/"),
            None
        );
        assert_eq!(
            instance_id("arn:aws:lambda:eu-west-2:111122223333:function:f"),
            None
        );
        assert_eq!(instance_id("arn:aws:connect"), None);
    }
}
