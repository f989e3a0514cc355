#![no_main]
//! A Connect flow-log line: any bytes, never a panic.
use connect_timeouts::model::Origin;
use connect_timeouts::parse::connect::parse_flow_entry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let origin = Origin { file: "fuzz".into(), line: 1 };
    let _ = parse_flow_entry(&text, 0, origin);
});
