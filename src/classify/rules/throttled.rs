//! `throttled`: Connect's `Results` names a throttle and no invocation ran.
//! Beside an invocation that did run, a throttle text only contributes: the
//! invocation's shape says more.

use super::{connect_said, Rule};
use crate::classify::case::Case;
use crate::classify::evidence::searched;
use crate::model::{Evidence, Rejection};
use crate::units::format_time;

pub(super) const RULE: Rule = Rule {
    holds: |case| case.rejection() == Some(Rejection::Throttled),
    decides: |case| case.inv.is_none(),
    evidence,
    action,
    fix,
    hint,
    key_fact: connect_said,
};

fn evidence(case: &Case<'_>) -> Vec<Evidence> {
    match case.inv {
        None => vec![searched(case.link)],
        Some(_) => Vec::new(),
    }
}

fn action(case: &Case<'_>) -> String {
    format!(
        "Raise {}'s reserved concurrency or the account's quota (AWS/Lambda Throttles)",
        case.function()
    )
}

fn fix(case: &Case<'_>) -> String {
    format!(
        "Lambda throttled the call and no invocation ran: check the AWS/Lambda Throttles and \
         ConcurrentExecutions metrics for {name} around {at}; raise its reserved concurrency \
         (`aws lambda put-function-concurrency --function-name {name} \
         --reserved-concurrent-executions N`) or the account's concurrent executions quota. If \
         Results names Connect's concurrent Lambda limit, request a higher Connect quota for the \
         instance.",
        name = case.function(),
        at = format_time(case.block.timestamp)
    )
}

fn hint(_: &Case<'_>) -> Option<String> {
    Some("Also: Connect's Results names a throttle.".into())
}
