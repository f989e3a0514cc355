//! The triage screen as an on-call engineer sees it: through the binary, at
//! fixed widths, in a pipe and in a real pseudo-terminal (util-linux
//! `script`), with and without colour.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn demo_table(args: &[&str]) -> String {
    let mut all = vec!["scan", "--input", "fixtures/demo"];
    all.extend_from_slice(args);
    stdout_of(&all)
}

fn width_of(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn demo_scan_at_80_100_and_160_columns() {
    for width in ["80", "100", "160"] {
        let text = demo_table(&["--width", width]);
        let max: usize = width.parse().expect("a number");
        assert!(text.lines().all(|l| width_of(l) <= max), "{text}");
        insta::assert_snapshot!(format!("demo_scan_{width}"), text);
    }
}

#[test]
fn at_100_columns_the_demo_fits_one_screen() {
    let text = demo_table(&["--width", "100"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 60, "{} rows:\n{text}", lines.len());
    assert!(lines.iter().all(|l| width_of(l) <= 100), "{text}");
    let doc = scan_json(&fixture("demo"));
    let failures = doc["failures"].as_array().expect("failures");
    // Every failure on its own line, found by its time and short contact id.
    for f in failures {
        let contact = &f["contact_id"].as_str().expect("id")[..8];
        let time = &f["timestamp"].as_str().expect("time")[11..19];
        let found: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with(time) && l.contains(contact))
            .collect();
        assert_eq!(found.len(), 1, "{time} {contact}:\n{text}");
    }
    // Each group's action said once, each failure's in its group.
    let groups: BTreeSet<(String, String)> = failures
        .iter()
        .map(|f| (f["function"].to_string(), f["class"].to_string()))
        .collect();
    let actions: Vec<&&str> = lines.iter().filter(|l| l.starts_with("    -> ")).collect();
    assert_eq!(actions.len(), groups.len(), "{text}");
    for f in failures {
        let action = f["action"].as_str().expect("action");
        assert!(text.matches(action).count() <= 1, "{action}");
    }
}

#[test]
fn in_a_pipe_nothing_is_cut_and_there_is_no_colour() {
    let text = demo_table(&[]);
    assert!(!text.contains('\u{1b}'), "{text}");
    let doc = scan_json(&fixture("demo"));
    for f in doc["failures"].as_array().expect("failures") {
        let fact = f["key_fact"].as_str().expect("key fact");
        assert!(text.contains(fact), "cut in a pipe: {fact}");
    }
    assert!(!text.contains('…'), "{text}");
}

#[test]
fn details_bring_the_evidence_and_the_whole_fix() {
    let plain = demo_table(&["--width", "100"]);
    let details = demo_table(&["--width", "100", "--details"]);
    let doc: Value = scan_json(&fixture("demo"));
    let first = &doc["failures"][0];
    let contact = first["contact_id"].as_str().expect("id");
    assert!(!plain.contains(contact), "full ids only in details");
    assert!(details.contains(&format!("contact {contact}")), "{details}");
    assert!(details.contains("    fix: "), "{details}");
    assert!(
        plain.contains("--details"),
        "the screen says where the rest is"
    );
}

/// Run a shell command in a pseudo-terminal `cols` wide; its output.
fn in_terminal(command: &str, cols: u16, env: &[(&str, &str)]) -> String {
    let line = format!("stty cols {cols} rows 200; {command}");
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .output()
        .expect("util-linux script runs the binary in a pseudo-terminal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

fn demo_command(extra: &str) -> String {
    format!(
        "{} scan --input {} {extra}",
        env!("CARGO_BIN_EXE_connect-timeouts"),
        fixture("demo").display()
    )
}

const CLASS_COLOUR: &str = "\u{1b}[36mcold_start\u{1b}[0m";

#[test]
fn a_terminal_gets_colour_and_its_own_width() {
    let text = in_terminal(&demo_command(""), 90, &[]);
    assert!(text.contains(CLASS_COLOUR), "{text}");
    let plain = strip_escapes(&text);
    assert!(plain.lines().all(|l| width_of(l) <= 90), "{plain}");
    assert!(plain.contains('…'), "fitted to 90 columns: {plain}");
}

#[test]
fn no_color_and_color_never_remove_it_in_a_terminal() {
    let no_color = in_terminal(&demo_command(""), 100, &[("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "{no_color}");
    let never = in_terminal(&demo_command("--color never"), 100, &[]);
    assert!(!never.contains('\u{1b}'), "{never}");
}

#[test]
fn colour_in_a_pipe_only_when_forced() {
    assert!(demo_table(&["--color", "always"]).contains(CLASS_COLOUR));
    let forced = bin()
        .args(["scan", "--input"])
        .arg(fixture("demo"))
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&forced.stdout).contains(CLASS_COLOUR));
    let json = bin()
        .args(["scan", "-o", "json", "--color", "always", "--input"])
        .arg(fixture("demo"))
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&json.stdout).contains('\u{1b}'));
}

fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
