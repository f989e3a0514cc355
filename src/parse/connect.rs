//! Amazon Connect flow-log entries (`/aws/connect/<alias>`).
//!
//! Entries are compact single-line JSON objects whose key order is not
//! guaranteed, so they are parsed as JSON, never by position. Fields are read
//! as borrowed raw values and interpreted leniently (a number where a string
//! was expected is stringified) so one odd field does not lose the entry.

use crate::model::conventions::is_lambda_module_type;
use crate::model::{FlowEntry, LambdaBlock, Millis, Origin};
use crate::parse::jsonutil::{compact_json, opt_text, raw_text};
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Why a Connect log line could not be used. The `Display` text is the
/// reason counted in `inputs.skipped` and shown with file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectParseError {
    #[error("not a JSON object")]
    NotJson,
    #[error("missing field {0}")]
    MissingField(&'static str),
    #[error("bad Timestamp {0:?}")]
    BadTimestamp(String),
}

/// The top-level keys we use; every other key is ignored.
#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(rename = "ContactId", borrow)]
    contact_id: Option<&'a RawValue>,
    #[serde(rename = "ContactFlowId", borrow)]
    contact_flow_id: Option<&'a RawValue>,
    #[serde(rename = "ContactFlowName", borrow)]
    contact_flow_name: Option<&'a RawValue>,
    #[serde(rename = "ContactFlowModuleType", borrow)]
    module_type: Option<&'a RawValue>,
    #[serde(rename = "Identifier", borrow)]
    identifier: Option<&'a RawValue>,
    #[serde(rename = "Timestamp", borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(rename = "Results", borrow)]
    results: Option<&'a RawValue>,
    #[serde(rename = "ExternalResults", borrow)]
    external_results: Option<&'a RawValue>,
    #[serde(rename = "Parameters", borrow)]
    parameters: Option<&'a RawValue>,
}

/// The `Parameters` keys of a Lambda block.
#[derive(Deserialize)]
struct LambdaParams<'a> {
    #[serde(rename = "FunctionArn", borrow)]
    function_arn: Option<&'a RawValue>,
    #[serde(rename = "TimeLimit", borrow)]
    time_limit: Option<&'a RawValue>,
    #[serde(rename = "InvocationTimeLimitSeconds", borrow)]
    time_limit_seconds: Option<&'a RawValue>,
    #[serde(rename = "InvocationType", borrow)]
    invocation_type: Option<&'a RawValue>,
}

/// A `TimeLimit` at or below this is in seconds (legacy exports store `"8"`);
/// no real block waits 8 ms or less.
const MAX_SECONDS_TIME_LIMIT: f64 = 8.0;

/// Parse one flow-log entry. `event_timestamp` is the CloudWatch event time,
/// used only when the entry has no `Timestamp` of its own.
pub fn parse_flow_entry(
    message: &str,
    event_timestamp: Millis,
    origin: Origin,
) -> Result<FlowEntry, ConnectParseError> {
    // Cheap rejection before any JSON work; also keeps arrays and scalars
    // (which serde would happily map onto a struct by position) out.
    let message = message.trim();
    if !message.starts_with('{') {
        return Err(ConnectParseError::NotJson);
    }
    let raw: RawEntry<'_> =
        serde_json::from_str(message).map_err(|_| ConnectParseError::NotJson)?;

    let contact_id =
        opt_text(raw.contact_id).ok_or(ConnectParseError::MissingField("ContactId"))?;
    let module_type = opt_text(raw.module_type)
        .ok_or(ConnectParseError::MissingField("ContactFlowModuleType"))?;
    let timestamp = match raw.timestamp {
        Some(ts) => parse_timestamp(ts)?,
        None => event_timestamp,
    };
    let lambda = if is_lambda_module_type(&module_type) {
        raw.parameters.and_then(lambda_block)
    } else {
        None
    };
    let results = opt_text(raw.results);
    Ok(FlowEntry {
        rejection: results.as_deref().and_then(connect_rejection),
        contact_id,
        contact_flow_id: opt_text(raw.contact_flow_id),
        contact_flow_name: opt_text(raw.contact_flow_name),
        module_type,
        identifier: opt_text(raw.identifier),
        timestamp,
        results,
        has_external_results: raw.external_results.is_some(),
        lambda,
        parameters: raw.parameters.map(|p| compact_json(p.get())),
        origin,
    })
}

/// What pass 1 needs of most entries, without building a `FlowEntry`.
#[derive(Debug)]
pub struct FlowPeek<'a> {
    pub contact_id: Cow<'a, str>,
    pub module_type: Cow<'a, str>,
    pub timestamp: Millis,
}

impl FlowPeek<'_> {
    /// Whether the entry is an "Invoke AWS Lambda function" block (only
    /// such an entry can carry a `LambdaBlock`).
    pub fn is_lambda_type(&self) -> bool {
        is_lambda_module_type(&self.module_type)
    }
}

/// The first checks of `parse_flow_entry`, with the same errors in the same
/// order, borrowing instead of allocating: `Ok` here if and only if
/// `parse_flow_entry` is `Ok`, with the same contact, type and timestamp.
pub fn peek_flow_entry(
    message: &str,
    event_timestamp: Millis,
) -> Result<FlowPeek<'_>, ConnectParseError> {
    let message = message.trim();
    if !message.starts_with('{') {
        return Err(ConnectParseError::NotJson);
    }
    if let Some(sure) = scan::peek(message, event_timestamp) {
        return sure;
    }
    peek_serde(message, event_timestamp)
}

/// `peek_flow_entry` through serde, for what the scanner is not sure of.
fn peek_serde(message: &str, event_timestamp: Millis) -> Result<FlowPeek<'_>, ConnectParseError> {
    let raw: RawEntry<'_> =
        serde_json::from_str(message).map_err(|_| ConnectParseError::NotJson)?;
    let contact_id = raw
        .contact_id
        .and_then(raw_text)
        .ok_or(ConnectParseError::MissingField("ContactId"))?;
    let module_type = raw
        .module_type
        .and_then(raw_text)
        .ok_or(ConnectParseError::MissingField("ContactFlowModuleType"))?;
    let timestamp = match raw.timestamp {
        Some(ts) => parse_timestamp(ts)?,
        None => event_timestamp,
    };
    Ok(FlowPeek {
        contact_id,
        module_type,
        timestamp,
    })
}

/// Parse a `Timestamp` value: RFC 3339 (millis optional, `Z` or an offset),
/// or a bare date-time taken as UTC.
fn parse_timestamp(raw: &RawValue) -> Result<Millis, ConnectParseError> {
    let bad = || ConnectParseError::BadTimestamp(raw.get().to_string());
    let text = raw_text(raw).ok_or_else(bad)?;
    parse_iso_millis(&text).ok_or_else(bad)
}

/// ISO-8601 text to epoch milliseconds; `None` when unparsable.
pub(crate) fn parse_iso_millis(text: &str) -> Option<Millis> {
    let text = text.trim();
    if let Some(ms) = plain_iso_millis(text) {
        return Some(ms);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp_millis());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// The Lambda block from its `Parameters`; `None` without a `FunctionArn`.
fn lambda_block(params: &RawValue) -> Option<LambdaBlock> {
    if !params.get().trim_start().starts_with('{') {
        return None;
    }
    let params: LambdaParams<'_> = serde_json::from_str(params.get()).ok()?;
    let function_arn = opt_text(params.function_arn)?;
    let (function_name, qualifier) = split_function_arn(&function_arn);
    let time_limit_ms = params
        .time_limit
        .and_then(raw_text)
        .and_then(|t| time_limit_ms(&t))
        .or_else(|| {
            params
                .time_limit_seconds
                .and_then(raw_text)
                .and_then(|t| seconds_to_ms(&t))
        });
    Some(LambdaBlock {
        function_arn,
        function_name,
        qualifier,
        time_limit_ms,
        invocation_type: opt_text(params.invocation_type),
    })
}

/// `TimeLimit` in milliseconds; small values are seconds (legacy exports).
pub fn time_limit_ms(text: &str) -> Option<u32> {
    let value = positive_number(text)?;
    if value <= MAX_SECONDS_TIME_LIMIT {
        to_ms(value * 1000.0)
    } else {
        to_ms(value)
    }
}

/// `InvocationTimeLimitSeconds`, always seconds.
fn seconds_to_ms(text: &str) -> Option<u32> {
    to_ms(positive_number(text)? * 1000.0)
}

fn positive_number(text: &str) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && value > 0.0).then_some(value)
}

fn to_ms(value: f64) -> Option<u32> {
    let ms = value.round();
    (ms >= 1.0 && ms <= f64::from(u32::MAX)).then_some(ms as u32)
}

/// Split a Lambda function reference into its name and qualifier.
///
/// Accepts a full ARN (`arn:aws:lambda:region:acct:function:NAME[:QUALIFIER]`),
/// a partial one (`acct:function:NAME[:QUALIFIER]`), a bare `NAME` or
/// `NAME:QUALIFIER`. The qualifier is an alias or a version (`3`, `$LATEST`).
pub fn split_function_arn(arn: &str) -> (String, Option<String>) {
    let arn = arn.trim();
    let rest = match arn.find(":function:") {
        Some(at) => arn.get(at + ":function:".len()..).unwrap_or(""),
        // An ARN for something else: keep it whole rather than guess.
        None if arn.starts_with("arn:") => return (arn.to_string(), None),
        None => arn,
    };
    match rest.split_once(':') {
        Some((name, qualifier)) if !qualifier.is_empty() => {
            (name.to_string(), Some(qualifier.to_string()))
        }
        Some((name, _)) => (name.to_string(), None),
        None => (rest.to_string(), None),
    }
}

/// The shape Connect writes, `YYYY-MM-DDTHH:MM:SS.mmmZ`, without chrono:
/// `None` for anything else (or any value chrono might treat specially,
/// such as a leap second), which then takes the general path.
fn plain_iso_millis(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec, ms) = (num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in_month = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > days_in_month || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms)
}

mod results;
mod scan;

pub use results::connect_rejection;

#[cfg(test)]
mod tests {
    //! Unit tests for the Connect flow-log parser, on the verbatim entries of
    //! the reference (log-formats.md §1.2–1.4).

    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "connect.json".to_string(),
            line: 7,
        }
    }

    fn parse(message: &str) -> Result<FlowEntry, ConnectParseError> {
        parse_flow_entry(message, 1_000, origin())
    }

    /// 2025-11-13T08:21:57.771Z
    const T_SUCCESS: Millis = 1_763_022_117_771;

    /// §1.3 success, real capture (pretty, as re-serialized by the tracer tool).
    const SUCCESS_ALIAS: &str = r#"{
 "ContactId": "7aa1dc3e-232a-42dd-abf3-04e6b60532b3",
 "ContactFlowId": "arn:aws:connect:ap-northeast-2:637423289860:instance/08352314-25ec-473b-b997-f064366798b8/contact-flow/a576c8cf-db7d-4f9b-b743-d3283b7e01f6",
 "ContactFlowName": "00_08_Chat",
 "ContactFlowModuleType": "InvokeExternalResource",
 "Identifier": "Persistence_Chat_Init",
 "Timestamp": "2025-11-13T08:21:57.771Z",
 "ExternalResults": {
  "logMessage": "Chat session initialized",
  "isSuccess": "true"
 },
 "Parameters": {
  "FunctionArn": "arn:aws:lambda:ap-northeast-2:637423289860:function:aicc-dev-lmd-flow-chat-app:concurrency",
  "Parameters": {
   "requestType": "initConatct"
  },
  "ResponseValidation": "ResponseType=STRING_MAP",
  "TimeLimit": "3000"
 }
}"#;

    /// §1.3 failure, SkillBuilder notes.
    const GENERIC_ERROR: &str = r#"{
    "Results": "The Lambda Function Returned An Error.",
    "ContactId": "fba006bc-e6ed-4f17-b7a1-xxxxxxxxxxxx",
    "ContactFlowId": "arn:aws:connect:aws-region:xxxxxxxxxxxx:instance/...",
    "ContactFlowName": "Sample Flow name",
    "ContactFlowModuleType": "InvokeExternalResource",
    "Identifier": "0c51520c-6249-4ff9-9feb-xxxxxxxxxxxx",
    "Timestamp": "2024-05-15T11:40:34.056Z",
    "Parameters": {
           "FunctionArn": "arn:aws:lambda:aws-region:xxxxxxxxxxxx:function:...",
           "ResponseValidation": "ResponseType=STRING_MAP",
           "TimeLimit": "3000"
    }
}"#;

    /// §1.3 permission error (third-party doc; no ContactId/Timestamp in the excerpt).
    const ACCESS_DENIED: &str = r#"{
  "Results": "Status Code: 403; Error Code: AccessDeniedException",
  "ContactFlowName": "Customer profile lookup",
  "ContactFlowModuleType": "InvokeExternalResource",
  "Identifier": "Update session data Lambda",
  "Parameters": {
    "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:ConnectAssistantUpdateSessionData-dev"
  }
}"#;

    #[test]
    fn success_with_alias_arn() {
        let e = parse(SUCCESS_ALIAS).unwrap();
        assert_eq!(e.contact_id, "7aa1dc3e-232a-42dd-abf3-04e6b60532b3");
        assert_eq!(e.contact_flow_name.as_deref(), Some("00_08_Chat"));
        assert!(e
            .contact_flow_id
            .as_deref()
            .unwrap()
            .ends_with("/contact-flow/a576c8cf-db7d-4f9b-b743-d3283b7e01f6"));
        assert_eq!(e.module_type, "InvokeExternalResource");
        assert_eq!(e.identifier.as_deref(), Some("Persistence_Chat_Init"));
        assert_eq!(e.timestamp, T_SUCCESS);
        assert_eq!(e.results, None);
        assert!(e.has_external_results);
        assert!(!e.is_failed_lambda_block());
        let l = e.lambda.as_ref().unwrap();
        assert_eq!(
        l.function_arn,
        "arn:aws:lambda:ap-northeast-2:637423289860:function:aicc-dev-lmd-flow-chat-app:concurrency"
    );
        assert_eq!(l.function_name, "aicc-dev-lmd-flow-chat-app");
        assert_eq!(l.qualifier.as_deref(), Some("concurrency"));
        assert_eq!(l.time_limit_ms, Some(3000));
        assert_eq!(l.invocation_type, None);
        assert_eq!(
            e.parameters.as_deref(),
            Some(
                r#"{"FunctionArn":"arn:aws:lambda:ap-northeast-2:637423289860:function:aicc-dev-lmd-flow-chat-app:concurrency","Parameters":{"requestType":"initConatct"},"ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"3000"}"#
            )
        );
        assert_eq!(e.origin, origin());
    }

    #[test]
    fn compact_single_line_equals_pretty() {
        let compact = compact_json(SUCCESS_ALIAS);
        assert!(!compact.contains('\n'));
        assert_eq!(parse(&compact).unwrap(), parse(SUCCESS_ALIAS).unwrap());
    }

    #[test]
    fn generic_error_is_a_failed_lambda_block() {
        let e = parse(GENERIC_ERROR).unwrap();
        assert_eq!(
            e.results.as_deref(),
            Some("The Lambda Function Returned An Error.")
        );
        assert!(!e.has_external_results);
        assert!(e.is_failed_lambda_block());
        assert_eq!(e.timestamp, 1_715_773_234_056);
        let l = e.lambda.unwrap();
        assert_eq!(l.function_name, "...");
        assert_eq!(l.qualifier, None);
        assert_eq!(l.time_limit_ms, Some(3000));
    }

    #[test]
    fn access_denied_excerpt_lacks_contact_id() {
        assert_eq!(
            parse(ACCESS_DENIED),
            Err(ConnectParseError::MissingField("ContactId"))
        );
        // With a ContactId added, and no Timestamp: the event time is used.
        let with_id = ACCESS_DENIED.replacen('{', r#"{"ContactId":"c-1","#, 1);
        let e = parse(&with_id).unwrap();
        assert_eq!(e.timestamp, 1_000);
        assert_eq!(
            e.results.as_deref(),
            Some("Status Code: 403; Error Code: AccessDeniedException")
        );
        assert!(e.is_failed_lambda_block());
        let l = e.lambda.unwrap();
        assert_eq!(l.function_name, "ConnectAssistantUpdateSessionData-dev");
        assert_eq!(l.qualifier, None);
        assert_eq!(l.time_limit_ms, None);
        assert_eq!(l.limit_ms(), 8000);
    }

    /// §1.4 verbatim entries (no ContactId in the excerpts: one is added).
    const OTHER_TYPES: [&str; 5] = [
        r#"{"ContactFlowModuleType": "SetLoggingBehavior", "Identifier": "8bcd97b7-e9f2-4db0-9488-d49024266f39", "Timestamp": "2025-11-13T08:21:50.990Z", "Parameters": {"LoggingBehavior": "Enable"}}"#,
        r#"{"ContactFlowModuleType": "SetAttributes", "Identifier": "Flow Tracking", "Timestamp": "2025-11-13T08:21:51.002Z", "Parameters": {"Value": "Chat", "AddAttributeToRelatedContact": "false", "Key": "ContactFlow"}}"#,
        r#"{"Results": "false", "ContactFlowModuleType": "CheckAttribute", "Identifier": "Check voice or chat", "Timestamp": "2025-11-13T08:21:51.176Z", "Parameters": {"Value": "CHAT", "SecondValue": "VOICE", "ComparisonMethod": "Equals"}}"#,
        r#"{"ContactFlowModuleType": "ReturnFromFlowModule", "Identifier": "6d8d8dfa-f76d-423b-b179-f0e2205eddbe", "Timestamp": "2025-11-13T08:21:51.223Z", "Parameters": {}}"#,
        r#"{"ContactFlowModuleType": "TagContact", "Parameters": {"Tags": {"FromCenter": "SELRS", "FromChatChannel": "WEB"}}}"#,
    ];

    fn with_contact(entry: &str) -> String {
        entry.replacen(
            '{',
            r#"{"ContactId": "7aa1dc3e-232a-42dd-abf3-04e6b60532b3", "#,
            1,
        )
    }

    #[test]
    fn other_module_types_have_no_lambda() {
        let entries: Vec<FlowEntry> = OTHER_TYPES
            .iter()
            .map(|e| parse(&with_contact(e)).unwrap())
            .collect();
        for e in &entries {
            assert!(e.lambda.is_none());
            assert!(!e.is_failed_lambda_block());
        }
        assert_eq!(entries[0].module_type, "SetLoggingBehavior");
        assert_eq!(
            entries[0].parameters.as_deref(),
            Some(r#"{"LoggingBehavior":"Enable"}"#)
        );
        assert_eq!(entries[1].identifier.as_deref(), Some("Flow Tracking"));
        assert_eq!(entries[2].results.as_deref(), Some("false"));
        assert_eq!(entries[2].timestamp, 1_763_022_111_176);
        assert_eq!(entries[3].parameters.as_deref(), Some("{}"));
        assert_eq!(entries[4].timestamp, 1_000);
        assert_eq!(
            entries[4].parameters.as_deref(),
            Some(r#"{"Tags":{"FromCenter":"SELRS","FromChatChannel":"WEB"}}"#)
        );
    }

    #[test]
    fn current_doc_example_set_queue() {
        let e = parse(
        r#"{
    "ContactId": "11111111-2222-3333-4444-555555555555",
    "ContactFlowId": "arn:aws:connect:us-west-2:0123456789012:instance/nnnnnnnnnnn-3333-4444-5555-111111111111/contact-flow/123456789000-aaaa-bbbbbbbbb-cccccccccccc",
    "ContactFlowModuleType": "SetQueue",
    "Timestamp": "2021-04-13T00:14:31.581Z",
    "Parameters": {
        "Queue": "arn:aws:connect:us-west-2:0123456789012:instance/nnnnnnnnnnn-3333-4444-5555-111111111111/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    }
}"#,
    )
    .unwrap();
        assert_eq!(e.module_type, "SetQueue");
        assert_eq!(e.timestamp, 1_618_272_871_581);
        assert_eq!(e.identifier, None);
        assert_eq!(e.contact_flow_name, None);
    }

    #[test]
    fn doc_2017_example_has_a_malformed_timestamp() {
        // The 2017 doc example lacks seconds ("12:17.898"): reported, not guessed.
        let r = parse(
            r#"{
    "Timestamp": "2017-11-09T12:17.898Z",
    "ContactId": "f0b21968-952b-47ba-b764-f29a57bcf626",
    "ContactFlowId": "arn:aws:connect:us-east-2:0123456789012:instance/d-92673ef055/contact-flow/b1d791cf-1264-42e3-9a73-62cbcb3c9a45",
    "ContactFlowModuleType": "SetQueue",
    "Events": {
        "Queue": [
            "arn:aws:connect:us-east-2:670047220557:instance/d-92673ef044/queue/f0300e43-9547-477c-b8ba-0bb7a72f7fa1"
        ]
    }
}"#,
        );
        assert_eq!(
            r,
            Err(ConnectParseError::BadTimestamp(
                "\"2017-11-09T12:17.898Z\"".to_string()
            ))
        );
    }

    #[test]
    fn key_order_does_not_matter() {
        let a = r#"{"Results":"The Lambda Function Returned An Error.","ContactId":"c-1","ContactFlowModuleType":"InvokeExternalResource","Identifier":"b-1","Timestamp":"2024-05-15T11:40:34.056Z","Parameters":{"FunctionArn":"arn:aws:lambda:us-east-1:1:function:f:3","TimeLimit":"3000"}}"#;
        let b = r#"{"Parameters":{"TimeLimit":"3000","FunctionArn":"arn:aws:lambda:us-east-1:1:function:f:3"},"Timestamp":"2024-05-15T11:40:34.056Z","Identifier":"b-1","ContactFlowModuleType":"InvokeExternalResource","ContactId":"c-1","Results":"The Lambda Function Returned An Error.","Unknown":{"x":[1,2]}}"#;
        let (ea, eb) = (parse(a).unwrap(), parse(b).unwrap());
        assert_eq!(ea.lambda, eb.lambda);
        assert_eq!(ea.dedup_key(), eb.dedup_key());
        assert_eq!(ea.results, eb.results);
        let l = ea.lambda.unwrap();
        assert_eq!(
            (l.function_name.as_str(), l.qualifier.as_deref()),
            ("f", Some("3"))
        );
    }

    #[test]
    fn missing_required_fields() {
        assert_eq!(
            parse(r#"{"ContactFlowModuleType":"PlayPrompt"}"#),
            Err(ConnectParseError::MissingField("ContactId"))
        );
        assert_eq!(
            parse(r#"{"ContactId":"c-1"}"#),
            Err(ConnectParseError::MissingField("ContactFlowModuleType"))
        );
        assert_eq!(
            parse(r#"{"ContactId":null,"ContactFlowModuleType":"PlayPrompt"}"#),
            Err(ConnectParseError::MissingField("ContactId"))
        );
        assert_eq!(
            parse(r#"{"ContactId":{"a":1},"ContactFlowModuleType":"PlayPrompt"}"#),
            Err(ConnectParseError::MissingField("ContactId"))
        );
    }

    fn lambda_entry(params: &str) -> String {
        format!(
            r#"{{"Results":"x","ContactId":"c-1","ContactFlowModuleType":"InvokeExternalResource","Parameters":{params}}}"#
        )
    }

    fn limit(params: &str) -> Option<u32> {
        parse(&lambda_entry(params))
            .unwrap()
            .lambda
            .and_then(|l| l.time_limit_ms)
    }

    #[test]
    fn time_limit_units() {
        assert_eq!(
            limit(r#"{"FunctionArn":"f","TimeLimit":"3000"}"#),
            Some(3000)
        );
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"8"}"#), Some(8000));
        assert_eq!(
            limit(r#"{"FunctionArn":"f","TimeLimit":"2.5"}"#),
            Some(2500)
        );
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":3000}"#), Some(3000));
        assert_eq!(
            limit(r#"{"FunctionArn":"f","TimeLimit":" 8000 "}"#),
            Some(8000)
        );
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"soon"}"#), None);
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"0"}"#), None);
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"-5"}"#), None);
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"NaN"}"#), None);
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":"1e40"}"#), None);
        assert_eq!(limit(r#"{"FunctionArn":"f","TimeLimit":null}"#), None);
        assert_eq!(
            limit(r#"{"FunctionArn":"f","InvocationTimeLimitSeconds":"5"}"#),
            Some(5000)
        );
        assert_eq!(
            limit(r#"{"FunctionArn":"f","InvocationTimeLimitSeconds":20}"#),
            Some(20000)
        );
        // TimeLimit wins when both are present.
        assert_eq!(
            limit(r#"{"FunctionArn":"f","TimeLimit":"3000","InvocationTimeLimitSeconds":"8"}"#),
            Some(3000)
        );
    }

    #[test]
    fn invocation_type_and_flow_language_name() {
        let e = parse(
        r#"{"ContactId":"c-1","ContactFlowModuleType":"InvokeLambdaFunction","Parameters":{"FunctionArn":"my-fn:live","InvocationType":"ASYNCHRONOUS"}}"#,
    )
    .unwrap();
        let l = e.lambda.unwrap();
        assert_eq!(l.function_name, "my-fn");
        assert_eq!(l.qualifier.as_deref(), Some("live"));
        assert_eq!(l.invocation_type.as_deref(), Some("ASYNCHRONOUS"));
    }

    #[test]
    fn lambda_block_without_function_arn() {
        for params in [
            r#"{}"#,
            r#"{"TimeLimit":"3000"}"#,
            r#""text""#,
            "[1]",
            "null",
        ] {
            let e = parse(&lambda_entry(params)).unwrap();
            assert_eq!(e.lambda, None, "{params}");
        }
        let e = parse(&lambda_entry("null")).unwrap();
        assert_eq!(e.parameters, None);
    }

    #[test]
    fn results_are_stringified_and_external_results_any_value() {
        let e = parse(r#"{"ContactId":"c","ContactFlowModuleType":"X","Results":true}"#).unwrap();
        assert_eq!(e.results.as_deref(), Some("true"));
        let e = parse(r#"{"ContactId":"c","ContactFlowModuleType":"X","Results":42}"#).unwrap();
        assert_eq!(e.results.as_deref(), Some("42"));
        let e =
            parse(r#"{"ContactId":"c","ContactFlowModuleType":"X","ExternalResults":{}}"#).unwrap();
        assert!(e.has_external_results);
        let e = parse(r#"{"ContactId":"c","ContactFlowModuleType":"X","ExternalResults":"ok"}"#)
            .unwrap();
        assert!(e.has_external_results);
        let e = parse(r#"{"ContactId":"c","ContactFlowModuleType":"X"}"#).unwrap();
        assert!(!e.has_external_results);
        assert_eq!(e.parameters, None);
    }

    #[test]
    fn timestamp_variants() {
        let at = |ts: &str| {
            parse(&format!(
                r#"{{"ContactId":"c","ContactFlowModuleType":"X","Timestamp":"{ts}"}}"#
            ))
        };
        assert_eq!(at("2025-11-13T08:21:57.771Z").unwrap().timestamp, T_SUCCESS);
        assert_eq!(
            at("2025-11-13T08:21:57Z").unwrap().timestamp,
            T_SUCCESS - 771
        );
        assert_eq!(
            at("2025-11-13T17:21:57.771+09:00").unwrap().timestamp,
            T_SUCCESS
        );
        assert_eq!(at("2025-11-13T08:21:57.771").unwrap().timestamp, T_SUCCESS);
        assert_eq!(
            at("yesterday"),
            Err(ConnectParseError::BadTimestamp("\"yesterday\"".to_string()))
        );
        assert!(matches!(
            parse(r#"{"ContactId":"c","ContactFlowModuleType":"X","Timestamp":{}}"#),
            Err(ConnectParseError::BadTimestamp(_))
        ));
    }

    #[test]
    fn garbage_truncated_and_non_objects() {
        let truncated = &GENERIC_ERROR[..GENERIC_ERROR.len() / 2];
        for bad in [
            "",
            "   ",
            "garbage",
            "START RequestId: x",
            truncated,
            "[1,2]",
            r#""a string""#,
            "42",
            "null",
            "{",
            "{\"ContactId\":",
            "{}}",
        ] {
            assert_eq!(parse(bad), Err(ConnectParseError::NotJson), "{bad:?}");
        }
        assert_eq!(
            parse("{}"),
            Err(ConnectParseError::MissingField("ContactId"))
        );
    }

    #[test]
    fn odd_json_is_refused_with_a_reason() {
        // A NUL where a key should be is not JSON; a ContactId that is not
        // valid text (a lone surrogate) is as good as missing; a number out
        // of range in a field nobody reads is not the problem.
        assert_eq!(parse("{\u{0}}"), Err(ConnectParseError::NotJson));
        assert_eq!(
            parse("{\"ContactId\":\"\\ud800\"}"),
            Err(ConnectParseError::MissingField("ContactId"))
        );
        assert_eq!(
            parse("{\"a\":1e999999}"),
            Err(ConnectParseError::MissingField("ContactId"))
        );
    }

    #[test]
    fn split_function_arn_forms() {
        let s = |a: &str| {
            let (n, q) = split_function_arn(a);
            (n, q)
        };
        let own = |n: &str, q: Option<&str>| (n.to_string(), q.map(str::to_string));
        assert_eq!(
        s("arn:aws:lambda:ap-northeast-2:637423289860:function:aicc-dev-lmd-flow-chat-app:concurrency"),
        own("aicc-dev-lmd-flow-chat-app", Some("concurrency"))
    );
        assert_eq!(
        s("arn:aws:lambda:us-east-1:123456789012:function:ConnectAssistantUpdateSessionData-dev"),
        own("ConnectAssistantUpdateSessionData-dev", None)
    );
        assert_eq!(
            s("arn:aws:lambda:us-east-1:1:function:f:3"),
            own("f", Some("3"))
        );
        assert_eq!(
            s("arn:aws:lambda:us-east-1:1:function:f:$LATEST"),
            own("f", Some("$LATEST"))
        );
        assert_eq!(s("123456789012:function:f:live"), own("f", Some("live")));
        assert_eq!(s("my-function"), own("my-function", None));
        assert_eq!(s("my-function:prod"), own("my-function", Some("prod")));
        assert_eq!(s("my-function:"), own("my-function", None));
        assert_eq!(
            s("arn:aws:sqs:us-east-1:1:q"),
            own("arn:aws:sqs:us-east-1:1:q", None)
        );
        assert_eq!(s(""), own("", None));
    }

    /// The scanner behind `peek_flow_entry` answers exactly as serde does
    /// whenever it answers at all: checked on entries and many mutations.
    #[test]
    fn peek_scanner_agrees_with_serde() {
        let samples = [
            r#"{"Results":"The Lambda Function Returned An Error.","ContactId":"6ff6dced-2e28-446a-b191-f99287b76aad","ContactFlowId":"arn:aws:connect:us-east-1:1:instance/x/contact-flow/y","ContactFlowName":"Billing","ContactFlowModuleType":"InvokeExternalResource","Identifier":"Order status 3","Timestamp":"2026-11-28T00:56:28.034Z","Parameters":{"FunctionArn":"arn:aws:lambda:us-east-1:1:function:order-status","Parameters":{"contactId":"6ff6","n":[1,-2.5e3,true,false,null,{}]},"TimeLimit":"3000"}}"#,
            r#"{"ContactId":"c","ContactFlowModuleType":"PlayPrompt","Timestamp":"2026-02-29T23:59:59.999Z","Parameters":{"Text":"Say \"hi\"\n\\ /"}}"#,
            r#"{ "ContactId" : "c" , "ContactFlowModuleType" : "SetQueue" , "Parameters" : { } , "x" : [ ] }"#,
            r#"{"ContactFlowModuleType":"PlayPrompt"}"#,
            r#"{"ContactId":"c"}"#,
            r#"{"ContactId":"c","ContactFlowModuleType":"X","Timestamp":"2026-13-28T00:56:28.034Z"}"#,
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut rand = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let alphabet = b"{}[]:,\"\\ 0123456789.-+eEtrufalsn\tuxZT\x01";
        let mut checked = 0;
        for sample in samples {
            for round in 0..4000 {
                let mut bytes = sample.as_bytes().to_vec();
                for _ in 0..(round % 3 + usize::from(round > 0)) {
                    let at = rand(bytes.len() + 1);
                    match rand(3) {
                        0 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        1 if at < bytes.len() => bytes[at] = alphabet[rand(alphabet.len())],
                        _ => bytes.insert(at, alphabet[rand(alphabet.len())]),
                    }
                }
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                let text = text.trim();
                if !text.starts_with('{') {
                    continue;
                }
                if let Some(fast) = super::scan::peek(text, 42) {
                    let slow = super::peek_serde(text, 42);
                    let key = |r: &Result<FlowPeek<'_>, ConnectParseError>| {
                        r.as_ref()
                            .map(|p| {
                                (
                                    p.contact_id.to_string(),
                                    p.module_type.to_string(),
                                    p.timestamp,
                                )
                            })
                            .map_err(Clone::clone)
                    };
                    assert_eq!(key(&fast), key(&slow), "{text}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 1000,
            "only {checked} mutations were decided by the scanner"
        );
    }
}
