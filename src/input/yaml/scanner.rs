//! YAML's scanner: the text as tokens (indicators, scalars, and the block structure that
//! indentation implies), after libyaml's `scanner.c`, whose rules, marks and messages it keeps
//! one for one: the tests check it against libyaml itself (`tests.rs`).
//!
//! The hard part of YAML's grammar lives here: a plain or quoted scalar may turn out to be a
//! mapping key only when a `:` follows it on the same line, so the scanner remembers each
//! *simple key* candidate and inserts the KEY (and BLOCK-MAPPING-START) tokens before it
//! once the `:` comes.

use super::{Mark, SyntaxError};

/// What a token is; its text, if any, is in [`Token::value`] (and [`Token::suffix`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Kind {
    #[default]
    StreamStart,
    StreamEnd,
    /// `%YAML major.minor`, in [`Token::version`].
    VersionDirective,
    /// `%TAG handle prefix`: handle in `value`, prefix in `suffix`.
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    /// Handle in `value`, suffix in `suffix`.
    Tag,
    /// `plain` says whether it was written without quotes or block indicators.
    Scalar,
}

#[derive(Debug, Default)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: Mark,
    pub end: Mark,
    pub value: Vec<u8>,
    pub suffix: Vec<u8>,
    pub plain: bool,
    pub version: (u32, u32),
}

impl Token {
    fn new(kind: Kind, start: Mark, end: Mark) -> Token {
        Token { kind, start, end, ..Token::default() }
    }
}

/// A place where a mapping key may have started (libyaml's "simple key").
#[derive(Debug, Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    /// At the indentation of a block mapping, so a key is the only thing it can be.
    required: bool,
    token_number: usize,
    mark: Mark,
}

impl SimpleKey {
    /// This key cannot be one any more (at `mark`): an error if it had to be.
    fn drop_at(&mut self, mark: Mark) -> Res<()> {
        if self.required {
            return Err(SyntaxError {
                problem: "could not find expected ':'",
                problem_mark: mark,
                context: Some(("while scanning a simple key", self.mark)),
            });
        }
        self.possible = false;
        Ok(())
    }
}

/// The blanks and line breaks between two parts of a multi-line flow or plain scalar, kept
/// until the next part (or the end) shows how they fold.
#[derive(Default)]
struct Gap {
    /// A line break came: the blanks after it are indentation, not content.
    has_break: bool,
    /// Blanks before the first break: they stay when no break follows.
    whitespaces: Vec<u8>,
    leading_break: Vec<u8>,
    trailing_breaks: Vec<u8>,
}

impl Gap {
    /// Appends the gap to `string` as YAML folds it, and empties it: the blanks when no line
    /// break came; else a lone line break as a space, several as all but the first (LS and
    /// PS are kept as they are).
    fn fold_into(&mut self, string: &mut Vec<u8>) {
        if !self.has_break {
            string.append(&mut self.whitespaces);
            return;
        }
        self.has_break = false;
        if self.leading_break.first() == Some(&b'\n') {
            if self.trailing_breaks.is_empty() {
                string.push(b' ');
            } else {
                string.append(&mut self.trailing_breaks);
            }
            self.leading_break.clear();
        } else {
            string.append(&mut self.leading_break);
            string.append(&mut self.trailing_breaks);
        }
    }
}

pub(super) struct Scanner<'a> {
    text: &'a [u8],
    /// Where the scanner is; `mark.index` indexes `text`.
    pub mark: Mark,
    /// Tokens scanned but not yet taken: `tokens[head..]`.
    tokens: Vec<Token>,
    head: usize,
    /// How many tokens have been taken.
    parsed: usize,
    token_available: bool,
    stream_start_produced: bool,
    /// The current block indentation column (-1 before the first), and the enclosing ones.
    indent: i64,
    indents: Vec<i64>,
    simple_key_allowed: bool,
    /// One per flow level (and one for the block context).
    simple_keys: Vec<SimpleKey>,
    flow_level: usize,
}

type Res<T> = Result<T, SyntaxError>;

fn is_alpha(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

fn hex_value(byte: u8) -> Option<u32> {
    char::from(byte).to_digit(16)
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text: text.as_bytes(),
            mark: Mark::default(),
            tokens: Vec::new(),
            head: 0,
            parsed: 0,
            token_available: false,
            stream_start_produced: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            flow_level: 0,
        }
    }

    /// The next token, scanning as far as needed to know it (a scalar may become a key).
    pub(super) fn peek(&mut self) -> Res<&Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
            self.token_available = true;
        }
        self.tokens.get(self.head).ok_or_else(|| self.error(None, "invalid YAML"))
    }

    /// Takes the token [`Scanner::peek`] returned.
    pub(super) fn take(&mut self) -> Token {
        self.token_available = false;
        self.parsed += 1;
        let token = self.tokens.get_mut(self.head).map(std::mem::take).unwrap_or_default();
        self.head += 1;
        if self.head == self.tokens.len() {
            self.tokens.clear();
            self.head = 0;
        }
        token
    }

    // Reading the text: bytes past its end read as 0, libyaml's end of input.

    fn at(&self, offset: usize) -> u8 {
        self.text.get(self.mark.index + offset).copied().unwrap_or(0)
    }

    fn is_end(&self, offset: usize) -> bool {
        self.mark.index + offset >= self.text.len()
    }

    fn is_blank(&self, offset: usize) -> bool {
        matches!(self.at(offset), b' ' | b'\t')
    }

    /// A line break: CR, LF, NEL, LS or PS.
    fn is_break(&self, offset: usize) -> bool {
        match self.at(offset) {
            b'\r' | b'\n' => true,
            0xC2 => self.at(offset + 1) == 0x85,
            0xE2 => self.at(offset + 1) == 0x80 && matches!(self.at(offset + 2), 0xA8 | 0xA9),
            _ => false,
        }
    }

    fn is_breakz(&self, offset: usize) -> bool {
        self.is_break(offset) || self.is_end(offset)
    }

    fn is_blankz(&self, offset: usize) -> bool {
        self.is_blank(offset) || self.is_breakz(offset)
    }

    /// `---` or `...` at the start of a line, followed by a blank.
    fn is_document_indicator(&self) -> bool {
        let first = self.at(0);
        self.mark.column == 0
            && matches!(first, b'-' | b'.')
            && self.at(1) == first
            && self.at(2) == first
            && self.is_blankz(3)
    }

    fn width(&self) -> usize {
        match self.at(0) {
            byte if byte & 0x80 == 0 => 1,
            byte if byte & 0xE0 == 0xC0 => 2,
            byte if byte & 0xF0 == 0xE0 => 3,
            _ => 4,
        }
    }

    fn skip(&mut self) {
        self.mark.index += self.width();
        self.mark.column += 1;
    }

    /// Skips a line break (CR LF as one).
    fn skip_line(&mut self) {
        if self.at(0) == b'\r' && self.at(1) == b'\n' {
            self.mark.index += 2;
        } else if self.is_break(0) {
            self.mark.index += self.width();
        } else {
            return;
        }
        self.mark.column = 0;
        self.mark.line += 1;
    }

    /// Appends the current character to `string` and moves past it.
    fn read(&mut self, string: &mut Vec<u8>) {
        let start = self.mark.index;
        self.skip();
        string.extend_from_slice(self.text.get(start..self.mark.index).unwrap_or_default());
    }

    /// Appends a line break to `string` (as `\n`, except LS and PS) and moves past it.
    fn read_line(&mut self, string: &mut Vec<u8>) {
        if !self.is_break(0) {
            return;
        }
        let start = self.mark.index;
        self.skip_line();
        match self.text.get(start..self.mark.index) {
            Some(line_break @ [0xE2, ..]) => string.extend_from_slice(line_break),
            _ => string.push(b'\n'),
        }
    }

    fn error(&self, context: Option<(&'static str, Mark)>, problem: &'static str) -> SyntaxError {
        SyntaxError { problem, problem_mark: self.mark, context }
    }

    /// Where token `number` (counted from the stream's start) is in the queue. A simple key's
    /// token is always still queued; the clamps only keep a broken invariant from panicking.
    fn queue_index(&self, number: usize) -> usize {
        (self.head + number).saturating_sub(self.parsed).min(self.tokens.len())
    }

    fn push(&mut self, token: Token) {
        self.tokens.push(token);
    }

    /// Pushes a one-character token of `kind`.
    fn push_indicator(&mut self, kind: Kind) {
        let start = self.mark;
        self.skip();
        self.push(Token::new(kind, start, self.mark));
    }

    fn fetch_more_tokens(&mut self) -> Res<()> {
        loop {
            let mut need_more = self.head == self.tokens.len();
            if !need_more {
                self.stale_simple_keys()?;
                need_more = self
                    .simple_keys
                    .iter()
                    .any(|key| key.possible && key.token_number == self.parsed);
            }
            if !need_more {
                return Ok(());
            }
            self.fetch_next_token()?;
        }
    }

    fn fetch_next_token(&mut self) -> Res<()> {
        if !self.stream_start_produced {
            self.stream_start_produced = true;
            self.indent = -1;
            self.simple_keys.push(SimpleKey::default());
            self.simple_key_allowed = true;
            self.push(Token::new(Kind::StreamStart, self.mark, self.mark));
            return Ok(());
        }
        self.scan_to_next_token();
        self.stale_simple_keys()?;
        self.unroll_indent(i64::from(self.mark.column));
        if self.is_end(0) {
            return self.fetch_stream_end();
        }
        let first = self.at(0);
        if self.mark.column == 0 && first == b'%' {
            return self.fetch_directive();
        }
        if self.is_document_indicator() {
            let kind = if first == b'-' { Kind::DocumentStart } else { Kind::DocumentEnd };
            self.unroll_indent(-1);
            self.remove_simple_key()?;
            self.simple_key_allowed = false;
            let start = self.mark;
            for _ in 0..3 {
                self.skip();
            }
            self.push(Token::new(kind, start, self.mark));
            return Ok(());
        }
        let in_flow = self.flow_level > 0;
        match first {
            b'[' | b'{' => {
                self.save_simple_key()?;
                self.simple_keys.push(SimpleKey::default());
                self.flow_level += 1;
                self.simple_key_allowed = true;
                let kind =
                    if first == b'[' { Kind::FlowSequenceStart } else { Kind::FlowMappingStart };
                self.push_indicator(kind);
                return Ok(());
            }
            b']' | b'}' => {
                self.remove_simple_key()?;
                if self.flow_level > 0 {
                    self.flow_level -= 1;
                    self.simple_keys.pop();
                }
                self.simple_key_allowed = false;
                let kind = if first == b']' { Kind::FlowSequenceEnd } else { Kind::FlowMappingEnd };
                self.push_indicator(kind);
                return Ok(());
            }
            b',' => {
                self.remove_simple_key()?;
                self.simple_key_allowed = true;
                self.push_indicator(Kind::FlowEntry);
                return Ok(());
            }
            b'-' if self.is_blankz(1) => {
                return self.fetch_block_indicator(
                    Kind::BlockEntry,
                    "block sequence entries are not allowed in this context",
                )
            }
            b'?' if in_flow || self.is_blankz(1) => {
                return self.fetch_block_indicator(
                    Kind::Key,
                    "mapping keys are not allowed in this context",
                )
            }
            b':' if in_flow || self.is_blankz(1) => return self.fetch_value(),
            b'*' | b'&' | b'!' | b'\'' | b'"' => {
                self.save_simple_key()?;
                self.simple_key_allowed = false;
                let token = match first {
                    b'!' => self.scan_tag()?,
                    b'*' | b'&' => self.scan_anchor(first == b'&')?,
                    _ => self.scan_flow_scalar(first == b'\'')?,
                };
                self.push(token);
                return Ok(());
            }
            b'|' | b'>' if !in_flow => {
                self.remove_simple_key()?;
                self.simple_key_allowed = true;
                let token = self.scan_block_scalar(first == b'|')?;
                self.push(token);
                return Ok(());
            }
            _ => {}
        }
        if !(self.is_blankz(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&first))
            || first == b'-' && !self.is_blank(1)
            || !in_flow && matches!(first, b'?' | b':') && !self.is_blankz(1)
        {
            self.save_simple_key()?;
            self.simple_key_allowed = false;
            let token = self.scan_plain_scalar()?;
            self.push(token);
            return Ok(());
        }
        Err(self.error(
            Some(("while scanning for the next token", self.mark)),
            "found character that cannot start any token",
        ))
    }

    /// A simple key that can no longer be one (a line or 1024 bytes later): fine, unless it
    /// had to be a key.
    fn stale_simple_keys(&mut self) -> Res<()> {
        let mark = self.mark;
        for key in &mut self.simple_keys {
            if key.possible && (key.mark.line < mark.line || key.mark.index + 1024 < mark.index) {
                key.drop_at(mark)?;
            }
        }
        Ok(())
    }

    fn save_simple_key(&mut self) -> Res<()> {
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required: self.flow_level == 0 && self.indent == i64::from(self.mark.column),
                token_number: self.parsed + self.tokens.len() - self.head,
                mark: self.mark,
            };
            self.remove_simple_key()?;
            if let Some(last) = self.simple_keys.last_mut() {
                *last = key;
            }
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> Res<()> {
        let mark = self.mark;
        match self.simple_keys.last_mut() {
            Some(key) if key.possible => key.drop_at(mark),
            _ => Ok(()),
        }
    }

    /// Opens a block collection at `column` when it is deeper than the current one; the
    /// start token goes at the end of the queue, or before token `number` (a simple key).
    fn roll_indent(&mut self, column: i64, number: Option<usize>, kind: Kind, mark: Mark) {
        if self.flow_level > 0 || self.indent >= column {
            return;
        }
        self.indents.push(self.indent);
        self.indent = column;
        let token = Token::new(kind, mark, mark);
        match number {
            Some(number) => {
                let at = self.queue_index(number);
                self.tokens.insert(at, token);
            }
            None => self.push(token),
        }
    }

    /// Closes the block collections deeper than `column`.
    fn unroll_indent(&mut self, column: i64) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.push(Token::new(Kind::BlockEnd, self.mark, self.mark));
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_end(&mut self) -> Res<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push(Token::new(Kind::StreamEnd, self.mark, self.mark));
        Ok(())
    }

    fn fetch_directive(&mut self) -> Res<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.push(token);
        Ok(())
    }

    /// `- ` or `? `: in a block, they may open a sequence or a mapping.
    fn fetch_block_indicator(&mut self, kind: Kind, not_allowed: &'static str) -> Res<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.error(None, not_allowed));
            }
            let start =
                if kind == Kind::Key { Kind::BlockMappingStart } else { Kind::BlockSequenceStart };
            self.roll_indent(i64::from(self.mark.column), None, start, self.mark);
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = kind == Kind::BlockEntry || self.flow_level == 0;
        self.push_indicator(kind);
        Ok(())
    }

    fn fetch_value(&mut self) -> Res<()> {
        let key = self.simple_keys.last().copied().unwrap_or_default();
        if key.possible {
            let at = self.queue_index(key.token_number);
            self.tokens.insert(at, Token::new(Kind::Key, key.mark, key.mark));
            self.roll_indent(
                i64::from(key.mark.column),
                Some(key.token_number),
                Kind::BlockMappingStart,
                key.mark,
            );
            if let Some(last) = self.simple_keys.last_mut() {
                last.possible = false;
            }
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(self.error(None, "mapping values are not allowed in this context"));
                }
                self.roll_indent(
                    i64::from(self.mark.column),
                    None,
                    Kind::BlockMappingStart,
                    self.mark,
                );
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.push_indicator(Kind::Value);
        Ok(())
    }

    /// Skips blanks, comments and line breaks up to the next token.
    fn scan_to_next_token(&mut self) {
        loop {
            if self.mark.column == 0
                && self
                    .text
                    .get(self.mark.index..)
                    .is_some_and(|rest| rest.starts_with(b"\xEF\xBB\xBF"))
            {
                self.skip();
            }
            while self.at(0) == b' '
                || (self.flow_level > 0 || !self.simple_key_allowed) && self.at(0) == b'\t'
            {
                self.skip();
            }
            if self.at(0) == b'#' {
                while !self.is_breakz(0) {
                    self.skip();
                }
            }
            if !self.is_break(0) {
                return;
            }
            self.skip_line();
            if self.flow_level == 0 {
                self.simple_key_allowed = true;
            }
        }
    }

    fn skip_blanks(&mut self) {
        while self.is_blank(0) {
            self.skip();
        }
    }

    /// After a directive or a block scalar's header: blanks, a comment, then a line break.
    fn end_of_line(&mut self, context: &'static str, start: Mark) -> Res<()> {
        self.skip_blanks();
        if self.at(0) == b'#' {
            while !self.is_breakz(0) {
                self.skip();
            }
        }
        if !self.is_breakz(0) {
            return Err(
                self.error(Some((context, start)), "did not find expected comment or line break")
            );
        }
        self.skip_line();
        Ok(())
    }

    fn scan_directive(&mut self) -> Res<Token> {
        const CONTEXT: &str = "while scanning a directive";
        let start = self.mark;
        self.skip();
        let mut name = Vec::new();
        while is_alpha(self.at(0)) {
            self.read(&mut name);
        }
        if name.is_empty() {
            return Err(
                self.error(Some((CONTEXT, start)), "could not find expected directive name")
            );
        }
        if !self.is_blankz(0) {
            return Err(
                self.error(Some((CONTEXT, start)), "found unexpected non-alphabetical character")
            );
        }
        let mut token = Token::new(Kind::VersionDirective, start, start);
        if name == b"YAML" {
            self.skip_blanks();
            let major = self.scan_version_number(start)?;
            if self.at(0) != b'.' {
                return Err(self.error(
                    Some(("while scanning a %YAML directive", start)),
                    "did not find expected digit or '.' character",
                ));
            }
            self.skip();
            token.version = (major, self.scan_version_number(start)?);
        } else if name == b"TAG" {
            const TAG_CONTEXT: &str = "while scanning a %TAG directive";
            token.kind = Kind::TagDirective;
            self.skip_blanks();
            token.value = self.scan_tag_handle(true, start)?;
            if !self.is_blank(0) {
                return Err(
                    self.error(Some((TAG_CONTEXT, start)), "did not find expected whitespace")
                );
            }
            self.skip_blanks();
            token.suffix = self.scan_tag_uri(true, true, None, start)?;
            if !self.is_blankz(0) {
                return Err(self.error(
                    Some((TAG_CONTEXT, start)),
                    "did not find expected whitespace or line break",
                ));
            }
        } else {
            return Err(self.error(Some((CONTEXT, start)), "found unknown directive name"));
        }
        token.end = self.mark;
        self.end_of_line(CONTEXT, start)?;
        Ok(token)
    }

    fn scan_version_number(&mut self, start: Mark) -> Res<u32> {
        const CONTEXT: &str = "while scanning a %YAML directive";
        let mut value = 0u32;
        let mut length = 0;
        while let Some(digit) = char::from(self.at(0)).to_digit(10) {
            length += 1;
            if length > 9 {
                return Err(
                    self.error(Some((CONTEXT, start)), "found extremely long version number")
                );
            }
            value = value * 10 + digit;
            self.skip();
        }
        if length == 0 {
            return Err(self.error(Some((CONTEXT, start)), "did not find expected version number"));
        }
        Ok(value)
    }

    fn scan_anchor(&mut self, is_anchor: bool) -> Res<Token> {
        let start = self.mark;
        self.skip();
        let mut name = Vec::new();
        while is_alpha(self.at(0)) {
            self.read(&mut name);
        }
        let end = self.mark;
        if name.is_empty() || !(self.is_blankz(0) || b"?:,]}%@`".contains(&self.at(0))) {
            let context =
                if is_anchor { "while scanning an anchor" } else { "while scanning an alias" };
            return Err(self.error(
                Some((context, start)),
                "did not find expected alphabetic or numeric character",
            ));
        }
        let kind = if is_anchor { Kind::Anchor } else { Kind::Alias };
        Ok(Token { value: name, ..Token::new(kind, start, end) })
    }

    fn scan_tag(&mut self) -> Res<Token> {
        const CONTEXT: &str = "while scanning a tag";
        let start = self.mark;
        let (handle, suffix);
        if self.at(1) == b'<' {
            self.skip();
            self.skip();
            handle = Vec::new();
            suffix = self.scan_tag_uri(true, false, None, start)?;
            if self.at(0) != b'>' {
                return Err(self.error(Some((CONTEXT, start)), "did not find the expected '>'"));
            }
            self.skip();
        } else {
            let scanned = self.scan_tag_handle(false, start)?;
            if scanned.len() > 1 && scanned.first() == Some(&b'!') && scanned.last() == Some(&b'!')
            {
                suffix = self.scan_tag_uri(false, false, None, start)?;
                handle = scanned;
            } else {
                // `!local`: the handle read so far is the suffix's start, the handle is `!`
                // (and a lone `!` is the non-specific tag: no handle, suffix `!`).
                let rest = self.scan_tag_uri(false, false, Some(&scanned), start)?;
                if rest.is_empty() {
                    (handle, suffix) = (rest, b"!".to_vec());
                } else {
                    (handle, suffix) = (b"!".to_vec(), rest);
                }
            }
        }
        if !self.is_blankz(0) && (self.flow_level == 0 || self.at(0) != b',') {
            return Err(self
                .error(Some((CONTEXT, start)), "did not find expected whitespace or line break"));
        }
        Ok(Token { value: handle, suffix, ..Token::new(Kind::Tag, start, self.mark) })
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> Res<Vec<u8>> {
        if self.at(0) != b'!' {
            let context =
                if directive { "while scanning a tag directive" } else { "while scanning a tag" };
            return Err(self.error(Some((context, start)), "did not find expected '!'"));
        }
        let mut handle = Vec::new();
        self.read(&mut handle);
        while is_alpha(self.at(0)) {
            self.read(&mut handle);
        }
        if self.at(0) == b'!' {
            self.read(&mut handle);
        } else if directive && handle != b"!" {
            return Err(self.error(
                Some(("while parsing a tag directive", start)),
                "did not find expected '!'",
            ));
        }
        Ok(handle)
    }

    /// A tag's URI part; `head` is a handle read before it that turned out to be its start.
    fn scan_tag_uri(
        &mut self,
        uri_char: bool,
        directive: bool,
        head: Option<&[u8]>,
        start: Mark,
    ) -> Res<Vec<u8>> {
        let context =
            if directive { "while parsing a %TAG directive" } else { "while parsing a tag" };
        let head = head.unwrap_or_default();
        let mut length = head.len();
        let mut uri = head.get(1..).unwrap_or_default().to_vec();
        loop {
            let byte = self.at(0);
            if !(is_alpha(byte)
                || b";/?:@&=+$.%!~*'()".contains(&byte)
                || uri_char && b",[]".contains(&byte))
            {
                break;
            }
            if byte == b'%' {
                self.scan_uri_escapes(context, start, &mut uri)?;
            } else {
                self.read(&mut uri);
            }
            length += 1;
        }
        if length == 0 {
            return Err(self.error(Some((context, start)), "did not find expected tag URI"));
        }
        Ok(uri)
    }

    /// `%XX` escapes of one UTF-8 character.
    fn scan_uri_escapes(
        &mut self,
        context: &'static str,
        start: Mark,
        uri: &mut Vec<u8>,
    ) -> Res<()> {
        let mut width = 0;
        loop {
            let (Some(high), Some(low)) = (hex_value(self.at(1)), hex_value(self.at(2))) else {
                return Err(self.error(Some((context, start)), "did not find URI escaped octet"));
            };
            if self.at(0) != b'%' {
                return Err(self.error(Some((context, start)), "did not find URI escaped octet"));
            }
            let octet = (high << 4 | low) as u8;
            if width == 0 {
                width = match octet.leading_ones() {
                    0 => 1,
                    count @ 2..=4 => count,
                    _ => {
                        return Err(self.error(
                            Some((context, start)),
                            "found an incorrect leading UTF-8 octet",
                        ))
                    }
                };
            } else if octet & 0xC0 != 0x80 {
                return Err(
                    self.error(Some((context, start)), "found an incorrect trailing UTF-8 octet")
                );
            }
            uri.push(octet);
            for _ in 0..3 {
                self.skip();
            }
            width -= 1;
            if width == 0 {
                return Ok(());
            }
        }
    }

    fn scan_block_scalar(&mut self, literal: bool) -> Res<Token> {
        const CONTEXT: &str = "while scanning a block scalar";
        let start = self.mark;
        self.skip();
        let mut chomping = 0i8;
        let mut increment = 0i64;
        let chomp = |byte: u8| match byte {
            b'+' => 1,
            b'-' => -1,
            _ => 0,
        };
        for _ in 0..2 {
            if chomping == 0 && chomp(self.at(0)) != 0 {
                chomping = chomp(self.at(0));
                self.skip();
            } else if increment == 0 && self.at(0).is_ascii_digit() {
                if self.at(0) == b'0' {
                    return Err(self.error(
                        Some((CONTEXT, start)),
                        "found an indentation indicator equal to 0",
                    ));
                }
                increment = i64::from(self.at(0) - b'0');
                self.skip();
            } else {
                break;
            }
        }
        self.end_of_line(CONTEXT, start)?;
        let mut end = self.mark;
        let mut indent = 0i64;
        if increment != 0 {
            indent = if self.indent >= 0 { self.indent + increment } else { increment };
        }
        let mut string = Vec::new();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        self.block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while i64::from(self.mark.column) == indent && !self.is_end(0) {
            let trailing_blank = self.is_blank(0);
            if !literal
                && leading_break.first() == Some(&b'\n')
                && !leading_blank
                && !trailing_blank
            {
                if trailing_breaks.is_empty() {
                    string.push(b' ');
                }
                leading_break.clear();
            } else {
                string.append(&mut leading_break);
            }
            string.append(&mut trailing_breaks);
            leading_blank = self.is_blank(0);
            while !self.is_breakz(0) {
                self.read(&mut string);
            }
            self.read_line(&mut leading_break);
            self.block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            string.append(&mut leading_break);
        }
        if chomping == 1 {
            string.append(&mut trailing_breaks);
        }
        Ok(Token { value: string, ..Token::new(Kind::Scalar, start, end) })
    }

    /// The indentation and empty lines before a block scalar's next line; finds the
    /// indentation from the first non-empty line when it was not given.
    fn block_scalar_breaks(
        &mut self,
        indent: &mut i64,
        breaks: &mut Vec<u8>,
        start: Mark,
        end: &mut Mark,
    ) -> Res<()> {
        let mut max_indent = 0i64;
        *end = self.mark;
        loop {
            while (*indent == 0 || i64::from(self.mark.column) < *indent) && self.at(0) == b' ' {
                self.skip();
            }
            max_indent = max_indent.max(i64::from(self.mark.column));
            if (*indent == 0 || i64::from(self.mark.column) < *indent) && self.at(0) == b'\t' {
                return Err(self.error(
                    Some(("while scanning a block scalar", start)),
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !self.is_break(0) {
                break;
            }
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent.max(self.indent + 1).max(1);
        }
        Ok(())
    }

    /// Reads the blanks and line breaks inside a multi-line flow or plain scalar into `gap`. A
    /// plain scalar (`tab_limit`: its indentation and start) may not indent a continuation
    /// line with a tab.
    fn blanks(&mut self, gap: &mut Gap, tab_limit: Option<(i64, Mark)>) -> Res<()> {
        while self.is_blank(0) || self.is_break(0) {
            if self.is_blank(0) {
                if let Some((indent, start)) = tab_limit {
                    if gap.has_break && i64::from(self.mark.column) < indent && self.at(0) == b'\t'
                    {
                        return Err(self.error(
                            Some(("while scanning a plain scalar", start)),
                            "found a tab character that violates indentation",
                        ));
                    }
                }
                if gap.has_break {
                    self.skip();
                } else {
                    self.read(&mut gap.whitespaces);
                }
            } else if gap.has_break {
                self.read_line(&mut gap.trailing_breaks);
            } else {
                gap.whitespaces.clear();
                self.read_line(&mut gap.leading_break);
                gap.has_break = true;
            }
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> Res<Token> {
        const CONTEXT: &str = "while scanning a quoted scalar";
        let quote = if single { b'\'' } else { b'"' };
        let start = self.mark;
        self.skip();
        let mut string = Vec::new();
        let mut gap = Gap::default();
        loop {
            if self.is_document_indicator() {
                return Err(
                    self.error(Some((CONTEXT, start)), "found unexpected document indicator")
                );
            }
            if self.is_end(0) {
                return Err(self.error(Some((CONTEXT, start)), "found unexpected end of stream"));
            }
            while !self.is_blankz(0) {
                let byte = self.at(0);
                if single && byte == b'\'' && self.at(1) == b'\'' {
                    string.push(b'\'');
                    self.skip();
                    self.skip();
                } else if byte == quote {
                    break;
                } else if !single && byte == b'\\' && self.is_break(1) {
                    self.skip();
                    self.skip_line();
                    gap.has_break = true;
                    break;
                } else if !single && byte == b'\\' {
                    self.scan_escape(start, &mut string)?;
                } else {
                    self.read(&mut string);
                }
            }
            if self.at(0) == quote {
                break;
            }
            self.blanks(&mut gap, None)?;
            gap.fold_into(&mut string);
        }
        self.skip();
        Ok(Token { value: string, ..Token::new(Kind::Scalar, start, self.mark) })
    }

    /// One `\` escape of a double-quoted scalar.
    fn scan_escape(&mut self, start: Mark, string: &mut Vec<u8>) -> Res<()> {
        const CONTEXT: &str = "while parsing a quoted scalar";
        let mut code_length = 0;
        let simple: &[u8] = match self.at(1) {
            b'0' => b"\0",
            b'a' => b"\x07",
            b'b' => b"\x08",
            b't' | b'\t' => b"\t",
            b'n' => b"\n",
            b'v' => b"\x0B",
            b'f' => b"\x0C",
            b'r' => b"\r",
            b'e' => b"\x1B",
            b' ' => b" ",
            b'"' => b"\"",
            b'/' => b"/",
            b'\\' => b"\\",
            b'N' => "\u{85}".as_bytes(),
            b'_' => "\u{A0}".as_bytes(),
            b'L' => "\u{2028}".as_bytes(),
            b'P' => "\u{2029}".as_bytes(),
            b'x' | b'u' | b'U' => {
                code_length = match self.at(1) {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                b""
            }
            _ => return Err(self.error(Some((CONTEXT, start)), "found unknown escape character")),
        };
        string.extend_from_slice(simple);
        self.skip();
        self.skip();
        if code_length > 0 {
            let mut value = 0u32;
            for offset in 0..code_length {
                let Some(digit) = hex_value(self.at(offset)) else {
                    return Err(self.error(
                        Some((CONTEXT, start)),
                        "did not find expected hexadecimal number",
                    ));
                };
                value = value << 4 | digit;
            }
            let Some(character) = char::from_u32(value) else {
                return Err(self
                    .error(Some((CONTEXT, start)), "found invalid Unicode character escape code"));
            };
            string.extend_from_slice(character.encode_utf8(&mut [0; 4]).as_bytes());
            for _ in 0..code_length {
                self.skip();
            }
        }
        Ok(())
    }

    fn scan_plain_scalar(&mut self) -> Res<Token> {
        let mut string = Vec::new();
        let mut gap = Gap::default();
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        let in_flow = self.flow_level > 0;
        loop {
            if self.is_document_indicator() || self.at(0) == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let byte = self.at(0);
                if in_flow && byte == b':' && b",?[]{}".contains(&self.at(1)) {
                    return Err(self.error(
                        Some(("while scanning a plain scalar", start)),
                        "found unexpected ':'",
                    ));
                }
                if byte == b':' && self.is_blankz(1) || in_flow && b",[]{}".contains(&byte) {
                    break;
                }
                gap.fold_into(&mut string);
                self.read(&mut string);
                end = self.mark;
            }
            if !(self.is_blank(0) || self.is_break(0)) {
                break;
            }
            self.blanks(&mut gap, Some((indent, start)))?;
            if !in_flow && i64::from(self.mark.column) < indent {
                break;
            }
        }
        if gap.has_break {
            self.simple_key_allowed = true;
        }
        Ok(Token { value: string, plain: true, ..Token::new(Kind::Scalar, start, end) })
    }
}
