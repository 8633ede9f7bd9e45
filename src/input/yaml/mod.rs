//! YAML's event parser, the one YAML parser in svcroute: used both to read objects
//! ([`super::events`]) and to find field positions ([`super::locate`]).
//!
//! It is libyaml's scanner and parser (`scanner.c`, `parser.c`) rewritten in plain Rust: the
//! same grammar, the same marks, the same error messages, checked against libyaml itself over
//! every fixture and thousands of damaged variants (`tests.rs`, libyaml's Rust translation
//! being a dev-dependency only). It replaced that translation in the page, where it cost about
//! 17 KB of the gzipped bundle against some 6 KB for this: it keeps no C-style buffers,
//! encodings or emitter, and reads a `&str`, which is UTF-8 already.

mod scanner;

#[cfg(test)]
mod tests;

use scanner::{Kind, Scanner, Token};

/// A position in the parsed text: byte index, 0-based line, 0-based column in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub index: usize,
    pub line: u32,
    pub column: u32,
}

/// Marks whose line and column are still to be counted from the index
/// ([`super::events::Doc::locate`], the input's one line and column counter).
pub(crate) const UNCOUNTED: u32 = u32::MAX;

/// A mark at byte `index` whose line and column [`super::events::Doc::locate`] counts when
/// asked.
pub(crate) fn uncounted(index: usize) -> Mark {
    Mark { index, line: UNCOUNTED, column: 0 }
}

/// One parser event, with what svcroute needs of it.
#[derive(Debug, PartialEq)]
pub(crate) enum Event {
    DocumentStart,
    Scalar {
        value: String,
        /// Written without quotes or block indicators (and not tagged `!!str`), so YAML
        /// resolves its type (`80` is an integer, `true` a boolean, `null` or nothing null).
        plain: bool,
        anchor: Option<String>,
    },
    Alias(String),
    SequenceStart(Option<String>),
    SequenceEnd,
    MappingStart(Option<String>),
    MappingEnd,
    /// Stream start, document end: nothing to read.
    Other,
}

/// A syntax error in libyaml's words: the problem, where it is, and what was being parsed
/// (with where that started, e.g. the opening quote of an unclosed string).
#[derive(Debug, PartialEq)]
pub(crate) struct SyntaxError {
    pub problem: &'static str,
    pub problem_mark: Mark,
    pub context: Option<(&'static str, Mark)>,
}

/// Where the parser is in the grammar (libyaml's parser states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

type Res<T> = Result<T, SyntaxError>;
type Step = Res<(Event, Mark, Mark)>;

const STR_TAG: &[u8] = b"tag:yaml.org,2002:str";

/// The event parser over one text. Ends at the end of the stream or at the first syntax
/// error.
pub(crate) struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    /// Where each open collection started, for its error messages.
    marks: Vec<Mark>,
    /// The document's `%TAG` handles and their prefixes.
    tag_directives: Vec<(Vec<u8>, Vec<u8>)>,
    /// Set at the end of the stream or after an error.
    is_done: bool,
    /// A character YAML does not allow anywhere, found before parsing.
    bad_character: Option<SyntaxError>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Parser<'a> {
        Parser {
            scanner: Scanner::new(text),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            is_done: false,
            bad_character: bad_character(text),
        }
    }

    /// The next event with its start and end marks; `Ok(None)` at the end of the stream.
    pub(crate) fn next(&mut self) -> Result<Option<(Event, Mark, Mark)>, SyntaxError> {
        if self.is_done {
            return Ok(None);
        }
        if let Some(error) = self.bad_character.take() {
            self.is_done = true;
            return Err(error);
        }
        match self.step() {
            Ok(_) if self.state == State::End => {
                self.is_done = true;
                Ok(None)
            }
            Ok(event) => Ok(Some(event)),
            Err(error) => {
                self.is_done = true;
                Err(error)
            }
        }
    }

    fn peek(&mut self) -> Res<(Kind, Mark, Mark)> {
        let token = self.scanner.peek()?;
        Ok((token.kind, token.start, token.end))
    }

    fn take(&mut self) -> Token {
        self.scanner.take()
    }

    fn pop_state(&mut self) -> State {
        self.states.pop().unwrap_or(State::End)
    }

    fn pop_mark(&mut self) -> Mark {
        self.marks.pop().unwrap_or_default()
    }

    fn step(&mut self) -> Step {
        match self.state {
            State::StreamStart => {
                let (_, start, _) = self.peek()?;
                self.take();
                self.state = State::ImplicitDocumentStart;
                Ok((Event::Other, start, start))
            }
            State::ImplicitDocumentStart => self.document_start(true),
            State::DocumentStart => self.document_start(false),
            State::DocumentContent => {
                let (kind, start, _) = self.peek()?;
                if matches!(
                    kind,
                    Kind::VersionDirective
                        | Kind::TagDirective
                        | Kind::DocumentStart
                        | Kind::DocumentEnd
                        | Kind::StreamEnd
                ) {
                    self.state = self.pop_state();
                    Ok(empty_scalar(start))
                } else {
                    self.node(true, false)
                }
            }
            State::DocumentEnd => {
                let (kind, start, mut end) = self.peek()?;
                if kind == Kind::DocumentEnd {
                    self.take();
                } else {
                    end = start;
                }
                self.tag_directives.clear();
                self.state = State::DocumentStart;
                Ok((Event::Other, start, end))
            }
            State::BlockNode => self.node(true, false),
            State::BlockSequenceFirstEntry => self.block_sequence_entry(true),
            State::BlockSequenceEntry => self.block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.block_mapping_key(true),
            State::BlockMappingKey => self.block_mapping_key(false),
            State::BlockMappingValue => self.block_mapping_value(),
            State::FlowSequenceFirstEntry => self.flow_sequence_entry(true),
            State::FlowSequenceEntry => self.flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => {
                let (_, start, _) = self.peek()?;
                self.state = State::FlowSequenceEntry;
                Ok((Event::MappingEnd, start, start))
            }
            State::FlowMappingFirstKey => self.flow_mapping_key(true),
            State::FlowMappingKey => self.flow_mapping_key(false),
            State::FlowMappingValue => self.flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.flow_mapping_value(true),
            State::End => Ok((Event::Other, Mark::default(), Mark::default())),
        }
    }

    fn document_start(&mut self, implicit: bool) -> Step {
        let (mut kind, mut start, mut end) = self.peek()?;
        if !implicit {
            while kind == Kind::DocumentEnd {
                self.take();
                (kind, start, end) = self.peek()?;
            }
        }
        if kind == Kind::StreamEnd {
            self.take();
            self.state = State::End;
            return Ok((Event::Other, start, end));
        }
        let is_explicit =
            matches!(kind, Kind::VersionDirective | Kind::TagDirective | Kind::DocumentStart);
        self.process_directives()?;
        self.states.push(State::DocumentEnd);
        if implicit && !is_explicit {
            self.state = State::BlockNode;
            return Ok((Event::DocumentStart, start, start));
        }
        let (kind, token_start, end) = self.peek()?;
        if kind != Kind::DocumentStart {
            return Err(error(None, "did not find expected <document start>", token_start));
        }
        self.take();
        self.state = State::DocumentContent;
        Ok((Event::DocumentStart, start, end))
    }

    fn process_directives(&mut self) -> Res<()> {
        let mut has_version = false;
        loop {
            let (kind, start, _) = self.peek()?;
            match kind {
                Kind::VersionDirective => {
                    let (major, minor) = self.take().version;
                    if has_version {
                        return Err(error(None, "found duplicate %YAML directive", start));
                    }
                    if major != 1 || minor != 1 && minor != 2 {
                        return Err(error(None, "found incompatible YAML document", start));
                    }
                    has_version = true;
                }
                Kind::TagDirective => {
                    let token = self.take();
                    if self.tag_directives.iter().any(|(handle, _)| *handle == token.value) {
                        return Err(error(None, "found duplicate %TAG directive", start));
                    }
                    self.tag_directives.push((token.value, token.suffix));
                }
                _ => break,
            }
        }
        for (handle, prefix) in [(&b"!"[..], &b"!"[..]), (b"!!", b"tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(known, _)| known == handle) {
                self.tag_directives.push((handle.to_vec(), prefix.to_vec()));
            }
        }
        Ok(())
    }

    /// A node: an alias, or properties (anchor, tag) and then a scalar or a collection's start.
    fn node(&mut self, block: bool, indentless_sequence: bool) -> Step {
        let (kind, start, _) = self.peek()?;
        if kind == Kind::Alias {
            self.state = self.pop_state();
            let token = self.take();
            return Ok((Event::Alias(text(token.value)), token.start, token.end));
        }
        // Properties: an anchor and a tag, in either order; `end` is where the last one ends.
        let mut end = start;
        let mut anchor = None;
        let mut tag = None;
        let mut tag_mark = start;
        for _ in 0..2 {
            let (kind, token_start, token_end) = self.peek()?;
            if kind == Kind::Anchor && anchor.is_none() {
                anchor = Some(text(self.take().value));
            } else if kind == Kind::Tag && tag.is_none() {
                let token = self.take();
                tag_mark = token_start;
                tag = Some((token.value, token.suffix));
            } else {
                break;
            }
            end = token_end;
        }
        let has_properties = anchor.is_some() || tag.is_some();
        let tag = match tag {
            None => None,
            Some((handle, suffix)) if handle.is_empty() => Some(suffix),
            Some((handle, suffix)) => {
                match self.tag_directives.iter().find(|(known, _)| *known == handle) {
                    Some((_, prefix)) => Some([prefix.as_slice(), &suffix].concat()),
                    None => {
                        let context = Some(("while parsing a node", start));
                        return Err(error(context, "found undefined tag handle", tag_mark));
                    }
                }
            }
        };
        // `!!str 80` is the string "80", whatever its style.
        let is_str = tag.as_deref() == Some(STR_TAG);
        let (kind, token_start, token_end) = self.peek()?;
        let (event, state) = match kind {
            Kind::BlockEntry if indentless_sequence => {
                (Event::SequenceStart(anchor), State::IndentlessSequenceEntry)
            }
            Kind::Scalar => {
                self.state = self.pop_state();
                let token = self.take();
                let value = text(token.value);
                let event = Event::Scalar { value, plain: token.plain && !is_str, anchor };
                return Ok((event, start, token.end));
            }
            Kind::FlowSequenceStart => {
                (Event::SequenceStart(anchor), State::FlowSequenceFirstEntry)
            }
            Kind::FlowMappingStart => (Event::MappingStart(anchor), State::FlowMappingFirstKey),
            Kind::BlockSequenceStart if block => {
                (Event::SequenceStart(anchor), State::BlockSequenceFirstEntry)
            }
            Kind::BlockMappingStart if block => {
                (Event::MappingStart(anchor), State::BlockMappingFirstKey)
            }
            _ if has_properties => {
                self.state = self.pop_state();
                let event = Event::Scalar { value: String::new(), plain: !is_str, anchor };
                return Ok((event, start, end));
            }
            _ => {
                let context =
                    if block { "while parsing a block node" } else { "while parsing a flow node" };
                let context = Some((context, start));
                return Err(error(context, "did not find expected node content", token_start));
            }
        };
        self.state = state;
        Ok((event, start, token_end))
    }

    /// On a collection's first entry, skips its start token and remembers where it was.
    fn open(&mut self, first: bool) -> Res<()> {
        if first {
            let (_, start, _) = self.peek()?;
            self.marks.push(start);
            self.take();
        }
        Ok(())
    }

    /// The collection's end token, as `event`.
    fn close(&mut self, event: Event) -> Step {
        let (_, start, end) = self.peek()?;
        self.state = self.pop_state();
        self.pop_mark();
        self.take();
        Ok((event, start, end))
    }

    /// The entry after a `-`, `?` or `:` at `end`: a node, or empty when one of `none` follows.
    fn block_entry(&mut self, end: Mark, none: &[Kind], next: State, indentless: bool) -> Step {
        self.take();
        let (kind, _, _) = self.peek()?;
        if none.contains(&kind) {
            self.state = next;
            Ok(empty_scalar(end))
        } else {
            self.states.push(next);
            self.node(true, indentless)
        }
    }

    fn block_sequence_entry(&mut self, first: bool) -> Step {
        self.open(first)?;
        let (kind, start, end) = self.peek()?;
        match kind {
            Kind::BlockEntry => self.block_entry(
                end,
                &[Kind::BlockEntry, Kind::BlockEnd],
                State::BlockSequenceEntry,
                false,
            ),
            Kind::BlockEnd => self.close(Event::SequenceEnd),
            _ => {
                let context = ("while parsing a block collection", self.pop_mark());
                Err(error(Some(context), "did not find expected '-' indicator", start))
            }
        }
    }

    fn indentless_sequence_entry(&mut self) -> Step {
        let (kind, start, end) = self.peek()?;
        if kind != Kind::BlockEntry {
            self.state = self.pop_state();
            return Ok((Event::SequenceEnd, start, start));
        }
        self.block_entry(
            end,
            &[Kind::BlockEntry, Kind::Key, Kind::Value, Kind::BlockEnd],
            State::IndentlessSequenceEntry,
            false,
        )
    }

    fn block_mapping_key(&mut self, first: bool) -> Step {
        self.open(first)?;
        let (kind, start, end) = self.peek()?;
        match kind {
            Kind::Key => self.block_entry(
                end,
                &[Kind::Key, Kind::Value, Kind::BlockEnd],
                State::BlockMappingValue,
                true,
            ),
            Kind::BlockEnd => self.close(Event::MappingEnd),
            _ => {
                let context = ("while parsing a block mapping", self.pop_mark());
                Err(error(Some(context), "did not find expected key", start))
            }
        }
    }

    fn block_mapping_value(&mut self) -> Step {
        let (kind, start, end) = self.peek()?;
        if kind != Kind::Value {
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(start));
        }
        self.block_entry(
            end,
            &[Kind::Key, Kind::Value, Kind::BlockEnd],
            State::BlockMappingKey,
            true,
        )
    }

    /// The first token of a flow collection's entry: after the opening bracket, or after the
    /// `,` that must separate it from the entry before. `None` at the closing bracket.
    fn flow_entry(&mut self, first: bool, end: Kind) -> Res<Option<(Kind, Mark, Mark)>> {
        self.open(first)?;
        let mut token = self.peek()?;
        if token.0 != end && !first {
            if token.0 != Kind::FlowEntry {
                let (context, problem) = if end == Kind::FlowSequenceEnd {
                    ("while parsing a flow sequence", "did not find expected ',' or ']'")
                } else {
                    ("while parsing a flow mapping", "did not find expected ',' or '}'")
                };
                return Err(error(Some((context, self.pop_mark())), problem, token.1));
            }
            self.take();
            token = self.peek()?;
        }
        Ok((token.0 != end).then_some(token))
    }

    fn flow_sequence_entry(&mut self, first: bool) -> Step {
        let Some((kind, start, end)) = self.flow_entry(first, Kind::FlowSequenceEnd)? else {
            return self.close(Event::SequenceEnd);
        };
        if kind == Kind::Key {
            self.state = State::FlowSequenceEntryMappingKey;
            self.take();
            return Ok((Event::MappingStart(None), start, end));
        }
        self.states.push(State::FlowSequenceEntry);
        self.node(false, false)
    }

    fn flow_sequence_entry_mapping_key(&mut self) -> Step {
        let (kind, _, end) = self.peek()?;
        if matches!(kind, Kind::Value | Kind::FlowEntry | Kind::FlowSequenceEnd) {
            // As libyaml does: the token is consumed here, even a `,` or `]`.
            self.take();
            self.state = State::FlowSequenceEntryMappingValue;
            Ok(empty_scalar(end))
        } else {
            self.states.push(State::FlowSequenceEntryMappingValue);
            self.node(false, false)
        }
    }

    fn flow_sequence_entry_mapping_value(&mut self) -> Step {
        self.flow_value(State::FlowSequenceEntryMappingEnd, Kind::FlowSequenceEnd)
    }

    fn flow_mapping_key(&mut self, first: bool) -> Step {
        let Some((kind, _, _)) = self.flow_entry(first, Kind::FlowMappingEnd)? else {
            return self.close(Event::MappingEnd);
        };
        if kind == Kind::Key {
            self.take();
            let (next, next_start, _) = self.peek()?;
            if matches!(next, Kind::Value | Kind::FlowEntry | Kind::FlowMappingEnd) {
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(next_start));
            }
            self.states.push(State::FlowMappingValue);
            return self.node(false, false);
        }
        self.states.push(State::FlowMappingEmptyValue);
        self.node(false, false)
    }

    /// A flow mapping's value: after a `:`, a node unless the entry ends; else empty.
    fn flow_value(&mut self, next: State, end: Kind) -> Step {
        let (mut kind, mut start, _) = self.peek()?;
        if kind == Kind::Value {
            self.take();
            (kind, start, _) = self.peek()?;
            if kind != Kind::FlowEntry && kind != end {
                self.states.push(next);
                return self.node(false, false);
            }
        }
        self.state = next;
        Ok(empty_scalar(start))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> Step {
        if empty {
            let (_, start, _) = self.peek()?;
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(start));
        }
        self.flow_value(State::FlowMappingKey, Kind::FlowMappingEnd)
    }
}

fn empty_scalar(mark: Mark) -> (Event, Mark, Mark) {
    (Event::Scalar { value: String::new(), plain: true, anchor: None }, mark, mark)
}

fn error(context: Option<(&'static str, Mark)>, problem: &'static str, mark: Mark) -> SyntaxError {
    SyntaxError { problem, problem_mark: mark, context }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// The first character YAML does not allow in a stream (C0 and C1 controls other than tab,
/// line feed, carriage return and NEL; U+FFFE and U+FFFF), as libyaml's reader checks it.
/// Its mark is left uncounted: the document's counter gives its line and column.
fn bad_character(text: &str) -> Option<SyntaxError> {
    let (index, _) = text.char_indices().find(|&(_, character)| {
        !(matches!(character, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}')
            || ('\u{A0}'..='\u{FFFD}').contains(&character)
            || character >= '\u{10000}')
    })?;
    Some(error(None, "control characters are not allowed", uncounted(index)))
}
