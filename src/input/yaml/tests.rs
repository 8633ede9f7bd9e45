//! The parser against libyaml itself (its Rust translation, `unsafe-libyaml`, a native
//! dev-dependency): the same events with the same marks, and the same errors at the same
//! places, over every YAML file in the repository and thousands of damaged variants of them.

use super::{Event, Mark, Parser, SyntaxError};
use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;

/// Every event libyaml gives for `text`, then its error if it stops at one.
fn libyaml(text: &str) -> (Vec<(Event, Mark, Mark)>, Option<SyntaxError>) {
    let mut events = Vec::new();
    let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
    let ptr = parser.as_mut_ptr();
    // SAFETY: the parser lives in a box that outlives every call below and is deleted at the
    // end; `text` outlives the parser; each event is read only after a successful parse, each
    // union field only for its event type, and deleted before the next.
    unsafe {
        assert!(unsafe_libyaml::yaml_parser_initialize(ptr).ok);
        unsafe_libyaml::yaml_parser_set_encoding(ptr, unsafe_libyaml::YAML_UTF8_ENCODING);
        unsafe_libyaml::yaml_parser_set_input_string(ptr, text.as_ptr(), text.len() as u64);
        let error = loop {
            let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
            if unsafe_libyaml::yaml_parser_parse(ptr, event.as_mut_ptr()).fail {
                let raw = &*ptr;
                let context = c_text(raw.context).map(|context| (context, mark(raw.context_mark)));
                break Some((
                    c_text(raw.problem).unwrap_or_default(),
                    mark(raw.problem_mark),
                    context,
                ));
            }
            let raw = &*event.as_ptr();
            let kind = match raw.type_ {
                unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Some(Event::DocumentStart),
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let scalar = raw.data.scalar;
                    let bytes = std::slice::from_raw_parts(scalar.value, scalar.length as usize);
                    let is_str =
                        c_text(scalar.tag.cast()).as_deref() == Some("tag:yaml.org,2002:str");
                    Some(Event::Scalar {
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        plain: scalar.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE && !is_str,
                        anchor: c_text(scalar.anchor.cast()),
                    })
                }
                unsafe_libyaml::YAML_ALIAS_EVENT => {
                    Some(Event::Alias(c_text(raw.data.alias.anchor.cast()).unwrap_or_default()))
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                    Some(Event::SequenceStart(c_text(raw.data.sequence_start.anchor.cast())))
                }
                unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    Some(Event::MappingStart(c_text(raw.data.mapping_start.anchor.cast())))
                }
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Some(Event::MappingEnd),
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Some(Event::SequenceEnd),
                unsafe_libyaml::YAML_STREAM_END_EVENT | unsafe_libyaml::YAML_NO_EVENT => None,
                _ => Some(Event::Other),
            };
            let marks = (mark(raw.start_mark), mark(raw.end_mark));
            unsafe_libyaml::yaml_event_delete(event.as_mut_ptr());
            match kind {
                Some(kind) => events.push((kind, marks.0, marks.1)),
                None => break None,
            }
        };
        unsafe_libyaml::yaml_parser_delete(ptr);
        // libyaml's messages are static C strings; the comparison needs ours.
        let error = error.map(|(problem, problem_mark, context)| SyntaxError {
            problem: leak(problem),
            problem_mark,
            context: context.map(|(context, mark)| (leak(context), mark)),
        });
        (events, error)
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn mark(raw: unsafe_libyaml::yaml_mark_t) -> Mark {
    Mark { index: raw.index as usize, line: raw.line as u32, column: raw.column as u32 }
}

/// # Safety
/// `ptr` is null or a NUL-terminated string that lives while this runs.
unsafe fn c_text(ptr: *const c_char) -> Option<String> {
    (!ptr.is_null()).then(|| CStr::from_ptr(ptr).to_string_lossy().into_owned())
}

fn ours(text: &str) -> (Vec<(Event, Mark, Mark)>, Option<SyntaxError>) {
    let mut parser = Parser::new(text);
    let mut events = Vec::new();
    loop {
        match parser.next() {
            Ok(Some(event)) => events.push(event),
            Ok(None) => return (events, None),
            Err(error) => return (events, Some(error)),
        }
    }
}

/// Whether both parsers read `text` alike; a description of the first difference if not.
fn difference(text: &str) -> Option<String> {
    let (expected, expected_error) = libyaml(text);
    let (actual, actual_error) = ours(text);
    if let Some(error) = &expected_error {
        if error.problem == "control characters are not allowed" {
            // libyaml's reader finds these a buffer ahead of the scanner and gives no
            // position; svcroute checks the whole text first and points at the character.
            let same = actual_error.as_ref().is_some_and(|e| e.problem == error.problem);
            return (!same).then(|| format!("expected {error:?}, got {actual_error:?}"));
        }
    }
    for (idx, (want, got)) in expected.iter().zip(&actual).enumerate() {
        if want != got {
            return Some(format!("event {idx}: expected {want:?}, got {got:?}"));
        }
    }
    if expected.len() != actual.len() {
        return Some(format!(
            "{} events expected, {} given; next expected {:?}, next given {:?}; errors {expected_error:?} / {actual_error:?}",
            expected.len(),
            actual.len(),
            expected.get(actual.len()),
            actual.get(expected.len())
        ));
    }
    (expected_error != actual_error)
        .then(|| format!("error: expected {expected_error:?}, got {actual_error:?}"))
}

/// Every YAML text in the repository: presets, fixtures, goldens' inputs, docs.
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !matches!(name, "target" | "node_modules" | "dist" | ".git") {
                    folders.push(path);
                }
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path.display().to_string(), text));
                }
            }
        }
    }
    files.sort();
    files
}

/// Texts that reach the corners of the grammar the corpus does not.
const CORNERS: &[&str] = &[
    "",
    "\u{feff}kind: Pod\n",
    "a: 1\n\u{feff}b: 2\n",
    "%YAML 1.2\n---\na: 1\n...\n%YAML 1.1\n--- !!map\nb: 2\n",
    "%YAML 1.2\n%YAML 1.2\n---\na\n",
    "%YAML 2.0\n---\na\n",
    "%YAML 1.1234567890\n---\na\n",
    "%YAML x\n---\na\n",
    "%YAML 1\n---\na\n",
    "%TAG !e! tag:example.com,2000:app/\n---\n- !e!foo bar\n- !<tag:yaml.org,2002:str> 7\n",
    "%TAG !e! tag:a\n%TAG !e! tag:b\n---\nx\n",
    "%TAG !e tag:a\n---\nx\n",
    "%TAG !e!tag:a\n---\nx\n",
    "%FOO bar\n---\nx\n",
    "%\n---\nx\n",
    "%YAML 1.2 # comment\n---\nx\n",
    "%YAML 1.2 x\n---\nx\n",
    "--- !x!y z\n",
    "- !%41%42 z\n- !e%C3%A9 z\n- !a%C3 z\n- !a%ZZ z\n",
    "- !a%80 z\n",
    "- !a%C3%41 z\n",
    "a: !!str 80\nb: !!int 80\nc: ! 80\nd: !local 80\ne: !<!> x\nf: !!str\ng: &a !!str\n",
    "a: !<x\n",
    "a: !x,y\n",
    "[!x,y]\n",
    "a: &anchor\n  b: 1\nc: *anchor\nd: &x [1, 2]\ne: *x\n",
    "a: &\n",
    "a: *\n",
    "a: &x&y 1\n",
    "a: !x !y 1\n",
    "a: &x !!str &y 1\n",
    "? a\n: b\n? [c, d]\n: e\n?\n:\n",
    "? |\n  block key\n: value\n",
    "- - - a\n    - b\n  - c\n- d\n",
    "a:\n- b\n- c\nd: e\n",
    "a:\n  - b\n  -\n  - c: 1\n    d: 2\n",
    "{a: 1, b: [2, 3], c: {d: e}, ? f : g, h, : i}\n",
    "[a, b: c, ? d : e, {f: g}, [h], : j]\n",
    "[? : x]\n",
    "[?, ? a, ? b : c]\n",
    "[a: ]\n",
    "{a: b, c }\n",
    "{a:b}\n",
    "{\"a\":b}\n",
    "[a:,b]\n",
    "[a::b]\n",
    "{a: 1,,}\n",
    "[a b\n",
    "{a: 1\n",
    "[a]]\n",
    "a: [b, c\nd: e\n",
    "a: 'single ''quoted''\n  folded\n\n  lines'\nb: \"double \\\"quoted\\\"\\n\\t\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\b\\v\\f\\r\\e\\ \\/\\\\\\\n  continued\"\n",
    "a: \"\\q\"\n",
    "a: \"\\xZZ\"\n",
    "a: \"\\uD800\"\n",
    "a: \"\\U00110000\"\n",
    "a: \"line\n\n\n  after blank lines   \n  end\"\n",
    "a: \"x\n---\ny\"\n",
    "a: \"x\n...\ny\"\n",
    "a: 'unclosed\n",
    "a: \"tab\tin\"\n",
    "a: \"trailing \\\n\"\n",
    "a: |\n  literal\n   more\n\n  end\nb: >\n  folded\n  text\n\n   indented\n  again\nc: |-\n  strip\n\nd: |+\n  keep\n\ne: >2\n   two\nf: |1-\n  x\ng: |-1\n  y\n",
    "a: |0\n",
    "a: |-0\n",
    "a: |x\n",
    "a: | # comment\n  x\n",
    "a: |\n\tx\n",
    "a: |\n  x\n \ty\n",
    "a: >\n\n  x\n",
    "a: |\n",
    "a: |+\n\n\n",
    "- |\n  x\n- >-\n  y\n",
    "a: plain\n  continued\n\n  after blank\n   deeper\nb: c # comment\nd: e#not comment\n",
    "a: b: c\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n  b: 1\n   c: 2\n",
    "a: 1\n\tb: 2\n",
    "a:\n\tb\n",
    "a: b\n\tc\n",
    "a: b\n  \tc\n",
    "a:\n  - b\n  c: d\n",
    "- a\nb: c\n",
    "a\nb: c\n",
    "key without value\n",
    "@a\n",
    "`a\n",
    "a: @b\n",
    "- -a\n- ?b\n- :c\n- -\n- ? \n",
    ":a\n",
    "a: -\n",
    "? a\n? b\n",
    "a: 1\n---\nb: 2\n--- c\n...\n...\n---\n",
    "--- a\n--- b\n",
    "...\na\n",
    "a\n...\nb\n",
    "---\n...\n",
    "--- |\n  x\n",
    "--- >\nx\n",
    "'a': 1\n\"b\": 2\n'c'\n: 3\n",
    "a: 1\r\nb:\r\n  - 2\r\n  - 'x\r\n\r\n    y'\r\n",
    "a: 1\rb: 2\r",
    "a: b\u{85}c: d\u{2028}e: f\u{2029}\n",
    "a: \"x\u{85}y\u{2028}z\"\n",
    "a: é\nб: ü\n'日本': \"語\"\n",
    "a: x\u{7}\n",
    "a: x\u{0}y\n",
    "\u{9}\n",
    "# only a comment\n",
    "a: 1 # c\n# c\nb: 2\n",
    "-\n  a\n-\n",
    "a:\n\n\n  b\n",
    "[\n  a,\n  b\n]\n",
    "{\n  a: 1,\n  b: 2,\n}\n",
    "a: [\n  1\n  ]\n",
    "- [a\n- b]\n",
];

fn check_all(texts: &[(String, String)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, text) in texts {
        if let Some(difference) = difference(text) {
            failures.push(format!("{name}: {difference}\n--- text\n{text}\n---"));
        }
    }
    failures
}

#[test]
fn reads_every_yaml_file_in_the_repository_as_libyaml_does() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "the corpus shrank to {} files", corpus.len());
    let failures = check_all(&corpus);
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn reads_the_grammar_s_corners_as_libyaml_does() {
    let corners: Vec<(String, String)> = CORNERS
        .iter()
        .enumerate()
        .map(|(idx, text)| (format!("corner {idx}"), text.to_string()))
        .collect();
    let failures = check_all(&corners);
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

/// A small deterministic generator (xorshift), so a failure is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// `text` with one to three random edits of the kind typing and pasting make: a character
/// deleted, inserted or replaced (YAML's indicators, blanks and breaks first), a line
/// doubled, dedented or indented, the text cut short.
fn damaged(text: &str, rng: &mut Rng) -> String {
    const INSERTS: &[&str] = &[
        " ", "  ", "\t", "\n", ":", ": ", "-", "- ", "?", "? ", ",", "[", "]", "{", "}", "#", " #",
        "&a", "*a", "!", "!!str ", "|", ">", "'", "\"", "\\", "%", "@", "`", "---\n", "...\n",
        "\r\n", "x", "é", "\u{2028}", "|-\n", ">+\n  ", "\"\\u00",
    ];
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let boundaries: Vec<usize> =
            text.char_indices().map(|(idx, _)| idx).chain([text.len()]).collect();
        let at = boundaries[rng.below(boundaries.len())];
        let next = boundaries.iter().copied().find(|&b| b > at).unwrap_or(text.len());
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        match rng.below(8) {
            0 => text.replace_range(at..next, ""),
            1 | 2 => text.insert_str(at, INSERTS[rng.below(INSERTS.len())]),
            3 => text.replace_range(at..next, INSERTS[rng.below(INSERTS.len())]),
            4 => {
                let line = text[line_start..line_end].to_string();
                text.insert_str(line_start, &line);
            }
            5 => {
                if text[line_start..].starts_with(' ') {
                    text.remove(line_start);
                }
            }
            6 => text.insert_str(line_start, if rng.below(2) == 0 { " " } else { "  " }),
            _ => text.truncate(at),
        }
    }
    text
}

#[test]
fn reads_damaged_yaml_as_libyaml_does() {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut texts = Vec::new();
    let sources: Vec<(String, String)> = corpus()
        .into_iter()
        .chain(CORNERS.iter().map(|text| ("corner".to_string(), text.to_string())))
        .collect();
    // ORACLE_ROUNDS=2000 for a deeper run by hand.
    let rounds = std::env::var("ORACLE_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(60);
    for (name, text) in &sources {
        for round in 0..rounds {
            texts.push((format!("{name} (damage {round})"), damaged(text, &mut rng)));
        }
    }
    assert!(texts.len() >= 5000, "only {} damaged texts", texts.len());
    let failures = check_all(&texts);
    assert!(
        failures.is_empty(),
        "{} of {} differ; the first:\n{}",
        failures.len(),
        texts.len(),
        failures.iter().take(3).cloned().collect::<Vec<_>>().join("\n")
    );
}
