//! What AWS defines, and the allowances this tool adds to it: log-group
//! names, block types, limits and defaults. Every stage reads them from
//! here, so a limit or a name is written once.

use super::Millis;

/// Amazon Connect's flow-log groups: `/aws/connect/<instance alias>`.
pub const CONNECT_GROUP_PREFIX: &str = "/aws/connect/";

/// Lambda's default log groups: `/aws/lambda/<function name>`.
pub const LAMBDA_GROUP_PREFIX: &str = "/aws/lambda/";

/// The flow-log group of the instance with this alias.
pub fn connect_group(alias: &str) -> String {
    format!("{CONNECT_GROUP_PREFIX}{alias}")
}

/// Whether `group` is named like a Connect flow-log group.
pub fn is_connect_group(group: &str) -> bool {
    group.starts_with(CONNECT_GROUP_PREFIX)
}

/// Where a function logs unless its `LoggingConfig.LogGroup` says otherwise.
pub fn default_lambda_group(function: &str) -> String {
    format!("{LAMBDA_GROUP_PREFIX}{function}")
}

/// The function a Lambda log group belongs to: `/aws/lambda/<name>`, or the
/// group's last path component for a custom `LoggingConfig.LogGroup`.
pub fn function_of_group(group: &str) -> &str {
    match group.strip_prefix(LAMBDA_GROUP_PREFIX) {
        Some(name) => name,
        None => group.rsplit('/').next().unwrap_or(group),
    }
}

/// `ContactFlowModuleType`s of an "Invoke AWS Lambda function" block: the
/// name flow logs use, and the flow-language name in case a log ever uses it
/// (reference §0.2).
pub const LAMBDA_MODULE_TYPES: [&str; 2] = ["InvokeExternalResource", "InvokeLambdaFunction"];

pub fn is_lambda_module_type(module_type: &str) -> bool {
    LAMBDA_MODULE_TYPES.contains(&module_type)
}

/// Connect's maximum synchronous block limit: the limit assumed when an
/// entry logs no `TimeLimit`.
pub const DEFAULT_BLOCK_LIMIT_MS: u32 = 8_000;

/// Lambda's limit on an on-demand init phase (10 s).
pub const INIT_LIMIT_MS: f64 = 10_000.0;

/// Connect's clock runs from its side of the call: the invoke round trip
/// comes on top of what Lambda reports. A wait this close to a block's limit
/// counts as over it (the reference's real case: init 303 ms + duration
/// 2694 ms = 2997 ms failed a 3000 ms block). An allowance of this tool's,
/// not an AWS figure.
pub const INVOKE_OVERHEAD_MS: f64 = 100.0;

/// Connect retries an error "up to three times" within the block's limit.
pub const MAX_CONNECT_RETRIES: usize = 3;

/// Slack on both sides of a block's link window: clock skew between Connect
/// and Lambda, and Connect's own latency. An allowance of this tool's.
pub const CLOCK_SLACK_MS: Millis = 2_000;

/// Logs Insights list price per GB scanned (us-east-1). From third-party
/// pages, not AWS's pricing page (reference §5.2): an estimate.
pub const INSIGHTS_USD_PER_GB: f64 = 0.005;

/// `BatchGetTraces` takes one to five trace ids per call.
pub const XRAY_IDS_PER_CALL: usize = 5;

// ---------------------------------------------------------------------------
// `check`: the flow language, the budgets, and this tool's thresholds
// ---------------------------------------------------------------------------

/// The flow-language `Type` of an "Invoke AWS Lambda function" block
/// (flow logs call it `InvokeExternalResource`).
pub const INVOKE_LAMBDA_ACTION: &str = "InvokeLambdaFunction";

/// The flow-language `Type` that ends a contact.
pub const DISCONNECT_ACTION: &str = "DisconnectParticipant";

/// Connect's maximum limit of a synchronous Lambda block: "a maximum of 8
/// seconds for Synchronous mode" (admin guide, invoke-lambda-function-block;
/// the flow language: `InvocationTimeLimitSeconds` "no larger than 8").
pub const MAX_SYNC_BLOCK_LIMIT_MS: u32 = DEFAULT_BLOCK_LIMIT_MS;

/// Connect's maximum limit of an asynchronous Lambda block: "60 seconds
/// for Asynchronous mode" (same page).
pub const MAX_ASYNC_BLOCK_LIMIT_MS: u32 = 60_000;

/// "Amazon Connect limits the duration of a sequence of Lambda functions to
/// 20 seconds" (admin guide 2019-2023, best practices for invoking several
/// functions). Never on the quotas page, and its current status is unknown
/// (reference §0b.5): a warning, not a rule. [?] whether asynchronous
/// invocations count: taken as not (the contact moves on at once).
pub const LAMBDA_CHAIN_LIMIT_MS: u32 = 20_000;

/// Blocks that play audio, take input or wait, so that a caller is not
/// left in silence: a chain of Lambda calls ends at them. The admin guide
/// names the Play prompt block (`MessageParticipant`); the others play or
/// collect audio too (Loop prompts, Get customer input with DTMF or Lex),
/// as the AWS posture-assessment sample's chain check also lists them; and
/// the Wait block, where the contact waits for an event instead of a
/// function. Any other block (attributes, checks, logging...) runs at once
/// and does not break a chain. [?] Connect's own accounting of the chain.
pub const CHAIN_BREAKING_ACTIONS: [&str; 5] = [
    "MessageParticipant",
    "MessageParticipantIteratively",
    "GetParticipantInput",
    "ConnectParticipantWithLexBot",
    "Wait",
];

/// Lambda's default timeout: "The default is 3 seconds" (CreateFunction).
pub const DEFAULT_FUNCTION_TIMEOUT_S: u32 = 3;

/// The share of a block's limit a successful call may take before it is a
/// near miss, and the Duration alarm's threshold. This tool's allowance
/// (issue #14), not an AWS figure.
pub const HEADROOM_SHARE: f64 = 0.8;

/// A near miss whose p95 reaches this share of the limit is `high`: one
/// call in twenty is within 5 % of failing. This tool's allowance.
pub const NEAR_MISS_HIGH_SHARE: f64 = 0.95;

/// Fewer successful calls of a block than this say nothing of its p95: no
/// near miss is reported on them. This tool's allowance.
pub const NEAR_MISS_MIN_CALLS: usize = 5;

/// Concurrency at or above this share of its ceiling (the function's
/// reserved concurrency, or the account's unreserved concurrency) is a
/// throttle waiting for the next peak: `throttling` says so (medium). This
/// tool's allowance, the same 80 % as the headroom.
pub const CONCURRENCY_NEAR_SHARE: f64 = 0.8;

/// The interval of the metrics read over a period: CloudWatch keeps
/// 1-minute points for 15 days, 5-minute points for 63 days and hourly
/// points for 455 days (CloudWatch concepts, "Metrics retention"), and a
/// request for older data must use at least that interval. Within that,
/// at most `MAX_METRIC_POINTS` points per metric.
pub fn metric_period_s(start_age_s: i64, span_s: i64) -> u32 {
    const DAY: i64 = 86_400;
    let floor: u32 = if start_age_s > 63 * DAY {
        3_600
    } else if start_age_s > 15 * DAY {
        300
    } else {
        60
    };
    let mut period = floor;
    for candidate in [60u32, 300, 3_600, 86_400] {
        period = candidate.max(floor);
        if span_s / i64::from(period) <= MAX_METRIC_POINTS {
            break;
        }
    }
    period
}

/// The most points per metric `check` asks for (a week of 5-minute points).
pub const MAX_METRIC_POINTS: i64 = 2_016;

/// Runtimes whose init is heavy (a JVM or the .NET runtime starting): the
/// ones SnapStart was made for. This tool's reading of the SnapStart
/// documentation, by `Runtime` prefix (`java21`, `dotnet8`). [?]
pub const HEAVY_INIT_RUNTIMES: [&str; 2] = ["java", "dotnet"];

/// Whether a `Runtime` value is one of `HEAVY_INIT_RUNTIMES`.
pub fn is_heavy_init_runtime(runtime: &str) -> bool {
    HEAVY_INIT_RUNTIMES.iter().any(|p| runtime.starts_with(p))
}

/// CloudWatch's namespace of Lambda's metrics.
pub const LAMBDA_METRICS_NAMESPACE: &str = "AWS/Lambda";

/// The alarms `check --emit-alarms` writes look at one-minute periods and
/// fire on the first one that breaches: a caller who hit the limit does
/// not wait for a second minute. This tool's choice.
pub const ALARM_PERIOD_S: u32 = 60;
pub const ALARM_EVALUATION_PERIODS: u32 = 1;

/// Whether `name` is a Lambda function name as AWS allows it (letters,
/// digits, `-` and `_`, at most 64): only such names are written into
/// alarm templates and shell commands.
pub fn is_lambda_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` is a UUID (8-4-4-4-12 hex digits), as contact ids and
/// request ids are.
pub fn is_uuid(text: &str) -> bool {
    is_uuid_bytes(text.as_bytes())
}

/// UUID-shaped tokens (8-4-4-4-12 hex digits) in `text`, found whole:
/// contact ids a function logged, request ids to keep whole when masking.
pub fn uuid_tokens(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + 36 <= bytes.len() {
            let start = at;
            at += 1;
            let before_ok = start == 0 || !bytes[start - 1].is_ascii_hexdigit();
            let after_ok = bytes.get(start + 36).is_none_or(|b| !b.is_ascii_hexdigit());
            if before_ok && after_ok && is_uuid_bytes(&bytes[start..start + 36]) {
                at = start + 36;
                return text.get(start..start + 36);
            }
        }
        None
    })
}

fn is_uuid_bytes(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_round_trip() {
        assert_eq!(connect_group("acme-prod"), "/aws/connect/acme-prod");
        assert!(is_connect_group(&connect_group("acme-prod")));
        assert!(!is_connect_group("/aws/lambda/acme"));
        assert_eq!(function_of_group(&default_lambda_group("crm")), "crm");
        assert_eq!(function_of_group("/custom/logs/crm-lookup"), "crm-lookup");
        assert_eq!(function_of_group("crm"), "crm");
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("3ff2093d-af96-43fd-b038-3c07cdd7609c"));
        assert!(!is_uuid("3ff2093d-af96-43fd-b038-3c07cdd7609"));
        assert!(!is_uuid("3ff2093d_af96-43fd-b038-3c07cdd7609c"));
        assert!(!is_uuid("acme-prod"));
    }
}
