//! Log text must never steer the terminal: control characters and escape
//! sequences are shown, not obeyed. (JSON output escapes them as JSON does.)

use crate::model::TextField;
use std::borrow::Cow;
use std::fmt::Write;

/// Text as it can safely be printed to a terminal: a tab becomes a space;
/// other control characters (C0, DEL, C1) and the bidirectional overrides
/// that reorder what is displayed become visible escapes (`\e`, `\r`,
/// `\n`, `\u{9b}`).
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The filter form, for `ScanResult::map_texts` / `ExplainResult::map_texts`.
pub fn terminal_filter(_: TextField<'_>, text: &str) -> Option<String> {
    match for_terminal(text) {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let hostile = "ok\u{1b}[2J\u{1b}[H\rFAKE: all good\u{7}\u{9b}31m\u{202e}gnp.exe";
        let safe = for_terminal(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(
            safe,
            "ok\\e[2J\\e[H\\rFAKE: all good\\u{7}\\u{9b}31m\\u{202e}gnp.exe"
        );
    }

    #[test]
    fn ordinary_text_is_untouched_and_tabs_become_spaces() {
        assert!(matches!(for_terminal("plain ünïcode ✓"), Cow::Borrowed(_)));
        assert_eq!(for_terminal("a\tb\nc"), "a b\\nc");
    }
}
