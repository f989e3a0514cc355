//! Lambda log lines, text and JSON formats, both eras.
//!
//! The format is chosen per line (a function can switch `LogFormat`, and an
//! export can mix both): a line starting with `{` is tried as JSON first and
//! falls back to the function's own output when it is not valid JSON.

use crate::model::LambdaRecord;
use crate::parse::{lambda_json, lambda_text};

/// Parse one Lambda log event message. Never fails: a line that is not a
/// platform line is the function's own output (`LambdaRecord::App`).
pub fn parse_lambda_line(message: &str) -> LambdaRecord {
    // Lambda ends most lines with `\n` (REPORT often with `\t\n`).
    let line = message.trim_end();
    if line.starts_with('{') {
        if let Some(record) = lambda_json::parse_json(line) {
            return record;
        }
        return app_line(line);
    }
    lambda_text::parse_text(line)
}

/// A line that is nothing but the function's own output.
pub(crate) fn app_line(line: &str) -> LambdaRecord {
    LambdaRecord::App {
        request_id: None,
        level: None,
        message: line.to_string(),
    }
}
