//! The terminal output of the README's demo, pinned: a change to what an
//! on-call engineer reads shows up in review as a snapshot diff.

mod common;

use common::*;

/// In a pipe: nothing cut, with every failure's evidence (`--details`).
#[test]
fn demo_scan_table() {
    insta::assert_snapshot!(stdout_of(&[
        "scan",
        "--input",
        "fixtures/demo",
        "--details"
    ]));
}

#[test]
fn demo_explain_of_a_stall() {
    // The demo's downstream stall whose function logged the ContactId.
    insta::assert_snapshot!(stdout_of(&[
        "explain",
        "3699d4b2-67bf-4a76-9117-dab32ee9b965",
        "--input",
        "fixtures/demo",
    ]));
}
