#![no_main]
//! An input file of any bytes through format detection and the streaming
//! readers: an error or events, never a panic.
use connect_timeouts::source::files::{read_file, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("input");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let file = InputFile { path, display: "input".into(), group_hint: Some("/aws/lambda/f".into()) };
    let _ = read_file(&file, &mut |_| {});
});
