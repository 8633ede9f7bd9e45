//! Field positions, found on demand: a document's text is run through the YAML event parser
//! once, into a small tree of keys and spans, cached for every later lookup.
//!
//! Building the tree uses an explicit stack, so deeply nested input cannot overflow the
//! call stack; the fast path of [`super::parse`] never builds it.

use super::events::Doc;
use super::span::{PathSegment, Span};
use super::yaml::{Event, Mark, Parser};
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
        // Spans come from marks the one way the reader makes them too.
        let counter = Doc::new(Vec::new(), chunk_text, line, column);
        let to_span = |(start, end): (Mark, Mark)| counter.mark_span(start, Some(end));
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut n_documents = 0;
        let mut parser = Parser::new(chunk_text);
        while let Ok(Some((event, start, end))) = parser.next() {
            let span = (start, end);
            let (kind, is_empty) = match event {
                Event::DocumentStart => {
                    n_documents += 1;
                    if n_documents > 1 {
                        break;
                    }
                    continue;
                }
                Event::Scalar { value, .. } => {
                    let span = to_span(span);
                    if let Some(frame) = stack.last_mut() {
                        if frame.is_mapping && frame.pending_key.is_none() {
                            frame.pending_key = Some((value, span));
                            continue;
                        }
                    }
                    (NodeKind::Scalar, value.is_empty())
                }
                Event::Alias(_) => {
                    let span = to_span(span);
                    if let Some(frame) = stack.last_mut() {
                        if frame.is_mapping && frame.pending_key.is_none() {
                            frame.pending_key = Some((String::new(), span));
                            continue;
                        }
                    }
                    (NodeKind::Scalar, false)
                }
                Event::MappingStart(_) => (NodeKind::Mapping, false),
                Event::SequenceStart(_) => (NodeKind::Sequence, false),
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
}
