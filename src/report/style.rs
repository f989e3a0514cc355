//! Colour for terminals: one style per class, the same in every output, and
//! the few other things worth a colour (headings, warnings, the fix).
//! Renderers paint only when asked (`RenderOptions::color`); the shell
//! decides that from `--color`, `NO_COLOR`, `CLICOLOR_FORCE` and whether
//! stdout is a terminal. Log text is escaped before it gets here, so the
//! only escapes in the output are these.

use crate::model::Class;
use anstyle::{AnsiColor, Style};

/// The colour of a class: red for what is broken outright, yellow for
/// timing, magenta for capacity, dim for what the logs cannot say.
pub fn class_style(class: Class) -> Style {
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    match class {
        Class::AccessDenied => fg(AnsiColor::Red).bold(),
        Class::InitTimeout => fg(AnsiColor::Red),
        Class::MisconfiguredTimeout => fg(AnsiColor::Yellow).bold(),
        Class::FunctionError => fg(AnsiColor::Red),
        Class::ColdStart => fg(AnsiColor::Cyan),
        Class::DownstreamStall => fg(AnsiColor::Yellow),
        Class::Slow => fg(AnsiColor::Blue),
        Class::Throttled => fg(AnsiColor::Magenta),
        Class::Unlinked => Style::new().dimmed(),
        Class::Unexplained => Style::new().dimmed(),
    }
}

pub const HEADING: Style = Style::new().bold();
pub const WARNING: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)))
    .bold();
pub const ERROR: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
pub const FIX: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
pub const DIM: Style = Style::new().dimmed();

/// `text` in `style` when `on`, else as it is.
pub fn paint(text: &str, style: Style, on: bool) -> String {
    if on && style != Style::new() {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_colour_and_paint_is_plain_when_off() {
        for &class in Class::all() {
            assert_ne!(class_style(class), Style::new(), "{class}");
            let painted = paint(class.as_str(), class_style(class), true);
            assert!(painted.starts_with("\u{1b}["), "{painted:?}");
            assert!(painted.contains(class.as_str()));
            assert_eq!(
                paint(class.as_str(), class_style(class), false),
                class.as_str()
            );
        }
    }
}
