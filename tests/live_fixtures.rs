//! Live equals offline on every fixture scenario: each scenario's logs are
//! moved to the last hours (moto keeps 14 days; every time in the events
//! and inside their messages moves by the same amount), seeded into moto,
//! and scanned live (two stages, the totals by Insights) and offline from
//! the same events written as files. Same failures, classes, request ids,
//! evidence and fixes; same totals.

mod common;

use common::moto::Moto;
use common::*;
use connect_timeouts::source::files::{discover, read_file};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

/// One event, owned, already moved in time.
struct Moved {
    group: String,
    stream: String,
    ts: i64,
    message: String,
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` anywhere in `text`, moved by `offset` ms,
/// written back with the same precision.
fn move_times(text: &str, offset: i64) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some((len, ms)) = iso_at(&bytes[i..]) {
            let moved = chrono::DateTime::from_timestamp_millis(ms + offset).expect("a time");
            let fraction = text[i..i + len].contains('.');
            out.push_str(&if fraction {
                moved.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            } else {
                moved.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            });
            i += len;
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// An ISO time at the start of `b`: its length and epoch ms.
fn iso_at(b: &[u8]) -> Option<(usize, i64)> {
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut len = 19;
    if b.get(19) == Some(&b'.') {
        len = 20;
        while b.get(len).is_some_and(u8::is_ascii_digit) {
            len += 1;
        }
    }
    if b.get(len) != Some(&b'Z') {
        return None;
    }
    len += 1;
    let text = std::str::from_utf8(&b[..len]).ok()?;
    let ms = chrono::DateTime::parse_from_rfc3339(text)
        .ok()?
        .timestamp_millis();
    Some((len, ms))
}

/// The scenario's log events (X-Ray documents aside: moto gets none, so
/// the offline run does not either), moved to end an hour ago.
fn moved_events(dir: &Path) -> Vec<Moved> {
    let mut events = Vec::new();
    for file in discover(&[dir.to_path_buf()]).expect("the scenario's files") {
        let _ = read_file(&file, &mut |ev| {
            let Some(group) = ev.group.or(file.group_hint.as_deref()) else {
                return;
            };
            events.push(Moved {
                group: group.to_string(),
                stream: ev.stream.to_string(),
                ts: ev.timestamp,
                message: ev.message.to_string(),
            });
        });
    }
    let last = events.iter().map(|e| e.ts).max().expect("events");
    let target = chrono::Utc::now().timestamp_millis() - 3_600_000;
    // Whole minutes: the minute boundaries of the scenario stay.
    let offset = (target - last) / 60_000 * 60_000;
    for e in &mut events {
        e.ts += offset;
        e.message = move_times(&e.message, offset);
    }
    events
}

fn write_files(dir: &Path, events: &[Moved]) {
    let mut by_group: std::collections::BTreeMap<&str, String> = Default::default();
    for e in events {
        let line = json!({"timestamp": e.ts, "logStream": e.stream, "message": e.message});
        let text = by_group.entry(&e.group).or_default();
        text.push_str(&line.to_string());
        text.push('\n');
    }
    for (group, text) in by_group {
        let group_dir = dir.join(group.trim_start_matches('/'));
        fs::create_dir_all(&group_dir).unwrap();
        fs::write(group_dir.join("events.ndjson"), text).unwrap();
    }
}

fn run_json(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.output().expect("run the binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// The failures without where each line was read (a file line offline, a
/// query live).
fn comparable(failures: &Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("origin");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = failures.clone();
    strip(&mut v);
    v
}

/// Where two documents first differ, as a path and the two values.
fn first_difference(a: &Value, b: &Value, path: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let w = y.get(k).unwrap_or(&Value::Null);
                if v != w {
                    return first_difference(v, w, &format!("{path}.{k}"));
                }
            }
            format!(
                "{path}: keys {:?} vs {:?}",
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>()
            )
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, &format!("{path}[{i}]"));
                }
            }
            format!("{path}: equal")
        }
        _ => format!("{path}: live {a} vs offline {b}"),
    }
}

#[test]
fn a_live_scan_equals_the_offline_scan_on_every_fixture() {
    let mut dirs = scenarios();
    dirs.push(fixtures().join("demo"));
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let connect = expected(&dir)["connect_group"]
            .as_str()
            .unwrap_or("/aws/connect/acme-prod")
            .to_string();
        let events = moved_events(&dir);
        let first = events.iter().map(|e| e.ts).min().unwrap();
        let last = events.iter().map(|e| e.ts).max().unwrap();
        let iso = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        // Whole seconds around the data: the period both runs read.
        let (start, end) = (
            iso(first / 1000 * 1000 - 1000),
            iso(last / 1000 * 1000 + 2000),
        );
        let offline_dir = tempfile::tempdir().unwrap();
        write_files(offline_dir.path(), &events);
        let moto = Moto::start();
        let mut groups = serde_json::Map::new();
        for e in &events {
            groups
                .entry(e.group.clone())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .unwrap()
                .push(json!({"stream": e.stream, "timestamp": e.ts, "message": e.message}));
        }
        moto.seed(&json!({"groups": groups, "connect_instances": []}));
        let out = moto
            .bin()
            .args([
                "scan",
                "-o",
                "json",
                "--show-queries",
                "--log-group",
                &connect,
            ])
            .args(["--start", &start, "--end", &end])
            .args(["--endpoint-url", &moto.url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{name}: {stderr}");
        let live: Value = serde_json::from_slice(&out.stdout).unwrap();
        let offline = run_json(
            bin()
                .args(["scan", "-o", "json", "--log-group", &connect])
                .args(["--start", &start, "--end", &end, "-i"])
                .arg(offline_dir.path()),
        );
        assert!(
            !offline["failures"].as_array().unwrap().is_empty(),
            "{name}: no failure offline"
        );
        let (l, o) = (
            comparable(&live["failures"]),
            comparable(&offline["failures"]),
        );
        assert!(
            l == o,
            "{name}: live and offline disagree: {}\n{stderr}",
            first_difference(&l, &o, "failures")
        );
        assert_eq!(
            live["summary"]["lambda_blocks"]
                .as_u64()
                .unwrap()
                .saturating_sub(
                    offline["inputs"]["duplicates_dropped"]
                        .as_u64()
                        .unwrap_or(0)
                ),
            offline["summary"]["lambda_blocks"],
            "{name}: the totals"
        );
    }
}
