//! The fast path for filter-log-events documents: a hand-rolled splitter
//! over big buffers instead of serde_json reading a `Read` byte by byte.
//!
//! The splitter walks the document skeleton (`{`, keys, `[`, `,`, `]`,
//! `}`) itself and hands each element's bytes to serde_json as a slice,
//! borrowing every field. It accepts only what it is sure of: anything
//! unusual (an escaped key, a non-object element, a duplicate field, a
//! field of an unexpected type, invalid UTF-8, truncation, an I/O error)
//! is an `Anomaly`, and the caller re-reads the file with the general
//! streaming reader, which then gives exactly its own answer (events,
//! skipped lines, errors with line and column).

use super::event::{Delivery, EventObj, Field};
use super::quick;
use crate::json_scan::is_json_space;
use serde::de::IgnoredAny;
use std::io::{self, Read};

/// Reads are large: few syscalls, long runs for memchr.
const CHUNK: usize = 4 << 20;

/// The fast path gave up; the general reader must decide.
#[derive(Debug)]
pub(super) struct Anomaly;

type Fast<T> = Result<T, Anomaly>;

/// Where the bytes come from.
pub(super) enum Store<R> {
    /// Read in chunks into a buffer that is allocated (and zeroed) once
    /// and grown only for a huge element.
    Stream { reader: R, data: Vec<u8> },
    /// The whole file mapped into memory: no copy from the page cache
    /// (that copy was an eighth of the CPU time of a scan). The map
    /// starts at the file's first byte and is read from `start`.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
        /// Pages before this offset were handed back (see `release`).
        released: usize,
    },
}

impl<R> Store<R> {
    pub(super) fn stream(reader: R) -> Self {
        Store::Stream {
            reader,
            data: vec![0; 2 * CHUNK],
        }
    }
}

/// Mapped pages already parsed are handed back to the kernel in steps of
/// this size: they stay in the page cache, but no longer count in the
/// process's resident memory, which would otherwise grow by the size of
/// every file being read.
const RELEASE_STEP: usize = 8 << 20;

/// A window over the file: `bytes()[pos..end]` is unread.
struct Buf<R> {
    store: Store<R>,
    end: usize,
    pos: usize,
    eof: bool,
    /// Lines before `data[0]`, plus the caller's offset.
    line_base: u64,
    /// Newlines in `data[..counted]`.
    newlines: u64,
    counted: usize,
}

impl<R: Read> Buf<R> {
    fn new(store: Store<R>, line_offset: u64) -> Self {
        let (end, eof) = match &store {
            Store::Stream { .. } => (0, false),
            Store::Mapped { map, start, .. } => (map.len() - (*start).min(map.len()), true),
        };
        Buf {
            store,
            end,
            pos: 0,
            eof,
            line_base: line_offset,
            newlines: 0,
            counted: 0,
        }
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        match &self.store {
            Store::Stream { data, .. } => data,
            Store::Mapped { map, start, .. } => map.get(*start..).unwrap_or_default(),
        }
    }

    /// Hand back the mapped pages before `pos` (a no-op for a stream).
    fn release(&mut self) {
        if let Store::Mapped {
            map,
            start,
            released,
        } = &mut self.store
        {
            let upto = *start + self.pos;
            if upto - *released >= RELEASE_STEP {
                // SAFETY: the map is private and read-only, so dropping its
                // pages loses nothing: touching them again reads the file
                // anew. No borrow of these bytes outlives the event that
                // was parsed from them (the delivery copies what it keeps).
                #[cfg(unix)]
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        *released,
                        upto - *released,
                    )
                };
                *released = upto;
            }
        }
    }

    /// Read more; false at end of file.
    fn fill(&mut self) -> Fast<bool> {
        if self.eof {
            return Ok(false);
        }
        let compact = self.pos > 0 && self.pos >= self.end / 2;
        if compact {
            self.count_to(self.pos);
        }
        let Store::Stream { reader, data } = &mut self.store else {
            return Ok(false);
        };
        if compact {
            self.line_base += self.newlines;
            self.newlines = 0;
            data.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.counted = 0;
            self.pos = 0;
        }
        if data.len() - self.end < CHUNK {
            data.resize(self.end + CHUNK, 0);
        }
        loop {
            match reader.read(&mut data[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(Anomaly),
            }
        }
    }

    fn count_to(&mut self, to: usize) {
        if to > self.counted {
            let newlines = memchr::memchr_iter(b'\n', &self.bytes()[self.counted..to]).count();
            self.newlines += newlines as u64;
            self.counted = to;
        }
    }

    /// The 1-based line of `data[pos]`.
    fn line(&mut self) -> u64 {
        self.count_to(self.pos);
        self.line_base + self.newlines + 1
    }

    /// The next non-whitespace byte, not consumed; `None` at end of file.
    fn peek(&mut self) -> Fast<Option<u8>> {
        loop {
            while let Some(&b) = self.bytes()[..self.end].get(self.pos) {
                if !is_json_space(b) {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Fast<()> {
        if self.peek()? != Some(byte) {
            return Err(Anomaly);
        }
        self.pos += 1;
        Ok(())
    }

    /// An object key, read by serde (escapes included: the general reader
    /// reads it the same way). Keys are few: one per page's top level.
    fn key(&mut self) -> Fast<String> {
        let mut key = None;
        self.value::<String, _>(|k| key = Some(k))?;
        key.ok_or(Anomaly)
    }

    /// Parse one JSON value at `pos` as `T` and hand it to `with`.
    fn value<T, F>(&mut self, mut with: F) -> Fast<()>
    where
        T: for<'de> serde::Deserialize<'de>,
        F: FnMut(T),
    {
        loop {
            let slice = &self.bytes()[self.pos..self.end];
            let mut stream = serde_json::Deserializer::from_slice(slice).into_iter::<T>();
            match stream.next() {
                Some(Ok(v)) => {
                    let used = stream.byte_offset();
                    with(v);
                    self.pos += used;
                    return Ok(());
                }
                Some(Err(e)) if e.is_eof() => {
                    if !self.fill()? {
                        return Err(Anomaly);
                    }
                }
                _ => return Err(Anomaly),
            }
        }
    }

    /// One event object at `pos`, delivered.
    fn event(&mut self, out: &mut Delivery<'_>, line: u64) -> Fast<()> {
        if let Some((ev, used)) = quick::event(&self.bytes()[self.pos..self.end]) {
            out.offer_quick(&ev, line);
            self.pos += used;
            return Ok(());
        }
        loop {
            let slice = &self.bytes()[self.pos..self.end];
            let mut stream =
                serde_json::Deserializer::from_slice(slice).into_iter::<EventObj<'_>>();
            match stream.next() {
                Some(Ok(ev)) => {
                    let used = stream.byte_offset();
                    // serde_json checks UTF-8 only in the values it keeps
                    // (raw values included); the general reader rejects it
                    // anywhere. The message, the bulk, is checked already.
                    let element = &slice[..used];
                    let (from, to) = match ev.message {
                        Field::Present(raw) => {
                            let at = raw.get().as_ptr() as usize - element.as_ptr() as usize;
                            (at, at + raw.get().len())
                        }
                        Field::Absent => (used, used),
                    };
                    if std::str::from_utf8(&element[..from]).is_err()
                        || std::str::from_utf8(&element[to..]).is_err()
                        || has_surrogate_escape(element)
                    {
                        return Err(Anomaly);
                    }
                    out.offer_obj(&ev, line);
                    self.pos += used;
                    return Ok(());
                }
                Some(Err(e)) if e.is_eof() => {
                    if !self.fill()? {
                        return Err(Anomaly);
                    }
                }
                _ => return Err(Anomaly),
            }
        }
    }
}

/// Whether `element` holds a `\uD800`-`\uDFFF` escape. A raw value
/// accepts a lone surrogate that the general reader's `Value` rejects (and
/// a pair is for it to join), so such an element is the general reader's.
/// Rare: the quick parser has taken every element without `\u` already.
fn has_surrogate_escape(element: &[u8]) -> bool {
    memchr::memmem::find_iter(element, b"\\u").any(|at| {
        let escaped = element[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
        let hex = element.get(at + 2..at + 4);
        !escaped && matches!(hex, Some([d, x]) if d.eq_ignore_ascii_case(&b'd') && matches!(x, b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
    })
}

/// Read every filter-log-events document, as `document::read` would.
pub(super) fn read_filter_log_events<R: Read>(
    store: Store<R>,
    line_offset: u64,
    out: &mut Delivery<'_>,
) -> Fast<()> {
    let mut buf = Buf::new(store, line_offset);
    let mut first = true;
    loop {
        if buf.peek()?.is_none() {
            return Ok(());
        }
        buf.expect(b'{')?;
        let mut had_list = false;
        if buf.peek()? == Some(b'}') {
            buf.pos += 1;
        } else {
            loop {
                let key = buf.key()?;
                buf.expect(b':')?;
                if buf.peek()?.is_none() {
                    return Err(Anomaly);
                }
                match key.as_str() {
                    "events" => {
                        events(&mut buf, out)?;
                        had_list = true;
                    }
                    // get-query-results rows: the general reader's job.
                    "results" => return Err(Anomaly),
                    _ => buf.value::<IgnoredAny, _>(|_| {})?,
                }
                match buf.peek()? {
                    Some(b',') => buf.pos += 1,
                    Some(b'}') => {
                        buf.pos += 1;
                        break;
                    }
                    _ => return Err(Anomaly),
                }
            }
        }
        if first && !had_list {
            return Err(Anomaly);
        }
        first = false;
    }
}

/// The `events` array, element by element (anything else, `null`
/// included, is for the general reader to judge).
fn events<R: Read>(buf: &mut Buf<R>, out: &mut Delivery<'_>) -> Fast<()> {
    match buf.peek()? {
        Some(b'[') => buf.pos += 1,
        _ => return Err(Anomaly),
    }
    if buf.peek()? == Some(b']') {
        buf.pos += 1;
        return Ok(());
    }
    loop {
        if buf.peek()? != Some(b'{') {
            return Err(Anomaly);
        }
        let line = buf.line();
        buf.event(out, line)?;
        buf.release();
        match buf.peek()? {
            Some(b',') => buf.pos += 1,
            Some(b']') => {
                buf.pos += 1;
                return Ok(());
            }
            _ => return Err(Anomaly),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{document, peek_start, read_file, InputFile, RawEvent, StartKind};
    use super::*;
    use crate::model::Millis;
    use std::path::PathBuf;

    type Got = Vec<(Option<String>, String, Millis, String, u64)>;

    fn owned(e: RawEvent<'_>) -> (Option<String>, String, Millis, String, u64) {
        (
            e.group.map(str::to_string),
            e.stream.to_string(),
            e.timestamp,
            e.message.to_string(),
            e.line,
        )
    }

    /// What the general streaming reader alone makes of `bytes`.
    fn general(bytes: &[u8]) -> (String, Got) {
        let mut got = Got::new();
        let mut sink = |e: RawEvent<'_>| got.push(owned(e));
        let mut out = Delivery::new(&mut sink, None);
        let mut reader = io::BufReader::new(bytes);
        let start = peek_start(&mut reader).expect("peek");
        assert!(
            matches!(start.kind, StartKind::Document(_)),
            "not a document"
        );
        let result = document::read(reader, start.line_offset, &mut out, "f", &start.preview);
        let outcome = match result {
            Ok(()) => format!("ok {} {:?}", out.events, out.skips.into_vec()),
            Err(e) => format!("err {e}"),
        };
        (outcome, got)
    }

    /// What `read_file` (fast path, falling back) makes of the same bytes.
    fn fast_then_general(bytes: &[u8]) -> (String, Got) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).expect("write");
        let file = InputFile {
            path: PathBuf::from(&path),
            display: "f".into(),
            group_hint: None,
        };
        let mut got = Got::new();
        let result = read_file(&file, &mut |e: RawEvent<'_>| got.push(owned(e)));
        let outcome = match result {
            Ok(s) => format!("ok {} {:?}", s.events, s.skipped),
            Err(e) => format!("err {e}"),
        };
        (outcome, got)
    }

    const EV: &str =
        r#"{"logStreamName": "s", "timestamp": 5, "message": "a\"b\\n\u00e9", "eventId": "1"}"#;

    #[test]
    fn fast_path_and_fallback_agree_with_the_general_reader() {
        let cases = [
            format!("{{\n  \"events\": [\n    {EV},\n    {EV}\n  ],\n  \"nextToken\": \"x\"\n}}\n"),
            format!("{{\"events\": [{EV}]}}\n{{\"events\": [{EV}], \"searchedLogStreams\": []}}"),
            "{\"events\": null}".to_string(),
            "{\"events\": []}".to_string(),
            // Skips the fast path counts itself.
            r#"{"events": [{"message": "m"}, {"timestamp": "x", "message": "m"}, {"timestamp": 1, "message": null}, {"timestamp": 1, "message": 3}, {"timestamp": "2026-11-28 10:15:08.100", "message": "m", "logGroupName": 7, "logGroup": "g"}]}"#.to_string(),
            // Anomalies: the general reader decides, nothing delivered twice.
            format!("{{\"events\": [{EV}, {{\"timestamp\": 1, \"timestamp\": 2, \"message\": \"d\"}}, {EV}]}}"),
            format!("{{\"events\": [{EV}, 7, {EV}]}}"),
            format!("{{\"nextToken\": \"t\", \"ev\\u0065nts\": [{EV}]}}"),
            format!("{{\"events\": [{EV}, {{\"timestamp\": 1, \"message\": \"x\", \"logStream\": [1]}}]}}"),
            format!("{{\"events\": [{EV}, {EV}"),
            format!("{{\"events\": [{EV},]}}"),
            format!("{{\"events\": [{EV}]}} trailing"),
            "{\"nextToken\": \"x\"}".to_string(),
            format!("{{\"events\": [{EV}], \"results\": []}}"),
        ];
        for case in &cases {
            assert_eq!(
                fast_then_general(case.as_bytes()),
                general(case.as_bytes()),
                "{case}"
            );
        }
    }

    /// What the fast path makes of `bytes` read through a map, if it
    /// accepts them.
    fn mapped(bytes: &[u8]) -> Option<(String, Got)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).expect("write");
        let file = std::fs::File::open(&path).expect("open");
        let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
        let start = bytes.iter().position(|&b| b == b'{').unwrap_or(0);
        let line_offset = memchr::memchr_iter(b'\n', &bytes[..start]).count() as u64;
        let store = Store::<std::fs::File>::Mapped {
            map,
            start,
            released: 0,
        };
        let mut got = Got::new();
        let mut sink = |e: RawEvent<'_>| got.push(owned(e));
        let mut out = Delivery::new(&mut sink, None);
        read_filter_log_events(store, line_offset, &mut out).ok()?;
        let outcome = format!("ok {} {:?}", out.events, out.skips.into_vec());
        Some((outcome, got))
    }

    #[test]
    fn a_mapped_file_gives_what_the_general_reader_gives() {
        let many: Vec<String> = (0..40_000)
            .map(|i| format!("{{\"logStreamName\": \"s{}\", \"timestamp\": {i}, \"message\": \"{{\\\"n\\\": {i}, \\\"pad\\\": \\\"{}\\\"}}\"}}", i % 7, "x".repeat(200)))
            .collect();
        // Over the release step, so parsed pages are handed back mid-read.
        let big = format!("\n\n{{\"events\": [\n{}\n]}}\n", many.join(",\n"));
        assert!(big.len() > RELEASE_STEP);
        let accepted = format!("  \n{{\"events\": [{EV},\n{EV}], \"nextToken\": \"x\"}}");
        for case in [big.as_str(), accepted.as_str()] {
            let got = mapped(case.as_bytes()).expect("the fast path accepts it");
            assert_eq!(got, general(case.as_bytes()));
        }
        let whole = fast_then_general(big.as_bytes());
        assert_eq!(whole.1.len(), 40_000);
        assert_eq!(whole, general(big.as_bytes()), "through read_file (mapped)");
        // Truncated: the fast path gives up and the general reader decides.
        assert!(mapped(&big.as_bytes()[..big.len() / 2]).is_none());
        let cut = &big.as_bytes()[..big.len() / 2];
        assert_eq!(fast_then_general(cut), general(cut));
    }

    /// JSON text for a field value: the common shapes and their near misses.
    fn value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "[a-zA-Z0-9 :{},.-]{0,12}",
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\/".to_string()),
            Just("\\n".to_string()),
            Just("\\u00e9".to_string()),
            Just("\\ud800".to_string()),
            Just("\\q".to_string()),
            Just("\t".to_string()),
            Just("\u{1b}[31m".to_string()),
            Just("é".to_string()),
        ];
        prop_oneof![
            4 => proptest::collection::vec(piece, 0..6).prop_map(|p| format!("\"{}\"", p.concat())),
            2 => "(0|[1-9][0-9]{0,19})",
            1 => prop_oneof![
                Just("05".to_string()),
                Just("-7".to_string()),
                Just("1.5".to_string()),
                Just("1e3".to_string()),
                Just("null".to_string()),
                Just("true".to_string()),
                Just("{\"a\": [1]}".to_string()),
            ],
        ]
    }

    proptest::proptest! {
        /// Whatever the quick parser accepts, it reads as serde does: the
        /// file gives the same events, skips and errors either way.
        #[test]
        fn the_quick_parser_agrees_with_the_general_reader(
            fields in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "timestamp", "message", "logStreamName", "logStream",
                        "logGroup", "logGroupName", "eventId", "ingestionTime", "x",
                    ]),
                    value(),
                    proptest::sample::select(vec!["", " ", "\n  "]),
                ),
                0..7,
            ),
        ) {
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v, space)| format!("{space}\"{k}\":{space}{v}"))
                .collect();
            let obj = format!("{{{}}}", body.join(","));
            let doc = format!("{{\"events\": [{obj},\n{EV}]}}");
            proptest::prop_assert_eq!(fast_then_general(doc.as_bytes()), general(doc.as_bytes()));
        }
    }

    /// Event objects mostly in the common shape (a timestamp and a
    /// message, some of the usual fields, in any order), with near misses.
    fn common_shape() -> impl proptest::strategy::Strategy<Value = Vec<(&'static str, String)>> {
        use proptest::prelude::*;
        let safe = prop_oneof![
            "[a-zA-Z0-9 :{},.-]{0,12}",
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\/".to_string()),
            Just("\\n".to_string()),
            Just("é".to_string()),
        ];
        let message = prop_oneof![
            8 => proptest::collection::vec(safe, 0..8).prop_map(|p| format!("\"{}\"", p.concat())),
            1 => value(),
        ];
        let timestamp =
            prop_oneof![8 => "[1-9][0-9]{0,17}", 1 => Just("0".to_string()), 1 => value()];
        let extra = (
            proptest::sample::select(vec![
                "logStreamName",
                "logStream",
                "logGroup",
                "logGroupName",
                "eventId",
                "ingestionTime",
                "x",
            ]),
            prop_oneof![3 => "\"[a-z/_0-9.-]{0,20}\"", 1 => "[1-9][0-9]{0,12}", 1 => value()],
        );
        (timestamp, message, proptest::collection::vec(extra, 0..4)).prop_flat_map(
            |(t, m, extras)| {
                let mut fields = vec![("timestamp", t), ("message", m)];
                fields.extend(extras);
                Just(fields).prop_shuffle()
            },
        )
    }

    proptest::proptest! {
        /// Field by field: whatever the quick parser accepts, a `Value`
        /// parse and the general checks accept too, with the same group,
        /// stream, timestamp and message (the NDJSON reader relies on it).
        /// The same, whole files of events mostly in the common shape.
        #[test]
        fn common_shaped_files_read_as_the_general_reader_reads_them(
            objects in proptest::collection::vec(common_shape(), 1..4),
        ) {
            let objects: Vec<String> = objects
                .iter()
                .map(|fields| {
                    let body: Vec<String> =
                        fields.iter().map(|(k, v)| format!("\n  \"{k}\": {v}")).collect();
                    format!("{{{}\n}}", body.join(","))
                })
                .collect();
            let doc = format!("{{\"events\": [{}]}}", objects.join(",\n"));
            proptest::prop_assert_eq!(fast_then_general(doc.as_bytes()), general(doc.as_bytes()));
        }

        #[test]
        fn the_quick_parser_reads_what_a_value_parse_reads(
            fields in common_shape(),
        ) {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            let obj = format!("{{{}}}", body.join(", "));
            if let Some((quick, used)) = quick::event(obj.as_bytes()) {
                proptest::prop_assert_eq!(used, obj.len());
                let map = match serde_json::from_str::<serde_json::Value>(&obj) {
                    Ok(serde_json::Value::Object(map)) => map,
                    other => return Err(proptest::test_runner::TestCaseError::fail(format!("{other:?}"))),
                };
                let general = super::super::event::event_fields(&map);
                let (timestamp, message) = super::super::event::check(&general)
                    .map_err(proptest::test_runner::TestCaseError::fail)?;
                let unescaped: String = serde_json::from_str(quick.message).expect("a JSON string");
                proptest::prop_assert_eq!(
                    (quick.group, quick.stream, quick.timestamp, unescaped.as_str()),
                    (general.group, general.stream, timestamp, message)
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_in_an_ignored_field_falls_back() {
        let mut bytes =
            b"{\"events\": [{\"timestamp\": 1, \"message\": \"m\", \"eventId\": \"".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b"\"}]}");
        assert_eq!(fast_then_general(&bytes), general(&bytes));
    }
}
