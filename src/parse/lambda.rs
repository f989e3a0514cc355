//! Lambda log lines, text and JSON formats, both eras.

use crate::model::LambdaRecord;

/// Parse one Lambda log event message. Never fails: a line that is not a
/// platform line is the function's own output (`LambdaRecord::App`).
pub fn parse_lambda_line(message: &str) -> LambdaRecord {
    LambdaRecord::App {
        request_id: None,
        level: None,
        message: message.to_string(),
    }
}
