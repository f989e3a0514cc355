//! A validating scanner for the common shape of a flow-log entry, so that
//! pass 1 can peek at most entries without serde.
//!
//! It accepts only what it is sure serde_json accepts the same way: strict
//! JSON grammar (numbers, literals, strings without control characters,
//! simple escapes), unescaped keys, no duplicate known key, and the three
//! fields it extracts as plain strings. Anything else (a `\u` escape, a
//! number where a string was expected, a deep nesting, a timestamp in
//! another shape) returns `None`, and the caller takes the serde path,
//! which then gives its own answer.

use super::{parse_iso_millis, ConnectParseError, FlowPeek};
use crate::json_scan::Scanner;
use crate::model::Millis;
use std::borrow::Cow;
use std::ops::Not;

/// The keys `RawEntry` knows (a duplicate of one is an error there).
const KNOWN: [&[u8]; 9] = [
    b"ContactId",
    b"ContactFlowId",
    b"ContactFlowName",
    b"ContactFlowModuleType",
    b"Identifier",
    b"Timestamp",
    b"Results",
    b"ExternalResults",
    b"Parameters",
];

/// `Some` when the scanner is sure; `message` is already trimmed.
pub(super) fn peek(
    message: &str,
    event_timestamp: Millis,
) -> Option<Result<FlowPeek<'_>, ConnectParseError>> {
    let b = message.as_bytes();
    // Compact entries have no control byte at all (nor whitespace): then
    // no string holds one, and strings can be skipped with memchr.
    let no_control = b.iter().fold(false, |any, &c| any | (c < 0x20)).not();
    let mut s = Scanner {
        b,
        i: 0,
        no_control,
    };
    let mut seen = [false; 9];
    let mut contact = None;
    let mut module = None;
    let mut timestamp = None;
    s.expect(b'{')?;
    s.ws();
    if s.peek()? == b'}' {
        s.i += 1;
    } else {
        loop {
            s.ws();
            let (from, to) = s.plain_string()?;
            let key = &b[from..to];
            s.ws();
            s.expect(b':')?;
            s.ws();
            let start = s.i;
            s.value(1)?;
            let value = &b[start..s.i];
            if let Some(k) = KNOWN.iter().position(|known| *known == key) {
                if seen[k] {
                    return None;
                }
                seen[k] = true;
                match k {
                    0 => contact = Some(value),
                    3 => module = Some(value),
                    5 => timestamp = Some(value),
                    _ => {}
                }
            }
            s.ws();
            match s.peek()? {
                b',' => s.i += 1,
                b'}' => {
                    s.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.ws();
    if s.i != b.len() {
        return None;
    }
    // The whole entry is valid JSON: now the fields, as `parse_flow_entry`
    // checks them.
    let Some(contact) = contact else {
        return Some(Err(ConnectParseError::MissingField("ContactId")));
    };
    let contact_id = plain_text(message, contact)?;
    let Some(module) = module else {
        return Some(Err(ConnectParseError::MissingField(
            "ContactFlowModuleType",
        )));
    };
    let module_type = plain_text(message, module)?;
    let timestamp = match timestamp {
        None => event_timestamp,
        Some(raw) => parse_iso_millis(plain_text(message, raw)?)?,
    };
    Some(Ok(FlowPeek {
        contact_id: Cow::Borrowed(contact_id),
        module_type: Cow::Borrowed(module_type),
        timestamp,
    }))
}

/// A string value without escapes, as text; `None` for anything else.
fn plain_text<'a>(message: &'a str, raw: &[u8]) -> Option<&'a str> {
    let start = raw.as_ptr() as usize - message.as_ptr() as usize;
    let inner = message.get(start + 1..start + raw.len().checked_sub(1)?)?;
    (raw.first() == Some(&b'"') && !inner.contains('\\')).then_some(inner)
}
