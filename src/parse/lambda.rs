//! Lambda log lines, text and JSON formats, both eras.
//!
//! The format is chosen per line (a function can switch `LogFormat`, and an
//! export can mix both): a line starting with `{` is tried as JSON first and
//! falls back to the function's own output when it is not valid JSON.

use crate::model::{LambdaRecord, LogLine, Millis};
use crate::parse::{lambda_json, lambda_text};

/// Parse one Lambda log event message. Never fails: a line that is not a
/// platform line is the function's own output (`LambdaRecord::App`).
///
/// ```
/// use connect_timeouts::model::LambdaRecord;
/// use connect_timeouts::parse::lambda::parse_lambda_line;
///
/// let line = "REPORT RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda\tDuration: 3016.78 ms\t\
///             Billed Duration: 3016 ms\tMemory Size: 128 MB\tMax Memory Used: 31 MB\tStatus: timeout\n";
/// let LambdaRecord::Report(report) = parse_lambda_line(line) else { panic!("a REPORT") };
/// assert_eq!(report.duration_ms, Some(3016.78));
/// assert_eq!(report.status.as_deref(), Some("timeout"));
/// ```
pub fn parse_lambda_line(message: &str) -> LambdaRecord {
    // Lambda ends most lines with `\n` (REPORT often with `\t\n`).
    let line = message.trim_end();
    if line.starts_with('{') {
        if let Some(record) = lambda_json::parse_json(line) {
            return record;
        }
        return LambdaRecord::app(line);
    }
    lambda_text::parse_text(line)
}

/// A line of the function's own output as evidence keeps it: the text as
/// logged and, when a runtime prefix (or a JSON log's envelope) surrounds
/// it, the message (what `LambdaRecord::App` read).
pub fn output_line(
    timestamp: Millis,
    text: String,
    level: Option<&str>,
    message: String,
) -> LogLine {
    let message = (level.is_some() && message != text).then_some(message);
    LogLine {
        timestamp,
        text,
        message,
    }
}

/// Node's markers for an invocation its handler failed (the runtime writes
/// them at level ERROR, followed by the error as JSON).
const NODE_ERROR_MARKERS: [&str; 3] = [
    "Invoke Error",
    "Uncaught Exception",
    "Unhandled Promise Rejection",
];

/// The error a runtime itself reports in the function's output when the
/// handler failed, since REPORT carries no status for a handled error:
/// Node's `ERROR\tInvoke Error \t{"errorType":...}`, Python's
/// `[ERROR] KeyError: ...` followed by a traceback (or a `Runtime.*` type),
/// and JSON logs with an `errorType` and a stack trace. Ordinary ERROR lines
/// the function logs itself are not failures: it may still have returned.
pub fn runtime_reported_error(level: Option<&str>, message: &str, raw: &str) -> Option<String> {
    if level == Some("ERROR") {
        if let Some(marker) = NODE_ERROR_MARKERS.iter().find(|m| message.starts_with(**m)) {
            return Some(json_error_type(message).unwrap_or_else(|| marker.to_string()));
        }
    }
    if let Some((name, _)) = message
        .strip_prefix("[ERROR] ")
        .and_then(|r| r.split_once(": "))
    {
        let traceback = message.contains("Traceback (most recent call last)");
        if is_type_name(name) && (traceback || name.starts_with("Runtime.")) {
            return Some(name.to_string());
        }
    }
    let json = raw.trim_start().starts_with('{');
    let stack = raw.contains("\"stackTrace\"") || raw.contains("\"stack\"");
    if json && stack && matches!(level, Some("ERROR" | "FATAL") | None) {
        return json_error_type(raw);
    }
    None
}

/// The value of the first `"errorType":"..."` in `text`.
fn json_error_type(text: &str) -> Option<String> {
    let at = text.find("\"errorType\"")? + "\"errorType\"".len();
    let rest = text.get(at..)?.trim_start().strip_prefix(':')?.trim_start();
    let value = rest.strip_prefix('"')?;
    let end = value.find('"')?;
    let name = value.get(..end)?;
    is_type_name(name).then(|| name.to_string())
}

/// An exception or error type name: `KeyError`, `Runtime.ExitError`.
fn is_type_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

#[cfg(test)]
mod runtime_error_tests {
    use super::*;

    fn check(line: &str) -> Option<String> {
        match parse_lambda_line(line) {
            LambdaRecord::App { level, message, .. } => {
                runtime_reported_error(level.as_deref(), &message, line)
            }
            other => panic!("not an app line: {other:?}"),
        }
    }

    #[test]
    fn node_invoke_error() {
        let line = "2026-11-28T10:09:47.186Z\t1100a74e-fe72-4511-9029-c8af48201723\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"ticket API returned 502\",\"stack\":[\"Error: ticket API returned 502\"]}\n";
        assert_eq!(check(line).as_deref(), Some("Error"));
        let uncaught = "2025-02-10T07:37:10.463Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\",\"errorMessage\":\"SyntaxError: Unexpected token\"}";
        assert_eq!(
            check(uncaught).as_deref(),
            Some("Runtime.UserCodeSyntaxError")
        );
    }

    #[test]
    fn python_unhandled_exception() {
        let line = "[ERROR] KeyError: 'phone'\rTraceback (most recent call last):\r  File \"/var/task/app.py\", line 12, in handler";
        assert_eq!(check(line).as_deref(), Some("KeyError"));
        let import = "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'";
        assert_eq!(check(import).as_deref(), Some("Runtime.ImportModuleError"));
    }

    #[test]
    fn json_logs_with_a_stack_trace() {
        let line = r#"{"timestamp":"2026-11-28T10:00:01.000Z","level":"ERROR","message":"boom","errorType":"ValueError","errorMessage":"boom","stackTrace":["  File \"/var/task/app.py\""],"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36"}"#;
        assert_eq!(check(line).as_deref(), Some("ValueError"));
    }

    #[test]
    fn ordinary_error_lines_are_not_failures() {
        for line in [
            "2026-11-28T10:00:01.000Z\t79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36\tERROR\tCRM returned 404, using defaults",
            "[ERROR]\t2026-11-28T10:00:01.000Z\t79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36\tretrying: timeout",
            "[ERROR] not a type: something",
            r#"{"level":"ERROR","message":"Widget update failed","requestId":"79b5e81f"}"#,
            "plain print with errorType in it",
        ] {
            assert_eq!(check(line), None, "{line}");
        }
    }
}
