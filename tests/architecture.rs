//! The pipeline's shape, checked: imports follow `source -> parse -> link
//! -> classify -> report` (docs/ARCHITECTURE.md), and `check`'s rules sit
//! beside `classify`: after the parsers, before the report. A stage may use `model`
//! (plain data and AWS conventions), the shared leaves (`units`,
//! `json_scan`, `windows`) and earlier stages, never a later one. Unit-test
//! modules (`#[cfg(test)] mod ... {`, at the end of a file) are not checked:
//! a test may build its inputs with an earlier stage's code.

use std::fs;
use std::path::{Path, PathBuf};

/// The crate's modules that are stages or the shell, by the name `use
/// crate::<name>` gives them.
const LATER_THAN: &[(&str, &[&str])] = &[
    // module (path prefix under src/), modules it must not import
    (
        "model",
        &[
            "units",
            "json_scan",
            "windows",
            "source",
            "parse",
            "link",
            "classify",
            "check",
            "report",
            "redact",
            "analyze",
            "app",
            "cli",
            "docs",
        ],
    ),
    (
        "units",
        &[
            "json_scan",
            "windows",
            "source",
            "parse",
            "link",
            "classify",
            "check",
            "report",
            "redact",
            "analyze",
            "app",
            "cli",
            "docs",
        ],
    ),
    (
        "json_scan",
        &[
            "windows", "source", "parse", "link", "classify", "check", "report", "redact",
            "analyze", "app", "cli", "docs",
        ],
    ),
    (
        "windows",
        &[
            "source", "parse", "link", "classify", "check", "report", "redact", "analyze", "app",
            "cli", "docs",
        ],
    ),
    (
        "source",
        &[
            "parse", "link", "classify", "check", "report", "redact", "analyze", "app", "cli",
            "docs",
        ],
    ),
    (
        "parse",
        &[
            "source", "link", "classify", "check", "report", "redact", "analyze", "app", "cli",
            "docs",
        ],
    ),
    (
        "link",
        &[
            "source", "parse", "classify", "check", "report", "redact", "analyze", "app", "cli",
            "docs",
        ],
    ),
    (
        "classify",
        &[
            "source", "parse", "check", "report", "redact", "analyze", "app", "cli", "docs",
        ],
    ),
    // `check`'s rules: pure, over what the wiring (`analyze`) read and
    // parsed; they see neither sources nor parsers nor the report.
    (
        "check",
        &[
            "source", "parse", "link", "classify", "report", "redact", "analyze", "app", "cli",
            "docs",
        ],
    ),
    (
        "report",
        &[
            "source", "parse", "link", "classify", "check", "windows", "redact", "analyze", "app",
            "cli", "docs",
        ],
    ),
    (
        "redact",
        &[
            "source", "parse", "link", "classify", "check", "report", "analyze", "app", "cli",
            "docs",
        ],
    ),
    (
        "watch",
        &[
            "source", "parse", "link", "classify", "report", "redact", "analyze", "app", "cli",
            "docs",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files of module `name`: `src/<name>.rs` and everything under
/// `src/<name>/`.
fn files_of(name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let file = src().join(format!("{name}.rs"));
    if file.is_file() {
        out.push(file);
    }
    rust_files(&src().join(name), &mut out);
    out
}

/// The file's code before its first inline unit-test module.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("a source file");
    let cut = text
        .match_indices("#[cfg(test)]\n")
        .map(|(at, m)| at + m.len())
        .find(|&at| {
            let next = text[at..].lines().next().unwrap_or("");
            next.starts_with("mod ") && next.ends_with('{')
        })
        .unwrap_or(text.len());
    text[..cut].to_string()
}

/// Every `crate::<module>` a file's code names.
fn crate_modules(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn no_stage_imports_a_later_one() {
    let mut problems = Vec::new();
    for (module, forbidden) in LATER_THAN {
        let files = files_of(module);
        assert!(!files.is_empty(), "no files for module {module}");
        for file in files {
            for used in crate_modules(&code(&file)) {
                if forbidden.contains(&used.as_str()) {
                    problems.push(format!(
                        "{} uses crate::{used}",
                        file.strip_prefix(src()).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_binary_is_a_thin_shell() {
    let main = fs::read_to_string(src().join("main.rs")).expect("src/main.rs");
    let lines = main.lines().count();
    assert!(lines <= 120, "src/main.rs has {lines} lines");
}

#[test]
fn the_checker_sees_imports() {
    // So that the test above cannot pass by reading nothing.
    let used = crate_modules(&code(&src().join("analyze.rs")));
    for module in ["classify", "link", "source", "windows", "model"] {
        assert!(used.iter().any(|u| u == module), "{module}: {used:?}");
    }
}
