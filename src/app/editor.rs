//! The "Manifests" editor: a labelled textarea with line numbers, the list of errors and
//! warnings (clicking one puts the cursor there), and the presets menu.

use crate::diagnostic::Severity;
use crate::presets::PRESETS;
use crate::scenario::Evaluation;
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The character offset of 1-based `line`:`column` in `text`, for the textarea cursor.
fn offset_of(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0u32;
    for (idx, content) in text.split('\n').enumerate() {
        if idx + 1 == line as usize {
            return offset + column.saturating_sub(1).min(content.chars().count() as u32);
        }
        offset += content.chars().count() as u32 + 1;
    }
    offset
}

/// The textarea inside the editor that holds `element` (a problem's button, say).
fn textarea_near(element: Option<web_sys::Element>) -> Option<HtmlTextAreaElement> {
    let editor = element?.closest(".editor").ok().flatten()?;
    editor.query_selector("textarea").ok().flatten()?.dyn_into().ok()
}

/// One error or warning: a button that puts the cursor at its place in the textarea.
fn problem(text: &AttrValue, diag: &crate::diagnostic::Diagnostic) -> Html {
    let text = text.clone();
    let span = diag.span;
    let onclick = Callback::from(move |event: MouseEvent| {
        let target = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if let (Some(area), Some(span)) = (textarea_near(target), span) {
            let at = offset_of(&text, span.line, span.column);
            let _ = area.focus();
            let _ = area.set_selection_range(at, at + span.len.max(1));
        }
    });
    let place = diag.span.map(|s| format!("{}:{}", s.line, s.column)).unwrap_or_default();
    let class = format!("problem {}", diag.severity);
    html! {
        <li class={class}>
            <button type="button" class="goto" {onclick}>
                <span class="where">{ place }</span>
                <span class="severity">{ diag.severity.to_string() }{ ": " }</span>
                <span class="message">{ &diag.message }</span>
            </button>
            if let Some(help) = &diag.help { <div class="help">{ "help: " }{ help }</div> }
        </li>
    }
}

/// The editor for `text`, listing `evaluation`'s diagnostics. A plain function rather than a
/// component: App makes `onedit` anew on every render, so a component would redraw every
/// time anyway, and each component type costs the page its own copy of yew's lifecycle code.
/// It finds its textarea and gutter from the event's target, so it needs no hooks.
pub fn editor(
    text: &AttrValue,
    evaluation: &Evaluation,
    onedit: Callback<String>,
    onpreset: Callback<usize>,
) -> Html {
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(area) = event.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
            onedit.emit(area.value());
        }
    });
    // The gutter is the textarea's previous sibling: it scrolls with it.
    let onscroll = Callback::from(move |event: Event| {
        if let Some(area) = event.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
            if let Some(gutter) = area.previous_element_sibling() {
                gutter.set_scroll_top(area.scroll_top());
            }
        }
    });
    let onpreset = Callback::from(move |event: Event| {
        if let Some(select) = event.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
            if let Ok(idx) = select.value().parse::<usize>() {
                onpreset.emit(idx);
            }
            select.set_value("");
        }
    });
    // One pass over the diagnostics: the lines with errors, the problems, the notices.
    let mut marked = Vec::new();
    let mut problems: Vec<Html> = Vec::new();
    let mut notices: Vec<Html> = Vec::new();
    for diag in &evaluation.diagnostics {
        if diag.severity == Severity::Notice {
            notices.push(html! {
                <li>{ diag.span.map(|s| format!("{}:{} ", s.line, s.column)).unwrap_or_default() }{ &diag.message }</li>
            });
            continue;
        }
        if let (Severity::Error, Some(span)) = (diag.severity, diag.span) {
            marked.push(span.line);
        }
        problems.push(problem(text, diag));
    }
    let marked = crate::sort::sorted_unique(marked);
    let n_lines = text.split('\n').count().max(1);
    let gutter_lines = (1..=n_lines as u32).map(|line| {
        let class = if marked.binary_search(&line).is_ok() { "line marked" } else { "line" };
        html! { <div class={class}>{ line }</div> }
    });
    html! {
        <section class="editor" aria-label="Manifests editor">
            <div class="editor-bar">
                <label for="manifests">{ "Manifests" }</label>
                <label class="presets">
                    <span>{ "Presets" }</span>
                    <select onchange={onpreset} aria-label="Presets">
                        <option value="" selected=true>{ "Load a scenario from the book…" }</option>
                        { for PRESETS.iter().enumerate().map(|(idx, preset)| html! {
                            <option value={idx.to_string()}>{ preset.title() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="code">
                <div class="gutter" aria-hidden="true">{ for gutter_lines }</div>
                <textarea id="manifests" spellcheck="false" autocomplete="off"
                    value={text.clone()} {oninput} {onscroll}
                    aria-describedby="problems" />
            </div>
            <ul id="problems" class="problems" aria-live="polite" aria-label="Errors and warnings">
                { for problems }
            </ul>
            if !notices.is_empty() {
                <details class="notices">
                    <summary>{ format!("{} notices: what svcroute filled in or skipped", notices.len()) }</summary>
                    <ul>{ for notices }</ul>
                </details>
            }
        </section>
    }
}
