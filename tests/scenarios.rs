//! Every fixture scenario, run through the binary, against the truth its
//! generator (scripts/gen_fixtures.py) recorded in `expected.json`.

mod common;

use common::*;
use connect_timeouts::model::Class;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The failure in `doc` for the expected failure `want`.
fn find<'a>(doc: &'a Value, want: &Value) -> Option<&'a Value> {
    doc["failures"].as_array()?.iter().find(|f| {
        f["contact_id"] == want["contact_id"]
            && f["block_identifier"] == want["block_identifier"]
            && (want["block_timestamp"].is_null() || f["timestamp"] == want["block_timestamp"])
    })
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Compare one scenario; returns every mismatch, so one run shows them all.
fn check(dir: &Path) -> Vec<String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let want = expected(dir);
    let doc = scan_json(dir);
    let mut problems = Vec::new();
    let mut say = |what: String| problems.push(format!("{name}: {what}"));
    if doc["scope"]["connect_group"] != want["connect_group"] {
        say(format!(
            "connect group {} != {}",
            doc["scope"]["connect_group"], want["connect_group"]
        ));
    }
    let wanted = want["failures"].as_array().cloned().unwrap_or_default();
    let found = doc["failures"].as_array().map_or(0, Vec::len);
    if found != wanted.len() {
        say(format!("{found} failures found, {} expected", wanted.len()));
    }
    for w in &wanted {
        let who = format!("{} {}", w["contact_id"], w["block_identifier"]);
        let Some(f) = find(&doc, w) else {
            say(format!("{who}: not found"));
            continue;
        };
        for key in ["class", "confidence", "function", "time_limit_ms"] {
            if !w[key].is_null() && f[key] != w[key] {
                say(format!("{who}: {key} {} != expected {}", f[key], w[key]));
            }
        }
        if !w["candidates"].is_null() && f["candidates"] != w["candidates"] {
            say(format!(
                "{who}: candidates {} != expected {}",
                f["candidates"], w["candidates"]
            ));
        }
        let ids: Vec<String> = f["invocations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["request_id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids != strings(&w["request_ids"]) {
            say(format!(
                "{who}: request ids {ids:?} != expected {:?}",
                strings(&w["request_ids"])
            ));
        }
        let have: BTreeSet<String> = strings(&f["contributing"]).into_iter().collect();
        for c in strings(&w["contributing"]) {
            if !have.contains(&c) {
                say(format!("{who}: contributing {have:?} lacks {c}"));
            }
        }
        for key in ["evidence", "fix"] {
            if f[key].as_array().is_some_and(Vec::is_empty) || f[key] == "" {
                say(format!("{who}: empty {key}"));
            }
        }
    }
    if let Some(ok) = want["successful_lambda_blocks"].as_u64() {
        let total = doc["summary"]["lambda_blocks"].as_u64().unwrap_or(0);
        if total != ok + wanted.len() as u64 {
            say(format!(
                "{total} Lambda blocks, expected {ok} successful + {} failed",
                wanted.len()
            ));
        }
    }
    if let Some(dups) = want["duplicates"].as_u64() {
        if doc["inputs"]["duplicates_dropped"].as_u64() != Some(dups) {
            say(format!(
                "duplicates {} != expected {dups}",
                doc["inputs"]["duplicates_dropped"]
            ));
        }
    }
    if let Some(skipped) = want["skipped_lines"].as_u64() {
        if doc["inputs"]["lines_skipped"].as_u64() != Some(skipped) {
            say(format!(
                "lines skipped {} != expected {skipped}",
                doc["inputs"]["lines_skipped"]
            ));
        }
    }
    problems
}

#[test]
fn every_scenario_matches_its_expected_failures() {
    let dirs = scenarios();
    assert!(
        dirs.len() >= 15,
        "fixtures/ holds the scenarios: found {}",
        dirs.len()
    );
    let problems: Vec<String> = dirs.iter().flat_map(|d| check(d)).collect();
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_class_is_produced_by_some_fixture() {
    let mut classes = BTreeSet::new();
    for dir in scenarios() {
        for f in scan_json(&dir)["failures"].as_array().into_iter().flatten() {
            classes.insert(f["class"].as_str().unwrap_or("").to_string());
        }
    }
    for class in Class::all() {
        assert!(
            classes.contains(class.as_str()),
            "no fixture produces {class}: {classes:?}"
        );
    }
}

#[test]
fn every_input_format_and_both_lambda_log_formats_are_exercised() {
    let mut formats = BTreeSet::new();
    for dir in scenarios() {
        for f in scan_json(&dir)["inputs"]["files"]
            .as_array()
            .into_iter()
            .flatten()
        {
            formats.insert(f["format"].as_str().unwrap_or("").to_string());
        }
    }
    for format in ["filter-log-events", "ndjson", "query-results"] {
        assert!(
            formats.contains(format),
            "{format} not exercised: {formats:?}"
        );
    }
}

/// The demo is the README's first command: it shows every class a
/// misbehaving function can produce, and only the two that need no
/// function at fault (`unlinked`, `unexplained`) are left to their own
/// scenarios.
#[test]
fn the_demo_shows_every_class_of_a_misbehaving_function() {
    let doc = scan_json(&fixture("demo"));
    let classes: BTreeSet<&str> = doc["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["class"].as_str())
        .collect();
    let wanted: BTreeSet<&str> = Class::all()
        .iter()
        .filter(|c| !matches!(c, Class::Unlinked | Class::Unexplained))
        .map(|c| c.as_str())
        .collect();
    assert_eq!(classes, wanted);
}

#[test]
fn a_directory_without_a_connect_group_is_an_input_error() {
    bin()
        .args(["scan", "-i"])
        .arg(fixture("bad-input-no-connect"))
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "no Amazon Connect flow-log group",
        ));
}
