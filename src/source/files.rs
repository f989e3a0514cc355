//! Exported CloudWatch Logs files (three formats), streamed.
//!
//! `discover` turns `--input` paths into files with a log-group hint taken
//! from the directory layout; `read_file` recognises a file's format from
//! its content and hands each event to a sink as soon as it is parsed, so a
//! file of several GB never sits in memory. Problems with single lines are
//! counted in the summary; problems with the file itself are `InputError`s.

mod discover;
mod document;
mod event;
mod fast;
mod ndjson;
mod parallel;
mod quick;

use crate::model::{InputFileSummary, Millis};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Seek};
use std::path::{Path, PathBuf};

pub use discover::discover;
pub use event::Keep;
pub use parallel::read_files_ordered;

/// Reads are large and sequential: a big buffer keeps syscalls rare.
const BUFFER_BYTES: usize = 1 << 20;

/// The three export formats, told apart by content, never by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `aws logs filter-log-events --output json`, one or more pages.
    FilterLogEvents,
    /// One JSON event per line.
    Ndjson,
    /// `aws logs get-query-results --output json`, one or more pages.
    QueryResults,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::FilterLogEvents => "filter-log-events",
            Format::Ndjson => "ndjson",
            Format::QueryResults => "query-results",
        }
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

fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

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
mod tests;
