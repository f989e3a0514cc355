//! Times, durations and sizes as people read them (and times parsed back):
//! one way to write each, shared by every stage.

use crate::model::Millis;
use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 UTC with milliseconds: `2026-11-28T10:15:08.100Z`.
pub fn format_time(ms: Millis) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => format!("{ms} ms since epoch"),
    }
}

/// A duration in milliseconds, as people read it: `840 ms`, `3594 ms`
/// (whole milliseconds, halves rounded away from zero).
pub fn format_ms(ms: f64) -> String {
    format!("{} ms", whole_ms(ms))
}

/// Whole milliseconds without the unit, rounded as `format_ms` rounds:
/// for a sum whose unit is said once at its end.
pub fn whole_ms(ms: f64) -> i64 {
    ms.round() as i64
}

/// `format_ms` for an optional value, `?` when unknown.
pub fn format_opt_ms(ms: Option<f64>) -> String {
    ms.map(format_ms).unwrap_or_else(|| "?".to_string())
}

/// Bytes in decimal units, as AWS bills them: `512 B`, `1.5 MB`.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
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
        assert_eq!(format_ms(2.5), "3 ms");
        assert_eq!(format_ms(-0.4), "0 ms");
        assert_eq!(format_opt_ms(None), "?");
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_bytes(1_500_000.0), "1.5 MB");
    }

    #[test]
    fn times_are_rfc3339_utc_with_millis() {
        assert_eq!(format_time(1_795_860_908_100), "2026-11-28T10:15:08.100Z");
        assert!(format_time(i64::MAX).contains("ms since epoch"));
    }
}
