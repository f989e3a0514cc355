//! Documentation generated from the clap definitions (`cli::Cli`), so it
//! cannot drift from the parser: shell completion scripts (clap_complete)
//! and the man page (clap_mangen). Pure: each document is returned as
//! bytes, and `app` prints it.

use crate::app::exit;
use crate::cli::{Cli, Doc};
use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use roff::{bold, roman, Roff};
use std::io;

/// The document `doc` asks for.
pub fn render(doc: Doc) -> io::Result<Vec<u8>> {
    match doc {
        Doc::Completions(shell) => Ok(completions(shell)),
        Doc::Man => man_page(),
    }
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut cli = Cli::command();
    let name = cli.get_name().to_string();
    // Into memory: clap_complete panics when its writer fails, and a closed
    // stdout (`| head`) must not be a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli, name, &mut script);
    script
}

/// One of clap_mangen's section renderers.
type Renderer = fn(&Man, &mut dyn io::Write) -> io::Result<()>;

/// The whole tool on one page: the top-level command as clap_mangen
/// renders it, a section per subcommand with its synopsis and every flag
/// (clap_mangen itself only lists subcommands, as separate pages), and the
/// exit status.
pub fn man_page() -> io::Result<Vec<u8>> {
    let cli = built_command();
    let man = Man::new(cli.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    page.extend(sections(
        &man,
        &[
            Man::render_name_section,
            Man::render_synopsis_section,
            Man::render_description_section,
            Man::render_options_section,
        ],
    )?);
    page.extend(fragment(&subcommand_list(&cli)));
    for sub in visible_subcommands(&cli) {
        page.extend(subcommand_section(sub)?);
    }
    page.extend(fragment(&exit_status()));
    page.extend(sections(&man, &[Man::render_version_section])?);
    Ok(page)
}

/// The clap command, built so that each subcommand knows its full name
/// ("connect-timeouts scan") for its synopsis. clap's `help` subcommand is
/// left out, as clap_mangen leaves it out of its own pages: it only
/// repeats `--help`, which every command has.
fn built_command() -> clap::Command {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    cli
}

/// SUBCOMMANDS: each subcommand's name and summary.
fn subcommand_list(cli: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in visible_subcommands(cli) {
        roff.control("TP", []);
        roff.text([bold(full_name(sub))]);
        if let Some(about) = sub.get_about() {
            roff.text([roman(about.to_string())]);
        }
    }
    roff
}

/// A subcommand's own section, titled by its full name: its synopsis,
/// description and options, as clap_mangen renders them for a page of
/// its own, with the page's sections turned into subsections.
fn subcommand_section(sub: &clap::Command) -> io::Result<Vec<u8>> {
    let mut heading = Roff::new();
    heading.control("SH", [full_name(sub).to_uppercase().as_str()]);
    let body = sections(
        &Man::new(sub.clone()),
        &[
            Man::render_synopsis_section,
            Man::render_description_section,
            Man::render_options_section,
        ],
    )?;
    Ok([fragment(&heading), as_subsections(&body)].concat())
}

/// EXIT STATUS, as the README's table says (the same codes as `app::exit`).
fn exit_status() -> Roff {
    let statuses = [
        (
            0,
            "Success, with or without findings (a closed pipe is not an error).",
        ),
        (
            exit::FINDINGS,
            "Failures were found and --fail-on-findings was given; check: a finding at or above --fail-on.",
        ),
        (
            exit::USAGE,
            "Usage error: a bad flag, a bad time, --start after --end.",
        ),
        (
            exit::INPUT,
            "Input or output error: a path that cannot be read, no Connect log group, \
             the contact not found, --strict with skipped lines, a --save-logs directory \
             that already holds a capture (without --force) or cannot be written; check: \
             an input with neither flows nor flow logs.",
        ),
        (
            exit::INTERRUPTED,
            "Interrupted (Ctrl-C), after stopping the running queries; the way watch ends, after its summary.",
        ),
        (
            exit::AWS_CONFIG,
            "AWS credentials or configuration, as the AWS CLI: no credentials, \
             an expired SSO session, no region.",
        ),
        (
            exit::AWS_SERVICE,
            "AWS service error, as the AWS CLI: access denied, log group not found, \
             a query that failed or timed out.",
        ),
    ];
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in statuses {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    roff
}

fn visible_subcommands(cli: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cli.get_subcommands().filter(|sub| !sub.is_hide_set())
}

/// "connect-timeouts scan" for a subcommand of a built command.
fn full_name(sub: &clap::Command) -> String {
    sub.get_bin_name().unwrap_or(sub.get_name()).to_string()
}

/// Our own roff, to go after the title.
fn fragment(roff: &Roff) -> Vec<u8> {
    without_preamble(roff.render().as_bytes()).to_vec()
}

/// What `renderers` write for `man`, one after the other, each without
/// its preamble.
fn sections(man: &Man, renderers: &[Renderer]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for render in renderers {
        let mut section = Vec::new();
        render(man, &mut section)?;
        out.extend(without_preamble(&section));
    }
    Ok(out)
}

/// A rendered fragment without the lines roff puts before every fragment
/// (the apostrophe string `Aq`): the page's title fragment defines it once.
fn without_preamble(fragment: &[u8]) -> &[u8] {
    let mut rest = fragment;
    while rest.starts_with(b".ie ") || rest.starts_with(b".el ") {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |at| at + 1);
        rest = &rest[end..];
    }
    rest
}

/// A fragment's sections (`.SH`) as subsections (`.SS`). Text lines cannot
/// start with a dot (roff escapes them), so only control lines change.
fn as_subsections(fragment: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fragment.len());
    for line in fragment.split_inclusive(|&b| b == b'\n') {
        match line.strip_prefix(b".SH ") {
            Some(title) => {
                out.extend_from_slice(b".SS ");
                out.extend_from_slice(title);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        String::from_utf8(man_page().unwrap()).unwrap()
    }

    #[test]
    fn the_page_has_one_title_and_one_preamble() {
        let page = page();
        assert!(page.starts_with(".ie "), "{}", &page[..80]);
        assert_eq!(page.matches("\n.TH ").count(), 1);
        assert_eq!(page.matches(".ds Aq").count(), 2, "the .ie/.el pair, once");
    }

    #[test]
    fn each_subcommand_has_a_section_with_subsections() {
        let page = page();
        for sub in ["SCAN", "EXPLAIN", "COMPLETIONS", "MAN"] {
            assert!(
                page.contains(&format!(".SH \"CONNECT-TIMEOUTS {sub}\"\n")),
                "{sub}"
            );
        }
        // A section of the subcommand's own page, now a subsection.
        assert!(page.contains(".SS \"AWS (LIVE SCANS, WITHOUT --INPUT)\"\n"));
        assert!(
            !page.contains("connect\\-timeouts\\-scan(1)"),
            "no page of its own"
        );
    }

    #[test]
    fn sections_become_subsections_and_nothing_else_changes() {
        let fragment = b".SH OPTIONS\n.TP\n\\fB\\-\\-x\\fR\ntext .SH not a control\n";
        assert_eq!(
            as_subsections(fragment),
            b".SS OPTIONS\n.TP\n\\fB\\-\\-x\\fR\ntext .SH not a control\n"
        );
        assert_eq!(without_preamble(b".ie a\n.el b\n.SH X\n"), b".SH X\n");
        assert_eq!(without_preamble(b".SH X\n"), b".SH X\n");
    }

    #[test]
    fn every_shell_gets_a_script() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let script = String::from_utf8(completions(shell)).unwrap();
            assert!(script.contains("connect-timeouts"), "{shell}");
        }
    }
}
