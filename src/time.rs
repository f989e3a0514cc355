//! Time parsing and formatting shared by every stage.

use crate::model::Millis;
use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 UTC with milliseconds: `2026-11-28T10:15:08.100Z`.
pub fn format_time(ms: Millis) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => format!("{ms} ms since epoch"),
    }
}

/// A duration in milliseconds, as people read it: `840 ms`, `3594 ms`.
pub fn format_ms(ms: f64) -> String {
    format!("{:.0} ms", ms)
}

/// Parse an RFC 3339 time (`--start`, `--end`) into epoch milliseconds.
pub fn parse_rfc3339(text: &str) -> Result<Millis, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("{text:?} is not an RFC 3339 time (like 2026-11-28T10:00:00Z): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let ms = parse_rfc3339("2026-11-28T10:15:08.100Z").unwrap();
        assert_eq!(format_time(ms), "2026-11-28T10:15:08.100Z");
        assert_eq!(parse_rfc3339("2026-11-28T11:15:08.100+01:00"), Ok(ms));
    }

    #[test]
    fn rejects_garbage_with_a_hint() {
        let err = parse_rfc3339("yesterday").unwrap_err();
        assert!(err.contains("RFC 3339"), "{err}");
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_ms(3594.4), "3594 ms");
    }
}
