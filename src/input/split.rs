//! Cheap scans of the raw text: where documents begin and end, how deeply they nest, and how
//! long the token at a position is.
//!
//! These run on the fast path, so they look at lines and bytes, never at a YAML tree.

use super::locate::Chunk;

/// Whether the text starts like JSON (`{` or `[` first); flow-style YAML starts the same way,
/// so the caller falls back to YAML when the first value is not valid JSON.
pub(crate) fn looks_like_json(text: &str) -> bool {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    trimmed.starts_with('{') || trimmed.starts_with('[')
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

/// Deeper than this, a document is refused before parsing: the YAML parser (like libyaml) slows down with the
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
