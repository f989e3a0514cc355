//! The common shape of an exported event object, parsed by hand.
//!
//! Nearly every element of a filter-log-events export looks the same:
//! `logStreamName`, `timestamp`, `message`, `ingestionTime`, `eventId`,
//! strings and plain integers. serde walks the message (an escaped JSON
//! document, a stop at every `\"`) once to find its end and again to check
//! it, and the delivery walks it a third time to unescape it. This parser
//! finds the fields in one walk and checks what JSON requires of them, and
//! accepts only that common shape: any other value, escape or layout makes
//! it answer `None`, and the caller parses the element with serde as
//! before. So it can only be faster, never different.

use crate::model::Millis;

/// The fields of one event object in the common shape, borrowed.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct QuickEvent<'a> {
    /// `logGroup`, else `logGroupName`.
    pub group: Option<&'a str>,
    /// `logStream`, else `logStreamName`.
    pub stream: Option<&'a str>,
    pub timestamp: Millis,
    /// The message as it stands in the file, quotes included: escapes are
    /// only `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`.
    pub message: &'a str,
}

/// Parse the event object at the start of `bytes` (which begins with
/// `{`); the event and the bytes it used, or `None` when the element is
/// not in the common shape or not wholly inside `bytes`.
pub(super) fn event(bytes: &[u8]) -> Option<(QuickEvent<'_>, usize)> {
    let mut p = Parser { bytes, pos: 0 };
    p.byte(b'{')?;
    let mut fields = Found::default();
    loop {
        p.space();
        let (from, to) = p.plain_string()?;
        let key = &bytes[from..to];
        p.space();
        p.byte(b':')?;
        p.space();
        match key {
            b"logGroup" => set(&mut fields.log_group, p.plain_string()?)?,
            b"logGroupName" => set(&mut fields.log_group_name, p.plain_string()?)?,
            b"logStream" => set(&mut fields.log_stream, p.plain_string()?)?,
            b"logStreamName" => set(&mut fields.log_stream_name, p.plain_string()?)?,
            b"timestamp" => set(&mut fields.timestamp, p.integer()?)?,
            b"message" => set(&mut fields.message, p.escaped_string()?)?,
            // Another field: a string or a plain integer, else not common.
            _ => {
                if p.peek()? == b'"' {
                    p.plain_string()?;
                } else {
                    p.integer()?;
                }
            }
        }
        p.space();
        match p.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    let used = p.pos;
    // serde checks UTF-8 everywhere in the element; so does this.
    let element = std::str::from_utf8(&bytes[..used]).ok()?;
    let text = |span: Option<Span>| span.map(|(a, b)| &element[a..b]);
    // Timestamps of more than 18 digits are the general path's to judge.
    let timestamp = text(fields.timestamp).filter(|t| t.len() <= 18)?;
    let event = QuickEvent {
        group: text(fields.log_group).or(text(fields.log_group_name)),
        stream: text(fields.log_stream).or(text(fields.log_stream_name)),
        timestamp: timestamp.parse().ok()?,
        message: text(fields.message)?,
    };
    Some((event, used))
}

/// Byte range of a value in the element.
type Span = (usize, usize);

#[derive(Default)]
struct Found {
    log_group: Option<Span>,
    log_group_name: Option<Span>,
    log_stream: Option<Span>,
    log_stream_name: Option<Span>,
    timestamp: Option<Span>,
    message: Option<Span>,
}

/// A field seen twice is for serde to judge (it rejects the duplicate).
fn set(slot: &mut Option<Span>, span: Span) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(span);
    Some(())
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn byte(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    fn space(&mut self) {
        while self.peek().is_some_and(super::is_json_space) {
            self.pos += 1;
        }
    }

    /// A string without escapes or control characters; the span of its
    /// content.
    fn plain_string(&mut self) -> Option<Span> {
        self.byte(b'"')?;
        let rest = &self.bytes[self.pos..];
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[end] != b'"' || has_control(&rest[..end]) {
            return None;
        }
        let start = self.pos;
        self.pos += end + 1;
        Some((start, start + end))
    }

    /// A string whose escapes are all single-character ones; its span,
    /// quotes included.
    fn escaped_string(&mut self) -> Option<Span> {
        let start = self.pos;
        self.byte(b'"')?;
        loop {
            let rest = &self.bytes[self.pos..];
            let at = memchr::memchr2(b'"', b'\\', rest)?;
            self.pos += at + 1;
            if rest[at] == b'"' {
                // Checked once over the whole string: a long run is fast,
                // the short ones between escapes are not.
                if has_control(&self.bytes[start..self.pos]) {
                    return None;
                }
                return Some((start, self.pos));
            }
            // `\uXXXX` (and anything invalid) goes to serde.
            match self.next()? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                _ => return None,
            }
        }
    }

    /// A non-negative JSON integer (no sign, fraction, exponent or leading
    /// zero); its span.
    fn integer(&mut self) -> Option<Span> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = &self.bytes[start..self.pos];
        let valid = !digits.is_empty() && (digits.len() == 1 || digits[0] != b'0');
        // A number must end here: `.` or `e` would make it a float.
        let ends =
            matches!(self.peek(), Some(b) if super::is_json_space(b) || b == b',' || b == b'}');
        (valid && ends).then_some((start, self.pos))
    }
}

/// Whether `bytes` holds a control character (invalid inside a JSON
/// string). Written without early exit so it compiles to vector code.
fn has_control(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(32);
    let mut least = u8::MAX;
    for chunk in &mut chunks {
        least = chunk.iter().fold(least, |m, &b| m.min(b));
    }
    least = chunks.remainder().iter().fold(least, |m, &b| m.min(b));
    least < 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMON: &str = r#"{
            "logStreamName": "s1",
            "timestamp": 1795824000244,
            "message": "{\"ContactId\":\"c\\/1\"}\n",
            "ingestionTime": 1795824000395,
            "eventId": "0001"
        },"#;

    #[test]
    fn the_common_shape_is_read_whole() {
        let (ev, used) = event(COMMON.as_bytes()).expect("common shape");
        assert_eq!(&COMMON[used - 1..used], "}");
        assert_eq!(
            ev,
            QuickEvent {
                group: None,
                stream: Some("s1"),
                timestamp: 1795824000244,
                message: r#""{\"ContactId\":\"c\\/1\"}\n""#,
            }
        );
        let named = r#"{"logGroupName":"g2","logGroup":"g1","logStream":"a","logStreamName":"b","timestamp":5,"message":""}"#;
        let (ev, _) = event(named.as_bytes()).expect("common shape");
        assert_eq!((ev.group, ev.stream), (Some("g1"), Some("a")));
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        let others = [
            r#"{"timestamp": 5, "message": "caf\u00e9"}"#,
            r#"{"timestamp": 5, "message": "bad \q escape"}"#,
            "{\"timestamp\": 5, \"message\": \"tab\tinside\"}",
            r#"{"timestamp": 5.5, "message": "m"}"#,
            r#"{"timestamp": 05, "message": "m"}"#,
            r#"{"timestamp": -5, "message": "m"}"#,
            r#"{"timestamp": "5", "message": "m"}"#,
            r#"{"timestamp": 1234567890123456789, "message": "m"}"#,
            r#"{"timestamp": 5, "message": null}"#,
            r#"{"timestamp": 5, "message": 7}"#,
            r#"{"timestamp": 5}"#,
            r#"{"message": "m"}"#,
            r#"{"timestamp": 5, "timestamp": 6, "message": "m"}"#,
            r#"{"timestamp": 5, "message": "m", "eventId": null}"#,
            r#"{"timestamp": 5, "message": "m", "extra": {"a": 1}}"#,
            r#"{"timestamp": 5, "message": "m", "logStream": "a\"b"}"#,
            r#"{"timestamp": 5, "message": "m",}"#,
            r#"{"time\u0073tamp": 5, "message": "m"}"#,
            r#"{}"#,
            r#"{"timestamp": 5, "message": "cut"#,
        ];
        for other in others {
            assert_eq!(event(other.as_bytes()), None, "{other}");
        }
        let mut invalid = br#"{"timestamp": 5, "message": "m", "eventId": "x"#.to_vec();
        invalid.extend_from_slice(&[0xff, b'"', b'}']);
        assert_eq!(event(&invalid), None);
    }

    #[test]
    fn control_characters_are_found_anywhere_in_a_long_run() {
        for at in [0, 31, 32, 63, 64, 70] {
            let mut text = vec![b'a'; 71];
            text[at] = 0x1b;
            assert!(has_control(&text), "at {at}");
        }
        assert!(!has_control(&[b'a'; 71]));
    }
}
