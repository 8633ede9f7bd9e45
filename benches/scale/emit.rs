//! Writes JSON values as YAML the way `kubectl get -o yaml` prints them (keys sorted, block
//! style, sequences at their key's indentation, `|` blocks for multi-line strings) and as
//! `kubectl get -o json` prints them (four-space indentation).

use serde_json::{Map, Value};

/// The start of a `kind: List` document, before its items.
pub const YAML_LIST_HEAD: &str = "apiVersion: v1\nitems:\n";
/// The end of a `kind: List` document, after its items.
pub const YAML_LIST_TAIL: &str = "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
pub const JSON_LIST_HEAD: &str = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n";
pub const JSON_LIST_TAIL: &str =
    "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n";

/// Appends `item` as one entry (`- …`) of the List's `items`.
pub fn yaml_list_item(out: &mut String, item: &Value) {
    emit_sequence(out, std::slice::from_ref(item), 0);
}

/// Appends `item` as one entry of the List's `items`, comma-separated from the previous one.
pub fn json_list_item(out: &mut String, item: &Value, is_first: bool) {
    if !is_first {
        out.push_str(",\n");
    }
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    if serde::Serialize::serialize(item, &mut serializer).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(&bytes);
    for (line_idx, line) in text.lines().enumerate() {
        if line_idx > 0 {
            out.push('\n');
        }
        out.push_str("        ");
        out.push_str(line);
    }
}

fn indent(out: &mut String, width: usize) {
    for _ in 0..width {
        out.push(' ');
    }
}

fn emit_mapping(out: &mut String, map: &Map<String, Value>, width: usize, is_inline: bool) {
    let mut is_first = is_inline;
    for (key, value) in map {
        if !is_first {
            indent(out, width);
        }
        is_first = false;
        emit_string(out, key, width);
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_mapping(out, inner, width + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_sequence(out, items, width);
            }
            _ => {
                out.push(' ');
                emit_scalar(out, value, width);
                out.push('\n');
            }
        }
    }
}

fn emit_sequence(out: &mut String, items: &[Value], width: usize) {
    for item in items {
        indent(out, width);
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => emit_mapping(out, inner, width + 2, true),
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_sequence(out, inner, width + 2);
            }
            _ => {
                emit_scalar(out, item, width);
                out.push('\n');
            }
        }
    }
}

fn emit_scalar(out: &mut String, value: &Value, width: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => emit_string(out, text, width),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Plain when YAML would read it back as the same string, a `|` block when it has line
/// breaks (as kubectl prints last-applied-configuration), double-quoted otherwise.
fn emit_string(out: &mut String, text: &str, width: usize) {
    if text.contains('\n') && !text.starts_with(' ') && !text.contains("\n\n") {
        let body = text.strip_suffix('\n');
        out.push_str(if body.is_some() { "|" } else { "|-" });
        for line in body.unwrap_or(text).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                indent(out, width + 2);
                out.push_str(line);
            }
        }
    } else if is_plain_safe(text) {
        out.push_str(text);
    } else {
        out.push_str(&serde_json::Value::String(text.to_string()).to_string());
    }
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if " ?:,[]{}#&*!|>'\"%@`.".contains(first) || text.starts_with("- ") || text == "-" {
        return false;
    }
    if text.ends_with(' ') || text.ends_with(':') || text.contains(": ") || text.contains(" #") {
        return false;
    }
    if text.chars().any(|c| c.is_control()) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let is_special = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let is_number = text.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with("0b")
        || text.chars().all(|c| c.is_ascii_digit() || c == '_' || c == '+' || c == '-');
    // kubectl (go-yaml, YAML 1.1) quotes what looks like a timestamp.
    let is_timestamp = text.len() >= 10
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    !(is_special || is_number || is_timestamp)
}
