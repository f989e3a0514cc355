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
use crate::model::Millis;
use std::borrow::Cow;
use std::ops::Not;

/// serde_json stops at 128 levels; stay well below.
const MAX_DEPTH: usize = 100;

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

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    /// The input has no byte below 0x20.
    no_control: bool,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A key: a string without escapes; the range of its content.
    fn plain_string(&mut self) -> Option<(usize, usize)> {
        let start = self.i + 1;
        self.string()?;
        let end = self.i - 1;
        (!self.b[start..end].contains(&b'\\')).then_some((start, end))
    }

    /// A string; simple escapes only.
    fn string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            let rest = &self.b[self.i..];
            let at = if self.no_control {
                memchr::memchr2(b'"', b'\\', rest)?
            } else {
                find_special(rest)?
            };
            self.i += at;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => match self.b.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string(),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.ws();
                    self.expect(b':')?;
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }
}

/// The first `"`, `\\` or control character, eight bytes at a time.
fn find_special(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit set in each byte that is zero (exact for the lowest one).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().ok()?);
        let hits = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|at| i + at)
}
