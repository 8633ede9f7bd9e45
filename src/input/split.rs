//! Cheap scans of the raw text: where documents begin and end, where List items start, and
//! turning positions and serde error texts into what a diagnostic shows.
//!
//! These run on the fast path, so they look at lines and bytes, never at a YAML tree.

use super::locate::Chunk;
use super::span::Span;

/// Whether the text starts like JSON (`{` or `[` first); flow-style YAML starts the same way,
/// so the caller falls back to YAML when the first value is not valid JSON.
pub(crate) fn looks_like_json(text: &str) -> bool {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    trimmed.starts_with('{') || trimmed.starts_with('[')
}

/// Bytes of leading whitespace.
pub(crate) fn leading_whitespace(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Whether `line` is the marker `---` or `...`, alone or followed by a blank.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t'))
}

/// Whether a line holds YAML content: not blank, not a comment, not a directive.
fn is_content_line(line: &str) -> bool {
    if line.starts_with('%') {
        return false;
    }
    let trimmed = line.trim_start_matches([' ', '\t', '\u{feff}']);
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// Splits YAML text into documents at `---` and `...` lines (at column 0, as the YAML spec
/// requires), dropping documents with nothing but comments and directives. Each chunk
/// starts at the beginning of a line.
pub(crate) fn yaml_chunks(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1u32;
    let mut has_content = false;
    let mut pos = 0;
    let mut line_no = 1u32;
    while pos < text.len() {
        let line_end =
            text.get(pos..).and_then(|rest| rest.find('\n')).map_or(text.len(), |i| pos + i + 1);
        let line = text.get(pos..line_end).unwrap_or("").trim_end_matches(['\n', '\r']);
        if is_marker(line, "---") {
            if has_content {
                chunks.push(Chunk::new(start, pos, start_line, 0));
            }
            start = pos;
            start_line = line_no;
            has_content = is_content_line(line.get(3..).unwrap_or(""));
        } else if is_marker(line, "...") {
            if has_content {
                chunks.push(Chunk::new(start, pos, start_line, 0));
            }
            start = line_end;
            start_line = line_no.saturating_add(1);
            has_content = false;
        } else if !has_content && is_content_line(line) {
            has_content = true;
        }
        pos = line_end;
        line_no = line_no.saturating_add(1);
    }
    if has_content {
        chunks.push(Chunk::new(start, text.len(), start_line, 0));
    }
    chunks
}

/// The first token of a YAML document (after a `---` marker), as the object's span.
pub(crate) fn first_content_span(chunk_text: &str, chunk_line: u32) -> Span {
    for (line_idx, line) in chunk_text.lines().enumerate() {
        let line_no = chunk_line.saturating_add(u32::try_from(line_idx).unwrap_or(u32::MAX));
        let (skip, rest) =
            if is_marker(line, "---") { (3, line.get(3..).unwrap_or("")) } else { (0, line) };
        if !is_content_line(rest) {
            continue;
        }
        let indent = rest.chars().take_while(|c| c.is_whitespace() || *c == '\u{feff}').count();
        let column = u32::try_from(skip + indent + 1).unwrap_or(u32::MAX);
        return Span { line: line_no, column, len: token_len(line, column) };
    }
    Span { line: chunk_line, column: 1, len: 1 }
}

/// Whether the document is a bare sequence (`- kind: Service` or `[…]`), not a List object.
pub(crate) fn starts_with_sequence(chunk_text: &str) -> bool {
    for line in chunk_text.lines() {
        let rest = if is_marker(line, "---") { line.get(3..).unwrap_or("") } else { line };
        if !is_content_line(rest) {
            continue;
        }
        let trimmed = rest.trim_start_matches([' ', '\t', '\u{feff}']);
        return trimmed.starts_with('[') || trimmed == "-" || trimmed.starts_with("- ");
    }
    false
}

/// Where each item of a block-style `items:` list starts, found from the lines alone:
/// kubectl writes `items:` at column 0 and each item as `- apiVersion: v1`. Returns fewer
/// spans than items when the layout is different; the caller then asks the locator.
pub(crate) fn yaml_item_spans(chunk_text: &str, chunk_line: u32) -> Vec<Span> {
    let mut lines = chunk_text.lines().enumerate();
    let mut has_items_key = false;
    for (_, line) in lines.by_ref() {
        if let Some(rest) = line.strip_prefix("items:") {
            let rest = rest.trim_start();
            has_items_key = rest.is_empty() || rest.starts_with('#');
            break;
        }
    }
    if !has_items_key {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut dash_indent = None;
    for (line_idx, line) in lines {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let is_dash = trimmed == "-" || trimmed.starts_with("- ");
        let dash = match dash_indent {
            Some(dash) => dash,
            None if is_dash => {
                dash_indent = Some(indent);
                indent
            }
            None => break,
        };
        if indent < dash || (indent == dash && !is_dash) {
            break;
        }
        if indent == dash {
            let after_dash = trimmed.get(1..).unwrap_or("");
            let gap = after_dash.len() - after_dash.trim_start_matches(' ').len();
            let column = if after_dash.trim().is_empty() { indent + 1 } else { indent + 2 + gap };
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            let line_no = chunk_line.saturating_add(u32::try_from(line_idx).unwrap_or(u32::MAX));
            spans.push(Span { line: line_no, column, len: token_len(line, column) });
        }
    }
    spans
}

/// Where a byte-by-byte scan of JSON is with respect to strings, so brackets inside them
/// are not counted.
#[derive(Default)]
struct JsonStrings {
    in_string: bool,
    is_escaped: bool,
}

impl JsonStrings {
    /// A `"` outside a string was met.
    fn open(&mut self) {
        self.in_string = true;
    }

    /// Whether `byte` belongs to a string (its closing quote included).
    fn is_inside(&mut self, byte: u8) -> bool {
        if !self.in_string {
            return false;
        }
        if self.is_escaped {
            self.is_escaped = false;
        } else if byte == b'\\' {
            self.is_escaped = true;
        } else if byte == b'"' {
            self.in_string = false;
        }
        true
    }
}

/// Byte offsets of the objects that are items of a JSON List (`{"items": [{…}, …]}`) or of
/// a top-level array, by a scan of brackets and strings that never recurses.
pub(crate) fn json_item_offsets(chunk_text: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let mut strings = JsonStrings::default();
    for (offset, &byte) in chunk_text.as_bytes().iter().enumerate() {
        if strings.is_inside(byte) {
            continue;
        }
        match byte {
            b'"' => strings.open(),
            b'{' | b'[' => {
                if byte == b'{' && (stack == b"{[" || stack == b"[") {
                    offsets.push(offset);
                }
                stack.push(byte);
            }
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    offsets
}

/// Splits a stream of JSON values (`{…}{…}`, as `jq` writes them) into one chunk per value,
/// by a scan of brackets and strings. `None` when anything but a bracketed value appears at
/// the top level or a bracket is left open: the caller then reads the text as plain YAML.
pub(crate) fn json_values(text: &str) -> Option<Vec<Chunk>> {
    let mut chunks = Vec::new();
    let mut cursor = Cursor::default();
    let mut depth = 0usize;
    let mut start = 0;
    let mut strings = JsonStrings::default();
    for (offset, &byte) in text.as_bytes().iter().enumerate() {
        if strings.is_inside(byte) {
            continue;
        }
        match byte {
            b'"' if depth > 0 => strings.open(),
            b'{' | b'[' => {
                if depth == 0 {
                    start = offset;
                }
                depth += 1;
            }
            b'}' | b']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    cursor.advance_to(text, start);
                    chunks.push(Chunk::new(start, offset + 1, cursor.line, cursor.column));
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if depth > 0 => {}
            _ => return None,
        }
    }
    (depth == 0 && !strings.in_string).then_some(chunks)
}

/// A running position in the text: 1-based line, 0-based character column.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    byte: usize,
    pub line: u32,
    pub column: u32,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor { byte: 0, line: 1, column: 0 }
    }
}

impl Cursor {
    /// Moves forward to byte `target` (never backwards).
    pub(crate) fn advance_to(&mut self, text: &str, target: usize) {
        if target <= self.byte {
            return;
        }
        for c in text.get(self.byte..target).unwrap_or("").chars() {
            if c == '\n' {
                self.line = self.line.saturating_add(1);
                self.column = 0;
            } else {
                self.column = self.column.saturating_add(1);
            }
        }
        self.byte = target;
    }
}

/// The span of the token at byte `offset` of `chunk_text`, which is at `line` and 0-based
/// character column `column0`.
pub(crate) fn token_span(chunk_text: &str, offset: usize, line: u32, column0: u32) -> Span {
    let rest = chunk_text.get(offset..).unwrap_or("");
    let line_text = rest.lines().next().unwrap_or("");
    Span { line, column: column0.saturating_add(1), len: token_len(line_text, 1) }
}

/// How many characters the token at 1-based character `column` of `line_text` spans: a
/// quoted string with its quotes, a bracket, or a plain word up to a blank, a flow indicator
/// or a `: `. At least 1.
pub(crate) fn token_len(line_text: &str, column: u32) -> u32 {
    let chars: Vec<char> = line_text.chars().skip(column.saturating_sub(1) as usize).collect();
    let Some(&first) = chars.first() else { return 1 };
    let len = match first {
        '"' | '\'' => {
            let mut len = chars.len();
            let mut is_escaped = false;
            for (idx, &c) in chars.iter().enumerate().skip(1) {
                if is_escaped {
                    is_escaped = false;
                } else if c == '\\' && first == '"' {
                    is_escaped = true;
                } else if c == first {
                    len = idx + 1;
                    break;
                }
            }
            len
        }
        '{' | '}' | '[' | ']' | ',' => 1,
        _ => {
            let mut len = chars.len();
            for (idx, &c) in chars.iter().enumerate() {
                let next = chars.get(idx + 1).copied();
                let ends_key = c == ':' && next.is_none_or(char::is_whitespace);
                if c.is_whitespace() || matches!(c, ',' | ']' | '}') || ends_key {
                    len = idx;
                    break;
                }
            }
            len
        }
    };
    u32::try_from(len).unwrap_or(u32::MAX).max(1)
}

/// Drops every ` at line N column M` (and `line N column M`) from a serde error text: the
/// span carries the position.
pub(crate) fn strip_positions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + " at line ".len()..).unwrap_or("");
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = after.get(digits..).unwrap_or("");
        match after.strip_prefix(" column ") {
            Some(column) if digits > 0 => {
                rest = column.trim_start_matches(|c: char| c.is_ascii_digit());
            }
            _ => {
                out.push_str(" at line ");
                rest = rest.get(at + " at line ".len()..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the text before a serde error's first `: ` is a field path
/// (`spec.ports[0].port`), not part of the message.
pub(crate) fn is_field_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '[' | ']' | '_' | '-' | '/'))
}

/// Replaces Rust's type names in serde messages with the words a YAML author uses.
pub(crate) fn plain_types(message: &str) -> String {
    let mut message = message
        .replace("expected i64", "expected an integer")
        .replace("invalid type: map,", "invalid type: mapping,")
        .replace(
            "data did not match any variant of untagged enum IntOrString",
            "expected a port number or a port name",
        );
    if let Some(stem) = message.strip_suffix("expected a map") {
        message = format!("{stem}expected a mapping");
    }
    while let Some(at) = message.find("expected struct ") {
        let after = message.get(at + "expected struct ".len()..).unwrap_or("");
        let name_len =
            after.len() - after.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
        let end = at + "expected struct ".len() + name_len;
        message.replace_range(at..end, "expected a mapping");
    }
    message
}

/// The byte offset in `text` of a 1-based line and 1-based byte column (serde_json's).
pub(crate) fn byte_offset_of(text: &str, line: usize, byte_column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text.get(offset..).and_then(|rest| rest.find('\n')) {
            Some(newline) => offset += newline + 1,
            None => break,
        }
    }
    (offset + byte_column.saturating_sub(1)).min(text.len())
}

/// serde_json reports a wrong-typed value at its last character; this finds its first (the
/// opening quote of a string, the first digit of a number).
pub(crate) fn json_token_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(&last) = bytes.get(offset) else { return offset.min(text.len()) };
    let mut start = offset;
    if last == b'"' {
        while start > 0 {
            start -= 1;
            if bytes.get(start) == Some(&b'"')
                && (start == 0 || bytes.get(start - 1) != Some(&b'\\'))
            {
                break;
            }
        }
    } else {
        while start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
        {
            start -= 1;
        }
    }
    while !text.is_char_boundary(start) && start > 0 {
        start -= 1;
    }
    start
}

/// Every `line N column M` in an error text, in order.
pub(crate) fn positions(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("line ") {
        rest = rest.get(at + "line ".len()..).unwrap_or("");
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line = rest.get(..digits).and_then(|d| d.parse().ok());
        let after = rest.get(digits..).unwrap_or("");
        let Some(column_text) = after.strip_prefix(" column ") else { continue };
        let column_digits =
            column_text.len() - column_text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let (Some(line), Some(column)) =
            (line, column_text.get(..column_digits).and_then(|d| d.parse().ok()))
        {
            found.push((line, column));
        }
    }
    found
}

/// Deeper than this, a document is refused before parsing: libyaml slows down with the
/// square of the flow nesting depth (100 000 nested `{a: ` take a minute), and no Kubernetes
/// object comes near it.
pub(crate) const MAX_DEPTH: usize = 1000;

/// The byte offset where the document first nests deeper than `limit`, counting flow
/// brackets outside quotes and comments, and `- ` items opened on one line (`- - - x`).
/// A cheap over-estimate: brackets inside plain scalars count too, which is harmless at
/// this limit.
pub(crate) fn too_deep(chunk_text: &str, limit: usize) -> Option<usize> {
    let mut line_start = 0;
    for line in chunk_text.split_inclusive('\n') {
        // Compact block sequences nest one level per `- ` on a line.
        let n_dashes =
            line.trim_start().split("- ").take_while(|part| part.trim().is_empty()).count();
        if n_dashes > limit {
            return Some(line_start);
        }
        line_start += line.len();
    }
    let bytes = chunk_text.as_bytes();
    let mut depth: usize = 0;
    let mut quote: Option<u8> = None;
    let mut offset = 0;
    let mut previous = b'\n';
    while let Some(&byte) = bytes.get(offset) {
        if let Some(open) = quote {
            if byte == b'\\' && open == b'"' {
                offset += 2;
                previous = b'x';
                continue;
            }
            if byte == open {
                quote = None;
            }
        } else {
            match byte {
                b'"' | b'\''
                    if matches!(previous, b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':') =>
                {
                    quote = Some(byte);
                }
                b'#' if matches!(previous, b' ' | b'\t' | b'\n') => {
                    while bytes.get(offset).is_some_and(|&b| b != b'\n') {
                        offset += 1;
                    }
                    previous = b'\n';
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > limit {
                return Some(offset);
            }
        }
        previous = byte;
        offset += 1;
    }
    None
}
