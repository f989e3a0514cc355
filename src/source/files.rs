//! Exported CloudWatch Logs files (three formats), streamed.
//!
//! `discover` turns `--input` paths into files with a log-group hint taken
//! from the directory layout; `read_file` recognises a file's format from
//! its content and hands each event to a sink as soon as it is parsed, so a
//! file of several GB never sits in memory. Problems with single lines are
//! counted in the summary; problems with the file itself are `InputError`s.

mod definitions;
mod discover;
mod document;
mod event;
mod fast;
mod ndjson;
mod parallel;
mod quick;

use crate::model::{InputFileSummary, Millis, RawTrace};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Seek};
use std::path::{Path, PathBuf};

pub use definitions::{read_definitions, DefinitionDocument};
pub use discover::discover;
pub use event::Keep;
pub use parallel::read_files_ordered;

/// Reads are large and sequential: a big buffer keeps syscalls rare.
const BUFFER_BYTES: usize = 1 << 20;

/// Enough to tell a file's format by its first key.
const PEEK_BYTES: usize = 8 << 10;

/// The export formats, told apart by content, never by file name: three of
/// log events, X-Ray's traces, and the definitions `check` reads (flows and
/// function configurations, as the AWS CLI prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `aws logs filter-log-events --output json`, one or more pages.
    FilterLogEvents,
    /// One JSON event per line.
    Ndjson,
    /// `aws logs get-query-results --output json`, one or more pages.
    QueryResults,
    /// `aws xray batch-get-traces --output json`, one or more pages: no log
    /// events, read by `read_traces` when traces are asked for.
    XrayTraces,
    /// `aws connect describe-contact-flow` (or `describe-contact-flow-module`)
    /// `--output json`: a flow with its content. The definitions below hold
    /// no log events; `read_definitions` reads them for `check`.
    ContactFlow,
    /// A flow-language document itself (`{"Version": "2019-10-30",
    /// "StartAction", "Actions": [...]}`), as the console exports it.
    FlowLanguage,
    /// `aws connect list-contact-flows` pages: names only, nothing to check.
    ContactFlowList,
    /// `aws lambda get-function-configuration` (or `get-function`) output.
    FunctionConfiguration,
    /// `aws lambda list-functions` pages.
    FunctionList,
    /// `aws lambda list-provisioned-concurrency-configs` pages.
    ProvisionedConcurrency,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::FilterLogEvents => "filter-log-events",
            Format::Ndjson => "ndjson",
            Format::QueryResults => "query-results",
            Format::XrayTraces => "xray-traces",
            Format::ContactFlow => "contact-flow",
            Format::FlowLanguage => "flow-language",
            Format::ContactFlowList => "list-contact-flows",
            Format::FunctionConfiguration => "function-configuration",
            Format::FunctionList => "list-functions",
            Format::ProvisionedConcurrency => "provisioned-concurrency-configs",
        }
    }

    /// A definition `check` reads (a flow, a function), not log events.
    pub fn is_definition(self) -> bool {
        matches!(
            self,
            Format::ContactFlow
                | Format::FlowLanguage
                | Format::ContactFlowList
                | Format::FunctionConfiguration
                | Format::FunctionList
                | Format::ProvisionedConcurrency
        )
    }
}

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as the user would recognise it (under the `--input` given).
    pub display: String,
    /// The log group its location implies, if any; an event's own group
    /// (NDJSON `logGroup`, Insights `@log`) overrides it.
    pub group_hint: Option<String>,
}

/// One event as found in a file, borrowed from the reader's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent<'a> {
    pub group: Option<&'a str>,
    pub stream: &'a str,
    pub timestamp: Millis,
    pub message: &'a str,
    /// 1-based line where the event starts.
    pub line: u64,
}

/// Why an input could not be discovered or read. The text names the path
/// and, where it applies, the line.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: does not exist")]
    NotFound { path: String },
    #[error("{path}: permission denied")]
    PermissionDenied { path: String },
    #[error("{path}: {kind}, not a regular file or directory")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path}: is a directory, expected a file")]
    IsDirectory { path: String },
    #[error("{}: I/O error: {source}", at_line(path, *line))]
    Io {
        path: String,
        line: Option<u64>,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path}: not a CloudWatch Logs export (expected filter-log-events JSON, \
         NDJSON events, or get-query-results JSON); first bytes: {preview}"
    )]
    NotAnExport {
        path: String,
        preview: String,
        /// Non-blank lines read before deciding (0: the file was not read).
        lines: u64,
    },
    #[error("{path}:{line}:{column}: truncated or invalid JSON: {message}")]
    InvalidJson {
        path: String,
        line: u64,
        column: u64,
        message: String,
    },
}

fn at_line(path: &str, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}

impl InputError {
    /// Sort an I/O error into the cases a user acts on differently.
    fn from_io(path: &str, line: Option<u64>, source: io::Error) -> Self {
        let path = path.to_string();
        match source.kind() {
            io::ErrorKind::NotFound => InputError::NotFound { path },
            io::ErrorKind::PermissionDenied => InputError::PermissionDenied { path },
            _ => InputError::Io { path, line, source },
        }
    }
}

/// Read one file, handing every usable event to `sink` in file order.
///
/// On an error after some events were delivered, those stay delivered; the
/// caller decides whether to keep them.
pub fn read_file(
    file: &InputFile,
    sink: &mut dyn FnMut(RawEvent<'_>),
) -> Result<InputFileSummary, InputError> {
    read_file_keeping(file, None, sink)
}

/// `read_file`, delivering only the valid events `keep` accepts (by group,
/// the event's own or the hint, and timestamp). The others are counted as
/// read all the same, and their messages are never unescaped.
pub fn read_file_keeping(
    file: &InputFile,
    keep: Option<Keep<'_>>,
    sink: &mut dyn FnMut(RawEvent<'_>),
) -> Result<InputFileSummary, InputError> {
    let path = file.display.as_str();
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, open_regular(&file.path, path)?);
    let start = peek_start(&mut reader).map_err(|e| InputError::from_io(path, None, e))?;
    let mut out = event::Delivery::new(sink, file.group_hint.as_deref());
    out.keep = keep;
    let format = match start.kind {
        StartKind::Empty => "empty",
        // Not JSON at its start: maybe NDJSON behind a damaged head (a
        // concatenation, a partial write). Read line by line; a file with
        // no event in it is reported as not an export.
        StartKind::Unknown | StartKind::Lines => {
            ndjson::read(reader, start.line_offset, &mut out, path, &start.preview)?;
            Format::Ndjson.as_str()
        }
        StartKind::Document(Format::FilterLogEvents) => {
            if fast::read_filter_log_events(fast_store(reader), start.line_offset, &mut out)
                .is_err()
            {
                // Start over with the general reader; what the fast path
                // already delivered is counted again, not delivered again.
                out.suppress = out.events;
                out.events = 0;
                out.skips = event::Skips::default();
                let mut reader =
                    BufReader::with_capacity(BUFFER_BYTES, open_regular(&file.path, path)?);
                let start =
                    peek_start(&mut reader).map_err(|e| InputError::from_io(path, None, e))?;
                document::read(reader, start.line_offset, &mut out, path, &start.preview)?;
            }
            Format::FilterLogEvents.as_str()
        }
        // Traces are not log events: `read_traces` reads them.
        StartKind::Document(Format::XrayTraces) => Format::XrayTraces.as_str(),
        // Nor are flows and function configurations: `read_definitions`.
        StartKind::Document(format) if format.is_definition() => format.as_str(),
        StartKind::Document(format) => {
            document::read(reader, start.line_offset, &mut out, path, &start.preview)?;
            format.as_str()
        }
    };
    Ok(InputFileSummary {
        file: file.display.clone(),
        format: format.to_string(),
        events: out.events,
        skipped: out.skips.into_vec(),
    })
}

/// The traces in an `aws xray batch-get-traces --output json` file (pages
/// may follow each other), `None` when the file is something else.
pub fn read_traces(file: &InputFile) -> Result<Option<Vec<RawTrace>>, InputError> {
    let path = file.display.as_str();
    // Most files are log exports: a small buffer keeps the peek cheap.
    let mut reader = BufReader::with_capacity(PEEK_BYTES, open_regular(&file.path, path)?);
    let start = peek_start(&mut reader).map_err(|e| InputError::from_io(path, None, e))?;
    if start.kind != StartKind::Document(Format::XrayTraces) {
        return Ok(None);
    }
    let mut traces = Vec::new();
    for page in serde_json::Deserializer::from_reader(reader).into_iter::<TracePage>() {
        let page = page.map_err(|e| document::json_error(path, start.line_offset, e))?;
        traces.extend(page.traces.into_iter().map(|t| RawTrace {
            id: t.id,
            segment_documents: t.segments.into_iter().map(|s| s.document).collect(),
        }));
    }
    Ok(Some(traces))
}

/// A page of `batch-get-traces` output: what the tool reads of it.
#[derive(serde::Deserialize)]
struct TracePage {
    #[serde(rename = "Traces", default)]
    traces: Vec<TraceOut>,
}

#[derive(serde::Deserialize)]
struct TraceOut {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Segments", default)]
    segments: Vec<SegmentOut>,
}

#[derive(serde::Deserialize)]
struct SegmentOut {
    /// The segment document, a JSON object as a string.
    #[serde(rename = "Document")]
    document: String,
}

/// Files at least this large are mapped rather than read (below it, the
/// map costs more than the copy it saves).
const MAP_AT_LEAST: u64 = 1 << 20;

/// The fast path's bytes: the file mapped from where `reader` stands, or
/// (small files, or a map refused) the reader itself.
///
/// A mapped file that another process truncates while it is read would
/// fault (SIGBUS); exports are written once and read after, as ripgrep
/// assumes for the single files it maps. `CONNECT_TIMEOUTS_NO_MMAP=1`
/// turns mapping off for a file that is still being written.
fn fast_store(mut reader: BufReader<File>) -> fast::Store<BufReader<File>> {
    let size = reader.get_ref().metadata().map(|m| m.len()).unwrap_or(0);
    if size < MAP_AT_LEAST || std::env::var_os("CONNECT_TIMEOUTS_NO_MMAP").is_some() {
        return fast::Store::stream(reader);
    }
    let Ok(start) = reader.stream_position() else {
        return fast::Store::stream(reader);
    };
    // SAFETY: the map is read-only and private; see above for truncation.
    match unsafe { memmap2::Mmap::map(reader.get_ref()) } {
        Ok(map) if start <= map.len() as u64 => {
            let _ = map.advise(memmap2::Advice::Sequential);
            fast::Store::Mapped {
                map,
                start: start as usize,
                released: 0,
            }
        }
        _ => fast::Store::stream(reader),
    }
}

/// Open `path` only if it is a regular file: opening a FIFO for reading
/// would block until someone writes to it.
fn open_regular(path: &Path, display: &str) -> Result<File, InputError> {
    let meta = fs::metadata(path).map_err(|e| InputError::from_io(display, None, e))?;
    if meta.is_dir() {
        return Err(InputError::IsDirectory {
            path: display.to_string(),
        });
    }
    if !meta.is_file() {
        return Err(InputError::NotRegular {
            path: display.to_string(),
            kind: discover::file_kind(&meta),
        });
    }
    File::open(path).map_err(|e| InputError::from_io(display, None, e))
}

fn not_an_export(path: &str, preview: &str, lines: u64) -> InputError {
    InputError::NotAnExport {
        path: path.to_string(),
        preview: preview.to_string(),
        lines,
    }
}

/// What the first non-blank bytes of a file say it is.
#[derive(Debug, PartialEq, Eq)]
enum StartKind {
    Empty,
    /// A JSON document whose first key belongs to this format.
    Document(Format),
    /// An object of some other shape: NDJSON, if the first line agrees.
    Lines,
    /// Not a JSON object at all.
    Unknown,
}

#[derive(Debug)]
struct Start {
    kind: StartKind,
    /// Lines of leading whitespace consumed before the content.
    line_offset: u64,
    /// The first bytes of the content, escaped, for error messages.
    preview: String,
}

const PREVIEW_BYTES: usize = 40;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

use crate::json_scan::is_json_space;

/// Look at the first non-blank bytes without consuming them (except for a
/// byte-order mark and buffers that hold nothing but whitespace).
fn peek_start(reader: &mut impl BufRead) -> io::Result<Start> {
    let mut line_offset = 0;
    let mut at_file_start = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(Start {
                kind: StartKind::Empty,
                line_offset,
                preview: String::new(),
            });
        }
        if at_file_start && buf.starts_with(UTF8_BOM) {
            reader.consume(UTF8_BOM.len());
            at_file_start = false;
            continue;
        }
        at_file_start = false;
        if let Some(at) = buf.iter().position(|&b| !is_json_space(b)) {
            return Ok(Start {
                kind: classify(&buf[at..]),
                line_offset,
                preview: preview(&buf[at..]),
            });
        }
        line_offset += memchr::memchr_iter(b'\n', buf).count() as u64;
        let all = buf.len();
        reader.consume(all);
    }
}

fn classify(content: &[u8]) -> StartKind {
    if content.first() != Some(&b'{') {
        return StartKind::Unknown;
    }
    match first_key(&content[1..]) {
        Some(b"events" | b"searchedLogStreams" | b"nextToken") => {
            StartKind::Document(Format::FilterLogEvents)
        }
        Some(b"results" | b"statistics" | b"status" | b"encryptionKey" | b"queryLanguage") => {
            StartKind::Document(Format::QueryResults)
        }
        Some(b"Traces" | b"UnprocessedTraceIds") => StartKind::Document(Format::XrayTraces),
        Some(b"ContactFlow" | b"ContactFlowModule") => StartKind::Document(Format::ContactFlow),
        // The console writes `Version` first; hand-written flows may not.
        Some(b"Version" | b"StartAction" | b"Actions" | b"Metadata") => {
            StartKind::Document(Format::FlowLanguage)
        }
        Some(b"ContactFlowSummaryList" | b"ContactFlowModulesSummaryList") => {
            StartKind::Document(Format::ContactFlowList)
        }
        // `get-function` nests the configuration under `Configuration`.
        Some(b"FunctionName" | b"Configuration") => {
            StartKind::Document(Format::FunctionConfiguration)
        }
        Some(b"Functions") => StartKind::Document(Format::FunctionList),
        Some(b"ProvisionedConcurrencyConfigs") => {
            StartKind::Document(Format::ProvisionedConcurrency)
        }
        _ => StartKind::Lines,
    }
}

/// The first key of an object whose `{` was just passed, if it is in view.
/// The keys that matter have no escapes, so the next quote ends the key.
fn first_key(after_brace: &[u8]) -> Option<&[u8]> {
    let at = after_brace.iter().position(|&b| !is_json_space(b))?;
    let rest = after_brace[at..].strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(&rest[..end])
}

fn preview(content: &[u8]) -> String {
    let shown = &content[..content.len().min(PREVIEW_BYTES)];
    let more = if content.len() > PREVIEW_BYTES {
        "..."
    } else {
        ""
    };
    format!("\"{}\"{more}", shown.escape_ascii())
}

#[cfg(test)]
mod tests {
    //! Whole-file tests: real files in temporary directories.

    use super::*;
    use crate::model::SkippedLines;
    use std::process::Command;
    use tempfile::TempDir;

    /// An owned copy of a `RawEvent`, to look at after reading.
    #[derive(Debug, PartialEq)]
    struct Got {
        group: Option<String>,
        stream: String,
        timestamp: Millis,
        message: String,
        line: u64,
    }

    fn read(file: &InputFile) -> (Result<InputFileSummary, InputError>, Vec<Got>) {
        let mut got = Vec::new();
        let result = read_file(file, &mut |e: RawEvent<'_>| {
            got.push(Got {
                group: e.group.map(str::to_string),
                stream: e.stream.to_string(),
                timestamp: e.timestamp,
                message: e.message.to_string(),
                line: e.line,
            })
        });
        (result, got)
    }

    fn write(dir: &TempDir, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create dirs");
        }
        fs::write(&path, content).expect("write file");
        path
    }

    fn input(path: &Path, hint: Option<&str>) -> InputFile {
        InputFile {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            group_hint: hint.map(str::to_string),
        }
    }

    /// Read a file written under `rel` with the given hint; expect success.
    fn read_ok(content: &str, hint: Option<&str>) -> (InputFileSummary, Vec<Got>) {
        let dir = TempDir::new().expect("tempdir");
        let path = write(&dir, "f.json", content);
        let (result, got) = read(&input(&path, hint));
        (result.expect("read ok"), got)
    }

    fn read_err(content: impl AsRef<[u8]>) -> (String, InputError) {
        let dir = TempDir::new().expect("tempdir");
        let path = write(&dir, "f.json", content);
        let (result, _) = read(&input(&path, None));
        let err = result.expect_err("should fail");
        (path.display().to_string(), err)
    }

    const TS: Millis = 1_795_860_908_100; // 2026-11-28 10:15:08.100 UTC

    /// As `aws logs filter-log-events --output json` prints it.
    fn filter_page(events: &[(&str, Millis, &str)], next: Option<&str>) -> String {
        let events: Vec<_> = events
            .iter()
            .map(|(stream, ts, msg)| {
                serde_json::json!({
                    "logStreamName": stream, "timestamp": ts, "message": msg,
                    "ingestionTime": ts + 500, "eventId": "3728",
                })
            })
            .collect();
        let mut doc = serde_json::json!({"events": events, "searchedLogStreams": []});
        if let Some(token) = next {
            doc["nextToken"] = token.into();
        }
        serde_json::to_string_pretty(&doc).expect("json") + "\n"
    }

    // --- filter-log-events ---------------------------------------------------

    #[test]
    fn filter_log_events_pretty_printed() {
        let doc = filter_page(
            &[("s1", TS, "START a"), ("s2", TS + 1, "END a")],
            Some("tok"),
        );
        let (summary, got) = read_ok(&doc, Some("/aws/lambda/crm"));
        assert_eq!(summary.format, "filter-log-events");
        assert_eq!(summary.events, 2);
        assert!(summary.skipped.is_empty());
        assert_eq!(
            got[0],
            Got {
                group: Some("/aws/lambda/crm".into()),
                stream: "s1".into(),
                timestamp: TS,
                message: "START a".into(),
                line: 3,
            }
        );
        // Each pretty-printed event is 7 lines plus its brace line.
        assert_eq!(got[1].line, 10);
        assert_eq!(doc.lines().nth(9).map(str::trim), Some("{"));
    }

    #[test]
    fn filter_log_events_concatenated_pages_and_empty_page() {
        let mut doc = filter_page(&[("s", TS, "one")], Some("t1"));
        doc += &filter_page(&[], Some("t2"));
        doc += &filter_page(&[("s", TS + 5, "two"), ("s", TS + 6, "three")], None);
        let (summary, got) = read_ok(&doc, None);
        assert_eq!(summary.events, 3);
        let messages: Vec<_> = got.iter().map(|g| g.message.as_str()).collect();
        assert_eq!(messages, ["one", "two", "three"]);
        assert!(got.iter().all(|g| g.group.is_none()));
        let two_at = doc
            .lines()
            .position(|l| l.contains("\"two\""))
            .expect("two");
        // The event starts on the line of its `{`, a few lines above its message.
        assert!(got[1].line < two_at as u64 + 1 && got[1].line + 6 > two_at as u64);
    }

    #[test]
    fn filter_log_events_compact_and_bad_elements_counted() {
        let doc = concat!(
            r#"{"events":[{"logStreamName":"s","timestamp":1,"message":"ok"},"#,
            "\n",
            r#"{"logStreamName":"s","message":"no time"},"#,
            "\n",
            r#"{"logStreamName":"s","timestamp":"soon","message":"x"},"#,
            "\n",
            r#"{"logStreamName":"s","timestamp":2},"#,
            "\n",
            r#"42, {"timestamp":3,"message":"no stream"}],"nextToken":null}"#,
        );
        let (summary, got) = read_ok(doc, None);
        assert_eq!(summary.events, 2);
        assert_eq!(got[1].stream, "");
        assert_eq!(
            summary.skipped,
            vec![
                skipped("missing timestamp", &[2]),
                skipped("bad timestamp", &[3]),
                skipped("missing message", &[4]),
                skipped("not an event object", &[5]),
            ]
        );
    }

    fn skipped(reason: &str, lines: &[u64]) -> SkippedLines {
        SkippedLines {
            reason: reason.into(),
            count: lines.len() as u64,
            lines: lines.to_vec(),
        }
    }

    // --- NDJSON --------------------------------------------------------------

    #[test]
    fn ndjson_with_and_without_log_group() {
        let text = concat!(
            r#"{"timestamp": 1795860908100, "logStream": "2026/11/28/[$LATEST]ab", "message": "START"}"#,
            "\n\n",
            r#"{"timestamp": 1795860908200, "logStream": "x", "message": "entry", "logGroup": "/aws/connect/acme"}"#,
            "\n",
        );
        let (summary, got) = read_ok(text, Some("/aws/lambda/crm"));
        assert_eq!(summary.format, "ndjson");
        assert_eq!(summary.events, 2);
        assert_eq!(got[0].group.as_deref(), Some("/aws/lambda/crm"));
        assert_eq!(got[0].stream, "2026/11/28/[$LATEST]ab");
        assert_eq!(got[0].line, 1);
        assert_eq!(got[1].group.as_deref(), Some("/aws/connect/acme"));
        assert_eq!(got[1].line, 3);
    }

    #[test]
    fn ndjson_bad_lines_are_counted_with_their_numbers() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"{\"timestamp\":1,\"message\":\"a\"}\n"); // 1
        bytes.extend_from_slice(b"not json at all\n"); // 2
        bytes.extend_from_slice(b"{\"message\":\"no time\"}\n"); // 3
        bytes.extend_from_slice(b"{\"timestamp\":\"abc\",\"message\":\"x\"}\n"); // 4
        bytes.extend_from_slice(b"{\"timestamp\":5,\"message\":\"\xff\xfe\"}\n"); // 5
        bytes.extend_from_slice(b"{\"timestamp\":6}\n"); // 6
        bytes.extend_from_slice(b"{\"timestamp\":7,\"message\":\"b\"\n"); // 7: truncated
        bytes.extend_from_slice(b"[1,2]\n"); // 8
        bytes.extend_from_slice(b"{\"timestamp\":9,\"message\":{\"k\":1}}\n"); // 9
        bytes.extend_from_slice(b"{\"timestamp\":10,\"message\":\"c\"}\n"); // 10
        let dir = TempDir::new().expect("tempdir");
        let path = write(&dir, "x.ndjson", &bytes);
        let (result, got) = read(&input(&path, None));
        let summary = result.expect("read ok");
        assert_eq!(got.iter().map(|g| g.line).collect::<Vec<_>>(), [1, 10]);
        assert_eq!(
            summary.skipped,
            vec![
                skipped("not JSON", &[2, 7]),
                skipped("missing timestamp", &[3]),
                skipped("bad timestamp", &[4]),
                skipped("invalid UTF-8", &[5]),
                skipped("missing message", &[6]),
                skipped("not an event object", &[8]),
                skipped("message not a string", &[9]),
            ]
        );
    }

    #[test]
    fn message_of_256_kb() {
        let big = "x".repeat(256 * 1024);
        let line = format!("{{\"timestamp\":{TS},\"logStream\":\"s\",\"message\":\"{big}\"}}\n");
        let (_, got) = read_ok(&(line.clone() + &line), None);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].message.len(), big.len());
        assert_eq!(got[1].line, 2);
        let (_, got) = read_ok(&filter_page(&[("s", TS, &big)], None), None);
        assert_eq!(got[0].message, big);
    }

    // --- get-query-results ---------------------------------------------------

    fn query_row(ts: &str, log: &str, msg: &str) -> serde_json::Value {
        serde_json::json!([
            {"field": "@timestamp", "value": ts},
            {"field": "@logStream", "value": "2026/11/28/[$LATEST]ab"},
            {"field": "@log", "value": log},
            {"field": "@message", "value": msg},
            {"field": "@ptr", "value": "CmAKJwoj"},
        ])
    }

    fn query_doc(rows: Vec<serde_json::Value>) -> String {
        let doc = serde_json::json!({
            "results": rows,
            "statistics": {"recordsMatched": 2.0, "recordsScanned": 9.0, "bytesScanned": 900.0},
            "status": "Complete",
        });
        serde_json::to_string_pretty(&doc).expect("json")
    }

    #[test]
    fn query_results_aws_timestamps_with_account_prefix() {
        let doc = query_doc(vec![
            query_row(
                "2026-11-28 10:15:08.100",
                "123456789012:/aws/lambda/crm-lookup",
                "START",
            ),
            query_row(
                "2026-11-28T10:15:09Z",
                "123456789012:/aws/lambda/crm-lookup",
                "END",
            ),
        ]);
        let (summary, got) = read_ok(&doc, Some("/aws/connect/ignored"));
        assert_eq!(summary.format, "query-results");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].timestamp, TS);
        assert_eq!(got[1].timestamp, TS + 900);
        assert_eq!(got[0].group.as_deref(), Some("/aws/lambda/crm-lookup"));
        assert_eq!(got[0].stream, "2026/11/28/[$LATEST]ab");
        assert_eq!(got[0].line, 3);
    }

    #[test]
    fn query_results_emulator_epoch_ms_and_bare_group() {
        let doc = query_doc(vec![query_row(
            &TS.to_string(),
            "/aws/lambda/crm-lookup",
            "START",
        )]);
        let (_, got) = read_ok(&doc, None);
        assert_eq!(got[0].timestamp, TS);
        assert_eq!(got[0].group.as_deref(), Some("/aws/lambda/crm-lookup"));
    }

    #[test]
    fn query_results_row_without_message_is_skipped() {
        let doc = r#"{"statistics":{},"results":[[{"field":"@timestamp","value":"1"}],"x"],"status":"Complete"}"#;
        let (summary, got) = read_ok(doc, None);
        assert_eq!(summary.format, "query-results");
        assert!(got.is_empty());
        assert_eq!(summary.skipped[0].reason, "missing message");
        assert_eq!(summary.skipped[1].reason, "not an event object");
    }

    // --- definitions (check) -------------------------------------------------

    /// Flows and function configurations are told by content wherever they
    /// are, and a log reader counts them read, with no event and no line
    /// skipped (so `scan` over a folder that also holds them is unchanged).
    #[test]
    fn definitions_hold_no_events_and_skip_no_line() {
        let cases = [
            (r#"{"ContactFlow": {"Name": "Main", "Content": "{}"}}"#, "contact-flow"),
            (r#"{"ContactFlowModule": {"Name": "Auth", "Content": "{}"}}"#, "contact-flow"),
            (
                "{\n  \"Version\": \"2019-10-30\",\n  \"StartAction\": \"a\",\n  \"Actions\": []\n}",
                "flow-language",
            ),
            (r#"{"ContactFlowSummaryList": []}"#, "list-contact-flows"),
            (r#"{"FunctionName": "crm", "Timeout": 3}"#, "function-configuration"),
            (r#"{"Configuration": {"FunctionName": "crm"}, "Code": {}}"#, "function-configuration"),
            (r#"{"Functions": []}"#, "list-functions"),
            (r#"{"ProvisionedConcurrencyConfigs": []}"#, "provisioned-concurrency-configs"),
        ];
        for (content, format) in cases {
            let (summary, got) = read_ok(content, Some("/aws/connect/acme"));
            assert_eq!(summary.format, format, "{content}");
            assert_eq!((summary.events, got.len()), (0, 0));
            assert!(
                summary.skipped.is_empty(),
                "{content}: {:?}",
                summary.skipped
            );
        }
    }

    // --- whole-file problems -------------------------------------------------

    #[test]
    fn empty_and_blank_files_are_empty() {
        for content in ["", "  \n\n\t\r\n"] {
            let (summary, got) = read_ok(content, None);
            assert_eq!(summary.format, "empty");
            assert_eq!(summary.events, 0);
            assert!(got.is_empty());
        }
    }

    #[test]
    fn garbage_is_not_an_export() {
        let (path, err) =
            read_err(b"\x7fELF\x02\x01\x01\x00\x00\x00binary\n\x00\x01more\n{\"foo\":1}");
        assert!(
            matches!(err, InputError::NotAnExport { lines: 3, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(matches!(err, InputError::NotAnExport { .. }));
        assert!(text.starts_with(&format!("{path}: not a CloudWatch Logs export")));
        assert!(text.contains(r#"first bytes: "\x7fELF\x02"#), "{text}");
    }

    #[test]
    fn events_after_a_damaged_head_are_read_and_the_head_counted() {
        let content = "\u{1}garbage\n{\"cut\": \n\n{\"timestamp\": 1764324000000, \"message\": \"a\"}\nnot json\n";
        let (summary, got) = read_ok(content, Some("/aws/lambda/f"));
        assert_eq!(summary.format, "ndjson");
        assert_eq!(got.len(), 1);
        let skipped: Vec<(u64, Vec<u64>)> = summary
            .skipped
            .iter()
            .map(|s| (s.count, s.lines.clone()))
            .collect();
        assert_eq!(skipped.iter().map(|s| s.0).sum::<u64>(), 3, "{skipped:?}");
        let mut lines: Vec<u64> = skipped.into_iter().flat_map(|s| s.1).collect();
        lines.sort();
        assert_eq!(lines, vec![1, 2, 5]);
    }

    #[test]
    fn json_of_another_shape_is_not_an_export() {
        for content in [
            "{\"foo\": 1}\n",
            "[1, 2]",
            "{\n  \"foo\": []\n}\n",
            // NDJSON-like lines whose first key happens to be a document key.
            "{\"status\": \"ok\", \"timestamp\": 1, \"message\": \"m\"}\n",
        ] {
            let (_, err) = read_err(content);
            assert!(
                matches!(err, InputError::NotAnExport { .. }),
                "{content}: {err}"
            );
        }
    }

    #[test]
    fn truncated_document_names_file_and_line_after_delivering() {
        let doc = filter_page(&[("s", TS, "one"), ("s", TS, "two")], None);
        let cut = &doc[..doc.find("\"two\"").expect("two") + 3];
        let dir = TempDir::new().expect("tempdir");
        let path = write(&dir, "cut.json", cut);
        let (result, got) = read(&input(&path, None));
        assert_eq!(got.len(), 1, "the first event was delivered");
        let err = result.expect_err("truncated");
        let line = cut.lines().count() as u64;
        assert!(matches!(err, InputError::InvalidJson { line: l, .. } if l == line));
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{}:{line}:", path.display())),
            "{text}"
        );
        assert!(text.contains("truncated or invalid JSON: EOF"), "{text}");
    }

    #[test]
    fn garbage_after_a_document_is_an_error_with_its_line() {
        let doc = filter_page(&[("s", TS, "one")], None) + "\n\nnot json\n";
        let (path, err) = read_err(&doc);
        let line = doc.lines().count() as u64;
        // serde_json reads `n` as the start of `null` and stops at `o`.
        assert!(
            err.to_string().starts_with(&format!("{path}:{line}:2:")),
            "{err}"
        );
    }

    #[test]
    fn leading_blank_lines_shift_error_lines() {
        let (path, err) = read_err("\n\n{\"events\": [\n{\"x\": ]}");
        assert!(err.to_string().starts_with(&format!("{path}:4:")), "{err}");
    }

    #[test]
    fn utf8_bom_is_ignored() {
        let (summary, _) = read_ok("\u{feff}{\"timestamp\":1,\"message\":\"a\"}\n", None);
        assert_eq!(summary.events, 1);
    }

    #[test]
    fn missing_file_is_named() {
        let err = discover(&[PathBuf::from("/no/such/export.json")]).expect_err("missing");
        assert_eq!(err.to_string(), "/no/such/export.json: does not exist");
    }

    #[test]
    fn fifo_is_rejected_without_blocking() {
        let dir = TempDir::new().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable: skipped");
            return;
        }
        let err = discover(std::slice::from_ref(&fifo)).expect_err("fifo");
        assert!(err
            .to_string()
            .ends_with("a FIFO (named pipe), not a regular file or directory"));
        let err = discover(&[dir.path().to_path_buf()]).expect_err("fifo in a dir");
        assert!(matches!(err, InputError::NotRegular { .. }));
        let (result, _) = read(&input(&fifo, None));
        assert!(matches!(result, Err(InputError::NotRegular { .. })));
    }

    #[test]
    fn directory_given_to_read_file() {
        let dir = TempDir::new().expect("tempdir");
        let (result, _) = read(&input(dir.path(), None));
        assert!(matches!(result, Err(InputError::IsDirectory { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directory_is_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new().expect("tempdir");
        let locked = dir.path().join("locked");
        write(&dir, "locked/aws/x.json", "{}");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
        // Root reads anything: only assert when the permissions really deny.
        let denied = fs::read_dir(&locked).is_err();
        let result = discover(std::slice::from_ref(&locked));
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod back");
        if denied {
            let err = result.expect_err("denied");
            assert_eq!(
                err.to_string(),
                format!("{}: permission denied", locked.display())
            );
        } else {
            assert!(result.is_ok());
        }
    }

    // --- discovery -----------------------------------------------------------

    #[test]
    fn discovery_is_sorted_skips_hidden_and_derives_groups() {
        let dir = TempDir::new().expect("tempdir");
        for rel in [
            "top.json",
            "aws/lambda/crm-lookup/b.ndjson",
            "aws/lambda/crm-lookup/a.json",
            "aws/connect/acme-prod/x.json",
            "aws/connect/acme-prod/.DS_Store",
            ".hidden/aws/lambda/f/z.json",
            "custom/app/y.json",
        ] {
            write(&dir, rel, "");
        }
        let root = dir.path().to_path_buf();
        let found = discover(std::slice::from_ref(&root)).expect("discover");
        let listed: Vec<_> = found
            .iter()
            .map(|f| {
                let rel = f.path.strip_prefix(&root).expect("under root");
                (rel.display().to_string(), f.group_hint.clone())
            })
            .collect();
        let hint = |s: &str| Some(s.to_string());
        assert_eq!(
            listed,
            vec![
                (
                    "aws/connect/acme-prod/x.json".into(),
                    hint("/aws/connect/acme-prod")
                ),
                (
                    "aws/lambda/crm-lookup/a.json".into(),
                    hint("/aws/lambda/crm-lookup")
                ),
                (
                    "aws/lambda/crm-lookup/b.ndjson".into(),
                    hint("/aws/lambda/crm-lookup")
                ),
                ("custom/app/y.json".into(), hint("/custom/app")),
                ("top.json".into(), None),
            ]
        );
        assert_eq!(
            found[4].display,
            root.join("top.json").display().to_string()
        );
    }

    #[test]
    fn file_input_takes_its_group_from_an_aws_component() {
        let dir = TempDir::new().expect("tempdir");
        let file = write(&dir, "exports/aws/lambda/crm/x.json", "");
        let plain = write(&dir, "exports/x.json", "");
        let found = discover(&[file, plain]).expect("discover");
        assert_eq!(found[0].group_hint.as_deref(), Some("/aws/lambda/crm"));
        assert_eq!(found[1].group_hint, None);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_and_repeats_are_walked_once() {
        let dir = TempDir::new().expect("tempdir");
        write(&dir, "aws/lambda/f/x.json", "");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("aws/lambda/f/loop"))
            .expect("symlink");
        let root = dir.path().to_path_buf();
        let found = discover(&[root.clone(), root.join("aws/lambda/f/x.json")]).expect("discover");
        assert_eq!(found.len(), 1);
    }
}
