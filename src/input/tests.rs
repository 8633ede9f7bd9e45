//! Tests for reading pasted text: document shapes, skipped kinds, errors with positions, and
//! field locations.

use super::*;

/// What a user would see of a parse: one line per object read and per diagnostic.
fn summary(text: &str) -> String {
    let parsed = parse(text);
    let mut out = String::new();
    for document in &parsed.documents {
        let (kind, name) = match &document.object {
            raw::Object::Service(o) => ("Service", &o.metadata.name),
            raw::Object::Pod(o) => ("Pod", &o.metadata.name),
            raw::Object::Node(o) => ("Node", &o.metadata.name),
            raw::Object::EndpointSlice(o) => ("EndpointSlice", &o.metadata.name),
        };
        let span = document.span;
        out +=
            &format!("{kind} {} {}:{}\n", name.as_deref().unwrap_or("-"), span.line, span.column);
    }
    for diagnostic in &parsed.diagnostics {
        let at = diagnostic
            .span
            .map_or("-".to_string(), |s| format!("{}:{}+{}", s.line, s.column, s.len));
        let field = diagnostic.field.as_deref().map_or(String::new(), |f| format!(" [{f}]"));
        out += &format!("{} {at}{field}: {}\n", diagnostic.severity, diagnostic.message);
    }
    out
}

#[test]
fn reads_documents_separated_by_markers() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# only a comment\n---\nkind: Pod\nmetadata: {name: b}\n...\n%YAML 1.2\n---\nkind: Node\nmetadata:\n  name: n\n";
    assert_eq!(summary(text), "Service a 1:1\nPod b 8:1\nNode n 13:1\n");
}
