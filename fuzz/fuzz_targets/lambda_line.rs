#![no_main]
//! A Lambda log line, text or JSON: any bytes, never a panic.
use connect_timeouts::parse::lambda::{message_text, parse_lambda_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_lambda_line(&text);
    let _ = message_text(&text);
});
