//! Aligned columns, one row per line, fitted to a width: cells that do not
//! fit are cut with an ellipsis, never wrapped onto more lines. Without a
//! width (stdout is not a terminal), nothing is cut: full values, aligned.

use super::style::paint;
use anstyle::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column gives way when the line is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never cut (times, ids, class names: short and always needed).
    Whole,
    /// At most `cap` columns when fitting, cut down to `min` if the line is
    /// still too wide. Columns give way in the order they are listed.
    Shrink { min: usize, cap: usize },
}

pub struct Column {
    pub header: &'static str,
    pub fit: Fit,
    /// Numbers read better aligned right.
    pub right: bool,
}

impl Column {
    /// A column never cut.
    pub const fn whole(header: &'static str) -> Self {
        Column {
            header,
            fit: Fit::Whole,
            right: false,
        }
    }

    /// A column cut to `cap` when fitting, and down to `min` if need be.
    pub const fn shrink(header: &'static str, min: usize, cap: usize) -> Self {
        Column {
            header,
            fit: Fit::Shrink { min, cap },
            right: false,
        }
    }

    /// Aligned right.
    pub const fn right(mut self) -> Self {
        self.right = true;
        self
    }
}

/// A cell's text (plain, as it will be shown) and its style.
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            style: Style::new(),
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style,
        }
    }
}

/// Where the lines sit and how far apart the columns are.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Fit to this many columns; `None`: never cut.
    pub width: Option<usize>,
    pub indent: usize,
    pub gap: usize,
    pub color: bool,
}

/// The header line and one line per row, each at most `layout.width`
/// columns wide when a width is given.
pub fn render(columns: &[Column], rows: &[Vec<Cell>], layout: Layout) -> Vec<String> {
    let widths = fit(columns, rows, layout);
    let header: Vec<Cell> = columns
        .iter()
        .map(|c| Cell::styled(c.header, super::style::HEADING))
        .collect();
    std::iter::once(&header)
        .chain(rows)
        .map(|row| line(columns, row, &widths, layout))
        .collect()
}

/// Display width, as a terminal shows it.
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to `max` columns, an ellipsis marking the cut.
pub fn cut(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

fn fit(columns: &[Column], rows: &[Vec<Cell>], layout: Layout) -> Vec<usize> {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|cell| display_width(&cell.text))
                .chain(std::iter::once(display_width(c.header)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let Some(width) = layout.width else {
        return natural;
    };
    let mut widths: Vec<usize> = columns
        .iter()
        .zip(&natural)
        .map(|(c, &n)| match c.fit {
            Fit::Whole => n,
            Fit::Shrink { cap, .. } => n.min(cap),
        })
        .collect();
    let gaps = layout.gap * columns.len().saturating_sub(1);
    for (i, column) in columns.iter().enumerate() {
        let total = layout.indent + gaps + widths.iter().sum::<usize>();
        if total <= width {
            break;
        }
        if let Fit::Shrink { min, .. } = column.fit {
            let floor = min.min(widths[i]);
            widths[i] = widths[i].saturating_sub(total - width).max(floor);
        }
    }
    widths
}

fn line(columns: &[Column], row: &[Cell], widths: &[usize], layout: Layout) -> String {
    let mut out = " ".repeat(layout.indent);
    let last = columns.len().saturating_sub(1);
    for (i, (column, &w)) in columns.iter().zip(widths).enumerate() {
        let text = row.get(i).map_or("", |c| c.text.as_str());
        let style = row.get(i).map_or(Style::new(), |c| c.style);
        let shown = cut(text, w);
        let pad = " ".repeat(w.saturating_sub(display_width(&shown)));
        let painted = paint(&shown, style, layout.color);
        match (column.right, i == last) {
            (true, _) => out.push_str(&format!("{pad}{painted}")),
            (false, true) => out.push_str(&painted),
            (false, false) => out.push_str(&format!("{painted}{pad}")),
        }
        if i != last {
            out.push_str(&" ".repeat(layout.gap));
        }
    }
    // The last resort when even the minimums do not fit: cut the line
    // (its styles dropped, rather than cut in half).
    let out = out.trim_end();
    match layout.width {
        Some(w) if display_width(&strip(out)) > w => cut(&strip(out), w),
        _ => out.to_string(),
    }
}

/// `line` without its escape sequences (ours: the log text in a cell is
/// escaped before it gets here).
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        for c in chars.by_ref() {
            if c.is_ascii_alphabetic() {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<Column> {
        vec![
            Column {
                header: "ID",
                fit: Fit::Whole,
                right: false,
            },
            Column {
                header: "WHERE",
                fit: Fit::Shrink { min: 6, cap: 40 },
                right: false,
            },
            Column {
                header: "WHY",
                fit: Fit::Shrink { min: 8, cap: 20 },
                right: false,
            },
        ]
    }

    fn layout(width: Option<usize>) -> Layout {
        Layout {
            width,
            indent: 0,
            gap: 2,
            color: false,
        }
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![vec![
            Cell::plain("77b22dd8"),
            Cell::plain("Acme Main IVR: f6f573b4-15ed-4834-8d18-32832696ddb2"),
            Cell::plain("init 2401 ms + handler 901 ms > 3000 ms limit"),
        ]]
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let lines = render(&columns(), &rows(), layout(None));
        assert_eq!(
            lines[1],
            "77b22dd8  Acme Main IVR: f6f573b4-15ed-4834-8d18-32832696ddb2  init 2401 ms + handler 901 ms > 3000 ms limit"
        );
    }

    #[test]
    fn caps_then_minimums_make_it_fit() {
        let lines = render(&columns(), &rows(), layout(Some(60)));
        assert_eq!(
            lines[1],
            // WHY at its cap (20), then WHERE cut to what is left: 8 + 2 + 28 + 2 + 20.
            "77b22dd8  Acme Main IVR: f6f573b4-15e…  init 2401 ms + hand…"
        );
        assert!(lines.iter().all(|l| display_width(l) <= 60), "{lines:#?}");
        let narrow = render(&columns(), &rows(), layout(Some(30)));
        assert_eq!(narrow[1], "77b22dd8  Acme …  init 2401 m…");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(cut("日本語のフロー", 7), "日本語…");
        assert_eq!(display_width(&cut("日本語のフロー", 7)), 7);
        assert_eq!(cut("short", 7), "short");
    }
}
