//! `flow_logging_off`: the instance's flows write no logs
//! (`DescribeInstanceAttribute`, `CONTACTFLOW_LOGS` is `false`). Nothing
//! breaks for callers, but every later diagnosis is blind: `scan`,
//! `explain` and `watch` have nothing to read, and `check` sees no
//! throttles in the flow logs. Medium: it breaks the next incident's
//! diagnosis, not a call. Live only: files cannot say it.

use super::CheckInput;
use crate::model::conventions::connect_group;
use crate::model::{Fact, FactValue, Finding, Kind, Severity};

pub(super) fn findings(input: &CheckInput<'_>) -> Vec<Finding> {
    let Some(instance) = input.instance.filter(|i| i.flow_logs == Some(false)) else {
        return Vec::new();
    };
    let name = instance
        .alias
        .clone()
        .unwrap_or_else(|| instance.id.clone());
    let group = instance.alias.as_deref().map(connect_group);
    let region = if instance.region.is_empty() {
        String::new()
    } else {
        format!(" --region {}", instance.region)
    };
    vec![Finding {
        kind: Kind::FlowLoggingOff,
        severity: Severity::Medium,
        flow: None,
        function: None,
        blocks: Vec::new(),
        facts: vec![
            Fact::new("instance_id", FactValue::Names(vec![instance.id.clone()])),
            Fact::new(
                "instance_alias",
                instance
                    .alias
                    .clone()
                    .map_or(FactValue::Null, |a| FactValue::Names(vec![a])),
            ),
            Fact::new(
                "attribute",
                FactValue::Names(vec!["CONTACTFLOW_LOGS".into()]),
            ),
            Fact::new(
                "log_group",
                group
                    .clone()
                    .map_or(FactValue::Null, |g| FactValue::Names(vec![g])),
            ),
        ],
        key_fact: format!("flow logging is off on instance {name}: no failure can be diagnosed"),
        action: format!("Turn on flow logs for {name} and log from the start of each flow"),
        fix: format!(
            "Amazon Connect instance {name} ({id}) writes no flow logs{to}: when a Lambda block \
             fails, nothing says which contact, which block or why, and `scan`, `explain` and \
             `watch` have nothing to read. Turn them on: in the Amazon Connect console, check \
             \"Enable flow logs\" under the instance's Data storage settings, or run `aws connect \
             update-instance-attribute --instance-id {id} --attribute-type CONTACTFLOW_LOGS \
             --value true{region}`; then start each flow with a \"Set logging behavior\" block \
             that enables logging. Contacts handled after that are logged.",
            id = instance.id,
            to = group.map(|g| format!(" (to {g})")).unwrap_or_default(),
        ),
    }]
}
