//! Lambda TEXT log format: platform lines (`START`, `END`, `REPORT`,
//! `INIT_*`, `RESTORE_*`, timeouts, runtime errors) and runtime-prefixed
//! application lines.
//!
//! Whitespace is unreliable: REPORT fields are tab-separated, but exports and
//! copies render tabs as one or several spaces, and older lines carry a space
//! before a tab or a trailing tab. So fields are read as whitespace tokens,
//! never by splitting on `\t`.

use crate::model::{InitKind, LambdaRecord, Report, TraceRef};

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
        "XRAY" => second_is(tokens.next(), "TraceId:").then(|| trace_line(line)),
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
        trace: None,
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
        _ => trace_field(&mut report.trace, label, value),
    });
    if report.request_id.is_empty() {
        return Some(platform_line(line));
    }
    Some(LambdaRecord::Report(Box::new(report)))
}

/// `XRAY TraceId: 1-... SegmentId: ... Sampled: true` on its own line.
fn trace_line(line: &str) -> LambdaRecord {
    let mut trace = None;
    // The line's first word is a label word here, not a keyword.
    for_each_field(&format!("- {line}"), |label, value| {
        trace_field(&mut trace, label, value)
    });
    match trace {
        Some(t) => LambdaRecord::Trace(t),
        None => platform_line(line),
    }
}

/// One of REPORT's X-Ray fields: `XRAY TraceId:`, `SegmentId:`, `Sampled:`.
fn trace_field(trace: &mut Option<TraceRef>, label: Label<'_, '_>, value: &str) {
    match label {
        Label(&["XRAY"], "TraceId") => {
            *trace = Some(TraceRef {
                trace_id: value.to_string(),
                segment_id: None,
                sampled: None,
            })
        }
        Label(&[], "SegmentId") => {
            if let Some(t) = trace.as_mut() {
                t.segment_id = Some(value.to_string());
            }
        }
        Label(&[], "Sampled") => {
            if let Some(t) = trace.as_mut() {
                t.sampled = Some(value == "true");
            }
        }
        _ => {}
    }
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
mod tests {
    //! Text-format lines from the reference (log-formats.md §3), verbatim; `\t`
    //! in these Rust literals is a real TAB, as in the logs.

    use crate::model::{InitKind, LambdaRecord, Report, TraceRef};
    use crate::parse::lambda::parse_lambda_line as parse;

    fn report(line: &str) -> Report {
        match parse(line) {
            LambdaRecord::Report(r) => *r,
            other => panic!("not a report: {other:?}"),
        }
    }

    fn app(request_id: Option<&str>, level: Option<&str>, message: &str) -> LambdaRecord {
        LambdaRecord::App {
            request_id: request_id.map(str::to_string),
            level: level.map(str::to_string),
            message: message.to_string(),
        }
    }

    #[test]
    fn start_and_end() {
        assert_eq!(
            parse("START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST\n"),
            LambdaRecord::Start {
                request_id: "c793869b-ee49-115b-a5b6-4fd21e8dedac".to_string(),
                version: Some("$LATEST".to_string()),
                trace: None,
            }
        );
        assert_eq!(
            parse("START\tRequestId:\t8b9836de-3acb-46ae-82da-080b95e77880\tVersion: 3"),
            LambdaRecord::Start {
                request_id: "8b9836de-3acb-46ae-82da-080b95e77880".to_string(),
                version: Some("3".to_string()),
                trace: None,
            }
        );
        assert_eq!(
            parse("END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\n"),
            LambdaRecord::End {
                request_id: "c793869b-ee49-115b-a5b6-4fd21e8dedac".to_string()
            }
        );
    }

    #[test]
    fn report_node_docs_with_xray() {
        let r = report("REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true");
        assert_eq!(
            r,
            Report {
                request_id: "c793869b-ee49-115b-a5b6-4fd21e8dedac".to_string(),
                duration_ms: Some(128.83),
                billed_duration_ms: Some(200.0),
                memory_size_mb: Some(128.0),
                max_memory_used_mb: Some(74.0),
                init_duration_ms: Some(166.62),
                restore_duration_ms: None,
                status: None,
                error_type: None,
                trace: Some(TraceRef {
                    trace_id: "1-5d9d007f-0a8c7fd02xmpl480aed55ef0".to_string(),
                    segment_id: Some("3d752xmpl1bbe37e".to_string()),
                    sampled: Some(true),
                }),
            }
        );
    }

    #[test]
    fn report_space_before_tab_and_trailing_tab() {
        let r = report("REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 26.73 ms\tBilled Duration: 27 ms \tMemory Size: 128 MB\tMax Memory Used: 75 MB\t\n");
        assert_eq!(r.request_id, "4ce9340a-b765-490f-ad8a-02ab3415e2bf");
        assert_eq!(r.duration_ms, Some(26.73));
        assert_eq!(r.billed_duration_ms, Some(27.0));
        assert_eq!(r.memory_size_mb, Some(128.0));
        assert_eq!(r.max_memory_used_mb, Some(75.0));
        assert_eq!(r.init_duration_ms, None);

        let r = report("REPORT RequestId: 0fb4aad7-d79f-450a-ba14-be3a69f322ac\tDuration: 1.26 ms\tBilled Duration: 2 ms\tMemory Size: 150 MB\tMax Memory Used: 39 MB\tInit Duration: 127.51 ms\t\n");
        assert_eq!(r.duration_ms, Some(1.26));
        assert_eq!(r.init_duration_ms, Some(127.51));
    }

    #[test]
    fn report_tabs_rendered_as_spaces() {
        // classmethod capture: Init Duration must not overwrite Duration.
        let r = report("REPORT RequestId: 8b9836de-3acb-46ae-82da-080b95e77880 Duration: 2693.88 ms Billed Duration: 2694 ms Memory Size: 128 MB Max Memory Used: 81 MB Init Duration: 303.42 ms");
        assert_eq!(r.duration_ms, Some(2693.88));
        assert_eq!(r.billed_duration_ms, Some(2694.0));
        assert_eq!(r.max_memory_used_mb, Some(81.0));
        assert_eq!(r.init_duration_ms, Some(303.42));
        // Several spaces between fields.
        let r = report("REPORT RequestId: x-1    Duration: 5.5 ms    Billed Duration: 6 ms  Memory Size: 128 MB   Max Memory Used: 9 MB");
        assert_eq!(r.duration_ms, Some(5.5));
        assert_eq!(r.billed_duration_ms, Some(6.0));
    }

    #[test]
    fn report_snapstart_restore() {
        let r = report("REPORT RequestId: 8c360c87-d4b7-4423-b5f3-af02be3c1763\tDuration: 2338.66 ms\tBilled Duration: 2521 ms\tMemory Size: 3009 MB\tMax Memory Used: 173 MB\tRestore Duration: 398.97 ms\tBilled Restore Duration: 182 ms\t");
        assert_eq!(r.duration_ms, Some(2338.66));
        assert_eq!(r.billed_duration_ms, Some(2521.0));
        assert_eq!(r.restore_duration_ms, Some(398.97));
        assert_eq!(r.init_duration_ms, None);
    }

    #[test]
    fn report_status_timeout_both_renderings() {
        let r = report("REPORT RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda Duration: 3016.78 ms Billed Duration: 3016 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 84.00 ms Status: timeout");
        assert_eq!(r.status.as_deref(), Some("timeout"));
        assert_eq!(r.init_duration_ms, Some(84.0));
        assert_eq!(r.error_type, None);
        let r = report("REPORT RequestId: 4725a167-21a7-5731-99c2-c3d0e3dfd770\tDuration: 180000.00 ms\tBilled Duration: 180000 ms\tMemory Size: 1280 MB\tMax Memory Used: 1201 MB\tStatus: timeout\n");
        assert_eq!(r.duration_ms, Some(180000.0));
        assert_eq!(r.status.as_deref(), Some("timeout"));
    }

    #[test]
    fn report_status_error_with_type() {
        let r = report("REPORT RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd Duration: 133.61 ms Billed Duration: 133 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 80.00 ms Status: error Error Type: Runtime.ExitError");
        assert_eq!(r.status.as_deref(), Some("error"));
        assert_eq!(r.error_type.as_deref(), Some("Runtime.ExitError"));
        assert_eq!(r.init_duration_ms, Some(80.0));
        let r = report("REPORT RequestId: f8400400-dd9e-4025-b644-4c78df3287c7\tDuration: 1338.34 ms\tBilled Duration: 1339 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: error\tError Type: Runtime.UserCodeSyntaxError");
        assert_eq!(r.duration_ms, Some(1338.34));
        assert_eq!(r.status.as_deref(), Some("error"));
        assert_eq!(r.error_type.as_deref(), Some("Runtime.UserCodeSyntaxError"));
    }

    #[test]
    fn report_odd_shapes_do_not_panic() {
        assert!(matches!(
            parse("REPORT RequestId:"),
            LambdaRecord::Platform { .. }
        ));
        let r = report(
        "REPORT RequestId: x-1\tDuration: lots ms\tStatus:\tMemory Size: 1e999 MB\tInit Duration:",
    );
        assert_eq!(r.duration_ms, None);
        assert_eq!(r.memory_size_mb, None);
        assert_eq!(r.status, None);
        assert_eq!(
            parse("REPORT card ready"),
            app(None, None, "REPORT card ready")
        );
    }

    #[test]
    fn old_era_timeout_lines() {
        let timed_out = |id: Option<&str>, s: f64| LambdaRecord::TimedOut {
            request_id: id.map(str::to_string),
            after_seconds: s,
        };
        assert_eq!(
        parse("2024-03-04T17:22:38.033Z b70435cc-261c-4438-b9b6-efe4c8f04b21 Task timed out after 3.00 seconds"),
        timed_out(Some("b70435cc-261c-4438-b9b6-efe4c8f04b21"), 3.0)
    );
        assert_eq!(
        parse("2023-10-20T16:28:17.840Z 4299ee26-1111-2222-3333-444444444444 Task timed out after 31.01 seconds\n\n"),
        timed_out(Some("4299ee26-1111-2222-3333-444444444444"), 31.01)
    );
        assert_eq!(
        parse("2020-11-10T05:46:57.874Z\t160788cd-1111-2222-3333-444444444444\tTask timed out after 3.07 seconds"),
        timed_out(Some("160788cd-1111-2222-3333-444444444444"), 3.07)
    );
        assert_eq!(
            parse("Task timed out after 5.01 seconds"),
            timed_out(None, 5.01)
        );
        assert_eq!(
        parse("RequestId: f83d9f5b-91c2-46ef-8f27-956c2efb047a Error: Task timed out after 3.00 seconds"),
        timed_out(Some("f83d9f5b-91c2-46ef-8f27-956c2efb047a"), 3.0)
    );
        assert_eq!(
            parse("Task timed out after lunch"),
            app(None, None, "Task timed out after lunch")
        );
    }

    #[test]
    fn runtime_errors() {
        let err = |id: Option<&str>, m: &str| LambdaRecord::RuntimeError {
            request_id: id.map(str::to_string),
            message: m.to_string(),
        };
        assert_eq!(
        parse("RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason"),
        err(
            Some("c3252230-c73d-49f6-8844-968c01d1e2e1"),
            "Runtime exited without providing a reason"
        )
    );
        assert_eq!(
        parse("RequestId: 374162fd-c9e3-41c9-bb95-9ff398cf1919 Error: Runtime exited with error: signal: killed"),
        err(
            Some("374162fd-c9e3-41c9-bb95-9ff398cf1919"),
            "Runtime exited with error: signal: killed"
        )
    );
        assert_eq!(
        parse("RequestId: 00c4bc44-e48e-4e7d-ab38-a47800cd734b Error: Runtime exited with error: exit status 1\n"),
        err(
            Some("00c4bc44-e48e-4e7d-ab38-a47800cd734b"),
            "Runtime exited with error: exit status 1"
        )
    );
        assert_eq!(parse("Runtime.ExitError"), err(None, "Runtime.ExitError"));
        assert_eq!(parse("Runtime.ExitError\n"), err(None, "Runtime.ExitError"));
        assert_eq!(
            parse("Runtime.ExitError happened"),
            app(None, None, "Runtime.ExitError happened")
        );
        assert_eq!(parse("Runtime."), app(None, None, "Runtime."));
    }

    #[test]
    fn init_start_lines() {
        assert_eq!(
        parse("INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:f89c264158db39a1cfcbb5f9b3741413df1cfce4d550c9a475a67d923e19e2f4"),
        LambdaRecord::InitStart {
            kind: InitKind::Init,
            runtime_version: Some("nodejs:18.v30".to_string()),
            initialization_type: None,
            phase: None,
        }
    );
        assert_eq!(
        parse("INIT_START Runtime Version: python:3.12.mainlinev2.v7\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc"),
        LambdaRecord::InitStart {
            kind: InitKind::Init,
            runtime_version: Some("python:3.12.mainlinev2.v7".to_string()),
            initialization_type: None,
            phase: None,
        }
    );
        assert_eq!(
        parse("RESTORE_START Runtime Version: java:21.v38\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc"),
        LambdaRecord::InitStart {
            kind: InitKind::Restore,
            runtime_version: Some("java:21.v38".to_string()),
            initialization_type: None,
            phase: None,
        }
    );
    }

    fn init_report(
        kind: InitKind,
        d: f64,
        phase: Option<&str>,
        status: Option<&str>,
        error_type: Option<&str>,
    ) -> LambdaRecord {
        LambdaRecord::InitReport {
            kind,
            duration_ms: Some(d),
            phase: phase.map(str::to_string),
            status: status.map(str::to_string),
            error_type: error_type.map(str::to_string),
        }
    }

    #[test]
    fn init_report_lines() {
        use InitKind::{Init, Restore};
        assert_eq!(
            parse("INIT_REPORT Init Duration: 1236.04 ms Phase: init Status: timeout"),
            init_report(Init, 1236.04, Some("init"), Some("timeout"), None)
        );
        assert_eq!(
        parse("INIT_REPORT Init Duration: 1236.04 ms Phase: init Status: error Error Type: Extension.Crash"),
        init_report(Init, 1236.04, Some("init"), Some("error"), Some("Extension.Crash"))
    );
        assert_eq!(
        parse("INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError"),
        init_report(Init, 150.79, Some("init"), Some("error"), Some("Runtime.UserCodeSyntaxError"))
    );
        assert_eq!(
        parse("INIT_REPORT Init Duration: 1329.49 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.UserCodeSyntaxError"),
        init_report(Init, 1329.49, Some("invoke"), Some("error"), Some("Runtime.UserCodeSyntaxError"))
    );
        assert_eq!(
            parse("INIT_REPORT Init Duration: 9999.79 ms    Phase: init    Status: timeout"),
            init_report(Init, 9999.79, Some("init"), Some("timeout"), None)
        );
        assert_eq!(
            parse("INIT_REPORT Init Duration: 10007.33 ms  Phase: init  Status: timeout"),
            init_report(Init, 10007.33, Some("init"), Some("timeout"), None)
        );
        assert_eq!(
            parse("RESTORE_REPORT Restore Duration: 789.64 ms"),
            init_report(Restore, 789.64, None, None, None)
        );
        assert_eq!(
            parse("RESTORE_REPORT Restore Duration: 789.64 ms Status: timeout"),
            init_report(Restore, 789.64, None, Some("timeout"), None)
        );
        assert_eq!(
        parse("RESTORE_REPORT Restore Duration: 789.64 ms Status: error Error Type: Runtime.ExitError"),
        init_report(Restore, 789.64, None, Some("error"), Some("Runtime.ExitError"))
    );
    }

    #[test]
    fn an_xray_line_of_its_own_is_the_trace() {
        // As the Python docs render it, after the REPORT, spaces for tabs.
        assert_eq!(
            parse("XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1   SegmentId: 07f5xmpl2d1f6f85 Sampled: true"),
            LambdaRecord::Trace(TraceRef {
                trace_id: "1-5e34a614-10bdxmplf1fb44f07bc535a1".to_string(),
                segment_id: Some("07f5xmpl2d1f6f85".to_string()),
                sampled: Some(true),
            })
        );
        assert_eq!(
            parse("XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1\tSegmentId: 07f5xmpl2d1f6f85\tSampled: false"),
            LambdaRecord::Trace(TraceRef {
                trace_id: "1-5e34a614-10bdxmplf1fb44f07bc535a1".to_string(),
                segment_id: Some("07f5xmpl2d1f6f85".to_string()),
                sampled: Some(false),
            })
        );
    }

    #[test]
    fn other_platform_lines() {
        for line in [
            "EXTENSION\tName: datadog-agent\tState: Ready\tEvents: [INVOKE,SHUTDOWN]",
            "TELEMETRY\tName: my-ext\tState: Subscribed\tTypes: [Platform]",
            "LOGS\tName: my-ext\tState: Subscribed\tTypes: [Platform,Function]",
        ] {
            assert_eq!(
                parse(line),
                LambdaRecord::Platform {
                    message: line.to_string()
                },
                "{line}"
            );
        }
        assert_eq!(
            parse("LOGS uploaded to S3"),
            app(None, None, "LOGS uploaded to S3")
        );
        assert_eq!(parse("XRAY is on"), app(None, None, "XRAY is on"));
    }

    #[test]
    fn node_application_lines() {
        assert_eq!(
        parse("2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT VARIABLES\n"),
        app(
            Some("c793869b-ee49-115b-a5b6-4fd21e8dedac"),
            Some("INFO"),
            "ENVIRONMENT VARIABLES"
        )
    );
        assert_eq!(
        parse("2025-02-10T07:37:10.463Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\"}"),
        app(
            None,
            Some("ERROR"),
            "Uncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\"}"
        )
    );
        // Old Node runtimes had no level column.
        assert_eq!(
            parse("2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\thello world"),
            app(
                Some("c793869b-ee49-115b-a5b6-4fd21e8dedac"),
                None,
                "hello world"
            )
        );
        // A timestamped line that is not a runtime prefix stays whole.
        let prose = "2019-06-07T19:11:20.562Z\tsomething happened";
        assert_eq!(parse(prose), app(None, None, prose));
    }

    #[test]
    fn python_application_lines() {
        assert_eq!(
            parse(
                "[INFO]\t2026-05-02T21:55:11.504Z\t\tFound credentials in environment variables.\n"
            ),
            app(
                None,
                Some("INFO"),
                "Found credentials in environment variables."
            )
        );
        assert_eq!(
        parse(
            "[WARNING]\t2026-05-02T21:55:12.000Z\t4ce9340a-b765-490f-ad8a-02ab3415e2bf\tslow call"
        ),
        app(
            Some("4ce9340a-b765-490f-ad8a-02ab3415e2bf"),
            Some("WARNING"),
            "slow call"
        )
    );
        let unhandled =
            "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'";
        assert_eq!(parse(unhandled), app(None, None, unhandled));
    }

    #[test]
    fn print_lines_and_oddities() {
        assert_eq!(parse("## EVENT"), app(None, None, "## EVENT"));
        assert_eq!(parse(""), app(None, None, ""));
        assert_eq!(parse("   \t\n"), app(None, None, ""));
        assert_eq!(
            parse("START the engine"),
            app(None, None, "START the engine")
        );
        assert_eq!(parse("END"), app(None, None, "END"));
        assert_eq!(
            parse("END RequestId:"),
            LambdaRecord::Platform {
                message: "END RequestId:".to_string()
            }
        );
        assert_eq!(
            parse("RequestId: abc-123 said hi"),
            LambdaRecord::Platform {
                message: "RequestId: abc-123 said hi".to_string()
            }
        );
    }
}
