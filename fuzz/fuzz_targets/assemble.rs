#![no_main]
//! A log stream: lines (split on newlines, each with a time from its first
//! two bytes) rebuilt into invocations, never a panic.
use connect_timeouts::parse::invocations::{assemble_stream, StreamEvent, StreamId};
use connect_timeouts::parse::lambda::parse_lambda_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let id = StreamId { function: "f".into(), group: "/aws/lambda/f".into(), stream: "s".into() };
    let events = data
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(seq, line)| {
            let t = line.iter().take(2).fold(0i64, |acc, &b| acc * 256 + i64::from(b)) * 10;
            let raw = String::from_utf8_lossy(line).into_owned();
            StreamEvent { timestamp: t, seq: seq as u64, record: parse_lambda_line(&raw), raw }
        })
        .collect();
    let _ = assemble_stream(&id, events);
});
