//! Tests for reading pasted text: document shapes, skipped kinds, errors with positions, and
//! field locations.

use super::*;
use crate::diagnostic::Severity;

/// What a user would see of a parse: one line per object read and per diagnostic.
fn summary(text: &str) -> String {
    summary_of(&parse(text))
}

fn summary_of(parsed: &Parsed) -> String {
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

/// The span of `path` in document `doc`, as `line:column+len`.
fn located(parsed: &Parsed, doc: usize, path: &str) -> String {
    match parsed.locate(doc, &FieldPath::parse(path)) {
        Some(span) => format!("{}:{}+{}", span.line, span.column, span.len),
        None => "-".to_string(),
    }
}

#[test]
fn reads_content_on_the_marker_line_and_skips_empty_documents() {
    let text = "--- {kind: Service, metadata: {name: a}}\n---\n--- # nothing here\n...\n---\nkind: Pod\nmetadata:\n  name: b\n";
    assert_eq!(summary(text), "Service a 1:5\nPod b 6:1\n");
}

#[test]
fn reads_a_kubectl_list_with_items_before_kind_and_skips_other_kinds() {
    let text = "apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: kiada
  spec:
    selector:
      app: kiada
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: kiada
  spec:
    selector:
      matchLabels:
        app: kiada
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    port: \"8080\"
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata:
    name: kiada-abcde
  addressType: IPv4
  endpoints: null
kind: List
metadata:
  resourceVersion: \"\"
";
    assert_eq!(
        summary(text),
        "Service kiada 3:3
EndpointSlice kiada-abcde 24:3
notice 10:3+10: skipped Deployment `kiada`: svcroute reads Node, Pod, Service and EndpointSlice
notice 18:3+10: skipped ConfigMap `settings`: svcroute reads Node, Pod, Service and EndpointSlice
"
    );
    let parsed = parse(text);
    let Some(raw::Object::Service(service)) = parsed.documents.first().map(|d| &d.object) else {
        panic!("expected the Service first")
    };
    assert_eq!(
        service.spec.selector.as_ref().and_then(|s| s.get("app")).map(String::as_str),
        Some("kiada")
    );
}

#[test]
fn reads_typed_lists_and_bare_sequences() {
    let text = "kind: NodeList\napiVersion: v1\nitems:\n  - kind: Node\n    metadata: {name: worker}\n---\n- kind: Pod\n  metadata: {name: p}\n";
    assert_eq!(summary(text), "Node worker 4:5\nPod p 7:3\n");
}

#[test]
fn reads_json_objects_lists_and_streams() {
    let single =
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"kiada\"}}";
    assert_eq!(summary(single), "Service kiada 1:1\n");
    let list = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"kind\": \"Pod\",\n            \"metadata\": {\"name\": \"a\"}\n        },\n        {\"kind\": \"Node\", \"metadata\": {\"name\": \"n\"}}\n    ],\n    \"kind\": \"List\"\n}\n";
    assert_eq!(summary(list), "Pod a 4:9\nNode n 8:9\n");
    let stream = "{\"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}}\n  {\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}{\"kind\": \"Node\"}\n";
    assert_eq!(summary(stream), "Service s 1:1\nPod p 2:3\nNode - 2:45\n");
}

#[test]
fn reads_flow_style_yaml_that_is_not_json() {
    let text =
        "{kind: Service, metadata: {name: flow}, spec: {ports: [{port: 80, targetPort: http}]}}\n";
    assert_eq!(summary(text), "Service flow 1:1\n");
    let parsed = parse(text);
    let Some(raw::Object::Service(service)) = parsed.documents.first().map(|d| &d.object) else {
        panic!("expected a Service")
    };
    let port = service.spec.ports.first();
    assert_eq!(
        port.and_then(|p| p.target_port.clone()),
        Some(raw::IntOrString::String("http".to_string()))
    );
}

#[test]
fn a_leading_directive_and_comments_are_not_documents() {
    let text = "%YAML 1.2\n# kiada\n---\n# the service\nkind: Service\nmetadata:\n  name: kiada # inline\n";
    assert_eq!(summary(text), "Service kiada 5:1\n");
}

#[test]
fn unknown_fields_are_ignored() {
    let text = "kind: Service\nmetadata:\n  name: a\n  managedFields:\n  - manager: kubectl\n    fieldsV1: {f:spec: {}}\n  annotations: {a: b}\nspec:\n  unknownField: [1, 2]\nstatus:\n  conditions: []\n";
    assert_eq!(summary(text), "Service a 1:1\n");
}

#[test]
fn a_document_without_kind_is_an_error_with_help() {
    let parsed = parse("apiVersion: v1\nmetadata:\n  name: nokind\n");
    assert!(parsed.documents.is_empty());
    let [diagnostic] = parsed.diagnostics.as_slice() else { panic!("expected one diagnostic") };
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(diagnostic.message, "this document has no `kind`");
    assert_eq!(diagnostic.span, Some(Span { line: 1, column: 1, len: 10 }));
    assert!(diagnostic.help.as_deref().is_some_and(|help| help.contains("kind: Service")));
}

#[test]
fn an_unclosed_bracket_at_the_end_points_at_the_bracket() {
    assert_eq!(
        summary("kind: Pod\n---\nkind: Service\nmetadata:\n  name: [broken\n"),
        "Pod - 1:1\nerror 5:9+1: did not find expected ',' or ']', while parsing a flow sequence\n"
    );
}

#[test]
fn an_unclosed_quote_points_at_the_quote_and_keeps_the_other_documents() {
    let text = "kind: Pod\nmetadata: {name: before}\n---\nkind: Service\nmetadata:\n  name: \"unclosed\n---\nkind: Pod\nmetadata: {name: after}\n";
    assert_eq!(
        summary(text),
        "Pod before 1:1\nPod after 8:1\nerror 6:9+9: found unexpected end of stream, while scanning a quoted scalar\n"
    );
}

#[test]
fn bad_indentation_and_tabs_give_their_line_and_column() {
    let indented = "kind: Service\nmetadata:\n  name: a\n   bad: 1\n";
    assert_eq!(summary(indented), "error 4:7+1: mapping values are not allowed in this context\n");
    let tab = "kind: Pod\n---\nkind: Service\nmetadata:\n\tname: a\n";
    assert_eq!(
        summary(tab),
        "Pod - 1:1\nerror 5:1+1: found character that cannot start any token, while scanning for the next token\n"
    );
    let parsed = parse(tab);
    assert!(parsed
        .diagnostics
        .iter()
        .all(|d| d.help.as_deref().is_some_and(|h| h.contains("tabs"))));
}

#[test]
fn a_wrong_typed_field_costs_only_its_document() {
    let text = "kind: Pod\nmetadata: {name: a}\n---\nkind: Service\nspec:\n  ports:\n  - port: abc\n---\nkind: Node\nmetadata: {name: n}\n";
    assert_eq!(
        summary(text),
        "Pod a 1:1\nNode n 9:1\nerror 7:11+3 [spec.ports[0].port]: invalid type: string \"abc\", expected an integer\n"
    );
}

#[test]
fn a_wrong_typed_field_written_before_kind_still_points_at_the_value() {
    let text = "metadata:\n  name: late\nspec:\n  ports:\n  - port: abc\nkind: Service\n";
    assert_eq!(
        summary(text),
        "error 5:11+3 [spec.ports[0].port]: invalid type: string \"abc\", expected an integer\n"
    );
    assert_eq!(summary("metadata:\n  name: late\nkind: Service\n"), "Service late 1:1\n");
}

#[test]
fn a_bad_list_item_costs_only_that_item() {
    let text = "apiVersion: v1
items:
- kind: Service
  metadata: {name: a}
- kind: Service
  spec:
    ports:
    - port: abc
- kind: Pod
  metadata: {name: p}
- kind: Service
  spec: {type: [1]}
kind: List
";
    assert_eq!(
        summary(text),
        "Service a 3:3
Pod p 9:3
error 8:13+3 [items[1].spec.ports[0].port]: invalid type: string \"abc\", expected an integer
error 12:16+1 [items[3].spec.type]: invalid type: sequence, expected a string
"
    );
}

#[test]
fn a_bad_json_value_costs_only_that_value() {
    let text = "{\"kind\": \"Service\", \"spec\": {\"ports\": [{\"port\": \"x\"}]}}\n{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}\n";
    assert_eq!(
        summary(text),
        "Pod p 2:1\nerror 1:49+3 [spec.ports[0].port]: invalid type: string \"x\", expected an integer\n"
    );
    let list = "{\"items\": [\n {\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}},\n {\"kind\": \"Pod\", \"spec\": {\"nodeName\": 7}},\n {\"kind\": \"Node\"}], \"kind\": \"List\"}";
    assert_eq!(
        summary(list),
        "Pod a 2:2\nNode - 4:2\nerror 3:39+1 [items[1].spec.nodeName]: invalid type: integer `7`, expected a string\n"
    );
}

#[test]
fn json_syntax_errors_have_a_position() {
    let text = "{\"kind\": \"Pod\"}\n{\"kind\": \"Service\",, }\n";
    assert_eq!(summary(text), "Pod - 1:1\nerror 2:20+1: key must be a string\n");
}

#[test]
fn locates_fields_in_block_yaml() {
    let text = "kind: Service
metadata:
  name: kiada
spec:
  ports:
  - port: 80
  - port: 81
    nodePort: 40000
    targetPort: \"http\"
  selector:
";
    let parsed = parse(text);
    assert_eq!(located(&parsed, 0, "spec.ports[1].nodePort"), "8:15+5");
    assert_eq!(located(&parsed, 0, "spec.ports[1].targetPort"), "9:17+6");
    assert_eq!(located(&parsed, 0, "metadata.name"), "3:9+5");
    // Absent fields point at the nearest ancestor that is there: the item, or the key.
    assert_eq!(located(&parsed, 0, "spec.ports[1].name"), "7:5+4");
    assert_eq!(located(&parsed, 0, "spec.ports[5].port"), "5:3+5");
    assert_eq!(located(&parsed, 0, "spec.type"), "4:1+4");
    // A collection or an empty value points at its key.
    assert_eq!(located(&parsed, 0, "spec.ports"), "5:3+5");
    assert_eq!(located(&parsed, 0, "spec.selector"), "10:3+8");
    assert_eq!(located(&parsed, 0, "spec.selector.app"), "10:3+8");
    assert_eq!(located(&parsed, 1, "spec"), "-");
}

#[test]
fn locates_fields_in_flow_yaml_and_json() {
    let flow =
        parse("--- {kind: Service, spec: {ports: [{port: 80}, {port: 81, nodePort: 40000}]}}\n");
    assert_eq!(located(&flow, 0, "spec.ports[1].nodePort"), "1:69+5");
    assert_eq!(located(&flow, 0, "spec.ports[1].name"), "1:48+1");
    assert_eq!(located(&flow, 0, "spec.type"), "1:21+4");
    let json = parse(
        "{\"kind\": \"Service\",\n \"spec\": {\"ports\": [{\"port\": 80}, {\"port\": 81, \"nodePort\": 40000}]}}\n  {\"kind\": \"Pod\", \"metadata\": {\"name\": \"é\"}, \"spec\": {\"nodeName\": \"n1\"}}",
    );
    assert_eq!(located(&json, 0, "spec.ports[1].nodePort"), "2:60+5");
    assert_eq!(located(&json, 0, "spec.ports[1].name"), "2:35+1");
    assert_eq!(located(&json, 1, "spec.nodeName"), "3:67+4");
    assert_eq!(located(&json, 1, "metadata.name"), "3:40+3");
}

#[test]
fn locates_fields_of_list_items() {
    let text = "apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  spec:
    type: NodePort
- kind: Pod
  spec:
    nodeName: n1
kind: List
";
    let parsed = parse(text);
    assert_eq!(located(&parsed, 0, "spec.type"), "6:11+8");
    assert_eq!(located(&parsed, 1, "spec.nodeName"), "9:15+2");
    assert_eq!(located(&parsed, 1, "spec.type"), "8:3+4");
    assert_eq!(located(&parsed, 0, "metadata.name"), "3:3+10");
    let json = parse("{\"items\": [{\"kind\": \"Pod\"},\n {\"kind\": \"Pod\", \"spec\": {\"nodeName\": \"n2\"}}], \"kind\": \"PodList\"}");
    assert_eq!(located(&json, 1, "spec.nodeName"), "2:39+4");
}

#[test]
fn list_items_in_an_unusual_layout_still_get_their_line() {
    let text = "kind: List\nitems: [{kind: Pod, metadata: {name: a}},\n  {kind: Pod, metadata: {name: b}}]\n";
    assert_eq!(summary(text), "Pod a 2:9\nPod b 3:3\n");
}

#[test]
fn deeply_nested_brackets_are_an_error_not_a_crash() {
    let yaml = "[".repeat(1 << 20);
    let parsed = parse(&yaml);
    assert!(parsed.documents.is_empty());
    assert!(parsed.diagnostics.iter().any(|d| d.severity == Severity::Error && d.span.is_some()));
    let json = format!("{{\"kind\": \"Pod\", \"spec\": {}", "[".repeat(1 << 20));
    let parsed = parse(&json);
    assert!(parsed.documents.is_empty());
    assert!(!parsed.diagnostics.is_empty());
}

#[test]
fn deeply_nested_maps_are_an_error_not_a_crash() {
    let depth = 100_000;
    let flow = format!(
        "kind: Pod\n---\nkind: Service\nspec: {}1{}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    assert_eq!(
        summary(&flow),
        "Pod - 1:1\nerror 4:4007+1: this document is nested more than 1000 levels deep\n"
    );
    let compact = format!("kind: Service\nspec:\n  ports:\n  {}1\n", "- ".repeat(depth));
    assert_eq!(
        summary(&compact),
        "error 4:1+1: this document is nested more than 1000 levels deep\n"
    );
    // Block maps nest by indentation, so 1 MB holds only about 1400 levels; inside a field
    // svcroute does not read they are skipped, and the locator walks them without recursing.
    let block: String = (1..1400).map(|level| format!("{}a:\n", " ".repeat(level))).collect();
    let parsed = parse(&format!("kind: Service\nspec:\n type: NodePort\n{block}"));
    assert_eq!(parsed.documents.len(), 1, "{:?}", parsed.diagnostics);
    assert_eq!(located(&parsed, 0, "spec.a.a.a"), "6:4+1");
    assert_eq!(located(&parsed, 0, "spec.type"), "3:8+8");
}

#[test]
fn typed_fields_nested_deeply_are_a_type_error() {
    let text = format!(
        "kind: Service\nspec:\n  ports:\n  - targetPort: {}1{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    // Nesting is harmless to the reader (it never recurses into what it does not read); the
    // value is simply of the wrong type.
    assert_eq!(
        summary(&text),
        "error 4:17+1 [spec.ports[0].targetPort]: invalid type: sequence, expected a port number or a port name\n"
    );
}

#[test]
fn moderate_nesting_in_an_ignored_field_is_skipped_and_still_locatable() {
    let depth = 200;
    let text = format!(
        "kind: Service\nmetadata:\n  annotations: {}{}\nspec:\n  type: NodePort\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let parsed = parse(&text);
    assert_eq!(parsed.documents.len(), 1, "{:?}", parsed.diagnostics);
    assert_eq!(located(&parsed, 0, "spec.type"), "5:9+8");
    assert_eq!(located(&parsed, 0, "metadata.annotations.x"), "3:3+11");
}

#[test]
fn never_panics_on_arbitrary_fragments() {
    let pieces = [
        "kind: Service\n",
        "---\n",
        "...\n",
        "- ",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        ": ",
        "\t",
        "%YAML 1.2\n",
        "items:\n",
        "kind: List\n",
        "  ",
        "\n",
        "é",
        "#",
        "&a ",
        "*a",
        "? ",
        "|\n",
        ",",
        "{\"kind\": \"Pod\"}",
    ];
    // Every pair and a sample of triples of pieces: a cheap fuzz that must never panic.
    for a in pieces {
        for b in pieces {
            for c in ["", "kind: Pod\n", "]", "\n  x: 1\n"] {
                let text = format!("{a}{b}{c}");
                let parsed = parse(&text);
                for doc in 0..parsed.documents.len() {
                    let _ = parsed.locate(doc, &FieldPath::parse("spec.ports[0].port"));
                }
            }
        }
    }
}

#[test]
fn windows_line_endings_a_byte_order_mark_and_empty_input() {
    let crlf = "\u{feff}kind: Pod\r\nmetadata:\r\n  name: a\r\n---\r\nkind: Service\r\nspec:\r\n  ports:\r\n  - port: x\r\n";
    assert_eq!(
        summary(crlf),
        "Pod a 1:1\nerror 8:11+1 [spec.ports[0].port]: invalid type: string \"x\", expected an integer\n"
    );
    assert_eq!(located(&parse(crlf), 0, "metadata.name"), "3:9+1");
    assert_eq!(summary(""), "");
    assert_eq!(summary("\n# nothing\n---\n"), "");
    assert_eq!(summary("[]"), "");
    assert_eq!(summary("\u{feff}{\"kind\": \"Node\"}"), "Node - 1:1\n");
}

#[test]
fn a_document_that_is_not_a_mapping_is_an_error() {
    assert_eq!(
        summary("just some text\n"),
        "error 1:1+14: invalid type: string \"just some text\", expected an API object (a mapping with `kind`)\n"
    );
}

#[test]
fn locates_fields_in_a_bare_sequence() {
    let parsed =
        parse("- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  spec:\n    nodeName: n1\n");
    assert_eq!(located(&parsed, 1, "spec.nodeName"), "5:15+2");
    assert_eq!(located(&parsed, 0, "metadata.name"), "2:20+1");
}

#[test]
fn a_skipped_kind_may_come_after_fields_of_another_shape() {
    let text = "spec:\n  selector:\n    matchLabels: {app: kiada}\nkind: Deployment\nmetadata: {name: kiada}\n---\napiVersion: v1\nkind: Endpoints\nsubsets: []\n";
    assert_eq!(
        summary(text),
        "notice 1:1+4: skipped Deployment `kiada`: svcroute reads Node, Pod, Service and EndpointSlice
notice 7:1+10: skipped Endpoints: svcroute reads Node, Pod, Service and EndpointSlice
"
    );
}

#[test]
fn merge_keys_are_applied_as_kubectl_does() {
    let text = "apiVersion: v1
kind: Service
metadata:
  name: kiada
spec:
  ports:
  - &http {name: http, port: 80, targetPort: 8080}
  - <<: *http
    name: alt
    port: 8081
";
    let parsed = parse(text);
    assert_eq!(summary(text), "Service kiada 1:1\n");
    let Some(raw::Object::Service(service)) = parsed.documents.first().map(|d| &d.object) else {
        panic!("expected a Service")
    };
    let ports: Vec<_> = service
        .spec
        .ports
        .iter()
        .map(|p| (p.name.clone().unwrap_or_default(), p.port, p.target_port.clone()))
        .collect();
    assert_eq!(
        ports,
        [
            ("http".to_string(), Some(80), Some(raw::IntOrString::Int(8080))),
            ("alt".to_string(), Some(8081), Some(raw::IntOrString::Int(8080))),
        ]
    );
    assert_eq!(located(&parsed, 0, "spec.ports[1].port"), "10:11+4");
}

#[test]
fn every_bad_list_item_gets_its_own_position() {
    let yaml = "kind: List
items:
- kind: Service
  spec:
    ports:
    - port: abc
- kind: Pod
  metadata: {name: ok}
- kind: Pod
  spec:
    nodeName: [n1]
";
    assert_eq!(
        summary(yaml),
        "Pod ok 7:3
error 6:13+3 [items[0].spec.ports[0].port]: invalid type: string \"abc\", expected an integer
error 11:15+1 [items[2].spec.nodeName]: invalid type: sequence, expected a string
"
    );
    let json = "{\"kind\": \"List\", \"items\": [\n {\"kind\": \"Pod\", \"spec\": {\"nodeName\": 1}},\n {\"kind\": \"Pod\"},\n {\"kind\": \"Node\", \"spec\": {\"podCIDR\": true}}]}\n";
    assert_eq!(
        summary(json),
        "Pod - 3:2
error 2:39+1 [items[0].spec.nodeName]: invalid type: integer `1`, expected a string
error 4:39+4 [items[2].spec.podCIDR]: invalid type: boolean `true`, expected a string
"
    );
}

#[test]
fn json_followed_by_yaml_documents_is_read_as_yaml() {
    let text = "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n---\nkind: Node\nmetadata:\n  name: n\n";
    assert_eq!(summary(text), "Pod a 1:1\nNode n 3:1\n");
}

/// JSON text is read by the JSON reader; read as the YAML it also is, it gives the same
/// objects, positions and errors: two parsers, one answer.
#[test]
fn json_and_yaml_readers_agree_on_json_text() {
    let texts = [
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"kiada\"}}",
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"kind\": \"Pod\",\n            \"metadata\": {\"name\": \"a\"}\n        },\n        {\"kind\": \"Node\", \"metadata\": {\"name\": \"n\"}}\n    ],\n    \"kind\": \"List\"\n}\n",
        "[{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\\\"]}\"}}]",
        "{\"kind\": \"Service\", \"spec\": {\"ports\": [{\"port\": \"x\"}]}}",
        "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"\\u00e9\\n\\u2638\"}, \"spec\": {\"hostNetwork\": true}}",
        include_str!("../../tests/data/ok/05_json_list.json"),
        include_str!("../../tests/data/oracle/every-field-list.json"),
    ];
    for text in texts {
        let as_json = parse(text);
        let as_yaml = parse_yaml(text, Arc::from(text));
        assert_eq!(summary_of(&as_json), summary_of(&as_yaml), "{text}");
        assert_eq!(
            format!("{:?}", as_json.documents),
            format!("{:?}", as_yaml.documents),
            "{text}"
        );
    }
}

#[test]
fn a_yaml_bomb_is_refused_not_expanded() {
    let mut text = String::from("a0: &a0 {name: http, port: 80}\n");
    for level in 1..30 {
        let previous = level - 1;
        text += &format!("a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}]\n");
    }
    text += "kind: Service\nspec:\n  ports:\n  - <<: [*a0]\n    name: x\n";
    // Aliases svcroute does not read cost nothing.
    assert_eq!(summary(&text), "Service - 1:1\n");
    let mut bomb = String::from("kind: Service\nx0: &x0 {port: 80}\n");
    for level in 1..40 {
        let previous = level - 1;
        bomb += &format!("x{level}: &x{level} {{<<: [*x{previous}, *x{previous}], y{level}: 1}}\n");
    }
    bomb += "spec:\n  ports:\n  - *x39\n";
    let parsed = parse(&bomb);
    assert!(parsed.documents.is_empty());
    let [diagnostic] = parsed.diagnostics.as_slice() else { panic!("{:?}", parsed.diagnostics) };
    assert!(
        diagnostic.message.contains("repetition limit")
            || diagnostic.message.contains("merge keys"),
        "{}",
        diagnostic.message
    );
    assert!(diagnostic.help.as_deref().is_some_and(|help| help.contains("aliases")));
}

#[test]
fn an_alias_before_its_anchor_is_an_error_at_the_alias() {
    assert_eq!(
        summary("kind: Service\nspec:\n  ports: *p\n"),
        "error 3:10+2: unknown anchor `p`: an alias (`*p`) must come after its anchor (`&p`)\n"
    );
}

#[test]
fn yaml_types_follow_the_core_schema() {
    let text = "kind: Service\nmetadata:\n  name: 007\n  labels: {version: 1.0, on: yes}\nspec:\n  ports:\n  - {port: 0x50, targetPort: \"8080\", nodePort: +30080}\n  - {port: 81, targetPort: ~}\n  allocateLoadBalancerNodePorts: False\n";
    let parsed = parse(text);
    let Some(raw::Object::Service(service)) = parsed.documents.first().map(|d| &d.object) else {
        panic!("{:?}", parsed.diagnostics)
    };
    assert_eq!(service.metadata.name.as_deref(), Some("007"));
    assert_eq!(service.metadata.labels.get("version").map(String::as_str), Some("1.0"));
    assert_eq!(service.metadata.labels.get("on").map(String::as_str), Some("yes"));
    let ports: Vec<_> =
        service.spec.ports.iter().map(|p| (p.port, p.target_port.clone(), p.node_port)).collect();
    assert_eq!(
        ports,
        [
            (Some(80), Some(raw::IntOrString::String("8080".to_string())), Some(30080)),
            (Some(81), None, None)
        ]
    );
    assert_eq!(service.spec.allocate_load_balancer_node_ports, Some(false));
    for (value, found) in [
        ("1.5", "floating point `1.5`"),
        ("true", "boolean `true`"),
        ("\"80\"", "string \"80\""),
        ("{}", "mapping"),
        ("99999999999999999999", "integer `99999999999999999999`"),
    ] {
        let summary = summary(&format!("kind: Service\nspec:\n  ports:\n  - port: {value}\n"));
        assert!(
            summary.contains(&format!(
                "[spec.ports[0].port]: invalid type: {found}, expected an integer"
            )),
            "{summary}"
        );
    }
}

/// Columns and lengths count characters, not bytes, after non-ASCII text on the same line.
#[test]
fn locates_fields_after_non_ascii_text_in_characters() {
    let text = "kind: Service\nmetadata:\n  name: \"ünïcödé\"\nspec:\n  ports: [{name: \"ü\", nodePort: 40000}]\n";
    let parsed = parse(text);
    assert_eq!(located(&parsed, 0, "metadata.name"), "3:9+9");
    assert_eq!(located(&parsed, 0, "spec.ports[0].name"), "5:18+3");
    assert_eq!(located(&parsed, 0, "spec.ports[0].nodePort"), "5:33+5");
}

#[test]
fn json_escapes_are_decoded_and_columns_count_characters() {
    let text = "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\\\"b\\u00e9\\ud83d\\ude80\"}}\n{\"metadata\": {\"name\": \"ünï\"}, \"kind\": \"Pod\", \"spec\": {\"nodeName\": 7}}\n";
    let parsed = parse(text);
    let Some(raw::Object::Pod(pod)) = parsed.documents.first().map(|d| &d.object) else {
        panic!("{:?}", parsed.diagnostics)
    };
    assert_eq!(pod.metadata.name.as_deref(), Some("a\"bé🚀"));
    assert_eq!(
        summary_of(&parsed),
        "Pod a\"bé🚀 1:1\nerror 2:67+1 [spec.nodeName]: invalid type: integer `7`, expected a string\n"
    );
}

#[test]
fn a_control_character_is_an_error_at_its_own_line_and_column() {
    let text = "kind: Pod\nmetadata: {name: p}\n---\nkind: Service\nmetadata:\n  name: a\u{7}b\n";
    let summary = summary(text);
    assert!(
        summary.contains("error 6:10+") && summary.contains("control characters are not allowed"),
        "{summary}"
    );
    assert!(summary.starts_with("Pod p 1:1\n"), "{summary}");
}
