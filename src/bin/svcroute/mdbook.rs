//! `svcroute mdbook`: an mdBook preprocessor. mdBook sends `[context, book]` as JSON on
//! stdin; every ```svcroute block in a chapter becomes the SVG that `svcroute render` (and
//! the page's "Download SVG") makes of it, and the book goes back as JSON on stdout.

use crate::cli::{print_out, Outcome};
use anyhow::Context as _;
use serde_json::Value;
use std::io::Read as _;
use svcroute::scenario::{self, Scenario};
use svcroute::{export, svg::Theme};

/// Runs the preprocessor, or answers `supports RENDERER` (only HTML shows inline SVG).
pub fn main(supports: Option<&str>) -> anyhow::Result<Outcome> {
    if let Some(renderer) = supports {
        return Ok(if renderer == "html" { Outcome::Ok } else { Outcome::Failed });
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("cannot read mdBook's JSON on stdin")?;
    let input: Value = serde_json::from_str(&text).context("mdBook's input is not JSON")?;
    let Some(mut book) = input.get(1).cloned() else {
        anyhow::bail!("mdBook's input is not a [context, book] pair");
    };
    let mut failures = Vec::new();
    preprocess(&mut book, &mut failures);
    if !failures.is_empty() {
        for failure in &failures {
            eprintln!("svcroute: error: {failure}");
        }
        return Ok(Outcome::Failed);
    }
    print_out(&serde_json::to_string(&book).context("cannot write the book as JSON")?);
    Ok(Outcome::Ok)
}

/// Rewrites the content of every chapter, wherever it sits (mdBook 0.4 keeps chapters in
/// `sections`, 0.5 in `items`; both nest them in `sub_items`).
fn preprocess(value: &mut Value, failures: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                let name = chapter.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                if let Some(Value::String(content)) = chapter.get_mut("content") {
                    match replace_blocks(content) {
                        Ok(replaced) => *content = replaced,
                        Err(error) => failures.push(format!("chapter `{name}`: {error}")),
                    }
                }
            }
            map.values_mut().for_each(|value| preprocess(value, failures));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| preprocess(value, failures)),
        _ => {}
    }
}

/// Replaces each ```svcroute fenced block of `markdown` by its SVG.
pub fn replace_blocks(markdown: &str) -> Result<String, String> {
    let mut out = String::with_capacity(markdown.len());
    let mut lines = markdown.split_inclusive('\n');
    let mut n_block = 0;
    while let Some(line) = lines.next() {
        if line.trim_end() != "```svcroute" {
            out.push_str(line);
            continue;
        }
        n_block += 1;
        let mut body = String::new();
        let mut is_closed = false;
        for line in lines.by_ref() {
            if line.trim_end() == "```" {
                is_closed = true;
                break;
            }
            body.push_str(line);
        }
        if !is_closed {
            return Err(format!("svcroute block {n_block} has no closing ```"));
        }
        let svg =
            render_block(&body).map_err(|error| format!("svcroute block {n_block}: {error}"))?;
        // CommonMark passes a `<div>` through untouched up to the next blank line (an HTML
        // block of type 6), so the SVG goes inside one and loses its blank lines.
        out.push_str("<div class=\"svcroute-figure\">\n");
        for svg_line in svg.lines().filter(|svg_line| !svg_line.trim().is_empty()) {
            out.push_str(svg_line);
            out.push('\n');
        }
        out.push_str("</div>\n");
    }
    Ok(out)
}

/// The SVG of one block: manifests, optionally after a `# query: FLAGS` line (the flags of
/// `svcroute render`, as the presets write them).
pub fn render_block(body: &str) -> Result<String, String> {
    let mut scenario = Scenario { manifests: body.to_string(), ..Scenario::default() };
    let first = body.lines().next().unwrap_or("");
    if let Some(flags) = first.trim().strip_prefix("# query:") {
        scenario.apply_flags(flags)?;
    }
    let evaluation = scenario::evaluate(&scenario);
    if let Some(error) =
        evaluation.diagnostics.iter().find(|d| d.severity == svcroute::diagnostic::Severity::Error)
    {
        let place = error.span.map(|span| format!("line {}: ", span.line)).unwrap_or_default();
        return Err(format!("{place}{}", error.message));
    }
    if let Err(error) = &evaluation.view {
        return Err(error.clone());
    }
    export::render(&evaluation, Theme::Auto).ok_or_else(|| "no picture".to_string())
}
