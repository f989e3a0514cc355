//! The common shape of an exported event object, parsed by hand.
//!
//! Nearly every element of a filter-log-events export looks the same:
//! `logStreamName`, `timestamp`, `message`, `ingestionTime`, `eventId`,
//! strings and plain integers. serde walks the message (an escaped JSON
//! document, a stop at every `\"`) once to find its end and again to check
//! it, and the delivery walks it a third time to unescape it. This parser
//! finds the fields in one walk (with the validating scanner the Connect
//! peek uses, `json_scan`) and checks what JSON requires of them, and
//! accepts only that common shape: any other value, escape or layout makes
//! it answer `None`, and the caller parses the element with serde as
//! before. So it can only be faster, never different.

use crate::json_scan::Scanner;
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
    // Strings are skipped with memchr; each is checked for control
    // characters once it is found (see `plain` and `escaped`).
    let mut s = Scanner {
        b: bytes,
        i: 0,
        no_control: true,
    };
    s.expect(b'{')?;
    let mut fields = Found::default();
    loop {
        s.ws();
        let (from, to) = plain(&mut s)?;
        let key = &bytes[from..to];
        s.ws();
        s.expect(b':')?;
        s.ws();
        match key {
            b"logGroup" => set(&mut fields.log_group, plain(&mut s)?)?,
            b"logGroupName" => set(&mut fields.log_group_name, plain(&mut s)?)?,
            b"logStream" => set(&mut fields.log_stream, plain(&mut s)?)?,
            b"logStreamName" => set(&mut fields.log_stream_name, plain(&mut s)?)?,
            b"timestamp" => set(&mut fields.timestamp, integer(&mut s)?)?,
            b"message" => set(&mut fields.message, escaped(&mut s)?)?,
            // Another field: a string or a plain integer, else not common.
            _ => {
                if s.peek()? == b'"' {
                    plain(&mut s)?;
                } else {
                    integer(&mut s)?;
                }
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
    let used = s.i;
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

/// A string without escapes or control characters; the span of its
/// content.
fn plain(s: &mut Scanner<'_>) -> Option<Span> {
    let (from, to) = s.plain_string()?;
    (!has_control(&s.b[from..to])).then_some((from, to))
}

/// A string whose escapes are all single-character ones (the scanner
/// takes no `\u`), without control characters; its span, quotes included.
fn escaped(s: &mut Scanner<'_>) -> Option<Span> {
    let start = s.i;
    s.string()?;
    (!has_control(&s.b[start..s.i])).then_some((start, s.i))
}

/// A non-negative JSON integer (no sign, fraction or exponent); its span.
fn integer(s: &mut Scanner<'_>) -> Option<Span> {
    let start = s.i;
    s.number()?;
    s.b[start..s.i]
        .iter()
        .all(u8::is_ascii_digit)
        .then_some((start, s.i))
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
