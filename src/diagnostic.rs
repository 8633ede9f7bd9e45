//! Diagnostics: what the input and model layers say about the text a user pasted.
//!
//! A diagnostic names the place (a [`Span`] in the pasted text, and the API field path),
//! says what is wrong in `message`, and what to do in `help`.
//! The CLI renders it as `FILE:LINE:COL: error: …` with a snippet; the page turns the span
//! into a cursor position and a marked line.

use crate::input::span::Span;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The API server would reject the object; it is left out of the cluster.
    Error,
    /// Accepted, but probably not what the user meant.
    Warning,
    /// Something svcroute filled in or skipped, said so that nothing happens silently.
    Notice,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        })
    }
}

/// One finding about the pasted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where in the pasted text; `None` when the finding is about the whole input.
    pub span: Option<Span>,
    /// The API field path, as the API server prints it (`spec.ports[1].nodePort`).
    pub field: Option<String>,
    /// What is wrong: lowercase, no final period, the user's own spelling.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// `text` as it appears inside a quoted string in a message: `"` and `\\` escaped, line
/// breaks, tabs and other control characters as escapes, everything else as written.
/// (`str::escape_debug` would do, but it brings Unicode's printable tables into the wasm.)
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if (ch as u32) < 0x20 || ch as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", ch as u32));
            }
            ch => out.push(ch),
        }
    }
    out
}

/// `text` in double quotes, escaped by [`escape`].
pub(crate) fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// `parts` joined by `separator`: the one join the page compiles (`[&str]::join` is generic
/// code of its own, 0.6 KB before wasm-opt, for the two lists the core joins).
pub(crate) fn join(parts: &[&str], separator: &str) -> String {
    let mut text = String::new();
    for (idx, part) in parts.iter().enumerate() {
        if idx > 0 {
            text.push_str(separator);
        }
        text.push_str(part);
    }
    text
}

/// The first line of a rendered diagnostic, the shape the CLI promises and editors can jump
/// to: `kiada.yaml:14:15: error: message`, or `kiada.yaml: error: message` without a span.
pub fn headline(diag: &Diagnostic, file: &str) -> String {
    match diag.span {
        Some(span) => {
            format!("{file}:{}:{}: {}: {}", span.line, span.column, diag.severity, diag.message)
        }
        None => format!("{file}: {}: {}", diag.severity, diag.message),
    }
}

/// A diagnostic as people read it: the headline, the offending line with a caret under the
/// span, then the field path and the help. `text` is the whole text the span points into.
///
/// ```
/// use svcroute::diagnostic::{render, Diagnostic, Severity};
/// use svcroute::input::span::Span;
/// let diag = Diagnostic {
///     severity: Severity::Error,
///     span: Some(Span { line: 2, column: 11, len: 5 }),
///     field: Some("spec.ports[0].nodePort".to_string()),
///     message: "nodePort 40000 is outside the node port range 30000-32767".to_string(),
///     help: None,
/// };
/// let text = "ports:\n- nodePort: 40000\n";
/// assert_eq!(
///     render(&diag, "kiada.yaml", text),
///     "kiada.yaml:2:11: error: nodePort 40000 is outside the node port range 30000-32767\n  |\n2 | - nodePort: 40000\n  |           ^^^^^\n  = field: spec.ports[0].nodePort\n"
/// );
/// ```
pub fn render(diag: &Diagnostic, file: &str, text: &str) -> String {
    let line_text =
        diag.span.and_then(|span| text.lines().nth((span.line as usize).checked_sub(1)?));
    render_with_line(diag, file, line_text)
}

/// Renders many diagnostics of one text, finding each line without rescanning the text.
pub fn render_all(diags: &[Diagnostic], file: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    diags
        .iter()
        .map(|diag| {
            let line_text =
                diag.span.and_then(|span| lines.get((span.line as usize).checked_sub(1)?).copied());
            render_with_line(diag, file, line_text)
        })
        .collect()
}

/// Tabs are shown as this many spaces, and the caret moves with them.
const TAB_WIDTH: usize = 4;

/// The widest snippet line shown, in columns; longer lines are cut around the caret.
const MAX_SNIPPET: usize = 100;

fn render_with_line(diag: &Diagnostic, file: &str, line_text: Option<&str>) -> String {
    let mut out = headline(diag, file);
    out.push('\n');
    let snippet = diag.span.zip(line_text);
    let gutter = snippet.map_or(0, |(span, _)| span.line.to_string().len());
    let pad = " ".repeat(gutter);
    if let Some((span, line_text)) = snippet {
        let shown: Vec<char> = line_text
            .chars()
            .flat_map(|c| if c == '\t' { vec![' '; TAB_WIDTH] } else { vec![c] })
            .collect();
        let width = |c: &char| if *c == '\t' { TAB_WIDTH } else { 1 };
        let column = (span.column as usize).saturating_sub(1);
        let mut indent: usize = line_text.chars().take(column).map(|c| width(&c)).sum();
        let mut n_carets: usize =
            line_text.chars().skip(column).take(span.len as usize).map(|c| width(&c)).sum();
        // A long line (minified JSON, a megabyte of brackets) is shown as a window around
        // the caret, so one diagnostic never prints the whole line.
        let (start, end) = if shown.len() <= MAX_SNIPPET {
            (0, shown.len())
        } else {
            let start =
                indent.saturating_sub(MAX_SNIPPET / 3).min(shown.len().saturating_sub(MAX_SNIPPET));
            (start, (start + MAX_SNIPPET).min(shown.len()))
        };
        let mut window: String = shown.get(start..end).unwrap_or_default().iter().collect();
        if start > 0 {
            window.insert(0, '…');
            indent = indent - start + 1;
        }
        if end < shown.len() {
            window.push('…');
        }
        n_carets = n_carets.min((end + 1).saturating_sub(start + indent).max(1));
        out += &format!(
            "{pad} |\n{} | {}\n{pad} | {}{}\n",
            span.line,
            window.trim_end(),
            " ".repeat(indent),
            "^".repeat(n_carets.max(1))
        );
    }
    if let Some(field) = &diag.field {
        out += &format!("{pad} = field: {field}\n");
    }
    if let Some(help) = &diag.help {
        out += &format!("{pad} = help: {help}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_escape_quotes_backslashes_and_control_characters_only() {
        assert_eq!(quote("a\"b\\c\n\t\u{1} é ☸"), "\"a\\\"b\\\\c\\n\\t\\x01 é ☸\"");
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let text = format!("{}x{}", "[".repeat(5000), "]".repeat(5000));
        let diag = Diagnostic {
            severity: Severity::Error,
            span: Some(Span { line: 1, column: 5001, len: 1 }),
            field: None,
            message: "unexpected x".to_string(),
            help: None,
        };
        let rendered = render(&diag, "f.json", &text);
        let lines: Vec<&str> = rendered.lines().collect();
        assert!(lines.iter().all(|line| line.chars().count() < 120), "{rendered}");
        let snippet = lines[2].split_once(" | ").unwrap().1;
        let carets = lines[3].split_once(" | ").unwrap().1;
        let caret_at = carets.find('^').unwrap();
        assert_eq!(snippet.chars().nth(caret_at), Some('x'), "{rendered}");
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
    }

    fn diagnostic(span: Option<Span>, field: Option<&str>, help: Option<&str>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            span,
            field: field.map(str::to_string),
            message: "nodePort 40000 is outside the node port range 30000-32767".to_string(),
            help: help.map(str::to_string),
        }
    }

    #[test]
    fn renders_the_style_guide_example() {
        let mut text = "# padding\n".repeat(13);
        text += "    nodePort: 40000\n";
        let diag = diagnostic(
            Some(Span { line: 14, column: 15, len: 5 }),
            Some("spec.ports[0].nodePort"),
            Some("choose a port from 30000 to 32767, or leave nodePort out and the cluster picks one"),
        );
        assert_eq!(
            render(&diag, "kiada.yaml", &text),
            "kiada.yaml:14:15: error: nodePort 40000 is outside the node port range 30000-32767
   |
14 |     nodePort: 40000
   |               ^^^^^
   = field: spec.ports[0].nodePort
   = help: choose a port from 30000 to 32767, or leave nodePort out and the cluster picks one
"
        );
    }

    #[test]
    fn without_a_span_there_is_no_snippet() {
        let diag = diagnostic(None, None, Some("check the file"));
        assert_eq!(
            render(&diag, "kiada.yaml", "kind: Service\n"),
            "kiada.yaml: error: nodePort 40000 is outside the node port range 30000-32767\n = help: check the file\n"
        );
    }

    #[test]
    fn a_span_past_the_end_of_the_text_renders_the_headline_only() {
        let diag = diagnostic(Some(Span { line: 9, column: 1, len: 1 }), None, None);
        assert_eq!(
            render(&diag, "x.yaml", "a: 1\n"),
            "x.yaml:9:1: error: nodePort 40000 is outside the node port range 30000-32767\n"
        );
    }

    #[test]
    fn carets_follow_tabs_and_wide_characters() {
        let diag = Diagnostic {
            severity: Severity::Warning,
            span: Some(Span { line: 1, column: 8, len: 3 }),
            field: None,
            message: "odd".to_string(),
            help: None,
        };
        assert_eq!(
            render(&diag, "x.yaml", "\tname: é€x\n"),
            "x.yaml:1:8: warning: odd\n  |\n1 |     name: é€x\n  |           ^^^\n"
        );
    }

    #[test]
    fn render_all_matches_render_one_by_one() {
        let text = "a: 1\nb: 2\n";
        let diags = [
            diagnostic(Some(Span { line: 2, column: 4, len: 1 }), None, None),
            diagnostic(None, Some("spec"), None),
        ];
        let one_by_one: String = diags.iter().map(|d| render(d, "f.yaml", text)).collect();
        assert_eq!(render_all(&diags, "f.yaml", text), one_by_one);
        assert!(one_by_one.contains("2 | b: 2\n  |    ^\n"));
    }
}
