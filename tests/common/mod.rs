//! Helpers for end-to-end tests: run the real binary the way a user would.
#![allow(dead_code)] // each test file uses its own subset

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

/// A scenario's `expected.json`, written by scripts/gen_fixtures.py from
/// what it built.
pub fn expected(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// Every scenario folder that has an `expected.json`.
pub fn scenarios() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    dirs
}
