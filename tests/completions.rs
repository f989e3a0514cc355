//! Shell completions and the man page, through the binary: each script is
//! generated, parsed by its shell where the shell is here (bash always),
//! and names every subcommand and flag; the man page renders without a
//! warning and documents every subcommand, flag and exit status. The lists
//! come from the clap definitions, so a new flag cannot be forgotten.
//! bash, man and groff are required: a missing one fails, never skips
//! (`.ci/run` installs them, with zsh and fish).

mod common;

use clap::CommandFactory;
use common::bin;
use connect_timeouts::app::exit;
use connect_timeouts::cli::Cli;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const NAME: &str = "connect-timeouts";

/// Every visible subcommand's name, from the definitions.
fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name().to_string())
        .collect()
}

/// Every visible long flag of every subcommand (`--input`...), from the
/// definitions (`scan` and `explain` hold nearly all of them).
fn long_flags() -> BTreeSet<String> {
    let flags: BTreeSet<String> = Cli::command()
        .get_subcommands()
        .flat_map(|sub| sub.get_arguments())
        .filter(|arg| !arg.is_hide_set())
        .filter_map(|arg| arg.get_long())
        .map(|long| format!("--{long}"))
        .collect();
    assert!(flags.contains("--input") && flags.contains("--fail-on-findings"));
    flags
}

/// Whether `word` occurs in `text` as a whole word: `--end` is not found
/// in `--endpoint-url`, nor `man` in `command`.
fn mentions(text: &str, word: &str) -> bool {
    let part_of_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

fn missing<'a>(text: &str, words: impl IntoIterator<Item = &'a String>) -> Vec<&'a String> {
    words.into_iter().filter(|w| !mentions(text, w)).collect()
}

/// The binary's stdout for `args`, which must succeed with nothing on stderr.
fn generated(args: &[&str]) -> String {
    let out = bin().args(args).output().expect("run the binary");
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {}", lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!text.trim().is_empty(), "{args:?} printed nothing");
    text
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `program` with `args`, `stdin` fed in; a missing program fails the test.
fn run(program: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{program} is required by this test ({e}); .ci/run installs it from Debian")
        });
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin.as_bytes()).expect("feed stdin");
    drop(input);
    child.wait_with_output().expect("wait for the program")
}

/// Whether `program` can be started (for the optional shells).
fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn write_script(dir: &Path, name: &str, script: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, script).expect("write the script");
    path.to_str().expect("a UTF-8 temp path").to_string()
}

#[test]
fn bash_registers_the_completion_function() {
    let script = generated(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_script(dir.path(), NAME, &script);
    let out = run(
        "bash",
        &[
            "--norc",
            "--noprofile",
            "-c",
            // The function `complete -p` names must be defined, too.
            r#"source "$1" && spec=$(complete -p connect-timeouts) && echo "$spec" &&
               fn=${spec#*-F } && declare -F "${fn%% *}""#,
            "bash",
            &file,
        ],
        &[],
        "",
    );
    let (stdout, stderr) = (lossy(&out.stdout), lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let spec = stdout.lines().next().unwrap_or_default();
    assert!(
        spec.starts_with("complete ") && spec.contains(" -F _"),
        "{spec}"
    );
    assert!(spec.ends_with(&format!(" {NAME}")), "{spec}");
}

#[test]
fn bash_script_names_every_subcommand_and_flag() {
    let script = generated(&["completions", "bash"]);
    assert_eq!(missing(&script, &subcommands()), Vec::<&String>::new());
    assert_eq!(missing(&script, &long_flags()), Vec::<&String>::new());
}

#[test]
fn zsh_script_parses_and_names_everything() {
    let script = generated(&["completions", "zsh"]);
    assert!(
        script.starts_with(&format!("#compdef {NAME}")),
        "zsh autoloads by it"
    );
    assert_eq!(missing(&script, &subcommands()), Vec::<&String>::new());
    assert_eq!(missing(&script, &long_flags()), Vec::<&String>::new());
    parses_if_installed("zsh", &["-n"], &script);
}

#[test]
fn fish_script_parses_and_names_everything() {
    let script = generated(&["completions", "fish"]);
    assert_eq!(missing(&script, &subcommands()), Vec::<&String>::new());
    // fish spells a long flag `-l input`.
    let fish_flags: Vec<String> = long_flags()
        .iter()
        .map(|flag| format!("-l {}", &flag[2..]))
        .collect();
    assert_eq!(missing(&script, &fish_flags), Vec::<&String>::new());
    parses_if_installed("fish", &["--no-execute"], &script);
}

#[test]
fn powershell_and_elvish_scripts_name_everything() {
    for shell in ["powershell", "elvish"] {
        let script = generated(&["completions", shell]);
        assert!(mentions(&script, NAME), "{shell}");
        assert_eq!(
            missing(&script, &subcommands()),
            Vec::<&String>::new(),
            "{shell}"
        );
        assert_eq!(
            missing(&script, &long_flags()),
            Vec::<&String>::new(),
            "{shell}"
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = bin().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(lossy(&out.stderr).contains("possible values"), "{out:?}");
}

/// `shell CHECK_ARGS FILE` must accept the script when the shell is here
/// (zsh and fish are optional on a developer's machine; CI installs them).
fn parses_if_installed(shell: &str, check_args: &[&str], script: &str) {
    if !installed(shell) {
        eprintln!("note: {shell} is not installed: its script was not parsed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write_script(dir.path(), &format!("{NAME}.{shell}"), script);
    let out = run(shell, &[check_args, &[file.as_str()]].concat(), &[], "");
    assert!(out.status.success(), "{shell}: {}", lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{shell}: {}", lossy(&out.stderr));
}

/// The man page as `man` shows it: wide, unhyphenated and unjustified, so
/// every flag is one word on a line; nothing may be said on stderr.
fn man_text(page: &str) -> String {
    let env = [
        ("MANWIDTH", "200"),
        ("LC_ALL", "C.UTF-8"),
        ("MANPAGER", "cat"),
    ];
    let out = run("man", &["--nh", "--nj", "-l", "-"], &env, page);
    assert!(out.status.success(), "man -l: {}", lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "man -l: {}", lossy(&out.stderr));
    lossy(&out.stdout)
}

#[test]
fn man_page_renders_without_warnings() {
    let page = generated(&["man"]);
    man_text(&page);
    // groff with every warning on, output discarded: stricter than man.
    let out = run("groff", &["-man", "-Tutf8", "-ww", "-z"], &[], &page);
    assert!(out.status.success(), "groff: {}", lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "groff: {}", lossy(&out.stderr));
}

#[test]
fn man_page_documents_every_subcommand_and_flag() {
    let text = man_text(&generated(&["man"]));
    for sub in subcommands() {
        let heading = format!("{NAME} {sub}").to_uppercase();
        assert!(
            text.lines().any(|line| line == heading),
            "no section {heading}:\n{text}"
        );
        assert!(
            text.contains(&format!("{NAME} {sub} ")),
            "no synopsis of {sub}"
        );
    }
    assert_eq!(missing(&text, &long_flags()), Vec::<&String>::new());
}

#[test]
fn man_page_exit_status_is_the_readme_table() {
    let text = man_text(&generated(&["man"]));
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let documented = exit_codes_in_man(&text);
    assert_eq!(documented, exit_codes_in_readme(&readme));
    let defined = [
        0,
        exit::FINDINGS,
        exit::USAGE,
        exit::INPUT,
        exit::INTERRUPTED,
        exit::AWS_CONFIG,
        exit::AWS_SERVICE,
    ];
    assert_eq!(documented, defined.map(u16::from).into(), "app::exit");
}

/// The codes listed under EXIT STATUS (a code starts its line, indented).
fn exit_codes_in_man(text: &str) -> BTreeSet<u16> {
    text.lines()
        .skip_while(|line| *line != "EXIT STATUS")
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The codes of the README's "Exit codes" table (`| 3 | ...`).
fn exit_codes_in_readme(readme: &str) -> BTreeSet<u16> {
    readme
        .lines()
        .skip_while(|line| *line != "## Exit codes")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| ")?.split(" |").next()?.parse().ok())
        .collect()
}
