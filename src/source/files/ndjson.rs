//! NDJSON: one event object per line.

use super::event::{self, reason, Delivery, EventObj};
use super::quick::{self, QuickEvent};
use super::{not_an_export, InputError};
use crate::json_scan::is_json_space;
use serde_json::{Map, Value};
use std::io::{self, BufRead};

/// CloudWatch events are at most 1 MB; even fully escaped they stay far
/// below this. A longer line is garbage, and is not buffered whole.
const MAX_LINE_BYTES: usize = 16 << 20;

/// Read every line. Lines before the first one that looks like an event
/// are counted as skipped (a damaged head must not hide the events after
/// it); a file with no such line is not NDJSON at all (`preview` then
/// shows what it is).
pub(super) fn read<R: BufRead>(
    mut reader: R,
    line_offset: u64,
    out: &mut Delivery<'_>,
    path: &str,
    preview: &str,
) -> Result<(), InputError> {
    read_capped(&mut reader, line_offset, out, path, preview, MAX_LINE_BYTES)
}

fn read_capped<R: BufRead>(
    reader: &mut R,
    line_offset: u64,
    out: &mut Delivery<'_>,
    path: &str,
    preview: &str,
    cap: usize,
) -> Result<(), InputError> {
    let mut buf = Vec::new();
    let mut line = line_offset;
    let mut recognised = false;
    let mut unrecognised = 0;
    loop {
        buf.clear();
        let fits = match read_line(reader, &mut buf, cap) {
            Ok(Some(fits)) => fits,
            Ok(None) if !recognised && unrecognised > 0 => {
                // Nothing in it was an event: forget the per-line skips,
                // the file is reported as a whole.
                out.skips = event::Skips::default();
                return Err(not_an_export(path, preview, unrecognised));
            }
            Ok(None) => return Ok(()),
            Err(e) => return Err(InputError::from_io(path, Some(line + 1), e)),
        };
        line += 1;
        let text = trim_end(&buf);
        // An overlong line was not kept: `buf` holds none of it.
        if fits && text.iter().all(|&b| is_json_space(b)) {
            continue;
        }
        if recognised && fits && text.trim_ascii_start().starts_with(b"{") {
            // The fast path: fields borrowed, no `Value`. Anything it does
            // not accept is parsed the general way below.
            if let Some(ev) = quick_line(text) {
                out.offer_quick(&ev, line);
                continue;
            }
            let Ok(text) = std::str::from_utf8(text) else {
                out.skips.add(reason::INVALID_UTF8, line);
                continue;
            };
            if let Ok(ev) = serde_json::from_str::<EventObj<'_>>(text) {
                out.offer_obj(&ev, line);
                continue;
            }
        }
        let parsed = if fits {
            parse(text)
        } else {
            Err(reason::LINE_TOO_LONG)
        };
        if !recognised && !looks_like_event(&parsed) {
            unrecognised += 1;
            out.skips
                .add(parsed.err().unwrap_or(reason::NOT_AN_EVENT), line);
            continue;
        }
        recognised = true;
        match parsed {
            Ok(map) => out.offer(event::event_fields(&map), line),
            Err(why) => out.skips.add(why, line),
        }
    }
}

/// A line that is one event object in the common shape and nothing else
/// (see `quick`); `None` leaves it to serde.
fn quick_line(text: &[u8]) -> Option<QuickEvent<'_>> {
    // JSON whitespace only (`trim_ascii` would also take a form feed).
    let start = text.iter().position(|&b| !is_json_space(b))?;
    let (ev, used) = quick::event(&text[start..])?;
    text[start + used..]
        .iter()
        .all(|&b| is_json_space(b))
        .then_some(ev)
}

fn trim_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn parse(text: &[u8]) -> Result<Map<String, Value>, &'static str> {
    let text = std::str::from_utf8(text).map_err(|_| reason::INVALID_UTF8)?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(reason::NOT_AN_EVENT),
        Err(_) => Err(reason::NOT_JSON),
    }
}

/// Whether a first line makes the file an NDJSON export.
fn looks_like_event(parsed: &Result<Map<String, Value>, &'static str>) -> bool {
    match parsed {
        Ok(map) => map.contains_key("timestamp") || map.contains_key("message"),
        Err(_) => false,
    }
}

/// Append one line (with its `\n`) to `buf`, keeping at most `cap` bytes.
/// `None` at end of file; `Some(false)` when the line was longer than
/// `cap` (the rest is read and dropped, never buffered).
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Option<bool>> {
    let mut read_any = false;
    let mut fits = true;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(read_any.then_some(fits));
        }
        read_any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(at) => (at + 1, true),
            None => (chunk.len(), false),
        };
        fits = fits && buf.len() + take <= cap;
        if fits {
            buf.extend_from_slice(&chunk[..take]);
        }
        reader.consume(take);
        if done {
            return Ok(Some(fits));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::files::RawEvent;

    /// Skipped lines as (reason, line numbers).
    type Skipped = Vec<(String, Vec<u64>)>;

    fn run(input: &[u8], cap: usize) -> (Result<(), InputError>, Vec<u64>, Skipped) {
        let mut lines = Vec::new();
        let mut sink = |e: RawEvent<'_>| lines.push(e.line);
        let mut out = Delivery::new(&mut sink, None);
        let mut reader = input;
        let result = read_capped(&mut reader, 0, &mut out, "t", "\"p\"", cap);
        let skipped = out
            .skips
            .into_vec()
            .into_iter()
            .map(|s| (s.reason, s.lines))
            .collect();
        (result, lines, skipped)
    }

    #[test]
    fn overlong_lines_are_skipped_not_buffered() {
        let long = format!("{{\"timestamp\":1,\"message\":\"{}\"}}", "x".repeat(100));
        let input = format!(
            "{{\"timestamp\":1,\"message\":\"a\"}}\n{long}\n{{\"timestamp\":2,\"message\":\"b\"}}"
        );
        let (result, lines, skipped) = run(input.as_bytes(), 64);
        assert!(result.is_ok());
        assert_eq!(lines, vec![1, 3]);
        assert_eq!(skipped, vec![("line too long".to_string(), vec![2])]);
    }

    #[test]
    fn overlong_first_line_is_not_an_export() {
        let input = "x".repeat(1000);
        let (result, _, _) = run(input.as_bytes(), 64);
        assert!(matches!(result, Err(InputError::NotAnExport { .. })));
    }

    #[test]
    fn last_line_without_newline_and_crlf() {
        let input = b"{\"timestamp\":1,\"message\":\"a\"}\r\n{\"timestamp\":2,\"message\":\"b\"}";
        let (result, lines, skipped) = run(input, 1024);
        assert!(result.is_ok());
        assert_eq!(lines, vec![1, 2]);
        assert!(skipped.is_empty());
    }
}
