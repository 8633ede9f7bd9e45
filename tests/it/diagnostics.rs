//! Annotated fixtures: each file in tests/data/{ok,err} carries its expected errors and
//! warnings as comment lines under the offending line, with carets under the span:
//!
//! ```yaml
//!     nodePort: 40000
//! #             ^^^^^ error: spec.ports[0].nodePort: Invalid value: 40000: provided port is …
//! ```
//!
//! The test strips the annotation lines, runs `input::parse` and `model::build`, writes the
//! annotations back from the diagnostics and compares the whole text, so line, column,
//! length and message are checked together. A span in column 1 is drawn right after the
//! `#` (as if it were column 2). A diagnostic without a span goes at the end as `#! …`.
//! Notices (what svcroute filled in) are not annotated; the model's unit tests cover them.
//! `UPDATE_GOLDEN=1` rewrites the fixtures; review the diff as you would review code.
//! Files in `err/` must hold at least one error, files in `ok/` none.

use std::path::{Path, PathBuf};
use svcroute::diagnostic::{Diagnostic, Severity};
use svcroute::model::{self, BuildOptions};

fn data_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(kind)
}

/// An annotation line: `#`, spaces, carets, then `error:` or `warning:`; or `#! …`.
fn is_annotation(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else { return false };
    if rest.starts_with("! error: ") || rest.starts_with("! warning: ") {
        return true;
    }
    let rest = rest.trim_start_matches(' ');
    let after_carets = rest.trim_start_matches('^');
    after_carets.len() < rest.len()
        && (after_carets.starts_with(" error: ") || after_carets.starts_with(" warning: "))
}

fn strip(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| !is_annotation(line.trim_end_matches(['\n', '\r'])))
        .collect()
}

fn annotation(diagnostic: &Diagnostic, column: u32, len: u32) -> String {
    let indent = " ".repeat(column.saturating_sub(2) as usize);
    format!(
        "#{indent}{} {}: {}",
        "^".repeat(len.max(1) as usize),
        diagnostic.severity,
        diagnostic.message
    )
}

/// The clean text with an annotation line under each line that has a diagnostic.
fn annotate(clean: &str, diagnostics: &[Diagnostic]) -> String {
    let shown: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .collect();
    let mut out = String::new();
    for (idx, line) in clean.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push('\n');
        }
        let line_number = idx as u32 + 1;
        for diagnostic in &shown {
            if let Some(span) = diagnostic.span.filter(|span| span.line == line_number) {
                out.push_str(&annotation(diagnostic, span.column, span.len));
                out.push('\n');
            }
        }
    }
    for diagnostic in shown.iter().filter(|d| d.span.is_none()) {
        out.push_str(&format!("#! {}: {}\n", diagnostic.severity, diagnostic.message));
    }
    out
}

/// Checks every fixture of `kind`; returns the problems found.
fn check_fixtures(kind: &str, options: &BuildOptions) -> Vec<String> {
    let dir = data_dir(kind);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) => return vec![format!("{}: {error}", dir.display())],
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return vec![format!("no fixtures in {}", dir.display())];
    }
    let mut problems = Vec::new();
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                problems.push(format!("{}: {error}", path.display()));
                continue;
            }
        };
        let clean = strip(&text);
        let parsed = svcroute::input::parse(&clean);
        let (_, diagnostics) = model::build(&parsed, options);
        let n_errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if kind == "err" && n_errors == 0 {
            problems.push(format!("{}: an err fixture must produce an error", path.display()));
        }
        if kind == "ok" && n_errors > 0 {
            problems.push(format!("{}: an ok fixture must produce no error", path.display()));
        }
        let actual = annotate(&clean, &diagnostics);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            if let Err(error) = std::fs::write(&path, &actual) {
                problems.push(format!("{}: {error}", path.display()));
            }
        } else if actual != text {
            problems.push(format!(
                "{}: annotations differ (UPDATE_GOLDEN=1 rewrites them; review the diff)\n--- expected\n{text}\n--- actual\n{actual}",
                path.display()
            ));
        }
    }
    problems
}

#[test]
fn err_fixtures_report_exactly_the_annotated_errors() {
    let problems = check_fixtures("err", &BuildOptions::default());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn ok_fixtures_build_without_errors() {
    let problems = check_fixtures("ok", &BuildOptions::default());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn annotations_round_trip_through_strip() {
    let clean = "spec:\n  ports:\n  - nodePort: 40000\n";
    let diagnostic = Diagnostic {
        severity: Severity::Error,
        span: Some(svcroute::input::span::Span { line: 3, column: 15, len: 5 }),
        field: Some("spec.ports[0].nodePort".into()),
        message:
            "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range"
                .into(),
        help: None,
    };
    let annotated = annotate(clean, std::slice::from_ref(&diagnostic));
    assert_eq!(
        annotated,
        "spec:\n  ports:\n  - nodePort: 40000\n#             ^^^^^ error: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range\n"
    );
    assert_eq!(strip(&annotated), clean);
}

/// No input makes the core panic: every fixture with any one line removed, or cut short at
/// any line, still builds (into errors, warnings or a smaller cluster).
#[test]
fn fixtures_with_a_line_missing_or_cut_short_still_build() {
    let mut n_builds = 0;
    for kind in ["ok", "err"] {
        let Ok(entries) = std::fs::read_dir(data_dir(kind)) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let clean = strip(&text);
            let lines: Vec<&str> = clean.lines().map(str::trim_end).collect();
            for skip in 0..lines.len() {
                let without: Vec<&str> = lines
                    .iter()
                    .enumerate()
                    .filter(|(idx, _)| *idx != skip)
                    .map(|(_, line)| *line)
                    .collect();
                let cut = lines.get(..skip).unwrap_or_default();
                for variant in [without.join("\n"), cut.join("\n")] {
                    let _ =
                        model::build(&svcroute::input::parse(&variant), &BuildOptions::default());
                    n_builds += 1;
                }
            }
        }
    }
    assert!(n_builds > 500, "only {n_builds} variants built");
}
