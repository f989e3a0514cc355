//! `access_denied`: Connect may not invoke the function; nothing ran.

use super::{always, connect_said, no_evidence, no_hint, Rule};
use crate::classify::case::Case;
use crate::model::Rejection;

pub(super) const RULE: Rule = Rule {
    holds: |case| case.rejection() == Some(Rejection::AccessDenied),
    decides: always,
    evidence: no_evidence,
    action,
    fix,
    hint: no_hint,
    key_fact: connect_said,
};

fn action(case: &Case<'_>) -> String {
    format!(
        "Let Connect invoke {}: add it to the instance, or grant lambda:InvokeFunction",
        case.function()
    )
}

fn fix(case: &Case<'_>) -> String {
    let instance = case
        .block
        .contact_flow_id
        .as_deref()
        .and_then(instance_arn)
        .unwrap_or("<instance ARN>");
    let account = instance.split(':').nth(4).unwrap_or("<account id>");
    format!(
        "Connect may not invoke {arn}: add the function to the instance (Connect console > Flows > \
         AWS Lambda), or grant it: `aws lambda add-permission --function-name {arn} \
         --statement-id connect-invoke --action lambda:InvokeFunction --principal \
         connect.amazonaws.com --source-account {account} --source-arn {instance}`.",
        arn = case.function_arn()
    )
}

/// `arn:aws:connect:region:acct:instance/<id>` from a flow ARN.
fn instance_arn(flow_arn: &str) -> Option<&str> {
    let at = flow_arn.find(":instance/")?;
    let rest = &flow_arn[at + ":instance/".len()..];
    let id_len = rest.find('/').unwrap_or(rest.len());
    flow_arn.get(..at + ":instance/".len() + id_len)
}

#[cfg(test)]
mod tests {
    use super::instance_arn;

    #[test]
    fn the_instance_is_read_from_the_flow_arn() {
        let flow = "arn:aws:connect:us-east-1:111122223333:instance/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0/contact-flow/11111111-2222-4333-8444-555555555555";
        assert_eq!(
            instance_arn(flow),
            Some("arn:aws:connect:us-east-1:111122223333:instance/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
        );
        assert_eq!(instance_arn("arn:aws:lambda:us-east-1:1:function:f"), None);
    }
}
