//! One document as a flat list of events, the form [`super::read`] reads objects from: YAML
//! through [`super::yaml`], JSON through [`super::json_text`], both into the same [`Doc`].
//!
//! Each collection's start knows where it ends, so a field svcroute does not read
//! (`managedFields`, annotations) is skipped in one step; aliases are resolved to the
//! anchored node's index when loading, so reading never looks anchors up.

use super::span::Span;
use super::split::token_len;
use super::yaml::{Event as YamlEvent, Mark, Parser, SyntaxError, UNCOUNTED};
use std::cell::Cell;
use std::collections::BTreeMap;

/// What one event is.
#[derive(Debug)]
pub(crate) enum Node {
    Scalar(Scalar),
    /// A sequence; its items follow, then the end event at index `end`.
    Sequence {
        end: usize,
    },
    /// A mapping; keys and values alternate up to the end event at index `end`.
    Mapping {
        end: usize,
    },
    /// The end of a sequence or mapping.
    End,
    /// `*name`: the node at index `target` again.
    Alias {
        target: usize,
    },
}

#[derive(Debug)]
pub(crate) struct Scalar {
    pub value: ScalarText,
    /// Resolved by YAML's rules (`80` an integer, `true` a boolean, `null`, `~` or nothing
    /// null); a quoted scalar is always a string.
    pub plain: bool,
    /// Written as a JSON number, `true`, `false` or `null`: never taken as a string.
    pub json: bool,
}

/// A scalar's text: decoded by the YAML parser, or (JSON without escapes) a range of the text itself,
/// so that reading a large JSON dump does not allocate a string per value it then skips.
#[derive(Debug)]
pub(crate) enum ScalarText {
    Owned(String),
    InText { start: usize, end: usize },
}

#[derive(Debug)]
pub(crate) struct Event {
    pub node: Node,
    pub start: Mark,
    pub end: Mark,
}

/// One document's events, with what is needed to turn their marks into spans of the whole
/// pasted text.
#[derive(Debug)]
pub(crate) struct Doc<'t> {
    pub events: Vec<Event>,
    /// The text the marks index into: the document's own chunk (YAML) or the whole text (JSON).
    text: &'t str,
    /// The 1-based line of the text's line 0, and the characters before the text on it.
    line: u32,
    column: u32,
    /// Where counting lines and columns for [`UNCOUNTED`] marks goes on from: marks are
    /// asked for in increasing order, so the text is counted once.
    cursor: Cell<Mark>,
}

impl<'t> Doc<'t> {
    pub(crate) fn new(events: Vec<Event>, text: &'t str, line: u32, column: u32) -> Doc<'t> {
        Doc { events, text, line, column, cursor: Cell::new(Mark::default()) }
    }

    /// A document whose uncounted marks are counted on from `cursor` (a mark before them all).
    pub(crate) fn counted_from(mut self, cursor: Mark) -> Doc<'t> {
        self.cursor = Cell::new(cursor);
        self
    }

    /// A scalar's text.
    pub(crate) fn text_of<'s>(&'s self, scalar: &'s Scalar) -> &'s str {
        match &scalar.value {
            ScalarText::Owned(text) => text,
            ScalarText::InText { start, end } => self.text.get(*start..*end).unwrap_or(""),
        }
    }

    /// `mark` with its line and column counted, if they were not. The one place the input
    /// counts lines and characters: for JSON's events, JSON's errors and the nesting check.
    pub(crate) fn locate(&self, mark: Mark) -> Mark {
        if mark.line != UNCOUNTED {
            return mark;
        }
        let mut cursor = self.cursor.get();
        if cursor.index > mark.index {
            cursor = Mark::default();
        }
        let bytes = self.text.as_bytes().get(cursor.index..mark.index).unwrap_or(&[]);
        for &byte in bytes {
            if byte == b'\n' {
                cursor.line = cursor.line.saturating_add(1);
                cursor.column = 0;
            } else if byte & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: a character of its own.
                cursor.column = cursor.column.saturating_add(1);
            }
        }
        cursor.index = mark.index.max(cursor.index);
        self.cursor.set(cursor);
        cursor
    }

    /// The index just past the node at `idx` (past its end event for a collection).
    pub(crate) fn after(&self, idx: usize) -> usize {
        match self.events.get(idx).map(|event| &event.node) {
            Some(Node::Sequence { end } | Node::Mapping { end }) => end + 1,
            _ => idx + 1,
        }
    }

    /// Where the event at `idx` is in the whole text: a scalar's text (with its quotes), a
    /// bracket, or the first token of a block collection.
    pub(crate) fn span(&self, idx: usize) -> Span {
        let Some(event) = self.events.get(idx) else {
            return Span { line: self.line, column: self.column.saturating_add(1), len: 1 };
        };
        self.mark_span(event.start, Some(event.end))
    }

    /// The span of the token at `start` (ending at `end` when it is known and on that line).
    pub(crate) fn mark_span(&self, start: Mark, end: Option<Mark>) -> Span {
        let start = self.locate(start);
        let end = end.map(|end| self.locate(end));
        let line_start = self.text.get(..start.index).and_then(|before| before.rfind('\n'));
        let line_start = line_start.map_or(0, |newline| newline + 1);
        let line_text = self.text.get(line_start..).and_then(|rest| rest.lines().next());
        let line_text = line_text.unwrap_or("");
        let column = start.column.saturating_add(1);
        let token = end
            .filter(|end| end.line == start.line)
            .and_then(|end| self.text.get(start.index..end.index))
            .filter(|token| !token.is_empty());
        let len = match token {
            Some(token) => u32::try_from(token.chars().count()).unwrap_or(u32::MAX),
            None => token_len(line_text, column),
        };
        let shift = if start.line == 0 { self.column } else { 0 };
        Span {
            line: self.line.saturating_add(start.line),
            column: column.saturating_add(shift),
            len: len.max(1),
        }
    }
}

/// Why a document could not be loaded: the YAML parser's words (libyaml's) and the span they point at.
#[derive(Debug)]
pub(crate) struct LoadError {
    pub message: String,
    pub span: Span,
}

/// Loads the first YAML document of `chunk_text` (which starts at 1-based `line`, after
/// `column` characters on it). `Ok(None)` for a document with nothing in it.
pub(crate) fn load_yaml(
    chunk_text: &str,
    line: u32,
    column: u32,
) -> Result<Option<Doc<'_>>, LoadError> {
    let mut doc = Doc::new(Vec::new(), chunk_text, line, column);
    let mut parser = Parser::new(chunk_text);
    let mut open: Vec<(usize, Option<String>)> = Vec::new();
    let mut anchors: BTreeMap<String, usize> = BTreeMap::new();
    let mut n_documents = 0;
    loop {
        let (event, start, end) = match parser.next() {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(error) => return Err(syntax_error(&doc, &error)),
        };
        let idx = doc.events.len();
        let node = match event {
            YamlEvent::DocumentStart => {
                n_documents += 1;
                if n_documents > 1 {
                    break;
                }
                continue;
            }
            YamlEvent::Other => continue,
            YamlEvent::Scalar { value, plain, anchor } => {
                if let Some(anchor) = anchor {
                    anchors.insert(anchor, idx);
                }
                Node::Scalar(Scalar { value: ScalarText::Owned(value), plain, json: false })
            }
            YamlEvent::Alias(name) => match anchors.get(&name) {
                Some(&target) => Node::Alias { target },
                None => {
                    let message = format!("unknown anchor `{name}`: an alias (`*{name}`) must come after its anchor (`&{name}`)");
                    return Err(LoadError { message, span: doc.mark_span(start, Some(end)) });
                }
            },
            YamlEvent::SequenceStart(anchor) => {
                open.push((idx, anchor));
                Node::Sequence { end: idx }
            }
            YamlEvent::MappingStart(anchor) => {
                open.push((idx, anchor));
                Node::Mapping { end: idx }
            }
            YamlEvent::SequenceEnd | YamlEvent::MappingEnd => {
                if let Some((start_idx, anchor)) = open.pop() {
                    if let Some(Node::Sequence { end } | Node::Mapping { end }) =
                        doc.events.get_mut(start_idx).map(|event| &mut event.node)
                    {
                        *end = idx;
                    }
                    // Registered once complete, so a node never contains an alias to itself.
                    if let Some(anchor) = anchor {
                        anchors.insert(anchor, start_idx);
                    }
                }
                Node::End
            }
        };
        doc.events.push(Event { node, start, end });
    }
    Ok((!doc.events.is_empty()).then_some(doc))
}

/// A syntax error as one sentence (`problem, context`) and the span it is about. An
/// unclosed quote or bracket is only noticed at the end of the text, so such an error points
/// at what was left open (the context's mark) rather than past the last line.
fn syntax_error(doc: &Doc<'_>, error: &SyntaxError) -> LoadError {
    let mut message = error.problem.to_string();
    let mut mark = error.problem_mark;
    if let Some((context, context_mark)) = &error.context {
        message = format!("{message}, {context}");
        let rest = doc.text.get(error.problem_mark.index..);
        if rest.is_none_or(|rest| rest.trim().is_empty()) {
            mark = *context_mark;
        }
    }
    LoadError { message, span: doc.mark_span(mark, None) }
}
