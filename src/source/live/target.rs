//! Which Connect flow-log group a live run reads: named outright, the
//! group of the instance Amazon Connect's API finds for `--instance` (see
//! `instance`), or, when Connect cannot be asked, found among the account's
//! `/aws/connect/` groups.

use super::groups::{list_groups, Listing};
use super::instance::{self, InstanceError, InstanceRef};
use crate::model::conventions::{connect_group, is_connect_group, is_uuid, CONNECT_GROUP_PREFIX};
use crate::source::SourceError;

/// Which Connect flow-log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `--log-group`, named outright.
    Group(String),
    /// `--instance` given as an alias: `/aws/connect/<alias>`.
    Alias(String),
    /// `--instance` given as an instance id or ARN.
    InstanceId(String),
    /// Neither: the only `/aws/connect/` group of the account.
    Any,
}

impl Target {
    pub fn from_args(instance: Option<&str>, log_group: Option<&str>) -> Target {
        match (log_group, instance) {
            (Some(g), _) => Target::Group(g.to_string()),
            (None, Some(i)) if i.starts_with("arn:") || is_uuid(i) => {
                Target::InstanceId(i.to_string())
            }
            (None, Some(alias)) => Target::Alias(alias.to_string()),
            (None, None) => Target::Any,
        }
    }

    /// The instance to ask Connect's API about: the one `--instance` names,
    /// unless `--log-group` named the group outright.
    fn instance(&self) -> Option<InstanceRef<'_>> {
        match self {
            Target::Alias(alias) => Some(InstanceRef::Alias(alias)),
            Target::InstanceId(id) => Some(InstanceRef::IdOrArn(id)),
            Target::Group(_) | Target::Any => None,
        }
    }
}

/// The Connect group to query, checked to exist, and the `/aws/connect/`
/// groups of the account (for messages).
pub(super) async fn resolve_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    connect: &aws_sdk_connect::Client,
    target: &Target,
    region: &str,
) -> Result<(String, Vec<String>), SourceError> {
    let from_connect = match target.instance() {
        Some(wanted) => ask_connect(connect, wanted, region).await?,
        None => None,
    };
    let connect_groups = list_groups(logs, Listing::Prefix(CONNECT_GROUP_PREFIX)).await?;
    let listing = || {
        if connect_groups.is_empty() {
            format!("no {CONNECT_GROUP_PREFIX} log group exists in {region}")
        } else {
            format!(
                "the {CONNECT_GROUP_PREFIX} log groups in {region}: {}",
                connect_groups.join(", ")
            )
        }
    };
    let group = match (from_connect, target) {
        (Some(group), _) => group,
        (None, Target::Group(g)) => g.clone(),
        (None, Target::Alias(alias)) => connect_group(alias),
        (None, Target::InstanceId(id)) => match connect_groups.as_slice() {
            [only] => {
                eprintln!(
                    "note: instance {id}: using {only}, the only {CONNECT_GROUP_PREFIX} log group \
                     (pass --instance <alias> or --log-group to be explicit)"
                );
                only.clone()
            }
            _ => {
                return Err(SourceError::Config(format!(
                    "cannot tell which log group belongs to instance {id} (Amazon Connect could \
                     not say: see the note above): pass --instance <alias> or --log-group; {}",
                    listing()
                )))
            }
        },
        (None, Target::Any) => match connect_groups.as_slice() {
            [only] => only.clone(),
            [] => return Err(SourceError::Service(format!(
                "no Amazon Connect flow-log group: {}; enable flow logs on the instance, or name the group with --log-group",
                listing()
            ))),
            _ => return Err(SourceError::Config(format!(
                "several Connect flow-log groups: pick one with --instance <alias> or --log-group; {}",
                listing()
            ))),
        },
    };
    let exists = if is_connect_group(&group) {
        connect_groups.contains(&group)
    } else {
        list_groups(logs, Listing::Prefix(&group))
            .await?
            .contains(&group)
    };
    if !exists {
        return Err(SourceError::Service(format!(
            "log group {group} not found; {}",
            listing()
        )));
    }
    Ok((group, connect_groups))
}

/// The group Connect's API names for `wanted`, its notes said on stderr;
/// `None` when Connect could not be asked or cannot name it (the listing
/// decides, as it did before the tool asked Connect).
async fn ask_connect(
    connect: &aws_sdk_connect::Client,
    wanted: InstanceRef<'_>,
    region: &str,
) -> Result<Option<String>, SourceError> {
    match instance::flow_log_group(connect, wanted, region).await {
        Ok(found) => {
            for note in &found.notes {
                eprintln!("note: {note}");
            }
            Ok(Some(found.group))
        }
        Err(InstanceError::Fallback(why)) => {
            eprintln!("note: {why}; falling back to the {CONNECT_GROUP_PREFIX} log-group listing");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_and_arns_are_told_from_aliases() {
        assert_eq!(
            Target::from_args(Some("acme-prod"), None),
            Target::Alias("acme-prod".into())
        );
        let id = "3ff2093d-af96-43fd-b038-3c07cdd7609c";
        assert_eq!(
            Target::from_args(Some(id), None),
            Target::InstanceId(id.into())
        );
        let arn = format!("arn:aws:connect:us-east-1:111122223333:instance/{id}");
        assert_eq!(
            Target::from_args(Some(&arn), None),
            Target::InstanceId(arn.clone())
        );
        assert_eq!(
            Target::from_args(Some(id), Some("/custom/flows")),
            Target::Group("/custom/flows".into())
        );
        assert_eq!(Target::from_args(None, None), Target::Any);
    }
}
