//! Helpers for end-to-end tests: run the real binary the way a user would.
#![allow(dead_code)] // each test file uses its own subset

pub mod events;
pub mod moto;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// The binary, with a clean environment so a developer's settings never
/// leak into a test.
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("connect-timeouts").expect("binary built by cargo");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

/// The binary run from the repository (so `fixtures/...` paths work),
/// asserting success; its stdout.
pub fn stdout_of(args: &[&str]) -> String {
    let out = bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `scan --input DIR --output json`, asserting success; the parsed document.
pub fn scan_json(dir: &Path) -> Value {
    let out = bin()
        .args(["scan", "--output", "json", "--input"])
        .arg(dir)
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "scan {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("scan --output json prints one JSON document")
}

/// A scenario's truth, `fixtures/expected/<name>.json`, written by
/// scripts/gen_fixtures.py from what it built.
pub fn expected(dir: &Path) -> Value {
    let name = dir
        .file_name()
        .expect("a scenario folder")
        .to_string_lossy();
    let path = fixtures().join("expected").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).expect("fixtures/expected/<scenario>.json");
    serde_json::from_str(&text).expect("the expected file is JSON")
}

/// Every scenario folder whose expected file names a Connect group (the
/// others are bad-input cases that must fail, tested on their own).
pub fn scenarios() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "expected"))
        .filter(|p| !expected(p)["connect_group"].is_null())
        .collect();
    dirs.sort();
    dirs
}

/// The queries `--show-queries` printed on stderr: (group, from, to), the
/// times in epoch seconds.
pub fn queries_shown(stderr: &str) -> Vec<(String, i64, i64)> {
    let secs = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .expect("an RFC 3339 time")
            .timestamp()
    };
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("query over "))
        .map(|l| {
            let (range, group) = l.split_once(" of ").expect("query over A to B of G:");
            let (from, to) = range.split_once(" to ").expect("A to B");
            (
                group.trim_end_matches(':').to_string(),
                secs(from),
                secs(to),
            )
        })
        .collect()
}
