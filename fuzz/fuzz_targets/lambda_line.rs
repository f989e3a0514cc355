#![no_main]
//! A Lambda log line, text or JSON: any bytes, never a panic; an output
//! line keeps a message that the parser read from it.
use connect_timeouts::model::LambdaRecord;
use connect_timeouts::parse::lambda::{output_line, parse_lambda_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let LambdaRecord::App { level, message, .. } = parse_lambda_line(&text) {
        let _ = output_line(0, text.to_string(), level.as_deref(), message);
    }
});
