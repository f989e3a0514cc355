//! What every format shares once an event's fields are found: timestamp
//! parsing, the skipped-line tally, and handing a checked event to the sink.

use super::RawEvent;
use crate::model::{Millis, SkippedLines};
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

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

/// Which valid events the caller wants delivered at all, by group and
/// timestamp (the others are counted, never handed over).
pub type Keep<'k> = &'k (dyn Fn(Option<&str>, Millis) -> bool + Sync);

/// Where checked events go, and the tally of those that were not.
pub(super) struct Delivery<'s> {
    pub sink: &'s mut dyn FnMut(RawEvent<'_>),
    pub hint: Option<&'s str>,
    pub skips: Skips,
    pub events: u64,
    pub keep: Option<Keep<'s>>,
    /// Valid events already delivered by a fast path that gave up: counted
    /// again, not delivered again.
    pub suppress: u64,
    /// Reused for unescaping messages.
    scratch: String,
}

impl<'s> Delivery<'s> {
    pub fn new(sink: &'s mut dyn FnMut(RawEvent<'_>), hint: Option<&'s str>) -> Self {
        Delivery {
            sink,
            hint,
            skips: Skips::default(),
            events: 0,
            keep: None,
            suppress: 0,
            scratch: String::new(),
        }
    }

    /// Count a valid event; whether to hand it to the sink.
    fn deliverable(&mut self, group: Option<&str>, timestamp: Millis) -> bool {
        self.events += 1;
        if self.suppress > 0 {
            self.suppress -= 1;
            return false;
        }
        self.keep
            .is_none_or(|keep| keep(group.or(self.hint), timestamp))
    }

    /// The fast path's event object: the same checks as `offer`, on
    /// borrowed raw fields; the message is unescaped only if delivered.
    pub fn offer_obj(&mut self, ev: &EventObj<'_>, line: u64) {
        let timestamp = match ev.timestamp {
            Field::Absent => return self.skips.add(reason::MISSING_TIMESTAMP, line),
            Field::Present(raw) => match raw_timestamp(raw) {
                Some(t) => t,
                None => return self.skips.add(reason::BAD_TIMESTAMP, line),
            },
        };
        let message = match ev.message {
            Field::Absent => return self.skips.add(reason::MISSING_MESSAGE, line),
            Field::Present(raw) if raw.get() == "null" => {
                return self.skips.add(reason::MISSING_MESSAGE, line)
            }
            Field::Present(raw) if raw.get().starts_with('"') => raw,
            Field::Present(_) => return self.skips.add(reason::BAD_MESSAGE, line),
        };
        let group = first_text(&[ev.log_group, ev.log_group_name]);
        if !self.deliverable(group.as_deref(), timestamp) {
            return;
        }
        let stream = first_text(&[ev.log_stream, ev.log_stream_name]);
        self.deliver_escaped(
            group.as_deref(),
            stream.as_deref(),
            timestamp,
            message.get(),
            line,
        );
    }

    /// The quick parser's event: valid by construction (see `quick`).
    pub fn offer_quick(&mut self, ev: &super::quick::QuickEvent<'_>, line: u64) {
        if self.deliverable(ev.group, ev.timestamp) {
            self.deliver_escaped(ev.group, ev.stream, ev.timestamp, ev.message, line);
        }
    }

    /// Unescape a JSON string's text (quotes included) and hand the event
    /// to the sink.
    fn deliver_escaped(
        &mut self,
        group: Option<&str>,
        stream: Option<&str>,
        timestamp: Millis,
        message: &str,
        line: u64,
    ) {
        let mut scratch = std::mem::take(&mut self.scratch);
        if let Some(message) = unescape_into(message, &mut scratch) {
            (self.sink)(RawEvent {
                group: group.or(self.hint),
                stream: stream.unwrap_or(""),
                timestamp,
                message,
                line,
            });
        }
        self.scratch = scratch;
    }

    /// Check the fields and deliver the event, or count why not.
    pub fn offer(&mut self, fields: Fields<'_>, line: u64) {
        match check(&fields) {
            Ok((timestamp, message)) => {
                if !self.deliverable(fields.group, timestamp) {
                    return;
                }
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

/// A field of an event object: absent, or present with its raw JSON
/// (`null` included, which `Option` would hide).
#[derive(Debug, Clone, Copy, Default)]
pub(super) enum Field<'a> {
    #[default]
    Absent,
    Present(&'a RawValue),
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(d).map(Field::Present)
    }
}

/// An event object read without building a `Value`: the fields that
/// `event_fields` looks at, borrowed. A duplicate of one of them is an
/// error here (a `Map` would keep the last), so the caller falls back.
#[derive(Deserialize)]
pub(super) struct EventObj<'a> {
    #[serde(rename = "logGroup", borrow, default)]
    pub log_group: Field<'a>,
    #[serde(rename = "logGroupName", borrow, default)]
    pub log_group_name: Field<'a>,
    #[serde(rename = "logStream", borrow, default)]
    pub log_stream: Field<'a>,
    #[serde(rename = "logStreamName", borrow, default)]
    pub log_stream_name: Field<'a>,
    #[serde(borrow, default)]
    pub timestamp: Field<'a>,
    #[serde(borrow, default)]
    pub message: Field<'a>,
}

/// A JSON string, borrowed when it has no escapes.
#[derive(Deserialize)]
struct JsonStr<'a>(#[serde(borrow)] Cow<'a, str>);

/// The content of a raw JSON string; `None` for any other value.
fn raw_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    if !text.starts_with('"') {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<JsonStr<'_>>(text).ok().map(|s| s.0)
}

/// The content of a raw JSON string, unescaped into `scratch` when it has
/// escapes (no allocation per message); `None` for any other value.
fn unescape_into<'r>(text: &'r str, scratch: &'r mut String) -> Option<&'r str> {
    if !text.starts_with('"') {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    let bytes = inner.as_bytes();
    let Some(mut at) = memchr::memchr(b'\\', bytes) else {
        return Some(inner);
    };
    scratch.clear();
    let mut from = 0;
    loop {
        scratch.push_str(&inner[from..at]);
        let plain = match bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'n') => '\n',
            Some(b't') => '\t',
            Some(b'r') => '\r',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            // `\uXXXX` (surrogates and all): serde_json's own rules.
            _ => {
                let owned = serde_json::from_str::<String>(text).ok()?;
                *scratch = owned;
                return Some(scratch.as_str());
            }
        };
        scratch.push(plain);
        from = at + 2;
        match memchr::memchr(b'\\', &bytes[from..]) {
            Some(next) => at = from + next,
            None => {
                scratch.push_str(&inner[from..]);
                return Some(scratch.as_str());
            }
        }
    }
}

/// The first field that is a string (as `Value::as_str` would pick).
fn first_text<'a>(fields: &[Field<'a>]) -> Option<Cow<'a, str>> {
    fields.iter().find_map(|f| match f {
        Field::Present(raw) => raw_str(raw),
        Field::Absent => None,
    })
}

/// `parse_timestamp` on a raw value; plain digits without building a `Value`.
fn raw_timestamp(raw: &RawValue) -> Option<Millis> {
    let text = raw.get();
    if (1..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let value: Value = serde_json::from_str(text).ok()?;
    parse_timestamp(&value)
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

pub(super) fn check<'v>(fields: &Fields<'v>) -> Result<(Millis, &'v str), &'static str> {
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
