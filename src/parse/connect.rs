//! Amazon Connect flow-log entries (`/aws/connect/<alias>`).

use crate::model::{FlowEntry, Millis, Origin};

/// Why a Connect log line could not be used. The `Display` text is the
/// reason counted in `inputs.skipped` and shown with file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectParseError {
    #[error("not a JSON object")]
    NotJson,
    #[error("missing field {0}")]
    MissingField(&'static str),
    #[error("bad Timestamp {0:?}")]
    BadTimestamp(String),
}

/// Parse one flow-log entry. `event_timestamp` is the CloudWatch event time,
/// used only when the entry has no `Timestamp` of its own.
pub fn parse_flow_entry(
    message: &str,
    event_timestamp: Millis,
    origin: Origin,
) -> Result<FlowEntry, ConnectParseError> {
    let _ = (message, event_timestamp, origin);
    Err(ConnectParseError::NotJson)
}
