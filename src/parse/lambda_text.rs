//! Lambda TEXT log format: platform lines (`START`, `END`, `REPORT`,
//! `INIT_*`, `RESTORE_*`, timeouts, runtime errors) and runtime-prefixed
//! application lines.
//!
//! Whitespace is unreliable: REPORT fields are tab-separated, but exports and
//! copies render tabs as one or several spaces, and older lines carry a space
//! before a tab or a trailing tab. So fields are read as whitespace tokens,
//! never by splitting on `\t`.

use crate::model::{InitKind, LambdaRecord, Report};

/// Parse one trimmed text-format line.
pub(crate) fn parse_text(line: &str) -> LambdaRecord {
    let mut tokens = line.split_whitespace();
    let first = tokens.next().unwrap_or("");
    let platform = match first {
        "START" => start(line),
        "END" => end(line),
        "REPORT" => report(line),
        "INIT_START" => Some(init_start(line, InitKind::Init)),
        "RESTORE_START" => Some(init_start(line, InitKind::Restore)),
        "INIT_REPORT" => Some(init_report(line, InitKind::Init)),
        "RESTORE_REPORT" => Some(init_report(line, InitKind::Restore)),
        "RequestId:" => request_error(line),
        "Task" => timed_out_phrase(line).map(|after_seconds| LambdaRecord::TimedOut {
            request_id: None,
            after_seconds,
        }),
        "XRAY" => second_is(tokens.next(), "TraceId:").then(|| platform_line(line)),
        // Extension registration lines: `EXTENSION\tName: x\tState: Ready ...`.
        "EXTENSION" | "TELEMETRY" | "LOGS" => tokens
            .next()
            .is_some_and(|t| t.starts_with("Name:"))
            .then(|| platform_line(line)),
        _ => None,
    };
    platform.unwrap_or_else(|| other_line(line))
}

/// Lines that are not keyword-led: bare error types, timestamped timeouts,
/// and the runtimes' application prefixes.
fn other_line(line: &str) -> LambdaRecord {
    if is_bare_error_type(line) {
        return LambdaRecord::RuntimeError {
            request_id: None,
            message: line.to_string(),
        };
    }
    if line.starts_with('[') {
        return python_app(line).unwrap_or_else(|| LambdaRecord::app(line));
    }
    if looks_like_iso_timestamp(line) {
        return timestamped(line).unwrap_or_else(|| LambdaRecord::app(line));
    }
    LambdaRecord::app(line)
}

fn platform_line(line: &str) -> LambdaRecord {
    LambdaRecord::Platform {
        message: line.to_string(),
    }
}

fn second_is(token: Option<&str>, expected: &str) -> bool {
    token == Some(expected)
}

/// `START RequestId: <id> Version: <v>`. `None` when the second word is not
/// `RequestId:` (an application line that happens to begin with "START").
fn start(line: &str) -> Option<LambdaRecord> {
    let mut tokens = line.split_whitespace().skip(1);
    if tokens.next() != Some("RequestId:") {
        return None;
    }
    let Some(request_id) = tokens.next() else {
        return Some(platform_line(line));
    };
    let version = match tokens.next() {
        Some("Version:") => tokens.next().map(str::to_string),
        _ => None,
    };
    Some(LambdaRecord::Start {
        request_id: request_id.to_string(),
        version,
    })
}

/// `END RequestId: <id>`.
fn end(line: &str) -> Option<LambdaRecord> {
    let mut tokens = line.split_whitespace().skip(1);
    if tokens.next() != Some("RequestId:") {
        return None;
    }
    Some(match tokens.next() {
        Some(id) => LambdaRecord::End {
            request_id: id.to_string(),
        },
        None => platform_line(line),
    })
}

/// `REPORT RequestId: <id>\tDuration: X ms\t...`, any whitespace between fields.
fn report(line: &str) -> Option<LambdaRecord> {
    if line.split_whitespace().nth(1) != Some("RequestId:") {
        return None;
    }
    let mut report = Report::default();
    for_each_field(line, |label, value| match label {
        Label(&[], "RequestId") => report.request_id = value.to_string(),
        Label(&[], "Duration") => report.duration_ms = number(value),
        Label(&["Billed"], "Duration") => report.billed_duration_ms = number(value),
        Label(&["Memory"], "Size") => report.memory_size_mb = number(value),
        Label(&["Max", "Memory"], "Used") => report.max_memory_used_mb = number(value),
        Label(&["Init"], "Duration") => report.init_duration_ms = number(value),
        Label(&["Restore"], "Duration") => report.restore_duration_ms = number(value),
        Label(&[], "Status") => report.status = Some(value.to_string()),
        Label(&["Error"], "Type") => report.error_type = Some(value.to_string()),
        _ => {}
    });
    if report.request_id.is_empty() {
        return Some(platform_line(line));
    }
    Some(LambdaRecord::Report(Box::new(report)))
}

/// `INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:...`.
fn init_start(line: &str, kind: InitKind) -> LambdaRecord {
    let mut runtime_version = None;
    for_each_field(line, |label, value| {
        if let Label(&["Runtime"], "Version") = label {
            runtime_version = Some(value.to_string());
        }
    });
    LambdaRecord::InitStart {
        kind,
        runtime_version,
        initialization_type: None,
        phase: None,
    }
}

/// `INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout[\tError Type: T]`
/// and `RESTORE_REPORT Restore Duration: 789.64 ms[ Status: ...]`.
fn init_report(line: &str, kind: InitKind) -> LambdaRecord {
    let (mut duration_ms, mut phase, mut status, mut error_type) = (None, None, None, None);
    for_each_field(line, |label, value| match label {
        Label(&["Init"] | &["Restore"], "Duration") => duration_ms = number(value),
        Label(&[], "Phase") => phase = Some(value.to_string()),
        Label(&[], "Status") => status = Some(value.to_string()),
        Label(&["Error"], "Type") => error_type = Some(value.to_string()),
        _ => {}
    });
    LambdaRecord::InitReport {
        kind,
        duration_ms,
        phase,
        status,
        error_type,
    }
}

/// `RequestId: <id> Error: <message>`: a runtime crash, or (the form used in
/// error payloads) `Error: Task timed out after N seconds`.
fn request_error(line: &str) -> Option<LambdaRecord> {
    let rest = line.strip_prefix("RequestId:")?.trim_start();
    let (request_id, after_id) = split_first_token(rest);
    if request_id.is_empty() {
        return None;
    }
    let Some(message) = after_id.trim_start().strip_prefix("Error:") else {
        return Some(platform_line(line));
    };
    let message = message.trim();
    let request_id = Some(request_id.to_string());
    Some(match timed_out_phrase(message) {
        Some(after_seconds) => LambdaRecord::TimedOut {
            request_id,
            after_seconds,
        },
        None => LambdaRecord::RuntimeError {
            request_id,
            message: message.to_string(),
        },
    })
}

/// The seconds in `Task timed out after 3.00 seconds`.
fn timed_out_phrase(text: &str) -> Option<f64> {
    let rest = text.strip_prefix("Task timed out after")?;
    let mut tokens = rest.split_whitespace();
    let seconds = number(tokens.next()?)?;
    (tokens.next() == Some("seconds")).then_some(seconds)
}

/// A line that is exactly an error type, like the `Runtime.ExitError` the
/// old era prints after `Error: Runtime exited ...`.
fn is_bare_error_type(line: &str) -> bool {
    ["Runtime.", "Sandbox.", "Extension."].iter().any(|prefix| {
        line.strip_prefix(prefix)
            .is_some_and(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric()))
    })
}

/// A line led by a timestamp: the old-era timeout
/// (`<ts> <id> Task timed out after N seconds`, space or tab separated) or a
/// Node application line (`<ts>\t<id>\t<LEVEL>\t<message>`).
fn timestamped(line: &str) -> Option<LambdaRecord> {
    let (_ts, rest) = split_first_token(line);
    let (id, rest) = split_first_token(rest.trim_start());
    if let Some(after_seconds) = timed_out_phrase(rest.trim_start()) {
        return Some(LambdaRecord::TimedOut {
            request_id: request_id_token(id),
            after_seconds,
        });
    }
    node_app(line)
}

/// `<ts>\t<id>\t<LEVEL>\t<message>`; the id is `undefined` during init.
/// Old Node runtimes had no level: `<ts>\t<id>\t<message>`.
fn node_app(line: &str) -> Option<LambdaRecord> {
    let mut parts = line.splitn(3, '\t');
    let (_ts, id, rest) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if id != "undefined" && !is_request_id(id) {
        return None;
    }
    let (level, message) = match rest.split_once('\t') {
        Some((level, message)) if is_level(level) => (Some(level), message),
        None if is_level(rest) => (Some(rest), ""),
        _ => (None, rest),
    };
    Some(LambdaRecord::App {
        request_id: request_id_token(id),
        level: level.map(str::to_string),
        message: message.to_string(),
    })
}

/// Python: `[LEVEL]\t<ts>\t<id>\t<message>`; the id is empty during init.
fn python_app(line: &str) -> Option<LambdaRecord> {
    let mut parts = line.splitn(4, '\t');
    let level = parts
        .next()?
        .strip_prefix('[')?
        .strip_suffix(']')
        .filter(|l| is_level(l))?;
    let ts = parts.next()?;
    let id = parts.next()?;
    if !looks_like_iso_timestamp(ts) || !(id.is_empty() || is_request_id(id)) {
        return None;
    }
    Some(LambdaRecord::App {
        request_id: request_id_token(id),
        level: Some(level.to_string()),
        message: parts.next().unwrap_or("").to_string(),
    })
}

/// A request id token, `None` for the placeholders used outside an invocation.
fn request_id_token(id: &str) -> Option<String> {
    (!id.is_empty() && id != "undefined").then(|| id.to_string())
}

/// Lambda request ids are UUIDs; accept any hex-and-dash token so older or
/// unusual ids still attribute, while prose never does.
fn is_request_id(token: &str) -> bool {
    token.len() >= 8
        && token.contains('-')
        && token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

fn is_level(token: &str) -> bool {
    !token.is_empty() && token.len() <= 8 && token.bytes().all(|b| b.is_ascii_uppercase())
}

/// Cheap shape check for `2024-03-04T17:22:38.033Z`-like text.
fn looks_like_iso_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 19
        && b.first().is_some_and(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'T')
}

/// The first whitespace-delimited token and what follows it.
fn split_first_token(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    }
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A field label as its leading words and its last word (colon removed),
/// e.g. `Label(&["Max", "Memory"], "Used")`: matching whole labels keeps
/// `Duration:` apart from `Billed Duration:` and `Init Duration:`.
struct Label<'a, 'b>(&'b [&'a str], &'a str);

/// Walk `label: value [unit]` fields separated by any whitespace. A label is
/// the run of words ending in a word with a trailing colon; a value is one
/// word, plus a following `ms`/`MB` unit. The leading keyword (`REPORT`,
/// `INIT_START`, ...) is skipped.
fn for_each_field<'a>(line: &'a str, mut f: impl FnMut(Label<'a, '_>, &'a str)) {
    let tokens: Vec<&'a str> = line.split_whitespace().skip(1).collect();
    let mut label_start = 0;
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        i += 1;
        let Some(last) = token.strip_suffix(':') else {
            continue;
        };
        let words = tokens.get(label_start..i - 1).unwrap_or(&[]);
        let value = tokens
            .get(i)
            .copied()
            .filter(|v| !v.ends_with(':') && !starts_label(v, tokens.get(i + 1)));
        if let Some(value) = value {
            i += 1;
            if matches!(tokens.get(i).copied(), Some("ms" | "MB")) {
                i += 1;
            }
            f(Label(words, last), value);
        }
        label_start = i;
    }
}

/// Whether `word` (followed by `next`) begins the next label rather than
/// being a value: an empty `Status:` followed by `Memory Size:`. Values that
/// precede a label word are lowercase (`error`) or dotted (`Runtime.X`).
fn starts_label(word: &str, next: Option<&&str>) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
        && !word.contains('.')
        && next.is_some_and(|n| n.ends_with(':'))
}

#[cfg(test)]
#[path = "lambda_text_tests.rs"]
mod tests;
