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
