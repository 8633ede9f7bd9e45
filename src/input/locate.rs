//! Field positions, found on demand: a document's text is run through libyaml's event parser
//! (the one serde_yaml reads with, driven directly for the positions serde_yaml keeps to
//! itself) once, into a small tree of keys and spans, cached for every later lookup.
//!
//! Building the tree uses an explicit stack, so deeply nested input cannot overflow the
//! call stack; the fast path of [`super::parse`] never builds it.

use super::span::{PathSegment, Span};
use super::split::token_len;
use std::mem::MaybeUninit;
use std::sync::OnceLock;

/// One document's (or one JSON value's) place in the whole text, with its position index
/// built on first use.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    /// Byte range in the whole text.
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start`, and its 0-based character column.
    pub line: u32,
    pub column: u32,
    index: OnceLock<Option<Index>>,
}

impl Chunk {
    pub(crate) fn new(start: usize, end: usize, line: u32, column: u32) -> Self {
        Chunk { start, end, line, column, index: OnceLock::new() }
    }

    /// The position index of this chunk, built once.
    pub(crate) fn index(&self, text: &str) -> Option<&Index> {
        self.index
            .get_or_init(|| {
                text.get(self.start..self.end)
                    .and_then(|chunk_text| Index::build(chunk_text, self.line, self.column))
            })
            .as_ref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Scalar,
    Mapping,
    Sequence,
}

#[derive(Debug, Clone)]
struct Node {
    kind: NodeKind,
    /// The value's span: a scalar's text, or a collection's first character.
    span: Span,
    /// Whether the scalar is empty (`nodePort:` with nothing after it).
    is_empty: bool,
    /// The key this node is the value of, with the key's span.
    key: Option<(String, Span)>,
    children: Vec<usize>,
    /// The node this one is a key's value or an item of; the root is its own parent.
    parent: usize,
}

/// The keys and spans of one document, as a tree (node 0 is the root).
#[derive(Debug, Clone)]
pub(crate) struct Index {
    nodes: Vec<Node>,
}

struct Frame {
    node: usize,
    is_mapping: bool,
    /// A collection used as a mapping key (`? [a, b]`): it becomes its parent's pending key.
    is_key: bool,
    pending_key: Option<(String, Span)>,
}

impl Index {
    /// Runs the event parser over `chunk_text`, which starts at `line` and 0-based character
    /// `column` of the whole text. Stops at the first syntax error, keeping what it has.
    fn build(chunk_text: &str, line: u32, column: u32) -> Option<Index> {
        let lines: Vec<&str> = chunk_text.lines().collect();
        let to_span =
            |(start, end): (unsafe_libyaml::yaml_mark_t, unsafe_libyaml::yaml_mark_t)| -> Span {
                let line_in_chunk =
                    usize::try_from(start.line).unwrap_or(usize::MAX).saturating_add(1);
                let line_text = lines.get(line_in_chunk - 1).copied().unwrap_or("");
                let column_in_line =
                    u32::try_from(start.column.saturating_add(1)).unwrap_or(u32::MAX);
                let token = usize::try_from(start.index)
                    .ok()
                    .zip(usize::try_from(end.index).ok())
                    .and_then(|(start, end)| chunk_text.get(start..end))
                    .filter(|token| end.line == start.line && !token.is_empty());
                let len = match token {
                    Some(token) => u32::try_from(token.chars().count()).unwrap_or(u32::MAX),
                    None => token_len(line_text, column_in_line),
                };
                let shift = if line_in_chunk == 1 { column } else { 0 };
                Span {
                    line: line.saturating_add(u32::try_from(line_in_chunk - 1).unwrap_or(u32::MAX)),
                    column: column_in_line.saturating_add(shift),
                    len: len.max(1),
                }
            };
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut n_documents = 0;
        let mut parser = Events::new(chunk_text)?;
        while let Some((event, span)) = parser.next() {
            let (kind, is_empty) = match event {
                Event::DocumentStart => {
                    n_documents += 1;
                    if n_documents > 1 {
                        break;
                    }
                    continue;
                }
                Event::Scalar(value) => {
                    let span = to_span(span);
                    if let Some(frame) = stack.last_mut() {
                        if frame.is_mapping && frame.pending_key.is_none() {
                            frame.pending_key = Some((value, span));
                            continue;
                        }
                    }
                    (NodeKind::Scalar, value.is_empty())
                }
                Event::Alias => {
                    let span = to_span(span);
                    if let Some(frame) = stack.last_mut() {
                        if frame.is_mapping && frame.pending_key.is_none() {
                            frame.pending_key = Some((String::new(), span));
                            continue;
                        }
                    }
                    (NodeKind::Scalar, false)
                }
                Event::MappingStart => (NodeKind::Mapping, false),
                Event::SequenceStart => (NodeKind::Sequence, false),
                Event::MappingEnd | Event::SequenceEnd => {
                    let Some(frame) = stack.pop() else { break };
                    if frame.is_key {
                        let key_span = nodes.get(frame.node).map(|node| node.span);
                        if let (Some(parent), Some(key_span)) = (stack.last_mut(), key_span) {
                            parent.pending_key = Some((String::new(), key_span));
                        }
                    }
                    continue;
                }
                Event::Other => continue,
            };
            let node_idx = nodes.len();
            let is_key =
                stack.last().is_some_and(|frame| frame.is_mapping && frame.pending_key.is_none());
            let mut node = Node {
                kind,
                span: to_span(span),
                is_empty,
                key: None,
                children: Vec::new(),
                parent: node_idx,
            };
            if !is_key {
                if let Some(frame) = stack.last_mut() {
                    node.key = frame.pending_key.take();
                    node.parent = frame.node;
                    if let Some(parent) = nodes.get_mut(frame.node) {
                        parent.children.push(node_idx);
                    }
                } else if !nodes.is_empty() {
                    // A second root in one chunk cannot happen; keep the first.
                    break;
                }
            }
            nodes.push(node);
            if kind != NodeKind::Scalar {
                stack.push(Frame {
                    node: node_idx,
                    is_mapping: kind == NodeKind::Mapping,
                    is_key,
                    pending_key: None,
                });
            }
        }
        if nodes.is_empty() {
            None
        } else {
            Some(Index { nodes })
        }
    }

    /// The span of the value at `path`; when part of the path is missing, the key of the
    /// deepest part that exists (or the item's start, for a list item).
    pub(crate) fn find(&self, path: &[PathSegment]) -> Option<Span> {
        let mut node = self.nodes.first()?;
        for segment in path {
            let child = match segment {
                PathSegment::Field(name) if node.kind == NodeKind::Mapping => node
                    .children
                    .iter()
                    .rev()
                    .find(|&&child| {
                        self.nodes
                            .get(child)
                            .and_then(|c| c.key.as_ref())
                            .is_some_and(|(key, _)| key == name)
                    })
                    .copied(),
                PathSegment::Index(idx) if node.kind == NodeKind::Sequence => {
                    node.children.get(*idx).copied()
                }
                _ => None,
            };
            match child.and_then(|child| self.nodes.get(child).map(|n| (child, n))) {
                Some((_, child)) => node = child,
                None => {
                    return Some(node.key.as_ref().map_or(node.span, |(_, key_span)| *key_span))
                }
            }
        }
        Some(match (&node.kind, &node.key) {
            (NodeKind::Scalar, _) if !node.is_empty => node.span,
            (_, Some((_, key_span))) => *key_span,
            _ => node.span,
        })
    }

    /// The path of the value that starts at `line`:`column`, e.g. `spec.ports[0].port`; for
    /// errors whose parser reports a position but no path (serde_json).
    pub(crate) fn path_at(&self, line: u32, column: u32) -> Option<Vec<PathSegment>> {
        let target = self
            .nodes
            .iter()
            .rposition(|node| node.span.line == line && node.span.column == column)?;
        let mut path = Vec::new();
        let mut node_idx = target;
        while node_idx != 0 {
            let node = self.nodes.get(node_idx)?;
            let parent = self.nodes.get(node.parent)?;
            match (&parent.kind, &node.key) {
                (NodeKind::Mapping, Some((key, _))) => path.push(PathSegment::Field(key.clone())),
                (NodeKind::Sequence, _) => {
                    let position = parent.children.iter().position(|&child| child == node_idx)?;
                    path.push(PathSegment::Index(position));
                }
                _ => return None,
            }
            node_idx = node.parent;
        }
        path.reverse();
        Some(path)
    }
}

/// The events the index is built from.
enum Event {
    DocumentStart,
    Scalar(String),
    Alias,
    MappingStart,
    SequenceStart,
    MappingEnd,
    SequenceEnd,
    Other,
}

/// libyaml's event parser over one chunk of text, with its start and end marks (0-based line,
/// 0-based character column, byte index). Ends at the end of the stream or at the first
/// syntax error.
struct Events<'a> {
    /// Boxed because libyaml's parser points at itself (its read handler's data).
    parser: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    text: std::marker::PhantomData<&'a str>,
    is_done: bool,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Option<Events<'a>> {
        let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        let ptr = parser.as_mut_ptr();
        // SAFETY: `ptr` points to a heap allocation that never moves and outlives the parser
        // (deleted in `drop`); the input is borrowed for 'a, as long as `Events` lives.
        unsafe {
            if unsafe_libyaml::yaml_parser_initialize(ptr).fail {
                return None;
            }
            unsafe_libyaml::yaml_parser_set_encoding(ptr, unsafe_libyaml::YAML_UTF8_ENCODING);
            unsafe_libyaml::yaml_parser_set_input_string(ptr, text.as_ptr(), text.len() as u64);
        }
        Some(Events { parser, text: std::marker::PhantomData, is_done: false })
    }

    fn next(
        &mut self,
    ) -> Option<(Event, (unsafe_libyaml::yaml_mark_t, unsafe_libyaml::yaml_mark_t))> {
        if self.is_done {
            return None;
        }
        let ptr = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized in `new`; an event is read only after
        // `yaml_parser_parse` succeeded, its scalar data only for a scalar event, and it is
        // deleted before returning.
        unsafe {
            // After a failure `is_done` is set, so a failed parser is never asked again.
            if unsafe_libyaml::yaml_parser_parse(ptr, event.as_mut_ptr()).fail {
                self.is_done = true;
                return None;
            }
            let raw = &*event.as_ptr();
            let kind = match raw.type_ {
                unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let scalar = raw.data.scalar;
                    let length = usize::try_from(scalar.length).unwrap_or(0);
                    let bytes = if scalar.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(scalar.value, length)
                    };
                    Event::Scalar(String::from_utf8_lossy(bytes).into_owned())
                }
                unsafe_libyaml::YAML_ALIAS_EVENT => Event::Alias,
                unsafe_libyaml::YAML_MAPPING_START_EVENT => Event::MappingStart,
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => Event::SequenceStart,
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                unsafe_libyaml::YAML_STREAM_END_EVENT | unsafe_libyaml::YAML_NO_EVENT => {
                    self.is_done = true;
                    Event::Other
                }
                _ => Event::Other,
            };
            let marks = (raw.start_mark, raw.end_mark);
            unsafe_libyaml::yaml_event_delete(event.as_mut_ptr());
            if self.is_done {
                return None;
            }
            Some((kind, marks))
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: the parser was initialized in `new` (an `Events` exists only then).
        unsafe { unsafe_libyaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}
