//! Reads a buffered `serde_yaml::Value` into raw types: fields written before `kind`,
//! documents with merge keys, and List items read again after an error.
//!
//! Natively the `Value` is read directly. The page writes it back as one line of flow-style
//! YAML and reads that with the streaming deserializer the text went through: a second
//! deserializer for every raw type would cost the wasm tens of kilobytes. The one difference
//! is YAML's own: a number or boolean where the API wants a string is taken as text there, as
//! a plain scalar in the pasted text always is.

use super::split;
use serde::de::{DeserializeOwned, DeserializeSeed};
use serde_yaml::Value;
use std::fmt::Write;

/// Reads `T` from `value` as if it had been written in the text.
pub(crate) fn read<T: DeserializeOwned>(value: Value) -> Result<T, serde_yaml::Error> {
    if cfg!(target_arch = "wasm32") {
        T::deserialize(serde_yaml::Deserializer::from_str(&to_text(&value)))
    } else {
        T::deserialize(value)
    }
}

/// Reads `value` with `seed` as if it had been written in the text.
pub(crate) fn read_seed<T, S>(value: Value, seed: S) -> Result<T, serde_yaml::Error>
where
    S: for<'de> DeserializeSeed<'de, Value = T>,
{
    if cfg!(target_arch = "wasm32") {
        seed.deserialize(serde_yaml::Deserializer::from_str(&to_text(&value)))
    } else {
        seed.deserialize(value)
    }
}

/// The error's text without its position in the written-back text, with its field path
/// (if any) put under `parent` (`spec` and `ports[0].port` give `spec.ports[0].port`).
pub(crate) fn error_under(parent: &str, error: &serde_yaml::Error) -> String {
    let text = split::strip_positions(&error.to_string());
    match text.split_once(": ") {
        Some((path, rest)) if split::is_field_path(path) => {
            let dot = if path.starts_with('[') || parent.is_empty() { "" } else { "." };
            format!("{parent}{dot}{path}: {rest}")
        }
        _ if parent.is_empty() => text,
        _ => format!("{parent}: {text}"),
    }
}

/// `value` as one line of flow-style YAML that reads back as the same `Value`.
pub(crate) fn to_text(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(s, out),
        Value::Sequence(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Mapping(mapping) => {
            out.push('{');
            for (idx, (key, item)) in mapping.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                // A collection as a key needs the explicit `? ` form in flow style.
                if matches!(key, Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_)) {
                    out.push_str("? ");
                }
                write_value(key, out);
                out.push_str(": ");
                write_value(item, out);
            }
            out.push('}');
        }
        Value::Tagged(tagged) => {
            let _ = write!(out, "{} ", tagged.tag);
            write_value(&tagged.value, out);
        }
    }
}

/// A double-quoted scalar: anything a YAML reader could fold, or would reject as
/// non-printable, is escaped.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            // Not U+2028 and U+2029, which a YAML reader takes as line breaks.
            '\u{a0}'..='\u{2027}'
            | '\u{202a}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fefe}'
            | '\u{ff00}'..='\u{fffd}' => {
                out.push(c);
            }
            c if u32::from(c) > 0xffff => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out.push('"');
}
