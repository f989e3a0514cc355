//! The live query plans at contact-center scale, by simulation (issue
//! #15): a busy instance's traffic from `examples/synth` is seeded into the
//! local endpoint (moto, whose Logs Insights evaluates the tool's filters
//! and `stats` as AWS would: tests/support/insights_eval.py), then the same
//! `scan` runs with the one-stage plan (`--single-stage`, every Lambda
//! block of the period) and the two-stage plan. For each: the queries, the
//! Connect rows that travel, all rows, wall time against the endpoint, the
//! binary's peak memory; and the two must find the same failures, classes
//! and request ids.
//!
//! Ignored by the test suite (it takes minutes): run scripts/bench_live.sh.
//! BENCH_MINUTES (10), BENCH_CONTACTS_PER_HOUR (50000) and
//! BENCH_FAILURE_RATES ("0.0001 0.002") set the simulation.

mod common;

#[path = "../examples/synth/gen.rs"]
mod gen;

use common::moto::Moto;
use connect_timeouts::source::files::{discover, read_file};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const CONNECT: &str = "/aws/connect/acme-contact-center";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// Every event of the generated files, by log group, in moto_seed.py's
/// shape. The Connect group keeps its Lambda blocks only: no plan's filter
/// returns the other entries (the `explain` contact aside, not measured
/// here); on AWS they are scanned (bytes, cost) but never travel.
fn groups(dir: &Path) -> (Value, u64, u64) {
    let files = discover(&[dir.join("aws")]).expect("the generated files");
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let (mut blocks, mut lines) = (0, 0);
    for file in &files {
        read_file(file, &mut |ev| {
            let group = ev.group.or(file.group_hint.as_deref()).unwrap_or("");
            let is_connect = group == CONNECT;
            if is_connect
                && !ev.message.contains("InvokeExternalResource")
                && !ev.message.contains("InvokeLambdaFunction")
            {
                return;
            }
            if is_connect {
                blocks += 1;
            } else {
                lines += 1;
            }
            groups.entry(group.to_string()).or_default().push(
                json!({"stream": ev.stream, "timestamp": ev.timestamp, "message": ev.message}),
            );
        })
        .expect("read a generated file");
    }
    (json!(groups), blocks, lines)
}

struct Run {
    doc: Value,
    wall_s: f64,
    rss_mb: f64,
}

/// `scan` over the period, under /usr/bin/time for the peak memory.
fn scan(moto: &Moto, start: i64, end: i64, single: bool) -> Run {
    let iso = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .expect("a time")
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v")
        .arg(env!("CARGO_BIN_EXE_connect-timeouts"))
        .args(["scan", "-o", "json", "--log-group", CONNECT])
        .args(["--start", &iso(start), "--end", &iso(end)])
        .args(["--endpoint-url", &moto.url])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if single {
        cmd.arg("--single-stage");
    }
    let begun = Instant::now();
    let out = cmd.output().expect("run /usr/bin/time (Debian: time)");
    let wall_s = begun.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rss_kb: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    Run {
        doc: serde_json::from_slice(&out.stdout).expect("one JSON document"),
        wall_s,
        rss_mb: rss_kb / 1024.0,
    }
}

/// Per failure: contact, block, class, request ids.
fn answer(doc: &Value) -> Vec<(String, String, String, Vec<String>)> {
    doc["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| {
            let ids = f["invocations"]
                .as_array()
                .expect("invocations")
                .iter()
                .map(|i| i["request_id"].as_str().unwrap_or("").to_string())
                .collect();
            (
                f["contact_id"].as_str().unwrap_or("").to_string(),
                f["block_identifier"].as_str().unwrap_or("").to_string(),
                f["class"].as_str().unwrap_or("").to_string(),
                ids,
            )
        })
        .collect()
}

/// Rows that came from the Connect group, from the per-query inputs.
fn connect_rows(doc: &Value) -> u64 {
    doc["inputs"]["files"]
        .as_array()
        .expect("inputs.files")
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|n| n.ends_with(CONNECT)))
        .map(|f| f["events"].as_u64().unwrap_or(0))
        .sum()
}

#[test]
#[ignore = "minutes: run scripts/bench_live.sh"]
fn the_two_stage_plan_at_scale() {
    let minutes: i64 = env_or("BENCH_MINUTES", "10")
        .parse()
        .expect("BENCH_MINUTES");
    let per_hour: u64 = env_or("BENCH_CONTACTS_PER_HOUR", "50000")
        .parse()
        .expect("BENCH_CONTACTS_PER_HOUR");
    let rates = env_or("BENCH_FAILURE_RATES", "0.0001 0.002");
    println!(
        "| failure rate | failures | plan | queries | Connect rows that travel | all rows | wall (s) | peak RSS (MB) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for rate in rates.split_whitespace() {
        let dir = tempfile::tempdir().unwrap();
        // Ends 30 minutes ago: inside what moto keeps, past ingestion.
        let end = (chrono::Utc::now().timestamp_millis() - 1_800_000) / 60_000 * 60_000;
        let start = end - minutes * 60_000;
        let cfg = gen::Config {
            seed: 7,
            failure_rate: rate.parse().expect("a failure rate"),
            start_ms: start,
            contacts_per_hour: per_hour,
            duration_ms: Some(minutes * 60_000),
            ..gen::Config::default()
        };
        let summary = gen::generate(dir.path(), &cfg).expect("generate");
        let (groups, blocks, lines) = groups(dir.path());
        let moto = Moto::start();
        let seeding = Instant::now();
        moto.seed(&json!({"groups": groups, "connect_instances": []}));
        eprintln!(
            "rate {rate}: {} contacts, {blocks} Lambda blocks, {lines} Lambda lines seeded in {:.0} s",
            summary.contacts,
            seeding.elapsed().as_secs_f64()
        );
        let one = scan(&moto, start, end, true);
        let two = scan(&moto, start, end, false);
        assert_eq!(answer(&two.doc), answer(&one.doc), "the plans disagree");
        // Insights' `count(*)` counts Connect's duplicate deliveries too;
        // the one-stage plan counts the blocks it de-duplicated.
        let counted = |run: &Run| run.doc["summary"]["lambda_blocks"].as_u64().unwrap_or(0);
        let extra = counted(&two).abs_diff(counted(&one));
        assert!(
            extra <= summary.duplicates,
            "totals {} and {} differ by more than the {} duplicates",
            counted(&two),
            counted(&one),
            summary.duplicates
        );
        let failures = answer(&one.doc).len();
        for (name, run) in [("one stage", &one), ("two stages", &two)] {
            let live = &run.doc["live"];
            println!(
                "| {rate} | {failures} | {name} | {} | {} | {} | {:.1} | {:.0} |",
                live["queries"],
                connect_rows(&run.doc),
                live["rows"],
                run.wall_s,
                run.rss_mb
            );
        }
    }
}
