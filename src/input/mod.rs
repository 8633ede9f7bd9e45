//! The only code that knows YAML or JSON: pasted text in, raw API objects out.
//!
//! [`parse`] never fails. It splits the text into documents (`---`, `...`, `kind: List`,
//! JSON), loads each into events ([`events`]: YAML through [`yaml`], libyaml's parser in plain
//! Rust, JSON through [`json_text`]), reads Node, Pod, Service and EndpointSlice from them
//! into [`raw`] structs ([`read`]), skips other kinds with a notice, and reports syntax and
//! type errors with line, column and field path. The CLI and the page read with the same code.
//! Field positions are found on demand by [`Parsed::locate`], so the fast path (a large,
//! valid `kubectl get -o yaml` dump) never pays for them.

mod events;
mod json_text;
mod locate;
pub mod raw;
mod read;
pub mod span;
mod split;
mod yaml;

use crate::diagnostic::{Diagnostic, Severity};
use events::{Doc, LoadError};
use locate::Chunk;
use read::{ErrorKind, Read};
use span::{FieldPath, PathSegment, Span};
use std::sync::Arc;

/// One API object read from the text.
#[derive(Debug, Clone)]
pub struct Document {
    pub object: raw::Object,
    /// Where the object starts (its first line), for diagnostics about the whole object.
    pub span: Span,
    /// Which chunk of the text holds the object.
    chunk: usize,
    /// The object's path inside its chunk: empty, or `items[3]` inside a List.
    prefix: Vec<PathSegment>,
}

/// The result of [`parse`]: the objects read, and what was wrong or skipped.
#[derive(Clone, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
    /// The whole text, kept to find field positions on demand.
    text: Arc<str>,
    chunks: Vec<Chunk>,
}

/// Leaves out the pasted text, which may be megabytes long.
impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed")
            .field("documents", &self.documents)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

impl Parsed {
    /// The span of `path` inside document `doc` (an index into `documents`): the value's
    /// position when the field is present, else the nearest present ancestor's key.
    pub fn locate(&self, doc: usize, path: &FieldPath) -> Option<Span> {
        let document = self.documents.get(doc)?;
        let mut full = document.prefix.clone();
        full.extend(path.segments.iter().cloned());
        self.locate_in_chunk(document.chunk, &full).or(Some(document.span))
    }

    /// The span of `path` (from the chunk's root) inside chunk `chunk_idx`; `None` when not
    /// even the chunk's root could be found.
    fn locate_in_chunk(&self, chunk_idx: usize, path: &[PathSegment]) -> Option<Span> {
        let chunk = self.chunks.get(chunk_idx)?;
        let index = chunk.index(&self.text)?;
        index.find(path)
    }
}

/// Reads every document of `text`.
///
/// ```
/// let parsed = svcroute::input::parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: kiada\n");
/// assert_eq!(parsed.documents.len(), 1);
/// assert!(parsed.diagnostics.is_empty());
/// ```
pub fn parse(text: &str) -> Parsed {
    // Editors hide a byte order mark, so columns are counted without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let shared_text: Arc<str> = Arc::from(text);
    if split::looks_like_json(text) {
        let stream = json_text::load_json(text);
        let mut parsed = Parsed { text: shared_text.clone(), ..Parsed::default() };
        match stream.error {
            None => {
                parsed.add_json_values(stream.values);
                return parsed;
            }
            // Not JSON from the start: flow-style YAML (`{kind: Service}`) gets its turn.
            Some(_) if stream.values.is_empty() => {}
            Some(error) => {
                // JSON followed by YAML (`{"kind": "Pod"}`, then `---`) is valid YAML.
                let as_yaml = parse_yaml(text, shared_text);
                if as_yaml.diagnostics.iter().all(|d| d.severity != Severity::Error) {
                    return as_yaml;
                }
                parsed.add_json_values(stream.values);
                parsed.diagnostics.push(syntax_diagnostic(error));
                return parsed;
            }
        }
    }
    parse_yaml(text, shared_text)
}

fn parse_yaml(text: &str, shared_text: Arc<str>) -> Parsed {
    let mut parsed = Parsed { text: shared_text, ..Parsed::default() };
    for chunk in split::yaml_chunks(text) {
        read_yaml_chunk(text, chunk, &mut parsed);
    }
    parsed
}

/// Reads one YAML document; a syntax or type error costs only this document (or, in a List,
/// only the items that fail).
fn read_yaml_chunk(text: &str, chunk: Chunk, parsed: &mut Parsed) {
    let chunk_text = text.get(chunk.start..chunk.end).unwrap_or("");
    let chunk_idx = parsed.chunks.len();
    let (chunk_line, chunk_column) = (chunk.line, chunk.column);
    parsed.chunks.push(chunk);
    if let Some(offset) = split::too_deep(chunk_text, split::MAX_DEPTH) {
        let counter = Doc::new(Vec::new(), chunk_text, chunk_line, chunk_column);
        let span = counter.mark_span(yaml::uncounted(offset), Some(yaml::uncounted(offset + 1)));
        parsed.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            span: Some(span),
            field: None,
            message: format!("this document is nested more than {} levels deep", split::MAX_DEPTH),
            help: Some(DEEP_HELP.to_string()),
        });
        return;
    }
    match events::load_yaml(chunk_text, chunk_line, chunk_column) {
        Ok(Some(doc)) => parsed.add_doc(&doc, chunk_idx),
        Ok(None) => {}
        Err(error) => parsed.diagnostics.push(syntax_diagnostic(error)),
    }
}

impl Parsed {
    /// Records each JSON value as a chunk of its own and reads it.
    fn add_json_values(&mut self, values: Vec<json_text::JsonValue<'_>>) {
        for value in values {
            let chunk_idx = self.chunks.len();
            self.chunks.push(Chunk::new(value.start, value.end, value.line, value.column));
            self.add_doc(&value.doc, chunk_idx);
        }
    }

    /// Reads the objects of one loaded document: each object read, or its error.
    fn add_doc(&mut self, doc: &Doc<'_>, chunk_idx: usize) {
        for item in read::read_document(doc) {
            let span = doc.span(item.start);
            match item.read {
                Ok(read) => self.add_item(read, chunk_idx, item.prefix, span),
                Err(error) => {
                    let mut path = item.prefix;
                    path.extend(error.path());
                    let help = match error.kind {
                        ErrorKind::Type => TYPE_HELP,
                        ErrorKind::Repetition => REPETITION_HELP,
                    };
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        span: Some(doc.span(error.at)),
                        field: (!path.is_empty()).then(|| FieldPath { segments: path }.to_string()),
                        message: error.message,
                        help: Some(help.to_string()),
                    });
                }
            }
        }
    }

    fn add_item(&mut self, read: Read, chunk_idx: usize, prefix: Vec<PathSegment>, span: Span) {
        match read {
            Read::Object(object) => {
                self.documents.push(Document { object, span, chunk: chunk_idx, prefix });
            }
            Read::Skipped { kind, name } => {
                let what = match name {
                    Some(name) => format!("{kind} `{name}`"),
                    None => kind,
                };
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Notice,
                    span: Some(span),
                    field: None,
                    message: format!(
                        "skipped {what}: svcroute reads Node, Pod, Service and EndpointSlice"
                    ),
                    help: None,
                });
            }
            Read::NoKind => self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                span: Some(span),
                field: Some("kind".to_string()),
                message: "this document has no `kind`".to_string(),
                help: Some(
                    "add `apiVersion: v1` and `kind: Service` (or Pod or Node), or \
                     `apiVersion: discovery.k8s.io/v1` and `kind: EndpointSlice`"
                        .to_string(),
                ),
            }),
            Read::Empty => {}
        }
    }
}

const DEEP_HELP: &str =
    "no Kubernetes object is nested this deeply; paste the output of `kubectl get -o yaml`";

const TYPE_HELP: &str =
    "write the value with the type the API expects (see `kubectl explain` for the field)";

const REPETITION_HELP: &str =
    "kubectl never writes anchors and aliases; paste the output of `kubectl get -o yaml`";

const SYNTAX_HELP: &str = "check the quotes, brackets and indentation here and on the line above (YAML indents with spaces, not tabs)";

fn syntax_diagnostic(error: LoadError) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        span: Some(error.span),
        field: None,
        message: error.message,
        help: Some(SYNTAX_HELP.to_string()),
    }
}

#[cfg(test)]
mod tests;
