//! Accuracy on generated traffic: a few MB from `examples/synth` (the same
//! generator the benchmark uses), scanned by the real binary. Every
//! injected failure must be found, and at least 99% must get the class the
//! generator injected.

mod common;

#[path = "../examples/synth/gen.rs"]
mod gen;

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

fn generate(dir: &Path, size: u64, seed: u64) -> gen::Summary {
    let cfg = gen::Config {
        size_bytes: size,
        seed,
        // Dense failures so that a small input holds every class.
        failure_rate: 0.1,
        part_bytes: 2 << 20,
        ..gen::Config::default()
    };
    gen::generate(dir, &cfg).expect("generate")
}

#[test]
fn every_injected_failure_is_found_and_classified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate(dir.path(), 12_000_000, 11);
    let by_class = {
        let mut m: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &summary.failures {
            *m.entry(f.class).or_default() += 1;
        }
        m
    };
    for class in [
        "downstream_stall",
        "slow",
        "cold_start",
        "misconfigured_timeout",
        "function_error",
        "init_timeout",
        "throttled",
        "access_denied",
        "unexplained",
    ] {
        assert!(
            by_class.contains_key(class),
            "the generator injected no {class}: {by_class:?}"
        );
    }

    // The logs are under DIR/aws; DIR/expected.json is not an export.
    let doc = common::scan_json(&dir.path().join("aws"));
    let found: HashMap<(String, String), String> = doc["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (
                (text("contact_id"), text("block_identifier")),
                text("class"),
            )
        })
        .collect();

    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for e in &summary.failures {
        match found.get(&(e.contact_id.clone(), e.identifier.clone())) {
            None => missing.push(format!("{} {} {}", e.class, e.function, e.contact_id)),
            Some(class) if class != e.class => wrong.push(format!(
                "{} -> {class} ({} at {}, contact {})",
                e.class,
                e.function,
                gen::iso(e.timestamp),
                e.contact_id
            )),
            Some(_) => {}
        }
    }
    assert!(missing.is_empty(), "not found: {missing:#?}");
    assert_eq!(
        found.len(),
        summary.failures.len(),
        "the scan reports failures the generator did not inject"
    );
    let right = summary.failures.len() - wrong.len();
    assert!(
        right * 100 >= summary.failures.len() * 99,
        "{right}/{} classified as injected; wrong: {wrong:#?}",
        summary.failures.len()
    );

    // The expected.json the benchmark reads says the same.
    let text = std::fs::read_to_string(dir.path().join("expected.json")).expect("expected.json");
    let expected: serde_json::Value = serde_json::from_str(&text).expect("expected.json is JSON");
    assert_eq!(
        expected["failures"].as_array().map(Vec::len),
        Some(summary.failures.len())
    );
    let inputs = &doc["inputs"];
    assert_eq!(inputs["lines_skipped"], Value::from(0), "{inputs}");

    // The parts (2 MB each) are mapped; read instead, they give the same.
    let out = common::bin()
        .env("CONNECT_TIMEOUTS_NO_MMAP", "1")
        .args(["scan", "--output", "json", "--input"])
        .arg(dir.path().join("aws"))
        .output()
        .expect("run the binary");
    let read: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert!(read == doc, "reading and mapping the files disagree");
}

#[test]
fn same_seed_same_bytes() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    generate(a.path(), 1_000_000, 3);
    generate(b.path(), 1_000_000, 3);
    let files = |root: &Path| {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read_dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                    out.push((rel, std::fs::read(&path).expect("read")));
                }
            }
        }
        out.sort();
        out
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(fa.len() > 3);
    assert!(fa == fb, "two runs with seed 3 differ");
}
