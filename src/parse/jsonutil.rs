//! Small helpers shared by the JSON parsers: read a borrowed raw value
//! leniently, and compact JSON text without building a `Value` tree.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A JSON string, borrowed from the input when it has no escapes.
#[derive(Deserialize)]
struct JsonStr<'a>(#[serde(borrow)] Cow<'a, str>);

/// The text of a scalar JSON value: a string's content, or a number or
/// boolean as written. Objects, arrays and `null` have no text.
///
/// Lenient on purpose: a field logged as `3000` instead of `"3000"` must not
/// make the whole line unusable.
pub(crate) fn raw_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<JsonStr<'_>>(text).ok().map(|s| s.0),
        Some(b'{') | Some(b'[') | Some(b'n') | None => None,
        Some(_) => Some(Cow::Borrowed(text)),
    }
}

/// Same as [`raw_text`] for an optional field, as an owned `String`.
pub(crate) fn opt_text(raw: Option<&RawValue>) -> Option<String> {
    raw.and_then(raw_text).map(Cow::into_owned)
}

/// `json` (already validated) without insignificant whitespace.
///
/// Connect writes compact JSON, so the common case is a plain copy; pretty
/// exports and test fixtures are re-compacted byte by byte, tracking string
/// literals so whitespace inside them is kept.
pub(crate) fn compact_json(json: &str) -> String {
    let json = json.trim();
    if !json.bytes().any(|b| b.is_ascii_whitespace()) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn raw_text_reads_scalars_only() {
        assert_eq!(raw_text(&raw(r#""3000""#)).as_deref(), Some("3000"));
        assert_eq!(raw_text(&raw("3000")).as_deref(), Some("3000"));
        assert_eq!(raw_text(&raw("true")).as_deref(), Some("true"));
        assert_eq!(raw_text(&raw(r#""a\"b""#)).as_deref(), Some("a\"b"));
        assert_eq!(raw_text(&raw("null")), None);
        assert_eq!(raw_text(&raw("{}")), None);
        assert_eq!(raw_text(&raw("[1]")), None);
    }

    #[test]
    fn compact_keeps_whitespace_inside_strings() {
        assert_eq!(compact_json(r#"{"a":"b"}"#), r#"{"a":"b"}"#);
        assert_eq!(
            compact_json("{ \"a b\" : [ 1, \"x \\\" y\" ],\n\t\"c\": {} }"),
            r#"{"a b":[1,"x \" y"],"c":{}}"#
        );
    }
}
