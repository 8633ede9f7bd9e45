//! JSON text (one value, or a stream of values as `jq` prints them) into the same events as
//! YAML, so one reader serves both; a hand-written parser, much faster than any YAML parser
//! and small in the wasm.
//!
//! Strings become quoted scalars and numbers, `true`, `false` and `null` plain ones marked as
//! JSON: where the API wants a string, JSON's `7` is an error, as the API server says.
//! Nesting is tracked on an explicit stack, so no input can overflow the call stack.

use super::events::{Doc, Event, LoadError, Node, Scalar, ScalarText};
use super::split::MAX_DEPTH;
use super::yaml::{uncounted, Mark};

/// One top-level value: where it is in the text, and its events.
pub(crate) struct JsonValue<'t> {
    /// Byte range in the whole text.
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start`, and its 0-based character column.
    pub line: u32,
    pub column: u32,
    pub doc: Doc<'t>,
}

/// The values read, and the syntax error that stopped the stream, if one did.
pub(crate) struct JsonStream<'t> {
    pub values: Vec<JsonValue<'t>>,
    pub error: Option<LoadError>,
}

/// Reads every JSON value of `text`, up to the first syntax error.
pub(crate) fn load_json(text: &str) -> JsonStream<'_> {
    let mut lexer =
        Lexer { bytes: text.as_bytes(), pos: 0, counter: Doc::new(Vec::new(), text, 1, 0) };
    let mut values = Vec::new();
    loop {
        lexer.skip_whitespace();
        if lexer.pos >= text.len() {
            return JsonStream { values, error: None };
        }
        let start = lexer.pos;
        let start_mark = lexer.mark(start);
        let mut events = Vec::new();
        match lexer.value(&mut events) {
            Ok(()) => values.push(JsonValue {
                start,
                end: lexer.pos,
                line: start_mark.line.saturating_add(1),
                column: start_mark.column,
                doc: Doc::new(events, text, 1, 0).counted_from(start_mark),
            }),
            Err((message, at)) => {
                let span = lexer.counter.mark_span(uncounted(at.min(text.len())), None);
                return JsonStream { values, error: Some(LoadError { message, span }) };
            }
        }
    }
}

/// A syntax error: serde_json's words, and the byte it is about.
type Error = (String, usize);

struct Lexer<'t> {
    bytes: &'t [u8],
    pos: usize,
    /// Counts lines and columns for the few marks that need them (each value's start, an
    /// error), always forward, so a one-line stream of megabytes is counted once.
    counter: Doc<'t>,
}

impl Lexer<'_> {
    fn mark(&self, at: usize) -> Mark {
        self.counter.locate(uncounted(at))
    }

    fn skip_whitespace(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error<T>(&self, message: &str) -> Result<T, Error> {
        Err((message.to_string(), self.pos))
    }

    /// Pushes an event spanning `start..self.pos`. Its line and column are counted only if a
    /// span is asked of it: most events of a large dump never need one.
    fn push(&mut self, events: &mut Vec<Event>, node: Node, start: usize) {
        events.push(Event { node, start: uncounted(start), end: uncounted(self.pos) });
    }

    /// One whole value, collections included.
    fn value(&mut self, events: &mut Vec<Event>) -> Result<(), Error> {
        // Open collections: the index of each start event and whether it is an object.
        let mut open: Vec<(usize, bool)> = Vec::new();
        loop {
            self.skip_whitespace();
            let start = self.pos;
            match self.peek() {
                Some(open_byte @ (b'{' | b'[')) => {
                    if open.len() >= MAX_DEPTH {
                        return self.error(&format!(
                            "this document is nested more than {MAX_DEPTH} levels deep"
                        ));
                    }
                    let is_object = open_byte == b'{';
                    self.pos += 1;
                    let idx = events.len();
                    let node = if is_object {
                        Node::Mapping { end: idx }
                    } else {
                        Node::Sequence { end: idx }
                    };
                    self.push(events, node, start);
                    open.push((idx, is_object));
                    self.skip_whitespace();
                    let close = if is_object { b'}' } else { b']' };
                    if self.peek() != Some(close) {
                        if is_object {
                            self.key(events)?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    let value = self.string()?;
                    self.push(events, string_scalar(value), start);
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                    let value = ScalarText::InText { start, end: self.pos };
                    self.push(events, json_scalar(value), start);
                }
                Some(b't' | b'f' | b'n') => {
                    let word = ["true", "false", "null"].into_iter().find(|word| {
                        self.bytes.get(start..start + word.len()) == Some(word.as_bytes())
                    });
                    let Some(word) = word else { return self.error("expected value") };
                    self.pos += word.len();
                    let value = ScalarText::InText { start, end: self.pos };
                    self.push(events, json_scalar(value), start);
                }
                Some(_) => return self.error("expected value"),
                None => return self.error("EOF while parsing a value"),
            }
            // A value is complete: close what ends here, then go on to the next one.
            loop {
                let Some(&(start_idx, is_object)) = open.last() else { return Ok(()) };
                self.skip_whitespace();
                let close = if is_object { b'}' } else { b']' };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        if self.peek() == Some(close) {
                            return self.error("trailing comma");
                        }
                        if is_object {
                            self.key(events)?;
                        }
                        break;
                    }
                    Some(byte) if byte == close => {
                        let end_start = self.pos;
                        self.pos += 1;
                        let end_idx = events.len();
                        self.push(events, Node::End, end_start);
                        if let Some(Node::Mapping { end } | Node::Sequence { end }) =
                            events.get_mut(start_idx).map(|event| &mut event.node)
                        {
                            *end = end_idx;
                        }
                        open.pop();
                    }
                    None if is_object => return self.error("EOF while parsing an object"),
                    None => return self.error("EOF while parsing a list"),
                    Some(_) if is_object => return self.error("expected `,` or `}`"),
                    Some(_) => return self.error("expected `,` or `]`"),
                }
            }
        }
    }

    /// An object's key and the `:` after it.
    fn key(&mut self, events: &mut Vec<Event>) -> Result<(), Error> {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {}
            None => return self.error("EOF while parsing an object"),
            Some(_) => return self.error("key must be a string"),
        }
        let key = self.string()?;
        self.push(events, string_scalar(key), start);
        self.skip_whitespace();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            None => self.error("EOF while parsing an object"),
            Some(_) => self.error("expected `:`"),
        }
    }

    /// A string, at its opening quote: a range of the text when it has no escapes, else
    /// unescaped.
    fn string(&mut self) -> Result<ScalarText, Error> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20) {
            self.pos += 1;
        }
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(ScalarText::InText { start, end: self.pos - 1 });
        }
        let mut out: Vec<u8> = self.bytes.get(start..self.pos).unwrap_or(&[]).to_vec();
        loop {
            let Some(byte) = self.peek() else { return self.error("EOF while parsing a string") };
            match byte {
                b'"' => {
                    self.pos += 1;
                    return Ok(ScalarText::Owned(String::from_utf8_lossy(&out).into_owned()));
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        None => return self.error("EOF while parsing a string"),
                        Some(_) => return self.error("invalid escape"),
                    };
                    self.pos += 1;
                    let mut buffer = [0; 4];
                    out.extend_from_slice(escaped.encode_utf8(&mut buffer).as_bytes());
                }
                0..=0x1F => {
                    return self
                        .error("control character (\\u0000-\\u001F) found while parsing a string")
                }
                _ => {
                    out.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// `\uXXXX` (at the `u`), with a surrogate pair's second half; leaves `pos` on the last
    /// hex digit.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.pos + 1..self.pos + 3) != Some(b"\\u") {
                return self.error("lone leading surrogate in hex escape");
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return self.error("lone leading surrogate in hex escape");
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.error("invalid unicode code point"),
        }
    }

    /// Four hex digits after the `u` at `pos`; leaves `pos` on the last.
    fn hex4(&mut self) -> Result<u32, Error> {
        let mut code = 0;
        for _ in 0..4 {
            self.pos += 1;
            let digit = self.peek().and_then(|b| (b as char).to_digit(16));
            let Some(digit) = digit else { return self.error("invalid escape") };
            code = code * 16 + digit;
        }
        Ok(code)
    }

    /// A number as JSON writes it: `-`, digits without a leading zero, a fraction, an exponent.
    fn number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.error("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.error("invalid number");
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.error("invalid number");
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

fn string_scalar(value: ScalarText) -> Node {
    Node::Scalar(Scalar { value, plain: false, json: false })
}

fn json_scalar(value: ScalarText) -> Node {
    Node::Scalar(Scalar { value, plain: true, json: true })
}
