//! What every format shares once an event's fields are found: timestamp
//! parsing, the skipped-line tally, and handing a checked event to the sink.

use super::RawEvent;
use crate::model::{Millis, SkippedLines};
use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

/// Why a line or element was not delivered. Fixed phrases: they are the
/// keys of `InputFileSummary.skipped`.
pub(super) mod reason {
    pub const NOT_JSON: &str = "not JSON";
    pub const INVALID_UTF8: &str = "invalid UTF-8";
    pub const NOT_AN_EVENT: &str = "not an event object";
    pub const MISSING_TIMESTAMP: &str = "missing timestamp";
    pub const BAD_TIMESTAMP: &str = "bad timestamp";
    pub const MISSING_MESSAGE: &str = "missing message";
    pub const BAD_MESSAGE: &str = "message not a string";
    pub const LINE_TOO_LONG: &str = "line too long";
}

/// Line numbers kept per reason; `count` still counts them all.
const MAX_LINES_PER_REASON: usize = 100;

/// Skipped lines by reason, in the order the reasons were first met.
#[derive(Debug, Default)]
pub(super) struct Skips(Vec<SkippedLines>);

impl Skips {
    pub fn add(&mut self, why: &str, line: u64) {
        let pos = match self.0.iter().position(|s| s.reason == why) {
            Some(pos) => pos,
            None => {
                self.0.push(SkippedLines {
                    reason: why.to_string(),
                    count: 0,
                    lines: Vec::new(),
                });
                self.0.len() - 1
            }
        };
        let entry = &mut self.0[pos];
        entry.count += 1;
        if entry.lines.len() < MAX_LINES_PER_REASON {
            entry.lines.push(line);
        }
    }

    pub fn into_vec(self) -> Vec<SkippedLines> {
        self.0
    }
}

/// The fields of one event as found in the input, not yet checked.
pub(super) struct Fields<'v> {
    pub group: Option<&'v str>,
    pub stream: Option<&'v str>,
    pub timestamp: Option<&'v Value>,
    pub message: Option<&'v Value>,
}

/// Where checked events go, and the tally of those that were not.
pub(super) struct Delivery<'s> {
    pub sink: &'s mut dyn FnMut(RawEvent<'_>),
    pub hint: Option<&'s str>,
    pub skips: Skips,
    pub events: u64,
}

impl<'s> Delivery<'s> {
    pub fn new(sink: &'s mut dyn FnMut(RawEvent<'_>), hint: Option<&'s str>) -> Self {
        Delivery {
            sink,
            hint,
            skips: Skips::default(),
            events: 0,
        }
    }

    /// Check the fields and deliver the event, or count why not.
    pub fn offer(&mut self, fields: Fields<'_>, line: u64) {
        match check(&fields) {
            Ok((timestamp, message)) => {
                self.events += 1;
                (self.sink)(RawEvent {
                    group: fields.group.or(self.hint),
                    // A missing stream is no reason to drop the event: the
                    // message alone is what the parsers need.
                    stream: fields.stream.unwrap_or(""),
                    timestamp,
                    message,
                    line,
                });
            }
            Err(why) => self.skips.add(why, line),
        }
    }
}

/// The fields of a filter-log-events or NDJSON event object. Both spellings
/// of the stream and group keys are accepted in both formats.
pub(super) fn event_fields(map: &serde_json::Map<String, Value>) -> Fields<'_> {
    let text = |keys: [&str; 2]| keys.iter().find_map(|k| map.get(*k)?.as_str());
    Fields {
        group: text(["logGroup", "logGroupName"]),
        stream: text(["logStream", "logStreamName"]),
        timestamp: map.get("timestamp"),
        message: map.get("message"),
    }
}

/// The fields of a get-query-results row: `[{"field": .., "value": ..}, ..]`.
pub(super) fn row_fields(cells: &[Value]) -> Fields<'_> {
    let mut fields = Fields {
        group: None,
        stream: None,
        timestamp: None,
        message: None,
    };
    for cell in cells {
        let Some(name) = cell.get("field").and_then(Value::as_str) else {
            continue;
        };
        let value = cell.get("value");
        match name {
            "@timestamp" => fields.timestamp = value,
            "@message" => fields.message = value,
            "@logStream" => fields.stream = value.and_then(Value::as_str),
            "@log" => fields.group = value.and_then(Value::as_str).map(group_from_at_log),
            _ => {}
        }
    }
    fields
}

fn check<'v>(fields: &Fields<'v>) -> Result<(Millis, &'v str), &'static str> {
    let raw = fields.timestamp.ok_or(reason::MISSING_TIMESTAMP)?;
    let timestamp = parse_timestamp(raw).ok_or(reason::BAD_TIMESTAMP)?;
    let message = match fields.message {
        None | Some(Value::Null) => return Err(reason::MISSING_MESSAGE),
        Some(Value::String(text)) => text.as_str(),
        Some(_) => return Err(reason::BAD_MESSAGE),
    };
    Ok((timestamp, message))
}

/// Epoch milliseconds from a JSON number, or from a string holding epoch
/// milliseconds, Insights' `YYYY-MM-DD HH:MM:SS.mmm` (UTC) or RFC 3339.
pub(super) fn parse_timestamp(value: &Value) -> Option<Millis> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| float_millis(n.as_f64()?)),
        Value::String(s) => parse_timestamp_text(s.trim()),
        _ => None,
    }
}

fn float_millis(f: f64) -> Option<Millis> {
    // Beyond ±2^53 a float no longer holds whole milliseconds; such a value
    // is no timestamp anyone exported.
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    (f.is_finite() && f.abs() < LIMIT).then(|| f.trunc() as Millis)
}

fn parse_timestamp_text(s: &str) -> Option<Millis> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    for layout in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, layout) {
            return Some(naive.and_utc().timestamp_millis());
        }
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// `@log` is `account-id:group-name`; an emulator gives the bare name.
/// Group names cannot contain `:`, so a digits-only prefix is the account.
pub(super) fn group_from_at_log(at_log: &str) -> &str {
    match at_log.split_once(':') {
        Some((account, group)) if account.bytes().all(|b| b.is_ascii_digit()) => group,
        _ => at_log,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_in_every_accepted_shape() {
        let ms = 1_795_860_908_100; // 2026-11-28 10:15:08.100 UTC
        assert_eq!(parse_timestamp(&json!(ms)), Some(ms));
        assert_eq!(parse_timestamp(&json!(ms as f64)), Some(ms));
        assert_eq!(parse_timestamp(&json!(ms.to_string())), Some(ms));
        assert_eq!(parse_timestamp(&json!("2026-11-28 10:15:08.100")), Some(ms));
        assert_eq!(
            parse_timestamp(&json!("2026-11-28T10:15:08.100Z")),
            Some(ms)
        );
        assert_eq!(
            parse_timestamp(&json!("2026-11-28T11:15:08.100+01:00")),
            Some(ms)
        );
        assert_eq!(
            parse_timestamp(&json!("2026-11-28 10:15:08")),
            Some(ms - 100)
        );
    }

    #[test]
    fn bad_timestamps_are_none() {
        for bad in [
            json!("yesterday"),
            json!(""),
            json!(null),
            json!(true),
            json!([1]),
            json!(1e300),
            json!("99999999999999999999999"),
        ] {
            assert_eq!(parse_timestamp(&bad), None, "{bad}");
        }
    }

    #[test]
    fn at_log_with_and_without_account() {
        assert_eq!(
            group_from_at_log("123456789012:/aws/lambda/crm-lookup"),
            "/aws/lambda/crm-lookup"
        );
        assert_eq!(
            group_from_at_log("/aws/lambda/crm-lookup"),
            "/aws/lambda/crm-lookup"
        );
    }

    #[test]
    fn skips_keep_first_hundred_lines_and_count_all() {
        let mut skips = Skips::default();
        for line in 1..=250 {
            skips.add(reason::NOT_JSON, line);
        }
        skips.add(reason::MISSING_MESSAGE, 7);
        let all = skips.into_vec();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].reason, "not JSON");
        assert_eq!(all[0].count, 250);
        assert_eq!(all[0].lines.len(), 100);
        assert_eq!(all[0].lines[99], 100);
        assert_eq!(all[1].lines, vec![7]);
    }
}
