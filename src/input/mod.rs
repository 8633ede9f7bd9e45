//! The only code that knows YAML or JSON: pasted text in, raw API objects out.
//!
//! [`parse`] never fails. It splits the text into documents (`---`, `...`, `kind: List`,
//! JSON), reads Node, Pod, Service and EndpointSlice into [`raw`] structs, skips other kinds
//! with a notice, and reports syntax errors with line and column.
//! Field positions are found on demand by [`Parsed::locate`], so the fast path (a large,
//! valid `kubectl get -o yaml` dump) never pays for them.

mod locate;
pub mod raw;
mod read;
mod replay;
pub mod span;
mod split;

use crate::diagnostic::{Diagnostic, Severity};
use locate::Chunk;
use read::{Read, TopRead, TopSeed, BUFFERED_MARK};
use serde::de::DeserializeSeed;
use span::{FieldPath, PathSegment, Span};
use split::Cursor;
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
    let mut parsed = Parsed { text: Arc::from(text), ..Parsed::default() };
    if split::looks_like_json(text) {
        // The page reads JSON as the YAML it also is: one deserializer for every raw type
        // instead of two keeps the wasm small. Natively serde_json reads a dump much faster.
        if cfg!(target_arch = "wasm32") {
            return read_json_as_yaml(text, parsed.text);
        }
        match read_json(text, &mut parsed) {
            Json::Rejected => {}
            Json::Read => return parsed,
            Json::StoppedAtSyntaxError => {
                // JSON followed by YAML (`{"kind": "Pod"}`, then `---`) is valid YAML.
                let as_yaml = parse_yaml(text, parsed.text.clone());
                let is_clean = as_yaml.diagnostics.iter().all(|d| d.severity != Severity::Error);
                return if is_clean { as_yaml } else { parsed };
            }
        }
    }
    parse_yaml(text, parsed.text)
}

fn parse_yaml(text: &str, shared_text: Arc<str>) -> Parsed {
    let mut parsed = Parsed { text: shared_text, ..Parsed::default() };
    for chunk in split::yaml_chunks(text) {
        read_yaml_chunk(text, chunk, &mut parsed);
    }
    parsed
}

/// Reads JSON with the YAML reader, value by value when it is a stream of values (`jq`
/// output), else as YAML documents (JSON followed by `---` and YAML, or a syntax error that
/// the YAML reader then reports).
fn read_json_as_yaml(text: &str, shared_text: Arc<str>) -> Parsed {
    let Some(values) = split::json_values(text) else { return parse_yaml(text, shared_text) };
    let mut parsed = Parsed { text: shared_text, ..Parsed::default() };
    for chunk in values {
        read_yaml_chunk(text, chunk, &mut parsed);
    }
    parsed
}

/// How reading the text as JSON went.
enum Json {
    /// The first value is not JSON: nothing was kept.
    Rejected,
    /// Every value was read (some perhaps with a type error, reported).
    Read,
    /// Values were read, then a syntax error stopped the stream.
    StoppedAtSyntaxError,
}

/// Reads `text` as a stream of JSON values. Keeps nothing when the very first value is not
/// valid JSON, so that flow-style YAML (`{kind: Service}`) gets its turn.
/// A value with a wrong-typed field costs only that value (or, in a List, only that item).
fn read_json(text: &str, parsed: &mut Parsed) -> Json {
    let mut start = 0;
    let mut cursor = Cursor::default();
    let mut error_cursor = Cursor::default();
    loop {
        let rest = text.get(start..).unwrap_or("");
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<TopRead>();
        let mut value_start = start;
        loop {
            let next = stream.next();
            let end = start + stream.byte_offset();
            let begin =
                value_start + split::leading_whitespace(text.get(value_start..end).unwrap_or(""));
            match next {
                None => return Json::Read,
                Some(Ok(TopRead(read))) => {
                    cursor.advance_to(text, begin);
                    let chunk_idx = parsed.chunks.len();
                    parsed.chunks.push(Chunk::new(begin, end, cursor.line, cursor.column));
                    let chunk_text = text.get(begin..end).unwrap_or("");
                    let object_span = split::token_span(chunk_text, 0, cursor.line, cursor.column);
                    let item_spans = match &read {
                        Read::List(items) => {
                            parsed.json_item_spans(chunk_idx, &cursor, items.len())
                        }
                        _ => Vec::new(),
                    };
                    parsed.add_read(read, chunk_idx, object_span, &item_spans);
                    value_start = end;
                }
                Some(Err(error)) => {
                    let is_first = parsed.chunks.is_empty() && parsed.diagnostics.is_empty();
                    if is_first && (error.is_syntax() || error.is_eof()) {
                        return Json::Rejected;
                    }
                    let offset = start + split::byte_offset_of(rest, error.line(), error.column());
                    let span = if error.is_data() {
                        json_value_span(text, &mut error_cursor, offset)
                    } else {
                        error_cursor.advance_to(text, offset);
                        let column = error_cursor.column.saturating_add(1);
                        Span { line: error_cursor.line, column, len: 1 }
                    };
                    parsed.diagnostics.push(error_diagnostic(&error.to_string(), Some(span)));
                    if !error.is_data() {
                        return Json::StoppedAtSyntaxError;
                    }
                    // Find where the bad value ends, keep its good List items, read on after it.
                    let from_value = text.get(begin..).unwrap_or("");
                    let mut values = serde_json::Deserializer::from_str(from_value)
                        .into_iter::<serde_yaml::Value>();
                    let Some(Ok(value)) = values.next() else { return Json::Read };
                    let value_end = begin + values.byte_offset();
                    cursor.advance_to(text, begin);
                    let chunk_idx = parsed.chunks.len();
                    parsed.chunks.push(Chunk::new(begin, value_end, cursor.line, cursor.column));
                    if let Some(mut diagnostic) = parsed.diagnostics.pop() {
                        parsed.name_field(chunk_idx, &mut diagnostic);
                        parsed.diagnostics.push(diagnostic);
                    }
                    let chunk_text = text.get(begin..value_end).unwrap_or("");
                    let chunk_cursor = cursor.clone();
                    let reread = |item_idx: usize| {
                        let seed = TopSeed { forced_kind: None, skip_items_before: item_idx };
                        let mut deserializer = serde_json::Deserializer::from_str(chunk_text);
                        let error = seed.deserialize(&mut deserializer).err()?;
                        let offset =
                            begin + split::byte_offset_of(chunk_text, error.line(), error.column());
                        let span = json_value_span(text, &mut chunk_cursor.clone(), offset);
                        Some(error_diagnostic(&error.to_string(), Some(span)))
                    };
                    recover_list_items(value, chunk_idx, parsed, &reread);
                    start = value_end;
                    break;
                }
            }
        }
    }
}

/// The span of the JSON value whose last character is at byte `offset` (where serde_json
/// reports a wrong type), from its first character; `cursor` is at or before it.
fn json_value_span(text: &str, cursor: &mut Cursor, offset: usize) -> Span {
    let token_start = split::json_token_start(text, offset);
    cursor.advance_to(text, token_start);
    let line_text = text.get(token_start..).and_then(|t| t.lines().next()).unwrap_or("");
    Span {
        line: cursor.line,
        column: cursor.column.saturating_add(1),
        len: split::token_len(line_text, 1),
    }
}

/// Reads one YAML document; a syntax or type error costs only this document (or, in a List,
/// only the items that fail).
fn read_yaml_chunk(text: &str, chunk: Chunk, parsed: &mut Parsed) {
    let chunk_text = text.get(chunk.start..chunk.end).unwrap_or("");
    // A JSON value may start mid-line (`}{`): blanks before it keep the reader's columns
    // counted from the start of the line.
    let padded;
    let chunk_text = if chunk.column == 0 {
        chunk_text
    } else {
        padded = format!("{:1$}{chunk_text}", "", chunk.column as usize);
        padded.as_str()
    };
    let chunk_idx = parsed.chunks.len();
    let object_span = split::first_content_span(chunk_text, chunk.line);
    let chunk_line = chunk.line;
    parsed.chunks.push(chunk);
    if let Some(offset) = split::too_deep(chunk_text, split::MAX_DEPTH) {
        let mut cursor = Cursor::default();
        cursor.advance_to(chunk_text, offset);
        let line = chunk_line.saturating_add(cursor.line - 1);
        parsed.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            span: Some(Span { line, column: cursor.column.saturating_add(1), len: 1 }),
            field: None,
            message: format!("this document is nested more than {} levels deep", split::MAX_DEPTH),
            help: Some(DEEP_HELP.to_string()),
        });
        return;
    }
    if let Some(merged) = read_with_merge_keys(chunk_text) {
        match merged {
            Ok(read) => {
                let item_spans = match &read {
                    Read::List(items) => parsed.yaml_item_spans(chunk_idx, chunk_text, items.len()),
                    _ => Vec::new(),
                };
                parsed.add_read(read, chunk_idx, object_span, &item_spans);
            }
            Err(error) => {
                parsed.diagnostics.push(error_diagnostic(&error.to_string(), Some(object_span)));
            }
        }
        return;
    }
    let result = TopSeed { forced_kind: None, skip_items_before: 0 }
        .deserialize(serde_yaml::Deserializer::from_str(chunk_text));
    match result {
        Ok(read) => {
            let item_spans = match &read {
                Read::List(items) => parsed.yaml_item_spans(chunk_idx, chunk_text, items.len()),
                _ => Vec::new(),
            };
            parsed.add_read(read, chunk_idx, object_span, &item_spans);
        }
        Err(error) => {
            let error = reread_with_kind(chunk_text, error);
            let span = yaml_error_span(&error, chunk_text, chunk_line);
            parsed.diagnostics.push(error_diagnostic(&error.to_string(), span));
            if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(chunk_text) {
                let reread = |item_idx: usize| {
                    let seed = TopSeed { forced_kind: None, skip_items_before: item_idx };
                    let error =
                        seed.deserialize(serde_yaml::Deserializer::from_str(chunk_text)).err()?;
                    let span = yaml_error_span(&error, chunk_text, chunk_line);
                    Some(error_diagnostic(&error.to_string(), span))
                };
                recover_list_items(value, chunk_idx, parsed, &reread);
            }
        }
    }
}

/// Reads a document that uses YAML merge keys (`<<: *defaults`), which kubectl applies but
/// serde_yaml's streaming reader would silently ignore: through a `Value` with the merges
/// applied. `None` when the document has no merge key (the fast path) or is not valid YAML
/// (the fast path then reports the syntax error with its position). Errors found here carry
/// no position of their own.
fn read_with_merge_keys(chunk_text: &str) -> Option<Result<Read, serde_yaml::Error>> {
    let has_merge_key = chunk_text.match_indices("<<").any(|(at, _)| {
        chunk_text.get(at + 2..).is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
    });
    if !has_merge_key {
        return None;
    }
    let mut value = serde_yaml::from_str::<serde_yaml::Value>(chunk_text).ok()?;
    Some(value.apply_merge().and_then(|()| {
        replay::read_seed(value, TopSeed { forced_kind: None, skip_items_before: 0 })
    }))
}

/// An error in a field written before `kind` carries the position of `kind`; reading again
/// with the kind known from the start gives the position of the bad value itself.
fn reread_with_kind(chunk_text: &str, error: serde_yaml::Error) -> serde_yaml::Error {
    if !error.to_string().contains(BUFFERED_MARK) {
        return error;
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(chunk_text) else { return error };
    let Some(kind) = value.get("kind").and_then(serde_yaml::Value::as_str) else { return error };
    let seed = TopSeed { forced_kind: Some(kind), skip_items_before: 0 };
    match seed.deserialize(serde_yaml::Deserializer::from_str(chunk_text)) {
        Err(precise) => precise,
        Ok(_) => error,
    }
}

/// How many failing List items after the first get their exact position.
const MAX_REREADS: usize = 20;

/// After a type error inside a List, keeps the items that are fine: the List is read again as
/// a plain value and each item on its own. The first failing item is the one already
/// reported; the others get their own error.
fn recover_list_items(
    value: serde_yaml::Value,
    chunk_idx: usize,
    parsed: &mut Parsed,
    reread: &dyn Fn(usize) -> Option<Diagnostic>,
) {
    let (items, prefix) = match &value {
        serde_yaml::Value::Sequence(items) => (items, Vec::new()),
        serde_yaml::Value::Mapping(_) => {
            let is_list = value
                .get("kind")
                .and_then(serde_yaml::Value::as_str)
                .is_none_or(|kind| kind.ends_with("List"));
            match value.get("items") {
                Some(serde_yaml::Value::Sequence(items)) if is_list => {
                    (items, vec![PathSegment::Field("items".to_string())])
                }
                _ => return,
            }
        }
        _ => return,
    };
    let mut is_first_failure = true;
    let mut n_rereads = 0;
    for (item_idx, item) in items.iter().enumerate() {
        let mut path = prefix.clone();
        path.push(PathSegment::Index(item_idx));
        let span = parsed.locate_in_chunk(chunk_idx, &path);
        match read::read_item_value(item.clone()) {
            Ok(read) => {
                let span = span.unwrap_or(Span { line: 1, column: 1, len: 1 });
                parsed.add_item(read, chunk_idx, path, span);
            }
            Err(error) if !is_first_failure => {
                // Reading the text again from this item on gives the error's exact position;
                // each reread costs a pass over the List, so only the first few get one.
                n_rereads += 1;
                let precise = if n_rereads <= MAX_REREADS { reread(item_idx) } else { None };
                let mut diagnostic = precise.unwrap_or_else(|| {
                    let item_path = FieldPath { segments: path }.to_string();
                    error_diagnostic(&replay::error_under(&item_path, &error), span)
                });
                if diagnostic.field.is_none() {
                    parsed.name_field(chunk_idx, &mut diagnostic);
                }
                parsed.diagnostics.push(diagnostic);
            }
            Err(_) => is_first_failure = false,
        }
    }
}

impl Parsed {
    /// Sets the field path of an error that has a position but no path (serde_json's), from
    /// the value found at that position.
    fn name_field(&self, chunk_idx: usize, diagnostic: &mut Diagnostic) {
        let Some(span) = diagnostic.span else { return };
        let Some(index) = self.chunks.get(chunk_idx).and_then(|chunk| chunk.index(&self.text))
        else {
            return;
        };
        if let Some(path) = index.path_at(span.line, span.column).filter(|path| !path.is_empty()) {
            diagnostic.field = Some(FieldPath { segments: path }.to_string());
        }
    }

    /// Where each item of a JSON List starts: found by a scan of brackets, else by the locator.
    fn json_item_spans(&self, chunk_idx: usize, cursor: &Cursor, n_items: usize) -> Vec<Span> {
        let Some(chunk) = self.chunks.get(chunk_idx) else { return Vec::new() };
        let chunk_text = self.text.get(chunk.start..chunk.end).unwrap_or("");
        let offsets = split::json_item_offsets(chunk_text);
        if offsets.len() != n_items {
            return self.located_item_spans(chunk_idx, n_items);
        }
        let mut item_cursor = cursor.clone();
        offsets
            .iter()
            .map(|offset| {
                item_cursor.advance_to(&self.text, chunk.start + offset);
                split::token_span(chunk_text, *offset, item_cursor.line, item_cursor.column)
            })
            .collect()
    }

    /// Where each item of a List starts, asked of the locator (slower: parses the chunk).
    fn located_item_spans(&self, chunk_idx: usize, n_items: usize) -> Vec<Span> {
        let line = self.chunks.get(chunk_idx).map_or(1, |chunk| chunk.line);
        (0..n_items)
            .map(|item_idx| {
                let path = [PathSegment::Field("items".to_string()), PathSegment::Index(item_idx)];
                let bare = [PathSegment::Index(item_idx)];
                let path: &[PathSegment] =
                    if self.chunk_is_sequence(chunk_idx) { &bare } else { &path };
                self.locate_in_chunk(chunk_idx, path).unwrap_or(Span { line, column: 1, len: 1 })
            })
            .collect()
    }

    /// Where each item of a block-style List starts: found by a cheap scan of the lines
    /// (kubectl writes `- apiVersion: v1` at the items' indentation), else by the locator.
    fn yaml_item_spans(&self, chunk_idx: usize, chunk_text: &str, n_items: usize) -> Vec<Span> {
        let line = self.chunks.get(chunk_idx).map_or(1, |chunk| chunk.line);
        let spans = split::yaml_item_spans(chunk_text, line);
        if spans.len() == n_items {
            return spans;
        }
        self.located_item_spans(chunk_idx, n_items)
    }

    /// Records what one chunk held: its object, or the items of its List.
    fn add_read(&mut self, read: Read, chunk_idx: usize, object_span: Span, item_spans: &[Span]) {
        match read {
            Read::List(items) => {
                let is_bare_sequence = self.chunk_is_sequence(chunk_idx);
                for (item_idx, item) in items.into_iter().enumerate() {
                    let mut prefix = Vec::new();
                    if !is_bare_sequence {
                        prefix.push(PathSegment::Field("items".to_string()));
                    }
                    prefix.push(PathSegment::Index(item_idx));
                    let span = item_spans.get(item_idx).copied().unwrap_or(object_span);
                    self.add_item(item, chunk_idx, prefix, span);
                }
            }
            other => self.add_item(other, chunk_idx, Vec::new(), object_span),
        }
    }

    /// Whether the chunk is a bare sequence (`- kind: Service`) rather than a List object.
    fn chunk_is_sequence(&self, chunk_idx: usize) -> bool {
        let Some(chunk) = self.chunks.get(chunk_idx) else { return false };
        let chunk_text = self.text.get(chunk.start..chunk.end).unwrap_or("");
        split::starts_with_sequence(chunk_text)
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
            Read::List(items) => {
                // A List inside a List: kubectl never writes one; read its items all the same.
                for (item_idx, item) in items.into_iter().enumerate() {
                    let mut path = prefix.clone();
                    path.push(PathSegment::Field("items".to_string()));
                    path.push(PathSegment::Index(item_idx));
                    self.add_item(item, chunk_idx, path, span);
                }
            }
            Read::Empty => {}
        }
    }
}

/// The span serde_yaml reports, moved from the chunk to the whole text. An unclosed quote is
/// only noticed at the end of the text, so it points at the quote that opened the string.
fn yaml_error_span(error: &serde_yaml::Error, chunk_text: &str, chunk_line: u32) -> Option<Span> {
    let location = error.location()?;
    let message = error.to_string();
    let (line_in_chunk, column) = match split::positions(&message).get(1) {
        Some(&context)
            if message.contains("end of stream") && message.contains("quoted scalar") =>
        {
            context
        }
        _ => (location.line(), location.column()),
    };
    let line_in_chunk = u32::try_from(line_in_chunk).unwrap_or(u32::MAX).max(1);
    let column = u32::try_from(column).unwrap_or(u32::MAX).max(1);
    let line_text = chunk_text.lines().nth((line_in_chunk - 1) as usize).unwrap_or("");
    let len = split::token_len(line_text, column);
    Some(Span { line: chunk_line.saturating_add(line_in_chunk - 1), column, len })
}

const DEEP_HELP: &str =
    "no Kubernetes object is nested this deeply; paste the output of `kubectl get -o yaml`";

/// An error diagnostic from a serde error text: the position suffix is dropped (the span
/// carries it), a leading field path becomes `field`, and Rust type names become API words.
fn error_diagnostic(text: &str, span: Option<Span>) -> Diagnostic {
    let text = split::strip_positions(&text.replace(BUFFERED_MARK, ""));
    let (field, message) = match text.split_once(": ") {
        Some((path, rest)) if split::is_field_path(path) => {
            (Some(path.to_string()), rest.to_string())
        }
        _ => (None, text.clone()),
    };
    let is_type_error = message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.contains("untagged enum");
    let message = split::plain_types(&message);
    let help = if is_type_error {
        "write the value with the type the API expects (see `kubectl explain` for the field)"
    } else if message == "recursion limit exceeded" {
        DEEP_HELP
    } else {
        "check the quotes, brackets and indentation here and on the line above (YAML indents with spaces, not tabs)"
    };
    Diagnostic { severity: Severity::Error, span, field, message, help: Some(help.to_string()) }
}

#[cfg(test)]
mod tests;
