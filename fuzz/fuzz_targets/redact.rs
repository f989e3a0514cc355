#![no_main]
//! Redaction and terminal escaping of any text, never a panic.
use connect_timeouts::redact::{redact_parameters, redact_text};
use connect_timeouts::report::escape::for_terminal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = redact_text(&text);
    let _ = redact_parameters(&text);
    let _ = for_terminal(&text);
});
