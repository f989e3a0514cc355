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
fn time_limit_ms(text: &str) -> Option<u32> {
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
mod tests;
